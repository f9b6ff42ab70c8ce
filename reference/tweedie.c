/* tweedie.c -- MPFR references for D2 (src/tweedie.c). */
#include "dmcref.h"

#include <math.h>
#include <stdlib.h>

/* The mixture and uniform evaluators work GUARD bits above y's precision:
 * a loss of L bits at that precision is L - GUARD bits of y (plus one for the
 * final rounding into y). */
#define GUARD 32
static long guard_bits(long loss)
{
  if (loss < 0) return loss;
  long l = loss - GUARD + 1;
  return l < MPREF_SLACK ? MPREF_SLACK : l;
}


/* ---- Tweedie mean and variance from a given score ---------------------- */

typedef struct { double x, mu, sigma, d; } tw_ctx;

/* Guard bits for the cancellation of a + b (binary64 estimate; only the
 * speed depends on it): the larger term's exponent over the sum's, plus 4. */
static long cancel_guard(double a, double b)
{
  double s = a + b, m = fabs(a) > fabs(b) ? a : b;
  if (!isfinite(s) || m == 0) return 4;
  if (s == 0) return 64;
  int gap = ilogb(m) - ilogb(s);
  return gap > 0 ? gap + 4 : 4;
}

/* (x + sigma^2 d) / mu
 * Error (p = PREC(y), w = p + G working bits, G guard bits for the
 * cancellation of x + sigma^2 d; u = 2^-w; every operation rounds to nearest):
 *   t~ = sigma^2 d: the square and the product round once each (x is
 *     exact): t~ = t (1 + th), |th| <= 2.01 u, so |t~ - t| <= 2.04 u 2^EXP(t~);
 *   s~ = x + t~ rounded: |s~ - s| <= 2.04 u 2^EXP(t~) + 2^(EXP(s~) - w - 1);
 *   y = s~/mu rounded to p bits: 2^(EXP(y) - p - 1), and the error of s~
 *     carried by 1/|mu| = |y| / |s~| (1 + 2^-p) <= 2^(EXP(y) - EXP(s~) + 1.01):
 * |y - exact| <= 2^(EXP(y) - p - 1) + 2^(EXP(t~) - EXP(s~) + EXP(y) - w + 3) +
 * 2^(EXP(y) - w + 1). A zero s~ has no relative bound (a precision above the
 * cancellation decides); a value with no rounding is exact. */
static long mean_eval(mpfr_t y, const void *vctx)
{
  const tw_ctx *c = vctx;
  mpfr_prec_t p = mpfr_get_prec(y), w = p + cancel_guard(c->x, c->sigma * c->sigma * c->d);
  MPREF_LOCAL(t, w);
  MPREF_LOCAL(x, w);
  int inex = mpfr_set_d(t, c->sigma, MPFR_RNDN) != 0;
  inex |= mpfr_sqr(t, t, MPFR_RNDN) != 0;
  inex |= mpfr_mul_d(t, t, c->d, MPFR_RNDN) != 0;
  mpfr_set_d(x, c->x, MPFR_RNDN);
  mpfr_exp_t et = mpref_exp_of(t);
  inex |= mpfr_add(x, x, t, MPFR_RNDN) != 0;
  if (mpfr_zero_p(x)) {
    mpfr_set_zero(y, 1);
    return inex ? MPREF_PREC_MAX : MPREF_EXACT;
  }
  inex |= mpfr_div_d(y, x, c->mu, MPFR_RNDN) != 0;
  if (!inex) return MPREF_EXACT;
  mpfr_exp_t ey = mpfr_get_exp(y), terms[3] = { ey - (long)p - 1, ey - (long)w + 1, et - mpfr_get_exp(x) + ey - (long)w + 3 };
  return mpref_loss_of(y, terms, mpfr_regular_p(t) ? 3 : 2);
}

int ref_tweedie_mean(double x_t, double mu_t, double sigma_t, double score, double *out)
{
  if (!isfinite(x_t) || !isfinite(score) || !isfinite(mu_t) || mu_t == 0.0 || !isfinite(sigma_t) ||
      !(sigma_t > 0.0)) { *out = NAN; return 1; }
  tw_ctx c = { x_t, mu_t, sigma_t, score };
  return mpref_round_proved(mean_eval, &c, out, NULL);
}

/* (sigma^2 / mu^2)(1 + sigma^2 d)
 * Error (p, w = p + G, u as in mean_eval; A = 1 + sigma^2 d):
 *   t~ = s2~ d with s2~ = sigma^2 rounded: |t~ - sigma^2 d| <= 2.04 u 2^EXP(t~);
 *   A~ = 1 + t~ rounded: |A~ - A| <= 2.04 u 2^EXP(t~) + 2^(EXP(A~) - w - 1);
 *   y = A~ s2~ / mu / mu: s2~, the product and the first quotient round at w
 *     bits (relative 3.02 u), the last quotient at p bits (2^(EXP(y) - p - 1));
 *     A's error is carried relative: |A~ - A| |y| / |A~| (1 + 4u).
 * |y - exact| <= 2^(EXP(y) - p - 1) + 2^(EXP(y) - w + 2) + 2^(EXP(t~) -
 * EXP(A~) + EXP(y) - w + 3) + 2^(EXP(y) - w + 1). A negative A~ is a domain
 * error; a zero A~ is exact (y = 0) if nothing rounded, else unbounded. */
static long var_eval(mpfr_t y, const void *vctx)
{
  const tw_ctx *c = vctx;
  mpfr_prec_t p = mpfr_get_prec(y), w = p + cancel_guard(1.0, c->sigma * c->sigma * c->d);
  MPREF_LOCAL(s2, w);
  MPREF_LOCAL(t, w);
  int inex = mpfr_set_d(s2, c->sigma, MPFR_RNDN) != 0;
  inex |= mpfr_sqr(s2, s2, MPFR_RNDN) != 0;
  inex |= mpfr_mul_d(t, s2, c->d, MPFR_RNDN) != 0;
  mpfr_exp_t et = mpref_exp_of(t);
  inex |= mpfr_add_ui(t, t, 1, MPFR_RNDN) != 0;
  if (mpfr_sgn(t) < 0) return MPREF_DOMAIN;
  if (mpfr_zero_p(t)) {
    mpfr_set_zero(y, 1);
    return inex ? MPREF_PREC_MAX : MPREF_EXACT;
  }
  mpfr_exp_t ea = mpfr_get_exp(t);
  inex |= mpfr_mul(t, t, s2, MPFR_RNDN) != 0;
  inex |= mpfr_div_d(t, t, c->mu, MPFR_RNDN) != 0;
  inex |= mpfr_div_d(y, t, c->mu, MPFR_RNDN) != 0;
  if (!inex) return MPREF_EXACT;
  mpfr_exp_t ey = mpfr_get_exp(y);
  mpfr_exp_t terms[4] = { ey - (long)p - 1, ey - (long)w + 2, ey - (long)w + 1, et - ea + ey - (long)w + 3 };
  return mpref_loss_of(y, terms, et == mpfr_get_emin() ? 3 : 4);
}

int ref_tweedie_var(double mu_t, double sigma_t, double dscore, double *out)
{
  if (!isfinite(dscore) || !isfinite(mu_t) || mu_t == 0.0 || !isfinite(sigma_t) || !(sigma_t > 0.0)) {
    *out = NAN;
    return 1;
  }
  tw_ctx c = { 0.0, mu_t, sigma_t, dscore };
  return mpref_round_proved(var_eval, &c, out, NULL);
}

/* ---- Gaussian mixture ---------------------------------------------------- */

typedef struct {
  double x, mu, sigma;
  size_t n;
  const double *w, *m, *s;
  int log_weights, mean;
} gmix_ctx;

/* score = sum r_k (mu m_k - x)/v_k / sum r_k with r_k = w_k N(x; mu m_k, v_k)
 * (shifted by the largest log term); the mean is Tweedie's (x + sigma^2
 * score)/mu, or the prior mean sum w_k m_k / sum w_k when mu = 0. Bits lost:
 * the log terms' magnitude (their absolute error feeds the exp) plus the
 * cancellation of the signed sums. */
/* When the leading component is a point mass at m_b != 0 and the others move
 * the mean by less than ulp(m_b)/4 -- sum_k r_k |pm_k - m_b| / r_b with
 * pm_k = (sigma^2 m_k + mu s_k^2 x)/v_k -- the mean rounds to m_b, although it
 * can lie closer to m_b than any precision the Ziv loop reaches. */
static int point_mass_dominates(const gmix_ctx *c, mpfr_t *logit, const mpfr_t best, mpfr_prec_t p)
{
  size_t kb = 0;
  while (kb < c->n && (mpfr_inf_p(logit[kb]) || mpfr_cmp(logit[kb], best) != 0)) kb++;
  if (kb == c->n || c->s[kb] != 0.0 || c->m[kb] == 0.0) return 0;
  mpfr_t bound, r, pm, t, v;
  mpfr_inits2(p, bound, r, pm, t, v, (mpfr_ptr)0);
  mpfr_set_zero(bound, 1);
  for (size_t k = 0; k < c->n; k++) {
    if (k == kb || mpfr_inf_p(logit[k])) continue;
    mpfr_sub(r, logit[k], best, MPFR_RNDU);
    mpfr_exp(r, r, MPFR_RNDU);
    mpfr_set_d(v, c->mu, MPFR_RNDN); mpfr_mul_d(v, v, c->s[k], MPFR_RNDN); mpfr_sqr(v, v, MPFR_RNDN);
    mpfr_set_d(t, c->sigma, MPFR_RNDN); mpfr_sqr(t, t, MPFR_RNDN); mpfr_add(v, v, t, MPFR_RNDN);
    mpfr_mul_d(pm, t, c->m[k], MPFR_RNDN);
    mpfr_set_d(t, c->s[k], MPFR_RNDN); mpfr_sqr(t, t, MPFR_RNDN); mpfr_mul_d(t, t, c->mu, MPFR_RNDN);
    mpfr_mul_d(t, t, c->x, MPFR_RNDN); mpfr_add(pm, pm, t, MPFR_RNDN); mpfr_div(pm, pm, v, MPFR_RNDN);
    mpfr_sub_d(pm, pm, c->m[kb], MPFR_RNDN); mpfr_abs(pm, pm, MPFR_RNDU);
    mpfr_mul(r, r, pm, MPFR_RNDU);
    mpfr_add(bound, bound, r, MPFR_RNDU);
  }
  mpfr_mul_2ui(bound, bound, 2, MPFR_RNDU);  /* generous: the roundings above are far smaller */
  int e;
  frexp(c->m[kb], &e);
  int small = mpfr_zero_p(bound) || mpfr_get_exp(bound) < e - 60;
  mpfr_clears(bound, r, pm, t, v, (mpfr_ptr)0);
  return small;
}

/* Error (see the comment above point_mass_dominates): the log terms are
 * formed with an absolute error of a few 2^-p times their magnitude, which
 * exp turns into a relative error, so EXP(largest |logit|) bits go there; the
 * signed sums of r_k (mu m_k - x)/v_k then lose the exponent gap between
 * their largest term and the sum (mpref_bits_lost). Evaluated GUARD bits
 * above y (guard_bits converts the loss back). */
static long gmix_eval(mpfr_t y, const void *vctx)
{
  const gmix_ctx *c = vctx;
  mpfr_prec_t p = mpfr_get_prec(y) + GUARD;
  size_t n = c->n;
  mpfr_t *logit = malloc(n * sizeof *logit);
  if (!logit) return MPREF_NOMEM;
  mpfr_t v, d, t, best, s0, s1, mu;
  mpfr_inits2(p, v, d, t, best, s0, s1, mu, (mpfr_ptr)0);
  mpfr_set_d(mu, c->mu, MPFR_RNDN);
  long loss = MPREF_SLACK + 8;
  int have = 0;
  mpfr_exp_t big_logit = 0;
  for (size_t k = 0; k < n; k++) {
    mpfr_init2(logit[k], p);
    int zero = c->log_weights ? isinf(c->w[k]) : c->w[k] == 0.0;
    if (zero) { mpfr_set_inf(logit[k], -1); continue; }
    mpfr_set_d(v, c->s[k], MPFR_RNDN);
    mpfr_mul(v, v, mu, MPFR_RNDN);
    mpfr_sqr(v, v, MPFR_RNDN);
    mpfr_set_d(t, c->sigma, MPFR_RNDN);
    mpfr_sqr(t, t, MPFR_RNDN);
    mpfr_add(v, v, t, MPFR_RNDN);
    mpfr_set_d(d, c->m[k], MPFR_RNDN);
    mpfr_mul(d, d, mu, MPFR_RNDN);
    mpfr_d_sub(d, c->x, d, MPFR_RNDN);
    mpfr_sqr(d, d, MPFR_RNDN);
    mpfr_div(d, d, v, MPFR_RNDN);
    mpfr_div_2ui(d, d, 1, MPFR_RNDN);
    mpfr_log(v, v, MPFR_RNDN);
    mpfr_div_2ui(v, v, 1, MPFR_RNDN);
    if (c->log_weights) mpfr_set_d(t, c->w[k], MPFR_RNDN);
    else { mpfr_set_d(t, c->w[k], MPFR_RNDN); mpfr_log(t, t, MPFR_RNDN); }
    mpfr_sub(t, t, v, MPFR_RNDN);
    mpfr_sub(logit[k], t, d, MPFR_RNDN);
    mpfr_exp_t e = mpref_exp_of(logit[k]);
    if (mpref_exp_of(d) > e) e = mpref_exp_of(d);
    if (mpref_exp_of(t) > e) e = mpref_exp_of(t);
    if (e > big_logit) big_logit = e;
    if (!have || mpfr_cmp(logit[k], best) > 0) mpfr_set(best, logit[k], MPFR_RNDN);
    have = 1;
  }
  loss += big_logit > 0 ? (long)big_logit : 0;
  /* one live component that is a point mass (or mu = 0): the posterior is
   * that point, whose mean m_k is exact (mpfr_can_round cannot certify it) */
  size_t live = 0, last = 0;
  for (size_t k = 0; k < n; k++) if (!mpfr_inf_p(logit[k])) { live++; last = k; }
  if (c->mean && have && live == 1 && (c->s[last] == 0.0 || c->mu == 0.0)) {
    mpfr_set_d(y, c->m[last], MPFR_RNDN);
    have = 0;
    loss = MPREF_EXACT;
  }
  mpfr_set_zero(s0, 1);
  mpfr_set_zero(s1, 1);
  mpfr_exp_t big_term = mpfr_get_emin();
  for (size_t k = 0; k < n && have; k++) {
    if (mpfr_inf_p(logit[k])) continue;
    mpfr_sub(t, logit[k], best, MPFR_RNDN);
    mpfr_exp(t, t, MPFR_RNDN);
    mpfr_add(s0, s0, t, MPFR_RNDN);
    /* r_k (mu m_k - x)/v_k */
    mpfr_set_d(v, c->s[k], MPFR_RNDN);
    mpfr_mul(v, v, mu, MPFR_RNDN);
    mpfr_sqr(v, v, MPFR_RNDN);
    mpfr_set_d(d, c->sigma, MPFR_RNDN);
    mpfr_sqr(d, d, MPFR_RNDN);
    mpfr_add(v, v, d, MPFR_RNDN);
    mpfr_set_d(d, c->m[k], MPFR_RNDN);
    mpfr_mul(d, d, mu, MPFR_RNDN);
    mpfr_sub_d(d, d, c->x, MPFR_RNDN);
    mpfr_div(d, d, v, MPFR_RNDN);
    mpfr_mul(t, t, d, MPFR_RNDN);
    if (!mpfr_zero_p(t) && mpfr_get_exp(t) > big_term) big_term = mpfr_get_exp(t);
    mpfr_add(s1, s1, t, MPFR_RNDN);
  }
  if (have && c->mean && c->mu != 0.0 && point_mass_dominates(c, logit, best, p)) {
    size_t kb = 0;
    while (mpfr_cmp(logit[kb], best) != 0) kb++;
    mpfr_set_d(y, c->m[kb], MPFR_RNDN);
    have = 0;
    loss = MPREF_EXACT;
  }
  if (!have) { if (loss != MPREF_EXACT) loss = MPREF_DOMAIN; }
  else if (!c->mean) {
    loss += mpref_bits_lost(s1, big_term);
    mpfr_div(y, s1, s0, MPFR_RNDN);
  } else if (c->mu != 0.0) {
    /* Tweedie: (x + sigma^2 score)/mu */
    loss += mpref_bits_lost(s1, big_term);
    mpfr_div(s1, s1, s0, MPFR_RNDN);
    mpfr_set_d(t, c->sigma, MPFR_RNDN);
    mpfr_sqr(t, t, MPFR_RNDN);
    mpfr_mul(s1, s1, t, MPFR_RNDN);
    mpfr_exp_t e = mpref_exp_of(s1);
    mpfr_set_d(d, c->x, MPFR_RNDN);
    if (mpref_exp_of(d) > e) e = mpref_exp_of(d);
    mpfr_add(s1, s1, d, MPFR_RNDN);
    loss += mpref_bits_lost(s1, e);
    mpfr_div(y, s1, mu, MPFR_RNDN);
  } else {
    /* mu = 0: the posterior is the prior; its mean sum w_k m_k / sum w_k */
    mpfr_set_zero(s1, 1);
    mpfr_set_zero(s0, 1);
    mpfr_exp_t e = mpfr_get_emin();
    for (size_t k = 0; k < n; k++) {
      if (mpfr_inf_p(logit[k])) continue;
      mpfr_sub(t, logit[k], best, MPFR_RNDN); /* the v_k and d_k terms agree for all k */
      mpfr_exp(t, t, MPFR_RNDN);
      mpfr_add(s0, s0, t, MPFR_RNDN);
      mpfr_mul_d(t, t, c->m[k], MPFR_RNDN);
      if (!mpfr_zero_p(t) && mpfr_get_exp(t) > e) e = mpfr_get_exp(t);
      mpfr_add(s1, s1, t, MPFR_RNDN);
    }
    if (mpfr_zero_p(s1)) { mpfr_set_zero(y, 1); loss = MPREF_EXACT; }
    else { loss += mpref_bits_lost(s1, e); mpfr_div(y, s1, s0, MPFR_RNDN); }
  }
  for (size_t k = 0; k < n; k++) mpfr_clear(logit[k]);
  free(logit);
  mpfr_clears(v, d, t, best, s0, s1, mu, (mpfr_ptr)0);
  return guard_bits(loss);
}

static int gmix_ref(double x_t, double mu_t, double sigma_t, size_t n, const double *w,
                    const double *m, const double *s, dmc_weights kind, int mean, double *out)
{
  int log_weights = kind == DMC_WEIGHTS_LOG;
  int ok = n > 0 && w && m && s && isfinite(x_t) && isfinite(mu_t) && isfinite(sigma_t) && sigma_t > 0.0 &&
           (kind == DMC_WEIGHTS_LINEAR || kind == DMC_WEIGHTS_LOG);
  int live = 0;
  for (size_t k = 0; ok && k < n; k++) {
    if (!isfinite(m[k]) || !isfinite(s[k]) || !(s[k] >= 0.0)) ok = 0;
    if (log_weights ? (isnan(w[k]) || w[k] == INFINITY) : !(isfinite(w[k]) && w[k] >= 0.0)) ok = 0;
    if (log_weights ? isfinite(w[k]) : w[k] > 0.0) live = 1;
  }
  if (!ok || !live) { *out = NAN; return 1; }
  gmix_ctx c = { x_t, mu_t, sigma_t, n, w, m, s, log_weights, mean };
  return mpref_round(gmix_eval, &c, out, NULL);
}

int ref_gmix_score(double x_t, double mu_t, double sigma_t, size_t n, const double *w,
                   const double *m, const double *s, dmc_weights kind, double *score)
{
  return gmix_ref(x_t, mu_t, sigma_t, n, w, m, s, kind, 0, score);
}

int ref_gmix_mean(double x_t, double mu_t, double sigma_t, size_t n, const double *w,
                  const double *m, const double *s, dmc_weights kind, double *mean)
{
  return gmix_ref(x_t, mu_t, sigma_t, n, w, m, s, kind, 1, mean);
}

/* ---- uniform prior ------------------------------------------------------- */

typedef struct { double x, mu, sigma, a, b; } unif_ctx;

/* M(t) = Q(t)/phi(t) ~ 1/t - 1/t^3 + 3/t^5 - 15/t^7 + 105/t^9, error < 945/t^11
 * (below 2^-254 relative for t >= 2^24). */
static void mills_asymptotic(mpfr_t out, const mpfr_t t, mpfr_t tmp)
{
  static const long coef[] = { 105, -15, 3, -1, 1 };
  mpfr_ui_div(tmp, 1, t, MPFR_RNDN);
  mpfr_sqr(tmp, tmp, MPFR_RNDN);      /* 1/t^2 */
  mpfr_set_si(out, coef[0], MPFR_RNDN);
  for (int i = 1; i < 5; i++) {
    mpfr_mul(out, out, tmp, MPFR_RNDN);
    mpfr_add_si(out, out, coef[i], MPFR_RNDN);
  }
  mpfr_div(out, out, t, MPFR_RNDN);
}

/* score = (phi(beta) - phi(alpha)) / (sigma (Phi(beta) - Phi(alpha))).
 * Error: alpha and beta are rounded once; exp(-z^2/2) and erfc magnify their
 * relative error by ~z^2, hence 2 EXP(max |z|) bits. The numerator and the
 * denominator are differences of nearly equal values for a narrow interval or
 * one far in a tail (mpref_bits_lost each); far beyond the interval the ratio
 * is taken from the Mills ratio M(t) = Q(t)/phi(t) (asymptotic series, error
 * below 2^-254) so the tails never underflow. GUARD bits above y. */
static long unif_eval(mpfr_t y, const void *vctx)
{
  const unif_ctx *c = vctx;
  mpfr_prec_t p = mpfr_get_prec(y) + GUARD;
  mpfr_exp_t old_min = mpfr_get_emin(), old_max = mpfr_get_emax();
  mpfr_set_emin(mpfr_get_emin_min());
  mpfr_set_emax(mpfr_get_emax_max());
  mpfr_t al, be, num, den, t, u;
  mpfr_inits2(p, al, be, num, den, t, u, (mpfr_ptr)0);
  mpfr_set_d(t, c->mu, MPFR_RNDN);
  mpfr_mul_d(al, t, c->b, MPFR_RNDN);
  mpfr_mul_d(be, t, c->a, MPFR_RNDN);
  if (c->mu < 0) mpfr_swap(al, be);
  mpfr_d_sub(al, c->x, al, MPFR_RNDN);
  mpfr_d_sub(be, c->x, be, MPFR_RNDN);
  mpfr_div_d(al, al, c->sigma, MPFR_RNDN);  /* alpha */
  mpfr_div_d(be, be, c->sigma, MPFR_RNDN);  /* beta */
  long loss = MPREF_SLACK + 8;
  mpfr_abs(t, al, MPFR_RNDN);
  mpfr_abs(u, be, MPFR_RNDN);
  if (mpfr_cmp(u, t) > 0) mpfr_set(t, u, MPFR_RNDN);
  if (mpfr_cmp_ui(t, 1) > 0) loss += 2 * (long)mpfr_get_exp(t);
  int sign = 1;
  if (mpfr_sgn(al) < 0 && mpfr_sgn(be) <= 0) { /* mirror: x below the interval's image */
    mpfr_neg(t, al, MPFR_RNDN);
    mpfr_neg(al, be, MPFR_RNDN);
    mpfr_set(be, t, MPFR_RNDN);
    sign = -1;
  }
  if (mpfr_sgn(al) >= 0 && mpfr_cmp_d(al, 0x1p24) > 0) {
    /* far beyond the image: h = expm1(-D) / (M(alpha) - e^-D M(beta)) */
    mpfr_sub(t, be, al, MPFR_RNDN);
    mpfr_add(u, be, al, MPFR_RNDN);
    mpfr_mul(t, t, u, MPFR_RNDN);
    mpfr_div_2ui(t, t, 1, MPFR_RNDN);          /* D */
    mpfr_neg(t, t, MPFR_RNDN);
    mpfr_expm1(num, t, MPFR_RNDN);
    mpfr_exp(t, t, MPFR_RNDN);
    mills_asymptotic(den, be, u);
    mpfr_mul(den, den, t, MPFR_RNDN);
    mills_asymptotic(t, al, u);
    mpfr_sub(den, t, den, MPFR_RNDN);
    loss += mpref_bits_lost(den, mpref_exp_of(t));
  } else if (mpfr_sgn(al) < 0 && mpfr_sgn(be) > 0 && mpfr_cmp_d(al, -0x1p30) < 0 && mpfr_cmp_d(be, 0x1p30) > 0) {
    mpfr_set_zero(num, -sign); /* below e^(-2^59): rounds to zero */
    mpfr_set_ui(den, 1, MPFR_RNDN);
    loss = MPREF_EXACT;
  } else {
    /* numerator e^{-beta^2/2} - e^{-alpha^2/2} (the common 1/sqrt(2 pi) cancels
     * against the one of the denominator, written with erfc/2 * sqrt(2 pi)) */
    mpfr_sqr(t, be, MPFR_RNDN);
    mpfr_div_2ui(t, t, 1, MPFR_RNDN);
    mpfr_neg(t, t, MPFR_RNDN);
    mpfr_exp(num, t, MPFR_RNDN);
    mpfr_sqr(t, al, MPFR_RNDN);
    mpfr_div_2ui(t, t, 1, MPFR_RNDN);
    mpfr_neg(t, t, MPFR_RNDN);
    mpfr_exp(t, t, MPFR_RNDN);
    mpfr_exp_t e = mpref_exp_of(num) > mpref_exp_of(t) ? mpref_exp_of(num) : mpref_exp_of(t);
    mpfr_sub(num, num, t, MPFR_RNDN);
    loss += mpref_bits_lost(num, e);
    /* Phi(beta) - Phi(alpha) = (erfc(-beta/sqrt2) - erfc(-alpha/sqrt2))/2, or
     * with upper tails when alpha >= 0 */
    mpfr_sqrt_ui(u, 2, MPFR_RNDN);
    if (mpfr_sgn(al) >= 0) {
      mpfr_div(t, al, u, MPFR_RNDN);
      mpfr_erfc(den, t, MPFR_RNDN);
      mpfr_div(t, be, u, MPFR_RNDN);
      mpfr_erfc(t, t, MPFR_RNDN);
      e = mpref_exp_of(den);
      mpfr_sub(den, den, t, MPFR_RNDN);
    } else {
      mpfr_div(t, be, u, MPFR_RNDN);
      mpfr_neg(t, t, MPFR_RNDN);
      mpfr_erfc(den, t, MPFR_RNDN);
      mpfr_div(t, al, u, MPFR_RNDN);
      mpfr_neg(t, t, MPFR_RNDN);
      mpfr_erfc(t, t, MPFR_RNDN);
      e = mpref_exp_of(den) > mpref_exp_of(t) ? mpref_exp_of(den) : mpref_exp_of(t);
      mpfr_sub(den, den, t, MPFR_RNDN);
    }
    loss += mpref_bits_lost(den, e);
    /* (e^{..} - e^{..}) / (sqrt(2 pi) (erfc - erfc)/2) */
    mpfr_const_pi(t, MPFR_RNDN);
    mpfr_mul_2ui(t, t, 1, MPFR_RNDN);
    mpfr_sqrt(t, t, MPFR_RNDN);
    mpfr_mul(den, den, t, MPFR_RNDN);
    mpfr_div_2ui(den, den, 1, MPFR_RNDN);
  }
  if (loss != MPREF_EXACT) {
    mpfr_div(t, num, den, MPFR_RNDN);
    mpfr_div_d(t, t, c->sigma, MPFR_RNDN);
    if (sign < 0) mpfr_neg(t, t, MPFR_RNDN);
    if (mpfr_zero_p(num)) loss = MPREF_PREC_MAX;
  } else {
    mpfr_set(t, num, MPFR_RNDN);
  }
  mpfr_set_emin(old_min);
  mpfr_set_emax(old_max);
  /* y must hold a value of the default exponent range: below it the result
   * rounds to zero in binary64 anyway */
  if (!mpfr_zero_p(t) && mpfr_get_exp(t) < old_min + 64) mpfr_set_si_2exp(y, mpfr_sgn(t), old_min + 64, MPFR_RNDN);
  else mpfr_set(y, t, MPFR_RNDN);
  mpfr_clears(al, be, num, den, t, u, (mpfr_ptr)0);
  return guard_bits(loss);
}

int ref_unif_score(double x_t, double mu_t, double sigma_t, double a, double b, double *out)
{
  if (!isfinite(x_t) || !isfinite(mu_t) || mu_t == 0.0 || !isfinite(sigma_t) || !(sigma_t > 0.0) ||
      !isfinite(a) || !isfinite(b) || !(a < b)) { *out = NAN; return 1; }
  /* the centre of the interval's image, 2 x = mu (a + b), is an exact zero of the
   * score (symmetry); 2300 bits hold 2 x - mu a - mu b exactly */
  mpfr_t t, u;
  mpfr_inits2(2300, t, u, (mpfr_ptr)0);
  mpfr_set_d(t, mu_t, MPFR_RNDN);
  mpfr_mul_d(u, t, a, MPFR_RNDN);
  mpfr_mul_d(t, t, b, MPFR_RNDN);
  mpfr_add(t, t, u, MPFR_RNDN);
  mpfr_set_d(u, x_t, MPFR_RNDN);
  mpfr_mul_2ui(u, u, 1, MPFR_RNDN);
  int centre = mpfr_equal_p(t, u);
  mpfr_clears(t, u, (mpfr_ptr)0);
  if (centre) { *out = 0.0; return 0; }
  unif_ctx c = { x_t, mu_t, sigma_t, a, b };
  return mpref_round(unif_eval, &c, out, NULL);
}
