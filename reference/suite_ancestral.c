/* suite_ancestral.c -- suite ancestral_step (claim sched.ancestral): k-diffusion's
 * get_ancestral_step(sigma_from, sigma_to, eta = 1): sigma_up = min(sigma_to,
 * sqrt(sigma_to^2 (sigma_from^2 - sigma_to^2) / sigma_from^2)), sigma_down =
 * sqrt(sigma_to^2 - sigma_up^2), for 0 <= sigma_to <= sigma_from.
 * eval: sigma_up = (sigma_to/sigma_from) sqrt((sigma_from - sigma_to)(sigma_from
 * + sigma_to)), sigma_down = sigma_to^2/sigma_from (the closed form);
 * cross: sigma_to sqrt(1 - (sigma_to/sigma_from)^2) with the cancellation
 * counted, sigma_down = sqrt(sigma_to^4 / sigma_from^2). */
#include "suites.h"
#include "dmcref.h"
#include "suite_util.h"

#include <math.h>
#include <stdint.h>

static const char *const in_names[] = { "sigma_from", "sigma_to" };
static const char *const out_names[] = { "sigma_up", "sigma_down" };

static const double froms[] = { 80.0, 14.6146, 1.0, 0.0292, 0.002 };
/* sigma_to = sigma_from / ratio (correctly rounded), plus sigma_to = 0 and
 * the double just below sigma_from */
static const double ratios[] = { 1.0, 1.0000001, 1.01, 1.5, 2.0, 10.0, 1e3, 1e6 };
#define NR 10
static size_t anc_count(void) { return 5 * NR; }

static int anc_inputs(size_t r, double *in)
{
  double f = froms[r / NR];
  size_t j = r % NR;
  in[0] = f;
  if (j < 8) {
    mpfr_t a;
    mpfr_init2(a, 53);
    mpfr_set_d(a, f, MPFR_RNDN);
    mpfr_div_d(a, a, ratios[j], MPFR_RNDN);
    in[1] = mpfr_get_d(a, MPFR_RNDN);
    mpfr_clear(a);
  } else {
    in[1] = j == 8 ? 0.0 : nextafter(f, 0.0);
  }
  return 0;
}

static long anc_out(mpfr_t y, const double *in, int k, void *vcross)
{
  int cross = vcross != NULL;
  double f = in[0], t = in[1];
  if (t == 0) { mpfr_set_zero(y, 1); return MPREF_EXACT; }
  mpfr_prec_t q = mpfr_get_prec(y) + 32;
  mpfr_t F, Tt, a, b;
  mpfr_inits2(4 * 53 + 64, F, Tt, (mpfr_ptr)0);
  mpfr_inits2(q, a, b, (mpfr_ptr)0);
  mpfr_set_d(F, f, MPFR_RNDN);
  mpfr_set_d(Tt, t, MPFR_RNDN);
  int inex = 0;
  long extra = 4;
  if (k == 0) {
    if (!cross) {
      mpfr_t d, s;
      mpfr_inits2(4 * 53 + 64, d, s, (mpfr_ptr)0);
      mpfr_sub(d, F, Tt, MPFR_RNDN);                      /* exact */
      mpfr_add(s, F, Tt, MPFR_RNDN);                      /* exact */
      mpfr_mul(d, d, s, MPFR_RNDN);                       /* exact */
      SUITE_OP(inex, mpfr_sqrt(a, d, MPFR_RNDN));
      SUITE_OP(inex, mpfr_mul(a, a, Tt, MPFR_RNDN));
      SUITE_OP(inex, mpfr_div(y, a, F, MPFR_RNDN));
      if (mpfr_zero_p(d)) { mpfr_set_zero(y, 1); inex = 0; }
      mpfr_clears(d, s, (mpfr_ptr)0);
    } else {
      SUITE_OP(inex, mpfr_div(a, Tt, F, MPFR_RNDN));
      SUITE_OP(inex, mpfr_sqr(a, a, MPFR_RNDN));
      mpfr_set_ui(b, 1, MPFR_RNDN);
      SUITE_OP(inex, mpfr_sub(b, b, a, MPFR_RNDN));
      if (mpfr_zero_p(b)) { mpfr_set_zero(y, 1); extra = inex ? MPREF_PREC_MAX : 0; }
      else {
        extra += mpref_cancel_bits(b, b, a) + 1;
        SUITE_OP(inex, mpfr_sqrt(b, b, MPFR_RNDN));
        SUITE_OP(inex, mpfr_mul(y, b, Tt, MPFR_RNDN));
      }
    }
  } else {
    if (!cross) {
      SUITE_OP(inex, mpfr_sqr(a, Tt, MPFR_RNDN));
      SUITE_OP(inex, mpfr_div(y, a, F, MPFR_RNDN));
    } else {
      mpfr_t t4;
      mpfr_init2(t4, 4 * 53 + 64);
      mpfr_sqr(t4, Tt, MPFR_RNDN);
      mpfr_sqr(t4, t4, MPFR_RNDN);                        /* exact */
      mpfr_sqr(b, F, MPFR_RNDN);
      SUITE_OP(inex, mpfr_div(a, t4, b, MPFR_RNDN));
      SUITE_OP(inex, mpfr_sqrt(y, a, MPFR_RNDN));
      mpfr_clear(t4);
    }
  }
  mpfr_clears(F, Tt, a, b, (mpfr_ptr)0);
  return SUITE_LOSS(inex, MPREF_SLACK + extra);
}

static int anc_row(const double *in, double *out, int cross)
{
  double f = in[0], t = in[1];
  if (!(f > 0 && isfinite(f) && t >= 0 && t <= f)) { out[0] = out[1] = NAN; return 1; }
  static const int flag = 1;
  return suite_round_outputs(anc_out, in, 2, cross ? (void *)(uintptr_t)&flag : NULL, out);
}

static int anc_eval(const double *in, double *out) { return anc_row(in, out, 0); }
static int anc_cross(const double *in, double *out) { return anc_row(in, out, 1); }

const dmc_suite dmc_suite_ancestral_step = {
  "ancestral_step",
  "k-diffusion get_ancestral_step(sigma_from, sigma_to, eta = 1): sigma_up = min(sigma_to,"
  " sqrt(sigma_to^2 (sigma_from^2 - sigma_to^2)/sigma_from^2)), sigma_down = sqrt(sigma_to^2 -"
  " sigma_up^2) (= sigma_to^2/sigma_from exactly). Rows: sigma_from in {80, 14.6146, 1, 0.0292,"
  " 0.002}, sigma_to = sigma_from/ratio (correctly rounded) for ratio in {1, 1+1e-7, 1.01, 1.5, 2, 10,"
  " 1e3, 1e6}, sigma_to = 0, and the double just below sigma_from.",
  "sched.ancestral",
  2, 2, in_names, out_names, anc_count, anc_inputs, anc_eval, anc_cross,
  "sigma_up^2 = sigma_to^2 (sigma_from^2 - sigma_to^2)/sigma_from^2 and sigma_down^2 = sigma_to^2 - sigma_up^2 as exact GMP rationals, square roots by GMP integer square root (tests/vec_indep_exact.c)"
};
