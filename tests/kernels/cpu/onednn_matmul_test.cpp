// The oneDNN baseline computes the same int32 accumulators as the reference (inputs chosen so
// nothing wraps: oneDNN does not promise wrap-around), for both source configurations.
#include "kernels/cpu/onednn_matmul.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "kernels/reference.hpp"

namespace systole::cpu::onednn {
namespace {

TEST(OnednnMatmul, MatchesReferenceAccumulators) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> i8(-128, 127);
  for (auto [M, N, K] : {std::tuple{1, 1, 1}, {7, 13, 29}, {64, 64, 64}, {33, 70, 130}}) {
    std::vector<int8_t> A(size_t(M) * K), B(size_t(K) * N);
    for (auto& v : A) v = int8_t(i8(rng));
    for (auto& v : B) v = int8_t(i8(rng));
    std::vector<int32_t> want(size_t(M) * N), got(want.size());
    MatmulConfig cfg;
    cfg.M = M, cfg.N = N, cfg.K = K;
    cfg.src = Src::kS8WithZeroPoint;
    Int8Matmul s8(cfg, B.data());
    ref::gemm_i8(A.data(), B.data(), want.data(), M, N, K, 5);
    s8.run(A.data(), got.data(), 5);
    EXPECT_EQ(got, want) << "s8+zp M=" << M << " N=" << N << " K=" << K;

    std::vector<uint8_t> Au(A.size());
    for (size_t i = 0; i < A.size(); ++i) Au[i] = uint8_t(A[i] + 128);  // u8 = s8 + 128, zero point 128
    ref::gemm_i8(A.data(), B.data(), want.data(), M, N, K, -128);  // (A+128) * B
    cfg.src = Src::kU8;
    Int8Matmul u8(cfg, B.data());
    u8.run(Au.data(), got.data());
    EXPECT_EQ(got, want) << "u8 M=" << M << " N=" << N << " K=" << K;
  }
  EXPECT_FALSE(version().empty());
}

}  // namespace
}  // namespace systole::cpu::onednn
