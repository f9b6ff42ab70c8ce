/* fuzz_budgets.c -- the reader of the ULP budget table (report/budgets.c). */
#include "fuzz_util.h"
#include "budgets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *path = fuzz_file("budgets.tsv", data, size);
  static budget_row rows[8];
  char err[1200];
  int n = budgets_load(path, rows, 8, err, sizeof err);
  if (n > 8) abort();
  for (int i = 0; i < n; i++)
    if (!(rows[i].budget >= 0) || !rows[i].function[0]) abort();
  if (n < 0 && strncmp(err, path, strlen(path))) abort();
  return 0;
}
