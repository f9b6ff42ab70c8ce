/* test_dps.c -- D3: src/dps.c against reference/dps.c (claims dps.*). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dmcheck.h"
#include "dmcref.h"
#include "prop.h"

#define PROGRAM "test_dps"
#define N_SCALAR 40000
#define N_MV 1500
#define MV_MAX 4

typedef prop_fixture fixture;

static double uniform_in(gsl_rng *r, double lo, double hi) { return lo + (hi - lo) * gsl_rng_uniform(r); }

/* ---- scalar ----------------------------------------------------------------- */

enum { X, Y, MU, SG, M, S, A, SY, NIN };
static const char *const names[] = { "x_t", "y", "mu_t", "sigma_t", "m", "s", "a", "sigma_y" };
#define NREGIONS 8

/* VP pair from sigma: mu = sqrt(1 - sigma^2) */
static double vp_mu(double sigma) { return sqrt((1 - sigma) * (1 + sigma)); }

/* Regions, cycling with i: ordinary; t -> 0 (sigma_t down to 1e-300 and 0);
 * t -> T (mu_t down to 1e-150); tiny sigma_y; huge sigma_y; y close to a xhat
 * (cancellation in the residual); wide scales; a = 0 and near-zero a. */
static void draw(gsl_rng *r, unsigned long i, double *in)
{
  in[X] = uniform_in(r, -5, 5);
  in[Y] = uniform_in(r, -5, 5);
  in[M] = uniform_in(r, -2, 2);
  in[S] = prop_log_uniform(r, -2, 2, 0);
  in[A] = uniform_in(r, -3, 3);
  in[SY] = prop_log_uniform(r, -3, 1, 0);
  in[SG] = prop_log_uniform(r, -3, 0, 0) * 0.999;
  in[MU] = vp_mu(in[SG]);
  switch (i % NREGIONS) {
  case 0:
    in[MU] = prop_log_uniform(r, -3, 1, 1);
    in[SG] = prop_log_uniform(r, -3, 1, 0);
    break;
  case 1:
    in[SG] = gsl_rng_uniform(r) < 0.05 ? 0.0 : prop_log_uniform(r, -300, -3, 0);
    in[MU] = vp_mu(in[SG]);
    break;
  case 2:
    in[MU] = prop_log_uniform(r, -150, -3, 0);
    in[SG] = vp_mu(in[MU]);
    break;
  case 3: in[SY] = prop_log_uniform(r, -150, -6, 0); break;
  case 4: in[SY] = prop_log_uniform(r, 6, 150, 0); break;
  case 5: {
    double v = in[MU] * in[MU] * in[S] * in[S] + in[SG] * in[SG];
    double xhat = (in[SG] * in[SG] * in[M] + in[MU] * in[S] * in[S] * in[X]) / v;
    in[Y] = in[A] * xhat * (1 + prop_log_uniform(r, -17, -1, 1));
    break;
  }
  case 6:
    in[X] = prop_log_uniform(r, -100, 100, 1);
    in[Y] = prop_log_uniform(r, -100, 100, 1);
    in[M] = prop_log_uniform(r, -100, 100, 1);
    in[S] = prop_log_uniform(r, -60, 60, 0);
    in[A] = prop_log_uniform(r, -60, 60, 1);
    in[SY] = prop_log_uniform(r, -60, 60, 0);
    in[MU] = prop_log_uniform(r, -60, 60, 1);
    in[SG] = prop_log_uniform(r, -60, 60, 0);
    break;
  default:
    in[A] = gsl_rng_uniform(r) < 0.5 ? 0.0 : prop_log_uniform(r, -300, -100, 1);
    break;
  }
}

typedef int (*lib_fn)(double, double, double, double, double, double, double, double, double *);
typedef int (*ref_fn)(double, double, double, double, double, double, double, double, double *);

static void scalar_run(void **state, const char *function, const char *claim, lib_fn lib, ref_fn ref,
                       unsigned long stream)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, stream);
  prop_acc acc;
  prop_acc_init(&acc, function, claim, NIN, names);
  unsigned long n = prop_points(N_SCALAR);
  for (unsigned long i = 0; i < n; i++) {
    double in[NIN], got, want;
    draw(r, i, in);
    int s = lib(in[X], in[Y], in[MU], in[SG], in[M], in[S], in[A], in[SY], &got);
    int rs = ref(in[X], in[Y], in[MU], in[SG], in[M], in[S], in[A], in[SY], &want);
    PROP_CHECK(s == DMC_OK && rs != 1, "%s(%a, %a, %a, %a, %a, %a, %a, %a): status %d, reference %d", function, in[X], in[Y],
               in[MU], in[SG], in[M], in[S], in[A], in[SY], s, rs);
    prop_acc_add(&acc, in, got, want, rs);
  }
  gsl_rng_free(r);
  PROP_ASSERT_ACC(acc, fx->ev, PROGRAM, fx->seed);
}

static void test_score_exact(void **state)
{
  scalar_run(state, "dmc_dps_score_exact", "dps.score.exact", dmc_dps_score_exact, ref_dps_score_exact, 1);
}

static void test_score_dps(void **state)
{
  scalar_run(state, "dmc_dps_score_dps", "dps.score.dps", dmc_dps_score_dps, ref_dps_score_dps, 2);
}

static const char *const names_ratio[] = { "mu_t", "sigma_t", "s", "a", "sigma_y" };

static void test_ratio(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 3);
  prop_acc acc;
  prop_acc_init(&acc, "dmc_dps_ratio", "dps.ratio", 5, names_ratio);
  unsigned long n = prop_points(N_SCALAR);
  for (unsigned long i = 0; i < n; i++) {
    double in[NIN], got, want;
    draw(r, i, in);
    double rin[5] = { in[MU], in[SG], in[S], in[A], in[SY] };
    int s = dmc_dps_ratio(rin[0], rin[1], rin[2], rin[3], rin[4], &got);
    int rs = ref_dps_ratio(rin[0], rin[1], rin[2], rin[3], rin[4], &want);
    PROP_CHECK(s == DMC_OK && rs != 1 && got >= 0 && got <= 1, "dmc_dps_ratio(%a, %a, %a, %a, %a) = %a: status %d, reference %d",
               rin[0], rin[1], rin[2], rin[3], rin[4], got, s, rs);
    prop_acc_add(&acc, rin, got, want, rs);
  }
  gsl_rng_free(r);
  PROP_ASSERT_ACC(acc, fx->ev, PROGRAM, fx->seed);
}

/* ---- multivariate --------------------------------------------------------------- */

static const char *const names_mv[] = { "n", "k", "component", "mu_t", "sigma_t", "x_t[0]", "y[0]", "A[0]", "S[0]", "R[0]" };

/* SPD with condition number <= ~100: B^T B/n scaled into [1, 100] on the diagonal part */
static void spd(gsl_rng *r, size_t n, double scale, double *out)
{
  double b[MV_MAX * MV_MAX];
  for (size_t i = 0; i < n * n; i++) b[i] = uniform_in(r, -1, 1);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j <= i; j++) {
      double acc = 0;
      for (size_t l = 0; l < n; l++) acc += b[l * n + i] * b[l * n + j];
      out[i * n + j] = out[j * n + i] = scale * acc / (double)n;
    }
  for (size_t i = 0; i < n; i++) out[i * n + i] += scale * uniform_in(r, 0.02, 1);
}

typedef int (*mv_fn)(size_t, size_t, const double *, const double *, double, double, const double *, const double *,
                     const double *, const double *, double *);

static void mv_run(void **state, const char *function, const char *claim, mv_fn lib, mv_fn ref, unsigned long stream)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, stream);
  prop_acc acc;
  prop_acc_init(&acc, function, claim, 10, names_mv);
  unsigned long npts = prop_points(N_MV);
  for (unsigned long it = 0; it < npts; it++) {
    size_t n = 1 + gsl_rng_uniform_int(r, MV_MAX), k = 1 + gsl_rng_uniform_int(r, MV_MAX);
    double x[MV_MAX], y[MV_MAX], m[MV_MAX], S[MV_MAX * MV_MAX], A[MV_MAX * MV_MAX], R[MV_MAX * MV_MAX];
    double got[MV_MAX], want[MV_MAX];
    for (size_t i = 0; i < n; i++) { x[i] = uniform_in(r, -3, 3); m[i] = uniform_in(r, -1, 1); }
    for (size_t i = 0; i < k; i++) y[i] = uniform_in(r, -3, 3);
    for (size_t i = 0; i < k * n; i++) A[i] = uniform_in(r, -2, 2);
    spd(r, n, prop_log_uniform(r, -1, 1, 0), S);
    /* regions: ordinary, t -> 0, t -> T, tiny R, huge R */
    int region = (int)(it % 5);
    double sigma = prop_log_uniform(r, region == 1 ? -200 : -3, 0, 0) * 0.999;
    double mu = vp_mu(sigma);
    if (region == 2) { mu = prop_log_uniform(r, -100, -3, 0); sigma = vp_mu(mu); }
    spd(r, k, region == 3 ? prop_log_uniform(r, -60, -6, 0) : region == 4 ? prop_log_uniform(r, 6, 60, 0)
                                                                        : prop_log_uniform(r, -3, 0, 0), R);
    int s = lib(n, k, x, y, mu, sigma, m, S, A, R, got);
    int rs = ref(n, k, x, y, mu, sigma, m, S, A, R, want);
    PROP_CHECK(s == DMC_OK && rs != 1, "%s: n=%zu k=%zu mu=%a sigma=%a: status %d, reference %d", function, n, k, mu, sigma, s, rs);
    for (size_t i = 0; i < n; i++) {
      double in[10] = { (double)n, (double)k, (double)i, mu, sigma, x[0], y[0], A[0], S[0], R[0] };
      prop_acc_add(&acc, in, got[i], want[i], rs);
    }
  }
  gsl_rng_free(r);
  PROP_ASSERT_ACC(acc, fx->ev, PROGRAM, fx->seed);
}

static void test_mv_exact(void **state)
{
  mv_run(state, "dmc_dps_score_exact_mv", "dps.score.exact", dmc_dps_score_exact_mv, ref_dps_score_exact_mv, 4);
}

static void test_mv_dps(void **state)
{
  mv_run(state, "dmc_dps_score_dps_mv", "dps.score.dps", dmc_dps_score_dps_mv, ref_dps_score_dps_mv, 5);
}

/* The two references share no code: at n = k = 1 the rational multivariate
 * reference and the MPFR scalar closed form must give the same double. s and
 * sigma_y carry 26 bits so that S = s^2 and R = sigma_y^2 are exact doubles. */
static void test_reference_agree(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 6);
  unsigned long n = prop_points(2000), same = 0;
  for (unsigned long i = 0; i < n; i++) {
    double in[NIN];
    draw(r, i % 6 == 5 ? 0 : i, in);              /* regions 0-5 scaled moderately: rationals stay small */
    in[S] = ldexp(floor(ldexp(prop_log_uniform(r, -1, 1, 0), 20)), -20);
    in[SY] = ldexp(floor(ldexp(prop_log_uniform(r, -2, 1, 0), 22)), -22);
    if (in[S] == 0 || in[SY] == 0) continue;
    double S2 = in[S] * in[S], R2 = in[SY] * in[SY];
    for (int e = 0; e < 2; e++) {
      double a1, a2;
      int s1 = e ? ref_dps_score_exact(in[X], in[Y], in[MU], in[SG], in[M], in[S], in[A], in[SY], &a1)
                 : ref_dps_score_dps(in[X], in[Y], in[MU], in[SG], in[M], in[S], in[A], in[SY], &a1);
      int s2 = (e ? ref_dps_score_exact_mv : ref_dps_score_dps_mv)(1, 1, &in[X], &in[Y], in[MU], in[SG], &in[M], &S2, &in[A],
                                                                   &R2, &a2);
      PROP_CHECK(s1 == 0 && s2 == 0 && dmc_ulp_distance(a1, a2) == 0,
                 "references disagree (%s): x_t=%a y=%a mu=%a sigma=%a m=%a s=%a a=%a sigma_y=%a: MPFR %a, rational %a",
                 e ? "exact" : "dps", in[X], in[Y], in[MU], in[SG], in[M], in[S], in[A], in[SY], a1, a2);
      same++;
    }
  }
  gsl_rng_free(r);
  evidence_row(fx->ev, "dps.score.exact", "accuracy", 1, "references agree: MPFR closed form vs exact rational", same, fx->seed,
               "%lu scalar exact and DPS likelihood scores: ref_dps_score_* (MPFR closed form, proved rounding) and "
               "ref_dps_score_*_mv at n = k = 1 (exact rational elimination, another formula) give the same double", same);
}

/* ---- the scores against t, and the figure ------------------------------------------------ */

/* VP linear schedule (beta from 0.1 to 20 on t in [0, 1]); x_0 = 1.2, eps = -0.4,
 * prior N(0, 1), a = 1, sigma_y = 0.1, y = 1.25. */
static void test_against_t(void **state)
{
  fixture *fx = *state;
  FILE *f = evidence_data_file("fig", "dps_scores.csv");
  PROP_CHECK(f != NULL, "cannot write dps_scores.csv");
  fprintf(f, "t,sigma,exact,dps,ratio,ratio_closed,reldiff\n");
  const double x0 = 1.2, eps = -0.4, m = 0, s = 1, a = 1, sy = 0.1, y = 1.25;
  double worst_rel = 0, ratio_min = 1, t_min = 0;
  int ok = 1, npts = 0;
  for (int i = 0; i <= 300; i++) {
    double t = pow(10.0, -4.0 + 4.0 * i / 300.0);
    double ab = exp(-(0.1 * t + 0.5 * (20 - 0.1) * t * t)), mu = sqrt(ab), sigma = sqrt(-expm1(-(0.1 * t + 0.5 * (20 - 0.1) * t * t)));
    double xt = mu * x0 + sigma * eps, ex, dp, rc, rr;
    ok &= dmc_dps_score_exact(xt, y, mu, sigma, m, s, a, sy, &ex) == DMC_OK;
    ok &= dmc_dps_score_dps(xt, y, mu, sigma, m, s, a, sy, &dp) == DMC_OK;
    ok &= ref_dps_ratio(mu, sigma, s, a, sy, &rc) == 0;
    double ratio = ex / dp;
    /* measured ratio of the two library scores against the closed form, relative */
    rr = fabs(ratio - rc) / rc;
    if (rr > worst_rel) worst_rel = rr;
    if (rc < ratio_min) { ratio_min = rc; t_min = t; }
    fprintf(f, "%.9g,%.9g,%.12g,%.12g,%.12g,%.12g,%.6g\n", t, sigma, ex, dp, ratio, rc, (dp - ex) / fabs(ex));
    npts++;
  }
  PROP_CHECK(fclose(f) == 0, "write error on dps_scores.csv");
  int pass = ok && worst_rel <= 4 * DBL_EPSILON;
  evidence_row(fx->ev, "dps.approx", "approx", pass, "DPS vs exact likelihood score against t (measured)", (unsigned long)npts,
               fx->seed,
               "VP linear schedule (beta 0.1..20), x_0 = 1.2, eps = -0.4, prior N(0,1), a = 1, sigma_y = 0.1, y = 1.25, %d values of "
               "t in [1e-4, 1]: exact/DPS measured from dmc_dps_score_exact/dmc_dps_score_dps equals the closed form "
               "sigma_y^2 v/(sigma_y^2 v + a^2 sigma_t^2 s^2) within %.2g relative (tolerance 4 eps); it falls from ~1 at t = 1e-4 "
               "to %.4g at t = %.3g: DPS overstates the likelihood score by up to a factor %.1f (data: fig/dps_scores.csv)",
               npts, worst_rel, ratio_min, t_min, 1 / ratio_min);
  PROP_CHECK(pass, "measured ratio off the closed form by %.3g", worst_rel);
}

/* ---- invalid input ---------------------------------------------------------------------- */

static void test_invalid(void **state)
{
  fixture *fx = *state;
  int checked = 0;
  double out;
  struct { double x, y, mu, sg, m, s, a, sy; const char *what; } bad[] = {
    { NAN, 0, 1, 1, 0, 1, 1, 1, "x_t NaN" }, { 0, INFINITY, 1, 1, 0, 1, 1, 1, "y inf" },
    { 0, 0, 0, 1, 0, 1, 1, 1, "mu = 0" }, { 0, 0, 1, -1, 0, 1, 1, 1, "sigma < 0" },
    { 0, 0, 1, 1, NAN, 1, 1, 1, "m NaN" }, { 0, 0, 1, 1, 0, 0, 1, 1, "s = 0" },
    { 0, 0, 1, 1, 0, 1, INFINITY, 1, "a inf" }, { 0, 0, 1, 1, 0, 1, 1, 0, "sigma_y = 0" },
    { 0, 0, 1, 1, 0, 1, 1, -2, "sigma_y < 0" }, { 0, 0, 1, NAN, 0, 1, 1, 1, "sigma NaN" },
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    out = 0;
    int st = dmc_dps_score_exact(bad[i].x, bad[i].y, bad[i].mu, bad[i].sg, bad[i].m, bad[i].s, bad[i].a, bad[i].sy, &out);
    PROP_CHECK(st == DMC_EDOM && isnan(out), "score_exact accepted %s (status %d)", bad[i].what, st);
    out = 0;
    st = dmc_dps_score_dps(bad[i].x, bad[i].y, bad[i].mu, bad[i].sg, bad[i].m, bad[i].s, bad[i].a, bad[i].sy, &out);
    PROP_CHECK(st == DMC_EDOM && isnan(out), "score_dps accepted %s (status %d)", bad[i].what, st);
    checked += 2;
  }
  out = 0;
  PROP_CHECK(dmc_dps_ratio(1, 1, 1, 1, 0, &out) == DMC_EDOM && isnan(out), "ratio accepted sigma_y = 0");
  PROP_CHECK(dmc_dps_score_exact(0, 0, 1, 1, 0, 1, 1, 1, NULL) == DMC_EDOM, "score_exact accepted a NULL output");
  checked += 2;
  /* multivariate: n = 2, k = 1 */
  double x[2] = { 0.1, 0.2 }, y[1] = { 0.3 }, m[2] = { 0, 0 }, S[4] = { 2, 0.5, 0.5, 1 }, A[2] = { 1, -1 }, R[1] = { 0.5 };
  double Sbad[4] = { 1, 2, 2, 1 }, Sasym[4] = { 2, 0.5, 0.4, 1 }, Rneg[1] = { -1 }, xnan[2] = { 0, NAN };
  struct { const double *x, *S, *R; size_t n, k; double mu, sg; const char *what; } mv[] = {
    { x, Sbad, R, 2, 1, 0.8, 0.6, "an indefinite S" }, { x, Sasym, R, 2, 1, 0.8, 0.6, "a non-symmetric S" },
    { x, S, Rneg, 2, 1, 0.8, 0.6, "R < 0" }, { xnan, S, R, 2, 1, 0.8, 0.6, "x_t NaN" },
    { x, S, R, 2, 1, 0.0, 0.6, "mu = 0" }, { x, S, R, 2, 1, 0.8, -0.6, "sigma < 0" },
    { x, S, R, 2, 0, 0.8, 0.6, "k = 0" }, { NULL, S, R, 2, 1, 0.8, 0.6, "x_t NULL" },
  };
  for (size_t i = 0; i < sizeof mv / sizeof *mv; i++)
    for (int e = 0; e < 2; e++) {
      double o[2] = { 0, 0 };
      int st = (e ? dmc_dps_score_exact_mv : dmc_dps_score_dps_mv)(mv[i].n, mv[i].k, mv[i].x, y, mv[i].mu, mv[i].sg, m, mv[i].S,
                                                                   A, mv[i].R, o);
      PROP_CHECK(st == DMC_EDOM && isnan(o[0]) && isnan(o[1]), "%s accepted %s (status %d)", e ? "exact_mv" : "dps_mv",
                 mv[i].what, st);
      checked++;
    }
  PROP_CHECK(dmc_dps_score_dps_mv(0, 1, x, y, 1, 1, m, S, A, R, NULL) == DMC_EDOM, "dps_mv accepted NULL/n = 0");
  checked++;
  evidence_row(fx->ev, "dps.domain", "behaviour", 1, "invalid parameters", (unsigned long)checked, fx->seed,
               "%d invalid calls (non-finite arguments, mu = 0, sigma < 0, s <= 0, sigma_y <= 0, indefinite or non-symmetric "
               "S, R not positive definite, k = 0, NULL) all returned DMC_EDOM with NaN in every output", checked);
}

PROP_FIXTURE(PROGRAM)

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_score_exact),
    cmocka_unit_test(test_score_dps),
    cmocka_unit_test(test_ratio),
    cmocka_unit_test(test_mv_exact),
    cmocka_unit_test(test_mv_dps),
    cmocka_unit_test(test_reference_agree),
    cmocka_unit_test(test_against_t),
    cmocka_unit_test(test_invalid),
  };
  return cmocka_run_group_tests_name(PROGRAM, tests, setup, teardown);
}
