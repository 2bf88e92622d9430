// libFuzzer target: design-point TOML -> parse_config (property: fuzz/checks.hpp).
#include "fuzz/checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  systole::fuzz::check_config(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
