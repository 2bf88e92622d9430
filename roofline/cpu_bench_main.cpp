// cpu_bench: prints run_cpu_bench's JSON object (own int8 GEMM vs oneDNN, CPU ceilings).
#include <CLI/CLI.hpp>
#include <iostream>

#include "roofline/cpu_bench.hpp"

int main(int argc, char** argv) {
  systole::roofline::CpuBenchOptions o;
  CLI::App app{"Own int8 GEMM vs oneDNN on this CPU, with measured roofline ceilings (JSON)"};
  app.add_option("--m", o.m, "rows of A and C");
  app.add_option("--n", o.n, "columns of B and C");
  app.add_option("--k", o.k, "reduction length");
  app.add_option("--threads", o.threads, "GEMM threads");
  app.add_option("--reps", o.reps, "timed repetitions per configuration");
  app.add_flag("--remeasure", o.remeasure_ceilings, "re-measure the CPU ceilings and update the cache");
  app.add_option("--ceilings-cache", o.ceilings_cache, "ceilings cache file ('-' for none)");
  app.add_flag("--quick", o.quick_ceilings, "short ceiling measurement");
  CLI11_PARSE(app, argc, argv);
  std::cout << run_cpu_bench(o).dump(2) << std::endl;
  return 0;
}
