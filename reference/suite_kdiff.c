/* suite_kdiff.c -- the k-diffusion / EDM suites (claims sched.edm.precond
 * sched.kdiff.sigmas): edm_precond (Karras et al. 2022's c_skip, c_out,
 * c_in, c_noise), sigmas_vp (k-diffusion's get_sigmas_vp),
 * sigmas_polyexponential (get_sigmas_polyexponential) and sigma_ve (the VE
 * SDE's sigma(t)), all as real-valued formulas of the row's inputs. eval:
 * c_skip and s^2 = sigma^2 + sigma_d^2 as exact GMP rationals, roots and
 * logs of them; sigma_vp = sqrt(expm1(beta_d t^2/2 + beta_min t)); the
 * geometric sigmas as exp(log sigma_min + r (log sigma_max - log
 * sigma_min)). cross: c_skip from MPFR squares, c_out and c_in by mpfr_hypot, sigma_vp by
 * sqrt(expm1) of the exponent in Horner form, the geometric sigmas as
 * sigma_min * (sigma_max/sigma_min)^r by mpfr_pow. */
#include "suites.h"
#include "suite_util.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>

static int is_cross(void *flag) { return flag != NULL; }
static void *cross_flag(int *f) { return (void *)(uintptr_t)f; }

/* ---- edm_precond --------------------------------------------------------- */

static const char *const edm_in[] = { "sigma", "sigma_data" };
static const char *const edm_out[] = { "c_skip", "c_out", "c_in", "c_noise" };
static const double edm_sigmas[] = { 1e-6, 0.002, 0.01, 0.05, 0.1, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0, 14.6146, 80.0, 1e3 };
static const double edm_sds[] = { 0.5, 1.0, 0.2 };
#define EDM_NS (sizeof edm_sigmas / sizeof *edm_sigmas)
static size_t edm_count(void) { return EDM_NS * 3; }
static int edm_inputs(size_t r, double *in) { in[0] = edm_sigmas[r % EDM_NS]; in[1] = edm_sds[r / EDM_NS]; return 0; }
static int edm_ok(const double *in) { return in[0] > 0 && in[0] <= 1e300 && in[1] > 0 && in[1] <= 1e300; }

/* c_noise = ln(sigma)/4: the log of the exact sigma rounds once, the
 * quarter is exact: |y - exact| <= 2^(EXP(y) - PREC(y) - 1), loss 0 (exact 0
 * at sigma = 1, the only rational log). */
static long edm_noise(mpfr_t y, double sigma)
{
  if (sigma == 1) { mpfr_set_zero(y, 1); return MPREF_EXACT; }
  mpfr_set_d(y, sigma, MPFR_RNDN);
  mpfr_log(y, y, MPFR_RNDN);
  mpfr_div_2ui(y, y, 2, MPFR_RNDN);
  return 0;
}

/* eval's four coefficients in one mpref_round_each: s2 = sigma^2 and d2 =
 * sigma_data^2 exact at 106 bits, S = s2 + d2 exact (at the bits spanning
 * both: a zero ternary confirms it), so
 *   c_skip = d2 / S and c_in = S^(-1/2) are single roundings of exact
 *     operands to p bits: 2^(EXP(y) - p - 1), loss 0 (exact if the ternary
 *     is 0);
 *   c_out = (S / (s2 d2))^(-1/2): the quotient of exact values rounds at W =
 *     2p bits, x~ = x (1 + e), |e| <= 2^-W, and (1 + e)^(-1/2) - 1 <= 0.51
 *     2^-W, then the reciprocal root rounds to p: 2^(EXP(y) - p - 1) +
 *     2^(EXP(y) - W), loss 0;
 *   c_noise as edm_noise. */
static void edm_each(mpfr_t *y, long *loss, size_t n, const unsigned char *need, const void *vin)
{
  const double *in = vin;
  (void)n;
  mpfr_prec_t p = mpfr_get_prec(y[0]), W = 2 * p;
  for (int k = 0; k < 4; k++) if (need[k] && mpfr_get_prec(y[k]) > p) p = mpfr_get_prec(y[k]), W = 2 * p;
  MPREF_LOCAL(s2, 106);
  MPREF_LOCAL(d2, 106);
  mpfr_set_d(s2, in[0], MPFR_RNDN);
  mpfr_sqr(s2, s2, MPFR_RNDN);
  mpfr_set_d(d2, in[1], MPFR_RNDN);
  mpfr_sqr(d2, d2, MPFR_RNDN);
  mpfr_exp_t e1 = mpfr_get_exp(s2), e2 = mpfr_get_exp(d2);
  MPREF_LOCAL(S, (e1 > e2 ? e1 - e2 : e2 - e1) + 108);
  MPREF_LOCAL(P2, 212);
  MPREF_LOCAL(x, W);
  int sx = mpfr_add(S, s2, d2, MPFR_RNDN) == 0;            /* always exact */
  for (int k = 0; k < 4; k++) {
    if (!need[k]) continue;
    int inex;
    mpfr_exp_t terms[2];
    terms[1] = 0;
    if (k == 3) { loss[k] = edm_noise(y[k], in[0]); continue; }
    if (k == 0) inex = mpfr_div(y[k], d2, S, MPFR_RNDN) != 0;
    else if (k == 2) inex = mpfr_rec_sqrt(y[k], S, MPFR_RNDN) != 0;
    else {
      mpfr_mul(P2, s2, d2, MPFR_RNDN);                      /* exact: 212 bits */
      int qx = mpfr_div(x, S, P2, MPFR_RNDN) == 0;
      inex = mpfr_rec_sqrt(y[k], x, MPFR_RNDN) != 0 || !qx;
      terms[1] = mpfr_get_exp(y[k]) - (long)W;
    }
    if (!sx) { loss[k] = MPREF_PREC_MAX; continue; }      /* never: S is exact */
    if (!inex) { loss[k] = MPREF_EXACT; continue; }
    terms[0] = mpfr_get_exp(y[k]) - (long)mpfr_get_prec(y[k]) - 1;
    loss[k] = mpref_loss_of(y[k], terms, k == 1 ? 2 : 1);
  }
}

static long edm_row_out(mpfr_t y, const double *in, int k, void *flag)
{
  if (!edm_ok(in)) return MPREF_DOMAIN;
  if (k == 3) return edm_noise(y, in[0]);
  mpfr_prec_t p = mpfr_get_prec(y) + 64;
  int inex = 0;
  if (!is_cross(flag)) {
    mpq_t s2, sd2, q;
    mpq_inits(s2, sd2, q, (mpq_ptr)0);
    mpq_set_d(s2, in[0]);
    mpq_mul(s2, s2, s2);
    mpq_set_d(sd2, in[1]);
    mpq_mul(sd2, sd2, sd2);
    mpq_add(q, s2, sd2);                       /* sigma^2 + sigma_d^2 */
    long loss;
    if (k == 0) {
      mpq_div(q, sd2, q);
      loss = suite_rational(y, q);
    } else {
      if (k == 1) { mpq_div(q, q, s2); mpq_div(q, q, sd2); }  /* c_out^2 = s^2 sd^2/(s^2 + sd^2): 1/c_out^2 */
      mpfr_t x;
      mpfr_init2(x, p);
      SUITE_OP(inex, mpfr_set_q(x, q, MPFR_RNDN));
      SUITE_OP(inex, mpfr_rec_sqrt(y, x, MPFR_RNDN));
      mpfr_clear(x);
      loss = SUITE_LOSS(inex, MPREF_SLACK);
    }
    mpq_clears(s2, sd2, q, (mpq_ptr)0);
    return loss;
  }
  mpfr_t s, d, r;
  mpfr_inits2(p, s, d, r, (mpfr_ptr)0);
  SUITE_OP(inex, mpfr_set_d(s, in[0], MPFR_RNDN));
  SUITE_OP(inex, mpfr_set_d(d, in[1], MPFR_RNDN));
  if (k != 0) SUITE_OP(inex, mpfr_hypot(r, s, d, MPFR_RNDN));
  if (k == 0) { /* d^2 / (s^2 + d^2) with its rounding flags: exact for equal sigmas */
    SUITE_OP(inex, mpfr_sqr(s, s, MPFR_RNDN));
    SUITE_OP(inex, mpfr_sqr(d, d, MPFR_RNDN));
    SUITE_OP(inex, mpfr_add(r, s, d, MPFR_RNDN));
    SUITE_OP(inex, mpfr_div(y, d, r, MPFR_RNDN));
  }
  else if (k == 1) { SUITE_OP(inex, mpfr_mul(s, s, d, MPFR_RNDN)); SUITE_OP(inex, mpfr_div(y, s, r, MPFR_RNDN)); }
  else SUITE_OP(inex, mpfr_ui_div(y, 1, r, MPFR_RNDN));
  mpfr_clears(s, d, r, (mpfr_ptr)0);
  return SUITE_LOSS(inex, MPREF_SLACK);
}

/* ---- sigmas_vp ----------------------------------------------------------- */

static const char *const vp_in[] = { "n", "i", "beta_d", "beta_min", "eps_s" };
static const char *const sig_out[] = { "sigma" };
/* Rows: n = 10, 50, 200 with k-diffusion's defaults (19.9, 0.1, 1e-3); n =
 * 10 with eps_s = 1e-5; i = 0..n (i = n is the appended 0). */
static size_t vp_count(void) { return 11 + 51 + 201 + 11; }
static int vp_inputs(size_t r, double *in)
{
  double n = r < 11 ? 10 : r < 62 ? 50 : r < 263 ? 200 : 10;
  size_t base = r < 11 ? 0 : r < 62 ? 11 : r < 263 ? 62 : 263;
  in[0] = n;
  in[1] = (double)(r - base);
  in[2] = 19.9;
  in[3] = 0.1;
  in[4] = r < 263 ? 1e-3 : 1e-5;
  return 0;
}
static int grid_ok(double n, double i) { return n >= 2 && n <= 1e6 && n == floor(n) && i >= 0 && i <= n && i == floor(i); }
static int vp_ok(const double *in)
{
  return grid_ok(in[0], in[1]) && in[2] >= 0 && in[2] <= 1e6 && in[3] >= 0 && in[3] <= 1e6 && in[4] > 0 &&
         in[4] <= 1 && in[2] + in[3] > 0;
}

/* t = 1 + (eps_s - 1) i/(n - 1) = ((n - 1 - i) + eps_s i)/(n - 1), exactly at t's precision + 64. */
static void vp_t(mpfr_t t, const double *in)
{
  mpfr_t e;
  mpfr_init2(e, mpfr_get_prec(t));
  mpfr_set_d(e, in[4], MPFR_RNDN);
  mpfr_mul_d(e, e, in[1], MPFR_RNDN);
  mpfr_add_d(e, e, in[0] - 1 - in[1], MPFR_RNDN);
  mpfr_div_d(t, e, in[0] - 1, MPFR_RNDN);
  mpfr_clear(e);
}

static long vp_row_out(mpfr_t y, const double *in, int k, void *flag)
{
  (void)k;
  if (!vp_ok(in)) return MPREF_DOMAIN;
  if (in[1] == in[0]) { mpfr_set_zero(y, 1); return MPREF_EXACT; }
  mpfr_t t, x, b;
  mpfr_inits2(mpfr_get_prec(y) + 64, t, x, b, (mpfr_ptr)0);
  vp_t(t, in);
  mpfr_set_d(b, in[2], MPFR_RNDN);
  if (!is_cross(flag)) {                       /* beta_d t^2/2 + beta_min t */
    mpfr_sqr(x, t, MPFR_RNDN);
    mpfr_mul(x, x, b, MPFR_RNDN);
    mpfr_div_2ui(x, x, 1, MPFR_RNDN);
    mpfr_set_d(b, in[3], MPFR_RNDN);
    mpfr_mul(b, b, t, MPFR_RNDN);
    mpfr_add(x, x, b, MPFR_RNDN);
  } else {                                     /* t (beta_min + t beta_d/2) */
    mpfr_div_2ui(b, b, 1, MPFR_RNDN);
    mpfr_mul(x, b, t, MPFR_RNDN);
    mpfr_add_d(x, x, in[3], MPFR_RNDN);
    mpfr_mul(x, x, t, MPFR_RNDN);
  }
  long loss = MPREF_SLACK + (mpfr_get_exp(x) > 0 ? (long)mpfr_get_exp(x) : 0);
  mpfr_expm1(x, x, MPFR_RNDN);
  mpfr_sqrt(y, x, MPFR_RNDN);
  mpfr_clears(t, x, b, (mpfr_ptr)0);
  return loss;
}

/* ---- the geometric sigmas: sigma_min (sigma_max/sigma_min)^r ---------------- */

/* y = sigma_min^(1 - r) sigma_max^r for r in [0, 1] at r's precision; r = 0
 * and 1 exact. Returns bits lost. */
static long geometric(mpfr_t y, const mpfr_t r, double smin, double smax, int cross)
{
  if (mpfr_zero_p(r)) { mpfr_set_d(y, smin, MPFR_RNDN); return MPREF_EXACT; }
  if (mpfr_cmp_ui(r, 1) == 0) { mpfr_set_d(y, smax, MPFR_RNDN); return MPREF_EXACT; }
  mpfr_t a, b;
  mpfr_inits2(mpfr_get_prec(r), a, b, (mpfr_ptr)0);
  mpfr_set_d(a, smin, MPFR_RNDN);
  mpfr_set_d(b, smax, MPFR_RNDN);
  if (!cross) {
    mpfr_log(a, a, MPFR_RNDN);
    mpfr_log(b, b, MPFR_RNDN);
    mpfr_sub(b, b, a, MPFR_RNDN);
    mpfr_mul(b, b, r, MPFR_RNDN);
    mpfr_add(a, a, b, MPFR_RNDN);
    mpfr_exp(y, a, MPFR_RNDN);
  } else {
    mpfr_div(b, b, a, MPFR_RNDN);
    mpfr_pow(b, b, r, MPFR_RNDN);
    mpfr_mul(y, a, b, MPFR_RNDN);
  }
  mpfr_clears(a, b, (mpfr_ptr)0);
  /* log sigma up to ~2^11 in magnitude: exp's argument condition */
  return MPREF_SLACK + 12;
}

static int geo_ok(double smin, double smax)
{
  return smin > 0 && smax > 0 && smin <= 1e300 && smax <= 1e300 && smin >= 1e-300 && smax >= 1e-300;
}

static const char *const pe_in[] = { "n", "i", "sigma_min", "sigma_max", "rho" };
/* Rows: n = 10 and 50, i = 0..n, with (sigma_min, sigma_max, rho) = (0.002,
 * 80, 1), (0.002, 80, 0.5), (0.002, 80, 2), (0.0292, 14.6146, 1). */
static const double pe_par[4][3] = { { 0.002, 80, 1 }, { 0.002, 80, 0.5 }, { 0.002, 80, 2 }, { 0.0292, 14.6146, 1 } };
static size_t pe_count(void) { return 4 * (11 + 51); }
static int pe_inputs(size_t r, double *in)
{
  size_t j = r / 62, i = r % 62;
  in[0] = i < 11 ? 10 : 50;
  in[1] = (double)(i < 11 ? i : i - 11);
  in[2] = pe_par[j][0];
  in[3] = pe_par[j][1];
  in[4] = pe_par[j][2];
  return 0;
}
static int pe_ok(const double *in) { return grid_ok(in[0], in[1]) && geo_ok(in[2], in[3]) && in[4] > 0 && in[4] <= 1e3; }

static long pe_row_out(mpfr_t y, const double *in, int k, void *flag)
{
  (void)k;
  if (!pe_ok(in)) return MPREF_DOMAIN;
  if (in[1] == in[0]) { mpfr_set_zero(y, 1); return MPREF_EXACT; }
  mpfr_t r;
  mpfr_init2(r, mpfr_get_prec(y) + 64);
  /* ramp = ((n - 1 - i)/(n - 1))^rho: the linspace point exact, one pow */
  mpfr_set_d(r, in[0] - 1 - in[1], MPFR_RNDN);
  mpfr_div_d(r, r, in[0] - 1, MPFR_RNDN);
  int exact = mpfr_zero_p(r) || mpfr_cmp_ui(r, 1) == 0;
  if (!exact) {
    mpfr_t rho;
    mpfr_init2(rho, 64);
    mpfr_set_d(rho, in[4], MPFR_RNDN);
    mpfr_pow(r, r, rho, MPFR_RNDN);
    mpfr_clear(rho);
  }
  long loss = geometric(y, r, in[2], in[3], is_cross(flag));
  mpfr_clear(r);
  return loss;
}

static const char *const ve_in[] = { "t", "sigma_min", "sigma_max" };
/* Rows: t = k/64, k = 0..64, for (sigma_min, sigma_max) = (0.01, 50), (0.01,
 * 378) (score-SDE's VE defaults) and (0.002, 80). */
static const double ve_par[3][2] = { { 0.01, 50 }, { 0.01, 378 }, { 0.002, 80 } };
static size_t ve_count(void) { return 3 * 65; }
static int ve_inputs(size_t r, double *in)
{
  in[0] = (double)(r % 65) / 64;
  in[1] = ve_par[r / 65][0];
  in[2] = ve_par[r / 65][1];
  return 0;
}
static int ve_ok(const double *in) { return in[0] >= 0 && in[0] <= 1 && geo_ok(in[1], in[2]); }

static long ve_row_out(mpfr_t y, const double *in, int k, void *flag)
{
  (void)k;
  if (!ve_ok(in)) return MPREF_DOMAIN;
  mpfr_t r;
  mpfr_init2(r, mpfr_get_prec(y) + 64);
  mpfr_set_d(r, in[0], MPFR_RNDN);
  long loss = geometric(y, r, in[1], in[2], is_cross(flag));
  mpfr_clear(r);
  return loss;
}

/* ---- the suites ---------------------------------------------------------- */

static int edm_ev(const double *in, double *out)
{
  if (!edm_ok(in)) { for (int k = 0; k < 4; k++) out[k] = NAN; return 1; }
  return mpref_round_each(edm_each, in, 4, out, NULL);
}
static int edm_cr(const double *in, double *out) { int f = 1; return suite_round_outputs(edm_row_out, in, 4, cross_flag(&f), out); }
static int vp_ev(const double *in, double *out) { return suite_round_outputs(vp_row_out, in, 1, NULL, out); }
static int vp_cr(const double *in, double *out) { int f = 1; return suite_round_outputs(vp_row_out, in, 1, cross_flag(&f), out); }
static int pe_ev(const double *in, double *out) { return suite_round_outputs(pe_row_out, in, 1, NULL, out); }
static int pe_cr(const double *in, double *out) { int f = 1; return suite_round_outputs(pe_row_out, in, 1, cross_flag(&f), out); }
static int ve_ev(const double *in, double *out) { return suite_round_outputs(ve_row_out, in, 1, NULL, out); }
static int ve_cr(const double *in, double *out) { int f = 1; return suite_round_outputs(ve_row_out, in, 1, cross_flag(&f), out); }

const dmc_suite dmc_suite_edm_precond = {
  "edm_precond",
  "EDM preconditioning (Karras et al. 2022, k-diffusion's Denoiser): c_skip = sigma_data^2/(sigma^2 +"
  " sigma_data^2), c_out = sigma sigma_data/sqrt(sigma^2 + sigma_data^2), c_in = 1/sqrt(sigma^2 +"
  " sigma_data^2), c_noise = ln(sigma)/4. Rows: sigma in {1e-6, 0.002, ..., 80, 1e3} x sigma_data in"
  " {0.5, 1, 0.2}. Domain 0 < sigma, sigma_data <= 1e300.",
  "sched.edm.precond",
  2, 4, edm_in, edm_out, edm_count, edm_inputs, edm_ev, edm_cr,
  "c_skip by 1/(1 + (sigma/sigma_data)^2), c_out and c_in through atan2: sigma_data sin(phi), cos(phi)/sigma_data"
  " with phi = atan(sigma/sigma_data); c_noise by log2 times log(2) (tests/vec_indep_kdiff.c)"
};

const dmc_suite dmc_suite_sigmas_vp = {
  "sigmas_vp",
  "k-diffusion's get_sigmas_vp(n, beta_d, beta_min, eps_s): row i < n is sigma = sqrt(exp(beta_d t^2/2 +"
  " beta_min t) - 1) at t = 1 + (eps_s - 1) i/(n - 1) (linspace as a real number), row i = n the appended 0."
  " Rows: n = 10, 50, 200 with (beta_d, beta_min, eps_s) = (19.9, 0.1, 1e-3), n = 10 with eps_s = 1e-5.",
  "sched.kdiff.sigmas",
  5, 1, vp_in, sig_out, vp_count, vp_inputs, vp_ev, vp_cr,
  "exp(x) - 1 literally at raised precision, x from t = 1 - (1 - eps_s) i/(n - 1) (tests/vec_indep_kdiff.c)"
};

const dmc_suite dmc_suite_sigmas_polyexponential = {
  "sigmas_polyexponential",
  "k-diffusion's get_sigmas_polyexponential(n, sigma_min, sigma_max, rho): row i < n is sigma ="
  " exp(ramp (ln sigma_max - ln sigma_min) + ln sigma_min), ramp = (1 - i/(n - 1))^rho (linspace(1, 0, n) as"
  " real numbers), row i = n the appended 0. Rows: n = 10, 50 with (sigma_min, sigma_max, rho) = (0.002, 80,"
  " 1), (0.002, 80, 0.5), (0.002, 80, 2), (0.0292, 14.6146, 1).",
  "sched.kdiff.sigmas",
  5, 1, pe_in, sig_out, pe_count, pe_inputs, pe_ev, pe_cr,
  "sigma_max^ramp sigma_min^(1 - ramp) by two mpfr_pow, ramp = exp(rho log(1 - i/(n - 1)))"
  " (tests/vec_indep_kdiff.c)"
};

const dmc_suite dmc_suite_sigma_ve = {
  "sigma_ve",
  "The VE SDE's noise level (Song et al. 2021; k-diffusion's VE): sigma(t) = sigma_min (sigma_max/sigma_min)^t"
  " for t in [0, 1]. Rows: t = k/64 for (sigma_min, sigma_max) = (0.01, 50), (0.01, 378), (0.002, 80).",
  "sched.kdiff.sigmas",
  3, 1, ve_in, sig_out, ve_count, ve_inputs, ve_ev, ve_cr,
  "sigma_max^t sigma_min^(1 - t) by two mpfr_pow (tests/vec_indep_kdiff.c)"
};

int dmc_kdiff_suite_domain(const dmc_suite *s, const double *in, char *why, size_t len);
int dmc_kdiff_suite_domain(const dmc_suite *s, const double *in, char *why, size_t len)
{
  int ok;
  const char *rule;
  if (s == &dmc_suite_edm_precond) { ok = edm_ok(in); rule = "0 < sigma, sigma_data <= 1e300"; }
  else if (s == &dmc_suite_sigmas_vp) {
    ok = vp_ok(in);
    rule = "integers 2 <= n <= 1e6, 0 <= i <= n; 0 <= beta_d, beta_min <= 1e6, not both 0; 0 < eps_s <= 1";
  } else if (s == &dmc_suite_sigmas_polyexponential) {
    ok = pe_ok(in);
    rule = "integers 2 <= n <= 1e6, 0 <= i <= n; 1e-300 <= sigma_min, sigma_max <= 1e300; 0 < rho <= 1e3";
  } else if (s == &dmc_suite_sigma_ve) { ok = ve_ok(in); rule = "0 <= t <= 1; 1e-300 <= sigma_min, sigma_max <= 1e300"; }
  else return -2;
  if (ok) return -1;
  snprintf(why, len, "%s = %.17g, ... (%s: %s)", s->input_names[0], in[0],
           s->name, rule);
  return 0;
}
