/* mpref.h -- the shared precision policy of the MPFR reference evaluators.
 *
 * An evaluator computes one real quantity at a precision the driver chooses
 * and reports how many bits its result may have lost. Two drivers (Ziv
 * loops) round it to the nearest double:
 *
 * mpref_round, for an evaluator whose bound is a generous allowance (SLACK
 * bits and the cancellations it counts): starts at MPREF_PREC0 bits and
 * doubles the precision until
 *   (1) mpfr_can_round proves that rounding the approximation to the target
 *       format (53 bits, fewer for a subnormal result) gives the same double
 *       as rounding the exact value, given the evaluator's error bound, and
 *   (2) the evaluation at twice the precision rounds to the same double
 *       (a second opinion on the bound, at twice the cost).
 *
 * mpref_round_proved and mpref_round_each, for an evaluator whose error
 * bound is derived in a comment next to it, operation by operation, as
 * MPFR's own sources do (e.g. MPFR's src/log1p.c): condition (1) alone, the
 * proof MPFR itself relies on. They start low (MPREF_FAST_PREC0, one limb)
 * and, when the proof fails, go to the precision the reported loss calls for
 * (at least twice the last one). `make check-mpref-audit` builds the
 * references with MPREF_AUDIT, where these drivers also evaluate at more
 * than twice the precision and abort when the two values are further apart
 * than the two bounds allow, or round differently: it runs every suite row
 * (eval and cross) that way, so every derived bound is tested on every row.
 *
 * Both round once at the end with the exponent range of binary64
 * (mpfr_subnormalize), so subnormal results are exact too. No evaluator
 * picks the precision of its result (it may carry guard bits inside).
 */
#ifndef DMC_MPREF_H
#define DMC_MPREF_H

#include <stddef.h>
#include <mpfr.h>

#define MPREF_PREC0 128
#define MPREF_FAST_PREC0 64
#define MPREF_PREC_MAX 32768
/* Bits an evaluator may lose to its own roundings (< 2^16 operations). */
#define MPREF_SLACK 16

/* MPREF_LOCAL(x, prec): an MPFR variable x of precision prec whose
 * significand lives in the enclosing block (MPFR's custom interface), so an
 * evaluator's temporaries cost no malloc and no clear. x must not be resized
 * (mpfr_set_prec), cleared, nor used outside the block; prec <= a few
 * MPREF_PREC_MAX (a variable-length array of its limbs). */
#define MPREF_LOCAL(x, prec)                                                     \
  mp_limb_t x##_limbs_[((prec) + GMP_NUMB_BITS - 1) / GMP_NUMB_BITS];             \
  mpfr_t x;                                                                      \
  mpfr_custom_init(x##_limbs_, (prec));                                          \
  mpfr_custom_init_set(x, MPFR_ZERO_KIND, 0, (prec), x##_limbs_)

/* Special returns of an evaluator; a value >= 0 is the bit loss. */
#define MPREF_EXACT (-1)   /* y holds the exact value */
#define MPREF_DOMAIN (-2)  /* the arguments are outside the domain: NaN */
#define MPREF_NOMEM (-3)   /* the evaluator ran out of memory: NaN */

/* Compute y (whose precision is already set; the evaluator must not change
 * it: y may live on the driver's stack) for the arguments in ctx.
 * Return the bits lost (>= 0): |y - exact| <= 2^(EXP(y) - PREC(y) + loss),
 * or MPREF_EXACT, or MPREF_DOMAIN. */
typedef long (*mpref_fn)(mpfr_t y, const void *ctx);

/* The statuses of mpref_round and of every ref_ evaluator (dmcref.h). */
enum { MPREF_OK = 0, MPREF_EDOM = 1, MPREF_UNPROVED = 2, MPREF_ENOMEM = 3 };

/* Correctly rounded double of f(ctx). Returns 0 on success (also for an exact
 * infinity after overflow), 1 for a domain error (*out = NaN), 2 if the
 * rounding could not be proved below MPREF_PREC_MAX bits (*out = NaN), 3 if
 * the evaluator ran out of memory (*out = NaN, errno = ENOMEM).
 * If prec_used is not NULL it receives the final working precision. */
int mpref_round(mpref_fn f, const void *ctx, double *out, mpfr_prec_t *prec_used);

/* The same for an evaluator with a derived error bound (see the top of this
 * file): no second evaluation; the first precision is MPREF_FAST_PREC0 and
 * an unproved attempt at p with loss L is followed by one at
 * max(2p, L + 72 rounded up to a limb). Statuses as mpref_round. */
int mpref_round_proved(mpref_fn f, const void *ctx, double *out, mpfr_prec_t *prec_used);

/* Several outputs of one evaluation, each with its own derived bound: f
 * fills y[i] (precisions already set, all equal) and loss[i] (bits lost,
 * MPREF_EXACT, MPREF_DOMAIN or MPREF_NOMEM) for every i with need[i], and
 * leaves the others (already proved) untouched. Each output is proved as by mpref_round_proved; an
 * attempt recomputes only the outputs not yet proved. status[i] (may be
 * NULL) gets each output's status; returns the worst. n <= MPREF_MAX_VEC. */
typedef void (*mpref_each_fn)(mpfr_t *y, long *loss, size_t n, const unsigned char *need, const void *ctx);
int mpref_round_each(mpref_each_fn f, const void *ctx, size_t n, double *out, int *status);

/* A loss L >= 0 with 2^(EXP(y) - PREC(y) + L) >= 2^e[0] + ... + 2^e[n-1]:
 * an error bound written as a sum of n powers of two (n < 1024) turned into
 * the loss of mpref_fn; the smallest such L, or one more when the sum is
 * exactly a power of two (the sum is rounded up). y must be regular. */
long mpref_loss_of(const mpfr_t y, const mpfr_exp_t *e, int n);

/* Vector form: f fills y[0..n-1] (precisions already set) and returns one
 * bit loss valid for every component (or MPREF_EXACT / MPREF_DOMAIN). Each
 * component is rounded with the same proof as mpref_round; one evaluation
 * serves all components. n <= MPREF_MAX_VEC. */
#define MPREF_MAX_VEC 64
typedef long (*mpref_vec_fn)(mpfr_t *y, size_t n, const void *ctx);
int mpref_round_vec(mpref_vec_fn f, const void *ctx, size_t n, double *out);

/* Round an MPFR value to the nearest double with binary64's exponent range,
 * subnormals included (the final step of mpref_round, also for callers that
 * hold an exact value). */
double mpref_to_double(const mpfr_t y);
/* A decimal or hex text (mpfr_strtofr, base 0) read as the nearest double,
 * subnormals included: one correct rounding. *end (if end is not NULL)
 * points past what was read. The tests' referee where strtod is wrong: glibc
 * 2.36 reads some long hex subnormals one ulp off (0x19099999999999.8p-1075,
 * 0x0000030001.000000001p-1075). */
double mpref_read_double(const char *s, char **end);

/* The one bit-loss (cancellation) measure of the evaluators. The bits lost
 * when r was formed from terms whose largest exponent is `largest`: how far
 * that exponent exceeds r's, 0 if it does not. A zero r cannot be bounded
 * (MPREF_PREC_MAX: the Ziv loop cannot prove it, so raises precision until it
 * gives up); an infinite or NaN r loses nothing (it is rounded exactly or
 * reported as a domain error). */
long mpref_bits_lost(const mpfr_t r, mpfr_exp_t largest);
/* The exponent of v for mpref_bits_lost: zero, infinite and NaN operands
 * carry no magnitude (the smallest exponent). */
mpfr_exp_t mpref_exp_of(const mpfr_t v);
/* r = a +- b: mpref_bits_lost(r, max(mpref_exp_of(a), mpref_exp_of(b))). */
long mpref_cancel_bits(const mpfr_t r, const mpfr_t a, const mpfr_t b);
/* SLACK + mpref_cancel_bits: the loss of an evaluator whose only
 * cancellation is r = a +- b. */
long mpref_cancellation_loss(const mpfr_t result, const mpfr_t a, const mpfr_t b);

#endif
