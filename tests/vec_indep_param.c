/* vec_indep_param.c -- independent check of suite param_conversions: the
 * conversions as the rotation x_t + i v = e^{-i phi} (x0 + i eps), with
 * a = cos phi, s = sin phi and phi = acos(2 alphabar - 1)/2 (no square root
 * of alphabar or 1 - alphabar); score = -eps/s, eps from the rotation. */
#include "vec_indep.h"

#include <math.h>

/* y = c1 p + c2 q */
static void lin(mpfr_t y, const mpfr_t c1, const mpfr_t p, const mpfr_t c2, const mpfr_t q)
{
  mpfr_t a, b;
  mpfr_inits2(mpfr_get_prec(y) + 64, a, b, (mpfr_ptr)0);
  mpfr_mul(a, c1, p, MPFR_RNDN);
  mpfr_mul(b, c2, q, MPFR_RNDN);
  mpfr_add(y, a, b, MPFR_RNDN);
  mpfr_clears(a, b, (mpfr_ptr)0);
}

/* out: x0_from_eps v_from_eps score_from_eps eps_from_x0 v_from_x0 score_from_x0
 *      eps_from_v x0_from_v score_from_v; in: alphabar x_t u */
static int param_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  (void)cache;
  if (!(in[0] > 0 && in[0] < 1) || !isfinite(in[1]) || !isfinite(in[2])) return -1;
  mpfr_prec_t q = p + 128;
  mpfr_t phi, c, s, ms, x, u, x0, eps, v;
  mpfr_inits2(q, phi, c, s, ms, x, u, x0, eps, v, (mpfr_ptr)0);
  mpfr_set_d(phi, in[0], MPFR_RNDN);
  mpfr_mul_2ui(phi, phi, 1, MPFR_RNDN);
  mpfr_sub_ui(phi, phi, 1, MPFR_RNDN);
  mpfr_acos(phi, phi, MPFR_RNDN);
  mpfr_div_2ui(phi, phi, 1, MPFR_RNDN);
  mpfr_sin_cos(s, c, phi, MPFR_RNDN);
  mpfr_neg(ms, s, MPFR_RNDN);
  mpfr_set_d(x, in[1], MPFR_RNDN);
  mpfr_set_d(u, in[2], MPFR_RNDN);
  /* u as eps: x0 = (x_t - s eps)/c; v = c eps - s x0 */
  mpfr_mul(x0, s, u, MPFR_RNDN);
  mpfr_sub(x0, x, x0, MPFR_RNDN);
  mpfr_div(x0, x0, c, MPFR_RNDN);
  mpfr_set(out[0], x0, MPFR_RNDN);
  lin(v, c, u, ms, x0);
  mpfr_set(out[1], v, MPFR_RNDN);
  mpfr_div(out[2], u, ms, MPFR_RNDN);
  /* u as x0: eps = (x_t - c x0)/s; v = c eps - s x0 */
  mpfr_mul(eps, c, u, MPFR_RNDN);
  mpfr_sub(eps, x, eps, MPFR_RNDN);
  mpfr_div(eps, eps, s, MPFR_RNDN);
  mpfr_set(out[3], eps, MPFR_RNDN);
  lin(out[4], c, eps, ms, u);
  mpfr_div(out[5], eps, ms, MPFR_RNDN);
  /* u as v: rotate back, eps = s x_t + c v, x0 = c x_t - s v */
  lin(eps, s, x, c, u);
  lin(x0, c, x, ms, u);
  mpfr_set(out[6], eps, MPFR_RNDN);
  mpfr_set(out[7], x0, MPFR_RNDN);
  mpfr_div(out[8], eps, ms, MPFR_RNDN);
  mpfr_clears(phi, c, s, ms, x, u, x0, eps, v, (mpfr_ptr)0);
  return 0;
}

const vi_check vi_param_conversions = { "param_conversions", param_check, NULL, NULL };
