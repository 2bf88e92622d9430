// ONNX conformance of the network pipeline: the ONNX backend node tests of Debian's
// libonnx-testdata (data/node and data/pytorch-converted) for every op the pipeline claims,
// each run THROUGH the pipeline (import -> optimize -> quantize or map the quantized ops ->
// compile -> run on a driver backend) and checked:
//  - integer / quantized cases (QLinearConv, QLinearMatMul, ConvInteger, MatMulInteger, int8
//    MaxPool): the accelerator's outputs equal the stored expected outputs exactly;
//  - float cases: post-training quantization calibrated on the case's own input; the
//    accelerator's int8 outputs equal the integer reference bit for bit AND the dequantized
//    outputs agree with the stored float outputs within the quantization tolerance
//    |got - want| <= kFloatTolSteps * s_out (s_out: the output's scale). Input, weight and
//    output rounding measure <= 1.52 steps on every case but test_Conv1d_pad1size1 (2.54:
//    its 4 outputs span 1/10 of its input's range, so input rounding weighs more).
// A case the pipeline rejects while loading or quantizing (a systole::Error: an unsupported
// op, attribute or shape) is skipped with that reason; errors while compiling or running and
// any mismatch are failures. docs/networks.md lists the measured counts.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "arch/config.hpp"
#include "compiler/net/placement.hpp"
#include "driver/device.hpp"

namespace systole::net {

constexpr double kFloatTolSteps = 3.0;  // float cases: tolerance in output quantization steps

// The libonnx-testdata root (…/backend/test/data): $SYSTOLE_ONNX_TESTDATA, else the one found
// at build time; "" when neither exists.
std::string default_onnx_testdata_dir();

struct ConformanceOptions {
  std::string backend = "hls";
  std::string config = "default";  // preset (tiny, default, large) or TOML file
  std::string filter;              // run only cases whose name contains this
  std::string data_dir;            // "" = default_onnx_testdata_dir()
  PlacePolicy place = PlacePolicy::Accel;  // convolutions on the accelerator whenever they fit
};

enum class CaseStatus { Passed, Failed, Skipped };
const char* case_status_name(CaseStatus s);  // "PASS", "FAIL", "SKIP"

struct CaseResult {
  std::string name;   // e.g. "test_conv_with_strides_padding"
  std::string suite;  // "node" or "pytorch-converted"
  CaseStatus status = CaseStatus::Failed;
  std::string kind;    // "float", "quantized" (QLinear / Q-DQ) or "integer" (ConvInteger, ...)
  std::string reason;  // skips: the pipeline's reason, names of nodes and values removed
  std::string detail;  // what was checked, the first mismatch, or the full error
  size_t accel_ops = 0, cpu_ops = 0;
  uint64_t accel_cycles = 0;  // device cycles of the run
  size_t outputs_compared = 0;
  bool bit_exact = false;                       // device == integer reference
  double max_abs_error = 0, tolerance = 0;      // float cases: vs the stored float outputs
  double seconds = 0;
};

struct ConformanceReport {
  std::vector<CaseResult> cases;
  int passed = 0, failed = 0, skipped = 0;
  std::map<std::string, int> skip_reasons;  // reason -> count
  // "conformance: N passed, N failed, N skipped"
  std::string summary_line() const;
};

// The cases the suite covers under `data_dir`, as (suite, name), sorted; `filter` is a
// substring of the name ("" = all). Throws systole::Error when data_dir has no node tests.
std::vector<std::pair<std::string, std::string>> conformance_cases(const std::string& data_dir, const std::string& filter = "");

// One case directory (model.onnx + test_data_set_0) on an open device. Never throws for the
// case's own errors: they become the result's status and detail.
CaseResult run_conformance_case(const std::string& case_dir, driver::Device& dev, const Config& cfg,
                                PlacePolicy place = PlacePolicy::Accel);

// Every selected case on one device; `on_case` is called after each (e.g. to print it).
ConformanceReport run_conformance(const ConformanceOptions& opt, const std::function<void(const CaseResult&)>& on_case = {});

}  // namespace systole::net
