/* suite_util.c -- see suite_util.h. */
#include "suite_util.h"

#include <math.h>

typedef struct {
  suite_out_fn f;
  const double *in;
  int k;
  void *cache;
} out_ctx;

static long out_eval(mpfr_t y, const void *vctx)
{
  const out_ctx *c = vctx;
  return c->f(y, c->in, c->k, c->cache);
}

int suite_round_outputs(suite_out_fn f, const double *in, int nout, void *cache, double *out)
{
  int worst = 0;
  for (int k = 0; k < nout; k++) {
    out_ctx c = { f, in, k, cache };
    int s = mpref_round(out_eval, &c, &out[k], NULL);
    if (s == 1) {
      for (int j = 0; j < nout; j++) out[j] = NAN;
      return 1;
    }
    if (s > worst) worst = s;
  }
  return worst;
}

void suite_digits(size_t r, int n, const size_t *len, size_t *index)
{
  for (int i = n - 1; i >= 0; i--) {
    index[i] = r % len[i];
    r /= len[i];
  }
}

long suite_rational(mpfr_t y, const mpq_t v)
{
  return mpfr_set_q(y, v, MPFR_RNDN) ? MPREF_SLACK : MPREF_EXACT;
}

double suite_vp_root(double ab, int complement)
{
  /* The definition below rounds sqrt(r) to 256 bits, then to the double.
   * Shortcut with the same result: r exact at 128 bits (a zero ternary),
   * its root s at 64 bits; when mpfr_can_round proves that every value
   * within 2^(EXP(s) - 64) of s -- the exact root and its 256-bit rounding
   * both are -- rounds to the same double, that double is the answer. */
  {
    MPREF_LOCAL(r, 128);
    MPREF_LOCAL(s, 64);
    mpfr_set_d(r, ab, MPFR_RNDN);
    if (!complement || mpfr_ui_sub(r, 1, r, MPFR_RNDN) == 0) {
      mpfr_sqrt(s, r, MPFR_RNDN);
      if (mpfr_regular_p(s) && mpfr_get_exp(s) > -1000 && mpfr_get_exp(s) < 1000 &&
          mpfr_can_round(s, 64, MPFR_RNDN, MPFR_RNDZ, 54))
        return mpfr_get_d(s, MPFR_RNDN);
    }
  }
  mpfr_t r;
  mpfr_init2(r, 256);
  mpfr_set_d(r, ab, MPFR_RNDN);
  if (complement) mpfr_ui_sub(r, 1, r, MPFR_RNDN);
  mpfr_sqrt(r, r, MPFR_RNDN);
  double d = mpfr_get_d(r, MPFR_RNDN);
  mpfr_clear(r);
  return d;
}
