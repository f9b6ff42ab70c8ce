/* vec_indep_util.c -- arithmetic shared by the independent suite checks
 * (see vec_indep.h): GMP integer roots, decimal constants, the normal tail. */
#include "vec_indep.h"

void vi_root_q(mpfr_t y, const mpq_t v, unsigned long k)
{
  if (mpq_sgn(v) == 0) { mpfr_set_zero(y, 1); return; }
  long L = (long)mpz_sizeinbase(mpq_numref(v), 2) - (long)mpz_sizeinbase(mpq_denref(v), 2);
  long e = (long)mpfr_get_prec(y) + 4 - L / (long)k;
  mpz_t n, d;
  mpz_init_set(n, mpq_numref(v));
  mpz_init_set(d, mpq_denref(v));
  if (e >= 0) mpz_mul_2exp(n, n, (mp_bitcnt_t)(e * (long)k));
  else mpz_mul_2exp(d, d, (mp_bitcnt_t)(-e * (long)k));
  mpz_fdiv_q(n, n, d);
  mpz_root(n, n, k);
  mpfr_set_z_2exp(y, n, -e, MPFR_RNDN);
  mpz_clears(n, d, NULL);
}

void vi_sqrt_q(mpfr_t y, const mpq_t v) { vi_root_q(y, v, 2); }

void vi_dec(mpfr_t y, const char *s) { mpfr_set_str(y, s, 10, MPFR_RNDN); }

/* phi(z) = exp(-z^2/2)/sqrt(2 pi) */
static void density(mpfr_t y, const mpfr_t z)
{
  mpfr_t t;
  mpfr_init2(t, mpfr_get_prec(y));
  mpfr_sqr(y, z, MPFR_RNDN);
  mpfr_div_si(y, y, -2, MPFR_RNDN);
  mpfr_exp(y, y, MPFR_RNDN);
  mpfr_const_pi(t, MPFR_RNDN);
  mpfr_mul_2ui(t, t, 1, MPFR_RNDN);
  mpfr_sqrt(t, t, MPFR_RNDN);
  mpfr_div(y, y, t, MPFR_RNDN);
  mpfr_clear(t);
}

/* Q(z), z > 5: phi(z) / K(z), K by the modified Lentz algorithm. */
static void tail_cf(mpfr_t y, const mpfr_t z, mpfr_prec_t q)
{
  mpfr_t f, C, D, t;
  mpfr_inits2(q, f, C, D, t, (mpfr_ptr)0);
  mpfr_set(f, z, MPFR_RNDN);
  mpfr_set(C, z, MPFR_RNDN);
  mpfr_set_zero(D, 1);
  for (unsigned long n = 1; n < 10000000; n++) {
    mpfr_mul_ui(D, D, n, MPFR_RNDN);
    mpfr_add(D, D, z, MPFR_RNDN);
    mpfr_ui_div(D, 1, D, MPFR_RNDN);
    mpfr_ui_div(C, n, C, MPFR_RNDN);
    mpfr_add(C, C, z, MPFR_RNDN);
    mpfr_mul(t, C, D, MPFR_RNDN);
    mpfr_mul(f, f, t, MPFR_RNDN);
    mpfr_sub_ui(t, t, 1, MPFR_RNDN);
    if (mpfr_zero_p(t) || mpfr_get_exp(t) < -(mpfr_exp_t)q) break;
  }
  density(t, z);
  mpfr_div(y, t, f, MPFR_RNDN);
  mpfr_clears(f, C, D, t, (mpfr_ptr)0);
}

/* Q(z), |z| <= 5: 1/2 - phi(z) sum_n z^(2n+1)/(2n+1)!!. */
static void tail_series(mpfr_t y, const mpfr_t z, mpfr_prec_t q)
{
  mpfr_t s, term, z2;
  mpfr_inits2(q, s, term, z2, (mpfr_ptr)0);
  mpfr_set(term, z, MPFR_RNDN);
  mpfr_set(s, z, MPFR_RNDN);
  mpfr_sqr(z2, z, MPFR_RNDN);
  for (unsigned long n = 1; !mpfr_zero_p(term); n++) {
    mpfr_mul(term, term, z2, MPFR_RNDN);
    mpfr_div_ui(term, term, 2 * n + 1, MPFR_RNDN);
    mpfr_add(s, s, term, MPFR_RNDN);
    if (n > 40 && mpfr_get_exp(term) < mpfr_get_exp(s) - (mpfr_exp_t)q) break;
  }
  density(term, z);
  mpfr_mul(s, s, term, MPFR_RNDN);
  mpfr_mul_2ui(s, s, 1, MPFR_RNDN);
  mpfr_ui_sub(y, 1, s, MPFR_RNDN);
  mpfr_div_2ui(y, y, 1, MPFR_RNDN);
  mpfr_clears(s, term, z2, (mpfr_ptr)0);
}

void vi_normal_q(mpfr_t y, const mpfr_t z)
{
  mpfr_prec_t q = mpfr_get_prec(y) + 64;
  if (mpfr_cmpabs_ui(z, 5) <= 0) { tail_series(y, z, q + 40); return; }
  if (mpfr_sgn(z) > 0) { tail_cf(y, z, q); return; }
  mpfr_t w;
  mpfr_init2(w, q);
  mpfr_neg(w, z, MPFR_RNDN);
  tail_cf(w, w, q);
  mpfr_ui_sub(y, 1, w, MPFR_RNDN);
  mpfr_clear(w);
}
