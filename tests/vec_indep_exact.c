/* vec_indep_exact.c -- independent checks of the suites whose outputs are
 * rational in the inputs, or square roots of such: every quantity as an
 * exact GMP rational, square roots by GMP's integer square root.
 *   gauss_score: (mu - x)/sigma^2 exact; log-density -(x - mu)^2/(2 sigma^2)
 *     exact minus one log of the product 2 pi sigma^2;
 *   tweedie, dsm_optimum (the loss constant by partial fractions
 *     1/sigma_eps^2 - 1/(sigma^2 + sigma_eps^2));
 *   ancestral_step: sigma_up^2 exact, sigma_down = sqrt(sigma_to^2 - sigma_up^2);
 *   ddim_coeffs: every squared coefficient exact, coef_eps rationalised. */
#include "vec_indep.h"

#include <math.h>

static void q_d(mpq_t q, double d) { mpq_set_d(q, d); }

static int gauss_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  (void)cache;
  if (!(in[2] > 0) || !isfinite(in[0]) || !isfinite(in[1]) || !isfinite(in[2])) return -1;
  mpq_t x, mu, s2, r;
  mpq_inits(x, mu, s2, r, NULL);
  q_d(x, in[0]);
  q_d(mu, in[1]);
  q_d(s2, in[2]);
  mpq_mul(s2, s2, s2);
  mpq_sub(r, mu, x);
  mpq_div(r, r, s2);
  mpfr_set_q(out[0], r, MPFR_RNDN);            /* score */
  mpq_sub(r, x, mu);
  mpq_mul(r, r, r);
  mpq_div(r, r, s2);
  mpq_div_2exp(r, r, 1);                       /* (x - mu)^2 / (2 sigma^2) */
  mpfr_t a, b;
  mpfr_inits2(p + 64, a, b, (mpfr_ptr)0);
  mpfr_const_pi(a, MPFR_RNDN);
  mpfr_mul_2ui(a, a, 1, MPFR_RNDN);
  mpfr_mul_q(a, a, s2, MPFR_RNDN);
  mpfr_log(a, a, MPFR_RNDN);
  mpfr_div_2ui(a, a, 1, MPFR_RNDN);            /* log(2 pi sigma^2)/2 */
  mpfr_set_q(b, r, MPFR_RNDN);
  mpfr_add(a, a, b, MPFR_RNDN);
  mpfr_neg(out[1], a, MPFR_RNDN);
  mpfr_clears(a, b, (mpfr_ptr)0);
  mpq_clears(x, mu, s2, r, NULL);
  return 0;
}

/* out: mean var; in: x_t mu_t sigma_t score dscore */
static int tweedie_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  (void)p; (void)cache;
  for (int i = 0; i < 5; i++) if (!isfinite(in[i])) return -1;
  if (in[1] == 0) return -1;
  mpq_t x, mu, s2, sc, ds;
  mpq_inits(x, mu, s2, sc, ds, NULL);
  q_d(x, in[0]); q_d(mu, in[1]); q_d(s2, in[2]); q_d(sc, in[3]); q_d(ds, in[4]);
  mpq_mul(s2, s2, s2);
  mpq_mul(sc, sc, s2);
  mpq_add(sc, sc, x);
  mpq_div(sc, sc, mu);
  mpfr_set_q(out[0], sc, MPFR_RNDN);
  mpq_mul(ds, ds, s2);
  mpq_set_ui(x, 1, 1);
  mpq_add(ds, ds, x);
  mpq_mul(ds, ds, s2);
  mpq_div(ds, ds, mu);
  mpq_div(ds, ds, mu);
  mpfr_set_q(out[1], ds, MPFR_RNDN);
  mpq_clears(x, mu, s2, sc, ds, NULL);
  return 0;
}

/* out: w b loss_constant; in: mu sigma sigma_eps */
static int dsm_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  (void)p; (void)cache;
  if (!isfinite(in[0]) || !(in[1] > 0) || !(in[2] > 0)) return -1;
  mpq_t mu, s2, e2, tot, r;
  mpq_inits(mu, s2, e2, tot, r, NULL);
  q_d(mu, in[0]); q_d(s2, in[1]); q_d(e2, in[2]);
  mpq_mul(s2, s2, s2);
  mpq_mul(e2, e2, e2);
  mpq_add(tot, s2, e2);
  mpq_inv(tot, tot);                 /* 1/(sigma^2 + sigma_eps^2) */
  mpq_neg(r, tot);
  mpfr_set_q(out[0], r, MPFR_RNDN);
  mpq_mul(r, mu, tot);
  mpfr_set_q(out[1], r, MPFR_RNDN);
  mpq_inv(r, e2);
  mpq_sub(r, r, tot);
  mpfr_set_q(out[2], r, MPFR_RNDN);
  mpq_clears(mu, s2, e2, tot, r, NULL);
  return 0;
}

/* out: sigma_up sigma_down; in: sigma_from sigma_to */
static int ancestral_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  (void)p; (void)cache;
  if (!(in[0] > 0) || !(in[1] >= 0) || !(in[1] <= in[0])) return -1;
  mpq_t f2, t2, up2;
  mpq_inits(f2, t2, up2, NULL);
  q_d(f2, in[0]); q_d(t2, in[1]);
  mpq_mul(f2, f2, f2);
  mpq_mul(t2, t2, t2);
  mpq_sub(up2, f2, t2);
  mpq_mul(up2, up2, t2);
  mpq_div(up2, up2, f2);
  if (mpq_cmp(up2, t2) > 0) mpq_set(up2, t2);   /* min(sigma_to, .) */
  vi_sqrt_q(out[0], up2);
  mpq_sub(up2, t2, up2);
  vi_sqrt_q(out[1], up2);
  mpq_clears(f2, t2, up2, NULL);
  return 0;
}

/* out: sigma coef_x0 coef_dir coef_xt coef_eps; in: alphabar_t alphabar_prev eta */
static int ddim_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  (void)cache;
  if (!(in[0] > 0 && in[0] < 1) || !(in[1] >= in[0] && in[1] <= 1) || !(in[2] >= 0)) return -1;
  mpq_t at, ap, eta, s2, d2, X, r;
  mpq_inits(at, ap, eta, s2, d2, X, r, NULL);
  q_d(at, in[0]); q_d(ap, in[1]); q_d(eta, in[2]);
  mpq_set_ui(r, 1, 1);
  mpq_sub(s2, r, ap);                 /* sigma^2 = eta^2 (1 - ap)(ap - at) / ((1 - at) ap) */
  mpq_sub(X, ap, at);
  mpq_mul(s2, s2, X);
  mpq_sub(X, r, at);
  mpq_div(s2, s2, X);
  mpq_div(s2, s2, ap);
  mpq_mul(s2, s2, eta);
  mpq_mul(s2, s2, eta);
  mpq_sub(d2, r, ap);                 /* dir^2 = 1 - ap - sigma^2 */
  mpq_sub(d2, d2, s2);
  mpq_sub(X, r, at);                  /* X = ap (1 - at)/at */
  mpq_mul(X, X, ap);
  mpq_div(X, X, at);
  vi_sqrt_q(out[0], s2);
  mpq_set(r, ap);
  vi_sqrt_q(out[1], r);
  vi_sqrt_q(out[2], d2);
  mpq_div(r, ap, at);
  vi_sqrt_q(out[3], r);
  mpfr_t a, b;                        /* coef_eps = (dir^2 - X)/(dir + sqrt X) */
  mpfr_inits2(p + 16, a, b, (mpfr_ptr)0);
  vi_sqrt_q(a, X);
  vi_sqrt_q(b, d2);
  mpfr_add(a, a, b, MPFR_RNDN);
  mpq_sub(r, d2, X);
  mpfr_set_q(b, r, MPFR_RNDN);
  mpfr_div(out[4], b, a, MPFR_RNDN);
  mpfr_clears(a, b, (mpfr_ptr)0);
  mpq_clears(at, ap, eta, s2, d2, X, r, NULL);
  return 0;
}

const vi_check vi_gauss_score = { "gauss_score", gauss_check, NULL, NULL };
const vi_check vi_tweedie = { "tweedie", tweedie_check, NULL, NULL };
const vi_check vi_dsm_optimum = { "dsm_optimum", dsm_check, NULL, NULL };
const vi_check vi_ancestral_step = { "ancestral_step", ancestral_check, NULL, NULL };
const vi_check vi_ddim_coeffs = { "ddim_coeffs", ddim_check, NULL, NULL };
