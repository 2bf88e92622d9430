// The target table (docs/synth.md lists the same devices and why they were chosen).
#include "synth/targets.hpp"

#include <fmt/format.h>

#include "arch/error.hpp"

namespace systole::synth {
namespace {

Target make(const char* name, Family f, const char* device, const char* board, const char* synth) {
  Target t;
  t.name = name;
  t.family = f;
  t.device = device;
  t.board = board;
  t.yosys_synth = synth;
  t.place_route = false;
  return t;
}

std::vector<Target> make_targets() {
  std::vector<Target> t;
  // iCE40-HX8K breakout board: HX8K-CT256, 7680 logic cells, 32 SB_RAM40_4K, no DSP.
  Target hx = make("ice40-hx8k", Family::Ice40, "iCE40HX8K-CT256", "iCE40-HX8K breakout", "synth_ice40");
  hx.place_route = true;
  hx.nextpnr_device = "--hx8k";
  hx.package = "ct256";
  hx.pcf = "pcf/hx8k_breakout.pcf";
  hx.clock_mhz = 12.0;
  hx.mem_bytes = 4096;  // the 8 block RAMs left after scratchpad and accumulator
  hx.cap = {7680, 7680, 7680, 0, 32, 0, 206};
  t.push_back(hx);
  // iCEBreaker: UP5K-SG48, 5280 logic cells, 30 SB_RAM40_4K, 8 SB_MAC16, 4 SPRAM (128 KiB).
  Target up = make("ice40-up5k", Family::Ice40, "iCE40UP5K-SG48", "iCEBreaker", "synth_ice40 -dsp -spram");
  up.place_route = true;
  up.nextpnr_device = "--up5k";
  up.package = "sg48";
  up.pcf = "pcf/icebreaker.pcf";
  up.clock_mhz = 12.0;
  up.led_active_low = true;
  up.spram_mem = true;
  up.mem_bytes = 65536;  // two 16-bit-wide SPRAMs side by side for a 32-bit bus
  up.cap = {5280, 5280, 5280, 8, 30, 4, 39};
  t.push_back(up);
  // Xilinx 7-series estimate against the Zynq-7020 (PYNQ-Z1, ZedBoard; VTA's reference
  // board): 53200 LUT6, 106400 FF, 13300 CARRY4, 220 DSP48E1, 140 RAMB36.
  Target x = make("xc7", Family::Xc7, "xc7z020", "", "synth_xilinx -family xc7 -noiopad");
  x.cap = {53200, 106400, 13300, 220, 140, 0, 200};
  t.push_back(x);
  // Lattice ECP5 estimate against the LFE5U-85F (ULX3S-85F, ECP5 evaluation board):
  // 83640 LUT4, 83640 FF, 156 MULT18X18D, 208 DP16KD.
  Target e = make("ecp5", Family::Ecp5, "LFE5U-85F", "", "synth_ecp5");
  e.cap = {83640, 83640, 41820, 156, 208, 0, 365};
  t.push_back(e);
  return t;
}

const std::vector<Target>& targets() {
  static const std::vector<Target> t = make_targets();
  return t;
}

}  // namespace

std::vector<std::string> target_names() {
  std::vector<std::string> n;
  for (const auto& t : targets()) n.push_back(t.name);
  return n;
}

const Target& find_target(const std::string& name) {
  for (const auto& t : targets())
    if (t.name == name) return t;
  throw Error(fmt::format("unknown synthesis target '{}' (known: {})", name, fmt::join(target_names(), ", ")));
}

const char* family_name(Family f) {
  switch (f) {
    case Family::Ice40: return "ice40";
    case Family::Xc7: return "xc7";
    case Family::Ecp5: return "ecp5";
  }
  return "?";
}

}  // namespace systole::synth
