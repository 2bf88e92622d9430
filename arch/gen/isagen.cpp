// isagen: reads the one ISA definition (arch/isa.toml) and writes its generated views:
//   --cpp FILE  C++ header: enums, field offsets, typed instruction structs, pack/unpack,
//               field tables for the assembler, CSR map, counters, error codes
//   --sv FILE   SystemVerilog package for rtl/
//   --md FILE   Markdown field tables for docs/
// Offsets are assigned here (LSB first, header then opcode fields), so the spec never states
// one. Files are rewritten only when their content changes, to keep rebuilds incremental.
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <toml++/toml.h>
#include <vector>

namespace {

struct Field {
  std::string name, doc, enum_name;
  unsigned bits = 0, lsb = 0;
  bool is_signed = false;
  int64_t def = 0;
};
struct Opcode {
  std::string name, unit, doc;
  unsigned value = 0;
  std::vector<Field> fields;  // header fields first
};
struct Enum {
  std::string name, doc;
  std::vector<std::pair<std::string, int64_t>> values;
};
struct Named {
  std::string name, doc, access;
  int64_t value = 0;
};
struct Spec {
  unsigned version = 0, insn_bits = 0, opcode_bits = 0;
  unsigned csr_stride = 0, counter_base = 0, hw_id_magic = 0;
  std::vector<Named> units;
  std::vector<Field> header;
  std::vector<Enum> enums;
  std::vector<Opcode> opcodes;
  std::vector<Field> param_fields;
  std::vector<Named> csrs, csr_bits, error_codes, counters;
};

[[noreturn]] void die(const std::string& msg) {
  std::cerr << "isagen: " << msg << "\n";
  std::exit(1);
}

std::string str(const toml::node_view<const toml::node>& n, const char* what) {
  auto v = n.value<std::string>();
  if (!v) die(std::string("missing string ") + what);
  return *v;
}

Field parse_field(const toml::table& t) {
  Field f;
  f.name = str(t["name"], "field name");
  f.doc = t["doc"].value_or(std::string());
  f.enum_name = t["enum"].value_or(std::string());
  f.bits = unsigned(t["bits"].value_or(0));
  f.is_signed = t["signed"].value_or(false);
  f.def = t["default"].value_or(int64_t(0));
  if (f.bits == 0 || f.bits > 32) die("field " + f.name + ": bits must be 1..32");
  return f;
}

std::vector<Named> parse_named_array(const toml::table& root, const char* key, bool need_access) {
  std::vector<Named> out;
  if (auto arr = root[key].as_array())
    for (auto& e : *arr) {
      const auto& t = *e.as_table();
      Named n{str(t["name"], key), t["doc"].value_or(std::string()), t["access"].value_or(std::string()), 0};
      if (need_access && n.access.empty()) die(std::string(key) + " " + n.name + ": missing access");
      n.value = int64_t(out.size());
      out.push_back(n);
    }
  return out;
}

std::vector<Named> parse_value_table(const toml::table& root, const char* key) {
  std::vector<Named> out;
  if (auto t = root[key].as_table())
    for (auto& [k, v] : *t) out.push_back({std::string(k.str()), "", "", v.value_or(int64_t(0))});
  return out;
}

Spec parse(const std::string& path) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    die(path + ": " + std::string(e.description()));
  }
  Spec s;
  s.version = unsigned(root["isa"]["version"].value_or(0));
  s.insn_bits = unsigned(root["isa"]["insn_bits"].value_or(0));
  s.csr_stride = unsigned(root["isa"]["csr_stride"].value_or(0));
  s.counter_base = unsigned(root["isa"]["counter_base"].value_or(0));
  s.hw_id_magic = unsigned(root["isa"]["hw_id_magic"].value_or(0));
  if (!s.csr_stride || !s.counter_base || !s.hw_id_magic) die("[isa] needs csr_stride, counter_base and hw_id_magic");
  s.units = parse_named_array(root, "units", false);
  for (auto& e : *root["header"].as_array()) s.header.push_back(parse_field(*e.as_table()));
  if (s.header.empty() || s.header[0].name != "opcode") die("header must start with opcode");
  s.opcode_bits = s.header[0].bits;
  if (auto en = root["enums"].as_table())
    for (auto& [k, v] : *en) {
      Enum e{std::string(k.str()), "", {}};
      for (auto& [vk, vv] : *v.as_table()) {
        if (vk.str() == "doc") e.doc = vv.value_or(std::string());
        else e.values.push_back({std::string(vk.str()), vv.value_or(int64_t(0))});
      }
      s.enums.push_back(e);
    }
  for (auto& e : *root["opcodes"].as_array()) {
    const auto& t = *e.as_table();
    Opcode op;
    op.name = str(t["name"], "opcode name");
    op.unit = str(t["unit"], "opcode unit");
    op.doc = t["doc"].value_or(std::string());
    op.value = unsigned(t["value"].value_or(0));
    unsigned lsb = 0;
    for (Field f : s.header) {
      f.lsb = lsb;
      lsb += f.bits;
      op.fields.push_back(f);
    }
    for (auto& fe : *t["fields"].as_array()) {
      Field f = parse_field(*fe.as_table());
      f.lsb = lsb;
      lsb += f.bits;
      op.fields.push_back(f);
    }
    if (lsb > s.insn_bits) die(fmt::format("opcode {} needs {} bits, more than insn_bits = {}", op.name, lsb, s.insn_bits));
    bool unit_ok = false;
    for (auto& u : s.units) unit_ok |= u.name == op.unit;
    if (!unit_ok) die("opcode " + op.name + ": unknown unit " + op.unit);
    s.opcodes.push_back(op);
  }
  unsigned plsb = 0;
  for (auto& fe : *root["param_word"]["fields"].as_array()) {
    Field f = parse_field(*fe.as_table());
    f.lsb = plsb;
    plsb += f.bits;
    s.param_fields.push_back(f);
  }
  if (plsb > 32) die("param_word wider than 32 bits");
  s.csrs = parse_named_array(root, "csr", true);
  s.counters = parse_named_array(root, "counters", false);
  s.csr_bits = parse_value_table(root, "csr_bits");
  s.error_codes = parse_value_table(root, "error_codes");
  return s;
}

std::string camel(const std::string& snake) {
  std::string out;
  bool up = true;
  for (char c : snake) {
    if (c == '_') { up = true; continue; }
    out += up ? char(std::toupper(c)) : char(std::tolower(c));
    up = false;
  }
  return out;
}
std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(c));
  return s;
}
std::string cstr(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string gen_cpp(const Spec& s) {
  const unsigned kCsrStride = s.csr_stride, kCounterBase = s.counter_base;
  std::ostringstream o;
  o << "// GENERATED FILE, do not edit: written by arch/gen/isagen.cpp from arch/isa.toml.\n"
       "#pragma once\n#include <cstdint>\n\n#include \"arch/bits.hpp\"\n\nnamespace systole::isa {\n\n";
  o << fmt::format("constexpr uint32_t kIsaVersion = {};\nconstexpr uint32_t kInsnBits = {};\n"
                   "constexpr uint32_t kInsnBytes = {};\nconstexpr uint32_t kOpcodeBits = {};\n\n",
                   s.version, s.insn_bits, s.insn_bits / 8, s.opcode_bits);
  // Units and opcodes.
  o << "enum class Unit : uint8_t {";
  for (auto& u : s.units) o << fmt::format(" {} = {},", camel(u.name), u.value);
  o << " };\nconstexpr uint32_t kNumUnits = " << s.units.size() << ";\n";
  o << "constexpr const char* kUnitNames[] = {";
  for (auto& u : s.units) o << cstr(u.name) << ", ";
  o << "};\n\nenum class Opcode : uint8_t {";
  for (auto& op : s.opcodes) o << fmt::format(" {} = {},", op.name, op.value);
  o << " };\nconstexpr uint32_t kNumOpcodes = " << s.opcodes.size() << ";\n";
  o << "constexpr bool is_valid_opcode(uint32_t v) { return ";
  for (size_t i = 0; i < s.opcodes.size(); ++i) o << (i ? " || " : "") << "v == " << s.opcodes[i].value;
  o << "; }\nconstexpr Unit unit_of(Opcode op) {\n  switch (op) {\n";
  for (auto& op : s.opcodes) o << fmt::format("    case Opcode::{}: return Unit::{};\n", op.name, camel(op.unit));
  o << "  }\n  return Unit::Load;\n}\n\n";
  for (auto& e : s.enums) {
    o << "// " << e.doc << "\nenum class " << camel(e.name) << " : uint32_t {";
    for (auto& [n, v] : e.values) o << fmt::format(" {} = {},", camel(n), v);
    o << " };\n";
  }
  // Field tables.
  o << "\nstruct EnumValue { const char* name; int64_t value; };\n"
       "struct FieldInfo {\n  const char* name;\n  uint8_t lsb;\n  uint8_t bits;\n  bool is_signed;\n"
       "  int64_t default_value;\n  const EnumValue* enum_values;  // null unless the field is an enum\n"
       "  uint8_t num_enum_values;\n  const char* doc;\n};\n"
       "struct OpcodeInfo {\n  const char* name;\n  Opcode opcode;\n  Unit unit;\n  const FieldInfo* fields;\n"
       "  uint32_t num_fields;\n  const char* doc;\n};\n\n";
  for (auto& e : s.enums) {
    o << "constexpr EnumValue k" << camel(e.name) << "Values[] = {";
    for (auto& [n, v] : e.values) o << "{" << cstr(n) << ", " << v << "}, ";
    o << "};\n";
  }
  auto field_row = [&](const Field& f) {
    std::string ev = "nullptr", en = "0";
    if (!f.enum_name.empty()) {
      ev = "k" + camel(f.enum_name) + "Values";
      en = "sizeof(" + ev + ") / sizeof(EnumValue)";
    }
    return fmt::format("  {{{}, {}, {}, {}, {}, {}, {}, {}}},\n", cstr(f.name), f.lsb, f.bits, f.is_signed ? "true" : "false",
                       f.def, ev, en, cstr(f.doc));
  };
  for (auto& op : s.opcodes) {
    o << "\n// " << op.name << " (" << op.unit << " unit)\nconstexpr FieldInfo k" << camel(op.name) << "Fields[] = {\n";
    for (auto& f : op.fields) o << field_row(f);
    o << "};\n";
    for (auto& f : op.fields)
      o << fmt::format("constexpr unsigned k{}{}Lsb = {}, k{}{}Bits = {};\n", camel(op.name), camel(f.name), f.lsb,
                       camel(op.name), camel(f.name), f.bits);
    // Typed struct.
    o << "struct " << camel(op.name) << "Insn {\n";
    for (auto& f : op.fields) {
      if (f.name == "opcode") continue;
      o << fmt::format("  {} {} = {};  // {}\n", f.is_signed ? "int32_t" : "uint32_t", f.name, f.def, f.doc);
    }
    o << "};\n";
    o << "inline Insn pack(const " << camel(op.name) << "Insn& x) {\n  Insn w;\n";
    for (auto& f : op.fields) {
      const std::string val = f.name == "opcode" ? fmt::format("{}u", op.value) : "uint64_t(int64_t(x." + f.name + "))";
      o << fmt::format("  set_bits(w, {}, {}, {});\n", f.lsb, f.bits, val);
    }
    o << "  return w;\n}\n";
    o << "inline " << camel(op.name) << "Insn unpack_" << lower(op.name) << "(const Insn& w) {\n  "
      << camel(op.name) << "Insn x;\n";
    for (auto& f : op.fields) {
      if (f.name == "opcode") continue;
      if (f.is_signed)
        o << fmt::format("  x.{} = int32_t(sign_extend(get_bits(w, {}, {}), {}));\n", f.name, f.lsb, f.bits, f.bits);
      else
        o << fmt::format("  x.{} = uint32_t(get_bits(w, {}, {}));\n", f.name, f.lsb, f.bits);
    }
    o << "  return x;\n}\n";
    // Range check for code generators: the first field whose value the encoding cannot hold.
    o << "inline const char* first_unfit_field(const " << camel(op.name) << "Insn& x) {\n";
    for (auto& f : op.fields) {
      if (f.name == "opcode") continue;
      o << fmt::format("  if (!{}(x.{}, {})) return {};\n", f.is_signed ? "fits_signed" : "fits_unsigned", f.name, f.bits, cstr(f.name));
    }
    o << "  return nullptr;\n}\n";
  }
  o << "\nconstexpr OpcodeInfo kOpcodes[] = {\n";
  for (auto& op : s.opcodes)
    o << fmt::format("  {{{}, Opcode::{}, Unit::{}, k{}Fields, sizeof(k{}Fields) / sizeof(FieldInfo), {}}},\n", cstr(op.name),
                     op.name, camel(op.unit), camel(op.name), camel(op.name), cstr(op.doc));
  o << "};\n\ninline uint32_t opcode_bits(const Insn& w) { return uint32_t(get_bits(w, 0, kOpcodeBits)); }\n";
  // Header fields sit at the same offsets in every opcode; take them from the first.
  for (const char* dep : {"pop_prev", "pop_next", "push_prev", "push_next"})
    for (auto& f : s.opcodes[0].fields)
      if (f.name == dep)
        o << fmt::format("inline bool {}(const Insn& w) {{ return get_bits(w, {}, 1) != 0; }}\n", dep, f.lsb);

  // Parameter word.
  o << "\n// Parameter rows of the output path: bias, multiplier, then one ParamWord per channel.\n"
       "constexpr uint32_t kParamRows = 3, kParamBiasRow = 0, kParamMultRow = 1, kParamWordRow = 2;\n";
  o << "constexpr FieldInfo kParamWordFields[] = {\n";
  for (auto& f : s.param_fields) o << field_row(f);
  o << "};\nstruct ParamWord {\n";
  for (auto& f : s.param_fields) o << fmt::format("  {} {} = 0;  // {}\n", f.is_signed ? "int32_t" : "uint32_t", f.name, f.doc);
  o << "};\ninline uint32_t pack_param(const ParamWord& p) {\n  Insn w;\n";
  for (auto& f : s.param_fields) o << fmt::format("  set_bits(w, {}, {}, uint64_t(int64_t(p.{})));\n", f.lsb, f.bits, f.name);
  o << "  return uint32_t(w.lo);\n}\ninline ParamWord unpack_param(uint32_t v) {\n  Insn w;\n  w.lo = v;\n  ParamWord p;\n";
  for (auto& f : s.param_fields) {
    if (f.is_signed)
      o << fmt::format("  p.{} = int32_t(sign_extend(get_bits(w, {}, {}), {}));\n", f.name, f.lsb, f.bits, f.bits);
    else
      o << fmt::format("  p.{} = uint32_t(get_bits(w, {}, {}));\n", f.name, f.lsb, f.bits);
  }
  o << "  return p;\n}\n";

  // Host interface.
  o << "\n// CSR block (AXI4-Lite, 32-bit registers).\n";
  for (auto& c : s.csrs) o << fmt::format("constexpr uint32_t kCsr{} = 0x{:02x};  // {}: {}\n", camel(c.name), c.value * kCsrStride, c.access, c.doc);
  for (auto& b : s.csr_bits) o << fmt::format("constexpr uint32_t kBit{} = {};\n", camel(b.name), b.value);
  o << fmt::format("constexpr uint32_t kHwIdMagic = 0x{:04x};\n", s.hw_id_magic);
  o << "\nenum class ErrorCode : uint32_t {";
  for (auto& e : s.error_codes) o << fmt::format(" {} = {},", camel(e.name), e.value);
  o << " };\nconstexpr const char* error_code_name(uint32_t c) {\n  switch (c) {\n";
  for (auto& e : s.error_codes) o << fmt::format("    case {}: return {};\n", e.value, cstr(e.name));
  o << "  }\n  return \"unknown\";\n}\n";
  o << "\n// Performance counters: 64-bit, low word at kCounterBase + 8*index.\n";
  o << fmt::format("constexpr uint32_t kCounterBase = 0x{:02x};\n", kCounterBase);
  o << "enum class Counter : uint32_t {";
  for (auto& c : s.counters) o << fmt::format(" {} = {},", camel(c.name), c.value);
  o << " };\nconstexpr uint32_t kNumCounters = " << s.counters.size() << ";\n";
  o << "constexpr const char* kCounterNames[] = {";
  for (auto& c : s.counters) o << cstr(c.name) << ", ";
  o << "};\nconstexpr const char* kCounterDocs[] = {\n";
  for (auto& c : s.counters) o << "  " << cstr(c.doc) << ",\n";
  o << "};\n\n}  // namespace systole::isa\n";
  return o.str();
}

std::string gen_sv(const Spec& s) {
  const unsigned kCsrStride = s.csr_stride, kCounterBase = s.counter_base;
  std::ostringstream o;
  o << "// GENERATED FILE, do not edit: written by arch/gen/isagen.cpp from arch/isa.toml.\n"
       "package systole_isa_pkg;\n\n";
  o << fmt::format("  localparam int unsigned IsaVersion = {};\n  localparam int unsigned InsnBits = {};\n"
                   "  localparam int unsigned OpcodeBits = {};\n\n",
                   s.version, s.insn_bits, s.opcode_bits);
  o << "  typedef enum logic [" << s.opcode_bits - 1 << ":0] {\n";
  for (size_t i = 0; i < s.opcodes.size(); ++i)
    o << fmt::format("    Op{} = {}'d{}{}\n", camel(s.opcodes[i].name), s.opcode_bits, s.opcodes[i].value,
                     i + 1 < s.opcodes.size() ? "," : "");
  o << "  } opcode_e;\n\n";
  for (auto& e : s.enums)
    for (auto& [n, v] : e.values) o << fmt::format("  localparam int unsigned {}{} = {};\n", camel(e.name), camel(n), v);
  for (auto& op : s.opcodes) {
    o << "\n  // " << op.name << "\n";
    for (auto& f : op.fields)
      o << fmt::format("  localparam int unsigned {}{}Lsb = {};\n  localparam int unsigned {}{}Bits = {};\n", camel(op.name),
                       camel(f.name), f.lsb, camel(op.name), camel(f.name), f.bits);
    o << "  typedef struct packed {\n";
    unsigned used = op.fields.back().lsb + op.fields.back().bits;
    if (used < s.insn_bits) o << fmt::format("    logic [{}:0] spare;\n", s.insn_bits - used - 1);
    for (auto it = op.fields.rbegin(); it != op.fields.rend(); ++it) {
      if (it->bits == 1) o << fmt::format("    logic {};\n", it->name);
      else o << fmt::format("    logic [{}:0] {};\n", it->bits - 1, it->name);
    }
    o << "  } " << lower(op.name) << "_insn_t;\n";
  }
  o << "\n  localparam int unsigned ParamRows = 3;\n  localparam int unsigned ParamBiasRow = 0;\n"
       "  localparam int unsigned ParamMultRow = 1;\n  localparam int unsigned ParamWordRow = 2;\n"
       "  typedef struct packed {\n";
  for (auto it = s.param_fields.rbegin(); it != s.param_fields.rend(); ++it)
    o << fmt::format("    logic [{}:0] {};\n", it->bits - 1, it->name);
  o << "  } param_word_t;\n\n";
  for (auto& c : s.csrs) o << fmt::format("  localparam logic [7:0] Csr{} = 8'h{:02x};\n", camel(c.name), c.value * kCsrStride);
  for (auto& b : s.csr_bits) o << fmt::format("  localparam int unsigned Bit{} = {};\n", camel(b.name), b.value);
  o << fmt::format("  localparam logic [15:0] HwIdMagic = 16'h{:04x};\n", s.hw_id_magic);
  o << fmt::format("  localparam logic [7:0] CounterBase = 8'h{:02x};\n", kCounterBase);
  o << "  localparam int unsigned NumCounters = " << s.counters.size() << ";\n";
  for (auto& c : s.counters) o << fmt::format("  localparam int unsigned Cnt{} = {};\n", camel(c.name), c.value);
  for (auto& e : s.error_codes) o << fmt::format("  localparam logic [7:0] Err{} = 8'd{};\n", camel(e.name), e.value);
  o << "\nendpackage\n";
  return o.str();
}

std::string md_escape(std::string s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string gen_md(const Spec& s) {
  const unsigned kCsrStride = s.csr_stride, kCounterBase = s.counter_base;
  std::ostringstream o;
  o << "<!-- GENERATED FILE, do not edit: written by arch/gen/isagen.cpp from arch/isa.toml. -->\n"
    << "# ISA field tables (version " << s.version << ")\n\n"
    << "Instructions are " << s.insn_bits << " bits, little-endian in DRAM, fields packed from bit 0.\n"
    << "Prose semantics: [isa.md](isa.md).\n";
  auto table = [&](const std::vector<Field>& fields) {
    o << "\n| field | bits | lsb | msb | signed | default | meaning |\n|---|---|---|---|---|---|---|\n";
    for (auto& f : fields)
      o << fmt::format("| `{}` | {} | {} | {} | {} | {} | {} |\n", f.name, f.bits, f.lsb, f.lsb + f.bits - 1,
                       f.is_signed ? "yes" : "no", f.def, md_escape(f.doc) + (f.enum_name.empty() ? "" : " (enum `" + f.enum_name + "`)"));
  };
  o << "\n## Opcodes\n\n| opcode | value | unit |\n|---|---|---|\n";
  for (auto& op : s.opcodes) o << fmt::format("| {} | {} | {} |\n", op.name, op.value, op.unit);
  for (auto& op : s.opcodes) {
    o << "\n## " << op.name << "\n\n" << op.doc << "\n";
    table(op.fields);
  }
  for (auto& e : s.enums) {
    o << "\n## Enum `" << e.name << "`\n\n" << e.doc << "\n\n| name | value |\n|---|---|\n";
    for (auto& [n, v] : e.values) o << fmt::format("| {} | {} |\n", n, v);
  }
  o << "\n## Parameter word\n\nAccumulator rows param_addr+0 (bias), +1 (multiplier), +2 (this word), one int32 per channel.\n";
  table(s.param_fields);
  o << "\n## CSR map\n\n| offset | name | access | meaning |\n|---|---|---|---|\n";
  for (auto& c : s.csrs) o << fmt::format("| 0x{:02x} | {} | {} | {} |\n", c.value * kCsrStride, c.name, c.access, md_escape(c.doc));
  o << "\n## Error codes\n\n| code | name |\n|---|---|\n";
  for (auto& e : s.error_codes) o << fmt::format("| {} | {} |\n", e.value, e.name);
  o << "\n## Performance counters\n\n64 bits each, low word first, from offset 0x" << fmt::format("{:02x}", kCounterBase)
    << ".\n\n| offset | name | meaning |\n|---|---|---|\n";
  for (auto& c : s.counters) o << fmt::format("| 0x{:02x} | {} | {} |\n", kCounterBase + 8 * c.value, c.name, md_escape(c.doc));
  return o.str();
}

void write_if_changed(const std::string& path, const std::string& text) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream old;
  old << in.rdbuf();
  if (in && old.str() == text) return;
  std::ofstream out(path, std::ios::binary);
  if (!out) die("cannot write " + path);
  out << text;
}

}  // namespace

int main(int argc, char** argv) {
  std::string spec, cpp, sv, md;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--spec") spec = argv[i + 1];
    else if (k == "--cpp") cpp = argv[i + 1];
    else if (k == "--sv") sv = argv[i + 1];
    else if (k == "--md") md = argv[i + 1];
    else die("unknown option " + k);
  }
  if (spec.empty()) die("usage: isagen --spec isa.toml [--cpp out.hpp] [--sv out.sv] [--md out.md]");
  const Spec s = parse(spec);
  if (!cpp.empty()) write_if_changed(cpp, gen_cpp(s));
  if (!sv.empty()) write_if_changed(sv, gen_sv(s));
  if (!md.empty()) write_if_changed(md, gen_md(s));
  return 0;
}
