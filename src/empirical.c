/* empirical.c -- D8b: the ideal denoiser of an empirical data set (claims
 * ddpm.denoiser, ddpm.denoiser.accuracy). The data set is the mixture of n
 * point masses with equal weights, so x0hat is dmc_gmix_mean's posterior mean
 * with s_k = 0 and log-weights 0: one double-double log-sum-exp serves both. */
#include "dmcheck.h"

#include "alloc.h"
#include "outputs.h"

int dmc_empirical_denoiser(double x_t, double alpha, double s, size_t n, const double *x0, double *x0hat)
{
  if (!x0hat) return DMC_EDOM;
  if (!x0 || n == 0 || n > DMC_N_MAX) return nan_out(DMC_EDOM, x0hat);
  /* n zeros: the log-weights (equal masses) and the component scales (point masses) */
  double *zeros = alloc_array(n, sizeof *zeros);
  if (!zeros) return nan_out(DMC_ENOMEM, x0hat);
  for (size_t i = 0; i < n; i++) zeros[i] = 0.0;
  int status = dmc_gmix_mean(x_t, alpha, s, n, zeros, x0, zeros, DMC_WEIGHTS_LOG, x0hat);
  free(zeros);
  return status;
}
