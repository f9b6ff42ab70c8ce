/* ldd.c -- the long-double-pair slow path (see ldd.h). */
#include "ldd.h"

#include <math.h>

typedef struct { long double hi, lo; } ldd;

static ldd two_sum(long double a, long double b)
{
  long double s = a + b, bb = s - a;
  ldd r = { s, (a - (s - bb)) + (b - bb) };
  return r;
}
static ldd fast_two_sum(long double a, long double b)
{
  long double s = a + b;
  ldd r = { s, b - (s - a) };
  return r;
}
static ldd add(ldd a, ldd b)
{
  ldd s = two_sum(a.hi, b.hi), t = two_sum(a.lo, b.lo);
  s.lo += t.hi;
  s = fast_two_sum(s.hi, s.lo);
  s.lo += t.lo;
  return fast_two_sum(s.hi, s.lo);
}
static ldd mul(ldd a, ldd b)
{
  long double p = a.hi * b.hi;
  long double e = fmal(a.hi, b.hi, -p) + (a.hi * b.lo + a.lo * b.hi);
  return fast_two_sum(p, e);
}
static ldd mul_ld(ldd a, long double b) { ldd bb = { b, 0 }; return mul(a, bb); }
static ldd div_(ldd a, ldd b)
{
  long double q1 = a.hi / b.hi;
  ldd r = add(a, mul_ld(b, -q1));
  long double q2 = r.hi / b.hi;
  r = add(r, mul_ld(b, -q2));
  long double q3 = r.hi / b.hi;
  ldd q = fast_two_sum(q1, q2), t = { q3, 0 };
  return add(q, t);
}

static const ldd LN2 = { 0xb.17217f7d1cf79acp-4L, -0xd.871319ff0342543p-70L };
static const ldd HALF_LOG_2PI = { 0xe.b3f8e4325f5a535p-4L, -0xd.686dffd77cdbfb8p-69L };

/* log v = e ln2 + 2 atanh((m-1)/(m+1)), m in [sqrt(1/2), sqrt 2). */
static ldd log_ld(long double v)
{
  int e;
  long double m = frexpl(v, &e);
  if (m < 0xb.504f333f9de6484p-4L) { m *= 2; e -= 1; }
  ldd s = div_(two_sum(m, -1), two_sum(m, 1)), s2 = mul(s, s), acc = { 0, 0 };
  for (int k = 30; k >= 1; k--) { /* s^2 < 0.0295: 30 terms reach 2^-150 */
    ldd one = { 1, 0 }, c = div_(one, (ldd){ (long double)(2 * k + 1), 0 });
    acc = mul(add(acc, c), s2);
  }
  acc = mul(add(acc, (ldd){ 1, 0 }), s);
  acc = mul_ld(acc, 2);
  return add(mul_ld(LN2, (long double)e), acc);
}

double dmc_gauss_logpdf_ldd(size_t n, const double *x, const double *mu,
                            const double *scale, int scale_is_sigma)
{
  ldd total = mul_ld(HALF_LOG_2PI, (long double)n);
  for (size_t i = 0; i < n; i++) {
    long double s = scale[i];
    ldd v = scale_is_sigma ? mul((ldd){ s, 0 }, (ldd){ s, 0 }) : (ldd){ s, 0 }; /* exact */
    ldd d = two_sum(x[i], -(long double)mu[i]);
    ldd q = div_(mul(d, d), v);
    ldd lv = log_ld(scale[i]);
    if (scale_is_sigma) lv = mul_ld(lv, 2);
    total = add(total, mul_ld(add(q, lv), 0.5L));
  }
  /* one rounding from the ldd value to double: hi rounds to double, and lo
   * only matters when hi lies exactly halfway between two doubles */
  double r = (double)total.hi;
  long double err = total.hi - (long double)r;
  if (err != 0 && fabsl(err) == 0.5L * (long double)fabs(nextafter(r, err > 0 ? INFINITY : -INFINITY) - r)
      && total.lo != 0)
    r = (err > 0) == (total.lo > 0) ? nextafter(r, err > 0 ? INFINITY : -INFINITY) : r;
  return -r;
}
