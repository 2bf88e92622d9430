// register_builtin_backends(): the backends compiled into this build. Referencing each
// backend's factory directly (rather than self-registering static objects) keeps them in
// executables that link the static library.
#include <mutex>

#include "driver/backend.hpp"
#include "driver/backends/hls_backend.hpp"

namespace systole::driver {

// The "rtl" backend lives in the optional library systole_driver_rtl (SystemC + Verilator,
// built by sim/); it defines this hook. Weak: without that library the hook is null.
__attribute__((weak)) void register_rtl_backend();

void register_builtin_backends() {
  static std::once_flag once;
  std::call_once(once, [] {
#if SYSTOLE_DRIVER_HAVE_HLS
    register_backend("hls", [](const Config& cfg) { return make_hls_backend(cfg); });
#endif
    if (register_rtl_backend) register_rtl_backend();
  });
}

}  // namespace systole::driver
