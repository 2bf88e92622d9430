// The "hls" backend: the natively compiled HLS model (hls/native/accel.hpp) behind the
// Backend interface, with device memory in host RAM and an emulated CSR block. Writing
// ctrl.start runs the whole program synchronously and latches status, error and counters;
// a program the model finds deadlocked leaves the device busy (wait_idle() reports a
// timeout, describe_state() says where it is stuck) until a soft reset.
#pragma once
#include <memory>

#include "driver/backend.hpp"

namespace systole::driver {

// Throws systole::Error when the build has no hls/ model (SYSTOLE_DRIVER_HAVE_HLS = 0).
std::unique_ptr<Backend> make_hls_backend(const Config& cfg);

}  // namespace systole::driver
