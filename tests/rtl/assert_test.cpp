// The RTL's assertions are live in the Verilated models (--assert) and fire on a broken input:
// a token counter popped with no token (underflow) and pushed past its capacity (overflow),
// while legal traffic on a token counter and a queue reports nothing. Verilator reports a
// failed assertion as "%Error: ... Assertion failed" followed by $stop; with fatalOnError off
// the context records the error instead of aborting, which is what the tests check.
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>

#include "Vfifo.h"
#include "Vtoken.h"
#include "vl_port.hpp"

namespace systole::rtltest {
namespace {

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// A model in its own context that records assertion failures instead of aborting.
template <typename M>
struct Harness {
  std::unique_ptr<VerilatedContext> ctx = std::make_unique<VerilatedContext>();
  std::unique_ptr<M> m;
  Harness() {
    ctx->fatalOnError(false);
    m = std::make_unique<M>(ctx.get());
    reset(*m);
  }
};

// The token counter (WIDTH=3: at most 7 tokens).
struct TokenRun {
  Harness<Vtoken> h;
  void cycle(bool push, bool pop) {
    h.m->push_i = push;
    h.m->pop_i = pop;
    tick(*h.m);
  }
};

TEST(RtlAssert, TokenLegalTrafficIsSilent) {
  TokenRun t;
  testing::internal::CaptureStdout();
  std::mt19937 rng(3);
  int count = 0;
  for (int i = 0; i < 5000; ++i) {
    t.h.m->eval();
    const bool push = count < 7 && (rng() & 1), pop = t.h.m->avail_o && (rng() & 1);
    count += int(push) - int(pop);
    t.cycle(push, pop);
  }
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_FALSE(t.h.ctx->gotError()) << out;
  EXPECT_EQ(out, "");
}

TEST(RtlAssert, TokenUnderflowFires) {
  TokenRun t;
  t.cycle(false, false);
  testing::internal::CaptureStdout();
  t.cycle(false, true);  // pop with no token: the unit started without its dependency
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_TRUE(t.h.ctx->gotError());
  EXPECT_TRUE(has(out, "Assertion failed")) << out;
  EXPECT_TRUE(has(out, "token counter underflow")) << out;
}

TEST(RtlAssert, TokenOverflowFires) {
  TokenRun t;
  for (int i = 0; i < 7; ++i) t.cycle(true, false);
  EXPECT_FALSE(t.h.ctx->gotError());
  testing::internal::CaptureStdout();
  t.cycle(true, false);  // the eighth token does not fit in 3 bits
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_TRUE(t.h.ctx->gotError());
  EXPECT_TRUE(has(out, "token counter overflow")) << out;
}

TEST(RtlAssert, FifoLegalTrafficIsSilentAndInOrder) {
  Harness<Vfifo> h;  // WIDTH=8, DEPTH=2
  testing::internal::CaptureStdout();
  std::mt19937 rng(5);
  uint8_t next_in = 0, next_out = 0;
  int popped = 0;
  for (int i = 0; i < 5000; ++i) {
    Vfifo& m = *h.m;
    m.in_valid_i = rng() & 1;
    m.in_data_i = next_in;
    m.out_ready_i = rng() & 1;
    m.eval();
    if (m.out_valid_o && m.out_ready_i) {
      EXPECT_EQ(m.out_data_o, next_out++);
      ++popped;
    }
    if (m.in_valid_i && m.in_ready_o) ++next_in;
    tick(m);
  }
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_FALSE(h.ctx->gotError()) << out;
  EXPECT_GT(popped, 1000);
}

}  // namespace
}  // namespace systole::rtltest
