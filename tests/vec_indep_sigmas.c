/* vec_indep_sigmas.c -- independent check of suite sigma_grids: Karras
 * grids with rho = 1 as exact GMP rationals, rho = 7 with the roots by GMP's
 * integer 7th root and the power by repeated squaring; exponential grids as
 * 2^((1 - r) log2 sigma_max + r log2 sigma_min). */
#include "vec_indep.h"

#include <math.h>

/* out: sigma; in: grid n rho sigma_min sigma_max i */
static int sig_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  (void)cache;
  int grid = (int)in[0];
  long n = (long)in[1], i = (long)in[5];
  if (!(grid == 0 || grid == 1) || n < 1 || i < 0 || i > n || !(in[3] > 0) || !(in[4] > in[3])) return -1;
  if (i == n) { mpfr_set_zero(out[0], 1); return 0; }
  mpq_t r, lo, hi, t;
  mpq_inits(r, lo, hi, t, NULL);
  if (n > 1) mpq_set_ui(r, (unsigned long)i, (unsigned long)(n - 1));
  mpq_canonicalize(r);
  mpq_set_d(lo, in[3]);
  mpq_set_d(hi, in[4]);
  mpfr_t a, b;
  mpfr_inits2(p + 64, a, b, (mpfr_ptr)0);
  if (grid == 0 && in[2] == 1) {                 /* sigma_max + r (sigma_min - sigma_max) */
    mpq_sub(t, lo, hi);
    mpq_mul(t, t, r);
    mpq_add(t, t, hi);
    mpfr_set_q(out[0], t, MPFR_RNDN);
  } else if (grid == 0 && in[2] == 7) {          /* (M + r (m - M))^7 */
    vi_root_q(a, hi, 7);
    vi_root_q(b, lo, 7);
    mpfr_sub(b, b, a, MPFR_RNDN);
    mpfr_mul_q(b, b, r, MPFR_RNDN);
    mpfr_add(a, a, b, MPFR_RNDN);
    mpfr_sqr(b, a, MPFR_RNDN);                   /* a^2 */
    mpfr_mul(a, a, b, MPFR_RNDN);                /* a^3 */
    mpfr_sqr(b, b, MPFR_RNDN);                   /* a^4 */
    mpfr_mul(out[0], a, b, MPFR_RNDN);
  } else if (grid == 1) {
    mpfr_set_q(a, hi, MPFR_RNDN);
    mpfr_log2(a, a, MPFR_RNDN);
    mpfr_set_q(b, lo, MPFR_RNDN);
    mpfr_log2(b, b, MPFR_RNDN);
    mpfr_sub(b, b, a, MPFR_RNDN);
    mpfr_mul_q(b, b, r, MPFR_RNDN);
    mpfr_add(a, a, b, MPFR_RNDN);
    mpfr_exp2(out[0], a, MPFR_RNDN);
  } else {
    mpfr_clears(a, b, (mpfr_ptr)0);
    mpq_clears(r, lo, hi, t, NULL);
    return -1;
  }
  mpfr_clears(a, b, (mpfr_ptr)0);
  mpq_clears(r, lo, hi, t, NULL);
  return 0;
}

const vi_check vi_sigma_grids = { "sigma_grids", sig_check, NULL, NULL };
