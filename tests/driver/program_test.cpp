// Program format (round trip, hostile input) and LoadedProgram (constants, relocation).
#include "driver/program.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <random>

#include "arch/error.hpp"
#include "arch/isa.hpp"
#include "driver/validate.hpp"
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

// Arena: x input [0, 64), w constant [64, 80), y output [128, 192).
Program sample() {
  Program p;
  p.config_name = "tiny";
  p.dim = 4;
  p.arena_size = 192;
  p.tensors.push_back({"x", TensorKind::Input, "int8", {4, 4}, 0, 64, {}});
  TensorDesc w{"w", TensorKind::Constant, "int8", {4, 4}, 64, 16, {}};
  for (int i = 0; i < 16; ++i) w.data.push_back(uint8_t(i + 1));
  p.tensors.push_back(w);
  p.tensors.push_back({"y", TensorKind::Output, "int32", {4, 4}, 128, 64, {}});
  isa::LoadInsn lw;  // weights -> scratchpad rows 0..3
  lw.dram_addr = 64;
  lw.x_size = 4;
  lw.y_size = 4;
  lw.dram_stride = 4;
  isa::LoadInsn lx = lw;  // activations -> rows 4..7
  lx.dram_addr = 0;
  lx.sram_addr = 4;
  lx.dram_stride = 16;  // a strided view of x: rows 0, 16, 32, 48
  lx.push_next = 1;
  isa::MatmulInsn m;
  m.pop_prev = 1;
  m.push_next = 1;
  m.load_weights = 1;
  m.w_rows = 4;
  m.a_addr = 4;
  m.rows = 4;
  isa::StoreInsn s;
  s.pop_prev = 1;
  s.dram_addr = 128;
  s.x_size = 4;
  s.y_size = 4;
  s.dram_stride = 16;
  s.raw = 1;
  p.insns = {isa::pack(lw), isa::pack(lx), isa::pack(m), isa::pack(s)};
  return p;
}

void expect_same(const Program& a, const Program& b) {
  EXPECT_EQ(a.config_name, b.config_name);
  EXPECT_EQ(a.dim, b.dim);
  EXPECT_EQ(a.arena_size, b.arena_size);
  ASSERT_EQ(a.tensors.size(), b.tensors.size());
  for (size_t i = 0; i < a.tensors.size(); ++i) {
    EXPECT_EQ(a.tensors[i].name, b.tensors[i].name);
    EXPECT_EQ(a.tensors[i].kind, b.tensors[i].kind);
    EXPECT_EQ(a.tensors[i].dtype, b.tensors[i].dtype);
    EXPECT_EQ(a.tensors[i].shape, b.tensors[i].shape);
    EXPECT_EQ(a.tensors[i].offset, b.tensors[i].offset);
    EXPECT_EQ(a.tensors[i].size, b.tensors[i].size);
    EXPECT_EQ(a.tensors[i].data, b.tensors[i].data);
  }
  EXPECT_EQ(a.insns, b.insns);
}

TEST(DriverProgramFormat, RoundTripsInMemoryAndOnDisk) {
  const Program p = sample();
  const std::vector<uint8_t> bytes = serialize(p);
  ASSERT_GE(bytes.size(), 12u);
  EXPECT_EQ(std::memcmp(bytes.data(), "STPG", 4), 0);
  EXPECT_EQ(bytes[4], Program::kFormatVersion);  // little-endian u32
  expect_same(p, deserialize(bytes));
  const std::string path = ::testing::TempDir() + "/systole_program_test.stp";
  save_program(p, path);
  expect_same(p, load_program_file(path));
  std::remove(path.c_str());
  EXPECT_HAS(error_of([] { load_program_file("/nonexistent/dir/p.stp"); }), "cannot open program");
  EXPECT_EQ(p.tensor("w").size, 16u);
  EXPECT_HAS(error_of([&] { p.tensor("nope"); }), "no tensor 'nope'");
}

TEST(DriverProgramFormat, RejectsMalformedHeaders) {
  std::vector<uint8_t> bytes = serialize(sample());
  EXPECT_HAS(error_of([] { deserialize({}, "empty.stp"); }), "empty.stp: not a Systole program");
  auto bad = bytes;
  bad[0] = 'X';
  EXPECT_HAS(error_of([&] { deserialize(bad); }), "magic");
  bad = bytes;
  bad[4] = 9;
  EXPECT_HAS(error_of([&] { deserialize(bad); }), "unsupported format version 9");
  bad = bytes;
  bad[8] = 77;
  EXPECT_HAS(error_of([&] { deserialize(bad); }), "ISA version 77");
  bad = bytes;
  bad.push_back(0);
  EXPECT_HAS(error_of([&] { deserialize(bad); }), "bytes are left");
  // Config name length 0xffffffff.
  bad = bytes;
  std::memset(bad.data() + 12, 0xff, 4);
  EXPECT_HAS(error_of([&] { deserialize(bad); }), "config name is 4294967295 bytes long");
}

TEST(DriverProgramFormat, RejectsHugeCountsWithoutAllocating) {
  std::vector<uint8_t> bytes = serialize(sample());
  const size_t count_at = 12 + 4 + 4 + 4 + 4;  // magic, version, isa, "tiny" string, dim, arena
  auto bad = bytes;
  std::memset(bad.data() + count_at, 0xff, 4);
  EXPECT_HAS(error_of([&] { deserialize(bad); }), "tensor count 4294967295 does not fit");
  bad = bytes;  // instruction count is the 4 bytes before the 4 instructions
  std::memset(bad.data() + bad.size() - 4 * 16 - 4, 0xff, 4);
  EXPECT_HAS(error_of([&] { deserialize(bad); }), "instruction count 4294967295");
}

TEST(DriverProgramFormat, EveryTruncationIsAClearError) {
  const std::vector<uint8_t> bytes = serialize(sample());
  for (size_t n = 0; n < bytes.size(); ++n) {
    const std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + n);
    const std::string e = error_of([&] { deserialize(cut, "cut.stp"); });
    EXPECT_EQ(e.rfind("cut.stp: ", 0), 0u) << "prefix " << n << ": " << e;
  }
}

TEST(DriverProgramFormat, RandomCorruptionNeverCrashes) {
  const std::vector<uint8_t> bytes = serialize(sample());
  std::mt19937 rng(1234);
  int accepted = 0;
  for (int iter = 0; iter < 5000; ++iter) {
    std::vector<uint8_t> b = bytes;
    const int flips = 1 + int(rng() % 4);
    for (int f = 0; f < flips; ++f) b[rng() % b.size()] = uint8_t(rng());
    if (rng() % 4 == 0) b.resize(rng() % b.size());
    try {
      deserialize(b);
      ++accepted;  // some flips land in data bytes or instructions: still well-formed
    } catch (const Error&) {
    }  // any other exception type fails the test
  }
  EXPECT_GT(accepted, 0);
}

TEST(DriverProgramFormat, ChecksManifestConsistency) {
  auto err = [](auto mutate) {
    Program p = sample();
    mutate(p);
    return error_of([&] { serialize(p); });
  };
  EXPECT_HAS(err([](Program& p) { p.tensors[1].name = "x"; }), "duplicate tensor name");
  EXPECT_HAS(err([](Program& p) { p.tensors[0].name = ""; }), "empty name");
  EXPECT_HAS(err([](Program& p) { p.tensors[2].offset = 130; }), "not 64-byte aligned");
  EXPECT_HAS(err([](Program& p) { p.tensors[2].size = 65; }), "outside the 192-byte arena");
  EXPECT_HAS(err([](Program& p) { p.tensors[1].data.pop_back(); }), "constant has 15 data bytes");
  EXPECT_HAS(err([](Program& p) { p.tensors[0].data = {1}; }), "only constants have data");
  EXPECT_HAS(err([](Program& p) { p.tensors[0].kind = TensorKind(9); }), "unknown kind 9");
  EXPECT_HAS(err([](Program& p) { p.tensors[0].size = 0; }), "size is 0");
  EXPECT_HAS(err([](Program& p) { p.dim = 0; }), "dim is 0");
}

class DriverLoaded : public ::testing::Test {
 protected:
  DriverLoaded() {
    auto b = std::make_unique<FakeBackend>(load_config("tiny"), 1 << 20);
    fake = b.get();
    dev = std::make_unique<Device>(std::move(b));
  }
  FakeBackend* fake;
  std::unique_ptr<Device> dev;
};

TEST_F(DriverLoaded, AllocatesWritesConstantsAndRelocates) {
  const Buffer pad = dev->alloc(1000, "unrelated");  // so arena offsets != addresses
  LoadedProgram lp(*dev, sample());                  // a temporary Program: the manifest is copied
  ASSERT_EQ(dev->buffers().size(), 4u);
  const Buffer &x = lp.buffer("x"), &w = lp.buffer("w"), &y = lp.buffer("y");
  EXPECT_EQ(std::memcmp(fake->mem().data() + w.addr, sample().tensor("w").data.data(), 16), 0);
  const auto& insns = lp.instructions();
  ASSERT_EQ(insns.size(), 4u);
  EXPECT_EQ(isa::unpack_load(insns[0]).dram_addr, w.addr);
  EXPECT_EQ(isa::unpack_load(insns[1]).dram_addr, x.addr);
  EXPECT_EQ(isa::unpack_store(insns[3]).dram_addr, y.addr);
  EXPECT_EQ(insns[2], sample().insns[2]);  // MATMUL untouched
  // Other fields survive relocation.
  EXPECT_EQ(isa::unpack_load(insns[1]).dram_stride, 16u);
  EXPECT_EQ(isa::unpack_load(insns[1]).push_next, 1u);

  std::vector<uint8_t> in(64, 3), out(64);
  lp.set_input("x", in.data(), in.size());
  EXPECT_EQ(fake->mem()[x.addr + 63], 3);
  lp.run();
  EXPECT_EQ(fake->last_program.size(), 64u);
  lp.get_output("y", out.data(), out.size());
  EXPECT_HAS(error_of([&] { lp.set_input("x", in.data(), 63); }), "got 63 bytes, the tensor has 64");
  EXPECT_HAS(error_of([&] { lp.set_input("w", in.data(), 16); }), "constant tensor, not an input");
  EXPECT_HAS(error_of([&] { lp.get_output("nope", out.data(), 1); }), "no tensor 'nope'");
  (void)pad;
}

TEST_F(DriverLoaded, FreesItsBuffers) {
  { LoadedProgram lp(*dev, sample()); }
  EXPECT_TRUE(dev->buffers().empty());
}

TEST_F(DriverLoaded, RejectsAccessesNotInExactlyOneTensor) {
  Program p = sample();
  isa::StoreInsn s = isa::unpack_store(p.insns[3]);
  s.dram_addr = 100;  // [100, 152): in the gap and into y
  p.insns[3] = isa::pack(s);
  std::string e = error_of([&] { LoadedProgram lp(*dev, p); });
  EXPECT_HAS(e, "instruction 3 (STORE");
  EXPECT_HAS(e, "not inside any one tensor");
  EXPECT_TRUE(dev->buffers().empty()) << "a rejected program allocates nothing";

  p = sample();
  isa::LoadInsn l = isa::unpack_load(p.insns[1]);
  l.dram_stride = 20;  // rows at 0, 20, ..., 80: the last one is past x (and past w)
  l.y_size = 5;
  p.insns[1] = isa::pack(l);
  EXPECT_HAS(error_of([&] { LoadedProgram lp(*dev, p); }), "instruction 1 (LOAD");

  p = sample();
  p.tensors.push_back({"alias", TensorKind::Scratch, "int8", {}, 0, 64, {}});
  EXPECT_HAS(error_of([&] { LoadedProgram lp(*dev, p); }), "lies in both tensor 'x' and tensor 'alias'");
}

TEST_F(DriverLoaded, ChecksDim) {
  Program p = sample();
  p.dim = 16;
  p.config_name = "default";
  EXPECT_HAS(error_of([&] { LoadedProgram lp(*dev, p); }), "compiled for dim 16 (config 'default'), the device has dim 4");
}

TEST_F(DriverLoaded, FreesPartialAllocationsWhenMemoryRunsOut) {
  Program p = sample();
  p.arena_size = 2 << 20;
  p.tensors.push_back({"big", TensorKind::Scratch, "int8", {}, 1 << 20, 1 << 20, {}});
  EXPECT_HAS(error_of([&] { LoadedProgram lp(*dev, p); }), "device memory exhausted");
  EXPECT_TRUE(dev->buffers().empty());
}

}  // namespace
}  // namespace systole::driver
