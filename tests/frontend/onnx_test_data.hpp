// Test helper: one ONNX backend test case (model.onnx + test_data_set_0/{input,output}_*.pb)
// run through the front end and compared with the stored outputs.
#pragma once
#include <string>
#include <vector>

#include "compiler/ir/graph.hpp"

namespace systole::test {

// The libonnx-testdata root (…/backend/test/data), or "" when not installed.
std::string onnx_testdata_dir();

enum class Mode { raw, optimized, reexported };

struct CaseResult {
  bool ok = false;
  std::string message;  // first mismatch or the error
};

// Imports, binds int64 inputs as constants (shape operands), infers shapes, optionally runs
// the optimize() pipeline or an export/import round trip, executes and compares: exact for
// integer outputs, |got - want| <= 1e-5 + 1e-4 |want| for float.
CaseResult run_case(const std::string& dir, Mode mode);

}  // namespace systole::test
