// The int8 GEMM driver (see gemm_i8.hpp): B packing, the cache-blocked loop over register
// tiles, the epilogue modes and the OpenMP split. ISA-specific code is in gemm_i8_<isa>.cpp.
#include "kernels/cpu/gemm_i8.hpp"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "arch/requant.hpp"
#include "kernels/cpu/gemm_i8_variant.hpp"

namespace systole::cpu {
namespace detail {

const GemmVariant& variant_for(Isa isa) {
  switch (isa) {
    case Isa::kAvx512Vnni: return avx512_vnni_variant();
    case Isa::kAvx2: return avx2_variant();
    case Isa::kPortable: break;
  }
  return portable_variant();
}

void requant_row_scalar(const int32_t* acc, int8_t* out, int count, const Requant& rq, int n0) {
  for (int j = 0; j < count; ++j) {
    const int n = n0 + j;
    out[j] = requantize(acc[j], rq.bias[n], rq.mult[n], rq.shift[n], rq.zero_point, rq.clamp_lo, rq.clamp_hi);
  }
}

void requant_tile_scalar(const int32_t* acc, ptrdiff_t ld_acc, int rows, int count, int8_t* out, ptrdiff_t ldc,
                         const Requant& rq, int n0, bool bias_folded) {
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < count; ++j) {
      const int n = n0 + j;
      out[i * ldc + j] = requantize(acc[i * ld_acc + j], bias_folded ? 0 : rq.bias[n], rq.mult[n], rq.shift[n],
                                    rq.zero_point, rq.clamp_lo, rq.clamp_hi);
    }
}

}  // namespace detail

namespace {

using detail::GemmVariant;

// Rows of A packed at once and reused across every column panel: MC x K bytes stay in L2
// while one panel of B (K x NR) stays in L1 and meets all MC / MR row tiles.
constexpr int kMc = 96;

uint8_t* aligned_bytes(size_t n) {
  void* p = std::aligned_alloc(64, std::max<size_t>(64, (n + 63) / 64 * 64));
  if (!p) throw std::bad_alloc();
  return static_cast<uint8_t*>(p);
}

// Per-thread scratch for packed A, grown on demand and reused across calls (OpenMP threads
// persist, so this avoids an allocation and its page faults per call).
uint8_t* thread_scratch(size_t bytes) {
  thread_local std::vector<uint8_t> buf;
  if (buf.size() < bytes + 64) buf.resize(bytes + 64);
  const uintptr_t p = reinterpret_cast<uintptr_t>(buf.data());
  return reinterpret_cast<uint8_t*>((p + 63) & ~uintptr_t(63));
}

void check_supported(Isa isa) {
  if (!isa_supported(isa)) throw std::runtime_error(std::string("gemm_i8: ISA not supported here: ") + isa_name(isa));
}

// One thread's share: rows [m0, m1) x panels [p0, p1). col_init: per-column accumulator start.
void run_block(const GemmArgs& g, const GemmVariant& v, const int32_t* col_init, bool bias_folded, int m0, int m1,
               int p0, int p1) {
  const PackedB& B = *g.B;
  const int max_tiles = (kMc + v.mr - 1) / v.mr;
  const size_t a_tile_bytes = v.pack_a ? size_t(v.mr) * B.Kp * v.a_elem_bytes : 0;
  uint8_t* apack = thread_scratch(a_tile_bytes * max_tiles);
  alignas(64) int32_t tile[detail::kMaxMr * detail::kMaxNr];
  int32_t row_init[kMc];
  detail::TileArgs ta;
  ta.lda = g.lda;
  ta.K = B.K;
  ta.Kp = B.Kp;
  ta.tile = tile;
  ta.row_init = v.b_offset ? row_init : nullptr;
  for (int mb = m0; mb < m1; mb += kMc) {
    const int mbe = std::min(m1, mb + kMc);
    const int tiles = (mbe - mb + v.mr - 1) / v.mr;
    if (v.pack_a)
      for (int t = 0; t < tiles; ++t) {
        const int r0 = mb + t * v.mr;
        v.pack_a(g.A + r0 * g.lda, g.lda, std::min(v.mr, mbe - r0), B.K, B.Kp, apack + t * a_tile_bytes);
      }
    if (v.b_offset) {  // row term of the B' = B + b_offset correction
      v.row_sums(g.A + mb * g.lda, g.lda, mbe - mb, B.K, row_init);
      for (int i = 0; i < mbe - mb; ++i) row_init[i] = int32_t(0u - uint32_t(v.b_offset) * uint32_t(row_init[i]));
    }
    for (int p = p0; p < p1; ++p) {
      const int n0 = p * v.nr;
      const int ncols = std::min(v.nr, B.N - n0);
      ta.b = B.panel(p);
      ta.col_init = col_init + n0;
      for (int t = 0; t < tiles; ++t) {
        const int r0 = mb + t * v.mr;
        const int rows = std::min(v.mr, mbe - r0);
        ta.a = v.pack_a ? static_cast<const void*>(apack + t * a_tile_bytes) : g.A + r0 * g.lda;
        ta.rows = rows;
        if (v.b_offset) ta.row_init = row_init + (r0 - mb);
        v.kernel(ta);
        const ptrdiff_t c0 = r0 * g.ldc + n0;
        if (g.out == GemmOut::kRequantI8) {
          v.requant_tile(tile, v.nr, rows, ncols, g.c_i8 + c0, g.ldc, g.rq, n0, bias_folded);
          continue;
        }
        for (int i = 0; i < rows; ++i) {
          const int32_t* acc = tile + i * v.nr;
          int32_t* c = g.c_i32 + c0 + i * g.ldc;
          if (g.out == GemmOut::kStoreI32) {
            std::memcpy(c, acc, sizeof(int32_t) * ncols);
          } else {
            for (int j = 0; j < ncols; ++j) c[j] = int32_t(uint32_t(c[j]) + uint32_t(acc[j]));  // defined wrap
          }
        }
      }
    }
  }
}

}  // namespace

PackedB pack_b(const int8_t* B, int K, int N, ptrdiff_t stride_k, ptrdiff_t stride_n, Isa isa) {
  check_supported(isa);
  const GemmVariant& v = detail::variant_for(isa);
  PackedB pb;
  pb.isa = isa;
  pb.K = K;
  pb.N = N;
  pb.Kp = (K + v.kgroup - 1) / v.kgroup * v.kgroup;
  pb.panels = (N + v.nr - 1) / v.nr;
  pb.panel_bytes = size_t(pb.Kp) * v.nr * v.b_elem_bytes;
  pb.data = {aligned_bytes(pb.panel_bytes * std::max(pb.panels, 1)), std::free};
  pb.colsum.reset(new int32_t[size_t(std::max(pb.panels, 1)) * v.nr]());
  for (int p = 0; p < pb.panels; ++p)
    v.pack_b_panel(B, stride_k, stride_n, K, pb.Kp, p * v.nr, N, pb.data.get() + p * pb.panel_bytes);
  for (int n = 0; n < N; ++n) {
    uint32_t s = 0;
    for (int k = 0; k < K; ++k) s += uint32_t(int32_t(B[k * stride_k + n * stride_n]));
    pb.colsum[n] = int32_t(s);
  }
  return pb;
}

void gemm_i8(const GemmArgs& g) {
  if (!g.B) throw std::invalid_argument("gemm_i8: B is null");
  check_supported(g.B->isa);
  const GemmVariant& v = detail::variant_for(g.B->isa);
  const PackedB& B = *g.B;
  if (g.M <= 0 || B.N <= 0) return;
  if (B.K == 0) {  // empty sum: every accumulator is 0
    std::vector<int32_t> zero(size_t(B.N), 0);
    for (int m = 0; m < g.M; ++m) {
      const ptrdiff_t c = m * g.ldc;
      if (g.out == GemmOut::kRequantI8) v.requant_row(zero.data(), g.c_i8 + c, B.N, g.rq, 0);
      if (g.out == GemmOut::kStoreI32) std::memcpy(g.c_i32 + c, zero.data(), sizeof(int32_t) * B.N);
    }
    return;
  }
  // Column term of the exactness identity (gemm_i8_variant.hpp): -zp * colsum(B), so the zero
  // point costs nothing inside the K loop. Exact modulo 2^32, like the reference's accumulator.
  std::vector<int32_t> col_init(size_t(B.panels) * v.nr);
  for (size_t n = 0; n < col_init.size(); ++n)
    col_init[n] = int32_t(0u - uint32_t(g.a_zero_point) * uint32_t(B.colsum[n]));
  // Bias folding: when no accumulator can leave int32, however the inputs are chosen
  // (K * max|A - zp| * 128 + max|bias| < 2^31), acc + bias neither wraps nor saturates, so the
  // bias can start in the accumulators and the epilogue skips its saturating add. Exact.
  bool bias_folded = false;
  if (g.out == GemmOut::kRequantI8) {
    const int64_t max_a = std::max<int64_t>(std::abs(-128 - int64_t(g.a_zero_point)), std::abs(127 - int64_t(g.a_zero_point)));
    int64_t max_bias = 0;
    for (int n = 0; n < B.N; ++n) max_bias = std::max<int64_t>(max_bias, std::abs(int64_t(g.rq.bias[n])));
    bias_folded = int64_t(B.K) * max_a * 128 + max_bias <= INT32_MAX;
    if (bias_folded)
      for (int n = 0; n < B.N; ++n) col_init[n] = int32_t(uint32_t(col_init[n]) + uint32_t(g.rq.bias[n]));
  }
  const int32_t* pinit = col_init.data();

  const int threads = std::max(1, g.threads);
  const int mtiles = (g.M + v.mr - 1) / v.mr;
  if (threads == 1 || (mtiles == 1 && B.panels == 1)) {
    run_block(g, v, pinit, bias_folded, 0, g.M, 0, B.panels);
    return;
  }
  // Split the dimension that divides more evenly; ties go to M (each thread packs only its
  // own rows of A). Splitting N makes every thread pack all of A, which is O(MK), cheap.
  auto waste = [&](int units) { return double((units + threads - 1) / threads * threads) / units; };
  const bool split_m = waste(mtiles) <= waste(B.panels);
#pragma omp parallel num_threads(threads)
  {
#ifdef _OPENMP
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
#else
    const int t = 0, nt = 1;
#endif
    const int units = split_m ? mtiles : B.panels;
    const int u0 = int(int64_t(units) * t / nt), u1 = int(int64_t(units) * (t + 1) / nt);
    if (u0 < u1) {
      if (split_m) run_block(g, v, pinit, bias_folded, u0 * v.mr, std::min(g.M, u1 * v.mr), 0, B.panels);
      else run_block(g, v, pinit, bias_folded, 0, g.M, u0, u1);
    }
  }
}

void gemm_i8_requant(const int8_t* A, const int8_t* B, int8_t* C, int M, int N, int K, int32_t a_zero_point,
                     const Requant& rq, int threads, Isa isa) {
  const PackedB pb = pack_b(B, K, N, isa);
  GemmArgs g;
  g.M = M;
  g.A = A;
  g.lda = K;
  g.a_zero_point = a_zero_point;
  g.B = &pb;
  g.out = GemmOut::kRequantI8;
  g.c_i8 = C;
  g.ldc = N;
  g.rq = rq;
  g.threads = threads;
  gemm_i8(g);
}

void requant_row(Isa isa, const int32_t* acc, int8_t* out, int count, const Requant& rq, int n0) {
  check_supported(isa);
  detail::variant_for(isa).requant_row(acc, out, count, rq, n0);
}

}  // namespace systole::cpu
