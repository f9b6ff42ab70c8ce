/* vec_indep_kdiff.c -- independent checks of the k-diffusion / EDM suites
 * edm_precond, sigmas_vp, sigmas_polyexponential and sigma_ve, in plain
 * MPFR at the driver's precision plus 128 bits: c_skip = 1/(1 + (sigma /
 * sigma_data)^2); c_out and c_in through the angle phi = atan(sigma /
 * sigma_data) (c_out = sigma_data sin phi, c_in = cos(phi)/sigma_data);
 * c_noise = log2(sigma) log(2)/4; sigma_vp = sqrt(exp(x) - 1) with the
 * difference taken literally (the precision covers it); the geometric
 * sigmas as sigma_max^r sigma_min^(1 - r) by two powers. */
#include "vec_indep.h"

#include <math.h>

static int grid(double n, double i) { return n >= 2 && n <= 1e6 && n == floor(n) && i >= 0 && i <= n && i == floor(i); }

/* out: c_skip c_out c_in c_noise; in: sigma sigma_data */
static int edm_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  (void)cache;
  if (!(in[0] > 0 && in[0] <= 1e300 && in[1] > 0 && in[1] <= 1e300)) return -1;
  mpfr_prec_t q = p + 128;
  mpfr_t s, d, x, phi, sn, cs;
  mpfr_inits2(q, s, d, x, phi, sn, cs, (mpfr_ptr)0);
  mpfr_set_d(s, in[0], MPFR_RNDN);
  mpfr_set_d(d, in[1], MPFR_RNDN);
  mpfr_div(x, s, d, MPFR_RNDN);
  mpfr_sqr(phi, x, MPFR_RNDN);
  mpfr_add_ui(phi, phi, 1, MPFR_RNDN);
  mpfr_ui_div(out[0], 1, phi, MPFR_RNDN);
  mpfr_atan(phi, x, MPFR_RNDN);
  mpfr_sin_cos(sn, cs, phi, MPFR_RNDN);
  mpfr_mul(out[1], sn, d, MPFR_RNDN);
  mpfr_div(out[2], cs, d, MPFR_RNDN);
  mpfr_log2(x, s, MPFR_RNDN);
  mpfr_const_log2(phi, MPFR_RNDN);
  mpfr_mul(x, x, phi, MPFR_RNDN);
  mpfr_div_2ui(out[3], x, 2, MPFR_RNDN);
  mpfr_clears(s, d, x, phi, sn, cs, (mpfr_ptr)0);
  return 0;
}

/* out: sigma; in: n i beta_d beta_min eps_s */
static int vp_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  (void)cache;
  if (!grid(in[0], in[1]) || !(in[2] >= 0 && in[3] >= 0 && in[4] > 0 && in[4] <= 1)) return -1;
  if (in[1] == in[0]) { mpfr_set_zero(out[0], 1); return 0; }
  mpfr_prec_t q = p + 128;
  mpfr_t t, x, e;
  mpfr_inits2(q, t, x, e, (mpfr_ptr)0);
  mpfr_set_d(t, in[4], MPFR_RNDN);              /* t = 1 - (1 - eps_s) i/(n - 1) */
  mpfr_ui_sub(t, 1, t, MPFR_RNDN);
  mpfr_mul_d(t, t, in[1], MPFR_RNDN);
  mpfr_div_d(t, t, in[0] - 1, MPFR_RNDN);
  mpfr_ui_sub(t, 1, t, MPFR_RNDN);
  mpfr_sqr(x, t, MPFR_RNDN);
  mpfr_mul_d(x, x, in[2], MPFR_RNDN);
  mpfr_div_ui(x, x, 2, MPFR_RNDN);
  mpfr_mul_d(e, t, in[3], MPFR_RNDN);
  mpfr_add(x, x, e, MPFR_RNDN);
  mpfr_exp(x, x, MPFR_RNDN);
  mpfr_sub_ui(x, x, 1, MPFR_RNDN);
  mpfr_sqrt(out[0], x, MPFR_RNDN);
  mpfr_clears(t, x, e, (mpfr_ptr)0);
  return 0;
}

/* y = smax^r smin^(1 - r) */
static void geo(mpfr_t y, const mpfr_t r, double smin, double smax)
{
  mpfr_prec_t q = mpfr_get_prec(r);
  mpfr_t a, b, r1;
  mpfr_inits2(q, a, b, r1, (mpfr_ptr)0);
  mpfr_set_d(a, smax, MPFR_RNDN);
  mpfr_pow(a, a, r, MPFR_RNDN);
  mpfr_ui_sub(r1, 1, r, MPFR_RNDN);
  mpfr_set_d(b, smin, MPFR_RNDN);
  mpfr_pow(b, b, r1, MPFR_RNDN);
  mpfr_mul(y, a, b, MPFR_RNDN);
  mpfr_clears(a, b, r1, (mpfr_ptr)0);
}

/* out: sigma; in: n i sigma_min sigma_max rho */
static int pe_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  (void)cache;
  if (!grid(in[0], in[1]) || !(in[2] > 0 && in[3] > 0 && in[4] > 0)) return -1;
  if (in[1] == in[0]) { mpfr_set_zero(out[0], 1); return 0; }
  mpfr_t r;
  mpfr_init2(r, p + 128);
  mpfr_set_d(r, in[1], MPFR_RNDN);              /* 1 - i/(n - 1) */
  mpfr_div_d(r, r, in[0] - 1, MPFR_RNDN);
  mpfr_ui_sub(r, 1, r, MPFR_RNDN);
  if (mpfr_zero_p(r)) mpfr_set_d(out[0], in[2], MPFR_RNDN);
  else {
    mpfr_log(r, r, MPFR_RNDN);                  /* ramp = exp(rho log(.)) */
    mpfr_mul_d(r, r, in[4], MPFR_RNDN);
    mpfr_exp(r, r, MPFR_RNDN);
    geo(out[0], r, in[2], in[3]);
  }
  mpfr_clear(r);
  return 0;
}

/* out: sigma; in: t sigma_min sigma_max */
static int ve_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  (void)cache;
  if (!(in[0] >= 0 && in[0] <= 1 && in[1] > 0 && in[2] > 0)) return -1;
  mpfr_t r;
  mpfr_init2(r, p + 128);
  mpfr_set_d(r, in[0], MPFR_RNDN);
  geo(out[0], r, in[1], in[2]);
  mpfr_clear(r);
  return 0;
}

const vi_check vi_edm_precond = { "edm_precond", edm_check, NULL, NULL };
const vi_check vi_sigmas_vp = { "sigmas_vp", vp_check, NULL, NULL };
const vi_check vi_sigmas_polyexponential = { "sigmas_polyexponential", pe_check, NULL, NULL };
const vi_check vi_sigma_ve = { "sigma_ve", ve_check, NULL, NULL };
