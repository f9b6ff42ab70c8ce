/* vec_indep_sde.c -- independent check of suite sde_coeffs: B(t) by
 * three-point Gauss-Legendre quadrature of beta(s) = beta_min + s (beta_max -
 * beta_min) over [0, t] (exact for a linear integrand), the decimal
 * constants parsed by MPFR; 1 - exp(-B) as (1 - m)(1 + m) with m = exp(-B/2);
 * the VE sigma(t) = 0.01 * 2^(t log2 5000). */
#include "vec_indep.h"

/* y = beta(s); beta_min the decimal 0.1, or the double nearest it (as the
 * `dmcheck eval sde_*` functions take it) */
static void beta_at(mpfr_t y, const mpfr_t s, int bmin_double)
{
  mpfr_t bmin;
  mpfr_init2(bmin, mpfr_get_prec(y));
  if (bmin_double) mpfr_set_d(bmin, 0.1, MPFR_RNDN);
  else vi_dec(bmin, "0.1");
  mpfr_ui_sub(y, 20, bmin, MPFR_RNDN);
  mpfr_mul(y, y, s, MPFR_RNDN);
  mpfr_add(y, y, bmin, MPFR_RNDN);
  mpfr_clear(bmin);
}

/* B = (t/2) sum_i w_i beta(t (1 + xi_i)/2), xi = 0, +-sqrt(3/5), w = 8/9, 5/9. */
static void integral_beta_gl3(mpfr_t B, double t, int bmin_double)
{
  mpfr_prec_t p = mpfr_get_prec(B);
  mpfr_t xi, s, f, acc;
  mpfr_inits2(p, xi, s, f, acc, (mpfr_ptr)0);
  mpfr_set_ui(xi, 3, MPFR_RNDN);
  mpfr_div_ui(xi, xi, 5, MPFR_RNDN);
  mpfr_sqrt(xi, xi, MPFR_RNDN);
  mpfr_set_zero(acc, 1);
  for (int i = -1; i <= 1; i++) {
    mpfr_mul_si(s, xi, i, MPFR_RNDN);
    mpfr_add_ui(s, s, 1, MPFR_RNDN);
    mpfr_mul_d(s, s, t, MPFR_RNDN);
    mpfr_div_2ui(s, s, 1, MPFR_RNDN);
    beta_at(f, s, bmin_double);
    mpfr_mul_ui(f, f, i ? 5 : 8, MPFR_RNDN);
    mpfr_add(acc, acc, f, MPFR_RNDN);
  }
  mpfr_div_ui(acc, acc, 9, MPFR_RNDN);
  mpfr_mul_d(acc, acc, t, MPFR_RNDN);
  mpfr_div_2ui(B, acc, 1, MPFR_RNDN);
  mpfr_clears(xi, s, f, acc, (mpfr_ptr)0);
}

/* out: drift_coef diffusion mean_coef std */
static int sde_outputs(mpfr_t *out, const double *in, mpfr_prec_t p, int bmin_double)
{
  int kind = (int)in[0];
  double t = in[1];
  if (!(kind == 0 || kind == 1 || kind == 2) || !(t > 0 && t <= 1)) return -1;
  mpfr_t B, m, u, v, w;
  mpfr_inits2(p + 32, B, m, u, v, w, (mpfr_ptr)0);
  if (kind == 2) {
    mpfr_set_ui(u, 5000, MPFR_RNDN);
    mpfr_log2(u, u, MPFR_RNDN);
    mpfr_mul_d(u, u, t, MPFR_RNDN);
    mpfr_exp2(u, u, MPFR_RNDN);
    vi_dec(v, "0.01");
    mpfr_mul(u, u, v, MPFR_RNDN);            /* sigma(t) */
    mpfr_set_ui(v, 25000000, MPFR_RNDN);     /* 2 log 5000 = log(5000^2) */
    mpfr_log(v, v, MPFR_RNDN);
    mpfr_sqrt(v, v, MPFR_RNDN);
    mpfr_set_zero(out[0], 1);
    mpfr_mul(out[1], u, v, MPFR_RNDN);
    mpfr_set_ui(out[2], 1, MPFR_RNDN);
    mpfr_set(out[3], u, MPFR_RNDN);
  } else {
    mpfr_set_d(u, t, MPFR_RNDN);
    beta_at(v, u, bmin_double);              /* beta(t) */
    mpfr_div_si(out[0], v, -2, MPFR_RNDN);
    integral_beta_gl3(B, t, bmin_double);
    mpfr_div_si(m, B, -2, MPFR_RNDN);
    mpfr_exp(m, m, MPFR_RNDN);               /* m = exp(-B/2) */
    mpfr_set(out[2], m, MPFR_RNDN);
    mpfr_ui_sub(u, 1, m, MPFR_RNDN);
    mpfr_add_ui(w, m, 1, MPFR_RNDN);
    mpfr_mul(u, u, w, MPFR_RNDN);            /* 1 - exp(-B) = (1 - m)(1 + m) */
    if (kind == 0) {
      mpfr_sqrt(out[1], v, MPFR_RNDN);
      mpfr_sqrt(out[3], u, MPFR_RNDN);
    } else {                                 /* 1 - exp(-2B) = (1 - e^-B)(1 + e^-B) */
      mpfr_ui_sub(w, 2, u, MPFR_RNDN);
      mpfr_mul(w, w, u, MPFR_RNDN);
      mpfr_mul(w, w, v, MPFR_RNDN);
      mpfr_sqrt(out[1], w, MPFR_RNDN);
      mpfr_set(out[3], u, MPFR_RNDN);
    }
  }
  mpfr_clears(B, m, u, v, w, (mpfr_ptr)0);
  return 0;
}

static int sde_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  (void)cache;
  return sde_outputs(out, in, p, 0);
}

static int sde_check_dbl(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  (void)cache;
  return sde_outputs(out, in, p, 1);
}

const vi_check vi_sde_coeffs = { "sde_coeffs", sde_check, NULL, NULL };
const vi_check vi_sde_coeffs_bmin_double = { "sde_coeffs", sde_check_dbl, NULL, NULL };
