// Placement: which ops of a quantized graph run on the accelerator and which on the host
// CPU, each with the reason. Convolutions (and Gemm/MatMul, which are 1x1 convolutions) go to
// the accelerator unless the cost models say the host is faster (depthwise layers, which use
// 1/DIM of the array, and weight-bound FC layers usually are) or the layer does not fit;
// convolutions with asymmetric weights (a weight zero point not folded into int8) always run
// on the CPU; Add, pools, standalone activations (Clamp), Concat and Reshape run on the CPU
// (the accelerator has no unit for them), except
// where they cost nothing: a Concat whose inputs the producing convolutions write straight
// into channel slices, a Reshape that does not change the NHWC byte order.
#pragma once
#include <string>
#include <vector>

#include "arch/config.hpp"
#include "compiler/cost_model.hpp"
#include "compiler/quant/qgraph.hpp"

namespace systole::net {

// Analytical host-CPU model used only for placement decisions (docs/networks.md): a host of
// an FPGA SoC or an embedded board, not the machine running the simulator.
struct CpuModel {
  double ghz = 1.2;
  double dense_macs_per_cycle = 16;     // int8 GEMM-like convolution (one core, SIMD dot products)
  double depthwise_macs_per_cycle = 4;  // per-channel convolution (no reduction over channels)
  double bytes_per_second = 8e9;        // DRAM bandwidth the CPU streams weights/activations at
  double seconds(uint64_t macs, bool depthwise, uint64_t bytes) const;
};

enum class Where { Accel, Cpu, Free };
const char* where_name(Where w);  // "accel", "cpu", "free"

enum class PlacePolicy { Auto, Accel, Cpu };  // Accel/Cpu force every convolution that can go there

struct PlaceOptions {
  PlacePolicy policy = PlacePolicy::Auto;
  CpuModel cpu;
};

struct Placement {
  Where where = Where::Cpu;
  std::string reason;
  // Convolutions: the accelerator's tiling and estimate (also when placed on the CPU, if it fits).
  bool fits = false;
  compiler::ConvTiling tiling;
  compiler::CostEstimate estimate;
  double accel_seconds = 0, cpu_seconds = 0;  // modelled
  uint64_t macs = 0;
};

// One entry per op of g. A Concat is Free only if every input comes from an accelerator
// convolution read by nothing else (the planner then slices); otherwise the CPU copies.
std::vector<Placement> place(const quant::QGraph& g, const Config& cfg, const PlaceOptions& opt = {});

// Whether a Concat's input i can be written in place by its producer (an accelerator conv
// read only by this Concat, with the Concat's quantization), given the placements so far.
bool concat_input_sliced(const quant::QGraph& g, const std::vector<Placement>& p, size_t concat_op, size_t input,
                         const std::vector<int>& producer, const std::vector<int>& readers);

}  // namespace systole::net
