// Static checks of a program against the config and the allocated buffers (validate.hpp).
#include "driver/validate.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "arch/error.hpp"
#include "arch/isa.hpp"

namespace systole::driver {

namespace {

// Token channels between neighbouring units: 2u is unit u -> u+1, 2u+1 is u+1 -> u.
constexpr uint32_t kNumChannels = 2 * (isa::kNumUnits - 1);
uint32_t down_channel(uint32_t u) { return 2 * u; }
uint32_t up_channel(uint32_t u) { return 2 * u + 1; }
std::string channel_name(uint32_t c) {
  const uint32_t u = c / 2;
  return c % 2 == 0 ? fmt::format("{}->{}", isa::kUnitNames[u], isa::kUnitNames[u + 1])
                    : fmt::format("{}->{}", isa::kUnitNames[u + 1], isa::kUnitNames[u]);
}

struct Tokens {
  bool pop_prev, pop_next, push_prev, push_next;
};
Tokens tokens_of(const isa::Insn& w) { return {isa::pop_prev(w), isa::pop_next(w), isa::push_prev(w), isa::push_next(w)}; }

// First set bit outside the opcode's fields, or -1.
int reserved_bit_set(const isa::Insn& w, const isa::OpcodeInfo& op) {
  isa::Insn used;
  for (uint32_t i = 0; i < op.num_fields; ++i) isa::set_bits(used, op.fields[i].lsb, op.fields[i].bits, ~uint64_t(0));
  const uint64_t lo = w.lo & ~used.lo, hi = w.hi & ~used.hi;
  if (lo) return __builtin_ctzll(lo);
  if (hi) return 64 + __builtin_ctzll(hi);
  return -1;
}

class Validator {
 public:
  Validator(const std::vector<isa::Insn>& prog, const Config& cfg, const std::vector<Buffer>& buffers)
      : prog_(prog), cfg_(cfg), bufs_(buffers) {
    std::sort(bufs_.begin(), bufs_.end(), [](const Buffer& a, const Buffer& b) { return a.addr < b.addr; });
    // check_dma relies on disjoint buffers (only one can contain an address): a caller
    // passing overlapping ones (e.g. an output view over a weight buffer) is refused.
    for (size_t i = 1; i < bufs_.size(); ++i) {
      const Buffer &a = bufs_[i - 1], &b = bufs_[i];
      if (uint64_t(a.addr) + a.size > b.addr)
        throw Error(fmt::format("buffers '{}' [0x{:x}, 0x{:x}) and '{}' [0x{:x}, 0x{:x}) overlap: a program cannot be "
                                "validated against aliasing buffers",
                                a.name, a.addr, uint64_t(a.addr) + a.size, b.name, b.addr, uint64_t(b.addr) + b.size));
    }
  }

  void run() {
    for (idx_ = 0; idx_ < prog_.size(); ++idx_) {
      const isa::Insn& w = prog_[idx_];
      const isa::OpcodeInfo* op = isa::find_opcode(isa::opcode_bits(w));
      if (!op) fail(fmt::format("illegal opcode {}", isa::opcode_bits(w)));
      const int bit = reserved_bit_set(w, *op);
      if (bit >= 0) fail(fmt::format("reserved bit {} is set (not part of any {} field)", bit, op->name));
      switch (op->opcode) {
        case isa::Opcode::LOAD: check_load(isa::unpack_load(w)); break;
        case isa::Opcode::MATMUL: check_matmul(isa::unpack_matmul(w)); break;
        case isa::Opcode::STORE: check_store(isa::unpack_store(w)); break;
      }
      check_dma(dma_footprint(w));
      check_tokens(uint32_t(op->unit), tokens_of(w));
    }
    for (uint32_t c = 0; c < kNumChannels; ++c) {
      if (outstanding_[c] != 0)
        throw Error(fmt::format("program ends with {} unconsumed token(s) on channel {} (pushes and pops must balance; "
                                "last push at instruction {} ({}))",
                                outstanding_[c], channel_name(c), last_push_[c], isa::disassemble(prog_[last_push_[c]])));
    }
  }

 private:
  [[noreturn]] void fail(const std::string& rule) const {
    throw Error(fmt::format("instruction {} ({}): {}", idx_, isa::disassemble(prog_[idx_]), rule));
  }

  // Rows [first, first + count) must lie inside an on-chip memory of `limit` rows; `fields`
  // names the instruction fields the rows come from. 64-bit: no field values wrap.
  void check_rows(const char* what, const char* mem, uint64_t first, uint64_t count, uint64_t limit,
                  const char* fields) const {
    if (count == 0) return;
    if (first + count > limit)
      fail(fmt::format("{} rows {}..{} exceed the {} ({} rows): {}", what, first, first + count - 1, mem, limit, fields));
  }

  void check_load(const isa::LoadInsn& x) const {
    const uint64_t dim = cfg_.dim;
    if (x.x_size > dim) fail(fmt::format("x_size {} exceeds DIM {}", x.x_size, dim));
    if (uint64_t(x.x_pad_before) + x.x_size > dim)
      fail(fmt::format("x_pad_before + x_size = {} exceeds DIM {}", x.x_pad_before + x.x_size, dim));
    const uint64_t rows = uint64_t(x.y_pad_before) + x.y_size + x.y_pad_after;
    const bool acc = x.target == uint32_t(isa::Target::Acc);
    check_rows("written", acc ? "accumulator" : "scratchpad", x.sram_addr, rows, acc ? cfg_.acc_rows() : cfg_.spad_rows(),
               "sram_addr .. sram_addr + y_pad_before + y_size + y_pad_after - 1");
  }

  void check_matmul(const isa::MatmulInsn& x) const {
    const uint64_t dim = cfg_.dim;
    if (x.w_rows > dim) fail(fmt::format("w_rows {} exceeds DIM {}", x.w_rows, dim));
    if (x.load_weights) check_rows("weight", "scratchpad", x.w_addr, x.w_rows, cfg_.spad_rows(), "w_addr .. w_addr + w_rows - 1");
    const uint64_t n = uint64_t(x.rows) * x.outer;
    if (n == 0) return;
    const uint64_t last_a =
        uint64_t(x.a_addr) + uint64_t(x.outer - 1) * x.a_outer_stride + uint64_t(x.rows - 1) * x.a_stride;
    if (last_a >= cfg_.spad_rows())
      fail(fmt::format("activation row {} (a_addr + (outer-1)*a_outer_stride + (rows-1)*a_stride) exceeds the "
                       "scratchpad ({} rows)",
                       last_a, cfg_.spad_rows()));
    check_rows("result", "accumulator", x.acc_addr, n, cfg_.acc_rows(), "acc_addr .. acc_addr + rows*outer - 1");
  }

  void check_store(const isa::StoreInsn& x) const {
    if (x.x_size > cfg_.dim) fail(fmt::format("x_size {} exceeds DIM {}", x.x_size, cfg_.dim));
    if (x.y_size == 0) return;
    check_rows("stored", "accumulator", x.acc_addr, x.y_size, cfg_.acc_rows(), "acc_addr .. acc_addr + y_size - 1");
    if (!x.raw)
      check_rows("parameter", "accumulator", x.param_addr, isa::kParamRows, cfg_.acc_rows(),
                 "param_addr .. param_addr + kParamRows - 1 (bias, multiplier, shift rows)");
  }

  void check_dma(const DmaFootprint& f) const {
    if (f.empty()) return;
    const uint64_t end = f.end();
    // The last buffer starting at or below begin is the only candidate (buffers are disjoint).
    auto it = std::upper_bound(bufs_.begin(), bufs_.end(), f.begin,
                               [](uint64_t a, const Buffer& b) { return a < uint64_t(b.addr); });
    const char* dir = f.is_write ? "writes" : "reads";
    const std::string span =
        fmt::format("{} DRAM [0x{:x}, 0x{:x}) ({} rows of {} bytes, stride {}: dram_addr=0x{:x}, y_size={}, "
                    "dram_stride={}, x_size*{}={})",
                    dir, f.begin, end, f.rows, f.row_bytes, f.stride, f.begin, f.rows, f.stride,
                    f.elem_bytes, f.row_bytes);
    if (it == bufs_.begin()) fail(span + ", which starts outside every allocated buffer");
    const Buffer& b = *std::prev(it);
    const uint64_t b_end = uint64_t(b.addr) + b.size;
    if (f.begin >= b_end) fail(span + ", which starts outside every allocated buffer");
    if (end > b_end)
      fail(fmt::format("{}, which overruns buffer '{}' [0x{:x}, 0x{:x}) by {} bytes", span, b.name, b.addr, b_end,
                       end - b_end));
  }

  void check_tokens(uint32_t unit, const Tokens& t) {
    const bool first = unit == 0, last = unit + 1 == isa::kNumUnits;
    const char* name = isa::kUnitNames[unit];
    if (first && (t.pop_prev || t.push_prev))
      fail(fmt::format("{} set, but the {} unit has no previous unit", t.pop_prev ? "pop_prev" : "push_prev", name));
    if (last && (t.pop_next || t.push_next))
      fail(fmt::format("{} set, but the {} unit has no next unit", t.pop_next ? "pop_next" : "push_next", name));
    // Pops happen before the instruction runs, pushes after; one instruction never pops and
    // pushes the same channel, so the order below only matters for the messages.
    if (t.pop_prev) pop(down_channel(unit - 1));
    if (t.pop_next) pop(up_channel(unit));
    if (t.push_prev) push(up_channel(unit - 1));
    if (t.push_next) push(down_channel(unit));
  }

  void pop(uint32_t c) {
    if (outstanding_[c] == 0)
      fail(fmt::format("pops a token on channel {} that no earlier instruction pushed (the unit would wait forever)",
                       channel_name(c)));
    --outstanding_[c];
  }
  void push(uint32_t c) {
    if (++outstanding_[c] > cfg_.token_depth)
      fail(fmt::format("pushes token {} on channel {}, more than the token queue holds (token_depth {}) before the "
                       "consumer pops any",
                       outstanding_[c], channel_name(c), cfg_.token_depth));
    last_push_[c] = idx_;
  }

  const std::vector<isa::Insn>& prog_;
  const Config& cfg_;
  std::vector<Buffer> bufs_;
  size_t idx_ = 0;
  uint64_t outstanding_[kNumChannels] = {};
  size_t last_push_[kNumChannels] = {};
};

}  // namespace

DmaFootprint dma_footprint(const isa::Insn& w) {
  DmaFootprint f;
  switch (isa::opcode_bits(w)) {
    case uint32_t(isa::Opcode::LOAD): {
      const isa::LoadInsn x = isa::unpack_load(w);
      if (x.x_size == 0 || x.y_size == 0) return f;
      const uint64_t elem = x.target == uint32_t(isa::Target::Acc) ? 4 : 1;
      f = {false, x.dram_addr, x.dram_stride, x.y_size, uint64_t(x.x_size) * elem, elem};
      return f;
    }
    case uint32_t(isa::Opcode::STORE): {
      const isa::StoreInsn x = isa::unpack_store(w);
      if (x.x_size == 0 || x.y_size == 0) return f;
      const uint64_t elem = x.raw ? 4 : 1;
      f = {true, x.dram_addr, x.dram_stride, x.y_size, uint64_t(x.x_size) * elem, elem};
      return f;
    }
    default: return f;
  }
}

void validate_program(const std::vector<isa::Insn>& prog, const Config& cfg, const std::vector<Buffer>& buffers) {
  Validator(prog, cfg, buffers).run();
}

}  // namespace systole::driver
