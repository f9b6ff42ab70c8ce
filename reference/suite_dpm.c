/* suite_dpm.c -- suite dpm_solver_coeffs (claim sched.dpm.step): the
 * first-order DPM-Solver and DPM-Solver++ step from s to t on a VP schedule
 * given by alphabar_s and alphabar_t (alpha = sqrt(alphabar), sigma =
 * sqrt(1 - alphabar)): lambda = log alpha - log sigma at both ends, h =
 * lambda_t - lambda_s, expm1(-h) = e^-h - 1 and expm1(h), and the update
 * coefficients alpha_t/alpha_s, -sigma_t expm1(h) (noise prediction) and
 * sigma_t/sigma_s, -alpha_t expm1(-h) (data prediction, ++). eval: h = log1p(R - 1)/2 with
 * R - 1 = (ab_t - ab_s)/(ab_s (1 - ab_t)) an exact rational (no cancellation
 * between the two lambdas), e^-h - 1 = expm1(-h); ratios by square roots of
 * exact rationals. cross: h from MPFR logs at raised precision with the
 * cancellation counted, e^{+-h} - 1 as sqrt(R)^{-+1} - 1 with its cancellation counted. */
#include "suites.h"
#include "suite_util.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>

static const char *const in_names[] = { "alphabar_s", "alphabar_t" };
static const char *const out_names[] = { "lambda_s", "lambda_t", "h", "expm1_neg_h", "expm1_h", "alpha_ratio",
                                         "coef_eps", "sigma_ratio", "coef_x0" };
#define NOUT 9

/* Rows: pairs (ab_s, ab_t) = (A(u), A(u + d)), A(u) = 1/(1 + e^-u) rounded,
 * for u in {-12, -6, -3, -1, 0, 1, 3, 6, 12} and d in {1, 0.1, 1e-3, 1e-6,
 * 1e-9} (d at double resolution: the rounded pairs differ); the row's
 * inputs are the two doubles. */
static const double us[] = { -12, -6, -3, -1, 0, 1, 3, 6, 12 };
static const double ds[] = { 1, 0.1, 1e-3, 1e-6, 1e-9 };
#define NU (sizeof us / sizeof *us)
#define ND (sizeof ds / sizeof *ds)
static size_t dpm_count(void) { return NU * ND; }

static double logistic(double u)
{
  mpfr_t x;
  mpfr_init2(x, 200);
  mpfr_set_d(x, -u, MPFR_RNDN);
  mpfr_exp(x, x, MPFR_RNDN);
  mpfr_add_ui(x, x, 1, MPFR_RNDN);
  mpfr_ui_div(x, 1, x, MPFR_RNDN);
  double d = mpfr_get_d(x, MPFR_RNDN);
  mpfr_clear(x);
  return d;
}

static int dpm_inputs(size_t r, double *in)
{
  in[0] = logistic(us[r / ND]);
  in[1] = logistic(us[r / ND] + ds[r % ND]);
  if (in[1] == in[0]) in[1] = nextafter(in[0], 1);
  return 0;
}

static int dpm_ok(const double *in) { return in[0] > 0 && in[0] < 1 && in[1] > 0 && in[1] < 1 && in[0] != in[1]; }

/* r = 1 - v (r and v may alias). */
static void one_minus(mpq_t r, const mpq_t v)
{
  mpq_t one;
  mpq_init(one);
  mpq_set_ui(one, 1, 1);
  mpq_sub(r, one, v);
  mpq_clear(one);
}

/* R = ab_t (1 - ab_s) / (ab_s (1 - ab_t)) = e^(2h); Rm1 = R - 1. */
static void ratio_q(mpq_t R, mpq_t Rm1, const double *in)
{
  mpq_t s, t, a, b;
  mpq_inits(s, t, a, b, (mpq_ptr)0);
  mpq_set_d(s, in[0]);
  mpq_set_d(t, in[1]);
  mpq_set_ui(a, 1, 1);
  mpq_sub(a, a, t);
  mpq_mul(a, a, s);                            /* ab_s (1 - ab_t) */
  mpq_sub(b, t, s);
  mpq_div(Rm1, b, a);                          /* (ab_t - ab_s) / (ab_s (1 - ab_t)) */
  mpq_set_ui(R, 1, 1);
  mpq_add(R, R, Rm1);
  mpq_clears(s, t, a, b, (mpq_ptr)0);
}

/* y = the step from alphabar a to b, (1/2) log(R), R = b (1 - a)/(a (1 - b)); cross: from log R. */
static long dpm_step(mpfr_t y, const double *ab, int cross)
{
  mpq_t R, Rm1;
  mpq_inits(R, Rm1, (mpq_ptr)0);
  ratio_q(R, Rm1, ab);
  mpfr_t x;
  mpfr_init2(x, mpfr_get_prec(y));
  long loss = 0;
  /* R < 1/2: R - 1 may round to -1 (log1p = -inf), and |log R| > 1/2 has no
   * cancellation, so log R serves; the cross path always takes log R. */
  int use_log = cross || mpq_cmp_si(Rm1, -1, 2) < 0;
  mpfr_set_q(x, use_log ? R : Rm1, MPFR_RNDN);
  if (use_log) mpfr_log(y, x, MPFR_RNDN);
  else mpfr_log1p(y, x, MPFR_RNDN);
  mpfr_div_2ui(y, y, 1, MPFR_RNDN);
  if (cross) loss = mpref_bits_lost(y, 1);
  mpfr_clear(x);
  mpq_clears(R, Rm1, (mpq_ptr)0);
  return loss;
}

static long dpm_out(mpfr_t y, const double *in, int k, void *flag)
{
  if (!dpm_ok(in)) return MPREF_DOMAIN;
  int cross = flag != NULL;
  mpfr_prec_t p = mpfr_get_prec(y) + 64;
  mpq_t q;
  mpq_init(q);
  mpfr_t x, h, w;
  mpfr_inits2(p, x, h, w, (mpfr_ptr)0);
  long loss = MPREF_SLACK;
  if (k <= 1) {                                /* lambda = log(ab/(1 - ab))/2 */
    mpq_t c;
    mpq_init(c);
    mpq_set_d(q, in[k]);
    one_minus(c, q);
    mpq_div(q, q, c);
    mpq_clear(c);
    if (mpq_cmp_ui(q, 1, 1) == 0) { mpfr_set_zero(y, 1); loss = MPREF_EXACT; goto done; } /* alphabar = 1/2 */
    mpfr_set_q(x, q, MPFR_RNDN);
    mpfr_log(y, x, MPFR_RNDN);
    mpfr_div_2ui(y, y, 1, MPFR_RNDN);
    loss += mpref_bits_lost(y, 1);
  } else if (k <= 4 || k == 6 || k == 8) {
    loss += dpm_step(h, in, cross);            /* h, relative accuracy (cross: log near 1) */
    if (k == 2) mpfr_set(y, h, MPFR_RNDN);
    else {
      if (k == 3 || k == 8) mpfr_neg(h, h, MPFR_RNDN);
      mpfr_expm1(w, h, MPFR_RNDN);             /* e^{+-h} - 1: h's relative error times (1 + |h|) */
      loss += 2 + (mpfr_get_exp(h) > 0 ? (long)mpfr_get_exp(h) : 0);
      if (k <= 4) mpfr_set(y, w, MPFR_RNDN);
      else {                                   /* -sigma_t expm1(h) or -alpha_t expm1(-h) */
        mpq_set_d(q, in[1]);
        if (k == 6) one_minus(q, q);
        mpfr_set_q(x, q, MPFR_RNDN);
        mpfr_sqrt(x, x, MPFR_RNDN);
        mpfr_mul(y, x, w, MPFR_RNDN);
        mpfr_neg(y, y, MPFR_RNDN);
      }
    }
  } else {                                     /* alpha_t/alpha_s or sigma_t/sigma_s: sqrt of a rational */
    mpq_t a, b;
    mpq_inits(a, b, (mpq_ptr)0);
    mpq_set_d(a, in[1]);
    mpq_set_d(b, in[0]);
    if (k == 7) { one_minus(a, a); one_minus(b, b); }
    mpq_div(q, a, b);
    int inex = 0;
    SUITE_OP(inex, mpfr_set_q(x, q, MPFR_RNDN));
    SUITE_OP(inex, mpfr_sqrt(y, x, MPFR_RNDN));
    loss = SUITE_LOSS(inex, MPREF_SLACK);
    mpq_clears(a, b, (mpq_ptr)0);
  }
done:
  mpfr_clears(x, h, w, (mpfr_ptr)0);
  mpq_clear(q);
  return loss;
}

static int dpm_eval(const double *in, double *out) { return suite_round_outputs(dpm_out, in, NOUT, NULL, out); }
static int dpm_cross(const double *in, double *out)
{
  int f = 1;
  return suite_round_outputs(dpm_out, in, NOUT, (void *)(uintptr_t)&f, out);
}

const dmc_suite dmc_suite_dpm_solver_coeffs = {
  "dpm_solver_coeffs",
  "First-order DPM-Solver / DPM-Solver++ step from s to t on a VP schedule, alpha = sqrt(alphabar), sigma ="
  " sqrt(1 - alphabar): lambda_s, lambda_t (lambda = log alpha - log sigma), h = lambda_t - lambda_s,"
  " expm1_neg_h = e^-h - 1, expm1_h = e^h - 1, alpha_ratio = alpha_t/alpha_s, coef_eps = -sigma_t expm1(h)"
  " (noise prediction: x_t = alpha_ratio x_s + coef_eps eps), sigma_ratio = sigma_t/sigma_s, coef_x0 ="
  " -alpha_t expm1(-h) (data prediction: x_t = sigma_ratio x_s + coef_x0 x0). Rows: alphabar_s ="
  " logistic(u), alphabar_t = logistic(u + d) rounded, u in {-12, ..., 12}, d in {1, 0.1, 1e-3, 1e-6, 1e-9}."
  " Domain 0 < alphabar_s, alphabar_t < 1, distinct.",
  "sched.dpm.step",
  2, NOUT, in_names, out_names, dpm_count, dpm_inputs, dpm_eval, dpm_cross,
  "lambda_t - lambda_s as a literal difference of logs at raised precision, e^-h from"
  " sigma_t alpha_s/(alpha_t sigma_s) (tests/vec_indep_dpm.c)"
};

/* Suite dpm_solver2_coeffs: the second-order multistep coefficients
 * (diffusers' multistep_dpm_solver_second_order_update, "midpoint" and
 * "heun", k-diffusion's sample_dpmpp_2m) from s1 and s0 to t: h = lambda_t -
 * lambda_s0, h_0 = lambda_s0 - lambda_s1, r0 = h_0/h, and the D1 = (m0 -
 * m1)/r0 coefficients. eval: each step from log1p of an exact rational,
 * phi(-h) = (e^-h - 1)/h + 1 as (expm1(-h) + h)/h and phi(h) = (e^h - 1)/h - 1
 * as (expm1(h) - h)/h with the cancellation counted. cross: steps from logs
 * of R and phi(g) = -1 - (1 - e^g)/g (g = -+h), each cancellation counted. */
static const char *const in2_names[] = { "alphabar_s1", "alphabar_s0", "alphabar_t" };
static const char *const out2_names[] = { "h", "h_0", "r0", "phi_neg_h", "phi_h", "coef_d1_midpoint_pp",
                                          "coef_d1_heun_pp", "coef_d1_midpoint", "coef_d1_heun" };

/* Rows: (A(u - rho d), A(u), A(u + d)) for the u and d of dpm_solver_coeffs
 * and rho in {1, 1/2} (r0 near 1 and near 1/2). */
static const double rhos[] = { 1, 0.5 };
#define NRHO (sizeof rhos / sizeof *rhos)
static size_t dpm2_count(void) { return NU * ND * NRHO; }

static int dpm2_inputs(size_t r, double *in)
{
  size_t iu = r / (ND * NRHO), id = r / NRHO % ND;
  in[1] = logistic(us[iu]);
  in[0] = logistic(us[iu] - rhos[r % NRHO] * ds[id]);
  in[2] = logistic(us[iu] + ds[id]);
  if (in[0] == in[1]) in[0] = nextafter(in[1], 0);
  if (in[2] == in[1]) in[2] = nextafter(in[1], 1);
  return 0;
}

static int dpm2_ok(const double *in) { return dpm_ok(in) && dpm_ok(in + 1); }

/* y = phi(sgn h) = (e^(sgn h) - 1)/h - sgn, sgn = +-1, from the step h. */
static long dpm2_phi(mpfr_t y, const mpfr_t h, int sgn, int cross)
{
  mpfr_t w, g;
  mpfr_inits2(mpfr_get_prec(y), w, g, (mpfr_ptr)0);
  long loss;
  mpfr_set(g, h, MPFR_RNDN);
  if (sgn < 0) mpfr_neg(g, g, MPFR_RNDN);                      /* g = sgn h */
  if (!cross) {
    mpfr_expm1(w, g, MPFR_RNDN);
    mpfr_sub(y, w, g, MPFR_RNDN);                              /* e^g - 1 - g */
    loss = 2 + (mpfr_get_exp(g) > 0 ? (long)mpfr_get_exp(g) : 0) + mpref_cancel_bits(y, w, g);
    mpfr_div(y, y, g, MPFR_RNDN);
  } else {
    mpfr_exp(w, g, MPFR_RNDN);
    mpfr_ui_sub(w, 1, w, MPFR_RNDN);                           /* 1 - e^g */
    loss = 2 + (mpfr_get_exp(g) > 0 ? (long)mpfr_get_exp(g) : 0) + mpref_bits_lost(w, 1);
    mpfr_div(w, w, g, MPFR_RNDN);
    mpfr_si_sub(y, -1, w, MPFR_RNDN);                          /* -1 - (1 - e^g)/g */
    loss += mpref_bits_lost(y, mpref_exp_of(w) > 1 ? mpref_exp_of(w) : 1);
  }
  if (sgn < 0) mpfr_neg(y, y, MPFR_RNDN);
  mpfr_clears(w, g, (mpfr_ptr)0);
  return loss;
}

/* h_0 = h exactly (r0 = 1): the two steps' rationals R agree. */
static int dpm2_equal_steps(const double *in)
{
  mpq_t R0, R, m;
  mpq_inits(R0, R, m, (mpq_ptr)0);
  ratio_q(R0, m, in);
  ratio_q(R, m, in + 1);
  int eq = mpq_equal(R0, R);
  mpq_clears(R0, R, m, (mpq_ptr)0);
  return eq;
}

static long dpm2_out(mpfr_t y, const double *in, int k, void *flag)
{
  if (!dpm2_ok(in)) return MPREF_DOMAIN;
  int cross = flag != NULL;
  mpfr_prec_t p = mpfr_get_prec(y) + 64;
  mpfr_t h, v, x;
  mpfr_inits2(p, h, v, x, (mpfr_ptr)0);
  long loss = MPREF_SLACK + dpm_step(h, in + 1, cross);
  if (k == 2 && dpm2_equal_steps(in)) { mpfr_set_ui(y, 1, MPFR_RNDN); loss = MPREF_EXACT; }
  else if (k == 0) mpfr_set(y, h, MPFR_RNDN);
  else if (k <= 2) {
    loss += dpm_step(v, in, cross);
    if (k == 1) mpfr_set(y, v, MPFR_RNDN);
    else mpfr_div(y, v, h, MPFR_RNDN);
  } else {
    int pp = k == 3 || k == 5 || k == 6, mid = k == 5 || k == 7;
    if (mid) {
      mpfr_set(x, h, MPFR_RNDN);
      if (pp) mpfr_neg(x, x, MPFR_RNDN);
      mpfr_expm1(v, x, MPFR_RNDN);
      mpfr_div_si(v, v, -2, MPFR_RNDN);                        /* -expm1(-+h)/2 */
      loss += 2 + (mpfr_get_exp(x) > 0 ? (long)mpfr_get_exp(x) : 0);
    } else {
      loss += dpm2_phi(v, h, pp ? -1 : 1, cross);
      if (k == 8) mpfr_neg(v, v, MPFR_RNDN);                   /* -sigma_t phi(h) */
    }
    if (k <= 4) mpfr_set(y, v, MPFR_RNDN);
    else {
      mpq_t q;
      mpq_init(q);
      mpq_set_d(q, in[2]);
      if (!pp) one_minus(q, q);
      mpfr_set_q(x, q, MPFR_RNDN);
      mpfr_sqrt(x, x, MPFR_RNDN);                              /* alpha_t or sigma_t */
      mpfr_mul(y, x, v, MPFR_RNDN);
      mpq_clear(q);
    }
  }
  mpfr_clears(h, v, x, (mpfr_ptr)0);
  return loss;
}

static int dpm2_eval(const double *in, double *out) { return suite_round_outputs(dpm2_out, in, NOUT, NULL, out); }
static int dpm2_cross(const double *in, double *out)
{
  int f = 1;
  return suite_round_outputs(dpm2_out, in, NOUT, (void *)(uintptr_t)&f, out);
}

const dmc_suite dmc_suite_dpm_solver2_coeffs = {
  "dpm_solver2_coeffs",
  "Second-order multistep DPM-Solver / DPM-Solver++ coefficients (diffusers' DPMSolverMultistepScheduler"
  " second-order update, solver_type midpoint and heun; k-diffusion's sample_dpmpp_2m) from s1 and s0 to t"
  " on a VP schedule, alpha = sqrt(alphabar), sigma = sqrt(1 - alphabar), lambda = log alpha - log sigma:"
  " h = lambda_t - lambda_s0, h_0 = lambda_s0 - lambda_s1, r0 = h_0/h, phi_neg_h = (e^-h - 1)/h + 1,"
  " phi_h = (e^h - 1)/h - 1; with D0 = m0 and D1 = (m0 - m1)/r0, dpmsolver++: x_t = (sigma_t/sigma_s0) x"
  " - alpha_t expm1(-h) D0 + coef D1, coef_d1_midpoint_pp = -alpha_t expm1(-h)/2, coef_d1_heun_pp ="
  " alpha_t phi_neg_h; dpmsolver: x_t = (alpha_t/alpha_s0) x - sigma_t expm1(h) D0 + coef D1,"
  " coef_d1_midpoint = -sigma_t expm1(h)/2, coef_d1_heun = -sigma_t phi_h (the first-order parts are"
  " dpm_solver_coeffs at (alphabar_s0, alphabar_t)). Rows: alphabar_s1 = logistic(u - rho d), alphabar_s0 ="
  " logistic(u), alphabar_t = logistic(u + d) rounded, u in {-12, ..., 12}, d in {1, 0.1, 1e-3, 1e-6, 1e-9},"
  " rho in {1, 1/2}. Domain 0 < alphabar < 1, alphabar_s1 != alphabar_s0 != alphabar_t.",
  "sched.dpm.step",
  3, NOUT, in2_names, out2_names, dpm2_count, dpm2_inputs, dpm2_eval, dpm2_cross,
  "steps as literal differences of logs at raised precision, phi_neg_h and phi_h by their Taylor series"
  " sum_k (-+h)^k/(k+1)! (tests/vec_indep_dpm.c)"
};

int dmc_dpm_suite_domain(const dmc_suite *s, const double *in, char *why, size_t len);
int dmc_dpm_suite_domain(const dmc_suite *s, const double *in, char *why, size_t len)
{
  if (s == &dmc_suite_dpm_solver2_coeffs) {
    if (dpm2_ok(in)) return -1;
    int bad = in[0] > 0 && in[0] < 1 ? (in[1] > 0 && in[1] < 1 && in[1] != in[0] ? 2 : 1) : 0;
    snprintf(why, len, "%s = %.17g (dpm_solver2_coeffs: 0 < alphabar < 1, alphabar_s1 != alphabar_s0 !="
             " alphabar_t)", in2_names[bad], in[bad]);
    return bad;
  }
  if (s != &dmc_suite_dpm_solver_coeffs) return -2;
  if (dpm_ok(in)) return -1;
  int bad = in[0] > 0 && in[0] < 1 ? 1 : 0;
  snprintf(why, len, "%s = %.17g (dpm_solver_coeffs: 0 < alphabar_s, alphabar_t < 1,"
           " distinct)", in_names[bad], in[bad]);
  return bad;
}
