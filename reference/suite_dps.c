/* suite_dps.c -- suite dps_linear (claims dps.score.exact dps.score.dps dps.ratio):
 * the exact and the DPS likelihood scores of the scalar linear-Gaussian inverse
 * problem, prior N(m, s^2), x_t = mu_t x_0 + sigma_t eps, y = a x_0 + N(0, sigma_y^2),
 * on VP paths mu_t = sqrt(ab), sigma_t = sqrt(1 - ab) (both rounded) from t ~ 0 to
 * t ~ T, with observations far from and next to a xhat (cancellation).
 * eval: ref_dps_score_exact / ref_dps_score_dps / ref_dps_ratio (D3, MPFR closed
 * forms); independent check: tests/vec_indep_dps.c (the precision form); cross,
 * a second path: exact rationals by other routes -- the exact score as
 * grad log p(x_t | y) - grad log p(x_t) from the joint Gaussian of (x_t, y), the
 * DPS score through Tweedie's mean and Jacobian (x_t + sigma^2 score)/mu and
 * (1 - sigma^2/v)/mu, the ratio from the Tweedie variance. */
#include "suites.h"
#include "dmcref.h"
#include "suite_util.h"

#include <gmp.h>
#include <math.h>

enum { X, Y, MU, SG, M, S, A, SY, NIN };
static const char *const in_names[] = { "x_t", "y", "mu_t", "sigma_t", "m", "s", "a", "sigma_y" };
static const char *const out_names[] = { "score_exact", "score_dps", "ratio" };

static const double abs_[] = { 0.99999999, 0.9999, 0.5, 1e-4, 0x1p-24 };
static const double sys_[] = { 1e-3, 0.1, 10 };
static const double as_[] = { 1, -2.5, 0.3 };
static const double xs_[] = { 0.5, -1.7 };
static const double ss_[] = { 1, 0.25 };
#define M_PRIOR 0.2
static const size_t len[6] = { 5, 3, 3, 2, 2, 2 };   /* ab, sigma_y, a, x_t, s, y kind */
static size_t dps_count(void) { return 5 * 3 * 3 * 2 * 2 * 2; }

/* v = mu^2 s^2 + sigma^2 and the prior score of x_t, (mu m - x_t)/v, exactly */
static void marginal(const double *in, mpq_t v, mpq_t score)
{
  mpq_t t;
  mpq_init(t);
  mpq_set_d(v, in[MU]); mpq_mul(v, v, v);
  mpq_set_d(t, in[S]); mpq_mul(t, t, t); mpq_mul(v, v, t);
  mpq_set_d(t, in[SG]); mpq_mul(t, t, t); mpq_add(v, v, t);
  mpq_set_d(score, in[MU]); mpq_set_d(t, in[M]); mpq_mul(score, score, t);
  mpq_set_d(t, in[X]); mpq_sub(score, score, t); mpq_div(score, score, v);
  mpq_clear(t);
}

static int dps_inputs(size_t r, double *in)
{
  size_t ix[6];
  suite_digits(r, 6, len, ix);
  double ab = abs_[ix[0]];
  in[MU] = suite_vp_root(ab, 0);
  in[SG] = suite_vp_root(ab, 1);
  in[SY] = sys_[ix[1]];
  in[A] = as_[ix[2]];
  in[X] = xs_[ix[3]];
  in[S] = ss_[ix[4]];
  in[M] = M_PRIOR;
  in[Y] = 1.25;
  if (ix[5]) {                 /* y = a xhat rounded: the residual y - a xhat cancels */
    mpq_t v, sc, t;
    mpq_inits(v, sc, t, NULL);
    marginal(in, v, sc);
    mpq_set_d(t, in[SG]); mpq_mul(t, t, t); mpq_mul(sc, sc, t);
    mpq_set_d(t, in[X]); mpq_add(sc, sc, t);
    mpq_set_d(t, in[MU]); mpq_div(sc, sc, t);               /* Tweedie mean */
    mpq_set_d(t, in[A]); mpq_mul(sc, sc, t);
    mpfr_t f;
    mpfr_init2(f, 53);
    mpfr_set_q(f, sc, MPFR_RNDN);
    in[Y] = mpfr_get_d(f, MPFR_RNDN);
    mpfr_clear(f);
    mpq_clears(v, sc, t, NULL);
  }
  return 0;
}

static long dps_cross_out(mpfr_t out, const double *in, int k, void *unused)
{
  (void)unused;
  mpq_t v, sc, s2, q, r, a, t, u, w;
  mpq_inits(v, sc, s2, q, r, a, t, u, w, NULL);
  marginal(in, v, sc);
  mpq_set_d(s2, in[S]); mpq_mul(s2, s2, s2);
  mpq_set_d(q, in[SG]); mpq_mul(q, q, q);
  mpq_set_d(r, in[SY]); mpq_mul(r, r, r);
  mpq_set_d(a, in[A]);
  if (k == 0) {
    /* x_t | y ~ N(mu m + mu a s^2 (y - a m)/Y, v - mu^2 a^2 s^4/Y), Y = a^2 s^2 + r */
    mpq_t Yv, mean, var;
    mpq_inits(Yv, mean, var, NULL);
    mpq_mul(Yv, a, a); mpq_mul(Yv, Yv, s2); mpq_add(Yv, Yv, r);
    mpq_set_d(t, in[M]); mpq_mul(u, a, t); mpq_set_d(w, in[Y]); mpq_sub(w, w, u);   /* y - a m */
    mpq_set_d(u, in[MU]); mpq_mul(mean, u, a); mpq_mul(mean, mean, s2); mpq_mul(mean, mean, w); mpq_div(mean, mean, Yv);
    mpq_mul(w, u, t); mpq_add(mean, mean, w);                                        /* + mu m */
    mpq_mul(var, u, a); mpq_mul(var, var, s2); mpq_mul(var, var, var); mpq_div(var, var, Yv); mpq_sub(var, v, var);
    mpq_set_d(t, in[X]); mpq_sub(mean, mean, t); mpq_div(t, mean, var);              /* grad log p(x_t | y) */
    mpq_sub(t, t, sc);
    mpq_clears(Yv, mean, var, NULL);
  } else if (k == 1) {
    /* Tweedie: xhat = (x_t + sigma^2 score)/mu, J = (1 - sigma^2/v)/mu; a J (y - a xhat)/r */
    mpq_set_d(u, in[MU]);
    mpq_mul(t, q, sc); mpq_set_d(w, in[X]); mpq_add(t, t, w); mpq_div(t, t, u); mpq_mul(t, t, a);
    mpq_set_d(w, in[Y]); mpq_sub(w, w, t);                                            /* y - a xhat */
    mpq_div(t, q, v); mpq_set_ui(sc, 1, 1); mpq_sub(t, sc, t); mpq_div(t, t, u);      /* J */
    mpq_mul(t, t, a); mpq_mul(t, t, w); mpq_div(t, t, r);
  } else {
    /* c = (sigma^2/mu^2)(1 - sigma^2/v); r/(r + a^2 c) */
    mpq_set_d(u, in[MU]); mpq_mul(u, u, u);
    mpq_div(t, q, v); mpq_set_ui(w, 1, 1); mpq_sub(t, w, t); mpq_mul(t, t, q); mpq_div(t, t, u);
    mpq_mul(t, t, a); mpq_mul(t, t, a); mpq_add(t, t, r); mpq_div(t, r, t);
  }
  long loss = suite_rational(out, t);
  mpq_clears(v, sc, s2, q, r, a, t, u, w, NULL);
  return loss;
}

static int dps_eval(const double *in, double *out)
{
  int s[3] = { ref_dps_score_exact(in[X], in[Y], in[MU], in[SG], in[M], in[S], in[A], in[SY], &out[0]),
               ref_dps_score_dps(in[X], in[Y], in[MU], in[SG], in[M], in[S], in[A], in[SY], &out[1]),
               ref_dps_ratio(in[MU], in[SG], in[S], in[A], in[SY], &out[2]) };
  if (s[0] == 1 || s[1] == 1 || s[2] == 1) { out[0] = out[1] = out[2] = NAN; return 1; }
  return s[0] > s[1] ? (s[0] > s[2] ? s[0] : s[2]) : (s[1] > s[2] ? s[1] : s[2]);
}

static int dps_cross(const double *in, double *out)
{
  for (int i = 0; i < NIN; i++) if (!isfinite(in[i])) { out[0] = out[1] = out[2] = NAN; return 1; }
  if (in[MU] == 0 || !(in[SG] >= 0) || !(in[S] > 0) || !(in[SY] > 0)) { out[0] = out[1] = out[2] = NAN; return 1; }
  return suite_round_outputs(dps_cross_out, in, 3, NULL, out);
}

const dmc_suite dmc_suite_dps_linear = {
  "dps_linear",
  "Exact and DPS likelihood scores (D3) for prior N(m, s^2), x_t = mu_t x_0 + sigma_t eps, y = a x_0 + N(0, sigma_y^2):"
  " score_exact = d/dx_t log N(y; a xhat, sigma_y^2 + a^2 c), score_dps = d/dx_t log N(y; a xhat(x_t), sigma_y^2)"
  " (through xhat), ratio = score_exact/score_dps = sigma_y^2 v/(sigma_y^2 v + a^2 sigma_t^2 s^2), v = mu_t^2 s^2 +"
  " sigma_t^2; VP paths mu_t = sqrt(ab), sigma_t = sqrt(1 - ab) (rounded) for ab in {1-1e-8, 0.9999, 0.5, 1e-4, 2^-24};"
  " sigma_y in {1e-3, 0.1, 10}; a in {1, -2.5, 0.3}; x_t in {0.5, -1.7}; s in {1, 0.25}; m = 0.2; y = 1.25 or y ="
  " a xhat rounded (residual cancels). Values from ref_dps_score_exact, ref_dps_score_dps, ref_dps_ratio.",
  "dps.score.exact dps.score.dps dps.ratio",
  NIN, 3, in_names, out_names, dps_count, dps_inputs, dps_eval, dps_cross,
  "the precision form mu a (y - a xhat)/(sigma_y^2 (sigma_t^2/s^2 + mu_t^2) [+ sigma_t^2 a^2]) as exact GMP rationals,"
  " rounded once (tests/vec_indep_dps.c)"
};
