/* test_vectors.c -- the reference vector suites (claims sched.*): every row of
 * every suite evaluated both ways (eval and the independent cross), which
 * must agree exactly since both are correctly rounded, and equal the
 * committed reference/vectors/<suite>.csv; the one-sweep beta arrays against
 * mpref_round beta by beta; properties of the stored schedules and grids. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmcref.h"
#include "prop.h"
#include "suites.h"
#include "vecfile.h"

#define PROGRAM "test_vectors"

typedef prop_fixture fixture;

typedef struct vec_props vec_props;
static void table_props(vec_props *vp, const dmc_suite *s, const vec_table *t);

static int same(double a, double b) { return a == b ? signbit(a) == signbit(b) : (isnan(a) && isnan(b)); }

/* Records one evidence row for each claim the suite names (not for
 * gauss_score, whose cross-check test_verify records). */
static void suite_evidence(fixture *fx, const dmc_suite *s, int pass, const char *check,
                           unsigned long n, const char *detail)
{
  if (!strcmp(s->name, "gauss_score")) return;
  char buf[512];
  snprintf(buf, sizeof buf, "%s", s->claims);
  for (char *save = NULL, *c = strtok_r(buf, " ", &save); c; c = strtok_r(NULL, " ", &save))
    evidence_row(fx->ev, c, "numeric", pass, check, n, fx->seed, "suite %s: %s", s->name, detail);
}

/* One suite: inputs, eval and cross against the committed file. */
static int check_suite(fixture *fx, const dmc_suite *s, vec_props *vp, char *msg, size_t len)
{
  char path[1024], err[1024];
  snprintf(path, sizeof path, "%s/reference/vectors/%s.csv", DMC_SOURCE_DIR, s->name);
  vec_table t;
  if (vecfile_load(path, s, &t, err, sizeof err)) {
    snprintf(msg, len, "%s", err);
    suite_evidence(fx, s, 0, "committed file loads", 0, err);
    return 0;
  }
  int ni = s->ninputs, no = s->noutputs;
  size_t n = s->count(), bad = 0;
  double in[DMC_SUITE_MAX_COLS], a[DMC_SUITE_MAX_COLS], b[DMC_SUITE_MAX_COLS];
  msg[0] = '\0';
  if (t.nrows != n) { snprintf(msg, len, "%s: %zu rows in the file, %zu in the suite", s->name, t.nrows, n); bad = 1; }
  for (size_t r = 0; r < n && !bad; r++) {
    s->inputs(r, in);
    int s1 = s->eval(in, a), s2 = s->cross(in, b);
    for (int i = 0; i < ni; i++)
      if (!same(in[i], t.in[r * (size_t)ni + (size_t)i]) && !bad++)
        snprintf(msg, len, "%s row %zu: input %s is %a, the file has %a", s->name, r, s->input_names[i], in[i],
                 t.in[r * (size_t)ni + (size_t)i]);
    if ((s1 || s2) && !bad++) snprintf(msg, len, "%s row %zu: eval status %d, cross status %d", s->name, r, s1, s2);
    for (int k = 0; k < no && !bad; k++) {
      double f = t.out[r * (size_t)no + (size_t)k];
      if (!same(a[k], b[k]) || !same(a[k], f)) {
        bad++;
        int m = snprintf(msg, len, "%s row %zu output %s: eval %a, cross %a, file %a; inputs", s->name, r,
                         s->output_names[k], a[k], b[k], f);
        for (int i = 0; i < ni && m > 0 && (size_t)m < len; i++)
          m += snprintf(msg + m, len - (size_t)m, " %s=%a", s->input_names[i], in[i]);
      }
    }
  }
  char detail[1400];
  if (!bad)
    snprintf(detail, sizeof detail, "%zu rows x %d outputs: eval and the independent cross evaluation (another "
             "formula or precision path, both correctly rounded through mpref) agree bit for bit, and equal "
             "the committed reference/vectors/%s.csv", n, no, s->name);
  else
    snprintf(detail, sizeof detail, "counterexample: %s", msg);
  suite_evidence(fx, s, !bad, "eval = cross = committed file on every row", (unsigned long)n, detail);
  if (!bad) table_props(vp, s, &t);
  vec_table_free(&t);
  return !bad;
}

/* The one-sweep beta arrays (used for the products) equal mpref_round's
 * beta, and the clipping flags agree, at every t of every schedule. */
static void test_beta_sweeps(void **state)
{
  fixture *fx = *state;
  static const char *const ids[REF_SCHED_NKINDS] = { "sched.beta.linear", "sched.beta.scaledlinear",
    "sched.beta.quadratic", "sched.beta.sigmoid", "sched.beta.cosine" };
  static const long Ts[] = { 1, 2, 10, 50, 1000, 4000 };
  static double b[4000], bc[4000];
  static unsigned char cl[4000], clc[4000];
  int all = 1;
  for (int k = 0; k < REF_SCHED_NKINDS; k++) {
    unsigned long n = 0, bad = 0, clipped = 0;
    char cx[512] = "", clip_list[256] = "";
    for (size_t i = 0; i < sizeof Ts / sizeof *Ts; i++) {
      long T = Ts[i];
      int s1 = ref_sched_betas(k, T, T, b, cl), s2 = ref_sched_betas_cross(k, T, T, bc, clc);
      if (s1 || s2) { bad++; snprintf(cx, sizeof cx, "T=%ld: sweep status %d/%d", T, s1, s2); }
      for (long t = 1; t <= T; t++) {
        double r, rc;
        int c, cc;
        int st = ref_sched_beta(k, T, t, &r, &c), stc = ref_sched_beta_cross(k, T, t, &rc, &cc);
        n++;
        if (st || stc || !same(r, b[t - 1]) || !same(rc, r) || !same(bc[t - 1], r) || c != cl[t - 1] ||
            cc != c || clc[t - 1] != c) {
          if (!bad++) snprintf(cx, sizeof cx, "T=%ld t=%ld: mpref %a (clip %d), cross %a (clip %d), sweep %a (%d), "
                               "cross sweep %a (%d)", T, t, r, c, rc, cc, b[t - 1], cl[t - 1], bc[t - 1], clc[t - 1]);
        }
        if (c) {
          clipped++;
          size_t m = strlen(clip_list);
          if (m < sizeof clip_list - 24) snprintf(clip_list + m, sizeof clip_list - m, "%s(T=%ld,t=%ld)", m ? " " : "", T, t);
        }
      }
    }
    if (bad)
      evidence_row(fx->ev, ids[k], "numeric", 0, "sweep betas = mpref_round betas, both formulas", n, fx->seed,
                   "counterexample: %s", cx);
    else
      evidence_row(fx->ev, ids[k], "numeric", 1, "sweep betas = mpref_round betas, both formulas", n, fx->seed,
                   "T in {1,2,10,50,1000,4000}, every t: the one-sweep beta arrays (primary and cross formula) and "
                   "mpref_round of both formulas give the same double and clipping flag; clipped betas: %lu (%s)",
                   clipped, clipped ? clip_list : "none");
    all &= bad == 0;
  }
  PROP_CHECK(all, "a sweep beta differs from mpref_round (see the evidence)");
}

/* Properties of the stored values, checked on the loaded tables. */
typedef struct { int seen, ok; unsigned long n; char cx[256]; } prop_state;

/* Figure data: the log-SNR of each schedule at T = 1000, t = 1, 10, 20, ..., 1000. */
#define FIG_T 1000
#define FIG_N 101
typedef struct { double v[5][FIG_N]; int have[5]; } logsnr_fig;

static void logsnr_collect(logsnr_fig *fig, const dmc_suite *s, const vec_table *t)
{
  static const char *const names[5] = { "sched_linear", "sched_scaled_linear", "sched_quadratic", "sched_sigmoid",
                                        "sched_cosine" };
  for (int k = 0; k < 5; k++) {
    if (strcmp(s->name, names[k])) continue;
    for (size_t r = 0; r < t->nrows; r++) {
      const double *in = t->in + r * 2;
      long tt = (long)in[1];
      if (in[0] == FIG_T && (tt == 1 || tt % 10 == 0)) fig->v[k][tt / 10] = t->out[r * 8 + 7];
    }
    fig->have[k] = 1;
  }
}

static void logsnr_write(const logsnr_fig *fig)
{
  for (int k = 0; k < 5; k++) if (!fig->have[k]) return;
  FILE *f = evidence_data_file("fig", "sched_logsnr.csv");
  if (!f) return;
  fprintf(f, "t,linear,scaledlinear,quadratic,sigmoid,cosine\n");
  for (int i = 0; i < FIG_N; i++) {
    fprintf(f, "%d", i == 0 ? 1 : 10 * i);
    for (int k = 0; k < 5; k++) fprintf(f, ",%.6g", fig->v[k][i]);
    fprintf(f, "\n");
  }
  fclose(f);
}

/* Schedules: the log-SNR falls strictly along t, alphabar does not rise and
 * 1 - alphabar does not fall, within each T. */
static void schedule_props(prop_state *p, const dmc_suite *s, const vec_table *t)
{
  p->seen = 1;
  for (size_t r = 1; r < t->nrows; r++) {
    const double *in = t->in + r * 2, *pin = in - 2, *o = t->out + r * 8, *po = o - 8;
    if (in[0] != pin[0]) continue;
    p->n++;
    int ok = o[7] < po[7] && o[2] <= po[2] && o[3] >= po[3];
    if (!ok && p->ok) snprintf(p->cx, sizeof p->cx, "%s T=%g t=%g: log_snr %a after %a", s->name, in[0], in[1], o[7], po[7]);
    p->ok &= ok;
  }
}

/* Sigma grids: exact endpoints, strictly decreasing, final 0. */
static void grid_props(prop_state *p, const vec_table *t)
{
  double prev = INFINITY;
  for (size_t r = 0; r < t->nrows; r++) {
    const double *in = t->in + r * 6, *o = t->out + r;
    prop_state *q = &p[(int)in[0]];
    long n = (long)in[1], i = (long)in[5];
    q->seen = 1;
    q->n++;
    int ok = i == 0 ? o[0] == in[4] : o[0] < prev;
    if (i == n - 1 && n > 1) ok &= o[0] == in[3];
    if (i == n) ok &= o[0] == 0.0;
    if (!ok && q->ok) snprintf(q->cx, sizeof q->cx, "grid %g n=%ld rho=%g i=%ld: %a after %a", in[0], n, in[2], i, o[0], prev);
    q->ok &= ok;
    prev = o[0];
  }
}

/* Ancestral steps: 0 <= sigma_up, sigma_down <= sigma_to. */
static void ancestral_props(prop_state *p, const vec_table *t)
{
  p->seen = 1;
  for (size_t r = 0; r < t->nrows; r++) {
    const double *in = t->in + r * 2, *o = t->out + r * 2;
    p->n++;
    int ok = o[0] >= 0 && o[1] >= 0 && o[0] <= in[1] && o[1] <= in[1];
    if (!ok && p->ok) snprintf(p->cx, sizeof p->cx, "from=%a to=%a: up %a down %a", in[0], in[1], o[0], o[1]);
    p->ok &= ok;
  }
}

static void record_prop(fixture *fx, const prop_state *p, const char *claim, const char *check, const char *what)
{
  if (!p->seen) return;
  if (p->ok) evidence_row(fx->ev, claim, "numeric", 1, check, p->n, fx->seed, "%s", what);
  else evidence_row(fx->ev, claim, "numeric", 0, check, p->n, fx->seed, "counterexample: %s", p->cx);
}

struct vec_props { prop_state sched, grid[2], anc; logsnr_fig fig; };

static void table_props(vec_props *vp, const dmc_suite *s, const vec_table *t)
{
  if (!strncmp(s->name, "sched_", 6) && s->noutputs == 8) {
    schedule_props(&vp->sched, s, t);
    logsnr_collect(&vp->fig, s, t);
  }
  else if (!strcmp(s->name, "sigma_grids")) grid_props(vp->grid, t);
  else if (!strcmp(s->name, "ancestral_step")) ancestral_props(&vp->anc, t);
}

static void test_suites_cross(void **state)
{
  fixture *fx = *state;
  vec_props vp;
  memset(&vp, 0, sizeof vp);
  vp.sched.ok = vp.grid[0].ok = vp.grid[1].ok = vp.anc.ok = 1;
  int ok = 1;
  char msg[1200], first[1200] = "";
  for (size_t i = 0; i < dmc_nsuites; i++)
    if (!check_suite(fx, dmc_suites[i], &vp, msg, sizeof msg) && ok) { ok = 0; snprintf(first, sizeof first, "%s", msg); }
  logsnr_write(&vp.fig);
  record_prop(fx, &vp.sched, "sched.logsnr", "log-SNR strictly decreasing in t",
              "all five stored schedules, T in {10,50,1000,4000}: every log_snr is below the previous t's, alphabar "
              "non-increasing, 1 - alphabar non-decreasing");
  record_prop(fx, &vp.grid[0], "sched.sigmas.karras", "grid endpoints and monotonicity",
              "stored Karras grids (rho 1 and 7, n in {1,2,10,1000}): sigma_0 = sigma_max and (n > 1) sigma_{n-1} = sigma_min "
              "exactly, strictly decreasing, final 0");
  record_prop(fx, &vp.grid[1], "sched.sigmas.exponential", "grid endpoints and monotonicity",
              "stored exponential grids: sigma_0 = sigma_max and (n > 1) sigma_{n-1} = sigma_min exactly, strictly decreasing, final 0");
  record_prop(fx, &vp.anc, "sched.ancestral", "0 <= sigma_up, sigma_down <= sigma_to",
              "every stored row (ratios to 1e6): the min() of get_ancestral_step never binds for eta = 1");
  PROP_CHECK(ok, "%s", first);
  PROP_CHECK(vp.sched.ok && vp.grid[0].ok && vp.grid[1].ok && vp.anc.ok, "a stored property fails (see the evidence)");
}

PROP_FIXTURE(PROGRAM)

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_suites_cross),
    cmocka_unit_test(test_beta_sweeps),
  };
  return cmocka_run_group_tests_name(PROGRAM, tests, setup, teardown);
}
