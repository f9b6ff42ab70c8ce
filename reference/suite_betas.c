/* suite_betas.c -- suite ddpm_from_betas (claims sched.alphabar.step
 * sched.posterior.var sched.ddpm.extras): one step of a DDPM table from the
 * CALLER's numbers, so that a library's error in alphabar is separated from
 * its betas. Row t has inputs alphabar_prev and one_minus_alphabar_prev
 * (the caller's state after step t-1: 1 and 0 at t = 1), beta (the
 * caller's beta_t) and beta_next (beta_{t+1}; read only at t = 1, where the
 * clipped log-variance and the "fixed large" variance borrow step 2's
 * posterior variance). Each column steps from its own previous value:
 * alphabar = a (1 - b) from a = alphabar_prev, 1 - alphabar = om + (1 -
 * om) b from om = one_minus_alphabar_prev (no cancellation), so a library
 * whose two tables drift apart by a few ULP is still judged step by step; a
 * caller with alphabar only gives om = 1 - alphabar_prev (exact where it
 * matters, by Sterbenz). log(1 - alphabar) is log(1 - alphabar) where 1 -
 * alphabar < 1/2, else log1p(-alphabar): the well-conditioned form. eval:
 * every output from exact GMP rationals, rounded once or through one MPFR
 * sqrt/log/log1p whose loss is counted. cross: MPFR products at the working
 * precision plus 64 bits, 1 - alphabar = b + om (1 - b). */
#include "suites.h"
#include "suite_util.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>

static const char *const in_names[] = { "alphabar_prev", "one_minus_alphabar_prev", "beta", "beta_next" };
static const char *const out_names[] = {
  "alphabar", "one_minus_alphabar", "sqrt_alphabar", "sqrt_one_minus_alphabar", "sqrt_recip_alphabar",
  "sqrt_recipm1_alphabar", "log_one_minus_alphabar", "log_snr", "posterior_variance",
  "posterior_log_variance_clipped", "fixed_large_variance", "log_fixed_large_variance", "posterior_mean_coef1",
  "posterior_mean_coef2"
};
#define NOUT 14

/* Rows: the chains of four betas tables, formed with IEEE double + - * /
 * and sqrt only (machine independent): DDPM linear T = 1000 (1e-4 + (0.02 -
 * 1e-4) i/(T-1)), improved-diffusion's linear for T = 50 and T = 4000
 * (endpoints scaled by 1000/T), Stable Diffusion's scaled linear T = 1000.
 * alphabar_prev is the double recurrence a *= 1 - b, as numpy's cumprod. */
typedef struct { long T, stride; int kind; } chain;
static const chain chains[] = { { 1000, 1, 0 }, { 50, 1, 1 }, { 4000, 50, 1 }, { 1000, 10, 2 } };
#define NCHAIN (sizeof chains / sizeof *chains)

/* t = 1, 1 + stride, ..., and T */
static long chain_rows(const chain *c) { return (c->T - 1) / c->stride + 1 + ((c->T - 1) % c->stride != 0); }

static size_t betas_count(void)
{
  size_t n = 0;
  for (size_t i = 0; i < NCHAIN; i++) n += (size_t)chain_rows(&chains[i]);
  return n;
}

static double chain_beta(const chain *c, long t)
{
  if (t > c->T) return 0;
  double u = (double)(t - 1) / (double)(c->T - 1), s = 1000.0 / (double)c->T;
  if (c->kind == 0) return 1e-4 + (0.02 - 1e-4) * u;
  if (c->kind == 1) return s * 1e-4 + (s * 0.02 - s * 1e-4) * u;
  double r = sqrt(0.00085) + (sqrt(0.012) - sqrt(0.00085)) * u;
  return r * r;
}

static int betas_inputs(size_t r, double *in)
{
  size_t i = 0;
  while (r >= (size_t)chain_rows(&chains[i])) r -= (size_t)chain_rows(&chains[i++]);
  const chain *c = &chains[i];
  long t = (long)r * c->stride + 1;
  if (t > c->T) t = c->T;
  double a = 1;
  for (long s = 1; s < t; s++) a *= 1 - chain_beta(c, s);
  in[0] = a;
  in[1] = 1 - a;
  in[2] = chain_beta(c, t);
  in[3] = chain_beta(c, t + 1);
  return 0;
}

/* Domain: 0 < alphabar_prev <= 1, 0 <= om < 1 with |alphabar_prev
 * + om - 1| <= 2^-20 (the two describe one state), om = 0 only with
 * alphabar_prev = 1 (t = 1), 0 < beta < 1, 0 <= beta_next < 1 and > 0 at
 * t = 1. -1, or the offending input. */
static int betas_bad(const double *in)
{
  if (!(in[0] > 0 && in[0] <= 1)) return 0;
  if (!(in[1] >= 0 && in[1] < 1) || fabs(in[0] + in[1] - 1) > 0x1p-20 || ((in[1] == 0) != (in[0] == 1))) return 1;
  if (!(in[2] > 0 && in[2] < 1)) return 2;
  if (!(in[3] >= 0 && in[3] < 1) || (in[1] == 0 && in[3] == 0)) return 3;
  return -1;
}

int dmc_betas_suite_domain(const double *in, char *why, size_t len);
int dmc_betas_suite_domain(const double *in, char *why, size_t len)
{
  static const char *const what[] = { "0 < alphabar_prev <= 1 (1 at t = 1)",
                                      "0 <= one_minus_alphabar_prev < 1, near 1 - alphabar_prev (2^-20), 0 at t = 1",
                                      "0 < beta < 1",
                                      "0 <= beta_next < 1, and > 0 at t = 1" };
  int bad = betas_bad(in);
  if (bad >= 0)
    snprintf(why, len, "%s = %.17g (ddpm_from_betas: %s)", in_names[bad], in[bad],
             what[bad]);
  return bad;
}

/* Exact rationals of a row: a, om (the caller's), ab = a(1 - b), q = 1 -
 * alphabar = om + (1 - om) b, and the step-2 quantities of a t = 1 row (a = 1:
 * ab_1 = 1 - b exactly). */
typedef struct { mpq_t a, om, b, bn, ab, q, pv, pv2; } row_q;

static void row_init(row_q *r, const double *in)
{
  mpq_inits(r->a, r->om, r->b, r->bn, r->ab, r->q, r->pv, r->pv2, (mpq_ptr)0);
  mpq_t one, x;
  mpq_inits(one, x, (mpq_ptr)0);
  mpq_set_ui(one, 1, 1);
  mpq_set_d(r->a, in[0]);
  mpq_set_d(r->om, in[1]);
  mpq_set_d(r->b, in[2]);
  mpq_set_d(r->bn, in[3]);
  mpq_sub(x, one, r->b);
  mpq_mul(r->ab, r->a, x);                 /* a (1 - b) */
  mpq_sub(x, one, r->om);
  mpq_mul(r->q, x, r->b);
  mpq_add(r->q, r->q, r->om);              /* om + (1 - om) b */
  mpq_mul(r->pv, r->b, r->om);
  mpq_div(r->pv, r->pv, r->q);             /* b om / q */
  if (in[1] == 0) {                        /* step 2: bn (1 - ab_1) / (1 - ab_1 (1 - bn)) */
    mpq_t den;
    mpq_init(den);
    mpq_sub(x, one, r->bn);
    mpq_mul(den, r->ab, x);
    mpq_sub(den, one, den);
    mpq_mul(r->pv2, r->bn, r->b);          /* 1 - ab_1 = b */
    mpq_div(r->pv2, r->pv2, den);
    mpq_clear(den);
  }
  mpq_clears(one, x, (mpq_ptr)0);
}

static void row_clear(row_q *r) { mpq_clears(r->a, r->om, r->b, r->bn, r->ab, r->q, r->pv, r->pv2, (mpq_ptr)0); }

/* y = log(v), v > 0 rational: v rounded once, then log; its absolute error
 * is about one ulp of v relative, so bits are lost where |log v| < 1. */
static long log_q(mpfr_t y, const mpq_t v)
{
  if (mpq_cmp_ui(v, 1, 1) == 0) { mpfr_set_zero(y, 1); return MPREF_EXACT; }
  mpfr_t x;
  mpfr_init2(x, mpfr_get_prec(y) + 8);
  mpfr_set_q(x, v, MPFR_RNDN);
  mpfr_log(y, x, MPFR_RNDN);
  mpfr_clear(x);
  return MPREF_SLACK + mpref_bits_lost(y, 1);
}

/* y = log1p(-v), 0 <= v <= 1/2 + 2^-20 rational: v rounded once, then
 * log1p; the condition number v/((1 - v)|log1p(-v)|) is below 2 there. */
static long log1p_neg_q(mpfr_t y, const mpq_t v)
{
  if (mpq_sgn(v) == 0) { mpfr_set_zero(y, -1); return MPREF_EXACT; }
  mpfr_t x;
  mpfr_init2(x, mpfr_get_prec(y) + 8);
  mpfr_set_q(x, v, MPFR_RNDN);
  mpfr_neg(x, x, MPFR_RNDN);
  mpfr_log1p(y, x, MPFR_RNDN);
  mpfr_clear(x);
  return MPREF_SLACK + 1;
}

/* y = sqrt(v1/v2) (v2 = NULL: sqrt(v1)) or, inverse, sqrt(v2/v1): the
 * rational ratio rounded once, then one square root. */
static long sqrt_q(mpfr_t y, const mpq_t v1, const mpq_t v2, int inverse)
{
  mpq_t r;
  mpq_init(r);
  if (v2) mpq_div(r, v1, v2);
  else mpq_set(r, v1);
  if (inverse) mpq_inv(r, r);
  mpfr_t x;
  mpfr_init2(x, mpfr_get_prec(y) + 8);
  int inex = 0;
  SUITE_OP(inex, mpfr_set_q(x, r, MPFR_RNDN));
  SUITE_OP(inex, mpfr_sqrt(y, x, MPFR_RNDN));
  mpfr_clear(x);
  mpq_clear(r);
  return SUITE_LOSS(inex, MPREF_SLACK);
}

/* y = c sqrt(s) / q for rationals c, s, q (the posterior mean coefficients). */
static long coef_q(mpfr_t y, const mpq_t c, const mpq_t s, const mpq_t q)
{
  mpq_t r;
  mpq_init(r);
  mpq_div(r, c, q);
  mpfr_t x, z;
  mpfr_inits2(mpfr_get_prec(y) + 8, x, z, (mpfr_ptr)0);
  int inex = 0;
  SUITE_OP(inex, mpfr_set_q(x, s, MPFR_RNDN));
  SUITE_OP(inex, mpfr_sqrt(x, x, MPFR_RNDN));
  SUITE_OP(inex, mpfr_set_q(z, r, MPFR_RNDN));
  SUITE_OP(inex, mpfr_mul(y, x, z, MPFR_RNDN));
  mpfr_clears(x, z, (mpfr_ptr)0);
  mpq_clear(r);
  return SUITE_LOSS(inex, MPREF_SLACK);
}

static long betas_out(mpfr_t y, const double *in, int k, void *unused)
{
  (void)unused;
  if (betas_bad(in) >= 0) return MPREF_DOMAIN;
  row_q r;
  row_init(&r, in);
  int t1 = in[1] == 0;
  mpq_t x;
  mpq_init(x);
  long loss;
  switch (k) {
  case 0: loss = suite_rational(y, r.ab); break;
  case 1: loss = suite_rational(y, r.q); break;
  case 2: loss = sqrt_q(y, r.ab, NULL, 0); break;
  case 3: loss = sqrt_q(y, r.q, NULL, 0); break;
  case 4: loss = sqrt_q(y, r.ab, NULL, 1); break;
  case 5: loss = sqrt_q(y, r.q, r.ab, 0); break;
  case 6: loss = mpq_cmp_ui(r.q, 1, 2) < 0 ? log_q(y, r.q) : log1p_neg_q(y, r.ab); break;
  case 7: mpq_div(x, r.ab, r.q); loss = log_q(y, x); break;
  case 8: loss = suite_rational(y, r.pv); break;
  case 9: loss = log_q(y, t1 ? r.pv2 : r.pv); break;
  case 10: loss = suite_rational(y, t1 ? r.pv2 : r.b); break;
  case 11: loss = log_q(y, t1 ? r.pv2 : r.b); break;
  case 12: loss = coef_q(y, r.b, r.a, r.q); break;
  default: mpq_set_ui(x, 1, 1); mpq_sub(x, x, r.b); loss = coef_q(y, r.om, x, r.q); break;
  }
  mpq_clear(x);
  row_clear(&r);
  return mpfr_zero_p(y) ? MPREF_EXACT : loss;   /* only exact zeros: coef2 and the variance at t = 1 */
}

/* cross: MPFR at the working precision plus 64 bits (every product of the
 * doubles is exact there, up to the 2^-1074 scale of the inputs being
 * far below: the loss counts the cancellation-free forms' few roundings). */
static long betas_cross_out(mpfr_t y, const double *in, int k, void *unused)
{
  (void)unused;
  if (betas_bad(in) >= 0) return MPREF_DOMAIN;
  mpfr_prec_t p = mpfr_get_prec(y) + 64;
  mpfr_t a, om, b, ab, q, v, w;
  mpfr_inits2(p, a, om, b, ab, q, v, w, (mpfr_ptr)0);
  int inex = 0;
  SUITE_OP(inex, mpfr_set_d(a, in[0], MPFR_RNDN));
  SUITE_OP(inex, mpfr_set_d(om, in[1], MPFR_RNDN));
  SUITE_OP(inex, mpfr_set_d(b, in[2], MPFR_RNDN));
  SUITE_OP(inex, mpfr_ui_sub(v, 1, b, MPFR_RNDN));
  SUITE_OP(inex, mpfr_mul(ab, a, v, MPFR_RNDN));           /* a (1 - b) */
  SUITE_OP(inex, mpfr_mul(q, om, v, MPFR_RNDN));
  SUITE_OP(inex, mpfr_add(q, q, b, MPFR_RNDN));            /* b + om (1 - b) */
  int t1 = in[1] == 0;
  if (t1 && (k >= 9 && k <= 11)) {         /* step 2's posterior variance: bn b / (b + (1 - b) bn) */
    SUITE_OP(inex, mpfr_set_d(w, in[3], MPFR_RNDN));
    SUITE_OP(inex, mpfr_mul(v, v, w, MPFR_RNDN));
    SUITE_OP(inex, mpfr_add(v, v, b, MPFR_RNDN));
    SUITE_OP(inex, mpfr_mul(w, w, b, MPFR_RNDN));
    SUITE_OP(inex, mpfr_div(w, w, v, MPFR_RNDN));
  }
  long loss = MPREF_SLACK;
  switch (k) {
  case 0: SUITE_OP(inex, mpfr_set(y, ab, MPFR_RNDN)); break;
  case 1: SUITE_OP(inex, mpfr_set(y, q, MPFR_RNDN)); break;
  case 2: SUITE_OP(inex, mpfr_sqrt(y, ab, MPFR_RNDN)); break;
  case 3: SUITE_OP(inex, mpfr_sqrt(y, q, MPFR_RNDN)); break;
  case 4: SUITE_OP(inex, mpfr_rec_sqrt(y, ab, MPFR_RNDN)); break;
  case 5: SUITE_OP(inex, mpfr_div(v, q, ab, MPFR_RNDN)); SUITE_OP(inex, mpfr_sqrt(y, v, MPFR_RNDN)); break;
  case 6:
    if (mpfr_cmp_d(q, 0.5) < 0) { SUITE_OP(inex, mpfr_log(y, q, MPFR_RNDN)); loss += 2; }
    else { mpfr_neg(v, ab, MPFR_RNDN); SUITE_OP(inex, mpfr_log1p(y, v, MPFR_RNDN)); loss += 2; }
    break;
  case 7: SUITE_OP(inex, mpfr_log(v, ab, MPFR_RNDN)); SUITE_OP(inex, mpfr_log(w, q, MPFR_RNDN)); SUITE_OP(inex, mpfr_sub(y, v, w, MPFR_RNDN));
    loss += mpref_cancel_bits(y, v, w); break;
  case 8: SUITE_OP(inex, mpfr_mul(v, om, b, MPFR_RNDN)); SUITE_OP(inex, mpfr_div(y, v, q, MPFR_RNDN)); break;
  case 9:
    if (!t1) { SUITE_OP(inex, mpfr_mul(w, om, b, MPFR_RNDN)); SUITE_OP(inex, mpfr_div(w, w, q, MPFR_RNDN)); }
    SUITE_OP(inex, mpfr_log(y, w, MPFR_RNDN)); loss += mpref_bits_lost(y, 1); break;
  case 10: if (t1) SUITE_OP(inex, mpfr_set(y, w, MPFR_RNDN)); else SUITE_OP(inex, mpfr_set(y, b, MPFR_RNDN)); break;
  case 11: SUITE_OP(inex, mpfr_log(y, t1 ? w : b, MPFR_RNDN)); loss += mpref_bits_lost(y, 1); break;
  case 12: SUITE_OP(inex, mpfr_sqrt(v, a, MPFR_RNDN)); SUITE_OP(inex, mpfr_mul(v, v, b, MPFR_RNDN)); SUITE_OP(inex, mpfr_div(y, v, q, MPFR_RNDN)); break;
  default: SUITE_OP(inex, mpfr_ui_sub(v, 1, b, MPFR_RNDN)); SUITE_OP(inex, mpfr_sqrt(v, v, MPFR_RNDN));
    SUITE_OP(inex, mpfr_mul(v, v, om, MPFR_RNDN)); SUITE_OP(inex, mpfr_div(y, v, q, MPFR_RNDN));
    break;
  }
  if (!inex || (mpfr_zero_p(y) && k != 7)) loss = MPREF_EXACT; /* no rounding; or 1 - a = 0 (t = 1) */
  mpfr_clears(a, om, b, ab, q, v, w, (mpfr_ptr)0);
  return loss;
}

static int betas_eval(const double *in, double *out) { return suite_round_outputs(betas_out, in, NOUT, NULL, out); }
static int betas_cross(const double *in, double *out)
{
  return suite_round_outputs(betas_cross_out, in, NOUT, NULL, out);
}

const dmc_suite dmc_suite_ddpm_from_betas = {
  "ddpm_from_betas",
  "One step of a DDPM table from the caller's own numbers: inputs alphabar_prev, one_minus_alphabar_prev ="
  " the caller's state after step t-1 (1 and 0 at t = 1; 1 - alphabar_prev will do), beta = the caller's beta_t,"
  " beta_next = beta_{t+1} (read only at t = 1; give 0 after the last step). Each column steps from its own"
  " previous value: alphabar = alphabar_prev (1 - beta), 1 - alphabar = one_minus_alphabar_prev + (1 -"
  " one_minus_alphabar_prev) beta, exactly. Outputs: alphabar, 1 - alphabar,"
  " their square roots, sqrt(1/alphabar), sqrt(1/alphabar - 1) = sqrt((1 - alphabar)/alphabar), log(1 -"
  " alphabar) (log1p(-alphabar) where 1 - alphabar >= 1/2), log_snr = log(alphabar/(1 -"
  " alphabar)), the posterior variance beta one_minus_alphabar_prev/(1 - alphabar), improved-diffusion's"
  " posterior_log_variance_clipped and 'fixed large' variance (both take step 2's posterior variance at t = 1)"
  " and its log, and the posterior mean coefficients beta sqrt(alphabar_prev)/(1 - alphabar),"
  " one_minus_alphabar_prev sqrt(1 - beta)/(1 - alphabar). A library that is right step by step is within a few ULP"
  " of every output, whatever its betas. Rows: the double chains of DDPM linear T = 1000, improved-diffusion"
  " linear T = 50 and 4000 (endpoints times 1000/T; every 50th step), scaled linear T = 1000 (every 10th step).",
  "sched.alphabar.step sched.posterior.var sched.ddpm.extras",
  4, NOUT, in_names, out_names, betas_count, betas_inputs, betas_eval, betas_cross,
  "plain MPFR at 128 extra bits with the textbook forms: 1 - alphabar as 1 - (1 - om)(1 - b), the variance"
  " as beta - beta^2 (1 - om)/(1 - alphabar), the mean coefficients as exp of sums of logs"
  " (tests/vec_indep_betas.c)"
};
