/* dsm.c -- MPFR references for D4, linear denoising score matching (src/dsm.c). */
#include "dmcref.h"

#include <math.h>

typedef struct {
  double mu, sigma, sigma_eps, w, b;
  int which;
} dsm_ctx;

enum { OPT_W, OPT_B, LOSS_DSM, LOSS_ESM, LOSS_CONST };

static int bad_scale(double s) { return !isfinite(s) || !(s > 0.0); }

/* Every operation's ternary value is OR-ed into *inexact, so a result with
 * no rounding anywhere is reported as MPREF_EXACT. */
#define OP(call) (*inexact |= ((call) != 0))

/* v = sigma^2 + sigma_eps^2 (squares exact at >= 106 bits) */
static void variance(mpfr_t v, mpfr_t t, const dsm_ctx *c, int *inexact)
{
  OP(mpfr_set_d(v, c->sigma, MPFR_RNDN));
  OP(mpfr_sqr(v, v, MPFR_RNDN));
  OP(mpfr_set_d(t, c->sigma_eps, MPFR_RNDN));
  OP(mpfr_sqr(t, t, MPFR_RNDN));
  OP(mpfr_add(v, v, t, MPFR_RNDN));
}

/* (w mu + b)^2 into y; returns the bit loss of w mu + b to cancellation
 * (0 when the sum is exact). */
static long mean_square(mpfr_t y, mpfr_t t, const dsm_ctx *c, int *inexact)
{
  mpfr_t bb;
  mpfr_init2(bb, 64);
  mpfr_set_d(bb, c->b, MPFR_RNDN);
  int prod_inexact = mpfr_set_d(t, c->w, MPFR_RNDN) != 0;
  prod_inexact |= mpfr_mul_d(t, t, c->mu, MPFR_RNDN) != 0;
  int sum_inexact = mpfr_add(y, t, bb, MPFR_RNDN) != 0;
  *inexact |= sum_inexact | prod_inexact;
  long loss = 0;
  /* any earlier rounding (the product's) is magnified by the cancellation,
   * even when the sum itself is exact (it was not counted then: a wrong
   * bound, hidden by mpref_round's second evaluation) */
  if (*inexact) loss = mpref_cancellation_loss(y, t, bb);
  OP(mpfr_sqr(y, y, MPFR_RNDN));
  mpfr_clear(bb);
  return loss;
}

/* (w d + 1)^2 / d into y for d > 0 held in `d`; returns the cancellation loss of w d + 1. */
static long ratio_square(mpfr_t y, const mpfr_t d, double w, int *inexact)
{
  mpfr_t one, wd;
  mpfr_init2(one, 2);
  mpfr_init2(wd, mpfr_get_prec(y));
  mpfr_set_ui(one, 1, MPFR_RNDN);
  int prod_inexact = mpfr_mul_d(wd, d, w, MPFR_RNDN) != 0;
  int sum_inexact = mpfr_add(y, wd, one, MPFR_RNDN) != 0;
  *inexact |= sum_inexact | prod_inexact;
  long loss = 0;
  if (*inexact) loss = mpref_cancellation_loss(y, wd, one);   /* as in mean_square (d may be rounded too) */
  OP(mpfr_sqr(y, y, MPFR_RNDN));
  OP(mpfr_div(y, y, d, MPFR_RNDN));
  mpfr_clears(one, wd, (mpfr_ptr)0);
  return loss;
}

/* The optimum (-1/v, mu/v), the DSM and ESM losses and Vincent's constant.
 * Error: the squares of doubles are exact at >= 106 bits; v = sigma^2 +
 * sigma_eps^2 is a sum of positives (no cancellation, one rounding). The
 * precision goes in w mu + b and 1 + w d, which cancel near the optimum:
 * mean_square and ratio_square return those losses; the rest are a handful of
 * roundings of positive terms (SLACK + 2). A result with no rounding at all is
 * reported exact, since mpfr_can_round cannot certify a representable value. */
static long dsm_eval(mpfr_t y, const void *vctx)
{
  const dsm_ctx *c = vctx;
  mpfr_prec_t p = mpfr_get_prec(y);
  mpfr_t v, t, a, d;
  mpfr_inits2(p, v, t, a, d, (mpfr_ptr)0);
  int inexact = 0, *in = &inexact;
  long loss = 0;
  switch (c->which) {
  case OPT_W:
  case OPT_B:
    variance(v, t, c, in);
    *in |= mpfr_set_d(y, c->which == OPT_W ? -1.0 : c->mu, MPFR_RNDN) != 0;
    *in |= mpfr_div(y, y, v, MPFR_RNDN) != 0;
    break;
  case LOSS_DSM: {
    long l1 = mean_square(a, t, c, in);
    *in |= mpfr_set_d(t, c->w, MPFR_RNDN) != 0;
    *in |= mpfr_mul_d(t, t, c->sigma, MPFR_RNDN) != 0;
    *in |= mpfr_sqr(t, t, MPFR_RNDN) != 0;                   /* w^2 sigma^2 */
    *in |= mpfr_add(a, a, t, MPFR_RNDN) != 0;
    *in |= mpfr_set_d(d, c->sigma_eps, MPFR_RNDN) != 0;
    *in |= mpfr_sqr(d, d, MPFR_RNDN) != 0;                   /* sigma_eps^2 */
    long l2 = ratio_square(t, d, c->w, in);
    *in |= mpfr_add(y, a, t, MPFR_RNDN) != 0;                /* sum of non-negatives */
    loss = (l1 > l2 ? l1 : l2) + 2;
    break;
  }
  case LOSS_ESM: {
    long l1 = mean_square(a, t, c, in);
    variance(v, t, c, in);
    long l2 = ratio_square(t, v, c->w, in);
    *in |= mpfr_add(y, a, t, MPFR_RNDN) != 0;
    loss = (l1 > l2 ? l1 : l2) + 2;
    break;
  }
  default: /* LOSS_CONST: sigma^2 / (sigma_eps^2 v) */
    variance(v, t, c, in);
    *in |= mpfr_set_d(y, c->sigma, MPFR_RNDN) != 0;
    *in |= mpfr_sqr(y, y, MPFR_RNDN) != 0;
    *in |= mpfr_div(y, y, t, MPFR_RNDN) != 0;                /* t = sigma_eps^2 */
    *in |= mpfr_div(y, y, v, MPFR_RNDN) != 0;
    break;
  }
  mpfr_clears(v, t, a, d, (mpfr_ptr)0);
  if (!inexact) return MPREF_EXACT;
  return MPREF_SLACK + loss;
}

static int round_one(dsm_ctx *c, int which, double *out)
{
  c->which = which;
  return mpref_round(dsm_eval, c, out, NULL);
}

int ref_dsm_linear_optimum(double mu, double sigma, double sigma_eps, double *w, double *b)
{
  if (!isfinite(mu) || bad_scale(sigma) || bad_scale(sigma_eps)) { *w = *b = NAN; return 1; }
  dsm_ctx c = { mu, sigma, sigma_eps, 0, 0, OPT_W };
  int s1 = round_one(&c, OPT_W, w);
  int s2 = round_one(&c, OPT_B, b);
  return s1 > s2 ? s1 : s2;
}

static int bad_loss_args(double mu, double sigma, double sigma_eps, double w, double b)
{
  return !isfinite(mu) || bad_scale(sigma) || bad_scale(sigma_eps) || !isfinite(w) || !isfinite(b);
}

int ref_dsm_loss(double mu, double sigma, double sigma_eps, double w, double b, double *out)
{
  if (bad_loss_args(mu, sigma, sigma_eps, w, b)) { *out = NAN; return 1; }
  dsm_ctx c = { mu, sigma, sigma_eps, w, b, LOSS_DSM };
  return round_one(&c, LOSS_DSM, out);
}

int ref_esm_loss(double mu, double sigma, double sigma_eps, double w, double b, double *out)
{
  if (bad_loss_args(mu, sigma, sigma_eps, w, b)) { *out = NAN; return 1; }
  dsm_ctx c = { mu, sigma, sigma_eps, w, b, LOSS_ESM };
  return round_one(&c, LOSS_ESM, out);
}

int ref_dsm_loss_constant(double sigma, double sigma_eps, double *out)
{
  if (bad_scale(sigma) || bad_scale(sigma_eps)) { *out = NAN; return 1; }
  dsm_ctx c = { 0, sigma, sigma_eps, 0, 0, LOSS_CONST };
  return round_one(&c, LOSS_CONST, out);
}
