/* oracle.c -- D10: exact Gaussian-mixture oracles under the VP, VE and EDM
 * forward processes (claims sampler.oracle.*). Everything that decides an
 * output is carried in double-double and rounded once. */
#include "dmcheck.h"
#include "alloc.h"
#include "ddmath.h"
#include "outputs.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#define SCALE_MAX 0x1p200

/* alpha, alpha^2 and sigma^2 at t. */
typedef struct { dmc_dd alpha, a2, s2; } coefs;

/* expm1(y) for any dd y: Taylor series below 1/2 (no cancellation), else e^y - 1
 * (the subtraction loses at most 1.3 bits there). */
static dmc_dd dd_expm1(dmc_dd y)
{
  if (!(fabs(y.hi) < 0.5)) return dd_sub(dd_exp(y), dd_from(1.0));
  dmc_dd term = y, sum = y;
  for (int n = 2; n < 40; n++) {
    term = dd_div_d(dd_mul(term, y), (double)n);
    sum = dd_add(sum, term);
    if (fabs(term.hi) < 0x1p-112 * fabs(sum.hi)) break;
  }
  return sum;
}

/* log1p(a) for a dd a >= 0: the alternating series below 2^-4, else log(1 + a). */
static dmc_dd dd_log1p(dmc_dd a)
{
  if (!(a.hi < 0x1p-4)) return dd_log(dd_add(dd_from(1.0), a));
  dmc_dd pw = a, sum = a;
  for (int n = 2; n < 40; n++) {
    pw = dd_neg(dd_mul(pw, a));
    dmc_dd term = dd_div_d(pw, (double)n);
    sum = dd_add(sum, term);
    if (fabs(term.hi) < 0x1p-112 * fabs(sum.hi)) break;
  }
  return sum;
}

static int valid_proc(const dmc_proc *p)
{
  if (!p) return 0;
  switch (p->kind) {
  case DMC_PROC_VP:
    return isfinite(p->p0) && isfinite(p->p1) && p->p0 > 0.0 && p->p1 > 0.0;
  case DMC_PROC_VE:
    return isfinite(p->p0) && p->p0 > 0.0 && p->p0 <= p->p1 && p->p1 <= SCALE_MAX;
  case DMC_PROC_EDM:
    return 1;
  default:
    return 0;
  }
}

static int valid_time(const dmc_proc *p, double t)
{
  if (!(t >= 0.0)) return 0;
  return p->kind == DMC_PROC_EDM ? t <= SCALE_MAX : t <= 1.0;
}

/* VP: B(t) - B(s) = beta_min (t - s) + (beta_max - beta_min)(t - s)(t + s)/2. */
static dmc_dd vp_delta_b(const dmc_proc *p, double s, double t)
{
  dmc_dd dt = dd_two_sum(t, -s), st = dd_two_sum(t, s);
  dmc_dd slope = dd_two_sum(p->p1, -p->p0);
  dmc_dd quad = dd_mul_d(dd_mul(slope, dd_mul(dt, st)), 0.5);
  return dd_add(dd_mul_d(dt, p->p0), quad);
}

/* VE: log(sigma_max / sigma_min). */
static dmc_dd ve_log_ratio(const dmc_proc *p) { return dd_log(dd_div(dd_from(p->p1), dd_from(p->p0))); }

static void coefs_at(const dmc_proc *p, double t, coefs *c)
{
  if (p->kind == DMC_PROC_VP) {
    dmc_dd b = vp_delta_b(p, 0.0, t);
    c->alpha = dd_exp(dd_mul_d(b, -0.5));
    c->a2 = dd_exp(dd_neg(b));
    c->s2 = dd_neg(dd_expm1(dd_neg(b)));
    return;
  }
  c->alpha = c->a2 = dd_from(1.0);
  if (p->kind == DMC_PROC_VE) {
    dmc_dd sig = dd_mul_d(dd_exp(dd_mul_d(ve_log_ratio(p), t)), p->p0);
    c->s2 = dd_mul(sig, sig);
  } else {
    c->s2 = dd_two_prod(t, t);
  }
}

/* Forward transition s -> t: a and v. */
static void transition_dd(const dmc_proc *p, double s, double t, dmc_dd *a, dmc_dd *v)
{
  if (p->kind == DMC_PROC_VP) {
    dmc_dd db = vp_delta_b(p, s, t);
    *a = dd_exp(dd_mul_d(db, -0.5));
    *v = dd_neg(dd_expm1(dd_neg(db)));
    return;
  }
  *a = dd_from(1.0);
  if (p->kind == DMC_PROC_VE) {
    coefs cs;
    coefs_at(p, s, &cs);
    dmc_dd dt = dd_two_sum(t, -s);
    *v = dd_mul(cs.s2, dd_expm1(dd_mul_d(dd_mul(ve_log_ratio(p), dt), 2.0)));
  } else {
    *v = dd_mul(dd_two_sum(t, -s), dd_two_sum(t, s));
  }
}

int dmc_proc_coef(const dmc_proc *p, double t, double *alpha, double *sigma)
{
  if (!alpha && !sigma) return DMC_EDOM;
  if (!valid_proc(p) || !valid_time(p, t)) return nan_out2(DMC_EDOM, alpha, sigma);
  coefs c;
  coefs_at(p, t, &c);
  if (alpha) *alpha = c.alpha.hi;
  if (sigma) *sigma = p->kind == DMC_PROC_EDM ? t : dd_sqrt(c.s2).hi;
  return DMC_OK;
}

int dmc_proc_transition(const dmc_proc *p, double s, double t, double *a, double *var)
{
  if (!a && !var) return DMC_EDOM;
  if (!valid_proc(p) || !valid_time(p, s) || !valid_time(p, t) || !(s <= t))
    return nan_out2(DMC_EDOM, a, var);
  dmc_dd da, dv;
  transition_dd(p, s, t, &da, &dv);
  if (a) *a = da.hi;
  if (var) *var = dv.hi;
  if (a && var) return checked2(a, var);
  return checked1(a ? a : var);
}

/* ---- the mixture ---------------------------------------------------------- */

static int valid_gmm(const dmc_gmm *g)
{
  if (!g || !g->w || !g->mean || !g->var) return 0;
  if (g->d == 0 || g->d > DMC_GMM_D_MAX || g->k == 0 || g->k > DMC_N_MAX / g->d) return 0;
  if (g->cov != DMC_GMM_ISO && g->cov != DMC_GMM_DIAG) return 0;
  if (g->weights != DMC_WEIGHTS_LINEAR && g->weights != DMC_WEIGHTS_LOG) return 0;
  int live = 0;
  for (size_t j = 0; j < g->k; j++) {
    double w = g->w[j];
    if (g->weights == DMC_WEIGHTS_LOG ? (isnan(w) || w == INFINITY) : !(isfinite(w) && w >= 0.0)) return 0;
    if (g->weights == DMC_WEIGHTS_LOG ? w > -INFINITY : w > 0.0) live = 1;
  }
  size_t nv = g->cov == DMC_GMM_ISO ? g->k : g->k * g->d;
  for (size_t j = 0; j < nv; j++) if (!(isfinite(g->var[j]) && g->var[j] > 0.0)) return 0;
  for (size_t j = 0; j < g->k * g->d; j++) if (!isfinite(g->mean[j])) return 0;
  return live;
}

static int finite_vec(size_t n, const double *x)
{
  if (!x) return 0;
  for (size_t i = 0; i < n; i++) if (!isfinite(x[i])) return 0;
  return 1;
}

/* d NaNs in out when the mixture says how long out is. */
static int fail_vec(int status, const dmc_gmm *g, size_t per_d, double *out)
{
  if (g && g->d <= DMC_N_MAX / (per_d ? per_d : 1)) nan_fill(g->d * per_d, out);
  return status;
}

static double var_of(const dmc_gmm *g, size_t j, size_t i)
{
  return g->cov == DMC_GMM_ISO ? g->var[j] : g->var[j * g->d + i];
}

static int dd_less(dmc_dd a, dmc_dd b) { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo); }

static dmc_dd log_weight(const dmc_gmm *g, size_t j)
{
  double w = g->w[j];
  if (g->weights == DMC_WEIGHTS_LOG) return dd_from(w);
  int e;
  double m = frexp(w, &e);
  return dd_log_scaled(m, e);
}

static int weight_live(const dmc_gmm *g, size_t j)
{
  return g->weights == DMC_WEIGHTS_LOG ? g->w[j] > -INFINITY : g->w[j] > 0.0;
}

/* log sum_j exp(l_j) over the live entries (max > -inf given). */
static dmc_dd log_sum_exp(size_t n, const dmc_dd *l, const unsigned char *live, dmc_dd max)
{
  dmc_dd sum = dd_from(0.0);
  for (size_t j = 0; j < n; j++) {
    if (!live[j]) continue;
    dmc_dd diff = dd_sub(l[j], max);
    if (diff.hi < -760.0) continue; /* below 2^-1096 of the largest term */
    sum = dd_add(sum, dd_exp(diff));
  }
  return dd_add(max, dd_log(sum));
}

/* The component posterior at (t, x): logits l_j = log w_j + log N(x; alpha m_j,
 * V_j) and their log-sum-exp. Returns DMC_OK, DMC_ENOMEM or DMC_ERANGE. */
typedef struct {
  coefs c;
  dmc_dd *logit;          /* k entries */
  unsigned char *live;    /* k entries */
  dmc_dd lse;             /* log sum_j exp(logit_j) = log p_t(x) + log sum_j w_j */
  dmc_dd logw_sum;        /* log sum_j w_j */
} posterior;

static void posterior_free(posterior *q) { free(q->logit); free(q->live); }

static dmc_dd var_dd(const coefs *c, double s) { return dd_add(dd_mul_d(c->a2, s), c->s2); }

static int posterior_at(const dmc_proc *p, const dmc_gmm *g, double t, const double *x, posterior *q)
{
  coefs_at(p, t, &q->c);
  q->logit = alloc_array(g->k, sizeof *q->logit);
  q->live = alloc_array(g->k, sizeof *q->live);
  if (!q->logit || !q->live) { posterior_free(q); return DMC_ENOMEM; }
  dmc_dd *lw = alloc_array(g->k, sizeof *lw);
  if (!lw) { posterior_free(q); return DMC_ENOMEM; }
  const dmc_dd half_log_2pi = { DMC_HALF_LOG_2PI_HI, DMC_HALF_LOG_2PI_LO };
  dmc_dd best = dd_from(-INFINITY), best_w = dd_from(-INFINITY);
  int any = 0;
  for (size_t j = 0; j < g->k; j++) {
    q->live[j] = (unsigned char)weight_live(g, j);
    if (!q->live[j]) continue;
    lw[j] = log_weight(g, j);
    if (dd_less(best_w, lw[j])) best_w = lw[j];
    dmc_dd quad = dd_from(0.0), logdet = dd_from(0.0);
    for (size_t i = 0; i < g->d; i++) {
      dmc_dd v = var_dd(&q->c, var_of(g, j, i));
      dmc_dd diff = dd_sub(dd_from(x[i]), dd_mul_d(q->c.alpha, g->mean[j * g->d + i]));
      quad = dd_add(quad, dd_div(dd_mul(diff, diff), v));
      if (g->cov == DMC_GMM_DIAG || i == 0) logdet = dd_add(logdet, dd_log(v));
    }
    if (g->cov == DMC_GMM_ISO) logdet = dd_mul_d(logdet, (double)g->d);
    dmc_dd l = dd_sub(lw[j], dd_mul_d(dd_add(quad, logdet), 0.5));
    l = dd_sub(l, dd_mul_d(half_log_2pi, (double)g->d));
    q->logit[j] = l;
    if (isnan(l.hi) || l.hi == INFINITY) { free(lw); posterior_free(q); return DMC_ERANGE; }
    if (l.hi > -INFINITY) { any = 1; if (dd_less(best, l)) best = l; }
  }
  if (!any) { free(lw); posterior_free(q); return DMC_ERANGE; }
  q->lse = log_sum_exp(g->k, q->logit, q->live, best);
  q->logw_sum = log_sum_exp(g->k, lw, q->live, best_w);
  free(lw);
  return DMC_OK;
}

/* r_j = exp(logit_j - lse), or 0 below 2^-1096. */
static int responsibility(const posterior *q, size_t j, dmc_dd *r)
{
  if (!q->live[j]) return 0;
  dmc_dd diff = dd_sub(q->logit[j], q->lse);
  if (diff.hi < -760.0) return 0;
  *r = dd_exp(diff);
  return 1;
}

static int check_point(const dmc_proc *p, const dmc_gmm *g, double t, const double *x)
{
  return valid_proc(p) && valid_time(p, t) && valid_gmm(g) && finite_vec(g->d, x);
}

int dmc_gmm_logpdf(const dmc_proc *p, const dmc_gmm *g, double t, const double *x, double *logp)
{
  if (!logp) return DMC_EDOM;
  if (!check_point(p, g, t, x)) return nan_out(DMC_EDOM, logp);
  posterior q;
  int st = posterior_at(p, g, t, x, &q);
  if (st != DMC_OK) return nan_out(st, logp);
  dmc_dd r = dd_sub(q.lse, q.logw_sum);
  *logp = r.hi + r.lo;
  posterior_free(&q);
  return isfinite(*logp) ? DMC_OK : nan_out(DMC_ERANGE, logp);
}

/* which 0: score, 1: denoiser. */
static int per_coordinate(const dmc_proc *p, const dmc_gmm *g, double t, const double *x,
                          int which, double *out)
{
  if (!out) return DMC_EDOM;
  if (!check_point(p, g, t, x)) return fail_vec(DMC_EDOM, g, 1, out);
  posterior q;
  int st = posterior_at(p, g, t, x, &q);
  if (st != DMC_OK) return fail_vec(st, g, 1, out);
  dmc_dd acc[DMC_GMM_D_MAX];
  for (size_t i = 0; i < g->d; i++) acc[i] = dd_from(0.0);
  for (size_t j = 0; j < g->k; j++) {
    dmc_dd r;
    if (!responsibility(&q, j, &r)) continue;
    for (size_t i = 0; i < g->d; i++) {
      double s = var_of(g, j, i), m = g->mean[j * g->d + i];
      dmc_dd v = var_dd(&q.c, s), num;
      if (which == 0) num = dd_sub(dd_mul_d(q.c.alpha, m), dd_from(x[i]));
      else num = dd_add(dd_mul_d(q.c.s2, m), dd_mul_d(dd_mul_d(q.c.alpha, s), x[i]));
      acc[i] = dd_add(acc[i], dd_mul(r, dd_div(num, v)));
    }
  }
  posterior_free(&q);
  for (size_t i = 0; i < g->d; i++) out[i] = acc[i].hi + acc[i].lo;
  return finite_vec(g->d, out) ? DMC_OK : fail_vec(DMC_ERANGE, g, 1, out);
}

int dmc_gmm_score(const dmc_proc *p, const dmc_gmm *g, double t, const double *x, double *score)
{
  return per_coordinate(p, g, t, x, 0, score);
}

int dmc_gmm_denoise(const dmc_proc *p, const dmc_gmm *g, double t, const double *x, double *x0)
{
  return per_coordinate(p, g, t, x, 1, x0);
}

/* Normalised weights wbar_j in dd (0 for dead components); NULL on ENOMEM. */
static dmc_dd *normalised_weights(const dmc_gmm *g)
{
  dmc_dd *lw = alloc_array(g->k, sizeof *lw);
  unsigned char *live = alloc_array(g->k, 1);
  if (!lw || !live) { free(lw); free(live); return NULL; }
  dmc_dd best = dd_from(-INFINITY);
  for (size_t j = 0; j < g->k; j++) {
    live[j] = (unsigned char)weight_live(g, j);
    if (!live[j]) continue;
    lw[j] = log_weight(g, j);
    if (dd_less(best, lw[j])) best = lw[j];
  }
  dmc_dd lse = log_sum_exp(g->k, lw, live, best);
  for (size_t j = 0; j < g->k; j++) {
    dmc_dd diff = dd_sub(lw[j], lse);
    lw[j] = live[j] && diff.hi >= -760.0 ? dd_exp(diff) : dd_from(0.0);
  }
  free(live);
  return lw;
}

int dmc_gmm_moments(const dmc_proc *p, const dmc_gmm *g, double t, double *mean, double *cov)
{
  if (!mean && !cov) return DMC_EDOM;
  if (!valid_proc(p) || !valid_time(p, t) || !valid_gmm(g)) {
    fail_vec(DMC_EDOM, g, 1, mean);
    return fail_vec(DMC_EDOM, g, g ? g->d : 0, cov);
  }
  dmc_dd *wb = normalised_weights(g);
  if (!wb) { fail_vec(DMC_ENOMEM, g, 1, mean); return fail_vec(DMC_ENOMEM, g, g->d, cov); }
  coefs c;
  coefs_at(p, t, &c);
  size_t d = g->d;
  dmc_dd mbar[DMC_GMM_D_MAX];
  for (size_t i = 0; i < d; i++) {
    mbar[i] = dd_from(0.0);
    for (size_t j = 0; j < g->k; j++) mbar[i] = dd_add(mbar[i], dd_mul_d(wb[j], g->mean[j * d + i]));
  }
  if (mean) for (size_t i = 0; i < d; i++) { dmc_dd v = dd_mul(c.alpha, mbar[i]); mean[i] = v.hi + v.lo; }
  if (cov) {
    for (size_t i = 0; i < d; i++)
      for (size_t l = i; l < d; l++) {
        dmc_dd acc = dd_from(0.0), diag = dd_from(0.0);
        for (size_t j = 0; j < g->k; j++) {
          dmc_dd ci = dd_sub(dd_from(g->mean[j * d + i]), mbar[i]);
          dmc_dd cl = dd_sub(dd_from(g->mean[j * d + l]), mbar[l]);
          acc = dd_add(acc, dd_mul(wb[j], dd_mul(ci, cl)));
          if (i == l) diag = dd_add(diag, dd_mul(wb[j], var_dd(&c, var_of(g, j, i))));
        }
        dmc_dd v = dd_add(dd_mul(c.a2, acc), diag);
        cov[i * d + l] = cov[l * d + i] = v.hi + v.lo;
      }
  }
  free(wb);
  int bad = (mean && !finite_vec(d, mean)) || (cov && !finite_vec(d * d, cov));
  if (!bad) return DMC_OK;
  fail_vec(DMC_ERANGE, g, 1, mean);
  return fail_vec(DMC_ERANGE, g, d, cov);
}

static int posterior_fail(int st, const dmc_gmm *g, double *logw, double *mean, double *var)
{
  if (g && g->k <= DMC_N_MAX) nan_fill(g->k, logw);
  if (g && g->d && g->k <= DMC_N_MAX / g->d) { nan_fill(g->k * g->d, mean); nan_fill(g->k * g->d, var); }
  return st;
}

/* log r_j = -log1p(sum_{i != j} exp(l_i - l_j)): keeps its relative accuracy
 * when r_j is within 2^-106 of 1 (where l_j - lse would round to 0). */
static double log_responsibility(const posterior *q, size_t k, size_t j)
{
  dmc_dd acc = dd_from(0.0);
  for (size_t i = 0; i < k; i++) {
    if (i == j || !q->live[i]) continue;
    dmc_dd diff = dd_sub(q->logit[i], q->logit[j]);
    if (diff.hi > 700.0) { dmc_dd l = dd_sub(q->logit[j], q->lse); return l.hi + l.lo; }
    if (diff.hi < -760.0) continue;
    acc = dd_add(acc, dd_exp(diff));
  }
  dmc_dd l = dd_neg(dd_log1p(acc));
  return l.hi + l.lo;
}

int dmc_gmm_posterior(const dmc_proc *p, const dmc_gmm *g, double s, double t, const double *x,
                      double *logw, double *mean, double *var)
{
  if (!logw && !mean && !var) return DMC_EDOM;
  if (!check_point(p, g, t, x) || !valid_time(p, s) || !(s <= t))
    return posterior_fail(DMC_EDOM, g, logw, mean, var);
  posterior q;
  int st = posterior_at(p, g, t, x, &q);
  if (st != DMC_OK) return posterior_fail(st, g, logw, mean, var);
  coefs cs;
  coefs_at(p, s, &cs);
  dmc_dd a, v;
  transition_dd(p, s, t, &a, &v);
  int bad = 0;
  for (size_t j = 0; j < g->k; j++) {
    if (logw) logw[j] = q.live[j] ? log_responsibility(&q, g->k, j) : -INFINITY;
    for (size_t i = 0; i < g->d; i++) {
      double sv = var_of(g, j, i), m = g->mean[j * g->d + i];
      dmc_dd pv = var_dd(&cs, sv);                       /* P = alpha_s^2 S + sigma_s^2 */
      dmc_dd vt = dd_add(dd_mul(dd_mul(a, a), pv), v);   /* V_t = a^2 P + v */
      dmc_dd num = dd_add(dd_mul_d(dd_mul(v, cs.alpha), m), dd_mul_d(dd_mul(a, pv), x[i]));
      dmc_dd mu = dd_div(num, vt), vv = dd_div(dd_mul(pv, v), vt);
      if (mean) mean[j * g->d + i] = mu.hi + mu.lo;
      if (var) var[j * g->d + i] = vv.hi + vv.lo;
      if (!isfinite(mu.hi) || !isfinite(vv.hi)) bad = 1;
    }
  }
  posterior_free(&q);
  return bad ? posterior_fail(DMC_ERANGE, g, logw, mean, var) : DMC_OK;
}

int dmc_gmm_cdf(const dmc_proc *p, const dmc_gmm *g, double t, size_t i, double x, double *cdf)
{
  if (!cdf) return DMC_EDOM;
  if (!valid_proc(p) || !valid_time(p, t) || !valid_gmm(g) || i >= g->d || isnan(x))
    return nan_out(DMC_EDOM, cdf);
  dmc_dd *wb = normalised_weights(g);
  if (!wb) return nan_out(DMC_ENOMEM, cdf);
  coefs c;
  coefs_at(p, t, &c);
  double lo = 0.0, hi = 0.0;   /* sum of Phi (left tails) and of Q (right tails) */
  for (size_t j = 0; j < g->k; j++) {
    double w = wb[j].hi;
    if (w == 0.0) continue;
    dmc_dd diff = dd_sub(dd_from(x), dd_mul_d(c.alpha, g->mean[j * g->d + i])); /* no cancellation error in z */
    double z = diff.hi / sqrt(var_dd(&c, var_of(g, j, i)).hi);
    lo += w * gsl_cdf_ugaussian_P(z);
    hi += w * gsl_cdf_ugaussian_Q(z);
  }
  free(wb);
  *cdf = lo <= 0.5 ? lo : 1.0 - hi; /* the smaller tail keeps its relative accuracy */
  return checked1(cdf);
}

int dmc_gmm_draw(const dmc_proc *p, const dmc_gmm *g, double t, gsl_rng *r, size_t n, double *out)
{
  if (!out) return DMC_EDOM;
  int ok = valid_proc(p) && valid_time(p, t) && valid_gmm(g) && r && n >= 1;
  size_t d = ok ? g->d : 1;
  if (!ok || n > DMC_N_MAX / d) {
    if (g && g->d && n <= DMC_N_MAX / g->d) nan_fill(n * g->d, out);
    return DMC_EDOM;
  }
  dmc_dd *wb = normalised_weights(g);
  if (!wb) { nan_fill(n * d, out); return DMC_ENOMEM; }
  coefs c;
  coefs_at(p, t, &c);
  for (size_t s = 0; s < n; s++) {
    double u = gsl_rng_uniform(r), cum = 0.0;
    size_t j = 0, last = 0;
    for (; j < g->k; j++) {
      if (wb[j].hi == 0.0) continue;
      last = j;
      cum += wb[j].hi;
      if (u < cum) break;
    }
    if (j == g->k) j = last;  /* u beyond the rounded cumulative sum */
    for (size_t i = 0; i < d; i++) {
      double sd = sqrt(var_dd(&c, var_of(g, j, i)).hi);
      out[s * d + i] = c.alpha.hi * g->mean[j * d + i] + sd * gsl_ran_gaussian_ziggurat(r, 1.0);
    }
  }
  free(wb);
  return checked_n(n * d, out);
}
