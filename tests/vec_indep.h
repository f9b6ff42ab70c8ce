/* vec_indep.h -- the independent checks of the reference vector suites.
 *
 * Every suite of reference/suites.c has one check here, in tests/vec_indep_*.c.
 * A check recomputes each stored output from the row's inputs by another
 * formula or algorithm than the suite's generator (named in the suite's
 * `indep` line, printed in the vector file's header), and shares no code
 * with it: no ref_ evaluator, no suite helper, no mpref policy. Only MPFR
 * and GMP are used, at a working precision the driver raises until two
 * evaluations agree (a plain doubling loop, vec_indep.c).
 *
 * A stored double passes when it lies within 1/2 ULP (plus 2^-30 ULP for
 * the independent value's own error) of the independent value: it is the
 * correctly rounded double, so a stored value off by one ULP fails. */
#ifndef DMC_VEC_INDEP_H
#define DMC_VEC_INDEP_H

#include <stddef.h>
#include <gmp.h>
#include <mpfr.h>

#define VI_MAX_OUT 16

/* Outputs of one row at working precision p: out[k] is initialised at p by
 * the caller. Returns 0, or -1 when the inputs are outside the check. */
typedef int (*vi_eval_fn)(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache);

typedef struct {
  const char *suite;
  vi_eval_fn eval;
  void *(*cache_new)(void); /* NULL: no cache */
  void (*cache_free)(void *);
} vi_check;

/* sde_coeffs' check with beta_min the double nearest 0.1, as the `dmcheck
 * eval sde_*` functions take it (not a suite; for test_vectors). */
extern const vi_check vi_sde_coeffs_bmin_double;

/* The check of a suite, or NULL. */
const vi_check *vi_find(const char *suite);

/* Error of each stored[k] against the independent value v, in units of the
 * gap from stored[k] to the next double towards v (<= 1/2 exactly when
 * stored[k] = RN(v); at an exact tie an odd significand counts as 1): 0 when both are the same NaN, infinity or zero,
 * INFINITY for a NaN, infinity or zero where the other is not.
 * Returns 0, or -1 (ulp[] NaN) when the independent values did not settle
 * below VI_PREC_MAX bits or the inputs are outside the check. */
int vi_row(const vi_check *c, const double *in, const double *stored, int nout, void *cache, double *ulp);

/* The largest passing error: a correctly rounded double (the 2^-30 covers
 * the independent value's own error near a midpoint). */
#define VI_PASS_ULP (0.5 + 0x1p-30)

/* ---- shared by the checks (tests/vec_indep_util.c) ---- */

/* y = sqrt(v), v >= 0 rational, by GMP's integer square root at y's precision
 * (relative error below 2^(2 - prec)). */
void vi_sqrt_q(mpfr_t y, const mpq_t v);
/* y = v^(1/k), v > 0 rational, by GMP's integer k-th root (same accuracy). */
void vi_root_q(mpfr_t y, const mpq_t v, unsigned long k);
/* y = the decimal constant s (e.g. "0.1") rounded to y's precision. */
void vi_dec(mpfr_t y, const char *s);
/* Standard normal upper tail Q(z) = 1 - Phi(z) at y's precision: Marsaglia's
 * series Phi(z) = 1/2 + phi(z) sum z^(2n+1)/(2n+1)!! for |z| <= 5, Laplace's
 * continued fraction Q(z) = phi(z)/(z + 1/(z + 2/(z + 3/(z + ...)))) beyond. */
void vi_normal_q(mpfr_t y, const mpfr_t z);

#endif
