/* suite_lgc.c -- suite lgc_elbo (claims elbo.lgc.terms elbo.lgc.evidence): the
 * closed-form ELBO of the two-step linear-Gaussian chain (D7): forward
 * q(x_t | x_{t-1}) = N(lambda_t x_{t-1}, 1 - lambda_t^2), generative p(x_2) =
 * N(mT, vT), p(x_{t-1} | x_t) = N(a_t x_t + b_t, c_t): log p(x_0), the ELBO and
 * its terms recon, kl_prior and kl_2. eval: ref_lgc_* (reference/elbo.c);
 * cross: every mean and variance as an exact GMP rational, the logs in MPFR,
 * each sum with its cancellation counted. */
#include "suites.h"
#include "dmcref.h"
#include "suite_util.h"

#include <math.h>
#include <stdint.h>

static const char *const in_names[] = { "lambda1", "lambda2", "a1", "a2", "b1", "b2", "c1", "c2", "mT", "vT", "x0" };
static const char *const out_names[] = { "log_evidence", "elbo", "recon", "kl_prior", "kl_2" };
#define NIN 11
#define NOUT 5
#define ROWS 48

static size_t lgc_count(void) { return ROWS; }

/* A stateless hash of (row, draw) to an integer in [0, n). */
static uint64_t hash(size_t r, unsigned k, uint64_t n)
{
  uint64_t z = (uint64_t)r * 64u + k + 0x9e3779b97f4a7c15u;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  z ^= z >> 31;
  return z % n;
}

/* Dyadic parameters (exact on every machine): lambda in [0.5, 0.998], a in
 * [0.25, 1.75], b in [-0.5, 0.5], c in [2^-10, 1], mT in [-1, 1], vT in
 * [0.5, 1.5], x0 in [-3, 3]. Every fourth row has a nearly deterministic
 * forward chain (lambda close to 1) and small c. */
static int lgc_inputs(size_t r, double *in)
{
  int tight = r % 4 == 3;
  for (int t = 0; t < 2; t++) {
    in[t] = tight ? 1.0 - ldexp(1.0 + (double)hash(r, t, 64), -12) : 0.5 + (double)hash(r, t, 511) / 1024;
    in[2 + t] = 0.25 + (double)hash(r, 2 + t, 1536) / 1024;
    in[4 + t] = ((double)hash(r, 4 + t, 1025) - 512) / 1024;
    in[6 + t] = tight ? ldexp(1.0 + (double)hash(r, 6 + t, 64) / 64, -10) : (1.0 + (double)hash(r, 6 + t, 1023)) / 1024;
  }
  in[8] = ((double)hash(r, 8, 2049) - 1024) / 1024;
  in[9] = 0.5 + (double)hash(r, 9, 1025) / 1024;
  in[10] = ((double)hash(r, 10, 6145) - 3072) / 1024;
  return 0;
}

static void qd(mpq_t q, double d) { mpq_set_d(q, d); }

/* KL(N(m1, v1) || N(m2, v2)) = (log(v2/v1) + (v1 + (m1 - m2)^2)/v2 - 1)/2,
 * with e2 = E(m1 - m2)^2 given exactly: the rational part exactly, the log
 * in MPFR; returns bits lost to cancellation. */
static long kl_q(mpfr_t out, const mpq_t v1, const mpq_t v2, const mpq_t e2)
{
  mpq_t r, t;
  mpq_inits(r, t, NULL);
  mpq_add(r, v1, e2);
  mpq_div(r, r, v2);
  mpq_set_ui(t, 1, 1);
  mpq_sub(r, r, t);                                  /* (v1 + e2)/v2 - 1, exact */
  mpfr_t a, b;
  mpfr_inits2(mpfr_get_prec(out), a, b, (mpfr_ptr)0);
  mpq_div(t, v2, v1);
  mpfr_set_q(a, t, MPFR_RNDN);
  mpfr_log(a, a, MPFR_RNDN);
  mpfr_set_q(b, r, MPFR_RNDN);
  mpfr_add(out, a, b, MPFR_RNDN);
  long loss = mpfr_zero_p(out) ? MPREF_PREC_MAX : mpref_cancel_bits(out, a, b);
  mpfr_div_2ui(out, out, 1, MPFR_RNDN);
  mpfr_clears(a, b, (mpfr_ptr)0);
  mpq_clears(r, t, NULL);
  return loss;
}

/* -(log(2 pi v) + e2/v)/2 */
static void loglik_q(mpfr_t out, const mpq_t v, const mpq_t e2)
{
  mpq_t t;
  mpq_init(t);
  mpfr_t a;
  mpfr_init2(a, mpfr_get_prec(out));
  mpfr_const_pi(a, MPFR_RNDN);
  mpfr_mul_2ui(a, a, 1, MPFR_RNDN);
  mpfr_set_q(out, v, MPFR_RNDN);
  mpfr_mul(a, a, out, MPFR_RNDN);
  mpfr_log(a, a, MPFR_RNDN);
  mpq_div(t, e2, v);
  mpfr_set_q(out, t, MPFR_RNDN);
  mpfr_add(out, out, a, MPFR_RNDN);                  /* e2/v >= 0: cancellation only via log < 0 */
  mpfr_div_2ui(out, out, 1, MPFR_RNDN);
  mpfr_neg(out, out, MPFR_RNDN);
  mpfr_clear(a);
  mpq_clear(t);
}

static long lgc_cross_out(mpfr_t y, const double *in, int k, void *unused)
{
  (void)unused;
  mpfr_prec_t q = mpfr_get_prec(y) + 64;
  mpq_t l1, l2, a1, a2, b1, b2, c1, c2, mT, vT, x0, A2, m, v, e, t, u, s;
  mpq_inits(l1, l2, a1, a2, b1, b2, c1, c2, mT, vT, x0, A2, m, v, e, t, u, s, NULL);
  qd(l1, in[0]); qd(l2, in[1]); qd(a1, in[2]); qd(a2, in[3]); qd(b1, in[4]); qd(b2, in[5]);
  qd(c1, in[6]); qd(c2, in[7]); qd(mT, in[8]); qd(vT, in[9]); qd(x0, in[10]);
  mpq_mul(A2, l1, l2);
  mpfr_t rec, klp, kl2, w;
  mpfr_inits2(q, rec, klp, kl2, w, (mpfr_ptr)0);
  long loss = 0;
  /* recon: x1 ~ N(l1 x0, 1 - l1^2); E(x0 - a1 x1 - b1)^2 = (x0 - a1 l1 x0 - b1)^2 + a1^2 (1 - l1^2) */
  mpq_mul(t, a1, l1); mpq_mul(t, t, x0); mpq_sub(e, x0, t); mpq_sub(e, e, b1); mpq_mul(e, e, e);
  mpq_mul(t, l1, l1); mpq_set_ui(u, 1, 1); mpq_sub(u, u, t); mpq_mul(t, a1, a1); mpq_mul(t, t, u); mpq_add(e, e, t);
  loglik_q(rec, c1, e);
  /* kl_prior: KL(N(A2 x0, 1 - A2^2) || N(mT, vT)) */
  mpq_mul(m, A2, x0); mpq_sub(e, m, mT); mpq_mul(e, e, e);
  mpq_mul(v, A2, A2); mpq_set_ui(t, 1, 1); mpq_sub(v, t, v);
  long lp = kl_q(klp, v, vT, e);
  /* kl_2: posterior q(x1 | x2, x0) = N(g0 x0 + gt x2, vv), D = 1 - l1^2 l2^2,
   * g0 = (1 - l2^2) l1 / D, gt = l2 (1 - l1^2) / D, vv = (1 - l2^2)(1 - l1^2)/D;
   * over x2 ~ N(A2 x0, 1 - A2^2): E(mean diff)^2 = (g0 x0 - b2 + (gt - a2) A2 x0)^2 + (gt - a2)^2 (1 - A2^2) */
  mpq_t D, g0, gt, vv, om1, om2;
  mpq_inits(D, g0, gt, vv, om1, om2, NULL);
  mpq_set_ui(om1, 1, 1); mpq_mul(t, l1, l1); mpq_sub(om1, om1, t);
  mpq_set_ui(om2, 1, 1); mpq_mul(t, l2, l2); mpq_sub(om2, om2, t);
  mpq_set_ui(D, 1, 1); mpq_mul(t, A2, A2); mpq_sub(D, D, t);
  mpq_mul(g0, om2, l1); mpq_div(g0, g0, D);
  mpq_mul(gt, l2, om1); mpq_div(gt, gt, D);
  mpq_mul(vv, om2, om1); mpq_div(vv, vv, D);
  mpq_sub(s, gt, a2);                                /* gt - a2 */
  mpq_mul(e, g0, x0); mpq_sub(e, e, b2); mpq_mul(t, s, A2); mpq_mul(t, t, x0); mpq_add(e, e, t); mpq_mul(e, e, e);
  mpq_mul(t, s, s); mpq_mul(t, t, D); mpq_add(e, e, t);
  long l2loss = kl_q(kl2, vv, c2, e);
  long out_loss;
  switch (k) {
  case 0: { /* log p(x0): x0 ~ N(a1 (a2 mT + b2) + b1, a1^2 (a2^2 vT + c2) + c1) */
    mpq_mul(m, a2, mT); mpq_add(m, m, b2); mpq_mul(m, m, a1); mpq_add(m, m, b1);
    mpq_mul(v, a2, a2); mpq_mul(v, v, vT); mpq_add(v, v, c2); mpq_mul(t, a1, a1); mpq_mul(v, v, t); mpq_add(v, v, c1);
    mpq_sub(e, x0, m); mpq_mul(e, e, e);
    loglik_q(w, v, e);
    mpfr_set(y, w, MPFR_RNDN);
    out_loss = 2;
    break;
  }
  case 1: /* recon - kl_prior - kl_2 */
    mpfr_sub(w, rec, klp, MPFR_RNDN);
    loss = mpfr_zero_p(w) ? MPREF_PREC_MAX : mpref_cancel_bits(w, rec, klp);
    mpfr_sub(y, w, kl2, MPFR_RNDN);
    loss += mpfr_zero_p(y) ? MPREF_PREC_MAX : mpref_cancel_bits(y, w, kl2);
    out_loss = loss + (lp > l2loss ? lp : l2loss) + 4;
    break;
  case 2: mpfr_set(y, rec, MPFR_RNDN); out_loss = 2; break;
  case 3: mpfr_set(y, klp, MPFR_RNDN); out_loss = lp + 2; break;
  default: mpfr_set(y, kl2, MPFR_RNDN); out_loss = l2loss + 2; break;
  }
  /* the Gaussian log-likelihoods cancel when log(2 pi v) ~ -e2/v; count it */
  if (k == 0 || k == 2) out_loss += mpfr_get_exp(y) < 0 ? -(long)mpfr_get_exp(y) + 8 : 8;
  mpq_clears(D, g0, gt, vv, om1, om2, NULL);
  mpfr_clears(rec, klp, kl2, w, (mpfr_ptr)0);
  mpq_clears(l1, l2, a1, a2, b1, b2, c1, c2, mT, vT, x0, A2, m, v, e, t, u, s, NULL);
  return MPREF_SLACK + out_loss;
}

static int lgc_eval(const double *in, double *out)
{
  double lambda[2] = { in[0], in[1] }, a[2] = { in[2], in[3] }, b[2] = { in[4], in[5] }, c[2] = { in[6], in[7] };
  int worst = 0, s[NOUT];
  const dmc_lgc m = { 2, lambda, a, b, c, in[8], in[9] };
  s[0] = ref_lgc_log_evidence(&m, in[10], &out[0]);
  s[1] = ref_lgc_elbo(&m, in[10], &out[1]);
  for (int k = 0; k < 3; k++) s[2 + k] = ref_lgc_term(&m, in[10], (size_t)k, &out[2 + k]);
  for (int k = 0; k < NOUT; k++) {
    if (s[k] == 1) { for (int j = 0; j < NOUT; j++) out[j] = NAN; return 1; }
    if (s[k] > worst) worst = s[k];
  }
  return worst;
}

static int lgc_crossf(const double *in, double *out)
{
  int ok = 1;
  for (int i = 0; i < NIN; i++) ok &= isfinite(in[i]);
  ok = ok && in[0] > 0 && in[0] < 1 && in[1] > 0 && in[1] < 1 && in[6] > 0 && in[7] > 0 && in[9] > 0;
  if (!ok) { for (int k = 0; k < NOUT; k++) out[k] = NAN; return 1; }
  return suite_round_outputs(lgc_cross_out, in, NOUT, NULL, out);
}

const dmc_suite dmc_suite_lgc_elbo = {
  "lgc_elbo",
  "Two-step linear-Gaussian chain (D7): forward q(x_t|x_{t-1}) = N(lambda_t x_{t-1}, 1 - lambda_t^2),"
  " generative p(x_2) = N(mT, vT), p(x_{t-1}|x_t) = N(a_t x_t + b_t, c_t): log_evidence = log p(x0),"
  " elbo = recon - kl_prior - kl_2, recon = E_q log p(x0|x1), kl_prior = KL(q(x2|x0) || p(x2)), kl_2 ="
  " E_q KL(q(x1|x2,x0) || p(x1|x2)). 48 rows of dyadic parameters from a fixed hash; every fourth row"
  " has lambda within 2^-6 of 1 and c near 2^-10. Values from ref_lgc_log_evidence, ref_lgc_elbo and"
  " ref_lgc_term (D7).",
  "elbo.lgc.terms elbo.lgc.evidence",
  NIN, NOUT, in_names, out_names, lgc_count, lgc_inputs, lgc_eval, lgc_crossf,
  "elbo as E_q log p(x0,x1,x2) + H(q) under the forward factorisation (exact rational moments, one log); recon, kl_prior by 2-point Gauss-Hermite quadrature; kl_2 = recon - kl_prior - elbo; log p(x0) by Bayes' rule at a point (tests/vec_indep_elbo.c)"
};
