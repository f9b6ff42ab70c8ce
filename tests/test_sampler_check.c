/* test_sampler_check.c -- D10: dmc_sampler_check on libdmcheck's own samplers
 * (probability-flow Heun and reverse-SDE Euler-Maruyama, run with the exact
 * mixture score) and on perturbed twins that it must reject (claims
 * sampler.check.*). The VP SDE of D6 is the VP process of the oracles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dmcheck.h"
#include "prop.h"

#define PROGRAM "test_sampler_check"
#define NSETS 5
#define NSAMP 6000

typedef prop_fixture fixture;

static const size_t steps[NSETS] = { 10, 20, 40, 80, 160 };
static const double w[2] = { 0.3, 0.7 }, mu[2] = { -2.0, 1.5 }, var[2] = { 0.25, 0.5 };

/* bug: 0 none, 1 score scaled by sigma/sigma^2-like factor 0.9 (a wrong
 * coefficient), 2 score from one step late (t + h). */
typedef struct { dmc_exact_score e; int bug; double h; } twin_ctx;

static int twin_score(void *ctx, double t, double x, double *s)
{
  twin_ctx *c = ctx;
  double tt = c->bug == 2 ? fmin(t + c->h, 1.0) : t;
  int st = dmc_exact_score_fn(&c->e, tt, x, s);
  if (c->bug == 1) *s *= 0.9;
  return st;
}

static int run_sets(int method, int bug, uint64_t seed, double *out[NSETS], size_t n[NSETS])
{
  static const dmc_sde sde = { DMC_SDE_VP, 0.1, 20.0, 0.0 };
  dmc_mixture data = { 2, w, mu, var };
  dmc_mixture_at init = { sde, data, 1.0 };
  for (size_t s = 0; s < NSETS; s++) {
    twin_ctx c = { { sde, data }, bug, 1.0 / (double)steps[s] };
    dmc_sampler smp = { &sde, method, 1.0, 0.0, steps[s], twin_score, &c, dmc_mixture_init_fn, &init };
    n[s] = NSAMP;
    int st = dmc_sde_sample(&smp, NSAMP, 2, seed, out[s]);
    if (st != DMC_OK) return st;
  }
  return DMC_OK;
}

static void print_report(const char *name, const dmc_sampler_report *r)
{
  printf("%s: f_exact %.6g, order %.3g [%.3g, %.3g] (%zu significant differences), limit %.6g +- %.2g (%s) -> %s\n",
         name, r->f_exact, r->order, r->order_lo, r->order_hi, r->nsig, r->limit, r->limit_se,
         r->limit_ok ? "ok" : "off", r->consistent ? "consistent" : "inconsistent");
  for (size_t s = 0; s < NSETS; s++)
    printf("  N=%4zu KS %.4f/%.4f  z(mean) %+.2f z(m2) %+.2f /%.2f  MMD2 %+.2e/%.2e  fbar %.5f +- %.5f %s\n",
           r->set[s].nsteps, r->set[s].ks, r->set[s].ks_thr, r->set[s].mean_z, r->set[s].m2_z, r->set[s].z_thr,
           r->set[s].mmd2, r->set[s].mmd2_thr, r->set[s].f_mean, r->set[s].f_se, r->set[s].pass ? "pass" : "FAIL");
}

/* keep: the sets are kept for a later case; reuse: judge the kept sets (no
 * new samples) */
typedef struct { const char *name; int method, bug, paired; double order; int expect; const char *check; int keep, reuse; }
  sampler_case;

#define HEUN "libdmcheck probability-flow Heun judged consistent with order 2"
#define EM "libdmcheck reverse-SDE Euler-Maruyama judged consistent with order 1"

static void test_sampler_check_libdmcheck(void **state)
{
  fixture *fx = *state;
  /* the order-1 control judges the very sets that pass as order 2 */
  static const sampler_case cases[] = {
    { "probability-flow Heun (order 2)", DMC_HEUN_FLOW, 0, 1, 2.0, 1, HEUN, 1, 0 },
    { "reverse-SDE Euler-Maruyama (order 1)", DMC_EM_REVERSE, 0, 0, 1.0, 1, EM, 0, 0 },
    { "control: Heun checked as order 1 (the same sets)", DMC_HEUN_FLOW, 0, 1, 1.0, 0, HEUN, 0, 1 },
    { "control: Heun twin, score x 0.9", DMC_HEUN_FLOW, 1, 1, 2.0, 0, HEUN, 0, 0 },
    { "control: Heun twin, score one step late", DMC_HEUN_FLOW, 2, 1, 2.0, 0, HEUN, 0, 0 },
    { "control: Euler-Maruyama twin, score x 0.9", DMC_EM_REVERSE, 1, 0, 1.0, 0, EM, 0, 0 },
  };
  static const dmc_proc vp = { DMC_PROC_VP, 0.1, 20.0 };
  const dmc_gmm g = { 2, 1, w, mu, var, DMC_GMM_ISO, DMC_WEIGHTS_LINEAR };
  double *out[NSETS], *kept[NSETS];
  size_t n[NSETS];
  for (size_t s = 0; s < NSETS; s++) { out[s] = malloc(NSAMP * sizeof(double)); kept[s] = malloc(NSAMP * sizeof(double)); }
  int all = 1;
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    const sampler_case *k = &cases[c];
    double **sets = k->keep || k->reuse ? kept : out;
    if (!k->reuse)
      PROP_CHECK(run_sets(k->method, k->bug, fx->seed + c, sets, n) == DMC_OK, "sampler failed");
    dmc_sampler_report rep;
    int st = dmc_sampler_check(&vp, &g, 0.0, NSETS, steps, n, (const double *const *)sets, k->paired,
                               k->order, 1e-6, &rep);
    PROP_CHECK(st == DMC_OK, "dmc_sampler_check failed (%d)", st);
    print_report(k->name, &rep);
    int ok = rep.consistent == k->expect;
    all &= ok;
    evidence_row(fx->ev, "sampler.check.correct", k->expect ? "statistical" : "control", ok, k->check,
                 (unsigned long)(NSETS * NSAMP), fx->seed, "%s: %s; order %.3g [%.3g, %.3g], limit %.5g vs exact %.5g (+-%.2g), last set KS %.4f/%.4f MMD2 %.2e/%.2e",
                 k->name, rep.consistent ? "consistent" : "inconsistent", rep.order, rep.order_lo, rep.order_hi,
                 rep.limit, rep.f_exact, rep.limit_se, rep.set[NSETS - 1].ks, rep.set[NSETS - 1].ks_thr,
                 rep.set[NSETS - 1].mmd2, rep.set[NSETS - 1].mmd2_thr);
  }
  for (size_t s = 0; s < NSETS; s++) { free(out[s]); free(kept[s]); }
  PROP_CHECK(all, "a verdict differs from the expected one (see above)");
}

static void test_sampler_check_domain(void **state)
{
  fixture *fx = *state;
  static const dmc_proc vp = { DMC_PROC_VP, 0.1, 20.0 };
  const dmc_gmm g = { 2, 1, w, mu, var, DMC_GMM_ISO, DMC_WEIGHTS_LINEAR };
  double x[20], *xs[2] = { x, x };
  for (int i = 0; i < 20; i++) x[i] = i * 0.1;
  size_t n[2] = { 20, 20 }, st_same[2] = { 10, 10 }, st_ok[2] = { 10, 20 };
  dmc_sampler_report rep;
  int ok = 1;
  ok &= dmc_sampler_check(&vp, &g, 0.0, 2, st_same, n, (const double *const *)xs, 0, 1.0, 1e-6, &rep) == DMC_EDOM;
  ok &= isnan(rep.f_exact) && isnan(rep.set[0].ks);
  ok &= dmc_sampler_check(&vp, &g, 0.0, 2, st_ok, n, (const double *const *)xs, 0, 1.0, 1e-3, &rep) == DMC_EDOM;
  ok &= dmc_sampler_check(&vp, &g, 2.0, 2, st_ok, n, (const double *const *)xs, 0, 1.0, 1e-6, &rep) == DMC_EDOM;
  x[3] = NAN;
  ok &= dmc_sampler_check(&vp, &g, 0.0, 2, st_ok, n, (const double *const *)xs, 0, 1.0, 1e-6, &rep) == DMC_EDOM;
  ok &= dmc_sampler_check(&vp, &g, 0.0, 2, st_ok, n, (const double *const *)xs, 0, 1.0, 1e-6, NULL) == DMC_EDOM;
  evidence_row(fx->ev, "sampler.check.correct", "behaviour", ok, "invalid arguments", 5, fx->seed,
               "equal step counts, alpha > 1e-6, t outside the schedule, a NaN sample, NULL report: DMC_EDOM with NaN report fields");
  PROP_CHECK(ok, "an invalid call was accepted");
}

PROP_FIXTURE(PROGRAM)

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_sampler_check_libdmcheck),
    cmocka_unit_test(test_sampler_check_domain),
  };
  return cmocka_run_group_tests_name(PROGRAM, tests, setup, teardown);
}
