// Config presets load; validation names every impossible combination and unknown key.
#include <gtest/gtest.h>

#include "arch/config.hpp"
#include "arch/error.hpp"

using systole::Config;

namespace {
std::string error_of(const std::string& toml) {
  try {
    systole::parse_config(toml, "t.toml");
  } catch (const systole::Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(Config, PresetsLoadWithTheDocumentedSizes) {
  const Config d = systole::load_config("default");
  EXPECT_EQ(d.dim, 16u);
  EXPECT_EQ(d.spad_kib, 256u);
  EXPECT_EQ(d.acc_kib, 64u);
  EXPECT_EQ(d.spad_rows(), 16384u);
  EXPECT_EQ(d.acc_rows(), 1024u);
  EXPECT_EQ(d.dram_bytes_per_cycle, 16u);
  EXPECT_EQ(d.dram_latency, 100u);
  EXPECT_EQ(systole::load_config("tiny").dim, 4u);
  EXPECT_EQ(systole::load_config("large").dim, 32u);
  EXPECT_EQ(systole::preset_names(), (std::vector<std::string>{"default", "large", "tiny"}));
}

TEST(Config, PresetFilesOnDiskMatchTheEmbeddedOnes) {
  const char* src = SYSTOLE_SOURCE_DIR;
  for (const auto& n : systole::preset_names()) {
    const Config a = systole::load_config(n), b = systole::load_config(std::string(src) + "/configs/" + n + ".toml");
    EXPECT_EQ(a.to_toml(), b.to_toml()) << n;
  }
}

TEST(Config, ToTomlRoundTrips) {
  const Config d = systole::load_config("large");
  EXPECT_EQ(systole::parse_config(d.to_toml(), "large").to_toml(), d.to_toml());
}

TEST(Config, ValidationErrorsNameTheProblem) {
  EXPECT_NE(error_of("[scratchpad]\nbanks = 3\n").find("[scratchpad] banks = 3 must be a power of two"), std::string::npos);
  EXPECT_NE(error_of("[accumulator]\nbanks = 6\n").find("[accumulator] banks = 6 must be a power of two"), std::string::npos);
  EXPECT_NE(error_of("[array]\ndimm = 4\n").find("unknown key 'dimm' in [array] (known: dim)"), std::string::npos);
  EXPECT_NE(error_of("[arrays]\ndim = 4\n").find("unknown section [arrays]"), std::string::npos);
  EXPECT_NE(error_of("[array]\ndim = 1\n").find("out of range"), std::string::npos);
  EXPECT_NE(error_of("[array]\ndim = \"x\"\n").find("must be a number"), std::string::npos);
  EXPECT_NE(error_of("[array]\ndim = 4.5\n").find("whole number"), std::string::npos);
  // Buffers too small for one tile.
  EXPECT_NE(error_of("[array]\ndim = 128\n[scratchpad]\nsize_kib = 16\n").find("cannot hold one 128x128 weight tile"),
            std::string::npos);
  EXPECT_NE(error_of("[array]\ndim = 64\n[accumulator]\nsize_kib = 16\n").find("[accumulator] 64 rows cannot hold"),
            std::string::npos);
  // Widths that overflow the ISA's fields.
  EXPECT_NE(error_of("[array]\ndim = 4\n[scratchpad]\nsize_kib = 1024\n").find("overflow the 16-bit row address"),
            std::string::npos);
  EXPECT_NE(error_of("[dram]\nsize_mib = 8192\n").find("overflows the 32-bit DRAM address"), std::string::npos);
  EXPECT_NE(error_of("[dram]\nbytes_per_cycle = 12\n").find("bytes_per_cycle = 12 must be a power of two"), std::string::npos);
  EXPECT_NE(error_of("[queues]\nfetch_window = 12\n").find("[queues] fetch_window = 12 must be a power of two"),
            std::string::npos);
  EXPECT_NE(error_of("[queues]\nfetch_window = 2\n").find("out of range [4, 256]"), std::string::npos);
  EXPECT_NE(error_of("[array\n").find("t.toml:1:"), std::string::npos);
  // Several problems are all reported at once.
  const std::string both = error_of("[scratchpad]\nbanks = 3\n[accumulator]\nbanks = 5\n");
  EXPECT_NE(both.find("[scratchpad]"), std::string::npos);
  EXPECT_NE(both.find("[accumulator]"), std::string::npos);
}

TEST(Config, OverridesForSweeps) {
  Config c = systole::load_config("default");
  systole::set_config_key(c, "dim", "32");
  EXPECT_EQ(c.dim, 32u);
  systole::set_config_key(c, "dram.bytes_per_cycle", "8");
  EXPECT_EQ(c.dram_bytes_per_cycle, 8u);
  EXPECT_THROW(systole::set_config_key(c, "size_kib", "8"), systole::Error);  // ambiguous
  EXPECT_THROW(systole::set_config_key(c, "nope", "8"), systole::Error);
  EXPECT_THROW(systole::set_config_key(c, "dim", "eight"), systole::Error);
  EXPECT_THROW(systole::set_config_key(c, "scratchpad.banks", "3"), systole::Error);
}

TEST(Config, MissingFileNamesPresets) {
  try {
    systole::load_config("/nonexistent.toml");
    FAIL();
  } catch (const systole::Error& e) {
    EXPECT_NE(std::string(e.what()).find("not a preset (default, large, tiny)"), std::string::npos) << e.what();
  }
}
