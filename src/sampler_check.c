/* sampler_check.c -- D10: a candidate sampler's sample sets against the exact
 * Gaussian-mixture target (claims sampler.check.*). dmcheck.h documents the
 * tests, their thresholds and the verdict. */
#include "dmcheck.h"
#include "alloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

#define Z_ORDER 5.0
/* The order is fitted on the ORDER_FIT_MAX significant differences with the
 * most steps, and its interval widened by ORDER_TOL for the higher-order
 * terms that remain at finite N. */
#define ORDER_FIT_MAX 3
#define ORDER_TOL 0.25

/* Exact per-coordinate law of p_t: mixture weights, component means and
 * variances, the coordinate means, variances, E[x^2] and Var[x^2]. */
typedef struct {
  size_t k, d;
  double *w, *a, *v;              /* k, k*d, k*d */
  double *mu, *var, *m2, *m2var;  /* d each */
  double f_exact, h2;
} exact_law;

static void law_free(exact_law *L) { free(L->w); free(L->a); free(L->v); free(L->mu); }

static int law_of(const dmc_proc *p, const dmc_gmm *g, double t, exact_law *L)
{
  double alpha, sigma;
  int st = dmc_proc_coef(p, t, &alpha, &sigma);
  if (st != DMC_OK) return st;
  size_t k = g->k, d = g->d;
  L->k = k; L->d = d;
  L->w = alloc_array(k, sizeof(double));
  L->a = alloc_array(k * d, sizeof(double));
  L->v = alloc_array(k * d, sizeof(double));
  L->mu = alloc_array(4 * d, sizeof(double));
  if (!L->w || !L->a || !L->v || !L->mu) { law_free(L); return DMC_ENOMEM; }
  L->var = L->mu + d; L->m2 = L->mu + 2 * d; L->m2var = L->mu + 3 * d;
  double top = -INFINITY, sum = 0.0;
  for (size_t j = 0; j < k; j++) if (g->weights == DMC_WEIGHTS_LOG && g->w[j] > top) top = g->w[j];
  for (size_t j = 0; j < k; j++) {
    L->w[j] = g->weights == DMC_WEIGHTS_LOG ? exp(g->w[j] - top) : g->w[j];
    sum += L->w[j];
  }
  for (size_t j = 0; j < k; j++) L->w[j] /= sum;
  L->f_exact = 0.0; L->h2 = 0.0;
  for (size_t i = 0; i < d; i++) {
    double m1 = 0.0, m2 = 0.0, m4 = 0.0;
    for (size_t j = 0; j < k; j++) {
      double s = g->cov == DMC_GMM_ISO ? g->var[j] : g->var[j * d + i];
      double a = alpha * g->mean[j * d + i], v = alpha * alpha * s + sigma * sigma;
      L->a[j * d + i] = a; L->v[j * d + i] = v;
      m1 += L->w[j] * a;
      m2 += L->w[j] * (a * a + v);
      m4 += L->w[j] * (a * a * a * a + 6 * a * a * v + 3 * v * v);
    }
    L->mu[i] = m1; L->m2[i] = m2;
    L->var[i] = m2 - m1 * m1;
    L->m2var[i] = m4 - m2 * m2;
    L->f_exact += m2 / (double)d;
    L->h2 += L->var[i];
  }
  return DMC_OK;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Gaussian kernel exp(-|x-y|^2/(2 h2)) averaged over y ~ N(a, diag v) of
 * component j (closed form). */
static double kernel_mean(const exact_law *L, size_t j, const double *x)
{
  double lp = 0.0;
  for (size_t i = 0; i < L->d; i++) {
    double s = L->h2 + L->v[j * L->d + i], e = x[i] - L->a[j * L->d + i];
    lp += 0.5 * log(L->h2 / s) - e * e / (2.0 * s);
  }
  return exp(lp);
}

/* One-sample MMD^2 U-statistic of rows x[0..n-1] against the mixture. */
static double mmd2(const exact_law *L, size_t n, const double *x)
{
  size_t d = L->d;
  double pair = 0.0, cross = 0.0, self = 0.0;
  for (size_t r = 0; r < n; r++) {
    for (size_t q = r + 1; q < n; q++) {
      double s = 0.0;
      for (size_t i = 0; i < d; i++) { double e = x[r * d + i] - x[q * d + i]; s += e * e; }
      pair += exp(-s / (2.0 * L->h2));
    }
    for (size_t j = 0; j < L->k; j++) cross += L->w[j] * kernel_mean(L, j, &x[r * d]);
  }
  for (size_t j = 0; j < L->k; j++)
    for (size_t l = 0; l < L->k; l++) {
      double lp = 0.0;
      for (size_t i = 0; i < d; i++) {
        double s = L->h2 + L->v[j * d + i] + L->v[l * d + i], e = L->a[j * d + i] - L->a[l * d + i];
        lp += 0.5 * log(L->h2 / s) - e * e / (2.0 * s);
      }
      self += L->w[j] * L->w[l] * exp(lp);
    }
  return 2.0 * pair / ((double)n * (double)(n - 1)) - 2.0 * cross / (double)n + self;
}

#define MMD_NMAX 600

/* The cdf of coordinate i of p_t, sum_j w_j Phi((x - a_j)/sqrt(v_j)), with
 * GSL's normal cdf (absolute error a few 1e-16, far below any KS threshold;
 * dmc_gmm_cdf's double-double evaluation cost 90% of the check's time). */
static double mixture_cdf(const exact_law *L, size_t i, double x)
{
  double F = 0.0;
  for (size_t j = 0; j < L->k; j++)
    F += L->w[j] * gsl_cdf_ugaussian_P((x - L->a[j * L->d + i]) / sqrt(L->v[j * L->d + i]));
  return F;
}

/* The distribution tests and fbar of one set; col: scratch of n doubles. */
static void test_set(const exact_law *L, size_t n, const double *x, double alpha_test, double *col,
                     dmc_sampler_set *r)
{
  size_t d = L->d;
  r->ks = 0.0; r->ks_coord = 0; r->mean_z = r->m2_z = 0.0;
  r->ks_thr = sqrt(log(2.0 / alpha_test) / (2.0 * (double)n));
  r->z_thr = gsl_cdf_ugaussian_Qinv(alpha_test / 2.0);
  for (size_t i = 0; i < d; i++) {
    double s1 = 0.0, s2 = 0.0;
    for (size_t q = 0; q < n; q++) { col[q] = x[q * d + i]; s1 += col[q]; s2 += col[q] * col[q]; }
    double zm = (s1 / (double)n - L->mu[i]) / sqrt(L->var[i] / (double)n);
    double z2 = (s2 / (double)n - L->m2[i]) / sqrt(L->m2var[i] / (double)n);
    if (fabs(zm) > fabs(r->mean_z)) r->mean_z = zm;
    if (fabs(z2) > fabs(r->m2_z)) r->m2_z = z2;
    qsort(col, n, sizeof *col, cmp_double);
    for (size_t q = 0; q < n; q++) {
      double F = mixture_cdf(L, i, col[q]);
      double dq = fmax((double)(q + 1) / (double)n - F, F - (double)q / (double)n);
      if (dq > r->ks) { r->ks = dq; r->ks_coord = i; }
    }
  }
  size_t nm = n < MMD_NMAX ? n : MMD_NMAX;
  r->mmd2 = mmd2(L, nm, x);
  r->mmd2_thr = sqrt(8.0 * log(1.0 / alpha_test) / (double)nm);
  double fs = 0.0, fs2 = 0.0;
  for (size_t q = 0; q < n; q++) {
    double f = 0.0;
    for (size_t i = 0; i < d; i++) f += x[q * d + i] * x[q * d + i];
    f /= (double)d;
    fs += f; fs2 += f * f;
  }
  r->f_mean = fs / (double)n;
  /* |x|^4 may overflow where |x|^2 does not (a diverging sampler): se = inf, not 0 */
  r->f_se = isfinite(fs2) ? sqrt(fmax(fs2 / (double)n - r->f_mean * r->f_mean, 0.0) / (double)(n - 1)) : INFINITY;
  r->pass = r->ks <= r->ks_thr && fabs(r->mean_z) <= r->z_thr && fabs(r->m2_z) <= r->z_thr &&
            r->mmd2 <= r->mmd2_thr;
}

/* Standard error of mean(c1 f(x_a) - c2 f(x_b)) over paired rows. */
static double paired_se(size_t n, size_t d, const double *xa, const double *xb, double c1, double c2)
{
  double s = 0.0, s2 = 0.0;
  for (size_t q = 0; q < n; q++) {
    double fa = 0.0, fb = 0.0;
    for (size_t i = 0; i < d; i++) { fa += xa[q * d + i] * xa[q * d + i]; fb += xb[q * d + i] * xb[q * d + i]; }
    double u = (c1 * fa - c2 * fb) / (double)d;
    s += u; s2 += u * u;
  }
  double m = s / (double)n;
  return sqrt(fmax(s2 / (double)n - m * m, 0.0) / (double)(n - 1));
}

static void report_nan(dmc_sampler_report *rep)
{
  if (!rep) return;
  rep->alpha = rep->f_exact = rep->order = rep->order_lo = rep->order_hi = NAN;
  rep->limit = rep->limit_se = NAN;
  rep->order_resolved = rep->order_ok = rep->limit_ok = rep->consistent = 0;
  rep->nsig = 0;
  for (size_t s = 0; s < DMC_SAMPLER_SETS_MAX; s++) {
    dmc_sampler_set *r = &rep->set[s];
    r->nsteps = r->n = r->ks_coord = 0;
    r->ks = r->ks_thr = r->mean_z = r->m2_z = r->z_thr = r->mmd2 = r->mmd2_thr = NAN;
    r->f_mean = r->f_se = r->diff = r->diff_se = NAN;
    r->pass = 0;
  }
}

static int valid_sets(const dmc_gmm *g, size_t nsets, const size_t *nsteps, const size_t *n,
                      const double *const *x)
{
  if (nsets < 2 || nsets > DMC_SAMPLER_SETS_MAX || !nsteps || !n || !x) return 0;
  for (size_t s = 0; s < nsets; s++) {
    if (!x[s] || n[s] < 10 || nsteps[s] == 0 || n[s] > DMC_N_MAX / g->d) return 0;
    for (size_t q = 0; q < n[s] * g->d; q++) if (!isfinite(x[s][q])) return 0;
    for (size_t u = 0; u < s; u++) if (nsteps[u] == nsteps[s]) return 0;
  }
  return 1;
}

int dmc_sampler_check(const dmc_proc *p, const dmc_gmm *g, double t, size_t nsets,
                      const size_t *nsteps, const size_t *n, const double *const *x,
                      int paired, double order, double alpha, dmc_sampler_report *rep)
{
  if (!rep) return DMC_EDOM;
  report_nan(rep);
  /* dmc_gmm_moments validates the process, t and the mixture */
  double *mean = g && g->d >= 1 && g->d <= DMC_GMM_D_MAX ? alloc_array(g->d, sizeof *mean) : NULL;
  int ok = mean && dmc_gmm_moments(p, g, t, mean, NULL) == DMC_OK;
  free(mean);
  if (!ok || !valid_sets(g, nsets, nsteps, n, x) || !(order > 0.0 && order <= 8.0) ||
      !(alpha > 0.0 && alpha <= 1e-6))
    return DMC_EDOM;
  exact_law L;
  int st = law_of(p, g, t, &L);
  if (st != DMC_OK) return st;
  size_t idx[DMC_SAMPLER_SETS_MAX], nmax = 0;
  for (size_t s = 0; s < nsets; s++) {
    idx[s] = s;
    if (n[s] > nmax) nmax = n[s];
  }
  for (size_t s = 1; s < nsets; s++)          /* insertion sort by steps */
    for (size_t u = s; u > 0 && nsteps[idx[u - 1]] > nsteps[idx[u]]; u--) {
      size_t tmp = idx[u]; idx[u] = idx[u - 1]; idx[u - 1] = tmp;
    }
  double *col = alloc_array(nmax, sizeof *col);
  if (!col) { law_free(&L); return DMC_ENOMEM; }
  double alpha_test = alpha / (double)(3 * g->d + 1);
  for (size_t s = 0; s < nsets; s++) {
    size_t j = idx[s];
    rep->set[s].nsteps = nsteps[j];
    rep->set[s].n = n[j];
    test_set(&L, n[j], x[j], alpha_test, col, &rep->set[s]);
  }
  free(col);
  rep->alpha = alpha;
  rep->f_exact = L.f_exact;
  /* successive differences and the fitted order */
  for (size_t s = 0; s + 1 < nsets; s++) {
    size_t a = idx[s], b = idx[s + 1];
    rep->set[s].diff = rep->set[s].f_mean - rep->set[s + 1].f_mean;
    rep->set[s].diff_se = paired && n[a] == n[b] ? paired_se(n[a], g->d, x[a], x[b], 1.0, 1.0)
                          : hypot(rep->set[s].f_se, rep->set[s + 1].f_se);
  }
  double su = 0, sv = 0, sw = 0, suu = 0, suv = 0;
  for (size_t s = nsets - 1; s-- > 0 && rep->nsig < ORDER_FIT_MAX;) {   /* from the most steps down */
    size_t a = idx[s];
    double D = rep->set[s].diff, se = rep->set[s].diff_se;
    if (!(fabs(D) > Z_ORDER * se)) continue;
    double u = log((double)nsteps[a]), v = log(fabs(D)), w = (D / se) * (D / se);
    su += w * u; sv += w * v; sw += w; suu += w * u * u; suv += w * u * v;
    rep->nsig++;
  }
  if (rep->nsig >= 2) {
    double ub = su / sw, den = suu - sw * ub * ub;
    double slope = (suv - su * sv / sw) / den;
    double se = sqrt(1.0 / den);
    rep->order = -slope;
    rep->order_lo = -slope - Z_ORDER * se - ORDER_TOL;
    rep->order_hi = -slope + Z_ORDER * se + ORDER_TOL;
    rep->order_resolved = 1;
    rep->order_ok = rep->order_lo <= order && order <= rep->order_hi;
  } else {
    rep->order_ok = 1;
  }
  /* Richardson limit from the last two sets */
  size_t pa = idx[nsets - 2], la = idx[nsets - 1];
  double rr = pow((double)nsteps[la] / (double)nsteps[pa], order) - 1.0;
  double c1 = 1.0 + 1.0 / rr, c2 = 1.0 / rr;
  const dmc_sampler_set *prev = &rep->set[nsets - 2], *last = &rep->set[nsets - 1];
  rep->limit = c1 * last->f_mean - c2 * prev->f_mean;
  rep->limit_se = paired && n[pa] == n[la] ? paired_se(n[la], g->d, x[la], x[pa], c1, c2)
                  : hypot(c1 * last->f_se, c2 * prev->f_se);
  rep->limit_ok = isfinite(rep->limit_se) && fabs(rep->limit - L.f_exact) <= Z_ORDER * rep->limit_se;
  rep->consistent = last->pass && rep->limit_ok && rep->order_ok;
  law_free(&L);
  return DMC_OK;
}
