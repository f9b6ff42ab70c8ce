/* qcheck.c -- see qcheck.h. */
#include "qcheck.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void qc_init(qcheck *q, const char *program)
{
  q->program = program;
  q->seed = evidence_seed(program);
  q->rng = gsl_rng_alloc(gsl_rng_mt19937);
  q->ev = evidence_open(program);
  q->failures = q->checks = q->control = 0;
  if (!q->rng || !q->ev) { fprintf(stderr, "%s: cannot start\n", program); exit(2); }
  gsl_rng_set(q->rng, q->seed);
}

int qc_finish(qcheck *q)
{
  int bad = evidence_close(q->ev);
  gsl_rng_free(q->rng);
  printf("%s: %d checks, %d must-hold failures\n", q->program, q->checks, q->failures);
  return (q->failures || bad) ? 1 : 0;
}

static void random_int(qcheck *q, mpz_t z, unsigned bits)
{
  /* bits random bits from 32-bit draws of mt19937 */
  mpz_set_ui(z, 0);
  for (unsigned got = 0; got < bits; got += 32) {
    mpz_mul_2exp(z, z, 32);
    mpz_add_ui(z, z, gsl_rng_get(q->rng) & 0xffffffffUL);
  }
  mpz_fdiv_r_2exp(z, z, bits);
}

void qc_random(qcheck *q, mpq_t r)
{
  mpz_t num, den;
  mpz_inits(num, den, NULL);
  random_int(q, num, QC_BITS + 1);
  mpz_sub_ui(num, num, 0);
  mpz_t half;
  mpz_init_set_ui(half, 1);
  mpz_mul_2exp(half, half, QC_BITS);
  mpz_sub(num, num, half); /* in [-2^B, 2^B) */
  random_int(q, den, 20);
  mpz_mul_2exp(den, den, 1);
  mpz_add_ui(den, den, 1); /* odd, in [1, 2^21) */
  mpq_set_num(r, num);
  mpq_set_den(r, den);
  mpq_canonicalize(r);
  mpz_clears(num, den, half, NULL);
}

void qc_random_pos(qcheck *q, mpq_t r)
{
  do { qc_random(q, r); } while (mpq_sgn(r) == 0);
  mpq_abs(r, r);
}

double qc_sz_log10(unsigned degree, unsigned points)
{
  /* |S| >= 2^(QC_BITS+1) distinct rationals for any fixed denominator */
  return points * (log10((double)degree) - (QC_BITS + 1) * log10(2.0));
}

int qc_eq(const qcheck *q, const mpq_t a, const mpq_t b)
{
  if (!q->control) return mpq_equal(a, b);
  mpq_t c;
  mpq_init(c);
  mpq_set_ui(c, 1, 7);
  mpq_add(c, c, b);
  int eq = mpq_equal(a, c);
  mpq_clear(c);
  return eq;
}

int qc_eq_ui(const qcheck *q, const mpq_t v, unsigned long n, unsigned long d)
{
  mpq_t c;
  mpq_init(c);
  mpq_set_ui(c, n, d);
  mpq_canonicalize(c);
  int eq = qc_eq(q, v, c);
  mpq_clear(c);
  return eq;
}

int qc_is_zero(const qcheck *q, const mpq_t v) { return qc_eq_ui(q, v, 0, 1); }

int qc_small(const qcheck *q, double err, double tol)
{
  if (q->control) err += 1 + 2 * fabs(tol);
  return err <= tol;
}

int qc_small_fr(const qcheck *q, const mpfr_t err, double tol)
{
  return qc_small(q, mpfr_get_d(err, MPFR_RNDU), tol);
}

int qc_record(qcheck *q, const char *claim, const char *kind, int must_hold, int pass,
              const char *check, unsigned long n, const char *fmt, ...)
{
  int is_control = !strcmp(kind, "control");
  if (q->control && is_control) return pass; /* a hand-made control is recorded in the first run */
  if (q->control) {
    q->checks++;
    int rejected = !pass;
    if (!rejected) {
      q->failures++;
      fprintf(stderr, "%s: FAILED negative control of %s [claim %s]: the check accepted a false statement\n",
              q->program, check, claim);
    }
    printf("%s  %-28s %-24s negative control\n", rejected ? "ctrl" : "FAIL", claim, check);
    return evidence_row(q->ev, claim, "control", rejected, check, n, q->seed,
                        "the same check run on the statement with a wrong constant in every comparison "
                        "(exact: right side + 1/7; numeric: residual + 1 + 2 tol): %s",
                        rejected ? "rejected, as it must be" : "NOT rejected: the check cannot fail");
  }
  va_list ap;
  va_start(ap, fmt);
  char *detail = evidence_vformat(fmt, ap);
  va_end(ap);
  if (!detail) { fprintf(stderr, "%s: out of memory recording %s\n", q->program, check); exit(2); }
  q->checks++;
  if (!pass && (must_hold || is_control)) {
    q->failures++;
    fprintf(stderr, "%s: FAILED must-hold check %s [claim %s]: %s\n", q->program, check, claim, detail);
  }
  printf("%s  %-28s %-24s %s\n", pass ? "pass" : "FAIL", claim, check, detail);
  int r = evidence_row(q->ev, claim, kind, pass, check, n, q->seed, "%s", detail);
  free(detail);
  return r;
}

const char *qc_qstr(char *buf, size_t len, const mpq_t v)
{
  char *s = mpq_get_str(NULL, 10, v);
  snprintf(buf, len, "%s", s);
  void (*freefunc)(void *, size_t);
  mp_get_memory_functions(NULL, NULL, &freefunc);
  freefunc(s, strlen(s) + 1);
  return buf;
}

void qc_gauss_norm(mpfr_t t, const mpfr_t v)
{
  mpfr_const_pi(t, MPFR_RNDN);
  mpfr_mul_2ui(t, t, 1, MPFR_RNDN);
  mpfr_mul(t, t, v, MPFR_RNDN);
  mpfr_sqrt(t, t, MPFR_RNDN);
}

void qc_gauss_pdf_n(mpfr_t out, const mpfr_t x, const mpfr_t m, const mpfr_t v, const mpfr_t t)
{
  mpfr_t d;
  mpfr_init2(d, mpfr_get_prec(out));
  mpfr_sub(d, x, m, MPFR_RNDN);
  mpfr_sqr(d, d, MPFR_RNDN);
  mpfr_div(d, d, v, MPFR_RNDN);
  mpfr_div_2ui(d, d, 1, MPFR_RNDN);
  mpfr_neg(d, d, MPFR_RNDN);
  mpfr_exp(d, d, MPFR_RNDN);
  mpfr_div(out, d, t, MPFR_RNDN);
  mpfr_clear(d);
}

void qc_gauss_pdf(mpfr_t out, const mpfr_t x, const mpfr_t m, const mpfr_t v)
{
  mpfr_t t;
  mpfr_init2(t, mpfr_get_prec(out));
  qc_gauss_norm(t, v);
  qc_gauss_pdf_n(out, x, m, v, t);
  mpfr_clear(t);
}

void qc_gauss_moments(mpq_t *m, int kmax, const mpq_t mu, const mpq_t v)
{
  mpq_t *central = malloc((size_t)(kmax + 1) * sizeof *central);
  mpq_t t, p;
  mpq_inits(t, p, NULL);
  for (int k = 0; k <= kmax; k++) {
    mpq_init(central[k]);
    if (k % 2) continue;
    mpq_set_ui(central[k], 1, 1); /* v^(k/2) (k-1)!! */
    for (int j = 1; j < k; j += 2) { mpq_set_ui(t, (unsigned long)j, 1); mpq_mul(central[k], central[k], t); }
    for (int j = 0; j < k / 2; j++) mpq_mul(central[k], central[k], v);
  }
  mpz_t binom;
  mpz_init(binom);
  for (int k = 0; k <= kmax; k++) {
    mpq_set_ui(m[k], 0, 1);
    for (int j = 0; j <= k; j++) { /* C(k,j) mu^(k-j) central[j] */
      mpz_bin_uiui(binom, (unsigned long)k, (unsigned long)j);
      mpq_set_z(t, binom);
      mpq_mul(t, t, central[j]);
      mpq_set_ui(p, 1, 1);
      for (int i = 0; i < k - j; i++) mpq_mul(p, p, mu);
      mpq_mul(t, t, p);
      mpq_add(m[k], m[k], t);
    }
  }
  mpz_clear(binom);
  for (int k = 0; k <= kmax; k++) mpq_clear(central[k]);
  mpq_clears(t, p, NULL);
  free(central);
}

/* See qcheck.h. */
int qc_inverse(int n, const mpq_t *a_in, mpq_t *inv)
{
  mpq_t a[QC_MAX_DIM * QC_MAX_DIM], t, f;
  if (n < 1 || n > QC_MAX_DIM) return 0;
  mpq_inits(t, f, NULL);
  for (int i = 0; i < n * n; i++) { mpq_init(a[i]); mpq_set(a[i], a_in[i]); }
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) mpq_set_ui(inv[i * n + j], i == j, 1);
  int ok = 1;
  for (int col = 0; col < n && ok; col++) {
    int piv = -1;
    for (int r = col; r < n; r++) if (mpq_sgn(a[r * n + col])) { piv = r; break; }
    if (piv < 0) { ok = 0; break; }
    for (int j = 0; j < n; j++) { mpq_swap(a[col * n + j], a[piv * n + j]); mpq_swap(inv[col * n + j], inv[piv * n + j]); }
    mpq_set(t, a[col * n + col]);
    for (int j = 0; j < n; j++) { mpq_div(a[col * n + j], a[col * n + j], t); mpq_div(inv[col * n + j], inv[col * n + j], t); }
    for (int r = 0; r < n; r++) {
      if (r == col || !mpq_sgn(a[r * n + col])) continue;
      mpq_set(f, a[r * n + col]);
      for (int j = 0; j < n; j++) {
        mpq_mul(t, f, a[col * n + j]); mpq_sub(a[r * n + j], a[r * n + j], t);
        mpq_mul(t, f, inv[col * n + j]); mpq_sub(inv[r * n + j], inv[r * n + j], t);
      }
    }
  }
  for (int i = 0; i < n * n; i++) mpq_clear(a[i]);
  mpq_clears(t, f, NULL);
  return ok;
}

/* ---- the polynomial engine (see qcheck.h) ------------------------------ */
void bp_init(bpoly *p)
{
  for (int i = 0; i <= BP_DEG; i++)
    for (int j = 0; j <= BP_DEG; j++) mpq_init(p->c[i][j]);
}
void bp_clear(bpoly *p)
{
  for (int i = 0; i <= BP_DEG; i++)
    for (int j = 0; j <= BP_DEG; j++) mpq_clear(p->c[i][j]);
}
void bp_zero(bpoly *p)
{
  for (int i = 0; i <= BP_DEG; i++)
    for (int j = 0; j <= BP_DEG; j++) mpq_set_ui(p->c[i][j], 0, 1);
}
void bp_lin(bpoly *p, const mpq_t c0, const mpq_t cx, const mpq_t ce)
{
  bp_zero(p);
  mpq_set(p->c[0][0], c0);
  mpq_set(p->c[1][0], cx);
  mpq_set(p->c[0][1], ce);
}
void bp_mul(bpoly *r, const bpoly *a, const bpoly *b)
{
  mpq_t t;
  mpq_init(t);
  bp_zero(r);
  for (int i = 0; i <= BP_DEG; i++)
    for (int j = 0; j <= BP_DEG; j++) {
      if (!mpq_sgn(a->c[i][j])) continue;
      for (int k = 0; k + i <= BP_DEG; k++)
        for (int l = 0; l + j <= BP_DEG; l++) {
          if (!mpq_sgn(b->c[k][l])) continue;
          mpq_mul(t, a->c[i][j], b->c[k][l]);
          mpq_add(r->c[i + k][j + l], r->c[i + k][j + l], t);
        }
    }
  mpq_clear(t);
}
void bp_axpy(bpoly *r, const bpoly *a, const mpq_t s, const bpoly *b)
{
  mpq_t t;
  mpq_init(t);
  for (int i = 0; i <= BP_DEG; i++)
    for (int j = 0; j <= BP_DEG; j++) {
      mpq_mul(t, s, b->c[i][j]);
      mpq_add(r->c[i][j], a->c[i][j], t);
    }
  mpq_clear(t);
}


void bp_expect_moments(mpq_t out, const bpoly *p, const mpq_t *mx, const mpq_t *me)
{
  mpq_t t;
  mpq_init(t);
  mpq_set_ui(out, 0, 1);
  for (int i = 0; i <= BP_DEG; i++)
    for (int j = 0; j <= BP_DEG; j++) {
      if (!mpq_sgn(p->c[i][j])) continue;
      mpq_mul(t, p->c[i][j], mx[i]);
      mpq_mul(t, t, me[j]);
      mpq_add(out, out, t);
    }
  mpq_clear(t);
}
