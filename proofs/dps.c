/* dps.c -- proof checks of D3, the posterior score and the DPS approximation
 * (claims dps.*). Independent of src/ and reference/dps.c.
 *
 * Model: x_0 ~ N(m, S) in R^n, x_t = mu x_0 + sigma eps, y = A x_0 + N(0, R)
 * in R^k. Every quantity is rational in (x_t, y, mu, sigma^2, m, S, A, R), so
 * the identities are checked exactly with GMP rationals at random points
 * (Schwartz-Zippel, see qcheck.h), in dimensions n, k = 1..3, each quantity
 * computed by two different routes:
 *   - the posterior of x_0 in Bayes' precision form P = S^{-1} + (mu^2/sigma^2) I;
 *   - conditioning of the joint Gaussian of (x_t, y), or V = mu^2 S + sigma^2 I;
 *   - gradients and Jacobians as symmetric difference quotients, which are
 *     exact for quadratic (resp. linear) functions at any step h.
 * The likelihood integral is checked in MPFR at 256 bits by trapezoidal
 * quadrature (spectrally accurate for these Gaussian integrands). */
#include "qcheck.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROGRAM "proof_dps"
#define MD 3                 /* largest dimension checked */
#define NPTS 8               /* random points per (n, k) pair: 9 pairs, 72 points */
#define SZ_DEGREE 1000       /* assumed bound on the degree of every identity after clearing denominators
                                (a few hundred at most for n, k <= 3: nested 3x3 inverses of degree-2 entries) */

/* ---- small rational matrices ---------------------------------------------- */

typedef struct { int r, c; mpq_t e[MD * MD]; } qm;

static void qm_init(qm *a, int r, int c) { a->r = r; a->c = c; for (int i = 0; i < MD * MD; i++) mpq_init(a->e[i]); }
static void qm_clear(qm *a) { for (int i = 0; i < MD * MD; i++) mpq_clear(a->e[i]); }
#define E(a, i, j) ((a)->e[(i) * (a)->c + (j)])

static void qm_set(qm *d, const qm *a) { d->r = a->r; d->c = a->c; for (int i = 0; i < a->r * a->c; i++) mpq_set(d->e[i], a->e[i]); }
static void qm_eye(qm *d, int n) { d->r = d->c = n; for (int i = 0; i < n * n; i++) mpq_set_ui(d->e[i], i % (n + 1) == 0, 1); }
static void qm_zero(qm *d, int r, int c) { d->r = r; d->c = c; for (int i = 0; i < r * c; i++) mpq_set_ui(d->e[i], 0, 1); }
static void qm_mul(qm *d, const qm *a, const qm *b)
{
  qm t;
  qm_init(&t, a->r, b->c);
  mpq_t p;
  mpq_init(p);
  for (int i = 0; i < a->r; i++)
    for (int j = 0; j < b->c; j++)
      for (int k = 0; k < a->c; k++) { mpq_mul(p, E(a, i, k), E(b, k, j)); mpq_add(E(&t, i, j), E(&t, i, j), p); }
  qm_set(d, &t);
  mpq_clear(p);
  qm_clear(&t);
}
static void qm_lin(qm *d, const qm *a, const mpq_t s, const qm *b) /* d = a + s b */
{
  mpq_t p;
  mpq_init(p);
  d->r = a->r; d->c = a->c;
  for (int i = 0; i < a->r * a->c; i++) { mpq_mul(p, s, b->e[i]); mpq_add(d->e[i], a->e[i], p); }
  mpq_clear(p);
}
static void qm_scale(qm *d, const qm *a, const mpq_t s) { d->r = a->r; d->c = a->c; for (int i = 0; i < a->r * a->c; i++) mpq_mul(d->e[i], a->e[i], s); }
static void qm_tr(qm *d, const qm *a)
{
  qm t;
  qm_init(&t, a->c, a->r);
  for (int i = 0; i < a->r; i++) for (int j = 0; j < a->c; j++) mpq_set(E(&t, j, i), E(a, i, j));
  qm_set(d, &t);
  qm_clear(&t);
}
static int qm_inv(qm *d, const qm *a) { d->r = d->c = a->r; return qc_inverse(a->r, a->e, d->e); }
static int qm_eq(const qm *a, const qm *b)
{
  if (a->r != b->r || a->c != b->c) return 0;
  for (int i = 0; i < a->r * a->c; i++) if (!mpq_equal(a->e[i], b->e[i])) return 0;
  return 1;
}
static int qm_is_zero(const qm *a) { for (int i = 0; i < a->r * a->c; i++) if (mpq_sgn(a->e[i])) return 0; return 1; }
/* an SPD matrix B^T B + diag(positive) */
static void qm_spd(qcheck *q, qm *d, int n)
{
  qm b;
  qm_init(&b, n, n);
  for (int i = 0; i < n * n; i++) qc_random(q, b.e[i]);
  qm_tr(d, &b);
  qm_mul(d, d, &b);
  mpq_t t;
  mpq_init(t);
  for (int i = 0; i < n; i++) { qc_random_pos(q, t); mpq_add(E(d, i, i), E(d, i, i), t); }
  mpq_clear(t);
  qm_clear(&b);
}

/* ---- one random linear-Gaussian problem ----------------------------------- */

typedef struct {
  int n, k;
  qm x, y, m, S, A, R, Si, V, Vi, P, Cb, J, G, Gi, Ri, I;
  mpq_t mu, q;            /* mu, sigma^2 */
} prob;

static void prob_init(prob *p, int n, int k)
{
  p->n = n; p->k = k;
  qm *all[] = { &p->x, &p->y, &p->m, &p->S, &p->A, &p->R, &p->Si, &p->V, &p->Vi, &p->P, &p->Cb, &p->J, &p->G, &p->Gi, &p->Ri, &p->I };
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) qm_init(all[i], 1, 1);
  mpq_inits(p->mu, p->q, NULL);
}
static void prob_clear(prob *p)
{
  qm *all[] = { &p->x, &p->y, &p->m, &p->S, &p->A, &p->R, &p->Si, &p->V, &p->Vi, &p->P, &p->Cb, &p->J, &p->G, &p->Gi, &p->Ri, &p->I };
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) qm_clear(all[i]);
  mpq_clears(p->mu, p->q, NULL);
}

/* Bayes' posterior mean of x_0 given x_t = x: Cb (S^{-1} m + (mu/sigma^2) x). */
static void bayes_mean(const prob *p, const qm *x, qm *out)
{
  qm t, u;
  qm_init(&t, 1, 1); qm_init(&u, 1, 1);
  mpq_t c;
  mpq_init(c);
  mpq_div(c, p->mu, p->q);
  qm_mul(&t, &p->Si, &p->m);
  qm_lin(&u, &t, c, x);
  qm_mul(out, &p->Cb, &u);
  mpq_clear(c);
  qm_clear(&t); qm_clear(&u);
}

/* Draws a problem (sigma^2 > 0) and computes S^{-1}, V, V^{-1}, P, Cb = P^{-1},
 * J = mu S V^{-1} (V-form), Gamma = R + A Cb A^T and inverses. */
static int prob_draw(qcheck *q, prob *p)
{
  int n = p->n, k = p->k, ok = 1;
  qm_zero(&p->x, n, 1); qm_zero(&p->m, n, 1); qm_zero(&p->y, k, 1); qm_zero(&p->A, k, n);
  for (int i = 0; i < n; i++) { qc_random(q, p->x.e[i]); qc_random(q, p->m.e[i]); }
  for (int i = 0; i < k; i++) qc_random(q, p->y.e[i]);
  for (int i = 0; i < k * n; i++) qc_random(q, p->A.e[i]);
  qm_spd(q, &p->S, n);
  qm_spd(q, &p->R, k);
  do qc_random(q, p->mu); while (mpq_sgn(p->mu) == 0);
  qc_random_pos(q, p->q);
  qm_eye(&p->I, n);
  mpq_t t;
  mpq_init(t);
  mpq_mul(t, p->mu, p->mu);
  qm_scale(&p->V, &p->S, t);
  qm_lin(&p->V, &p->V, p->q, &p->I);
  ok &= qm_inv(&p->Si, &p->S) && qm_inv(&p->Vi, &p->V) && qm_inv(&p->Ri, &p->R);
  mpq_div(t, t, p->q);
  qm_lin(&p->P, &p->Si, t, &p->I);
  ok &= qm_inv(&p->Cb, &p->P);
  qm_mul(&p->J, &p->S, &p->Vi);
  qm_scale(&p->J, &p->J, p->mu);
  qm tmp;
  qm_init(&tmp, 1, 1);
  qm_mul(&tmp, &p->A, &p->Cb);
  qm_tr(&p->G, &p->A);
  qm_mul(&p->G, &tmp, &p->G);
  mpq_set_ui(t, 1, 1);
  qm_lin(&p->G, &p->R, t, &p->G);
  ok &= qm_inv(&p->Gi, &p->G);
  qm_clear(&tmp);
  mpq_clear(t);
  return ok;
}

/* Closed form J^T A^T M (y - A xhat) with xhat Bayes' mean at p->x. */
static void closed_score(const prob *p, const qm *M, const qm *Jm, qm *out)
{
  qm xh, r, t;
  qm_init(&xh, 1, 1); qm_init(&r, 1, 1); qm_init(&t, 1, 1);
  mpq_t mone;
  mpq_init(mone);
  mpq_set_si(mone, -1, 1);
  bayes_mean(p, &p->x, &xh);
  qm_mul(&t, &p->A, &xh);
  qm_lin(&r, &p->y, mone, &t);
  qm_mul(&r, M, &r);
  qm_tr(&t, &p->A);
  qm_mul(&r, &t, &r);
  qm_tr(&t, Jm);
  qm_mul(out, &t, &r);
  mpq_clear(mone);
  qm_clear(&xh); qm_clear(&r); qm_clear(&t);
}

/* Q(x) = r^T M r with r = y - A xhat(x); then -dQ/2 by symmetric differences:
 * the gradient of -Q/2, i.e. of log N(y; A xhat(x), M^{-1}) (exact: Q is quadratic). */
static void quad_form(const prob *p, const qm *M, const qm *x, mpq_t out)
{
  qm xh, r, t;
  qm_init(&xh, 1, 1); qm_init(&r, 1, 1); qm_init(&t, 1, 1);
  mpq_t mone;
  mpq_init(mone);
  mpq_set_si(mone, -1, 1);
  bayes_mean(p, x, &xh);
  qm_mul(&t, &p->A, &xh);
  qm_lin(&r, &p->y, mone, &t);
  qm_mul(&t, M, &r);
  qm_tr(&r, &r);
  qm_mul(&t, &r, &t);
  mpq_set(out, t.e[0]);
  mpq_clear(mone);
  qm_clear(&xh); qm_clear(&r); qm_clear(&t);
}
static void fd_score(qcheck *q, const prob *p, const qm *M, qm *out)
{
  qm xp, xm;
  qm_init(&xp, 1, 1); qm_init(&xm, 1, 1);
  mpq_t h, fp, fm;
  mpq_inits(h, fp, fm, NULL);
  qc_random_pos(q, h);                         /* any step: exact for a quadratic */
  qm_zero(out, p->n, 1);
  for (int i = 0; i < p->n; i++) {
    qm_set(&xp, &p->x); qm_set(&xm, &p->x);
    mpq_add(xp.e[i], xp.e[i], h); mpq_sub(xm.e[i], xm.e[i], h);
    quad_form(p, M, &xp, fp); quad_form(p, M, &xm, fm);
    mpq_sub(fp, fm, fp);
    mpq_div(fp, fp, h);
    mpq_set_ui(fm, 4, 1);
    mpq_div(out->e[i], fp, fm);               /* -(Q(x+h) - Q(x-h))/(4h) */
  }
  mpq_clears(h, fp, fm, NULL);
  qm_clear(&xp); qm_clear(&xm);
}

/* ---- the exact checks ------------------------------------------------------- */

typedef struct {
  int closed, closed_ctl, decomp, decomp_ctl_sign, decomp_ctl_prior, score_exact, score_exact_ctl, score_dps,
      ctl_nojac, ctl_inv_mu, jac_fd, jac_tweedie, cov_jac, ctl_jac_sigma, ctl_cov_mu2, as_written_differs,
      err_closed, err_ctl, diff_nonzero, cov_sigma2, ratio, ratio_ctl, bound, t_end, prec_form, prec_ctl;
  long points, scalar_points;
  char cx_written[1024];
} tally;

static void check_point(qcheck *q, prob *p, tally *T)
{
  int n = p->n, k = p->k;
  qm a, b, c, d, e, Le, Ld;
  qm *all[] = { &a, &b, &c, &d, &e, &Le, &Ld };
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) qm_init(all[i], 1, 1);
  mpq_t one, mone, t, u;
  mpq_inits(one, mone, t, u, NULL);
  mpq_set_ui(one, 1, 1);
  mpq_set_si(mone, -1, 1);
  T->points++;

  closed_score(p, &p->Gi, &p->J, &Le);
  closed_score(p, &p->Ri, &p->J, &Ld);

  /* dps.exact.closed: conditioning the joint Gaussian of (x_t, y):
   * E[y|x_t] = A m + mu A S V^{-1}(x_t - mu m), Cov = A S A^T + R - mu^2 A S V^{-1} S A^T */
  mpq_neg(t, p->mu);
  qm_lin(&a, &p->x, t, &p->m);
  qm_mul(&a, &p->Vi, &a);
  qm_mul(&a, &p->S, &a);
  qm_mul(&a, &p->A, &a);
  qm_mul(&b, &p->A, &p->m);
  qm_lin(&a, &b, p->mu, &a);                          /* mean_j */
  bayes_mean(p, &p->x, &b);
  qm_mul(&b, &p->A, &b);                              /* A xhat (Bayes) */
  int mean_ok = qm_eq(&a, &b);
  qm_tr(&c, &p->A);
  qm_mul(&d, &p->S, &c);                              /* S A^T */
  qm_mul(&e, &p->A, &d);                              /* A S A^T */
  qm_lin(&e, &e, one, &p->R);
  qm_mul(&a, &p->Vi, &d);
  qm_mul(&a, &p->S, &a);
  qm_mul(&a, &p->A, &a);                              /* A S V^{-1} S A^T */
  mpq_mul(t, p->mu, p->mu);
  mpq_neg(t, t);
  qm_lin(&e, &e, t, &a);                              /* cov_j */
  T->closed &= mean_ok && qm_eq(&e, &p->G);
  T->closed_ctl &= !qm_eq(&e, &p->R);                 /* control: DPS's covariance R */

  /* dps.decomp: score of x_t | y by conditioning the joint the other way:
   * Y = A S A^T + R, mean = mu m + mu S A^T Y^{-1}(y - A m), W = V - mu^2 S A^T Y^{-1} A S */
  qm Y, Yi, W, Wi, post, prior;
  qm *more[] = { &Y, &Yi, &W, &Wi, &post, &prior };
  for (size_t i = 0; i < sizeof more / sizeof *more; i++) qm_init(more[i], 1, 1);
  qm_tr(&c, &p->A);
  qm_mul(&Y, &p->S, &c);
  qm_mul(&Y, &p->A, &Y);
  qm_lin(&Y, &Y, one, &p->R);
  int inv_ok = qm_inv(&Yi, &Y);
  qm_mul(&a, &p->A, &p->m);
  qm_lin(&a, &p->y, mone, &a);                        /* y - A m */
  qm_mul(&a, &Yi, &a);
  qm_mul(&a, &c, &a);
  qm_mul(&a, &p->S, &a);
  qm_lin(&a, &p->m, one, &a);
  qm_scale(&a, &a, p->mu);                            /* E[x_t | y] */
  qm_mul(&W, &Yi, &p->A);
  qm_mul(&W, &W, &p->S);
  qm_mul(&W, &c, &W);
  qm_mul(&W, &p->S, &W);
  mpq_mul(t, p->mu, p->mu);
  mpq_neg(t, t);
  qm_lin(&W, &p->V, t, &W);
  inv_ok &= qm_inv(&Wi, &W);
  qm_lin(&a, &a, mone, &p->x);
  qm_mul(&post, &Wi, &a);                             /* grad log p(x_t | y) */
  qm_scale(&a, &p->m, p->mu);
  qm_lin(&a, &a, mone, &p->x);
  qm_mul(&prior, &p->Vi, &a);                         /* grad log p(x_t) */
  qm_lin(&a, &prior, one, &Le);
  T->decomp &= inv_ok && qm_eq(&post, &a);
  qm_lin(&a, &prior, mone, &Le);
  T->decomp_ctl_sign &= !qm_eq(&post, &a);
  T->decomp_ctl_prior &= !qm_eq(&post, &prior);
  for (size_t i = 0; i < sizeof more / sizeof *more; i++) qm_clear(more[i]);

  /* dps.score.exact and dps.score.dps: symmetric differences of the two log-likelihoods */
  fd_score(q, p, &p->Gi, &a);
  T->score_exact &= qm_eq(&a, &Le);
  T->score_exact_ctl &= !qm_eq(&a, &Ld);              /* control: the DPS score is not the exact one */
  fd_score(q, p, &p->Ri, &a);
  T->score_dps &= qm_eq(&a, &Ld);
  closed_score(p, &p->Ri, &p->I, &b);                 /* control: no Jacobian (d xhat/dx_t = I) */
  T->ctl_nojac &= !qm_eq(&a, &b);
  mpq_inv(t, p->mu);
  qm_scale(&c, &p->I, t);
  closed_score(p, &p->Ri, &c, &b);                    /* control: score network not differentiated (J = I/mu) */
  T->ctl_inv_mu &= !qm_eq(&a, &b);

  /* dps.jacobian: J by differences of Bayes' mean; Hessian of log p_t by second
   * differences of -(x - mu m)^T V^{-1} (x - mu m)/2; J = (I + sigma^2 H)/mu;
   * Cov[x_0 | x_t] = (sigma^2/mu) J */
  {
    mpq_t h, f[4], two;
    mpq_inits(h, two, NULL);
    for (int i = 0; i < 4; i++) mpq_init(f[i]);
    qc_random_pos(q, h);
    mpq_set_ui(two, 2, 1);
    qm Jfd, H, xp, xm, yp, ym;
    qm *m3[] = { &Jfd, &H, &xp, &xm, &yp, &ym };
    for (size_t i = 0; i < sizeof m3 / sizeof *m3; i++) qm_init(m3[i], 1, 1);
    qm_zero(&Jfd, n, n);
    qm_zero(&H, n, n);
    for (int j = 0; j < n; j++) {
      qm_set(&xp, &p->x); qm_set(&xm, &p->x);
      mpq_add(xp.e[j], xp.e[j], h); mpq_sub(xm.e[j], xm.e[j], h);
      bayes_mean(p, &xp, &yp); bayes_mean(p, &xm, &ym);
      for (int i = 0; i < n; i++) {
        mpq_sub(t, yp.e[i], ym.e[i]); mpq_div(t, t, h); mpq_div(E(&Jfd, i, j), t, two);
      }
    }
    /* log p_t up to a constant: g(x) = -(x - mu m)^T V^{-1} (x - mu m)/2 */
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++) {
        for (int s = 0; s < 4; s++) {
          qm_set(&xp, &p->x);
          mpq_t *xi = &xp.e[i], *xj = &xp.e[j];
          if (s & 1) mpq_sub(*xi, *xi, h); else mpq_add(*xi, *xi, h);
          if (s & 2) mpq_sub(*xj, *xj, h); else mpq_add(*xj, *xj, h);
          mpq_neg(t, p->mu);
          qm_lin(&yp, &xp, t, &p->m);
          qm_mul(&ym, &p->Vi, &yp);
          qm_tr(&yp, &yp);
          qm_mul(&ym, &yp, &ym);
          mpq_div(f[s], ym.e[0], two);
          mpq_neg(f[s], f[s]);
        }
        /* (g(++) - g(-+) - g(+-) + g(--)) / (4 h^2) */
        mpq_sub(t, f[0], f[1]); mpq_sub(t, t, f[2]); mpq_add(t, t, f[3]);
        mpq_mul(u, h, h); mpq_mul_2exp(u, u, 2);
        mpq_div(E(&H, i, j), t, u);
      }
    T->jac_fd &= qm_eq(&Jfd, &p->J);
    qm_lin(&a, &p->I, p->q, &H);
    mpq_inv(t, p->mu);
    qm_scale(&a, &a, t);
    T->jac_tweedie &= qm_eq(&a, &Jfd);
    mpq_div(t, p->q, p->mu);
    qm_scale(&a, &Jfd, t);
    T->cov_jac &= qm_eq(&a, &p->Cb);
    mpq_mul(u, p->mu, p->mu);
    mpq_div(t, p->q, u);
    qm_scale(&a, &Jfd, t);
    T->ctl_cov_mu2 &= !qm_eq(&a, &p->Cb);              /* control: (sigma^2/mu^2) J */
    /* control: sigma for sigma^2 in (I + sigma^2 H)/mu; sigma = sqrt(q) need not be
     * rational, so the perturbed statement uses q^2 (any power but 1 must fail) */
    mpq_mul(u, p->q, p->q);
    qm_lin(&a, &p->I, u, &H);
    mpq_inv(t, p->mu);
    qm_scale(&a, &a, t);
    T->ctl_jac_sigma &= !qm_eq(&a, &Jfd);
    for (size_t i = 0; i < sizeof m3 / sizeof *m3; i++) qm_clear(m3[i]);
    for (int i = 0; i < 4; i++) mpq_clear(f[i]);
    mpq_clears(h, two, NULL);
  }

  /* dps.approx: as an equality N(y; A xhat, R) = p(y | x_t) fails (Gamma != R);
   * the error of the DPS score is J^T A^T Gamma^{-1} (A C A^T) R^{-1} (y - A xhat) */
  if (qm_eq(&p->G, &p->R)) T->as_written_differs = 0;
  else if (!T->cx_written[0] && n == 1 && k == 1) {
    snprintf(T->cx_written, sizeof T->cx_written,
             "n=k=1, a=%.6g, mu=%.6g, sigma^2=%.6g, s^2=%.6g: exact Var[y|x_t] = R + A C A^T = %.9g vs DPS's R = %.9g "
             "(they differ at every point with A != 0)", mpq_get_d(p->A.e[0]), mpq_get_d(p->mu), mpq_get_d(p->q),
             mpq_get_d(p->S.e[0]), mpq_get_d(p->G.e[0]), mpq_get_d(p->R.e[0]));
  }
  qm_tr(&c, &p->A);
  qm_mul(&d, &p->Cb, &c);
  qm_mul(&d, &p->A, &d);                              /* A C A^T */
  qm_mul(&e, &d, &p->Ri);
  qm_mul(&e, &p->Gi, &e);                             /* Gamma^{-1} A C A^T R^{-1} */
  closed_score(p, &e, &p->J, &b);
  qm_lin(&a, &Ld, mone, &Le);                         /* DPS - exact */
  T->err_closed &= qm_eq(&a, &b);
  qm_mul(&e, &d, &p->Gi);
  qm_mul(&e, &p->Gi, &e);                             /* control: Gamma^{-1} A C A^T Gamma^{-1} */
  closed_score(p, &e, &p->J, &b);
  T->err_ctl &= !qm_eq(&a, &b);
  /* dps.exact.when: the difference operator J^T A^T Gamma^{-1} A C A^T R^{-1} is
   * not zero at a generic point (A != 0, sigma > 0); C = sigma^2 S V^{-1} */
  qm_mul(&e, &d, &p->Ri);
  qm_mul(&e, &p->Gi, &e);
  qm_mul(&e, &c, &e);
  qm_tr(&b, &p->J);
  qm_mul(&e, &b, &e);
  T->diff_nonzero &= !qm_is_zero(&e);
  qm_mul(&a, &p->S, &p->Vi);
  qm_scale(&a, &a, p->q);
  T->cov_sigma2 &= qm_eq(&a, &p->Cb);

  /* precision form: exact = mu (sigma^2 S^-1 + mu^2 I + sigma^2 A^T R^-1 A)^-1 A^T R^-1 (y - A xhat),
   * DPS = mu (sigma^2 S^-1 + mu^2 I)^-1 A^T R^-1 (y - A xhat): DPS drops sigma^2 A^T R^-1 A */
  {
    qm K, Ki, g;
    qm_init(&K, 1, 1); qm_init(&Ki, 1, 1); qm_init(&g, 1, 1);
    mpq_mul(t, p->mu, p->mu);
    qm_scale(&K, &p->Si, p->q);
    qm_lin(&K, &K, t, &p->I);                         /* sigma^2 S^-1 + mu^2 I */
    qm_tr(&c, &p->A);
    qm_mul(&d, &p->Ri, &p->A);
    qm_mul(&d, &c, &d);                               /* A^T R^-1 A */
    bayes_mean(p, &p->x, &a);
    qm_mul(&a, &p->A, &a);
    qm_lin(&a, &p->y, mone, &a);
    qm_mul(&a, &p->Ri, &a);
    qm_mul(&g, &c, &a);                               /* A^T R^-1 (y - A xhat) */
    int ok = qm_inv(&Ki, &K);
    qm_mul(&b, &Ki, &g);
    qm_scale(&b, &b, p->mu);
    ok &= qm_eq(&b, &Ld);
    qm_lin(&e, &K, p->q, &d);
    ok &= qm_inv(&Ki, &e);
    qm_mul(&b, &Ki, &g);
    qm_scale(&b, &b, p->mu);
    ok &= qm_eq(&b, &Le);
    T->prec_form &= ok;
    qm_scale(&e, &p->Si, p->q);                       /* control: without the mu^2 I term */
    qm_lin(&e, &e, p->q, &d);
    if (qm_inv(&Ki, &e)) {
      qm_mul(&b, &Ki, &g);
      qm_scale(&b, &b, p->mu);
      T->prec_ctl &= !qm_eq(&b, &Le);
    }
    qm_clear(&K); qm_clear(&Ki); qm_clear(&g);
  }

  /* scalar case: ratio exact/DPS = r v/(r v + a^2 sigma^2 s^2), bound and the t -> T limit */
  if (n == 1 && k == 1) {
    T->scalar_points++;
    mpq_t v, r, s2, a2, num, den;
    mpq_inits(v, r, s2, a2, num, den, NULL);
    mpq_set(s2, p->S.e[0]); mpq_set(r, p->R.e[0]);
    mpq_mul(a2, p->A.e[0], p->A.e[0]);
    mpq_mul(v, p->mu, p->mu); mpq_mul(v, v, s2); mpq_add(v, v, p->q);
    mpq_mul(num, r, v);
    mpq_mul(den, a2, p->q); mpq_mul(den, den, s2); mpq_add(den, den, num);
    mpq_div(t, num, den);
    if (mpq_sgn(Ld.e[0])) {
      mpq_div(u, Le.e[0], Ld.e[0]);
      T->ratio &= mpq_equal(u, t);
      mpq_div(t, den, num);
      T->ratio_ctl &= !mpq_equal(u, t);               /* control: the inverted ratio */
    }
    /* relative DPS error a^2 c / r <= a^2 sigma^2/(r mu^2) */
    mpq_sub(t, den, num); mpq_div(t, t, num);          /* 1/ratio - 1 = a^2 c / r */
    mpq_mul(u, p->mu, p->mu); mpq_mul(u, u, r); mpq_mul(num, a2, p->q); mpq_div(u, num, u);
    T->bound &= mpq_cmp(t, u) <= 0 && mpq_sgn(t) >= 0;
    /* t -> T (mu -> 0): v -> sigma^2, ratio -> r/(r + a^2 s^2) */
    mpq_mul(num, r, p->q);
    mpq_mul(den, a2, p->q); mpq_mul(den, den, s2); mpq_add(den, den, num);
    mpq_div(t, num, den);
    mpq_mul(den, a2, s2); mpq_add(den, den, r); mpq_div(u, r, den);
    T->t_end &= mpq_equal(t, u);
    mpq_clears(v, r, s2, a2, num, den, NULL);
  }

  mpq_clears(one, mone, t, u, NULL);
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) qm_clear(all[i]);
}

static void check_exact(qcheck *q)
{
  tally T;
  memset(&T, 0, sizeof T);
  int *flags = &T.closed;
  for (int i = 0; i < (int)(offsetof(tally, points) / sizeof(int)); i++) flags[i] = 1;
  int drawn_ok = 1;
  for (int n = 1; n <= MD; n++)
    for (int k = 1; k <= MD; k++)
      for (int i = 0; i < NPTS; i++) {
        prob p;
        prob_init(&p, n, k);
        drawn_ok &= prob_draw(q, &p);
        check_point(q, &p, &T);
        prob_clear(&p);
      }
  unsigned long N = (unsigned long)T.points, NS = (unsigned long)T.scalar_points;
  double sz = qc_sz_log10(SZ_DEGREE, NPTS), szs = qc_sz_log10(SZ_DEGREE, (unsigned)NS);
  const char *dims = "n, k in {1,2,3} (8 random points each; S, R = B^T B + diag(positive))";
  qc_record(q, "dps.exact.closed", "exact", QC_MUST_HOLD, drawn_ok && T.closed, "joint conditioning = N(A xhat, R + A C A^T)", N,
            "%s: E[y|x_t] = A m + mu A S V^-1 (x_t - mu m) equals A xhat with Bayes' xhat = P^-1 (S^-1 m + mu x_t/sigma^2), "
            "and A S A^T + R - mu^2 A S V^-1 S A^T equals R + A P^-1 A^T, exactly; false-pass <= 10^%.0f per (n,k)", dims, sz);
  qc_record(q, "dps.exact.closed", "control", QC_MUST_HOLD, T.closed_ctl, "joint conditioning = N(A xhat, R + A C A^T)", N,
            "control: covariance R (DPS) in place of R + A C A^T: the joint-conditioning covariance differs from R at every point: the perturbed statement is rejected");
  qc_record(q, "dps.decomp", "exact", QC_AS_WRITTEN, T.decomp, "grad log p(x_t|y) = grad log p(x_t) + grad log p(y|x_t)", N,
            "%s: the score of x_t | y ~ N(mu m + mu S A^T Y^-1 (y - A m), V - mu^2 S A^T Y^-1 A S), Y = A S A^T + R, equals "
            "V^-1 (mu m - x_t) plus the closed-form likelihood score J^T A^T (R + A C A^T)^-1 (y - A xhat), exactly; "
            "false-pass <= 10^%.0f per (n,k)", dims, sz);
  qc_record(q, "dps.decomp", "control", QC_MUST_HOLD, T.decomp_ctl_sign && T.decomp_ctl_prior,
            "grad log p(x_t|y) = grad log p(x_t) + grad log p(y|x_t)", N,
            "control: prior - likelihood, and prior alone: grad log p(x_t) - grad log p(y|x_t) and grad log p(x_t) alone both differ from the posterior score at every point");
  qc_record(q, "dps.score.exact", "exact", QC_MUST_HOLD, T.score_exact, "closed form = symmetric difference of log p(y|x_t)", N,
            "%s: -(Q(x+h e_i) - Q(x-h e_i))/(4h), Q = r^T (R + A C A^T)^-1 r, r = y - A xhat(x) (exact for the quadratic Q at a "
            "random rational h), equals J^T A^T (R + A C A^T)^-1 (y - A xhat) with J = mu S V^-1; false-pass <= 10^%.0f per (n,k)", dims, sz);
  qc_record(q, "dps.score.exact", "control", QC_MUST_HOLD, T.score_exact_ctl, "closed form = symmetric difference of log p(y|x_t)", N,
            "control: the DPS score in place of the exact one: J^T A^T R^-1 (y - A xhat) differs from the exact gradient at every point");
  qc_record(q, "dps.score.dps", "exact", QC_AS_WRITTEN, T.score_dps, "grad of log N(y; A xhat(x_t), R) through Tweedie", N,
            "%s: the symmetric difference of r^T R^-1 r equals J^T A^T R^-1 (y - A xhat), J = mu S V^-1 = d xhat/dx_t; "
            "false-pass <= 10^%.0f per (n,k)", dims, sz);
  qc_record(q, "dps.score.dps", "control", QC_MUST_HOLD, T.ctl_nojac && T.ctl_inv_mu, "grad of log N(y; A xhat(x_t), R) through Tweedie", N,
            "control: no Jacobian, and J = I/mu: A^T R^-1 (y - A xhat) (x_t taken for xhat) and (1/mu) A^T R^-1 (y - A xhat) (the score network not "
            "differentiated) both differ from the gradient at every point: the chain rule through the score matters");
  qc_record(q, "dps.jacobian", "exact", QC_AS_WRITTEN, T.jac_fd && T.jac_tweedie && T.cov_jac,
            "d xhat/dx_t = (I + sigma^2 Hess log p_t)/mu; Cov = (sigma^2/mu) d xhat/dx_t", N,
            "%s: the Jacobian of Bayes' mean by symmetric differences (exact: linear) equals mu S V^-1 and (I + sigma^2 H)/mu with H "
            "the Hessian of log p_t by second differences (exact: quadratic); Bayes' posterior covariance P^-1 equals "
            "(sigma^2/mu) times it; false-pass <= 10^%.0f per (n,k)", dims, sz);
  qc_record(q, "dps.jacobian", "control", QC_MUST_HOLD, T.ctl_cov_mu2 && T.ctl_jac_sigma,
            "d xhat/dx_t = (I + sigma^2 Hess log p_t)/mu; Cov = (sigma^2/mu) d xhat/dx_t", N,
            "control: Cov = (sigma^2/mu^2) J, and sigma^4 for sigma^2: both perturbed statements differ from the exact Jacobian/covariance at every point");
  if (T.as_written_differs || !T.cx_written[0])
    qc_record(q, "dps.approx", "exact", QC_AS_WRITTEN, 0, "as an equality: p(y|x_t) = N(y; A xhat, Sigma_y)", N,
              "fails: %s", T.cx_written[0] ? T.cx_written : "no scalar point drawn");
  qc_record(q, "dps.approx", "approx", QC_MUST_HOLD, T.err_closed, "DPS score error in closed form", N,
            "%s: DPS - exact = J^T A^T Gamma^-1 (A C A^T) R^-1 (y - A xhat), Gamma = R + A C A^T, exactly (scalar: "
            "DPS/exact = 1 + a^2 c/r >= 1: DPS overstates the likelihood score; measured against t in the test and the figure); "
            "false-pass <= 10^%.0f per (n,k)", dims, sz);
  qc_record(q, "dps.approx", "control", QC_MUST_HOLD, T.err_ctl, "DPS score error in closed form", N,
            "control: Gamma^-1 A C A^T Gamma^-1 as the error: the perturbed error formula differs from DPS - exact at every point");
  qc_record(q, "dps.ratio", "exact", QC_MUST_HOLD, T.ratio && T.bound && T.t_end, "exact/DPS = r v/(r v + a^2 sigma^2 s^2)", NS,
            "n=k=1, %lu points: the ratio of the exact to the DPS score (both from their closed forms, which the difference "
            "checks confirm) equals sigma_y^2 v/(sigma_y^2 v + a^2 sigma^2 s^2), v = mu^2 s^2 + sigma^2, independent of x_t, y, m; "
            "the relative DPS error a^2 c/sigma_y^2 is <= a^2 sigma^2/(sigma_y^2 mu^2) (-> 0 as sigma -> 0); at mu = 0 the "
            "ratio is sigma_y^2/(sigma_y^2 + a^2 s^2); false-pass <= 10^%.0f", NS, szs);
  qc_record(q, "dps.ratio", "control", QC_MUST_HOLD, T.ratio_ctl, "exact/DPS = r v/(r v + a^2 sigma^2 s^2)", NS,
            "control: the inverted ratio: (r v + a^2 sigma^2 s^2)/(r v) differs from exact/DPS at every point");
  qc_record(q, "dps.exact.when", "exact", QC_MUST_HOLD, T.prec_form, "precision form: DPS drops sigma^2 A^T R^-1 A", N,
            "%s: exact = mu (sigma^2 S^-1 + mu^2 I + sigma^2 A^T R^-1 A)^-1 A^T R^-1 (y - A xhat) and DPS = "
            "mu (sigma^2 S^-1 + mu^2 I)^-1 A^T R^-1 (y - A xhat), both equal to the V-form closed forms exactly; "
            "false-pass <= 10^%.0f per (n,k)", dims, sz);
  qc_record(q, "dps.exact.when", "control", QC_MUST_HOLD, T.prec_ctl, "precision form: DPS drops sigma^2 A^T R^-1 A", N,
            "control: precision form without mu^2 I: sigma^2 S^-1 + sigma^2 A^T R^-1 A in place of the full precision gives a different score at every point");
  qc_record(q, "dps.exact.when", "exact", QC_MUST_HOLD, T.diff_nonzero && T.cov_sigma2 && T.err_closed,
            "DPS exact for all y iff A C A^T = 0", N,
            "%s: DPS - exact = J^T A^T Gamma^-1 A C A^T R^-1 (y - A xhat) with C = sigma^2 S V^-1 (checked), so it vanishes "
            "for every y when sigma = 0 (t = 0) or A = 0; at every random point with sigma > 0, A != 0 the operator "
            "J^T A^T Gamma^-1 A C A^T R^-1 is nonzero (DPS not exact)", dims);
}

/* ---- MPFR: the likelihood integral ------------------------------------------ */

#define WP 320

/* log N(x; mean, var) */
static void lognorm(mpfr_t out, const mpfr_t x, const mpfr_t mean, const mpfr_t var)
{
  mpfr_t d, t;
  mpfr_inits2(WP, d, t, (mpfr_ptr)0);
  mpfr_sub(d, x, mean, MPFR_RNDN);
  mpfr_sqr(d, d, MPFR_RNDN);
  mpfr_div(d, d, var, MPFR_RNDN);
  mpfr_const_pi(t, MPFR_RNDN);
  mpfr_mul(t, t, var, MPFR_RNDN);
  mpfr_mul_2ui(t, t, 1, MPFR_RNDN);
  mpfr_log(t, t, MPFR_RNDN);
  mpfr_add(d, d, t, MPFR_RNDN);
  mpfr_div_2ui(out, d, 1, MPFR_RNDN);
  mpfr_neg(out, out, MPFR_RNDN);
  mpfr_clears(d, t, (mpfr_ptr)0);
}

/* int N(y; a x0, r) N(x0; c_mean, c_var) dx0 by the trapezoidal rule centred at
 * the integrand's mode with step w/4, w its standard deviation, over +-40 w
 * (error ~ exp(-2 pi^2 16) + exp(-800), far below 2^-256). */
static void integral(mpfr_t out, const mpfr_t y, const mpfr_t a, const mpfr_t r, const mpfr_t cm, const mpfr_t cv)
{
  mpfr_t prec, ctr, w, h, x0, ax, l1, l2, t, sum;
  mpfr_inits2(WP, prec, ctr, w, h, x0, ax, l1, l2, t, sum, (mpfr_ptr)0);
  mpfr_sqr(t, a, MPFR_RNDN); mpfr_div(t, t, r, MPFR_RNDN);
  mpfr_ui_div(prec, 1, cv, MPFR_RNDN); mpfr_add(prec, prec, t, MPFR_RNDN);     /* 1/cv + a^2/r */
  mpfr_div(ctr, cm, cv, MPFR_RNDN); mpfr_mul(t, a, y, MPFR_RNDN); mpfr_div(t, t, r, MPFR_RNDN);
  mpfr_add(ctr, ctr, t, MPFR_RNDN); mpfr_div(ctr, ctr, prec, MPFR_RNDN);
  mpfr_rec_sqrt(w, prec, MPFR_RNDN);
  mpfr_div_2ui(h, w, 2, MPFR_RNDN);
  mpfr_set_ui(sum, 0, MPFR_RNDN);
  for (long j = -160; j <= 160; j++) {
    mpfr_mul_si(x0, h, j, MPFR_RNDN);
    mpfr_add(x0, x0, ctr, MPFR_RNDN);
    mpfr_mul(ax, a, x0, MPFR_RNDN);
    lognorm(l1, y, ax, r);
    lognorm(l2, x0, cm, cv);
    mpfr_add(t, l1, l2, MPFR_RNDN);
    mpfr_exp(t, t, MPFR_RNDN);
    mpfr_add(sum, sum, t, MPFR_RNDN);
  }
  mpfr_mul(out, sum, h, MPFR_RNDN);
  mpfr_clears(prec, ctr, w, h, x0, ax, l1, l2, t, sum, (mpfr_ptr)0);
}

static double uni(qcheck *q, double lo, double hi) { return lo + (hi - lo) * gsl_rng_uniform(q->rng); }

static void check_integral(qcheck *q)
{
  enum { NI = 16 };
  int ok = 1, ctl = 1;
  double worst = 0.0;
  char cx[512] = "";
  mpfr_t x, y, mu, sg2, m, s2, a, r, v, cm, cv, I, J, Lc, t, u, dif;
  mpfr_inits2(WP, x, y, mu, sg2, m, s2, a, r, v, cm, cv, I, J, Lc, t, u, dif, (mpfr_ptr)0);
  for (int i = 0; i < NI; i++) {
    double dx = uni(q, -3, 3), dy = uni(q, -3, 3), dmu = uni(q, 0.05, 1), dsg = uni(q, 0.05, 1.5), dm = uni(q, -1, 1),
           ds = uni(q, 0.2, 2), da = uni(q, -2, 2), dr = uni(q, 0.01, 1);
    mpfr_set_d(x, dx, MPFR_RNDN); mpfr_set_d(y, dy, MPFR_RNDN); mpfr_set_d(mu, dmu, MPFR_RNDN);
    mpfr_set_d(sg2, dsg, MPFR_RNDN); mpfr_sqr(sg2, sg2, MPFR_RNDN); mpfr_set_d(m, dm, MPFR_RNDN);
    mpfr_set_d(s2, ds, MPFR_RNDN); mpfr_sqr(s2, s2, MPFR_RNDN); mpfr_set_d(a, da, MPFR_RNDN);
    mpfr_set_d(r, dr, MPFR_RNDN); mpfr_sqr(r, r, MPFR_RNDN);
    /* p(x_0 | x_t) = N(cm, cv): cv = sigma^2 s^2/v, cm = (sigma^2 m + mu s^2 x_t)/v */
    mpfr_sqr(v, mu, MPFR_RNDN); mpfr_mul(v, v, s2, MPFR_RNDN); mpfr_add(v, v, sg2, MPFR_RNDN);
    mpfr_mul(cv, sg2, s2, MPFR_RNDN); mpfr_div(cv, cv, v, MPFR_RNDN);
    mpfr_mul(cm, sg2, m, MPFR_RNDN); mpfr_mul(t, mu, s2, MPFR_RNDN); mpfr_mul(t, t, x, MPFR_RNDN);
    mpfr_add(cm, cm, t, MPFR_RNDN); mpfr_div(cm, cm, v, MPFR_RNDN);
    integral(I, y, a, r, cm, cv);                                 /* the document's integral */
    /* p(y | x_t) from the bivariate normal of (x_t, y): mean a m + (mu a s^2/v)(x_t - mu m),
     * variance a^2 s^2 + r - (mu a s^2)^2/v; as a density ratio p(x_t, y)/p(x_t) */
    mpfr_mul(t, mu, a, MPFR_RNDN); mpfr_mul(t, t, s2, MPFR_RNDN);   /* cov(x_t, y) */
    mpfr_mul(u, mu, m, MPFR_RNDN); mpfr_sub(u, x, u, MPFR_RNDN); mpfr_mul(u, u, t, MPFR_RNDN); mpfr_div(u, u, v, MPFR_RNDN);
    mpfr_mul(dif, a, m, MPFR_RNDN); mpfr_add(u, u, dif, MPFR_RNDN); /* conditional mean */
    mpfr_sqr(t, t, MPFR_RNDN); mpfr_div(t, t, v, MPFR_RNDN);
    mpfr_sqr(dif, a, MPFR_RNDN); mpfr_mul(dif, dif, s2, MPFR_RNDN); mpfr_add(dif, dif, r, MPFR_RNDN);
    mpfr_sub(t, dif, t, MPFR_RNDN);                               /* conditional variance */
    lognorm(J, y, u, t);
    mpfr_exp(J, J, MPFR_RNDN);
    /* closed form N(y; a xhat, r + a^2 c) */
    mpfr_mul(u, a, cm, MPFR_RNDN);
    mpfr_sqr(t, a, MPFR_RNDN); mpfr_mul(t, t, cv, MPFR_RNDN); mpfr_add(t, t, r, MPFR_RNDN);
    lognorm(Lc, y, u, t);
    mpfr_exp(Lc, Lc, MPFR_RNDN);
    for (int w = 0; w < 2; w++) {
      mpfr_sub(dif, w ? Lc : J, I, MPFR_RNDN);
      mpfr_div(dif, dif, I, MPFR_RNDN);
      mpfr_abs(dif, dif, MPFR_RNDN);
      double rel = mpfr_get_d(dif, MPFR_RNDU);
      if (rel > worst) worst = rel;
      if (!(rel <= 0x1p-230) && ok) {
        ok = 0;
        snprintf(cx, sizeof cx, "x_t=%a y=%a mu=%a sigma=%a m=%a s=%a a=%a sigma_y=%a: relative difference %.3g",
                 dx, dy, dmu, dsg, dm, ds, da, dr, rel);
      }
    }
    /* control: the prior p(x_0) in place of p(x_0 | x_t) gives p(y), not p(y | x_t) */
    integral(t, y, a, r, m, s2);
    mpfr_sub(dif, t, J, MPFR_RNDN); mpfr_div(dif, dif, J, MPFR_RNDN); mpfr_abs(dif, dif, MPFR_RNDN);
    ctl &= mpfr_get_d(dif, MPFR_RNDN) > 1e-6;
  }
  mpfr_clears(x, y, mu, sg2, m, s2, a, r, v, cm, cv, I, J, Lc, t, u, dif, (mpfr_ptr)0);
  if (ok)
    qc_record(q, "dps.integral", "numeric", QC_AS_WRITTEN, 1, "p(y|x_t) = int p(y|x_0) p(x_0|x_t) dx_0", NI,
              "%d random scalar problems, %d bits: the integral by 321-node trapezoidal quadrature (error ~e^-315) equals "
              "p(x_t, y)/p(x_t) from the bivariate normal of (x_t, y) and the closed form N(y; a xhat, sigma_y^2 + a^2 c); "
              "max relative difference %.3g (tolerance 2^-230)", NI, WP, worst);
  else
    qc_record(q, "dps.integral", "numeric", QC_AS_WRITTEN, 0, "p(y|x_t) = int p(y|x_0) p(x_0|x_t) dx_0", NI, "%s", cx);
  qc_record(q, "dps.integral", "control", QC_MUST_HOLD, ctl, "p(y|x_t) = int p(y|x_0) p(x_0|x_t) dx_0", NI,
            "control: the prior p(x_0) in place of p(x_0|x_t): int p(y|x_0) p(x_0) dx_0 = p(y) differs from p(y|x_t) by more than 1e-6 relative at every point");
}


/* ---- MPFR: a two-component mixture prior (the statements for any prior) ----- */

/* prior 0.3 N(-1.5, 0.4^2) + 0.7 N(1, 0.8^2); y = a x_0 + N(0, r) */
#define NK 2
static const double MIX_W[NK] = { 0.3, 0.7 }, MIX_M[NK] = { -1.5, 1.0 }, MIX_S[NK] = { 0.4, 0.8 };
typedef struct { mpfr_t mu, q, a, r, y; } mixp;

/* log sum_k exp(l[k]) */
static void logsumexp(mpfr_t out, mpfr_t *l, int n)
{
  mpfr_t big, t, acc;
  mpfr_inits2(WP, big, t, acc, (mpfr_ptr)0);
  mpfr_set(big, l[0], MPFR_RNDN);
  for (int k = 1; k < n; k++) if (mpfr_cmp(l[k], big) > 0) mpfr_set(big, l[k], MPFR_RNDN);
  mpfr_set_ui(acc, 0, MPFR_RNDN);
  for (int k = 0; k < n; k++) { mpfr_sub(t, l[k], big, MPFR_RNDN); mpfr_exp(t, t, MPFR_RNDN); mpfr_add(acc, acc, t, MPFR_RNDN); }
  mpfr_log(acc, acc, MPFR_RNDN);
  mpfr_add(out, acc, big, MPFR_RNDN);
  mpfr_clears(big, t, acc, (mpfr_ptr)0);
}

/* component k: v = mu^2 s^2 + q, posterior mean cm and variance cv of x_0 given x,
 * and the log of w_k N(x; mu m_k, v) */
static void mix_comp(const mixp *P, int k, const mpfr_t x, mpfr_t v, mpfr_t cm, mpfr_t cv, mpfr_t logw)
{
  mpfr_t s2, t, mean;
  mpfr_inits2(WP, s2, t, mean, (mpfr_ptr)0);
  mpfr_set_d(s2, MIX_S[k], MPFR_RNDN); mpfr_sqr(s2, s2, MPFR_RNDN);
  mpfr_sqr(v, P->mu, MPFR_RNDN); mpfr_mul(v, v, s2, MPFR_RNDN); mpfr_add(v, v, P->q, MPFR_RNDN);
  mpfr_mul(cv, P->q, s2, MPFR_RNDN); mpfr_div(cv, cv, v, MPFR_RNDN);
  mpfr_mul_d(cm, P->q, MIX_M[k], MPFR_RNDN); mpfr_mul(t, P->mu, s2, MPFR_RNDN); mpfr_mul(t, t, x, MPFR_RNDN);
  mpfr_add(cm, cm, t, MPFR_RNDN); mpfr_div(cm, cm, v, MPFR_RNDN);
  mpfr_mul_d(mean, P->mu, MIX_M[k], MPFR_RNDN);
  lognorm(logw, x, mean, v);
  mpfr_set_d(t, MIX_W[k], MPFR_RNDN); mpfr_log(t, t, MPFR_RNDN); mpfr_add(logw, logw, t, MPFR_RNDN);
  mpfr_clears(s2, t, mean, (mpfr_ptr)0);
}

/* log p_t(x), the posterior mean and variance of x_0 given x_t = x, and (if
 * want_int) the log of the document's integral int p(y|x_0) p(x_0|x_t) dx_0 by
 * quadrature of each posterior component */
static void mix_eval(const mixp *P, const mpfr_t x, mpfr_t logp, mpfr_t mean, mpfr_t var, mpfr_t logint, int want_int)
{
  mpfr_t v[NK], cm[NK], cv[NK], lw[NK], t, u, I;
  for (int k = 0; k < NK; k++) mpfr_inits2(WP, v[k], cm[k], cv[k], lw[k], (mpfr_ptr)0);
  mpfr_inits2(WP, t, u, I, (mpfr_ptr)0);
  for (int k = 0; k < NK; k++) mix_comp(P, k, x, v[k], cm[k], cv[k], lw[k]);
  logsumexp(logp, lw, NK);
  mpfr_set_ui(mean, 0, MPFR_RNDN); mpfr_set_ui(var, 0, MPFR_RNDN); mpfr_set_ui(I, 0, MPFR_RNDN);
  for (int k = 0; k < NK; k++) {
    mpfr_sub(t, lw[k], logp, MPFR_RNDN); mpfr_exp(t, t, MPFR_RNDN);        /* responsibility */
    mpfr_mul(u, t, cm[k], MPFR_RNDN); mpfr_add(mean, mean, u, MPFR_RNDN);
    mpfr_sqr(u, cm[k], MPFR_RNDN); mpfr_add(u, u, cv[k], MPFR_RNDN); mpfr_mul(u, u, t, MPFR_RNDN);
    mpfr_add(var, var, u, MPFR_RNDN);
    if (want_int) { integral(u, P->y, P->a, P->r, cm[k], cv[k]); mpfr_mul(u, u, t, MPFR_RNDN); mpfr_add(I, I, u, MPFR_RNDN); }
  }
  mpfr_sqr(t, mean, MPFR_RNDN); mpfr_sub(var, var, t, MPFR_RNDN);
  if (want_int) mpfr_log(logint, I, MPFR_RNDN);
  for (int k = 0; k < NK; k++) mpfr_clears(v[k], cm[k], cv[k], lw[k], (mpfr_ptr)0);
  mpfr_clears(t, u, I, (mpfr_ptr)0);
}

/* log p(x_t, y) from the y-first factorisation of each component's bivariate
 * normal: N(y; a m_k, Y_k) N(x_t; mu m_k + mu a s_k^2 (y - a m_k)/Y_k, v_k - (mu a s_k^2)^2/Y_k) */
static void mix_joint(const mixp *P, const mpfr_t x, mpfr_t out)
{
  mpfr_t l[NK], s2, Y, c, m1, v, t;
  for (int k = 0; k < NK; k++) mpfr_init2(l[k], WP);
  mpfr_inits2(WP, s2, Y, c, m1, v, t, (mpfr_ptr)0);
  for (int k = 0; k < NK; k++) {
    mpfr_set_d(s2, MIX_S[k], MPFR_RNDN); mpfr_sqr(s2, s2, MPFR_RNDN);
    mpfr_sqr(Y, P->a, MPFR_RNDN); mpfr_mul(Y, Y, s2, MPFR_RNDN); mpfr_add(Y, Y, P->r, MPFR_RNDN);
    mpfr_mul_d(m1, P->a, MIX_M[k], MPFR_RNDN);
    lognorm(l[k], P->y, m1, Y);                                         /* log N(y; a m_k, Y_k) */
    mpfr_mul(c, P->mu, P->a, MPFR_RNDN); mpfr_mul(c, c, s2, MPFR_RNDN); /* cov(x_t, y) */
    mpfr_sub(t, P->y, m1, MPFR_RNDN); mpfr_mul(t, t, c, MPFR_RNDN); mpfr_div(t, t, Y, MPFR_RNDN);
    mpfr_mul_d(m1, P->mu, MIX_M[k], MPFR_RNDN); mpfr_add(m1, m1, t, MPFR_RNDN);
    mpfr_sqr(v, P->mu, MPFR_RNDN); mpfr_mul(v, v, s2, MPFR_RNDN); mpfr_add(v, v, P->q, MPFR_RNDN);
    mpfr_sqr(t, c, MPFR_RNDN); mpfr_div(t, t, Y, MPFR_RNDN); mpfr_sub(v, v, t, MPFR_RNDN);
    lognorm(t, x, m1, v);
    mpfr_add(l[k], l[k], t, MPFR_RNDN);
    mpfr_set_d(t, MIX_W[k], MPFR_RNDN); mpfr_log(t, t, MPFR_RNDN); mpfr_add(l[k], l[k], t, MPFR_RNDN);
  }
  logsumexp(out, l, NK);
  for (int k = 0; k < NK; k++) mpfr_clear(l[k]);
  mpfr_clears(s2, Y, c, m1, v, t, (mpfr_ptr)0);
}

static double rel_gap(const mpfr_t a, const mpfr_t b)
{
  mpfr_t d;
  mpfr_init2(d, WP);
  mpfr_sub(d, a, b, MPFR_RNDN);
  mpfr_abs(d, d, MPFR_RNDN);
  double den = fmax(fabs(mpfr_get_d(a, MPFR_RNDN)), fabs(mpfr_get_d(b, MPFR_RNDN)));
  double r = mpfr_get_d(d, MPFR_RNDU) / (den > 0 ? den : 1);
  mpfr_clear(d);
  return r;
}

/* Central differences with step h = 2^-80 at 320 bits: first differences are
 * off by ~h^2 f''' ~ 2^-160 (plus rounding ~2^-320/h = 2^-240): tolerance 2^-120;
 * the second difference by ~h^2 and 2^-320/h^2 = 2^-160: tolerance 2^-120 too. */
static void check_mixture(qcheck *q)
{
  enum { NMIX = 24 };
  const double tol = 0x1p-120;
  int jac_ok = 1, cov_ok = 1, int_ok = 1, dec_ok = 1, dec_ctl = 1, jac_ctl = 1, sign_flips = 0;
  double worst = 0, rmin = INFINITY, rmax = -INFINITY;
  char cx[512] = "";
  mixp P;
  mpfr_inits2(WP, P.mu, P.q, P.a, P.r, P.y, (mpfr_ptr)0);
  mpfr_t x, xp, xm, h, lp0, lpp, lpm, m0, mp, mm, v0, vdum, li0, lip, lim, lj, ljp, ljm, J, H, t, u, lhs, rhs, ex, dps;
  mpfr_inits2(WP, x, xp, xm, h, lp0, lpp, lpm, m0, mp, mm, v0, vdum, li0, lip, lim, lj, ljp, ljm, J, H, t, u, lhs, rhs, ex, dps,
              (mpfr_ptr)0);
  mpfr_set_ui_2exp(h, 1, -80, MPFR_RNDN);
  for (int i = 0; i < NMIX; i++) {
    double dmu = uni(q, 0.05, 1), dsg = uni(q, 0.05, 1.2), da = uni(q, 0.3, 2) * (i % 2 ? -1 : 1), dr = uni(q, 0.05, 1),
           dx = uni(q, -3, 3), dy = uni(q, -3, 3);
    mpfr_set_d(P.mu, dmu, MPFR_RNDN); mpfr_set_d(P.q, dsg, MPFR_RNDN); mpfr_sqr(P.q, P.q, MPFR_RNDN);
    mpfr_set_d(P.a, da, MPFR_RNDN); mpfr_set_d(P.r, dr, MPFR_RNDN); mpfr_sqr(P.r, P.r, MPFR_RNDN);
    mpfr_set_d(P.y, dy, MPFR_RNDN); mpfr_set_d(x, dx, MPFR_RNDN);
    mpfr_add(xp, x, h, MPFR_RNDN); mpfr_sub(xm, x, h, MPFR_RNDN);
    mix_eval(&P, x, lp0, m0, v0, li0, 1);
    mix_eval(&P, xp, lpp, mp, vdum, lip, 1);
    mix_eval(&P, xm, lpm, mm, vdum, lim, 1);
    /* dps.jacobian: J = d xhat/dx by differences; (1 + sigma^2 d2 log p_t)/mu; Cov = (sigma^2/mu) J */
    mpfr_sub(J, mp, mm, MPFR_RNDN); mpfr_div(J, J, h, MPFR_RNDN); mpfr_div_2ui(J, J, 1, MPFR_RNDN);
    mpfr_add(H, lpp, lpm, MPFR_RNDN); mpfr_mul_2ui(t, lp0, 1, MPFR_RNDN); mpfr_sub(H, H, t, MPFR_RNDN);
    mpfr_div(H, H, h, MPFR_RNDN); mpfr_div(H, H, h, MPFR_RNDN);
    mpfr_mul(t, H, P.q, MPFR_RNDN); mpfr_add_ui(t, t, 1, MPFR_RNDN); mpfr_div(t, t, P.mu, MPFR_RNDN);
    double g = rel_gap(t, J);
    if (g > worst) worst = g;
    jac_ok &= g <= tol;
    mpfr_mul(u, J, P.q, MPFR_RNDN); mpfr_div(u, u, P.mu, MPFR_RNDN);
    g = rel_gap(u, v0);
    if (g > worst) worst = g;
    cov_ok &= g <= tol;
    mpfr_div(u, u, P.mu, MPFR_RNDN);
    jac_ctl &= rel_gap(u, v0) > 1e-6;                 /* control: (sigma^2/mu^2) J */
    /* dps.integral for this prior: the integral = p(x_t, y)/p(x_t) (y-first factorisation) */
    mix_joint(&P, x, lj);
    mpfr_sub(t, lj, lp0, MPFR_RNDN);
    g = rel_gap(t, li0);
    if (!(g <= tol) && int_ok) {
      int_ok = 0;
      snprintf(cx, sizeof cx, "mixture prior, x_t=%a y=%a mu=%a sigma=%a a=%a sigma_y=%a: log integral vs log p(x_t,y)/p(x_t) "
               "relative gap %.3g", dx, dy, dmu, dsg, da, dr, g);
    }
    /* dps.decomp: d log p(x_t | y) = d log p(x_t, y) (p(y) is constant) against d log p_t + d log(integral) */
    mix_joint(&P, xp, ljp); mix_joint(&P, xm, ljm);
    mpfr_sub(lhs, ljp, ljm, MPFR_RNDN);
    mpfr_sub(rhs, lpp, lpm, MPFR_RNDN); mpfr_sub(t, lip, lim, MPFR_RNDN); mpfr_add(rhs, rhs, t, MPFR_RNDN);
    dec_ok &= rel_gap(lhs, rhs) <= tol;
    mpfr_sub(rhs, lpp, lpm, MPFR_RNDN); mpfr_sub(rhs, rhs, t, MPFR_RNDN);
    dec_ctl &= rel_gap(lhs, rhs) > 1e-6;              /* control: prior - likelihood */
    /* DPS against the exact likelihood score for this prior (measured): DPS = J a (y - a xhat)/r */
    mpfr_sub(ex, lip, lim, MPFR_RNDN); mpfr_div(ex, ex, h, MPFR_RNDN); mpfr_div_2ui(ex, ex, 1, MPFR_RNDN);
    mpfr_mul(t, P.a, m0, MPFR_RNDN); mpfr_sub(t, P.y, t, MPFR_RNDN);
    mpfr_mul(dps, J, P.a, MPFR_RNDN); mpfr_mul(dps, dps, t, MPFR_RNDN); mpfr_div(dps, dps, P.r, MPFR_RNDN);
    double re = mpfr_get_d(ex, MPFR_RNDN), rd = mpfr_get_d(dps, MPFR_RNDN);
    if (re * rd < 0) sign_flips++;
    else if (rd != 0) { double rr = re / rd; if (rr < rmin) rmin = rr; if (rr > rmax) rmax = rr; }
  }
  mpfr_clears(x, xp, xm, h, lp0, lpp, lpm, m0, mp, mm, v0, vdum, li0, lip, lim, lj, ljp, ljm, J, H, t, u, lhs, rhs, ex, dps,
              (mpfr_ptr)0);
  mpfr_clears(P.mu, P.q, P.a, P.r, P.y, (mpfr_ptr)0);
  const char *prior = "prior 0.3 N(-1.5, 0.4^2) + 0.7 N(1, 0.8^2)";
  qc_record(q, "dps.jacobian", "numeric", QC_AS_WRITTEN, jac_ok && cov_ok, "mixture prior: chain rule through Tweedie", NMIX,
            "%s, %d random (x_t, mu, sigma), %d bits: d xhat/dx_t (central difference of the posterior-mixture mean, h = 2^-80) "
            "equals (1 + sigma^2 d2 log p_t)/mu (second difference) and Cov[x_0|x_t] from the posterior mixture equals "
            "(sigma^2/mu) d xhat/dx_t; max relative gap %.3g (tolerance 2^-120)", prior, NMIX, WP, worst);
  qc_record(q, "dps.jacobian", "control", QC_MUST_HOLD, jac_ctl, "mixture prior: chain rule through Tweedie", NMIX,
            "control: mixture prior, Cov = (sigma^2/mu^2) d xhat/dx_t: the perturbed covariance differs by more than 1e-6 relative at every point");
  if (int_ok)
    qc_record(q, "dps.integral", "numeric", QC_AS_WRITTEN, 1, "mixture prior: integral = p(x_t, y)/p(x_t)", NMIX,
              "%s, %d random problems, %d bits: the document's integral (quadrature of each posterior component) equals "
              "p(x_t, y)/p(x_t) with p(x_t, y) from the y-first factorisation N(y) N(x_t | y) of each component (tolerance 2^-120)",
              prior, NMIX, WP);
  else
    qc_record(q, "dps.integral", "numeric", QC_AS_WRITTEN, 0, "mixture prior: integral = p(x_t, y)/p(x_t)", NMIX, "%s", cx);
  qc_record(q, "dps.decomp", "numeric", QC_AS_WRITTEN, dec_ok, "mixture prior: decomposition by differences", NMIX,
            "%s, %d random problems, %d bits: d log p(x_t, y) (y-first; = d log p(x_t|y) since p(y) is constant) equals "
            "d log p_t + d log int p(y|x_0) p(x_0|x_t) dx_0, central differences at h = 2^-80 (tolerance 2^-120)", prior, NMIX, WP);
  qc_record(q, "dps.decomp", "control", QC_MUST_HOLD, dec_ctl, "mixture prior: decomposition by differences", NMIX,
            "control: mixture prior, prior - likelihood: d log p_t - d log(integral) differs from d log p(x_t|y) by more than 1e-6 relative at every point");
  qc_record(q, "dps.approx", "approx", QC_AS_WRITTEN, 1, "mixture prior: DPS against the exact likelihood score (measured)", NMIX,
            "%s, %d random problems: exact/DPS ranged over [%.3g, %.3g] where the signs agree, and the two scores had opposite "
            "signs at %d of %d points: beyond a Gaussian prior the DPS error is not a constant factor",
            prior, NMIX, rmin, rmax, sign_flips, NMIX);
}

int main(void)
{
  qcheck q;
  qc_init(&q, PROGRAM);
  check_exact(&q);
  check_integral(&q);
  check_mixture(&q);
  return qc_finish(&q);
}
