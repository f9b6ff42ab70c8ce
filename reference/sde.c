/* sde.c -- MPFR references for D6 (src/sde.c): drift, diffusion and the
 * marginal coefficients of the OU and VP forward SDEs. */
#include "dmcref.h"

#include <math.h>

typedef struct { int kind; double p0, p1, p2, t, x; int which; } sde_ctx;

static int valid(const dmc_sde *s, double t)
{
  if (!s || !isfinite(t) || t < 0.0) return 0;
  if (s->kind == DMC_SDE_OU) return isfinite(s->p0) && s->p0 > 0 && isfinite(s->p1) && isfinite(s->p2) && s->p2 > 0;
  if (s->kind == DMC_SDE_VP) return isfinite(s->p0) && s->p0 > 0 && isfinite(s->p1) && s->p1 > 0 && t <= 1.0;
  return 0;
}

/* beta(t) = bmin + t (bmax - bmin); returns nonzero if inexact */
static int vp_beta(mpfr_t beta, const sde_ctx *c)
{
  int inexact = mpfr_set_d(beta, c->p1, MPFR_RNDN) != 0;
  inexact |= mpfr_sub_d(beta, beta, c->p0, MPFR_RNDN) != 0;
  inexact |= mpfr_mul_d(beta, beta, c->t, MPFR_RNDN) != 0;
  inexact |= mpfr_add_d(beta, beta, c->p0, MPFR_RNDN) != 0;
  return inexact;
}

/* OU theta (m - x), VP -beta(t) x / 2.
 * Error: m - x of two doubles is exact here unless their exponents are far
 * apart, then one rounding; beta(t) = bmin + t (bmax - bmin) is three
 * roundings of which none can cancel (bmin, bmax > 0, t in [0, 1]): SLACK. */
static long drift_eval(mpfr_t y, const void *vctx)
{
  const sde_ctx *c = vctx;
  int inexact;
  if (c->kind == DMC_SDE_OU) {
    inexact = mpfr_set_d(y, c->p1, MPFR_RNDN) != 0;
    inexact |= mpfr_sub_d(y, y, c->x, MPFR_RNDN) != 0;
    inexact |= mpfr_mul_d(y, y, c->p0, MPFR_RNDN) != 0;
  } else {
    inexact = vp_beta(y, c);
    inexact |= mpfr_mul_d(y, y, c->x, MPFR_RNDN) != 0;
    mpfr_div_2ui(y, y, 1, MPFR_RNDN);
    mpfr_neg(y, y, MPFR_RNDN);
  }
  if (mpfr_zero_p(y)) mpfr_set_zero(y, 1);
  return inexact ? MPREF_SLACK : MPREF_EXACT;
}

/* OU s (exact), VP sqrt(beta(t)): beta(t) as in drift_eval, one sqrt. */
static long diffusion_eval(mpfr_t y, const void *vctx)
{
  const sde_ctx *c = vctx;
  if (c->kind == DMC_SDE_OU) { mpfr_set_d(y, c->p2, MPFR_RNDN); return MPREF_EXACT; }
  int inexact = vp_beta(y, c);
  inexact |= mpfr_sqrt(y, y, MPFR_RNDN) != 0;
  return inexact ? MPREF_SLACK : MPREF_EXACT;
}

/* u = theta t (OU) or B(t) = t (bmin + t (bmax - bmin)/2) (VP) */
static void exponent_arg(mpfr_t u, const sde_ctx *c)
{
  if (c->kind == DMC_SDE_OU) {
    mpfr_set_d(u, c->p0, MPFR_RNDN);
    mpfr_mul_d(u, u, c->t, MPFR_RNDN);
  } else {
    mpfr_set_d(u, c->p1, MPFR_RNDN);
    mpfr_sub_d(u, u, c->p0, MPFR_RNDN);
    mpfr_mul_d(u, u, c->t, MPFR_RNDN);
    mpfr_div_2ui(u, u, 1, MPFR_RNDN);
    mpfr_add_d(u, u, c->p0, MPFR_RNDN);
    mpfr_mul_d(u, u, c->t, MPFR_RNDN);
  }
}

/* a = exp(-u), b = -m expm1(-u), sd = s sqrt(-expm1(-2u)/(2 theta)) (OU) or
 * sqrt(-expm1(-B)) (VP).
 * Error: u is formed 64 bits above y, so its absolute error (u up to ~800)
 * is far below an ulp of y after exp; expm1 avoids the cancellation of
 * 1 - exp(-u) for small u; the rest are a few roundings (SLACK). */
static long marginal_eval(mpfr_t y, const void *vctx)
{
  const sde_ctx *c = vctx;
  if (c->t == 0.0 || (c->which == 1 && (c->kind == DMC_SDE_VP || c->p1 == 0.0))) {
    mpfr_set_ui(y, c->which == 0 ? 1 : 0, MPFR_RNDN); /* a = 1, b = sd = 0 */
    return MPREF_EXACT;
  }
  mpfr_t u;
  mpfr_init2(u, mpfr_get_prec(y) + 64);
  exponent_arg(u, c);
  if (c->kind == DMC_SDE_OU && c->which > 0 && mpfr_cmp_ui(u, 800) > 0) {
    /* e^{-theta t} < 2^-1150: b = m (1 - e) and sd = s sqrt((1 - e^2)/(2 theta))
     * lie within 2^-1150 relative below m and s/sqrt(2 theta); when those are
     * doubles, round-to-nearest gives them exactly */
    int inexact;
    if (c->which == 1) {
      inexact = mpfr_set_d(y, c->p1, MPFR_RNDN) != 0;
    } else {
      inexact = mpfr_set_d(y, c->p0, MPFR_RNDN) != 0;
      inexact |= mpfr_mul_2ui(y, y, 1, MPFR_RNDN) != 0;
      inexact |= mpfr_sqrt(y, y, MPFR_RNDN) != 0;
      inexact |= mpfr_d_div(y, c->p2, y, MPFR_RNDN) != 0;
    }
    mpfr_clear(u);
    return inexact ? MPREF_SLACK : MPREF_EXACT;
  }
  if (c->which == 0) {                       /* a = exp(-u) or exp(-B/2) */
    if (c->kind == DMC_SDE_VP) mpfr_div_2ui(u, u, 1, MPFR_RNDN);
    mpfr_neg(u, u, MPFR_RNDN);
    mpfr_exp(y, u, MPFR_RNDN);
  } else if (c->which == 1) {                /* b = -m expm1(-theta t) */
    mpfr_neg(u, u, MPFR_RNDN);
    mpfr_expm1(y, u, MPFR_RNDN);
    mpfr_mul_d(y, y, c->p1, MPFR_RNDN);
    mpfr_neg(y, y, MPFR_RNDN);
  } else if (c->kind == DMC_SDE_OU) {                 /* sd = s sqrt(-expm1(-2 theta t) / (2 theta)) */
    mpfr_mul_2ui(u, u, 1, MPFR_RNDN);
    mpfr_neg(u, u, MPFR_RNDN);
    mpfr_expm1(y, u, MPFR_RNDN);
    mpfr_neg(y, y, MPFR_RNDN);
    mpfr_div_d(y, y, c->p0, MPFR_RNDN);
    mpfr_div_2ui(y, y, 1, MPFR_RNDN);
    mpfr_sqrt(y, y, MPFR_RNDN);
    mpfr_mul_d(y, y, c->p2, MPFR_RNDN);
  } else {                                   /* sd = sqrt(-expm1(-B)) */
    mpfr_neg(u, u, MPFR_RNDN);
    mpfr_expm1(y, u, MPFR_RNDN);
    mpfr_neg(y, y, MPFR_RNDN);
    mpfr_sqrt(y, y, MPFR_RNDN);
  }
  mpfr_clear(u);
  return MPREF_SLACK;
}

int ref_sde_drift(const dmc_sde *sde, double t, double x, double *f)
{
  if (!valid(sde, t) || !isfinite(x)) { *f = NAN; return 1; }
  sde_ctx c = { sde->kind, sde->p0, sde->p1, sde->p2, t, x, 0 };
  return mpref_round(drift_eval, &c, f, NULL);
}

int ref_sde_diffusion(const dmc_sde *sde, double t, double *g)
{
  if (!valid(sde, t)) { *g = NAN; return 1; }
  sde_ctx c = { sde->kind, sde->p0, sde->p1, sde->p2, t, 0.0, 0 };
  return mpref_round(diffusion_eval, &c, g, NULL);
}

int ref_sde_marginal(const dmc_sde *sde, double t, double *a, double *b, double *sd)
{
  double *out[3] = { a, b, sd };
  if (!valid(sde, t)) { *a = *b = *sd = NAN; return 1; }
  int worst = 0;
  for (int which = 0; which < 3; which++) {
    sde_ctx c = { sde->kind, sde->p0, sde->p1, sde->p2, t, 0.0, which };
    int st = mpref_round(marginal_eval, &c, out[which], NULL);
    if (st > worst) worst = st;
  }
  return worst;
}

typedef struct {
  sde_ctx s;
  size_t n;
  const double *w, *mu, *var;
  double x;
} mix_ctx;

/* score, density or cdf of sum_i w_i N(a mu_i + b, a^2 v_i + sd^2) / sum w
 * Error: a, b, sd come from marginal_eval 32 bits above y; the density and
 * the cdf are sums of positive terms (SLACK + 8). The score's numerator
 * sum w_i N_i (m_i - x)/v_i has both signs: it loses the exponent gap between
 * sum |.| and the sum. The cdf near 1 is taken as 1 when the upper tail is
 * below 2^-80 (its double is exactly 1). */
static long mixture_eval(mpfr_t y, const void *vctx)
{
  const mix_ctx *c = vctx;
  mpfr_prec_t p = mpfr_get_prec(y) + 32;
  mpfr_t a, b, sd2, m, v, d, e, wsum, num, den, absnum, tmp, twopi;
  mpfr_inits2(p, a, b, sd2, m, v, d, e, wsum, num, den, absnum, tmp, twopi, (mpfr_ptr)0);
  sde_ctx k = c->s;
  k.which = 0; marginal_eval(a, &k);
  k.which = 1; marginal_eval(b, &k);
  k.which = 2; marginal_eval(sd2, &k);
  mpfr_sqr(sd2, sd2, MPFR_RNDN);
  mpfr_const_pi(twopi, MPFR_RNDN);
  mpfr_mul_2ui(twopi, twopi, 1, MPFR_RNDN);
  mpfr_set_zero(wsum, 1); mpfr_set_zero(num, 1); mpfr_set_zero(den, 1); mpfr_set_zero(absnum, 1);
  for (size_t i = 0; i < c->n; i++) mpfr_add_d(wsum, wsum, c->w[i], MPFR_RNDN);
  for (size_t i = 0; i < c->n; i++) {
    if (c->w[i] == 0.0) continue;
    mpfr_mul_d(m, a, c->mu[i], MPFR_RNDN);
    mpfr_add(m, m, b, MPFR_RNDN);
    mpfr_sqr(v, a, MPFR_RNDN);
    mpfr_mul_d(v, v, c->var[i], MPFR_RNDN);
    mpfr_add(v, v, sd2, MPFR_RNDN);
    mpfr_d_sub(d, c->x, m, MPFR_RNDN);                 /* x - m */
    if (c->s.which == 2) {                             /* w Phi((x-m)/sqrt v) = w erfc(-(x-m)/sqrt(2v))/2 */
      mpfr_mul_2ui(tmp, v, 1, MPFR_RNDN);
      mpfr_sqrt(tmp, tmp, MPFR_RNDN);
      mpfr_div(e, d, tmp, MPFR_RNDN);
      mpfr_erfc(tmp, e, MPFR_RNDN);                    /* upper tail, for the cdf near 1 */
      mpfr_div_2ui(tmp, tmp, 1, MPFR_RNDN);
      mpfr_mul_d(tmp, tmp, c->w[i], MPFR_RNDN);
      mpfr_add(den, den, tmp, MPFR_RNDN);
      mpfr_neg(e, e, MPFR_RNDN);
      mpfr_erfc(e, e, MPFR_RNDN);
      mpfr_div_2ui(e, e, 1, MPFR_RNDN);
      mpfr_mul_d(e, e, c->w[i], MPFR_RNDN);
      mpfr_add(num, num, e, MPFR_RNDN);
      continue;
    }
    mpfr_sqr(e, d, MPFR_RNDN);
    mpfr_div(e, e, v, MPFR_RNDN);
    mpfr_div_si(e, e, -2, MPFR_RNDN);
    mpfr_exp(e, e, MPFR_RNDN);
    mpfr_mul(tmp, twopi, v, MPFR_RNDN);
    mpfr_sqrt(tmp, tmp, MPFR_RNDN);
    mpfr_div(e, e, tmp, MPFR_RNDN);
    mpfr_mul_d(e, e, c->w[i], MPFR_RNDN);              /* w N(x; m, v) */
    mpfr_add(den, den, e, MPFR_RNDN);
    mpfr_div(d, d, v, MPFR_RNDN);
    mpfr_mul(d, d, e, MPFR_RNDN);
    mpfr_sub(num, num, d, MPFR_RNDN);                  /* w N (m - x)/v */
    mpfr_abs(d, d, MPFR_RNDN);
    mpfr_add(absnum, absnum, d, MPFR_RNDN);
  }
  long loss = MPREF_SLACK + 8;
  if (c->s.which == 0) {
    if (mpfr_zero_p(num)) { mpfr_set_zero(y, 1); loss = MPREF_EXACT; }
    else {
      mpfr_div(y, num, den, MPFR_RNDN);
      long canc = mpfr_get_exp(absnum) - mpfr_get_exp(num);
      if (canc > 0) loss += canc;
    }
  } else if (c->s.which == 2 && (mpfr_div(tmp, den, wsum, MPFR_RNDN), mpfr_cmp_ui_2exp(tmp, 1, -80) < 0)) {
    /* cdf = 1 - (upper tail < 2^-80): the nearest double is exactly 1 */
    mpfr_set_ui(y, 1, MPFR_RNDN);
    loss = MPREF_EXACT;
  } else {
    mpfr_div(y, c->s.which == 1 ? den : num, wsum, MPFR_RNDN);
  }
  mpfr_clears(a, b, sd2, m, v, d, e, wsum, num, den, absnum, tmp, twopi, (mpfr_ptr)0);
  return loss;
}

int ref_mixture_marginal(const dmc_sde *sde, const dmc_mixture *data, double t, double x,
                         int which, double *out)
{
  int ok = valid(sde, t) && data && isfinite(x) && which >= 0 && which <= 2;
  size_t n = ok ? data->n : 0;
  const double *w = ok ? data->w : NULL, *mu = ok ? data->mu : NULL, *var = ok ? data->var : NULL;
  ok = ok && n > 0 && w && mu && var;
  double ws = 0;
  for (size_t i = 0; ok && i < n; i++) {
    ok = isfinite(w[i]) && w[i] >= 0 && isfinite(mu[i]) && isfinite(var[i]) && var[i] > 0;
    ws += w[i];
  }
  if (!ok || !(ws > 0)) { *out = NAN; return 1; }
  mix_ctx c = { { sde->kind, sde->p0, sde->p1, sde->p2, t, 0.0, which }, n, w, mu, var, x };
  return mpref_round(mixture_eval, &c, out, NULL);
}
