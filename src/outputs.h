/* outputs.h -- internal (not installed): the error convention of dmcheck.h
 * in one place. An error stores NaN in every output that is not NULL; an
 * array output gets NaN in each of its n entries, unless n > DMC_N_MAX (no
 * such array can exist: nothing is written). A NaN result for arguments in
 * the domain means an intermediate overflowed: DMC_ERANGE, all outputs NaN. */
#ifndef DMC_OUTPUTS_H
#define DMC_OUTPUTS_H

#include "dmcheck.h"

#include <math.h>
#include <stddef.h>

/* NaN in out[0..n-1] (out may be NULL; nothing for n > DMC_N_MAX). */
static inline void nan_fill(size_t n, double *out)
{
  if (out && n <= DMC_N_MAX)
    for (size_t i = 0; i < n; i++) out[i] = NAN;
}

/* NaN in each non-NULL scalar output, then the status. */
static inline int nan_out(int status, double *a) { if (a) *a = NAN; return status; }
static inline int nan_out2(int status, double *a, double *b)
{
  if (a) *a = NAN;
  if (b) *b = NAN;
  return status;
}
static inline int nan_out3(int status, double *a, double *b, double *c)
{
  if (c) *c = NAN;
  return nan_out2(status, a, b);
}

/* DMC_OK, or DMC_ERANGE with NaN outputs when a result came out NaN. */
static inline int checked1(double *a) { return isnan(*a) ? DMC_ERANGE : DMC_OK; }
static inline int checked2(double *a, double *b)
{
  if (!isnan(*a) && !isnan(*b)) return DMC_OK;
  return nan_out2(DMC_ERANGE, a, b);
}
static inline int checked3(double *a, double *b, double *c)
{
  if (!isnan(*a) && !isnan(*b) && !isnan(*c)) return DMC_OK;
  return nan_out3(DMC_ERANGE, a, b, c);
}
/* The same for an array of n entries (either may be NULL). */
static inline int checked_n(size_t n, double *a)
{
  if (a) for (size_t i = 0; i < n; i++) if (isnan(a[i])) { nan_fill(n, a); return DMC_ERANGE; }
  return DMC_OK;
}

#endif
