/* qdd.h -- internal (not installed): pairs of binary128 numbers (_Float128,
 * software floating point from libgcc, about 226 bits) for the rare inputs
 * where a double-double sum cancels too deeply, e.g. near the zeros of a
 * Gaussian log-density. Portable, and exact under valgrind (unlike x87 long
 * double, which valgrind emulates with 64-bit doubles). */
#ifndef DMC_QDD_H
#define DMC_QDD_H

#include <float.h>
#include <math.h>
#include <stddef.h>

typedef _Float128 dmc_quad;
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

/* One rounding of hi + lo to double: hi rounds correctly, and lo decides
 * only when hi lies exactly halfway between two doubles. */
static inline double qdd_to_double(dmc_qdd a)
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

/* -sum_i [ log(2 pi v_i)/2 + (x_i - mu_i)^2 / (2 v_i) ] with v_i = scale_i^2
 * if scale_is_sigma, else v_i = scale_i; rounded once to double. Arguments
 * must already be validated (finite, scale > 0). */
double dmc_gauss_logpdf_qdd(size_t n, const double *x, const double *mu,
                            const double *scale, int scale_is_sigma);

#endif
