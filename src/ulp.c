/* ulp.c -- distance between doubles in units in the last place. */
#include "dmcheck.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* Maps doubles monotonically onto integers; -0 and +0 both map to 0. */
static int64_t ordered(double x)
{
  int64_t i;
  memcpy(&i, &x, sizeof i);
  return i < 0 ? -(i & INT64_MAX) : i;
}

double dmc_ulp_distance(double a, double b)
{
  if (isnan(a) || isnan(b)) return (isnan(a) && isnan(b)) ? 0.0 : INFINITY;
  int64_t ia = ordered(a), ib = ordered(b);
  uint64_t d = ia > ib ? (uint64_t)ia - (uint64_t)ib : (uint64_t)ib - (uint64_t)ia;
  return (double)d;
}
