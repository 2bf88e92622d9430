// Machine terms and DMA terms of the cost model's step model (cost_steps.hpp).
#include "compiler/cost_steps.hpp"

#include <numeric>

#include "compiler/gemm_layout.hpp"  // ceil_div, round_up
// Header-only use: the micro-architecture constants the timing model defines (one source).
#include "hls/native/timing.hpp"

namespace systole::compiler::cost_detail {

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
  mc.fetch_window = cfg.fetch_window;
  mc.depth = cfg.insn_depth;
  return mc;
}

namespace {

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


}  // namespace

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

}  // namespace systole::compiler::cost_detail
