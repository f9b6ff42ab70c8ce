/* test_cand_ahead.c -- a candidate parsed ahead on several threads
 * (cli_cand_parallel, claim vectors.verify.scale) gives what one thread
 * gives: the same rows (line, id and every value's bits), then the same end
 * (and the same last line) or the same error message at the same
 * FILE:LINE:COL. Seeded random candidates mix every kind of line the reader knows
 * (comments, blank lines, CRLF, quoted fields, hex, no final line feed) and,
 * in most files, one fault at a random line (a bad number, too many or
 * missing fields, a lone CR, an unterminated quote, an id outside the suite,
 * a NUL byte, the size cap); they are read on 2 and 3 threads in blocks of
 * 1, 2, 3, 7 and the default 4096 lines, so faults fall at every place in a
 * block. Large files cross the reader's window. The negative control: the
 * same comparison of transcripts tells apart a file with one value one ULP
 * off, and one with a blank line more. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_randist.h>

#include "cli_verify.h"
#include "prop.h"

#define PROGRAM "test_cand_ahead"
#define CLAIM "vectors.verify.scale"
#define SUITE "gauss_score"
#define FILES 240      /* small random files */
#define BIG_LINES 70000 /* about 3 MB: the reader's window refills */

PROP_FIXTURE(PROGRAM)

static const dmc_suite *suite(void)
{
  for (size_t i = 0; i < dmc_nsuites; i++)
    if (!strcmp(dmc_suites[i]->name, SUITE)) return dmc_suites[i];
  return NULL;
}

/* What a reading gives: a hash of the rows in order, their count, the end
 * status, the error message and the reader's last line. */
typedef struct {
  uint64_t hash;
  size_t rows;
  int status;
  long last_line;
  char err[1024];
} transcript;

static uint64_t mix(uint64_t h, uint64_t v)
{
  h = (h ^ v) * 0xbf58476d1ce4e5b9u;
  return h ^ (h >> 29);
}

static uint64_t bits(double x)
{
  uint64_t b;
  memcpy(&b, &x, sizeof b);
  return b;
}

/* Reads path on nthreads threads (1: no parsing ahead) in blocks of
 * block_lines; 0, or -1 if it could not be opened. */
static int read_all(const char *path, const dmc_suite *s, unsigned nthreads, size_t block_lines, size_t max_bytes,
                    transcript *t)
{
  cli_cand c;
  memset(t, 0, sizeof *t);
  if (cli_cand_open(&c, path, s, max_bytes)) {
    t->status = -2;
    snprintf(t->err, sizeof t->err, "%s", c.csv.err);
    return 0;
  }
  if (nthreads > 1 && cli_cand_parallel(&c, nthreads, block_lines)) {
    cli_cand_close(&c);
    return -1;
  }
  cli_cand_row row;
  uint64_t h = 0x243f6a8885a308d3u;
  int k;
  while ((k = cli_cand_next(&c, &row)) > 0) {
    h = mix(mix(h, (uint64_t)row.line), (uint64_t)row.id);
    for (int i = 0; i < s->ninputs; i++) if (c.in_col[i] >= 0) h = mix(h, bits(row.in[i]));
    for (int i = 0; i < s->noutputs; i++) if (c.out_col[i] >= 0) h = mix(h, bits(row.out[i]));
    t->rows++;
  }
  t->hash = h;
  t->status = k;
  if (k < 0) snprintf(t->err, sizeof t->err, "%s", c.csv.err);
  t->last_line = c.csv.line;
  cli_cand_close(&c);
  return 0;
}

static int same(const transcript *a, const transcript *b)
{
  /* the last line matters at the end (it names where "no data rows" is); an
   * error names its own */
  return a->hash == b->hash && a->rows == b->rows && a->status == b->status &&
         (a->status != 0 || a->last_line == b->last_line) && !strcmp(a->err, b->err);
}

static void put_value(FILE *f, gsl_rng *r, double x)
{
  unsigned long form = gsl_rng_uniform_int(r, 8);
  if (form == 0) fprintf(f, "%a", x);
  else if (form == 1) fprintf(f, " \"%.17g\" ", x);
  else if (form == 2) fprintf(f, "%.16e", x);
  else fprintf(f, "%.17g", x);
}

enum { FAULT_NONE, FAULT_NUMBER, FAULT_MORE, FAULT_FEWER, FAULT_CR, FAULT_QUOTE, FAULT_ID, FAULT_NUL, FAULT_KINDS };

/* A candidate of n data lines (columns id,score,logpdf or x,mu,sigma,score)
 * with the fault at data line `at`; its size in bytes. */
static size_t write_candidate(const char *path, gsl_rng *r, size_t n, int fault, size_t at, int ulp_off,
                              int extra_blank)
{
  FILE *f = fopen(path, "wb");
  if (!f) return 0;
  int inputs = gsl_rng_uniform_int(r, 3) == 0;
  const char *eol = gsl_rng_uniform_int(r, 4) == 0 ? "\r\n" : "\n";
  fprintf(f, "%s%s", inputs ? "x,mu,sigma,score" : "id,score,logpdf", eol);
  for (size_t i = 0; i < n; i++) {
    unsigned long extra = gsl_rng_uniform_int(r, 20);
    if (extra == 0) fprintf(f, "# a comment, \"with quotes\"%s", eol);
    else if (extra == 1) fprintf(f, "  %s", eol);
    if (extra_blank && i == at) fputs("\n", f);
    double a = gsl_ran_gaussian(r, 3.0), b = gsl_ran_gaussian(r, 1e3), c = 0.5 + gsl_rng_uniform(r);
    if (ulp_off && i == at) a = nextafter(a, INFINITY);
    if (inputs) {
      put_value(f, r, a); fputc(',', f); put_value(f, r, b); fputc(',', f); put_value(f, r, c); fputc(',', f);
    } else {
      fprintf(f, "%zu,", (size_t)gsl_rng_uniform_int(r, 4096));
      put_value(f, r, a); fputc(',', f);
    }
    if (i == at && fault == FAULT_NUMBER) fputs("1.5e", f);
    else put_value(f, r, inputs ? (b - a) / (c * c) : b);
    if (i == at) {
      switch (fault) {
      case FAULT_MORE: fputs(",1,2", f); break;
      case FAULT_CR: fputs("\r", f); fputs("x", f); break;
      case FAULT_QUOTE: fputs(",\"12", f); break;
      case FAULT_NUL: fputc('\0', f); break;
      default: break;
      }
    }
    if (i == at && fault == FAULT_FEWER) { fputs(eol, f); fputs("7", f); }
    if (i == at && fault == FAULT_ID) { fputs(eol, f); fputs(inputs ? "1,2,3,zz" : "4096,1,2", f); }
    if (i + 1 < n || gsl_rng_uniform_int(r, 3)) fputs(eol, f); /* a third of the files end without one */
  }
  long size = ftell(f);
  fclose(f);
  return size < 0 ? 0 : (size_t)size;
}

static void test_same_as_one_thread(void **state)
{
  prop_fixture *fx = *state;
  const dmc_suite *s = suite();
  PROP_CHECK(s != NULL, "suite %s missing", SUITE);
  char dir[] = "/tmp/dmc_cand_ahead_XXXXXX", path[PATH_MAX];
  PROP_CHECK(mkdtemp(dir) != NULL, "no temporary directory");
  snprintf(path, sizeof path, "%s/c.csv", dir);
  gsl_rng *r = prop_rng(fx->seed, 1);
  static const unsigned threads[] = { 2, 3 };
  static const size_t blocks[] = { 1, 2, 3, 7, 0 };
  unsigned long readings = 0, differ = 0, faults[FAULT_KINDS] = { 0 }, errors = 0;
  char first[4096] = "";
  for (int file = 0; file < FILES + 3; file++) {
    int big = file >= FILES;
    size_t n = big ? BIG_LINES : 1 + gsl_rng_uniform_int(r, 60);
    int fault = gsl_rng_uniform_int(r, 5) == 0 ? FAULT_NONE : 1 + (int)gsl_rng_uniform_int(r, FAULT_KINDS - 1);
    size_t at = gsl_rng_uniform_int(r, n);
    size_t size = write_candidate(path, r, n, fault, at, 0, 0);
    PROP_CHECK(size > 0, "cannot write %s", path);
    /* every other big file and a tenth of the rest with a size cap inside */
    size_t cap = (big ? file % 2 : gsl_rng_uniform_int(r, 10) == 0) ? 1 + gsl_rng_uniform_int(r, size) : 0;
    transcript one, many;
    PROP_CHECK(read_all(path, s, 1, 0, cap, &one) == 0, "cannot read %s", path);
    faults[fault]++;
    errors += one.status < 0;
    for (size_t ti = 0; ti < 2; ti++)
      for (size_t bi = 0; bi < sizeof blocks / sizeof *blocks; bi++) {
        if (big && blocks[bi] && blocks[bi] < 7) continue; /* tiny blocks over 70000 lines: slow, nothing new */
        PROP_CHECK(read_all(path, s, threads[ti], blocks[bi], cap, &many) == 0, "out of memory");
        readings++;
        if (!same(&one, &many)) {
          if (!differ++)
            snprintf(first, sizeof first, "file %d (fault %d at data line %zu, cap %zu), %u threads, blocks of %zu: "
                     "%zu rows / %zu, status %d / %d, line %ld / %ld, '%.900s' / '%.900s'", file, fault, at, cap,
                     threads[ti], blocks[bi], one.rows, many.rows, one.status, many.status, one.last_line,
                     many.last_line, one.err, many.err);
        }
      }
  }
  gsl_rng_free(r);
  unlink(path);
  rmdir(dir);
  evidence_row(fx->ev, CLAIM, "behaviour", differ == 0 && errors > FILES / 2,
               "rows parsed ahead on 2 and 3 threads = the rows of one thread, with the same error", readings, fx->seed,
               "%d candidates (%d of %d lines), %lu readings on 2 and 3 threads in blocks of 1, 2, 3, 7 and 4096 "
               "lines: %lu differ from one thread; %lu files end in an error (faults by kind: none %lu, number %lu, "
               "more %lu, fewer %lu, CR %lu, quote %lu, id %lu, NUL %lu)%s%s", FILES + 3, 3, BIG_LINES, readings,
               differ, errors, faults[0], faults[1], faults[2], faults[3], faults[4], faults[5], faults[6], faults[7],
               differ ? "; first: " : "", first);
  PROP_CHECK(differ == 0, "parsing ahead differs from one thread: %s", first);
  PROP_CHECK(errors > FILES / 2, "only %lu of %d files end in an error: the faults are not reached", errors, FILES);
}

/* The control: the comparison tells apart files one ULP or one line apart. */
static void test_control(void **state)
{
  prop_fixture *fx = *state;
  const dmc_suite *s = suite();
  char dir[] = "/tmp/dmc_cand_ahead_XXXXXX", a[PATH_MAX], b[PATH_MAX];
  PROP_CHECK(s && mkdtemp(dir), "setup failed");
  snprintf(a, sizeof a, "%s/a.csv", dir);
  snprintf(b, sizeof b, "%s/b.csv", dir);
  int told = 0, tries = 0;
  for (int variant = 0; variant < 2; variant++)
    for (int k = 0; k < 20; k++, tries++) {
      gsl_rng *r1 = prop_rng(fx->seed, 100 + (unsigned long)k), *r2 = prop_rng(fx->seed, 100 + (unsigned long)k);
      size_t n = 50, at = (size_t)k * 2;
      write_candidate(a, r1, n, FAULT_NONE, at, 0, 0);
      write_candidate(b, r2, n, FAULT_NONE, at, variant == 0, variant == 1);
      gsl_rng_free(r1);
      gsl_rng_free(r2);
      transcript ta, tb;
      read_all(a, s, 1, 0, 0, &ta);
      read_all(b, s, 2, 3, 0, &tb);
      told += !same(&ta, &tb);
    }
  unlink(a);
  unlink(b);
  rmdir(dir);
  evidence_row(fx->ev, CLAIM, "control", told == tries,
               "rows parsed ahead on 2 and 3 threads = the rows of one thread, with the same error", (unsigned long)tries,
               fx->seed, "files one value one ULP apart (20) or one blank line apart (20), read on 1 and on 2 threads: "
               "%d of %d told apart", told, tries);
  PROP_CHECK(told == tries, "only %d of %d perturbed files told apart", told, tries);
}

/* Stopping early and closing without reading end the threads (no hang, no
 * leak under valgrind and ASan). */
static void test_stop_early(void **state)
{
  prop_fixture *fx = *state;
  const dmc_suite *s = suite();
  char dir[] = "/tmp/dmc_cand_ahead_XXXXXX", path[PATH_MAX];
  PROP_CHECK(s && mkdtemp(dir), "setup failed");
  snprintf(path, sizeof path, "%s/c.csv", dir);
  gsl_rng *r = prop_rng(fx->seed, 7);
  write_candidate(path, r, 20000, FAULT_NONE, 0, 0, 0);
  gsl_rng_free(r);
  int ok = 1;
  for (int reads = 0; reads <= 5; reads += 5) {
    cli_cand c;
    cli_cand_row row;
    ok &= cli_cand_open(&c, path, s, 0) == 0 && cli_cand_parallel(&c, 2, 0) == 0;
    for (int i = 0; i < reads; i++) ok &= cli_cand_next(&c, &row) == 1;
    cli_cand_ahead_stop(&c);
    ok &= cli_cand_next(&c, &row) == -1; /* no more rows once stopped */
    cli_cand_close(&c);
  }
  unlink(path);
  rmdir(dir);
  evidence_row(fx->ev, CLAIM, "behaviour", ok, "parsing ahead stops on request", 2, fx->seed,
               "stopped after 0 and 5 rows of 20000: %s", ok ? "no more rows, threads joined" : "FAILED");
  PROP_CHECK(ok, "stopping the parse ahead failed");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_same_as_one_thread),
    cmocka_unit_test(test_control),
    cmocka_unit_test(test_stop_early),
  };
  return cmocka_run_group_tests_name(PROGRAM, tests, setup, teardown);
}
