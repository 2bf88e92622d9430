// Allocator: first fit, alignment, coalescing, exhaustion, double free / stale / foreign.
#include "driver/allocator.hpp"

#include <gtest/gtest.h>

#include "arch/error.hpp"

namespace systole::driver {
namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(DriverAllocator, AlignsAndPlacesFirstFit) {
  Allocator a(100, 100 + 64 * 100);
  const auto& x = a.alloc(1, "x");
  EXPECT_EQ(x.addr, 128u);  // begin rounded up to 64
  const uint64_t x_addr = x.addr, x_id = x.id;
  const auto& y = a.alloc(65, "y");
  EXPECT_EQ(y.addr, 192u);
  const auto& z = a.alloc(64, "z");
  EXPECT_EQ(z.addr, 320u);  // y reserved two 64-byte granules
  a.free(x_addr, x_id);
  EXPECT_EQ(a.alloc(10, "w").addr, 128u);  // the hole is reused first
}

TEST(DriverAllocator, CoalescesNeighbours) {
  Allocator a(0, 64 * 8);
  const auto b0 = a.alloc(64, "b0"), b1 = a.alloc(64, "b1"), b2 = a.alloc(64, "b2");
  a.free(b0.addr, b0.id);
  a.free(b2.addr, b2.id);
  a.free(b1.addr, b1.id);  // merges with both sides and the tail
  EXPECT_EQ(a.largest_free(), 64u * 8);
  EXPECT_EQ(a.alloc(64 * 8, "all").addr, 0u);
}

TEST(DriverAllocator, RejectsExhaustionAndZero) {
  Allocator a(0, 1024);
  EXPECT_NE(error_of([&] { a.alloc(0, "z"); }).find("0 bytes"), std::string::npos);
  a.alloc(512, "half");
  const std::string e = error_of([&] { a.alloc(1000, "big"); });
  EXPECT_NE(e.find("device memory exhausted"), std::string::npos) << e;
  EXPECT_NE(e.find("'big'"), std::string::npos) << e;
  EXPECT_NE(e.find("512 bytes free"), std::string::npos) << e;
}

TEST(DriverAllocator, DetectsDoubleFreeStaleAndForeign) {
  Allocator a(0, 4096), other(0, 4096);
  const auto b = a.alloc(100, "b");
  a.free(b.addr, b.id, "b");
  EXPECT_NE(error_of([&] { a.free(b.addr, b.id, "b"); }).find("double free"), std::string::npos);
  const auto c = a.alloc(100, "c");  // same address as b
  ASSERT_EQ(c.addr, b.addr);
  const std::string stale = error_of([&] { a.free(b.addr, b.id, "b"); });
  EXPECT_NE(stale.find("stale"), std::string::npos) << stale;
  EXPECT_NE(stale.find("'c'"), std::string::npos) << stale;
  EXPECT_NO_THROW(a.lookup(c.addr, c.id));
  const auto o = other.alloc(100, "o");
  EXPECT_NE(error_of([&] { a.free(o.addr, o.id, "o"); }).find("foreign"), std::string::npos);
  EXPECT_NE(error_of([&] { a.lookup(12345, 0); }).find("foreign"), std::string::npos);
}

}  // namespace
}  // namespace systole::driver
