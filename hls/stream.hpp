// The FIFO channel type the kernel's stages talk through. Under Vitis HLS (__SYNTHESIS__)
// it is the vendor's hls::stream<T, DEPTH>; natively it is a fixed-capacity ring buffer
// with the same read/write/empty/full interface, plus size() so the native scheduler can
// enforce a run-time depth limit below the compile-time capacity. No heap: the storage is
// a member array, so a stream lives wherever its owner does.
#pragma once
#include <cstdint>

#ifdef __SYNTHESIS__
#include <hls_stream.h>
#endif

namespace systole::hls {

#ifdef __SYNTHESIS__

template <typename T, int DEPTH>
using stream = ::hls::stream<T, DEPTH>;

#else

template <typename T, int DEPTH>
class stream {
  static_assert(DEPTH > 0, "a stream needs room for at least one element");

 public:
  bool empty() const { return count_ == 0; }
  bool full() const { return count_ == uint32_t(DEPTH); }
  uint32_t size() const { return count_; }
  static constexpr uint32_t capacity() { return uint32_t(DEPTH); }

  // Blocking in hardware; natively the caller must have checked !full() / !empty() first
  // (the scheduler never calls a stage that would block), so misuse is a logic error and
  // is made harmless rather than undefined: a write to a full stream is dropped, a read
  // from an empty one returns T{}.
  void write(const T& v) {
    if (full()) return;
    buf_[tail_] = v;
    tail_ = next(tail_);
    ++count_;
  }
  T read() {
    if (empty()) return T{};
    const T v = buf_[head_];
    head_ = next(head_);
    --count_;
    return v;
  }
  bool write_nb(const T& v) {
    if (full()) return false;
    write(v);
    return true;
  }
  bool read_nb(T& v) {
    if (empty()) return false;
    v = read();
    return true;
  }
  void clear() { head_ = tail_ = count_ = 0; }

 private:
  static uint32_t next(uint32_t i) { return i + 1 == uint32_t(DEPTH) ? 0 : i + 1; }

  T buf_[DEPTH];
  uint32_t head_ = 0;
  uint32_t tail_ = 0;
  uint32_t count_ = 0;
};

#endif

}  // namespace systole::hls
