/* Plain C API of the Systole user-space driver (for C programs, Python ctypes, other
 * languages). A thin wrapper over the C++ Device (driver/device.hpp): no C++ exception
 * crosses this boundary. Every call returning int gives SYSTOLE_OK (0) on success and a
 * negative SYSTOLE_E* code on failure; the message is then in systole_last_error(dev).
 * Buffers are named by their device address. A device is used from one thread at a time. */
#ifndef SYSTOLE_DRIVER_SYSTOLE_H
#define SYSTOLE_DRIVER_SYSTOLE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct systole_device systole_device;

enum {
  SYSTOLE_OK = 0,
  SYSTOLE_EINVAL = -1,  /* bad argument (null pointer, unknown buffer address, ...) */
  SYSTOLE_ERROR = -2,   /* the driver or the device reported an error */
  SYSTOLE_ENOMEM = -3   /* host out of memory */
};

/* Bytes of one instruction in the array systole_submit takes (little-endian 128-bit words). */
#define SYSTOLE_INSN_BYTES 16

/* Opens a device. backend: "hls", ... (NULL: "hls"); config: a preset name ("tiny",
 * "default", "large") or a path to a config TOML (NULL: "default"). Returns NULL on failure;
 * the message is then in systole_last_error(NULL) (per thread). */
systole_device* systole_open(const char* backend, const char* config);
/* Closes the device and frees its buffers. NULL is allowed. */
void systole_close(systole_device* dev);

/* Array size DIM of the device's design point, 0 for NULL. */
uint32_t systole_dim(const systole_device* dev);

/* Allocates `bytes` of device memory (64-byte aligned); *addr receives its device address. */
int systole_alloc(systole_device* dev, size_t bytes, const char* name, uint32_t* addr);
/* Frees the buffer starting at addr. */
int systole_free(systole_device* dev, uint32_t addr);
/* Bounds-checked copies between host memory and the buffer starting at addr. */
int systole_write(systole_device* dev, uint32_t addr, size_t offset, const void* src, size_t n);
int systole_read(systole_device* dev, uint32_t addr, size_t offset, void* dst, size_t n);

/* Validates and starts `count` instructions (count * SYSTOLE_INSN_BYTES bytes at insns). */
int systole_submit(systole_device* dev, const void* insns, size_t count);
/* Assembles the text form ("LOAD target=acc dram_addr=4096 ...", one instruction per line,
 * '#' comments; see docs/isa_table.md) into out (max_insns * SYSTOLE_INSN_BYTES bytes).
 * Returns the instruction count, or < 0 (message in systole_last_error(dev); dev may be
 * NULL, then the per-thread message as for systole_open). */
int systole_assemble(systole_device* dev, const char* text, void* out, size_t max_insns);

/* Waits for the submitted program; timeout_ms 0 waits up to 10 minutes. */
int systole_wait(systole_device* dev, uint32_t timeout_ms);

/* Number of performance counters, and the name of counter i (NULL when out of range). */
size_t systole_num_counters(void);
const char* systole_counter_name(size_t i);
/* Reads min(n, systole_num_counters()) counters into out; returns how many, or < 0. */
int systole_counters(systole_device* dev, uint64_t* out, size_t n);

/* Message of the last failed call on dev ("" when none); dev NULL: the last failed
 * device-less call (systole_open, systole_assemble(NULL, ...)) on this thread. Valid until
 * the next call on the same device (or thread). */
const char* systole_last_error(const systole_device* dev);

#ifdef __cplusplus
}
#endif

#endif /* SYSTOLE_DRIVER_SYSTOLE_H */
