// Table-driven field access and the assembler / disassembler text form.
#include <fmt/format.h>

#include <cstring>
#include <sstream>

#include "arch/error.hpp"
#include "arch/isa.hpp"

namespace systole::isa {

const OpcodeInfo* find_opcode(uint32_t value) {
  for (const auto& op : kOpcodes)
    if (uint32_t(op.opcode) == value) return &op;
  return nullptr;
}

const OpcodeInfo* find_opcode(const std::string& name) {
  for (const auto& op : kOpcodes) {
    if (strcasecmp(op.name, name.c_str()) == 0) return &op;
  }
  return nullptr;
}

const OpcodeInfo& opcode_info(const Insn& w) {
  const OpcodeInfo* op = find_opcode(opcode_bits(w));
  if (!op) throw Error(fmt::format("illegal opcode {}", opcode_bits(w)));
  return *op;
}

const FieldInfo* find_field(const OpcodeInfo& op, const std::string& name) {
  for (uint32_t i = 0; i < op.num_fields; ++i)
    if (name == op.fields[i].name) return &op.fields[i];
  return nullptr;
}

int64_t get_field(const Insn& w, const FieldInfo& f) {
  const uint64_t v = get_bits(w, f.lsb, f.bits);
  return f.is_signed ? sign_extend(v, f.bits) : int64_t(v);
}

bool field_fits(const FieldInfo& f, int64_t v) {
  if (f.is_signed) return v >= -(int64_t(1) << (f.bits - 1)) && v < (int64_t(1) << (f.bits - 1));
  return v >= 0 && v < (int64_t(1) << f.bits);
}

void set_field(Insn& w, const FieldInfo& f, int64_t v, const char* opcode_name) {
  if (!field_fits(f, v)) {
    const int64_t lo = f.is_signed ? -(int64_t(1) << (f.bits - 1)) : 0;
    const int64_t hi = f.is_signed ? (int64_t(1) << (f.bits - 1)) - 1 : (int64_t(1) << f.bits) - 1;
    throw Error(fmt::format("{}{}{} = {} does not fit its {}-bit field (range {}..{})", opcode_name, *opcode_name ? "." : "",
                            f.name, v, f.bits, lo, hi));
  }
  set_bits(w, f.lsb, f.bits, uint64_t(v));
}

namespace {
template <class T>
Insn checked(const T& x, const char* opname) {
  if (const char* bad = first_unfit_field(x)) {
    const OpcodeInfo* op = find_opcode(opname);
    const FieldInfo* f = find_field(*op, bad);
    throw Error(fmt::format("{}.{} does not fit its {}-bit field", opname, bad, f->bits));
  }
  return pack(x);
}
}  // namespace

Insn pack_checked(const LoadInsn& x) { return checked(x, "LOAD"); }
Insn pack_checked(const MatmulInsn& x) { return checked(x, "MATMUL"); }
Insn pack_checked(const StoreInsn& x) { return checked(x, "STORE"); }

std::string disassemble(const Insn& w) {
  const OpcodeInfo* op = find_opcode(opcode_bits(w));
  if (!op) return fmt::format(".word 0x{:016x}{:016x}  # illegal opcode {}", w.hi, w.lo, opcode_bits(w));
  std::string out = op->name;
  for (uint32_t i = 1; i < op->num_fields; ++i) {
    const FieldInfo& f = op->fields[i];
    const int64_t v = get_field(w, f);
    if (v == f.default_value) continue;
    std::string text;
    for (uint32_t e = 0; e < f.num_enum_values; ++e)
      if (f.enum_values[e].value == v) text = f.enum_values[e].name;
    if (text.empty()) text = (f.bits >= 32 && v > 9) ? fmt::format("0x{:x}", v) : fmt::format("{}", v);
    out += fmt::format(" {}={}", f.name, text);
  }
  // Bits outside every field must be zero; show them if not, so nothing is hidden.
  Insn rebuilt;
  for (uint32_t i = 0; i < op->num_fields; ++i)
    set_bits(rebuilt, op->fields[i].lsb, op->fields[i].bits, get_bits(w, op->fields[i].lsb, op->fields[i].bits));
  if (rebuilt != w) out = fmt::format(".word 0x{:016x}{:016x}  # {} with nonzero spare bits", w.hi, w.lo, out);
  return out;
}

std::string disassemble(const std::vector<Insn>& prog) {
  std::string out;
  for (const Insn& w : prog) out += disassemble(w) + "\n";
  return out;
}

namespace {
int64_t parse_int(const std::string& s, bool& ok) {
  ok = false;
  if (s.empty()) return 0;
  try {
    size_t used = 0;
    const long long v = std::stoll(s, &used, 0);
    ok = used == s.size();
    return v;
  } catch (const std::exception&) {
    return 0;
  }
}
}  // namespace

std::vector<Insn> assemble(const std::string& text, const std::string& origin) {
  std::vector<Insn> prog;
  std::istringstream in(text);
  std::string line;
  for (int lineno = 1; std::getline(in, line); ++lineno) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream ls(line);
    std::string word;
    if (!(ls >> word)) continue;
    auto fail = [&](const std::string& msg) { throw Error(fmt::format("{}:{}: {}", origin, lineno, msg)); };
    if (word == ".word") {
      std::string hex;
      ls >> hex;
      if (hex.rfind("0x", 0) != 0 || hex.size() != 34) fail(".word takes 0x followed by 32 hex digits");
      Insn w;
      try {
        w.hi = std::stoull(hex.substr(2, 16), nullptr, 16);
        w.lo = std::stoull(hex.substr(18, 16), nullptr, 16);
      } catch (const std::exception&) {
        fail("bad hex in .word");
      }
      prog.push_back(w);
      continue;
    }
    const OpcodeInfo* op = find_opcode(word);
    if (!op) {
      std::string names;
      for (const auto& o : kOpcodes) names += std::string(names.empty() ? "" : ", ") + o.name;
      fail(fmt::format("unknown opcode '{}' (known: {})", word, names));
    }
    Insn w;
    set_bits(w, op->fields[0].lsb, op->fields[0].bits, uint32_t(op->opcode));
    for (uint32_t i = 1; i < op->num_fields; ++i) set_field(w, op->fields[i], op->fields[i].default_value, op->name);
    std::vector<std::string> seen;
    while (ls >> word) {
      const auto eq = word.find('=');
      if (eq == std::string::npos) fail(fmt::format("expected field=value, got '{}'", word));
      const std::string name = word.substr(0, eq), value = word.substr(eq + 1);
      const FieldInfo* f = find_field(*op, name);
      if (!f || name == "opcode") {
        std::string names;
        for (uint32_t i = 1; i < op->num_fields; ++i) names += std::string(i > 1 ? ", " : "") + op->fields[i].name;
        fail(fmt::format("{} has no field '{}' (fields: {})", op->name, name, names));
      }
      for (auto& s : seen)
        if (s == name) fail(fmt::format("field '{}' given twice", name));
      seen.push_back(name);
      bool ok = false;
      int64_t v = parse_int(value, ok);
      for (uint32_t e = 0; !ok && e < f->num_enum_values; ++e)
        if (value == f->enum_values[e].name) v = f->enum_values[e].value, ok = true;
      if (!ok) fail(fmt::format("{}.{}: '{}' is not a number{}", op->name, name, value, f->num_enum_values ? " or enum name" : ""));
      try {
        set_field(w, *f, v, op->name);
      } catch (const Error& e) {
        fail(e.what());
      }
    }
    prog.push_back(w);
  }
  return prog;
}

}  // namespace systole::isa
