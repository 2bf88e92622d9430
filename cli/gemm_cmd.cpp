// `systole gemm`: compile a random quantized GEMM into a tiled program, run it through the
// driver on a backend, check it bit for bit against the CPU reference, report the counters.
#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "arch/config.hpp"
#include "arch/error.hpp"
#include "cli/commands.hpp"
#include "cli/gemm_workload.hpp"
#include "compiler/gemm.hpp"
#include "driver/device.hpp"
#include "driver/program.hpp"

namespace systole::cli {
namespace {

struct GemmOptions {
  uint32_t m = 256, n = 256, k = 256;
  std::string config = "default", backend = "hls";
  uint64_t seed = 1;
  bool json = false;
};

std::string human_bytes(double b) {
  if (b >= 1 << 20) return fmt::format("{:.2f} MiB", b / (1 << 20));
  if (b >= 1 << 10) return fmt::format("{:.1f} KiB", b / (1 << 10));
  return fmt::format("{:.0f} B", b);
}

int run_gemm(const GemmOptions& o) {
  if (o.m == 0 || o.n == 0 || o.k == 0) throw Error("--m, --n and --k must be at least 1");
  const Config cfg = load_config(o.config);
  const GemmWorkload w = make_gemm_workload(o.m, o.n, o.k, o.seed);

  compiler::GemmLowering info;
  const driver::Program prog = compiler::compile_gemm(cfg, w.layer, &info);
  auto dev = driver::Device::open(o.backend, cfg);
  driver::LoadedProgram loaded(*dev, prog);
  loaded.set_input("A", w.a.data(), w.a.size());
  loaded.run();
  std::vector<int8_t> c(w.expected.size());
  loaded.get_output("C", c.data(), c.size());
  const driver::Counters cnt = dev->counters();
  const double secs = dev->last_run_seconds();

  size_t mismatches = 0, first = SIZE_MAX;
  for (size_t i = 0; i < c.size(); ++i)
    if (c[i] != w.expected[i]) mismatches++, first = std::min(first, i);
  const bool exact = mismatches == 0;
  const uint64_t cycles = cnt[isa::Counter::Cycles];
  const uint64_t macs = uint64_t(o.m) * o.n * o.k;
  const double util = cycles ? double(macs) / (double(cycles) * cfg.dim * cfg.dim) : 0.0;
  const uint64_t rd = cnt[isa::Counter::DramRdBytes], wr = cnt[isa::Counter::DramWrBytes];

  if (o.json) {
    nlohmann::json j = {{"backend", o.backend},
                        {"config", cfg.name},
                        {"dim", cfg.dim},
                        {"m", o.m},
                        {"n", o.n},
                        {"k", o.k},
                        {"seed", o.seed},
                        {"cycles", cycles},
                        {"macs", macs},
                        {"utilization", util},
                        {"dram_bytes", rd + wr},
                        {"dram_rd_bytes", rd},
                        {"dram_wr_bytes", wr},
                        {"bit_exact", exact},
                        {"mismatches", mismatches},
                        {"sim_seconds", secs},
                        {"sim_cycles_per_second", secs > 0 ? double(cycles) / secs : 0.0},
                        {"macs_per_second", secs > 0 ? double(macs) / secs : 0.0},
                        {"instructions", prog.insns.size()},
                        {"tiling", info.tiling.to_string()},
                        {"model_cycles", info.estimate.cycles},
                        {"model_utilization", info.estimate.utilization}};
    nlohmann::json counters;
    for (uint32_t i = 0; i < isa::kNumCounters; ++i) counters[isa::kCounterNames[i]] = cnt.v[i];
    j["counters"] = counters;
    fmt::print("{}\n", j.dump());
  } else {
    fmt::print("systole gemm: {}x{}x{} int8 on {} ({}x{}) via {}\n", o.m, o.n, o.k, cfg.name, cfg.dim, cfg.dim, o.backend);
    fmt::print("  tiling     {} (cost model: {:.0f} cycles, utilization {:.3f})\n", info.tiling.to_string(),
               info.estimate.cycles, info.estimate.utilization);
    fmt::print("  program    {} instructions, arena {}\n", prog.insns.size(), human_bytes(prog.arena_size));
    if (exact) fmt::print("  result     bit-exact with the CPU reference ({} outputs)\n", c.size());
    else
      fmt::print("  result     MISMATCH: {} of {} outputs differ, first at row {} col {} (got {}, want {})\n", mismatches,
                 c.size(), first / o.n, first % o.n, c[first], w.expected[first]);
    fmt::print("  cycles     {}  ({:.3f} ms at {} MHz)\n", cycles, cycles / (cfg.clock_mhz * 1e3), cfg.clock_mhz);
    fmt::print("  MACs       {}  utilization {:.3f}\n", macs, util);
    fmt::print("  DRAM       read {}, write {}\n", human_bytes(double(rd)), human_bytes(double(wr)));
    fmt::print("  simulated  {:.3f} s  ({:.2f} M cycles/s, {:.2f} G MAC/s)\n", secs, secs > 0 ? cycles / secs / 1e6 : 0.0,
               secs > 0 ? macs / secs / 1e9 : 0.0);
  }
  return exact ? 0 : 3;
}

}  // namespace

void add_gemm_command(CLI::App& app) {
  auto o = std::make_shared<GemmOptions>();
  auto* cmd = app.add_subcommand("gemm", "Run a random int8 GEMM with bias and requantization, checked bit for bit");
  cmd->add_option("--m", o->m, "rows of A and C")->capture_default_str();
  cmd->add_option("--n", o->n, "columns of B and C")->capture_default_str();
  cmd->add_option("--k", o->k, "reduction depth")->capture_default_str();
  cmd->add_option("--config", o->config, "preset (tiny, default, large) or TOML file")->capture_default_str();
  cmd->add_option("--backend", o->backend, "driver backend")->capture_default_str();
  cmd->add_option("--seed", o->seed, "random seed for data and parameters")->capture_default_str();
  cmd->add_flag("--json", o->json, "print one JSON object instead of the summary");
  cmd->callback([o] {
    const int rc = run_gemm(*o);
    if (rc) throw CLI::RuntimeError(rc);
  });
}

}  // namespace systole::cli
