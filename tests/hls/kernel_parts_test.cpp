// The kernel's building blocks on their own: the native stream shim, the token counters,
// and one activation row through the array.
#include <gtest/gtest.h>

#include "hls/execute.hpp"
#include "hls/stream.hpp"
#include "hls/tokens.hpp"

namespace systole::hls {
namespace {

TEST(Stream, FifoOrderWrapAroundAndBounds) {
  stream<int, 3> s;
  EXPECT_TRUE(s.empty());
  for (int round = 0; round < 5; ++round) {  // wraps the ring several times
    s.write(round);
    s.write(round + 10);
    EXPECT_EQ(s.size(), 2u);
    EXPECT_EQ(s.read(), round);
    EXPECT_EQ(s.read(), round + 10);
  }
  s.write(1), s.write(2), s.write(3);
  EXPECT_TRUE(s.full());
  EXPECT_FALSE(s.write_nb(4));
  int v = 0;
  EXPECT_TRUE(s.read_nb(v));
  EXPECT_EQ(v, 1);
  s.clear();
  EXPECT_FALSE(s.read_nb(v));
}

TEST(Tokens, ReadyPopPushAndLegality) {
  TokenCounters t;
  TokenFlags pop_prev;
  pop_prev.pop_prev = true;
  EXPECT_FALSE(t.ready(pop_prev, isa::Unit::Execute, 2));
  TokenFlags push_next;
  push_next.push_next = true;
  t.push(push_next, isa::Unit::Load);  // load -> execute
  EXPECT_TRUE(t.ready(pop_prev, isa::Unit::Execute, 2));
  t.push(push_next, isa::Unit::Load);
  EXPECT_FALSE(t.ready(push_next, isa::Unit::Load, 2));  // channel at depth
  t.pop(pop_prev, isa::Unit::Execute);
  EXPECT_TRUE(t.ready(push_next, isa::Unit::Load, 2));
  EXPECT_EQ(t.count[kLoadToExec], 1u);

  EXPECT_FALSE(TokenCounters::legal(pop_prev, isa::Unit::Load));
  EXPECT_TRUE(TokenCounters::legal(pop_prev, isa::Unit::Store));
  EXPECT_FALSE(TokenCounters::legal(push_next, isa::Unit::Store));
}

TEST(Array, OneRowOverwriteAndAccumulate) {
  constexpr int D = 4;
  const elem_t a[D] = {1, -2, 3, 127};
  elem_t w[D][D] = {};
  for (int k = 0; k < D; ++k)
    for (int n = 0; n < D; ++n) w[k][n] = elem_t((k + 1) * (n - 1));
  acc_t out[D] = {100, 100, 100, 100};
  array_row<D>(a, w, out, false);
  for (int n = 0; n < D; ++n) {
    int32_t want = 0;
    for (int k = 0; k < D; ++k) want += a[k] * w[k][n];
    EXPECT_EQ(out[n], want);
  }
  acc_t again[D] = {1, 1, 1, 1};
  array_row<D>(a, w, again, true);
  for (int n = 0; n < D; ++n) EXPECT_EQ(again[n], out[n] + 1);
}

}  // namespace
}  // namespace systole::hls
