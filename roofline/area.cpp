// Area table and synthesis-report lookup (see area.hpp); values cited in docs/energy_area.md.
#include "roofline/area.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <toml++/toml.h>

#include "arch/error.hpp"
#include "arch/isa.hpp"

namespace systole::roofline {

namespace fs = std::filesystem;

const AreaTable& default_area_table() {
  static const AreaTable t = [] {
    AreaTable a;
    // Horowitz ISSCC 2014 (45 nm): 8-bit multiplier 282 µm², 32-bit adder 137 µm²; registers
    // (2x8-bit double-buffered weight, 8-bit activation, 32-bit partial sum = 56 flip-flops)
    // at 4.52 µm² each (NanGate 45 nm open cell library, DFF_X1).
    constexpr double kFlop = 4.52;
    a.pe_um2 = 282 + 137 + 56 * kFlop;
    // 6T bit cell 0.346 µm² (Intel 45 nm, Mistry et al., IEDM 2007) x 8192 bits per KiB at
    // 60% array efficiency (periphery, redundancy).
    a.sram_um2_per_kib = 0.346 * 8192 / 0.6;
    a.sram_bank_um2 = 5000;  // assumption: extra decoder/sense/mux periphery per bank
    // Requantization per column: a 32-bit multiplier (Horowitz: 3495 µm²), two 32-bit adders,
    // rounding shift and clamp (counted as a third adder).
    a.out_col_um2 = 3495 + 3 * 137;
    a.queue_bit_um2 = kFlop;
    a.dma_um2_per_byte = 16 * 8 * kFlop;  // assumption: a 16-entry buffer per byte lane
    a.control_um2 = 50000;                // assumption: fetch, decode, CSRs, DMA sequencers
    a.node = "45 nm";
    a.source = "Horowitz ISSCC 2014 + NanGate45 DFF + Intel 45 nm 6T cell (45 nm)";
    return a;
  }();
  return t;
}

AreaTable parse_area_table(const std::string& text, const std::string& origin) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    throw Error(fmt::format("{}:{}:{}: {}", origin, e.source().begin.line, e.source().begin.column, e.description()));
  }
  const toml::table* sec = root["area"].as_table();
  if (!sec) throw Error(fmt::format("{}: no [area] table", origin));
  AreaTable t = default_area_table();
  struct F {
    const char* name;
    double AreaTable::*m;
  };
  const F fields[] = {{"pe_um2", &AreaTable::pe_um2},           {"sram_um2_per_kib", &AreaTable::sram_um2_per_kib},
                      {"sram_bank_um2", &AreaTable::sram_bank_um2}, {"out_col_um2", &AreaTable::out_col_um2},
                      {"queue_bit_um2", &AreaTable::queue_bit_um2}, {"dma_um2_per_byte", &AreaTable::dma_um2_per_byte},
                      {"control_um2", &AreaTable::control_um2}};
  t.source = "custom table " + origin;
  for (auto& [k, v] : *sec) {
    const std::string key(k.str());
    if (key == "source" && v.is_string()) { t.source = *v.value<std::string>(); continue; }
    if (key == "node" && v.is_string()) { t.node = *v.value<std::string>(); continue; }
    const F* f = nullptr;
    for (const F& x : fields)
      if (key == x.name) f = &x;
    auto d = v.value<double>();
    if (!f) {
      std::string names = "source, node";
      for (const F& x : fields) names += std::string(", ") + x.name;
      throw Error(fmt::format("{}: unknown key [area] {} (known: {})", origin, key, names));
    }
    if (!d || v.is_boolean() || *d < 0) throw Error(fmt::format("{}: [area] {} must be a non-negative number", origin, key));
    t.*(f->m) = *d;
  }
  return t;
}

AreaTable load_area_table(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(fmt::format("area table '{}': cannot open", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_area_table(ss.str(), path);
}

bool SynthArea::matches(const Config& c) const {
  // The synth flow builds INSN_DEPTH = max(2, insn_depth) (docs/synth.md).
  return dim == c.dim && spad_rows == c.spad_rows() && spad_banks == c.spad_banks && acc_rows == c.acc_rows() &&
         acc_banks == c.acc_banks && bus_bytes == c.dram_bytes_per_cycle && insn_depth == std::max(2u, c.insn_depth) &&
         fetch_window == c.fetch_window;
}

SynthArea synth_area_from_json(const nlohmann::json& j, const std::string& path) {
  if (!j.is_object() || !j.contains("parameters") || !j.contains("synthesis"))
    throw Error(fmt::format("{}: not a systole synth report (no parameters / synthesis)", path));
  if (j.value("design", "accel") != "accel")
    throw Error(fmt::format("{}: design '{}' is not the whole accelerator", path, j.value("design", "")));
  SynthArea s;
  s.path = path;
  s.target = j.value("target", "");
  s.device = j.value("device", "");
  const auto& p = j.at("parameters");
  auto par = [&](const char* k) {
    if (!p.contains(k) || !p.at(k).is_number()) throw Error(fmt::format("{}: parameters.{} missing", path, k));
    return p.at(k).get<uint32_t>();
  };
  s.dim = par("DIM"), s.spad_rows = par("SPAD_ROWS"), s.spad_banks = par("SPAD_BANKS");
  s.acc_rows = par("ACC_ROWS"), s.acc_banks = par("ACC_BANKS"), s.bus_bytes = par("BUS_BYTES");
  s.insn_depth = par("INSN_DEPTH");
  if (p.contains("FETCH_DEPTH")) s.fetch_window = par("FETCH_DEPTH");
  const auto& r = j.at("synthesis");
  auto used = [&](const char* k) { return r.contains(k) && r.at(k).contains("used") ? r.at(k).at("used").get<double>() : 0.0; };
  s.lut = used("lut"), s.ff = used("ff"), s.dsp = used("dsp"), s.bram = used("bram");
  return s;
}

std::vector<SynthArea> load_synth_reports(const std::vector<std::string>& paths, std::vector<std::string>* skipped) {
  std::vector<std::string> files;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (auto& e : fs::recursive_directory_iterator(p, ec))
        if (e.is_regular_file() && e.path().filename() == "report.json") files.push_back(e.path().string());
    } else if (fs::is_regular_file(p, ec)) {
      files.push_back(p);
    } else {
      throw Error(fmt::format("--synth '{}': no such file or directory", p));
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<SynthArea> out;
  for (const std::string& f : files) {
    try {
      std::ifstream in(f);
      out.push_back(synth_area_from_json(nlohmann::json::parse(in), f));
    } catch (const std::exception& e) {
      if (skipped) skipped->push_back(e.what());
    }
  }
  return out;
}

AreaEstimate estimate_area(const AreaTable& t, const Config& c, const std::vector<SynthArea>& synth) {
  AreaEstimate a;
  const double um2 = 1e-6;
  a.pe_mm2 = double(c.dim) * c.dim * t.pe_um2 * um2;
  a.sram_mm2 = (double(c.spad_kib + c.acc_kib) * t.sram_um2_per_kib + double(c.spad_banks + c.acc_banks) * t.sram_bank_um2) * um2;
  // Three unit queues (load, execute, store) of insn_depth instructions.
  a.other_mm2 = (double(c.dim) * t.out_col_um2 + 3.0 * c.insn_depth * isa::kInsnBytes * 8 * t.queue_bit_um2 +
                 double(c.dram_bytes_per_cycle) * t.dma_um2_per_byte + t.control_um2) *
                um2;
  a.mm2 = a.pe_mm2 + a.sram_mm2 + a.other_mm2;
  for (const SynthArea& s : synth)
    if (s.matches(c)) {
      a.synth = &s;
      a.source = "synth:" + s.target;
      break;
    }
  return a;
}

}  // namespace systole::roofline
