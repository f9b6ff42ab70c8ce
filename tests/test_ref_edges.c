/* test_ref_edges.c -- the documented conventions of the MPFR reference
 * evaluators (reference/dmcref.h, reference/mpref.h) at special values:
 *   - a NaN argument is a domain error: status 1 and NaN in every output;
 *   - status 0 never comes with a NaN output, a non-zero status always does;
 *   - ref_F rejects (status 1) exactly the arguments dmc_F rejects with
 *     DMC_EDOM: both implement the one domain documented in src/dmcheck.h;
 *   - the Ziv driver mpref_round: exact, domain, out-of-memory (errno),
 *     unprovable, overflowing and subnormal results, checked against values
 *     computed independently (IEEE-754 correctly rounded operations, ldexp).
 * Deterministic sweeps: no randomness, no seed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dmcheck.h"
#include "dmcref.h"
#include "suites.h"

/* ---- one calling convention for every scalar function -------------------- */
typedef int (*scalar_fn)(const double *in, double *out);

#define MAXIN 16
#define MAXOUT 6

typedef struct {
  const char *name;
  scalar_fn lib, ref;
  int nin, nout;
  double base[MAXIN];
  unsigned unused; /* bit i: argument i is documented as unused (not swept) */
  int moderate;    /* sweep only NaN, +-inf and moderate values (see test_dps_mv_range) */
} entry;

#define W1(NAME, ...) \
  static int lib_##NAME(const double *in, double *o) { (void)in; return dmc_##NAME(__VA_ARGS__); } \
  static int ref_w_##NAME(const double *in, double *o) { (void)in; return ref_##NAME(__VA_ARGS__); }

W1(gauss_logpdf, in[0], in[1], in[2], o)
W1(gauss_score, in[0], in[1], in[2], o)
W1(tweedie_mean, in[0], in[1], in[2], in[3], o)
W1(tweedie_var, in[0], in[1], in[2], o)
W1(unif_score, in[0], in[1], in[2], in[3], in[4], o)
W1(dps_score_exact, in[0], in[1], in[2], in[3], in[4], in[5], in[6], in[7], o)
W1(dps_score_dps, in[0], in[1], in[2], in[3], in[4], in[5], in[6], in[7], o)
W1(dps_ratio, in[0], in[1], in[2], in[3], in[4], o)
W1(dsm_linear_optimum, in[0], in[1], in[2], &o[0], &o[1])
W1(dsm_loss, in[0], in[1], in[2], in[3], in[4], o)
W1(esm_loss, in[0], in[1], in[2], in[3], in[4], o)
W1(dsm_loss_constant, in[0], in[1], o)
W1(gauss_kl, in[0], in[1], in[2], in[3], o)
W1(gauss_loglik, in[0], in[1], in[2], o)
W1(discretized_gaussian_loglik, in[0], in[1], in[2], o)
W1(log_snr, in[0], in[1], o)
W1(param_convert, DMC_PARAM_V, DMC_PARAM_EPS, in[0], in[1], in[2], o)
W1(empirical_denoiser, in[0], in[1], in[2], 3, &in[3], o)


/* Arrays (n = 2 unless said): the arguments are laid out in in[] in order. */
W1(gauss_diag_logpdf, 2, &in[0], &in[2], &in[4], o)
W1(gauss_diag_score, 2, &in[0], &in[2], &in[4], o)
W1(gauss_full_logpdf, 2, &in[0], &in[2], &in[4], o)
W1(gauss_full_score, 2, &in[0], &in[2], &in[4], o)
/* n = 2, k = 1: x_t[2], y[1], mu_t, sigma_t, m[2], S[4], A[2], R[1] */
W1(dps_score_exact_mv, 2, 1, &in[0], &in[2], in[3], in[4], &in[5], &in[7], &in[11], &in[13], o)
W1(dps_score_dps_mv, 2, 1, &in[0], &in[2], in[3], in[4], &in[5], &in[7], &in[11], &in[13], o)
/* the chain with T = 2: lambda[2], a[2], b[2], c[2], mT, vT, x0 */
#define LGC(in) { 2, &(in)[0], &(in)[2], &(in)[4], &(in)[6], (in)[8], (in)[9] }
static int lib_lgc_log_evidence(const double *in, double *o) { dmc_lgc m = LGC(in); return dmc_lgc_log_evidence(&m, in[10], o); }
static int ref_w_lgc_log_evidence(const double *in, double *o) { dmc_lgc m = LGC(in); return ref_lgc_log_evidence(&m, in[10], o); }
static int lib_lgc_elbo(const double *in, double *o)
{
  dmc_lgc m = LGC(in);
  double kl_prior, kl[2], recon;
  return dmc_lgc_elbo(&m, in[10], o, &kl_prior, kl, &recon);
}
static int ref_w_lgc_elbo(const double *in, double *o) { dmc_lgc m = LGC(in); return ref_lgc_elbo(&m, in[10], o); }
/* alphas_cumprod of beta[3]: alphabar[3], one_minus[3] */
static int lib_alphas_cumprod(const double *in, double *o) { return dmc_alphas_cumprod(3, in, o, o + 3); }
static int ref_w_alphas_cumprod(const double *in, double *o)
{
  int s1 = ref_alphabar_all(3, in, REF_AB_ALPHABAR, o);
  int s2 = ref_alphabar_all(3, in, REF_AB_ONE_MINUS, o + 3);
  return s1 > s2 ? s1 : s2;
}

/* Mixtures of two components: in = x_t, mu_t, sigma_t, w0, w1, m0, m1, s0, s1. */
#define GMIX(NAME, KIND) \
  static int lib_##NAME##_##KIND(const double *in, double *o) \
  { return dmc_##NAME(in[0], in[1], in[2], 2, &in[3], &in[5], &in[7], DMC_WEIGHTS_##KIND, o); } \
  static int ref_w_##NAME##_##KIND(const double *in, double *o) \
  { return ref_##NAME(in[0], in[1], in[2], 2, &in[3], &in[5], &in[7], DMC_WEIGHTS_##KIND, o); }
GMIX(gmix_score, LINEAR)
GMIX(gmix_score, LOG)
GMIX(gmix_mean, LINEAR)
GMIX(gmix_mean, LOG)

/* SDEs: in = p0, p1, p2, t, x. */
#define SDE(KIND) \
  static int lib_drift_##KIND(const double *in, double *o) \
  { dmc_sde s = { DMC_SDE_##KIND, in[0], in[1], in[2] }; return dmc_sde_drift(&s, in[3], in[4], o); } \
  static int ref_w_drift_##KIND(const double *in, double *o) \
  { dmc_sde s = { DMC_SDE_##KIND, in[0], in[1], in[2] }; return ref_sde_drift(&s, in[3], in[4], o); } \
  static int lib_diffusion_##KIND(const double *in, double *o) \
  { dmc_sde s = { DMC_SDE_##KIND, in[0], in[1], in[2] }; return dmc_sde_diffusion(&s, in[3], o); } \
  static int ref_w_diffusion_##KIND(const double *in, double *o) \
  { dmc_sde s = { DMC_SDE_##KIND, in[0], in[1], in[2] }; return ref_sde_diffusion(&s, in[3], o); } \
  static int lib_marginal_##KIND(const double *in, double *o) \
  { dmc_sde s = { DMC_SDE_##KIND, in[0], in[1], in[2] }; return dmc_sde_marginal(&s, in[3], &o[0], &o[1], &o[2]); } \
  static int ref_w_marginal_##KIND(const double *in, double *o) \
  { dmc_sde s = { DMC_SDE_##KIND, in[0], in[1], in[2] }; return ref_sde_marginal(&s, in[3], &o[0], &o[1], &o[2]); }
SDE(OU)
SDE(VP)

/* The forward marginal of a two-component mixture under OU:
 * in = theta, m, s, t, x, w0, w1, mu0, mu1, var0 (var1 = 1). */
#define MIXM(WHICH, NAME) \
  static int lib_mixm_##NAME(const double *in, double *o) \
  { dmc_sde s = { DMC_SDE_OU, in[0], in[1], in[2] }; double mu[2] = { in[7], in[8] }, var[2] = { in[9], 1 }; \
    dmc_mixture d = { 2, &in[5], mu, var }; return dmc_mixture_marginal_##NAME(&s, &d, in[3], in[4], o); } \
  static int ref_w_mixm_##NAME(const double *in, double *o) \
  { dmc_sde s = { DMC_SDE_OU, in[0], in[1], in[2] }; double mu[2] = { in[7], in[8] }, var[2] = { in[9], 1 }; \
    dmc_mixture d = { 2, &in[5], mu, var }; return ref_mixture_marginal(&s, &d, in[3], in[4], WHICH, o); }
MIXM(0, score)
MIXM(1, pdf)
MIXM(2, cdf)

#define E(NAME, NIN, NOUT, ...) { #NAME, lib_##NAME, ref_w_##NAME, NIN, NOUT, { __VA_ARGS__ }, 0, 0 }
#define E_MOD(NAME, NIN, NOUT, ...) { #NAME, lib_##NAME, ref_w_##NAME, NIN, NOUT, { __VA_ARGS__ }, 0, 1 }
#define E_VP(NAME, NIN, NOUT, ...) { #NAME, lib_##NAME, ref_w_##NAME, NIN, NOUT, { __VA_ARGS__ }, 1u << 2, 0 }
static const entry entries[] = {
  E(gauss_diag_logpdf, 6, 1, 0.3, -0.2, 0.1, 0.4, 1.5, 0.25),
  E(gauss_diag_score, 6, 2, 0.3, -0.2, 0.1, 0.4, 1.5, 0.25),
  E(gauss_full_logpdf, 8, 1, 0.3, -0.2, 0.1, 0.4, 2.0, 0.5, 0.5, 1.0),
  E(gauss_full_score, 8, 2, 0.3, -0.2, 0.1, 0.4, 2.0, 0.5, 0.5, 1.0),
  E_MOD(dps_score_exact_mv, 14, 2, 0.3, -0.2, 1.1, 0.8, 0.6, 0.2, -0.1, 0.9, 0.1, 0.1, 0.7, 1.3, -0.4, 0.4),
  E_MOD(dps_score_dps_mv, 14, 2, 0.3, -0.2, 1.1, 0.8, 0.6, 0.2, -0.1, 0.9, 0.1, 0.1, 0.7, 1.3, -0.4, 0.4),
  E(lgc_log_evidence, 11, 1, 0.9, 0.8, 1.05, 1.1, 0.01, -0.02, 0.2, 0.3, 0.0, 1.0, 0.4),
  E(lgc_elbo, 11, 1, 0.9, 0.8, 1.05, 1.1, 0.01, -0.02, 0.2, 0.3, 0.0, 1.0, 0.4),
  E(alphas_cumprod, 3, 6, 0.01, 0.2, 0.5),
  E(gauss_logpdf, 3, 1, 0.3, -0.2, 1.5),
  E(gauss_score, 3, 1, 0.3, -0.2, 1.5),
  E(tweedie_mean, 4, 1, 0.3, 0.8, 0.6, -1.25),
  E(tweedie_var, 3, 1, 0.8, 0.6, -0.5),
  E(unif_score, 5, 1, 0.3, 0.8, 0.6, -1.0, 2.0),
  E(dps_score_exact, 8, 1, 0.3, 1.1, 0.8, 0.6, 0.2, 0.9, 1.3, 0.4),
  E(dps_score_dps, 8, 1, 0.3, 1.1, 0.8, 0.6, 0.2, 0.9, 1.3, 0.4),
  E(dps_ratio, 5, 1, 0.8, 0.6, 0.9, 1.3, 0.4),
  E(dsm_linear_optimum, 3, 2, 0.5, 1.2, 0.3),
  E(dsm_loss, 5, 1, 0.5, 1.2, 0.3, 0.7, 0.1),
  E(esm_loss, 5, 1, 0.5, 1.2, 0.3, 0.7, 0.1),
  E(dsm_loss_constant, 2, 1, 1.2, 0.3),
  E(gauss_kl, 4, 1, 0.1, -0.3, 0.5, 0.2),
  E(gauss_loglik, 3, 1, 0.4, 0.1, -0.7),
  E(discretized_gaussian_loglik, 3, 1, 1.0 / 255, 0.1, -2.0),
  E(log_snr, 2, 1, 0.75, 0.25),
  E(param_convert, 3, 1, 0.64, 0.3, -0.2),
  E(empirical_denoiser, 6, 1, 0.3, 0.8, 0.6, -1.0, 0.25, 1.5),
  E(gmix_score_LINEAR, 9, 1, 0.3, 0.8, 0.6, 0.25, 0.75, -1.0, 1.5, 0.5, 0.0),
  E(gmix_score_LOG, 9, 1, 0.3, 0.8, 0.6, -1.0, 0.0, -1.0, 1.5, 0.5, 0.0),
  E(gmix_mean_LINEAR, 9, 1, 0.3, 0.8, 0.6, 0.25, 0.75, -1.0, 1.5, 0.5, 0.0),
  E(gmix_mean_LOG, 9, 1, 0.3, 0.8, 0.6, -1.0, 0.0, -1.0, 1.5, 0.5, 0.0),
  E(drift_OU, 5, 1, 1.5, 0.2, 0.7, 0.4, -0.3),
  E_VP(drift_VP, 5, 1, 0.1, 20.0, 0.0, 0.4, -0.3),
  E(diffusion_OU, 4, 1, 1.5, 0.2, 0.7, 0.4),
  E_VP(diffusion_VP, 4, 1, 0.1, 20.0, 0.0, 0.4),
  E(marginal_OU, 4, 3, 1.5, 0.2, 0.7, 0.4),
  E_VP(marginal_VP, 4, 3, 0.1, 20.0, 0.0, 0.4),
  E(mixm_score, 10, 1, 1.5, 0.2, 0.7, 0.4, -0.3, 0.25, 0.75, -1.0, 1.0, 0.5),
  E(mixm_pdf, 10, 1, 1.5, 0.2, 0.7, 0.4, -0.3, 0.25, 0.75, -1.0, 1.0, 0.5),
  E(mixm_cdf, 10, 1, 1.5, 0.2, 0.7, 0.4, -0.3, 0.25, 0.75, -1.0, 1.0, 0.5),
};
#define NENTRIES (sizeof entries / sizeof entries[0])

static const double specials[] = {
  NAN, INFINITY, -INFINITY, 0.0, -0.0, -1.0, 1.0, 0x1p-1074, -0x1p-1074, 0x1p-1022,
  DBL_MAX, -DBL_MAX, 1e300, -1e300, 1e-300, 0.5, 2.0,
};
#define NSPECIALS (sizeof specials / sizeof specials[0])

/* Checks one call of ref (and lib) at in; returns the number of mismatches
 * with the library's domain (printed). */
static int check_point(const entry *e, const double *in, unsigned long *nref_domain)
{
  double ro[MAXOUT], lo[MAXOUT];
  for (int k = 0; k < MAXOUT; k++) ro[k] = lo[k] = 12345.0;
  int rs = e->ref(in, ro);
  int ls = e->lib(in, lo);
  int has_nan_arg = 0;
  for (int i = 0; i < e->nin; i++) has_nan_arg |= !(e->unused >> i & 1) && isnan(in[i]);
  char where[512];
  int len = snprintf(where, sizeof where, "%s(", e->name);
  for (int i = 0; i < e->nin && len < (int)sizeof where - 32; i++)
    len += snprintf(where + len, sizeof where - (size_t)len, "%s%a", i ? ", " : "", in[i]);
  if (!(rs == 0 || rs == 1 || rs == 2)) fail_msg("%s): status %d", where, rs);
  /* several outputs: each is rounded, the worst status is returned */
  int nans = 0;
  for (int k = 0; k < e->nout; k++) {
    nans += isnan(ro[k]) != 0;
    if (rs == 0 && isnan(ro[k])) fail_msg("%s): status 0 with a NaN output %d", where, k);
  }
  if (rs != 0 && nans == 0) fail_msg("%s): status %d without a NaN output", where, rs);
  if (has_nan_arg && (rs != 1 || nans != e->nout))
    fail_msg("%s): a NaN argument gave status %d and %d NaN outputs of %d", where, rs, nans, e->nout);
  if (rs == 1) (*nref_domain)++;
  if ((ls == DMC_EDOM) != (rs == 1)) {
    printf("domain mismatch: %s): ref status %d, library status %d\n", where, rs, ls);
    return 1;
  }
  return 0;
}

static void test_special_values(void **state)
{
  (void)state;
  unsigned long calls = 0, domain = 0;
  int mismatches = 0;
  for (size_t f = 0; f < NENTRIES; f++) {
    const entry *e = &entries[f];
    double in[MAXIN];
    memcpy(in, e->base, sizeof in);
    unsigned long before = domain;
    mismatches += check_point(e, in, &domain);
    if (domain != before) fail_msg("%s: the base point is a domain error", e->name);
    calls++;
    for (int i = 0; i < e->nin; i++)
      for (size_t v = 0; v < NSPECIALS && !(e->unused >> i & 1); v++) {
        double a = fabs(specials[v]);
        if (e->moderate && isfinite(a) && (a >= 1e300 || (a > 0 && a < DBL_MIN))) continue;
        memcpy(in, e->base, sizeof in);
        in[i] = specials[v];
        mismatches += check_point(e, in, &domain);
        calls++;
      }
  }
  printf("test_ref_edges: %lu calls over %zu functions, %lu domain errors, %d domain mismatches\n",
         calls, NENTRIES, domain, mismatches);
  assert_true(domain > 0);
  assert_int_equal(mismatches, 0);
}


/* ---- the Ziv driver (reference/mpref.c) ---------------------------------- */
/* y = a / b: one correctly rounded MPFR operation, so a loss of 1 bit is a
 * valid bound (or exact); the IEEE-754 quotient a / b is the independent correctly
 * rounded double (binary64 division, subnormals included). */
typedef struct { double a, b; } quot;
static long eval_quot(mpfr_t y, const void *ctx)
{
  const quot *q = ctx;
  mpfr_t a, b;
  mpfr_inits2(53, a, b, (mpfr_ptr)0);
  mpfr_set_d(a, q->a, MPFR_RNDN);
  mpfr_set_d(b, q->b, MPFR_RNDN);
  int inex = mpfr_div(y, a, b, MPFR_RNDN);
  mpfr_clears(a, b, (mpfr_ptr)0);
  return inex ? 1 : MPREF_EXACT; /* an exact value must say so (mpref.h) */
}
static long eval_quot_vec(mpfr_t *y, size_t n, const void *ctx)
{
  const quot *q = ctx;
  long loss = 0;
  for (size_t i = 0; i < n; i++) loss = eval_quot(y[i], &q[i]);
  return loss;
}
static long eval_domain(mpfr_t y, const void *ctx) { (void)ctx; mpfr_set_nan(y); return MPREF_DOMAIN; }
static long eval_nomem(mpfr_t y, const void *ctx) { (void)ctx; mpfr_set_nan(y); return MPREF_NOMEM; }
static long eval_nan(mpfr_t y, const void *ctx) { (void)ctx; mpfr_set_nan(y); return 0; }
/* An inexact zero (cancellation of unknown extent) can never be proved. */
static long eval_zero_inexact(mpfr_t y, const void *ctx) { (void)ctx; mpfr_set_zero(y, 1); return 4; }
/* The exact midpoint 1 + 2^-53 between two doubles, claimed inexact: no
 * precision can decide its rounding. */
static long eval_midpoint(mpfr_t y, const void *ctx)
{
  (void)ctx;
  mpfr_set_ui_2exp(y, 1, -53, MPFR_RNDN);
  mpfr_add_ui(y, y, 1, MPFR_RNDN);
  return 0;
}
/* An evaluator whose "exact" value changes with the precision (1 at the
 * first precision, 2 above it): the driver must not trust one precision. */
static long eval_unstable(mpfr_t y, const void *ctx)
{
  (void)ctx;
  mpfr_set_ui(y, mpfr_get_prec(y) == MPREF_PREC0 ? 1 : 2, MPFR_RNDN);
  return MPREF_EXACT;
}
static long eval_vec_domain(mpfr_t *y, size_t n, const void *ctx)
{ (void)ctx; for (size_t i = 0; i < n; i++) mpfr_set_nan(y[i]); return MPREF_DOMAIN; }
static long eval_vec_nomem(mpfr_t *y, size_t n, const void *ctx)
{ (void)ctx; for (size_t i = 0; i < n; i++) mpfr_set_nan(y[i]); return MPREF_NOMEM; }
static long eval_vec_midpoint(mpfr_t *y, size_t n, const void *ctx)
{
  (void)ctx;
  for (size_t i = 0; i < n; i++) mpfr_set_ui(y[i], 1, MPFR_RNDN);
  eval_midpoint(y[n - 1], NULL);
  return 0;
}

static int same_double(double a, double b)
{
  return (isnan(a) && isnan(b)) || (a == b && signbit(a) == signbit(b));
}

static const quot quots[] = {
  { 1, 3 }, { -2, 7 }, { 0x1p-1022, 3 },          /* normal and subnormal */
  { 3 * 0x1p-1074, 4 }, { 0x1p-1074, 2 },         /* ties at the smallest subnormal */
  { 3 * 0x1p-1074, 2 }, { -5 * 0x1p-1074, 4 },
  { 0x1p-1074, 3 }, { 0x1p-1022, 7 },            /* inexact subnormals */
  { 0x1p-1074, 0x1p60 }, { -0x1p-1074, 0x1p60 },  /* far below: +-0 */
  { 0x1p-1074, 3 * 0x1p60 }, { -0x1p-1074, 3 * 0x1p60 },
  { DBL_MAX, 0.5 }, { -DBL_MAX, 0x1p-10 },        /* overflow: +-inf */
  { DBL_MAX, 0.3 }, { -DBL_MAX, 0.7 },
  { DBL_MAX, 1 + 0x1p-52 }, { 0x1p-1022, 1 + 0x1p-52 },
  { 0, 5 }, { 1, 0 },
};
#define NQUOTS (sizeof quots / sizeof quots[0])

/* What both scalar drivers must do: the IEEE quotients (at most max_prec
 * bits for a one-rounding value), NaN with the domain, NaN and out-of-memory
 * statuses, and no proof of an inexact zero (escalating to MPREF_PREC_MAX)
 * or of the exact midpoint claimed inexact. */
typedef int (*scalar_driver)(mpref_fn, const void *, double *, mpfr_prec_t *);
static void check_driver(const char *name, scalar_driver drive, mpfr_prec_t max_prec)
{
  for (size_t i = 0; i < NQUOTS; i++) {
    double got, want = quots[i].a / quots[i].b;
    mpfr_prec_t prec = 0;
    int st = drive(eval_quot, &quots[i], &got, &prec);
    if (st != 0 || !same_double(got, want))
      fail_msg("%s(%a / %a) = %a (status %d), IEEE quotient %a", name, quots[i].a, quots[i].b, got, st, want);
    assert_true(prec <= max_prec);
  }
  static const struct { mpref_fn f; int status; } bad[] = {
    { eval_domain, MPREF_EDOM }, { eval_nan, MPREF_EDOM }, { eval_nomem, MPREF_ENOMEM },
    { eval_zero_inexact, MPREF_UNPROVED }, { eval_midpoint, MPREF_UNPROVED } };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    double out = 1;
    mpfr_prec_t prec = 0;
    errno = 0;
    int st = drive(bad[i].f, NULL, &out, &prec);
    if (st != bad[i].status || !isnan(out)) fail_msg("%s: case %zu: status %d, output %a", name, i, st, out);
    if (bad[i].status == MPREF_ENOMEM) assert_int_equal(errno, ENOMEM);
    if (bad[i].f == eval_zero_inexact) assert_int_equal(prec, MPREF_PREC_MAX); /* it escalated all the way */
  }
}

static void test_mpref_round(void **state)
{
  (void)state;
  check_driver("mpref_round", mpref_round, MPREF_PREC0); /* one correctly rounded division needs no escalation */
  mpfr_prec_t prec = 0;
  double out = 0;
  assert_int_equal(mpref_round(eval_unstable, NULL, &out, &prec), MPREF_OK);
  assert_true(out == 2.0);      /* the first precision's 1 was not confirmed at twice it */
  assert_true(prec == 2 * MPREF_PREC0);
}

static void test_mpref_round_vec(void **state)
{
  (void)state;
  double out[MPREF_MAX_VEC + 1];
  for (size_t i = 0; i < NQUOTS; i++) out[i] = 0;
  assert_int_equal(mpref_round_vec(eval_quot_vec, quots, NQUOTS, out), MPREF_OK);
  for (size_t i = 0; i < NQUOTS; i++)
    if (!same_double(out[i], quots[i].a / quots[i].b))
      fail_msg("mpref_round_vec component %zu: %a, IEEE quotient %a", i, out[i], quots[i].a / quots[i].b);
  /* n outside 1..MPREF_MAX_VEC is a domain error and writes nothing */
  out[0] = 7;
  assert_int_equal(mpref_round_vec(eval_quot_vec, quots, 0, out), MPREF_EDOM);
  assert_int_equal(mpref_round_vec(eval_quot_vec, quots, MPREF_MAX_VEC + 1, out), MPREF_EDOM);
  assert_true(out[0] == 7);
  assert_int_equal(mpref_round_vec(eval_vec_domain, NULL, 3, out), MPREF_EDOM);
  for (int i = 0; i < 3; i++) assert_true(isnan(out[i]));
  errno = 0;
  out[0] = out[1] = 0;
  assert_int_equal(mpref_round_vec(eval_vec_nomem, NULL, 2, out), MPREF_ENOMEM);
  assert_int_equal(errno, ENOMEM);
  assert_true(isnan(out[0]) && isnan(out[1]));
  /* one unprovable component: every component is NaN */
  out[0] = out[1] = out[2] = 0;
  assert_int_equal(mpref_round_vec(eval_vec_midpoint, NULL, 3, out), MPREF_UNPROVED);
  for (int i = 0; i < 3; i++) assert_true(isnan(out[i]));
}

/* 1/7 with a claimed loss of 100 bits at every precision: the driver must go
 * straight to a precision covering it (100 + 72 rounded up to 192 bits). */
static long eval_loss100(mpfr_t y, const void *ctx)
{
  (void)ctx;
  mpfr_set_ui(y, 1, MPFR_RNDN);
  mpfr_div_ui(y, y, 7, MPFR_RNDN);
  return 100;
}

/* 1 + 2^-53 + 2^-60, 4 ulps of 64 bits above the midpoint of 1 and its
 * successor, with a loss of 8 bits: at 64 bits the error bound 2^-55 reaches
 * past the midpoint, so only a higher precision may prove it (a driver that
 * ignored the loss would call it proved at 64). */
static long eval_near_mid_loss8(mpfr_t y, const void *ctx)
{
  (void)ctx;
  mpfr_set_ui_2exp(y, 1, -60, MPFR_RNDN);
  mpfr_add_d(y, y, 1 + 0x1p-52, MPFR_RNDN);
  mpfr_sub_d(y, y, 0x1p-53, MPFR_RNDN);
  return 8;
}

static void test_mpref_round_proved(void **state)
{
  (void)state;
  /* a 1-bit loss: proved at the first precision or the second */
  check_driver("mpref_round_proved", mpref_round_proved, 2 * MPREF_FAST_PREC0);
  mpfr_prec_t prec = 0;
  double out = 0;
  assert_int_equal(mpref_round_proved(eval_loss100, NULL, &out, &prec), MPREF_OK);
  assert_true(out == 1.0 / 7);
  assert_int_equal(prec, 192);                   /* 64, then 100 + 72 bits in whole limbs */
  assert_int_equal(mpref_round_proved(eval_near_mid_loss8, NULL, &out, &prec), MPREF_OK);
  assert_true(out == 1 + 0x1p-52);
  assert_int_equal(prec, 128);                   /* not at 64: the loss leaves the midpoint in reach */
}

/* mpref_round_each: component 0 is 1/3 (loss 1), 1 the unprovable midpoint,
 * 2 is 1/7 with a loss of 100 bits, 3 a domain error; counts[i] counts the
 * evaluations of component i (a proved one must not be evaluated again). */
typedef struct { int *counts; } each_ctx;
static void eval_each(mpfr_t *y, long *loss, size_t n, const unsigned char *need, const void *vctx)
{
  const each_ctx *c = vctx;
  for (size_t i = 0; i < n; i++) {
    if (!need[i]) continue;
    c->counts[i]++;
    if (i == 0) { mpfr_set_ui(y[i], 1, MPFR_RNDN); mpfr_div_ui(y[i], y[i], 3, MPFR_RNDN); loss[i] = 1; }
    else if (i == 1) loss[i] = eval_midpoint(y[i], NULL);
    else if (i == 2) loss[i] = eval_loss100(y[i], NULL);
    else { mpfr_set_nan(y[i]); loss[i] = MPREF_DOMAIN; }
  }
}

static void test_mpref_round_each(void **state)
{
  (void)state;
  int counts[4] = { 0, 0, 0, 0 }, st[4];
  each_ctx c = { counts };
  double out[4] = { 0, 0, 0, 0 };
  assert_int_equal(mpref_round_each(eval_each, &c, 4, out, st), MPREF_UNPROVED);
  assert_true(out[0] == 1.0 / 3 && st[0] == MPREF_OK);
  assert_true(isnan(out[1]) && st[1] == MPREF_UNPROVED);
  assert_true(out[2] == 1.0 / 7 && st[2] == MPREF_OK);
  assert_true(isnan(out[3]) && st[3] == MPREF_EDOM);
  assert_int_equal(counts[0], 1);                /* proved at the first precision, then left alone */
  assert_int_equal(counts[2], 2);                /* 64 bits, then 192 */
  assert_int_equal(counts[3], 1);
  assert_true(counts[1] > 3);                    /* escalated to the end */
  assert_int_equal(mpref_round_each(eval_each, &c, 0, out, NULL), MPREF_EDOM);
  assert_int_equal(mpref_round_each(eval_each, &c, MPREF_MAX_VEC + 1, out, NULL), MPREF_EDOM);
}

static void test_mpref_helpers(void **state)
{
  (void)state;
  mpfr_t r, a, b;
  mpfr_inits2(64, r, a, b, (mpfr_ptr)0);
  /* mpref_to_double: binary64's exponent range, ties to even, the caller's range kept */
  mpfr_exp_t emin = mpfr_get_emin(), emax = mpfr_get_emax();
  static const double scaled[][2] = { { 1.5, -1074 }, { 2.5, -1074 }, { 0.5, -1074 }, { 0.75, -1074 },
                                      { 1, 1024 }, { -1, 1100 }, { 1, -1100 }, { 1 - 0x1p-60, 1024 } };
  static const double want[] = { 0x1p-1073, 0x1p-1073, 0, 0x1p-1074, INFINITY, -INFINITY, 0, INFINITY };
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
    mpfr_set_d(r, scaled[i][0], MPFR_RNDN);
    mpfr_mul_2si(r, r, (long)scaled[i][1], MPFR_RNDN);
    double d = mpref_to_double(r);
    if (!same_double(d, want[i])) fail_msg("mpref_to_double(%g * 2^%g) = %a, want %a", scaled[i][0], scaled[i][1], d, want[i]);
  }
  assert_true(mpfr_get_emin() == emin && mpfr_get_emax() == emax);
  /* bit loss: the exponent drop of r below its largest term */
  mpfr_set_d(a, 1.0, MPFR_RNDN);
  mpfr_set_d(b, -(1.0 - 0x1p-20), MPFR_RNDN);
  mpfr_add(r, a, b, MPFR_RNDN);           /* 2^-20: 20 bits lost */
  assert_int_equal(mpref_cancel_bits(r, a, b), 20);
  assert_int_equal(mpref_cancel_bits(r, b, a), 20);
  assert_int_equal(mpref_cancellation_loss(r, a, b), MPREF_SLACK + 20);
  mpfr_set_d(b, 3.0, MPFR_RNDN);
  mpfr_add(r, a, b, MPFR_RNDN);           /* no cancellation */
  assert_int_equal(mpref_cancel_bits(r, a, b), 0);
  mpfr_set_zero(r, 1);                    /* total cancellation: unbounded */
  assert_int_equal(mpref_bits_lost(r, 10), MPREF_PREC_MAX);
  mpfr_set_inf(r, -1);
  assert_int_equal(mpref_bits_lost(r, 10), 0);
  mpfr_set_nan(r);
  assert_int_equal(mpref_bits_lost(r, 10), 0);
  assert_true(mpref_exp_of(r) == mpfr_get_emin());
  mpfr_set_zero(a, -1);
  assert_true(mpref_exp_of(a) == mpfr_get_emin());
  /* mpref_loss_of: y = 1.5 at 64 bits, EXP(y) - PREC(y) = -63 */
  mpfr_set_d(r, 1.5, MPFR_RNDN);
  static const struct { int n; mpfr_exp_t e[4]; long want; } sums[] = {
    { 1, { -64 }, 0 }, { 2, { -64, -64 }, 1 }, { 2, { -64, -70 }, 0 }, { 1, { -50 }, 14 },
    { 4, { -50, -50, -50, -50 }, 16 }, { 3, { -50, -52, -2000 }, 14 }, { 1, { -5000 }, 0 } };
  for (size_t i = 0; i < sizeof sums / sizeof sums[0]; i++)
    if (mpref_loss_of(r, sums[i].e, sums[i].n) != sums[i].want)
      fail_msg("mpref_loss_of case %zu: %ld, want %ld", i, mpref_loss_of(r, sums[i].e, sums[i].n), sums[i].want);
  mpfr_clears(r, a, b, (mpfr_ptr)0);
}

/* ---- the multivariate DPS scores beyond double's range ------------------- */
/* dmcheck.h: intermediate products must stay in double's range, else
 * DMC_ERANGE (NaN in score); an overflowing V = mu_t^2 S + sigma_t^2 I used
 * to be reported as DMC_EDOM. (SPD matrices whose diagonals differ by ~2^1000
 * are still rejected with DMC_EDOM by the scaled factorisation: not swept.) */
static void test_dps_mv_range(void **state)
{
  (void)state;
  static const double big[] = { DBL_MAX, -DBL_MAX, 1e300, -1e300 };
  const double x_t[2] = { 0.3, -0.2 }, y[1] = { 1.1 }, m[2] = { 0.2, -0.1 };
  const double S[4] = { 0.9, 0.1, 0.1, 0.7 }, A[2] = { 1.3, -0.4 }, R[1] = { 0.4 };
  for (size_t i = 0; i < sizeof big / sizeof big[0]; i++)
    for (int exact = 0; exact <= 1; exact++) {
      double score[2] = { 0, 0 };
      int st = exact ? dmc_dps_score_exact_mv(2, 1, x_t, y, big[i], 0.6, m, S, A, R, score)
                     : dmc_dps_score_dps_mv(2, 1, x_t, y, big[i], 0.6, m, S, A, R, score);
      if (st != DMC_ERANGE || !isnan(score[0]) || !isnan(score[1]))
        fail_msg("dps_score_%s_mv(mu_t = %a): status %d, score %a %a; want DMC_ERANGE and NaN",
                 exact ? "exact" : "dps", big[i], st, score[0], score[1]);
    }
}

/* ---- beta schedules (reference/schedule.c) ------------------------------- */
/* End points of the schedules whose definitions make them exact decimals:
 * the correctly rounded double is the C literal (strtod rounds correctly). */
static void test_sched_edges(void **state)
{
  (void)state;
  static const struct { int kind; long t; double want; int clipped; } ends[] = {
    { DMC_SCHED_LINEAR, 1, 1e-4, 0 },        { DMC_SCHED_LINEAR, 1000, 0.02, 0 },
    { DMC_SCHED_SCALED_LINEAR, 1, 0.00085, 0 }, { DMC_SCHED_SCALED_LINEAR, 1000, 0.012, 0 },
    { DMC_SCHED_QUADRATIC, 1, 1e-4, 0 },     { DMC_SCHED_QUADRATIC, 1000, 0.02, 0 },
    { DMC_SCHED_COSINE, 1000, 0.999, 1 },    /* f(1) = 0: beta_T = 1, capped */
  };
  for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
    double b = 0, bc = 0;
    int clipped = -1, clipped_c = -1;
    int st = ref_sched_beta(ends[i].kind, 1000, ends[i].t, &b, &clipped);
    int stc = ref_sched_beta_cross(ends[i].kind, 1000, ends[i].t, &bc, &clipped_c);
    if (st || stc || b != ends[i].want || bc != ends[i].want || clipped != ends[i].clipped || clipped_c != ends[i].clipped)
      fail_msg("schedule %d, t = %ld: %a (status %d, clipped %d), cross %a (status %d, clipped %d); want %a, clipped %d",
               ends[i].kind, ends[i].t, b, st, clipped, bc, stc, clipped_c, ends[i].want, ends[i].clipped);
  }
  /* the one-sweep forms give the same betas as one call per t */
  for (int kind = 0; kind < REF_SCHED_NKINDS; kind++) {
    double all[7], allc[7];
    unsigned char cl[7];
    assert_int_equal(ref_sched_betas(kind, 7, 7, all, cl), 0);
    assert_int_equal(ref_sched_betas_cross(kind, 7, 7, allc, NULL), 0);
    for (long t = 1; t <= 7; t++) {
      double b;
      int c;
      assert_int_equal(ref_sched_beta(kind, 7, t, &b, &c), 0);
      assert_true(b == all[t - 1] && b == allc[t - 1] && c == cl[t - 1]);
    }
  }
  /* outside the domain: an unknown kind, T or t out of range -> 1 and NaN */
  static const long bad[][3] = { { -1, 10, 1 }, { REF_SCHED_NKINDS, 10, 1 }, { 0, 0, 1 }, { 0, 10, 0 },
                                 { 0, 10, 11 }, { 0, REF_SCHED_TMAX + 1, 1 }, { 0, -5, 1 } };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    double b = 0;
    int c = 0;
    int st = ref_sched_beta((int)bad[i][0], bad[i][1], bad[i][2], &b, &c);
    if (st != 1 || !isnan(b)) fail_msg("ref_sched_beta(%ld, %ld, %ld): status %d, beta %a", bad[i][0], bad[i][1], bad[i][2], st, b);
    b = 0;
    st = ref_sched_beta_cross((int)bad[i][0], bad[i][1], bad[i][2], &b, &c);
    if (st != 1 || !isnan(b)) fail_msg("ref_sched_beta_cross(%ld, %ld, %ld): status %d, beta %a", bad[i][0], bad[i][1], bad[i][2], st, b);
  }
  double b3[3] = { 0, 0, 0 };
  assert_int_equal(ref_sched_betas(-1, 3, 3, b3, NULL), 1);
  assert_true(isnan(b3[0]) && isnan(b3[2]));
}

/* ---- alphabar quantities (reference/schedule.c) -------------------------- */
/* For beta = (1/2, 1/2, 1/2) every quantity is known in closed form:
 * alphabar_k = 2^-k, 1 - alphabar_k, log(1 - alphabar_k), log SNR = -log(2^k - 1). */
static void test_alphabar_edges(void **state)
{
  (void)state;
  const double beta[3] = { 0.5, 0.5, 0.5 };
  double out[3];
  assert_int_equal(ref_alphabar_all(3, beta, REF_AB_ALPHABAR, out), 0);
  assert_true(out[0] == 0.5 && out[1] == 0.25 && out[2] == 0.125);
  assert_int_equal(ref_alphabar_all(3, beta, REF_AB_ONE_MINUS, out), 0);
  assert_true(out[0] == 0.5 && out[1] == 0.75 && out[2] == 0.875);
  assert_int_equal(ref_alphabar_all(3, beta, REF_AB_SQRT, out), 0);
  assert_true(out[1] == 0.5);
  assert_int_equal(ref_alphabar_all(3, beta, REF_AB_LOG_SNR, out), 0);
  assert_true(out[0] == 0.0);                /* log(1/2 / 1/2) = 0 exactly */
  double q;
  assert_int_equal(ref_alphabar_quantity(2, beta, REF_AB_LOG_ONE_MINUS, &q), 0);
  assert_true(dmc_ulp_distance(q, log(0.75)) <= 1); /* glibc's log: within 1 ulp */
  /* beta = 1: alphabar = 0 exactly; its log SNR is -inf */
  const double one[2] = { 0.25, 1.0 };
  assert_int_equal(ref_alphabar_quantity(2, one, REF_AB_ALPHABAR, &q), 0);
  assert_true(q == 0.0);
  /* outside [0, 1], NaN, an unknown quantity, n = 0: 1 and NaN */
  const double bad[][2] = { { 0.5, -0.25 }, { 1.5, 0.5 }, { NAN, 0.5 }, { 0.5, INFINITY } };
  for (size_t i = 0; i < 4; i++) {
    q = 0;
    int st = ref_alphabar_quantity(2, bad[i], REF_AB_ALPHABAR, &q);
    if (st != 1 || !isnan(q)) fail_msg("ref_alphabar_quantity(beta = %a, %a): status %d, %a", bad[i][0], bad[i][1], st, q);
  }
  q = 0;
  assert_int_equal(ref_alphabar_quantity(2, beta, REF_AB_N, &q), 1);
  assert_true(isnan(q));
  assert_int_equal(ref_alphabar_quantity(2, beta, -1, &q), 1);
  assert_true(isnan(q));
  out[0] = out[1] = out[2] = 0;
  assert_int_equal(ref_alphabar_all(3, beta, REF_AB_N, out), 1);
  assert_true(isnan(out[0]) && isnan(out[1]) && isnan(out[2]));
  /* beta = 0: alphabar = 1 exactly, so 1 - alphabar = 0, log(1 - alphabar) = -inf, log SNR = +inf */
  const double zero[2] = { 0.0, 0.0 };
  static const struct { int which; double want; } at_one[] = {
    { REF_AB_ALPHABAR, 1.0 }, { REF_AB_ONE_MINUS, 0.0 }, { REF_AB_SQRT, 1.0 }, { REF_AB_SQRT_ONE_MINUS, 0.0 },
    { REF_AB_LOG_ONE_MINUS, -INFINITY }, { REF_AB_LOG_SNR, INFINITY },
  };
  for (size_t i = 0; i < sizeof at_one / sizeof at_one[0]; i++) {
    int st = ref_alphabar_quantity(2, zero, at_one[i].which, &q);
    if (st || q != at_one[i].want) fail_msg("quantity %d at beta = 0: %a (status %d), want %a", at_one[i].which, q, st, at_one[i].want);
  }
  assert_int_equal(ref_alphabar_quantity(2, one, REF_AB_LOG_SNR, &q), 0);   /* alphabar = 0 */
  assert_true(q == -INFINITY);
  assert_int_equal(ref_alphabar_quantity(2, one, REF_AB_ONE_MINUS, &q), 0);
  assert_true(q == 1.0);
  /* one small beta: 1 - alphabar = beta exactly, so log(1 - alphabar) = log(beta) */
  const double small[1] = { 1e-10 };
  assert_int_equal(ref_alphabar_quantity(1, small, REF_AB_LOG_ONE_MINUS, &q), 0);
  assert_true(dmc_ulp_distance(q, log(1e-10)) <= 1);
  assert_int_equal(ref_alphabar_quantity(1, small, REF_AB_SQRT_ONE_MINUS, &q), 0);
  assert_true(q == sqrt(1e-10));                  /* IEEE sqrt is correctly rounded */
  /* log SNR = log((1 - b)/b): within 2 ulps of glibc's log of the IEEE quotient
   * (0.5 ulp from the division times the condition number 1/|log| < 1, plus log's 1 ulp) */
  const double b02[1] = { 0.2 };
  assert_int_equal(ref_alphabar_quantity(1, b02, REF_AB_LOG_SNR, &q), 0);
  assert_true(dmc_ulp_distance(q, log((1 - 0.2) / 0.2)) <= 2);
}

/* ---- the linear-Gaussian chain's ELBO terms (reference/elbo.c) ---------- */
/* The decomposition of D7: ELBO = recon - kl_prior - sum_{t=2..T} KL_t, each
 * term rounded once, so their double sum is within a few ulps of the
 * correctly rounded ELBO; a term index past T is a domain error. */
static void test_lgc_terms(void **state)
{
  (void)state;
  const double lambda[3] = { 0.9, 0.8, 0.7 }, a[3] = { 1.05, 1.1, 1.2 }, b[3] = { 0.01, -0.02, 0.03 },
               c[3] = { 0.2, 0.3, 0.4 };
  dmc_lgc m = { 3, lambda, a, b, c, 0.1, 1.2 };
  for (int k = 0; k < 3; k++) {
    double x0 = -1.0 + k, elbo, term[4], sum;
    int st = ref_lgc_elbo(&m, x0, &elbo);
    if (st) fail_msg("ref_lgc_elbo(x0 = %g): status %d", x0, st);
    for (size_t w = 0; w <= 3; w++) assert_int_equal(ref_lgc_term(&m, x0, w, &term[w]), 0);
    sum = term[0] - term[1] - term[2] - term[3];
    if (!(fabs(sum - elbo) <= 8 * DBL_EPSILON * (fabs(term[0]) + fabs(term[1]) + fabs(term[2]) + fabs(term[3]))))
      fail_msg("x0 = %g: recon - kl_prior - kl_2 - kl_3 = %a, ELBO %a", x0, sum, elbo);
    assert_true(term[1] >= 0 && term[2] >= 0 && term[3] >= 0);   /* KL divergences */
    double lp;
    assert_int_equal(ref_lgc_log_evidence(&m, x0, &lp), 0);
    assert_true(elbo <= lp);                                        /* the ELBO bounds log p(x0) */
  }
  double out = 0;
  assert_int_equal(ref_lgc_term(&m, 0.0, 4, &out), 1);
  assert_true(isnan(out));
  dmc_lgc empty = { 0, lambda, a, b, c, 0.1, 1.2 };
  out = 0;
  assert_int_equal(ref_lgc_term(&empty, 0.0, 0, &out), 1);
  assert_true(isnan(out));
  out = 0;
  assert_int_equal(ref_lgc_elbo(NULL, 0.0, &out), 1);
  assert_true(isnan(out));
}

/* ---- every vector suite at special inputs (reference/suites.h) ----------- */
/* eval and cross are both correctly rounded: wherever both succeed they give
 * the same doubles, and where both decide (status 0 or 1) they agree. Status 0 never comes
 * with a NaN output, a non-zero status always does, and a NaN input is a
 * domain error. */
static int suite_call(int (*fn)(const double *, double *), const dmc_suite *su, const double *in, double *out)
{
  for (int k = 0; k < su->noutputs; k++) out[k] = 12345.0;
  int st = fn(in, out);
  int nans = 0;
  for (int k = 0; k < su->noutputs; k++) nans += isnan(out[k]) != 0;
  if (!(st >= 0 && st <= 2) || (st == 0 && nans) || (st != 0 && !nans))
    fail_msg("suite %s: status %d with %d NaN outputs of %d", su->name, st, nans, su->noutputs);
  return st;
}

static void test_suites_special(void **state)
{
  (void)state;
  static const double sv[] = { NAN, INFINITY, -INFINITY, 0.0, -0.0, -1.0, 0x1p-1074, 1e300, -1e300 };
  unsigned long calls = 0, domain = 0, named = 0;
  for (size_t i = 0; i < dmc_nsuites; i++) {
    const dmc_suite *su = dmc_suites[i];
    double base[DMC_SUITE_MAX_COLS], in[DMC_SUITE_MAX_COLS], eo[DMC_SUITE_MAX_COLS], co[DMC_SUITE_MAX_COLS];
    assert_int_equal(su->inputs(su->count() / 2, base), 0);
    for (int a = 0; a < su->ninputs; a++)
      for (size_t v = 0; v < sizeof sv / sizeof sv[0]; v++) {
        memcpy(in, base, sizeof in);
        in[a] = sv[v];
        int es = suite_call(su->eval, su, in, eo);
        int cs = suite_call(su->cross, su, in, co);
        calls += 2;
        domain += (es == 1) + (cs == 1);
        /* the live-evaluation domain (dmc_suite_domain) rejects only inputs
         * the suite rejects, and names the offending input */
        char why[512], eq[96];
        int dr = dmc_suite_domain(su, in, why, sizeof why);
        if (dr >= 0) {
          named++;
          snprintf(eq, sizeof eq, "%s = ", dr < su->ninputs ? su->input_names[dr] : "?");
          if (es != 1 || dr >= su->ninputs || strncmp(why, "inputs outside the suite's domain: ", 35) || !strstr(why, eq))
            fail_msg("suite %s, %s = %a: domain says input %d (%s) but eval status %d", su->name, su->input_names[a],
                     sv[v], dr, why, es);
        }
        if (isnan(sv[v]) && (es != 1 || cs != 1))
          fail_msg("suite %s: NaN %s gave status %d (eval), %d (cross)", su->name, su->input_names[a], es, cs);
        if (es != 2 && cs != 2 && es != cs) /* an unproved rounding (2) decides nothing */
          fail_msg("suite %s, %s = %a: eval status %d, cross status %d", su->name, su->input_names[a], sv[v], es, cs);
        if (es == 0 && cs == 0)
          for (int k = 0; k < su->noutputs; k++)
            if (eo[k] != co[k]) /* the real value 0 has no sign: +-0 agree */
              fail_msg("suite %s, %s = %a: %s = %a (eval), %a (cross)", su->name, su->input_names[a], sv[v],
                       su->output_names[k], eo[k], co[k]);
      }
  }
  printf("test_ref_edges: %lu suite calls over %zu suites, %lu domain errors, %lu named by dmc_suite_domain\n", calls,
         dmc_nsuites, domain, named);
  assert_true(domain > 0 && named > 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_special_values),
    cmocka_unit_test(test_mpref_round),
    cmocka_unit_test(test_mpref_round_vec),
    cmocka_unit_test(test_mpref_round_proved),
    cmocka_unit_test(test_mpref_round_each),
    cmocka_unit_test(test_mpref_helpers),
    cmocka_unit_test(test_dps_mv_range),
    cmocka_unit_test(test_sched_edges),
    cmocka_unit_test(test_alphabar_edges),
    cmocka_unit_test(test_lgc_terms),
    cmocka_unit_test(test_suites_special),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
