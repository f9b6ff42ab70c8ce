/* suite_kl.c -- suite gauss_kl (claims elbo.kl.gauss elbo.kl.near): the KL
 * divergence KL(N(mu1, e^lv1) || N(mu2, e^lv2)) = (e^d - 1 - d + (mu1 -
 * mu2)^2 e^-lv2)/2, d = lv1 - lv2, where the two distributions nearly
 * coincide: |d| from 1e-2 down to 1e-12, lv2 in [-50, 5], mu1 - mu2 in {0,
 * 1e-8, 1}. eval: ref_gauss_kl (reference/elbo.c, expm1(d) - d); cross: the
 * Taylor series sum_{k>=2} d^k/k! for |d| < 1/4 (e^d - 1 - d otherwise, its
 * cancellation counted) and the mean term as exp(2 log|dmu| - lv2). */
#include "suites.h"
#include "dmcref.h"
#include "suite_util.h"

#include <math.h>

extern const dmc_suite dmc_suite_gauss_kl;

static const char *const in_names[] = { "mu1", "logvar1", "mu2", "logvar2" };
static const char *const out_names[] = { "kl" };

/* lv2 = 0 is left out: with d = 0 the KL is then an exactly representable
 * (mu1 - mu2)^2/2, which ref_gauss_kl cannot round (it reports status 2). */
static const double lv2s[] = { -50.0, -20.0, -5.0, -0.5, 5.0 };
static const double ds[] = { 0.0, 1e-2, -1e-2, 1e-4, -1e-4, 1e-6, -1e-6, 1e-8, -1e-8, 1e-10, -1e-10, 1e-12, -1e-12 };
static const double dmus[] = { 0.0, 1e-8, 1.0 };
#define NLV 5
#define ND 13
#define NMU 3
static size_t kl_count(void) { return NLV * ND * NMU; }

static int kl_inputs(size_t r, double *in)
{
  size_t len[3] = { NLV, ND, NMU }, ix[3];
  suite_digits(r, 3, len, ix);
  in[2] = 0.25;
  in[0] = 0.25 + dmus[ix[2]];
  in[3] = lv2s[ix[0]];
  in[1] = lv2s[ix[0]] + ds[ix[1]];   /* the exact double difference is what counts */
  return 0;
}

typedef struct { double mu1, lv1, mu2, lv2; } kl_ctx;

static long kl_cross(mpfr_t y, const void *vctx)
{
  const kl_ctx *c = vctx;
  mpfr_prec_t q = mpfr_get_prec(y) + 32;
  mpfr_t d, f, term, g, e;
  mpfr_inits2(q, d, f, term, g, e, (mpfr_ptr)0);
  long loss = MPREF_SLACK + 4;
  int exact_zero = 1;
  mpfr_set_d(d, c->lv1, MPFR_RNDN);
  mpfr_sub_d(d, d, c->lv2, MPFR_RNDN);                   /* one rounding, relative */
  mpfr_set_zero(f, 1);
  if (!mpfr_zero_p(d)) {
    exact_zero = 0;
    if (mpfr_cmpabs_ui(d, 1) < 0 && mpfr_get_exp(d) <= -2) {
      /* sum_{k>=2} d^k/k!: |terms| fall by |d|/k < 1/8, stop below 2^-(q+8) of the sum */
      mpfr_sqr(term, d, MPFR_RNDN);
      mpfr_div_2ui(term, term, 1, MPFR_RNDN);
      for (unsigned long k = 3; !mpfr_zero_p(term); k++) {
        mpfr_add(f, f, term, MPFR_RNDN);
        mpfr_mul(term, term, d, MPFR_RNDN);
        mpfr_div_ui(term, term, k, MPFR_RNDN);
        if (mpfr_get_exp(term) < mpfr_get_exp(f) - (long)q - 8) break;
      }
    } else {
      mpfr_exp(e, d, MPFR_RNDN);
      mpfr_sub_ui(e, e, 1, MPFR_RNDN);
      mpfr_sub(f, e, d, MPFR_RNDN);
      loss += mpref_cancel_bits(f, e, d) + (mpfr_get_exp(d) > 0 ? (long)mpfr_get_exp(d) : 0);
    }
  }
  mpfr_set_d(g, c->mu1, MPFR_RNDN);
  mpfr_sub_d(g, g, c->mu2, MPFR_RNDN);
  if (!mpfr_zero_p(g)) {
    exact_zero = 0;
    mpfr_abs(g, g, MPFR_RNDN);
    mpfr_log(g, g, MPFR_RNDN);
    mpfr_mul_2ui(g, g, 1, MPFR_RNDN);
    mpfr_sub_d(g, g, c->lv2, MPFR_RNDN);
    loss += mpfr_get_exp(g) > 0 ? (long)mpfr_get_exp(g) : 0;   /* exp's argument error */
    mpfr_exp(g, g, MPFR_RNDN);
  }
  mpfr_add(y, f, g, MPFR_RNDN);
  mpfr_div_2ui(y, y, 1, MPFR_RNDN);
  mpfr_clears(d, f, term, g, e, (mpfr_ptr)0);
  return exact_zero ? MPREF_EXACT : loss;
}

static int kl_row(const double *in, double *out, int cross)
{
  if (!cross) return ref_gauss_kl(in[0], in[1], in[2], in[3], out);
  for (int i = 0; i < 4; i++) if (!isfinite(in[i])) { out[0] = NAN; return 1; }
  kl_ctx c = { in[0], in[1], in[2], in[3] };
  return mpref_round(kl_cross, &c, out, NULL);
}

static int kl_eval(const double *in, double *out) { return kl_row(in, out, 0); }

/* Table rows first..first+n-1 (dmc_suite_rows): eval's values, with
 * exp(-logvar2) computed once per run of rows sharing logvar2. */
int dmc_kl_suite_rows(const dmc_suite *s, int cross, size_t first, size_t n, double *in, double *out, int *status)
{
  if (s != &dmc_suite_gauss_kl) return -2;
  ref_kl_memo *m = cross ? NULL : ref_kl_memo_new();
  if (!cross && !m) return -1;
  for (size_t j = 0; j < n; j++) {
    double *ri = in + 4 * j;
    kl_inputs(first + j, ri);
    status[j] = cross ? kl_row(ri, out + j, 1) : ref_gauss_kl_memo(ri[0], ri[1], ri[2], ri[3], m, out + j);
  }
  ref_kl_memo_free(m);
  return 0;
}
static int kl_crossf(const double *in, double *out) { return kl_row(in, out, 1); }

const dmc_suite dmc_suite_gauss_kl = {
  "gauss_kl",
  "KL(N(mu1, exp(logvar1)) || N(mu2, exp(logvar2))) = (exp(d) - 1 - d + (mu1 - mu2)^2 exp(-logvar2))/2,"
  " d = logvar1 - logvar2, near coincidence: logvar2 in {-50, -20, -5, -0.5, 5}, logvar1 = logvar2 + d"
  " (rounded; the stored doubles define d) for d in {0, +-1e-2, ..., +-1e-12}, mu2 = 0.25, mu1 - mu2 in"
  " {0, 1e-8, 1} (rounded). Values from ref_gauss_kl (D7).",
  "elbo.kl.gauss elbo.kl.near",
  4, 1, in_names, out_names, kl_count, kl_inputs, kl_eval, kl_crossf,
  "e^d - 1 - d by its Taylor series sum_{k>=2} d^k/k!, (mu1 - mu2)^2 as an exact GMP rational (tests/vec_indep_elbo.c)"
};
