/* gauss.c -- D1: Gaussian log-density and score (claims gauss.*). */
#include "dmcheck.h"
#include "dd.h"
#include "ldd.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
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
 * recomputed with ~128-bit long-double pairs (see ldd.h). */
#define DMC_CANCEL_LIMIT 0x1p-40

/* (m^2 / den) / 2 * 2^k as a dd; den in [0.25, 1). Overflow gives +inf. */
static dmc_dd half_square_over(dmc_dd m, dmc_dd den, int k)
{
  dmc_dd q = dd_mul_d(dd_div(dd_mul(m, m), den), 0.5); /* in (1/8, 2) */
  dmc_dd r = { ldexp(q.hi, k), ldexp(q.lo, k) };
  if (isinf(r.hi)) r.lo = 0.0;
  return r;
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
  if (!isfinite(x) || !isfinite(mu) || !valid_scale(sigma)) { *logpdf = NAN; return DMC_EDOM; }
  int es;
  double ms = frexp(sigma, &es);
  dmc_dd half_log_2pi = { DMC_HALF_LOG_2PI_HI, DMC_HALF_LOG_2PI_LO };
  dmc_dd total = dd_add(dmc_dd_log_scaled(ms, es), half_log_2pi);
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
              ? dmc_gauss_logpdf_ldd(1, &x, &mu, &sigma, 1) : -total.hi;
  return DMC_OK;
}

int dmc_gauss_score(double x, double mu, double sigma, double *score)
{
  if (!score) return DMC_EDOM;
  if (!isfinite(x) || !isfinite(mu) || !valid_scale(sigma)) { *score = NAN; return DMC_EDOM; }
  dmc_dd m;
  int ed, es;
  if (!scaled_difference(mu, x, &m, &ed)) { *score = 0.0; return DMC_OK; }
  double ms = frexp(sigma, &es);
  dmc_dd q = dd_div_d(dd_div_d(m, ms), ms);
  *score = dmc_dd_ldexp(q, ed - 2 * es);
  return DMC_OK;
}

static int fill_nan(size_t n, double *out)
{
  if (out) for (size_t i = 0; i < n; i++) out[i] = NAN;
  return DMC_EDOM;
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
  if (n == 0 || !finite_vector(n, x) || !finite_vector(n, mu) || !var) return fill_nan(1, logpdf);
  for (size_t i = 0; i < n; i++) if (!valid_scale(var[i])) return fill_nan(1, logpdf);
  dmc_dd half_log_2pi = { DMC_HALF_LOG_2PI_HI, DMC_HALF_LOG_2PI_LO };
  dmc_dd total = dd_mul_d(half_log_2pi, (double)n);
  double largest = fabs(total.hi);
  for (size_t i = 0; i < n; i++) {
    int ev, ed;
    double mv = frexp(var[i], &ev);
    dmc_dd half_log = dd_mul_d(dmc_dd_log_scaled(mv, ev), 0.5);
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
              ? dmc_gauss_logpdf_ldd(n, x, mu, var, 0) : -total.hi;
  return DMC_OK;
}

int dmc_gauss_diag_score(size_t n, const double *x, const double *mu,
                         const double *var, double *score)
{
  if (!score) return DMC_EDOM;
  if (n == 0 || !finite_vector(n, x) || !finite_vector(n, mu) || !var) return fill_nan(n, score);
  for (size_t i = 0; i < n; i++) if (!valid_scale(var[i])) return fill_nan(n, score);
  for (size_t i = 0; i < n; i++) {
    dmc_dd m;
    int ed, ev;
    if (!scaled_difference(mu[i], x[i], &m, &ed)) { score[i] = 0.0; continue; }
    double mv = frexp(var[i], &ev);
    score[i] = dmc_dd_ldexp(dd_div_d(m, mv), ed - ev);
  }
  return DMC_OK;
}

/* Factorises cov with GSL's modified Cholesky and solves cov y = mu - x.
 * On success *logdet = log det cov. Returns DMC_EDOM if cov is not
 * symmetric, not finite, or needed a perturbation (not positive definite). */
static int full_solve(size_t n, const double *x, const double *mu, const double *cov,
                      double *y, double *logdet)
{
  if (n == 0 || !finite_vector(n, x) || !finite_vector(n, mu) || !finite_vector(n * n, cov))
    return DMC_EDOM;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < i; j++)
      if (cov[i * n + j] != cov[j * n + i]) return DMC_EDOM;
  gsl_matrix *a = gsl_matrix_alloc(n, n);
  gsl_permutation *p = gsl_permutation_alloc(n);
  gsl_vector *e = gsl_vector_alloc(n), *b = gsl_vector_alloc(n), *sol = gsl_vector_alloc(n);
  int status = DMC_ENOMEM;
  if (a && p && e && b && sol) {
    for (size_t i = 0; i < n * n; i++) a->data[i] = cov[i];
    for (size_t i = 0; i < n; i++) gsl_vector_set(b, i, mu[i] - x[i]);
    status = DMC_EDOM;
    if (gsl_linalg_mcholesky_decomp(a, p, e) == GSL_SUCCESS && gsl_vector_isnull(e)) {
      double ld = 0.0;
      int positive = 1;
      for (size_t i = 0; i < n; i++) {
        double dii = gsl_matrix_get(a, i, i);
        if (!(dii > 0.0)) positive = 0; else ld += log(dii);
      }
      if (positive && gsl_linalg_mcholesky_solve(a, p, b, sol) == GSL_SUCCESS) {
        for (size_t i = 0; i < n; i++) y[i] = gsl_vector_get(sol, i);
        if (logdet) *logdet = ld;
        status = DMC_OK;
      }
    }
  }
  gsl_vector_free(sol); gsl_vector_free(b); gsl_vector_free(e);
  gsl_permutation_free(p); gsl_matrix_free(a);
  return status;
}

int dmc_gauss_full_score(size_t n, const double *x, const double *mu,
                         const double *cov, double *score)
{
  if (!score) return DMC_EDOM;
  int status = full_solve(n, x, mu, cov, score, NULL);
  if (status != DMC_OK) fill_nan(n, score);
  return status;
}

int dmc_gauss_full_logpdf(size_t n, const double *x, const double *mu,
                          const double *cov, double *logpdf)
{
  if (!logpdf) return DMC_EDOM;
  double *y = n ? malloc(n * sizeof *y) : NULL;
  if (n && !y) { *logpdf = NAN; return DMC_ENOMEM; }
  double logdet = 0.0;
  int status = full_solve(n, x, mu, cov, y, &logdet);
  if (status == DMC_OK) {
    double quad = 0.0;
    for (size_t i = 0; i < n; i++) quad += (mu[i] - x[i]) * y[i];
    *logpdf = -0.5 * (quad + logdet) - (double)n * DMC_HALF_LOG_2PI_HI;
  } else {
    *logpdf = NAN;
  }
  free(y);
  return status;
}
