// register_builtin_backends(): the backends compiled into this build. Referencing each
// backend's factory directly (rather than self-registering static objects) keeps them in
// executables that link the static library.
#include <mutex>

#include "driver/backend.hpp"
#include "driver/backends/hls_backend.hpp"

namespace systole::driver {

void register_builtin_backends() {
  static std::once_flag once;
  std::call_once(once, [] {
#if SYSTOLE_DRIVER_HAVE_HLS
    register_backend("hls", [](const Config& cfg) { return make_hls_backend(cfg); });
#endif
  });
}

}  // namespace systole::driver
