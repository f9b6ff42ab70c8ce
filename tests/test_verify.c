/* test_verify.c -- D9: `dmcheck ref` and `dmcheck verify` (claims vectors.*).
 * Runs the built CLI (../bin/dmcheck next to this program's directory, or
 * $DMC_CLI) on candidate files written here, in a private temporary
 * directory that also holds the suite's vectors (--vectors). Expected values
 * are computed here independently of the CLI: the suite's rows in-process,
 * format roundings with MPFR, ULP distances with dmc_ulp_distance. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <mpfr.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_run.h"
#include "dmcheck.h"
#include "prop.h"
#include "suites.h"
#include "vecfile.h"

#define PROGRAM "test_verify"
#define SUITE "gauss_score"
#define SCHED_SUITE "sched_linear"   /* the schedule suite of reference/suite_sched.c */

typedef struct {
  unsigned long seed;
  dmc_evidence *ev;
  cli_runner r;
  char vectors[PATH_MAX + 16];
  const dmc_suite *s;
  vec_table t;
  const dmc_suite *sched;   /* SCHED_SUITE if registered with the columns used here */
  vec_table st;
  int col_alphabar, col_sqrt1m;
} fixture;

static void path_in(const fixture *fx, const char *name, char *buf, size_t len)
{
  cli_path(&fx->r, name, buf, len);
}

/* verify SUITE FILE with --vectors and extra options, JSON report. */
static int verify_json(fixture *fx, const char *suite, const char *file, const char *dtype, const char *budget)
{
  return cli_run(&fx->r, NULL, "verify", suite, file, "--vectors", fx->vectors, "--format", "json",
                 "--dtype", dtype, "--budget-ulp", budget, "--worst", "5", (char *)NULL);
}

/* A number after "key": within the JSON object of output `name`; null is
 * infinity, a missing key NaN. */
static double json_output_value(const char *json, const char *name, const char *key)
{
  char pat[128];
  snprintf(pat, sizeof pat, "{\"name\": \"%s\"", name);
  const char *o = strstr(json, pat);
  if (!o) return NAN;
  snprintf(pat, sizeof pat, "\"%s\": ", key);
  const char *k = strstr(o, pat);
  if (!k) return NAN;
  k += strlen(pat);
  if (!strncmp(k, "null", 4)) return INFINITY;
  return strtod(k, NULL);
}

/* The ids of the worst rows listed for output `name` (at most max). */
static int json_worst_ids(const char *json, const char *name, long *ids, int max)
{
  char pat[128];
  snprintf(pat, sizeof pat, "{\"name\": \"%s\"", name);
  const char *o = strstr(json, pat);
  if (!o) return 0;
  const char *end = strstr(o + 1, "{\"name\": ");
  int n = 0;
  for (const char *p = strstr(o, "\"id\": "); p && (!end || p < end) && n < max; p = strstr(p + 1, "\"id\": "))
    ids[n++] = strtol(p + 6, NULL, 10);
  return n;
}

/* ---- fixture ------------------------------------------------------------ */

static int column_of(const char *const *names, int n, const char *name)
{
  for (int i = 0; i < n; i++)
    if (!strcmp(names[i], name)) return i;
  return -1;
}

/* The schedule suite, written by the CLI into the private vectors directory
 * and read back; fx->sched stays NULL if it is not registered (the schedule
 * tests then use gauss_score's row index instead). */
static void find_sched(fixture *fx)
{
  const dmc_suite *s = dmc_suite_find(SCHED_SUITE);
  if (!s || s->ninputs != 2 || column_of(s->input_names, 2, "T") != 0 || column_of(s->input_names, 2, "t") != 1)
    return;
  fx->col_alphabar = column_of(s->output_names, s->noutputs, "alphabar");
  fx->col_sqrt1m = column_of(s->output_names, s->noutputs, "sqrt_one_minus_alphabar");
  if (fx->col_alphabar < 0 || fx->col_sqrt1m < 0) return;
  char out[PATH_MAX + 64], err[1200];
  snprintf(out, sizeof out, "%s/%s.csv", fx->vectors, SCHED_SUITE);
  if (cli_run(&fx->r, NULL, "ref", SCHED_SUITE, "-o", out, (char *)NULL) != 0) return;
  if (vecfile_load(out, s, &fx->st, err, sizeof err)) { fprintf(stderr, "%s: %s\n", PROGRAM, err); return; }
  fx->sched = s;
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
  if (mkdir(fx->vectors, 0755)) return -1;
  char err[512];
  if (vecfile_compute(fx->s, &fx->t, NULL, NULL, err, sizeof err)) {
    fprintf(stderr, "%s: %s\n", PROGRAM, err);
    return -1;
  }
  if (fx->r.cli[0]) {
    char out[PATH_MAX + 64];
    snprintf(out, sizeof out, "%s/%s.csv", fx->vectors, SUITE);
    cli_run(&fx->r, NULL, "ref", SUITE, "-o", out, (char *)NULL);
    find_sched(fx);
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
  vec_table_free(&fx->st);
  int status = evidence_close(fx->ev);
  free(fx);
  return status ? -1 : 0;
}

#define NEED_CLI(fx) do { if (!(fx)->r.cli[0]) fail_msg("the dmcheck CLI is not built (make)"); } while (0)

static const double *row_out(const fixture *fx, size_t r) { return fx->t.out + r * (size_t)fx->s->noutputs; }
static const double *row_in(const fixture *fx, size_t r) { return fx->t.in + r * (size_t)fx->s->ninputs; }

static int same_double(double a, double b)
{
  return (isnan(a) && isnan(b)) || (a == b && signbit(a) == signbit(b));
}

/* ---- vectors.format.roundtrip ------------------------------------------- */

/* Reads the stored file with plain fgets/strtod (not the vecfile reader):
 * returns the number of values equal to the in-process rows, both columns. */
static size_t independent_read(const fixture *fx, const char *path, size_t *values)
{
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  static char line[8192];
  size_t good = 0, r = 0;
  int header = 1, ni = fx->s->ninputs, no = fx->s->noutputs;
  *values = 0;
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#') continue;
    if (header) { header = 0; continue; }
    char *save, *tok = strtok_r(line, ",\n", &save);
    if (!tok || strtoul(tok, NULL, 10) != r || r >= fx->t.nrows) break;
    for (int c = 0; c < ni + no; c++) {
      double want = c < ni ? row_in(fx, r)[c] : row_out(fx, r)[c - ni];
      for (int twin = 0; twin < 2; twin++) {
        tok = strtok_r(NULL, ",\n", &save);
        (*values)++;
        if (tok && same_double(strtod(tok, NULL), want)) good++;
      }
    }
    r++;
  }
  fclose(f);
  return good;
}

static void test_roundtrip(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  char stored[PATH_MAX + 64], again[PATH_MAX + 64], tmpd[PATH_MAX + 64], missing[PATH_MAX + 64];
  snprintf(stored, sizeof stored, "%s/%s.csv", fx->vectors, SUITE);
  path_in(fx, "again.csv", again, sizeof again);
  int st = cli_run(&fx->r, NULL, "ref", SUITE, "-o", again, (char *)NULL);
  int same = st == 0 && cli_files_equal(stored, again);
  evidence_row(fx->ev, "vectors.format.roundtrip", "behaviour", same, "dmcheck ref twice: byte-identical files",
               1, fx->seed, "suite %s, exit %d", SUITE, st);
  PROP_CHECK(same, "dmcheck ref %s twice gave different files (exit %d): %s %s", SUITE, st, stored, again);

  vec_table t;
  char err[1200];
  int loaded = vecfile_load(stored, fx->s, &t, err, sizeof err) == 0;
  size_t mism = 0;
  for (size_t r = 0; loaded && r < t.nrows; r++) {
    for (int i = 0; i < fx->s->ninputs; i++) mism += !same_double(t.in[r * 3 + (size_t)i], row_in(fx, r)[i]);
    for (int i = 0; i < fx->s->noutputs; i++)
      mism += !same_double(t.out[r * 2 + (size_t)i], row_out(fx, r)[i]);
  }
  if (loaded) vec_table_free(&t);
  size_t values = 0, good = independent_read(fx, stored, &values);
  size_t want = fx->t.nrows * 2 * (size_t)(fx->s->ninputs + fx->s->noutputs);
  int ok = loaded && !mism && values == want && good == want;
  evidence_row(fx->ev, "vectors.format.roundtrip", "behaviour", ok, "hex and decimal columns read back to the computed doubles",
               (unsigned long)want, fx->seed, "%zu of %zu values equal (independent strtod reader), vecfile_load %s, %zu mismatches",
               good, want, loaded ? "ok" : err, mism);
  PROP_CHECK(ok, "read-back: %zu of %zu values equal, %zu reader mismatches, load: %s", good, want, mism, loaded ? "ok" : err);

  /* a failed ref leaves the existing file unchanged */
  st = cli_run(&fx->r, NULL, "ref", "no_such_suite", "-o", again, (char *)NULL);
  int kept = st == 2 && cli_files_equal(stored, again);
  path_in(fx, "subdir", tmpd, sizeof tmpd);
  mkdir(tmpd, 0755);
  int st2 = cli_run(&fx->r, NULL, "ref", SUITE, "-o", tmpd, (char *)NULL); /* a directory is refused */
  struct stat sb;
  kept &= st2 == 2 && !stat(tmpd, &sb) && S_ISDIR(sb.st_mode);
  path_in(fx, "nodir/x.csv", missing, sizeof missing);
  int st3 = cli_run(&fx->r, NULL, "ref", SUITE, "-o", missing, (char *)NULL);
  kept &= st3 == 1 && stat(missing, &sb) != 0;
  evidence_row(fx->ev, "vectors.format.roundtrip", "behaviour", kept, "a failed dmcheck ref -o FILE leaves FILE unchanged",
               3, fx->seed, "unknown suite exit %d, a directory as FILE exit %d, missing directory exit %d", st, st2, st3);
  PROP_CHECK(kept, "failed ref runs: exits %d %d %d or files changed", st, st2, st3);
}

/* ---- vectors.suite.gauss ---------------------------------------------- */

static void test_suite_cross(void **state)
{
  fixture *fx = *state;
  const dmc_suite *s = fx->s;
  size_t differ = 0, bad = 0, subnormal = 0, equal = 0, near_zero = 0;
  char first[512] = "";
  for (size_t r = 0; r < fx->t.nrows; r++) {
    const double *in = row_in(fx, r), *out = row_out(fx, r);
    double cross[DMC_SUITE_MAX_COLS];
    int st = s->cross(in, cross);
    bad += st != 0;
    for (int i = 0; i < s->noutputs; i++)
      if (!same_double(cross[i], out[i])) {
        if (!differ++)
          snprintf(first, sizeof first, "row %zu x=%a mu=%a sigma=%a: %s eval %a cross %a", r, in[0], in[1], in[2],
                   s->output_names[i], out[i], cross[i]);
      }
    subnormal += in[2] < 0x1p-1022;
    equal += in[0] == in[1];
    near_zero += fabs(out[1]) < 0x1p-20;
  }
  int ok = !differ && !bad && subnormal && equal && near_zero;
  evidence_row(fx->ev, "vectors.suite.gauss", "vectors", ok, "eval and the independent cross evaluation agree on every row",
               (unsigned long)(fx->t.nrows * 2), fx->seed,
               "%zu rows x 2 outputs; %zu differ, %zu unproved; hard regions: %zu subnormal sigma, %zu x==mu, %zu |logpdf|<2^-20%s%s",
               fx->t.nrows, differ, bad, subnormal, equal, near_zero, differ ? "; first: " : "", first);
  PROP_CHECK(ok, "cross check: %zu differ, %zu unproved, regions %zu/%zu/%zu; %s", differ, bad, subnormal, equal, near_zero, first);
}

/* ---- vectors.verify.passes --------------------------------------------- */

typedef struct { const char *name; int prec, emin, emax; } fmt;
static const fmt formats[] = {
  { "float64", 53, -1022, 1023 }, { "float32", 24, -126, 127 },
  { "float16", 11, -14, 15 }, { "bfloat16", 8, -126, 127 },
};

/* d rounded to the format with MPFR (exponent range emulated, subnormals
 * with mpfr_subnormalize), then moved `steps` values up. */
static double mpfr_format(const fmt *f, double d, int steps)
{
  if (!isfinite(d)) return d;
  mpfr_exp_t emin = mpfr_get_emin(), emax = mpfr_get_emax();
  mpfr_set_emin(f->emin - f->prec + 2);
  mpfr_set_emax(f->emax + 1);
  mpfr_t m;
  mpfr_init2(m, f->prec);
  int inex = mpfr_set_d(m, d, MPFR_RNDN);
  inex = mpfr_check_range(m, inex, MPFR_RNDN);
  mpfr_subnormalize(m, inex, MPFR_RNDN);
  for (int k = 0; k < steps && !mpfr_inf_p(m); k++) {
    /* nextabove in the subnormal range must step by the subnormal spacing */
    mpfr_t ulp;
    mpfr_init2(ulp, f->prec);
    mpfr_exp_t e = mpfr_zero_p(m) ? f->emin - f->prec + 2 : mpfr_get_exp(m);
    if (e < f->emin + 1) e = f->emin + 1;
    mpfr_set_ui_2exp(ulp, 1, e - f->prec, MPFR_RNDN);
    if (mpfr_sgn(m) < 0 && mpfr_get_exp(m) > f->emin + 1 && mpfr_cmp_si_2exp(m, -1, mpfr_get_exp(m) - 1) == 0)
      mpfr_div_2ui(ulp, ulp, 1, MPFR_RNDN); /* -2^k: the step up lands in the binade below */
    inex = mpfr_add(m, m, ulp, MPFR_RNDN);
    inex = mpfr_check_range(m, inex, MPFR_RNDN);
    mpfr_clear(ulp);
  }
  double r = mpfr_get_d(m, MPFR_RNDN);
  mpfr_clear(m);
  mpfr_set_emin(emin);
  mpfr_set_emax(emax);
  return r;
}

static int write_outputs_candidate(fixture *fx, const char *path, const fmt *f, int steps)
{
  FILE *c = fopen(path, "w");
  if (!c) return -1;
  fprintf(c, "# candidate: the suite's values rounded to %s, moved %d steps\nid,score_hex,logpdf\n", f->name, steps);
  for (size_t r = 0; r < fx->t.nrows; r++) {
    const double *o = row_out(fx, r);
    double a = mpfr_format(f, o[0], steps), b = mpfr_format(f, o[1], steps);
    fprintf(c, "%zu,%a,%.17g\n", r, a, b);
  }
  return fclose(c);
}

static void test_passes(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  char path[PATH_MAX + 64];
  int all = 1;
  for (size_t k = 0; k < sizeof formats / sizeof *formats; k++) {
    const fmt *f = &formats[k];
    path_in(fx, "exact.csv", path, sizeof path);
    write_outputs_candidate(fx, path, f, 0);
    int st0 = verify_json(fx, SUITE, path, f->name, "0");
    double m0 = fmax(json_output_value(fx->r.out, "score", "max_ulp"), json_output_value(fx->r.out, "logpdf", "max_ulp"));
    /* and no relative error: the reference is compared once rounded to the format */
    double r0 = fmax(json_output_value(fx->r.out, "score", "max_rel_err"),
                     json_output_value(fx->r.out, "logpdf", "max_rel_err"));
    path_in(fx, "moved.csv", path, sizeof path);
    write_outputs_candidate(fx, path, f, 2);
    int st2 = verify_json(fx, SUITE, path, f->name, "1");
    double m2s = json_output_value(fx->r.out, "score", "max_ulp"), m2l = json_output_value(fx->r.out, "logpdf", "max_ulp");
    int st3 = verify_json(fx, SUITE, path, f->name, "2");
    int ok = st0 == 0 && m0 == 0 && r0 == 0 && st2 == 1 && m2s == 2 && m2l == 2 && st3 == 0;
    all &= ok;
    evidence_row(fx->ev, "vectors.verify.passes", "behaviour", ok, "correctly rounded candidate 0 ULP; moved 2 steps = 2 ULP",
                 (unsigned long)fx->t.nrows, fx->seed,
                 "dtype %s: rounded with MPFR: exit %d, max %g ULP, max relative error %g; moved 2 steps: exit %d "
                 "(budget 1), max %g/%g ULP, exit %d (budget 2)",
                 f->name, st0, m0, r0, st2, m2s, m2l, st3);
    PROP_CHECK(ok, "%s: exact exit %d max %g rel %g; moved exit %d max %g/%g; budget-2 exit %d; stderr: %s",
               f->name, st0, m0, r0, st2, m2s, m2l, st3, fx->r.err);
  }

  /* the candidate brings its own inputs (not the stored ones): live MPFR,
   * values from libdmcheck (budgets 0 and 1 ULP in tests/budgets.tsv) */
  path_in(fx, "live.csv", path, sizeof path);
  FILE *c = fopen(path, "w");
  PROP_CHECK(c != NULL, "cannot write %s", path);
  fprintf(c, "x,mu,sigma_hex,score,logpdf\n");
  size_t n = 0;
  for (size_t r = 0; r < fx->t.nrows; r += 16) {
    const double *in = row_in(fx, r);
    double x = nextafter(in[0], INFINITY), s, l;
    dmc_gauss_score(x, in[1], in[2], &s);
    dmc_gauss_logpdf(x, in[1], in[2], &l);
    fprintf(c, "%a,%.17g,%a,%a,%a\n", x, in[1], in[2], s, l);
    n++;
  }
  fclose(c);
  int st = verify_json(fx, SUITE, path, "float64", "1");
  double live = 0;
  const char *p = strstr(fx->r.out, "\"live_rows\": ");
  if (p) live = strtod(p + 13, NULL);
  int ok = st == 0 && live == (double)n;
  all &= ok;
  evidence_row(fx->ev, "vectors.verify.passes", "behaviour", ok, "candidate inputs evaluated live with MPFR",
               (unsigned long)n, fx->seed, "libdmcheck at x+1ulp on every 16th row: exit %d, %g of %zu rows live, max %g/%g ULP",
               st, live, n, json_output_value(fx->r.out, "score", "max_ulp"), json_output_value(fx->r.out, "logpdf", "max_ulp"));
  PROP_CHECK(ok, "live candidate: exit %d, %g of %zu live rows; stderr %s", st, live, n, fx->r.err);
  (void)all;
}

/* ---- vectors.verify.detects ------------------------------------------ */

static void test_detects_sign(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  char path[PATH_MAX + 64];
  path_in(fx, "sign.csv", path, sizeof path);
  FILE *c = fopen(path, "w");
  PROP_CHECK(c != NULL, "cannot write %s", path);
  size_t phase = fx->seed % 97, flipped = 0;
  fprintf(c, "id,score\n");
  for (size_t r = 0; r < fx->t.nrows; r++) {
    double s = row_out(fx, r)[0];
    if (r % 97 == phase) { flipped += s != 0; s = -s; }
    fprintf(c, "%zu,%.17g\n", r, s);
  }
  fclose(c);
  int st = verify_json(fx, SUITE, path, "float64", "1");
  double over = json_output_value(fx->r.out, "score", "over_budget");
  long ids[5];
  int nids = json_worst_ids(fx->r.out, "score", ids, 5), named = nids > 0;
  for (int i = 0; i < nids; i++) named &= (size_t)ids[i] % 97 == phase;
  char xml[PATH_MAX + 64];
  path_in(fx, "report.xml", xml, sizeof xml);
  int stj = cli_run(&fx->r, NULL, "verify", SUITE, path, "--vectors", fx->vectors, "--format", "junit", "-o", xml, (char *)NULL);
  cli_read_file(xml, fx->r.out, sizeof fx->r.out);
  int junit = stj == 1 && strstr(fx->r.out, "failures=\"1\"") && strstr(fx->r.out, "<failure");
  int ok = st == 1 && over == (double)flipped && named && junit;
  evidence_row(fx->ev, "vectors.verify.detects", "behaviour", ok, "sign error in the score",
               (unsigned long)fx->t.nrows, fx->seed,
               "score negated on rows r %% 97 == %zu (%zu nonzero): exit %d, %g rows over budget, worst ids all flipped: %s; junit exit %d",
               phase, flipped, st, over, named ? "yes" : "no", stj);
  PROP_CHECK(ok, "sign error: exit %d, over %g (want %zu), named %d, junit exit %d", st, over, flipped, named, stj);
}

/* Row r reports the outputs of row r-1: an off-by-one in the row index. */
static void test_detects_offbyone(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  char path[PATH_MAX + 64];
  path_in(fx, "shift.csv", path, sizeof path);
  FILE *c = fopen(path, "w");
  PROP_CHECK(c != NULL, "cannot write %s", path);
  fprintf(c, "id,score,logpdf\n");
  size_t want[2] = { 0, 0 };
  for (size_t r = 1; r < fx->t.nrows; r++) {
    const double *prev = row_out(fx, r - 1), *cur = row_out(fx, r);
    for (int i = 0; i < 2; i++) want[i] += dmc_ulp_distance(prev[i], cur[i]) > 1;
    fprintf(c, "%zu,%a,%a\n", r, prev[0], prev[1]);
  }
  fclose(c);
  int st = verify_json(fx, SUITE, path, "float64", "1");
  double o0 = json_output_value(fx->r.out, "score", "over_budget"), o1 = json_output_value(fx->r.out, "logpdf", "over_budget");
  int ok = st == 1 && o0 == (double)want[0] && o1 == (double)want[1];
  evidence_row(fx->ev, "vectors.verify.detects", "behaviour", ok, "off-by-one in the row index",
               (unsigned long)fx->t.nrows, fx->seed,
               "suite %s, row r given row r-1's outputs: exit %d; over budget score %g (expected %zu), logpdf %g (expected %zu)",
               SUITE, st, o0, want[0], o1, want[1]);
  PROP_CHECK(ok, "off-by-one: exit %d, over %g/%g, expected %zu/%zu", st, o0, o1, want[0], want[1]);
}

/* The log-density computed in binary32 as -log(sigma) - log(2 pi)/2 - z^2/2:
 * near its zeros the terms cancel. The candidate brings its (binary32)
 * inputs, so the reference is evaluated live at exactly those inputs. */
static void test_detects_float32(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  char path[PATH_MAX + 64];
  path_in(fx, "f32.csv", path, sizeof path);
  FILE *c = fopen(path, "w");
  PROP_CHECK(c != NULL, "cannot write %s", path);
  fprintf(c, "# log-density in float32\nx,mu,sigma,logpdf\n");
  size_t n = 0;
  for (size_t r = 0; r < fx->t.nrows; r++) {
    if (r % 8 != 0 && r % 8 != 4) continue; /* ordinary rows and rows near the zeros */
    const double *in = row_in(fx, r);
    float x = (float)in[0], mu = (float)in[1], sg = (float)in[2];
    float z = (x - mu) / sg;
    float half_log_2pi = 0.918938533f;
    float l = -logf(sg) - half_log_2pi - 0.5f * z * z;
    fprintf(c, "%a,%a,%a,%a\n", (double)x, (double)mu, (double)sg, (double)l);
    n++;
  }
  fclose(c);
  int st = verify_json(fx, SUITE, path, "float32", "1");
  double over = json_output_value(fx->r.out, "logpdf", "over_budget"), mx = json_output_value(fx->r.out, "logpdf", "max_ulp");
  /* where: every listed worst row is one near a zero of the log-density */
  int nworst = 0, near = 1;
  const char *obj = strstr(fx->r.out, "{\"name\": \"logpdf\"");
  for (const char *p = obj ? strstr(obj, "\"reference\": \"") : NULL; p; p = strstr(p + 1, "\"reference\": \"")) {
    double ref = strtod(p + 14, NULL);
    nworst++;
    near &= fabs(ref) < 0.25;
  }
  int ok = st == 1 && over > 0 && nworst == 5 && near;
  evidence_row(fx->ev, "vectors.verify.detects", "behaviour", ok, "binary32 cancellation near the zeros of the log-density",
               (unsigned long)n, fx->seed,
               "%zu rows (ordinary and near-zero regions), dtype float32: exit %d, %g rows over 1 ULP, max %g ULP; "
               "all %d worst rows have |logpdf| < 0.25: %s",
               n, st, over, mx, nworst, near ? "yes" : "no");
  PROP_CHECK(ok, "float32: exit %d, over %g, max %g, worst %d near %d; stderr %s", st, over, mx, nworst, near, fx->r.err);
}

/* The schedule suite: candidate (T, t) rows that report alphabar_{t-1} for
 * alphabar_t, an off-by-one in the schedule index. */
static void test_detects_sched_offbyone(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  if (!fx->sched) { fprintf(stderr, "%s: suite %s not registered; skipped\n", PROGRAM, SCHED_SUITE); skip(); }
  char path[PATH_MAX + 64];
  path_in(fx, "sched_shift.csv", path, sizeof path);
  FILE *c = fopen(path, "w");
  PROP_CHECK(c != NULL, "cannot write %s", path);
  fprintf(c, "T,t,alphabar\n");
  int no = fx->sched->noutputs, a = fx->col_alphabar;
  size_t n = 0, want = 0;
  for (size_t r = 1; r < fx->st.nrows; r++) {
    const double *in = fx->st.in + 2 * r, *prev = fx->st.in + 2 * (r - 1);
    if (prev[0] != in[0] || prev[1] != in[1] - 1) continue;
    double shifted = fx->st.out[(r - 1) * (size_t)no + (size_t)a], right = fx->st.out[r * (size_t)no + (size_t)a];
    want += dmc_ulp_distance(shifted, right) > 1;
    fprintf(c, "%.17g,%.17g,%a\n", in[0], in[1], shifted);
    n++;
  }
  fclose(c);
  int st = verify_json(fx, SCHED_SUITE, path, "float64", "1");
  double over = json_output_value(fx->r.out, "alphabar", "over_budget");
  const char *p = strstr(fx->r.out, "\"live_rows\": ");
  double live = p ? strtod(p + 13, NULL) : -1;
  int ok = st == 1 && over == (double)want && live == 0;
  evidence_row(fx->ev, "vectors.verify.detects", "behaviour", ok, "off-by-one in the schedule index",
               (unsigned long)n, fx->seed,
               "suite %s, %zu (T, t) rows given alphabar_{t-1}: exit %d, %g rows over 1 ULP (expected %zu), %g rows live",
               SCHED_SUITE, n, st, over, want, live);
  PROP_CHECK(ok, "schedule off-by-one: exit %d, over %g (want %zu), live %g; %s", st, over, want, live, fx->r.err);
}

/* sqrt(1 - alphabar) in binary32 as numpy code writes it (betas by the
 * linspace formula, cumulative product, 1 - alphabar): 1 - alphabar cancels
 * where alphabar is near 1, at small t. */
static void test_detects_sched_float32(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  if (!fx->sched) { fprintf(stderr, "%s: suite %s not registered; skipped\n", PROGRAM, SCHED_SUITE); skip(); }
  char path[PATH_MAX + 64];
  path_in(fx, "sched_f32.csv", path, sizeof path);
  FILE *c = fopen(path, "w");
  PROP_CHECK(c != NULL, "cannot write %s", path);
  fprintf(c, "T,t,sqrt_one_minus_alphabar\n");
  size_t n = 0;
  float abar = 1.0f;
  long T_prev = -1, t_prev = 0;
  for (size_t r = 0; r < fx->st.nrows; r++) {
    long T = (long)fx->st.in[2 * r], t = (long)fx->st.in[2 * r + 1];
    if (T != T_prev) { abar = 1.0f; t_prev = 0; T_prev = T; }
    for (long k = t_prev + 1; k <= t; k++) {
      float beta = 1e-4f + (0.02f - 1e-4f) * (float)(k - 1) / (float)(T - 1);
      abar *= 1.0f - beta;
    }
    t_prev = t;
    fprintf(c, "%ld,%ld,%a\n", T, t, (double)sqrtf(1.0f - abar));
    n++;
  }
  fclose(c);
  int st = verify_json(fx, SCHED_SUITE, path, "float32", "1");
  double over = json_output_value(fx->r.out, "sqrt_one_minus_alphabar", "over_budget");
  double mx = json_output_value(fx->r.out, "sqrt_one_minus_alphabar", "max_ulp");
  /* where: the worst rows are those with alphabar near 1 (t small) */
  int nworst = 0, where = 1;
  double worst_t = 0;
  const char *key = "\"inputs\": {\"T\": \"";
  for (const char *p = strstr(fx->r.out, key); p; p = strstr(p + 1, key)) {
    const char *q = strstr(p, "\"t\": \"");
    double T = strtod(p + strlen(key), NULL), t = q ? strtod(q + 6, NULL) : -1;
    nworst++;
    where &= t >= 1 && t <= T / 10;
    if (t > worst_t) worst_t = t;
  }
  int ok = st == 1 && over > 0 && nworst == 5 && where;
  evidence_row(fx->ev, "vectors.verify.detects", "behaviour", ok, "binary32 sqrt(1 - alphabar) cancellation at small t",
               (unsigned long)n, fx->seed,
               "suite %s, %zu rows, numpy-style float32 cumprod: exit %d, %g rows over 1 ULP, max %g ULP; "
               "the 5 worst rows have t <= T/10: %s (largest t among them %g)",
               SCHED_SUITE, n, st, over, mx, where ? "yes" : "no", worst_t);
  PROP_CHECK(ok, "schedule float32: exit %d, over %g, max %g, worst %d, where %d; %s", st, over, mx, nworst, where, fx->r.err);
}

/* ---- vectors.verify.malformed ------------------------------------------ */

typedef struct { const char *what, *content, *pos; } malformed;

static const malformed cases[] = {
  { "bad number", "id,score\n0,1.5\n1,1.5e\n", "3:3" },
  { "missing field", "# c\nid,score,logpdf\n0,1,2\n1,2\n", "4:4" },
  { "too many fields", "id,score\n0,1,2\n", "2:5" },
  { "unterminated quote", "id,score\n0,\"1.5\n", "2:3" },
  { "empty file", "", "1:1" },
  { "unknown column", "id,scores\n0,1\n", "1:4" },
  { "duplicate column", "id,score,score\n0,1,1\n", "1:10" },
  { "text after a quote", "id,score\n0,\"1\"x\n", "2:6" },
  { "some inputs only", "x,mu,score\n1,2,3\n", "1:1" },
  { "id out of range", "id,score\n4096,1\n", "2:1" },
  { "no data rows", "id,score\n# nothing\n", "2:1" }, /* the last line, not one past it */
  { "no output column", "id\n0\n", "1:1" },
};

static void test_malformed(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  char path[PATH_MAX + 64], want[PATH_MAX + 96], fails[2048] = "";
  size_t good = 0, nc = sizeof cases / sizeof *cases;
  for (size_t k = 0; k < nc; k++) {
    path_in(fx, "bad.csv", path, sizeof path);
    FILE *c = fopen(path, "w");
    PROP_CHECK(c != NULL, "cannot write %s", path);
    fputs(cases[k].content, c);
    fclose(c);
    int st = verify_json(fx, SUITE, path, "float64", "1");
    snprintf(want, sizeof want, "%s:%s: ", path, cases[k].pos);
    char *nl = strchr(fx->r.err, '\n');
    int one_line = nl && nl[1] == '\0';
    int ok = st == 2 && one_line && !strncmp(fx->r.err, want, strlen(want));
    good += ok;
    if (!ok && strlen(fails) < sizeof fails - 300)
      snprintf(fails + strlen(fails), sizeof fails - strlen(fails), "[%s: exit %d, stderr '%.150s'] ",
               cases[k].what, st, fx->r.err);
  }
  /* bad usage: exit 2 and one line, no position */
  int su = cli_run(&fx->r, NULL, "verify", "no_such_suite", path, (char *)NULL);
  int u1 = su == 2 && strchr(fx->r.err, '\n') && !strchr(fx->r.err, '\n')[1];
  int sd = cli_run(&fx->r, NULL, "verify", SUITE, path, "--dtype", "float8", (char *)NULL);
  int u2 = sd == 2 && strchr(fx->r.err, '\n') && !strchr(fx->r.err, '\n')[1];
  int ok = good == nc && u1 && u2;
  evidence_row(fx->ev, "vectors.verify.malformed", "behaviour", ok, "malformed candidates: exit 2, one line FILE:LINE:COL",
               (unsigned long)(nc + 2), fx->seed, "%zu of %zu malformed files at the right line:column; unknown suite exit %d, "
               "unknown dtype exit %d%s%s", good, nc, su, sd, *fails ? "; " : "", fails);
  PROP_CHECK(ok, "malformed: %zu of %zu ok, suite exit %d, dtype exit %d: %s", good, nc, su, sd, fails);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_roundtrip),
    cmocka_unit_test(test_suite_cross),
    cmocka_unit_test(test_passes),
    cmocka_unit_test(test_detects_sign),
    cmocka_unit_test(test_detects_offbyone),
    cmocka_unit_test(test_detects_float32),
    cmocka_unit_test(test_detects_sched_offbyone),
    cmocka_unit_test(test_detects_sched_float32),
    cmocka_unit_test(test_malformed),
  };
  return cmocka_run_group_tests_name(PROGRAM, tests, setup, teardown);
}
