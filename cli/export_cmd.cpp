// `systole export NAME file.onnx [--seed N]`: writes a built-in zoo model as an ONNX file
// (opset 14, shapes inferred, weights as initializers), loadable by any ONNX runtime and by
// `systole run file.onnx`. `systole export --list` lists the zoo with shapes, parameters, MACs.
#include <fmt/format.h>

#include <memory>

#include "arch/error.hpp"
#include "cli/commands.hpp"
#include "compiler/ir/shape_inference.hpp"
#include "compiler/onnx/export.hpp"
#include "zoo/stats.hpp"
#include "zoo/zoo.hpp"

namespace systole::cli {
namespace {

struct ExportArgs {
  std::string model, file;
  bool list = false;
  uint64_t seed = 0;
};

void list_zoo() {
  fmt::print("{:<14}{:<18}{:<12}{:>10}{:>10}  {}\n", "NAME", "INPUT", "OUTPUT", "PARAMS", "MACS", "DESCRIPTION");
  for (const zoo::ZooModel& m : zoo::zoo_models()) {
    ir::Graph g = zoo::make_zoo_model(m.name);
    ir::infer_shapes(g);
    const zoo::GraphStats s = zoo::graph_stats(g);
    fmt::print("{:<14}{:<18}{:<12}{:>10}{:>10}  {}\n", m.name, ir::shape_str(m.input), ir::shape_str(m.output),
               zoo::si(s.params), zoo::si(s.macs), m.description);
  }
}

void export_zoo(const ExportArgs& a) {
  if (a.model.empty() || a.file.empty())
    throw Error("export needs a model name and an output file: systole export NAME file.onnx "
                "(systole export --list shows the names)");
  ir::Graph g = zoo::make_zoo_model(a.model, a.seed);
  ir::infer_shapes(g);  // so the file declares every shape, as exporters from frameworks do
  onnx_io::export_model_file(g, a.file);
  const zoo::GraphStats s = zoo::graph_stats(g);
  fmt::print("wrote {} (seed {}, {} params, {} MACs) to {}\n", g.name, a.seed, zoo::si(s.params), zoo::si(s.macs),
             a.file);
}

}  // namespace

void add_export_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("export", "Write a built-in zoo model as an ONNX file (--list: show the zoo)");
  auto a = std::make_shared<ExportArgs>();
  cmd->add_option("model", a->model, "zoo model name (resnet50, mobilenet_v2, ...; see --list)");
  cmd->add_option("file", a->file, "output ONNX file");
  cmd->add_flag("--list", a->list, "list the zoo models with input and output shapes, parameters and MACs");
  cmd->add_option("--seed", a->seed, "seed of the generated weights (default 0)");
  cmd->callback([a] {
    if (a->list) list_zoo();
    else export_zoo(*a);
  });
}

}  // namespace systole::cli
