/* test_ddmath.c -- every error bound stated in src/ddmath.h, checked against
 * MPFR on seeded random inputs and on listed hard inputs (each with the
 * reason it is hard).
 *
 * The exact values are computed with MPFR at EXACT_PREC = 400 bits for the
 * quad-double and rounding checks, at DD_EXACT_PREC = 256 bits for the
 * double-double ones: their own error (a few ulps at that precision) is
 * below 2^-390 (2^-250) relative, under 2^-160 (2^-144) of the smallest ulp
 * measured there (2^-226, 2^-106 relative), so the measured errors are those
 * of ddmath. 256 bits hold every double-double input exactly (hi and lo span
 * at most 138 bits here) and the exact sums; a product of two is rounded
 * once, 2^-150 of a double-double ulp. Errors are in ulps of the exact result at the
 * working precision p as in ddmath.h: |got - exact| / 2^(EXP(exact) - p).
 * Results that must be correctly rounded (dd_ldexp, qdd_to_double) are
 * compared with mpref_to_double (reference/mpref: binary64's exponent range,
 * subnormals included) of the exact value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <mpfr.h>

#include "ddmath.h"
#include "dmcheck.h"
#include "mpref.h"
#include "prop.h"

#define PROGRAM "test_ddmath"
#define EXACT_PREC 400
#define DD_EXACT_PREC 256   /* see the top: the double-double checks */
#define DD_PREC 106
#define QDD_PREC 226

PROP_FIXTURE(PROGRAM)

/* ---- conversions to MPFR (exact at the check's precision for every value used) ---- */

static void dd_get(mpfr_t r, dmc_dd a)
{
  mpfr_set_d(r, a.hi, MPFR_RNDN);
  mpfr_add_d(r, r, a.lo, MPFR_RNDN);
}

/* A binary128 number as the exact sum of three doubles (113 <= 3 x 53),
 * brought into the double range by exact powers of two first. */
static void quad_add(mpfr_t r, dmc_quad q)
{
  long shift = 0;
  while (q != 0 && qabs(q) > 0x1p900) { q *= 0x1p-900; shift += 900; }
  while (q != 0 && qabs(q) < 0x1p-900) { q *= 0x1p900; shift -= 900; }
  double h = (double)q;
  dmc_quad rest = q - h;
  double l = (double)rest;
  double l2 = (double)(rest - l);
  mpfr_t t;
  mpfr_init2(t, EXACT_PREC);
  mpfr_set_d(t, h, MPFR_RNDN);
  mpfr_add_d(t, t, l, MPFR_RNDN);
  mpfr_add_d(t, t, l2, MPFR_RNDN);
  mpfr_mul_2si(t, t, shift, MPFR_RNDN);
  mpfr_add(r, r, t, MPFR_RNDN);
  mpfr_clear(t);
}

static void qdd_get(mpfr_t r, dmc_qdd a)
{
  mpfr_set_zero(r, 1);
  quad_add(r, a.hi);
  quad_add(r, a.lo);
}

/* |got - exact| in ulps of exact at precision p (0 when both are 0). */
static double ulps(const mpfr_t got, const mpfr_t exact, long p)
{
  if (mpfr_zero_p(exact)) return mpfr_zero_p(got) ? 0.0 : INFINITY;
  mpfr_t d;
  mpfr_init2(d, EXACT_PREC);
  mpfr_sub(d, got, exact, MPFR_RNDN);
  mpfr_mul_2si(d, d, p - mpfr_get_exp(exact), MPFR_RNDN);
  double u = fabs(mpfr_get_d(d, MPFR_RNDU));
  mpfr_clear(d);
  return u;
}

/* ---- the bounds of ddmath.h and their running maxima ---- */

typedef struct { const char *name; double bound, max; unsigned long n; char worst[160]; } tally;

/* Adds one error; a and b name the input (printed in %a if it is the worst). */
static void note(tally *t, double err, double a, double b)
{
  t->n++;
  if (err > t->max) {
    t->max = err;
    snprintf(t->worst, sizeof t->worst, "(%a, %a)", a, b);
  }
}

static void finish(tally *t)
{
  printf("%-16s max observed %.3g ulp over %lu points (bound %g)%s%s\n", t->name, t->max, t->n,
         t->bound, t->max > t->bound ? "  EXCEEDED at " : "", t->max > t->bound ? t->worst : "");
  if (!(t->max <= t->bound)) fail_msg("%s: %.3g ulp > bound %g at %s", t->name, t->max, t->bound, t->worst);
}

/* ---- inputs ---- */

/* A random double-double with hi = +-10^u (u uniform in [lo10, hi10]) and
 * a random lo within ulp(hi)/2. */
static dmc_dd random_dd(gsl_rng *r, double lo10, double hi10, int is_signed)
{
  double hi = prop_log_uniform(r, lo10, hi10, is_signed);
  double lo = (gsl_rng_uniform(r) - 0.5) * (nextafter(fabs(hi), INFINITY) - fabs(hi));
  return dd_fast_two_sum(hi, lo);
}

/* Hard inputs, as (hi, lo) with the reason each is hard. */
typedef struct { double hi, lo; const char *why; } hard;

static const hard HARD_LOG[] = {
  { 0x1.6a09e667f3bcdp-1, 0.0, "m at the sqrt(1/2) reduction boundary" },
  { 0x1.6a09e667f3bccp-1, 0.0, "m just below the sqrt(1/2) boundary" },
  { 0x1.6a09e667f3bcep+0, 0.0, "2m at the sqrt 2 end of the reduced range" },
  { 0x1.0000000000001p+0, 0.0, "log a = 2^-52: result tiny against 1" },
  { 0x1.fffffffffffffp-1, 0.0, "log a = -2^-53: result tiny, m reduced by 2" },
  { 1.0, 0x1p-60, "hi = 1: the whole result is lo/hi" },
  { 1.0, -0x1p-80, "hi = 1, negative lo" },
  { 0x1p-1074, 0.0, "smallest subnormal: e = -1073" },
  { 0x1.fffffffffffffp+1023, 0x1.fffffffffffffp+969, "DBL_MAX with its largest lo" },
  { 0x1p-1022, 0.0, "DBL_MIN" },
  { 0x1.5bf0a8b145769p+1, 0x1.4d57ee2b1013ap-53, "e to 106 bits: log a = 1" },
  { 2.0, 0.0, "log a = ln 2 exactly: only the e ln2 term" },
};

static const hard HARD_EXP[] = {
  { 0.0, 0.0, "y = 0" },
  { 0x1p-60, 0.0, "tiny y: e^y - 1 below the ulp of 1" },
  { -0x1p-60, 0x1p-120, "tiny negative y with lo" },
  { 0x1.62e42fefa39efp-2, 0x1.abc9e3b39803fp-57, "y = ln2/2: r at the end of the reduced range" },
  { -0x1.62e42fefa39efp-2, -0x1.abc9e3b39803fp-57, "y = -ln2/2" },
  { 0x1.62e42fefa39efp+9, 0x1.abc9e3b39803fp-46, "y = 1024 ln2 (e^y = 2^1024 as m 2^k)" },
  { 709.782712893384, 0.0, "near the double overflow threshold" },
  { -745.1332191019411, 0.0, "near the smallest subnormal" },
  { 0x1.fffffffffffffp+29, 0.0, "|y| just below the 2^30 saturation" },
  { -0x1.fffffffffffffp+29, 0.0, "large negative y" },
  { 0x1.62e42fefa39efp+14, 0x1.abc9e3b39803fp-41, "k = 2^15: k ln2 split exactly" },
};

static const hard HARD_SQRT[] = {
  { 0x1p-1074, 0.0, "smallest subnormal: odd exponent, scaled by 2^1074" },
  { 0x1.fffffffffffffp+1023, 0x1.fffffffffffffp+969, "DBL_MAX with its largest lo" },
  { 1.0, -0x1p-54, "just below 1: s = 1 with a negative correction" },
  { 4.0, 0x1p-51, "just above a power of 4" },
  { 0x1.fffffffffffffp+1, 0.0, "just below 4: scaled into [1/4, 1) at the top" },
  { 2.0, 0.0, "sqrt 2: irrational" },
  { 0x1p-1022, 0.0, "DBL_MIN" },
};

/* ---- per-test state: a seeded stream and MPFR temporaries ---- */

typedef struct { gsl_rng *r; mpfr_t a, b, e, g; } work;

static void work_init(work *w, void **state, unsigned long stream, mpfr_prec_t prec)
{
  const prop_fixture *f = *state;
  w->r = prop_rng(f->seed, stream);
  mpfr_inits2(prec, w->a, w->b, w->e, w->g, (mpfr_ptr)0);
}

static void work_free(work *w)
{
  mpfr_clears(w->a, w->b, w->e, w->g, (mpfr_ptr)0);
  gsl_rng_free(w->r);
}

/* Point i of a run of n random points followed by the listed hard ones. */
#define NHARD(list) (sizeof list / sizeof list[0])
static dmc_dd point(unsigned long i, unsigned long n, const hard *list, dmc_dd random)
{
  return i < n ? random : dd_fast_two_sum(list[i - n].hi, list[i - n].lo);
}

/* ---- tests ---- */

static void test_arithmetic(void **state)
{
  work w;
  work_init(&w, state, 1, DD_EXACT_PREC);
  gsl_rng *r = w.r;
  mpfr_ptr a = w.a, b = w.b, e = w.e, g = w.g;
  /* dd_add: Joldes-Muller-Popescu's accurate sum, |error| <= 3u^2 |exact|
   * (u = 2^-53) also under cancellation, i.e. < 3 ulp_106 <= 2^2 ulp. */
  tally add = { "dd_add", 4, 0, 0, "" }, mul = { "dd_mul", 8, 0, 0, "" };
  tally div = { "dd_div", 16, 0, 0, "" };
  unsigned long n = prop_points(200000);
  for (unsigned long i = 0; i < n; i++) {
    dmc_dd x = random_dd(r, -30, 30, 1), y = random_dd(r, -30, 30, 1);
    if (i % 4 == 0) y = dd_add(dd_neg(x), random_dd(r, -30, 0, 1)); /* deep cancellation */
    if (i % 4 == 1) y = dd_fast_two_sum(-x.hi, x.lo * 0.75);          /* hi cancels exactly */
    dd_get(a, x); dd_get(b, y);
    mpfr_add(e, a, b, MPFR_RNDN);
    dd_get(g, dd_add(x, y));
    note(&add, ulps(g, e, DD_PREC), x.hi, y.hi);
    mpfr_mul(e, a, b, MPFR_RNDN);
    dd_get(g, dd_mul(x, y));
    note(&mul, ulps(g, e, DD_PREC), x.hi, y.hi);
    if (y.hi != 0) {
      mpfr_div(e, a, b, MPFR_RNDN);
      dd_get(g, dd_div(x, y));
      note(&div, ulps(g, e, DD_PREC), x.hi, y.hi);
    }
  }
  finish(&add);
  finish(&mul);
  finish(&div);
  work_free(&w);
}

static void test_log(void **state)
{
  work w;
  work_init(&w, state, 2, DD_EXACT_PREC);
  gsl_rng *r = w.r;
  mpfr_ptr a = w.a, e = w.e, g = w.g;
  tally ls = { "dd_log_scaled", 8, 0, 0, "" }, l = { "dd_log", 16, 0, 0, "" };
  unsigned long n = prop_points(100000);
  for (unsigned long i = 0; i < n + NHARD(HARD_LOG); i++) {
    dmc_dd x = point(i, n, HARD_LOG, i % 3 ? random_dd(r, -300, 300, 0)
                                          : dd_fast_two_sum(1.0, random_dd(r, -17, -1, 1).hi));
    dd_get(a, x);
    mpfr_log(e, a, MPFR_RNDN);
    dd_get(g, dd_log(x));
    note(&l, ulps(g, e, DD_PREC), x.hi, x.lo);
    int ex;
    double m = frexp(x.hi, &ex);
    mpfr_set_d(a, m, MPFR_RNDN);
    mpfr_log(e, a, MPFR_RNDN);
    mpfr_const_log2(a, MPFR_RNDN);
    mpfr_mul_si(a, a, ex, MPFR_RNDN);
    mpfr_add(e, e, a, MPFR_RNDN);
    dd_get(g, dd_log_scaled(m, ex));
    note(&ls, ulps(g, e, DD_PREC), m, x.hi);
  }
  finish(&ls);
  finish(&l);
  work_free(&w);
}

static void test_exp(void **state)
{
  work w;
  work_init(&w, state, 3, DD_EXACT_PREC);
  gsl_rng *r = w.r;
  mpfr_ptr a = w.a, e = w.e, g = w.g;
  /* the bound (2^4 + |k|/16) ulp, checked as err / (1 + |k|/256) <= 2^4 */
  tally ex = { "dd_exp_scaled", 16, 0, 0, "" };
  mpfr_exp_t emax = mpfr_get_emax(), emin = mpfr_get_emin();
  mpfr_set_emax(mpfr_get_emax_max()); /* e^y from 2^-(2^30) to 2^(2^30) */
  mpfr_set_emin(mpfr_get_emin_min());
  unsigned long n = prop_points(100000);
  for (unsigned long i = 0; i < n + NHARD(HARD_EXP); i++) {
    dmc_dd y = point(i, n, HARD_EXP, i % 4 ? random_dd(r, -20, 2.85, 1) : random_dd(r, 2.85, 8.9, 1));
    int k;
    dmc_dd m = dd_exp_scaled(y, &k);
    dd_get(a, y);
    mpfr_exp(e, a, MPFR_RNDN);          /* EXACT_PREC's exponent range is MPFR's: no overflow */
    mpfr_mul_2si(e, e, -k, MPFR_RNDN);  /* compare the mantissa part m = e^y 2^-k */
    dd_get(g, m);
    note(&ex, ulps(g, e, DD_PREC) / (1.0 + fabs((double)k) / 256), y.hi, y.lo);
  }
  mpfr_set_emax(emax);
  mpfr_set_emin(emin);
  finish(&ex);
  /* the documented edges: NaN gives NaN (k = 0); |y| >= 2^40 saturates */
  int k = 7;
  assert_true(isnan(dd_exp_scaled(dd_from(NAN), &k).hi) && k == 0);
  assert_true(dd_exp(dd_from(0x1p30)).hi == INFINITY && dd_exp(dd_from(-0x1p30)).hi == 0.0);
  assert_true(dd_exp(dd_from(INFINITY)).hi == INFINITY && dd_exp(dd_from(-INFINITY)).hi == 0.0);
  work_free(&w);
}

static void test_sqrt(void **state)
{
  work w;
  work_init(&w, state, 4, DD_EXACT_PREC);
  gsl_rng *r = w.r;
  mpfr_ptr a = w.a, e = w.e, g = w.g;
  tally sq = { "dd_sqrt", 4, 0, 0, "" };
  unsigned long n = prop_points(100000);
  for (unsigned long i = 0; i < n + NHARD(HARD_SQRT); i++) {
    dmc_dd x = point(i, n, HARD_SQRT, random_dd(r, -307, 307, 0));
    dd_get(a, x);
    mpfr_sqrt(e, a, MPFR_RNDN);
    dd_get(g, dd_sqrt(x));
    note(&sq, ulps(g, e, DD_PREC), x.hi, x.lo);
  }
  finish(&sq);
  assert_true(dd_sqrt(dd_from(0.0)).hi == 0.0 && dd_sqrt(dd_from(-1.0)).hi == 0.0);
  work_free(&w);
}

/* dd_ldexp and qdd_to_double round once, correctly (0 ulp), also at ties
 * and in the subnormal range, where a second rounding would show. */
static void test_rounding(void **state)
{
  work w;
  work_init(&w, state, 5, EXACT_PREC);
  gsl_rng *r = w.r;
  mpfr_ptr a = w.a, e = w.e;
  tally ld = { "dd_ldexp", 0, 0, 0, "" }, qd = { "qdd_to_double", 0, 0, 0, "" };
  unsigned long n = prop_points(100000);
  for (unsigned long i = 0; i < n; i++) {
    dmc_dd x = random_dd(r, -5, 5, 1);
    int k = (int)gsl_rng_uniform_int(r, 2300) - 1150;
    if (i % 3 == 0) { /* hi on a tie of the subnormal grid after scaling, lo deciding */
      k = -1074 - (int)gsl_rng_uniform_int(r, 40) - 1;
      double t = ldexp((double)(2 * gsl_rng_uniform_int(r, 1u << 20) + 1), -k - 1075);
      x = dd_fast_two_sum(t, (gsl_rng_uniform(r) - 0.5) * ldexp(t, -60));
    }
    dd_get(a, x);
    mpfr_mul_2si(e, a, k, MPFR_RNDN);
    double want = mpref_to_double(e), got = dd_ldexp(x, k);
    note(&ld, dmc_ulp_distance(got, want), x.hi, x.lo);
    /* a binary128 pair: for i % 3 == 0 hi exactly halfway between two
     * doubles and lo (far below hi's last bit) deciding the direction */
    dmc_qdd q = qdd_two_sum(x.hi, (dmc_quad)x.lo * 0x1p-3);
    if (i % 3 == 0) {
      double d = x.hi, h = (nextafter(fabs(d), INFINITY) - fabs(d)) / 2;
      q = qdd_fast_two_sum((dmc_quad)d + (d < 0 ? -h : h), (dmc_quad)x.lo * 0x1p-60);
    }
    qdd_get(a, q);
    want = mpref_to_double(a);
    got = qdd_to_double(q);
    note(&qd, dmc_ulp_distance(got, want), (double)q.hi, (double)q.lo);
  }
  finish(&ld);
  finish(&qd);
  /* saturation of the scale (no -k overflow for k = INT_MIN) */
  assert_true(dd_ldexp(dd_from(1.0), INT_MIN) == 0.0 && dd_ldexp(dd_from(-1.0), INT_MAX) == -INFINITY);
  work_free(&w);
}

/* The binary128-pair log and exp: error <= 2^80 ulp_226 for qdd_log and
 * 2^105 ulp_226 (2^-120 relative) for qdd_exp, as ddmath.h states. */
static void test_qdd_functions(void **state)
{
  work w;
  work_init(&w, state, 6, EXACT_PREC);
  gsl_rng *r = w.r;
  mpfr_ptr a = w.a, e = w.e, g = w.g;
  tally ql = { "qdd_log", 0x1p80, 0, 0, "" }, qe = { "qdd_exp", 0x1p105, 0, 0, "" };
  unsigned long n = prop_points(20000);
  for (unsigned long i = 0; i < n + NHARD(HARD_LOG); i++) {
    double v = i < n ? prop_log_uniform(r, -300, 300, 0) : HARD_LOG[i - n].hi;
    mpfr_set_d(a, v, MPFR_RNDN);
    mpfr_log(e, a, MPFR_RNDN);
    qdd_get(g, qdd_log(v));
    note(&ql, ulps(g, e, QDD_PREC), v, 0.0);
    double y = i < n ? prop_log_uniform(r, -20, 4.0, 1) : HARD_EXP[(i - n) % (NHARD(HARD_EXP))].hi;
    if (!(fabs(y) < 11000)) continue;
    mpfr_set_d(a, y, MPFR_RNDN);
    mpfr_exp(e, a, MPFR_RNDN);
    qdd_get(g, qdd_exp((dmc_quad)y));
    note(&qe, ulps(g, e, QDD_PREC), y, 0.0);
  }
  finish(&ql);
  finish(&qe);
  work_free(&w);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_arithmetic),
    cmocka_unit_test(test_log),
    cmocka_unit_test(test_exp),
    cmocka_unit_test(test_sqrt),
    cmocka_unit_test(test_rounding),
    cmocka_unit_test(test_qdd_functions),
  };
  return cmocka_run_group_tests_name(PROGRAM, tests, setup, teardown);
}
