// `systole export`: --list prints every zoo model; NAME file.onnx writes a model that imports
// back to the zoo graph; bad names and missing arguments are systole::Errors.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>

#include "arch/error.hpp"
#include "cli/commands.hpp"
#include "compiler/ir/shape_inference.hpp"
#include "compiler/onnx/import.hpp"
#include "tests/zoo/graph_diff.hpp"
#include "zoo/zoo.hpp"

namespace systole::cli {

void add_export_command(CLI::App& app);  // also in cli/commands.hpp once the command is wired in

namespace {

void run(std::vector<std::string> args) {
  CLI::App app{"systole"};
  app.require_subcommand(1);
  add_export_command(app);
  args.insert(args.begin(), "systole");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  app.parse(int(argv.size()), argv.data());
}

TEST(ExportCommand, ListsTheZoo) {
  ::testing::internal::CaptureStdout();
  run({"export", "--list"});
  const std::string out = ::testing::internal::GetCapturedStdout();
  for (const std::string& n : zoo::zoo_names()) EXPECT_NE(out.find(n), std::string::npos) << out;
  EXPECT_NE(out.find("25.6 M"), std::string::npos) << out;  // ResNet-50 parameters
  EXPECT_NE(out.find("[1,3,224,224]"), std::string::npos) << out;
}

TEST(ExportCommand, WritesAnOnnxFileThatImportsBack) {
  const std::string path = ::testing::TempDir() + "/systole_export_small_cnn.onnx";
  ::testing::internal::CaptureStdout();
  run({"export", "small_cnn", path, "--seed", "3"});
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("wrote small_cnn (seed 3"), std::string::npos) << out;
  ir::Graph back = onnx_io::import_model_file(path);
  ir::infer_shapes(back);
  ir::Graph want = zoo::make_zoo_model("small_cnn", 3);
  ir::infer_shapes(want);
  EXPECT_EQ(test::graph_diff(want, back), "");
}

TEST(ExportCommand, BadArgumentsAreErrors) {
  try {
    run({"export", "vgg16", ::testing::TempDir() + "/x.onnx"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown zoo model 'vgg16' (known: mlp, small_cnn"), std::string::npos) << e.what();
  }
  EXPECT_THROW(run({"export", "mlp"}), Error);
  EXPECT_THROW(run({"export", "mlp", "/nonexistent/dir/mlp.onnx"}), Error);
}

}  // namespace
}  // namespace systole::cli
