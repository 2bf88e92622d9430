// Config loading and validation. One table (kKeys) names every key once: its section, its
// member, its range and its meaning; parsing, printing, sweeps and docs all read it.
#include "arch/config.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "arch/error.hpp"
#include "arch/isa_gen.hpp"
#include "arch/presets_gen.hpp"

namespace systole {
namespace {

struct Key {
  const char* section;
  const char* name;
  uint32_t Config::*u32;  // exactly one of u32 / f64 is set
  double Config::*f64;
  double min, max;
  const char* doc;
};

const Key kKeys[] = {
    {"array", "dim", &Config::dim, nullptr, 2, 128, "PEs per side of the square array"},
    {"scratchpad", "size_kib", &Config::spad_kib, nullptr, 1, 65536, "scratchpad size in KiB"},
    {"scratchpad", "banks", &Config::spad_banks, nullptr, 1, 64, "scratchpad banks (power of two)"},
    {"accumulator", "size_kib", &Config::acc_kib, nullptr, 1, 65536, "accumulator size in KiB"},
    {"accumulator", "banks", &Config::acc_banks, nullptr, 1, 64, "accumulator banks (power of two)"},
    {"dram", "size_mib", &Config::dram_mib, nullptr, 1, 65536, "modelled device memory in MiB"},
    {"dram", "bytes_per_cycle", &Config::dram_bytes_per_cycle, nullptr, 1, 256, "DMA bandwidth (power of two)"},
    {"dram", "latency_cycles", &Config::dram_latency, nullptr, 0, 100000, "cycles from request to first data"},
    {"clock", "mhz", nullptr, &Config::clock_mhz, 0.001, 10000, "accelerator clock"},
    {"queues", "insn_depth", &Config::insn_depth, nullptr, 1, 4096, "instructions buffered per unit"},
    {"queues", "token_depth", &Config::token_depth, nullptr, 1, 65535, "outstanding tokens per channel"},
    {"queues", "fetch_window", &Config::fetch_window, nullptr, 4, 256,
     "instruction words fetched ahead of dispatch (power of two)"},
    {"output", "requant_lanes", &Config::requant_lanes, nullptr, 0, 128,
     "requantizer lanes (0 = dim: one per column; fewer: serial lanes, a divisor of dim)"},
};

bool is_pow2(uint64_t v) { return v && !(v & (v - 1)); }

const Key* find_key(const std::string& key) {
  const Key* hit = nullptr;
  for (const Key& k : kKeys) {
    if (key == fmt::format("{}.{}", k.section, k.name)) return &k;
    if (key == k.name) {
      if (hit) throw Error(fmt::format("config key '{}' is ambiguous: write it as section.key", key));
      hit = &k;
    }
  }
  return hit;
}

void set_value(Config& c, const Key& k, double v, const std::string& where) {
  if (!(v >= k.min && v <= k.max))
    throw Error(fmt::format("{}: [{}] {} = {} is out of range [{}, {}] ({})", where, k.section, k.name, v, k.min, k.max, k.doc));
  if (k.u32) {
    if (v != std::floor(v)) throw Error(fmt::format("{}: [{}] {} must be a whole number, got {}", where, k.section, k.name, v));
    c.*k.u32 = uint32_t(v);
  } else {
    c.*k.f64 = v;
  }
}

}  // namespace

void Config::validate() const {
  std::vector<std::string> errs;
  const std::string at = source.empty() ? name : source;
  if (!is_pow2(spad_banks)) errs.push_back(fmt::format("[scratchpad] banks = {} must be a power of two", spad_banks));
  if (!is_pow2(acc_banks)) errs.push_back(fmt::format("[accumulator] banks = {} must be a power of two", acc_banks));
  if (!is_pow2(dram_bytes_per_cycle))
    errs.push_back(fmt::format("[dram] bytes_per_cycle = {} must be a power of two", dram_bytes_per_cycle));
  if (dim > (1u << isa::kMatmulWRowsBits) - 1 || dim > (1u << isa::kLoadXSizeBits) - 1)
    errs.push_back(fmt::format("[array] dim = {} does not fit the 8-bit row-length fields of the ISA", dim));
  if (uint64_t(spad_kib) * 1024 % spad_row_bytes())
    errs.push_back(fmt::format("[scratchpad] size_kib = {} is not a whole number of {}-byte rows", spad_kib, spad_row_bytes()));
  if (uint64_t(acc_kib) * 1024 % acc_row_bytes())
    errs.push_back(fmt::format("[accumulator] size_kib = {} is not a whole number of {}-byte rows", acc_kib, acc_row_bytes()));
  if (spad_rows() > (1u << isa::kLoadSramAddrBits))
    errs.push_back(fmt::format("[scratchpad] {} rows overflow the {}-bit row address of the ISA", spad_rows(), isa::kLoadSramAddrBits));
  if (acc_rows() > (1u << isa::kMatmulAccAddrBits))
    errs.push_back(fmt::format("[accumulator] {} rows overflow the {}-bit row address of the ISA", acc_rows(), isa::kMatmulAccAddrBits));
  if (spad_rows() < 2 * dim)
    errs.push_back(fmt::format("[scratchpad] {} rows cannot hold one {}x{} weight tile and one {}-row activation tile",
                               spad_rows(), dim, dim, dim));
  if (acc_rows() < dim + isa::kParamRows)
    errs.push_back(fmt::format("[accumulator] {} rows cannot hold one {}-row output tile and its {} parameter rows",
                               acc_rows(), dim, isa::kParamRows));
  if (spad_banks && spad_rows() % spad_banks)
    errs.push_back(fmt::format("[scratchpad] {} rows do not split into {} banks", spad_rows(), spad_banks));
  if (acc_banks && acc_rows() % acc_banks)
    errs.push_back(fmt::format("[accumulator] {} rows do not split into {} banks", acc_rows(), acc_banks));
  if (dram_bytes() > (uint64_t(1) << isa::kLoadDramAddrBits))
    errs.push_back(fmt::format("[dram] size_mib = {} overflows the {}-bit DRAM address of the ISA", dram_mib, isa::kLoadDramAddrBits));
  if (!is_pow2(fetch_window))
    errs.push_back(fmt::format("[queues] fetch_window = {} must be a power of two", fetch_window));
  if (requant_lanes != 0 && (requant_lanes > dim || dim % requant_lanes || !is_pow2(requant_lanes)))
    errs.push_back(fmt::format("[output] requant_lanes = {} must be 0 (= dim) or a power of two dividing dim = {}",
                               requant_lanes, dim));
  if (errs.empty()) return;
  std::string msg = fmt::format("invalid config {}:", at);
  for (auto& e : errs) msg += "\n  " + e;
  throw Error(msg);
}

std::string Config::to_toml() const {
  std::string out = fmt::format("# Systole design point \"{}\"\n", name);
  std::string section;
  for (const Key& k : kKeys) {
    if (section != k.section) {
      section = k.section;
      out += fmt::format("\n[{}]\n", section);
    }
    if (k.u32) out += fmt::format("{} = {}\n", k.name, this->*k.u32);
    else out += fmt::format("{} = {}\n", k.name, this->*k.f64);
  }
  return out;
}

Config parse_config(const std::string& text, const std::string& origin) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    throw Error(fmt::format("{}:{}:{}: {}", origin, b.line, b.column, e.description()));
  }
  Config c;
  c.source = origin;
  auto slash = origin.find_last_of('/');
  c.name = origin.substr(slash == std::string::npos ? 0 : slash + 1);
  if (auto dot = c.name.rfind(".toml"); dot != std::string::npos) c.name.resize(dot);
  for (auto& [sec, node] : root) {
    const std::string section(sec.str());
    const toml::table* t = node.as_table();
    bool known_section = false;
    for (const Key& k : kKeys) known_section |= section == k.section;
    if (!known_section || !t) {
      std::string names;
      for (const Key& k : kKeys)
        if (names.find(k.section) == std::string::npos) names += std::string(names.empty() ? "" : ", ") + k.section;
      throw Error(fmt::format("{}: unknown section [{}] (known: {})", origin, section, names));
    }
    for (auto& [key, val] : *t) {
      const Key* k = find_key(section + "." + std::string(key.str()));
      if (!k) {
        std::string names;
        for (const Key& kk : kKeys)
          if (section == kk.section) names += std::string(names.empty() ? "" : ", ") + kk.name;
        throw Error(fmt::format("{}: unknown key '{}' in [{}] (known: {})", origin, std::string(key.str()), section, names));
      }
      auto v = val.value<double>();
      if (!v || val.is_boolean())
        throw Error(fmt::format("{}: [{}] {} must be a number", origin, section, k->name));
      set_value(c, *k, *v, origin);
    }
  }
  c.validate();
  return c;
}

std::vector<std::string> preset_names() {
  std::vector<std::string> out;
  for (const auto& p : kPresets) out.push_back(p.name);
  return out;
}

Config load_config(const std::string& name_or_path) {
  for (const auto& p : kPresets)
    if (name_or_path == p.name) {
      Config c = parse_config(p.toml, std::string("configs/") + p.name + ".toml");
      c.name = p.name;
      return c;
    }
  std::ifstream in(name_or_path);
  if (!in) {
    std::string names;
    for (const auto& n : preset_names()) names += (names.empty() ? "" : ", ") + n;
    throw Error(fmt::format("config '{}': no such file, and not a preset ({})", name_or_path, names));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_config(ss.str(), name_or_path);
}

void set_config_key(Config& cfg, const std::string& key, const std::string& value) {
  const Key* k = find_key(key);
  if (!k) throw Error(fmt::format("unknown config key '{}'", key));
  double v = 0;
  try {
    size_t used = 0;
    v = std::stod(value, &used);
    if (used != value.size()) throw std::invalid_argument(value);
  } catch (const std::exception&) {
    throw Error(fmt::format("config key {}.{}: '{}' is not a number", k->section, k->name, value));
  }
  set_value(cfg, *k, v, "override");
  cfg.validate();
}

}  // namespace systole
