// Per-layer CPU timing (see cpu_layer_bench.hpp).
#include "roofline/cpu_layer_bench.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <random>
#include <stdexcept>

#include "arch/error.hpp"
#include "kernels/cpu/conv_i8.hpp"
#ifdef SYSTOLE_HAVE_ONEDNN
#include "roofline/onednn_conv.hpp"
#endif

namespace systole::roofline {

namespace {

using Clock = std::chrono::steady_clock;

// Best time of `run`: once, then repeated until the budget is spent (within min/max reps).
AlgoTime time_best(const std::string& algo, const CpuTimingBudget& b, const std::function<void()>& run) {
  AlgoTime t;
  t.algo = algo;
  double best = INFINITY, spent = 0;
  for (int r = 0; r < b.max_reps; ++r) {
    const auto t0 = Clock::now();
    run();
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    best = std::min(best, s), spent += s, ++t.reps;
    if (t.reps >= b.min_reps + 1 && spent >= b.min_seconds) break;  // the first run is a warm-up as well
  }
  t.seconds = best;
  return t;
}

cpu::ConvShape cpu_shape(const compiler::ConvShape& c) {
  cpu::ConvShape s;
  s.n = int(c.n), s.h = int(c.h), s.w = int(c.w), s.c = int(c.c_in), s.o = int(c.c_out);
  s.kh = int(c.kh), s.kw = int(c.kw), s.stride_h = int(c.stride_h), s.stride_w = int(c.stride_w);
  s.dil_h = int(c.dil_h), s.dil_w = int(c.dil_w);
  s.pad_t = int(c.pad_top), s.pad_l = int(c.pad_left), s.pad_b = int(c.pad_bottom), s.pad_r = int(c.pad_right);
  s.groups = int(c.groups);
  return s;
}

}  // namespace

bool onednn_available() {
#ifdef SYSTOLE_HAVE_ONEDNN
  return true;
#else
  return false;
#endif
}

uint64_t cpu_compulsory_bytes(const compiler::ConvShape& s) {
  const uint64_t x = uint64_t(s.n) * s.h * s.w * s.c_in;
  const uint64_t w = uint64_t(s.c_out) * s.kh * s.kw * (s.groups ? s.c_in / s.groups : 0);
  const uint64_t y = uint64_t(s.n) * s.out_h() * s.out_w() * s.c_out;
  return x + w + y + 12 * uint64_t(s.c_out);
}

CpuLayerTiming time_cpu_conv(const compiler::ConvLayer& layer, const CpuTimingBudget& budget) {
  const cpu::ConvShape s = cpu_shape(layer);
  std::mt19937 rng(uint32_t(layer.c_in * 7919 + layer.c_out));
  std::uniform_int_distribution<int> i8(-128, 127);
  std::vector<int8_t> x(size_t(s.n) * s.h * s.w * s.c);
  for (auto& v : x) v = int8_t(i8(rng));
  std::vector<int8_t> y(size_t(s.n) * s.out_h() * s.out_w() * s.o);
  cpu::ConvArgs a;
  a.s = s;
  a.x = x.data();
  a.x_zero_point = std::clamp(layer.a_zero_point, -128, 127);
  a.w = layer.weights.data();
  a.rq = cpu::Requant{layer.bias.data(), layer.mult.data(), layer.shift.data(), layer.out_zero_point, layer.clamp_lo, layer.clamp_hi};
  a.y = y.data();
  a.threads = budget.threads;

  CpuLayerTiming r;
  for (cpu::ConvAlgo algo : {cpu::ConvAlgo::kIm2col, cpu::ConvAlgo::kKn2row, cpu::ConvAlgo::kDirect}) {
    AlgoTime t;
    try {
      t = time_best(cpu::conv_algo_name(algo), budget, [&] { cpu::conv2d_i8(a, algo); });
    } catch (const std::invalid_argument& e) {
      t.algo = cpu::conv_algo_name(algo);
      t.error = e.what();
    }
    r.own.push_back(t);
    if (t.error.empty() && (r.best_own.seconds == 0 || t.seconds < r.best_own.seconds)) r.best_own = t;
  }
  if (r.best_own.seconds == 0)
    throw Error(fmt::format("CPU convolution {}: no own algorithm runs it ({})", layer.to_string(), r.own.front().error));

#ifdef SYSTOLE_HAVE_ONEDNN
  if (budget.onednn) {
    r.has_onednn = true;
    r.onednn.algo = "onednn";
    try {
      OnednnConv conv(s, layer.weights.data(), budget.threads);
      r.onednn_impl = conv.implementation();
      std::vector<uint8_t> xu(x.size());
      for (size_t i = 0; i < x.size(); ++i) xu[i] = uint8_t(x[i] + 128);
      std::vector<int32_t> y32(y.size());
      r.onednn = time_best("onednn", budget, [&] { conv.run(xu.data(), y32.data()); });
    } catch (const Error& e) {
      r.onednn.error = e.what();
    }
  }
#endif
  return r;
}

}  // namespace systole::roofline
