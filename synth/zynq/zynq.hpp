// Zynq board projects (PYNQ-Z2, ZCU104) generated per design point: the Vivado block design
// (Processing System, the accelerator as a module reference of synth/zynq/systole_axi_top.v
// with its AXI4-Lite CSR slave on the PS general-purpose master and its AXI4 master on a PS
// high-performance port, clock and reset, address map, bitstream and .xsa export), the Vitis
// HLS script for hls/ (a generated top instantiating the kernel template at the config's
// sizes), and the device-tree fragment the "fpga" backend needs (generic-uio node named
// "systole", reserved memory and a u-dma-buf on it). Nothing here runs Vivado: the scripts are
// written for CI and for a machine with the Xilinx tools (docs/synth.md, "Zynq boards").
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "arch/config.hpp"

namespace systole::synth::zynq {

struct ZynqBoard {
  std::string name;          // pynq-z2, zcu104
  std::string title;         // "TUL PYNQ-Z2"
  std::string part;          // xc7z020clg400-1
  std::string board_part;    // Vivado board file id (used when installed)
  bool ultrascale = false;   // zynq_ultra_ps_e (ZynqMP) instead of processing_system7
  std::string ps_ip;         // xilinx.com:ip:processing_system7 / zynq_ultra_ps_e (version picked by Vivado)
  uint64_t csr_base = 0;     // AXI address of the CSR block (PS GP master window)
  uint64_t dram_base = 0;    // physical base of the reserved device-memory region (the shim's DRAM_BASE)
  uint64_t dram_max = 0;     // largest region reserved for the accelerator
  unsigned irq_spi = 0;      // GIC SPI number of the PL interrupt line used
  double max_clock_mhz = 0;  // PL clock the PS can generate for this design (sanity bound)
};

const ZynqBoard& find_board(const std::string& name);  // throws naming the known boards
std::vector<std::string> board_names();
bool is_zynq_board(const std::string& name);

struct Project {
  std::string board;
  std::string rtl_top = "systole_axi_top";  // module reference in the block design
  std::string hls_top = "systole_hls_top";  // Vitis HLS top function
  double clock_mhz = 0;
  uint64_t dram_bytes = 0;                   // size of the reserved region
  std::map<std::string, std::string> files;  // relative path -> contents
};

// The project for `cfg` on `board`; `source_dir` is the repository root the scripts read
// rtl/, hls/ and synth/zynq/ from, `gen_dir` the build's generated headers (arch/isa_gen.hpp
// is copied into the project). Throws systole::Error when the config cannot be built for the
// board (clock above what the PS provides).
Project make_project(const Config& cfg, const std::string& board, const std::string& source_dir,
                     const std::string& gen_dir);

// Writes the project's files under out_dir (created); returns the paths written.
std::vector<std::string> write_project(const Project& p, const std::string& out_dir);

// This build's repository root and generated-header directory (defaults for make_project).
std::string default_source_dir();
std::string default_gen_dir();

}  // namespace systole::synth::zynq
