/* suite_dsm.c -- suite dsm_optimum (claim dsm.opt): the optimum of linear
 * denoising score matching for data N(mu, sigma^2) and noise N(0,
 * sigma_eps^2): w* = -1/(sigma^2 + sigma_eps^2), b* = mu/(sigma^2 +
 * sigma_eps^2), and the DSM-ESM loss constant sigma^2/(sigma_eps^2 (sigma^2 +
 * sigma_eps^2)). eval: ref_dsm_linear_optimum / ref_dsm_loss_constant (D4);
 * cross: the exact rationals (GMP) rounded once. */
#include "suites.h"
#include "dmcref.h"
#include "suite_util.h"

#include <math.h>

static const char *const in_names[] = { "mu", "sigma", "sigma_eps" };
static const char *const out_names[] = { "w", "b", "loss_constant" };

static const double mus[] = { 0.0, 1.5, -1e3 };
static const double sigmas[] = { 1e-4, 1.0, 30.0 };
static const double seps[] = { 1e-6, 1e-2, 1.0, 100.0 };
static size_t dsm_count(void) { return 3 * 3 * 4; }

static int dsm_inputs(size_t r, double *in)
{
  size_t len[3] = { 3, 3, 4 }, ix[3];
  suite_digits(r, 3, len, ix);
  in[0] = mus[ix[0]];
  in[1] = sigmas[ix[1]];
  in[2] = seps[ix[2]];
  return 0;
}

static long dsm_cross(mpfr_t y, const double *in, int k, void *unused)
{
  (void)unused;
  mpq_t v, s, e, t;
  mpq_inits(v, s, e, t, NULL);
  mpq_set_d(s, in[1]); mpq_mul(s, s, s);
  mpq_set_d(e, in[2]); mpq_mul(e, e, e);
  mpq_add(v, s, e);
  if (k == 0) { mpq_set_si(t, -1, 1); mpq_div(t, t, v); }
  else if (k == 1) { mpq_set_d(t, in[0]); mpq_div(t, t, v); }
  else { mpq_div(t, s, e); mpq_div(t, t, v); }
  long loss = suite_rational(y, t);
  mpq_clears(v, s, e, t, NULL);
  return loss;
}

static int dsm_eval(const double *in, double *out)
{
  int s1 = ref_dsm_linear_optimum(in[0], in[1], in[2], &out[0], &out[1]);
  int s2 = ref_dsm_loss_constant(in[1], in[2], &out[2]);
  if (s1 == 1 || s2 == 1) { out[0] = out[1] = out[2] = NAN; return 1; }
  return s1 > s2 ? s1 : s2;
}

static int dsm_crossf(const double *in, double *out)
{
  if (!isfinite(in[0]) || !isfinite(in[1]) || !isfinite(in[2]) || !(in[1] > 0) || !(in[2] > 0)) {
    out[0] = out[1] = out[2] = NAN;
    return 1;
  }
  return suite_round_outputs(dsm_cross, in, 3, NULL, out);
}

const dmc_suite dmc_suite_dsm_optimum = {
  "dsm_optimum",
  "Linear denoising score matching (D4), data N(mu, sigma^2), noise N(0, sigma_eps^2), model w x + b:"
  " the optimum w = -1/(sigma^2 + sigma_eps^2), b = mu/(sigma^2 + sigma_eps^2), and loss_constant ="
  " sigma^2/(sigma_eps^2 (sigma^2 + sigma_eps^2)), the constant by which the DSM and ESM losses differ."
  " mu in {0, 1.5, -1e3}, sigma in {1e-4, 1, 30}, sigma_eps in {1e-6, 1e-2, 1, 100}. Values from"
  " ref_dsm_linear_optimum and ref_dsm_loss_constant (D4).",
  "dsm.opt",
  3, 3, in_names, out_names, dsm_count, dsm_inputs, dsm_eval, dsm_crossf,
  "exact GMP rationals, the loss constant by partial fractions 1/sigma_eps^2 - 1/(sigma^2 + sigma_eps^2) (tests/vec_indep_exact.c)"
};
