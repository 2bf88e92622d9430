// Closed-form cost model of the tiled GEMM and the tiled convolution (docs/cost_model.md
// states every term), and their tiling searches. No instruction is simulated: the steps fall
// into a few classes (full or edge tile along each loop axis), each evaluated once and
// weighted by its count; one step model (estimate_steps) serves both.
#include "compiler/cost_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "arch/error.hpp"
#include "compiler/conv_layout.hpp"
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
  double store_row;     // cycles per requantized row in the output path (1; more with serial requant lanes)
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
  mc.store_row = double(TC::requant_row_cycles(cfg));
  mc.store_setup = double(TC::kParamReadCycles + TC::kOutputPathLatency - 1) + mc.store_row;
  mc.insn_beats = std::max(1.0, std::ceil(double(isa::kInsnBytes) / mc.bw));
  mc.fetch_window = TC::kFetchWindow;
  mc.depth = cfg.insn_depth;
  return mc;
}

// DRAM beats of one row transfer (at least one).
inline double beats(const Machine& mc, double row_bytes) { return std::max(1.0, std::ceil(row_bytes / mc.bw)); }

// DRAM beats of a row of `bytes` at a byte address `off` (mod the bus width): the RTL's DMA
// requests bus-aligned bursts, ceil((off % BW + bytes) / BW) beats (docs/sim.md), so an
// unaligned row costs a beat more. Averaged over the rows of a tensor whose addresses are
// r0 + multiples of `pitch`: their offsets are r0 mod g + k·g (g = gcd(pitch, BW)), taken
// as equally frequent. With a pitch that is a multiple of the bus width this is exact.
// Beats of a row of b >= 1 whole bytes summed over the n = bw / g offsets o = base + k·g
// (base < g): with b = q·bw + rem the row takes q beats when o + rem = 0, q + 2 when
// o + rem > bw, else q + 1.
uint64_t row_beats_sum(uint64_t b, uint64_t base, uint64_t g, uint64_t bw) {
  const uint64_t n = bw / g, q = b / bw, rem = b % bw;
  const uint64_t lim = bw - rem;  // two extra beats when o > lim
  const uint64_t two = rem == 0 ? 0 : base > lim ? n : n - std::min<uint64_t>(n, (lim - base) / g + 1);
  const uint64_t zero = rem == 0 && base == 0 ? 1 : 0;  // the aligned row: q beats, q >= 1
  return (q + 1) * n + two - zero;
}

uint64_t residue(int64_t r0, uint64_t g) { return uint64_t(((r0 % int64_t(g)) + int64_t(g)) % int64_t(g)); }

double avg_row_beats(const Machine& mc, double bytes, int64_t r0, uint64_t pitch) {
  const uint64_t bw = uint64_t(mc.bw);
  if (bw <= 1) return std::max(1.0, bytes);
  const uint64_t g = std::gcd(pitch % bw, bw);  // gcd(0, bw) = bw: every row at r0
  const uint64_t base = residue(r0, g), n = bw / g;
  if (bytes >= 1 && bytes == std::floor(bytes) && bytes < 9.0e15)  // whole bytes: closed form
    return double(row_beats_sum(uint64_t(bytes), base, g, bw)) / double(n);
  double sum = 0;
  for (uint64_t k = 0; k < n; ++k) sum += std::max(1.0, std::ceil((double(base + k * g) + bytes) / mc.bw));
  return sum / double(n);
}

// The load unit keeps at most kLoadFifo LOADs between their first request and their last
// row write (rtl/systole_load.sv, WQ_DEPTH), so a LOAD cannot start before the one kLoadFifo
// earlier has written its last row, about rows + latency + 1 after that one started. Many
// short LOADs (one-pixel GEMM rows, packed first-layer rows) stall the front while the DRAM
// channel idles. Cycles of stall of a step's n_a LOADs of r_a rows then n_b of r_b rows.
constexpr int kLoadFifo = 8;
double load_fifo_stall(const Machine& mc, double n_a, double r_a, double n_b, double r_b) {
  const int na = int(std::lround(n_a)), n = na + int(std::lround(n_b));
  if (n <= kLoadFifo) return 0;
  // No LOAD ever waits when every window of 8 issue gaps covers the retire time of its
  // first LOAD (gaps d = max(1, rows), retire after P = rows + latency + 1).
  const double d_a = std::max(1.0, r_a), d_b = std::max(1.0, r_b);
  const bool a_free = na == 0 || r_a + mc.lat + 1 <= kLoadFifo * (na < n ? std::min(d_a, d_b) : d_a);
  const bool b_free = na == n || r_b + mc.lat + 1 <= kLoadFifo * d_b;
  if (a_free && b_free) return 0;
  double retire[kLoadFifo] = {}, t = 0, stall = 0;
  const int total = std::min(n, 4096);
  // Within a run of LOADs of equal rows the starts settle into one of two regimes, after
  // which they repeat: every start waits for the retire of the LOAD kLoadFifo before
  // (s_i = s_{i-8} + P, P = rows + latency + 1: it stays so, as s_{i-1} + d <= s_{i-7} + P
  // follows), or none waits (8 consecutive unstalled starts with 8·d >= P stay unstalled).
  // Whole periods of 8 LOADs are then skipped in one step: stall P - 8·d, or none, each.
  int seg_lo = 0, unstalled = 0;
  bool jumped = false;
  for (int i = 0; i < total; ++i) {
    if (i == na) seg_lo = i, unstalled = 0, jumped = false;
    const double r = i < na ? r_a : r_b, d = std::max(1.0, r), P = r + mc.lat + 1;
    const bool waits = i >= kLoadFifo && retire[i % kLoadFifo] > t;
    const double start = waits ? retire[i % kLoadFifo] : t;
    stall += start - t;
    retire[i % kLoadFifo] = start + P;
    t = start + d;
    unstalled = waits ? 0 : unstalled + 1;
    const int seg_hi = i < na ? std::min(na, total) : total;
    const bool periodic = waits && i - kLoadFifo >= seg_lo;
    const bool free_run = unstalled >= kLoadFifo && i - kLoadFifo + 1 >= seg_lo && P <= kLoadFifo * d;
    if (!jumped && (periodic || free_run)) {
      jumped = true;
      const int periods = (seg_hi - (i + 1)) / kLoadFifo;
      if (periods > 0) {
        const double shift = periods * (periodic ? P : kLoadFifo * d);
        for (double& x : retire) x += shift;
        t += shift;
        if (periodic) stall += periods * (P - kLoadFifo * d);
        i += periods * kLoadFifo;
      }
    }
  }
  return stall;
}

// Beats of one pixel's (or matrix row's) `channels` bytes, cut into DIM-wide rows, the first
// at channel offset `c0` of a tensor with `pitch` bytes per pixel.
double blocked_row_beats(const Machine& mc, uint64_t channels, int64_t c0, uint64_t pitch) {
  const uint64_t dim = uint64_t(mc.dim), bw = uint64_t(mc.bw);
  if (bw <= 1) {
    double sum = 0;
    for (uint64_t b = 0; b * dim < channels; ++b) sum += avg_row_beats(mc, double(std::min(dim, channels - b * dim)), c0 + int64_t(b * dim), pitch);
    return sum;
  }
  // The full blocks' offsets (c0 + b·DIM) mod g repeat every g / gcd(DIM, g) blocks: sum one
  // period and scale, then the edge block.
  const uint64_t g = std::gcd(pitch % bw, bw), full = channels / dim, edge = channels % dim;
  const uint64_t period = g / std::gcd(dim % g, g);
  uint64_t per_sum = 0, part_sum = 0;
  for (uint64_t b = 0; b < std::min(full, period); ++b) {
    const uint64_t v = row_beats_sum(dim, residue(c0 + int64_t(b * dim), g), g, bw);
    per_sum += v;
    if (b < full % period) part_sum += v;
  }
  uint64_t total = full >= period ? per_sum * (full / period) + part_sum : per_sum;
  if (edge) total += row_beats_sum(edge, residue(c0 + int64_t(full * dim), g), g, bw);
  return double(total) / double(bw / g);
}

// A dimension split into tiles: `full` tiles of `size` and at most one edge tile.
struct Split {
  uint64_t full, size, edge;  // edge: size of the edge tile, 0 when none
  uint64_t count() const { return full + (edge ? 1 : 0); }
  uint64_t cnt(int i) const { return i == 0 ? full : (edge ? 1 : 0); }
  uint64_t len(int i) const { return i == 0 ? size : edge; }
};
Split split(uint64_t total, uint64_t tile) { return {total / tile, tile, total % tile}; }


// ---------------------------------------------------------------------------------------
// The step model shared by GEMM and convolution (docs/cost_model.md, "Terms of one step",
// "Overlap", "Operand reuse", "Whole program"). A tiled problem is a sequence of steps (one
// K chunk of one output tile) in classes along three loop axes: output rows / pixels (M, up
// to 4 classes), output columns / channels (N, full and edge) and K chunks (full and edge).
// The caller supplies each class's terms; everything about overlap, reuse runs, prologue
// and epilogue is computed here once for both.

// The terms of one step of a class.
struct StepTerms {
  double ex = 0;                     // execute cycles
  double ld_inner = 0, ld_both = 0;  // load duration: inner operand only / both
  double bt_inner = 0, bt_both = 0;  // their DRAM beats
  double in_inner = 0, in_both = 0;  // their instruction counts (MATMULs and the store share included)
  double st_dur = 0, st_beats = 0;   // the tile's store
  double st_unit = 0;                // cycles the store unit itself is busy with the tile
  double fifo_inner = 0, fifo_both = 0;  // load-unit front stalls on its LOAD FIFO (load_fifo_stall)
  double rd_inner = 0, rd_both = 0;  // DRAM bytes read by the loads
  double wr = 0;                     // DRAM bytes the tile's store writes
};

struct Axis {
  double count[4] = {0, 0, 0, 0};  // steps per class (the product over axes gives a class's steps)
};

struct TiledSteps {
  Axis m, n, k;
  double k_chunks = 1;
  // Reuse runs (one K chunk only): the inner loop's operand changes every step, the outer
  // one once per run. run_len 1: no reuse.
  bool inner_is_n = true;
  double run_len = 1;
  double inner_per_run[4] = {1, 1, 1, 1};  // steps of each inner-axis class in one run
  int inner_first = 0, inner_last = 0;     // inner-axis class of a run's first / last step
  int first[3] = {0, 0, 0}, last[3] = {0, 0, 0};  // classes (m, n, k) of the program's first / last step
  double chunks = 1;       // parameter chunks: each drains the pipeline (prologue + epilogue)
  double param_rows = 0;   // accumulator parameter rows loaded over the whole program
};

template <class TermsFn>
CostEstimate estimate_steps(const Machine& mc, const TiledSteps& p, TermsFn terms) {
  const double kc_steps = p.k_chunks;
  // Instruction fetch keeps fetch_window words in flight; a window's round trip is the
  // latency plus its words' own beats, which on a channel busy with DMA rows queue behind
  // them rather than overlapping: (L + 2) / window + insn_beats cycles per instruction
  // (fitted to the RTL's cycle counter on fetch-bound programs: one-row GEMMs on tiny).
  const double fetch_per_insn = (mc.lat + 2) / mc.fetch_window + mc.insn_beats;
  const double settle = mc.array_lat + mc.weight_load + 1;  // results in -> next load may start; load done -> stream
  // Cycles of one step. Double buffering: step s's loads start when step s-2's results are
  // in and must finish before step s streams, so T(s-1) + T(s) >= settle + load(s) + E(s).
  // A uniform run shares that evenly (t_prev < 0); a run's first step follows the previous
  // run's last. `contended`: the load starts together with a tile's STOREs (both wait for
  // the same MATMUL) and the one DRAM channel interleaves their rows, so the load's beats
  // stretch by up to the store's. The channel also carries the store's share of the tile and
  // the instruction fetch, which keeps fetch_window instructions in flight, each a latency long.
  auto step_time = [&](const StepTerms& r, bool both, double t_prev, bool contended) {
    const double bt = both ? r.bt_both : r.bt_inner;
    const double fifo = both ? r.fifo_both : r.fifo_inner;
    const double ld = (both ? r.ld_both : r.ld_inner) + fifo + (contended ? std::min(bt, r.st_beats) : 0);
    const double insns = both ? r.in_both : r.in_inner;
    const double overlap = t_prev < 0 ? (settle + ld + r.ex) / 2 : settle + ld + r.ex - t_prev;
    const double bus = bt + r.st_beats / kc_steps + insns * mc.insn_beats + fifo;
    const double fetch = insns * fetch_per_insn;
    // Tiles alternate accumulator buffers the same way, with the store in place of the load.
    double store = (r.ex * kc_steps + settle + r.st_dur) / (2 * kc_steps);
    // Serial requant lanes (output.requant_lanes < dim): the one store unit is the bound
    // when a tile's rows take longer to requantize than the next tile takes to compute.
    if (mc.store_row > 1) store = std::max(store, r.st_unit / kc_steps);
    return std::max({r.ex, overlap, bus, fetch, store});
  };
  // Average cycles of a step of class (mi, ni, ki). With one K chunk every load meets a
  // store; with several, one step per tile does (its share is 1 / k_chunks).
  auto class_time = [&](int mi, int ni, int ki, const StepTerms& r, double first) {
    double t_first = 0, t_other = 0;
    if (p.k_chunks == 1) {
      const int pm = p.inner_is_n ? mi : p.inner_last, pn = p.inner_is_n ? p.inner_last : ni;
      const double t_prev = p.run_len > 1 ? step_time(terms(pm, pn, ki), false, -1, true) : -1;
      t_first = step_time(r, true, t_prev, true);
      t_other = step_time(r, false, -1, true);
    } else {
      const double t_u = step_time(r, true, -1, false);
      t_first = t_other = t_u + (step_time(r, true, t_u, true) - t_u) / kc_steps;
    }
    return first * t_first + (1 - first) * t_other;
  };

  CostEstimate e;
  double steady = 0, rd_bytes = 0, wr_bytes = 0, insns = 0;
  for (int mi = 0; mi < 4; ++mi) {
    for (int ni = 0; ni < 2; ++ni) {
      for (int ki = 0; ki < 2; ++ki) {
        const double cnt = p.m.count[mi] * p.n.count[ni] * p.k.count[ki];
        if (cnt == 0) continue;
        const StepTerms r = terms(mi, ni, ki);
        // Share of run-first steps in this class: every step without reuse; otherwise one
        // per run, in the inner-axis class of the run's first step.
        const int ic = p.inner_is_n ? ni : mi;
        const double first = p.run_len > 1 ? (ic == p.inner_first ? 1 / p.inner_per_run[ic] : 0) : 1;
        steady += cnt * class_time(mi, ni, ki, r, first);
        e.compute_cycles += cnt * r.ex;
        e.load_cycles += cnt * (first * r.ld_both + (1 - first) * r.ld_inner);
        e.store_cycles += cnt * r.st_dur / kc_steps;
        rd_bytes += cnt * (first * r.rd_both + (1 - first) * r.rd_inner);
        insns += cnt * (first * r.in_both + (1 - first) * r.in_inner);
        wr_bytes += cnt * r.wr / kc_steps;
      }
    }
  }
  // The first step of each chunk only executes: its loads are the prologue's.
  const StepTerms first_step = terms(p.first[0], p.first[1], p.first[2]);
  steady -= p.chunks * std::max(0.0, step_time(first_step, true, -1, false) - first_step.ex);
  const StepTerms last_step = terms(p.last[0], p.last[1], p.last[2]);
  // Parameter rows: one accumulator LOAD per chunk, 3 rows of DIM int32 per column block.
  const double params = p.param_rows * beats(mc, 4 * mc.dim);
  rd_bytes += p.param_rows * 4 * mc.dim;
  e.load_cycles += params + p.chunks * mc.lat;
  // Prologue: the first instructions arrive a fetch latency after start, then the
  // parameters and the first step's blocks load and the first weights shift in. Epilogue:
  // the last rows leave the array and the last tile is stored. Each later chunk repeats
  // both (the chunk barrier drains the pipeline).
  const double prologue = (mc.lat + mc.insn_beats + 2) + params / p.chunks + first_step.ld_both + mc.weight_load;
  const double epilogue = mc.array_lat + last_step.st_dur;
  e.cycles = steady + p.chunks * (prologue + epilogue);
  // Whole-program fetch bound: the last instruction arrives no earlier than every one before
  // it has been fetched (what bounds programs of one or a few fetch-bound steps, whose first
  // step the sum above counts as execute only).
  e.cycles = std::max(e.cycles, (insns + p.chunks) * fetch_per_insn + mc.lat + epilogue);
  e.dram_rd_bytes = uint64_t(rd_bytes + 0.5);
  e.dram_wr_bytes = uint64_t(wr_bytes + 0.5);
  return e;
}

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
