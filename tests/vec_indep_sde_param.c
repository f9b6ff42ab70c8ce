/* vec_indep_sde_param.c -- independent check of suite sde_param in plain
 * MPFR at the driver's precision plus 64 bits: B(t) = t beta(t/2) (the
 * midpoint rule, exact for a linear beta); 1 - exp(-B) as (1 - m)(1 + m)
 * with m = exp(-B/2), 1 - exp(-2B) as (1 - m^2)(1 + m^2); sigma(t) =
 * 2^(log2 sigma_min + t log2(sigma_max/sigma_min)). */
#include "vec_indep.h"

/* out: drift_coef diffusion mean_coef std; in: sde t beta_min beta_max sigma_min sigma_max */
static int sp_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  (void)cache;
  int kind = (int)in[0];
  if (!(in[0] == 0 || in[0] == 1 || in[0] == 2) || !(in[1] > 0 && in[1] <= 1) || !(in[2] >= 0 && in[3] >= in[2]) ||
      !(in[4] > 0 && in[5] > in[4]))
    return -1;
  mpfr_prec_t q = p + 64;
  mpfr_t beta, B, m, u, w;
  mpfr_inits2(q, beta, B, m, u, w, (mpfr_ptr)0);
  if (kind == 2) {
    mpfr_set_d(u, in[5], MPFR_RNDN);
    mpfr_div_d(u, u, in[4], MPFR_RNDN);
    mpfr_log2(u, u, MPFR_RNDN);                 /* log2(sigma_max/sigma_min) */
    mpfr_mul_d(w, u, in[1], MPFR_RNDN);
    mpfr_set_d(m, in[4], MPFR_RNDN);
    mpfr_log2(m, m, MPFR_RNDN);
    mpfr_add(w, w, m, MPFR_RNDN);
    mpfr_exp2(w, w, MPFR_RNDN);                 /* sigma(t) */
    mpfr_set_zero(out[0], 1);
    mpfr_const_log2(m, MPFR_RNDN);
    mpfr_mul(u, u, m, MPFR_RNDN);               /* log(sigma_max/sigma_min) */
    mpfr_mul_2ui(u, u, 1, MPFR_RNDN);
    mpfr_sqrt(u, u, MPFR_RNDN);
    mpfr_mul(out[1], w, u, MPFR_RNDN);
    mpfr_set_ui(out[2], 1, MPFR_RNDN);
    mpfr_set(out[3], w, MPFR_RNDN);
  } else {
    mpfr_set_d(beta, in[3], MPFR_RNDN);
    mpfr_sub_d(beta, beta, in[2], MPFR_RNDN);   /* beta_max - beta_min */
    mpfr_mul_d(B, beta, in[1], MPFR_RNDN);
    mpfr_div_2ui(B, B, 1, MPFR_RNDN);
    mpfr_add_d(B, B, in[2], MPFR_RNDN);
    mpfr_mul_d(B, B, in[1], MPFR_RNDN);         /* B = t beta(t/2) */
    mpfr_mul_d(beta, beta, in[1], MPFR_RNDN);
    mpfr_add_d(beta, beta, in[2], MPFR_RNDN);   /* beta(t) */
    mpfr_div_si(out[0], beta, -2, MPFR_RNDN);
    mpfr_div_si(m, B, -2, MPFR_RNDN);
    mpfr_exp(m, m, MPFR_RNDN);                  /* m = exp(-B/2) */
    mpfr_set(out[2], m, MPFR_RNDN);
    mpfr_ui_sub(u, 1, m, MPFR_RNDN);
    mpfr_add_ui(w, m, 1, MPFR_RNDN);
    mpfr_mul(u, u, w, MPFR_RNDN);               /* 1 - exp(-B) */
    if (kind == 0) {
      mpfr_sqrt(out[1], beta, MPFR_RNDN);
      mpfr_sqrt(out[3], u, MPFR_RNDN);
    } else {
      mpfr_set(out[3], u, MPFR_RNDN);
      mpfr_sqr(m, m, MPFR_RNDN);                /* exp(-B); 1 - exp(-2B) = (1 - e)(1 + e) */
      mpfr_add_ui(w, m, 1, MPFR_RNDN);
      mpfr_mul(u, u, w, MPFR_RNDN);
      mpfr_mul(u, u, beta, MPFR_RNDN);
      mpfr_sqrt(out[1], u, MPFR_RNDN);
    }
  }
  mpfr_clears(beta, B, m, u, w, (mpfr_ptr)0);
  return 0;
}

const vi_check vi_sde_param = { "sde_param", sp_check, NULL, NULL };
