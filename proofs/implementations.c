/* implementations.c -- exact checks of the identities the real-implementation suites encode
 * (theory/d8_schedules.tex: sched.alphabar.step, sched.ddpm.extras,
 * sched.cdf.tanh.logistic, elbo.loglik.tanh, sched.edm.precond,
 * sched.kdiff.sigmas, sched.dpm.step), in GMP rationals at random points;
 * exponentials enter as positive rationals E = e^x, square roots through
 * their squares. Each runs again as its own negative control (qcheck.h). */
#include "qcheck.h"

#include <stdio.h>

#define PROGRAM "proof_implementations"

/* r = p/(1 + p) in (0, 1) for a random p = n/d > 0: n/(n + d), canonical. */
static void unit(qcheck *q, mpq_t r)
{
  qc_random_pos(q, r);
  mpz_add(mpq_denref(r), mpq_denref(r), mpq_numref(r));
}

/* r = 1 - v = (d - n)/d, canonical (r and v may alias). */
static void one_minus(mpq_t r, const mpq_t v)
{
  mpq_neg(r, v);
  mpz_add(mpq_numref(r), mpq_numref(r), mpq_denref(r));
}

/* r = 1/(1 + v) (r and v may alias). */
static void recip1p(mpq_t r, const mpq_t v)
{
  mpq_t one;
  mpq_init(one);
  mpq_set_ui(one, 1, 1);
  mpq_add(r, v, one);
  mpq_inv(r, r);
  mpq_clear(one);
}

static void record(qcheck *q, const char *claim, int ok, const char *check, unsigned degree)
{
  qc_record(q, claim, "exact", QC_MUST_HOLD, ok, check, QC_POINTS, "%d random rational points; false-pass <= 10^%.0f",
            QC_POINTS, qc_sz_log10(degree, QC_POINTS));
}

static void check_tables(qcheck *q)
{
  mpq_t a, b, b2, o, l, r, t, u;
  mpq_inits(a, b, b2, o, l, r, t, u, (mpq_ptr)0);
  int step = 1, recipm1 = 1, pv2 = 1;
  for (int i = 0; i < QC_POINTS; i++) {
    unit(q, a); unit(q, b); unit(q, b2);
    one_minus(o, a);
    one_minus(t, b); mpq_mul(t, t, a); one_minus(l, t);          /* 1 - a (1 - b) */
    one_minus(t, o); mpq_mul(t, t, b); mpq_add(r, o, t);          /* o + (1 - o) b */
    step &= qc_eq(q, l, r);
    mpq_inv(l, a);
    mpq_set_ui(t, 1, 1); mpq_sub(l, l, t);                        /* 1/a - 1 */
    mpq_div(r, o, a);                                             /* (1 - a)/a */
    recipm1 &= qc_eq(q, l, r);
    /* step 2's posterior variance from alphabar_1 = 1 - b1, alphabar_2 = alphabar_1 (1 - b2) */
    one_minus(t, b);                                              /* alphabar_1 */
    one_minus(u, b2); mpq_mul(u, u, t); one_minus(u, u);          /* 1 - alphabar_2 */
    one_minus(l, t); mpq_mul(l, l, b2); mpq_div(l, l, u);         /* b2 (1 - ab1)/(1 - ab2) */
    mpq_mul(r, b2, b); one_minus(t, b); mpq_mul(t, t, b2); mpq_add(t, t, b); mpq_div(r, r, t);
    pv2 &= qc_eq(q, l, r);
  }
  record(q, "sched.alphabar.step", step, "1 - a(1 - b) = o + (1 - o) b, o = 1 - a", 3);
  record(q, "sched.ddpm.extras", recipm1, "1/alphabar - 1 = (1 - alphabar)/alphabar", 2);
  record(q, "sched.ddpm.extras", pv2, "posterior variance at step 2 = b2 b1/(b1 + (1 - b1) b2)", 4);
  mpq_clears(a, b, b2, o, l, r, t, u, (mpq_ptr)0);
}

static void check_tanh(qcheck *q)
{
  mpq_t E, F, l, r, t, zp, zm, k;
  mpq_inits(E, F, l, r, t, zp, zm, k, (mpq_ptr)0);
  mpq_set_ui(k, 44715, 1000000);
  mpq_canonicalize(k);
  int logistic = 1, comp = 1, mass = 1, poly = 1;
  for (int i = 0; i < QC_POINTS; i++) {
    qc_random_pos(q, E); qc_random_pos(q, F);                     /* E = e^(2u), or e^a and F = e^b */
    mpq_set_ui(t, 1, 1); mpq_sub(l, E, t); mpq_add(t, E, t); mpq_div(l, l, t);   /* tanh u */
    mpq_set_ui(t, 1, 1); mpq_add(l, l, t); mpq_div_2exp(l, l, 1);              /* (1 + tanh u)/2 */
    mpq_inv(t, E); recip1p(r, t);                                 /* 1/(1 + e^-2u) */
    logistic &= qc_eq(q, l, r);
    one_minus(l, l); recip1p(r, E);                               /* 1 - A = sigma(-2u) */
    comp &= qc_eq(q, l, r);
    /* sigma(a) - sigma(b) = (e^(a-b) - 1) sigma(b) (1 - sigma(a)) */
    mpq_inv(t, E); recip1p(l, t); mpq_inv(t, F); recip1p(t, t); mpq_sub(l, l, t);
    mpq_div(r, E, F); mpq_set_ui(t, 1, 1); mpq_sub(r, r, t);
    mpq_inv(t, F); recip1p(t, t); mpq_mul(r, r, t); recip1p(t, E); mpq_mul(r, r, t);
    mass &= qc_eq(q, l, r);
    /* u(zp) - u(zm) without the sqrt(2/pi) factor */
    qc_random(q, zp); qc_random(q, zm);
    mpq_mul(t, zp, zp); mpq_mul(t, t, zp); mpq_mul(t, t, k); mpq_add(l, zp, t);
    mpq_mul(t, zm, zm); mpq_mul(t, t, zm); mpq_mul(t, t, k); mpq_add(t, zm, t); mpq_sub(l, l, t);
    mpq_mul(r, zp, zp); mpq_mul(t, zp, zm); mpq_add(r, r, t); mpq_mul(t, zm, zm); mpq_add(r, r, t);
    mpq_mul(r, r, k); mpq_set_ui(t, 1, 1); mpq_add(r, r, t); mpq_sub(t, zp, zm); mpq_mul(r, r, t);
    poly &= qc_eq(q, l, r);
  }
  record(q, "sched.cdf.tanh.logistic", logistic, "(1 + tanh u)/2 = 1/(1 + e^-2u)", 3);
  record(q, "sched.cdf.tanh.logistic", comp, "1 - (1 + tanh u)/2 = 1/(1 + e^2u)", 3);
  record(q, "elbo.loglik.tanh", mass, "sigma(a) - sigma(b) = expm1(a - b) sigma(b) (1 - sigma(a))", 4);
  record(q, "elbo.loglik.tanh", poly, "u(z+) - u(z-) = (z+ - z-)(1 + 0.044715 (z+^2 + z+ z- + z-^2)) sqrt(2/pi)", 3);
  mpq_clears(E, F, l, r, t, zp, zm, k, (mpq_ptr)0);
}

static void check_edm_kdiff_dpm(qcheck *q)
{
  mpq_t s, d, T, l, r, t, u, w;
  mpq_inits(s, d, T, l, r, t, u, w, (mpq_ptr)0);
  int skip = 1, cout = 1, cin = 1, geo = 1, ends = 1, hstep = 1, ratio = 1;
  for (int i = 0; i < QC_POINTS; i++) {
    qc_random_pos(q, s); qc_random_pos(q, d);
    mpq_div(T, s, d); mpq_mul(T, T, T);                           /* tan^2 phi */
    mpq_mul(t, s, s); mpq_mul(u, d, d); mpq_add(w, t, u);         /* s^2 + d^2 */
    mpq_div(l, u, w); recip1p(r, T);
    skip &= qc_eq(q, l, r);                                       /* c_skip = cos^2 phi */
    mpq_mul(l, t, u); mpq_div(l, l, w); mpq_mul(r, u, T); recip1p(t, T); mpq_mul(r, r, t);
    cout &= qc_eq(q, l, r);                                       /* c_out^2 = d^2 sin^2 phi */
    mpq_inv(l, w); recip1p(r, T); mpq_div(r, r, u);
    cin &= qc_eq(q, l, r);                                        /* c_in^2 = cos^2(phi)/d^2 */
    /* sigma_min^(1-r) sigma_max^r at r = k/m: m-th powers, sigma_min^(m-k) sigma_max^k = sigma_min^m (ratio)^k */
    unsigned long m = 2 + (unsigned long)(i % 5), kk = 1 + (unsigned long)i % (m - 1);
    mpq_set_ui(l, 1, 1); mpq_set_ui(r, 1, 1);
    for (unsigned long j = 0; j < m - kk; j++) mpq_mul(l, l, s);
    for (unsigned long j = 0; j < kk; j++) mpq_mul(l, l, d);
    mpq_div(t, d, s);
    for (unsigned long j = 0; j < m; j++) mpq_mul(r, r, s);
    for (unsigned long j = 0; j < kk; j++) mpq_mul(r, r, t);
    geo &= qc_eq(q, l, r);
    /* linspace(1, eps, n): t_0 = 1, t_{n-1} = eps for t_i = 1 + (eps - 1) i/(n - 1) */
    unit(q, u);
    mpq_set_ui(t, 1, 1); mpq_sub(t, u, t);                        /* eps - 1 */
    mpq_set_ui(w, 1, 1); mpq_add(l, w, t);                        /* i = n - 1 */
    ends &= qc_eq(q, l, u);
    /* DPM-Solver: R - 1 = (ab_t - ab_s)/(ab_s (1 - ab_t)), R = ab_t (1 - ab_s)/(ab_s (1 - ab_t)) */
    unit(q, s); unit(q, d);                                       /* ab_s, ab_t */
    one_minus(t, s); mpq_mul(t, t, d); one_minus(u, d); mpq_mul(u, u, s); mpq_div(l, t, u);   /* R */
    mpq_set_ui(w, 1, 1); mpq_sub(l, l, w);
    mpq_sub(r, d, s); mpq_div(r, r, u);
    hstep &= qc_eq(q, l, r);
    /* e^-2h = 1/R = (sigma_t alpha_s / (alpha_t sigma_s))^2 */
    one_minus(t, s); mpq_mul(t, t, d); one_minus(u, d); mpq_mul(u, u, s); mpq_div(l, u, t);
    one_minus(r, d); mpq_mul(r, r, s); one_minus(w, s); mpq_mul(w, w, d); mpq_div(r, r, w);
    ratio &= qc_eq(q, l, r);
  }
  record(q, "sched.edm.precond", skip, "c_skip = 1/(1 + (sigma/sigma_d)^2)", 4);
  record(q, "sched.edm.precond", cout, "c_out^2 = sigma_d^2 tan^2/(1 + tan^2)", 6);
  record(q, "sched.edm.precond", cin, "c_in^2 = 1/((1 + tan^2) sigma_d^2)", 4);
  record(q, "sched.kdiff.sigmas", geo, "(sigma_min^(1-r) sigma_max^r)^m = (sigma_min (sigma_max/sigma_min)^r)^m, r = k/m", 12);
  record(q, "sched.kdiff.sigmas", ends, "linspace(1, eps, n) ends at eps", 1);
  record(q, "sched.dpm.step", hstep, "R - 1 = (ab_t - ab_s)/(ab_s (1 - ab_t)), R = e^(2h)", 4);
  record(q, "sched.dpm.step", ratio, "e^(-2h) = (sigma_t alpha_s/(alpha_t sigma_s))^2", 4);
  mpq_clears(s, d, T, l, r, t, u, w, (mpq_ptr)0);
}

/* DPM-Solver's second-order multistep step. Rational stand-ins: alpha, sigma
 * at s0 and t, E = e^-h = (sigma_t/alpha_t)/(sigma_s0/alpha_s0) (the
 * definition of lambda), h, h_0 and m0, m1, x. */
static void check_dpm2(qcheck *q)
{
  mpq_t as, ss, at, st, E, h, h0, m0, m1, x, r, d1, l, rr, t, u;
  mpq_inits(as, ss, at, st, E, h, h0, m0, m1, x, r, d1, l, rr, t, u, (mpq_ptr)0);
  int kd = 1, phi = 1, heun = 1;
  for (int i = 0; i < QC_POINTS; i++) {
    unit(q, as); unit(q, ss); unit(q, at); unit(q, st);
    qc_random_pos(q, h); qc_random_pos(q, h0); qc_random(q, m0); qc_random(q, m1); qc_random(q, x);
    mpq_div(E, st, at); mpq_mul(E, E, as); mpq_div(E, E, ss);
    mpq_div(r, h0, h);                                            /* r0 */
    mpq_sub(d1, m0, m1); mpq_div(d1, d1, r);                      /* D1 = (m0 - m1)/r0 */
    /* diffusers dpmsolver++ midpoint on x_vp = alpha_s0 x_ve */
    mpq_set_ui(t, 1, 1); mpq_sub(u, E, t);                        /* e^-h - 1 */
    mpq_div(l, st, ss); mpq_mul(l, l, as); mpq_mul(l, l, x);
    mpq_div_2exp(t, d1, 1); mpq_add(t, t, m0); mpq_mul(t, t, u); mpq_mul(t, t, at); mpq_sub(l, l, t);
    /* alpha_t times k-diffusion's sample_dpmpp_2m on x_ve: (sigma_next/sigma) x - expm1(-h) ((1 + 1/(2r)) m0 - m1/(2r)) */
    mpq_mul_2exp(t, r, 1); mpq_inv(t, t);                         /* 1/(2r) */
    mpq_set_ui(rr, 1, 1); mpq_add(rr, rr, t); mpq_mul(rr, rr, m0); mpq_mul(t, t, m1); mpq_sub(rr, rr, t);
    mpq_mul(rr, rr, u); mpq_mul(t, E, x); mpq_sub(rr, t, rr); mpq_mul(rr, rr, at);
    kd &= qc_eq(q, l, rr);
    /* the cancellation-free form: (e^-h - 1)/h + 1 = ((e^-h - 1) + h)/h */
    mpq_div(l, u, h); mpq_set_ui(t, 1, 1); mpq_add(l, l, t);
    mpq_add(rr, u, h); mpq_div(rr, rr, h);
    phi &= qc_eq(q, l, rr);
    /* heun D1 term through D1 = h (m0 - m1)/h_0: alpha_t phi(-h) D1 = alpha_t (e^-h - 1 + h)(m0 - m1)/h_0 */
    mpq_mul(l, at, l); mpq_mul(l, l, d1);
    mpq_sub(t, m0, m1); mpq_mul(rr, rr, h); mpq_mul(rr, rr, t); mpq_div(rr, rr, h0); mpq_mul(rr, rr, at);
    heun &= qc_eq(q, l, rr);
  }
  record(q, "sched.dpm.step", kd, "dpmsolver++ midpoint on alpha_s0 x = alpha_t x sample_dpmpp_2m, E = e^-h, D1 = (m0 - m1)/r0", 12);
  record(q, "sched.dpm.step", phi, "(e^-h - 1)/h + 1 = ((e^-h - 1) + h)/h", 2);
  record(q, "sched.dpm.step", heun, "alpha_t ((e^-h - 1)/h + 1) D1 = alpha_t (e^-h - 1 + h)(m0 - m1)/h_0", 6);
  mpq_clears(as, ss, at, st, E, h, h0, m0, m1, x, r, d1, l, rr, t, u, (mpq_ptr)0);
}

int main(void)
{
  qcheck q;
  qc_init(&q, PROGRAM);
  QC_WITH_CONTROLS(&q) {
    check_tables(&q);
    check_tanh(&q);
    check_edm_kdiff_dpm(&q);
    check_dpm2(&q);
  }
  return qc_finish(&q);
}
