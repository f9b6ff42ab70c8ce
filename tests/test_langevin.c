/* test_langevin.c -- D7: src/langevin.c, document 001's Langevin demo
 * (claims elbo.langevin.*, elbo.demo.*): bit-identical results for any
 * thread count and code path (portable, AVX2), the chain's moments against
 * the exact closed form of the discrete recursion, and the demo's accumulated
 * "ELBO" against its exact distribution. The z-tests reject at |z| > 5.3
 * (two-sided false alarm 1.2e-7) and state the deviation they detect with
 * power 0.999; the stationary-variance test is an exact chi-square test
 * (false alarm 1e-6) with its power at the effect h/2 computed from the
 * chi-square law. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dmcheck.h"
#include "prop.h"

#define PROGRAM "test_langevin"
#define Z_CRIT 5.3

typedef prop_fixture fixture;

static void test_threads_bit_identical(void **state)
{
  fixture *fx = *state;
  const dmc_langevin p = { 0.3, 1.2, 1.5, 0.02 };
  enum { N = 1234, STEPS = 300 };
  static double x1[N], e1[N], x2[N], e2[N], x3[N], e3[N];
  int s1 = dmc_langevin_run(&p, -1.0, N, STEPS, fx->seed, 1, x1, e1);
  int s2 = dmc_langevin_run(&p, -1.0, N, STEPS, fx->seed, 2, x2, e2);
  int s3 = dmc_langevin_run(&p, -1.0, N, STEPS, fx->seed, 3, x3, e3);
  int same = s1 == DMC_OK && s2 == DMC_OK && s3 == DMC_OK &&
             !memcmp(x1, x2, sizeof x1) && !memcmp(e1, e2, sizeof e1) &&
             !memcmp(x1, x3, sizeof x1) && !memcmp(e1, e3, sizeof e1);
  /* a different seed must change the output (the test can fail) */
  dmc_langevin_run(&p, -1.0, N, STEPS, fx->seed + 1, 2, x3, e3);
  int differs = memcmp(x1, x3, sizeof x1) != 0;
  evidence_row(fx->ev, "elbo.langevin.threads", "behaviour", same && differs, "1, 2, 3 threads bit-identical", N, fx->seed,
               "%d trials x %d steps (blocks of %d trials, stream per block): final x and ELBO identical bit for bit with "
               "1, 2 and 3 threads; another seed changes them", N, STEPS, DMC_LANGEVIN_BLOCK);
  PROP_CHECK(same, "thread count changed the Langevin output");
  PROP_CHECK(differs, "the seed does not change the Langevin output");
}

/* The portable and the AVX2 kernels, each on 1, 2 and 3 threads, give the
 * same bits (N is not a multiple of the block or of 4: a padded last group). */
static void test_paths_bit_identical(void **state)
{
  fixture *fx = *state;
  const dmc_langevin p = { -0.4, 0.8, 1.3, 0.05 };
  enum { N = 1234, STEPS = 400 };
  static double xr[N], er[N], x[N], e[N];
  int ok = dmc_langevin_run_path(&p, 2.0, N, STEPS, fx->seed, 1, DMC_SIMD_PORTABLE, xr, er) == DMC_OK;
  int runs = 0, have_avx2 = dmc_simd_available(DMC_SIMD_AVX2);
  for (int path = DMC_SIMD_PORTABLE; path <= DMC_SIMD_AVX2; path++)
    for (unsigned th = 1; th <= 3; th++) {
      if (path == DMC_SIMD_AVX2 && !have_avx2) {
        ok &= dmc_langevin_run_path(&p, 2.0, N, STEPS, fx->seed, th, path, x, e) == DMC_EDOM && isnan(x[0]) && isnan(e[N - 1]);
        continue;
      }
      memset(x, 0, sizeof x);
      memset(e, 0, sizeof e);
      ok &= dmc_langevin_run_path(&p, 2.0, N, STEPS, fx->seed, th, path, x, e) == DMC_OK &&
            !memcmp(x, xr, sizeof x) && !memcmp(e, er, sizeof e);
      runs++;
    }
  if (!have_avx2) printf("%s: no AVX2 on this CPU: only the portable path ran\n", PROGRAM);
  /* control: the AVX2 (or portable) kernel with another seed differs */
  dmc_langevin_run_path(&p, 2.0, N, STEPS, fx->seed + 1, 2, DMC_SIMD_AUTO, x, e);
  int differs = memcmp(e, er, sizeof e) != 0;
  evidence_row(fx->ev, "elbo.langevin.threads", "behaviour", ok && differs, "portable and AVX2 kernels bit-identical", N, fx->seed,
               "%d trials x %d steps: %d runs (%s x 1, 2, 3 threads) give final x and ELBO identical bit for bit to the "
               "portable kernel on 1 thread; another seed changes them",
               N, STEPS, runs, have_avx2 ? "portable and AVX2" : "portable only (no AVX2 here)");
  PROP_CHECK(ok, "the code path or thread count changed the Langevin output");
  PROP_CHECK(differs, "the seed does not change the Langevin output");
}

/* Trials are cut into blocks, each with its own stream: a run of N trials (N
 * not a multiple of the block) equals a longer run on its full blocks, bit for
 * bit, and its last, partial block is run too (every output written, finite). */
static void test_trials_prefix(void **state)
{
  fixture *fx = *state;
  const dmc_langevin p = { 0.3, 1.2, 1.5, 0.02 };
  enum { FULL = 3 * DMC_LANGEVIN_BLOCK, N = FULL + 7, M = 5 * DMC_LANGEVIN_BLOCK, STEPS = 40 };
  static double xa[M], ea[M], xb[N], eb[N];
  for (int i = 0; i < N; i++) xb[i] = eb[i] = NAN;
  int s1 = dmc_langevin_run(&p, -1.0, M, STEPS, fx->seed, 2, xa, ea);
  int s2 = dmc_langevin_run(&p, -1.0, N, STEPS, fx->seed, 2, xb, eb);
  int same = s1 == DMC_OK && s2 == DMC_OK && !memcmp(xa, xb, FULL * sizeof *xb) && !memcmp(ea, eb, FULL * sizeof *eb);
  int written = 1;
  for (int i = FULL; i < N; i++) written &= isfinite(xb[i]) && isfinite(eb[i]);
  evidence_row(fx->ev, "elbo.langevin.threads", "behaviour", same && written, "partial last block", N, fx->seed,
               "%d trials = %d full blocks of %d, identical bit for bit to the same blocks of a %d-trial run, and a "
               "partial block of %d whose outputs are all written", N, FULL / DMC_LANGEVIN_BLOCK, DMC_LANGEVIN_BLOCK, M,
               N - FULL);
  PROP_CHECK(same, "the full blocks of a %d-trial run differ from those of a %d-trial run", N, M);
  PROP_CHECK(written, "the partial last block of a %d-trial run was not run", N);
}

/* The moments test: z-tests of the sample mean and variance against the
 * stated ones (|z| < Z_CRIT each). */
static int moments_test(const double *x, size_t n, double want_mean, double want_var, double *mean, double *var,
                        double *zm, double *zv)
{
  double s = 0, m2 = 0;
  for (size_t i = 0; i < n; i++) s += x[i];
  *mean = s / (double)n;
  for (size_t i = 0; i < n; i++) m2 += (x[i] - *mean) * (x[i] - *mean);
  *var = m2 / (double)(n - 1);
  *zm = (*mean - want_mean) / sqrt(want_var / (double)n);
  *zv = (*var - want_var) / (want_var * sqrt(2.0 / (double)(n - 1)));
  return fabs(*zm) < Z_CRIT && fabs(*zv) < Z_CRIT;
}

static void test_moments(void **state)
{
  fixture *fx = *state;
  const double mu = 0.5, sigma = 1.5, tau = 2.0, dt = 0.05, x0 = -2.0;
  const dmc_langevin p = { mu, sigma, tau, dt };
  const size_t n = prop_points(40000), k1 = 40, k2 = 2000;
  double *x = malloc(n * sizeof *x), *e = malloc(n * sizeof *e);
  PROP_CHECK(x && e, "out of memory");
  /* exact: x_k = mu + rho^k (x0 - mu) + noise, Var = s2 (1 - rho^2k) / (1 - rho^2) */
  const double h = dt / (tau * sigma * sigma), rho = 1 - h, s2 = 2 * dt / tau;
  int ok = 1;
  const size_t ks[2] = { k1, k2 };
  for (int j = 0; j < 2; j++) {
    size_t k = ks[j];
    const unsigned long seed = fx->seed + 17 + (unsigned long)j;   /* a derived seed: base + 17 + j */
    PROP_CHECK(dmc_langevin_run(&p, x0, n, k, seed, 2, x, e) == DMC_OK, "run failed");
    double want_mean = mu + pow(rho, (double)k) * (x0 - mu);
    double want_var = s2 * (1 - pow(rho, 2.0 * (double)k)) / (1 - rho * rho);
    double mean, var, zm, zv;
    int pass = moments_test(x, n, want_mean, want_var, &mean, &var, &zm, &zv);
    ok &= pass;
    if (k == k1) { /* negative control: the same test of "the chain has forgotten x0" (mean mu after k1 steps);
                    * its mean is off by rho^k1 |x0 - mu| = 1.6, z ~ 14 even at n = 100 */
      double cm, cv, czm, czv;
      int rejected = !moments_test(x, n, mu, want_var, &cm, &cv, &czm, &czv);
      ok &= rejected;
      evidence_row(fx->ev, "elbo.langevin.moments", "control", rejected,
                   "mean and variance after k steps = discrete-chain closed form", n, seed,
                   "the same test with the mean mu (x0 forgotten) after k=%zu steps: z = %.1f: %s", k, czm,
                   rejected ? "rejected, as it must be" : "NOT rejected");
    }
    /* power 0.999 against a shift of k999 standard errors: the variance test
     * sees a relative deviation of k999 sqrt(2/(n-1)) (5.6% at n = 40000),
     * so it cannot tell sigma^2/(1 - h/2) from sigma^2 here (h/2 = 0.56%):
     * that is elbo.langevin.stationary's own test below. */
    double k999 = prop_shift_for_power(Z_CRIT, 0.999);
    evidence_row(fx->ev, "elbo.langevin.moments", "statistical", pass,
                 "mean and variance after k steps = discrete-chain closed form", n, seed,
                 "mu=%g sigma=%g tau=%g dt=%g x0=%g, k=%zu steps, %zu trials: mean %.5f (exact %.5f, z=%.2f), variance %.5f "
                 "(exact %.5f, z=%.2f); |z| < %.1f each, false alarm %.1e; power 0.999 against a mean shift of %.2g and a "
                 "relative variance deviation of %.2g (not enough to see the stationary inflation h/2 = %.2g)",
                 mu, sigma, tau, dt, x0, k, n, mean, want_mean, zm, var, want_var, zv, Z_CRIT, prop_z_false_alarm(Z_CRIT),
                 k999 * sqrt(want_var / (double)n), k999 * sqrt(2.0 / (double)(n - 1)), h / 2);
  }
  free(x);
  free(e);
  PROP_CHECK(ok, "Langevin moments off the closed form");
}

/* elbo.langevin.stationary, statistically: the variance of x_k against
 * sigma^2/(1 - h/2) (times 1 - rho^2k, the transient, here 1 - 4e-20) by an
 * exact chi-square test: the x_k are i.i.d. Gaussian, so (n-1) s^2 / v is
 * chi^2_{n-1}. Two-sided, false alarm STAT_ALPHA. Its power against the
 * perturbed statement "the stationary variance is sigma^2" (relative effect
 * h/2) comes from the same law: P(chi^2 outside [lo, hi] v0/v1). At the
 * demo's h = 0.01 power 0.999 would need about 5e6 trials of 1000 steps, so
 * the test runs at h = 0.2 (the closed form covers every 0 < h < 2), where
 * STAT_N trials give power > 1 - 1e-6; the evidence states both. The same
 * test applied to sigma^2 (the negative control) must reject. */
#define STAT_ALPHA 1e-6
#define STAT_N 20000UL
static double chisq_power(double lo, double hi, double dof, double ratio)
{
  /* P(X outside [lo, hi]) for X = ratio chi^2_dof */
  return prop_chisq_tail(lo / ratio, dof, 0) + prop_chisq_tail(hi / ratio, dof, 1);
}
static void test_stationary(void **state)
{
  fixture *fx = *state;
  const double mu = 0.5, sigma = 1.5, tau = 2.0, h = 0.2, dt = h * tau * sigma * sigma, x0 = mu;
  const dmc_langevin p = { mu, sigma, tau, dt };
  const size_t n = STAT_N, k = 100;
  double *x = malloc(n * sizeof *x);
  PROP_CHECK(x, "out of memory");
  const unsigned long seed = fx->seed + 31;   /* a derived seed: base + 31 */
  PROP_CHECK(dmc_langevin_run(&p, x0, n, k, seed, 2, x, NULL) == DMC_OK, "run failed");
  double mean = 0, m2 = 0;
  for (size_t i = 0; i < n; i++) mean += x[i];
  mean /= (double)n;
  for (size_t i = 0; i < n; i++) m2 += (x[i] - mean) * (x[i] - mean);
  free(x);
  const double rho = 1 - h, trans = 1 - pow(rho, 2.0 * (double)k), dof = (double)(n - 1);
  const double v_claim = sigma * sigma / (1 - h / 2) * trans, v_pert = sigma * sigma * trans;
  const double lo = prop_chisq_quantile(STAT_ALPHA / 2, dof, 0), hi = prop_chisq_quantile(STAT_ALPHA / 2, dof, 1);
  const double t_claim = m2 / v_claim, t_pert = m2 / v_pert;
  int pass = t_claim >= lo && t_claim <= hi, control = !(t_pert >= lo && t_pert <= hi);
  double power = chisq_power(lo, hi, dof, v_pert / v_claim);
  /* what the same design could detect at the demo's h = 0.01: trials for power 0.999 */
  double need = 0;
  for (double nn = 1000; nn < 1e9 && !need; nn *= 1.05) {
    double l = prop_chisq_quantile(STAT_ALPHA / 2, nn, 0), u = prop_chisq_quantile(STAT_ALPHA / 2, nn, 1);
    if (chisq_power(l, u, nn, 1 - 0.01 / 2) >= 0.999) need = nn;
  }
  evidence_row(fx->ev, "elbo.langevin.stationary", "statistical", pass && power >= 1 - 1e-6,
               "variance of x_k = sigma^2/(1-h/2) (1-rho^2k), exact chi-square test", n, seed,
               "mu=%g sigma=%g tau=%g dt=%g (h=%g), x0=mu, k=%zu steps, %zu trials: sample variance %.5f vs sigma^2/(1-h/2) "
               "(1-rho^2k) = %.5f; (n-1)s^2/v = %.1f in the chi^2_%zu acceptance interval [%.1f, %.1f] (false alarm %.0e); "
               "power against sigma^2 (relative effect h/2 = %.2g): 1 - %.1e; at the demo's h = 0.01 power 0.999 needs about "
               "%.2g trials", mu, sigma, tau, dt, h, k, n, m2 / dof, v_claim, t_claim, n - 1, lo, hi, STAT_ALPHA, h / 2,
               1 - power, need);
  evidence_row(fx->ev, "elbo.langevin.stationary", "control", control,
               "variance of x_k = sigma^2/(1-h/2) (1-rho^2k), exact chi-square test", n, seed,
               "the same test and sample with the continuous-time variance sigma^2 (1-rho^2k) = %.5f: (n-1)s^2/v = %.1f, %s the "
               "acceptance interval [%.1f, %.1f]", v_pert, t_pert, control ? "outside" : "INSIDE", lo, hi);
  PROP_CHECK(pass, "stationary variance off: (n-1)s^2/v = %.1f outside [%.1f, %.1f]", t_claim, lo, hi);
  PROP_CHECK(control, "the chi-square test did not reject sigma^2: (n-1)s^2/v = %.1f", t_pert);
  PROP_CHECK(power >= 1 - 1e-6, "stationary test power %.3g < 1 - 1e-6", power);
}

/* The demo's per-step increment logProbBackward - logProbForward equals
 * xi^2 dt (1 - dt/2) with xi ~ N(0,1), so ELBO_k = dt (1 - dt/2) chi^2_k. */
static void test_demo_elbo(void **state)
{
  fixture *fx = *state;
  const double dt = 0.01;
  const dmc_langevin p = { 0.0, 1.0, 1.0, dt };  /* the demo's parameters */
  const size_t n = prop_points(20000), k = 1000;
  double *x = malloc(n * sizeof *x), *e = malloc(n * sizeof *e);
  PROP_CHECK(x && e, "out of memory");
  const unsigned long seed = fx->seed + 99;   /* a derived seed: base + 99 */
  PROP_CHECK(dmc_langevin_run(&p, 0.0, n, k, seed, 2, x, e) == DMC_OK, "run failed");
  double mean = 0, norm_mean = 0;
  for (size_t i = 0; i < n; i++) mean += e[i];
  mean /= (double)n;
  const double c = dt * (1 - dt / 2), kk = (double)k;
  const double want = kk * c, sd = c * sqrt(2 * kk);
  double z = (mean - want) / (sd / sqrt((double)n));
  /* normalising the backward density in x' adds log(1 - dt) per step */
  norm_mean = mean + kk * log1p(-dt);
  double want_norm = kk * (c + log1p(-dt));
  double zn = (norm_mean - want_norm) / (sd / sqrt((double)n));
  int pass = fabs(z) < Z_CRIT;
  evidence_row(fx->ev, "elbo.demo.increment", "statistical", pass, "demo ELBO_k = dt(1-dt/2) chi^2_k", n, seed,
               "demo settings (mu=0, sigma=1, tau=1, dt=0.01), k=1000 steps, %zu trials: mean ELBO %.5f vs k dt(1-dt/2) = %.5f, "
               "z = %.2f (|z| < %.1f, false alarm 1.2e-7); power 0.999 against a shift of the mean of %.2g (%.1f%%)",
               n, mean, want, z, Z_CRIT, prop_shift_for_power(Z_CRIT, 0.999) * sd / sqrt((double)n),
               100 * prop_shift_for_power(Z_CRIT, 0.999) * sd / sqrt((double)n) / want);
  /* as written: an ELBO term E_q log(p/q) of normalised densities is <= 0 */
  evidence_row(fx->ev, "elbo.demo.bound", "statistical", mean <= 0, "demo's accumulated ELBO has expectation <= 0", n, seed,
               "counterexample: the demo's own settings, k=1000 steps, %zu trials: mean accumulated ELBO = %.4f > 0 "
               "(exact k dt(1-dt/2) = %.4f, growing linearly in k); a sum of E log(p/q) over normalised densities cannot be positive",
               n, mean, want);
  /* negative control: the same test on the accumulated ELBO without the normaliser */
  double zc = (mean - want_norm) / (sd / sqrt((double)n));
  int rejected = !(fabs(zc) < Z_CRIT && want_norm < 0);
  evidence_row(fx->ev, "elbo.demo.bound", "control", rejected,
               "with the backward density normalised, mean = k(dt - dt^2/2 + log(1-dt)) < 0", n, seed,
               "the same test on the demo's accumulated ELBO without the normaliser (mean %.4f): z = %.1f: %s", mean, zc,
               rejected ? "rejected, as it must be" : "NOT rejected");
  PROP_CHECK(rejected, "the un-normalised ELBO passed the normalised test");
  evidence_row(fx->ev, "elbo.demo.bound", "corrected", fabs(zn) < Z_CRIT && want_norm < 0,
               "with the backward density normalised, mean = k(dt - dt^2/2 + log(1-dt)) < 0", n, seed,
               "adding the missing normaliser log(1-dt) per step: mean %.6f vs exact -k KL = %.6f, z = %.2f (|z| < %.1f, "
               "false alarm 1.2e-7; power 0.999 against a shift of %.2g)",
               norm_mean, want_norm, zn, Z_CRIT, prop_shift_for_power(Z_CRIT, 0.999) * sd / sqrt((double)n));
  /* the demo plots log mean exp(ELBO_k): E e^{c chi^2_k} = (1 - 2c)^{-k/2} = (1 - dt)^{-k},
   * Var = (1 - 4c)^{-k/2} - (1 - dt)^{-2k}; z-test on the mean of exp(ELBO_k) */
  double me = 0;
  for (size_t i = 0; i < n; i++) me += exp(e[i]);
  me /= (double)n;
  double want_e = exp(-kk * log1p(-dt)), var_e = exp(-kk / 2 * log1p(-4 * c)) - want_e * want_e;
  double ze = (me - want_e) / sqrt(var_e / (double)n);
  int pass_e = fabs(ze) < Z_CRIT;
  evidence_row(fx->ev, "elbo.demo.increment", "statistical", pass_e, "demo's log mean exp(ELBO_k) -> -k log(1-dt)", n, seed,
               "mean of exp(ELBO_k) over %zu trials %.4f vs (1-dt)^-k = %.4f (log: %.5f vs %.5f), z = %.2f (|z| < %.1f, "
               "false alarm 1.2e-7); power 0.999 against a relative shift of %.2g", n, me, want_e, log(me), -kk * log1p(-dt),
               ze, Z_CRIT, prop_shift_for_power(Z_CRIT, 0.999) * sqrt(var_e / (double)n) / want_e);
  free(x);
  free(e);
  PROP_CHECK(pass && pass_e && fabs(zn) < Z_CRIT, "demo ELBO distribution off: z = %.2f, exp z = %.2f, normalised z = %.2f", z, ze, zn);
}

/* Figure data (fig/langevin_demo_elbo.csv): the demo's accumulated "ELBO"
 * after k steps, as written and with the missing normaliser log(1 - dt) per
 * step, over the same trials observed at k = 50, 100, ..., 1000 (the runs
 * share the seed, so each is the prefix of the next), beside the exact means
 * k dt(1 - dt/2) and k(dt - dt^2/2 + log(1 - dt)). */
static void test_demo_elbo_figure(void **state)
{
  fixture *fx = *state;
  const double dt = 0.01, c = dt * (1 - dt / 2);
  const dmc_langevin p = { 0.0, 1.0, 1.0, dt };
  const size_t n = prop_points(2000);
  double *e = malloc(n * sizeof *e);
  FILE *f = evidence_data_file("fig", "langevin_demo_elbo.csv");
  int ok = e && f;
  if (ok) fprintf(f, "k,demo,demo_se,demo_exact,normalised,normalised_exact\n");
  for (size_t k = 50; ok && k <= 1000; k += 50) {
    if (!(ok = dmc_langevin_run(&p, 0.0, n, k, fx->seed + 99, 2, NULL, e) == DMC_OK)) break;
    double mean = 0, m2 = 0, kk = (double)k;
    for (size_t i = 0; i < n; i++) mean += e[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) m2 += (e[i] - mean) * (e[i] - mean);
    fprintf(f, "%zu,%.6e,%.6e,%.6e,%.6e,%.6e\n", k, mean, sqrt(m2 / (double)(n - 1) / (double)n), kk * c,
            mean + kk * log1p(-dt), kk * (c + log1p(-dt)));
  }
  if (f) fclose(f);
  free(e);
  PROP_CHECK(ok, "out of memory, no figure file or a failed run");
}

/* Figure data (fig/langevin_stationary_h.csv): the sample variance of x_k
 * (k = 400 steps from x0 = mu, so rho^2k < 2e-18 for every h here; the j-th h
 * on the derived seed base + 40 + j, so the points are independent) against the
 * step h = dt/(tau sigma^2), with its standard error v sqrt(2/(n-1)), beside
 * sigma^2/(1 - h/2) (1 - rho^2k) and sigma^2; fig/langevin_stationary_curve.csv
 * has the closed form on a fine grid of h. */
static void test_stationary_figure(void **state)
{
  fixture *fx = *state;
  const double mu = 0.0, sigma = 1.0, tau = 1.0;
  const size_t n = prop_points(20000), k = 400;
  static const double hs[] = { 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8 };
  double *x = malloc(n * sizeof *x);
  FILE *f = evidence_data_file("fig", "langevin_stationary_h.csv");
  int ok = x && f;
  if (ok) fprintf(f, "h,var,var_se,var_exact,sigma2\n");
  for (size_t j = 0; ok && j < sizeof hs / sizeof hs[0]; j++) {
    const double h = hs[j], rho = 1 - h;
    const dmc_langevin p = { mu, sigma, tau, h * tau * sigma * sigma };
    if (!(ok = dmc_langevin_run(&p, mu, n, k, fx->seed + 40 + j, 2, x, NULL) == DMC_OK)) break;
    double mean = 0, m2 = 0;
    for (size_t i = 0; i < n; i++) mean += x[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) m2 += (x[i] - mean) * (x[i] - mean);
    double v = m2 / (double)(n - 1);
    fprintf(f, "%.3f,%.6e,%.6e,%.6e,%.6e\n", h, v, v * sqrt(2.0 / (double)(n - 1)),
            sigma * sigma / (1 - h / 2) * (1 - pow(rho, 2.0 * (double)k)), sigma * sigma);
  }
  if (f) fclose(f);
  free(x);
  PROP_CHECK(ok, "out of memory, no figure file or a failed run");
  f = evidence_data_file("fig", "langevin_stationary_curve.csv");
  PROP_CHECK(f, "no figure file");
  fprintf(f, "h,var_exact\n");
  for (int i = 1; i <= 190; i++) fprintf(f, "%.3f,%.6e\n", i / 100.0, sigma * sigma / (1 - i / 200.0));
  fclose(f);
}

static void test_invalid(void **state)
{
  fixture *fx = *state;
  double x[3] = { 0, 0, 0 }, e[3] = { 0, 0, 0 };
  const dmc_langevin bad[] = { { 0, 0, 1, 0.1 }, { 0, 1, -1, 0.1 }, { 0, 1, 1, 0 }, { NAN, 1, 1, 0.1 } };
  int checked = 0;
  for (int i = 0; i < 4; i++) {
    PROP_CHECK(dmc_langevin_run(&bad[i], 0, 3, 10, 1, 1, x, e) == DMC_EDOM && isnan(x[0]) && isnan(e[2]),
               "accepted invalid parameters #%d", i);
    checked++;
  }
  const dmc_langevin ok = { 0, 1, 1, 0.1 };
  PROP_CHECK(dmc_langevin_run(&ok, 0, 3, 10, 1, 0, x, e) == DMC_EDOM, "accepted 0 threads");
  PROP_CHECK(dmc_langevin_run(NULL, 0, 3, 10, 1, 1, x, e) == DMC_EDOM, "accepted NULL parameters");
  PROP_CHECK(dmc_langevin_run_path(&ok, 0, 3, 10, 1, 1, 99, x, e) == DMC_EDOM && isnan(x[1]), "accepted an unknown code path");
  checked += 3;
  evidence_row(fx->ev, "elbo.domain", "behaviour", 1, "invalid Langevin parameters", (unsigned long)checked, fx->seed,
               "%d invalid calls (sigma <= 0, tau <= 0, dt <= 0, NaN mu, 0 threads, NULL, unknown code path) returned DMC_EDOM with NaN outputs",
               checked);
}

PROP_FIXTURE(PROGRAM)

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_threads_bit_identical),
    cmocka_unit_test(test_paths_bit_identical),
    cmocka_unit_test(test_trials_prefix),
    cmocka_unit_test(test_moments),
    cmocka_unit_test(test_stationary),
    cmocka_unit_test(test_demo_elbo),
    cmocka_unit_test(test_demo_elbo_figure),
    cmocka_unit_test(test_stationary_figure),
    cmocka_unit_test(test_invalid),
  };
  return cmocka_run_group_tests_name(PROGRAM, tests, setup, teardown);
}
