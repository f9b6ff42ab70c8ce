/* dd.c -- the non-inline parts of the double-double helpers (see dd.h). */
#include "dd.h"

#include <float.h>

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

dmc_dd dmc_dd_log_scaled(double m, int e)
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

double dmc_dd_ldexp(dmc_dd a, int k)
{
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
