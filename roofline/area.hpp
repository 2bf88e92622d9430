// Area of a design point: from synthesis results when a `systole synth` report.json for the
// same parameters is at hand (LUT / FF / DSP / BRAM counts of that FPGA target), else from
// a documented per-component table (PEs, SRAM per KiB, output path, queues, control) in mm²
// of a stated process node. docs/energy_area.md cites every value.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "arch/config.hpp"

namespace systole::roofline {

// Per-component areas in µm² (45 nm by default).
struct AreaTable {
  double pe_um2 = 0;              // one PE: int8 multiplier, int32 adder, weight/activation/psum registers
  double sram_um2_per_kib = 0;    // SRAM macro area per KiB (cells and periphery)
  double sram_bank_um2 = 0;       // extra periphery per bank (decoders, sense amplifiers, muxes)
  double out_col_um2 = 0;         // output path per array column (int32 requantization multiplier, adders, clamp)
  double queue_bit_um2 = 0;       // one bit of an instruction queue entry (flip-flop)
  double dma_um2_per_byte = 0;    // DMA datapath per byte per cycle of DRAM bandwidth
  double control_um2 = 0;         // fetch, decode, CSR block, DMA sequencers: fixed
  std::string source, node;
};

const AreaTable& default_area_table();
// A TOML file with an [area] table (the fields above; keys left out keep the default).
AreaTable load_area_table(const std::string& path);
AreaTable parse_area_table(const std::string& toml_text, const std::string& origin);

// FPGA resources of one synthesized design point (synth/report.hpp report_json).
struct SynthArea {
  std::string path, target, device;
  // Hardware parameters the report was synthesized with (after any board override).
  uint32_t dim = 0, spad_rows = 0, spad_banks = 0, acc_rows = 0, acc_banks = 0, bus_bytes = 0, insn_depth = 0;
  uint32_t fetch_window = Config{}.fetch_window;  // FETCH_DEPTH (reports written before it existed: the default)
  double lut = 0, ff = 0, dsp = 0, bram = 0;
  bool matches(const Config& cfg) const;
};

// Parses a report.json object; throws systole::Error when it is not a synth report of the
// whole accelerator (design "accel").
SynthArea synth_area_from_json(const nlohmann::json& j, const std::string& path);
// Reads report.json files; a directory is searched recursively for report.json. Reports of
// the PE array alone (design "array") are skipped, as are files that are not synth reports
// (each skipped file is named in `skipped`).
std::vector<SynthArea> load_synth_reports(const std::vector<std::string>& paths, std::vector<std::string>* skipped = nullptr);

struct AreaEstimate {
  double mm2 = 0;                      // from the table (always filled: comparable across points)
  double pe_mm2 = 0, sram_mm2 = 0, other_mm2 = 0;
  std::string source = "table";        // "table" or "synth:<target>" when a synth report matched
  const SynthArea* synth = nullptr;    // the matching report, if any (lut/ff/dsp/bram)
};

AreaEstimate estimate_area(const AreaTable& t, const Config& cfg, const std::vector<SynthArea>& synth = {});

}  // namespace systole::roofline
