/* elbo.c -- MPFR references for D7 (src/elbo.c): the Gaussian KL, the
 * Gaussian and discretised Gaussian log-likelihoods, and the closed forms of
 * the linear-Gaussian chain (log-evidence, ELBO and each of its terms). */
#include "dmcref.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

static long lmax(long a, long b) { return a > b ? a : b; }

/* ---- KL(N(mu1, e^lv1) || N(mu2, e^lv2)) -------------------------------- */
/* memo: NULL, or exp(-lv2) kept from an earlier row (ref_kl_memo). */
typedef struct { double mu1, lv1, mu2, lv2; ref_kl_memo *memo; } kl_ctx;

struct ref_kl_memo {
  int valid, inexact;     /* E holds exp(-lv2) at its precision; inexact: its ternary */
  double lv2;
  mpfr_t E;
};

ref_kl_memo *ref_kl_memo_new(void)
{
  ref_kl_memo *m = malloc(sizeof *m);
  if (!m) return NULL;
  m->valid = 0;
  mpfr_init2(m->E, MPREF_FAST_PREC0 + 8);
  return m;
}

void ref_kl_memo_free(ref_kl_memo *m)
{
  if (!m) return;
  mpfr_clear(m->E);
  free(m);
}

/* Bits that hold a - b exactly (a, b finite doubles): 55 plus the distance
 * of their exponents spans every bit of the difference. */
static long exact_diff_bits(double a, double b)
{
  int ea = 0, eb = 0;
  if (a == 0.0 || b == 0.0) return 53;
  frexp(a, &ea);
  frexp(b, &eb);
  return 55 + (ea > eb ? ea - eb : eb - ea);
}

/* KL = (expm1(d) - d + (mu1 - mu2)^2 e^-lv2) / 2, d = lv1 - lv2.
 * Error (p = PREC(y); the expm1 chain runs at w = p + 4 + max(0, -EXP(d))
 * bits, guard bits for its cancellation; the mean chain at wg; every
 * operation rounds to nearest):
 *   d is exact (exact_diff_bits), so expm1(d) - d has no argument error;
 *   e = expm1(d) rounded: |e~ - e| <= 2^(EXP(e~) - w - 1);
 *   f = e~ - d rounded:   |f~ - (e~ - d)| <= 2^(EXP(f~) - w - 1);
 *   g = dmu^2 e^-lv2 from dmu = mu1 - mu2, its square, exp(-lv2) (-lv2 exact)
 *     and the product: 5 relative roundings of 2^-wg (dmu's counts twice),
 *     |g~ - g| <= ((1 + 2^-wg)^5 - 1) g <= 5.03 2^(EXP(g~) - wg);
 *   y = (f~ + g~)/2: the sum rounds to p bits (<= 2^(EXP(y) - p - 1)), the
 *     halving is exact.
 * f >= 0 and g >= 0, so nothing cancels in the sum: |y - KL| <= 2^(EXP(e~) -
 * w - 2) + 2^(EXP(f~) - w - 2) + 2^(EXP(g~) - wg + 2) + 2^(EXP(y) - p - 1)
 * (5.03/2 <= 4), four powers of two for mpref_loss_of; wg = p + 8. */
static long kl_eval(mpfr_t y, const void *vctx)
{
  const kl_ctx *c = vctx;
  mpfr_prec_t p = mpfr_get_prec(y), wg = p + 8;
  int inexact = 0; /* any rounded MPFR operation: can_round cannot certify an exact value */
  mpfr_exp_t terms[4];                             /* the error terms' exponents */
  int nt = 0;
  /* f = expm1(d) - d, d = lv1 - lv2 (exact) */
  MPREF_LOCAL(d, exact_diff_bits(c->lv1, c->lv2));
  mpfr_set_d(d, c->lv1, MPFR_RNDN);
  if (mpfr_sub_d(d, d, c->lv2, MPFR_RNDN) != 0) return MPREF_PREC_MAX;   /* never: the bits suffice */
  mpfr_prec_t w = p + 4 + (mpfr_regular_p(d) && mpfr_get_exp(d) < 0 ? -mpfr_get_exp(d) : 0);
  MPREF_LOCAL(e, w);
  MPREF_LOCAL(f, w);
  if (!mpfr_zero_p(d)) {
    mpfr_expm1(e, d, MPFR_RNDN);
    mpfr_sub(f, e, d, MPFR_RNDN);
    inexact = 1; /* expm1 of a nonzero rational is irrational */
    terms[nt++] = mpfr_get_exp(e) - (long)w - 2;
    if (mpfr_regular_p(f)) terms[nt++] = mpfr_get_exp(f) - (long)w - 2;
  }
  /* g = (mu1 - mu2)^2 e^-lv2, at wg = p + 8 bits */
  MPREF_LOCAL(g, wg);
  MPREF_LOCAL(x, wg);
  inexact |= mpfr_set_d(g, c->mu1, MPFR_RNDN) != 0;
  inexact |= mpfr_sub_d(g, g, c->mu2, MPFR_RNDN) != 0;
  if (!mpfr_zero_p(g)) {
    inexact |= mpfr_sqr(g, g, MPFR_RNDN) != 0;
    ref_kl_memo *m = c->memo;
    if (m && m->valid && m->lv2 == c->lv2 && mpfr_get_prec(m->E) == wg) {
      inexact |= m->inexact;                       /* the same exp(-lv2), rounded to wg bits */
      inexact |= mpfr_mul(g, g, m->E, MPFR_RNDN) != 0;
    } else {
      inexact |= mpfr_set_d(x, -c->lv2, MPFR_RNDN) != 0;
      int ex = mpfr_exp(x, x, MPFR_RNDN) != 0;
      inexact |= ex;
      inexact |= mpfr_mul(g, g, x, MPFR_RNDN) != 0;
      if (m) {
        mpfr_set_prec(m->E, wg);
        mpfr_set(m->E, x, MPFR_RNDN);              /* exact: same precision */
        m->lv2 = c->lv2;
        m->inexact = ex;
        m->valid = 1;
      }
    }
    terms[nt++] = mpfr_get_exp(g) - (long)p - 6;
  }
  inexact |= mpfr_add(y, f, g, MPFR_RNDN) != 0;
  inexact |= mpfr_div_2ui(y, y, 1, MPFR_RNDN) != 0;
  if (!inexact) return MPREF_EXACT;
  if (mpfr_zero_p(y)) return MPREF_PREC_MAX;
  terms[nt++] = mpfr_get_exp(y) - (long)p - 1;
  return mpref_loss_of(y, terms, nt);
}

int ref_gauss_kl(double mu1, double logvar1, double mu2, double logvar2, double *out)
{
  if (!isfinite(mu1) || !isfinite(logvar1) || !isfinite(mu2) || !isfinite(logvar2)) {
    *out = NAN;
    return 1;
  }
  kl_ctx c = { mu1, logvar1, mu2, logvar2, NULL };
  return mpref_round_proved(kl_eval, &c, out, NULL);
}

int ref_gauss_kl_memo(double mu1, double logvar1, double mu2, double logvar2, ref_kl_memo *memo, double *out)
{
  if (!isfinite(mu1) || !isfinite(logvar1) || !isfinite(mu2) || !isfinite(logvar2)) {
    *out = NAN;
    return 1;
  }
  kl_ctx c = { mu1, logvar1, mu2, logvar2, memo };
  return mpref_round_proved(kl_eval, &c, out, NULL);
}

/* ---- log N(x; mean, e^lv) ---------------------------------------------- */
typedef struct { double x, mean, lv; } ll_ctx;

/* -(log(2 pi) + lv + (x - mean)^2 e^-lv) / 2.
 * Error: each factor is rounded once (SLACK); the sum of the log part and
 * the quadratic cancels near a zero of the log-likelihood (mpref_cancel_bits). */
static long loglik_eval(mpfr_t y, const void *vctx)
{
  const ll_ctx *c = vctx;
  mpfr_prec_t p = mpfr_get_prec(y);
  mpfr_t l, q, e;
  mpfr_inits2(p, l, q, e, (mpfr_ptr)0);
  mpfr_const_pi(l, MPFR_RNDN);
  mpfr_mul_2ui(l, l, 1, MPFR_RNDN);
  mpfr_log(l, l, MPFR_RNDN);
  mpfr_add_d(l, l, c->lv, MPFR_RNDN);
  long loss = MPREF_SLACK;
  mpfr_set_d(q, c->x, MPFR_RNDN);
  mpfr_sub_d(q, q, c->mean, MPFR_RNDN);
  if (!mpfr_zero_p(q)) {
    mpfr_sqr(q, q, MPFR_RNDN);
    mpfr_set_d(e, -c->lv, MPFR_RNDN);
    mpfr_exp(e, e, MPFR_RNDN);
    mpfr_mul(q, q, e, MPFR_RNDN);
  }
  mpfr_add(y, l, q, MPFR_RNDN);
  loss += mpref_cancel_bits(y, l, q);
  mpfr_div_2ui(y, y, 1, MPFR_RNDN);
  mpfr_neg(y, y, MPFR_RNDN);
  mpfr_clears(l, q, e, (mpfr_ptr)0);
  return loss;
}

int ref_gauss_loglik(double x, double mean, double logvar, double *out)
{
  if (!isfinite(x) || !isfinite(mean) || !isfinite(logvar)) { *out = NAN; return 1; }
  ll_ctx c = { x, mean, logvar };
  return mpref_round(loglik_eval, &c, out, NULL);
}

/* ---- discretised Gaussian log-likelihood (8-bit) ------------------------ */
typedef struct { double x, mean, ls; int k; double arg_bits; } dg_ctx;

/* erfc(s z / sqrt 2) / 2 = Q(s z) */
static void upper_tail(mpfr_t out, const mpfr_t z, int sign, mpfr_t tmp)
{
  mpfr_sqrt_ui(tmp, 2, MPFR_RNDN);
  mpfr_div(out, z, tmp, MPFR_RNDN);
  if (sign < 0) mpfr_neg(out, out, MPFR_RNDN);
  mpfr_erfc(out, out, MPFR_RNDN);
  mpfr_div_2ui(out, out, 1, MPFR_RNDN);
}

/* log of the bin's mass: log Phi(zb), log Q(za) or log(Q(za) - Q(zb)).
 * Error: the edges z = (x - mean -+ 1/255) e^-ls carry a relative error of a
 * few 2^-p times (|x| + |mean| + 1) e^-ls / |z|, which erfc magnifies by ~2 z^2:
 * the caller's arg_bits bounds that loss (8 + log2(2 z^2 + 2) + ...). The
 * difference of two tails on one side cancels when the bin is narrow relative
 * to the scale (mpref_cancel_bits); near 0 the complement 1 - both tails uses
 * log1p when the tails are below 1/2. */
static long dg_eval(mpfr_t y, const void *vctx)
{
  const dg_ctx *c = vctx;
  mpfr_prec_t p = mpfr_get_prec(y) + 32;
  mpfr_exp_t old_emin = mpfr_get_emin();
  mpfr_set_emin(mpfr_get_emin_min()); /* erfc of far-tail arguments must not underflow */
  mpfr_t za, zb, s, qa, qb, t;
  mpfr_inits2(p, za, zb, s, qa, qb, t, (mpfr_ptr)0);
  /* s = e^-ls; z = (x - mean -+ 1/255) s */
  mpfr_set_d(s, -c->ls, MPFR_RNDN);
  mpfr_exp(s, s, MPFR_RNDN);
  mpfr_set_ui(t, 1, MPFR_RNDN);
  mpfr_div_ui(t, t, 255, MPFR_RNDN);
  mpfr_set_d(za, c->x, MPFR_RNDN);
  mpfr_sub_d(za, za, c->mean, MPFR_RNDN);
  mpfr_add(zb, za, t, MPFR_RNDN);
  mpfr_sub(za, za, t, MPFR_RNDN);
  mpfr_mul(za, za, s, MPFR_RNDN);
  mpfr_mul(zb, zb, s, MPFR_RNDN);
  long loss = MPREF_SLACK + (long)c->arg_bits;
  if (c->k == 0) {                     /* log Phi(zb) */
    if (mpfr_sgn(zb) > 0) { upper_tail(qb, zb, 1, t); mpfr_neg(qb, qb, MPFR_RNDN); mpfr_log1p(y, qb, MPFR_RNDN); }
    else { upper_tail(qb, zb, -1, t); mpfr_log(y, qb, MPFR_RNDN); }
  } else if (c->k == 255) {            /* log (1 - Phi(za)) */
    if (mpfr_sgn(za) < 0) { upper_tail(qa, za, -1, t); mpfr_neg(qa, qa, MPFR_RNDN); mpfr_log1p(y, qa, MPFR_RNDN); }
    else { upper_tail(qa, za, 1, t); mpfr_log(y, qa, MPFR_RNDN); }
  } else if (mpfr_sgn(za) >= 0 || mpfr_sgn(zb) <= 0) {
    int side = mpfr_sgn(za) >= 0 ? 1 : -1; /* difference of the two tails on one side */
    upper_tail(qa, za, side, t);
    upper_tail(qb, zb, side, t);
    if (side > 0) mpfr_sub(s, qa, qb, MPFR_RNDN); else mpfr_sub(s, qb, qa, MPFR_RNDN);
    loss += mpref_cancel_bits(s, qa, qb);
    mpfr_log(y, s, MPFR_RNDN);
  } else {                             /* the bin holds 0: 1 - both tails */
    upper_tail(qa, za, -1, t);
    upper_tail(qb, zb, 1, t);
    mpfr_add(s, qa, qb, MPFR_RNDN);
    if (mpfr_cmp_d(s, 0.5) < 0) {
      mpfr_neg(s, s, MPFR_RNDN);
      mpfr_log1p(y, s, MPFR_RNDN);
    } else {
      mpfr_ui_sub(t, 1, s, MPFR_RNDN);
      loss += mpref_cancel_bits(t, s, s);
      mpfr_log(y, t, MPFR_RNDN);
    }
  }
  mpfr_clears(za, zb, s, qa, qb, t, (mpfr_ptr)0);
  mpfr_set_emin(old_emin);
  return loss;
}

/* k if x is within 1e-9 of the level 2k/255 - 1, else -1. */
static int grid_level(double x)
{
  if (!isfinite(x) || x < -1.0 - 1e-9 || x > 1.0 + 1e-9) return -1;
  double k = nearbyint((x + 1.0) * 127.5);
  return fabs(x - (2.0 * k / 255.0 - 1.0)) <= 1e-9 ? (int)k : -1;
}

int ref_discretized_gaussian_loglik(double x, double mean, double log_scale, double *out)
{
  int k = grid_level(x);
  if (k < 0 || !isfinite(mean) || !isfinite(log_scale)) { *out = NAN; return 1; }
  /* the erfc arguments carry a relative error of a few 2^-p times
   * (|x| + |mean| + 1) e^-ls / |z|; erfc magnifies it by about 2 z^2 */
  double inv = exp(fmin(-log_scale, 700.0));
  double zmax = (fabs(x - mean) + 0.01) * inv;
  double bits = 8 + log2(2 * zmax * zmax + 2) + log2((fabs(x) + fabs(mean) + 1) * fmax(1.0, inv) + 1);
  if (-log_scale > 700.0) bits += (-log_scale - 700.0) * 1.4426950408889634 * 3;
  dg_ctx c = { x, mean, log_scale, k, ceil(bits) };
  return mpref_round(dg_eval, &c, out, NULL);
}

/* ---- the linear-Gaussian chain ------------------------------------------ */
/* The chain's arguments (dmc_lgc) at x0; which: the term of ref_lgc_term. */
typedef struct { const dmc_lgc *m; double x0; size_t which; } lgc_ctx;

/* KL = (f + E2 / v2) / 2 with f = r - 1 - log r, r = v1 / v2, E2 the mean
 * square difference. Returns the bits lost to cancellation: v1 - v2 and
 * (r - 1) - log1p(r - 1), which cancels to second order near r = 1 (log r
 * itself for r < 1/2, where r - 1 can round to -1 and log1p to -inf). */
static long mp_kl(mpfr_t out, const mpfr_t v1, const mpfr_t v2, const mpfr_t e2, mpfr_prec_t p)
{
  mpfr_t rm1, f, g;
  mpfr_inits2(p, rm1, f, g, (mpfr_ptr)0);
  mpfr_sub(rm1, v1, v2, MPFR_RNDN);
  long loss = mpref_cancel_bits(rm1, v1, v2);
  mpfr_div(rm1, rm1, v2, MPFR_RNDN);
  if (mpfr_cmp_d(rm1, -0.5) < 0) {  /* r < 1/2: log r directly (r - 1 may round to -1) */
    mpfr_div(g, v1, v2, MPFR_RNDN);
    mpfr_log(g, g, MPFR_RNDN);
  } else {
    mpfr_log1p(g, rm1, MPFR_RNDN);
  }
  mpfr_sub(f, rm1, g, MPFR_RNDN);
  if (!mpfr_zero_p(rm1)) loss += mpref_cancel_bits(f, rm1, g);
  mpfr_div(g, e2, v2, MPFR_RNDN);
  mpfr_add(out, f, g, MPFR_RNDN);
  mpfr_div_2ui(out, out, 1, MPFR_RNDN);
  mpfr_clears(rm1, f, g, (mpfr_ptr)0);
  return loss;
}

/* out = -(log(2 pi v) + q) / 2, the Gaussian log-density with q the squared
 * distance over v; lg is scratch (distinct from v and q). Returns the bits
 * lost when log(2 pi v) and q cancel (near a zero of the log-density). */
static long neg_half_log_gauss(mpfr_t out, mpfr_t lg, const mpfr_t v, const mpfr_t q)
{
  mpfr_const_pi(lg, MPFR_RNDN);
  mpfr_mul_2ui(lg, lg, 1, MPFR_RNDN);
  mpfr_mul(lg, lg, v, MPFR_RNDN);
  mpfr_log(lg, lg, MPFR_RNDN);
  mpfr_add(out, lg, q, MPFR_RNDN);
  long loss = mpref_cancel_bits(out, lg, q);
  mpfr_div_2ui(out, out, 1, MPFR_RNDN);
  mpfr_neg(out, out, MPFR_RNDN);
  return loss;
}

/* ceil(log2(T + 2)): the chain's roundings grow with T. Every chain evaluator
 * works 2 logT + 16 bits above y. */
static long chain_log2(size_t T)
{
  long logT = 1;
  while ((1ul << logT) <= T + 1) logT++;
  return logT;
}
static mpfr_prec_t chain_prec(const mpfr_t y, long logT) { return mpfr_get_prec(y) + 2 * logT + 16; }

/* log p(x0) = -(log(2 pi S) + (x0 - M)^2 / S) / 2 with the backward moments
 * M <- a M + b, S <- a^2 S + c from p(x_T) = N(mT, vT).
 * Error: M carries the product of the |a_t| > 1 (growth) times the working
 * precision; x0 - M cancels by the exponent gap to the largest |M_t|, |b_t|
 * (twice: it is squared); log + quadratic can cancel once more. */
static long lgc_evidence_eval(mpfr_t y, const void *vctx)
{
  const lgc_ctx *c = vctx;
  const dmc_lgc *m = c->m;
  long logT = chain_log2(m->T), worst = 0;
  mpfr_t t1, t2, t3, acc, absacc, x0;
  mpfr_inits2(chain_prec(y, logT), t1, t2, t3, acc, absacc, x0, (mpfr_ptr)0);
  mpfr_set_d(x0, c->x0, MPFR_RNDN);
  mpfr_set_d(t1, m->mT, MPFR_RNDN);
  mpfr_set_d(t2, m->vT, MPFR_RNDN);
  double growth = 0; /* log2 of the error growth of M */
  mpfr_set_d(absacc, fabs(m->mT), MPFR_RNDN);
  for (size_t t = m->T; t >= 1; t--) {
    mpfr_mul_d(t1, t1, m->a[t - 1], MPFR_RNDN);
    mpfr_add_d(t1, t1, m->b[t - 1], MPFR_RNDN);
    mpfr_mul_d(t2, t2, m->a[t - 1], MPFR_RNDN);
    mpfr_mul_d(t2, t2, m->a[t - 1], MPFR_RNDN);
    mpfr_add_d(t2, t2, m->c[t - 1], MPFR_RNDN);
    growth += log2(fmax(1.0, fabs(m->a[t - 1])));
    mpfr_abs(t3, t1, MPFR_RNDN);
    if (mpfr_cmp(t3, absacc) > 0) mpfr_set(absacc, t3, MPFR_RNDN);
    mpfr_set_d(t3, fabs(m->b[t - 1]), MPFR_RNDN);
    if (mpfr_cmp(t3, absacc) > 0) mpfr_set(absacc, t3, MPFR_RNDN);
  }
  mpfr_sub(t3, x0, t1, MPFR_RNDN);       /* x0 - M0 */
  if (mpfr_regular_p(t3) && mpfr_regular_p(absacc))
    worst = 2 * lmax(0, (long)(mpfr_get_exp(absacc) - mpfr_get_exp(t3)));
  worst += (long)ceil(growth);
  mpfr_sqr(t3, t3, MPFR_RNDN);
  mpfr_div(t3, t3, t2, MPFR_RNDN);
  worst += neg_half_log_gauss(y, acc, t2, t3);
  mpfr_clears(t1, t2, t3, acc, absacc, x0, (mpfr_ptr)0);
  return MPREF_SLACK + logT + worst;
}

/* The forward moments of q(x_t | x_0) = N(abar_t x0, V_t), t = 0..T, and the
 * temporaries of one ELBO term, at precision p. */
typedef struct {
  size_t T;
  mpfr_t *abar, *V;
  mpfr_t s2, t1, t2, t3, x0, vt, B, A;
} chain_moments;

/* 0, or -1 when out of memory (nothing left allocated). */
static int moments_init(chain_moments *w, const lgc_ctx *c, mpfr_prec_t p)
{
  const dmc_lgc *m = c->m;
  size_t T = m->T;
  w->T = T;
  if (T >= SIZE_MAX / sizeof(mpfr_t)) return -1;
  w->abar = malloc((T + 1) * sizeof *w->abar);
  w->V = malloc((T + 1) * sizeof *w->V);
  if (!w->abar || !w->V) { free(w->abar); free(w->V); return -1; }
  for (size_t t = 0; t <= T; t++) { mpfr_init2(w->abar[t], p); mpfr_init2(w->V[t], p); }
  mpfr_inits2(p, w->s2, w->t1, w->t2, w->t3, w->x0, w->vt, w->B, w->A, (mpfr_ptr)0);
  mpfr_set_d(w->x0, c->x0, MPFR_RNDN);
  mpfr_set_ui(w->abar[0], 1, MPFR_RNDN);
  mpfr_set_zero(w->V[0], 1);
  for (size_t t = 1; t <= T; t++) {
    double l = m->lambda[t - 1];
    mpfr_mul_d(w->abar[t], w->abar[t - 1], l, MPFR_RNDN);
    mpfr_set_d(w->s2, l, MPFR_RNDN);
    mpfr_sqr(w->s2, w->s2, MPFR_RNDN);
    mpfr_ui_sub(w->s2, 1, w->s2, MPFR_RNDN);             /* 1 - l^2 */
    mpfr_mul_d(w->V[t], w->V[t - 1], l, MPFR_RNDN);
    mpfr_mul_d(w->V[t], w->V[t], l, MPFR_RNDN);
    mpfr_add(w->V[t], w->V[t], w->s2, MPFR_RNDN);
  }
  return 0;
}

static void moments_clear(chain_moments *w)
{
  for (size_t t = 0; t <= w->T; t++) { mpfr_clear(w->abar[t]); mpfr_clear(w->V[t]); }
  mpfr_clears(w->s2, w->t1, w->t2, w->t3, w->x0, w->vt, w->B, w->A, (mpfr_ptr)0);
  free(w->abar); free(w->V);
}

/* ELBO term `term` (0 recon, 1 -kl_prior, t >= 2 minus the t-th KL) into
 * w->t2; returns its bits lost. Precision goes in the differences that
 * cancel: 1 - a_1 abar_1, its product with x0 minus b_1 (recon); abar_T x0 -
 * mT (prior); B - a_t and the posterior-mean difference (t-th KL), each
 * counted twice where the term squares it; and the KL's r - 1 - log r. */
static long chain_term(chain_moments *w, const lgc_ctx *c, size_t term, mpfr_prec_t p)
{
  const dmc_lgc *m = c->m;
  size_t T = m->T;
  mpfr_ptr s2 = w->s2, t1 = w->t1, t2 = w->t2, t3 = w->t3, x0 = w->x0, vt = w->vt, B = w->B, A = w->A;
  mpfr_t *abar = w->abar, *V = w->V;
  long loss = 0;
  if (term == 0) {
    /* -log(2 pi c1)/2 - ((x0 (1 - a1 l1) - b1)^2 + a1^2 V1) / (2 c1) */
    double a1 = m->a[0], c1 = m->c[0];
    mpfr_mul_d(t1, abar[1], a1, MPFR_RNDN);
    mpfr_ui_sub(t2, 1, t1, MPFR_RNDN);
    long cancel1 = mpref_cancel_bits(t2, t1, t1);      /* of 1 - a1 l1, before x0 scales it (x0 may be 0) */
    loss = lmax(loss, 2 * cancel1);
    mpfr_mul(t2, t2, x0, MPFR_RNDN);
    mpfr_sub_d(t3, t2, m->b[0], MPFR_RNDN);
    if (m->b[0] != 0) loss = lmax(loss, 2 * mpref_cancel_bits(t3, t2, t3) + 2 * cancel1);
    mpfr_sqr(t3, t3, MPFR_RNDN);
    mpfr_mul_d(t1, V[1], a1, MPFR_RNDN);
    mpfr_mul_d(t1, t1, a1, MPFR_RNDN);
    mpfr_add(t3, t3, t1, MPFR_RNDN);
    mpfr_div_d(t3, t3, c1, MPFR_RNDN);
    mpfr_set_d(vt, c1, MPFR_RNDN);
    loss += neg_half_log_gauss(t2, t1, vt, t3);
  } else if (term == 1) {
    mpfr_set_d(t3, m->vT, MPFR_RNDN);
    mpfr_mul(t1, abar[T], x0, MPFR_RNDN);
    mpfr_sub_d(t2, t1, m->mT, MPFR_RNDN);
    if (m->mT != 0) loss = 2 * mpref_cancel_bits(t2, t1, t2);
    mpfr_sqr(t2, t2, MPFR_RNDN);
    loss += mp_kl(t2, V[T], t3, t2, p);
    mpfr_neg(t2, t2, MPFR_RNDN);
  } else {
    size_t t = term;
    double l = m->lambda[t - 1], at = m->a[t - 1];
    mpfr_set_d(s2, l, MPFR_RNDN);
    mpfr_sqr(s2, s2, MPFR_RNDN);
    mpfr_ui_sub(s2, 1, s2, MPFR_RNDN);
    mpfr_mul(vt, V[t - 1], s2, MPFR_RNDN);
    mpfr_div(vt, vt, V[t], MPFR_RNDN);                 /* posterior variance */
    mpfr_mul_d(B, V[t - 1], l, MPFR_RNDN);
    mpfr_div(B, B, V[t], MPFR_RNDN);
    mpfr_mul(A, abar[t - 1], s2, MPFR_RNDN);
    mpfr_div(A, A, V[t], MPFR_RNDN);
    mpfr_sub_d(t1, B, at, MPFR_RNDN);                  /* B - a_t */
    long cb = mpref_cancel_bits(t1, B, t1);
    mpfr_mul(t2, t1, abar[t], MPFR_RNDN);
    mpfr_add(t3, t2, A, MPFR_RNDN);
    long cd = cb + mpref_cancel_bits(t3, t2, A);
    mpfr_mul(t3, t3, x0, MPFR_RNDN);
    mpfr_set(t2, t3, MPFR_RNDN);
    mpfr_sub_d(t3, t3, m->b[t - 1], MPFR_RNDN);        /* mean difference at x_t's mean */
    if (m->b[t - 1] != 0) cd += mpref_cancel_bits(t3, t2, t3);
    mpfr_sqr(t3, t3, MPFR_RNDN);
    mpfr_sqr(t1, t1, MPFR_RNDN);
    mpfr_mul(t1, t1, V[t], MPFR_RNDN);
    mpfr_add(t3, t3, t1, MPFR_RNDN);
    loss = 2 * lmax(cd, cb);
    mpfr_set_d(t1, m->c[t - 1], MPFR_RNDN);
    loss = lmax(loss, mp_kl(t2, vt, t1, t3, p));
    mpfr_neg(t2, t2, MPFR_RNDN);
  }
  return loss;
}

/* The ELBO: the sum of every term, losing also the cancellation of the sum
 * (exponent of sum |term| over that of the sum). */
static long lgc_elbo_eval(mpfr_t y, const void *vctx)
{
  const lgc_ctx *c = vctx;
  long logT = chain_log2(c->m->T), worst = 0, result;
  mpfr_prec_t p = chain_prec(y, logT);
  chain_moments w;
  if (moments_init(&w, c, p)) return MPREF_NOMEM;
  mpfr_t acc, absacc;
  mpfr_inits2(p, acc, absacc, (mpfr_ptr)0);
  mpfr_set_zero(acc, 1);
  mpfr_set_zero(absacc, 1);
  for (size_t term = 0; term <= c->m->T; term++) {
    worst = lmax(worst, chain_term(&w, c, term, p));
    mpfr_add(acc, acc, w.t2, MPFR_RNDN);
    mpfr_abs(w.t2, w.t2, MPFR_RNDN);
    mpfr_add(absacc, absacc, w.t2, MPFR_RNDN);
  }
  mpfr_set(y, acc, MPFR_RNDN);
  result = MPREF_SLACK + 2 * logT + worst;
  if (mpfr_regular_p(acc) && mpfr_regular_p(absacc)) result += lmax(0, (long)(mpfr_get_exp(absacc) - mpfr_get_exp(acc)));
  else if (!mpfr_zero_p(acc)) result = MPREF_SLACK;
  else result = MPREF_PREC_MAX;
  mpfr_clears(acc, absacc, (mpfr_ptr)0);
  moments_clear(&w);
  return result;
}

/* One term, KL terms reported positive; its losses are chain_term's. */
static long lgc_term_eval(mpfr_t y, const void *vctx)
{
  const lgc_ctx *c = vctx;
  long logT = chain_log2(c->m->T), result;
  mpfr_prec_t p = chain_prec(y, logT);
  chain_moments w;
  if (moments_init(&w, c, p)) return MPREF_NOMEM;
  long worst = lmax(0, chain_term(&w, c, c->which, p));
  if (c->which != 0) mpfr_neg(w.t2, w.t2, MPFR_RNDN);
  mpfr_set(y, w.t2, MPFR_RNDN);
  result = MPREF_SLACK + 2 * logT + worst;
  if (mpfr_zero_p(w.t2)) result = MPREF_PREC_MAX;
  else if (!mpfr_regular_p(w.t2)) result = MPREF_SLACK;
  moments_clear(&w);
  return result;
}

static int bad_chain(const dmc_lgc *m, double x0)
{
  if (!m || m->T < 1 || !m->lambda || !m->a || !m->b || !m->c || !isfinite(m->mT) || !isfinite(x0) ||
      !isfinite(m->vT) || !(m->vT > 0))
    return 1;
  for (size_t t = 0; t < m->T; t++)
    if (!(m->lambda[t] > 0 && m->lambda[t] < 1) || !isfinite(m->a[t]) || !isfinite(m->b[t]) ||
        !isfinite(m->c[t]) || !(m->c[t] > 0))
      return 1;
  return 0;
}

int ref_lgc_log_evidence(const dmc_lgc *m, double x0, double *logp)
{
  if (bad_chain(m, x0)) { *logp = NAN; return 1; }
  lgc_ctx ctx = { m, x0, 0 };
  return mpref_round(lgc_evidence_eval, &ctx, logp, NULL);
}

int ref_lgc_elbo(const dmc_lgc *m, double x0, double *elbo)
{
  if (bad_chain(m, x0)) { *elbo = NAN; return 1; }
  lgc_ctx ctx = { m, x0, 0 };
  return mpref_round(lgc_elbo_eval, &ctx, elbo, NULL);
}

int ref_lgc_term(const dmc_lgc *m, double x0, size_t which, double *out)
{
  if (bad_chain(m, x0) || which > m->T) { *out = NAN; return 1; }
  lgc_ctx ctx = { m, x0, which };
  return mpref_round(lgc_term_eval, &ctx, out, NULL);
}
