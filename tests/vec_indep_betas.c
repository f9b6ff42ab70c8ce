/* vec_indep_betas.c -- independent check of suite ddpm_from_betas, in
 * plain MPFR at the driver's precision plus 128 bits (no rationals): the
 * textbook forms that the generator avoids, made harmless by the extra
 * bits. alphabar = a - a b; 1 - alphabar = 1 - (1 - om)(1 - b) (a
 * difference); 1/sqrt(alphabar) and sqrt(1 - alphabar)/sqrt(alphabar); log(1 - alphabar)
 * by log1p(om - 1) or log(1 - alphabar); log_snr = log(alphabar) - log(1 -
 * alphabar); the posterior variance as beta - beta^2 (1 - om)/(1 - alphabar)
 * (claim sched.posterior.varalt); the mean coefficients as exp of sums of
 * logs. a = alphabar_prev, om = one_minus_alphabar_prev, as the suite. */
#include "vec_indep.h"

#include <math.h>

/* out: alphabar one_minus_alphabar sqrt_alphabar sqrt_one_minus_alphabar sqrt_recip_alphabar
 *      sqrt_recipm1_alphabar log_one_minus_alphabar log_snr posterior_variance
 *      posterior_log_variance_clipped fixed_large_variance log_fixed_large_variance
 *      posterior_mean_coef1 posterior_mean_coef2; in: alphabar_prev one_minus_alphabar_prev beta beta_next */
static int betas_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  (void)cache;
  if (!(in[0] > 0 && in[0] <= 1 && in[1] >= 0 && in[1] < 1 && in[2] > 0 && in[2] < 1 && in[3] >= 0 && in[3] < 1))
    return -1;
  int t1 = in[1] == 0;
  if (t1 && (in[0] != 1 || in[3] == 0)) return -1;
  mpfr_prec_t q = p + 128;
  mpfr_t a, b, ab, om, v, w, pv;
  mpfr_inits2(q, a, b, ab, om, v, w, pv, (mpfr_ptr)0);
  mpfr_set_d(a, in[0], MPFR_RNDN);
  mpfr_set_d(w, in[1], MPFR_RNDN);
  mpfr_set_d(b, in[2], MPFR_RNDN);
  mpfr_mul(ab, a, b, MPFR_RNDN);
  mpfr_sub(ab, a, ab, MPFR_RNDN);                 /* a - a b */
  mpfr_ui_sub(om, 1, b, MPFR_RNDN);
  mpfr_ui_sub(v, 1, w, MPFR_RNDN);
  mpfr_mul(om, om, v, MPFR_RNDN);
  mpfr_ui_sub(om, 1, om, MPFR_RNDN);              /* 1 - (1 - om_prev)(1 - b) */
  mpfr_set(pv, w, MPFR_RNDN);                     /* om_prev, for the variance and coef2 */
  mpfr_set(out[0], ab, MPFR_RNDN);
  mpfr_set(out[1], om, MPFR_RNDN);
  mpfr_sqrt(out[2], ab, MPFR_RNDN);
  mpfr_sqrt(out[3], om, MPFR_RNDN);
  mpfr_sqrt(v, ab, MPFR_RNDN);
  mpfr_ui_div(out[4], 1, v, MPFR_RNDN);
  mpfr_sqrt(v, om, MPFR_RNDN);
  mpfr_mul(out[5], v, out[4], MPFR_RNDN);        /* sqrt(1 - alphabar) / sqrt(alphabar) */
  if (mpfr_cmp_d(om, 0.5) < 0) { mpfr_sub_ui(v, om, 1, MPFR_RNDN); mpfr_log1p(out[6], v, MPFR_RNDN); }
  else { mpfr_ui_sub(v, 1, ab, MPFR_RNDN); mpfr_log(out[6], v, MPFR_RNDN); }
  mpfr_log(w, ab, MPFR_RNDN);
  mpfr_log(v, om, MPFR_RNDN);
  mpfr_sub(out[7], w, v, MPFR_RNDN);
  mpfr_sqr(v, b, MPFR_RNDN);                      /* beta - beta^2 (1 - om_prev) / (1 - alphabar) */
  mpfr_ui_sub(w, 1, pv, MPFR_RNDN);
  mpfr_mul(v, v, w, MPFR_RNDN);
  mpfr_div(v, v, om, MPFR_RNDN);
  mpfr_sub(pv, b, v, MPFR_RNDN);
  mpfr_set(out[8], pv, MPFR_RNDN);
  if (t1) { /* step 2 from alphabar_1 = 1 - b: bn - bn^2 (1 - b)/(1 - (1 - b)(1 - bn)) */
    mpfr_t bn, d;
    mpfr_inits2(q, bn, d, (mpfr_ptr)0);
    mpfr_set_d(bn, in[3], MPFR_RNDN);
    mpfr_ui_sub(d, 1, bn, MPFR_RNDN);
    mpfr_ui_sub(v, 1, b, MPFR_RNDN);
    mpfr_mul(d, d, v, MPFR_RNDN);
    mpfr_ui_sub(d, 1, d, MPFR_RNDN);
    mpfr_sqr(w, bn, MPFR_RNDN);
    mpfr_mul(w, w, v, MPFR_RNDN);
    mpfr_div(w, w, d, MPFR_RNDN);
    mpfr_sub(w, bn, w, MPFR_RNDN);
    mpfr_clears(bn, d, (mpfr_ptr)0);
  } else {
    mpfr_set(w, b, MPFR_RNDN);
  }
  mpfr_log(out[9], t1 ? w : pv, MPFR_RNDN);
  mpfr_set(out[10], w, MPFR_RNDN);
  mpfr_log(out[11], w, MPFR_RNDN);
  mpfr_log(v, om, MPFR_RNDN);                     /* coef1 = exp(log b + log(a)/2 - log(1 - alphabar)) */
  mpfr_log(w, a, MPFR_RNDN);
  mpfr_div_2ui(w, w, 1, MPFR_RNDN);
  mpfr_sub(w, w, v, MPFR_RNDN);
  mpfr_log(pv, b, MPFR_RNDN);
  mpfr_add(w, w, pv, MPFR_RNDN);
  mpfr_exp(out[12], w, MPFR_RNDN);
  mpfr_neg(w, b, MPFR_RNDN);                      /* coef2 = exp(log1p(-a) + log1p(-b)/2 - log(1 - alphabar)) */
  mpfr_log1p(w, w, MPFR_RNDN);
  mpfr_div_2ui(w, w, 1, MPFR_RNDN);
  mpfr_sub(w, w, v, MPFR_RNDN);
  mpfr_set_d(pv, in[1], MPFR_RNDN);
  mpfr_log(pv, pv, MPFR_RNDN);                    /* -inf at t = 1: coef2 = 0 */
  mpfr_add(w, w, pv, MPFR_RNDN);
  mpfr_exp(out[13], w, MPFR_RNDN);
  mpfr_clears(a, b, ab, om, v, w, pv, (mpfr_ptr)0);
  return 0;
}

const vi_check vi_ddpm_from_betas = { "ddpm_from_betas", betas_check, NULL, NULL };
