/* tweedie.c -- proof checks of D2, Tweedie's formula (claims tweedie.*).
 * Independent of src/: exact rational identities (Gaussian priors) and MPFR
 * (mixture and uniform priors: finite differences of log p_t at 320 bits,
 * posterior moments from the posterior mixture or double-exponential
 * quadrature). */
#include "qcheck.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROGRAM "proof_tweedie"
#define WP 320            /* working bits of the MPFR checks */
#define FD_LOG2H (-80)    /* finite-difference step 2^-80 (relative to sigma) */

/* ---- exact checks: Gaussian prior N(m, s^2) ------------------------------ */

typedef struct { mpq_t x, mu, sg, m, s, q, r, v, score, tw, bayes; } gpoint;

static void gp_init(gpoint *g) { mpq_inits(g->x, g->mu, g->sg, g->m, g->s, g->q, g->r, g->v, g->score, g->tw, g->bayes, NULL); }
static void gp_clear(gpoint *g) { mpq_clears(g->x, g->mu, g->sg, g->m, g->s, g->q, g->r, g->v, g->score, g->tw, g->bayes, NULL); }

/* Draws (x_t, mu != 0, sigma > 0, m, s > 0) and computes q = sigma^2, r = s^2,
 * v = mu^2 r + q, the marginal score (mu m - x_t)/v, the document's Tweedie
 * value (x_t + sigma^2 score)/mu and Bayes' posterior mean
 * (m/r + mu x_t/q) / (1/r + mu^2/q). */
static void gp_draw(qcheck *q, gpoint *g)
{
  mpq_t t, u;
  mpq_inits(t, u, NULL);
  qc_random(q, g->x); qc_random(q, g->m);
  do qc_random(q, g->mu); while (mpq_sgn(g->mu) == 0);
  qc_random_pos(q, g->sg); qc_random_pos(q, g->s);
  mpq_mul(g->q, g->sg, g->sg); mpq_mul(g->r, g->s, g->s);
  mpq_mul(g->v, g->mu, g->mu); mpq_mul(g->v, g->v, g->r); mpq_add(g->v, g->v, g->q);
  mpq_mul(g->score, g->mu, g->m); mpq_sub(g->score, g->score, g->x); mpq_div(g->score, g->score, g->v);
  mpq_mul(g->tw, g->q, g->score); mpq_add(g->tw, g->tw, g->x); mpq_div(g->tw, g->tw, g->mu);
  mpq_div(t, g->m, g->r); mpq_mul(u, g->mu, g->x); mpq_div(u, u, g->q); mpq_add(t, t, u);
  mpq_mul(u, g->mu, g->mu); mpq_div(u, u, g->q);
  mpq_t pr; mpq_init(pr); mpq_inv(pr, g->r); mpq_add(pr, pr, u);   /* posterior precision */
  mpq_div(g->bayes, t, pr);
  mpq_clears(t, u, pr, NULL);
}

static void describe(char *buf, size_t len, const gpoint *g, const mpq_t lhs, const mpq_t rhs)
{
  char a[5][80], l[200], r[200];
  snprintf(buf, len, "counterexample x_t=%s mu=%s sigma=%s m=%s s=%s: %s vs %s",
           qc_qstr(a[0], 80, g->x), qc_qstr(a[1], 80, g->mu), qc_qstr(a[2], 80, g->sg),
           qc_qstr(a[3], 80, g->m), qc_qstr(a[4], 80, g->s), qc_qstr(l, 200, lhs), qc_qstr(r, 200, rhs));
}

static void check_gauss_exact(qcheck *q)
{
  gpoint g;
  gp_init(&g);
  mpq_t t, u, pv, pm, lhs, rhs, xx, d;
  mpq_inits(t, u, pv, pm, lhs, rhs, xx, d, NULL);
  int tw_ok = 1, ctl_sigma = 1, ctl_mu = 1, ctl_nomu = 1, joint_ok = 1, cov_ok = 1, approx_ok = 1;
  int conv_ok = 1, conv_naive_fails = 1, joint_ctl = 1, cov_ctl = 1, approx_ctl = 1;
  char cx[1024] = "", naive_cx[1024] = "";
  for (int i = 0; i < QC_POINTS; i++) {
    gp_draw(q, &g);
    /* the document's formula against Bayes */
    if (!qc_eq(q, g.tw, g.bayes) && tw_ok) { tw_ok = 0; describe(cx, sizeof cx, &g, g.tw, g.bayes); }
    /* negative controls: sigma for sigma^2, times mu, no mu */
    mpq_mul(t, g.sg, g.score); mpq_add(t, t, g.x); mpq_div(t, t, g.mu);
    ctl_sigma &= !qc_eq(q, t, g.bayes);
    mpq_mul(t, g.q, g.score); mpq_add(t, t, g.x); mpq_mul(u, t, g.mu);
    ctl_mu &= !qc_eq(q, u, g.bayes);
    ctl_nomu &= !qc_eq(q, t, g.bayes) || mpq_cmp_si(g.mu, 1, 1) == 0;
    /* joint = marginal x posterior: (x-m)^2/r + (x_t-mu x)^2/q
     *   = (x_t - mu m)^2/v + (x - pm)^2/pv with pv = q r / v, at a random x */
    mpq_mul(pv, g.q, g.r); mpq_div(pv, pv, g.v);
    mpq_set(pm, g.bayes);
    qc_random(q, xx);
    mpq_sub(t, xx, g.m); mpq_mul(t, t, t); mpq_div(lhs, t, g.r);
    mpq_mul(t, g.mu, xx); mpq_sub(t, g.x, t); mpq_mul(t, t, t); mpq_div(t, t, g.q); mpq_add(lhs, lhs, t);
    mpq_mul(t, g.mu, g.m); mpq_sub(t, g.x, t); mpq_mul(t, t, t); mpq_div(rhs, t, g.v);
    mpq_sub(t, xx, pm); mpq_mul(t, t, t); mpq_div(t, t, pv); mpq_add(rhs, rhs, t);
    mpq_mul(t, g.q, g.r); mpq_mul(u, g.v, pv);          /* normalising constants: q r = v pv */
    joint_ok &= qc_eq(q, lhs, rhs) && qc_eq(q, t, u);
    /* control: the prior variance r in place of the posterior variance pv */
    mpq_sub(t, xx, pm); mpq_mul(t, t, t); mpq_div(t, t, g.r);
    mpq_mul(u, g.mu, g.m); mpq_sub(u, g.x, u); mpq_mul(u, u, u); mpq_div(u, u, g.v); mpq_add(u, u, t);
    joint_ctl &= !qc_eq(q, lhs, u);
    /* second order: pv = (q/mu^2)(1 + q d2), d2 = -1/v */
    mpq_div(u, g.q, g.v); mpq_set_ui(t, 1, 1); mpq_sub(t, t, u);
    mpq_mul(t, t, g.q); mpq_div(t, t, g.mu); mpq_div(t, t, g.mu);
    cov_ok &= qc_eq(q, t, pv);
    /* control: without the inner sigma^2, (q/mu^2)(1 + d2) */
    mpq_inv(t, g.v); mpq_set_ui(u, 1, 1); mpq_sub(u, u, t);
    mpq_mul(u, u, g.q); mpq_div(u, u, g.mu); mpq_div(u, u, g.mu);
    cov_ctl &= !qc_eq(q, u, pv) || !mpq_cmp_ui(g.q, 1, 1);
    /* approximate score s + delta: the denoiser error is exactly sigma^2 delta / mu */
    qc_random(q, d);
    mpq_add(t, g.score, d); mpq_mul(t, t, g.q); mpq_add(t, t, g.x); mpq_div(t, t, g.mu);
    mpq_sub(t, t, g.bayes);
    mpq_mul(u, g.q, d); mpq_div(u, u, g.mu);
    approx_ok &= qc_eq(q, t, u);
    mpq_mul(u, g.q, d);                      /* control: sigma^2 delta, without 1/mu */
    approx_ctl &= !qc_eq(q, t, u) || !mpq_cmp_ui(g.mu, 1, 1) || !mpq_sgn(d);
    /* scaled convention x_t = c (x + tau eps): mu = c, sigma = c tau. Correct:
     * (x_t + c^2 tau^2 score)/c; naive: (x_t + tau^2 score)/c */
    mpq_div(u, g.sg, g.mu);                               /* tau = sigma / c */
    mpq_mul(t, u, u); mpq_mul(t, t, g.mu); mpq_mul(t, t, g.mu); mpq_mul(t, t, g.score);
    mpq_add(t, t, g.x); mpq_div(t, t, g.mu);
    conv_ok &= qc_eq(q, t, g.bayes);
    mpq_mul(t, u, u); mpq_mul(t, t, g.score); mpq_add(t, t, g.x); mpq_div(t, t, g.mu);
    if (qc_eq(q, t, g.bayes)) conv_naive_fails = 0;
    else if (!naive_cx[0]) {
      char a[5][80];
      snprintf(naive_cx, sizeof naive_cx, "x_t=%s mu=c=%s sigma=%s m=%s s=%s: naive %.17g vs Bayes %.17g",
               qc_qstr(a[0], 80, g.x), qc_qstr(a[1], 80, g.mu), qc_qstr(a[2], 80, g.sg), qc_qstr(a[3], 80, g.m),
               qc_qstr(a[4], 80, g.s), mpq_get_d(t), mpq_get_d(g.bayes));
    }
  }
  double sz = qc_sz_log10(12, QC_POINTS);
  qc_record(q, "tweedie.formula", "control", QC_MUST_HOLD, ctl_sigma && ctl_mu && ctl_nomu,
            "Gaussian prior: Tweedie = Bayes posterior mean", QC_POINTS,
            "the same exact check of three wrong formulas: sigma for sigma^2 %s, times mu %s, no division by mu %s",
            ctl_sigma ? "rejected" : "NOT rejected", ctl_mu ? "rejected" : "NOT rejected",
            ctl_nomu ? "rejected" : "NOT rejected");
  if (tw_ok)
    qc_record(q, "tweedie.formula", "exact", QC_AS_WRITTEN, 1,
              "Gaussian prior: Tweedie = Bayes posterior mean", QC_POINTS,
              "prior N(m,s^2), x_t = mu x + sigma eps: (x_t + sigma^2 (mu m - x_t)/v)/mu equals (m/s^2 + mu x_t/sigma^2)/(1/s^2 + mu^2/sigma^2) "
              "exactly at %d random rational (x_t,mu,sigma,m,s); false-pass <= 10^%.0f", QC_POINTS, sz);
  else
    qc_record(q, "tweedie.formula", "exact", QC_AS_WRITTEN, 0, "Gaussian prior: Tweedie = Bayes posterior mean", QC_POINTS, "%s", cx);
  qc_record(q, "tweedie.gauss.closed", "exact", QC_MUST_HOLD, joint_ok, "joint = marginal x posterior", QC_POINTS,
            "N(x;m,s^2) N(x_t;mu x,sigma^2) = N(x_t;mu m,v) N(x;pm,pv): exponents and normalising constants (s^2 sigma^2 = v pv) "
            "agree exactly at %d random rational points with a random x each; false-pass <= 10^%.0f", QC_POINTS, sz);
  qc_record(q, "tweedie.cov", "exact", QC_MUST_HOLD, cov_ok, "Gaussian prior: posterior variance", QC_POINTS,
            "sigma^2 s^2/v = (sigma^2/mu^2)(1 + sigma^2 d2 log p_t) with d2 log p_t = -1/v, exactly at %d random rational points; "
            "false-pass <= 10^%.0f", QC_POINTS, sz);
  qc_record(q, "tweedie.gauss.closed", "control", QC_MUST_HOLD, joint_ctl, "joint = marginal x posterior", QC_POINTS,
            "the same exact check with the prior variance s^2 in place of the posterior variance: %s",
            joint_ctl ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "tweedie.cov", "control", QC_MUST_HOLD, cov_ctl, "Gaussian prior: posterior variance", QC_POINTS,
            "the same exact check of (sigma^2/mu^2)(1 + Hess log p_t) (the inner sigma^2 dropped): %s",
            cov_ctl ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "tweedie.approx", "control", QC_MUST_HOLD, approx_ctl, "denoiser error = sigma^2 delta/mu", QC_POINTS,
            "the same exact check of sigma^2 delta (without 1/mu): %s", approx_ctl ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "tweedie.approx", "approx", QC_AS_WRITTEN, approx_ok, "denoiser error = sigma^2 delta/mu", QC_POINTS,
            "with s_phi = grad log p_t + delta the denoiser error is exactly sigma^2 delta/mu (the closed-form bound "
            "|error| <= sigma^2 |delta|/|mu| holds with equality) at %d random rational points with random delta; "
            "false-pass <= 10^%.0f", QC_POINTS, sz);
  qc_record(q, "tweedie.convention", "control", QC_MUST_HOLD, conv_naive_fails, "x_t = c(x + tau eps)", QC_POINTS,
            "the same exact check of the naive (x_t + tau^2 score)/c: %s",
            conv_naive_fails ? "rejected at every point, as it must be" : "NOT rejected");
  qc_record(q, "tweedie.convention", "exact", QC_MUST_HOLD, conv_ok, "x_t = c(x + tau eps)", QC_POINTS,
            "(x_t + c^2 tau^2 score)/c equals the Bayes mean at all %d points; the naive (x_t + tau^2 score)/c differs at every point, "
            "first: %s", QC_POINTS, naive_cx);
  mpq_clears(t, u, pv, pm, lhs, rhs, xx, d, NULL);
  gp_clear(&g);
}

/* ---- exact: multivariate Gaussian prior N(m, S) --------------------------- */

#define MV_MAX 3

static void q_matvec(int n, const mpq_t *a, const mpq_t *x, mpq_t *y)
{
  mpq_t t;
  mpq_init(t);
  for (int i = 0; i < n; i++) {
    mpq_set_ui(y[i], 0, 1);
    for (int j = 0; j < n; j++) { mpq_mul(t, a[i * n + j], x[j]); mpq_add(y[i], y[i], t); }
  }
  mpq_clear(t);
}

/* One random point in dimension n: prior covariance S = A^T A + diag(e), e > 0.
 * Returns 1 if Tweedie's mean and covariance equal Bayes' exactly; *control
 * is set to 0 if the control (sigma^2 dropped from the Hessian term) also
 * matched. */
static int mv_point(qcheck *q, int n, int *control)
{
  mpq_t a[MV_MAX * MV_MAX], S[MV_MAX * MV_MAX], Si[MV_MAX * MV_MAX], V[MV_MAX * MV_MAX], Vi[MV_MAX * MV_MAX],
      P[MV_MAX * MV_MAX], C[MV_MAX * MV_MAX], m[MV_MAX], x[MV_MAX], w[MV_MAX], sc[MV_MAX], b[MV_MAX], mb[MV_MAX];
  mpq_t mu, sg, qq, t, u, c;
  for (int i = 0; i < MV_MAX * MV_MAX; i++) { mpq_init(a[i]); mpq_init(S[i]); mpq_init(Si[i]); mpq_init(V[i]); mpq_init(Vi[i]); mpq_init(P[i]); mpq_init(C[i]); }
  for (int i = 0; i < MV_MAX; i++) { mpq_init(m[i]); mpq_init(x[i]); mpq_init(w[i]); mpq_init(sc[i]); mpq_init(b[i]); mpq_init(mb[i]); }
  mpq_inits(mu, sg, qq, t, u, c, NULL);
  for (int i = 0; i < n * n; i++) qc_random(q, a[i]);
  for (int i = 0; i < n; i++) {
    qc_random(q, m[i]); qc_random(q, x[i]);
    for (int j = 0; j < n; j++) {
      mpq_set_ui(S[i * n + j], 0, 1);
      for (int k = 0; k < n; k++) { mpq_mul(t, a[k * n + i], a[k * n + j]); mpq_add(S[i * n + j], S[i * n + j], t); }
    }
    qc_random_pos(q, t); mpq_add(S[i * n + i], S[i * n + i], t);
  }
  do qc_random(q, mu); while (mpq_sgn(mu) == 0);
  qc_random_pos(q, sg); mpq_mul(qq, sg, sg);
  int ok = qc_inverse(n, S, Si);
  /* marginal covariance V = mu^2 S + sigma^2 I; score = V^{-1}(mu m - x); Hessian = -V^{-1} */
  mpq_mul(u, mu, mu);
  for (int i = 0; i < n * n; i++) { mpq_mul(V[i], S[i], u); if (i % (n + 1) == 0) mpq_add(V[i], V[i], qq); }
  ok &= qc_inverse(n, V, Vi);
  for (int i = 0; i < n; i++) { mpq_mul(t, mu, m[i]); mpq_sub(w[i], t, x[i]); }
  q_matvec(n, Vi, w, sc);
  /* Bayes: P = S^{-1} + (mu^2/sigma^2) I, C = P^{-1}, mean = C (S^{-1} m + (mu/sigma^2) x) */
  mpq_div(c, u, qq);
  for (int i = 0; i < n * n; i++) { mpq_set(P[i], Si[i]); if (i % (n + 1) == 0) mpq_add(P[i], P[i], c); }
  ok &= qc_inverse(n, P, C);
  q_matvec(n, Si, m, b);
  mpq_div(c, mu, qq);
  for (int i = 0; i < n; i++) { mpq_mul(t, c, x[i]); mpq_add(b[i], b[i], t); }
  q_matvec(n, C, b, mb);
  for (int i = 0; i < n && ok; i++) {        /* mean: (x + sigma^2 score)/mu */
    mpq_mul(t, qq, sc[i]); mpq_add(t, t, x[i]); mpq_div(t, t, mu);
    ok &= qc_eq(q, t, mb[i]);
  }
  mpq_mul(u, mu, mu);
  for (int i = 0; i < n * n && ok; i++) {    /* cov: (sigma^2/mu^2)(I - sigma^2 V^{-1}) */
    mpq_mul(t, qq, Vi[i]); mpq_neg(t, t);
    if (i % (n + 1) == 0) { mpq_set_ui(c, 1, 1); mpq_add(t, t, c); }
    mpq_mul(t, t, qq); mpq_div(t, t, u);
    ok &= qc_eq(q, t, C[i]);
    /* control: without the inner sigma^2 */
    mpq_neg(c, Vi[i]);
    if (i % (n + 1) == 0) { mpq_set_ui(t, 1, 1); mpq_add(c, c, t); }
    mpq_mul(c, c, qq); mpq_div(c, c, u);
    if (qc_eq(q, c, C[i]) && i == 0) *control = 0;
  }
  for (int i = 0; i < MV_MAX * MV_MAX; i++) { mpq_clear(a[i]); mpq_clear(S[i]); mpq_clear(Si[i]); mpq_clear(V[i]); mpq_clear(Vi[i]); mpq_clear(P[i]); mpq_clear(C[i]); }
  for (int i = 0; i < MV_MAX; i++) { mpq_clear(m[i]); mpq_clear(x[i]); mpq_clear(w[i]); mpq_clear(sc[i]); mpq_clear(b[i]); mpq_clear(mb[i]); }
  mpq_clears(mu, sg, qq, t, u, c, NULL);
  return ok;
}

static void check_mv_exact(qcheck *q)
{
  int ok = 1, control = 1, pts = 0;
  for (int n = 2; n <= 3; n++)
    for (int i = 0; i < QC_POINTS / 2; i++, pts++) ok &= mv_point(q, n, &control);
  qc_record(q, "tweedie.mv", "control", QC_MUST_HOLD, control, "multivariate Gaussian: mean and covariance",
            (unsigned long)pts, "the same exact check with the inner sigma^2 dropped from the Hessian term: %s",
            control ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "tweedie.mv", "exact", QC_MUST_HOLD, ok, "multivariate Gaussian: mean and covariance", (unsigned long)pts,
            "prior N(m,S), S = A^T A + diag(e) random rational SPD (2x2 and 3x3, %d points each): (x_t + sigma^2 grad log p_t)/mu "
            "and (sigma^2/mu^2)(I + sigma^2 Hess log p_t) equal Bayes' posterior mean and covariance exactly (matrices inverted "
            "exactly); false-pass <= 10^%.0f",
            QC_POINTS / 2, qc_sz_log10(24, QC_POINTS / 2));
}

/* ---- MPFR: Gaussian-mixture prior ------------------------------------------ */

#define MIX_MAX 4
typedef struct {
  const char *name;
  int n;
  double w[MIX_MAX], m[MIX_MAX], s[MIX_MAX];
  double mu, sigma;
} mixture;

/* The near mixture (also the figure's) and the far one: components 1500 to
 * 3000 apart (>= 10^3 sigma_t and >= 700 marginal sds), weights 1e-300,
 * 1e-200 and the smallest subnormal. */
static const mixture MIX_NEAR = { "near", 3, { 0.3, 0.5, 0.2 }, { -2.0, 0.5, 3.0 }, { 0.3, 0.5, 0.4 }, 0.8, 0.6 };
static const mixture MIX_FAR = { "far", 4, { 1e-300, 0.7, 0x1p-1074, 1e-200 }, { -3000.0, 0.0, 1500.0, 3000.0 },
                                 { 1.0, 0.5, 0.1, 2.0 }, 0.9, 1.0 };

/* log w_k + log N(x; mu m_k, v_k) for component k (the log-evidence of k). */
static void mix_logit(mpfr_t out, const mixture *g, int k, const mpfr_t x)
{
  mpfr_t v, d, t;
  mpfr_inits2(WP, v, d, t, (mpfr_ptr)0);
  mpfr_set_d(v, g->mu, MPFR_RNDN); mpfr_mul_d(v, v, g->s[k], MPFR_RNDN); mpfr_sqr(v, v, MPFR_RNDN);
  mpfr_set_d(t, g->sigma, MPFR_RNDN); mpfr_sqr(t, t, MPFR_RNDN); mpfr_add(v, v, t, MPFR_RNDN);
  mpfr_set_d(d, g->mu, MPFR_RNDN); mpfr_mul_d(d, d, g->m[k], MPFR_RNDN); mpfr_sub(d, x, d, MPFR_RNDN);
  mpfr_sqr(d, d, MPFR_RNDN); mpfr_div(d, d, v, MPFR_RNDN); mpfr_div_2ui(d, d, 1, MPFR_RNDN);
  mpfr_const_pi(t, MPFR_RNDN); mpfr_mul_2ui(t, t, 1, MPFR_RNDN); mpfr_mul(v, v, t, MPFR_RNDN);
  mpfr_log(v, v, MPFR_RNDN); mpfr_div_2ui(v, v, 1, MPFR_RNDN);
  mpfr_set_d(t, g->w[k], MPFR_RNDN); mpfr_log(t, t, MPFR_RNDN);
  mpfr_sub(t, t, v, MPFR_RNDN);
  mpfr_sub(out, t, d, MPFR_RNDN);
  mpfr_clears(v, d, t, (mpfr_ptr)0);
}

/* log p_t(x) = log sum_k exp(logit_k), by the definition of the marginal. */
static void mix_logp(mpfr_t out, const mixture *g, const mpfr_t x)
{
  mpfr_t l[MIX_MAX], best, t;
  mpfr_inits2(WP, best, t, (mpfr_ptr)0);
  for (int k = 0; k < g->n; k++) {
    mpfr_init2(l[k], WP);
    mix_logit(l[k], g, k, x);
    if (k == 0 || mpfr_cmp(l[k], best) > 0) mpfr_set(best, l[k], MPFR_RNDN);
  }
  mpfr_set_zero(out, 1);
  for (int k = 0; k < g->n; k++) { mpfr_sub(t, l[k], best, MPFR_RNDN); mpfr_exp(t, t, MPFR_RNDN); mpfr_add(out, out, t, MPFR_RNDN); }
  mpfr_log(out, out, MPFR_RNDN);
  mpfr_add(out, out, best, MPFR_RNDN);
  for (int k = 0; k < g->n; k++) mpfr_clear(l[k]);
  mpfr_clears(best, t, (mpfr_ptr)0);
}

/* First and second derivative of f at x by central differences with step h:
 * truncation h^2 f'''/6 and h^2 f''''/12, rounding 2^-WP |f| / h^2. */
typedef void (*logp_fn)(mpfr_t out, const void *ctx, const mpfr_t x);
static void central_diff(logp_fn f, const void *ctx, const mpfr_t x, double h_d, mpfr_t d1, mpfr_t d2)
{
  mpfr_t h, xp, fm, f0, fp;
  mpfr_inits2(WP, h, xp, fm, f0, fp, (mpfr_ptr)0);
  mpfr_set_d(h, h_d, MPFR_RNDN);
  mpfr_add(xp, x, h, MPFR_RNDN); f(fp, ctx, xp);
  mpfr_sub(xp, x, h, MPFR_RNDN); f(fm, ctx, xp);
  f(f0, ctx, x);
  mpfr_sub(d1, fp, fm, MPFR_RNDN); mpfr_div(d1, d1, h, MPFR_RNDN); mpfr_div_2ui(d1, d1, 1, MPFR_RNDN);
  mpfr_add(d2, fp, fm, MPFR_RNDN); mpfr_mul_2ui(f0, f0, 1, MPFR_RNDN); mpfr_sub(d2, d2, f0, MPFR_RNDN);
  mpfr_div(d2, d2, h, MPFR_RNDN); mpfr_div(d2, d2, h, MPFR_RNDN);
  mpfr_clears(h, xp, fm, f0, fp, (mpfr_ptr)0);
}

static void mix_logp_fn(mpfr_t out, const void *ctx, const mpfr_t x) { mix_logp(out, ctx, x); }

/* The posterior as a mixture of Gaussian posteriors: weights r_k ~ exp(logit_k),
 * means m_k + (mu s_k^2/v_k)(x_t - mu m_k), variances s_k^2 sigma^2 / v_k.
 * Also the analytic marginal score sum r_k (mu m_k - x_t)/v_k. */
static void mix_posterior(const mixture *g, const mpfr_t x, mpfr_t mean, mpfr_t var, mpfr_t score)
{
  mpfr_t l[MIX_MAX], best, r, tot, v, d, pm, pv, t, m2;
  mpfr_inits2(WP, best, r, tot, v, d, pm, pv, t, m2, (mpfr_ptr)0);
  for (int k = 0; k < g->n; k++) {
    mpfr_init2(l[k], WP);
    mix_logit(l[k], g, k, x);
    if (k == 0 || mpfr_cmp(l[k], best) > 0) mpfr_set(best, l[k], MPFR_RNDN);
  }
  mpfr_set_zero(tot, 1); mpfr_set_zero(mean, 1); mpfr_set_zero(m2, 1); mpfr_set_zero(score, 1);
  for (int k = 0; k < g->n; k++) {
    mpfr_sub(r, l[k], best, MPFR_RNDN); mpfr_exp(r, r, MPFR_RNDN);
    mpfr_add(tot, tot, r, MPFR_RNDN);
    mpfr_set_d(v, g->mu, MPFR_RNDN); mpfr_mul_d(v, v, g->s[k], MPFR_RNDN); mpfr_sqr(v, v, MPFR_RNDN);
    mpfr_set_d(t, g->sigma, MPFR_RNDN); mpfr_sqr(t, t, MPFR_RNDN); mpfr_add(v, v, t, MPFR_RNDN);
    mpfr_set_d(d, g->mu, MPFR_RNDN); mpfr_mul_d(d, d, g->m[k], MPFR_RNDN); mpfr_sub(d, x, d, MPFR_RNDN); /* x - mu m */
    mpfr_set_d(pm, g->s[k], MPFR_RNDN); mpfr_sqr(pm, pm, MPFR_RNDN); mpfr_mul_d(pm, pm, g->mu, MPFR_RNDN);
    mpfr_div(pm, pm, v, MPFR_RNDN); mpfr_mul(pm, pm, d, MPFR_RNDN); mpfr_add_d(pm, pm, g->m[k], MPFR_RNDN);
    mpfr_set_d(pv, g->s[k], MPFR_RNDN); mpfr_sqr(pv, pv, MPFR_RNDN); mpfr_mul(pv, pv, t, MPFR_RNDN); mpfr_div(pv, pv, v, MPFR_RNDN);
    mpfr_mul(t, r, pm, MPFR_RNDN); mpfr_add(mean, mean, t, MPFR_RNDN);
    mpfr_sqr(t, pm, MPFR_RNDN); mpfr_add(t, t, pv, MPFR_RNDN); mpfr_mul(t, t, r, MPFR_RNDN); mpfr_add(m2, m2, t, MPFR_RNDN);
    mpfr_div(t, d, v, MPFR_RNDN); mpfr_mul(t, t, r, MPFR_RNDN); mpfr_sub(score, score, t, MPFR_RNDN);
  }
  mpfr_div(mean, mean, tot, MPFR_RNDN);
  mpfr_div(m2, m2, tot, MPFR_RNDN);
  mpfr_div(score, score, tot, MPFR_RNDN);
  mpfr_sqr(t, mean, MPFR_RNDN);
  mpfr_sub(var, m2, t, MPFR_RNDN);
  for (int k = 0; k < g->n; k++) mpfr_clear(l[k]);
  mpfr_clears(best, r, tot, v, d, pm, pv, t, m2, (mpfr_ptr)0);
}

/* log of prior(x) N(x_t; mu x, sigma^2) / p_t(x_t) (Bayes, from the definitions)
 * minus log sum_k r_k N(x; pm_k, pv_k) (the posterior-mixture form). */
static void mix_bayes_gap(const mixture *g, const mpfr_t xt, const mpfr_t x, mpfr_t gap)
{
  mpfr_t prior, t, u, v, lp, lpost, best, l[MIX_MAX], two_pi;
  mpfr_inits2(WP, prior, t, u, v, lp, lpost, best, two_pi, (mpfr_ptr)0);
  mpfr_const_pi(two_pi, MPFR_RNDN); mpfr_mul_2ui(two_pi, two_pi, 1, MPFR_RNDN);
  /* prior density at x: sum_k w_k N(x; m_k, s_k^2) (s_k > 0 in the test mixtures) */
  mpfr_set_zero(prior, 1);
  for (int k = 0; k < g->n; k++) {
    mpfr_set_d(v, g->s[k], MPFR_RNDN); mpfr_sqr(v, v, MPFR_RNDN);
    mpfr_sub_d(t, x, g->m[k], MPFR_RNDN); mpfr_sqr(t, t, MPFR_RNDN); mpfr_div(t, t, v, MPFR_RNDN);
    mpfr_div_2ui(t, t, 1, MPFR_RNDN); mpfr_neg(t, t, MPFR_RNDN); mpfr_exp(t, t, MPFR_RNDN);
    mpfr_mul(v, v, two_pi, MPFR_RNDN); mpfr_sqrt(v, v, MPFR_RNDN); mpfr_div(t, t, v, MPFR_RNDN);
    mpfr_mul_d(t, t, g->w[k], MPFR_RNDN);
    mpfr_add(prior, prior, t, MPFR_RNDN);
  }
  mpfr_log(prior, prior, MPFR_RNDN);
  /* likelihood N(x_t; mu x, sigma^2) */
  mpfr_mul_d(t, x, g->mu, MPFR_RNDN); mpfr_sub(t, xt, t, MPFR_RNDN); mpfr_sqr(t, t, MPFR_RNDN);
  mpfr_set_d(v, g->sigma, MPFR_RNDN); mpfr_sqr(v, v, MPFR_RNDN);
  mpfr_div(t, t, v, MPFR_RNDN); mpfr_div_2ui(t, t, 1, MPFR_RNDN);
  mpfr_mul(v, v, two_pi, MPFR_RNDN); mpfr_log(v, v, MPFR_RNDN); mpfr_div_2ui(v, v, 1, MPFR_RNDN);
  mpfr_add(t, t, v, MPFR_RNDN);
  mpfr_sub(prior, prior, t, MPFR_RNDN);
  mix_logp(lp, g, xt);
  mpfr_sub(prior, prior, lp, MPFR_RNDN);          /* log posterior density, Bayes */
  /* the mixture of Gaussian posteriors */
  for (int k = 0; k < g->n; k++) {
    mpfr_init2(l[k], WP);
    mix_logit(l[k], g, k, xt);
    if (k == 0 || mpfr_cmp(l[k], best) > 0) mpfr_set(best, l[k], MPFR_RNDN);
  }
  mpfr_set_zero(lpost, 1);
  mpfr_set_zero(u, 1);
  for (int k = 0; k < g->n; k++) {
    mpfr_t r, pm, pv, vk;
    mpfr_inits2(WP, r, pm, pv, vk, (mpfr_ptr)0);
    mpfr_sub(r, l[k], best, MPFR_RNDN); mpfr_exp(r, r, MPFR_RNDN);
    mpfr_add(u, u, r, MPFR_RNDN);
    mpfr_set_d(vk, g->mu, MPFR_RNDN); mpfr_mul_d(vk, vk, g->s[k], MPFR_RNDN); mpfr_sqr(vk, vk, MPFR_RNDN);
    mpfr_set_d(t, g->sigma, MPFR_RNDN); mpfr_sqr(t, t, MPFR_RNDN); mpfr_add(vk, vk, t, MPFR_RNDN);
    mpfr_set_d(pv, g->s[k], MPFR_RNDN); mpfr_sqr(pv, pv, MPFR_RNDN); mpfr_mul(pv, pv, t, MPFR_RNDN); mpfr_div(pv, pv, vk, MPFR_RNDN);
    mpfr_set_d(pm, g->mu, MPFR_RNDN); mpfr_mul_d(pm, pm, g->m[k], MPFR_RNDN); mpfr_sub(pm, xt, pm, MPFR_RNDN);
    mpfr_mul_d(pm, pm, g->mu, MPFR_RNDN); mpfr_mul_d(pm, pm, g->s[k], MPFR_RNDN); mpfr_mul_d(pm, pm, g->s[k], MPFR_RNDN);
    mpfr_div(pm, pm, vk, MPFR_RNDN); mpfr_add_d(pm, pm, g->m[k], MPFR_RNDN);
    mpfr_sub(t, x, pm, MPFR_RNDN); mpfr_sqr(t, t, MPFR_RNDN); mpfr_div(t, t, pv, MPFR_RNDN);
    mpfr_div_2ui(t, t, 1, MPFR_RNDN); mpfr_neg(t, t, MPFR_RNDN); mpfr_exp(t, t, MPFR_RNDN);
    mpfr_mul(pv, pv, two_pi, MPFR_RNDN); mpfr_sqrt(pv, pv, MPFR_RNDN); mpfr_div(t, t, pv, MPFR_RNDN);
    mpfr_mul(t, t, r, MPFR_RNDN);
    mpfr_add(lpost, lpost, t, MPFR_RNDN);
    mpfr_clears(r, pm, pv, vk, (mpfr_ptr)0);
  }
  mpfr_div(lpost, lpost, u, MPFR_RNDN);
  mpfr_log(lpost, lpost, MPFR_RNDN);
  mpfr_sub(gap, prior, lpost, MPFR_RNDN);
  for (int k = 0; k < g->n; k++) mpfr_clear(l[k]);
  mpfr_clears(prior, t, u, v, lp, lpost, best, two_pi, (mpfr_ptr)0);
}

/* Points x_t: a grid over the components' range plus, for every pair of
 * components, the crossings of their log-evidences (a quadratic in x_t) and
 * points 1e-3 to either side -- where the responsibilities switch. */
static int mix_points(const mixture *g, double *xs, int cap)
{
  int n = 0;
  double lo = 1e300, hi = -1e300;
  for (int k = 0; k < g->n; k++) { lo = fmin(lo, g->mu * g->m[k]); hi = fmax(hi, g->mu * g->m[k]); }
  double pad = 4.0 * g->sigma + 0.25 * (hi - lo);
  for (int i = 0; i < 12 && n < cap; i++) xs[n++] = lo - pad + (hi - lo + 2 * pad) * (i + 0.37) / 12.0;
  for (int j = 0; j < g->n; j++)
    for (int k = j + 1; k < g->n; k++) {
      double vj = g->mu * g->mu * g->s[j] * g->s[j] + g->sigma * g->sigma;
      double vk = g->mu * g->mu * g->s[k] * g->s[k] + g->sigma * g->sigma;
      double cj = log(g->w[j]) - 0.5 * log(vj), ck = log(g->w[k]) - 0.5 * log(vk);
      double aj = g->mu * g->m[j], ak = g->mu * g->m[k];
      /* cj - (x-aj)^2/(2vj) = ck - (x-ak)^2/(2vk) */
      double A = 0.5 / vk - 0.5 / vj, B = aj / vj - ak / vk, C = cj - ck - aj * aj / (2 * vj) + ak * ak / (2 * vk);
      double roots[2];
      int nr = 0;
      if (fabs(A) < 1e-300) { if (B != 0) roots[nr++] = -C / B; }
      else {
        double disc = B * B - 4 * A * C;
        if (disc >= 0) { roots[nr++] = (-B + sqrt(disc)) / (2 * A); roots[nr++] = (-B - sqrt(disc)) / (2 * A); }
      }
      for (int r = 0; r < nr; r++)
        if (roots[r] > lo - pad && roots[r] < hi + pad && n + 3 <= cap) {
          xs[n++] = roots[r]; xs[n++] = roots[r] - 1e-3; xs[n++] = roots[r] + 1e-3;
        }
    }
  return n;
}

/* Tweedie's mean (x + sigma^2 d1)/mu and variance (sigma^2/mu^2)(1 + sigma^2 d2),
 * with sigma^2 and mu^2 formed in MPFR (not rounded to double). */
static void tweedie_moments(double mu, double sigma, const mpfr_t x, const mpfr_t d1, const mpfr_t d2,
                            mpfr_t mean, mpfr_t var)
{
  mpfr_t s2, m2;
  mpfr_inits2(WP, s2, m2, (mpfr_ptr)0);
  mpfr_set_d(s2, sigma, MPFR_RNDN); mpfr_sqr(s2, s2, MPFR_RNDN);
  mpfr_set_d(m2, mu, MPFR_RNDN); mpfr_sqr(m2, m2, MPFR_RNDN);
  mpfr_mul(mean, d1, s2, MPFR_RNDN); mpfr_add(mean, mean, x, MPFR_RNDN); mpfr_div_d(mean, mean, mu, MPFR_RNDN);
  mpfr_mul(var, d2, s2, MPFR_RNDN); mpfr_add_ui(var, var, 1, MPFR_RNDN);
  mpfr_mul(var, var, s2, MPFR_RNDN); mpfr_div(var, var, m2, MPFR_RNDN);
  mpfr_clears(s2, m2, (mpfr_ptr)0);
}

/* worst_*: the checks; best_*: their negative controls (the same comparisons
 * with the noise variance doubled in Tweedie's formulas, and with the
 * sign-flipped score), the smallest gap over the points. */
typedef struct { double worst_mean, worst_var, worst_score, worst_gap, best_mean, best_var, best_score; int n; } mix_result;

static double rel_gap(const mpfr_t a, const mpfr_t b, double scale)
{
  mpfr_t t;
  mpfr_init2(t, WP);
  mpfr_sub(t, a, b, MPFR_RNDN);
  double d = fabs(mpfr_get_d(t, MPFR_RNDN)) / (fabs(mpfr_get_d(b, MPFR_RNDN)) + scale);
  mpfr_clear(t);
  return d;
}

static mix_result check_mixture(qcheck *q, const mixture *g)
{
  mix_result res = { 0, 0, 0, 0, INFINITY, INFINITY, INFINITY, 0 };
  double xs[64];
  int n = mix_points(g, xs, 64);
  mpfr_t x, d1, d2, mean, var, score, tw, cov, gap, xx;
  mpfr_inits2(WP, x, d1, d2, mean, var, score, tw, cov, gap, xx, (mpfr_ptr)0);
  double h = ldexp(g->sigma, FD_LOG2H);
  for (int i = 0; i < n; i++) {
    mpfr_set_d(x, xs[i], MPFR_RNDN);
    central_diff(mix_logp_fn, g, x, h, d1, d2);
    mix_posterior(g, x, mean, var, score);
    /* Tweedie: (x_t + sigma^2 d1)/mu and (sigma^2/mu^2)(1 + sigma^2 d2) */
    tweedie_moments(g->mu, g->sigma, x, d1, d2, tw, cov);
    double sd = sqrt(fabs(mpfr_get_d(var, MPFR_RNDN)));
    res.worst_mean = fmax(res.worst_mean, rel_gap(tw, mean, sd));
    res.worst_var = fmax(res.worst_var, rel_gap(cov, var, 0.0));
    res.worst_score = fmax(res.worst_score, rel_gap(d1, score, 1.0 / g->sigma));
    tweedie_moments(g->mu, g->sigma * sqrt(2.0), x, d1, d2, tw, cov);  /* control: 2 sigma^2 */
    res.best_mean = fmin(res.best_mean, rel_gap(tw, mean, sd));
    res.best_var = fmin(res.best_var, rel_gap(cov, var, 0.0));
    mpfr_neg(score, score, MPFR_RNDN);                                  /* control: -score */
    res.best_score = fmin(res.best_score, rel_gap(d1, score, 1.0 / g->sigma));
    /* Bayes pointwise at x = posterior mean + {-2,-1,0,1,2} posterior sds */
    for (int j = -2; j <= 2; j++) {
      mpfr_set_d(xx, sd * j, MPFR_RNDN);
      mpfr_add(xx, xx, mean, MPFR_RNDN);
      mix_bayes_gap(g, x, xx, gap);
      res.worst_gap = fmax(res.worst_gap, fabs(mpfr_get_d(gap, MPFR_RNDN)));
    }
    res.n++;
  }
  (void)q;
  mpfr_clears(x, d1, d2, mean, var, score, tw, cov, gap, xx, (mpfr_ptr)0);
  return res;
}

#define NUM_TOL 1e-30

static void check_mixtures(qcheck *q)
{
  const mixture *cases[2] = { &MIX_NEAR, &MIX_FAR };
  for (int c = 0; c < 2; c++) {
    const mixture *g = cases[c];
    mix_result r = check_mixture(q, g);
    char desc[256];
    double wmin = g->w[0];
    for (int k = 1; k < g->n; k++) wmin = fmin(wmin, g->w[k]);
    snprintf(desc, sizeof desc, "%s mixture (%d components, weights down to %g, mu=%g, sigma=%g)", g->name, g->n,
             wmin, g->mu, g->sigma);
    qc_record(q, "tweedie.formula", "numeric", QC_AS_WRITTEN, qc_small(q, r.worst_mean, NUM_TOL), c ? "far mixture prior" : "near mixture prior",
              (unsigned long)r.n,
              "%s: (x_t + sigma^2 d/dx log p_t)/mu, with the derivative of log p_t = log sum_k w_k N(x_t; mu m_k, v_k) by central "
              "differences (h = 2^%d sigma) at %d bits, against the posterior-mixture mean at %d points (grid and the crossings of "
              "the responsibilities): max |diff|/(|mean| + sd) = %.2e (tolerance %.0e)",
              desc, FD_LOG2H, WP, r.n, r.worst_mean, NUM_TOL);
    qc_record(q, "tweedie.mixture.mean", "numeric", QC_MUST_HOLD, qc_small(q, r.worst_mean, NUM_TOL), c ? "far mixture" : "near mixture",
              (unsigned long)r.n,
              "%s: sum_k r_k (sigma^2 m_k + mu s_k^2 x_t)/v_k against (x_t + sigma^2 d/dx log p_t)/mu (central differences at %d bits) "
              "at %d points: max |diff|/(|mean| + sd) = %.2e (tolerance %.0e)", desc, WP, r.n, r.worst_mean, NUM_TOL);
    qc_record(q, "tweedie.cov", "numeric", QC_MUST_HOLD, qc_small(q, r.worst_var, NUM_TOL), c ? "far mixture prior" : "near mixture prior",
              (unsigned long)r.n,
              "%s: (sigma^2/mu^2)(1 + sigma^2 d2/dx2 log p_t) (second central difference) against the posterior-mixture variance "
              "sum r_k (pv_k + pm_k^2) - mean^2 at %d points: max relative diff %.2e (tolerance %.0e)", desc, r.n, r.worst_var, NUM_TOL);
    qc_record(q, "tweedie.mixture.score", "numeric", QC_MUST_HOLD, qc_small(q, r.worst_score, NUM_TOL), c ? "far mixture" : "near mixture",
              (unsigned long)r.n,
              "%s: sum_k r_k (mu m_k - x_t)/v_k against the central difference of log p_t at %d points: max |diff|/(|score| + 1/sigma) "
              "= %.2e (tolerance %.0e)", desc, r.n, r.worst_score, NUM_TOL);
    const char *how[2] = { "rejected, as it must be", "NOT rejected" };
    qc_record(q, "tweedie.formula", "control", QC_MUST_HOLD, r.best_mean > NUM_TOL, c ? "far mixture prior" : "near mixture prior",
              (unsigned long)r.n, "the same comparison with 2 sigma^2 in place of sigma^2: smallest gap %.2e: %s", r.best_mean,
              how[!(r.best_mean > NUM_TOL)]);
    qc_record(q, "tweedie.mixture.mean", "control", QC_MUST_HOLD, r.best_mean > NUM_TOL, c ? "far mixture" : "near mixture",
              (unsigned long)r.n, "the same comparison with 2 sigma^2 in place of sigma^2: smallest gap %.2e: %s", r.best_mean,
              how[!(r.best_mean > NUM_TOL)]);
    qc_record(q, "tweedie.cov", "control", QC_MUST_HOLD, r.best_var > NUM_TOL, c ? "far mixture prior" : "near mixture prior",
              (unsigned long)r.n, "the same comparison with 2 sigma^2 in place of sigma^2: smallest gap %.2e: %s", r.best_var,
              how[!(r.best_var > NUM_TOL)]);
    qc_record(q, "tweedie.mixture.score", "control", QC_MUST_HOLD, r.best_score > NUM_TOL, c ? "far mixture" : "near mixture",
              (unsigned long)r.n, "the same comparison with the sign-flipped score: smallest gap %.2e: %s", r.best_score,
              how[!(r.best_score > NUM_TOL)]);
    qc_record(q, "tweedie.mixture.posterior", "numeric", QC_MUST_HOLD, qc_small(q, r.worst_gap, NUM_TOL), c ? "far mixture" : "near mixture",
              (unsigned long)(5 * r.n),
              "%s: log[prior(x) N(x_t; mu x, sigma^2)/p_t(x_t)] - log sum_k r_k N(x; pm_k, pv_k) at %d (x_t, x) pairs "
              "(x = posterior mean + {-2..2} sd): max |gap| = %.2e (tolerance %.0e)", desc, 5 * r.n, r.worst_gap, NUM_TOL);
  }
}

/* ---- MPFR: uniform prior on [a, b] ---------------------------------------- */

typedef struct { double a, b, mu, sigma; } uniform;

/* Phi(beta) - Phi(alpha) for alpha < beta, from the tail where it does not cancel. */
static void phi_diff(mpfr_t out, const mpfr_t al, const mpfr_t be)
{
  mpfr_t t, r2;
  mpfr_inits2(WP, t, r2, (mpfr_ptr)0);
  mpfr_sqrt_ui(r2, 2, MPFR_RNDN);
  if (mpfr_sgn(al) >= 0) {               /* Q(alpha) - Q(beta) */
    mpfr_div(t, al, r2, MPFR_RNDN); mpfr_erfc(out, t, MPFR_RNDN);
    mpfr_div(t, be, r2, MPFR_RNDN); mpfr_erfc(t, t, MPFR_RNDN);
  } else {                               /* Phi(z) = erfc(-z/sqrt 2)/2 */
    mpfr_div(t, be, r2, MPFR_RNDN); mpfr_neg(t, t, MPFR_RNDN); mpfr_erfc(out, t, MPFR_RNDN);
    mpfr_div(t, al, r2, MPFR_RNDN); mpfr_neg(t, t, MPFR_RNDN); mpfr_erfc(t, t, MPFR_RNDN);
  }
  mpfr_sub(out, out, t, MPFR_RNDN);
  mpfr_div_2ui(out, out, 1, MPFR_RNDN);
  mpfr_clears(t, r2, (mpfr_ptr)0);
}

/* alpha = (x - mu b)/sigma, beta = (x - mu a)/sigma (mu > 0 in the checks) */
static void unif_ab(const uniform *u, const mpfr_t x, mpfr_t al, mpfr_t be)
{
  mpfr_set_d(al, u->mu, MPFR_RNDN); mpfr_mul_d(al, al, u->b, MPFR_RNDN); mpfr_sub(al, x, al, MPFR_RNDN);
  mpfr_div_d(al, al, u->sigma, MPFR_RNDN);
  mpfr_set_d(be, u->mu, MPFR_RNDN); mpfr_mul_d(be, be, u->a, MPFR_RNDN); mpfr_sub(be, x, be, MPFR_RNDN);
  mpfr_div_d(be, be, u->sigma, MPFR_RNDN);
}

/* The closed form p_t(x) = (Phi(beta) - Phi(alpha)) / (mu (b - a)), as a log. */
static void unif_logp(mpfr_t out, const void *ctx, const mpfr_t x)
{
  const uniform *u = ctx;
  mpfr_t al, be;
  mpfr_inits2(WP, al, be, (mpfr_ptr)0);
  unif_ab(u, x, al, be);
  phi_diff(out, al, be);
  mpfr_log(out, out, MPFR_RNDN);
  mpfr_set_d(al, u->b, MPFR_RNDN); mpfr_sub_d(al, al, u->a, MPFR_RNDN); mpfr_mul_d(al, al, u->mu, MPFR_RNDN);
  mpfr_log(al, al, MPFR_RNDN);
  mpfr_sub(out, out, al, MPFR_RNDN);
  mpfr_clears(al, be, (mpfr_ptr)0);
}

/* Double-exponential (tanh-sinh) quadrature of u^j exp(-(x_t - mu u)^2/(2 sigma^2))
 * over [a, b] for j = 0, 1, 2: step 1/DE_STEPS on |t| <= DE_T. The nodes' weights
 * fall below 2^-300 at the ends; the discretisation error of the trapezoid
 * rule decays like exp(-c / step). */
#define DE_STEPS 128
#define DE_T 4.5
static void unif_moments(const uniform *u, const mpfr_t xt, mpfr_t z0, mpfr_t z1, mpfr_t z2)
{
  mpfr_t t, sh, ch, node, wt, f, c, hw, half_pi;
  mpfr_inits2(WP, t, sh, ch, node, wt, f, c, hw, half_pi, (mpfr_ptr)0);
  mpfr_const_pi(half_pi, MPFR_RNDN); mpfr_div_2ui(half_pi, half_pi, 1, MPFR_RNDN);
  mpfr_set_d(c, u->a, MPFR_RNDN); mpfr_add_d(c, c, u->b, MPFR_RNDN); mpfr_div_2ui(c, c, 1, MPFR_RNDN);
  mpfr_set_d(hw, u->b, MPFR_RNDN); mpfr_sub_d(hw, hw, u->a, MPFR_RNDN); mpfr_div_2ui(hw, hw, 1, MPFR_RNDN);
  mpfr_set_zero(z0, 1); mpfr_set_zero(z1, 1); mpfr_set_zero(z2, 1);
  long kmax = (long)(DE_T * DE_STEPS);
  for (long k = -kmax; k <= kmax; k++) {
    mpfr_set_si(t, k, MPFR_RNDN); mpfr_div_ui(t, t, DE_STEPS, MPFR_RNDN);
    mpfr_sinh_cosh(sh, ch, t, MPFR_RNDN);
    mpfr_mul(sh, sh, half_pi, MPFR_RNDN);              /* pi/2 sinh t */
    mpfr_tanh(node, sh, MPFR_RNDN);
    mpfr_cosh(wt, sh, MPFR_RNDN); mpfr_sqr(wt, wt, MPFR_RNDN);
    mpfr_mul(ch, ch, half_pi, MPFR_RNDN); mpfr_div(wt, ch, wt, MPFR_RNDN); mpfr_mul(wt, wt, hw, MPFR_RNDN);
    mpfr_mul(node, node, hw, MPFR_RNDN); mpfr_add(node, node, c, MPFR_RNDN);
    /* integrand */
    mpfr_mul_d(f, node, u->mu, MPFR_RNDN); mpfr_sub(f, xt, f, MPFR_RNDN); mpfr_div_d(f, f, u->sigma, MPFR_RNDN);
    mpfr_sqr(f, f, MPFR_RNDN); mpfr_div_2ui(f, f, 1, MPFR_RNDN); mpfr_neg(f, f, MPFR_RNDN); mpfr_exp(f, f, MPFR_RNDN);
    mpfr_mul(f, f, wt, MPFR_RNDN);
    mpfr_add(z0, z0, f, MPFR_RNDN);
    mpfr_mul(f, f, node, MPFR_RNDN); mpfr_add(z1, z1, f, MPFR_RNDN);
    mpfr_mul(f, f, node, MPFR_RNDN); mpfr_add(z2, z2, f, MPFR_RNDN);
  }
  mpfr_div_ui(z0, z0, DE_STEPS, MPFR_RNDN); mpfr_div_ui(z1, z1, DE_STEPS, MPFR_RNDN); mpfr_div_ui(z2, z2, DE_STEPS, MPFR_RNDN);
  mpfr_clears(t, sh, ch, node, wt, f, c, hw, half_pi, (mpfr_ptr)0);
}

static void check_uniform(qcheck *q)
{
  static const uniform cases[] = { { -1.0, 2.0, 0.8, 0.6 }, { 0.0, 1.0, 0.5, 0.1 }, { -3.0, 5.0, 0.95, 0.3 } };
  static const double xs[][7] = { { -3.0, -1.0, 0.0, 0.4, 1.2, 2.0, 3.5 },
                                  { -0.2, 0.0, 0.125, 0.25, 0.4, 0.5, 0.7 },
                                  { -5.0, -2.5, 0.0, 0.5, 3.0, 4.75, 6.5 } };
  double worst_pt = 0, worst_tn = 0, worst_tw = 0, worst_cov = 0, ctl_tn = 0;
  int n = 0;
  mpfr_t x, z0, z1, z2, t, al, be, num, den, d1, d2, mean, var;
  mpfr_inits2(WP, x, z0, z1, z2, t, al, be, num, den, d1, d2, mean, var, (mpfr_ptr)0);
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++)
    for (int i = 0; i < 7; i++, n++) {
      const uniform *u = &cases[c];
      mpfr_set_d(x, xs[c][i], MPFR_RNDN);
      unif_moments(u, x, z0, z1, z2);
      mpfr_div(mean, z1, z0, MPFR_RNDN);
      mpfr_div(var, z2, z0, MPFR_RNDN); mpfr_sqr(t, mean, MPFR_RNDN); mpfr_sub(var, var, t, MPFR_RNDN);
      /* p_t by quadrature: Z / ((b - a) sqrt(2 pi) sigma) against the closed form */
      mpfr_const_pi(t, MPFR_RNDN); mpfr_mul_2ui(t, t, 1, MPFR_RNDN); mpfr_sqrt(t, t, MPFR_RNDN);
      mpfr_mul_d(t, t, u->sigma, MPFR_RNDN); mpfr_mul_d(t, t, u->b - u->a, MPFR_RNDN);
      mpfr_div(t, z0, t, MPFR_RNDN);
      unif_logp(num, u, x); mpfr_exp(num, num, MPFR_RNDN);
      worst_pt = fmax(worst_pt, rel_gap(t, num, 0.0));
      /* truncated-normal mean: x/mu + (sigma/mu)(phi(beta) - phi(alpha))/(Phi(beta) - Phi(alpha)) */
      unif_ab(u, x, al, be);
      phi_diff(den, al, be);
      mpfr_sqr(t, be, MPFR_RNDN); mpfr_div_2ui(t, t, 1, MPFR_RNDN); mpfr_neg(t, t, MPFR_RNDN); mpfr_exp(num, t, MPFR_RNDN);
      mpfr_sqr(t, al, MPFR_RNDN); mpfr_div_2ui(t, t, 1, MPFR_RNDN); mpfr_neg(t, t, MPFR_RNDN); mpfr_exp(t, t, MPFR_RNDN);
      mpfr_sub(num, num, t, MPFR_RNDN);
      mpfr_const_pi(t, MPFR_RNDN); mpfr_mul_2ui(t, t, 1, MPFR_RNDN); mpfr_sqrt(t, t, MPFR_RNDN);
      mpfr_div(num, num, t, MPFR_RNDN); mpfr_div(num, num, den, MPFR_RNDN);
      mpfr_mul_d(num, num, u->sigma, MPFR_RNDN);
      mpfr_sub(t, x, num, MPFR_RNDN); mpfr_div_d(t, t, u->mu, MPFR_RNDN);  /* control: phi(alpha) - phi(beta) */
      mpfr_add(num, num, x, MPFR_RNDN); mpfr_div_d(num, num, u->mu, MPFR_RNDN);
      double sd = sqrt(mpfr_get_d(var, MPFR_RNDN));
      worst_tn = fmax(worst_tn, rel_gap(num, mean, sd));
      ctl_tn = fmax(ctl_tn, rel_gap(t, mean, sd));
      /* Tweedie with the central-difference score of the closed-form log p_t */
      central_diff(unif_logp, u, x, ldexp(u->sigma, FD_LOG2H), d1, d2);
      tweedie_moments(u->mu, u->sigma, x, d1, d2, t, num);
      worst_tw = fmax(worst_tw, rel_gap(t, mean, sd));
      worst_cov = fmax(worst_cov, rel_gap(num, var, 0.0));
    }
  mpfr_clears(x, z0, z1, z2, t, al, be, num, den, d1, d2, mean, var, (mpfr_ptr)0);
  qc_record(q, "tweedie.uniform", "control", QC_MUST_HOLD, ctl_tn > NUM_TOL, "p_t and truncated-normal mean", (unsigned long)n,
            "the same comparison of the truncated-normal mean with phi(alpha) - phi(beta) (sign flipped): max gap %.3e: %s",
            ctl_tn, ctl_tn > NUM_TOL ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "tweedie.uniform", "numeric", QC_MUST_HOLD, qc_small(q, worst_pt, NUM_TOL) && qc_small(q, worst_tn, NUM_TOL), "p_t and truncated-normal mean",
            (unsigned long)n,
            "3 uniform priors ([-1,2], [0,1], [-3,5]; sigma/mu from 0.2 to 0.75), %d points x_t inside and outside mu[a,b]: "
            "(Phi(beta)-Phi(alpha))/(mu(b-a)) against tanh-sinh quadrature of the definition (%d nodes/unit, %d bits): max rel. diff %.2e; "
            "truncated-normal mean against the quadrature posterior mean: max |diff|/(|mean|+sd) %.2e (tolerance %.0e)",
            n, DE_STEPS, WP, worst_pt, worst_tn, NUM_TOL);
  qc_record(q, "tweedie.formula", "numeric", QC_AS_WRITTEN, qc_small(q, worst_tw, NUM_TOL), "uniform prior", (unsigned long)n,
            "(x_t + sigma^2 d/dx log p_t)/mu, derivative by central differences of the closed-form log p_t, against the quadrature "
            "posterior mean at %d points (3 priors): max |diff|/(|mean|+sd) = %.2e (tolerance %.0e)", n, worst_tw, NUM_TOL);
  qc_record(q, "tweedie.cov", "numeric", QC_MUST_HOLD, qc_small(q, worst_cov, NUM_TOL), "uniform prior", (unsigned long)n,
            "(sigma^2/mu^2)(1 + sigma^2 d2/dx2 log p_t) against the quadrature posterior variance at %d points: max rel. diff %.2e "
            "(tolerance %.0e)", n, worst_cov, NUM_TOL);
}

/* Figure data: the Tweedie denoiser (central-difference score) and the
 * posterior-mixture mean across x_t for the near mixture, 201 points. */
static void write_figure(void)
{
  FILE *f = evidence_data_file("fig", "tweedie_mixture.csv");
  if (!f) return;
  fprintf(f, "xt,tweedie,posterior,absdiff\n");
  mpfr_t x, d1, d2, mean, var, score, tw, t;
  mpfr_inits2(WP, x, d1, d2, mean, var, score, tw, t, (mpfr_ptr)0);
  const mixture *g = &MIX_NEAR;
  for (int i = 0; i <= 200; i++) {
    double xt = -5.0 + 10.0 * i / 200.0;
    mpfr_set_d(x, xt, MPFR_RNDN);
    central_diff(mix_logp_fn, g, x, ldexp(g->sigma, FD_LOG2H), d1, d2);
    mix_posterior(g, x, mean, var, score);
    tweedie_moments(g->mu, g->sigma, x, d1, d2, tw, var);
    mpfr_sub(t, tw, mean, MPFR_RNDN); mpfr_abs(t, t, MPFR_RNDN);
    double diff = mpfr_get_d(t, MPFR_RNDN);
    fprintf(f, "%.6f,%.12g,%.12g,%.3e\n", xt, mpfr_get_d(tw, MPFR_RNDN), mpfr_get_d(mean, MPFR_RNDN), diff > 1e-300 ? diff : 1e-300);
  }
  mpfr_clears(x, d1, d2, mean, var, score, tw, t, (mpfr_ptr)0);
  fclose(f);
}

int main(void)
{
  qcheck q;
  qc_init(&q, PROGRAM);
  QC_WITH_CONTROLS(&q) {
    check_gauss_exact(&q);
    check_mv_exact(&q);
    check_mixtures(&q);
    check_uniform(&q);
  }
  write_figure();
  return qc_finish(&q);
}
