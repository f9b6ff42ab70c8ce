/* dd.h -- internal double-double arithmetic (not installed).
 * A dd value is hi + lo with |lo| <= ulp(hi)/2. Error-free transformations use
 * fma(), which -ffp-contract=off leaves untouched, so results are identical at
 * every optimisation level. Relative error of each operation is about 2^-104. */
#ifndef DMC_DD_H
#define DMC_DD_H

#include <math.h>

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
static inline dmc_dd dd_add(dmc_dd a, dmc_dd b) {
  dmc_dd s = dd_two_sum(a.hi, b.hi), t = dd_two_sum(a.lo, b.lo);
  s.lo += t.hi;
  s = dd_fast_two_sum(s.hi, s.lo);
  s.lo += t.lo;
  return dd_fast_two_sum(s.hi, s.lo);
}
static inline dmc_dd dd_sub(dmc_dd a, dmc_dd b) { return dd_add(a, dd_neg(b)); }
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

/* log(m * 2^e) for m in [0.5, 1): e*ln2 + 2 atanh((m'-1)/(m'+1)) with m'
 * reduced into [sqrt(1/2), sqrt(2)); the series is summed in dd. */
dmc_dd dmc_dd_log_scaled(double m, int e);

/* Round hi + lo times 2^k to double with a single rounding, also when the
 * result is subnormal (where ldexp alone would ignore lo at a tie). */
double dmc_dd_ldexp(dmc_dd a, int k);

#endif
