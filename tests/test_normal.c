/* test_normal.c -- the fast normal generator (src/normal.c) as a
 * distribution (claim sde.rng.normal). Every test is a z-test or a KS test at
 * a false-alarm rate of at most 1.2e-7 (|z| > 5.3; KS at alpha = 1e-6). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>

#include "dmcheck.h"
#include "prop.h"

#define PROGRAM "test_normal"
#define N_DRAWS 1000000
#define Z_CRIT 5.3 /* two-sided false alarm 1.2e-7 per test */

typedef prop_fixture fixture;

/* z of an observed count against a binomial(n, p) expectation. */
static double binomial_z(double count, double n, double p)
{
  return (count - n * p) / sqrt(n * p * (1 - p));
}

static void test_normal_distribution(void **state)
{
  fixture *fx = *state;
  size_t n = prop_points(N_DRAWS);
  double *x = malloc(n * sizeof *x);
  assert_non_null(x);
  dmc_normal_gen g;
  dmc_normal_seed(&g, fx->seed);
  dmc_normal_fill(&g, n, x);
  double s1 = 0, s2 = 0, s3 = 0, s4 = 0, lag = 0, tail = 0, wedge = 0;
  for (size_t i = 0; i < n; i++) {
    double v = x[i], v2 = v * v;
    s1 += v; s2 += v2; s3 += v2 * v; s4 += v2 * v2;
    if (i) lag += v * x[i - 1];
    tail += fabs(v) > 3.442619855899;
    wedge += fabs(v) > 1.0 && fabs(v) < 2.0;
  }
  double dn = (double)n;
  /* moments of N(0,1): E x = 0 (var 1), E x^2 = 1 (var 2), E x^3 = 0 (var 15),
   * E x^4 = 3 (var 96); lag-1 product: mean 0, var 1 */
  double z_mean = s1 / sqrt(dn), z_var = (s2 - dn) / sqrt(2 * dn);
  double z_skew = s3 / sqrt(15 * dn), z_kurt = (s4 - 3 * dn) / sqrt(96 * dn);
  double z_lag = lag / sqrt(dn - 1);
  double p_tail = 2 * gsl_cdf_ugaussian_Q(3.442619855899);
  double p_wedge = 2 * (gsl_cdf_ugaussian_P(2.0) - gsl_cdf_ugaussian_P(1.0));
  double z_tail = binomial_z(tail, dn, p_tail), z_wedge = binomial_z(wedge, dn, p_wedge);
  gsl_sort(x, 1, n);
  double d = 0;
  for (size_t i = 0; i < n; i++) {
    double f = gsl_cdf_ugaussian_P(x[i]);
    d = fmax(d, fmax(fabs(f - (double)i / dn), fabs((double)(i + 1) / dn - f)));
  }
  double d_crit = sqrt(-log(1e-6 / 2) / 2) / sqrt(dn); /* Kolmogorov, alpha = 1e-6 */
  free(x);
  double zs[] = { z_mean, z_var, z_skew, z_kurt, z_lag, z_tail, z_wedge };
  int ok = d < d_crit;
  for (size_t i = 0; i < sizeof zs / sizeof *zs; i++) ok &= fabs(zs[i]) < Z_CRIT;
  evidence_row(fx->ev, "sde.rng.normal", "statistical", ok, "N(0,1) draws", n, fx->seed,
               "KS D=%.5f (critical %.5f at alpha 1e-6); z: mean %.2f, var %.2f, skew %.2f, kurtosis %.2f, "
               "lag-1 %.2f, tail |x|>R %.2f, wedges 1<|x|<2 %.2f (|z| < %.1f, 1.2e-7 each)",
               d, d_crit, z_mean, z_var, z_skew, z_kurt, z_lag, z_tail, z_wedge, Z_CRIT);
  PROP_CHECK(ok, "normal generator (seed %lu, n=%zu): KS D=%g (crit %g), z = %g %g %g %g %g %g %g",
             fx->seed, n, d, d_crit, z_mean, z_var, z_skew, z_kurt, z_lag, z_tail, z_wedge);
}

/* Same seed, same draws; another seed, other draws. */
static void test_normal_reproducible(void **state)
{
  fixture *fx = *state;
  enum { N = 1000 };
  double a[N], b[N], c[N];
  dmc_normal_gen g;
  dmc_normal_seed(&g, fx->seed); dmc_normal_fill(&g, N, a);
  dmc_normal_seed(&g, fx->seed); dmc_normal_fill(&g, N, b);
  dmc_normal_seed(&g, fx->seed + 1); dmc_normal_fill(&g, N, c);
  int same = 1, differ = 0;
  for (int i = 0; i < N; i++) { same &= a[i] == b[i]; differ += a[i] != c[i]; }
  evidence_row(fx->ev, "sde.rng.normal", "exact", same && differ == N, "reproducible from its seed", N, fx->seed,
               "re-seeding reproduces %d of %d draws bit for bit; the next seed changes %d of %d",
               same ? N : 0, N, differ, N);
  PROP_CHECK(same && differ == N, "normal generator: reseeding reproduced=%d, other seed differs in %d of %d", same, differ, N);
}

PROP_FIXTURE(PROGRAM)

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_normal_distribution),
    cmocka_unit_test(test_normal_reproducible),
  };
  return cmocka_run_group_tests_name(PROGRAM, tests, setup, teardown);
}
