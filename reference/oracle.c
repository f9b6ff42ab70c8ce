/* oracle.c -- MPFR references of the D10 Gaussian-mixture oracles (src/oracle.c).
 *
 * Independent formulas where the library has a choice: the denoiser by
 * Tweedie's formula (x + sigma^2 score)/alpha, the covariance from raw second
 * moments E[x x^T] - E[x] E[x]^T, the transition variance as sigma_t^2 -
 * a^2 sigma_s^2 and the reverse conditional in precision form
 * 1/var = 1/P + a^2/v. Each output is rounded under mpref's Ziv policy; the
 * bit loss bounds the absolute error by the magnitudes of the terms (the
 * logits' absolute error becomes the responsibilities' relative error). */
#include "dmcref.h"

#include <math.h>
#include <stdlib.h>

typedef struct {
  const dmc_proc *p;
  const dmc_gmm *g;
  double s, t, xs;      /* xs: the cdf's argument */
  const double *x;
  int which;
  size_t i, l;          /* output coordinate(s) or component */
} octx;

enum { O_ALPHA, O_SIGMA, O_TR_A, O_TR_V, O_LOGP, O_SCORE, O_DENOISE, O_MEAN, O_COV,
       O_PLOGW, O_PMEAN, O_PVAR, O_CDF };

static int proc_ok(const dmc_proc *p, double t)
{
  if (!p || !(t >= 0.0)) return 0;
  if (p->kind == DMC_PROC_VP) return isfinite(p->p0) && isfinite(p->p1) && p->p0 > 0 && p->p1 > 0 && t <= 1.0;
  if (p->kind == DMC_PROC_VE) return isfinite(p->p0) && p->p0 > 0 && p->p0 <= p->p1 && p->p1 <= 0x1p200 && t <= 1.0;
  if (p->kind == DMC_PROC_EDM) return t <= 0x1p200;
  return 0;
}

static int gmm_ok(const dmc_gmm *g)
{
  if (!g || !g->w || !g->mean || !g->var || g->d == 0 || g->d > DMC_GMM_D_MAX || g->k == 0) return 0;
  if (g->k > 4096 || (g->cov != DMC_GMM_ISO && g->cov != DMC_GMM_DIAG)) return 0;
  if (g->weights != DMC_WEIGHTS_LINEAR && g->weights != DMC_WEIGHTS_LOG) return 0;
  int live = 0;
  for (size_t j = 0; j < g->k; j++) {
    double w = g->w[j];
    if (g->weights == DMC_WEIGHTS_LOG ? (isnan(w) || w == INFINITY) : !(isfinite(w) && w >= 0)) return 0;
    if (g->weights == DMC_WEIGHTS_LOG ? w > -INFINITY : w > 0) live = 1;
  }
  size_t nv = g->cov == DMC_GMM_ISO ? g->k : g->k * g->d;
  for (size_t j = 0; j < nv; j++) if (!(isfinite(g->var[j]) && g->var[j] > 0)) return 0;
  for (size_t j = 0; j < g->k * g->d; j++) if (!isfinite(g->mean[j])) return 0;
  return live;
}

static double svar(const dmc_gmm *g, size_t j, size_t i)
{
  return g->cov == DMC_GMM_ISO ? g->var[j] : g->var[j * g->d + i];
}

static int live(const dmc_gmm *g, size_t j)
{
  return g->weights == DMC_WEIGHTS_LOG ? g->w[j] > -INFINITY : g->w[j] > 0;
}

/* alpha, alpha^2, sigma^2 at t; returns the exponent of the exponent's
 * argument (its absolute error is alpha's relative error). */
static mpfr_exp_t coef(const dmc_proc *p, double t, mpfr_t alpha, mpfr_t a2, mpfr_t s2, mpfr_prec_t prec)
{
  mpfr_t b, u;
  mpfr_inits2(prec, b, u, (mpfr_ptr)0);
  mpfr_exp_t e = 0;
  if (p->kind == DMC_PROC_VP) {
    mpfr_set_d(u, p->p1, MPFR_RNDN);
    mpfr_sub_d(u, u, p->p0, MPFR_RNDN);
    mpfr_mul_d(u, u, t, MPFR_RNDN);
    mpfr_mul_d(u, u, t, MPFR_RNDN);
    mpfr_div_2ui(u, u, 1, MPFR_RNDN);
    mpfr_set_d(b, p->p0, MPFR_RNDN);
    mpfr_mul_d(b, b, t, MPFR_RNDN);
    mpfr_add(b, b, u, MPFR_RNDN);            /* B(t) */
    mpfr_neg(u, b, MPFR_RNDN);
    mpfr_exp(a2, u, MPFR_RNDN);
    mpfr_expm1(s2, u, MPFR_RNDN);
    mpfr_neg(s2, s2, MPFR_RNDN);
    mpfr_sqrt(alpha, a2, MPFR_RNDN);
    e = mpref_exp_of(b);
  } else {
    mpfr_set_ui(alpha, 1, MPFR_RNDN);
    mpfr_set_ui(a2, 1, MPFR_RNDN);
    if (p->kind == DMC_PROC_VE) {          /* sigma_min^(1-t) sigma_max^t */
      mpfr_set_d(u, p->p1, MPFR_RNDN);
      mpfr_div_d(u, u, p->p0, MPFR_RNDN);
      mpfr_log(u, u, MPFR_RNDN);
      mpfr_mul_d(u, u, 2.0 * t, MPFR_RNDN);
      e = mpref_exp_of(u);
      mpfr_exp(s2, u, MPFR_RNDN);
      mpfr_mul_d(s2, s2, p->p0, MPFR_RNDN);
      mpfr_mul_d(s2, s2, p->p0, MPFR_RNDN);
    } else {
      mpfr_set_d(s2, t, MPFR_RNDN);
      mpfr_sqr(s2, s2, MPFR_RNDN);
    }
  }
  mpfr_clears(b, u, (mpfr_ptr)0);
  return e > 0 ? e : 0;
}

static long loss_of(const mpfr_t y, const mpfr_t mag, mpfr_exp_t extra)
{
  long l = mpref_bits_lost(y, mpref_exp_of(mag));
  if (l >= MPREF_PREC_MAX) return l;
  return l + MPREF_SLACK + 8 + (long)extra;
}

/* The mixture at t, x: logits, V, responsibilities, and the output asked for. */
static long mix_eval(mpfr_t y, const void *vctx)
{
  const octx *c = vctx;
  const dmc_gmm *g = c->g;
  mpfr_prec_t prec = mpfr_get_prec(y);
  size_t k = g->k, d = g->d;
  mpfr_clear_inexflag();
  mpfr_t alpha, a2, s2, tmp, tmp2, diff, v, best, lse, lws, lmag, acc, mag;
  mpfr_inits2(prec, alpha, a2, s2, tmp, tmp2, diff, v, best, lse, lws, lmag, acc, mag, (mpfr_ptr)0);
  mpfr_t *logit = malloc(k * sizeof *logit), *lw = malloc(k * sizeof *lw);
  if (!logit || !lw) {
    free(logit); free(lw);
    mpfr_clears(alpha, a2, s2, tmp, tmp2, diff, v, best, lse, lws, lmag, acc, mag, (mpfr_ptr)0);
    return MPREF_NOMEM;
  }
  for (size_t j = 0; j < k; j++) mpfr_inits2(prec, logit[j], lw[j], (mpfr_ptr)0);
  mpfr_exp_t ce = coef(c->p, c->t, alpha, a2, s2, prec);
  mpfr_set_inf(best, -1);
  mpfr_set_zero(lmag, 1);
  mpfr_const_pi(tmp2, MPFR_RNDN);
  mpfr_mul_2ui(tmp2, tmp2, 1, MPFR_RNDN);              /* 2 pi */
  for (size_t j = 0; j < k; j++) {
    if (!live(g, j)) continue;
    mpfr_set_d(lw[j], g->w[j], MPFR_RNDN);
    if (g->weights == DMC_WEIGHTS_LINEAR) mpfr_log(lw[j], lw[j], MPFR_RNDN);
    mpfr_abs(mag, lw[j], MPFR_RNDN);
    mpfr_set(logit[j], lw[j], MPFR_RNDN);
    for (size_t i = 0; i < d; i++) {
      mpfr_mul_d(v, a2, svar(g, j, i), MPFR_RNDN);
      mpfr_add(v, v, s2, MPFR_RNDN);
      mpfr_mul(tmp, v, tmp2, MPFR_RNDN);
      mpfr_log(tmp, tmp, MPFR_RNDN);
      mpfr_div_2ui(tmp, tmp, 1, MPFR_RNDN);
      mpfr_sub(logit[j], logit[j], tmp, MPFR_RNDN);
      mpfr_abs(tmp, tmp, MPFR_RNDN);
      mpfr_add(mag, mag, tmp, MPFR_RNDN);
      mpfr_mul_d(diff, alpha, g->mean[j * d + i], MPFR_RNDN);
      mpfr_abs(tmp, diff, MPFR_RNDN);
      mpfr_add_d(tmp, tmp, fabs(c->x[i]), MPFR_RNDN);
      mpfr_sqr(tmp, tmp, MPFR_RNDN);
      mpfr_div(tmp, tmp, v, MPFR_RNDN);
      mpfr_add(mag, mag, tmp, MPFR_RNDN);
      mpfr_d_sub(diff, c->x[i], diff, MPFR_RNDN);
      mpfr_sqr(diff, diff, MPFR_RNDN);
      mpfr_div(diff, diff, v, MPFR_RNDN);
      mpfr_div_2ui(diff, diff, 1, MPFR_RNDN);
      mpfr_sub(logit[j], logit[j], diff, MPFR_RNDN);
    }
    if (mpfr_cmp(mag, lmag) > 0) mpfr_set(lmag, mag, MPFR_RNDN);
    if (mpfr_cmp(logit[j], best) > 0) mpfr_set(best, logit[j], MPFR_RNDN);
  }
  /* lse of the logits and of the log weights */
  mpfr_set_zero(acc, 1);
  for (size_t j = 0; j < k; j++) {
    if (!live(g, j)) continue;
    mpfr_sub(tmp, logit[j], best, MPFR_RNDN);
    mpfr_exp(tmp, tmp, MPFR_RNDN);
    mpfr_add(acc, acc, tmp, MPFR_RNDN);
  }
  mpfr_log(lse, acc, MPFR_RNDN);
  mpfr_add(lse, lse, best, MPFR_RNDN);
  mpfr_set_zero(acc, 1);
  for (size_t j = 0; j < k; j++) {
    if (!live(g, j)) continue;
    mpfr_exp(tmp, lw[j], MPFR_RNDN);
    mpfr_add(acc, acc, tmp, MPFR_RNDN);
  }
  mpfr_log(lws, acc, MPFR_RNDN);
  mpfr_abs(tmp, lse, MPFR_RNDN);
  mpfr_add(lmag, lmag, tmp, MPFR_RNDN);              /* the logits' absolute error scale */
  mpfr_exp_t le = mpref_exp_of(lmag) > 0 ? mpref_exp_of(lmag) : 0;
  long loss = 0;
  if (c->which == O_LOGP || c->which == O_PLOGW) {
    if (c->which == O_LOGP) mpfr_sub(y, lse, lws, MPFR_RNDN);
    else if (live(g, c->i) && mpfr_cmp(logit[c->i], best) < 0) mpfr_sub(y, logit[c->i], lse, MPFR_RNDN);
    else if (live(g, c->i)) {                          /* -log1p(sum_{j != i} e^(l_j - l_i)) */
      mpfr_set_zero(acc, 1);
      for (size_t j = 0; j < k; j++) {
        if (j == c->i || !live(g, j)) continue;
        mpfr_sub(tmp, logit[j], logit[c->i], MPFR_RNDN);
        mpfr_exp(tmp, tmp, MPFR_RNDN);
        mpfr_add(acc, acc, tmp, MPFR_RNDN);
      }
      mpfr_log1p(y, acc, MPFR_RNDN);
      mpfr_neg(y, y, MPFR_RNDN);
    }
    else mpfr_set_inf(y, -1);
    mpfr_abs(tmp, lws, MPFR_RNDN);
    mpfr_add(mag, lmag, tmp, MPFR_RNDN);
    if (mpfr_inf_p(y) || (c->which == O_PLOGW && mpfr_zero_p(y))) loss = MPREF_EXACT;
    else if (c->which == O_PLOGW) loss = MPREF_SLACK + 8 + (long)le + (long)ce;  /* relative */
    else loss = loss_of(y, mag, ce);
  } else {
    /* score_i = sum_j r_j (alpha m - x)/V, with the magnitude sum_j r_j (|alpha m| + |x|)/V */
    size_t i = c->i;
    mpfr_t score, smag;
    mpfr_inits2(prec, score, smag, (mpfr_ptr)0);
    mpfr_set_zero(score, 1);
    mpfr_set_zero(smag, 1);
    for (size_t j = 0; j < k; j++) {
      if (!live(g, j)) continue;
      mpfr_sub(tmp, logit[j], lse, MPFR_RNDN);
      mpfr_exp(tmp, tmp, MPFR_RNDN);                   /* r_j */
      mpfr_mul_d(v, a2, svar(g, j, i), MPFR_RNDN);
      mpfr_add(v, v, s2, MPFR_RNDN);
      mpfr_mul_d(diff, alpha, g->mean[j * d + i], MPFR_RNDN);
      mpfr_abs(tmp2, diff, MPFR_RNDN);
      mpfr_add_d(tmp2, tmp2, fabs(c->x[i]), MPFR_RNDN);
      mpfr_mul(tmp2, tmp2, tmp, MPFR_RNDN);
      mpfr_div(tmp2, tmp2, v, MPFR_RNDN);
      mpfr_add(smag, smag, tmp2, MPFR_RNDN);
      mpfr_sub_d(diff, diff, c->x[i], MPFR_RNDN);
      mpfr_mul(diff, diff, tmp, MPFR_RNDN);
      mpfr_div(diff, diff, v, MPFR_RNDN);
      mpfr_add(score, score, diff, MPFR_RNDN);
    }
    if (c->which == O_SCORE) {
      mpfr_set(y, score, MPFR_RNDN);
      loss = loss_of(y, smag, ce + le);
    } else if (mpfr_zero_p(s2)) { /* sigma = 0: the denoiser is x/alpha */
      mpfr_d_div(y, c->x[i], alpha, MPFR_RNDN);
      loss = mpfr_cmp_ui(alpha, 1) == 0 ? MPREF_EXACT : loss_of(y, y, ce);
    } else { /* Tweedie: (x + sigma^2 score)/alpha */
      mpfr_mul(y, score, s2, MPFR_RNDN);
      mpfr_add_d(y, y, c->x[i], MPFR_RNDN);
      mpfr_div(y, y, alpha, MPFR_RNDN);
      mpfr_mul(mag, smag, s2, MPFR_RNDN);
      mpfr_add_d(mag, mag, fabs(c->x[i]), MPFR_RNDN);
      mpfr_div(mag, mag, alpha, MPFR_RNDN);
      loss = loss_of(y, mag, ce + le);
    }
    mpfr_clears(score, smag, (mpfr_ptr)0);
  }
  for (size_t j = 0; j < k; j++) mpfr_clears(logit[j], lw[j], (mpfr_ptr)0);
  free(logit); free(lw);
  mpfr_clears(alpha, a2, s2, tmp, tmp2, diff, v, best, lse, lws, lmag, acc, mag, (mpfr_ptr)0);
  return loss >= 0 && !mpfr_inexflag_p() ? MPREF_EXACT : loss;
}

/* Normalised weights into wb (k entries, initialised by the caller). */
static void weights(const dmc_gmm *g, mpfr_t *wb, mpfr_t tmp)
{
  double top = -INFINITY;                            /* log weights relative to the largest */
  for (size_t j = 0; j < g->k; j++) if (live(g, j) && g->w[j] > top) top = g->w[j];
  mpfr_set_zero(tmp, 1);
  for (size_t j = 0; j < g->k; j++) {
    if (!live(g, j)) { mpfr_set_zero(wb[j], 1); continue; }
    mpfr_set_d(wb[j], g->w[j], MPFR_RNDN);
    if (g->weights == DMC_WEIGHTS_LOG) {
      mpfr_sub_d(wb[j], wb[j], top, MPFR_RNDN);
      mpfr_exp(wb[j], wb[j], MPFR_RNDN);
    }
    mpfr_add(tmp, tmp, wb[j], MPFR_RNDN);
  }
  for (size_t j = 0; j < g->k; j++) mpfr_div(wb[j], wb[j], tmp, MPFR_RNDN);
}

/* Moments (raw second moments), the forward coefficients, the transition,
 * the reverse conditional's component law and the coordinate cdf. */
static long misc_eval(mpfr_t y, const void *vctx)
{
  const octx *c = vctx;
  const dmc_gmm *g = c->g;
  mpfr_prec_t prec = mpfr_get_prec(y);
  mpfr_clear_inexflag();
  mpfr_t alpha, a2, s2, ta, ta2, ts2, a, v, tmp, tmp2, mag, m1, m2;
  mpfr_inits2(prec, alpha, a2, s2, ta, ta2, ts2, a, v, tmp, tmp2, mag, m1, m2, (mpfr_ptr)0);
  long loss = 0;
  mpfr_exp_t ce = coef(c->p, c->which == O_ALPHA || c->which == O_SIGMA ? c->t : c->s, alpha, a2, s2, prec);
  if (c->which == O_ALPHA || c->which == O_SIGMA) {
    if (c->p->kind != DMC_PROC_VP) mpfr_clear_inexflag();  /* recomputed directly below */
    if (c->which == O_ALPHA) mpfr_set(y, alpha, MPFR_RNDN);
    else if (c->p->kind == DMC_PROC_VP) mpfr_sqrt(y, s2, MPFR_RNDN);
    else if (c->p->kind == DMC_PROC_EDM) mpfr_set_d(y, c->t, MPFR_RNDN);
    else if (c->t == 0.0 || c->t == 1.0) mpfr_set_d(y, c->t == 0.0 ? c->p->p0 : c->p->p1, MPFR_RNDN);
    else {
      mpfr_set_d(y, c->p->p1, MPFR_RNDN);
      mpfr_div_d(y, y, c->p->p0, MPFR_RNDN);
      mpfr_log(y, y, MPFR_RNDN);
      mpfr_mul_d(y, y, c->t, MPFR_RNDN);
      mpfr_exp(y, y, MPFR_RNDN);
      mpfr_mul_d(y, y, c->p->p0, MPFR_RNDN);
    }
    mpfr_set(mag, y, MPFR_RNDN);
    loss = mpfr_zero_p(y) ? MPREF_EXACT : loss_of(y, mag, ce);
    goto done;
  }
  if (c->which == O_TR_A || c->which == O_TR_V || c->which == O_PMEAN || c->which == O_PVAR) {
    mpfr_exp_t te = coef(c->p, c->t, ta, ta2, ts2, prec);
    if (te > ce) ce = te;
    mpfr_div(a, ta, alpha, MPFR_RNDN);                 /* a = alpha_t/alpha_s */
    mpfr_sqr(tmp, a, MPFR_RNDN);
    mpfr_mul(tmp, tmp, s2, MPFR_RNDN);
    mpfr_sub(v, ts2, tmp, MPFR_RNDN);                  /* v = sigma_t^2 - a^2 sigma_s^2 */
    mpfr_add(mag, ts2, tmp, MPFR_RNDN);
    long vloss = mpref_bits_lost(v, mpref_exp_of(mag));
    if (c->which == O_TR_A) {
      if (c->p->kind != DMC_PROC_VP) { mpfr_set_ui(y, 1, MPFR_RNDN); mpfr_clear_inexflag(); loss = MPREF_EXACT; goto done; }
      mpfr_set(y, a, MPFR_RNDN); loss = loss_of(y, a, ce); goto done;
    }
    if (c->which == O_TR_V) {
      if (mpfr_zero_p(v)) { mpfr_set_zero(y, 1); loss = c->s == c->t ? MPREF_EXACT : MPREF_PREC_MAX; goto done; }
      mpfr_set(y, v, MPFR_RNDN); loss = loss_of(y, mag, ce); goto done;
    }
    /* precision form: 1/var = 1/P + a^2/v, mean = var (alpha_s m/P + a x/v) */
    size_t j = c->l, i = c->i;
    mpfr_mul_d(m1, a2, svar(g, j, i), MPFR_RNDN);
    mpfr_add(m1, m1, s2, MPFR_RNDN);                   /* P */
    mpfr_ui_div(tmp, 1, m1, MPFR_RNDN);
    mpfr_sqr(tmp2, a, MPFR_RNDN);
    mpfr_div(tmp2, tmp2, v, MPFR_RNDN);
    mpfr_add(tmp, tmp, tmp2, MPFR_RNDN);
    mpfr_ui_div(m2, 1, tmp, MPFR_RNDN);                /* var */
    if (c->which == O_PVAR) { mpfr_set(y, m2, MPFR_RNDN); loss = loss_of(y, y, ce + vloss); goto done; }
    mpfr_mul_d(tmp, alpha, g->mean[j * g->d + i], MPFR_RNDN);
    mpfr_div(tmp, tmp, m1, MPFR_RNDN);
    mpfr_mul_d(tmp2, a, c->x[i], MPFR_RNDN);
    mpfr_div(tmp2, tmp2, v, MPFR_RNDN);
    mpfr_abs(mag, tmp, MPFR_RNDN);
    mpfr_add(y, tmp, tmp2, MPFR_RNDN);
    mpfr_abs(tmp2, tmp2, MPFR_RNDN);
    mpfr_add(mag, mag, tmp2, MPFR_RNDN);
    mpfr_mul(y, y, m2, MPFR_RNDN);
    mpfr_mul(mag, mag, m2, MPFR_RNDN);
    loss = mpfr_zero_p(y) ? MPREF_PREC_MAX : loss_of(y, mag, ce + vloss);
    goto done;
  }
  {
    mpfr_t *wb = malloc(g->k * sizeof *wb);
    if (!wb) { loss = MPREF_NOMEM; goto done; }
    for (size_t j = 0; j < g->k; j++) mpfr_init2(wb[j], prec);
    int coef_inexact = mpfr_inexflag_p();
    mpfr_clear_inexflag();                             /* an exactly cancelling moment is 0 */
    weights(g, wb, tmp);
    size_t d = g->d, i = c->i, l = c->l;
    if (c->which == O_CDF) {  /* sum_j w_j Phi(z_j) = sum_j w_j erfc(-z_j/sqrt 2)/2 */
      mpfr_set_zero(y, 1);
      for (size_t j = 0; j < g->k; j++) {
        if (mpfr_zero_p(wb[j])) continue;
        mpfr_mul_d(v, a2, svar(g, j, i), MPFR_RNDN);
        mpfr_add(v, v, s2, MPFR_RNDN);
        mpfr_sqrt(v, v, MPFR_RNDN);
        mpfr_mul_d(tmp, alpha, g->mean[j * d + i], MPFR_RNDN);
        mpfr_d_sub(tmp, c->xs, tmp, MPFR_RNDN);
        mpfr_div(tmp, tmp, v, MPFR_RNDN);
        mpfr_neg(tmp, tmp, MPFR_RNDN);
        mpfr_sqrt_ui(tmp2, 2, MPFR_RNDN);
        mpfr_div(tmp, tmp, tmp2, MPFR_RNDN);
        mpfr_erfc(tmp, tmp, MPFR_RNDN);
        mpfr_mul(tmp, tmp, wb[j], MPFR_RNDN);
        mpfr_add(y, y, tmp, MPFR_RNDN);
      }
      mpfr_div_2ui(y, y, 1, MPFR_RNDN);
      loss = mpfr_zero_p(y) ? MPREF_EXACT : MPREF_SLACK + 8 + (long)ce;
    } else {
      mpfr_set_zero(m1, 1); mpfr_set_zero(m2, 1); mpfr_set_zero(mag, 1);
      mpfr_set_zero(ta, 1); mpfr_set_zero(ta2, 1);
      for (size_t j = 0; j < g->k; j++) {               /* E[x_i], E[x_l], E[x_i x_l] of the data */
        mpfr_mul_d(tmp, wb[j], g->mean[j * d + i], MPFR_RNDN);
        mpfr_add(m1, m1, tmp, MPFR_RNDN);
        mpfr_abs(tmp2, tmp, MPFR_RNDN);
        mpfr_add(ta2, ta2, tmp2, MPFR_RNDN);            /* sum w |m_i| */
        mpfr_mul_d(tmp, tmp, g->mean[j * d + l], MPFR_RNDN);
        mpfr_abs(tmp, tmp, MPFR_RNDN);
        mpfr_add(mag, mag, tmp, MPFR_RNDN);             /* sum w |m_i m_l| */
        mpfr_mul_d(tmp, wb[j], g->mean[j * d + l], MPFR_RNDN);
        mpfr_add(m2, m2, tmp, MPFR_RNDN);
        mpfr_mul_d(tmp, wb[j], svar(g, j, i), MPFR_RNDN);
        mpfr_add(ta, ta, tmp, MPFR_RNDN);               /* sum w S_i */
      }
      if (c->which == O_MEAN) {
        mpfr_mul(y, m1, alpha, MPFR_RNDN);
        mpfr_mul(ta2, ta2, alpha, MPFR_RNDN);
        loss = mpfr_zero_p(y) ? (mpfr_zero_p(ta2) ? MPREF_EXACT : MPREF_PREC_MAX) : loss_of(y, ta2, ce);
      } else { /* alpha^2 (E[x_i x_l] - m_i m_l) + [i == l](alpha^2 E[S_i] + sigma^2) */
        mpfr_mul(tmp, m1, m2, MPFR_RNDN);
        mpfr_abs(tmp2, tmp, MPFR_RNDN);
        mpfr_add(tmp2, tmp2, mag, MPFR_RNDN);           /* magnitude of the raw moment terms */
        mpfr_set_zero(v, 1);
        for (size_t j = 0; j < g->k; j++) {
          mpfr_mul_d(y, wb[j], g->mean[j * d + i], MPFR_RNDN);
          mpfr_mul_d(y, y, g->mean[j * d + l], MPFR_RNDN);
          mpfr_add(v, v, y, MPFR_RNDN);
        }
        mpfr_sub(y, v, tmp, MPFR_RNDN);
        int exact_zero = mpfr_zero_p(y) && !mpfr_inexflag_p();
        mpfr_mul(y, y, a2, MPFR_RNDN);
        mpfr_mul(tmp2, tmp2, a2, MPFR_RNDN);
        if (i == l) {
          mpfr_mul(ta, ta, a2, MPFR_RNDN);
          mpfr_add(ta, ta, s2, MPFR_RNDN);
          mpfr_add(y, y, ta, MPFR_RNDN);
          mpfr_add(tmp2, tmp2, ta, MPFR_RNDN);
        }
        loss = mpfr_zero_p(y) ? (exact_zero ? MPREF_EXACT : MPREF_PREC_MAX) : loss_of(y, tmp2, ce);
      }
    }
    int alpha_exact = c->p->kind != DMC_PROC_VP || c->t == 0.0;
    if (c->which == O_MEAN && alpha_exact && !mpfr_inexflag_p()) loss = MPREF_EXACT;
    if (coef_inexact) mpfr_set_inexflag();
    for (size_t j = 0; j < g->k; j++) mpfr_clear(wb[j]);
    free(wb);
  }
done:
  mpfr_clears(alpha, a2, s2, ta, ta2, ts2, a, v, tmp, tmp2, mag, m1, m2, (mpfr_ptr)0);
  return loss >= 0 && !mpfr_inexflag_p() ? MPREF_EXACT : loss;
}

static int worst(int a, int b) { return a > b ? a : b; }

int ref_proc_coef(const dmc_proc *p, double t, double *alpha, double *sigma)
{
  if (!proc_ok(p, t)) { if (alpha) *alpha = NAN; if (sigma) *sigma = NAN; return MPREF_EDOM; }
  octx c = { p, NULL, t, t, 0, NULL, O_ALPHA, 0, 0 };
  int st = MPREF_OK;
  if (alpha) st = mpref_round(misc_eval, &c, alpha, NULL);
  c.which = O_SIGMA;
  if (sigma) st = worst(st, mpref_round(misc_eval, &c, sigma, NULL));
  return st;
}

int ref_proc_transition(const dmc_proc *p, double s, double t, double *a, double *var)
{
  if (!proc_ok(p, s) || !proc_ok(p, t) || !(s <= t)) {
    if (a) *a = NAN;
    if (var) *var = NAN;
    return MPREF_EDOM;
  }
  octx c = { p, NULL, s, t, 0, NULL, O_TR_A, 0, 0 };
  int st = MPREF_OK;
  if (a) st = mpref_round(misc_eval, &c, a, NULL);
  c.which = O_TR_V;
  if (var) st = worst(st, mpref_round(misc_eval, &c, var, NULL));
  return st;
}

static int point_ok(const dmc_proc *p, const dmc_gmm *g, double t, const double *x)
{
  if (!proc_ok(p, t) || !gmm_ok(g) || !x) return 0;
  for (size_t i = 0; i < g->d; i++) if (!isfinite(x[i])) return 0;
  return 1;
}

int ref_gmm_logpdf(const dmc_proc *p, const dmc_gmm *g, double t, const double *x, double *logp)
{
  if (!point_ok(p, g, t, x)) { *logp = NAN; return MPREF_EDOM; }
  octx c = { p, g, t, t, 0, x, O_LOGP, 0, 0 };
  return mpref_round(mix_eval, &c, logp, NULL);
}

static int per_coord(const dmc_proc *p, const dmc_gmm *g, double t, const double *x, int which, double *out)
{
  if (!point_ok(p, g, t, x)) {
    if (g && g->d <= DMC_GMM_D_MAX) for (size_t i = 0; i < g->d; i++) out[i] = NAN;
    return MPREF_EDOM;
  }
  int st = MPREF_OK;
  for (size_t i = 0; i < g->d; i++) {
    octx c = { p, g, t, t, 0, x, which, i, 0 };
    st = worst(st, mpref_round(mix_eval, &c, &out[i], NULL));
  }
  return st;
}

int ref_gmm_score(const dmc_proc *p, const dmc_gmm *g, double t, const double *x, double *score)
{
  return per_coord(p, g, t, x, O_SCORE, score);
}

int ref_gmm_denoise(const dmc_proc *p, const dmc_gmm *g, double t, const double *x, double *x0)
{
  return per_coord(p, g, t, x, O_DENOISE, x0);
}

int ref_gmm_moments(const dmc_proc *p, const dmc_gmm *g, double t, double *mean, double *cov)
{
  if (!proc_ok(p, t) || !gmm_ok(g)) return MPREF_EDOM;
  int st = MPREF_OK;
  for (size_t i = 0; i < g->d; i++) {
    octx c = { p, g, t, t, 0, NULL, O_MEAN, i, i };
    if (mean) st = worst(st, mpref_round(misc_eval, &c, &mean[i], NULL));
    c.which = O_COV;
    for (size_t l = 0; cov && l < g->d; l++) {
      c.l = l;
      st = worst(st, mpref_round(misc_eval, &c, &cov[i * g->d + l], NULL));
    }
  }
  return st;
}

int ref_gmm_posterior(const dmc_proc *p, const dmc_gmm *g, double s, double t, const double *x,
                      double *logw, double *mean, double *var)
{
  if (!point_ok(p, g, t, x) || !proc_ok(p, s) || !(s <= t)) return MPREF_EDOM;
  int st = MPREF_OK;
  for (size_t j = 0; j < g->k; j++) {
    octx c = { p, g, t, t, 0, x, O_PLOGW, j, j };
    if (logw) st = worst(st, mpref_round(mix_eval, &c, &logw[j], NULL));
    c.s = s;
    for (size_t i = 0; i < g->d; i++) {
      c.i = i;
      c.which = O_PMEAN;
      if (mean) st = worst(st, mpref_round(misc_eval, &c, &mean[j * g->d + i], NULL));
      c.which = O_PVAR;
      if (var) st = worst(st, mpref_round(misc_eval, &c, &var[j * g->d + i], NULL));
    }
  }
  return st;
}

int ref_gmm_cdf(const dmc_proc *p, const dmc_gmm *g, double t, size_t i, double x, double *cdf)
{
  if (!proc_ok(p, t) || !gmm_ok(g) || i >= g->d || isnan(x)) { *cdf = NAN; return MPREF_EDOM; }
  octx c = { p, g, t, t, x, NULL, O_CDF, i, i };
  return mpref_round(misc_eval, &c, cdf, NULL);
}
