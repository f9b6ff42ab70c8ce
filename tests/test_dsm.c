/* test_dsm.c -- D4: src/dsm.c against reference/dsm.c and Monte Carlo
 * tests of the sampled losses, the least-squares fit and SGD (claims dsm.*). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <gmp.h>
#include <gsl/gsl_cdf.h>

#include "dmcheck.h"
#include "dmcref.h"
#include "prop.h"

#define PROGRAM "test_dsm"
#define N_POINTS 100000
/* two-sided normal threshold with false-alarm 2 (1 - Phi(5.33)) = 9.8e-8 per test */
#define Z_CRIT 5.33
/* chi-square(2) threshold with false-alarm exp(-t/2) = 1e-6 exactly */
#define CHI2_2_CRIT 27.631021115928547

typedef prop_fixture fixture;

/* ---- accuracy against the correctly rounded reference ------------------- */

/* (mu, sigma, sigma_eps) from one of four regions, cycling with i: ordinary
 * scales, scales across 1e-150..1e150, a tiny noise next to a large data
 * variance (and the reverse), and mu = 0. */
static void draw_setting(gsl_rng *r, unsigned long i, double *mu, double *sigma, double *sigma_eps)
{
  switch (i % 4) {
  case 0:
    *mu = 200 * gsl_rng_uniform(r) - 100;
    *sigma = prop_log_uniform(r, -3, 3, 0);
    *sigma_eps = prop_log_uniform(r, -3, 3, 0);
    break;
  case 1:
    *mu = prop_log_uniform(r, -300, 300, 1);
    *sigma = prop_log_uniform(r, -150, 150, 0);
    *sigma_eps = prop_log_uniform(r, -150, 150, 0);
    break;
  case 2:
    *mu = prop_log_uniform(r, -5, 5, 1);
    *sigma = prop_log_uniform(r, -2, 2, 0);
    *sigma_eps = *sigma * prop_log_uniform(r, -20, -6, 0);
    if (gsl_rng_uniform(r) < 0.5) { double t = *sigma; *sigma = *sigma_eps; *sigma_eps = t; }
    break;
  default:
    *mu = 0.0;
    *sigma = prop_log_uniform(r, -8, 8, 0);
    *sigma_eps = prop_log_uniform(r, -8, 8, 0);
  }
}

static const char *const names_opt[] = { "mu", "sigma", "sigma_eps" };
static const char *const names_loss[] = { "mu", "sigma", "sigma_eps", "w", "b" };

static void test_optimum_accuracy(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 1);
  prop_acc acc;
  prop_acc_init(&acc, "dmc_dsm_linear_optimum", "dsm.opt", 3, names_opt);
  prop_acc cacc;
  prop_acc_init(&cacc, "dmc_dsm_loss_constant", "dsm.vincent", 3, names_opt);
  unsigned long n = prop_points(N_POINTS);
  for (unsigned long i = 0; i < n; i++) {
    double in[3], w, b, rw, rb, c, rc;
    draw_setting(r, i, &in[0], &in[1], &in[2]);
    int s = dmc_dsm_linear_optimum(in[0], in[1], in[2], &w, &b);
    int rs = ref_dsm_linear_optimum(in[0], in[1], in[2], &rw, &rb);
    PROP_CHECK(s == DMC_OK, "optimum(mu=%a, sigma=%a, sigma_eps=%a) returned %d", in[0], in[1], in[2], s);
    prop_acc_add(&acc, in, w, rw, rs);
    prop_acc_add(&acc, in, b, rb, rs);
    PROP_CHECK(dmc_dsm_loss_constant(in[1], in[2], &c) == DMC_OK, "loss_constant failed");
    rs = ref_dsm_loss_constant(in[1], in[2], &rc);
    prop_acc_add(&cacc, in, c, rc, rs);
  }
  gsl_rng_free(r);
  PROP_ASSERT_ACC(acc, fx->ev, PROGRAM, fx->seed);
  PROP_ASSERT_ACC(cacc, fx->ev, PROGRAM, fx->seed);
}

/* (w, b) cycling through: random, near the optimum (relative offsets down to
 * 1e-15, so w v + 1 and w mu + b cancel), exactly the rounded optimum, and
 * w = -1/sigma_eps^2 (the DSM term's cancellation). |mu| <= 1e50 and scales
 * in [1e-30, 1e30] keep the squared terms inside the double range. */
static void draw_loss_point(gsl_rng *r, unsigned long i, double *in)
{
  double mu, sigma, se;
  do draw_setting(r, i / 4, &mu, &sigma, &se); while (fabs(mu) > 1e50 || sigma < 1e-30 || se < 1e-30 ||
                                                       sigma > 1e30 || se > 1e30);
  double w, b;
  dmc_dsm_linear_optimum(mu, sigma, se, &w, &b);
  switch (i % 4) {
  case 0:
    w = w * prop_log_uniform(r, -2, 2, 1);
    b = b * prop_log_uniform(r, -2, 2, 1) + prop_log_uniform(r, -3, 3, 1);
    break;
  case 1:
    w = w * (1 + prop_log_uniform(r, -15, -1, 1));
    b = b * (1 + prop_log_uniform(r, -15, -1, 1));
    break;
  case 2:
    break;
  default:
    w = -1.0 / (se * se);
    b = -w * mu * (1 + prop_log_uniform(r, -15, -3, 1));
  }
  in[0] = mu; in[1] = sigma; in[2] = se; in[3] = w; in[4] = b;
}

static void test_loss_accuracy(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 2);
  prop_acc dacc, eacc;
  prop_acc_init(&dacc, "dmc_dsm_loss", "dsm.loss", 5, names_loss);
  prop_acc_init(&eacc, "dmc_esm_loss", "dsm.loss", 5, names_loss);
  unsigned long n = prop_points(N_POINTS);
  for (unsigned long i = 0; i < n; i++) {
    double in[5], got, want;
    draw_loss_point(r, i, in);
    int s = dmc_dsm_loss(in[0], in[1], in[2], in[3], in[4], &got);
    PROP_CHECK(s == DMC_OK, "dsm_loss returned %d", s);
    int rs = ref_dsm_loss(in[0], in[1], in[2], in[3], in[4], &want);
    prop_acc_add(&dacc, in, got, want, rs);
    s = dmc_esm_loss(in[0], in[1], in[2], in[3], in[4], &got);
    PROP_CHECK(s == DMC_OK, "esm_loss returned %d", s);
    rs = ref_esm_loss(in[0], in[1], in[2], in[3], in[4], &want);
    prop_acc_add(&eacc, in, got, want, rs);
  }
  gsl_rng_free(r);
  PROP_ASSERT_ACC(dacc, fx->ev, PROGRAM, fx->seed);
  PROP_ASSERT_ACC(eacc, fx->ev, PROGRAM, fx->seed);
}

/* ---- Monte Carlo losses --------------------------------------------------- */

static void test_loss_mc(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 3);
  static const double cfg[5][5] = { /* mu, sigma, sigma_eps, w, b */
    { 1.0, 1.0, 0.5, -0.7, 0.9 }, { 1.0, 1.0, 0.5, 0.3, -2.0 }, { -3.0, 2.0, 1.0, -0.1, 0.0 },
    { 0.0, 0.5, 2.0, 1.0, 1.0 }, { 5.0, 1.0, 0.25, -1.0, 4.0 } };
  const size_t n = 200000;
  double zmax = 0.0, rel_detect = 0.0;
  int tests = 0, ok = 1;
  char worst[256] = "";
  for (int k = 0; k < 5; k++) {
    const double *c = cfg[k];
    dmc_dsm_mc mc;
    PROP_CHECK(dmc_dsm_loss_mc(c[0], c[1], c[2], c[3], c[4], n, r, &mc) == DMC_OK, "loss_mc failed");
    double want[3], got[3] = { mc.dsm, mc.esm, mc.diff }, se[3] = { mc.dsm_se, mc.esm_se, mc.diff_se };
    ref_dsm_loss(c[0], c[1], c[2], c[3], c[4], &want[0]);
    ref_esm_loss(c[0], c[1], c[2], c[3], c[4], &want[1]);
    ref_dsm_loss_constant(c[1], c[2], &want[2]);
    for (int j = 0; j < 3; j++) {
      double z = (got[j] - want[j]) / se[j];
      rel_detect = fmax(rel_detect, prop_shift_for_power(Z_CRIT, 0.999) * se[j] / fabs(want[j]));
      tests++;
      if (!(fabs(z) <= Z_CRIT)) ok = 0;
      if (!(fabs(z) <= zmax)) {
        zmax = fabs(z);
        snprintf(worst, sizeof worst, "config %d %s: MC %.6g +- %.3g vs closed form %.6g", k,
                 j == 0 ? "DSM" : j == 1 ? "ESM" : "DSM-ESM", got[j], se[j], want[j]);
      }
    }
  }
  gsl_rng_free(r);
  evidence_row(fx->ev, "dsm.loss", "statistical", ok, "MC losses match closed forms", (unsigned long)(5 * n), fx->seed,
               "5 settings x %zu draws: z-tests of the MC DSM and ESM losses against the correctly rounded closed forms, "
               "|z| <= %.2f (two-sided false alarm 9.8e-8 per test, %d tests); max |z| = %.2f (%s); power 0.999 against a "
               "deviation of %.2f standard errors, at most %.2g relative", n, Z_CRIT, tests, zmax, worst,
               prop_shift_for_power(Z_CRIT, 0.999), rel_detect);
  evidence_row(fx->ev, "dsm.vincent", "statistical", ok, "MC DSM-ESM = constant", (unsigned long)(5 * n), fx->seed,
               "the paired MC difference of the two losses agrees with sigma^2/(sigma_eps^2 v) at all 5 settings "
               "(different (w,b), including far from the optimum), |z| <= %.2f (false alarm 9.8e-8 each); power 0.999 "
               "against a deviation of %.2f standard errors", Z_CRIT, prop_shift_for_power(Z_CRIT, 0.999));
  PROP_CHECK(ok, "MC loss z-test failed: max |z| = %.2f at %s", zmax, worst);
}

/* The reported standard errors against the spread of independent replicates:
 * (K - 1) s^2 / se^2 ~ chi2(K - 1) for the sample variance s^2 of K replicate
 * means (normal by the CLT at n = 1000; the K reported se's, averaged in
 * quadrature, vary by ~0.3%). Two-sided bounds at 1e-7 per side: false alarm
 * 2e-7 per quantity, 6e-7 for the three. Power (chi2(255) tails): an se off by
 * a factor 2 either way is caught with probability > 1 - 1e-20, by 1.5 with
 * probability > 0.9998. */
static void test_loss_mc_se(void **state)
{
  fixture *fx = *state;
  enum { K = 256 };
  const size_t n = 1000;
  const double mu = 1.0, sigma = 1.0, sigma_eps = 0.5, w = -0.7, b = 0.9;
  gsl_rng *r = prop_rng(fx->seed, 8);
  double m[3][K], se2[3] = { 0, 0, 0 };
  for (int k = 0; k < K; k++) {
    dmc_dsm_mc mc;
    PROP_CHECK(dmc_dsm_loss_mc(mu, sigma, sigma_eps, w, b, n, r, &mc) == DMC_OK, "loss_mc failed");
    double got[3] = { mc.dsm, mc.esm, mc.diff }, se[3] = { mc.dsm_se, mc.esm_se, mc.diff_se };
    for (int j = 0; j < 3; j++) { m[j][k] = got[j]; se2[j] += se[j] * se[j] / K; }
  }
  gsl_rng_free(r);
  const double lo = gsl_cdf_chisq_Pinv(1e-7, K - 1), hi = gsl_cdf_chisq_Qinv(1e-7, K - 1);
  double stat[3];
  int ok = 1;
  for (int j = 0; j < 3; j++) {
    double mean = 0, ss = 0;
    for (int k = 0; k < K; k++) mean += m[j][k] / K;
    for (int k = 0; k < K; k++) ss += (m[j][k] - mean) * (m[j][k] - mean);
    stat[j] = ss / se2[j];                         /* (K - 1) s^2 / se^2 */
    ok &= stat[j] >= lo && stat[j] <= hi;
  }
  evidence_row(fx->ev, "dsm.loss", "statistical", ok, "MC standard errors match replicate spread", (unsigned long)(K * n),
               fx->seed, "%d replicates x %zu draws: (K-1) s^2/se^2 = %.1f (DSM), %.1f (ESM), %.1f (DSM-ESM), each within "
               "chi2(%d) bounds [%.1f, %.1f] (false alarm 2e-7 per quantity; power > 1 - 1e-20 against an se off by 2x, "
               "> 0.9998 against 1.5x)",
               K, n, stat[0], stat[1], stat[2], K - 1, lo, hi);
  PROP_CHECK(ok, "MC standard errors disagree with the replicate spread: chi2(%d) statistics %.1f %.1f %.1f, bounds [%.1f, %.1f]",
             K - 1, stat[0], stat[1], stat[2], lo, hi);
}

/* ---- least squares on N samples: CLT ------------------------------------------ */
/* Power of the Wilson-Hilferty test |z| <= Z_CRIT on a sum of R squared
 * standardised errors when their variance is off by the factor ratio: the sum
 * is then ratio chi2(R); the acceptance interval in the sum is
 * R (1 - 2/(9R) +- Z_CRIT sqrt(2/(9R)))^3. */
static double wh_power(int R, double ratio)
{
  double m = 1 - 2.0 / (9 * R), s = sqrt(2.0 / (9 * R));
  double lo = R * pow(m - Z_CRIT * s, 3), hi = R * pow(m + Z_CRIT * s, 3);
  return gsl_cdf_chisq_P(lo / ratio, R) + gsl_cdf_chisq_Q(hi / ratio, R);
}

#define LS_MU 1.0
#define LS_SIGMA 1.0
#define LS_SE 0.5
#define LS_NGRID 12
#define LS_REPS 4

/* The residual g - (w* x~ + b*) is independent of x~ (jointly Gaussian,
 * uncorrelated) with variance C = 1/se^2 - 1/v, so given the design the LS
 * error is exactly N(0, C (Phi^T Phi)^-1): the chi-square(2) statistic below
 * is exact at every N. The asymptotic covariance is C A^-1 / N with
 * A = E[phi phi^T] = [[v + mu^2, mu], [mu, 1]], A^-1 = [[1, -mu], [-mu, v + mu^2]] / v. */
static double ls_chi2(size_t n, const double *xt, double w, double b, double ws, double bs, double c)
{
  double sxx = 0, sx = 0;
  for (size_t i = 0; i < n; i++) { sxx += xt[i] * xt[i]; sx += xt[i]; }
  double dw = w - ws, db = b - bs;
  return (sxx * dw * dw + 2 * sx * dw * db + (double)n * db * db) / c;
}

static void test_ls_clt(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 4);
  double ws, bs, c, v = LS_SIGMA * LS_SIGMA + LS_SE * LS_SE;
  dmc_dsm_linear_optimum(LS_MU, LS_SIGMA, LS_SE, &ws, &bs);
  dmc_dsm_loss_constant(LS_SIGMA, LS_SE, &c);
  double aw = 1.0 / v, ab = (v + LS_MU * LS_MU) / v;   /* diagonal of A^-1 */
  size_t nmax = (size_t)pow(10.0, 1.0 + 0.4 * (LS_NGRID - 1)) + 1;
  double *xt = malloc(nmax * sizeof *xt), *g = malloc(nmax * sizeof *g);
  PROP_CHECK(xt && g, "out of memory");
  FILE *f = evidence_data_file("fig", "dsm_ls_fit.csv");
  if (f) fprintf(f, "N,rep,w,b\n");
  double chi_max = 0;
  int ok = 1, fits = 0, ctl_accepted = 1;
  /* negative control: the same chi2 test against the sigma_eps -> 0 optimum (-1/sigma^2, mu/sigma^2) */
  const double wc = -1.0 / (LS_SIGMA * LS_SIGMA), bc = LS_MU / (LS_SIGMA * LS_SIGMA);
  for (int k = 0; k < LS_NGRID; k++) {
    size_t n = (size_t)pow(10.0, 1.0 + 0.4 * k);
    for (int rep = 0; rep < LS_REPS; rep++) {
      double w, b;
      dmc_dsm_sample(LS_MU, LS_SIGMA, LS_SE, n, r, xt, g);
      PROP_CHECK(dmc_dsm_linear_fit(n, xt, g, &w, &b) == DMC_OK, "fit failed at N=%zu", n);
      double chi = ls_chi2(n, xt, w, b, ws, bs, c);
      fits++;
      if (!(ls_chi2(n, xt, w, b, wc, bc, c) <= CHI2_2_CRIT)) ctl_accepted = 0;
      if (!(chi <= CHI2_2_CRIT)) ok = 0;
      if (chi > chi_max) chi_max = chi;
      if (f) fprintf(f, "%zu,%d,%.9g,%.9g\n", n, rep, w, b);
    }
  }
  if (f) fclose(f);
  /* the band for the figure: +-3 asymptotic standard deviations */
  f = evidence_data_file("fig", "dsm_ls_band.csv");
  if (f) {
    fprintf(f, "N,w_star,b_star,w_lo,w_hi,b_lo,b_hi\n");
    for (int k = 0; k <= 40; k++) {
      double n = pow(10.0, 1.0 + 4.4 * k / 40.0);
      double sw = 3 * sqrt(c * aw / n), sb = 3 * sqrt(c * ab / n);
      fprintf(f, "%.6g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g\n", n, ws, bs, ws - sw, ws + sw, bs - sb, bs + sb);
    }
    fclose(f);
  }
  f = evidence_data_file("fig", "dsm_ls_poly.csv"); /* the band as one closed polygon, for filling */
  if (f) {
    fprintf(f, "N,w,b\n");
    for (int k = 0; k <= 80; k++) {
      int j = k <= 40 ? k : 80 - k;
      double n = pow(10.0, 1.0 + 4.4 * j / 40.0), side = k <= 40 ? -3 : 3;
      fprintf(f, "%.6g,%.9g,%.9g\n", n, ws + side * sqrt(c * aw / n), bs + side * sqrt(c * ab / n));
    }
    fclose(f);
  }
  evidence_row(fx->ev, "dsm.ls.clt", "statistical", ok, "LS fit -> (w*, b*), exact chi2", (unsigned long)fits, fx->seed,
               "mu=1, sigma=1, sigma_eps=1/2 (w*=-0.8, b*=0.8, C=3.2): %d fits (N = 10^(1+0.4k), k=0..11, %d replicates); "
               "(theta-theta*)^T Phi^T Phi (theta-theta*)/C is exactly chi2(2) given the design; all <= %.2f "
               "(false alarm 1e-6 per fit); max %.2f; power >= 0.999 per fit against an offset of %.2f standard deviations "
               "in any direction (the chi2 exceeds the square of the offset component: P(|N(d,1)| > sqrt(crit)))",
               fits, LS_REPS, CHI2_2_CRIT, chi_max, prop_shift_for_power(sqrt(CHI2_2_CRIT), 0.999));
  evidence_row(fx->ev, "dsm.ls.clt", "control", !ctl_accepted, "LS fit -> (w*, b*), exact chi2", (unsigned long)fits,
               fx->seed, "the same chi2 test with (w*, b*) replaced by the sigma_eps -> 0 values (-1/sigma^2, mu/sigma^2) = "
               "(%g, %g): %s", wc, bc, ctl_accepted ? "NOT rejected" : "rejected, as it must be");
  PROP_CHECK(ok, "LS chi2 test failed: max %.2f > %.2f", chi_max, CHI2_2_CRIT);
  PROP_CHECK(!ctl_accepted, "the LS chi2 test accepted the sigma_eps -> 0 optimum");
  /* the asymptotic covariance C A^-1 / N (rate 1/sqrt N): R replicates at two N,
   * sum of squared standardised errors ~ chi2(R), Wilson-Hilferty |z| <= Z_CRIT */
  const int R = 200;
  const size_t ns[2] = { 1000, 10000 };
  double zw[2], zb[2];
  int ok2 = 1;
  for (int j = 0; j < 2; j++) {
    double tw = 0, tb = 0;
    for (int rep = 0; rep < R; rep++) {
      double w, b;
      dmc_dsm_sample(LS_MU, LS_SIGMA, LS_SE, ns[j], r, xt, g);
      dmc_dsm_linear_fit(ns[j], xt, g, &w, &b);
      tw += (w - ws) * (w - ws) / (c * aw / (double)ns[j]);
      tb += (b - bs) * (b - bs) / (c * ab / (double)ns[j]);
    }
    double m = 1 - 2.0 / (9 * R), s = sqrt(2.0 / (9 * R));
    zw[j] = (cbrt(tw / R) - m) / s;
    zb[j] = (cbrt(tb / R) - m) / s;
    ok2 &= fabs(zw[j]) <= Z_CRIT && fabs(zb[j]) <= Z_CRIT;
  }
  evidence_row(fx->ev, "dsm.ls.clt", "statistical", ok2, "Var = C A^-1 / N (1/sqrt N rate)", (unsigned long)(2 * R), fx->seed,
               "%d replicates at N=1000 and N=10000: sum of squared errors over the asymptotic variance C[A^-1]_ii/N "
               "is chi2(%d); Wilson-Hilferty z for w: %.2f, %.2f; for b: %.2f, %.2f (|z| <= %.2f, false alarm ~1e-7 each); "
               "power against a variance off by the factor 2 (or 1/2): %.6f (%.6f), from the chi2(%d) law",
               R, R, zw[0], zw[1], zb[0], zb[1], Z_CRIT, wh_power(R, 2.0), wh_power(R, 0.5), R);
  free(xt); free(g);
  gsl_rng_free(r);
  PROP_CHECK(ok2, "asymptotic variance test failed: z_w = %.2f %.2f, z_b = %.2f %.2f", zw[0], zw[1], zb[0], zb[1]);
}

/* ---- the sample fit against the exact rational least-squares solution ---- */

/* Exact LS of g on (x~, 1) for the double data, in GMP rationals:
 * w = (n Sxy - Sx Sy)/(n Sxx - Sx^2), b = (Sy - w Sx)/n. */
static void exact_fit(size_t n, const double *xt, const double *g, double *w, double *b)
{
  mpq_t sx, sy, sxx, sxy, x, y, t, num, den, qw, qb, qn;
  mpq_inits(sx, sy, sxx, sxy, x, y, t, num, den, qw, qb, qn, NULL);
  for (size_t i = 0; i < n; i++) {
    mpq_set_d(x, xt[i]); mpq_set_d(y, g[i]);
    mpq_add(sx, sx, x); mpq_add(sy, sy, y);
    mpq_mul(t, x, x); mpq_add(sxx, sxx, t);
    mpq_mul(t, x, y); mpq_add(sxy, sxy, t);
  }
  mpq_set_ui(qn, (unsigned long)n, 1);
  mpq_mul(num, qn, sxy); mpq_mul(t, sx, sy); mpq_sub(num, num, t);
  mpq_mul(den, qn, sxx); mpq_mul(t, sx, sx); mpq_sub(den, den, t);
  mpq_div(qw, num, den);
  mpq_mul(t, qw, sx); mpq_sub(qb, sy, t); mpq_div(qb, qb, qn);
  *w = mpq_get_d(qw);
  *b = mpq_get_d(qb);
  mpq_clears(sx, sy, sxx, sxy, x, y, t, num, den, qw, qb, qn, NULL);
}

static void test_fit_exact(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 7);
  enum { SETS = 300, NMAX = 256 };
  double xt[NMAX], g[NMAX], worst = 0;
  const double bound = 16; /* in the units below */
  char where[256] = "";
  for (int k = 0; k < SETS; k++) {
    size_t n = 3 + (size_t)gsl_rng_uniform_int(r, NMAX - 2);
    double mu = prop_log_uniform(r, -3, 3, 1), sigma = prop_log_uniform(r, -3, 3, 0);
    double se = sigma * prop_log_uniform(r, -2, 1, 0);
    dmc_dsm_sample(mu, sigma, se, n, r, xt, g);
    double w, b, ew, eb;
    PROP_CHECK(dmc_dsm_linear_fit(n, xt, g, &w, &b) == DMC_OK, "fit failed");
    exact_fit(n, xt, g, &ew, &eb);
    /* errors in units of n 2^-53 (1 + mean|x~|/sd(x~)) times the scale of each coefficient: for w,
     * |w| + sd(g)/sd(x~) (a slope near 0 is only determined to that scale);
     * for b, |b| + |w| mean|x~| + sd(g) */
    double mx = 0, mean_x = 0, mean_g = 0, vx = 0, vg = 0;
    for (size_t i = 0; i < n; i++) { mx += fabs(xt[i]); mean_x += xt[i]; mean_g += g[i]; }
    mx /= (double)n; mean_x /= (double)n; mean_g /= (double)n;
    for (size_t i = 0; i < n; i++) {
      vx += (xt[i] - mean_x) * (xt[i] - mean_x);
      vg += (g[i] - mean_g) * (g[i] - mean_g);
    }
    /* the centring costs the condition factor 1 + mean|x~| / sd(x~) */
    double ratio = sqrt(vg / vx), unit = (double)n * 0x1p-53 * (1 + mx / sqrt(vx / (double)n));
    double ew_rel = fabs(w - ew) / (fabs(ew) + ratio) / unit;
    double eb_rel = fabs(b - eb) / (fabs(eb) + fabs(ew) * mx + sqrt(vg / (double)n)) / unit;
    double e = fmax(ew_rel, eb_rel);
    if (!(e <= worst)) {
      worst = e;
      snprintf(where, sizeof where, "n=%zu mu=%.3g sigma=%.3g sigma_eps=%.3g: w %.17g vs exact %.17g, b %.17g vs %.17g",
               n, mu, sigma, se, w, ew, b, eb);
    }
  }
  gsl_rng_free(r);
  int ok = worst <= bound;
  evidence_row(fx->ev, "dsm.ls.fit", "accuracy", ok, "fit = exact rational LS", SETS, fx->seed,
               "%d sampled data sets (n = 3..%d, |mu|, sigma in 1e-3..1e3, sigma_eps/sigma in 1e-2..10): dmc_dsm_linear_fit against the least-squares solution "
               "computed exactly in GMP rationals from the same doubles; max error %.3g units of n 2^-53 (1 + mean|x~|/sd(x~)) times the coefficient's "
               "scale (|w| + sd(g)/sd(x~) for w, |b| + |w| mean|x~| + sd(g) for b) (bound %.0f; worst at %s)",
               SETS, NMAX, worst, bound, where);
  PROP_CHECK(ok, "fit error %.3g > %.0f units at %s", worst, bound, where);
}

/* ---- SGD ----------------------------------------------------------------- */

/* The SGD test: the average within tol of the target, in each coordinate. */
static int sgd_within(double w, double b, double wt, double bt, double tol_w, double tol_b)
{
  return fabs(w - wt) <= tol_w && fabs(b - bt) <= tol_b;
}

static void test_sgd(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 5);
  const double mu = 1.0, sigma = 1.0, se = 0.5, eta = 0.002;
  const size_t iters = 240000, burn = iters / 2, k = iters - burn;
  double ws, bs, c, w, b, v = sigma * sigma + se * se;
  dmc_dsm_linear_optimum(mu, sigma, se, &ws, &bs);
  dmc_dsm_loss_constant(sigma, se, &c);
  PROP_CHECK(dmc_dsm_sgd(mu, sigma, se, eta, iters, r, &w, &b) == DMC_OK, "sgd failed");
  /* Tolerance. The error obeys e' = (I - 2 eta phi phi^T) e + 2 eta phi r; its mean
   * contracts by at least (1 - 2 eta lambda_min(A)) per step, so after the burn-in it
   * is below (1 - 2 eta lambda_min)^burn |theta*|. The Polyak average of k iterates
   * has covariance C A^-1 / k (1 + O(eta lambda_max)); kappa = 2 covers the O(eta)
   * part (2 eta lambda_max = 0.011 here). Test: |error| <= Z_CRIT sqrt(kappa C A^-1_ii / k) + bias. */
  double tr = v + mu * mu + 1, det = v;
  double lmin = (tr - sqrt(tr * tr - 4 * det)) / 2, lmax = (tr + sqrt(tr * tr - 4 * det)) / 2;
  double bias = pow(1 - 2 * eta * lmin, (double)burn) * hypot(ws, bs);
  const double kappa = 2.0;
  double tol_w = Z_CRIT * sqrt(kappa * c * (1.0 / v) / (double)k) + bias;
  double tol_b = Z_CRIT * sqrt(kappa * c * ((v + mu * mu) / v) / (double)k) + bias;
  int ok = sgd_within(w, b, ws, bs, tol_w, tol_b);
  /* negative control: the same test against the sigma_eps -> 0 values (-1/sigma^2, mu/sigma^2) */
  const double wc = -1.0 / (sigma * sigma), bc = mu / (sigma * sigma);
  int ctl_rejected = !sgd_within(w, b, wc, bc, tol_w, tol_b);
  evidence_row(fx->ev, "dsm.sgd", "control", ctl_rejected, "SGD average -> (w*, b*)", (unsigned long)iters, fx->seed,
               "the same test with (w*, b*) replaced by the sigma_eps -> 0 values (%g, %g): %s", wc, bc,
               ctl_rejected ? "rejected, as it must be" : "NOT rejected");
  PROP_CHECK(ctl_rejected, "the SGD test accepted the sigma_eps -> 0 optimum");
  evidence_row(fx->ev, "dsm.sgd", "statistical", ok, "SGD average -> (w*, b*)", (unsigned long)iters, fx->seed,
               "mu=1, sigma=1, sigma_eps=1/2, step 0.002 (2 eta lambda_max = %.3f), %zu steps from (0,0), average of the "
               "last %zu: (w,b) = (%.5f, %.5f) vs (w*,b*) = (%.5f, %.5f); tolerance %.2f sqrt(2 C A^-1_ii / k) + "
               "transient %.1e = (%.4f, %.4f) (false alarm <= 1e-7 per coordinate under the stated covariance); power "
               "0.999 against an offset of the limit by tol + 3.09 sd = (%.4f, %.4f)",
               2 * eta * lmax, iters, k, w, b, ws, bs, Z_CRIT, bias, tol_w, tol_b,
               tol_w + 3.09 * sqrt(kappa * c * (1.0 / v) / (double)k), tol_b + 3.09 * sqrt(kappa * c * ((v + mu * mu) / v) / (double)k));
  /* a step beyond the stability limit diverges and is reported */
  double w2, b2;
  int s = dmc_dsm_sgd(mu, sigma, se, 50.0, 1000, r, &w2, &b2);
  PROP_CHECK(s == DMC_ERANGE && isnan(w2) && isnan(b2), "diverging SGD returned %d", s);
  gsl_rng_free(r);
  PROP_CHECK(ok, "SGD: (w,b) = (%.6f, %.6f), optimum (%.6f, %.6f), tolerance (%.6f, %.6f)", w, b, ws, bs, tol_w, tol_b);
}

/* ---- invalid input ------------------------------------------------------ */

static void test_invalid(void **state)
{
  fixture *fx = *state;
  const double bad[] = { 0.0, -0.0, -1.0, NAN, INFINITY, -INFINITY };
  int checked = 0;
  gsl_rng *r = prop_rng(fx->seed, 6);
  double xt[4] = { 1, 1, 1, 1 }, g[4] = { 0, 1, 2, 3 };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    double w = 0, b = 0, l = 0;
    PROP_CHECK(dmc_dsm_linear_optimum(0, bad[i], 1, &w, &b) == DMC_EDOM && isnan(w) && isnan(b), "optimum accepted sigma=%a", bad[i]);
    PROP_CHECK(dmc_dsm_linear_optimum(0, 1, bad[i], &w, &b) == DMC_EDOM && isnan(w) && isnan(b), "optimum accepted sigma_eps=%a", bad[i]);
    PROP_CHECK(dmc_dsm_loss(0, 1, bad[i], 0, 0, &l) == DMC_EDOM && isnan(l), "dsm_loss accepted sigma_eps=%a", bad[i]);
    PROP_CHECK(dmc_esm_loss(0, bad[i], 1, 0, 0, &l) == DMC_EDOM && isnan(l), "esm_loss accepted sigma=%a", bad[i]);
    PROP_CHECK(dmc_dsm_loss_constant(bad[i], 1, &l) == DMC_EDOM && isnan(l), "constant accepted sigma=%a", bad[i]);
    PROP_CHECK(dmc_dsm_sgd(0, 1, 1, bad[i], 10, r, &w, &b) == DMC_EDOM && isnan(w), "sgd accepted eta=%a", bad[i]);
    checked += 6;
  }
  const double nonfinite[] = { NAN, INFINITY, -INFINITY };
  for (size_t i = 0; i < 3; i++) {
    double w, b, l;
    PROP_CHECK(dmc_dsm_linear_optimum(nonfinite[i], 1, 1, &w, &b) == DMC_EDOM && isnan(b), "optimum accepted mu=%a", nonfinite[i]);
    PROP_CHECK(dmc_dsm_loss(0, 1, 1, nonfinite[i], 0, &l) == DMC_EDOM && isnan(l), "dsm_loss accepted w=%a", nonfinite[i]);
    PROP_CHECK(dmc_esm_loss(0, 1, 1, 0, nonfinite[i], &l) == DMC_EDOM && isnan(l), "esm_loss accepted b=%a", nonfinite[i]);
    checked += 3;
  }
  double w, b;
  dmc_dsm_mc mc;
  PROP_CHECK(dmc_dsm_linear_fit(4, xt, g, &w, &b) == DMC_EDOM && isnan(w) && isnan(b), "fit accepted a constant x~");
  PROP_CHECK(dmc_dsm_linear_fit(2, g, g, &w, &b) == DMC_EDOM, "fit accepted n=2");
  PROP_CHECK(dmc_dsm_linear_fit(4, NULL, g, &w, &b) == DMC_EDOM, "fit accepted NULL");
  PROP_CHECK(dmc_dsm_loss_mc(0, 1, 1, 0, 0, 1, r, &mc) == DMC_EDOM && isnan(mc.dsm), "loss_mc accepted n=1");
  PROP_CHECK(dmc_dsm_loss_mc(0, 1, 1, 0, 0, 10, NULL, &mc) == DMC_EDOM && isnan(mc.esm), "loss_mc accepted a NULL rng");
  PROP_CHECK(dmc_dsm_sample(0, -1, 1, 4, r, xt, g) == DMC_EDOM && isnan(xt[0]) && isnan(g[3]), "sample accepted sigma=-1");
  PROP_CHECK(dmc_dsm_linear_optimum(0, 1, 1, NULL, &b) == DMC_EDOM && isnan(b), "optimum accepted a NULL output");
  PROP_CHECK(dmc_dsm_loss(0, 1, 1, 0, 0, NULL) == DMC_EDOM, "dsm_loss accepted a NULL output");
  checked += 8;
  gsl_rng_free(r);
  evidence_row(fx->ev, "dsm.domain", "behaviour", 1, "invalid parameters", (unsigned long)checked, fx->seed,
               "%d invalid calls (sigma or sigma_eps <= 0 or non-finite, non-finite mu/w/b, step <= 0, constant x~, "
               "n too small, NULL pointers or generator) all returned DMC_EDOM with NaN outputs", checked);
}

PROP_FIXTURE(PROGRAM)

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_optimum_accuracy),
    cmocka_unit_test(test_loss_accuracy),
    cmocka_unit_test(test_loss_mc),
    cmocka_unit_test(test_loss_mc_se),
    cmocka_unit_test(test_ls_clt),
    cmocka_unit_test(test_fit_exact),
    cmocka_unit_test(test_sgd),
    cmocka_unit_test(test_invalid),
  };
  return cmocka_run_group_tests_name(PROGRAM, tests, setup, teardown);
}
