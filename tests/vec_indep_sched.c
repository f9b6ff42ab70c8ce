/* vec_indep_sched.c -- independent checks of the schedule suites
 * sched_linear, sched_scaled_linear, sched_quadratic, sched_sigmoid,
 * sched_cosine, sched_zero_snr and ddpm_posterior.
 *
 * beta_t by another formula than reference/schedule.c: the linear schedule
 * as an exact GMP rational; the square-root schedules with sqrt of the
 * decimal constants by GMP's integer square root; the sigmoid as
 * (1 + tanh(x/2))/2; the cosine one by the double angle, (cos 2b - cos 2a) /
 * (1 + cos 2b). Each beta is rounded to double (two precisions must give the
 * same double). alphabar_t = exp(S_t) with S_t = sum_{s<=t} log1p(-beta_s)
 * (log space, not a product), 1 - alphabar_t = -expm1(S_t).
 * Zero-terminal SNR: s_t = exp(S_t/2), 1 - s'_t/s'_{t-1} from
 * s_{t-1} - s_t = s_{t-1} beta_t/(1 + sqrt(1 - beta_t)).
 * DDPM posterior: the variance from its precision, 1/var = (1 - beta_t)/beta_t
 * + 1/(1 - alphabar_{t-1}), the mean coefficients as var times the natural
 * parameters sqrt(alphabar_{t-1})/(1 - alphabar_{t-1}) and sqrt(1 - beta_t)/beta_t. */
#include "vec_indep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { LINEAR, SCALED, QUADRATIC, SIGMOID, COSINE, NKINDS };

/* y = raw beta_s of schedule kind at T (before the 0.999 cap). */
static void raw_beta(mpfr_t y, int kind, long T, long s)
{
  mpfr_prec_t p = mpfr_get_prec(y);
  mpq_t r, q;
  mpq_inits(r, q, NULL);
  if (T > 1) { mpq_set_ui(r, (unsigned long)(s - 1), (unsigned long)(T - 1)); mpq_canonicalize(r); }
  mpfr_t a, b;
  mpfr_inits2(p + 32, a, b, (mpfr_ptr)0);
  if (kind == LINEAR) {                        /* 1/10000 + (2/100 - 1/10000) r */
    mpq_set_ui(q, 199, 10000);
    mpq_mul(q, q, r);
    mpq_set_ui(r, 1, 10000);
    mpq_add(q, q, r);
    mpfr_set_q(y, q, MPFR_RNDN);
  } else if (kind == SCALED || kind == QUADRATIC) { /* (sqrt lo + (sqrt hi - sqrt lo) r)^2 */
    mpq_set_ui(q, kind == SCALED ? 85 : 1, kind == SCALED ? 100000 : 10000);
    vi_sqrt_q(a, q);
    mpq_set_ui(q, kind == SCALED ? 12 : 2, kind == SCALED ? 1000 : 100);
    vi_sqrt_q(b, q);
    mpfr_sub(b, b, a, MPFR_RNDN);
    mpfr_mul_q(b, b, r, MPFR_RNDN);
    mpfr_add(a, a, b, MPFR_RNDN);
    mpfr_sqr(y, a, MPFR_RNDN);
  } else if (kind == SIGMOID) {                /* lo + (hi - lo) (1 + tanh(x/2))/2, x = -6 + 12 r */
    mpfr_set_q(a, r, MPFR_RNDN);
    mpfr_mul_ui(a, a, 6, MPFR_RNDN);
    mpfr_sub_ui(a, a, 3, MPFR_RNDN);
    mpfr_tanh(a, a, MPFR_RNDN);
    mpfr_add_ui(a, a, 1, MPFR_RNDN);
    mpq_set_ui(q, 199, 20000);
    mpfr_mul_q(a, a, q, MPFR_RNDN);
    mpq_set_ui(q, 1, 10000);
    mpfr_add_q(y, a, q, MPFR_RNDN);
  } else {                                     /* 2 theta(u) = pi (1000 u + 8)/1008, u = s/T */
    mpfr_const_pi(a, MPFR_RNDN);
    mpfr_mul_ui(a, a, (unsigned long)(1000 * s + 8 * T), MPFR_RNDN);
    mpfr_div_ui(a, a, (unsigned long)(1008 * T), MPFR_RNDN);
    mpfr_cos(a, a, MPFR_RNDN);                 /* cos 2a */
    mpfr_const_pi(b, MPFR_RNDN);
    mpfr_mul_ui(b, b, (unsigned long)(1000 * (s - 1) + 8 * T), MPFR_RNDN);
    mpfr_div_ui(b, b, (unsigned long)(1008 * T), MPFR_RNDN);
    mpfr_cos(b, b, MPFR_RNDN);                 /* cos 2b */
    mpfr_sub(a, b, a, MPFR_RNDN);
    mpfr_add_ui(b, b, 1, MPFR_RNDN);
    mpfr_div(y, a, b, MPFR_RNDN);
  }
  mpfr_clears(a, b, (mpfr_ptr)0);
  mpq_clears(r, q, NULL);
}

/* The double beta_s and its cap flag; -1 if 320 and 640 bits disagree. */
static int beta_double(int kind, long T, long s, double *beta, unsigned char *clipped)
{
  double d[2];
  int c[2];
  for (int i = 0; i < 2; i++) {
    mpfr_t y;
    mpfr_init2(y, 320 << i);
    raw_beta(y, kind, T, s);
    mpfr_mul_ui(y, y, 1000, MPFR_RNDN);
    c[i] = mpfr_cmp_ui(y, 999) > 0;
    mpfr_div_ui(y, y, 1000, MPFR_RNDN);
    d[i] = c[i] ? 0.999 : mpfr_get_d(y, MPFR_RNDN);
    mpfr_clear(y);
  }
  *beta = d[1];
  *clipped = (unsigned char)c[1];
  return d[0] == d[1] && c[0] == c[1] ? 0 : -1;
}

/* Per (kind, T): the betas; per (kind, T, precision): S_0..S_T. */
typedef struct { int kind; long T; double *b; unsigned char *cl; int bad; } beta_slot;
typedef struct { int kind; long T; mpfr_prec_t p; mpfr_t *S; } sum_slot;
#define NSUM 4
typedef struct { beta_slot bs; sum_slot ss[NSUM]; int next; } sched_cache;

static void *cache_new(void) { return calloc(1, sizeof(sched_cache)); }

static void sum_free(sum_slot *s)
{
  if (!s->S) return;
  for (long t = 0; t <= s->T; t++) mpfr_clear(s->S[t]);
  free(s->S);
  s->S = NULL;
}

static void cache_free(void *v)
{
  sched_cache *c = v;
  if (!c) return;
  free(c->bs.b);
  free(c->bs.cl);
  for (int i = 0; i < NSUM; i++) sum_free(&c->ss[i]);
  free(c);
}

static const beta_slot *betas(sched_cache *c, int kind, long T)
{
  beta_slot *b = &c->bs;
  if (b->b && b->kind == kind && b->T == T) return b;
  free(b->b);
  free(b->cl);
  b->kind = kind; b->T = T; b->bad = 0;
  b->b = malloc((size_t)(T + 1) * sizeof *b->b);
  b->cl = malloc((size_t)(T + 1));
  if (!b->b || !b->cl) abort();
  for (long s = 1; s <= T; s++) b->bad |= beta_double(kind, T, s, &b->b[s], &b->cl[s]) != 0;
  return b;
}

static const sum_slot *sums(sched_cache *c, int kind, long T, mpfr_prec_t p)
{
  for (int i = 0; i < NSUM; i++)
    if (c->ss[i].S && c->ss[i].kind == kind && c->ss[i].T == T && c->ss[i].p == p) return &c->ss[i];
  const beta_slot *b = betas(c, kind, T);
  sum_slot *s = &c->ss[c->next];
  c->next = (c->next + 1) % NSUM;
  sum_free(s);
  s->kind = kind; s->T = T; s->p = p;
  s->S = malloc((size_t)(T + 1) * sizeof *s->S);
  if (!s->S) abort();
  mpfr_t l;
  mpfr_init2(l, p + 32);
  for (long t = 0; t <= T; t++) {
    mpfr_init2(s->S[t], p + 32);
    if (t == 0) { mpfr_set_zero(s->S[t], 1); continue; }
    mpfr_set_d(l, -b->b[t], MPFR_RNDN);
    mpfr_log1p(l, l, MPFR_RNDN);
    mpfr_add(s->S[t], s->S[t - 1], l, MPFR_RNDN);
  }
  mpfr_clear(l);
  return s;
}

static int valid_Tt(double T, double t) { return T >= 2 && T <= 100000 && T == floor(T) && t >= 1 && t <= T && t == floor(t); }

/* out: beta clipped alphabar one_minus_alphabar sqrt_alphabar sqrt_one_minus_alphabar
 *      log_one_minus_alphabar log_snr; in: T t */
static int sched_check(int kind, int base, mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  if (!valid_Tt(in[0], in[1] + 1 - base)) return -1;
  long T = (long)in[0], t = (long)in[1] + 1 - base;
  const beta_slot *b = betas(cache, kind, T);
  if (b->bad) return -1;
  const mpfr_t *S = (const mpfr_t *)sums(cache, kind, T, p)->S;
  mpfr_t m;
  mpfr_init2(m, p + 32);
  mpfr_set_d(out[0], b->b[t], MPFR_RNDN);
  mpfr_set_ui(out[1], b->cl[t], MPFR_RNDN);
  mpfr_exp(out[2], S[t], MPFR_RNDN);
  mpfr_expm1(m, S[t], MPFR_RNDN);
  mpfr_neg(m, m, MPFR_RNDN);                   /* 1 - alphabar */
  mpfr_set(out[3], m, MPFR_RNDN);
  mpfr_div_2ui(out[4], S[t], 1, MPFR_RNDN);
  mpfr_exp(out[4], out[4], MPFR_RNDN);
  mpfr_sqrt(out[5], m, MPFR_RNDN);
  mpfr_log(m, m, MPFR_RNDN);
  mpfr_set(out[6], m, MPFR_RNDN);
  mpfr_sub(out[7], S[t], m, MPFR_RNDN);
  mpfr_clear(m);
  return 0;
}

/* NAME counts t from 1, NAME_t0 from 0 (step t + 1). */
#define SCHED_CHECK(NAME, KIND)                                                          \
  static int NAME##_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)     \
  { return sched_check(KIND, 1, out, in, p, cache); }                                    \
  static int NAME##_t0_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)  \
  { return sched_check(KIND, 0, out, in, p, cache); }                                    \
  const vi_check vi_##NAME = { #NAME, NAME##_check, cache_new, cache_free };             \
  const vi_check vi_##NAME##_t0 = { #NAME "_t0", NAME##_t0_check, cache_new, cache_free };
SCHED_CHECK(sched_linear, LINEAR)
SCHED_CHECK(sched_scaled_linear, SCALED)
SCHED_CHECK(sched_quadratic, QUADRATIC)
SCHED_CHECK(sched_sigmoid, SIGMOID)
SCHED_CHECK(sched_cosine, COSINE)

/* A row (schedule, T, t, ...): its betas and S_0..S_T at p, or NULL if invalid. */
static const mpfr_t *kind_row(void *cache, const double *in, mpfr_prec_t p, const beta_slot **b, long *T, long *t)
{
  if (!(in[0] >= 0 && in[0] < NKINDS && in[0] == floor(in[0])) || !valid_Tt(in[1], in[2])) return NULL;
  *T = (long)in[1];
  *t = (long)in[2];
  *b = betas(cache, (int)in[0], *T);
  return (*b)->bad ? NULL : (const mpfr_t *)sums(cache, (int)in[0], *T, p)->S;
}

/* out: sqrt_alphabar alphabar one_minus_alphabar beta log_snr; in: schedule T t */
static int zsnr_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  long T, t;
  const beta_slot *b;
  const mpfr_t *S = kind_row(cache, in, p, &b, &T, &t);
  if (!S) return -1;
  mpfr_prec_t q = p + 64;
  mpfr_t st, sT, s1, sp, a, c, om;
  mpfr_inits2(q, st, sT, s1, sp, a, c, om, (mpfr_ptr)0);
#define S_AT(y, k) (mpfr_div_2ui(y, S[k], 1, MPFR_RNDN), mpfr_exp(y, y, MPFR_RNDN))
  S_AT(st, t); S_AT(sT, T); S_AT(s1, 1);
  mpfr_sub(sp, st, sT, MPFR_RNDN);             /* s'_t = (s_t - s_T) s_1/(s_1 - s_T) */
  mpfr_mul(sp, sp, s1, MPFR_RNDN);
  mpfr_sub(a, s1, sT, MPFR_RNDN);
  mpfr_div(sp, sp, a, MPFR_RNDN);
  mpfr_ui_sub(a, 1, sp, MPFR_RNDN);            /* 1 - s'^2 = (1 - s')(1 + s') */
  mpfr_add_ui(c, sp, 1, MPFR_RNDN);
  mpfr_mul(om, a, c, MPFR_RNDN);
  mpfr_set(out[0], sp, MPFR_RNDN);
  mpfr_sqr(out[1], sp, MPFR_RNDN);
  mpfr_set(out[2], om, MPFR_RNDN);
  if (t == 1) mpfr_set(out[3], om, MPFR_RNDN);
  else {                                       /* 1 - rho^2, 1 - rho = (s_{t-1} - s_t)/(s_{t-1} - s_T) */
    mpfr_t sm;
    mpfr_init2(sm, q);
    S_AT(sm, t - 1);
    mpfr_set_ui(a, 1, MPFR_RNDN);
    mpfr_sub_d(a, a, b->b[t], MPFR_RNDN);
    mpfr_sqrt(a, a, MPFR_RNDN);
    mpfr_add_ui(a, a, 1, MPFR_RNDN);
    mpfr_d_div(a, b->b[t], a, MPFR_RNDN);
    mpfr_mul(a, a, sm, MPFR_RNDN);             /* s_{t-1} - s_t */
    mpfr_sub(c, sm, sT, MPFR_RNDN);
    mpfr_div(a, a, c, MPFR_RNDN);              /* 1 - rho */
    mpfr_ui_sub(c, 2, a, MPFR_RNDN);
    mpfr_mul(out[3], a, c, MPFR_RNDN);
    mpfr_clear(sm);
  }
#undef S_AT
  mpfr_sqr(a, sp, MPFR_RNDN);
  mpfr_log(a, a, MPFR_RNDN);
  mpfr_log(c, om, MPFR_RNDN);
  mpfr_sub(out[4], a, c, MPFR_RNDN);
  mpfr_clears(st, sT, s1, sp, a, c, om, (mpfr_ptr)0);
  return 0;
}

/* y = posterior variance at t >= 2 from its precision. */
static void post_var(mpfr_t y, const mpfr_t *S, const double *beta, long t)
{
  mpfr_t a, c;
  mpfr_inits2(mpfr_get_prec(y), a, c, (mpfr_ptr)0);
  mpfr_set_ui(a, 1, MPFR_RNDN);
  mpfr_sub_d(a, a, beta[t], MPFR_RNDN);
  mpfr_div_d(a, a, beta[t], MPFR_RNDN);        /* alpha_t / beta_t */
  mpfr_expm1(c, S[t - 1], MPFR_RNDN);
  mpfr_si_div(c, -1, c, MPFR_RNDN);            /* 1/(1 - alphabar_{t-1}) */
  mpfr_add(a, a, c, MPFR_RNDN);
  mpfr_ui_div(y, 1, a, MPFR_RNDN);
  mpfr_clears(a, c, (mpfr_ptr)0);
}

/* out: coef_x0 coef_xt var log_var_clipped var_fixed_large log_var_fixed_large
 *      log_var_learned; in: schedule T t frac */
static int post_check(mpfr_t *out, const double *in, mpfr_prec_t p, void *cache)
{
  long T, t;
  const beta_slot *b;
  const mpfr_t *S = kind_row(cache, in, p, &b, &T, &t);
  if (!S || !(in[3] >= 0 && in[3] <= 1)) return -1;
  mpfr_prec_t q = p + 64;
  mpfr_t v, a, c, lvc, lb;
  mpfr_inits2(q, v, a, c, lvc, lb, (mpfr_ptr)0);
  post_var(a, S, b->b, 2);
  mpfr_log(lvc, a, MPFR_RNDN);                 /* log var_2, the clipped value at t = 1 */
  if (t == 1) {
    mpfr_set_ui(out[0], 1, MPFR_RNDN);
    mpfr_set_zero(out[1], 1);
    mpfr_set_zero(out[2], 1);
    mpfr_set(out[4], a, MPFR_RNDN);
  } else {
    post_var(v, S, b->b, t);
    mpfr_div_2ui(a, S[t - 1], 1, MPFR_RNDN);
    mpfr_exp(a, a, MPFR_RNDN);
    mpfr_expm1(c, S[t - 1], MPFR_RNDN);
    mpfr_neg(c, c, MPFR_RNDN);
    mpfr_div(a, a, c, MPFR_RNDN);
    mpfr_mul(out[0], v, a, MPFR_RNDN);
    mpfr_set_ui(a, 1, MPFR_RNDN);
    mpfr_sub_d(a, a, b->b[t], MPFR_RNDN);
    mpfr_sqrt(a, a, MPFR_RNDN);
    mpfr_div_d(a, a, b->b[t], MPFR_RNDN);
    mpfr_mul(out[1], v, a, MPFR_RNDN);
    mpfr_set(out[2], v, MPFR_RNDN);
    mpfr_log(lvc, v, MPFR_RNDN);
    mpfr_set_d(out[4], b->b[t], MPFR_RNDN);
  }
  mpfr_set(out[3], lvc, MPFR_RNDN);
  mpfr_log(out[5], out[4], MPFR_RNDN);
  mpfr_set_d(lb, b->b[t], MPFR_RNDN);
  mpfr_log(lb, lb, MPFR_RNDN);
  mpfr_mul_d(lb, lb, in[3], MPFR_RNDN);
  mpfr_mul_d(lvc, lvc, 1 - in[3], MPFR_RNDN);
  mpfr_add(out[6], lb, lvc, MPFR_RNDN);
  mpfr_clears(v, a, c, lvc, lb, (mpfr_ptr)0);
  return 0;
}

const vi_check vi_sched_zero_snr = { "sched_zero_snr", zsnr_check, cache_new, cache_free };
const vi_check vi_ddpm_posterior = { "ddpm_posterior", post_check, cache_new, cache_free };
