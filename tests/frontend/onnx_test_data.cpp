// Runs one ONNX backend test case through import, passes and the reference executor.
#include "tests/frontend/onnx_test_data.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>

#include "arch/error.hpp"
#include "compiler/ir/exec/executor.hpp"
#include "compiler/ir/passes/passes.hpp"
#include "compiler/ir/shape_inference.hpp"
#include "compiler/ir/verify.hpp"
#include "compiler/onnx/export.hpp"
#include "compiler/onnx/import.hpp"
#include "compiler/onnx/tensor_proto.hpp"

namespace systole::test {

namespace fs = std::filesystem;
using ir::DType;
using ir::Tensor;

std::string onnx_testdata_dir() {
#ifdef SYSTOLE_ONNX_TESTDATA
  return SYSTOLE_ONNX_TESTDATA;
#else
  return "";
#endif
}

static std::vector<Tensor> load_all(const fs::path& dir, const char* prefix) {
  std::vector<Tensor> v;
  for (int i = 0;; ++i) {
    const fs::path p = dir / fmt::format("{}_{}.pb", prefix, i);
    if (!fs::exists(p)) return v;
    v.push_back(onnx_io::load_tensor_file(p.string()));
  }
}

static std::string compare(const Tensor& got_ir, const Tensor& want, const std::string& name) {
  const Tensor got = want.dtype == DType::u8 && got_ir.dtype == DType::i8 ? onnx_io::int8_to_uint8(got_ir) : got_ir;
  if (got.dtype != want.dtype || got.shape != want.shape)
    return fmt::format("output '{}': got {}{}, want {}{}", name, ir::dtype_name(got.dtype), ir::shape_str(got.shape),
                       ir::dtype_name(want.dtype), ir::shape_str(want.shape));
  for (int64_t i = 0; i < want.numel(); ++i) {
    const double g = got.get_f64(i), w = want.get_f64(i);
    const bool ok = want.dtype == DType::f32 ? std::fabs(g - w) <= 1e-5 + 1e-4 * std::fabs(w) : g == w;
    if (!ok) return fmt::format("output '{}' element {}: got {}, want {}", name, i, g, w);
  }
  return "";
}

CaseResult run_case(const std::string& dir, Mode mode) {
  CaseResult r;
  try {
    ir::Graph g = onnx_io::import_model_file(dir + "/model.onnx");
    std::vector<Tensor> inputs = load_all(fs::path(dir) / "test_data_set_0", "input");
    const std::vector<Tensor> want = load_all(fs::path(dir) / "test_data_set_0", "output");
    if (inputs.size() != g.inputs.size())
      return {false, fmt::format("{} input files for {} graph inputs", inputs.size(), g.inputs.size())};
    // uint8 data maps to int8; int64 inputs (Reshape shapes) become constants, as a compiler
    // needs them; the rest stay runtime inputs.
    std::vector<ir::ValueId> ids = g.inputs;
    std::vector<Tensor> runtime;
    for (size_t i = 0; i < ids.size(); ++i) {
      Tensor t = inputs[i].dtype == DType::u8 ? onnx_io::uint8_to_int8(inputs[i]) : inputs[i];
      if (t.dtype == DType::i64) g.freeze_input(ids[i], std::move(t));
      else runtime.push_back(std::move(t));
    }
    if (mode == Mode::optimized) {
      ir::optimize(g);
    } else {
      ir::infer_shapes(g);
      if (mode == Mode::reexported) {
        g = onnx_io::import_model_bytes(onnx_io::export_model_bytes(g));
        ir::infer_shapes(g);
      }
    }
    ir::verify(g, {true});
    const std::vector<Tensor> got = ir::run(g, runtime);
    if (got.size() != want.size()) return {false, fmt::format("{} outputs, want {}", got.size(), want.size())};
    for (size_t i = 0; i < got.size(); ++i) {
      const std::string m = compare(got[i], want[i], g.value(g.outputs[i]).name);
      if (!m.empty()) return {false, m};
    }
    r.ok = true;
  } catch (const Error& e) {
    r.message = e.what();
  }
  return r;
}

}  // namespace systole::test
