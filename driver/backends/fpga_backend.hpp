// The "fpga" backend: the accelerator on a Zynq board (PYNQ-Z2, ZCU104; synth/zynq/ builds the
// block design) driven from Linux user space.
//
//   * CSRs: the UIO device named "systole" (device tree: compatible = "generic-uio"), found by
//     scanning /sys/class/uio/uio*/name; its map 0 is mmapped and accessed with single 32-bit
//     volatile loads and stores.
//   * Device memory: a physically contiguous u-dma-buf buffer (/dev/udmabuf0; phys_addr and
//     size from /sys/class/u-dma-buf/udmabuf0), mmapped uncached (O_SYNC). Device address a is
//     physical address phys_addr + a: the board's AXI shim adds that base (DRAM_BASE, fixed when
//     the bitstream is built, so the buffer must come from the reserved-memory region the
//     generated overlay declares). mem_size() is the buffer size, so Device's allocator works
//     unchanged.
//   * wait_idle polls status.busy (a few microseconds apart), or with use_irq sleeps on the
//     UIO fd (unmask by writing 1, poll, read the interrupt count) between status reads.
//
// Environment: SYSTOLE_UIO (UIO name), SYSTOLE_FPGA_IRQ (1: wait on the interrupt), SYSTOLE_UDMABUF (buffer name),
// SYSTOLE_DMA_BASE (the DRAM_BASE the bitstream was built with: checked against phys_addr), SYSTOLE_SYSFS and
// SYSTOLE_DEVFS (other roots, for tests).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "driver/backend.hpp"

namespace systole::driver {

struct FpgaBackendOptions {
  std::string uio_name = "systole";
  std::string dma_buf = "udmabuf0";
  std::optional<uint64_t> dma_base;  // expected physical base of the buffer (the bitstream's DRAM_BASE)
  std::string sysfs_root = "/sys";
  std::string dev_root = "/dev";
  // Wait on the accelerator's interrupt through the UIO fd instead of polling status
  // (ctrl.irq_enable is then set with every ctrl write). Env: SYSTOLE_FPGA_IRQ=1.
  bool use_irq = false;
};

// The defaults above overridden by the environment variables.
FpgaBackendOptions fpga_backend_options_from_env();

std::unique_ptr<Backend> make_fpga_backend(const Config& cfg, const FpgaBackendOptions& opt);
std::unique_ptr<Backend> make_fpga_backend(const Config& cfg);

}  // namespace systole::driver
