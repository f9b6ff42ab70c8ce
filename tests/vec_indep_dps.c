/* vec_indep_dps.c -- the independent check of suite dps_linear (D3): the
 * likelihood scores in the precision form, exact GMP rationals rounded once.
 * With P = sigma^2/s^2 + mu^2 (sigma^2 times the posterior precision of x_0):
 *   score_exact = mu a (y - a xhat)/(sigma_y^2 P + sigma^2 a^2),
 *   score_dps   = mu a (y - a xhat)/(sigma_y^2 P),
 *   ratio       = 1 - sigma^2 a^2/(sigma_y^2 P + sigma^2 a^2),
 * xhat = (sigma^2 m + mu s^2 x_t)/(sigma^2 + mu^2 s^2). The generator uses
 * mu s^2 a N / (v (sigma_y^2 v + a^2 sigma^2 s^2)) with N = v (y - a xhat)
 * expanded (reference/dps.c). */
#include "vec_indep.h"

#include <math.h>

/* in: x_t y mu_t sigma_t m s a sigma_y; out: score_exact score_dps ratio */
static int dps_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  (void)p; (void)cache;
  for (int i = 0; i < 8; i++) if (!isfinite(in[i])) return -1;
  if (in[2] == 0 || !(in[3] >= 0) || !(in[5] > 0) || !(in[7] > 0)) return -1;
  mpq_t x, y, mu, q, m, s2, a, r, xh, P, t, u;
  mpq_inits(x, y, mu, q, m, s2, a, r, xh, P, t, u, NULL);
  mpq_set_d(x, in[0]); mpq_set_d(y, in[1]); mpq_set_d(mu, in[2]); mpq_set_d(q, in[3]);
  mpq_set_d(m, in[4]); mpq_set_d(s2, in[5]); mpq_set_d(a, in[6]); mpq_set_d(r, in[7]);
  mpq_mul(q, q, q); mpq_mul(s2, s2, s2); mpq_mul(r, r, r);
  mpq_mul(xh, q, m); mpq_mul(t, mu, s2); mpq_mul(t, t, x); mpq_add(xh, xh, t);           /* sigma^2 m + mu s^2 x */
  mpq_mul(t, mu, mu); mpq_mul(t, t, s2); mpq_add(t, t, q); mpq_div(xh, xh, t);
  mpq_mul(t, a, xh); mpq_sub(t, y, t); mpq_mul(t, t, a); mpq_mul(t, t, mu);             /* mu a (y - a xhat) */
  mpq_div(P, q, s2); mpq_mul(u, mu, mu); mpq_add(P, P, u); mpq_mul(P, P, r);            /* sigma_y^2 P */
  mpq_div(u, t, P);
  mpfr_set_q(out[1], u, MPFR_RNDN);
  mpq_mul(u, q, a); mpq_mul(u, u, a);                                                     /* sigma^2 a^2 */
  mpq_add(P, P, u);
  mpq_div(t, t, P);
  mpfr_set_q(out[0], t, MPFR_RNDN);
  mpq_div(u, u, P); mpq_set_ui(t, 1, 1); mpq_sub(u, t, u);
  mpfr_set_q(out[2], u, MPFR_RNDN);
  mpq_clears(x, y, mu, q, m, s2, a, r, xh, P, t, u, NULL);
  return 0;
}

const vi_check vi_dps_linear = { "dps_linear", dps_check, NULL, NULL };
