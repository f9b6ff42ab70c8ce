/* test_bad_cases.c -- the regression inputs of tests/bad_cases.tsv (in the
 * manner of MPFR's bad_cases and CORE-MATH's worst-case files): for every
 * function of the registry (src/cli/functions.def), each of its hard inputs is
 * evaluated by libdmcheck and by the MPFR reference, and the ULP error must
 * stay within the function's budget (tests/budgets.tsv). One loop over the
 * registry: a registered function without a bad case fails the test.
 *
 * File format, one case a line, tab-separated:
 *   function  arguments (C99 hex literals, or inf/-inf, in the row's order)  reason
 * Lines starting with '#' and blank lines are ignored. $DMC_BAD_CASES names
 * another file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/registry.h"
#include "csvread.h"
#include "dmcheck.h"
#include "prop.h"

#define PROGRAM "test_bad_cases"
#ifndef DMC_BAD_CASES_FILE
#define DMC_BAD_CASES_FILE DMC_SOURCE_DIR "/tests/bad_cases.tsv"
#endif
#define MAX_ARGS 16
#define MAX_CASES 4096

typedef prop_fixture fixture;

typedef struct {
  const cli_function *fn;
  double in[MAX_ARGS];
  int line;
} bad_case;

/* One argument: a hex literal (exact) or an infinity, read by the project's
 * number parser; 0 on success. */
static int parse_hex(const char *s, size_t len, double *out)
{
  const char *p = s + (*s == '-' || *s == '+');
  size_t l = len - (size_t)(p - s);
  if (!(l == 3 && !memcmp(p, "inf", 3)) && (l < 2 || memcmp(p, "0x", 2))) return -1;
  return csv_parse_double(s, len, out) == CSV_NUM_OK ? 0 : -1;
}

/* Reads every case with the project's CSV reader (tab-separated, no quotes);
 * on a malformed line fails with FILE:LINE:COL. */
static size_t read_cases(const char *path, bad_case *cases)
{
  csv_reader r;
  PROP_CHECK(csv_open(&r, path, '\t', 0, 0) == 0, "%s", r.err);
  size_t n = 0;
  int k;
  while ((k = csv_next_record(&r)) > 0) {
    csv_field ff, fa, fr;
    PROP_CHECK(csv_next_field(&r, &ff) > 0 && csv_next_field(&r, &fa) > 0 && csv_next_field(&r, &fr) > 0 && fr.len,
               "%s:%ld:1: expected function<TAB>arguments<TAB>reason", path, r.line);
    char name[96];
    snprintf(name, sizeof name, "%.*s", (int)ff.len, ff.s);
    const cli_function *fn = cli_find_function(name);
    PROP_CHECK(fn && ff.len < sizeof name, "%s:%ld:1: '%s' is not a registered function (src/cli/functions.def)", path,
               r.line, name);
    PROP_CHECK(n < MAX_CASES, "%s:%ld:1: more than %d cases", path, r.line, MAX_CASES);
    bad_case *c = &cases[n];
    c->fn = fn;
    c->line = (int)r.line;
    int na = 0;
    for (size_t i = 0; i < fa.len;) {
      size_t l = 0;
      while (i + l < fa.len && fa.s[i + l] != ' ') l++;
      long col = fa.col + (long)i;
      PROP_CHECK(na < fn->nargs, "%s:%ld:%ld: %s takes %d arguments (%s)", path, r.line, col, fn->name, fn->nargs, fn->args);
      PROP_CHECK(parse_hex(fa.s + i, l, &c->in[na]) == 0, "%s:%ld:%ld: '%.*s' is not a C99 hex literal", path, r.line,
                 col, (int)l, fa.s + i);
      na++;
      i += l;
      while (i < fa.len && fa.s[i] == ' ') i++;
    }
    PROP_CHECK(na == fn->nargs, "%s:%ld:%ld: %s takes %d arguments (%s), got %d", path, r.line, fr.col, fn->name,
               fn->nargs, fn->args, na);
    n++;
  }
  PROP_CHECK(k == 0, "%s", r.err);
  csv_close(&r);
  return n;
}

/* Splits a row's argument names into names[] (static storage per row). */
static int split_names(const char *args, char buf[MAX_ARGS][32], const char *names[MAX_ARGS])
{
  int k = 0;
  for (const char *p = args; *p && k < MAX_ARGS;) {
    size_t l = strcspn(p, " ");
    snprintf(buf[k], sizeof buf[k], "%.*s", (int)l, p);
    names[k] = buf[k];
    k++;
    p += l;
    p += strspn(p, " ");
  }
  return k;
}

/* Every registry function, grouped by its libdmcheck entry (one budget row
 * each): every bad case within budget, the rounding of every reference proved. */
static void test_bad_cases(void **state)
{
  fixture *fx = *state;
  bad_case *cases = malloc(MAX_CASES * sizeof *cases);
  assert_non_null(cases);
  const char *path = getenv("DMC_BAD_CASES") ? getenv("DMC_BAD_CASES") : DMC_BAD_CASES_FILE;
  size_t ncases = read_cases(path, cases);
  for (int i = 0; i < cli_nfunctions; i++) {
    const cli_function *row = &cli_functions[i];
    int first = 1;
    for (int j = 0; j < i; j++) first &= strcmp(cli_functions[j].lib_name, row->lib_name) != 0;
    if (!first) continue;
    char buf[MAX_ARGS][32];
    const char *names[MAX_ARGS];
    int nin = split_names(row->args, buf, names);
    prop_acc acc;
    prop_acc_init(&acc, row->lib_name, row->claim, nin, names);
    for (int j = i; j < cli_nfunctions; j++) {
      const cli_function *fn = &cli_functions[j];
      if (strcmp(fn->lib_name, row->lib_name)) continue;
      size_t mine = 0;
      for (size_t c = 0; c < ncases; c++) {
        if (cases[c].fn != fn) continue;
        double got = NAN, want = NAN;
        int rs = cli_function_ref(fn, cases[c].in, &want);
        int st = cli_function_lib(fn, cases[c].in, &got);
        PROP_CHECK(rs == 0 || rs == 2, "%s:%d: %s: the reference returned %d (domain error or out of memory)",
                   path, cases[c].line, fn->name, rs);
        PROP_CHECK(st == DMC_OK, "%s:%d: %s returned %d", path, cases[c].line, fn->lib_name, st);
        double ulp = prop_acc_add(&acc, cases[c].in, got, want, rs);
        if (ulp > acc.budget)
          fprintf(stderr, "%s:%d: %s: %.0f ULP (budget %.0f): got %a, correctly rounded %a\n",
                  path, cases[c].line, fn->name, ulp, acc.budget, got, want);
        /* the accounting can fail: a value budget+1 ULP away is over budget */
        double moved = want;
        for (int k = 0; k <= (int)acc.budget && isfinite(moved); k++) moved = nextafter(moved, INFINITY);
        PROP_CHECK(!isfinite(want) || !isfinite(moved) || dmc_ulp_distance(moved, want) > acc.budget,
                   "%s: a result %.0f ULP off was not detected", fn->name, acc.budget + 1);
        mine++;
      }
      PROP_CHECK(mine > 0, "%s (%s) has no bad case in %s", fn->name, fn->lib_name, path);
    }
    PROP_ASSERT_ACC(acc, fx->ev, PROGRAM, fx->seed);
  }
  free(cases);
}

PROP_FIXTURE(PROGRAM)

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_bad_cases),
  };
  return cmocka_run_group_tests_name(PROGRAM, tests, setup, teardown);
}
