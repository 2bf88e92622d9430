// Convolution lowering: constant tensors in the accelerator's layout, then the three
// instruction streams over a sequence of steps, synchronized by tokens exactly as the GEMM
// (compiler/gemm.cpp has the full argument; it is repeated here in short).
//
// A step computes one K chunk (input channel blocks) of one output tile (a spatial tile of
// toh x tow output pixels of one image times n_blocks output channel blocks of one group
// unit): LOAD the input tile of the chunk (rows of pixels, the zero-point border written by
// the DMA, padding rows with x_size = 0), LOAD the weight blocks, then one MATMUL per
// (output block, channel block, tap) with load_weights, walking the tile with a_stride =
// stride_w and a_outer_stride = the tile's row pitch, accumulating into the tile. After a
// tile's last chunk its rows are STOREd through the output path, one STORE per output block
// when the tile spans whole output rows (consecutive pixels), else one per output row.
// Units (groups, compiler/conv_layout.hpp) are the outermost loop; inside a unit the tiles
// run in the tiling's loop order; an operand identical to the previous step's is not reloaded.
//
// Tokens (each pop matched by an earlier push in program order; balanced):
//   load  step s   pops execute->load when s >= 2, pushes load->execute
//   exec  step s   pops load->execute; at a tile's first step, tile >= 2, pops store->execute;
//                  pushes execute->load when a step s+2 exists; execute->store at the tile's last
//   store tile t   pops execute->store; pushes store->execute when a tile t+2 exists
// Program order: L(0), then per step s: L(s+1), E(s), S(t) when s ends tile t. Parameters
// stay resident; when they do not fit, channel tiles are split into chunks separated by a
// store -> execute -> load barrier (a token-only MATMUL relays it), as for the GEMM.
#include "compiler/conv.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "arch/error.hpp"
#include "arch/isa.hpp"
#include "arch/requant.hpp"
#include "compiler/conv_layout.hpp"
#include "compiler/gemm_layout.hpp"  // ceil_div

namespace systole::compiler {

namespace {

bool is_int8(int32_t v) { return v >= -128 && v <= 127; }

void check_layer(const ConvLayer& l, const std::string& what) {
  const uint64_t w_size = uint64_t(l.c_out) * l.kh * l.kw * (l.c_in / l.groups);
  if (l.weights.size() != w_size)
    throw Error(fmt::format("{}: weights has {} elements, expected c_out*kh*kw*c_in/groups = {}", what,
                            l.weights.size(), w_size));
  if (l.bias.size() != l.c_out) throw Error(fmt::format("{}: bias has {} elements, expected c_out = {}", what, l.bias.size(), l.c_out));
  if (l.mult.size() != l.c_out) throw Error(fmt::format("{}: mult has {} elements, expected c_out = {}", what, l.mult.size(), l.c_out));
  if (l.shift.size() != l.c_out) throw Error(fmt::format("{}: shift has {} elements, expected c_out = {}", what, l.shift.size(), l.c_out));
  if (!is_int8(l.a_zero_point)) throw Error(fmt::format("{}: a_zero_point {} is not int8", what, l.a_zero_point));
  if (!is_int8(l.out_zero_point)) throw Error(fmt::format("{}: out_zero_point {} is not int8", what, l.out_zero_point));
  if (!is_int8(l.clamp_lo) || !is_int8(l.clamp_hi) || l.clamp_lo > l.clamp_hi)
    throw Error(fmt::format("{}: clamp [{}, {}] is not an int8 range with lo <= hi", what, l.clamp_lo, l.clamp_hi));
}

int8_t weight(const ConvLayer& l, uint32_t o, uint32_t ky, uint32_t kx, uint32_t i) {
  return l.weights[((uint64_t(o) * l.kh + ky) * l.kw + kx) * (l.c_in / l.groups) + i];
}

// Weights as [unit][output block][rows][DIM]: row k of a block feeds array input k, column n
// output channel n of the block. Pixel mapping: rows [channel block][tap ky*kw+kx][channel]
// (a chunk of channel blocks is one contiguous LOAD); block-diagonal across the groups of a
// unit. Packed mapping: rows [ky][tap group][byte of the group's span], a byte being weight
// (kx, c) when it is channel c of a tap pixel, else zero.
std::vector<uint8_t> weight_blocks(const ConvLayer& l, const ConvLayout& L, uint32_t dim) {
  const ConvGeometry& g = L.g;
  const uint64_t R = L.unit_weight_rows();
  std::vector<uint8_t> out(uint64_t(g.units) * g.blocks_u * R * dim, 0);
  for (uint32_t u = 0; u < g.units; ++u) {
    for (uint32_t co = 0; co < g.unit_cout(u); ++co) {
      const uint32_t o = g.out_c0(u) + co, grp = o / g.cog;
      uint8_t* blk = &out[(uint64_t(u) * g.blocks_u + co / dim) * R * dim + co % dim];
      if (L.packed) {
        for (uint32_t ky = 0; ky < l.kh; ++ky) {
          uint64_t row = uint64_t(ky) * L.span_sum;
          for (uint32_t j = 0; j < L.tap_groups; ++j) {
            for (uint32_t b = 0; b < L.group_span[j]; ++b) {
              const uint32_t pos = l.in_c_offset + b, q = pos / g.ci_total, ch = pos % g.ci_total;
              if (q % l.dil_w || ch < l.in_c_offset || ch - l.in_c_offset >= l.c_in) continue;
              blk[(row + b) * dim] = uint8_t(weight(l, o, ky, L.group_kx0[j] + q / l.dil_w, ch - l.in_c_offset));
            }
            row += L.group_span[j];
          }
        }
        continue;
      }
      for (uint32_t ci = 0; ci < g.unit_cin(u); ++ci) {
        const uint32_t c = g.in_c0(u) + ci;  // layer input channel
        if (c / g.cig != grp) continue;     // another group of the unit: block-diagonal zero
        const uint32_t j = ci / dim, width = std::min(dim, g.cin_u - j * dim);
        for (uint32_t t = 0; t < L.taps; ++t) {
          const uint64_t row = uint64_t(j) * L.taps * dim + uint64_t(t) * width + ci % dim;
          blk[row * dim] = uint8_t(weight(l, o, t / l.kw, t % l.kw, c % g.cig));
        }
      }
    }
  }
  return out;
}

// Parameter rows, 3 per output block: bias with the input zero point folded in (the array
// sums x*W over every tap, the padded ones reading zpA, so sum (x - zpA) W + bias =
// sum x W + bias - zpA * sum W; exact, saturated to int32 as in the GEMM), multiplier, and the
// packed {shift, zero point, clamp}.
std::vector<uint8_t> param_rows(const ConvLayer& l, const ConvGeometry& g, uint32_t dim) {
  std::vector<uint8_t> out(uint64_t(g.units) * g.blocks_u * isa::kParamRows * dim * 4, 0);
  const uint64_t per_o = uint64_t(l.kh) * l.kw * g.cig;
  for (uint32_t u = 0; u < g.units; ++u) {
    for (uint32_t co = 0; co < g.unit_cout(u); ++co) {
      const uint32_t o = g.out_c0(u) + co;
      int64_t colsum = 0;
      for (uint64_t k = 0; k < per_o; ++k) colsum += l.weights[o * per_o + k];
      isa::ParamWord w;
      w.shift = std::min<uint32_t>(l.shift[o], 63);
      w.zero_point = l.out_zero_point;
      w.clamp_lo = l.clamp_lo;
      w.clamp_hi = l.clamp_hi;
      const uint32_t vals[isa::kParamRows] = {uint32_t(sat32(int64_t(l.bias[o]) - int64_t(l.a_zero_point) * colsum)),
                                              uint32_t(l.mult[o]), isa::pack_param(w)};
      const uint64_t blk = uint64_t(u) * g.blocks_u + co / dim;
      const uint32_t rows[isa::kParamRows] = {isa::kParamBiasRow, isa::kParamMultRow, isa::kParamWordRow};
      for (uint32_t r = 0; r < isa::kParamRows; ++r) {
        uint8_t* p = &out[((blk * isa::kParamRows + rows[r]) * dim + co % dim) * 4];
        for (int i = 0; i < 4; ++i) p[i] = uint8_t(vals[r] >> (8 * i));
      }
    }
  }
  return out;
}

struct Tile {
  uint32_t img, oy0, th, ox0, tw;
};

struct Step {
  uint32_t unit, m;     // group unit, spatial tile index
  uint32_t nt, b0, nb;  // channel tile of the unit: output blocks b0 .. b0+nb-1
  uint32_t j0, kb, kc;  // K chunk: channel blocks j0 .. j0+kb-1, kc channels
  uint32_t tile;        // accumulator tile index within the chunk
  bool first, last, load_a, load_b;
  uint32_t abuf, bbuf, accbuf;
};

class ConvEmitter {
 public:
  ConvEmitter(ProgramBuilder& b, const ConvLayer& l, const ConvLayout& L, uint32_t in_off, uint32_t out_off,
              uint32_t w_off, uint32_t p_off)
      : b_(b), l_(l), L_(L), g_(L.g), s_(L.g.s), dim_(b.config().dim), in_off_(in_off), out_off_(out_off),
        w_off_(w_off), p_off_(p_off) {
    for (uint32_t img = 0; img < s_.n; ++img)
      for (uint32_t oy0 = 0; oy0 < g_.oh; oy0 += L_.toh)
        for (uint32_t ox0 = 0; ox0 < g_.ow; ox0 += L_.tow)
          tiles_.push_back({img, oy0, std::min(L_.toh, g_.oh - oy0), ox0, std::min(L_.tow, g_.ow - ox0)});
  }

  void run(LoopOrder order) {
    const uint32_t total = g_.units * L_.n_tiles_u;
    for (uint32_t c0 = 0; c0 < total; c0 += L_.chunk_tiles) {
      const uint32_t c1 = std::min(total, c0 + L_.chunk_tiles);
      const bool barrier_after = c1 < total;
      plan_steps(order, c0, c1);
      chunk_block0_ = (c0 / L_.n_tiles_u) * g_.blocks_u + (c0 % L_.n_tiles_u) * L_.n_blocks;
      emit_params(c0 > 0, c1);
      emit_chunk(barrier_after);
      if (barrier_after) {  // relay "every STORE of this chunk is done" to the parameter LOAD
        isa::MatmulInsn nop;
        nop.pop_next = 1;
        nop.push_prev = 1;
        b_.emit(nop);
      }
    }
  }

 private:
  // Steps of the channel tiles [c0, c1) (unit-major), units outermost.
  void plan_steps(LoopOrder order, uint32_t c0, uint32_t c1) {
    steps_.clear();
    const uint32_t kchunks = L_.packed ? 1 : uint32_t(ceil_div(g_.kslices_u, L_.k_blocks));
    const uint32_t M = uint32_t(tiles_.size());
    int64_t prev_a = -1, prev_b = -1;
    uint32_t abuf = 1, bbuf = 1, tile = 0;
    for (uint32_t u = c0 / L_.n_tiles_u; u * L_.n_tiles_u < c1; ++u) {
      const uint32_t n0 = std::max(c0, u * L_.n_tiles_u) - u * L_.n_tiles_u;
      const uint32_t n1 = std::min(c1, (u + 1) * L_.n_tiles_u) - u * L_.n_tiles_u;
      const uint32_t outer_n = order == LoopOrder::MN ? M : n1 - n0, inner_n = order == LoopOrder::MN ? n1 - n0 : M;
      for (uint32_t o = 0; o < outer_n; ++o) {
        for (uint32_t i = 0; i < inner_n; ++i, ++tile) {
          const uint32_t m = order == LoopOrder::MN ? o : i, nt = n0 + (order == LoopOrder::MN ? i : o);
          for (uint32_t k = 0; k < kchunks; ++k) {
            Step s;
            s.unit = u, s.m = m, s.nt = nt;
            s.b0 = nt * L_.n_blocks;
            s.nb = std::min(L_.n_blocks, g_.blocks_u - s.b0);
            s.j0 = k * L_.k_blocks;
            s.kb = L_.packed ? 1 : std::min(L_.k_blocks, g_.kslices_u - s.j0);
            s.kc = L_.packed ? l_.c_in : std::min(g_.cin_u, (s.j0 + s.kb) * dim_) - s.j0 * dim_;
            s.tile = tile;
            s.first = k == 0;
            s.last = k + 1 == kchunks;
            const int64_t key_a = (int64_t(u) * M + m) * kchunks + k;
            const int64_t key_b = (int64_t(u) * L_.n_tiles_u + nt) * kchunks + k;
            s.load_a = key_a != prev_a;
            s.load_b = key_b != prev_b;
            if (s.load_a) abuf ^= 1;
            if (s.load_b) bbuf ^= 1;
            prev_a = key_a, prev_b = key_b;
            s.abuf = abuf, s.bbuf = bbuf, s.accbuf = tile & 1;
            steps_.push_back(s);
          }
        }
      }
    }
  }

  void emit_params(bool barrier, uint32_t c1) {
    const uint32_t last_u = (c1 - 1) / L_.n_tiles_u, last_nt = (c1 - 1) % L_.n_tiles_u;
    const uint32_t block_end = last_u * g_.blocks_u + std::min(g_.blocks_u, (last_nt + 1) * L_.n_blocks);
    isa::LoadInsn p;
    p.pop_next = barrier ? 1 : 0;
    p.target = uint32_t(isa::Target::Acc);
    p.sram_addr = L_.param_base;
    p.dram_addr = p_off_ + chunk_block0_ * isa::kParamRows * dim_ * 4;
    p.dram_stride = dim_ * 4;
    p.y_size = isa::kParamRows * (block_end - chunk_block0_);
    p.x_size = dim_;
    b_.emit(p);
  }

  void emit_chunk(bool barrier_after) {
    const size_t S = steps_.size();
    const uint32_t T = steps_.back().tile + 1;
    emit_load(0);
    for (size_t s = 0; s < S; ++s) {
      if (s + 1 < S) emit_load(s + 1);
      emit_exec(s);
      if (steps_[s].last) emit_store(s, T, barrier_after);
    }
  }

  // --- input tile ------------------------------------------------------------------------
  isa::LoadInsn tile_load(uint32_t sram) const {
    isa::LoadInsn x;
    x.target = uint32_t(isa::Target::Spad);
    x.sram_addr = sram;
    x.pad_value = l_.a_zero_point;  // the padding is the input zero point: (zpA - zpA) * W = 0
    return x;
  }
  // `rows` rows of padding from `sram` (no DRAM read), split at the 16-bit y_size.
  void pad_rows(std::vector<isa::LoadInsn>& v, uint32_t sram, uint64_t rows) const {
    for (; rows > 0;) {
      const uint32_t n = uint32_t(std::min<uint64_t>(rows, 0xffff));
      isa::LoadInsn x = tile_load(sram);
      x.y_size = n;
      v.push_back(x);
      sram += n, rows -= n;
    }
  }
  int64_t pixel_addr(uint32_t img, int64_t y, int64_t x) const {
    return in_off_ + ((int64_t(img) * s_.h + y) * s_.w + x) * g_.ci_total;
  }
  bool row_inside(int64_t y) const { return y >= 0 && y < int64_t(s_.h); }

  // Pixel mapping: per channel block, one LOAD per input row of the tile (its left/right
  // padding in y_pad_before/after), runs of padding rows as one LOAD.
  void load_pixel_tile(std::vector<isa::LoadInsn>& v, const Step& st, const Tile& t) const {
    constexpr uint32_t kMaxPad = (1u << isa::kLoadYPadBeforeBits) - 1;
    const uint32_t ih = L_.tile_in_rows(t.th), iw = L_.tile_in_cols(t.tw);
    const int64_t iy0 = int64_t(t.oy0) * s_.stride_h - s_.pad_top, ix0 = int64_t(t.ox0) * s_.stride_w - s_.pad_left;
    const int64_t cs = L_.cs;
    const uint32_t lp = ix0 >= 0 ? 0 : uint32_t(std::min<int64_t>(iw, (-ix0 + cs - 1) / cs));
    const int64_t last = int64_t(s_.w) - 1 - ix0 < 0 ? -1 : std::min<int64_t>(iw - 1, (int64_t(s_.w) - 1 - ix0) / cs);
    const uint32_t valid = last + 1 > int64_t(lp) ? uint32_t(last + 1 - lp) : 0, rp = iw - lp - valid;
    for (uint32_t jj = 0; jj < st.kb; ++jj) {
      const uint32_t j = st.j0 + jj, base = L_.spad_a[st.abuf] + jj * ih * iw;
      const uint32_t cabs = s_.in_c_offset + g_.in_c0(st.unit) + j * dim_;
      const uint32_t width = std::min(dim_, g_.unit_cin(st.unit) - j * dim_);
      uint32_t pad_from = 0, pad_count = 0;  // the current run of padding rows
      for (uint32_t r = 0; r <= ih; ++r) {
        const int64_t y = iy0 + int64_t(r) * L_.rs;
        const bool data = r < ih && row_inside(y) && valid > 0;
        if (r < ih && !data) {
          if (!pad_count) pad_from = r;
          ++pad_count;
          continue;
        }
        if (pad_count) pad_rows(v, base + pad_from * iw, uint64_t(pad_count) * iw), pad_count = 0;
        if (r == ih) break;
        const uint32_t row = base + r * iw;
        if (lp > kMaxPad) pad_rows(v, row, lp);
        isa::LoadInsn x = tile_load(lp > kMaxPad ? row + lp : row);
        x.y_pad_before = lp > kMaxPad ? 0 : lp;
        x.y_pad_after = rp > kMaxPad ? 0 : rp;
        x.dram_addr = uint32_t(pixel_addr(t.img, y, ix0 + int64_t(lp) * cs) + cabs);
        x.dram_stride = g_.ci_total * L_.cs;
        x.y_size = valid;
        x.x_size = width;
        v.push_back(x);
        if (rp > kMaxPad) pad_rows(v, row + lp + valid, rp);
      }
    }
  }

  // Packed mapping: per input row and tap group, one LOAD for the interior output columns
  // (stride_w pixels apart in DRAM) and one per border column, whose bytes are clipped to
  // the image with x_pad_before / a shorter x_size; rows outside the image are padding.
  void load_packed_tile(std::vector<isa::LoadInsn>& v, const Step& st, const Tile& t) const {
    const uint32_t ih = L_.tile_in_rows(t.th), G = L_.tap_groups, base = L_.spad_a[st.abuf];
    const int64_t iy0 = int64_t(t.oy0) * s_.stride_h - s_.pad_top, Ct = g_.ci_total;
    uint32_t pad_from = 0, pad_count = 0;
    for (uint32_t r = 0; r <= ih; ++r) {
      const int64_t y = iy0 + int64_t(r) * L_.rs;
      if (r < ih && !row_inside(y)) {
        if (!pad_count) pad_from = r;
        ++pad_count;
        continue;
      }
      if (pad_count) pad_rows(v, base + pad_from * G * t.tw, uint64_t(pad_count) * G * t.tw), pad_count = 0;
      if (r == ih) break;
      for (uint32_t j = 0; j < G; ++j) {
        const int64_t span = L_.group_span[j];
        const uint32_t row0 = base + (r * G + j) * t.tw;
        uint32_t run_from = 0, run = 0;  // interior columns, one LOAD
        for (uint32_t i = 0; i <= t.tw; ++i) {
          const int64_t xs = int64_t(t.ox0 + i) * s_.stride_w - s_.pad_left + int64_t(L_.group_kx0[j]) * s_.dil_w;
          // Bytes [lo, hi) of the span lie inside the image row.
          const int64_t lo = std::max<int64_t>(0, -xs * Ct);
          const int64_t hi = std::min<int64_t>(span, (int64_t(s_.w) - 1 - xs) * Ct + s_.c_in);
          const bool interior = i < t.tw && lo == 0 && hi == span;
          if (interior) {
            if (!run) run_from = i;
            ++run;
            continue;
          }
          if (run) {
            const int64_t x0 = int64_t(t.ox0 + run_from) * s_.stride_w - s_.pad_left + int64_t(L_.group_kx0[j]) * s_.dil_w;
            isa::LoadInsn x = tile_load(row0 + run_from);
            x.dram_addr = uint32_t(pixel_addr(t.img, y, x0) + s_.in_c_offset);
            x.dram_stride = uint32_t(s_.stride_w * Ct);
            x.y_size = run;
            x.x_size = uint32_t(span);
            v.push_back(x);
            run = 0;
          }
          if (i == t.tw) break;
          isa::LoadInsn x = tile_load(row0 + i);
          x.y_size = 1;
          if (hi > lo) {  // else a padding row: the whole segment is outside the image
            x.dram_addr = uint32_t(pixel_addr(t.img, y, xs) + s_.in_c_offset + lo);
            x.x_pad_before = uint32_t(lo);
            x.x_size = uint32_t(hi - lo);
          }
          v.push_back(x);
        }
      }
    }
  }

  void emit_load(size_t si) {
    const Step& st = steps_[si];
    const Tile& t = tiles_[st.m];
    std::vector<isa::LoadInsn> v;
    if (st.load_a) {
      if (L_.packed) load_packed_tile(v, st, t);
      else load_pixel_tile(v, st, t);
    }
    if (st.load_b) {
      const uint64_t R = L_.unit_weight_rows();
      const uint32_t rows = L_.packed ? L_.b_block_rows : L_.taps * st.kc;
      for (uint32_t bi = 0; bi < st.nb; ++bi) {
        const uint64_t blk = uint64_t(st.unit) * g_.blocks_u + st.b0 + bi;
        isa::LoadInsn x;
        x.target = uint32_t(isa::Target::Spad);
        x.sram_addr = L_.spad_b[st.bbuf] + bi * L_.b_block_rows;
        x.dram_addr = uint32_t(w_off_ + (blk * R + uint64_t(st.j0) * L_.taps * dim_) * dim_);
        x.dram_stride = dim_;
        x.y_size = rows;
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
    const Step& st = steps_[si];
    const Tile& t = tiles_[st.m];
    const uint32_t pitch = L_.row_pitch(t.tw), ih = L_.tile_in_rows(t.th);
    std::vector<isa::MatmulInsn> v;
    for (uint32_t bi = 0; bi < st.nb; ++bi) {
      for (uint32_t jj = 0; jj < st.kb; ++jj) {
        const uint32_t width = std::min(dim_, g_.cin_u - (st.j0 + jj) * dim_);
        for (uint32_t tap = 0; tap < L_.taps; ++tap) {
          isa::MatmulInsn x;
          x.w_addr = L_.spad_b[st.bbuf] + bi * L_.b_block_rows;
          if (L_.packed) {
            const uint32_t ky = tap / L_.tap_groups, j = tap % L_.tap_groups;
            x.a_addr = L_.spad_a[st.abuf] + ((ky * s_.dil_h / L_.rs) * L_.tap_groups + j) * t.tw;
            x.w_addr += ky * L_.span_sum;
            for (uint32_t k = 0; k < j; ++k) x.w_addr += L_.group_span[k];
          } else {
            const uint32_t ky = tap / s_.kw, kx = tap % s_.kw;
            x.a_addr = L_.spad_a[st.abuf] + jj * ih * pitch + (ky * s_.dil_h / L_.rs) * pitch + kx * s_.dil_w / L_.cs;
            x.w_addr += jj * L_.taps * dim_ + tap * width;
          }
          x.w_rows = L_.weight_rows(width, tap);
          x.load_weights = 1;
          x.a_stride = L_.a_stride;
          x.a_outer_stride = (s_.stride_h / L_.rs) * pitch;
          x.rows = t.tw;
          x.outer = t.th;
          x.acc_addr = L_.acc_tile[st.accbuf] + bi * t.th * t.tw;
          x.accumulate = !(st.first && jj == 0 && tap == 0);
          v.push_back(x);
        }
      }
    }
    v.front().pop_prev = 1;
    v.front().pop_next = st.first && st.tile >= 2;
    v.back().push_prev = si + 2 < steps_.size();
    v.back().push_next = st.last;
    for (const auto& x : v) b_.emit(x);
  }

  void emit_store(size_t si, uint32_t tiles, bool barrier_after) {
    const Step& st = steps_[si];
    const Tile& t = tiles_[st.m];
    const bool whole_rows = t.tw == g_.ow;  // the tile's pixels are consecutive in DRAM
    std::vector<isa::StoreInsn> v;
    for (uint32_t bi = 0; bi < st.nb; ++bi) {
      const uint32_t b = st.b0 + bi;
      const uint32_t param = L_.param_base + isa::kParamRows * (st.unit * g_.blocks_u + b - chunk_block0_);
      for (uint32_t o = 0; o < (whole_rows ? 1 : t.th); ++o) {
        const uint64_t pixel = (uint64_t(t.img) * g_.oh + t.oy0 + o) * g_.ow + t.ox0;
        isa::StoreInsn x;
        x.acc_addr = L_.acc_tile[st.accbuf] + bi * t.th * t.tw + o * t.tw;
        x.dram_addr = uint32_t(out_off_ + pixel * g_.co_total + s_.out_c_offset + g_.out_c0(st.unit) + b * dim_);
        x.dram_stride = g_.co_total;
        x.y_size = whole_rows ? t.th * t.tw : t.tw;
        x.x_size = std::min(dim_, g_.unit_cout(st.unit) - b * dim_);
        x.param_addr = param;
        v.push_back(x);
      }
    }
    v.front().pop_prev = 1;
    v.back().push_prev = st.tile + 2 < tiles || (barrier_after && st.tile + 1 == tiles);
    for (const auto& x : v) b_.emit(x);
  }

  ProgramBuilder& b_;
  const ConvLayer& l_;
  const ConvLayout& L_;
  const ConvGeometry& g_;
  const ConvShape& s_;
  const uint32_t dim_;
  const uint32_t in_off_, out_off_, w_off_, p_off_;
  std::vector<Tile> tiles_;
  std::vector<Step> steps_;
  uint32_t chunk_block0_ = 0;  // global output block of the chunk's first parameter row
};

void check_io(const driver::TensorDesc& t, uint64_t bytes, const char* what, const std::string& layer) {
  if (t.size < bytes)
    throw Error(fmt::format("{}: {} tensor '{}' has {} bytes, the layer needs {}", layer, what, t.name, t.size, bytes));
}

}  // namespace

ConvLowering lower_conv(ProgramBuilder& b, const ConvLayer& layer, const std::string& in_name,
                        const std::string& out_name, const std::string& prefix, ConvTiling tiling) {
  const Config& cfg = b.config();
  const ConvShape& shape = layer;
  const std::string what = "conv " + shape.to_string();
  const ConvGeometry g = conv_geometry(cfg, shape);
  check_layer(layer, what);
  if (tiling.toh == 0) tiling = choose_conv_tiling(cfg, shape);
  const ConvLayout L = conv_layout(cfg, g, tiling);
  if (!L.fits) throw Error(fmt::format("{} on config '{}': {}", what, cfg.name, L.why));

  const driver::TensorDesc& x = b.tensor(in_name);
  check_io(x, uint64_t(layer.n) * layer.h * layer.w * g.ci_total, "input", what);
  const uint32_t in_off = x.offset;
  const driver::TensorDesc& y = b.tensor(out_name);
  check_io(y, uint64_t(layer.n) * layer.out_h() * layer.out_w() * g.co_total, "output", what);
  const uint32_t out_off = y.offset;

  std::vector<uint8_t> w = weight_blocks(layer, L, cfg.dim);
  const uint32_t w_size = uint32_t(w.size());
  const uint32_t w_off = b.add_tensor(prefix + "weights", driver::TensorKind::Constant, "int8",
                                      {int64_t(g.units) * g.blocks_u, L.unit_weight_rows(), cfg.dim}, w_size, std::move(w));
  std::vector<uint8_t> p = param_rows(layer, g, cfg.dim);
  const uint32_t p_size = uint32_t(p.size());
  const uint32_t p_off = b.add_tensor(prefix + "params", driver::TensorKind::Constant, "int32",
                                      {int64_t(g.units) * g.blocks_u, isa::kParamRows, cfg.dim}, p_size, std::move(p));

  ConvEmitter(b, layer, L, in_off, out_off, w_off, p_off).run(tiling.order);
  return {tiling, estimate_conv(cfg, shape, tiling)};
}

driver::Program compile_conv(const Config& cfg, const ConvLayer& layer, ConvLowering* info, ConvTiling tiling) {
  const ConvGeometry g = conv_geometry(cfg, layer);
  ProgramBuilder b(cfg);
  b.add_tensor("X", driver::TensorKind::Input, "int8", {layer.n, layer.h, layer.w, g.ci_total},
               uint32_t(uint64_t(layer.n) * layer.h * layer.w * g.ci_total));
  b.add_tensor("Y", driver::TensorKind::Output, "int8", {layer.n, layer.out_h(), layer.out_w(), g.co_total},
               uint32_t(uint64_t(layer.n) * layer.out_h() * layer.out_w() * g.co_total));
  const ConvLowering low = lower_conv(b, layer, "X", "Y", "", tiling);
  if (info) *info = low;
  return b.finish();
}

}  // namespace systole::compiler
