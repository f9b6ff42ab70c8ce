/* test_tweedie.c -- D2: src/tweedie.c against reference/tweedie.c (claims tweedie.*). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dmcheck.h"
#include "dmcref.h"
#include "prop.h"
#include <time.h>

#define PROGRAM "test_tweedie"
#define N_SCALAR 100000
#define N_MIX 15000
#define N_UNIF 4000
#define MIX_MAX 5

typedef prop_fixture fixture;

static double uniform_in(gsl_rng *r, double lo, double hi) { return lo + (hi - lo) * gsl_rng_uniform(r); }

/* ---- dmc_tweedie_mean ------------------------------------------------------ */

static const char *const names_mean[] = { "x_t", "mu_t", "sigma_t", "score" };

/* Five regions, cycling with i: ordinary; scales over 10^+-300; heavy
 * cancellation of x_t + sigma^2 score; arbitrary bit patterns; zeros and
 * subnormal sigma. */
static void draw_mean(gsl_rng *r, unsigned long i, double *in)
{
  double *x = &in[0], *mu = &in[1], *sigma = &in[2], *score = &in[3];
  switch (i % 5) {
  case 0:
    *x = uniform_in(r, -10, 10);
    *mu = prop_log_uniform(r, -3, 0, 1);
    *sigma = prop_log_uniform(r, -3, 2, 0);
    *score = uniform_in(r, -10, 10) / *sigma;
    break;
  case 1:
    *x = prop_log_uniform(r, -300, 300, 1);
    *mu = prop_log_uniform(r, -300, 300, 1);
    *sigma = prop_log_uniform(r, -150, 150, 0);
    *score = prop_log_uniform(r, -300, 300, 1);
    break;
  case 2: {
    *x = prop_log_uniform(r, -20, 20, 1);
    *mu = prop_log_uniform(r, -3, 3, 1);
    *sigma = prop_log_uniform(r, -20, 20, 0);
    double eps = prop_log_uniform(r, -17, -1, 1);
    *score = -*x / (*sigma * *sigma) * (1 + eps);
    break;
  }
  case 3:
    *x = prop_any_finite(r);
    do *mu = prop_any_finite(r); while (*mu == 0);
    do *sigma = fabs(prop_any_finite(r)); while (!(*sigma > 0));
    *score = prop_any_finite(r);
    break;
  default:
    *x = gsl_rng_uniform(r) < 0.5 ? 0.0 : uniform_in(r, -1, 1);
    *mu = prop_log_uniform(r, -2, 2, 1);
    *sigma = prop_log_uniform(r, -320, -300, 0);
    *score = gsl_rng_uniform(r) < 0.3 ? 0.0 : prop_log_uniform(r, 290, 308, 1);
    break;
  }
  if (!isfinite(*score)) *score = 1.0;
}

static void test_tweedie_mean(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 1);
  prop_acc acc;
  prop_acc_init(&acc, "dmc_tweedie_mean", "tweedie.formula", 4, names_mean);
  for (unsigned long i = 0; i < N_SCALAR; i++) {
    double in[4], got, want;
    draw_mean(r, i, in);
    int s = dmc_tweedie_mean(in[0], in[1], in[2], in[3], &got);
    int rs = ref_tweedie_mean(in[0], in[1], in[2], in[3], &want);
    PROP_CHECK(s == DMC_OK, "dmc_tweedie_mean(%a, %a, %a, %a) returned %d", in[0], in[1], in[2], in[3], s);
    prop_acc_add(&acc, in, got, want, rs);
  }
  gsl_rng_free(r);
  PROP_ASSERT_ACC(acc, fx->ev, PROGRAM, fx->seed);
}

/* ---- dmc_tweedie_var ------------------------------------------------------- */

static const char *const names_var[] = { "mu_t", "sigma_t", "dscore" };

/* dscore = (-1 + e)/sigma^2 so that 1 + sigma^2 dscore = e >= 0 (e down to
 * 1e-16: cancellation), or any size on wide scales. */
static void draw_var(gsl_rng *r, unsigned long i, double *in)
{
  double *mu = &in[0], *sigma = &in[1], *d = &in[2];
  switch (i % 3) {
  case 0:
    *mu = prop_log_uniform(r, -3, 0, 1);
    *sigma = prop_log_uniform(r, -3, 2, 0);
    *d = (-1 + prop_log_uniform(r, -16, 1, 0)) / (*sigma * *sigma);
    break;
  case 1:
    *mu = prop_log_uniform(r, -150, 150, 1);
    *sigma = prop_log_uniform(r, -150, 150, 0);
    *d = prop_log_uniform(r, -300, 300, 0) * (gsl_rng_uniform(r) < 0.2 ? -1e-300 : 1);
    break;
  default:
    do *mu = prop_any_finite(r); while (*mu == 0);
    do *sigma = fabs(prop_any_finite(r)); while (!(*sigma > 0));
    *d = fabs(prop_any_finite(r));
    break;
  }
}

static void test_tweedie_var(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 2);
  prop_acc acc;
  prop_acc_init(&acc, "dmc_tweedie_var", "tweedie.cov", 3, names_var);
  unsigned long rejected = 0;
  for (unsigned long i = 0; i < N_SCALAR; i++) {
    double in[3], got, want;
    draw_var(r, i, in);
    int s = dmc_tweedie_var(in[0], in[1], in[2], &got);
    int rs = ref_tweedie_var(in[0], in[1], in[2], &want);
    /* dscore rounded below -1/sigma^2: both must reject it */
    PROP_CHECK((s == DMC_EDOM) == (rs == 1), "dmc_tweedie_var(%a, %a, %a): status %d, reference %d", in[0], in[1], in[2], s, rs);
    if (s == DMC_EDOM) { rejected++; continue; }
    prop_acc_add(&acc, in, got, want, rs);
  }
  gsl_rng_free(r);
  PROP_CHECK(rejected * 10 < N_SCALAR, "too many rejected points: %lu", rejected);
  PROP_ASSERT_ACC(acc, fx->ev, PROGRAM, fx->seed);
}

/* ---- Gaussian mixtures ------------------------------------------------------ */

typedef struct {
  size_t n;
  double w[MIX_MAX], m[MIX_MAX], s[MIX_MAX];
  double x, mu, sigma;
  dmc_weights kind;
} mix_case;

static const char *const names_mix[] = { "x_t", "mu_t", "sigma_t", "kind",
  "w0", "m0", "s0", "w1", "m1", "s1", "w2", "m2", "s2", "w3", "m3", "s3", "w4", "m4", "s4" };

static void mix_inputs(const mix_case *c, double *in)
{
  for (int k = 0; k < 19; k++) in[k] = 0;
  in[0] = c->x; in[1] = c->mu; in[2] = c->sigma; in[3] = (double)c->kind;
  for (size_t k = 0; k < c->n; k++) { in[4 + 3 * k] = c->w[k]; in[5 + 3 * k] = c->m[k]; in[6 + 3 * k] = c->s[k]; }
}

static double comp_var(const mix_case *c, size_t k)
{
  return c->mu * c->mu * c->s[k] * c->s[k] + c->sigma * c->sigma;
}

/* A random mixture: 1-5 components, overall scale 10^[-100, 100], weights
 * uniform, spread over 10^[-300, 0], or as log-weights; points near a
 * component, between components, or far out. */
static void draw_mix(gsl_rng *r, unsigned long i, mix_case *c)
{
  double scale = (i % 4 == 3) ? prop_log_uniform(r, -100, 100, 0) : 1.0;
  c->n = 1 + gsl_rng_uniform_int(r, MIX_MAX);
  c->mu = (i % 17 == 0) ? 0.0 : prop_log_uniform(r, -2, 0.5, 1);
  c->sigma = prop_log_uniform(r, -3, 1, 0) * scale;
  c->kind = (i % 2) ? DMC_WEIGHTS_LOG : DMC_WEIGHTS_LINEAR;
  for (size_t k = 0; k < c->n; k++) {
    c->m[k] = uniform_in(r, -10, 10) * scale;
    c->s[k] = (gsl_rng_uniform(r) < 0.05) ? 0.0 : prop_log_uniform(r, -3, 1, 0) * scale;
    double w = (i % 3 == 0) ? prop_log_uniform(r, -300, 0, 0) : gsl_rng_uniform_pos(r);
    c->w[k] = c->kind == DMC_WEIGHTS_LOG ? log(w) : w;
  }
  size_t j = gsl_rng_uniform_int(r, c->n);
  double sd = sqrt(comp_var(c, j));
  switch (i % 5) {
  case 0: case 1: c->x = c->mu * c->m[j] + sd * uniform_in(r, -6, 6); break;
  case 2: c->x = uniform_in(r, -12, 12) * scale; break;
  case 3: c->x = c->mu * c->m[j] + sd * prop_log_uniform(r, 0, 6, 1); break;
  default: c->x = 0.5 * c->mu * (c->m[j] + c->m[gsl_rng_uniform_int(r, c->n)]) + sd * uniform_in(r, -0.5, 0.5); break;
  }
}

/* Far-apart components (1e3 to 1e4 marginal sds apart) with weights 1,
 * 1e-200, 1e-300 and the smallest subnormal; x_t on the crossings of the
 * log-evidences (where the responsibilities switch) and anywhere else. */
static void draw_far(gsl_rng *r, unsigned long i, mix_case *c)
{
  static const double weights[] = { 1.0, 1e-200, 1e-300, 0x1p-1074, 0.25 };
  c->n = 3 + (i % 3 == 0);
  c->mu = prop_log_uniform(r, -1, 0, 0);
  c->sigma = prop_log_uniform(r, -2, 1, 0);
  c->kind = (i % 2) ? DMC_WEIGHTS_LOG : DMC_WEIGHTS_LINEAR;
  double pos = 0.0;
  for (size_t k = 0; k < c->n; k++) {
    c->s[k] = c->sigma / c->mu * prop_log_uniform(r, -1, 0.5, 0);
    double sd = sqrt(c->mu * c->mu * c->s[k] * c->s[k] + c->sigma * c->sigma);
    pos += sd * prop_log_uniform(r, 3, 4, 0);
    c->m[k] = pos / c->mu;
    double w = weights[(i + k) % 5];
    c->w[k] = c->kind == DMC_WEIGHTS_LOG ? log(w) : w;
  }
  /* crossing of components j and j+1: c_j - (x-a_j)^2/(2v_j) = c_k - (x-a_k)^2/(2v_k) */
  size_t j = gsl_rng_uniform_int(r, c->n - 1), k = j + 1;
  double vj = comp_var(c, j), vk = comp_var(c, k);
  double lw_j = c->kind == DMC_WEIGHTS_LOG ? c->w[j] : log(c->w[j]);
  double lw_k = c->kind == DMC_WEIGHTS_LOG ? c->w[k] : log(c->w[k]);
  double cj = lw_j - 0.5 * log(vj), ck = lw_k - 0.5 * log(vk);
  double aj = c->mu * c->m[j], ak = c->mu * c->m[k];
  double A = 0.5 / vk - 0.5 / vj, B = aj / vj - ak / vk, C = cj - ck - aj * aj / (2 * vj) + ak * ak / (2 * vk);
  double disc = B * B - 4 * A * C, root = NAN;
  if (A == 0) root = -C / B;
  else if (disc >= 0) {
    double qq = -0.5 * (B + copysign(sqrt(disc), B)), r1 = qq / A, r2 = C / qq;
    root = (r1 > aj && r1 < ak) ? r1 : r2;
  }
  if (!(root > aj && root < ak)) root = NAN;
  if (i % 4 == 0 || !isfinite(root)) c->x = uniform_in(r, aj - 3 * sqrt(vj), ak + 3 * sqrt(vk));
  else c->x = root + sqrt(fmin(vj, vk)) * uniform_in(r, -0.05, 0.05);
}

typedef struct { double max_ulp; unsigned long n, nonfinite; double worst[19]; } far_stats;

static void mix_point(prop_acc *acc, const mix_case *c, int mean, far_stats *far)
{
  double in[19], got, want;
  mix_inputs(c, in);
  int s = mean ? dmc_gmix_mean(c->x, c->mu, c->sigma, c->n, c->w, c->m, c->s, c->kind, &got)
               : dmc_gmix_score(c->x, c->mu, c->sigma, c->n, c->w, c->m, c->s, c->kind, &got);
  int rs = mean ? ref_gmix_mean(c->x, c->mu, c->sigma, c->n, c->w, c->m, c->s, c->kind, &want)
                : ref_gmix_score(c->x, c->mu, c->sigma, c->n, c->w, c->m, c->s, c->kind, &want);
  PROP_CHECK(s == DMC_OK, "%s returned %d at x_t=%a mu=%a sigma=%a n=%zu", mean ? "dmc_gmix_mean" : "dmc_gmix_score",
             s, c->x, c->mu, c->sigma, c->n);
  double ulp = prop_acc_add(acc, in, got, want, rs);
  if (far) {
    far->n++;
    if (!isfinite(got)) far->nonfinite++;
    if (ulp > far->max_ulp) { far->max_ulp = ulp; for (int k = 0; k < 19; k++) far->worst[k] = in[k]; }
  }
}

static void far_row(fixture *fx, const prop_acc *acc, const far_stats *far, const char *fn)
{
  int pass = far->nonfinite == 0 && far->max_ulp <= acc->budget && far->n > 0;
  evidence_row(fx->ev, "tweedie.mixture.far", "accuracy", pass, fn, far->n, fx->seed,
               "%s on %lu far-apart points (3-4 components 1e3-1e4 marginal sds apart, weights 1, 1e-200, 1e-300, 2^-1074, "
               "linear and log; x_t at the crossings of the responsibilities and between): %lu non-finite results, max %.0f ULP "
               "(budget %.0f) at x_t=%a mu=%a sigma=%a",
               fn, far->n, far->nonfinite, far->max_ulp, acc->budget, far->worst[0], far->worst[1], far->worst[2]);
  PROP_CHECK(pass, "%s: far-apart cases: %lu non-finite, max %.0f ULP (budget %.0f)", fn, far->nonfinite, far->max_ulp, acc->budget);
}

static void check_mix(void **state, int mean)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 3 + (unsigned long)mean);
  const char *fn = mean ? "dmc_gmix_mean" : "dmc_gmix_score";
  prop_acc acc;
  prop_acc_init(&acc, fn, mean ? "tweedie.mixture.mean" : "tweedie.mixture.score", 19, names_mix);
  far_stats far = { -1, 0, 0, { 0 } };
  for (unsigned long i = 0; i < N_MIX; i++) {
    mix_case c;
    if (i % 5 == 4) { draw_far(r, i / 5, &c); mix_point(&acc, &c, mean, &far); }
    else { draw_mix(r, i, &c); mix_point(&acc, &c, mean, NULL); }
  }
  gsl_rng_free(r);
  far_row(fx, &acc, &far, fn);
  PROP_ASSERT_ACC(acc, fx->ev, PROGRAM, fx->seed);
}

static void test_gmix_score(void **state) { check_mix(state, 0); }
static void test_gmix_mean(void **state) { check_mix(state, 1); }

/* Figure data: across x_t for the report's near mixture, the ULP error of the
 * Tweedie denoiser composed in double (dmc_tweedie_mean of dmc_gmix_score) and
 * of dmc_gmix_mean against the correctly rounded posterior mean. */
static void test_gmix_figure(void **state)
{
  (void)state;
  static const double w[3] = { 0.3, 0.5, 0.2 }, m[3] = { -2.0, 0.5, 3.0 }, s[3] = { 0.3, 0.5, 0.4 };
  const double mu = 0.8, sigma = 0.6;
  FILE *f = evidence_data_file("fig", "tweedie_mixture_ulp.csv");
  PROP_CHECK(f != NULL, "cannot write the figure data");
  fprintf(f, "xt,ulp_composed,ulp_direct\n");
  double worst_direct = 0;
  for (int i = 0; i <= 200; i++) {
    double xt = -5.0 + 10.0 * i / 200.0, score, composed, direct, want;
    PROP_CHECK(dmc_gmix_score(xt, mu, sigma, 3, w, m, s, DMC_WEIGHTS_LINEAR, &score) == DMC_OK, "score failed");
    PROP_CHECK(dmc_tweedie_mean(xt, mu, sigma, score, &composed) == DMC_OK, "tweedie mean failed");
    PROP_CHECK(dmc_gmix_mean(xt, mu, sigma, 3, w, m, s, DMC_WEIGHTS_LINEAR, &direct) == DMC_OK, "mixture mean failed");
    PROP_CHECK(ref_gmix_mean(xt, mu, sigma, 3, w, m, s, DMC_WEIGHTS_LINEAR, &want) == 0, "reference failed");
    double uc = dmc_ulp_distance(composed, want), ud = dmc_ulp_distance(direct, want);
    worst_direct = fmax(worst_direct, ud);
    fprintf(f, "%.6f,%.0f,%.0f\n", xt, uc, ud);
  }
  fclose(f);
  PROP_CHECK(worst_direct <= 4, "dmc_gmix_mean is %.0f ULP off on the figure's grid", worst_direct);
}

/* ---- uniform prior ----------------------------------------------------------- */

static const char *const names_unif[] = { "x_t", "mu_t", "sigma_t", "a", "b" };

/* Intervals of width 10^[-6, 3] (narrow ones against sigma), mu of either
 * sign, x_t inside, near the ends and up to 10^8 sigma outside. */
static void draw_unif(gsl_rng *r, unsigned long i, double *in)
{
  double *x = &in[0], *mu = &in[1], *sigma = &in[2], *a = &in[3], *b = &in[4];
  double scale = (i % 4 == 3) ? prop_log_uniform(r, -100, 100, 0) : 1.0;
  *mu = prop_log_uniform(r, -2, 0.5, 1);
  *sigma = prop_log_uniform(r, -3, 1, 0) * scale;
  *a = uniform_in(r, -5, 5) * scale;
  *b = *a + prop_log_uniform(r, -6, 3, 0) * scale;
  double lo = fmin(*mu * *a, *mu * *b), hi = fmax(*mu * *a, *mu * *b);
  switch (i % 4) {
  case 0: *x = uniform_in(r, lo, hi); break;
  case 1: *x = (gsl_rng_uniform(r) < 0.5 ? lo : hi) + *sigma * uniform_in(r, -3, 3); break;
  case 2: *x = gsl_rng_uniform(r) < 0.5 ? lo - *sigma * prop_log_uniform(r, -1, 6, 0) : hi + *sigma * prop_log_uniform(r, -1, 6, 0); break;
  default: *x = 0.5 * (lo + hi) + *sigma * uniform_in(r, -10, 10); break;
  }
}

static void test_unif_score(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 5);
  prop_acc acc;
  prop_acc_init(&acc, "dmc_unif_score", "tweedie.uniform", 5, names_unif);
  for (unsigned long i = 0; i < N_UNIF; i++) {
    double in[5], got, want;
    draw_unif(r, i, in);
    if (!(in[3] < in[4])) continue;
    int s = dmc_unif_score(in[0], in[1], in[2], in[3], in[4], &got);
    int rs = ref_unif_score(in[0], in[1], in[2], in[3], in[4], &want);
    PROP_CHECK(s == DMC_OK, "dmc_unif_score(%a, %a, %a, %a, %a) returned %d", in[0], in[1], in[2], in[3], in[4], s);
    prop_acc_add(&acc, in, got, want, rs);
  }
  gsl_rng_free(r);
  PROP_ASSERT_ACC(acc, fx->ev, PROGRAM, fx->seed);
}

/* ---- invalid parameters ------------------------------------------------------ */

static void test_tweedie_invalid(void **state)
{
  fixture *fx = *state;
  int checked = 0;
  double out;
  const double bad[] = { NAN, INFINITY, -INFINITY };
  for (int i = 0; i < 3; i++) {
    out = 0; PROP_CHECK(dmc_tweedie_mean(bad[i], 1, 1, 0, &out) == DMC_EDOM && isnan(out), "mean accepted x_t=%g", bad[i]);
    out = 0; PROP_CHECK(dmc_tweedie_mean(0, 1, 1, bad[i], &out) == DMC_EDOM && isnan(out), "mean accepted score=%g", bad[i]);
    out = 0; PROP_CHECK(dmc_tweedie_var(1, 1, bad[i], &out) == DMC_EDOM && isnan(out), "var accepted dscore=%g", bad[i]);
    out = 0; PROP_CHECK(dmc_unif_score(bad[i], 1, 1, 0, 1, &out) == DMC_EDOM && isnan(out), "unif accepted x_t=%g", bad[i]);
    checked += 4;
  }
  const double bad_sigma[] = { 0.0, -0.0, -1.0, NAN, INFINITY };
  for (int i = 0; i < 5; i++) {
    out = 0; PROP_CHECK(dmc_tweedie_mean(1, 1, bad_sigma[i], 0, &out) == DMC_EDOM && isnan(out), "mean accepted sigma=%g", bad_sigma[i]);
    out = 0; PROP_CHECK(dmc_tweedie_var(1, bad_sigma[i], 0, &out) == DMC_EDOM && isnan(out), "var accepted sigma=%g", bad_sigma[i]);
    out = 0; PROP_CHECK(dmc_unif_score(0, 1, bad_sigma[i], 0, 1, &out) == DMC_EDOM && isnan(out), "unif accepted sigma=%g", bad_sigma[i]);
    double w[1] = { 1 }, m[1] = { 0 }, s[1] = { 1 };
    out = 0; PROP_CHECK(dmc_gmix_score(0, 1, bad_sigma[i], 1, w, m, s, DMC_WEIGHTS_LINEAR, &out) == DMC_EDOM && isnan(out),
                        "gmix accepted sigma=%g", bad_sigma[i]);
    checked += 4;
  }
  out = 0; PROP_CHECK(dmc_tweedie_mean(1, 0.0, 1, 0, &out) == DMC_EDOM && isnan(out), "mean accepted mu=0");
  out = 0; PROP_CHECK(dmc_tweedie_var(0.0, 1, 0, &out) == DMC_EDOM && isnan(out), "var accepted mu=0");
  out = 0; PROP_CHECK(dmc_tweedie_var(1, 2, -0.5, &out) == DMC_EDOM && isnan(out), "var accepted 1 + sigma^2 dscore < 0");
  out = 0; PROP_CHECK(dmc_unif_score(0, 1, 1, 1, 1, &out) == DMC_EDOM && isnan(out), "unif accepted a == b");
  out = 0; PROP_CHECK(dmc_unif_score(0, 1, 1, 2, 1, &out) == DMC_EDOM && isnan(out), "unif accepted a > b");
  out = 0; PROP_CHECK(dmc_unif_score(0, 0.0, 1, 0, 1, &out) == DMC_EDOM && isnan(out), "unif accepted mu=0");
  out = 0; PROP_CHECK(dmc_unif_score(0, 0x1p600, 1, 0, 0x1p500, &out) == DMC_ERANGE && isnan(out), "unif accepted an overflowing mu b");
  checked += 7;
  /* mixtures: no positive weight, negative weight, +inf log-weight, NaN log-weight,
   * negative s, n = 0, NULL arrays, bad kind, out of range */
  double w0[2] = { 0, 0 }, wneg[2] = { 1, -1 }, lw_inf[2] = { 0, INFINITY }, lw_nan[2] = { 0, NAN }, lw_none[2] = { -INFINITY, -INFINITY };
  double m[2] = { 0, 1 }, s[2] = { 1, 1 }, sneg[2] = { 1, -1 }, mnan[2] = { 0, NAN };
  struct { const double *w, *m, *s; dmc_weights kind; size_t n; int want; const char *what; } cases[] = {
    { w0, m, s, DMC_WEIGHTS_LINEAR, 2, DMC_EDOM, "all weights zero" },
    { wneg, m, s, DMC_WEIGHTS_LINEAR, 2, DMC_EDOM, "a negative weight" },
    { lw_inf, m, s, DMC_WEIGHTS_LOG, 2, DMC_EDOM, "log-weight +inf" },
    { lw_nan, m, s, DMC_WEIGHTS_LOG, 2, DMC_EDOM, "log-weight NaN" },
    { lw_none, m, s, DMC_WEIGHTS_LOG, 2, DMC_EDOM, "all log-weights -inf" },
    { s, m, sneg, DMC_WEIGHTS_LINEAR, 2, DMC_EDOM, "a negative s" },
    { s, mnan, s, DMC_WEIGHTS_LINEAR, 2, DMC_EDOM, "a NaN mean" },
    { s, m, s, DMC_WEIGHTS_LINEAR, 0, DMC_EDOM, "n = 0" },
    { NULL, m, s, DMC_WEIGHTS_LINEAR, 2, DMC_EDOM, "NULL weights" },
    { s, m, s, (dmc_weights)7, 2, DMC_EDOM, "an unknown weight kind" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    out = 0;
    int st = dmc_gmix_score(0.5, 1, 1, cases[i].n, cases[i].w, cases[i].m, cases[i].s, cases[i].kind, &out);
    PROP_CHECK(st == cases[i].want && isnan(out), "gmix_score accepted %s (status %d)", cases[i].what, st);
    out = 0;
    st = dmc_gmix_mean(0.5, 1, 1, cases[i].n, cases[i].w, cases[i].m, cases[i].s, cases[i].kind, &out);
    PROP_CHECK(st == cases[i].want && isnan(out), "gmix_mean accepted %s (status %d)", cases[i].what, st);
    checked += 2;
  }
  double big_m[2] = { 0, 0x1p520 }, one[2] = { 1, 1 };
  out = 0;
  PROP_CHECK(dmc_gmix_score(0, 1, 1, 2, one, big_m, s, DMC_WEIGHTS_LINEAR, &out) == DMC_ERANGE && isnan(out),
             "gmix accepted |mu m| > 2^500 sigma");
  PROP_CHECK(dmc_tweedie_mean(0, 1, 1, 0, NULL) == DMC_EDOM, "mean accepted a NULL output");
  PROP_CHECK(dmc_gmix_score(0, 1, 1, 2, one, m, s, DMC_WEIGHTS_LINEAR, NULL) == DMC_EDOM, "gmix accepted a NULL output");
  checked += 3;
  evidence_row(fx->ev, "tweedie.domain", "behaviour", 1, "invalid parameters", (unsigned long)checked, fx->seed,
               "%d invalid calls (non-finite arguments, sigma <= 0, mu = 0, 1 + sigma^2 dscore < 0, a >= b, weights all zero, "
               "negative or +inf/NaN log, s < 0, n = 0, NULL, unknown weight kind, out-of-range scales) all returned DMC_EDOM or "
               "DMC_ERANGE with NaN outputs", checked);
}

PROP_FIXTURE(PROGRAM)

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_tweedie_mean),
    cmocka_unit_test(test_tweedie_var),
    cmocka_unit_test(test_gmix_score),
    cmocka_unit_test(test_gmix_mean),
    cmocka_unit_test(test_gmix_figure),
    cmocka_unit_test(test_unif_score),
    cmocka_unit_test(test_tweedie_invalid),
  };
  return cmocka_run_group_tests_name(PROGRAM, tests, setup, teardown);
}
