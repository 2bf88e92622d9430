// Portable GEMM variant: a 4x16 tile in plain C++ (any CPU). Arithmetic is done in uint32 so
// int32 wrap-around is defined behaviour; the compiler vectorizes the j loop.
#include <algorithm>
#include <cstring>

#include "kernels/cpu/gemm_i8_variant.hpp"

namespace systole::cpu::detail {
namespace {

constexpr int kMr = 4, kNr = 16;

// A tile as int8 in [k][i] order: one column of the tile per k step.
void pack_a(const int8_t* A, ptrdiff_t lda, int rows, int K, int Kp, void* dst) {
  auto* d = static_cast<int8_t*>(dst);
  std::memset(d, 0, size_t(Kp) * kMr);
  for (int i = 0; i < rows; ++i)
    for (int k = 0; k < K; ++k) d[k * kMr + i] = A[i * lda + k];
}

// B panel as int8 in [k][j] order.
void pack_b_panel(const int8_t* B, ptrdiff_t sk, ptrdiff_t sn, int K, int Kp, int n0, int N, uint8_t* dst) {
  auto* d = reinterpret_cast<int8_t*>(dst);
  std::memset(d, 0, size_t(Kp) * kNr);
  const int cols = std::min(kNr, N - n0);
  for (int k = 0; k < K; ++k)
    for (int j = 0; j < cols; ++j) d[k * kNr + j] = B[k * sk + (n0 + j) * sn];
}

void kernel(const TileArgs& t) {
  const auto* a = static_cast<const int8_t*>(t.a);
  const auto* b = reinterpret_cast<const int8_t*>(t.b);
  uint32_t acc[kMr][kNr];
  for (int i = 0; i < kMr; ++i)
    for (int j = 0; j < kNr; ++j) acc[i][j] = uint32_t(t.col_init[j]);
  for (int k = 0; k < t.Kp; ++k)
    for (int i = 0; i < kMr; ++i) {
      const uint32_t ai = uint32_t(int32_t(a[k * kMr + i]));
      for (int j = 0; j < kNr; ++j) acc[i][j] += ai * uint32_t(int32_t(b[k * kNr + j]));
    }
  for (int i = 0; i < t.rows; ++i)
    for (int j = 0; j < kNr; ++j) t.tile[i * kNr + j] = int32_t(acc[i][j]);
}

}  // namespace

const GemmVariant& portable_variant() {
  static const GemmVariant v{Isa::kPortable, kMr, kNr, 1, 1, 1, 0, pack_a, nullptr, pack_b_panel, kernel, requant_row_scalar,
                             requant_tile_scalar};
  return v;
}

}  // namespace systole::cpu::detail
