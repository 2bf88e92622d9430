// See gemm_run.hpp.
#include "cli/gemm_run.hpp"

#include <cstdlib>

#include "arch/error.hpp"
#include "cli/gemm_workload.hpp"
#include "driver/program.hpp"

namespace systole::cli {

double GemmResult::utilization() const {
  return cycles() ? double(macs()) / (double(cycles()) * cfg.dim * cfg.dim) : 0.0;
}

nlohmann::json GemmResult::to_json() const {
  const uint64_t rd = counters[isa::Counter::DramRdBytes], wr = counters[isa::Counter::DramWrBytes];
  nlohmann::json j = {{"backend", opts.backend},
                      {"config", cfg.name},
                      {"dim", cfg.dim},
                      {"m", opts.m},
                      {"n", opts.n},
                      {"k", opts.k},
                      {"seed", opts.seed},
                      {"cycles", cycles()},
                      {"macs", macs()},
                      {"utilization", utilization()},
                      {"dram_bytes", rd + wr},
                      {"dram_rd_bytes", rd},
                      {"dram_wr_bytes", wr},
                      {"bit_exact", bit_exact()},
                      {"mismatches", mismatches},
                      {"sim_seconds", sim_seconds},
                      {"sim_cycles_per_second", sim_seconds > 0 ? double(cycles()) / sim_seconds : 0.0},
                      {"macs_per_second", sim_seconds > 0 ? double(macs()) / sim_seconds : 0.0},
                      {"instructions", instructions},
                      {"tiling", lowering.tiling.to_string()},
                      {"model_cycles", lowering.estimate.cycles},
                      {"model_utilization", lowering.estimate.utilization}};
  nlohmann::json c;
  for (uint32_t i = 0; i < isa::kNumCounters; ++i) c[isa::kCounterNames[i]] = counters.v[i];
  j["counters"] = c;
  return j;
}

GemmResult run_gemm(const GemmOptions& o) {
  if (o.m == 0 || o.n == 0 || o.k == 0) throw Error("--m, --n and --k must be at least 1");
  GemmResult r;
  r.opts = o;
  r.cfg = load_config(o.config);
  const GemmWorkload w = make_gemm_workload(o.m, o.n, o.k, o.seed);
  const driver::Program prog = compiler::compile_gemm(r.cfg, w.layer, &r.lowering);
  r.instructions = prog.insns.size();
  r.arena_bytes = prog.arena_size;

  if (!o.trace.empty()) {
    if (o.backend != "rtl") throw Error("--trace needs --backend rtl (waveforms come from the Verilated RTL)");
    setenv("SYSTOLE_RTL_TRACE", o.trace.c_str(), 1);  // read by the rtl backend when it opens
  }
  auto dev = driver::Device::open(o.backend, r.cfg);
  driver::LoadedProgram loaded(*dev, prog);
  loaded.set_input("A", w.a.data(), w.a.size());
  loaded.run();
  std::vector<int8_t> c(w.expected.size());
  loaded.get_output("C", c.data(), c.size());
  r.counters = dev->counters();
  r.sim_seconds = dev->last_run_seconds();

  r.outputs = c.size();
  for (size_t i = 0; i < c.size(); ++i)
    if (c[i] != w.expected[i]) {
      if (r.mismatches++ == 0) r.first_mismatch = i, r.first_got = c[i], r.first_want = w.expected[i];
    }
  return r;
}

}  // namespace systole::cli
