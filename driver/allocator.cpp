// First-fit allocator with coalescing free list (see allocator.hpp).
#include "driver/allocator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>

#include "arch/error.hpp"

namespace systole::driver {

namespace {
constexpr unsigned kSeqBits = 40;
std::atomic<uint64_t> g_next_serial{1};
uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }
std::string label(const std::string& name) { return name.empty() ? std::string("<unnamed>") : "'" + name + "'"; }
}  // namespace

Allocator::Allocator(uint64_t begin, uint64_t end)
    : serial_(g_next_serial++), begin_(align_up(begin, kAlign)), end_(end) {
  if (end_ > begin_) free_[begin_] = (end_ - begin_) / kAlign * kAlign;
}

const Allocator::Block& Allocator::alloc(uint64_t bytes, const std::string& name) {
  if (bytes == 0) throw Error(fmt::format("cannot allocate buffer {} of 0 bytes", label(name)));
  const uint64_t need = align_up(bytes, kAlign);
  for (auto it = free_.begin(); it != free_.end(); ++it) {
    if (it->second < need) continue;
    const uint64_t addr = it->first, have = it->second;
    free_.erase(it);
    if (have > need) free_[addr + need] = have - need;
    Block b{addr, bytes, (serial_ << kSeqBits) | next_seq_++, name};
    return live_.emplace(addr, std::move(b)).first->second;
  }
  throw Error(fmt::format("device memory exhausted: cannot allocate {} bytes for buffer {} ({} bytes free, largest free range {} bytes)",
                          bytes, label(name), free_bytes(), largest_free()));
}

void Allocator::throw_not_live(uint64_t addr, uint64_t id, const std::string& name, const char* what) const {
  const bool ours = (id >> kSeqBits) == serial_ && (id & ((uint64_t(1) << kSeqBits) - 1)) < next_seq_ && id != 0;
  if (!ours)
    throw Error(fmt::format("{} foreign buffer {} at 0x{:x}: it was not allocated by this device", what, label(name), addr));
  auto lit = live_.find(addr);
  if (lit != live_.end())
    throw Error(fmt::format("{} stale buffer {} at 0x{:x}: it was freed and the address now belongs to buffer {}", what,
                            label(name), addr, label(lit->second.name)));
  throw Error(fmt::format("{} buffer {} at 0x{:x}: it was already freed{}", what, label(name), addr,
                          std::string(what) == "free of" ? " (double free)" : ""));
}

const Allocator::Block& Allocator::lookup(uint64_t addr, uint64_t id, const std::string& name) const {
  auto it = live_.find(addr);
  if (it == live_.end() || it->second.id != id) throw_not_live(addr, id, name, "use of");
  return it->second;
}

const Allocator::Block* Allocator::find(uint64_t addr) const {
  auto it = live_.find(addr);
  return it == live_.end() ? nullptr : &it->second;
}

void Allocator::free(uint64_t addr, uint64_t id, const std::string& name) {
  auto it = live_.find(addr);
  if (it == live_.end() || it->second.id != id) throw_not_live(addr, id, name, "free of");
  uint64_t start = addr, size = align_up(it->second.size, kAlign);
  live_.erase(it);
  // Coalesce with the free neighbours on both sides.
  auto next = free_.lower_bound(start);
  if (next != free_.end() && next->first == start + size) {
    size += next->second;
    next = free_.erase(next);
  }
  if (next != free_.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == start) {
      start = prev->first;
      size += prev->second;
      free_.erase(prev);
    }
  }
  free_[start] = size;
}

uint64_t Allocator::free_bytes() const {
  uint64_t s = 0;
  for (const auto& [a, n] : free_) s += n;
  return s;
}

uint64_t Allocator::largest_free() const {
  uint64_t m = 0;
  for (const auto& [a, n] : free_) m = std::max(m, n);
  return m;
}

}  // namespace systole::driver
