/* gauss.c -- MPFR references for D1 (src/gauss.c). */
#include "dmcref.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct {
  size_t n;
  const double *x, *mu, *scale; /* scale: sigma (1-D) or variances (diag) */
  const double *cov;
  size_t index;                 /* output component for vector results */
  int variance;                 /* scale holds variances, not sigma */
} gauss_ctx;

static int bad_scale(double s) { return !isfinite(s) || !(s > 0.0); }

/* Bits of m >= 1: 2^bitlen(m) > m. */
static long bitlen(unsigned long m) { long b = 0; while (m) { b++; m >>= 1; } return b; }

/* Guard bits for the logs of the log-density, from a binary64 estimate
 * (libm): the cancellation of the largest log against the result, when it
 * exceeds 3 bits (below that, 1-limb logs and a loss of a few bits are
 * cheaper). They only make the first attempt likely to succeed; the bound
 * in logpdf_eval is what proves the result. */
static long logpdf_guard(const gauss_ctx *c)
{
  double logs = 0, quads = 0, maxl = 0;
  for (size_t i = 0; i < c->n; i++) {
    double diff = c->x[i] - c->mu[i], l, q;
    if (c->variance) {
      l = log(6.283185307179586 * c->scale[i]);
      q = diff * (diff / c->scale[i]);
    } else {
      double z = diff / c->scale[i];
      l = 2 * log(c->scale[i]) + 1.8378770664093453;     /* log(2 pi sigma^2) */
      q = z * z;
    }
    if (!isfinite(l) || !isfinite(q)) return 16;
    logs += l;
    quads += q;
    if (fabs(l) > maxl) maxl = fabs(l);
  }
  double y = (logs + quads) / 2;
  if (!(fabs(y) > 0)) return 64;
  if (!(maxl > 0)) return 0;
  int gap = ilogb(maxl) - ilogb(y);
  return gap > 3 ? gap + 2 : 0;
}

/* -(sum_i log(2 pi v_i) + sum_i (x_i - mu_i)^2 / v_i) / 2
 * Error (p = PREC(y); everything but the logs at W = 2p bits, the logs at w
 * = p + G, G guard bits for the cancellation of the logs against the result;
 * every operation rounds to nearest, relative error <= 2^-W at W bits, and
 * (1 + 2^-W)^k/(1 - 2^-W)^j - 1 <= 1.01 (k + j) 2^-W for (k + j) < 2^50):
 *   q_i = d_i^2 / v_i from d_i = x_i - mu_i, its square, v_i (sigma_i^2 or
 *     the given variance) and the quotient: 5 roundings, relative error
 *     <= 5.05 2^-W; Q = sum q_i adds n - 1 roundings of positive partial
 *     sums: |Q~ - Q| <= (n + 4.05) 1.01 2^-W Q.
 *   l_i = log(2 pi v_i): 2 pi (pi rounded, times 2 exact), v_i and the
 *     product at W bits: argument relative error <= 3.03 2^-W, hence <=
 *     3.05 2^-W absolute in the log; the log rounds to w bits: <=
 *     2^(EXP(l~_i) - w - 1). Their sum L at W bits adds n - 1 roundings,
 *     each <= 2^-W S, S = sum_i |l_i| (<= 1.01 S~, S~ the rounded-up sum).
 *   y = -(L~ + Q~)/2 rounded to p bits: <= 2^(EXP(y) - p - 1).
 * With M = 2^EM >= max(Q~, S~, 1) and EL = max_i EXP(l~_i): |y - exact| <=
 * n 2^(EL - w - 2) + (3.05 n + n + (n + 4.05) 1.01) 1.02 2^-W M / 2 +
 * 2^(EXP(y) - p - 1) <= 2^(EL - w - 2 + clog2(n)) + 2^(EM - W + bitlen(3n +
 * 3)) + 2^(EXP(y) - p - 1), clog2(n) = bitlen(n - 1) the ceiling of log2 n. */
static long logpdf_eval(mpfr_t y, const void *vctx)
{
  const gauss_ctx *c = vctx;
  mpfr_prec_t p = mpfr_get_prec(y), W = 2 * p, w = p + logpdf_guard(c);
  MPREF_LOCAL(d, W);
  MPREF_LOCAL(q, W);
  MPREF_LOCAL(l, w);
  MPREF_LOCAL(logs, W);
  MPREF_LOCAL(quads, W);
  MPREF_LOCAL(twopi, W);
  MPREF_LOCAL(mag, W);
  mpfr_exp_t el = mpfr_get_emin();
  mpfr_const_pi(twopi, MPFR_RNDN);
  mpfr_mul_2ui(twopi, twopi, 1, MPFR_RNDN);
  for (size_t i = 0; i < c->n; i++) {
    mpfr_set_d(q, c->scale[i], MPFR_RNDN);
    if (!c->variance) mpfr_sqr(q, q, MPFR_RNDN);      /* variance */
    mpfr_set_d(d, c->x[i], MPFR_RNDN);
    mpfr_sub_d(d, d, c->mu[i], MPFR_RNDN);
    mpfr_sqr(d, d, MPFR_RNDN);
    mpfr_div(d, d, q, MPFR_RNDN);
    mpfr_add(quads, quads, d, MPFR_RNDN);
    mpfr_mul(q, q, twopi, MPFR_RNDN);
    mpfr_log(l, q, MPFR_RNDN);
    mpfr_add(logs, logs, l, MPFR_RNDN);
    if (mpfr_regular_p(l) && mpfr_get_exp(l) > el) el = mpfr_get_exp(l);
    if (mpfr_sgn(l) > 0) mpfr_add(mag, mag, l, MPFR_RNDU);
    else mpfr_sub(mag, mag, l, MPFR_RNDU);
  }
  mpfr_add(y, logs, quads, MPFR_RNDN);
  mpfr_div_2ui(y, y, 1, MPFR_RNDN);
  mpfr_neg(y, y, MPFR_RNDN);
  if (mpfr_zero_p(y)) return MPREF_PREC_MAX;   /* no relative bound: a precision above the cancellation decides */
  mpfr_exp_t em = 1;
  if (mpfr_regular_p(quads) && mpfr_get_exp(quads) > em) em = mpfr_get_exp(quads);
  if (mpfr_regular_p(mag) && mpfr_get_exp(mag) > em) em = mpfr_get_exp(mag);
  mpfr_exp_t terms[3] = { el - (long)w - 2 + bitlen(c->n - 1), em - (long)W + bitlen(3 * (unsigned long)c->n + 3),
                          mpfr_get_exp(y) - (long)p - 1 };
  return mpref_loss_of(y, terms, 3);
}

/* (mu_i - x_i) / v_i
 * Error (p = PREC(y)): mu - x and sigma^2 (for the 1-D score) are formed at
 * 2p bits (sigma^2 exactly, 2p >= 106; mu - x exactly unless its exponent
 * span exceeds 2p), each with relative error <= 2^-2p; the quotient rounds
 * once to p bits. So |y - exact| <= 2^(EXP(y) - p - 1) + 2.01 2^-2p 2^EXP(y)
 * <= 2^(EXP(y) - p - 1) + 2^(EXP(y) - 2p + 2): mpref_loss_of gives 0 for p
 * >= 8. A quotient with no rounding anywhere is reported exact (can_round
 * cannot certify a representable value). */
static long score_eval(mpfr_t y, const void *vctx)
{
  const gauss_ctx *c = vctx;
  size_t i = c->index;
  if (c->x[i] == c->mu[i]) { mpfr_set_zero(y, 1); return MPREF_EXACT; }
  mpfr_prec_t p = mpfr_get_prec(y);
  MPREF_LOCAL(v, 2 * p);
  MPREF_LOCAL(n, 2 * p);
  int inexact = mpfr_set_d(v, c->scale[i], MPFR_RNDN) != 0;
  if (!c->variance) inexact |= mpfr_sqr(v, v, MPFR_RNDN) != 0;
  inexact |= mpfr_set_d(n, c->mu[i], MPFR_RNDN) != 0;
  inexact |= mpfr_sub_d(n, n, c->x[i], MPFR_RNDN) != 0;
  inexact |= mpfr_div(y, n, v, MPFR_RNDN) != 0;
  if (!inexact) return MPREF_EXACT;
  mpfr_exp_t terms[2] = { mpfr_get_exp(y) - (long)p - 1, mpfr_get_exp(y) - 2 * (long)p + 2 };
  return mpref_loss_of(y, terms, 2);
}

int ref_gauss_logpdf(double x, double mu, double sigma, double *out)
{
  if (!isfinite(x) || !isfinite(mu) || bad_scale(sigma)) { *out = NAN; return 1; }
  gauss_ctx c = { 1, &x, &mu, &sigma, NULL, 0, 0 };
  return mpref_round_proved(logpdf_eval, &c, out, NULL);
}

int ref_gauss_score(double x, double mu, double sigma, double *out)
{
  if (!isfinite(x) || !isfinite(mu) || bad_scale(sigma)) { *out = NAN; return 1; }
  gauss_ctx c = { 1, &x, &mu, &sigma, NULL, 0, 0 };
  return mpref_round_proved(score_eval, &c, out, NULL);
}

static int bad_vectors(size_t n, const double *x, const double *mu, const double *var)
{
  if (n == 0) return 1;
  for (size_t i = 0; i < n; i++)
    if (!isfinite(x[i]) || !isfinite(mu[i]) || (var && bad_scale(var[i]))) return 1;
  return 0;
}

int ref_gauss_diag_logpdf(size_t n, const double *x, const double *mu,
                          const double *var, double *out)
{
  if (bad_vectors(n, x, mu, var)) { *out = NAN; return 1; }
  gauss_ctx c = { n, x, mu, var, NULL, 0, 1 };
  return mpref_round_proved(logpdf_eval, &c, out, NULL);
}

int ref_gauss_diag_score(size_t n, const double *x, const double *mu,
                         const double *var, double *out)
{
  if (bad_vectors(n, x, mu, var)) { for (size_t i = 0; i < n; i++) out[i] = NAN; return 1; }
  int worst = 0;
  for (size_t i = 0; i < n; i++) {
    gauss_ctx c = { n, x, mu, var, NULL, i, 1 };
    int s = mpref_round_proved(score_eval, &c, &out[i], NULL);
    if (s > worst) worst = s;
  }
  return worst;
}

/* Full covariance: Cholesky Sigma = L L^T in MPFR, then all n components of
 * y = Sigma^{-1}(mu-x) (index < n) or the log-density (index == n). A non-positive pivot is a
 * domain error.
 * Error: the factorisation and the two triangular solves lose about
 * log2 cond(Sigma) bits; they run 64 bits above y, which covers cond < 2^64
 * (the tests use cond <= 100), and 8n bits cover the O(n^2) roundings. The
 * log-density adds the cancellation of n log(2 pi)/2 + quad/2 against log det/2. */
static long full_eval(mpfr_t *y, size_t m, const void *vctx)
{
  const gauss_ctx *c = vctx;
  size_t n = c->n;
  (void)m;
  mpfr_prec_t p = mpfr_get_prec(y[0]) + 64;
  if (n > SIZE_MAX / sizeof(mpfr_t) / n) return MPREF_NOMEM;
  mpfr_t *L = malloc(n * n * sizeof *L), *b = malloc(n * sizeof *b), t, logdet, quad;
  if (!L || !b) { free(L); free(b); return MPREF_NOMEM; }
  for (size_t i = 0; i < n * n; i++) mpfr_init2(L[i], p);
  for (size_t i = 0; i < n; i++) mpfr_init2(b[i], p);
  mpfr_inits2(p, t, logdet, quad, (mpfr_ptr)0);
  long result = MPREF_SLACK + 8 * (long)n;
  for (size_t j = 0; j < n && result >= 0; j++) {
    for (size_t i = j; i < n; i++) {
      mpfr_set_d(t, c->cov[i * n + j], MPFR_RNDN);
      for (size_t k = 0; k < j; k++) {
        mpfr_mul(quad, L[i * n + k], L[j * n + k], MPFR_RNDN);
        mpfr_sub(t, t, quad, MPFR_RNDN);
      }
      if (i == j) {
        if (mpfr_sgn(t) <= 0) { result = MPREF_DOMAIN; break; }
        mpfr_sqrt(L[j * n + j], t, MPFR_RNDN);
      } else {
        mpfr_div(L[i * n + j], t, L[j * n + j], MPFR_RNDN);
      }
    }
  }
  if (result >= 0) {
    /* forward solve L u = mu - x, then back solve L^T v = u */
    for (size_t i = 0; i < n; i++) {
      mpfr_set_d(b[i], c->mu[i], MPFR_RNDN);
      mpfr_sub_d(b[i], b[i], c->x[i], MPFR_RNDN);
      for (size_t k = 0; k < i; k++) {
        mpfr_mul(t, L[i * n + k], b[k], MPFR_RNDN);
        mpfr_sub(b[i], b[i], t, MPFR_RNDN);
      }
      mpfr_div(b[i], b[i], L[i * n + i], MPFR_RNDN);
    }
    if (c->index == n) {
      mpfr_set_zero(quad, 1);
      mpfr_set_zero(logdet, 1);
      for (size_t i = 0; i < n; i++) {
        mpfr_sqr(t, b[i], MPFR_RNDN);
        mpfr_add(quad, quad, t, MPFR_RNDN);
        mpfr_log(t, L[i * n + i], MPFR_RNDN);
        mpfr_add(logdet, logdet, t, MPFR_RNDN);      /* log det / 2 */
      }
      mpfr_const_pi(t, MPFR_RNDN);
      mpfr_mul_2ui(t, t, 1, MPFR_RNDN);
      mpfr_log(t, t, MPFR_RNDN);
      mpfr_mul_ui(t, t, (unsigned long)n, MPFR_RNDN);
      mpfr_add(t, t, quad, MPFR_RNDN);
      mpfr_div_2ui(t, t, 1, MPFR_RNDN);
      mpfr_add(y[0], t, logdet, MPFR_RNDN);
      mpfr_neg(y[0], y[0], MPFR_RNDN);
      result += mpref_cancellation_loss(y[0], t, logdet);
    } else {
      for (size_t ii = n; ii-- > 0;) {
        for (size_t k = ii + 1; k < n; k++) {
          mpfr_mul(t, L[k * n + ii], b[k], MPFR_RNDN);
          mpfr_sub(b[ii], b[ii], t, MPFR_RNDN);
        }
        mpfr_div(b[ii], b[ii], L[ii * n + ii], MPFR_RNDN);
      }
      for (size_t i = 0; i < n; i++) mpfr_set(y[i], b[i], MPFR_RNDN);
      /* cancellation in the solve is bounded by the condition number, which
       * the extra 64 working bits absorb for the matrices we accept */
    }
  }
  for (size_t i = 0; i < n * n; i++) mpfr_clear(L[i]);
  for (size_t i = 0; i < n; i++) mpfr_clear(b[i]);
  mpfr_clears(t, logdet, quad, (mpfr_ptr)0);
  free(L); free(b);
  return result;
}

static int bad_full(size_t n, const double *x, const double *mu, const double *cov)
{
  if (bad_vectors(n, x, mu, NULL)) return 1;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++)
      if (!isfinite(cov[i * n + j]) || cov[i * n + j] != cov[j * n + i]) return 1;
  return 0;
}

int ref_gauss_full_logpdf(size_t n, const double *x, const double *mu,
                          const double *cov, double *out)
{
  if (bad_full(n, x, mu, cov)) { *out = NAN; return 1; }
  gauss_ctx c = { n, x, mu, NULL, cov, n, 0 };
  return mpref_round_vec(full_eval, &c, 1, out);
}

int ref_gauss_full_score(size_t n, const double *x, const double *mu,
                         const double *cov, double *out)
{
  if (bad_full(n, x, mu, cov)) { for (size_t i = 0; i < n; i++) out[i] = NAN; return 1; }
  gauss_ctx c = { n, x, mu, NULL, cov, 0, 0 };
  return mpref_round_vec(full_eval, &c, n, out);
}
