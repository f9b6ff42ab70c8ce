/* suite_posterior.c -- suite ddpm_posterior (claims sched.posterior.*): the
 * DDPM posterior q(x_{t-1} | x_t, x_0) = N(c0 x_0 + ct x_t, var) on real
 * schedules: c0 = beta_t sqrt(ab_{t-1})/(1 - ab_t), ct = sqrt(1 - beta_t)
 * (1 - ab_{t-1})/(1 - ab_t), var = beta_t (1 - ab_{t-1})/(1 - ab_t), Ho et
 * al.'s clipped log-variance, improved-diffusion's "fixed large" variance and
 * the learned-range interpolation. eval: these formulas on the MPFR prefix
 * products; cross: var = beta_t - beta_t^2 ab_{t-1}/(1 - ab_t), squared forms
 * of the coefficients and sums of logs, on the exact GMP products. */
#include "suites.h"
#include "dmcref.h"
#include "sched_ref.h"
#include "suite_util.h"

#include <math.h>

static const char *const in_names[] = { "schedule", "T", "t", "frac" };
static const char *const out_names[] = {
  "coef_x0", "coef_xt", "var", "log_var_clipped", "var_fixed_large", "log_var_fixed_large",
  "log_var_learned"
};
#define NOUT 7

/* Rows: schedule linear (0) and cosine (4); T = 10 and 50 at every t, T =
 * 1000 at 20 steps with both ends; frac cycles through 0, 1/2, 1. */
static const long sub1000[] = { 1, 2, 3, 4, 5, 10, 50, 100, 250, 500, 750, 900, 990,
                                995, 996, 997, 998, 999, 1000, 20 };
#define NSUB (sizeof sub1000 / sizeof *sub1000)
#define PER_KIND (10 + 50 + NSUB)
static size_t post_count(void) { return 2 * PER_KIND; }

static int post_inputs(size_t r, double *in)
{
  size_t i = r % PER_KIND;
  long T, t;
  if (i < 10) { T = 10; t = (long)i + 1; }
  else if (i < 60) { T = 50; t = (long)i - 9; }
  else { T = 1000; t = sub1000[i - 60]; }
  in[0] = r < PER_KIND ? DMC_SCHED_LINEAR : DMC_SCHED_COSINE;
  in[1] = (double)T;
  in[2] = (double)t;
  in[3] = (double)(r % 3) / 2;
  return 0;
}

typedef struct {
  sched_prefix c;
  long t;
  double frac;
} post_cache;

/* beta_k as an exact MPFR value. */
static void beta_of(mpfr_t b, const post_cache *pc, long k) { mpfr_set_d(b, pc->c.beta[k - 1], MPFR_RNDN); }

/* var_k = beta_k Q_{k-1} / Q_k (primary) or beta_k - beta_k^2 P_{k-1}/Q_k
 * (cross), into v at v's precision; returns bits lost (cancellation). */
static long variance(mpfr_t v, post_cache *pc, long k, mpfr_prec_t p, int *inex)
{
  sched_pq a, b;
  sched_prefix_get(&pc->c, p, k - 1, &a);
  sched_prefix_get(&pc->c, p, k, &b);
  mpfr_t be, w;
  mpfr_inits2(mpfr_get_prec(v), be, w, (mpfr_ptr)0);
  beta_of(be, pc, k);
  long extra = 0;
  *inex |= !(a.P_exact && a.Q_exact && b.Q_exact);
  if (!pc->c.cross) {
    SUITE_OP(*inex, mpfr_mul(v, be, a.Q, MPFR_RNDN));
    SUITE_OP(*inex, mpfr_div(v, v, b.Q, MPFR_RNDN));
  } else {
    SUITE_OP(*inex, mpfr_sqr(w, be, MPFR_RNDN));
    SUITE_OP(*inex, mpfr_mul(w, w, a.P, MPFR_RNDN));
    SUITE_OP(*inex, mpfr_div(w, w, b.Q, MPFR_RNDN));
    SUITE_OP(*inex, mpfr_sub(v, be, w, MPFR_RNDN));
    if (!mpfr_zero_p(v)) extra = mpref_cancel_bits(v, be, w);
    else if (*inex) extra = MPREF_PREC_MAX;
  }
  mpfr_clears(be, w, (mpfr_ptr)0);
  return extra;
}

/* log of var_k (k >= 2), on the cross path as log beta + log Q_{k-1} - log Q_k. */
static long log_variance(mpfr_t y, post_cache *pc, long k, mpfr_prec_t p, int *inex)
{
  long extra;
  *inex = 1;
  if (!pc->c.cross) {
    mpfr_t v;
    mpfr_init2(v, mpfr_get_prec(y) + 32);
    extra = variance(v, pc, k, p, inex);
    mpfr_log(y, v, MPFR_RNDN);
    mpfr_clear(v);
  } else {
    sched_pq a, b;
    sched_prefix_get(&pc->c, p, k - 1, &a);
    sched_prefix_get(&pc->c, p, k, &b);
    mpfr_t l1, l2;
    mpfr_inits2(mpfr_get_prec(y) + 32, l1, l2, (mpfr_ptr)0);
    beta_of(l1, pc, k);
    mpfr_log(l1, l1, MPFR_RNDN);
    mpfr_log(l2, a.Q, MPFR_RNDN);
    mpfr_add(l1, l1, l2, MPFR_RNDN);
    mpfr_log(l2, b.Q, MPFR_RNDN);
    mpfr_sub(y, l1, l2, MPFR_RNDN);
    extra = mpfr_zero_p(y) ? MPREF_PREC_MAX : mpref_cancel_bits(y, l1, l2);
    mpfr_clears(l1, l2, (mpfr_ptr)0);
  }
  if (!mpfr_zero_p(y) && mpfr_get_exp(y) < 0) extra += -(long)mpfr_get_exp(y); /* log near 0 */
  return extra + 2;
}

static long post_out(mpfr_t y, const double *in, int k, void *vcache)
{
  (void)in;
  post_cache *pc = vcache;
  long t = pc->t;
  mpfr_prec_t p = mpfr_get_prec(y);
  int inex = 0;
  long extra = 0;
  sched_pq a, b;
  sched_prefix_get(&pc->c, p, t - 1, &a);
  sched_prefix_get(&pc->c, p, t, &b);
  mpfr_t be, w, v;
  mpfr_inits2(p + 32, be, w, v, (mpfr_ptr)0);
  beta_of(be, pc, t);
  switch (k) {
  case 0: /* coef_x0 */
    inex = !(a.P_exact && b.Q_exact);
    if (!pc->c.cross) {
      SUITE_OP(inex, mpfr_sqrt(w, a.P, MPFR_RNDN));
      SUITE_OP(inex, mpfr_mul(w, w, be, MPFR_RNDN));
      SUITE_OP(inex, mpfr_div(y, w, b.Q, MPFR_RNDN));
    } else { /* sqrt(beta^2 P_{t-1} / Q_t^2) */
      SUITE_OP(inex, mpfr_sqr(w, be, MPFR_RNDN));
      SUITE_OP(inex, mpfr_mul(w, w, a.P, MPFR_RNDN));
      SUITE_OP(inex, mpfr_sqr(v, b.Q, MPFR_RNDN));
      SUITE_OP(inex, mpfr_div(w, w, v, MPFR_RNDN));
      SUITE_OP(inex, mpfr_sqrt(y, w, MPFR_RNDN));
    }
    break;
  case 1: /* coef_xt */
    if (t == 1) { mpfr_set_zero(y, 1); break; }           /* 1 - ab_0 = 0 */
    inex = !(a.Q_exact && b.Q_exact);
    SUITE_OP(inex, mpfr_ui_sub(w, 1, be, MPFR_RNDN));
    if (!pc->c.cross) {
      SUITE_OP(inex, mpfr_sqrt(w, w, MPFR_RNDN));
      SUITE_OP(inex, mpfr_mul(w, w, a.Q, MPFR_RNDN));
      SUITE_OP(inex, mpfr_div(y, w, b.Q, MPFR_RNDN));
    } else { /* sqrt(alpha Q_{t-1}^2 / Q_t^2) */
      SUITE_OP(inex, mpfr_div(v, a.Q, b.Q, MPFR_RNDN));
      SUITE_OP(inex, mpfr_sqr(v, v, MPFR_RNDN));
      SUITE_OP(inex, mpfr_mul(w, w, v, MPFR_RNDN));
      SUITE_OP(inex, mpfr_sqrt(y, w, MPFR_RNDN));
    }
    break;
  case 2: /* var */
    extra = variance(v, pc, t, p, &inex);
    SUITE_OP(inex, mpfr_set(y, v, MPFR_RNDN));
    break;
  case 3: /* log var, with var_1 (= 0) replaced by var_2 */
    extra = log_variance(y, pc, t < 2 ? 2 : t, p, &inex);
    break;
  case 4: /* fixed large: var_2 at t = 1, beta_t after */
    if (t == 1) { extra = variance(v, pc, 2, p, &inex); SUITE_OP(inex, mpfr_set(y, v, MPFR_RNDN)); }
    else mpfr_set(y, be, MPFR_RNDN);
    break;
  case 5:
    if (t == 1) extra = log_variance(y, pc, 2, p, &inex);
    else { inex = 1; mpfr_log(y, be, MPFR_RNDN); extra = 2; }
    break;
  case 6: { /* frac log beta_t + (1 - frac) log var_clipped */
    double f = pc->frac;
    mpfr_t lb;
    mpfr_init2(lb, p + 32);
    extra = log_variance(v, pc, t < 2 ? 2 : t, p, &inex);
    mpfr_log(lb, be, MPFR_RNDN);
    if (!pc->c.cross) { /* f lb + (1 - f) lv */
      mpfr_mul_d(lb, lb, f, MPFR_RNDN);
      mpfr_mul_d(v, v, 1.0 - f, MPFR_RNDN);
      mpfr_add(y, lb, v, MPFR_RNDN);
    } else {            /* lv + f (lb - lv) */
      mpfr_sub(lb, lb, v, MPFR_RNDN);
      mpfr_mul_d(lb, lb, f, MPFR_RNDN);
      mpfr_add(y, v, lb, MPFR_RNDN);
    }
    extra += mpfr_zero_p(y) ? MPREF_PREC_MAX : mpref_cancel_bits(y, lb, v) + 2;
    inex = 1;
    mpfr_clear(lb);
    break;
  }
  default:
    mpfr_clears(be, w, v, (mpfr_ptr)0);
    return MPREF_DOMAIN;
  }
  mpfr_clears(be, w, v, (mpfr_ptr)0);
  return SUITE_LOSS(inex, MPREF_SLACK + extra);
}

static int post_row(const double *in, double *out, int cross)
{
  double kind = in[0], T = in[1], t = in[2], f = in[3];
  int bad = !(kind == DMC_SCHED_LINEAR || kind == DMC_SCHED_SCALED_LINEAR || kind == DMC_SCHED_QUADRATIC ||
              kind == DMC_SCHED_SIGMOID || kind == DMC_SCHED_COSINE) ||
            !(T >= 2 && T <= REF_SCHED_TMAX && T == floor(T)) || !(t >= 1 && t <= T && t == floor(t)) ||
            !(f >= 0 && f <= 1) || (f != 0 && f != 1 && f != 0.5 && f != 0.25 && f != 0.75);
  if (bad) { for (int k = 0; k < NOUT; k++) out[k] = NAN; return 1; }
  post_cache pc;
  pc.t = (long)t;
  pc.frac = f;
  long n = pc.t < 2 ? 2 : pc.t;
  int s = sched_prefix_init(&pc.c, (int)kind, (long)T, n, cross);
  long want[] = { 0, 1, 2, pc.t - 1, pc.t };
  for (int i = 0; i < 5; i++) sched_prefix_want(&pc.c, want[i]);
  if (!s) s = suite_round_outputs(post_out, in, NOUT, &pc, out);
  else for (int k = 0; k < NOUT; k++) out[k] = NAN;
  sched_prefix_free(&pc.c);
  return s;
}

static int post_eval(const double *in, double *out) { return post_row(in, out, 0); }
static int post_cross(const double *in, double *out) { return post_row(in, out, 1); }

const dmc_suite dmc_suite_ddpm_posterior = {
  "ddpm_posterior",
  "DDPM posterior q(x_{t-1} | x_t, x_0) on the linear (schedule 0) and cosine (schedule 4) schedules of"
  " the sched_* suites (same betas, ab_t = prod(1 - beta) exact): coef_x0 = beta_t sqrt(ab_{t-1})/(1 -"
  " ab_t), coef_xt = sqrt(1 - beta_t)(1 - ab_{t-1})/(1 - ab_t), var = beta_t (1 - ab_{t-1})/(1 - ab_t)"
  " (0 at t = 1), log_var_clipped = log var_t with var_1 replaced by var_2 (Ho et al."
  " posterior_log_variance_clipped), var_fixed_large = beta_t with beta_1 replaced by var_2"
  " (improved-diffusion), log_var_learned = frac log beta_t + (1 - frac) log_var_clipped (frac in {0,"
  " 1/4, 1/2, 3/4, 1}). Rows: T = 10, 50 every t; T = 1000 at 20 steps incl. 1, 2 and T.",
  "sched.posterior.mean sched.posterior.var sched.posterior.varalt",
  4, NOUT, in_names, out_names, post_count, post_inputs, post_eval, post_cross,
  "var from the posterior precision (1 - beta_t)/beta_t + 1/(1 - alphabar_{t-1}), mean coefficients as var times the natural parameters, alphabar = exp(sum log1p(-beta_s)) over independently computed betas (tests/vec_indep_sched.c)"
};
