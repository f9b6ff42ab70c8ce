/* suite_tweedie.c -- suite tweedie (claims tweedie.formula tweedie.cov):
 * Tweedie's posterior mean (x_t + sigma^2 score)/mu and variance
 * (sigma^2/mu^2)(1 + sigma^2 dscore) on VP paths mu = sqrt(ab), sigma =
 * sqrt(1 - ab) (both rounded) at the ends of the schedule, including near
 * total cancellation (score ~ -x/sigma^2, dscore ~ -1/sigma^2).
 * eval: ref_tweedie_mean / ref_tweedie_var (D2); cross: the exact rational
 * value (GMP) rounded once. */
#include "suites.h"
#include "dmcref.h"
#include "suite_util.h"

#include <float.h>
#include <math.h>

static const char *const in_names[] = { "x_t", "mu_t", "sigma_t", "score", "dscore" };
static const char *const out_names[] = { "mean", "var" };

static const double abs_[] = { 0.99999999, 0.9999, 0.5, 1e-4, 0x1p-24 };
static const double xs[] = { 0.5, -1.7, 3.0 };
#define NAB 5
#define NX 3
#define NS 3
static size_t tw_count(void) { return NAB * NX * NS * NS; }

static double ratio_d(double num, double s2)
{
  /* a normal binary64 quotient is the correctly rounded one MPFR gives below */
  double q = num / s2;
  if (isfinite(q) && fabs(q) >= DBL_MIN) return q;
  mpfr_t r;
  mpfr_init2(r, 53);
  mpfr_set_d(r, num, MPFR_RNDN);
  mpfr_div_d(r, r, s2, MPFR_RNDN);
  double d = mpfr_get_d(r, MPFR_RNDN);
  mpfr_clear(r);
  return d;
}

static int tw_inputs(size_t r, double *in)
{
  size_t len[4] = { NAB, NX, NS, NS }, ix[4];
  suite_digits(r, 4, len, ix);
  double ab = abs_[ix[0]], mu = suite_vp_root(ab, 0), sg = suite_vp_root(ab, 1), s2 = sg * sg, x = xs[ix[1]];
  in[0] = x;
  in[1] = mu;
  in[2] = sg;
  /* score: the N(0,1)-prior score -x; -x/sigma^2 (mean ~ 0); an unrelated 0.3 */
  in[3] = ix[2] == 0 ? -x : ix[2] == 1 ? ratio_d(-x, s2) : 0.3;
  /* dscore: -1 (N(0,1) prior: var = sigma^2); -(1 - 2^-20)/sigma^2 (var ~ 0); 0.1 */
  in[4] = ix[3] == 0 ? -1.0 : ix[3] == 1 ? ratio_d(-(1 - 0x1p-20), s2) : 0.1;
  return 0;
}

static long tw_cross(mpfr_t y, const double *in, int k, void *unused)
{
  (void)unused;
  mpq_t x, mu, s2, t;
  mpq_inits(x, mu, s2, t, NULL);
  mpq_set_d(x, in[0]);
  mpq_set_d(mu, in[1]);
  mpq_set_d(s2, in[2]);
  mpq_mul(s2, s2, s2);
  long loss;
  if (k == 0) {           /* (x + sigma^2 score)/mu */
    mpq_set_d(t, in[3]);
    mpq_mul(t, t, s2);
    mpq_add(t, t, x);
    mpq_div(t, t, mu);
    loss = suite_rational(y, t);
  } else {                /* sigma^2 (1 + sigma^2 dscore)/mu^2 */
    mpq_set_d(t, in[4]);
    mpq_mul(t, t, s2);
    mpq_set_ui(x, 1, 1);
    mpq_add(t, t, x);
    if (mpq_sgn(t) < 0) loss = MPREF_DOMAIN;
    else {
      mpq_mul(t, t, s2);
      mpq_div(t, t, mu);
      mpq_div(t, t, mu);
      loss = suite_rational(y, t);
    }
  }
  mpq_clears(x, mu, s2, t, NULL);
  return loss;
}

static int tw_eval(const double *in, double *out)
{
  int s1 = ref_tweedie_mean(in[0], in[1], in[2], in[3], &out[0]);
  int s2 = ref_tweedie_var(in[1], in[2], in[4], &out[1]);
  if (s1 == 1 || s2 == 1) { out[0] = out[1] = NAN; return 1; }
  return s1 > s2 ? s1 : s2;
}

static int tw_crossf(const double *in, double *out)
{
  for (int i = 0; i < 5; i++) if (!isfinite(in[i])) { out[0] = out[1] = NAN; return 1; }
  if (in[1] == 0 || !(in[2] > 0)) { out[0] = out[1] = NAN; return 1; }
  return suite_round_outputs(tw_cross, in, 2, NULL, out);
}

const dmc_suite dmc_suite_tweedie = {
  "tweedie",
  "Tweedie's formula (D2): mean = (x_t + sigma_t^2 score)/mu_t, var = (sigma_t^2/mu_t^2)(1 + sigma_t^2"
  " dscore), on VP paths mu_t = sqrt(ab), sigma_t = sqrt(1 - ab) (rounded) for ab in {1-1e-8, 0.9999,"
  " 0.5, 1e-4, 2^-24}; x_t in {0.5, -1.7, 3}; score in {-x_t (N(0,1) prior), -x_t/sigma_t^2"
  " (rounded: near cancellation), 0.3}; dscore in {-1, -(1-2^-20)/sigma_t^2 (var near 0), 0.1}. Values"
  " from ref_tweedie_mean and ref_tweedie_var (D2).",
  "tweedie.formula tweedie.cov",
  5, 2, in_names, out_names, tw_count, tw_inputs, tw_eval, tw_crossf,
  "mean and var as exact GMP rationals of the stored inputs, rounded once (tests/vec_indep_exact.c)"
};
