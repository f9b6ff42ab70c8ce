/* suite_tanh.c -- suites approx_std_normal_cdf and
 * discretized_gaussian_loglik_tanh (claims sched.cdf.tanh.logistic
 * elbo.loglik.tanh): improved-diffusion's tanh approximation to the normal
 * cdf, A(z) = (1 + tanh(u))/2 with u = sqrt(2/pi)(z + 0.044715 z^3), and
 * the discretised Gaussian log-likelihood built on it (losses.py):
 * bins [x - 1/255, x + 1/255] scaled by exp(-log_scale), log A(z+) below
 * x = -0.999, log(1 - A(z-)) above x = 0.999, log(A(z+) - A(z-)) between,
 * each clamped below at 1e-12 (real-valued: 1/255, 0.999 and 1e-12 exact).
 * eval: A(z) = sigma(2u) (the logistic), log sigma(v) = -log1p(e^-v), the
 * bin mass sigma(a) - sigma(b) = expm1(a - b) sigma(b) (1 - sigma(a)) with
 * a - b from (z+ - z-)(1 + 0.044715 (z+^2 + z+ z- + z-^2)) (no cancellation).
 * cross: A(z) = e^u/(2 cosh u); logs of those with the cancellation counted. */
#include "suites.h"
#include "suite_util.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>

/* u = sqrt(2/pi)(z + 0.044715 z^3) at u's precision (a relative error of a
 * few ulps: the two terms have z's sign). */
static void tanh_arg(mpfr_t u, const mpfr_t z)
{
  mpfr_t c;
  mpfr_init2(c, mpfr_get_prec(u));
  mpfr_pow_ui(c, z, 3, MPFR_RNDN);
  mpfr_mul_ui(c, c, 44715, MPFR_RNDN);
  mpfr_div_ui(c, c, 1000000, MPFR_RNDN);
  mpfr_add(u, z, c, MPFR_RNDN);
  mpfr_const_pi(c, MPFR_RNDN);
  mpfr_ui_div(c, 2, c, MPFR_RNDN);
  mpfr_sqrt(c, c, MPFR_RNDN);
  mpfr_mul(u, u, c, MPFR_RNDN);
  mpfr_clear(c);
}

/* Bits an exponential of an argument with relative error e loses: log2|v|. */
static long arg_bits(const mpfr_t v) { return mpfr_regular_p(v) && mpfr_get_exp(v) > 0 ? (long)mpfr_get_exp(v) : 0; }

/* y = log sigma(v) (cross = 0: -log1p(e^-v); 1: (v/2) - log(2 cosh(v/2))
 * for v <= 0, log1p(-e^(-v/2)/(2 cosh(v/2))) beyond). Returns bits lost. */
static long log_sigma(mpfr_t y, const mpfr_t v, int cross)
{
  mpfr_t w, h;
  mpfr_inits2(mpfr_get_prec(y) + 16, w, h, (mpfr_ptr)0);
  long loss = arg_bits(v) + 4;
  if (!cross) {
    mpfr_neg(w, v, MPFR_RNDN);
    mpfr_exp(w, w, MPFR_RNDN);
    mpfr_log1p(y, w, MPFR_RNDN);
    mpfr_neg(y, y, MPFR_RNDN);
  } else {
    mpfr_div_2ui(h, v, 1, MPFR_RNDN);
    mpfr_cosh(w, h, MPFR_RNDN);
    mpfr_mul_2ui(w, w, 1, MPFR_RNDN);
    if (mpfr_sgn(v) <= 0) {
      mpfr_log(w, w, MPFR_RNDN);
      mpfr_sub(y, h, w, MPFR_RNDN);               /* h - log(2 cosh h), same signs */
    } else {
      mpfr_neg(h, h, MPFR_RNDN);
      mpfr_exp(h, h, MPFR_RNDN);
      mpfr_div(w, h, w, MPFR_RNDN);
      mpfr_neg(w, w, MPFR_RNDN);
      mpfr_log1p(y, w, MPFR_RNDN);
    }
  }
  mpfr_clears(w, h, (mpfr_ptr)0);
  return loss;
}

/* ---- approx_std_normal_cdf ---------------------------------------------- */

static const char *const cdf_in[] = { "x" };
static const char *const cdf_out_names[] = { "approx_cdf", "log_approx_cdf", "log_one_minus_approx_cdf" };

/* Rows: x = k/8 for |k| <= 80; +-(11 + j) for j = 0..29 (the tails: the cdf
 * underflows below x = -23, its log does not); +-2^-4m, m = 1..15. */
static size_t cdf_count(void) { return 161 + 60 + 30; }

static int cdf_inputs(size_t r, double *in)
{
  if (r < 161) in[0] = ((double)r - 80) / 8;
  else if (r < 221) { size_t j = r - 161; in[0] = (j % 2 ? -1.0 : 1.0) * (double)(11 + j / 2); }
  else { size_t j = r - 221; in[0] = (j % 2 ? -1.0 : 1.0) * ldexp(1.0, -4 * (int)(j / 2 + 1)); }
  return 0;
}

/* |x| <= 1000 keeps e^(2u) inside MPFR's exponent range (|u| < 4e7). */
#define CDF_XMAX 1000.0

static long cdf_row_out(mpfr_t y, const double *in, int k, void *vcross)
{
  int cross = vcross != NULL;
  if (!(fabs(in[0]) <= CDF_XMAX)) return MPREF_DOMAIN;
  if (in[0] == 0) { /* A(0) = 1/2 exactly, both logs -log 2 */
    if (k == 0) { mpfr_set_d(y, 0.5, MPFR_RNDN); return MPREF_EXACT; }
    mpfr_const_log2(y, MPFR_RNDN);
    mpfr_neg(y, y, MPFR_RNDN);
    return 2;
  }
  mpfr_t z, u;
  mpfr_inits2(mpfr_get_prec(y) + 64, z, u, (mpfr_ptr)0);
  mpfr_set_d(z, in[0], MPFR_RNDN);
  tanh_arg(u, z);
  mpfr_mul_2ui(u, u, 1, MPFR_RNDN);              /* v = 2u: A = sigma(v) */
  if (k == 2) mpfr_neg(u, u, MPFR_RNDN);         /* 1 - A = sigma(-v) */
  long loss;
  if (k == 0) {
    loss = arg_bits(u) + 4;
    if (!cross) {
      mpfr_neg(z, u, MPFR_RNDN);
      mpfr_exp(z, z, MPFR_RNDN);
      mpfr_add_ui(z, z, 1, MPFR_RNDN);
      mpfr_ui_div(y, 1, z, MPFR_RNDN);
    } else {
      mpfr_div_2ui(u, u, 1, MPFR_RNDN);
      mpfr_cosh(z, u, MPFR_RNDN);
      mpfr_mul_2ui(z, z, 1, MPFR_RNDN);
      mpfr_exp(u, u, MPFR_RNDN);
      mpfr_div(y, u, z, MPFR_RNDN);
    }
  } else {
    loss = log_sigma(y, u, cross);                /* relative: no cancellation in either form */
  }
  mpfr_clears(z, u, (mpfr_ptr)0);
  return loss;
}

static int cdf_domain(const double *in, char *why, size_t len)
{
  if (fabs(in[0]) <= CDF_XMAX) return -1;
  snprintf(why, len, "x = %.17g (approx_std_normal_cdf: |x| <= %g: beyond it"
           " e^(2u) leaves MPFR's exponent range)", in[0], CDF_XMAX);
  return 0;
}

static int cdf_eval(const double *in, double *out) { return suite_round_outputs(cdf_row_out, in, 3, NULL, out); }
static int cdf_crossf(const double *in, double *out)
{
  int flag = 1;
  return suite_round_outputs(cdf_row_out, in, 3, (void *)(uintptr_t)&flag, out);
}

const dmc_suite dmc_suite_approx_std_normal_cdf = {
  "approx_std_normal_cdf",
  "improved-diffusion's approx_standard_normal_cdf(x) = 0.5 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))"
  " (0.044715 exact; the real-valued formula, not Phi), its log and log(1 - cdf) (what"
  " discretized_gaussian_log_likelihood takes). Rows: x = k/8 for |k| <= 80, +-(11..40), +-2^-4m for m ="
  " 1..15. Domain |x| <= 1000.",
  "sched.cdf.tanh.logistic",
  1, 3, cdf_in, cdf_out_names, cdf_count, cdf_inputs, cdf_eval, cdf_crossf,
  "the cdf literally as (1 + tanh u)/2 with MPFR tanh (precision raised past the cancellation), logs of it"
  " and of its complement, or of e^-2|u|/(1 + e^-2|u|) in the far tails (tests/vec_indep_tanh.c)"
};

/* ---- discretized_gaussian_loglik_tanh ----------------------------------- */

static const char *const dg_in[] = { "x", "mean", "log_scale" };
static const char *const dg_out[] = { "loglik" };

/* Rows: every fourth of the 256 levels x = 2k/255 - 1 (k = 0, 4, ..., 252)
 * and the top one (k = 255), means 0 and 0.6, log-scales -5, -2 and 0
 * (every bin is then within the domain). */
static const double dg_scales[] = { -5.0, -2.0, 0.0 };
static const double dg_means[] = { 0.0, 0.6 };
#define DG_LEVELS 65
static size_t dg_count(void) { return DG_LEVELS * 3 * 2; }

static int dg_inputs(size_t r, double *in)
{
  size_t j = r / DG_LEVELS, k = r % DG_LEVELS == DG_LEVELS - 1 ? 255 : 4 * (r % DG_LEVELS);
  in[0] = (double)(2 * (long)k - 255) / 255.0;   /* one rounding of an exact quotient */
  in[1] = dg_means[j % 2];
  in[2] = dg_scales[j / 2];
  return 0;
}

/* The bins' scaled edges must satisfy |z| <= 1000 (MPFR's exponent range):
 * exp(-log_scale) (|x - mean| + 1/255) <= 1000, checked with margin in
 * double; x in [-1, 1] as improved-diffusion's data. */
static int dg_bad(const double *in)
{
  if (!(fabs(in[0]) <= 1)) return 0;
  if (!(fabs(in[1]) <= 1000)) return 1;
  if (!(fabs(in[2]) <= 700) || !(exp(-in[2]) * (fabs(in[0] - in[1]) + 1.0 / 255) <= 999)) return 2;
  return -1;
}

static int dg_domain(const double *in, char *why, size_t len)
{
  int bad = dg_bad(in);
  if (bad >= 0)
    snprintf(why, len, "%s = %.17g (discretized_gaussian_loglik_tanh: |x| <= 1,"
             " exp(-log_scale) (|x - mean| + 1/255) <= 999)", dg_in[bad], in[bad]);
  return bad;
}

/* y = log max(m, 1e-12) given lm = log m: max with -12 log 10. */
static void clamp_log(mpfr_t y, const mpfr_t lm)
{
  mpfr_t c;
  mpfr_init2(c, mpfr_get_prec(y) + 16);
  mpfr_set_ui(c, 10, MPFR_RNDN);
  mpfr_log(c, c, MPFR_RNDN);
  mpfr_mul_si(c, c, -12, MPFR_RNDN);
  mpfr_max(y, lm, c, MPFR_RNDN);
  mpfr_clear(c);
}

static long dg_row_out(mpfr_t y, const double *in, int k, void *vcross)
{
  (void)k;
  int cross = vcross != NULL;
  if (dg_bad(in) >= 0) return MPREF_DOMAIN;
  mpfr_prec_t q = mpfr_get_prec(y) + 64;
  mpfr_t s, c, zp, zm, a, b, t, w, lm;
  mpfr_inits2(q, s, c, zp, zm, a, b, t, w, lm, (mpfr_ptr)0);
  mpfr_set_d(s, -in[2], MPFR_RNDN);
  mpfr_exp(s, s, MPFR_RNDN);                     /* 1/stdv */
  mpfr_set_d(c, in[0], MPFR_RNDN);
  mpfr_sub_d(c, c, in[1], MPFR_RNDN);            /* x - mean: one relative rounding */
  mpfr_set_ui(t, 1, MPFR_RNDN);
  mpfr_div_ui(t, t, 255, MPFR_RNDN);
  mpfr_add(zp, c, t, MPFR_RNDN);
  mpfr_sub(zm, c, t, MPFR_RNDN);
  long loss = 8 + mpref_cancel_bits(zp, c, t) + mpref_cancel_bits(zm, c, t);
  mpfr_mul(zp, zp, s, MPFR_RNDN);
  mpfr_mul(zm, zm, s, MPFR_RNDN);
  mpfr_set_str(w, "-0.999", 10, MPFR_RNDN);
  int lower = mpfr_cmp_d(w, in[0]) > 0, upper = mpfr_cmp_d(w, -in[0]) > 0;
  if (lower || upper) {
    tanh_arg(a, lower ? zp : zm);
    mpfr_mul_si(a, a, lower ? 2 : -2, MPFR_RNDN);
    loss += log_sigma(lm, a, cross);
  } else {
    tanh_arg(a, zp);
    tanh_arg(b, zm);
    mpfr_mul_2ui(a, a, 1, MPFR_RNDN);
    mpfr_mul_2ui(b, b, 1, MPFR_RNDN);
    if (!cross) { /* a - b = 2 sqrt(2/pi) (zp - zm)(1 + 0.044715 (zp^2 + zp zm + zm^2)) */
      mpfr_sqr(t, zp, MPFR_RNDN);
      mpfr_mul(w, zp, zm, MPFR_RNDN);
      mpfr_add(t, t, w, MPFR_RNDN);
      mpfr_sqr(w, zm, MPFR_RNDN);
      mpfr_add(t, t, w, MPFR_RNDN);               /* a positive definite form: >= (zp^2 + zm^2)/2 */
      mpfr_mul_ui(t, t, 44715, MPFR_RNDN);
      mpfr_div_ui(t, t, 1000000, MPFR_RNDN);
      mpfr_add_ui(t, t, 1, MPFR_RNDN);
      mpfr_sub(w, zp, zm, MPFR_RNDN);             /* = 2 s/255 up to the roundings of zp, zm */
      loss += mpref_cancel_bits(w, zp, zm);
      mpfr_mul(t, t, w, MPFR_RNDN);
      mpfr_const_pi(w, MPFR_RNDN);
      mpfr_ui_div(w, 8, w, MPFR_RNDN);
      mpfr_sqrt(w, w, MPFR_RNDN);
      mpfr_mul(t, t, w, MPFR_RNDN);
      mpfr_expm1(t, t, MPFR_RNDN);
      mpfr_log(lm, t, MPFR_RNDN);                 /* log expm1(a - b) */
      loss += arg_bits(t);
      mpfr_neg(a, a, MPFR_RNDN);
      long l1 = log_sigma(t, a, 0), l2 = log_sigma(w, b, 0);   /* log(1 - sigma(a)), log sigma(b) */
      mpfr_t sum;
      mpfr_init2(sum, q);
      mpfr_add(sum, t, w, MPFR_RNDN);
      mpfr_add(y, sum, lm, MPFR_RNDN);
      loss += (l1 > l2 ? l1 : l2) + mpref_bits_lost(y, mpfr_get_exp(sum) > mpfr_get_exp(lm) ? mpfr_get_exp(sum)
                                                                                             : mpfr_get_exp(lm));
      mpfr_set(lm, y, MPFR_RNDN);
      mpfr_clear(sum);
    } else { /* sigma(a) - sigma(b) on the side of 0 where both are small */
      if (mpfr_sgn(b) >= 0) { mpfr_neg(t, a, MPFR_RNDN); mpfr_neg(a, b, MPFR_RNDN); mpfr_set(b, t, MPFR_RNDN); }
      long l = arg_bits(a) + arg_bits(b) + 8;
      for (int i = 0; i < 2; i++) {
        mpfr_ptr v = i ? b : a;
        mpfr_neg(v, v, MPFR_RNDN);
        mpfr_exp(v, v, MPFR_RNDN);
        mpfr_add_ui(v, v, 1, MPFR_RNDN);
        mpfr_ui_div(v, 1, v, MPFR_RNDN);
      }
      mpfr_sub(t, a, b, MPFR_RNDN);
      l += mpref_cancel_bits(t, a, b);
      mpfr_log(lm, t, MPFR_RNDN);
      loss += l + (mpfr_zero_p(lm) ? 0 : mpref_bits_lost(lm, 1));
    }
  }
  clamp_log(y, lm);
  mpfr_clears(s, c, zp, zm, a, b, t, w, lm, (mpfr_ptr)0);
  return MPREF_SLACK + loss;
}

static int dg_eval(const double *in, double *out) { return suite_round_outputs(dg_row_out, in, 1, NULL, out); }
static int dg_crossf(const double *in, double *out)
{
  int flag = 1;
  return suite_round_outputs(dg_row_out, in, 1, (void *)(uintptr_t)&flag, out);
}

const dmc_suite dmc_suite_discretized_gaussian_loglik_tanh = {
  "discretized_gaussian_loglik_tanh",
  "improved-diffusion's discretized_gaussian_log_likelihood(x, means, log_scales) with its tanh cdf A:"
  " z+- = exp(-log_scale)(x - mean +- 1/255); loglik = log A(z+) where x < -0.999, log(1 - A(z-)) where x >"
  " 0.999, log(A(z+) - A(z-)) otherwise, each log of max(., 1e-12) (1/255, 0.999, 1e-12 exact; the"
  " real-valued formula). Rows: the levels x = 2k/255 - 1 (rounded once) for k = 0, 4, ..., 252 and 255, mean 0"
  " and 0.6, log_scale -5,"
  " -2, 0. Domain |x| <= 1, exp(-log_scale)(|x - mean| + 1/255) <= 999.",
  "elbo.loglik.tanh",
  3, 1, dg_in, dg_out, dg_count, dg_inputs, dg_eval, dg_crossf,
  "the bin mass as the literal difference of (1 + tanh u)/2 at raised precision, or of the complements"
  " above 0, then log and the clamp (tests/vec_indep_tanh.c)"
};

int dmc_tanh_suite_domain(const dmc_suite *s, const double *in, char *why, size_t len);
int dmc_tanh_suite_domain(const dmc_suite *s, const double *in, char *why, size_t len)
{
  if (s == &dmc_suite_approx_std_normal_cdf) return cdf_domain(in, why, len);
  if (s == &dmc_suite_discretized_gaussian_loglik_tanh) return dg_domain(in, why, len);
  return -2;
}
