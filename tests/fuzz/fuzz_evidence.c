/* fuzz_evidence.c -- the record reader of the evidence and accuracy files
 * (csv_next, report/csvread.c), as the ledger reads them. */
#include "fuzz_util.h"
#include "csvread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  FILE *f = fmemopen((void *)data, size, "rb");
  if (!f) return 0;
  csv_record rec = { 0 };
  int line = 0, st, last = 0;
  while ((st = csv_next(f, &rec, &line)) > 0) {
    if (rec.nfields < 1 || rec.nfields > CSV_MAX_FIELDS || rec.line <= last) abort();
    for (int i = 0; i < rec.nfields; i++) (void)strlen(rec.field[i]); /* terminated, in bounds */
    last = rec.line;
  }
  csv_free(&rec);
  fclose(f);
  return 0;
}
