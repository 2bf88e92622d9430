// Memory planning: every activation tensor of the quantized graph gets a place in one device
// arena. Tensors that alias share a storage (a Reshape that keeps the NHWC bytes; a Concat's
// inputs written in place as channel slices of its output); storages whose lifetimes (first
// write .. last read, in op order) do not overlap share arena bytes (greedy first fit,
// largest first). Everything NHWC int8, 64-byte aligned.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "compiler/net/placement.hpp"
#include "compiler/quant/qgraph.hpp"

namespace systole::net {

// Where a tensor lives: channels c_offset .. c_offset + c of a storage with c_total channels
// per pixel (c_total == c for a dense tensor).
struct Slot {
  int storage = -1;
  uint32_t c_offset = 0, c_total = 0;
};

struct Storage {
  std::string name;   // the tensor owning it
  uint64_t bytes = 0;
  uint64_t offset = 0;  // in the arena
  int first = 0, last = 0;  // op indices: written by `first` (-1: graph input), last read by `last`
};

struct MemoryPlan {
  std::vector<Slot> slots;        // per tensor
  std::vector<Storage> storage;
  uint64_t arena_bytes = 0;       // with reuse
  uint64_t unshared_bytes = 0;    // sum of all storages (no reuse)
};

MemoryPlan plan_memory(const quant::QGraph& g, const std::vector<Placement>& p);

}  // namespace systole::net
