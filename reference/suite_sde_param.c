/* suite_sde_param.c -- suite sde_param (claims sched.sde.vp sched.sde.subvp
 * sched.sde.ve): sde_coeffs with the SDE's parameters as inputs, so that
 * any beta_min, beta_max, sigma_min, sigma_max is checked: beta(t) =
 * beta_min + t (beta_max - beta_min), B(t) = beta_min t + (beta_max -
 * beta_min) t^2/2, sigma(t) = sigma_min (sigma_max/sigma_min)^t. eval:
 * beta and B as exact GMP rationals of the double inputs, expm1 for 1 -
 * exp, sigma(t) as exp of a log-linear interpolation. cross: 1 - exp with
 * the cancellation counted, square roots of products, sigma(t) by mpfr_pow. */
#include "suites.h"
#include "suite_util.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>

static const char *const in_names[] = { "sde", "t", "beta_min", "beta_max", "sigma_min", "sigma_max" };
static const char *const out_names[] = { "drift_coef", "diffusion", "mean_coef", "std" };
#define NOUT 4
#define NT 60

/* Parameter sets: VP and sub-VP with (0.1, 20) (score_sde) and (0.05, 10);
 * VE with (0.01, 50), (0.01, 378) (score_sde's CIFAR-10 and larger images)
 * and (0.002, 80) (EDM's range); the other pair at score_sde's defaults. */
static const double sets[7][5] = { { 0, 0.1, 20, 0.01, 50 }, { 0, 0.05, 10, 0.01, 50 }, { 1, 0.1, 20, 0.01, 50 },
                                   { 1, 0.05, 10, 0.01, 50 }, { 2, 0.1, 20, 0.01, 50 }, { 2, 0.1, 20, 0.01, 378 },
                                   { 2, 0.1, 20, 0.002, 80 } };
static size_t sp_count(void) { return 7 * NT; }

/* t: sde_coeffs' grid, 10^(-7 + k/4) for k = 0..27, then k/32 for k = 1..32. */
extern const dmc_suite dmc_suite_sde_coeffs;
static int sp_inputs(size_t r, double *in)
{
  double grid[2];
  dmc_suite_sde_coeffs.inputs(r % NT, grid);   /* its first NT rows: sde 0 at each t */
  const double *s = sets[r / NT];
  in[0] = s[0];
  in[1] = grid[1];
  for (int i = 0; i < 4; i++) in[2 + i] = s[1 + i];
  return 0;
}

/* -1 in the domain, else the offending input. */
static int sp_bad(const double *in)
{
  if (!(in[0] == 0 || in[0] == 1 || in[0] == 2)) return 0;
  if (!(in[1] > 0 && in[1] <= 1)) return 1;
  if (!(in[2] >= 0 && in[2] <= 1e6)) return 2;
  if (!(in[3] >= in[2] && in[3] > 0 && in[3] <= 1e6)) return 3;
  if (!(in[4] >= 1e-300 && in[4] <= 1e300)) return 4;
  if (!(in[5] > in[4] && in[5] <= 1e300)) return 5;
  return -1;
}

/* beta(t) (B = 0) or B(t) (B = 1) as an exact rational. */
static void beta_q(mpq_t v, const double *in, int B)
{
  mpq_t t, d, x;
  mpq_inits(t, d, x, (mpq_ptr)0);
  mpq_set_d(t, in[1]);
  mpq_set_d(v, in[2]);
  mpq_set_d(d, in[3]);
  mpq_sub(d, d, v);                            /* beta_max - beta_min */
  mpq_mul(x, d, t);
  if (B) {
    mpq_mul(x, x, t);
    mpq_div_2exp(x, x, 1);                     /* (beta_max - beta_min) t^2/2 */
    mpq_mul(v, v, t);
  }
  mpq_add(v, v, x);
  mpq_clears(t, d, x, (mpq_ptr)0);
}

/* sigma(t) at y's precision; exact at t = 1. */
static int sigma_t(mpfr_t y, const double *in, int cross)
{
  if (in[1] == 1) { mpfr_set_d(y, in[5], MPFR_RNDN); return 0; }
  mpfr_t a, b;
  mpfr_inits2(mpfr_get_prec(y), a, b, (mpfr_ptr)0);
  mpfr_set_d(a, in[4], MPFR_RNDN);
  mpfr_set_d(b, in[5], MPFR_RNDN);
  if (!cross) {
    mpfr_log(a, a, MPFR_RNDN);
    mpfr_log(b, b, MPFR_RNDN);
    mpfr_sub(b, b, a, MPFR_RNDN);
    mpfr_mul_d(b, b, in[1], MPFR_RNDN);
    mpfr_add(a, a, b, MPFR_RNDN);
    mpfr_exp(y, a, MPFR_RNDN);
  } else {
    mpfr_div(b, b, a, MPFR_RNDN);
    mpfr_set_d(y, in[1], MPFR_RNDN);
    mpfr_pow(b, b, y, MPFR_RNDN);
    mpfr_mul(y, a, b, MPFR_RNDN);
  }
  mpfr_clears(a, b, (mpfr_ptr)0);
  return 1;
}

/* e = 1 - exp(-c B) (c = 1, 2); bits lost returned. */
static long one_minus_exp(mpfr_t e, const mpq_t B, unsigned c, int cross)
{
  mpfr_t x, w;
  mpfr_inits2(mpfr_get_prec(e), x, w, (mpfr_ptr)0);
  mpfr_set_q(x, B, MPFR_RNDN);
  mpfr_mul_si(x, x, -(long)c, MPFR_RNDN);
  long loss = mpfr_get_exp(x) > 0 ? (long)mpfr_get_exp(x) : 0;
  if (!cross) { mpfr_expm1(e, x, MPFR_RNDN); mpfr_neg(e, e, MPFR_RNDN); }
  else { mpfr_exp(w, x, MPFR_RNDN); mpfr_ui_sub(e, 1, w, MPFR_RNDN); loss += mpref_cancel_bits(e, w, w); }
  mpfr_clears(x, w, (mpfr_ptr)0);
  return loss + 2;
}

static long sp_out(mpfr_t y, const double *in, int k, void *flag)
{
  if (sp_bad(in) >= 0) return MPREF_DOMAIN;
  int cross = flag != NULL, kind = (int)in[0];
  mpfr_prec_t q = mpfr_get_prec(y) + 64;
  mpfr_t a, b;
  mpfr_inits2(q, a, b, (mpfr_ptr)0);
  mpq_t v;
  mpq_init(v);
  int inex = 1;
  long loss = MPREF_SLACK + 16;                /* |log sigma| <= 2^10: exp's argument condition */
  if (kind == 2) {
    if (k == 0) { mpfr_set_zero(y, 1); inex = 0; }
    else if (k == 2) { mpfr_set_ui(y, 1, MPFR_RNDN); inex = 0; }
    else {
      inex = sigma_t(a, in, cross);
      if (k == 3) mpfr_set(y, a, MPFR_RNDN);
      else { /* g = sigma(t) sqrt(2 log(sigma_max/sigma_min)) */
        mpfr_set_d(b, in[5], MPFR_RNDN);
        mpfr_div_d(b, b, in[4], MPFR_RNDN);
        mpfr_log(b, b, MPFR_RNDN);
        mpfr_mul_2ui(b, b, 1, MPFR_RNDN);
        loss += mpref_bits_lost(b, 1);        /* sigma_max/sigma_min near 1 */
        if (!cross) { mpfr_sqrt(b, b, MPFR_RNDN); mpfr_mul(y, a, b, MPFR_RNDN); }
        else { mpfr_sqr(a, a, MPFR_RNDN); mpfr_mul(a, a, b, MPFR_RNDN); mpfr_sqrt(y, a, MPFR_RNDN); }
        inex = 1;
      }
    }
  } else if (k == 0) { /* -beta/2, rational */
    beta_q(v, in, 0);
    mpq_div_2exp(v, v, 1);
    mpq_neg(v, v);
    loss = suite_rational(y, v);
    inex = loss != MPREF_EXACT;
  } else if (k == 1) {
    beta_q(v, in, 0);
    inex = 0;
    SUITE_OP(inex, mpfr_set_q(a, v, MPFR_RNDN));
    if (kind == 1) {
      beta_q(v, in, 1);
      loss += one_minus_exp(b, v, 2, cross);
      if (!cross) { mpfr_mul(a, a, b, MPFR_RNDN); mpfr_sqrt(y, a, MPFR_RNDN); }
      else { mpfr_sqrt(a, a, MPFR_RNDN); mpfr_sqrt(b, b, MPFR_RNDN); mpfr_mul(y, a, b, MPFR_RNDN); }
      inex = 1;
    } else {
      SUITE_OP(inex, mpfr_sqrt(y, a, MPFR_RNDN));
    }
  } else if (k == 2) { /* exp(-B/2) */
    beta_q(v, in, 1);
    mpfr_set_q(a, v, MPFR_RNDN);
    loss += mpfr_get_exp(a) > 0 ? (long)mpfr_get_exp(a) : 0;
    if (!cross) { mpfr_div_si(a, a, -2, MPFR_RNDN); mpfr_exp(y, a, MPFR_RNDN); }
    else { mpfr_neg(a, a, MPFR_RNDN); mpfr_exp(a, a, MPFR_RNDN); mpfr_sqrt(y, a, MPFR_RNDN); }
  } else { /* VP sqrt(1 - exp(-B)); sub-VP 1 - exp(-B) */
    beta_q(v, in, 1);
    loss += one_minus_exp(a, v, 1, cross);
    if (kind == 0) mpfr_sqrt(y, a, MPFR_RNDN);
    else mpfr_set(y, a, MPFR_RNDN);
  }
  mpq_clear(v);
  mpfr_clears(a, b, (mpfr_ptr)0);
  if (!inex) return MPREF_EXACT;
  return loss == MPREF_EXACT ? MPREF_SLACK : loss;
}

static int sp_eval(const double *in, double *out) { return suite_round_outputs(sp_out, in, NOUT, NULL, out); }
static int sp_cross(const double *in, double *out)
{
  int f = 1;
  return suite_round_outputs(sp_out, in, NOUT, (void *)(uintptr_t)&f, out);
}

const dmc_suite dmc_suite_sde_param = {
  "sde_param",
  "sde_coeffs with the SDE's parameters as inputs (the caller's doubles, exact): sde = 0 VP, 1 sub-VP, 2 VE,"
  " 0 < t <= 1; beta(t) = beta_min + t (beta_max - beta_min), B(t) = beta_min t + (beta_max - beta_min)"
  " t^2/2, sigma(t) = sigma_min (sigma_max/sigma_min)^t. drift_coef: -beta/2 (VP, sub-VP), 0 (VE);"
  " diffusion: sqrt(beta), sqrt(beta (1 - exp(-2B))), sigma(t) sqrt(2 log(sigma_max/sigma_min)); mean_coef:"
  " exp(-B/2), exp(-B/2), 1; std: sqrt(1 - exp(-B)), 1 - exp(-B) (as score_sde), sigma(t). Rows: t as"
  " sde_coeffs for VP and sub-VP at (beta_min, beta_max) = (0.1, 20), (0.05, 10) and VE at (sigma_min,"
  " sigma_max) = (0.01, 50), (0.01, 378), (0.002, 80). Domain 0 <= beta_min <= beta_max <= 1e6, beta_max > 0,"
  " 1e-300 <= sigma_min < sigma_max <= 1e300.",
  "sched.sde.vp sched.sde.subvp sched.sde.ve",
  6, NOUT, in_names, out_names, sp_count, sp_inputs, sp_eval, sp_cross,
  "B(t) = t beta(t/2) (the midpoint rule, exact for a linear beta), 1 - exp(-B) as (1 - m)(1 + m) with m ="
  " exp(-B/2), sigma(t) = 2^(log2 sigma_min + t log2(sigma_max/sigma_min)) (tests/vec_indep_sde_param.c)"
};

int dmc_sde_param_suite_domain(const dmc_suite *s, const double *in, char *why, size_t len);
int dmc_sde_param_suite_domain(const dmc_suite *s, const double *in, char *why, size_t len)
{
  if (s != &dmc_suite_sde_param) return -2;
  int bad = sp_bad(in);
  if (bad >= 0)
    snprintf(why, len, "%s = %.17g (sde_param: sde in {0, 1, 2}, 0 < t <= 1, 0 <="
             " beta_min <= beta_max <= 1e6, beta_max > 0, 1e-300 <= sigma_min < sigma_max <= 1e300)",
             in_names[bad], in[bad]);
  return bad;
}
