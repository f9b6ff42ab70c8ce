/* ddmath.h -- internal (not installed): the one double-double module.
 *
 * dmc_dd: hi + lo with |lo| <= ulp(hi)/2 (about 106 bits). Error-free
 * transformations use fma(), which -ffp-contract=off leaves untouched, so
 * results are identical at every optimisation level.
 * dmc_qdd: pairs of binary128 numbers (about 226 bits, software floating
 * point from libgcc) for the rare inputs where a double-double sum cancels
 * too deeply. Portable, and exact under valgrind (unlike x87 long double,
 * which valgrind emulates with 64-bit doubles).
 *
 * Error bounds are stated the way MPFR states them: in ulps of the exact
 * result at the working precision p (p = 106 for dmc_dd, 226 for dmc_qdd),
 * ulp_p(x) = 2^(E - p) where x = m 2^E, 1/2 <= |m| < 1. "error <= 2^k ulp"
 * is |computed - exact| <= 2^k ulp_p(exact). tests/test_ddmath.c checks every
 * bound against MPFR on random and listed hard inputs. u = 2^-53 below. */
#ifndef DMC_DDMATH_H
#define DMC_DDMATH_H

#include <math.h>
#include <stddef.h>

typedef struct { double hi, lo; } dmc_dd;

static inline dmc_dd dd_two_sum(double a, double b) {
  double s = a + b, bb = s - a;
  dmc_dd r = { s, (a - (s - bb)) + (b - bb) };
  return r;
}
static inline dmc_dd dd_fast_two_sum(double a, double b) { /* |a| >= |b| */
  double s = a + b;
  dmc_dd r = { s, b - (s - a) };
  return r;
}
static inline dmc_dd dd_two_prod(double a, double b) {
  double p = a * b;
  dmc_dd r = { p, fma(a, b, -p) };
  return r;
}
static inline dmc_dd dd_from(double a) { dmc_dd r = { a, 0.0 }; return r; }
static inline dmc_dd dd_neg(dmc_dd a) { dmc_dd r = { -a.hi, -a.lo }; return r; }
/* Joldes, Muller, Popescu (2017), AccurateDWPlusDW: error <= 3u^2 |exact|
 * also under cancellation, so error <= 2^2 ulp. */
static inline dmc_dd dd_add(dmc_dd a, dmc_dd b) {
  dmc_dd s = dd_two_sum(a.hi, b.hi), t = dd_two_sum(a.lo, b.lo);
  s.lo += t.hi;
  s = dd_fast_two_sum(s.hi, s.lo);
  s.lo += t.lo;
  return dd_fast_two_sum(s.hi, s.lo);
}
static inline dmc_dd dd_sub(dmc_dd a, dmc_dd b) { return dd_add(a, dd_neg(b)); }
/* DWTimesDW1 of the same paper: error <= 7u^2 |exact|, so <= 2^3 ulp. */
static inline dmc_dd dd_mul(dmc_dd a, dmc_dd b) {
  dmc_dd p = dd_two_prod(a.hi, b.hi);
  p.lo += a.hi * b.lo + a.lo * b.hi;
  return dd_fast_two_sum(p.hi, p.lo);
}
static inline dmc_dd dd_mul_d(dmc_dd a, double b) {
  dmc_dd p = dd_two_prod(a.hi, b);
  p.lo += a.lo * b;
  return dd_fast_two_sum(p.hi, p.lo);
}
/* Three quotient digits q1 + q2 + q3, each remainder formed with dd_mul_d
 * and dd_sub: error <= 2^4 ulp (each remainder is exact to 2^3 ulp of a term
 * 2^-50 below the quotient, the last digit's rounding adds 1 ulp). */
static inline dmc_dd dd_div(dmc_dd a, dmc_dd b) {
  double q1 = a.hi / b.hi;
  dmc_dd r = dd_sub(a, dd_mul_d(b, q1));
  double q2 = r.hi / b.hi;
  r = dd_sub(r, dd_mul_d(b, q2));
  double q3 = r.hi / b.hi;
  dmc_dd q = dd_fast_two_sum(q1, q2);
  return dd_add(q, dd_from(q3));
}
static inline dmc_dd dd_div_d(dmc_dd a, double b) { return dd_div(a, dd_from(b)); }

/* ln 2 and log(2 pi)/2 as double-double (hex literals are exact). */
#define DMC_LN2_HI 0x1.62e42fefa39efp-1
#define DMC_LN2_LO 0x1.abc9e3b39803fp-56
#define DMC_HALF_LOG_2PI_HI 0x1.d67f1c864beb5p-1
#define DMC_HALF_LOG_2PI_LO (-0x1.65b5a1b7ff5dfp-55)


/* binary128: _Float128 (gcc), __float128 (clang, which lacks _Float128; the
 * same IEEE type and ABI, so results are identical). */
#ifdef __clang__
typedef __float128 dmc_quad;
#else
typedef _Float128 dmc_quad;
#endif
#if defined(__clang__) && !__HAVE_FLOAT128
/* glibc (>= 2.26) has the binary128 functions but declares them only for
 * compilers it knows to have _Float128; these are its symbols. */
dmc_quad erfcf128(dmc_quad);
dmc_quad expf128(dmc_quad);
dmc_quad logf128(dmc_quad);
dmc_quad log1pf128(dmc_quad);
dmc_quad fmaf128(dmc_quad, dmc_quad, dmc_quad);
dmc_quad ldexpf128(dmc_quad, int);
dmc_quad nearbyintf128(dmc_quad);
#endif
static inline dmc_quad qabs(dmc_quad a) { return a < 0 ? -a : a; }
typedef struct { dmc_quad hi, lo; } dmc_qdd;

static inline dmc_qdd qdd_two_sum(dmc_quad a, dmc_quad b)
{
  dmc_quad s = a + b, bb = s - a;
  dmc_qdd r = { s, (a - (s - bb)) + (b - bb) };
  return r;
}
static inline dmc_qdd qdd_fast_two_sum(dmc_quad a, dmc_quad b) /* |a| >= |b| */
{
  dmc_quad s = a + b;
  dmc_qdd r = { s, b - (s - a) };
  return r;
}
/* Dekker's exact product: the splitter 2^57 + 1 halves binary128's 113 bits. */
static inline dmc_qdd qdd_two_prod(dmc_quad a, dmc_quad b)
{
  const dmc_quad splitter = (dmc_quad)0x1p57 + 1;
  dmc_quad ca = splitter * a, ah = ca - (ca - a), al = a - ah;
  dmc_quad cb = splitter * b, bh = cb - (cb - b), bl = b - bh;
  dmc_quad p = a * b;
  dmc_qdd r = { p, ((ah * bh - p) + ah * bl + al * bh) + al * bl };
  return r;
}
static inline dmc_qdd qdd_scalar(dmc_quad a) { dmc_qdd r = { a, 0 }; return r; }
static inline dmc_qdd qdd_add(dmc_qdd a, dmc_qdd b)
{
  dmc_qdd s = qdd_two_sum(a.hi, b.hi), t = qdd_two_sum(a.lo, b.lo);
  s.lo += t.hi;
  s = qdd_fast_two_sum(s.hi, s.lo);
  s.lo += t.lo;
  return qdd_fast_two_sum(s.hi, s.lo);
}
static inline dmc_qdd qdd_mul(dmc_qdd a, dmc_qdd b)
{
  dmc_qdd p = qdd_two_prod(a.hi, b.hi);
  p.lo += a.hi * b.lo + a.lo * b.hi;
  return qdd_fast_two_sum(p.hi, p.lo);
}
static inline dmc_qdd qdd_div(dmc_qdd a, dmc_qdd b)
{
  dmc_quad q1 = a.hi / b.hi;
  dmc_qdd r = qdd_add(a, qdd_mul(b, qdd_scalar(-q1)));
  dmc_quad q2 = r.hi / b.hi;
  r = qdd_add(r, qdd_mul(b, qdd_scalar(-q2)));
  dmc_quad q3 = r.hi / b.hi;
  return qdd_add(qdd_fast_two_sum(q1, q2), qdd_scalar(q3));
}

/* A constant given as four non-overlapping doubles (generated with MPFR). */
static inline dmc_qdd qdd_from4(const double c[4])
{
  dmc_qdd r = { (dmc_quad)c[0] + c[1], (dmc_quad)c[2] + c[3] };
  return r;
}
/* log(2 pi)/2 to 226 bits */
static inline dmc_qdd qdd_half_log_2pi(void)
{
  static const double c[4] = { 0x1.d67f1c864beb5p-1, -0x1.65b5a1b7ff5dfp-55,
                               -0x1.b7f70c13dc1ccp-110, 0x1.3458b4ddec6a3p-164 };
  return qdd_from4(c);
}

/* ---- double-double functions (ddmath.c) ---------------------------------- */

/* log(m 2^e), m in [1/2, 1), e any int: e ln2 + 2 atanh((m'-1)/(m'+1)), m'
 * = m or 2m in [sqrt(1/2), sqrt 2).  error <= 2^3 ulp: |s| < 0.1716 so the
 * 22-term series is truncated below 2^-110 relative; s carries the 3-ulp
 * error of dd_div, the 24 Horner steps each add <= 2 ulp of a term at most
 * s^2 < 0.03 of the sum, and the final e ln2 + 2 atanh(s) adds no cancellation
 * (both have the sign of e, or e = 0). */
dmc_dd dd_log_scaled(double m, int e);

/* log a for a > 0 finite (a.hi normal or subnormal): dd_log_scaled of
 * a.hi's mantissa plus log1p(t) = t - t^2/2, t = lo/hi (|t| <= 2^-53, so
 * the neglected t^3/3 is below 2^-159).  error <= 2^4 ulp: dd_log_scaled's
 * 2^3 ulp of log(hi), plus the sum; the two terms cancel only when hi is
 * within 2^-52 of 1, where log(hi) ~ hi - 1 is exact to 2^-104 relative and
 * the result keeps at least half of log(hi)'s magnitude. */
dmc_dd dd_log(dmc_dd a);

/* e^y = m 2^k (*k), m in [0.7, 1.42] as a dd: y = k ln2 + r, |r| <= 0.35,
 * r = (y - k LN2_HI) - k LN2_LO with exact products, e^r by its Taylor
 * series (27 terms, truncated below 2^-116).
 * error <= (2^4 + |k|/16) ulp: ln2 = LN2_HI + LN2_LO is stored to within
 * 2^-110.5, so r is off by |k| 2^-110.5 (absolute), which is e^y's relative
 * error (|k| <= 1075 for results in the double range); the two subtractions
 * err by 3u^2 of r, and the 27 Horner steps add <= 2 ulp each on terms
 * shrinking by 0.35/n.
 * Total: |y.hi| >= 2^30 gives m = 1, k = +-2^30 (ldexp then over- or
 * underflows to the right limit); a NaN y gives m = NaN, k = 0. */
dmc_dd dd_exp_scaled(dmc_dd y, int *k);
/* e^y as a dd (both words scaled by ldexp; the low word may underflow to 0
 * when e^y is below 2^-969, where the bound becomes 2^-1074 absolute). */
dmc_dd dd_exp(dmc_dd y);

/* sqrt a for a >= 0 (0 for a.hi <= 0): one Newton step s + (a - s^2)/(2s)
 * from s = sqrt(a.hi) on a scaled by an even power of two into [1/4, 1)
 * (the error term never underflows).  error <= 2^2 ulp: the Newton step
 * squares sqrt's 2^-53 relative error (2^-107), a - s^2 is exact up to the
 * dd subtraction's 2 ulp, and the division and final sum add 1 ulp each. */
dmc_dd dd_sqrt(dmc_dd a);

/* a.hi + a.lo times 2^k rounded once to double (correctly rounded, also when
 * the result is subnormal, where ldexp alone would ignore lo at a tie). */
double dd_ldexp(dmc_dd a, int k);

/* ---- binary128-pair functions (ddmath.c) --------------------------------- */

/* log v for v > 0 finite: the atanh series of dd_log_scaled carried in qdd
 * (30 terms, truncated below 2^-150 relative; ln2 stored to 226 bits).
 * error <= 2^80 ulp (ulp of 226 bits: 2^-146 relative). */
dmc_qdd qdd_log(double v);

/* e^y for |y| < 11000: y = k ln2 + r, |r| <= 0.35, 28 Taylor terms in qdd,
 * scaled by 2^k.  error <= 2^105 ulp (2^-120 relative): the series is
 * truncated below 2^-130 and k ln2 is exact to |k| 2^-226. */
dmc_qdd qdd_exp(dmc_quad y);

/* One rounding of hi + lo to double: hi rounds correctly, and lo decides only
 * when hi lies exactly halfway between two doubles. */
double qdd_to_double(dmc_qdd a);

#endif
