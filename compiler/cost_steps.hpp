// The step model shared by the GEMM and convolution cost models (compiler/cost_model.cpp,
// compiler/conv_cost.cpp): the machine terms, the DMA terms of rows and LOAD streams, tile
// splits, and estimate_steps, which turns the terms of each step class into a program's
// cycles (docs/cost_model.md). Internal to the compiler.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "arch/config.hpp"
#include "compiler/cost_model.hpp"

namespace systole::compiler::cost_detail {

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

Machine machine(const Config& cfg);

// DRAM beats of one row transfer (at least one).
inline double beats(const Machine& mc, double row_bytes) { return std::max(1.0, std::ceil(row_bytes / mc.bw)); }

// DRAM beats of a row of `bytes` at a byte address `off` (mod the bus width): the RTL's DMA
// requests bus-aligned bursts, ceil((off % BW + bytes) / BW) beats (docs/sim.md), so an
// unaligned row costs a beat more. Averaged over the rows of a tensor whose addresses are
// r0 + multiples of `pitch`: their offsets are r0 mod g + k·g (g = gcd(pitch, BW)), taken
// as equally frequent. With a pitch that is a multiple of the bus width this is exact.
double avg_row_beats(const Machine& mc, double bytes, int64_t r0, uint64_t pitch);

// The load unit keeps at most kLoadFifo LOADs between their first request and their last
// row write (rtl/systole_load.sv, WQ_DEPTH), so a LOAD cannot start before the one kLoadFifo
// earlier has written its last row, about rows + latency + 1 after that one started. Many
// short LOADs (one-pixel GEMM rows, packed first-layer rows) stall the front while the DRAM
// channel idles. Cycles of stall of a step's n_a LOADs of r_a rows then n_b of r_b rows.
double load_fifo_stall(const Machine& mc, double n_a, double r_a, double n_b, double r_b);

// Beats of one pixel's (or matrix row's) `channels` bytes, cut into DIM-wide rows, the first
// at channel offset `c0` of a tensor with `pitch` bytes per pixel.
double blocked_row_beats(const Machine& mc, uint64_t channels, int64_t c0, uint64_t pitch);

// Tile sizes that split `total` into balanced tiles, multiples of `step`, largest first:
// for every tile count c, round_up(ceil(total / c), step). Unbalanced sizes only add edge
// work, so they are never better than the balanced size with the same tile count.
std::vector<uint32_t> balanced_sizes(uint64_t total, uint64_t step, uint64_t max_size);

// A dimension split into tiles: `full` tiles of `size` and at most one edge tile.
struct Split {
  uint64_t full, size, edge;  // edge: size of the edge tile, 0 when none
  uint64_t count() const { return full + (edge ? 1 : 0); }
  uint64_t cnt(int i) const { return i == 0 ? full : (edge ? 1 : 0); }
  uint64_t len(int i) const { return i == 0 ? size : edge; }
};
inline Split split(uint64_t total, uint64_t tile) { return {total / tile, tile, total % tile}; }

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

}  // namespace systole::compiler::cost_detail
