/* suites.c -- the registry of reference vector suites (see suites.h).
 * Each suite is defined in its own reference/suite_<name>.c; list it here. */
#include "suites.h"

#include <stdio.h>
#include <string.h>

/* extern const dmc_suite dmc_suite_xxx;  -- one line per suite */
extern const dmc_suite dmc_suite_gauss_score;
extern const dmc_suite dmc_suite_sched_linear, dmc_suite_sched_scaled_linear, dmc_suite_sched_quadratic,
  dmc_suite_sched_sigmoid, dmc_suite_sched_cosine;
extern const dmc_suite dmc_suite_sched_linear_t0, dmc_suite_sched_scaled_linear_t0, dmc_suite_sched_quadratic_t0,
  dmc_suite_sched_sigmoid_t0, dmc_suite_sched_cosine_t0;
extern const dmc_suite dmc_suite_ddpm_from_betas;
extern const dmc_suite dmc_suite_approx_std_normal_cdf, dmc_suite_discretized_gaussian_loglik_tanh;
int dmc_tanh_suite_domain(const dmc_suite *s, const double *in, char *why, size_t len);
extern const dmc_suite dmc_suite_edm_precond, dmc_suite_sigmas_vp, dmc_suite_sigmas_polyexponential,
  dmc_suite_sigma_ve;
int dmc_kdiff_suite_domain(const dmc_suite *s, const double *in, char *why, size_t len);
extern const dmc_suite dmc_suite_dpm_solver_coeffs, dmc_suite_dpm_solver2_coeffs;
int dmc_dpm_suite_domain(const dmc_suite *s, const double *in, char *why, size_t len);
extern const dmc_suite dmc_suite_sde_param;
int dmc_sde_param_suite_domain(const dmc_suite *s, const double *in, char *why, size_t len);
int dmc_betas_suite_domain(const double *in, char *why, size_t len);
extern const dmc_suite dmc_suite_sched_zero_snr, dmc_suite_ddpm_posterior, dmc_suite_param_conversions,
  dmc_suite_normal_cdf, dmc_suite_sde_coeffs, dmc_suite_ddim_coeffs, dmc_suite_sigma_grids,
  dmc_suite_ancestral_step, dmc_suite_gauss_kl, dmc_suite_discretized_loglik, dmc_suite_tweedie,
  dmc_suite_dsm_optimum, dmc_suite_lgc_elbo;
extern const dmc_suite dmc_suite_dps_linear;

const dmc_suite *const dmc_suites[] = {
  &dmc_suite_gauss_score,
  &dmc_suite_sched_linear, &dmc_suite_sched_scaled_linear, &dmc_suite_sched_quadratic,
  &dmc_suite_sched_sigmoid, &dmc_suite_sched_cosine,
  &dmc_suite_sched_zero_snr, &dmc_suite_ddpm_posterior, &dmc_suite_param_conversions,
  &dmc_suite_normal_cdf, &dmc_suite_sde_coeffs, &dmc_suite_ddim_coeffs, &dmc_suite_sigma_grids,
  &dmc_suite_ancestral_step, &dmc_suite_gauss_kl, &dmc_suite_discretized_loglik, &dmc_suite_tweedie,
  &dmc_suite_dsm_optimum, &dmc_suite_lgc_elbo,
  &dmc_suite_dps_linear,
  &dmc_suite_sched_linear_t0, &dmc_suite_sched_scaled_linear_t0, &dmc_suite_sched_quadratic_t0,
  &dmc_suite_sched_sigmoid_t0, &dmc_suite_sched_cosine_t0,
  &dmc_suite_ddpm_from_betas,
  &dmc_suite_approx_std_normal_cdf, &dmc_suite_discretized_gaussian_loglik_tanh,
  &dmc_suite_edm_precond, &dmc_suite_sigmas_vp, &dmc_suite_sigmas_polyexponential, &dmc_suite_sigma_ve,
  &dmc_suite_dpm_solver_coeffs, &dmc_suite_sde_param, &dmc_suite_dpm_solver2_coeffs,
  NULL /* registry sentinel; suites go before it */
};
const size_t dmc_nsuites = sizeof dmc_suites / sizeof *dmc_suites - 1;

const dmc_suite *dmc_suite_find(const char *name)
{
  for (size_t i = 0; i < dmc_nsuites; i++)
    if (!strcmp(dmc_suites[i]->name, name)) return dmc_suites[i];
  return NULL;
}

int dmc_suite_rows(const dmc_suite *s, int cross, size_t first, size_t n, double *in, double *out, int *status)
{
  int rc = dmc_sched_suite_rows(s, cross, first, n, in, out, status);
  if (rc == -2) rc = dmc_kl_suite_rows(s, cross, first, n, in, out, status);
  if (rc != -2) return rc;
  for (size_t j = 0; j < n; j++) {
    double *ri = in + j * (size_t)s->ninputs, *ro = out + j * (size_t)s->noutputs;
    s->inputs(first + j, ri);
    status[j] = cross ? s->cross(ri, ro) : s->eval(ri, ro);
  }
  return 0;
}

/* The suite-specific reason, after the phrase every bad-input row shares. */
static int suite_domain(const dmc_suite *s, const double *in, char *why, size_t len)
{
  if (s == &dmc_suite_ddpm_from_betas) return dmc_betas_suite_domain(in, why, len);
  int rc = dmc_sched_suite_domain(s, in, why, len);
  if (rc == -2) rc = dmc_tanh_suite_domain(s, in, why, len);
  if (rc == -2) rc = dmc_kdiff_suite_domain(s, in, why, len);
  if (rc == -2) rc = dmc_dpm_suite_domain(s, in, why, len);
  if (rc == -2) rc = dmc_sde_param_suite_domain(s, in, why, len);
  return rc == -2 ? -1 : rc;
}

int dmc_suite_domain(const dmc_suite *s, const double *in, char *why, size_t len)
{
  char reason[384];
  int rc = suite_domain(s, in, reason, sizeof reason);
  if (rc >= 0) snprintf(why, len, "inputs outside the suite's domain: %s", reason);
  return rc;
}
