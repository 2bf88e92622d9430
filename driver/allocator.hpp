// First-fit allocator over a device address range. Driver-internal: Device uses it to hand
// out DMA buffers and its own instruction buffer. Knows nothing of the backend; it only
// bookkeeps [begin, end) ranges, 64-byte aligned, and recognises every block it handed out
// by a unique id so double frees and foreign or stale handles are caught, not corrupting.
#pragma once
#include <cstdint>
#include <map>
#include <string>

namespace systole::driver {

class Allocator {
 public:
  static constexpr uint64_t kAlign = 64;

  struct Block {
    uint64_t addr = 0;
    uint64_t size = 0;      // requested bytes (the reservation is rounded up to kAlign)
    uint64_t id = 0;        // unique across allocators in the process, never reused
    std::string name;
  };

  // Manages [begin, end); begin is rounded up to kAlign.
  Allocator(uint64_t begin, uint64_t end);

  // Throws systole::Error when bytes == 0 or no free range is large enough (the message
  // names the request, the free total and the largest free range).
  const Block& alloc(uint64_t bytes, const std::string& name);
  // Throws systole::Error for a block that is not live: already freed (double free), stale
  // (its address now belongs to a newer block) or never allocated here (foreign).
  // `name` only labels the messages.
  void free(uint64_t addr, uint64_t id, const std::string& name = "");
  // The live block at addr with that id; throws like free() otherwise.
  const Block& lookup(uint64_t addr, uint64_t id, const std::string& name = "") const;
  // The live block starting at addr, or nullptr.
  const Block* find(uint64_t addr) const;

  const std::map<uint64_t, Block>& live() const { return live_; }
  uint64_t free_bytes() const;
  uint64_t largest_free() const;
  uint64_t begin() const { return begin_; }
  uint64_t end() const { return end_; }

 private:
  [[noreturn]] void throw_not_live(uint64_t addr, uint64_t id, const std::string& name, const char* what) const;

  // Ids are (allocator serial << 40) | sequence: an id tells which allocator made it and,
  // when it is below next_seq_ but not live, that it was freed, without keeping history.
  uint64_t serial_;
  uint64_t next_seq_ = 1;
  uint64_t begin_, end_;
  std::map<uint64_t, uint64_t> free_;  // addr -> reserved size, coalesced
  std::map<uint64_t, Block> live_;     // addr -> block
};

}  // namespace systole::driver
