/* suite_sigmas.c -- suite sigma_grids (claims sched.sigmas.*): k-diffusion's
 * get_sigmas_karras(n, sigma_min, sigma_max, rho) = (M + r (m - M))^rho with
 * M = sigma_max^(1/rho), m = sigma_min^(1/rho), r = i/(n-1) (r = 0 for n = 1),
 * and get_sigmas_exponential(n, sigma_min, sigma_max) = exp(log sigma_max + r
 * (log sigma_min - log sigma_max)); both append a final 0 (row i = n). The
 * ramp is the exact rational i/(n-1), not torch's float linspace.
 * eval: roots by mpfr_rootn_ui, the power by mpfr_pow_ui; exp of the
 * interpolated logs. cross: exp(rho log(...)) with roots as exp(log(s)/rho);
 * sigma_max (sigma_min/sigma_max)^r via mpfr_pow. */
#include "suites.h"
#include "dmcref.h"
#include "suite_util.h"

#include <math.h>
#include <stdint.h>

static const char *const in_names[] = { "grid", "n", "rho", "sigma_min", "sigma_max", "i" };
static const char *const out_names[] = { "sigma" };

static const double smin[] = { 0.002, 0.0292 }, smax[] = { 80.0, 14.6146 };
static const long ns[] = { 1, 2, 10, 1000 };
/* grids: Karras rho = 7, Karras rho = 1, exponential (rho written as 0) */
static const double rhos[] = { 7, 1, 0 };

/* Rows: for each (pair, grid, n) the n + 1 points; n = 1000 only for the
 * first (sigma_min, sigma_max) pair. */
static size_t block_rows(size_t pair, size_t in) { return (pair > 0 && ns[in] == 1000) ? 0 : (size_t)ns[in] + 1; }

static size_t sig_count(void)
{
  size_t n = 0;
  for (size_t p = 0; p < 2; p++)
    for (size_t g = 0; g < 3; g++)
      for (size_t k = 0; k < 4; k++) n += block_rows(p, k);
  return n;
}

static int sig_inputs(size_t r, double *in)
{
  for (size_t p = 0; p < 2; p++)
    for (size_t g = 0; g < 3; g++)
      for (size_t k = 0; k < 4; k++) {
        size_t b = block_rows(p, k);
        if (r < b) {
          in[0] = g == 2 ? 1 : 0;
          in[1] = (double)ns[k];
          in[2] = rhos[g];
          in[3] = smin[p];
          in[4] = smax[p];
          in[5] = (double)r;
          return 0;
        }
        r -= b;
      }
  return 1;
}

static long sig_out(mpfr_t y, const double *in, int k, void *vcross)
{
  (void)k;
  int cross = vcross != NULL, expo = in[0] == 1;
  long n = (long)in[1], i = (long)in[5];
  unsigned long rho = (unsigned long)in[2];
  double lo = in[3], hi = in[4];
  if (i == n) { mpfr_set_zero(y, 1); return MPREF_EXACT; }               /* appended 0 */
  if (i == 0) { mpfr_set_d(y, hi, MPFR_RNDN); return MPREF_EXACT; }      /* r = 0 */
  if (i == n - 1) { mpfr_set_d(y, lo, MPFR_RNDN); return MPREF_EXACT; }  /* r = 1 */
  mpfr_prec_t q = mpfr_get_prec(y) + 32;
  mpfr_t M, m, r, a;
  mpfr_inits2(q, M, m, r, a, (mpfr_ptr)0);
  int inex = 1;
  long extra = 8;
  mpfr_set_si(r, i, MPFR_RNDN);
  mpfr_div_si(r, r, n - 1, MPFR_RNDN);
  mpfr_set_d(M, hi, MPFR_RNDN);
  mpfr_set_d(m, lo, MPFR_RNDN);
  if (expo) {
    if (!cross) { /* exp(log M + r (log m - log M)) */
      mpfr_log(M, M, MPFR_RNDN);
      mpfr_log(m, m, MPFR_RNDN);
      mpfr_sub(m, m, M, MPFR_RNDN);
      mpfr_mul(m, m, r, MPFR_RNDN);
      mpfr_add(a, M, m, MPFR_RNDN);
      extra += mpfr_zero_p(a) ? 0 : mpref_cancel_bits(a, M, m);
      mpfr_exp(y, a, MPFR_RNDN);
    } else {      /* M (m/M)^r */
      mpfr_div(m, m, M, MPFR_RNDN);
      mpfr_pow(m, m, r, MPFR_RNDN);
      mpfr_mul(y, M, m, MPFR_RNDN);
    }
  } else if (rho == 1) { /* M + r (m - M): rational */
    inex = 0;
    mpfr_t e;
    mpfr_init2(e, 4400);
    mpfr_set_d(e, lo, MPFR_RNDN);
    mpfr_sub_d(e, e, hi, MPFR_RNDN);                       /* exact */
    if (!cross) {
      SUITE_OP(inex, mpfr_mul_si(e, e, i, MPFR_RNDN));
      SUITE_OP(inex, mpfr_div_si(e, e, n - 1, MPFR_RNDN));
      SUITE_OP(inex, mpfr_add_d(y, e, hi, MPFR_RNDN));
      if (inex) extra += mpref_cancel_bits(y, M, e);
    } else {      /* ((n - 1 - i) M + i m) / (n - 1), numerator exact */
      mpfr_set_d(e, hi, MPFR_RNDN);
      mpfr_mul_si(e, e, n - 1 - i, MPFR_RNDN);
      mpfr_t f;
      mpfr_init2(f, 4400);
      mpfr_set_d(f, lo, MPFR_RNDN);
      mpfr_mul_si(f, f, i, MPFR_RNDN);
      mpfr_add(e, e, f, MPFR_RNDN);
      mpfr_clear(f);
      SUITE_OP(inex, mpfr_div_si(y, e, n - 1, MPFR_RNDN));
    }
    mpfr_clear(e);
  } else {
    if (!cross) {
      mpfr_rootn_ui(M, M, rho, MPFR_RNDN);
      mpfr_rootn_ui(m, m, rho, MPFR_RNDN);
    } else {
      mpfr_log(M, M, MPFR_RNDN); mpfr_div_ui(M, M, rho, MPFR_RNDN); mpfr_exp(M, M, MPFR_RNDN);
      mpfr_log(m, m, MPFR_RNDN); mpfr_div_ui(m, m, rho, MPFR_RNDN); mpfr_exp(m, m, MPFR_RNDN);
    }
    mpfr_sub(m, m, M, MPFR_RNDN);
    mpfr_mul(m, m, r, MPFR_RNDN);
    mpfr_add(a, M, m, MPFR_RNDN);
    extra += mpref_cancel_bits(a, M, m);
    if (!cross) mpfr_pow_ui(y, a, rho, MPFR_RNDN);
    else { mpfr_log(a, a, MPFR_RNDN); mpfr_mul_ui(a, a, rho, MPFR_RNDN); mpfr_exp(y, a, MPFR_RNDN); }
  }
  mpfr_clears(M, m, r, a, (mpfr_ptr)0);
  return SUITE_LOSS(inex, MPREF_SLACK + extra);
}

static int sig_row(const double *in, double *out, int cross)
{
  double g = in[0], n = in[1], rho = in[2], lo = in[3], hi = in[4], i = in[5];
  int ok = (g == 0 || g == 1) && n >= 1 && n <= 1e6 && n == floor(n) && i >= 0 && i <= n && i == floor(i) &&
           lo > 0 && hi >= lo && isfinite(hi) && (g == 1 || (rho >= 1 && rho <= 64 && rho == floor(rho)));
  if (!ok) { out[0] = NAN; return 1; }
  static const int flag = 1;
  return suite_round_outputs(sig_out, in, 1, cross ? (void *)(uintptr_t)&flag : NULL, out);
}

static int sig_eval(const double *in, double *out) { return sig_row(in, out, 0); }
static int sig_cross(const double *in, double *out) { return sig_row(in, out, 1); }

const dmc_suite dmc_suite_sigma_grids = {
  "sigma_grids",
  "k-diffusion sigma grids, grid 0: get_sigmas_karras(n, sigma_min, sigma_max, rho) = (M + r (m -"
  " M))^rho, M = sigma_max^(1/rho), m = sigma_min^(1/rho); grid 1: get_sigmas_exponential = exp(log"
  " sigma_max + r (log sigma_min - log sigma_max)) (rho column 0, unused); r = i/(n-1) exactly (r = 0"
  " for n = 1, so n = 1 gives [sigma_max, 0]); row i = n is the appended final 0. Inputs: n in {1, 2,"
  " 10, 1000}, rho in {1, 7}, (sigma_min, sigma_max) = (0.002, 80) (EDM) and (0.0292, 14.6146)"
  " (Stable Diffusion; n = 1000 only for the first pair), nearest doubles.",
  "sched.sigmas.karras sched.sigmas.exponential",
  6, 1, in_names, out_names, sig_count, sig_inputs, sig_eval, sig_cross,
  "Karras rho = 1 as exact GMP rationals, rho = 7 with roots by GMP integer 7th root and the power by repeated squaring; exponential grid as 2^((1 - r) log2 sigma_max + r log2 sigma_min) (tests/vec_indep_sigmas.c)"
};
