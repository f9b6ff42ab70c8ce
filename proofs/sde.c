/* sde.c -- proof checks of D6, the reverse-time SDE (claims sde.*).
 * Independent of src/: MPFR at >= 256 bits for the Fokker-Planck and
 * continuity residuals and the moment ODEs, exact GMP rationals for the
 * algebra of document 001's forward/backward process. */
#include "qcheck.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>

#define PROGRAM "proof_sde"
#define FP_PREC 512          /* working precision of the residual checks */
#define NCOMP_MAX 3

/* ---------------------------------------------------------------------
 * Linear forward SDEs in MPFR. kind 1 = OU: f = theta (m - x), g = s;
 * kind 2 = VP: f = -beta(t) x / 2, g^2 = beta(t), beta = bmin + t (bmax - bmin).
 * Data: a mixture of NCOMP_MAX Gaussians (weights w, means mu, variances v). */
typedef struct {
  int kind;
  double p0, p1, p2;
  const char *name;
} lsde;

typedef struct {
  int n;
  double w[NCOMP_MAX], mu[NCOMP_MAX], v[NCOMP_MAX];
  const char *name;
} mixture;

static const lsde SDES[2] = { { 1, 1.25, 0.5, 1.5, "OU(theta=1.25,m=0.5,s=1.5)" },
                              { 2, 0.1, 20.0, 0.0, "VP(beta 0.1..20)" } };
static const mixture DATA[2] = { { 1, { 1, 0, 0 }, { 0.7, 0, 0 }, { 0.3, 0, 0 }, "N(0.7,0.3)" },
                                 { 3, { 0.2, 0.5, 0.3 }, { -2, 0.25, 1.75 }, { 0.25, 0.5, 0.125 },
                                   "0.2N(-2,.25)+0.5N(.25,.5)+0.3N(1.75,.125)" } };

/* drift f = P x + c, g^2 at time t */
static void drift_coef(const lsde *s, const mpfr_t t, mpfr_t P, mpfr_t c, mpfr_t g2)
{
  if (s->kind == 1) {
    mpfr_set_d(P, -s->p0, MPFR_RNDN);
    mpfr_set_d(c, s->p0, MPFR_RNDN);
    mpfr_mul_d(c, c, s->p1, MPFR_RNDN);
    mpfr_set_d(g2, s->p2, MPFR_RNDN);
    mpfr_sqr(g2, g2, MPFR_RNDN);
  } else {
    mpfr_set_d(g2, s->p1 - s->p0, MPFR_RNDN);       /* exact for these dyadics */
    mpfr_mul(g2, g2, t, MPFR_RNDN);
    mpfr_add_d(g2, g2, s->p0, MPFR_RNDN);
    mpfr_div_si(P, g2, -2, MPFR_RNDN);
    mpfr_set_zero(c, 1);
  }
}

/* marginal x_t | x_0 ~ N(a x_0 + b, sd2): the closed forms under test */
static void marginal_coef(const lsde *s, const mpfr_t t, mpfr_t a, mpfr_t b, mpfr_t sd2)
{
  mpfr_prec_t p = mpfr_get_prec(a);
  mpfr_t u;
  mpfr_init2(u, p);
  if (s->kind == 1) {
    mpfr_mul_d(u, t, -s->p0, MPFR_RNDN);
    mpfr_exp(a, u, MPFR_RNDN);
    mpfr_ui_sub(b, 1, a, MPFR_RNDN);
    mpfr_mul_d(b, b, s->p1, MPFR_RNDN);
    mpfr_sqr(sd2, a, MPFR_RNDN);
    mpfr_ui_sub(sd2, 1, sd2, MPFR_RNDN);
    mpfr_mul_d(sd2, sd2, s->p2 * s->p2, MPFR_RNDN);
    mpfr_div_d(sd2, sd2, 2 * s->p0, MPFR_RNDN);
  } else {
    mpfr_mul_d(u, t, (s->p1 - s->p0) / 2, MPFR_RNDN);
    mpfr_add_d(u, u, s->p0, MPFR_RNDN);
    mpfr_mul(u, u, t, MPFR_RNDN);                   /* B(t) */
    mpfr_neg(u, u, MPFR_RNDN);
    mpfr_expm1(sd2, u, MPFR_RNDN);
    mpfr_neg(sd2, sd2, MPFR_RNDN);
    mpfr_div_2ui(u, u, 1, MPFR_RNDN);
    mpfr_exp(a, u, MPFR_RNDN);
    mpfr_set_zero(b, 1);
  }
  mpfr_clear(u);
}

/* p_t(x) and its x-derivatives p', p'' (closed forms for Gaussians) */
static void density(const lsde *s, const mixture *d, const mpfr_t t, const mpfr_t x,
                    mpfr_t p, mpfr_t p1, mpfr_t p2)
{
  mpfr_prec_t pr = mpfr_get_prec(p);
  mpfr_t a, b, sd2, m, v, z, e, tmp, twopi;
  mpfr_inits2(pr, a, b, sd2, m, v, z, e, tmp, twopi, (mpfr_ptr)0);
  marginal_coef(s, t, a, b, sd2);
  mpfr_const_pi(twopi, MPFR_RNDN);
  mpfr_mul_2ui(twopi, twopi, 1, MPFR_RNDN);
  mpfr_set_zero(p, 1); mpfr_set_zero(p1, 1); mpfr_set_zero(p2, 1);
  for (int i = 0; i < d->n; i++) {
    mpfr_mul_d(m, a, d->mu[i], MPFR_RNDN);
    mpfr_add(m, m, b, MPFR_RNDN);
    mpfr_sqr(v, a, MPFR_RNDN);
    mpfr_mul_d(v, v, d->v[i], MPFR_RNDN);
    mpfr_add(v, v, sd2, MPFR_RNDN);
    mpfr_sub(z, x, m, MPFR_RNDN);                   /* x - m */
    mpfr_sqr(e, z, MPFR_RNDN);
    mpfr_div(e, e, v, MPFR_RNDN);
    mpfr_div_si(e, e, -2, MPFR_RNDN);
    mpfr_exp(e, e, MPFR_RNDN);
    mpfr_mul(tmp, twopi, v, MPFR_RNDN);
    mpfr_sqrt(tmp, tmp, MPFR_RNDN);
    mpfr_div(e, e, tmp, MPFR_RNDN);
    mpfr_mul_d(e, e, d->w[i], MPFR_RNDN);           /* w N(x; m, v) */
    mpfr_add(p, p, e, MPFR_RNDN);
    mpfr_div(z, z, v, MPFR_RNDN);                   /* (x - m)/v */
    mpfr_mul(tmp, e, z, MPFR_RNDN);
    mpfr_sub(p1, p1, tmp, MPFR_RNDN);               /* -w N (x-m)/v */
    mpfr_sqr(tmp, z, MPFR_RNDN);
    mpfr_ui_div(z, 1, v, MPFR_RNDN);
    mpfr_sub(tmp, tmp, z, MPFR_RNDN);
    mpfr_mul(tmp, tmp, e, MPFR_RNDN);
    mpfr_add(p2, p2, tmp, MPFR_RNDN);               /* w N ((x-m)^2/v^2 - 1/v) */
  }
  mpfr_clears(a, b, sd2, m, v, z, e, tmp, twopi, (mpfr_ptr)0);
}

/* d/dt p_t(x) by the 8th-order central difference with step 2^-24: the
 * truncation error is ~ h^8 |d^9 p/dt^9| / 630 ~ 1e-58 here, the rounding
 * error ~ 2^-FP_PREC / h, so the residuals below are meaningful to ~1e-50. */
static void density_dt(const lsde *s, const mixture *d, const mpfr_t t, const mpfr_t x, mpfr_t out)
{
  static const long num[4] = { 4, -1, 4, -1 }, den[4] = { 5, 5, 105, 280 }; /* 4/5, -1/5, 4/105, -1/280 */
  mpfr_prec_t pr = mpfr_get_prec(out);
  mpfr_t tt, pp, d1, d2, h, c;
  mpfr_inits2(pr, tt, pp, d1, d2, h, c, (mpfr_ptr)0);
  mpfr_set_ui_2exp(h, 1, -24, MPFR_RNDN);
  mpfr_set_zero(out, 1);
  for (int k = 1; k <= 4; k++) {
    mpfr_mul_ui(tt, h, (unsigned long)k, MPFR_RNDN);
    mpfr_add(tt, t, tt, MPFR_RNDN);
    density(s, d, tt, x, pp, d1, d2);
    mpfr_set_si(c, num[k - 1], MPFR_RNDN);
    mpfr_div_si(c, c, den[k - 1], MPFR_RNDN);
    mpfr_mul(pp, pp, c, MPFR_RNDN);
    mpfr_add(out, out, pp, MPFR_RNDN);
    mpfr_mul_ui(tt, h, (unsigned long)k, MPFR_RNDN);
    mpfr_sub(tt, t, tt, MPFR_RNDN);
    density(s, d, tt, x, pp, d1, d2);
    mpfr_mul(pp, pp, c, MPFR_RNDN);
    mpfr_sub(out, out, pp, MPFR_RNDN);
  }
  mpfr_div(out, out, h, MPFR_RNDN);
  mpfr_clears(tt, pp, d1, d2, h, c, (mpfr_ptr)0);
}

/* The residual of the Fokker-Planck (or continuity) equation of the process
 * run in reverse time tau = T - t with drift dx/dtau = sgn_f f + cs g^2 s(x)
 * and diffusion coefficient dg g (dg = 1 SDE, 0 ODE), at q(x, tau) = p_t(x):
 *   R = dq/dtau + d/dx(b q) - dg g^2/2 q''.
 * rel = |R| / (|dq/dtau| + |d/dx(b q)| + |g^2/2 q''|). */
static void residual(const lsde *s, const mixture *d, const mpfr_t t, const mpfr_t x,
                     int sgn_f, double cs, int dg, mpfr_t rel, mpfr_t R)
{
  mpfr_t p, p1, p2, pt, P, c, g2, f, sc, scx, b, bx, flux, diff, scale, tmp;
  mpfr_inits2(FP_PREC, p, p1, p2, pt, P, c, g2, f, sc, scx, b, bx, flux, diff, scale, tmp, (mpfr_ptr)0);
  density(s, d, t, x, p, p1, p2);
  density_dt(s, d, t, x, pt);
  mpfr_neg(pt, pt, MPFR_RNDN);                     /* dq/dtau = -dp/dt */
  drift_coef(s, t, P, c, g2);
  mpfr_mul(f, P, x, MPFR_RNDN);
  mpfr_add(f, f, c, MPFR_RNDN);
  mpfr_div(sc, p1, p, MPFR_RNDN);                  /* score s = p'/p */
  mpfr_div(scx, p2, p, MPFR_RNDN);                 /* s' = p''/p - s^2 */
  mpfr_sqr(tmp, sc, MPFR_RNDN);
  mpfr_sub(scx, scx, tmp, MPFR_RNDN);
  /* b = sgn_f f + cs g^2 s, b' = sgn_f P + cs g^2 s' */
  mpfr_mul_si(b, f, sgn_f, MPFR_RNDN);
  mpfr_mul(tmp, g2, sc, MPFR_RNDN);
  mpfr_mul_d(tmp, tmp, cs, MPFR_RNDN);
  mpfr_add(b, b, tmp, MPFR_RNDN);
  mpfr_mul_si(bx, P, sgn_f, MPFR_RNDN);
  mpfr_mul(tmp, g2, scx, MPFR_RNDN);
  mpfr_mul_d(tmp, tmp, cs, MPFR_RNDN);
  mpfr_add(bx, bx, tmp, MPFR_RNDN);
  mpfr_mul(flux, bx, p, MPFR_RNDN);                 /* (b q)' = b' q + b q' */
  mpfr_mul(tmp, b, p1, MPFR_RNDN);
  mpfr_add(flux, flux, tmp, MPFR_RNDN);
  mpfr_mul(diff, g2, p2, MPFR_RNDN);
  mpfr_mul_si(diff, diff, dg, MPFR_RNDN);
  mpfr_div_2ui(diff, diff, 1, MPFR_RNDN);
  mpfr_add(R, pt, flux, MPFR_RNDN);
  mpfr_sub(R, R, diff, MPFR_RNDN);
  mpfr_abs(scale, pt, MPFR_RNDN);
  mpfr_abs(tmp, flux, MPFR_RNDN);
  mpfr_add(scale, scale, tmp, MPFR_RNDN);
  mpfr_abs(tmp, diff, MPFR_RNDN);
  mpfr_add(scale, scale, tmp, MPFR_RNDN);
  mpfr_abs(rel, R, MPFR_RNDN);
  mpfr_div(rel, rel, scale, MPFR_RNDN);
  mpfr_clears(p, p1, p2, pt, P, c, g2, f, sc, scx, b, bx, flux, diff, scale, tmp, (mpfr_ptr)0);
}

/* Worst relative residual over QC_POINTS random (x, t) per SDE and data set;
 * also the forward equation (sgn_f = +1 in forward time is the same as the
 * checks below with t running forward: we pass it through the tau form). */
typedef struct { double worst, x, t, R; const char *sde, *data; } worst_t;

static void scan(qcheck *q, int sgn_f, double cs, int dg, worst_t *w, int *npts)
{
  mpfr_t t, x, rel, R;
  mpfr_inits2(FP_PREC, t, x, rel, R, (mpfr_ptr)0);
  w->worst = -1;
  *npts = 0;
  for (int si = 0; si < 2; si++)
    for (int di = 0; di < 2; di++)
      for (int i = 0; i < QC_POINTS / 4; i++) {
        double tv = 0.05 + 0.9 * gsl_rng_uniform(q->rng), xv = 8 * gsl_rng_uniform(q->rng) - 4;
        mpfr_set_d(t, tv, MPFR_RNDN);
        mpfr_set_d(x, xv, MPFR_RNDN);
        residual(&SDES[si], &DATA[di], t, x, sgn_f, cs, dg, rel, R);
        double r = mpfr_get_d(rel, MPFR_RNDN);
        if (r > w->worst) { *w = (worst_t){ r, xv, tv, mpfr_get_d(R, MPFR_RNDN), SDES[si].name, DATA[di].name }; }
        (*npts)++;
      }
  mpfr_clears(t, x, rel, R, (mpfr_ptr)0);
}

static void check_fokker_planck(qcheck *q)
{
  worst_t w;
  int n;
  const double tol = 1e-40;
  /* forward equation in tau form: b = -(f) with dg = -1 is the same as
   * dp/dt + (f p)' - g^2/2 p'' = 0; checked first so the marginal closed
   * forms themselves are verified */
  scan(q, -1, 0.0, -1, &w, &n);
  qc_record(q, "sde.forward.marginal", "numeric", QC_MUST_HOLD, qc_small(q, w.worst, tol), "forward Fokker-Planck residual", (unsigned long)n,
            "dp/dt + d/dx(f p) - g^2/2 p'' at %d random (x in [-4,4], t in [0.05,0.95]) for OU and VP with Gaussian and "
            "3-component mixture data, p_t from the closed-form a, b, sd^2; dp/dt by 8th-order differences (h=2^-24) at %d bits: "
            "max relative residual %.3e (tolerance %.0e) at %s, %s", n, FP_PREC, w.worst, tol, w.sde, w.data);
  scan(q, -1, 1.0, 1, &w, &n);
  qc_record(q, "sde.reverse.fp", "numeric", QC_MUST_HOLD, qc_small(q, w.worst, tol), "reverse-time Fokker-Planck residual", (unsigned long)n,
            "reverse time tau=T-t, dx = -[f - g^2 d/dx log p_t] dtau + g dW: dq/dtau + d/dx(b q) - g^2/2 q'' with the score "
            "p'/p and its derivative formed explicitly, %d points, OU and VP x Gaussian and mixture data, %d bits: max relative "
            "residual %.3e (tolerance %.0e)", n, FP_PREC, w.worst, tol);
  scan(q, -1, 0.5, 0, &w, &n);
  qc_record(q, "sde.flow.marginals", "numeric", QC_MUST_HOLD, qc_small(q, w.worst, tol), "probability-flow continuity residual", (unsigned long)n,
            "dx/dtau = -[f - g^2/2 d/dx log p_t], no noise: dq/dtau + d/dx(b q) at %d points, OU and VP x Gaussian and mixture, "
            "%d bits: max relative residual %.3e (tolerance %.0e)", n, FP_PREC, w.worst, tol);
  /* negative controls: a wrong coefficient must leave a residual */
  worst_t c0, c1, c2;
  scan(q, -1, 0.0, 0, &c0, &n);
  qc_record(q, "sde.forward.marginal", "control", QC_MUST_HOLD, c0.worst > tol, "forward Fokker-Planck residual",
            (unsigned long)n, "the same residual scan with the diffusion term g^2/2 p'' dropped: max relative residual %.3f: %s",
            c0.worst, c0.worst > tol ? "rejected, as it must be" : "NOT rejected");
  scan(q, -1, 0.5, 1, &c1, &n);
  scan(q, -1, 1.0, 0, &c2, &n);
  qc_record(q, "sde.flow.marginals", "control", QC_MUST_HOLD, c2.worst > tol, "probability-flow continuity residual",
            (unsigned long)n, "the same residual scan with g^2 score in place of g^2/2 score: max relative residual %.3f: %s",
            c2.worst, c2.worst > tol ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "sde.reverse.fp", "control", QC_MUST_HOLD, c1.worst > 1e-3 && c2.worst > 1e-3, "reverse-time Fokker-Planck residual", (unsigned long)(2 * n),
            "the flow drift with noise (g^2/2 score + dW) and the SDE drift without noise both leave residuals: max relative "
            "%.3f and %.3f", c1.worst, c2.worst);
  /* document 001: x_t = x_{t-1} + [f - g^2 grad log p] dt + g dw run forward
   * (in tau, from p_T): drift +f - g^2 s */
  worst_t dw;
  scan(q, +1, -1.0, 1, &dw, &n);
  int doc_ok = qc_small(q, dw.worst, tol);
  qc_record(q, "sde.doc.backward", "numeric", QC_AS_WRITTEN, doc_ok, "001's backward update as written", (unsigned long)n,
            "run along the generative (forward) time direction with drift f - g^2 grad log p_t: Fokker-Planck residual "
            "does not vanish: counterexample %s, data %s, x=%.6f, t=%.6f: residual %.6e, relative %.4f",
            dw.sde, dw.data, dw.x, dw.t, dw.R, dw.worst);
  scan(q, -1, 1.0, 1, &w, &n);
  qc_record(q, "sde.doc.backward", "control", QC_MUST_HOLD, !doc_ok,
            "corrected: x_{t-dt} = x_t - [f - g^2 grad log p_t] dt + g dw", (unsigned long)n,
            "the same Fokker-Planck residual scan of the document's update as written: %s",
            doc_ok ? "NOT rejected" : "rejected, as it must be");
  qc_record(q, "sde.doc.backward", "corrected", QC_MUST_HOLD, qc_small(q, w.worst, tol), "corrected: x_{t-dt} = x_t - [f - g^2 grad log p_t] dt + g dw",
            (unsigned long)n, "the drift of the generative step is -(f - g^2 grad log p_t) per unit of generative time (equivalently the "
            "document's bracket with time running backwards): max relative residual %.3e", w.worst);
}

/* ---------------------------------------------------------------------
 * Moment ODEs of the reverse SDE, RK4 in MPFR. State (M, S) in tau = T - t.
 * Gaussian data (explicit exact score (m_t - x)/v_t, state M, V):
 *   dM/dtau = -(P M + c) + g^2 (m_t - M)/v_t,  dV/dtau = -2 (P + g^2/v_t) V + g^2.
 * Mixture data (E[s] = 0, E[x s] = -1 for any smooth density), state M, S = E x^2:
 *   dM/dtau = -(P M + c),  dS/dtau = -2 (P S + c M) - g^2. */
#define ODE_PREC 256

static void forward_moments(const lsde *s, const mixture *d, const mpfr_t t, mpfr_t m, mpfr_t v, mpfr_t S)
{
  mpfr_t a, b, sd2, mi, vi, tmp;
  mpfr_inits2(ODE_PREC, a, b, sd2, mi, vi, tmp, (mpfr_ptr)0);
  marginal_coef(s, t, a, b, sd2);
  mpfr_set_zero(m, 1);
  mpfr_set_zero(S, 1);
  for (int i = 0; i < d->n; i++) {
    mpfr_mul_d(mi, a, d->mu[i], MPFR_RNDN);
    mpfr_add(mi, mi, b, MPFR_RNDN);
    mpfr_sqr(vi, a, MPFR_RNDN);
    mpfr_mul_d(vi, vi, d->v[i], MPFR_RNDN);
    mpfr_add(vi, vi, sd2, MPFR_RNDN);
    mpfr_mul_d(tmp, mi, d->w[i], MPFR_RNDN);
    mpfr_add(m, m, tmp, MPFR_RNDN);
    mpfr_sqr(tmp, mi, MPFR_RNDN);
    mpfr_add(tmp, tmp, vi, MPFR_RNDN);
    mpfr_mul_d(tmp, tmp, d->w[i], MPFR_RNDN);
    mpfr_add(S, S, tmp, MPFR_RNDN);
  }
  mpfr_sqr(tmp, m, MPFR_RNDN);
  mpfr_sub(v, S, tmp, MPFR_RNDN);
  mpfr_clears(a, b, sd2, mi, vi, tmp, (mpfr_ptr)0);
}

/* right-hand side at tau (t = T - tau); y = (M, V or S) */
static void ode_rhs(const lsde *s, const mixture *d, int gaussian, double T, const mpfr_t tau,
                    const mpfr_t *y, mpfr_t *dy)
{
  mpfr_t t, P, c, g2, m, v, S, tmp;
  mpfr_inits2(ODE_PREC, t, P, c, g2, m, v, S, tmp, (mpfr_ptr)0);
  mpfr_d_sub(t, T, tau, MPFR_RNDN);
  drift_coef(s, t, P, c, g2);
  mpfr_mul(dy[0], P, y[0], MPFR_RNDN);
  mpfr_add(dy[0], dy[0], c, MPFR_RNDN);
  mpfr_neg(dy[0], dy[0], MPFR_RNDN);
  if (gaussian) {
    forward_moments(s, d, t, m, v, S);             /* the exact score's m_t, v_t */
    mpfr_sub(tmp, m, y[0], MPFR_RNDN);
    mpfr_mul(tmp, tmp, g2, MPFR_RNDN);
    mpfr_div(tmp, tmp, v, MPFR_RNDN);
    mpfr_add(dy[0], dy[0], tmp, MPFR_RNDN);
    mpfr_div(tmp, g2, v, MPFR_RNDN);
    mpfr_add(tmp, tmp, P, MPFR_RNDN);
    mpfr_mul(tmp, tmp, y[1], MPFR_RNDN);
    mpfr_mul_si(tmp, tmp, -2, MPFR_RNDN);
    mpfr_add(dy[1], tmp, g2, MPFR_RNDN);
  } else {
    mpfr_mul(tmp, P, y[1], MPFR_RNDN);
    mpfr_mul(dy[1], c, y[0], MPFR_RNDN);
    mpfr_add(dy[1], dy[1], tmp, MPFR_RNDN);
    mpfr_mul_si(dy[1], dy[1], -2, MPFR_RNDN);
    mpfr_sub(dy[1], dy[1], g2, MPFR_RNDN);
  }
  mpfr_clears(t, P, c, g2, m, v, S, tmp, (mpfr_ptr)0);
}

/* RK4 from tau = 0 (forward moments at T) to tau = T in nsteps; returns the
 * max relative error against the forward moments at tau = T/4, T/2, 3T/4, T */
static double integrate_moments(const lsde *s, const mixture *d, int gaussian, double T, int nsteps)
{
  mpfr_t y[2], k[4][2], yt[2], tau, th, h, m, v, S, err;
  for (int i = 0; i < 2; i++) {
    mpfr_init2(y[i], ODE_PREC); mpfr_init2(yt[i], ODE_PREC);
    for (int j = 0; j < 4; j++) mpfr_init2(k[j][i], ODE_PREC);
  }
  mpfr_inits2(ODE_PREC, tau, th, h, m, v, S, err, (mpfr_ptr)0);
  mpfr_set_d(tau, T, MPFR_RNDN);
  forward_moments(s, d, tau, m, v, S);
  mpfr_set(y[0], m, MPFR_RNDN);
  mpfr_set(y[1], gaussian ? v : S, MPFR_RNDN);
  mpfr_set_d(h, T, MPFR_RNDN);
  mpfr_div_si(h, h, nsteps, MPFR_RNDN);
  double worst = 0;
  for (int n = 0; n < nsteps; n++) {
    mpfr_mul_si(tau, h, n, MPFR_RNDN);
    ode_rhs(s, d, gaussian, T, tau, y, k[0]);
    for (int st = 1; st < 4; st++) {
      double frac = st == 3 ? 1.0 : 0.5;
      for (int i = 0; i < 2; i++) {
        mpfr_mul_d(yt[i], k[st - 1][i], frac, MPFR_RNDN);
        mpfr_mul(yt[i], yt[i], h, MPFR_RNDN);
        mpfr_add(yt[i], yt[i], y[i], MPFR_RNDN);
      }
      mpfr_mul_d(th, h, frac, MPFR_RNDN);
      mpfr_add(th, th, tau, MPFR_RNDN);
      ode_rhs(s, d, gaussian, T, th, yt, k[st]);
    }
    for (int i = 0; i < 2; i++) {
      mpfr_add(yt[i], k[1][i], k[2][i], MPFR_RNDN);
      mpfr_mul_2ui(yt[i], yt[i], 1, MPFR_RNDN);
      mpfr_add(yt[i], yt[i], k[0][i], MPFR_RNDN);
      mpfr_add(yt[i], yt[i], k[3][i], MPFR_RNDN);
      mpfr_mul(yt[i], yt[i], h, MPFR_RNDN);
      mpfr_div_ui(yt[i], yt[i], 6, MPFR_RNDN);
      mpfr_add(y[i], y[i], yt[i], MPFR_RNDN);
    }
    if ((n + 1) % (nsteps / 4) == 0) {
      mpfr_mul_si(tau, h, n + 1, MPFR_RNDN);
      mpfr_d_sub(th, T, tau, MPFR_RNDN);
      if (mpfr_sgn(th) < 0) mpfr_set_zero(th, 1);
      forward_moments(s, d, th, m, v, S);
      mpfr_sub(err, y[0], m, MPFR_RNDN);
      double e0 = fabs(mpfr_get_d(err, MPFR_RNDN)) / fmax(1.0, fabs(mpfr_get_d(m, MPFR_RNDN)));
      mpfr_sub(err, y[1], gaussian ? v : S, MPFR_RNDN);
      double e1 = fabs(mpfr_get_d(err, MPFR_RNDN)) / fabs(mpfr_get_d(gaussian ? v : S, MPFR_RNDN));
      worst = fmax(worst, fmax(e0, e1));
    }
  }
  for (int i = 0; i < 2; i++) {
    mpfr_clear(y[i]); mpfr_clear(yt[i]);
    for (int j = 0; j < 4; j++) mpfr_clear(k[j][i]);
  }
  mpfr_clears(tau, th, h, m, v, S, err, (mpfr_ptr)0);
  return worst;
}

static void check_moment_odes(qcheck *q)
{
  const int nsteps = 4096;
  const double tol = 1e-10;
  double worst = 0, richardson = 0;
  for (int si = 0; si < 2; si++)
    for (int di = 0; di < 2; di++) {
      double e = integrate_moments(&SDES[si], &DATA[di], di == 0, 1.0, nsteps);
      worst = fmax(worst, e);
    }
  /* the RK4 error must shrink ~16x when the step halves: the agreement is
   * convergence, not a coincidence of one step size */
  double e1 = integrate_moments(&SDES[1], &DATA[0], 1, 1.0, 256), e2 = integrate_moments(&SDES[1], &DATA[0], 1, 1.0, 512);
  richardson = e1 / e2;
  qc_record(q, "sde.moments.ode", "numeric", QC_MUST_HOLD, qc_small(q, worst, tol) && richardson > 12 && richardson < 20,
            "reverse moment ODEs return the forward marginals", 4,
            "RK4 at %d bits, %d steps over T=1, OU and VP x Gaussian (mean/variance with the exact affine score) and mixture "
            "(mean/second moment via E[s]=0, E[xs]=-1): max relative error vs forward moments at tau=T/4,T/2,3T/4,T = %.3e "
            "(tolerance %.0e); VP Gaussian error ratio 256 vs 512 steps = %.2f (RK4: 16)",
            ODE_PREC, nsteps, worst, tol, richardson);
}

/* E[s] = 0 and E[x s] = -1 under the mixture p_t: trapezoid rule in MPFR
 * (h = 1/64 over [-20, 20]; Gaussian tails beyond are < 1e-80). */
static void check_score_identities(qcheck *q)
{
  mpfr_t t, x, p, p1, p2, s0, s1, tmp;
  mpfr_inits2(ODE_PREC, t, x, p, p1, p2, s0, s1, tmp, (mpfr_ptr)0);
  double worst = 0, ctl = INFINITY;
  for (int si = 0; si < 2; si++) {
    mpfr_set_d(t, 0.3, MPFR_RNDN);
    mpfr_set_zero(s0, 1); mpfr_set_zero(s1, 1);
    for (long j = -1280; j <= 1280; j++) {
      mpfr_set_si(x, j, MPFR_RNDN);
      mpfr_div_2ui(x, x, 6, MPFR_RNDN);
      density(&SDES[si], &DATA[1], t, x, p, p1, p2);
      mpfr_add(s0, s0, p1, MPFR_RNDN);            /* s p = p' */
      mpfr_mul(tmp, p1, x, MPFR_RNDN);
      mpfr_add(s1, s1, tmp, MPFR_RNDN);
    }
    mpfr_div_2ui(s0, s0, 6, MPFR_RNDN);
    mpfr_div_2ui(s1, s1, 6, MPFR_RNDN);
    mpfr_add_ui(s1, s1, 1, MPFR_RNDN);
    worst = fmax(worst, fmax(fabs(mpfr_get_d(s0, MPFR_RNDN)), fabs(mpfr_get_d(s1, MPFR_RNDN))));
    ctl = fmin(ctl, fabs(mpfr_get_d(s1, MPFR_RNDN) - 2));  /* control: E[x s] = +1 */
  }
  qc_record(q, "sde.moments.ode", "control", QC_MUST_HOLD, ctl > 1e-30, "E[s]=0 and E[x s]=-1 (lemma)", 2 * 2561,
            "the same quadrature check of E[x s] = +1: |E[x s] - 1| >= %.3f: %s", ctl,
            ctl > 1e-30 ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "sde.moments.ode", "numeric", QC_MUST_HOLD, qc_small(q, worst, 1e-30), "E[s]=0 and E[x s]=-1 (lemma)", 2 * 2561,
            "trapezoid rule h=1/64 on [-20,20] at %d bits, mixture data under OU and VP at t=0.3: max |E[s]|, |E[xs]+1| = %.3e",
            ODE_PREC, worst);
  mpfr_clears(t, x, p, p1, p2, s0, s1, tmp, (mpfr_ptr)0);
}

/* ---------------------------------------------------------------------
 * Document 001's forward/backward process: exact rational algebra. */
#define Q_N 12
typedef struct { mpq_t v[Q_N]; } qset;
static void qs_init(qset *s) { for (int i = 0; i < Q_N; i++) mpq_init(s->v[i]); }
static void qs_clear(qset *s) { for (int i = 0; i < Q_N; i++) mpq_clear(s->v[i]); }

static const char *qs(char *buf, const mpq_t v) { return qc_qstr(buf, 64, v); }

/* EM step x_t = x_{t-1} + f dt + g dw with Var dw = dt: Var[x_t | x_{t-1}] = g^2 dt.
 * 001 writes p(x_t | x_{t-1}) = N(x_{t-1} + f dt, g^2). */
static void check_kernel_variance(qcheck *q)
{
  mpq_t g2, dt, em, doc, tau, code;
  mpq_inits(g2, dt, em, doc, tau, code, NULL);
  int as_written = 1, corrected = 1;
  char cx[320] = "", b1[64], b2[64], b3[64];
  for (int i = 0; i < QC_POINTS; i++) {
    qc_random_pos(q, tau); qc_random_pos(q, dt);
    if (i == 0) { mpq_set_ui(tau, 1, 1); mpq_set_ui(dt, 1, 100); } /* the demo's tau = 1, dt = 0.01 first */
    mpq_set_ui(g2, 2, 1); mpq_div(g2, g2, tau);        /* 001: g = sqrt(2/tau) */
    mpq_mul(em, g2, dt);                               /* g^2 Var(dw) */
    mpq_set(doc, g2);
    if (!qc_eq(q, em, doc) && as_written) {
      as_written = 0;
      snprintf(cx, sizeof cx, "counterexample tau=%s dt=%s: EM variance g^2 dt = %s, document g^2 = %s",
               qs(b1, tau), qs(b2, dt), qs(b3, em), qc_qstr((char[64]){0}, 64, doc));
    }
    mpq_set_ui(code, 2, 1); mpq_mul(code, code, dt); mpq_div(code, code, tau); /* demo: trans_var = 2 dt / tau */
    corrected &= qc_eq(q, em, code);
  }
  qc_record(q, "sde.doc.forward.kernel", "exact", QC_AS_WRITTEN, as_written, "transition variance g^2 (as written)", QC_POINTS, "%s", cx);
  qc_record(q, "sde.doc.forward.kernel", "control", QC_MUST_HOLD, !as_written, "corrected: N(x_{t-1} + f dt, g^2 dt)",
            QC_POINTS, "the same comparison with the document's variance g^2: %s",
            as_written ? "NOT rejected" : "rejected, as it must be");
  qc_record(q, "sde.doc.forward.kernel", "corrected", QC_MUST_HOLD, corrected, "corrected: N(x_{t-1} + f dt, g^2 dt)", QC_POINTS,
            "Var[g dw] = g^2 dt equals the demo code's trans_var = 2 dt/tau (g^2 = 2/tau) at %d random rational (tau, dt) "
            "(degree 2: false pass <= 10^%.0f)", QC_POINTS, qc_sz_log10(2, QC_POINTS));
  mpq_clears(g2, dt, em, doc, tau, code, NULL);
}

/* 001 Langevin: x_t = x_{t-1} + tau^-1 sigma^-2 (mu - x) dt + sqrt(2/tau) dw,
 * "equivalent to f = tau^-1 sigma^-2 (mu - x) dt, g = sqrt(2/tau)". */
static void check_langevin_f(qcheck *q)
{
  qset a;
  qs_init(&a);
  mpq_t *tau = &a.v[0], *s2 = &a.v[1], *mu = &a.v[2], *x = &a.v[3], *dt = &a.v[4], *lang = &a.v[5],
        *fdoc = &a.v[6], *fok = &a.v[7], *t1 = &a.v[8], *theta = &a.v[9], *g2 = &a.v[10], *stat = &a.v[11];
  int as_written = 1, corrected = 1, g_ok = 1, g_ctl = 1;
  char cx[400] = "", b[5][64];
  for (int i = 0; i < QC_POINTS; i++) {
    qc_random_pos(q, *tau); qc_random_pos(q, *s2); qc_random(q, *mu); qc_random(q, *x); qc_random_pos(q, *dt);
    if (i == 0) { mpq_set_ui(*tau, 1, 1); mpq_set_ui(*s2, 1, 1); mpq_set_ui(*mu, 0, 1); mpq_set_si(*x, -1, 1); mpq_set_ui(*dt, 1, 100); }
    mpq_sub(*t1, *mu, *x); mpq_div(*t1, *t1, *tau); mpq_div(*t1, *t1, *s2);  /* tau^-1 sigma^-2 (mu - x) */
    mpq_mul(*lang, *t1, *dt);                                                /* Langevin increment */
    mpq_mul(*fdoc, *t1, *dt); mpq_mul(*fdoc, *fdoc, *dt);                    /* f dt with f as written */
    mpq_mul(*fok, *t1, *dt);                                                 /* f dt, f without dt */
    if (!qc_eq(q, *fdoc, *lang) && as_written && mpq_sgn(*t1) != 0) {
      as_written = 0;
      snprintf(cx, sizeof cx, "counterexample tau=%s sigma^2=%s mu-x=%s dt=%s: f dt = %s but the Langevin increment is %s",
               qs(b[0], *tau), qs(b[1], *s2), qs(b[2], *t1), qs(b[3], *dt), qs(b[4], *fdoc), qc_qstr((char[64]){0}, 64, *lang));
    }
    corrected &= qc_eq(q, *fok, *lang);
    /* g = sqrt(2/tau): stationary variance of dx = theta (mu - x) dt + g dW is g^2/(2 theta) = sigma^2 */
    mpq_mul(*theta, *tau, *s2); mpq_inv(*theta, *theta);
    mpq_set_ui(*g2, 2, 1); mpq_div(*g2, *g2, *tau);
    mpq_div(*stat, *g2, *theta); mpq_div_2exp(*stat, *stat, 1);
    g_ok &= qc_eq(q, *stat, *s2);
    mpq_div_2exp(*stat, *stat, 1);                 /* control: g = sqrt(1/tau) gives sigma^2/2 */
    g_ctl &= !qc_eq(q, *stat, *s2);
  }
  qc_record(q, "sde.doc.langevin.f", "exact", QC_AS_WRITTEN, as_written, "f = tau^-1 sigma^-2 (mu - x) dt (as written)", QC_POINTS, "%s", cx);
  qc_record(q, "sde.doc.langevin.f", "control", QC_MUST_HOLD, !as_written, "corrected: f = tau^-1 sigma^-2 (mu - x)",
            QC_POINTS, "the same comparison with the document's f = tau^-1 sigma^-2 (mu - x) dt: %s",
            as_written ? "NOT rejected" : "rejected, as it must be");
  qc_record(q, "sde.doc.langevin.f", "corrected", QC_MUST_HOLD, corrected, "corrected: f = tau^-1 sigma^-2 (mu - x)", QC_POINTS,
            "f dt equals the Langevin increment exactly at %d random rational points (false pass <= 10^%.0f)",
            QC_POINTS, qc_sz_log10(4, QC_POINTS));
  qc_record(q, "sde.doc.langevin.g", "control", QC_MUST_HOLD, g_ctl, "g = sqrt(2/tau); stationary law N(mu, sigma^2)",
            QC_POINTS, "the same exact check with g = sqrt(1/tau): %s", g_ctl ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "sde.doc.langevin.g", "exact", QC_AS_WRITTEN, g_ok, "g = sqrt(2/tau); stationary law N(mu, sigma^2)", QC_POINTS,
            "g^2 = 2/tau and theta = 1/(tau sigma^2) give the stationary variance g^2/(2 theta) = sigma^2 exactly at %d random "
            "rational (tau, sigma^2) (false pass <= 10^%.0f)", QC_POINTS, qc_sz_log10(3, QC_POINTS));
  qs_clear(&a);
}

/* 001 backward process: the substitution steps, as written (kernel variance
 * g^2), the dropped term, the corrected kernel (g^2 dt), and the demo code. */
static void check_backward_algebra(qcheck *q)
{
  qset a, b;
  qs_init(&a); qs_init(&b);
  mpq_t *x0 = &a.v[0], *x1 = &a.v[1], *f = &a.v[2], *dt = &a.v[3], *g2 = &a.v[4], *sc = &a.v[5],
        *l = &a.v[6], *r = &a.v[7], *t = &a.v[8], *tau = &a.v[9], *s2 = &a.v[10], *mu = &a.v[11];
  mpq_t *tmf = &b.v[0], *tv = &b.v[1], *sa = &b.v[2], *tmb = &b.v[3], *line2 = &b.v[4], *grad = &b.v[5],
        *hq = &b.v[6], *qm = &b.v[7], *qp = &b.v[8];
  int subst = 1, expand = 1, drop = 1, collapse = 1, code = 1, grad_ok = 1, grad_em_ok = 1, grad_cor_ok = 1, grad_control = 1;
  for (int i = 0; i < QC_POINTS; i++) {
    qc_random(q, *x0); qc_random(q, *x1); qc_random(q, *f); qc_random_pos(q, *dt); qc_random_pos(q, *g2);
    /* grad_{x_t} log N(x_t; x0 + f dt, g^2) = g^-2 (x0 + f dt - x_t): exact central difference of the quadratic */
    qc_random_pos(q, *hq);
    mpq_mul(*t, *f, *dt); mpq_add(*t, *t, *x0);                 /* mean x0 + f dt */
    mpq_sub(*qm, *x1, *hq); mpq_sub(*qm, *qm, *t); mpq_mul(*qm, *qm, *qm);
    mpq_add(*qp, *x1, *hq); mpq_sub(*qp, *qp, *t); mpq_mul(*qp, *qp, *qp);
    mpq_sub(*grad, *qm, *qp); mpq_div(*grad, *grad, *g2); mpq_div_2exp(*grad, *grad, 1);
    mpq_div(*grad, *grad, *hq); mpq_div_2exp(*grad, *grad, 1);   /* [Q(x-h) - Q(x+h)]/(2h), Q = (.)^2/(2 g^2) */
    mpq_sub(*sc, *t, *x1); mpq_div(*sc, *sc, *g2);              /* document: g^-2 (x0 + f dt - x1) */
    grad_ok &= qc_eq(q, *grad, *sc);
    /* the Euler-Maruyama kernel N(x0 + f dt, g^2 dt): its gradient is grad/dt */
    mpq_div(*l, *grad, *dt);
    int em_ok = qc_eq(q, *l, *sc);
    grad_em_ok &= em_ok;
    mpq_mul(*r, *g2, *dt); mpq_sub(*line2, *t, *x1); mpq_div(*line2, *line2, *r);   /* corrected: (g^2 dt)^-1 (...) */
    grad_cor_ok &= qc_eq(q, *l, *line2);
    mpq_neg(*line2, *line2);
    grad_control &= !mpq_equal(*l, *line2);                      /* control: the sign-flipped corrected form */
    /* step 1: f - g^2 * score = f - (x0 + f dt - x1) */
    mpq_mul(*l, *g2, *sc); mpq_sub(*l, *f, *l);
    mpq_sub(*r, *t, *x1); mpq_sub(*r, *f, *r);
    subst &= qc_eq(q, *l, *r);
    /* step 2: x0 + [f - (x0 + f dt - x1)] dt = x0 (1 - dt) + x1 dt + f (1 - dt) dt */
    mpq_mul(*l, *r, *dt); mpq_add(*l, *l, *x0);
    mpq_set_ui(*t, 1, 1); mpq_sub(*t, *t, *dt);                 /* 1 - dt */
    mpq_mul(*r, *x0, *t); mpq_mul(*line2, *x1, *dt); mpq_add(*r, *r, *line2);
    mpq_mul(*line2, *f, *t); mpq_mul(*line2, *line2, *dt); mpq_add(*r, *r, *line2);
    expand &= qc_eq(q, *l, *r);
    mpq_set(*line2, *r);
    /* step 3: x0 (1 - dt) + (x1 + f) dt differs by exactly -f dt^2... (r3 - line2 = f dt^2) */
    mpq_mul(*l, *x0, *t); mpq_add(*r, *x1, *f); mpq_mul(*r, *r, *dt); mpq_add(*l, *l, *r);
    mpq_sub(*l, *l, *line2); mpq_mul(*r, *f, *dt); mpq_mul(*r, *r, *dt);
    drop &= qc_eq(q, *l, *r);
    /* corrected kernel variance g^2 dt: the same substitution gives x0 + [f - (x0 + f dt - x1)/dt] dt = x1 */
    mpq_mul(*t, *f, *dt); mpq_add(*t, *t, *x0); mpq_sub(*t, *t, *x1); mpq_div(*t, *t, *dt);
    mpq_sub(*t, *f, *t); mpq_mul(*t, *t, *dt); mpq_add(*t, *t, *x0);
    collapse &= qc_eq(q, *t, *x1);
    /* demo code: tmf = x1' + (mu - x1')/tau/sigma^2 dt; tv = 2 dt/tau; sa = (tmf - x2)/tv; tmb = tmf - tv sa dt
     * equals line 2 with f = (mu - x1')/(tau sigma^2) (x1' = x0 here, x2 = x1) */
    qc_random_pos(q, *tau); qc_random_pos(q, *s2); qc_random(q, *mu);
    mpq_sub(*f, *mu, *x0); mpq_div(*f, *f, *tau); mpq_div(*f, *f, *s2);
    mpq_mul(*tmf, *f, *dt); mpq_add(*tmf, *tmf, *x0);
    mpq_set_ui(*tv, 2, 1); mpq_mul(*tv, *tv, *dt); mpq_div(*tv, *tv, *tau);
    mpq_sub(*sa, *tmf, *x1); mpq_div(*sa, *sa, *tv);
    mpq_mul(*tmb, *tv, *sa); mpq_mul(*tmb, *tmb, *dt); mpq_sub(*tmb, *tmf, *tmb);
    mpq_set_ui(*t, 1, 1); mpq_sub(*t, *t, *dt);
    mpq_mul(*r, *x0, *t); mpq_mul(*l, *x1, *dt); mpq_add(*r, *r, *l);
    mpq_mul(*l, *f, *t); mpq_mul(*l, *l, *dt); mpq_add(*r, *r, *l);
    code &= qc_eq(q, *tmb, *r);
  }
  double sz = qc_sz_log10(4, QC_POINTS);
  qc_record(q, "sde.doc.score.single.grad", "exact", QC_AS_WRITTEN, grad_ok, "under 001's own kernel N(x~ + f dt, g^2): g^-2 (x~ + f dt - x_t)", QC_POINTS,
            "exact central differences of the quadratic at %d random rational points (false pass <= 10^%.0f): consistent "
            "with the document's own (wrong) kernel variance g^2 only", QC_POINTS, sz);
  /* the counterexample at 001's demo values: x~ = f = 0, x_t = 1, g^2 = 2, dt = 1/100 */
  mpq_set_ui(*g2, 2, 1); mpq_set_ui(*dt, 1, 100); mpq_mul(*r, *g2, *dt);
  mpq_set_si(*l, -1, 1); mpq_div(*l, *l, *r);                   /* EM kernel: (0 - 1)/(g^2 dt) */
  mpq_set_si(*sc, -1, 1); mpq_div(*sc, *sc, *g2);               /* stated: (0 - 1)/g^2 */
  char b1[96], b2[96];
  qc_record(q, "sde.doc.score.single.grad", "exact", QC_AS_WRITTEN, grad_em_ok, "as the gradient of the EM kernel N(x~ + f dt, g^2 dt)",
            QC_POINTS, "%s at %d random rational points; counterexample (exact) at the demo's g^2 = 2, dt = 1/100, x~ = f = 0, "
            "x_t = 1: the EM kernel's gradient is %s, the stated g^-2 (x~ + f dt - x_t) = %s (off by the factor 1/dt)",
            grad_em_ok ? "equal" : "different", QC_POINTS, qc_qstr(b1, sizeof b1, *l), qc_qstr(b2, sizeof b2, *sc));
  qc_record(q, "sde.doc.score.single.grad", "corrected", QC_MUST_HOLD, grad_cor_ok, "corrected: (g^2 dt)^-1 (x~ + f dt - x_t)", QC_POINTS,
            "with Var dW = dt the kernel is N(x~ + f dt, g^2 dt) (sde.doc.forward.kernel); its gradient in x_t equals "
            "(g^2 dt)^-1 (x~ + f dt - x_t) by exact central differences at %d random rational points (false pass <= 10^%.0f)",
            QC_POINTS, sz);
  qc_record(q, "sde.doc.score.single.grad", "control", QC_MUST_HOLD, grad_control, "corrected: (g^2 dt)^-1 (x~ + f dt - x_t)",
            QC_POINTS, "the same check of the sign-flipped form (g^2 dt)^-1 (x_t - x~ - f dt): it differs from the exact "
            "gradient at all %d points", QC_POINTS);
  qc_record(q, "sde.doc.backward.subst", "exact", QC_AS_WRITTEN, subst, "f - g^2 g^-2 (x + f dt - x_t) = f - (x + f dt - x_t)", QC_POINTS,
            "exact at %d random rational points (false pass <= 10^%.0f)", QC_POINTS, sz);
  qc_record(q, "sde.doc.backward.expand", "exact", QC_AS_WRITTEN, expand, "x_{t-1}(1-dt) + x_t dt + f(1-dt)dt", QC_POINTS,
            "exact at %d random rational points (false pass <= 10^%.0f)", QC_POINTS, sz);
  qc_record(q, "sde.doc.backward.drop", "approx", QC_AS_WRITTEN, drop, "dropping f dt^2", QC_POINTS,
            "the last line differs from the exact expansion by exactly +f dt^2 at all %d points: an O(dt^2) error per step, "
            "O(dt) over unit time", QC_POINTS);
  qc_record(q, "sde.doc.backward.collapse", "exact", QC_MUST_HOLD, collapse, "with Var = g^2 dt the update is x_t + g dw", QC_POINTS,
            "x_{t-1} + [f - g^2 (x_{t-1} + f dt - x_t)/(g^2 dt)] dt = x_t exactly at %d random rational points (false pass <= 10^%.0f)",
            QC_POINTS, sz);
  qc_record(q, "sde.doc.code.backward", "exact", QC_AS_WRITTEN, code, "demo logProbBackward mean = the document's expansion", QC_POINTS,
            "trans_mean_forward - trans_var * score_approx * dt = x_{t-1}(1-dt) + x_t dt + f(1-dt)dt exactly at %d random "
            "rational (x, x', mu, tau, sigma^2, dt) (false pass <= 10^%.0f)", QC_POINTS, sz);
  qs_clear(&a); qs_clear(&b);
}

/* The single-sample score. One EM step x_t = A x~ + B + c z, A = 1 - theta dt,
 * B = theta mu dt, c^2 = g^2 dt, from p_{t-1} = N(m, v):
 *   p_t = N(A m + B, A^2 v + c^2) (Chapman-Kolmogorov),
 *   s^(x~, x_t) = (A x~ + B - x_t)/c^2 (the kernel's gradient, corrected variance).
 * (a) x~ ~ p_{t-1} independent of x_t: E s^ = (A m + B - x_t)/c^2, so
 *     E s^ - s_t = (A m + B - x_t) A^2 v / (c^2 (A^2 v + c^2)).
 * (b) x~ ~ p(x_{t-1} | x_t) (the chain's own predecessor, as in the demo):
 *     E[s^ | x_t] = s_t(x_t), Var[s^ | x_t] = A^2 v / (c^2 (A^2 v + c^2)). */
static void check_single_sample_score(qcheck *q)
{
  qset a, b;
  qs_init(&a); qs_init(&b);
  mpq_t *A = &a.v[0], *B = &a.v[1], *c2 = &a.v[2], *m = &a.v[3], *v = &a.v[4], *x = &a.v[5], *vt = &a.v[6],
        *mt = &a.v[7], *st = &a.v[8], *es = &a.v[9], *bias = &a.v[10], *t = &a.v[11];
  mpq_t *pm = &b.v[0], *pv = &b.v[1], *u = &b.v[2], *theta = &b.v[3], *mu = &b.v[4], *dt = &b.v[5], *g2 = &b.v[6];
  int bias_ok = 1, post_ok = 1;
  for (int i = 0; i < QC_POINTS; i++) {
    qc_random_pos(q, *theta); qc_random(q, *mu); qc_random_pos(q, *dt); qc_random_pos(q, *g2);
    qc_random(q, *m); qc_random_pos(q, *v); qc_random(q, *x);
    mpq_mul(*A, *theta, *dt); mpq_set_ui(*t, 1, 1); mpq_sub(*A, *t, *A);
    mpq_mul(*B, *theta, *mu); mpq_mul(*B, *B, *dt);
    mpq_mul(*c2, *g2, *dt);
    mpq_mul(*mt, *A, *m); mpq_add(*mt, *mt, *B);
    mpq_mul(*vt, *A, *A); mpq_mul(*vt, *vt, *v); mpq_add(*vt, *vt, *c2);
    mpq_sub(*st, *mt, *x); mpq_div(*st, *st, *vt);               /* exact score of p_t */
    /* (a) s^ is affine in x~, so its mean is s^(m) */
    mpq_sub(*es, *mt, *x); mpq_div(*es, *es, *c2);
    mpq_sub(*bias, *es, *st);
    mpq_mul(*t, *A, *A); mpq_mul(*t, *t, *v);                    /* A^2 v */
    mpq_mul(*u, *mt, *t); mpq_sub(*pm, *x, *x);                  /* pm = 0 */
    mpq_sub(*u, *mt, *x); mpq_mul(*u, *u, *t); mpq_div(*u, *u, *c2); mpq_div(*u, *u, *vt);
    bias_ok &= qc_eq(q, *bias, *u);
    /* (b) posterior of x~ given x_t: mean m + A v (x_t - m_t)/v_t, variance v c^2 / v_t */
    mpq_sub(*pm, *x, *mt); mpq_mul(*pm, *pm, *A); mpq_mul(*pm, *pm, *v); mpq_div(*pm, *pm, *vt); mpq_add(*pm, *pm, *m);
    mpq_mul(*es, *A, *pm); mpq_add(*es, *es, *B); mpq_sub(*es, *es, *x); mpq_div(*es, *es, *c2);
    post_ok &= qc_eq(q, *es, *st);
    mpq_mul(*pv, *v, *c2); mpq_div(*pv, *pv, *vt);               /* Var[x~ | x_t] */
    mpq_mul(*u, *A, *A); mpq_mul(*u, *u, *pv); mpq_div(*u, *u, *c2); mpq_div(*u, *u, *c2);   /* Var s^ */
    mpq_div(*t, *t, *c2); mpq_div(*t, *t, *vt);                  /* A^2 v/(c^2 v_t) */
    post_ok &= qc_eq(q, *u, *t);
  }
  qc_record(q, "sde.score.single.bias", "exact", QC_MUST_HOLD, bias_ok, "E s^ - s_t = (m_t - x) A^2 v / (c^2 v_t)", QC_POINTS,
            "independent x~ ~ p_{t-1}: the bias formula holds exactly at %d random rational (theta, mu, dt, g^2, m, v, x) "
            "(false pass <= 10^%.0f)", QC_POINTS, qc_sz_log10(8, QC_POINTS));
  qc_record(q, "sde.doc.score.single", "corrected", QC_MUST_HOLD, post_ok, "corrected: grad log p_t(x_t) = E[grad log p(x_t | x_{t-1}) | x_t]",
            QC_POINTS, "with x_{t-1} drawn from the posterior p(x_{t-1} | x_t) (the chain's own predecessor), the one-sample "
            "score is unbiased for the marginal score, exactly at %d random rational points; its conditional variance "
            "A^2 v/(g^2 dt v_t) ~ 1/(g^2 dt) (see sde.score.single.posterior)", QC_POINTS);
  qc_record(q, "sde.score.single.posterior", "exact", QC_MUST_HOLD, post_ok, "E[s^ | x_t] = s_t, Var = A^2 v/(c^2 v_t)", QC_POINTS,
            "x~ from the posterior p(x_{t-1} | x_t): conditional mean equals the exact score and the conditional variance "
            "formula holds exactly at %d random rational points (false pass <= 10^%.0f)", QC_POINTS, qc_sz_log10(8, QC_POINTS));

  /* as written, at the demo's parameters (tau = sigma = 1: theta = 1, g^2 = 2, mu = 0, dt = 0.01),
   * p_{t-1} = N(1, 1/2), x_t = 0: the single-sample score against the exact score */
  const double th = 1, g2d = 2, dtd = 0.01, md = 1, vd = 0.5, xd = 0, mud = 0;
  double Ad = 1 - th * dtd, Bd = th * mud * dtd, c2d = g2d * dtd, mtd = Ad * md + Bd, vtd = Ad * Ad * vd + c2d;
  double exact = (mtd - xd) / vtd, ind = (mtd - xd) / c2d, lit = (mtd - xd) / g2d;
  /* measured: Monte Carlo of s^ with x~ ~ N(m, v) independent of x_t */
  const int nmc = 200000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < nmc; i++) {
    double xt = md + sqrt(vd) * gsl_ran_gaussian_ziggurat(q->rng, 1.0);
    double sh = (Ad * xt + Bd - xd) / c2d;
    sum += sh; sum2 += sh * sh;
  }
  double mean = sum / nmc, sdv = sqrt((sum2 / nmc - mean * mean) / nmc), z = (mean - ind) / sdv, z0 = (mean - exact) / sdv;
  int as_written = fabs(ind / exact - 1) < 0.1 && fabs(lit / exact - 1) < 0.1;
  qc_record(q, "sde.doc.score.single", "numeric", QC_AS_WRITTEN, as_written, "single-sample score ~ marginal score (as written)", 1,
            "counterexample at 001's demo parameters (theta=1, g^2=2, mu=0, dt=0.01), p_{t-1}=N(1,1/2), x_t=0: exact score %.6f; "
            "E of the single-sample score %.6f with the EM variance g^2 dt (ratio %.3f), %.6f with the document's variance g^2 "
            "(ratio %.4f); relative bias A^2 v/(g^2 dt) = %.2f", exact, ind, ind / exact, lit, lit / exact, Ad * Ad * vd / c2d);
  qc_record(q, "sde.score.single.bias", "statistical", QC_MUST_HOLD, qc_small(q, fabs(z), 5.3) && fabs(z0) > 5.3,
            "measured bias of the single-sample score", (unsigned long)nmc,
            "Monte Carlo, %d independent x~ ~ N(1,1/2), x_t=0, demo parameters: mean s^ = %.5f +- %.5f vs closed form %.5f "
            "(z=%.2f, |z|<5.3, false alarm 1.2e-7; power 0.999 against a shift of 8.39 se = %.2g); vs the exact marginal "
            "score %.5f: z=%.0f (measured bias %.4f, closed form %.4f)",
            nmc, mean, sdv, ind, z, 8.39 * sdv, exact, z0, mean - exact, ind - exact);
  qs_clear(&a); qs_clear(&b);
}

/* Chapman-Kolmogorov for the EM kernel and the single-sample density
 * estimate: int N(x; A y + B, c^2) N(y; m, v) dy = N(x; A m + B, A^2 v + c^2) and
 * E[k^2] = N(x; A m + B, c^2/2 + A^2 v) / (2 sqrt(pi) c), by the trapezoid rule. */
static void check_chapman(qcheck *q)
{
  /* dt = 1/4 keeps the kernel wide enough for a short quadrature */
  mpfr_t A, B, c2, m, v, x, y, ky, py, s1, s2, mt, vt, want, tmp, h;
  mpfr_inits2(ODE_PREC, A, B, c2, m, v, x, y, ky, py, s1, s2, mt, vt, want, tmp, h, (mpfr_ptr)0);
  mpfr_set_d(A, 0.75, MPFR_RNDN); mpfr_set_d(B, 0.0, MPFR_RNDN); mpfr_set_d(c2, 0.5, MPFR_RNDN); /* theta=1, g^2=2, dt=1/4 */
  mpfr_set_d(m, 1.0, MPFR_RNDN); mpfr_set_d(v, 0.5, MPFR_RNDN); mpfr_set_d(x, 0.3, MPFR_RNDN);
  mpfr_set_ui_2exp(h, 1, -5, MPFR_RNDN);
  mpfr_set_zero(s1, 1); mpfr_set_zero(s2, 1);
  for (long j = -640; j <= 640; j++) {
    mpfr_mul_si(y, h, j, MPFR_RNDN);
    mpfr_mul(tmp, A, y, MPFR_RNDN); mpfr_add(tmp, tmp, B, MPFR_RNDN);
    qc_gauss_pdf(ky, x, tmp, c2);
    qc_gauss_pdf(py, y, m, v);
    mpfr_mul(tmp, ky, py, MPFR_RNDN); mpfr_add(s1, s1, tmp, MPFR_RNDN);
    mpfr_mul(tmp, tmp, ky, MPFR_RNDN); mpfr_add(s2, s2, tmp, MPFR_RNDN);
  }
  mpfr_mul(s1, s1, h, MPFR_RNDN); mpfr_mul(s2, s2, h, MPFR_RNDN);
  mpfr_mul(mt, A, m, MPFR_RNDN); mpfr_add(mt, mt, B, MPFR_RNDN);
  mpfr_sqr(vt, A, MPFR_RNDN); mpfr_mul(vt, vt, v, MPFR_RNDN); mpfr_add(vt, vt, c2, MPFR_RNDN);
  qc_gauss_pdf(want, x, mt, vt);
  mpfr_sub(tmp, s1, want, MPFR_RNDN); mpfr_div(tmp, tmp, want, MPFR_RNDN);
  double e1 = fabs(mpfr_get_d(tmp, MPFR_RNDN)), p = mpfr_get_d(want, MPFR_RNDN);
  qc_record(q, "sde.doc.score.integral", "numeric", QC_AS_WRITTEN, qc_small(q, e1, 1e-40), "p_t = int p(x_t | x_{t-1}) p_{t-1} dx_{t-1}", 1281,
            "EM kernel N(x; 0.75 y, 1/2) (theta=1, g^2=2, dt=1/4), p_{t-1} = N(1, 1/2), x = 0.3: trapezoid h=1/32 on [-20,20] at %d "
            "bits vs the closed form N(x; A m + B, A^2 v + c^2): relative error %.3e", ODE_PREC, e1);
  /* second moment of the one-sample estimate */
  mpfr_sqr(vt, A, MPFR_RNDN); mpfr_mul(vt, vt, v, MPFR_RNDN); mpfr_div_2ui(tmp, c2, 1, MPFR_RNDN); mpfr_add(vt, vt, tmp, MPFR_RNDN);
  qc_gauss_pdf(want, x, mt, vt);
  mpfr_const_pi(tmp, MPFR_RNDN); mpfr_mul(tmp, tmp, c2, MPFR_RNDN); mpfr_sqrt(tmp, tmp, MPFR_RNDN); mpfr_mul_2ui(tmp, tmp, 1, MPFR_RNDN);
  mpfr_div(want, want, tmp, MPFR_RNDN);
  mpfr_sub(tmp, s2, want, MPFR_RNDN); mpfr_div(tmp, tmp, want, MPFR_RNDN);
  double e2 = fabs(mpfr_get_d(tmp, MPFR_RNDN)), relsd = sqrt(mpfr_get_d(want, MPFR_RNDN) / (p * p) - 1);
  /* the same relative sd at the demo's dt = 0.01 (c^2 = 0.02, A = 0.99) from the closed forms in double */
  double Ad = 0.99, c2d = 0.02, vtd = Ad * Ad * 0.5 + c2d, v2d = Ad * Ad * 0.5 + c2d / 2, md = Ad - 0.3;
  double pd = exp(-md * md / (2 * vtd)) / sqrt(2 * 3.14159265358979323846 * vtd);
  double k2 = exp(-md * md / (2 * v2d)) / sqrt(2 * 3.14159265358979323846 * v2d) / (2 * sqrt(3.14159265358979323846 * c2d));
  double relsd_demo = sqrt(k2 / (pd * pd) - 1);
  qc_record(q, "sde.doc.score.mc", "approx", QC_AS_WRITTEN, qc_small(q, e1, 1e-40) && qc_small(q, e2, 1e-40), "one-sample density estimate: unbiased, relative sd",
            1281, "E[p(x_t | x~)] = p_t(x_t) (relative error %.1e by quadrature) and E[p(x_t | x~)^2] = N(x; A m + B, c^2/2 + A^2 v)/(2 sqrt(pi) c) "
            "(relative error %.1e): with N samples the relative sd is r/sqrt(N), r = %.3f at dt=1/4 and %.3f at the demo's dt=0.01 "
            "(r grows like (A^2 v/c^2)^(1/4))", e1, e2, relsd, relsd_demo);
  mpfr_clears(A, B, c2, m, v, x, y, ky, py, s1, s2, mt, vt, want, tmp, h, (mpfr_ptr)0);
}

/* The bias factor of the single-sample score with an independent x~ ~ p_{t-1}
 * = N(m, v) at 001's demo (theta = 1, g^2 = 2, dt = 1/100: A = 99/100,
 * c^2 = 1/50): E s^ / s_t = v_t / c^2 = 1 + A^2 v / c^2. It depends on v.
 * (a) exactly: 10201/400 = 25.5025 at v = 1/2 (the p_{t-1} = N(1, 1/2) of the
 *     counterexample above), 10000/199 = 50.25 at the chain's stationary
 *     v_inf = c^2/(1 - A^2) = 200/199;
 * (b) in MPFR, without the closed forms: E s^ and the exact score
 *     d/dx log int N(x; A y + B, c^2) N(y; m, v) dy by trapezoid quadrature in y,
 *     their ratio at both v, and the variance recursion v_{k+1} = A^2 v_k + c^2
 *     from the demo's x_0 = 0 (v_0 = 0): the step at which v passes 1/2, and
 *     v after the demo's 1000 steps (tLen = 10).
 * Negative control: "about 25.5" at the stationary v is rejected (> 1% off). */
/* The quadrature's nodes: y_j = m + j h, m = 1, h = 2^-9, |j| <= QN
 * (y in m + [-12, 12]). */
#define QN (12 * 512)
/* The density N(y_j; m, v) of p_{t-1} at the nodes, v = v_num/v_den, for
 * j = 0..QN: it is even in j (y_j - m = j h exactly), so entry |j| serves
 * node j, and one grid serves every quadrature with that v. */
static mpfr_t *py_grid(unsigned long v_num, unsigned long v_den)
{
  mpfr_t *g = malloc((QN + 1) * sizeof *g);
  if (!g) { fprintf(stderr, PROGRAM ": out of memory\n"); exit(2); }
  mpfr_t m, v, h, y, nv;
  mpfr_inits2(ODE_PREC, m, v, h, y, nv, (mpfr_ptr)0);
  mpfr_set_ui(m, 1, MPFR_RNDN);
  mpfr_set_ui(v, v_num, MPFR_RNDN); mpfr_div_ui(v, v, v_den, MPFR_RNDN);
  mpfr_set_ui_2exp(h, 1, -9, MPFR_RNDN);
  qc_gauss_norm(nv, v);
  for (long j = 0; j <= QN; j++) {
    mpfr_init2(g[j], ODE_PREC);
    mpfr_mul_si(y, h, j, MPFR_RNDN); mpfr_add(y, y, m, MPFR_RNDN);
    qc_gauss_pdf_n(g[j], y, m, v, nv);
  }
  mpfr_clears(m, v, h, y, nv, (mpfr_ptr)0);
  return g;
}
static void py_grid_free(mpfr_t *g)
{
  for (long j = 0; j <= QN; j++) mpfr_clear(g[j]);
  free(g);
}

/* The factor at dt = 1/dt_den (theta = 1, g^2 = 2: A = 1 - dt, c^2 = 2 dt)
 * and v of pyg = py_grid(v); the demo is dt_den = 100. */
static void factor_by_quadrature(mpfr_t out, unsigned long dt_den, mpfr_t *pyg)
{
  mpfr_t A, c2, m, x, y, h, ky, dk, s0, s1, es, tmp, nc;
  mpfr_inits2(ODE_PREC, A, c2, m, x, y, h, ky, dk, s0, s1, es, tmp, nc, (mpfr_ptr)0);
  mpfr_set_ui(A, dt_den - 1, MPFR_RNDN); mpfr_div_ui(A, A, dt_den, MPFR_RNDN);
  mpfr_set_ui(c2, 2, MPFR_RNDN); mpfr_div_ui(c2, c2, dt_den, MPFR_RNDN);
  mpfr_set_ui(m, 1, MPFR_RNDN); mpfr_set_ui(x, 0, MPFR_RNDN);
  mpfr_set_ui_2exp(h, 1, -9, MPFR_RNDN);
  mpfr_set_zero(s0, 1); mpfr_set_zero(s1, 1); mpfr_set_zero(es, 1);
  qc_gauss_norm(nc, c2);
  for (long j = -QN; j <= QN; j++) {
    mpfr_mul_si(y, h, j, MPFR_RNDN); mpfr_add(y, y, m, MPFR_RNDN);
    mpfr_mul(tmp, A, y, MPFR_RNDN);                      /* kernel mean A y + B, B = 0 (mu = 0) */
    qc_gauss_pdf_n(ky, x, tmp, c2, nc);
    mpfr_srcptr py = pyg[j < 0 ? -j : j];                /* N(y; m, v) */
    mpfr_sub(dk, tmp, x, MPFR_RNDN); mpfr_div(dk, dk, c2, MPFR_RNDN);   /* d/dx log N(x; A y, c^2) */
    mpfr_mul(tmp, ky, py, MPFR_RNDN);
    mpfr_add(s0, s0, tmp, MPFR_RNDN);                    /* p_t(x) */
    mpfr_mul(tmp, tmp, dk, MPFR_RNDN); mpfr_add(s1, s1, tmp, MPFR_RNDN);  /* p_t'(x) */
    mpfr_mul(tmp, py, dk, MPFR_RNDN); mpfr_add(es, es, tmp, MPFR_RNDN);   /* E s^ over p_{t-1} */
  }
  mpfr_mul(es, es, h, MPFR_RNDN);
  mpfr_div(s1, s1, s0, MPFR_RNDN);                       /* exact score (h cancels) */
  mpfr_div(out, es, s1, MPFR_RNDN);
  mpfr_clears(A, c2, m, x, y, h, ky, dk, s0, s1, es, tmp, nc, (mpfr_ptr)0);
}

static void check_demo_bias_factor(qcheck *q)
{
  mpq_t A2, c2, v, f, t;
  mpq_inits(A2, c2, v, f, t, NULL);
  mpq_set_ui(A2, 9801, 10000); mpq_set_ui(c2, 1, 50);
  mpq_set_ui(v, 1, 2);
  mpq_mul(f, A2, v); mpq_div(f, f, c2); mpq_set_ui(t, 1, 1); mpq_add(f, f, t);
  mpq_set_ui(t, 10201, 400);
  int ex_half = qc_eq(q, f, t);
  mpq_set_ui(t, 1, 1); mpq_sub(t, t, A2); mpq_div(v, c2, t);                    /* v_inf */
  mpq_set_ui(t, 200, 199);
  int ex_vinf = qc_eq(q, v, t);
  mpq_mul(f, A2, v); mpq_div(f, f, c2); mpq_set_ui(t, 1, 1); mpq_add(f, f, t);
  mpq_set_ui(t, 10000, 199);
  ex_vinf &= qc_eq(q, f, t);
  double f_inf_exact = mpq_get_d(f);
  mpfr_t r1, r2, vk, a2, cc, tmp;
  mpfr_inits2(ODE_PREC, r1, r2, vk, a2, cc, tmp, (mpfr_ptr)0);
  mpfr_t *half = py_grid(1, 2), *stat = py_grid(200, 199);
  factor_by_quadrature(r1, 100, half);
  factor_by_quadrature(r2, 100, stat);
  py_grid_free(half); py_grid_free(stat);
  double q_half = mpfr_get_d(r1, MPFR_RNDN), q_inf = mpfr_get_d(r2, MPFR_RNDN);
  int num_ok = qc_small(q, fabs(q_half - 10201.0 / 400), 1e-12) && qc_small(q, fabs(q_inf - 10000.0 / 199), 1e-12);
  /* the variance recursion from v_0 = 0 */
  mpfr_set_ui(a2, 9801, MPFR_RNDN); mpfr_div_ui(a2, a2, 10000, MPFR_RNDN);
  mpfr_set_ui(cc, 1, MPFR_RNDN); mpfr_div_ui(cc, cc, 50, MPFR_RNDN);
  mpfr_set_zero(vk, 1);
  int k_half = -1;
  for (int k = 1; k <= 1000; k++) {
    mpfr_mul(vk, vk, a2, MPFR_RNDN); mpfr_add(vk, vk, cc, MPFR_RNDN);
    if (k_half < 0 && mpfr_cmp_d(vk, 0.5) >= 0) k_half = k;
  }
  mpfr_set_ui(tmp, 200, MPFR_RNDN); mpfr_div_ui(tmp, tmp, 199, MPFR_RNDN);
  mpfr_sub(tmp, tmp, vk, MPFR_RNDN);
  double v1000 = mpfr_get_d(vk, MPFR_RNDN), gap = mpfr_get_d(tmp, MPFR_RNDN);
  /* closed form: v_k = v_inf (1 - A^2k) >= 1/2 iff A^2k <= 201/400 */
  num_ok &= k_half == (int)ceil(log(201.0 / 400) / log(0.9801)) && gap > 0 && gap < 1e-8;
  int control = fabs(q_inf / 25.5 - 1) > 0.01;   /* the check's 1e-12 would reject it; it is more than 1% off */
  qc_record(q, "sde.doc.score.single", "numeric", QC_MUST_HOLD, ex_half && ex_vinf && num_ok,
            "bias factor 1 + A^2 v/(g^2 dt) at the demo: 25.5 at v = 1/2, 50.25 at the stationary v = 200/199", 2,
            "the factor depends on v = Var p_{t-1}. Exact: 10201/400 = 25.5025 at v = 1/2 (p_{t-1} = N(1,1/2) of the "
            "counterexample), 10000/199 = %.4f at v_inf = g^2 dt/(1-A^2) = 200/199. MPFR (%d bits), trapezoid h = 2^-9 "
            "of E s^ and d/dx log p_t, no closed form: ratios %.10f and %.10f. The demo starts at x = 0 (v = 0); the "
            "recursion v <- A^2 v + g^2 dt passes 1/2 at step %d (t = %.2f) and reaches v = %.9f (v_inf - %.1e) after "
            "its 1000 steps: for most of the demo the factor is about 50, not 25.5", f_inf_exact, ODE_PREC, q_half, q_inf,
            k_half, k_half * 0.01, v1000, gap);
  qc_record(q, "sde.doc.score.single", "control", QC_MUST_HOLD, control,
            "bias factor 1 + A^2 v/(g^2 dt) at the demo: 25.5 at v = 1/2, 50.25 at the stationary v = 200/199", 1,
            "the same check of the perturbed statement \"about 25.5 at the stationary v\": the quadrature factor at "
            "v = 200/199 is %.4f, %.0f%% away from 25.5", q_inf, 100 * fabs(q_inf / 25.5 - 1));
  mpfr_clears(r1, r2, vk, a2, cc, tmp, (mpfr_ptr)0);
  mpq_clears(A2, c2, v, f, t, NULL);
}

/* The figure (fig/sde_score_bias.csv): the bias E s^/s_t - 1 of the
 * single-sample score with an independent x~ against dt (theta = 1, g^2 = 2,
 * x_t = 0, p_{t-1} = N(1, v)), at v = 1/2 and at the chain's stationary
 * v = 2/(2 - dt): the closed form A^2 v/(g^2 dt) beside the MPFR quadrature
 * of factor_by_quadrature (no closed form); and the relative standard
 * deviation sqrt(A^2 v/(c^2 v_t))/|s_t| of the unbiased posterior draw. */
static void write_bias_figure(void)
{
  FILE *f = evidence_data_file("fig", "sde_score_bias.csv");
  if (!f) return;
  mpfr_t r;
  mpfr_init2(r, ODE_PREC);
  fprintf(f, "dt,bias_half,quad_half,bias_stat,quad_stat,relsd_post\n");
  mpfr_t *half = py_grid(1, 2);
  for (unsigned long n = 2; n <= 1024; n *= 2) {
    double dt = 1.0 / (double)n, A = 1 - dt, c2 = 2 * dt, vs = 2 / (2 - dt), vt = A * A * 0.5 + c2;
    factor_by_quadrature(r, n, half);
    double qh = mpfr_get_d(r, MPFR_RNDN) - 1;
    mpfr_t *stat = py_grid(2 * n, 2 * n - 1);
    factor_by_quadrature(r, n, stat);
    py_grid_free(stat);
    double qs = mpfr_get_d(r, MPFR_RNDN) - 1;
    double st = A / vt;   /* |s_t| at x_t = 0, m = 1, v = 1/2 */
    fprintf(f, "%.9g,%.9g,%.9g,%.9g,%.9g,%.9g\n", dt, A * A * 0.5 / c2, qh, A * A * vs / c2, qs,
            sqrt(A * A * 0.5 / (c2 * vt)) / st);
  }
  py_grid_free(half);
  mpfr_clear(r);
  fclose(f);
}

int main(void)
{
  qcheck q;
  qc_init(&q, PROGRAM);
  QC_WITH_CONTROLS(&q) {
    check_fokker_planck(&q);
    check_moment_odes(&q);
    check_score_identities(&q);
    check_kernel_variance(&q);
    check_langevin_f(&q);
    check_backward_algebra(&q);
    check_single_sample_score(&q);
    check_chapman(&q);
    check_demo_bias_factor(&q);
  }
  write_bias_figure();
  return qc_finish(&q);
}
