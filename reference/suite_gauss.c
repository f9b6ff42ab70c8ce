/* suite_gauss.c -- reference vector suite gauss_score: the 1-D Gaussian score
 * (mu - x)/sigma^2 and log-density at (x, mu, sigma), with hard regions.
 * eval uses ref_gauss_score / ref_gauss_logpdf (reference/gauss.c); cross is
 * a second path: other formulas, at doubled working precision (the
 * independent check is tests/vec_indep_exact.c). */
#include "suites.h"
#include "dmcref.h"

#include <math.h>
#include <stdint.h>

#define GAUSS_ROWS 4096

static const char *const in_names[] = { "x", "mu", "sigma" };
static const char *const out_names[] = { "score", "logpdf" };

static size_t gauss_count(void) { return GAUSS_ROWS; }

/* Stateless hash of (row, draw) to a uniform double in [0, 1). */
static double u01(size_t r, unsigned k)
{
  uint64_t z = (uint64_t)r * 16u + k + 0x9e3779b97f4a7c15u;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  z ^= z >> 31;
  return (double)(z >> 11) * 0x1p-53;
}

/* s * (1 + u) * 2^e with e uniform in [lo2, hi2]: built with ldexp only, so
 * the inputs are the same doubles on every IEEE machine (no libm). */
static double pow2_uniform(size_t r, unsigned k, int lo2, int hi2)
{
  int e = lo2 + (int)floor((hi2 - lo2 + 1) * u01(r, k));
  return ldexp(1.0 + u01(r, k + 100), e);
}

static double sign(size_t r, unsigned k) { return u01(r, k) < 0.5 ? -1.0 : 1.0; }

/* sqrt(-log(2 pi sigma^2)), where the log-density of N(mu, sigma^2) crosses
 * zero, correctly rounded step by step with MPFR (machine-independent). */
static double log_density_zero(double sigma)
{
  mpfr_t t, u;
  mpfr_inits2(53, t, u, (mpfr_ptr)0);
  mpfr_const_pi(t, MPFR_RNDN);
  mpfr_mul_2ui(t, t, 1, MPFR_RNDN);
  mpfr_set_d(u, sigma, MPFR_RNDN);
  mpfr_sqr(u, u, MPFR_RNDN);
  mpfr_mul(t, t, u, MPFR_RNDN);
  mpfr_log(t, t, MPFR_RNDN);
  mpfr_neg(t, t, MPFR_RNDN);
  mpfr_sqrt(t, t, MPFR_RNDN);
  double z = mpfr_get_d(t, MPFR_RNDN);
  mpfr_clears(t, u, (mpfr_ptr)0);
  return z;
}

/* Eight regions, cycling with the row: ordinary; |x-mu|/sigma up to 2^498;
 * sigma subnormal or near DBL_MIN; x == mu; the zeros of the log-density
 * (cancellation); exactly representable quotients; x close to mu; the
 * standard normal over a wide range of x. A draw that leaves the finite
 * doubles is replaced by the next draw of the same region. */
static int gauss_inputs(size_t r, double *in)
{
  for (unsigned k = 0;; k += 4) {
    double x, mu, sigma, z;
    switch (r % 8) {
    case 0:
      mu = 20 * u01(r, k) - 10;
      sigma = pow2_uniform(r, k + 1, -10, 10);
      z = 80 * u01(r, k + 2) - 40;
      break;
    case 1:
      mu = sign(r, k) * pow2_uniform(r, k, -997, 997);
      sigma = pow2_uniform(r, k + 1, -997, 498);
      z = sign(r, k + 3) * pow2_uniform(r, k + 2, 0, 498);
      break;
    case 2:
      mu = sign(r, k) * pow2_uniform(r, k, -1063, -960);
      sigma = pow2_uniform(r, k + 1, -1036, -997);
      z = sign(r, k + 3) * pow2_uniform(r, k + 2, -7, 26);
      break;
    case 3:
      mu = sign(r, k) * pow2_uniform(r, k, -997, 997);
      sigma = pow2_uniform(r, k + 1, -997, 997);
      z = 0;
      break;
    case 4:
      mu = 20 * u01(r, k) - 10;
      sigma = pow2_uniform(r, k + 1, -20, -3);
      z = sign(r, k + 2) * log_density_zero(sigma);
      break;
    case 5:
      mu = floor(64 * u01(r, k)) - 32;
      sigma = ldexp(1.0, (int)floor(20 * u01(r, k + 1)) - 10);
      z = (floor(256 * u01(r, k + 2)) - 128) / 16;
      break;
    case 6:
      mu = 2 * u01(r, k) - 1;
      sigma = 0.5 + 1.5 * u01(r, k + 1);
      z = sign(r, k + 3) * pow2_uniform(r, k + 2, -53, -3);
      break;
    default:
      mu = 0;
      sigma = 1;
      z = sign(r, k + 3) * pow2_uniform(r, k + 2, -17, 8);
      break;
    }
    x = z == 0 ? mu : mu + z * sigma;
    if (isfinite(x) && isfinite(mu) && isfinite(sigma) && sigma > 0) {
      in[0] = x; in[1] = mu; in[2] = sigma;
      return 0;
    }
  }
}

static int gauss_eval(const double *in, double *out)
{
  int a = ref_gauss_score(in[0], in[1], in[2], &out[0]);
  int b = ref_gauss_logpdf(in[0], in[1], in[2], &out[1]);
  return a > b ? a : b;
}

/* ---- cross: ((mu - x)/sigma)/sigma and
 *      -(log sigma + log(2 pi)/2 + ((x - mu)/sigma)^2/2), each at twice the
 *      target precision, then rounded once into y. */

typedef struct { double x, mu, sigma; } xctx;

static long cross_score(mpfr_t y, const void *v)
{
  const xctx *c = v;
  mpfr_prec_t p = 2 * mpfr_get_prec(y);
  mpfr_t t;
  mpfr_init2(t, p);
  int inexact = mpfr_set_d(t, c->mu, MPFR_RNDN) != 0;
  inexact |= mpfr_sub_d(t, t, c->x, MPFR_RNDN) != 0;
  inexact |= mpfr_div_d(t, t, c->sigma, MPFR_RNDN) != 0;
  inexact |= mpfr_div_d(t, t, c->sigma, MPFR_RNDN) != 0;
  inexact |= mpfr_set(y, t, MPFR_RNDN) != 0;
  mpfr_clear(t);
  return inexact ? MPREF_SLACK : MPREF_EXACT;
}

static long cross_logpdf(mpfr_t y, const void *v)
{
  const xctx *c = v;
  mpfr_prec_t p = 2 * mpfr_get_prec(y);
  mpfr_t ls, half_log_2pi, q, s;
  mpfr_inits2(p, ls, half_log_2pi, q, s, (mpfr_ptr)0);
  mpfr_set_d(ls, c->sigma, MPFR_RNDN);
  mpfr_log(ls, ls, MPFR_RNDN);
  mpfr_const_pi(half_log_2pi, MPFR_RNDN);
  mpfr_mul_2ui(half_log_2pi, half_log_2pi, 1, MPFR_RNDN);
  mpfr_log(half_log_2pi, half_log_2pi, MPFR_RNDN);
  mpfr_div_2ui(half_log_2pi, half_log_2pi, 1, MPFR_RNDN);
  mpfr_set_d(q, c->x, MPFR_RNDN);
  mpfr_sub_d(q, q, c->mu, MPFR_RNDN);
  mpfr_div_d(q, q, c->sigma, MPFR_RNDN);
  mpfr_sqr(q, q, MPFR_RNDN);
  mpfr_div_2ui(q, q, 1, MPFR_RNDN);
  mpfr_add(s, ls, half_log_2pi, MPFR_RNDN);
  mpfr_add(s, s, q, MPFR_RNDN);
  mpfr_neg(s, s, MPFR_RNDN);
  long loss;
  if (mpfr_zero_p(s)) {
    loss = MPREF_PREC_MAX;
  } else {
    /* the terms' rounding errors are ~2^(big - p); relative to y's precision
     * they cost big - EXP(s) - p/2 bits when positive */
    mpfr_exp_t big = mpfr_get_exp(half_log_2pi);
    if (!mpfr_zero_p(ls) && mpfr_get_exp(ls) > big) big = mpfr_get_exp(ls);
    if (!mpfr_zero_p(q) && mpfr_get_exp(q) > big) big = mpfr_get_exp(q);
    long extra = (long)(big - mpfr_get_exp(s)) - (long)mpfr_get_prec(y);
    loss = MPREF_SLACK + (extra > 0 ? extra : 0);
  }
  mpfr_set(y, s, MPFR_RNDN);
  mpfr_clears(ls, half_log_2pi, q, s, (mpfr_ptr)0);
  return loss;
}

static int gauss_cross(const double *in, double *out)
{
  xctx c = { in[0], in[1], in[2] };
  if (!isfinite(c.x) || !isfinite(c.mu) || !isfinite(c.sigma) || !(c.sigma > 0)) {
    out[0] = out[1] = NAN;
    return 1;
  }
  int a = mpref_round(cross_score, &c, &out[0], NULL);
  int b = mpref_round(cross_logpdf, &c, &out[1], NULL);
  return a > b ? a : b;
}

const dmc_suite dmc_suite_gauss_score = {
  "gauss_score",
  "1-D Gaussian score (mu-x)/sigma^2 and log-density log N(x; mu, sigma^2); regions: ordinary, "
  "|x-mu|/sigma to 2^498, subnormal sigma, x == mu, zeros of the log-density, exact quotients, "
  "x near mu, standard normal",
  "gauss.score.toy gauss.pdf.toy",
  3, 2, in_names, out_names,
  gauss_count, gauss_inputs, gauss_eval, gauss_cross,
  "score (mu - x)/sigma^2 as an exact GMP rational; log-density as the exact rational -(x - mu)^2/(2 sigma^2) minus one MPFR log of 2 pi sigma^2 (tests/vec_indep_exact.c)"
};
