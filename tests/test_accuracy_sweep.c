/* test_accuracy_sweep.c -- Herbie-style accuracy sweeps (claim
 * vectors.accuracy.sweep): for library functions whose textbook formula
 * loses accuracy somewhere, one input is swept over a log-spaced grid and at
 * every point the ULP error of libdmcheck and of the textbook formula
 * (written below in plain double, each in a function named textbook_*) are
 * measured against the correctly rounded MPFR reference (reference/).
 *
 * The library must stay within its budget (tests/budgets.tsv) at every point
 * (an accuracy row). The textbook formula exceeding the same budget somewhere
 * on the same sweep is the negative control: it shows that the sweep reaches
 * the inputs where a formula that cancels or underflows goes wrong (a control
 * row on the same check).
 *
 * Grid: point k of N lies at 10^(lo + (hi - lo)(k + u_k)/N), u_k uniform in
 * [0, 1) from the test's own stream of DMC_SEED (prop_rng), so each seed
 * probes other points of the same cells. Figure data: fig/acc_<name>.csv
 * (the swept input, the reference, both ULP errors, the values drawn on
 * the report's log axis and the budget) and fig/acc_<name>.tex (the maxima and N for the
 * caption of report/figures/accuracy_sweeps.tex). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dmcheck.h"
#include "dmcref.h"
#include "prop.h"

#define PROGRAM "test_accuracy_sweep"
#define CLAIM "vectors.accuracy.sweep"
/* Where the report's log axis draws a 0-ULP point and a NaN/infinity
 * mismatch (a finite ULP distance is below 2^64 < 1e20). */
#define PLOT_ZERO 1e-2
#define PLOT_NAN 1e21
/* pi for the textbook formulas (C11 has no M_PI) */
#define TEXTBOOK_PI 3.14159265358979323846

typedef prop_fixture fixture;

/* One sweep: the library's accumulator (budget, worst point, evidence) and
 * the textbook formula's maximum, with the figure data. */
typedef struct {
  const char *name, *xname, *what;   /* file stem, swept input, the sweep in words */
  FILE *csv;
  prop_acc acc;
  double text_max, text_x;
  unsigned long text_over;
} sweep;

static void sweep_open(sweep *s, const char *name, const char *function, const char *xname,
                       const char *what, int nin, const char *const *names)
{
  s->name = name;
  s->xname = xname;
  s->what = what;
  s->text_max = -1;
  s->text_x = NAN;
  s->text_over = 0;
  prop_acc_init(&s->acc, function, CLAIM, nin, names);
  char file[128];
  snprintf(file, sizeof file, "acc_%s.csv", name);
  s->csv = evidence_data_file("fig", file);
  PROP_CHECK(s->csv != NULL, "cannot write fig/%s", file);
  fprintf(s->csv, "x,reference,lib_ulp,textbook_ulp,lib_plot,textbook_plot,budget\n");
}

static double plot_value(double ulp) { return ulp == 0 ? PLOT_ZERO : isinf(ulp) ? PLOT_NAN : ulp; }

/* One point: x is the swept input (the figure's abscissa), in[] the
 * function's arguments. */
static void sweep_point(sweep *s, double x, const double *in, double lib, double text, double want, int rs)
{
  double ul = prop_acc_add(&s->acc, in, lib, want, rs);
  double ut = dmc_ulp_distance(text, want);
  if (ut > s->text_max) { s->text_max = ut; s->text_x = x; }
  s->text_over += ut > s->acc.budget;
  fprintf(s->csv, "%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%g\n", x, want, ul, ut, plot_value(ul), plot_value(ut),
          s->acc.budget);
}

/* A ULP count for a caption: an integer, m.m x 10^e, or NaN/infinity. */
static void tex_ulp(FILE *f, double u)
{
  if (isinf(u)) { fprintf(f, "NaN or $\\infty$"); return; }
  if (u < 1e5) { fprintf(f, "%.0f", u); return; }
  int e = (int)floor(log10(u));
  double m = u / pow(10, e);
  if (m >= 9.95) { m /= 10; e++; }
  fprintf(f, "$%.1f\\cdot10^{%d}$", m, e);
}

/* The control row and the accuracy row (both on the check named by the
 * function), the caption macros, and the assertions. */
static void sweep_finish(fixture *fx, sweep *s, const char *textbook)
{
  fclose(s->csv);
  int rejected = s->text_max > s->acc.budget;
  evidence_row(fx->ev, CLAIM, "control", rejected, s->acc.function, s->acc.n, fx->seed,
               "the textbook formula %s in double, over the same %lu-point sweep of %s: max %.3g ULP at %s = %a "
               "(%lu of %lu points over the budget of %.0f ULP; data: fig/acc_%s.csv)",
               textbook, s->acc.n, s->what, s->text_max, s->xname, s->text_x, s->text_over, s->acc.n,
               s->acc.budget, s->name);
  char file[128];
  snprintf(file, sizeof file, "acc_%s.tex", s->name);
  FILE *f = evidence_data_file("fig", file);
  PROP_CHECK(f != NULL, "cannot write fig/%s", file);
  fprintf(f, "\\expandafter\\def\\csname dmcacc %s n\\endcsname{%lu}\n", s->name, s->acc.n);
  fprintf(f, "\\expandafter\\def\\csname dmcacc %s lib\\endcsname{", s->name);
  tex_ulp(f, s->acc.max_ulp);
  fprintf(f, "}\n\\expandafter\\def\\csname dmcacc %s text\\endcsname{", s->name);
  tex_ulp(f, s->text_max);
  fprintf(f, "}\n\\expandafter\\def\\csname dmcacc %s budget\\endcsname{%.0f}\n", s->name, s->acc.budget);
  PROP_CHECK(fclose(f) == 0, "cannot write fig/%s", file);
  printf("%s: %s over %lu points: library max %.0f ULP, textbook max %.3g ULP (budget %.0f)\n", PROGRAM,
         s->acc.function, s->acc.n, s->acc.max_ulp, s->text_max, s->acc.budget);
  PROP_ASSERT_ACC(s->acc, fx->ev, PROGRAM, fx->seed);
  PROP_CHECK(rejected, "negative control not rejected: the textbook %s stays within %.0f ULP on the sweep of %s "
             "(max %.3g ULP): the sweep misses the inputs where it fails", textbook, s->acc.budget, s->what,
             s->text_max);
}

/* Point k of n of the jittered log-spaced grid over [10^lo, 10^hi]. */
static double grid_point(gsl_rng *r, unsigned long k, unsigned long n, double lo, double hi)
{
  return pow(10.0, lo + (hi - lo) * ((double)k + gsl_rng_uniform(r)) / (double)n);
}

#define N_SWEEP 400

/* ---- 1. Gaussian KL near coincidence ---------------------------------------- */
/* The textbook formula: 0.5 (log v2 - log v1 + (v1 + (mu1 - mu2)^2)/v2 - 1). */
static double textbook_gauss_kl(double mu1, double logvar1, double mu2, double logvar2)
{
  return 0.5 * (logvar2 - logvar1 + (exp(logvar1) + (mu1 - mu2) * (mu1 - mu2)) / exp(logvar2) - 1);
}

static const char *const names_kl[] = { "mu1", "logvar1", "mu2", "logvar2" };

/* d = logvar1 - logvar2 in [1e-16, 1], equal means 0.25, logvar2 = 0 (so
 * that d is the double logvar1 itself, not quantised by the ulp of logvar2). */
static void test_sweep_kl(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 1);
  sweep s;
  sweep_open(&s, "kl", "dmc_gauss_kl", "d",
             "d = logvar1 - logvar2 in [1e-16, 1] (logvar2 = 0, mu1 = mu2 = 0.25)", 4, names_kl);
  const unsigned long n = prop_points(N_SWEEP);
  for (unsigned long k = 0; k < n; k++) {
    double in[4] = { 0.25, 0, 0.25, 0 }, got, want;
    in[1] = in[3] + grid_point(r, k, n, -16, 0);
    PROP_CHECK(dmc_gauss_kl(in[0], in[1], in[2], in[3], &got) == DMC_OK, "dmc_gauss_kl failed");
    int rs = ref_gauss_kl(in[0], in[1], in[2], in[3], &want);
    sweep_point(&s, in[1], in, got, textbook_gauss_kl(in[0], in[1], in[2], in[3]), want, rs);
  }
  gsl_rng_free(r);
  sweep_finish(fx, &s, "0.5*(logvar2 - logvar1 + (exp(logvar1) + (mu1-mu2)^2)/exp(logvar2) - 1)");
}

/* ---- 2. 1 - alphabar of the linear schedule ------------------------------------ */
/* The textbook formula: alphabar_t = prod_{s<=t} (1 - beta_s) by a running
 * product, then 1 - alphabar_t. */
static void textbook_one_minus(size_t T, const double *beta, double *one_minus)
{
  double ab = 1;
  for (size_t i = 0; i < T; i++) {
    ab *= 1.0 - beta[i];
    one_minus[i] = 1.0 - ab;
  }
}

static const char *const names_t[] = { "t" };

/* DDPM's linear schedule at T = 1000 (dmc_sched_betas, correctly rounded
 * betas: the same doubles go to the library, the textbook and the
 * reference), every t = 1..T; the grid is the schedule's, not the seed's. */
static void test_sweep_one_minus(void **state)
{
  fixture *fx = *state;
  enum { T = 1000 };
  double *beta = malloc(3 * T * sizeof *beta), *om = beta + T, *want = beta + 2 * T, text[T];
  PROP_CHECK(beta != NULL, "out of memory");
  PROP_CHECK(dmc_sched_betas(DMC_SCHED_LINEAR, T, beta, NULL) == DMC_OK, "dmc_sched_betas failed");
  PROP_CHECK(dmc_alphas_cumprod(T, beta, NULL, om) == DMC_OK, "dmc_alphas_cumprod failed");
  int rs = ref_alphabar_all(T, beta, REF_AB_ONE_MINUS, want);
  textbook_one_minus(T, beta, text);
  sweep s;
  sweep_open(&s, "oneminus", "dmc_alphas_cumprod", "t",
             "t = 1..1000 of the linear schedule (T = 1000, beta from 1e-4 to 0.02)", 1, names_t);
  for (int t = 1; t <= T; t++) {
    double in[1] = { t };
    sweep_point(&s, t, in, om[t - 1], text[t - 1], want[t - 1], rs);
  }
  free(beta);
  sweep_finish(fx, &s, "1 - prod(1 - beta_s) (running product)");
}

/* ---- 3. log-SNR ---------------------------------------------------------------- */
/* The textbook formula from alphabar alone: log(alphabar / (1 - alphabar)). */
static double textbook_log_snr(double alphabar) { return log(alphabar / (1.0 - alphabar)); }

static const char *const names_snr[] = { "alphabar", "one_minus" };

/* 1 - alphabar = 10^u over [1e-16, 0.99], alphabar the double nearest
 * 1 - (1 - alphabar): the library and the reference get both, as the library
 * asks ("pass the accurate 1 - alphabar"); the textbook formula, as code
 * written from the definition does, gets alphabar only. */
static void test_sweep_log_snr(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 3);
  sweep s;
  sweep_open(&s, "logsnr", "dmc_log_snr", "1 - alphabar",
             "1 - alphabar in [1e-16, 0.99], alphabar = RN(1 - (1 - alphabar))", 2, names_snr);
  const unsigned long n = prop_points(N_SWEEP);
  for (unsigned long k = 0; k < n; k++) {
    double in[2], got, want;
    in[1] = grid_point(r, k, n, -16, log10(0.99));
    in[0] = 1.0 - in[1];
    PROP_CHECK(dmc_log_snr(in[0], in[1], &got) == DMC_OK, "dmc_log_snr failed");
    int rs = ref_log_snr(in[0], in[1], &want);
    sweep_point(&s, in[1], in, got, textbook_log_snr(in[0]), want, rs);
  }
  gsl_rng_free(r);
  sweep_finish(fx, &s, "log(alphabar/(1 - alphabar))");
}

/* ---- 4. discretised Gaussian log-likelihood ------------------------------------- */
static double textbook_phi_cdf(double z) { return 0.5 * erfc(-z / sqrt(2.0)); }

/* The textbook formula (Ho et al.'s, with the exact normal cdf in place of
 * their tanh approximation): log(Phi(z+) - Phi(z-)) with
 * z+- = (x - mean +- 1/255) e^-log_scale; log Phi(z+) and log(1 - Phi(z-))
 * in the end bins. */
static double textbook_discretized(double x, double mean, double log_scale)
{
  double inv = exp(-log_scale), c = x - mean;
  double cdf_plus = textbook_phi_cdf(inv * (c + 1.0 / 255)), cdf_min = textbook_phi_cdf(inv * (c - 1.0 / 255));
  if (x < -0.999) return log(cdf_plus);
  if (x > 0.999) return log(1.0 - cdf_min);
  return log(cdf_plus - cdf_min);
}

static const char *const names_dg[] = { "x", "mean", "log_scale" };

/* sigma = e^log_scale in [1e-3, 1e3] at the level x = 1/255 (k = 128) and
 * mean -0.1: small sigma puts the bin far in the upper tail (both cdfs near
 * 1), large sigma makes the bin narrow against sigma (two nearly equal cdfs). */
static void test_sweep_discretized(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 4);
  sweep s;
  sweep_open(&s, "discretized", "dmc_discretized_gaussian_loglik", "sigma",
             "sigma = exp(log_scale) in [1e-3, 1e3] at x = 1/255, mean = -0.1", 3, names_dg);
  const unsigned long n = prop_points(N_SWEEP);
  for (unsigned long k = 0; k < n; k++) {
    double in[3] = { 2.0 * 128 / 255 - 1, -0.1, 0 }, got, want;
    in[2] = log(grid_point(r, k, n, -3, 3));
    PROP_CHECK(dmc_discretized_gaussian_loglik(in[0], in[1], in[2], &got) == DMC_OK,
               "dmc_discretized_gaussian_loglik failed");
    int rs = ref_discretized_gaussian_loglik(in[0], in[1], in[2], &want);
    sweep_point(&s, exp(in[2]), in, got, textbook_discretized(in[0], in[1], in[2]), want, rs);
  }
  gsl_rng_free(r);
  sweep_finish(fx, &s, "log(Phi(z+) - Phi(z-)), Phi(z) = erfc(-z/sqrt 2)/2");
}

/* ---- 5. mixture score ----------------------------------------------------------- */
/* The textbook formula: p_k = w_k N(x_t; mu m_k, v_k), v_k = mu^2 s_k^2 +
 * sigma^2, score = sum_k p_k (mu m_k - x_t)/v_k / sum_k p_k. */
static double textbook_gmix_score(double x, double mu, double sigma, int n, const double *w, const double *m,
                                  const double *sd)
{
  double num = 0, den = 0;
  for (int k = 0; k < n; k++) {
    double v = mu * mu * sd[k] * sd[k] + sigma * sigma, c = x - mu * m[k];
    double p = w[k] / sqrt(2 * TEXTBOOK_PI * v) * exp(-c * c / (2 * v));
    num += p * (mu * m[k] - x) / v;
    den += p;
  }
  return num / den;
}

static const char *const names_gmix[] = { "x_t" };

/* One sweep over the mixture 0.5 N(-20, 0.3^2) + 0.5 N(20, 0.3^2) at
 * mu_t = 0.8, sigma_t = 0.6 (the means mu_t m_k lie 62 marginal standard
 * deviations apart), x_t in [1e-8, 1e3]: near 0 the two components' terms
 * cancel, beyond |x_t| ~ 43 both densities underflow. The score and the
 * posterior mean share it; each brings its library function, reference and
 * textbook formula. */
typedef struct {
  const char *name, *function, *textbook_text;
  unsigned long stream;
  int (*lib)(double, double, double, size_t, const double *, const double *, const double *, dmc_weights, double *);
  int (*ref)(double, double, double, size_t, const double *, const double *, const double *, dmc_weights, double *);
  double (*textbook)(double, double, double, int, const double *, const double *, const double *);
} gmix_sweep;

static void sweep_gmix_family(fixture *fx, const gmix_sweep *g)
{
  gsl_rng *r = prop_rng(fx->seed, g->stream);
  static const double w[2] = { 0.5, 0.5 }, m[2] = { -20, 20 }, sd[2] = { 0.3, 0.3 };
  const double mu = 0.8, sigma = 0.6;
  sweep s;
  sweep_open(&s, g->name, g->function, "x_t",
             "x_t in [1e-8, 1e3] for the mixture 0.5 N(-20, 0.3^2) + 0.5 N(20, 0.3^2), mu_t = 0.8, sigma_t = 0.6",
             1, names_gmix);
  const unsigned long n = prop_points(N_SWEEP);
  for (unsigned long k = 0; k < n; k++) {
    double in[1], got, want;
    in[0] = grid_point(r, k, n, -8, 3);
    PROP_CHECK(g->lib(in[0], mu, sigma, 2, w, m, sd, DMC_WEIGHTS_LINEAR, &got) == DMC_OK, "%s failed", g->function);
    int rs = g->ref(in[0], mu, sigma, 2, w, m, sd, DMC_WEIGHTS_LINEAR, &want);
    sweep_point(&s, in[0], in, got, g->textbook(in[0], mu, sigma, 2, w, m, sd), want, rs);
  }
  gsl_rng_free(r);
  sweep_finish(fx, &s, g->textbook_text);
}

static void test_sweep_gmix(void **state)
{
  static const gmix_sweep g = { "gmix", "dmc_gmix_score",
                                "sum_k p_k (mu m_k - x_t)/v_k / sum_k p_k with p_k = w_k N(x_t; mu m_k, v_k)", 5,
                                dmc_gmix_score, ref_gmix_score, textbook_gmix_score };
  sweep_gmix_family(*state, &g);
}

/* ---- 6. VP marginal standard deviation ------------------------------------------ */
/* The textbook formula: sigma(t) = sqrt(1 - exp(-B(t))),
 * B(t) = beta_min t + (beta_max - beta_min) t^2/2. */
static double textbook_vp_sigma(double bmin, double bmax, double t)
{
  return sqrt(1.0 - exp(-(bmin * t + 0.5 * (bmax - bmin) * t * t)));
}

/* Song et al.'s VP SDE (beta_min = 0.1, beta_max = 20), t in [1e-12, 1]. */
static void test_sweep_vp_sigma(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 6);
  const dmc_proc vp = { DMC_PROC_VP, 0.1, 20 };
  sweep s;
  sweep_open(&s, "vpsigma", "dmc_proc_coef", "t", "t in [1e-12, 1] of the VP SDE (beta_min = 0.1, beta_max = 20)",
             1, names_t);
  const unsigned long n = prop_points(N_SWEEP);
  for (unsigned long k = 0; k < n; k++) {
    double in[1], alpha, got, ralpha, want;
    in[0] = grid_point(r, k, n, -12, 0);
    PROP_CHECK(dmc_proc_coef(&vp, in[0], &alpha, &got) == DMC_OK, "dmc_proc_coef failed");
    int rs = ref_proc_coef(&vp, in[0], &ralpha, &want);
    sweep_point(&s, in[0], in, got, textbook_vp_sigma(vp.p0, vp.p1, in[0]), want, rs);
  }
  gsl_rng_free(r);
  sweep_finish(fx, &s, "sqrt(1 - exp(-B(t)))");
}

/* ---- 7. Gaussian log-density near its zero -------------------------------------- */
/* The textbook formula: -log(sigma) - log(2 pi)/2 - ((x - mu)/sigma)^2/2. */
static double textbook_gauss_logpdf(double x, double mu, double sigma)
{
  double z = (x - mu) / sigma;
  return -log(sigma) - 0.5 * log(2 * TEXTBOOK_PI) - 0.5 * z * z;
}

static const char *const names_lp[] = { "x", "mu", "sigma" };

/* A sharp density (mu = 0.5, sigma = 0.01) and x - mu in [1e-6, 1]: the
 * log-density -log(sigma) - 0.92 = 3.69 at the mean crosses 0 near
 * x - mu = 0.027, where the textbook's three terms cancel; far out it is
 * -z^2/2 with z up to 100. */
static void test_sweep_gauss_logpdf(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 7);
  sweep s;
  sweep_open(&s, "logpdf", "dmc_gauss_logpdf", "x - mu", "x - mu in [1e-6, 1] (mu = 0.5, sigma = 0.01)", 3,
             names_lp);
  const unsigned long n = prop_points(N_SWEEP);
  for (unsigned long k = 0; k < n; k++) {
    double in[3] = { 0, 0.5, 0.01 }, got, want;
    in[0] = in[1] + grid_point(r, k, n, -6, 0);
    PROP_CHECK(dmc_gauss_logpdf(in[0], in[1], in[2], &got) == DMC_OK, "dmc_gauss_logpdf failed");
    int rs = ref_gauss_logpdf(in[0], in[1], in[2], &want);
    sweep_point(&s, in[0] - in[1], in, got, textbook_gauss_logpdf(in[0], in[1], in[2]), want, rs);
  }
  gsl_rng_free(r);
  sweep_finish(fx, &s, "-log(sigma) - log(2 pi)/2 - ((x - mu)/sigma)^2/2");
}

/* ---- 8. Tweedie's denoiser at high noise ---------------------------------------- */
/* The textbook formula: (x_t + sigma_t^2 score)/mu_t. */
static double textbook_tweedie_mean(double x_t, double mu_t, double sigma_t, double score)
{
  return (x_t + sigma_t * sigma_t * score) / mu_t;
}

static const char *const names_tw[] = { "x_t", "mu_t", "sigma_t", "score" };

/* Data N(0.2, 0.5^2), x_t = 1.3, mu_t in [1e-8, 0.99], sigma_t = RN(sqrt(1 -
 * mu_t^2)), score = RN((mu_t m - x_t)/(mu_t^2 s^2 + sigma_t^2)) (the exact
 * score, rounded once). As mu_t -> 0, x_t + sigma_t^2 score is O(mu_t): it
 * cancels by log2(1/mu_t) bits before the division by mu_t. */
static void test_sweep_tweedie(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 8);
  const double m = 0.2, sd = 0.5;
  sweep s;
  sweep_open(&s, "tweedie", "dmc_tweedie_mean", "mu_t",
             "mu_t in [1e-8, 0.99] (x_t = 1.3, sigma_t = sqrt(1 - mu_t^2), score of the data N(0.2, 0.5^2))", 4,
             names_tw);
  const unsigned long n = prop_points(N_SWEEP);
  for (unsigned long k = 0; k < n; k++) {
    double in[4] = { 1.3, 0, 0, 0 }, got, want;
    in[1] = grid_point(r, k, n, -8, log10(0.99));
    in[2] = sqrt(1 - in[1] * in[1]);
    in[3] = (in[1] * m - in[0]) / (in[1] * in[1] * sd * sd + in[2] * in[2]);
    PROP_CHECK(dmc_tweedie_mean(in[0], in[1], in[2], in[3], &got) == DMC_OK, "dmc_tweedie_mean failed");
    int rs = ref_tweedie_mean(in[0], in[1], in[2], in[3], &want);
    sweep_point(&s, in[1], in, got, textbook_tweedie_mean(in[0], in[1], in[2], in[3]), want, rs);
  }
  gsl_rng_free(r);
  sweep_finish(fx, &s, "(x_t + sigma_t^2 score)/mu_t");
}

/* ---- 9. mixture posterior mean ---------------------------------------------------- */
/* The textbook formula: p_k = w_k N(x_t; mu m_k, v_k) by exp (no log-sum-exp),
 * E[x | x_t] = sum_k p_k (sigma^2 m_k + mu s_k^2 x_t)/v_k / sum_k p_k. */
static double textbook_gmix_mean(double x, double mu, double sigma, int n, const double *w, const double *m,
                                 const double *sd)
{
  double num = 0, den = 0;
  for (int k = 0; k < n; k++) {
    double v = mu * mu * sd[k] * sd[k] + sigma * sigma, c = x - mu * m[k];
    double p = w[k] / sqrt(2 * TEXTBOOK_PI * v) * exp(-c * c / (2 * v));
    num += p * (sigma * sigma * m[k] + mu * sd[k] * sd[k] * x) / v;
    den += p;
  }
  return num / den;
}

/* The mixture of sweep 5: near 0 the two components' posterior means
 * (about -+19) cancel. */
static void test_sweep_gmix_mean(void **state)
{
  static const gmix_sweep g = { "gmixmean", "dmc_gmix_mean",
                                "sum_k p_k (sigma^2 m_k + mu s_k^2 x_t)/v_k / sum_k p_k with p_k = w_k N(x_t; mu m_k, v_k)",
                                9, dmc_gmix_mean, ref_gmix_mean, textbook_gmix_mean };
  sweep_gmix_family(*state, &g);
}

/* ---- 10. uniform-prior score -------------------------------------------------------- */
/* The textbook formula: (phi(beta) - phi(alpha))/(sigma_t (Phi(beta) - Phi(alpha))),
 * phi(z) = exp(-z^2/2)/sqrt(2 pi), Phi as in sweep 4. */
static double textbook_unif_score(double x, double mu, double sigma, double a, double b)
{
  double lo = fmin(mu * a, mu * b), hi = fmax(mu * a, mu * b);
  double al = (x - hi) / sigma, be = (x - lo) / sigma, c = 1 / sqrt(2 * TEXTBOOK_PI);
  return (c * exp(-be * be / 2) - c * exp(-al * al / 2)) / (sigma * (textbook_phi_cdf(be) - textbook_phi_cdf(al)));
}

static const char *const names_unif[] = { "x_t" };

/* Data uniform on [-1, 1], mu_t = 0.9, sigma_t = 0.1, x_t in [1e-3, 1e2]:
 * near 0 (the centre) phi(beta) and phi(alpha) cancel; beyond the upper
 * edge 0.9 both Phi's approach 1 and their difference cancels, is 0 from
 * x_t ~ 1.9 on (-inf) and the phi's underflow too from x_t ~ 4.8 (0/0). */
static void test_sweep_unif(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 10);
  const double mu = 0.9, sigma = 0.1, a = -1, b = 1;
  sweep s;
  sweep_open(&s, "unif", "dmc_unif_score", "x_t",
             "x_t in [1e-3, 1e2] for data U[-1, 1], mu_t = 0.9, sigma_t = 0.1", 1, names_unif);
  const unsigned long n = prop_points(N_SWEEP);
  for (unsigned long k = 0; k < n; k++) {
    double in[1], got, want;
    in[0] = grid_point(r, k, n, -3, 2);
    PROP_CHECK(dmc_unif_score(in[0], mu, sigma, a, b, &got) == DMC_OK, "dmc_unif_score failed");
    int rs = ref_unif_score(in[0], mu, sigma, a, b, &want);
    sweep_point(&s, in[0], in, got, textbook_unif_score(in[0], mu, sigma, a, b), want, rs);
  }
  gsl_rng_free(r);
  sweep_finish(fx, &s, "(phi(beta) - phi(alpha))/(sigma_t (Phi(beta) - Phi(alpha)))");
}

/* ---- 11. empirical-data denoiser ----------------------------------------------------- */
/* The textbook formula: w_i = exp(-(x_t - alpha x0_i)^2/(2 s^2)),
 * x0hat = sum_i w_i x0_i / sum_i w_i (no log-sum-exp). */
static double textbook_empirical(double x, double alpha, double s, int n, const double *x0)
{
  double num = 0, den = 0;
  for (int i = 0; i < n; i++) {
    double c = x - alpha * x0[i], w = exp(-c * c / (2 * s * s));
    num += w * x0[i];
    den += w;
  }
  return num / den;
}

static const char *const names_emp[] = { "s" };

/* Four data points {-3, -1, 0.5, 2}, alpha = 0.9, x_t = 0.37 (0.08 from the
 * nearest alpha x0_i), s in [1e-4, 10]: below s ~ 2e-3 every weight
 * underflows (0/0), the memorisation regime of small noise. */
static void test_sweep_empirical(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 11);
  static const double x0[4] = { -3, -1, 0.5, 2 };
  const double x = 0.37, alpha = 0.9;
  sweep s;
  sweep_open(&s, "empirical", "dmc_empirical_denoiser", "s",
             "s in [1e-4, 10] for the data {-3, -1, 0.5, 2}, alpha = 0.9, x_t = 0.37", 1, names_emp);
  const unsigned long n = prop_points(N_SWEEP);
  for (unsigned long k = 0; k < n; k++) {
    double in[1], got, want;
    in[0] = grid_point(r, k, n, -4, 1);
    PROP_CHECK(dmc_empirical_denoiser(x, alpha, in[0], 4, x0, &got) == DMC_OK, "dmc_empirical_denoiser failed");
    int rs = ref_empirical_denoiser(x, alpha, in[0], 4, x0, &want);
    sweep_point(&s, in[0], in, got, textbook_empirical(x, alpha, in[0], 4, x0), want, rs);
  }
  gsl_rng_free(r);
  sweep_finish(fx, &s, "sum_i w_i x0_i / sum_i w_i with w_i = exp(-(x_t - alpha x0_i)^2/(2 s^2))");
}

/* ---- 12. VP transition variance over a short step ------------------------------------- */
/* The textbook formula (DDPM's 1 - alphabar_t/alphabar_s):
 * 1 - exp(-B(t))/exp(-B(s)). */
static double textbook_transition_var(double bmin, double bmax, double s, double t)
{
  double bs = bmin * s + 0.5 * (bmax - bmin) * s * s, bt = bmin * t + 0.5 * (bmax - bmin) * t * t;
  return 1.0 - exp(-bt) / exp(-bs);
}

static const char *const names_st[] = { "s", "t" };

/* The VP SDE of sweep 6, s = 0.5, t = s + h for h in [1e-12, 0.5] (the
 * abscissa is t - s, exact): the variance -expm1(-(B(t) - B(s))) is about
 * 10.05 h, and 1 - exp(-B(t))/exp(-B(s)) keeps only the bits of h above
 * the ulp of 1. */
static void test_sweep_transition(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 12);
  const dmc_proc vp = { DMC_PROC_VP, 0.1, 20 };
  sweep s;
  sweep_open(&s, "transition", "dmc_proc_transition", "t - s",
             "t - s in [1e-12, 0.5] at s = 0.5 of the VP SDE (beta_min = 0.1, beta_max = 20), the variance", 2,
             names_st);
  const unsigned long n = prop_points(N_SWEEP);
  for (unsigned long k = 0; k < n; k++) {
    double in[2] = { 0.5, 0 }, a, got, ra, want;
    in[1] = in[0] + grid_point(r, k, n, -12, log10(0.5));
    PROP_CHECK(dmc_proc_transition(&vp, in[0], in[1], &a, &got) == DMC_OK, "dmc_proc_transition failed");
    int rs = ref_proc_transition(&vp, in[0], in[1], &ra, &want);
    sweep_point(&s, in[1] - in[0], in, got, textbook_transition_var(vp.p0, vp.p1, in[0], in[1]), want, rs);
  }
  gsl_rng_free(r);
  sweep_finish(fx, &s, "1 - exp(-B(t))/exp(-B(s))");
}

/* ---- 13. x0 from an eps-prediction at high noise -------------------------------------- */
/* The textbook formula: x0 = (x_t - sqrt(1 - alphabar) eps)/sqrt(alphabar). */
static double textbook_eps_to_x0(double alphabar, double x_t, double eps)
{
  return (x_t - sqrt(1 - alphabar) * eps) / sqrt(alphabar);
}

static const char *const names_pc[] = { "alphabar", "x_t", "eps" };

/* alphabar in [1e-12, 0.999], eps = 0.3 and x_t = RN(sqrt(alphabar) 0.7 +
 * sqrt(1 - alphabar) 0.3): as alphabar -> 0, x_t - sqrt(1 - alphabar) eps is
 * O(sqrt(alphabar)) and cancels by log2(1/sqrt(alphabar)) bits. */
static void test_sweep_param(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 13);
  sweep s;
  sweep_open(&s, "param", "dmc_param_convert", "alphabar",
             "alphabar in [1e-12, 0.999], eps -> x0 with eps = 0.3, x_t = sqrt(alphabar) 0.7 + sqrt(1 - alphabar) 0.3",
             3, names_pc);
  const unsigned long n = prop_points(N_SWEEP);
  for (unsigned long k = 0; k < n; k++) {
    double in[3] = { 0, 0, 0.3 }, got, want;
    in[0] = grid_point(r, k, n, -12, log10(0.999));
    in[1] = sqrt(in[0]) * 0.7 + sqrt(1 - in[0]) * in[2];
    PROP_CHECK(dmc_param_convert(DMC_PARAM_EPS, DMC_PARAM_X0, in[0], in[1], in[2], &got) == DMC_OK,
               "dmc_param_convert failed");
    int rs = ref_param_convert(DMC_PARAM_EPS, DMC_PARAM_X0, in[0], in[1], in[2], &want);
    sweep_point(&s, in[0], in, got, textbook_eps_to_x0(in[0], in[1], in[2]), want, rs);
  }
  gsl_rng_free(r);
  sweep_finish(fx, &s, "(x_t - sqrt(1 - alphabar) eps)/sqrt(alphabar)");
}

/* ---- 14. oracle mixture score in d = 4 dimensions -------------------------------------- */
/* The textbook formula: p_k = w_k (2 pi V_k)^(-d/2) exp(-|x - alpha m_k|^2/(2 V_k)),
 * V_k = alpha^2 S_k + sigma^2, score_0 = sum_k p_k (alpha m_k0 - x_0)/V_k / sum_k p_k. */
static double textbook_gmm_score0(double alpha, double sigma, size_t k, size_t d, const double *w,
                                  const double *mean, const double *var, const double *x)
{
  double num = 0, den = 0;
  for (size_t c = 0; c < k; c++) {
    double v = alpha * alpha * var[c] + sigma * sigma, q = 0;
    for (size_t i = 0; i < d; i++) q += (x[i] - alpha * mean[c * d + i]) * (x[i] - alpha * mean[c * d + i]);
    double p = w[c] * pow(2 * TEXTBOOK_PI * v, -0.5 * (double)d) * exp(-q / (2 * v));
    num += p * (alpha * mean[c * d] - x[0]) / v;
    den += p;
  }
  return num / den;
}

static const char *const names_lambda[] = { "lambda" };

/* Two equal isotropic components N(-+2 (1, ..., 1), 0.09 I) in R^4 under the
 * VP SDE of sweep 6 at t = 0.3 (alpha = 0.63, V = 0.64), on the diagonal
 * x = lambda (1, ..., 1) for lambda in [1e-8, 1e3], score coordinate 0:
 * near 0 the responsibilities' terms cancel; beyond lambda ~ 17 both
 * densities underflow (the squared distance sums over the 4 coordinates).
 * (d = 4, not more: the reference evaluates each coordinate of the score
 * separately, d^2 logarithms per point.) */
static void test_sweep_gmm_score(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 14);
  enum { D = 4 };
  static const double w[2] = { 0.5, 0.5 }, var[2] = { 0.09, 0.09 };
  double mean[2 * D];
  for (int i = 0; i < D; i++) { mean[i] = -2; mean[D + i] = 2; }
  const dmc_gmm g = { 2, D, w, mean, var, DMC_GMM_ISO, DMC_WEIGHTS_LINEAR };
  const dmc_proc vp = { DMC_PROC_VP, 0.1, 20 };
  const double t = 0.3;
  double alpha, sigma;
  PROP_CHECK(dmc_proc_coef(&vp, t, &alpha, &sigma) == DMC_OK, "dmc_proc_coef failed");
  sweep s;
  sweep_open(&s, "gmm", "dmc_gmm_score", "lambda",
             "x = lambda (1, ..., 1), lambda in [1e-8, 1e3], for 0.5 N(-2 1, 0.09 I) + 0.5 N(2 1, 0.09 I) in R^4, "
             "VP SDE at t = 0.3, score coordinate 0", 1, names_lambda);
  const unsigned long n = prop_points(N_SWEEP);
  for (unsigned long k = 0; k < n; k++) {
    double in[1], x[D], got[D], want[D];
    in[0] = grid_point(r, k, n, -8, 3);
    for (int i = 0; i < D; i++) x[i] = in[0];
    PROP_CHECK(dmc_gmm_score(&vp, &g, t, x, got) == DMC_OK, "dmc_gmm_score failed");
    int rs = ref_gmm_score(&vp, &g, t, x, want);
    sweep_point(&s, in[0], in, got[0], textbook_gmm_score0(alpha, sigma, 2, D, w, mean, var, x), want[0], rs);
  }
  gsl_rng_free(r);
  sweep_finish(fx, &s, "sum_k p_k (alpha m_k0 - x_0)/V_k / sum_k p_k with p_k = w_k N(x; alpha m_k, V_k I)");
}

/* ---- 15. OU marginal standard deviation ------------------------------------------------- */
/* The textbook formula (the marginal as written in src/dmcheck.h):
 * a = exp(-theta t), sd = s sqrt((1 - a^2)/(2 theta)). */
static double textbook_ou_sd(double theta, double sd, double t)
{
  double a = exp(-theta * t);
  return sd * sqrt((1 - a * a) / (2 * theta));
}

/* The OU SDE dx = theta (m - x) dt + s dW with theta = 2, m = 1.5, s = 0.8,
 * t in [1e-12, 10]: sd ~ s sqrt(t) for small t, where 1 - a^2 keeps only the
 * bits of 2 theta t above the ulp of 1. */
static void test_sweep_ou_sd(void **state)
{
  fixture *fx = *state;
  gsl_rng *r = prop_rng(fx->seed, 15);
  const dmc_sde ou = { DMC_SDE_OU, 2, 1.5, 0.8 };
  sweep s;
  sweep_open(&s, "ousd", "dmc_sde_marginal", "t", "t in [1e-12, 10] of the OU SDE (theta = 2, m = 1.5, s = 0.8), sd",
             1, names_t);
  const unsigned long n = prop_points(N_SWEEP);
  for (unsigned long k = 0; k < n; k++) {
    double in[1], a, b, got, ra, rb, want;
    in[0] = grid_point(r, k, n, -12, 1);
    PROP_CHECK(dmc_sde_marginal(&ou, in[0], &a, &b, &got) == DMC_OK, "dmc_sde_marginal failed");
    int rs = ref_sde_marginal(&ou, in[0], &ra, &rb, &want);
    sweep_point(&s, in[0], in, got, textbook_ou_sd(ou.p0, ou.p2, in[0]), want, rs);
  }
  gsl_rng_free(r);
  sweep_finish(fx, &s, "s sqrt((1 - a^2)/(2 theta)), a = exp(-theta t)");
}

/* Not swept: dmc_dps_score_exact/_dps, dmc_sde_drift and dmc_sde_diffusion.
 * Their textbook formulas (J a (y - a xhat)/(sigma_y^2 + a^2 c) with xhat =
 * (sigma_t^2 m + mu_t s^2 x_t)/v; -beta(t) x/2; sqrt(beta(t))) are products
 * and sums of like-signed terms: they lose accuracy only at the zeros of
 * y - a xhat or of xhat (as any formula not evaluated exactly would) and are
 * otherwise a few roundings off, so no realistic input range shows a
 * failure of the formula rather than of rounding. */

PROP_FIXTURE(PROGRAM)

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_sweep_kl),
    cmocka_unit_test(test_sweep_one_minus),
    cmocka_unit_test(test_sweep_log_snr),
    cmocka_unit_test(test_sweep_discretized),
    cmocka_unit_test(test_sweep_gmix),
    cmocka_unit_test(test_sweep_vp_sigma),
    cmocka_unit_test(test_sweep_gauss_logpdf),
    cmocka_unit_test(test_sweep_tweedie),
    cmocka_unit_test(test_sweep_gmix_mean),
    cmocka_unit_test(test_sweep_unif),
    cmocka_unit_test(test_sweep_empirical),
    cmocka_unit_test(test_sweep_transition),
    cmocka_unit_test(test_sweep_param),
    cmocka_unit_test(test_sweep_gmm_score),
    cmocka_unit_test(test_sweep_ou_sd),
  };
  return cmocka_run_group_tests_name(PROGRAM, tests, setup, teardown);
}
