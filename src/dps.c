/* dps.c -- D3: the exact and the DPS likelihood scores of the linear-Gaussian
 * inverse problem (claims dps.*). Prior x_0 ~ N(m, S), forward x_t = mu x_0 +
 * sigma eps, observation y = A x_0 + N(0, R). With V = mu^2 S + sigma^2 I:
 *   xhat = m + mu S V^{-1}(x_t - mu m), J = d xhat/d x_t = mu S V^{-1},
 *   C = Cov[x_0 | x_t] = sigma^2 S V^{-1},
 *   exact = J^T A^T (R + A C A^T)^{-1} (y - A xhat),
 *   dps   = J^T A^T R^{-1} (y - A xhat). */
#include "dmcheck.h"
#include "alloc.h"
#include "ddmath.h"
#include "outputs.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_linalg.h>

/* ---- scalar: binary128 pairs ---------------------------------------------- */

/* Products of two doubles are exact in binary128 (106 <= 113 bits), and its
 * exponent range holds every intermediate product of up to nine doubles, so
 * nothing here overflows or underflows before the final rounding. */
static dmc_qdd qd(double a) { return qdd_scalar((dmc_quad)a); }
static dmc_qdd qdd_prod(double a, double b) { return qdd_scalar((dmc_quad)a * (dmc_quad)b); }
static dmc_qdd qdd_diff(dmc_qdd a, dmc_qdd b) { b.hi = -b.hi; b.lo = -b.lo; return qdd_add(a, b); }

static int scalar_args_ok(double x_t, double y, double mu_t, double sigma_t, double m, double s, double a,
                          double sigma_y)
{
  return isfinite(x_t) && isfinite(y) && isfinite(mu_t) && mu_t != 0.0 && isfinite(sigma_t) && sigma_t >= 0.0 &&
         isfinite(m) && isfinite(s) && s > 0.0 && isfinite(a) && isfinite(sigma_y) && sigma_y > 0.0;
}

/* Numerator mu s^2 a N with N = mu s^2 (mu y - a x_t) + sigma^2 (y - a m)
 * (= v (y - a xhat)), and v = mu^2 s^2 + sigma^2, sigma^2 s^2, r = sigma_y^2. */
typedef struct { dmc_qdd num, v, q_s2, r; } scalar_terms;

static scalar_terms scalar_common(double x_t, double y, double mu, double sigma, double m, double s, double a,
                                  double sigma_y)
{
  scalar_terms t;
  dmc_qdd s2 = qdd_prod(s, s), q = qdd_prod(sigma, sigma);
  dmc_qdd mu_s2 = qdd_mul(qd(mu), s2);
  dmc_qdd u = qdd_diff(qdd_prod(mu, y), qdd_prod(a, x_t));      /* exact */
  dmc_qdd w = qdd_diff(qd(y), qdd_prod(a, m));                  /* exact */
  dmc_qdd n = qdd_add(qdd_mul(mu_s2, u), qdd_mul(q, w));
  t.num = qdd_mul(qdd_mul(mu_s2, qd(a)), n);
  t.v = qdd_add(qdd_mul(mu_s2, qd(mu)), q);
  t.q_s2 = qdd_mul(q, s2);
  t.r = qdd_prod(sigma_y, sigma_y);
  return t;
}

int dmc_dps_score_exact(double x_t, double y, double mu_t, double sigma_t, double m, double s, double a,
                        double sigma_y, double *score)
{
  if (!score || !scalar_args_ok(x_t, y, mu_t, sigma_t, m, s, a, sigma_y)) return nan_out(DMC_EDOM, score);
  scalar_terms t = scalar_common(x_t, y, mu_t, sigma_t, m, s, a, sigma_y);
  /* v (r + a^2 c) = r v + a^2 sigma^2 s^2: a sum of non-negative terms */
  dmc_qdd den = qdd_mul(t.v, qdd_add(qdd_mul(t.r, t.v), qdd_mul(qdd_prod(a, a), t.q_s2)));
  *score = qdd_to_double(qdd_div(t.num, den));
  return checked1(score);
}

int dmc_dps_score_dps(double x_t, double y, double mu_t, double sigma_t, double m, double s, double a,
                      double sigma_y, double *score)
{
  if (!score || !scalar_args_ok(x_t, y, mu_t, sigma_t, m, s, a, sigma_y)) return nan_out(DMC_EDOM, score);
  scalar_terms t = scalar_common(x_t, y, mu_t, sigma_t, m, s, a, sigma_y);
  *score = qdd_to_double(qdd_div(t.num, qdd_mul(t.r, qdd_mul(t.v, t.v))));
  return checked1(score);
}

int dmc_dps_ratio(double mu_t, double sigma_t, double s, double a, double sigma_y, double *ratio)
{
  if (!ratio || !scalar_args_ok(0.0, 0.0, mu_t, sigma_t, 0.0, s, a, sigma_y)) return nan_out(DMC_EDOM, ratio);
  scalar_terms t = scalar_common(0.0, 0.0, mu_t, sigma_t, 0.0, s, a, sigma_y);
  dmc_qdd rv = qdd_mul(t.r, t.v);
  *ratio = qdd_to_double(qdd_div(rv, qdd_add(rv, qdd_mul(qdd_prod(a, a), t.q_s2))));
  return checked1(ratio);
}

/* ---- multivariate: GSL Cholesky, refined in double-double ----------------- */

typedef struct {
  size_t n;
  const dmc_dd *a;     /* the matrix, n x n row-major, in double-double */
  gsl_matrix *f;       /* modified Cholesky factor of a's high words times 2^-scale */
  int scale;           /* exponent of a's largest diagonal entry: GSL's perturbation thresholds are absolute */
  gsl_permutation *p;
  gsl_vector *r, *d;   /* scratch */
  double rcond;        /* GSL's estimate of 1/cond_1(a) */
} spd;

static int spd_factor(spd *s, size_t n, const dmc_dd *a)
{
  s->n = n;
  s->a = a;
  s->f = gsl_matrix_alloc(n, n);
  s->p = gsl_permutation_alloc(n);
  s->r = gsl_vector_alloc(n);
  s->d = gsl_vector_alloc(n);
  if (!s->f || !s->p || !s->r || !s->d) return DMC_ENOMEM;
  for (size_t i = 0; i < n * n; i++)
    if (!isfinite(a[i].hi)) return DMC_ERANGE; /* the inputs are finite: an intermediate overflowed */
  double big = 0.0;
  for (size_t i = 0; i < n; i++) big = fmax(big, fabs(a[i * n + i].hi));
  if (!(big > 0.0)) return DMC_EDOM;
  frexp(big, &s->scale);
  for (size_t i = 0; i < n * n; i++) s->f->data[i] = ldexp(a[i].hi, -s->scale);
  if (gsl_linalg_mcholesky_decomp(s->f, s->p, s->d) != GSL_SUCCESS || !gsl_vector_isnull(s->d)) return DMC_EDOM;
  for (size_t k = 0; k < n; k++)
    if (!(gsl_matrix_get(s->f, k, k) > 0.0)) return DMC_EDOM;
  gsl_vector *work = gsl_vector_alloc(3 * n);
  if (!work) return DMC_ENOMEM;
  if (gsl_linalg_mcholesky_rcond(s->f, s->p, &s->rcond, work) != GSL_SUCCESS) s->rcond = 0.0;
  gsl_vector_free(work);
  return DMC_OK;
}

static void spd_free(spd *s)
{
  if (s->f) gsl_matrix_free(s->f);
  if (s->p) gsl_permutation_free(s->p);
  if (s->r) gsl_vector_free(s->r);
  if (s->d) gsl_vector_free(s->d);
}

/* x = a^{-1} b: a GSL solve and two refinements with double-double residuals,
 * so x is accurate to about cond(a) 2^-104. */
static int spd_solve(spd *s, const dmc_dd *b, dmc_dd *x)
{
  size_t n = s->n;
  for (size_t i = 0; i < n; i++) x[i] = dd_from(0.0);
  for (int step = 0; step < 3; step++) {
    for (size_t i = 0; i < n; i++) {
      dmc_dd res = b[i];
      for (size_t j = 0; j < n; j++) res = dd_sub(res, dd_mul(s->a[i * n + j], x[j]));
      gsl_vector_set(s->r, i, res.hi);
    }
    if (gsl_linalg_mcholesky_solve(s->f, s->p, s->r, s->d) != GSL_SUCCESS) return DMC_EDOM;
    for (size_t i = 0; i < n; i++) x[i] = dd_add(x[i], dd_from(ldexp(gsl_vector_get(s->d, i), -s->scale)));
  }
  return DMC_OK;
}

static int finite_all(size_t n, const double *v)
{
  for (size_t i = 0; i < n; i++)
    if (!isfinite(v[i])) return 0;
  return 1;
}

static int symmetric(size_t n, const double *a)
{
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < i; j++)
      if (a[i * n + j] != a[j * n + i]) return 0;
  return 1;
}

/* y = M x for M rows x cols row-major (doubles), x in dd; transpose reads M^T. */
static void matvec(size_t rows, size_t cols, const double *M, int transpose, const dmc_dd *x, dmc_dd *y)
{
  for (size_t i = 0; i < rows; i++) {
    dmc_dd acc = dd_from(0.0);
    for (size_t j = 0; j < cols; j++)
      acc = dd_add(acc, dd_mul_d(x[j], transpose ? M[j * rows + i] : M[i * cols + j]));
    y[i] = acc;
  }
}

/* Exact score in the precision form, for when Gamma = R + A C A^T is too
 * ill-conditioned to factor (tiny R with k > n): by A^T Gamma^{-1} =
 * (I + A^T R^{-1} A C)^{-1} A^T R^{-1} and J^T = (mu/sigma^2) C,
 *   exact = mu (sigma^2 S^{-1} + mu^2 I + sigma^2 A^T R^{-1} A)^{-1} A^T R^{-1} (y - A xhat).
 * g holds A^T R^{-1} (y - A xhat); u receives the solution (before the factor mu)
 * and rcond the reciprocal condition number of the matrix solved. */
static int precision_form(size_t n, size_t k, const double *A, double mu, double sigma, spd *fs, spd *fr,
                          const dmc_dd *g, dmc_dd *u, double *rcond)
{
  dmc_dd *K = alloc_array(n * n, sizeof *K), *RA = alloc_array(k * n, sizeof *RA),
         *col = alloc_array(n > k ? n : k, sizeof *col), *sol = alloc_array(n > k ? n : k, sizeof *sol);
  spd fk = { 0 };
  int st = DMC_ENOMEM;
  if (!K || !RA || !col || !sol) goto done;
  dmc_dd mu2 = dd_two_prod(mu, mu), s2 = dd_two_prod(sigma, sigma);
  for (size_t j = 0; j < n; j++) {            /* RA = R^{-1} A, column by column */
    for (size_t a = 0; a < k; a++) col[a] = dd_from(A[a * n + j]);
    if ((st = spd_solve(fr, col, sol)) != DMC_OK) goto done;
    for (size_t a = 0; a < k; a++) RA[a * n + j] = sol[a];
  }
  for (size_t j = 0; j < n; j++) {            /* K = sigma^2 S^{-1} + mu^2 I + sigma^2 A^T R^{-1} A */
    for (size_t i = 0; i < n; i++) col[i] = dd_from(i == j);
    if ((st = spd_solve(fs, col, sol)) != DMC_OK) goto done;
    for (size_t i = 0; i < n; i++) {
      dmc_dd h = dd_from(0.0);
      for (size_t a = 0; a < k; a++) h = dd_add(h, dd_mul_d(RA[a * n + j], A[a * n + i]));
      K[i * n + j] = dd_mul(s2, dd_add(sol[i], h));
      if (i == j) K[i * n + j] = dd_add(K[i * n + j], mu2);
    }
  }
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < i; j++) K[i * n + j] = K[j * n + i] = dd_mul_d(dd_add(K[i * n + j], K[j * n + i]), 0.5);
  if ((st = spd_factor(&fk, n, K)) != DMC_OK) goto done;
  *rcond = fk.rcond;
  st = spd_solve(&fk, g, u);
done:
  spd_free(&fk);
  free(K); free(RA); free(col); free(sol);
  return st;
}

static int mv_score(size_t n, size_t k, const double *x_t, const double *y, double mu, double sigma,
                    const double *m, const double *S, const double *A, const double *R, int exact, double *score)
{
  if (!score) return DMC_EDOM;
  nan_fill(n, score);                      /* nothing for n > DMC_N_MAX */
  if (n == 0 || k == 0 || n > DMC_N_MAX / n || k > DMC_N_MAX / k || n > DMC_N_MAX / k)
    return DMC_EDOM;
  if (!x_t || !y || !m || !S || !A || !R || !isfinite(mu) || mu == 0.0 || !isfinite(sigma) || !(sigma >= 0.0) ||
      !finite_all(n, x_t) || !finite_all(k, y) || !finite_all(n, m) || !finite_all(n * n, S) ||
      !finite_all(k * n, A) || !finite_all(k * k, R) || !symmetric(n, S) || !symmetric(k, R))
    return DMC_EDOM;
  size_t big = n > k ? n : k;
  dmc_dd *Sd = alloc_array(n * n, sizeof *Sd), *Vd = alloc_array(n * n, sizeof *Vd),
         *Rd = alloc_array(k * k, sizeof *Rd), *Gd = alloc_array(k * k, sizeof *Gd),
         *Z = alloc_array(n * n, sizeof *Z), *u = alloc_array(big, sizeof *u), *w = alloc_array(big, sizeof *w),
         *xh = alloc_array(n, sizeof *xh), *res = alloc_array(k, sizeof *res);
  spd fs = { 0 }, fv = { 0 }, fr = { 0 }, fg = { 0 };
  int st = DMC_ENOMEM;
  if (!Sd || !Vd || !Rd || !Gd || !Z || !u || !w || !xh || !res) goto done;
  dmc_dd mu2 = dd_two_prod(mu, mu), s2 = dd_two_prod(sigma, sigma);
  for (size_t i = 0; i < n * n; i++) {
    Sd[i] = dd_from(S[i]);
    Vd[i] = dd_mul_d(mu2, S[i]);
    if (i % (n + 1) == 0) Vd[i] = dd_add(Vd[i], s2);
  }
  for (size_t i = 0; i < k * k; i++) Rd[i] = dd_from(R[i]);
  if ((st = spd_factor(&fs, n, Sd)) != DMC_OK) goto done;   /* the model needs S and R positive definite */
  if ((st = spd_factor(&fr, k, Rd)) != DMC_OK) goto done;
  if ((st = spd_factor(&fv, n, Vd)) != DMC_OK) goto done;
  /* xhat = m + mu S V^{-1} (x_t - mu m) */
  for (size_t i = 0; i < n; i++) u[i] = dd_add(dd_from(x_t[i]), dd_neg(dd_two_prod(mu, m[i])));
  if ((st = spd_solve(&fv, u, w)) != DMC_OK) goto done;
  matvec(n, n, S, 0, w, u);
  for (size_t i = 0; i < n; i++) xh[i] = dd_add(dd_from(m[i]), dd_mul_d(u[i], mu));
  /* residual y - A xhat */
  matvec(k, n, A, 0, xh, u);
  for (size_t i = 0; i < k; i++) res[i] = dd_sub(dd_from(y[i]), u[i]);
  int gamma_form = 0;
  if (exact) {
    /* Gamma = R + A C A^T with C = sigma^2 V^{-1} S */
    for (size_t j = 0; j < n; j++) {          /* column j of Z = V^{-1} S */
      for (size_t i = 0; i < n; i++) u[i] = Sd[i * n + j];
      if ((st = spd_solve(&fv, u, w)) != DMC_OK) goto done;
      for (size_t i = 0; i < n; i++) Z[i * n + j] = w[i];
    }
    for (size_t i = 0; i < n; i++)            /* C = sigma^2 (Z + Z^T)/2: symmetric, as V^{-1} S is */
      for (size_t j = 0; j <= i; j++) {
        dmc_dd c = dd_mul(s2, dd_mul_d(dd_add(Z[i * n + j], Z[j * n + i]), 0.5));
        Z[i * n + j] = Z[j * n + i] = c;
      }
    for (size_t a = 0; a < k; a++)
      for (size_t b = 0; b <= a; b++) {
        dmc_dd acc = Rd[a * k + b];
        for (size_t i = 0; i < n; i++) {
          dmc_dd ci = dd_from(0.0);
          for (size_t j = 0; j < n; j++) ci = dd_add(ci, dd_mul_d(Z[i * n + j], A[b * n + j]));
          acc = dd_add(acc, dd_mul_d(ci, A[a * n + i]));
        }
        Gd[a * k + b] = Gd[b * k + a] = acc;
      }
    st = spd_factor(&fg, k, Gd);
    if (st == DMC_ENOMEM) goto done;
    gamma_form = st == DMC_OK;
    if (!gamma_form && !(sigma > 0.0)) goto done;
  }
  int precision = 0;
  if (exact && sigma > 0.0 && (!gamma_form || fg.rcond < 0x1p-20)) {
    /* Gamma is ill-conditioned (e.g. tiny R with k > n): try the precision form,
     * and keep whichever matrix is better conditioned */
    if ((st = spd_solve(&fr, res, w)) != DMC_OK) goto done;
    matvec(n, k, A, 1, w, u);
    double rc = 0.0;
    st = precision_form(n, k, A, mu, sigma, &fs, &fr, u, xh, &rc);
    if (st == DMC_ENOMEM) goto done;
    precision = st == DMC_OK && (!gamma_form || rc > fg.rcond);
    if (!precision && !gamma_form) goto done;
  }
  if (precision) {
    for (size_t i = 0; i < n; i++) w[i] = xh[i];
  } else {                                    /* J^T g = mu V^{-1} S g with g = A^T Gamma^{-1} r (Gamma = R for DPS) */
    if ((st = spd_solve(gamma_form ? &fg : &fr, res, w)) != DMC_OK) goto done;
    matvec(n, k, A, 1, w, u);
    matvec(n, n, S, 0, u, w);
    if ((st = spd_solve(&fv, w, u)) != DMC_OK) goto done;
    for (size_t i = 0; i < n; i++) w[i] = u[i];
  }
  for (size_t i = 0; i < n; i++) score[i] = dd_mul_d(w[i], mu).hi;
  st = checked_n(n, score);                /* an intermediate that overflowed */
done:
  if (st != DMC_OK) nan_fill(n, score);
  spd_free(&fs);
  spd_free(&fv);
  spd_free(&fr);
  spd_free(&fg);
  free(Sd); free(Vd); free(Rd); free(Gd); free(Z); free(u); free(w); free(xh); free(res);
  return st;
}

int dmc_dps_score_exact_mv(size_t n, size_t k, const double *x_t, const double *y, double mu_t, double sigma_t,
                           const double *m, const double *S, const double *A, const double *R, double *score)
{
  return mv_score(n, k, x_t, y, mu_t, sigma_t, m, S, A, R, 1, score);
}

int dmc_dps_score_dps_mv(size_t n, size_t k, const double *x_t, const double *y, double mu_t, double sigma_t,
                         const double *m, const double *S, const double *A, const double *R, double *score)
{
  return mv_score(n, k, x_t, y, mu_t, sigma_t, m, S, A, R, 0, score);
}
