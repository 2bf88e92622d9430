// A schedule-independent check of a program's synchronization: every two accesses to the
// same scratchpad or accumulator row from different units, at least one a write, must be
// ordered by happens-before (unit order plus token push -> pop). The functional model runs
// one schedule; this proves the tokens order the accesses under every schedule.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "arch/config.hpp"
#include "arch/isa.hpp"

namespace systole::compiler::testing {

// Returns "" when race free, else a description of the first unordered pair.
inline std::string find_race(const Config& cfg, const std::vector<isa::Insn>& prog) {
  struct Clock {
    std::array<int64_t, 3> seen{-1, -1, -1};  // highest sequence number per unit known to precede
  };
  struct Access {
    int64_t insn = -1;
    int unit = 0;
    int64_t seq = -1;
  };
  struct Row {
    Access write;
    std::array<Access, 3> reads;  // last read per unit since the write
  };
  std::vector<Row> spad(cfg.spad_rows()), acc(cfg.acc_rows());
  std::array<Clock, 3> unit_clock;
  std::array<int64_t, 3> unit_seq{0, 0, 0};
  std::array<std::vector<Clock>, 4> channel;  // clocks of pushes, per channel
  std::array<size_t, 4> popped{0, 0, 0, 0};
  // Channels: 0 load->exec, 1 exec->load, 2 exec->store, 3 store->exec.
  const int pop_prev_ch[3] = {-1, 0, 2}, pop_next_ch[3] = {1, 3, -1};
  const int push_prev_ch[3] = {-1, 1, 3}, push_next_ch[3] = {0, 2, -1};
  std::string race;

  for (size_t i = 0; i < prog.size() && race.empty(); ++i) {
    const isa::Insn& w = prog[i];
    const int u = int(isa::unit_of(isa::Opcode(isa::opcode_bits(w))));
    uint32_t flags[4] = {};  // pop_prev, pop_next, push_prev, push_next
    struct Range {
      std::vector<Row>* mem;
      uint64_t lo, hi;
      bool write;
    };
    std::vector<Range> ranges;
    if (u == 0) {
      const isa::LoadInsn x = isa::unpack_load(w);
      flags[0] = x.pop_prev, flags[1] = x.pop_next, flags[2] = x.push_prev, flags[3] = x.push_next;
      const uint64_t n = uint64_t(x.y_pad_before) + x.y_size + x.y_pad_after;
      ranges.push_back({x.target ? &acc : &spad, x.sram_addr, x.sram_addr + n, true});
    } else if (u == 1) {
      const isa::MatmulInsn x = isa::unpack_matmul(w);
      flags[0] = x.pop_prev, flags[1] = x.pop_next, flags[2] = x.push_prev, flags[3] = x.push_next;
      if (x.load_weights) ranges.push_back({&spad, x.w_addr, uint64_t(x.w_addr) + x.w_rows, false});
      if (x.rows && x.outer) {
        const uint64_t last = uint64_t(x.a_addr) + uint64_t(x.outer - 1) * x.a_outer_stride + uint64_t(x.rows - 1) * x.a_stride;
        ranges.push_back({&spad, x.a_addr, last + 1, false});  // conservative hull
        ranges.push_back({&acc, x.acc_addr, uint64_t(x.acc_addr) + uint64_t(x.outer) * x.rows, true});
      }
    } else {
      const isa::StoreInsn x = isa::unpack_store(w);
      flags[0] = x.pop_prev, flags[1] = x.pop_next, flags[2] = x.push_prev, flags[3] = x.push_next;
      ranges.push_back({&acc, x.acc_addr, uint64_t(x.acc_addr) + x.y_size, false});
      if (!x.raw && x.y_size) ranges.push_back({&acc, x.param_addr, uint64_t(x.param_addr) + 3, false});
    }
    // Start: the unit's own history plus every popped push.
    Clock c = unit_clock[u];
    for (int ch : {flags[0] ? pop_prev_ch[u] : -1, flags[1] ? pop_next_ch[u] : -1}) {
      if (ch < 0) continue;
      if (popped[ch] >= channel[ch].size()) return "instruction " + std::to_string(i) + " pops an unpushed token";
      const Clock& p = channel[ch][popped[ch]++];
      for (int k = 0; k < 3; ++k) c.seen[k] = std::max(c.seen[k], p.seen[k]);
    }
    const int64_t seq = unit_seq[u]++;
    auto ordered = [&](const Access& a) { return a.insn < 0 || a.unit == u || c.seen[a.unit] >= a.seq; };
    for (const Range& r : ranges) {
      if (r.hi > r.mem->size()) return "instruction " + std::to_string(i) + " accesses rows beyond the buffer";
      for (uint64_t row = r.lo; row < r.hi && race.empty(); ++row) {
        Row& st = (*r.mem)[row];
        const char* mem_name = r.mem == &acc ? "accumulator" : "scratchpad";
        if (!ordered(st.write))
          race = std::to_string(i) + " (" + isa::disassemble(w) + ") and " + std::to_string(st.write.insn) +
                 " both touch " + mem_name + " row " + std::to_string(row) + " unordered (after a write)";
        if (r.write)
          for (const Access& rd : st.reads)
            if (race.empty() && !ordered(rd))
              race = std::to_string(i) + " (" + isa::disassemble(w) + ") overwrites " + mem_name + " row " +
                     std::to_string(row) + " that " + std::to_string(rd.insn) + " may still read";
        const Access me{int64_t(i), u, seq};
        if (r.write) st = Row{me, {}};
        else st.reads[u] = me;
      }
    }
    // Completion: pushes carry everything up to and including this instruction.
    c.seen[u] = seq;
    unit_clock[u] = c;
    for (int ch : {flags[2] ? push_prev_ch[u] : -1, flags[3] ? push_next_ch[u] : -1})
      if (ch >= 0) channel[ch].push_back(c);
  }
  return race;
}

}  // namespace systole::compiler::testing
