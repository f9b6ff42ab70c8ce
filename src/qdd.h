/* qdd.h -- internal: pairs of binary128 numbers (_Float128, software floating
 * point from libgcc, about 226 bits) for the rare inputs where a
 * double-double sum cancels too deeply (near the zeros of the Gaussian
 * log-density). Portable, and exact under valgrind (unlike x87 long double).
 * Not installed. */
#ifndef DMC_QDD_H
#define DMC_QDD_H

#include <stddef.h>

/* -sum_i [ log(2 pi v_i)/2 + (x_i - mu_i)^2 / (2 v_i) ] with v_i = scale_i^2
 * if scale_is_sigma, else v_i = scale_i; rounded once to double. Arguments
 * must already be validated (finite, scale > 0). */
double dmc_gauss_logpdf_qdd(size_t n, const double *x, const double *mu,
                            const double *scale, int scale_is_sigma);

#endif
