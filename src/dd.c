/* dd.c -- the non-inline parts of the double-double helpers (see dd.h). */
#include "dd.h"

#include <float.h>

dmc_dd dmc_dd_log_scaled(double m, int e)
{
  if (m < 0x1.6a09e667f3bcdp-1) { m *= 2.0; e -= 1; } /* m in [sqrt(1/2), sqrt 2) */
  dmc_dd num = dd_two_sum(m, -1.0), den = dd_two_sum(m, 1.0);
  dmc_dd s = dd_div(num, den), s2 = dd_mul(s, s);
  /* atanh(s) = sum s^(2k+1)/(2k+1); |s| < 0.1716 so s^2 < 0.0295 and 22 terms
   * reach 2^-110 relative. Horner from the tail. */
  dmc_dd acc = dd_from(0.0);
  for (int k = 22; k >= 1; k--)
    acc = dd_mul(dd_add(acc, dd_div_d(dd_from(1.0), (double)(2 * k + 1))), s2);
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
