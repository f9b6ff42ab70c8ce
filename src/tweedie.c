/* tweedie.c -- D2: Tweedie's formula (claims tweedie.*). */
#include "dmcheck.h"
#include "alloc.h"
#include "ddmath.h"
#include "outputs.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_integration.h>

static int valid_scale(double s) { return isfinite(s) && s > 0.0; }


/* a * 2^k on both words (a word that underflows is below 2^-1022 of the other). */
static dmc_dd dd_scale(dmc_dd a, int k)
{
  dmc_dd r = { ldexp(a.hi, k), ldexp(a.lo, k) };
  return r;
}

/* Binary exponent of a nonzero finite double as frexp gives it. */
static int exponent_of(double a) { int e; frexp(a, &e); return e; }

/* Leading double-double of the exact sum of n <= 6 doubles: Shewchuk's
 * grow-expansion (error-free two_sum chain) gives a nonoverlapping expansion
 * whose top component carries the sum's magnitude, so summing it from the top
 * in dd costs ~2^-105 of the RESULT, whatever the cancellation. */
static dmc_dd sum_exact(const double *t, int n)
{
  double e[6];
  int m = 0;
  for (int i = 0; i < n; i++) {
    double q = t[i];
    for (int j = 0; j < m; j++) { dmc_dd s = dd_two_sum(q, e[j]); e[j] = s.lo; q = s.hi; }
    e[m++] = q;
  }
  dmc_dd r = dd_from(e[m - 1]);
  for (int j = m - 2; j >= 0; j--) r = dd_add(r, dd_from(e[j]));
  return r;
}

/* c + sigma^2 d exactly (before the final dd sum), returned as r * 2^(*e):
 * sigma = ms 2^es, ms^2 = p.hi + p.lo exactly, p.hi d and p.lo d split by
 * two_prod, everything scaled by 2^-e with e the largest exponent involved
 * (words that underflow are below 2^-1074 of the largest term). */
static dmc_dd plus_sigma2_times(double c, double ms, int es, double d, int *e)
{
  int ed = 0;
  double md = d == 0.0 ? 0.0 : frexp(d, &ed);       /* normalised: no product underflows */
  dmc_dd p = dd_two_prod(ms, ms);
  dmc_dd a = dd_two_prod(p.hi, md), b = dd_two_prod(p.lo, md);
  int top = INT_MIN;
  if (c != 0.0) top = exponent_of(c);
  if (a.hi != 0.0 && exponent_of(a.hi) + 2 * es + ed > top) top = exponent_of(a.hi) + 2 * es + ed;
  if (top == INT_MIN) { *e = 0; return dd_from(0.0); }
  int k = 2 * es + ed - top;
  double t[5] = { ldexp(c, -top), ldexp(a.hi, k), ldexp(a.lo, k), ldexp(b.hi, k), ldexp(b.lo, k) };
  *e = top;
  return sum_exact(t, 5);
}

int dmc_tweedie_mean(double x_t, double mu_t, double sigma_t, double score, double *mean)
{
  if (!mean) return DMC_EDOM;
  if (!isfinite(x_t) || !isfinite(score) || !isfinite(mu_t) || mu_t == 0.0 || !valid_scale(sigma_t))
    return nan_out(DMC_EDOM, mean);
  int es, em, e;
  double ms = frexp(sigma_t, &es), mm = frexp(mu_t, &em);
  dmc_dd sum = plus_sigma2_times(x_t, ms, es, score, &e);
  if (sum.hi == 0.0) { *mean = 0.0 / mu_t; return DMC_OK; }
  *mean = dd_ldexp(dd_div_d(sum, mm), e - em);
  return checked1(mean);
}

int dmc_tweedie_var(double mu_t, double sigma_t, double dscore, double *var)
{
  if (!var) return DMC_EDOM;
  if (!isfinite(dscore) || !isfinite(mu_t) || mu_t == 0.0 || !valid_scale(sigma_t))
    return nan_out(DMC_EDOM, var);
  int es, em, e;
  double ms = frexp(sigma_t, &es), mm = frexp(mu_t, &em);
  dmc_dd ratio = dd_div(dd_two_prod(ms, ms), dd_two_prod(mm, mm)); /* (ms/mm)^2 in (1/4, 4) */
  dmc_dd w = plus_sigma2_times(1.0, ms, es, dscore, &e);             /* 1 + sigma^2 dscore = w 2^e */
  if (w.hi < 0.0) return nan_out(DMC_EDOM, var);
  /* w < 2, ratio < 4: scale by 1/8 so the product cannot overflow before ldexp */
  *var = dd_ldexp(dd_mul(ratio, dd_scale(w, -3)), e + 3 + 2 * es - 2 * em);
  return checked1(var);
}

/* ---- Gaussian-mixture marginal ------------------------------------------ */

/* One component in scaled units (everything divided by 2^E, sigma' in [1/2, 1)). */
typedef struct {
  dmc_dd logit;    /* log w - log(v)/2 - d^2/(2v) */
  dmc_dd score;    /* -d / v, scaled units */
  dmc_dd mean;     /* (sigma^2 m + mu s^2 x)/v, original units */
  int live;        /* weight > 0 */
} component;

#define GMIX_RANGE 0x1p500

static int component_of(double x_t, double mu_t, double sigma_t, double w, double m, double s,
                        dmc_weights kind, int es, component *c)
{
  c->live = 0;
  if (kind == DMC_WEIGHTS_LOG ? (isnan(w) || w == INFINITY) : !(isfinite(w) && w >= 0.0)) return DMC_EDOM;
  if (!isfinite(m) || !isfinite(s) || !(s >= 0.0)) return DMC_EDOM;
  dmc_dd mum = dd_two_prod(mu_t, m), mus = dd_two_prod(mu_t, fabs(s));
  double lim = ldexp(GMIX_RANGE, es);
  if (!(fabs(mum.hi) <= lim) || !(fabs(mus.hi) <= lim)) return DMC_ERANGE;
  double sig = ldexp(sigma_t, -es);
  dmc_dd d = dd_sub(dd_from(ldexp(x_t, -es)), dd_scale(mum, -es)); /* (x - mu m)/2^E */
  dmc_dd ms = dd_scale(mus, -es);
  dmc_dd sig2 = dd_two_prod(sig, sig);
  dmc_dd v = dd_add(dd_mul(ms, ms), sig2);
  if (kind == DMC_WEIGHTS_LOG ? w == -INFINITY : w == 0.0) return DMC_OK;
  dmc_dd logw;
  if (kind == DMC_WEIGHTS_LOG) logw = dd_from(w);
  else { int ew; double mw = frexp(w, &ew); logw = dd_log_scaled(mw, ew); }
  dmc_dd quad = dd_mul_d(dd_div(dd_mul(d, d), v), 0.5);
  c->logit = dd_sub(dd_sub(logw, dd_mul_d(dd_log(v), 0.5)), quad);
  c->score = dd_neg(dd_div(d, v));
  /* A = sigma^2 / v and B = mu s^2 / v are scale free */
  dmc_dd a = dd_div(sig2, v), b = dd_mul_d(dd_div(ms, v), ldexp(fabs(s), -es));
  c->mean = dd_add(dd_mul_d(a, m), dd_mul_d(b, x_t));
  c->live = 1;
  return DMC_OK;
}

/* Shared driver: which = 0 score, 1 mean. */
static int gmix(double x_t, double mu_t, double sigma_t, size_t n, const double *w,
                const double *m, const double *s, dmc_weights kind, int which, double *out)
{
  if (!out) return DMC_EDOM;
  if (!w || !m || !s || n == 0 || n > DMC_N_MAX || !isfinite(x_t) || !isfinite(mu_t) || !valid_scale(sigma_t) ||
      (kind != DMC_WEIGHTS_LINEAR && kind != DMC_WEIGHTS_LOG))
    return nan_out(DMC_EDOM, out);
  int es;
  frexp(sigma_t, &es);
  if (!(fabs(x_t) <= ldexp(GMIX_RANGE, es))) { *out = NAN; return DMC_ERANGE; }
  component small[8];
  component *c = n <= 8 ? small : alloc_array(n, sizeof *c);
  if (!c) { *out = NAN; return DMC_ENOMEM; }
  int status = DMC_OK;
  size_t best = n;
  for (size_t k = 0; k < n && status == DMC_OK; k++) {
    status = component_of(x_t, mu_t, sigma_t, w[k], m[k], s[k], kind, es, &c[k]);
    if (status == DMC_OK && c[k].live && (best == n || c[k].logit.hi > c[best].logit.hi ||
        (c[k].logit.hi == c[best].logit.hi && c[k].logit.lo > c[best].logit.lo)))
      best = k;
  }
  if (status == DMC_OK && best == n) status = DMC_EDOM; /* no positive weight */
  if (status != DMC_OK) {
    *out = NAN;
    if (c != small) free(c);
    return status;
  }
  dmc_dd total = dd_from(0.0), acc = dd_from(0.0);
  for (size_t k = 0; k < n; k++) {
    if (!c[k].live) continue;
    dmc_dd diff = dd_sub(c[k].logit, c[best].logit);
    if (diff.hi < -760.0) continue; /* below 2^-1096 of the largest term */
    int e;
    dmc_dd r = dd_exp_scaled(diff, &e);
    r = dd_scale(r, e);
    total = dd_add(total, r);
    acc = dd_add(acc, dd_mul(r, which ? c[k].mean : c[k].score));
  }
  dmc_dd q = dd_div(acc, total);
  *out = which ? q.hi : dd_ldexp(q, -es);
  if (c != small) free(c);
  return checked1(out);
}

int dmc_gmix_score(double x_t, double mu_t, double sigma_t, size_t n, const double *w,
                   const double *m, const double *s, dmc_weights kind, double *score)
{
  return gmix(x_t, mu_t, sigma_t, n, w, m, s, kind, 0, score);
}

int dmc_gmix_mean(double x_t, double mu_t, double sigma_t, size_t n, const double *w,
                  const double *m, const double *s, dmc_weights kind, double *mean)
{
  return gmix(x_t, mu_t, sigma_t, n, w, m, s, kind, 1, mean);
}

/* ---- uniform prior -------------------------------------------------------- */

#define SQRT_HALF_PI 0x1.40d931ff62705p+0   /* sqrt(pi/2) */
#define SQRT_HALF 0x1.6a09e667f3bcdp-1     /* sqrt(1/2) */
#define INV_SQRT_2PI 0x1.9884533d43651p-2  /* 1/sqrt(2 pi) */

/* Mills ratio M(t) = Q(t)/phi(t) for t >= 0: the scaled erfc below 3 (the
 * rounding of t/sqrt 2 cancels between erfc and the exp), Laplace's
 * continued fraction above. */
static double mills(double t)
{
  if (t < 3.0) {
    double z = t * SQRT_HALF;
    dmc_dd z2 = dd_two_prod(z, z);
    return SQRT_HALF_PI * erfc(z) * exp(z2.hi) * (1.0 + z2.lo);
  }
  int terms = t < 4.0 ? 80 : t < 6.0 ? 40 : 24;
  double f = t;
  for (int k = terms; k >= 1; k--) f = t + k / f;
  return 1.0 / f;
}

/* Gauss-Legendre (16 points) of exp(-(alpha t + t^2/2)) over [0, w]
 * (shift = 0) or of exp(-t^2/2) over [alpha, alpha + w] (shift = 1); used only
 * where the exponent varies by at most 2 over the interval, where 16 points
 * reach ~1e-25. */
static int gl16(double alpha, double w, int shift, double *out)
{
  gsl_integration_glfixed_table *tab = gsl_integration_glfixed_table_alloc(16);
  if (!tab) return DMC_ENOMEM;
  double sum = 0.0;
  for (size_t i = 0; i < 16; i++) {
    double t, wt;
    gsl_integration_glfixed_point(0.0, w, i, &t, &wt, tab);
    double arg = shift ? (alpha + t) * (alpha + t) * 0.5 : t * (alpha + 0.5 * t);
    sum += wt * exp(-arg);
  }
  gsl_integration_glfixed_table_free(tab);
  *out = sum;
  return DMC_OK;
}

int dmc_unif_score(double x_t, double mu_t, double sigma_t, double a, double b, double *score)
{
  if (!score) return DMC_EDOM;
  if (!isfinite(x_t) || !isfinite(mu_t) || mu_t == 0.0 || !valid_scale(sigma_t) ||
      !isfinite(a) || !isfinite(b) || !(a < b))
    return nan_out(DMC_EDOM, score);
  dmc_dd lo = dd_two_prod(mu_t, a), hi = dd_two_prod(mu_t, b);
  if (mu_t < 0.0) { dmc_dd t = lo; lo = hi; hi = t; }
  dmc_dd up = dd_sub(dd_from(x_t), lo);   /* sigma beta */
  dmc_dd down = dd_sub(dd_from(x_t), hi); /* sigma alpha */
  dmc_dd width = dd_mul_d(dd_two_sum(b, -a), fabs(mu_t));
  if (!isfinite(lo.hi) || !isfinite(hi.hi) || !isfinite(up.hi) || !isfinite(down.hi) ||
      !isfinite(width.hi)) {
    *score = NAN;
    return DMC_ERANGE;
  }
  double sign = 1.0;
  dmc_dd mid2 = dd_add(up, down);        /* sigma (alpha + beta) */
  if (mid2.hi == 0.0) { *score = 0.0; return DMC_OK; } /* centre of the interval's image */
  if (mid2.hi < 0.0) {                    /* reflect so that beta >= |alpha| */
    dmc_dd t = up; up = dd_neg(down); down = dd_neg(t);
    mid2 = dd_neg(mid2);
    sign = -1.0;
  }
  dmc_dd alpha = dd_div_d(down, sigma_t);
  double beta = dd_div_d(up, sigma_t).hi;
  double w = dd_div_d(width, sigma_t).hi;
  /* D = (beta^2 - alpha^2)/2 = width (x - centre of the image) / sigma^2 >= 0, in dd */
  dmc_dd dd_d = dd_mul_d(dd_mul(dd_div_d(width, sigma_t), dd_div_d(mid2, sigma_t)), 0.5);
  double big_d = dd_d.hi;
  /* expm1(-D) with the low word of D: expm1(-hi - lo) = expm1(-hi) - e^-hi lo */
  double em1 = expm1(-big_d) - exp(-big_d) * dd_d.lo;
  if (alpha.hi > 0x1p27) {                /* Q(alpha)/phi(alpha) = 1/alpha to 2^-54 */
    *score = -sign * dd_ldexp(dd_div_d(dd_div_d(down, sigma_t), sigma_t), 0);
    return checked1(score);
  }
  double h;
  if (alpha.hi >= 0.0) {
    /* x_t beyond the interval's image: everything relative to phi(alpha) */
    if (big_d >= 2.0) {
      h = em1 / (mills(alpha.hi) - exp(-big_d) * mills(beta));
    } else {
      double integral;
      if (gl16(alpha.hi, w, 0, &integral) != DMC_OK) { *score = NAN; return DMC_ENOMEM; }
      h = em1 / integral;
    }
    *score = sign * h / sigma_t;
    return checked1(score);
  }
  /* alpha < 0 <= beta: numerator phi(alpha) expm1(-D), scaled to avoid underflow */
  if (alpha.hi < -64.0) { *score = -sign * 0.0; return DMC_OK; } /* below 2^-1074 for every sigma */
  double factor; /* expm1(-D) phi(alpha) / (Phi(beta) - Phi(alpha)) / exp(-alpha^2/2) */
  if (w >= 1.0) {
    factor = INV_SQRT_2PI * em1 / (1.0 - 0.5 * erfc(beta * SQRT_HALF) - 0.5 * erfc(-alpha.hi * SQRT_HALF));
  } else {
    double integral; /* the 1/sqrt(2 pi) of phi cancels */
    if (gl16(alpha.hi, w, 1, &integral) != DMC_OK) { *score = NAN; return DMC_ENOMEM; }
    factor = em1 / integral;
  }
  int es, k;
  double ms = frexp(sigma_t, &es);
  dmc_dd half_sq = dd_mul_d(dd_mul(alpha, alpha), -0.5);
  dmc_dd g = dd_exp_scaled(half_sq, &k);   /* exp(-alpha^2/2) = g 2^k */
  *score = sign * dd_ldexp(dd_div_d(dd_mul_d(g, factor), ms), k - es);
  return checked1(score);
}
