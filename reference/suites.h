/* suites.h -- reference vector suites: named sets of inputs with correctly
 * rounded outputs from the MPFR evaluators. `dmcheck ref` writes them to
 * reference/vectors/<name>.csv (see reference/vecfile.h for the format) and
 * `dmcheck verify` compares candidates against them.
 *
 * A suite is a table of rows. Row r's inputs come from inputs(r) -- always
 * exactly representable doubles, including the hard regions -- and its outputs
 * from eval(), which must return the correctly rounded double of each output
 * (via mpref_round) so that a candidate bringing its own inputs can be
 * evaluated live. Discrete inputs (a schedule kind, T, t) are doubles holding
 * small integers; the suite's description says what each code means. */
#ifndef DMC_SUITES_H
#define DMC_SUITES_H

#include <stddef.h>

#define DMC_SUITE_MAX_COLS 16

typedef struct {
  const char *name;          /* file stem: reference/vectors/<name>.csv */
  const char *description;   /* one line; codes of discrete inputs */
  const char *claims;        /* claim ids the suite exercises, space separated (may be "") */
  int ninputs, noutputs;
  const char *const *input_names;
  const char *const *output_names;
  size_t (*count)(void);
  /* Fills in[ninputs] for row r < count(); returns 0. */
  int (*inputs)(size_t r, double *in);
  /* Correctly rounded outputs for arbitrary inputs: 0 ok, 1 domain error
   * (outputs NaN), 2 rounding not proved. */
  int (*eval)(const double *in, double *out);
  /* A second evaluation path (another formula or precision path), correctly
   * rounded like eval; it may share helpers with eval, so it checks the
   * rounding proofs, not the mathematics. */
  int (*cross)(const double *in, double *out);
  /* One line naming the suite's independent check (tests/vec_indep*.c: no
   * code shared with eval or cross); printed in the vector file's header. */
  const char *indep;
} dmc_suite;

/* Rows first..first+n-1 of s's table on one path (cross = 0: eval, 1:
 * cross): inputs to in[], outputs to out[] (row-major), status[j] as eval's
 * return. What eval/cross give row by row, but suites whose rows share work
 * do it once (the schedule suites: one prefix product per T). Returns 0, or
 * -1 when out of memory. */
int dmc_suite_rows(const dmc_suite *s, int cross, size_t first, size_t n, double *in, double *out, int *status);
/* The schedule suites' shared rows (suite_sched.c); -2 for another suite. */
int dmc_sched_suite_rows(const dmc_suite *s, int cross, size_t first, size_t n, double *in, double *out, int *status);
/* gauss_kl's rows (suite_kl.c: exp(-logvar2) shared); -2 for another suite. */
int dmc_kl_suite_rows(const dmc_suite *s, int cross, size_t first, size_t n, double *in, double *out, int *status);

/* -1 when in[] lies in s's domain, else the index of the offending input
 * and a one-line reason in why: the CLI reports such a live row as bad
 * input, not as an infinite error. Suites without a stated domain: -1. */
int dmc_suite_domain(const dmc_suite *s, const double *in, char *why, size_t len);
/* The schedule suites' domains (suite_sched.c); -2 for another suite. */
int dmc_sched_suite_domain(const dmc_suite *s, const double *in, char *why, size_t len);

/* The registry (reference/suites.c). */
extern const dmc_suite *const dmc_suites[];
extern const size_t dmc_nsuites;
const dmc_suite *dmc_suite_find(const char *name);

#endif
