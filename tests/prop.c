/* prop.c -- see prop.h. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "prop.h"
#include "budgets.h"
#include "dmcheck.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_gamma.h>

unsigned long prop_points(unsigned long n)
{
  const char *s = getenv("DMC_POINTS_SCALE");
  double scale = s && *s ? strtod(s, NULL) : 1.0;
  if (!(scale > 0) || scale > 1) scale = 1.0;
  unsigned long scaled = (unsigned long)((double)n * scale);
  return scaled < 100 ? (n < 100 ? n : 100) : scaled;
}

double prop_power_two_sided(double z_crit, double shift)
{
  return gsl_cdf_ugaussian_Q(z_crit - shift) + gsl_cdf_ugaussian_P(-z_crit - shift);
}
double prop_power_one_sided(double z_crit, double shift) { return gsl_cdf_ugaussian_Q(z_crit - shift); }
double prop_miss_one_sided(double z_crit, double shift) { return gsl_cdf_ugaussian_P(z_crit - shift); }
double prop_shift_for_power(double z_crit, double power) { return z_crit + gsl_cdf_ugaussian_Pinv(power); }
double prop_z_false_alarm(double z_crit) { return 2 * gsl_cdf_ugaussian_Q(z_crit); }

gsl_rng *prop_rng(unsigned long seed, unsigned long stream)
{
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  if (!r) { fprintf(stderr, "prop: cannot allocate a generator\n"); exit(2); }
  gsl_rng_set(r, seed ^ (stream * 0x9E3779B97F4A7C15UL));
  return r;
}

double prop_log_uniform(gsl_rng *r, double lo10, double hi10, int is_signed)
{
  double x = pow(10.0, lo10 + (hi10 - lo10) * gsl_rng_uniform(r));
  return (is_signed && gsl_rng_uniform(r) < 0.5) ? -x : x;
}

double prop_any_finite(gsl_rng *r)
{
  for (;;) {
    uint64_t bits = ((uint64_t)gsl_rng_get(r) << 32) ^ (uint64_t)gsl_rng_get(r);
    double x;
    memcpy(&x, &bits, sizeof x);
    if (isfinite(x)) return x;
  }
}

void prop_acc_init(prop_acc *a, const char *function, const char *claim,
                   int nin, const char *const *names)
{
  memset(a, 0, sizeof *a);
  a->function = function;
  a->claim = claim;
  a->nin = nin > PROP_MAX_INPUTS ? PROP_MAX_INPUTS : nin;
  a->names = names;
  a->max_ulp = -1;
  char err[512];
  a->budget = budgets_lookup(function, err, sizeof err);
  if (a->budget < 0) fail_msg("%s", err);
}

double prop_acc_add(prop_acc *a, const double *in, double got, double want, int ref_status)
{
  double ulp = dmc_ulp_distance(got, want);
  a->n++;
  if (ref_status == 2 && a->unproved++ == 0) {
    fprintf(stderr, "%s: reference rounding not proved at", a->function);
    for (int i = 0; i < a->nin; i++) fprintf(stderr, " %s=%a", a->names[i], in[i]);
    fprintf(stderr, "\n");
  }
  if (isfinite(ulp)) a->sum_ulp += ulp;
  if (ulp > a->max_ulp) {
    a->max_ulp = ulp;
    for (int i = 0; i < a->nin; i++) a->worst_in[i] = in[i];
    a->worst_got = got;
    a->worst_want = want;
  }
  return ulp;
}

static void describe_worst(const prop_acc *a, char *buf, size_t len)
{
  size_t used = 0;
  for (int i = 0; i < a->nin && used < len; i++)
    used += (size_t)snprintf(buf + used, len - used, "%s%s=%a", i ? " " : "", a->names[i], a->worst_in[i]);
}

int prop_acc_finish(prop_acc *a, dmc_evidence *ev, const char *program, unsigned long seed)
{
  char inputs[1536] = "";
  describe_worst(a, inputs, sizeof inputs);
  int pass = a->n > 0 && a->max_ulp <= a->budget && a->unproved == 0;
  if (a->n == 0)
    snprintf(a->message, sizeof a->message, "%s: no points were tested", a->function);
  else if (a->unproved)
    snprintf(a->message, sizeof a->message, "%s: the reference could not prove the rounding at %lu of %lu points",
             a->function, a->unproved, a->n);
  else if (a->max_ulp == 0)
    snprintf(a->message, sizeof a->message,
             "%s [claim %s]: max observed 0 ULP over %lu points (budget %.0f ULP): every result correctly rounded",
             a->function, a->claim, a->n, a->budget);
  else
    snprintf(a->message, sizeof a->message,
             "%s [claim %s]: max observed %.0f ULP over %lu points (budget %.0f ULP); worst at %s: got %a, correctly rounded %a",
             a->function, a->claim, a->max_ulp, a->n, a->budget, inputs, a->worst_got, a->worst_want);
  evidence_row(ev, a->claim, "accuracy", pass, a->function, a->n, seed, "%s", a->message);
  char name[256];
  snprintf(name, sizeof name, "%s-%s.csv", program, a->function);
  FILE *f = evidence_data_file("accuracy", name);
  if (f) {
    fprintf(f, "function,claim,n,budget,max_ulp,mean_ulp,worst_input,got,want,seed\n");
    fprintf(f, "%s,%s,%lu,%.0f,%.0f,%.3g,", a->function, a->claim, a->n, a->budget, a->max_ulp,
            a->n ? a->sum_ulp / (double)a->n : 0.0);
    evidence_csv_field(f, inputs);
    fprintf(f, ",%a,%a,%lu\n", a->worst_got, a->worst_want, seed);
    fclose(f);
  }
  return pass;
}

int prop_fixture_setup(void **state, const char *program)
{
  prop_fixture *fx = malloc(sizeof *fx);
  if (!fx) return -1;
  fx->seed = prop_seed(program);
  fx->ev = evidence_open(program);
  *state = fx;
  return fx->ev ? 0 : -1;
}

int prop_fixture_teardown(void **state)
{
  prop_fixture *fx = *state;
  int status = evidence_close(fx->ev);
  free(fx);
  return status;
}

/* GSL's incomplete gamma fails ("large x asymptotic", no convergence) only
 * for tails far below 1e-100, more than 10 sd from the mean: those count as
 * 0. Any other failure gives NaN, which fails the caller's test. */
double prop_chisq_tail(double x, double dof, int upper)
{
  gsl_sf_result r;
  gsl_error_handler_t *old = gsl_set_error_handler_off();
  int st = upper ? gsl_sf_gamma_inc_Q_e(dof / 2, x / 2, &r) : gsl_sf_gamma_inc_P_e(dof / 2, x / 2, &r);
  gsl_set_error_handler(old);
  if (st == GSL_SUCCESS) return r.val;
  return fabs(x - dof) > 10 * sqrt(2 * dof) ? 0 : NAN;
}

double prop_chisq_quantile(double p, double dof, int upper)
{
  double a = dof - 10 * sqrt(2 * dof), b = dof + 10 * sqrt(2 * dof);
  if (a < 0) a = 0;
  for (int i = 0; i < 200; i++) {
    double m = 0.5 * (a + b);
    int right = upper ? prop_chisq_tail(m, dof, 1) < p : prop_chisq_tail(m, dof, 0) > p;
    if (right) b = m; else a = m;
  }
  return 0.5 * (a + b);
}
