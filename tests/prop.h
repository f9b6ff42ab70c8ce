/* prop.h -- shared machinery of the cmocka property tests: the seed, seeded
 * generators with hard regions, ULP accounting against the budget table, and
 * the evidence rows each test leaves for the report.
 *
 * Include after <setjmp.h>, <stdarg.h>, <stddef.h> and <cmocka.h>. */
#ifndef DMC_PROP_H
#define DMC_PROP_H

#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "evidence.h"

#define PROP_MAX_INPUTS 32

/* The run's seed: evidence_seed() (evidence.h). */
#define prop_seed evidence_seed

/* The number of random points a property test should use: n, scaled by
 * $DMC_POINTS_SCALE (e.g. 0.01 for runs under valgrind), at least 100. */
unsigned long prop_points(unsigned long n);

/* A GSL mt19937 generator seeded with seed ^ stream, so each test has its own
 * reproducible stream. Free with gsl_rng_free. */
gsl_rng *prop_rng(unsigned long seed, unsigned long stream);

/* x = s * 10^u, u uniform in [lo10, hi10], s = +-1 with equal odds if signed. */
double prop_log_uniform(gsl_rng *r, double lo10, double hi10, int is_signed);
/* A uniformly random finite double (uniform over bit patterns). */
double prop_any_finite(gsl_rng *r);

typedef struct {
  const char *function, *claim;
  const char *const *names;   /* input names, for messages */
  int nin;
  double budget;
  unsigned long n, unproved;
  double max_ulp, sum_ulp;
  double worst_in[PROP_MAX_INPUTS], worst_got, worst_want;
  char message[2048];
} prop_acc;

/* Looks the budget up in tests/budgets.tsv; a missing row fails the test. */
void prop_acc_init(prop_acc *a, const char *function, const char *claim,
                   int nin, const char *const *names);
/* Adds one point; want is the correctly rounded reference, ref_status its
 * mpref status (2 = rounding not proved: counted and fails the test).
 * Returns the ULP distance. */
double prop_acc_add(prop_acc *a, const double *in, double got, double want, int ref_status);
/* Records the accuracy evidence row and the accuracy table row, and returns 1
 * if max ULP <= budget. Otherwise a->message holds the counterexample: inputs
 * in %a, got, correctly rounded value, ULP error and budget. */
int prop_acc_finish(prop_acc *a, dmc_evidence *ev, const char *program, unsigned long seed);

/* cmocka assertion with the accumulated message. */
#define PROP_ASSERT_ACC(acc, ev, program, seed) \
  do { if (!prop_acc_finish(&(acc), (ev), (program), (seed))) fail_msg("%s", (acc).message); } while (0)

/* The state every property-test program shares: its seed and its evidence
 * file. PROP_FIXTURE(program) defines the cmocka group setup and teardown
 * (static functions named setup and teardown) that create and close it. */
typedef struct { unsigned long seed; dmc_evidence *ev; } prop_fixture;
int prop_fixture_setup(void **state, const char *program);
int prop_fixture_teardown(void **state);
#define PROP_FIXTURE(program) \
  static int setup(void **state) { return prop_fixture_setup(state, (program)); } \
  static int teardown(void **state) { return prop_fixture_teardown(state); }

/* Power of z-tests (normal approximation of the standardised statistic).
 * prop_power_two_sided: P(|Z + shift| > z_crit); prop_power_one_sided:
 * P(Z + shift > z_crit); prop_shift_for_power: the smallest shift (in
 * standard errors) that a test at z_crit detects with probability power.
 * prop_z_false_alarm: two-sided false-alarm rate 2 Q(z_crit). */
double prop_power_two_sided(double z_crit, double shift);
double prop_power_one_sided(double z_crit, double shift);
/* 1 - prop_power_one_sided, without cancellation */
double prop_miss_one_sided(double z_crit, double shift);
double prop_shift_for_power(double z_crit, double power);
double prop_z_false_alarm(double z_crit);
/* The chi^2_dof tail P(X <= x) (upper = 0) or P(X > x) (upper = 1), and the
 * x with that tail equal to p (bisection within 10 sd of the mean; for the
 * tails >= 1e-12 of dof >= 100 the quantile lies inside). */
double prop_chisq_tail(double x, double dof, int upper);
double prop_chisq_quantile(double p, double dof, int upper);

/* Asserts a condition on doubles with a message; records nothing. */
#define PROP_CHECK(cond, ...) do { if (!(cond)) fail_msg(__VA_ARGS__); } while (0)

#endif
