/* gauss.c -- D1: Gaussian log-density and score (claims gauss.*). */
#include "dmcheck.h"
#include "alloc.h"
#include "ddmath.h"
#include "outputs.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_permutation.h>
#include <gsl/gsl_vector.h>

/* a - b as m * 2^e, m a normalised dd with |m.hi| in [0.5, 1). Returns 0 when
 * a == b. Huge operands are pre-scaled by 1/4 so the difference cannot
 * overflow. */
static int scaled_difference(double a, double b, dmc_dd *m, int *e)
{
  int extra = 0;
  if (fabs(a) > 0x1p1020 || fabs(b) > 0x1p1020) { a *= 0.25; b *= 0.25; extra = 2; }
  dmc_dd d = dd_two_sum(a, -b);
  if (d.hi == 0.0) return 0;
  int ed;
  double mh = frexp(d.hi, &ed);
  m->hi = mh;
  m->lo = ldexp(d.lo, -ed);
  *e = ed + extra;
  return 1;
}

/* A double-double sum that lost more than this many bits to cancellation is
 * recomputed with pairs of binary128 numbers (logpdf_qdd). */
#define DMC_CANCEL_LIMIT 0x1p-40

/* (m^2 / den) / 2 * 2^k as a dd; den in [0.25, 1). Overflow gives +inf. */
static dmc_dd half_square_over(dmc_dd m, dmc_dd den, int k)
{
  dmc_dd q = dd_mul_d(dd_div(dd_mul(m, m), den), 0.5); /* in (1/8, 2) */
  dmc_dd r = { ldexp(q.hi, k), ldexp(q.lo, k) };
  if (isinf(r.hi)) r.lo = 0.0;
  return r;
}

/* -sum_i [ log(2 pi v_i)/2 + (x_i - mu_i)^2 / (2 v_i) ] with v_i = scale_i^2
 * if scale_is_sigma, else v_i = scale_i, in binary128 pairs, rounded once to
 * double. Arguments must already be validated (finite, scale > 0). */
static double logpdf_qdd(size_t n, const double *x, const double *mu,
                         const double *scale, int scale_is_sigma)
{
  dmc_qdd total = qdd_mul(qdd_half_log_2pi(), qdd_scalar((dmc_quad)n));
  for (size_t i = 0; i < n; i++) {
    dmc_quad s = scale[i];
    dmc_qdd v = scale_is_sigma ? qdd_scalar(s * s) : qdd_scalar(s); /* s*s is exact in binary128 */
    dmc_qdd d = qdd_two_sum(x[i], -(dmc_quad)mu[i]);                /* exact */
    dmc_qdd lv = qdd_log(scale[i]);
    if (scale_is_sigma) lv = qdd_add(lv, lv);
    total = qdd_add(total, qdd_mul(qdd_add(qdd_div(qdd_mul(d, d), v), lv), qdd_scalar(0.5)));
  }
  return -qdd_to_double(total);
}

static int valid_scale(double s) { return isfinite(s) && s > 0.0; }

const char *dmc_strerror(int status)
{
  switch (status) {
  case DMC_OK: return "success";
  case DMC_EDOM: return "argument outside the domain";
  case DMC_ENOMEM: return "out of memory";
  case DMC_ERANGE: return "result out of range";
  default: return "unknown status";
  }
}

int dmc_gauss_logpdf(double x, double mu, double sigma, double *logpdf)
{
  if (!logpdf) return DMC_EDOM;
  if (!isfinite(x) || !isfinite(mu) || !valid_scale(sigma)) return nan_out(DMC_EDOM, logpdf);
  int es;
  double ms = frexp(sigma, &es);
  dmc_dd half_log_2pi = { DMC_HALF_LOG_2PI_HI, DMC_HALF_LOG_2PI_LO };
  dmc_dd total = dd_add(dd_log_scaled(ms, es), half_log_2pi);
  double largest = fabs(total.hi);
  dmc_dd m;
  int ed;
  if (scaled_difference(x, mu, &m, &ed)) {
    dmc_dd quad = half_square_over(m, dd_two_prod(ms, ms), 2 * (ed - es));
    if (isinf(quad.hi)) { *logpdf = -INFINITY; return DMC_OK; }
    total = dd_add(quad, total);
    largest = fmax(largest, quad.hi);
  }
  *logpdf = fabs(total.hi) < DMC_CANCEL_LIMIT * largest
              ? logpdf_qdd(1, &x, &mu, &sigma, 1) : -total.hi;
  return checked1(logpdf);
}

int dmc_gauss_score(double x, double mu, double sigma, double *score)
{
  if (!score) return DMC_EDOM;
  if (!isfinite(x) || !isfinite(mu) || !valid_scale(sigma)) return nan_out(DMC_EDOM, score);
  dmc_dd m;
  int ed, es;
  if (!scaled_difference(mu, x, &m, &ed)) { *score = 0.0; return DMC_OK; }
  double ms = frexp(sigma, &es);
  dmc_dd q = dd_div_d(dd_div_d(m, ms), ms);
  *score = dd_ldexp(q, ed - 2 * es);
  return checked1(score);
}

static int finite_vector(size_t n, const double *v)
{
  if (!v) return 0;
  for (size_t i = 0; i < n; i++) if (!isfinite(v[i])) return 0;
  return 1;
}

int dmc_gauss_diag_logpdf(size_t n, const double *x, const double *mu,
                          const double *var, double *logpdf)
{
  if (!logpdf) return DMC_EDOM;
  if (n == 0 || n > DMC_N_MAX || !finite_vector(n, x) || !finite_vector(n, mu) || !var)
    return nan_out(DMC_EDOM, logpdf);
  for (size_t i = 0; i < n; i++) if (!valid_scale(var[i])) return nan_out(DMC_EDOM, logpdf);
  dmc_dd half_log_2pi = { DMC_HALF_LOG_2PI_HI, DMC_HALF_LOG_2PI_LO };
  dmc_dd total = dd_mul_d(half_log_2pi, (double)n);
  double largest = fabs(total.hi);
  for (size_t i = 0; i < n; i++) {
    int ev, ed;
    double mv = frexp(var[i], &ev);
    dmc_dd half_log = dd_mul_d(dd_log_scaled(mv, ev), 0.5);
    total = dd_add(total, half_log);
    largest = fmax(largest, fabs(half_log.hi));
    dmc_dd m;
    if (scaled_difference(x[i], mu[i], &m, &ed)) {
      dmc_dd quad = half_square_over(m, dd_from(mv), 2 * ed - ev);
      if (isinf(quad.hi)) { *logpdf = -INFINITY; return DMC_OK; }
      total = dd_add(total, quad);
      largest = fmax(largest, quad.hi);
    }
  }
  *logpdf = fabs(total.hi) < DMC_CANCEL_LIMIT * largest
              ? logpdf_qdd(n, x, mu, var, 0) : -total.hi;
  return checked1(logpdf);
}

int dmc_gauss_diag_score(size_t n, const double *x, const double *mu,
                         const double *var, double *score)
{
  if (!score) return DMC_EDOM;
  if (n == 0 || n > DMC_N_MAX || !finite_vector(n, x) || !finite_vector(n, mu) || !var) {
    nan_fill(n, score);
    return DMC_EDOM;
  }
  for (size_t i = 0; i < n; i++) if (!valid_scale(var[i])) { nan_fill(n, score); return DMC_EDOM; }
  for (size_t i = 0; i < n; i++) {
    dmc_dd m;
    int ed, ev;
    if (!scaled_difference(mu[i], x[i], &m, &ed)) { score[i] = 0.0; continue; }
    double mv = frexp(var[i], &ev);
    score[i] = dd_ldexp(dd_div_d(m, mv), ed - ev);
  }
  return checked_n(n, score);
}

/* Factorises cov with GSL's modified Cholesky, P cov P^T = L D L^T, and
 * solves cov y = mu - x with two steps of iterative refinement whose
 * residuals are formed in double-double, so y is accurate to about
 * cond(cov) 2^-104 before its final rounding. If logpdf is not NULL it also
 * receives the log-density: log det cov is sum log D_k plus the first-order
 * correction tr((L D L^T)^{-1} E), E = P cov P^T - L D L^T formed in
 * double-double, and the whole sum is rounded once. Returns DMC_EDOM if cov
 * is not symmetric, not finite, or needed a perturbation (not positive
 * definite). */
static int full_solve(size_t n, const double *x, const double *mu, const double *cov,
                      double *score, double *logpdf)
{
  if (n == 0 || n > DMC_N_MAX / n || !finite_vector(n, x) || !finite_vector(n, mu) ||
      !finite_vector(n * n, cov))
    return DMC_EDOM;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < i; j++)
      if (cov[i * n + j] != cov[j * n + i]) return DMC_EDOM;
  gsl_matrix *a = gsl_matrix_alloc(n, n);
  gsl_permutation *p = gsl_permutation_alloc(n);
  gsl_vector *e = gsl_vector_alloc(n), *r = gsl_vector_alloc(n), *delta = gsl_vector_alloc(n);
  dmc_dd *b = alloc_array(n, sizeof *b), *y = alloc_array(n, sizeof *y);
  double *z = alloc_array(n, sizeof *z);
  int status = DMC_ENOMEM;
  if (!a || !p || !e || !r || !delta || !b || !y || !z) goto done;
  memcpy(a->data, cov, n * n * sizeof *cov);
  status = DMC_EDOM;
  if (gsl_linalg_mcholesky_decomp(a, p, e) != GSL_SUCCESS || !gsl_vector_isnull(e)) goto done;
  for (size_t k = 0; k < n; k++)
    if (!(gsl_matrix_get(a, k, k) > 0.0)) goto done;
  /* mu - x is formed exactly; near the overflow threshold everything is
   * scaled by 2^-shift first (exact) and the results scaled back */
  int shift = 0;
  for (size_t i = 0; i < n; i++)
    if (fabs(mu[i]) > 0x1p1020 || fabs(x[i]) > 0x1p1020) shift = 2;
  for (size_t i = 0; i < n; i++) {
    b[i] = dd_two_sum(ldexp(mu[i], -shift), -ldexp(x[i], -shift));
    y[i] = dd_from(0.0);
  }
  for (int step = 0; step < 3; step++) { /* first pass solves, then two refinements */
    for (size_t i = 0; i < n; i++) {
      dmc_dd res = b[i];
      for (size_t j = 0; j < n; j++) res = dd_sub(res, dd_mul(dd_from(cov[i * n + j]), y[j]));
      gsl_vector_set(r, i, res.hi);
    }
    if (gsl_linalg_mcholesky_solve(a, p, r, delta) != GSL_SUCCESS) goto done;
    for (size_t i = 0; i < n; i++) y[i] = dd_add(y[i], dd_from(gsl_vector_get(delta, i)));
  }
  status = DMC_ERANGE; /* a solve or a log-density that overflowed */
  for (size_t i = 0; i < n; i++) if (isnan(y[i].hi)) goto done;
  if (score)
    for (size_t i = 0; i < n; i++) score[i] = ldexp(y[i].hi, shift);
  if (logpdf) {
    dmc_dd half_log_2pi = { DMC_HALF_LOG_2PI_HI, DMC_HALF_LOG_2PI_LO };
    dmc_dd total = dd_mul_d(half_log_2pi, (double)n);
    for (size_t i = 0; i < n; i++) {
      dmc_dd q = dd_mul_d(dd_mul(b[i], y[i]), 0.5);
      q.hi = ldexp(q.hi, 2 * shift);
      q.lo = ldexp(q.lo, 2 * shift);
      if (q.hi == INFINITY) { *logpdf = -INFINITY; status = DMC_OK; goto done; } /* overflow */
      total = dd_add(total, q);
    }
    double trace = 0.0;
    for (size_t col = 0; col < n; col++) {
      /* column col of E = P cov P^T - L D L^T, then z = (L D L^T)^{-1} E e_col */
      for (size_t i = 0; i < n; i++) {
        dmc_dd rebuilt = dd_from(0.0);
        for (size_t k = 0; k <= (i < col ? i : col); k++) {
          double lik = i == k ? 1.0 : gsl_matrix_get(a, i, k);
          double ljk = col == k ? 1.0 : gsl_matrix_get(a, col, k);
          rebuilt = dd_add(rebuilt, dd_mul_d(dd_two_prod(lik, gsl_matrix_get(a, k, k)), ljk));
        }
        double aij = cov[gsl_permutation_get(p, i) * n + gsl_permutation_get(p, col)];
        z[i] = dd_sub(dd_from(aij), rebuilt).hi;
      }
      for (size_t i = 0; i < n; i++)            /* L w = E e_col */
        for (size_t k = 0; k < i; k++) z[i] -= gsl_matrix_get(a, i, k) * z[k];
      for (size_t i = 0; i < n; i++) z[i] /= gsl_matrix_get(a, i, i);
      for (size_t i = n; i-- > 0;)             /* L^T z = D^{-1} w */
        for (size_t k = i + 1; k < n; k++) z[i] -= gsl_matrix_get(a, k, i) * z[k];
      trace += z[col];
    }
    for (size_t k = 0; k < n; k++) {
      int ek;
      double mk = frexp(gsl_matrix_get(a, k, k), &ek);
      total = dd_add(total, dd_mul_d(dd_log_scaled(mk, ek), 0.5));
    }
    total = dd_add(total, dd_from(0.5 * trace));
    if (isnan(total.hi)) goto done;
    *logpdf = -total.hi;
  }
  status = DMC_OK;
done:
  free(z); free(y); free(b);
  gsl_vector_free(delta); gsl_vector_free(r); gsl_vector_free(e);
  gsl_permutation_free(p); gsl_matrix_free(a);
  return status;
}

int dmc_gauss_full_score(size_t n, const double *x, const double *mu,
                         const double *cov, double *score)
{
  if (!score) return DMC_EDOM;
  int status = full_solve(n, x, mu, cov, score, NULL);
  if (status != DMC_OK) nan_fill(n > DMC_N_MAX / (n ? n : 1) ? SIZE_MAX : n, score);
  return status;
}

int dmc_gauss_full_logpdf(size_t n, const double *x, const double *mu,
                          const double *cov, double *logpdf)
{
  if (!logpdf) return DMC_EDOM;
  int status = full_solve(n, x, mu, cov, NULL, logpdf);
  if (status != DMC_OK) *logpdf = NAN;
  return status;
}
