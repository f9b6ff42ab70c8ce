/* test_vecfile_edges.c -- the stored-vector loader (reference/vecfile.c) on
 * malformed copies of a real vector file: each defect is rejected with -1
 * and "FILE:LINE:COL: message" naming the line of the defect, as
 * reference/vecfile.h documents; the intact copy loads, and its rows equal
 * the ones vecfile_write produces now. Deterministic: no randomness. */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suites.h"
#include "vecfile.h"

#ifndef DMC_SOURCE_DIR
#define DMC_SOURCE_DIR "."
#endif
#define SUITE "dsm_optimum"

#define MAXLINES 256
static char *lines[MAXLINES];
static int nlines, header;   /* header: 0-based index of the column-names line */
static char path[256];

/* Writes the file with line k replaced by repl (NULL: dropped; k < 0: none)
 * and, if extra is not NULL, that line appended. */
static void write_variant(int k, const char *repl, const char *extra)
{
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  for (int i = 0; i < nlines; i++) {
    if (i == k) { if (repl) fprintf(f, "%s\n", repl); continue; }
    fprintf(f, "%s\n", lines[i]);
  }
  if (extra) fprintf(f, "%s\n", extra);
  assert_int_equal(fclose(f), 0);
}

/* Loads the variant; asserts -1 and an error "PATH:LINE:" containing what. */
static void expect_reject(int line, const char *what)
{
  const dmc_suite *s = dmc_suite_find(SUITE);
  vec_table t;
  char err[512], want[300];
  assert_int_equal(vecfile_load(path, s, &t, err, sizeof err), -1);
  snprintf(want, sizeof want, "%s:%d:", path, line);
  if (strncmp(err, want, strlen(want)) || !strstr(err, what))
    fail_msg("error '%s'; want '%s...%s'", err, want, what);
  assert_null(t.in);
  assert_null(t.out);
}

/* line k with the comma-separated field i replaced by v (malloc'ed) */
static char *with_field(int k, int i, const char *v)
{
  static char buf[4096];
  const char *p = lines[k];
  size_t n = 0;
  for (int f = 0; f < i; f++) { const char *c = strchr(p, ','); assert_non_null(c); p = c + 1; }
  n = (size_t)(p - lines[k]);
  memcpy(buf, lines[k], n);
  const char *rest = strchr(p, ',');
  snprintf(buf + n, sizeof buf - n, "%s%s", v, rest ? rest : "");
  return buf;
}

static void test_intact(void **state)
{
  (void)state;
  const dmc_suite *s = dmc_suite_find(SUITE);
  write_variant(-1, NULL, NULL);
  vec_table t, now;
  char err[512];
  if (vecfile_load(path, s, &t, err, sizeof err)) fail_msg("%s", err);
  assert_int_equal(vecfile_compute(s, &now, NULL, NULL, err, sizeof err), 0);
  assert_int_equal(t.nrows, now.nrows);
  assert_int_equal(memcmp(t.in, now.in, t.nrows * (size_t)s->ninputs * sizeof *t.in), 0);
  for (size_t i = 0; i < t.nrows * (size_t)s->noutputs; i++)
    assert_true((isnan(t.out[i]) && isnan(now.out[i])) || t.out[i] == now.out[i]);
  vec_table_free(&t);
  vec_table_free(&now);
  /* a row written now reads back identically (vecfile_write's format) */
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  assert_int_equal(vecfile_write(f, s, NULL, NULL, err, sizeof err), 0);
  assert_int_equal(fclose(f), 0);
  if (vecfile_load(path, s, &t, err, sizeof err)) fail_msg("%s", err);
  vec_table_free(&t);
}

static void test_header_defects(void **state)
{
  (void)state;
  int h = header + 1; /* 1-based line of the header */
  write_variant(header, with_field(header, 3, "sigmaX_hex"), NULL);
  expect_reject(h, "column 'sigmaX_hex' where 'sigma_hex' was expected");
  write_variant(header, "id,mu_hex,mu,sigma_hex", NULL);
  expect_reject(h, "header ends before column 'sigma'");
  char longer[2048];
  snprintf(longer, sizeof longer, "%s,spare", lines[header]);
  write_variant(header, longer, NULL);
  expect_reject(h, "extra column 'spare'");
  /* only comments: no header at all */
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("# nothing but a comment\n", f);
  assert_int_equal(fclose(f), 0);
  expect_reject(1, "no header line");
}

static void test_row_defects(void **state)
{
  (void)state;
  int r0 = header + 1, l0 = header + 2; /* index and 1-based line of row 0 */
  write_variant(r0, with_field(r0, 0, "5"), NULL);
  expect_reject(l0, "id '5' where 0 was expected");
  write_variant(r0, with_field(r0, 0, "zero"), NULL);
  expect_reject(l0, "id");
  /* mu's decimal twin is not the double of its hex column */
  write_variant(r0, with_field(r0, 2, "1e-300"), NULL);
  expect_reject(l0, "mu (1e-300) is not the double in mu_hex");
  write_variant(r0, with_field(r0, 1, "0xnothex"), NULL);
  expect_reject(l0, "mu_hex");
  /* a row cut short, and one with a field too many */
  char row[4096];
  snprintf(row, sizeof row, "%s", lines[r0]);
  *strrchr(row, ',') = '\0';
  write_variant(r0, row, NULL);
  expect_reject(l0, "missing field loss_constant");
  snprintf(row, sizeof row, "%s", lines[r0]);
  *strrchr(row, ',') = '\0';
  *strrchr(row, ',') = '\0';
  write_variant(r0, row, NULL);
  expect_reject(l0, "missing field loss_constant_hex");
  snprintf(row, sizeof row, "%s,1", lines[r0]);
  write_variant(r0, row, NULL);
  expect_reject(l0, "too many fields");
  /* one row more or less than the suite */
  write_variant(-1, NULL, lines[nlines - 1]);
  expect_reject(nlines + 1, "more rows than the suite's");
  write_variant(nlines - 1, NULL, NULL);
  expect_reject(nlines - 1, "rows where the suite has"); /* at the end of the file */
  /* a file that cannot be opened */
  unlink(path);
  const dmc_suite *s = dmc_suite_find(SUITE);
  vec_table t;
  char err[512];
  assert_int_equal(vecfile_load(path, s, &t, err, sizeof err), -1);
  assert_non_null(strstr(err, path));
}

static int setup(void **state)
{
  (void)state;
  FILE *f = fopen(DMC_SOURCE_DIR "/reference/vectors/" SUITE ".csv", "r");
  if (!f) return -1;
  char buf[4096];
  header = -1;
  while (nlines < MAXLINES && fgets(buf, sizeof buf, f)) {
    buf[strcspn(buf, "\n")] = '\0';
    if (header < 0 && buf[0] != '#') header = nlines;
    lines[nlines++] = strdup(buf);
  }
  fclose(f);
  int fd;
  snprintf(path, sizeof path, "/tmp/test_vecfile_edges.XXXXXX");
  if ((fd = mkstemp(path)) < 0) return -1;
  close(fd);
  return header > 0 && nlines > header + 2 && nlines < MAXLINES ? 0 : -1;
}

static int teardown(void **state)
{
  (void)state;
  unlink(path);
  for (int i = 0; i < nlines; i++) free(lines[i]);
  return 0;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_intact),
    cmocka_unit_test(test_header_defects),
    cmocka_unit_test(test_row_defects),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
