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
  mpfr_t r;
  mpfr_init2(r, 256);
  mpfr_set_d(r, ab, MPFR_RNDN);
  if (complement) mpfr_ui_sub(r, 1, r, MPFR_RNDN);
  mpfr_sqrt(r, r, MPFR_RNDN);
  double d = mpfr_get_d(r, MPFR_RNDN);
  mpfr_clear(r);
  return d;
}
