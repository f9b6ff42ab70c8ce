/* suite_sde.c -- suite sde_coeffs (claims sched.sde.*): the VP, sub-VP and VE
 * SDEs of Song et al. (score_sde: beta_min = 0.1, beta_max = 20, sigma_min =
 * 0.01, sigma_max = 50, all exact decimals): drift coefficient f(x,t)/x,
 * diffusion g(t), marginal mean coefficient and standard deviation.
 * eval: the score_sde formulas with expm1 for 1 - exp; cross: the same real
 * numbers through other algebra (log-domain powers, 1 - exp with the
 * cancellation counted, products of square roots). */
#include "suites.h"
#include "dmcref.h"
#include "suite_util.h"

#include <math.h>
#include <stdint.h>

static const char *const in_names[] = { "sde", "t" };
static const char *const out_names[] = { "drift_coef", "diffusion", "mean_coef", "std" };
#define NOUT 4
#define NT 60

static size_t sde_count(void) { return 3 * NT; }

/* t: 10^(-7 + k/4) for k = 0..27 (correctly rounded), then k/32 for k = 1..32. */
static int sde_inputs(size_t r, double *in)
{
  size_t k = r % NT;
  in[0] = (double)(r / NT);
  if (k < 28) {
    mpfr_t e;
    mpfr_init2(e, 53);
    mpfr_set_si(e, -28 + (long)k, MPFR_RNDN);
    mpfr_div_2ui(e, e, 2, MPFR_RNDN);
    mpfr_exp10(e, e, MPFR_RNDN);
    in[1] = mpfr_get_d(e, MPFR_RNDN);
    mpfr_clear(e);
  } else {
    in[1] = (double)(k - 27) / 32;
  }
  return 0;
}

/* B(t) = int_0^t beta = 0.1 t + 9.95 t^2 = (2 t + 199 t^2)/20 (the numerator
 * is exact for q >= 2 * 53 + 10; the division does not terminate in binary). */
static int integral_beta(mpfr_t B, double t)
{
  mpfr_t a;
  mpfr_init2(a, mpfr_get_prec(B));
  int inex = 0;
  SUITE_OP(inex, mpfr_set_d(a, t, MPFR_RNDN));
  SUITE_OP(inex, mpfr_sqr(B, a, MPFR_RNDN));
  SUITE_OP(inex, mpfr_mul_ui(B, B, 199, MPFR_RNDN));
  SUITE_OP(inex, mpfr_mul_2ui(a, a, 1, MPFR_RNDN));
  SUITE_OP(inex, mpfr_add(B, B, a, MPFR_RNDN));
  mpfr_clear(a);
  return mpfr_div_ui(B, B, 20, MPFR_RNDN) != 0 || inex;
}

static long sde_out(mpfr_t y, const double *in, int k, void *vcross)
{
  int cross = vcross != NULL, kind = (int)in[0];
  double t = in[1];
  mpfr_prec_t q = mpfr_get_prec(y) + 64;
  mpfr_t a, b, c;
  mpfr_inits2(q, a, b, c, (mpfr_ptr)0);
  int inex = 1;
  long extra = 0;
  if (kind == 2) { /* VE: sigma(t) = 0.01 * 5000^t */
    if (k == 0) { mpfr_set_zero(y, 1); inex = 0; }
    else if (k == 2) { mpfr_set_ui(y, 1, MPFR_RNDN); inex = 0; }
    else if (t == 1 && k == 3) { mpfr_set_ui(y, 50, MPFR_RNDN); inex = 0; }
    else {
      if (!cross) { mpfr_set_ui(a, 5000, MPFR_RNDN); mpfr_set_d(b, t, MPFR_RNDN); mpfr_pow(a, a, b, MPFR_RNDN);
                    mpfr_div_ui(a, a, 100, MPFR_RNDN); }
      else { mpfr_set_ui(a, 5000, MPFR_RNDN); mpfr_log(a, a, MPFR_RNDN); mpfr_mul_d(a, a, t, MPFR_RNDN);
             mpfr_set_ui(b, 100, MPFR_RNDN); mpfr_log(b, b, MPFR_RNDN); mpfr_sub(c, a, b, MPFR_RNDN);
             extra = mpfr_zero_p(c) ? MPREF_PREC_MAX : mpref_cancel_bits(c, a, b) + 6;
             mpfr_exp(a, c, MPFR_RNDN); }
      if (k == 3) mpfr_set(y, a, MPFR_RNDN);
      else { /* g = sigma sqrt(2 log(5000)) */
        mpfr_set_ui(b, 5000, MPFR_RNDN);
        mpfr_log(b, b, MPFR_RNDN);
        mpfr_mul_2ui(b, b, 1, MPFR_RNDN);
        if (!cross) { mpfr_sqrt(b, b, MPFR_RNDN); mpfr_mul(y, a, b, MPFR_RNDN); }
        else { mpfr_sqr(a, a, MPFR_RNDN); mpfr_mul(a, a, b, MPFR_RNDN); mpfr_sqrt(y, a, MPFR_RNDN); }
      }
      extra += 4;
    }
  } else {
    /* beta(t) = 0.1 + 19.9 t = (1 + 199 t)/10 */
    switch (k) {
    case 0: /* -beta/2 */
      inex = 0;
      mpfr_set_d(a, t, MPFR_RNDN);
      if (!cross) { SUITE_OP(inex, mpfr_mul_ui(a, a, 199, MPFR_RNDN)); SUITE_OP(inex, mpfr_add_ui(a, a, 1, MPFR_RNDN));
                    SUITE_OP(inex, mpfr_div_si(y, a, -20, MPFR_RNDN)); }
      else { /* the exact rational -(1 + 199 t)/20 in GMP, rounded once */
        mpq_t qt, qc;
        mpq_inits(qt, qc, NULL);
        mpq_set_d(qt, t);
        mpq_set_ui(qc, 199, 20);
        mpq_mul(qt, qt, qc);
        mpq_set_ui(qc, 1, 20);
        mpq_add(qt, qt, qc);
        mpq_neg(qt, qt);
        inex = mpfr_set_q(y, qt, MPFR_RNDN) != 0;
        mpq_clears(qt, qc, NULL);
      }
      break;
    case 1: /* VP sqrt(beta); sub-VP sqrt(beta (1 - exp(-2B))) */
      if (!cross) { /* exactness tracked: beta can be a square (t = 3/8: sqrt(7.5625) = 2.75) */
        inex = 0;
        mpfr_set_d(a, t, MPFR_RNDN);
        SUITE_OP(inex, mpfr_mul_ui(a, a, 199, MPFR_RNDN));
        SUITE_OP(inex, mpfr_add_ui(a, a, 1, MPFR_RNDN));
        SUITE_OP(inex, mpfr_div_ui(a, a, 10, MPFR_RNDN));
        if (kind == 1) {
          integral_beta(b, t);
          mpfr_mul_si(b, b, -2, MPFR_RNDN);
          mpfr_expm1(b, b, MPFR_RNDN);
          mpfr_neg(b, b, MPFR_RNDN);
          mpfr_mul(a, a, b, MPFR_RNDN);
          inex = 1;
        }
        SUITE_OP(inex, mpfr_sqrt(y, a, MPFR_RNDN));
      } else { /* sqrt of the exact rational (1 + 199 t)/10 from GMP; sub-VP times sqrt(1 - exp(-2B)) */
        mpq_t qt, qc;
        mpq_inits(qt, qc, NULL);
        mpq_set_d(qt, t);
        mpq_set_ui(qc, 199, 10);
        mpq_mul(qt, qt, qc);
        mpq_set_ui(qc, 1, 10);
        mpq_add(qt, qt, qc);
        inex = mpfr_set_q(a, qt, MPFR_RNDN) != 0;
        mpq_clears(qt, qc, NULL);
        if (kind == 0) { SUITE_OP(inex, mpfr_sqrt(y, a, MPFR_RNDN)); break; }
        integral_beta(b, t);
        mpfr_mul_si(b, b, -2, MPFR_RNDN);
        mpfr_exp(b, b, MPFR_RNDN);
        mpfr_ui_sub(c, 1, b, MPFR_RNDN);
        extra = mpref_cancel_bits(c, b, b) + 2;
        mpfr_sqrt(c, c, MPFR_RNDN);
        mpfr_sqrt(a, a, MPFR_RNDN);
        mpfr_mul(y, a, c, MPFR_RNDN);
        inex = 1;
      }
      break;
    case 2: /* exp(-B/2) */
      integral_beta(a, t);
      if (!cross) { mpfr_div_si(a, a, -2, MPFR_RNDN); mpfr_exp(y, a, MPFR_RNDN); }
      else { mpfr_neg(a, a, MPFR_RNDN); mpfr_exp(a, a, MPFR_RNDN); mpfr_sqrt(y, a, MPFR_RNDN); }
      extra = 4;
      break;
    case 3: /* VP sqrt(1 - exp(-B)); sub-VP 1 - exp(-B) */
      integral_beta(a, t);
      mpfr_neg(a, a, MPFR_RNDN);
      if (!cross) { mpfr_expm1(a, a, MPFR_RNDN); mpfr_neg(a, a, MPFR_RNDN); }
      else { mpfr_exp(b, a, MPFR_RNDN); mpfr_ui_sub(a, 1, b, MPFR_RNDN); extra = mpref_cancel_bits(a, b, b) + 2; }
      if (kind == 0) mpfr_sqrt(y, a, MPFR_RNDN); else mpfr_set(y, a, MPFR_RNDN);
      break;
    default:
      mpfr_clears(a, b, c, (mpfr_ptr)0);
      return MPREF_DOMAIN;
    }
  }
  mpfr_clears(a, b, c, (mpfr_ptr)0);
  return SUITE_LOSS(inex, MPREF_SLACK + extra);
}

static int sde_row(const double *in, double *out, int cross)
{
  double kind = in[0], t = in[1];
  if (!(kind == 0 || kind == 1 || kind == 2) || !(t > 0 && t <= 1)) {
    for (int k = 0; k < NOUT; k++) out[k] = NAN;
    return 1;
  }
  static const int flag = 1;
  return suite_round_outputs(sde_out, in, NOUT, cross ? (void *)(uintptr_t)&flag : NULL, out);
}

static int sde_eval(const double *in, double *out) { return sde_row(in, out, 0); }
static int sde_cross(const double *in, double *out) { return sde_row(in, out, 1); }

const dmc_suite dmc_suite_sde_coeffs = {
  "sde_coeffs",
  "Song et al. (score_sde) SDEs, sde = 0 VP, 1 sub-VP, 2 VE, 0 < t <= 1; beta(t) = 0.1 + 19.9 t, B(t) ="
  " 0.1 t + 9.95 t^2, sigma(t) = 0.01 (50/0.01)^t (constants exact). drift_coef = f(x,t)/x: -beta/2"
  " (VP, sub-VP), 0 (VE); diffusion: sqrt(beta) (VP), sqrt(beta (1 - exp(-2B))) (sub-VP), sigma(t)"
  " sqrt(2 log(5000)) (VE); mean_coef: exp(-B/2) (VP, sub-VP), 1 (VE); std: sqrt(1 - exp(-B)) (VP), 1"
  " - exp(-B) (sub-VP, as score_sde), sigma(t) (VE). Rows: t = 10^(-7 + k/4), k = 0..27, and k/32, k ="
  " 1..32.",
  "sched.sde.vp sched.sde.subvp sched.sde.ve",
  2, NOUT, in_names, out_names, sde_count, sde_inputs, sde_eval, sde_cross,
  "B(t) by three-point Gauss-Legendre quadrature of beta(s) in MPFR (decimal constants parsed), 1 - exp(-B) as (1 - m)(1 + m) with m = exp(-B/2), VE sigma(t) = 0.01 * 2^(t log2 5000) (tests/vec_indep_sde.c)"
};
