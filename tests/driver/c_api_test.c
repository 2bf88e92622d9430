/* The driver's C API used from C (compiled as C99). Usage: driver_c_api_test BACKEND.
 * "fake" is the scripted test double (no execution); on "hls" the copied data and the
 * retired-instruction counter are checked too. */
#include <stdio.h>
#include <string.h>

#include "driver/systole.h"

void systole_test_register_fake_backend(void);

static int failures = 0;
#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

int main(int argc, char** argv) {
  const char* backend = argc > 1 ? argv[1] : "fake";
  systole_device* dev;
  uint32_t dim, src = 0, dst = 0, rows = 3;
  int32_t in[3 * 64], out[3 * 64];
  unsigned char prog[4 * SYSTOLE_INSN_BYTES];
  char text[512];
  uint64_t counters[32];
  size_t i;
  int n;

  systole_test_register_fake_backend();
  CHECK(systole_open("no-such-backend", "tiny") == NULL);
  CHECK(strstr(systole_last_error(NULL), "unknown backend") != NULL);

  dev = systole_open(backend, "tiny");
  if (!dev) {
    fprintf(stderr, "systole_open(%s): %s\n", backend, systole_last_error(NULL));
    return 1;
  }
  dim = systole_dim(dev);
  CHECK(dim == 4);
  CHECK(systole_alloc(dev, rows * dim * 4, "src", &src) == SYSTOLE_OK);
  CHECK(systole_alloc(dev, rows * dim * 4, "dst", &dst) == SYSTOLE_OK);
  for (i = 0; i < rows * dim; ++i) in[i] = (int32_t)(i * 1000003u) - 7;
  CHECK(systole_write(dev, src, 0, in, rows * dim * 4) == SYSTOLE_OK);

  /* Copy `rows` rows of DIM int32 through the accumulator: LOAD target=acc, STORE raw. The
   * store waits for the load through the execute unit (tokens flow between neighbours). */
  snprintf(text, sizeof text,
           "LOAD target=acc sram_addr=0 dram_addr=%u dram_stride=%u y_size=%u x_size=%u push_next=1\n"
           "MATMUL pop_prev=1 push_next=1 rows=0\n"
           "STORE pop_prev=1 acc_addr=0 dram_addr=%u dram_stride=%u y_size=%u x_size=%u raw=1  # copy\n",
           (unsigned)src, (unsigned)(dim * 4), (unsigned)rows, (unsigned)dim, (unsigned)dst, (unsigned)(dim * 4),
           (unsigned)rows, (unsigned)dim);
  CHECK(systole_assemble(dev, text, prog, 4) == 3);
  CHECK(systole_assemble(dev, text, prog, 2) < 0);
  CHECK(systole_assemble(NULL, "LOAD bogus=1", prog, 4) < 0);
  CHECK(strstr(systole_last_error(NULL), "no field 'bogus'") != NULL);

  /* The first instruction alone leaves a token unconsumed: rejected before running. */
  CHECK(systole_submit(dev, prog, 1) == SYSTOLE_ERROR);
  CHECK(strstr(systole_last_error(dev), "unconsumed token") != NULL);

  CHECK(systole_submit(dev, prog, 3) == SYSTOLE_OK);
  if (systole_wait(dev, 60000) != SYSTOLE_OK) {
    fprintf(stderr, "wait: %s\n", systole_last_error(dev));
    ++failures;
  }
  CHECK(systole_read(dev, dst, 0, out, rows * dim * 4) == SYSTOLE_OK);
  if (strcmp(backend, "hls") == 0) CHECK(memcmp(in, out, rows * dim * 4) == 0);
  n = systole_counters(dev, counters, 32);
  CHECK(n == (int)systole_num_counters());
  if (strcmp(backend, "hls") == 0) CHECK(counters[1] == 3); /* insns retired */

  CHECK(systole_free(dev, src) == SYSTOLE_OK);
  CHECK(systole_free(dev, src) == SYSTOLE_EINVAL);
  CHECK(systole_submit(dev, prog, 3) == SYSTOLE_ERROR); /* src is gone */
  CHECK(strstr(systole_last_error(dev), "outside every allocated buffer") != NULL);
  systole_close(dev);

  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("c_api_test(%s): ok\n", backend);
  return 0;
}
