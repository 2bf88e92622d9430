// Program validation, run by Device::submit before anything reaches the device:
//  - every opcode legal, reserved bits zero, every field within the config: rows inside the
//    scratchpad / accumulator, x_pad_before + x_size <= DIM, x_size <= DIM, w_rows <= DIM
//    (shift > 63 is legal: the hardware saturates it),
//  - every DMA footprint (all rows, with strides, computed in 64 bits) inside one allocated
//    buffer (the buffers themselves must be disjoint),
//  - tokens: only between neighbouring units (LOAD has no prev, STORE no next), every pop
//    matched by an earlier push in program order on the same channel, pushes and pops
//    balanced per channel at the end.
// Throws systole::Error "instruction 12 (LOAD ...): <rule broken, naming the fields>".
// All address and row arithmetic is 64-bit, so no field values can wrap. docs/driver.md lists the
// rules with their rationale.
#pragma once
#include <cstdint>
#include <vector>

#include "arch/config.hpp"
#include "arch/isa_gen.hpp"
#include "driver/device.hpp"

namespace systole::driver {

// The DRAM bytes one LOAD or STORE touches: rows r in [0, rows) at begin + r*stride, each
// row_bytes long. Empty (rows == 0) for MATMUL and for LOAD/STORE that move no DRAM data.
struct DmaFootprint {
  bool is_write = false;   // STORE writes DRAM, LOAD reads it
  uint64_t begin = 0;      // dram_addr
  uint64_t stride = 0;
  uint64_t rows = 0;
  uint64_t row_bytes = 0;   // x_size * elem_bytes
  uint64_t elem_bytes = 1;  // 4 for accumulator LOADs and raw STOREs
  bool empty() const { return rows == 0 || row_bytes == 0; }
  // One past the last byte touched (64-bit: no wrap for any field values).
  uint64_t end() const { return empty() ? begin : begin + (rows - 1) * stride + row_bytes; }
};
DmaFootprint dma_footprint(const isa::Insn& w);

void validate_program(const std::vector<isa::Insn>& prog, const Config& cfg, const std::vector<Buffer>& buffers);

}  // namespace systole::driver
