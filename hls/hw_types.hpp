// Types and constants the synthesizable kernel is built from: element and row types of the
// design point (template over DIM), the compile-time maxima every on-chip structure is sized
// at (taken from the ISA's field widths, never written by hand), the run-time limits of one
// configured instance, and the records that travel between stages.
#pragma once
#include <cstdint>

#include "arch/isa_gen.hpp"

namespace systole::hls {

// Element types of the datapath. On an FPGA flow these could be ap_int<8>/ap_int<32>;
// the fixed-width C++ types are the same widths and keep the native build fast.
using elem_t = int8_t;   // scratchpad element (activations, weights)
using acc_t = int32_t;   // accumulator element (wraps modulo 2^32)
using dram_t = uint8_t;  // DRAM is byte addressed
using addr_t = uint64_t; // address arithmetic is done wide so that no field combination wraps

constexpr uint32_t kAccElemBytes = sizeof(acc_t);

// The largest buffers any instruction can address: rows are named by 16-bit fields.
constexpr uint32_t kSpadRowsMax = uint32_t(1) << isa::kLoadSramAddrBits;
constexpr uint32_t kAccRowsMax = uint32_t(1) << isa::kMatmulAccAddrBits;
static_assert(isa::kMatmulAAddrBits == isa::kLoadSramAddrBits, "scratchpad row fields differ in width");
static_assert(isa::kStoreAccAddrBits == isa::kMatmulAccAddrBits, "accumulator row fields differ in width");

// Compile-time capacity of the per-unit instruction queues and the token counters; the
// configured depths (Config::insn_depth, token_depth) are run-time limits below these,
// matching the ranges arch/config.cpp accepts.
constexpr uint32_t kInsnQueueCapacity = 4096;
constexpr uint32_t kTokenCapacity = 65535;

// One instruction in a unit queue: the word plus its index in the program, which a fault
// reports.
struct QueuedInsn {
  isa::Insn insn;
  uint32_t index = 0;
};

// A unit's instruction register: the instruction taken from its queue, waiting for its
// tokens or executing. Taking it frees the queue slot, as in hardware.
struct UnitSlot {
  QueuedInsn cur;
  bool valid = false;
};

// The four dependency-token channels between neighbouring units (load <-> execute <-> store).
enum TokenChannel : uint32_t {
  kLoadToExec = 0,
  kExecToLoad = 1,
  kExecToStore = 2,
  kStoreToExec = 3,
  kNumTokenChannels = 4,
};

// Run-time limits of one configured instance. On an FPGA these are the synthesized sizes
// (constants); natively one template instance serves every config with the same DIM.
struct RunLimits {
  uint64_t dram_size = 0;     // bytes of DRAM behind the m_axi port
  uint32_t spad_rows = 0;     // configured scratchpad rows (<= SPAD_ROWS)
  uint32_t acc_rows = 0;      // configured accumulator rows (<= ACC_ROWS)
  uint32_t insn_depth = 1;    // per-unit queue depth (<= kInsnQueueCapacity)
  uint32_t token_depth = 1;   // outstanding tokens per channel (<= kTokenCapacity)
};

// Why and where a run stopped early.
struct Fault {
  uint32_t code = 0;   // isa::ErrorCode
  uint32_t insn = 0;   // faulting instruction index
  bool raised() const { return code != uint32_t(isa::ErrorCode::None); }
};

// The hardware counters the kernel itself counts (exact); cycle counters come from the
// timing model in the native wrapper.
struct KernelCounters {
  uint64_t insns = 0;
  uint64_t array_rows = 0;
  uint64_t dram_rd_bytes = 0;
  uint64_t dram_wr_bytes = 0;
  uint64_t fetch_bytes = 0;
};

// On-chip memories of one design point. Row-major, one row per address, rows aligned so the
// native MATMUL loop uses aligned vector loads. On an FPGA the row dimension is partitioned
// completely (one wide word per row).
template <int DIM, int SPAD_ROWS, int ACC_ROWS>
struct OnChip {
  static_assert(DIM >= 2 && DIM <= 255, "DIM must fit the ISA's 8-bit row-length fields");
  alignas(64) elem_t spad[SPAD_ROWS][DIM];
  alignas(64) acc_t acc[ACC_ROWS][DIM];
  alignas(64) elem_t weights[DIM][DIM];  // the array's active weights, [input k][output n]
};

}  // namespace systole::hls
