// The generated Zynq projects (synth/zynq/) checked offline, for every board and preset that
// the board can clock: every source file the scripts reference exists; the part and PS IP
// are the board's; the block design's module reference is the module synth/zynq/
// systole_axi_top.v declares, and that module instantiates rtl/systole_top.sv's top with every
// parameter the config sets; the HLS top named by set_top is the function hls_top.cpp defines,
// and that file compiles against hls/ (g++ -fsyntax-only); clock period and frequency come
// from the config; addresses agree between bd.tcl and the device tree; braces balance and
// tclsh finds every script complete; the AXI wrapper lints clean with Verilator -Wall.
#include "synth/zynq/zynq.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "arch/error.hpp"

namespace systole::synth::zynq {
namespace {

namespace fs = std::filesystem;

#define EXPECT_HAS(s, part) EXPECT_NE(std::string(s).find(part), std::string::npos) << "missing: " << (part)

std::string slurp(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

int run(const std::string& cmd) { return std::system(cmd.c_str()); }

bool have(const std::string& tool) { return run("command -v " + tool + " > /dev/null 2>&1") == 0; }

// Braces balance, never going negative, outside backslash escapes and "#" comment lines.
bool braces_balanced(const std::string& tcl) {
  long depth = 0;
  std::istringstream in(tcl);
  for (std::string line; std::getline(in, line);) {
    const size_t first = line.find_first_not_of(" \t");
    if (first != std::string::npos && line[first] == '#') continue;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\\') {
        ++i;
        continue;
      }
      if (line[i] == '{') ++depth;
      if (line[i] == '}' && --depth < 0) return false;
    }
  }
  return depth == 0;
}

// Paths the scripts build with [file join $src_dir a b c] (or $here), resolved.
std::vector<fs::path> referenced_files(const std::string& tcl, const fs::path& src, const fs::path& here) {
  std::vector<fs::path> out;
  const std::regex re(R"(\[file join \$(src_dir|here) ([^\]]+)\])");
  for (auto it = std::sregex_iterator(tcl.begin(), tcl.end(), re); it != std::sregex_iterator(); ++it) {
    fs::path p = (*it)[1] == "src_dir" ? src : here;
    std::istringstream parts((*it)[2].str());
    for (std::string part; parts >> part;) p /= part;
    out.push_back(p);
  }
  return out;
}

std::string tcl_var(const std::string& tcl, const std::string& name) {
  std::smatch m;
  const std::regex re("\\nset " + name + " \\{?([^}\\n]*)\\}?\\n");
  return std::regex_search(tcl, m, re) ? m[1].str() : "";
}

class ZynqProject : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/systole_zynq_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    out_ = tmpl;
  }
  void TearDown() override { fs::remove_all(out_); }
  fs::path out_;
};

TEST_P(ZynqProject, ScriptsAreCompleteAndConsistent) {
  const auto& [board_name, preset] = GetParam();
  const Config cfg = load_config(preset);
  const ZynqBoard& board = find_board(board_name);
  const Project p = make_project(cfg, board_name, SYSTOLE_SOURCE_DIR, SYSTOLE_GEN_DIR);
  const auto written = write_project(p, out_.string());
  for (const char* f :
       {"bd.tcl", "hls.tcl", "hls_top.cpp", "system-user.dtsi", "config.toml", "include/arch/isa_gen.hpp"})
    EXPECT_TRUE(fs::exists(out_ / f)) << f;
  EXPECT_EQ(written.size(), p.files.size());
  const fs::path src = fs::path(SYSTOLE_SOURCE_DIR);
  const std::string bd = slurp(out_ / "bd.tcl"), hls = slurp(out_ / "hls.tcl"), top = slurp(out_ / "hls_top.cpp");
  const std::string dts = slurp(out_ / "system-user.dtsi");

  // Generated files say so in their first line.
  for (const std::string* t : {&bd, &hls, &top, &dts})
    EXPECT_NE(t->substr(0, 40).find("GENERATED FILE"), std::string::npos);

  // Every referenced source exists, and every RTL file of rtl/files.f is in the block design.
  for (const std::string* t : {&bd, &hls})
    for (const fs::path& f : referenced_files(*t, src, out_)) EXPECT_TRUE(fs::exists(f)) << f;
  std::istringstream files(slurp(src / "rtl/files.f"));
  for (std::string f; std::getline(files, f);) {
    if (f.empty() || f[0] == '#') continue;
    EXPECT_HAS(bd, "[file join $src_dir rtl " + f + "]");
  }
  EXPECT_EQ(fs::path(tcl_var(bd, "src_dir")), src.lexically_normal());

  // Part and PS.
  EXPECT_EQ(tcl_var(bd, "part"), board.part);
  EXPECT_EQ(tcl_var(hls, "part"), board.part);
  EXPECT_EQ(board.part, board_name == "pynq-z2" ? "xc7z020clg400-1" : "xczu7ev-ffvc1156-2-e");
  EXPECT_HAS(bd, board_name == "pynq-z2" ? "[latest_ip xilinx.com:ip:processing_system7]"
                                         : "[latest_ip xilinx.com:ip:zynq_ultra_ps_e]");
  EXPECT_HAS(bd, "[latest_ip xilinx.com:ip:proc_sys_reset]");
  EXPECT_HAS(bd, board_name == "pynq-z2" ? "ps/S_AXI_HP0]" : "ps/S_AXI_HP0_FPD]");
  EXPECT_HAS(bd, "write_bitstream");
  EXPECT_HAS(bd, "write_hw_platform -fixed -include_bit");

  // The module reference is the wrapper's module, which instantiates the RTL top with every
  // parameter the block design sets.
  const std::string wrapper = slurp(src / "synth/zynq/systole_axi_top.v");
  EXPECT_HAS(bd, "create_bd_cell -type module -reference " + p.rtl_top + " accel");
  EXPECT_HAS(wrapper, "module " + p.rtl_top + " #(");
  EXPECT_HAS(wrapper, "systole_top #(");
  EXPECT_HAS(slurp(src / "rtl/systole_top.sv"), "module systole_top #(");
  const std::regex param(R"(CONFIG\.([A-Z_]+) \{(\d+)\})");
  std::map<std::string, uint64_t> set;
  const std::string accel_block = bd.substr(bd.find("-reference"), bd.find("$accel\n") - bd.find("-reference"));
  for (auto it = std::sregex_iterator(accel_block.begin(), accel_block.end(), param); it != std::sregex_iterator();
       ++it)
    set[(*it)[1]] = std::stoull((*it)[2]);
  EXPECT_EQ(set["DIM"], cfg.dim);
  EXPECT_EQ(set["SPAD_ROWS"], cfg.spad_rows());
  EXPECT_EQ(set["ACC_ROWS"], cfg.acc_rows());
  EXPECT_EQ(set["BUS_BYTES"], cfg.dram_bytes_per_cycle);
  EXPECT_EQ(set["DRAM_BASE"], board.dram_base);
  EXPECT_EQ(set["FETCH_DEPTH"], cfg.fetch_window);
  EXPECT_EQ(set["REQUANT_LANES"], cfg.output_lanes() >= cfg.dim ? 0u : cfg.output_lanes());
  EXPECT_EQ(set.size(),
            10u);  // DIM SPAD_ROWS SPAD_BANKS ACC_ROWS ACC_BANKS BUS_BYTES INSN_DEPTH FETCH_DEPTH REQUANT_LANES DRAM_BASE
  for (const auto& [name, value] : set) EXPECT_HAS(wrapper, "parameter integer " + name);

  // The HLS top: set_top names the function hls_top.cpp defines; the config's clock.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(hls, m, std::regex(R"(\nset_top (\w+)\n)")));
  EXPECT_EQ(m[1].str(), p.hls_top);
  EXPECT_HAS(top, "void " + p.hls_top + "(");
  EXPECT_HAS(top, "systole_top<kDim, kSpadRows, kAccRows>");
  EXPECT_HAS(top, "constexpr int kSpadRows = " + std::to_string(cfg.spad_rows()) + ";");
  EXPECT_HAS(hls, "create_clock -period $period_ns");
  EXPECT_NEAR(std::stod(tcl_var(hls, "period_ns")), 1000.0 / cfg.clock_mhz, 1e-3);
  EXPECT_NEAR(std::stod(tcl_var(bd, "clk_mhz")), cfg.clock_mhz, 1e-9);
  for (const char* step :
       {"open_project", "add_files", "open_solution", "csynth_design", "export_design -format ip_catalog"})
    EXPECT_HAS(hls, step);

  // Addresses agree with the device tree the fpga backend relies on.
  EXPECT_EQ(std::stoull(tcl_var(bd, "csr_base"), nullptr, 16), board.csr_base);
  EXPECT_EQ(std::stoull(tcl_var(bd, "dram_base"), nullptr, 16), board.dram_base);
  EXPECT_HAS(dts, fmt::format("systole@{:x} {{", board.csr_base));
  EXPECT_HAS(dts, "compatible = \"generic-uio\"");
  // The CSR window: 4 KiB in both, the wrapper's 12-bit AXI4-Lite address.
  EXPECT_HAS(bd, "-offset $csr_base -range 4K");
  EXPECT_HAS(dts, board.ultrascale ? "0x0 0x00001000>" : " 0x00001000>");
  EXPECT_HAS(slurp(src / "synth/zynq/systole_axi_top.v"), "input  wire [11:0]              s_axi_awaddr");
  EXPECT_HAS(dts, fmt::format("systole_dma@{:x}", board.dram_base));
  EXPECT_HAS(dts, "device-name = \"udmabuf0\"");
  EXPECT_HAS(dts, fmt::format("size = <0x{:08x}>", p.dram_bytes));
  EXPECT_LE(p.dram_bytes, cfg.dram_bytes());

  // Syntax: braces, and tclsh's own parser.
  for (const char* f : {"bd.tcl", "hls.tcl"}) {
    EXPECT_TRUE(braces_balanced(slurp(out_ / f))) << f;
    if (have("tclsh")) {
      const std::string check =
          fmt::format("echo 'set f [open {{{}}}]; set t [read $f]; exit [expr {{![info complete $t]}}]' | tclsh",
                      (out_ / f).string());
      EXPECT_EQ(run(check), 0) << f << ": tclsh finds an incomplete command";
    }
  }
  int braces = 0;
  for (char c : dts) braces += c == '{' ? 1 : c == '}' ? -1 : 0;
  EXPECT_EQ(braces, 0);

  // The generated HLS top compiles against hls/ (natively: C-simulation path).
  const std::string cxx = SYSTOLE_CXX;
  if (!cxx.empty() && have(cxx)) {
    const std::string cmd =
        fmt::format("{} -std=c++17 -fsyntax-only -Wno-unknown-pragmas -I{} -I{} {} 2> {}", cxx, src.string(),
                    (out_ / "include").string(), (out_ / "hls_top.cpp").string(), (out_ / "cxx.log").string());
    EXPECT_EQ(run(cmd), 0) << slurp(out_ / "cxx.log");
  }
}

INSTANTIATE_TEST_SUITE_P(Boards, ZynqProject,
                         ::testing::Combine(::testing::Values("pynq-z2", "zcu104"),
                                            ::testing::Values("tiny", "default")),
                         [](const auto& info) {
                           std::string n = std::get<0>(info.param) + "_" + std::get<1>(info.param);
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

TEST(Zynq, AxiWrapperLintsClean) {
  if (!have("verilator")) GTEST_SKIP() << "verilator not installed";
  const fs::path src = SYSTOLE_SOURCE_DIR;
  std::string files = (src / "rtl/gen/systole_isa_pkg.sv").string();
  std::istringstream list(slurp(src / "rtl/files.f"));
  for (std::string f; std::getline(list, f);) {
    if (!f.empty() && f[0] != '#') files += " " + (src / "rtl" / f).string();
  }
  const std::string log = (fs::temp_directory_path() / "systole_zynq_lint.log").string();
  const std::string cmd =
      fmt::format("verilator --lint-only -Wall {} {} {} --top-module systole_axi_top > {} 2>&1",
                  (src / "rtl/lint.vlt").string(), files, (src / "synth/zynq/systole_axi_top.v").string(), log);
  EXPECT_EQ(run(cmd), 0) << slurp(log);
}

TEST(Zynq, BoardsAndErrors) {
  EXPECT_EQ(board_names(), (std::vector<std::string>{"pynq-z2", "zcu104"}));
  EXPECT_TRUE(is_zynq_board("zcu104"));
  EXPECT_FALSE(is_zynq_board("ice40-hx8k"));
  try {
    find_board("zedboard");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_HAS(std::string(e.what()), "unknown Zynq board 'zedboard' (known: pynq-z2, zcu104)");
  }
  Config fast = load_config("tiny");
  fast.clock_mhz = 400;
  try {
    make_project(fast, "pynq-z2", SYSTOLE_SOURCE_DIR, SYSTOLE_GEN_DIR);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_HAS(std::string(e.what()), "400 MHz");
  }
  Config narrow = load_config("tiny");
  narrow.dram_bytes_per_cycle = 1;
  try {
    make_project(narrow, "pynq-z2", SYSTOLE_SOURCE_DIR, SYSTOLE_GEN_DIR);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_HAS(std::string(e.what()), "dram.bytes_per_cycle = 1 is not supported by the RTL");
  }
  try {
    make_project(load_config("tiny"), "pynq-z2", "/nonexistent", SYSTOLE_GEN_DIR);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_HAS(std::string(e.what()), "not a Systole source tree");
  }
  // A design point with serial requant lanes passes them to the RTL top.
  Config lanes = load_config("tiny");
  set_config_key(lanes, "output.requant_lanes", "2");
  EXPECT_HAS(make_project(lanes, "zcu104", SYSTOLE_SOURCE_DIR, SYSTOLE_GEN_DIR).files.at("bd.tcl"),
             "CONFIG.REQUANT_LANES {2}");
  // The reserved region is capped to what the board sets aside.
  Config big = load_config("default");
  EXPECT_EQ(make_project(big, "pynq-z2", SYSTOLE_SOURCE_DIR, SYSTOLE_GEN_DIR).dram_bytes, 128u << 20);
  EXPECT_EQ(make_project(big, "zcu104", SYSTOLE_SOURCE_DIR, SYSTOLE_GEN_DIR).dram_bytes, 256u << 20);
}

}  // namespace
}  // namespace systole::synth::zynq
