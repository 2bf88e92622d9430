// ISA access beyond the generated typed structs: field access by table (for the assembler,
// the validator and random program generators) with range checks that throw, and the text
// form. Everything here reads the generated tables of arch/isa_gen.hpp.
#pragma once
#include <string>
#include <vector>

#include "arch/isa_gen.hpp"

namespace systole::isa {

// The opcode's table entry, or nullptr for an illegal opcode value.
const OpcodeInfo* find_opcode(uint32_t value);
const OpcodeInfo* find_opcode(const std::string& name);
// Table entry of a decoded instruction; throws systole::Error on an illegal opcode.
const OpcodeInfo& opcode_info(const Insn& w);
const FieldInfo* find_field(const OpcodeInfo& op, const std::string& name);

// Value of a field (sign-extended when the field is signed).
int64_t get_field(const Insn& w, const FieldInfo& f);
// Whether v is representable in the field.
bool field_fits(const FieldInfo& f, int64_t v);
// Sets a field; throws systole::Error naming the field when v does not fit.
void set_field(Insn& w, const FieldInfo& f, int64_t v, const char* opcode_name = "");

// Checked packing for code generators: throws systole::Error naming the first field whose
// value does not fit, instead of silently truncating it.
Insn pack_checked(const LoadInsn& x);
Insn pack_checked(const MatmulInsn& x);
Insn pack_checked(const StoreInsn& x);

// Text form: one instruction per line, `OPCODE field=value ...`; fields at their default
// are omitted; enum fields by name; '#' starts a comment.
std::string disassemble(const Insn& w);
std::string disassemble(const std::vector<Insn>& prog);
// Parses the text form; throws systole::Error with "origin:line: ..." on any problem.
std::vector<Insn> assemble(const std::string& text, const std::string& origin = "<asm>");

}  // namespace systole::isa
