// libFuzzer target: .stp bytes -> deserialize, serialize round trip, LoadedProgram on the hls
// backend, validate_program, and running what validates (property: fuzz/checks.hpp).
#include "fuzz/checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  systole::fuzz::check_program(std::vector<uint8_t>(data, data + size));
  return 0;
}
