// Network runtime (see runtime.hpp).
#include "compiler/net/runtime.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstring>

#include "arch/error.hpp"
#include "arch/isa.hpp"
#include "compiler/net/cpu_ops.hpp"
#include "driver/validate.hpp"

namespace systole::net {

namespace {

// Rewrites the DRAM address of every LOAD/STORE of `p` from the program's arena offsets to
// device addresses: base[i] is where program tensor i lives.
std::vector<isa::Insn> relocate(const driver::Program& p, const std::vector<uint64_t>& base) {
  std::vector<isa::Insn> out = p.insns;
  for (size_t k = 0; k < out.size(); ++k) {
    isa::Insn& w = out[k];
    const driver::DmaFootprint f = driver::dma_footprint(w);
    if (f.empty()) continue;
    size_t t = p.tensors.size();
    for (size_t i = 0; i < p.tensors.size(); ++i)
      if (f.begin >= p.tensors[i].offset && f.end() <= uint64_t(p.tensors[i].offset) + p.tensors[i].size) t = i;
    if (t == p.tensors.size())
      throw Error(fmt::format("instruction {} ({}) is not inside one tensor", k, isa::disassemble(w)));
    const uint64_t addr = base[t] + (f.begin - p.tensors[t].offset);
    if (isa::opcode_bits(w) == uint32_t(isa::Opcode::LOAD)) {
      isa::LoadInsn x = isa::unpack_load(w);
      x.dram_addr = uint32_t(addr);
      w = isa::pack_checked(x);
    } else {
      isa::StoreInsn x = isa::unpack_store(w);
      x.dram_addr = uint32_t(addr);
      w = isa::pack_checked(x);
    }
  }
  return out;
}

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

struct Runtime::Impl {
  driver::Device& dev;
  const CompiledNet& net;
  driver::Buffer arena;
  std::vector<driver::Buffer> constants;
  std::vector<std::vector<isa::Insn>> code;  // per step (empty unless accel)
  std::vector<int8_t> host;                  // mirror of the arena
  std::vector<bool> dev_newer;               // per storage: the device holds newer bytes

  Impl(driver::Device& d, const CompiledNet& n) : dev(d), net(n) {
    if (net.memory.arena_bytes > UINT32_MAX) throw Error("the activation arena exceeds the 32-bit device address space");
    arena = dev.alloc(uint32_t(net.memory.arena_bytes), "activations");
    try {
      load();
    } catch (...) {
      release();
      throw;
    }
  }
  void load() {
    host.assign(net.memory.arena_bytes, 0);
    code.resize(net.steps.size());
    for (size_t k = 0; k < net.steps.size(); ++k) {
      const Step& st = net.steps[k];
      if (st.where != Where::Accel) continue;
      const quant::QOp& op = net.graph.ops[st.op];
      try {
        std::vector<uint64_t> base;
        for (const driver::TensorDesc& t : st.program.tensors) {
          if (t.kind == driver::TensorKind::Constant || t.kind == driver::TensorKind::Scratch) {
            constants.push_back(dev.alloc(t.size, op.name + "/" + t.name));
            if (t.kind == driver::TensorKind::Constant) dev.write(constants.back(), t.data.data(), t.data.size());
            base.push_back(constants.back().addr);
          } else {
            const int tensor = t.name == "x" ? op.inputs[0] : op.output;
            const Storage& s = net.memory.storage[size_t(net.memory.slots[size_t(tensor)].storage)];
            if (t.size > s.bytes) throw Error(fmt::format("tensor '{}' of {} bytes exceeds its storage of {}", t.name, t.size, s.bytes));
            base.push_back(arena.addr + s.offset);
          }
        }
        code[k] = relocate(st.program, base);
      } catch (const Error& e) {
        throw Error(fmt::format("op '{}' ({}): loading its program: {}", op.name, op.src_op, e.what()));
      }
    }
  }
  ~Impl() { release(); }
  void release() {
    for (const driver::Buffer& b : constants) dev.free(b);
    constants.clear();
    if (arena.size) dev.free(arena);
    arena = {};
  }

  const Storage& storage_of(int tensor) const { return net.memory.storage[size_t(net.memory.slots[size_t(tensor)].storage)]; }
  int8_t* ptr(int tensor) { return host.data() + storage_of(tensor).offset; }
  void sync_in(int tensor) {
    const int s = net.memory.slots[size_t(tensor)].storage;
    if (!dev_newer[size_t(s)]) return;
    const Storage& st = net.memory.storage[size_t(s)];
    dev.read(arena, host.data() + st.offset, st.bytes, st.offset);
    dev_newer[size_t(s)] = false;
  }
  void push(int tensor) {
    const Storage& st = storage_of(tensor);
    dev.write(arena, host.data() + st.offset, st.bytes, st.offset);
  }
};

Runtime::Runtime(driver::Device& dev, const CompiledNet& net) : impl_(std::make_unique<Impl>(dev, net)) {}
Runtime::~Runtime() = default;

RunResult Runtime::run(const std::vector<std::vector<int8_t>>& inputs, const std::function<void(size_t, size_t)>& progress) {
  Impl& m = *impl_;
  const CompiledNet& net = m.net;
  const quant::QGraph& g = net.graph;
  const auto t_start = std::chrono::steady_clock::now();
  if (inputs.size() != g.inputs.size())
    throw Error(fmt::format("network '{}' takes {} inputs, got {}", g.name, g.inputs.size(), inputs.size()));
  m.dev_newer.assign(net.memory.storage.size(), false);
  for (size_t i = 0; i < inputs.size(); ++i) {
    const int t = g.inputs[i];
    if (int64_t(inputs[i].size()) != g.tensors[size_t(t)].numel())
      throw Error(fmt::format("input '{}': got {} bytes, the tensor has {}", g.tensors[size_t(t)].name, inputs[i].size(),
                              g.tensors[size_t(t)].numel()));
    std::memcpy(m.ptr(t), inputs[i].data(), inputs[i].size());
    m.push(t);
  }
  RunResult r;
  const double peak = net.cfg.peak_macs_per_cycle();
  for (size_t k = 0; k < net.steps.size(); ++k) {
    const Step& st = net.steps[k];
    const quant::QOp& op = g.ops[st.op];
    LayerStats ls;
    ls.op = st.op;
    ls.where = st.where;
    ls.macs = net.placement[k].macs;
    const auto t0 = std::chrono::steady_clock::now();
    try {
      if (st.where == Where::Accel) {
        m.dev.submit(m.code[k]);
        m.dev.wait();
        const driver::Counters c = m.dev.counters();
        ls.cycles = c[isa::Counter::Cycles];
        ls.dram_rd = c[isa::Counter::DramRdBytes];
        ls.dram_wr = c[isa::Counter::DramWrBytes];
        ls.insns = c[isa::Counter::Insns];
        ls.utilization = ls.cycles ? double(ls.macs) / (double(ls.cycles) * peak) : 0;
        ls.model_seconds = double(ls.cycles) / (net.cfg.clock_mhz * 1e6);
        m.dev_newer[size_t(net.memory.slots[size_t(op.output)].storage)] = true;
      } else if (st.where == Where::Cpu) {
        std::vector<const int8_t*> in;
        for (int i : op.inputs) {
          m.sync_in(i);
          in.push_back(m.ptr(i));
        }
        m.sync_in(op.output);  // a Concat's output may hold slices written by the accelerator
        std::vector<bool> skip;
        if (op.kind == quant::QOpKind::Concat)
          for (int i : op.inputs) skip.push_back(net.memory.slots[size_t(i)].storage == net.memory.slots[size_t(op.output)].storage);
        if (op.kind == quant::QOpKind::Conv && op.weight_zero_point.empty()) cpu_conv(st.layer, in[0], m.ptr(op.output));
        else cpu_op(g, op, in, m.ptr(op.output), skip);
        m.push(op.output);
        ls.model_seconds = net.placement[k].cpu_seconds;
      }
    } catch (const Error& e) {
      throw Error(fmt::format("op '{}' ({}) on the {}: {}", op.name, op.src_op, where_name(st.where), e.what()));
    }
    ls.wall_seconds = since(t0);
    if (st.where == Where::Accel) {
      r.accel_cycles += ls.cycles, r.accel_macs += ls.macs, r.dram_rd += ls.dram_rd, r.dram_wr += ls.dram_wr;
    } else {
      r.cpu_macs += ls.macs;
    }
    r.model_seconds += ls.model_seconds;
    r.layers.push_back(ls);
    if (progress) progress(k + 1, net.steps.size());
  }
  for (int t : g.outputs) {
    m.sync_in(t);
    const Slot& s = net.memory.slots[size_t(t)];
    const quant::QTensor& qt = g.tensors[size_t(t)];
    std::vector<int8_t> o(size_t(qt.numel()));
    const int8_t* base = m.ptr(t);
    const int64_t pixels = qt.n * qt.h * qt.w;
    for (int64_t p = 0; p < pixels; ++p) std::memcpy(&o[size_t(p * qt.c)], base + p * s.c_total + s.c_offset, size_t(qt.c));
    r.outputs.push_back(std::move(o));
  }
  r.utilization = r.accel_cycles ? double(r.accel_macs) / (double(r.accel_cycles) * peak) : 0;
  r.wall_seconds = since(t_start);
  return r;
}

}  // namespace systole::net
