// Hand-made malicious programs (issue #7): every one must be refused by Device::submit (the
// validator, driver/validate.cpp) or by LoadedProgram before anything reaches the device, with
// a message naming the instruction index and the fields at fault. Out-of-range DMA, DMA into
// a neighbouring buffer (output over weights), the driver's own instruction buffer, byte
// arithmetic that wraps 32 bits (stride x rows, addresses near 2^32), on-chip rows out of
// range, all-ones ("negative-looking") fields. Runs on the hls backend, and on the rtl backend
// in the build that links it (SYSTOLE_MALICIOUS_BACKEND).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cstring>
#include <functional>
#include <vector>

#include "arch/error.hpp"
#include "arch/isa.hpp"
#include "driver/device.hpp"
#include "driver/program.hpp"
#include "driver/validate.hpp"

#ifndef SYSTOLE_MALICIOUS_BACKEND
#define SYSTOLE_MALICIOUS_BACKEND "hls"
#endif

namespace systole::driver {
namespace {

#define EXPECT_HAS(str, sub) EXPECT_NE((str).find(sub), std::string::npos) << (str)

class Malicious : public ::testing::Test {
 protected:
  void SetUp() override {
    dev = Device::open(SYSTOLE_MALICIOUS_BACKEND, load_config("tiny"));
    w = dev->alloc(64, "weights");
    out = dev->alloc(64, "out");
    ASSERT_EQ(out.addr, w.addr + 64) << "the tests below assume adjacent buffers";
    // Something to recognise: a refused program must leave device memory untouched.
    std::vector<uint8_t> pattern(64);
    for (size_t i = 0; i < 64; ++i) pattern[i] = uint8_t(0xa0 + i);
    dev->write(w, pattern.data(), 64);
    dev->write(out, pattern.data(), 64);
  }

  // Submits the assembled text; returns the refusal message ("<accepted>" otherwise) and
  // checks that the program did not run and memory is unchanged.
  std::string refusal(const std::string& text) {
    const std::vector<isa::Insn> prog = isa::assemble(text, "malicious.s");
    std::string msg = "<accepted>";
    try {
      dev->submit(prog);
    } catch (const Error& e) {
      msg = e.what();
    }
    if (msg == "<accepted>") {
      dev->wait(std::chrono::seconds(10));
      return msg;
    }
    EXPECT_FALSE(dev->running());
    std::vector<uint8_t> got(64);
    for (const Buffer* b : {&w, &out}) {
      dev->read(*b, got.data(), 64);
      for (size_t i = 0; i < 64; ++i) EXPECT_EQ(got[i], uint8_t(0xa0 + i)) << b->name << " byte " << i;
    }
    return msg;
  }

  // Validation alone against a design point with 2^18 on-chip rows, so that huge row counts
  // pass the on-chip checks and only the DRAM footprint is wrong.
  std::string refusal_wide(const std::string& text) {
    Config big = dev->config();
    big.spad_kib = big.acc_kib = 1024;
    try {
      validate_program(isa::assemble(text, "malicious.s"), big, dev->buffers());
    } catch (const Error& e) {
      return e.what();
    }
    return "<accepted>";
  }

  // A STORE in a balanced program (execute relays nothing: the STORE needs no token).
  static std::string store(const std::string& fields) { return "STORE raw=1 " + fields + "\n"; }
  static std::string load(const std::string& fields) { return "LOAD " + fields + "\n"; }

  std::unique_ptr<Device> dev;
  Buffer w, out;
};

TEST_F(Malicious, DmaPastTheEndOfItsBuffer) {
  // LOAD reading 4 bytes past 'out' (rows 0..16 of 4 bytes, the 17th outside).
  std::string e = refusal(load(fmt::format("dram_addr={} x_size=4 y_size=17 dram_stride=4", out.addr)));
  EXPECT_EQ(e.rfind("instruction 0 (LOAD", 0), 0u) << e;
  EXPECT_HAS(e, "overruns buffer 'out'");
  EXPECT_HAS(e, "by 4 bytes");
  EXPECT_HAS(e, "y_size=17");
  EXPECT_HAS(e, "dram_stride=4");
  // The last row alone is too long: accumulator rows are x_size * 4 bytes.
  e = refusal(load(fmt::format("target=acc dram_addr={} x_size=4 y_size=4 dram_stride=17", out.addr)));
  EXPECT_HAS(e, "overruns buffer 'out'");
  EXPECT_HAS(e, "x_size*4=16");
  // Starting before any buffer, in the never-allocated first page, at 0, and past the memory.
  for (uint32_t addr : {0u, 64u, 4095u, w.addr - 1, 0x3ffffc0u}) {
    e = refusal("MATMUL rows=0\n" + store(fmt::format("dram_addr={} x_size=1 y_size=1", addr)));
    EXPECT_EQ(e.rfind("instruction 1 (STORE", 0), 0u) << e;
    EXPECT_HAS(e, "starts outside every allocated buffer");
    EXPECT_HAS(e, fmt::format("dram_addr=0x{:x}", addr));
  }
}

TEST_F(Malicious, OutputRunningIntoTheWeights) {
  // 'out' directly follows 'weights': a STORE that starts in 'weights' and runs into 'out',
  // and one that starts in 'out' ... both touch two buffers, which one buffer must hold.
  std::string e = refusal(store(fmt::format("dram_addr={} x_size=4 y_size=2 dram_stride=60", w.addr + 4)));
  EXPECT_HAS(e, "overruns buffer 'weights'");
  // Output rows with a stride that steps over the end of 'out' into whatever lies behind.
  e = refusal(store(fmt::format("dram_addr={} x_size=4 y_size=2 dram_stride=64", out.addr)));
  EXPECT_HAS(e, "overruns buffer 'out'");
  // A backwards "negative" stride does not exist: the 20-bit stride is unsigned, so all ones
  // is +1048575, far past the buffer, not -1.
  e = refusal(store(fmt::format("dram_addr={} x_size=1 y_size=2 dram_stride=0xfffff", out.addr + 32)));
  EXPECT_HAS(e, "overruns buffer 'out'");
  EXPECT_HAS(e, "dram_stride=1048575");
}

TEST_F(Malicious, OverlappingBuffersAreRefusedByTheValidator) {
  // validate_program is public: a caller handing it an output view over the weights (aliasing
  // buffers) gets an error instead of a validation that trusts the first match.
  std::vector<Buffer> bufs = dev->buffers();
  Buffer alias = w;
  alias.name = "output view";
  alias.addr = w.addr + 32;
  bufs.push_back(alias);
  try {
    validate_program({}, dev->config(), bufs);
    ADD_FAILURE() << "overlapping buffers accepted";
  } catch (const Error& e) {
    EXPECT_HAS(std::string(e.what()), "overlap");
    EXPECT_HAS(std::string(e.what()), "'output view'");
  }
}

TEST_F(Malicious, TheInstructionBufferIsNotADmaTarget) {
  // The first submit places the driver's instruction buffer; a program must not rewrite it.
  dev->submit(isa::assemble("MATMUL rows=0\n"));
  dev->wait(std::chrono::seconds(10));
  const uint32_t insn_base = dev->backend().csr_read(isa::kCsrInsnBase);
  const std::string e = refusal(store(fmt::format("dram_addr={} x_size=4 y_size=1", insn_base)));
  EXPECT_HAS(e, "outside every allocated buffer");
}

TEST_F(Malicious, StrideTimesRowsWrapping32Bits) {
  // (y_size - 1) * dram_stride = 2^15 * 2^17 = 2^32: with 32-bit arithmetic the last row would
  // land back on dram_addr, inside the buffer. The footprint is computed in 64 bits.
  const uint32_t rows = (1u << 15) + 1, stride = 1u << 17;
  std::string e = refusal_wide(fmt::format("LOAD dram_addr={} x_size=4 y_size={} dram_stride={}\n", w.addr, rows, stride));
  EXPECT_HAS(e, "overruns buffer 'weights'");
  EXPECT_HAS(e, fmt::format("[0x{:x}, 0x{:x})", w.addr, uint64_t(w.addr) + uint64_t(rows - 1) * stride + 4));
  // The same on a STORE: 8193 rows of stride 2^19.
  e = refusal_wide(store(fmt::format("dram_addr={} x_size=1 y_size=8193 dram_stride=0x80000", out.addr)));
  EXPECT_HAS(e, "instruction 0 (STORE");
  EXPECT_HAS(e, "overruns buffer 'out'");
  EXPECT_HAS(e, "y_size=8193");
  // Largest fields: 65535 rows of stride 2^20 - 1 (about 2^36 bytes) from a real buffer.
  e = refusal_wide(store(fmt::format("dram_addr={} x_size=4 y_size=0xffff dram_stride=0xfffff", out.addr)));
  EXPECT_HAS(e, "overruns buffer 'out'");
  // On the real (tiny) device the row count is already refused on chip.
  e = refusal(store(fmt::format("dram_addr={} x_size=4 y_size=0xffff dram_stride=0xfffff", out.addr)));
  EXPECT_HAS(e, "stored rows 0..65534 exceed the accumulator");
}

TEST_F(Malicious, AddressesNearTwoToThe32) {
  // dram_addr = 2^32 - 4 with 8-byte rows: the end is past 2^32, not a small wrapped address.
  std::string e = refusal(load("target=acc dram_addr=0xfffffffc x_size=2 y_size=1"));
  EXPECT_HAS(e, "starts outside every allocated buffer");
  EXPECT_HAS(e, "[0xfffffffc, 0x100000004)");
  e = refusal_wide(store("dram_addr=0xffffffff x_size=4 y_size=0xffff dram_stride=0xfffff"));
  EXPECT_HAS(e, "starts outside every allocated buffer");
  // Fields cannot hold more than their width: the assembler refuses 2^32 (no silent truncation
  // to 0, which would point into the reserved page) and negative values.
  EXPECT_THROW(isa::assemble("LOAD dram_addr=0x100000000 x_size=1 y_size=1"), Error);
  EXPECT_THROW(isa::assemble("LOAD dram_addr=-1 x_size=1 y_size=1"), Error);
  EXPECT_THROW(isa::assemble("STORE dram_stride=0x100000 x_size=1 y_size=1"), Error);
}

TEST_F(Malicious, OnChipRowsOutOfRange) {
  const uint32_t spad = dev->config().spad_rows(), acc = dev->config().acc_rows();
  // Scratchpad write whose padding rows run off the end (y_size alone fits).
  std::string e = refusal(load(fmt::format("sram_addr={} y_size=1 y_pad_after=1 x_size=0", spad - 1)));
  EXPECT_HAS(e, "exceed the scratchpad");
  EXPECT_HAS(e, "sram_addr .. sram_addr + y_pad_before + y_size + y_pad_after - 1");
  // All-ones 16-bit address: 65535 is not "-1 = last row".
  e = refusal(load("sram_addr=0xffff y_size=1 x_size=0"));
  EXPECT_HAS(e, "written rows 65535..65535 exceed the scratchpad");
  // Accumulator LOAD one row past the end.
  e = refusal(load(fmt::format("target=acc sram_addr={} y_size=1 x_size=0", acc)));
  EXPECT_HAS(e, "exceed the accumulator");
  // MATMUL: rows * outer = 65535 * 255 (wraps 16 bits to 65281*...): computed in 64 bits.
  e = refusal("MATMUL rows=0xffff outer=0xff a_stride=0 a_outer_stride=0\n");
  EXPECT_HAS(e, "instruction 0 (MATMUL");
  EXPECT_HAS(e, "result rows 0..16711424 exceed the accumulator");
  EXPECT_HAS(e, "acc_addr .. acc_addr + rows*outer - 1");
  // Activation rows with the largest strides: 65535 + 254*65535 + 65534*255.
  e = refusal("MATMUL rows=0xffff outer=0xff a_addr=0xffff a_stride=0xff a_outer_stride=0xffff\n");
  EXPECT_HAS(e, "activation row");
  EXPECT_HAS(e, "a_addr + (outer-1)*a_outer_stride + (rows-1)*a_stride");
  // Weight rows past the scratchpad, accumulator rows of a STORE, its parameter rows.
  e = refusal(fmt::format("MATMUL load_weights=1 w_rows=4 w_addr={} rows=0\n", spad - 3));
  EXPECT_HAS(e, "weight rows");
  EXPECT_HAS(e, "w_addr .. w_addr + w_rows - 1");
  e = refusal(store(fmt::format("acc_addr={} dram_addr={} x_size=4 y_size=2 dram_stride=16", acc - 1, out.addr)));
  EXPECT_HAS(e, "stored rows");
  EXPECT_HAS(e, "acc_addr .. acc_addr + y_size - 1");
  e = refusal(fmt::format("STORE param_addr={} dram_addr={} x_size=4 y_size=1\n", acc - 2, out.addr));
  EXPECT_HAS(e, "parameter rows");
  // Row widths beyond DIM, padding past DIM.
  EXPECT_HAS(refusal(load(fmt::format("dram_addr={} x_size=0xff y_size=1", w.addr))), "x_size 255 exceeds DIM 4");
  EXPECT_HAS(refusal(load(fmt::format("dram_addr={} x_size=1 x_pad_before=0xff y_size=1", w.addr))),
             "x_pad_before + x_size = 256 exceeds DIM 4");
  EXPECT_HAS(refusal("MATMUL w_rows=0xff rows=0\n"), "w_rows 255 exceeds DIM 4");
}

TEST_F(Malicious, GarbageWords) {
  // Illegal opcode, reserved bits, token abuse: refused with the index of the bad word.
  EXPECT_HAS(refusal("MATMUL rows=0\n.word 0x0000000000000000000000000000000f\n"), "instruction 1");
  EXPECT_HAS(refusal(".word 0x80000000000000000000000000000001\n"), "reserved bit");
  EXPECT_HAS(refusal("MATMUL pop_prev=1 rows=0\n"), "no earlier instruction pushed");
  EXPECT_HAS(refusal("LOAD push_next=1\n"), "unconsumed token");
}

// .stp programs: the loader refuses accesses no single tensor holds, stores into constants,
// and manifests whose offsets wrap 32 bits, before allocating anything.
Program base_program() {
  Program p;
  p.config_name = "tiny";
  p.dim = 4;
  p.arena_size = 256;
  p.tensors.push_back({"weights", TensorKind::Constant, "int8", {4, 4}, 0, 64, std::vector<uint8_t>(64, 1)});
  p.tensors.push_back({"y", TensorKind::Output, "int32", {4, 4}, 64, 64, {}});
  return p;
}

TEST_F(Malicious, LoadedProgramRefusesOutputOverWeights) {
  const size_t before = dev->buffers().size();
  auto refused = [&](const Program& p) {
    try {
      LoadedProgram lp(*dev, p);
    } catch (const Error& e) {
      EXPECT_EQ(dev->buffers().size(), before) << "a refused program allocated buffers";
      return std::string(e.what());
    }
    return std::string("<accepted>");
  };
  // A STORE into the constant weights (the output "buffer" is the weights).
  Program p = base_program();
  p.insns = isa::assemble("STORE raw=1 dram_addr=0 x_size=4 y_size=1\n");
  std::string e = refused(p);
  EXPECT_HAS(e, "instruction 0 (STORE");
  EXPECT_HAS(e, "inside constant tensor 'weights'");
  // An output tensor overlapping the weights in the arena: a STORE into the shared bytes is
  // ambiguous and refused; the same STORE outside the overlap is fine.
  p = base_program();
  p.tensors[1].offset = 0;
  p.insns = isa::assemble("STORE raw=1 dram_addr=16 x_size=4 y_size=1\n");
  e = refused(p);
  EXPECT_HAS(e, "lies in both tensor 'weights' and tensor 'y'");
  // A STORE straddling the end of the output tensor.
  p = base_program();
  p.insns = isa::assemble("STORE raw=1 dram_addr=112 x_size=4 y_size=2 dram_stride=16\n");
  EXPECT_HAS(refused(p), "is not inside any one tensor");
  // 32-bit wrap in the arena: stride * rows = 2^32 would bring the last row back to offset 64.
  p = base_program();
  p.insns = isa::assemble("STORE raw=1 dram_addr=64 x_size=1 y_size=8193 dram_stride=0x80000\n");
  EXPECT_HAS(refused(p), "is not inside any one tensor");
  EXPECT_EQ(refused(base_program()), "<accepted>");
}

TEST_F(Malicious, ManifestOffsetsThatWrap) {
  // offset + size = 2^32 + 64 would wrap to 64 < arena_size in 32 bits.
  Program p = base_program();
  p.tensors[1].offset = 0xffffffc0u;
  p.tensors[1].size = 0x80;
  EXPECT_THROW(check_program(p), Error);
  try {
    check_program(p);
  } catch (const Error& e) {
    EXPECT_HAS(std::string(e.what()), "lies outside the 256-byte arena");
  }
  // Serialized and read back, the same manifest is refused by the reader.
  std::vector<uint8_t> bytes = serialize(base_program());
  Program q = deserialize(bytes);
  EXPECT_EQ(q.tensors.size(), 2u);
  // Patch the output tensor's offset field in the bytes (u32 after its rank-2 shape).
  const std::string marker = "int32";
  auto it = std::search(bytes.begin(), bytes.end(), marker.begin(), marker.end());
  ASSERT_NE(it, bytes.end());
  const size_t off_at = size_t(it - bytes.begin()) + marker.size() + 1 + 2 * 8;
  const uint32_t evil = 0xffffffc0u;
  std::memcpy(&bytes[off_at], &evil, 4);
  EXPECT_THROW(deserialize(bytes), Error);
}

}  // namespace
}  // namespace systole::driver
