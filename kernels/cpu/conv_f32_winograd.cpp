// Winograd F(2x2, 3x3) (see conv_f32_winograd.hpp). With d a 4x4 input tile and g a 3x3
// kernel, the 2x2 output tile is  Y = A^T [ (G g G^T) .* (B^T d B) ] A, where
//   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],  G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1],
//   A^T = [1 1 1 0; 0 1 -1 -1].
// The channel sum of the 16 element-wise products is 16 independent GEMMs
// M[xi] (tiles x O) = V[xi] (tiles x C) * U[xi] (C x O), done with Eigen per chunk of tiles.
// GCC 12's AVX-512 headers build masked intrinsics on _mm512_undefined_*(), which its
// -Wmaybe-uninitialized misreports once inlined (a known false positive); silence it here only.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#define EIGEN_DONT_PARALLELIZE  // threads come from the chunk loop, not from inside Eigen
#include "kernels/cpu/conv_f32_winograd.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <stdexcept>
#include <vector>

namespace systole::cpu {
namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
constexpr int kTiles = 64;  // tiles per chunk: V and M of a chunk stay in L2 for typical C, O

// U[xi][c][o] = (G g G^T)[xi] for every (o, c).
std::vector<float> transform_weights(const WinogradShape& s, const float* w) {
  std::vector<float> U(size_t(16) * s.c * s.o);
  for (int o = 0; o < s.o; ++o)
    for (int c = 0; c < s.c; ++c) {
      float g[3][3], t[4][3];
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) g[i][j] = w[((size_t(o) * 3 + i) * 3 + j) * s.c + c];
      for (int j = 0; j < 3; ++j) {  // t = G g
        t[0][j] = g[0][j];
        t[1][j] = 0.5f * (g[0][j] + g[1][j] + g[2][j]);
        t[2][j] = 0.5f * (g[0][j] - g[1][j] + g[2][j]);
        t[3][j] = g[2][j];
      }
      for (int i = 0; i < 4; ++i) {  // (G g) G^T
        const float u[4] = {t[i][0], 0.5f * (t[i][0] + t[i][1] + t[i][2]), 0.5f * (t[i][0] - t[i][1] + t[i][2]), t[i][2]};
        for (int j = 0; j < 4; ++j) U[(size_t(i * 4 + j) * s.c + c) * s.o + o] = u[j];
      }
    }
  return U;
}

// V[xi][t][c] = (B^T d B)[xi] for the chunk's tiles; d is read with zero padding.
void transform_input(const WinogradShape& s, const float* x, int tile0, int tiles, float* V) {
  const int TH = (s.out_h() + 1) / 2, TW = (s.out_w() + 1) / 2;
  std::vector<float> d(size_t(16) * s.c);
  for (int t = 0; t < tiles; ++t) {
    const int tile = tile0 + t, n = tile / (TH * TW), th = tile / TW % TH, tw = tile % TW;
    for (int i = 0; i < 4; ++i)
      for (int j = 0; j < 4; ++j) {
        const int ih = th * 2 - s.pad_t + i, iw = tw * 2 - s.pad_l + j;
        float* dst = d.data() + size_t(i * 4 + j) * s.c;
        if (ih < 0 || ih >= s.h || iw < 0 || iw >= s.w) std::fill(dst, dst + s.c, 0.0f);
        else std::copy_n(x + ((size_t(n) * s.h + ih) * s.w + iw) * s.c, s.c, dst);
      }
    for (int c = 0; c < s.c; ++c) {
      float m[4][4], r[4][4];
      for (int j = 0; j < 4; ++j) {  // B^T d
        const float d0 = d[size_t(0 + j) * s.c + c], d1 = d[size_t(4 + j) * s.c + c];
        const float d2 = d[size_t(8 + j) * s.c + c], d3 = d[size_t(12 + j) * s.c + c];
        m[0][j] = d0 - d2, m[1][j] = d1 + d2, m[2][j] = d2 - d1, m[3][j] = d1 - d3;
      }
      for (int i = 0; i < 4; ++i)  // (B^T d) B
        r[i][0] = m[i][0] - m[i][2], r[i][1] = m[i][1] + m[i][2], r[i][2] = m[i][2] - m[i][1], r[i][3] = m[i][1] - m[i][3];
      for (int xi = 0; xi < 16; ++xi) V[(size_t(xi) * tiles + t) * s.c + c] = r[xi / 4][xi % 4];
    }
  }
}

// y tile = A^T M A (+ bias), writing only the outputs inside the image.
void transform_output(const WinogradShape& s, const float* M, const float* bias, int tile0, int tiles, float* y) {
  const int OH = s.out_h(), OW = s.out_w(), TH = (OH + 1) / 2, TW = (OW + 1) / 2;
  for (int t = 0; t < tiles; ++t) {
    const int tile = tile0 + t, n = tile / (TH * TW), th = tile / TW % TH, tw = tile % TW;
    for (int o = 0; o < s.o; ++o) {
      float m[4][4];
      for (int xi = 0; xi < 16; ++xi) m[xi / 4][xi % 4] = M[(size_t(xi) * tiles + t) * s.o + o];
      float a[2][4];
      for (int j = 0; j < 4; ++j) a[0][j] = m[0][j] + m[1][j] + m[2][j], a[1][j] = m[1][j] - m[2][j] - m[3][j];
      const float b = bias ? bias[o] : 0.0f;
      for (int i = 0; i < 2; ++i) {
        const float out[2] = {a[i][0] + a[i][1] + a[i][2] + b, a[i][1] - a[i][2] - a[i][3] + b};
        for (int j = 0; j < 2; ++j) {
          const int oh = th * 2 + i, ow = tw * 2 + j;
          if (oh < OH && ow < OW) y[((size_t(n) * OH + oh) * OW + ow) * s.o + o] = out[j];
        }
      }
    }
  }
}

}  // namespace

void conv2d_f32_winograd_2x2_3x3(const WinogradShape& s, const float* x, const float* w, const float* bias, float* y,
                                 int threads) {
  if (s.n < 1 || s.h < 1 || s.w < 1 || s.c < 1 || s.o < 1 || s.pad_t < 0 || s.pad_l < 0 || s.pad_b < 0 || s.pad_r < 0 ||
      s.out_h() < 1 || s.out_w() < 1)
    throw std::invalid_argument("conv2d_f32_winograd_2x2_3x3: impossible shape");
  const std::vector<float> U = transform_weights(s, w);
  const int tiles_total = s.n * ((s.out_h() + 1) / 2) * ((s.out_w() + 1) / 2);
  const int chunks = (tiles_total + kTiles - 1) / kTiles;
#pragma omp parallel num_threads(std::max(1, threads))
  {
    std::vector<float> V(size_t(16) * kTiles * s.c), M(size_t(16) * kTiles * s.o);
#pragma omp for schedule(dynamic)
    for (int ch = 0; ch < chunks; ++ch) {
      const int t0 = ch * kTiles, tiles = std::min(kTiles, tiles_total - t0);
      transform_input(s, x, t0, tiles, V.data());
      for (int xi = 0; xi < 16; ++xi) {
        Eigen::Map<const RowMat> v(V.data() + size_t(xi) * tiles * s.c, tiles, s.c);
        Eigen::Map<const RowMat> u(U.data() + size_t(xi) * s.c * s.o, s.c, s.o);
        Eigen::Map<RowMat> m(M.data() + size_t(xi) * tiles * s.o, tiles, s.o);
        m.noalias() = v * u;
      }
      transform_output(s, M.data(), bias, t0, tiles, y);
    }
  }
}

}  // namespace systole::cpu
