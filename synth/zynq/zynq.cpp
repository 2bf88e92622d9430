// Zynq project generator (see zynq.hpp): board table, then one text per file.
#include "synth/zynq/zynq.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "arch/error.hpp"
#include "synth/params.hpp"

namespace systole::synth::zynq {

namespace fs = std::filesystem;

namespace {

// The CSR window: the wrapper's 12-bit AXI4-Lite address (the smallest window a Zynq PS
// master maps), of which the CSR block decodes the low 8 bits.
constexpr uint64_t kCsrWindow = 0x1000;

std::vector<ZynqBoard> make_boards() {
  std::vector<ZynqBoard> b;
  // TUL PYNQ-Z2: Zynq-7020, 512 MiB DDR3 at 0x0000_0000. The PS general-purpose master GP0
  // sees 0x4000_0000..0x7fff_ffff (0x43c0_0000 is the customary first slot); the top 128 MiB
  // of DDR below 0x2000_0000 is reserved for the accelerator. IRQ_F2P[0] is GIC SPI 29.
  ZynqBoard z;
  z.name = "pynq-z2";
  z.title = "TUL PYNQ-Z2 (Zynq-7020)";
  z.part = "xc7z020clg400-1";
  z.board_part = "tul.com.tw:pynq-z2:part0:1.0";
  z.ultrascale = false;
  z.ps_ip = "xilinx.com:ip:processing_system7";
  z.csr_base = 0x43c00000;
  z.dram_base = 0x18000000;
  z.dram_max = 128ull << 20;
  z.irq_spi = 29;
  z.max_clock_mhz = 250;
  b.push_back(z);
  // Xilinx ZCU104: Zynq UltraScale+ XCZU7EV, 2 GiB PS DDR4 at 0x0000_0000..0x7fff_ffff. The
  // PS master HPM0_FPD sees 0xa000_0000..; 512 MiB at 0x6000_0000 are reserved for the
  // accelerator. pl_ps_irq0[0] is GIC SPI 89.
  ZynqBoard u;
  u.name = "zcu104";
  u.title = "Xilinx ZCU104 (Zynq UltraScale+ XCZU7EV)";
  u.part = "xczu7ev-ffvc1156-2-e";
  u.board_part = "xilinx.com:zcu104:part0:1.1";
  u.ultrascale = true;
  u.ps_ip = "xilinx.com:ip:zynq_ultra_ps_e";
  u.csr_base = 0xa0000000;
  u.dram_base = 0x60000000;
  u.dram_max = 512ull << 20;
  u.irq_spi = 89;
  u.max_clock_mhz = 333;
  b.push_back(u);
  return b;
}

const std::vector<ZynqBoard>& boards() {
  static const std::vector<ZynqBoard> b = make_boards();
  return b;
}

std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  if (!f) throw Error(fmt::format("zynq project: cannot read {}", p.string()));
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// rtl/files.f entries (comments and blank lines skipped), in order.
std::vector<std::string> rtl_file_list(const std::string& src) {
  std::istringstream in(read_file(fs::path(src) / "rtl" / "files.f"));
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    line.erase(0, line.find_first_not_of(" \t"));
    line.erase(line.find_last_not_of(" \t\r") + 1);
    if (!line.empty() && line[0] != '#') out.push_back(line);
  }
  return out;
}

std::string hex(uint64_t v) { return fmt::format("0x{:08x}", v); }

struct Params {
  unsigned dim, spad_rows, spad_banks, acc_rows, acc_banks, bus_bytes, insn_depth, fetch_window, requant_lanes;
};

Params params_of(const Config& c) {
  return {c.dim,
          c.spad_rows(),
          c.spad_banks,
          c.acc_rows(),
          c.acc_banks,
          c.dram_bytes_per_cycle,
          std::max(2u, c.insn_depth),
          c.fetch_window,
          c.output_lanes() >= c.dim ? 0 : c.output_lanes()};
}

std::string bd_tcl(const Config& cfg, const ZynqBoard& b, const Project& p, const std::string& src) {
  const Params k = params_of(cfg);
  std::string rtl;
  rtl += "  [file join $src_dir rtl gen systole_isa_pkg.sv] \\\n";
  for (const auto& f : rtl_file_list(src)) rtl += fmt::format("  [file join $src_dir rtl {}] \\\n", f);
  rtl += "  [file join $src_dir synth zynq systole_axi_top.v]";

  // The PS differs between Zynq-7000 and Zynq UltraScale+: IP, automation rule, the
  // properties enabling the ports, and the ports' names.
  std::string ps_config, clk, rstn, gp, gp_clk, hp, hp_clk, irq, data_space, hp_seg, rule;
  if (!b.ultrascale) {
    rule = "xilinx.com:bd_rule:processing_system7";
    ps_config = fmt::format(
        "  CONFIG.PCW_USE_M_AXI_GP0 {{1}} \\\n  CONFIG.PCW_USE_S_AXI_HP0 {{1}} \\\n"
        "  CONFIG.PCW_S_AXI_HP0_DATA_WIDTH {{64}} \\\n  CONFIG.PCW_FPGA0_PERIPHERAL_FREQMHZ $clk_mhz \\\n"
        "  CONFIG.PCW_USE_FABRIC_INTERRUPT {{1}} \\\n  CONFIG.PCW_IRQ_F2P_INTR {{1}}");
    clk = "FCLK_CLK0", rstn = "FCLK_RESET0_N", gp = "M_AXI_GP0", gp_clk = "M_AXI_GP0_ACLK";
    hp = "S_AXI_HP0", hp_clk = "S_AXI_HP0_ACLK", irq = "IRQ_F2P";
    data_space = "ps/Data", hp_seg = "ps/S_AXI_HP0/HP0_DDR_LOWOCM";
  } else {
    rule = "xilinx.com:bd_rule:zynq_ultra_ps_e";
    ps_config = fmt::format(
        "  CONFIG.PSU__USE__M_AXI_GP0 {{1}} \\\n  CONFIG.PSU__USE__M_AXI_GP1 {{0}} \\\n"
        "  CONFIG.PSU__USE__M_AXI_GP2 {{0}} \\\n  CONFIG.PSU__USE__S_AXI_GP2 {{1}} \\\n"
        "  CONFIG.PSU__SAXIGP2__DATA_WIDTH {{128}} \\\n  CONFIG.PSU__CRL_APB__PL0_REF_CTRL__FREQMHZ $clk_mhz \\\n"
        "  CONFIG.PSU__USE__IRQ0 {{1}}");
    clk = "pl_clk0", rstn = "pl_resetn0", gp = "M_AXI_HPM0_FPD", gp_clk = "maxihpm0_fpd_aclk";
    hp = "S_AXI_HP0_FPD", hp_clk = "saxihp0_fpd_aclk", irq = "pl_ps_irq0";
    data_space = "ps/Data", hp_seg = "ps/SAXIGP2/HP0_DDR_LOW";
  }

  return fmt::format(
      R"GEN(# GENERATED FILE, do not edit: written by `systole zynq` (synth/zynq/zynq.cpp).
# Vivado block design for {title}, design point '{cfg}' (DIM {dim}, {clk_mhz} MHz):
# {ps_ip} + systole_axi_top (synth/zynq/systole_axi_top.v over rtl/systole_top.sv) with its
# AXI4-Lite CSR slave at {csr_base} on {gp} and its AXI4 master on {hp}, clock {clk} and
# reset through proc_sys_reset, irq on {irq}. Builds the bitstream and exports the .xsa.
# Run from this folder:  vivado -mode batch -source bd.tcl
set src_dir {{{src}}}
set part {{{part}}}
set board_part {{{board_part}}}
set clk_mhz {clk_mhz}
set csr_base {csr_base}
set dram_base {dram_base}
set proj systole_{board}

# The newest version of an IP this Vivado has.
proc latest_ip {{vlnv}} {{
  set defs [lsort [get_ipdefs -all "$vlnv:*"]]
  if {{[llength $defs] == 0}} {{ error "IP $vlnv is not in this Vivado's catalog" }}
  return [lindex $defs end]
}}

create_project -force $proj ./vivado -part $part
set have_board [expr {{[llength [get_board_parts -quiet $board_part]] > 0}}]
if {{$have_board}} {{
  set_property board_part $board_part [current_project]
}}

set rtl_files [list \
{rtl}]
foreach f $rtl_files {{
  if {{![file exists $f]}} {{ error "missing source $f" }}
}}
add_files -norecurse $rtl_files
update_compile_order -fileset sources_1

create_bd_design systole_bd

# Processing System
set ps [create_bd_cell -type ip -vlnv [latest_ip {ps_ip}] ps]
if {{$have_board}} {{
  apply_bd_automation -rule {rule} -config {{make_external "FIXED_IO, DDR" apply_board_preset "1"}} $ps
}} else {{
  puts "WARNING: board files for $board_part not installed: the PS keeps its default DDR/MIO settings"
  catch {{ make_bd_intf_pins_external [get_bd_intf_pins ps/DDR] [get_bd_intf_pins ps/FIXED_IO] }}
}}
set_property -dict [list \
{ps_config}] $ps

# Accelerator: module reference with the design point's parameters
set accel [create_bd_cell -type module -reference {rtl_top} accel]
set_property -dict [list \
  CONFIG.DIM {{{dim}}} \
  CONFIG.SPAD_ROWS {{{spad_rows}}} \
  CONFIG.SPAD_BANKS {{{spad_banks}}} \
  CONFIG.ACC_ROWS {{{acc_rows}}} \
  CONFIG.ACC_BANKS {{{acc_banks}}} \
  CONFIG.BUS_BYTES {{{bus_bytes}}} \
  CONFIG.INSN_DEPTH {{{insn_depth}}} \
  CONFIG.FETCH_DEPTH {{{fetch_window}}} \
  CONFIG.REQUANT_LANES {{{requant_lanes}}} \
  CONFIG.DRAM_BASE {{{dram_base_dec}}}] $accel

# Interconnects, clock and reset
set ic_csr [create_bd_cell -type ip -vlnv [latest_ip xilinx.com:ip:smartconnect] ic_csr]
set_property -dict [list CONFIG.NUM_SI {{1}} CONFIG.NUM_MI {{1}}] $ic_csr
set ic_mem [create_bd_cell -type ip -vlnv [latest_ip xilinx.com:ip:smartconnect] ic_mem]
set_property -dict [list CONFIG.NUM_SI {{1}} CONFIG.NUM_MI {{1}}] $ic_mem
set rst [create_bd_cell -type ip -vlnv [latest_ip xilinx.com:ip:proc_sys_reset] rst]

connect_bd_intf_net [get_bd_intf_pins ps/{gp}] [get_bd_intf_pins ic_csr/S00_AXI]
connect_bd_intf_net [get_bd_intf_pins ic_csr/M00_AXI] [get_bd_intf_pins accel/s_axi]
connect_bd_intf_net [get_bd_intf_pins accel/m_axi] [get_bd_intf_pins ic_mem/S00_AXI]
connect_bd_intf_net [get_bd_intf_pins ic_mem/M00_AXI] [get_bd_intf_pins ps/{hp}]
connect_bd_net [get_bd_pins ps/{clk}] [get_bd_pins ps/{gp_clk}] [get_bd_pins ps/{hp_clk}] \
  [get_bd_pins accel/clk] [get_bd_pins ic_csr/aclk] [get_bd_pins ic_mem/aclk] [get_bd_pins rst/slowest_sync_clk]
connect_bd_net [get_bd_pins ps/{rstn}] [get_bd_pins rst/ext_reset_in]
connect_bd_net [get_bd_pins rst/peripheral_aresetn] [get_bd_pins accel/aresetn] \
  [get_bd_pins ic_csr/aresetn] [get_bd_pins ic_mem/aresetn]
connect_bd_net [get_bd_pins accel/irq] [get_bd_pins ps/{irq}]

# Address map: the CSR block where the device tree fragment (system-user.dtsi) says; the
# accelerator's master sees all of DDR (it adds DRAM_BASE itself).
assign_bd_address -offset $csr_base -range 4K -target_address_space [get_bd_addr_spaces {data_space}] \
  [get_bd_addr_segs accel/s_axi/*]
assign_bd_address -target_address_space [get_bd_addr_spaces accel/m_axi] [get_bd_addr_segs {hp_seg}]

validate_bd_design
save_bd_design

# Bitstream and hardware platform
set wrapper [make_wrapper -files [get_files systole_bd.bd] -top]
add_files -norecurse $wrapper
set_property top systole_bd_wrapper [current_fileset]
update_compile_order -fileset sources_1
launch_runs impl_1 -to_step write_bitstream -jobs 4
wait_on_run impl_1
if {{[get_property PROGRESS [get_runs impl_1]] != "100%"}} {{
  error "implementation did not finish: see vivado/$proj.runs/impl_1/runme.log"
}}
file copy -force [lindex [glob vivado/$proj.runs/impl_1/*.bit] 0] $proj.bit
write_hw_platform -fixed -include_bit -force -file $proj.xsa
puts "wrote $proj.bit and $proj.xsa"
)GEN",
      fmt::arg("title", b.title), fmt::arg("cfg", cfg.name), fmt::arg("dim", k.dim),
      fmt::arg("clk_mhz", fmt::format("{:g}", p.clock_mhz)), fmt::arg("ps_ip", b.ps_ip),
      fmt::arg("csr_base", hex(b.csr_base)), fmt::arg("gp", gp), fmt::arg("hp", hp), fmt::arg("clk", clk),
      fmt::arg("irq", irq), fmt::arg("src", src), fmt::arg("part", b.part), fmt::arg("board_part", b.board_part),
      fmt::arg("dram_base", hex(b.dram_base)), fmt::arg("board", b.name), fmt::arg("rtl", rtl), fmt::arg("rule", rule),
      fmt::arg("ps_config", ps_config), fmt::arg("rtl_top", p.rtl_top), fmt::arg("spad_rows", k.spad_rows),
      fmt::arg("spad_banks", k.spad_banks), fmt::arg("acc_rows", k.acc_rows), fmt::arg("acc_banks", k.acc_banks),
      fmt::arg("bus_bytes", k.bus_bytes), fmt::arg("insn_depth", k.insn_depth), fmt::arg("fetch_window", k.fetch_window), fmt::arg("dram_base_dec", b.dram_base),
      fmt::arg("requant_lanes", k.requant_lanes), fmt::arg("rstn", rstn), fmt::arg("gp_clk", gp_clk),
      fmt::arg("hp_clk", hp_clk), fmt::arg("data_space", data_space), fmt::arg("hp_seg", hp_seg));
}

std::string hls_top_cpp(const Config& cfg, const Project& p) {
  const Params k = params_of(cfg);
  return fmt::format(
      R"GEN(// GENERATED FILE, do not edit: written by `systole zynq` (synth/zynq/zynq.cpp) for design point '{cfg}'.
// Vitis HLS top: the kernel template of hls/systole_top.hpp at this design point's sizes, with
// the run-time limits fixed (on an FPGA they are the synthesized sizes). Its register map is
// the one Vitis HLS assigns (see the exported driver header), not arch/isa.toml's: the block
// design (bd.tcl) and the driver's "fpga" backend use the RTL accelerator.
#include "hls/systole_top.hpp"

namespace {{
constexpr int kDim = {dim};
constexpr int kSpadRows = {spad_rows};
constexpr int kAccRows = {acc_rows};
}}  // namespace

void {top}(systole::hls::dram_t* dram, uint32_t insn_base, uint32_t insn_count, uint32_t& status,
           uint32_t& error_code, uint32_t& error_insn, uint64_t counters[systole::isa::kNumCounters]) {{
#pragma HLS INTERFACE mode = m_axi port = dram offset = slave bundle = gmem depth = {dram_bytes} max_read_burst_length = 64
#pragma HLS INTERFACE mode = s_axilite port = insn_base bundle = ctrl
#pragma HLS INTERFACE mode = s_axilite port = insn_count bundle = ctrl
#pragma HLS INTERFACE mode = s_axilite port = status bundle = ctrl
#pragma HLS INTERFACE mode = s_axilite port = error_code bundle = ctrl
#pragma HLS INTERFACE mode = s_axilite port = error_insn bundle = ctrl
#pragma HLS INTERFACE mode = s_axilite port = counters bundle = ctrl
#pragma HLS INTERFACE mode = s_axilite port = return bundle = ctrl
  systole::hls::RunLimits limits;
  limits.dram_size = {dram_bytes}ull;
  limits.spad_rows = kSpadRows;
  limits.acc_rows = kAccRows;
  limits.insn_depth = {insn_depth};
  limits.token_depth = {token_depth};
#ifdef __SYNTHESIS__
  systole::hls::systole_top<kDim, kSpadRows, kAccRows>(dram, insn_base, insn_count, limits, status, error_code,
                                                       error_insn, counters);
#else
  // C simulation: the state the FPGA keeps on chip between runs.
  static systole::hls::Machine<kDim, kSpadRows, kAccRows> machine;
  systole::hls::systole_top<kDim, kSpadRows, kAccRows>(dram, insn_base, insn_count, limits, status, error_code,
                                                       error_insn, counters, machine);
#endif
}}
)GEN",
      fmt::arg("cfg", cfg.name), fmt::arg("dim", k.dim), fmt::arg("spad_rows", k.spad_rows),
      fmt::arg("acc_rows", k.acc_rows), fmt::arg("top", p.hls_top), fmt::arg("dram_bytes", p.dram_bytes),
      fmt::arg("insn_depth", cfg.insn_depth), fmt::arg("token_depth", cfg.token_depth));
}

std::string hls_tcl(const Config& cfg, const ZynqBoard& b, const Project& p, const std::string& src) {
  const std::vector<std::string> headers = {"systole_top.hpp", "execute.hpp", "fetch.hpp",  "hw_types.hpp",
                                            "load.hpp",        "store.hpp",   "stream.hpp", "tokens.hpp"};
  std::string deps;
  for (const auto& h : headers) deps += fmt::format("  [file join $src_dir hls {}] \\\n", h);
  deps += "  [file join $src_dir arch requant.hpp] \\\n";
  deps += "  [file join $src_dir arch bits.hpp] \\\n";
  deps += "  [file join $here include arch isa_gen.hpp]";
  return fmt::format(
      R"GEN(# GENERATED FILE, do not edit: written by `systole zynq` (synth/zynq/zynq.cpp).
# Vitis HLS synthesis of hls/ for {title}, design point '{cfg}' (DIM {dim}, {clk_mhz} MHz):
# top {top} (hls_top.cpp, the kernel template at this design point's sizes), exported to the
# IP catalog as systole:hls:{top}:1.0.
# Run from this folder:  vitis_hls -f hls.tcl
set here [file normalize [file dirname [info script]]]
set src_dir {{{src}}}
set part {{{part}}}
set period_ns {period}

set sources [list \
{deps}]
foreach f $sources {{
  if {{![file exists $f]}} {{ error "missing source $f" }}
}}

open_project -reset systole_hls
set_top {top}
add_files [file join $here hls_top.cpp] -cflags "-std=c++17 -I$src_dir -I[file join $here include] -Wno-unknown-pragmas"
open_solution -reset {board} -flow_target vivado
set_part $part
create_clock -period $period_ns -name default
config_interface -m_axi_addr64=false
csynth_design
export_design -format ip_catalog -rtl verilog -vendor systole -library hls -version 1.0 \
  -description "Systole int8 systolic array ({cfg}, DIM {dim})"
exit
)GEN",
      fmt::arg("title", b.title), fmt::arg("cfg", cfg.name), fmt::arg("dim", cfg.dim),
      fmt::arg("clk_mhz", fmt::format("{:g}", p.clock_mhz)), fmt::arg("top", p.hls_top), fmt::arg("src", src),
      fmt::arg("part", b.part), fmt::arg("period", fmt::format("{:.3f}", 1000.0 / p.clock_mhz)), fmt::arg("deps", deps),
      fmt::arg("board", b.name));
}

std::string dtsi(const Config& cfg, const ZynqBoard& b, const Project& p) {
  // Zynq-7000 trees use one address cell, ZynqMP trees two.
  auto cells = [&](uint64_t v) {
    return b.ultrascale ? fmt::format("0x{:x} 0x{:08x}", v >> 32, v & 0xffffffffu) : fmt::format("0x{:08x}", v);
  };
  const int ac = b.ultrascale ? 2 : 1;
  return fmt::format(
      R"GEN(/* GENERATED FILE, do not edit: written by `systole zynq` (synth/zynq/zynq.cpp). */
/* Device tree additions for Systole on {title}, design point '{cfg}' (PetaLinux:
 * project-spec/meta-user/recipes-bsp/device-tree/files/system-user.dtsi). The "fpga" backend
 * finds the CSRs as the UIO device named "systole" (boot with uio_pdrv_genirq.of_id=generic-uio)
 * and device memory as the u-dma-buf "udmabuf0" (module u-dma-buf), which takes its buffer from
 * the reserved region at DRAM_BASE {dram_base}: the address the bitstream adds to every
 * accelerator access (SYSTOLE_DMA_BASE={dram_base} makes the driver check it). */
/ {{
	reserved-memory {{
		#address-cells = <{ac}>;
		#size-cells = <{ac}>;
		ranges;
		systole_dma: systole_dma@{dram_base_bare} {{
			compatible = "shared-dma-pool";
			no-map;
			reg = <{dram_reg} {dram_size}>;
		}};
	}};

	udmabuf0 {{
		compatible = "ikwzm,u-dma-buf";
		device-name = "udmabuf0";
		size = <0x{dram_size32:08x}>;
		memory-region = <&systole_dma>;
	}};
}};

&amba_pl {{
	systole@{csr_bare} {{
		compatible = "generic-uio";
		reg = <{csr_reg} {csr_size}>;
		interrupt-parent = <&{intc}>;
		interrupts = <0 {spi} 4>;
	}};
}};
)GEN",
      fmt::arg("title", b.title), fmt::arg("cfg", cfg.name), fmt::arg("dram_base", hex(b.dram_base)),
      fmt::arg("ac", ac), fmt::arg("dram_base_bare", fmt::format("{:x}", b.dram_base)),
      fmt::arg("dram_reg", cells(b.dram_base)), fmt::arg("dram_size", cells(p.dram_bytes)),
      fmt::arg("dram_size32", p.dram_bytes), fmt::arg("csr_bare", fmt::format("{:x}", b.csr_base)),
      fmt::arg("csr_reg", cells(b.csr_base)), fmt::arg("csr_size", cells(kCsrWindow)),
      fmt::arg("intc", b.ultrascale ? "gic" : "intc"), fmt::arg("spi", b.irq_spi));
}

}  // namespace

std::vector<std::string> board_names() {
  std::vector<std::string> n;
  for (const auto& b : boards()) n.push_back(b.name);
  return n;
}

bool is_zynq_board(const std::string& name) {
  return std::any_of(boards().begin(), boards().end(), [&](const ZynqBoard& b) { return b.name == name; });
}

const ZynqBoard& find_board(const std::string& name) {
  for (const auto& b : boards())
    if (b.name == name) return b;
  throw Error(fmt::format("unknown Zynq board '{}' (known: {})", name, fmt::join(board_names(), ", ")));
}

std::string default_source_dir() { return SYSTOLE_SOURCE_DIR; }
std::string default_gen_dir() { return SYSTOLE_GEN_DIR; }

Project make_project(const Config& cfg, const std::string& board, const std::string& source_dir,
                     const std::string& gen_dir) {
  const ZynqBoard& b = find_board(board);
  cfg.validate();
  require_rtl_supported(cfg);
  const std::string src =
      fs::absolute(source_dir.empty() ? default_source_dir() : source_dir).lexically_normal().string();
  const std::string gen = gen_dir.empty() ? default_gen_dir() : gen_dir;
  if (!fs::exists(fs::path(src) / "rtl" / "systole_top.sv") || !fs::exists(fs::path(src) / "hls" / "systole_top.hpp"))
    throw Error(
        fmt::format("zynq project: {} is not a Systole source tree (no rtl/systole_top.sv, hls/systole_top.hpp)", src));
  if (cfg.clock_mhz > b.max_clock_mhz)
    throw Error(
        fmt::format("config '{}' asks for {} MHz; the {} PL clock is generated up to {} MHz here: lower "
                    "clock.mhz",
                    cfg.name, cfg.clock_mhz, b.name, b.max_clock_mhz));
  Project p;
  p.board = b.name;
  p.clock_mhz = cfg.clock_mhz;
  p.dram_bytes = std::min<uint64_t>(cfg.dram_bytes(), b.dram_max);
  p.files["bd.tcl"] = bd_tcl(cfg, b, p, src);
  p.files["hls.tcl"] = hls_tcl(cfg, b, p, src);
  p.files["hls_top.cpp"] = hls_top_cpp(cfg, p);
  p.files["system-user.dtsi"] = dtsi(cfg, b, p);
  p.files["include/arch/isa_gen.hpp"] = read_file(fs::path(gen) / "arch" / "isa_gen.hpp");
  p.files["config.toml"] = cfg.to_toml();
  return p;
}

std::vector<std::string> write_project(const Project& p, const std::string& out_dir) {
  std::vector<std::string> written;
  for (const auto& [rel, text] : p.files) {
    const fs::path path = fs::path(out_dir) / rel;
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    std::ofstream f(path, std::ios::binary);
    if (!f || !(f << text)) throw Error(fmt::format("cannot write {}", path.string()));
    written.push_back(path.string());
  }
  return written;
}

}  // namespace systole::synth::zynq
