/* vec_indep_tanh.c -- independent checks of suites approx_std_normal_cdf
 * and discretized_gaussian_loglik_tanh: the cdf literally as (1 + tanh u)/2
 * with MPFR's tanh, at a precision raised past the cancellation of 1 + tanh
 * u (u < 0: about 2.9|u| bits); where that would exceed the driver's cap
 * (|u| > 2000), the tail e^(-2|u|)/(1 + e^(-2|u|)) with its log taken as
 * -2|u| - log1p(e^(-2|u|)). The bin mass is the literal difference of two
 * cdfs, or of their complements when both edges lie above 0. */
#include "vec_indep.h"

#include <math.h>

/* u = sqrt(2/pi) (z + 0.044715 z^3) */
static void arg_u(mpfr_t u, const mpfr_t z)
{
  mpfr_t c, d;
  mpfr_inits2(mpfr_get_prec(u), c, d, (mpfr_ptr)0);
  mpfr_sqr(c, z, MPFR_RNDN);
  vi_dec(d, "0.044715");
  mpfr_mul(c, c, d, MPFR_RNDN);
  mpfr_add_ui(c, c, 1, MPFR_RNDN);
  mpfr_mul(c, c, z, MPFR_RNDN);
  mpfr_const_pi(d, MPFR_RNDN);
  mpfr_div_2ui(d, d, 1, MPFR_RNDN);
  mpfr_rec_sqrt(d, d, MPFR_RNDN);
  mpfr_mul(u, c, d, MPFR_RNDN);
  mpfr_clears(c, d, (mpfr_ptr)0);
}

/* cdf = (1 + tanh(s u))/2 and its log, s = +-1 (s = -1: the complement):
 * the smaller tail m = (1 + tanh(-|v|))/2 first, then cdf = m or 1 - m and
 * the log as log m or log1p(-m). */
static void cdf_of(mpfr_t cdf, mpfr_t lcdf, const mpfr_t u, int s)
{
  mpfr_prec_t p = mpfr_get_prec(cdf);
  mpfr_t v, e, m, lm;
  mpfr_inits2(p, v, e, lm, (mpfr_ptr)0);
  mpfr_mul_si(v, u, s, MPFR_RNDN);
  int pos = mpfr_sgn(v) > 0;
  mpfr_abs(v, v, MPFR_RNDN);
  mpfr_neg(v, v, MPFR_RNDN);                    /* -|v| */
  long extra = (long)(3 * -mpfr_get_d(v, MPFR_RNDN)) + 64;
  mpfr_init2(m, p + (mpfr_cmp_si(v, -2000) < 0 ? 64 : extra));
  if (mpfr_cmp_si(v, -2000) < 0) {              /* far tail: log m = 2v - log1p(e^(2v)) */
    mpfr_mul_2ui(v, v, 1, MPFR_RNDN);
    mpfr_exp(e, v, MPFR_RNDN);
    mpfr_log1p(lm, e, MPFR_RNDN);
    mpfr_sub(lm, v, lm, MPFR_RNDN);
    mpfr_exp(m, lm, MPFR_RNDN);
  } else {
    mpfr_set_prec(e, p + extra);
    mpfr_set(e, v, MPFR_RNDN);
    mpfr_tanh(m, e, MPFR_RNDN);
    mpfr_add_ui(m, m, 1, MPFR_RNDN);
    mpfr_div_2ui(m, m, 1, MPFR_RNDN);
    mpfr_log(lm, m, MPFR_RNDN);
  }
  if (!pos) {
    mpfr_set(cdf, m, MPFR_RNDN);
    mpfr_set(lcdf, lm, MPFR_RNDN);
  } else {
    mpfr_ui_sub(cdf, 1, m, MPFR_RNDN);
    mpfr_neg(m, m, MPFR_RNDN);
    mpfr_log1p(lcdf, m, MPFR_RNDN);
  }
  mpfr_clears(v, e, m, lm, (mpfr_ptr)0);
}

/* out: approx_cdf log_approx_cdf log_one_minus_approx_cdf; in: x */
static int cdf_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  (void)cache;
  if (!(fabs(in[0]) <= 1000)) return -1;
  mpfr_t z, u, junk;
  mpfr_inits2(p + 64, z, u, junk, (mpfr_ptr)0);
  mpfr_set_d(z, in[0], MPFR_RNDN);
  arg_u(u, z);
  cdf_of(out[0], out[1], u, 1);
  cdf_of(junk, out[2], u, -1);
  mpfr_clears(z, u, junk, (mpfr_ptr)0);
  return 0;
}

const vi_check vi_approx_std_normal_cdf = { "approx_std_normal_cdf", cdf_check, NULL, NULL };

/* out: loglik; in: x mean log_scale */
static int dg_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  (void)cache;
  if (!(fabs(in[0]) <= 1) || !isfinite(in[1]) || !isfinite(in[2])) return -1;
  mpfr_prec_t q = p + 64;
  mpfr_t s, zp, zm, up, um, cp, cm, lp, lm, lim;
  mpfr_inits2(q, s, zp, zm, up, um, cp, cm, lp, lm, lim, (mpfr_ptr)0);
  mpfr_set_d(s, in[2], MPFR_RNDN);
  mpfr_neg(s, s, MPFR_RNDN);
  mpfr_exp(s, s, MPFR_RNDN);
  mpfr_set_d(zm, in[0], MPFR_RNDN);              /* x - mean +- 1/255 = (255 (x - mean) +- 1)/255 */
  mpfr_sub_d(zm, zm, in[1], MPFR_RNDN);
  mpfr_mul_ui(zm, zm, 255, MPFR_RNDN);
  mpfr_add_ui(zp, zm, 1, MPFR_RNDN);
  mpfr_sub_ui(zm, zm, 1, MPFR_RNDN);
  mpfr_div_ui(zp, zp, 255, MPFR_RNDN);
  mpfr_div_ui(zm, zm, 255, MPFR_RNDN);
  mpfr_mul(zp, zp, s, MPFR_RNDN);
  mpfr_mul(zm, zm, s, MPFR_RNDN);
  if (mpfr_cmp_ui(zp, 1000) > 0 || mpfr_cmp_si(zm, -1000) < 0) { mpfr_clears(s, zp, zm, up, um, cp, cm, lp, lm, lim, (mpfr_ptr)0); return -1; }
  arg_u(up, zp);
  arg_u(um, zm);
  vi_dec(lim, "0.999");                          /* the branch at the exact decimal */
  int lower = mpfr_cmp_d(lim, -in[0]) < 0, upper = mpfr_cmp_d(lim, in[0]) < 0;
  vi_dec(lim, "1e-12");
  mpfr_log(lim, lim, MPFR_RNDN);
  if (lower) {
    cdf_of(cp, lp, up, 1);
    mpfr_max(out[0], lp, lim, MPFR_RNDN);
  } else if (upper) {
    cdf_of(cm, lm, um, -1);
    mpfr_max(out[0], lm, lim, MPFR_RNDN);
  } else {
    int above = mpfr_sgn(um) > 0;               /* both edges above 0: complements, 1 - A(z-) - (1 - A(z+)) */
    mpfr_t d;
    mpfr_init2(d, q);
    long extra = 64;
    for (int i = 0; i < 2 && extra < 1L << 20; i++) {
      mpfr_set_prec(cp, q + extra);
      mpfr_set_prec(cm, q + extra);
      cdf_of(cp, lp, above ? um : up, above ? -1 : 1);
      cdf_of(cm, lm, above ? up : um, above ? -1 : 1);
      mpfr_set_prec(d, q + extra);
      mpfr_sub(d, cp, cm, MPFR_RNDN);
      long lost = mpfr_zero_p(d) ? 1L << 20 : (long)(mpfr_get_exp(cp) - mpfr_get_exp(d));
      if (lost + 64 <= extra) break;
      extra = lost + 128;
    }
    mpfr_log(d, d, MPFR_RNDN);
    mpfr_max(out[0], d, lim, MPFR_RNDN);
    mpfr_clear(d);
  }
  mpfr_clears(s, zp, zm, up, um, cp, cm, lp, lm, lim, (mpfr_ptr)0);
  return 0;
}

const vi_check vi_discretized_gaussian_loglik_tanh = { "discretized_gaussian_loglik_tanh", dg_check, NULL, NULL };
