// Tool-output parsing and report rendering (see report.hpp).
#include "synth/report.hpp"

#include <fmt/format.h>

#include <cctype>
#include <regex>
#include <sstream>

#include "arch/error.hpp"

namespace systole::synth {
namespace {

bool starts_with(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

// Counted cells of one resource class: exact names or prefixes ending in '*'.
double count(const std::map<std::string, double>& cells, const std::vector<std::string>& pats, std::string& which) {
  double n = 0;
  for (const auto& [name, c] : cells) {
    for (const auto& p : pats) {
      const bool match = p.back() == '*' ? starts_with(name, p.substr(0, p.size() - 1).c_str()) : name == p;
      if (match) {
        n += c;
        which += (which.empty() ? "" : " ") + name;
        break;
      }
    }
  }
  return n;
}

}  // namespace

std::map<std::string, double> parse_yosys_stat(const std::string& text) {
  // Sections start with "=== name ===". Inside, "Number of cells: N" is followed by one
  // "  CELLTYPE  N" line per type.
  std::map<std::string, std::map<std::string, double>> sections;
  std::vector<std::string> order;
  std::string cur;
  bool in_cells = false;
  std::istringstream in(text);
  std::string line;
  static const std::regex header(R"(^=== (.*) ===\s*$)");
  static const std::regex cells_line(R"(^\s+Number of cells:\s+(\d+)\s*$)");
  static const std::regex cell_line(R"(^\s+(\S+)\s+(\d+)\s*$)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, header)) {
      cur = m[1];
      sections[cur];
      order.push_back(cur);
      in_cells = false;
    } else if (!cur.empty() && std::regex_match(line, m, cells_line)) {
      in_cells = true;
    } else if (in_cells && std::regex_match(line, m, cell_line)) {
      sections[cur][m[1]] += std::stod(m[2]);
    } else if (in_cells) {
      in_cells = false;
    }
  }
  if (order.empty()) throw Error("no Yosys statistics found (expected '=== <module> ===' sections from `stat`)");
  if (sections.count("design hierarchy")) return sections["design hierarchy"];
  return sections[order.back()];
}

std::vector<Resource> classify_cells(Family f, const std::map<std::string, double>& cells, const Capacity& cap) {
  struct Class {
    const char* name;
    std::vector<std::string> pats;
    double available;
    double weight;
  };
  std::vector<Class> classes;
  switch (f) {
    case Family::Ice40:
      classes = {{"lut", {"SB_LUT4"}, cap.lut, 1},
                 {"ff", {"SB_DFF*"}, cap.ff, 1},
                 {"carry", {"SB_CARRY"}, cap.carry, 1},
                 {"dsp", {"SB_MAC16"}, cap.dsp, 1},
                 {"bram", {"SB_RAM40_4K"}, cap.bram, 1},
                 {"spram", {"SB_SPRAM256KA"}, cap.spram, 1}};
      break;
    case Family::Xc7:
      classes = {{"lut", {"LUT1", "LUT2", "LUT3", "LUT4", "LUT5", "LUT6"}, cap.lut, 1},
                 {"ff", {"FDRE", "FDSE", "FDCE", "FDPE"}, cap.ff, 1},
                 {"carry", {"CARRY4"}, cap.carry, 1},
                 {"dsp", {"DSP48E1"}, cap.dsp, 1},
                 {"bram", {"RAMB36E1"}, cap.bram, 1},
                 {"bram18", {"RAMB18E1"}, 0, 1},
                 {"lutram", {"RAM32M", "RAM64M", "RAM32X1D", "RAM64X1D", "RAM128X1D", "RAM256X1S", "SRL16E", "SRLC32E"},
                  0, 1},
                 {"mux", {"MUXF7", "MUXF8"}, 0, 1},
                 // Yosys leaves inverters as INV cells; Vivado folds them into LUTs.
                 {"inv", {"INV"}, 0, 1}};
      break;
    case Family::Ecp5:
      classes = {{"lut", {"LUT4"}, cap.lut, 1},
                 {"ff", {"TRELLIS_FF"}, cap.ff, 1},
                 {"carry", {"CCU2C"}, cap.carry, 1},
                 {"dsp", {"MULT18X18D"}, cap.dsp, 1},
                 {"bram", {"DP16KD", "PDPW16KD"}, cap.bram, 1},
                 {"lutram", {"TRELLIS_DPR16X4"}, 0, 1},
                 {"mux", {"PFUMX", "L6MUX21"}, 0, 1}};
      break;
  }
  std::vector<Resource> out;
  for (const auto& c : classes) {
    Resource r{c.name, 0, c.available, ""};
    r.used = count(cells, c.pats, r.cells) * c.weight;
    out.push_back(r);
  }
  if (f == Family::Xc7) {  // two RAMB18 make one RAMB36 of the capacity
    for (auto& r : out)
      if (r.name == "bram")
        for (const auto& s : out)
          if (s.name == "bram18" && s.used > 0) {
            r.used += s.used / 2;
            r.cells += (r.cells.empty() ? "" : " ") + std::string("RAMB18E1/2");
          }
  }
  return out;
}

NextpnrReport parse_nextpnr_report(const std::string& json_text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json_text);
  } catch (const std::exception& e) {
    throw Error(fmt::format("nextpnr report is not valid JSON: {}", e.what()));
  }
  NextpnrReport r;
  if (!j.is_object() || !j.contains("utilization"))
    throw Error("nextpnr report has no 'utilization' object (was it written by --report?)");
  for (const auto& [name, u] : j.at("utilization").items())
    r.utilization[name] = Resource{name, u.value("used", 0.0), u.value("available", 0.0), name};
  if (j.contains("fmax"))
    for (const auto& [name, c] : j.at("fmax").items())
      r.clocks.push_back({name, c.value("achieved", 0.0), c.value("constraint", 0.0)});
  return r;
}

std::vector<std::string> over_capacity(const std::vector<Resource>& res, const std::string& device) {
  std::vector<std::string> out;
  for (const auto& r : res) {
    if (r.used <= 0) continue;
    if (r.available == 0 && (r.name == "dsp" || r.name == "bram" || r.name == "spram"))
      out.push_back(fmt::format("{} {} ({}) used but {} has none", r.used, r.name, r.cells, device));
    else if (r.available > 0 && r.used > r.available)
      out.push_back(fmt::format("{}: {} used, {} has {} ({:.0f}%)", r.name, r.used, device, r.available,
                                100 * r.utilization()));
  }
  return out;
}

namespace {

void table(std::string& s, const std::vector<Resource>& res) {
  s += fmt::format("  {:<14} {:>10} {:>10} {:>7}  {}\n", "resource", "used", "available", "util", "cells");
  for (const auto& r : res) {
    // Skip what is absent, and nextpnr's unused hard blocks (upper-case names: SB_I2C, ...).
    if (r.used == 0 && (r.available == 0 || std::isupper(static_cast<unsigned char>(r.name[0])))) continue;
    s += fmt::format("  {:<14} {:>10} {:>10} {:>7}  {}\n", r.name, r.used, r.available > 0 ? fmt::format("{}", r.available) : "-",
                     r.available > 0 ? fmt::format("{:.1f}%", 100 * r.utilization()) : "-", r.cells);
  }
}

nlohmann::json res_json(const std::vector<Resource>& res) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& r : res)
    j[r.name] = {{"used", r.used}, {"available", r.available}, {"utilization", r.utilization()}, {"cells", r.cells}};
  return j;
}

}  // namespace

std::string report_text(const Report& r) {
  std::string s;
  s += fmt::format("systole synth: target {} ({}{}), design {} (top {}), config {}\n", r.target, r.device,
                   r.board.empty() ? "" : ", board " + r.board, r.design, r.top, r.config_name);
  const auto& p = r.params;
  s += "parameters:";
  for (const auto& [k, v] : top_param_list(p)) s += fmt::format(" {}={}", k, v);
  s += p.mem_bytes ? fmt::format(" MEM_BYTES={}\n", p.mem_bytes) : "\n";
  if (!r.overrides.empty()) s += fmt::format("board override: {}\n", fmt::join(r.overrides, ", "));
  s += "\nsynthesis (Yosys):\n";
  table(s, r.synth);
  if (!r.packed.empty()) {
    s += "\npacking only (nextpnr --pack-only: the netlist is too large to place):\n";
    table(s, r.packed);
  }
  if (r.placed) {
    s += "\nplace and route (nextpnr):\n";
    table(s, r.pnr);
    s += fmt::format("\nFmax: {:.1f} MHz achieved (board clock {} MHz)\n", r.fmax_mhz, r.clock_mhz);
  }
  s += "\nflow steps:\n";
  double total = 0;
  for (const auto& st : r.steps) {
    s += fmt::format("  {:<10} {:>8.1f} s   {}\n", st.step, st.seconds, st.log);
    total += st.seconds;
  }
  s += fmt::format("  {:<10} {:>8.1f} s\n", "total", total);
  if (!r.outputs.empty()) s += fmt::format("\noutputs: {}\n", fmt::join(r.outputs, ", "));
  for (const auto& n : r.notes) s += "note: " + n + "\n";
  if (!r.problems.empty()) {
    s += "\nPROBLEMS:\n";
    for (const auto& pr : r.problems) s += "  - " + pr + "\n";
  }
  return s;
}

nlohmann::json report_json(const Report& r) {
  const auto& p = r.params;
  nlohmann::json j;
  j["target"] = r.target;
  j["device"] = r.device;
  j["board"] = r.board;
  j["design"] = r.design;
  j["top"] = r.top;
  j["config"] = r.config_name;
  j["effective_config"] = r.effective_config.empty() ? r.config_name : r.effective_config;
  nlohmann::json params = nlohmann::json::object();
  for (const auto& [k, v] : top_param_list(p)) params[k] = v;
  params["MEM_BYTES"] = p.mem_bytes;
  j["parameters"] = params;
  j["board_override"] = r.overrides;
  if (!r.placed) j["clock_mhz"] = r.clock_mhz;  // board clock (0: none); fmax_mhz only once placed
  j["cells"] = r.cells;
  j["synthesis"] = res_json(r.synth);
  if (!r.packed.empty()) j["packed"] = res_json(r.packed);  // logic cells after packing (no fit)
  if (r.placed) {
    j["place_route"] = res_json(r.pnr);
    j["fmax_mhz"] = r.fmax_mhz;
    j["clock_mhz"] = r.clock_mhz;
  }
  nlohmann::json steps = nlohmann::json::array();
  for (const auto& st : r.steps) steps.push_back({{"step", st.step}, {"seconds", st.seconds}, {"log", st.log}});
  j["steps"] = steps;
  j["outputs"] = r.outputs;
  j["notes"] = r.notes;
  j["problems"] = r.problems;
  j["ok"] = r.ok();
  return j;
}

}  // namespace systole::synth
