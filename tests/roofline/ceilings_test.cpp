// Accelerator ceilings from a config (peak 2·DIM²·f, DRAM and on-chip roofs), the clock from
// a synthesis report, and clear errors for a report that is missing or malformed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "arch/error.hpp"
#include "roofline/accel_ceilings.hpp"
#include "roofline/cpu_layer_bench.hpp"

namespace systole::roofline {
namespace {

namespace fs = std::filesystem;

std::string temp_file(const std::string& name, const std::string& text) {
  const fs::path p = fs::temp_directory_path() / (std::to_string(::getpid()) + "_" + name);
  std::ofstream(p) << text;
  return p.string();
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(AccelCeilings, FromTheConfig) {
  for (const char* preset : {"tiny", "default", "large"}) {
    const Config cfg = load_config(preset);
    const AccelCeilings c = accel_ceilings(cfg);
    const double f = cfg.clock_mhz * 1e6, d = cfg.dim;
    EXPECT_DOUBLE_EQ(c.ops_per_cycle, 2 * d * d) << preset;
    EXPECT_DOUBLE_EQ(c.peak_ops, 2 * d * d * f) << preset;
    EXPECT_DOUBLE_EQ(c.clock_mhz, cfg.clock_mhz);
    EXPECT_EQ(c.clock_source, "config (clock.mhz)");
    ASSERT_EQ(c.memory.size(), 3u);
    EXPECT_EQ(c.dram().name, "DRAM");
    EXPECT_DOUBLE_EQ(c.dram().bytes_per_second, cfg.dram_bytes_per_cycle * f);
    EXPECT_DOUBLE_EQ(c.dram().ridge, 2 * d * d / cfg.dram_bytes_per_cycle);
    EXPECT_DOUBLE_EQ(c.memory[1].bytes_per_cycle, 2 * d);      // scratchpad: two DIM-byte read ports
    EXPECT_DOUBLE_EQ(c.memory[2].bytes_per_cycle, 8 * d);      // accumulator: int32 row read + write
    EXPECT_DOUBLE_EQ(c.attainable(1.0), cfg.dram_bytes_per_cycle * f);
    EXPECT_DOUBLE_EQ(c.attainable(1e6), c.peak_ops);
  }
  const AccelCeilings d = accel_ceilings(load_config("default"));
  EXPECT_DOUBLE_EQ(d.peak_ops, 102.4e9);  // 2 x 16 x 16 x 200 MHz
  EXPECT_DOUBLE_EQ(d.dram().bytes_per_second, 3.2e9);
}

TEST(AccelCeilings, SynthesisClockWins) {
  const Config cfg = load_config("tiny");
  const std::string rep = temp_file("report.json", R"~({"target": "ice40-up5k", "fmax_mhz": 27.5, "clock_mhz": 12})~");
  const double fmax = read_synth_fmax(rep);
  EXPECT_DOUBLE_EQ(fmax, 27.5);
  const AccelCeilings c = accel_ceilings(cfg, fmax, "synthesis report " + rep);
  EXPECT_DOUBLE_EQ(c.clock_mhz, 27.5);
  EXPECT_DOUBLE_EQ(c.config_clock_mhz, cfg.clock_mhz);
  EXPECT_DOUBLE_EQ(c.peak_ops, 2.0 * 4 * 4 * 27.5e6);
  EXPECT_NE(c.clock_source.find("synthesis"), std::string::npos);
  fs::remove(rep);
}

TEST(AccelCeilings, BadSynthesisReportsAreNamed) {
  const std::string missing = (fs::temp_directory_path() / "no_such_systole_report.json").string();
  EXPECT_NE(error_of([&] { read_synth_fmax(missing); }).find("cannot read"), std::string::npos);
  const std::string bad = temp_file("bad.json", "{ not json");
  EXPECT_NE(error_of([&] { read_synth_fmax(bad); }).find("not a JSON"), std::string::npos);
  const std::string unplaced = temp_file("unplaced.json", R"~({"target": "xc7", "cells": {}})~");
  const std::string e = error_of([&] { read_synth_fmax(unplaced); });
  EXPECT_NE(e.find("fmax_mhz"), std::string::npos) << e;
  EXPECT_NE(e.find(unplaced), std::string::npos) << e;
  const std::string zero = temp_file("zero.json", R"~({"fmax_mhz": 0})~");
  EXPECT_NE(error_of([&] { read_synth_fmax(zero); }).find("positive"), std::string::npos);
  const std::string text = temp_file("text.json", R"~({"fmax_mhz": "fast"})~");
  EXPECT_NE(error_of([&] { read_synth_fmax(text); }).find("positive"), std::string::npos);
  for (const auto& p : {bad, unplaced, zero, text}) fs::remove(p);
}

TEST(CpuLayerBench, CompulsoryBytes) {
  compiler::ConvShape s;
  s.n = 1, s.h = 8, s.w = 8, s.c_in = 16, s.c_out = 32, s.kh = 3, s.kw = 3, s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = 1;
  // input 8*8*16 + weights 32*3*3*16 + output 8*8*32 + 12 per output channel
  EXPECT_EQ(cpu_compulsory_bytes(s), 1024u + 4608u + 2048u + 384u);
}

TEST(CpuLayerBench, TimesEveryOwnAlgorithmAndPicksTheFastest) {
  compiler::ConvLayer l;
  l.n = 1, l.h = 10, l.w = 10, l.c_in = 8, l.c_out = 16, l.kh = 3, l.kw = 3;
  l.weights.assign(16 * 9 * 8, 3);
  l.bias.assign(16, 0), l.mult.assign(16, 1 << 30), l.shift.assign(16, 40);
  CpuTimingBudget b;
  b.min_seconds = 0, b.min_reps = 1, b.max_reps = 2;
  const CpuLayerTiming t = time_cpu_conv(l, b);
  ASSERT_EQ(t.own.size(), 3u);
  double best = 1e9;
  for (const AlgoTime& a : t.own)
    if (a.error.empty()) best = std::min(best, a.seconds);
  EXPECT_DOUBLE_EQ(t.best_own.seconds, best);
  EXPECT_GT(t.best_own.seconds, 0);
  if (onednn_available()) {
    EXPECT_TRUE(t.has_onednn);
    EXPECT_EQ(t.onednn.error, "");
    EXPECT_GT(t.onednn.seconds, 0);
    EXPECT_FALSE(t.onednn_impl.empty());
  }
}

}  // namespace
}  // namespace systole::roofline
