/* verdict.c -- see verdict.h. */
#include "verdict.h"

#include <string.h>

int verdict_add(verdict_tally *t, const char *kind, int pass)
{
  if (!strcmp(kind, "exact") || !strcmp(kind, "numeric") || !strcmp(kind, "accuracy") ||
      !strcmp(kind, "statistical"))
    pass ? t->written_pass++ : t->written_fail++;
  else if (!strcmp(kind, "corrected"))
    pass ? t->corrected_pass++ : t->corrected_fail++;
  else if (!strcmp(kind, "approx"))
    pass ? t->approx_pass++ : t->approx_fail++;
  else
    return -1;
  return 0;
}

const char *verdict_of(const verdict_tally *t)
{
  int written = t->written_pass + t->written_fail;
  int corrected = t->corrected_pass + t->corrected_fail;
  int approx = t->approx_pass + t->approx_fail;
  if (written + corrected + approx == 0) return "unchecked";
  if (t->written_fail) {
    if (t->corrected_pass && !t->corrected_fail) return "holds-after-correction";
    if (t->approx_pass && !t->approx_fail) return "approximation";
    return "fails";
  }
  if (t->corrected_fail || t->approx_fail) return "fails";
  if (approx) return "approximation";
  if (corrected) return "holds-after-correction";
  return "holds";
}
