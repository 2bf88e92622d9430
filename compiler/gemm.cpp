// GEMM lowering: constant tensors in the accelerator's layout, then three instruction
// streams (load / execute / store) over a sequence of steps, synchronized by tokens.
//
// A step computes one K chunk of one output tile: LOAD its A block (tm rows x tk, one LOAD
// per DIM-wide K block) and B block (tk x tn, one LOAD per DIM-wide column block), then one
// MATMUL per (column block, K block) streaming the tile's rows. After a tile's last step its
// rows are STOREd through the output path. A and B blocks and accumulator tiles are each
// double-buffered; an operand identical to the previous step's is not reloaded.
//
// Token protocol (each pop is matched by an earlier push, emitted in that order):
//   load  step s   pops execute->load   (step s-2 finished with its buffers), s >= 2
//                  pushes load->execute (step s's data is in)
//   exec  step s   pops load->execute; at a tile's first step, t >= 2, pops store->execute
//                  (tile t-2's accumulator buffer has been stored); pushes execute->load
//                  when a step s+2 exists; pushes execute->store at the tile's last step
//   store tile t   pops execute->store; pushes store->execute when a tile t+2 exists
// Program order: L(0), then per step s: L(s+1), E(s), S(t) when s ends tile t. Every pop is
// therefore preceded by its push, and in-order fetch with bounded queues cannot deadlock
// (the oldest unfinished instruction always has its tokens).
//
// Output-path parameters stay resident in the accumulator; when those of all N columns do not
// fit, N is split into chunks of whole tiles and between chunks the last STORE pushes
// store->execute, a token-only MATMUL relays it to execute->load, and the next chunk's
// parameter LOAD pops it: the parameters are overwritten only after every STORE read them.
//
// Operand buffers flip only when a new block is loaded. Loading step s+1's block into the
// buffer not used by step s is safe because that buffer's last reader ran at step <= s-1,
// which the load waited for.
#include "compiler/gemm.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "arch/error.hpp"
#include "arch/isa.hpp"
#include "arch/requant.hpp"
#include "compiler/gemm_layout.hpp"

namespace systole::compiler {

namespace {

bool is_int8(int32_t v) { return v >= -128 && v <= 127; }

void check_layer(const GemmLayer& l) {
  if (l.m == 0 || l.n == 0 || l.k == 0) throw Error(fmt::format("gemm: shape {}x{}x{} has a zero dimension", l.m, l.n, l.k));
  if (l.weights.size() != uint64_t(l.k) * l.n)
    throw Error(fmt::format("gemm: weights has {} elements, expected K*N = {}", l.weights.size(), uint64_t(l.k) * l.n));
  if (l.bias.size() != l.n) throw Error(fmt::format("gemm: bias has {} elements, expected N = {}", l.bias.size(), l.n));
  if (l.mult.size() != l.n) throw Error(fmt::format("gemm: mult has {} elements, expected N = {}", l.mult.size(), l.n));
  if (l.shift.size() != l.n) throw Error(fmt::format("gemm: shift has {} elements, expected N = {}", l.shift.size(), l.n));
  if (!is_int8(l.a_zero_point)) throw Error(fmt::format("gemm: a_zero_point {} is not int8", l.a_zero_point));
  if (!is_int8(l.out_zero_point)) throw Error(fmt::format("gemm: out_zero_point {} is not int8", l.out_zero_point));
  if (!is_int8(l.clamp_lo) || !is_int8(l.clamp_hi) || l.clamp_lo > l.clamp_hi)
    throw Error(fmt::format("gemm: clamp [{}, {}] is not an int8 range with lo <= hi", l.clamp_lo, l.clamp_hi));
  // LOAD/STORE dram_stride is 20 bits: A rows are K bytes apart, C rows N bytes apart.
  constexpr uint32_t kMaxStride = (1u << isa::kLoadDramStrideBits) - 1;
  if (l.k > kMaxStride) throw Error(fmt::format("gemm: K = {} exceeds the largest DMA row stride {}", l.k, kMaxStride));
  if (l.n > kMaxStride) throw Error(fmt::format("gemm: N = {} exceeds the largest DMA row stride {}", l.n, kMaxStride));
}

// B as [column block nb][k][DIM]: a K chunk of one column block is tk consecutive rows, one
// LOAD. Columns beyond N are zero so padded output columns compute zeros.
std::vector<uint8_t> weight_blocks(const GemmLayer& l, uint32_t dim) {
  const uint64_t nb_count = ceil_div(l.n, dim);
  std::vector<uint8_t> out(nb_count * l.k * dim, 0);
  for (uint64_t k = 0; k < l.k; ++k)
    for (uint64_t n = 0; n < l.n; ++n) out[((n / dim) * l.k + k) * dim + n % dim] = uint8_t(l.weights[k * l.n + n]);
  return out;
}

// Parameter rows, 3 per column block: bias with the input zero point folded in, multiplier,
// and the packed {shift, zero point, clamp}. The array computes sum A*B without zpA, so
//   sum (A - zpA) B + bias = sum A B + (bias - zpA * sum_k B[k][n]).
// The folded bias is computed exactly and saturated to int32: bit-exact with the reference
// whenever it fits (docs/numerics.md); when it does not, saturating keeps the result on the
// right side, where wrapping would flip its sign.
std::vector<uint8_t> param_rows(const GemmLayer& l, uint32_t dim) {
  const uint64_t nb_count = ceil_div(l.n, dim);
  std::vector<uint8_t> out(nb_count * isa::kParamRows * dim * 4, 0);
  auto put = [&](uint64_t nb, uint32_t row, uint32_t col, uint32_t v) {
    uint8_t* p = &out[((nb * isa::kParamRows + row) * dim + col) * 4];
    for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (8 * i));
  };
  for (uint64_t n = 0; n < l.n; ++n) {
    int64_t colsum = 0;  // |colsum| <= 128 * 2^20 (K is below 2^20)
    for (uint64_t k = 0; k < l.k; ++k) colsum += l.weights[k * l.n + n];
    const uint32_t bias = uint32_t(sat32(int64_t(l.bias[n]) - int64_t(l.a_zero_point) * colsum));
    isa::ParamWord w;
    w.shift = std::min<uint32_t>(l.shift[n], 63);  // the hardware treats > 63 as 63; keep the field canonical
    w.zero_point = l.out_zero_point;
    w.clamp_lo = l.clamp_lo;
    w.clamp_hi = l.clamp_hi;
    put(n / dim, isa::kParamBiasRow, n % dim, bias);
    put(n / dim, isa::kParamMultRow, n % dim, uint32_t(l.mult[n]));
    put(n / dim, isa::kParamWordRow, n % dim, isa::pack_param(w));
  }
  return out;
}

struct Step {
  uint32_t m0, mt;   // output rows
  uint32_t n0, nt;   // output columns (absolute)
  uint32_t k0, kc;   // K chunk
  uint32_t tile;     // tile index within the chunk
  bool first, last;  // first / last K chunk of the tile
  bool load_a, load_b;
  uint32_t abuf, bbuf, accbuf;
};

class GemmEmitter {
 public:
  GemmEmitter(ProgramBuilder& b, const GemmLayer& l, const GemmLayout& L, uint32_t a_off, uint32_t c_off,
              uint32_t w_off, uint32_t p_off)
      : b_(b), l_(l), L_(L), dim_(b.config().dim), a_off_(a_off), c_off_(c_off), w_off_(w_off), p_off_(p_off) {}

  void run(LoopOrder order) {
    const uint32_t n_pad = uint32_t(round_up(l_.n, dim_));
    const uint32_t chunks = uint32_t(ceil_div(n_pad, L_.chunk_cols));
    for (uint32_t c = 0; c < chunks; ++c) {
      const uint32_t cn0 = c * L_.chunk_cols, cn1 = std::min(l_.n, cn0 + L_.chunk_cols);
      const bool barrier_after = c + 1 < chunks;
      plan_steps(order, cn0, cn1);
      emit_params(c > 0, cn0, cn1);
      emit_chunk(cn0, barrier_after);
      if (barrier_after) {
        // Execute relays "every STORE of this chunk is done" to the load unit, which is about
        // to overwrite the parameter rows those STOREs read.
        isa::MatmulInsn nop;
        nop.pop_next = 1;
        nop.push_prev = 1;
        b_.emit(nop);
      }
    }
  }

 private:
  void plan_steps(LoopOrder order, uint32_t cn0, uint32_t cn1) {
    steps_.clear();
    const uint32_t m_tiles = uint32_t(ceil_div(l_.m, L_.tm));
    const uint32_t n_tiles = uint32_t(ceil_div(cn1 - cn0, L_.tn));
    const uint32_t k_chunks = uint32_t(ceil_div(l_.k, L_.tk));
    int64_t prev_a = -1, prev_b = -1;
    uint32_t abuf = 1, bbuf = 1, tile = 0;
    for (uint32_t outer = 0; outer < (order == LoopOrder::MN ? m_tiles : n_tiles); ++outer) {
      for (uint32_t inner = 0; inner < (order == LoopOrder::MN ? n_tiles : m_tiles); ++inner, ++tile) {
        const uint32_t mi = order == LoopOrder::MN ? outer : inner, ni = order == LoopOrder::MN ? inner : outer;
        for (uint32_t ki = 0; ki < k_chunks; ++ki) {
          Step s;
          s.m0 = mi * L_.tm;
          s.mt = std::min(L_.tm, l_.m - s.m0);
          s.n0 = cn0 + ni * L_.tn;
          s.nt = std::min(L_.tn, cn1 - s.n0);
          s.k0 = ki * L_.tk;
          s.kc = std::min(L_.tk, l_.k - s.k0);
          s.tile = tile;
          s.first = ki == 0;
          s.last = ki + 1 == k_chunks;
          const int64_t key_a = int64_t(mi) * k_chunks + ki, key_b = int64_t(ni) * k_chunks + ki;
          s.load_a = key_a != prev_a;
          s.load_b = key_b != prev_b;
          if (s.load_a) abuf ^= 1;
          if (s.load_b) bbuf ^= 1;
          prev_a = key_a;
          prev_b = key_b;
          s.abuf = abuf;
          s.bbuf = bbuf;
          s.accbuf = tile & 1;
          steps_.push_back(s);
        }
      }
    }
  }

  void emit_params(bool barrier, uint32_t cn0, uint32_t cn1) {
    isa::LoadInsn p;
    p.pop_next = barrier ? 1 : 0;
    p.target = uint32_t(isa::Target::Acc);
    p.sram_addr = L_.param_base;
    p.dram_addr = p_off_ + (cn0 / dim_) * isa::kParamRows * dim_ * 4;
    p.dram_stride = dim_ * 4;
    p.y_size = uint32_t(isa::kParamRows * ceil_div(cn1 - cn0, dim_));
    p.x_size = dim_;
    b_.emit(p);
  }

  void emit_chunk(uint32_t cn0, bool barrier_after) {
    const size_t S = steps_.size();
    const uint32_t T = steps_.back().tile + 1;
    emit_load(0);
    for (size_t s = 0; s < S; ++s) {
      if (s + 1 < S) emit_load(s + 1);
      emit_exec(s);
      if (steps_[s].last) emit_store(s, cn0, T, barrier_after);
    }
  }

  void emit_load(size_t si) {
    const Step& s = steps_[si];
    std::vector<isa::LoadInsn> v;
    const uint32_t kb = uint32_t(ceil_div(s.kc, dim_));
    if (s.load_a) {
      for (uint32_t j = 0; j < kb; ++j) {
        const uint32_t k0 = s.k0 + j * dim_;
        isa::LoadInsn x;
        x.target = uint32_t(isa::Target::Spad);
        x.sram_addr = L_.spad_a[s.abuf] + j * L_.tm;
        x.dram_addr = a_off_ + uint32_t(uint64_t(s.m0) * l_.k + k0);
        x.dram_stride = l_.k;
        x.y_size = s.mt;
        x.x_size = std::min(dim_, l_.k - k0);
        x.pad_value = l_.a_zero_point;  // meets zero weight rows only; zpA keeps the tile a true zero-padded input
        v.push_back(x);
      }
    }
    if (s.load_b) {
      for (uint32_t j = 0; j < ceil_div(s.nt, dim_); ++j) {
        isa::LoadInsn x;
        x.target = uint32_t(isa::Target::Spad);
        x.sram_addr = L_.spad_b[s.bbuf] + j * L_.tk;
        x.dram_addr = w_off_ + uint32_t((uint64_t(s.n0 / dim_ + j) * l_.k + s.k0) * dim_);
        x.dram_stride = dim_;
        x.y_size = s.kc;
        x.x_size = dim_;
        v.push_back(x);
      }
    }
    if (v.empty()) v.emplace_back();  // all sizes zero: a no-op that only carries tokens
    v.front().pop_next = si >= 2;
    v.back().push_next = 1;
    for (const auto& x : v) b_.emit(x);
  }

  void emit_exec(size_t si) {
    const Step& s = steps_[si];
    std::vector<isa::MatmulInsn> v;
    const uint32_t kb = uint32_t(ceil_div(s.kc, dim_)), nb = uint32_t(ceil_div(s.nt, dim_));
    for (uint32_t j = 0; j < nb; ++j) {
      for (uint32_t i = 0; i < kb; ++i) {
        isa::MatmulInsn x;
        x.a_addr = L_.spad_a[s.abuf] + i * L_.tm;
        x.w_addr = L_.spad_b[s.bbuf] + j * L_.tk + i * dim_;
        x.w_rows = std::min(dim_, s.kc - i * dim_);
        x.load_weights = 1;
        x.acc_addr = L_.acc_tile[s.accbuf] + j * L_.tm;
        x.rows = s.mt;
        x.accumulate = !(s.first && i == 0);
        v.push_back(x);
      }
    }
    v.front().pop_prev = 1;
    v.front().pop_next = s.first && s.tile >= 2;
    v.back().push_prev = si + 2 < steps_.size();
    v.back().push_next = s.last;
    for (const auto& x : v) b_.emit(x);
  }

  void emit_store(size_t si, uint32_t cn0, uint32_t tiles, bool barrier_after) {
    const Step& s = steps_[si];
    std::vector<isa::StoreInsn> v;
    for (uint32_t j = 0; j < ceil_div(s.nt, dim_); ++j) {
      const uint32_t n0 = s.n0 + j * dim_;
      isa::StoreInsn x;
      x.acc_addr = L_.acc_tile[s.accbuf] + j * L_.tm;
      x.dram_addr = c_off_ + uint32_t(uint64_t(s.m0) * l_.n + n0);
      x.dram_stride = l_.n;
      x.y_size = s.mt;
      x.x_size = std::min(dim_, l_.n - n0);
      x.param_addr = L_.param_base + isa::kParamRows * ((n0 - cn0) / dim_);
      v.push_back(x);
    }
    v.front().pop_prev = 1;
    v.back().push_prev = s.tile + 2 < tiles || (barrier_after && s.tile + 1 == tiles);
    for (const auto& x : v) b_.emit(x);
  }

  ProgramBuilder& b_;
  const GemmLayer& l_;
  const GemmLayout& L_;
  const uint32_t dim_;
  const uint32_t a_off_, c_off_, w_off_, p_off_;
  std::vector<Step> steps_;
};

void check_io(const driver::TensorDesc& t, uint64_t bytes, const char* what) {
  if (t.size < bytes)
    throw Error(fmt::format("gemm: {} tensor '{}' has {} bytes, the layer needs {}", what, t.name, t.size, bytes));
}

}  // namespace

GemmLowering lower_gemm(ProgramBuilder& b, const GemmLayer& layer, const std::string& a_name,
                        const std::string& c_name, const std::string& prefix, GemmTiling tiling) {
  const Config& cfg = b.config();
  check_layer(layer);
  const GemmShape shape{layer.m, layer.n, layer.k};
  if (tiling.tm == 0 && tiling.tn == 0 && tiling.tk == 0) tiling = choose_gemm_tiling(cfg, shape);
  const GemmLayout L = gemm_layout(cfg, shape, tiling);
  if (!L.fits) throw Error(fmt::format("gemm {}x{}x{} on config '{}': {}", layer.m, layer.n, layer.k, cfg.name, L.why));

  const driver::TensorDesc& a = b.tensor(a_name);
  check_io(a, uint64_t(layer.m) * layer.k, "input");
  const uint32_t a_off = a.offset;
  const driver::TensorDesc& c = b.tensor(c_name);
  check_io(c, uint64_t(layer.m) * layer.n, "output");
  const uint32_t c_off = c.offset;

  std::vector<uint8_t> w = weight_blocks(layer, cfg.dim);
  const uint32_t w_size = uint32_t(w.size());
  const uint32_t w_off = b.add_tensor(prefix + "weights", driver::TensorKind::Constant, "int8",
                                      {int64_t(ceil_div(layer.n, cfg.dim)), layer.k, cfg.dim}, w_size, std::move(w));
  std::vector<uint8_t> p = param_rows(layer, cfg.dim);
  const uint32_t p_size = uint32_t(p.size());
  const uint32_t p_off = b.add_tensor(prefix + "params", driver::TensorKind::Constant, "int32",
                                      {int64_t(ceil_div(layer.n, cfg.dim)), isa::kParamRows, cfg.dim}, p_size,
                                      std::move(p));

  GemmEmitter(b, layer, L, a_off, c_off, w_off, p_off).run(tiling.order);
  return {tiling, estimate_gemm(cfg, shape, tiling)};
}

driver::Program compile_gemm(const Config& cfg, const GemmLayer& layer, GemmLowering* info) {
  check_layer(layer);
  ProgramBuilder b(cfg);
  b.add_tensor("A", driver::TensorKind::Input, "int8", {layer.m, layer.k}, uint32_t(uint64_t(layer.m) * layer.k));
  b.add_tensor("C", driver::TensorKind::Output, "int8", {layer.m, layer.n}, uint32_t(uint64_t(layer.m) * layer.n));
  const GemmLowering low = lower_gemm(b, layer, "A", "C");
  if (info) *info = low;
  return b.finish();
}

}  // namespace systole::compiler
