// Little-endian byte writer and bounds-checked reader for the program file format. The
// reader throws systole::Error "<origin>: ..." naming the field when the input runs out,
// so a truncated or hostile file can never read past its end.
#pragma once
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <vector>

#include "arch/error.hpp"

namespace systole::driver {

class ByteWriter {
 public:
  void u8(uint8_t v) { out_.push_back(v); }
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) out_.push_back(uint8_t(v >> (8 * i)));
  }
  void i64(int64_t v) {
    for (int i = 0; i < 8; ++i) out_.push_back(uint8_t(uint64_t(v) >> (8 * i)));
  }
  void bytes(const void* p, size_t n) {
    const uint8_t* b = static_cast<const uint8_t*>(p);
    out_.insert(out_.end(), b, b + n);
  }
  void str(const std::string& s) {
    u32(uint32_t(s.size()));
    bytes(s.data(), s.size());
  }
  std::vector<uint8_t>& out() { return out_; }

 private:
  std::vector<uint8_t> out_;
};

class ByteReader {
 public:
  ByteReader(const std::vector<uint8_t>& in, std::string origin) : in_(in), origin_(std::move(origin)) {}

  size_t pos() const { return pos_; }
  size_t left() const { return in_.size() - pos_; }
  const std::string& origin() const { return origin_; }

  [[noreturn]] void fail(const std::string& what) const {
    throw Error(fmt::format("{}: {} (at byte {})", origin_, what, pos_));
  }
  void need(size_t n, const char* what) const {
    if (n > left()) fail(fmt::format("truncated: {} needs {} bytes, {} left", what, n, left()));
  }
  uint8_t u8(const char* what) {
    need(1, what);
    return in_[pos_++];
  }
  uint32_t u32(const char* what) {
    need(4, what);
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t(in_[pos_ + i]) << (8 * i);
    pos_ += 4;
    return v;
  }
  int64_t i64(const char* what) {
    need(8, what);
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t(in_[pos_ + i]) << (8 * i);
    pos_ += 8;
    return int64_t(v);
  }
  const uint8_t* bytes(size_t n, const char* what) {
    need(n, what);
    const uint8_t* p = in_.data() + pos_;
    pos_ += n;
    return p;
  }
  std::string str(const char* what, uint32_t max_len) {
    const uint32_t n = u32(what);
    if (n > max_len) fail(fmt::format("{} is {} bytes long, the limit is {}", what, n, max_len));
    const uint8_t* p = bytes(n, what);
    return std::string(reinterpret_cast<const char*>(p), n);
  }

 private:
  const std::vector<uint8_t>& in_;
  std::string origin_;
  size_t pos_ = 0;
};

}  // namespace systole::driver
