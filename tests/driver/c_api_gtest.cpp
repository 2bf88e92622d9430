// The C API (systole.h) from C++: status codes, messages, no exception escaping.
#include "driver/systole.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "arch/isa.hpp"
#include "fake_backend.hpp"

namespace {

#define EXPECT_HAS(str, sub) EXPECT_NE(std::string(str).find(sub), std::string::npos) << (str)

class DriverCApi : public ::testing::Test {
 protected:
  void SetUp() override {
    systole_test_register_fake_backend();
    dev = systole_open("fake", "tiny");
    ASSERT_NE(dev, nullptr) << systole_last_error(nullptr);
  }
  void TearDown() override { systole_close(dev); }
  systole_device* dev = nullptr;
};

TEST(DriverCApiOpen, FailuresReturnNullWithAMessage) {
  EXPECT_EQ(systole_open("no-such-backend", "tiny"), nullptr);
  EXPECT_HAS(systole_last_error(nullptr), "unknown backend 'no-such-backend'");
  systole_test_register_fake_backend();
  EXPECT_EQ(systole_open("fake", "/no/such/config.toml"), nullptr);
  EXPECT_HAS(systole_last_error(nullptr), "config.toml");
  systole_close(nullptr);
}

TEST_F(DriverCApi, BuffersRoundTripAndErrorsAreCodes) {
  EXPECT_EQ(systole_dim(dev), 4u);
  uint32_t a = 0;
  ASSERT_EQ(systole_alloc(dev, 100, "a", &a), SYSTOLE_OK);
  EXPECT_STREQ(systole_last_error(dev), "");
  uint8_t src[100], dst[100];
  for (int i = 0; i < 100; ++i) src[i] = uint8_t(i);
  EXPECT_EQ(systole_write(dev, a, 0, src, 100), SYSTOLE_OK);
  EXPECT_EQ(systole_read(dev, a, 0, dst, 100), SYSTOLE_OK);
  EXPECT_EQ(std::memcmp(src, dst, 100), 0);
  EXPECT_EQ(systole_write(dev, a, 50, src, 51), SYSTOLE_ERROR);
  EXPECT_HAS(systole_last_error(dev), "overruns buffer 'a'");
  EXPECT_EQ(systole_read(dev, a + 64, 0, dst, 1), SYSTOLE_EINVAL);
  EXPECT_EQ(systole_alloc(dev, 0, "z", &a), SYSTOLE_ERROR);
  EXPECT_EQ(systole_alloc(dev, size_t(1) << 40, "big", &a), SYSTOLE_EINVAL);
  EXPECT_EQ(systole_alloc(dev, 10, "n", nullptr), SYSTOLE_EINVAL);
  EXPECT_EQ(systole_free(dev, a), SYSTOLE_OK);
  EXPECT_EQ(systole_free(dev, a), SYSTOLE_EINVAL);
  EXPECT_HAS(systole_last_error(dev), "double free");
  EXPECT_EQ(systole_free(nullptr, a), SYSTOLE_EINVAL);
}

TEST_F(DriverCApi, SubmitWaitCounters) {
  uint32_t in = 0, out = 0;
  ASSERT_EQ(systole_alloc(dev, 64, "in", &in), SYSTOLE_OK);
  ASSERT_EQ(systole_alloc(dev, 64, "out", &out), SYSTOLE_OK);
  systole::isa::LoadInsn l;
  l.dram_addr = in;
  l.x_size = 4;
  l.y_size = 20;  // 80 bytes: overruns "in"
  l.dram_stride = 4;
  uint8_t bytes[16];
  systole::isa::insn_to_bytes(systole::isa::pack(l), bytes);
  EXPECT_EQ(systole_submit(dev, bytes, 1), SYSTOLE_ERROR);
  EXPECT_HAS(systole_last_error(dev), "instruction 0 (LOAD");
  EXPECT_EQ(systole_wait(dev, 10), SYSTOLE_ERROR);
  EXPECT_HAS(systole_last_error(dev), "without a submitted program");
  l.y_size = 16;
  systole::isa::insn_to_bytes(systole::isa::pack(l), bytes);
  EXPECT_EQ(systole_submit(dev, bytes, 1), SYSTOLE_OK);
  EXPECT_EQ(systole_wait(dev, 1000), SYSTOLE_OK);
  uint64_t c[64];
  EXPECT_EQ(systole_counters(dev, c, 64), int(systole_num_counters()));
  EXPECT_EQ(systole_counters(dev, c, 2), 2);
  EXPECT_STREQ(systole_counter_name(0), "cycles");
  EXPECT_EQ(systole_counter_name(systole_num_counters()), nullptr);
  EXPECT_EQ(systole_submit(dev, nullptr, 3), SYSTOLE_EINVAL);
}

}  // namespace
