/* test_oracle.c -- D10: the Gaussian-mixture oracles of src/oracle.c against
 * the MPFR references of reference/oracle.c (claims sampler.oracle.*).
 * One ULP is asserted where the result is well conditioned (the cancellation
 * factor C of theory/d10_samplers.tex is at most 2^40, computed here in plain
 * double from the reference's alpha and sigma); the maximum over all points
 * is reported beside it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>

#include "dmcheck.h"
#include "dmcref.h"
#include "prop.h"

#define PROGRAM "test_oracle"
#define N_POINTS 800
#define KMAX 5
#define COND_MAX 0x1p40
#define TWO_PI 6.283185307179586

typedef prop_fixture fixture;

typedef struct {
  dmc_proc p;
  dmc_gmm g;
  double t, s;
  double w[KMAX], mean[KMAX * DMC_GMM_D_MAX], var[KMAX * DMC_GMM_D_MAX];
  double x[DMC_GMM_D_MAX];
} problem;

static const char *const names[] = { "proc", "t", "s", "k", "d", "cov", "x0", "x1" };

static void inputs(const problem *q, double in[8])
{
  in[0] = q->p.kind; in[1] = q->t; in[2] = q->s; in[3] = (double)q->g.k; in[4] = (double)q->g.d;
  in[5] = q->g.cov; in[6] = q->x[0]; in[7] = q->g.d > 1 ? q->x[1] : 0.0;
}

/* A mixture and a point, cycling through the processes, both ends of the
 * schedule, far-apart components, tiny and log weights, d up to 64. */
static void draw_problem(gsl_rng *r, unsigned long i, problem *q)
{
  static const size_t dims[] = { 1, 2, 3, 1, 8, 2, 4, 64 };
  int kind = 1 + (int)(i % 3);
  q->p.kind = kind;
  if (kind == DMC_PROC_VP) { q->p.p0 = 0.1; q->p.p1 = 20.0; }
  else if (kind == DMC_PROC_VE) { q->p.p0 = 0.01; q->p.p1 = 50.0; }
  else { q->p.p0 = q->p.p1 = 0.0; }
  double tmax = kind == DMC_PROC_EDM ? 80.0 : 1.0;
  switch ((i / 3) % 5) {
  case 0: q->t = 0.0; break;
  case 1: q->t = tmax; break;
  case 2: q->t = tmax * prop_log_uniform(r, -12, 0, 0); break;
  default: q->t = tmax * gsl_rng_uniform(r); break;
  }
  q->s = q->t * gsl_rng_uniform(r);
  size_t d = dims[(i / 15) % 8];
  if (d == 64 && i % 4 != 0) d = 5;          /* d = 64 on a few points: the reference costs d^2 */
  size_t k = 1 + gsl_rng_uniform_int(r, KMAX);
  int far = i % 7 == 0;
  q->g.k = k; q->g.d = d;
  q->g.cov = (int)(i % 2);
  q->g.weights = i % 5 == 0 ? DMC_WEIGHTS_LOG : DMC_WEIGHTS_LINEAR;
  for (size_t j = 0; j < k; j++) {
    q->w[j] = q->g.weights == DMC_WEIGHTS_LOG ? -40.0 * gsl_rng_uniform(r)
              : (i % 11 == 0 && j == 0 ? 1e-300 : 0.05 + gsl_rng_uniform(r));
    for (size_t c = 0; c < d; c++) {
      q->mean[j * d + c] = (far ? 1e3 : 3.0) * gsl_ran_gaussian(r, 1.0);
      q->var[j * d + c] = prop_log_uniform(r, -3, 1, 0);
    }
  }
  q->g.w = q->w; q->g.mean = q->mean; q->g.var = q->var;
  size_t j = gsl_rng_uniform_int(r, k);
  double alpha, sigma;
  ref_proc_coef(&q->p, q->t, &alpha, &sigma);
  for (size_t c = 0; c < d; c++) {
    double v = q->g.cov == DMC_GMM_ISO ? q->var[j] : q->var[j * d + c];
    double sd = sqrt(alpha * alpha * v + sigma * sigma);
    q->x[c] = alpha * q->mean[j * d + c] + sd * gsl_ran_gaussian(r, i % 13 == 0 ? 30.0 : 1.0);
  }
}

/* Conditioning in plain double: logit magnitudes, responsibilities, and the
 * cancellation factors of the log-density, score and denoiser. */
typedef struct { double logp, score[DMC_GMM_D_MAX], denoise[DMC_GMM_D_MAX], lmag; } cond;

static void conditioning(const problem *q, cond *c)
{
  double alpha, sigma;
  ref_proc_coef(&q->p, q->t, &alpha, &sigma);
  size_t k = q->g.k, d = q->g.d;
  double l[KMAX], best = -INFINITY, lmag = 0.0, lw[KMAX], bw = -INFINITY;
  for (size_t j = 0; j < k; j++) {
    lw[j] = q->g.weights == DMC_WEIGHTS_LOG ? q->w[j] : log(q->w[j]);
    double m = fabs(lw[j]);
    l[j] = lw[j];
    for (size_t i = 0; i < d; i++) {
      double s = q->g.cov == DMC_GMM_ISO ? q->var[j] : q->var[j * d + i];
      double v = alpha * alpha * s + sigma * sigma, am = alpha * q->mean[j * d + i];
      l[j] -= 0.5 * (log(TWO_PI * v) + (q->x[i] - am) * (q->x[i] - am) / v);
      m += fabs(log(TWO_PI * v)) + (fabs(q->x[i]) + fabs(am)) * (fabs(q->x[i]) + fabs(am)) / v;
    }
    if (m > lmag) lmag = m;
    if (l[j] > best) best = l[j];
    if (lw[j] > bw) bw = lw[j];
  }
  double sum = 0.0, sw = 0.0;
  for (size_t j = 0; j < k; j++) { sum += exp(l[j] - best); sw += exp(lw[j] - bw); }
  double lse = best + log(sum), logp = lse - (bw + log(sw));
  c->lmag = lmag + fabs(lse) + 1.0;
  c->logp = (c->lmag + fabs(bw + log(sw))) / fabs(logp);
  for (size_t i = 0; i < d; i++) {
    double sc = 0.0, smag = 0.0, dn = 0.0, dmag = 0.0;
    for (size_t j = 0; j < k; j++) {
      double r = exp(l[j] - lse);
      double s = q->g.cov == DMC_GMM_ISO ? q->var[j] : q->var[j * d + i];
      double v = alpha * alpha * s + sigma * sigma, m = q->mean[j * d + i];
      sc += r * (alpha * m - q->x[i]) / v;
      smag += r * (fabs(alpha * m) + fabs(q->x[i])) / v;
      dn += r * (sigma * sigma * m + alpha * s * q->x[i]) / v;
      dmag += r * (fabs(sigma * sigma * m) + fabs(alpha * s * q->x[i])) / v;
    }
    c->score[i] = c->lmag * smag / fabs(sc);
    c->denoise[i] = c->lmag * dmag / fabs(dn);
  }
}

/* One accumulator for the well-conditioned points (asserted against the
 * budget) and one for all points (reported). */
typedef struct { prop_acc good; double max_all; unsigned long n_all, ill; } acc2;

static void acc2_init(acc2 *a, const char *fn, const char *claim)
{
  prop_acc_init(&a->good, fn, claim, 8, names);
  a->max_all = 0.0; a->n_all = a->ill = 0;
}

static void acc2_add(acc2 *a, const problem *q, double c, double got, double want, int rs)
{
  double in[8];
  inputs(q, in);
  a->n_all++;
  if (rs == 0) { double u = dmc_ulp_distance(got, want); if (u > a->max_all) a->max_all = u; }
  if (c <= COND_MAX) prop_acc_add(&a->good, in, got, want, rs);
  else a->ill++;
}

static void acc2_finish(acc2 *a, fixture *fx)
{
  printf("%s: %lu outputs, %lu well conditioned, max ULP well conditioned %.3g, all %.3g\n",
         a->good.function, a->n_all, a->good.n, a->good.max_ulp, a->max_all);
  PROP_ASSERT_ACC(a->good, fx->ev, PROGRAM, fx->seed);
}

static void test_oracle_pointwise(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 51);
  acc2 lp, sc, dn, pw, pm, pv, co, tr;
  acc2_init(&lp, "dmc_gmm_logpdf", "sampler.oracle.logpdf");
  acc2_init(&sc, "dmc_gmm_score", "sampler.oracle.score");
  acc2_init(&dn, "dmc_gmm_denoise", "sampler.oracle.denoise");
  acc2_init(&pw, "dmc_gmm_posterior", "sampler.oracle.posterior");
  acc2_init(&co, "dmc_proc_coef", "sampler.oracle.coef");
  acc2_init(&tr, "dmc_proc_transition", "sampler.oracle.transition");
  pm = pw; pv = pw;
  static problem q;
  for (unsigned long i = 0, n = prop_points(N_POINTS); i < n; i++) {
    draw_problem(r, i, &q);
    cond c;
    conditioning(&q, &c);
    size_t d = q.g.d, k = q.g.k;
    double got[KMAX * DMC_GMM_D_MAX], want[KMAX * DMC_GMM_D_MAX];
    int ls = dmc_gmm_logpdf(&q.p, &q.g, q.t, q.x, got);
    PROP_CHECK(ls == DMC_OK, "logpdf failed (status %d) at point %lu: proc %d t %a k %zu d %zu x0 %a", ls, i, q.p.kind, q.t, k, d, q.x[0]);
    int rs = ref_gmm_logpdf(&q.p, &q.g, q.t, q.x, want);
    acc2_add(&lp, &q, c.logp, got[0], want[0], rs);
    PROP_CHECK(dmc_gmm_score(&q.p, &q.g, q.t, q.x, got) == DMC_OK, "score failed at point %lu", i);
    rs = ref_gmm_score(&q.p, &q.g, q.t, q.x, want);
    for (size_t j = 0; j < d; j++) acc2_add(&sc, &q, c.score[j], got[j], want[j], rs);
    PROP_CHECK(dmc_gmm_denoise(&q.p, &q.g, q.t, q.x, got) == DMC_OK, "denoise failed at point %lu", i);
    rs = ref_gmm_denoise(&q.p, &q.g, q.t, q.x, want);
    for (size_t j = 0; j < d; j++) acc2_add(&dn, &q, c.denoise[j], got[j], want[j], rs);
    double ga[2], wa[2];
    PROP_CHECK(dmc_proc_coef(&q.p, q.t, &ga[0], &ga[1]) == DMC_OK, "coef failed at point %lu", i);
    rs = ref_proc_coef(&q.p, q.t, &wa[0], &wa[1]);
    acc2_add(&co, &q, 0, ga[0], wa[0], rs);
    acc2_add(&co, &q, 0, ga[1], wa[1], rs);
    if (q.s < q.t) {
      PROP_CHECK(dmc_proc_transition(&q.p, q.s, q.t, &ga[0], &ga[1]) == DMC_OK, "transition failed at %lu", i);
      rs = ref_proc_transition(&q.p, q.s, q.t, &wa[0], &wa[1]);
      acc2_add(&tr, &q, 0, ga[0], wa[0], rs);
      acc2_add(&tr, &q, 0, ga[1], wa[1], rs);
      if (d <= 8) {
        double glw[KMAX], wlw[KMAX], gv[KMAX * 8], wv[KMAX * 8];
        PROP_CHECK(dmc_gmm_posterior(&q.p, &q.g, q.s, q.t, q.x, glw, got, gv) == DMC_OK,
                   "posterior failed at %lu", i);
        rs = ref_gmm_posterior(&q.p, &q.g, q.s, q.t, q.x, wlw, want, wv);
        for (size_t j = 0; j < k; j++) {
          acc2_add(&pw, &q, c.lmag / fabs(wlw[j]), glw[j], wlw[j], rs);
          for (size_t m = 0; m < d; m++) {
            acc2_add(&pm, &q, 0x1p20, got[j * d + m], want[j * d + m], rs);
            acc2_add(&pv, &q, 0, gv[j * d + m], wv[j * d + m], rs);
          }
        }
      }
    }
  }
  gsl_rng_free(r);
  acc2_finish(&lp, fx);
  acc2_finish(&sc, fx);
  acc2_finish(&dn, fx);
  acc2_finish(&co, fx);
  acc2_finish(&tr, fx);
  acc2_finish(&pw, fx);
  acc2_finish(&pm, fx);
  acc2_finish(&pv, fx);
}

static void test_oracle_moments(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 52);
  acc2 mo;
  acc2_init(&mo, "dmc_gmm_moments", "sampler.oracle.moments");
  static problem q;
  for (unsigned long i = 0, n = prop_points(200); i < n; i++) {
    draw_problem(r, i, &q);
    if (q.g.d > 8) continue;
    size_t d = q.g.d;
    double gm[8], gc[64], wm[8], wc[64];
    PROP_CHECK(dmc_gmm_moments(&q.p, &q.g, q.t, gm, gc) == DMC_OK, "moments failed at %lu", i);
    int rs = ref_gmm_moments(&q.p, &q.g, q.t, wm, wc);
    for (size_t j = 0; j < d; j++) acc2_add(&mo, &q, 0, gm[j], wm[j], rs);
    for (size_t j = 0; j < d * d; j++) acc2_add(&mo, &q, 0, gc[j], wc[j], rs);
  }
  gsl_rng_free(r);
  acc2_finish(&mo, fx);
}

/* Statement-level checks with negative controls: Tweedie's identity between
 * the score and the denoiser, the score as the gradient of the log-density
 * (central differences), and the same checks on perturbed statements. */
static void test_oracle_identities(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 53);
  static problem q;
  unsigned long n = 0, tw_bad = 0, gr_bad = 0, tw_ctl = 0, gr_ctl = 0;
  for (unsigned long i = 0; i < 300; i++) {
    draw_problem(r, i, &q);
    if (q.g.d > 8 || i % 7 == 0 || i % 13 == 0) continue;     /* moderate points for differences */
    double alpha, sigma, sc[8], dn[8], x[8], lp1, lp2;
    dmc_proc_coef(&q.p, q.t, &alpha, &sigma);
    if (!(sigma > 1e-3)) continue;
    dmc_gmm_score(&q.p, &q.g, q.t, q.x, sc);
    dmc_gmm_denoise(&q.p, &q.g, q.t, q.x, dn);
    n++;
    int bad = 0, ctl = 0;
    for (size_t j = 0; j < q.g.d; j++) {
      double tw = (q.x[j] + sigma * sigma * sc[j]) / alpha, tol = 1e-9 * (1 + fabs(q.x[j]) / alpha + fabs(dn[j]));
      if (fabs(tw - dn[j]) > tol) bad = 1;
      double twx = (q.x[j] + sigma * sc[j]) / alpha;      /* sigma in place of sigma^2 */
      if (fabs(twx - dn[j]) > tol) ctl = 1;
    }
    tw_bad += bad; tw_ctl += ctl;
    bad = 0; ctl = 0;
    for (size_t j = 0; j < q.g.d; j++) {
      double h = 1e-4 * sigma;
      for (size_t m = 0; m < q.g.d; m++) x[m] = q.x[m];
      x[j] = q.x[j] + h; dmc_gmm_logpdf(&q.p, &q.g, q.t, x, &lp1);
      x[j] = q.x[j] - h; dmc_gmm_logpdf(&q.p, &q.g, q.t, x, &lp2);
      double fd = (lp1 - lp2) / (2 * h), tol = 1e-5 * (1 + fabs(sc[j]));
      if (fabs(fd - sc[j]) > tol) bad = 1;
      if (fabs(fd - 0.5 * sc[j]) > tol) ctl = 1;         /* the score without its factor 2/2 */
    }
    gr_bad += bad; gr_ctl += ctl;
  }
  gsl_rng_free(r);
  static const char tw_check[] = "Tweedie (x + sigma^2 score)/alpha = denoiser",
                    gr_check[] = "score = central difference of logpdf";
  evidence_row(fx->ev, "sampler.oracle.denoise", "numeric", tw_bad == 0, tw_check,
               n, fx->seed, "%lu of %lu points off by more than 1e-9 relative", tw_bad, n);
  evidence_row(fx->ev, "sampler.oracle.denoise", "control", tw_ctl > n / 2, tw_check,
               n, fx->seed, "sigma in place of sigma^2: the identity fails at %lu of %lu points", tw_ctl, n);
  evidence_row(fx->ev, "sampler.oracle.score", "numeric", gr_bad == 0, gr_check,
               n, fx->seed, "%lu of %lu points off by more than 1e-5", gr_bad, n);
  evidence_row(fx->ev, "sampler.oracle.score", "control", gr_ctl > n / 2, gr_check,
               n, fx->seed, "half the score: the identity fails at %lu of %lu points", gr_ctl, n);
  PROP_CHECK(n > 50, "only %lu usable points", n);
  PROP_CHECK(tw_bad == 0 && gr_bad == 0, "identities fail: Tweedie %lu, gradient %lu of %lu", tw_bad, gr_bad, n);
  PROP_CHECK(tw_ctl > n / 2 && gr_ctl > n / 2, "controls not caught: %lu, %lu of %lu", tw_ctl, gr_ctl, n);
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Exact draws against the exact coordinate cdf (KS, threshold for alpha = 1e-6)
 * and the cdf against its MPFR reference. */
static void test_oracle_draw_cdf(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 54);
  static problem q;
  double max_err = 0.0, max_ks = 0.0;
  unsigned long checks = 0;
  enum { N = 2000 };
  static double xs[N * 8], col[N];
  for (unsigned long i = 0; i < 30; i++) {
    draw_problem(r, i, &q);
    if (q.g.d > 8) continue;
    PROP_CHECK(dmc_gmm_draw(&q.p, &q.g, q.t, r, N, xs) == DMC_OK, "draw failed");
    for (size_t j = 0; j < q.g.d; j++) {
      for (size_t s = 0; s < N; s++) col[s] = xs[s * q.g.d + j];
      qsort(col, N, sizeof col[0], cmp_double);
      double dmax = 0.0;
      for (size_t s = 0; s < N; s++) {
        double F, want;
        dmc_gmm_cdf(&q.p, &q.g, q.t, j, col[s], &F);
        if (s % 400 == 0) {
          ref_gmm_cdf(&q.p, &q.g, q.t, j, col[s], &want);
          if (fabs(F - want) > max_err) max_err = fabs(F - want);
        }
        double dd = fmax(fabs((double)(s + 1) / N - F), fabs(F - (double)s / N));
        if (dd > dmax) dmax = dd;
      }
      if (dmax > max_ks) max_ks = dmax;
      checks++;
    }
  }
  gsl_rng_free(r);
  /* Dvoretzky-Kiefer-Wolfowitz: P(D > eps) <= 2 exp(-2 N eps^2) = 1e-6 / 200 checks */
  double eps = sqrt(log(2.0 / (1e-6 / 200.0)) / (2.0 * N));
  evidence_row(fx->ev, "sampler.oracle.moments", "statistical", max_ks <= eps, "exact draws vs exact coordinate cdf (KS)",
               checks, fx->seed, "max KS %.4g over %lu coordinates, threshold %.4g (DKW, false alarm <= 1e-6 in all)",
               max_ks, checks, eps);
  evidence_row(fx->ev, "sampler.oracle.moments", "accuracy", max_err <= 1e-15, "coordinate cdf vs MPFR",
               checks, fx->seed, "max absolute error %.3g", max_err);
  printf("draw/cdf: max KS %.4g (threshold %.4g), cdf max abs error %.3g\n", max_ks, eps, max_err);
  PROP_CHECK(max_ks <= eps && max_err <= 1e-15, "KS %g (eps %g), cdf err %g", max_ks, eps, max_err);
}

static void test_oracle_domain(void **state)
{
  fixture *fx = *state;
  double w[2] = { 1, 1 }, m[4] = { 0, 0, 1, 1 }, v[2] = { 1, 1 }, x[2] = { 0.5, 0.5 }, out[8], o2[10];
  dmc_gmm g = { 2, 2, w, m, v, DMC_GMM_ISO, DMC_WEIGHTS_LINEAR };
  dmc_proc vp = { DMC_PROC_VP, 0.1, 20 }, bad = { 7, 0, 0 };
  int checked = 0, ok = 1;
#define EXPECT_NAN(call, n) do { for (int z = 0; z < 8; z++) out[z] = 0; \
    ok &= (call) == DMC_EDOM; for (int z = 0; z < (n); z++) ok &= isnan(out[z]) != 0; checked++; } while (0)
  EXPECT_NAN(dmc_gmm_logpdf(&bad, &g, 0.5, x, out), 1);
  EXPECT_NAN(dmc_gmm_logpdf(&vp, &g, 1.5, x, out), 1);
  EXPECT_NAN(dmc_gmm_score(&vp, &g, -0.1, x, out), 2);
  EXPECT_NAN(dmc_gmm_denoise(&vp, &g, NAN, x, out), 2);
  EXPECT_NAN(dmc_proc_coef(&vp, 2.0, out, out + 1), 2);
  EXPECT_NAN(dmc_proc_transition(&vp, 0.6, 0.5, out, out + 1), 2);
  EXPECT_NAN(dmc_gmm_cdf(&vp, &g, 0.5, 2, 0.0, out), 1);
  double xb[2] = { INFINITY, 0 };
  EXPECT_NAN(dmc_gmm_score(&vp, &g, 0.5, xb, out), 2);
  v[1] = 0;
  EXPECT_NAN(dmc_gmm_score(&vp, &g, 0.5, x, out), 2);
  EXPECT_NAN(dmc_gmm_moments(&vp, &g, 0.5, out, NULL), 2);
  v[1] = 1; w[0] = w[1] = 0;
  EXPECT_NAN(dmc_gmm_logpdf(&vp, &g, 0.5, x, out), 1);
  w[0] = w[1] = 1;
  for (int z = 0; z < 10; z++) o2[z] = 0;
  ok &= dmc_gmm_posterior(&vp, &g, 0.7, 0.5, x, o2, o2 + 2, o2 + 6) == DMC_EDOM;
  for (int z = 0; z < 10; z++) ok &= isnan(o2[z]) != 0;
  checked++;
  evidence_row(fx->ev, "sampler.oracle.domain", "behaviour", ok, "invalid arguments", (unsigned long)checked, fx->seed,
               "%d invalid calls (unknown process, t outside the schedule, NaN t, s > t, coordinate >= d, inf x, zero variance, no positive weight) returned DMC_EDOM with NaN in every output", checked);
  PROP_CHECK(ok, "an invalid call did not give DMC_EDOM with NaN outputs");
}

PROP_FIXTURE(PROGRAM)

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_oracle_pointwise),
    cmocka_unit_test(test_oracle_moments),
    cmocka_unit_test(test_oracle_identities),
    cmocka_unit_test(test_oracle_draw_cdf),
    cmocka_unit_test(test_oracle_domain),
  };
  return cmocka_run_group_tests_name(PROGRAM, tests, setup, teardown);
}
