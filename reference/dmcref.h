/* dmcref.h -- MPFR reference evaluators: the correctly rounded double of each
 * quantity libdmcheck computes, named as src/ with prefix ref_ and using the
 * library's public types (src/dmcheck.h).
 * Every function returns 0 on success, 1 for a domain error (output NaN) and
 * 2 when the rounding could not be proved (output NaN); see mpref.h. A
 * function with several outputs rounds each one and returns the worst status. */
#ifndef DMC_DMCREF_H
#define DMC_DMCREF_H

#include <stddef.h>
#include "dmcheck.h"
#include "mpref.h"

/* ref_F has exactly the type of the library's dmc_F: its one declaration is
 * in src/dmcheck.h, which documents the arguments and the domain.
 * (__typeof__ is C23's typeof; gcc and clang accept it in C11 mode.) */
#define REF_AS_LIBRARY(f) __typeof__(dmc_##f) ref_##f

/* D1 Gaussian score (reference/gauss.c) */
REF_AS_LIBRARY(gauss_logpdf);
REF_AS_LIBRARY(gauss_score);
REF_AS_LIBRARY(gauss_diag_logpdf);
REF_AS_LIBRARY(gauss_diag_score);
REF_AS_LIBRARY(gauss_full_logpdf);
REF_AS_LIBRARY(gauss_full_score);

/* D2 Tweedie (reference/tweedie.c). The mixture mean is evaluated by Tweedie's
 * formula (x + sigma^2 score)/mu (prior mean when mu = 0). */
REF_AS_LIBRARY(tweedie_mean);
REF_AS_LIBRARY(tweedie_var);
REF_AS_LIBRARY(gmix_score);
REF_AS_LIBRARY(gmix_mean);
REF_AS_LIBRARY(unif_score);

/* D3 DPS likelihood scores (reference/dps.c); the multivariate ones need n, k <= MPREF_MAX_VEC */
REF_AS_LIBRARY(dps_score_exact);
REF_AS_LIBRARY(dps_score_dps);
REF_AS_LIBRARY(dps_ratio);
REF_AS_LIBRARY(dps_score_exact_mv);
REF_AS_LIBRARY(dps_score_dps_mv);

/* D4 linear DSM (reference/dsm.c) */
REF_AS_LIBRARY(dsm_linear_optimum);
REF_AS_LIBRARY(dsm_loss);
REF_AS_LIBRARY(esm_loss);
REF_AS_LIBRARY(dsm_loss_constant);

/* D6 SDEs (reference/sde.c) */
REF_AS_LIBRARY(sde_drift);
REF_AS_LIBRARY(sde_diffusion);
REF_AS_LIBRARY(sde_marginal);
/* Gaussian-mixture data (weights normalised by their sum): which 0 = score,
 * 1 = density, 2 = cdf of the forward marginal p_t at x, as
 * dmc_mixture_marginal_score, _pdf and _cdf. */
int ref_mixture_marginal(const dmc_sde *sde, const dmc_mixture *data, double t, double x,
                         int which, double *out);

/* D7 KL, likelihoods, ELBO (reference/elbo.c) */
REF_AS_LIBRARY(gauss_kl);
/* ref_gauss_kl with exp(-logvar2) kept from the previous call with the same
 * logvar2 and working precision (the same correctly rounded MPFR value, so
 * the same results): a suite's rows share it (reference/suite_kl.c). */
typedef struct ref_kl_memo ref_kl_memo;
ref_kl_memo *ref_kl_memo_new(void);   /* NULL when out of memory */
void ref_kl_memo_free(ref_kl_memo *m);
int ref_gauss_kl_memo(double mu1, double logvar1, double mu2, double logvar2, ref_kl_memo *memo, double *out);
REF_AS_LIBRARY(gauss_loglik);
REF_AS_LIBRARY(discretized_gaussian_loglik);
REF_AS_LIBRARY(lgc_log_evidence);
/* The ELBO of dmc_lgc_elbo (its first output only). */
int ref_lgc_elbo(const dmc_lgc *m, double x0, double *elbo);
/* One ELBO term: which = 0 recon, 1 kl_prior, t in 2..T the t-th KL term. */
int ref_lgc_term(const dmc_lgc *m, double x0, size_t which, double *out);

/* Schedules (reference/schedule.c, reference/suite_param.c) */
/* Beta schedules DMC_SCHED_* (diffusers definitions; constants as exact decimals):
 *   LINEAR        linspace(1e-4, 0.02, T)
 *   SCALED_LINEAR linspace(sqrt(0.00085), sqrt(0.012), T)^2 (Stable Diffusion)
 *   QUADRATIC     linspace(sqrt(1e-4), sqrt(0.02), T)^2 (Ho et al. "quad")
 *   SIGMOID       1e-4 + (0.02 - 1e-4) sigmoid(linspace(-6, 6, T))
 *   COSINE        min(1 - f(t/T)/f((t-1)/T), 0.999), f(u) = cos^2((u + 0.008)/1.008 pi/2)
 * beta_t (1 <= t <= T <= REF_SCHED_TMAX) is the real value rounded once. */
#define REF_SCHED_NKINDS (DMC_SCHED_COSINE + 1)
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
REF_AS_LIBRARY(log_snr);
REF_AS_LIBRARY(param_convert);

/* D8b the ideal denoiser of an empirical data set (reference/empirical.c): the
 * direct log-sum-exp ratio, not the library's posterior-mixture form */
REF_AS_LIBRARY(empirical_denoiser);

/* D10 Gaussian-mixture oracles (reference/oracle.c); k <= 4096 components */
REF_AS_LIBRARY(proc_coef);
REF_AS_LIBRARY(proc_transition);
REF_AS_LIBRARY(gmm_logpdf);
REF_AS_LIBRARY(gmm_score);
REF_AS_LIBRARY(gmm_denoise);
REF_AS_LIBRARY(gmm_moments);
REF_AS_LIBRARY(gmm_posterior);
REF_AS_LIBRARY(gmm_cdf);

#endif
