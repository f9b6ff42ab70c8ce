/* test_elbo.c -- D7: src/elbo.c against reference/elbo.c (claims elbo.*):
 * ULP accuracy of the Gaussian KL (dense near-coincident sweep), the Gaussian
 * and discretised Gaussian log-likelihoods and the linear-Gaussian chain's
 * closed forms; statistical tests of the Monte Carlo and Rao-Blackwellised
 * ELBO estimators; the ELBO-gap figure. */
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

#define PROGRAM "test_elbo"
#define Z_CRIT 5.3 /* two-sided normal tail 1.2e-7 per test */

typedef prop_fixture fixture;

static const char *const names_kl[] = { "mu1", "logvar1", "mu2", "logvar2" };
static const char *const names_ll[] = { "x", "mean", "logvar" };
static const char *const names_dg[] = { "x", "mean", "log_scale" };

/* ---- Gaussian KL ---------------------------------------------------------- */
static void test_gauss_kl(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 1);
  prop_acc acc;
  prop_acc_init(&acc, "dmc_gauss_kl", "elbo.kl.gauss", 4, names_kl);
  /* dense sweep: |d| = 10^-u for u on a grid over [1, 16], both signs, and
   * dmu in {0, tiny (1e-9 sigma2 or 1e-150), 1} */
  const unsigned long grid = prop_points(6000);
  double sweep_max = 0;
  unsigned long sweep_n = 0;
  for (unsigned long i = 0; i < grid; i++) {
    double u = 1.0 + 15.0 * (double)i / (double)(grid - 1);
    for (int sign = -1; sign <= 1; sign += 2)
      for (int k = 0; k < 3; k++) {
        double in[4], got, want;
        in[3] = 40 * gsl_rng_uniform(r) - 20;
        in[0] = 20 * gsl_rng_uniform(r) - 10;
        in[1] = in[3] + sign * pow(10.0, -u);
        double tiny = (i % 2) ? 1e-9 * exp(in[3] / 2) : 1e-150;
        in[2] = in[0] + (k == 0 ? 0.0 : k == 1 ? tiny : 1.0);
        PROP_CHECK(dmc_gauss_kl(in[0], in[1], in[2], in[3], &got) == DMC_OK, "dmc_gauss_kl failed");
        int rs = ref_gauss_kl(in[0], in[1], in[2], in[3], &want);
        double ulp = prop_acc_add(&acc, in, got, want, rs);
        if (ulp > sweep_max) sweep_max = ulp;
        sweep_n++;
      }
  }
  evidence_row(fx->ev, "elbo.kl.near", "accuracy", sweep_max <= 1, "near-coincident sweep", sweep_n, fx->seed,
               "dmc_gauss_kl at |logvar1-logvar2| = 10^-u, u on a %lu-point grid in [1,16], both signs, "
               "dmu in {0, tiny, 1}: max %.0f ULP against the correctly rounded MPFR value (budget 1)",
               grid, sweep_max);
  /* general points: moderate and extreme log-variances and means */
  const unsigned long n = prop_points(60000);
  for (unsigned long i = 0; i < n; i++) {
    double in[4], got, want;
    double span = (i % 3 == 0) ? 700 : 30;
    in[0] = prop_log_uniform(r, -5, 5, 1);
    in[2] = (i % 4 == 0) ? in[0] : prop_log_uniform(r, -5, 5, 1);
    in[1] = span * (2 * gsl_rng_uniform(r) - 1);
    in[3] = span * (2 * gsl_rng_uniform(r) - 1);
    PROP_CHECK(dmc_gauss_kl(in[0], in[1], in[2], in[3], &got) == DMC_OK, "dmc_gauss_kl failed");
    int rs = ref_gauss_kl(in[0], in[1], in[2], in[3], &want);
    prop_acc_add(&acc, in, got, want, rs);
  }
  /* the edges of the double range: tests/bad_cases.tsv (test_bad_cases) */
  gsl_rng_free(r);
  PROP_CHECK(sweep_max <= 1, "near-coincident KL: %.0f ULP", sweep_max);
  PROP_ASSERT_ACC(acc, fx->ev, PROGRAM, fx->seed);
}

/* ---- Gaussian log-likelihood ---------------------------------------------- */
static void test_gauss_loglik(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 2);
  prop_acc acc;
  prop_acc_init(&acc, "dmc_gauss_loglik", "elbo.loglik.gauss", 3, names_ll);
  const unsigned long n = prop_points(60000);
  for (unsigned long i = 0; i < n; i++) {
    double in[3], got, want;
    in[0] = 20 * gsl_rng_uniform(r) - 10;
    in[2] = (i % 3 == 0) ? 1400 * gsl_rng_uniform(r) - 700 : 40 * gsl_rng_uniform(r) - 20;
    double z = 12 * gsl_rng_uniform(r) - 6;
    if (i % 5 == 4) { /* near the zeros: z^2 = -(log 2 pi + logvar) */
      in[2] = -1.8378770664093453 - 30 * gsl_rng_uniform(r);
      z = sqrt(-(1.8378770664093453 + in[2])) * (gsl_rng_uniform(r) < 0.5 ? -1 : 1);
    }
    in[1] = in[0] + exp(in[2] / 2) * z;
    if (!isfinite(in[1])) in[1] = in[0];
    PROP_CHECK(dmc_gauss_loglik(in[0], in[1], in[2], &got) == DMC_OK, "dmc_gauss_loglik failed");
    int rs = ref_gauss_loglik(in[0], in[1], in[2], &want);
    prop_acc_add(&acc, in, got, want, rs);
  }
  /* the edges of the double range: tests/bad_cases.tsv (test_bad_cases) */

  gsl_rng_free(r);
  PROP_ASSERT_ACC(acc, fx->ev, PROGRAM, fx->seed);
}

/* ---- discretised Gaussian log-likelihood ----------------------------------- */
static void test_discretized(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 3);
  prop_acc acc;
  prop_acc_init(&acc, "dmc_discretized_gaussian_loglik", "elbo.loglik.discretized", 3, names_dg);
  const unsigned long n = prop_points(4000);
  for (unsigned long i = 0; i < n; i++) {
    double in[3], got, want;
    int k = (int)gsl_rng_uniform_int(r, 256);
    if (i % 6 == 0) k = (i / 6) % 2 ? 255 : 0;               /* the two edge bins */
    in[0] = 2.0 * k / 255.0 - 1.0;
    switch (i % 4) {
    case 0: /* ordinary */
      in[2] = -6 + 7 * gsl_rng_uniform(r);
      in[1] = 2.4 * gsl_rng_uniform(r) - 1.2;
      break;
    case 1: /* far tails: small scale, mean away from x */
      in[2] = -12 + 6 * gsl_rng_uniform(r);
      in[1] = in[0] + (gsl_rng_uniform(r) - 0.5) * 0.2;
      break;
    case 2: /* narrow bins: large scale */
      in[2] = -1 + 6 * gsl_rng_uniform(r);
      in[1] = 6 * gsl_rng_uniform(r) - 3;
      break;
    default: /* mean near a bin edge */
      in[2] = -9 + 8 * gsl_rng_uniform(r);
      in[1] = in[0] + (gsl_rng_uniform(r) < 0.5 ? -1 : 1) / 255.0 * (1 + 1e-3 * (gsl_rng_uniform(r) - 0.5));
      break;
    }
    PROP_CHECK(dmc_discretized_gaussian_loglik(in[0], in[1], in[2], &got) == DMC_OK, "discretized loglik failed");
    int rs = ref_discretized_gaussian_loglik(in[0], in[1], in[2], &want);
    prop_acc_add(&acc, in, got, want, rs);
  }
  gsl_rng_free(r);
  PROP_ASSERT_ACC(acc, fx->ev, PROGRAM, fx->seed);
}

/* ---- the linear-Gaussian chain -------------------------------------------- */
#define TMAX 1000
typedef struct {
  size_t T;
  double lambda[TMAX], a[TMAX], b[TMAX], c[TMAX], mT, vT, m0, v0;
} chain;

static dmc_lgc as_lgc(const chain *ch)
{
  dmc_lgc m = { ch->T, ch->lambda, ch->a, ch->b, ch->c, ch->mT, ch->vT };
  return m;
}

/* VP schedule with random betas, data N(m0, v0), and reverse kernels that are
 * the true ones perturbed by eps along random (or given) directions. */
static void make_chain(gsl_rng *r, chain *ch, size_t T, double eps, const double *dir)
{
  ch->T = T;
  double bmax = fmin(0.5, 20.0 / (double)T);
  for (size_t t = 0; t < T; t++) ch->lambda[t] = sqrt(1 - (1e-4 + (bmax - 1e-4) * gsl_rng_uniform(r)));
  ch->m0 = 4 * gsl_rng_uniform(r) - 2;
  ch->v0 = exp(4 * gsl_rng_uniform(r) - 2);
  dmc_lgc_true_reverse(T, ch->lambda, ch->m0, ch->v0, ch->a, ch->b, ch->c, &ch->mT, &ch->vT);
  double d[5];
  for (int k = 0; k < 5; k++) d[k] = dir ? dir[k] : gsl_ran_gaussian(r, 1.0);
  for (size_t t = 0; t < T; t++) {
    ch->a[t] *= 1 + eps * d[0];
    ch->b[t] += eps * d[1] * sqrt(ch->c[t]);
    ch->c[t] *= exp(eps * d[2]);
  }
  ch->mT += eps * d[3];
  ch->vT *= exp(eps * d[4]);
}

static const size_t chain_lengths[] = { 1, 2, 3, 5, 10, 100, 1000 };
static const char *const names_chain[] = { "T", "x0", "lambda_1", "a_1", "b_1", "c_1", "mT", "vT", "term" };

static void test_lgc_closed_form(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 4);
  static chain ch;
  static double kl[TMAX];
  prop_acc acc_elbo, acc_terms, acc_logp;
  prop_acc_init(&acc_elbo, "dmc_lgc_elbo", "elbo.lgc.terms", 9, names_chain);
  prop_acc_init(&acc_terms, "dmc_lgc_elbo_terms", "elbo.lgc.terms", 9, names_chain);
  prop_acc_init(&acc_logp, "dmc_lgc_log_evidence", "elbo.lgc.evidence", 9, names_chain);
  const unsigned long nchains = prop_points(140);
  unsigned long bound_ok = 0, bound_n = 0;
  double worst_gap = INFINITY;
  for (unsigned long i = 0; i < nchains; i++) {
    size_t T = chain_lengths[i % 7];
    make_chain(r, &ch, T, gsl_rng_uniform(r), NULL);
    dmc_lgc m = as_lgc(&ch);
    double x0 = ch.m0 + sqrt(ch.v0) * gsl_ran_gaussian(r, 1.0);
    double elbo, kp, rec, logp, want;
    PROP_CHECK(dmc_lgc_elbo(&m, x0, &elbo, &kp, kl, &rec) == DMC_OK, "dmc_lgc_elbo failed at T=%zu", T);
    PROP_CHECK(dmc_lgc_log_evidence(&m, x0, &logp) == DMC_OK, "dmc_lgc_log_evidence failed");
    double in[9] = { (double)T, x0, ch.lambda[0], ch.a[0], ch.b[0], ch.c[0], ch.mT, ch.vT, 0 };
    int rs = ref_lgc_elbo(&m, x0, &want);
    prop_acc_add(&acc_elbo, in, elbo, want, rs);
    rs = ref_lgc_log_evidence(&m, x0, &want);
    prop_acc_add(&acc_logp, in, logp, want, rs);
    /* terms: recon, prior and up to 6 random KL terms */
    rs = ref_lgc_term(&m, x0, 0, &want);
    prop_acc_add(&acc_terms, in, rec, want, rs);
    in[8] = 1;
    rs = ref_lgc_term(&m, x0, 1, &want);
    prop_acc_add(&acc_terms, in, kp, want, rs);
    for (int j = 0; j < 6 && T >= 2; j++) {
      size_t t = 2 + gsl_rng_uniform_int(r, T - 1);
      in[8] = (double)t;
      rs = ref_lgc_term(&m, x0, t, &want);
      prop_acc_add(&acc_terms, in, kl[t - 2], want, rs);
    }
    bound_n++;
    bound_ok += elbo <= logp;
    if (logp - elbo < worst_gap) worst_gap = logp - elbo;
  }
  evidence_row(fx->ev, "elbo.bound", "numeric", bound_ok == bound_n, "ELBO <= log p(x0) (double)", bound_n, fx->seed,
               "libdmcheck closed forms at %lu random chains (T in {1,2,3,5,10,100,1000}, kernels perturbed from the true "
               "posteriors by up to 1): ELBO <= log p(x0) at %lu; smallest gap %.3e",
               bound_n, bound_ok, worst_gap);
  gsl_rng_free(r);
  PROP_CHECK(bound_ok == bound_n, "ELBO exceeded log p(x0) at %lu chains", bound_n - bound_ok);
  PROP_ASSERT_ACC(acc_elbo, fx->ev, PROGRAM, fx->seed);
  PROP_ASSERT_ACC(acc_terms, fx->ev, PROGRAM, fx->seed);
  PROP_ASSERT_ACC(acc_logp, fx->ev, PROGRAM, fx->seed);
}

/* The per-term outputs of dmc_lgc_elbo_path add up to its two estimators:
 * plain_terms sum to the plain log-ratio (q(x_{1:T} | x0) factored backwards
 * by Bayes' rule) and rb_terms to the Rao-Blackwellised value, to rounding. */
static void test_path_terms(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 9);
  static chain ch;
  static double pt[TMAX + 1], rt[TMAX + 1], eps[TMAX];
  double worst = 0;
  unsigned long n = 0;
  for (int i = 0; i < 70; i++) {
    size_t T = chain_lengths[i % 7];
    make_chain(r, &ch, T, gsl_rng_uniform(r), NULL);
    dmc_lgc m = as_lgc(&ch);
    double x0 = ch.m0 + sqrt(ch.v0) * gsl_ran_gaussian(r, 1.0), p, q;
    for (size_t t = 0; t < T; t++) eps[t] = gsl_ran_gaussian_ziggurat(r, 1.0);
    PROP_CHECK(dmc_lgc_elbo_path(&m, x0, eps, &p, &q, pt, rt) == DMC_OK, "elbo_path failed at T=%zu", T);
    double sp = 0, sr = 0, ap = 0, ar = 0;
    for (size_t t = 0; t <= T; t++) { sp += pt[t]; sr += rt[t]; ap += fabs(pt[t]); ar += fabs(rt[t]); }
    worst = fmax(worst, fmax(fabs(sp - p) / (ap + fabs(p)), fabs(sr - q) / (ar + fabs(q))));
    n++;
  }
  gsl_rng_free(r);
  int ok = worst < 1e-12;
  evidence_row(fx->ev, "elbo.decomposition", "numeric", ok, "path terms sum to the estimators", n, fx->seed,
               "%lu random chains (T in {1,2,3,5,10,100,1000}) and paths: sum of plain_terms = plain and sum of rb_terms = "
               "RB, worst relative difference %.2e (bound 1e-12)", n, worst);
  PROP_CHECK(ok, "path terms do not sum to the estimators: relative difference %.3e", worst);
}

/* Equality at the true reverse kernels, in double. */
static void test_lgc_equality(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 5);
  static chain ch;
  double worst = 0;
  unsigned long n = 0;
  for (int i = 0; i < 70; i++) {
    make_chain(r, &ch, chain_lengths[i % 7], 0.0, NULL);
    dmc_lgc m = as_lgc(&ch);
    double x0 = ch.m0 + sqrt(ch.v0) * gsl_ran_gaussian(r, 1.0), elbo, logp;
    dmc_lgc_elbo(&m, x0, &elbo, NULL, NULL, NULL);
    dmc_lgc_log_evidence(&m, x0, &logp);
    double rel = fabs(elbo - logp) / fmax(1.0, fabs(logp));
    if (rel > worst) worst = rel;
    n++;
  }
  gsl_rng_free(r);
  evidence_row(fx->ev, "elbo.equality", "numeric", worst < 1e-12, "ELBO = log p(x0) at the true kernels (double)", n, fx->seed,
               "libdmcheck at %lu chains with the true reverse kernels (T up to 1000): max |ELBO - log p(x0)| / max(1,|log p|) = %.2e (tolerance 1e-12)",
               n, worst);
  PROP_CHECK(worst < 1e-12, "ELBO differs from log p(x0) at the true kernels by %.3e", worst);
}

/* Mean and variance (Welford) of a sample; m3, m4 kept for completeness. */
typedef struct { double n, mean, m2, m3, m4; } moments;
static void mom_add(moments *s, double x)
{
  double n1 = s->n, n = n1 + 1, d = x - s->mean, dn = d / n, dn2 = dn * dn, t = d * dn * n1;
  s->mean += dn;
  s->m4 += t * dn2 * (n * n - 3 * n + 3) + 6 * dn2 * s->m2 - 4 * dn * s->m3;
  s->m3 += t * dn * (n - 2) - 3 * dn * s->m2;
  s->m2 += t;
  s->n = n;
}
static double mom_var(const moments *s) { return s->m2 / (s->n - 1); }
static void sample_paths(gsl_rng *r, const chain *ch, double x0, unsigned long n, moments *plain, moments *rb)
{
  dmc_lgc m = as_lgc(ch);
  double eps[TMAX];
  for (unsigned long i = 0; i < n; i++) {
    for (size_t t = 0; t < ch->T; t++) eps[t] = gsl_ran_gaussian_ziggurat(r, 1.0);
    double p, q;
    dmc_lgc_elbo_path(&m, x0, eps, &p, &q, NULL, NULL);
    if (plain) mom_add(plain, p);
    if (rb) mom_add(rb, q);
  }
}

static void test_estimators(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 6);
  static chain ch;
  /* at least 12000 paths: the variance test needs them for its power */
  const unsigned long n = prop_points(40000) < 12000 ? 12000 : prop_points(40000);
  /* unbiasedness and CLT convergence: random kernels, T = 10 */
  make_chain(r, &ch, 10, 0.5, NULL);
  dmc_lgc m = as_lgc(&ch);
  double x0 = ch.m0 + sqrt(ch.v0) * gsl_ran_gaussian(r, 1.0), elbo;
  dmc_lgc_elbo(&m, x0, &elbo, NULL, NULL, NULL);
  moments pl = { 0 }, rb = { 0 };
  sample_paths(r, &ch, x0, n, &pl, &rb);
  double zp = (pl.mean - elbo) / sqrt(mom_var(&pl) / pl.n);
  double zr = (rb.mean - elbo) / sqrt(mom_var(&rb) / rb.n);
  int ok_p = fabs(zp) < Z_CRIT, ok_r = fabs(zr) < Z_CRIT;
  /* negative controls: the same z-tests of the statement "the mean is log p(x0)" (a tight bound), false for
   * these perturbed kernels by the gap log p(x0) - ELBO */
  double logp0;
  dmc_lgc_log_evidence(&m, x0, &logp0);
  double czp = (pl.mean - logp0) / sqrt(mom_var(&pl) / pl.n), czr = (rb.mean - logp0) / sqrt(mom_var(&rb) / rb.n);
  int rej_p = !(fabs(czp) < Z_CRIT), rej_r = !(fabs(czr) < Z_CRIT);
  evidence_row(fx->ev, "elbo.mc.clt", "control", rej_p, "plain MC ELBO mean = closed form", n, fx->seed,
               "the same z-test against log p(x0) = %.6f instead of the ELBO (gap %.4g): z = %.1f: %s", logp0,
               logp0 - elbo, czp, rej_p ? "rejected, as it must be" : "NOT rejected");
  evidence_row(fx->ev, "elbo.rb.unbiased", "control", rej_r, "RB estimator mean = closed form", n, fx->seed,
               "the same z-test against log p(x0) = %.6f instead of the ELBO (gap %.4g): z = %.1f: %s", logp0,
               logp0 - elbo, czr, rej_r ? "rejected, as it must be" : "NOT rejected");
  PROP_CHECK(rej_p && rej_r, "a negative control was not rejected: z = %.2f, %.2f", czp, czr);
  evidence_row(fx->ev, "elbo.mc.clt", "statistical", ok_p, "plain MC ELBO mean = closed form", n, fx->seed,
               "T=10 random kernels, %lu paths: mean %.6f vs closed form %.6f, z = %.2f (|z| < %.1f: false alarm 1.2e-7)",
               n, pl.mean, elbo, zp, Z_CRIT);
  evidence_row(fx->ev, "elbo.rb.unbiased", "statistical", ok_r, "RB estimator mean = closed form", n, fx->seed,
               "same chain, %lu paths: RB mean %.6f vs closed form %.6f, z = %.2f (|z| < %.1f: false alarm 1.2e-7)",
               n, rb.mean, elbo, zr, Z_CRIT);
  /* variance, per term: rb_t = E[plain_t | x_t, x_0], so on the same paths
   * w = (p_t - mean p_t)^2 - (r_t - mean r_t)^2 has mean
   * Var(p_t) - Var(r_t) = E Var(p_t | x_t, x_0) >= 0 (law of total variance).
   * One-sided z > 5.3 for each of the T terms: false alarm <= T 5.8e-8. */
  size_t T = ch.T, stride = T + 1;
  double *pt = malloc(n * stride * sizeof *pt), *rt = malloc(n * stride * sizeof *rt);
  PROP_CHECK(pt && rt, "out of memory");
  double eps[TMAX];
  moments sp = { 0 }, sr = { 0 };
  for (unsigned long i = 0; i < n; i++) {
    for (size_t t = 0; t < T; t++) eps[t] = gsl_ran_gaussian_ziggurat(r, 1.0);
    double p, q;
    dmc_lgc_elbo_path(&m, x0, eps, &p, &q, pt + i * stride, rt + i * stride);
    mom_add(&sp, p);
    mom_add(&sr, q);
  }
  double zmin = INFINITY, zmax = -INFINITY;
  size_t tmin = 0;
  for (size_t t = 1; t <= T; t++) {
    double mp = 0, mr = 0;
    for (unsigned long i = 0; i < n; i++) { mp += pt[i * stride + t]; mr += rt[i * stride + t]; }
    mp /= (double)n;
    mr /= (double)n;
    moments w = { 0 };
    for (unsigned long i = 0; i < n; i++) {
      double dp = pt[i * stride + t] - mp, dr = rt[i * stride + t] - mr;
      mom_add(&w, dp * dp - dr * dr);
    }
    double z = w.mean / sqrt(mom_var(&w) / w.n);
    if (z < zmin) { zmin = z; tmin = t; }
    if (z > zmax) zmax = z;
  }
  free(pt);
  free(rt);
  int ok_v = zmin > Z_CRIT;
  /* the true reverse kernels: the plain estimator is log p(x0) on every path */
  make_chain(r, &ch, 10, 0.0, NULL);
  m = as_lgc(&ch);
  double logp;
  dmc_lgc_log_evidence(&m, x0, &logp);
  moments pe = { 0 }, re = { 0 };
  sample_paths(r, &ch, x0, 2000, &pe, &re);
  double sd_plain = sqrt(mom_var(&pe)), sd_rb = sqrt(mom_var(&re));
  int plain_const = sd_plain < 1e-12 * fmax(1, fabs(logp)) && fabs(pe.mean - logp) < 1e-12 * fmax(1, fabs(logp));
  int rb_var = sd_rb > 1e-3;
  /* 002 as written: RB reduces the variance of the objective -- fails here */
  evidence_row(fx->ev, "elbo.rb.variance", "statistical", !(plain_const && rb_var), "Var(RB) < Var(plain), true kernels", 2000, fx->seed,
               "counterexample: T=10 with the true reverse kernels, x0=%.6f: the plain estimator equals log p(x0) = %.12f on "
               "every path (sd %.2e) while the RB estimator has sd %.4f: RB increases the variance of the summed objective",
               x0, logp, sd_plain, sd_rb);
  evidence_row(fx->ev, "elbo.rb.variance", "corrected", ok_v && plain_const && rb_var, "RB reduces each term's variance, not the sum's",
               2000 + n, fx->seed,
               "corrected statement checked: T=10, kernels perturbed by 0.5, %lu paths: every one of the %zu integrated terms has "
               "lower variance under RB (smallest paired z = %.1f at term %zu, > %.1f each; false alarm <= %zu x 5.8e-8); for the "
               "summed objective on these paths Var(plain) = %.4g and Var(RB) = %.4g (either can be larger: seeds differ); at the "
               "true kernels plain sd %.1e, RB sd %.4f",
               n, T, zmin, tmin, Z_CRIT, T, mom_var(&sp), mom_var(&sr), sd_plain, sd_rb);
  /* negative control: the same paired test of the reversed statement (RB raises each term's variance),
   * whose smallest z is -zmax */
  int rej_v = !(-zmax > Z_CRIT && plain_const && rb_var);
  evidence_row(fx->ev, "elbo.rb.variance", "control", rej_v, "RB reduces each term's variance, not the sum's", n, fx->seed,
               "the same paired test of the reversed statement (RB raises every term's variance): smallest z = %.1f: %s",
               -zmax, rej_v ? "rejected, as it must be" : "NOT rejected");
  gsl_rng_free(r);
  PROP_CHECK(rej_v, "the reversed variance statement was not rejected");
  PROP_CHECK(ok_p && ok_r, "MC ELBO mean off: z_plain = %.2f, z_rb = %.2f", zp, zr);
  PROP_CHECK(ok_v, "RB did not lower a term's variance: z = %.2f at term %zu", zmin, tmin);
  PROP_CHECK(plain_const && rb_var, "true kernels: plain sd %.3e, RB sd %.3e", sd_plain, sd_rb);
}

/* Figure: the ELBO gap log p(x0) - ELBO against the perturbation eps of the
 * reverse kernels (closed form curve, Monte Carlo points with 95% bars). */
static void test_gap_figure(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 7);
  static chain ch;
  const double dir[5] = { 0.6, 0.8, -0.7, 0.5, 0.4 };
  const size_t T = 20;
  FILE *fc = evidence_data_file("fig", "elbo_gap_curve.csv");
  FILE *fm = evidence_data_file("fig", "elbo_gap_mc.csv");
  if (fc) fprintf(fc, "eps,gap\n");
  if (fm) fprintf(fm, "eps,gap,err\n");
  unsigned long seed_chain = gsl_rng_get(r);
  int inside = 0, total = 0;
  double x0 = 0.7;
  for (int i = 0; i <= 80; i++) {
    double eps = -0.5 + i / 80.0;
    gsl_rng *rc = prop_rng(seed_chain, 0); /* the same schedule for every eps */
    make_chain(rc, &ch, T, eps, dir);
    gsl_rng_free(rc);
    dmc_lgc m = as_lgc(&ch);
    double elbo, logp;
    dmc_lgc_elbo(&m, x0, &elbo, NULL, NULL, NULL);
    dmc_lgc_log_evidence(&m, x0, &logp);
    if (fc) fprintf(fc, "%.6f,%.10g\n", eps, logp - elbo);
    if (i % 8 == 0) {
      moments pl = { 0 };
      sample_paths(r, &ch, x0, 2000, &pl, NULL);
      double se = sqrt(mom_var(&pl) / pl.n);
      if (fm) fprintf(fm, "%.6f,%.10g,%.6g\n", eps, logp - pl.mean, 1.96 * se);
      inside += fabs(logp - pl.mean - (logp - elbo)) <= Z_CRIT * se + 1e-9 * (1 + fabs(logp));
      total++;
    }
  }
  if (fc) fclose(fc);
  if (fm) fclose(fm);
  gsl_rng_free(r);
  evidence_row(fx->ev, "elbo.mc.clt", "statistical", inside == total, "MC gap = closed-form gap (figure)", (unsigned long)total * 2000, fx->seed,
               "T=20, %d perturbations eps in [-0.5,0.5], 2000 paths each: MC gap within %.1f standard errors of the closed form at %d of %d",
               total, Z_CRIT, inside, total);
  PROP_CHECK(inside == total, "MC gap outside the CLT band at %d of %d", total - inside, total);
}

static void test_invalid(void **state)
{
  fixture *fx = *state;
  int checked = 0;
  double out;
  const double bad[] = { NAN, INFINITY, -INFINITY };
  for (int i = 0; i < 3; i++) {
    out = 0; PROP_CHECK(dmc_gauss_kl(bad[i], 0, 0, 0, &out) == DMC_EDOM && isnan(out), "kl accepted %a", bad[i]);
    out = 0; PROP_CHECK(dmc_gauss_kl(0, 0, 0, bad[i], &out) == DMC_EDOM && isnan(out), "kl accepted logvar2 %a", bad[i]);
    out = 0; PROP_CHECK(dmc_gauss_loglik(0, 0, bad[i], &out) == DMC_EDOM && isnan(out), "loglik accepted %a", bad[i]);
    out = 0; PROP_CHECK(dmc_discretized_gaussian_loglik(0.0039215686274509803, bad[i], 0, &out) == DMC_EDOM && isnan(out),
                        "discretized accepted mean %a", bad[i]);
    checked += 4;
  }
  const double off_grid[] = { 0.5, 1.01, -1.5, 2.0 / 255 };
  for (int i = 0; i < 4; i++) {
    out = 0;
    PROP_CHECK(dmc_discretized_gaussian_loglik(off_grid[i], 0, 0, &out) == DMC_EDOM && isnan(out), "accepted x=%a", off_grid[i]);
    checked++;
  }
  PROP_CHECK(dmc_gauss_kl(0, 0, 0, 0, NULL) == DMC_EDOM, "kl accepted NULL");
  double lam[2] = { 0.9, 1.0 }, a[2] = { 1, 1 }, b[2] = { 0, 0 }, c[2] = { 1, 1 }, e, eps[2] = { 0, 0 };
  dmc_lgc m = { 2, lam, a, b, c, 0, 1 };
  PROP_CHECK(dmc_lgc_elbo(&m, 0, &e, NULL, NULL, NULL) == DMC_EDOM && isnan(e), "accepted lambda = 1");
  lam[1] = 0.9; c[0] = 0;
  PROP_CHECK(dmc_lgc_log_evidence(&m, 0, &e) == DMC_EDOM && isnan(e), "accepted c = 0");
  c[0] = 1; m.vT = -1;
  PROP_CHECK(dmc_lgc_elbo_path(&m, 0, eps, &e, NULL, NULL, NULL) == DMC_EDOM && isnan(e), "accepted vT < 0");
  m.vT = 1; m.T = 0;
  PROP_CHECK(dmc_lgc_elbo(&m, 0, &e, NULL, NULL, NULL) == DMC_EDOM && isnan(e), "accepted T = 0");
  PROP_CHECK(dmc_lgc_true_reverse(2, lam, 0, -1, a, b, c, &e, &e) == DMC_EDOM && isnan(a[0]), "accepted v0 < 0");
  checked += 6;
  evidence_row(fx->ev, "elbo.domain", "behaviour", 1, "invalid parameters", (unsigned long)checked, fx->seed,
               "%d invalid calls (non-finite arguments, x off the 8-bit grid, lambda outside (0,1), c <= 0, vT <= 0, T = 0, "
               "v0 <= 0, NULL output) all returned DMC_EDOM with NaN outputs", checked);
}

PROP_FIXTURE(PROGRAM)

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_gauss_kl),
    cmocka_unit_test(test_gauss_loglik),
    cmocka_unit_test(test_discretized),
    cmocka_unit_test(test_lgc_closed_form),
    cmocka_unit_test(test_lgc_equality),
    cmocka_unit_test(test_estimators),
    cmocka_unit_test(test_path_terms),
    cmocka_unit_test(test_gap_figure),
    cmocka_unit_test(test_invalid),
  };
  return cmocka_run_group_tests_name(PROGRAM, tests, setup, teardown);
}
