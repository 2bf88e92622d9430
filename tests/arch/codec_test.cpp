// Codec round trips: every opcode, every field at its extremes, through the generated typed
// pack/unpack, the table-driven accessors and the DRAM byte image.
#include <gtest/gtest.h>

#include <random>

#include "arch/error.hpp"
#include "arch/isa.hpp"

using namespace systole::isa;

namespace {

std::vector<int64_t> extremes(const FieldInfo& f) {
  if (f.is_signed) return {-(int64_t(1) << (f.bits - 1)), -1, 0, 1, (int64_t(1) << (f.bits - 1)) - 1};
  return {0, 1, (int64_t(1) << f.bits) - 1};
}

template <class T, class Unpack>
void check_typed(const OpcodeInfo& op, Unpack unpack) {
  // Every field at every extreme, the others random: typed unpack(pack(x)) == x via table.
  std::mt19937_64 rng(42);
  for (uint32_t i = 1; i < op.num_fields; ++i)
    for (int64_t v : extremes(op.fields[i])) {
      Insn w;
      set_bits(w, 0, kOpcodeBits, uint32_t(op.opcode));
      for (uint32_t j = 1; j < op.num_fields; ++j) {
        const FieldInfo& f = op.fields[j];
        const int64_t r = int64_t(rng() & low_mask(f.bits));
        set_field(w, f, f.is_signed ? sign_extend(uint64_t(r), f.bits) : r);
      }
      set_field(w, op.fields[i], v);
      const T typed = unpack(w);
      EXPECT_EQ(pack(typed), w) << op.name << "." << op.fields[i].name << "=" << v;
      EXPECT_EQ(get_field(w, op.fields[i]), v);
      uint8_t bytes[kInsnBytes];
      insn_to_bytes(w, bytes);
      EXPECT_EQ(insn_from_bytes(bytes), w);
      EXPECT_EQ(opcode_bits(w), uint32_t(op.opcode));
    }
}

}  // namespace

TEST(Codec, EveryOpcodeEveryFieldExtreme) {
  ASSERT_EQ(kNumOpcodes, 3u);
  check_typed<LoadInsn>(*find_opcode("LOAD"), unpack_load);
  check_typed<MatmulInsn>(*find_opcode("MATMUL"), unpack_matmul);
  check_typed<StoreInsn>(*find_opcode("STORE"), unpack_store);
}

TEST(Codec, FieldsDoNotOverlapAndFitTheWord) {
  for (const auto& op : kOpcodes) {
    uint32_t next = 0;
    for (uint32_t i = 0; i < op.num_fields; ++i) {
      EXPECT_EQ(op.fields[i].lsb, next) << op.name << "." << op.fields[i].name;
      next += op.fields[i].bits;
    }
    EXPECT_LE(next, kInsnBits) << op.name;
  }
}

TEST(Codec, SetBitsAcrossTheWordBoundaryLeavesNeighboursAlone) {
  Insn w{~uint64_t(0), ~uint64_t(0)};
  set_bits(w, 57, 20, 0);  // straddles bit 64
  EXPECT_EQ(get_bits(w, 57, 20), 0u);
  EXPECT_EQ(get_bits(w, 0, 57), low_mask(57));
  EXPECT_EQ(get_bits(w, 77, 32), low_mask(32));
  set_bits(w, 57, 20, 0xABCDE);
  EXPECT_EQ(get_bits(w, 57, 20), 0xABCDEu);
}

TEST(Codec, CheckedPackRejectsOverflowNamingTheField) {
  LoadInsn x;
  x.y_pad_before = 16;  // 4-bit field
  try {
    pack_checked(x);
    FAIL() << "expected an error";
  } catch (const systole::Error& e) {
    EXPECT_NE(std::string(e.what()).find("y_pad_before"), std::string::npos) << e.what();
  }
  MatmulInsn m;
  m.rows = 65535;
  m.outer = 255;
  EXPECT_NO_THROW(pack_checked(m));
  StoreInsn s;
  s.x_size = 256;
  EXPECT_THROW(pack_checked(s), systole::Error);
  LoadInsn neg;
  neg.pad_value = -128;
  EXPECT_EQ(unpack_load(pack_checked(neg)).pad_value, -128);
  neg.pad_value = 128;
  EXPECT_THROW(pack_checked(neg), systole::Error);
}

TEST(Codec, ParamWordRoundTrip) {
  for (int32_t zp : {-128, -1, 0, 127})
    for (uint32_t shift : {0u, 31u, 63u, 255u}) {
      ParamWord p;
      p.shift = shift;
      p.zero_point = zp;
      p.clamp_lo = -128;
      p.clamp_hi = 127;
      const ParamWord q = unpack_param(pack_param(p));
      EXPECT_EQ(q.shift, shift);
      EXPECT_EQ(q.zero_point, zp);
      EXPECT_EQ(q.clamp_lo, -128);
      EXPECT_EQ(q.clamp_hi, 127);
    }
}

TEST(Codec, DependencyAccessorsReadTheirOwnBits) {
  MatmulInsn m;
  m.pop_next = 1;
  m.push_prev = 1;
  const Insn w = pack(m);
  EXPECT_FALSE(pop_prev(w));
  EXPECT_TRUE(pop_next(w));
  EXPECT_TRUE(push_prev(w));
  EXPECT_FALSE(push_next(w));
}
