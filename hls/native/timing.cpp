// Event simulation behind estimate_timing(). Five actors (fetch request, fetch dispatch,
// load, execute, store) each know the cycle of their next action or that they are blocked;
// the actor with the earliest action goes next. Processing actions in cycle order is what
// lets the one DRAM channel serve requests first-come first-served across units. Every
// blocked actor is unblocked by another actor's action at a cycle no earlier than the
// current one, so the order stays causal. Rules and constants: docs/timing.md.
#include "hls/native/timing.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace systole::hls {
namespace {

constexpr uint64_t kNever = UINT64_MAX;
constexpr uint32_t kNoChannel = 4;

// Channel used by each token flag of each unit (load, execute, store); kNoChannel where
// the unit has no such neighbour (such flags are faults in the functional model).
struct FlagChannels {
  uint32_t pop_prev, pop_next, push_prev, push_next;
};
constexpr FlagChannels kChannels[3] = {
    {kNoChannel, 1, kNoChannel, 0},  // load: pops exec->load, pushes load->exec
    {0, 3, 1, 2},                    // execute
    {2, kNoChannel, 3, kNoChannel},  // store: pops exec->store, pushes store->exec
};
constexpr const char* kChannelNames[4] = {"load->execute", "execute->load", "execute->store", "store->execute"};

// The fields timing needs, decoded once per instruction.
struct Decoded {
  bool legal = false;
  isa::Unit unit = isa::Unit::Load;
  uint32_t pops[2] = {kNoChannel, kNoChannel};
  uint32_t pushes[2] = {kNoChannel, kNoChannel};
  // LOAD: pad_before / data / pad_after rows; STORE: data rows. bytes per DRAM row.
  uint64_t pad_before = 0, data_rows = 0, pad_after = 0, row_bytes = 0;
  bool raw = false;
  // MATMUL
  bool load_weights = false;
  uint64_t stream_rows = 0;
};

template <typename T>
void decode_tokens(const T& x, isa::Unit u, Decoded& d) {
  const FlagChannels& c = kChannels[uint32_t(u)];
  d.pops[0] = x.pop_prev ? c.pop_prev : kNoChannel;
  d.pops[1] = x.pop_next ? c.pop_next : kNoChannel;
  d.pushes[0] = x.push_prev ? c.push_prev : kNoChannel;
  d.pushes[1] = x.push_next ? c.push_next : kNoChannel;
}

Decoded decode(const isa::Insn& w) {
  Decoded d;
  const uint32_t op = isa::opcode_bits(w);
  if (!isa::is_valid_opcode(op)) return d;
  d.legal = true;
  d.unit = isa::unit_of(isa::Opcode(op));
  switch (isa::Opcode(op)) {
    case isa::Opcode::LOAD: {
      const isa::LoadInsn x = isa::unpack_load(w);
      decode_tokens(x, d.unit, d);
      d.pad_before = x.y_pad_before;
      d.data_rows = x.y_size;
      d.pad_after = x.y_pad_after;
      d.row_bytes = uint64_t(x.x_size) * (x.target == uint32_t(isa::Target::Acc) ? 4 : 1);
      break;
    }
    case isa::Opcode::MATMUL: {
      const isa::MatmulInsn x = isa::unpack_matmul(w);
      decode_tokens(x, d.unit, d);
      d.load_weights = x.load_weights != 0;
      d.stream_rows = uint64_t(x.rows) * x.outer;
      break;
    }
    case isa::Opcode::STORE: {
      const isa::StoreInsn x = isa::unpack_store(w);
      decode_tokens(x, d.unit, d);
      d.data_rows = x.y_size;
      d.raw = x.raw != 0;
      d.row_bytes = uint64_t(x.x_size) * (x.raw ? 4 : 1);
      break;
    }
  }
  return d;
}

class Sim {
 public:
  Sim(const Config& cfg, const std::vector<isa::Insn>& prog) : cfg_(cfg), n_(uint32_t(prog.size())) {
    dec_.reserve(prog.size());
    for (const isa::Insn& w : prog) dec_.push_back(decode(w));
    rep_.insns.resize(prog.size());
    arrive_.resize(prog.size());
    dispatched_at_.resize(prog.size());
  }

  TimingReport run() {
    for (;;) {
      int who = -1;
      uint64_t when = kNever;
      for (int a = 0; a < 5; ++a) {
        const uint64_t t = ready(a);
        if (t < when) when = t, who = a;
      }
      if (who < 0) break;
      act(who, when);
    }
    finish_report();
    return std::move(rep_);
  }

 private:
  enum Phase { kIdle, kTaken, kIssuing };
  struct Unit {
    std::vector<uint32_t> queue;      // instructions dispatched to the unit, in order
    std::vector<uint64_t> taken_at;   // cycle each of them was taken (size = number taken)
    Phase phase = kIdle;
    uint32_t cur = 0;                 // instruction in the unit's instruction register
    uint64_t free_at = 0;             // earliest cycle the unit can take its next instruction
    uint64_t busy_until = 0;          // end of the union of busy intervals counted so far
    uint64_t last_done = 0;           // instructions retire in order
    // DMA row issue state of the current LOAD / STORE.
    uint64_t row = 0, next_issue = 0, writer_free = 0, last_end = 0;
    // STORE row pipeline: next read, this row's read, last request, last data beat, and when
    // each of the last kStoreRowBuffer rows left the row buffer.
    uint64_t read_next = 0, read_at = 0, last_req = 0, last_data = 0, ring = 0;
    uint64_t data_done[TimingConstants::kStoreRowBuffer] = {};
  };
  struct Channel {
    std::vector<uint64_t> push, pop;  // cycle of each push / pop, in channel order
  };

  // --- DRAM: one channel, FCFS in request order (= cycle order of the actions) ---------
  uint64_t transfer(uint64_t issue, uint64_t bytes) {
    const uint64_t bw = cfg_.dram_bytes_per_cycle;
    const uint64_t beats = std::max<uint64_t>(1, (bytes + bw - 1) / bw);
    const uint64_t first = std::max(issue + cfg_.dram_latency, bus_free_);
    bus_free_ = first + beats;
    return bus_free_;  // the cycle after the last beat: data usable / write acknowledged
  }

  uint64_t ready(int actor) const {
    switch (actor) {
      case 0: return fetch_request_ready();
      case 1: return fetch_dispatch_ready();
      default: return unit_ready(uint32_t(actor - 2));
    }
  }

  void act(int actor, uint64_t t) {
    switch (actor) {
      case 0: return fetch_request(t);
      case 1: return fetch_dispatch(t);
      default: return unit_act(uint32_t(actor - 2), t);
    }
  }

  // --- fetch ---------------------------------------------------------------------------
  // Burst size of the next fetch request: as many words as the window has free slots, and
  // ending on a beat boundary unless it ends the program (docs/timing.md, Fetch).
  uint32_t fetch_burst() const {
    const uint32_t W = cfg_.fetch_window, wpb = std::max<uint32_t>(1, cfg_.dram_bytes_per_cycle / 16);
    const uint32_t free = W - (req_next_ - disp_next_), remaining = n_ - req_next_;
    uint32_t n = std::min(free, remaining);
    if (wpb > 1 && n != remaining) n -= (req_next_ % wpb + n) % wpb;  // insn_base beat-aligned
    return n >= std::min(TimingConstants::kFetchMinBurst, remaining) ? n : 0;
  }
  uint64_t fetch_request_ready() const {
    if (halted_ || req_next_ >= n_) return kNever;
    // A burst possible now became possible with the last dispatch at the latest (the event
    // loop would have run it before that dispatch otherwise): not before the cycle after it.
    if (fetch_burst()) return std::max(req_time_, disp_next_ ? dispatched_at_[disp_next_ - 1] + 1 : 0);
    // Wait for the dispatches that free enough slots.
    const uint32_t W = cfg_.fetch_window;
    const uint32_t want = std::min(TimingConstants::kFetchMinBurst, n_ - req_next_);
    if (req_next_ + want <= W) return req_time_;      // (only a beat-boundary trim got here)
    const uint32_t frees = req_next_ + want - W - 1;  // the dispatch that frees the last slot needed
    if (frees >= disp_next_) return kNever;
    return std::max(req_time_, dispatched_at_[frees] + 1);
  }
  void fetch_request(uint64_t t) {
    const uint32_t n = std::max<uint32_t>(1, fetch_burst());
    const uint64_t bw = cfg_.dram_bytes_per_cycle, first_byte = uint64_t(req_next_) * isa::kInsnBytes;
    const uint64_t first = std::max(t + cfg_.dram_latency, bus_free_);
    // Word j is complete after the beat holding its last byte (insn_base beat-aligned assumed).
    const uint64_t off = bw > isa::kInsnBytes ? first_byte % bw : 0;
    for (uint32_t j = 0; j < n; ++j)
      arrive_[req_next_ + j] = first + (off + (uint64_t(j) + 1) * isa::kInsnBytes + bw - 1) / bw;
    bus_free_ = first + (off + uint64_t(n) * isa::kInsnBytes + bw - 1) / bw;
    fetch_bytes_ += uint64_t(n) * isa::kInsnBytes;
    req_next_ += n;
    req_time_ = t + 1;
  }

  uint64_t fetch_dispatch_ready() const {
    if (halted_ || disp_next_ >= req_next_) return kNever;
    uint64_t t = std::max(arrive_[disp_next_], disp_time_);
    const Decoded& d = dec_[disp_next_];
    if (!d.legal) return t;  // the action halts fetching
    const Unit& u = units_[uint32_t(d.unit)];
    const size_t depth = cfg_.insn_depth;
    if (u.queue.size() - u.taken_at.size() >= depth) return kNever;  // full: wait for a take
    if (u.queue.size() >= depth) t = std::max(t, u.taken_at[u.queue.size() - depth] + 1);
    return t;
  }
  void fetch_dispatch(uint64_t t) {
    const uint32_t i = disp_next_;
    if (!dec_[i].legal) {
      halted_ = true;
      rep_.completed = false;
      rep_.stuck = fmt::format("instruction {} has an illegal opcode: fetch stopped", i);
      return;
    }
    Unit& u = units_[uint32_t(dec_[i].unit)];
    u.queue.push_back(i);
    dispatched_at_[i] = t;
    InsnTiming& r = rep_.insns[i];
    r.unit = dec_[i].unit;
    r.dispatch = t;
    ++disp_next_;
    disp_time_ = t + 1;  // one instruction dispatched per cycle
  }

  // --- units ---------------------------------------------------------------------------
  uint64_t unit_ready(uint32_t k) const {
    const Unit& u = units_[k];
    switch (u.phase) {
      case kIdle: {
        const size_t next = u.taken_at.size();
        if (next >= u.queue.size()) return kNever;
        return std::max(u.free_at, dispatched_at_[u.queue[next]] + 1);
      }
      case kTaken: return start_ready(u);
      case kIssuing: return u.next_issue;
    }
    return kNever;
  }

  // Earliest start of the instruction in the unit's register: after its take, after the
  // push each pop consumes, and after a pop frees room on each channel it pushes to.
  uint64_t start_ready(const Unit& u) const {
    const Decoded& d = dec_[u.cur];
    uint64_t t = rep_.insns[u.cur].take;
    for (uint32_t c : d.pops) {
      if (c == kNoChannel) continue;
      const Channel& ch = ch_[c];
      if (ch.push.size() <= ch.pop.size()) return kNever;
      t = std::max(t, ch.push[ch.pop.size()]);
    }
    for (uint32_t c : d.pushes) {
      if (c == kNoChannel) continue;
      const Channel& ch = ch_[c];
      if (ch.push.size() < cfg_.token_depth) continue;
      const size_t frees = ch.push.size() - cfg_.token_depth;
      if (frees >= ch.pop.size()) return kNever;
      t = std::max(t, ch.pop[frees]);
    }
    return t;
  }

  void unit_act(uint32_t k, uint64_t t) {
    Unit& u = units_[k];
    if (u.phase == kIdle) {
      u.cur = u.queue[u.taken_at.size()];
      u.taken_at.push_back(t);
      rep_.insns[u.cur].take = t;
      u.phase = kTaken;
    } else if (u.phase == kTaken) {
      start(k, t);
    } else {
      issue_row(k, t);
    }
  }

  void start(uint32_t k, uint64_t t) {
    Unit& u = units_[k];
    const Decoded& d = dec_[u.cur];
    InsnTiming& r = rep_.insns[u.cur];
    r.start = t;
    for (uint32_t c : d.pops)
      if (c != kNoChannel) ch_[c].pop.push_back(t);
    // Waiting for tokens counts only while the unit is not busy with earlier instructions.
    const uint64_t idle_from = std::max(r.take, u.busy_until);
    if (t > idle_from) wait_[k] += t - idle_from;

    if (d.unit == isa::Unit::Execute) return execute(u, t);
    if (d.unit == isa::Unit::Load) {
      // In-order SRAM writer, 1 row/cycle, on the instruction from the cycle after its start:
      // padding rows need no DRAM and go first.
      u.writer_free = std::max(t + 1, u.writer_free);
      if (d.data_rows && d.row_bytes) {
        u.writer_free += d.pad_before;
        u.phase = kIssuing, u.row = 0, u.next_issue = t;  // the first request in the start cycle
        return;
      }
      const uint64_t rows = d.pad_before + d.data_rows + d.pad_after;  // x_size = 0: all padding
      u.writer_free += std::max<uint64_t>(rows, 1);  // with no rows it still retires in turn
      return retire(u, t, u.writer_free, t + 1);
    }
    // STORE: from the next cycle, parameter rows (output path mode), then one acc row per cycle
    // while the row buffer has room; a row's write request goes out kOutputPathLatency cycles
    // after its read, its data beats follow in order on the one write-data channel.
    const uint64_t first_read = t + 1 + (d.raw ? 0 : TimingConstants::kParamReadCycles);
    if (d.data_rows && d.row_bytes) {
      u.phase = kIssuing, u.row = 0, u.last_end = 0, u.read_next = first_read;
      u.next_issue = store_request_time(u);
      return;
    }
    retire(u, t, t + 2, t + 1);  // retires in turn the cycle after its start
  }

  // Earliest request of the STORE row u.row: read once one of the kStoreRowBuffer buffered
  // rows has left (its last data beat), request kOutputPathLatency later, one per cycle.
  // A requantized row spends row_cycles in the output path (serial requant lanes: docs/timing.md).
  uint64_t store_request_time(Unit& u) {
    const uint64_t freed = u.data_done[u.ring % TimingConstants::kStoreRowBuffer];
    u.read_at = std::max(u.read_next, freed);
    return std::max(u.read_at + TimingConstants::kOutputPathLatency - 1 + row_cycles(dec_[u.cur]), u.last_req + 1);
  }
  uint64_t row_cycles(const Decoded& d) const { return d.raw ? 1 : requant_row_cycles_; }

  void issue_row(uint32_t k, uint64_t t) {
    Unit& u = units_[k];
    const Decoded& d = dec_[u.cur];
    const uint64_t end = transfer(t, d.row_bytes);
    const uint64_t beats = std::max<uint64_t>(1, (d.row_bytes + cfg_.dram_bytes_per_cycle - 1) / cfg_.dram_bytes_per_cycle);
    ++u.row;
    if (d.unit == isa::Unit::Load) {
      // Written in the cycle its last beat arrives, or when the writer gets to it.
      u.writer_free = std::max(end - 1, u.writer_free + beats - 1) + 1;
      u.next_issue = t + 1;  // one DRAM request per cycle
      if (u.row < d.data_rows) return;
      u.writer_free += d.pad_after;
      return retire(u, rep_.insns[u.cur].start, u.writer_free, t + 1);
    }
    // STORE: data beats after the request and after the previous row's; the response comes
    // after both the data and the bus slots.
    const uint64_t data_done = std::max(t + 1, u.last_data) + beats;
    u.last_data = data_done;
    u.data_done[u.ring++ % TimingConstants::kStoreRowBuffer] = data_done;
    u.last_end = std::max({u.last_end, end, data_done});
    u.last_req = t;
    u.read_next = u.read_at + row_cycles(d);
    if (u.row < d.data_rows) {
      u.next_issue = store_request_time(u);
      return;
    }
    // The next STORE starts once the output path takes a row (its parameters may change).
    retire(u, rep_.insns[u.cur].start, u.last_end + 1, u.read_at + row_cycles(d));
  }

  // MATMUL: front stage (token pops, weight load into the shadow buffer) overlaps the
  // previous instruction's streaming; streaming starts when both its weights are loaded
  // and the previous streaming ended; results land array_latency cycles after a row enters.
  void execute(Unit& u, uint64_t t) {
    const Decoded& d = dec_[u.cur];
    const uint64_t wl_end = t + (d.load_weights ? TimingConstants::weight_load_cycles(cfg_.dim) : 0);
    const uint64_t stream_start = std::max(wl_end, stream_end_);
    const uint64_t stream_end = stream_start + d.stream_rows;
    add_busy(u, 1, t, wl_end);
    add_busy(u, 1, stream_start, stream_end);
    stream_end_ = stream_end;
    array_rows_ += d.stream_rows;
    const uint64_t done = d.stream_rows ? stream_end + TimingConstants::array_latency(cfg_.dim)
                                        : std::max(stream_start, t + 1);
    u.free_at = std::max(stream_start, t + 1);  // the front stage takes the next instruction
    finish(u, done);
  }

  // LOAD / STORE end: busy from start to done; the unit takes its next instruction once
  // its last request issued (`next_free`), so DMA instructions pipeline back to back.
  void retire(Unit& u, uint64_t start, uint64_t done, uint64_t next_free) {
    const uint32_t k = uint32_t(dec_[u.cur].unit);
    done = std::max(done, start + 1);
    add_busy(u, k, start, std::max(done, u.last_done));
    u.free_at = next_free;
    const Decoded& d = dec_[u.cur];
    if (k == 0) rd_bytes_ += d.data_rows * d.row_bytes;
    else wr_bytes_ += d.data_rows * d.row_bytes;
    finish(u, done);
  }

  void finish(Unit& u, uint64_t done) {
    done = std::max(done, u.last_done);  // in-order retirement keeps token order meaningful
    u.last_done = done;
    const Decoded& d = dec_[u.cur];
    for (uint32_t c : d.pushes)
      if (c != kNoChannel) ch_[c].push.push_back(done);
    InsnTiming& r = rep_.insns[u.cur];
    r.done = done;
    r.ran = true;
    ++retired_;
    end_ = std::max(end_, done);
    u.phase = kIdle;
  }

  void add_busy(Unit& u, uint32_t k, uint64_t from, uint64_t to) {
    from = std::max(from, u.busy_until);
    if (to > from) busy_[k] += to - from;
    u.busy_until = std::max(u.busy_until, to);
  }

  void finish_report() {
    if (rep_.completed && retired_ < n_) {
      rep_.completed = false;
      std::string what;
      for (uint32_t k = 0; k < 3; ++k) {
        const Unit& u = units_[k];
        if (u.phase != kTaken) continue;
        for (uint32_t c : dec_[u.cur].pops)
          if (c != kNoChannel && ch_[c].push.size() <= ch_[c].pop.size())
            what += fmt::format("; {} instruction {} waits for a {} token", isa::kUnitNames[k], u.cur, kChannelNames[c]);
        for (uint32_t c : dec_[u.cur].pushes)
          if (c != kNoChannel && ch_[c].push.size() >= cfg_.token_depth)
            what += fmt::format("; {} instruction {} waits for room on {}", isa::kUnitNames[k], u.cur, kChannelNames[c]);
      }
      rep_.stuck = fmt::format("deadlock after {} of {} instructions{}", retired_, n_, what);
    }
    Counters& c = rep_.counters;
    c[isa::Counter::Cycles] = end_;
    c[isa::Counter::Insns] = retired_;
    c[isa::Counter::LoadBusy] = busy_[0];
    c[isa::Counter::LoadWait] = wait_[0];
    c[isa::Counter::ExecBusy] = busy_[1];
    c[isa::Counter::ExecWait] = wait_[1];
    c[isa::Counter::StoreBusy] = busy_[2];
    c[isa::Counter::StoreWait] = wait_[2];
    c[isa::Counter::ArrayRows] = array_rows_;
    c[isa::Counter::DramRdBytes] = rd_bytes_;
    c[isa::Counter::DramWrBytes] = wr_bytes_;
    c[isa::Counter::FetchBytes] = fetch_bytes_;
  }

  const Config& cfg_;
  const uint32_t n_;
  std::vector<Decoded> dec_;
  TimingReport rep_;

  uint64_t bus_free_ = 0;
  const uint64_t requant_row_cycles_ = TimingConstants::requant_row_cycles(cfg_);
  // fetch
  std::vector<uint64_t> arrive_, dispatched_at_;
  uint32_t req_next_ = 0, disp_next_ = 0;
  uint64_t req_time_ = 0, disp_time_ = 0;
  bool halted_ = false;
  // units and channels
  Unit units_[3];
  Channel ch_[4];
  uint64_t stream_end_ = 0;  // end of the array's last streaming
  // counters
  uint64_t busy_[3] = {}, wait_[3] = {};
  uint64_t end_ = 0, retired_ = 0, array_rows_ = 0, rd_bytes_ = 0, wr_bytes_ = 0, fetch_bytes_ = 0;
};

}  // namespace

TimingReport estimate_timing(const Config& cfg, const std::vector<isa::Insn>& prog) { return Sim(cfg, prog).run(); }

Counters estimate(const Config& cfg, const std::vector<isa::Insn>& prog) { return estimate_timing(cfg, prog).counters; }

}  // namespace systole::hls
