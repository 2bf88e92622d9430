// rtl_top_perf: runs a GEMM program on the Verilated systole_top at a config's design point
// (default: 16x16, 16-byte bus, 100-cycle DRAM latency; or tiny) and reports the RTL's own
// cycle counter, array utilization, the hls timing model's estimate and its error, and the
// simulation speed (cycles/s). The DRAM image it ends with is checked against hls::run.
//   usage: rtl_top_perf [--tiny] [--bench] M N K [M N K ...]
//   --bench: hls/bench/gemm_program.hpp (all of A and B on chip; buffers enlarged)
//   default: compiler::compile_gemm on the design point as configured
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <random>
#include <string>
#include <vector>

#include "Vtop_default.h"
#include "Vtop_tiny.h"
#include "arch/config.hpp"
#include "arch/error.hpp"
#include "compiler/gemm.hpp"
#include "hls/bench/gemm_program.hpp"
#include "hls/native/accel.hpp"
#include "top_bench.hpp"

using namespace systole;

namespace {

struct Image {
  std::vector<uint8_t> dram;
  uint32_t insn_base = 0, insn_count = 0;
};

// Instructions at 0, the program's arena after them (dram_addr relocated), random inputs.
Image image_from_compiler(const Config& cfg, uint32_t m, uint32_t n, uint32_t k, uint32_t seed) {
  std::mt19937 rng(seed);
  compiler::GemmLayer l;
  l.m = m, l.n = n, l.k = k;
  l.weights.resize(size_t(k) * n);
  for (auto& v : l.weights) v = int8_t(rng());
  l.bias.assign(n, 0), l.mult.assign(n, 1 << 30), l.shift.assign(n, 36);
  for (uint32_t i = 0; i < n; ++i) l.bias[i] = int32_t(rng() % 2001) - 1000;
  const driver::Program p = compiler::compile_gemm(cfg, l);
  Image img;
  img.insn_count = uint32_t(p.insns.size());
  const uint32_t arena = (img.insn_count * 16 + 4095) / 4096 * 4096;
  img.dram.assign(arena + p.arena_size + 4096, 0);
  for (const driver::TensorDesc& t : p.tensors) {
    if (t.kind == driver::TensorKind::Constant) std::memcpy(&img.dram[arena + t.offset], t.data.data(), t.size);
    if (t.kind == driver::TensorKind::Input)
      for (uint32_t i = 0; i < t.size; ++i) img.dram[arena + t.offset + i] = uint8_t(rng());
  }
  for (size_t i = 0; i < p.insns.size(); ++i) {
    isa::Insn w = p.insns[i];
    const uint32_t op = isa::opcode_bits(w);
    if (op == uint32_t(isa::Opcode::LOAD)) {
      isa::LoadInsn x = isa::unpack_load(w);
      x.dram_addr += arena;
      w = isa::pack(x);
    } else if (op == uint32_t(isa::Opcode::STORE)) {
      isa::StoreInsn x = isa::unpack_store(w);
      x.dram_addr += arena;
      w = isa::pack(x);
    }
    isa::insn_to_bytes(w, &img.dram[16 * i]);
  }
  return img;
}

Image image_from_bench(uint32_t dim, uint32_t m, uint32_t n, uint32_t k, uint32_t seed) {
  hls::bench::GemmProgram g = hls::bench::make_gemm_program(dim, m, n, k);
  std::mt19937 rng(seed);
  for (uint64_t i = g.a_off; i < g.b_off + uint64_t(k) * n; ++i) g.dram[i] = uint8_t(rng());
  Image img;
  img.insn_count = g.insn_count;
  img.dram = std::move(g.dram);
  img.dram.resize(img.dram.size() + 4096, 0);
  return img;
}

template <typename V, unsigned BUS>
int run_shape(const Config& cfg, bool bench, uint32_t m, uint32_t n, uint32_t k) {
  Image img = bench ? image_from_bench(cfg.dim, m, n, k, 1) : image_from_compiler(cfg, m, n, k, 1);
  std::vector<uint8_t> want = img.dram;
  Config hcfg = cfg;
  if (bench) {  // the RTL is built for the config's buffer sizes: the bench program must fit
    const hls::bench::GemmProgram g0 = hls::bench::make_gemm_program(cfg.dim, m, n, k);
    if (g0.spad_rows_needed() > cfg.spad_rows() || g0.acc_rows_needed() > cfg.acc_rows()) {
      fmt::print("{}x{}x{}: the bench program needs {} spad / {} acc rows, the design point has {} / {}\n", m, n, k,
                 g0.spad_rows_needed(), g0.acc_rows_needed(), cfg.spad_rows(), cfg.acc_rows());
      return 1;
    }
  }
  const hls::RunResult h = hls::run(hcfg, want.data(), want.size(), img.insn_base, img.insn_count);
  if (h.error_code) throw Error(fmt::format("hls run failed: error {} at {}", h.error_code, h.error_insn));

  rtltest::TopBench<V, BUS> b(img.dram.size(), cfg.dram_latency);
  std::memcpy(b.mem.data(), img.dram.data(), img.dram.size());
  const auto t0 = std::chrono::steady_clock::now();
  const uint64_t c0 = b.cycle();
  const uint32_t status = b.start_and_wait(img.insn_base, img.insn_count, 100000000);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const uint64_t sim_cycles = b.cycle() - c0;
  const std::vector<uint64_t> c = b.counters();
  const uint64_t cyc = c[uint32_t(isa::Counter::Cycles)];
  const uint64_t hcyc = h.counters[uint32_t(isa::Counter::Cycles)];
  const double util = double(m) * n * k / (double(cyc) * cfg.dim * cfg.dim);
  const bool same = b.mem == want;
  fmt::print("{:>4}x{:<4}x{:<4} {:>4} insns  rtl {:>9} cycles util {:.3f}  model {:>9} ({:+.2f}%)  {:.2f} M cycles/s"
             "  status {:#x} dram {}\n",
             m, n, k, img.insn_count, cyc, util, hcyc, 100.0 * (double(hcyc) - double(cyc)) / double(cyc),
             sim_cycles / secs / 1e6, status, same ? "same" : "DIFFERENT");
  fmt::print("    rtl:   ");
  for (uint32_t i = 0; i < isa::kNumCounters; ++i) fmt::print(" {}={}", isa::kCounterNames[i], c[i]);
  fmt::print("\n    model: ");
  for (uint32_t i = 0; i < isa::kNumCounters; ++i) fmt::print(" {}={}", isa::kCounterNames[i], h.counters[i]);
  fmt::print("\n");
  return same && status == (1u << isa::kBitStatusDone) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) try {
  bool tiny = false, bench = false;
  std::vector<uint32_t> dims;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--tiny")) tiny = true;
    else if (!std::strcmp(argv[i], "--bench")) bench = true;
    else dims.push_back(uint32_t(std::atoi(argv[i])));
  }
  if (dims.empty()) dims = {512, 512, 512};
  if (dims.size() % 3) throw Error("usage: rtl_top_perf [--tiny] [--bench] M N K [M N K ...]");
  const Config cfg = load_config(tiny ? "tiny" : "default");
  int rc = 0;
  for (size_t i = 0; i < dims.size(); i += 3) {
    if (tiny)
      rc |= run_shape<Vtop_tiny, 4>(cfg, bench, dims[i], dims[i + 1], dims[i + 2]);
    else
      rc |= run_shape<Vtop_default, 16>(cfg, bench, dims[i], dims[i + 1], dims[i + 2]);
  }
  return rc;
} catch (const std::exception& e) {
  std::fprintf(stderr, "rtl_top_perf: %s\n", e.what());
  return 1;
}
