/* sched_ref.h -- internal machinery of the schedule references
 * (reference/schedule.c) shared by the schedule vector suites: a cache of
 * one schedule's certified betas and its prefix products at each working
 * precision, so the outputs of a row, and the rows of one T, share one
 * sweep of the product. */
#ifndef DMC_SCHED_REF_H
#define DMC_SCHED_REF_H

#include <gmp.h>
#include "mpref.h"

#define SCHED_PREFIX_LEVELS 4
typedef struct {
  long n;                 /* betas beta_1..beta_n */
  int cross, status;      /* cross: the independent path; status of the betas */
  double *beta;
  unsigned char *clipped;
  int nlev;               /* cached precisions */
  mpfr_prec_t prec[SCHED_PREFIX_LEVELS];
  mpfr_t *P[SCHED_PREFIX_LEVELS], *Q[SCHED_PREFIX_LEVELS];   /* P_k, 1 - P_k at the kept k */
  unsigned char *Px[SCHED_PREFIX_LEVELS], *Qx[SCHED_PREFIX_LEVELS]; /* exactly held */
  long *slot;             /* slot[k]: where P_k is kept, -1 if not wanted (n + 1 entries) */
  long nwant;
  int all;                /* primary path only: keep every k (ref_alphabar_all) */
  int exact;              /* cross path: exact P_k = M_k 2^E_k at the wanted k */
  mpz_t *M;
  long *E;
} sched_prefix;

typedef struct {
  mpfr_srcptr P, Q;
  int P_exact, Q_exact, cross;
  mpfr_prec_t rel;        /* P, Q not flagged exact have relative errors <= 2^-rel */
} sched_pq;

/* Certified betas of schedule (kind, T) for t = 1..n (primary or cross
 * formula); returns the worst mpref status (0 ok). */
int sched_prefix_init(sched_prefix *c, int kind, long T, long n, int cross);
/* The same cache over caller-given betas (0 <= beta <= 1, n <= TMAX). */
int sched_prefix_from_betas(sched_prefix *c, size_t n, const double *beta, int cross);
void sched_prefix_free(sched_prefix *c);
/* Declares a k whose products will be asked for (required, before the first
 * get; any number: a suite asks for every row of one T at once, so the
 * products are formed once per T). Returns 1 when out of memory. */
int sched_prefix_want(sched_prefix *c, long k);
/* P_k, Q_k at working precision p (relative error < 2^-rel, rel >= p + 8). */
int sched_prefix_get(sched_prefix *c, mpfr_prec_t p, long k, sched_pq *v);
/* An mpref evaluator body: quantity `which` (REF_AB_*) of (P, Q), with its
 * derived bound (for mpref_round_proved). */
long sched_ab_quantity(mpfr_t y, int which, const sched_pq *v);
/* Correctly rounded quantity `which` of alphabar_k. */
int sched_prefix_round(sched_prefix *c, long k, int which, double *out);
/* All REF_AB_N quantities of alphabar_k in one mpref_round_each (the logs
 * computed once): out[REF_AB_*], status[] as mpref_round_each; the worst. */
int sched_prefix_round_all(sched_prefix *c, long k, double *out, int *status);

#endif
