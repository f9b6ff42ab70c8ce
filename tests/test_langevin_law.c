/* test_langevin_law.c -- D5: the C Langevin sampler (dmc_langevin_run,
 * src/langevin.c) against the exact k-step law of its chain (claim
 * langevin.sampler.kstep), at small k where that law is far from stationary.
 *
 * From a deterministic x0 the chain's x_k is exactly N(m_k, v_k) with
 * m_k = mu + rho^k (x0 - mu), v_k = c (1 - rho^2k)/(1 - rho^2), rho = 1 - h,
 * h = dt/(tau sigma^2), c = 2 dt/tau. So for n trials the sample mean is
 * exactly N(m_k, v_k/n) and (n-1) s^2/v_k exactly chi^2_{n-1}: a z-test of the
 * mean and a chi-square test of the variance, each two-sided; every evidence
 * row has false alarm <= ALPHA (a row of several tests splits ALPHA among them). The power against a perturbed sampler comes from the same laws at
 * the perturbed chain's exact moments (GSL's normal cdf, prop_chisq_tail), and
 * must be >= 1 - ALPHA, so no seed flips a control. Each control is the same
 * test run on the perturbed law with the same sample. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#include "dmcheck.h"
#include "prop.h"

#define PROGRAM "test_langevin_law"
#define ALPHA 1e-6
#define CLAIM "langevin.sampler.kstep"

typedef prop_fixture fixture;

/* The exact moments of x_k from x0 for the chain with drift rate h_drift =
 * dt/(tau sigma^2) and noise variance c per step. */
typedef struct { double h, c; } chain;
static double law_mean(chain ch, double mu, double x0, size_t k) { return mu + pow(1 - ch.h, (double)k) * (x0 - mu); }
static double law_var(chain ch, size_t k)
{
  double r2 = (1 - ch.h) * (1 - ch.h);
  return ch.c * -expm1((double)k * log(r2)) / (1 - r2);
}

typedef struct { double mean, m2; size_t n; } sample;
static sample summarise(const double *x, size_t n)
{
  sample s = { 0, 0, n };
  for (size_t i = 0; i < n; i++) s.mean += x[i];
  s.mean /= (double)n;
  for (size_t i = 0; i < n; i++) s.m2 += (x[i] - s.mean) * (x[i] - s.mean);
  return s;
}

/* The two tests, and their power against a law (m1, v1) when the truth is (m0, v0). */
static double z_crit(double alpha) { return gsl_cdf_ugaussian_Qinv(alpha / 2); }
static int mean_accepts(sample s, double m, double v, double alpha, double *z)
{
  *z = (s.mean - m) / sqrt(v / (double)s.n);
  return fabs(*z) < z_crit(alpha);
}
static double mean_power(double m0, double v0, double m1, size_t n, double alpha)
{
  /* reject when |xbar - m1| >= z sqrt(v1/n); here v1 = v0 (the mean test's effect) */
  double d = (m0 - m1) / sqrt(v0 / (double)n), z = z_crit(alpha);
  return gsl_cdf_ugaussian_Q(z - d) + gsl_cdf_ugaussian_P(-z - d);
}
static int var_accepts(sample s, double v, double alpha, double *t)
{
  double dof = (double)(s.n - 1);
  *t = s.m2 / v;
  return *t > prop_chisq_quantile(alpha / 2, dof, 0) && *t < prop_chisq_quantile(alpha / 2, dof, 1);
}
static double var_power(double v0, double v1, size_t n, double alpha)
{
  /* the test at v1 rejects when m2/v1 is outside [lo, hi]; m2/v0 is chi^2_{n-1} */
  double dof = (double)(n - 1), lo = prop_chisq_quantile(alpha / 2, dof, 0), hi = prop_chisq_quantile(alpha / 2, dof, 1);
  return prop_chisq_tail(lo * v1 / v0, dof, 0) + prop_chisq_tail(hi * v1 / v0, dof, 1);
}

/* Runs n trials of k steps from x0 (2 threads) and summarises x_k; 0 on failure. */
static int sample_chain(const dmc_langevin *p, double x0, size_t n, size_t k, uint64_t seed, sample *s)
{
  double *x = malloc(n * sizeof *x);
  int ok = x && dmc_langevin_run(p, x0, n, k, seed, 2, x, NULL) == DMC_OK;
  if (ok) *s = summarise(x, n);
  free(x);
  return ok;
}

/* A perturbed sampler: the same test at its exact moments must reject. */
static int control_row(fixture *fx, const char *check, int rejected, double power, size_t n, unsigned long seed,
                       const char *what, double stat)
{
  evidence_row(fx->ev, CLAIM, "control", rejected, check, n, seed,
               "%s; the same test on the same sample gives %.2f: %s (power 1 - %.1e)", what, stat,
               rejected ? "rejected, as it must be" : "NOT rejected", 1 - power);
  return rejected;
}

/* Transient: mu = 0.5, sigma = 1.5, tau = 2, h = 0.2, x0 = mu + 10, k = 5.
 * The mean test must see a drift rate h off by 1% (the sampler's rate
 * dt/(tau sigma^2) times 1.01, the noise unchanged). */
#define N_TRANSIENT 200000UL
static void test_transient_mean(void **state)
{
  fixture *fx = *state;
  const double mu = 0.5, sigma = 1.5, tau = 2, h = 0.2, dt = h * tau * sigma * sigma, x0 = mu + 10;
  const size_t n = N_TRANSIENT, k = 5;
  const dmc_langevin p = { mu, sigma, tau, dt };
  sample s;
  const unsigned long seed = fx->seed + 501;   /* a derived seed: base + 501 */
  PROP_CHECK(sample_chain(&p, x0, n, k, seed, &s), "run failed");
  const chain ok = { h, 2 * dt / tau }, off = { 1.01 * h, 2 * dt / tau };
  double m = law_mean(ok, mu, x0, k), v = law_var(ok, k), m1 = law_mean(off, mu, x0, k);
  double z, z1, t;
  int pass = mean_accepts(s, m, v, ALPHA, &z), vpass = var_accepts(s, v, ALPHA, &t);
  double pw = mean_power(m, v, m1, n, ALPHA);
  const char *chk = "mean of x_k = mu + rho^k (x0 - mu) (z-test)";
  evidence_row(fx->ev, CLAIM, "statistical", pass && pw >= 1 - ALPHA, chk, n, seed,
               "mu=%g sigma=%g tau=%g dt=%g (h=%g), x0=%g, k=%zu steps, %zu trials: sample mean %.6f vs exact %.6f "
               "(stationary mean %g), z = %.2f, |z| < %.3f (two-sided false alarm %.0e); power against h off by 1%% (exact "
               "mean %.6f, shift %.1f standard errors): 1 - %.1e", mu, sigma, tau, dt, h, x0, k, n, s.mean, m, mu, z,
               z_crit(ALPHA), ALPHA, m1, (m - m1) / sqrt(v / (double)n), 1 - pw);
  int rej = !mean_accepts(s, m1, v, ALPHA, &z1);
  control_row(fx, chk, rej, pw, n, seed, "the sampler's drift rate h off by 1% (h = 0.202)", z1);
  const char *vchk = "variance of x_k = c (1 - rho^2k)/(1 - rho^2) (chi-square)";
  evidence_row(fx->ev, CLAIM, "statistical", vpass, vchk, n, seed,
               "the same sample: (n-1) s^2/v_k = %.1f for v_k = %.6f (stationary V = %.6f) inside the chi^2_%zu acceptance "
               "interval (false alarm %.0e)", t, v, sigma * sigma / (1 - h / 2), n - 1, ALPHA);
  double t1, v_ctl = v / 2;
  int vrej = !var_accepts(s, v_ctl, ALPHA, &t1);
  control_row(fx, vchk, vrej, var_power(v, v_ctl, n, ALPHA), n, seed, "the noise without the sqrt(2) (variance v_k/2)", t1);
  PROP_CHECK(pass && vpass, "x_k off the exact law: z = %.2f, chi2 = %.1f", z, t);
  PROP_CHECK(pw >= 1 - ALPHA, "mean test power %.3g < 1 - %g", pw, ALPHA);
  PROP_CHECK(rej && vrej, "a perturbed law was not rejected: z = %.2f, chi2 = %.1f", z1, t1);
}

/* The demo's own parameters mu = 0, sigma = tau = 1, dt = 0.01, x0 = 0 at
 * k = 10 (t = 0.1): the variance test must see a missing sqrt(2), a dt off
 * by 1% (drift and noise) and the continuous-time variance 1 - e^{-2t}. */
#define N_DEMO 2500000UL
static void test_demo_variance(void **state)
{
  fixture *fx = *state;
  const double mu = 0, sigma = 1, tau = 1, dt = 0.01, x0 = 0;
  const size_t n = N_DEMO, k = 10;
  const dmc_langevin p = { mu, sigma, tau, dt };
  sample s;
  const unsigned long seed = fx->seed + 502;   /* a derived seed: base + 502 */
  PROP_CHECK(sample_chain(&p, x0, n, k, seed, &s), "run failed");
  const double h = dt / (tau * sigma * sigma);
  const chain ok = { h, 2 * dt / tau }, big = { 1.01 * h, 1.01 * 2 * dt / tau };
  double v = law_var(ok, k), t, z;
  /* two tests in one row: each at ALPHA/2, so the row's false alarm is <= ALPHA */
  int vpass = var_accepts(s, v, ALPHA / 2, &t), mpass = mean_accepts(s, 0, v, ALPHA / 2, &z), pass = vpass && mpass;
  const double perturbed[3] = { v / 2, law_var(big, k), sigma * sigma * -expm1(-2 * h * (double)k) };
  const char *what[3] = { "the noise without the sqrt(2)", "dt off by 1% in drift and noise",
                          "the continuous-time variance sigma^2 (1 - e^{-2hk})" };
  double pw[3], least = 1;
  for (int i = 0; i < 3; i++) { pw[i] = var_power(v, perturbed[i], n, ALPHA / 2); if (pw[i] < least) least = pw[i]; }
  const char *chk = "variance of x_k = c (1 - rho^2k)/(1 - rho^2) at the demo's parameters (chi-square)";
  evidence_row(fx->ev, CLAIM, "statistical", pass && least >= 1 - ALPHA, chk, n, seed,
               "mu=0 sigma=tau=1 dt=0.01 x0=0 (the demo's), k=%zu steps, %zu trials: sample variance %.6f vs exact %.6f "
               "(stationary %.6f); (n-1)s^2/v_k = %.1f inside the chi^2_%zu acceptance interval, mean z = %.2f (false alarm "
               "%.0e each, %.0e for the row); power against the variance %.6f (%s): 1 - %.1e, %.6f (%s): 1 - %.1e, %.6f (%s): 1 - %.1e", k, n,
               s.m2 / (double)(n - 1), v, 1 / (1 - h / 2), t, n - 1, z, ALPHA / 2, ALPHA, perturbed[0], what[0], 1 - pw[0], perturbed[1],
               what[1], 1 - pw[1], perturbed[2], what[2], 1 - pw[2]);
  int all = 1;
  for (int i = 0; i < 3; i++) {
    double t1;
    int rejected = !var_accepts(s, perturbed[i], ALPHA / 2, &t1);
    all &= control_row(fx, chk, rejected, pw[i], n, seed, what[i], t1);
  }
  PROP_CHECK(pass, "x_k off the exact law at the demo's parameters: chi2 = %.1f, z = %.2f", t, z);
  PROP_CHECK(least >= 1 - ALPHA, "variance test power %.3g < 1 - %g", least, ALPHA);
  PROP_CHECK(all, "a perturbed variance was not rejected");
}

/* The figure's points: the sample variance at the demo's parameters against
 * k, with its standard error, each also a chi-square test at ALPHA/8
 * (Bonferroni: the row's false alarm is <= ALPHA). */
#define N_FIG 20000UL
static void test_figure_points(void **state)
{
  fixture *fx = *state;
  const dmc_langevin p = { 0, 1, 1, 0.01 };
  const size_t ks[] = { 10, 25, 50, 100, 200, 400, 700, 1000 }, nk = sizeof ks / sizeof ks[0], n = N_FIG;
  const chain ok = { 0.01, 0.02 };
  FILE *f = evidence_data_file("fig", "d5_langevin_mc.csv");
  if (f) fprintf(f, "k,v,err\n");
  int all = 1;
  double worst = 0;
  for (size_t j = 0; j < nk; j++) {
    sample s;
    PROP_CHECK(sample_chain(&p, 0, n, ks[j], fx->seed + 600 + j, &s), "run failed");
    double v = law_var(ok, ks[j]), t, var = s.m2 / (double)(n - 1);
    all &= var_accepts(s, v, ALPHA / (double)nk, &t);
    double zv = (t - (double)(n - 1)) / sqrt(2.0 * (double)(n - 1));
    if (fabs(zv) > worst) worst = fabs(zv);
    if (f) fprintf(f, "%zu,%.9g,%.9g\n", ks[j], var, 1.96 * var * sqrt(2.0 / (double)(n - 1)));
  }
  if (f) fclose(f);
  const double V = 1 / (1 - 0.005);
  evidence_row(fx->ev, CLAIM, "statistical", all, "variance of x_k at k = 10..1000 (chi-square, figure)", nk * n,
               fx->seed, "the demo's parameters, %zu trials at each of %zu values of k from 10 to 1000: every (n-1)s^2/v_k "
               "inside its chi^2 acceptance interval (false alarm %.1e each, %.0e for the row), largest |z| of the variance %.2f; the points "
               "are the figure's (the stationary V = %.6f is 0.5%% above sigma^2 = 1, below their resolution of %.1f%%)",
               n, nk, ALPHA / (double)nk, ALPHA, worst, V, 100 * 1.96 * sqrt(2.0 / (double)(n - 1)));
  PROP_CHECK(all, "a sample variance is off the exact law (largest |z| %.2f)", worst);
}

PROP_FIXTURE(PROGRAM)

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_transient_mean),
    cmocka_unit_test(test_demo_variance),
    cmocka_unit_test(test_figure_points),
  };
  return cmocka_run_group_tests_name(PROGRAM, tests, setup, teardown);
}
