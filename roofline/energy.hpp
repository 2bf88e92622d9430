// Energy estimate of a layer or a network from its access counts (the performance counters
// or the cost model's prediction) times a per-access energy table: int8 MAC, scratchpad and
// accumulator bytes, DRAM bytes. An estimate in a stated process node (45 nm by default),
// not a measurement; docs/energy_area.md cites every value and how to override it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "arch/config.hpp"
#include "compiler/cost_model.hpp"
#include "driver/device.hpp"

namespace systole::roofline {

struct EnergyCounts {
  uint64_t macs = 0, spad_rd_bytes = 0, spad_wr_bytes = 0, acc_rd_bytes = 0, acc_wr_bytes = 0, dram_rd_bytes = 0,
           dram_wr_bytes = 0;
  EnergyCounts& operator+=(const EnergyCounts& o);
};

// One SRAM energy point: reading or writing one byte of an array of `kib` KiB costs `pj`.
struct SramPoint {
  double kib = 0, pj_per_byte = 0;
};

struct EnergyTable {
  double mac_pj = 0;             // one int8 x int8 multiply plus its int32 accumulate
  double spad_pj_per_byte = 0;   // scratchpad read or write, per byte
  double acc_pj_per_byte = 0;    // accumulator read or write, per byte
  double dram_pj_per_byte = 0;   // off-chip DRAM read or write, per byte (interface included)
  std::string source;            // where the numbers come from (one line, goes into reports)
  std::string node;              // process node the numbers hold for ("45 nm")
  // SRAM energy grows with the array: when set, for_config() replaces the two per-byte SRAM
  // values by a log-log interpolation of these points at the size of one bank.
  bool sram_size_scaled = false;
  std::vector<SramPoint> sram_curve;
};

// Horowitz, ISSCC 2014 (45 nm), SRAM scaled with bank size; values in docs/energy_area.md.
const EnergyTable& default_energy_table();
// A TOML file with an [energy] table (keys: mac_pj, spad_pj_per_byte, acc_pj_per_byte,
// dram_pj_per_byte, source, node, sram_size_scaled, sram_curve = [[kib, pj], ...]); keys left
// out keep the default's value. Giving spad_pj_per_byte or acc_pj_per_byte turns the size
// scaling off. Throws systole::Error naming the file and key.
EnergyTable load_energy_table(const std::string& path);
EnergyTable parse_energy_table(const std::string& toml_text, const std::string& origin);
// The table with its SRAM values for this design point's bank sizes (a copy; unchanged when
// the table is not size-scaled).
EnergyTable energy_table_for(const EnergyTable& t, const Config& cfg);
// pJ per byte of an SRAM bank of `kib` KiB on the table's curve (clamped slope outside).
double sram_pj_per_byte(const EnergyTable& t, double kib);

struct EnergyBreakdown {
  double mac_pj = 0, spad_pj = 0, acc_pj = 0, dram_pj = 0, total_pj = 0;
  EnergyBreakdown& operator+=(const EnergyBreakdown& o);
};

EnergyBreakdown estimate_energy(const EnergyTable& t, const EnergyCounts& c);

// Access counts of one tiled layer from its cost estimate (docs/energy_area.md, "Counts"):
// activation rows streamed and weight rows read come from the estimate (CostEstimate
// array_rows / weight_rows; compute_cycles stands in for array_rows when they are 0), every
// DRAM byte read is written to on-chip SRAM once, each streamed row accumulates DIM int32
// partial sums (read and write), and each output byte is read from the accumulator as int32.
EnergyCounts energy_counts_from_cost(const Config& cfg, const compiler::CostEstimate& e);
// The same from a run's performance counters (array_rows, dram_rd_bytes, dram_wr_bytes are
// measured) plus what the counters do not hold: the useful MACs and the weight rows read
// (take them from the layer's cost estimate).
EnergyCounts energy_counts_from_counters(const Config& cfg, const driver::Counters& c, uint64_t macs, uint64_t weight_rows);

}  // namespace systole::roofline
