/* suite_zsnr.c -- suite sched_zero_snr (claim sched.zsnr): the zero-terminal-
 * SNR rescaling of Lin et al. (2023, Algorithm 1): with s_t = sqrt(ab_t),
 * s'_t = (s_t - s_T) s_1 / (s_1 - s_T), so s'_1 = s_1 and s'_T = 0;
 * ab'_t = s'_t^2, beta'_t = 1 - ab'_t / ab'_{t-1} (beta'_1 = 1 - ab'_1).
 * eval: cancellation-free forms of 1 - ab' and beta' on the MPFR prefix
 * products; cross: the direct differences on the exact GMP products. */
#include "suites.h"
#include "dmcref.h"
#include "sched_ref.h"
#include "suite_util.h"

#include <math.h>

static const char *const in_names[] = { "schedule", "T", "t" };
static const char *const out_names[] = {
  "sqrt_alphabar", "alphabar", "one_minus_alphabar", "beta", "log_snr"
};
#define NOUT 5

static const long sub1000[] = { 1, 2, 3, 4, 5, 10, 100, 250, 500, 750, 900, 990,
                                995, 996, 997, 998, 999, 1000, 20, 50 };
#define NSUB (sizeof sub1000 / sizeof *sub1000)
#define PER_KIND (10 + 50 + NSUB)
static const int kinds[] = { DMC_SCHED_LINEAR, DMC_SCHED_SCALED_LINEAR, DMC_SCHED_COSINE };
static size_t zsnr_count(void) { return 3 * PER_KIND; }

static int zsnr_inputs(size_t r, double *in)
{
  size_t i = r % PER_KIND;
  long T, t;
  if (i < 10) { T = 10; t = (long)i + 1; }
  else if (i < 60) { T = 50; t = (long)i - 9; }
  else { T = 1000; t = sub1000[i - 60]; }
  in[0] = kinds[r / PER_KIND];
  in[1] = (double)T;
  in[2] = (double)t;
  return 0;
}

typedef struct { sched_prefix c; long T, t; } zsnr_cache;

/* y = a - b with its cancellation added to *extra. */
static void sub_track(mpfr_t y, const mpfr_t a, const mpfr_t b, long *extra)
{
  mpfr_sub(y, a, b, MPFR_RNDN);
  *extra += mpfr_zero_p(y) ? MPREF_PREC_MAX : mpref_cancel_bits(y, a, b);
}

static long zsnr_out(mpfr_t y, const double *in, int k, void *vcache)
{
  (void)in;
  zsnr_cache *zc = vcache;
  long t = zc->t, T = zc->T;
  int cross = zc->c.cross;
  mpfr_prec_t p = mpfr_get_prec(y);
  if (t == T) { /* s'_T = 0 exactly */
    if (k == 0 || k == 1) mpfr_set_zero(y, 1);
    else if (k == 2 || k == 3) mpfr_set_ui(y, 1, MPFR_RNDN);
    else mpfr_set_inf(y, -1);
    return MPREF_EXACT;
  }
  sched_pq v1, vT, vt, vp;
  sched_prefix_get(&zc->c, p, 1, &v1);
  sched_prefix_get(&zc->c, p, T, &vT);
  sched_prefix_get(&zc->c, p, t, &vt);
  sched_prefix_get(&zc->c, p, t - 1, &vp);
  if (t == 1 && k >= 1 && k <= 3) { /* ab'_1 = ab_1: P_1, Q_1, Q_1 (beta'_1 = beta_1) */
    int inex = mpfr_set(y, k == 1 ? v1.P : v1.Q, MPFR_RNDN) != 0 || !(k == 1 ? v1.P_exact : v1.Q_exact);
    return SUITE_LOSS(inex, MPREF_SLACK);
  }
  mpfr_prec_t q = p + 32;
  mpfr_t s1, sT, st, sp, D, sn, a, b, om;
  mpfr_inits2(q, s1, sT, st, sp, D, sn, a, b, om, (mpfr_ptr)0);
  long extra = 0;
  mpfr_sqrt(s1, v1.P, MPFR_RNDN);
  mpfr_sqrt(sT, vT.P, MPFR_RNDN);
  mpfr_sqrt(st, vt.P, MPFR_RNDN);
  mpfr_sqrt(sp, vp.P, MPFR_RNDN);
  sub_track(D, s1, sT, &extra);
  sub_track(sn, st, sT, &extra);            /* s'_t = (s_t - s_T) s_1 / D */
  mpfr_mul(sn, sn, s1, MPFR_RNDN);
  mpfr_div(sn, sn, D, MPFR_RNDN);
  /* 1 - ab'_t into om */
  if (t == 1) {
    mpfr_set(om, v1.Q, MPFR_RNDN);
  } else if (!cross) { /* (1 - s')(1 + s'), 1 - s' = [s_1 Q_t/(1 + s_t) - s_T Q_1/(1 + s_1)] / D */
    mpfr_add_ui(a, st, 1, MPFR_RNDN);
    mpfr_div(a, vt.Q, a, MPFR_RNDN);
    mpfr_mul(a, a, s1, MPFR_RNDN);
    mpfr_add_ui(b, s1, 1, MPFR_RNDN);
    mpfr_div(b, v1.Q, b, MPFR_RNDN);
    mpfr_mul(b, b, sT, MPFR_RNDN);
    sub_track(om, a, b, &extra);
    mpfr_div(om, om, D, MPFR_RNDN);
    mpfr_add_ui(a, sn, 1, MPFR_RNDN);
    mpfr_mul(om, om, a, MPFR_RNDN);
  } else {
    mpfr_sqr(a, sn, MPFR_RNDN);
    mpfr_set_ui(b, 1, MPFR_RNDN);
    sub_track(om, b, a, &extra);
  }
  switch (k) {
  case 0: mpfr_set(y, sn, MPFR_RNDN); break;
  case 1: mpfr_sqr(y, sn, MPFR_RNDN); break;
  case 2: mpfr_set(y, om, MPFR_RNDN); break;
  case 3: /* beta'_t, t >= 2 */
    if (!cross) {
      /* [beta_t P_{t-1} / (s_{t-1} + s_t)] [s_1 / D] (s'_{t-1} + s'_t) / s'_{t-1}^2 */
      mpfr_set_d(a, zc->c.beta[t - 1], MPFR_RNDN);
      mpfr_mul(a, a, vp.P, MPFR_RNDN);
      mpfr_add(b, sp, st, MPFR_RNDN);
      mpfr_div(a, a, b, MPFR_RNDN);
      mpfr_mul(a, a, s1, MPFR_RNDN);
      mpfr_div(a, a, D, MPFR_RNDN);
      sub_track(b, sp, sT, &extra);         /* s'_{t-1} */
      mpfr_mul(b, b, s1, MPFR_RNDN);
      mpfr_div(b, b, D, MPFR_RNDN);
      mpfr_add(om, b, sn, MPFR_RNDN);
      mpfr_mul(a, a, om, MPFR_RNDN);
      mpfr_sqr(b, b, MPFR_RNDN);
      mpfr_div(y, a, b, MPFR_RNDN);
    } else { /* 1 - s'_t^2 / s'_{t-1}^2 */
      sub_track(b, sp, sT, &extra);
      mpfr_mul(b, b, s1, MPFR_RNDN);
      mpfr_div(b, b, D, MPFR_RNDN);
      mpfr_div(a, sn, b, MPFR_RNDN);
      mpfr_sqr(a, a, MPFR_RNDN);
      mpfr_set_ui(b, 1, MPFR_RNDN);
      sub_track(y, b, a, &extra);
    }
    break;
  case 4: /* log(ab' / (1 - ab')) */
    if (!cross) {
      mpfr_log(a, sn, MPFR_RNDN);
      mpfr_mul_2ui(a, a, 1, MPFR_RNDN);
      mpfr_log(b, om, MPFR_RNDN);
      sub_track(y, a, b, &extra);
    } else {
      mpfr_sqr(a, sn, MPFR_RNDN);
      mpfr_div(a, a, om, MPFR_RNDN);
      mpfr_log(y, a, MPFR_RNDN);
    }
    if (!mpfr_zero_p(y) && mpfr_get_exp(y) < 0) extra += -(long)mpfr_get_exp(y);
    break;
  default:
    extra = MPREF_DOMAIN;
  }
  mpfr_clears(s1, sT, st, sp, D, sn, a, b, om, (mpfr_ptr)0);
  if (extra == MPREF_DOMAIN) return MPREF_DOMAIN;
  return MPREF_SLACK + 4 + extra;
}

static int zsnr_row(const double *in, double *out, int cross)
{
  double kind = in[0], T = in[1], t = in[2];
  int bad = !(kind >= 0 && kind < REF_SCHED_NKINDS && kind == floor(kind)) ||
            !(T >= 2 && T <= REF_SCHED_TMAX && T == floor(T)) || !(t >= 1 && t <= T && t == floor(t));
  if (bad) { for (int k = 0; k < NOUT; k++) out[k] = NAN; return 1; }
  zsnr_cache zc;
  zc.T = (long)T;
  zc.t = (long)t;
  int s = sched_prefix_init(&zc.c, (int)kind, zc.T, zc.T, cross);
  long want[] = { 1, zc.T, zc.t, zc.t - 1 };
  for (int i = 0; i < 4; i++) sched_prefix_want(&zc.c, want[i]);
  if (!s) s = suite_round_outputs(zsnr_out, in, NOUT, &zc, out);
  else for (int k = 0; k < NOUT; k++) out[k] = NAN;
  sched_prefix_free(&zc.c);
  return s;
}

static int zsnr_eval(const double *in, double *out) { return zsnr_row(in, out, 0); }
static int zsnr_cross(const double *in, double *out) { return zsnr_row(in, out, 1); }

const dmc_suite dmc_suite_sched_zero_snr = {
  "sched_zero_snr",
  "Zero-terminal-SNR rescaling (Lin et al. 2023, Algorithm 1) of the linear (0), scaled-linear (1)"
  " and cosine (4) schedules of the sched_* suites: s_t = sqrt(ab_t) exact, s'_t = (s_t - s_T) s_1 /"
  " (s_1 - s_T), ab'_t = s'_t^2, beta'_t = 1 - ab'_t/ab'_{t-1} (beta'_1 = 1 - ab'_1 = beta_1),"
  " log_snr = log(ab'/(1 - ab')) (-inf at t = T). Rows: T = 10, 50 every t; T = 1000 at 20 steps"
  " incl. both ends.",
  "sched.zsnr",
  3, NOUT, in_names, out_names, zsnr_count, zsnr_inputs, zsnr_eval, zsnr_cross,
  "s_t = exp(S_t/2) with S_t = sum log1p(-beta_s) over independently computed betas; 1 - s'_t/s'_{t-1} from s_{t-1} - s_t = s_{t-1} beta_t/(1 + sqrt(1 - beta_t)) (tests/vec_indep_sched.c)"
};
