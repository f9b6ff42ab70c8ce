/* test_vectors.c -- the reference vector suites (claims sched.*): every row of
 * every suite evaluated both ways (eval and the second path cross), which
 * must agree exactly since both are correctly rounded, and equal the
 * committed reference/vectors/<suite>.csv; every stored row against the
 * suite's independent check (tests/vec_indep*.c, sharing no code with the
 * generator), with negative controls; the `dmcheck eval` functions against
 * the suite outputs they share; the VP/sub-VP regression of issue 8; the
 * one-sweep beta arrays against mpref_round beta by beta; properties of the
 * stored schedules and grids. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmcheck.h"
#include "dmcref.h"
#include "prop.h"
#include "suites.h"
#include "vecfile.h"
#include "vec_indep.h"
#include "cli/cli.h"

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
    evidence_row(fx->ev, c, "vectors", pass, check, n, fx->seed, "suite %s: %s", s->name, detail);
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
  enum { CHUNK = 256 };  /* rows evaluated together (dmc_suite_rows: shared work, e.g. one product per T) */
  double ins[CHUNK * DMC_SUITE_MAX_COLS], inc[CHUNK * DMC_SUITE_MAX_COLS];
  double as[CHUNK * DMC_SUITE_MAX_COLS], bs[CHUNK * DMC_SUITE_MAX_COLS];
  int sa[CHUNK], sb[CHUNK];
  msg[0] = '\0';
  if (t.nrows != n) { snprintf(msg, len, "%s: %zu rows in the file, %zu in the suite", s->name, t.nrows, n); bad = 1; }
  for (size_t r = 0; r < n && !bad; r++) {
    size_t j = r % CHUNK;
    if (j == 0) {
      size_t m = n - r < CHUNK ? n - r : CHUNK;
      if (dmc_suite_rows(s, 0, r, m, ins, as, sa) || dmc_suite_rows(s, 1, r, m, inc, bs, sb)) {
        snprintf(msg, len, "%s rows %zu..: out of memory", s->name, r);
        bad = 1;
        break;
      }
    }
    const double *in = ins + j * (size_t)ni, *a = as + j * (size_t)no, *b = bs + j * (size_t)no;
    int s1 = sa[j], s2 = sb[j];
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
    snprintf(detail, sizeof detail, "%zu rows x %d outputs: eval and the second evaluation path cross (another "
             "formula or precision path, both correctly rounded through mpref; it may share helpers with eval) "
             "agree bit for bit, and equal the committed reference/vectors/%s.csv", n, no, s->name);
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
      evidence_row(fx->ev, ids[k], "vectors", 0, "sweep betas = mpref_round betas, both formulas", n, fx->seed,
                   "counterexample: %s", cx);
    else
      evidence_row(fx->ev, ids[k], "vectors", 1, "sweep betas = mpref_round betas, both formulas", n, fx->seed,
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
 * 1 - alphabar does not fall, within each T. sign = -1 checks the reversed
 * statement (rises, does not fall, does not rise): the negative control. */
static void schedule_props(prop_state *p, const dmc_suite *s, const vec_table *t, double sign)
{
  p->seen = 1;
  for (size_t r = 1; r < t->nrows; r++) {
    const double *in = t->in + r * 2, *pin = in - 2, *o = t->out + r * 8, *po = o - 8;
    if (in[0] != pin[0]) continue;
    p->n++;
    int ok = sign * o[7] < sign * po[7] && sign * o[2] <= sign * po[2] && sign * o[3] >= sign * po[3];
    if (!ok && p->ok) snprintf(p->cx, sizeof p->cx, "%s T=%g t=%g: log_snr %a after %a", s->name, in[0], in[1], o[7], po[7]);
    p->ok &= ok;
  }
}

/* Sigma grids: exact endpoints, strictly decreasing, final 0 (sign = -1:
 * strictly increasing, the negative control). */
static void grid_props(prop_state *p, const vec_table *t, double sign)
{
  double prev = INFINITY;
  for (size_t r = 0; r < t->nrows; r++) {
    const double *in = t->in + r * 6, *o = t->out + r;
    prop_state *q = &p[(int)in[0]];
    long n = (long)in[1], i = (long)in[5];
    q->seen = 1;
    q->n++;
    int ok = i == 0 ? o[0] == in[4] : sign * o[0] < sign * prev;
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

/* A negative control: the same property check on the reversed statement
 * must fail; pass = it was rejected. */
static int record_control(fixture *fx, const prop_state *ctl, const char *claim, const char *check, const char *what)
{
  if (!ctl->seen) return 1;
  return evidence_row(fx->ev, claim, "control", !ctl->ok, check, ctl->n, fx->seed,
                      "the same check on the reversed statement (%s): %s", what,
                      ctl->ok ? "NOT rejected: the check cannot fail" : "rejected, as it must be");
}

struct vec_props { prop_state sched, grid[2], anc, ctl_sched, ctl_grid[2]; logsnr_fig fig; };

static void table_props(vec_props *vp, const dmc_suite *s, const vec_table *t)
{
  if (!strncmp(s->name, "sched_", 6) && s->noutputs == 8) {
    schedule_props(&vp->sched, s, t, 1);
    schedule_props(&vp->ctl_sched, s, t, -1);
    logsnr_collect(&vp->fig, s, t);
  }
  else if (!strcmp(s->name, "sigma_grids")) { grid_props(vp->grid, t, 1); grid_props(vp->ctl_grid, t, -1); }
  else if (!strcmp(s->name, "ancestral_step")) ancestral_props(&vp->anc, t);
}

static void test_suites_cross(void **state)
{
  fixture *fx = *state;
  vec_props vp;
  memset(&vp, 0, sizeof vp);
  vp.sched.ok = vp.grid[0].ok = vp.grid[1].ok = vp.anc.ok = 1;
  vp.ctl_sched.ok = vp.ctl_grid[0].ok = vp.ctl_grid[1].ok = 1;
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
  int controls = record_control(fx, &vp.ctl_sched, "sched.logsnr", "log-SNR strictly decreasing in t",
                                "log-SNR strictly increasing, alphabar non-decreasing, 1 - alphabar non-increasing");
  controls &= record_control(fx, &vp.ctl_grid[0], "sched.sigmas.karras", "grid endpoints and monotonicity",
                             "the same endpoints, strictly increasing");
  controls &= record_control(fx, &vp.ctl_grid[1], "sched.sigmas.exponential", "grid endpoints and monotonicity",
                             "the same endpoints, strictly increasing");
  PROP_CHECK(ok, "%s", first);
  PROP_CHECK(controls, "a negative control was not rejected (see the evidence)");
  PROP_CHECK(vp.sched.ok && vp.grid[0].ok && vp.grid[1].ok && vp.anc.ok, "a stored property fails (see the evidence)");
}

/* ---- independent checks (tests/vec_indep*.c) ---------------------------- */

static void claims_evidence(fixture *fx, const dmc_suite *s, int pass, const char *check, unsigned long n,
                            const char *detail)
{
  char buf[512];
  snprintf(buf, sizeof buf, "%s", s->claims);
  for (char *save = NULL, *c = strtok_r(buf, " ", &save); c; c = strtok_r(NULL, " ", &save))
    evidence_row(fx->ev, c, "vectors", pass, check, n, fx->seed, "suite %s: %s", s->name, detail);
}

static int load_suite(const dmc_suite *s, vec_table *t, char *err, size_t len)
{
  char path[1024];
  snprintf(path, sizeof path, "%s/reference/vectors/%s.csv", DMC_SOURCE_DIR, s->name);
  return vecfile_load(path, s, t, err, len);
}

/* Checks every row of t against c; returns the rows with an error over
 * VI_PASS_ULP (or unresolved); *worst = the largest error seen. */
static size_t indep_table(const vi_check *c, const dmc_suite *s, const vec_table *t, void *cache, double *worst,
                          char *cx, size_t len)
{
  size_t bad = 0, ni = (size_t)s->ninputs, no = (size_t)s->noutputs;
  double ulp[VI_MAX_OUT];
  *worst = 0;
  for (size_t r = 0; r < t->nrows; r++) {
    int st = vi_row(c, t->in + r * ni, t->out + r * no, (int)no, cache, ulp);
    for (size_t k = 0; k < no; k++) {
      int ok = !st && ulp[k] <= VI_PASS_ULP;
      if (!st && ulp[k] > *worst) *worst = ulp[k];
      if (!ok && !bad++) {
        int m = snprintf(cx, len, "row %zu output %s: stored %a, error %g ULP (%s); inputs", r, s->output_names[k],
                         t->out[r * no + k], ulp[k], st ? "unresolved" : "independent value");
        for (size_t i = 0; i < ni && m > 0 && (size_t)m < len; i++)
          m += snprintf(cx + m, len - (size_t)m, " %s=%a", s->input_names[i], t->in[r * ni + i]);
      }
      if (!ok) break;
    }
  }
  return bad;
}

/* Negative control: in each output column, the first row with a normal
 * stored value, moved one ULP either way, must be rejected. Returns the
 * perturbations accepted (0 expected); *n = perturbations tried. */
static size_t indep_controls(const vi_check *c, const dmc_suite *s, const vec_table *t, void *cache, size_t *n,
                             char *cx, size_t len)
{
  size_t ni = (size_t)s->ninputs, no = (size_t)s->noutputs, accepted = 0;
  double out[VI_MAX_OUT], ulp[VI_MAX_OUT];
  *n = 0;
  for (size_t k = 0; k < no; k++) {
    size_t r = 0;
    while (r < t->nrows && !isnormal(t->out[r * no + k])) r++;
    if (r == t->nrows) continue;
    for (int dir = -1; dir <= 1; dir += 2) {
      memcpy(out, t->out + r * no, no * sizeof *out);
      out[k] = nextafter(out[k], dir * INFINITY);
      (*n)++;
      if (vi_row(c, t->in + r * ni, out, (int)no, cache, ulp) == 0 && ulp[k] <= VI_PASS_ULP && !accepted++)
        snprintf(cx, len, "row %zu output %s moved to %a was accepted (%g ULP)", r, s->output_names[k], out[k],
                 ulp[k]);
    }
  }
  return accepted;
}

static void test_independent(void **state)
{
  fixture *fx = *state;
  int all = 1;
  char first[2048] = "";
  for (size_t i = 0; i < dmc_nsuites; i++) {
    const dmc_suite *s = dmc_suites[i];
    const vi_check *c = vi_find(s->name);
    char err[1024], cx[1024] = "", ncx[512] = "", detail[1400];
    vec_table t;
    if (!c || !s->indep || !*s->indep) {
      snprintf(detail, sizeof detail, "no independent check registered (tests/vec_indep.c) or no indep line");
      claims_evidence(fx, s, 0, "independent check of every stored row", 0, detail);
      if (all) snprintf(first, sizeof first, "%s: %s", s->name, detail);
      all = 0;
      continue;
    }
    if (load_suite(s, &t, err, sizeof err)) {
      claims_evidence(fx, s, 0, "independent check of every stored row", 0, err);
      if (all) snprintf(first, sizeof first, "%s", err);
      all = 0;
      continue;
    }
    void *cache = c->cache_new ? c->cache_new() : NULL;
    double worst;
    size_t bad = indep_table(c, s, &t, cache, &worst, cx, sizeof cx), nctl;
    size_t acc = indep_controls(c, s, &t, cache, &nctl, ncx, sizeof ncx);
    if (c->cache_free) c->cache_free(cache);
    printf("%s: independent check: %zu rows x %d outputs, %zu mismatches, max %.6g ULP; negative controls: %zu of %zu "
           "rejected\n", s->name, t.nrows, s->noutputs, bad, worst, nctl - acc, nctl);
    if (!bad)
      snprintf(detail, sizeof detail, "%zu rows x %d outputs, 0 mismatches: every stored double is the correctly "
               "rounded value of the independent check (max observed error %.3g ULP over %zu rows; pass <= 0.5): %s",
               t.nrows, s->noutputs, worst, t.nrows, s->indep);
    else
      snprintf(detail, sizeof detail, "%zu of %zu rows disagree with the independent check (%s); first: %s", bad,
               t.nrows, s->indep, cx);
    claims_evidence(fx, s, !bad, "independent check of every stored row", (unsigned long)t.nrows, detail);
    if (!acc)
      snprintf(detail, sizeof detail, "negative control: %zu stored values (one per output column, moved one ULP "
               "either way) all rejected by the independent check", nctl);
    else
      snprintf(detail, sizeof detail, "negative control: %zu of %zu one-ULP perturbations accepted; first: %s", acc,
               nctl, ncx);
    claims_evidence(fx, s, !acc && nctl > 0, "negative control of the independent check", (unsigned long)nctl, detail);
    if (all && (bad || acc || !nctl))
      snprintf(first, sizeof first, "%s: %s", s->name, bad ? cx : nctl ? ncx : "no negative control");
    all &= !bad && !acc && nctl > 0;
    vec_table_free(&t);
  }
  PROP_CHECK(all, "%s", first);
}

/* ---- `dmcheck eval` functions against the suite outputs they share ------- */

/* Output `out` of `suite` is function `fn` at args: arg i is in[src[i]], or
 * cst[i] where src[i] < 0. Rows with in[0] != only0 are skipped (only0 < 0:
 * none). ulps: the agreement demanded (0: bit for bit); with ulps > 0, the
 * function's value must also be the correctly rounded value of `exact`, an
 * independent check of the function's own real value. */
typedef struct {
  const char *suite;
  int out;
  const char *fn;
  int src[6];
  double cst[6];
  double only0;
  double ulps;
  const vi_check *exact;
} eval_map;

#define NA -1
static const eval_map eval_maps[] = {
  { "gauss_score", 0, "gauss_score", { 0, 1, 2 }, { 0 }, -1, 0, NULL },
  { "gauss_score", 1, "gauss_logpdf", { 0, 1, 2 }, { 0 }, -1, 0, NULL },
  { "tweedie", 0, "tweedie_mean", { 0, 1, 2, 3 }, { 0 }, -1, 0, NULL },
  { "tweedie", 1, "tweedie_var", { 1, 2, 4 }, { 0 }, -1, 0, NULL },
  { "dsm_optimum", 0, "dsm_optimum_w", { 0, 1, 2 }, { 0 }, -1, 0, NULL },
  { "dsm_optimum", 1, "dsm_optimum_b", { 0, 1, 2 }, { 0 }, -1, 0, NULL },
  { "dsm_optimum", 2, "dsm_loss_constant", { 1, 2 }, { 0 }, -1, 0, NULL },
  { "gauss_kl", 0, "gauss_kl", { 0, 1, 2, 3 }, { 0 }, -1, 0, NULL },
  { "discretized_loglik", 0, "discretized_gaussian_loglik", { 0, 1, 2 }, { 0 }, -1, 0, NULL },
  { "param_conversions", 0, "param_convert", { NA, NA, 0, 1, 2 }, { 0, 1 }, -1, 0, NULL },
  { "param_conversions", 1, "param_convert", { NA, NA, 0, 1, 2 }, { 0, 2 }, -1, 0, NULL },
  { "param_conversions", 2, "param_convert", { NA, NA, 0, 1, 2 }, { 0, 3 }, -1, 0, NULL },
  { "param_conversions", 3, "param_convert", { NA, NA, 0, 1, 2 }, { 1, 0 }, -1, 0, NULL },
  { "param_conversions", 4, "param_convert", { NA, NA, 0, 1, 2 }, { 1, 2 }, -1, 0, NULL },
  { "param_conversions", 5, "param_convert", { NA, NA, 0, 1, 2 }, { 1, 3 }, -1, 0, NULL },
  { "param_conversions", 6, "param_convert", { NA, NA, 0, 1, 2 }, { 2, 0 }, -1, 0, NULL },
  { "param_conversions", 7, "param_convert", { NA, NA, 0, 1, 2 }, { 2, 1 }, -1, 0, NULL },
  { "param_conversions", 8, "param_convert", { NA, NA, 0, 1, 2 }, { 2, 3 }, -1, 0, NULL },
  /* VP rows (sde = 0): the eval functions take beta_min = 0.1 as the double
   * nearest 0.1 (the suite has the exact decimal): one ULP from the suite, and
   * correctly rounded for their own beta_min */
  { "sde_coeffs", 0, "sde_drift", { NA, NA, NA, NA, 1, NA }, { 2, 0.1, 20, 0, 0, 1 }, 0, 1, &vi_sde_coeffs_bmin_double },
  { "sde_coeffs", 1, "sde_diffusion", { NA, NA, NA, NA, 1 }, { 2, 0.1, 20, 0 }, 0, 1, &vi_sde_coeffs_bmin_double },
  { "sde_coeffs", 2, "sde_marginal_a", { NA, NA, NA, NA, 1 }, { 2, 0.1, 20, 0 }, 0, 1, &vi_sde_coeffs_bmin_double },
  { "sde_coeffs", 3, "sde_marginal_sd", { NA, NA, NA, NA, 1 }, { 2, 0.1, 20, 0 }, 0, 1, &vi_sde_coeffs_bmin_double },
};
#undef NA

static void test_eval_functions(void **state)
{
  fixture *fx = *state;
  int all = 1;
  char first[1000] = "";
  for (size_t m = 0; m < sizeof eval_maps / sizeof *eval_maps; m++) {
    const eval_map *e = &eval_maps[m];
    const dmc_suite *s = dmc_suite_find(e->suite);
    const cli_function *f = cli_find_function(e->fn);
    char err[1024], cx[600] = "";
    vec_table t;
    if (!s || !f || load_suite(s, &t, err, sizeof err)) {
      snprintf(first, sizeof first, "%s/%s: missing suite, function or file", e->suite, e->fn);
      all = 0;
      continue;
    }
    size_t ni = (size_t)s->ninputs, no = (size_t)s->noutputs, n = 0, bad = 0, differ = 0;
    double worst = 0;
    for (size_t r = 0; r < t.nrows; r++) {
      const double *in = t.in + r * ni;
      if (e->only0 >= 0 && in[0] != e->only0) continue;
      double a[6], v = NAN, d = t.out[r * no + (size_t)e->out];
      for (int i = 0; i < f->nargs; i++) a[i] = e->src[i] >= 0 ? in[e->src[i]] : e->cst[i];
      int st = cli_function_ref(f, a, &v);
      double u = same(v, d) ? 0 : dmc_ulp_distance(v, d);
      if (e->exact) { /* v is the correctly rounded value of the function's own real value */
        double o[VI_MAX_OUT], ulp[VI_MAX_OUT];
        memcpy(o, t.out + r * no, no * sizeof *o);
        o[e->out] = v;
        if (vi_row(e->exact, in, o, (int)no, NULL, ulp) || !(ulp[e->out] <= VI_PASS_ULP)) st = st ? st : -1;
      }
      n++;
      differ += u != 0;
      if (u > worst) worst = u;
      if ((st || !(u <= e->ulps)) && !bad++)
        snprintf(cx, sizeof cx, "row %zu: %s = %a (status %d), stored %s %a", r, e->fn, v, st,
                 s->output_names[e->out], d);
    }
    char detail[900];
    if (!bad)
      snprintf(detail, sizeof detail, "dmcheck eval %s agrees with stored %s on all %zu rows: %zu differ, max %g ULP "
               "(allowed %g%s)", e->fn, s->output_names[e->out], n, differ, worst, e->ulps,
               e->exact ? ", and each value is correctly rounded for beta_min = RN(0.1) by the independent check" : "");
    else
      snprintf(detail, sizeof detail, "dmcheck eval %s disagrees with stored %s on %zu of %zu rows; first: %s", e->fn,
               s->output_names[e->out], bad, n, cx);
    printf("%s.%s vs eval %s: %zu rows, %zu differ, max %g ULP\n", e->suite, s->output_names[e->out], e->fn, n,
           differ, worst);
    claims_evidence(fx, s, !bad && n > 0, "eval function = stored suite output", (unsigned long)n, detail);
    if (all && (bad || !n)) snprintf(first, sizeof first, "%s", detail);
    all &= !bad && n > 0;
    vec_table_free(&t);
  }
  PROP_CHECK(all, "%s", first);
}

/* ---- issue 8: the VP/sub-VP integral of beta ----------------------------- */

/* RN(exp(-B'/2)) and RN(sqrt(1 - exp(-B'))) for the wrong B'(t) = (t + 199 t^2)/10. */
static void wrong_vp(double t, double *mean, double *sd)
{
  mpfr_t b, y;
  mpfr_inits2(256, b, y, (mpfr_ptr)0);
  mpfr_set_d(b, t, MPFR_RNDN);
  mpfr_sqr(b, b, MPFR_RNDN);
  mpfr_mul_ui(b, b, 199, MPFR_RNDN);
  mpfr_add_d(b, b, t, MPFR_RNDN);
  mpfr_div_ui(b, b, 10, MPFR_RNDN);
  mpfr_div_si(y, b, -2, MPFR_RNDN);
  mpfr_exp(y, y, MPFR_RNDN);
  *mean = mpfr_get_d(y, MPFR_RNDN);
  mpfr_neg(y, b, MPFR_RNDN);
  mpfr_expm1(y, y, MPFR_RNDN);
  mpfr_neg(y, y, MPFR_RNDN);
  mpfr_sqrt(y, y, MPFR_RNDN);
  *sd = mpfr_get_d(y, MPFR_RNDN);
  mpfr_clears(b, y, (mpfr_ptr)0);
}

static void test_sde_regression(void **state)
{
  fixture *fx = *state;
  const dmc_suite *s = dmc_suite_find("sde_coeffs");
  const vi_check *c = vi_find("sde_coeffs");
  PROP_CHECK(s && c, "sde_coeffs suite or its check missing");
  /* exact route: B(3/10) = 3/100 + 199 (3/10)^2 / 20 as a GMP rational */
  mpq_t B, q;
  mpq_inits(B, q, NULL);
  mpq_set_ui(B, 3, 10);
  mpq_mul(B, B, B);
  mpq_set_ui(q, 199, 20);
  mpq_mul(B, B, q);
  mpq_set_ui(q, 3, 100);
  mpq_add(B, B, q);
  mpfr_t m;
  mpfr_init2(m, 200);
  mpfr_set_q(m, B, MPFR_RNDN);
  mpfr_div_si(m, m, -2, MPFR_RNDN);
  mpfr_exp(m, m, MPFR_RNDN);
  double exact = mpfr_get_d(m, MPFR_RNDN);
  mpfr_clear(m);
  mpq_clears(B, q, NULL);
  double in[2] = { 0, 0.3 }, out[4], ulp[4], fa[5] = { 2, 0.1, 20, 0, 0.3 }, fv = NAN;
  int st = s->eval(in, out);
  const cli_function *f = cli_find_function("sde_marginal_a");
  int fst = f ? cli_function_ref(f, fa, &fv) : -1;
  int vst = vi_row(c, in, out, 4, NULL, ulp);
  double wm, wsd;
  wrong_vp(0.3, &wm, &wsd);
  double bad_out[4] = { out[0], out[1], wm, out[3] }, bad_ulp[4];
  int bst = vi_row(c, in, bad_out, 4, NULL, bad_ulp);
  printf("sde_coeffs t=0.3 VP: suite mean_coef %.17g, eval sde_marginal_a %.17g, exact B(3/10) route %.17g, "
         "independent check error %.3g ULP; the wrong B gives %.17g (%.3g ULP: %s)\n", out[2], fv, exact, ulp[2], wm,
         bad_ulp[2], bst == 0 && bad_ulp[2] > VI_PASS_ULP ? "rejected" : "ACCEPTED");
  int ok1 = st == 0 && fst == 0 && fv == out[2] && fabs(out[2] - exact) <= 2 * DBL_EPSILON && fabs(out[2] - 0.62955) < 1e-5 &&
            vst == 0 && ulp[2] <= VI_PASS_ULP && ulp[3] <= VI_PASS_ULP;
  int ok2 = bst == 0 && bad_ulp[2] > VI_PASS_ULP && fabs(wm - 0.40232) < 1e-5;
  /* the whole stored VP/sub-VP table with the wrong B put back: every mean_coef and std must be rejected */
  char err[1024];
  vec_table t;
  size_t n = 0, rejected = 0;
  if (!load_suite(s, &t, err, sizeof err)) {
    for (size_t r = 0; r < t.nrows; r++) {
      double *o = t.out + r * 4, *x = t.in + r * 2, wr[4], u[4];
      if (x[0] == 2) continue;
      memcpy(wr, o, sizeof wr);
      double wsd2;
      wrong_vp(x[1], &wr[2], &wsd2);
      wr[3] = x[0] == 0 ? wsd2 : wsd2 * wsd2;
      n++;
      rejected += vi_row(c, x, wr, 4, NULL, u) == 0 && u[2] > VI_PASS_ULP && u[3] > VI_PASS_ULP;
    }
    vec_table_free(&t);
  }
  printf("sde_coeffs: with B'(t) = (t + 199 t^2)/10 put back, %zu of %zu VP/sub-VP rows rejected\n", rejected, n);
  int ok3 = n > 0 && rejected == n;
  evidence_row(fx->ev, "sched.sde.vp", "vectors", ok1, "VP mean coefficient at t = 0.3 (issue 8 regression)", 1,
               fx->seed, "suite mean_coef %.17g = eval sde_marginal_a %.17g, within 2 eps of exp(-B/2) with B(3/10) an "
               "exact GMP rational (%.17g), and 0 <= 0.5 ULP from the quadrature check (%.3g ULP)", out[2], fv, exact,
               ulp[2]);
  evidence_row(fx->ev, "sched.sde.vp", "control", ok2 && ok3, "VP mean coefficient at t = 0.3 (issue 8 regression)",
               (unsigned long)n, fx->seed, "the same independent check with the wrong integral of beta: B'(t) = (t + 199 t^2)/10 gives mean_coef %.17g at t = 0.3 (%.3g ULP from the "
               "independent check: rejected); correctly rounded values of the wrong B' in every VP/sub-VP row: %zu of "
               "%zu rows rejected", wm, bad_ulp[2], rejected, n);
  PROP_CHECK(ok1, "t = 0.3: suite %a, eval %a, exact %a, check %g ULP", out[2], fv, exact, ulp[2]);
  PROP_CHECK(ok2 && ok3, "the wrong integral of beta was not rejected (%zu of %zu rows)", rejected, n);
}

PROP_FIXTURE(PROGRAM)

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_suites_cross),
    cmocka_unit_test(test_beta_sweeps),
    cmocka_unit_test(test_independent),
    cmocka_unit_test(test_eval_functions),
    cmocka_unit_test(test_sde_regression),
  };
  return cmocka_run_group_tests_name(PROGRAM, tests, setup, teardown);
}
