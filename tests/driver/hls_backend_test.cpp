// The "hls" backend end to end through Device: tiny hand-made programs on the natively
// compiled HLS model (copy, GEMM via LoadedProgram), hardware faults and deadlocks reported
// clearly, and the device usable again afterwards.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include <fmt/format.h>

#include "arch/error.hpp"
#include "arch/isa.hpp"
#include "driver/device.hpp"
#include "driver/program.hpp"

namespace systole::driver {
namespace {

#define EXPECT_HAS(str, sub) EXPECT_NE((str).find(sub), std::string::npos) << (str)

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

class DriverHls : public ::testing::Test {
 protected:
  void SetUp() override { dev = Device::open("hls", load_config("tiny")); }

  // LOAD `rows` int32 rows into the accumulator, relay the token through execute, STORE raw.
  std::vector<isa::Insn> copy(uint32_t src, uint32_t dst, uint32_t rows) {
    const uint32_t dim = dev->config().dim;
    return isa::assemble(fmt::format("LOAD target=acc dram_addr={} dram_stride={} y_size={} x_size={} push_next=1\n"
                                     "MATMUL pop_prev=1 push_next=1 rows=0\n"
                                     "STORE pop_prev=1 dram_addr={} dram_stride={} y_size={} x_size={} raw=1\n",
                                     src, dim * 4, rows, dim, dst, dim * 4, rows, dim));
  }

  // Copies rows of random int32 and checks the result and the data counters.
  void expect_copy_works(uint32_t rows) {
    const uint32_t n = rows * dev->config().dim;
    const Buffer src = dev->alloc(n * 4, "src"), dst = dev->alloc(n * 4, "dst");
    std::vector<int32_t> in(n), out(n, 0);
    std::mt19937 rng(rows);
    for (auto& v : in) v = int32_t(rng());
    dev->write(src, in.data(), n * 4);
    dev->submit(copy(src.addr, dst.addr, rows));
    dev->wait(std::chrono::seconds(30));
    dev->read(dst, out.data(), n * 4);
    EXPECT_EQ(in, out);
    const Counters c = dev->counters();
    EXPECT_EQ(c[isa::Counter::Insns], 3u);
    EXPECT_EQ(c[isa::Counter::DramRdBytes], n * 4u);
    EXPECT_EQ(c[isa::Counter::DramWrBytes], n * 4u);
    EXPECT_EQ(c[isa::Counter::FetchBytes], 3u * isa::kInsnBytes);
    EXPECT_GT(c[isa::Counter::Cycles], 0u);
    dev->free(src);
    dev->free(dst);
  }

  std::unique_ptr<Device> dev;
};

TEST_F(DriverHls, IsRegisteredAndIdentifiesItself) {
  const auto names = backend_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "hls"), names.end());
  EXPECT_EQ(dev->backend().name(), "hls");
  EXPECT_EQ(dev->backend().csr_read(isa::kCsrHwDim), 4u);
  EXPECT_EQ(dev->backend().mem_size(), dev->config().dram_bytes());
  // The big design point opens quickly: device memory is mapped lazily.
  EXPECT_EQ(Device::open("hls", load_config("large"))->config().dim, 32u);
}

TEST_F(DriverHls, CopiesABufferThroughTheAccumulator) {
  expect_copy_works(1);
  expect_copy_works(37);
}

TEST_F(DriverHls, LoadedGemmMatchesTheCpu) {
  // out[i][n] = sum_k a[i][k] * w[k][n] for a 6x4 activation tile and 4x4 weights, raw int32.
  const uint32_t dim = 4, m = 6;
  Program p;
  p.config_name = "tiny";
  p.dim = dim;
  p.arena_size = 256;
  std::mt19937 rng(7);
  TensorDesc w{"w", TensorKind::Constant, "int8", {dim, dim}, 64, dim * dim, {}};
  for (uint32_t i = 0; i < dim * dim; ++i) w.data.push_back(uint8_t(rng()));
  p.tensors = {{"a", TensorKind::Input, "int8", {m, dim}, 0, m * dim, {}}, w,
               {"out", TensorKind::Output, "int32", {m, dim}, 128, m * dim * 4, {}}};
  p.insns = isa::assemble(fmt::format(
      "LOAD dram_addr=64 dram_stride={0} y_size={0} x_size={0}            # weights -> spad 0..3\n"
      "LOAD sram_addr={0} dram_addr=0 dram_stride={0} y_size={1} x_size={0} push_next=1\n"
      "MATMUL pop_prev=1 push_next=1 load_weights=1 w_rows={0} a_addr={0} rows={1}\n"
      "STORE pop_prev=1 dram_addr=128 dram_stride={2} y_size={1} x_size={0} raw=1\n",
      dim, m, dim * 4));
  std::vector<int8_t> a(m * dim);
  for (auto& v : a) v = int8_t(rng());

  // Through the file format, as the compiler hands programs over.
  const std::string path = ::testing::TempDir() + "/systole_hls_gemm.stp";
  save_program(p, path);
  LoadedProgram lp(*dev, load_program_file(path));
  std::remove(path.c_str());
  lp.set_input("a", a.data(), a.size());
  lp.run(std::chrono::seconds(30));
  std::vector<int32_t> out(m * dim);
  lp.get_output("out", out.data(), out.size() * 4);
  for (uint32_t i = 0; i < m; ++i)
    for (uint32_t n = 0; n < dim; ++n) {
      int32_t ref = 0;
      for (uint32_t k = 0; k < dim; ++k) ref += int32_t(a[i * dim + k]) * int32_t(int8_t(w.data[k * dim + n]));
      EXPECT_EQ(out[i * dim + n], ref) << "row " << i << " col " << n;
    }
  EXPECT_EQ(dev->counters()[isa::Counter::ArrayRows], m);
}

TEST_F(DriverHls, HardwareFaultIsReportedAndTheDeviceRecovers) {
  // Validation would reject this LOAD; submit_unchecked lets the hardware's own bus check
  // catch it: DRAM of the tiny design point ends at 64 MiB.
  auto prog = isa::assemble(
      "LOAD target=acc y_size=1 x_size=4 push_next=1\n"
      "LOAD target=acc dram_addr=0xfffff000 y_size=1 x_size=4\n"
      "MATMUL pop_prev=1\n");
  dev->submit_unchecked(prog);
  const std::string e = error_of([&] { dev->wait(std::chrono::seconds(30)); });
  EXPECT_HAS(e, "device 'hls': DMA read error at DRAM address 0xfffff000 in the load unit, instruction 1 (LOAD");
  EXPECT_HAS(e, "error dma_bus_error (code 1)");
  EXPECT_HAS(e, "dram_addr=");
  EXPECT_EQ(dev->backend().csr_read(isa::kCsrStatus), 0u) << "soft reset after the error";
  expect_copy_works(5);
}

TEST_F(DriverHls, DeadlockTimesOutWithTheStuckUnitAndRecovers) {
  dev->submit_unchecked(isa::assemble("MATMUL pop_prev=1\n"));  // nobody pushes
  const std::string e = error_of([&] { dev->wait(std::chrono::milliseconds(50)); });
  EXPECT_HAS(e, "timeout after 50 ms");
  EXPECT_HAS(e, "deadlocked");
  EXPECT_HAS(e, "execute unit");
  expect_copy_works(2);
}

TEST_F(DriverHls, ValidationStopsMaliciousProgramsBeforeTheDevice) {
  dev = Device::open("hls", load_config("default"));  // 16384 scratchpad rows
  const Buffer b = dev->alloc(64, "b");
  dev->submit({});
  dev->wait();
  const uint64_t fetched_before = dev->counters()[isa::Counter::FetchBytes];
  // (rows-1) * stride = 8192 * 2^19 = 2^32: the last row wraps 32 bits back onto the buffer.
  EXPECT_HAS(error_of([&] {
               dev->submit(isa::assemble(fmt::format("LOAD dram_addr={} dram_stride=524288 y_size=8193 x_size=4", b.addr)));
             }),
             "overruns buffer 'b'");
  EXPECT_HAS(error_of([&] { dev->submit(isa::assemble("MATMUL pop_prev=1")); }), "no earlier instruction pushed");
  EXPECT_FALSE(dev->running());
  EXPECT_EQ(dev->counters()[isa::Counter::FetchBytes], fetched_before) << "nothing ran";
}

}  // namespace
}  // namespace systole::driver
