/* langevin.c -- D5: document 001's posterior Langevin sampling and its demo
 * (claims langevin.*). Independent of src/.
 *
 * The continuous SDE dx = tau^-1 grad log pi dt + sqrt(2/tau) dW: the
 * stationary Fokker-Planck residual -(b pi)' + pi''/tau at pi, with both
 * derivatives taken by 8th-order central differences in MPFR (FP_PREC bits),
 * so the check does not reuse the analytic derivative of pi.
 *
 * The Euler-Maruyama chain x' = x + tau^-1 sigma^-2 (mu - x) dt + sqrt(2dt/tau) z
 * (h = dt/(tau sigma^2), rho = 1 - h, c = 2dt/tau): its moment recursion
 * from the update (exact expectations over independent x and noise), the
 * k-step closed form, the bias of the stationary variance, the stability
 * range, the values at the demo's parameters and the demo's comments, all in
 * GMP rationals at random points (Schwartz-Zippel bounds stated per check).
 * Every check has a negative control: the same check on a perturbed
 * statement, which must be rejected. */
#include "qcheck.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define PROGRAM "langevin"
#define FP_PREC 512
#define FP_TOL 1e-40
#define K_STEPS 12

/* A negative control of check `check`: the same check run on a perturbed
 * statement; rejected = 1 means the perturbed statement failed it, as it must. */
static void control(qcheck *q, const char *claim, int rejected, const char *check, unsigned long n,
                    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void control(qcheck *q, const char *claim, int rejected, const char *check, unsigned long n,
                    const char *fmt, ...)
{
  char detail[1500];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  qc_record(q, claim, "control", QC_MUST_HOLD, rejected, check, n, "%s: %s", detail,
            rejected ? "rejected, as it must be" : "NOT rejected: the check cannot fail");
}

static const char *qs(char *buf, const mpq_t v) { return qc_qstr(buf, 64, v); }

/* ---------------------------------------------------------------------
 * The continuous Langevin SDE: stationarity of pi, pointwise, in MPFR. */

/* pi: a Gaussian N(mu, s2) (w2 = 0) or the mixture (1-w2) N(mu, s2) + w2 N(mu2, s22). */
typedef struct {
  double mu, s2, mu2, s22, w2, tau;
  double drift_scale, diff_scale;   /* 1, 1 for the statement; perturbed in the controls */
  int doc_drift;                    /* 1: the document's drift tau^-1 sigma^-2 (mu - x) (Gaussian pi) */
} fp_par;

static void gauss_pdf(double m, double v, const mpfr_t x, mpfr_t out, mpfr_t d1)
{
  /* N(x; m, v) and its derivative -(x - m)/v N (the derivative only for the
   * general drift tau^-1 pi'/pi, never for the derivatives of the residual) */
  mpfr_prec_t pr = mpfr_get_prec(out);
  mpfr_t z, t;
  mpfr_inits2(pr, z, t, (mpfr_ptr)0);
  mpfr_sub_d(z, x, m, MPFR_RNDN);
  mpfr_sqr(t, z, MPFR_RNDN);
  mpfr_div_d(t, t, -2 * v, MPFR_RNDN);
  mpfr_exp(out, t, MPFR_RNDN);
  mpfr_const_pi(t, MPFR_RNDN);
  mpfr_mul_d(t, t, 2 * v, MPFR_RNDN);
  mpfr_sqrt(t, t, MPFR_RNDN);
  mpfr_div(out, out, t, MPFR_RNDN);
  mpfr_div_d(z, z, -v, MPFR_RNDN);
  mpfr_mul(d1, out, z, MPFR_RNDN);
  mpfr_clears(z, t, (mpfr_ptr)0);
}

static void pi_eval(const fp_par *p, const mpfr_t x, mpfr_t out, mpfr_t d1)
{
  gauss_pdf(p->mu, p->s2, x, out, d1);
  if (p->w2 == 0) return;
  mpfr_t o2, e2;
  mpfr_inits2(mpfr_get_prec(out), o2, e2, (mpfr_ptr)0);
  gauss_pdf(p->mu2, p->s22, x, o2, e2);
  mpfr_mul_d(out, out, 1 - p->w2, MPFR_RNDN);
  mpfr_mul_d(d1, d1, 1 - p->w2, MPFR_RNDN);
  mpfr_mul_d(o2, o2, p->w2, MPFR_RNDN);
  mpfr_mul_d(e2, e2, p->w2, MPFR_RNDN);
  mpfr_add(out, out, o2, MPFR_RNDN);
  mpfr_add(d1, d1, e2, MPFR_RNDN);
  mpfr_clears(o2, e2, (mpfr_ptr)0);
}

/* which = 0: pi(x); which = 1: the flux b(x) pi(x) with the drift
 * b = drift_scale tau^-1 sigma^-2 (mu - x) (as the document writes it) or
 * b = drift_scale tau^-1 pi'/pi (any pi). */
static void fp_fun(const fp_par *p, int which, const mpfr_t x, mpfr_t out)
{
  mpfr_t d1, b;
  mpfr_inits2(mpfr_get_prec(out), d1, b, (mpfr_ptr)0);
  pi_eval(p, x, out, d1);
  if (which == 1) {
    if (p->doc_drift) {
      mpfr_d_sub(b, p->mu, x, MPFR_RNDN);
      mpfr_div_d(b, b, p->tau * p->s2, MPFR_RNDN);  /* tau s2 is exact: both have 10 fraction bits */
    } else {
      mpfr_div(b, d1, out, MPFR_RNDN);
      mpfr_div_d(b, b, p->tau, MPFR_RNDN);
    }
    mpfr_mul_d(b, b, p->drift_scale, MPFR_RNDN);
    mpfr_mul(out, out, b, MPFR_RNDN);
  }
  mpfr_clears(d1, b, (mpfr_ptr)0);
}

/* The order-th derivative (1 or 2) of fp_fun(which) at x by the 8th-order
 * central difference with step 2^-24: truncation ~ 2^-192 times a tenth
 * derivative of size O(1) here, rounding ~ 2^-FP_PREC / step^2 = 2^-464. */
static void fd(const fp_par *p, int which, int order, const mpfr_t x, mpfr_t out)
{
  static const long n1[4] = { 4, -1, 4, -1 }, d1[4] = { 5, 5, 105, 280 };     /* 4/5 -1/5 4/105 -1/280 */
  static const long n2[4] = { 8, -1, 8, -1 }, d2[4] = { 5, 5, 315, 560 };     /* 8/5 -1/5 8/315 -1/560 */
  mpfr_t h, xx, fp, fm, c;
  mpfr_inits2(FP_PREC, h, xx, fp, fm, c, (mpfr_ptr)0);
  mpfr_set_ui_2exp(h, 1, -24, MPFR_RNDN);
  if (order == 2) {
    fp_fun(p, which, x, fp);
    mpfr_mul_si(out, fp, -205, MPFR_RNDN);
    mpfr_div_ui(out, out, 72, MPFR_RNDN);           /* -205/72 f(x) */
  } else {
    mpfr_set_zero(out, 1);
  }
  for (int k = 1; k <= 4; k++) {
    mpfr_mul_ui(xx, h, (unsigned long)k, MPFR_RNDN);
    mpfr_add(xx, x, xx, MPFR_RNDN);
    fp_fun(p, which, xx, fp);
    mpfr_mul_ui(xx, h, (unsigned long)k, MPFR_RNDN);
    mpfr_sub(xx, x, xx, MPFR_RNDN);
    fp_fun(p, which, xx, fm);
    if (order == 1) mpfr_sub(fp, fp, fm, MPFR_RNDN); else mpfr_add(fp, fp, fm, MPFR_RNDN);
    mpfr_set_si(c, order == 1 ? n1[k - 1] : n2[k - 1], MPFR_RNDN);
    mpfr_div_si(c, c, order == 1 ? d1[k - 1] : d2[k - 1], MPFR_RNDN);
    mpfr_mul(fp, fp, c, MPFR_RNDN);
    mpfr_add(out, out, fp, MPFR_RNDN);
  }
  mpfr_div(out, out, h, MPFR_RNDN);
  if (order == 2) mpfr_div(out, out, h, MPFR_RNDN);
  mpfr_clears(h, xx, fp, fm, c, (mpfr_ptr)0);
}

/* Relative stationary Fokker-Planck residual at x:
 *   R = -(b pi)' + (g^2/2) pi'',  g^2/2 = diff_scale^2 / tau,
 *   rel = |R| / (|(b pi)'| + |(g^2/2) pi''|). */
static double fp_rel_residual(const fp_par *p, double xd)
{
  mpfr_t x, flux, curv, r, scale;
  mpfr_inits2(FP_PREC, x, flux, curv, r, scale, (mpfr_ptr)0);
  mpfr_set_d(x, xd, MPFR_RNDN);
  fd(p, 1, 1, x, flux);
  fd(p, 0, 2, x, curv);
  mpfr_mul_d(curv, curv, p->diff_scale, MPFR_RNDN);
  mpfr_mul_d(curv, curv, p->diff_scale, MPFR_RNDN);
  mpfr_div_d(curv, curv, p->tau, MPFR_RNDN);
  mpfr_sub(r, curv, flux, MPFR_RNDN);
  mpfr_abs(flux, flux, MPFR_RNDN);
  mpfr_abs(scale, curv, MPFR_RNDN);
  mpfr_add(scale, scale, flux, MPFR_RNDN);
  mpfr_abs(r, r, MPFR_RNDN);
  mpfr_div(r, r, scale, MPFR_RNDN);
  double rel = mpfr_get_d(r, MPFR_RNDU);
  mpfr_clears(x, flux, curv, r, scale, (mpfr_ptr)0);
  return rel;
}

/* Worst relative residual over QC_POINTS random (parameters, x); the
 * parameters are dyadic (exact in binary), x within 6 sd of the mean. */
static double fp_worst(qcheck *q, int mixture, double drift_scale, double diff_scale, double *best)
{
  double worst = 0, least = INFINITY;
  for (int i = 0; i < QC_POINTS; i++) {
    fp_par p = { 0 };
    p.mu = ldexp(floor(ldexp(gsl_rng_uniform(q->rng) * 6 - 3, 10)), -10);
    p.s2 = ldexp(floor(ldexp(0.05 + gsl_rng_uniform(q->rng) * 4, 10)), -10);
    p.tau = ldexp(floor(ldexp(0.1 + gsl_rng_uniform(q->rng) * 5, 10)), -10);
    if (i == 0) { p.mu = 0; p.s2 = 1; p.tau = 1; }      /* the demo's pi and tau */
    p.drift_scale = drift_scale;
    p.diff_scale = diff_scale;
    p.doc_drift = !mixture;
    if (mixture) {
      p.mu2 = p.mu + 1 + gsl_rng_uniform(q->rng) * 4;
      p.s22 = ldexp(floor(ldexp(0.05 + gsl_rng_uniform(q->rng) * 2, 10)), -10);
      p.w2 = ldexp(floor(ldexp(0.1 + gsl_rng_uniform(q->rng) * 0.8, 10)), -10);
    }
    double x = p.mu + (gsl_rng_uniform(q->rng) * 12 - 6) * sqrt(p.s2);
    double rel = fp_rel_residual(&p, x);
    if (!(rel <= worst)) worst = rel;                 /* NaN propagates as a failure */
    if (rel < least) least = rel;
  }
  *best = least;
  return worst;
}

static void check_fokker_planck(qcheck *q)
{
  double least, worst = fp_worst(q, 0, 1, 1, &least);
  int pass = worst < FP_TOL;
  qc_record(q, "langevin.fp.stationary", "numeric", QC_MUST_HOLD, pass, "stationary Fokker-Planck residual at pi",
            QC_POINTS, "R = -(b pi)' + (1/tau) pi'' with b = tau^-1 sigma^-2 (mu - x) and g^2/2 = (sqrt(2/tau))^2/2, pi = "
            "N(mu, sigma^2), derivatives by 8th-order central differences at %d bits: worst |R|/(|(b pi)'| + |pi''/tau|) "
            "= %.2g < %.0e over %d random (mu, sigma^2, tau, x within 6 sd; the first the demo's mu=0, sigma=tau=1)",
            FP_PREC, worst, FP_TOL, QC_POINTS);
  /* the same check with a perturbed drift (x 8/7) and a perturbed diffusion
   * (sqrt(1/tau): the sqrt(2) missing) must leave residuals everywhere */
  double least_d, least_g;
  fp_worst(q, 0, 8.0 / 7, 1, &least_d);
  fp_worst(q, 0, 1, sqrt(0.5), &least_g);
  control(q, "langevin.fp.stationary", least_d >= FP_TOL, "stationary Fokker-Planck residual at pi",
          QC_POINTS, "drift tau^-1 sigma^-2 (mu - x) times 8/7: smallest relative residual %.3g (exact: 1/15) >= %.0e at "
          "every point", least_d, FP_TOL);
  control(q, "langevin.fp.stationary", least_g >= FP_TOL, "stationary Fokker-Planck residual at pi",
          QC_POINTS, "diffusion sqrt(1/tau) (the sqrt(2) missing): smallest relative residual %.3g (exact: 1/3) >= %.0e at "
          "every point", least_g, FP_TOL);

  worst = fp_worst(q, 1, 1, 1, &least);
  qc_record(q, "langevin.fp.general", "numeric", QC_MUST_HOLD, worst < FP_TOL,
            "stationary Fokker-Planck residual at a mixture pi", QC_POINTS,
            "pi = two-component Gaussian mixture, b = tau^-1 pi'/pi, g = sqrt(2/tau): worst relative residual %.2g < %.0e "
            "over %d random mixtures and x (8th-order central differences at %d bits)", worst, FP_TOL, QC_POINTS, FP_PREC);
  fp_worst(q, 1, 8.0 / 7, 1, &least_d);
  control(q, "langevin.fp.general", least_d >= FP_TOL, "stationary Fokker-Planck residual at a mixture pi",
          QC_POINTS, "drift tau^-1 pi'/pi times 8/7: smallest relative residual %.3g >= %.0e at every point", least_d, FP_TOL);
}

/* ---------------------------------------------------------------------
 * The Euler-Maruyama chain, exactly. */

typedef struct {
  mpq_t mu, s2, tau, h, dt, rho, r2, c, V, t, u;
} chain;

static void chain_init(chain *p) { mpq_inits(p->mu, p->s2, p->tau, p->h, p->dt, p->rho, p->r2, p->c, p->V, p->t, p->u, NULL); }
static void chain_clear(chain *p) { mpq_clears(p->mu, p->s2, p->tau, p->h, p->dt, p->rho, p->r2, p->c, p->V, p->t, p->u, NULL); }

/* Derived quantities from (mu, s2, tau, h): dt = h tau s2, rho = 1 - h,
 * c = 2 dt/tau, V = s2/(1 - h/2) (only if h != 2). */
static void chain_derive(chain *p)
{
  mpq_mul(p->dt, p->h, p->tau); mpq_mul(p->dt, p->dt, p->s2);
  mpq_set_ui(p->rho, 1, 1); mpq_sub(p->rho, p->rho, p->h); mpq_mul(p->r2, p->rho, p->rho);
  mpq_mul_2exp(p->c, p->dt, 1); mpq_div(p->c, p->c, p->tau);
  mpq_div_2exp(p->t, p->h, 1); mpq_set_ui(p->u, 1, 1); mpq_sub(p->u, p->u, p->t);
  if (mpq_sgn(p->u)) mpq_div(p->V, p->s2, p->u); else mpq_set_ui(p->V, 0, 1);
}

/* Random (mu, s2, tau) and h = lo + (hi - lo) a/(a + b) in (lo, hi). */
static void chain_random(qcheck *q, chain *p, unsigned lo, unsigned hi)
{
  qc_random(q, p->mu); qc_random_pos(q, p->s2); qc_random_pos(q, p->tau);
  qc_random_pos(q, p->t); qc_random_pos(q, p->u);
  mpq_add(p->h, p->t, p->u); mpq_div(p->h, p->t, p->h);
  mpq_set_ui(p->t, hi - lo, 1); mpq_mul(p->h, p->h, p->t);
  mpq_set_ui(p->t, lo, 1); mpq_add(p->h, p->h, p->t);
  chain_derive(p);
}

/* One step of the moment recursion: m' = rho m + h mu, v' = rho^2 v + c. */
static void chain_step(const chain *p, mpq_t m, mpq_t v, mpq_t tmp)
{
  mpq_mul(m, m, p->rho); mpq_mul(tmp, p->h, p->mu); mpq_add(m, m, tmp);
  mpq_mul(v, v, p->r2); mpq_add(v, v, p->c);
}

/* 1. The moment recursion from the update itself: x' = x + (mu - x)/tau/sigma^2 dt + e,
 *    e ~ N(0, c) independent of x, whose law is arbitrary (mean m, variance v). */
static void check_recursion(qcheck *q)
{
  chain p;
  chain_init(&p);
  bpoly x1, sq;
  bp_init(&x1); bp_init(&sq);
  mpq_t mx[BP_DEG + 1], me[BP_DEG + 1], md[BP_DEG + 1], zero, c0, cx, one, m, v, e1, e2, want, w2, doc;
  for (int k = 0; k <= BP_DEG; k++) { mpq_init(mx[k]); mpq_init(me[k]); mpq_init(md[k]); }
  mpq_inits(zero, c0, cx, one, m, v, e1, e2, want, w2, doc, NULL);
  mpq_set_ui(one, 1, 1);
  int ok = 1, rejected = 1;
  for (int i = 0; i < QC_POINTS; i++) {
    chain_random(q, &p, 0, 2);
    qc_random(q, m); qc_random_pos(q, v);
    /* an arbitrary start law: E x = m, E x^2 = m^2 + v, higher moments random */
    mpq_set_ui(mx[0], 1, 1); mpq_set(mx[1], m); mpq_mul(mx[2], m, m); mpq_add(mx[2], mx[2], v);
    for (int k = 3; k <= BP_DEG; k++) qc_random(q, mx[k]);
    qc_gauss_moments(me, BP_DEG, zero, p.c);
    /* the demo's update: drift (mu - x)/tau/sigma^2 dt */
    mpq_div(cx, p.dt, p.tau); mpq_div(cx, cx, p.s2);
    mpq_mul(c0, p.mu, cx);
    mpq_sub(cx, one, cx);
    bp_lin(&x1, c0, cx, one);
    bp_mul(&sq, &x1, &x1);
    bp_expect_moments(e1, &x1, mx, me);
    bp_expect_moments(e2, &sq, mx, me);
    mpq_mul(w2, e1, e1); mpq_sub(e2, e2, w2);                  /* Var x' */
    mpq_mul(want, p.rho, m); mpq_mul(w2, p.h, p.mu); mpq_add(want, want, w2);
    ok &= mpq_equal(e1, want);
    mpq_mul(want, p.r2, v); mpq_add(want, want, p.c);
    ok &= mpq_equal(e2, want);
    /* control: the same expectation with the document's kernel variance g^2 = 2/tau */
    mpq_set_ui(doc, 2, 1); mpq_div(doc, doc, p.tau);
    qc_gauss_moments(md, BP_DEG, zero, doc);
    bp_expect_moments(e2, &sq, mx, md);
    mpq_mul(w2, e1, e1); mpq_sub(e2, e2, w2);
    rejected &= !mpq_equal(e2, want);
  }
  const char *chk = "E, Var of the update = rho m + h mu, rho^2 v + 2dt/tau";
  qc_record(q, "langevin.em.recursion", "exact", QC_MUST_HOLD, ok, chk, QC_POINTS,
            "x' = x + (mu - x)/tau/sigma^2 dt + e (the demo's update, e = sqrt(2dt/tau) z independent of x): E x' and Var x' "
            "by exact expectation over random rational start moments (any law) and the Gaussian moments of e, at %d random "
            "rational (mu, sigma^2, tau, h, m, v) (degree 6: false pass <= 10^%.0f)", QC_POINTS, qc_sz_log10(6, QC_POINTS));
  control(q, "langevin.em.recursion", rejected, chk, QC_POINTS,
          "the same expectation with the noise variance g^2 = 2/tau of 001's kernel as written (sde.doc.forward.kernel) "
          "instead of g^2 dt");
  for (int k = 0; k <= BP_DEG; k++) { mpq_clear(mx[k]); mpq_clear(me[k]); mpq_clear(md[k]); }
  mpq_clears(zero, c0, cx, one, m, v, e1, e2, want, w2, doc, NULL);
  bp_clear(&x1); bp_clear(&sq);
  chain_clear(&p);
}

/* 2. The k-step law: m_k = mu + rho^k (m0 - mu), v_k = V + rho^2k (v0 - V),
 *    V = sigma^2/(1 - h/2), against K_STEPS iterations of the recursion, for
 *    h in (0, 2) and in (2, 4) (the closed form needs only rho^2 != 1). */
static void check_kstep(qcheck *q)
{
  chain p;
  chain_init(&p);
  mpq_t m, v, m0, v0, rk, want, tmp, bad;
  mpq_inits(m, v, m0, v0, rk, want, tmp, bad, NULL);
  int ok = 1, rejected = 1, zero_start = 1;
  for (int i = 0; i < QC_POINTS; i++) {
    chain_random(q, &p, i % 2 ? 2 : 0, i % 2 ? 4 : 2);
    qc_random(q, m0); qc_random_pos(q, v0);
    if (i < 2) { mpq_set_ui(m0, 0, 1); mpq_set_ui(v0, 0, 1); }  /* the demo's start x0 = 0 */
    mpq_set(m, m0); mpq_set(v, v0); mpq_set_ui(rk, 1, 1);
    int wrong_somewhere = 0;
    for (int k = 1; k <= K_STEPS; k++) {
      chain_step(&p, m, v, tmp);
      mpq_mul(rk, rk, p.rho);                                    /* rho^k */
      mpq_sub(want, m0, p.mu); mpq_mul(want, want, rk); mpq_add(want, want, p.mu);
      ok &= mpq_equal(want, m);
      mpq_sub(tmp, v0, p.V); mpq_mul(want, tmp, rk); mpq_mul(want, want, rk); mpq_add(want, want, p.V);
      ok &= mpq_equal(want, v);
      if (mpq_sgn(v0) == 0) {                                    /* v_k = V (1 - rho^2k) = c (1 - rho^2k)/(1 - rho^2) */
        mpq_mul(tmp, rk, rk); mpq_set_ui(bad, 1, 1); mpq_sub(tmp, bad, tmp);
        mpq_set_ui(bad, 1, 1); mpq_sub(bad, bad, p.r2); mpq_div(want, p.c, bad); mpq_mul(want, want, tmp);
        zero_start &= mpq_equal(want, v);
      }
      /* control: the variance's transient decaying like rho^k instead of rho^2k */
      mpq_sub(bad, v0, p.V); mpq_mul(bad, bad, rk); mpq_add(bad, bad, p.V);
      wrong_somewhere |= !mpq_equal(bad, v);
    }
    rejected &= wrong_somewhere;
  }
  const char *chk = "k-step mean and variance = closed form";
  qc_record(q, "langevin.em.kstep", "exact", QC_MUST_HOLD, ok && zero_start, chk, QC_POINTS,
            "mu + rho^k (m0 - mu) and V + rho^2k (v0 - V), V = sigma^2/(1 - h/2), equal the recursion iterated k = 1..%d "
            "times, exactly, at %d random rational points (half with h in (0,2), half with h in (2,4); two from the demo's "
            "start x0 = 0, where v_k = (2dt/tau)(1 - rho^2k)/(1 - rho^2) as in elbo.langevin.moments) (degree <= %d: false "
            "pass <= 10^%.0f)", K_STEPS, QC_POINTS, 2 * K_STEPS + 4, qc_sz_log10(2 * K_STEPS + 4, QC_POINTS));
  control(q, "langevin.em.kstep", rejected, chk, QC_POINTS,
          "the closed form with the transient V + rho^k (v0 - V) (rho^k in place of rho^2k) differs from the recursion at "
          "some k <= %d at every point", K_STEPS);
  mpq_clears(m, v, m0, v0, rk, want, tmp, bad, NULL);
  chain_clear(&p);
}

/* 3. The bias of the stationary variance: V - sigma^2 = sigma^2 h/(2 - h). */
static void check_bias(qcheck *q)
{
  chain p;
  chain_init(&p);
  mpq_t lhs, rhs, tmp, half;
  mpq_inits(lhs, rhs, tmp, half, NULL);
  int ok = 1, bounds = 1, rejected = 1;
  for (int i = 0; i < QC_POINTS; i++) {
    chain_random(q, &p, 0, 2);
    mpq_sub(lhs, p.V, p.s2);
    mpq_set_ui(tmp, 2, 1); mpq_sub(tmp, tmp, p.h); mpq_div(rhs, p.h, tmp); mpq_mul(rhs, rhs, p.s2);
    ok &= mpq_equal(lhs, rhs);
    mpq_div(tmp, lhs, p.s2);                                   /* relative bias h/(2-h) */
    mpq_div_2exp(half, p.h, 1);
    bounds &= mpq_cmp(tmp, half) > 0 && (mpq_cmp_ui(p.h, 1, 1) > 0 || mpq_cmp(tmp, p.h) <= 0);
    mpq_mul(half, half, p.s2);
    rejected &= !mpq_equal(lhs, half);                          /* control: first-order bias sigma^2 h/2 */
  }
  const char *chk = "V - sigma^2 = sigma^2 h/(2 - h)";
  qc_record(q, "langevin.em.bias", "exact", QC_MUST_HOLD, ok && bounds, chk, QC_POINTS,
            "exact at %d random rational (sigma^2, tau, 0 < h < 2) (degree 3: false pass <= 10^%.0f); the relative bias "
            "h/(2-h) lies in (h/2, h] for h <= 1 at every point", QC_POINTS, qc_sz_log10(3, QC_POINTS));
  control(q, "langevin.em.bias", rejected, chk, QC_POINTS,
          "the first-order bias sigma^2 h/2 in place of sigma^2 h/(2 - h)");
  mpq_clears(lhs, rhs, tmp, half, NULL);
  chain_clear(&p);
}

/* 4. Stability: the moments converge for every start iff 0 < h < 2. */
static int contracts(qcheck *q, chain *p, unsigned lo, unsigned hi, int *checked)
{
  /* |rho| < 1, and one step maps v - V to rho^2 (v - V) and m - mu to rho (m - mu) */
  int ok = 1;
  mpq_t m, v, m0, v0, tmp, d;
  mpq_inits(m, v, m0, v0, tmp, d, NULL);
  for (int i = 0; i < QC_POINTS; i++) {
    chain_random(q, p, lo, hi);
    if (!mpq_cmp_ui(p->h, 2, 1)) continue;
    (*checked)++;
    qc_random(q, m0); qc_random_pos(q, v0);
    mpq_set(m, m0); mpq_set(v, v0);
    chain_step(p, m, v, tmp);
    mpq_sub(d, v0, p->V); mpq_mul(d, d, p->r2); mpq_add(d, d, p->V);
    ok &= mpq_equal(d, v);
    mpq_sub(d, m0, p->mu); mpq_mul(d, d, p->rho); mpq_add(d, d, p->mu);
    ok &= mpq_equal(d, m);
    ok &= mpq_cmp_ui(p->r2, 1, 1) < 0;
  }
  mpq_clears(m, v, m0, v0, tmp, d, NULL);
  return ok;
}

static void check_stability(qcheck *q)
{
  chain p;
  chain_init(&p);
  int n_in = 0, n_out = 0, n_ctl = 0;
  int inside = contracts(q, &p, 0, 2, &n_in);
  /* h >= 2 (h = 2 exactly at the first point): v_k >= v0 + k c for every k, unbounded */
  mpq_t m, v, v0, tmp, lin;
  mpq_inits(m, v, v0, tmp, lin, NULL);
  int grows = 1;
  for (int i = 0; i < QC_POINTS; i++, n_out++) {
    chain_random(q, &p, 2, 6);
    if (i == 0) { mpq_set_ui(p.h, 2, 1); chain_derive(&p); }
    qc_random_pos(q, v0); mpq_set_ui(m, 0, 1); mpq_set(v, v0);
    for (int k = 1; k <= K_STEPS; k++) {
      chain_step(&p, m, v, tmp);
      mpq_set_ui(lin, (unsigned long)k, 1); mpq_mul(lin, lin, p.c); mpq_add(lin, lin, v0);
      grows &= i == 0 ? mpq_equal(v, lin) : mpq_cmp(v, lin) >= 0;
    }
  }
  const char *chk = "moments contract for every start iff 0 < h < 2";
  qc_record(q, "langevin.em.stability", "exact", QC_MUST_HOLD, inside && grows, chk, (unsigned long)(n_in + n_out),
            "h = dt/(tau sigma^2): at %d random rational h in (0,2), rho^2 < 1 and one step maps (m - mu, v - V) to "
            "(rho (m - mu), rho^2 (v - V)) exactly; at %d random h in [2,6) (the first h = 2, where v_k = v0 + k 2dt/tau "
            "exactly), v_k >= v0 + k 2dt/tau for k = 1..%d, so the variance grows without bound", n_in, n_out, K_STEPS);
  /* the perturbed range 0 < h < 4 (|1 - h| < 1 misread as h < 4): the same check on (2, 4) */
  int ctl = contracts(q, &p, 2, 4, &n_ctl);
  control(q, "langevin.em.stability", !ctl, chk, (unsigned long)n_ctl,
          "the perturbed range 0 < h < 4: at %d random rational h in (2,4) the contraction check fails (rho^2 > 1)", n_ctl);
  mpq_clears(m, v, v0, tmp, lin, NULL);
  chain_clear(&p);
}

/* ---------------------------------------------------------------------
 * The demo: its parameters, its comments, and the figure's data. */

/* The demo's parameters (001, the Langevin demo code): mu = 0, sigma = 1,
 * tau = 1, dt = 0.01 tau, tLen = 10, num_steps = int(tLen/dt), x[0,:] = 0,
 * num_trials = 5000. As rationals: dt = 1/100. */
static void demo_chain(chain *p)
{
  mpq_set_ui(p->mu, 0, 1); mpq_set_ui(p->s2, 1, 1); mpq_set_ui(p->tau, 1, 1);
  mpq_set_ui(p->h, 1, 100);
  chain_derive(p);
}

static int demo_steps(void)
{
  volatile double tlen = 10, dt = 0.01 * 1.0;   /* Python's int(tLen / dt) in binary64 */
  return (int)(tlen / dt);
}

static void check_demo_values(qcheck *q)
{
  chain p;
  chain_init(&p);
  demo_chain(&p);
  int steps = demo_steps();
  mpq_t m, v, tmp, r2k, want, cont, bias;
  mpq_inits(m, v, tmp, r2k, want, cont, bias, NULL);
  mpq_set_ui(m, 0, 1); mpq_set_ui(v, 0, 1);
  for (int k = 0; k < steps; k++) chain_step(&p, m, v, tmp);
  mpq_set_ui(r2k, 1, 1);
  for (int k = 0; k < steps; k++) mpq_mul(r2k, r2k, p.r2);       /* (99/100)^(2 steps) */
  mpq_set_ui(tmp, 1, 1); mpq_sub(tmp, tmp, r2k);
  mpq_set_ui(want, 200, 199); mpq_mul(want, want, tmp);           /* (200/199)(1 - 0.99^2000) */
  mpq_sub(bias, p.V, p.s2);
  int stable = mpq_cmp_ui(p.h, 2, 1) < 0 && mpq_sgn(p.h) > 0;
  int ok = steps == 1000 && mpq_sgn(m) == 0 && mpq_equal(v, want) && !mpq_cmp_ui(p.V, 200, 199) &&
           !mpq_cmp_ui(bias, 1, 199) && stable;
  /* control: the continuous-time stationary variance sigma^2 in place of V */
  mpq_mul(cont, p.s2, tmp);
  int rejected = !mpq_equal(v, cont);
  mpfr_t a, b;
  mpfr_inits2(QC_PREC, a, b, (mpfr_ptr)0);
  mpfr_set_q(a, r2k, MPFR_RNDN);
  mpfr_set_q(b, v, MPFR_RNDN);
  double r2kd = mpfr_get_d(a, MPFR_RNDN), vd = mpfr_get_d(b, MPFR_RNDN);
  mpfr_set_si(a, -20, MPFR_RNDN); mpfr_exp(a, a, MPFR_RNDN);
  double e20 = mpfr_get_d(a, MPFR_RNDN);
  mpfr_clears(a, b, (mpfr_ptr)0);
  const double V = 200.0 / 199, se = V * sqrt(2.0 / 4999);
  const double need = 2 * pow(5.3 * 199, 2);
  const char *chk = "demo: h = 1/100, final law N(0, (200/199)(1 - 0.99^2000))";
  qc_record(q, "langevin.demo.values", "exact", QC_MUST_HOLD, ok, chk, (unsigned long)steps,
            "mu=0, sigma=tau=1, dt=1/100, int(tLen/dt) = %d steps (binary64, as Python computes it) from x0=0: h = 1/100 "
            "(inside 0 < h < 2); the recursion iterated %d times exactly gives mean 0 and variance (200/199)(1 - (99/100)^%d) "
            "= %.17g ((99/100)^%d = %.4g); V = 200/199, bias V - sigma^2 = 1/199 (%.4f%%); the continuous-time variance at "
            "t = 10 is 1 - e^-20 = 1 - %.3g. The demo's 5000 trials estimate the variance with standard error %.4f, %.1f times "
            "the bias: resolving the bias at |z| = 5.3 needs about %.2g trials", steps, steps, 2 * steps, vd, 2 * steps,
            r2kd, 100.0 / 199, e20, se, se / (1.0 / 199), need);
  control(q, "langevin.demo.values", rejected, chk, (unsigned long)steps,
          "the final variance with the continuous-time stationary sigma^2 = 1 in place of 200/199, 1 - 0.99^2000, differs "
          "from the recursion");
  mpq_clears(m, v, tmp, r2k, want, cont, bias, NULL);
  chain_clear(&p);
}

/* "Forward process: Langevin sampling dynamics of a given (posterior)
 * distribution p(x)": the chain's stationary law is N(mu, V), not p. */
static void check_comment_target(qcheck *q)
{
  chain p;
  chain_init(&p);
  mpq_t v, tmp, rel;
  mpq_inits(v, tmp, rel, NULL);
  char cxs[200] = "", b1[64], b2[64];
  int as_written = 1, bound = 1, rejected = 1;
  for (int i = 0; i < QC_POINTS; i++) {
    chain_random(q, &p, 0, 1);
    if (i == 0) demo_chain(&p);
    /* p is stationary for the chain iff one step maps Var sigma^2 to sigma^2 */
    mpq_mul(v, p.r2, p.s2); mpq_add(v, v, p.c);
    if (!mpq_equal(v, p.s2) && as_written) {
      as_written = 0;
      snprintf(cxs, sizeof cxs, "counterexample (the demo's mu=0, sigma=tau=1, dt=1/100): one step from p = N(0, 1) has "
               "variance %s != 1; the stationary variance is %s", qs(b1, v), qs(b2, p.V));
    }
    /* the approximation: |V/sigma^2 - 1| = h/(2 - h) <= h for 0 < h <= 1 */
    mpq_div(rel, p.V, p.s2); mpq_set_ui(tmp, 1, 1); mpq_sub(rel, rel, tmp);
    bound &= mpq_sgn(rel) > 0 && mpq_cmp(rel, p.h) <= 0;
    mpq_div_2exp(tmp, p.h, 1);
    rejected &= mpq_cmp(rel, tmp) > 0;                          /* control: the bound h/2 is exceeded */
  }
  qc_record(q, "langevin.doc.comment.target", "exact", QC_AS_WRITTEN, as_written, "the chain samples p(x) = N(mu, sigma^2)",
            QC_POINTS, "%s", cxs);
  const char *chk = "relative variance error h/(2-h) <= h";
  qc_record(q, "langevin.doc.comment.target", "approx", QC_MUST_HOLD, bound, chk, QC_POINTS,
            "the chain's stationary law N(mu, sigma^2/(1 - h/2)) approximates p with relative variance error h/(2-h) in "
            "(0, h] for 0 < h <= 1, exactly at %d random rational points; at the demo's h = 1/100 it is 1/199", QC_POINTS);
  control(q, "langevin.doc.comment.target", rejected, chk, QC_POINTS,
          "the tighter bound h/2 (first order) is exceeded at every point: h/(2-h) > h/2");
  mpq_clears(v, tmp, rel, NULL);
  chain_clear(&p);
}

/* "Diffuse from uniform distribution to p(x)" against x[0,:] = 0. The law
 * of x_k from the code's start (m0, v0) = (0, 0) and from U(a, b) differ in
 * variance by rho^2k (b - a)^2/12 > 0 at every k. */
static void check_comment_start(qcheck *q)
{
  chain p;
  chain_init(&p);
  mpq_t a, b, m, v, mu, vu, tmp, want;
  mpq_inits(a, b, m, v, mu, vu, tmp, want, NULL);
  char cx[300] = "", s2[64], s3[64];
  int as_written = 1, corrected = 1, rejected = 1;
  for (int i = 0; i < QC_POINTS; i++) {
    chain_random(q, &p, 0, 2);
    if (i == 0) demo_chain(&p);
    qc_random(q, a); qc_random_pos(q, tmp); mpq_add(b, a, tmp);     /* a < b */
    if (i == 0) { mpq_set_si(a, -1, 1); mpq_set_ui(tmp, 2, 1); mpq_set_ui(b, 1, 1); }
    mpq_set_ui(m, 0, 1); mpq_set_ui(v, 0, 1);                         /* the code: x[0,:] = 0 */
    mpq_add(mu, a, b); mpq_div_2exp(mu, mu, 1);                       /* U(a, b): mean (a+b)/2 */
    mpq_mul(vu, tmp, tmp); mpq_set_ui(want, 12, 1); mpq_div(vu, vu, want);  /* variance (b-a)^2/12 */
    int same = mpq_equal(v, vu), differs_ctl = !same;
    for (int k = 1; k <= K_STEPS; k++) {
      chain_step(&p, m, v, tmp);
      chain_step(&p, mu, vu, tmp);
      same &= mpq_equal(v, vu);
      /* corrected: from the point mass at 0, v_k = V (1 - rho^2k), m_k = mu (1 - rho^k) */
      mpq_set_ui(want, 1, 1);
      for (int j = 0; j < k; j++) mpq_mul(want, want, p.r2);
      mpq_set_ui(tmp, 1, 1); mpq_sub(tmp, tmp, want); mpq_mul(want, tmp, p.V);
      corrected &= mpq_equal(want, v);
      differs_ctl |= !mpq_equal(want, vu);
    }
    rejected &= differs_ctl;
    if (!same && as_written) {
      as_written = 0;
      snprintf(cx, sizeof cx, "counterexample: the demo's chain (dt = 1/100) from x[0,:] = 0 has Var x_%d = %.6f; from "
               "U(%s, %s) it would be %.6f, larger by rho^%d (b-a)^2/12 (at k = 0: 0 against the uniform's (b-a)^2/12 > 0)",
               K_STEPS, mpq_get_d(v), qs(s2, a), qs(s3, b), mpq_get_d(vu), 2 * K_STEPS);
    }
  }
  qc_record(q, "langevin.doc.comment.start", "exact", QC_AS_WRITTEN, as_written,
            "the demo diffuses from a uniform distribution", QC_POINTS, "%s", cx);
  const char *chk = "from x0 = 0: Var x_k = V (1 - rho^2k)";
  qc_record(q, "langevin.doc.comment.start", "corrected", QC_MUST_HOLD, corrected, chk, QC_POINTS,
            "the chain started at the point mass x[0,:] = 0 (as the code does) has variance V (1 - rho^2k), k = 1..%d, "
            "exactly at %d random rational points (the first the demo's)", K_STEPS, QC_POINTS);
  control(q, "langevin.doc.comment.start", rejected, chk, QC_POINTS,
          "the variance of the chain started from a uniform U(a, b), a < b random, differs from V (1 - rho^2k) at every "
          "point");
  mpq_clears(a, b, m, v, mu, vu, tmp, want, NULL);
  chain_clear(&p);
}

/* logProbForward: "Unnormalized forward transition probability; x1: current
 * state, x2: next state". Its trans_mean and trans_var against the mean and
 * variance of the demo's own update dx = sigma**-2 (mu - x)/tau dt +
 * sqrt(2/tau dt) z; the difference of log N(x2; mean, var) and logProbForward
 * is then -log(2 pi var)/2, free of x1 and x2. */
static void check_code_kernel(qcheck *q)
{
  mpq_t mu, s2, tau, dt, x1, tm, tv, um, uv, tmp, doc;
  mpq_inits(mu, s2, tau, dt, x1, tm, tv, um, uv, tmp, doc, NULL);
  int ok = 1, rejected = 1;
  for (int i = 0; i < QC_POINTS; i++) {
    qc_random(q, mu); qc_random_pos(q, s2); qc_random_pos(q, tau); qc_random_pos(q, dt); qc_random(q, x1);
    /* logProbForward: diffusion_term = (mu - x1)/tau/sigma^2; trans_mean = x1 + diffusion_term dt; trans_var = 2 dt/tau */
    mpq_sub(tm, mu, x1); mpq_div(tm, tm, tau); mpq_div(tm, tm, s2); mpq_mul(tm, tm, dt); mpq_add(tm, tm, x1);
    mpq_set_ui(tv, 2, 1); mpq_mul(tv, tv, dt); mpq_div(tv, tv, tau);
    /* the update: E[x + dx] = x + sigma^-2 (mu - x)/tau dt, Var = (sqrt(2/tau dt))^2 = 2/tau dt */
    mpq_inv(um, s2); mpq_sub(tmp, mu, x1); mpq_mul(um, um, tmp); mpq_div(um, um, tau); mpq_mul(um, um, dt); mpq_add(um, um, x1);
    mpq_set_ui(uv, 2, 1); mpq_div(uv, uv, tau); mpq_mul(uv, uv, dt);
    ok &= mpq_equal(tm, um) && mpq_equal(tv, uv);
    mpq_set_ui(doc, 2, 1); mpq_div(doc, doc, tau);              /* 001's kernel variance g^2 as written */
    rejected &= !mpq_equal(doc, uv);
  }
  const char *chk = "trans_mean, trans_var = mean, variance of the update";
  qc_record(q, "langevin.doc.code.kernel", "exact", QC_MUST_HOLD, ok, chk, QC_POINTS,
            "logProbForward's trans_mean and trans_var equal the conditional mean and variance of the demo's update x + dx "
            "exactly at %d random rational (mu, sigma^2, tau, dt, x1) (degree 4: false pass <= 10^%.0f), so logProbForward "
            "= log N(x2; trans_mean, trans_var) + log(2 pi trans_var)/2: the transition log-density of the chain up to a "
            "constant in (x1, x2). Its diffusion_term is the drift f, not the diffusion g", QC_POINTS, qc_sz_log10(4, QC_POINTS));
  control(q, "langevin.doc.code.kernel", rejected, chk, QC_POINTS,
          "the kernel variance g^2 = 2/tau of 001's \"Forward process\" as written in place of the update's variance");
  mpq_clears(mu, s2, tau, dt, x1, tm, tv, um, uv, tmp, doc, NULL);
}

/* logProbBackward's comment: "Therefore \nabla_x_t log p(x_t+1) \approx
 * \nabla_x_t q(x_t+1 | \tilde{x}_t)", while the code computes score_approx =
 * (trans_mean_forward - x2)/trans_var. Derivatives of the quadratic
 * L(x1, x2) = -(x2 - m(x1))^2/(2v) by exact central differences. */
static void lq(mpq_t out, const mpq_t x1, const mpq_t x2, const mpq_t a, const mpq_t b, const mpq_t v)
{
  /* m(x1) = a x1 + b; out = -(x2 - m)^2/(2 v) */
  mpq_t t;
  mpq_init(t);
  mpq_mul(t, a, x1); mpq_add(t, t, b); mpq_sub(t, x2, t);
  mpq_mul(out, t, t); mpq_div(out, out, v); mpq_div_2exp(out, out, 1); mpq_neg(out, out);
  mpq_clear(t);
}

static void check_comment_score(qcheck *q)
{
  mpq_t mu, s2, tau, dt, x1, x2, a, b, v, m, sa, d, lp, lm, xp, xm, g1, g2;
  mpq_inits(mu, s2, tau, dt, x1, x2, a, b, v, m, sa, d, lp, lm, xp, xm, g1, g2, NULL);
  char cx[300] = "", c1[64], c2[64];
  int as_written = 1, corrected = 1, rejected = 1;
  for (int i = 0; i < QC_POINTS; i++) {
    qc_random(q, mu); qc_random_pos(q, s2); qc_random_pos(q, tau); qc_random_pos(q, dt);
    qc_random(q, x1); qc_random(q, x2); qc_random_pos(q, d);
    if (i == 0) {   /* the demo's parameters, from x1 = 1 to x2 = 1/2 */
      mpq_set_ui(mu, 0, 1); mpq_set_ui(s2, 1, 1); mpq_set_ui(tau, 1, 1); mpq_set_ui(dt, 1, 100);
      mpq_set_ui(x1, 1, 1); mpq_set_ui(x2, 1, 2);
    }
    mpq_div(a, dt, tau); mpq_div(a, a, s2); mpq_mul(b, a, mu);   /* m(x1) = (1 - dt/(tau s2)) x1 + mu dt/(tau s2) */
    mpq_set_ui(m, 1, 1); mpq_sub(a, m, a);
    mpq_set_ui(v, 2, 1); mpq_mul(v, v, dt); mpq_div(v, v, tau);
    mpq_mul(m, a, x1); mpq_add(m, m, b);
    mpq_sub(sa, m, x2); mpq_div(sa, sa, v);                       /* the code's score_approx */
    /* d/dx2 L and d/dx1 L by central differences (exact for a quadratic) */
    mpq_add(xp, x2, d); mpq_sub(xm, x2, d);
    lq(lp, x1, xp, a, b, v); lq(lm, x1, xm, a, b, v);
    mpq_sub(g2, lp, lm); mpq_div(g2, g2, d); mpq_div_2exp(g2, g2, 1);
    mpq_add(xp, x1, d); mpq_sub(xm, x1, d);
    lq(lp, xp, x2, a, b, v); lq(lm, xm, x2, a, b, v);
    mpq_sub(g1, lp, lm); mpq_div(g1, g1, d); mpq_div_2exp(g1, g1, 1);
    corrected &= mpq_equal(sa, g2);
    mpq_neg(lp, sa);
    rejected &= !mpq_equal(lp, g2);                               /* control: the sign-flipped score */
    if (!mpq_equal(sa, g1) && as_written) {
      as_written = 0;
      snprintf(cx, sizeof cx, "counterexample (the demo's mu=0, sigma=tau=1, dt=1/100; x1 = 1, x2 = 1/2): score_approx = "
               "%s but the gradient in the current state x_t, d/dx1 log q(x2|x1) = %s (= -(1 - h) score_approx); without "
               "the log, as written, it is further multiplied by q", qs(c1, sa), qs(c2, g1));
    }
  }
  qc_record(q, "langevin.doc.comment.score", "exact", QC_AS_WRITTEN, as_written,
            "score_approx = grad_{x_t} of q(x_{t+1} | x~_t) (the comment)", QC_POINTS, "%s", cx);
  const char *chk = "score_approx = d/dx2 log q(x2 | x1)";
  qc_record(q, "langevin.doc.comment.score", "corrected", QC_MUST_HOLD, corrected, chk, QC_POINTS,
            "the code's score_approx equals the gradient in the NEXT state x2 = x_{t+1} of log q(x2 | x1), by exact central "
            "differences of the quadratic at %d random rational points (degree 4: false pass <= 10^%.0f)", QC_POINTS,
            qc_sz_log10(4, QC_POINTS));
  control(q, "langevin.doc.comment.score", rejected, chk, QC_POINTS,
          "the sign-flipped score (x2 - trans_mean_forward)/trans_var");
  mpq_clears(mu, s2, tau, dt, x1, x2, a, b, v, m, sa, d, lp, lm, xp, xm, g1, g2, NULL);
}

/* "Backward process: the score function is approximated via sampling". At
 * stationarity x1 ~ N(mu, V), x2 = rho x1 + h mu + e, e ~ N(0, c); the code's
 * score_approx = (m_f(x1) - x2)/c = -e/c and the marginal score of x2 is
 * s = (mu - x2)/V. E[score_approx | x2] = s is checked as orthogonality of
 * score_approx - s to 1, x2, x2^2, x2^3 (for jointly Gaussian variables the
 * first two already imply it); the squared correlation is 1 - rho^2. */
static void check_comment_backward(qcheck *q)
{
  chain p;
  chain_init(&p);
  bpoly x2, sa, s, d, pw, tmp, prod;
  bpoly *bps[] = { &x2, &sa, &s, &d, &pw, &tmp, &prod };
  for (int i = 0; i < 7; i++) bp_init(bps[i]);
  mpq_t mx[BP_DEG + 1], me[BP_DEG + 1], zero, one, c0, cx, ce, e, ess, esa, ecross, corr2, want, doc;
  for (int k = 0; k <= BP_DEG; k++) { mpq_init(mx[k]); mpq_init(me[k]); }
  mpq_inits(zero, one, c0, cx, ce, e, ess, esa, ecross, corr2, want, doc, NULL);
  mpq_set_ui(one, 1, 1);
  int unbiased = 1, corr_ok = 1, rejected_doc = 1, rejected_corr = 1;
  char demo[64] = "";
  for (int i = 0; i < QC_POINTS; i++) {
    chain_random(q, &p, 0, 2);
    if (i == 0) demo_chain(&p);
    qc_gauss_moments(mx, BP_DEG, p.mu, p.V);
    qc_gauss_moments(me, BP_DEG, zero, p.c);
    mpq_mul(c0, p.h, p.mu);
    bp_lin(&x2, c0, p.rho, one);                                  /* x2 = rho x1 + h mu + e */
    mpq_inv(ce, p.c); mpq_neg(ce, ce);
    bp_lin(&sa, zero, zero, ce);                                  /* score_approx = -e/c */
    mpq_div(c0, p.mu, p.V); mpq_inv(cx, p.V); mpq_neg(cx, cx);
    bp_zero(&s); bp_lin(&tmp, c0, zero, zero);
    bp_axpy(&s, &tmp, cx, &x2);                                   /* s = (mu - x2)/V */
    for (int variant = 0; variant < 2; variant++) {
      /* variant 1: the score with 001's kernel variance g^2 = 2/tau in place of c = g^2 dt */
      mpq_set(want, ce);
      if (variant) { mpq_set_ui(doc, 2, 1); mpq_div(doc, doc, p.tau); mpq_inv(want, doc); mpq_neg(want, want); }
      bpoly *est = &tmp;
      bp_lin(est, zero, zero, want);
      mpq_set_si(doc, -1, 1);
      bp_axpy(&d, est, doc, &s);                                  /* d = estimate - s */
      int orth = 1;
      bp_lin(&pw, one, zero, zero);
      for (int j = 0; j <= 3; j++) {
        bp_mul(&prod, &d, &pw);
        bp_expect_moments(e, &prod, mx, me);
        orth &= mpq_sgn(e) == 0;
        bp_mul(&prod, &pw, &x2);
        for (int a = 0; a <= BP_DEG; a++) for (int b = 0; b <= BP_DEG; b++) mpq_set(pw.c[a][b], prod.c[a][b]);
      }
      if (variant) rejected_doc &= !orth; else unbiased &= orth;
    }
    bp_mul(&prod, &sa, &sa); bp_expect_moments(esa, &prod, mx, me);
    bp_mul(&prod, &s, &s); bp_expect_moments(ess, &prod, mx, me);
    bp_mul(&prod, &sa, &s); bp_expect_moments(ecross, &prod, mx, me);
    mpq_mul(corr2, ecross, ecross); mpq_div(corr2, corr2, esa); mpq_div(corr2, corr2, ess);
    mpq_set_ui(want, 1, 1); mpq_sub(want, want, p.r2);            /* 1 - rho^2 = h (2 - h) */
    corr_ok &= mpq_equal(corr2, want);
    rejected_corr &= !mpq_equal(corr2, p.h);                      /* control: first order h */
    if (i == 0) snprintf(demo, sizeof demo, "%s = %.4f", qs((char[64]){ 0 }, corr2), mpq_get_d(corr2));
  }
  const char *chk = "E[score_approx | x_{t+1}] = marginal score; corr^2 = 1 - rho^2";
  qc_record(q, "langevin.doc.comment.backward", "exact", QC_MUST_HOLD, unbiased && corr_ok, chk, QC_POINTS,
            "at stationarity (x_t ~ N(mu, sigma^2/(1-h/2))), score_approx - (mu - x_{t+1})/V is orthogonal to 1, x_{t+1}, "
            "x_{t+1}^2, x_{t+1}^3 and corr^2(score_approx, marginal score) = 1 - rho^2 = h(2-h), exactly by Gaussian "
            "moments at %d random rational points (degree <= 16: false pass <= 10^%.0f); at the demo's h = 1/100: corr^2 = %s",
            QC_POINTS, qc_sz_log10(16, QC_POINTS), demo);
  control(q, "langevin.doc.comment.backward", rejected_doc && rejected_corr, chk, QC_POINTS,
          "the estimate with 001's kernel variance g^2 = 2/tau (sde.doc.forward.kernel as written) is biased (not "
          "orthogonal), and the squared correlation h (first order) differs from the exact one at every point");
  for (int k = 0; k <= BP_DEG; k++) { mpq_clear(mx[k]); mpq_clear(me[k]); }
  mpq_clears(zero, one, c0, cx, ce, e, ess, esa, ecross, corr2, want, doc, NULL);
  for (int i = 0; i < 7; i++) bp_clear(bps[i]);
  chain_clear(&p);
}

/* The figure: Var x_k of the demo's chain (h = 1/100, x0 = 0) against k, with
 * the continuous-time variance 1 - e^{-2t}, the stationary V and sigma^2. */
static void write_figure(void)
{
  FILE *f = evidence_data_file("fig", "d5_langevin_var.csv");
  if (!f) return;
  const int steps = demo_steps();
  mpfr_t v, c, r2, e;
  mpfr_inits2(QC_PREC, v, c, r2, e, (mpfr_ptr)0);
  mpfr_set_ui(v, 0, MPFR_RNDN);
  mpfr_set_ui(r2, 99, MPFR_RNDN); mpfr_div_ui(r2, r2, 100, MPFR_RNDN); mpfr_sqr(r2, r2, MPFR_RNDN);
  mpfr_set_ui(c, 2, MPFR_RNDN); mpfr_div_ui(c, c, 100, MPFR_RNDN);   /* 2 dt/tau */
  fprintf(f, "k,t,v_chain,v_cont,v_stat,sigma2\n");
  for (int k = 0; k <= steps; k++) {
    if (k % 5 == 0) {
      mpfr_set_si(e, -2 * k, MPFR_RNDN); mpfr_div_ui(e, e, 100, MPFR_RNDN); mpfr_expm1(e, e, MPFR_RNDN);
      fprintf(f, "%d,%.2f,%.17g,%.17g,%.17g,1\n", k, k / 100.0, mpfr_get_d(v, MPFR_RNDN), -mpfr_get_d(e, MPFR_RNDN),
              200.0 / 199);
    }
    mpfr_mul(v, v, r2, MPFR_RNDN);
    mpfr_add(v, v, c, MPFR_RNDN);
  }
  mpfr_clears(v, c, r2, e, (mpfr_ptr)0);
  fclose(f);
}

int main(void)
{
  qcheck q;
  qc_init(&q, PROGRAM);
  check_fokker_planck(&q);
  check_recursion(&q);
  check_kstep(&q);
  check_bias(&q);
  check_stability(&q);
  check_demo_values(&q);
  check_comment_target(&q);
  check_comment_start(&q);
  check_code_kernel(&q);
  check_comment_score(&q);
  check_comment_backward(&q);
  write_figure();
  return qc_finish(&q);
}
