/* schedule.c -- noise schedules, alphas_cumprod without cancellation, the
 * log-SNR and the parameterisation conversions (claims sched.*). */
#include "dmcheck.h"
#include "ddmath.h"
#include "outputs.h"

#include <math.h>

#define SCHED_TMAX 1000000
#define SCHED_PI 0x1.921fb54442d18p+1

/* sin(k pi / (252 T)) for an integer 0 <= k <= 252 T, reduced to an angle of
 * at most pi/2 by sin(pi - x) = sin x, so the argument's rounding error stays
 * relative to the (possibly small) result. */
static double sin_frac(double k, double T)
{
  double n = 252.0 * T;
  if (k > n / 2) k = n - k;
  return sin(k * (SCHED_PI / n));
}

static dmc_dd dd_ratio(double n, double d) { return dd_div(dd_from(n), dd_from(d)); }

/* beta_t of the squared-linspace kinds: ((T-t) sqrt(a) + (t-1) sqrt(b))/(T-1), squared. */
static double squared_linspace(dmc_dd ra, dmc_dd rb, size_t T, size_t t)
{
  if (T == 1) return dd_mul(ra, ra).hi;
  dmc_dd l = dd_add(dd_mul_d(ra, (double)(T - t)), dd_mul_d(rb, (double)(t - 1)));
  l = dd_div_d(l, (double)(T - 1));
  return dd_mul(l, l).hi;
}

int dmc_sched_betas(int kind, size_t T, double *beta, unsigned char *clipped)
{
  if (!beta) return DMC_EDOM;
  if (T < 1 || T > SCHED_TMAX || kind < DMC_SCHED_LINEAR || kind > DMC_SCHED_COSINE) {
    nan_fill(T, beta);
    if (clipped && T <= DMC_N_MAX) for (size_t t = 0; t < T; t++) clipped[t] = 0;
    return DMC_EDOM;
  }
  dmc_dd ra = dd_from(0), rb = dd_from(0);
  if (kind == DMC_SCHED_SCALED_LINEAR) { ra = dd_sqrt(dd_ratio(17, 20000)); rb = dd_sqrt(dd_ratio(3, 250)); }
  if (kind == DMC_SCHED_QUADRATIC) { ra = dd_ratio(1, 100); rb = dd_sqrt(dd_ratio(1, 50)); }
  for (size_t t = 1; t <= T; t++) {
    double b;
    int clip = 0;
    switch (kind) {
    case DMC_SCHED_LINEAR: /* integers below 2^53: one rounding */
      b = T == 1 ? 1e-4 : ((double)(T - t) + 200.0 * (double)(t - 1)) / (10000.0 * (double)(T - 1));
      break;
    case DMC_SCHED_SCALED_LINEAR:
    case DMC_SCHED_QUADRATIC:
      b = squared_linspace(ra, rb, T, t);
      break;
    case DMC_SCHED_SIGMOID: {
      double x = T == 1 ? -6.0 : (6.0 * (2.0 * (double)t - (double)T - 1.0)) / (double)(T - 1);
      b = 1e-4 + 0.0199 / (1.0 + exp(-x));
      break;
    }
    default: { /* cosine: sin(d) sin((2T - 2t + 1) d) / sin^2((T - t + 1) d) */
      double k1 = 125.0 * (double)(2 * (T - t) + 1), k2 = 125.0 * (double)(T - t + 1);
      double num = sin_frac(125.0, (double)T) * sin_frac(k1, (double)T);
      double den = sin_frac(k2, (double)T);
      b = num / (den * den);
      if (t == T || b > 0.999) { b = 0.999; clip = 1; }
      break;
    }
    }
    beta[t - 1] = b;
    if (clipped) clipped[t - 1] = (unsigned char)clip;
  }
  return DMC_OK;
}

int dmc_alphas_cumprod(size_t n, const double *beta, double *alphabar, double *one_minus)
{
  int ok = beta && (alphabar || one_minus) && n <= DMC_N_MAX;
  for (size_t i = 0; ok && i < n; i++) ok = beta[i] >= 0.0 && beta[i] <= 1.0;
  if (!ok) {
    nan_fill(n, alphabar);
    nan_fill(n, one_minus);
    return DMC_EDOM;
  }
  dmc_dd P = dd_from(1.0), Q = dd_from(0.0);
  for (size_t i = 0; i < n; i++) {
    Q = dd_add(Q, dd_mul_d(P, beta[i]));            /* Q_t = Q_{t-1} + beta_t P_{t-1} */
    P = dd_mul(P, dd_two_sum(1.0, -beta[i]));       /* 1 - beta exactly as a dd */
    if (alphabar) alphabar[i] = P.hi + P.lo;
    if (one_minus) one_minus[i] = Q.hi + Q.lo;
  }
  return DMC_OK;
}

int dmc_log_snr(double alphabar, double one_minus, double *log_snr)
{
  if (!log_snr) return DMC_EDOM;
  if (!(alphabar > 0.0) || !(one_minus > 0.0) || !isfinite(alphabar) || !isfinite(one_minus))
    return nan_out(DMC_EDOM, log_snr);
  if (alphabar <= 2.0 * one_minus && one_minus <= 2.0 * alphabar) {
    /* ratio near 1: q = (alphabar - one_minus)/one_minus with an exact
     * numerator (Sterbenz) in dd; log1p(q) = log1p(q.hi) + q.lo/(1 + q.hi) */
    dmc_dd q = dd_div_d(dd_from(alphabar - one_minus), one_minus);
    *log_snr = log1p(q.hi) + q.lo / (1.0 + q.hi);
  } else {
    /* log of the ratio m 2^e of the two mantissas' dd quotient, in dd */
    int ea, eo, e;
    double ma = frexp(alphabar, &ea), mo = frexp(one_minus, &eo);
    dmc_dd q = dd_div_d(dd_from(ma), mo);           /* in (1/2, 2) */
    double m = frexp(q.hi, &e);
    dmc_dd l = dd_log_scaled(m, e + ea - eo);
    l = dd_add(l, dd_from(q.lo / q.hi));
    *log_snr = l.hi + l.lo;
  }
  return checked1(log_snr);
}

/* Coefficients +-a^i s^j of x_t and u for each (from, to). */
typedef struct { int sign, i, j; } pcoef;
static const pcoef conv[4][4][2] = {
  /* from eps */
  { { { 0, 0, 0 }, { 1, 0, 0 } }, { { 1, -1, 0 }, { -1, -1, 1 } },
    { { -1, -1, 1 }, { 1, -1, 0 } }, { { 0, 0, 0 }, { -1, 0, -1 } } },
  /* from x0 */
  { { { 1, 0, -1 }, { -1, 1, -1 } }, { { 0, 0, 0 }, { 1, 0, 0 } },
    { { 1, 1, -1 }, { -1, 0, -1 } }, { { -1, 0, -2 }, { 1, 1, -2 } } },
  /* from v */
  { { { 1, 0, 1 }, { 1, 1, 0 } }, { { 1, 1, 0 }, { -1, 0, 1 } },
    { { 0, 0, 0 }, { 1, 0, 0 } }, { { -1, 0, 0 }, { -1, 1, -1 } } },
  /* from score */
  { { { 0, 0, 0 }, { -1, 0, 1 } }, { { 1, -1, 0 }, { 1, -1, 2 } },
    { { -1, -1, 1 }, { -1, -1, 1 } }, { { 0, 0, 0 }, { 1, 0, 0 } } },
};

static dmc_dd coef_value(const pcoef *c, dmc_dd a, dmc_dd s)
{
  dmc_dd r = dd_from(c->sign < 0 ? -1.0 : 1.0);
  for (int k = 0; k < (c->i < 0 ? -c->i : c->i); k++) r = c->i < 0 ? dd_div(r, a) : dd_mul(r, a);
  for (int k = 0; k < (c->j < 0 ? -c->j : c->j); k++) r = c->j < 0 ? dd_div(r, s) : dd_mul(r, s);
  return r;
}

int dmc_param_convert(int from, int to, double alphabar, double x_t, double u, double *out)
{
  if (!out) return DMC_EDOM;
  if (from < DMC_PARAM_EPS || from > DMC_PARAM_SCORE || to < DMC_PARAM_EPS || to > DMC_PARAM_SCORE ||
      !(alphabar > 0.0 && alphabar < 1.0) || !isfinite(x_t) || !isfinite(u))
    return nan_out(DMC_EDOM, out);
  dmc_dd a = dd_sqrt(dd_from(alphabar));
  dmc_dd s = dd_sqrt(dd_two_sum(1.0, -alphabar));
  const pcoef *c = conv[from][to];
  dmc_dd sum = dd_from(0.0);
  if (c[0].sign && x_t != 0.0) sum = dd_mul_d(coef_value(&c[0], a, s), x_t);
  if (c[1].sign && u != 0.0) sum = dd_add(sum, dd_mul_d(coef_value(&c[1], a, s), u));
  *out = sum.hi + sum.lo;
  return checked1(out);
}
