/* suite_param.c -- suite param_conversions (claims sched.param.*): the
 * conversions among the eps-, x_0-, v- and score-parameterisations of
 * x_t = a x_0 + s eps, a = sqrt(ab), s = sqrt(1 - ab), v = a eps - s x_0,
 * score = -eps/s. The input u is read as eps, as x_0 or as v. Every output is
 * c_x x_t + c_u u with c = +-sqrt(ab^i (1 - ab)^j): computed exactly (GMP) when
 * the roots met are rational; otherwise eval takes sqrt of the exact rational
 * and cross the product a^i s^j of the two roots, the sum with its
 * cancellation counted. */
#include "suites.h"
#include "dmcref.h"
#include "suite_util.h"

#include <math.h>
#include <stdint.h>

static const char *const in_names[] = { "alphabar", "x_t", "u" };
static const char *const out_names[] = {
  "x0_from_eps", "v_from_eps", "score_from_eps",
  "eps_from_x0", "v_from_x0", "score_from_x0",
  "eps_from_v", "x0_from_v", "score_from_v"
};
#define NOUT 9

/* Nearest doubles of 1 - 1e-8, 0.9999, 0.5, 1e-4 and 2^-24. */
static const double abs_[] = { 0.99999999, 0.9999, 0.5, 1e-4, 0x1p-24 };
static const double us[] = { 0.0, 1.0, -1.5, 0.1, 7.0 };
#define NAB 5
#define NX 7
#define NU 5
static size_t param_count(void) { return NAB * NX * NU; }

static int param_inputs(size_t r, double *in)
{
  size_t len[3] = { NAB, NX, NU }, ix[3];
  suite_digits(r, 3, len, ix);
  double ab = abs_[ix[0]];
  static const double xs[] = { 0.0, 1.0, -0.5, 3.25, 1e-3 };
  in[0] = ab;
  in[1] = ix[1] < 5 ? xs[ix[1]] : suite_vp_root(ab, ix[1] == 5);
  in[2] = us[ix[2]];
  return 0;
}

/* Every conversion is c_x x_t + c_u u with coefficients +-sqrt(ab^i (1 - ab)^j),
 * indexed [from][to] with 0 eps, 1 x0, 2 v, 3 score (as dmc_param_convert). */
typedef struct { int sign, i, j; } coef;
static const coef conv[4][4][2] = {
  { { { 0, 0, 0 }, { 1, 0, 0 } }, { { 1, -1, 0 }, { -1, -1, 1 } },      /* eps -> eps, x0 = (x - s u)/a */
    { { -1, -1, 1 }, { 1, -1, 0 } }, { { 0, 0, 0 }, { -1, 0, -1 } } },   /* v = (u - s x)/a, score = -u/s */
  { { { 1, 0, -1 }, { -1, 1, -1 } }, { { 0, 0, 0 }, { 1, 0, 0 } },      /* x0 -> eps = (x - a u)/s */
    { { 1, 1, -1 }, { -1, 0, -1 } }, { { -1, 0, -2 }, { 1, 1, -2 } } },  /* v = (a x - u)/s, score = (a u - x)/s^2 */
  { { { 1, 0, 1 }, { 1, 1, 0 } }, { { 1, 1, 0 }, { -1, 0, 1 } },         /* v -> eps = a u + s x, x0 = a x - s u */
    { { 0, 0, 0 }, { 1, 0, 0 } }, { { -1, 0, 0 }, { -1, 1, -1 } } },     /* score = -x - (a/s) u */
  { { { 0, 0, 0 }, { -1, 0, 1 } }, { { 1, -1, 0 }, { 1, -1, 2 } },      /* score -> eps = -s u, x0 = (x + s^2 u)/a */
    { { -1, -1, 1 }, { -1, -1, 1 } }, { { 0, 0, 0 }, { 1, 0, 0 } } },    /* v = -(s/a)(x + u) */
};
/* The suite's outputs as (from, to). */
static const int out_pair[NOUT][2] = { { 0, 1 }, { 0, 2 }, { 0, 3 }, { 1, 0 }, { 1, 2 }, { 1, 3 },
                                       { 2, 0 }, { 2, 1 }, { 2, 3 } };

/* R = ab^i (1 - ab)^j exactly. */
static void coef_rational(mpq_t R, double ab, int i, int j)
{
  mpq_t A, O;
  mpq_inits(A, O, NULL);
  mpq_set_d(A, ab);
  mpq_set_ui(O, 1, 1);
  mpq_sub(O, O, A);
  mpq_set_ui(R, 1, 1);
  for (int k = 0; k < (i < 0 ? -i : i); k++) i < 0 ? mpq_div(R, R, A) : mpq_mul(R, R, A);
  for (int k = 0; k < (j < 0 ? -j : j); k++) j < 0 ? mpq_div(R, R, O) : mpq_mul(R, R, O);
  mpq_clears(A, O, NULL);
}

/* sqrt(R) as a rational if it is one (numerator and denominator squares). */
static int rational_root(mpq_t r, const mpq_t R)
{
  if (!mpz_perfect_square_p(mpq_numref(R)) || !mpz_perfect_square_p(mpq_denref(R))) return 0;
  mpz_sqrt(mpq_numref(r), mpq_numref(R));
  mpz_sqrt(mpq_denref(r), mpq_denref(R));
  mpq_canonicalize(r);
  return 1;
}

/* The coefficient in MPFR: primary sqrt(R) of the exact R; cross the product
 * a^i s^j of the two basic roots. */
static void coef_value(mpfr_t c, const coef *k, double ab, int cross)
{
  mpfr_prec_t q = mpfr_get_prec(c);
  if (!cross) {
    mpq_t R;
    mpq_init(R);
    coef_rational(R, ab, k->i, k->j);
    mpfr_set_q(c, R, MPFR_RNDN);
    mpfr_sqrt(c, c, MPFR_RNDN);
    mpq_clear(R);
  } else {
    mpfr_t a, s;
    mpfr_inits2(q, a, s, (mpfr_ptr)0);
    mpfr_set_d(a, ab, MPFR_RNDN);
    mpfr_ui_sub(s, 1, a, MPFR_RNDN);
    mpfr_sqrt(a, a, MPFR_RNDN);
    mpfr_sqrt(s, s, MPFR_RNDN);
    mpfr_set_ui(c, 1, MPFR_RNDN);
    for (int n = 0; n < (k->i < 0 ? -k->i : k->i); n++) k->i < 0 ? mpfr_div(c, c, a, MPFR_RNDN) : mpfr_mul(c, c, a, MPFR_RNDN);
    for (int n = 0; n < (k->j < 0 ? -k->j : k->j); n++) k->j < 0 ? mpfr_div(c, c, s, MPFR_RNDN) : mpfr_mul(c, c, s, MPFR_RNDN);
    mpfr_clears(a, s, (mpfr_ptr)0);
  }
  if (k->sign < 0) mpfr_neg(c, c, MPFR_RNDN);
}

/* conversion (from, to) of (ab, x_t, u) at the precision of y */
static long convert_eval(mpfr_t y, double ab, double x, double u, int from, int to, int cross)
{
  double z[2] = { x, u };
  const coef *cf = conv[from][to];
  /* exactly: when every coefficient met by a nonzero input is rational */
  int rational = 1;
  mpq_t R, r, sum, t;
  mpq_inits(R, r, sum, t, NULL);
  for (int m = 0; m < 2 && rational; m++) {
    if (cf[m].sign == 0 || z[m] == 0) continue;
    coef_rational(R, ab, cf[m].i, cf[m].j);
    if (!rational_root(r, R)) { rational = 0; break; }
    if (cf[m].sign < 0) mpq_neg(r, r);
    mpq_set_d(t, z[m]);
    mpq_mul(t, t, r);
    mpq_add(sum, sum, t);
  }
  /* an exact zero: opposite signs and R_x x^2 = R_u u^2 */
  int zero = 0;
  if (!rational && cf[0].sign && cf[1].sign && z[0] != 0 && z[1] != 0 &&
      (cf[0].sign * z[0] > 0) != (cf[1].sign * z[1] > 0)) {
    coef_rational(R, ab, cf[0].i, cf[0].j);
    mpq_set_d(t, z[0]); mpq_mul(t, t, t); mpq_mul(R, R, t);
    coef_rational(r, ab, cf[1].i, cf[1].j);
    mpq_set_d(t, z[1]); mpq_mul(t, t, t); mpq_mul(r, r, t);
    zero = mpq_equal(R, r);
  }
  long loss;
  if (zero) {
    mpfr_set_zero(y, 1);
    loss = MPREF_EXACT;
  } else if (rational) {
    loss = mpfr_set_q(y, sum, MPFR_RNDN) ? MPREF_SLACK : MPREF_EXACT;
  } else {
    mpfr_prec_t q = mpfr_get_prec(y) + 32;
    mpfr_t c, t1, t2;
    mpfr_inits2(q, c, t1, t2, (mpfr_ptr)0);
    mpfr_set_zero(t1, 1);
    mpfr_set_zero(t2, 1);
    for (int m = 0; m < 2; m++) {
      if (cf[m].sign == 0 || z[m] == 0) continue;
      coef_value(c, &cf[m], ab, cross);
      mpfr_mul_d(m ? t2 : t1, c, z[m], MPFR_RNDN);
    }
    mpfr_add(y, t1, t2, MPFR_RNDN);
    loss = mpfr_zero_p(y) ? MPREF_PREC_MAX : MPREF_SLACK + 4 + mpref_cancel_bits(y, t1, t2);
    mpfr_clears(c, t1, t2, (mpfr_ptr)0);
  }
  mpq_clears(R, r, sum, t, NULL);
  return loss;
}

static long param_out(mpfr_t y, const double *in, int k, void *vcross)
{
  if (k < 0 || k >= NOUT) return MPREF_DOMAIN;
  return convert_eval(y, in[0], in[1], in[2], out_pair[k][0], out_pair[k][1], vcross != NULL);
}

typedef struct { double ab, x, u; int from, to; } conv_ctx;
static long conv_mpref(mpfr_t y, const void *vctx)
{
  const conv_ctx *c = vctx;
  return convert_eval(y, c->ab, c->x, c->u, c->from, c->to, 0);
}

int ref_param_convert(int from, int to, double alphabar, double x_t, double u, double *out)
{
  if (from < 0 || from > 3 || to < 0 || to > 3 || !(alphabar > 0 && alphabar < 1) || !isfinite(x_t) || !isfinite(u)) {
    *out = NAN;
    return 1;
  }
  conv_ctx c = { alphabar, x_t, u, from, to };
  return mpref_round(conv_mpref, &c, out, NULL);
}

static int param_row(const double *in, double *out, int cross)
{
  double ab = in[0];
  if (!(ab > 0 && ab < 1) || !isfinite(in[1]) || !isfinite(in[2])) {
    for (int k = 0; k < NOUT; k++) out[k] = NAN;
    return 1;
  }
  static const int flag = 1;
  return suite_round_outputs(param_out, in, NOUT, cross ? (void *)(uintptr_t)&flag : NULL, out);
}

static int param_eval(const double *in, double *out) { return param_row(in, out, 0); }
static int param_cross(const double *in, double *out) { return param_row(in, out, 1); }

const dmc_suite dmc_suite_param_conversions = {
  "param_conversions",
  "Conversions among the eps-, x0-, v- and score-parameterisations of x_t = a x0 + s eps, a ="
  " sqrt(alphabar), s = sqrt(1 - alphabar), v = a eps - s x0, score = -eps/s; u is the network output"
  " read as eps (x0_from_eps = (x_t - s u)/a, v_from_eps = (u - s x_t)/a, score_from_eps = -u/s), as"
  " x0 (eps = (x_t - a u)/s, v = (a x_t - u)/s, score = (a u - x_t)/(1 - alphabar)) and as v (eps ="
  " a u + s x_t, x0 = a x_t - s u, score = -(a u + s x_t)/s). alphabar: the doubles nearest 1 - 1e-8,"
  " 0.9999, 0.5, 1e-4 and 2^-24; x_t includes the doubles nearest s and a (near-total cancellation).",
  "sched.param.conversions sched.param.score",
  3, NOUT, in_names, out_names, param_count, param_inputs, param_eval, param_cross,
  "the rotation x_t + i v = e^(-i phi) (x0 + i eps) with a = cos phi, s = sin phi, phi = acos(2 alphabar - 1)/2 in MPFR (no square roots) (tests/vec_indep_param.c)"
};
