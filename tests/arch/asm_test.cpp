// Assembler / disassembler: text round trips exactly, errors name line, field and reason.
#include <gtest/gtest.h>

#include <random>

#include "arch/error.hpp"
#include "arch/isa.hpp"

using namespace systole::isa;

TEST(Asm, RandomInstructionsRoundTripThroughText) {
  std::mt19937_64 rng(7);
  std::vector<Insn> prog;
  for (int n = 0; n < 3000; ++n) {
    const OpcodeInfo& op = kOpcodes[rng() % kNumOpcodes];
    Insn w;
    set_bits(w, 0, kOpcodeBits, uint32_t(op.opcode));
    for (uint32_t i = 1; i < op.num_fields; ++i) {
      const FieldInfo& f = op.fields[i];
      uint64_t r = rng() & low_mask(f.bits);
      if (rng() % 3 == 0) r = uint64_t(f.default_value) & low_mask(f.bits);
      set_bits(w, f.lsb, f.bits, r);
    }
    prog.push_back(w);
  }
  const std::string text = disassemble(prog);
  EXPECT_EQ(assemble(text), prog);
}

TEST(Asm, ReadsEnumsHexCommentsAndDefaults) {
  const auto prog = assemble(
      "# copy a block\n"
      "LOAD target=acc sram_addr=3 dram_addr=0x100 y_size=2 x_size=4 pad_value=-5 push_next=1  # tail\n"
      "\n"
      "matmul rows=16 pop_prev=1\n");
  ASSERT_EQ(prog.size(), 2u);
  const LoadInsn l = unpack_load(prog[0]);
  EXPECT_EQ(l.target, uint32_t(Target::Acc));
  EXPECT_EQ(l.dram_addr, 0x100u);
  EXPECT_EQ(l.pad_value, -5);
  EXPECT_EQ(l.push_next, 1u);
  const MatmulInsn m = unpack_matmul(prog[1]);
  EXPECT_EQ(m.rows, 16u);
  EXPECT_EQ(m.outer, 1u);     // spec default
  EXPECT_EQ(m.a_stride, 1u);  // spec default
  EXPECT_EQ(disassemble(prog[1]), "MATMUL pop_prev=1 rows=16");
}

namespace {
std::string error_of(const std::string& text) {
  try {
    assemble(text, "t.s");
  } catch (const systole::Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(Asm, ErrorsNameLineFieldAndReason) {
  EXPECT_NE(error_of("\nFROB x=1").find("t.s:2: unknown opcode 'FROB'"), std::string::npos);
  EXPECT_NE(error_of("LOAD rowz=1").find("no field 'rowz'"), std::string::npos);
  EXPECT_NE(error_of("LOAD y_pad_before=16").find("y_pad_before = 16 does not fit its 4-bit field"), std::string::npos);
  EXPECT_NE(error_of("STORE raw=abc").find("'abc' is not a number"), std::string::npos);
  EXPECT_NE(error_of("STORE raw=1 raw=0").find("given twice"), std::string::npos);
  EXPECT_NE(error_of("LOAD target=dram").find("not a number or enum name"), std::string::npos);
}

TEST(Asm, IllegalOpcodeAndSpareBitsStayVisible) {
  Insn bad;
  set_bits(bad, 0, kOpcodeBits, 15);
  const std::string t = disassemble(bad);
  EXPECT_NE(t.find("illegal opcode 15"), std::string::npos);
  EXPECT_EQ(assemble(t), std::vector<Insn>{bad});
  Insn spare = pack(LoadInsn{});
  set_bits(spare, 127, 1, 1);
  EXPECT_NE(disassemble(spare).find("spare"), std::string::npos);
  EXPECT_EQ(assemble(disassemble(spare)), std::vector<Insn>{spare});
  EXPECT_THROW(opcode_info(bad), systole::Error);
}
