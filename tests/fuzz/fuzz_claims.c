/* fuzz_claims.c -- the theory \claim[class]{id}{source}{statement} parser of
 * the ledger (claims_parse, report/claims.c), on arbitrary text. */
#include "fuzz_util.h"
#include "claims.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  claim_set s = { 0 };
  diag d = { "fuzz_claims", NULL, 0 };
  int problems = claims_parse(&s, text, "t.tex", &d);
  if (problems != d.errors) abort();
  for (int i = 0; i < s.n; i++)
    if (!s.v[i].id || !s.v[i].id[0] || !s.v[i].source || !s.v[i].statement || s.v[i].line < 1 ||
        (s.v[i].cls != CLAIM_MATH && s.v[i].cls != CLAIM_IMPL))
      abort();
  claims_free(&s);
  free(text);
  return 0;
}
