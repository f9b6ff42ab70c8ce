/* fuzz_claims.c -- the theory \claim{id}{source}{statement} parser of the
 * ledger (read_theory in report/mkreport.c, included here whole so its
 * static functions are reachable; its main is renamed). */
#define main mkreport_main
#include "../../report/mkreport.c"
#undef main
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char dir[160];
  snprintf(dir, sizeof dir, "%s/theory", fuzz_dir());
  mkdir(dir, 0700);
  fuzz_file("theory/t.tex", data, size);
  static ledger L;
  memset(&L, 0, sizeof L);
  L.errlog = fopen("/dev/null", "w");
  read_theory(&L, dir);
  for (int i = 0; i < L.nclaims; i++) {
    if (!L.claims[i].statement) abort();
    free(L.claims[i].statement);
  }
  free(L.claims);
  if (L.errlog) fclose(L.errlog);
  return 0;
}
