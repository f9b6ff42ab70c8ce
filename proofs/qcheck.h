/* qcheck.h -- shared machinery of the proof checks (independent of src/).
 *
 * A step that is rational in its parameters is checked exactly with GMP
 * rationals at random points. Points are drawn from the finite set
 *   S = { k / D : |k| <= 2^QC_BITS }   (D a random odd denominator per point),
 * so by the Schwartz-Zippel lemma a false identity of total degree d (after
 * clearing denominators) survives one point with probability <= d/|S|, and
 * K independent points with probability <= (d/|S|)^K; qc_sz_log10 states it.
 * Steps that are not rational are checked in MPFR at QC_PREC bits.
 *
 * Each check leaves an evidence row. A check marked QC_MUST_HOLD (our own
 * derivation) that fails makes the program exit non-zero; a check of a
 * document's statement as written (QC_AS_WRITTEN) records its outcome either
 * way, since finding a document's mistake is a result, not a failure.
 *
 * Negative controls. A program can run its checks twice (QC_WITH_CONTROLS): once
 * as they are, and once with q->control set, in which every comparison made
 * through qc_eq / qc_small is made against the statement with a wrong
 * constant: qc_eq(a, b) compares a with b + 1/7, and qc_small(err, tol) asks
 * whether err + 1 + 2 tol <= tol. The same check code then meets a false
 * statement and must reject it; qc_record writes that outcome as a `control`
 * row with the same claim and check (pass = rejected). A control that is not
 * rejected is a must-hold failure: the check cannot fail. */
#ifndef DMC_QCHECK_H
#define DMC_QCHECK_H

#include <gmp.h>
#include <mpfr.h>
#include <gsl/gsl_rng.h>
#include "evidence.h"

#define QC_BITS 40
#define QC_PREC 256
#define QC_POINTS 32

enum { QC_AS_WRITTEN = 0, QC_MUST_HOLD = 1 };

typedef struct {
  const char *program;
  unsigned long seed;
  gsl_rng *rng;
  dmc_evidence *ev;
  int failures;       /* failed QC_MUST_HOLD checks */
  int control;        /* 1 while the checks run as their own negative controls */
  int checks;
} qcheck;

/* Seeds (DMC_SEED), opens the evidence file; exits with status 2 on failure. */
void qc_init(qcheck *q, const char *program);
/* Closes everything; returns the exit status (1 if a must-hold check failed). */
int qc_finish(qcheck *q);

/* A random rational from S (see above); qc_random_pos gives one in (0, 2^QC_BITS]. */
void qc_random(qcheck *q, mpq_t r);
void qc_random_pos(qcheck *q, mpq_t r);

/* log10 of the Schwartz-Zippel false-pass bound (degree/|S|)^points. */
double qc_sz_log10(unsigned degree, unsigned points);

/* Runs the block twice: the checks, then their negative controls. */
#define QC_WITH_CONTROLS(q) for ((q)->control = 0; (q)->control < 2; (q)->control++)

/* a == b; under a control, a == b + 1/7 (see above). */
int qc_eq(const qcheck *q, const mpq_t a, const mpq_t b);
/* qc_eq(v, n/d). */
int qc_eq_ui(const qcheck *q, const mpq_t v, unsigned long n, unsigned long d);
/* qc_eq(v, 0). */
int qc_is_zero(const qcheck *q, const mpq_t v);
/* qc_small for an MPFR error (rounded up to a double). */
int qc_small_fr(const qcheck *q, const mpfr_t err, double tol);
/* err <= tol; under a control, err + 1 + 2|tol| <= tol (see above). */
int qc_small(const qcheck *q, double err, double tol);

/* Records one check (under a control: its control row); returns pass. */
int qc_record(qcheck *q, const char *claim, const char *kind, int must_hold, int pass,
              const char *check, unsigned long n, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

/* Formats an mpq as "num/den" into buf (truncated to len). */
const char *qc_qstr(char *buf, size_t len, const mpq_t v);

/* inv = a^{-1} for an n x n rational matrix (row-major), by Gauss-Jordan on
 * a copy; returns 0 if a is singular. n <= QC_MAX_DIM. */
#define QC_MAX_DIM 8
int qc_inverse(int n, const mpq_t *a, mpq_t *inv);

/* Exact moments of N(mu, v): m[k] = E[x^k] for k = 0..kmax, from the central
 * moments E[(x-mu)^(2i)] = v^i (2i-1)!! (odd ones vanish) by the binomial
 * theorem. m must hold kmax+1 initialised mpq_t. */
void qc_gauss_moments(mpq_t *m, int kmax, const mpq_t mu, const mpq_t v);

/* The normal density in MPFR at the precision of its result:
 * qc_gauss_norm: t = sqrt(2 pi v); qc_gauss_pdf_n: out = N(x; m, v) with
 * t = qc_gauss_norm(v) computed once by the caller (a quadrature's nodes
 * share it); qc_gauss_pdf: both (the same roundings). */
void qc_gauss_norm(mpfr_t t, const mpfr_t v);
void qc_gauss_pdf_n(mpfr_t out, const mpfr_t x, const mpfr_t m, const mpfr_t v, const mpfr_t t);
void qc_gauss_pdf(mpfr_t out, const mpfr_t x, const mpfr_t m, const mpfr_t v);

/* ---- the polynomial engine: bivariate polynomials in (x, eps) ---------- */
/* Coefficients c[i][j] of x^i eps^j, 0 <= i, j <= BP_DEG. */
#define BP_DEG 8
typedef struct { mpq_t c[BP_DEG + 1][BP_DEG + 1]; } bpoly;
void bp_init(bpoly *p);
void bp_clear(bpoly *p);
void bp_zero(bpoly *p);
/* p = c0 + cx x + ce eps */
void bp_lin(bpoly *p, const mpq_t c0, const mpq_t cx, const mpq_t ce);
/* r = a * b (r distinct from a and b; the product must fit in degree BP_DEG) */
void bp_mul(bpoly *r, const bpoly *a, const bpoly *b);
/* r = a + s b (r may alias a) */
void bp_axpy(bpoly *r, const bpoly *a, const mpq_t s, const bpoly *b);
/* E p(x, eps) for independent x, eps with moments mx[k] = E x^k and
 * me[k] = E eps^k, k = 0..BP_DEG (e.g. from qc_gauss_moments). */
void bp_expect_moments(mpq_t out, const bpoly *p, const mpq_t *mx, const mpq_t *me);

#endif
