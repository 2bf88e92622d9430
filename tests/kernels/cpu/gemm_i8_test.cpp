// Bit-exactness of every int8 GEMM variant this CPU runs against the reference
// (ref::gemm_i8 + ref::requant_i8) on many shapes, zero points and requant settings,
// plus the int32 output modes and the vectorized requantization row on edge values.
#include "kernels/cpu/gemm_i8.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "arch/requant.hpp"
#include "kernels/reference.hpp"

namespace systole::cpu {
namespace {

struct RequantData {
  std::vector<int32_t> bias, mult;
  std::vector<uint32_t> shift;
  Requant rq(int32_t zp = 3, int32_t lo = -128, int32_t hi = 127) const {
    return Requant{bias.data(), mult.data(), shift.data(), zp, lo, hi};
  }
};

// Realistic per-channel scales (so outputs spread over the int8 range) with a few extreme
// channels: shift 0, huge shifts, negative multipliers.
RequantData random_requant(int N, int K, std::mt19937& rng) {
  RequantData d;
  std::uniform_int_distribution<int32_t> bias(-20000, 20000), mult(1 << 29, INT32_MAX);
  std::uniform_int_distribution<int> extra(0, 3);
  for (int n = 0; n < N; ++n) {
    d.bias.push_back(bias(rng));
    d.mult.push_back(mult(rng));
    // acc ~ sqrt(K) * 128 * 128: shift so that the output lands around +-100.
    d.shift.push_back(31 + 7 + uint32_t(extra(rng)) + (K > 64 ? 3 : 0));
  }
  if (N > 2) {
    d.shift[0] = 0;      // saturating path
    d.mult[1] = -d.mult[1];
    d.shift[N - 1] = 70;  // > 63 acts as 63
  }
  return d;
}

std::vector<int8_t> random_i8(size_t n, std::mt19937& rng) {
  std::uniform_int_distribution<int> d(-128, 127);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = int8_t(d(rng));
  return v;
}

std::vector<int8_t> reference_requant(const std::vector<int8_t>& A, const std::vector<int8_t>& B, int M, int N, int K,
                                      int32_t zp, const Requant& rq) {
  std::vector<int32_t> acc(size_t(M) * N);
  ref::gemm_i8(A.data(), B.data(), acc.data(), M, N, K, zp);
  std::vector<int8_t> out(acc.size());
  ref::requant_i8(acc.data(), out.data(), M, N, rq);
  return out;
}

struct Shape {
  int M, N, K;
};

class GemmVariants : public ::testing::TestWithParam<Isa> {};

TEST_P(GemmVariants, RequantBitExactManyShapes) {
  const Isa isa = GetParam();
  std::mt19937 rng(1234);
  const std::vector<Shape> shapes = {{1, 1, 1},    {1, 7, 3},    {7, 1, 5},    {2, 3, 4},     {6, 64, 4},
                                     {13, 17, 19}, {31, 37, 41}, {5, 65, 9},   {97, 129, 67}, {64, 64, 64},
                                     {100, 3, 300}, {7, 200, 1}, {130, 70, 257}, {1, 300, 33}, {193, 61, 11}};
  for (const Shape& s : shapes)
    for (int32_t zp : {0, -128, 127, 5}) {
      const auto A = random_i8(size_t(s.M) * s.K, rng), B = random_i8(size_t(s.K) * s.N, rng);
      const RequantData rd = random_requant(s.N, s.K, rng);
      const Requant rq = rd.rq(-7, -100, 120);
      const auto want = reference_requant(A, B, s.M, s.N, s.K, zp, rq);
      if (want.size() >= 1000) {  // outputs must be informative, not clamped
        const std::set<int8_t> distinct(want.begin(), want.end());
        ASSERT_GE(distinct.size(), 50u) << "M=" << s.M << " N=" << s.N << " K=" << s.K;
      }
      for (int threads : {1, 2, 3}) {
        std::vector<int8_t> got(want.size(), 0x55);
        gemm_i8_requant(A.data(), B.data(), got.data(), s.M, s.N, s.K, zp, rq, threads, isa);
        ASSERT_EQ(got, want) << isa_name(isa) << " M=" << s.M << " N=" << s.N << " K=" << s.K << " zp=" << zp
                             << " threads=" << threads;
      }
    }
}

// Huge biases: acc + bias can leave int32, so the epilogue must saturate (no bias folding).
TEST_P(GemmVariants, RequantSaturatingBiasPath) {
  const Isa isa = GetParam();
  std::mt19937 rng(4321);
  for (const Shape& s : std::vector<Shape>{{13, 70, 33}, {64, 128, 256}}) {
    const auto A = random_i8(size_t(s.M) * s.K, rng), B = random_i8(size_t(s.K) * s.N, rng);
    RequantData rd = random_requant(s.N, s.K, rng);
    for (int n = 0; n < s.N; ++n) rd.bias[n] = (n % 3 == 0) ? INT32_MAX - n : (n % 3 == 1 ? INT32_MIN + n : rd.bias[n]);
    for (int n = 0; n < s.N; ++n) rd.shift[n] = 24;  // keep the saturated sums distinguishable
    const Requant rq = rd.rq(1, -128, 127);
    const auto want = reference_requant(A, B, s.M, s.N, s.K, 4, rq);
    std::vector<int8_t> got(want.size());
    gemm_i8_requant(A.data(), B.data(), got.data(), s.M, s.N, s.K, 4, rq, 2, isa);
    ASSERT_EQ(got, want) << isa_name(isa) << " M=" << s.M;
  }
}

TEST_P(GemmVariants, Int32OutputsStridedAndWrapping) {
  const Isa isa = GetParam();
  std::mt19937 rng(99);
  // K large enough with extreme values that int32 wraps: 128*128*K > 2^31 for K >= 2^17.
  for (const Shape& s : std::vector<Shape>{{3, 5, 7}, {9, 70, 131}, {2, 3, (1 << 17) + 3}}) {
    std::vector<int8_t> A(size_t(s.M) * (s.K + 5)), B(size_t(s.K) * s.N);
    if (s.K > 1000) {
      std::fill(A.begin(), A.end(), int8_t(-128));
      std::fill(B.begin(), B.end(), int8_t(-128));
    } else {
      A = random_i8(A.size(), rng);
      B = random_i8(B.size(), rng);
    }
    const int lda = s.K + 5, ldc = s.N + 3;  // strided A and C
    std::vector<int8_t> Ad(size_t(s.M) * s.K);
    for (int m = 0; m < s.M; ++m)
      for (int k = 0; k < s.K; ++k) Ad[size_t(m) * s.K + k] = A[size_t(m) * lda + k];
    const int32_t zp = 127;
    std::vector<int32_t> want(size_t(s.M) * s.N);
    ref::gemm_i8(Ad.data(), B.data(), want.data(), s.M, s.N, s.K, zp);
    const PackedB pb = pack_b(B.data(), s.K, s.N, isa);
    GemmArgs g;
    g.M = s.M;
    g.A = A.data();
    g.lda = lda;
    g.a_zero_point = zp;
    g.B = &pb;
    g.ldc = ldc;
    std::vector<int32_t> c(size_t(s.M) * ldc, 0);
    g.c_i32 = c.data();
    g.out = GemmOut::kStoreI32;
    gemm_i8(g);
    g.out = GemmOut::kAccumulateI32;  // adding the same product again doubles it, wrapping
    g.threads = 2;
    gemm_i8(g);
    for (int m = 0; m < s.M; ++m)
      for (int n = 0; n < s.N; ++n)
        ASSERT_EQ(c[size_t(m) * ldc + n], int32_t(2u * uint32_t(want[size_t(m) * s.N + n])))
            << isa_name(isa) << " m=" << m << " n=" << n << " K=" << s.K;
  }
}

TEST_P(GemmVariants, TransposedPackingAndEmptyK) {
  const Isa isa = GetParam();
  std::mt19937 rng(7);
  const int M = 11, N = 23, K = 29;
  const auto A = random_i8(size_t(M) * K, rng), Bt = random_i8(size_t(N) * K, rng);  // Bt[n][k]
  std::vector<int8_t> B(size_t(K) * N);
  for (int k = 0; k < K; ++k)
    for (int n = 0; n < N; ++n) B[size_t(k) * N + n] = Bt[size_t(n) * K + k];
  const RequantData rd = random_requant(N, K, rng);
  const auto want = reference_requant(A, B, M, N, K, -3, rd.rq());
  const PackedB pb = pack_b(Bt.data(), K, N, 1, K, isa);
  std::vector<int8_t> got(want.size());
  GemmArgs g;
  g.M = M, g.A = A.data(), g.lda = K, g.a_zero_point = -3, g.B = &pb;
  g.c_i8 = got.data(), g.ldc = N, g.rq = rd.rq();
  gemm_i8(g);
  EXPECT_EQ(got, want);

  const PackedB empty = pack_b(B.data(), 0, N, isa);  // K = 0: requantize(0, bias, ...)
  g.B = &empty;
  gemm_i8(g);
  for (int n = 0; n < N; ++n) EXPECT_EQ(got[n], requantize(0, rd.bias[n], rd.mult[n], rd.shift[n], 3, -128, 127));
}

TEST_P(GemmVariants, RequantRowEdgeValues) {
  const Isa isa = GetParam();
  std::mt19937 rng(5);
  std::vector<int32_t> acc, bias, mult;
  std::vector<uint32_t> shift;
  const int32_t edge[] = {INT32_MIN, INT32_MIN + 1, -65536, -3, -1, 0, 1, 2, 3, 5, 65535, INT32_MAX - 1, INT32_MAX};
  const uint32_t shifts[] = {0, 1, 2, 3, 15, 31, 32, 33, 62, 63, 64, 200};
  for (int32_t a : edge)
    for (int32_t b : {INT32_MIN, -7, 0, 1, INT32_MAX})
      for (int32_t mu : {INT32_MIN, -1, 1, 3, 1 << 30, INT32_MAX})
        for (uint32_t s : shifts) acc.push_back(a), bias.push_back(b), mult.push_back(mu), shift.push_back(s);
  std::uniform_int_distribution<int32_t> any(INT32_MIN, INT32_MAX);
  std::uniform_int_distribution<uint32_t> sh(0, 70);
  for (int i = 0; i < 5003; ++i) acc.push_back(any(rng)), bias.push_back(any(rng) >> 8), mult.push_back(any(rng)), shift.push_back(sh(rng));
  for (auto [zp, lo, hi] : {std::tuple{0, -128, 127}, {-128, -128, 127}, {100, -5, 60}, {INT32_MAX, -128, 127},
                            {INT32_MIN, -128, 127}, {3, 50, 10}}) {
    const Requant rq{bias.data(), mult.data(), shift.data(), zp, lo, hi};
    std::vector<int8_t> got(acc.size()), want(acc.size());
    requant_row(isa, acc.data(), got.data(), int(acc.size()), rq, 0);
    ref::requant_i8(acc.data(), want.data(), 1, int(acc.size()), rq);
    ASSERT_EQ(got, want) << isa_name(isa) << " zp=" << zp;
  }
}

INSTANTIATE_TEST_SUITE_P(Supported, GemmVariants, ::testing::ValuesIn(supported_isas()),
                         [](const ::testing::TestParamInfo<Isa>& i) { return std::string(isa_name(i.param)); });

TEST(CpuFeatures, BestIsSupported) {
  EXPECT_TRUE(isa_supported(best_isa()));
  EXPECT_TRUE(isa_supported(Isa::kPortable));
  Isa parsed;
  EXPECT_TRUE(isa_from_name("avx2", &parsed));
  EXPECT_EQ(parsed, Isa::kAvx2);
  EXPECT_FALSE(isa_from_name("sse9", &parsed));
}

}  // namespace
}  // namespace systole::cpu
