/* schedule.c -- MPFR references for the noise schedules (claims sched.*).
 *
 * A beta schedule is defined by its real-valued formula; beta_t is that real
 * number rounded to double once (the correctly rounded beta). alphabar_t is
 * the exact product prod_{s<=t} (1 - beta_s) of those doubles, and every
 * quantity derived from it is rounded once. Two independent paths exist for
 * everything, so the vector cross-check can compare them:
 *   primary: the closed form of beta; prefix products and 1 - alphabar by the
 *            cancellation-free recurrence Q_t = Q_{t-1} + beta_t P_{t-1} in
 *            MPFR with 32 guard bits;
 *   cross:   an algebraically different formula for beta; prefix products in
 *            exact integer arithmetic (GMP), 1 - alphabar as the exact
 *            difference. */
#include "dmcref.h"
#include "sched_ref.h"
#include "suite_util.h"

#include <gmp.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Constants of the schedules as exact rationals (num/den). */
typedef struct { unsigned long an, ad, bn, bd; } sched_consts;
static const sched_consts k_linear = { 1, 10000, 1, 50 };        /* 1e-4, 0.02 */
static const sched_consts k_scaled = { 17, 20000, 3, 250 };      /* 0.00085, 0.012 */

static int valid_schedule(int kind, long T, long t)
{
  return kind >= 0 && kind < REF_SCHED_NKINDS && T >= 1 && T <= REF_SCHED_TMAX && t >= 1 && t <= T;
}

/* cos((125 s + T) pi / (252 T)) = cos(((s/T) + 0.008)/1.008 * pi/2). */
static void cos_theta(mpfr_t c, long T, long s)
{
  mpfr_const_pi(c, MPFR_RNDN);
  mpfr_mul_ui(c, c, (unsigned long)(125 * s + T), MPFR_RNDN);
  mpfr_div_ui(c, c, (unsigned long)(252 * T), MPFR_RNDN);
  mpfr_cos(c, c, MPFR_RNDN);
}

/* Bits lost when a quantity is divided by c (|c| < 1/2 amplifies). */
static long amp_bits(const mpfr_t c)
{
  if (mpfr_zero_p(c)) return MPREF_PREC_MAX;
  long e = -(long)mpfr_get_exp(c);
  return e > 0 ? e + 3 : 3;
}

/* Trigonometric values the cosine schedule needs at step t. */
typedef struct { mpfr_t c_prev, c_cur, s_delta, s_sum; } cos_vals;

static void cos_vals_init(cos_vals *v, mpfr_prec_t p)
{
  mpfr_inits2(p, v->c_prev, v->c_cur, v->s_delta, v->s_sum, (mpfr_ptr)0);
}
static void cos_vals_clear(cos_vals *v)
{
  mpfr_clears(v->c_prev, v->c_cur, v->s_delta, v->s_sum, (mpfr_ptr)0);
}
/* sin(125 pi / (252 T)) and sin((125 (2t - 1) + 2T) pi / (252 T)). */
static void sin_delta(mpfr_t s, long T)
{
  mpfr_const_pi(s, MPFR_RNDN);
  mpfr_mul_ui(s, s, 125, MPFR_RNDN);
  mpfr_div_ui(s, s, (unsigned long)(252 * T), MPFR_RNDN);
  mpfr_sin(s, s, MPFR_RNDN);
}
static void sin_sum(mpfr_t s, long T, long t)
{
  mpfr_const_pi(s, MPFR_RNDN);
  mpfr_mul_ui(s, s, (unsigned long)(125 * (2 * t - 1) + 2 * T), MPFR_RNDN);
  mpfr_div_ui(s, s, (unsigned long)(252 * T), MPFR_RNDN);
  mpfr_sin(s, s, MPFR_RNDN);
}

/* The clipping decision raw > 999/1000 with raw's error bound 2^(EXP(raw)
 * - prec + loss): 1 clipped, 0 not, -1 undecided at this precision. Callers
 * skip it for raw < 1/2 (then far below the cap for any certified bound). */
static int clip_decision(const mpfr_t raw, long loss)
{
  mpfr_prec_t p = mpfr_get_prec(raw);
  mpfr_t d;
  mpfr_init2(d, p);
  mpfr_set_ui(d, 999, MPFR_RNDN);
  mpfr_div_ui(d, d, 1000, MPFR_RNDN);
  mpfr_sub(d, raw, d, MPFR_RNDN);
  int res;
  if (mpfr_zero_p(d) || mpfr_get_exp(d) <= mpfr_get_exp(raw) - (long)p + loss + 2) res = -1;
  else res = mpfr_sgn(d) > 0;
  mpfr_clear(d);
  return res;
}

/* beta_t of the cosine schedule from the trigonometric values at the
 * precision of y; cross selects the cancellation-free product form.
 * Error: the direct form 1 - (c_t/c_{t-1})^2 loses 1 - EXP(y) bits to the
 * subtraction and the cosines' own error magnified by amp_bits (small
 * cosines near t = T); the product form only the latter. A value within the
 * error of the 0.999 cap is decided by clip_decision, or certifies no bits. */
static long cosine_beta(mpfr_t y, long T, long t, int cross, const cos_vals *v, int *clipped)
{
  mpfr_prec_t p = mpfr_get_prec(y);
  long loss;
  *clipped = 0;
  if (!cross && t == T) { /* cos(pi/2) = 0: the raw beta is exactly 1 */
    *clipped = 1;
  } else {
    mpfr_t r;
    mpfr_init2(r, p);
    if (!cross) { /* 1 - (c_t / c_{t-1})^2 */
      mpfr_div(r, v->c_cur, v->c_prev, MPFR_RNDN);
      mpfr_sqr(r, r, MPFR_RNDN);
      mpfr_ui_sub(y, 1, r, MPFR_RNDN);
      loss = MPREF_SLACK + amp_bits(v->c_cur) + amp_bits(v->c_prev);
      if (mpfr_zero_p(y)) loss = MPREF_PREC_MAX;
      else loss += 1 - (long)mpfr_get_exp(y);
    } else {      /* sin(delta) sin(theta_t + theta_{t-1}) / c_{t-1}^2 */
      mpfr_sqr(r, v->c_prev, MPFR_RNDN);
      mpfr_mul(y, v->s_delta, v->s_sum, MPFR_RNDN);
      mpfr_div(y, y, r, MPFR_RNDN);
      loss = MPREF_SLACK + 2 * amp_bits(v->c_prev);
    }
    mpfr_clear(r);
    int d = loss >= (long)p ? -1 : mpfr_cmp_ui_2exp(y, 1, -1) < 0 ? 0 : clip_decision(y, loss);
    if (d < 0) return (long)p; /* undecided: no bits certified */
    if (!d) return loss;
    *clipped = 1;
  }
  mpfr_set_ui(y, 999, MPFR_RNDN);
  mpfr_div_ui(y, y, 1000, MPFR_RNDN);
  return MPREF_SLACK;
}

/* beta_t of the other kinds at the precision of y.
 * Error: the linear and squared-linspace forms are sums of non-negative
 * terms and the sigmoid form a + (b - a) s(x) adds positives: nothing cancels,
 * and 8 guard bits cover their at most ten roundings (SLACK). Only the tanh
 * cross-form 1 + tanh(x/2) cancels, for x << 0: 1 - EXP bits more. */
static long closed_beta(mpfr_t y, int kind, long T, long t, int cross)
{
  mpfr_prec_t p = mpfr_get_prec(y);
  const sched_consts *k = kind == DMC_SCHED_SCALED_LINEAR ? &k_scaled : &k_linear;
  unsigned long nT = (unsigned long)(T - t), nt = (unsigned long)(t - 1), d = (unsigned long)(T - 1);
  mpfr_t a, b, c;
  mpfr_inits2(p + 8, a, b, c, (mpfr_ptr)0);
  long loss = MPREF_SLACK;
  int inex = 0;
  if (kind == DMC_SCHED_SIGMOID) {
    /* x = 6 (2t - T - 1)/(T - 1) (x = -6 for T = 1); a + (b - a) sigmoid(x) */
    if (T == 1) mpfr_set_si(c, -6, MPFR_RNDN);
    else { mpfr_set_si(c, 6 * (2 * t - T - 1), MPFR_RNDN); mpfr_div_ui(c, c, d, MPFR_RNDN); }
    if (!cross) {
      mpfr_neg(c, c, MPFR_RNDN);
      mpfr_exp(c, c, MPFR_RNDN);
      mpfr_add_ui(c, c, 1, MPFR_RNDN);
      mpfr_ui_div(c, 1, c, MPFR_RNDN);
    } else { /* (1 + tanh(x/2)) / 2 */
      mpfr_div_2ui(c, c, 1, MPFR_RNDN);
      mpfr_tanh(c, c, MPFR_RNDN);
      mpfr_add_ui(c, c, 1, MPFR_RNDN);
      loss += 1 - (long)mpfr_get_exp(c);
      mpfr_div_2ui(c, c, 1, MPFR_RNDN);
    }
    mpfr_mul_ui(c, c, 199, MPFR_RNDN);
    mpfr_div_ui(c, c, 10000, MPFR_RNDN);
    mpfr_set_ui(a, 1, MPFR_RNDN);
    mpfr_div_ui(a, a, 10000, MPFR_RNDN);
    mpfr_add(y, a, c, MPFR_RNDN);
    inex = 1;
  } else if (T == 1) {
    SUITE_OP(inex, mpfr_set_ui(y, k->an, MPFR_RNDN));
    SUITE_OP(inex, mpfr_div_ui(y, y, k->ad, MPFR_RNDN));
  } else if (kind == DMC_SCHED_LINEAR) {
    if (!cross) { /* ((T - t) + 200 (t - 1)) / (10000 (T - 1)) */
      SUITE_OP(inex, mpfr_set_ui(y, nT + 200 * nt, MPFR_RNDN));
      SUITE_OP(inex, mpfr_div_ui(y, y, 10000 * d, MPFR_RNDN));
    } else {      /* a + (b - a) (t - 1)/(T - 1) */
      mpfr_set_ui(a, 1, MPFR_RNDN); mpfr_div_ui(a, a, 10000, MPFR_RNDN);
      mpfr_set_ui(b, 199, MPFR_RNDN); mpfr_div_ui(b, b, 10000, MPFR_RNDN);
      mpfr_set_ui(c, nt, MPFR_RNDN); mpfr_div_ui(c, c, d, MPFR_RNDN);
      mpfr_mul(c, c, b, MPFR_RNDN);
      mpfr_add(y, a, c, MPFR_RNDN);
      inex = 1;
    }
  } else { /* squared linspace of square roots */
    mpfr_set_ui(a, k->an, MPFR_RNDN); mpfr_div_ui(a, a, k->ad, MPFR_RNDN);
    mpfr_set_ui(b, k->bn, MPFR_RNDN); mpfr_div_ui(b, b, k->bd, MPFR_RNDN);
    if (!cross) { /* ((T - t) sqrt(a) + (t - 1) sqrt(b))^2 / (T - 1)^2 */
      mpfr_sqrt(a, a, MPFR_RNDN);
      mpfr_sqrt(b, b, MPFR_RNDN);
      mpfr_mul_ui(a, a, nT, MPFR_RNDN);
      mpfr_mul_ui(b, b, nt, MPFR_RNDN);
      mpfr_add(c, a, b, MPFR_RNDN);
      mpfr_div_ui(c, c, d, MPFR_RNDN);
      mpfr_sqr(y, c, MPFR_RNDN);
    } else {      /* (a (T-t)^2 + 2 sqrt(ab) (T-t)(t-1) + b (t-1)^2) / (T-1)^2 */
      mpfr_mul(c, a, b, MPFR_RNDN);
      mpfr_sqrt(c, c, MPFR_RNDN);
      mpfr_mul_ui(c, c, 2 * nT * nt, MPFR_RNDN);
      mpfr_mul_ui(a, a, nT * nT, MPFR_RNDN);
      mpfr_mul_ui(b, b, nt * nt, MPFR_RNDN);
      mpfr_add(c, c, a, MPFR_RNDN);
      mpfr_add(c, c, b, MPFR_RNDN);
      mpfr_div_ui(c, c, d * d, MPFR_RNDN);
      mpfr_set(y, c, MPFR_RNDN);
    }
    inex = 1;
  }
  mpfr_clears(a, b, c, (mpfr_ptr)0);
  return SUITE_LOSS(inex, loss);
}

/* clip: where the evaluation that gave the value leaves its clipping
 * decision (a pointer, so the context stays const for the driver). */
typedef struct { int kind; long T, t; int cross; int *clip; } beta_ctx;

static long beta_eval(mpfr_t y, const void *vctx)
{
  const beta_ctx *c = vctx;
  int clipped = 0;
  long loss;
  if (c->kind == DMC_SCHED_COSINE) {
    cos_vals v;
    cos_vals_init(&v, mpfr_get_prec(y) + 8);
    cos_theta(v.c_prev, c->T, c->t - 1);
    if (!c->cross) cos_theta(v.c_cur, c->T, c->t);
    else { sin_delta(v.s_delta, c->T); sin_sum(v.s_sum, c->T, c->t); }
    loss = cosine_beta(y, c->T, c->t, c->cross, &v, &clipped);
    cos_vals_clear(&v);
  } else {
    loss = closed_beta(y, c->kind, c->T, c->t, c->cross);
  }
  *c->clip = clipped;
  return loss;
}

/* beta_t of the cosine schedule by the primary formula 1 - (c_t/c_{t-1})^2,
 * c_s = cos theta_s, theta_s = pi (125 s + T)/(252 T), for mpref_round_proved.
 * Error (p = PREC(y); the cosines and the ratio at w = p + g bits, g guard
 * bits for the cancellation in 1 - r^2 and the small cosines near t = T,
 * from a binary64 estimate; u = 2^-w; every operation rounds to nearest):
 *   theta~_s: pi, the product by 125 s + T and the quotient by 252 T round
 *     once each: relative error <= 3.01 u; theta_s <= pi/2 < 2, so
 *     |theta~_s - theta_s| <= 6.02 u.
 *   c~_s = cos(theta~_s) rounded: |c~_s - c_s| <= 6.02 u + u/2 <= 2^(3 - w)
 *     (|cos'| <= 1, c_s <= 1); relative to c_s (> 0 for s < T, and c_s >=
 *     2^(E_s - 1)(1 - 2^-40) with E_s = EXP(c~_s)): <= 2^(4.01 - w - E_s).
 *     (The factor 1 - 2^-40 needs w + E_s >= 44: checked, else no bits.)
 *   r~^2 = (c~_t / c~_{t-1})^2, the quotient and the square rounded: the
 *     quotient's rounding counts twice, so the relative error is <= 2.01 (e_t
 *     + e_{t-1}) + 3.03 u, and r^2 < 1 (cos decreases on [0, pi/2]), so
 *     |r~^2 - r^2| <= 2^(6 - w - E_t) + 2^(6 - w - E_{t-1}) + 2^(2 - w) (the
 *     factor 1.01 for r~^2 vs r^2 included).
 *   y = 1 - r~^2 rounded to p bits: <= 2^(EXP(y) - p - 1).
 * Four powers of two for mpref_loss_of. The raw value against the cap 0.999
 * is decided by clip_decision with that bound; undecided, no bit is
 * certified and the driver raises the precision. Capped, y = 999/1000 rounded
 * once (loss 0); at t = T, c_T = cos(pi/2) = 0 and beta is capped exactly. */
static long cosine_proved_eval(mpfr_t y, const void *vctx)
{
  const beta_ctx *c = vctx;
  mpfr_prec_t p = mpfr_get_prec(y);
  int clipped = 1;
  long loss = 0;
  if (c->t < c->T) {
    double th1 = 3.141592653589793 * (double)(125 * c->t + c->T) / (double)(252 * c->T);
    double th0 = 3.141592653589793 * (double)(125 * (c->t - 1) + c->T) / (double)(252 * c->T);
    double c1 = cos(th1), r = c1 / cos(th0), b = 1 - r * r;
    long g = 8 + (b > 0 && isfinite(b) ? (ilogb(b) < 0 ? -ilogb(b) : 0) : 64) + (c1 > 0 ? (ilogb(c1) < 0 ? -ilogb(c1) : 0) : 64);
    mpfr_prec_t w = p + g;
    MPREF_LOCAL(cp, w);
    MPREF_LOCAL(cc, w);
    cos_theta(cp, c->T, c->t - 1);
    cos_theta(cc, c->T, c->t);
    if (mpfr_sgn(cc) <= 0 || mpfr_sgn(cp) <= 0 || (long)w + mpfr_get_exp(cc) < 44) loss = MPREF_PREC_MAX;
    else {
      mpfr_exp_t et = mpfr_get_exp(cc), ep = mpfr_get_exp(cp);
      mpfr_div(cc, cc, cp, MPFR_RNDN);
      mpfr_sqr(cc, cc, MPFR_RNDN);
      mpfr_ui_sub(y, 1, cc, MPFR_RNDN);
      if (mpfr_sgn(y) <= 0) loss = MPREF_PREC_MAX;
      else {
        mpfr_exp_t terms[4] = { mpfr_get_exp(y) - (long)p - 1, 6 - (long)w - et, 6 - (long)w - ep, 2 - (long)w };
        loss = mpref_loss_of(y, terms, 4);
      }
    }
    if (loss >= (long)p) return (long)p + 1;   /* undecided: no bits certified */
    clipped = mpfr_cmp_ui_2exp(y, 1, -1) < 0 ? 0 : clip_decision(y, loss);
    if (clipped < 0) return (long)p + 1;
  }
  *c->clip = clipped;
  if (!clipped) return loss;
  mpfr_set_ui(y, 999, MPFR_RNDN);
  mpfr_div_ui(y, y, 1000, MPFR_RNDN);
  return 0;
}

/* One beta and its clipping flag from one evaluation (the flag is the one
 * of the evaluation whose value was proved). Only the cosine kind clips. */
static int sched_beta_path(int kind, long T, long t, int cross, double *beta, int *clipped)
{
  int clip = 0;
  if (!valid_schedule(kind, T, t)) { *beta = NAN; if (clipped) *clipped = 0; return 1; }
  beta_ctx c = { kind, T, t, cross, &clip };
  int s = kind == DMC_SCHED_COSINE && !cross ? mpref_round_proved(cosine_proved_eval, &c, beta, NULL)
                                             : mpref_round(beta_eval, &c, beta, NULL);
  if (clipped) *clipped = s == 0 && clip;
  return s;
}

int ref_sched_beta(int kind, long T, long t, double *beta, int *clipped)
{
  return sched_beta_path(kind, T, t, 0, beta, clipped);
}

int ref_sched_beta_cross(int kind, long T, long t, double *beta, int *clipped)
{
  return sched_beta_path(kind, T, t, 1, beta, clipped);
}

/* One beta certified at the working precision: mpfr_can_round with the
 * evaluator's own loss bound, as in mpref.c; 0 if not certified. */
static int certify(const mpfr_t y, long loss, double *out)
{
  mpfr_prec_t p = mpfr_get_prec(y);
  if (loss == MPREF_EXACT) { *out = mpref_to_double(y); return 1; }
  if ((long)p - loss <= 60 || mpfr_zero_p(y)) return 0;
  if (!mpfr_can_round(y, p - loss, MPFR_RNDN, MPFR_RNDZ, 54)) return 0;
  mpfr_exp_t e = mpfr_get_exp(y);
  *out = (e > -1000 && e < 1000) ? mpfr_get_d(y, MPFR_RNDN) : mpref_to_double(y);
  return 1;
}

/* Bits of n (n >= 1): 2^bits > n. */
static long bitlen(unsigned long n) { long b = 0; while (n) { b++; n >>= 1; } return b; }

/* z *= w for complex numbers held as (re, im); tmp holds two scratch values. */
static void rotate(mpfr_t re, mpfr_t im, const mpfr_t wr, const mpfr_t wi, mpfr_t t1, mpfr_t t2)
{
  mpfr_mul(t1, re, wr, MPFR_RNDN);
  mpfr_mul(t2, im, wi, MPFR_RNDN);
  mpfr_mul(im, im, wr, MPFR_RNDN);
  mpfr_fma(im, re, wi, im, MPFR_RNDN);
  mpfr_sub(re, t1, t2, MPFR_RNDN);
}

/* The sweep's recurrences, at SWEEP_PREC bits. Sigmoid: the exponential
 * factor of step s is a geometric sequence, so each step is one product
 * (relative error <= (2s + 2) 2^-prec). Cosine: e^{i theta_s} by rotations
 * with e^{i delta}; the absolute error of each component after s steps is
 * <= 8 (s + 1) 2^-prec (each rotation adds <= 6.5 ulp-units, the rotation
 * factor itself is within 1.5). Those bounds enter the loss, so a value is
 * certified only when mpfr_can_round proves its double. */
#define SWEEP_PREC MPREF_PREC0
typedef struct {
  mpfr_t a, b, c, d, e, f, t1, t2, x, k;
} sweep_state;

static void sweep_init(sweep_state *w, int kind, long T, int cross)
{
  mpfr_inits2(SWEEP_PREC, w->a, w->b, w->c, w->d, w->e, w->f, w->t1, w->t2, w->x, w->k, (mpfr_ptr)0);
  if ((kind == DMC_SCHED_SCALED_LINEAR || kind == DMC_SCHED_QUADRATIC) && T > 1) {
    /* A, B in (a, b); primary: sqrt(A), sqrt(B) in (c, d); cross: sqrt(AB) in c */
    const sched_consts *k = kind == DMC_SCHED_SCALED_LINEAR ? &k_scaled : &k_linear;
    mpfr_set_ui(w->a, k->an, MPFR_RNDN); mpfr_div_ui(w->a, w->a, k->ad, MPFR_RNDN);
    mpfr_set_ui(w->b, k->bn, MPFR_RNDN); mpfr_div_ui(w->b, w->b, k->bd, MPFR_RNDN);
    if (!cross) { mpfr_sqrt(w->c, w->a, MPFR_RNDN); mpfr_sqrt(w->d, w->b, MPFR_RNDN); }
    else { mpfr_mul(w->c, w->a, w->b, MPFR_RNDN); mpfr_sqrt(w->c, w->c, MPFR_RNDN); }
  } else if (kind == DMC_SCHED_SIGMOID) {
    /* primary: e^{-x_s} = e^6 q^{s-1}, q = e^{-12/(T-1)};
     * cross:   e^{x_s} = e^{-6} q^{s-1}, q = e^{12/(T-1)} */
    mpfr_set_si(w->a, cross ? -6 : 6, MPFR_RNDN);
    mpfr_exp(w->a, w->a, MPFR_RNDN);
    if (T > 1) {
      mpfr_set_si(w->b, cross ? 12 : -12, MPFR_RNDN);
      mpfr_div_ui(w->b, w->b, (unsigned long)(T - 1), MPFR_RNDN);
      mpfr_exp(w->b, w->b, MPFR_RNDN);
    }
  } else if (kind == DMC_SCHED_COSINE) {
    /* z = e^{i theta_0} in (a, b), w = e^{i delta} in (c, d) */
    mpfr_const_pi(w->x, MPFR_RNDN);
    mpfr_div_ui(w->x, w->x, 252, MPFR_RNDN);
    mpfr_sin_cos(w->b, w->a, w->x, MPFR_RNDN);
    mpfr_const_pi(w->x, MPFR_RNDN);
    mpfr_mul_ui(w->x, w->x, 125, MPFR_RNDN);
    mpfr_div_ui(w->x, w->x, (unsigned long)(252 * T), MPFR_RNDN);
    mpfr_sin_cos(w->d, w->c, w->x, MPFR_RNDN);
    mpfr_set(w->k, w->d, MPFR_RNDN);                       /* sin(delta) */
    if (cross) {
      /* u = e^{i (2 theta_0 + delta)} in (e, f); its step e^{2 i delta} in (t1, t2) */
      mpfr_const_pi(w->x, MPFR_RNDN);
      mpfr_mul_ui(w->x, w->x, (unsigned long)(2 * T + 125), MPFR_RNDN);
      mpfr_div_ui(w->x, w->x, (unsigned long)(252 * T), MPFR_RNDN);
      mpfr_sin_cos(w->f, w->e, w->x, MPFR_RNDN);
    }
  }
}

static void sweep_clear(sweep_state *w)
{
  mpfr_clears(w->a, w->b, w->c, w->d, w->e, w->f, w->t1, w->t2, w->x, w->k, (mpfr_ptr)0);
}

/* beta_s of the squared-linspace kinds from the precomputed roots (T > 1). */
static long sweep_sqrt(mpfr_t y, sweep_state *w, long T, long s, int cross)
{
  unsigned long nT = (unsigned long)(T - s), nt = (unsigned long)(s - 1), d = (unsigned long)(T - 1);
  if (!cross) {
    mpfr_mul_ui(w->x, w->c, nT, MPFR_RNDN);
    mpfr_mul_ui(w->t1, w->d, nt, MPFR_RNDN);
    mpfr_add(w->x, w->x, w->t1, MPFR_RNDN);
    mpfr_div_ui(w->x, w->x, d, MPFR_RNDN);
    mpfr_sqr(y, w->x, MPFR_RNDN);
  } else {
    mpfr_mul_ui(w->x, w->c, 2 * nT * nt, MPFR_RNDN);
    mpfr_mul_ui(w->t1, w->a, nT * nT, MPFR_RNDN);
    mpfr_add(w->x, w->x, w->t1, MPFR_RNDN);
    mpfr_mul_ui(w->t1, w->b, nt * nt, MPFR_RNDN);
    mpfr_add(w->x, w->x, w->t1, MPFR_RNDN);
    mpfr_div_ui(y, w->x, d * d, MPFR_RNDN);
  }
  return MPREF_SLACK;
}

/* beta_s of the sigmoid schedule from the sweep (steps s = 1, 2, ... in order). */
static long sweep_sigmoid(mpfr_t y, sweep_state *w, long s, int cross)
{
  if (s > 1) mpfr_mul(w->a, w->a, w->b, MPFR_RNDN);
  mpfr_add_ui(w->x, w->a, 1, MPFR_RNDN);
  if (!cross) mpfr_ui_div(w->x, 1, w->x, MPFR_RNDN);       /* 1 / (1 + e^{-x}) */
  else mpfr_div(w->x, w->a, w->x, MPFR_RNDN);               /* e^x / (1 + e^x) */
  mpfr_mul_ui(w->x, w->x, 199, MPFR_RNDN);
  mpfr_div_ui(w->x, w->x, 10000, MPFR_RNDN);
  mpfr_set_ui(y, 1, MPFR_RNDN);
  mpfr_div_ui(y, y, 10000, MPFR_RNDN);
  mpfr_add(y, y, w->x, MPFR_RNDN);
  return MPREF_SLACK + bitlen((unsigned long)(2 * s + 2));
}

/* beta_s of the cosine schedule from the sweep. */
static long sweep_cosine(mpfr_t y, sweep_state *w, long T, long s, int cross, int *clipped)
{
  long err = bitlen((unsigned long)(8 * (s + 1)));
  mpfr_t cprev;
  mpfr_init2(cprev, SWEEP_PREC);
  mpfr_set(cprev, w->a, MPFR_RNDN);                         /* cos theta_{s-1} */
  rotate(w->a, w->b, w->c, w->d, w->t1, w->t2);             /* z = e^{i theta_s} */
  long loss;
  *clipped = 0;
  if (!cross) {
    if (s == T) { *clipped = 1; loss = 0; }
    else {
      mpfr_div(w->x, w->a, cprev, MPFR_RNDN);
      mpfr_sqr(w->x, w->x, MPFR_RNDN);
      mpfr_ui_sub(y, 1, w->x, MPFR_RNDN);
      loss = MPREF_SLACK + err + amp_bits(w->a) + amp_bits(cprev);
      loss = mpfr_zero_p(y) ? MPREF_PREC_MAX : loss + 1 - (long)mpfr_get_exp(y);
    }
  } else {
    /* sin(delta) Im(u) / cos^2 theta_{s-1}; then u *= e^{2 i delta} */
    mpfr_sqr(w->x, cprev, MPFR_RNDN);
    mpfr_mul(y, w->k, w->f, MPFR_RNDN);
    mpfr_div(y, y, w->x, MPFR_RNDN);
    loss = MPREF_SLACK + err + 2 * amp_bits(cprev) + amp_bits(w->f);
    mpfr_t r2, i2;
    mpfr_inits2(SWEEP_PREC, r2, i2, (mpfr_ptr)0);
    mpfr_sqr(r2, w->c, MPFR_RNDN);                          /* e^{2 i delta} from w */
    mpfr_sqr(i2, w->d, MPFR_RNDN);
    mpfr_sub(r2, r2, i2, MPFR_RNDN);
    mpfr_mul(i2, w->c, w->d, MPFR_RNDN);
    mpfr_mul_2ui(i2, i2, 1, MPFR_RNDN);
    rotate(w->e, w->f, r2, i2, w->t1, w->t2);
    mpfr_clears(r2, i2, (mpfr_ptr)0);
    loss += 2; /* the squared step carries twice the rotation error */
  }
  mpfr_clear(cprev);
  if (!*clipped) {
    int d = loss >= (long)SWEEP_PREC ? -1 : mpfr_cmp_ui_2exp(y, 1, -1) < 0 ? 0 : clip_decision(y, loss);
    if (d < 0) return MPREF_PREC_MAX;
    *clipped = d;
  }
  if (*clipped) {
    mpfr_set_ui(y, 999, MPFR_RNDN);
    mpfr_div_ui(y, y, 1000, MPFR_RNDN);
    loss = MPREF_SLACK;
  }
  return loss;
}

/* beta_1..beta_n in one sweep: closed forms at MPREF_PREC0 bits for the
 * rational and square-root kinds, recurrences at SWEEP_PREC bits for the
 * sigmoid and cosine kinds, each value certified by mpfr_can_round with its
 * error bound; a value the sweep cannot certify goes through mpref_round. */
static int sched_betas_path(int kind, long T, long n, int cross, double *beta, unsigned char *clipped)
{
  if (n < 1 || !valid_schedule(kind, T, n)) {
    for (long t = 0; t < n && t < REF_SCHED_TMAX; t++) { /* NaN out (never past any valid length) */
      beta[t] = NAN;
      if (clipped) clipped[t] = 0;
    }
    return 1;
  }
  int roots = (kind == DMC_SCHED_SCALED_LINEAR || kind == DMC_SCHED_QUADRATIC) && T > 1;
  int sweep = kind == DMC_SCHED_SIGMOID || kind == DMC_SCHED_COSINE;
  int worst = 0;
  mpfr_t y;
  mpfr_init2(y, sweep ? SWEEP_PREC : MPREF_PREC0);
  sweep_state w;
  sweep_init(&w, kind, T, cross);
  for (long t = 1; t <= n; t++) {
    int clip = 0;
    long loss;
    if (kind == DMC_SCHED_COSINE) loss = sweep_cosine(y, &w, T, t, cross, &clip);
    else if (kind == DMC_SCHED_SIGMOID) loss = sweep_sigmoid(y, &w, t, cross);
    else if (roots) loss = sweep_sqrt(y, &w, T, t, cross);
    else loss = closed_beta(y, kind, T, t, cross);
    if (!certify(y, loss, &beta[t - 1])) {
      int s = sched_beta_path(kind, T, t, cross, &beta[t - 1], &clip);
      if (s > worst) worst = s;
    }
    if (clipped) clipped[t - 1] = (unsigned char)clip;
  }
  sweep_clear(&w);
  mpfr_clear(y);
  return worst;
}

int ref_sched_betas(int kind, long T, long n, double *beta, unsigned char *clipped)
{
  return sched_betas_path(kind, T, n, 0, beta, clipped);
}

int ref_sched_betas_cross(int kind, long T, long n, double *beta, unsigned char *clipped)
{
  return sched_betas_path(kind, T, n, 1, beta, clipped);
}

/* ---- prefix products --------------------------------------------------- */

int sched_prefix_init(sched_prefix *c, int kind, long T, long n, int cross)
{
  memset(c, 0, sizeof *c);
  c->n = n;
  c->cross = cross;
  c->beta = malloc((size_t)(n > 0 ? n : 1) * sizeof *c->beta);
  c->clipped = malloc((size_t)(n > 0 ? n : 1));
  if (!c->beta || !c->clipped) { sched_prefix_free(c); return 1; }
  int s = cross ? ref_sched_betas_cross(kind, T, n, c->beta, c->clipped)
                : ref_sched_betas(kind, T, n, c->beta, c->clipped);
  c->status = s;
  return s;
}

int sched_prefix_from_betas(sched_prefix *c, size_t n, const double *beta, int cross)
{
  memset(c, 0, sizeof *c);
  if (n > REF_SCHED_TMAX) return 1;
  c->n = (long)n;
  c->cross = cross;
  c->beta = malloc((n ? n : 1) * sizeof *c->beta);
  c->clipped = calloc(n ? n : 1, 1);
  if (!c->beta || !c->clipped) { sched_prefix_free(c); return 1; }
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(beta[i]) || !(beta[i] >= 0.0) || !(beta[i] <= 1.0)) { sched_prefix_free(c); return 1; }
    c->beta[i] = beta[i];
  }
  return 0;
}

int sched_prefix_want(sched_prefix *c, long k)
{
  if (k < 0 || k > c->n || c->exact || c->nlev || c->all) return 1;
  if (!c->slot) {
    c->slot = malloc((size_t)(c->n + 1) * sizeof *c->slot);
    if (!c->slot) return 1;
    for (long i = 0; i <= c->n; i++) c->slot[i] = -1;
  }
  if (c->slot[k] < 0) c->slot[k] = c->nwant++;
  return 0;
}

/* A level keeps P_k, Q_k only at the wanted k (exact products are large). */
static long nslots(const sched_prefix *c) { return c->all ? c->n + 1 : c->nwant; }
static long slot_of(const sched_prefix *c, long k)
{
  if (k < 0 || k > c->n) return -1;
  if (c->all) return k;
  return c->slot ? c->slot[k] : -1;
}

static void free_level(sched_prefix *c, int l)
{
  for (long i = 0; i < nslots(c); i++) { mpfr_clear(c->P[l][i]); mpfr_clear(c->Q[l][i]); }
  free(c->P[l]); free(c->Q[l]); free(c->Px[l]); free(c->Qx[l]);
  c->P[l] = c->Q[l] = NULL;
}

void sched_prefix_free(sched_prefix *c)
{
  for (int l = 0; l < c->nlev; l++) free_level(c, l);
  if (c->exact) {
    for (long i = 0; i < nslots(c); i++) mpz_clear(c->M[i]);
  }
  free(c->M); free(c->E); free(c->slot);
  free(c->beta); free(c->clipped);
  memset(c, 0, sizeof *c);
}

/* Exact products for the cross path: P_k = M_k 2^E_k at the wanted k.
 * Returns 1 when out of memory. */
static int exact_prefix(sched_prefix *c)
{
  if (c->exact) return 0;
  long ns = nslots(c);
  c->M = malloc((size_t)(ns ? ns : 1) * sizeof *c->M);
  c->E = malloc((size_t)(ns ? ns : 1) * sizeof *c->E);
  if (!c->M || !c->E) { free(c->M); free(c->E); c->M = NULL; c->E = NULL; return 1; }
  mpz_t f, run, pw;
  mpz_inits(f, run, pw, NULL);
  mpz_set_ui(run, 1);
  long E = 0;
  for (long i = 0; i < ns; i++) mpz_init(c->M[i]);
  for (long k = 0; k <= c->n; k++) {
    if (k > 0) {
      /* 1 - beta = (2^-e - m) 2^e with beta = m 2^e, m an integer */
      double b = c->beta[k - 1];
      if (b == 0.0) {
        mpz_set_ui(f, 1);
      } else {
        int e2;
        double m = frexp(b, &e2);
        long e = (long)e2 - 53;
        mpz_set_d(f, ldexp(m, 53));
        mpz_ui_pow_ui(pw, 2, (unsigned long)(-e));
        mpz_sub(f, pw, f);
        E += e;
      }
      mpz_mul(run, run, f);
    }
    long i = slot_of(c, k);
    if (i >= 0) { mpz_set(c->M[i], run); c->E[i] = E; }
  }
  mpz_clears(f, run, pw, NULL);
  c->exact = 1;
  return 0;
}

/* P_k and Q_k = 1 - P_k at working precision P + 32, P = max(p, 2 PREC0),
 * so one level serves the first two attempts of mpref_round. Primary path:
 * at most 3 roundings of relative size 2^-(P+32) per step on positive terms,
 * so for n <= 2^20 the relative errors stay below 2^-(P+8). Cross path: the
 * exact values rounded once. */
static int prefix_level(sched_prefix *c, mpfr_prec_t p)
{
  for (int l = 0; l < c->nlev; l++) if (c->prec[l] >= p) return l;
  if (p < 2 * MPREF_FAST_PREC0) p = 2 * MPREF_FAST_PREC0;
  if (c->cross && exact_prefix(c)) return -1;
  int l = c->nlev < SCHED_PREFIX_LEVELS ? c->nlev : SCHED_PREFIX_LEVELS - 1;
  if (l < c->nlev) { free_level(c, l); c->nlev--; }
  long ns = nslots(c);
  size_t sz = (size_t)(ns ? ns : 1);
  c->Px[l] = calloc(sz, 1);
  c->Qx[l] = calloc(sz, 1);
  c->P[l] = malloc(sz * sizeof(mpfr_t));
  c->Q[l] = malloc(sz * sizeof(mpfr_t));
  if (!c->Px[l] || !c->Qx[l] || !c->P[l] || !c->Q[l]) {
    free(c->P[l]); free(c->Q[l]); free(c->Px[l]); free(c->Qx[l]);
    c->P[l] = c->Q[l] = NULL;
    c->Px[l] = c->Qx[l] = NULL;
    return -1;
  }
  c->nlev++;
  c->prec[l] = p;
  mpfr_prec_t q = p + 32;
  for (long i = 0; i < ns; i++) { mpfr_init2(c->P[l][i], q); mpfr_init2(c->Q[l][i], q); }
  if (!c->cross) {
    mpfr_t P, Q, om, bq;
    mpfr_inits2(q, P, Q, om, bq, (mpfr_ptr)0);
    mpfr_set_ui(P, 1, MPFR_RNDN);
    mpfr_set_zero(Q, 1);
    int ip = 0, iq = 0;
    for (long k = 0; k <= c->n; k++) {
      if (k > 0) {
        iq |= ip;
        mpfr_set_d(bq, c->beta[k - 1], MPFR_RNDN);
        SUITE_OP(ip, mpfr_ui_sub(om, 1, bq, MPFR_RNDN));
        SUITE_OP(iq, mpfr_mul(bq, bq, P, MPFR_RNDN));
        SUITE_OP(iq, mpfr_add(Q, Q, bq, MPFR_RNDN));        /* Q_k = Q_{k-1} + beta_k P_{k-1} */
        SUITE_OP(ip, mpfr_mul(P, P, om, MPFR_RNDN));
      }
      long i = slot_of(c, k);
      if (i >= 0) {
        mpfr_set(c->P[l][i], P, MPFR_RNDN);
        mpfr_set(c->Q[l][i], Q, MPFR_RNDN);
        c->Px[l][i] = !ip;
        c->Qx[l][i] = !iq;
      }
    }
    mpfr_clears(P, Q, om, bq, (mpfr_ptr)0);
  } else {
    mpz_t d;
    mpz_init(d);
    for (long i = 0; i < ns; i++) {
      c->Px[l][i] = mpfr_set_z_2exp(c->P[l][i], c->M[i], c->E[i], MPFR_RNDN) == 0;
      mpz_ui_pow_ui(d, 2, (unsigned long)(-c->E[i]));
      mpz_sub(d, d, c->M[i]);                                /* exact 1 - P_k */
      c->Qx[l][i] = mpfr_set_z_2exp(c->Q[l][i], d, c->E[i], MPFR_RNDN) == 0;
    }
    mpz_clear(d);
  }
  return l;
}

int sched_prefix_get(sched_prefix *c, mpfr_prec_t p, long k, sched_pq *v)
{
  if (k < 0 || k > c->n || slot_of(c, k) < 0) return 1;
  int l = prefix_level(c, p);
  if (l < 0) return -1;
  long i = slot_of(c, k);
  v->P = c->P[l][i];
  v->Q = c->Q[l][i];
  v->P_exact = c->Px[l][i];
  v->Q_exact = c->Qx[l][i];
  v->cross = c->cross;
  v->rel = c->prec[l] + 8;
  return 0;
}

/* The quantities of (P, Q) = (alphabar, 1 - alphabar), for
 * mpref_round_each / mpref_round_proved. ys[k] (NULL: not wanted) receives
 * quantity k = REF_AB_* at its own precision p and loss[k] its bound.
 * Error: P~ = P(1 + a), Q~ = Q(1 + b) with |a|, |b| <= 2^-r, r = v->rel
 * (a = 0 when P~ is flagged exact; a zero P~ is an exact zero, as the
 * relative bound says, and then Q = 1 exactly); u_p = 2^(EXP(y) - p - 1) is
 * the final rounding of each output:
 *   alphabar, 1 - alphabar: |y - P| <= u_p + 2^-r P <= u_p + 2^(EXP(y) - r + 1)
 *     (P <= 2^EXP(y) (1 + 2^-r)); the same for Q.
 *   their square roots: sqrt(1 + a) - 1 <= 0.51 |a|, so the same two terms.
 *   log(1 - alphabar) = log Q: from b~ = log Q~ at w bits (w = p + G):
 *     |log Q~ - log Q| = |log(1 + b)| <= 1.01 2^-r, b~ rounds by <=
 *     2^(EXP(b~) - w - 1), y = b~ rounded to p: u_p + 2^(EXP(b~) - w - 1) +
 *     2^(1 - r). The cross path takes log1p(-P~) when P~ < 1/2: log1p(-P~) =
 *     log(Q - a P) = log Q + log(1 - a P/Q) and P/Q < 1, so again 2^(1 - r),
 *     rounded once to p.
 *   log SNR = log P - log Q: primary a~ = log P~ and b~ at w bits, y = a~ - b~
 *     rounded to p: u_p + 2^(EXP(a~) - w - 1) + 2^(EXP(b~) - w - 1) + 2 2^(1 -
 *     r); cross log(P~/Q~), the quotient rounded at w bits: |log((1 + a)(1 +
 *     e)/(1 + b))| <= 3.02 2^-min(r, w) <= 2^(2 - r) + 2^(1 - w), then u_p.
 *     G guard bits, from a binary64 estimate, cover the cancellation of log P
 *     against log Q where alphabar is near 1/2; the bound holds whatever G is.
 * A value with no rounding anywhere is exact (-inf, +inf, 0, exact P or Q). */
static void ab_each(mpfr_ptr *ys, long *loss, const sched_pq *v)
{
  int pzero = mpfr_zero_p(v->P), qzero = mpfr_zero_p(v->Q);
  int Px = v->P_exact || pzero, Qx = v->Q_exact || qzero || pzero;
  long r = (long)v->rel;
  for (int k = REF_AB_ALPHABAR; k <= REF_AB_SQRT_ONE_MINUS; k++) {
    mpfr_ptr y = ys[k];
    if (!y) continue;
    int onP = k == REF_AB_ALPHABAR || k == REF_AB_SQRT, x = onP ? Px : Qx;
    mpfr_srcptr src = onP ? v->P : v->Q;
    int inex = (k == REF_AB_ALPHABAR || k == REF_AB_ONE_MINUS) ? mpfr_set(y, src, MPFR_RNDN) : mpfr_sqrt(y, src, MPFR_RNDN);
    if (!x) inex = 1;
    if (!inex) { loss[k] = MPREF_EXACT; continue; }
    mpfr_exp_t terms[2] = { mpfr_get_exp(y) - (long)mpfr_get_prec(y) - 1, mpfr_get_exp(y) - r + 1 };
    loss[k] = mpref_loss_of(y, terms, x ? 1 : 2);
  }
  mpfr_ptr ylm = ys[REF_AB_LOG_ONE_MINUS], ysn = ys[REF_AB_LOG_SNR];
  if (!ylm && !ysn) return;
  mpfr_prec_t p = mpfr_get_prec(ylm ? ylm : ysn);
  if (ylm && qzero) { mpfr_set_inf(ylm, -1); loss[REF_AB_LOG_ONE_MINUS] = MPREF_EXACT; ylm = NULL; }
  if (ysn) {
    long special = 1;
    if (qzero) mpfr_set_inf(ysn, 1);
    else if (pzero) mpfr_set_inf(ysn, -1);
    else if (Px && Qx && mpfr_equal_p(v->P, v->Q)) mpfr_set_zero(ysn, 1);
    else special = 0;
    if (special) { loss[REF_AB_LOG_SNR] = MPREF_EXACT; ysn = NULL; }
  }
  if (!ylm && !ysn) return;
  /* guard bits for log P - log Q (a binary64 estimate; only the speed depends on it) */
  long G = 0;
  if (ysn) {
    double lp = log(mpfr_get_d(v->P, MPFR_RNDN)), lq = log(mpfr_get_d(v->Q, MPFR_RNDN)), d = lp - lq;
    int big = ilogb(fabs(lp) > fabs(lq) ? lp : lq);
    G = !isfinite(d) ? 8 : d == 0 ? 64 : big - ilogb(d) > 0 ? big - ilogb(d) + 2 : 0;
  }
  mpfr_prec_t w = p + G;
  mpfr_t a, b;
  mpfr_inits2(w, a, b, (mpfr_ptr)0);
  int bx = 0;
  int need_b = !v->cross || (ylm && mpfr_cmp_ui_2exp(v->P, 1, -1) >= 0);
  if (need_b) bx = mpfr_log(b, v->Q, MPFR_RNDN) == 0 && Qx;              /* b~ = log Q~ */
  if (ylm) {
    int inex;
    mpfr_exp_t terms[3];
    int nt = 0;
    terms[nt++] = 0; /* filled below */
    if (v->cross && mpfr_cmp_ui_2exp(v->P, 1, -1) < 0) {   /* log1p(-P~) */
      mpfr_set_prec(a, mpfr_get_prec(v->P));
      mpfr_neg(a, v->P, MPFR_RNDN);                          /* exact: P~'s precision */
      inex = mpfr_log1p(ylm, a, MPFR_RNDN) != 0 || !Px;
      mpfr_set_prec(a, w);
      if (!Px) terms[nt++] = 1 - r;
    } else {
      inex = mpfr_set(ylm, b, MPFR_RNDN) != 0 || !bx;
      if (!bx) terms[nt++] = mpref_exp_of(b) - (long)w - 1;
      if (!Qx) terms[nt++] = 1 - r;
    }
    if (!inex) loss[REF_AB_LOG_ONE_MINUS] = MPREF_EXACT;
    else if (mpfr_zero_p(ylm)) loss[REF_AB_LOG_ONE_MINUS] = MPREF_PREC_MAX;
    else {
      terms[0] = mpfr_get_exp(ylm) - (long)p - 1;
      loss[REF_AB_LOG_ONE_MINUS] = mpref_loss_of(ylm, terms, nt);
    }
  }
  if (ysn) {
    mpfr_exp_t terms[5];
    int nt = 1, inex;
    if (!v->cross) {         /* log P~ - log Q~ */
      int ax = mpfr_log(a, v->P, MPFR_RNDN) == 0 && Px;
      inex = mpfr_sub(ysn, a, b, MPFR_RNDN) != 0 || !ax || !bx;
      if (!ax) { terms[nt++] = mpref_exp_of(a) - (long)w - 1; if (!Px) terms[nt++] = 1 - r; }
      if (!bx) { terms[nt++] = mpref_exp_of(b) - (long)w - 1; if (!Qx) terms[nt++] = 1 - r; }
    } else {                 /* log(P~ / Q~) */
      int qx = mpfr_div(a, v->P, v->Q, MPFR_RNDN) == 0;
      inex = mpfr_log(ysn, a, MPFR_RNDN) != 0 || !qx || !Px || !Qx;
      terms[nt++] = 2 - r;
      terms[nt++] = 1 - (long)w;
    }
    if (!inex) loss[REF_AB_LOG_SNR] = MPREF_EXACT;
    else if (mpfr_zero_p(ysn)) loss[REF_AB_LOG_SNR] = MPREF_PREC_MAX;
    else {
      terms[0] = mpfr_get_exp(ysn) - (long)p - 1;
      loss[REF_AB_LOG_SNR] = mpref_loss_of(ysn, terms, nt);
    }
  }
  mpfr_clears(a, b, (mpfr_ptr)0);
}

long sched_ab_quantity(mpfr_t y, int which, const sched_pq *v)
{
  if (which < 0 || which >= REF_AB_N) return MPREF_DOMAIN;
  mpfr_ptr ys[REF_AB_N] = { NULL };
  long loss[REF_AB_N];
  ys[which] = y;
  ab_each(ys, loss, v);
  return loss[which];
}

typedef struct { sched_prefix *c; long k; int which; } ab_ctx;

static long ab_eval(mpfr_t y, const void *vctx)
{
  const ab_ctx *a = vctx;
  sched_pq v;
  int g = sched_prefix_get(a->c, mpfr_get_prec(y), a->k, &v);
  if (g) return g < 0 ? MPREF_NOMEM : MPREF_DOMAIN;
  return sched_ab_quantity(y, a->which, &v);
}

int sched_prefix_round(sched_prefix *c, long k, int which, double *out)
{
  ab_ctx a = { c, k, which };
  return mpref_round_proved(ab_eval, &a, out, NULL);
}

/* All REF_AB_N quantities of one k, sharing the logs (mpref_round_each). */
static void ab_all_eval(mpfr_t *y, long *loss, size_t n, const unsigned char *need, const void *vctx)
{
  const ab_ctx *a = vctx;
  sched_pq v;
  int g = sched_prefix_get(a->c, mpfr_get_prec(y[0]), a->k, &v);
  mpfr_ptr ys[REF_AB_N] = { NULL };
  for (size_t i = 0; i < n; i++) {
    if (!need[i]) continue;
    if (g) loss[i] = g < 0 ? MPREF_NOMEM : MPREF_DOMAIN;
    else ys[i] = y[i];
  }
  if (!g) ab_each(ys, loss, &v);
}

int sched_prefix_round_all(sched_prefix *c, long k, double *out, int *status)
{
  ab_ctx a = { c, k, 0 };
  return mpref_round_each(ab_all_eval, &a, REF_AB_N, out, status);
}

int ref_alphabar_quantity(size_t n, const double *beta, int which, double *out)
{
  sched_prefix c;
  if (which < 0 || which >= REF_AB_N || sched_prefix_from_betas(&c, n, beta, 0)) { *out = NAN; return 1; }
  sched_prefix_want(&c, (long)n);
  int s = sched_prefix_round(&c, (long)n, which, out);
  sched_prefix_free(&c);
  return s;
}

/* log(ab) - log(om) with its cancellation counted; 0 exactly when ab = om. */
typedef struct { double ab, om; } snr_ctx;
static long snr_eval(mpfr_t y, const void *vctx)
{
  const snr_ctx *c = vctx;
  if (c->ab == c->om) { mpfr_set_zero(y, 1); return MPREF_EXACT; }
  mpfr_t a, b;
  mpfr_inits2(mpfr_get_prec(y) + 16, a, b, (mpfr_ptr)0);
  mpfr_set_d(a, c->ab, MPFR_RNDN);
  mpfr_log(a, a, MPFR_RNDN);
  mpfr_set_d(b, c->om, MPFR_RNDN);
  mpfr_log(b, b, MPFR_RNDN);
  mpfr_sub(y, a, b, MPFR_RNDN);
  long loss = MPREF_SLACK + mpref_cancel_bits(y, a, b);
  mpfr_clears(a, b, (mpfr_ptr)0);
  return loss;
}

int ref_log_snr(double alphabar, double one_minus, double *out)
{
  if (!(alphabar > 0) || !(one_minus > 0) || !isfinite(alphabar) || !isfinite(one_minus)) { *out = NAN; return 1; }
  snr_ctx c = { alphabar, one_minus };
  return mpref_round(snr_eval, &c, out, NULL);
}

int ref_alphabar_all(size_t n, const double *beta, int which, double *out)
{
  sched_prefix c;
  if (which < 0 || which >= REF_AB_N || sched_prefix_from_betas(&c, n, beta, 0)) {
    for (size_t i = 0; i < n; i++) out[i] = NAN;
    return 1;
  }
  c.all = 1;   /* primary path: every prefix kept */
  int worst = 0;
  for (size_t k = 1; k <= n; k++) {
    int s = sched_prefix_round(&c, (long)k, which, &out[k - 1]);
    if (s > worst) worst = s;
  }
  sched_prefix_free(&c);
  return worst;
}
