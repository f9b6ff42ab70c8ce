/* cli_float.c -- the candidate's floating-point formats (binary64, binary32,
 * binary16, bfloat16): correct rounding from a double and distances in the
 * format's own ULPs. Every format here has fewer bits and a narrower exponent
 * range than binary64, so each of its values is a double. */
#include "cli.h"
#include "dmcheck.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

static const cli_format formats[] = {
  { "float64", 53, -1022, 1023 },
  { "float32", 24, -126, 127 },
  { "float16", 11, -14, 15 },
  { "bfloat16", 8, -126, 127 },
};

const cli_format *cli_format_find(const char *name)
{
  for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
    if (!strcmp(formats[i].name, name)) return &formats[i];
  return NULL;
}

/* Round to nearest, ties to even, with the format's subnormals and overflow.
 * Scaling by a power of two is exact here, so nearbyint rounds only once. */
double cli_format_round(const cli_format *f, double x)
{
  if (f->prec == 53 || !isfinite(x) || x == 0) return x;
  /* binary32: the conversion is IEEE's correctly rounded one (nearest-even,
   * subnormals, overflow to inf) and several times faster than the scaling */
  if (f->prec == 24) return (double)(float)x;
  double a = fabs(x);
  int e = ilogb(a);
  int q = (e > f->emin ? e : f->emin) - (f->prec - 1);
  double r = ldexp(nearbyint(ldexp(a, -q)), q);
  double max = ldexp(2.0 - ldexp(1.0, 1 - f->prec), f->emax);
  if (r > max) r = INFINITY;
  return copysign(r, x);
}

/* Position of a value of the format on the ordered line of its values:
 * consecutive values differ by 1, +-0 are 0, +-inf just beyond the largest. */
static double format_index(const cli_format *f, double x)
{
  if (f->prec == 24) { /* the table's one 24-bit format is binary32 */
    /* a binary32 value's magnitude bits, read as an integer, are its index */
    float v = (float)fabs(x);
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    return x < 0 ? -(double)bits : (double)bits;
  }
  double a = fabs(x), idx;
  double half = ldexp(1.0, f->prec - 1);
  if (isinf(a)) idx = (double)(f->emax - f->emin + 2) * half;
  else if (a < ldexp(1.0, f->emin)) idx = ldexp(a, f->prec - 1 - f->emin);
  else {
    int e = ilogb(a);
    idx = (double)(e - f->emin) * half + ldexp(a, f->prec - 1 - e);
  }
  return x < 0 ? -idx : idx;
}

/* ULP distance of two values of the format. */
double cli_format_ulp_distance(const cli_format *f, double a, double b)
{
  if (f->prec == 53) return dmc_ulp_distance(a, b); /* indices reach 2^63: the library's integer count */
  if (isnan(a) || isnan(b)) return (isnan(a) && isnan(b)) ? 0.0 : INFINITY;
  return fabs(format_index(f, a) - format_index(f, b));
}

double cli_format_error(const cli_format *f, double cand, double ref, double *ref_in_format)
{
  double r = cli_format_round(f, ref);
  *ref_in_format = r;
  double c = cli_format_round(f, cand);
  double u = cli_format_ulp_distance(f, c, r);
  if (f->prec < 53 && r != ref && isfinite(r)) {
    /* the double lies exactly halfway between two values of the format: the
     * exact value is within 2^-53 relative of the tie, so either neighbour
     * may be the correctly rounded one; accept the nearer */
    double other = 2 * ref - r;
    if (isfinite(other) && cli_format_round(f, other) == other && other != r) {
      double u2 = cli_format_ulp_distance(f, c, other);
      if (u2 < u) u = u2;
    }
  }
  return u;
}

double cli_relative_error(double cand, double ref)
{
  if (isnan(cand) || isnan(ref)) return (isnan(cand) && isnan(ref)) ? 0.0 : INFINITY;
  if (cand == ref) return 0.0;
  if (ref == 0 || isinf(ref)) return INFINITY;
  return fabs(cand - ref) / fabs(ref);
}
