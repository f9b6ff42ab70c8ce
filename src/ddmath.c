/* ddmath.c -- the non-inline parts of the double-double module (ddmath.h). */
/* glibc declares the _Float128 functions (fmaf128, ...) only on request */
#define __STDC_WANT_IEC_60559_TYPES_EXT__ 1
#include "ddmath.h"

#include <float.h>
#include <limits.h>

/* 1/(2k+1) for k = 1..22 as double-double (generated with MPFR at 300 bits). */
static const dmc_dd inverse_odd[22] = {
  { 0x1.5555555555555p-2, 0x1.5555555555555p-56 }, /* 1/3 */
  { 0x1.999999999999ap-3, -0x1.999999999999ap-57 }, /* 1/5 */
  { 0x1.2492492492492p-3, 0x1.2492492492492p-57 }, /* 1/7 */
  { 0x1.c71c71c71c71cp-4, 0x1.c71c71c71c71cp-58 }, /* 1/9 */
  { 0x1.745d1745d1746p-4, -0x1.745d1745d1746p-59 }, /* 1/11 */
  { 0x1.3b13b13b13b14p-4, -0x1.3b13b13b13b14p-58 }, /* 1/13 */
  { 0x1.1111111111111p-4, 0x1.1111111111111p-60 }, /* 1/15 */
  { 0x1.e1e1e1e1e1e1ep-5, 0x1.e1e1e1e1e1e1ep-61 }, /* 1/17 */
  { 0x1.af286bca1af28p-5, 0x1.af286bca1af28p-59 }, /* 1/19 */
  { 0x1.8618618618618p-5, 0x1.8618618618618p-59 }, /* 1/21 */
  { 0x1.642c8590b2164p-5, 0x1.642c8590b2164p-60 }, /* 1/23 */
  { 0x1.47ae147ae147bp-5, -0x1.eb851eb851eb8p-61 }, /* 1/25 */
  { 0x1.2f684bda12f68p-5, 0x1.2f684bda12f68p-59 }, /* 1/27 */
  { 0x1.1a7b9611a7b96p-5, 0x1.1a7b9611a7b96p-61 }, /* 1/29 */
  { 0x1.0842108421084p-5, 0x1.0842108421084p-60 }, /* 1/31 */
  { 0x1.f07c1f07c1f08p-6, -0x1.f07c1f07c1f08p-61 }, /* 1/33 */
  { 0x1.d41d41d41d41dp-6, 0x1.075075075075p-60 }, /* 1/35 */
  { 0x1.bacf914c1badp-6, -0x1.bacf914c1badp-60 }, /* 1/37 */
  { 0x1.a41a41a41a41ap-6, 0x1.069069069069p-60 }, /* 1/39 */
  { 0x1.8f9c18f9c18fap-6, -0x1.f3831f3831f38p-61 }, /* 1/41 */
  { 0x1.7d05f417d05f4p-6, 0x1.7d05f417d05f4p-62 }, /* 1/43 */
  { 0x1.6c16c16c16c17p-6, -0x1.f49f49f49f49fp-61 }, /* 1/45 */
};

dmc_dd dd_log_scaled(double m, int e)
{
  if (m < 0x1.6a09e667f3bcdp-1) { m *= 2.0; e -= 1; } /* m in [sqrt(1/2), sqrt 2) */
  dmc_dd num = dd_two_sum(m, -1.0), den = dd_two_sum(m, 1.0);
  dmc_dd s = dd_div(num, den), s2 = dd_mul(s, s);
  /* atanh(s) = sum s^(2k+1)/(2k+1); |s| < 0.1716 so s^2 < 0.0295 and 22 terms
   * reach 2^-110 relative. Horner from the tail. */
  dmc_dd acc = dd_from(0.0);
  for (int k = 22; k >= 1; k--)
    acc = dd_mul(dd_add(acc, inverse_odd[k - 1]), s2);
  acc = dd_mul(dd_add(acc, dd_from(1.0)), s);
  acc = dd_mul_d(acc, 2.0);
  dmc_dd ln2 = { DMC_LN2_HI, DMC_LN2_LO };
  return dd_add(dd_mul_d(ln2, (double)e), acc);
}

double dd_ldexp(dmc_dd a, int k)
{
  /* |k| beyond 4000 saturates for every finite hi (no -k overflow below) */
  if (k > 4000) k = 4000;
  if (k < -4000) k = -4000;
  double r = ldexp(a.hi, k);
  if (a.lo == 0.0 || fabs(r) >= DBL_MIN || isinf(r))
    return r;
  /* Subnormal result: a.hi may sit exactly on a rounding tie of the coarser
   * grid, and only then does lo decide the direction. */
  double back = ldexp(r, -k);
  double half_grid = ldexp(1.0, -1075 - k);
  if (fabs(a.hi - back) == half_grid)
    r = ldexp(nextafter(a.hi, a.lo > 0 ? INFINITY : -INFINITY), k);
  return r;
}

dmc_dd dd_log(dmc_dd a)
{
  int e;
  double m = frexp(a.hi, &e);
  dmc_dd t = dd_div_d(dd_from(a.lo), a.hi);                  /* |t| <= 2^-53 */
  dmc_dd log1p_t = dd_sub(t, dd_mul_d(dd_mul(t, t), 0.5));   /* + O(t^3) */
  return dd_add(dd_log_scaled(m, e), log1p_t);
}

dmc_dd dd_exp_scaled(dmc_dd y, int *k)
{
  const dmc_dd one = { 1.0, 0.0 };
  if (isnan(y.hi)) { *k = 0; return dd_from(NAN); }
  if (!(fabs(y.hi) < 0x1p30)) { *k = y.hi > 0 ? 1 << 30 : -(1 << 30); return one; }
  double kd = nearbyint(y.hi / DMC_LN2_HI);
  /* y - k LN2_HI nearly cancels: subtracting the exact products one at a
   * time keeps the error relative to r, not to k ln2 */
  dmc_dd r = dd_sub(dd_sub(y, dd_two_prod(kd, DMC_LN2_HI)), dd_two_prod(kd, DMC_LN2_LO));
  dmc_dd acc = one;
  for (int n = 27; n >= 1; n--) acc = dd_add(dd_div_d(dd_mul(acc, r), (double)n), one);
  *k = (int)kd;
  return acc;
}

dmc_dd dd_exp(dmc_dd y)
{
  int k;
  dmc_dd m = dd_exp_scaled(y, &k);
  dmc_dd r = { ldexp(m.hi, k), ldexp(m.lo, k) };
  return r;
}

dmc_dd dd_sqrt(dmc_dd a)
{
  if (!(a.hi > 0.0)) return dd_from(0.0);
  int e;
  frexp(a.hi, &e);
  int k = (e - (e & 1)) / 2;                  /* a = m 2^(2k), m in [1/4, 1) */
  dmc_dd m = { ldexp(a.hi, -2 * k), ldexp(a.lo, -2 * k) };
  double s = sqrt(m.hi);
  dmc_dd r = dd_sub(m, dd_two_prod(s, s));
  r = dd_add(dd_from(s), dd_from(r.hi / (2.0 * s)));
  r.hi = ldexp(r.hi, k);
  r.lo = ldexp(r.lo, k);
  return r;
}

/* ---- binary128 pairs ------------------------------------------------------ */


static const double LN2[4] = { 0x1.62e42fefa39efp-1, 0x1.abc9e3b39803fp-56, 0x1.7b57a079a1934p-111, -0x1.ace93a4ebe5d1p-165 };
static const double INVERSE_ODD[30][4] = {
  { 0x1.5555555555555p-2, 0x1.5555555555555p-56, 0x1.5555555555555p-110, 0x1.5555555555555p-164 }, /* 1/3 */
  { 0x1.999999999999ap-3, -0x1.999999999999ap-57, 0x1.999999999999ap-111, -0x1.999999999999ap-165 }, /* 1/5 */
  { 0x1.2492492492492p-3, 0x1.2492492492492p-57, 0x1.2492492492492p-111, 0x1.2492492492492p-165 }, /* 1/7 */
  { 0x1.c71c71c71c71cp-4, 0x1.c71c71c71c71cp-58, 0x1.c71c71c71c71cp-112, 0x1.c71c71c71c71cp-166 }, /* 1/9 */
  { 0x1.745d1745d1746p-4, -0x1.745d1745d1746p-59, 0x1.745d1745d1746p-114, -0x1.745d1745d1746p-169 }, /* 1/11 */
  { 0x1.3b13b13b13b14p-4, -0x1.3b13b13b13b14p-58, 0x1.3b13b13b13b14p-112, -0x1.3b13b13b13b14p-166 }, /* 1/13 */
  { 0x1.1111111111111p-4, 0x1.1111111111111p-60, 0x1.1111111111111p-116, 0x1.1111111111111p-172 }, /* 1/15 */
  { 0x1.e1e1e1e1e1e1ep-5, 0x1.e1e1e1e1e1e1ep-61, 0x1.e1e1e1e1e1e1ep-117, 0x1.e1e1e1e1e1e1ep-173 }, /* 1/17 */
  { 0x1.af286bca1af28p-5, 0x1.af286bca1af28p-59, 0x1.af286bca1af28p-113, 0x1.af286bca1af28p-167 }, /* 1/19 */
  { 0x1.8618618618618p-5, 0x1.8618618618618p-59, 0x1.8618618618618p-113, 0x1.8618618618618p-167 }, /* 1/21 */
  { 0x1.642c8590b2164p-5, 0x1.642c8590b2164p-60, 0x1.642c8590b2164p-115, 0x1.642c8590b2164p-170 }, /* 1/23 */
  { 0x1.47ae147ae147bp-5, -0x1.eb851eb851eb8p-61, -0x1.47ae147ae147bp-115, 0x1.eb851eb851eb8p-171 }, /* 1/25 */
  { 0x1.2f684bda12f68p-5, 0x1.2f684bda12f68p-59, 0x1.2f684bda12f68p-113, 0x1.2f684bda12f68p-167 }, /* 1/27 */
  { 0x1.1a7b9611a7b96p-5, 0x1.1a7b9611a7b96p-61, 0x1.1a7b9611a7b96p-117, 0x1.1a7b9611a7b96p-173 }, /* 1/29 */
  { 0x1.0842108421084p-5, 0x1.0842108421084p-60, 0x1.0842108421084p-115, 0x1.0842108421084p-170 }, /* 1/31 */
  { 0x1.f07c1f07c1f08p-6, -0x1.f07c1f07c1f08p-61, 0x1.f07c1f07c1f08p-116, -0x1.f07c1f07c1f08p-171 }, /* 1/33 */
  { 0x1.d41d41d41d41dp-6, 0x1.075075075075p-60, 0x1.d41d41d41d41dp-114, 0x1.075075075075p-168 }, /* 1/35 */
  { 0x1.bacf914c1badp-6, -0x1.bacf914c1badp-60, 0x1.bacf914c1badp-114, -0x1.bacf914c1badp-168 }, /* 1/37 */
  { 0x1.a41a41a41a41ap-6, 0x1.069069069069p-60, 0x1.a41a41a41a41ap-114, 0x1.069069069069p-168 }, /* 1/39 */
  { 0x1.8f9c18f9c18fap-6, -0x1.f3831f3831f38p-61, -0x1.8f9c18f9c18fap-116, 0x1.f3831f3831f38p-171 }, /* 1/41 */
  { 0x1.7d05f417d05f4p-6, 0x1.7d05f417d05f4p-62, 0x1.7d05f417d05f4p-118, 0x1.7d05f417d05f4p-174 }, /* 1/43 */
  { 0x1.6c16c16c16c17p-6, -0x1.f49f49f49f49fp-61, -0x1.27d27d27d27d2p-115, -0x1.f49f49f49f49fp-169 }, /* 1/45 */
  { 0x1.5c9882b931057p-6, 0x1.310572620ae4cp-61, 0x1.0572620ae4c41p-115, 0x1.72620ae4c415dp-169 }, /* 1/47 */
  { 0x1.4e5e0a72f0539p-6, 0x1.e0a72f0539783p-60, -0x1.8d0fac687d634p-114, -0x1.f58d0fac687d6p-169 }, /* 1/49 */
  { 0x1.4141414141414p-6, 0x1.4141414141414p-62, 0x1.4141414141414p-118, 0x1.4141414141414p-174 }, /* 1/51 */
  { 0x1.3521cfb2b78c1p-6, 0x1.a90e7d95bc60ap-61, -0x1.5bc609a90e7d9p-115, -0x1.6f1826a439f65p-169 }, /* 1/53 */
  { 0x1.29e4129e4129ep-6, 0x1.04a7904a7904ap-60, 0x1.e4129e4129e41p-114, 0x1.4f2094f2094f2p-169 }, /* 1/55 */
  { 0x1.1f7047dc11f7p-6, 0x1.1f7047dc11f7p-60, 0x1.1f7047dc11f7p-114, 0x1.1f7047dc11f7p-168 }, /* 1/57 */
  { 0x1.15b1e5f75270dp-6, 0x1.15b1e5f75270dp-64, 0x1.15b1e5f75270dp-122, 0x1.15b1e5f75270dp-180 }, /* 1/59 */
  { 0x1.0c9714fbcda3bp-6, -0x1.f79b47582192ep-61, -0x1.4fbcda3ac10c9p-116, -0x1.c53ef368eb043p-170 }, /* 1/61 */
};

/* log v = e ln2 + 2 atanh((m-1)/(m+1)), m in [sqrt(1/2), sqrt 2); |s| < 0.1716
 * so 30 terms of the atanh series reach 2^-150 relative. */
dmc_qdd qdd_log(double v)
{
  int e;
  double m = frexp(v, &e);
  if (m < 0x1.6a09e667f3bcdp-1) { m *= 2; e -= 1; }
  dmc_qdd s = qdd_div(qdd_two_sum(m, -1), qdd_two_sum(m, 1)), s2 = qdd_mul(s, s), acc = qdd_scalar(0);
  for (int k = 30; k >= 1; k--) acc = qdd_mul(qdd_add(acc, qdd_from4(INVERSE_ODD[k - 1])), s2);
  acc = qdd_mul(qdd_add(acc, qdd_scalar(1)), s);
  acc = qdd_add(acc, acc);
  return qdd_add(qdd_mul(qdd_from4(LN2), qdd_scalar((dmc_quad)e)), acc);
}

dmc_qdd qdd_exp(dmc_quad y)
{
  const dmc_qdd ln2 = qdd_from4(LN2);
  dmc_quad k = nearbyintf128(y / ln2.hi);
  dmc_quad p = k * ln2.hi, e = fmaf128(k, ln2.hi, -p);
  dmc_qdd r = qdd_add(qdd_two_sum(y - p, -e), (dmc_qdd){ -k * ln2.lo, 0 });
  dmc_qdd acc = { 1, 0 };
  for (int n = 28; n >= 1; n--) {
    acc = qdd_mul(acc, r);
    dmc_quad q1 = acc.hi / n, rem = fmaf128(-q1, (dmc_quad)n, acc.hi) + acc.lo;
    acc = qdd_add(qdd_fast_two_sum(q1, rem / n), (dmc_qdd){ 1, 0 });
  }
  int ki = (int)k;
  acc.hi = ldexpf128(acc.hi, ki);
  acc.lo = ldexpf128(acc.lo, ki);
  return acc;
}

double qdd_to_double(dmc_qdd a)
{
  double r = (double)a.hi;
  if (isinf(r)) { /* hi >= the overflow midpoint; exactly on it, lo below it gives DBL_MAX */
    const dmc_quad mid = (dmc_quad)DBL_MAX + (dmc_quad)0x1p970;
    return ((r > 0 ? a.hi == mid && a.lo < 0 : a.hi == -mid && a.lo > 0)) ? copysign(DBL_MAX, r) : r;
  }
  dmc_quad err = a.hi - (dmc_quad)r;
  if (err != 0 && a.lo != 0) {
    double toward = nextafter(r, err > 0 ? INFINITY : -INFINITY);
    if (err + err == (dmc_quad)toward - (dmc_quad)r && (err > 0) == (a.lo > 0)) r = toward;
  }
  return r;
}
