/* dmcheck.h -- the one public header of libdmcheck.
 *
 * Conventions (GSL's _e style):
 *   - Every function returns an int status: DMC_OK (0) or a DMC_E* code.
 *   - Results come back through pointers.
 *   - Invalid parameters (sigma <= 0, a non-finite argument, a covariance that is
 *     not positive definite, a NULL pointer) give DMC_EDOM and store NaN in
 *     every output. Nothing aborts and nothing prints.
 *   - The library holds no global mutable state; random state lives in an
 *     explicit generator passed by the caller.
 */
#ifndef DMCHECK_H
#define DMCHECK_H

#include <stddef.h>

/* ---- D2. Tweedie's formula (src/tweedie.c) ------------------------------ */
/* (end D2) */

/* ---- D4. Linear denoising score matching (src/dsm.c) -------------------- */
/* (end D4) */

/* ---- D6. Forward/reverse SDEs and samplers (src/sde.c, src/rng.c) ------- */
/* (end D6) */

/* ---- D7. Gaussian KL, likelihoods, ELBO (src/elbo.c, src/langevin.c) ---- */
/* (end D7) */

/* ---- Schedules, parameterisations, samplers' coefficients (src/schedule.c,
 *      src/param.c, src/sigmas.c ...; reference vector suites) ------------ */
/* (end schedules) */

#ifdef __cplusplus
extern "C" {
#endif

enum {
  DMC_OK = 0,
  DMC_EDOM = 1,    /* argument outside the documented domain */
  DMC_ENOMEM = 2,  /* allocation failed */
  DMC_ERANGE = 3   /* result not representable (overflow) */
};

/* Short English text for a status code; never NULL. */
const char *dmc_strerror(int status);

/* Number of doubles strictly between a and b, plus one (0 if a == b; -0 and
 * +0 are equal; +-inf count as the doubles after +-DBL_MAX). Two NaNs are 0
 * apart; a NaN and a number are infinitely far apart. */
double dmc_ulp_distance(double a, double b);

/* ---- D1. Gaussian log-density and score ---------------------------------
 * Domain: mu, x finite; sigma finite and > 0 (subnormal sigma is allowed).
 * logpdf(x) = -log(sigma) - log(2 pi)/2 - ((x - mu)/sigma)^2 / 2
 * score(x)  = (mu - x) / sigma^2
 * Both are evaluated in double-double arithmetic and rounded once, so they
 * stay accurate for |x - mu|/sigma up to the overflow threshold, near the
 * zeros of the log-density, and for sigma near the subnormal range.
 * Overflowing results are returned as +-inf with DMC_OK (the correctly
 * rounded value). */
int dmc_gauss_logpdf(double x, double mu, double sigma, double *logpdf);
int dmc_gauss_score(double x, double mu, double sigma, double *score);

/* Diagonal covariance N(mu, diag(var)), dimension n >= 1; var[i] > 0. */
int dmc_gauss_diag_logpdf(size_t n, const double *x, const double *mu,
                          const double *var, double *logpdf);
int dmc_gauss_diag_score(size_t n, const double *x, const double *mu,
                         const double *var, double *score);

/* Full covariance N(mu, Sigma); Sigma is n x n row-major, symmetric positive
 * definite. Factorised with GSL's modified Cholesky (gsl_linalg_mcholesky);
 * a matrix that needs any perturbation to become positive definite is
 * rejected with DMC_EDOM. score = Sigma^{-1} (mu - x). */
int dmc_gauss_full_logpdf(size_t n, const double *x, const double *mu,
                          const double *cov, double *logpdf);
int dmc_gauss_full_score(size_t n, const double *x, const double *mu,
                         const double *cov, double *score);

#ifdef __cplusplus
}
#endif
#endif
