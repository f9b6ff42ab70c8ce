/* test_samplers_numpy.c -- D10: the numpy reference samplers of
 * tests/samplers/ref_samplers.py (test fixtures, run with Debian's
 * /usr/bin/python3 and python3-numpy) through `dmcheck sampler-check`: every
 * correct sampler is consistent with its order, every injected-bug twin is
 * inconsistent (claims sampler.check.*), and every twin is caught at a stated
 * power: the statistic that catches it, its threshold, and a lower bound on
 * the power at the twin's effect, estimated from an independent run of the
 * twin (theory/d10_samplers.tex, "Power"). The samples are seeded by DMC_SEED. */
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

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_erf.h>

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

/* stat: the statistic that catches a twin, whose power the test states. */
enum { STAT_NONE, STAT_KS, STAT_ORDER };
static const char *const stat_name[] = { "", "KS", "order" };

typedef struct {
  const char *name, *process, *bug;
  double order;
  int paired, expect;   /* expect 1: consistent */
  int stat;
  int diverges;         /* the CLI must say "weak order: diverges" */
} sampler_case;

static const sampler_case cases[] = {
  { "ddpm", "vp:0.1,20", NULL, 1, 0, 1, STAT_NONE, 0 },
  { "ddpm_bug_dropped_sqrt", "vp:0.1,20", "a dropped sqrt (noise scale var for sqrt(var))", 1, 0, 0, STAT_KS, 0 },
  { "ddim0", "vp:0.1,20", NULL, 1, 1, 1, STAT_NONE, 0 },
  { "ddim0_bug_sigma_for_sigma2", "vp:0.1,20", "sigma in place of sigma^2 (eps = (x - a x0)/sigma^2)", 1, 1, 0, STAT_KS, 1 },
  { "ddim1", "vp:0.1,20", NULL, 1, 0, 1, STAT_NONE, 0 },
  { "ddim_half", "vp:0.1,20", NULL, 1, 0, 1, STAT_NONE, 0 },
  { "ddim_half_bug_eta_twice", "vp:0.1,20", "eta applied twice to the noise (eta = 0.5)", 1, 0, 0, STAT_KS, 0 },
  { "euler", "edm", NULL, 1, 1, 1, STAT_NONE, 0 },
  { "euler_bug_wrong_t", "edm", "the wrong t passed to the model (sigma^2 for sigma)", 1, 1, 0, STAT_KS, 0 },
  { "heun", "edm", NULL, 2, 1, 1, STAT_NONE, 0 },
  { "heun_bug_sigma_late", "edm", "sigma indexed one step late in the corrector", 2, 1, 0, STAT_ORDER, 0 },
  { "euler_ancestral", "edm", NULL, 1, 0, 1, STAT_NONE, 0 },
  { "euler_ancestral_bug_dropped_sqrt", "edm", "a dropped sqrt (sigma_down^2 for sigma_down)", 1, 0, 0, STAT_KS, 1 },
  { "dpm2", "edm", NULL, 2, 1, 1, STAT_NONE, 0 },
  { "dpm2_bug_sigma_late", "edm", "the midpoint model called at the next sigma (one step late)", 2, 1, 0, STAT_ORDER, 0 },
};
#define NCASES (sizeof cases / sizeof *cases)

/* The floor: every twin must be caught with probability >= 1 - MISS_MAX. */
#define MISS_MAX 1e-6

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

/* What the CLI printed for one run: its table and its weak-order line. */
typedef struct {
  size_t rows, N[8], n[8];
  double ks[8], ks_thr[8], f[8];             /* KS, its threshold, fbar = E|x|^2/d */
  double D[8], zD[8];                        /* fbar minus the next set's, its z (NaN for the last) */
  int resolved, diverges;
  double order, lo, hi, z, tol;              /* the fit, its interval, its z and widening */
  size_t nsig;
} cli_report;

static int parse_cli(const char *path, cli_report *r)
{
  memset(r, 0, sizeof *r);
  r->order = r->lo = r->hi = r->z = r->tol = NAN;
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char buf[1024];
  while (fgets(buf, sizeof buf, f)) {
    size_t N, n;
    double v[11];
    int k = sscanf(buf, "%zu %zu %lf %lf %lf %lf %lf %lf %lf %lf %lf %lf %lf", &N, &n, &v[0], &v[1], &v[2], &v[3],
                   &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10]);
    if (k >= 11 && r->rows < 8) {
      size_t i = r->rows++;
      r->N[i] = N; r->n[i] = n; r->ks[i] = v[0]; r->ks_thr[i] = v[1]; r->f[i] = v[7];
      r->D[i] = k == 13 ? v[9] : NAN;
      r->zD[i] = k == 13 ? v[10] : NAN;
    } else if (sscanf(buf, "weak order: %lf, interval [%lf, %lf] from %zu significant differences (z = %lf, +-%lf)",
                      &r->order, &r->lo, &r->hi, &r->nsig, &r->z, &r->tol) == 6) {
      r->resolved = 1;
    } else if (sscanf(buf, "weak order: not resolved (%zu", &r->nsig) == 1) {
      r->resolved = 0;
    } else if (!strncmp(buf, "weak order: diverges", 20)) {
      r->diverges = 1;
    }
  }
  fclose(f);
  return r->rows >= 2 ? 0 : -1;
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
    char path[1200];
    cli_report r;
    snprintf(path, sizeof path, "%s/%s.txt", dir, fig_names[j]);
    int ok = parse_cli(path, &r) == 0 && r.rows == 5 && r.resolved;
    for (int i = 0; i < 4; i++) D[j][i] = ok ? fabs(r.D[i]) : NAN;
    for (int i = 0; i < 4; i++) fit[j][i] = D[j][3] * pow((10 << i) / 80.0, -r.order);
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
    cli_report r;
    snprintf(path, sizeof path, "%s/%s.txt", dir, ks_names[j]);
    int ok = parse_cli(path, &r) == 0 && r.rows == 5;
    for (int i = 0; i < 5; i++) KS[j][i] = ok ? r.ks[i] : NAN;
    if (ok) thr = r.ks_thr[4];
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

/* A lower bound on the power of the statistic that catches a twin, from the
 * test's run t and the independent run u of the same twin. */
typedef struct { double effect, thr, sd, lmiss; char how[1400]; } power_bound;   /* lmiss: log10 of the miss bound */

/* log10 Phi(-x), also far in the tail (GSL's log erfc). */
static double log10_phi_minus(double x)
{
  return (gsl_sf_log_erfc(x / sqrt(2.0)) - log(2.0)) / log(10.0);
}

/* log10(10^a + 10^b) */
static double log10_add(double a, double b)
{
  double hi = fmax(a, b), lo = fmin(a, b);
  return hi == -INFINITY ? hi : hi + log10(1.0 + pow(10.0, lo - hi));
}

/* 10^l as "m.me-E" (also beyond the range of a double); siunitx's \num reads it. */
static const char *sci(char *buf, size_t len, double l)
{
  if (l >= 0.0) { snprintf(buf, len, "1"); return buf; }
  double e = floor(l), m = pow(10.0, l - e);
  if (m >= 9.95) { m = 1.0; e += 1.0; }
  snprintf(buf, len, "%.1fe%.0f", m, e);
  return buf;
}

/* KS: by the DKW-Massart inequality, a coordinate whose law G is at sup
 * distance delta from the exact F gives KS > thr except with probability
 * 2 exp(-2 n (delta - thr)^2); delta >= KS_u - thr_u except with probability
 * alpha (the same inequality on the independent run). */
static void ks_power(const cli_report *t, const cli_report *u, power_bound *pb)
{
  size_t lt = t->rows - 1, lu = u->rows - 1;
  double n = (double)t->n[lt];
  pb->effect = u->ks[lu] - u->ks_thr[lu] - 1e-5;   /* less the rounding of the printed table */
  pb->thr = t->ks_thr[lt] + 5e-6;
  pb->sd = NAN;
  double m = pb->effect - pb->thr;
  pb->lmiss = m > 0 ? fmin(0.0, log10(2.0) - 2.0 * n * m * m / log(10.0)) : 0.0;
  snprintf(pb->how, sizeof pb->how,
           "KS of the last set (N = %zu): effect sup|G - F| >= %.4f (independent run: KS %.4f - its threshold %.4f), "
           "threshold %.4f; miss <= 2 exp(-2 n (effect - threshold)^2)", t->N[lt], pb->effect, u->ks[lu],
           u->ks_thr[lu], pb->thr);
}

/* Fitted order: to first order, the fitted slope is a linear combination of
 * the log|D_s|, whose standard errors give se; with the differences correlated
 * in any way its sd is at most sqrt(nsig) se. The twin's expected fitted order
 * is within z sd of the independent run's; the test rejects when it is more
 * than tol + z se from p. The test also needs each of the top nsig
 * differences significant: P(|z_s| <= z) <= Phi(2z - |z_s of the independent run|). */
static void order_power(const cli_report *u, double p, power_bound *pb)
{
  pb->effect = pb->thr = pb->sd = NAN;
  pb->lmiss = 0.0;
  if (!u->resolved || !(isfinite(u->order) && u->nsig >= 2)) {
    snprintf(pb->how, sizeof pb->how, "fitted order: the independent run resolves no finite order (power not established)");
    return;
  }
  /* the printed order and interval are rounded to 1e-3: se and the effect allow for it */
  double se = ((u->hi - u->lo) / 2.0 - u->tol + 1e-3) / u->z;
  pb->sd = sqrt((double)u->nsig) * se;
  pb->effect = fabs(u->order - p) - 5e-4 - u->z * pb->sd;
  pb->thr = u->tol + u->z * se;
  double lmiss = log10_phi_minus((pb->effect - pb->thr) / pb->sd), zmin = INFINITY;
  for (size_t k = 0; k < u->nsig; k++) {   /* the fit's differences: the top nsig, all significant */
    if (k + 2 > u->rows || !(fabs(u->zD[u->rows - 2 - k]) > u->z)) { lmiss = 0.0; break; }
    double zs = fabs(u->zD[u->rows - 2 - k]);
    lmiss = log10_add(lmiss, log10_phi_minus(zs - 2.0 * u->z));
    zmin = fmin(zmin, zs);
  }
  pb->lmiss = fmin(0.0, lmiss);
  snprintf(pb->how, sizeof pb->how,
           "fitted order: effect |p_twin - %g| >= %.3f (independent run: order %.3f, %zu differences, |z| >= %.1f, "
           "sd <= sqrt(%zu) se = %.4f), threshold %g + %g se = %.3f; miss <= Phi(-(effect - threshold)/sd) + "
           "sum Phi(%g - |z_s|)", p, pb->effect, u->order, u->nsig, zmin, u->nsig, pb->sd, u->tol, u->z, pb->thr,
           2.0 * u->z);
}

/* One CSV row with its header, built column by column. */
typedef struct { char head[8192], vals[8192]; } table_row;

static void tab_add(table_row *t, const char *name, const char *suffix, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));
static void tab_add(table_row *t, const char *name, const char *suffix, const char *fmt, ...)
{
  size_t h = strlen(t->head), v = strlen(t->vals);
  if (*name) snprintf(t->head + h, sizeof t->head - h, ",%s%s", name, suffix);
  if (v && v + 1 < sizeof t->vals) { t->vals[v++] = ','; t->vals[v] = 0; }
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(t->vals + v, sizeof t->vals - v, fmt, ap);
  va_end(ap);
}

/* Runs `dmcheck sampler-check` on the sets of case k in dir, output to out. */
static int run_check(const sampler_case *k, const char *dir, const char *sets, const char *out)
{
  char cmd[4096];
  int n = snprintf(cmd, sizeof cmd, "%s sampler-check --target '%s/target.csv' --process %s --order %g%s", CLI, dir,
                   k->process, k->order, k->paired ? " --paired" : "");
  static const int steps[] = { 10, 20, 40, 80, 160 };
  for (size_t s = 0; s < 5; s++)
    n += snprintf(cmd + n, sizeof cmd - (size_t)n, " %d='%s/%s_%d.csv'", steps[s], sets, k->name, steps[s]);
  snprintf(cmd + n, sizeof cmd - (size_t)n, " > '%s' 2>&1", out);
  return run(cmd);
}

static void test_samplers_numpy(void **state)
{
  fixture *fx = *state;
  char dir[1024], cmd[4096];
  snprintf(dir, sizeof dir, "%s/samplers_numpy", evidence_results_dir());
  mkdir(evidence_results_dir(), 0777);
  mkdir(dir, 0777);
  snprintf(cmd, sizeof cmd, "%s %s/tests/samplers/ref_samplers.py '%s' %lu", PYTHON, DMC_SOURCE_DIR, dir, fx->seed);
  PROP_CHECK(run(cmd) == 0, "the numpy fixture failed: %s", cmd);
  /* the report's table (theory/d10_samplers.tex): one row, a column per
   * sampler and quantity, e.g. heun_order, heun_bug_sigma_late_miss */
  table_row tab = { "floor", "" };
  tab_add(&tab, "", "", "%g", MISS_MAX);
  int all = 1;
  char summary[NCASES][200];
  for (size_t c = 0; c < NCASES; c++) {
    const sampler_case *k = &cases[c];
    char out[1200], sets[1200];
    snprintf(out, sizeof out, "%s/%s.txt", dir, k->name);
    int st = run_check(k, dir, dir, out);
    char order[512], limit[512], last[512];
    line_of(out, "weak order:", order, sizeof order);
    line_of(out, "Richardson", limit, sizeof limit);
    line_of(out, "last set", last, sizeof last);
    cli_report t, u;
    int parsed = parse_cli(out, &t) == 0;
    power_bound pb = { NAN, NAN, NAN, 0.0, "" };
    char miss[32] = "1";
    if (k->expect) {
      tab_add(&tab, k->name, "_resolved", "%d", t.resolved);
      tab_add(&tab, k->name, "_order", "%.3f", t.order);
      tab_add(&tab, k->name, "_lo", "%.3f", t.lo);
      tab_add(&tab, k->name, "_hi", "%.3f", t.hi);
      tab_add(&tab, k->name, "_nsig", "%zu", t.nsig);
      if (t.resolved)
        snprintf(summary[c], sizeof summary[c], "%-18s weak order %.3f, interval [%.3f, %.3f] (theory %g)", k->name,
                 t.order, t.lo, t.hi, k->order);
      else
        snprintf(summary[c], sizeof summary[c], "%-18s weak order not resolved (%zu significant difference%s; theory %g)",
                 k->name, t.nsig, t.nsig == 1 ? "" : "s", k->order);
    } else {
      /* the same twin on independent streams estimates its effect */
      char uout[1200];
      snprintf(sets, sizeof sets, "%s/indep", dir);
      snprintf(uout, sizeof uout, "%s/indep/%s.txt", dir, k->name);
      int su = run_check(k, dir, sets, uout);
      if (parsed && (su == 0 || su == 1) && parse_cli(uout, &u) == 0) {
        if (k->stat == STAT_KS) ks_power(&t, &u, &pb);
        else order_power(&u, k->order, &pb);
      } else {
        snprintf(pb.how, sizeof pb.how, "the independent run failed (exit %d; %s)", su, uout);
      }
      sci(miss, sizeof miss, pb.lmiss);
      tab_add(&tab, k->name, "_stat", "%s", stat_name[k->stat]);
      tab_add(&tab, k->name, "_effect", "%.4f", pb.effect);
      tab_add(&tab, k->name, "_threshold", "%.4f", pb.thr);
      tab_add(&tab, k->name, "_sd", "%.4f", pb.sd);
      tab_add(&tab, k->name, "_miss", "%s", miss);
      tab_add(&tab, k->name, "_order", "%.3f", k->stat == STAT_ORDER ? u.order : NAN);
      snprintf(summary[c], sizeof summary[c], "%-34s %-5s effect %.4g, threshold %.4g: power >= 1 - %s", k->name,
               stat_name[k->stat], pb.effect, pb.thr, miss);
    }
    if (c == 0 && parsed) {   /* the sizes the report's text quotes */
      tab_add(&tab, "n", "", "%zu", t.n[t.rows - 1]);
      tab_add(&tab, "steps_min", "", "%zu", t.N[0]);
      tab_add(&tab, "steps_max", "", "%zu", t.N[t.rows - 1]);
    }
    int rejected = st == 1, powered = pb.lmiss <= log10(MISS_MAX);
    int ok = (k->expect ? st == 0 : rejected && powered) && parsed && t.diverges == k->diverges;
    all &= ok;
    printf("%-34s %-12s %s\n    %s\n    %s\n    %s\n", k->name, st == 0 ? "consistent" : st == 1 ? "inconsistent" : "ERROR",
           ok ? "as expected" : "UNEXPECTED", order, limit, last);
    if (!k->expect)
      printf("    caught by %s\n    power >= 1 - %s (floor 1 - %g): %s\n", pb.how, miss, MISS_MAX,
             powered ? "ok" : "BELOW THE FLOOR");
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
                   "twin with %s: %s; caught by %s, power >= 1 - %s (floor 1 - %g); %s; %s; %s", k->bug,
                   st == 1 ? "rejected (inconsistent)" : "NOT rejected", stat_name[k->stat], miss, MISS_MAX,
                   order, limit, last);
  }
  FILE *tf = evidence_data_file("fig", "d10_twins.csv");
  PROP_CHECK(tf != NULL, "cannot write the D10 table");
  fprintf(tf, "%s\n%s\n", tab.head, tab.vals);
  fclose(tf);
  printf("\nweak orders of the correct samplers (interval: z = 5, widened by 0.25):\n");
  for (size_t c = 0; c < NCASES; c++) if (cases[c].expect) printf("  %s\n", summary[c]);
  printf("twins: the statistic that catches each, its effect and threshold, the power (floor 1 - %g):\n", MISS_MAX);
  for (size_t c = 0; c < NCASES; c++) if (!cases[c].expect) printf("  %s\n", summary[c]);
  write_figure(dir);
  PROP_CHECK(all, "a sampler's verdict or a twin's power differs from the expected one (outputs in %s)", dir);
}

/* Malformed input: exit status 2 and one line FILE:LINE:COL: what. */
static void test_sampler_check_bad_input(void **state)
{
  fixture *fx = *state;
  char dir[512], path[600], cmd[4096], out[640];
  snprintf(dir, sizeof dir, "%s/samplers_bad", evidence_results_dir());
  mkdir(evidence_results_dir(), 0777);
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
