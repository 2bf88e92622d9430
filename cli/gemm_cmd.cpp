// `systole gemm`: compile a random quantized GEMM into a tiled program, run it through the
// driver on a backend, check it bit for bit against the CPU reference, report the counters.
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/gemm_run.hpp"
#include "cli/options.hpp"

namespace systole::cli {
namespace {

std::string human_bytes(double b) {
  if (b >= 1 << 20) return fmt::format("{:.2f} MiB", b / (1 << 20));
  if (b >= 1 << 10) return fmt::format("{:.1f} KiB", b / (1 << 10));
  return fmt::format("{:.0f} B", b);
}

void print_summary(const GemmResult& r) {
  const auto& o = r.opts;
  const double secs = r.sim_seconds;
  fmt::print("systole gemm: {}x{}x{} int8 on {} ({}x{}) via {}\n", o.m, o.n, o.k, r.cfg.name, r.cfg.dim, r.cfg.dim, o.backend);
  fmt::print("  tiling     {} (cost model: {:.0f} cycles, utilization {:.3f})\n", r.lowering.tiling.to_string(),
             r.lowering.estimate.cycles, r.lowering.estimate.utilization);
  fmt::print("  program    {} instructions, arena {}\n", r.instructions, human_bytes(double(r.arena_bytes)));
  if (r.bit_exact()) fmt::print("  result     bit-exact with the CPU reference ({} outputs)\n", r.outputs);
  else
    fmt::print("  result     MISMATCH: {} of {} outputs differ, first at row {} col {} (got {}, want {})\n", r.mismatches,
               r.outputs, r.first_mismatch / o.n, r.first_mismatch % o.n, r.first_got, r.first_want);
  fmt::print("  cycles     {}  ({:.3f} ms at {} MHz)\n", r.cycles(), r.cycles() / (r.cfg.clock_mhz * 1e3), r.cfg.clock_mhz);
  fmt::print("  MACs       {}  utilization {:.3f}\n", r.macs(), r.utilization());
  fmt::print("  DRAM       read {}, write {}\n", human_bytes(double(r.counters[isa::Counter::DramRdBytes])),
             human_bytes(double(r.counters[isa::Counter::DramWrBytes])));
  fmt::print("  simulated  {:.3f} s  ({:.2f} M cycles/s, {:.2f} G MAC/s)\n", secs, secs > 0 ? r.cycles() / secs / 1e6 : 0.0,
             secs > 0 ? r.macs() / secs / 1e9 : 0.0);
}

}  // namespace

void add_gemm_command(CLI::App& app) {
  auto o = std::make_shared<GemmOptions>();
  auto json = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("gemm", "Run a random int8 GEMM with bias and requantization, checked bit for bit");
  cmd->add_option("--m", o->m, "rows of A and C")->capture_default_str();
  cmd->add_option("--n", o->n, "columns of B and C")->capture_default_str();
  cmd->add_option("--k", o->k, "reduction depth")->capture_default_str();
  add_target_options(cmd, o->backend, o->config);
  cmd->add_option("--seed", o->seed, "random seed for data and parameters")->capture_default_str();
  cmd->add_option("--trace", o->trace, "dump an FST waveform of the run (rtl backend, -DSYSTOLE_TRACE=ON build)");
  cmd->add_flag("--json", *json, "print one JSON object instead of the summary");
  cmd->callback([o, json] {
    const GemmResult r = run_gemm(*o);
    if (*json) fmt::print("{}\n", r.to_json().dump());
    else print_summary(r);
    if (!r.bit_exact()) throw CLI::RuntimeError(3);
  });
}

}  // namespace systole::cli
