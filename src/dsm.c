/* dsm.c -- D4: linear denoising score matching (claims dsm.*).
 * Data x ~ N(mu, sigma^2), noise eps ~ N(0, sigma_eps^2), x~ = x + eps,
 * DSM target g = grad_x~ log q(x~|x) = -eps/sigma_eps^2, model s(x~) = w x~ + b. */
#include "dmcheck.h"
#include "ddmath.h"
#include "outputs.h"

#include <math.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_randist.h>

static int valid_scale(double s) { return isfinite(s) && s > 0.0; }

int dmc_dsm_linear_optimum(double mu, double sigma, double sigma_eps, double *w, double *b)
{
  if (!w || !b) return nan_out2(DMC_EDOM, w, b);
  if (!isfinite(mu) || !valid_scale(sigma) || !valid_scale(sigma_eps)) return nan_out2(DMC_EDOM, w, b);
  /* v = sigma^2 + sigma_eps^2 = 2^(2e) v', with both scales brought below 1
   * by the same power of two so v' lies in [1/4, 2) and nothing under- or
   * overflows before the single final rounding */
  int e;
  frexp(fmax(sigma, sigma_eps), &e);
  double s = ldexp(sigma, -e), se = ldexp(sigma_eps, -e);
  dmc_dd v = dd_add(dd_two_prod(s, s), dd_two_prod(se, se));
  *w = dd_ldexp(dd_div(dd_from(-1.0), v), -2 * e);
  if (mu == 0.0) { *b = 0.0; return checked2(w, b); }
  int em;
  double mm = frexp(mu, &em);
  *b = dd_ldexp(dd_div(dd_from(mm), v), em - 2 * e);
  return checked2(w, b);
}

static int loss_args_ok(double mu, double sigma, double sigma_eps, double w, double b)
{
  return isfinite(mu) && valid_scale(sigma) && valid_scale(sigma_eps) && isfinite(w) && isfinite(b);
}

/* 1 + w (a + c) for exact dd values a, c. Every product is split exactly
 * and the leading ones are added to the 1 error-free first, so when
 * w (a + c) is close to -1 the cancellation is exact and the small
 * remainder keeps its relative accuracy. */
static dmc_dd one_plus_w_times(double w, dmc_dd a, dmc_dd c)
{
  dmc_dd pa = dd_two_prod(w, a.hi), pc = dd_two_prod(w, c.hi);
  dmc_dd s = dd_two_sum(pa.hi, pc.hi);
  dmc_dd t = dd_two_sum(s.hi, 1.0);
  dmc_dd tail = dd_add(dd_two_sum(pa.lo, pc.lo), dd_from(s.lo));
  tail = dd_add(tail, dd_add(dd_two_prod(w, a.lo), dd_two_prod(w, c.lo)));
  return dd_add(t, tail);
}

/* (w mu + b)^2 in double-double: the product is exact and the accurate dd
 * sum keeps its relative accuracy under cancellation */
static dmc_dd mean_sq(double mu, double w, double b)
{
  dmc_dd m = dd_add(dd_two_prod(w, mu), dd_from(b));
  return dd_mul(m, m);
}

int dmc_dsm_loss(double mu, double sigma, double sigma_eps, double w, double b, double *loss)
{
  if (!loss) return DMC_EDOM;
  if (!loss_args_ok(mu, sigma, sigma_eps, w, b)) return nan_out(DMC_EDOM, loss);
  /* E(w x~ + b + eps/se^2)^2 = (w mu + b)^2 + w^2 sigma^2 + (w se^2 + 1)^2 / se^2 */
  dmc_dd ws = dd_two_prod(w, sigma);
  dmc_dd se2 = dd_two_prod(sigma_eps, sigma_eps);
  dmc_dd u = one_plus_w_times(w, se2, dd_from(0.0));
  dmc_dd total = dd_add(mean_sq(mu, w, b), dd_mul(ws, ws));
  total = dd_add(total, dd_div(dd_mul(u, u), se2));
  *loss = isnan(total.hi) ? INFINITY : total.hi; /* a sum of squares that overflowed */
  return DMC_OK;
}

int dmc_esm_loss(double mu, double sigma, double sigma_eps, double w, double b, double *loss)
{
  if (!loss) return DMC_EDOM;
  if (!loss_args_ok(mu, sigma, sigma_eps, w, b)) return nan_out(DMC_EDOM, loss);
  /* E(w x~ + b - (mu - x~)/v)^2 over x~ ~ N(mu, v) = (w mu + b)^2 + (w v + 1)^2 / v */
  dmc_dd s2 = dd_two_prod(sigma, sigma), se2 = dd_two_prod(sigma_eps, sigma_eps);
  dmc_dd v = dd_add(s2, se2);
  dmc_dd u = one_plus_w_times(w, s2, se2);
  dmc_dd total = dd_add(mean_sq(mu, w, b), dd_div(dd_mul(u, u), v));
  *loss = isnan(total.hi) ? INFINITY : total.hi; /* a sum of squares that overflowed */
  return DMC_OK;
}

int dmc_dsm_loss_constant(double sigma, double sigma_eps, double *c)
{
  if (!c) return DMC_EDOM;
  if (!valid_scale(sigma) || !valid_scale(sigma_eps)) return nan_out(DMC_EDOM, c);
  /* C = 1/se^2 - 1/v = sigma^2/(se^2 v). With r = min/max of the two scales
   * and t = r^2: C = 1/(se^2 (1+t)) if sigma >= se, t/(se^2 (1+t)) otherwise.
   * Exponents are split off so that no intermediate under- or overflows. */
  int ks, ke;
  double ms = frexp(sigma, &ks), me = frexp(sigma_eps, &ke);
  int data_larger = sigma >= sigma_eps;
  dmc_dd q = data_larger ? dd_div(dd_from(me), dd_from(ms)) : dd_div(dd_from(ms), dd_from(me));
  int d = data_larger ? ke - ks : ks - ke;          /* r = q 2^d, d <= 1 */
  dmc_dd q2 = dd_mul(q, q);
  dmc_dd t = { ldexp(q2.hi, 2 * d), ldexp(q2.lo, 2 * d) };
  dmc_dd den = dd_mul(dd_two_prod(me, me), dd_add(dd_from(1.0), t));
  if (data_larger)
    *c = dd_ldexp(dd_div(dd_from(1.0), den), -2 * ke);
  else
    *c = dd_ldexp(dd_div(q2, den), 2 * d - 2 * ke);
  return checked1(c);
}

int dmc_dsm_sample(double mu, double sigma, double sigma_eps, size_t n, gsl_rng *r,
                   double *xt, double *target)
{
  if (!xt || !target || !r || n > DMC_N_MAX || !isfinite(mu) || !valid_scale(sigma) ||
      !valid_scale(sigma_eps)) {
    nan_fill(n, xt);
    nan_fill(n, target);
    return DMC_EDOM;
  }
  double se2 = sigma_eps * sigma_eps;
  for (size_t i = 0; i < n; i++) {
    double x = mu + gsl_ran_gaussian_ziggurat(r, sigma);
    double eps = gsl_ran_gaussian_ziggurat(r, sigma_eps);
    xt[i] = x + eps;
    target[i] = -eps / se2;
  }
  if (checked_n(n, xt) != DMC_OK || checked_n(n, target) != DMC_OK) {
    nan_fill(n, xt);
    nan_fill(n, target);
    return DMC_ERANGE;
  }
  return DMC_OK;
}

static void mc_nan(dmc_dsm_mc *out)
{
  out->dsm = out->dsm_se = out->esm = out->esm_se = out->diff = out->diff_se = NAN;
}

/* Welford running mean and sum of squared deviations */
typedef struct { double mean, m2; } running;
static void run_add(running *a, double v, double k)
{
  double d = v - a->mean;
  a->mean += d / k;
  a->m2 += d * (v - a->mean);
}
static double run_se(const running *a, double n) { return sqrt(a->m2 / (n - 1) / n); }

int dmc_dsm_loss_mc(double mu, double sigma, double sigma_eps, double w, double b,
                    size_t n, gsl_rng *r, dmc_dsm_mc *out)
{
  if (!out) return DMC_EDOM;
  if (!r || n < 2 || n > DMC_N_MAX || !loss_args_ok(mu, sigma, sigma_eps, w, b)) {
    mc_nan(out);
    return DMC_EDOM;
  }
  double se2 = sigma_eps * sigma_eps, v = sigma * sigma + se2;
  running dsm = { 0, 0 }, esm = { 0, 0 }, diff = { 0, 0 };
  for (size_t i = 0; i < n; i++) {
    double x = mu + gsl_ran_gaussian_ziggurat(r, sigma);
    double eps = gsl_ran_gaussian_ziggurat(r, sigma_eps);
    double xt = x + eps, s = w * xt + b;
    double rd = s + eps / se2, re = s - (mu - xt) / v;
    double k = (double)(i + 1);
    run_add(&dsm, rd * rd, k);
    run_add(&esm, re * re, k);
    run_add(&diff, rd * rd - re * re, k);
  }
  double dn = (double)n;
  out->dsm = dsm.mean; out->dsm_se = run_se(&dsm, dn);
  out->esm = esm.mean; out->esm_se = run_se(&esm, dn);
  out->diff = diff.mean; out->diff_se = run_se(&diff, dn);
  double all[6] = { out->dsm, out->dsm_se, out->esm, out->esm_se, out->diff, out->diff_se };
  if (checked_n(6, all) != DMC_OK) { mc_nan(out); return DMC_ERANGE; }
  return DMC_OK;
}

int dmc_dsm_linear_fit(size_t n, const double *xt, const double *target, double *w, double *b)
{
  if (!w || !b) return nan_out2(DMC_EDOM, w, b);
  if (n < 3 || n > DMC_N_MAX || !xt || !target) return nan_out2(DMC_EDOM, w, b);
  for (size_t i = 0; i < n; i++)
    if (!isfinite(xt[i]) || !isfinite(target[i])) return nan_out2(DMC_EDOM, w, b);
  double c0, c1, cov00, cov01, cov11, sumsq;
  gsl_fit_linear(xt, 1, target, 1, n, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
  if (!isfinite(c0) || !isfinite(c1)) return nan_out2(DMC_EDOM, w, b); /* constant x~: no unique fit */
  *w = c1;
  *b = c0;
  return checked2(w, b);
}

int dmc_dsm_sgd(double mu, double sigma, double sigma_eps, double eta, size_t iters,
                gsl_rng *r, double *w, double *b)
{
  if (!w || !b) return nan_out2(DMC_EDOM, w, b);
  if (!r || iters < 2 || iters > DMC_N_MAX || !(eta > 0.0) || !isfinite(eta) || !isfinite(mu) || !valid_scale(sigma) ||
      !valid_scale(sigma_eps))
    return nan_out2(DMC_EDOM, w, b);
  double se2 = sigma_eps * sigma_eps, tw = 0.0, tb = 0.0, sw = 0.0, sb = 0.0;
  size_t burn = iters / 2;
  for (size_t k = 0; k < iters; k++) {
    double x = mu + gsl_ran_gaussian_ziggurat(r, sigma);
    double eps = gsl_ran_gaussian_ziggurat(r, sigma_eps);
    double xt = x + eps, resid = tw * xt + tb + eps / se2; /* s(x~) - g */
    tw -= 2.0 * eta * resid * xt;
    tb -= 2.0 * eta * resid;
    if (!isfinite(tw) || !isfinite(tb)) return nan_out2(DMC_ERANGE, w, b); /* step too large */
    if (k >= burn) { sw += tw; sb += tb; }
  }
  *w = sw / (double)(iters - burn);
  *b = sb / (double)(iters - burn);
  return checked2(w, b);
}
