/* ddpm002.c -- proof checks of document 002's DDPM statements (claims ddpm.*,
 * theory/d8b_ddpm002.tex): the T -> infinity limit and its rate, the
 * stationary law, the x0-parameterisation and its loss weights, the reverse
 * kernel of an empirical data set (Bayes' rule against the mixture), its
 * single-Gaussian approximation (KL against the step size, fitted order), the
 * ideal denoiser, the continuous limit, the 2-d coupling and the conclusion.
 * Exact GMP rationals where the step is rational; MPFR at 256 bits and
 * trapezoidal quadrature (exponentially accurate for these Gaussian
 * integrands) elsewhere. Independent of src/ and reference/. Every check
 * carries a negative control (a control row naming the check verbatim). Writes the figure
 * data fig/ddpm_limit.csv and fig/ddpm_single.csv. */
#include "qcheck.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define PROGRAM "proof_ddpm002"
#define P 256

/* A negative control: the same check run on a perturbed statement; it passes
 * when the perturbed statement is rejected. */
static void control(qcheck *q, const char *claim, const char *kind, int rejected, const char *check,
                    const char *perturbed)
{
  /* a control row names the check it controls verbatim (report/evschema.h) */
  qc_record(q, claim, "control", QC_MUST_HOLD, rejected, check, 1, "the same %s check of a perturbed statement (%s): %s",
            kind, perturbed, rejected ? "rejected, as it must be" : "NOT rejected");
}

/* Trapezoidal rule of f on [c - 40 sd, c + 40 sd] with step sd/16: for the
 * analytic, Gaussian-tailed integrands below its error is far below 2^-200.
 * f gives n integrands at once (n <= 3), which share their nodes. */
typedef void (*integrand)(mpfr_t *out, const mpfr_t x, const void *ctx);
static void integrate(mpfr_t *out, int n, integrand f, const void *ctx, double c, double sd)
{
  mpfr_t x, y[3], h;
  mpfr_inits2(P, x, y[0], y[1], y[2], h, (mpfr_ptr)0);
  mpfr_set_d(h, sd, MPFR_RNDN);
  mpfr_div_ui(h, h, 16, MPFR_RNDN);
  for (int i = 0; i < n; i++) mpfr_set_zero(out[i], 1);
  for (int k = -640; k <= 640; k++) {
    mpfr_mul_si(x, h, k, MPFR_RNDN);
    mpfr_add_d(x, x, c, MPFR_RNDN);
    f(y, x, ctx);
    for (int i = 0; i < n; i++) mpfr_add(out[i], out[i], y[i], MPFR_RNDN);
  }
  for (int i = 0; i < n; i++) mpfr_mul(out[i], out[i], h, MPFR_RNDN);
  mpfr_clears(x, y[0], y[1], y[2], h, (mpfr_ptr)0);
}

static double rel_diff(const mpfr_t a, const mpfr_t b)
{
  mpfr_t t;
  mpfr_init2(t, P);
  mpfr_sub(t, a, b, MPFR_RNDN);
  mpfr_div(t, t, b, MPFR_RNDN);
  double r = fabs(mpfr_get_d(t, MPFR_RNDN));
  mpfr_clear(t);
  return r;
}

/* ---- ddpm.limit: q(x_T | x_0) -> N(0, 1), KL rate a_T^2 ------------------ */
/* KL(N(m, v) || N(0, 1)) = (m^2 + v - 1 - log v)/2, logv = log v (shared
 * by the laws with the same v) */
static void kl_std_log(mpfr_t kl, const mpfr_t m, const mpfr_t v, const mpfr_t logv)
{
  mpfr_sqr(kl, m, MPFR_RNDN);
  mpfr_add(kl, kl, v, MPFR_RNDN);
  mpfr_sub_ui(kl, kl, 1, MPFR_RNDN);
  mpfr_sub(kl, kl, logv, MPFR_RNDN);
  mpfr_div_2ui(kl, kl, 1, MPFR_RNDN);
}
static void kl_std(mpfr_t kl, const mpfr_t m, const mpfr_t v)
{
  mpfr_t t;
  mpfr_init2(t, P);
  mpfr_log(t, v, MPFR_RNDN);
  kl_std_log(kl, m, v, t);
  mpfr_clear(t);
}

/* One step of the chain on the law N(m, v) of x_t given x_0:
 * m <- lambda m, v <- lambda^2 v + sigma^2. */
static void chain_step(mpfr_t m, mpfr_t v, const mpfr_t lam2, const mpfr_t sig2)
{
  mpfr_t l;
  mpfr_init2(l, P);
  mpfr_sqrt(l, lam2, MPFR_RNDN);
  mpfr_mul(m, m, l, MPFR_RNDN);
  mpfr_mul(v, v, lam2, MPFR_RNDN);
  mpfr_add(v, v, sig2, MPFR_RNDN);
  mpfr_clear(l);
}

static void check_limit(qcheck *q)
{
  static const double betas[] = { 0.1, 0.01, 0.001 }, x0s[] = { 0.0, 0.5, 3.0 };
  enum { TMAX = 60000 };
  mpfr_t m, v, kl, a2, lo, hi, t, d, lam2, sig2, l, logv, a4, ms[3], kls[3];
  mpfr_inits2(P, m, v, kl, a2, lo, hi, t, d, lam2, sig2, l, logv, a4, ms[0], ms[1], ms[2], kls[0], kls[1], kls[2],
              (mpfr_ptr)0);
  int bounds_ok = 1, limit_ok = 1, rate_ok = 1;
  double worst_rate = 0;
  long n = 0;
  /* v, a_T^2 and log v do not depend on x_0: one chain per beta carries the
   * means of the three x_0 (each law as chain_step and kl_std would give it) */
  for (size_t bi = 0; bi < 3; bi++) {
    mpfr_set_d(sig2, betas[bi], MPFR_RNDN);
    mpfr_ui_sub(lam2, 1, sig2, MPFR_RNDN);
    mpfr_sqrt(l, lam2, MPFR_RNDN);
    for (size_t xi = 0; xi < 3; xi++) mpfr_set_d(ms[xi], x0s[xi], MPFR_RNDN);
    mpfr_set_zero(v, 1);
    mpfr_set_ui(a2, 1, MPFR_RNDN);
    int T;
    /* until a_T^2 < 1e-20: below, 256 bits no longer resolve 1 - Var(x_T | x_0) */
    for (T = 1; T <= TMAX && (T == 1 || mpfr_cmp_d(a2, 1e-20) >= 0); T++, n += 3) {
      mpfr_mul(v, v, lam2, MPFR_RNDN);
      mpfr_add(v, v, sig2, MPFR_RNDN);
      mpfr_mul(a2, a2, lam2, MPFR_RNDN);               /* a_T^2 = (1 - beta)^T */
      mpfr_log(logv, v, MPFR_RNDN);
      /* a^2 x0^2/2 + a^4/4 <= KL <= a^2 x0^2/2 + a^4/(4 (1 - a^2)) */
      mpfr_sqr(a4, a2, MPFR_RNDN); mpfr_div_2ui(a4, a4, 2, MPFR_RNDN);    /* a^4/4 */
      mpfr_ui_sub(d, 1, a2, MPFR_RNDN);
      for (size_t xi = 0; xi < 3; xi++) {
        mpfr_mul(ms[xi], ms[xi], l, MPFR_RNDN);
        kl_std_log(kls[xi], ms[xi], v, logv);
        mpfr_mul_d(lo, a2, x0s[xi] * x0s[xi] / 2, MPFR_RNDN);
        mpfr_add(lo, lo, a4, MPFR_RNDN);
        mpfr_div(t, a4, d, MPFR_RNDN);
        mpfr_mul_d(hi, a2, x0s[xi] * x0s[xi] / 2, MPFR_RNDN);
        mpfr_add(hi, hi, t, MPFR_RNDN);
        /* a relative slack of 1e-40 for the accumulated 256-bit roundings of 1 - v (T 2^-256 / a^2) */
        mpfr_mul_d(t, lo, 1 - 1e-40, MPFR_RNDN);
        bounds_ok &= mpfr_cmp(t, kls[xi]) <= 0;
        mpfr_mul_d(t, hi, 1 + 1e-40, MPFR_RNDN);
        bounds_ok &= mpfr_cmp(kls[xi], t) <= 0;
      }
    }
    for (size_t xi = 0; xi < 3; xi++) {
      /* the limit: a_T^2 fell below 1e-20 within TMAX steps, and KL with it */
      limit_ok &= T <= TMAX && mpfr_cmp_d(kls[xi], (x0s[xi] * x0s[xi] / 2 + 1) * 1e-20) < 0;
      /* the rate: KL / (a_T^2 x0^2 / 2) -> 1 */
      if (x0s[xi] != 0) {
        mpfr_div(t, kls[xi], a2, MPFR_RNDN);
        mpfr_div_d(t, t, x0s[xi] * x0s[xi] / 2, MPFR_RNDN);
        mpfr_sub_ui(t, t, 1, MPFR_RNDN);
        double r = fabs(mpfr_get_d(t, MPFR_RNDN));
        if (r > worst_rate) worst_rate = r;
        rate_ok &= r < 1e-15;
      }
    }
  }
  qc_record(q, "ddpm.limit", "numeric", QC_MUST_HOLD, bounds_ok && limit_ok && rate_ok,
            "KL(q(x_T|x_0) || N(0,1)) -> 0 at the rate a_T^2", (unsigned long)n,
            "chain moments iterated at 256 bits (m <- lambda m, v <- lambda^2 v + sigma^2, not the closed form) "
            "for beta in {0.1, 0.01, 0.001}, x_0 in {0, 0.5, 3}, every T until a_T^2 < 1e-20: a_T^2 x_0^2/2 + a_T^4/4 "
            "<= KL <= a_T^2 x_0^2/2 + a_T^4/(4(1 - a_T^2)) (relative slack 1e-40), KL < (x_0^2/2 + 1) 1e-20 at the end "
            "(reached within %d steps), KL/(a_T^2 x_0^2/2) - 1 there: max %.2e", TMAX, worst_rate);
  /* control: a summable schedule sigma_s^2 = 1/(s+1)^2 (a_T^2 -> 1/2): the same limit check fails */
  mpfr_set_d(m, 1.0, MPFR_RNDN);
  mpfr_set_zero(v, 1);
  for (int s = 1; s <= TMAX; s++) {
    mpfr_set_ui(sig2, 1, MPFR_RNDN);
    mpfr_div_ui(sig2, sig2, (unsigned long)(s + 1) * (unsigned long)(s + 1), MPFR_RNDN);
    mpfr_ui_sub(lam2, 1, sig2, MPFR_RNDN);
    chain_step(m, v, lam2, sig2);
  }
  kl_std(kl, m, v);
  control(q, "ddpm.limit", "numeric", mpfr_cmp_d(kl, 1.5e-20) >= 0,
          "KL(q(x_T|x_0) || N(0,1)) -> 0 at the rate a_T^2",
          "every schedule: sigma_s^2 = 1/(s+1)^2, sum finite, a_T^2 -> 1/2: KL stays far above 1e-20 at T = 60000");
  /* figure data: log10 KL against T, x_0 = 1 */
  FILE *f = evidence_data_file("fig", "ddpm_limit.csv");
  if (f) {
    fprintf(f, "T,b1,b2,b3,summable\n");
    mpfr_t mm[4], vv[4];
    for (int j = 0; j < 4; j++) { mpfr_inits2(P, mm[j], vv[j], (mpfr_ptr)0); mpfr_set_ui(mm[j], 1, MPFR_RNDN); mpfr_set_zero(vv[j], 1); }
    for (int T = 1; T <= 3000; T++) {
      for (int j = 0; j < 4; j++) {
        if (j < 3) mpfr_set_d(sig2, betas[j], MPFR_RNDN);
        else { mpfr_set_ui(sig2, 1, MPFR_RNDN); mpfr_div_ui(sig2, sig2, (unsigned long)(T + 1) * (unsigned long)(T + 1), MPFR_RNDN); }
        mpfr_ui_sub(lam2, 1, sig2, MPFR_RNDN);
        chain_step(mm[j], vv[j], lam2, sig2);
      }
      if (T % 10) continue;
      fprintf(f, "%d", T);
      for (int j = 0; j < 4; j++) {
        kl_std(kl, mm[j], vv[j]);
        double d = mpfr_get_d(kl, MPFR_RNDN);
        if (d > 1e-30) fprintf(f, ",%.6e", d); else fprintf(f, ",nan");
      }
      fprintf(f, "\n");
    }
    for (int j = 0; j < 4; j++) mpfr_clears(mm[j], vv[j], (mpfr_ptr)0);
    fclose(f);
  }
  mpfr_clears(m, v, kl, a2, lo, hi, t, d, lam2, sig2, l, logv, a4, ms[0], ms[1], ms[2], kls[0], kls[1], kls[2],
              (mpfr_ptr)0);
}

/* ---- ddpm.tradeoff: steps needed to reach a_T^2 <= delta ---------------- */
static void check_tradeoff(qcheck *q)
{
  mpfr_t b, l, d, t, pw;
  mpfr_inits2(P, b, l, d, t, pw, (mpfr_ptr)0);
  int ok = 1, ctl_rejected = 0;
  double logd = log(1e6), c_sqrt = 0, last = 0;
  for (int k = 1; k <= 30; k++) {
    mpfr_set_ui_2exp(b, 1, -k, MPFR_RNDN);                     /* beta = 2^-k */
    mpfr_neg(t, b, MPFR_RNDN); mpfr_log1p(l, t, MPFR_RNDN);    /* log(1 - beta) */
    mpfr_set_d(d, 1e-6, MPFR_RNDN); mpfr_log(d, d, MPFR_RNDN);
    mpfr_div(t, d, l, MPFR_RNDN); mpfr_ceil(t, t);
    unsigned long T = mpfr_get_ui(t, MPFR_RNDN);
    /* first principles: (1 - beta)^T <= 10^-6 < (1 - beta)^(T-1) */
    mpfr_ui_sub(t, 1, b, MPFR_RNDN);
    mpfr_pow_ui(pw, t, T, MPFR_RNDN); ok &= mpfr_cmp_d(pw, 1e-6) <= 0;
    mpfr_pow_ui(pw, t, T - 1, MPFR_RNDN); ok &= mpfr_cmp_d(pw, 1e-6) > 0;
    double beta = ldexp(1, -k);
    ok &= (1 - beta) / beta * logd <= (double)T * (1 + 1e-12) && (double)T <= (1 + logd / beta) * (1 + 1e-12);
    last = beta * (double)T / logd;
    if (k == 1) c_sqrt = (double)T * sqrt(beta);
    else if ((double)T > 2 * c_sqrt / sqrt(beta)) ctl_rejected = 1;
  }
  ok &= fabs(last - 1) < 1e-6;
  qc_record(q, "ddpm.tradeoff", "numeric", QC_MUST_HOLD, ok, "T_min(beta) = ceil(log delta / log(1 - beta)) ~ log(1/delta)/beta",
            30, "beta = 2^-k, k = 1..30, delta = 1e-6: (1-beta)^T <= delta < (1-beta)^(T-1) at 256 bits; "
            "(1-beta)/beta log(1/delta) <= T_min <= 1 + log(1/delta)/beta; beta T_min / log(1/delta) = %.9f at beta = 2^-30",
            last);
  /* the small step: E[(x_t - x_{t-1})^2 | x_{t-1} = x] = (1 - lambda)^2 x^2 + sigma^2 <= beta (beta x^2 + 1),
   * exactly at rational points of the circle lambda = (1-k^2)/(1+k^2), sigma = 2k/(1+k^2) */
  {
    mpq_t k, lam, sig, x, t, u, e, mom[3];
    mpq_inits(k, lam, sig, x, t, u, e, NULL);
    for (int i = 0; i < 3; i++) mpq_init(mom[i]);
    mpq_t zero, one;
    mpq_inits(zero, one, NULL);
    mpq_set_ui(one, 1, 1);
    qc_gauss_moments(mom, 2, zero, one);                  /* eps ~ N(0, 1) */
    int step_ok = 1, step_ctl = 1;
    for (int it = 0; it < QC_POINTS; it++) {
      qc_random_pos(q, k); mpz_add(mpq_numref(k), mpq_numref(k), mpq_denref(k)); mpq_inv(k, k);   /* k in (0,1) */
      mpq_mul(t, k, k); mpq_add(u, one, t);
      mpq_sub(lam, one, t); mpq_div(lam, lam, u);
      mpq_mul_2exp(sig, k, 1); mpq_div(sig, sig, u);
      qc_random(q, x);
      /* E[((lambda - 1) x + sigma eps)^2] from the moments of eps */
      mpq_sub(t, lam, one); mpq_mul(t, t, x);                /* c = (lambda - 1) x */
      mpq_mul(e, t, t);                                      /* c^2 E eps^0 */
      mpq_mul(u, t, sig); mpq_mul_2exp(u, u, 1); mpq_mul(u, u, mom[1]); mpq_add(e, e, u);
      mpq_mul(u, sig, sig); mpq_mul(u, u, mom[2]); mpq_add(e, e, u);
      /* stated: (1 - lambda)^2 x^2 + sigma^2 */
      mpq_sub(t, one, lam); mpq_mul(t, t, t); mpq_mul(u, x, x); mpq_mul(t, t, u);
      mpq_mul(u, sig, sig); mpq_add(t, t, u);
      step_ok &= mpq_equal(e, t);
      /* bound: <= beta (beta x^2 + 1), beta = sigma^2 */
      mpq_mul(u, sig, sig); mpq_mul(t, x, x); mpq_mul(t, t, u); mpq_add(t, t, one); mpq_mul(t, t, u);
      step_ok &= mpq_cmp(e, t) <= 0;
      /* control: (1 - lambda) x^2 + sigma^2 */
      mpq_sub(t, one, lam); mpq_mul(u, x, x); mpq_mul(t, t, u); mpq_mul(u, sig, sig); mpq_add(t, t, u);
      step_ctl &= !mpq_equal(e, t) || !mpq_sgn(x);
    }
    qc_record(q, "ddpm.tradeoff", "exact", QC_MUST_HOLD, step_ok,
              "E[(x_t - x_{t-1})^2 | x_{t-1}] = (1 - lambda)^2 x^2 + sigma^2 <= beta (beta x^2 + 1)", QC_POINTS,
              "exact rationals at %d random (lambda, sigma) on the unit circle and random x, from the moments of eps; "
              "false-pass <= 10^%.0f", QC_POINTS, qc_sz_log10(6, QC_POINTS));
    control(q, "ddpm.tradeoff", "exact", step_ctl,
            "E[(x_t - x_{t-1})^2 | x_{t-1}] = (1 - lambda)^2 x^2 + sigma^2 <= beta (beta x^2 + 1)",
            "(1 - lambda) x^2 + sigma^2, the square dropped");
    for (int i = 0; i < 3; i++) mpq_clear(mom[i]);
    mpq_clears(k, lam, sig, x, t, u, e, zero, one, NULL);
  }
  control(q, "ddpm.tradeoff", "numeric", ctl_rejected,
          "T_min(beta) = ceil(log delta / log(1 - beta)) ~ log(1/delta)/beta",
          "T_min grows only like 1/sqrt(beta) (T_min <= 2 C/sqrt(beta), C fitted at beta = 1/2)");
  mpfr_clears(b, l, d, t, pw, (mpfr_ptr)0);
}

/* ---- ddpm.stationary: N(0,1) is invariant under x' = lambda x + sigma eps */
typedef struct { mpfr_srcptr lam, sig2, xp, z, one, n1, ns; } stat_ctx;   /* n1, ns: qc_gauss_norm of 1 and sig2 */
static void stat_f(mpfr_t *out, const mpfr_t x, const void *vc)
{
  const stat_ctx *c = vc;
  mpfr_t m, t;
  mpfr_inits2(P, m, t, (mpfr_ptr)0);
  qc_gauss_pdf_n(out[0], x, c->z, c->one, c->n1);
  mpfr_mul(m, c->lam, x, MPFR_RNDN);
  qc_gauss_pdf_n(t, c->xp, m, c->sig2, c->ns);
  mpfr_mul(out[0], out[0], t, MPFR_RNDN);
  mpfr_clears(m, t, (mpfr_ptr)0);
}
/* max relative difference of int N(x;0,1) N(x'; lambda x, sig2) dx from N(x'; 0, 1) */
static double stationary_err(double lam2, double sig2)
{
  static const double xps[] = { -3, -0.7, 0, 1.3, 5 };
  mpfr_t lam, s2, xp, I[1], z, one, ref, n1, ns;
  mpfr_inits2(P, lam, s2, xp, I[0], z, one, ref, n1, ns, (mpfr_ptr)0);
  mpfr_set_d(lam, lam2, MPFR_RNDN); mpfr_sqrt(lam, lam, MPFR_RNDN);
  mpfr_set_d(s2, sig2, MPFR_RNDN);
  mpfr_set_zero(z, 1); mpfr_set_ui(one, 1, MPFR_RNDN);
  qc_gauss_norm(n1, one);
  qc_gauss_norm(ns, s2);
  double worst = 0, l = sqrt(lam2);
  for (int i = 0; i < 5; i++) {
    mpfr_set_d(xp, xps[i], MPFR_RNDN);
    stat_ctx c = { lam, s2, xp, z, one, n1, ns };
    double prec = 1 + lam2 / sig2;     /* the integrand's precision in x */
    integrate(I, 1, stat_f, &c, l * xps[i] / (lam2 + sig2), 1 / sqrt(prec));
    qc_gauss_pdf(ref, xp, z, one);
    double r = rel_diff(I[0], ref);
    if (r > worst) worst = r;
  }
  mpfr_clears(lam, s2, xp, I[0], z, one, ref, n1, ns, (mpfr_ptr)0);
  return worst;
}
static void check_stationary(qcheck *q)
{
  static const double lam2s[] = { 0.5, 0.9, 0.99 };
  double worst = 0, ctl = 1e300;
  for (int i = 0; i < 3; i++) {
    double e = stationary_err(lam2s[i], 1 - lam2s[i]);
    if (e > worst) worst = e;
    double c = stationary_err(lam2s[i], 1 - sqrt(lam2s[i]));   /* sigma^2 = 1 - lambda */
    if (c < ctl) ctl = c;
  }
  qc_record(q, "ddpm.stationary", "numeric", QC_MUST_HOLD, worst < 1e-60,
            "int N(x;0,1) N(x'; lambda x, sigma^2) dx = N(x'; 0, 1)", 15,
            "trapezoidal quadrature at 256 bits (1281 nodes, step sd/16) for lambda^2 in {0.5, 0.9, 0.99}, "
            "sigma^2 = 1 - lambda^2, x' in {-3, -0.7, 0, 1.3, 5}: max relative difference %.2e", worst);
  /* the Gaussian fixed point: v = lambda^2 v + sigma^2 and m = lambda m give v = 1, m = 0, exactly */
  {
    mpq_t l2, s2, v, t;
    mpq_inits(l2, s2, v, t, NULL);
    int fix_ok = 1, fix_ctl = 1;
    for (int it = 0; it < QC_POINTS; it++) {
      qc_random_pos(q, l2); mpz_add(mpq_numref(l2), mpq_numref(l2), mpq_denref(l2)); mpq_inv(l2, l2);
      mpq_set_ui(t, 1, 1); mpq_sub(s2, t, l2);               /* sigma^2 = 1 - lambda^2 */
      mpq_sub(v, t, l2); mpq_div(v, s2, v);                 /* v* = sigma^2 / (1 - lambda^2) */
      fix_ok &= mpq_cmp_ui(v, 1, 1) == 0;
      mpq_mul(t, l2, v); mpq_add(t, t, s2); fix_ok &= mpq_equal(t, v);   /* and it is invariant */
      mpq_set_ui(t, 1, 1); mpq_sub(t, t, l2); mpq_div_2exp(t, t, 1);     /* control: sigma^2 = (1 - lambda^2)/2 */
      mpq_set_ui(v, 1, 1); mpq_sub(v, v, l2); mpq_div(v, t, v);
      fix_ctl &= mpq_cmp_ui(v, 1, 1) != 0;
    }
    qc_record(q, "ddpm.stationary", "exact", QC_MUST_HOLD, fix_ok, "the Gaussian fixed point of the step is N(0, 1)",
              QC_POINTS, "exact rationals at %d random lambda^2 in (0,1): v = sigma^2/(1 - lambda^2) = 1, and "
              "lambda^2 v + sigma^2 = v; the mean's fixed point m = lambda m is 0 for lambda < 1", QC_POINTS);
    control(q, "ddpm.stationary", "exact", fix_ctl, "the Gaussian fixed point of the step is N(0, 1)",
            "sigma^2 = (1 - lambda^2)/2: the fixed point is 1/2, not 1");
    mpq_clears(l2, s2, v, t, NULL);
  }
  control(q, "ddpm.stationary", "numeric", ctl > 1e-3, "int N(x;0,1) N(x'; lambda x, sigma^2) dx = N(x'; 0, 1)",
          "sigma^2 = 1 - lambda instead of 1 - lambda^2; smallest relative difference found > 1e-3");
}

/* ---- ddpm.x0param and ddpm.loss.weights: exact rationals ------------------ */
/* a random rational 1/(1 + p) in (0, 1), p > 0 random */
static void unit(qcheck *q, mpq_t r)
{
  qc_random_pos(q, r);
  mpz_add(mpq_numref(r), mpq_numref(r), mpq_denref(r));   /* p + 1, in lowest terms still */
  mpq_inv(r, r);
}

static void check_x0param(qcheck *q)
{
  mpq_t A, l, x0, y, xh, sp2, a, b, vt, den, cmean, t, u, mean, L1, L0, w, snr;
  mpq_inits(A, l, x0, y, xh, sp2, a, b, vt, den, cmean, t, u, mean, L1, L0, w, snr, NULL);
  mpq_t mom[3];
  for (int i = 0; i < 3; i++) mpq_init(mom[i]);
  int mean_ok = 1, mean_ctl = 1, loss_ok = 1, loss_ctl = 1, snr_ok = 1;
  for (int it = 0; it < QC_POINTS; it++) {
    unit(q, A); unit(q, l); qc_random(q, x0); qc_random(q, y); qc_random(q, xh); unit(q, sp2);
    /* conditioning the joint Gaussian of (x_t, x_{t+1}) given x_0:
     * Var x_t = 1 - A^2, Cov = l (1 - A^2), Var x_{t+1} = 1 - l^2 A^2 */
    mpq_mul(t, A, A); mpq_set_ui(u, 1, 1); mpq_sub(u, u, t);            /* 1 - A^2 */
    mpq_mul(den, l, l); mpq_mul(den, den, t); mpq_set_ui(t, 1, 1); mpq_sub(den, t, den); /* 1 - l^2 A^2 */
    mpq_mul(t, l, A); mpq_mul(t, t, x0); mpq_sub(t, y, t);              /* x_{t+1} - l A x0 */
    mpq_mul(t, t, l); mpq_mul(t, t, u); mpq_div(t, t, den);
    mpq_mul(cmean, A, x0); mpq_add(cmean, cmean, t);                    /* E[x_t | x_{t+1}, x_0] */
    mpq_mul(vt, l, u); mpq_mul(vt, vt, vt); mpq_div(vt, vt, den); mpq_sub(vt, u, vt); /* Var */
    /* the stated coefficients a = A (1 - l^2)/(1 - l^2 A^2), b = l (1 - A^2)/(1 - l^2 A^2) */
    mpq_mul(t, l, l); mpq_set_ui(a, 1, 1); mpq_sub(a, a, t); mpq_mul(a, a, A); mpq_div(a, a, den);
    mpq_mul(b, l, u); mpq_div(b, b, den);
    mpq_mul(mean, a, x0); mpq_mul(t, b, y); mpq_add(mean, mean, t);
    mean_ok &= mpq_equal(mean, cmean);
    /* the stated variance sigma^2 (1 - A^2)/(1 - l^2 A^2), sigma^2 = 1 - l^2 */
    mpq_mul(t, l, l); mpq_set_ui(w, 1, 1); mpq_sub(w, w, t); mpq_mul(w, w, u); mpq_div(w, w, den);
    mean_ok &= mpq_equal(w, vt);
    mpq_mul(mean, b, x0); mpq_mul(t, a, y); mpq_add(mean, mean, t);
    mean_ctl &= !mpq_equal(mean, cmean);
    /* loss: L(xh) = E_{x_t ~ N(cmean, vt)} (x_t - a xh - b y)^2 / (2 sp2), by exact moments */
    qc_gauss_moments(mom, 2, cmean, vt);
    for (int pass = 0; pass < 2; pass++) {
      mpq_srcptr est = pass ? xh : x0;
      mpq_t *Lp = pass ? &L1 : &L0;
      mpq_mul(mean, a, est); mpq_mul(t, b, y); mpq_add(mean, mean, t);  /* mu_theta */
      /* E (x - mu)^2 = E x^2 - 2 mu E x + mu^2 */
      mpq_mul(t, mean, mom[1]); mpq_mul_2exp(t, t, 1); mpq_sub(*Lp, mom[2], t);
      mpq_mul(t, mean, mean); mpq_add(*Lp, *Lp, t);
      mpq_div(*Lp, *Lp, sp2); mpq_div_2exp(*Lp, *Lp, 1);
    }
    mpq_sub(L1, L1, L0);
    mpq_sub(t, xh, x0); mpq_mul(t, t, t);                               /* (xh - x0)^2 */
    mpq_mul(w, a, a); mpq_div(w, w, sp2); mpq_div_2exp(w, w, 1);        /* a^2/(2 sp2) */
    mpq_mul(u, w, t);
    loss_ok &= mpq_equal(L1, u);
    mpq_div(w, a, sp2); mpq_div_2exp(w, w, 1); mpq_mul(u, w, t);
    loss_ctl &= !mpq_equal(L1, u) || !mpq_sgn(t);
    /* with sp2 = vt: a^2/(2 vt) = (SNR_t - SNR_{t+1})/2 */
    mpq_mul(w, a, a); mpq_div(w, w, vt); mpq_div_2exp(w, w, 1);
    mpq_mul(t, A, A); mpq_set_ui(u, 1, 1); mpq_sub(u, u, t); mpq_div(snr, t, u);   /* SNR_t */
    mpq_mul(t, t, l); mpq_mul(t, t, l); mpq_set_ui(u, 1, 1); mpq_sub(u, u, t); mpq_div(t, t, u);
    mpq_sub(snr, snr, t); mpq_div_2exp(snr, snr, 1);
    snr_ok &= mpq_equal(w, snr);
  }
  double sz = qc_sz_log10(12, QC_POINTS);
  qc_record(q, "ddpm.x0param", "exact", QC_MUST_HOLD, mean_ok,
            "a_t x0 + b_t x_{t+1} = E[x_t | x_{t+1}, x_0]", QC_POINTS,
            "exact rationals at %d random (A_t, lambda_{t+1}, x_0, x_{t+1}) against conditioning the joint Gaussian; "
            "a_t = A_t (1 - lambda^2)/(1 - lambda^2 A_t^2), b_t = lambda (1 - A_t^2)/(1 - lambda^2 A_t^2), and the "
            "variance (1 - lambda^2)(1 - A_t^2)/(1 - lambda^2 A_t^2); "
            "false-pass <= 10^%.0f", QC_POINTS, sz);
  control(q, "ddpm.x0param", "exact", mean_ctl, "a_t x0 + b_t x_{t+1} = E[x_t | x_{t+1}, x_0]",
          "a_t and b_t swapped");
  qc_record(q, "ddpm.loss.weights", "exact", QC_MUST_HOLD, loss_ok && snr_ok,
            "E_q[-log p_theta] - E_q[-log p_theta at x0hat = x0] = a_t^2/(2 sigma_t^2) (x0hat - x0)^2", QC_POINTS,
            "exact rationals (Gaussian moments of the posterior) at %d random points, model variance sigma_t^2 random; "
            "with sigma_t^2 = the posterior variance the weight is (SNR_t - SNR_{t+1})/2, SNR = A^2/(1 - A^2); "
            "false-pass <= 10^%.0f", QC_POINTS, sz);
  control(q, "ddpm.loss.weights", "exact", loss_ctl,
          "E_q[-log p_theta] - E_q[-log p_theta at x0hat = x0] = a_t^2/(2 sigma_t^2) (x0hat - x0)^2",
          "weight a_t/(2 sigma_t^2), a_t not squared");
  for (int i = 0; i < 3; i++) mpq_clear(mom[i]);
  mpq_clears(A, l, x0, y, xh, sp2, a, b, vt, den, cmean, t, u, mean, L1, L0, w, snr, NULL);
}

/* ---- the empirical data set: reverse kernel, single Gaussian, denoiser --- */
#define ND 4
static const double data[ND] = { -1.3, 0.2, 0.9, 2.5 };

typedef struct {
  double A2, l2;      /* A_t^2 and lambda_{t+1}^2 */
  double y;           /* x_{t+1} */
  int uniform;        /* control: weights 1/n instead of q(x_{t+1} | x0_i) */
} rk;

/* the stated coefficients, weights and variance at 256 bits */
typedef struct { mpfr_t a, b, vt, nvt, w[ND], m[ND], M, V; } mix;   /* nvt = qc_gauss_norm(vt) */
static void mix_init(mix *x, const rk *k)
{
  mpfr_t A, l, den, s, t, y, v1;
  mpfr_inits2(P, A, l, den, s, t, y, v1, (mpfr_ptr)0);
  mpfr_inits2(P, x->a, x->b, x->vt, x->nvt, x->M, x->V, (mpfr_ptr)0);
  mpfr_set_d(A, k->A2, MPFR_RNDN); mpfr_sqrt(A, A, MPFR_RNDN);
  mpfr_set_d(l, k->l2, MPFR_RNDN); mpfr_sqrt(l, l, MPFR_RNDN);
  mpfr_set_d(den, k->A2, MPFR_RNDN); mpfr_mul_d(den, den, k->l2, MPFR_RNDN); mpfr_ui_sub(den, 1, den, MPFR_RNDN);
  mpfr_set_d(t, k->l2, MPFR_RNDN); mpfr_ui_sub(t, 1, t, MPFR_RNDN);                 /* sigma^2 = 1 - l^2 */
  mpfr_mul(x->a, A, t, MPFR_RNDN); mpfr_div(x->a, x->a, den, MPFR_RNDN);
  mpfr_set_d(s, k->A2, MPFR_RNDN); mpfr_ui_sub(s, 1, s, MPFR_RNDN);                 /* 1 - A^2 */
  mpfr_mul(x->b, l, s, MPFR_RNDN); mpfr_div(x->b, x->b, den, MPFR_RNDN);
  mpfr_mul(x->vt, s, t, MPFR_RNDN); mpfr_div(x->vt, x->vt, den, MPFR_RNDN);
  qc_gauss_norm(x->nvt, x->vt);
  mpfr_set_d(y, k->y, MPFR_RNDN);
  mpfr_set_zero(s, 1);
  for (int i = 0; i < ND; i++) {
    mpfr_inits2(P, x->w[i], x->m[i], (mpfr_ptr)0);
    mpfr_mul(t, l, A, MPFR_RNDN); mpfr_mul_d(t, t, data[i], MPFR_RNDN);
    if (k->uniform) mpfr_set_ui(x->w[i], 1, MPFR_RNDN);
    else qc_gauss_pdf(x->w[i], y, t, den);                                                  /* q(x_{t+1} | x0_i) */
    mpfr_add(s, s, x->w[i], MPFR_RNDN);
    mpfr_mul_d(x->m[i], x->a, data[i], MPFR_RNDN);
    mpfr_mul(t, x->b, y, MPFR_RNDN);
    mpfr_add(x->m[i], x->m[i], t, MPFR_RNDN);
  }
  mpfr_set_zero(x->M, 1); mpfr_set_zero(x->V, 1);
  for (int i = 0; i < ND; i++) {
    mpfr_div(x->w[i], x->w[i], s, MPFR_RNDN);
    mpfr_mul(t, x->w[i], x->m[i], MPFR_RNDN); mpfr_add(x->M, x->M, t, MPFR_RNDN);
  }
  for (int i = 0; i < ND; i++) {
    mpfr_sub(t, x->m[i], x->M, MPFR_RNDN); mpfr_sqr(t, t, MPFR_RNDN);
    mpfr_mul(t, t, x->w[i], MPFR_RNDN); mpfr_add(x->V, x->V, t, MPFR_RNDN);
  }
  mpfr_clears(A, l, den, s, t, y, v1, (mpfr_ptr)0);
}
static void mix_clear(mix *x)
{
  for (int i = 0; i < ND; i++) mpfr_clears(x->w[i], x->m[i], (mpfr_ptr)0);
  mpfr_clears(x->a, x->b, x->vt, x->nvt, x->M, x->V, (mpfr_ptr)0);
}
static void mix_pdf(mpfr_t r, const mix *x, const mpfr_t xt)
{
  mpfr_t t;
  mpfr_init2(t, P);
  mpfr_set_zero(r, 1);
  for (int i = 0; i < ND; i++) {
    qc_gauss_pdf_n(t, xt, x->m[i], x->vt, x->nvt);
    mpfr_mul(t, t, x->w[i], MPFR_RNDN);
    mpfr_add(r, r, t, MPFR_RNDN);
  }
  mpfr_clear(t);
}

/* Bayes' rule: q(x_t | x_{t+1}) = q(x_{t+1} | x_t) q(x_t) / q(x_{t+1}), from
 * Gaussian densities of the forward process only. What does not depend on
 * x_t (q(x_{t+1}), the means, variances and normalisers) is computed once
 * per kernel by bayes_init. */
typedef struct { mpfr_t l, y, v, nv, s1, ns1, qy, m[ND]; } bayes;
static void bayes_init(bayes *b, const rk *k)
{
  mpfr_t A, v, m, t;
  mpfr_inits2(P, A, v, m, t, (mpfr_ptr)0);
  mpfr_inits2(P, b->l, b->y, b->v, b->nv, b->s1, b->ns1, b->qy, (mpfr_ptr)0);
  mpfr_set_d(A, k->A2, MPFR_RNDN); mpfr_sqrt(A, A, MPFR_RNDN);
  mpfr_set_d(b->l, k->l2, MPFR_RNDN); mpfr_sqrt(b->l, b->l, MPFR_RNDN);
  mpfr_set_d(b->y, k->y, MPFR_RNDN);
  mpfr_set_d(b->v, k->A2, MPFR_RNDN); mpfr_ui_sub(b->v, 1, b->v, MPFR_RNDN);        /* Var(x_t | x0) */
  qc_gauss_norm(b->nv, b->v);
  mpfr_set_zero(b->qy, 1);
  for (int i = 0; i < ND; i++) {
    mpfr_init2(b->m[i], P);
    mpfr_mul_d(b->m[i], A, data[i], MPFR_RNDN);
    mpfr_mul(m, b->m[i], b->l, MPFR_RNDN);
    mpfr_set_d(v, k->A2 * k->l2, MPFR_RNDN);   /* exact: both are short binary fractions below */
    mpfr_ui_sub(v, 1, v, MPFR_RNDN);
    qc_gauss_pdf(t, b->y, m, v); mpfr_add(b->qy, b->qy, t, MPFR_RNDN);           /* n q(x_{t+1}) */
  }
  mpfr_set_d(b->s1, k->l2, MPFR_RNDN); mpfr_ui_sub(b->s1, 1, b->s1, MPFR_RNDN);
  qc_gauss_norm(b->ns1, b->s1);
  mpfr_clears(A, v, m, t, (mpfr_ptr)0);
}
static void bayes_clear(bayes *b)
{
  for (int i = 0; i < ND; i++) mpfr_clear(b->m[i]);
  mpfr_clears(b->l, b->y, b->v, b->nv, b->s1, b->ns1, b->qy, (mpfr_ptr)0);
}
static void bayes_pdf(mpfr_t r, const bayes *b, const mpfr_t xt)
{
  mpfr_t m, t, qt;
  mpfr_inits2(P, m, t, qt, (mpfr_ptr)0);
  mpfr_set_zero(qt, 1);
  for (int i = 0; i < ND; i++) {
    qc_gauss_pdf_n(t, xt, b->m[i], b->v, b->nv); mpfr_add(qt, qt, t, MPFR_RNDN);      /* n q(x_t) */
  }
  mpfr_mul(m, b->l, xt, MPFR_RNDN);
  qc_gauss_pdf_n(r, b->y, m, b->s1, b->ns1);
  mpfr_mul(r, r, qt, MPFR_RNDN);
  mpfr_div(r, r, b->qy, MPFR_RNDN);
  mpfr_clears(m, t, qt, (mpfr_ptr)0);
}

static double kernel_diff(qcheck *q, rk k, int uniform)
{
  double worst = 0;
  mpfr_t xt, r1, r2;
  mpfr_inits2(P, xt, r1, r2, (mpfr_ptr)0);
  for (int it = 0; it < QC_POINTS; it++) {
    k.y = 4 * gsl_rng_uniform(q->rng) - 2;
    k.uniform = uniform;
    mix x;
    mix_init(&x, &k);
    mpfr_set_d(xt, mpfr_get_d(x.M, MPFR_RNDN) + 3 * sqrt(mpfr_get_d(x.vt, MPFR_RNDN)) * (2 * gsl_rng_uniform(q->rng) - 1), MPFR_RNDN);
    mix_pdf(r1, &x, xt);
    bayes b;
    bayes_init(&b, &k);
    bayes_pdf(r2, &b, xt);
    bayes_clear(&b);
    double d = rel_diff(r1, r2);
    if (d > worst) worst = d;
    mix_clear(&x);
  }
  mpfr_clears(xt, r1, r2, (mpfr_ptr)0);
  return worst;
}

static void check_reverse_mixture(qcheck *q)
{
  /* A_t^2 and lambda^2 are short binary fractions, so A^2 l^2 is exact in double */
  rk ks[] = { { 0.5, 0.96875, 0, 0 }, { 0.75, 0.75, 0, 0 }, { 0.125, 0.9990234375, 0, 0 } };
  double worst = 0, ctl = 1e300;
  for (int i = 0; i < 3; i++) {
    double d = kernel_diff(q, ks[i], 0);
    if (d > worst) worst = d;
    d = kernel_diff(q, ks[i], 1);
    if (d < ctl) ctl = d;
  }
  qc_record(q, "ddpm.reverse.mixture", "numeric", QC_MUST_HOLD, worst < 1e-70,
            "q(x_t | x_{t+1}) by Bayes' rule = sum_i w_i N(x_t; a x0_i + b x_{t+1}, vt), w_i propto q(x_{t+1} | x0_i)",
            3 * QC_POINTS,
            "data {-1.3, 0.2, 0.9, 2.5}, (A_t^2, lambda^2) in {(1/2, 31/32), (3/4, 3/4), (1/8, 1023/1024)}, %d random "
            "(x_t, x_{t+1}) each, 256 bits: max relative difference %.2e", QC_POINTS, worst);
  control(q, "ddpm.reverse.mixture", "numeric", ctl > 1e-6,
          "q(x_t | x_{t+1}) by Bayes' rule = sum_i w_i N(x_t; a x0_i + b x_{t+1}, vt), w_i propto q(x_{t+1} | x0_i)",
          "equal weights 1/n in place of q(x_{t+1} | x0_i)");
}

/* KL(mixture || N(mean, var)) by quadrature, for the three single Gaussians
 * at once (they share the nodes and the mixture's density there): kl[0]
 * moment-matched, kl[1] the mixture's mean with the component variance vt,
 * kl[2] the unweighted mean of the component means with vt (control). The
 * integrand p log(p/g) is p (log p - log g), with the Gaussian's log g =
 * -(x - qm)^2/(2 qv) - log sqrt(2 pi qv) in closed form. */
typedef struct { const mix *x; mpfr_t qm[3], qv[3], lnq[3]; } kl_ctx;   /* lnq: log qc_gauss_norm(qv) */
static void kl_f(mpfr_t *out, const mpfr_t xt, const void *vc)
{
  const kl_ctx *c = vc;
  mpfr_t p, lp, g;
  mpfr_inits2(P, p, lp, g, (mpfr_ptr)0);
  mix_pdf(p, c->x, xt);
  mpfr_log(lp, p, MPFR_RNDN);
  for (int w = 0; w < 3; w++) {
    mpfr_sub(g, xt, c->qm[w], MPFR_RNDN);
    mpfr_sqr(g, g, MPFR_RNDN);
    mpfr_div(g, g, c->qv[w], MPFR_RNDN);
    mpfr_div_2ui(g, g, 1, MPFR_RNDN);
    mpfr_add(g, g, c->lnq[w], MPFR_RNDN);      /* -log g */
    mpfr_add(g, lp, g, MPFR_RNDN);             /* log p - log g */
    mpfr_mul(out[w], p, g, MPFR_RNDN);
  }
  mpfr_clears(p, lp, g, (mpfr_ptr)0);
}
static void single_kl(const mix *x, double kl_out[3])
{
  kl_ctx c;
  c.x = x;
  mpfr_t kl[3];
  for (int w = 0; w < 3; w++) {
    mpfr_inits2(P, c.qm[w], c.qv[w], c.lnq[w], kl[w], (mpfr_ptr)0);
    mpfr_set(c.qm[w], x->M, MPFR_RNDN);
    mpfr_set(c.qv[w], x->vt, MPFR_RNDN);
    if (w == 0) mpfr_add(c.qv[w], c.qv[w], x->V, MPFR_RNDN);
    if (w == 2) {
      mpfr_set_zero(c.qm[w], 1);
      for (int i = 0; i < ND; i++) mpfr_add(c.qm[w], c.qm[w], x->m[i], MPFR_RNDN);
      mpfr_div_ui(c.qm[w], c.qm[w], ND, MPFR_RNDN);
    }
    qc_gauss_norm(c.lnq[w], c.qv[w]);
    mpfr_log(c.lnq[w], c.lnq[w], MPFR_RNDN);
    mpfr_set_zero(kl[w], 1);
  }
  double sd = sqrt(mpfr_get_d(x->vt, MPFR_RNDN)), lo = mpfr_get_d(x->m[0], MPFR_RNDN), hi = mpfr_get_d(x->m[ND - 1], MPFR_RNDN);
  /* the window covers every component mean +- 40 sd: integrate from the middle with a widened sd */
  double half = (hi - lo) / 2 + 40 * sd, step_sd = sd;
  double scale = half / (40 * step_sd);  /* >= 1: more nodes at the same step */
  {
    int reps = (int)ceil(scale);
    mpfr_t part[3];
    mpfr_inits2(P, part[0], part[1], part[2], (mpfr_ptr)0);
    /* consecutive windows of width 80 sd each, centred to tile [mid - half', mid + half'] */
    double mid = (hi + lo) / 2, width = 80 * sd;
    for (int r = 0; r < reps; r++) {
      double c0 = mid - (reps - 1) * width / 2 + r * width;
      integrate(part, 3, kl_f, &c, c0, sd);
      /* adjacent windows share their end node; remove the double count */
      if (r > 0) {
        mpfr_t xe, ye[3];
        mpfr_inits2(P, xe, ye[0], ye[1], ye[2], (mpfr_ptr)0);
        mpfr_set_d(xe, c0 - 40 * sd, MPFR_RNDN);
        kl_f(ye, xe, &c);
        for (int w = 0; w < 3; w++) {
          mpfr_mul_d(ye[w], ye[w], sd / 16, MPFR_RNDN);
          mpfr_sub(part[w], part[w], ye[w], MPFR_RNDN);
        }
        mpfr_clears(xe, ye[0], ye[1], ye[2], (mpfr_ptr)0);
      }
      for (int w = 0; w < 3; w++) mpfr_add(kl[w], kl[w], part[w], MPFR_RNDN);
    }
    mpfr_clears(part[0], part[1], part[2], (mpfr_ptr)0);
  }
  for (int w = 0; w < 3; w++) {
    kl_out[w] = mpfr_get_d(kl[w], MPFR_RNDN);
    mpfr_clears(c.qm[w], c.qv[w], c.lnq[w], kl[w], (mpfr_ptr)0);
  }
}

static void check_single(qcheck *q)
{
  enum { K0 = 4, K1 = 14 };
  double kl[3][K1 + 1], order[3] = { 0, 0, 0 };
  FILE *f = evidence_data_file("fig", "ddpm_single.csv");
  if (f) fprintf(f, "beta,mm,mean,uniform\n");
  for (int k = K0; k <= K1; k++) {
    rk r = { 0.5, 1 - ldexp(1, -k), 0.7, 0 };
    mix x;
    mix_init(&x, &r);
    double k3[3];
    single_kl(&x, k3);
    for (int w = 0; w < 3; w++) kl[w][k] = k3[w];
    if (f) fprintf(f, "%.6e,%.6e,%.6e,%.6e\n", ldexp(1, -k), kl[0][k], kl[1][k], kl[2][k]);
    mix_clear(&x);
  }
  if (f) fclose(f);
  for (int w = 0; w < 3; w++) order[w] = log2(kl[w][K1 - 1] / kl[w][K1]);
  /* the approximation: KL -> 0 with beta, at the fitted order (>= 1.9) */
  int mm_ok = fabs(order[0] - 3) < 0.1, mean_ok = fabs(order[1] - 2) < 0.1;
  qc_record(q, "ddpm.reverse.single", "approx", QC_MUST_HOLD, mm_ok && mean_ok && kl[0][K1] < 1e-9,
            "KL(mixture || single Gaussian) -> 0 as beta -> 0, order >= 2 in beta", K1 - K0 + 1,
            "A_t^2 = 1/2, x_{t+1} = 0.7, data {-1.3, 0.2, 0.9, 2.5}, beta = 1 - lambda^2 = 2^-k, k = %d..%d, KL by "
            "quadrature at 256 bits: moment-matched Gaussian KL = %.3e at beta = 2^-%d, fitted order %.3f (theory 3: "
            "the third cumulant); mean-matched with the component variance KL = %.3e, order %.3f (theory 2)",
            K0, K1, kl[0][K1], K1, order[0], kl[1][K1], order[1]);
  control(q, "ddpm.reverse.single", "approx", order[2] < 1.9,
          "KL(mixture || single Gaussian) -> 0 as beta -> 0, order >= 2 in beta",
          "the single Gaussian centred at the unweighted mean of the component means: fitted order ~1");
}

/* ---- ddpm.denoiser: log-sum-exp weights ---------------------------------- */
/* direct ratio sum x_i N(y; a x_i, s^2) / sum N(y; a x_i, s^2) at 256 bits */
static void denoise_direct(mpfr_t r, const double *x, int n, double a, double s2, double y)
{
  mpfr_t num, den, t, m, v, yy;
  mpfr_inits2(P, num, den, t, m, v, yy, (mpfr_ptr)0);
  mpfr_set_zero(num, 1); mpfr_set_zero(den, 1);
  mpfr_set_d(v, s2, MPFR_RNDN); mpfr_set_d(yy, y, MPFR_RNDN);
  for (int i = 0; i < n; i++) {
    mpfr_set_d(m, a, MPFR_RNDN); mpfr_mul_d(m, m, x[i], MPFR_RNDN);
    qc_gauss_pdf(t, yy, m, v);
    mpfr_add(den, den, t, MPFR_RNDN);
    mpfr_mul_d(t, t, x[i], MPFR_RNDN);
    mpfr_add(num, num, t, MPFR_RNDN);
  }
  mpfr_div(r, num, den, MPFR_RNDN);
  mpfr_clears(num, den, t, m, v, yy, (mpfr_ptr)0);
}
/* log-sum-exp form in double: weights exp(-(d_i - d_min)) */
static double denoise_lse(const double *x, int n, double a, double s2, double y)
{
  double dmin = INFINITY, num = 0, den = 0;
  for (int i = 0; i < n; i++) { double d = (y - a * x[i]) * (y - a * x[i]) / (2 * s2); if (d < dmin) dmin = d; }
  for (int i = 0; i < n; i++) {
    double w = exp(-((y - a * x[i]) * (y - a * x[i]) / (2 * s2) - dmin));
    num += w * x[i]; den += w;
  }
  return num / den;
}
/* the naive form in double (underflows to 0/0 for far-apart points) */
static double denoise_naive(const double *x, int n, double a, double s2, double y)
{
  double num = 0, den = 0;
  for (int i = 0; i < n; i++) {
    double w = exp(-(y - a * x[i]) * (y - a * x[i]) / (2 * s2));
    num += w * x[i]; den += w;
  }
  return num / den;
}
static void check_denoiser(qcheck *q)
{
  static const double far[3] = { -1000, 3, 1000 };
  mpfr_t r;
  mpfr_init2(r, P);
  /* errors relative to the data scale max |x0_i| = 2.5 (x0hat itself may cancel) */
  double worst = 0, worst_far = 0, ctl = 0;
  int naive_nan = 0;
  for (int it = 0; it < QC_POINTS; it++) {
    double a = 0.05 + 0.9 * gsl_rng_uniform(q->rng), s2 = 1 - a * a, y = 6 * gsl_rng_uniform(q->rng) - 3;
    denoise_direct(r, data, ND, a, s2, y);
    double ref = mpfr_get_d(r, MPFR_RNDN), lse = denoise_lse(data, ND, a, s2, y);
    double e = fabs(lse - ref) / 2.5;
    if (e > worst) worst = e;
    /* control: the weights of N(y; x_i, s^2) (the signal coefficient a dropped) */
    denoise_direct(r, data, ND, 1.0, s2, y);
    double c = fabs(mpfr_get_d(r, MPFR_RNDN) - ref) / 2.5;
    if (c > ctl) ctl = c;
    /* far-apart points, small noise: y anywhere between them */
    double s2f = 1e-4, yf = a * (2000 * gsl_rng_uniform(q->rng) - 1000);
    denoise_direct(r, far, 3, a, s2f, yf);
    double reff = mpfr_get_d(r, MPFR_RNDN), lf = denoise_lse(far, 3, a, s2f, yf);
    double ef = fabs(lf - reff) / fmax(fabs(reff), 1);
    if (!(ef <= worst_far)) worst_far = ef;
    naive_nan += isnan(denoise_naive(far, 3, a, s2f, yf));
  }
  mpfr_clear(r);
  qc_record(q, "ddpm.denoiser", "numeric", QC_MUST_HOLD, worst < 1e-11 && worst_far < 1e-9,
            "E[x0 | x_t = y] = sum_i softmax_i(-(y - a x0_i)^2/(2 s^2)) x0_i (shifted exponents)", 2 * QC_POINTS,
            "the ratio of densities at 256 bits against the log-sum-exp form in double, %d random (a, y) with "
            "s^2 = 1 - a^2: max difference %.2e of the data scale (bound 1e-11); far-apart data {-1000, 3, 1000}, s^2 = 1e-4: max error %.2e "
            "(the unshifted double form gives 0/0 = NaN at %d of %d points)", QC_POINTS, worst, worst_far, naive_nan,
            QC_POINTS);
  control(q, "ddpm.denoiser", "numeric", ctl > 1e-6,
          "E[x0 | x_t = y] = sum_i softmax_i(-(y - a x0_i)^2/(2 s^2)) x0_i (shifted exponents)",
          "weights of N(y; x0_i, s^2), the signal coefficient a dropped");
}

/* ---- ddpm.conclusion: the reverse mean by quadrature -------------------- */
/* the density and its first moment at x_t */
static void cm_f(mpfr_t *out, const mpfr_t xt, const void *vc)
{
  bayes_pdf(out[0], vc, xt);
  mpfr_mul(out[1], out[0], xt, MPFR_RNDN);
}
/* E[x_t | x_{t+1} = y] by quadrature of the Bayes-rule density */
static double reverse_mean(rk k)
{
  mix x;
  mix_init(&x, &k);
  double c0 = (mpfr_get_d(x.m[0], MPFR_RNDN) + mpfr_get_d(x.m[ND - 1], MPFR_RNDN)) / 2;
  double sd = sqrt(mpfr_get_d(x.vt, MPFR_RNDN) + mpfr_get_d(x.V, MPFR_RNDN));
  mix_clear(&x);
  mpfr_t I[2];
  mpfr_inits2(P, I[0], I[1], (mpfr_ptr)0);
  bayes b;
  bayes_init(&b, &k);
  integrate(I, 2, cm_f, &b, c0, 2 * sd);
  bayes_clear(&b);
  mpfr_div(I[1], I[1], I[0], MPFR_RNDN);
  double r = mpfr_get_d(I[1], MPFR_RNDN);
  mpfr_clears(I[0], I[1], (mpfr_ptr)0);
  return r;
}
static void check_conclusion(qcheck *q)
{
  rk k = { 0.5, 0.75, 0, 0 };
  double A = sqrt(0.5), l = sqrt(0.75), den = 1 - 0.5 * 0.75, a = A * 0.25 / den, b = l * 0.5 / den;
  double xbar = 0;
  for (int i = 0; i < ND; i++) xbar += data[i] / ND;
  double worst = 0, ctl = 0, m[3], d2max = 0, y2 = 0;
  const double h = 0.5;
  mpfr_t r;
  mpfr_init2(r, P);
  for (int it = 0; it < 8; it++) {
    double y0 = 3 * gsl_rng_uniform(q->rng) - 1.5;
    for (int j = 0; j < 3; j++) {
      k.y = y0 + (j - 1) * h;
      m[j] = reverse_mean(k);
      denoise_direct(r, data, ND, A * l, 1 - 0.375, k.y);       /* x0hat(x_{t+1}) */
      double pred = a * mpfr_get_d(r, MPFR_RNDN) + b * k.y;
      double e = fabs(pred - m[j]) / fmax(fabs(m[j]), 1);
      if (e > worst) worst = e;
      double lin = a * xbar + b * k.y;                            /* control: linear in x_{t+1} */
      double c = fabs(lin - m[j]) / fmax(fabs(m[j]), 1);
      if (c > ctl) ctl = c;
    }
    double d2 = fabs(m[0] - 2 * m[1] + m[2]);
    if (d2 > d2max) { d2max = d2; y2 = y0; }
  }
  /* as written: the mean is linear in (data, x_{t+1}) -> every second difference in x_{t+1} vanishes */
  qc_record(q, "ddpm.conclusion", "numeric", QC_AS_WRITTEN, d2max < 1e-12, "E[x_t | x_{t+1}] is linear in x_{t+1}", 24,
            "second differences of the reverse mean (quadrature of the Bayes-rule kernel at 256 bits), data "
            "{-1.3, 0.2, 0.9, 2.5}, A_t^2 = 1/2, lambda^2 = 3/4, at 8 random x_{t+1} with spacing %.1f: largest "
            "%.6e at x_{t+1} = %.4f (a linear function has 0)", h, d2max, y2);
  mpfr_clear(r);
  qc_record(q, "ddpm.conclusion", "corrected", QC_MUST_HOLD, worst < 1e-12,
            "E[x_t | x_{t+1}] = a_t x0hat(x_{t+1}) + b_t x_{t+1} (each component mean a_t x0_i + b_t x_{t+1})", 24,
            "corrected reading: each component's mean is linear in (x0_i, x_{t+1}); the mixture's mean is "
            "a_t x0hat(x_{t+1}) + b_t x_{t+1}, nonlinear in x_{t+1} through the weights; quadrature of the Bayes-rule "
            "kernel against it at 24 points: max relative difference %.2e", worst);
  control(q, "ddpm.conclusion", "corrected", ctl > 1e-4,
          "E[x_t | x_{t+1}] = a_t x0hat(x_{t+1}) + b_t x_{t+1} (each component mean a_t x0_i + b_t x_{t+1})",
          "x0hat replaced by the data mean (a mean linear in x_{t+1})");
}

/* ---- ddpm.continuous: discrete chain -> VP SDE, order in 1/T ------------- */
/* error of a_T = prod sqrt(1 - beta(i/T)/T) against exp(-B(1)/2), and of the
 * drift coefficient (lambda_i - 1) T against -beta(t_i)/2; half: control
 * lambda_i = 1 - beta_i/T (the 1/2 of the drift dropped) */
static void cont_err(unsigned long T, int control_half, double *marg, double *drift)
{
  mpfr_t la, b, l, t, e;
  mpfr_inits2(P, la, b, l, t, e, (mpfr_ptr)0);
  mpfr_set_zero(la, 1);
  double dmax = 0;
  for (unsigned long i = 1; i <= T; i++) {
    mpfr_set_ui(b, i, MPFR_RNDN); mpfr_div_ui(b, b, T, MPFR_RNDN);
    mpfr_mul_d(b, b, 19.9, MPFR_RNDN); mpfr_add_d(b, b, 0.1, MPFR_RNDN);   /* beta(t_i) */
    mpfr_div_ui(t, b, T, MPFR_RNDN);
    if (control_half) { mpfr_ui_sub(l, 1, t, MPFR_RNDN); }
    else { mpfr_ui_sub(l, 1, t, MPFR_RNDN); mpfr_sqrt(l, l, MPFR_RNDN); }
    mpfr_log(t, l, MPFR_RNDN); mpfr_add(la, la, t, MPFR_RNDN);
    mpfr_sub_ui(t, l, 1, MPFR_RNDN); mpfr_mul_ui(t, t, T, MPFR_RNDN);
    mpfr_div_2ui(e, b, 1, MPFR_RNDN); mpfr_add(t, t, e, MPFR_RNDN);
    double d = fabs(mpfr_get_d(t, MPFR_RNDN));
    if (d > dmax) dmax = d;
  }
  /* B(1) = 0.1 + 19.9/2 = 10.05 */
  mpfr_set_d(t, 10.05, MPFR_RNDN); mpfr_div_2ui(t, t, 1, MPFR_RNDN);
  mpfr_add(la, la, t, MPFR_RNDN);            /* log a_T + B/2 */
  mpfr_expm1(la, la, MPFR_RNDN);             /* a_T e^{B/2} - 1 */
  *marg = mpfr_get_d(la, MPFR_RNDN);
  *drift = dmax;
  mpfr_clears(la, b, l, t, e, (mpfr_ptr)0);
}
static void check_continuous(qcheck *q)
{
  /* the errors at T = 32, 64, ..., 8192 (the figure's), of which the check
   * uses the last two */
  enum { NT = 9 };
  double em[NT], ed[NT], cm0[NT], cd0[NT];
  for (int j = 0; j < NT; j++) {
    cont_err(32ul << j, 0, &em[j], &ed[j]);
    cont_err(32ul << j, 1, &cm0[j], &cd0[j]);
  }
  const unsigned long T = 32ul << (NT - 2);   /* 4096 */
  double m1 = em[NT - 2], d1 = ed[NT - 2], m2 = em[NT - 1], d2 = ed[NT - 1];
  double c1 = cm0[NT - 2], cd1 = cd0[NT - 2], c2 = cm0[NT - 1], cd2 = cd0[NT - 1];
  double om = log2(fabs(m1 / m2)), od = log2(d1 / d2);
  /* theory: T (a_T e^{B/2} - 1) -> -[(b1 - b0)/4 + int beta^2 / 4], int_0^1 beta^2 = (b1^3 - b0^3)/(3 (b1 - b0)) */
  double ib2 = (8000.0 - 0.001) / (3 * 19.9), C = 19.9 / 4 + ib2 / 4;
  double cm = m2 * 2 * T;
  int ok = fabs(om - 1) < 0.01 && fabs(od - 1) < 0.01 && fabs(cm + C) < 0.05 * C && fabs(d2 * 2 * T - 400.0 / 8) < 0.5;
  qc_record(q, "ddpm.continuous", "numeric", QC_MUST_HOLD, ok,
            "discrete VP chain -> VP SDE: coefficient and marginal errors O(1/T)", 4 * T,
            "beta(t) = 0.1 + 19.9 t, lambda_i = sqrt(1 - beta(i/T)/T), 256 bits, T = %lu and %lu: "
            "a_T e^{B(1)/2} - 1 = %.4e, %.4e (fitted order %.4f; T times it %.3f, theory -%.3f); "
            "max |(lambda_i - 1) T + beta_i/2| = %.4e, %.4e (order %.4f; T times it %.3f, theory beta(1)^2/8 = 50)",
            T, 2 * T, m1, m2, om, cm, C, d1, d2, od, d2 * 2 * T);
  control(q, "ddpm.continuous", "numeric", !(fabs(log2(fabs(c1 / c2)) - 1) < 0.01 && fabs(cd1 / cd2 - 2) < 0.02),
          "discrete VP chain -> VP SDE: coefficient and marginal errors O(1/T)",
          "lambda_i = 1 - beta_i/T (the 1/2 of the VP drift dropped): errors do not shrink with T");
  /* figure data: both errors against T, beside the first-order terms C/T and (beta(1)^2/8)/T
   * and the control's errors */
  FILE *f = evidence_data_file("fig", "ddpm_continuous.csv");
  if (f) {
    fprintf(f, "T,marg,drift,marg_ref,drift_ref,ctl_marg,ctl_drift\n");
    for (int j = 0; j < NT; j++) {   /* from T = 32: beta(1)/T < 1 */
      unsigned long t = 32ul << j;
      fprintf(f, "%lu,%.6e,%.6e,%.6e,%.6e,%.6e,%.6e\n", t, fabs(em[j]), ed[j], C / (double)t, 20.0 * 20.0 / 8 / (double)t,
              fabs(cm0[j]), cd0[j]);
    }
    fclose(f);
  }
}

/* ---- ddpm.multid: the 2-d reverse kernel does not factorise ------------- */
/* data: correlated {(1,1), (-1,-1)} or the product set {+-1} x {+-1} */
static double coupling(int product, double y1, double y2, double x1, double x2)
{
  static const double cor[2][2] = { { 1, 1 }, { -1, -1 } };
  static const double prod[4][2] = { { 1, 1 }, { 1, -1 }, { -1, 1 }, { -1, -1 } };
  const double (*d)[2] = product ? prod : cor;
  int n = product ? 4 : 2;
  const double A2 = 0.5, l2 = 0.75;
  mpfr_t A, l, v0, v1, vs, m, t, u, qt, qy, joint, p1, p2, xs[2], ys[2];
  mpfr_inits2(P, A, l, v0, v1, vs, m, t, u, qt, qy, joint, p1, p2, xs[0], xs[1], ys[0], ys[1], (mpfr_ptr)0);
  mpfr_set_d(A, A2, MPFR_RNDN); mpfr_sqrt(A, A, MPFR_RNDN);
  mpfr_set_d(l, l2, MPFR_RNDN); mpfr_sqrt(l, l, MPFR_RNDN);
  mpfr_set_d(v0, 1 - A2, MPFR_RNDN); mpfr_set_d(v1, 1 - A2 * l2, MPFR_RNDN); mpfr_set_d(vs, 1 - l2, MPFR_RNDN);
  mpfr_set_d(xs[0], x1, MPFR_RNDN); mpfr_set_d(xs[1], x2, MPFR_RNDN);
  mpfr_set_d(ys[0], y1, MPFR_RNDN); mpfr_set_d(ys[1], y2, MPFR_RNDN);
  /* Bayes in 2-d with per-coordinate forward kernels; the marginals of the
   * kernel in x_{t,d} by the same rule with the other coordinate integrated
   * out in closed form (a Gaussian in x_{t,d'} integrates to 1) */
  mpfr_set_zero(qt, 1); mpfr_set_zero(qy, 1); mpfr_set_zero(p1, 1); mpfr_set_zero(p2, 1);
  for (int i = 0; i < n; i++) {
    mpfr_t g[2], h[2];
    mpfr_inits2(P, g[0], g[1], h[0], h[1], (mpfr_ptr)0);
    for (int c = 0; c < 2; c++) {
      mpfr_mul_d(m, A, d[i][c], MPFR_RNDN);
      qc_gauss_pdf(g[c], xs[c], m, v0);                             /* q(x_{t,c} | x0_i) */
      mpfr_mul(m, m, l, MPFR_RNDN);
      qc_gauss_pdf(h[c], ys[c], m, v1);                             /* q(y_c | x0_i) */
    }
    mpfr_mul(t, g[0], g[1], MPFR_RNDN); mpfr_add(qt, qt, t, MPFR_RNDN);
    mpfr_mul(t, h[0], h[1], MPFR_RNDN); mpfr_add(qy, qy, t, MPFR_RNDN);
    /* joint of (x_{t,1}, y) = sum_i q(x_{t,1}|x0_i) q(y_1 | x_{t,1}) q(y_2 | x0_i) */
    mpfr_mul(m, l, xs[0], MPFR_RNDN); qc_gauss_pdf(u, ys[0], m, vs);
    mpfr_mul(t, g[0], u, MPFR_RNDN); mpfr_mul(t, t, h[1], MPFR_RNDN); mpfr_add(p1, p1, t, MPFR_RNDN);
    mpfr_mul(m, l, xs[1], MPFR_RNDN); qc_gauss_pdf(u, ys[1], m, vs);
    mpfr_mul(t, g[1], u, MPFR_RNDN); mpfr_mul(t, t, h[0], MPFR_RNDN); mpfr_add(p2, p2, t, MPFR_RNDN);
    mpfr_clears(g[0], g[1], h[0], h[1], (mpfr_ptr)0);
  }
  /* q(x_t | y) = q(y | x_t) q(x_t) / q(y) */
  mpfr_mul(m, l, xs[0], MPFR_RNDN); qc_gauss_pdf(t, ys[0], m, vs);
  mpfr_mul(m, l, xs[1], MPFR_RNDN); qc_gauss_pdf(u, ys[1], m, vs);
  mpfr_mul(joint, t, u, MPFR_RNDN); mpfr_mul(joint, joint, qt, MPFR_RNDN); mpfr_div(joint, joint, qy, MPFR_RNDN);
  mpfr_div(p1, p1, qy, MPFR_RNDN); mpfr_div(p2, p2, qy, MPFR_RNDN);
  mpfr_mul(p1, p1, p2, MPFR_RNDN);
  double r = rel_diff(joint, p1);
  mpfr_clears(A, l, v0, v1, vs, m, t, u, qt, qy, joint, p1, p2, xs[0], xs[1], ys[0], ys[1], (mpfr_ptr)0);
  return r;
}
static void check_multid(qcheck *q)
{
  double cmax = 0, pmax = 0;
  for (int it = 0; it < QC_POINTS; it++) {
    double y1 = 2 * gsl_rng_uniform(q->rng) - 1, y2 = 2 * gsl_rng_uniform(q->rng) - 1;
    double x1 = 2 * gsl_rng_uniform(q->rng) - 1, x2 = 2 * gsl_rng_uniform(q->rng) - 1;
    double c = coupling(0, y1, y2, x1, x2), p = coupling(1, y1, y2, x1, x2);
    if (c > cmax) cmax = c;
    if (p > pmax) pmax = p;
  }
  qc_record(q, "ddpm.multid", "numeric", QC_MUST_HOLD, cmax > 1e-3,
            "the reverse kernel q(x_t | x_{t+1}) of 2-d data does not factorise over coordinates", QC_POINTS,
            "data {(1,1), (-1,-1)}, per-coordinate forward kernels (A_t^2 = 1/2, lambda^2 = 3/4), %d random "
            "(x_t, x_{t+1}): q(x_t|y) by Bayes' rule against the product of its two marginals at 256 bits: largest "
            "relative difference %.3e (the check: > 1e-3 somewhere)", QC_POINTS, cmax);
  control(q, "ddpm.multid", "numeric", pmax < 1e-60,
          "the reverse kernel q(x_t | x_{t+1}) of 2-d data does not factorise over coordinates",
          "product data set {+-1} x {+-1} (independent coordinates): the kernel factorises, so the check must not "
          "find coupling");
}

int main(void)
{
  qcheck q;
  qc_init(&q, PROGRAM);
  check_limit(&q);
  check_tradeoff(&q);
  check_stationary(&q);
  check_x0param(&q);
  check_reverse_mixture(&q);
  check_single(&q);
  check_denoiser(&q);
  check_conclusion(&q);
  check_continuous(&q);
  check_multid(&q);
  return qc_finish(&q);
}
