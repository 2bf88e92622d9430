// ProgramBuilder: arena alignment, constant checks, checked packing and token rules.
#include "compiler/program_builder.hpp"

#include <gtest/gtest.h>

#include "arch/error.hpp"

namespace systole::compiler {
namespace {

using driver::TensorKind;

Config tiny() { return load_config("tiny"); }

TEST(ProgramBuilder, ArenaIs64ByteAligned) {
  ProgramBuilder b(tiny());
  EXPECT_EQ(b.add_tensor("a", TensorKind::Input, "int8", {3}, 3), 0u);
  EXPECT_EQ(b.add_tensor("b", TensorKind::Constant, "int8", {65}, 65, std::vector<uint8_t>(65, 1)), 64u);
  EXPECT_EQ(b.add_tensor("c", TensorKind::Output, "int8", {1}, 1), 192u);
  EXPECT_EQ(b.tensor("b").offset, 64u);
  isa::LoadInsn nop;
  b.emit(nop);
  const driver::Program p = b.finish();
  EXPECT_EQ(p.arena_size, 193u);
  EXPECT_EQ(p.dim, 4u);
  EXPECT_EQ(p.tensors.size(), 3u);
  EXPECT_EQ(p.insns.size(), 1u);
}

TEST(ProgramBuilder, RejectsBadTensors) {
  ProgramBuilder b(tiny());
  b.add_tensor("a", TensorKind::Input, "int8", {3}, 3);
  EXPECT_THROW(b.add_tensor("a", TensorKind::Input, "int8", {3}, 3), Error);  // duplicate
  EXPECT_THROW(b.add_tensor("k", TensorKind::Constant, "int8", {3}, 3, {1, 2}), Error);  // short data
  EXPECT_THROW(b.add_tensor("i", TensorKind::Input, "int8", {1}, 1, {1}), Error);  // data on an input
  EXPECT_THROW(b.add_tensor("z", TensorKind::Input, "int8", {0}, 0), Error);
  EXPECT_THROW(b.add_tensor("huge", TensorKind::Scratch, "int8", {}, 0xffffffffu), Error);
  EXPECT_THROW(b.tensor("nope"), Error);
}

TEST(ProgramBuilder, CheckedPackingNamesTheField) {
  ProgramBuilder b(tiny());
  isa::LoadInsn x;
  x.y_size = 1u << 16;
  try {
    b.emit(x);
    FAIL() << "no throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("y_size"), std::string::npos) << e.what();
  }
  EXPECT_EQ(b.size(), 0u);
}

TEST(ProgramBuilder, PopNeedsAnEarlierPush) {
  ProgramBuilder b(tiny());
  isa::MatmulInsn m;
  m.pop_prev = 1;
  EXPECT_THROW(b.emit(m), Error);  // nothing pushed on load->execute yet
  isa::LoadInsn l;
  l.push_next = 1;
  b.emit(l);
  EXPECT_EQ(b.outstanding(ProgramBuilder::kLoadToExec), 1u);
  b.emit(m);
  EXPECT_EQ(b.outstanding(ProgramBuilder::kLoadToExec), 0u);
  EXPECT_NO_THROW(b.finish());
}

TEST(ProgramBuilder, OwnPushDoesNotSatisfyOwnPop) {
  ProgramBuilder b(tiny());
  isa::MatmulInsn m;
  m.pop_next = 1;
  m.push_next = 1;  // pushes to store, pops from store: still nothing to pop
  EXPECT_THROW(b.emit(m), Error);
}

TEST(ProgramBuilder, NoNeighbourBeyondTheChain) {
  ProgramBuilder b(tiny());
  isa::LoadInsn l;
  l.push_prev = 1;
  EXPECT_THROW(b.emit(l), Error);
  isa::StoreInsn s;
  s.push_next = 1;
  EXPECT_THROW(b.emit(s), Error);
}

TEST(ProgramBuilder, FinishRejectsUnbalancedChannels) {
  ProgramBuilder b(tiny());
  isa::MatmulInsn m;
  m.push_next = 1;
  b.emit(m);
  try {
    b.finish();
    FAIL() << "no throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("execute->store"), std::string::npos) << e.what();
  }
}

TEST(ProgramBuilder, FinishRejectsAnEmptyProgram) {
  ProgramBuilder b(tiny());
  EXPECT_THROW(b.finish(), Error);
}

}  // namespace
}  // namespace systole::compiler
