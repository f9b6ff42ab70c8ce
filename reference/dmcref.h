/* dmcref.h -- MPFR reference evaluators: the correctly rounded double of each
 * quantity libdmcheck computes. Same names as src/ with prefix ref_.
 * Every function returns 0 on success, 1 for a domain error (output NaN) and
 * 2 when the rounding could not be proved (output NaN); see mpref.h. */
#ifndef DMC_DMCREF_H
#define DMC_DMCREF_H

#include <stddef.h>
#include "mpref.h"

/* D1 Gaussian score */
int ref_gauss_logpdf(double x, double mu, double sigma, double *out);
int ref_gauss_score(double x, double mu, double sigma, double *out);
int ref_gauss_diag_logpdf(size_t n, const double *x, const double *mu,
                          const double *var, double *out);
int ref_gauss_diag_score(size_t n, const double *x, const double *mu,
                         const double *var, double *out);
int ref_gauss_full_logpdf(size_t n, const double *x, const double *mu,
                          const double *cov, double *out);
int ref_gauss_full_score(size_t n, const double *x, const double *mu,
                         const double *cov, double *out);

/* D2 Tweedie (reference/tweedie.c) */
int ref_tweedie_mean(double x_t, double mu_t, double sigma_t, double score, double *out);
int ref_tweedie_var(double mu_t, double sigma_t, double dscore, double *out);
/* log_weights: 0 linear weights w_k, 1 log-weights. The mean is evaluated by
 * Tweedie's formula (x + sigma^2 score)/mu (prior mean when mu = 0). */
int ref_gmix_score(double x_t, double mu_t, double sigma_t, size_t n, const double *w,
                   const double *m, const double *s, int log_weights, double *out);
int ref_gmix_mean(double x_t, double mu_t, double sigma_t, size_t n, const double *w,
                  const double *m, const double *s, int log_weights, double *out);
int ref_unif_score(double x_t, double mu_t, double sigma_t, double a, double b, double *out);
/* (end D2) */

/* D4 linear DSM (reference/dsm.c) */
int ref_dsm_linear_optimum(double mu, double sigma, double sigma_eps, double *w, double *b);
int ref_dsm_loss(double mu, double sigma, double sigma_eps, double w, double b, double *out);
int ref_esm_loss(double mu, double sigma, double sigma_eps, double w, double b, double *out);
int ref_dsm_loss_constant(double sigma, double sigma_eps, double *out);
/* (end D4) */

/* D6 SDEs (reference/sde.c). kind 1 = OU (p0 theta, p1 m, p2 s), 2 = VP
 * (p0 beta_min, p1 beta_max), as dmc_sde in src/dmcheck.h. which: 0 = a,
 * 1 = b, 2 = sd of the marginal x_t | x_0 ~ N(a x_0 + b, sd^2). */
int ref_sde_drift(int kind, double p0, double p1, double p2, double t, double x, double *out);
int ref_sde_diffusion(int kind, double p0, double p1, double p2, double t, double *out);
int ref_sde_marginal(int kind, double p0, double p1, double p2, double t, int which, double *out);
/* Gaussian-mixture data (n components, weights normalised by their sum):
 * which 0 = score, 1 = density, 2 = cdf of the forward marginal p_t at x. */
int ref_mixture_marginal(int kind, double p0, double p1, double p2, size_t n, const double *w,
                         const double *mu, const double *var, double t, double x, int which,
                         double *out);
/* (end D6) */

/* D7 KL, likelihoods, ELBO (reference/elbo.c) */
/* KL(N(mu1, e^logvar1) || N(mu2, e^logvar2)) */
int ref_gauss_kl(double mu1, double logvar1, double mu2, double logvar2, double *out);
/* log N(x; mean, e^logvar) */
int ref_gauss_loglik(double x, double mean, double logvar, double *out);
/* Ho et al. 8-bit: x in [-1,1] on the 256-level grid, bin width 2/255, edges to +-inf */
int ref_discretized_gaussian_loglik(double x, double mean, double log_scale, double *out);
/* Linear-Gaussian chain (see dmc_lgc in dmcheck.h; arrays t = 1..T at index t-1). */
int ref_lgc_log_evidence(size_t T, const double *lambda, const double *a, const double *b,
                         const double *c, double mT, double vT, double x0, double *out);
int ref_lgc_elbo(size_t T, const double *lambda, const double *a, const double *b,
                 const double *c, double mT, double vT, double x0, double *out);
/* One ELBO term: which = 0 recon, 1 kl_prior, t in 2..T the t-th KL term. */
int ref_lgc_term(size_t T, const double *lambda, const double *a, const double *b,
                 const double *c, double mT, double vT, double x0, size_t which, double *out);
/* (end D7) */

/* Schedules and vector suites (reference/schedule.c ...) */
/* Beta schedules (diffusers definitions; constants as exact decimals):
 *   LINEAR        linspace(1e-4, 0.02, T)
 *   SCALED_LINEAR linspace(sqrt(0.00085), sqrt(0.012), T)^2 (Stable Diffusion)
 *   QUADRATIC     linspace(sqrt(1e-4), sqrt(0.02), T)^2 (Ho et al. "quad")
 *   SIGMOID       1e-4 + (0.02 - 1e-4) sigmoid(linspace(-6, 6, T))
 *   COSINE        min(1 - f(t/T)/f((t-1)/T), 0.999), f(u) = cos^2((u + 0.008)/1.008 pi/2)
 * beta_t (1 <= t <= T <= REF_SCHED_TMAX) is the real value rounded once. */
enum { REF_SCHED_LINEAR, REF_SCHED_SCALED_LINEAR, REF_SCHED_QUADRATIC, REF_SCHED_SIGMOID,
       REF_SCHED_COSINE, REF_SCHED_NKINDS };
#define REF_SCHED_TMAX 1000000L
int ref_sched_beta(int kind, long T, long t, double *beta, int *clipped);
/* The same value by an algebraically different formula (the cross-check). */
int ref_sched_beta_cross(int kind, long T, long t, double *beta, int *clipped);
/* beta_1..beta_n in one sweep (clipped may be NULL). */
int ref_sched_betas(int kind, long T, long n, double *beta, unsigned char *clipped);
int ref_sched_betas_cross(int kind, long T, long n, double *beta, unsigned char *clipped);
/* Quantities of alphabar_n = prod_{i<n} (1 - beta[i]) over doubles beta[]. */
enum { REF_AB_ALPHABAR, REF_AB_ONE_MINUS, REF_AB_SQRT, REF_AB_SQRT_ONE_MINUS,
       REF_AB_LOG_ONE_MINUS, REF_AB_LOG_SNR, REF_AB_N };
int ref_alphabar_quantity(size_t n, const double *beta, int which, double *out);
/* The same for every prefix: out[k-1] for alphabar_k, k = 1..n. */
int ref_alphabar_all(size_t n, const double *beta, int which, double *out);
/* log(alphabar / one_minus) for given doubles (both > 0). */
int ref_log_snr(double alphabar, double one_minus, double *out);
/* Conversion of the prediction u between parameterisations (0 eps, 1 x0,
 * 2 v, 3 score; as dmc_param_convert) at 0 < alphabar < 1
 * (reference/suite_param.c). */
int ref_param_convert(int from, int to, double alphabar, double x_t, double u, double *out);
/* (end schedules) */

#endif
