// Parameter mapping, iCE40 board override and block-RAM estimate (see params.hpp).
#include "synth/params.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "arch/error.hpp"

namespace systole::synth {
namespace {

unsigned ceil_div(unsigned a, unsigned b) { return (a + b - 1) / b; }

// SB_RAM40_4K blocks for one width x depth RAM with one read port.
unsigned ice40_blocks(unsigned width, unsigned depth) {
  static const unsigned modes[][2] = {{16, 256}, {8, 512}, {4, 1024}, {2, 2048}};
  unsigned best = ~0u;
  for (const auto& m : modes) best = std::min(best, ceil_div(width, m[0]) * ceil_div(depth, m[1]));
  return best;
}

}  // namespace

TopParams top_params(const Config& cfg, const Target& t) {
  TopParams p;
  p.dim = cfg.dim;
  p.spad_rows = cfg.spad_rows();
  p.spad_banks = cfg.spad_banks;
  p.acc_rows = cfg.acc_rows();
  p.acc_banks = cfg.acc_banks;
  p.bus_bytes = cfg.dram_bytes_per_cycle;
  p.insn_depth = std::max(2u, cfg.insn_depth);  // systole_fifo needs DEPTH >= 2
  p.fetch_window = cfg.fetch_window;
  p.requant_lanes = cfg.output_lanes() >= cfg.dim ? 0 : cfg.output_lanes();
  p.counter_bits = t.family == Family::Ice40 ? 32 : 64;
  // iCE40: no DSPs on the HX8K, 8 on the UP5K for 16 PEs: the PEs' Booth multiply in LUTs is
  // half the size of Yosys's; elsewhere the PEs' products go to DSP blocks.
  p.lut_mul = t.family == Family::Ice40 ? 1 : 0;
  p.mem_bytes = t.mem_bytes;
  return p;
}

std::vector<std::pair<std::string, unsigned>> top_param_list(const TopParams& p) {
  return {{"DIM", p.dim},
          {"SPAD_ROWS", p.spad_rows},
          {"SPAD_BANKS", p.spad_banks},
          {"ACC_ROWS", p.acc_rows},
          {"ACC_BANKS", p.acc_banks},
          {"BUS_BYTES", p.bus_bytes},
          {"INSN_DEPTH", p.insn_depth},
          {"FETCH_DEPTH", p.fetch_window},
          {"REQUANT_LANES", p.requant_lanes},
          {"COUNTER_BITS", p.counter_bits},
          {"LUT_MUL", p.lut_mul}};
}

BramEstimate ice40_bram_estimate(const TopParams& p, const Target& t) {
  BramEstimate e;
  e.spad = 2 * p.spad_banks * ice40_blocks(p.dim * 8, p.spad_rows / p.spad_banks);
  e.acc = 2 * p.acc_banks * ice40_blocks(p.dim * 32, p.acc_rows / p.acc_banks);
  if (!t.spram_mem && p.mem_bytes) e.board_mem = ice40_blocks(p.bus_bytes * 8, p.mem_bytes / p.bus_bytes);
  return e;
}

Config ice40_board_override(const Config& cfg, std::vector<std::string>& changes) {
  Config c = cfg;
  auto set = [&](const char* key, uint32_t& field, uint32_t value) {
    if (field != value) changes.push_back(fmt::format("{} {} -> {}", key, field, value));
    field = value;
  };
  // 512 scratchpad rows of DIM bytes, 256 accumulator rows of 4*DIM bytes, in KiB.
  set("scratchpad.size_kib", c.spad_kib, std::max(1u, 512 * cfg.dim / 1024));
  set("scratchpad.banks", c.spad_banks, 2);
  set("accumulator.size_kib", c.acc_kib, std::max(1u, 256 * cfg.dim * 4 / 1024));
  set("accumulator.banks", c.acc_banks, 1);
  set("queues.insn_depth", c.insn_depth, std::min(cfg.insn_depth, 2u));
  // The fetch buffer is fetch_window 16-byte words of flops (2,048 for 16).
  set("queues.fetch_window", c.fetch_window, std::min(cfg.fetch_window, 4u));
  // One serial requant lane instead of DIM combinational ones (4.4k LUTs each on iCE40).
  set("output.requant_lanes", c.requant_lanes, 1);
  c.name = cfg.name + "-board";
  c.validate();
  return c;
}

void require_rtl_supported(const Config& cfg) {
  // The RTL's bursts count beats in 8 bits: a 16-word fetch burst on a 1-byte bus is 256 beats;
  // the hls model and the cost model take any bus width.
  if (cfg.dram_bytes_per_cycle < 2)
    throw Error(fmt::format("config '{}': dram.bytes_per_cycle = {} is not supported by the RTL (its bursts count "
                            "at most 255 beats; a 16-word instruction fetch on a 1-byte bus is 256); use 2 or more",
                            cfg.name, cfg.dram_bytes_per_cycle));
}

FitResult fit_config(const Config& cfg, const Target& t, bool allow_override) {
  require_rtl_supported(cfg);
  FitResult r{cfg, top_params(cfg, t), {}, {}};
  if (t.family != Family::Ice40) return r;  // estimate-only targets: report, never refuse
  r.bram = ice40_bram_estimate(r.params, t);
  // Fits as given: memories in the block RAM, queues of at most 8, a fetch window of at most 4,
  // at most 2 serial requant lanes.
  if (r.bram.total() <= t.cap.bram && r.config.insn_depth <= 8 && r.config.fetch_window <= 4 && r.config.output_lanes() <= 2 &&
      r.config.output_lanes() < r.config.dim)
    return r;
  const BramEstimate given = r.bram;
  if (!allow_override)
    throw Error(fmt::format(
        "config '{}' does not fit {} ({}): it needs about {} SB_RAM40_4K blocks (scratchpad {} KiB in {} banks: {}, "
        "accumulator {} KiB in {} banks: {}, board memory: {}; every bank is duplicated per read port) but the device "
        "has {}{}; drop --no-board-override to apply the board override (docs/synth.md) or use a smaller config",
        cfg.name, t.name, t.device, given.total(), cfg.spad_kib, cfg.spad_banks, given.spad, cfg.acc_kib,
        cfg.acc_banks, given.acc, given.board_mem, t.cap.bram,
        std::string(cfg.insn_depth > 8 ? fmt::format(", and insn_depth = {} queues become {} flops on iCE40",
                                                     cfg.insn_depth, 3 * cfg.insn_depth * 160)
                                       : "") +
            (cfg.output_lanes() > 2 || cfg.output_lanes() >= cfg.dim
                 ? fmt::format(", and output.requant_lanes = {} requantizers are about {} iCE40 LUTs each (combinational) "
                               "or 600 (serial)",
                               cfg.output_lanes(), 4400)
                 : "")));
  r.config = ice40_board_override(cfg, r.overrides);
  r.params = top_params(r.config, t);
  r.bram = ice40_bram_estimate(r.params, t);
  if (r.bram.total() > t.cap.bram)
    throw Error(fmt::format(
        "config '{}' does not fit {} ({}) even with the board override ({}): scratchpad {} + accumulator {} + board "
        "memory {} = {} SB_RAM40_4K blocks, the device has {} (DIM = {} makes each row {} bytes wide; the iCE40 "
        "boards take DIM = 4)",
        cfg.name, t.name, t.device, fmt::join(r.overrides, ", "), r.bram.spad, r.bram.acc, r.bram.board_mem,
        r.bram.total(), t.cap.bram, cfg.dim, cfg.dim * 4));
  return r;
}

}  // namespace systole::synth
