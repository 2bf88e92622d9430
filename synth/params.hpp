// From a design point (Config) to the parameters of the synthesized top, for one target:
// the parameter mapping, the iCE40 board override that makes the tiny design point's
// memories fit the boards' block RAM, and a block-RAM estimate used to refuse early (before
// minutes of synthesis) a configuration that cannot fit.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "arch/config.hpp"
#include "synth/targets.hpp"

namespace systole::synth {

// systole_top / systole_board_top parameters (docs/rtl.md).
struct TopParams {
  unsigned dim = 4, spad_rows = 0, spad_banks = 1, acc_rows = 0, acc_banks = 1;
  unsigned bus_bytes = 4, insn_depth = 4;
  unsigned fetch_window = Config{}.fetch_window;  // FETCH_DEPTH: queues.fetch_window
  unsigned requant_lanes = 0;  // REQUANT_LANES: output.requant_lanes (0 = DIM)
  unsigned counter_bits = 64;  // COUNTER_BITS: 32 on the iCE40 boards (not a config key: no timing effect)
  unsigned lut_mul = 0;        // LUT_MUL: PE products built in LUTs (iCE40) or left to the DSP blocks
  unsigned mem_bytes = 0;      // board memory (board tops only)
};

TopParams top_params(const Config& cfg, const Target& t);

// systole_top's parameters by name, in port-list order (without the board's MEM_BYTES): what
// the flow sets with chparam and the report prints.
std::vector<std::pair<std::string, unsigned>> top_param_list(const TopParams& p);

// Throws systole::Error naming the key when the RTL cannot build the config (a 1-byte bus).
void require_rtl_supported(const Config& cfg);

// Block RAMs an iCE40 needs for the scratchpad and accumulator of `p` (each 1W2R RAM bank
// is duplicated per read port; SB_RAM40_4K is 256x16 / 512x8 / 1024x4 / 2048x2), plus the
// board memory when it is in block RAM.
struct BramEstimate {
  unsigned spad = 0, acc = 0, board_mem = 0;
  unsigned total() const { return spad + acc + board_mem; }
};
BramEstimate ice40_bram_estimate(const TopParams& p, const Target& t);

// The iCE40 board override (docs/synth.md): scratchpad 512 rows in 2 banks, accumulator 256
// rows in 1 bank, 2-entry instruction queues and a 4-word fetch window (the queues and the
// fetch buffer are flops on iCE40: it has no asynchronous-read RAM), one serial requant lane. Returns the changed config and appends one line per change to
// `changes` ("scratchpad.size_kib 16 -> 2").
Config ice40_board_override(const Config& cfg, std::vector<std::string>& changes);

// Applies the override when needed (and allowed) and checks the block-RAM estimate.
// Throws systole::Error explaining the shortfall and the way out when it does not fit.
struct FitResult {
  Config config;                      // the effective design point (written to config.toml)
  TopParams params;
  std::vector<std::string> overrides;  // empty: the config was used as given
  BramEstimate bram;
};
FitResult fit_config(const Config& cfg, const Target& t, bool allow_override);

}  // namespace systole::synth
