// A hardware design point: the parameters of one accelerator instance, read from a TOML
// file (presets in configs/) and validated once. Everything that sizes the hardware or the
// software (array, buffers, DRAM, clock, queues) comes from here; derived sizes are methods,
// never stored twice.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace systole {

struct Config {
  std::string name;    // preset name or file stem
  std::string source;  // where it was read from (for messages)

  uint32_t dim = 16;            // [array] dim
  uint32_t spad_kib = 256;      // [scratchpad] size_kib
  uint32_t spad_banks = 4;      // [scratchpad] banks
  uint32_t acc_kib = 64;        // [accumulator] size_kib
  uint32_t acc_banks = 2;       // [accumulator] banks
  uint32_t dram_mib = 256;      // [dram] size_mib
  uint32_t dram_bytes_per_cycle = 16;  // [dram] bytes_per_cycle
  uint32_t dram_latency = 100;  // [dram] latency_cycles
  double clock_mhz = 200.0;     // [clock] mhz
  uint32_t insn_depth = 64;     // [queues] insn_depth
  uint32_t token_depth = 255;   // [queues] token_depth
  uint32_t fetch_window = 16;   // [queues] fetch_window: instruction words fetched ahead of dispatch
  uint32_t requant_lanes = 0;   // [output] requant_lanes: 0 = dim (one requantizer per column)

  // Requantizer lanes of the output path: dim (combinational, a row per cycle) or fewer
  // serial lanes shared over the row (small FPGAs; docs/timing.md gives their cycles).
  uint32_t output_lanes() const { return requant_lanes == 0 || requant_lanes >= dim ? dim : requant_lanes; }

  // Derived sizes.
  uint32_t spad_row_bytes() const { return dim; }
  uint32_t acc_row_bytes() const { return dim * 4; }
  uint32_t spad_rows() const { return spad_kib * 1024 / spad_row_bytes(); }
  uint32_t acc_rows() const { return acc_kib * 1024 / acc_row_bytes(); }
  uint64_t dram_bytes() const { return uint64_t(dram_mib) << 20; }
  double peak_macs_per_cycle() const { return double(dim) * dim; }

  // Throws systole::Error listing every problem found, each naming its key.
  void validate() const;
  // The config as TOML text (round-trips through parse_config).
  std::string to_toml() const;
};

// Parse TOML text; `origin` names the source in error messages.
Config parse_config(const std::string& text, const std::string& origin);
// A preset name (tiny, default, large: built into the binary) or a path to a TOML file.
Config load_config(const std::string& name_or_path);
// The names of the built-in presets.
std::vector<std::string> preset_names();
// Set one key ("array.dim", or a bare unique key such as "dim") from a string, then
// re-validate; used by design-space sweeps. Throws on unknown keys or bad values.
void set_config_key(Config& cfg, const std::string& key, const std::string& value);

}  // namespace systole
