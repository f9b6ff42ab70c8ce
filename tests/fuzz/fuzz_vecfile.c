/* fuzz_vecfile.c -- the stored-vector loader (reference/vecfile.c): byte 0
 * picks the suite, the rest is the file. */
#include "fuzz_util.h"
#include "vecfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1) return 0;
  const dmc_suite *s = dmc_suites[data[0] % dmc_nsuites];
  const char *path = fuzz_file("vectors.csv", data + 1, size - 1);
  vec_table t;
  char err[1200];
  if (vecfile_load(path, s, &t, err, sizeof err) == 0) {
    if (t.nrows != s->count()) abort();
    vec_table_free(&t);
  } else if (strncmp(err, path, strlen(path))) {
    abort(); /* errors name the file */
  }
  return 0;
}
