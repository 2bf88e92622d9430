// register_builtin_backends(): the backends compiled into this build. Referencing each
// backend's factory directly (rather than self-registering static objects) keeps them in
// executables that link the static library.
#include <mutex>

#include "driver/backend.hpp"
#include "driver/backends/hls_backend.hpp"
#include "driver/backends/uart_backend.hpp"
#include "driver/backends/fpga_backend.hpp"

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
    // A board through its UART bridge (serial port, or a test's stream factory).
    register_backend("uart", [](const Config& cfg) { return make_uart_backend(cfg); });
    // A Zynq board through Linux UIO and a contiguous DMA buffer (Linux only).
#if defined(__linux__)
    register_backend("fpga", [](const Config& cfg) { return make_fpga_backend(cfg); });
#endif
  });
}

}  // namespace systole::driver
