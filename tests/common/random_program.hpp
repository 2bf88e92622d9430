// Seeded generator of random VALID Systole programs over random DRAM images, for differential
// testing of the backends (hls vs rtl): the same seed gives the same program and image.
//
// Valid means what the driver's validator asks (fields in range for the design point, each
// pop matched by an earlier push in program order on its channel, pushes = pops on every
// channel) and, beyond that, deterministic: every cross-unit data hazard on the scratchpad or
// the accumulator (read after write, write after read, write after write) is ordered by
// dependency tokens (relayed through execute between load and store), so any correct timing
// gives the same final DRAM. LOADs read only the input region, STOREs write only the output
// region, and a prologue writes every on-chip row the program may read.
#pragma once
#include <cstdint>
#include <vector>

#include "arch/config.hpp"
#include "arch/isa_gen.hpp"

namespace systole::testing {

struct RandomProgramOptions {
  uint32_t insns = 120;         // random instructions (token no-ops and the prologue come on top)
  uint32_t spad_rows = 256;     // scratchpad working set (clipped to the design point)
  uint32_t acc_rows = 96;       // accumulator working set (clipped to the design point)
};

struct RandomProgram {
  uint64_t seed = 0;
  std::vector<isa::Insn> insns;
  std::vector<uint8_t> dram;    // initial image; the instructions are at insn_base (any prefix
                                // of them is a valid, if unbalanced, program too)
  uint32_t insn_base = 0;
  uint32_t in_base = 0, in_size = 0;    // region LOADs read
  uint32_t out_base = 0, out_size = 0;  // region STOREs write
};

RandomProgram make_random_program(const Config& cfg, uint64_t seed, const RandomProgramOptions& opt = {});

}  // namespace systole::testing
