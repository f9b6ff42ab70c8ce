/* elbo.c -- MPFR references for D7 (src/elbo.c): the Gaussian KL, the
 * Gaussian and discretised Gaussian log-likelihoods, and the closed forms of
 * the linear-Gaussian chain (log-evidence, ELBO and each of its terms). */
#include "dmcref.h"

#include <math.h>
#include <stdlib.h>

/* Bits lost when r = a +- b cancelled: how far the larger operand's exponent
 * exceeds the result's (0 if none); a zero result cannot be bounded. */
static long canc(const mpfr_t r, const mpfr_t a, const mpfr_t b)
{
  if (mpfr_zero_p(r)) return MPREF_PREC_MAX;
  if (!mpfr_regular_p(r)) return 0;              /* inf or NaN: nothing cancelled */
  mpfr_exp_t big = mpfr_get_exp(r);
  if (mpfr_regular_p(a) && mpfr_get_exp(a) > big) big = mpfr_get_exp(a);
  if (mpfr_regular_p(b) && mpfr_get_exp(b) > big) big = mpfr_get_exp(b);
  return (long)(big - mpfr_get_exp(r));
}

static long lmax(long a, long b) { return a > b ? a : b; }

/* ---- KL(N(mu1, e^lv1) || N(mu2, e^lv2)) -------------------------------- */
typedef struct { double mu1, lv1, mu2, lv2; } kl_ctx;

static long kl_eval(mpfr_t y, const void *vctx)
{
  const kl_ctx *c = vctx;
  mpfr_prec_t p = mpfr_get_prec(y);
  mpfr_t d, e, f, g;
  mpfr_inits2(p, d, e, f, g, (mpfr_ptr)0);
  long loss = MPREF_SLACK;
  int inexact = 0; /* any rounded MPFR operation: can_round cannot certify an exact value */
  /* f = expm1(d) - d, d = lv1 - lv2 */
  inexact |= mpfr_set_d(d, c->lv1, MPFR_RNDN) != 0;
  inexact |= mpfr_sub_d(d, d, c->lv2, MPFR_RNDN) != 0;
  if (mpfr_zero_p(d)) {
    mpfr_set_zero(f, 1);
  } else {
    mpfr_expm1(e, d, MPFR_RNDN);
    mpfr_sub(f, e, d, MPFR_RNDN);
    inexact = 1; /* expm1 of a nonzero rational is irrational */
    loss += canc(f, e, d);
    if (mpfr_get_exp(d) > 0) loss += (long)mpfr_get_exp(d); /* exp's argument error */
  }
  /* g = (mu1 - mu2)^2 e^-lv2 */
  inexact |= mpfr_set_d(g, c->mu1, MPFR_RNDN) != 0;
  inexact |= mpfr_sub_d(g, g, c->mu2, MPFR_RNDN) != 0;
  if (!mpfr_zero_p(g)) {
    inexact |= mpfr_sqr(g, g, MPFR_RNDN) != 0;
    inexact |= mpfr_set_d(e, -c->lv2, MPFR_RNDN) != 0;
    inexact |= mpfr_exp(e, e, MPFR_RNDN) != 0;
    inexact |= mpfr_mul(g, g, e, MPFR_RNDN) != 0;
  }
  inexact |= mpfr_add(y, f, g, MPFR_RNDN) != 0;
  inexact |= mpfr_div_2ui(y, y, 1, MPFR_RNDN) != 0;
  mpfr_clears(d, e, f, g, (mpfr_ptr)0);
  return inexact ? loss : MPREF_EXACT;
}

int ref_gauss_kl(double mu1, double logvar1, double mu2, double logvar2, double *out)
{
  if (!isfinite(mu1) || !isfinite(logvar1) || !isfinite(mu2) || !isfinite(logvar2)) {
    *out = NAN;
    return 1;
  }
  kl_ctx c = { mu1, logvar1, mu2, logvar2 };
  return mpref_round(kl_eval, &c, out, NULL);
}

/* ---- log N(x; mean, e^lv) ---------------------------------------------- */
typedef struct { double x, mean, lv; } ll_ctx;

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
  loss += canc(y, l, q);
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
    loss += canc(s, qa, qb);
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
      loss += canc(t, s, s);
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
typedef struct {
  size_t T;
  const double *lambda, *a, *b, *c;
  double mT, vT, x0;
  int what;        /* 0 log-evidence, 1 ELBO, 2 one term */
  size_t which;
} lgc_ctx;

/* KL = (f + E2 / v2) / 2 with f = r - 1 - log r, r = v1 / v2, E2 the mean
 * square difference. Returns the bits lost to cancellation. */
static long mp_kl(mpfr_t out, const mpfr_t v1, const mpfr_t v2, const mpfr_t e2, mpfr_prec_t p)
{
  mpfr_t rm1, f, g;
  mpfr_inits2(p, rm1, f, g, (mpfr_ptr)0);
  mpfr_sub(rm1, v1, v2, MPFR_RNDN);
  long loss = canc(rm1, v1, v2);
  mpfr_div(rm1, rm1, v2, MPFR_RNDN);
  mpfr_log1p(g, rm1, MPFR_RNDN);
  mpfr_sub(f, rm1, g, MPFR_RNDN);
  if (!mpfr_zero_p(rm1)) loss += canc(f, rm1, g);
  mpfr_div(g, e2, v2, MPFR_RNDN);
  mpfr_add(out, f, g, MPFR_RNDN);
  mpfr_div_2ui(out, out, 1, MPFR_RNDN);
  mpfr_clears(rm1, f, g, (mpfr_ptr)0);
  return loss;
}

static long lgc_eval(mpfr_t y, const void *vctx)
{
  const lgc_ctx *c = vctx;
  size_t T = c->T;
  long logT = 1;
  while ((1ul << logT) <= T + 1) logT++;
  mpfr_prec_t p = mpfr_get_prec(y) + 2 * logT + 16;
  mpfr_t *abar = malloc((T + 1) * sizeof *abar), *V = malloc((T + 1) * sizeof *V);
  mpfr_t s2, t1, t2, t3, acc, absacc, x0, lam, vt, B, A;
  if (!abar || !V) { free(abar); free(V); return MPREF_DOMAIN; }
  for (size_t t = 0; t <= T; t++) { mpfr_init2(abar[t], p); mpfr_init2(V[t], p); }
  mpfr_inits2(p, s2, t1, t2, t3, acc, absacc, x0, lam, vt, B, A, (mpfr_ptr)0);
  mpfr_set_d(x0, c->x0, MPFR_RNDN);
  long worst = 0, result;
  if (c->what == 0) {
    /* backwards: M <- a M + b, S <- a^2 S + c from p(x_T) = N(mT, vT) */
    mpfr_set_d(t1, c->mT, MPFR_RNDN);
    mpfr_set_d(t2, c->vT, MPFR_RNDN);
    double growth = 0; /* log2 of the error growth of M */
    mpfr_set_d(absacc, fabs(c->mT), MPFR_RNDN);
    for (size_t t = T; t >= 1; t--) {
      mpfr_mul_d(t1, t1, c->a[t - 1], MPFR_RNDN);
      mpfr_add_d(t1, t1, c->b[t - 1], MPFR_RNDN);
      mpfr_mul_d(t2, t2, c->a[t - 1], MPFR_RNDN);
      mpfr_mul_d(t2, t2, c->a[t - 1], MPFR_RNDN);
      mpfr_add_d(t2, t2, c->c[t - 1], MPFR_RNDN);
      growth += log2(fmax(1.0, fabs(c->a[t - 1])));
      mpfr_abs(t3, t1, MPFR_RNDN);
      if (mpfr_cmp(t3, absacc) > 0) mpfr_set(absacc, t3, MPFR_RNDN);
      mpfr_set_d(t3, fabs(c->b[t - 1]), MPFR_RNDN);
      if (mpfr_cmp(t3, absacc) > 0) mpfr_set(absacc, t3, MPFR_RNDN);
    }
    mpfr_sub(t3, x0, t1, MPFR_RNDN);       /* x0 - M0 */
    if (mpfr_regular_p(t3) && mpfr_regular_p(absacc))
      worst = 2 * lmax(0, (long)(mpfr_get_exp(absacc) - mpfr_get_exp(t3)));
    worst += (long)ceil(growth);
    mpfr_sqr(t3, t3, MPFR_RNDN);
    mpfr_div(t3, t3, t2, MPFR_RNDN);
    mpfr_const_pi(acc, MPFR_RNDN);
    mpfr_mul_2ui(acc, acc, 1, MPFR_RNDN);
    mpfr_mul(acc, acc, t2, MPFR_RNDN);
    mpfr_log(acc, acc, MPFR_RNDN);
    mpfr_add(y, acc, t3, MPFR_RNDN);
    worst += canc(y, acc, t3);
    mpfr_div_2ui(y, y, 1, MPFR_RNDN);
    mpfr_neg(y, y, MPFR_RNDN);
    result = MPREF_SLACK + logT + worst;
  } else {
    /* forward moments of q(x_t | x_0) = N(abar_t x0, V_t) */
    mpfr_set_ui(abar[0], 1, MPFR_RNDN);
    mpfr_set_zero(V[0], 1);
    for (size_t t = 1; t <= T; t++) {
      double l = c->lambda[t - 1];
      mpfr_mul_d(abar[t], abar[t - 1], l, MPFR_RNDN);
      mpfr_set_d(s2, l, MPFR_RNDN);
      mpfr_sqr(s2, s2, MPFR_RNDN);
      mpfr_ui_sub(s2, 1, s2, MPFR_RNDN);             /* 1 - l^2 */
      mpfr_mul_d(V[t], V[t - 1], l, MPFR_RNDN);
      mpfr_mul_d(V[t], V[t], l, MPFR_RNDN);
      mpfr_add(V[t], V[t], s2, MPFR_RNDN);
    }
    mpfr_set_zero(acc, 1);
    mpfr_set_zero(absacc, 1);
    for (size_t term = 0; term <= T; term++) {
      /* term 0: recon; 1: kl_prior; t >= 2: the t-th KL */
      if (c->what == 2 && term != c->which) continue;
      long loss = 0;
      if (term == 0) {
        /* -log(2 pi c1)/2 - ((x0 (1 - a1 l1) - b1)^2 + a1^2 V1) / (2 c1) */
        double a1 = c->a[0], c1 = c->c[0];
        mpfr_mul_d(t1, abar[1], a1, MPFR_RNDN);
        mpfr_ui_sub(t2, 1, t1, MPFR_RNDN);
        loss = lmax(loss, 2 * canc(t2, t1, t1));
        mpfr_mul(t2, t2, x0, MPFR_RNDN);
        mpfr_sub_d(t3, t2, c->b[0], MPFR_RNDN);
        if (c->b[0] != 0) loss = lmax(loss, 2 * canc(t3, t2, t3) + 2 * canc(t2, t1, t1));
        mpfr_sqr(t3, t3, MPFR_RNDN);
        mpfr_mul_d(t1, V[1], a1, MPFR_RNDN);
        mpfr_mul_d(t1, t1, a1, MPFR_RNDN);
        mpfr_add(t3, t3, t1, MPFR_RNDN);
        mpfr_div_d(t3, t3, c1, MPFR_RNDN);
        mpfr_const_pi(t1, MPFR_RNDN);
        mpfr_mul_2ui(t1, t1, 1, MPFR_RNDN);
        mpfr_mul_d(t1, t1, c1, MPFR_RNDN);
        mpfr_log(t1, t1, MPFR_RNDN);
        mpfr_add(t2, t1, t3, MPFR_RNDN);
        loss += canc(t2, t1, t3);
        mpfr_div_2ui(t2, t2, 1, MPFR_RNDN);
        mpfr_neg(t2, t2, MPFR_RNDN);
      } else if (term == 1) {
        mpfr_set_d(t3, c->vT, MPFR_RNDN);
        mpfr_mul(t1, abar[T], x0, MPFR_RNDN);
        mpfr_sub_d(t2, t1, c->mT, MPFR_RNDN);
        if (c->mT != 0) loss = 2 * canc(t2, t1, t2);
        mpfr_sqr(t2, t2, MPFR_RNDN);
        loss += mp_kl(t2, V[T], t3, t2, p);
        mpfr_neg(t2, t2, MPFR_RNDN);
      } else {
        size_t t = term;
        double l = c->lambda[t - 1], at = c->a[t - 1];
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
        long cb = canc(t1, B, t1);
        mpfr_mul(t2, t1, abar[t], MPFR_RNDN);
        mpfr_add(t3, t2, A, MPFR_RNDN);
        long cd = cb + canc(t3, t2, A);
        mpfr_mul(t3, t3, x0, MPFR_RNDN);
        mpfr_set(t2, t3, MPFR_RNDN);
        mpfr_sub_d(t3, t3, c->b[t - 1], MPFR_RNDN);        /* mean difference at x_t's mean */
        if (c->b[t - 1] != 0) cd += canc(t3, t2, t3);
        mpfr_sqr(t3, t3, MPFR_RNDN);
        mpfr_sqr(t1, t1, MPFR_RNDN);
        mpfr_mul(t1, t1, V[t], MPFR_RNDN);
        mpfr_add(t3, t3, t1, MPFR_RNDN);
        loss = 2 * lmax(cd, cb);
        mpfr_set_d(t1, c->c[t - 1], MPFR_RNDN);
        loss = lmax(loss, mp_kl(t2, vt, t1, t3, p));
        mpfr_neg(t2, t2, MPFR_RNDN);
      }
      worst = lmax(worst, loss);
      mpfr_add(acc, acc, t2, MPFR_RNDN);
      mpfr_abs(t2, t2, MPFR_RNDN);
      mpfr_add(absacc, absacc, t2, MPFR_RNDN);
    }
    if (c->what == 2 && c->which != 0) mpfr_neg(acc, acc, MPFR_RNDN); /* KL terms are reported positive */
    mpfr_set(y, acc, MPFR_RNDN);
    result = MPREF_SLACK + 2 * logT + worst;
    if (mpfr_regular_p(acc) && mpfr_regular_p(absacc)) result += lmax(0, (long)(mpfr_get_exp(absacc) - mpfr_get_exp(acc)));
    else if (!mpfr_zero_p(acc)) result = MPREF_SLACK;
    else result = MPREF_PREC_MAX;
  }
  for (size_t t = 0; t <= T; t++) { mpfr_clear(abar[t]); mpfr_clear(V[t]); }
  mpfr_clears(s2, t1, t2, t3, acc, absacc, x0, lam, vt, B, A, (mpfr_ptr)0);
  free(abar); free(V);
  return result;
}

static int bad_chain(size_t T, const double *lambda, const double *a, const double *b,
                     const double *c, double mT, double vT, double x0)
{
  if (T < 1 || !lambda || !a || !b || !c || !isfinite(mT) || !isfinite(x0) || !isfinite(vT) || !(vT > 0))
    return 1;
  for (size_t t = 0; t < T; t++)
    if (!(lambda[t] > 0 && lambda[t] < 1) || !isfinite(a[t]) || !isfinite(b[t]) || !isfinite(c[t]) || !(c[t] > 0))
      return 1;
  return 0;
}

int ref_lgc_log_evidence(size_t T, const double *lambda, const double *a, const double *b,
                         const double *c, double mT, double vT, double x0, double *out)
{
  if (bad_chain(T, lambda, a, b, c, mT, vT, x0)) { *out = NAN; return 1; }
  lgc_ctx ctx = { T, lambda, a, b, c, mT, vT, x0, 0, 0 };
  return mpref_round(lgc_eval, &ctx, out, NULL);
}

int ref_lgc_elbo(size_t T, const double *lambda, const double *a, const double *b,
                 const double *c, double mT, double vT, double x0, double *out)
{
  if (bad_chain(T, lambda, a, b, c, mT, vT, x0)) { *out = NAN; return 1; }
  lgc_ctx ctx = { T, lambda, a, b, c, mT, vT, x0, 1, 0 };
  return mpref_round(lgc_eval, &ctx, out, NULL);
}

int ref_lgc_term(size_t T, const double *lambda, const double *a, const double *b,
                 const double *c, double mT, double vT, double x0, size_t which, double *out)
{
  if (bad_chain(T, lambda, a, b, c, mT, vT, x0) || which > T) { *out = NAN; return 1; }
  lgc_ctx ctx = { T, lambda, a, b, c, mT, vT, x0, 2, which };
  return mpref_round(lgc_eval, &ctx, out, NULL);
}
