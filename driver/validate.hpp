// Program validation, run by Device::submit before anything reaches the device:
//  - every opcode legal, every field within the config (rows inside the scratchpad /
//    accumulator, x sizes <= DIM, w_rows <= DIM, shift <= 63 is checked at run time),
//  - every DMA footprint (all rows, with strides) inside one allocated buffer,
//  - tokens: only between neighbouring units, every pop matched by an earlier push in
//    program order on the same channel, pushes and pops balanced per channel.
// Throws systole::Error naming the instruction index, its text form and the rule broken.
#pragma once
#include <vector>

#include "arch/config.hpp"
#include "arch/isa_gen.hpp"
#include "driver/device.hpp"

namespace systole::driver {

void validate_program(const std::vector<isa::Insn>& prog, const Config& cfg, const std::vector<Buffer>& buffers);

}  // namespace systole::driver
