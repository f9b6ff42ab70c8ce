/* test_gauss.c -- D1: src/gauss.c against reference/gauss.c (claims gauss.*). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>

#include "dmcheck.h"
#include "dmcref.h"
#include "prop.h"

#define PROGRAM "test_gauss"
#define N_POINTS 100000
#define N_FULL 100000

typedef prop_fixture fixture;

/* One (x, mu, sigma) drawn from one of six regions, cycling with i:
 * ordinary, |x-mu|/sigma up to 1e150, sigma near and below DBL_MIN, x == mu,
 * arbitrary bit patterns, and the zeros of the log-density. */
static void draw_point(gsl_rng *r, unsigned long i, double *x, double *mu, double *sigma)
{
  for (;;) {
    double z;
    switch (i % 6) {
    case 0:
      *mu = 20 * gsl_rng_uniform(r) - 10;
      *sigma = prop_log_uniform(r, -3, 3, 0);
      z = 80 * gsl_rng_uniform(r) - 40;
      break;
    case 1:
      *mu = prop_log_uniform(r, -300, 300, 1);
      *sigma = prop_log_uniform(r, -300, 150, 0);
      z = prop_log_uniform(r, 0, 150, 1);
      break;
    case 2:
      *mu = prop_log_uniform(r, -320, 0, 1);
      *sigma = prop_log_uniform(r, -312, -300, 0); /* DBL_MIN ~ 2.2e-308 */
      z = prop_log_uniform(r, -2, 8, 1);
      break;
    case 3:
      *mu = prop_any_finite(r);
      *sigma = fabs(prop_any_finite(r));
      z = 0;
      break;
    case 4:
      *mu = prop_any_finite(r);
      *sigma = fabs(prop_any_finite(r));
      *x = prop_any_finite(r);
      if (*sigma > 0) return;
      continue;
    default: {
      *mu = 20 * gsl_rng_uniform(r) - 10;
      *sigma = prop_log_uniform(r, -6, log10(0.39), 0);
      double z0 = sqrt(-log(2 * M_PI * *sigma * *sigma));
      z = gsl_rng_uniform(r) < 0.5 ? -z0 : z0;
      break;
    }
    }
    *x = (z == 0) ? *mu : *mu + z * *sigma;
    if (isfinite(*x) && *sigma > 0) return;
  }
}

/* Figure data: max ULP error and point count per bin of log10|x-mu|/sigma. */
#define FIG_BINS 48
#define FIG_LO (-30.0)
#define FIG_STEP 4.0
static void write_figure(const char *name, const double *max_ulp, const unsigned long *count)
{
  FILE *f = evidence_data_file("fig", name);
  if (!f) return;
  fprintf(f, "log10z,max_ulp,count\n");
  for (int b = 0; b < FIG_BINS; b++)
    if (count[b]) fprintf(f, "%g,%.6g,%lu\n", FIG_LO + FIG_STEP * (b + 0.5), max_ulp[b], count[b]);
  fclose(f);
}

static const char *const names_1d[] = { "x", "mu", "sigma" };

static void check_1d(void **state, const char *function, const char *claim, unsigned long stream,
                     int (*impl)(double, double, double, double *),
                     int (*ref)(double, double, double, double *), const char *fig)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, stream);
  prop_acc acc;
  prop_acc_init(&acc, function, claim, 3, names_1d);
  double bin_max[FIG_BINS] = { 0 };
  unsigned long bin_count[FIG_BINS] = { 0 };
  for (unsigned long i = 0, n_points = prop_points(N_POINTS); i < n_points; i++) {
    double in[3], got, want;
    draw_point(r, i, &in[0], &in[1], &in[2]);
    int s = impl(in[0], in[1], in[2], &got);
    int rs = ref(in[0], in[1], in[2], &want);
    PROP_CHECK(s == DMC_OK, "%s(x=%a, mu=%a, sigma=%a) returned %d", function, in[0], in[1], in[2], s);
    double ulp = prop_acc_add(&acc, in, got, want, rs);
    double z = fabs(in[0] - in[1]) / in[2];
    if (z > 0 && isfinite(z)) {
      int b = (int)floor((log10(z) - FIG_LO) / FIG_STEP);
      if (b >= 0 && b < FIG_BINS) {
        bin_count[b]++;
        if (ulp > bin_max[b]) bin_max[b] = isfinite(ulp) ? ulp : 1e9;
      }
    }
  }
  write_figure(fig, bin_max, bin_count);
  gsl_rng_free(r);
  PROP_ASSERT_ACC(acc, fx->ev, PROGRAM, fx->seed);
}

static void test_gauss_score_toy(void **state)
{
  check_1d(state, "dmc_gauss_score", "gauss.score.toy", 1, dmc_gauss_score, ref_gauss_score,
           "gauss_ulp_score.csv");
}

static void test_gauss_pdf_toy(void **state)
{
  check_1d(state, "dmc_gauss_logpdf", "gauss.pdf.toy", 2, dmc_gauss_logpdf, ref_gauss_logpdf,
           "gauss_ulp_logpdf.csv");
}

#define MAX_DIM 4
static const char *const names_diag[] = { "x0", "mu0", "v0", "x1", "mu1", "v1",
                                          "x2", "mu2", "v2", "x3", "mu3", "v3" };
static const char *const names_full[] = { "x0", "x1", "x2", "x3", "mu0", "mu1", "mu2", "mu3",
  "S00", "S01", "S02", "S03", "S10", "S11", "S12", "S13",
  "S20", "S21", "S22", "S23", "S30", "S31", "S32", "S33" };

static void test_gauss_diag(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 3);
  prop_acc acc_score, acc_logpdf;
  prop_acc_init(&acc_score, "dmc_gauss_diag_score", "gauss.score.diag", 12, names_diag);
  prop_acc_init(&acc_logpdf, "dmc_gauss_diag_logpdf", "gauss.logpdf.diag", 12, names_diag);
  for (unsigned long i = 0, n_points = prop_points(N_POINTS); i < n_points; i++) {
    size_t n = 1 + i % MAX_DIM;
    double x[MAX_DIM], mu[MAX_DIM], var[MAX_DIM], got[MAX_DIM], want[MAX_DIM], in[12] = { 0 };
    for (size_t k = 0; k < n; k++) {
      double sigma;
      draw_point(r, i + 3 * k, &x[k], &mu[k], &sigma);
      var[k] = sigma * sigma; /* sigma itself where sigma^2 under- or overflows */
      if (!(var[k] > 0) || !isfinite(var[k])) var[k] = sigma;
    }
    for (size_t k = 0; k < n; k++) { in[3 * k] = x[k]; in[3 * k + 1] = mu[k]; in[3 * k + 2] = var[k]; }
    PROP_CHECK(dmc_gauss_diag_score(n, x, mu, var, got) == DMC_OK, "diag score failed at n=%zu", n);
    int rs = ref_gauss_diag_score(n, x, mu, var, want);
    for (size_t k = 0; k < n; k++) prop_acc_add(&acc_score, in, got[k], want[k], rs);
    PROP_CHECK(dmc_gauss_diag_logpdf(n, x, mu, var, got) == DMC_OK, "diag logpdf failed at n=%zu", n);
    rs = ref_gauss_diag_logpdf(n, x, mu, var, want);
    prop_acc_add(&acc_logpdf, in, got[0], want[0], rs);
  }
  gsl_rng_free(r);
  PROP_ASSERT_ACC(acc_score, fx->ev, PROGRAM, fx->seed);
  PROP_ASSERT_ACC(acc_logpdf, fx->ev, PROGRAM, fx->seed);
}

/* Sigma = s Q diag(lambda) Q^T with Q from the QR factorisation of a Gaussian
 * matrix and lambda in [1, 100]: cond(Sigma) <= 100. Symmetric by copy. */
static void random_spd(gsl_rng *r, size_t n, double *cov)
{
  gsl_matrix *a = gsl_matrix_alloc(n, n), *q = gsl_matrix_alloc(n, n), *rr = gsl_matrix_alloc(n, n);
  gsl_vector *tau = gsl_vector_alloc(n);
  for (size_t i = 0; i < n * n; i++) a->data[i] = gsl_ran_gaussian(r, 1.0);
  gsl_linalg_QR_decomp(a, tau);
  gsl_linalg_QR_unpack(a, tau, q, rr);
  double s = prop_log_uniform(r, -3, 3, 0), lambda[MAX_DIM];
  for (size_t k = 0; k < n; k++) lambda[k] = s * prop_log_uniform(r, 0, 2, 0);
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j <= i; j++) {
      double v = 0;
      for (size_t k = 0; k < n; k++) v += gsl_matrix_get(q, i, k) * lambda[k] * gsl_matrix_get(q, j, k);
      cov[i * n + j] = cov[j * n + i] = v;
    }
  gsl_vector_free(tau); gsl_matrix_free(rr); gsl_matrix_free(q); gsl_matrix_free(a);
}

static void test_gauss_full(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 4);
  prop_acc acc_score, acc_logpdf;
  prop_acc_init(&acc_score, "dmc_gauss_full_score", "gauss.score.full", 24, names_full);
  prop_acc_init(&acc_logpdf, "dmc_gauss_full_logpdf", "gauss.logpdf.full", 24, names_full);
  for (unsigned long i = 0, n_points = prop_points(N_FULL); i < n_points; i++) {
    size_t n = 2 + i % (MAX_DIM - 1);
    double x[MAX_DIM], mu[MAX_DIM], cov[MAX_DIM * MAX_DIM], got[MAX_DIM], want[MAX_DIM], in[24] = { 0 };
    random_spd(r, n, cov);
    for (size_t k = 0; k < n; k++) {
      mu[k] = 10 * gsl_rng_uniform(r) - 5;
      x[k] = mu[k] + sqrt(cov[k * n + k]) * (8 * gsl_rng_uniform(r) - 4);
      in[k] = x[k]; in[4 + k] = mu[k];
    }
    for (size_t a = 0; a < n; a++)
      for (size_t b = 0; b < n; b++) in[8 + 4 * a + b] = cov[a * n + b];
    PROP_CHECK(dmc_gauss_full_score(n, x, mu, cov, got) == DMC_OK, "full score rejected an SPD matrix (n=%zu)", n);
    int rs = ref_gauss_full_score(n, x, mu, cov, want);
    for (size_t k = 0; k < n; k++) prop_acc_add(&acc_score, in, got[k], want[k], rs);
    PROP_CHECK(dmc_gauss_full_logpdf(n, x, mu, cov, got) == DMC_OK, "full logpdf rejected an SPD matrix (n=%zu)", n);
    rs = ref_gauss_full_logpdf(n, x, mu, cov, want);
    prop_acc_add(&acc_logpdf, in, got[0], want[0], rs);
  }
  gsl_rng_free(r);
  PROP_ASSERT_ACC(acc_score, fx->ev, PROGRAM, fx->seed);
  PROP_ASSERT_ACC(acc_logpdf, fx->ev, PROGRAM, fx->seed);
}

/* Invalid parameters: DMC_EDOM and NaN in every output, never a crash. */
static void test_gauss_invalid(void **state)
{
  fixture *fx = *state;
  const double bad_sigma[] = { 0.0, -0.0, -1.0, NAN, INFINITY, -INFINITY };
  int checked = 0;
  for (size_t i = 0; i < sizeof bad_sigma / sizeof *bad_sigma; i++) {
    double out = 0;
    PROP_CHECK(dmc_gauss_score(1.0, 0.0, bad_sigma[i], &out) == DMC_EDOM && isnan(out), "score accepted sigma=%a", bad_sigma[i]);
    out = 0;
    PROP_CHECK(dmc_gauss_logpdf(1.0, 0.0, bad_sigma[i], &out) == DMC_EDOM && isnan(out), "logpdf accepted sigma=%a", bad_sigma[i]);
    checked += 2;
  }
  const double bad_point[] = { NAN, INFINITY, -INFINITY };
  for (size_t i = 0; i < 3; i++) {
    double out = 0;
    PROP_CHECK(dmc_gauss_score(bad_point[i], 0.0, 1.0, &out) == DMC_EDOM && isnan(out), "score accepted x=%a", bad_point[i]);
    PROP_CHECK(dmc_gauss_logpdf(0.0, bad_point[i], 1.0, &out) == DMC_EDOM && isnan(out), "logpdf accepted mu=%a", bad_point[i]);
    checked += 2;
  }
  PROP_CHECK(dmc_gauss_score(0, 0, 1, NULL) == DMC_EDOM, "score accepted a NULL output");
  double x[2] = { 1, 2 }, mu[2] = { 0, 0 }, out[2];
  const double not_pd[4] = { 1, 2, 2, 1 }, asym[4] = { 2, 1, 0.5, 2 }, singular[4] = { 1, 1, 1, 1 };
  const double *bad_cov[] = { not_pd, asym, singular };
  for (size_t i = 0; i < 3; i++) {
    out[0] = out[1] = 0;
    PROP_CHECK(dmc_gauss_full_score(2, x, mu, bad_cov[i], out) == DMC_EDOM && isnan(out[0]) && isnan(out[1]),
               "full score accepted invalid covariance #%zu", i);
    PROP_CHECK(dmc_gauss_full_logpdf(2, x, mu, bad_cov[i], out) == DMC_EDOM && isnan(out[0]),
               "full logpdf accepted invalid covariance #%zu", i);
    checked += 2;
  }
  const double bad_var[2] = { 1, 0 };
  PROP_CHECK(dmc_gauss_diag_score(2, x, mu, bad_var, out) == DMC_EDOM && isnan(out[0]) && isnan(out[1]), "diag score accepted var=0");
  PROP_CHECK(dmc_gauss_diag_logpdf(0, x, mu, bad_var, out) == DMC_EDOM, "diag logpdf accepted n=0");
  checked += 2;
  evidence_row(fx->ev, "gauss.domain", "behaviour", 1, "invalid parameters", (unsigned long)checked, fx->seed,
               "%d invalid calls (sigma <= 0 or non-finite, non-finite x or mu, non-PD, asymmetric or singular Sigma, n=0, NULL) all returned DMC_EDOM with NaN outputs",
               checked);
}

/* Each status code has its own message, and none is the unknown-code one. */
static void test_gauss_strerror(void **state)
{
  (void)state;
  const int codes[] = { DMC_OK, DMC_EDOM, DMC_ENOMEM, DMC_ERANGE };
  const char *unknown = dmc_strerror(-12345);
  assert_non_null(unknown);
  for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
    const char *m = dmc_strerror(codes[i]);
    PROP_CHECK(m && *m && strcmp(m, unknown), "dmc_strerror(%d) is empty or the unknown-code message", codes[i]);
    for (size_t j = 0; j < i; j++)
      PROP_CHECK(strcmp(m, dmc_strerror(codes[j])), "dmc_strerror(%d) and dmc_strerror(%d) are both \"%s\"",
                 codes[i], codes[j], m);
  }
}

PROP_FIXTURE(PROGRAM)

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_gauss_score_toy),
    cmocka_unit_test(test_gauss_pdf_toy),
    cmocka_unit_test(test_gauss_diag),
    cmocka_unit_test(test_gauss_full),
    cmocka_unit_test(test_gauss_invalid),
    cmocka_unit_test(test_gauss_strerror),
  };
  return cmocka_run_group_tests_name(PROGRAM, tests, setup, teardown);
}
