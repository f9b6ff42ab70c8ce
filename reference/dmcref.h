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
/* (end D2) */

/* D4 linear DSM (reference/dsm.c) */
/* (end D4) */

/* D6 SDEs (reference/sde.c) */
/* (end D6) */

/* D7 KL, likelihoods, ELBO (reference/elbo.c) */
/* (end D7) */

/* Schedules and vector suites (reference/schedule.c ...) */
/* (end schedules) */

#endif
