// FPGA synthesis targets of `systole synth`: the device each one stands for, the Yosys
// command that maps to it, whether it is placed and routed (iCE40: nextpnr-ice40 + icepack)
// or only estimated (xc7, ecp5: Yosys statistics), the board clock and pins, and the
// capacity of each resource the report's utilization is measured against.
#pragma once
#include <string>
#include <vector>

namespace systole::synth {

enum class Family { Ice40, Xc7, Ecp5 };

// Device capacity per resource class (0: the device has none of it).
struct Capacity {
  double lut = 0;    // LUT4 (iCE40 logic cells, ECP5) or LUT6 (xc7)
  double ff = 0;
  double carry = 0;  // carry cells (iCE40: one per logic cell; xc7: CARRY4; ecp5: CCU2C)
  double dsp = 0;    // SB_MAC16 / DSP48E1 / MULT18X18D
  double bram = 0;   // SB_RAM40_4K (4 kbit) / RAMB36E1 equivalents / DP16KD (18 kbit)
  double spram = 0;  // iCE40 UP5K SB_SPRAM256KA (256 kbit)
  double io = 0;
};

struct Target {
  std::string name;         // ice40-hx8k, ice40-up5k, xc7, ecp5
  Family family = Family::Ice40;
  std::string device;       // part the capacities are of
  std::string board;        // board the pin file is for ("" for estimate-only targets)
  std::string yosys_synth;  // synth command without -top / -run
  bool place_route = false; // nextpnr + bitstream (else: Yosys estimate only)
  std::string nextpnr_device;  // --hx8k / --up5k
  std::string package;      // --package
  std::string pcf;          // pin file relative to synth/ (pcf/...)
  double clock_mhz = 0;     // board oscillator: nextpnr --freq (0: none)
  bool led_active_low = false;
  bool spram_mem = false;   // board memory in SPRAM (UP5K) instead of block RAM
  unsigned mem_bytes = 0;   // board memory standing in for DRAM
  Capacity cap;
};

// Throws systole::Error naming the known targets when `name` is unknown.
const Target& find_target(const std::string& name);
std::vector<std::string> target_names();
const char* family_name(Family f);

}  // namespace systole::synth
