/* empirical.c -- MPFR reference of the ideal denoiser of an empirical data set
 * (claim ddpm.denoiser.accuracy): the direct ratio
 *   x0hat = sum_i x0_i e^{-(d_i - d_min)} / sum_i e^{-(d_i - d_min)},
 *   d_i = (x_t - alpha x0_i)^2 / (2 s^2),
 * a different formula from the library's (dmc_gmix_mean's posterior-mixture
 * form in double-double) and from ref_gmix_mean (Tweedie's form).
 *
 * Error analysis at working precision p: each d_i carries a relative error of
 * a few 2^-p, i.e. an absolute error of about (|d_i| + |d_min|) 2^-p after the
 * shift, which exp turns into a relative error of w_i; the sums then lose the
 * exponent gap between B = sum_i w_i |x0_i| (8 + 8 (|d_i| + |d_min|)) and
 * S = sum_i w_i x0_i (mpref_bits_lost), plus log2 n for the n-term sums. */
#include "dmcref.h"

#include <math.h>
#include <stdlib.h>

typedef struct {
  double x, alpha, s;
  size_t n;
  const double *x0;
} emp_ctx;

static long emp_eval(mpfr_t y, const void *vctx)
{
  const emp_ctx *c = vctx;
  mpfr_prec_t p = mpfr_get_prec(y);
  mpfr_t *d = malloc(c->n * sizeof *d);
  if (!d) return MPREF_NOMEM;
  mpfr_t dmin, w, t, S, W, B, D;
  mpfr_inits2(p, dmin, w, t, S, W, B, D, (mpfr_ptr)0);
  for (size_t i = 0; i < c->n; i++) {
    mpfr_init2(d[i], p);
    mpfr_set_d(d[i], c->alpha, MPFR_RNDN);
    mpfr_mul_d(d[i], d[i], c->x0[i], MPFR_RNDN);
    mpfr_d_sub(d[i], c->x, d[i], MPFR_RNDN);
    mpfr_sqr(d[i], d[i], MPFR_RNDN);
    mpfr_set_d(t, c->s, MPFR_RNDN);
    mpfr_sqr(t, t, MPFR_RNDN);
    mpfr_div(d[i], d[i], t, MPFR_RNDN);
    mpfr_div_2ui(d[i], d[i], 1, MPFR_RNDN);
    if (i == 0 || mpfr_cmp(d[i], dmin) < 0) mpfr_set(dmin, d[i], MPFR_RNDN);
  }
  mpfr_set_zero(S, 1); mpfr_set_zero(W, 1); mpfr_set_zero(B, 1);
  for (size_t i = 0; i < c->n; i++) {
    mpfr_sub(w, dmin, d[i], MPFR_RNDN);
    mpfr_exp(w, w, MPFR_RNDN);
    mpfr_add(W, W, w, MPFR_RNDN);
    mpfr_mul_d(t, w, c->x0[i], MPFR_RNDN);
    mpfr_add(S, S, t, MPFR_RNDN);
    mpfr_add(t, d[i], dmin, MPFR_RNDU);
    mpfr_add_ui(t, t, 1, MPFR_RNDU);
    mpfr_mul_2ui(t, t, 3, MPFR_RNDU);
    mpfr_mul(t, t, w, MPFR_RNDU);
    mpfr_mul_d(t, t, fabs(c->x0[i]), MPFR_RNDU);
    mpfr_add(B, B, t, MPFR_RNDU);
  }
  /* A dominating point x0_b (weight 1 after the shift): when the others move
   * the mean by less than 2^-64 |x0_b| -- sum_{k != b} w_k |x0_k - x0_b| bounds
   * it -- x0hat rounds to the double x0_b, which the Ziv loop could never
   * prove (x0hat is within any precision of a rounding boundary of 54 bits). */
  size_t b = 0;
  while (b < c->n && !mpfr_equal_p(d[b], dmin)) b++;
  mpfr_set_zero(D, 1);
  for (size_t i = 0; i < c->n && c->x0[b] != 0; i++) {
    mpfr_sub(w, dmin, d[i], MPFR_RNDN);
    mpfr_exp(w, w, MPFR_RNDU);
    mpfr_mul_2ui(w, w, 1, MPFR_RNDU);                  /* 2 x: generous for the roundings of d_i */
    mpfr_set_d(t, c->x0[i], MPFR_RNDN);
    mpfr_sub_d(t, t, c->x0[b], MPFR_RNDU);
    mpfr_abs(t, t, MPFR_RNDU);
    mpfr_mul(w, w, t, MPFR_RNDU);
    mpfr_add(D, D, w, MPFR_RNDU);
  }
  int eb = 0;
  if (b < c->n) frexp(c->x0[b], &eb);
  int dominates = b < c->n && c->x0[b] != 0 && (mpfr_zero_p(D) || mpfr_get_exp(D) < eb - 64);
  mpfr_div(y, S, W, MPFR_RNDN);
  if (dominates) mpfr_set_d(y, c->x0[b], MPFR_RNDN);
  long loss = dominates ? MPREF_EXACT : mpfr_zero_p(S) ? MPREF_PREC_MAX : mpref_bits_lost(S, mpref_exp_of(B));
  int log2n = 0;
  while (((size_t)1 << log2n) < c->n && log2n < 62) log2n++;
  for (size_t i = 0; i < c->n; i++) mpfr_clear(d[i]);
  free(d);
  mpfr_clears(dmin, w, t, S, W, B, D, (mpfr_ptr)0);
  return loss == MPREF_EXACT ? loss : loss + MPREF_SLACK + log2n;
}

int ref_empirical_denoiser(double x_t, double alpha, double s, size_t n, const double *x0, double *x0hat)
{
  if (!x0hat) return MPREF_EDOM;
  *x0hat = NAN;
  if (!x0 || n == 0 || !isfinite(x_t) || !isfinite(alpha) || !isfinite(s) || !(s > 0)) return MPREF_EDOM;
  for (size_t i = 0; i < n; i++)
    if (!isfinite(x0[i])) return MPREF_EDOM;
  emp_ctx c = { x_t, alpha, s, n, x0 };
  return mpref_round(emp_eval, &c, x0hat, NULL);
}
