/* test_samplers_numpy.c -- D10: the numpy reference samplers of
 * tests/samplers/ref_samplers.py (test fixtures, run with Debian's
 * /usr/bin/python3 and python3-numpy) through `dmcheck sampler-check`: every
 * correct sampler is consistent with its order, every injected-bug twin is
 * inconsistent (claims sampler.check.*). The samples are seeded by DMC_SEED. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "dmcheck.h"
#include "prop.h"

#define PROGRAM "test_samplers_numpy"
#define PYTHON "/usr/bin/python3"
/* The CLI of this build: DMC_RESULTS_DEFAULT is <build>/results. */
static const char *cli_path(void)
{
  static char path[1024];
  const char *r = DMC_RESULTS_DEFAULT;
  size_t n = strlen(r), k = strlen("/results");
  if (n >= k && !strcmp(r + n - k, "/results")) n -= k;
  snprintf(path, sizeof path, "%.*s/bin/dmcheck", (int)n, r);
  return path;
}
#define CLI cli_path()

typedef prop_fixture fixture;

typedef struct {
  const char *name, *process, *bug;
  double order;
  int paired, expect;   /* expect 1: consistent */
} sampler_case;

static const sampler_case cases[] = {
  { "ddpm", "vp:0.1,20", NULL, 1, 0, 1 },
  { "ddpm_bug_dropped_sqrt", "vp:0.1,20", "a dropped sqrt (noise scale var for sqrt(var))", 1, 0, 0 },
  { "ddim0", "vp:0.1,20", NULL, 1, 1, 1 },
  { "ddim0_bug_sigma_for_sigma2", "vp:0.1,20", "sigma in place of sigma^2 (eps = (x - a x0)/sigma^2)", 1, 1, 0 },
  { "ddim1", "vp:0.1,20", NULL, 1, 0, 1 },
  { "ddim_half", "vp:0.1,20", NULL, 1, 0, 1 },
  { "ddim_half_bug_eta_twice", "vp:0.1,20", "eta applied twice to the noise (eta = 0.5)", 1, 0, 0 },
  { "euler", "edm", NULL, 1, 1, 1 },
  { "euler_bug_wrong_t", "edm", "the wrong t passed to the model (sigma^2 for sigma)", 1, 1, 0 },
  { "heun", "edm", NULL, 2, 1, 1 },
  { "heun_bug_sigma_late", "edm", "sigma indexed one step late in the corrector", 2, 1, 0 },
  { "euler_ancestral", "edm", NULL, 1, 0, 1 },
  { "euler_ancestral_bug_dropped_sqrt", "edm", "a dropped sqrt (sigma_down^2 for sigma_down)", 1, 0, 0 },
  { "dpm2", "edm", NULL, 2, 1, 1 },
  { "dpm2_bug_sigma_late", "edm", "the midpoint model called at the next sigma (one step late)", 2, 1, 0 },
};

static const char *results_dir(void)
{
  const char *r = getenv("DMC_RESULTS");
  return r && *r ? r : DMC_RESULTS_DEFAULT;
}

static int run(const char *cmd)
{
  int st = system(cmd);
  return st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
}

/* The line of `path` that starts with `prefix` (without its newline). */
static void line_of(const char *path, const char *prefix, char *out, size_t len)
{
  FILE *f = fopen(path, "r");
  snprintf(out, len, "(no %s line)", prefix);
  if (!f) return;
  char buf[512];
  while (fgets(buf, sizeof buf, f))
    if (!strncmp(buf, prefix, strlen(prefix))) {
      buf[strcspn(buf, "\n")] = 0;
      snprintf(out, len, "%s", buf);
      break;
    }
  fclose(f);
}

/* fbar = E|x|^2/d and the KS statistic (and its threshold) of the five sets
 * from the report's table; 0 if all found. */
static int read_table_cols(const char *path, double fbar[5], double ks[5], double *ks_thr)
{
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char buf[512];
  int found = 0;
  while (fgets(buf, sizeof buf, f) && found < 5) {
    unsigned long N, n;
    double v[8];
    if (sscanf(buf, "%lu %lu %lf %lf %lf %lf %lf %lf %lf %lf", &N, &n, &v[0], &v[1], &v[2], &v[3], &v[4],
               &v[5], &v[6], &v[7]) == 10)
    {
      ks[found] = v[0];
      *ks_thr = v[1];
      fbar[found++] = v[7];
    }
  }
  fclose(f);
  return found == 5 ? 0 : -1;
}

/* The figure's data: |fbar_N - fbar_2N| of the paired samplers against N,
 * with the fitted line |D_last| (N/N_last)^-order. */
static const char *const fig_names[] = { "euler", "heun", "dpm2", "ddim0", "euler_bug_wrong_t",
                                         "heun_bug_sigma_late", "dpm2_bug_sigma_late" };
#define NFIG (sizeof fig_names / sizeof *fig_names)

static void write_figure(const char *dir)
{
  double D[NFIG][4], fit[NFIG][4];
  for (size_t j = 0; j < NFIG; j++) {
    char path[1200], line[512];
    double fb[5], ks[5], thr, order = NAN;
    snprintf(path, sizeof path, "%s/%s.txt", dir, fig_names[j]);
    line_of(path, "weak order:", line, sizeof line);
    if (read_table_cols(path, fb, ks, &thr) || sscanf(line, "weak order: %lf", &order) != 1) order = NAN;
    for (int i = 0; i < 4; i++) D[j][i] = isnan(order) ? NAN : fabs(fb[i] - fb[i + 1]);
    for (int i = 0; i < 4; i++) fit[j][i] = D[j][3] * pow((10 << i) / 80.0, -order);
  }
  FILE *f = evidence_data_file("fig", "d10_weak_error.csv");
  if (!f) return;
  fprintf(f, "N");
  for (size_t j = 0; j < NFIG; j++) fprintf(f, ",%s,fit_%s", fig_names[j], fig_names[j]);
  fprintf(f, "\n");
  for (int i = 0; i < 4; i++) {
    fprintf(f, "%d", 10 << i);
    for (size_t j = 0; j < NFIG; j++) fprintf(f, ",%.6g,%.6g", D[j][i], fit[j][i]);
    fprintf(f, "\n");
  }
  fclose(f);
  /* the KS statistic of the set with N steps, correct samplers beside their twins */
  static const char *const ks_names[] = { "ddpm", "ddpm_bug_dropped_sqrt", "ddim_half", "ddim_half_bug_eta_twice",
                                          "euler", "euler_bug_wrong_t", "heun", "heun_bug_sigma_late" };
  enum { NKS = sizeof ks_names / sizeof *ks_names };
  double KS[NKS][5], thr = NAN;
  for (size_t j = 0; j < NKS; j++) {
    char path[1200];
    double fb[5];
    snprintf(path, sizeof path, "%s/%s.txt", dir, ks_names[j]);
    if (read_table_cols(path, fb, KS[j], &thr)) for (int i = 0; i < 5; i++) KS[j][i] = NAN;
  }
  f = evidence_data_file("fig", "d10_ks.csv");
  if (!f) return;
  fprintf(f, "N,threshold");
  for (size_t j = 0; j < NKS; j++) fprintf(f, ",%s", ks_names[j]);
  fprintf(f, "\n");
  for (int i = 0; i < 5; i++) {
    fprintf(f, "%d,%.6g", 10 << i, thr);
    for (size_t j = 0; j < NKS; j++) fprintf(f, ",%.6g", KS[j][i]);
    fprintf(f, "\n");
  }
  fclose(f);
}

static void test_samplers_numpy(void **state)
{
  fixture *fx = *state;
  char dir[1024], cmd[4096];
  snprintf(dir, sizeof dir, "%s/samplers_numpy", results_dir());
  mkdir(results_dir(), 0777);
  mkdir(dir, 0777);
  snprintf(cmd, sizeof cmd, "%s %s/tests/samplers/ref_samplers.py '%s' %lu", PYTHON, DMC_SOURCE_DIR, dir, fx->seed);
  PROP_CHECK(run(cmd) == 0, "the numpy fixture failed: %s", cmd);
  int all = 1;
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    const sampler_case *k = &cases[c];
    char out[1200];
    snprintf(out, sizeof out, "%s/%s.txt", dir, k->name);
    int n = snprintf(cmd, sizeof cmd, "%s sampler-check --target '%s/target.csv' --process %s --order %g%s", CLI, dir, k->process, k->order, k->paired ? " --paired" : "");
    static const int steps[] = { 10, 20, 40, 80, 160 };
    for (size_t s = 0; s < 5; s++)
      n += snprintf(cmd + n, sizeof cmd - (size_t)n, " %d='%s/%s_%d.csv'", steps[s], dir, k->name, steps[s]);
    snprintf(cmd + n, sizeof cmd - (size_t)n, " > '%s' 2>&1", out);
    int st = run(cmd);
    char order[512], limit[512], last[512];
    line_of(out, "weak order:", order, sizeof order);
    line_of(out, "Richardson", limit, sizeof limit);
    line_of(out, "last set", last, sizeof last);
    int ok = k->expect ? st == 0 : st == 1;
    all &= ok;
    printf("%-34s %-12s %s\n    %s\n    %s\n    %s\n", k->name, st == 0 ? "consistent" : st == 1 ? "inconsistent" : "ERROR",
           ok ? "as expected" : "UNEXPECTED", order, limit, last);
    /* a twin controls its correct sampler's check: the same check text */
    char check[200], base[64];
    snprintf(base, sizeof base, "%s", k->name);
    char *bug = strstr(base, "_bug_");
    if (bug) *bug = 0;
    snprintf(check, sizeof check, "numpy %s judged consistent with order %g", base, k->order);
    if (k->expect)
      evidence_row(fx->ev, "sampler.check.correct", "statistical", ok, check, 5, fx->seed,
                   "numpy %s (order %g) %s; %s; %s", k->name, k->order, st == 0 ? "consistent" : "inconsistent",
                   order, limit);
    else
      evidence_row(fx->ev, "sampler.check.correct", "control", ok, check, 5, fx->seed,
                   "twin with %s: %s; %s; %s; %s", k->bug, st == 1 ? "rejected (inconsistent)" : "NOT rejected",
                   order, limit, last);
  }
  write_figure(dir);
  PROP_CHECK(all, "a sampler's verdict differs from the expected one (outputs in %s)", dir);
}

/* Malformed input: exit status 2 and one line FILE:LINE:COL: what. */
static void test_sampler_check_bad_input(void **state)
{
  fixture *fx = *state;
  char dir[512], path[600], cmd[4096], out[640];
  snprintf(dir, sizeof dir, "%s/samplers_bad", results_dir());
  mkdir(results_dir(), 0777);
  mkdir(dir, 0777);
  static const struct { const char *name, *text, *want; } bad[] = {
    { "short.csv", "x0,x1\n1,2\n3\n", "short.csv:3:2: 1 fields" },
    { "word.csv", "x0,x1\n1,2\n3,abc\n", "word.csv:3:3: sample" },
    { "extra.csv", "x0,x1\n1,2,3\n", "extra.csv:2:5: extra field" },
    { "cols.csv", "x0\n1\n", "cols.csv:1:1: 1 columns in the header" },
    { "empty.csv", "", "empty.csv:1:1: empty file" },
  };
  snprintf(path, sizeof path, "%s/target.csv", dir);
  FILE *t = fopen(path, "w");
  PROP_CHECK(t != NULL, "cannot write %s", path);
  fprintf(t, "w,m0,m1,v0,v1\n0.5,0,0,1,1\n0.5,1,1,1,1\n");
  fclose(t);
  int ok = 1;
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, bad[i].name);
    FILE *f = fopen(path, "w");
    PROP_CHECK(f != NULL, "cannot write %s", path);
    fputs(bad[i].text, f);
    fclose(f);
    snprintf(out, sizeof out, "%s/%s.err", dir, bad[i].name);
    snprintf(cmd, sizeof cmd, "%s sampler-check --target '%s/target.csv' --order 1 10='%s' 20='%s' > '%s' 2>&1",
             CLI, dir, path, path, out);
    int st = run(cmd);
    FILE *e = fopen(out, "r");
    char line[512] = "", second[512];
    int lines = 0;
    if (e) {
      if (fgets(line, sizeof line, e)) lines++;
      while (fgets(second, sizeof second, e)) lines++;
      fclose(e);
    }
    int good = st == 2 && lines == 1 && strstr(line, bad[i].want) != NULL;
    if (!good) printf("bad input %s: exit %d, %d lines, first: %s", bad[i].name, st, lines, line);
    ok &= good;
  }
  evidence_row(fx->ev, "sampler.check.correct", "behaviour", ok, "malformed sample sets", 5, fx->seed,
               "short row, non-number, extra field, wrong column count, empty file: exit 2 with one FILE:LINE:COL line");
  PROP_CHECK(ok, "a malformed input was not reported as expected");
}

PROP_FIXTURE(PROGRAM)

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_sampler_check_bad_input),
    cmocka_unit_test(test_samplers_numpy),
  };
  return cmocka_run_group_tests_name(PROGRAM, tests, setup, teardown);
}
