/* test_shard.c -- `dmcheck verify` at scale (claim vectors.verify.scale):
 * the candidate is streamed (a file many reader windows long), live rows are
 * evaluated on several threads, and `dmcheck merge` of the reports of
 * `verify --shard I/N` is the single run's report. Runs the built CLI on a
 * seeded candidate with every kind of row the report distinguishes: exact
 * rows, rows some ULPs off (ties in the worst list included), over-budget
 * rows, NaN and sign errors, excluded rows and rows with their own inputs
 * (evaluated live). The expected report is the single run's, so the check is
 * "the split changes nothing"; its negative control merges a shard whose
 * counts were tampered with, which must change the report. */
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
#include <sys/stat.h>

#include "cli_run.h"
#include "dmcheck.h"
#include "prop.h"
#include "suites.h"
#include "vecfile.h"

#define PROGRAM "test_shard"
#define SUITE "gauss_score"
#define CLAIM "vectors.verify.scale"
#define ROWS 60000   /* about 3 MB of CSV: three reader windows */
#define LIVE_EVERY 97

typedef struct {
  unsigned long seed;
  dmc_evidence *ev;
  cli_runner r;
  char vectors[PATH_MAX + 16], cand[PATH_MAX + 16];
  const dmc_suite *s;
  vec_table t;
} fixture;

static uint64_t next_u64(uint64_t *x)
{
  uint64_t z = (*x += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

/* v moved k steps of binary64 (k may be negative). */
static double steps(double v, int k)
{
  for (; k > 0; k--) v = nextafter(v, INFINITY);
  for (; k < 0; k++) v = nextafter(v, -INFINITY);
  return v;
}

/* The candidate: inputs given on every row (so live rows can be mixed in),
 * outputs the stored values perturbed by a seeded mix of errors. */
static int write_candidate(fixture *fx)
{
  FILE *f = fopen(fx->cand, "w");
  if (!f) return -1;
  uint64_t st = fx->seed;
  fprintf(f, "# test_shard candidate, seed %lu\nx_hex,mu_hex,sigma_hex,score,logpdf_hex\n", fx->seed);
  for (size_t i = 0; i < ROWS; i++) {
    size_t r = (size_t)(next_u64(&st) % fx->t.nrows);
    const double *in = fx->t.in + 3 * r, *out = fx->t.out + 2 * r;
    double x = in[0], sc = out[0], lp = out[1];
    if (i % LIVE_EVERY == 5) { /* own inputs: evaluated live */
      x = nextafter(x, INFINITY);
      dmc_gauss_score(x, in[1], in[2], &sc);
      dmc_gauss_logpdf(x, in[1], in[2], &lp);
    }
    unsigned kind = (unsigned)(next_u64(&st) % 100);
    if (kind < 10) sc = steps(sc, 1 + (int)(kind % 4));           /* 1-4 ULP: ties in the worst list */
    else if (kind < 12) lp = steps(lp, -(int)(50 + kind));         /* over budget */
    else if (kind == 12) sc = NAN;                                 /* a NaN where a number is due */
    else if (kind == 13 && sc != 0) sc = -sc;                      /* a sign error */
    if (kind == 14) fprintf(f, "# a comment line between rows\n");
    fprintf(f, "%a,%a,%a,%.17g,%a\n", x, in[1], in[2], sc, lp);
  }
  return fclose(f);
}

static int setup(void **state)
{
  fixture *fx = calloc(1, sizeof *fx);
  if (!fx) return -1;
  fx->seed = prop_seed(PROGRAM);
  fx->ev = evidence_open(PROGRAM);
  fx->s = dmc_suite_find(SUITE);
  if (!fx->ev || !fx->s || cli_runner_open(&fx->r, PROGRAM)) return -1;
  snprintf(fx->vectors, sizeof fx->vectors, "%s/vectors", fx->r.dir);
  cli_path(&fx->r, "cand.csv", fx->cand, sizeof fx->cand);
  char err[512];
  if (mkdir(fx->vectors, 0755) || vecfile_compute(fx->s, &fx->t, NULL, NULL, err, sizeof err)) return -1;
  if (fx->r.cli[0]) {
    char out[PATH_MAX + 64];
    snprintf(out, sizeof out, "%s/%s.csv", fx->vectors, SUITE);
    if (cli_run(&fx->r, NULL, "ref", SUITE, "-o", out, (char *)NULL) || write_candidate(fx)) return -1;
  }
  *state = fx;
  return 0;
}

static int teardown(void **state)
{
  fixture *fx = *state;
  if (!fx) return 0;
  cli_runner_close(&fx->r);
  vec_table_free(&fx->t);
  int status = evidence_close(fx->ev);
  free(fx);
  return status ? -1 : 0;
}

#define NEED_CLI(fx) do { if (!(fx)->r.cli[0]) fail_msg("the dmcheck CLI is not built (make)"); } while (0)

static const char *const FORMATS[] = { "text", "json", "junit" };

/* verify of the candidate (the common options, then extra ones) into out. */
static int verify_to(fixture *fx, const char *out, const char *format, const char *a, const char *b, const char *c)
{
  return cli_run(&fx->r, NULL, "verify", SUITE, fx->cand, "--vectors", fx->vectors, "--worst", "7",
                 "--budget-ulp", "score=3", "--exclude", "100-199:a test exclusion", "--format", format, "-o", out,
                 a, b, c, (char *)NULL);
}

/* The single run's reports, one per format, in DIR/single.FORMAT. */
static int single_runs(fixture *fx, int *exit_status)
{
  for (int f = 0; f < 3; f++) {
    char out[PATH_MAX + 64];
    snprintf(out, sizeof out, "%s/single.%s", fx->r.dir, FORMATS[f]);
    int st = verify_to(fx, out, FORMATS[f], "--threads", "1", NULL);
    if (st != 0 && st != 1) return -1;
    exit_status[f] = st;
  }
  return 0;
}

/* The n shards of the run in DIR/shard<n>_<i>.json; 0 or the failing exit status. */
static int shard_runs(fixture *fx, int n, char paths[][PATH_MAX + 64])
{
  for (int i = 0; i < n; i++) {
    char spec[32];
    snprintf(spec, sizeof spec, "%d/%d", i, n);
    snprintf(paths[i], PATH_MAX + 64, "%s/shard%d_%d.json", fx->r.dir, n, i);
    int st = verify_to(fx, paths[i], "json", "--shard", spec, NULL);
    if (st != 0 && st != 1) return st;
  }
  return 0;
}

/* dmcheck merge of the n shards (in reverse order) in each format; the
 * number of formats whose report equals the single run's byte for byte and
 * whose exit status matches. */
static int merged_equal(fixture *fx, int n, char paths[][PATH_MAX + 64], const int *single_status)
{
  int same = 0;
  for (int f = 0; f < 3; f++) {
    char out[PATH_MAX + 64], want[PATH_MAX + 64];
    snprintf(out, sizeof out, "%s/merged%d.%s", fx->r.dir, n, FORMATS[f]);
    snprintf(want, sizeof want, "%s/single.%s", fx->r.dir, FORMATS[f]);
    const char *argv[16 + 8];
    int k = 0;
    argv[k++] = "merge";
    for (int i = n - 1; i >= 0; i--) argv[k++] = paths[i];
    argv[k++] = "--format"; argv[k++] = FORMATS[f]; argv[k++] = "-o"; argv[k++] = out;
    while (k < 24) argv[k++] = NULL;
    int st = cli_run(&fx->r, NULL, argv[0], argv[1], argv[2], argv[3], argv[4], argv[5], argv[6], argv[7], argv[8],
                     argv[9], argv[10], argv[11], argv[12], argv[13], argv[14], argv[15], argv[16], (char *)NULL);
    same += st == single_status[f] && cli_files_equal(out, want);
  }
  return same;
}

static void test_merge_equals_single(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  int single[3];
  PROP_CHECK(single_runs(fx, single) == 0, "the single run failed: %s", fx->r.err);
  static const int counts[] = { 1, 2, 3, 7 };
  char paths[7][PATH_MAX + 64];
  int ok = 1;
  char detail[512] = "";
  for (size_t c = 0; c < sizeof counts / sizeof *counts; c++) {
    int n = counts[c];
    int st = shard_runs(fx, n, paths);
    int same = st ? 0 : merged_equal(fx, n, paths, single);
    ok &= same == 3;
    snprintf(detail + strlen(detail), sizeof detail - strlen(detail), "%sN=%d: %d of 3 formats equal", c ? "; " : "",
             n, same);
  }
  char json[CLI_RUN_OUTBUF], path[PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/single.json", fx->r.dir);
  cli_read_file(path, json, sizeof json);
  int rich = strstr(json, "\"live_rows\": 0,") == NULL; /* live rows were mixed in */
  evidence_row(fx->ev, CLAIM, "behaviour", ok && single[0] == 1 && rich,
               "merge of N shard reports = the single run's report (text, JSON, JUnit)", ROWS, fx->seed,
               "%d rows (every %dth evaluated live, 100 excluded, 1-4 ULP errors, over-budget, NaN and sign errors), "
               "shards merged in reverse order: %s; single run exit %d", ROWS, LIVE_EVERY, detail, single[0]);
  PROP_CHECK(ok && single[0] == 1, "merge differs from the single run: %s (single exit %d)", detail, single[0]);

  /* the control: a shard whose counts were changed must change the report */
  char text[CLI_RUN_OUTBUF];
  cli_read_file(paths[1], text, sizeof text);
  char *p = strstr(text, "\"rows\": ");
  int detected = 0;
  if (p) {
    p[8] = p[8] == '9' ? '1' : (char)(p[8] + 1);
    char bad[PATH_MAX + 64];
    cli_write_file(&fx->r, "tampered.json", text, strlen(text), bad, sizeof bad);
    snprintf(paths[1], sizeof paths[1], "%s", bad);
    detected = merged_equal(fx, 7, paths, single) < 3;
  }
  evidence_row(fx->ev, CLAIM, "control", detected,
               "merge of N shard reports = the single run's report (text, JSON, JUnit)", ROWS, fx->seed,
               "shard 1 of 7 with its first row count changed: the merged report %s", detected ? "differs" : "is the SAME");
  PROP_CHECK(detected, "a tampered shard went unnoticed");
}

/* merge refuses what is not one whole run */
static void test_merge_refuses(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  char paths[3][PATH_MAX + 64], other[PATH_MAX + 64];
  PROP_CHECK(shard_runs(fx, 3, paths) == 0, "shards failed: %s", fx->r.err);
  snprintf(other, sizeof other, "%s/other.json", fx->r.dir);
  int st = cli_run(&fx->r, NULL, "verify", SUITE, fx->cand, "--vectors", fx->vectors, "--shard", "1/3", "--format",
                   "json", "-o", other, (char *)NULL); /* other budgets and exclusions */
  int ok = st == 0 || st == 1;
  struct { const char *why; int nargs; const char *a[3]; const char *msg; } cases[] = {
    { "a shard missing", 2, { paths[0], paths[2], NULL }, "give all 3" },
    { "a shard twice", 3, { paths[0], paths[0], paths[2] }, "given twice" },
    { "a shard of another run", 3, { paths[0], other, paths[2] }, "not a shard of the run" },
    { "not JSON", 3, { paths[0], fx->cand, paths[2] }, ":1:" },
  };
  int good = 0;
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    st = cli_run(&fx->r, NULL, "merge", cases[c].a[0], cases[c].a[1], cases[c].a[2], (char *)NULL);
    int one_line = strchr(fx->r.err, '\n') == fx->r.err + strlen(fx->r.err) - 1;
    good += st == 2 && one_line && strstr(fx->r.err, cases[c].msg) != NULL;
  }
  st = cli_run(&fx->r, NULL, "verify", SUITE, fx->cand, "--shard", "3/3", (char *)NULL);
  int bad_spec = st == 2 && strstr(fx->r.err, "--shard");
  st = cli_run(&fx->r, NULL, "verify", SUITE, fx->cand, "--shard", "0/2", "--save-baseline", "b.txt", (char *)NULL);
  int no_baseline = st == 2 && strstr(fx->r.err, "whole run");
  ok &= good == 4 && bad_spec && no_baseline;
  evidence_row(fx->ev, "vectors.verify.malformed", "behaviour", ok, "dmcheck merge refuses what is not one whole run",
               4, fx->seed, "%d of 4 bad merges refused with one line; --shard 3/3 %s; --shard with a baseline %s", good,
               bad_spec ? "refused" : "ACCEPTED", no_baseline ? "refused" : "ACCEPTED");
  PROP_CHECK(ok, "merge refusals: %d of 4, spec %d, baseline %d: %s", good, bad_spec, no_baseline, fx->r.err);
}

/* live rows on 1, 2 and 3 threads: the same report */
static void test_threads(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  char out[3][PATH_MAX + 64];
  int st[3], same = 1;
  for (int t = 0; t < 3; t++) {
    char n[8];
    snprintf(n, sizeof n, "%d", t + 1);
    snprintf(out[t], sizeof out[t], "%s/threads%d.json", fx->r.dir, t + 1);
    st[t] = verify_to(fx, out[t], "json", "--threads", n, NULL);
    if (t) same &= st[t] == st[0] && cli_files_equal(out[0], out[t]);
  }
  char json[CLI_RUN_OUTBUF];
  cli_read_file(out[0], json, sizeof json);
  const char *lr = strstr(json, "\"live_rows\": ");
  long live = lr ? strtol(lr + 13, NULL, 10) : 0;
  int ok = same && (st[0] == 0 || st[0] == 1) && live >= ROWS / LIVE_EVERY - 2;
  evidence_row(fx->ev, CLAIM, "behaviour", ok, "live evaluation on 1, 2 and 3 threads: the same report", ROWS,
               fx->seed, "%ld rows evaluated live; JSON reports %s", live, same ? "identical" : "DIFFER");
  PROP_CHECK(ok, "threads: same %d, exits %d %d %d, live %ld", same, st[0], st[1], st[2], live);
}

/* dmcheck merge of `dmcheck ref --shard I/N` = `dmcheck ref` */
static void test_ref_shards(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  static const char *const suites[] = { SUITE, "sched_cosine" };
  static const int counts[] = { 1, 3, 5 };
  int same = 0, total = 0;
  char single[PATH_MAX + 64], merged[PATH_MAX + 64], paths[5][PATH_MAX + 64];
  for (size_t k = 0; k < sizeof suites / sizeof *suites; k++) {
    snprintf(single, sizeof single, "%s/ref_single.csv", fx->r.dir);
    if (cli_run(&fx->r, NULL, "ref", suites[k], "-o", single, (char *)NULL)) fail_msg("ref %s: %s", suites[k], fx->r.err);
    for (size_t c = 0; c < sizeof counts / sizeof *counts; c++) {
      int n = counts[c];
      for (int i = 0; i < n; i++) {
        char spec[32];
        snprintf(spec, sizeof spec, "%d/%d", i, n);
        snprintf(paths[i], sizeof paths[i], "%s/ref_shard%d.csv", fx->r.dir, i);
        if (cli_run(&fx->r, NULL, "ref", suites[k], "--shard", spec, "-o", paths[i], (char *)NULL))
          fail_msg("ref --shard %s: %s", spec, fx->r.err);
      }
      snprintf(merged, sizeof merged, "%s/ref_merged.csv", fx->r.dir);
      int st = n == 1 ? cli_run(&fx->r, NULL, "merge", paths[0], "-o", merged, (char *)NULL)
         : n == 3 ? cli_run(&fx->r, NULL, "merge", paths[2], paths[0], paths[1], "-o", merged, (char *)NULL)
                  : cli_run(&fx->r, NULL, "merge", paths[4], paths[2], paths[0], paths[3], paths[1], "-o", merged,
                            (char *)NULL);
      same += st == 0 && cli_files_equal(merged, single);
      total++;
    }
  }
  /* the control: shard 1 of 3 with one row dropped is refused */
  char text[CLI_RUN_OUTBUF * 4];
  cli_read_file(paths[1], text, sizeof text);
  char *row = strrchr(text, '\n');
  int refused = 0;
  if (row && row > text) {
    *row = '\0';
    char *prev = strrchr(text, '\n');
    if (prev) prev[1] = '\0';
    char bad[PATH_MAX + 64];
    cli_write_file(&fx->r, "ref_dropped.csv", text, strlen(text), bad, sizeof bad);
    int st = cli_run(&fx->r, NULL, "merge", paths[0], bad, paths[2], paths[3], paths[4], "-o", merged, (char *)NULL);
    refused = st == 2 && strstr(fx->r.err, "ref_dropped.csv:") != NULL;
  }
  evidence_row(fx->ev, CLAIM, "behaviour", same == total, "merge of N ref shards = dmcheck ref", (unsigned long)total,
               fx->seed, "suites %s and sched_cosine, N = 1, 3, 5, shards given out of order: %d of %d merged files "
               "equal dmcheck ref's", SUITE, same, total);
  evidence_row(fx->ev, CLAIM, "control", refused, "merge of N ref shards = dmcheck ref", 1, fx->seed,
               "a shard with its last row dropped: %s", refused ? "refused, naming the file" : "ACCEPTED");
  PROP_CHECK(same == total && refused, "ref shards: %d of %d equal; dropped row refused %d: %s", same, total, refused,
             fx->r.err);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_merge_equals_single),
    cmocka_unit_test(test_merge_refuses),
    cmocka_unit_test(test_threads),
    cmocka_unit_test(test_ref_shards),
  };
  return cmocka_run_group_tests_name(PROGRAM, tests, setup, teardown);
}
