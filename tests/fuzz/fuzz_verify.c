/* fuzz_verify.c -- the whole of `dmcheck verify` with live evaluation: byte 0
 * picks the suite, byte 1 the dtype and report format, the rest is the
 * candidate. There are no stored vectors, so rows with inputs are evaluated
 * live with MPFR; a candidate without inputs (which would need every row of
 * the suite computed) is left to fuzz_candidate. */
#include "fuzz_util.h"
#include "cli_verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 2 || size > 1024) return 0; /* at most ~100 live rows of up to ~0.1 s each */
  const dmc_suite *s = dmc_suites[data[0] % dmc_nsuites];
  static const char *const dtypes[] = { "float64", "float32", "float16", "bfloat16" };
  static const char *const formats[] = { "text", "json", "junit", "text" };
  const char *path = fuzz_file("cand.csv", data + 2, size - 2);
  cli_cand c;
  if (cli_cand_open(&c, path, s, 0)) return 0;
  int has_inputs = c.has_inputs;
  cli_cand_close(&c);
  if (!has_inputs) return 0;
  char vectors[160];
  snprintf(vectors, sizeof vectors, "%s/no-vectors", fuzz_dir());
  char *argv[] = { "verify", (char *)s->name, (char *)path, "--dtype", (char *)dtypes[data[1] & 3],
                   "--format", (char *)formats[(data[1] >> 2) & 3], "--worst", "3", "--vectors", vectors,
                   "-o", "-", NULL };
  int st = cli_verify((int)(sizeof argv / sizeof *argv) - 1, argv);
  if (st < 0 || st > 2) abort();
  return 0;
}
