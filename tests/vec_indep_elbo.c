/* vec_indep_elbo.c -- independent checks of suites gauss_kl and lgc_elbo.
 *   gauss_kl: e^d - 1 - d by its Taylor series sum_{k>=2} d^k/k! (|d| < 1/2),
 *     (mu1 - mu2)^2 exact;
 *   lgc_elbo: the ELBO as E_q log p(x0, x1, x2) + H(q) under the forward
 *     factorisation q(x1|x0) q(x2|x1) (exact rational moments, one log);
 *     recon and kl_prior by two-point Gauss-Hermite quadrature (exact for
 *     their quadratic integrands); kl_2 = recon - kl_prior - elbo; log p(x0)
 *     by Bayes' rule at x1 = E p(x1): p(x0|x1) p(x1) / p(x1|x0). */
#include "vec_indep.h"

#include <math.h>

/* out: kl; in: mu1 logvar1 mu2 logvar2 */
static int kl_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  (void)cache;
  for (int i = 0; i < 4; i++) if (!isfinite(in[i])) return -1;
  mpq_t d, m;
  mpq_inits(d, m, NULL);
  mpq_set_d(d, in[1]);
  mpq_set_d(m, in[3]);
  mpq_sub(d, d, m);
  mpq_t m2;
  mpq_init(m2);
  mpq_set_d(m, in[0]);
  mpq_set_d(m2, in[2]);
  mpq_sub(m, m, m2);
  mpq_mul(m, m, m);
  mpfr_prec_t q = p + 64;
  mpfr_t D, s, term, a;
  mpfr_inits2(q, D, s, term, a, (mpfr_ptr)0);
  mpfr_set_q(D, d, MPFR_RNDN);
  if (mpfr_cmp_d(D, 0.5) < 0 && mpfr_cmp_d(D, -0.5) > 0) {
    mpfr_sqr(term, D, MPFR_RNDN);
    mpfr_div_2ui(term, term, 1, MPFR_RNDN);
    mpfr_set(s, term, MPFR_RNDN);
    for (unsigned long k = 3; !mpfr_zero_p(term) && mpfr_get_exp(term) > mpfr_get_exp(s) - (mpfr_exp_t)q; k++) {
      mpfr_mul(term, term, D, MPFR_RNDN);
      mpfr_div_ui(term, term, k, MPFR_RNDN);
      mpfr_add(s, s, term, MPFR_RNDN);
    }
  } else {
    mpfr_exp(s, D, MPFR_RNDN);
    mpfr_sub_ui(s, s, 1, MPFR_RNDN);
    mpfr_sub(s, s, D, MPFR_RNDN);
  }
  mpfr_set_d(a, -in[3], MPFR_RNDN);
  mpfr_exp(a, a, MPFR_RNDN);
  mpfr_mul_q(a, a, m, MPFR_RNDN);
  mpfr_add(s, s, a, MPFR_RNDN);
  mpfr_div_2ui(out[0], s, 1, MPFR_RNDN);
  mpfr_clears(D, s, term, a, (mpfr_ptr)0);
  mpq_clears(d, m, m2, NULL);
  return 0;
}

/* y = log N(x; m, v) = -(log(2 pi v) + (x - m)^2/v)/2 */
static void log_normal(mpfr_t y, const mpfr_t x, const mpfr_t m, const mpq_t v)
{
  mpfr_t a, b;
  mpfr_inits2(mpfr_get_prec(y), a, b, (mpfr_ptr)0);
  mpfr_sub(a, x, m, MPFR_RNDN);
  mpfr_sqr(a, a, MPFR_RNDN);
  mpfr_div_q(a, a, v, MPFR_RNDN);
  mpfr_const_pi(b, MPFR_RNDN);
  mpfr_mul_2ui(b, b, 1, MPFR_RNDN);
  mpfr_mul_q(b, b, v, MPFR_RNDN);
  mpfr_log(b, b, MPFR_RNDN);
  mpfr_add(a, a, b, MPFR_RNDN);
  mpfr_div_si(y, a, -2, MPFR_RNDN);
  mpfr_clears(a, b, (mpfr_ptr)0);
}

/* y = (1/2) sum_{+-} f(m +- sqrt v) for f(x) = log N(x; fm, fv) - log N(x; gm, gv)
 * (g absent: gv NULL), f at x = ax + b with a scale: two-point Gauss-Hermite. */
static void gh2(mpfr_t y, const mpq_t m, const mpq_t v, const mpq_t sa, const mpq_t sb, const mpq_t fm,
                const mpq_t fv, const mpq_t gm, const mpq_t gv, const mpq_t obs)
{
  mpfr_prec_t p = mpfr_get_prec(y);
  mpfr_t r, x, mu, f, g, acc;
  mpfr_inits2(p, r, x, mu, f, g, acc, (mpfr_ptr)0);
  vi_sqrt_q(r, v);
  mpfr_set_zero(acc, 1);
  for (int sgn = -1; sgn <= 1; sgn += 2) {
    mpfr_mul_si(x, r, sgn, MPFR_RNDN);
    mpfr_add_q(x, x, m, MPFR_RNDN);             /* node of the latent */
    if (obs) {                                   /* log N(obs; sa x + sb, fv) */
      mpfr_mul_q(mu, x, sa, MPFR_RNDN);
      mpfr_add_q(mu, mu, sb, MPFR_RNDN);
      mpfr_set_q(x, obs, MPFR_RNDN);
      log_normal(f, x, mu, fv);
    } else {
      mpfr_set_q(mu, fm, MPFR_RNDN);
      log_normal(f, x, mu, fv);
      mpfr_set_q(mu, gm, MPFR_RNDN);
      log_normal(g, x, mu, gv);
      mpfr_sub(f, f, g, MPFR_RNDN);
    }
    mpfr_add(acc, acc, f, MPFR_RNDN);
  }
  mpfr_div_2ui(y, acc, 1, MPFR_RNDN);
  mpfr_clears(r, x, mu, f, g, acc, (mpfr_ptr)0);
}

enum { L1, L2, A1, A2, B1, B2, C1, C2, MT, VT, X0, NQ };

/* out: log_evidence elbo recon kl_prior kl_2 */
static int lgc_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  (void)cache;
  for (int i = 0; i < NQ; i++) if (!isfinite(in[i])) return -1;
  if (!(in[C1] > 0 && in[C2] > 0 && in[VT] > 0 && fabs(in[L1]) < 1 && fabs(in[L2]) < 1)) return -1;
  mpq_t v[NQ], one, s1, e1, Ex2, Vx2, t, u, Qs, det, m1, V1, P, mu;
  for (int i = 0; i < NQ; i++) { mpq_init(v[i]); mpq_set_d(v[i], in[i]); }
  mpq_inits(one, s1, e1, Ex2, Vx2, t, u, Qs, det, m1, V1, P, mu, NULL);
  mpq_set_ui(one, 1, 1);
  mpq_mul(s1, v[L1], v[L1]); mpq_sub(s1, one, s1);          /* Var q(x1|x0) */
  mpq_mul(e1, v[L1], v[X0]);                                 /* E q(x1|x0) */
  mpq_mul(Ex2, v[L2], e1);
  mpq_mul(t, v[L2], v[L2]); mpq_sub(u, one, t);              /* u = 1 - l2^2 */
  mpq_mul(Vx2, t, s1); mpq_add(Vx2, Vx2, u);
  mpq_mul(det, s1, u);                                       /* det Cov q(x1, x2 | x0) */
  /* Q2 = (Vx2 + (Ex2 - mT)^2)/(2 vT) */
  mpq_sub(t, Ex2, v[MT]); mpq_mul(t, t, t); mpq_add(t, t, Vx2); mpq_div(t, t, v[VT]);
  mpq_set(Qs, t);
  /* Q1 = (s1 - 2 a2 l2 s1 + a2^2 Vx2 + (e1 - a2 Ex2 - b2)^2)/(2 c2) */
  mpq_mul(t, v[A2], v[L2]); mpq_mul(t, t, s1); mpq_add(t, t, t); mpq_sub(t, s1, t);
  mpq_mul(u, v[A2], v[A2]); mpq_mul(u, u, Vx2); mpq_add(t, t, u);
  mpq_mul(u, v[A2], Ex2); mpq_sub(u, e1, u); mpq_sub(u, u, v[B2]); mpq_mul(u, u, u); mpq_add(t, t, u);
  mpq_div(t, t, v[C2]); mpq_add(Qs, Qs, t);
  /* Q0 = ((x0 - a1 e1 - b1)^2 + a1^2 s1)/(2 c1) */
  mpq_mul(t, v[A1], e1); mpq_sub(t, v[X0], t); mpq_sub(t, t, v[B1]); mpq_mul(t, t, t);
  mpq_mul(u, v[A1], v[A1]); mpq_mul(u, u, s1); mpq_add(t, t, u); mpq_div(t, t, v[C1]);
  mpq_add(Qs, Qs, t);
  mpq_div_2exp(Qs, Qs, 1);
  mpfr_prec_t q = p + 64;
  mpfr_t a, b, elbo, recon, klp;
  mpfr_inits2(q, a, b, elbo, recon, klp, (mpfr_ptr)0);
  /* elbo = 1 - log(2 pi)/2 - log(vT c1 c2 / det)/2 - Qs */
  mpq_mul(t, v[VT], v[C1]); mpq_mul(t, t, v[C2]); mpq_div(t, t, det);
  mpfr_const_pi(a, MPFR_RNDN); mpfr_mul_2ui(a, a, 1, MPFR_RNDN); mpfr_mul_q(a, a, t, MPFR_RNDN);
  mpfr_log(a, a, MPFR_RNDN); mpfr_div_2ui(a, a, 1, MPFR_RNDN);
  mpfr_ui_sub(elbo, 1, a, MPFR_RNDN);
  mpfr_sub_q(elbo, elbo, Qs, MPFR_RNDN);
  /* recon = E_{x1 ~ N(e1, s1)} log N(x0; a1 x1 + b1, c1) */
  gh2(recon, e1, s1, v[A1], v[B1], NULL, v[C1], NULL, NULL, v[X0]);
  /* kl_prior = E_{x2 ~ q} [log q(x2) - log p(x2)], q = N(l1 l2 x0, 1 - l1^2 l2^2) */
  mpq_mul(t, v[L1], v[L2]); mpq_mul(u, t, t); mpq_sub(u, one, u); mpq_mul(t, t, v[X0]);
  gh2(klp, t, u, NULL, NULL, t, u, v[MT], v[VT], NULL);
  mpfr_set(out[1], elbo, MPFR_RNDN);
  mpfr_set(out[2], recon, MPFR_RNDN);
  mpfr_set(out[3], klp, MPFR_RNDN);
  mpfr_sub(a, recon, klp, MPFR_RNDN);
  mpfr_sub(out[4], a, elbo, MPFR_RNDN);
  /* log p(x0) = -log(2 pi)/2 - log(c1 V1 P)/2 - (x0 - a1 m1 - b1)^2/(2 c1) + (m1 - mu)^2 P/2,
   * m1 = a2 mT + b2, V1 = a2^2 vT + c2, P = 1/V1 + a1^2/c1, mu = (m1/V1 + a1 (x0 - b1)/c1)/P */
  mpq_mul(m1, v[A2], v[MT]); mpq_add(m1, m1, v[B2]);
  mpq_mul(V1, v[A2], v[A2]); mpq_mul(V1, V1, v[VT]); mpq_add(V1, V1, v[C2]);
  mpq_inv(P, V1); mpq_mul(t, v[A1], v[A1]); mpq_div(t, t, v[C1]); mpq_add(P, P, t);
  mpq_div(mu, m1, V1); mpq_sub(t, v[X0], v[B1]); mpq_mul(t, t, v[A1]); mpq_div(t, t, v[C1]); mpq_add(mu, mu, t);
  mpq_div(mu, mu, P);
  mpq_sub(t, m1, mu); mpq_mul(t, t, t); mpq_mul(t, t, P);                       /* + */
  mpq_mul(u, v[A1], m1); mpq_sub(u, v[X0], u); mpq_sub(u, u, v[B1]); mpq_mul(u, u, u); mpq_div(u, u, v[C1]);
  mpq_sub(t, t, u); mpq_div_2exp(t, t, 1);
  mpq_mul(u, v[C1], V1); mpq_mul(u, u, P);
  mpfr_const_pi(a, MPFR_RNDN); mpfr_mul_2ui(a, a, 1, MPFR_RNDN); mpfr_mul_q(a, a, u, MPFR_RNDN);
  mpfr_log(a, a, MPFR_RNDN); mpfr_div_si(a, a, -2, MPFR_RNDN);
  mpfr_add_q(out[0], a, t, MPFR_RNDN);
  mpfr_clears(a, b, elbo, recon, klp, (mpfr_ptr)0);
  for (int i = 0; i < NQ; i++) mpq_clear(v[i]);
  mpq_clears(one, s1, e1, Ex2, Vx2, t, u, Qs, det, m1, V1, P, mu, NULL);
  return 0;
}

const vi_check vi_gauss_kl = { "gauss_kl", kl_check, NULL, NULL };
const vi_check vi_lgc_elbo = { "lgc_elbo", lgc_check, NULL, NULL };
