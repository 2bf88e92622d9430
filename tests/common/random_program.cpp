// make_random_program(): random instructions with tokens derived from the data hazards they
// create. Every on-chip row remembers its last writer and, per unit, its last reader; a new
// instruction that conflicts with another unit's earlier instruction is ordered after it:
//   - neighbours: that instruction (or a later one of its unit that already pushes on the
//     channel) pushes, and the new instruction pops the matching token; token-only no-ops are
//     inserted before it to consume older unpopped tokens of the channel first;
//   - load <-> store: a token-only MATMUL relays (pops from one, pushes to the other).
// Push flags are only ever added to the newest pushing instruction of a channel, so earlier
// pops keep their matches. Finally no-ops pop whatever is left: every channel balances.
#include "tests/common/random_program.hpp"

#include <algorithm>
#include <cstring>
#include <random>

namespace systole::testing {
namespace {

enum Unit { kLoad = 0, kExec = 1, kStore = 2 };
constexpr uint32_t kInBase = 0x0, kInSize = 0x4000, kOutBase = 0x4000, kOutSize = 0x4000, kInsnBase = 0x8000;

// Channel index: from -> to (neighbours only).
int channel(int from, int to) {
  if (from == kLoad && to == kExec) return 0;
  if (from == kExec && to == kLoad) return 1;
  if (from == kExec && to == kStore) return 2;
  if (from == kStore && to == kExec) return 3;
  return -1;
}

struct Op {
  int unit = kLoad;
  isa::LoadInsn ld;
  isa::MatmulInsn mm;
  isa::StoreInsn st;
  bool push[4] = {}, pop[4] = {};  // by channel
};

struct Row {
  int w_op = -1, w_unit = -1;
  int r_op[3] = {-1, -1, -1};
};

class Gen {
 public:
  Gen(const Config& cfg, uint64_t seed, const RandomProgramOptions& opt)
      : cfg_(cfg), rng_(seed), d_(cfg.dim), spad_(std::min(opt.spad_rows, cfg.spad_rows())),
        acc_(std::min(opt.acc_rows, cfg.acc_rows())), spad_rows_(spad_), acc_rows_(acc_) {
    out_.seed = seed;
    out_.in_base = kInBase, out_.in_size = kInSize, out_.out_base = kOutBase, out_.out_size = kOutSize;
    out_.insn_base = kInsnBase;
    image_.resize(kInsnBase);
    for (auto& b : image_) b = uint8_t(rng_());
    param_at_ = kInSize - 3 * 4 * d_ * 8;  // 8 parameter blocks at the end of the input region
    for (uint32_t b = 0; b < 8; ++b) write_params(param_at_ + b * 3 * 4 * d_);
    prologue();
    for (uint32_t i = 0; i < opt.insns; ++i) {
      const uint32_t r = uni(0, 99);
      if (r < 35) gen_load();
      else if (r < 75) gen_matmul();
      else gen_store();
    }
    for (int c = 0; c < 4; ++c)
      while (pops_[c] < pushes_[c].size()) noop(receiver(c), c);
    finish();
  }

  RandomProgram take() { return std::move(out_); }

 private:
  uint32_t uni(uint32_t lo, uint32_t hi) { return std::uniform_int_distribution<uint32_t>(lo, hi)(rng_); }
  bool chance(uint32_t pct) { return uni(0, 99) < pct; }

  void put32(uint32_t at, uint32_t v) { std::memcpy(&image_[at], &v, 4); }

  // One parameter block (bias, mult, word rows of DIM int32) with ties and saturation.
  void write_params(uint32_t at) {
    for (uint32_t n = 0; n < d_; ++n) {
      const uint32_t kind = uni(0, 5);
      int32_t bias = int32_t(rng_()) >> uni(0, 30), mult = int32_t(rng_());
      uint32_t shift = uni(0, 70);
      if (kind == 0) mult = 1, shift = uni(1, 3);                  // exact halves: ties
      if (kind == 1) mult = INT32_MAX, shift = uni(0, 8);          // saturation
      if (kind == 2) mult = int32_t(uni(1u << 29, (1u << 31) - 1)), shift = uni(28, 40);
      if (kind == 3) bias = chance(50) ? INT32_MAX : INT32_MIN;    // sat32(acc + bias)
      const int8_t zp = int8_t(rng_()), lo = int8_t(rng_()), hi = int8_t(rng_());
      put32(at + 4 * n, uint32_t(bias));
      put32(at + 4 * d_ + 4 * n, uint32_t(mult));
      put32(at + 8 * d_ + 4 * n, (shift & 0xff) | uint32_t(uint8_t(zp)) << 8 | uint32_t(uint8_t(lo)) << 16 |
                                    uint32_t(uint8_t(hi)) << 24);
    }
  }

  // Every on-chip row of the working sets is written once before anything reads it.
  void prologue() {
    isa::LoadInsn s;
    s.sram_addr = 0, s.dram_addr = kInBase, s.dram_stride = d_, s.y_size = spad_, s.x_size = d_;
    emit_load(s);
    isa::LoadInsn a;
    a.target = 1, a.sram_addr = 0, a.dram_addr = kInBase + 7, a.dram_stride = 4 * d_ / 2, a.y_size = acc_;
    a.x_size = d_;
    emit_load(a);
  }

  // --- hazards and tokens ---------------------------------------------------------------
  static int receiver(int c) { return (c == 0 || c == 3) ? kExec : (c == 1 ? kLoad : kStore); }
  static int sender(int c) { return c == 0 ? kLoad : (c == 3 ? kStore : kExec); }

  // Orders the next instruction of `unit` (not yet emitted) after op `j` of another unit:
  // reserves the pop it must do (pending_) and emits the no-ops that consume older tokens.
  void order_after(int unit, int j) {
    const int from = ops_[j].unit;
    if (from == unit) return;
    const int c = channel(from, unit);
    if (c < 0) {  // load <-> store: a token-only MATMUL relays
      order_after(kExec, j);
      order_after(unit, noop(kExec, -1));
      return;
    }
    // The token to wait for: j's push, or a later push of the same unit on c.
    size_t rank = pushes_[c].size();
    for (size_t i = 0; i < pushes_[c].size(); ++i)
      if (pushes_[c][i] >= j) {
        rank = i;
        break;
      }
    if (rank == pushes_[c].size()) {
      ops_[j].push[c] = true;  // j is newer than every push on c: appending keeps the ranks
      pushes_[c].push_back(j);
    }
    if (pops_[c] > rank) return;  // popped (or reserved) already: in-order units keep it
    if (pending_[c]) {            // an older reservation: a no-op takes it now
      pending_[c] = false;
      --pops_[c];
      noop(unit, c);
    }
    while (pops_[c] < rank) noop(unit, c);
    pops_[c] = rank + 1;
    pending_[c] = true;
  }

  // A token-only instruction of `unit` popping channel `c` (none when c < 0) and whatever the
  // unit has reserved.
  int noop(int unit, int c) {
    Op op;
    op.unit = unit;
    if (unit == kExec) op.mm.outer = 1, op.mm.a_stride = 1;
    if (c >= 0) op.pop[c] = true, ++pops_[c];
    return emit(op, false);
  }

  // Appends the op with its reserved pops; a real instruction may also pop a free token or
  // push one at random.
  int emit(Op op, bool extra = true) {
    const int id = int(ops_.size());
    for (int c = 0; c < 4; ++c) {
      if (receiver(c) == op.unit) {
        if (pending_[c]) op.pop[c] = true, pending_[c] = false;
        else if (extra && !op.pop[c] && pops_[c] < pushes_[c].size() && chance(8)) op.pop[c] = true, ++pops_[c];
      }
      if (extra && sender(c) == op.unit && chance(8)) {
        op.push[c] = true;
        pushes_[c].push_back(id);
      }
    }
    ops_.push_back(op);
    return id;
  }

  // Rows [a, a+n) of one memory: accessed by the new op of `unit`; returns the ops it must
  // follow (max per other unit) after recording the access.
  void access(std::vector<Row>& mem, uint32_t a, uint32_t n, bool write, int unit, int need[3]) {
    for (uint32_t r = a; r < a + n; ++r) {
      const Row& row = mem[r];
      if (row.w_op >= 0 && row.w_unit != unit) need[row.w_unit] = std::max(need[row.w_unit], row.w_op);
      if (write)
        for (int u = 0; u < 3; ++u)
          if (u != unit && row.r_op[u] >= 0) need[u] = std::max(need[u], row.r_op[u]);
    }
  }
  void record(std::vector<Row>& mem, uint32_t a, uint32_t n, bool write, int unit, int id) {
    for (uint32_t r = a; r < a + n; ++r) {
      if (write) mem[r] = Row{}, mem[r].w_op = id, mem[r].w_unit = unit;
      else mem[r].r_op[unit] = id;
    }
  }
  void resolve(int unit, const int need[3]) {
    for (int u = 0; u < 3; ++u)
      if (need[u] >= 0) order_after(unit, need[u]);
  }

  // --- instructions -------------------------------------------------------------------------
  int emit_load(const isa::LoadInsn& x) {
    const bool acc = x.target != 0;
    const uint32_t rows = x.y_pad_before + x.y_size + x.y_pad_after;
    int need[3] = {-1, -1, -1};
    access(acc ? acc_rows_ : spad_rows_, x.sram_addr, rows, true, kLoad, need);
    resolve(kLoad, need);
    Op op;
    op.unit = kLoad, op.ld = x;
    const int id = emit(op);
    record(acc ? acc_rows_ : spad_rows_, x.sram_addr, rows, true, kLoad, id);
    return id;
  }

  void gen_load() {
    isa::LoadInsn x;
    x.target = chance(30);
    const uint32_t limit = x.target ? acc_ : spad_;
    if (x.target && chance(30)) {  // a parameter block
      x.y_size = 3, x.x_size = d_, x.dram_stride = 4 * d_;
      x.dram_addr = param_at_ + uni(0, 7) * 3 * 4 * d_;
    } else {
      x.y_size = chance(10) ? 0 : uni(1, 12);
      x.x_size = chance(10) ? 0 : uni(1, d_);
      x.x_pad_before = uni(0, d_ - x.x_size);
      x.y_pad_before = chance(70) ? 0 : uni(1, 3);
      x.y_pad_after = chance(70) ? 0 : uni(1, 3);
      x.pad_value = uint32_t(uint8_t(rng_()));
      x.dram_stride = chance(30) ? uni(0, 80) : x.x_size * (x.target ? 4 : 1);
      const uint32_t span = (x.y_size ? (x.y_size - 1) * x.dram_stride : 0) + 4 * d_;
      x.dram_addr = kInBase + uni(0, kInSize - 3 * 4 * d_ * 8 - span);
    }
    const uint32_t rows = x.y_pad_before + x.y_size + x.y_pad_after;
    if (rows > limit) return;
    x.sram_addr = uni(0, limit - rows);
    emit_load(x);
  }

  void gen_matmul() {
    isa::MatmulInsn x;
    x.load_weights = !weights_ || chance(50);
    x.w_rows = uni(0, d_);
    x.w_addr = uni(0, spad_ - x.w_rows);
    x.rows = chance(8) ? 0 : uni(1, 12);
    x.outer = chance(5) ? 0 : (chance(60) ? 1 : uni(2, 3));
    x.a_stride = uni(0, 3);
    x.a_outer_stride = uni(0, 8);
    x.accumulate = chance(50);
    const uint32_t span = x.rows && x.outer ? (x.outer - 1) * x.a_outer_stride + (x.rows - 1) * x.a_stride + 1 : 1;
    if (span > spad_ || x.rows * x.outer > acc_) return;
    x.a_addr = uni(0, spad_ - span);
    x.acc_addr = uni(0, acc_ - x.rows * x.outer);
    weights_ = true;
    int need[3] = {-1, -1, -1};
    if (x.load_weights) access(spad_rows_, x.w_addr, x.w_rows, false, kExec, need);
    for (uint32_t o = 0; o < x.outer; ++o)
      for (uint32_t i = 0; i < x.rows; ++i) access(spad_rows_, x.a_addr + o * x.a_outer_stride + i * x.a_stride, 1, false, kExec, need);
    access(acc_rows_, x.acc_addr, x.rows * x.outer, true, kExec, need);
    resolve(kExec, need);
    Op op;
    op.unit = kExec, op.mm = x;
    const int id = emit(op);
    if (x.load_weights) record(spad_rows_, x.w_addr, x.w_rows, false, kExec, id);
    for (uint32_t o = 0; o < x.outer; ++o)
      for (uint32_t i = 0; i < x.rows; ++i) record(spad_rows_, x.a_addr + o * x.a_outer_stride + i * x.a_stride, 1, false, kExec, id);
    record(acc_rows_, x.acc_addr, x.rows * x.outer, true, kExec, id);
  }

  void gen_store() {
    isa::StoreInsn x;
    x.raw = chance(30);
    x.y_size = chance(8) ? 0 : uni(1, 12);
    x.x_size = chance(8) ? 0 : uni(1, d_);
    if (x.y_size > acc_) return;
    x.acc_addr = uni(0, acc_ - x.y_size);
    x.param_addr = uni(0, acc_ - 3);
    const uint32_t bytes = x.x_size * (x.raw ? 4 : 1);
    x.dram_stride = chance(30) ? uni(0, 100) : bytes;
    const uint32_t span = (x.y_size ? (x.y_size - 1) * x.dram_stride : 0) + bytes;
    if (span >= kOutSize) return;
    x.dram_addr = kOutBase + uni(0, kOutSize - span);
    int need[3] = {-1, -1, -1};
    access(acc_rows_, x.acc_addr, x.y_size, false, kStore, need);
    if (!x.raw && x.y_size) access(acc_rows_, x.param_addr, 3, false, kStore, need);
    resolve(kStore, need);
    Op op;
    op.unit = kStore, op.st = x;
    const int id = emit(op);
    record(acc_rows_, x.acc_addr, x.y_size, false, kStore, id);
    if (!x.raw && x.y_size) record(acc_rows_, x.param_addr, 3, false, kStore, id);
  }

  void finish() {
    for (const Op& op : ops_) {
      switch (op.unit) {
        case kLoad: {
          isa::LoadInsn x = op.ld;
          x.pop_next = op.pop[1], x.push_next = op.push[0];
          out_.insns.push_back(isa::pack(x));
          break;
        }
        case kExec: {
          isa::MatmulInsn x = op.mm;
          x.pop_prev = op.pop[0], x.pop_next = op.pop[3], x.push_prev = op.push[1], x.push_next = op.push[2];
          out_.insns.push_back(isa::pack(x));
          break;
        }
        default: {
          isa::StoreInsn x = op.st;
          x.pop_prev = op.pop[2], x.push_prev = op.push[3];
          out_.insns.push_back(isa::pack(x));
          break;
        }
      }
    }
    image_.resize(kInsnBase + out_.insns.size() * isa::kInsnBytes + 256, 0);
    for (size_t i = 0; i < out_.insns.size(); ++i)
      isa::insn_to_bytes(out_.insns[i], &image_[kInsnBase + i * isa::kInsnBytes]);
    out_.dram = std::move(image_);
  }

  const Config& cfg_;
  std::mt19937_64 rng_;
  const uint32_t d_, spad_, acc_;
  std::vector<Row> spad_rows_, acc_rows_;
  std::vector<Op> ops_;
  std::vector<int> pushes_[4];
  size_t pops_[4] = {};     // pops emitted or reserved, per channel
  bool pending_[4] = {};    // the next instruction of the channel's receiver must pop
  bool weights_ = false;
  uint32_t param_at_ = 0;
  std::vector<uint8_t> image_;
  RandomProgram out_;
};

}  // namespace

RandomProgram make_random_program(const Config& cfg, uint64_t seed, const RandomProgramOptions& opt) {
  return Gen(cfg, seed, opt).take();
}

}  // namespace systole::testing
