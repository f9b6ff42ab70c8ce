/* vec_indep_dpm.c -- independent check of suite dpm_solver_coeffs in plain
 * MPFR at the driver's precision plus 256 bits: alpha and sigma as square
 * roots, lambda = log alpha - log sigma, h as the literal difference of the
 * two lambdas, e^-h = sigma_t alpha_s / (alpha_t sigma_s) and e^-h - 1 as
 * a literal difference (the extra bits cover the cancellation of the rows'
 * steps, d >= 2^-53 relative), the coefficients as products. */
#include "vec_indep.h"

/* out: lambda_s lambda_t h expm1_neg_h expm1_h alpha_ratio coef_eps sigma_ratio coef_x0;
 * in: alphabar_s alphabar_t */
static int dpm_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  (void)cache;
  if (!(in[0] > 0 && in[0] < 1 && in[1] > 0 && in[1] < 1 && in[0] != in[1])) return -1;
  mpfr_prec_t q = p + 256;
  mpfr_t as, ss, at, st, e, f;
  mpfr_inits2(q, as, ss, at, st, e, f, (mpfr_ptr)0);
  mpfr_set_d(as, in[0], MPFR_RNDN);
  mpfr_ui_sub(ss, 1, as, MPFR_RNDN);
  mpfr_sqrt(as, as, MPFR_RNDN);
  mpfr_sqrt(ss, ss, MPFR_RNDN);
  mpfr_set_d(at, in[1], MPFR_RNDN);
  mpfr_ui_sub(st, 1, at, MPFR_RNDN);
  mpfr_sqrt(at, at, MPFR_RNDN);
  mpfr_sqrt(st, st, MPFR_RNDN);
  mpfr_log(e, as, MPFR_RNDN);
  mpfr_log(f, ss, MPFR_RNDN);
  mpfr_sub(out[0], e, f, MPFR_RNDN);
  mpfr_log(e, at, MPFR_RNDN);
  mpfr_log(f, st, MPFR_RNDN);
  mpfr_sub(e, e, f, MPFR_RNDN);                 /* lambda_t */
  mpfr_set(out[1], e, MPFR_RNDN);
  mpfr_log(f, as, MPFR_RNDN);
  mpfr_sub(e, e, f, MPFR_RNDN);
  mpfr_log(f, ss, MPFR_RNDN);
  mpfr_add(e, e, f, MPFR_RNDN);                 /* lambda_t - lambda_s */
  mpfr_set(out[2], e, MPFR_RNDN);
  mpfr_mul(e, st, as, MPFR_RNDN);
  mpfr_mul(f, at, ss, MPFR_RNDN);
  mpfr_div(e, e, f, MPFR_RNDN);                 /* e^-h */
  mpfr_sub_ui(out[3], e, 1, MPFR_RNDN);
  mpfr_ui_div(f, 1, e, MPFR_RNDN);              /* e^h */
  mpfr_sub_ui(out[4], f, 1, MPFR_RNDN);
  mpfr_div(out[5], at, as, MPFR_RNDN);
  mpfr_sub_ui(f, f, 1, MPFR_RNDN);
  mpfr_mul(out[6], st, f, MPFR_RNDN);
  mpfr_neg(out[6], out[6], MPFR_RNDN);
  mpfr_div(out[7], st, ss, MPFR_RNDN);
  mpfr_sub_ui(e, e, 1, MPFR_RNDN);
  mpfr_mul(out[8], at, e, MPFR_RNDN);
  mpfr_neg(out[8], out[8], MPFR_RNDN);
  mpfr_clears(as, ss, at, st, e, f, (mpfr_ptr)0);
  return 0;
}

const vi_check vi_dpm_solver_coeffs = { "dpm_solver_coeffs", dpm_check, NULL, NULL };

/* sum_{k >= 1} x^k/(k + 1)! = (e^x - 1)/x - 1, |x| < 4, at s's precision
 * (for x < 0 the alternating terms cancel at most 5 bits; the driver's
 * precision raise settles the rest). */
static void phi_series(mpfr_t s, const mpfr_t x)
{
  mpfr_t t;
  mpfr_init2(t, mpfr_get_prec(s));
  mpfr_div_ui(t, x, 2, MPFR_RNDN);
  mpfr_set(s, t, MPFR_RNDN);
  for (unsigned long k = 2; !mpfr_zero_p(t) && mpfr_get_exp(t) > mpfr_get_exp(s) - (mpfr_exp_t)mpfr_get_prec(s) - 2; k++) {
    mpfr_mul(t, t, x, MPFR_RNDN);
    mpfr_div_ui(t, t, k + 1, MPFR_RNDN);
    mpfr_add(s, s, t, MPFR_RNDN);
  }
  mpfr_clear(t);
}

/* lambda = log sqrt(ab) - log sqrt(1 - ab), at l's precision. */
static void lambda_of(mpfr_t l, double ab)
{
  mpfr_t a, s;
  mpfr_inits2(mpfr_get_prec(l), a, s, (mpfr_ptr)0);
  mpfr_set_d(a, ab, MPFR_RNDN);
  mpfr_ui_sub(s, 1, a, MPFR_RNDN);
  mpfr_sqrt(a, a, MPFR_RNDN);
  mpfr_sqrt(s, s, MPFR_RNDN);
  mpfr_log(a, a, MPFR_RNDN);
  mpfr_log(s, s, MPFR_RNDN);
  mpfr_sub(l, a, s, MPFR_RNDN);
  mpfr_clears(a, s, (mpfr_ptr)0);
}

/* out: h h_0 r0 phi_neg_h phi_h coef_d1_midpoint_pp coef_d1_heun_pp coef_d1_midpoint coef_d1_heun;
 * in: alphabar_s1 alphabar_s0 alphabar_t. Series for |h| < 4 (the rows'
 * steps are below 1), else the closed forms with e^h = 1/e^-h, e^-h =
 * sigma_t alpha_s0/(alpha_t sigma_s0). */
static int dpm2_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  (void)cache;
  for (int i = 0; i < 3; i++)
    if (!(in[i] > 0 && in[i] < 1)) return -1;
  if (in[0] == in[1] || in[1] == in[2]) return -1;
  mpfr_prec_t q = p + 256;
  mpfr_t l1, l0, lt, h, e, f, at, st;
  mpfr_inits2(q, l1, l0, lt, h, e, f, at, st, (mpfr_ptr)0);
  lambda_of(l1, in[0]);
  lambda_of(l0, in[1]);
  lambda_of(lt, in[2]);
  mpfr_sub(h, lt, l0, MPFR_RNDN);
  mpfr_set(out[0], h, MPFR_RNDN);
  mpfr_sub(e, l0, l1, MPFR_RNDN);
  mpfr_set(out[1], e, MPFR_RNDN);
  mpfr_div(out[2], e, h, MPFR_RNDN);
  mpfr_set_d(at, in[2], MPFR_RNDN);
  mpfr_ui_sub(st, 1, at, MPFR_RNDN);
  mpfr_sqrt(at, at, MPFR_RNDN);
  mpfr_sqrt(st, st, MPFR_RNDN);
  if (mpfr_cmpabs_ui(h, 4) < 0) {
    mpfr_neg(f, h, MPFR_RNDN);
    phi_series(e, f);
    mpfr_neg(out[3], e, MPFR_RNDN);             /* phi(-h) = -(series at -h) */
    phi_series(out[4], h);
  } else {
    mpfr_neg(f, h, MPFR_RNDN);
    mpfr_exp(e, f, MPFR_RNDN);
    mpfr_sub_ui(e, e, 1, MPFR_RNDN);
    mpfr_div(e, e, h, MPFR_RNDN);
    mpfr_add_ui(out[3], e, 1, MPFR_RNDN);
    mpfr_exp(e, h, MPFR_RNDN);
    mpfr_sub_ui(e, e, 1, MPFR_RNDN);
    mpfr_div(e, e, h, MPFR_RNDN);
    mpfr_sub_ui(out[4], e, 1, MPFR_RNDN);
  }
  /* e^-+h - 1 = h phi(-+h) -+ h: the midpoint coefficients from the phi values */
  mpfr_mul(e, h, out[3], MPFR_RNDN);
  mpfr_sub(e, e, h, MPFR_RNDN);                 /* e^-h - 1 */
  mpfr_mul(e, e, at, MPFR_RNDN);
  mpfr_div_si(out[5], e, -2, MPFR_RNDN);
  mpfr_mul(out[6], at, out[3], MPFR_RNDN);
  mpfr_mul(e, h, out[4], MPFR_RNDN);
  mpfr_add(e, e, h, MPFR_RNDN);                 /* e^h - 1 */
  mpfr_mul(e, e, st, MPFR_RNDN);
  mpfr_div_si(out[7], e, -2, MPFR_RNDN);
  mpfr_mul(out[8], st, out[4], MPFR_RNDN);
  mpfr_neg(out[8], out[8], MPFR_RNDN);
  mpfr_clears(l1, l0, lt, h, e, f, at, st, (mpfr_ptr)0);
  return 0;
}

const vi_check vi_dpm_solver2_coeffs = { "dpm_solver2_coeffs", dpm2_check, NULL, NULL };
