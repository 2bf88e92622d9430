// validate_program: field limits, DMA footprints (incl. 32-bit wrap tricks), token rules.
#include "driver/validate.hpp"

#include <gtest/gtest.h>

#include "arch/error.hpp"
#include "arch/isa.hpp"

namespace systole::driver {
namespace {

using isa::Insn;

class DriverValidate : public ::testing::Test {
 protected:
  Config cfg = load_config("tiny");  // dim 4, 4096 scratchpad rows, 256 accumulator rows
  std::vector<Buffer> bufs = {{4096, 1024, "a", 1}, {8192, 256, "b", 2}, {8448, 64, "c", 3}};

  std::string error(const std::vector<Insn>& prog) {
    try {
      validate_program(prog, cfg, bufs);
    } catch (const Error& e) {
      return e.what();
    }
    return "<valid>";
  }
  static isa::LoadInsn load(uint32_t addr, uint32_t x, uint32_t y, uint32_t stride) {
    isa::LoadInsn l;
    l.dram_addr = addr;
    l.x_size = x;
    l.y_size = y;
    l.dram_stride = stride;
    return l;
  }
  static isa::StoreInsn store_raw(uint32_t addr, uint32_t x, uint32_t y, uint32_t stride) {
    isa::StoreInsn s;
    s.dram_addr = addr;
    s.x_size = x;
    s.y_size = y;
    s.dram_stride = stride;
    s.raw = 1;
    return s;
  }
};

#define EXPECT_HAS(str, sub) EXPECT_NE((str).find(sub), std::string::npos) << (str)

TEST_F(DriverValidate, AcceptsAPipelinedGemmTile) {
  isa::LoadInsn l = load(4096, 4, 8, 4);  // 4 weight rows + 4 activation rows
  l.push_next = 1;
  isa::MatmulInsn m;
  m.pop_prev = 1;
  m.push_next = 1;
  m.load_weights = 1;
  m.w_rows = 4;
  m.a_addr = 4;
  m.rows = 4;
  isa::StoreInsn s = store_raw(8192, 4, 4, 16);
  s.pop_prev = 1;
  EXPECT_EQ(error({isa::pack(l), isa::pack(m), isa::pack(s)}), "<valid>");
  EXPECT_EQ(error({}), "<valid>");
}

TEST_F(DriverValidate, MessageNamesIndexDisassemblyAndRule) {
  Insn bad;
  bad.lo = 7;  // opcode 7
  const std::string e = error({isa::pack(isa::LoadInsn{}), bad});
  EXPECT_EQ(e.rfind("instruction 1 (", 0), 0u) << e;
  EXPECT_HAS(e, "illegal opcode 7");
}

TEST_F(DriverValidate, RejectsReservedBits) {
  Insn w = isa::pack(isa::MatmulInsn{});
  w.hi |= uint64_t(1) << 63;
  EXPECT_HAS(error({w}), "reserved bit 127");
}

TEST_F(DriverValidate, FootprintUsesElementSize) {
  isa::LoadInsn l = load(4096, 3, 2, 100);
  l.target = uint32_t(isa::Target::Acc);
  DmaFootprint f = dma_footprint(isa::pack(l));
  EXPECT_EQ(f.row_bytes, 12u);
  EXPECT_EQ(f.end(), 4096u + 100 + 12);
  EXPECT_FALSE(f.is_write);
  isa::StoreInsn s = store_raw(8192, 3, 2, 4);
  EXPECT_EQ(dma_footprint(isa::pack(s)).row_bytes, 12u);
  s.raw = 0;
  EXPECT_EQ(dma_footprint(isa::pack(s)).row_bytes, 3u);
  EXPECT_TRUE(dma_footprint(isa::pack(s)).is_write);
  EXPECT_TRUE(dma_footprint(isa::pack(load(4096, 0, 5, 1))).empty());  // padding only
  EXPECT_TRUE(dma_footprint(isa::pack(isa::MatmulInsn{})).empty());
}

TEST_F(DriverValidate, RejectsDmaOutsideBuffers) {
  EXPECT_HAS(error({isa::pack(load(0, 4, 1, 4))}), "starts outside every allocated buffer");
  EXPECT_HAS(error({isa::pack(load(4096 + 1024, 4, 1, 4))}), "starts outside every allocated buffer");
  // Last row runs 4 bytes past the end of 'a'.
  const std::string e = error({isa::pack(load(4096, 4, 256, 4) /* 1024 bytes: fits */), isa::pack(load(4100, 4, 256, 4))});
  EXPECT_HAS(e, "instruction 1 (LOAD");
  EXPECT_HAS(e, "overruns buffer 'a'");
  EXPECT_HAS(e, "by 4 bytes");
  // Adjacent buffers b and c: an access crossing from one into the other is not one buffer.
  EXPECT_HAS(error({isa::pack(store_raw(8192 + 244, 4, 1, 0))}), "overruns buffer 'b'");
  // Accumulator LOAD rows are 4 bytes per element.
  isa::LoadInsn acc = load(8448, 4, 4, 16);
  acc.target = uint32_t(isa::Target::Acc);
  EXPECT_EQ(error({isa::pack(acc)}), "<valid>");
  acc.y_size = 5;
  EXPECT_HAS(error({isa::pack(acc)}), "overruns buffer 'c'");
}

TEST_F(DriverValidate, CatchesStrideTimesRowsWrapping32Bits) {
  cfg.spad_kib = cfg.acc_kib = 1024;  // room for 65536+ rows: only the DRAM footprint is wrong
  // (rows-1) * stride = 2^15 * 2^17 = 2^32: in 32-bit arithmetic the last row lands back on
  // dram_addr, inside the buffer. The footprint is computed in 64 bits.
  const uint32_t rows = (1u << 15) + 1, stride = 1u << 17;
  const std::string e = error({isa::pack(load(4096, 4, rows, stride))});
  EXPECT_HAS(e, "overruns buffer 'a'");
  EXPECT_HAS(e, "[0x1000, 0x100001004)");
  // Same trick on a STORE with the largest fields.
  EXPECT_HAS(error({isa::pack(store_raw(8192, 4, 0xffff, 0xfffff))}), "overruns buffer 'b'");
  // A first row near 4 GiB must not wrap to a small address either.
  EXPECT_HAS(error({isa::pack(load(0xffffffffu, 4, 1, 0))}), "starts outside every allocated buffer");
}

TEST_F(DriverValidate, ChecksOnChipRowsAndWidths) {
  const uint32_t spad = cfg.spad_rows(), acc = cfg.acc_rows();
  isa::LoadInsn l = load(0, 0, 2, 0);  // padding-only rows: no DRAM
  l.sram_addr = spad - 3;
  l.y_pad_after = 1;
  EXPECT_EQ(error({isa::pack(l)}), "<valid>");
  l.y_pad_before = 1;
  EXPECT_HAS(error({isa::pack(l)}), "exceed the scratchpad");
  l = load(0, 0, 1, 0);
  l.target = uint32_t(isa::Target::Acc);
  l.sram_addr = acc;
  EXPECT_HAS(error({isa::pack(l)}), "exceed the accumulator");
  EXPECT_HAS(error({isa::pack(load(4096, 5, 1, 0))}), "x_size 5 exceeds DIM 4");
  l = load(4096, 3, 1, 0);
  l.x_pad_before = 2;
  EXPECT_HAS(error({isa::pack(l)}), "x_pad_before + x_size = 5 exceeds DIM 4");

  isa::MatmulInsn m;
  m.rows = 1;
  m.outer = 3;
  m.a_outer_stride = 2000;  // last activation row 4000
  EXPECT_EQ(error({isa::pack(m)}), "<valid>");
  m.outer = 4;  // 6000
  EXPECT_HAS(error({isa::pack(m)}), "activation row 6000");
  m = isa::MatmulInsn{};
  m.rows = 2;
  m.a_stride = 255;
  m.a_addr = spad - 255;
  EXPECT_HAS(error({isa::pack(m)}), "exceeds the scratchpad");
  m = isa::MatmulInsn{};
  m.rows = 100;
  m.outer = 3;  // acc rows 0..299 > 256
  EXPECT_HAS(error({isa::pack(m)}), "result rows 0..299 exceed the accumulator");
  m = isa::MatmulInsn{};
  m.w_rows = 5;
  EXPECT_HAS(error({isa::pack(m)}), "w_rows 5 exceeds DIM 4");
  m.w_rows = 4;
  m.load_weights = 1;
  m.w_addr = spad - 2;
  EXPECT_HAS(error({isa::pack(m)}), "weight rows");

  isa::StoreInsn s = store_raw(8192, 4, 2, 16);
  s.acc_addr = acc - 1;
  EXPECT_HAS(error({isa::pack(s)}), "stored rows");
  s = store_raw(8192, 4, 1, 16);
  s.param_addr = acc - 2;  // ignored in raw mode
  EXPECT_EQ(error({isa::pack(s)}), "<valid>");
  s.raw = 0;
  EXPECT_HAS(error({isa::pack(s)}), "parameter rows");
  s = store_raw(8192, 5, 1, 0);
  EXPECT_HAS(error({isa::pack(s)}), "x_size 5 exceeds DIM 4");
}

TEST_F(DriverValidate, TokensOnlyBetweenNeighbours) {
  isa::LoadInsn l;
  l.pop_prev = 1;
  EXPECT_HAS(error({isa::pack(l)}), "pop_prev set, but the load unit has no previous unit");
  l = isa::LoadInsn{};
  l.push_prev = 1;
  EXPECT_HAS(error({isa::pack(l)}), "push_prev set");
  isa::StoreInsn s;
  s.push_next = 1;
  EXPECT_HAS(error({isa::pack(s)}), "push_next set, but the store unit has no next unit");
}

TEST_F(DriverValidate, PopBeforePushIsRejected) {
  isa::MatmulInsn m;
  m.pop_prev = 1;
  isa::LoadInsn l;
  l.push_next = 1;
  // The push exists, but only later in program order: the execute unit may wait forever.
  const std::string e = error({isa::pack(m), isa::pack(l)});
  EXPECT_HAS(e, "instruction 0 (MATMUL");
  EXPECT_HAS(e, "channel load->execute that no earlier instruction pushed");
  isa::StoreInsn s;
  s.pop_prev = 1;
  EXPECT_HAS(error({isa::pack(s)}), "exec");
}

TEST_F(DriverValidate, UnbalancedTokensAreRejected) {
  isa::MatmulInsn m;
  m.push_prev = 1;  // execute -> load, never popped
  const std::string e = error({isa::pack(isa::LoadInsn{}), isa::pack(m)});
  EXPECT_HAS(e, "1 unconsumed token(s) on channel execute->load");
  EXPECT_HAS(e, "instruction 1");
}

TEST_F(DriverValidate, AllFourChannelsBalance) {
  isa::LoadInsn l1, l2;
  l1.push_next = 1;
  isa::MatmulInsn m1, m2;
  m1.pop_prev = 1;
  m1.push_next = 1;
  m1.push_prev = 1;
  isa::StoreInsn s;
  s.pop_prev = 1;
  s.push_prev = 1;
  l2.pop_next = 1;
  m2.pop_next = 1;
  EXPECT_EQ(error({isa::pack(l1), isa::pack(m1), isa::pack(s), isa::pack(l2), isa::pack(m2)}), "<valid>");
}

TEST_F(DriverValidate, TokenQueueDepthIsRespected) {
  std::vector<Insn> prog;
  isa::LoadInsn l;
  l.push_next = 1;
  isa::MatmulInsn m;
  m.pop_prev = 1;
  for (uint32_t i = 0; i < cfg.token_depth; ++i) prog.push_back(isa::pack(l));
  for (uint32_t i = 0; i < cfg.token_depth; ++i) prog.push_back(isa::pack(m));
  EXPECT_EQ(error(prog), "<valid>");
  prog.insert(prog.begin(), isa::pack(l));
  prog.push_back(isa::pack(m));
  EXPECT_HAS(error(prog), "token_depth");
}

}  // namespace
}  // namespace systole::driver
