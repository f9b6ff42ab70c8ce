/* mpref.c -- Ziv-loop driver and exact binary64 rounding (see mpref.h). */
#ifdef MPREF_AUDIT
#include <stdio.h>   /* before mpfr.h, for mpfr_fprintf */
#include <stdlib.h>
#endif
#include "mpref.h"

#include <errno.h>
#include <math.h>

/* y (or, with s, the text s read by mpfr_strtofr) rounded once to the
 * nearest double in binary64's exponent range, subnormals included. */
static double round_binary64(const mpfr_t y, const char *s, char **end)
{
  mpfr_exp_t old_min = mpfr_get_emin(), old_max = mpfr_get_emax();
  mpfr_t r;
  mpfr_init2(r, 53);
  mpfr_set_emin(-1073);
  mpfr_set_emax(1024);
  int inex = s ? mpfr_strtofr(r, s, end, 0, MPFR_RNDN) : mpfr_set(r, y, MPFR_RNDN);
  inex = mpfr_check_range(r, inex, MPFR_RNDN);
  mpfr_subnormalize(r, inex, MPFR_RNDN);
  double d = mpfr_get_d(r, MPFR_RNDN);
  mpfr_set_emin(old_min);
  mpfr_set_emax(old_max);
  mpfr_clear(r);
  return d;
}

double mpref_to_double(const mpfr_t y)
{
  /* 2^-1022 <= |y| < 2^1023: the nearest double is normal and finite, and
   * mpfr_get_d rounds to it directly (one rounding to 53 bits) */
  if (mpfr_regular_p(y) && mpfr_get_exp(y) >= -1021 && mpfr_get_exp(y) <= 1023) return mpfr_get_d(y, MPFR_RNDN);
  return round_binary64(y, NULL, NULL);
}

double mpref_read_double(const char *s, char **end)
{
  return round_binary64(NULL, s, end);
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
    else if ((long)prec - loss > target_bits(e) + 1)
      *proved = mpfr_can_round(y, prec - loss, MPFR_RNDN, MPFR_RNDZ,
                               target_bits(e) + 1);
  }
  return status;
}

#ifdef MPREF_AUDIT
/* The audit (make check-mpref-audit): y at p with loss L was proved to
 * round to d; the evaluation at P = 2p + 64 gives y2 with loss L2 and d2.
 * Both bounds hold only if |y - y2| <= 2^(EXP(y)-p+L) + 2^(EXP(y2)-P+L2)
 * (a term is 0 for an exact value); and d2 must equal d. Aborts otherwise. */
static void audit_one(const char *who, size_t i, const mpfr_t y, long L, double d, const mpfr_t y2, long L2, double d2)
{
  if (L == MPREF_DOMAIN || L == MPREF_NOMEM || L2 == MPREF_DOMAIN || L2 == MPREF_NOMEM) return;
  int bad = !(d == d2 || (isnan(d) && isnan(d2)));
  if (!bad && mpfr_regular_p(y) && mpfr_regular_p(y2) && !(L == MPREF_EXACT && L2 == MPREF_EXACT)) {
    mpfr_t diff, b, t;
    mpfr_inits2(64, diff, b, t, (mpfr_ptr)0);
    mpfr_sub(diff, y, y2, MPFR_RNDA);
    mpfr_abs(diff, diff, MPFR_RNDN);
    mpfr_set_zero(b, 1);
    if (L != MPREF_EXACT) { mpfr_set_ui_2exp(t, 1, mpfr_get_exp(y) - (long)mpfr_get_prec(y) + L, MPFR_RNDN); mpfr_add(b, b, t, MPFR_RNDU); }
    if (L2 != MPREF_EXACT) { mpfr_set_ui_2exp(t, 1, mpfr_get_exp(y2) - (long)mpfr_get_prec(y2) + L2, MPFR_RNDN); mpfr_add(b, b, t, MPFR_RNDU); }
    bad = mpfr_cmp(diff, b) > 0;
    if (bad) mpfr_fprintf(stderr, "mpref audit: %s, output %zu: |y - y2| = %.3Re exceeds the bounds' sum %.3Re\n", who, i, diff, b);
    mpfr_clears(diff, b, t, (mpfr_ptr)0);
  } else if (!bad && (L == MPREF_EXACT || L2 == MPREF_EXACT) && mpfr_regular_p(y) && mpfr_regular_p(y2) &&
             L == L2 && !mpfr_equal_p(y, y2)) {
    bad = 1;
  }
  if (bad) {
    mpfr_fprintf(stderr, "mpref audit: %s, output %zu: at %ld bits loss %ld gives %.40Rg (double %a); at %ld bits loss"
                 " %ld gives %.40Rg (double %a)\n", who, i, (long)mpfr_get_prec(y), L, y, d, (long)mpfr_get_prec(y2), L2, y2, d2);
    abort();
  }
}
#endif

#ifdef MPREF_AUDIT
/* The audit of a value d proved at prec: f again at prec and at 2 prec + 64. */
static void audit_again(const char *who, mpref_fn f, const void *ctx, mpfr_prec_t prec, double d)
{
  mpfr_t y, y2;
  double d1, d2;
  int p1, p2;
  mpfr_init2(y, prec);
  mpfr_init2(y2, 2 * prec + 64);
  long loss = f(y, ctx), loss2 = f(y2, ctx);
  settle(y, loss, prec, &d1, &p1);
  settle(y2, loss2, 2 * prec + 64, &d2, &p2);
  audit_one(who, 0, y, loss, d, y2, loss2, d2);
  mpfr_clears(y, y2, (mpfr_ptr)0);
}
#endif

#ifdef MPREF_AUDIT
/* The same for the components of a vector evaluator. */
static void audit_vec_again(mpref_vec_fn f, const void *ctx, size_t n, mpfr_prec_t prec, const double *d)
{
  mpfr_t y[MPREF_MAX_VEC], y2[MPREF_MAX_VEC];
  for (size_t i = 0; i < n; i++) { mpfr_init2(y[i], prec); mpfr_init2(y2[i], 2 * prec + 64); }
  long loss = f(y, n, ctx), loss2 = f(y2, n, ctx);
  for (size_t i = 0; i < n; i++) {
    double d2;
    int p2;
    settle(y2[i], loss2, 2 * prec + 64, &d2, &p2);
    audit_one("mpref_round_vec", i, y[i], loss, d[i], y2[i], loss2, d2);
  }
  for (size_t i = 0; i < n; i++) { mpfr_clear(y[i]); mpfr_clear(y2[i]); }
}
#endif

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
    if (same) {
#ifdef MPREF_AUDIT
      audit_vec_again(f, ctx, n, prec, lo);
#endif
      for (size_t i = 0; i < n; i++) out[i] = lo[i];
      return 0;
    }
  }
  for (size_t i = 0; i < n; i++) out[i] = NAN;
  return 2;
}

/* ---- the drivers of evaluators with derived bounds ---------------------- */

/* The precision after an unproved attempt at p that reported loss: at least
 * twice p, and enough for that loss with 72 bits to spare (54 for the
 * double, the rest so that can_round rarely fails by chance), in whole
 * limbs. At most MPREF_PREC_MAX. */
static mpfr_prec_t next_prec(mpfr_prec_t p, long loss)
{
  long want = (loss > 0 ? loss : 0) + 72, q = 2 * (long)p;
  if (want > MPREF_PREC_MAX) want = MPREF_PREC_MAX;
  if (want > q) q = (want + 63) / 64 * 64;
  return q > MPREF_PREC_MAX ? MPREF_PREC_MAX : (mpfr_prec_t)q;
}



int mpref_round_proved(mpref_fn f, const void *ctx, double *out, mpfr_prec_t *prec_used)
{
  MPREF_LOCAL(y0, MPREF_FAST_PREC0);   /* the first attempt's y: no malloc */
  mpfr_t yh;                           /* the escalations' */
  mpfr_ptr y = y0;
  int status = MPREF_UNPROVED;
  *out = NAN;
  for (mpfr_prec_t prec = MPREF_FAST_PREC0;;) {
    int proved;
    if (prec_used) *prec_used = prec;
    long loss = f(y, ctx);
    int st = settle(y, loss, prec, out, &proved);
    if (st) { status = st; *out = NAN; break; }
    if (proved) {
      status = 0;
#ifdef MPREF_AUDIT
      mpfr_t y2;
      double d2;
      int p2;
      mpfr_init2(y2, 2 * prec + 64);
      long loss2 = f(y2, ctx);
      settle(y2, loss2, 2 * prec + 64, &d2, &p2);
      audit_one("mpref_round_proved", 0, y, loss, *out, y2, loss2, d2);
      mpfr_clear(y2);
#endif
      break;
    }
    *out = NAN;
    if (prec >= MPREF_PREC_MAX) break;
    prec = next_prec(prec, loss);
    if (y == y0) mpfr_init2(yh, prec);
    else mpfr_set_prec(yh, prec);
    y = yh;
  }
  if (y != y0) mpfr_clear(yh);
  if (status == MPREF_ENOMEM) errno = ENOMEM;
  return status;
}

int mpref_round_each(mpref_each_fn f, const void *ctx, size_t n, double *out, int *status)
{
  if (n == 0 || n > MPREF_MAX_VEC) return MPREF_EDOM;
  /* the first attempt's y[i] on the stack (MPFR's custom interface); an
   * escalated one is reallocated on the heap (heap[i]) */
  enum { LIMBS0 = (MPREF_FAST_PREC0 + GMP_NUMB_BITS - 1) / GMP_NUMB_BITS };
  mp_limb_t limbs0[MPREF_MAX_VEC][LIMBS0];
  mpfr_t y[MPREF_MAX_VEC];
  long loss[MPREF_MAX_VEC];
  unsigned char need[MPREF_MAX_VEC], heap[MPREF_MAX_VEC];
  int st[MPREF_MAX_VEC];
  size_t pending = n;
  for (size_t i = 0; i < n; i++) {
    mpfr_custom_init(limbs0[i], MPREF_FAST_PREC0);
    mpfr_custom_init_set(y[i], MPFR_ZERO_KIND, 0, MPREF_FAST_PREC0, limbs0[i]);
    need[i] = 1;
    heap[i] = 0;
    st[i] = MPREF_UNPROVED;
    out[i] = NAN;
  }
  for (mpfr_prec_t prec = MPREF_FAST_PREC0;;) {
    f(y, loss, n, need, ctx);
    mpfr_prec_t next = prec;
    for (size_t i = 0; i < n; i++) {
      if (!need[i]) continue;
      int proved, s = settle(y[i], loss[i], prec, &out[i], &proved);
      if (s || proved) {
        st[i] = s;
        need[i] = 0;
        pending--;
        if (s) out[i] = NAN;
      } else {
        out[i] = NAN;
        mpfr_prec_t q = next_prec(prec, loss[i]);
        if (q > next) next = q;
      }
    }
    if (!pending || prec >= MPREF_PREC_MAX) break;
    prec = next;
    for (size_t i = 0; i < n; i++) {
      if (!need[i]) continue;
      if (heap[i]) mpfr_set_prec(y[i], prec);
      else mpfr_init2(y[i], prec);   /* leaves the stack limbs */
      heap[i] = 1;
    }
  }
#ifdef MPREF_AUDIT
  {
    mpfr_t y2[MPREF_MAX_VEC];
    long loss2[MPREF_MAX_VEC];
    unsigned char want[MPREF_MAX_VEC];
    mpfr_prec_t top = 0;
    for (size_t i = 0; i < n; i++) if (mpfr_get_prec(y[i]) > top) top = mpfr_get_prec(y[i]);
    for (size_t i = 0; i < n; i++) { mpfr_init2(y2[i], 2 * top + 64); want[i] = st[i] == 0; }
    f(y2, loss2, n, want, ctx);
    for (size_t i = 0; i < n; i++) {
      if (!want[i]) continue;
      double d2;
      int p2;
      settle(y2[i], loss2[i], 2 * top + 64, &d2, &p2);
      audit_one("mpref_round_each", i, y[i], loss[i], out[i], y2[i], loss2[i], d2);
    }
    for (size_t i = 0; i < n; i++) mpfr_clear(y2[i]);
  }
#endif
  int worst = 0;
  for (size_t i = 0; i < n; i++) {
    if (heap[i]) mpfr_clear(y[i]);
    if (status) status[i] = st[i];
    if (st[i] > worst) worst = st[i];
  }
  if (worst == MPREF_ENOMEM) errno = ENOMEM;
  return worst;
}

long mpref_loss_of(const mpfr_t y, const mpfr_exp_t *e, int n)
{
  /* sum of 2^(e[i] - base) in binary64, each term at least 2^-1000 (so a
   * term below that still counts), rounded up by the factor 1 + 2^-40 (n <
   * 2^10 roundings of 2^-53 each); a term above 2^900 makes the loss its
   * exponent plus log2 n rounded up (no precision reaches such a loss) */
  long base = (long)mpfr_get_exp(y) - (long)mpfr_get_prec(y), kmax = -1000;
  for (int i = 0; i < n; i++) if ((long)e[i] - base > kmax) kmax = (long)e[i] - base;
  if (kmax > 900) {
    long lg = 0;
    while ((1L << lg) < n) lg++;
    return kmax + lg + 1;
  }
  double r = 0;
  for (int i = 0; i < n; i++) {
    long k = (long)e[i] - base;
    r += ldexp(1.0, (int)(k < -1000 ? -1000 : k));
  }
  r *= 1 + 0x1p-40;
  int L;
  frexp(r, &L);   /* r < 2^L */
  return L > 0 ? L : 0;
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
    if (lo == hi || (isnan(lo) && isnan(hi))) {
#ifdef MPREF_AUDIT
      audit_again("mpref_round", f, ctx, prec, lo);
#endif
      *out = lo;
      return 0;
    }
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
