/* mkreport.c -- the ledger and the generated parts of the report:
 *   claims.c   reads the claims of theory/
 *   ledger.c   joins them with the evidence rows, pairs the controls, judges
 *   texout.c   writes the TeX
 * Writes <results>/claims.csv and <out>/NAME.tex. Exit 1 when the ledger finds
 * a problem (see ledger.h), 2 for bad usage.
 *
 * usage: mkreport --theory DIR --results DIR --budgets FILE --out DIR
 *                 [--figures DIR] */
#define _XOPEN_SOURCE 700
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ledger.h"
#include "texout.h"

/* Paths are bounded by PATH_MAX; a truncated one fails visibly at open. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

int main(int argc, char **argv)
{
  const char *theory = "theory", *results = NULL, *budgets = NULL, *out = NULL, *figures = NULL;
  for (int i = 1; i < argc; i++) {
    const char **slot = !strcmp(argv[i], "--theory") ? &theory : !strcmp(argv[i], "--results") ? &results
                      : !strcmp(argv[i], "--budgets") ? &budgets : !strcmp(argv[i], "--out") ? &out
                      : !strcmp(argv[i], "--figures") ? &figures : NULL;
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      printf("usage: mkreport --theory DIR --results DIR --budgets FILE --out DIR [--figures DIR]\n"
             "Joins theory claims with evidence, writes RESULTS/claims.csv and OUT/*.tex.\n"
             "Exit 1 if a claim lacks evidence, evidence names an unknown claim, or a mathematical\n"
             "claim lacks a statement-level check with a passing negative control.\n");
      return 0;
    }
    if (!slot || i + 1 >= argc) { fprintf(stderr, "mkreport: bad argument '%s' (try --help)\n", argv[i]); return 2; }
    *slot = argv[++i];
  }
  if (!results || !budgets || !out) { fprintf(stderr, "mkreport: --results, --budgets and --out are required\n"); return 2; }
  mkdir(out, 0777);
  char errpath[PATH_MAX], csvpath[PATH_MAX], absres[PATH_MAX];
  snprintf(errpath, sizeof errpath, "%s/ledger-errors.txt", results);
  snprintf(csvpath, sizeof csvpath, "%s/claims.csv", results);
  diag d = { "mkreport", fopen(errpath, "w"), 0 };
  ledger L;
  ledger_init(&L, &d);
  ledger_read_theory(&L, theory);
  ledger_read_evidence(&L, results);
  ledger_judge(&L);
  ledger_write_csv(&L, csvpath);
  if (!realpath(results, absres)) snprintf(absres, sizeof absres, "%s", results);
  texout_write(&L, out, absres, budgets, figures);

  int counts[2][5] = { { 0 } }, ncontrols = 0;
  const char *names[] = { "holds", "holds-after-correction", "approximation", "fails", "unchecked" };
  for (int i = 0; i < L.claims.n; i++)
    for (int v = 0; v < 5; v++) counts[L.claims.v[i].cls][v] += !strcmp(ledger_verdict(&L, i), names[v]);
  for (int r = 0; r < L.nrows; r++) ncontrols += L.rows[r].kind == EV_CONTROL_KIND;
  for (int c = 0; c < 2; c++)
    printf("ledger: %d %s claims: %d holds, %d holds-after-correction, %d approximation, %d fails\n",
           counts[c][0] + counts[c][1] + counts[c][2] + counts[c][3] + counts[c][4],
           c == CLAIM_MATH ? "mathematical" : "implementation", counts[c][0], counts[c][1], counts[c][2],
           counts[c][3]);
  printf("ledger: %d claims, %d evidence rows (%d negative controls) -> %s\n", L.claims.n, L.nrows, ncontrols,
         csvpath);
  ledger_free(&L);
  if (d.log) fclose(d.log);
  if (d.errors) {
    fprintf(stderr, "mkreport: %d ledger problem(s); the build fails until they are fixed\n", d.errors);
    return 1;
  }
  remove(errpath);
  return 0;
}
