// Closed-form cost model of the tiled convolution and its tiling search (docs/cost_model.md),
// on the step model shared with the GEMM (cost_steps.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "arch/error.hpp"
#include "arch/isa_gen.hpp"
#include "compiler/conv_layout.hpp"
#include "compiler/cost_model.hpp"
#include "compiler/cost_steps.hpp"
#include "compiler/gemm_layout.hpp"

namespace systole::compiler {

using namespace cost_detail;

std::string ConvTiling::to_string() const {
  return fmt::format("toh={} tow={} tn={} tk={} order={}{}", toh, tow, tn, tk, order == LoopOrder::MN ? "MN" : "NM",
                     pack_kw ? " pack_kw" : "");
}

namespace {

// Spatial tiles along one axis: full tiles (class 0) and the edge tile (class 1), with the
// class averages of what their input loads hold. Tiles differ by where the padding falls,
// so the averages are sums over the tiles of the axis (a few dozen), never over pixels.
struct SpatialAxis {
  double count[2] = {0, 0};
  uint32_t len[2] = {0, 0};         // output rows / columns of a tile
  double valid[2] = {0, 0};         // input rows / columns read from DRAM
  double pad_loads[2] = {0, 0};     // y: padding-only LOADs (runs of padding rows) per tile
  double row_loads[2] = {0, 0};     // x: LOADs per input row holding data
  double max_row_loads = 1;
};

// Rows: tile row r reads input row oy0*stride - pad + r*rs; runs of padding rows are one LOAD each.
SpatialAxis rows_axis(const ConvLayout& L) {
  const ConvShape& s = L.g.s;
  SpatialAxis a;
  for (uint32_t oy0 = 0; oy0 < L.g.oh; oy0 += L.toh) {
    const uint32_t th = std::min(L.toh, L.g.oh - oy0), ih = L.tile_in_rows(th);
    const int64_t iy0 = int64_t(oy0) * s.stride_h - s.pad_top;
    const int64_t lo = iy0 >= 0 ? 0 : (-iy0 + L.rs - 1) / L.rs;
    const int64_t hi = std::min<int64_t>(ih - 1, int64_t(s.h) - 1 - iy0 < 0 ? -1 : (int64_t(s.h) - 1 - iy0) / L.rs);
    const int64_t v = std::max<int64_t>(0, hi - lo + 1);
    const int c = th < L.toh ? 1 : 0;
    a.count[c] += 1, a.len[c] = th;
    a.valid[c] += double(v);
    a.pad_loads[c] += v == 0 ? 1 : (lo > 0) + (hi < int64_t(ih) - 1);
  }
  for (int c = 0; c < 2; ++c)
    if (a.count[c]) a.valid[c] /= a.count[c], a.pad_loads[c] /= a.count[c];
  return a;
}

// Columns. Pixel mapping: one LOAD per input row, plus one per side whose padding exceeds
// the 4-bit y_pad fields. Packed mapping: per tap group one LOAD for the interior output
// columns and one per border column (each has its own x_pad_before / x_size).
SpatialAxis cols_axis(const ConvLayout& L) {
  const ConvShape& s = L.g.s;
  constexpr int64_t kMaxPadRows = (1 << isa::kLoadYPadBeforeBits) - 1;
  SpatialAxis a;
  a.max_row_loads = 0;
  for (uint32_t ox0 = 0; ox0 < L.g.ow; ox0 += L.tow) {
    const uint32_t tw = std::min(L.tow, L.g.ow - ox0);
    const int c = tw < L.tow ? 1 : 0;
    double v = 0, loads = 0;
    if (!L.packed) {
      const uint32_t iw = L.tile_in_cols(tw);
      const int64_t ix0 = int64_t(ox0) * s.stride_w - s.pad_left;
      const int64_t lo = ix0 >= 0 ? 0 : std::min<int64_t>(iw, (-ix0 + L.cs - 1) / L.cs);
      const int64_t hi = std::min<int64_t>(iw - 1, int64_t(s.w) - 1 - ix0 < 0 ? -1 : (int64_t(s.w) - 1 - ix0) / L.cs);
      v = double(std::max<int64_t>(0, hi - lo + 1));
      loads = 1 + (lo > kMaxPadRows) + (int64_t(iw) - 1 - hi > kMaxPadRows);
    } else {
      for (uint32_t j = 0; j < L.tap_groups; ++j) {
        // Output column ox reads pixels ox*stride - pad + kx0*dil .. + (taps-1)*dil.
        const int64_t first = int64_t(L.group_kx0[j]) * s.dil_w - s.pad_left;
        const int64_t last = first + int64_t(L.group_taps[j] - 1) * s.dil_w;
        const int64_t sw = s.stride_w;
        const int64_t in_lo = first >= 0 ? 0 : (-first + sw - 1) / sw;             // first column without left padding
        const int64_t in_hi = int64_t(s.w) - 1 - last < 0 ? -1 : (int64_t(s.w) - 1 - last) / sw;  // last without right
        const int64_t b0 = ox0, b1 = int64_t(ox0) + tw;                             // the tile's columns [b0, b1)
        const int64_t i0 = std::max(b0, in_lo), i1 = std::min(b1, in_hi + 1);
        const int64_t interior = std::max<int64_t>(0, i1 - i0);
        loads += double((b1 - b0) - interior) + (interior ? 1 : 0);
      }
      v = tw;
    }
    a.count[c] += 1, a.len[c] = tw;
    a.valid[c] += v;
    a.row_loads[c] += loads;
    a.max_row_loads = std::max(a.max_row_loads, loads);
  }
  for (int c = 0; c < 2; ++c)
    if (a.count[c]) a.valid[c] /= a.count[c], a.row_loads[c] /= a.count[c];
  return a;
}

// LOADs of the largest step (input tile of a full chunk, interior rows, plus weights).
double step_loads(const ConvLayout& L, const SpatialAxis& x) {
  return double(L.k_blocks) * (L.tile_in_rows(L.toh) * x.max_row_loads + 2) + L.n_blocks;
}

}  // namespace

bool fits_conv_tiling(const Config& cfg, const ConvShape& s, const ConvTiling& t) {
  return conv_layout(cfg, conv_geometry(cfg, s), t, false).fits;
}

namespace {

CostEstimate estimate_conv_layout(const Config& cfg, const ConvLayout& L, const SpatialAxis& ay,
                                  const SpatialAxis& ax, LoopOrder order) {
  const Machine mc = machine(cfg);
  const ConvGeometry& g = L.g;
  const ConvShape& s = g.s;
  const uint64_t dim = cfg.dim;
  // Channel tiles of a unit (full and edge) and K chunks of a unit's input channels.
  const Split sn = split(g.cout_u, L.tn);
  const Split sk = L.packed ? Split{1, s.c_in, 0} : split(g.cin_u, L.tk);
  const double m_tiles = double(s.n) * (ay.count[0] + ay.count[1]) * (ax.count[0] + ax.count[1]);
  const uint64_t n_tiles_u = sn.count(), k_chunks = sk.count();

  TiledSteps p;
  for (int yc = 0; yc < 2; ++yc)
    for (int xc = 0; xc < 2; ++xc) p.m.count[yc * 2 + xc] = double(s.n) * ay.count[yc] * ax.count[xc];
  for (int i = 0; i < 2; ++i) p.n.count[i] = double(g.units * sn.cnt(i)), p.k.count[i] = double(sk.cnt(i));
  p.k_chunks = double(k_chunks);
  // Reuse runs as in the GEMM; units are the outermost loop, so a run never spans two.
  const uint64_t n_tiles_per_chunk = std::min<uint64_t>(n_tiles_u, L.chunk_tiles);
  if (k_chunks == 1) {
    if (order == LoopOrder::MN)
      p.inner_is_n = n_tiles_per_chunk > 1, p.run_len = p.inner_is_n ? double(n_tiles_per_chunk) : m_tiles;
    else
      p.inner_is_n = m_tiles == 1, p.run_len = p.inner_is_n ? double(n_tiles_per_chunk) : m_tiles;
  }
  const int m_first = (ay.count[0] ? 0 : 2) + (ax.count[0] ? 0 : 1);
  const int m_last = (ay.count[1] ? 2 : 0) + (ax.count[1] ? 1 : 0);
  if (p.inner_is_n) {
    p.inner_first = sn.full > 0 ? 0 : 1;
    p.inner_last = sn.edge ? 1 : 0;
    p.inner_per_run[0] = std::max(1.0, p.run_len - (sn.edge ? 1 : 0));
  } else {
    p.inner_first = m_first, p.inner_last = m_last;
    for (int i = 0; i < 4; ++i) p.inner_per_run[i] = std::max(1.0, p.m.count[i]);
  }
  p.first[0] = m_first, p.first[1] = sn.full ? 0 : 1, p.first[2] = sk.full ? 0 : 1;
  p.last[0] = m_last, p.last[1] = sn.edge ? 1 : 0, p.last[2] = sk.edge ? 1 : 0;
  p.chunks = double(ceil_div(uint64_t(g.units) * n_tiles_u, L.chunk_tiles));
  p.param_rows = double(isa::kParamRows) * g.units * g.blocks_u;

  const double kc_steps = double(k_chunks);
  const bool inner_is_n = p.inner_is_n;
  double group_beats = 0;  // packed: DRAM beats of one output column's rows, all tap groups
  // A packed row of tap group j starts (kx0·dil − pad_left) pixels from its output column's
  // pixel; rows are stride_w pixels apart within a LOAD and an image row apart between them.
  const uint64_t packed_pitch = std::gcd(uint64_t(s.stride_w) * g.ci_total, uint64_t(s.w) * g.ci_total);
  for (uint32_t j = 0; j < L.tap_groups; ++j)
    group_beats += avg_row_beats(mc, L.group_span[j],
                                 (int64_t(L.group_kx0[j]) * s.dil_w - int64_t(s.pad_left)) * int64_t(g.ci_total) + s.in_c_offset,
                                 packed_pitch);
  // Beats of one pixel's input channels of a K chunk (full, edge) and of its output channels
  // of an N tile (full, edge): the step terms below take them for every tile kind.
  double in_row_beats[2] = {0, 0}, out_row_beats[2] = {0, 0};
  for (int i = 0; i < 2; ++i) {
    if (!L.packed && sk.len(i))
      in_row_beats[i] = blocked_row_beats(mc, sk.len(i), int64_t(s.in_c_offset) + (i == 0 ? 0 : int64_t(sk.full * L.tk)), g.ci_total);
    if (sn.len(i))
      out_row_beats[i] = blocked_row_beats(mc, sn.len(i), int64_t(s.out_c_offset) + (i == 0 ? 0 : int64_t(sn.full * L.tn)), g.co_total);
  }
  auto terms = [&](int mi, int ni, int ki) {
    StepTerms r;
    const int yc = mi >> 1, xc = mi & 1;
    const uint32_t th = ay.len[yc], tw = ax.len[xc];
    const double mt = double(th) * tw;
    const uint64_t nt = sn.len(ni), nb = ceil_div(nt, dim), kc = sk.len(ki), kb = L.packed ? 1 : ceil_div(kc, dim);
    // Execute: one MATMUL per (output block, channel block, tap) streaming the tile's
    // pixels; as in the GEMM the weight load hides behind a stream of at least DIM rows.
    const double mms = double(nb * kb * L.taps);
    r.ex = mms * std::max(mt, mc.weight_load);
    // Input tile: the SRAM writer stores every row (padding included) one per cycle; data
    // rows each cost a DRAM request and their beats.
    const double ih = L.tile_in_rows(th), vy = ay.valid[yc];
    double a_written, a_beats, a_loads, a_bytes;
    if (L.packed) {
      a_written = ih * L.tap_groups * tw;
      a_beats = vy * tw * group_beats;
      a_loads = vy * ax.row_loads[xc] + ay.pad_loads[yc];
      a_bytes = vy * tw * L.span_sum;
    } else {
      const double px = vy * ax.valid[xc];
      a_written = double(kb) * ih * L.tile_in_cols(tw);
      a_beats = px * in_row_beats[ki];
      a_loads = double(kb) * (vy * ax.row_loads[xc] + ay.pad_loads[yc]);
      a_bytes = px * double(kc);
    }
    // Weights: one LOAD per output block of the chunk's rows (every tap).
    const double b_rows = double(nb) * (L.packed ? double(s.kh) * L.span_sum : double(L.taps) * double(kc));
    const double b_beats = b_rows * beats(mc, mc.dim);
    r.ld_inner = (inner_is_n ? std::max(b_rows, b_beats) : std::max(a_written, a_beats)) + mc.lat + 1;
    r.ld_both = std::max(a_written + b_rows, a_beats + b_beats) + mc.lat + 1;
    const double a_rows_per_load = a_loads > 0 ? a_written / a_loads : 0, b_rows_per_load = b_rows / double(nb);
    r.fifo_both = load_fifo_stall(mc, a_loads, a_rows_per_load, double(nb), b_rows_per_load);
    r.fifo_inner = inner_is_n ? load_fifo_stall(mc, 0, 0, double(nb), b_rows_per_load) : load_fifo_stall(mc, a_loads, a_rows_per_load, 0, 0);
    r.bt_inner = inner_is_n ? b_beats : a_beats;
    r.bt_both = a_beats + b_beats;
    // Store: per output block one STORE when the tile spans whole output rows (consecutive
    // pixels), else one per output row.
    const double stores = double(nb) * (tw == g.ow ? 1 : th);
    r.st_beats = mt * out_row_beats[ni];
    r.st_unit = stores * mc.store_setup + double(nb) * mt * mc.store_row;
    r.st_dur = std::max(r.st_unit, r.st_beats) + mc.lat;
    const double common = mms + stores / kc_steps;
    r.in_inner = (inner_is_n ? double(nb) : a_loads) + common;
    r.in_both = a_loads + double(nb) + common;
    const double b_bytes = b_rows * double(dim);
    r.rd_both = a_bytes + b_bytes;
    r.rd_inner = inner_is_n ? b_bytes : a_bytes;
    r.wr = mt * double(nt);
    return r;
  };
  CostEstimate e = estimate_steps(mc, p, terms);
  e.macs = g.s.macs();
  // Every output pixel streams once per (unit, output block, channel block, tap); every
  // spatial tile reads every weight row of its units once.
  e.array_rows = uint64_t(double(s.n) * g.oh * g.ow) * g.units * g.blocks_u * (L.packed ? 1 : g.kslices_u) * L.taps;
  e.weight_rows = uint64_t(m_tiles) * g.units * g.blocks_u * (L.packed ? uint64_t(s.kh) * L.span_sum : uint64_t(L.taps) * g.cin_u);
  e.utilization = double(e.macs) / (e.cycles * mc.dim * mc.dim);
  return e;
}

}  // namespace

CostEstimate estimate_conv(const Config& cfg, const ConvShape& s, const ConvTiling& t) {
  const ConvLayout L = conv_layout(cfg, conv_geometry(cfg, s), t, false);
  if (!L.fits) throw Error("conv " + s.to_string() + ": " + conv_layout(cfg, L.g, t, true).why);
  return estimate_conv_layout(cfg, L, rows_axis(L), cols_axis(L), t.order);
}

ConvTiling choose_conv_tiling(const Config& cfg, const ConvShape& s) {
  const ConvGeometry g = conv_geometry(cfg, s);
  const uint64_t dim = cfg.dim, acc_half = cfg.acc_rows() / 2;
  // Balanced sizes along each axis (as for the GEMM), pruned by capacity: two accumulator
  // tiles of toh x tow pixels, MATMUL.outer for toh.
  const std::vector<uint32_t> tohs = balanced_sizes(g.oh, 1, std::min<uint64_t>(255, acc_half));
  const std::vector<uint32_t> tows = balanced_sizes(g.ow, 1, std::min<uint64_t>(0xffff, acc_half));
  const std::vector<uint32_t> tns = balanced_sizes(g.cout_u, dim, acc_half * dim);
  const std::vector<uint32_t> tks = balanced_sizes(g.cin_u, dim, cfg.spad_rows() / 2);
  ConvTiling best, best_any;
  double best_cycles = std::numeric_limits<double>::infinity(), best_any_cycles = best_cycles;
  const std::vector<uint32_t> packed_tks{uint32_t(dim)};
  for (bool pack : {false, true}) {
    if (pack && !g.packable_taps) continue;
    const std::vector<uint32_t>& tk_list = pack ? packed_tks : tks;
    for (uint32_t toh : tohs) {
      for (uint32_t tow : tows) {
        if (uint64_t(toh) * tow > acc_half) continue;
        bool axes_done = false;
        SpatialAxis ay, ax;
        for (uint32_t tn : tns) {
          for (uint32_t tk : tk_list) {
            for (LoopOrder order : {LoopOrder::MN, LoopOrder::NM}) {
              const ConvTiling t{toh, tow, tn, tk, order, pack};
              const ConvLayout L = conv_layout(cfg, g, t, false);
              if (!L.fits) continue;
              if (!axes_done) ay = rows_axis(L), ax = cols_axis(L), axes_done = true;
              const double c = estimate_conv_layout(cfg, L, ay, ax, order).cycles;
              if (c < best_any_cycles) best_any_cycles = c, best_any = t;
              // As for the GEMM: a step with more LOADs than the load queue holds stalls the
              // in-order fetch in front of the next MATMULs, which the model does not price.
              if (step_loads(L, ax) <= cfg.insn_depth && c < best_cycles) best_cycles = c, best = t;
            }
          }
        }
      }
    }
  }
  if (best.toh == 0) best = best_any;
  if (best.toh == 0)
    throw Error(fmt::format("choose_conv_tiling: no tiling of conv {} fits config '{}' (scratchpad {} rows, accumulator {} rows)",
                            s.to_string(), cfg.name, cfg.spad_rows(), cfg.acc_rows()));
  return best;
}

}  // namespace systole::compiler
