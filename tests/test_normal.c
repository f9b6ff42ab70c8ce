/* test_normal.c -- the fast normal generator (src/normal.c) as a
 * distribution (claim sde.rng.normal), on every code path: the 4-lane
 * generator's portable and AVX2 paths, which must also agree bit for bit.
 * Each statistic is a z-test at |z| > 5.3 (two-sided false alarm 1.2e-7) or
 * a KS test at alpha = 1e-6; the program prints, for each, the effect it
 * detects with power 1 - 1e-6, and a negative control (the draws scaled by
 * 1.05) must be rejected by the same check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sort.h>

#include "dmcheck.h"
#include "normal_zig.h"
#include "prop.h"

#define PROGRAM "test_normal"
#define N_DRAWS 1000000
#define Z_CRIT 5.3   /* two-sided false alarm 1.2e-7 per test */
#define Z_POWER 4.76 /* Phi(-4.76) < 1e-6: an effect of (Z_CRIT + Z_POWER) sd is missed with prob < 1e-6 */
#define ZIG_R 4.0388498461095045 /* the 1024-layer ziggurat's tail start */

typedef prop_fixture fixture;

/* z of an observed count against a binomial(n, p) expectation. */
static double binomial_z(double count, double n, double p)
{
  return (count - n * p) / sqrt(n * p * (1 - p));
}

enum { N_Z = 8 };
static const char *const Z_NAMES[N_Z] = { "mean", "var", "skew", "kurtosis", "lag-1", "lag-4 (same lane)",
                                          "tail |x|>R", "wedges 1<|x|<2" };

typedef struct { double d, d_crit, z[N_Z], effect[N_Z]; int ok; } normal_stats;

/* The checks on n draws (sorted in place). effect[j] is the shift of the
 * statistic's mean (in its own units) detected with power >= 1 - 1e-6. */
static void check_normal(double *x, size_t n, normal_stats *st)
{
  double s1 = 0, s2 = 0, s3 = 0, s4 = 0, lag1 = 0, lag4 = 0, tail = 0, wedge = 0;
  for (size_t i = 0; i < n; i++) {
    double v = x[i], v2 = v * v;
    s1 += v; s2 += v2; s3 += v2 * v; s4 += v2 * v2;
    if (i >= 1) lag1 += v * x[i - 1];
    if (i >= 4) lag4 += v * x[i - 4];
    tail += fabs(v) > ZIG_R;
    wedge += fabs(v) > 1.0 && fabs(v) < 2.0;
  }
  double dn = (double)n;
  double p_tail = 2 * gsl_cdf_ugaussian_Q(ZIG_R);
  double p_wedge = 2 * (gsl_cdf_ugaussian_P(2.0) - gsl_cdf_ugaussian_P(1.0));
  /* moments of N(0,1): E x = 0 (var 1), E x^2 = 1 (var 2), E x^3 = 0 (var 15),
   * E x^4 = 3 (var 96); lag products: mean 0, var 1 */
  const double sd[N_Z] = { 1, sqrt(2.0), sqrt(15.0), sqrt(96.0), 1, 1, sqrt(p_tail * (1 - p_tail)),
                           sqrt(p_wedge * (1 - p_wedge)) };
  st->z[0] = s1 / sqrt(dn);
  st->z[1] = (s2 - dn) / sqrt(2 * dn);
  st->z[2] = s3 / sqrt(15 * dn);
  st->z[3] = (s4 - 3 * dn) / sqrt(96 * dn);
  st->z[4] = lag1 / sqrt(dn - 1);
  st->z[5] = lag4 / sqrt(dn - 4);
  /* the tail count is small (mean 54 per 10^6): its z is the normal quantile
   * of the exact binomial two-sided p-value, not the normal approximation */
  double lo = gsl_cdf_binomial_P((unsigned)tail, p_tail, (unsigned)n);
  double hi = tail > 0 ? gsl_cdf_binomial_Q((unsigned)tail - 1, p_tail, (unsigned)n) : 1.0;
  double p2 = fmin(1.0, 2 * fmin(lo, hi));
  double zq = p2 >= 1.0 ? 0.0 : gsl_cdf_ugaussian_Qinv(p2 / 2);
  st->z[6] = lo < hi ? -zq : zq;
  st->z[7] = binomial_z(wedge, dn, p_wedge);
  for (int j = 0; j < N_Z; j++) st->effect[j] = (Z_CRIT + Z_POWER) * sd[j] / sqrt(dn);
  gsl_sort(x, 1, n);
  double d = 0;
  for (size_t i = 0; i < n; i++) {
    double f = gsl_cdf_ugaussian_P(x[i]);
    d = fmax(d, fmax(fabs(f - (double)i / dn), fabs((double)(i + 1) / dn - f)));
  }
  st->d = d;
  st->d_crit = sqrt(-log(1e-6 / 2) / 2) / sqrt(dn); /* Kolmogorov, alpha = 1e-6 */
  st->ok = d < st->d_crit;
  for (int j = 0; j < N_Z; j++) st->ok &= fabs(st->z[j]) < Z_CRIT;
}

static void describe(const normal_stats *st, char *buf, size_t size)
{
  int k = snprintf(buf, size, "KS D=%.5f (critical %.5f at alpha 1e-6; detects a cdf shift of %.5f with power 1-1e-6); z:",
                   st->d, st->d_crit, 2 * st->d_crit);
  for (int j = 0; j < N_Z && k > 0 && (size_t)k < size; j++)
    k += snprintf(buf + k, size - (size_t)k, " %s %.2f (detects %.2g)", Z_NAMES[j], st->z[j], st->effect[j]);
  if (k > 0 && (size_t)k < size)
    snprintf(buf + k, size - (size_t)k, "; |z| < %.1f each (false alarm 1.2e-7), power 1-1e-6 at the effects shown", Z_CRIT);
}

static const char *path_name(int path) { return path == DMC_SIMD_AVX2 ? "AVX2" : "portable"; }

/* The 4-lane generator's draws on each path, and a perturbed control. */
static void test_normal_distribution(void **state)
{
  fixture *fx = *state;
  size_t ngroups = prop_points(N_DRAWS) / 4, n = 4 * ngroups;
  double *x = malloc(n * sizeof *x);
  assert_non_null(x);
  char detail[1500];
  int all = 1, tested = 0;
  normal_stats st;
  for (int path = DMC_SIMD_PORTABLE; path <= DMC_SIMD_AVX2; path++) {
    if (!dmc_simd_available(path)) {
      printf("%s: the %s path is not available on this CPU; not tested here\n", PROGRAM, path_name(path));
      continue;
    }
    dmc_normal4_gen g;
    dmc_normal4_seed(&g, fx->seed);
    PROP_CHECK(dmc_normal4_fill(&g, ngroups, x, path) == DMC_OK, "dmc_normal4_fill failed on the %s path", path_name(path));
    check_normal(x, n, &st);
    describe(&st, detail, sizeof detail);
    char check[96];
    snprintf(check, sizeof check, "N(0,1) draws, 4 lanes, %s path", path_name(path));
    evidence_row(fx->ev, "sde.rng.normal", "statistical", st.ok, check, n, fx->seed, "%s", detail);
    printf("%s: %s path: %s\n", PROGRAM, path_name(path), detail);
    all &= st.ok;
    tested++;
  }
  /* negative control: the same check on draws scaled by 1.05 (variance 1.1025) */
  dmc_normal4_gen g;
  dmc_normal4_seed(&g, fx->seed);
  dmc_normal4_fill(&g, ngroups, x, DMC_SIMD_PORTABLE);
  for (size_t i = 0; i < n; i++) x[i] *= 1.05;
  check_normal(x, n, &st);
  describe(&st, detail, sizeof detail);
  evidence_row(fx->ev, "sde.rng.normal", "control", !st.ok, "N(0,1) draws, 4 lanes, portable path", n, fx->seed,
               "the same check on the portable draws scaled by 1.05 rejects them: %s", detail);
  free(x);
  PROP_CHECK(tested > 0 && all, "normal generator (seed %lu, n=%zu) failed a distribution test (see the evidence)", fx->seed, n);
  PROP_CHECK(!st.ok, "the negative control (draws x 1.05) was not rejected: the check has no power");
}

/* The paths agree bit for bit, lane l is the one-stream generator after l
 * jumps (lane 0: dmc_normal_draw from the same seed), and both the tail and
 * the wedges (the scalar slow path) were exercised. */
static void test_paths_bit_identical(void **state)
{
  fixture *fx = *state;
  size_t ngroups = 1u << 18, n = 4 * ngroups; /* not scaled: ~57 tail draws expected, P(none) < 1e-24 */
  double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
  assert_non_null(a);
  assert_non_null(b);
  dmc_normal4_gen ga, gb;
  dmc_normal4_seed(&ga, fx->seed);
  gb = ga;
  PROP_CHECK(dmc_normal4_fill(&ga, ngroups, a, DMC_SIMD_PORTABLE) == DMC_OK, "portable fill failed");
  int have_avx2 = dmc_simd_available(DMC_SIMD_AVX2);
  size_t tail = 0, lane0 = 0;
  int same = 1;
  if (have_avx2) {
    PROP_CHECK(dmc_normal4_fill(&gb, ngroups, b, DMC_SIMD_AVX2) == DMC_OK, "AVX2 fill failed");
    same = !memcmp(a, b, n * sizeof *a) && !memcmp(&ga, &gb, sizeof ga);
  } else {
    PROP_CHECK(dmc_normal4_fill(&gb, ngroups, b, DMC_SIMD_AVX2) == DMC_EDOM, "a missing AVX2 path was not refused");
    printf("%s: no AVX2 on this CPU: the paths' bit identity is not tested here\n", PROGRAM);
  }
  dmc_normal_gen one;
  dmc_normal_seed(&one, fx->seed);
  for (size_t k = 0; k < ngroups; k++) lane0 += dmc_normal_draw(&one) == a[4 * k];
  for (size_t i = 0; i < n; i++) tail += fabs(a[i]) > ZIG_R;
  /* control: another seed changes every draw */
  dmc_normal4_seed(&gb, fx->seed + 1);
  dmc_normal4_fill(&gb, ngroups, b, DMC_SIMD_AUTO);
  size_t differ = 0;
  for (size_t i = 0; i < n; i++) differ += a[i] != b[i];
  free(a);
  free(b);
  int ok = same && lane0 == ngroups && tail > 0 && differ == n;
  evidence_row(fx->ev, "sde.rng.normal", "behaviour", ok, "portable and AVX2 paths bit-identical", n, fx->seed,
               "%zu draws (4 lanes): AVX2 path %s the portable path bit for bit (values and final state); lane 0 equals "
               "the one-stream generator in %zu of %zu draws; %zu draws in the tail |x|>R (the slow path); "
               "another seed changes %zu of %zu draws",
               n, have_avx2 ? (same ? "equals" : "DIFFERS from") : "(absent, not compared with)", lane0, ngroups,
               tail, differ, n);
  PROP_CHECK(ok, "paths: same=%d, lane 0 agrees in %zu of %zu, tail draws %zu, other seed differs in %zu of %zu",
             same, lane0, ngroups, tail, differ, n);
}

/* The fine structure of the ziggurat: 2^25 draws (at full scale) in 256
 * equiprobable bins, chi-square against N(0,1) (a wrong wedge or layer edge
 * moves mass between neighbouring bins), and the excess |x| - R of the draws
 * beyond R = 3.4426, KS against the exact conditional law
 * 1 - Q(R + e)/Q(R) (a wrong tail sampler keeps the tail's mass but not its
 * shape). False alarm 1e-7 (chi-square) and 1e-6 (KS). Power, measured on
 * the mutants of make mutants at 2^25 draws (128-layer table; the wedge mutant
 * is still caught with 1024 layers): a wedge test with exp(-d/4) for
 * exp(-d/2) gives chi2 ~ 560 (noncentral, sd ~ 42) against 390, missed with
 * probability ~2e-5; a tail acceptance exp(-x^2) for exp(-x^2/2) gives
 * D ~ 0.029 against 0.019 with the 128-layer table; with the 1024-layer table the
 * tail sampler starts at 4.04 and holds only 5.4e-5 of the mass, so that mutant
 * is out of reach here: test_normal_tail_sampler tests the tail path alone. */
static void test_normal_fine(void **state)
{
  fixture *fx = *state;
  enum { K = 256, CHUNK = 1 << 16 };
  _Static_assert((K & (K - 1)) == 0, "the bin search halves K");
  const double R = 3.442619855899; /* ~19000 of 2^25 draws lie beyond: enough for the KS test */
  size_t n = prop_points((size_t)1 << 25);
  double *edge = malloc((K - 1) * sizeof *edge), *x = malloc(CHUNK * sizeof *x);
  size_t *count = calloc(K, sizeof *count), ntail = 0, cap = 1024;
  double *ex = malloc(cap * sizeof *ex);
  assert_true(edge && x && count && ex);
  for (int j = 1; j < K; j++) edge[j - 1] = gsl_cdf_ugaussian_Pinv((double)j / K);
  dmc_normal_gen g;
  dmc_normal_seed(&g, fx->seed ^ 0x2545f491u);
  for (size_t done = 0; done < n; done += CHUNK) {
    size_t m = n - done < CHUNK ? n - done : CHUNK;
    dmc_normal_fill(&g, m, x);
    for (size_t i = 0; i < m; i++) {
      /* bin = number of edges below x, by a branch-free binary search (K a power of 2) */
      size_t lo = 0;
      for (size_t step = K / 2; step; step /= 2) lo += edge[lo + step - 1] < x[i] ? step : 0;
      count[lo]++;
      if (fabs(x[i]) > R) {
        if (ntail == cap) { cap *= 2; ex = realloc(ex, cap * sizeof *ex); assert_non_null(ex); }
        ex[ntail++] = fabs(x[i]) - R;
      }
    }
  }
  double e = (double)n / K, chi2 = 0;
  for (int j = 0; j < K; j++) chi2 += ((double)count[j] - e) * ((double)count[j] - e) / e;
  double chi2_crit = gsl_cdf_chisq_Qinv(1e-7, K - 1);
  gsl_sort(ex, 1, ntail);
  double qr = gsl_cdf_ugaussian_Q(R), d = 0, dt = (double)ntail;
  for (size_t i = 0; i < ntail; i++) {
    double f = 1 - gsl_cdf_ugaussian_Q(R + ex[i]) / qr;
    d = fmax(d, fmax(fabs(f - (double)i / dt), fabs((double)(i + 1) / dt - f)));
  }
  double d_crit = ntail ? sqrt(-log(1e-6 / 2) / 2) / sqrt(dt) : 0;
  int ok = chi2 < chi2_crit && ntail > 0 && d < d_crit;
  free(edge); free(x); free(count); free(ex);
  evidence_row(fx->ev, "sde.rng.normal", "statistical", ok, "fine structure: bins and tail shape", n, fx->seed,
               "%zu draws in %d equiprobable bins: chi2 = %.1f (critical %.1f at 1e-7, %d dof); %zu draws beyond R = %.4f: "
               "KS D = %.4f against 1 - Q(R+e)/Q(R) (critical %.4f at 1e-6)",
               n, K, chi2, chi2_crit, K - 1, ntail, R, d, d_crit);
  PROP_CHECK(ok, "normal generator fine structure (seed %lu, n=%zu): chi2 %.1f (crit %.1f), tail KS %.4f (crit %.4f, %zu draws)",
             fx->seed, n, chi2, chi2_crit, d, d_crit, ntail);
}

/* The tail sampler alone (layer 0 with |u| past the layer's ratio), against
 * the exact conditional law P(X <= R + e | X > R) = 1 - Q(R + e)/Q(R).
 * KS at alpha = 1e-6 (critical 0.0060 at n = 2e5). Power: Marsaglia's
 * acceptance exp(-x^2) in place of exp(-x^2/2) moves the law by D = 0.0249,
 * missed with probability <= 2 exp(-2 n (0.0249 - 0.0060)^2) < 1e-60. The
 * negative control runs the same KS against the tail of N(0, 1.05^2). */
static double tail_ks(const double *e, size_t n, double R, double scale)
{
  double qr = gsl_cdf_ugaussian_Q(R / scale), d = 0;
  for (size_t i = 0; i < n; i++) {
    double f = 1 - gsl_cdf_ugaussian_Q((R + e[i]) / scale) / qr;
    d = fmax(d, fmax(fabs(f - (double)i / (double)n), fabs((double)(i + 1) / (double)n - f)));
  }
  return d;
}

static void test_normal_tail_sampler(void **state)
{
  fixture *fx = *state;
  size_t n = prop_points(200000);
  if (n < 20000) n = 20000; /* the power statement needs n >= 2e4 (D - crit >= 0.006) */
  double *e = malloc(n * sizeof *e);
  assert_non_null(e);
  dmc_normal_gen g;
  dmc_normal_seed(&g, fx->seed ^ 0x7a11u);
  int positive = 1;
  for (size_t i = 0; i < n; i++) {
    double x = dmc_zig_slow(g.aux, 1.0, 0); /* u = 1 is past every ratio: the tail */
    positive &= x > ZIG_R;
    e[i] = x - ZIG_R;
  }
  gsl_sort(e, 1, n);
  double crit = sqrt(-log(1e-6 / 2) / 2) / sqrt((double)n);
  double d = tail_ks(e, n, ZIG_R, 1.0), d_ctl = tail_ks(e, n, ZIG_R, 1.05);
  free(e);
  int ok = positive && d < crit;
  evidence_row(fx->ev, "sde.rng.normal", "statistical", ok, "tail sampler beyond R against 1 - Q(R+e)/Q(R)", n, fx->seed,
               "%zu draws of the tail path: KS D = %.5f (critical %.5f at 1e-6; power > 1 - 1e-60 against the "
               "acceptance exp(-x^2), D = 0.0249)", n, d, crit);
  evidence_row(fx->ev, "sde.rng.normal", "control", d_ctl >= crit, "tail sampler beyond R against 1 - Q(R+e)/Q(R)", n,
               fx->seed, "the same draws and KS against the tail of N(0, 1.05^2): D = %.5f (critical %.5f)", d_ctl, crit);
  PROP_CHECK(ok && d_ctl >= crit, "tail sampler (seed %lu, n=%zu): KS D %.5f (crit %.5f), all beyond R: %d; control D %.5f",
             fx->seed, n, d, crit, positive, d_ctl);
}

/* dmc_normal_seed fills the four state words from splitmix64: never all zero,
 * never two alike (equal words would make a degenerate xoshiro state). */
static void test_normal_seed_state(void **state)
{
  fixture *fx = *state;
  int ok = 1;
  unsigned long n = 0;
  for (uint64_t i = 0; i < 4096; i++) {
    uint64_t seeds[3] = { i, UINT64_MAX - i, fx->seed + i };
    for (int k = 0; k < 3; k++, n++) {
      dmc_normal_gen g;
      dmc_normal_seed(&g, seeds[k]);
      for (int a = 0; a < 4; a++)
        for (int b = 0; b < a; b++) ok &= g.s[a] != g.s[b];
      ok &= (g.s[0] | g.s[1] | g.s[2] | g.s[3]) != 0;
    }
  }
  evidence_row(fx->ev, "sde.rng.normal", "exact", ok, "seeded state words distinct and nonzero", n, fx->seed,
               "%lu seeds (0..4095, their complements, and DMC_SEED + i): the four xoshiro256++ state words are pairwise "
               "distinct and not all zero", n);
  PROP_CHECK(ok, "dmc_normal_seed left equal or all-zero state words");
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
  evidence_row(fx->ev, "sde.rng.normal", "behaviour", same && differ == N, "reproducible from its seed", N, fx->seed,
               "re-seeding reproduces %d of %d draws bit for bit; the next seed changes %d of %d",
               same ? N : 0, N, differ, N);
  PROP_CHECK(same && differ == N, "normal generator: reseeding reproduced=%d, other seed differs in %d of %d", same, differ, N);
}

PROP_FIXTURE(PROGRAM)

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_normal_distribution),
    cmocka_unit_test(test_paths_bit_identical),
    cmocka_unit_test(test_normal_reproducible),
    cmocka_unit_test(test_normal_fine),
    cmocka_unit_test(test_normal_tail_sampler),
    cmocka_unit_test(test_normal_seed_state),
  };
  return cmocka_run_group_tests_name(PROGRAM, tests, setup, teardown);
}
