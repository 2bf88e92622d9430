// The "fpga" backend offline: sysfs parsing (UIO devices and their maps, u-dma-buf buffers,
// number formats) against a fake sysfs tree in a temp dir; the DMA window's bounds and
// address translation; the clear error when no UIO device of the name exists; and the whole
// backend over that tree with regular files standing in for /dev/uioN and /dev/udmabufN
// (mmap works on both), so CSR offsets, the device-memory mapping and Device's identity check
// and soft reset are exercised without a board.
#include "driver/backends/fpga_backend.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "arch/error.hpp"
#include "arch/isa.hpp"
#include "driver/device.hpp"
#include "driver/fpga/sysfs.hpp"

namespace systole::driver {
namespace {

namespace fs = std::filesystem;

#define EXPECT_HAS(s, part) EXPECT_NE(std::string(s).find(part), std::string::npos) << (s)

template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

class FakeSys : public ::testing::Test {
 protected:
  fs::path root_;
  void SetUp() override {
    char tmpl[] = "/tmp/systole_fpga_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    fs::create_directories(root_ / "sys");
    fs::create_directories(root_ / "dev");
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string sys() const { return (root_ / "sys").string(); }
  std::string dev() const { return (root_ / "dev").string(); }

  static void put(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
  // /sys/class/uio/uioN with maps given as (addr, size).
  void add_uio(unsigned n, const std::string& name, std::vector<std::pair<uint64_t, uint64_t>> maps) {
    const fs::path d = root_ / "sys/class/uio" / ("uio" + std::to_string(n));
    put(d / "name", name + "\n");
    for (size_t i = 0; i < maps.size(); ++i) {
      const fs::path m = d / "maps" / ("map" + std::to_string(i));
      put(m / "name", "regs\n");
      put(m / "addr", fmt::format("0x{:08x}\n", maps[i].first));
      put(m / "size", fmt::format("0x{:08x}\n", maps[i].second));
      put(m / "offset", "0x0\n");
    }
  }
  void add_udmabuf(const std::string& cls, const std::string& name, uint64_t phys, uint64_t size) {
    const fs::path d = root_ / "sys/class" / cls / name;
    put(d / "phys_addr", fmt::format("0x{:x}\n", phys));
    put(d / "size", fmt::format("{}\n", size));
    put(d / "sync_mode", "1\n");
  }
  // A regular file standing in for a device node.
  void add_node(const std::string& name, uint64_t bytes) {
    std::ofstream f(root_ / "dev" / name, std::ios::binary);
    f << std::string(bytes, '\0');
  }
  void poke32(const std::string& node, uint64_t off, uint32_t v) {
    std::fstream f(root_ / "dev" / node, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(std::streamoff(off));
    const uint8_t b[4] = {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
    f.write(reinterpret_cast<const char*>(b), 4);
  }
  uint32_t peek32(const std::string& node, uint64_t off) {
    std::ifstream f(root_ / "dev" / node, std::ios::binary);
    f.seekg(std::streamoff(off));
    uint8_t b[4] = {};
    f.read(reinterpret_cast<char*>(b), 4);
    return b[0] | b[1] << 8 | b[2] << 16 | uint32_t(b[3]) << 24;
  }
  FpgaBackendOptions opts() const {
    FpgaBackendOptions o;
    o.sysfs_root = sys();
    o.dev_root = dev();
    return o;
  }
};

TEST_F(FakeSys, ListsUioDevicesWithTheirMaps) {
  add_uio(3, "systole", {{0x43c00000, 0x10000}, {0x18000000, 0x8000000}});
  add_uio(0, "axi-gpio", {{0x41200000, 0x1000}});
  put(root_ / "sys/class/uio/not-a-uio/name", "junk\n");  // ignored
  const auto all = fpga::list_uio_devices(sys(), dev());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "axi-gpio");
  EXPECT_EQ(all[1].index, 3u);
  EXPECT_EQ(all[1].node, dev() + "/uio3");
  ASSERT_EQ(all[1].maps.size(), 2u);
  EXPECT_EQ(all[1].maps[0].addr, 0x43c00000u);
  EXPECT_EQ(all[1].maps[0].size, 0x10000u);
  EXPECT_EQ(all[1].maps[1].size, 0x8000000u);
  EXPECT_EQ(all[1].maps[0].name, "regs");
  EXPECT_EQ(fpga::find_uio_device("systole", sys(), dev()).index, 3u);
}

TEST_F(FakeSys, MissingUioDeviceIsAClearError) {
  EXPECT_HAS(error_of([&] { fpga::find_uio_device("systole", sys()); }),
             "no UIO device named systole found under " + sys() + "/class/uio (none present)");
  add_uio(0, "axi-gpio", {{0x41200000, 0x1000}});
  const std::string e = error_of([&] { make_fpga_backend(load_config("tiny"), opts()); });
  EXPECT_HAS(e, "no UIO device named systole found under " + sys() + "/class/uio");
  EXPECT_HAS(e, "present: uio0 'axi-gpio'");
  EXPECT_HAS(e, "generic-uio");
}

TEST_F(FakeSys, RealSysfsWithoutTheDeviceSaysSo) {
  // This machine has no accelerator: the registered backend says where it looked.
  const auto names = backend_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "fpga"), names.end());
  unsetenv("SYSTOLE_SYSFS");
  unsetenv("SYSTOLE_UIO");
  EXPECT_HAS(error_of([] { Device::open("fpga", load_config("tiny")); }),
             "no UIO device named systole found under /sys/class/uio");
}

TEST_F(FakeSys, ParsesSysfsNumbers) {
  put(root_ / "n/hex", "0x1F000000\n");
  put(root_ / "n/dec", "  4194304 \n");
  put(root_ / "n/bad", "12abc\n");
  EXPECT_EQ(fpga::read_sysfs_number((root_ / "n/hex").string()), 0x1f000000u);
  EXPECT_EQ(fpga::read_sysfs_number((root_ / "n/dec").string()), 4194304u);
  EXPECT_HAS(error_of([&] { fpga::read_sysfs_number((root_ / "n/bad").string()); }), "'12abc' is not a number");
  EXPECT_HAS(error_of([&] { fpga::read_sysfs_number((root_ / "n/none").string()); }), "cannot read");
}

TEST_F(FakeSys, FindsUdmabufInEitherClassDirectory) {
  add_udmabuf("u-dma-buf", "udmabuf0", 0x18000000, 1 << 20);
  add_udmabuf("udmabuf", "udmabuf1", 0x70000000, 4096 * 4);
  const auto a = fpga::find_dma_buf("udmabuf0", sys(), dev());
  EXPECT_EQ(a.phys_addr, 0x18000000u);
  EXPECT_EQ(a.size, 1u << 20);
  EXPECT_EQ(a.node, dev() + "/udmabuf0");
  EXPECT_EQ(fpga::find_dma_buf("udmabuf1", sys(), dev()).phys_addr, 0x70000000u);
  EXPECT_HAS(error_of([&] { fpga::find_dma_buf("udmabuf7", sys(), dev()); }), "no u-dma-buf device named udmabuf7");
}

TEST(DmaWindow, TranslatesAndBoundsChecks) {
  std::vector<uint8_t> mem(8192);
  fpga::DmaWindow w(mem.data(), 0x18000000, mem.size());
  EXPECT_EQ(w.phys(0), 0x18000000u);
  EXPECT_EQ(w.phys(4096, 4096), 0x18001000u);
  EXPECT_EQ(w.host(100, 10), mem.data() + 100);
  EXPECT_HAS(error_of([&] { w.phys(8190, 4); }), "4 bytes at 0x1ffe leaves the 8192-byte DMA window");
  EXPECT_HAS(error_of([&] { w.host(uint64_t(-8), 16); }), "leaves the 8192-byte DMA window");
  EXPECT_NO_THROW(w.host(8192, 0));
}

TEST_F(FakeSys, BackendMapsCsrsAndDeviceMemory) {
  add_uio(1, "systole", {{0x43c00000, 0x1000}});
  add_node("uio1", 0x1000);
  add_udmabuf("u-dma-buf", "udmabuf0", 0x18000000, 64 * 1024);
  add_node("udmabuf0", 64 * 1024);
  poke32("uio1", isa::kCsrHwId, isa::kHwIdMagic << 16 | isa::kIsaVersion);
  poke32("uio1", isa::kCsrHwDim, 4);
  poke32("uio1", isa::kCounterBase + 8, 77);  // insns, low word

  FpgaBackendOptions o = opts();
  o.dma_base = 0x18000000;
  Device dev(make_fpga_backend(load_config("tiny"), o));  // identity check, then a soft reset
  EXPECT_EQ(dev.backend().name(), "fpga");
  EXPECT_EQ(dev.backend().mem_size(), 64u * 1024);
  EXPECT_EQ(peek32("uio1", isa::kCsrCtrl), 1u << isa::kBitCtrlReset);
  EXPECT_EQ(dev.counters()[isa::Counter::Insns], 77u);
  // Device memory is the buffer file at the device address.
  Buffer b = dev.alloc(64, "x");
  const uint32_t v[2] = {0x11223344, 0x55667788};
  dev.write(b, v, sizeof v);
  EXPECT_EQ(peek32("udmabuf0", b.addr), 0x11223344u);
  EXPECT_EQ(peek32("udmabuf0", b.addr + 4), 0x55667788u);
  dev.backend().csr_write(isa::kCsrInsnBase, 0x1000);
  EXPECT_EQ(peek32("uio1", isa::kCsrInsnBase), 0x1000u);
  EXPECT_TRUE(dev.backend().wait_idle(std::chrono::milliseconds(10)));  // status reads 0: idle
  EXPECT_HAS(dev.backend().describe_state(), "insns=77");
  EXPECT_HAS(error_of([&] { dev.backend().csr_read(0x1002); }), "CSR offset 0x1002 is unaligned or outside");
}

TEST_F(FakeSys, InterruptModeEnablesTheIrqAndWaitsOnTheUioFd) {
  add_uio(1, "systole", {{0x43c00000, 0x1000}});
  add_node("uio1", 0x1000);
  add_udmabuf("u-dma-buf", "udmabuf0", 0x18000000, 64 * 1024);
  add_node("udmabuf0", 64 * 1024);
  poke32("uio1", isa::kCsrHwId, isa::kHwIdMagic << 16 | isa::kIsaVersion);
  poke32("uio1", isa::kCsrHwDim, 4);
  FpgaBackendOptions o = opts();
  o.use_irq = true;
  Device dev(make_fpga_backend(load_config("tiny"), o));
  // Every ctrl write carries irq_enable.
  EXPECT_EQ(peek32("uio1", isa::kCsrCtrl), 1u << isa::kBitCtrlReset | 1u << isa::kBitCtrlIrqEnable);
  poke32("uio1", isa::kCsrStatus, 1u << isa::kBitStatusBusy);
  // Busy: the backend unmasks (writes 1 to the UIO fd: on this stand-in file it lands at
  // offset 0), waits for the interrupt (a regular file is always readable), re-reads status,
  // and gives up at the timeout.
  EXPECT_FALSE(dev.backend().wait_idle(std::chrono::milliseconds(20)));
  EXPECT_EQ(peek32("uio1", isa::kCsrCtrl), 1u);
  poke32("uio1", isa::kCsrStatus, 1u << isa::kBitStatusDone);
  EXPECT_TRUE(dev.backend().wait_idle(std::chrono::milliseconds(20)));
}

TEST_F(FakeSys, BackendRefusesAMismatchedOrTooSmallBuffer) {
  add_uio(0, "systole", {{0x43c00000, 0x1000}});
  add_node("uio0", 0x1000);
  add_udmabuf("u-dma-buf", "udmabuf0", 0x20000000, 64 * 1024);
  add_node("udmabuf0", 64 * 1024);
  FpgaBackendOptions o = opts();
  o.dma_base = 0x18000000;
  EXPECT_HAS(error_of([&] { make_fpga_backend(load_config("tiny"), o); }),
             "udmabuf0 is at physical 0x20000000, but the bitstream's DRAM_BASE is 0x18000000");
  add_udmabuf("u-dma-buf", "udmabuf1", 0x18000000, 4096);
  o.dma_buf = "udmabuf1";
  o.dma_base.reset();
  EXPECT_HAS(error_of([&] { make_fpga_backend(load_config("tiny"), o); }),
             "udmabuf1 is 4096 bytes; device memory needs at least 8192");
  // A CSR map too small for the register block.
  add_uio(2, "small", {{0x43c00000, 0x40}});
  o.uio_name = "small";
  EXPECT_HAS(error_of([&] { make_fpga_backend(load_config("tiny"), o); }), "the CSR block needs 160");
  // A node that cannot be opened.
  add_uio(3, "nodev", {{0x43c00000, 0x1000}});
  o.uio_name = "nodev";
  EXPECT_HAS(error_of([&] { make_fpga_backend(load_config("tiny"), o); }), "cannot open " + dev() + "/uio3");
}

TEST_F(FakeSys, EnvironmentSelectsTheDevices) {
  setenv("SYSTOLE_UIO", "accel0", 1);
  setenv("SYSTOLE_DMA_BASE", "0x70000000", 1);
  setenv("SYSTOLE_SYSFS", sys().c_str(), 1);
  setenv("SYSTOLE_FPGA_IRQ", "1", 1);
  const FpgaBackendOptions o = fpga_backend_options_from_env();
  EXPECT_TRUE(o.use_irq);
  unsetenv("SYSTOLE_FPGA_IRQ");
  EXPECT_EQ(o.uio_name, "accel0");
  EXPECT_EQ(o.dma_base.value_or(0), 0x70000000u);
  EXPECT_EQ(o.sysfs_root, sys());
  setenv("SYSTOLE_DMA_BASE", "nope", 1);
  EXPECT_HAS(error_of([] { fpga_backend_options_from_env(); }), "SYSTOLE_DMA_BASE='nope' is not an address");
  unsetenv("SYSTOLE_UIO");
  unsetenv("SYSTOLE_DMA_BASE");
  unsetenv("SYSTOLE_SYSFS");
}

}  // namespace
}  // namespace systole::driver
