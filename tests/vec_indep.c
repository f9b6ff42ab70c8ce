/* vec_indep.c -- the registry of independent suite checks and the driver
 * that settles their precision (see vec_indep.h). */
#include "vec_indep.h"

#include <math.h>
#include <string.h>

extern const vi_check vi_gauss_score, vi_sched_linear, vi_sched_scaled_linear, vi_sched_quadratic,
  vi_sched_sigmoid, vi_sched_cosine, vi_sched_zero_snr, vi_ddpm_posterior, vi_param_conversions,
  vi_normal_cdf, vi_sde_coeffs, vi_ddim_coeffs, vi_sigma_grids, vi_ancestral_step, vi_gauss_kl,
  vi_discretized_loglik, vi_tweedie, vi_dsm_optimum, vi_lgc_elbo;
extern const vi_check vi_dps_linear;
extern const vi_check vi_sched_linear_t0, vi_sched_scaled_linear_t0, vi_sched_quadratic_t0, vi_sched_sigmoid_t0,
  vi_sched_cosine_t0;
extern const vi_check vi_ddpm_from_betas, vi_approx_std_normal_cdf, vi_discretized_gaussian_loglik_tanh;
extern const vi_check vi_edm_precond, vi_sigmas_vp, vi_sigmas_polyexponential, vi_sigma_ve;
extern const vi_check vi_dpm_solver_coeffs, vi_sde_param, vi_dpm_solver2_coeffs;

static const vi_check *const checks[] = {
  &vi_gauss_score, &vi_sched_linear, &vi_sched_scaled_linear, &vi_sched_quadratic, &vi_sched_sigmoid,
  &vi_sched_cosine, &vi_sched_zero_snr, &vi_ddpm_posterior, &vi_param_conversions, &vi_normal_cdf,
  &vi_sde_coeffs, &vi_ddim_coeffs, &vi_sigma_grids, &vi_ancestral_step, &vi_gauss_kl,
  &vi_discretized_loglik, &vi_tweedie, &vi_dsm_optimum, &vi_lgc_elbo,
  &vi_dps_linear,
  &vi_sched_linear_t0, &vi_sched_scaled_linear_t0, &vi_sched_quadratic_t0, &vi_sched_sigmoid_t0, &vi_sched_cosine_t0,
  &vi_ddpm_from_betas, &vi_approx_std_normal_cdf, &vi_discretized_gaussian_loglik_tanh,
  &vi_edm_precond, &vi_sigmas_vp, &vi_sigmas_polyexponential, &vi_sigma_ve,
  &vi_dpm_solver_coeffs, &vi_sde_param, &vi_dpm_solver2_coeffs,
};

const vi_check *vi_find(const char *suite)
{
  for (size_t i = 0; i < sizeof checks / sizeof *checks; i++)
    if (!strcmp(checks[i]->suite, suite)) return checks[i];
  return NULL;
}

/* The first working precision: two limbs. The settling rule (2^-40 ULP
 * between p and 2p bits) decides, not the start: a row that needs more goes
 * on doubling (192 started every row a limb higher, 0.4 s of test_vectors). */
#define VI_PREC0 128
#define VI_PREC_MAX 32768

/* log2 of the binary64 ULP at the binade of the nonzero finite v. */
static long ulp_exp(const mpfr_t v)
{
  long e = (long)mpfr_get_exp(v) - 53;
  return e < -1074 ? -1074 : e;
}

/* The two evaluations agree to 2^-40 ULP (or are the same special value). */
static int settled(const mpfr_t lo, const mpfr_t hi)
{
  if (mpfr_nan_p(lo) || mpfr_nan_p(hi)) return mpfr_nan_p(lo) && mpfr_nan_p(hi);
  if (!mpfr_regular_p(lo) || !mpfr_regular_p(hi)) return mpfr_equal_p(lo, hi);
  mpfr_t d;
  mpfr_init2(d, 64);
  mpfr_sub(d, lo, hi, MPFR_RNDN);
  int ok = mpfr_zero_p(d) || (long)mpfr_get_exp(d) <= ulp_exp(hi) - 40;
  mpfr_clear(d);
  return ok;
}

/* |d - v| in units of the gap from d to the next double towards v: at most
 * 1/2 exactly when d = RN(v) (also at a power of two, where the gaps on
 * either side differ). */
static double ulp_error(double d, const mpfr_t v)
{
  if (mpfr_nan_p(v) || isnan(d)) return mpfr_nan_p(v) && isnan(d) ? 0 : INFINITY;
  if (mpfr_inf_p(v) || mpfr_zero_p(v)) return mpfr_get_d(v, MPFR_RNDN) == d ? 0 : INFINITY;
  if (mpfr_get_exp(v) > 1024) return isinf(d) && (d > 0) == (mpfr_sgn(v) > 0) ? 0 : INFINITY;
  if (isinf(d)) return INFINITY;
  int side = mpfr_cmp_d(v, d);
  if (side == 0) return 0;
  double gap = fabs(nextafter(d, side > 0 ? INFINITY : -INFINITY) - d);
  if (isinf(gap)) gap = 0x1p971;
  mpfr_t e;
  mpfr_init2(e, mpfr_get_prec(v) + 1200);
  mpfr_set_d(e, d, MPFR_RNDN);
  mpfr_sub(e, e, v, MPFR_RNDN);
  mpfr_div_d(e, e, gap, MPFR_RNDN);
  double u = fabs(mpfr_get_d(e, MPFR_RNDN));
  mpfr_clear(e);
  if (u == 0.5) { /* a tie: round-half-even keeps the even significand */
    int ex;
    frexp(d, &ex);
    double sig = ldexp(fabs(d), -(ex - 53 > -1074 ? ex - 53 : -1074)); /* the significand as an integer */
    if (fmod(sig, 2) != 0) u = 1;
  }
  return u;
}

int vi_row(const vi_check *c, const double *in, const double *stored, int nout, void *cache, double *ulp)
{
  mpfr_t lo[VI_MAX_OUT], hi[VI_MAX_OUT];
  mpfr_prec_t p = VI_PREC0;
  for (int k = 0; k < nout; k++) { mpfr_init2(lo[k], p); mpfr_init2(hi[k], 2 * p); ulp[k] = NAN; }
  int st = c->eval(lo, in, p, cache), done = 0;
  while (!st && !done && 2 * p <= VI_PREC_MAX) {
    for (int k = 0; k < nout; k++) mpfr_set_prec(hi[k], 2 * p);
    st = c->eval(hi, in, 2 * p, cache);
    done = 1;
    for (int k = 0; k < nout && !st; k++) done &= settled(lo[k], hi[k]);
    for (int k = 0; k < nout; k++) mpfr_swap(lo[k], hi[k]);
    p *= 2;
  }
  if (!st && done)
    for (int k = 0; k < nout; k++) ulp[k] = ulp_error(stored[k], lo[k]);
  for (int k = 0; k < nout; k++) { mpfr_clear(lo[k]); mpfr_clear(hi[k]); }
  return !st && done ? 0 : -1;
}
