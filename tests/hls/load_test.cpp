// LOAD semantics through hls::run: padding rows and elements, strides, x_size = 0, the
// accumulator target (little-endian int32, sign-extended padding), the read-byte counter.
#include <gtest/gtest.h>

#include <random>

#include "hls_rig.hpp"

namespace systole::hls::testing {
namespace {

class LoadTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(LoadTest, ScratchpadPaddingAndStrideRoundTrip) {
  Rig rig(GetParam());
  const uint32_t D = rig.dim();
  std::mt19937 rng(7);
  std::vector<int8_t> src(4096);
  for (auto& v : src) v = int8_t(rng());
  rig.put_i8(kData, src);

  isa::LoadInsn x;
  x.sram_addr = 10, x.dram_addr = kData + 3, x.dram_stride = 37;
  x.y_pad_before = 2, x.y_size = 3, x.y_pad_after = 1;
  x.x_pad_before = 1, x.x_size = D - 2, x.pad_value = -5;
  rig.emit(x);
  const uint32_t rows = 2 + 3 + 1;
  rig.dump_spad(10, rows, kData + 0x8000, 100);
  const RunResult r = rig.run();
  ASSERT_EQ(r.error_code, 0u) << isa::error_code_name(r.error_code);

  for (uint32_t row = 0; row < rows; ++row) {
    for (uint32_t n = 0; n < D; ++n) {
      int32_t want = -5;
      const bool data_row = row >= 2 && row < 5;
      if (data_row && n >= 1 && n < 1 + (D - 2)) want = src[3 + (row - 2) * 37 + (n - 1)];
      EXPECT_EQ(rig.i32(kData + 0x8000 + (row * D + n) * 4), want) << "row " << row << " elem " << n;
    }
  }
  // The identity LOAD (D x D) plus the data rows: padding is not read from DRAM.
  EXPECT_EQ(rig.counter(r, isa::Counter::DramRdBytes), uint64_t(3 * (D - 2) + D * D));
}

TEST_P(LoadTest, XSizeZeroReadsNoDram) {
  Rig rig(GetParam());
  const uint32_t D = rig.dim();
  isa::LoadInsn x;
  x.sram_addr = 0, x.dram_addr = 0xfffffff0u, x.dram_stride = 0xfffff;  // never dereferenced
  x.y_size = 2, x.x_size = 0, x.x_pad_before = D, x.pad_value = 9;
  rig.emit(x);
  rig.dump_spad(0, 2, kData, 50);
  const RunResult r = rig.run();
  ASSERT_EQ(r.error_code, 0u) << isa::error_code_name(r.error_code);
  for (uint32_t i = 0; i < 2 * D; ++i) EXPECT_EQ(rig.i32(kData + i * 4), 9);
  EXPECT_EQ(rig.counter(r, isa::Counter::DramRdBytes), uint64_t(D * D));  // identity only
}

TEST_P(LoadTest, AllZeroSizesIsANoOp) {
  Rig rig(GetParam());
  isa::LoadInsn x;
  x.sram_addr = 0xffff, x.dram_addr = 0xffffffffu;  // out of range, but nothing is touched
  rig.emit(x);
  const RunResult r = rig.run();
  EXPECT_EQ(r.error_code, 0u) << isa::error_code_name(r.error_code);
  EXPECT_EQ(rig.counter(r, isa::Counter::Insns), 1u);
}

TEST_P(LoadTest, AccumulatorTargetLittleEndianAndSignExtendedPadding) {
  Rig rig(GetParam());
  const uint32_t D = rig.dim();
  std::vector<int32_t> src = {INT32_MIN, -1, 0x12345678, 7, -300, INT32_MAX, 42, -42};
  rig.put_i32(kData, src);

  isa::LoadInsn x;
  x.target = uint32_t(isa::Target::Acc), x.sram_addr = 5;
  x.dram_addr = kData, x.dram_stride = 8;  // rows start 2 elements apart
  x.y_pad_before = 1, x.y_size = 3, x.x_pad_before = 1, x.x_size = 2, x.pad_value = -128;
  rig.emit(x);
  rig.dump_acc(5, 4, kData + 0x1000);
  const RunResult r = rig.run();
  ASSERT_EQ(r.error_code, 0u) << isa::error_code_name(r.error_code);

  for (uint32_t row = 0; row < 4; ++row) {
    for (uint32_t n = 0; n < D; ++n) {
      int32_t want = -128;
      if (row >= 1 && n >= 1 && n < 3) want = src[(row - 1) * 2 + (n - 1)];
      EXPECT_EQ(rig.i32(kData + 0x1000 + (row * D + n) * 4), want) << "row " << row << " elem " << n;
    }
  }
  EXPECT_EQ(rig.counter(r, isa::Counter::DramRdBytes), uint64_t(3 * 2 * 4));
}

TEST_P(LoadTest, FullWidthRowsWithoutPadding) {
  Rig rig(GetParam());
  const uint32_t D = rig.dim();
  std::vector<int8_t> src(D * 4);
  for (uint32_t i = 0; i < src.size(); ++i) src[i] = int8_t(i * 13 - 100);
  rig.put_i8(kData, src);
  isa::LoadInsn x;
  x.sram_addr = 1, x.dram_addr = kData, x.dram_stride = D, x.y_size = 4, x.x_size = D;
  rig.emit(x);
  rig.dump_spad(1, 4, kData + 0x1000, 64);
  ASSERT_EQ(rig.run().error_code, 0u);
  for (uint32_t i = 0; i < D * 4; ++i) EXPECT_EQ(rig.i32(kData + 0x1000 + i * 4), src[i]);
}

INSTANTIATE_TEST_SUITE_P(Dims, LoadTest, ::testing::Values(4u, 16u),
                         [](const auto& info) { return "DIM" + std::to_string(info.param); });

}  // namespace
}  // namespace systole::hls::testing
