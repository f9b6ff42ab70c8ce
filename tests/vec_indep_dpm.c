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
