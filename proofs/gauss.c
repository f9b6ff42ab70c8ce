/* gauss.c -- proof checks of D1, the Gaussian score (claims gauss.*).
 * Independent of src/: exact rational identities and MPFR quadrature only. */
#include "qcheck.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define PROGRAM "proof_gauss"

/* Q(x) = (x - mu)^2 / (2 v), the x-dependent part of -log p(x). */
static void half_quad(mpq_t out, const mpq_t x, const mpq_t mu, const mpq_t v)
{
  mpq_sub(out, x, mu);
  mpq_mul(out, out, out);
  mpq_div(out, out, v);
  mpq_div_2exp(out, out, 1);
}

/* The derivative of log p is (mu - x)/v. For a quadratic the central
 * difference [Q(x-h) - Q(x+h)] / (2h) is the exact derivative of -Q for every
 * h; the log(2 pi v)/2 term does not depend on x. */
static void check_derivative(qcheck *q, const char *claim, int as_sign)
{
  mpq_t x, mu, v, h, a, b, lhs, rhs, xm, xp;
  mpq_inits(x, mu, v, h, a, b, lhs, rhs, xm, xp, NULL);
  int ok = 1, flipped_caught = 1;
  char cx[256] = "";
  for (int i = 0; i < QC_POINTS && ok; i++) {
    qc_random(q, x); qc_random(q, mu); qc_random_pos(q, v); qc_random_pos(q, h);
    mpq_sub(xm, x, h); mpq_add(xp, x, h);
    half_quad(a, xm, mu, v); half_quad(b, xp, mu, v);
    mpq_sub(lhs, a, b);
    mpq_div(lhs, lhs, h); mpq_div_2exp(lhs, lhs, 1);
    mpq_sub(rhs, mu, x); mpq_div(rhs, rhs, v);          /* document: (mu - x)/sigma^2 */
    if (as_sign < 0) mpq_neg(rhs, rhs);
    ok = qc_eq(q, lhs, rhs);
    mpq_neg(rhs, rhs); /* negative control: the opposite sign must be rejected */
    flipped_caught &= !qc_eq(q, lhs, rhs) || mpq_sgn(lhs) == 0;
    if (!ok) {
      char s1[64], s2[64], s3[64];
      snprintf(cx, sizeof cx, "counterexample x=%s mu=%s v=%s", qc_qstr(s1, 64, x), qc_qstr(s2, 64, mu), qc_qstr(s3, 64, v));
    }
  }
  qc_record(q, claim, "control", QC_MUST_HOLD, flipped_caught, "d/dx log p = (mu-x)/sigma^2", QC_POINTS,
            "the same exact check of the sign-flipped score (x-mu)/sigma^2: %s",
            flipped_caught ? "rejected at every point, as it must be" : "NOT rejected");
  if (ok)
    qc_record(q, claim, "exact", QC_AS_WRITTEN, 1, "d/dx log p = (mu-x)/sigma^2", QC_POINTS,
              "exact central differences of the quadratic at %d random rational points (Schwartz-Zippel degree 4: "
              "false-pass probability <= 10^%.0f)", QC_POINTS, qc_sz_log10(4, QC_POINTS));
  else
    qc_record(q, claim, "exact", QC_AS_WRITTEN, 0, "d/dx log p = (mu-x)/sigma^2", QC_POINTS, "%s", cx);
  mpq_clears(x, mu, v, h, a, b, lhs, rhs, xm, xp, NULL);
}

/* Trapezoid sums of exp(-z^2/2) z^k / sqrt(2 pi) on a step-1/4 grid over
 * |z| <= 40 converge faster than any power (error ~ exp(-2 pi^2 / h^2)
 * ~ 1e-137), so in MPFR at QC_PREC bits they give the Gaussian moments to
 * ~1e-70; k = 0 checks the document's normalising constant 1/sqrt(2 pi sigma^2). */
static void trapezoid_moments(mpfr_t *mom, int kmax)
{
  mpfr_t z, w, t, c;
  mpfr_inits2(QC_PREC, z, w, t, c, (mpfr_ptr)0);
  for (int k = 0; k <= kmax; k++) mpfr_set_zero(mom[k], 1);
  for (long j = -160; j <= 160; j++) {
    mpfr_set_si(z, j, MPFR_RNDN);
    mpfr_div_2ui(z, z, 2, MPFR_RNDN);
    mpfr_sqr(w, z, MPFR_RNDN);
    mpfr_div_2ui(w, w, 1, MPFR_RNDN);
    mpfr_neg(w, w, MPFR_RNDN);
    mpfr_exp(w, w, MPFR_RNDN);
    mpfr_set_ui(t, 1, MPFR_RNDN);
    for (int k = 0; k <= kmax; k++) {
      mpfr_mul(c, w, t, MPFR_RNDN);
      mpfr_add(mom[k], mom[k], c, MPFR_RNDN);
      mpfr_mul(t, t, z, MPFR_RNDN);
    }
  }
  mpfr_const_pi(c, MPFR_RNDN);
  mpfr_mul_2ui(c, c, 1, MPFR_RNDN);
  mpfr_sqrt(c, c, MPFR_RNDN);
  for (int k = 0; k <= kmax; k++) { mpfr_div_2ui(mom[k], mom[k], 2, MPFR_RNDN); mpfr_div(mom[k], mom[k], c, MPFR_RNDN); }
  mpfr_clears(z, w, t, c, (mpfr_ptr)0);
}

static void check_normalisation_and_moments(qcheck *q)
{
  enum { KMAX = 8 };
  mpfr_t mom[KMAX + 1], err, worst;
  for (int k = 0; k <= KMAX; k++) mpfr_init2(mom[k], QC_PREC);
  mpfr_inits2(QC_PREC, err, worst, (mpfr_ptr)0);
  trapezoid_moments(mom, KMAX);
  /* k = 0: the document's density integrates to 1 */
  mpfr_sub_ui(err, mom[0], 1, MPFR_RNDN);
  mpfr_abs(err, err, MPFR_RNDN);
  int norm_ok = qc_small_fr(q, err, 1e-60);
  /* control: the normaliser 1/(2 pi sigma^2) in place of 1/sqrt(2 pi sigma^2), i.e. the integral / sqrt(2 pi) */
  mpfr_const_pi(worst, MPFR_RNDN); mpfr_mul_2ui(worst, worst, 1, MPFR_RNDN); mpfr_sqrt(worst, worst, MPFR_RNDN);
  mpfr_div(worst, mom[0], worst, MPFR_RNDN); mpfr_sub_ui(worst, worst, 1, MPFR_RNDN); mpfr_abs(worst, worst, MPFR_RNDN);
  int rejected = mpfr_cmp_d(worst, 1e-60) > 0;
  qc_record(q, "gauss.pdf.toy", "control", QC_MUST_HOLD, rejected, "integral of p = 1", 321,
            "the same quadrature with the normaliser 1/(2 pi sigma^2), no square root: |integral - 1| = %.3f: %s",
            mpfr_get_d(worst, MPFR_RNDN), rejected ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "gauss.pdf.toy", "numeric", QC_AS_WRITTEN, norm_ok, "integral of p = 1", 321,
            "trapezoid rule (h=1/4, |z|<=40) in MPFR at %d bits: |integral - 1| = %.3e", QC_PREC, mpfr_get_d(err, MPFR_RNDN));
  /* central moments E[z^k] = (k-1)!! for even k, 0 for odd k */
  mpfr_set_zero(worst, 1);
  for (int k = 1; k <= KMAX; k++) {
    unsigned long want = (k % 2) ? 0 : 1;
    for (int j = 1; j < k && !(k % 2); j += 2) want *= (unsigned long)j;
    mpfr_sub_ui(err, mom[k], want, MPFR_RNDN);
    mpfr_abs(err, err, MPFR_RNDN);
    if (mpfr_cmp(err, worst) > 0) mpfr_set(worst, err, MPFR_RNDN);
  }
  /* control: k!! in place of (k-1)!! for even k */
  double ctl = 0;
  for (int k = 2; k <= KMAX; k += 2) {
    unsigned long wrong = 1;
    for (int j = 2; j <= k; j += 2) wrong *= (unsigned long)j;
    mpfr_sub_ui(err, mom[k], wrong, MPFR_RNDN);
    ctl = fmax(ctl, fabs(mpfr_get_d(err, MPFR_RNDN)));
  }
  qc_record(q, "gauss.moments", "control", QC_MUST_HOLD, ctl > 1e-60, "E[(x-mu)^k] = v^(k/2)(k-1)!!", KMAX,
            "the same quadrature against v^(k/2) k!!: max |error| = %.3f: %s", ctl,
            ctl > 1e-60 ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "gauss.moments", "numeric", QC_MUST_HOLD, qc_small_fr(q, worst, 1e-60),
            "E[(x-mu)^k] = v^(k/2)(k-1)!!", KMAX,
            "trapezoid quadrature at %d bits for k=1..%d: max |error| = %.3e", QC_PREC, KMAX, mpfr_get_d(worst, MPFR_RNDN));
  for (int k = 0; k <= KMAX; k++) mpfr_clear(mom[k]);
  mpfr_clears(err, worst, (mpfr_ptr)0);
}

/* E over N(mu, v) of the polynomial sum_k c[k] x^k, exactly. */
static void expect_poly(mpq_t out, const mpq_t *c, int deg, const mpq_t *m)
{
  mpq_t t;
  mpq_init(t);
  mpq_set_ui(out, 0, 1);
  for (int k = 0; k <= deg; k++) { mpq_mul(t, c[k], m[k]); mpq_add(out, out, t); }
  mpq_clear(t);
}

static void check_expectations(qcheck *q)
{
  enum { DEG = 8 };
  mpq_t mu, v, m[DEG + 3], c[DEG + 3], h[DEG + 1], e, f, t;
  mpq_inits(mu, v, e, f, t, NULL);
  for (int k = 0; k < DEG + 3; k++) { mpq_init(m[k]); mpq_init(c[k]); }
  for (int k = 0; k <= DEG; k++) mpq_init(h[k]);
  int mean_ok = 1, fisher_ok = 1, stein_ok = 1, control_ok = 1, fisher_ctl = 1, mean_ctl = 1;
  for (int i = 0; i < QC_POINTS; i++) {
    qc_random(q, mu); qc_random_pos(q, v);
    qc_gauss_moments(m, DEG + 2, mu, v);
    /* score(x) = (mu - x)/v = c0 + c1 x */
    for (int k = 0; k < DEG + 3; k++) mpq_set_ui(c[k], 0, 1);
    mpq_div(c[0], mu, v); mpq_inv(c[1], v); mpq_neg(c[1], c[1]);
    expect_poly(e, c, 1, m);
    mean_ok &= qc_is_zero(q, e);
    mpq_set_ui(t, 1, 1); mpq_div(t, t, v); mpq_add(c[0], c[0], t);   /* control: the score of N(mu + 1, v) */
    expect_poly(e, c, 1, m);
    mean_ctl &= !qc_is_zero(q, e);
    /* score^2 = (mu^2 - 2 mu x + x^2)/v^2 */
    mpq_mul(c[0], mu, mu); mpq_mul(t, v, v); mpq_div(c[0], c[0], t);
    mpq_mul(c[1], mu, v); mpq_div(c[1], mu, t); mpq_mul_2exp(c[1], c[1], 1); mpq_neg(c[1], c[1]);
    mpq_inv(c[2], t);
    expect_poly(e, c, 2, m);
    mpq_inv(f, v);
    fisher_ok &= qc_eq(q, e, f);
    mpq_div(f, f, v);                        /* control: 1/sigma^4 */
    fisher_ctl &= !qc_eq(q, e, f) || !mpq_cmp_ui(v, 1, 1);
    /* Stein: E[score h + h'] = 0 for a random h of degree DEG */
    for (int k = 0; k <= DEG; k++) qc_random(q, h[k]);
    for (int k = 0; k < DEG + 3; k++) mpq_set_ui(c[k], 0, 1);
    for (int k = 0; k <= DEG; k++) {         /* score * h */
      mpq_div(t, mu, v); mpq_mul(t, t, h[k]); mpq_add(c[k], c[k], t);
      mpq_div(t, h[k], v); mpq_sub(c[k + 1], c[k + 1], t);
    }
    mpq_t *hp = c; /* reuse storage for h' added in place */
    for (int k = 1; k <= DEG; k++) { mpq_set_ui(t, (unsigned long)k, 1); mpq_mul(t, t, h[k]); mpq_add(hp[k - 1], hp[k - 1], t); }
    expect_poly(e, c, DEG + 1, m);
    stein_ok &= qc_is_zero(q, e);
    /* negative control: the sign-flipped score gives -score h + h', whose
     * expectation is 2 E[h'] -- nonzero for a random h */
    mpq_set_ui(e, 0, 1);
    for (int k = 1; k <= DEG; k++) { mpq_set_ui(t, (unsigned long)k, 1); mpq_mul(t, t, h[k]); mpq_mul(t, t, m[k - 1]); mpq_add(e, e, t); }
    control_ok &= mpq_sgn(e) != 0;
  }
  double sz = qc_sz_log10(2 * DEG + 4, QC_POINTS);
  qc_record(q, "gauss.score.mean", "exact", QC_MUST_HOLD, mean_ok, "E[score] = 0", QC_POINTS,
            "exact Gaussian moments at %d random rational (mu, v): E[(mu-x)/v] = 0 at every point; false-pass <= 10^%.0f", QC_POINTS, sz);
  qc_record(q, "gauss.score.mean", "control", QC_MUST_HOLD, mean_ctl, "E[score] = 0", QC_POINTS,
            "the same exact expectation of the score of N(mu + 1, v): %s", mean_ctl ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "gauss.fisher", "control", QC_MUST_HOLD, fisher_ctl, "E[score^2] = 1/sigma^2", QC_POINTS,
            "the same exact expectation against 1/sigma^4: %s", fisher_ctl ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, "gauss.fisher", "exact", QC_MUST_HOLD, fisher_ok, "E[score^2] = 1/sigma^2", QC_POINTS,
            "exact Gaussian moments at %d random rational (mu, v); false-pass <= 10^%.0f", QC_POINTS, sz);
  qc_record(q, "gauss.stein", "exact", QC_MUST_HOLD, stein_ok, "E[score h + h'] = 0", QC_POINTS,
            "random rational h of degree %d at %d random (mu, v): identity exact at every point; false-pass <= 10^%.0f",
            DEG, QC_POINTS, sz);
  qc_record(q, "gauss.stein", "control", QC_MUST_HOLD, control_ok, "E[score h + h'] = 0", QC_POINTS,
            "the same exact expectation with the sign-flipped score, E[-score h + h'] = 2 E[h']: %s",
            control_ok ? "nonzero at every point, rejected as it must be" : "NOT rejected");
  mpq_clears(mu, v, e, f, t, NULL);
  for (int k = 0; k < DEG + 3; k++) { mpq_clear(m[k]); mpq_clear(c[k]); }
  for (int k = 0; k <= DEG; k++) mpq_clear(h[k]);
}

/* Q(x) = (x-mu)^T P (x-mu) / 2 for the precision matrix P = Sigma^{-1}. */
static void quad_form(int n, mpq_t out, const mpq_t *x, const mpq_t *mu, const mpq_t *p)
{
  mpq_t di, dj, t;
  mpq_inits(di, dj, t, NULL);
  mpq_set_ui(out, 0, 1);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      mpq_sub(di, x[i], mu[i]); mpq_sub(dj, x[j], mu[j]);
      mpq_mul(t, di, dj); mpq_mul(t, t, p[i * n + j]); mpq_add(out, out, t);
    }
  mpq_div_2exp(out, out, 1);
  mpq_clears(di, dj, t, NULL);
}

/* grad log N(mu, Sigma) = Sigma^{-1}(mu - x): exact central differences of
 * the quadratic form along each axis, for random rational SPD Sigma = A^T A
 * + I (diag: Sigma diagonal). */
static void check_multivariate(qcheck *q, const char *claim, int diagonal)
{
  enum { N = 3 };
  mpq_t a[N * N], s[N * N], p[N * N], x[N], mu[N], xs[N], h, lo, hi, lhs, rhs, t;
  for (int i = 0; i < N * N; i++) { mpq_init(a[i]); mpq_init(s[i]); mpq_init(p[i]); }
  for (int i = 0; i < N; i++) { mpq_init(x[i]); mpq_init(mu[i]); mpq_init(xs[i]); }
  mpq_inits(h, lo, hi, lhs, rhs, t, NULL);
  int ok = 1, points = 0, ctl = 1;
  for (int it = 0; it < QC_POINTS; it++) {
    for (int i = 0; i < N * N; i++) qc_random(q, a[i]);
    for (int i = 0; i < N; i++)
      for (int j = 0; j < N; j++) {
        mpq_set_ui(s[i * N + j], i == j, 1);
        if (diagonal && i != j) { mpq_set_ui(s[i * N + j], 0, 1); continue; }
        for (int k = 0; k < N; k++) { mpq_mul(t, a[k * N + i], a[k * N + j]); mpq_add(s[i * N + j], s[i * N + j], t); }
      }
    for (int i = 0; i < N * N; i++) mpq_set(a[i], s[i]);
    if (!qc_inverse(N, a, p)) continue; /* cannot happen for A^T A + I */
    points++;
    for (int i = 0; i < N; i++) { qc_random(q, x[i]); qc_random(q, mu[i]); }
    qc_random_pos(q, h);
    for (int i = 0; i < N; i++) {
      for (int k = 0; k < N; k++) mpq_set(xs[k], x[k]);
      mpq_sub(xs[i], x[i], h); quad_form(N, lo, xs, mu, p);
      mpq_add(xs[i], x[i], h); quad_form(N, hi, xs, mu, p);
      mpq_sub(lhs, lo, hi); mpq_div(lhs, lhs, h); mpq_div_2exp(lhs, lhs, 1);
      mpq_set_ui(rhs, 0, 1);
      for (int k = 0; k < N; k++) { mpq_sub(t, mu[k], x[k]); mpq_mul(t, t, p[i * N + k]); mpq_add(rhs, rhs, t); }
      ok &= qc_eq(q, lhs, rhs);
      /* control: Sigma (mu - x) in place of Sigma^-1 (mu - x) */
      mpq_set_ui(rhs, 0, 1);
      for (int k = 0; k < N; k++) { mpq_sub(t, mu[k], x[k]); mpq_mul(t, t, s[i * N + k]); mpq_add(rhs, rhs, t); }
      ctl &= !qc_eq(q, lhs, rhs) || !mpq_sgn(lhs);
    }
  }
  qc_record(q, claim, "control", QC_MUST_HOLD, ctl, "grad = Sigma^-1 (mu - x)", (unsigned long)points,
            "the same exact central differences against Sigma (mu - x): %s", ctl ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, claim, "exact", QC_MUST_HOLD, ok && points == QC_POINTS, "grad = Sigma^-1 (mu - x)", (unsigned long)points,
            "exact central differences along each axis, %d random rational %s Sigma (3x3, inverted exactly by Gauss-Jordan)",
            points, diagonal ? "diagonal" : "SPD");
  for (int i = 0; i < N * N; i++) { mpq_clear(a[i]); mpq_clear(s[i]); mpq_clear(p[i]); }
  for (int i = 0; i < N; i++) { mpq_clear(x[i]); mpq_clear(mu[i]); mpq_clear(xs[i]); }
  mpq_clears(h, lo, hi, lhs, rhs, t, NULL);
}

/* The multivariate log-density -(n log 2pi + log det S + d^T S^-1 d)/2
 * integrates to 1: 2-D trapezoid rule in MPFR on a fixed S. */
static void check_multivariate_normalisation(qcheck *q, const char *claim, double s01)
{
  const double s00 = 2.0, s11 = 1.5; /* eigenvalues in [0.5, 3] for |s01| <= 1 */
  double det = s00 * s11 - s01 * s01; /* exact for these dyadic entries */
  mpfr_t sum, w, t, c;
  mpfr_inits2(QC_PREC, sum, w, t, c, (mpfr_ptr)0);
  mpfr_set_zero(sum, 1);
  const long half = 120;
  const double step = 0.25; /* |x_i| <= 30; a dyadic step keeps the grid exact */
  for (long i = -half; i <= half; i++)
    for (long j = -half; j <= half; j++) {
      /* quad = (s11 x0^2 - 2 s01 x0 x1 + s00 x1^2)/det, x = (i, j) step */
      mpfr_set_si(w, i * i, MPFR_RNDN);
      mpfr_mul_d(w, w, s11, MPFR_RNDN);
      mpfr_set_si(t, 2 * i * j, MPFR_RNDN);
      mpfr_mul_d(t, t, s01, MPFR_RNDN);
      mpfr_sub(w, w, t, MPFR_RNDN);
      mpfr_set_si(t, j * j, MPFR_RNDN);
      mpfr_mul_d(t, t, s00, MPFR_RNDN);
      mpfr_add(w, w, t, MPFR_RNDN);
      mpfr_mul_d(w, w, step, MPFR_RNDN);
      mpfr_mul_d(w, w, step, MPFR_RNDN);
      mpfr_div_d(w, w, det, MPFR_RNDN);
      mpfr_div_2ui(w, w, 1, MPFR_RNDN);
      mpfr_neg(w, w, MPFR_RNDN);
      mpfr_exp(w, w, MPFR_RNDN);
      mpfr_add(sum, sum, w, MPFR_RNDN);
    }
  mpfr_const_pi(c, MPFR_RNDN);
  mpfr_mul_2ui(c, c, 1, MPFR_RNDN);
  mpfr_set_d(t, det, MPFR_RNDN);
  mpfr_sqrt(t, t, MPFR_RNDN);
  mpfr_mul(c, c, t, MPFR_RNDN);       /* 2 pi sqrt(det) */
  mpfr_mul_d(sum, sum, step * step, MPFR_RNDN);
  mpfr_div(sum, sum, c, MPFR_RNDN);
  mpfr_sub_ui(sum, sum, 1, MPFR_RNDN);
  double err = mpfr_get_d(sum, MPFR_RNDN);
  /* control: the normaliser 2 pi det Sigma in place of 2 pi sqrt(det Sigma) */
  mpfr_add_ui(sum, sum, 1, MPFR_RNDN); mpfr_div(sum, sum, t, MPFR_RNDN); mpfr_sub_ui(sum, sum, 1, MPFR_RNDN);
  double err_ctl = fabs(mpfr_get_d(sum, MPFR_RNDN));
  qc_record(q, claim, "control", QC_MUST_HOLD, err_ctl > 1e-30, "integral of exp(logpdf) = 1", 241 * 241,
            "the same quadrature with the normaliser 2 pi det Sigma (no square root): |integral - 1| = %.3f: %s", err_ctl,
            err_ctl > 1e-30 ? "rejected, as it must be" : "NOT rejected");
  qc_record(q, claim, "numeric", QC_MUST_HOLD, qc_small(q, fabs(err), 1e-30), "integral of exp(logpdf) = 1", 241 * 241,
            "2-D trapezoid rule (h=1/4, |x_i|<=30) at %d bits, Sigma=[[2,%g],[%g,1.5]]: |integral - 1| = %.3e",
            QC_PREC, s01, s01, fabs(err));
  mpfr_clears(sum, w, t, c, (mpfr_ptr)0);
}

int main(void)
{
  qcheck q;
  qc_init(&q, PROGRAM);
  QC_WITH_CONTROLS(&q) {
    check_derivative(&q, "gauss.score.toy", +1);
    check_derivative(&q, "gauss.score.langevin", +1);
    check_normalisation_and_moments(&q);
    check_expectations(&q);
    check_multivariate(&q, "gauss.score.full", 0);
    check_multivariate(&q, "gauss.score.diag", 1);
    check_multivariate_normalisation(&q, "gauss.logpdf.full", 0.75);
    check_multivariate_normalisation(&q, "gauss.logpdf.diag", 0.0);
  }
  return qc_finish(&q);
}
