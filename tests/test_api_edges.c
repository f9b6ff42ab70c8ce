/* test_api_edges.c -- every public function of dmcheck.h under special
 * values: NaN, +-inf, +-0, +-2^-1074, DBL_MIN, +-DBL_MAX, NULL pointers,
 * n = 0 and huge n. Each call must keep the documented convention:
 *   - DMC_OK with every output a number (no NaN), or
 *   - an error code (DMC_EDOM, DMC_ENOMEM, DMC_ERANGE) with NaN in every
 *     output that is not NULL (every array entry of known length),
 *   - and never a write past an array (a canary after each array; ASan/UBSan
 *     in `make check-asan` catch the rest).
 * The regression cases of issue #12 are at the end, each by name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "dmcheck.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CANARY 0x1.5a5a5a5a5a5a5p+777

static const double SPECIAL[] = {
  NAN, INFINITY, -INFINITY, 0.0, -0.0, 0x1p-1074, -0x1p-1074, DBL_MIN,
  DBL_MAX, -DBL_MAX, 1.0, -1.0, 0.5, 3.0,
};
#define NSPECIAL (sizeof SPECIAL / sizeof SPECIAL[0])

static const size_t HUGE_N[] = { DMC_N_MAX + 1, (size_t)1 << 62, (size_t)1 << 63, SIZE_MAX };
#define NHUGE (sizeof HUGE_N / sizeof HUGE_N[0])

static unsigned long calls;    /* the sweep's size, printed at the end */
static unsigned long failures; /* of the current test */

/* Broken calls per function name: the first of each is printed in full,
 * the counts at the end of the test. */
#define MAX_NAMES 64
static const char *names[MAX_NAMES];
static unsigned long name_failures[MAX_NAMES];
static int nnames;

static int first_failure_of(const char *fn)
{
  failures++;
  for (int i = 0; i < nnames; i++)
    if (strcmp(names[i], fn) == 0) return name_failures[i]++ == 0;
  if (nnames == MAX_NAMES) return 0;
  names[nnames] = fn;
  name_failures[nnames++] = 1;
  return 1;
}

#define REPORT(fn, ...) do { if (first_failure_of(fn)) print_error(__VA_ARGS__); } while (0)
#define FINISH() do { if (failures) finish_failures(); } while (0)

static void finish_failures(void)
{
  for (int i = 0; i < nnames; i++) print_error("  %s: %lu calls\n", names[i], name_failures[i]);
  unsigned long f = failures;
  failures = 0;
  nnames = 0;
  fail_msg("%lu calls broke the convention", f);
}

/* The convention for one call: outs[i] points at nout[i] doubles (NULL: an
 * output not passed). */
typedef struct { double *p; size_t n; } outbuf;

/* "fn(args in %a)" into where: only for a report (formatting every call's
 * arguments was most of this program's time) */
static const char *call_text(char *where, size_t size, const char *fn, const double *args, int nargs)
{
  int len = snprintf(where, size, "%s(", fn);
  for (int i = 0; i < nargs && len < (int)size - 40; i++)
    len += snprintf(where + len, size - (size_t)len, "%s%a", i ? ", " : "", args[i]);
  snprintf(where + len, size - (size_t)len, ")");
  return where;
}
#define WHERE call_text(where, sizeof where, fn, args, nargs)

static void check_convention(const char *fn, int status, const double *args, int nargs,
                             const outbuf *outs, int nouts)
{
  calls++;
  char where[512];
  if (status != DMC_OK && status != DMC_EDOM && status != DMC_ENOMEM && status != DMC_ERANGE)
    REPORT(fn, "%s: status %d is not a documented code\n", WHERE, status);
  for (int k = 0; k < nouts; k++) {
    if (!outs[k].p) continue;
    for (size_t i = 0; i < outs[k].n; i++) {
      double v = outs[k].p[i];
      if (status == DMC_OK && isnan(v))
        { REPORT(fn, "%s: DMC_OK with a NaN in output %d[%zu]\n", WHERE, k, i); return; }
      if (status != DMC_OK && !isnan(v))
        { REPORT(fn, "%s: status %d but output %d[%zu] = %a, not NaN\n", WHERE, status, k, i, v); return; }
    }
    if (outs[k].p[outs[k].n] != CANARY)
      REPORT(fn, "%s: wrote past the end of output %d (%zu entries)\n", WHERE, k, outs[k].n);
  }
}

static void reset(double *p, size_t n)
{
  for (size_t i = 0; i < n; i++) p[i] = -12345.0; /* neither NaN nor a likely result */
  p[n] = CANARY;
}

/* Every tuple of k values from SPECIAL (k <= 4), or every tuple of k values
 * from the first `reduced` entries plus 20000 pseudo-random tuples over all
 * of SPECIAL (k > 4). next() advances idx; returns 0 when done. */
typedef struct { int k; size_t idx[8]; unsigned long count, limit; uint64_t state; int random; } tuples;

static void tuples_init(tuples *t, int k)
{
  memset(t, 0, sizeof *t);
  t->k = k;
  t->state = 0x9e3779b97f4a7c15u;
}

static int tuples_next(tuples *t, double *v)
{
  const size_t reduced = 10; /* NaN, +-inf, +-0, +-min subnormal, DBL_MIN, +-DBL_MAX */
  size_t base = t->k <= 4 ? NSPECIAL : reduced;
  if (!t->random) {
    if (t->count > 0) {
      int i = 0;
      while (i < t->k && ++t->idx[i] == base) t->idx[i++] = 0;
      if (i == t->k) { t->random = t->k > 4; t->count = 0; if (!t->random) return 0; }
    }
    if (!t->random) {
      for (int i = 0; i < t->k; i++) v[i] = SPECIAL[t->idx[i]];
      t->count++;
      return 1;
    }
  }
  if (t->count++ >= 20000) return 0;
  for (int i = 0; i < t->k; i++) {
    t->state = t->state * 6364136223846793005u + 1442695040888963407u;
    v[i] = SPECIAL[(t->state >> 33) % NSPECIAL];
  }
  return 1;
}

/* ---- scalar functions: k double arguments, one or two double outputs ---- */

typedef int (*scalar_fn)(const double *v, double *o1, double *o2);

#define S1(name, call) static int name(const double *v, double *o, double *o2) { (void)o2; return call; }
S1(c_gauss_logpdf, dmc_gauss_logpdf(v[0], v[1], v[2], o))
S1(c_gauss_score, dmc_gauss_score(v[0], v[1], v[2], o))
S1(c_tweedie_mean, dmc_tweedie_mean(v[0], v[1], v[2], v[3], o))
S1(c_tweedie_var, dmc_tweedie_var(v[0], v[1], v[2], o))
S1(c_unif_score, dmc_unif_score(v[0], v[1], v[2], v[3], v[4], o))
S1(c_dsm_loss, dmc_dsm_loss(v[0], v[1], v[2], v[3], v[4], o))
S1(c_esm_loss, dmc_esm_loss(v[0], v[1], v[2], v[3], v[4], o))
S1(c_dsm_loss_constant, dmc_dsm_loss_constant(v[0], v[1], o))
S1(c_gauss_kl, dmc_gauss_kl(v[0], v[1], v[2], v[3], o))
S1(c_gauss_loglik, dmc_gauss_loglik(v[0], v[1], v[2], o))
S1(c_discretized, dmc_discretized_gaussian_loglik(v[0], v[1], v[2], o))
S1(c_log_snr, dmc_log_snr(v[0], v[1], o))
S1(c_dps_ratio, dmc_dps_ratio(v[0], v[1], v[2], v[3], v[4], o))
/* the empirical denoiser with two data points */
S1(c_empirical_denoiser, dmc_empirical_denoiser(v[0], v[1], v[2], 2, (const double[]){ v[3], v[4] }, o))
/* the DPS scores: the five parameters swept, x_t, y, m fixed, and the reverse */
S1(c_dps_exact, dmc_dps_score_exact(0.5, -1.0, v[0], v[1], 2.0, v[2], v[3], v[4], o))
S1(c_dps_dps, dmc_dps_score_dps(0.5, -1.0, v[0], v[1], 2.0, v[2], v[3], v[4], o))
S1(c_dps_exact_xym, dmc_dps_score_exact(v[0], v[1], 0.5, 0.25, v[2], 1.5, 2.0, 0.75, o))
S1(c_dps_dps_xym, dmc_dps_score_dps(v[0], v[1], 0.5, 0.25, v[2], 1.5, 2.0, 0.75, o))
static int c_dsm_optimum(const double *v, double *w, double *b)
{
  return dmc_dsm_linear_optimum(v[0], v[1], v[2], w, b);
}

typedef struct { const char *name; scalar_fn fn; int k, nout; } scalar_case;
static const scalar_case SCALARS[] = {
  { "dmc_gauss_logpdf", c_gauss_logpdf, 3, 1 },
  { "dmc_gauss_score", c_gauss_score, 3, 1 },
  { "dmc_tweedie_mean", c_tweedie_mean, 4, 1 },
  { "dmc_tweedie_var", c_tweedie_var, 3, 1 },
  { "dmc_unif_score", c_unif_score, 5, 1 },
  { "dmc_dsm_loss", c_dsm_loss, 5, 1 },
  { "dmc_esm_loss", c_esm_loss, 5, 1 },
  { "dmc_dsm_loss_constant", c_dsm_loss_constant, 2, 1 },
  { "dmc_gauss_kl", c_gauss_kl, 4, 1 },
  { "dmc_gauss_loglik", c_gauss_loglik, 3, 1 },
  { "dmc_discretized_gaussian_loglik", c_discretized, 3, 1 },
  { "dmc_log_snr", c_log_snr, 2, 1 },
  { "dmc_dps_ratio", c_dps_ratio, 5, 1 },
  { "dmc_empirical_denoiser", c_empirical_denoiser, 5, 1 },
  { "dmc_dps_score_exact", c_dps_exact, 5, 1 },
  { "dmc_dps_score_dps", c_dps_dps, 5, 1 },
  { "dmc_dps_score_exact (x_t, y, m)", c_dps_exact_xym, 3, 1 },
  { "dmc_dps_score_dps (x_t, y, m)", c_dps_dps_xym, 3, 1 },
  { "dmc_dsm_linear_optimum", c_dsm_optimum, 3, 2 },
};

static void test_scalars(void **state)
{
  (void)state;
  for (size_t f = 0; f < sizeof SCALARS / sizeof SCALARS[0]; f++) {
    const scalar_case *c = &SCALARS[f];
    tuples t;
    tuples_init(&t, c->k);
    double v[8], o1[2], o2[2];
    while (tuples_next(&t, v)) {
      reset(o1, 1); reset(o2, 1);
      outbuf outs[2] = { { o1, 1 }, { c->nout > 1 ? o2 : NULL, 1 } };
      check_convention(c->name, c->fn(v, o1, c->nout > 1 ? o2 : NULL), v, c->k, outs, c->nout);
      /* each output pointer NULL in turn: still no crash, the others NaN */
      for (int drop = 0; drop < c->nout; drop++) {
        reset(o1, 1); reset(o2, 1);
        double *p1 = drop == 0 ? NULL : o1, *p2 = c->nout < 2 || drop == 1 ? NULL : o2;
        int st = c->fn(v, p1, p2);
        outbuf o[2] = { { p1, 1 }, { p2, 1 } };
        if (st == DMC_OK) fail_msg("%s: DMC_OK with output %d NULL", c->name, drop);
        check_convention(c->name, st, v, c->k, o, c->nout);
      }
    }
  }
  FINISH();
}

static void test_param_convert(void **state)
{
  (void)state;
  for (int from = -1; from <= DMC_PARAM_SCORE + 1; from++)
    for (int to = -1; to <= DMC_PARAM_SCORE + 1; to++) {
      tuples t;
      tuples_init(&t, 3);
      double v[3], o[2];
      while (tuples_next(&t, v)) {
        reset(o, 1);
        outbuf out = { o, 1 };
        double args[5] = { from, to, v[0], v[1], v[2] };
        check_convention("dmc_param_convert", dmc_param_convert(from, to, v[0], v[1], v[2], o),
                         args, 5, &out, 1);
      }
      assert_int_equal(dmc_param_convert(from, to, 0.5, 1, 1, NULL), DMC_EDOM);
    }
  FINISH();
}

/* ---- D6: SDEs ------------------------------------------------------------ */

static void test_sde_scalars(void **state)
{
  (void)state;
  const int kinds[] = { DMC_SDE_OU, DMC_SDE_VP, 0, 3 };
  for (size_t kk = 0; kk < 4; kk++) {
    tuples t;
    tuples_init(&t, 4);
    double v[4], a[2], b[2], sd[2], f[2];
    while (tuples_next(&t, v)) {
      dmc_sde s = { kinds[kk], v[0], v[1], v[2] };
      double args[6] = { kinds[kk], v[0], v[1], v[2], v[3], 0.5 };
      reset(a, 1); reset(b, 1); reset(sd, 1);
      outbuf o3[3] = { { a, 1 }, { b, 1 }, { sd, 1 } };
      check_convention("dmc_sde_marginal", dmc_sde_marginal(&s, v[3], a, b, sd), args, 5, o3, 3);
      for (int drop = 0; drop < 3; drop++) {
        reset(a, 1); reset(b, 1); reset(sd, 1);
        double *pa = drop == 0 ? NULL : a, *pb = drop == 1 ? NULL : b, *ps = drop == 2 ? NULL : sd;
        outbuf od[3] = { { pa, 1 }, { pb, 1 }, { ps, 1 } };
        int st = dmc_sde_marginal(&s, v[3], pa, pb, ps);
        assert_int_not_equal(st, DMC_OK);
        check_convention("dmc_sde_marginal (one output NULL)", st, args, 5, od, 3);
      }
      reset(f, 1);
      outbuf o1 = { f, 1 };
      check_convention("dmc_sde_drift", dmc_sde_drift(&s, v[3], 0.5, f), args, 6, &o1, 1);
      reset(f, 1);
      check_convention("dmc_sde_drift", dmc_sde_drift(&s, 0.5, v[3], f), args, 5, &o1, 1);
      reset(f, 1);
      check_convention("dmc_sde_diffusion", dmc_sde_diffusion(&s, v[3], f), args, 5, &o1, 1);
    }
  }
  double a[2], b[2], sd[2];
  reset(a, 1); reset(b, 1); reset(sd, 1);
  outbuf o3[3] = { { a, 1 }, { b, 1 }, { sd, 1 } };
  check_convention("dmc_sde_marginal(NULL sde)", dmc_sde_marginal(NULL, 0.5, a, b, sd), NULL, 0, o3, 3);
  FINISH();
}

static void test_mixture(void **state)
{
  (void)state;
  const dmc_sde sdes[2] = { { DMC_SDE_OU, 1.0, 0.5, 1.0 }, { DMC_SDE_VP, 0.1, 20.0, 0.0 } };
  gsl_rng *r = dmc_stream_alloc();
  assert_non_null(r);
  for (int k = 0; k < 2; k++) {
    tuples t;
    tuples_init(&t, 4);
    double v[4], o[2];
    while (tuples_next(&t, v)) {
      double w[2] = { 1.0, v[0] }, mu[2] = { 0.0, v[1] }, var[2] = { 1.0, v[2] };
      dmc_mixture m = { 2, w, mu, var };
      double args[4] = { v[0], v[1], v[2], v[3] };
      outbuf out = { o, 1 };
      reset(o, 1);
      check_convention("dmc_mixture_marginal_score", dmc_mixture_marginal_score(&sdes[k], &m, 0.5, v[3], o), args, 4, &out, 1);
      reset(o, 1);
      check_convention("dmc_mixture_marginal_pdf", dmc_mixture_marginal_pdf(&sdes[k], &m, 0.5, v[3], o), args, 4, &out, 1);
      reset(o, 1);
      check_convention("dmc_mixture_marginal_cdf", dmc_mixture_marginal_cdf(&sdes[k], &m, 0.5, v[3], o), args, 4, &out, 1);
      reset(o, 1);
      check_convention("dmc_mixture_marginal_draw", dmc_mixture_marginal_draw(&sdes[k], &m, v[3], r, o), args, 4, &out, 1);
      dmc_exact_score es = { sdes[k], m };
      reset(o, 1);
      check_convention("dmc_exact_score_fn", dmc_exact_score_fn(&es, 0.5, v[3], o), args, 4, &out, 1);
      dmc_mixture_at at = { sdes[k], m, v[3] };
      reset(o, 1);
      check_convention("dmc_mixture_init_fn", dmc_mixture_init_fn(&at, r, o), args, 4, &out, 1);
    }
    outbuf out = { o, 1 };
    double w[1] = { 1 }, mu[1] = { 0 }, var[1] = { 1 };
    dmc_mixture empty = { 0, w, mu, var }, huge = { SIZE_MAX, w, mu, var };
    reset(o, 1);
    check_convention("dmc_mixture_marginal_score(n = 0)", dmc_mixture_marginal_score(&sdes[k], &empty, 0.5, 0, o), NULL, 0, &out, 1);
    reset(o, 1);
    check_convention("dmc_mixture_marginal_pdf(NULL)", dmc_mixture_marginal_pdf(&sdes[k], NULL, 0.5, 0, o), NULL, 0, &out, 1);
    reset(o, 1);
    check_convention("dmc_mixture_marginal_cdf(n = SIZE_MAX)", dmc_mixture_marginal_cdf(&sdes[k], &huge, 0.5, 0, o), NULL, 0, &out, 1);
    reset(o, 1);
    check_convention("dmc_mixture_marginal_draw(NULL r)", dmc_mixture_marginal_draw(&sdes[k], &empty, 0.5, NULL, o), NULL, 0, &out, 1);
    reset(o, 1);
    check_convention("dmc_exact_score_fn(NULL)", dmc_exact_score_fn(NULL, 0.5, 0, o), NULL, 0, &out, 1);
    reset(o, 1);
    check_convention("dmc_mixture_init_fn(NULL)", dmc_mixture_init_fn(NULL, r, o), NULL, 0, &out, 1);
  }
  gsl_rng_free(r);
  FINISH();
}

static int exact_ou_score(void *ctx, double t, double x, double *score)
{
  return dmc_exact_score_fn(ctx, t, x, score);
}

static void test_sde_path_sample(void **state)
{
  (void)state;
  static const double w[1] = { 1 }, mu[1] = { 0 }, var[1] = { 1 };
  dmc_sde ou = { DMC_SDE_OU, 1.0, 0.0, 1.0 };
  dmc_exact_score es = { ou, { 1, w, mu, var } };
  dmc_mixture_at at = { ou, { 1, w, mu, var }, 1.0 };
  gsl_rng *r = dmc_stream_alloc();
  assert_non_null(r);
  for (int method = 0; method <= 4; method++) {
    tuples t;
    tuples_init(&t, 3);
    double v[3], x[2];
    while (tuples_next(&t, v)) {
      double args[4] = { method, v[0], v[1], v[2] };
      outbuf out = { x, 1 };
      reset(x, 1);
      x[0] = v[2];
      check_convention("dmc_sde_path", dmc_sde_path(&ou, method, v[0], v[1], 3, exact_ou_score, &es, r, x),
                       args, 4, &out, 1);
    }
    outbuf out = { x, 1 };
    reset(x, 1);
    x[0] = 0.0;
    check_convention("dmc_sde_path(nsteps = 0)", dmc_sde_path(&ou, method, 1, 0, 0, exact_ou_score, &es, r, x), NULL, 0, &out, 1);
  }
  gsl_rng_free(r);
  /* dmc_sde_sample: n = 0, 1, 300 and huge n; bad sampler fields */
  dmc_sampler good = { &ou, DMC_EM_REVERSE, 1.0, 0.0, 4, exact_ou_score, &es, dmc_mixture_init_fn, &at };
  const size_t ns[] = { 0, 1, 300 };
  double out[302];
  for (size_t i = 0; i < 3; i++) {
    reset(out, ns[i]);
    outbuf o = { out, ns[i] };
    double args[1] = { (double)ns[i] };
    int st = dmc_sde_sample(&good, ns[i], 2, 7, out);
    check_convention("dmc_sde_sample", st, args, 1, &o, 1);
    if (ns[i] == 0) assert_int_equal(st, DMC_EDOM);
    dmc_sampler bad = good;
    bad.init = NULL;
    reset(out, ns[i]);
    check_convention("dmc_sde_sample(init NULL)", dmc_sde_sample(&bad, ns[i], 2, 7, out), args, 1, &o, 1);
    bad = good;
    bad.t0 = NAN;
    reset(out, ns[i]);
    check_convention("dmc_sde_sample(t0 NaN)", dmc_sde_sample(&bad, ns[i], 2, 7, out), args, 1, &o, 1);
    reset(out, ns[i]);
    check_convention("dmc_sde_sample(NULL)", dmc_sde_sample(NULL, ns[i], 2, 7, out), args, 1, &o, 1);
    reset(out, ns[i]);
    check_convention("dmc_sde_sample(nthreads 0)", dmc_sde_sample(&good, ns[i], 0, 7, out), args, 1, &o, 1);
  }
  for (size_t i = 0; i < NHUGE; i++) {
    reset(out, 1);
    assert_int_equal(dmc_sde_sample(&good, HUGE_N[i], 1, 7, out), DMC_EDOM);
    assert_true(out[0] == -12345.0); /* no such array: nothing written */
    calls++;
  }
  FINISH();
}

/* ---- arrays -------------------------------------------------------------- */

#define NA 4
static void test_gauss_arrays(void **state)
{
  (void)state;
  const size_t ns[] = { 0, 1, 2, 3 };
  for (size_t in = 0; in < 4; in++) {
    size_t n = ns[in];
    tuples t;
    tuples_init(&t, 3);
    double v[3];
    while (tuples_next(&t, v)) {
      double x[NA], mu[NA], var[NA], cov[NA * NA], o[NA + 1];
      for (size_t i = 0; i < NA; i++) { x[i] = 0.25 * (double)i; mu[i] = 1.0; var[i] = 2.0; }
      for (size_t i = 0; i < NA * NA; i++) cov[i] = i % (n + 1) == 0 ? 2.0 : 0.0; /* 2 I */
      if (n > 0) {
        x[n - 1] = v[0]; mu[n - 1] = v[1]; var[n - 1] = v[2];
        cov[(n - 1) * n + (n - 1)] = v[2];
      }
      double args[4] = { (double)n, v[0], v[1], v[2] };
      outbuf o1 = { o, 1 }, on = { o, n };
      reset(o, 1);
      check_convention("dmc_gauss_diag_logpdf", dmc_gauss_diag_logpdf(n, x, mu, var, o), args, 4, &o1, 1);
      reset(o, n);
      check_convention("dmc_gauss_diag_score", dmc_gauss_diag_score(n, x, mu, var, o), args, 4, &on, 1);
      reset(o, 1);
      check_convention("dmc_gauss_full_logpdf", dmc_gauss_full_logpdf(n, x, mu, cov, o), args, 4, &o1, 1);
      reset(o, n);
      check_convention("dmc_gauss_full_score", dmc_gauss_full_score(n, x, mu, cov, o), args, 4, &on, 1);
      if (n == 2) { /* an off-diagonal special value */
        cov[1] = cov[2] = v[0];
        reset(o, n);
        check_convention("dmc_gauss_full_score(offdiag)", dmc_gauss_full_score(n, x, mu, cov, o), args, 4, &on, 1);
        reset(o, 1);
        check_convention("dmc_gauss_full_logpdf(offdiag)", dmc_gauss_full_logpdf(n, x, mu, cov, o), args, 4, &o1, 1);
      }
    }
  }
  double x[1] = { 0 }, mu[1] = { 0 }, var[1] = { 1 }, o[2];
  for (size_t i = 0; i < NHUGE; i++) {
    size_t n = HUGE_N[i];
    outbuf o1 = { o, 1 };
    reset(o, 1);
    check_convention("dmc_gauss_diag_logpdf(huge n)", dmc_gauss_diag_logpdf(n, x, mu, var, o), NULL, 0, &o1, 1);
    reset(o, 1);
    check_convention("dmc_gauss_full_logpdf(huge n)", dmc_gauss_full_logpdf(n, x, mu, var, o), NULL, 0, &o1, 1);
    reset(o, 1);
    assert_int_equal(dmc_gauss_diag_score(n, x, mu, var, o), DMC_EDOM);
    assert_true(o[0] == -12345.0);
    reset(o, 1);
    assert_int_equal(dmc_gauss_full_score(n, x, mu, var, o), DMC_EDOM);
    assert_true(o[0] == -12345.0);
    calls += 2;
  }
  /* NULL inputs */
  outbuf o1 = { o, 1 };
  reset(o, 1);
  check_convention("dmc_gauss_diag_logpdf(NULL x)", dmc_gauss_diag_logpdf(1, NULL, mu, var, o), NULL, 0, &o1, 1);
  reset(o, 1);
  check_convention("dmc_gauss_full_score(NULL cov)", dmc_gauss_full_score(1, x, mu, NULL, o), NULL, 0, &o1, 1);
  /* n = 2^32 + 1: n * n wraps a 64-bit size_t */
  size_t wrap = ((size_t)1 << 32) + 1;
  reset(o, 1);
  check_convention("dmc_gauss_full_logpdf(n*n wraps)", dmc_gauss_full_logpdf(wrap, x, mu, var, o), NULL, 0, &o1, 1);
  FINISH();
}

static void test_dps_mv(void **state)
{
  (void)state;
  const size_t dims[][2] = { { 1, 1 }, { 2, 1 }, { 1, 3 }, { 2, 2 } };
  for (size_t d = 0; d < 4; d++) {
    size_t n = dims[d][0], k = dims[d][1];
    tuples t;
    tuples_init(&t, 4);
    double v[4];
    while (tuples_next(&t, v)) {
      double x[NA], y[NA], m[NA], S[NA * NA], A[NA * NA], R[NA * NA], o[NA + 1];
      for (size_t i = 0; i < NA; i++) { x[i] = 0.5 + (double)i; y[i] = 1.0 - (double)i; m[i] = 0.25; }
      for (size_t i = 0; i < NA * NA; i++) { S[i] = i % (n + 1) == 0 ? 2.0 : 0.0; R[i] = i % (k + 1) == 0 ? 0.5 : 0.0; }
      for (size_t i = 0; i < NA * NA; i++) A[i] = 1.0 / (double)(i + 1);
      x[n - 1] = v[2];
      S[n * n - 1] = v[3];
      R[0] = v[3];
      A[0] = v[2];
      double args[6] = { (double)n, (double)k, v[0], v[1], v[2], v[3] };
      outbuf out = { o, n };
      reset(o, n);
      check_convention("dmc_dps_score_exact_mv", dmc_dps_score_exact_mv(n, k, x, y, v[0], v[1], m, S, A, R, o),
                       args, 6, &out, 1);
      reset(o, n);
      check_convention("dmc_dps_score_dps_mv", dmc_dps_score_dps_mv(n, k, x, y, v[0], v[1], m, S, A, R, o),
                       args, 6, &out, 1);
    }
  }
  double one[1] = { 1 }, o[2];
  outbuf out = { o, 1 };
  reset(o, 1);
  check_convention("dmc_dps_score_exact_mv(NULL A)", dmc_dps_score_exact_mv(1, 1, one, one, 1, 1, one, one, NULL, one, o),
                   NULL, 0, &out, 1);
  reset(o, 1);
  check_convention("dmc_dps_score_dps_mv(k = 0)", dmc_dps_score_dps_mv(1, 0, one, one, 1, 1, one, one, one, one, o),
                   NULL, 0, &out, 1);
  for (size_t i = 0; i < NHUGE; i++) {
    reset(o, 1);
    assert_int_equal(dmc_dps_score_exact_mv(HUGE_N[i], 1, one, one, 1, 1, one, one, one, one, o), DMC_EDOM);
    assert_true(o[0] == -12345.0); /* no such array: nothing written */
    reset(o, 1);
    check_convention("dmc_dps_score_dps_mv(huge k)", dmc_dps_score_dps_mv(1, HUGE_N[i], one, one, 1, 1, one, one, one, one, o),
                     NULL, 0, &out, 1);
    calls++;
  }
  reset(o, 1);
  size_t wrap = ((size_t)1 << 32) + 1; /* n * n wraps a 64-bit size_t */
  check_convention("dmc_dps_score_dps_mv(k*k wraps)", dmc_dps_score_dps_mv(1, wrap, one, one, 1, 1, one, one, one, one, o),
                   NULL, 0, &out, 1);
  FINISH();
}

static void test_gmix(void **state)
{
  (void)state;
  for (int kind = -1; kind <= 2; kind++) {
    tuples t;
    tuples_init(&t, 5);
    double v[5], o[2];
    while (tuples_next(&t, v)) {
      double w[2] = { 1.0, v[3] }, m[2] = { 0.0, v[4] }, s[2] = { 1.0, v[4] };
      double args[6] = { kind, v[0], v[1], v[2], v[3], v[4] };
      outbuf out = { o, 1 };
      reset(o, 1);
      check_convention("dmc_gmix_score", dmc_gmix_score(v[0], v[1], v[2], 2, w, m, s, (dmc_weights)kind, o), args, 6, &out, 1);
      reset(o, 1);
      check_convention("dmc_gmix_mean", dmc_gmix_mean(v[0], v[1], v[2], 2, w, m, s, (dmc_weights)kind, o), args, 6, &out, 1);
    }
  }
  double w[1] = { 1 }, m[1] = { 0 }, s[1] = { 1 }, o[2];
  outbuf out = { o, 1 };
  const size_t ns[] = { 0, DMC_N_MAX + 1, (size_t)1 << 62, (size_t)1 << 63, SIZE_MAX };
  for (size_t i = 0; i < 5; i++) {
    reset(o, 1);
    check_convention("dmc_gmix_score(n)", dmc_gmix_score(0, 1, 1, ns[i], w, m, s, DMC_WEIGHTS_LINEAR, o), NULL, 0, &out, 1);
    reset(o, 1);
    check_convention("dmc_gmix_mean(n)", dmc_gmix_mean(0, 1, 1, ns[i], w, m, s, DMC_WEIGHTS_LOG, o), NULL, 0, &out, 1);
  }
  reset(o, 1);
  check_convention("dmc_gmix_score(NULL w)", dmc_gmix_score(0, 1, 1, 1, NULL, m, s, DMC_WEIGHTS_LINEAR, o), NULL, 0, &out, 1);
  FINISH();
}

static void test_schedules(void **state)
{
  (void)state;
  static double beta[2002];
  static unsigned char clipped[2002];
  const size_t Ts[] = { 0, 1, 2, 1000, 1000001 };
  for (int kind = -1; kind <= DMC_SCHED_COSINE + 1; kind++)
    for (size_t i = 0; i < 5; i++) {
      size_t T = Ts[i];
      double *b = T > 2000 ? NULL : beta;
      if (!b) continue;
      reset(beta, T);
      double args[2] = { kind, (double)T };
      outbuf out = { beta, T };
      check_convention("dmc_sched_betas", dmc_sched_betas(kind, T, beta, clipped), args, 2, &out, 1);
      reset(beta, T);
      check_convention("dmc_sched_betas(clipped NULL)", dmc_sched_betas(kind, T, beta, NULL), args, 2, &out, 1);
      reset(beta, T);
      assert_int_equal(dmc_sched_betas(kind, T, NULL, clipped), DMC_EDOM);
    }
  /* T > 10^6: the caller has T entries, all NaN */
  size_t T = 1000001;
  double *big = malloc((T + 1) * sizeof *big);
  assert_non_null(big);
  reset(big, T);
  outbuf out = { big, T };
  double args[2] = { 0, (double)T };
  check_convention("dmc_sched_betas(T > 10^6)", dmc_sched_betas(0, T, big, NULL), args, 2, &out, 1);
  free(big);
  for (size_t i = 0; i < NHUGE; i++) {
    beta[0] = -12345.0;
    assert_int_equal(dmc_sched_betas(0, HUGE_N[i], beta, clipped), DMC_EDOM);
    assert_true(beta[0] == -12345.0);
    calls++;
  }
  /* alphas_cumprod: each special value as beta[1] of 3, either output NULL */
  for (size_t s = 0; s < NSPECIAL; s++) {
    double bt[3] = { 0.1, SPECIAL[s], 0.2 }, ab[4], om[4];
    for (int mode = 0; mode < 4; mode++) {
      reset(ab, 3); reset(om, 3);
      double *pa = mode & 1 ? NULL : ab, *po = mode & 2 ? NULL : om;
      outbuf o[2] = { { pa, 3 }, { po, 3 } };
      double a1[1] = { SPECIAL[s] };
      check_convention("dmc_alphas_cumprod", dmc_alphas_cumprod(3, bt, pa, po), a1, 1, o, 2);
      reset(ab, 3); reset(om, 3);
      check_convention("dmc_alphas_cumprod(NULL beta)", dmc_alphas_cumprod(3, NULL, pa, po), a1, 1, o, 2);
    }
  }
  double ab[2], om[2], bt[1] = { 0.5 };
  for (size_t i = 0; i < NHUGE; i++) {
    ab[0] = om[0] = -12345.0;
    assert_int_equal(dmc_alphas_cumprod(HUGE_N[i], bt, ab, om), DMC_EDOM);
    assert_true(ab[0] == -12345.0 && om[0] == -12345.0);
    calls++;
  }
  reset(ab, 0); reset(om, 0);
  outbuf o0[2] = { { ab, 0 }, { om, 0 } };
  check_convention("dmc_alphas_cumprod(n = 0)", dmc_alphas_cumprod(0, bt, ab, om), NULL, 0, o0, 2);
  FINISH();
}

static void test_dsm_mc(void **state)
{
  (void)state;
  gsl_rng *r = dmc_stream_alloc();
  assert_non_null(r);
  tuples t;
  tuples_init(&t, 3);
  double v[3];
  while (tuples_next(&t, v)) {
    double xt[5], tg[5], w[2], b[2];
    outbuf o[2] = { { xt, 4 }, { tg, 4 } };
    reset(xt, 4); reset(tg, 4);
    check_convention("dmc_dsm_sample", dmc_dsm_sample(v[0], v[1], v[2], 4, r, xt, tg), v, 3, o, 2);
    reset(xt, 4);
    outbuf o1 = { xt, 4 };
    int st = dmc_dsm_sample(v[0], v[1], v[2], 4, r, xt, NULL);
    assert_int_equal(st, DMC_EDOM);
    check_convention("dmc_dsm_sample(target NULL)", st, v, 3, &o1, 1);
    dmc_dsm_mc mc;
    st = dmc_dsm_loss_mc(v[0], v[1], v[2], 0.5, 0.1, 5, r, &mc);
    outbuf om = { &mc.dsm, 6 };
    double guard[7];
    memcpy(guard, &mc, sizeof mc);
    guard[6] = CANARY;
    om.p = guard;
    check_convention("dmc_dsm_loss_mc", st, v, 3, &om, 1);
    reset(w, 1); reset(b, 1);
    outbuf wb[2] = { { w, 1 }, { b, 1 } };
    check_convention("dmc_dsm_sgd", dmc_dsm_sgd(v[0], v[1], v[2], 1e-3, 10, r, w, b), v, 3, wb, 2);
    reset(w, 1); reset(b, 1);
    check_convention("dmc_dsm_sgd(eta)", dmc_dsm_sgd(0, 1, 1, v[0], 10, r, w, b), v, 1, wb, 2);
    double xs[3] = { v[0], 1.0, 2.0 }, ys[3] = { v[1], 0.5, v[2] };
    reset(w, 1); reset(b, 1);
    check_convention("dmc_dsm_linear_fit", dmc_dsm_linear_fit(3, xs, ys, w, b), v, 3, wb, 2);
  }
  double xt[2], tg[2], w[2], b[2];
  for (size_t i = 0; i < NHUGE; i++) {
    xt[0] = tg[0] = -12345.0;
    assert_int_equal(dmc_dsm_sample(0, 1, 1, HUGE_N[i], r, xt, tg), DMC_EDOM);
    assert_true(xt[0] == -12345.0 && tg[0] == -12345.0);
    dmc_dsm_mc mc;
    assert_int_equal(dmc_dsm_loss_mc(0, 1, 1, 0, 0, HUGE_N[i], r, &mc), DMC_EDOM);
    assert_true(isnan(mc.dsm) && isnan(mc.diff_se));
    reset(w, 1); reset(b, 1);
    outbuf wb[2] = { { w, 1 }, { b, 1 } };
    check_convention("dmc_dsm_sgd(huge iters)", dmc_dsm_sgd(0, 1, 1, 1e-3, HUGE_N[i], r, w, b), NULL, 0, wb, 2);
    reset(w, 1); reset(b, 1);
    check_convention("dmc_dsm_linear_fit(huge n)", dmc_dsm_linear_fit(HUGE_N[i], xt, tg, w, b), NULL, 0, wb, 2);
    calls += 2;
  }
  double one[1] = { 1 };
  reset(w, 1); reset(b, 1);
  outbuf wb[2] = { { w, 1 }, { b, 1 } };
  check_convention("dmc_dsm_linear_fit(n = 0)", dmc_dsm_linear_fit(0, one, one, w, b), NULL, 0, wb, 2);
  reset(w, 1);
  outbuf w1 = { w, 1 };
  check_convention("dmc_dsm_linear_optimum(b NULL)", dmc_dsm_linear_optimum(0, 1, 1, w, NULL), NULL, 0, &w1, 1);
  gsl_rng_free(r);
  FINISH();
}

static void test_lgc(void **state)
{
  (void)state;
  enum { T = 3 };
  tuples t;
  tuples_init(&t, 3);
  double v[3];
  while (tuples_next(&t, v)) {
    double lambda[T] = { 0.9, v[0], 0.8 }, a[T] = { 1.0, v[1], 0.5 }, b[T] = { 0.0, 0.1, v[2] };
    double c[T] = { 0.5, v[2], 0.5 };
    dmc_lgc m = { T, lambda, a, b, c, 0.0, 1.0 };
    double o[2], kp[2], kl[T], rec[2], pt[T + 2], rt[T + 2];
    double args[3] = { v[0], v[1], v[2] };
    outbuf o1 = { o, 1 };
    reset(o, 1);
    check_convention("dmc_lgc_log_evidence", dmc_lgc_log_evidence(&m, v[1], o), args, 3, &o1, 1);
    reset(o, 1); reset(kp, 1); reset(kl, T - 1); reset(rec, 1);
    outbuf e4[4] = { { o, 1 }, { kp, 1 }, { kl, T - 1 }, { rec, 1 } };
    check_convention("dmc_lgc_elbo", dmc_lgc_elbo(&m, v[0], o, kp, kl, rec), args, 3, e4, 4);
    double eps[T] = { v[0], 0.5, -0.5 };
    reset(o, 1); reset(kp, 1); reset(pt, T + 1); reset(rt, T + 1);
    outbuf p4[4] = { { o, 1 }, { kp, 1 }, { pt, T + 1 }, { rt, T + 1 } };
    check_convention("dmc_lgc_elbo_path", dmc_lgc_elbo_path(&m, v[1], eps, o, kp, pt, rt), args, 3, p4, 4);
    double ra[T + 1], rb[T + 1], rc[T + 1], mT[2], vT[2];
    reset(ra, T); reset(rb, T); reset(rc, T); reset(mT, 1); reset(vT, 1);
    outbuf r5[5] = { { ra, T }, { rb, T }, { rc, T }, { mT, 1 }, { vT, 1 } };
    check_convention("dmc_lgc_true_reverse", dmc_lgc_true_reverse(T, lambda, v[1], v[2], ra, rb, rc, mT, vT),
                     args, 3, r5, 5);
    for (int drop = 0; drop < 5; drop++) {
      reset(ra, T); reset(rb, T); reset(rc, T); reset(mT, 1); reset(vT, 1);
      double *p[5] = { ra, rb, rc, mT, vT };
      p[drop] = NULL;
      outbuf rd[5] = { { p[0], T }, { p[1], T }, { p[2], T }, { p[3], 1 }, { p[4], 1 } };
      int st = dmc_lgc_true_reverse(T, lambda, 0.0, 1.0, p[0], p[1], p[2], p[3], p[4]);
      assert_int_equal(st, DMC_EDOM);
      check_convention("dmc_lgc_true_reverse(one output NULL)", st, args, 3, rd, 5);
    }
  }
  /* huge T: no array of that length exists; nothing written, no endless loop */
  double lambda[1] = { 0.5 }, a[1] = { 1 }, b[1] = { 0 }, c[1] = { 1 }, o[2], kl[2], pt[2];
  for (size_t i = 0; i < NHUGE; i++) {
    dmc_lgc m = { HUGE_N[i], lambda, a, b, c, 0.0, 1.0 };
    kl[0] = pt[0] = -12345.0;
    reset(o, 1);
    outbuf o1 = { o, 1 };
    check_convention("dmc_lgc_log_evidence(huge T)", dmc_lgc_log_evidence(&m, 0, o), NULL, 0, &o1, 1);
    reset(o, 1);
    assert_int_equal(dmc_lgc_elbo(&m, 0, o, NULL, kl, NULL), DMC_EDOM);
    assert_true(isnan(o[0]) && kl[0] == -12345.0);
    reset(o, 1);
    assert_int_equal(dmc_lgc_elbo_path(&m, 0, lambda, o, NULL, pt, NULL), DMC_EDOM);
    assert_true(isnan(o[0]) && pt[0] == -12345.0);
    double ra[1] = { -12345.0 }, mT[2];
    reset(mT, 1);
    assert_int_equal(dmc_lgc_true_reverse(HUGE_N[i], lambda, 0, 1, ra, ra, ra, mT, mT), DMC_EDOM);
    assert_true(isnan(mT[0]) && ra[0] == -12345.0);
    calls += 3;
  }
  reset(o, 1);
  outbuf o1 = { o, 1 };
  check_convention("dmc_lgc_log_evidence(NULL)", dmc_lgc_log_evidence(NULL, 0, o), NULL, 0, &o1, 1);
  FINISH();
}

static int block_ok(void *ctx, size_t block, gsl_rng *r)
{
  (void)r;
  ((double *)ctx)[block] = (double)block;
  return DMC_OK;
}

static void test_langevin_streams(void **state)
{
  (void)state;
  tuples t;
  tuples_init(&t, 4);
  double v[4];
  while (tuples_next(&t, v)) {
    dmc_langevin p = { v[0], v[1], v[2], v[3] };
    double x[4], e[4];
    reset(x, 3); reset(e, 3);
    outbuf o[2] = { { x, 3 }, { e, 3 } };
    check_convention("dmc_langevin_run", dmc_langevin_run(&p, 0.5, 3, 2, 1, 1, x, e), v, 4, o, 2);
  }
  dmc_langevin p = { 0, 1, 1, 0.01 };
  double x[4], e[4];
  const unsigned threads[] = { 0, 1, 2, DMC_MAX_THREADS + 1 };
  for (size_t i = 0; i < 4; i++) {
    reset(x, 3); reset(e, 3);
    outbuf o[2] = { { x, 3 }, { e, 3 } };
    check_convention("dmc_langevin_run(nthreads)", dmc_langevin_run(&p, 0.5, 3, 2, 1, threads[i], x, e), NULL, 0, o, 2);
  }
  reset(x, 3); reset(e, 3);
  outbuf o[2] = { { x, 3 }, { e, 3 } };
  check_convention("dmc_langevin_run(NULL)", dmc_langevin_run(NULL, 0.5, 3, 2, 1, 1, x, e), NULL, 0, o, 2);
  for (size_t i = 0; i < NHUGE; i++) {
    x[0] = e[0] = -12345.0;
    assert_int_equal(dmc_langevin_run(&p, 0.5, HUGE_N[i], 2, 1, 1, x, e), DMC_EDOM);
    assert_true(x[0] == -12345.0 && e[0] == -12345.0);
    calls++;
  }
  /* streams and blocks */
  assert_int_equal(dmc_stream_seed(NULL, 1, 1), DMC_EDOM);
  gsl_rng *r = dmc_stream_alloc();
  assert_non_null(r);
  assert_int_equal(dmc_stream_seed(r, 1, DMC_STREAM_MAX), DMC_EDOM);
  assert_int_equal(dmc_stream_seed(r, UINT64_MAX, DMC_STREAM_MAX - 1), DMC_OK);
  assert_int_equal(dmc_stream_key(1, DMC_STREAM_MAX), 0);
  gsl_rng_free(r);
  double blocks[8];
  assert_int_equal(dmc_run_blocks(8, 3, 1, NULL, blocks), DMC_EDOM);
  assert_int_equal(dmc_run_blocks(8, 0, 1, block_ok, blocks), DMC_EDOM);
  assert_int_equal(dmc_run_blocks(SIZE_MAX, 1, 1, block_ok, blocks), DMC_EDOM);
  assert_int_equal(dmc_run_blocks(0, 1, 1, block_ok, blocks), DMC_OK);
  assert_int_equal(dmc_run_blocks(8, DMC_MAX_THREADS, 1, block_ok, blocks), DMC_OK);
  for (int i = 0; i < 8; i++) assert_true(blocks[i] == i);
  /* the normal generator and the small helpers */
  dmc_normal_gen g;
  dmc_normal_seed(&g, 0);
  double z[3] = { 0, 0, CANARY };
  dmc_normal_fill(&g, 2, z);
  assert_true(isfinite(z[0]) && isfinite(z[1]) && z[2] == CANARY && isfinite(dmc_normal_draw(&g)));
  dmc_normal_fill(&g, 0, z);
  for (int s = -1; s <= 4; s++) assert_non_null(dmc_strerror(s));
  assert_true(dmc_ulp_distance(NAN, NAN) == 0 && isinf(dmc_ulp_distance(NAN, 1)));
  assert_true(dmc_ulp_distance(-0.0, 0.0) == 0 && dmc_ulp_distance(DBL_MAX, INFINITY) == 1);
  assert_true(dmc_ulp_distance(-DBL_MAX, DBL_MAX) == 2.0 * (double)0x7fefffffffffffffULL);
  calls += 20;
  FINISH();
}

/* ---- the regression cases of issue #12, each by name -------------------- */

static void test_issue12_cases(void **state)
{
  (void)state;
  double o = 0, a, b, sd;
  /* heap overflow: n * sizeof wrapped in malloc */
  double w[1] = { 1 }, m[1] = { 0 }, s[1] = { 1 };
  assert_int_not_equal(dmc_gmix_score(0, 1, 1, (size_t)1 << 63, w, m, s, DMC_WEIGHTS_LINEAR, &o), DMC_OK);
  assert_true(isnan(o));
  /* UB: INT_MIN negated (UBSan aborts here without the fix) */
  int st = dmc_unif_score(-DBL_MAX, -0x1p-1074, 0.5, -0x1p-1074, 2, &o);
  assert_true(st == DMC_OK ? !isnan(o) : isnan(o));
  /* DMC_OK with NaN for finite arguments */
  double x[1] = { -DBL_MAX }, mu[1] = { DBL_MAX }, cov[1] = { DBL_MAX }, sc[1];
  st = dmc_gauss_full_score(1, x, mu, cov, sc);
  assert_true(st == DMC_OK ? !isnan(sc[0]) : isnan(sc[0]));
  dmc_sde ou = { DMC_SDE_OU, DBL_MAX, 0.0, 0x1p-1074 };
  st = dmc_sde_marginal(&ou, DBL_MAX, &a, &b, &sd);
  assert_true(st == DMC_OK ? !isnan(a) && !isnan(b) && !isnan(sd) : isnan(a) && isnan(b) && isnan(sd));
  st = dmc_param_convert(DMC_PARAM_V, DMC_PARAM_EPS, 0.5, DBL_MAX, DBL_MAX, &o);
  assert_true(st == DMC_OK ? !isnan(o) : isnan(o));
  /* error paths leave every output NaN */
  dmc_sde vp = { DMC_SDE_VP, 0.1, 20, 0 };
  b = sd = 0;
  assert_int_equal(dmc_sde_marginal(&vp, .5, NULL, &b, &sd), DMC_EDOM);
  assert_true(isnan(b) && isnan(sd));
  double ab[1] = { 0 }, om[1] = { 0 };
  assert_int_equal(dmc_alphas_cumprod(1, NULL, ab, om), DMC_EDOM);
  assert_true(isnan(ab[0]) && isnan(om[0]));
  /* dmc_sde_sample(&s, SIZE_MAX, ...) returned DMC_OK writing nothing */
  static const double mw[1] = { 1 }, mm[1] = { 0 }, mv[1] = { 1 };
  dmc_mixture_at at = { vp, { 1, mw, mm, mv }, 1.0 };
  dmc_sampler smp = { &vp, DMC_EM_FORWARD, 0.0, 1.0, 2, NULL, NULL, dmc_mixture_init_fn, &at };
  double out[1] = { 0 };
  assert_int_equal(dmc_sde_sample(&smp, SIZE_MAX, 1, 1, out), DMC_EDOM);
  calls += 9;
  FINISH();
}

static void test_report_size(void **state)
{
  (void)state;
  printf("test_api_edges: %lu calls checked against the error convention\n", calls);
  assert_true(calls > 100000);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_scalars),
    cmocka_unit_test(test_param_convert),
    cmocka_unit_test(test_sde_scalars),
    cmocka_unit_test(test_mixture),
    cmocka_unit_test(test_sde_path_sample),
    cmocka_unit_test(test_gauss_arrays),
    cmocka_unit_test(test_gmix),
    cmocka_unit_test(test_dps_mv),
    cmocka_unit_test(test_schedules),
    cmocka_unit_test(test_dsm_mc),
    cmocka_unit_test(test_lgc),
    cmocka_unit_test(test_langevin_streams),
    cmocka_unit_test(test_issue12_cases),
    cmocka_unit_test(test_report_size),
  };
  return cmocka_run_group_tests_name("test_api_edges", tests, NULL, NULL);
}
