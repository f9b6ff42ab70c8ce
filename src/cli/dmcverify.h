/* dmcverify.h -- libdmcverify: dmcheck's verification engine as a C library.
 *
 * The suites (correctly rounded reference vectors from MPFR), the function
 * registry and `verify` are callable in-process; the dmcheck command line is
 * a thin client of this library and the Python package (src/python/dmcheck)
 * calls it through ctypes. Link with `pkg-config --libs dmcverify`.
 *
 * Conventions: functions that can fail take err/errlen and write one line
 * there ("FILE:LINE:COL: message" for files, "row N: message" for arrays);
 * they return 0 on success, 2 on bad input (unknown suite, bad option, an
 * input outside the domain, a missing vectors directory) and 1 on an
 * internal failure (out of memory, rounding not proved). On failure every
 * output pointer is left NULL.
 *
 * Stored vectors: DIR/<suite>.csv, where DIR is (first that applies)
 *   the vectors argument of dmv_options (non-NULL);
 *   $DMC_VECTORS (must name an existing directory: anything else is an error);
 *   <prefix>/share/dmcheck/vectors, beside the installed library or program;
 *   the source tree's reference/vectors (the build tree's library and program).
 * A suite whose file is missing in DIR is computed now with MPFR (the result's
 * source says so). The prefix dmv_ is this library's (dmc_ is libdmcheck's). */
#ifndef DMCVERIFY_H
#define DMCVERIFY_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DMV_WORST_MAX 100

/* ---- suites -------------------------------------------------------------- */
int dmv_nsuites(void);
/* Name of suite i (0 <= i < dmv_nsuites()), or NULL. */
const char *dmv_suite_name(int i);
/* Shape of a suite: 0, or 2 for an unknown suite. */
int dmv_suite_shape(const char *suite, int *ninputs, int *noutputs);
/* Column names (NULL out of range or for an unknown suite). */
const char *dmv_suite_input(const char *suite, int i);
const char *dmv_suite_output(const char *suite, int i);
const char *dmv_suite_description(const char *suite);

/* The directory of stored vectors as described above (vectors may be NULL).
 * 0, or 2 with the reason in err. */
int dmv_vectors_dir(const char *vectors, char *dir, size_t dirlen, char *err, size_t errlen);

/* The suite's rows: *in (nrows x ninputs) and *out (nrows x noutputs),
 * row-major, from the stored vectors (or computed when the file is missing);
 * free both with dmv_free. */
int dmv_ref(const char *suite, const char *vectors, size_t *nrows, double **in, double **out,
            char *err, size_t errlen);
void dmv_free(void *p);

/* ---- functions (the registry of `dmcheck eval` / `dmcheck list`) --------- */
int dmv_nfunctions(void);
/* Name, argument names and output of function i (space-separated), or NULL. */
const char *dmv_function_name(int i);
const char *dmv_function_args(int i);
/* The correctly rounded value of function NAME at args[0..nargs-1]:
 * 0, 2 unknown name / wrong count / outside the domain, 1 rounding not
 * proved or out of memory. */
int dmv_eval(const char *name, const double *args, int nargs, double *out, char *err, size_t errlen);

/* ---- verify --------------------------------------------------------------- */
typedef struct {
  const char *dtype;       /* float64 (NULL), float32, float16, bfloat16 */
  double budget_ulp;       /* default budget of every output (1) */
  const double *budgets;   /* NULL, or noutputs budgets; a NaN entry takes budget_ulp */
  double abs_tol;          /* a row passes if |cand - ref| <= abs_tol OR ulp <= budget (0) */
  int worst;               /* worst rows kept per output, <= DMV_WORST_MAX (5) */
  const char *vectors;     /* NULL: see above */
  int live;                /* 1: compute every reference now, ignoring stored vectors */
  const char *name;        /* the candidate's name in reports (NULL: "arrays") */
  /* Rows left out, each "ROWS:REASON" with ROWS a data row (0-based, in the
   * candidate's order) or a range A-B; reported with their reason, never
   * silently (at most DMV_EXCLUDE_MAX). */
  const char *const *exclude;
  int nexclude;
  /* NULL, or a stream receiving every row's error as CSV: row, id, the inputs,
   * then per present output OUT, OUT_ref (correctly rounded, in the dtype),
   * OUT_ulp, OUT_over (1 over budget), and excluded (the reason, or empty). */
  FILE *rows_out;
  /* dmv_verify_columns: NULL, or n row numbers to name the rows by in reports
   * and errors instead of 0..n-1 (a caller that dropped rows keeps its own). */
  const long *row_labels;
} dmv_options;
#define DMV_EXCLUDE_MAX 64

void dmv_options_init(dmv_options *o);

typedef struct dmv_result dmv_result;

/* Verifies n candidate rows given as columns of doubles. ids: NULL or the
 * suite's row numbers (integers 0..count-1); in: NULL (no inputs) or
 * ninputs pointers, all non-NULL; out: noutputs pointers, NULL for an
 * absent output (at least one present). Without ids and inputs, row k is
 * the suite's row k. Rows with inputs that are not stored rows are
 * evaluated live (within the live domain, README). row_ulp: NULL or
 * n x P doubles (P: the number of present outputs, in the suite's order)
 * receiving each row's ULP error (NaN for excluded rows and rows whose
 * rounding was not proved); row_over: NULL or n x P flags, 1 for a row over
 * its output's budget (abs_tol applied), else 0. On success *res is set (free with dmv_result_free). */
int dmv_verify_columns(const char *suite, const dmv_options *o, size_t n, const double *ids,
                       const double *const *in, const double *const *out, double *row_ulp,
                       unsigned char *row_over, dmv_result **res, char *err, size_t errlen);

/* Verifies a candidate file: CSV (see `dmcheck help verify`), or NumPy .npz
 * (named arrays) / .npy (structured array) by extension. */
int dmv_verify_file(const char *suite, const dmv_options *o, const char *path, dmv_result **res,
                    char *err, size_t errlen);

/* 1 if every present output is within its budget. */
int dmv_result_ok(const dmv_result *r);
size_t dmv_result_rows(const dmv_result *r);
/* Output i's statistics: -1 for an absent output (or i out of range). */
int dmv_result_present(const dmv_result *r, int i);
double dmv_result_max_ulp(const dmv_result *r, int i);
double dmv_result_budget(const dmv_result *r, int i);
size_t dmv_result_over(const dmv_result *r, int i);
/* The k-th worst row of output i (worst first; k < dmv_result_nworst):
 * its row index in the candidate, id (-1 none), candidate value (in the
 * dtype), correctly rounded reference (double) and ULP error; inputs (NULL,
 * or room for ninputs) its inputs. 0 or 2. */
int dmv_result_nworst(const dmv_result *r, int i);
int dmv_result_worst(const dmv_result *r, int i, int k, long *row, long *id, double *cand, double *ref,
                     double *ulp, double *inputs);
/* The report as text, json or junit (malloc'd, free with dmv_free), or NULL. */
char *dmv_result_report(const dmv_result *r, const char *format);
void dmv_result_free(dmv_result *r);

/* ---- baselines (README "Baselines") ---------------------------------------- */
/* The result as a baseline file (malloc'd text, free with dmv_free; NULL out
 * of memory): the suite, a hash of the stored reference vectors used, the
 * dtype, the row count and a hash of the rows (order, ids, inputs,
 * exclusions); per present output its budget, max ULP and counts of rows
 * over budget, NaN/Inf mismatches and sign errors; then every row's ULP
 * error and flags. */
char *dmv_baseline_text(const dmv_result *r);
/* Judges r against the baseline file PATH. A regression: an output's max ULP
 * grows, a row goes over budget, a row gets a NaN/Inf mismatch or a sign
 * error it did not have; with margin >= 0 (strict; NaN: off) also a row whose
 * ULP error grows by more than margin. *report (malloc'd, free with dmv_free)
 * lists regressions and improvements by row; *improved is 1 when nothing
 * regressed and something improved. 0 no regression, 1 regression (or out of
 * memory, *report NULL), 2 bad input: an unreadable or malformed baseline
 * (PATH:LINE:COL) or one taken with another suite, vectors, dtype, budget,
 * outputs or rows. */
int dmv_baseline_check(const dmv_result *r, const char *path, double margin, char **report, int *improved,
                       char *err, size_t errlen);
/* Output OUTPUT's per-row ULP errors in the baseline file PATH (n rows;
 * NaN for rows not verified) into ulp: 0, or 2 with the message. */
int dmv_baseline_ulps(const char *path, const char *output, size_t n, double *ulp, char *err, size_t errlen);
/* A picture of the error as SVG (malloc'd, free with dmv_free): per present
 * output, every row's ULP error against its row number on a log scale, rows
 * over budget in red, the budget as a dashed line, NaN/Inf mismatches on a
 * top band, and (baseline non-NULL) the baseline's errors in grey beside
 * them. NULL with the message in err (2: a bad baseline; out of memory). */
char *dmv_result_svg(const dmv_result *r, const char *baseline, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
