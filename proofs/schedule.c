/* schedule.c -- proof checks of D8 schedules (claims sched.*): exact rational
 * identities at random rational points (Schwartz-Zippel), and MPFR at 256+
 * bits for the transcendental ones. Independent of src/ and of the vector
 * evaluators (reference/schedule.c is not used). */
#include "qcheck.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define PROGRAM "proof_schedule"
#define CHAIN 24

/* A random rational in (0, 1): p / (1 + p), p > 0 random. */
static void unit(qcheck *q, mpq_t r)
{
  mpq_t one;
  mpq_init(one);
  qc_random_pos(q, r);
  mpq_set_ui(one, 1, 1);
  mpq_add(one, one, r);
  mpq_div(r, r, one);
  mpq_clear(one);
}

static void q1m(mpq_t out, const mpq_t x) /* 1 - x */
{
  mpq_t one;
  mpq_init(one);
  mpq_set_ui(one, 1, 1);
  mpq_sub(out, one, x);
  mpq_clear(one);
}

/* sched.vp, sched.marginal, sched.alphabar, sched.oneminus over random chains. */
static void check_chains(qcheck *q)
{
  mpq_t lam, lam2, sig2, v, m, a, P, Q, S, beta, t, vbad;
  mpq_inits(lam, lam2, sig2, v, m, a, P, Q, S, beta, t, vbad, NULL);
  int vp_ok = 1, control = 1, marg_ok = 1, ab_ok = 1, om_ok = 1, om_control = 1, marg_ctl = 1, ab_ctl = 1;
  char cx[512] = "";
  for (int it = 0; it < QC_POINTS; it++) {
    mpq_set_ui(v, 1, 1);      /* Var x_0 = 1 (unconditional) */
    mpq_set_ui(vbad, 1, 1);
    mpq_set_ui(m, 0, 1);      /* Var(x_t | x_0) */
    mpq_set_ui(a, 1, 1);      /* a_t */
    mpq_set_ui(P, 1, 1);
    mpq_set_ui(Q, 0, 1);      /* sum beta_s P_{s-1} */
    mpq_set_ui(S, 0, 1);      /* the control sum without P_{s-1} */
    for (int k = 1; k <= CHAIN; k++) {
      unit(q, lam);
      mpq_mul(lam2, lam, lam);
      q1m(sig2, lam2);        /* sigma^2 = 1 - lambda^2 = beta */
      mpq_set(beta, sig2);
      /* Var x_t = lambda^2 Var x_{t-1} + sigma^2 */
      mpq_mul(v, v, lam2); mpq_add(v, v, sig2);
      vp_ok &= qc_eq_ui(q, v, 1, 1);
      /* control: lambda^2 + sigma^2/2 != 1 must drift */
      mpq_mul(vbad, vbad, lam2); mpq_div_2exp(t, sig2, 1); mpq_add(vbad, vbad, t);
      /* conditional on x_0: mean a_t x_0, variance m_t */
      mpq_mul(m, m, lam2); mpq_add(m, m, sig2);
      mpq_mul(a, a, lam);
      mpq_mul(t, a, a); q1m(t, t);
      marg_ok &= qc_eq(q, m, t);
      q1m(t, a);                                 /* control: 1 - a_t, not 1 - a_t^2 */
      marg_ctl &= !qc_eq(q, m, t);
      /* 1 - alphabar = sum beta_s alphabar_{s-1} */
      mpq_mul(t, beta, P); mpq_add(Q, Q, t);
      mpq_add(S, S, beta);
      mpq_mul(P, P, lam2);                       /* alphabar_t = prod (1 - beta) */
      mpq_mul(t, a, a);
      ab_ok &= qc_eq(q, P, t);
      ab_ctl &= !qc_eq(q, P, a);                 /* control: a_t, not a_t^2 */
      q1m(t, P);
      om_ok &= qc_eq(q, Q, t);
      if (!qc_eq(q, Q, t) && !cx[0]) {
        char s1[64], s2[64];
        snprintf(cx, sizeof cx, "counterexample at step %d: sum %s, 1 - alphabar %s", k, qc_qstr(s1, 64, Q), qc_qstr(s2, 64, t));
      }
      if (k > 1) om_control &= !qc_eq(q, S, t);
    }
    control &= mpq_cmp_ui(vbad, 1, 1) != 0;
  }
  double sz = qc_sz_log10(4 * CHAIN, QC_POINTS);
  qc_record(q, "sched.vp", "control", QC_MUST_HOLD, control, "Var x_t = 1 when Var x_0 = 1", QC_POINTS * CHAIN,
            "the same recursion with lambda^2 + sigma^2/2 in place of lambda^2 + sigma^2 = 1: %s",
            control ? "Var x_t drifts from 1 on every chain, rejected as it must be" : "NOT rejected");
  qc_record(q, "sched.vp", "exact", QC_AS_WRITTEN, vp_ok, "Var x_t = 1 when Var x_0 = 1", QC_POINTS * CHAIN,
            "%d random rational chains of %d steps (lambda_t random in (0,1), sigma_t^2 = 1 - lambda_t^2): "
            "Var x_t = lambda^2 Var x_{t-1} + sigma^2 stays exactly 1 and the mean 0; negative control "
            "(lambda^2 + sigma^2 != 1) drifts on every chain; false-pass <= 10^%.0f", QC_POINTS, CHAIN, sz);
  qc_record(q, "sched.marginal", "control", QC_MUST_HOLD, marg_ctl, "Var(x_t | x_0) = 1 - a_t^2, mean a_t x_0",
            QC_POINTS * CHAIN, "the same exact check against 1 - a_t: %s", marg_ctl ? "rejected at every step, as it must be" : "NOT rejected");
  qc_record(q, "sched.alphabar", "control", QC_MUST_HOLD, ab_ctl, "prod (1 - beta_s) = a_t^2", QC_POINTS * CHAIN,
            "the same exact check against a_t: %s", ab_ctl ? "rejected at every step, as it must be" : "NOT rejected");
  qc_record(q, "sched.marginal", "exact", QC_MUST_HOLD, marg_ok, "Var(x_t | x_0) = 1 - a_t^2, mean a_t x_0",
            QC_POINTS * CHAIN, "every prefix of %d random rational chains of %d steps; false-pass <= 10^%.0f",
            QC_POINTS, CHAIN, sz);
  qc_record(q, "sched.alphabar", "exact", QC_MUST_HOLD, ab_ok, "prod (1 - beta_s) = a_t^2", QC_POINTS * CHAIN,
            "every prefix of %d random rational chains (beta = sigma^2); false-pass <= 10^%.0f", QC_POINTS, sz);
  qc_record(q, "sched.oneminus", "control", QC_MUST_HOLD, om_control, "1 - alphabar_t = sum beta_s alphabar_{s-1}",
            QC_POINTS * CHAIN, "the same exact check of the sum without the alphabar_{s-1} factor: %s",
            om_control ? "rejected at every step after the first, as it must be" : "NOT rejected");
  if (om_ok)
    qc_record(q, "sched.oneminus", "exact", QC_MUST_HOLD, 1, "1 - alphabar_t = sum beta_s alphabar_{s-1}",
              QC_POINTS * CHAIN, "every prefix of %d random rational chains of %d steps; the control sum without "
              "the alphabar_{s-1} factor is rejected at every step; false-pass <= 10^%.0f", QC_POINTS, CHAIN, sz);
  else
    qc_record(q, "sched.oneminus", "exact", QC_MUST_HOLD, 0, "1 - alphabar_t = sum beta_s alphabar_{s-1}",
              QC_POINTS * CHAIN, "%s", cx);
  mpq_clears(lam, lam2, sig2, v, m, a, P, Q, S, beta, t, vbad, NULL);
}

/* The two forms of the linear and squared-linspace betas, with symbolic
 * square roots p = sqrt(a), r = sqrt(b) drawn as random rationals. */
static void check_beta_forms(qcheck *q)
{
  mpq_t T, t, l, rr, x, y, p, r, u, w;
  mpq_inits(T, t, l, rr, x, y, p, r, u, w, NULL);
  int lin_ok = 1, sq_ok = 1, lin_ctl = 1, sq_ctl = 1;
  for (int it = 0; it < QC_POINTS; it++) {
    qc_random(q, T); qc_random(q, t);
    if (mpq_cmp_ui(T, 1, 1) == 0) continue;
    /* ((T - t) + 200 (t - 1)) / (10000 (T - 1)) vs 1e-4 + (0.02 - 1e-4)(t - 1)/(T - 1) */
    mpq_sub(u, T, t);
    mpq_set_ui(w, 1, 1); mpq_sub(w, t, w);            /* t - 1 */
    mpq_set_ui(x, 200, 1); mpq_mul(x, x, w); mpq_add(x, x, u);
    mpq_set_ui(y, 1, 1); mpq_sub(y, T, y);            /* T - 1 */
    mpq_set_ui(l, 10000, 1); mpq_mul(l, l, y); mpq_div(x, x, l);
    mpq_set_ui(l, 1, 10000); mpq_set_ui(rr, 199, 10000); mpq_mul(rr, rr, w); mpq_div(rr, rr, y); mpq_add(l, l, rr);
    lin_ok &= qc_eq(q, x, l);
    mpq_set_ui(l, 1, 10000); mpq_set_ui(rr, 200, 10000); mpq_mul(rr, rr, w); mpq_div(rr, rr, y); mpq_add(l, l, rr);
    lin_ctl &= !qc_eq(q, x, l) || !mpq_sgn(w);        /* control: slope 0.02, not 0.02 - 1e-4 */
    /* (p (T - t) + r (t - 1))^2 / (T - 1)^2 vs (a (T-t)^2 + 2 p r (T-t)(t-1) + b (t-1)^2) / (T-1)^2 */
    qc_random(q, p); qc_random(q, r);
    mpq_mul(x, p, u); mpq_mul(l, r, w); mpq_add(x, x, l); mpq_mul(x, x, x);
    mpq_mul(l, p, p); mpq_mul(l, l, u); mpq_mul(l, l, u);
    mpq_mul(rr, r, r); mpq_mul(rr, rr, w); mpq_mul(rr, rr, w); mpq_add(l, l, rr);
    mpq_mul(rr, p, r); mpq_mul(rr, rr, u); mpq_mul(rr, rr, w); mpq_mul_2exp(rr, rr, 1); mpq_add(l, l, rr);
    sq_ok &= qc_eq(q, x, l);
    mpq_sub(l, l, rr);                                /* control: the cross term once, not twice */
    mpq_div_2exp(rr, rr, 1); mpq_add(l, l, rr);
    sq_ctl &= !qc_eq(q, x, l) || !mpq_sgn(rr);
  }
  double sz = qc_sz_log10(4, QC_POINTS);
  qc_record(q, "sched.beta.linear", "control", QC_MUST_HOLD, lin_ctl, "the two forms of the linear beta agree", QC_POINTS,
            "the same exact check with the slope 0.02 in place of 0.02 - 1e-4: %s", lin_ctl ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "sched.beta.scaledlinear", "control", QC_MUST_HOLD, sq_ctl, "squared linspace = expanded form", QC_POINTS,
            "the same exact check with the cross term 2 sqrt(a) sqrt(b) halved: %s", sq_ctl ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "sched.beta.quadratic", "control", QC_MUST_HOLD, sq_ctl, "squared linspace = expanded form", QC_POINTS,
            "the same exact check with the cross term halved: %s", sq_ctl ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "sched.beta.linear", "exact", QC_MUST_HOLD, lin_ok, "the two forms of the linear beta agree", QC_POINTS,
            "exact rationals at %d random (T, t) (as rational functions); false-pass <= 10^%.0f", QC_POINTS, sz);
  qc_record(q, "sched.beta.scaledlinear", "exact", QC_MUST_HOLD, sq_ok, "squared linspace = expanded form", QC_POINTS,
            "exact rationals at %d random (T, t, sqrt a, sqrt b) (polynomial identity of degree 4); false-pass <= 10^%.0f",
            QC_POINTS, sz);
  qc_record(q, "sched.beta.quadratic", "exact", QC_MUST_HOLD, sq_ok, "squared linspace = expanded form", QC_POINTS,
            "the same identity as scaled-linear (only a, b differ); false-pass <= 10^%.0f", sz);
  mpq_clears(T, t, l, rr, x, y, p, r, u, w, NULL);
}

/* MPFR checks of the transcendental forms. */
static void check_transcendental(qcheck *q)
{
  mpfr_t x, a, b, c, d, e, worst;
  mpfr_inits2(QC_PREC, x, a, b, c, d, e, worst, (mpfr_ptr)0);
  /* sigmoid: 1/(1 + e^-x) = (1 + tanh(x/2))/2 = e^x/(1 + e^x) */
  mpfr_set_zero(worst, 1);
  double sig_ctl = 0;   /* control: (1 + tanh(x))/2, the halving of x dropped */
  for (int i = 0; i < QC_POINTS; i++) {
    mpfr_set_d(x, 12.0 * gsl_rng_uniform(q->rng) - 6.0, MPFR_RNDN);
    mpfr_neg(a, x, MPFR_RNDN); mpfr_exp(a, a, MPFR_RNDN); mpfr_add_ui(a, a, 1, MPFR_RNDN); mpfr_ui_div(a, 1, a, MPFR_RNDN);
    mpfr_div_2ui(b, x, 1, MPFR_RNDN); mpfr_tanh(b, b, MPFR_RNDN); mpfr_add_ui(b, b, 1, MPFR_RNDN); mpfr_div_2ui(b, b, 1, MPFR_RNDN);
    mpfr_exp(c, x, MPFR_RNDN); mpfr_add_ui(d, c, 1, MPFR_RNDN); mpfr_div(c, c, d, MPFR_RNDN);
    mpfr_sub(d, a, b, MPFR_RNDN); mpfr_abs(d, d, MPFR_RNDN); if (mpfr_cmp(d, worst) > 0) mpfr_set(worst, d, MPFR_RNDN);
    mpfr_sub(d, a, c, MPFR_RNDN); mpfr_abs(d, d, MPFR_RNDN); if (mpfr_cmp(d, worst) > 0) mpfr_set(worst, d, MPFR_RNDN);
    mpfr_tanh(e, x, MPFR_RNDN); mpfr_add_ui(e, e, 1, MPFR_RNDN); mpfr_div_2ui(e, e, 1, MPFR_RNDN);
    mpfr_sub(d, a, e, MPFR_RNDN); sig_ctl = fmax(sig_ctl, fabs(mpfr_get_d(d, MPFR_RNDN)));
  }
  qc_record(q, "sched.beta.sigmoid", "control", QC_MUST_HOLD, sig_ctl > 1e-70, "three forms of the sigmoid agree", QC_POINTS,
            "the same comparison with (1 + tanh(x))/2: max difference %.3e: %s", sig_ctl,
            sig_ctl > 1e-70 ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "sched.beta.sigmoid", "numeric", QC_MUST_HOLD, qc_small_fr(q, worst, 1e-70),
            "three forms of the sigmoid agree", QC_POINTS, "MPFR at %d bits, %d random x in [-6, 6]: max difference %.3e",
            QC_PREC, QC_POINTS, mpfr_get_d(worst, MPFR_RNDN));
  /* cosine: product form and telescoping for T = 1000, all t < T; the cap */
  const long T = 1000;
  mpfr_t prod, cprev, ccur, th;
  mpfr_inits2(QC_PREC, prod, cprev, ccur, th, (mpfr_ptr)0);
  mpfr_set_zero(worst, 1);
  mpfr_set_ui(prod, 1, MPFR_RNDN);
  mpfr_const_pi(th, MPFR_RNDN); mpfr_div_ui(th, th, 252, MPFR_RNDN); mpfr_cos(cprev, th, MPFR_RNDN);
  mpfr_set(e, cprev, MPFR_RNDN); mpfr_sqr(e, e, MPFR_RNDN);   /* f(0) */
  double tele = 0, tele_ctl = 0;   /* control: prod (1 - beta) = f(t/T), without / f(0) */
  for (long t = 1; t < T; t++) {
    mpfr_const_pi(th, MPFR_RNDN); mpfr_mul_ui(th, th, (unsigned long)(125 * t + T), MPFR_RNDN);
    mpfr_div_ui(th, th, (unsigned long)(252 * T), MPFR_RNDN); mpfr_cos(ccur, th, MPFR_RNDN);
    mpfr_div(a, ccur, cprev, MPFR_RNDN); mpfr_sqr(a, a, MPFR_RNDN); mpfr_ui_sub(a, 1, a, MPFR_RNDN);  /* 1 - f_t/f_{t-1} */
    mpfr_const_pi(b, MPFR_RNDN); mpfr_mul_ui(b, b, 125, MPFR_RNDN); mpfr_div_ui(b, b, (unsigned long)(252 * T), MPFR_RNDN);
    mpfr_sin(b, b, MPFR_RNDN);
    mpfr_const_pi(c, MPFR_RNDN); mpfr_mul_ui(c, c, (unsigned long)(125 * (2 * t - 1) + 2 * T), MPFR_RNDN);
    mpfr_div_ui(c, c, (unsigned long)(252 * T), MPFR_RNDN); mpfr_sin(c, c, MPFR_RNDN);
    mpfr_mul(b, b, c, MPFR_RNDN); mpfr_sqr(c, cprev, MPFR_RNDN); mpfr_div(b, b, c, MPFR_RNDN);
    mpfr_sub(d, a, b, MPFR_RNDN); mpfr_div(d, d, a, MPFR_RNDN); mpfr_abs(d, d, MPFR_RNDN);
    if (mpfr_cmp(d, worst) > 0) mpfr_set(worst, d, MPFR_RNDN);
    mpfr_ui_sub(a, 1, a, MPFR_RNDN); mpfr_mul(prod, prod, a, MPFR_RNDN);
    mpfr_sqr(c, ccur, MPFR_RNDN); mpfr_div(c, c, e, MPFR_RNDN);   /* f(t/T)/f(0) */
    mpfr_sub(d, prod, c, MPFR_RNDN); mpfr_div(d, d, c, MPFR_RNDN);
    double rel = fabs(mpfr_get_d(d, MPFR_RNDN));
    if (rel > tele) tele = rel;
    mpfr_sqr(c, ccur, MPFR_RNDN); mpfr_sub(d, prod, c, MPFR_RNDN); mpfr_div(d, d, c, MPFR_RNDN);
    tele_ctl = fmax(tele_ctl, fabs(mpfr_get_d(d, MPFR_RNDN)));
    mpfr_set(cprev, ccur, MPFR_RNDN);
  }
  /* the cap: raw betas above 0.999 for T in {10, 50, 1000, 4000} */
  static const long Ts[] = { 10, 50, 1000, 4000 };
  int cap_ok = 1;
  long capped = 0;
  for (int i = 0; i < 4; i++) {
    mpfr_const_pi(th, MPFR_RNDN); mpfr_div_ui(th, th, 252, MPFR_RNDN); mpfr_cos(cprev, th, MPFR_RNDN);
    for (long t = 1; t <= Ts[i]; t++) {
      int over;
      if (t == Ts[i]) over = 1; /* f(1) = cos^2(pi/2) = 0: raw beta exactly 1 */
      else {
        mpfr_const_pi(th, MPFR_RNDN); mpfr_mul_ui(th, th, (unsigned long)(125 * t + Ts[i]), MPFR_RNDN);
        mpfr_div_ui(th, th, (unsigned long)(252 * Ts[i]), MPFR_RNDN); mpfr_cos(ccur, th, MPFR_RNDN);
        mpfr_div(a, ccur, cprev, MPFR_RNDN); mpfr_sqr(a, a, MPFR_RNDN); mpfr_ui_sub(a, 1, a, MPFR_RNDN);
        mpfr_set_ui(b, 999, MPFR_RNDN); mpfr_div_ui(b, b, 1000, MPFR_RNDN);
        mpfr_sub(b, a, b, MPFR_RNDN);                         /* raw - 999/1000 */
        over = mpfr_sgn(b) > 0;
        if (fabs(mpfr_get_d(b, MPFR_RNDN)) < 1e-15) cap_ok = 0;  /* too close to call */
        mpfr_set(cprev, ccur, MPFR_RNDN);
      }
      capped += over;
      if (over && t != Ts[i]) cap_ok = 0;
    }
  }
  int cos_ok = qc_small_fr(q, worst, 1e-60) && qc_small(q, tele, 1e-60);
  qc_record(q, "sched.beta.cosine", "control", QC_MUST_HOLD, tele_ctl > 1e-60,
            "product form and telescoping of the cosine betas", (unsigned long)(T - 1),
            "the same telescoping comparison against f(t/T) without the division by f(0): max relative difference %.3e: %s",
            tele_ctl, tele_ctl > 1e-60 ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "sched.beta.cosine", "numeric", QC_MUST_HOLD, cos_ok, "product form and telescoping of the cosine betas",
            (unsigned long)(T - 1), "MPFR at %d bits, T = 1000, t < T: max relative difference of the two beta forms "
            "%.3e; max relative |prod(1 - beta) - f(t/T)/f(0)| = %.3e", QC_PREC, mpfr_get_d(worst, MPFR_RNDN), tele);
  qc_record(q, "sched.beta.cosine", "numeric", QC_MUST_HOLD, cap_ok && qc_small(q, labs(capped - 4), 0), "the 0.999 cap changes only beta_T",
            5060, "raw betas at %d bits for T in {10, 50, 1000, 4000}: %ld exceed 0.999, all at t = T (f(1) = 0); every "
            "other raw beta is more than 1e-15 below the cap", QC_PREC, capped);
  mpfr_clears(prod, cprev, ccur, th, (mpfr_ptr)0);
  mpfr_clears(x, a, b, c, d, e, worst, (mpfr_ptr)0);
}

/* Lin et al.: the rescaling and the cancellation-free forms, with symbolic
 * roots s_1 > s_{t-1} > s_t > s_T drawn as rationals (P = s^2). */
static void check_zsnr(qcheck *q)
{
  mpq_t s1, sp, st, sT, D, np, nt, lhs, rhs, a, b, c, beta;
  mpq_inits(s1, sp, st, sT, D, np, nt, lhs, rhs, a, b, c, beta, NULL);
  int ok = 1, ctl = 1;
  for (int it = 0; it < QC_POINTS; it++) {
    unit(q, s1); unit(q, a); unit(q, b); unit(q, c);
    mpq_mul(sp, s1, a); mpq_mul(st, sp, b); mpq_mul(sT, st, c);   /* decreasing */
    mpq_sub(D, s1, sT);
    mpq_sub(np, sp, sT); mpq_mul(np, np, s1); mpq_div(np, np, D);   /* s'_{t-1} */
    mpq_sub(nt, st, sT); mpq_mul(nt, nt, s1); mpq_div(nt, nt, D);   /* s'_t */
    /* s'_1 = s_1 and s'_T = 0 */
    mpq_sub(a, s1, sT); mpq_mul(a, a, s1); mpq_div(a, a, D);
    ok &= qc_eq(q, a, s1);
    /* 1 - s'_t = [s_1 (1 - s_t^2)/(1 + s_t) - s_T (1 - s_1^2)/(1 + s_1)] / D */
    q1m(lhs, nt);
    mpq_mul(a, st, st); q1m(a, a); mpq_set_ui(b, 1, 1); mpq_add(b, b, st); mpq_div(a, a, b); mpq_mul(a, a, s1);
    mpq_mul(b, s1, s1); q1m(b, b); mpq_set_ui(c, 1, 1); mpq_add(c, c, s1); mpq_div(b, b, c); mpq_mul(b, b, sT);
    mpq_add(rhs, a, b); mpq_div(rhs, rhs, D);              /* control: + for - in the 1 - s' form */
    ctl &= !qc_eq(q, lhs, rhs);
    mpq_sub(rhs, a, b); mpq_div(rhs, rhs, D);
    ok &= qc_eq(q, lhs, rhs);
    /* beta'_t = 1 - s'_t^2/s'_{t-1}^2 vs the product form with beta_t = 1 - s_t^2/s_{t-1}^2 */
    mpq_mul(a, nt, nt); mpq_mul(b, np, np); mpq_div(a, a, b); q1m(lhs, a);
    mpq_mul(a, st, st); mpq_mul(b, sp, sp); mpq_div(a, a, b); q1m(beta, a);
    mpq_mul(rhs, beta, b);                                    /* beta_t P_{t-1} */
    mpq_add(a, sp, st); mpq_div(rhs, rhs, a);
    mpq_mul(rhs, rhs, s1); mpq_div(rhs, rhs, D);
    mpq_add(a, np, nt); mpq_mul(rhs, rhs, a);
    mpq_mul(a, np, np); mpq_div(rhs, rhs, a);
    ok &= qc_eq(q, lhs, rhs);
  }
  qc_record(q, "sched.zsnr", "control", QC_MUST_HOLD, ctl, "rescaling endpoints and the cancellation-free forms", QC_POINTS,
            "the same exact check of the 1 - s'_t form with the s_T term's sign flipped: %s",
            ctl ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "sched.zsnr", "exact", QC_MUST_HOLD, ok, "rescaling endpoints and the cancellation-free forms", QC_POINTS,
            "exact rationals at %d random decreasing (s_1, s_{t-1}, s_t, s_T): s'_1 = s_1, s'_T = 0, the 1 - s' form and "
            "the beta' product form equal the direct expressions; false-pass <= 10^%.0f", QC_POINTS, qc_sz_log10(12, QC_POINTS));
  mpq_clears(s1, sp, st, sT, D, np, nt, lhs, rhs, a, b, c, beta, NULL);
}

/* Posterior, DDIM sigma and direction, with sqrt(alpha_t) = r and
 * sqrt(alphabar_{t-1}) = u rational. */
static void check_posterior(qcheck *q)
{
  mpq_t r, u, vp, cov, vt, c0, ct, var, beta, omt, omp, g0, gt, gv, a, b, eta, P, A, s2, dir2;
  mpq_inits(r, u, vp, cov, vt, c0, ct, var, beta, omt, omp, g0, gt, gv, a, b, eta, P, A, s2, dir2, NULL);
  int mean_ok = 1, var_ok = 1, alt_ok = 1, control = 1, le_ok = 1, ddim_ok = 1, dir_ok = 1, marg_ok = 1;
  int var_ctl = 1, alt_ctl = 1, ddim_ctl = 1, dir_ctl = 1;
  for (int it = 0; it < QC_POINTS; it++) {
    unit(q, r); unit(q, u);
    mpq_mul(a, r, r); q1m(beta, a);                       /* beta_t = 1 - r^2 */
    mpq_mul(a, u, u); q1m(omp, a);                        /* 1 - alphabar_{t-1} */
    mpq_mul(a, r, u); mpq_mul(a, a, a); q1m(omt, a);      /* 1 - alphabar_t */
    /* conditioning: Var x_{t-1} = 1 - u^2, Cov = r (1 - u^2), Var x_t = 1 - r^2 u^2 */
    mpq_set(vp, omp);
    mpq_mul(cov, r, omp);
    mpq_set(vt, omt);
    mpq_div(gt, cov, vt);                                 /* coefficient of x_t */
    mpq_mul(a, gt, r); mpq_mul(a, a, u); mpq_sub(g0, u, a);  /* u - gt r u: coefficient of x_0 */
    mpq_mul(a, cov, cov); mpq_div(a, a, vt); mpq_sub(gv, vp, a);
    /* the claimed closed forms */
    mpq_mul(c0, beta, u); mpq_div(c0, c0, omt);
    mpq_mul(ct, r, omp); mpq_div(ct, ct, omt);
    mpq_mul(var, beta, omp); mpq_div(var, var, omt);
    mean_ok &= qc_eq(q, g0, c0) && qc_eq(q, gt, ct);
    control &= !qc_eq(q, g0, ct) || !qc_eq(q, gt, c0);
    var_ok &= qc_eq(q, gv, var);
    var_ctl &= !qc_eq(q, gv, beta);                       /* control: the upper bound beta_t itself */
    le_ok &= mpq_cmp(var, beta) <= 0;
    /* var = beta - beta^2 alphabar_{t-1}/(1 - alphabar_t) = beta - c0^2 (1 - alphabar_t) */
    mpq_mul(a, beta, beta); mpq_mul(b, u, u); mpq_mul(a, a, b); mpq_div(a, a, omt); mpq_sub(a, beta, a);
    mpq_mul(b, c0, c0); mpq_mul(b, b, omt); mpq_sub(b, beta, b);
    alt_ok &= qc_eq(q, a, var) && qc_eq(q, b, var);
    mpq_mul(b, u, u); mpq_mul(b, b, beta); mpq_div(b, b, omt); mpq_sub(b, beta, b);  /* control: beta, not beta^2 */
    alt_ctl &= !qc_eq(q, b, var);
    /* DDIM eta = 1, ab_prev = u^2, ab_t = r^2 u^2: sigma^2 = (1-P)/(1-A) (1 - A/P) = var */
    mpq_mul(P, u, u); mpq_mul(A, r, u); mpq_mul(A, A, A);
    q1m(a, P); mpq_set(b, omt); mpq_div(s2, a, b);
    mpq_div(a, A, P); q1m(a, a); mpq_mul(s2, s2, a);
    ddim_ok &= qc_eq(q, s2, var);
    q1m(a, P); mpq_div(a, a, omt);                        /* control: without the factor 1 - A/P */
    ddim_ctl &= !qc_eq(q, a, var);
    /* dir^2 for a random eta: 1 - P - sigma^2 = (1 - P)[(1 - A)P - eta^2 (P - A)] / ((1 - A) P) */
    unit(q, eta);
    mpq_mul(a, eta, eta); mpq_mul(s2, s2, a);            /* sigma^2(eta) */
    q1m(dir2, P); mpq_sub(dir2, dir2, s2);
    q1m(a, A); mpq_mul(a, a, P); mpq_sub(b, P, A); mpq_mul(b, b, eta); mpq_mul(b, b, eta); mpq_sub(b, a, b);
    q1m(gv, P); mpq_mul(b, b, gv); mpq_div(b, b, a);
    dir_ok &= qc_eq(q, b, dir2);
    q1m(a, A); mpq_mul(a, a, P); mpq_sub(b, P, A); mpq_mul(b, b, eta); mpq_sub(b, a, b);  /* control: eta, not eta^2 */
    q1m(gv, P); mpq_mul(b, b, gv); mpq_div(b, b, a);
    dir_ctl &= !qc_eq(q, b, dir2);
    /* the update's variance dir^2 + sigma^2 = 1 - P (mean sqrt(P) x_0 by construction) */
    mpq_add(a, dir2, s2); q1m(b, P);
    marg_ok &= qc_eq(q, a, b);
  }
  double sz = qc_sz_log10(12, QC_POINTS);
  qc_record(q, "sched.posterior.var", "control", QC_MUST_HOLD, var_ctl, "posterior variance and var <= beta", QC_POINTS,
            "the same exact check of the variance beta_t: %s", var_ctl ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "sched.posterior.varalt", "control", QC_MUST_HOLD, alt_ctl, "var = beta - beta^2 ab_{t-1}/(1 - ab_t)",
            QC_POINTS, "the same exact check of beta - beta ab_{t-1}/(1 - ab_t): %s",
            alt_ctl ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "sched.ddim.sigma", "control", QC_MUST_HOLD, ddim_ctl, "DDIM sigma^2 (eta = 1) = posterior variance",
            QC_POINTS, "the same exact check without the factor (1 - ab_t/ab_{t-1}): %s",
            ddim_ctl ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "sched.ddim.dir", "control", QC_MUST_HOLD, dir_ctl, "dir^2 rational form; dir^2 + sigma^2 = 1 - ab_prev",
            QC_POINTS, "the same exact check of the rational form with eta in place of eta^2: %s",
            dir_ctl ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "sched.posterior.mean", "control", QC_MUST_HOLD, control, "Gaussian conditioning gives c_0, c_t",
            QC_POINTS, "the same exact check with c_0 and c_t swapped: %s",
            control ? "rejected at every point, as it must be" : "NOT rejected");
  qc_record(q, "sched.posterior.mean", "exact", QC_MUST_HOLD, mean_ok, "Gaussian conditioning gives c_0, c_t",
            QC_POINTS, "exact rationals at %d random (sqrt(alpha_t), sqrt(alphabar_{t-1})): the conditioning formula equals "
            "the closed forms; false-pass <= 10^%.0f", QC_POINTS, sz);
  qc_record(q, "sched.posterior.var", "exact", QC_MUST_HOLD, var_ok && le_ok, "posterior variance and var <= beta",
            QC_POINTS, "exact rationals at %d random points: Var x_{t-1} - Cov^2/Var x_t = beta (1 - ab_{t-1})/(1 - ab_t) "
            "and it never exceeds beta_t; false-pass <= 10^%.0f", QC_POINTS, sz);
  qc_record(q, "sched.posterior.varalt", "exact", QC_MUST_HOLD, alt_ok, "var = beta - beta^2 ab_{t-1}/(1 - ab_t)",
            QC_POINTS, "exact rationals at %d random points; false-pass <= 10^%.0f", QC_POINTS, sz);
  qc_record(q, "sched.ddim.sigma", "exact", QC_MUST_HOLD, ddim_ok, "DDIM sigma^2 (eta = 1) = posterior variance",
            QC_POINTS, "exact rationals at %d random points (ab_prev = ab_{t-1}); false-pass <= 10^%.0f", QC_POINTS, sz);
  qc_record(q, "sched.ddim.dir", "exact", QC_MUST_HOLD, dir_ok && marg_ok, "dir^2 rational form; dir^2 + sigma^2 = 1 - ab_prev",
            QC_POINTS, "exact rationals at %d random (ab_t, ab_prev, eta); false-pass <= 10^%.0f", QC_POINTS, sz);
  mpq_clears(r, u, vp, cov, vt, c0, ct, var, beta, omt, omp, g0, gt, gv, a, b, eta, P, A, s2, dir2, NULL);
}

/* Parameterisations on rational points of the circle a^2 + s^2 = 1. */
static void check_param(qcheck *q)
{
  mpq_t k, a, s, x0, e, xt, v, sc, t, w;
  mpq_inits(k, a, s, x0, e, xt, v, sc, t, w, NULL);
  int conv_ok = 1, score_ok = 1, conv_ctl = 1, score_ctl = 1;
  for (int it = 0; it < QC_POINTS; it++) {
    unit(q, k);
    mpq_mul(t, k, k); mpq_set_ui(w, 1, 1); mpq_add(w, w, t);
    mpq_mul_2exp(a, k, 1); mpq_div(a, a, w);              /* 2k/(1+k^2) */
    q1m(s, t); mpq_div(s, s, w);                          /* (1-k^2)/(1+k^2) */
    qc_random(q, x0); qc_random(q, e);
    mpq_mul(xt, a, x0); mpq_mul(t, s, e); mpq_add(xt, xt, t);
    mpq_mul(v, a, e); mpq_mul(t, s, x0); mpq_sub(v, v, t);
    /* x0 = (xt - s e)/a = a xt - s v */
    mpq_mul(t, s, e); mpq_sub(t, xt, t); mpq_div(t, t, a); conv_ok &= qc_eq(q, t, x0);
    mpq_mul(t, a, xt); mpq_mul(w, s, v); mpq_sub(t, t, w); conv_ok &= qc_eq(q, t, x0);
    /* e = (xt - a x0)/s = a v + s xt */
    mpq_mul(t, a, x0); mpq_sub(t, xt, t); mpq_div(t, t, s); conv_ok &= qc_eq(q, t, e);
    mpq_mul(t, a, v); mpq_mul(w, s, xt); mpq_add(t, t, w); conv_ok &= qc_eq(q, t, e);
    /* v = (e - s xt)/a = (a xt - x0)/s */
    mpq_mul(t, s, xt); mpq_sub(t, e, t); mpq_div(t, t, a); conv_ok &= qc_eq(q, t, v);
    mpq_mul(t, a, xt); mpq_sub(t, t, x0); mpq_div(t, t, s); conv_ok &= qc_eq(q, t, v);
    mpq_mul(t, s, xt); mpq_add(t, e, t); mpq_div(t, t, a); conv_ctl &= !qc_eq(q, t, v);  /* control: e + s xt */
    /* score of N(a x0, s^2) at xt: -(xt - a x0)/s^2 = -e/s; Tweedie recovers x0 */
    mpq_mul(sc, a, x0); mpq_sub(sc, xt, sc); mpq_mul(t, s, s); mpq_div(sc, sc, t); mpq_neg(sc, sc);
    mpq_div(t, e, s); mpq_neg(t, t); score_ok &= qc_eq(q, sc, t);
    score_ctl &= !qc_eq(q, sc, e) || !mpq_sgn(e);         /* control: -eps/s, the sign and 1/s dropped */
    mpq_mul(t, s, s); mpq_mul(t, t, sc); mpq_add(t, t, xt); mpq_div(t, t, a); score_ok &= qc_eq(q, t, x0);
  }
  double sz = qc_sz_log10(8, QC_POINTS);
  qc_record(q, "sched.param.conversions", "control", QC_MUST_HOLD, conv_ctl, "six conversion formulas", QC_POINTS,
            "the same exact check of v = (eps + s x_t)/a (a flipped sign): %s", conv_ctl ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "sched.param.score", "control", QC_MUST_HOLD, score_ctl, "score = -eps/s; Tweedie recovers x_0", QC_POINTS,
            "the same exact check of score = eps: %s", score_ctl ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "sched.param.conversions", "exact", QC_MUST_HOLD, conv_ok, "six conversion formulas", QC_POINTS,
            "exact rationals at %d random points a = 2k/(1+k^2), s = (1-k^2)/(1+k^2) and random (x_0, eps); "
            "false-pass <= 10^%.0f", QC_POINTS, sz);
  qc_record(q, "sched.param.score", "exact", QC_MUST_HOLD, score_ok, "score = -eps/s; Tweedie recovers x_0", QC_POINTS,
            "exact rationals at %d random points; false-pass <= 10^%.0f", QC_POINTS, sz);
  mpq_clears(k, a, s, x0, e, xt, v, sc, t, w, NULL);
}

/* k-diffusion's ancestral step at random rational sigma_from > sigma_to > 0:
 *   up^2 = min(to^2, eta^2 to^2 (from^2 - to^2)/from^2), down^2 = to^2 - up^2,
 * and the step x_to = x0 + (down/from)(x_from - x0) + up z (Euler to down with
 * the exact denoiser x0, then fresh noise). Its defining property, checked
 * by two routes that do not use these formulas:
 * (1) eta = 1: the step is the DDPM posterior q(x_to | x_from, x0) of the VE
 *     process x_from = x_to + sqrt(from^2 - to^2) z'. Its variance and mean
 *     come from the joint covariance [[to^2, to^2], [to^2, from^2]] of
 *     (x_to, x_from) given x0, by inverting it (qc_inverse): the posterior
 *     precision P11 and mean slope -P12/P11.
 * (2) any eta in (0, 1]: DDIM's sigma_t(eta)^2 = eta^2 (1 - ab_to)/(1 - ab_from)
 *     (1 - ab_from/ab_to) in VP form, ab = 1/(1 + sigma^2), scaled to VE by
 *     1/ab_to, is up^2, and DDIM's direction coefficient (1 - ab_to -
 *     sigma_t^2)/ab_to is down^2; so the step keeps the marginal
 *     N(x0, to^2): (down/from)^2 from^2 + up^2 = to^2.
 * Negative control: the forward increment variance eta^2 (from^2 - to^2) in
 * place of up^2 is rejected by both routes at every point. */
static void check_ancestral(qcheck *q)
{
  mpq_t f, t, F, T2, up2, dn2, a, b, eta, e2, x0, xf, mean, abt, abf, sd2, one;
  mpq_t cov[4], prec[4];
  mpq_inits(f, t, F, T2, up2, dn2, a, b, eta, e2, x0, xf, mean, abt, abf, sd2, one, NULL);
  for (int k = 0; k < 4; k++) { mpq_init(cov[k]); mpq_init(prec[k]); }
  mpq_set_ui(one, 1, 1);
  int ok = 1, post_ok = 1, ddim_ok = 1, post_ctl = 1, ddim_ctl = 1;
  for (int it = 0; it < QC_POINTS; it++) {
    qc_random_pos(q, f); unit(q, a); mpq_mul(t, f, a);
    mpq_mul(F, f, f); mpq_mul(T2, t, t);
    /* eta = 1: k-diffusion's formulas */
    mpq_sub(up2, F, T2); mpq_mul(up2, up2, T2); mpq_div(up2, up2, F);      /* to^2 (from^2 - to^2)/from^2 */
    if (mpq_cmp(up2, T2) > 0) mpq_set(up2, T2);                            /* the min */
    mpq_sub(dn2, T2, up2);
    mpq_mul(a, T2, T2); mpq_div(a, a, F);                                  /* to^4/from^2 */
    ok &= qc_eq(q, dn2, a) && mpq_cmp(up2, T2) <= 0;
    /* route (1): the posterior from the inverted joint covariance */
    mpq_set(cov[0], T2); mpq_set(cov[1], T2); mpq_set(cov[2], T2); mpq_set(cov[3], F);
    int inv = qc_inverse(2, cov, prec);
    mpq_inv(a, prec[0]);                                                   /* posterior variance 1/P11 */
    post_ok &= inv && qc_eq(q, up2, a);
    mpq_sub(b, F, T2); post_ctl &= !mpq_equal(b, a);                       /* control: from^2 - to^2 */
    mpq_div(b, prec[1], prec[0]); mpq_neg(b, b);                           /* posterior mean slope */
    mpq_mul(e2, t, t); mpq_div(e2, e2, f);                                 /* sigma_down = to^2/from (rational) */
    mpq_mul(a, e2, e2); post_ok &= qc_eq(q, a, dn2);
    mpq_div(a, e2, f);                                                     /* Euler slope down/from */
    post_ok &= qc_eq(q, a, b);
    qc_random(q, x0); qc_random(q, xf);
    mpq_sub(mean, xf, x0); mpq_mul(mean, mean, a); mpq_add(mean, mean, x0);   /* Euler step mean */
    mpq_sub(a, xf, x0); mpq_mul(a, a, b); mpq_add(a, a, x0);                  /* posterior mean */
    post_ok &= qc_eq(q, mean, a);
    /* route (2): DDIM at a random eta in (0, 1] (eta = 1 at the first point) */
    if (it == 0) mpq_set_ui(eta, 1, 1); else unit(q, eta);
    mpq_mul(e2, eta, eta);
    mpq_sub(up2, F, T2); mpq_mul(up2, up2, T2); mpq_div(up2, up2, F); mpq_mul(up2, up2, e2);
    if (mpq_cmp(up2, T2) > 0) mpq_set(up2, T2);
    mpq_sub(dn2, T2, up2);
    mpq_add(abt, one, T2); mpq_inv(abt, abt); mpq_add(abf, one, F); mpq_inv(abf, abf);
    mpq_sub(a, one, abt); mpq_sub(b, one, abf); mpq_div(sd2, a, b);       /* (1-ab_to)/(1-ab_from) */
    mpq_div(a, abf, abt); mpq_sub(a, one, a); mpq_mul(sd2, sd2, a); mpq_mul(sd2, sd2, e2);  /* sigma_t(eta)^2 */
    mpq_div(a, sd2, abt);
    ddim_ok &= qc_eq(q, a, up2);
    mpq_sub(b, F, T2); mpq_mul(b, b, e2); ddim_ctl &= !mpq_equal(b, a);   /* control: eta^2 (from^2 - to^2) */
    mpq_sub(a, one, abt); mpq_sub(a, a, sd2); mpq_div(a, a, abt);
    ddim_ok &= qc_eq(q, a, dn2);
    mpq_div(a, dn2, F); mpq_mul(a, a, F); mpq_add(a, a, up2);              /* marginal variance */
    ddim_ok &= qc_eq(q, a, T2);
  }
  double sz = qc_sz_log10(8, QC_POINTS);
  qc_record(q, "sched.ancestral", "exact", QC_MUST_HOLD, ok, "sigma_down^2 = to^4/from^2; sigma_up <= sigma_to", QC_POINTS,
            "exact rationals at %d random 0 < sigma_to < sigma_from (eta = 1): down^2 = to^4/from^2 exactly and up^2 <= to^2 "
            "(the min never binds); false-pass <= 10^%.0f", QC_POINTS, sz);
  qc_record(q, "sched.ancestral", "exact", QC_MUST_HOLD, post_ok, "eta = 1: the ancestral step is the DDPM posterior q(x_to | x_from, x0)",
            QC_POINTS, "VE process x_from = x_to + sqrt(from^2 - to^2) z': inverting the joint covariance [[to^2, to^2], "
            "[to^2, from^2]] of (x_to, x_from) gives the posterior variance 1/P11 = up^2 and mean slope -P12/P11 = "
            "sigma_down/sigma_from, so the Euler step to sigma_down plus up z has the posterior's mean (at random x0, x_from) "
            "and variance, exactly at %d random points; false-pass <= 10^%.0f", QC_POINTS, sz);
  qc_record(q, "sched.ancestral", "exact", QC_MUST_HOLD, ddim_ok, "eta in (0,1]: up^2, down^2 = DDIM's sigma_t(eta)^2 and direction coefficient",
            QC_POINTS, "with ab = 1/(1+sigma^2): up^2 = eta^2 (1-ab_to)/(1-ab_from) (1-ab_from/ab_to) / ab_to and down^2 = "
            "(1 - ab_to - sigma_t^2)/ab_to exactly, so the step keeps the marginal N(x0, to^2); %d random (sigma_from, "
            "sigma_to, eta), eta = 1 included; false-pass <= 10^%.0f", QC_POINTS, sz);
  qc_record(q, "sched.ancestral", "control", QC_MUST_HOLD, post_ctl,
            "eta = 1: the ancestral step is the DDPM posterior q(x_to | x_from, x0)", QC_POINTS,
            "the same check with the forward increment variance from^2 - to^2 in place of up^2: it differs from the posterior "
            "variance 1/P11 at all %d points", QC_POINTS);
  qc_record(q, "sched.ancestral", "control", QC_MUST_HOLD, ddim_ctl,
            "eta in (0,1]: up^2, down^2 = DDIM's sigma_t(eta)^2 and direction coefficient", QC_POINTS,
            "the same check with eta^2 (from^2 - to^2) in place of up^2: it differs from DDIM's sigma_t(eta)^2/ab_to at all "
            "%d points", QC_POINTS);
  for (int k = 0; k < 4; k++) { mpq_clear(cov[k]); mpq_clear(prec[k]); }
  mpq_clears(f, t, F, T2, up2, dn2, a, b, eta, e2, x0, xf, mean, abt, abf, sd2, one, NULL);
}

/* SDE marginals: residuals of the moment ODEs m' = f m, v' = 2 f v + g^2,
 * with central differences (h = 2^-100) at 512 bits. */
typedef void (*moment_fn)(mpfr_t m, mpfr_t v, mpfr_t f, mpfr_t g2, const mpfr_t t);

static void beta_B(mpfr_t beta, mpfr_t B, const mpfr_t t)
{
  mpfr_mul_ui(beta, t, 199, MPFR_RNDN); mpfr_add_ui(beta, beta, 1, MPFR_RNDN); mpfr_div_ui(beta, beta, 10, MPFR_RNDN);
  mpfr_sqr(B, t, MPFR_RNDN); mpfr_mul_ui(B, B, 199, MPFR_RNDN); mpfr_div_ui(B, B, 20, MPFR_RNDN);
  mpfr_t l; mpfr_init2(l, mpfr_get_prec(t)); mpfr_div_ui(l, t, 10, MPFR_RNDN); mpfr_add(B, B, l, MPFR_RNDN); mpfr_clear(l);
}
static void vp_moments(mpfr_t m, mpfr_t v, mpfr_t f, mpfr_t g2, const mpfr_t t)
{
  mpfr_t B; mpfr_init2(B, mpfr_get_prec(t));
  beta_B(g2, B, t);
  mpfr_div_si(f, g2, -2, MPFR_RNDN);
  mpfr_div_si(m, B, -2, MPFR_RNDN); mpfr_exp(m, m, MPFR_RNDN);
  mpfr_neg(v, B, MPFR_RNDN); mpfr_expm1(v, v, MPFR_RNDN); mpfr_neg(v, v, MPFR_RNDN);
  mpfr_clear(B);
}
static void subvp_moments(mpfr_t m, mpfr_t v, mpfr_t f, mpfr_t g2, const mpfr_t t)
{
  mpfr_t B, e; mpfr_inits2(mpfr_get_prec(t), B, e, (mpfr_ptr)0);
  beta_B(g2, B, t);
  mpfr_div_si(f, g2, -2, MPFR_RNDN);
  mpfr_mul_si(e, B, -2, MPFR_RNDN); mpfr_expm1(e, e, MPFR_RNDN); mpfr_neg(e, e, MPFR_RNDN); mpfr_mul(g2, g2, e, MPFR_RNDN);
  mpfr_div_si(m, B, -2, MPFR_RNDN); mpfr_exp(m, m, MPFR_RNDN);
  mpfr_neg(v, B, MPFR_RNDN); mpfr_expm1(v, v, MPFR_RNDN); mpfr_sqr(v, v, MPFR_RNDN);   /* std = 1 - e^-B */
  mpfr_clears(B, e, (mpfr_ptr)0);
}
static void ve_moments(mpfr_t m, mpfr_t v, mpfr_t f, mpfr_t g2, const mpfr_t t)
{
  mpfr_t s, l; mpfr_inits2(mpfr_get_prec(t), s, l, (mpfr_ptr)0);
  mpfr_set_ui(l, 5000, MPFR_RNDN); mpfr_log(l, l, MPFR_RNDN);
  mpfr_mul(s, l, t, MPFR_RNDN); mpfr_exp(s, s, MPFR_RNDN); mpfr_div_ui(s, s, 100, MPFR_RNDN);  /* sigma(t) */
  mpfr_set_zero(f, 1);
  mpfr_sqr(g2, s, MPFR_RNDN); mpfr_mul(g2, g2, l, MPFR_RNDN); mpfr_mul_2ui(g2, g2, 1, MPFR_RNDN);
  mpfr_set_ui(m, 1, MPFR_RNDN);
  mpfr_sqr(v, s, MPFR_RNDN); mpfr_set_ui(l, 1, MPFR_RNDN); mpfr_div_ui(l, l, 10000, MPFR_RNDN); mpfr_sub(v, v, l, MPFR_RNDN);
  mpfr_clears(s, l, (mpfr_ptr)0);
}

static void check_sde(qcheck *q, const char *claim, moment_fn fn, const char *what)
{
  const mpfr_prec_t P = 512;
  mpfr_t t, h, tp, tm, m, v, f, g2, mp, vp, mm, vm, d, worst, best;
  mpfr_inits2(P, t, h, tp, tm, m, v, f, g2, mp, vp, mm, vm, d, worst, best, (mpfr_ptr)0);
  mpfr_set_zero(worst, 1);
  mpfr_set_inf(best, 1);   /* control: the smallest residual of v' = 2 f v + 2 g^2 (g^2 doubled) */
  mpfr_set_ui_2exp(h, 1, -100, MPFR_RNDN);
  int v0_ok;
  mpfr_set_zero(t, 1);
  fn(m, v, f, g2, t);
  v0_ok = mpfr_cmp_d(v, 1e-100) < 0 && mpfr_cmp_d(v, -1e-100) > 0;
  for (int i = 0; i < QC_POINTS; i++) {
    mpfr_set_d(t, 1e-3 + 0.998 * gsl_rng_uniform(q->rng), MPFR_RNDN);
    mpfr_add(tp, t, h, MPFR_RNDN); mpfr_sub(tm, t, h, MPFR_RNDN);
    fn(m, v, f, g2, t);
    fn(mp, vp, d, d, tp);
    fn(mm, vm, d, d, tm);
    /* m' - f m */
    mpfr_sub(d, mp, mm, MPFR_RNDN); mpfr_div(d, d, h, MPFR_RNDN); mpfr_div_2ui(d, d, 1, MPFR_RNDN);
    mpfr_mul(mp, f, m, MPFR_RNDN); mpfr_sub(d, d, mp, MPFR_RNDN); mpfr_abs(d, d, MPFR_RNDN);
    if (mpfr_cmp(d, worst) > 0) mpfr_set(worst, d, MPFR_RNDN);
    /* v' - (2 f v + g^2) */
    mpfr_sub(d, vp, vm, MPFR_RNDN); mpfr_div(d, d, h, MPFR_RNDN); mpfr_div_2ui(d, d, 1, MPFR_RNDN);
    mpfr_mul(mp, f, v, MPFR_RNDN); mpfr_mul_2ui(mp, mp, 1, MPFR_RNDN); mpfr_add(mp, mp, g2, MPFR_RNDN);
    mpfr_sub(d, d, mp, MPFR_RNDN);
    mpfr_sub(vp, d, g2, MPFR_RNDN); mpfr_abs(vp, vp, MPFR_RNDN);
    if (mpfr_cmp(vp, best) < 0) mpfr_set(best, vp, MPFR_RNDN);
    mpfr_abs(d, d, MPFR_RNDN);
    if (mpfr_cmp(d, worst) > 0) mpfr_set(worst, d, MPFR_RNDN);
  }
  int rejected = mpfr_cmp_d(best, 1e-50) > 0;
  qc_record(q, claim, "control", QC_MUST_HOLD, rejected, "moment ODE residuals vanish", QC_POINTS,
            "the same residual of the variance equation with g^2 doubled: smallest |residual| %.3e: %s",
            mpfr_get_d(best, MPFR_RNDN), rejected ? "rejected at every t, as it must be" : "NOT rejected");
  qc_record(q, claim, "numeric", QC_MUST_HOLD, v0_ok && qc_small_fr(q, worst, 1e-50), "moment ODE residuals vanish",
            QC_POINTS, "%s: MPFR at 512 bits, %d random t in (0.001, 0.999): max |m' - f m|, |v' - 2 f v - g^2| with "
            "central differences (h = 2^-100) = %.3e; v(0) = 0", what, QC_POINTS, mpfr_get_d(worst, MPFR_RNDN));
  mpfr_clears(t, h, tp, tm, m, v, f, g2, mp, vp, mm, vm, d, worst, best, (mpfr_ptr)0);
}

/* The tanh approximation of Phi: the largest error on a grid of step 2^-10
 * over [-10, 10], refined by ternary search around the grid maximum. */
static void approx_err(mpfr_t err, const mpfr_t x)
{
  mpfr_prec_t p = mpfr_get_prec(x);
  mpfr_t u, c, phi;
  mpfr_inits2(p, u, c, phi, (mpfr_ptr)0);
  mpfr_pow_ui(u, x, 3, MPFR_RNDN); mpfr_mul_ui(u, u, 44715, MPFR_RNDN); mpfr_div_ui(u, u, 1000000, MPFR_RNDN);
  mpfr_add(u, u, x, MPFR_RNDN);
  mpfr_const_pi(c, MPFR_RNDN); mpfr_ui_div(c, 2, c, MPFR_RNDN); mpfr_sqrt(c, c, MPFR_RNDN); mpfr_mul(u, u, c, MPFR_RNDN);
  mpfr_tanh(u, u, MPFR_RNDN); mpfr_add_ui(u, u, 1, MPFR_RNDN); mpfr_div_2ui(u, u, 1, MPFR_RNDN);
  mpfr_sqrt_ui(c, 2, MPFR_RNDN); mpfr_div(phi, x, c, MPFR_RNDN); mpfr_neg(phi, phi, MPFR_RNDN);
  mpfr_erfc(phi, phi, MPFR_RNDN); mpfr_div_2ui(phi, phi, 1, MPFR_RNDN);
  mpfr_sub(err, u, phi, MPFR_RNDN);
  mpfr_clears(u, c, phi, (mpfr_ptr)0);
}

static void check_tanh(qcheck *q)
{
  mpfr_t x, e, lo, hi, m1, m2, e1, e2;
  mpfr_inits2(128, x, e, lo, hi, m1, m2, e1, e2, (mpfr_ptr)0);
  double best = 0, xbest = 0;
  long n = 0;
  /* both the approximation and Phi are symmetric, u(-x) = 1 - u(x) and
   * Phi(-x) = 1 - Phi(x), so err(-x) = -err(x) exactly: |err| is evaluated at
   * x = k/1024, k = 0..10240, and stands for both x and -x on the grid */
  double *abs_err = malloc(10241 * sizeof *abs_err);
  if (!abs_err) { fprintf(stderr, PROGRAM ": out of memory\n"); exit(2); }
  for (long k = 0; k <= 10240; k++) {
    mpfr_set_si(x, k, MPFR_RNDN); mpfr_div_2ui(x, x, 10, MPFR_RNDN);
    approx_err(e, x);
    abs_err[k] = fabs(mpfr_get_d(e, MPFR_RNDN));
  }
  for (long k = -10240; k <= 10240; k++, n++) {
    double a = abs_err[k < 0 ? -k : k];
    if (a > best) { best = a; xbest = (double)k / 1024; }
  }
  free(abs_err);
  /* ternary search of |err| on [xbest - 2^-10, xbest + 2^-10] */
  mpfr_set_d(lo, xbest - 1.0 / 1024, MPFR_RNDN);
  mpfr_set_d(hi, xbest + 1.0 / 1024, MPFR_RNDN);
  for (int it = 0; it < 80; it++) {
    mpfr_sub(m1, hi, lo, MPFR_RNDN); mpfr_div_ui(m1, m1, 3, MPFR_RNDN);
    mpfr_add(m2, lo, m1, MPFR_RNDN); mpfr_sub(m1, hi, m1, MPFR_RNDN);   /* m2 < m1 */
    approx_err(e1, m2); approx_err(e2, m1); mpfr_abs(e1, e1, MPFR_RNDN); mpfr_abs(e2, e2, MPFR_RNDN);
    if (mpfr_cmp(e1, e2) < 0) mpfr_set(lo, m2, MPFR_RNDN); else mpfr_set(hi, m1, MPFR_RNDN);
  }
  /* figure data: the error on x = k/20, |x| <= 6 */
  FILE *f = evidence_data_file("fig", "sched_tanh_error.csv");
  if (f) {
    fprintf(f, "x,error\n");
    for (long k = -120; k <= 120; k++) {
      mpfr_set_si(x, k, MPFR_RNDN); mpfr_div_ui(x, x, 20, MPFR_RNDN);
      approx_err(e, x);
      fprintf(f, "%g,%.6e\n", (double)k / 20, mpfr_get_d(e, MPFR_RNDN));
    }
    fclose(f);
  }
  approx_err(e, lo);
  double peak = fabs(mpfr_get_d(e, MPFR_RNDN)), xpeak = mpfr_get_d(lo, MPFR_RNDN);
  /* the relative error in the lower tail */
  mpfr_set_si(x, -10, MPFR_RNDN);
  approx_err(e, x);
  int rejected = !(peak < 1.8e-5 && best <= peak);
  qc_record(q, "sched.cdf.tanh", "control", QC_MUST_HOLD, rejected, "sup |tanh approximation - Phi| < 1.8e-4", (unsigned long)n,
            "the same measurement against a bound ten times tighter, 1.8e-5: %s", rejected ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "sched.cdf.tanh", "approx", QC_MUST_HOLD, qc_small(q, peak, 1.8e-4) && best <= peak,
            "sup |tanh approximation - Phi| < 1.8e-4", (unsigned long)n,
            "MPFR at 128 bits on the grid x = k/1024, |x| <= 10 (%ld points), then ternary search: max |error| = "
            "%.6e at x = %.6f (grid max %.6e at %.4f; |x| > 10 adds at most Phi(-10) = 7.6e-24); error at x = -10: %.3e "
            "(relative error ~1: the approximation is 1.2e-38 there)", n, peak, xpeak, best, xbest, mpfr_get_d(e, MPFR_RNDN));
  mpfr_clears(x, e, lo, hi, m1, m2, e1, e2, (mpfr_ptr)0);
}

int main(void)
{
  qcheck q;
  qc_init(&q, PROGRAM);
  QC_WITH_CONTROLS(&q) {
    check_chains(&q);
    check_beta_forms(&q);
    check_transcendental(&q);
    check_zsnr(&q);
    check_posterior(&q);
    check_param(&q);
    check_ancestral(&q);
    check_tanh(&q);
    check_sde(&q, "sched.sde.vp", vp_moments, "VP: mean e^{-B/2}, variance 1 - e^{-B}");
    check_sde(&q, "sched.sde.subvp", subvp_moments, "sub-VP: mean e^{-B/2}, variance (1 - e^{-B})^2");
    check_sde(&q, "sched.sde.ve", ve_moments, "VE: mean 1, variance sigma(t)^2 - sigma_min^2");
  }
  return qc_finish(&q);
}
