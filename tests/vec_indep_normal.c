/* vec_indep_normal.c -- independent checks of suites normal_cdf and
 * discretized_loglik: Phi from Marsaglia's Taylor series and Laplace's
 * continued fraction (vi_normal_q), not erfc or the incomplete gamma
 * function; the tanh approximation as (1 + tanh u)/2 with enough bits for
 * the cancellation. */
#include "vec_indep.h"

#include <math.h>

/* out: phi phi_tanh tanh_error; in: x */
static int cdf_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  (void)cache;
  double x = in[0];
  if (!isfinite(x)) return -1;
  mpfr_t z, u, a, b;
  mpfr_prec_t q = p + 64 + (mpfr_prec_t)(x < 0 ? -6 * x * (1 + 0.044715 * x * x) : 0);
  mpfr_inits2(q, z, u, b, (mpfr_ptr)0);
  mpfr_init2(a, p + 64);                   /* Phi needs no extra bits; the tanh form does */
  mpfr_set_d(z, -x, MPFR_RNDN);
  vi_normal_q(a, z);                       /* Phi(x) = Q(-x) */
  vi_dec(u, "0.044715");                   /* u = sqrt(2/pi) (x + 0.044715 x^3) */
  mpfr_mul_d(u, u, x, MPFR_RNDN);
  mpfr_mul_d(u, u, x, MPFR_RNDN);
  mpfr_add_ui(u, u, 1, MPFR_RNDN);
  mpfr_mul_d(u, u, x, MPFR_RNDN);
  mpfr_const_pi(b, MPFR_RNDN);
  mpfr_ui_div(b, 2, b, MPFR_RNDN);
  mpfr_sqrt(b, b, MPFR_RNDN);
  mpfr_mul(u, u, b, MPFR_RNDN);
  mpfr_tanh(b, u, MPFR_RNDN);
  mpfr_add_ui(b, b, 1, MPFR_RNDN);
  mpfr_div_2ui(b, b, 1, MPFR_RNDN);
  mpfr_set(out[0], a, MPFR_RNDN);
  mpfr_set(out[1], b, MPFR_RNDN);
  mpfr_sub(out[2], b, a, MPFR_RNDN);
  mpfr_clears(z, u, a, b, (mpfr_ptr)0);
  return 0;
}

/* out: loglik; in: x mean log_scale. Bin [x - 1/255, x + 1/255], the edge
 * bins (x = -1, x = 1) open. */
static int dgll_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  (void)cache;
  double x = in[0], mean = in[1], ls = in[2];
  if (!(x >= -1 && x <= 1) || !isfinite(mean) || !isfinite(ls)) return -1;
  mpfr_prec_t q = p + 64;
  mpfr_t inv, za, zb, qa, qb, h;
  mpfr_inits2(q, inv, za, zb, qa, qb, h, (mpfr_ptr)0);
  mpfr_set_d(inv, -ls, MPFR_RNDN);
  mpfr_exp(inv, inv, MPFR_RNDN);           /* 1/scale */
  mpfr_set_ui(h, 1, MPFR_RNDN);
  mpfr_div_ui(h, h, 255, MPFR_RNDN);
  mpfr_set_d(za, x, MPFR_RNDN);
  mpfr_sub_d(za, za, mean, MPFR_RNDN);
  mpfr_add(zb, za, h, MPFR_RNDN);
  mpfr_sub(za, za, h, MPFR_RNDN);
  mpfr_mul(za, za, inv, MPFR_RNDN);
  mpfr_mul(zb, zb, inv, MPFR_RNDN);
  /* mass = Phi(zb) - Phi(za) as a difference of tails on one side */
  if (x == -1) {                            /* Phi(zb) = Q(-zb) */
    mpfr_neg(zb, zb, MPFR_RNDN);
    vi_normal_q(h, zb);
  } else if (x == 1) {                      /* 1 - Phi(za) = Q(za) */
    vi_normal_q(h, za);
  } else if (mpfr_sgn(za) >= 0) {           /* Q(za) - Q(zb) */
    vi_normal_q(qa, za);
    vi_normal_q(qb, zb);
    mpfr_sub(h, qa, qb, MPFR_RNDN);
  } else if (mpfr_sgn(zb) <= 0) {           /* Q(-zb) - Q(-za) */
    mpfr_neg(za, za, MPFR_RNDN);
    mpfr_neg(zb, zb, MPFR_RNDN);
    vi_normal_q(qa, za);
    vi_normal_q(qb, zb);
    mpfr_sub(h, qb, qa, MPFR_RNDN);
  } else {                                  /* 1 - Q(-za) - Q(zb) */
    mpfr_neg(za, za, MPFR_RNDN);
    vi_normal_q(qa, za);
    vi_normal_q(qb, zb);
    mpfr_add(h, qa, qb, MPFR_RNDN);
    mpfr_ui_sub(h, 1, h, MPFR_RNDN);
  }
  mpfr_log(out[0], h, MPFR_RNDN);
  mpfr_clears(inv, za, zb, qa, qb, h, (mpfr_ptr)0);
  return 0;
}

const vi_check vi_normal_cdf = { "normal_cdf", cdf_check, NULL, NULL };
const vi_check vi_discretized_loglik = { "discretized_loglik", dgll_check, NULL, NULL };
