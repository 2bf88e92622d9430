// `systole bench gemm`: the GEMM benchmark shapes on one backend and config, one JSON object
// with a row per shape (cycles, utilization, bit-exactness, simulation speed).
// `systole bench cpu`: own int8 CPU GEMM against oneDNN side by side, plus CPU ceilings.
// The figures in the README come from here.
#include <fmt/format.h>

#include <sstream>

#include "arch/error.hpp"
#include "cli/commands.hpp"
#include "cli/gemm_run.hpp"
#include "cli/options.hpp"
#include "roofline/cpu_bench.hpp"

namespace systole::cli {
namespace {

std::vector<GemmOptions> parse_shapes(const std::string& list, const GemmOptions& base) {
  std::vector<GemmOptions> out;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    GemmOptions o = base;
    if (std::sscanf(item.c_str(), "%ux%ux%u", &o.m, &o.n, &o.k) != 3 || !o.m || !o.n || !o.k)
      throw Error(fmt::format("--shapes: '{}' is not MxNxK", item));
    out.push_back(o);
  }
  return out;
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto* bench = app.add_subcommand("bench", "Benchmarks whose numbers the README quotes");
  bench->require_subcommand(1);
  auto* gemm = bench->add_subcommand("gemm", "GEMM benchmark shapes: cycles, utilization, simulation speed");
  auto base = std::make_shared<GemmOptions>();
  auto shapes = std::make_shared<std::string>("512x512x512,256x256x256,1024x256x512,64x2048x1024");
  add_target_options(gemm, base->backend, base->config);
  gemm->add_option("--shapes", *shapes, "comma-separated MxNxK list")->capture_default_str();
  gemm->add_option("--seed", base->seed, "random seed")->capture_default_str();
  gemm->callback([base, shapes] {
    nlohmann::json rows = nlohmann::json::array();
    bool all_exact = true;
    for (const GemmOptions& o : parse_shapes(*shapes, *base)) {
      const GemmResult r = run_gemm(o);
      all_exact &= r.bit_exact();
      rows.push_back(r.to_json());
    }
    fmt::print("{}\n", nlohmann::json{{"benchmark", "gemm"}, {"all_bit_exact", all_exact}, {"results", rows}}.dump(1));
    if (!all_exact) throw CLI::RuntimeError(3);
  });

  auto* cpu = bench->add_subcommand("cpu", "Own int8 CPU GEMM vs oneDNN side by side, and the CPU ceilings (JSON)");
  auto copt = std::make_shared<roofline::CpuBenchOptions>();
  auto json = std::make_shared<bool>(true);
  cpu->add_option("--m", copt->m, "rows")->capture_default_str();
  cpu->add_option("--n", copt->n, "columns")->capture_default_str();
  cpu->add_option("--k", copt->k, "reduction depth")->capture_default_str();
  cpu->add_option("--threads", copt->threads, "GEMM threads")->capture_default_str();
  cpu->add_option("--reps", copt->reps, "timed repetitions")->capture_default_str();
  cpu->add_flag("--remeasure", copt->remeasure_ceilings, "re-measure the cached CPU ceilings");
  cpu->add_flag("--json", *json, "JSON output (the only format)");
  cpu->callback([copt] {
    const nlohmann::json j = roofline::run_cpu_bench(*copt);
    fmt::print("{}\n", j.dump(2));
  });
}

}  // namespace systole::cli
