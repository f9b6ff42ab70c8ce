/* sde.c -- D6: linear forward SDEs (OU, VP), their Gaussian-mixture
 * marginals and exact scores, and the Euler-Maruyama / Heun samplers
 * (claims sde.*). */
#include "dmcheck.h"
#include "ddmath.h"
#include "outputs.h"

#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

static int finite_pos(double v) { return isfinite(v) && v > 0.0; }

static int valid_sde(const dmc_sde *s, double t)
{
  if (!s || !isfinite(t) || t < 0.0) return 0;
  if (s->kind == DMC_SDE_OU) return finite_pos(s->p0) && isfinite(s->p1) && finite_pos(s->p2);
  if (s->kind == DMC_SDE_VP) return finite_pos(s->p0) && finite_pos(s->p1) && t <= 1.0;
  return 0;
}

/* beta(t) = bmin + t (bmax - bmin) as a double-double */
static dmc_dd vp_beta(const dmc_sde *s, double t)
{
  return dd_add(dd_from(s->p0), dd_mul_d(dd_two_sum(s->p1, -s->p0), t));
}

/* B(t) = t (bmin + t (bmax - bmin) / 2) as a double-double */
static dmc_dd vp_integral(const dmc_sde *s, double t)
{
  dmc_dd half = dd_mul_d(dd_mul_d(dd_two_sum(s->p1, -s->p0), t), 0.5);
  return dd_mul_d(dd_add(dd_from(s->p0), half), t);
}

int dmc_sde_drift(const dmc_sde *sde, double t, double x, double *f)
{
  if (!f) return DMC_EDOM;
  if (!valid_sde(sde, t) || !isfinite(x)) return nan_out(DMC_EDOM, f);
  if (sde->kind == DMC_SDE_OU)
    *f = dd_mul_d(dd_two_sum(sde->p1, -x), sde->p0).hi;
  else
    *f = dd_mul_d(vp_beta(sde, t), -0.5 * x).hi;
  if (*f == 0.0) *f = 0.0; /* no -0 */
  return checked1(f);
}

int dmc_sde_diffusion(const dmc_sde *sde, double t, double *g)
{
  if (!g) return DMC_EDOM;
  if (!valid_sde(sde, t)) return nan_out(DMC_EDOM, g);
  *g = sde->kind == DMC_SDE_OU ? sde->p2 : dd_sqrt(vp_beta(sde, t)).hi;
  return checked1(g);
}

/* exp(-(u.hi + u.lo)) and -expm1(-(u.hi + u.lo)) to first order in u.lo
 * (u.hi = +inf, where an overflowed product left u.lo inf or NaN: 0 and 1) */
static double exp_neg(dmc_dd u)
{
  double e = exp(-u.hi);
  return isfinite(u.hi) ? e - e * u.lo : e;
}
static double one_minus_exp_neg(dmc_dd u)
{
  return isfinite(u.hi) ? -expm1(-u.hi) + exp(-u.hi) * u.lo : -expm1(-u.hi);
}

int dmc_sde_marginal(const dmc_sde *sde, double t, double *a, double *b, double *sd)
{
  if (!a || !b || !sd || !valid_sde(sde, t)) return nan_out3(DMC_EDOM, a, b, sd);
  if (sde->kind == DMC_SDE_OU) {
    dmc_dd u = dd_two_prod(sde->p0, t);        /* theta t */
    dmc_dd u2 = { 2.0 * u.hi, 2.0 * u.lo };
    *a = exp_neg(u);
    *b = sde->p1 * one_minus_exp_neg(u);
    if (*b == 0.0) *b = 0.0;
    /* s sqrt((1 - e^{-2 theta t}) / (2 theta)); for theta > DBL_MAX/2 as
     * s sqrt((1 - e^{-2 theta t})/2) / sqrt(theta), where 2 theta overflows */
    if (sde->p0 <= 0x1p1022) {
      double q = one_minus_exp_neg(u2) / (2.0 * sde->p0);
      *sd = sde->p2 * sqrt(q);
    } else {
      *sd = sde->p2 * (sqrt(0.5 * one_minus_exp_neg(u2)) / sqrt(sde->p0));
    }
  } else {
    dmc_dd B = vp_integral(sde, t);
    dmc_dd half = { 0.5 * B.hi, 0.5 * B.lo };
    *a = exp_neg(half);
    *b = 0.0;
    *sd = sqrt(one_minus_exp_neg(B));
  }
  return checked3(a, b, sd);
}

static int valid_mixture(const dmc_mixture *d, double *wsum)
{
  if (!d || d->n == 0 || d->n > DMC_N_MAX || !d->w || !d->mu || !d->var) return 0;
  double s = 0.0;
  for (size_t i = 0; i < d->n; i++) {
    if (!isfinite(d->w[i]) || d->w[i] < 0.0 || !isfinite(d->mu[i]) || !finite_pos(d->var[i]))
      return 0;
    s += d->w[i];
  }
  *wsum = s;
  return finite_pos(s);
}

/* Component i of p_t: mean and variance. */
static void component(double a, double b, double sd, const dmc_mixture *d, size_t i,
                      double *m, double *v)
{
  *m = a * d->mu[i] + b;
  *v = a * a * d->var[i] + sd * sd;
}

/* Responsibility-weighted score and density of p_t at x, with log-sum-exp. */
static int mixture_eval(const dmc_sde *sde, const dmc_mixture *d, double t, double x,
                        double *score, double *pdf)
{
  double wsum, a, b, sd;
  if (!valid_mixture(d, &wsum) || !isfinite(x) || dmc_sde_marginal(sde, t, &a, &b, &sd) != DMC_OK)
    return DMC_EDOM;
  double lmax = -INFINITY;
  for (size_t i = 0; i < d->n; i++) {
    if (d->w[i] == 0.0) continue;
    double m, v;
    component(a, b, sd, d, i, &m, &v);
    double l = log(d->w[i] / wsum) - 0.5 * log(2.0 * 3.14159265358979323846 * v) - 0.5 * (x - m) * (x - m) / v;
    if (l > lmax) lmax = l;
  }
  double z = 0.0, s = 0.0;
  for (size_t i = 0; i < d->n; i++) {
    if (d->w[i] == 0.0) continue;
    double m, v;
    component(a, b, sd, d, i, &m, &v);
    double l = log(d->w[i] / wsum) - 0.5 * log(2.0 * 3.14159265358979323846 * v) - 0.5 * (x - m) * (x - m) / v;
    double e = exp(l - lmax);
    z += e;
    s += e * (m - x) / v;
  }
  if (score) *score = s / z;
  if (pdf) *pdf = exp(lmax) * z;
  /* densities that under- or overflow in double (0/0, inf - inf) */
  if ((score && isnan(*score)) || (pdf && isnan(*pdf))) return DMC_ERANGE;
  return DMC_OK;
}

int dmc_mixture_marginal_score(const dmc_sde *sde, const dmc_mixture *data, double t,
                               double x, double *score)
{
  if (!score) return DMC_EDOM;
  int st = mixture_eval(sde, data, t, x, score, NULL);
  return st == DMC_OK ? st : nan_out(st, score);
}

int dmc_mixture_marginal_pdf(const dmc_sde *sde, const dmc_mixture *data, double t,
                             double x, double *pdf)
{
  if (!pdf) return DMC_EDOM;
  int st = mixture_eval(sde, data, t, x, NULL, pdf);
  return st == DMC_OK ? st : nan_out(st, pdf);
}

int dmc_mixture_marginal_cdf(const dmc_sde *sde, const dmc_mixture *data, double t,
                             double x, double *cdf)
{
  if (!cdf) return DMC_EDOM;
  double wsum, a, b, sd;
  if (!valid_mixture(data, &wsum) || !isfinite(x) || dmc_sde_marginal(sde, t, &a, &b, &sd) != DMC_OK) {
    *cdf = NAN;
    return DMC_EDOM;
  }
  double c = 0.0;
  for (size_t i = 0; i < data->n; i++) {
    double m, v;
    component(a, b, sd, data, i, &m, &v);
    c += data->w[i] / wsum * gsl_cdf_ugaussian_P((x - m) / sqrt(v));
  }
  *cdf = c;
  return checked1(cdf);
}

int dmc_mixture_marginal_draw(const dmc_sde *sde, const dmc_mixture *data, double t,
                              gsl_rng *r, double *x)
{
  if (!x) return DMC_EDOM;
  double wsum, a, b, sd;
  if (!r || !valid_mixture(data, &wsum) || dmc_sde_marginal(sde, t, &a, &b, &sd) != DMC_OK) {
    *x = NAN;
    return DMC_EDOM;
  }
  double u = gsl_rng_uniform(r) * wsum, acc = 0.0;
  size_t k = data->n - 1;
  for (size_t i = 0; i < data->n; i++) {
    acc += data->w[i];
    if (u < acc) { k = i; break; }
  }
  while (data->w[k] == 0.0 && k > 0) k--; /* u landed past the sum's rounding */
  double m, v;
  component(a, b, sd, data, k, &m, &v);
  *x = m + sqrt(v) * gsl_ran_gaussian_ziggurat(r, 1.0);
  return checked1(x);
}

int dmc_exact_score_fn(void *ctx, double t, double x, double *score)
{
  const dmc_exact_score *e = ctx;
  if (!e) { if (score) *score = NAN; return DMC_EDOM; }
  return dmc_mixture_marginal_score(&e->sde, &e->data, t, x, score);
}

int dmc_mixture_init_fn(void *ctx, gsl_rng *r, double *x)
{
  const dmc_mixture_at *m = ctx;
  if (!m) { if (x) *x = NAN; return DMC_EDOM; }
  return dmc_mixture_marginal_draw(&m->sde, &m->data, m->t, r, x);
}

/* F(x,t) = f - c g^2 s: c = 1 for the reverse SDE, 1/2 for the flow. */
static int reverse_drift(const dmc_sde *sde, double t, double x, double c,
                         dmc_score_fn score, void *ctx, double *F, double *g)
{
  double f, s;
  int st = dmc_sde_drift(sde, t, x, &f);
  if (st == DMC_OK) st = dmc_sde_diffusion(sde, t, g);
  if (st == DMC_OK) st = score(ctx, t, x, &s);
  if (st != DMC_OK) return st;
  *F = f - c * (*g) * (*g) * s;
  return isfinite(*F) ? DMC_OK : DMC_ERANGE;
}

int dmc_sde_path(const dmc_sde *sde, int method, double t0, double t1, size_t nsteps,
                 dmc_score_fn score, void *score_ctx, gsl_rng *r, double *x)
{
  if (!x) return DMC_EDOM;
  int ok = valid_sde(sde, t0) && valid_sde(sde, t1) && nsteps > 0 && isfinite(*x);
  if (method == DMC_EM_FORWARD) ok = ok && t1 > t0 && r;
  else if (method == DMC_EM_REVERSE) ok = ok && t1 < t0 && r && score;
  else if (method == DMC_HEUN_FLOW) ok = ok && t1 < t0 && score;
  else ok = 0;
  if (!ok) { *x = NAN; return DMC_EDOM; }
  double h = fabs(t1 - t0) / (double)nsteps, sh = sqrt(h), y = *x;
  int st = DMC_OK;
  for (size_t k = 0; k < nsteps && st == DMC_OK; k++) {
    double f, g, F, F2, g2;
    if (method == DMC_EM_FORWARD) {
      double t = t0 + (double)k * h;
      st = dmc_sde_drift(sde, t, y, &f);
      if (st == DMC_OK) st = dmc_sde_diffusion(sde, t, &g);
      if (st == DMC_OK) y += f * h + g * sh * gsl_ran_gaussian_ziggurat(r, 1.0);
    } else {
      double t = t0 - (double)k * h, tn = k + 1 == nsteps ? t1 : t0 - (double)(k + 1) * h;
      if (method == DMC_EM_REVERSE) {
        st = reverse_drift(sde, t, y, 1.0, score, score_ctx, &F, &g);
        if (st == DMC_OK) y += -F * h + g * sh * gsl_ran_gaussian_ziggurat(r, 1.0);
      } else {
        st = reverse_drift(sde, t, y, 0.5, score, score_ctx, &F, &g);
        if (st == DMC_OK) st = reverse_drift(sde, tn, y - h * F, 0.5, score, score_ctx, &F2, &g2);
        if (st == DMC_OK) y -= 0.5 * h * (F + F2);
      }
    }
    if (st == DMC_OK && !isfinite(y)) st = DMC_ERANGE;
  }
  *x = st == DMC_OK ? y : NAN;
  return st;
}

typedef struct { const dmc_sampler *s; size_t n; double *out; } sample_job;

static int sample_block(void *vctx, size_t block, gsl_rng *r)
{
  const sample_job *j = vctx;
  size_t lo = block * DMC_SAMPLE_BLOCK, hi = lo + DMC_SAMPLE_BLOCK;
  if (hi > j->n) hi = j->n;
  for (size_t i = lo; i < hi; i++) {
    double x;
    int st = j->s->init(j->s->init_ctx, r, &x);
    if (st == DMC_OK)
      st = dmc_sde_path(j->s->sde, j->s->method, j->s->t0, j->s->t1, j->s->nsteps,
                        j->s->score, j->s->score_ctx, r, &x);
    j->out[i] = x;
    if (st != DMC_OK) return st;
  }
  return DMC_OK;
}

int dmc_sde_sample(const dmc_sampler *s, size_t n, unsigned nthreads, uint64_t seed,
                   double *out)
{
  if (!out) return DMC_EDOM;
  if (!s || !s->init || n == 0 || n > DMC_N_MAX) {
    nan_fill(n, out);
    return DMC_EDOM;
  }
  sample_job job = { s, n, out };
  size_t nblocks = (n + DMC_SAMPLE_BLOCK - 1) / DMC_SAMPLE_BLOCK;
  int st = dmc_run_blocks(nblocks, nthreads, seed, sample_block, &job);
  if (st == DMC_OK) st = checked_n(n, out);
  if (st != DMC_OK) nan_fill(n, out);
  return st;
}
