// Test rig for the hls backend: a DRAM image, a program assembled with the generated pack()
// functions, and helpers to place data and run hls::run on a DIM 4 or 16 design point.
#pragma once
#include <cstdint>
#include <cstring>
#include <vector>

#include "arch/config.hpp"
#include "arch/isa_gen.hpp"
#include "hls/native/accel.hpp"

namespace systole::hls::testing {

// Data lives from kData upwards; instructions at 0.
constexpr uint32_t kData = 0x10000;

inline Config config_for_dim(uint32_t dim) {
  Config c = load_config(dim == 4 ? "tiny" : "default");
  c.dim = dim;
  c.validate();
  return c;
}

struct Rig {
  explicit Rig(uint32_t dim, size_t dram_bytes = 1 << 20) : cfg(config_for_dim(dim)), dram(dram_bytes, 0) {}

  uint32_t dim() const { return cfg.dim; }
  template <typename T>
  uint32_t emit(const T& x) {
    prog.push_back(isa::pack(x));
    return uint32_t(prog.size() - 1);
  }
  void emit_raw(const isa::Insn& w) { prog.push_back(w); }

  void put_i8(uint64_t at, const std::vector<int8_t>& v) { std::memcpy(&dram[at], v.data(), v.size()); }
  void put_i32(uint64_t at, const std::vector<int32_t>& v) { std::memcpy(&dram[at], v.data(), v.size() * 4); }
  int8_t i8(uint64_t at) const { return int8_t(dram[at]); }
  int32_t i32(uint64_t at) const {
    int32_t v;
    std::memcpy(&v, &dram[at], 4);
    return v;
  }

  // Runs the program; `dram_size` below dram.size() leaves a guard area the run must not touch.
  RunResult run(uint64_t dram_size = 0) {
    for (size_t i = 0; i < prog.size(); ++i)
      if (insn_base + (i + 1) * isa::kInsnBytes <= dram.size())  // fetch-fault tests run off the end
        isa::insn_to_bytes(prog[i], &dram[insn_base + i * isa::kInsnBytes]);
    return hls::run(cfg, dram.data(), dram_size ? dram_size : dram.size(), insn_base, uint32_t(prog.size()));
  }

  // Scratchpad rows w .. w+DIM-1 = identity (for reading the scratchpad back through the
  // array: MATMUL with these weights copies activation rows into the accumulator).
  void load_identity(uint32_t spad_row, uint64_t at) {
    std::vector<int8_t> eye(dim() * dim(), 0);
    for (uint32_t i = 0; i < dim(); ++i) eye[i * dim() + i] = 1;
    put_i8(at, eye);
    isa::LoadInsn x;
    x.sram_addr = spad_row, x.dram_addr = uint32_t(at), x.dram_stride = dim(), x.y_size = dim(), x.x_size = dim();
    emit(x);
  }

  // Appends instructions that copy scratchpad rows [row, row+count) to DRAM at `out_at` as
  // int32 (DIM per row) through an identity MATMUL into accumulator rows from `acc_row`.
  // Ordered after every earlier LOAD by tokens.
  void dump_spad(uint32_t row, uint32_t count, uint64_t out_at, uint32_t identity_row, uint32_t acc_row = 0) {
    load_identity(identity_row, out_at);  // staged in the output area, overwritten later
    prog.back() = isa::pack([&] {
      isa::LoadInsn x = isa::unpack_load(prog.back());
      x.push_next = 1;
      return x;
    }());
    isa::MatmulInsn m;
    m.pop_prev = 1, m.push_next = 1, m.load_weights = 1, m.w_addr = identity_row, m.w_rows = dim();
    m.a_addr = row, m.rows = count, m.acc_addr = acc_row;
    emit(m);
    isa::StoreInsn s;
    s.pop_prev = 1, s.acc_addr = acc_row, s.y_size = count, s.x_size = dim(), s.raw = 1;
    s.dram_addr = uint32_t(out_at), s.dram_stride = dim() * 4;
    emit(s);
  }

  // Appends instructions that copy accumulator rows [row, row+count) to DRAM at `out_at`
  // (raw int32), ordered after every earlier LOAD by a token routed through a no-op MATMUL.
  void dump_acc(uint32_t row, uint32_t count, uint64_t out_at) {
    isa::LoadInsn nop;
    nop.push_next = 1;
    emit(nop);
    isa::MatmulInsn m;
    m.pop_prev = 1, m.push_next = 1;
    emit(m);
    isa::StoreInsn s;
    s.pop_prev = 1, s.acc_addr = row, s.y_size = count, s.x_size = dim(), s.raw = 1;
    s.dram_addr = uint32_t(out_at), s.dram_stride = dim() * 4;
    emit(s);
  }

  uint64_t counter(const RunResult& r, isa::Counter c) const { return r.counters[uint32_t(c)]; }

  Config cfg;
  std::vector<uint8_t> dram;
  std::vector<isa::Insn> prog;
  uint32_t insn_base = 0;
};

}  // namespace systole::hls::testing
