/* dps.c -- MPFR references for D3 (src/dps.c): the exact and the DPS
 * likelihood scores of the linear-Gaussian inverse problem.
 * Scalar: closed forms in MPFR with a proved error bound (the only
 * cancellation is y - a xhat, whose four expanded terms are tracked).
 * Multivariate: the exact rational value (GMP, Gaussian elimination), rounded
 * once per component. */
#include "dmcref.h"

#include <gmp.h>
#include <math.h>
#include <stdlib.h>

/* ---- scalar ------------------------------------------------------------- */

typedef struct { double x, y, mu, sigma, m, s, a, sy; int which; } dps_ctx;
enum { DPS_EXACT, DPS_DPS, DPS_RATIO };

/* product of k doubles into r; returns nonzero if any step rounded */
static int prod_d(mpfr_t r, int k, const double *f)
{
  int inex = mpfr_set_d(r, f[0], MPFR_RNDN) != 0;
  for (int i = 1; i < k; i++) inex |= mpfr_mul_d(r, r, f[i], MPFR_RNDN) != 0;
  return inex;
}

/* Working at y's precision p, every product of doubles and every positive sum
 * is within 2^-p relative per operation. N = mu^2 s^2 y - a mu s^2 x_t +
 * sigma^2 y - a sigma^2 m = v (y - a xhat) has absolute error at most
 * 2^(5-p) max|T_i|, i.e. 2^(6 + c - p) relative with c the exponent excess of
 * the largest term over N; the remaining <= 12 operations add 12 2^-p. So
 * MPREF_SLACK (16) + c bounds the loss. */
static long scalar_eval(mpfr_t out, const void *vctx)
{
  const dps_ctx *c = vctx;
  mpfr_prec_t p = mpfr_get_prec(out);
  mpfr_t t[4], n, v, rv, num, den, w;
  for (int i = 0; i < 4; i++) mpfr_init2(t[i], p);
  mpfr_inits2(p, n, v, rv, num, den, w, (mpfr_ptr)0);
  int inex = 0;
  /* v = mu^2 s^2 + sigma^2, rv = sigma_y^2 v, w = a^2 sigma^2 s^2 */
  inex |= prod_d(v, 4, (double[]){ c->mu, c->mu, c->s, c->s });
  inex |= prod_d(w, 2, (double[]){ c->sigma, c->sigma });
  inex |= mpfr_add(v, v, w, MPFR_RNDN) != 0;
  inex |= prod_d(rv, 2, (double[]){ c->sy, c->sy });
  inex |= mpfr_mul(rv, rv, v, MPFR_RNDN) != 0;
  inex |= prod_d(w, 6, (double[]){ c->a, c->a, c->sigma, c->sigma, c->s, c->s });
  long loss = MPREF_EXACT;
  if (c->which == DPS_RATIO) {
    inex |= mpfr_add(w, w, rv, MPFR_RNDN) != 0;
    inex |= mpfr_div(out, rv, w, MPFR_RNDN) != 0;
    if (inex) loss = MPREF_SLACK;
  } else {
    inex |= prod_d(t[0], 5, (double[]){ c->mu, c->mu, c->s, c->s, c->y });
    inex |= prod_d(t[1], 5, (double[]){ -c->a, c->mu, c->s, c->s, c->x });
    inex |= prod_d(t[2], 3, (double[]){ c->sigma, c->sigma, c->y });
    inex |= prod_d(t[3], 4, (double[]){ -c->a, c->sigma, c->sigma, c->m });
    mpfr_exp_t big = mpref_exp_of(t[0]);
    for (int i = 1; i < 4; i++) if (mpref_exp_of(t[i]) > big) big = mpref_exp_of(t[i]);
    inex |= mpfr_add(n, t[0], t[1], MPFR_RNDN) != 0;
    inex |= mpfr_add(n, n, t[2], MPFR_RNDN) != 0;
    inex |= mpfr_add(n, n, t[3], MPFR_RNDN) != 0;
    if (mpfr_zero_p(n) && !inex) {
      mpfr_set_zero(out, 1);                  /* exactly zero residual */
    } else {
      inex |= prod_d(num, 4, (double[]){ c->mu, c->s, c->s, c->a });
      inex |= mpfr_mul(num, num, n, MPFR_RNDN) != 0;
      if (c->which == DPS_EXACT) {            /* v (sigma_y^2 v + a^2 sigma^2 s^2) */
        inex |= mpfr_add(den, rv, w, MPFR_RNDN) != 0;
        inex |= mpfr_mul(den, den, v, MPFR_RNDN) != 0;
      } else {                                /* sigma_y^2 v^2 */
        inex |= mpfr_mul(den, rv, v, MPFR_RNDN) != 0;
      }
      inex |= mpfr_div(out, num, den, MPFR_RNDN) != 0;
      if (inex) loss = MPREF_SLACK + mpref_bits_lost(n, big);   /* a zero n: PREC_MAX, precision rises */
    }
  }
  for (int i = 0; i < 4; i++) mpfr_clear(t[i]);
  mpfr_clears(n, v, rv, num, den, w, (mpfr_ptr)0);
  return loss;
}

static int scalar_ok(const dps_ctx *c)
{
  return isfinite(c->x) && isfinite(c->y) && isfinite(c->mu) && c->mu != 0.0 && isfinite(c->sigma) &&
         c->sigma >= 0.0 && isfinite(c->m) && isfinite(c->s) && c->s > 0.0 && isfinite(c->a) &&
         isfinite(c->sy) && c->sy > 0.0;
}

static int scalar_round(dps_ctx c, double *out)
{
  if (!out) return MPREF_EDOM;
  if (!scalar_ok(&c)) { *out = NAN; return MPREF_EDOM; }
  return mpref_round(scalar_eval, &c, out, NULL);
}

int ref_dps_score_exact(double x_t, double y, double mu_t, double sigma_t, double m, double s, double a,
                        double sigma_y, double *out)
{
  return scalar_round((dps_ctx){ x_t, y, mu_t, sigma_t, m, s, a, sigma_y, DPS_EXACT }, out);
}

int ref_dps_score_dps(double x_t, double y, double mu_t, double sigma_t, double m, double s, double a,
                      double sigma_y, double *out)
{
  return scalar_round((dps_ctx){ x_t, y, mu_t, sigma_t, m, s, a, sigma_y, DPS_DPS }, out);
}

int ref_dps_ratio(double mu_t, double sigma_t, double s, double a, double sigma_y, double *out)
{
  return scalar_round((dps_ctx){ 0, 0, mu_t, sigma_t, 0, s, a, sigma_y, DPS_RATIO }, out);
}

/* ---- multivariate: exact rationals ---------------------------------------- */

/* Solves M X = B in place by Gaussian elimination with pivoting on nonzero
 * entries: M is n x n, B is n x cols (both row-major, destroyed; X left in B).
 * Returns 0 if M is singular. */
static int q_solve(size_t n, mpq_t *M, size_t cols, mpq_t *B)
{
  mpq_t f, t;
  mpq_inits(f, t, NULL);
  int ok = 1;
  for (size_t c = 0; c < n && ok; c++) {
    size_t piv = c;
    while (piv < n && mpq_sgn(M[piv * n + c]) == 0) piv++;
    if (piv == n) { ok = 0; break; }
    if (piv != c) {
      for (size_t j = 0; j < n; j++) mpq_swap(M[piv * n + j], M[c * n + j]);
      for (size_t j = 0; j < cols; j++) mpq_swap(B[piv * cols + j], B[c * cols + j]);
    }
    for (size_t r = c + 1; r < n; r++) {
      if (mpq_sgn(M[r * n + c]) == 0) continue;
      mpq_div(f, M[r * n + c], M[c * n + c]);
      for (size_t j = c; j < n; j++) { mpq_mul(t, f, M[c * n + j]); mpq_sub(M[r * n + j], M[r * n + j], t); }
      for (size_t j = 0; j < cols; j++) { mpq_mul(t, f, B[c * cols + j]); mpq_sub(B[r * cols + j], B[r * cols + j], t); }
    }
  }
  for (size_t c = n; c-- > 0 && ok;)
    for (size_t j = 0; j < cols; j++) {
      for (size_t k = c + 1; k < n; k++) { mpq_mul(t, M[c * n + k], B[k * cols + j]); mpq_sub(B[c * cols + j], B[c * cols + j], t); }
      mpq_div(B[c * cols + j], B[c * cols + j], M[c * n + c]);
    }
  mpq_clears(f, t, NULL);
  return ok;
}

static mpq_t *q_alloc(size_t n)
{
  mpq_t *v = malloc(n * sizeof *v);
  if (v) for (size_t i = 0; i < n; i++) mpq_init(v[i]);
  return v;
}
static void q_free(mpq_t *v, size_t n)
{
  if (!v) return;
  for (size_t i = 0; i < n; i++) mpq_clear(v[i]);
  free(v);
}

/* Positive definite: every leading pivot of the elimination is positive
 * (symmetric input), checked on a copy. -1 if out of memory. */
static int q_spd(size_t n, const double *a)
{
  mpq_t *M = q_alloc(n * n), f, t;
  if (!M) return -1;
  mpq_inits(f, t, NULL);
  for (size_t i = 0; i < n * n; i++) mpq_set_d(M[i], a[i]);
  int ok = 1;
  for (size_t c = 0; c < n && ok; c++) {
    if (mpq_sgn(M[c * n + c]) <= 0) { ok = 0; break; }
    for (size_t r = c + 1; r < n; r++) {
      mpq_div(f, M[r * n + c], M[c * n + c]);
      for (size_t j = c; j < n; j++) { mpq_mul(t, f, M[c * n + j]); mpq_sub(M[r * n + j], M[r * n + j], t); }
    }
  }
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < i; j++)
      if (a[i * n + j] != a[j * n + i]) ok = 0;
  mpq_clears(f, t, NULL);
  q_free(M, n * n);
  return ok;
}

typedef struct { size_t n; const mpq_t *v; } qvec_ctx;

static long qvec_eval(mpfr_t *y, size_t n, const void *vctx)
{
  const qvec_ctx *c = vctx;
  int inex = 0;
  for (size_t i = 0; i < n; i++) inex |= mpfr_set_q(y[i], c->v[i], MPFR_RNDN) != 0;
  return inex ? 1 : MPREF_EXACT;
}

static int finite_n(size_t n, const double *v)
{
  for (size_t i = 0; i < n; i++) if (!isfinite(v[i])) return 0;
  return 1;
}

static int mv_ref(size_t n, size_t k, const double *x_t, const double *y, double mu, double sigma,
                  const double *m, const double *S, const double *A, const double *R, int exact, double *out)
{
  if (!out) return MPREF_EDOM;
  for (size_t i = 0; i < n && i < MPREF_MAX_VEC; i++) out[i] = NAN;
  if (n == 0 || k == 0 || n > MPREF_MAX_VEC || k > MPREF_MAX_VEC || !x_t || !y || !m || !S || !A || !R ||
      !isfinite(mu) || mu == 0.0 || !isfinite(sigma) || !(sigma >= 0.0) || !finite_n(n, x_t) || !finite_n(k, y) ||
      !finite_n(n, m) || !finite_n(n * n, S) || !finite_n(k * n, A) || !finite_n(k * k, R))
    return MPREF_EDOM;
  int spd_s = q_spd(n, S), spd_r = q_spd(k, R);
  if (spd_s < 0 || spd_r < 0) return MPREF_ENOMEM;
  if (!spd_s || !spd_r) return MPREF_EDOM;
  size_t nn = n * n, w = n + 1;
  mpq_t *V = q_alloc(nn), *B = q_alloc(n * w), *G = q_alloc(k * k), *r = q_alloc(k), *g = q_alloc(n),
        *sc = q_alloc(n), *xh = q_alloc(n);
  mpq_t t, qmu, q2;
  mpq_inits(t, qmu, q2, NULL);
  int st = MPREF_ENOMEM;
  if (!V || !B || !G || !r || !g || !sc || !xh) goto done;
  st = MPREF_EDOM;
  mpq_set_d(qmu, mu);
  mpq_set_d(q2, sigma);
  mpq_mul(q2, q2, q2);
  /* V = mu^2 S + sigma^2 I; B = [S | x_t - mu m] -> [V^{-1} S | V^{-1}(x_t - mu m)] */
  for (size_t i = 0; i < n; i++) {
    for (size_t j = 0; j < n; j++) {
      mpq_set_d(B[i * w + j], S[i * n + j]);
      mpq_mul(V[i * n + j], B[i * w + j], qmu);
      mpq_mul(V[i * n + j], V[i * n + j], qmu);
      if (i == j) mpq_add(V[i * n + j], V[i * n + j], q2);
    }
    mpq_set_d(t, m[i]);
    mpq_mul(t, t, qmu);
    mpq_set_d(B[i * w + n], x_t[i]);
    mpq_sub(B[i * w + n], B[i * w + n], t);
  }
  if (!q_solve(n, V, w, B)) goto done;
  /* xhat = m + mu S (V^{-1}(x_t - mu m)) */
  for (size_t i = 0; i < n; i++) {
    mpq_set_d(xh[i], m[i]);
    for (size_t j = 0; j < n; j++) {
      mpq_set_d(t, S[i * n + j]);
      mpq_mul(t, t, B[j * w + n]);
      mpq_mul(t, t, qmu);
      mpq_add(xh[i], xh[i], t);
    }
  }
  /* r = y - A xhat; G = R + sigma^2 A (V^{-1} S) A^T (exact) or R */
  for (size_t a = 0; a < k; a++) {
    mpq_set_d(r[a], y[a]);
    for (size_t j = 0; j < n; j++) { mpq_set_d(t, A[a * n + j]); mpq_mul(t, t, xh[j]); mpq_sub(r[a], r[a], t); }
    for (size_t b = 0; b < k; b++) {
      mpq_set_d(G[a * k + b], R[a * k + b]);
      if (!exact) continue;
      for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
          mpq_set_d(t, A[a * n + i]);
          mpq_mul(t, t, B[i * w + j]);
          mpq_mul(t, t, q2);
          mpq_t u;
          mpq_init(u);
          mpq_set_d(u, A[b * n + j]);
          mpq_mul(t, t, u);
          mpq_clear(u);
          mpq_add(G[a * k + b], G[a * k + b], t);
        }
    }
  }
  if (!q_solve(k, G, 1, r)) goto done;
  /* g = A^T z; score = J^T g = mu (V^{-1} S) g  (V^{-1} S = (S V^{-1})^T) */
  for (size_t j = 0; j < n; j++) {
    mpq_set_ui(g[j], 0, 1);
    for (size_t a = 0; a < k; a++) { mpq_set_d(t, A[a * n + j]); mpq_mul(t, t, r[a]); mpq_add(g[j], g[j], t); }
  }
  for (size_t i = 0; i < n; i++) {
    mpq_set_ui(sc[i], 0, 1);
    for (size_t j = 0; j < n; j++) { mpq_mul(t, B[i * w + j], g[j]); mpq_add(sc[i], sc[i], t); }
    mpq_mul(sc[i], sc[i], qmu);
  }
  qvec_ctx c = { n, (const mpq_t *)sc };
  st = mpref_round_vec(qvec_eval, &c, n, out);
done:
  if (st) for (size_t i = 0; i < n; i++) out[i] = NAN;
  mpq_clears(t, qmu, q2, NULL);
  q_free(V, nn); q_free(B, n * w); q_free(G, k * k); q_free(r, k); q_free(g, n); q_free(sc, n); q_free(xh, n);
  return st;
}

int ref_dps_score_exact_mv(size_t n, size_t k, const double *x_t, const double *y, double mu_t, double sigma_t,
                           const double *m, const double *S, const double *A, const double *R, double *out)
{
  return mv_ref(n, k, x_t, y, mu_t, sigma_t, m, S, A, R, 1, out);
}

int ref_dps_score_dps_mv(size_t n, size_t k, const double *x_t, const double *y, double mu_t, double sigma_t,
                         const double *m, const double *S, const double *A, const double *R, double *out)
{
  return mv_ref(n, k, x_t, y, mu_t, sigma_t, m, S, A, R, 0, out);
}
