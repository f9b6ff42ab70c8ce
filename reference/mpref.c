/* mpref.c -- Ziv-loop driver and exact binary64 rounding (see mpref.h). */
#include "mpref.h"

#include <errno.h>
#include <math.h>

double mpref_to_double(const mpfr_t y)
{
  mpfr_exp_t old_min = mpfr_get_emin(), old_max = mpfr_get_emax();
  mpfr_t r;
  mpfr_init2(r, 53);
  mpfr_set_emin(-1073);
  mpfr_set_emax(1024);
  int inex = mpfr_set(r, y, MPFR_RNDN);
  inex = mpfr_check_range(r, inex, MPFR_RNDN);
  mpfr_subnormalize(r, inex, MPFR_RNDN);
  double d = mpfr_get_d(r, MPFR_RNDN);
  mpfr_set_emin(old_min);
  mpfr_set_emax(old_max);
  mpfr_clear(r);
  return d;
}

/* Bits of the binary64 result for a value of exponent e (MPFR convention,
 * 0.5 <= m < 1): 53 in the normal range, fewer for subnormals. */
static mpfr_prec_t target_bits(mpfr_exp_t e)
{
  if (e >= -1021) return 53;
  long bits = 53 - (-1021 - e);
  return bits < 1 ? 1 : bits;
}

/* Rounds y to *out and says whether the rounding is proved for this loss. */
static int settle(mpfr_t y, long loss, mpfr_prec_t prec, double *out, int *proved)
{
  int status = 0;
  *proved = 0;
  if (loss == MPREF_NOMEM) {
    *out = NAN;
    status = MPREF_ENOMEM;
  } else if (loss == MPREF_DOMAIN || mpfr_nan_p(y)) {
    *out = NAN;
    status = MPREF_EDOM;
  } else if (loss == MPREF_EXACT || mpfr_inf_p(y) || mpfr_zero_p(y)) {
    *out = mpref_to_double(y);
    *proved = (loss == MPREF_EXACT || mpfr_inf_p(y));
  } else {
    *out = mpref_to_double(y);
    mpfr_exp_t e = mpfr_get_exp(y);
    if (e > 1025) *proved = 1; /* overflows to +-inf whatever the error */
    else if (e < -1080) *proved = loss < (long)prec - 8; /* rounds to +-0 */
    else if ((long)prec - loss > 60)
      *proved = mpfr_can_round(y, prec - loss, MPFR_RNDN, MPFR_RNDZ,
                               target_bits(e) + 1);
  }
  return status;
}

static int attempt(mpref_fn f, const void *ctx, mpfr_prec_t prec, double *out, int *proved)
{
  mpfr_t y;
  mpfr_init2(y, prec);
  long loss = f(y, ctx);
  int status = settle(y, loss, prec, out, proved);
  mpfr_clear(y);
  return status;
}

/* One vector evaluation at prec; returns 1 on a domain error, else 0 and
 * *all_proved. */
static int attempt_vec(mpref_vec_fn f, const void *ctx, size_t n, mpfr_prec_t prec,
                       double *out, int *all_proved)
{
  mpfr_t y[MPREF_MAX_VEC];
  for (size_t i = 0; i < n; i++) mpfr_init2(y[i], prec);
  long loss = f(y, n, ctx);
  int status = 0;
  *all_proved = 1;
  for (size_t i = 0; i < n && !status; i++) {
    int proved;
    status = settle(y[i], loss, prec, &out[i], &proved);
    *all_proved &= proved;
  }
  for (size_t i = 0; i < n; i++) mpfr_clear(y[i]);
  return status;
}

int mpref_round_vec(mpref_vec_fn f, const void *ctx, size_t n, double *out)
{
  double lo[MPREF_MAX_VEC], hi[MPREF_MAX_VEC];
  if (n == 0 || n > MPREF_MAX_VEC) return 1;
  for (mpfr_prec_t prec = MPREF_PREC0; prec <= MPREF_PREC_MAX; prec *= 2) {
    int proved, proved_hi;
    int status = attempt_vec(f, ctx, n, prec, lo, &proved);
    if (!status && proved) status = attempt_vec(f, ctx, n, 2 * prec, hi, &proved_hi);
    if (status) {
      for (size_t i = 0; i < n; i++) out[i] = NAN;
      if (status == MPREF_ENOMEM) errno = ENOMEM;
      return status;
    }
    if (!proved) continue;
    int same = 1;
    for (size_t i = 0; i < n; i++) same &= lo[i] == hi[i] || (isnan(lo[i]) && isnan(hi[i]));
    if (same) { for (size_t i = 0; i < n; i++) out[i] = lo[i]; return 0; }
  }
  for (size_t i = 0; i < n; i++) out[i] = NAN;
  return 2;
}

int mpref_round(mpref_fn f, const void *ctx, double *out, mpfr_prec_t *prec_used)
{
  for (mpfr_prec_t prec = MPREF_PREC0; prec <= MPREF_PREC_MAX; prec *= 2) {
    double lo, hi;
    int proved, proved_hi;
    int status = attempt(f, ctx, prec, &lo, &proved);
    if (prec_used) *prec_used = prec;
    if (!status && proved) status = attempt(f, ctx, 2 * prec, &hi, &proved_hi);
    if (status) {
      *out = NAN;
      if (status == MPREF_ENOMEM) errno = ENOMEM;
      return status;
    }
    if (!proved) continue;
    if (lo == hi || (isnan(lo) && isnan(hi))) { *out = lo; return 0; }
  }
  *out = NAN;
  return 2;
}

mpfr_exp_t mpref_exp_of(const mpfr_t v)
{
  return mpfr_regular_p(v) ? mpfr_get_exp(v) : mpfr_get_emin();
}

long mpref_bits_lost(const mpfr_t r, mpfr_exp_t largest)
{
  if (mpfr_zero_p(r)) return MPREF_PREC_MAX;
  if (!mpfr_regular_p(r)) return 0;
  long d = (long)(largest - mpfr_get_exp(r));
  return d > 0 ? d : 0;
}

long mpref_cancel_bits(const mpfr_t r, const mpfr_t a, const mpfr_t b)
{
  mpfr_exp_t ea = mpref_exp_of(a), eb = mpref_exp_of(b);
  return mpref_bits_lost(r, ea > eb ? ea : eb);
}

long mpref_cancellation_loss(const mpfr_t result, const mpfr_t a, const mpfr_t b)
{
  return MPREF_SLACK + mpref_cancel_bits(result, a, b);
}
