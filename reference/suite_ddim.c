/* suite_ddim.c -- suite ddim_coeffs (claims sched.ddim.*): the DDIM update
 * x_prev = sqrt(ab_prev) x0 + sqrt(1 - ab_prev - sigma^2) eps + sigma z with
 * x0 = (x_t - sqrt(1 - ab_t) eps)/sqrt(ab_t) and sigma = eta sqrt((1 -
 * ab_prev)/(1 - ab_t)) sqrt(1 - ab_t/ab_prev), as coefficients: sigma,
 * coef_x0, coef_dir (of eps), and the combined coef_xt, coef_eps of
 * x_prev = coef_xt x_t + coef_eps eps + sigma z. eval: 1 - ab_prev - sigma^2
 * as the exact rational (1 - ab_prev)[(1 - ab_t) ab_prev - eta^2 (ab_prev -
 * ab_t)] / ((1 - ab_t) ab_prev), coef_eps as a difference with its
 * cancellation counted; cross: 1 - ab_prev - sigma^2 directly, coef_eps as
 * (dir^2 - ab_prev (1 - ab_t)/ab_t) / (dir + sqrt(ab_prev (1 - ab_t)/ab_t)). */
#include "suites.h"
#include "dmcref.h"
#include "suite_util.h"

#include <math.h>
#include <stdint.h>

static const char *const in_names[] = { "alphabar_t", "alphabar_prev", "eta" };
static const char *const out_names[] = { "sigma", "coef_x0", "coef_dir", "coef_xt", "coef_eps" };
#define NOUT 5

/* Decreasing alphabar levels; rows: ab_prev = L[i], ab_t = L[j], i <= j,
 * j >= 1 (ab_t < 1), eta in {0, 1}. */
static const double L[] = { 1.0, 0.99999999, 0.9999, 0.99, 0.9, 0.5, 0.1, 1e-2, 1e-4, 0x1p-24, 1e-8 };
#define NL 11
#define NPAIRS (NL * (NL + 1) / 2 - 1)
static size_t ddim_count(void) { return 2 * NPAIRS; }

static int ddim_inputs(size_t r, double *in)
{
  size_t k = r / 2, n = 0;
  for (size_t i = 0; i < NL; i++)
    for (size_t j = i > 0 ? i : 1; j < NL; j++, n++)
      if (n == k) { in[0] = L[j]; in[1] = L[i]; in[2] = (double)(r % 2); return 0; }
  return 1;
}

#define EXACT_PREC 4400 /* holds any sum of products of three doubles exactly */

static long ddim_out(mpfr_t y, const double *in, int k, void *vcross)
{
  int cross = vcross != NULL;
  double at = in[0], ap = in[1], eta = in[2];
  mpfr_prec_t q = mpfr_get_prec(y) + 32;
  int sigma_zero = eta == 0 || ap == 1 || ap == at;
  if ((k == 0 && sigma_zero) || (k == 2 && ap == 1) || (k == 4 && ap == at)) { mpfr_set_zero(y, 1); return MPREF_EXACT; }
  if (k == 4 && ap == 1) { /* coef_dir = 0: -sqrt((1 - ab_t)/ab_t), exactness tracked */
    mpfr_t w;
    mpfr_init2(w, mpfr_get_prec(y) + 32);
    int inex = mpfr_set_d(w, at, MPFR_RNDN) != 0;
    inex |= mpfr_d_div(w, 1.0, w, MPFR_RNDN) != 0;
    inex |= mpfr_sub_ui(w, w, 1, MPFR_RNDN) != 0;
    inex |= mpfr_sqrt(y, w, MPFR_RNDN) != 0;
    mpfr_neg(y, y, MPFR_RNDN);
    mpfr_clear(w);
    return SUITE_LOSS(inex, MPREF_SLACK + 4);
  }
  mpfr_t A, P, omA, omP, s2, dir2, w, v;
  mpfr_inits2(EXACT_PREC, A, P, omA, omP, s2, dir2, (mpfr_ptr)0);
  mpfr_inits2(q, w, v, (mpfr_ptr)0);
  mpfr_set_d(A, at, MPFR_RNDN);
  mpfr_set_d(P, ap, MPFR_RNDN);
  mpfr_ui_sub(omA, 1, A, MPFR_RNDN);
  mpfr_ui_sub(omP, 1, P, MPFR_RNDN);
  /* sigma^2 = eta^2 (1 - P)(P - A) / ((1 - A) P): numerator exact, one division */
  mpfr_sub(s2, P, A, MPFR_RNDN);
  mpfr_mul(s2, s2, omP, MPFR_RNDN);
  mpfr_mul_d(s2, s2, eta, MPFR_RNDN);
  mpfr_mul_d(s2, s2, eta, MPFR_RNDN);
  mpfr_mul(w, omA, P, MPFR_RNDN);                         /* q bits: rounded once */
  long extra = 4;
  int inex = 1;
  if (!cross) { /* dir^2 = (1 - P)[(1 - A) P - eta^2 (P - A)] / ((1 - A) P), exact numerator */
    mpfr_t in2;
    mpfr_init2(in2, EXACT_PREC);
    mpfr_mul(dir2, omA, P, MPFR_RNDN);
    mpfr_sub(in2, P, A, MPFR_RNDN);
    mpfr_mul_d(in2, in2, eta, MPFR_RNDN);
    mpfr_mul_d(in2, in2, eta, MPFR_RNDN);
    mpfr_sub(dir2, dir2, in2, MPFR_RNDN);
    mpfr_mul(dir2, dir2, omP, MPFR_RNDN);
    mpfr_clear(in2);
    if (mpfr_sgn(dir2) < 0) extra = MPREF_DOMAIN;
    mpfr_div(dir2, dir2, w, MPFR_RNDN);
  } else {      /* dir^2 = 1 - P - sigma^2 */
    mpfr_div(s2, s2, w, MPFR_RNDN);
    mpfr_sub(dir2, omP, s2, MPFR_RNDN);
    if (mpfr_sgn(dir2) < 0) extra = MPREF_DOMAIN;
    else if (!mpfr_zero_p(dir2)) extra += mpref_cancel_bits(dir2, omP, s2);
  }
  if (extra != MPREF_DOMAIN) switch (k) {
  case 0: /* sigma */
    if (!cross) mpfr_div(s2, s2, w, MPFR_RNDN);
    mpfr_sqrt(y, s2, MPFR_RNDN);
    break;
  case 1: inex = mpfr_sqrt(y, P, MPFR_RNDN) != 0; break;
  case 2: mpfr_sqrt(y, dir2, MPFR_RNDN); break;
  case 3: inex = mpfr_div(v, P, A, MPFR_RNDN) != 0; inex |= mpfr_sqrt(y, v, MPFR_RNDN) != 0; break;
  case 4: { /* dir - sqrt(P (1 - A)/A) */
    mpfr_t r, d;
    mpfr_inits2(q, r, d, (mpfr_ptr)0);
    mpfr_mul(r, P, omA, MPFR_RNDN);
    mpfr_div(r, r, A, MPFR_RNDN);
    mpfr_sqrt(d, dir2, MPFR_RNDN);
    if (!cross) {
      mpfr_sqrt(r, r, MPFR_RNDN);
      mpfr_sub(y, d, r, MPFR_RNDN);
      extra = mpfr_zero_p(y) ? MPREF_PREC_MAX : extra + mpref_cancel_bits(y, d, r);
    } else {
      /* (dir^2 - P(1 - A)/A) / (dir + sqrt(P(1 - A)/A)); the numerator as the
       * exact (1 - P)[(1 - A) P - eta^2 (P - A)] A - P^2 (1 - A)^2 over (1 - A) P A */
      mpfr_t n1, n2;
      mpfr_inits2(EXACT_PREC, n1, n2, (mpfr_ptr)0);
      mpfr_mul(n1, omA, P, MPFR_RNDN);
      mpfr_sub(n2, P, A, MPFR_RNDN);
      mpfr_mul_d(n2, n2, eta, MPFR_RNDN);
      mpfr_mul_d(n2, n2, eta, MPFR_RNDN);
      mpfr_sub(n1, n1, n2, MPFR_RNDN);
      mpfr_mul(n1, n1, omP, MPFR_RNDN);
      mpfr_mul(n1, n1, A, MPFR_RNDN);
      mpfr_mul(n2, P, omA, MPFR_RNDN);
      mpfr_sqr(n2, n2, MPFR_RNDN);
      mpfr_sub(n1, n1, n2, MPFR_RNDN);                    /* exact */
      mpfr_mul(n2, omA, P, MPFR_RNDN);
      mpfr_mul(n2, n2, A, MPFR_RNDN);
      mpfr_div(v, n1, n2, MPFR_RNDN);
      mpfr_sqrt(r, r, MPFR_RNDN);
      mpfr_add(d, d, r, MPFR_RNDN);
      mpfr_div(y, v, d, MPFR_RNDN);
      mpfr_clears(n1, n2, (mpfr_ptr)0);
    }
    mpfr_clears(r, d, (mpfr_ptr)0);
    break;
  }
  default: extra = MPREF_DOMAIN;
  }
  mpfr_clears(A, P, omA, omP, s2, dir2, w, v, (mpfr_ptr)0);
  if (extra == MPREF_DOMAIN) return MPREF_DOMAIN;
  return SUITE_LOSS(inex, MPREF_SLACK + extra);
}

static int ddim_row(const double *in, double *out, int cross)
{
  double at = in[0], ap = in[1], eta = in[2];
  if (!(at > 0 && at < 1 && ap >= at && ap <= 1 && eta >= 0 && eta <= 1)) {
    for (int k = 0; k < NOUT; k++) out[k] = NAN;
    return 1;
  }
  static const int flag = 1;
  return suite_round_outputs(ddim_out, in, NOUT, cross ? (void *)(uintptr_t)&flag : NULL, out);
}

static int ddim_eval(const double *in, double *out) { return ddim_row(in, out, 0); }
static int ddim_cross(const double *in, double *out) { return ddim_row(in, out, 1); }

const dmc_suite dmc_suite_ddim_coeffs = {
  "ddim_coeffs",
  "DDIM update (Song et al. 2021) x_prev = coef_x0 x0_pred + coef_dir eps + sigma z = coef_xt x_t +"
  " coef_eps eps + sigma z: sigma = eta sqrt((1 - ab_prev)/(1 - ab_t)) sqrt(1 - ab_t/ab_prev), coef_x0"
  " = sqrt(ab_prev), coef_dir = sqrt(1 - ab_prev - sigma^2), coef_xt = sqrt(ab_prev/ab_t), coef_eps ="
  " coef_dir - sqrt(ab_prev (1 - ab_t)/ab_t). Rows: every pair ab_t <= ab_prev from {1, 1-1e-8, 0.9999,"
  " 0.99, 0.9, 0.5, 0.1, 1e-2, 1e-4, 2^-24, 1e-8} (nearest doubles) with ab_t < 1, including"
  " ab_prev = 1 and ab_prev = ab_t, for eta = 0 and 1.",
  "sched.ddim.sigma sched.ddim.dir",
  3, NOUT, in_names, out_names, ddim_count, ddim_inputs, ddim_eval, ddim_cross,
  "every squared coefficient as an exact GMP rational, square roots by GMP integer square root, coef_eps rationalised as (dir^2 - X)/(dir + sqrt X) (tests/vec_indep_exact.c)"
};
