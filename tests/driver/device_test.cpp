// Device over the scripted FakeBackend: allocation, bounds, the CSR launch protocol,
// device errors, timeouts, counters and identity checks.
#include "driver/device.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "arch/error.hpp"
#include "arch/isa.hpp"
#include "fake_backend.hpp"

namespace systole::driver {
namespace {

using testing::FakeBackend;

#define EXPECT_HAS(str, sub) EXPECT_NE((str).find(sub), std::string::npos) << (str)

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

class DriverDevice : public ::testing::Test {
 protected:
  DriverDevice() {
    auto b = std::make_unique<FakeBackend>(cfg, 1 << 20);
    fake = b.get();
    dev = std::make_unique<Device>(std::move(b));
  }
  // LOAD 4x4 from `in`, MATMUL, STORE raw 4x4 to `out`, tokens balanced.
  std::vector<isa::Insn> tile(const Buffer& in, const Buffer& out) {
    isa::LoadInsn l;
    l.dram_addr = in.addr;
    l.x_size = 4;
    l.y_size = 4;
    l.dram_stride = 4;
    l.push_next = 1;
    isa::MatmulInsn m;
    m.pop_prev = 1;
    m.push_next = 1;
    m.rows = 4;
    isa::StoreInsn s;
    s.pop_prev = 1;
    s.dram_addr = out.addr;
    s.x_size = 4;
    s.y_size = 4;
    s.dram_stride = 16;
    s.raw = 1;
    return {isa::pack(l), isa::pack(m), isa::pack(s)};
  }

  Config cfg = load_config("tiny");
  FakeBackend* fake = nullptr;
  std::unique_ptr<Device> dev;
};

TEST_F(DriverDevice, AllocatesAlignedDisjointBuffersAboveTheReservedPage) {
  std::vector<Buffer> bs;
  for (uint32_t n : {1u, 63u, 64u, 65u, 1000u}) bs.push_back(dev->alloc(n, "b" + std::to_string(n)));
  for (size_t i = 0; i < bs.size(); ++i) {
    EXPECT_EQ(bs[i].addr % 64, 0u);
    EXPECT_GE(bs[i].addr, Device::kReservedBytes);
    if (i) {
      EXPECT_GE(bs[i].addr, bs[i - 1].addr + bs[i - 1].size);
    }
  }
  ASSERT_EQ(dev->buffers().size(), bs.size());
  EXPECT_EQ(dev->find_buffer(bs[2].addr)->name, "b64");
  EXPECT_EQ(dev->find_buffer(bs[2].addr + 1), nullptr);
}

TEST_F(DriverDevice, RejectsExhaustedMemoryAndReusesFreedSpace) {
  EXPECT_HAS(error_of([&] { dev->alloc(2 << 20, "huge"); }), "device memory exhausted");
  EXPECT_HAS(error_of([&] { dev->alloc(0, "empty"); }), "0 bytes");
  const Buffer a = dev->alloc(512 << 10, "a");
  const Buffer b = dev->alloc(256 << 10, "b");
  EXPECT_HAS(error_of([&] { dev->alloc(512 << 10, "c"); }), "'c'");
  dev->free(a);
  EXPECT_EQ(dev->alloc(512 << 10, "c").addr, a.addr);
  (void)b;
}

TEST_F(DriverDevice, DetectsDoubleFreeStaleAndForeignBuffers) {
  const Buffer a = dev->alloc(100, "a");
  dev->free(a);
  EXPECT_HAS(error_of([&] { dev->free(a); }), "double free");
  const Buffer b = dev->alloc(100, "b");
  ASSERT_EQ(a.addr, b.addr);
  EXPECT_HAS(error_of([&] { dev->free(a); }), "stale");
  uint8_t x = 0;
  EXPECT_HAS(error_of([&] { dev->write(a, &x, 1); }), "stale");  // handle of a freed buffer
  Device other(std::make_unique<FakeBackend>(cfg, 1 << 20));
  const Buffer o = other.alloc(100, "o");
  EXPECT_HAS(error_of([&] { dev->free(o); }), "foreign");
  EXPECT_HAS(error_of([&] { dev->read(Buffer{b.addr, 100, "made up", 0}, &x, 1); }), "foreign");
  EXPECT_EQ(dev->buffers().size(), 1u);
}

TEST_F(DriverDevice, ReadWriteAreBoundsChecked) {
  const Buffer a = dev->alloc(100, "a");
  std::vector<uint8_t> src(100), dst(100);
  for (int i = 0; i < 100; ++i) src[i] = uint8_t(i * 7);
  dev->write(a, src.data(), 100);
  dev->read(a, dst.data(), 100);
  EXPECT_EQ(src, dst);
  EXPECT_EQ(std::memcmp(fake->mem().data() + a.addr, src.data(), 100), 0);
  dev->write(a, src.data(), 10, 90);
  EXPECT_HAS(error_of([&] { dev->write(a, src.data(), 11, 90); }), "overruns buffer 'a' (100 bytes)");
  EXPECT_HAS(error_of([&] { dev->read(a, dst.data(), 2, SIZE_MAX); }), "overruns");  // no offset wrap
  EXPECT_HAS(error_of([&] { dev->read(a, dst.data(), SIZE_MAX, 1); }), "overruns");
}

TEST_F(DriverDevice, SubmitWritesInstructionsThenBaseCountStart) {
  const Buffer in = dev->alloc(64, "in"), out = dev->alloc(64, "out");
  const auto prog = tile(in, out);
  fake->csr_writes.clear();
  dev->submit(prog);
  EXPECT_TRUE(dev->running());
  ASSERT_EQ(fake->csr_writes.size(), 3u);
  EXPECT_EQ(fake->csr_writes[0].first, isa::kCsrInsnBase);
  EXPECT_EQ(fake->csr_writes[1], std::make_pair(isa::kCsrInsnCount, 3u));
  EXPECT_EQ(fake->csr_writes[2], std::make_pair(isa::kCsrCtrl, 1u << isa::kBitCtrlStart));
  const uint32_t base = fake->csr_writes[0].second;
  EXPECT_EQ(base % 16, 0u);
  for (const Buffer& b : dev->buffers())  // the instruction buffer is driver-owned, apart
    EXPECT_TRUE(base + 48 <= b.addr || base >= b.addr + b.size);
  ASSERT_EQ(fake->last_program.size(), 48u);
  for (size_t i = 0; i < prog.size(); ++i) EXPECT_EQ(isa::insn_from_bytes(fake->last_program.data() + 16 * i), prog[i]);
  dev->wait(std::chrono::milliseconds(100));
  EXPECT_FALSE(dev->running());
  EXPECT_GE(dev->last_run_seconds(), 0.0);
}

TEST_F(DriverDevice, InvalidProgramNeverReachesTheDevice) {
  const Buffer in = dev->alloc(64, "in"), out = dev->alloc(32, "out");  // 4 rows * 16 B do not fit
  const std::string e = error_of([&] { dev->submit(tile(in, out)); });
  EXPECT_HAS(e, "instruction 2 (STORE");
  EXPECT_HAS(e, "overruns buffer 'out'");
  EXPECT_EQ(fake->starts, 0);
  EXPECT_FALSE(dev->running());
  // The instruction buffer is not a DMA target for programs.
  Buffer big = dev->alloc(64, "x");
  dev->submit({});
  dev->wait();
  const uint32_t insn_base = fake->csr_read(isa::kCsrInsnBase);
  isa::LoadInsn l;
  l.dram_addr = insn_base;
  l.x_size = 4;
  l.y_size = 1;
  EXPECT_HAS(error_of([&] { dev->submit({isa::pack(l)}); }), "outside every allocated buffer");
  (void)big;
}

TEST_F(DriverDevice, SequencingErrors) {
  EXPECT_HAS(error_of([&] { dev->wait(); }), "without a submitted program");
  const Buffer a = dev->alloc(64, "a");
  dev->submit({});
  EXPECT_HAS(error_of([&] { dev->submit({}); }), "call wait() first");
  EXPECT_HAS(error_of([&] { dev->free(a); }), "while a program is running");
  dev->wait();
  dev->free(a);
}

TEST_F(DriverDevice, DeviceErrorNamesCodeAndInstructionThenRecovers) {
  const Buffer in = dev->alloc(64, "in"), out = dev->alloc(64, "out");
  fake->behaviour = FakeBackend::Behaviour::Fault;
  fake->fault_code = uint32_t(isa::ErrorCode::DmaBusError);
  fake->fault_insn = 1;
  dev->submit(tile(in, out));
  const std::string e = error_of([&] { dev->wait(); });
  EXPECT_HAS(e, "error dma_bus_error (code 1)");
  EXPECT_HAS(e, "instruction 1 (MATMUL");
  EXPECT_HAS(e, "rows=4");
  EXPECT_EQ(fake->status(), 0u) << "the driver soft-resets after an error";
  fake->fault_insn = 99;
  dev->submit(tile(in, out));
  EXPECT_HAS(error_of([&] { dev->wait(); }), "instruction 99 (outside the 3-instruction program)");
  fake->behaviour = FakeBackend::Behaviour::Finish;
  dev->submit(tile(in, out));
  EXPECT_NO_THROW(dev->wait());
}

TEST_F(DriverDevice, TimeoutDescribesStateAndResets) {
  fake->behaviour = FakeBackend::Behaviour::Hang;
  dev->submit({});
  const int resets = fake->resets;
  const std::string e = error_of([&] { dev->wait(std::chrono::milliseconds(20)); });
  EXPECT_HAS(e, "timeout after 20 ms");
  EXPECT_HAS(e, "waiting for a token on load->execute");
  EXPECT_EQ(fake->resets, resets + 1);
  EXPECT_FALSE(dev->running());
  fake->behaviour = FakeBackend::Behaviour::Finish;
  dev->submit({});
  EXPECT_NO_THROW(dev->wait());
}

TEST_F(DriverDevice, CountersAre64BitLowWordFirst) {
  dev->submit(std::vector<isa::Insn>(5, isa::pack(isa::LoadInsn{})));
  dev->wait();
  const Counters c = dev->counters();
  for (uint32_t i = 0; i < isa::kNumCounters; ++i) EXPECT_EQ(c.v[i], fake->counter_base * (i + 1) + 5) << i;
  EXPECT_EQ(c[isa::Counter::Insns], fake->counter_base * 2 + 5);
}

TEST_F(DriverDevice, InstructionBufferGrowsAndReportsExhaustion) {
  for (size_t n : {10u, 300u, 5000u, 20u}) {
    dev->submit(std::vector<isa::Insn>(n, isa::pack(isa::LoadInsn{})));
    dev->wait();
    EXPECT_EQ(fake->last_program.size(), n * 16);
  }
  // Fill memory with user buffers, then a larger program cannot get its buffer.
  while (true) {
    try {
      dev->alloc(4096, "fill");
    } catch (const Error&) {
      break;
    }
  }
  while (true) {
    try {
      dev->alloc(64, "fill");
    } catch (const Error&) {
      break;
    }
  }
  EXPECT_HAS(error_of([&] { dev->submit(std::vector<isa::Insn>(20000, isa::pack(isa::LoadInsn{}))); }),
             "no device memory for the 20000-instruction buffer");
  dev->submit(std::vector<isa::Insn>(100, isa::pack(isa::LoadInsn{})));  // fits the old buffer
  dev->wait();
}

TEST(DriverDeviceIdentity, RejectsWrongHardware) {
  const Config cfg = load_config("tiny");
  auto bad_id = std::make_unique<FakeBackend>(cfg);
  bad_id->hw_id = 0x12340001;
  EXPECT_HAS(error_of([&] { Device d(std::move(bad_id)); }), "not a Systole accelerator");
  auto bad_isa = std::make_unique<FakeBackend>(cfg);
  bad_isa->hw_id = (isa::kHwIdMagic << 16) | (isa::kIsaVersion + 1);
  EXPECT_HAS(error_of([&] { Device d(std::move(bad_isa)); }), "ISA version");
  auto bad_dim = std::make_unique<FakeBackend>(cfg);
  bad_dim->hw_dim = 16;
  EXPECT_HAS(error_of([&] { Device d(std::move(bad_dim)); }), "config 'tiny' says dim = 4");
}

TEST(DriverRegistry, OpensByNameAndListsAlternatives) {
  systole_test_register_fake_backend();
  const auto names = backend_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "fake"), names.end());
  auto d = Device::open("fake", load_config("tiny"));
  EXPECT_EQ(d->backend().name(), "fake");
  const std::string e = error_of([] { make_backend("nope", load_config("tiny")); });
  EXPECT_HAS(e, "unknown backend 'nope'");
  EXPECT_HAS(e, "fake");
}

}  // namespace
}  // namespace systole::driver
