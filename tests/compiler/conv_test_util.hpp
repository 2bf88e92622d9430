// Shared helpers of the convolution tests: a seeded random layer with its input tensor (channel
// slices included), the CPU-reference output tensor, and one run of a compiled program on a
// driver backend with the output tensor pre-filled (so that untouched channels are checked).
#pragma once
#include <cstdint>
#include <random>
#include <vector>

#include "arch/config.hpp"
#include "compiler/conv.hpp"
#include "driver/device.hpp"
#include "driver/program.hpp"
#include "kernels/reference_conv.hpp"

namespace systole::compiler::testing {

struct ConvCase {
  ConvLayer layer;
  std::vector<int8_t> x;       // the whole input tensor: n*h*w*in_channels_total
  std::vector<int8_t> y_init;  // the output tensor before the run (random: other channels must survive)
};

inline ConvCase random_conv(const ConvShape& s, uint32_t seed) {
  std::mt19937 rng(seed);
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  ConvCase c;
  ConvLayer& l = c.layer;
  static_cast<ConvShape&>(l) = s;
  c.x.resize(size_t(s.n) * s.h * s.w * s.in_channels_total());
  for (auto& v : c.x) v = int8_t(uni(-128, 127));
  c.y_init.resize(size_t(s.n) * s.out_h() * s.out_w() * s.out_channels_total());
  for (auto& v : c.y_init) v = int8_t(uni(-128, 127));
  l.weights.resize(size_t(s.c_out) * s.kh * s.kw * (s.c_in / s.groups));
  for (auto& v : l.weights) v = int8_t(uni(-128, 127));
  l.bias.resize(s.c_out), l.mult.resize(s.c_out), l.shift.resize(s.c_out);
  for (uint32_t i = 0; i < s.c_out; ++i) {
    l.bias[i] = uni(-(1 << 20), 1 << 20);
    l.mult[i] = int32_t(std::uniform_int_distribution<uint32_t>(1u << 30, (1u << 31) - 1)(rng));
    l.shift[i] = uint32_t(uni(32, 42));
  }
  l.a_zero_point = uni(-128, 127);
  l.out_zero_point = uni(-128, 127);
  l.clamp_lo = uni(-128, 0);
  l.clamp_hi = uni(0, 127);
  return c;
}

inline ref::Conv2dShape ref_shape(const ConvShape& s) {
  ref::Conv2dShape r;
  r.n = int(s.n), r.h = int(s.h), r.w = int(s.w), r.c_in = int(s.c_in), r.c_out = int(s.c_out);
  r.kh = int(s.kh), r.kw = int(s.kw), r.stride_h = int(s.stride_h), r.stride_w = int(s.stride_w);
  r.pad_top = int(s.pad_top), r.pad_left = int(s.pad_left), r.pad_bottom = int(s.pad_bottom), r.pad_right = int(s.pad_right);
  r.dil_h = int(s.dil_h), r.dil_w = int(s.dil_w), r.groups = int(s.groups);
  return r;
}

// The expected output tensor: y_init with the layer's channel slice replaced by the reference.
inline std::vector<int8_t> reference_output(const ConvCase& c) {
  const ConvLayer& l = c.layer;
  const size_t pixels_in = size_t(l.n) * l.h * l.w, pixels_out = size_t(l.n) * l.out_h() * l.out_w();
  std::vector<int8_t> x(pixels_in * l.c_in), y(pixels_out * l.c_out);
  for (size_t p = 0; p < pixels_in; ++p)
    for (uint32_t ch = 0; ch < l.c_in; ++ch) x[p * l.c_in + ch] = c.x[p * l.in_channels_total() + l.in_c_offset + ch];
  ref::conv2d_i8(x.data(), l.weights.data(), y.data(), ref_shape(l), l.a_zero_point,
                 {l.bias.data(), l.mult.data(), l.shift.data(), l.out_zero_point, l.clamp_lo, l.clamp_hi});
  std::vector<int8_t> out = c.y_init;
  for (size_t p = 0; p < pixels_out; ++p)
    for (uint32_t ch = 0; ch < l.c_out; ++ch) out[p * l.out_channels_total() + l.out_c_offset + ch] = y[p * l.c_out + ch];
  return out;
}

struct ConvRun {
  std::vector<int8_t> y;
  driver::Counters counters;
};

// Runs a program with tensors "X" and "Y" (compile_conv's names).
inline ConvRun run_conv(driver::Device& dev, const driver::Program& p, const ConvCase& c) {
  driver::LoadedProgram lp(dev, p);
  lp.set_input("X", c.x.data(), c.x.size());
  dev.write(lp.buffer("Y"), c.y_init.data(), c.y_init.size());
  lp.run();
  ConvRun r;
  r.y.resize(c.y_init.size());
  lp.get_output("Y", r.y.data(), r.y.size());
  r.counters = dev.counters();
  return r;
}

}  // namespace systole::compiler::testing
