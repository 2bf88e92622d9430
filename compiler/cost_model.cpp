// Closed-form cost model of the tiled GEMM and its tiling search (docs/cost_model.md states
// every term); the convolution's is in conv_cost.cpp. No instruction is simulated: the steps
// fall into a few classes (full or edge tile along each loop axis), each evaluated once and
// weighted by its count; one step model (cost_steps.hpp, estimate_steps) serves both.
#include "compiler/cost_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "arch/error.hpp"
#include "arch/isa_gen.hpp"
#include "compiler/cost_steps.hpp"
#include "compiler/gemm_layout.hpp"

namespace systole::compiler {

using namespace cost_detail;

std::string GemmTiling::to_string() const {
  return fmt::format("tm={} tn={} tk={} order={}", tm, tn, tk, order == LoopOrder::MN ? "MN" : "NM");
}


bool fits_gemm_tiling(const Config& cfg, const GemmShape& s, const GemmTiling& t) {
  return gemm_layout(cfg, s, t, false).fits;
}

CostEstimate estimate_gemm(const Config& cfg, const GemmShape& s, const GemmTiling& t) {
  const GemmLayout L = gemm_layout(cfg, s, t, false);
  if (!L.fits) throw Error(gemm_layout(cfg, s, t, true).why);
  const Machine mc = machine(cfg);
  const uint64_t dim = cfg.dim;
  const Split sm = split(s.m, L.tm), sn = split(s.n, L.tn), sk = split(s.k, L.tk);
  const uint64_t m_tiles = sm.count(), n_tiles = sn.count(), k_chunks = sk.count();
  const uint64_t n_pad = round_up(s.n, dim);

  TiledSteps p;
  for (int i = 0; i < 2; ++i) p.m.count[i] = double(sm.cnt(i)), p.n.count[i] = double(sn.cnt(i)), p.k.count[i] = double(sk.cnt(i));
  p.k_chunks = double(k_chunks);
  // Operand reuse. With several K chunks every step loads new A and B blocks. With one, the
  // steps form runs along the inner tile loop: the outer operand is loaded at a run's first
  // step only (the code generator skips identical loads), the inner one at every step. An
  // inner loop of one tile per N chunk makes the other dimension the inner one.
  const uint64_t n_tiles_per_chunk = std::min<uint64_t>(n_tiles, L.chunk_cols / L.tn);
  if (k_chunks == 1) {
    if (t.order == LoopOrder::MN)
      p.inner_is_n = n_tiles_per_chunk > 1, p.run_len = double(p.inner_is_n ? n_tiles_per_chunk : m_tiles);
    else
      p.inner_is_n = m_tiles == 1, p.run_len = double(p.inner_is_n ? n_tiles_per_chunk : m_tiles);
  }
  const Split& s_inner = p.inner_is_n ? sn : sm;
  p.inner_first = s_inner.full > 0 ? 0 : 1;
  p.inner_last = s_inner.edge ? 1 : 0;
  p.inner_per_run[0] = std::max(1.0, p.run_len - (s_inner.edge ? 1 : 0));
  p.first[0] = 0, p.first[1] = sn.full ? 0 : 1, p.first[2] = sk.full ? 0 : 1;
  p.last[0] = sm.edge ? 1 : 0, p.last[1] = sn.edge ? 1 : 0, p.last[2] = sk.edge ? 1 : 0;
  p.chunks = double(ceil_div(n_pad, L.chunk_cols));
  p.param_rows = double(isa::kParamRows * n_pad / dim);

  const double kc_steps = double(k_chunks);
  const bool inner_is_n = p.inner_is_n;
  // The terms of one step of class (mi, ni, ki): full (0) or edge (1) tile in M, N, K.
  auto terms = [&](int mi, int ni, int ki) {
    StepTerms r;
    const double mt = double(sm.len(mi));
    const uint64_t nt = sn.len(ni), nb = ceil_div(nt, dim), kc = sk.len(ki), kb = ceil_div(kc, dim);
    // Execute: nb*kb MATMULs of mt rows; each weight load (DIM cycles) hides behind the
    // previous MATMUL's stream when that streams at least DIM rows.
    r.ex = double(nb * kb) * std::max(mt, mc.weight_load);
    // Load: kb A loads of mt rows, nb B loads of kc rows; one row request per cycle, the
    // latency pipelined, the data complete a latency after the last request.
    const double a_rows = double(kb) * mt, b_rows = double(nb * kc);
    // A rows are K bytes apart, C rows N bytes apart: unaligned when K or N is not a
    // multiple of the bus width.
    const double a_beats = mt * blocked_row_beats(mc, kc, ki == 0 ? 0 : int64_t(sk.full * L.tk), s.k);
    const double b_beats = b_rows * beats(mc, mc.dim);
    const double in_rows = inner_is_n ? b_rows : a_rows, in_beats = inner_is_n ? b_beats : a_beats;
    r.ld_inner = std::max(in_rows, in_beats) + mc.lat + 1;
    r.ld_both = std::max(a_rows + b_rows, a_beats + b_beats) + mc.lat + 1;
    r.fifo_both = load_fifo_stall(mc, double(kb), mt, double(nb), double(kc));
    r.fifo_inner = inner_is_n ? load_fifo_stall(mc, 0, 0, double(nb), double(kc)) : load_fifo_stall(mc, double(kb), mt, 0, 0);
    r.bt_inner = in_beats;
    r.bt_both = a_beats + b_beats;
    // Store of the tile: nb STOREs issuing a row per cycle after their setup, the writes
    // sharing the DRAM channel, the last acknowledged a latency later.
    r.st_beats = mt * blocked_row_beats(mc, nt, ni == 0 ? 0 : int64_t(sn.full * L.tn), s.n);
    r.st_unit = double(nb) * (mc.store_setup + mt * mc.store_row);
    r.st_dur = std::max(r.st_unit, r.st_beats) + mc.lat;
    const double common = double(nb * kb) + double(nb) / kc_steps;
    r.in_inner = double(inner_is_n ? nb : kb) + common;
    r.in_both = double(nb + kb) + common;
    const double a_bytes = mt * double(kc), b_bytes = double(kc) * double(nb * dim);
    r.rd_both = a_bytes + b_bytes;
    r.rd_inner = inner_is_n ? b_bytes : a_bytes;
    r.wr = mt * double(nt);
    return r;
  };
  CostEstimate e = estimate_steps(mc, p, terms);
  e.macs = uint64_t(s.m) * s.n * s.k;
  e.array_rows = uint64_t(s.m) * ceil_div(s.n, dim) * ceil_div(s.k, dim);  // each row: one MATMUL per (N, K) block
  e.weight_rows = m_tiles * ceil_div(s.n, dim) * s.k;                     // every M tile reads all weight rows
  e.utilization = double(e.macs) / (e.cycles * mc.dim * mc.dim);
  return e;
}


GemmTiling choose_gemm_tiling(const Config& cfg, const GemmShape& s) {
  if (s.m == 0 || s.n == 0 || s.k == 0)
    throw Error(fmt::format("choose_gemm_tiling: GEMM shape {}x{}x{} has a zero dimension", s.m, s.n, s.k));
  const uint64_t dim = cfg.dim;
  // Upper bounds from capacity alone (gemm_layout decides the exact fit): two accumulator
  // tiles of at least one row or one column block, two scratchpad K chunks of one block.
  const std::vector<uint32_t> tms = balanced_sizes(s.m, dim, std::min<uint64_t>(0xffff, cfg.acc_rows() / 2));
  const std::vector<uint32_t> tns = balanced_sizes(s.n, dim, uint64_t(cfg.acc_rows()) / 2 * dim);
  const std::vector<uint32_t> tks = balanced_sizes(s.k, dim, std::min<uint64_t>(0xffff, cfg.spad_rows() / 2));
  // A step whose LOADs outnumber the load queue stalls the in-order fetch in front of the
  // next step's MATMULs, which the model does not price: such tilings only serve when no
  // other fits.
  GemmTiling best, best_any;
  double best_cycles = std::numeric_limits<double>::infinity(), best_any_cycles = best_cycles;
  for (LoopOrder order : {LoopOrder::MN, LoopOrder::NM}) {
    for (uint32_t tm : tms) {
      for (uint32_t tn : tns) {
        for (uint32_t tk : tks) {
          const GemmTiling t{tm, tn, tk, order};
          const GemmLayout L = gemm_layout(cfg, s, t, false);
          if (!L.fits) continue;
          const double c = estimate_gemm(cfg, s, t).cycles;
          if (c < best_any_cycles) best_any_cycles = c, best_any = t;
          if (L.k_blocks + L.n_blocks <= cfg.insn_depth && c < best_cycles) best_cycles = c, best = t;
        }
      }
    }
  }
  if (best.tm == 0) best = best_any;
  if (best.tm == 0)
    throw Error(fmt::format("choose_gemm_tiling: no tiling of {}x{}x{} fits config '{}' (scratchpad {} rows, accumulator {} rows)",
                            s.m, s.n, s.k, cfg.name, cfg.spad_rows(), cfg.acc_rows()));
  return best;
}

// ---------------------------------------------------------------------------------------
// Convolution.

uint32_t ConvShape::out_h() const {
  const int64_t span = int64_t(h) + pad_top + pad_bottom - int64_t(dil_h) * (int64_t(kh) - 1) - 1;
  return span < 0 || !stride_h ? 0 : uint32_t(span / stride_h + 1);
}

uint32_t ConvShape::out_w() const {
  const int64_t span = int64_t(w) + pad_left + pad_right - int64_t(dil_w) * (int64_t(kw) - 1) - 1;
  return span < 0 || !stride_w ? 0 : uint32_t(span / stride_w + 1);
}

uint64_t ConvShape::macs() const {
  return groups ? uint64_t(n) * out_h() * out_w() * c_out * kh * kw * (c_in / groups) : 0;
}

std::string ConvShape::to_string() const {
  std::string r = fmt::format("{}x{}x{}x{} -> {} k{}x{} s{}x{} p{},{},{},{}", n, h, w, c_in, c_out, kh, kw, stride_h,
                              stride_w, pad_top, pad_left, pad_bottom, pad_right);
  if (dil_h != 1 || dil_w != 1) r += fmt::format(" d{}x{}", dil_h, dil_w);
  if (groups != 1) r += fmt::format(" g{}", groups);
  if (in_c_total) r += fmt::format(" in[{}+{}/{}]", in_c_offset, c_in, in_c_total);
  if (out_c_total) r += fmt::format(" out[{}+{}/{}]", out_c_offset, c_out, out_c_total);
  return r;
}

}  // namespace systole::compiler
