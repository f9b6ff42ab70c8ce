/* elbo.c -- proof checks of D7, the ELBO (claims elbo.*). Independent of
 * src/: exact rational identities for document 001's steps, and the
 * linear-Gaussian chain in MPFR (ELBO in 001's form from the moments of q,
 * log-evidence from the generative marginals, and the gap against the KL of
 * the joint Gaussians of the whole chain). */
#include "qcheck.h"
#include "dmcref.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>

#define PROGRAM "proof_elbo"

/* ---- exact steps ----------------------------------------------------------- */

/* (z - m)^2 / v added to acc */
static void add_quad(mpq_t acc, const mpq_t z, const mpq_t m, const mpq_t v, int sign)
{
  mpq_t t;
  mpq_init(t);
  mpq_sub(t, z, m);
  mpq_mul(t, t, t);
  mpq_div(t, t, v);
  if (sign > 0) mpq_add(acc, acc, t); else mpq_sub(acc, acc, t);
  mpq_clear(t);
}

/* 001's Bayes step for Gaussian kernels: p(x_{t-1}|x_t) p(x_t) =
 * p(x_t|x_{t-1}) p(x_{t-1}): the quadratic forms agree at random (x_{t-1},
 * x_t) and the variance products agree (c S = v_f S'). */
static void check_bayes(qcheck *q)
{
  mpq_t M, S, a, b, c, Sp, Mp, K, vf, y, x, mf, e1, e2, t, u;
  mpq_inits(M, S, a, b, c, Sp, Mp, K, vf, y, x, mf, e1, e2, t, u, NULL);
  int ok = 1, control = 1;
  char cx[512] = "";
  for (int i = 0; i < QC_POINTS; i++) {
    qc_random(q, M); qc_random_pos(q, S); qc_random(q, a); qc_random(q, b); qc_random_pos(q, c);
    qc_random(q, y); qc_random(q, x);
    mpq_mul(Sp, a, a); mpq_mul(Sp, Sp, S); mpq_add(Sp, Sp, c);           /* S' = a^2 S + c */
    mpq_mul(Mp, a, M); mpq_add(Mp, Mp, b);                               /* M' = a M + b */
    mpq_mul(K, a, S); mpq_div(K, K, Sp);                                 /* K = a S / S' */
    mpq_mul(vf, S, c); mpq_div(vf, vf, Sp);                              /* v_f = S c / S' */
    mpq_sub(mf, y, Mp); mpq_mul(mf, mf, K); mpq_add(mf, mf, M);          /* forward mean */
    mpq_set_ui(e1, 0, 1); mpq_set_ui(e2, 0, 1);
    mpq_mul(t, a, x); mpq_add(t, t, b);
    add_quad(e1, y, t, c, 1); add_quad(e1, x, M, S, 1);
    add_quad(e2, x, mf, vf, 1); add_quad(e2, y, Mp, Sp, 1);
    mpq_mul(t, c, S); mpq_mul(u, vf, Sp);
    int here = qc_eq(q, e1, e2) && qc_eq(q, t, u);
    if (!here && ok) {
      char s1[128], s2[128];
      snprintf(cx, sizeof cx, "counterexample: quadratic forms %s vs %s", qc_qstr(s1, 128, e1), qc_qstr(s2, 128, e2));
    }
    ok &= here;
    /* negative control: a wrong reverse variance 2c breaks the identity */
    mpq_mul_2exp(t, c, 1);
    mpq_set_ui(e1, 0, 1);
    mpq_mul(u, a, x); mpq_add(u, u, b);
    add_quad(e1, y, u, t, 1); add_quad(e1, x, M, S, 1);
    control &= !qc_eq(q, e1, e2);
  }
  qc_record(q, "elbo.bayes", "control", QC_MUST_HOLD, control, "p(x_{t-1}|x_t) = p(x_t|x_{t-1}) p(x_{t-1}) / p(x_t)",
            QC_POINTS, "the same exact check with a wrong reverse variance 2c: %s",
            control ? "rejected at every point, as it must be" : "NOT rejected");
  qc_record(q, "elbo.bayes", "exact", QC_AS_WRITTEN, ok, "p(x_{t-1}|x_t) = p(x_t|x_{t-1}) p(x_{t-1}) / p(x_t)", QC_POINTS,
            "%s%d random rational Gaussian reverse kernels N(a x_t + b, c), marginals N(M, S) and points: quadratic forms "
            "and variance products of both sides equal exactly (Schwartz-Zippel false pass <= 10^%.0f)", cx, QC_POINTS, qc_sz_log10(8, QC_POINTS));
  mpq_clears(M, S, a, b, c, Sp, Mp, K, vf, y, x, mf, e1, e2, t, u, NULL);
}

/* The Bayes step read with 001's own notation, where p(x_t | x_{t-1}) is the
 * forward transition (001, "Forward process") and p(x_{t-1}), p(x_t) its
 * marginals: the right side is then the forward process's true reverse
 * kernel, and equating it with the model's reverse kernel holds only when the
 * model's kernel is that posterior. Exact: random rational VP step, data
 * N(M, S), a random model kernel (fails) and the true posterior (holds). */
static void check_bayes_forward(qcheck *q)
{
  mpq_t lam, s2, M, S, Sp, a, b, c, as, bs, cs, y, x, e1, e2, t, u;
  mpq_inits(lam, s2, M, S, Sp, a, b, c, as, bs, cs, y, x, e1, e2, t, u, NULL);
  int model_fails = 1, true_holds = 1;
  char cx[768] = "";
  for (int i = 0; i < QC_POINTS; i++) {
    qc_random_pos(q, t); qc_random_pos(q, u);
    mpq_add(s2, t, u); mpq_div(lam, t, s2);                             /* lambda in (0,1) */
    mpq_mul(s2, lam, lam); mpq_set_ui(t, 1, 1); mpq_sub(s2, t, s2);     /* 1 - lambda^2 */
    qc_random(q, M); qc_random_pos(q, S); qc_random(q, y); qc_random(q, x);
    mpq_mul(Sp, lam, lam); mpq_mul(Sp, Sp, S); mpq_add(Sp, Sp, s2);     /* Var q(x_t) */
    mpq_mul(as, lam, S); mpq_div(as, as, Sp);                           /* true posterior */
    mpq_mul(bs, as, lam); mpq_mul(bs, bs, M); mpq_sub(bs, M, bs);
    mpq_mul(cs, S, s2); mpq_div(cs, cs, Sp);
    qc_random(q, a); qc_random(q, b); qc_random_pos(q, c);              /* a model kernel */
    /* right side: q(x_t|x_{t-1}) q(x_{t-1}) / q(x_t), as quadratic form and variance ratio */
    mpq_set_ui(e2, 0, 1);
    mpq_mul(t, lam, y);
    add_quad(e2, x, t, s2, 1); add_quad(e2, y, M, S, 1);
    mpq_mul(t, lam, M);
    add_quad(e2, x, t, Sp, -1);
    mpq_mul(u, s2, S); mpq_div(u, u, Sp);                               /* its variance */
    /* model kernel */
    mpq_set_ui(e1, 0, 1);
    mpq_mul(t, a, x); mpq_add(t, t, b);
    add_quad(e1, y, t, c, 1);
    int eq_model = qc_eq(q, e1, e2) && qc_eq(q, c, u);
    if (!eq_model && model_fails && !cx[0]) {
      char s1[96], s3[96], s4[96], s5[96], s6[96], s7[96], s8[96];
      snprintf(cx, sizeof cx, "counterexample: lambda=%s, q(x_{t-1})=N(%s, %s), model kernel N(a x_t + b, c) with a=%s b=%s c=%s: "
               "Bayes' right side has variance %s, not c; ",
               qc_qstr(s1, 96, lam), qc_qstr(s3, 96, M), qc_qstr(s4, 96, S), qc_qstr(s5, 96, a), qc_qstr(s6, 96, b),
               qc_qstr(s7, 96, c), qc_qstr(s8, 96, u));
    }
    model_fails &= !eq_model;
    mpq_set_ui(e1, 0, 1);
    mpq_mul(t, as, x); mpq_add(t, t, bs);
    add_quad(e1, y, t, cs, 1);
    true_holds &= qc_eq(q, e1, e2) && qc_eq(q, cs, u);
  }
  qc_record(q, "elbo.bayes.forward", "exact", QC_AS_WRITTEN, !model_fails,
            "Bayes step with p(x_t|x_{t-1}) = forward transition gives the model kernel", QC_POINTS,
            "%sat all %d random rational points a random model kernel differs from q(x_t|x_{t-1}) q(x_{t-1}) / q(x_t)",
            cx, QC_POINTS);
  qc_record(q, "elbo.bayes.forward", "control", QC_MUST_HOLD, model_fails, "holds iff the model kernel is the true posterior",
            QC_POINTS, "the same exact check with a random model kernel in place of the true posterior: %s",
            model_fails ? "rejected at every point, as it must be" : "NOT rejected");
  qc_record(q, "elbo.bayes.forward", "corrected", QC_MUST_HOLD, true_holds,
            "holds iff the model kernel is the true posterior", QC_POINTS,
            "with a = lambda S/S', b = M - a lambda M, c = S (1-lambda^2)/S' the identity is exact at all %d points "
            "(Schwartz-Zippel false pass <= 10^%.0f)", QC_POINTS, qc_sz_log10(8, QC_POINTS));
  mpq_clears(lam, s2, M, S, Sp, a, b, c, as, bs, cs, y, x, e1, e2, t, u, NULL);
}

/* One Gaussian log-density as (quadratic, variance) with a sign:
 * sign * log N(z; m, v) = -sign/2 (log 2 pi + log v + (z-m)^2/v). The two
 * sides of an identity with equal counts of Gaussians agree iff their signed
 * quadratic sums agree and their signed variance products agree. */
typedef struct { mpq_t quad, prod; } logsum;
static void ls_init(logsum *s) { mpq_inits(s->quad, s->prod, NULL); mpq_set_ui(s->prod, 1, 1); }
static void ls_clear(logsum *s) { mpq_clears(s->quad, s->prod, NULL); }
static void ls_add(logsum *s, const mpq_t z, const mpq_t m, const mpq_t v, int sign)
{
  add_quad(s->quad, z, m, v, sign);
  if (sign > 0) mpq_mul(s->prod, s->prod, v); else mpq_div(s->prod, s->prod, v);
}

/* 001's substitution and telescoping, pathwise, for a random rational chain:
 *   log p(x_T) + sum log p(x_{t-1}|x_t)/q(x_t|x_{t-1})
 *     = log p(x_0) + sum log p(x_t|x_{t-1})/q(x_t|x_{t-1})
 * with p(x_t|x_{t-1}) the generative model's forward conditional. */
static void check_substitution(qcheck *q)
{
  enum { TM = 5 };
  mpq_t lam[TM + 1], a[TM + 1], b[TM + 1], c[TM + 1], M[TM + 1], S[TM + 1], x[TM + 1], t1, t2, s2, K, vf;
  for (int i = 0; i <= TM; i++) { mpq_inits(lam[i], a[i], b[i], c[i], M[i], S[i], x[i], NULL); }
  mpq_inits(t1, t2, s2, K, vf, NULL);
  int ok_sub = 1, ok_tel = 1, control = 1, tel_ctl = 1, points = 0;
  for (int it = 0; it < QC_POINTS; it++) {
    int T = 1 + it % TM;
    for (int t = 1; t <= T; t++) {
      /* lambda in (0,1): k / (k + j) with positive k, j */
      qc_random_pos(q, t1); qc_random_pos(q, t2);
      mpq_add(s2, t1, t2); mpq_div(lam[t], t1, s2);
      qc_random(q, a[t]); qc_random(q, b[t]); qc_random_pos(q, c[t]);
    }
    qc_random(q, M[T]); qc_random_pos(q, S[T]);
    for (int t = T; t >= 1; t--) {                       /* generative marginals */
      mpq_mul(M[t - 1], a[t], M[t]); mpq_add(M[t - 1], M[t - 1], b[t]);
      mpq_mul(S[t - 1], a[t], a[t]); mpq_mul(S[t - 1], S[t - 1], S[t]); mpq_add(S[t - 1], S[t - 1], c[t]);
    }
    for (int t = 0; t <= T; t++) qc_random(q, x[t]);
    logsum L, R, TL, TR;
    ls_init(&L); ls_init(&R); ls_init(&TL); ls_init(&TR);
    ls_add(&L, x[T], M[T], S[T], 1);
    ls_add(&R, x[0], M[0], S[0], 1);
    for (int t = 1; t <= T; t++) {
      mpq_mul(t1, a[t], x[t]); mpq_add(t1, t1, b[t]);
      ls_add(&L, x[t - 1], t1, c[t], 1);                                  /* reverse kernel */
      mpq_mul(s2, lam[t], lam[t]); mpq_set_ui(t2, 1, 1); mpq_sub(s2, t2, s2);
      mpq_mul(t2, lam[t], x[t - 1]);
      ls_add(&L, x[t], t2, s2, -1);                                       /* q(x_t|x_{t-1}) */
      ls_add(&R, x[t], t2, s2, -1);
      mpq_mul(K, a[t], S[t]); mpq_div(K, K, S[t - 1]);                    /* forward conditional */
      mpq_mul(vf, S[t], c[t]); mpq_div(vf, vf, S[t - 1]);
      mpq_sub(t1, x[t - 1], M[t - 1]); mpq_mul(t1, t1, K); mpq_add(t1, t1, M[t]);
      ls_add(&R, x[t], t1, vf, 1);
      ls_add(&TL, x[t - 1], M[t - 1], S[t - 1], 1);                       /* telescoping */
      ls_add(&TL, x[t], M[t], S[t], -1);
    }
    ls_add(&TR, x[0], M[0], S[0], 1);
    ls_add(&TR, x[T], M[T], S[T], -1);
    ok_sub &= qc_eq(q, L.quad, R.quad) && qc_eq(q, L.prod, R.prod);
    ok_tel &= qc_eq(q, TL.quad, TR.quad) && qc_eq(q, TL.prod, TR.prod);
    ls_add(&TR, x[T], M[T], S[T], 1);                   /* control: log p(x_0) alone, log p(x_T) dropped */
    tel_ctl &= !(qc_eq(q, TL.quad, TR.quad) && qc_eq(q, TL.prod, TR.prod));
    /* negative control: without log p(x_T) the two sides differ */
    ls_add(&L, x[T], M[T], S[T], -1);
    control &= !(qc_eq(q, L.quad, R.quad) && qc_eq(q, L.prod, R.prod));
    ls_clear(&L); ls_clear(&R); ls_clear(&TL); ls_clear(&TR);
    points++;
  }
  double sz = qc_sz_log10(4 * TM + 4, QC_POINTS);
  qc_record(q, "elbo.substitution", "control", QC_MUST_HOLD, control, "substitution: both sums equal pathwise",
            (unsigned long)points, "the same exact check with log p(x_T) dropped: %s",
            control ? "rejected on every chain, as it must be" : "NOT rejected");
  qc_record(q, "elbo.substitution", "exact", QC_AS_WRITTEN, ok_sub, "substitution: both sums equal pathwise", (unsigned long)points,
            "%d random rational chains (T = 1..%d, random reverse kernels, random paths): log p(x_T) + sum log p(x_{t-1}|x_t)/q(x_t|x_{t-1}) "
            "= log p(x_0) + sum log p(x_t|x_{t-1})/q(x_t|x_{t-1}) exactly (signed quadratic sums and variance products), "
            "with p(x_t|x_{t-1}) the generative model's forward conditional; false pass <= 10^%.0f",
            points, TM, sz);
  qc_record(q, "elbo.telescoping", "control", QC_MUST_HOLD, tel_ctl, "sum log p(x_{t-1})/p(x_t) = log p(x_0) - log p(x_T)",
            (unsigned long)points, "the same exact check against log p(x_0) alone: %s",
            tel_ctl ? "rejected on every chain, as it must be" : "NOT rejected");
  qc_record(q, "elbo.telescoping", "exact", QC_AS_WRITTEN, ok_tel, "sum log p(x_{t-1})/p(x_t) = log p(x_0) - log p(x_T)", (unsigned long)points,
            "%d random rational chains and paths: exact; false pass <= 10^%.0f", points, sz);
  for (int i = 0; i <= TM; i++) { mpq_clears(lam[i], a[i], b[i], c[i], M[i], S[i], x[i], NULL); }
  mpq_clears(t1, t2, s2, K, vf, NULL);
}

/* The Langevin demo's increment logProbBackward - logProbForward equals
 * (x2 - m_f)^2 (2 dt - dt^2) / (2 var), exactly. */
static void check_demo_increment(qcheck *q)
{
  mpq_t x1, x2, mu, v, tau, dt, mf, var, score, mb, inc, want, t;
  mpq_inits(x1, x2, mu, v, tau, dt, mf, var, score, mb, inc, want, t, NULL);
  int ok = 1, ctl = 1;
  for (int i = 0; i < QC_POINTS; i++) {
    qc_random(q, x1); qc_random(q, x2); qc_random(q, mu);
    qc_random_pos(q, v); qc_random_pos(q, tau); qc_random_pos(q, dt);
    mpq_sub(mf, mu, x1); mpq_div(mf, mf, tau); mpq_div(mf, mf, v); mpq_mul(mf, mf, dt); mpq_add(mf, mf, x1);
    mpq_mul_2exp(var, dt, 1); mpq_div(var, var, tau);
    mpq_sub(score, mf, x2); mpq_div(score, score, var);
    mpq_mul(mb, var, score); mpq_mul(mb, mb, dt); mpq_sub(mb, mf, mb);
    mpq_set_ui(inc, 0, 1);
    add_quad(inc, x2, mb, var, -1); add_quad(inc, x2, mf, var, 1);
    mpq_div_2exp(inc, inc, 1);
    mpq_mul(t, dt, dt); mpq_mul_2exp(want, dt, 1); mpq_sub(want, want, t);   /* 2 dt - dt^2 */
    mpq_sub(t, x2, mf); mpq_mul(t, t, t); mpq_mul(want, want, t); mpq_div(want, want, var); mpq_div_2exp(want, want, 1);
    ok &= qc_eq(q, inc, want);
    mpq_set_ui(score, 2, 1); mpq_sub(score, score, dt); /* control: 2 dt, the dt^2 term dropped */
    if (mpq_sgn(score)) { mpq_mul_2exp(t, want, 1); mpq_div(t, t, score); ctl &= !qc_eq(q, inc, t) || !mpq_sgn(inc); }
  }
  qc_record(q, "elbo.demo.increment", "control", QC_MUST_HOLD, ctl, "demo increment = (x'-m_f)^2 (2dt - dt^2)/(2 var)",
            QC_POINTS, "the same exact check of (x'-m_f)^2 2dt/(2 var) (the dt^2 term dropped): %s",
            ctl ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "elbo.demo.increment", "exact", QC_MUST_HOLD, ok, "demo increment = (x'-m_f)^2 (2dt - dt^2)/(2 var)", QC_POINTS,
            "the demo's logProbBackward - logProbForward at %d random rational (x, x', mu, sigma^2, tau, dt): exact; so with "
            "x' - m_f = sqrt(var) xi the increment is xi^2 dt (1 - dt/2) >= 0; false pass <= 10^%.0f",
            QC_POINTS, qc_sz_log10(12, QC_POINTS));
  mpq_clears(x1, x2, mu, v, tau, dt, mf, var, score, mb, inc, want, t, NULL);
}

/* 001's Langevin chain x' = x + (mu - x) dt/(tau sigma^2) + sqrt(2 dt/tau) z
 * (claims elbo.langevin.stationary, elbo.langevin.moments): with h =
 * dt/(tau sigma^2), rho = 1 - h, the moments follow m' = rho m + h mu,
 * v' = rho^2 v + 2 dt/tau. Exactly, at random rational (mu, sigma^2, tau,
 * 0 < h < 1, m0, v0): sigma^2/(1 - h/2) is the fixed point of the variance
 * recursion (and sigma^2 is not: the negative control), and K steps of the
 * recursion equal the closed forms mu + rho^k (m0 - mu) and
 * V + rho^2k (v0 - V), so v_k -> V for every 0 < h < 2. */
#define LANGEVIN_K 12
static void check_langevin_stationary(qcheck *q)
{
  mpq_t mu, s2, tau, h, dt, rho, r2, g, V, m, v, m0, v0, rk, t, u;
  mpq_inits(mu, s2, tau, h, dt, rho, r2, g, V, m, v, m0, v0, rk, t, u, NULL);
  int fix_ok = 1, control_ok = 1, steps_ok = 1;
  for (int i = 0; i < QC_POINTS; i++) {
    qc_random(q, mu); qc_random_pos(q, s2); qc_random_pos(q, tau); qc_random(q, m0); qc_random_pos(q, v0);
    qc_random_pos(q, t); qc_random_pos(q, u);
    mpq_add(h, t, u); mpq_div(h, t, h);                                /* h = t/(t+u) in (0,1) */
    mpq_mul(dt, h, tau); mpq_mul(dt, dt, s2);                         /* dt = h tau sigma^2 */
    mpq_set_ui(rho, 1, 1); mpq_sub(rho, rho, h); mpq_mul(r2, rho, rho);
    mpq_mul_2exp(g, dt, 1); mpq_div(g, g, tau);                       /* 2 dt / tau */
    mpq_div_2exp(t, h, 1); mpq_set_ui(u, 1, 1); mpq_sub(u, u, t); mpq_div(V, s2, u);   /* sigma^2/(1 - h/2) */
    mpq_mul(t, r2, V); mpq_add(t, t, g);
    fix_ok &= qc_eq(q, t, V);
    mpq_mul(t, r2, s2); mpq_add(t, t, g);
    control_ok &= !mpq_equal(t, s2);
    mpq_set(m, m0); mpq_set(v, v0); mpq_set_ui(rk, 1, 1);
    for (int k = 1; k <= LANGEVIN_K; k++) {
      mpq_sub(t, mu, m); mpq_div(t, t, tau); mpq_div(t, t, s2); mpq_mul(t, t, dt); mpq_add(m, m, t);  /* the chain's drift */
      mpq_mul(v, v, r2); mpq_add(v, v, g);
      mpq_mul(rk, rk, rho);
      mpq_sub(t, m0, mu); mpq_mul(t, t, rk); mpq_add(t, t, mu);
      steps_ok &= qc_eq(q, t, m);
      mpq_sub(t, v0, V); mpq_mul(t, t, rk); mpq_mul(t, t, rk); mpq_add(t, t, V);
      steps_ok &= qc_eq(q, t, v);
    }
  }
  double sz = qc_sz_log10(2 * LANGEVIN_K + 4, QC_POINTS);
  qc_record(q, "elbo.langevin.stationary", "exact", QC_MUST_HOLD, fix_ok, "sigma^2/(1-h/2) is the fixed point of v' = rho^2 v + 2dt/tau",
            QC_POINTS, "rho^2 V + 2dt/tau = V for V = sigma^2/(1-h/2), exactly at %d random rational (mu, sigma^2, tau, 0<h<1) "
            "(false pass <= 10^%.0f)", QC_POINTS, sz);
  qc_record(q, "elbo.langevin.stationary", "control", QC_MUST_HOLD, control_ok,
            "sigma^2/(1-h/2) is the fixed point of v' = rho^2 v + 2dt/tau", QC_POINTS,
            "the same check of the perturbed statement sigma^2: rho^2 sigma^2 + 2dt/tau - sigma^2 = h^2 sigma^2 != 0 at all %d points: the continuous-time variance is not "
            "stationary for the chain", QC_POINTS);
  qc_record(q, "elbo.langevin.stationary", "exact", QC_MUST_HOLD, steps_ok, "k steps of the recursion = V + rho^2k (v0 - V)",
            QC_POINTS, "the moment recursion of the chain iterated %d times from random rational (m0, v0) equals mu + rho^k "
            "(m0 - mu) and V + rho^2k (v0 - V) at every k, exactly at %d points: v_k -> V for 0 < h < 2", LANGEVIN_K, QC_POINTS);
  qc_record(q, "elbo.langevin.moments", "exact", QC_MUST_HOLD, steps_ok, "mean and variance after k steps (recursion)",
            QC_POINTS, "as for elbo.langevin.stationary: with v0 = 0 the closed form is (2dt/tau)(1-rho^2k)/(1-rho^2), exact "
            "for k = 1..%d at %d random rational points", LANGEVIN_K, QC_POINTS);
  mpq_clears(mu, s2, tau, h, dt, rho, r2, g, V, m, v, m0, v0, rk, t, u, NULL);
}

/* elbo.loglik.gauss from the definition: exp of the stated log-density
 * -(log 2 pi + l + (x - m)^2 e^-l)/2 integrates to 1 and has mean m and
 * variance e^l (trapezoid rule in MPFR, QC_PREC bits, step sd/16 on
 * m +- 40 sd: for a Gaussian the rule's error is below e^-(2 pi^2 256)), so
 * it is the log-density of N(m, e^l) (a normalised exp-quadratic is fixed by
 * its mean and variance). Negative controls: the same check rejects the form
 * without log 2 pi (mass (2 pi)^(1/2)) and the one with e^+l in place of e^-l
 * (variance e^-l) at every point. */
static void ll_moments(mpfr_t m0, mpfr_t m1, mpfr_t m2, const mpfr_t m, const mpfr_t l, int variant)
{
  mpfr_t sd, h, x, d, e, c, t;
  mpfr_inits2(QC_PREC, sd, h, x, d, e, c, t, (mpfr_ptr)0);
  mpfr_div_ui(sd, l, 2, MPFR_RNDN);
  if (variant == 2) mpfr_neg(sd, sd, MPFR_RNDN);                 /* the control's own width e^(-l/2) */
  mpfr_exp(sd, sd, MPFR_RNDN);
  mpfr_div_ui(h, sd, 16, MPFR_RNDN);
  mpfr_neg(e, l, MPFR_RNDN);
  if (variant == 2) mpfr_neg(e, e, MPFR_RNDN);                   /* control: e^+l */
  mpfr_exp(e, e, MPFR_RNDN);
  mpfr_const_pi(c, MPFR_RNDN); mpfr_mul_2ui(c, c, 1, MPFR_RNDN); mpfr_log(c, c, MPFR_RNDN);
  if (variant == 1) mpfr_set_zero(c, 1);                         /* control: no log 2 pi */
  mpfr_add(c, c, l, MPFR_RNDN);
  mpfr_set_zero(m0, 1); mpfr_set_zero(m1, 1); mpfr_set_zero(m2, 1);
  for (long j = -640; j <= 640; j++) {
    mpfr_mul_si(d, h, j, MPFR_RNDN);                             /* x - m */
    mpfr_add(x, m, d, MPFR_RNDN);
    mpfr_sqr(t, d, MPFR_RNDN); mpfr_mul(t, t, e, MPFR_RNDN); mpfr_add(t, t, c, MPFR_RNDN);
    mpfr_div_si(t, t, -2, MPFR_RNDN); mpfr_exp(t, t, MPFR_RNDN);  /* the stated density */
    mpfr_add(m0, m0, t, MPFR_RNDN);
    mpfr_mul(x, x, t, MPFR_RNDN); mpfr_add(m1, m1, x, MPFR_RNDN);
    mpfr_sqr(d, d, MPFR_RNDN); mpfr_mul(d, d, t, MPFR_RNDN); mpfr_add(m2, m2, d, MPFR_RNDN);
  }
  mpfr_mul(m0, m0, h, MPFR_RNDN); mpfr_mul(m1, m1, h, MPFR_RNDN); mpfr_mul(m2, m2, h, MPFR_RNDN);
  mpfr_clears(sd, h, x, d, e, c, t, (mpfr_ptr)0);
}
/* max of |m0 - 1|, |m1 - m|, |m2/e^l - 1| */
static double ll_defect(const mpfr_t m, const mpfr_t l, int variant)
{
  mpfr_t m0, m1, m2, t, v;
  mpfr_inits2(QC_PREC, m0, m1, m2, t, v, (mpfr_ptr)0);
  ll_moments(m0, m1, m2, m, l, variant);
  double worst = 0;
  mpfr_sub_ui(t, m0, 1, MPFR_RNDN); worst = fmax(worst, fabs(mpfr_get_d(t, MPFR_RNDN)));
  mpfr_sub(t, m1, m, MPFR_RNDN); worst = fmax(worst, fabs(mpfr_get_d(t, MPFR_RNDN)));
  mpfr_exp(v, l, MPFR_RNDN); mpfr_div(t, m2, v, MPFR_RNDN); mpfr_sub_ui(t, t, 1, MPFR_RNDN);
  worst = fmax(worst, fabs(mpfr_get_d(t, MPFR_RNDN)));
  mpfr_clears(m0, m1, m2, t, v, (mpfr_ptr)0);
  return worst;
}
static void check_loglik_gauss(qcheck *q)
{
  mpfr_t m, l;
  mpfr_inits2(QC_PREC, m, l, (mpfr_ptr)0);
  const int pts = 8;
  double worst = 0, ctl1 = INFINITY, ctl2 = INFINITY;
  for (int i = 0; i < pts; i++) {
    mpfr_set_d(m, 10 * gsl_rng_uniform(q->rng) - 5, MPFR_RNDN);
    mpfr_set_d(l, 8 * gsl_rng_uniform(q->rng) - 4, MPFR_RNDN);
    if (i == 0) mpfr_set_d(l, 0.75, MPFR_RNDN);                   /* keeps e^l far from e^-l at one point at least */
    worst = fmax(worst, ll_defect(m, l, 0));
    ctl1 = fmin(ctl1, ll_defect(m, l, 1));
    double lv = mpfr_get_d(l, MPFR_RNDN);
    if (fabs(lv) > 0.05) ctl2 = fmin(ctl2, ll_defect(m, l, 2));
  }
  qc_record(q, "elbo.loglik.gauss", "numeric", QC_MUST_HOLD, qc_small(q, worst, 1e-60), "exp(stated log-density) has mass 1, mean m, variance e^l",
            (unsigned long)pts, "MPFR %d bits, trapezoid h = sd/16 on m +- 40 sd at %d random (m in [-5,5], l in [-4,4]): "
            "largest defect %.1e (< 1e-60)", QC_PREC, pts, worst);
  qc_record(q, "elbo.loglik.gauss", "control", QC_MUST_HOLD, ctl1 > 0.1 && ctl2 > 1e-3,
            "exp(stated log-density) has mass 1, mean m, variance e^l", (unsigned long)pts,
            "the same check of the form without log 2 pi and of the one with e^+l in place of e^-l: smallest defect without log 2 pi %.3f (mass sqrt(2 pi)), with e^+l in place of e^-l %.3g (|l| > 0.05)", ctl1, ctl2);
  mpfr_clears(m, l, (mpfr_ptr)0);
}

/* KL(N(mu1,v1)||N(mu2,v2)) = E_p[log p - log q]: the quadratic parts give
 * ((v1 + dm^2)/v2 - 1)/2 exactly with the Gaussian moments. */
static void check_kl_formula(qcheck *q)
{
  mpq_t mu1, v1, mu2, v2, m[3], e, want, t;
  mpq_inits(mu1, v1, mu2, v2, e, want, t, NULL);
  for (int k = 0; k < 3; k++) mpq_init(m[k]);
  int ok = 1, ctl = 1;
  for (int i = 0; i < QC_POINTS; i++) {
    qc_random(q, mu1); qc_random_pos(q, v1); qc_random(q, mu2); qc_random_pos(q, v2);
    qc_gauss_moments(m, 2, mu1, v1);
    /* E[(x-mu2)^2/v2 - (x-mu1)^2/v1] / 2 */
    mpq_t c0, c1;
    mpq_inits(c0, c1, NULL);
    mpq_mul(c0, mu2, mu2); mpq_div(c0, c0, v2); mpq_mul(t, mu1, mu1); mpq_div(t, t, v1); mpq_sub(c0, c0, t);
    mpq_div(c1, mu1, v1); mpq_div(t, mu2, v2); mpq_sub(c1, c1, t); mpq_mul_2exp(c1, c1, 1);
    mpq_inv(e, v2); mpq_inv(t, v1); mpq_sub(t, e, t);                     /* x^2 coefficient */
    mpq_mul(e, t, m[2]); mpq_mul(t, c1, m[1]); mpq_add(e, e, t); mpq_add(e, e, c0);
    mpq_div_2exp(e, e, 1);
    mpq_sub(t, mu1, mu2); mpq_mul(t, t, t); mpq_add(want, v1, t); mpq_div(want, want, v2);
    mpq_set_ui(t, 1, 1); mpq_sub(want, want, t); mpq_div_2exp(want, want, 1);
    ok &= qc_eq(q, e, want);
    mpq_set_ui(c0, 1, 2); mpq_add(t, want, c0);         /* control: without the -1 */
    ctl &= !qc_eq(q, e, t);
    mpq_clears(c0, c1, NULL);
  }
  qc_record(q, "elbo.kl.gauss", "control", QC_MUST_HOLD, ctl, "KL = (log(v2/v1) + (v1 + dmu^2)/v2 - 1)/2", QC_POINTS,
            "the same exact expectation against the formula without its -1: %s", ctl ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "elbo.kl.gauss", "exact", QC_MUST_HOLD, ok, "KL = (log(v2/v1) + (v1 + dmu^2)/v2 - 1)/2", QC_POINTS,
            "exact Gaussian moments at %d random rational (mu1, v1, mu2, v2): E_p of the quadratic parts of log p - log q "
            "equals ((v1 + dmu^2)/v2 - 1)/2; with d = log(v1/v2), e^d - 1 = v1/v2 - 1 gives (expm1(d) - d + dmu^2/v2)/2; "
            "false pass <= 10^%.0f", QC_POINTS, qc_sz_log10(6, QC_POINTS));
  mpq_clears(mu1, v1, mu2, v2, e, want, t, NULL);
  for (int k = 0; k < 3; k++) mpq_clear(m[k]);
}

/* ---- the linear-Gaussian chain in MPFR ------------------------------------ */
#define P QC_PREC
typedef struct {
  size_t T;
  mpfr_t *lam, *a, *b, *c; /* index t = 1..T */
  mpfr_t mT, vT;
} mchain;

static void mc_init(mchain *m, size_t T)
{
  m->T = T;
  m->lam = malloc((T + 1) * sizeof *m->lam); m->a = malloc((T + 1) * sizeof *m->a);
  m->b = malloc((T + 1) * sizeof *m->b); m->c = malloc((T + 1) * sizeof *m->c);
  if (!m->lam || !m->a || !m->b || !m->c) { fprintf(stderr, PROGRAM ": out of memory\n"); exit(2); }
  for (size_t t = 0; t <= T; t++) mpfr_inits2(P, m->lam[t], m->a[t], m->b[t], m->c[t], (mpfr_ptr)0);
  mpfr_inits2(P, m->mT, m->vT, (mpfr_ptr)0);
}
static void mc_clear(mchain *m)
{
  for (size_t t = 0; t <= m->T; t++) mpfr_clears(m->lam[t], m->a[t], m->b[t], m->c[t], (mpfr_ptr)0);
  mpfr_clears(m->mT, m->vT, (mpfr_ptr)0);
  free(m->lam); free(m->a); free(m->b); free(m->c);
}

/* 1 - lambda_t^2 */
static void sig2(mpfr_t out, const mchain *m, size_t t)
{
  mpfr_sqr(out, m->lam[t], MPFR_RNDN);
  mpfr_ui_sub(out, 1, out, MPFR_RNDN);
}

/* The true reverse kernels q(x_{t-1}|x_t) and q(x_T) for data N(m0, v0). */
static void true_kernels(mchain *m, const mpfr_t m0, const mpfr_t v0)
{
  mpfr_t M, S, Mt, St, s2, t;
  mpfr_inits2(P, M, S, Mt, St, s2, t, (mpfr_ptr)0);
  mpfr_set(M, m0, MPFR_RNDN); mpfr_set(S, v0, MPFR_RNDN);
  for (size_t k = 1; k <= m->T; k++) {
    sig2(s2, m, k);
    mpfr_mul(Mt, m->lam[k], M, MPFR_RNDN);
    mpfr_sqr(St, m->lam[k], MPFR_RNDN); mpfr_mul(St, St, S, MPFR_RNDN); mpfr_add(St, St, s2, MPFR_RNDN);
    mpfr_mul(m->a[k], m->lam[k], S, MPFR_RNDN); mpfr_div(m->a[k], m->a[k], St, MPFR_RNDN);
    mpfr_mul(t, m->a[k], Mt, MPFR_RNDN); mpfr_sub(m->b[k], M, t, MPFR_RNDN);
    mpfr_mul(m->c[k], S, s2, MPFR_RNDN); mpfr_div(m->c[k], m->c[k], St, MPFR_RNDN);
    mpfr_set(M, Mt, MPFR_RNDN); mpfr_set(S, St, MPFR_RNDN);
  }
  mpfr_set(m->mT, M, MPFR_RNDN); mpfr_set(m->vT, S, MPFR_RNDN);
  mpfr_clears(M, S, Mt, St, s2, t, (mpfr_ptr)0);
}

/* Generative marginals M[t], S[t], t = 0..T (arrays of T+1 initialised). */
static void marginals(const mchain *m, mpfr_t *M, mpfr_t *S)
{
  mpfr_set(M[m->T], m->mT, MPFR_RNDN); mpfr_set(S[m->T], m->vT, MPFR_RNDN);
  for (size_t t = m->T; t >= 1; t--) {
    mpfr_mul(M[t - 1], m->a[t], M[t], MPFR_RNDN); mpfr_add(M[t - 1], M[t - 1], m->b[t], MPFR_RNDN);
    mpfr_sqr(S[t - 1], m->a[t], MPFR_RNDN); mpfr_mul(S[t - 1], S[t - 1], S[t], MPFR_RNDN);
    mpfr_add(S[t - 1], S[t - 1], m->c[t], MPFR_RNDN);
  }
}

/* E log N(z; m, v) given E(z - m)^2 = e2 */
static void exp_lognormal(mpfr_t out, const mpfr_t v, const mpfr_t e2)
{
  mpfr_t t;
  mpfr_init2(t, P);
  mpfr_const_pi(t, MPFR_RNDN); mpfr_mul_2ui(t, t, 1, MPFR_RNDN); mpfr_mul(t, t, v, MPFR_RNDN);
  mpfr_log(t, t, MPFR_RNDN);
  mpfr_div(out, e2, v, MPFR_RNDN);
  mpfr_add(out, out, t, MPFR_RNDN);
  mpfr_div_2ui(out, out, 1, MPFR_RNDN);
  mpfr_neg(out, out, MPFR_RNDN);
  mpfr_clear(t);
}

/* E_q (alpha x_{t-1} + beta x_t + gamma)^2 from the q-moments (mean mu[],
 * second moments s[], cross E x_t x_{t-1} = lambda_t s[t-1]). */
static void e_square(mpfr_t out, const mpfr_t alpha, const mpfr_t beta, const mpfr_t gamma,
                     const mpfr_t mu0, const mpfr_t mu1, const mpfr_t s0, const mpfr_t s1, const mpfr_t lam)
{
  mpfr_t t, u;
  mpfr_inits2(P, t, u, (mpfr_ptr)0);
  mpfr_sqr(out, alpha, MPFR_RNDN); mpfr_mul(out, out, s0, MPFR_RNDN);
  mpfr_sqr(t, beta, MPFR_RNDN); mpfr_mul(t, t, s1, MPFR_RNDN); mpfr_add(out, out, t, MPFR_RNDN);
  mpfr_sqr(t, gamma, MPFR_RNDN); mpfr_add(out, out, t, MPFR_RNDN);
  mpfr_mul(t, alpha, beta, MPFR_RNDN); mpfr_mul(t, t, lam, MPFR_RNDN); mpfr_mul(t, t, s0, MPFR_RNDN);
  mpfr_mul_2ui(t, t, 1, MPFR_RNDN); mpfr_add(out, out, t, MPFR_RNDN);
  mpfr_mul(t, alpha, mu0, MPFR_RNDN); mpfr_mul(u, beta, mu1, MPFR_RNDN); mpfr_add(t, t, u, MPFR_RNDN);
  mpfr_mul(t, t, gamma, MPFR_RNDN); mpfr_mul_2ui(t, t, 1, MPFR_RNDN); mpfr_add(out, out, t, MPFR_RNDN);
  mpfr_clears(t, u, (mpfr_ptr)0);
}

/* ELBO in 001's form E_q[log p(x_T) + sum log p(x_{t-1}|x_t) - log q(x_t|x_{t-1})],
 * and (if final != NULL) the right side of 001's final inequality
 * log p(x_0) + E_q sum log p(x_t|x_{t-1})/q(x_t|x_{t-1}), with the generative
 * forward conditionals; logp gets log p(x_0). */
static void chain_eval(const mchain *m, const mpfr_t x0, mpfr_t elbo, mpfr_t logp, mpfr_t final)
{
  size_t T = m->T;
  mpfr_t *mu = malloc((T + 1) * sizeof *mu), *s = malloc((T + 1) * sizeof *s);
  mpfr_t *M = malloc((T + 1) * sizeof *M), *S = malloc((T + 1) * sizeof *S);
  if (!mu || !s || !M || !S) { fprintf(stderr, PROGRAM ": out of memory\n"); exit(2); }
  for (size_t t = 0; t <= T; t++) mpfr_inits2(P, mu[t], s[t], M[t], S[t], (mpfr_ptr)0);
  mpfr_t s2, e2, term, one, neg, zero, al, be, ga, K, vf;
  mpfr_inits2(P, s2, e2, term, one, neg, zero, al, be, ga, K, vf, (mpfr_ptr)0);
  mpfr_set_ui(one, 1, MPFR_RNDN); mpfr_set_si(neg, -1, MPFR_RNDN); mpfr_set_zero(zero, 1);
  mpfr_set(mu[0], x0, MPFR_RNDN); mpfr_sqr(s[0], x0, MPFR_RNDN);
  for (size_t t = 1; t <= T; t++) {
    sig2(s2, m, t);
    mpfr_mul(mu[t], m->lam[t], mu[t - 1], MPFR_RNDN);
    mpfr_sqr(s[t], m->lam[t], MPFR_RNDN); mpfr_mul(s[t], s[t], s[t - 1], MPFR_RNDN); mpfr_add(s[t], s[t], s2, MPFR_RNDN);
  }
  marginals(m, M, S);
  /* log p(x_0) */
  mpfr_sub(e2, x0, M[0], MPFR_RNDN); mpfr_sqr(e2, e2, MPFR_RNDN);
  exp_lognormal(logp, S[0], e2);
  /* E log p(x_T) */
  mpfr_neg(ga, m->mT, MPFR_RNDN);
  e_square(e2, zero, one, ga, mu[T - 1], mu[T], s[T - 1], s[T], m->lam[T]);
  exp_lognormal(elbo, m->vT, e2);
  if (final) mpfr_set(final, logp, MPFR_RNDN);
  for (size_t t = 1; t <= T; t++) {
    sig2(s2, m, t);
    /* + E log p(x_{t-1}|x_t): x_{t-1} - a x_t - b */
    mpfr_neg(be, m->a[t], MPFR_RNDN); mpfr_neg(ga, m->b[t], MPFR_RNDN);
    e_square(e2, one, be, ga, mu[t - 1], mu[t], s[t - 1], s[t], m->lam[t]);
    exp_lognormal(term, m->c[t], e2);
    mpfr_add(elbo, elbo, term, MPFR_RNDN);
    /* - E log q(x_t|x_{t-1}) = log(2 pi s2)/2 + 1/2 */
    mpfr_neg(al, m->lam[t], MPFR_RNDN);
    e_square(e2, al, one, zero, mu[t - 1], mu[t], s[t - 1], s[t], m->lam[t]);
    exp_lognormal(term, s2, e2);
    mpfr_sub(elbo, elbo, term, MPFR_RNDN);
    if (final) {
      mpfr_sub(final, final, term, MPFR_RNDN);
      /* + E log p(x_t|x_{t-1}) = N(M_t + K (x_{t-1} - M_{t-1}), vf) */
      mpfr_mul(K, m->a[t], S[t], MPFR_RNDN); mpfr_div(K, K, S[t - 1], MPFR_RNDN);
      mpfr_mul(vf, S[t], m->c[t], MPFR_RNDN); mpfr_div(vf, vf, S[t - 1], MPFR_RNDN);
      mpfr_neg(al, K, MPFR_RNDN);
      mpfr_mul(ga, K, M[t - 1], MPFR_RNDN); mpfr_sub(ga, ga, M[t], MPFR_RNDN);
      e_square(e2, al, one, ga, mu[t - 1], mu[t], s[t - 1], s[t], m->lam[t]);
      exp_lognormal(term, vf, e2);
      mpfr_add(final, final, term, MPFR_RNDN);
    }
  }
  for (size_t t = 0; t <= T; t++) mpfr_clears(mu[t], s[t], M[t], S[t], (mpfr_ptr)0);
  mpfr_clears(s2, e2, term, one, neg, zero, al, be, ga, K, vf, (mpfr_ptr)0);
  free(mu); free(s); free(M); free(S);
}

/* Gauss-Jordan inverse and log-determinant of an n x n MPFR matrix (SPD). */
static void mp_inverse(int n, mpfr_t *A, mpfr_t *inv, mpfr_t logdet)
{
  mpfr_t t, f;
  mpfr_inits2(P, t, f, (mpfr_ptr)0);
  for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) mpfr_set_ui(inv[i * n + j], i == j, MPFR_RNDN);
  mpfr_set_zero(logdet, 1);
  for (int col = 0; col < n; col++) {
    mpfr_set(f, A[col * n + col], MPFR_RNDN);
    mpfr_log(t, f, MPFR_RNDN); mpfr_add(logdet, logdet, t, MPFR_RNDN);
    for (int j = 0; j < n; j++) { mpfr_div(A[col * n + j], A[col * n + j], f, MPFR_RNDN); mpfr_div(inv[col * n + j], inv[col * n + j], f, MPFR_RNDN); }
    for (int r = 0; r < n; r++) {
      if (r == col) continue;
      mpfr_set(f, A[r * n + col], MPFR_RNDN);
      for (int j = 0; j < n; j++) {
        mpfr_mul(t, f, A[col * n + j], MPFR_RNDN); mpfr_sub(A[r * n + j], A[r * n + j], t, MPFR_RNDN);
        mpfr_mul(t, f, inv[col * n + j], MPFR_RNDN); mpfr_sub(inv[r * n + j], inv[r * n + j], t, MPFR_RNDN);
      }
    }
  }
  mpfr_clears(t, f, (mpfr_ptr)0);
}

/* KL(q(x_{1:T}|x_0) || p(x_{1:T}|x_0)) from the joint Gaussians of the chain. */
static void joint_kl(const mchain *m, const mpfr_t x0, mpfr_t kl)
{
  int T = (int)m->T, n = T + 1;
  mpfr_t *M = malloc(n * sizeof *M), *S = malloc(n * sizeof *S), *C = malloc(n * n * sizeof *C);
  mpfr_t *Sq = malloc(T * T * sizeof *Sq), *Sp = malloc(T * T * sizeof *Sp), *Pi = malloc(T * T * sizeof *Pi);
  mpfr_t *mq = malloc(T * sizeof *mq), *mp = malloc(T * sizeof *mp), *V = malloc(n * sizeof *V);
  if (!M || !S || !C || !Sq || !Sp || !Pi || !mq || !mp || !V) { fprintf(stderr, PROGRAM ": out of memory\n"); exit(2); }
  for (int i = 0; i < n; i++) mpfr_inits2(P, M[i], S[i], V[i], (mpfr_ptr)0);
  for (int i = 0; i < n * n; i++) mpfr_init2(C[i], P);
  for (int i = 0; i < T * T; i++) mpfr_inits2(P, Sq[i], Sp[i], Pi[i], (mpfr_ptr)0);
  for (int i = 0; i < T; i++) mpfr_inits2(P, mq[i], mp[i], (mpfr_ptr)0);
  mpfr_t t, u, ldp, ldq, s2;
  mpfr_inits2(P, t, u, ldp, ldq, s2, (mpfr_ptr)0);
  marginals(m, M, S);
  /* generative joint: Cov(x_s, x_t) = (a_{s+1} ... a_t) S_t for s <= t */
  for (int s = 0; s < n; s++) {
    mpfr_set(C[s * n + s], S[s], MPFR_RNDN);
    mpfr_set_ui(t, 1, MPFR_RNDN);
    for (int k = s + 1; k < n; k++) {
      mpfr_mul(t, t, m->a[k], MPFR_RNDN);
      mpfr_mul(C[s * n + k], t, S[k], MPFR_RNDN);
      mpfr_set(C[k * n + s], C[s * n + k], MPFR_RNDN);
    }
  }
  /* condition on x_0 */
  mpfr_sub(u, x0, M[0], MPFR_RNDN); mpfr_div(u, u, S[0], MPFR_RNDN);
  for (int i = 1; i <= T; i++) {
    mpfr_mul(t, C[i * n], u, MPFR_RNDN); mpfr_add(mp[i - 1], M[i], t, MPFR_RNDN);
    for (int j = 1; j <= T; j++) {
      mpfr_mul(t, C[i * n], C[j * n], MPFR_RNDN); mpfr_div(t, t, S[0], MPFR_RNDN);
      mpfr_sub(Sp[(i - 1) * T + j - 1], C[i * n + j], t, MPFR_RNDN);
    }
  }
  /* q(x_{1:T}|x_0): V_t, mean abar_t x0, Cov(x_s, x_t) = V_s lambda_{s+1..t} */
  mpfr_set_zero(V[0], 1);
  mpfr_set(t, x0, MPFR_RNDN);
  for (int k = 1; k <= T; k++) {
    sig2(s2, m, (size_t)k);
    mpfr_sqr(V[k], m->lam[k], MPFR_RNDN); mpfr_mul(V[k], V[k], V[k - 1], MPFR_RNDN); mpfr_add(V[k], V[k], s2, MPFR_RNDN);
    mpfr_mul(t, t, m->lam[k], MPFR_RNDN); mpfr_set(mq[k - 1], t, MPFR_RNDN);
  }
  for (int s = 1; s <= T; s++) {
    mpfr_set(u, V[s], MPFR_RNDN);
    mpfr_set(Sq[(s - 1) * T + s - 1], u, MPFR_RNDN);
    for (int k = s + 1; k <= T; k++) {
      mpfr_mul(u, u, m->lam[k], MPFR_RNDN);
      mpfr_set(Sq[(s - 1) * T + k - 1], u, MPFR_RNDN);
      mpfr_set(Sq[(k - 1) * T + s - 1], u, MPFR_RNDN);
    }
  }
  /* log det Sq via a copy */
  mpfr_t *tmp = malloc(T * T * sizeof *tmp), *tinv = malloc(T * T * sizeof *tinv);
  if (!tmp || !tinv) { fprintf(stderr, PROGRAM ": out of memory\n"); exit(2); }
  for (int i = 0; i < T * T; i++) { mpfr_inits2(P, tmp[i], tinv[i], (mpfr_ptr)0); mpfr_set(tmp[i], Sq[i], MPFR_RNDN); }
  mp_inverse(T, tmp, tinv, ldq);
  for (int i = 0; i < T * T; i++) mpfr_set(tmp[i], Sp[i], MPFR_RNDN);
  mp_inverse(T, tmp, Pi, ldp);
  /* 2 KL = tr(Pi Sq) + d^T Pi d - T + ldp - ldq */
  mpfr_set_zero(kl, 1);
  for (int i = 0; i < T; i++)
    for (int j = 0; j < T; j++) {
      mpfr_mul(t, Pi[i * T + j], Sq[j * T + i], MPFR_RNDN); mpfr_add(kl, kl, t, MPFR_RNDN);
      mpfr_sub(t, mp[i], mq[i], MPFR_RNDN); mpfr_sub(u, mp[j], mq[j], MPFR_RNDN);
      mpfr_mul(t, t, u, MPFR_RNDN); mpfr_mul(t, t, Pi[i * T + j], MPFR_RNDN); mpfr_add(kl, kl, t, MPFR_RNDN);
    }
  mpfr_sub_ui(kl, kl, (unsigned long)T, MPFR_RNDN);
  mpfr_add(kl, kl, ldp, MPFR_RNDN); mpfr_sub(kl, kl, ldq, MPFR_RNDN);
  mpfr_div_2ui(kl, kl, 1, MPFR_RNDN);
  for (int i = 0; i < T * T; i++) mpfr_clears(tmp[i], tinv[i], Sq[i], Sp[i], Pi[i], (mpfr_ptr)0);
  for (int i = 0; i < n * n; i++) mpfr_clear(C[i]);
  for (int i = 0; i < n; i++) mpfr_clears(M[i], S[i], V[i], (mpfr_ptr)0);
  for (int i = 0; i < T; i++) mpfr_clears(mq[i], mp[i], (mpfr_ptr)0);
  mpfr_clears(t, u, ldp, ldq, s2, (mpfr_ptr)0);
  free(tmp); free(tinv); free(M); free(S); free(C); free(Sq); free(Sp); free(Pi); free(mq); free(mp); free(V);
}

/* A random VP chain (doubles, so the reference can take the same inputs):
 * betas uniform in [1e-4, min(0.5, 20/T)], data N(m0, v0), and the true
 * kernels perturbed by eps in random directions. */
typedef struct { size_t T; double *lam, *a, *b, *c, mT, vT, m0, v0, x0; } dchain;

static void random_dchain(qcheck *q, dchain *d, size_t T, double eps)
{
  d->T = T;
  d->lam = malloc(T * sizeof *d->lam); d->a = malloc(T * sizeof *d->a);
  d->b = malloc(T * sizeof *d->b); d->c = malloc(T * sizeof *d->c);
  if (!d->lam || !d->a || !d->b || !d->c) { fprintf(stderr, PROGRAM ": out of memory\n"); exit(2); }
  double bmax = fmin(0.5, 20.0 / (double)T);
  for (size_t t = 0; t < T; t++) d->lam[t] = sqrt(1 - (1e-4 + (bmax - 1e-4) * gsl_rng_uniform(q->rng)));
  d->m0 = 4 * gsl_rng_uniform(q->rng) - 2;
  d->v0 = exp(4 * gsl_rng_uniform(q->rng) - 2);
  d->x0 = d->m0 + sqrt(d->v0) * gsl_ran_gaussian(q->rng, 1.0);
  /* true kernels in double, then perturbed */
  double M = d->m0, S = d->v0;
  for (size_t t = 0; t < T; t++) {
    double l = d->lam[t], s2 = (1 - l) * (1 + l), Mt = l * M, St = l * l * S + s2;
    d->a[t] = l * S / St; d->b[t] = M - d->a[t] * Mt; d->c[t] = S * s2 / St;
    M = Mt; S = St;
  }
  d->mT = M; d->vT = S;
  double g[5];
  for (int k = 0; k < 5; k++) g[k] = gsl_ran_gaussian(q->rng, 1.0);
  for (size_t t = 0; t < T; t++) {
    d->a[t] *= 1 + eps * g[0]; d->b[t] += eps * g[1] * sqrt(d->c[t]); d->c[t] *= exp(eps * g[2]);
  }
  d->mT += eps * g[3]; d->vT *= exp(eps * g[4]);
}
static void free_dchain(dchain *d) { free(d->lam); free(d->a); free(d->b); free(d->c); }

static void to_mchain(const dchain *d, mchain *m)
{
  mc_init(m, d->T);
  for (size_t t = 1; t <= d->T; t++) {
    mpfr_set_d(m->lam[t], d->lam[t - 1], MPFR_RNDN); mpfr_set_d(m->a[t], d->a[t - 1], MPFR_RNDN);
    mpfr_set_d(m->b[t], d->b[t - 1], MPFR_RNDN); mpfr_set_d(m->c[t], d->c[t - 1], MPFR_RNDN);
  }
  mpfr_set_d(m->mT, d->mT, MPFR_RNDN); mpfr_set_d(m->vT, d->vT, MPFR_RNDN);
}

static const size_t lengths[] = { 1, 2, 5, 10, 100, 1000 };

static void check_chain(qcheck *q)
{
  mpfr_t x0, elbo, logp, fin, kl, gap, err, m0, v0, worst_eq, worst_gap, worst_fin, mingap;
  mpfr_inits2(P, x0, elbo, logp, fin, kl, gap, err, m0, v0, worst_eq, worst_gap, worst_fin, mingap, (mpfr_ptr)0);
  mpfr_set_zero(worst_eq, 1); mpfr_set_zero(worst_gap, 1); mpfr_set_zero(worst_fin, 1); mpfr_set_inf(mingap, 1);
  int bound_ok = 1, nb = 0, dec_ok = 1, nd = 0, fin_ok = 1;
  double worst_dec = 0;
  /* controls: the largest gap (ELBO >= log p rejected), a decomposition equal to log p(x0), gap = 2 KL,
   * and 001's final right side equal to log p(x0) */
  double max_gap = 0, dec_ctl = 0, gap2_min = INFINITY, fin_min = INFINITY;
  char cx[256] = "";
  for (int rep = 0; rep < 4; rep++)
    for (size_t li = 0; li < sizeof lengths / sizeof *lengths; li++) {
      size_t T = lengths[li];
      dchain d;
      random_dchain(q, &d, T, gsl_rng_uniform(q->rng));
      mchain m;
      to_mchain(&d, &m);
      mpfr_set_d(x0, d.x0, MPFR_RNDN);
      chain_eval(&m, x0, elbo, logp, NULL);
      mpfr_sub(gap, logp, elbo, MPFR_RNDN);
      if (mpfr_sgn(gap) < 0 && bound_ok)
        snprintf(cx, sizeof cx, "counterexample T=%zu x0=%a: ELBO %.17g > log p %.17g", T, d.x0,
                 mpfr_get_d(elbo, MPFR_RNDN), mpfr_get_d(logp, MPFR_RNDN));
      bound_ok &= qc_small(q, -mpfr_get_d(gap, MPFR_RNDD), 0); /* gap >= 0 */
      if (mpfr_cmp(gap, mingap) < 0) mpfr_set(mingap, gap, MPFR_RNDN);
      max_gap = fmax(max_gap, mpfr_get_d(gap, MPFR_RNDN));
      nb++;
      /* 002's decomposition (the reference's closed form) = 001's form */
      double ref;
      const dmc_lgc chain = { T, d.lam, d.a, d.b, d.c, d.mT, d.vT };
      if (ref_lgc_elbo(&chain, d.x0, &ref) == 0) {
        double mine = mpfr_get_d(elbo, MPFR_RNDN);
        double rel = fabs(ref - mine) / fabs(mine);
        if (rel > worst_dec) worst_dec = rel;
        dec_ok &= qc_small(q, rel, 0x1p-52);
        dec_ctl = fmax(dec_ctl, fabs(ref - mpfr_get_d(logp, MPFR_RNDN)) / fabs(mine));
        nd++;
      } else {
        dec_ok = 0;
      }
      /* equality at the true kernels (computed in MPFR, not rounded) */
      mpfr_set_d(m0, d.m0, MPFR_RNDN); mpfr_set_d(v0, d.v0, MPFR_RNDN);
      true_kernels(&m, m0, v0);
      chain_eval(&m, x0, elbo, logp, NULL);
      mpfr_sub(err, logp, elbo, MPFR_RNDN); mpfr_abs(err, err, MPFR_RNDN);
      if (mpfr_cmp(err, worst_eq) > 0) mpfr_set(worst_eq, err, MPFR_RNDN);
      mc_clear(&m);
      free_dchain(&d);
    }
  /* gap = KL of the joint Gaussians, and 001's final right-hand side, T <= 6 */
  int ng = 0;
  for (int rep = 0; rep < 4; rep++)
    for (size_t T = 1; T <= 6; T++) {
      dchain d;
      random_dchain(q, &d, T, 0.2 + gsl_rng_uniform(q->rng));
      mchain m;
      to_mchain(&d, &m);
      mpfr_set_d(x0, d.x0, MPFR_RNDN);
      chain_eval(&m, x0, elbo, logp, fin);
      joint_kl(&m, x0, kl);
      mpfr_sub(gap, logp, elbo, MPFR_RNDN);
      mpfr_sub(err, gap, kl, MPFR_RNDN); mpfr_abs(err, err, MPFR_RNDN);
      if (mpfr_cmp(err, worst_gap) > 0) mpfr_set(worst_gap, err, MPFR_RNDN);
      mpfr_sub(err, gap, kl, MPFR_RNDN); mpfr_sub(err, err, kl, MPFR_RNDN);
      gap2_min = fmin(gap2_min, fabs(mpfr_get_d(err, MPFR_RNDN)));
      mpfr_sub(err, fin, logp, MPFR_RNDN);
      fin_min = fmin(fin_min, fabs(mpfr_get_d(err, MPFR_RNDN)));
      mpfr_sub(err, fin, elbo, MPFR_RNDN); mpfr_abs(err, err, MPFR_RNDN);
      if (mpfr_cmp(err, worst_fin) > 0) mpfr_set(worst_fin, err, MPFR_RNDN);
      fin_ok &= mpfr_cmp(fin, logp) <= 0;
      ng++;
      mc_clear(&m);
      free_dchain(&d);
    }
  const char *how[2] = { "NOT rejected", "rejected, as it must be" };
  int r1 = max_gap > 0, r2 = mpfr_cmp_d(mingap, 1e-60) > 0, r3 = gap2_min > 1e-60, r4 = fin_min > 1e-60, r5 = dec_ctl > 0x1p-52;
  qc_record(q, "elbo.bound", "control", QC_MUST_HOLD, r1, "ELBO <= log p(x0), T up to 1000 (MPFR)", (unsigned long)nb,
            "the same comparison of the reversed statement ELBO >= log p(x0): largest gap %.3e: %s", max_gap, how[r1]);
  qc_record(q, "elbo.equality", "control", QC_MUST_HOLD, r2, "ELBO = log p(x0) at the true kernels (MPFR)", (unsigned long)nb,
            "the same comparison at the perturbed kernels: smallest |log p(x0) - ELBO| %.3e: %s", mpfr_get_d(mingap, MPFR_RNDN),
            how[r2]);
  qc_record(q, "elbo.gap.kl", "control", QC_MUST_HOLD, r3, "log p(x0) - ELBO = KL(q(x_{1:T}|x0) || p(x_{1:T}|x0))",
            (unsigned long)ng, "the same comparison with 2 KL: smallest difference %.3e: %s", gap2_min, how[r3]);
  qc_record(q, "elbo.final", "control", QC_MUST_HOLD, r4, "001's final right side = ELBO <= log p(x0)", (unsigned long)ng,
            "the same comparison with log p(x0) in place of the ELBO: smallest difference %.3e: %s", fin_min, how[r4]);
  qc_record(q, "elbo.decomposition", "control", QC_MUST_HOLD, r5, "002's KL decomposition = 001's form", (unsigned long)nd,
            "the same comparison of the reference's ELBO with log p(x0): largest relative difference %.3e: %s", dec_ctl, how[r5]);
  qc_record(q, "elbo.bound", "numeric", QC_AS_WRITTEN, bound_ok, "ELBO <= log p(x0), T up to 1000 (MPFR)", (unsigned long)nb,
            "%s%d random chains, T in {1,2,5,10,100,1000}, kernels perturbed from the true posteriors by eps in [0,1): "
            "ELBO (001's form, from the moments of q at %d bits) <= log p(x0) at all; smallest gap %.3e",
            cx, nb, P, mpfr_get_d(mingap, MPFR_RNDN));
  qc_record(q, "elbo.equality", "numeric", QC_MUST_HOLD, qc_small_fr(q, worst_eq, 1e-60), "ELBO = log p(x0) at the true kernels (MPFR)",
            (unsigned long)nb, "%d chains, T up to 1000, true reverse kernels computed at %d bits: max |log p(x0) - ELBO| = %.3e",
            nb, P, mpfr_get_d(worst_eq, MPFR_RNDN));
  qc_record(q, "elbo.gap.kl", "numeric", QC_MUST_HOLD, qc_small_fr(q, worst_gap, 1e-60),
            "log p(x0) - ELBO = KL(q(x_{1:T}|x0) || p(x_{1:T}|x0))", (unsigned long)ng,
            "%d random chains, T = 1..6: the KL of the two T-dimensional joint Gaussians (generative joint conditioned on x0, "
            "inverted by Gauss-Jordan at %d bits) equals the gap; max difference %.3e", ng, P, mpfr_get_d(worst_gap, MPFR_RNDN));
  qc_record(q, "elbo.final", "numeric", QC_AS_WRITTEN, fin_ok && qc_small_fr(q, worst_fin, 1e-60),
            "001's final right side = ELBO <= log p(x0)", (unsigned long)ng,
            "%d random chains, T = 1..6: log p(x0) + E_q sum log p(x_t|x_{t-1})/q(x_t|x_{t-1}) (generative forward "
            "conditionals) equals the ELBO (max difference %.3e) and is <= log p(x0): the inequality holds, its slack is "
            "the KL of elbo.gap.kl", ng, mpfr_get_d(worst_fin, MPFR_RNDN));
  qc_record(q, "elbo.decomposition", "numeric", QC_MUST_HOLD, dec_ok && nd == nb,
            "002's KL decomposition = 001's form", (unsigned long)nd,
            "%d chains (T up to 1000): the reference's correctly rounded ELBO from the KL decomposition agrees with 001's form "
            "in MPFR to a relative %.2e (<= 2^-52)", nd, worst_dec);
  mpfr_clears(x0, elbo, logp, fin, kl, gap, err, m0, v0, worst_eq, worst_gap, worst_fin, mingap, (mpfr_ptr)0);
}

/* The 256 bins' probabilities from the reference sum to 1 (edges to +-inf). */
static void check_discretized_sum(qcheck *q)
{
  double worst = 0;
  int n = 0, ok = 1;
  for (int rep = 0; rep < 6; rep++) {
    double mean = 3 * gsl_rng_uniform(q->rng) - 1.5, ls = -6 + 7 * gsl_rng_uniform(q->rng);
    mpfr_t sum, t;
    mpfr_inits2(P, sum, t, (mpfr_ptr)0);
    mpfr_set_zero(sum, 1);
    for (int k = 0; k < 256; k++) {
      double lp;
      ok &= ref_discretized_gaussian_loglik(2.0 * k / 255.0 - 1.0, mean, ls, &lp) == 0;
      mpfr_set_d(t, lp, MPFR_RNDN); mpfr_exp(t, t, MPFR_RNDN); mpfr_add(sum, sum, t, MPFR_RNDN);
    }
    mpfr_sub_ui(sum, sum, 1, MPFR_RNDN);
    double e = fabs(mpfr_get_d(sum, MPFR_RNDN));
    if (e > worst) worst = e;
    mpfr_clears(sum, t, (mpfr_ptr)0);
    n++;
  }
  qc_record(q, "elbo.loglik.discretized", "numeric", QC_MUST_HOLD, ok && qc_small(q, worst, 1e-13), "sum over the 256 bins = 1", (unsigned long)n,
            "%d random (mean, log_scale): exp of the correctly rounded log-probabilities of the 256 bins sums to 1 within %.2e "
            "(rounding of 256 doubles: < 1e-13)", n, worst);
}

int main(void)
{
  qcheck q;
  qc_init(&q, PROGRAM);
  QC_WITH_CONTROLS(&q) {
    check_bayes(&q);
    check_bayes_forward(&q);
    check_substitution(&q);
    check_demo_increment(&q);
    check_langevin_stationary(&q);
    check_kl_formula(&q);
    check_loglik_gauss(&q);
    check_chain(&q);
    check_discretized_sum(&q);
  }
  return qc_finish(&q);
}
