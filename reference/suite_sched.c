/* suite_sched.c -- the five beta-schedule suites sched_linear,
 * sched_scaled_linear, sched_quadratic, sched_sigmoid and sched_cosine
 * (claims sched.*): for T in {10, 50, 1000, 4000} and every t (a subsample
 * with both ends for T = 4000), beta_t, whether it was clipped, alphabar_t,
 * 1 - alphabar_t, their square roots, log(1 - alphabar_t) and the log-SNR.
 * eval: closed-form betas, MPFR prefix products with the cancellation-free
 * recurrence for 1 - alphabar. cross: other beta formulas, exact GMP
 * products, 1 - alphabar as an exact difference (reference/schedule.c). */
#include "suites.h"
#include "dmcref.h"
#include "sched_ref.h"
#include "suite_util.h"

#include <math.h>
#include <stdio.h>

static const char *const in_names[] = { "T", "t" };
static const char *const out_names[] = {
  "beta", "clipped", "alphabar", "one_minus_alphabar", "sqrt_alphabar",
  "sqrt_one_minus_alphabar", "log_one_minus_alphabar", "log_snr"
};
#define NOUT 8

/* Rows: T = 10, 50, 1000 every t; T = 4000 at t = 1..8, 250, 500, ...,
 * 3750 and 3993..4000. */
#define SUB4000 31
static size_t sched_count(void) { return 10 + 50 + 1000 + SUB4000; }

static int sched_inputs1(size_t r, double *in)
{
  long T, t;
  if (r < 10) { T = 10; t = (long)r + 1; }
  else if (r < 60) { T = 50; t = (long)r - 9; }
  else if (r < 1060) { T = 1000; t = (long)r - 59; }
  else {
    long i = (long)(r - 1060);
    T = 4000;
    t = i < 8 ? i + 1 : i < 23 ? 250 * (i - 7) : 3993 + (i - 23);
  }
  in[0] = (double)T;
  in[1] = (double)t;
  return 0;
}

/* The _t0 suites' rows: the same steps, counted from 0 (diffusers). */
static int sched_inputs0(size_t r, double *in)
{
  sched_inputs1(r, in);
  in[1] -= 1;
  return 0;
}

/* (T, t) of a row whose steps are counted from base (0 or 1), as the
 * 1-based step of the schedule: 0, or 1 outside the domain. */
static int row_args(const double *in, int base, long *T, long *t)
{
  double t1 = in[1] + (1 - base);
  if (!(in[0] >= 1 && in[0] <= REF_SCHED_TMAX && t1 >= 1 && t1 <= in[0])) return 1;
  if (in[0] != floor(in[0]) || in[1] != floor(in[1])) return 1;
  *T = (long)in[0];
  *t = (long)t1;
  return 0;
}

static int sched_domain(const double *in, int base, const char *name, char *why, size_t len)
{
  long T, t;
  if (!row_args(in, base, &T, &t)) return -1;
  int bad = !(in[0] >= 1 && in[0] <= REF_SCHED_TMAX && in[0] == floor(in[0])) ? 0 : 1;
  snprintf(why, len, "%s = %.17g (%s: integers 1 <= T <= %ld, %d <= t <= T%s;"
           " steps counted from %d%s)", bad ? "t" : "T", in[bad], name, REF_SCHED_TMAX, base, base ? "" : " - 1",
           base, base ? ": for steps counted from 0 use the suite's _t0 variant" : ", as diffusers counts them");
  return bad;
}

static void fill_nan(double *out) { for (int k = 0; k < NOUT; k++) out[k] = NAN; }

static const int which[NOUT - 2] = { REF_AB_ALPHABAR, REF_AB_ONE_MINUS, REF_AB_SQRT,
                                     REF_AB_SQRT_ONE_MINUS, REF_AB_LOG_ONE_MINUS, REF_AB_LOG_SNR };

/* Row (T, t) from a cache c of schedule (kind, T) whose betas came with
 * status s. The beta column goes through mpref_round on its own; it must
 * equal the sweep's beta_t (a disagreement is reported as an unproved
 * rounding). */
static int row_outputs(int kind, long T, long t, int cross, sched_prefix *c, int s, double *out)
{
  int clipped = 0;
  int worst = cross ? ref_sched_beta_cross(kind, T, t, &out[0], &clipped)
                    : ref_sched_beta(kind, T, t, &out[0], &clipped);
  out[1] = clipped;
  if (s > worst) worst = s;
  if (s == 0 && (c->beta[t - 1] != out[0] || c->clipped[t - 1] != clipped)) worst = 2;
  if (s == 0) {
    double q[REF_AB_N];
    int sk = sched_prefix_round_all(c, t, q, NULL);
    for (int k = 0; k < NOUT - 2; k++) out[2 + k] = q[which[k]];
    if (sk > worst) worst = sk;
  }
  if (s) for (int k = 2; k < NOUT; k++) out[k] = NAN;
  return worst;
}

/* One row on one path (live evaluation: the betas and product up to t). */
static int sched_row(int kind, int base, const double *in, double *out, int cross)
{
  long T, t;
  if (row_args(in, base, &T, &t)) { fill_nan(out); return 1; }
  sched_prefix c;
  int s = sched_prefix_init(&c, kind, T, t, cross);
  if (s == 0 && sched_prefix_want(&c, t)) s = MPREF_ENOMEM;
  int worst = row_outputs(kind, T, t, cross, &c, s, out);
  sched_prefix_free(&c);
  return worst;
}

/* Table rows first..first+n-1: the rows of one T share one sweep of the
 * betas and one prefix product, so a suite costs O(T) per T, not O(T^2).
 * The outputs are sched_row's (the same certified roundings); a group whose
 * betas are not all certified goes row by row, so statuses match too. */
static int sched_rows(int kind, int base, int cross, size_t first, size_t n, double *in, double *out, int *status)
{
  for (size_t r = 0; r < n;) {
    size_t e = r;
    long T = 0, tmax = 0;
    for (; e < n; e++) {
      long Te, te;
      (base ? sched_inputs1 : sched_inputs0)(first + e, in + 2 * e);
      if (row_args(in + 2 * e, base, &Te, &te) || (e > r && Te != T)) break;
      T = Te;
      if (te > tmax) tmax = te;
    }
    if (e == r) { /* not a table row: never happens for r < count() */
      status[r] = sched_row(kind, base, in + 2 * r, out + NOUT * r, cross);
      r++;
      continue;
    }
    sched_prefix c;
    int s = sched_prefix_init(&c, kind, T, tmax, cross);
    for (size_t j = r; j < e && s == 0; j++)
      if (sched_prefix_want(&c, (long)in[2 * j + 1] + 1 - base)) { sched_prefix_free(&c); return -1; }
    for (size_t j = r; j < e; j++)
      status[j] = s == 0 ? row_outputs(kind, T, (long)in[2 * j + 1] + 1 - base, cross, &c, 0, out + NOUT * j)
                         : sched_row(kind, base, in + 2 * j, out + NOUT * j, cross);
    sched_prefix_free(&c);
    r = e;
  }
  return 0;
}

#define SCHED_SUITE_BASE(NAME, BASE, KIND, ID, DESC, BETA)                                       \
  static int NAME##_eval(const double *in, double *out) { return sched_row(KIND, BASE, in, out, 0); } \
  static int NAME##_cross(const double *in, double *out) { return sched_row(KIND, BASE, in, out, 1); } \
  const dmc_suite dmc_suite_##NAME = {                                                       \
    #NAME, DESC, "sched.beta." ID " sched.alphabar sched.oneminus sched.logsnr",            \
    2, NOUT, in_names, out_names, sched_count, sched_inputs##BASE, NAME##_eval, NAME##_cross,            \
    "beta_t " BETA ", rounded to double at two precisions; alphabar_t = exp(sum_{s<=t} log1p(-beta_s))" \
    " (log space, not a product), 1 - alphabar = -expm1 of the sum (tests/vec_indep_sched.c)" };
/* Each schedule twice: t counted from 1 (the paper's t = 1..T) and, as
 * NAME_t0, from 0 (diffusers' timesteps 0..T-1; row t there is row t+1 here). */
#define SCHED_SUITE(NAME, KIND, ID, DESC, BETA)                                                  \
  SCHED_SUITE_BASE(NAME, 1, KIND, ID, DESC " Steps t = 1..T.", BETA)                             \
  SCHED_SUITE_BASE(NAME##_t0, 0, KIND, ID, DESC " Steps counted from 0 (diffusers): t = 0..T-1 is step t+1" \
                   " of the paper's 1..T; the rows are the 1-based suite's with t - 1.", BETA)

#define COMMON " beta_t is the real-valued formula rounded to double once (not the float32/float64" \
  " arithmetic of diffusers); alphabar_t = prod_{s<=t}(1 - beta_s) over those doubles, exactly, then" \
  " rounded; log_snr = log(alphabar/(1-alphabar)); clipped is 1 where beta was capped. Rows: every t for" \
  " T = 10, 50, 1000; t = 1..8, 250..3750 step 250, 3993..4000 for T = 4000."

SCHED_SUITE(sched_linear, DMC_SCHED_LINEAR, "linear",
            "Linear beta schedule (DDPM; diffusers 'linear'): beta_t = 1e-4 + (0.02 - 1e-4)(t-1)/(T-1)"
            " with the decimal constants exact." COMMON, "as an exact GMP rational")
SCHED_SUITE(sched_scaled_linear, DMC_SCHED_SCALED_LINEAR, "scaledlinear",
            "Scaled-linear beta schedule (Stable Diffusion; diffusers 'scaled_linear'): beta_t ="
            " (sqrt(0.00085) + (sqrt(0.012) - sqrt(0.00085))(t-1)/(T-1))^2, decimal constants exact." COMMON,
            "with the square roots of the constants by GMP integer square root")
SCHED_SUITE(sched_quadratic, DMC_SCHED_QUADRATIC, "quadratic",
            "Quadratic beta schedule (Ho et al. 'quad'): beta_t = (sqrt(1e-4) + (sqrt(0.02) -"
            " sqrt(1e-4))(t-1)/(T-1))^2, decimal constants exact." COMMON,
            "with the square roots of the constants by GMP integer square root")
SCHED_SUITE(sched_sigmoid, DMC_SCHED_SIGMOID, "sigmoid",
            "Sigmoid beta schedule (diffusers 'sigmoid'): beta_t = 1e-4 + (0.02 - 1e-4) / (1 +"
            " exp(-x_t)), x_t = -6 + 12(t-1)/(T-1), decimal constants exact." COMMON,
            "with the logistic as (1 + tanh(x_t/2))/2")
SCHED_SUITE(sched_cosine, DMC_SCHED_COSINE, "cosine",
            "Cosine beta schedule (Nichol & Dhariwal; diffusers 'squaredcos_cap_v2'): beta_t = min(1 -"
            " f(t/T)/f((t-1)/T), 0.999), f(u) = cos^2((u + 0.008)/1.008 * pi/2), s = 0.008 and max_beta ="
            " 0.999 exact; clipped = 1 where the cap applied (always at t = T, where f = 0)." COMMON,
            "by the double angle, (cos 2b - cos 2a)/(1 + cos 2b)")

static const struct { const dmc_suite *s; int kind; } kinds[] = {
    { &dmc_suite_sched_linear, DMC_SCHED_LINEAR }, { &dmc_suite_sched_scaled_linear, DMC_SCHED_SCALED_LINEAR },
    { &dmc_suite_sched_quadratic, DMC_SCHED_QUADRATIC }, { &dmc_suite_sched_sigmoid, DMC_SCHED_SIGMOID },
    { &dmc_suite_sched_cosine, DMC_SCHED_COSINE } };
static const struct { const dmc_suite *s; int kind; } kinds0[] = {
    { &dmc_suite_sched_linear_t0, DMC_SCHED_LINEAR }, { &dmc_suite_sched_scaled_linear_t0, DMC_SCHED_SCALED_LINEAR },
    { &dmc_suite_sched_quadratic_t0, DMC_SCHED_QUADRATIC }, { &dmc_suite_sched_sigmoid_t0, DMC_SCHED_SIGMOID },
    { &dmc_suite_sched_cosine_t0, DMC_SCHED_COSINE } };

int dmc_sched_suite_rows(const dmc_suite *s, int cross, size_t first, size_t n, double *in, double *out, int *status)
{
  for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
    if (kinds[i].s == s) return sched_rows(kinds[i].kind, 1, cross, first, n, in, out, status);
    if (kinds0[i].s == s) return sched_rows(kinds0[i].kind, 0, cross, first, n, in, out, status);
  }
  return -2;
}

int dmc_sched_suite_domain(const dmc_suite *s, const double *in, char *why, size_t len)
{
  for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
    if (kinds[i].s == s) return sched_domain(in, 1, s->name, why, len);
    if (kinds0[i].s == s) return sched_domain(in, 0, s->name, why, len);
  }
  return -2;
}
