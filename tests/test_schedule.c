/* test_schedule.c -- src/schedule.c against the MPFR references (claims
 * sched.*): the beta schedules, alphas_cumprod and 1 - alphabar, the log-SNR
 * and the parameterisation conversions, with the hard regions (alphabar -> 1
 * and -> 0, tiny betas, near-total cancellation). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dmcheck.h"
#include "dmcref.h"
#include "prop.h"

#define PROGRAM "test_schedule"
#define N_POINTS 100000

typedef prop_fixture fixture;

static const char *const names_beta[] = { "kind", "T", "t" };
static const char *const beta_claims[] = { "sched.beta.linear", "sched.beta.scaledlinear", "sched.beta.quadratic",
                                           "sched.beta.sigmoid", "sched.beta.cosine" };

/* Every beta of T in {1, 2, 10, 50, 1000, 4000}, then random T in [2, 20000]
 * until ~N_POINTS betas per kind. */
static void test_betas(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 1);
  const unsigned long target = prop_points(N_POINTS);
  double *got = malloc(20000 * sizeof *got), *want = malloc(20000 * sizeof *want);
  unsigned char *cg = malloc(20000), *cw = malloc(20000);
  PROP_CHECK(got && want && cg && cw, "out of memory");
  int clip_ok = 1;
  for (int k = 0; k < 5; k++) {
    prop_acc acc;
    prop_acc_init(&acc, "dmc_sched_betas", beta_claims[k], 3, names_beta);
    static const long fixed[] = { 1, 2, 10, 50, 1000, 4000 };
    for (int i = 0; acc.n < target; i++) {
      long T = i < 6 ? fixed[i] : 2 + (long)gsl_rng_uniform_int(r, 19999);
      PROP_CHECK(dmc_sched_betas(k, (size_t)T, got, cg) == DMC_OK, "dmc_sched_betas(%d, %ld) failed", k, T);
      int rs = ref_sched_betas(k, T, T, want, cw);
      for (long t = 1; t <= T; t++) {
        double in[3] = { k, (double)T, (double)t };
        prop_acc_add(&acc, in, got[t - 1], want[t - 1], rs);
        clip_ok &= cg[t - 1] == cw[t - 1];
      }
    }
    PROP_ASSERT_ACC(acc, fx->ev, PROGRAM, fx->seed);
  }
  evidence_row(fx->ev, "sched.beta.cosine", "behaviour", clip_ok, "dmc_sched_betas clipping flags", target, fx->seed,
               "the library's clipped flags equal the reference's at every t of every tested T");
  PROP_CHECK(clip_ok, "clipping flags differ from the reference");
  free(got); free(want); free(cg); free(cw);
  gsl_rng_free(r);
}

static const char *const names_ab[] = { "schedule", "n", "t" };

/* alphabar and 1 - alphabar: the five schedules at T in {10, 50, 1000, 4000},
 * then random sequences of betas log-uniform in [1e-12, 0.5] (alphabar -> 1
 * over many tiny steps) and [1e-3, 0.9] (alphabar -> 0). */
static void test_cumprod(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 2);
  const unsigned long target = prop_points(N_POINTS);
  enum { LEN = 1000 };
  double beta[4000], ab[4000], om[4000], rab[4000], rom[4000];
  prop_acc acc_ab, acc_om;
  prop_acc_init(&acc_ab, "dmc_alphas_cumprod", "sched.alphabar", 3, names_ab);
  prop_acc_init(&acc_om, "dmc_alphas_cumprod", "sched.oneminus", 3, names_ab);
  static const long Ts[] = { 10, 50, 1000, 4000 };
  for (int i = 0; acc_ab.n < target; i++) {
    long n;
    if (i < 20) {
      n = Ts[i % 4];
      PROP_CHECK(ref_sched_betas(i / 4, n, n, beta, NULL) == 0, "reference betas");
    } else {
      n = LEN;
      double lo = i % 2 ? -12 : -3, hi = i % 2 ? log10(0.5) : log10(0.9);
      for (long t = 0; t < n; t++) beta[t] = prop_log_uniform(r, lo, hi, 0);
    }
    PROP_CHECK(dmc_alphas_cumprod((size_t)n, beta, ab, om) == DMC_OK, "dmc_alphas_cumprod failed");
    int s1 = ref_alphabar_all((size_t)n, beta, REF_AB_ALPHABAR, rab);
    int s2 = ref_alphabar_all((size_t)n, beta, REF_AB_ONE_MINUS, rom);
    for (long t = 0; t < n; t++) {
      double in[3] = { i < 20 ? i / 4 : -1, (double)n, (double)(t + 1) };
      prop_acc_add(&acc_ab, in, ab[t], rab[t], s1);
      prop_acc_add(&acc_om, in, om[t], rom[t], s2);
    }
  }
  gsl_rng_free(r);
  PROP_ASSERT_ACC(acc_ab, fx->ev, PROGRAM, fx->seed);
  PROP_ASSERT_ACC(acc_om, fx->ev, PROGRAM, fx->seed);
}

static const char *const names_snr[] = { "alphabar", "one_minus" };

/* (alphabar, 1 - alphabar) pairs: unrelated positive doubles over 1e-300..1,
 * near-equal pairs (the log1p branch), and consistent pairs at both ends. */
static void test_log_snr(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 3);
  prop_acc acc;
  prop_acc_init(&acc, "dmc_log_snr", "sched.logsnr", 2, names_snr);
  const unsigned long n = prop_points(N_POINTS);
  for (unsigned long i = 0; i < n; i++) {
    double in[2], got, want;
    switch (i % 3) {
    case 0: in[0] = prop_log_uniform(r, -300, 0, 0); in[1] = prop_log_uniform(r, -300, 0, 0); break;
    case 1: in[0] = prop_log_uniform(r, -20, 0, 0); in[1] = in[0] * (1 + prop_log_uniform(r, -16, 0, 1) / 2); break;
    default: {
      double e = prop_log_uniform(r, -17, -0.31, 0);
      in[0] = i % 2 ? e : 1 - e;
      in[1] = i % 2 ? 1 - e : e;
    }
    }
    PROP_CHECK(dmc_log_snr(in[0], in[1], &got) == DMC_OK, "dmc_log_snr(%a, %a) failed", in[0], in[1]);
    int rs = ref_log_snr(in[0], in[1], &want);
    prop_acc_add(&acc, in, got, want, rs);
  }
  gsl_rng_free(r);
  PROP_ASSERT_ACC(acc, fx->ev, PROGRAM, fx->seed);
}

static const char *const names_param[] = { "from", "to", "alphabar", "x_t", "u" };

/* Conversions at alphabar near 1 (1 - 10^-k), near 0 (10^-k) and uniform,
 * with x_t drawn so that x_t - s u (or x_t - a u) nearly cancels. */
static void test_param(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 4);
  prop_acc acc;
  prop_acc_init(&acc, "dmc_param_convert", "sched.param.conversions", 5, names_param);
  const unsigned long n = prop_points(N_POINTS / 2);
  for (unsigned long i = 0; i < n; i++) {
    int from = (int)(i % 4), to = (int)((i / 4) % 4);
    double ab;
    switch ((i / 16) % 3) {
    case 0: ab = 1 - prop_log_uniform(r, -15, -0.31, 0); break;
    case 1: ab = prop_log_uniform(r, -300, -0.31, 0); break;
    default: ab = gsl_rng_uniform_pos(r);
    }
    double u = prop_log_uniform(r, -3, 3, 1), x;
    double a = sqrt(ab), s = sqrt(1 - ab);
    switch ((i / 48) % 3) {
    case 0: x = s * u * (1 + prop_log_uniform(r, -15, -1, 1)); break;
    case 1: x = a * u * (1 + prop_log_uniform(r, -15, -1, 1)); break;
    default: x = prop_log_uniform(r, -3, 3, 1);
    }
    double in[5] = { from, to, ab, x, u }, got, want;
    PROP_CHECK(dmc_param_convert(from, to, ab, x, u, &got) == DMC_OK, "dmc_param_convert failed at ab=%a", ab);
    int rs = ref_param_convert(from, to, ab, x, u, &want);
    prop_acc_add(&acc, in, got, want, rs);
  }
  gsl_rng_free(r);
  PROP_ASSERT_ACC(acc, fx->ev, PROGRAM, fx->seed);
}

/* Invalid parameters: DMC_EDOM and NaN, never a crash. */
static void test_invalid(void **state)
{
  fixture *fx = *state;
  int checked = 0;
  double b[4] = { 0 }, o[4] = { 0 }, out = 0;
  PROP_CHECK(dmc_sched_betas(7, 4, b, NULL) == DMC_EDOM && isnan(b[0]), "bad kind accepted"); checked++;
  PROP_CHECK(dmc_sched_betas(0, 0, b, NULL) == DMC_EDOM, "T = 0 accepted"); checked++;
  PROP_CHECK(dmc_sched_betas(0, 4, NULL, NULL) == DMC_EDOM, "NULL output accepted"); checked++;
  const double bad_beta[] = { -0.1, 1.5, NAN };
  for (int i = 0; i < 3; i++) {
    double bb[2] = { 0.1, bad_beta[i] };
    o[0] = o[1] = 0;
    PROP_CHECK(dmc_alphas_cumprod(2, bb, o, NULL) == DMC_EDOM && isnan(o[0]) && isnan(o[1]), "beta %g accepted", bad_beta[i]);
    checked++;
  }
  PROP_CHECK(dmc_alphas_cumprod(2, b, NULL, NULL) == DMC_EDOM, "no outputs accepted"); checked++;
  const double bad_pos[] = { 0.0, -1.0, NAN, INFINITY };
  for (int i = 0; i < 4; i++) {
    out = 0;
    PROP_CHECK(dmc_log_snr(bad_pos[i], 0.5, &out) == DMC_EDOM && isnan(out), "log_snr accepted %g", bad_pos[i]);
    out = 0;
    PROP_CHECK(dmc_log_snr(0.5, bad_pos[i], &out) == DMC_EDOM && isnan(out), "log_snr accepted %g", bad_pos[i]);
    checked += 2;
  }
  const double bad_ab[] = { 0.0, 1.0, -0.5, 2.0, NAN };
  for (int i = 0; i < 5; i++) {
    out = 0;
    PROP_CHECK(dmc_param_convert(0, 1, bad_ab[i], 1, 1, &out) == DMC_EDOM && isnan(out), "alphabar %g accepted", bad_ab[i]);
    checked++;
  }
  out = 0;
  PROP_CHECK(dmc_param_convert(0, 9, 0.5, 1, 1, &out) == DMC_EDOM && isnan(out), "bad target accepted"); checked++;
  out = 0;
  PROP_CHECK(dmc_param_convert(0, 1, 0.5, INFINITY, 1, &out) == DMC_EDOM && isnan(out), "infinite x accepted"); checked++;
  evidence_row(fx->ev, "sched.param.conversions", "behaviour", 1, "invalid parameters", (unsigned long)checked, fx->seed,
               "%d invalid calls (bad kind, T = 0, NULL, beta outside [0,1] or NaN, non-positive or non-finite "
               "alphabar/one_minus, alphabar outside (0,1), bad kind of prediction, infinite x_t) all returned "
               "DMC_EDOM with NaN outputs", checked);
}

PROP_FIXTURE(PROGRAM)

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_betas),
    cmocka_unit_test(test_cumprod),
    cmocka_unit_test(test_log_snr),
    cmocka_unit_test(test_param),
    cmocka_unit_test(test_invalid),
  };
  return cmocka_run_group_tests_name(PROGRAM, tests, setup, teardown);
}
