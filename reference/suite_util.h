/* suite_util.h -- shared machinery of the reference vector suites
 * (reference/suite_*.c): one mpref_round per output, row tables built from
 * small lists of exact doubles, and the schedule row cache. Internal. */
#ifndef DMC_SUITE_UTIL_H
#define DMC_SUITE_UTIL_H

#include <stddef.h>
#include "mpref.h"

/* Output k of a suite row at the working precision of y (an mpref_fn with
 * the row's inputs and a caller-owned cache passed through). */
typedef long (*suite_out_fn)(mpfr_t y, const double *in, int k, void *cache);

/* out[k] = correctly rounded value of f(in, k), k < nout, each through
 * mpref_round. Returns the worst status: 0 ok, 1 domain error (every output
 * NaN), 2 a rounding not proved. */
int suite_round_outputs(suite_out_fn f, const double *in, int nout, void *cache, double *out);

/* Accumulates MPFR ternary values: SUITE_OP(inex, mpfr_add(...)). */
#define SUITE_OP(inex, call) ((inex) |= ((call) != 0))
/* An evaluator's return: MPREF_EXACT when no operation rounded, else loss. */
#define SUITE_LOSS(inex, loss) ((inex) ? (long)(loss) : (long)MPREF_EXACT)

/* y = the exact rational v rounded once: MPREF_EXACT when it fits, else
 * MPREF_SLACK (for evaluators whose value is rational in the inputs). */
long suite_rational(mpfr_t y, const mpq_t v);

/* sqrt(ab), or sqrt(1 - ab) if complement, rounded once to double: the VP
 * coefficients mu_t, sigma_t of a suite row (machine-independent inputs). */
double suite_vp_root(double ab, int complement);

/* Row r of the cartesian product of lists: index[i] = digit i of r in the
 * mixed radix len[0..n-1] (last list fastest). */
void suite_digits(size_t r, int n, const size_t *len, size_t *index);

#endif
