// The network runtime: places a compiled network on a driver::Device (any backend) — one
// arena buffer for every activation, one buffer per constant, each accelerator program's DMA
// addresses relocated onto them — and runs it op by op, interleaving accelerator programs
// (submit, wait, counters) with CPU ops on a host mirror of the arena. Per-layer statistics:
// cycles, MACs, utilization and DRAM bytes from the device counters; wall time everywhere.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "compiler/net/codegen.hpp"
#include "driver/device.hpp"

namespace systole::net {

struct LayerStats {
  size_t op = 0;
  Where where = Where::Cpu;
  uint64_t cycles = 0;        // accelerator cycles (0 on the CPU)
  uint64_t macs = 0;          // useful MACs of the layer
  double utilization = 0;     // macs / (cycles * DIM^2), accelerator only
  uint64_t dram_rd = 0, dram_wr = 0;  // accelerator DRAM bytes (LOAD data / STORE)
  uint64_t insns = 0;
  double wall_seconds = 0;    // host time of the step (simulation or CPU kernel)
  double model_seconds = 0;   // accelerator: cycles / clock; CPU: the placement's CPU model
};

struct RunResult {
  std::vector<std::vector<int8_t>> outputs;  // int8 NHWC, graph output order
  std::vector<LayerStats> layers;            // one per op
  uint64_t accel_cycles = 0, accel_macs = 0, cpu_macs = 0, dram_rd = 0, dram_wr = 0;
  double utilization = 0;     // accel_macs / (accel_cycles * DIM^2)
  double model_seconds = 0;   // sum of the layers' model_seconds
  double wall_seconds = 0;
};

class Runtime {
 public:
  // Allocates and fills device memory; throws systole::Error (naming the op) when a program
  // does not relocate or device memory is exhausted.
  Runtime(driver::Device& dev, const CompiledNet& net);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // inputs: int8 NHWC per graph input. progress(done, total) after each op.
  RunResult run(const std::vector<std::vector<int8_t>>& inputs,
                const std::function<void(size_t, size_t)>& progress = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace systole::net
