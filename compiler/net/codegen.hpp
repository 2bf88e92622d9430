// Network compilation after quantization: placement (placement.hpp), memory planning
// (memory_plan.hpp) and code generation. Every accelerator op becomes its own
// driver::Program (lower_conv with the tiling the cost model chose), whose activation tensors
// "x" and "y" the runtime binds to the arena (so per-layer counters come from the device);
// CPU ops keep their parameters for kernels/cpu. Outputs of convolutions feeding an in-place
// Concat are written as channel slices (ConvShape::out_c_offset / out_c_total).
#pragma once
#include <vector>

#include "arch/config.hpp"
#include "compiler/conv.hpp"
#include "compiler/net/memory_plan.hpp"
#include "compiler/net/placement.hpp"
#include "driver/program.hpp"

namespace systole::net {

struct Step {
  size_t op = 0;
  Where where = Where::Cpu;
  compiler::ConvLayer layer;  // convolutions: the op's layer with its output slice set
  driver::Program program;    // accelerator steps: tensors "x" (Input), "y" (Output), constants
};

struct CompileOptions {
  PlaceOptions place;
};

struct CompiledNet {
  Config cfg;
  quant::QGraph graph;
  std::vector<Placement> placement;  // per op
  MemoryPlan memory;
  std::vector<Step> steps;           // one per op, in order (Free ops included: they do nothing)
  size_t instructions = 0;
  uint64_t constant_bytes = 0;
  double place_seconds = 0, codegen_seconds = 0;
};

CompiledNet compile_network(quant::QGraph g, const Config& cfg, const CompileOptions& opt = {});

}  // namespace systole::net
