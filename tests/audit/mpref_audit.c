/* mpref_audit.c -- `make check-mpref-audit`: every row of every reference
 * suite, on both paths (eval and cross), through references built with
 * MPREF_AUDIT (reference/mpref.h). There each output proved by
 * mpref_round_proved or mpref_round_each is evaluated again at more than
 * twice the precision, and the run aborts, naming the values, when the two
 * evaluations are further apart than their two error bounds allow or round
 * to different doubles: a wrong derived bound is caught on the rows that
 * expose it. Prints one line per suite; exits 1 if a row was not proved. */
#include "suites.h"

#include <stdio.h>
#include <stdlib.h>

int main(void)
{
  enum { CHUNK = 64 };
  double *in = malloc(CHUNK * DMC_SUITE_MAX_COLS * sizeof *in), *out = malloc(CHUNK * DMC_SUITE_MAX_COLS * sizeof *out);
  int st[CHUNK], bad = 0;
  size_t total = 0;
  if (!in || !out) { fprintf(stderr, "mpref_audit: out of memory\n"); return 1; }
  for (size_t i = 0; i < dmc_nsuites; i++) {
    const dmc_suite *s = dmc_suites[i];
    size_t n = s->count(), unproved = 0;
    for (int cross = 0; cross < 2; cross++)
      for (size_t r = 0; r < n; r += CHUNK) {
        size_t m = n - r < CHUNK ? n - r : CHUNK;
        if (dmc_suite_rows(s, cross, r, m, in, out, st)) { fprintf(stderr, "mpref_audit: %s: out of memory\n", s->name); return 1; }
        for (size_t j = 0; j < m; j++) unproved += st[j] == 2;
      }
    printf("audit %-36s %6zu rows x 2 paths: bounds held%s\n", s->name, n, unproved ? ", SOME ROWS UNPROVED" : "");
    if (unproved) bad = 1;
    total += n;
  }
  printf("mpref audit: %zu rows of %zu suites, eval and cross: every derived bound held\n", total, dmc_nsuites);
  free(in);
  free(out);
  return bad;
}
