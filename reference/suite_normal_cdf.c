/* suite_normal_cdf.c -- suite normal_cdf (claims sched.cdf.*): the standard
 * normal cdf Phi(x), the tanh approximation 0.5 (1 + tanh(sqrt(2/pi) (x +
 * 0.044715 x^3))) some implementations use, and its error approx - Phi.
 * eval: Phi = erfc(-x/sqrt 2)/2, the approximation as e^u/(2 cosh u); cross: Phi from the upper
 * incomplete gamma function, Gamma(1/2, x^2/2)/(2 sqrt(pi)) (reflected for
 * x > 0), for |x| <= 8 and 1 - erfc(x/sqrt 2)/2 or erfc(|x|/sqrt 2)/2 beyond,
 * and the logistic form 1/(1 + exp(-2u)) of the approximation. */
#include "suites.h"
#include "dmcref.h"
#include "suite_util.h"

#include <math.h>
#include <stdint.h>

static const char *const in_names[] = { "x" };
static const char *const out_names[] = { "phi", "phi_tanh", "tanh_error" };
#define NOUT 3

/* Rows: x = k/8 for |k| <= 80; -(12 + 2j) for j = 0..13 (the lower tail to
 * -38, where Phi is subnormal); +-2^-4m for m = 1..15 (near 0). Above x = 10
 * both Phi and the approximation round to 1. */
static size_t cdf_count(void) { return 161 + 14 + 30; }

static int cdf_inputs(size_t r, double *in)
{
  if (r < 161) in[0] = ((double)r - 80) / 8;
  else if (r < 175) in[0] = -(double)(12 + 2 * (r - 161));
  else { size_t j = r - 175; in[0] = (j % 2 ? -1.0 : 1.0) * ldexp(1.0, -4 * (int)(j / 2 + 1)); }
  return 0;
}

/* Phi(x) into y (precision of y); returns extra bits lost. */
static long phi(mpfr_t y, double x, int cross)
{
  mpfr_prec_t q = mpfr_get_prec(y);
  mpfr_t z, h;
  mpfr_inits2(q, z, h, (mpfr_ptr)0);
  long extra = 2 * (long)ilogb(fabs(x) + 1) + 4;   /* erfc's condition number ~ 2 z^2 */
  mpfr_set_d(z, x, MPFR_RNDN);
  if (!cross) {
    mpfr_sqrt_ui(h, 2, MPFR_RNDN);
    mpfr_div(z, z, h, MPFR_RNDN);
    mpfr_neg(z, z, MPFR_RNDN);
    mpfr_erfc(y, z, MPFR_RNDN);
    mpfr_div_2ui(y, y, 1, MPFR_RNDN);
  } else if (fabs(x) <= 8) {
    mpfr_sqr(z, z, MPFR_RNDN);
    mpfr_div_2ui(z, z, 1, MPFR_RNDN);                  /* x^2/2, exact */
    mpfr_set_d(h, 0.5, MPFR_RNDN);
    mpfr_gamma_inc(y, h, z, MPFR_RNDN);
    mpfr_const_pi(h, MPFR_RNDN);
    mpfr_sqrt(h, h, MPFR_RNDN);
    mpfr_mul_2ui(h, h, 1, MPFR_RNDN);
    mpfr_div(y, y, h, MPFR_RNDN);                      /* Phi(-|x|) */
    if (x > 0) { mpfr_set_ui(h, 1, MPFR_RNDN); mpfr_sub(z, h, y, MPFR_RNDN); extra += mpref_cancel_bits(z, h, y); mpfr_set(y, z, MPFR_RNDN); }
  } else {
    mpfr_abs(z, z, MPFR_RNDN);
    mpfr_sqrt_ui(h, 2, MPFR_RNDN);
    mpfr_div(z, z, h, MPFR_RNDN);
    mpfr_erfc(y, z, MPFR_RNDN);
    mpfr_div_2ui(y, y, 1, MPFR_RNDN);
    if (x > 0) mpfr_ui_sub(y, 1, y, MPFR_RNDN);
  }
  mpfr_clears(z, h, (mpfr_ptr)0);
  return extra;
}

/* 0.5 (1 + tanh(u)), u = sqrt(2/pi)(x + 0.044715 x^3); extra bits lost. */
static long phi_tanh(mpfr_t y, double x, int cross)
{
  mpfr_prec_t q = mpfr_get_prec(y);
  mpfr_t u, c, w;
  mpfr_inits2(q, u, c, w, (mpfr_ptr)0);
  mpfr_set_d(u, x, MPFR_RNDN);
  mpfr_pow_ui(c, u, 3, MPFR_RNDN);                      /* exact for q >= 159 */
  mpfr_mul_ui(c, c, 44715, MPFR_RNDN);
  mpfr_div_ui(c, c, 1000000, MPFR_RNDN);
  mpfr_add(u, u, c, MPFR_RNDN);                         /* same signs: no cancellation */
  mpfr_const_pi(c, MPFR_RNDN);
  mpfr_ui_div(c, 2, c, MPFR_RNDN);
  mpfr_sqrt(c, c, MPFR_RNDN);
  mpfr_mul(u, u, c, MPFR_RNDN);
  long extra = (long)ilogb(fabs(mpfr_get_d(u, MPFR_RNDN)) + 1) + 4; /* exp's condition |u| */
  if (!cross) { /* e^u / (2 cosh u), free of the cancellation in 1 + tanh u */
    mpfr_cosh(w, u, MPFR_RNDN);
    mpfr_mul_2ui(w, w, 1, MPFR_RNDN);
    mpfr_exp(c, u, MPFR_RNDN);
    mpfr_div(y, c, w, MPFR_RNDN);
  } else {
    mpfr_mul_si(w, u, -2, MPFR_RNDN);
    mpfr_exp(w, w, MPFR_RNDN);
    mpfr_add_ui(w, w, 1, MPFR_RNDN);
    mpfr_ui_div(y, 1, w, MPFR_RNDN);
  }
  mpfr_clears(u, c, w, (mpfr_ptr)0);
  return extra;
}

static long cdf_out(mpfr_t y, const double *in, int k, void *vcross)
{
  int cross = vcross != NULL;
  double x = in[0];
  if (x == 0) { /* Phi(0) = approximation(0) = 1/2 exactly */
    if (k < 2) mpfr_set_d(y, 0.5, MPFR_RNDN); else mpfr_set_zero(y, 1);
    return MPREF_EXACT;
  }
  mpfr_prec_t q = mpfr_get_prec(y) + 32;
  long extra;
  if (k == 0) {
    mpfr_t a; mpfr_init2(a, q);
    extra = phi(a, x, cross);
    mpfr_set(y, a, MPFR_RNDN);
    mpfr_clear(a);
  } else if (k == 1) {
    mpfr_t a; mpfr_init2(a, q);
    extra = phi_tanh(a, x, cross);
    mpfr_set(y, a, MPFR_RNDN);
    mpfr_clear(a);
  } else {
    mpfr_t a, b;
    mpfr_inits2(q, a, b, (mpfr_ptr)0);
    long e1 = phi(a, x, cross), e2 = phi_tanh(b, x, cross);
    extra = e1 > e2 ? e1 : e2;
    mpfr_sub(y, b, a, MPFR_RNDN);
    extra = mpfr_zero_p(y) ? MPREF_PREC_MAX : extra + mpref_cancel_bits(y, a, b);
    mpfr_clears(a, b, (mpfr_ptr)0);
  }
  return MPREF_SLACK + extra;
}

static int cdf_row(const double *in, double *out, int cross)
{
  if (!isfinite(in[0])) { for (int k = 0; k < NOUT; k++) out[k] = NAN; return 1; }
  static const int flag = 1;
  return suite_round_outputs(cdf_out, in, NOUT, cross ? (void *)(uintptr_t)&flag : NULL, out);
}

static int cdf_eval(const double *in, double *out) { return cdf_row(in, out, 0); }
static int cdf_cross(const double *in, double *out) { return cdf_row(in, out, 1); }

const dmc_suite dmc_suite_normal_cdf = {
  "normal_cdf",
  "Standard normal cdf phi = Phi(x) = erfc(-x/sqrt(2))/2; phi_tanh = 0.5 (1 + tanh(sqrt(2/pi)(x +"
  " 0.044715 x^3))) (the GELU-style approximation; 0.044715 exact); tanh_error = phi_tanh - phi, the"
  " correctly rounded difference of the real values. Rows: x = k/8 for |x| <= 10, -12..-38 step 2"
  " (Phi subnormal at the end), +-2^-4m (m = 1..15).",
  "sched.cdf.tanh",
  1, NOUT, in_names, out_names, cdf_count, cdf_inputs, cdf_eval, cdf_cross,
  "Phi by Marsaglia's Taylor series phi(x) sum x^(2n+1)/(2n+1)!! (|x| <= 5) and Laplace's continued fraction for the Mills ratio (Lentz; beyond), the approximation as (1 + tanh u)/2 with the cancellation's bits added (tests/vec_indep_normal.c)"
};
