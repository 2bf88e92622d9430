// libFuzzer target: ONNX ModelProto bytes -> onnx_io::import_model_bytes. Any input must
// either import into a verified ir::Graph or throw systole::Error (docs/frontend.md); anything
// else (another exception, a crash, a sanitizer report, an allocation the input cannot
// justify) is a finding. tests/fuzz_regress replays past findings the same way.
#include <cstdint>
#include <string>

#include "arch/error.hpp"
#include "compiler/onnx/import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    systole::onnx_io::import_model_bytes(std::string(reinterpret_cast<const char*>(data), size));
  } catch (const systole::Error&) {
  }
  return 0;
}
