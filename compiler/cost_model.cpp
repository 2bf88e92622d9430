// Closed-form cost model of the tiled GEMM (docs/cost_model.md states every term), and the
// tiling search. No instruction is simulated: the steps of a GEMM fall into at most eight
// classes (full or edge tile in M, in N, and K chunk), each evaluated once and weighted by
// its count, so estimate_gemm costs the same for 1x1x1 and 10^4-cube problems.
#include "compiler/cost_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "arch/error.hpp"
#include "compiler/gemm_layout.hpp"
// Header-only use: the micro-architecture constants the timing model defines (one source).
#include "hls/native/timing.hpp"

namespace systole::compiler {

std::string GemmTiling::to_string() const {
  return fmt::format("tm={} tn={} tk={} order={}", tm, tn, tk, order == LoopOrder::MN ? "MN" : "NM");
}

namespace {

// The machine terms the model uses: the config plus the micro-architecture constants of the
// timing model (hls/native/timing.hpp, docs/timing.md).
struct Machine {
  double dim, bw, lat;
  double weight_load;   // cycles to shift DIM weight rows into the shadow buffer
  double array_lat;     // a row's results reach the accumulator this long after it enters
  double store_setup;   // STORE: parameter-row reads, then output-path latency, per instruction
  double insn_beats;    // DRAM beats to fetch one instruction
  double fetch_window;  // instruction fetches in flight
  double depth;         // instructions per unit queue
};

Machine machine(const Config& cfg) {
  Machine mc;
  mc.dim = cfg.dim;
  mc.bw = cfg.dram_bytes_per_cycle;
  mc.lat = cfg.dram_latency;
  using TC = hls::TimingConstants;
  mc.weight_load = double(TC::weight_load_cycles(cfg.dim));
  mc.array_lat = double(TC::array_latency(cfg.dim));
  mc.store_setup = double(TC::kParamReadCycles + TC::kOutputPathLatency);
  mc.insn_beats = std::max(1.0, std::ceil(double(isa::kInsnBytes) / mc.bw));
  mc.fetch_window = TC::kFetchWindow;
  mc.depth = cfg.insn_depth;
  return mc;
}

// DRAM beats of one row transfer (at least one).
inline double beats(const Machine& mc, double row_bytes) { return std::max(1.0, std::ceil(row_bytes / mc.bw)); }

// A dimension split into tiles: `full` tiles of `size` and at most one edge tile.
struct Split {
  uint64_t full, size, edge;  // edge: size of the edge tile, 0 when none
  uint64_t count() const { return full + (edge ? 1 : 0); }
  uint64_t cnt(int i) const { return i == 0 ? full : (edge ? 1 : 0); }
  uint64_t len(int i) const { return i == 0 ? size : edge; }
};
Split split(uint64_t total, uint64_t tile) { return {total / tile, tile, total % tile}; }

}  // namespace

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
  const uint64_t chunks = ceil_div(n_pad, L.chunk_cols);

  // Operand reuse. With several K chunks every step loads new A and B blocks. With one, the
  // steps form runs along the inner tile loop: the outer operand is loaded at a run's first
  // step only (the code generator skips identical loads), the inner one at every step. An
  // inner loop of one tile per N chunk makes the other dimension the inner one.
  const uint64_t n_tiles_per_chunk = std::min<uint64_t>(n_tiles, L.chunk_cols / L.tn);
  bool inner_is_n = true;  // B is the inner operand
  uint64_t run_len = 1;
  if (k_chunks == 1) {
    if (t.order == LoopOrder::MN)
      inner_is_n = n_tiles_per_chunk > 1, run_len = inner_is_n ? n_tiles_per_chunk : m_tiles;
    else
      inner_is_n = m_tiles == 1, run_len = inner_is_n ? n_tiles_per_chunk : m_tiles;
  }
  const Split& s_inner = inner_is_n ? sn : sm;
  const int last_inner = s_inner.edge ? 1 : 0;  // class of a run's last step
  const double kc_steps = double(k_chunks);
  const double settle = mc.array_lat + mc.weight_load + 1;  // results in -> next load may start; load done -> stream

  // The terms of one step of class (mi, ni, ki): full (0) or edge (1) tile in M, N, K.
  struct Terms {
    double ex = 0;                       // execute cycles
    double ld_inner = 0, ld_both = 0;    // load duration: inner operand only / both
    double bt_inner = 0, bt_both = 0;    // their DRAM beats
    double in_inner = 0, in_both = 0;    // their instruction counts (MATMULs and the store share included)
    double st_dur = 0, st_beats = 0;     // the tile's store
  };
  auto terms = [&](int mi, int ni, int ki) {
    Terms r;
    const double mt = double(sm.len(mi));
    const uint64_t nt = sn.len(ni), nb = ceil_div(nt, dim), kc = sk.len(ki), kb = ceil_div(kc, dim);
    const double n_last = double(nt - (nb - 1) * dim), k_last = double(kc - (kb - 1) * dim);
    // Execute: nb*kb MATMULs of mt rows; each weight load (DIM cycles) hides behind the
    // previous MATMUL's stream when that streams at least DIM rows.
    r.ex = double(nb * kb) * std::max(mt, mc.weight_load);
    // Load: kb A loads of mt rows, nb B loads of kc rows; one row request per cycle, the
    // latency pipelined, the data complete a latency after the last request.
    const double a_rows = double(kb) * mt, b_rows = double(nb * kc);
    const double a_beats = double(kb - 1) * mt * beats(mc, mc.dim) + mt * beats(mc, k_last);
    const double b_beats = b_rows * beats(mc, mc.dim);
    const double in_rows = inner_is_n ? b_rows : a_rows, in_beats = inner_is_n ? b_beats : a_beats;
    r.ld_inner = std::max(in_rows, in_beats) + mc.lat + 1;
    r.ld_both = std::max(a_rows + b_rows, a_beats + b_beats) + mc.lat + 1;
    r.bt_inner = in_beats;
    r.bt_both = a_beats + b_beats;
    // Store of the tile: nb STOREs issuing a row per cycle after their setup, the writes
    // sharing the DRAM channel, the last acknowledged a latency later.
    r.st_beats = double(nb - 1) * mt * beats(mc, mc.dim) + mt * beats(mc, n_last);
    r.st_dur = std::max(double(nb) * (mc.store_setup + mt), r.st_beats) + mc.lat;
    const double common = double(nb * kb) + double(nb) / kc_steps;
    r.in_inner = double(inner_is_n ? nb : kb) + common;
    r.in_both = double(nb + kb) + common;
    return r;
  };
  // Cycles of one step. Double buffering: step s's loads start when step s-2's results are
  // in and must finish before step s streams, so T(s-1) + T(s) >= settle + load(s) + E(s).
  // A uniform run shares that evenly (t_prev < 0); a run's first step follows the previous
  // run's last. `contended`: the load starts together with a tile's STOREs (both wait for
  // the same MATMUL) and the one DRAM channel interleaves their rows, so the load's beats
  // stretch by up to the store's. The channel also carries the store's share of the tile and
  // the instruction fetch, which keeps fetch_window instructions in flight, each a latency long.
  auto step_time = [&](const Terms& r, bool both, double t_prev, bool contended) {
    const double bt = both ? r.bt_both : r.bt_inner;
    const double ld = (both ? r.ld_both : r.ld_inner) + (contended ? std::min(bt, r.st_beats) : 0);
    const double insns = both ? r.in_both : r.in_inner;
    const double overlap = t_prev < 0 ? (settle + ld + r.ex) / 2 : settle + ld + r.ex - t_prev;
    const double bus = bt + r.st_beats / kc_steps + insns * mc.insn_beats;
    const double fetch = insns * (mc.lat + mc.insn_beats + 2) / mc.fetch_window;
    // Tiles alternate accumulator buffers the same way, with the store in place of the load.
    const double store = (r.ex * kc_steps + settle + r.st_dur) / (2 * kc_steps);
    return std::max({r.ex, overlap, bus, fetch, store});
  };
  // Average cycles of a step of class (mi, ni, ki). With one K chunk every load meets a
  // store; with several, one step per tile does (its share is 1 / k_chunks).
  auto class_time = [&](int mi, int ni, int ki, const Terms& r, double first) {
    double t_first = 0, t_other = 0;
    if (k_chunks == 1) {
      const int pm = inner_is_n ? mi : last_inner, pn = inner_is_n ? last_inner : ni;
      const double t_prev = run_len > 1 ? step_time(terms(pm, pn, ki), false, -1, true) : -1;
      t_first = step_time(r, true, t_prev, true);
      t_other = step_time(r, false, -1, true);
    } else {
      const double t_u = step_time(r, true, -1, false);
      t_first = t_other = t_u + (step_time(r, true, t_u, true) - t_u) / kc_steps;
    }
    return first * t_first + (1 - first) * t_other;
  };

  CostEstimate e;
  e.macs = uint64_t(s.m) * s.n * s.k;
  double steady = 0, rd_bytes = 0, wr_bytes = 0;
  for (int mi = 0; mi < 2; ++mi) {
    for (int ni = 0; ni < 2; ++ni) {
      for (int ki = 0; ki < 2; ++ki) {
        const double cnt = double(sm.cnt(mi) * sn.cnt(ni) * sk.cnt(ki));
        if (cnt == 0) continue;
        const Terms r = terms(mi, ni, ki);
        // Share of run-first steps in this class: every step without reuse; otherwise one
        // per run, in the class of the inner loop's first tile (full unless there is none).
        const int ic = inner_is_n ? ni : mi;
        double first = 1;
        if (run_len > 1) {
          const double full_per_run = std::max(1.0, double(run_len) - (s_inner.edge ? 1 : 0));
          first = (ic == 0) == (s_inner.full > 0) ? (ic == 0 ? 1 / full_per_run : 1) : 0;
        }
        steady += cnt * class_time(mi, ni, ki, r, first);
        e.compute_cycles += cnt * r.ex;
        e.load_cycles += cnt * (first * r.ld_both + (1 - first) * r.ld_inner);
        e.store_cycles += cnt * r.st_dur / kc_steps;
        const double mt = double(sm.len(mi)), kc = double(sk.len(ki)), nbw = double(ceil_div(sn.len(ni), dim) * dim);
        const double a_bytes = mt * kc, b_bytes = kc * nbw;
        rd_bytes += cnt * (first * (a_bytes + b_bytes) + (1 - first) * (inner_is_n ? b_bytes : a_bytes));
        wr_bytes += cnt * mt * double(sn.len(ni)) / kc_steps;
      }
    }
  }
  // The first step of each N chunk only executes: its loads are the prologue's.
  const int fm = 0, fn = sn.full ? 0 : 1, fk = sk.full ? 0 : 1;
  const Terms first_step = terms(fm, fn, fk);
  steady -= double(chunks) * std::max(0.0, step_time(first_step, true, -1, false) - first_step.ex);
  const Terms last_step = terms(sm.edge ? 1 : 0, sn.edge ? 1 : 0, sk.edge ? 1 : 0);
  // Parameter rows: one accumulator LOAD per N chunk, 3 rows of DIM int32 per column block.
  const double p_rows = double(isa::kParamRows * n_pad / dim);
  const double params = p_rows * beats(mc, 4 * mc.dim);
  rd_bytes += p_rows * 4 * mc.dim;
  e.load_cycles += params + double(chunks) * mc.lat;
  // Prologue: the first instructions arrive a fetch latency after start, then the
  // parameters and the first step's blocks load and the first weights shift in. Epilogue:
  // the last rows leave the array and the last tile is stored. Each later N chunk repeats
  // both (the chunk barrier drains the pipeline).
  const double prologue = (mc.lat + mc.insn_beats + 2) + params / double(chunks) + first_step.ld_both + mc.weight_load;
  const double epilogue = mc.array_lat + last_step.st_dur;
  e.cycles = steady + double(chunks) * (prologue + epilogue);
  e.dram_rd_bytes = uint64_t(rd_bytes + 0.5);
  e.dram_wr_bytes = uint64_t(wr_bytes + 0.5);
  e.utilization = double(e.macs) / (e.cycles * mc.dim * mc.dim);
  return e;
}

namespace {
// Tile sizes that split `total` into balanced tiles, multiples of `step`, largest first:
// for every tile count c, round_up(ceil(total / c), step). Unbalanced sizes only add edge
// work, so they are never better than the balanced size with the same tile count.
std::vector<uint32_t> balanced_sizes(uint64_t total, uint64_t step, uint64_t max_size) {
  std::vector<uint32_t> out;
  const uint64_t blocks = ceil_div(total, step);
  for (uint64_t c = 1; c <= blocks; ++c) {
    const uint64_t v = round_up(ceil_div(total, c), step);
    if (v > max_size) continue;
    if (out.empty() || out.back() != v) out.push_back(uint32_t(v));
  }
  return out;
}
}  // namespace

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

}  // namespace systole::compiler
