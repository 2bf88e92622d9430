// Storage assignment and arena packing of activation tensors (see memory_plan.hpp).
#include "compiler/net/memory_plan.hpp"

#include <algorithm>
#include <functional>

#include "arch/error.hpp"
#include "compiler/quant/int_ops.hpp"

namespace systole::net {

namespace {
uint64_t align64(uint64_t v) { return (v + 63) & ~uint64_t(63); }
}  // namespace

MemoryPlan plan_memory(const quant::QGraph& g, const std::vector<Placement>& p) {
  const size_t nt = g.tensors.size();
  std::vector<int> producer(nt, -1), readers(nt, 0);
  for (size_t k = 0; k < g.ops.size(); ++k) {
    producer[size_t(g.ops[k].output)] = int(k);
    for (int i : g.ops[k].inputs) ++readers[size_t(i)];
  }
  // Alias decisions: reshape_of[t] = input tensor, slice_of[t] = (concat output, channel offset).
  std::vector<int> reshape_of(nt, -1), slice_into(nt, -1);
  std::vector<uint32_t> slice_off(nt, 0);
  for (size_t k = 0; k < g.ops.size(); ++k) {
    const quant::QOp& op = g.ops[k];
    if (op.kind == quant::QOpKind::Reshape && p[k].where == Where::Free) reshape_of[size_t(op.output)] = op.inputs[0];
    if (op.kind == quant::QOpKind::Concat) {
      uint32_t off = 0;
      for (size_t i = 0; i < op.inputs.size(); ++i) {
        if (concat_input_sliced(g, p, k, i, producer, readers)) {
          slice_into[size_t(op.inputs[i])] = op.output;
          slice_off[size_t(op.inputs[i])] = off;
        }
        off += uint32_t(g.tensors[size_t(op.inputs[i])].c);
      }
    }
  }
  MemoryPlan m;
  m.slots.assign(nt, Slot{});
  std::vector<bool> done(nt, false);
  std::function<Slot(int)> resolve = [&](int t) -> Slot {
    if (done[size_t(t)]) return m.slots[size_t(t)];
    Slot s;
    if (reshape_of[size_t(t)] >= 0) {
      s = resolve(reshape_of[size_t(t)]);
    } else if (slice_into[size_t(t)] >= 0) {
      const Slot o = resolve(slice_into[size_t(t)]);
      s = {o.storage, o.c_offset + slice_off[size_t(t)], o.c_total};
    } else {
      Storage st;
      st.name = g.tensors[size_t(t)].name;
      st.bytes = uint64_t(g.tensors[size_t(t)].numel());
      m.storage.push_back(st);
      s = {int(m.storage.size()) - 1, 0, uint32_t(g.tensors[size_t(t)].c)};
    }
    m.slots[size_t(t)] = s;
    done[size_t(t)] = true;
    return s;
  };
  for (size_t t = 0; t < nt; ++t) resolve(int(t));
  // Lifetimes.
  for (Storage& s : m.storage) s.first = int(g.ops.size()), s.last = -1;
  auto touch = [&](int t, int at) {
    Storage& s = m.storage[size_t(m.slots[size_t(t)].storage)];
    s.first = std::min(s.first, at);
    s.last = std::max(s.last, at);
  };
  for (int t : g.inputs) touch(t, -1);
  for (size_t k = 0; k < g.ops.size(); ++k) {
    touch(g.ops[k].output, int(k));
    for (int i : g.ops[k].inputs) touch(i, int(k));
  }
  for (int t : g.outputs) touch(t, int(g.ops.size()));
  // Greedy first fit, largest first.
  std::vector<size_t> order(m.storage.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return m.storage[a].bytes > m.storage[b].bytes; });
  std::vector<size_t> placed;
  for (size_t i : order) {
    Storage& s = m.storage[i];
    m.unshared_bytes += align64(s.bytes);
    std::vector<std::pair<uint64_t, uint64_t>> busy;
    for (size_t j : placed) {
      const Storage& o = m.storage[j];
      if (o.last >= s.first && s.last >= o.first) busy.emplace_back(o.offset, o.offset + align64(o.bytes));
    }
    std::sort(busy.begin(), busy.end());
    uint64_t off = 0;
    for (const auto& [b, e] : busy) {
      if (off + s.bytes <= b) break;
      off = std::max(off, e);
    }
    s.offset = off;
    m.arena_bytes = std::max(m.arena_bytes, align64(off + s.bytes));
    placed.push_back(i);
  }
  if (m.arena_bytes == 0) m.arena_bytes = 64;
  return m;
}

}  // namespace systole::net
