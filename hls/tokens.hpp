// Dependency tokens between neighbouring units. A token carries no data, so each channel is
// an up/down counter bounded by the configured token depth: the exact hardware equivalent
// of a FIFO of empty tokens, and far cheaper. An instruction starts only when every token it
// pops is present and every channel it pushes to has room; it pops at start and pushes when
// it finishes, so tokens order whole instructions.
#pragma once
#include <cstdint>

#include "hls/hw_types.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-label"

namespace systole::hls {

// The four header flags of an instruction (identical meaning for every opcode).
struct TokenFlags {
  bool pop_prev = false;
  bool pop_next = false;
  bool push_prev = false;
  bool push_next = false;
};

template <typename T>
inline TokenFlags token_flags(const T& x) {
  TokenFlags f;
  f.pop_prev = x.pop_prev != 0;
  f.pop_next = x.pop_next != 0;
  f.push_prev = x.push_prev != 0;
  f.push_next = x.push_next != 0;
  return f;
}

constexpr uint32_t kNoChannel = kNumTokenChannels;

// Channel each flag of each unit uses (rows: isa::Unit order load, execute, store). The
// load unit has no previous neighbour and the store unit no next one.
struct UnitChannels {
  uint32_t pop_prev, pop_next, push_prev, push_next;
};
constexpr UnitChannels kUnitChannels[isa::kNumUnits] = {
    {kNoChannel, kExecToLoad, kNoChannel, kLoadToExec},      // load
    {kLoadToExec, kStoreToExec, kExecToLoad, kExecToStore},  // execute
    {kExecToStore, kNoChannel, kStoreToExec, kNoChannel},    // store
};

struct TokenCounters {
  uint32_t count[kNumTokenChannels] = {0, 0, 0, 0};

  void reset() {
  reset_channels:
    for (uint32_t c = 0; c < kNumTokenChannels; ++c) count[c] = 0;
  }

  // A flag naming a neighbour the unit does not have is a malformed instruction (BadField).
  static bool legal(const TokenFlags& f, isa::Unit u) {
    const UnitChannels& ch = kUnitChannels[uint32_t(u)];
    return !((f.pop_prev && ch.pop_prev == kNoChannel) || (f.pop_next && ch.pop_next == kNoChannel) ||
             (f.push_prev && ch.push_prev == kNoChannel) || (f.push_next && ch.push_next == kNoChannel));
  }

  // Whether the instruction may start now. Illegal flags are ignored here so that the
  // instruction starts and then faults with BadField instead of waiting forever.
  bool ready(const TokenFlags& f, isa::Unit u, uint32_t depth) const {
    const UnitChannels& ch = kUnitChannels[uint32_t(u)];
    if (f.pop_prev && ch.pop_prev != kNoChannel && count[ch.pop_prev] == 0) return false;
    if (f.pop_next && ch.pop_next != kNoChannel && count[ch.pop_next] == 0) return false;
    if (f.push_prev && ch.push_prev != kNoChannel && count[ch.push_prev] >= depth) return false;
    if (f.push_next && ch.push_next != kNoChannel && count[ch.push_next] >= depth) return false;
    return true;
  }

  void pop(const TokenFlags& f, isa::Unit u) {
    const UnitChannels& ch = kUnitChannels[uint32_t(u)];
    if (f.pop_prev && ch.pop_prev != kNoChannel) --count[ch.pop_prev];
    if (f.pop_next && ch.pop_next != kNoChannel) --count[ch.pop_next];
  }

  void push(const TokenFlags& f, isa::Unit u) {
    const UnitChannels& ch = kUnitChannels[uint32_t(u)];
    if (f.push_prev && ch.push_prev != kNoChannel) ++count[ch.push_prev];
    if (f.push_next && ch.push_next != kNoChannel) ++count[ch.push_next];
  }
};

}  // namespace systole::hls

#pragma GCC diagnostic pop
