/* csvnum.h -- text to double, correctly rounded (round to nearest, ties to
 * even), for csv_parse_double (csvread.h). The common forms are parsed here
 * without strtod:
 *   decimal  [+-] digits [. digits] [e [+-] digits]  (or [+-] . digits ...):
 *            Clinger's exact fast path (at most 15 digits, |q| <= 22), else
 *            Eisel-Lemire's 128-bit product with the truncated 5^q of
 *            pow5_table.c; a result that the product cannot decide (a carry
 *            or tie the error bound leaves open, a subnormal or overflowing
 *            result, more than 19 digits whose truncation matters) is left
 *            to strtod;
 *   hex      [+-] 0x hexdigits [. hexdigits] [p [+-] digits]: exact, with
 *            subnormals and overflow.
 * Anything else (nan, inf, blanks, malformed text) is left to strtod too, so
 * the accepted language is strtod's. */
#ifndef DMC_CSVNUM_H
#define DMC_CSVNUM_H

#include <stddef.h>
#include <stdint.h>

#define CSVNUM_QMIN (-342)
#define CSVNUM_QMAX 308

typedef struct { uint64_t hi, lo; int e5; } csvnum_pow5; /* see pow5_table.c */
extern const csvnum_pow5 csvnum_pow5_table[CSVNUM_QMAX - CSVNUM_QMIN + 1];

enum { CSVNUM_DONE = 0, CSVNUM_OVERFLOW = 1, CSVNUM_DEFER = 2 };
/* Parses s[0..len-1] (no blanks) into *out: CSVNUM_DONE; CSVNUM_OVERFLOW, a
 * hex literal beyond DBL_MAX after rounding; CSVNUM_DEFER, not decided here
 * (*out untouched): ask strtod. */
int csvnum_parse(const char *s, size_t len, double *out);

/* The decimal core: the double nearest w 10^q (w > 0), CSVNUM_DONE or
 * CSVNUM_DEFER. Exposed for the tests' bad cases. */
int csvnum_decimal(uint64_t w, int64_t q, double *out);

#endif
