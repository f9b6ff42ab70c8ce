/* fuzz_candidate.c -- the candidate parser of dmcheck verify (cli_candidate.c):
 * byte 0 picks the suite, the rest is the CSV. */
#include "fuzz_util.h"
#include "cli_verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1) return 0;
  const dmc_suite *s = dmc_suites[data[0] % dmc_nsuites];
  const char *path = fuzz_file("cand.csv", data + 1, size - 1);
  cli_cand c;
  if (cli_cand_open(&c, path, s, 0)) {
    if (strncmp(c.csv.err, path, strlen(path))) abort(); /* errors name the file */
    return 0;
  }
  cli_cand_row row;
  int k;
  while ((k = cli_cand_next(&c, &row)) > 0)
    if (row.id >= 0 && (size_t)row.id >= s->count()) abort(); /* ids are rows of the suite */
  if (k < 0 && strncmp(c.csv.err, path, strlen(path))) abort();
  cli_cand_close(&c);
  return 0;
}
