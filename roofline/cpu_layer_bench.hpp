// Per-layer CPU timing for the roofline's CPU points: one quantized convolution (GEMMs are
// 1x1 convolutions) timed with every own int8 algorithm of kernels/cpu (direct, im2col,
// kn2row: the fastest one is the layer's "own" point) and with oneDNN's int8 convolution
// (roofline/onednn_conv.hpp, when built with libdnnl). One thread, so the points sit under
// the per-core ceilings. Inputs are seeded random int8 of the layer's input shape; the
// weights and requantization parameters are the layer's own.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/conv.hpp"

namespace systole::roofline {

struct CpuTimingBudget {
  double min_seconds = 0.02;  // per algorithm: repeat until this much time has been spent...
  int min_reps = 2;           // ...but at least this many timed runs...
  int max_reps = 20;          // ...and at most this many (best time wins)
  int threads = 1;
  bool onednn = true;         // also time oneDNN (when built with it)
};

struct AlgoTime {
  std::string algo;      // "direct", "im2col", "kn2row", "onednn"
  double seconds = 0;    // best run
  int reps = 0;
  std::string error;     // non-empty when the algorithm rejected the shape (seconds = 0)
};

struct CpuLayerTiming {
  std::vector<AlgoTime> own;     // every own algorithm tried
  AlgoTime best_own;             // the fastest of them
  bool has_onednn = false;
  AlgoTime onednn;
  std::string onednn_impl;       // oneDNN's implementation name
};

bool onednn_available();

// Times `layer` (its input and output channel slices are ignored: the CPU kernels read and
// write compact NHWC tensors). Throws systole::Error when no own algorithm runs it.
CpuLayerTiming time_cpu_conv(const compiler::ConvLayer& layer, const CpuTimingBudget& budget = {});

// Compulsory DRAM traffic of the layer on the CPU: input activations + weights + output
// activations (int8) + per-channel requantization parameters (bias, multiplier, shift: 12
// bytes per output channel). Each byte once: perfect caching, the roofline's usual convention.
uint64_t cpu_compulsory_bytes(const compiler::ConvShape& s);

}  // namespace systole::roofline
