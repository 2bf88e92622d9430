// Regression tests for fuzz findings (fuzz/, docs/hardening.md): the inputs that once crashed
// a fuzz target, built inline, plus every file under tests/fuzz_regress/<target>/ replayed
// through the target's property (fuzz/checks.hpp). Dropping a crash-* file from
// build-fuzz/artifacts/<target>/ into tests/fuzz_regress/<target>/ makes it a test.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "compiler/onnx/import.hpp"
#include "fuzz/checks.hpp"
#include "onnx/onnx_pb.h"

namespace systole::fuzz {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> files_of(const std::string& target) {
  std::vector<std::string> out;
  const fs::path dir = fs::path(SYSTOLE_SOURCE_DIR) / "tests" / "fuzz_regress" / target;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) out.push_back(e.path().string());
  return out;
}

std::string read(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// A model whose only initializer declares `dims` but carries `raw` bytes of data.
std::string model_with_initializer(std::vector<int64_t> dims, const std::string& raw, bool has_raw) {
  ::onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(14);
  ::onnx::GraphProto* g = m.mutable_graph();
  ::onnx::TensorProto* t = g->add_initializer();
  t->set_name("w");
  t->set_data_type(::onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->add_dims(d);
  if (has_raw) t->set_raw_data(raw);
  g->add_output()->set_name("w");
  return m.SerializeAsString();
}

std::string import_error(const std::string& bytes) {
  try {
    onnx_io::import_model_bytes(bytes);
  } catch (const Error& e) {
    return e.what();
  }
  return "<imported>";
}

// fuzz_onnx_import: an initializer of 2^20 x 2^20 floats declared in a few bytes allocated
// 4 TiB before noticing that the data was missing (compiler/onnx/tensor_proto.cpp).
TEST(FuzzRegress, OnnxHugeDeclaredTensorIsRefusedBeforeAllocating) {
  const int64_t big = int64_t(1) << 20;
  std::string e = import_error(model_with_initializer({big, big}, "", false));
  EXPECT_NE(e.find("0 data elements"), std::string::npos) << e;
  e = import_error(model_with_initializer({big, big}, std::string(8, '\0'), true));
  EXPECT_NE(e.find("2 data elements"), std::string::npos) << e;
  // The well-formed case still imports.
  EXPECT_EQ(import_error(model_with_initializer({2}, std::string(8, '\0'), true)), "<imported>");
}

TEST(FuzzRegress, ReplayOnnx) {
  for (const std::string& f : files_of("onnx")) {
    SCOPED_TRACE(f);
    try {
      onnx_io::import_model_bytes(read(f));
    } catch (const Error&) {
    }
  }
}

TEST(FuzzRegress, ReplayConfig) {
  for (const std::string& f : files_of("config")) {
    SCOPED_TRACE(f);
    check_config(read(f));
  }
}

TEST(FuzzRegress, ReplayAsm) {
  for (const std::string& f : files_of("asm")) {
    SCOPED_TRACE(f);
    check_asm(read(f));
  }
}

TEST(FuzzRegress, ReplayProgram) {
  for (const std::string& f : files_of("program")) {
    SCOPED_TRACE(f);
    const std::string b = read(f);
    check_program(std::vector<uint8_t>(b.begin(), b.end()));
  }
}

}  // namespace
}  // namespace systole::fuzz
