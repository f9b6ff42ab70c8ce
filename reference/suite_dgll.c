/* suite_dgll.c -- suite discretized_loglik (claim elbo.loglik.discretized):
 * Ho et al.'s discretised Gaussian log-likelihood of 8-bit data on the 256
 * levels x_k = 2k/255 - 1, bin [x - 1/255, x + 1/255] with the edge bins
 * open to -inf and +inf, for several log-scales and means. eval:
 * ref_discretized_gaussian_loglik (reference/elbo.c: differences of erfc
 * tails); cross: log Q(a) + log1p(-Q(b)/Q(a)) for one-sided bins (Q the upper
 * tail), (erf(zb/sqrt 2) - erf(za/sqrt 2))/2 for bins holding 0, log Phi and
 * log(1 - Phi) at the edges through erfc of the reflected argument. */
#include "suites.h"
#include "dmcref.h"
#include "suite_util.h"

#include <math.h>

static const char *const in_names[] = { "x", "mean", "log_scale" };
static const char *const out_names[] = { "loglik" };

static const double scales[] = { -7.0, -2.0, 0.0 };
static const double means[] = { 0.0, 0.6 };
static size_t dg_count(void) { return 256 * 3 * 2; }

static int dg_inputs(size_t r, double *in)
{
  size_t k = r % 256, j = r / 256;
  mpfr_t x;
  mpfr_init2(x, 53);
  mpfr_set_ui(x, 2 * (unsigned long)k, MPFR_RNDN);
  mpfr_div_ui(x, x, 255, MPFR_RNDN);
  mpfr_sub_ui(x, x, 1, MPFR_RNDN);                        /* exact subtraction */
  in[0] = mpfr_get_d(x, MPFR_RNDN);
  mpfr_clear(x);
  in[1] = means[j % 2];
  in[2] = scales[j / 2];
  return 0;
}

typedef struct { double x, mean, ls; int k; } dg_ctx;

/* Q(z) = erfc(z/sqrt 2)/2, the upper tail. */
static void upper(mpfr_t out, const mpfr_t z)
{
  mpfr_t r;
  mpfr_init2(r, mpfr_get_prec(out));
  mpfr_sqrt_ui(r, 2, MPFR_RNDN);
  mpfr_div(out, z, r, MPFR_RNDN);
  mpfr_erfc(out, out, MPFR_RNDN);
  mpfr_div_2ui(out, out, 1, MPFR_RNDN);
  mpfr_clear(r);
}

static long dg_cross(mpfr_t y, const void *vctx)
{
  const dg_ctx *c = vctx;
  mpfr_prec_t q = mpfr_get_prec(y) + 32;
  mpfr_t za, zb, s, a, b, h;
  mpfr_inits2(q, za, zb, s, a, b, h, (mpfr_ptr)0);
  /* z = (x - mean -+ 1/255) e^-ls */
  mpfr_set_d(s, -c->ls, MPFR_RNDN);
  mpfr_exp(s, s, MPFR_RNDN);
  mpfr_set_d(za, c->x, MPFR_RNDN);
  mpfr_sub_d(za, za, c->mean, MPFR_RNDN);
  mpfr_mul_ui(za, za, 255, MPFR_RNDN);                    /* exact: (255 (x - mean) -+ 1)/255 */
  mpfr_add_ui(zb, za, 1, MPFR_RNDN);
  mpfr_sub_ui(za, za, 1, MPFR_RNDN);
  mpfr_div_ui(za, za, 255, MPFR_RNDN);
  mpfr_div_ui(zb, zb, 255, MPFR_RNDN);
  mpfr_mul(za, za, s, MPFR_RNDN);
  mpfr_mul(zb, zb, s, MPFR_RNDN);
  /* erfc magnifies the arguments' relative error by ~2 z^2 */
  double zm = fmax(fabs(mpfr_get_d(za, MPFR_RNDN)), fabs(mpfr_get_d(zb, MPFR_RNDN)));
  long loss = MPREF_SLACK + 8 + (long)ceil(log2(2 * zm * zm + 2));
  if (c->k == 0) {            /* log Phi(zb) = log Q(-zb) */
    mpfr_neg(h, zb, MPFR_RNDN);
    upper(a, h);
    mpfr_log(y, a, MPFR_RNDN);
    if (!mpfr_zero_p(y) && mpfr_get_exp(y) < 0) loss -= mpfr_get_exp(y);
  } else if (c->k == 255) {   /* log(1 - Phi(za)) = log Q(za) */
    upper(a, za);
    mpfr_log(y, a, MPFR_RNDN);
    if (!mpfr_zero_p(y) && mpfr_get_exp(y) < 0) loss -= mpfr_get_exp(y);
  } else if (mpfr_sgn(za) >= 0 || mpfr_sgn(zb) <= 0) {
    /* one side: with u <= v the upper-tail arguments, log Q(u) + log1p(-Q(v)/Q(u)) */
    if (mpfr_sgn(za) >= 0) { mpfr_set(h, za, MPFR_RNDN); mpfr_set(s, zb, MPFR_RNDN); }
    else { mpfr_neg(h, zb, MPFR_RNDN); mpfr_neg(s, za, MPFR_RNDN); }
    upper(a, h);
    upper(b, s);
    mpfr_div(b, b, a, MPFR_RNDN);                         /* in (0, 1) */
    mpfr_neg(b, b, MPFR_RNDN);
    mpfr_log1p(b, b, MPFR_RNDN);
    mpfr_log(a, a, MPFR_RNDN);
    mpfr_add(y, a, b, MPFR_RNDN);                         /* both negative */
  } else {                    /* the bin holds 0: (erf(zb/sqrt 2) - erf(za/sqrt 2))/2 */
    mpfr_sqrt_ui(h, 2, MPFR_RNDN);
    mpfr_div(a, zb, h, MPFR_RNDN);
    mpfr_erf(a, a, MPFR_RNDN);
    mpfr_div(b, za, h, MPFR_RNDN);
    mpfr_erf(b, b, MPFR_RNDN);                            /* negative: no cancellation */
    mpfr_sub(a, a, b, MPFR_RNDN);
    mpfr_div_2ui(a, a, 1, MPFR_RNDN);
    mpfr_log(y, a, MPFR_RNDN);
    if (!mpfr_zero_p(y) && mpfr_get_exp(y) < 0) loss -= mpfr_get_exp(y);
  }
  mpfr_clears(za, zb, s, a, b, h, (mpfr_ptr)0);
  return loss;
}

static int dg_row(const double *in, double *out, int cross)
{
  if (!cross) return ref_discretized_gaussian_loglik(in[0], in[1], in[2], out);
  double x = in[0];
  if (!isfinite(x) || x < -1.0 - 1e-9 || x > 1.0 + 1e-9 || !isfinite(in[1]) || !isfinite(in[2])) { out[0] = NAN; return 1; }
  double k = nearbyint((x + 1.0) * 127.5);
  if (fabs(x - (2.0 * k / 255.0 - 1.0)) > 1e-9) { out[0] = NAN; return 1; }
  dg_ctx c = { x, in[1], in[2], (int)k };
  return mpref_round(dg_cross, &c, out, NULL);
}

static int dg_eval(const double *in, double *out) { return dg_row(in, out, 0); }
static int dg_crossf(const double *in, double *out) { return dg_row(in, out, 1); }

const dmc_suite dmc_suite_discretized_loglik = {
  "discretized_loglik",
  "Discretised Gaussian log-likelihood of 8-bit data (Ho et al. 2020): x on the 256 levels 2k/255 - 1"
  " (correctly rounded), log of the N(mean, exp(log_scale)^2) mass of [x - 1/255, x + 1/255], with the"
  " bins of k = 0 and k = 255 open to -inf and +inf (log Phi, log(1 - Phi)); exact Phi, no tanh"
  " approximation. mean in {0, 0.6}, log_scale in {-7, -2, 0}; every level. Values from"
  " ref_discretized_gaussian_loglik (D7).",
  "elbo.loglik.discretized",
  3, 1, in_names, out_names, dg_count, dg_inputs, dg_eval, dg_crossf,
  "log of Phi differences with Phi by Marsaglia's Taylor series (|z| <= 5) and Laplace's continued fraction for the Mills ratio (beyond), not erfc (tests/vec_indep_normal.c)"
};
