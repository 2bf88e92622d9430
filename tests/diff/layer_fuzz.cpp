// layer_fuzz: long-run differential testing of the compiler's output on both backends. Random
// GEMM and convolution layers (shapes, strides, asymmetric padding, dilation, groups,
// depthwise, batch) are compiled for a design point and run through the driver on the hls
// backend and on the rtl backend (the SystemC platform around the Verilated RTL): the output
// tensors must be equal byte for byte and equal to the CPU reference, and the counters both
// backends count exactly (instructions, array rows, DRAM bytes) must agree. Cycle counts are
// reported (the hls timing model's error against the RTL), not compared. Stops at the first
// mismatch, printing the seed, the layer and the first differing byte.
//   usage: layer_fuzz N [first_seed] [--default] [--verbose]     (`make fuzz-rtl N=...`)
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <random>

#include "arch/error.hpp"
#include "conv_test_util.hpp"
#include "gemm_test_util.hpp"

using namespace systole;
using namespace systole::compiler;

namespace {

constexpr isa::Counter kExact[] = {isa::Counter::Insns, isa::Counter::ArrayRows, isa::Counter::DramRdBytes,
                                   isa::Counter::DramWrBytes};

struct Layer {
  bool conv = false;
  ConvShape s;           // conv
  uint32_t m = 0, n = 0, k = 0;  // gemm
  std::string str() const {
    return conv ? "conv " + s.to_string() : fmt::format("gemm M={} N={} K={}", m, n, k);
  }
};

Layer random_layer(std::mt19937& rng) {
  auto uni = [&](uint32_t lo, uint32_t hi) { return std::uniform_int_distribution<uint32_t>(lo, hi)(rng); };
  Layer l;
  if (uni(0, 99) < 35) {
    l.m = uni(1, 64), l.n = uni(1, 48), l.k = uni(1, 64);
    return l;
  }
  l.conv = true;
  ConvShape& s = l.s;
  for (;;) {
    s = ConvShape{};
    s.n = uni(0, 9) == 0 ? 2 : 1;
    s.h = uni(1, 14), s.w = uni(1, 14);
    const uint32_t kinds = uni(0, 9);
    s.kh = s.kw = kinds < 3 ? 1 : kinds < 8 ? 3 : kinds < 9 ? 5 : 7;
    if (uni(0, 4) == 0) s.kw = uni(1, 5);  // non-square kernels
    s.stride_h = uni(1, 3), s.stride_w = uni(0, 3) == 0 ? uni(1, 3) : s.stride_h;
    if (uni(0, 5) == 0) s.dil_h = uni(1, 3), s.dil_w = uni(1, 2);
    s.pad_top = uni(0, s.kh - 1), s.pad_bottom = uni(0, s.kh - 1);
    s.pad_left = uni(0, s.kw - 1), s.pad_right = uni(0, s.kw - 1);
    const uint32_t g = uni(0, 9);
    if (g < 2) {  // depthwise
      s.c_in = s.c_out = uni(1, 24);
      s.groups = s.c_in;
    } else if (g < 4) {  // grouped
      s.groups = uni(2, 4);
      s.c_in = s.groups * uni(1, 6), s.c_out = s.groups * uni(1, 6);
    } else {
      s.c_in = uni(1, 24), s.c_out = uni(1, 24);
    }
    if (s.kh == 7 && s.c_in > 4) s.c_in = s.groups == 1 ? uni(1, 4) : s.c_in;  // first-layer style
    if (s.out_h() >= 1 && s.out_w() >= 1) return l;
  }
}

std::string first_diff(const std::vector<int8_t>& a, const std::vector<int8_t>& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i)
    if (a[i] != b[i]) return fmt::format("byte {}: {} vs {}", i, int(a[i]), int(b[i]));
  return a.size() == b.size() ? "" : "sizes differ";
}

struct Outcome {
  bool skipped = false;
  std::string mismatch;  // empty when all agree
  uint64_t insns = 0, hls_cycles = 0, rtl_cycles = 0;
};

std::string compare_counters(const driver::Counters& h, const driver::Counters& r) {
  std::string why;
  for (isa::Counter c : kExact)
    if (h[c] != r[c]) why += fmt::format(" {}: hls {} rtl {};", isa::kCounterNames[uint32_t(c)], h[c], r[c]);
  return why;
}

Outcome run_layer(const Config& cfg, driver::Device& hls, driver::Device& rtl, const Layer& l, uint32_t seed) {
  Outcome o;
  if (!l.conv) {
    const testing::GemmCase c = testing::random_gemm(l.m, l.n, l.k, seed);
    driver::Program p;
    try {
      p = compile_gemm(cfg, c.layer);
    } catch (const Error&) {
      o.skipped = true;
      return o;
    }
    o.insns = p.insns.size();
    const testing::RunOutput h = testing::run_program(hls, p, c), r = testing::run_program(rtl, p, c);
    o.hls_cycles = h.counters[isa::Counter::Cycles], o.rtl_cycles = r.counters[isa::Counter::Cycles];
    std::string d = first_diff(h.c, r.c);
    if (!d.empty()) o.mismatch += " hls vs rtl " + d + ";";
    d = first_diff(h.c, testing::reference_output(c));
    if (!d.empty()) o.mismatch += " hls vs reference " + d + ";";
    o.mismatch += compare_counters(h.counters, r.counters);
    return o;
  }
  const testing::ConvCase c = testing::random_conv(l.s, seed);
  driver::Program p;
  try {
    p = compile_conv(cfg, c.layer);
  } catch (const Error&) {
    o.skipped = true;  // outside what the compiler maps (it says so): not a backend question
    return o;
  }
  o.insns = p.insns.size();
  const testing::ConvRun h = testing::run_conv(hls, p, c), r = testing::run_conv(rtl, p, c);
  o.hls_cycles = h.counters[isa::Counter::Cycles], o.rtl_cycles = r.counters[isa::Counter::Cycles];
  std::string d = first_diff(h.y, r.y);
  if (!d.empty()) o.mismatch += " hls vs rtl " + d + ";";
  d = first_diff(h.y, testing::reference_output(c));
  if (!d.empty()) o.mismatch += " hls vs reference " + d + ";";
  o.mismatch += compare_counters(h.counters, r.counters);
  return o;
}

}  // namespace

int main(int argc, char** argv) try {
  uint64_t n = 100, first = 1;
  bool def = false, verbose = false;
  int pos = 0;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--default")) def = true;
    else if (!std::strcmp(argv[i], "--verbose")) verbose = true;
    else if (pos++ == 0) n = std::strtoull(argv[i], nullptr, 0);
    else first = std::strtoull(argv[i], nullptr, 0);
  }
  const Config cfg = load_config(def ? "default" : "tiny");
  auto hls = driver::Device::open("hls", cfg);
  auto rtl = driver::Device::open("rtl", cfg);
  const auto t0 = std::chrono::steady_clock::now();
  uint64_t layers = 0, convs = 0, skipped = 0, insns = 0;
  double err_sum = 0, err_max = 0;
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t seed = first + i;
    std::mt19937 rng(uint32_t(seed * 2654435761u));
    const Layer l = random_layer(rng);
    const Outcome o = run_layer(cfg, *hls, *rtl, l, uint32_t(seed));
    if (o.skipped) {
      ++skipped;
      if (verbose) std::printf("seed %llu: %s: not mapped by the compiler, skipped\n", (unsigned long long)seed, l.str().c_str());
    } else if (!o.mismatch.empty()) {
      std::fprintf(stderr, "layer_fuzz: MISMATCH (%s) seed %llu: %s:%s\n", cfg.name.c_str(), (unsigned long long)seed,
                   l.str().c_str(), o.mismatch.c_str());
      return 1;
    } else {
      ++layers, convs += l.conv, insns += o.insns;
      const double err = std::fabs(double(o.hls_cycles) - double(o.rtl_cycles)) / double(std::max<uint64_t>(o.rtl_cycles, 1));
      err_sum += err, err_max = std::max(err_max, err);
      if (verbose)
        std::printf("seed %llu: %s: %llu insns, rtl %llu cycles, model %llu\n", (unsigned long long)seed, l.str().c_str(),
                    (unsigned long long)o.insns, (unsigned long long)o.rtl_cycles, (unsigned long long)o.hls_cycles);
    }
    if ((i + 1) % 50 == 0 || i + 1 == n)
      std::printf("layer_fuzz: %s %llu/%llu seeds: %llu layers (%llu conv, %llu gemm) identical on hls, rtl and the "
                  "reference, %llu instructions, %llu not mapped (%.0f s); model cycle error mean %.1f%% max %.1f%%\n",
                  cfg.name.c_str(), (unsigned long long)(i + 1), (unsigned long long)n, (unsigned long long)layers,
                  (unsigned long long)convs, (unsigned long long)(layers - convs), (unsigned long long)insns,
                  (unsigned long long)skipped,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(),
                  layers ? 100 * err_sum / double(layers) : 0.0, 100 * err_max);
    std::fflush(stdout);  // progress visible when piped to a log during long campaigns
  }
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "layer_fuzz: %s\n", e.what());
  return 1;
}
