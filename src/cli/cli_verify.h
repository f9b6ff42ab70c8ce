/* cli_verify.h -- pieces of `dmcheck verify`: the candidate reader
 * (cli_candidate.c) and the report writers (cli_report.c). */
#ifndef DMC_CLI_VERIFY_H
#define DMC_CLI_VERIFY_H

#include <stdint.h>
#include <stdio.h>
#include "cli.h"
#include "suites.h"
#include "csvread.h"
#include "vecfile.h"
#include "dmcverify.h"

#define CLI_CAND_MAX_COLS 64
#define CLI_WORST_MAX 100
/* Decades of |correct value| for the report's breakdown: bin 0 is zero,
 * bin CLI_DEC_N - 1 non-finite, bin k the decade 10^(k - CLI_DEC_OFF). */
#define CLI_DEC_N 660
#define CLI_DEC_OFF 330

enum { CAND_SKIP, CAND_ID, CAND_IN, CAND_OUT };

/* A candidate CSV: header mapped onto the suite's columns. A column is id,
 * an input or output NAME, or NAME_hex (preferred when both are present;
 * the other is then skipped). */
typedef struct {
  const dmc_suite *suite;
  csv_reader csv;
  int ncols;
  int kind[CLI_CAND_MAX_COLS], index[CLI_CAND_MAX_COLS], hex[CLI_CAND_MAX_COLS];
  int id_col;                           /* -1: no id column */
  int in_col[DMC_SUITE_MAX_COLS];       /* -1: absent */
  int out_col[DMC_SUITE_MAX_COLS];
  int has_inputs, nout;
  long header_line;
  size_t suite_rows;                    /* the suite's count(): the ids allowed */
  struct cli_cand_ahead *ahead;         /* rows parsed ahead (cli_cand_parallel), or NULL */
} cli_cand;

typedef struct {
  long line;
  long id;                              /* -1 without an id column */
  double in[DMC_SUITE_MAX_COLS];
  double out[DMC_SUITE_MAX_COLS];
} cli_cand_row;

/* Opens the file and maps its header; -1 with "FILE:LINE:COL: ..." in
 * c->csv.err (the file is closed then). */
int cli_cand_open(cli_cand *c, const char *path, const dmc_suite *s, size_t max_bytes);
/* Next data row: 1, 0 at the end, -1 with the error in c->csv.err. An id
 * must be a row number of the suite (0 to count() - 1) on every path. */
int cli_cand_next(cli_cand *c, cli_cand_row *row);
/* Passes over the next data row without reading its fields (another
 * shard's): 1, 0 at the end, -1 with the error in c->csv.err. Not with
 * cli_cand_parallel (it then reads the row). */
int cli_cand_skip(cli_cand *c);
void cli_cand_close(cli_cand *c);
/* The next data row from c->csv itself (cli_cand_next without rows parsed
 * ahead): 1, 0 at the end, -1 with the error in c->csv.err. */
int cli_cand_read_row(cli_cand *c, cli_cand_row *row);

/* ---- rows parsed ahead on several threads (cli_cand_ahead.c) ---- */
/* From now on the rows are parsed ahead by nthreads (2..DMC_MAX_THREADS)
 * threads, the caller's among them, in blocks of lines; cli_cand_next gives
 * them in file order: the same rows, errors and positions as one thread
 * gives. A block has up to block_lines lines (0: the default, 4096; tests
 * use a few to cross many block ends). 0, or -1 out of memory (c unchanged: one row at a
 * time). */
int cli_cand_parallel(cli_cand *c, unsigned nthreads, size_t block_lines);
int cli_cand_ahead_next(cli_cand *c, cli_cand_row *row);
/* Stops the parsing threads, so the caller may use c->csv (to report an
 * error about a row); cli_cand_next then gives no more rows. */
void cli_cand_ahead_stop(cli_cand *c);
void cli_cand_ahead_free(struct cli_cand_ahead *a);

/* ---- results and reports ---- */
typedef struct {
  long line, id;
  double in[DMC_SUITE_MAX_COLS];
  double cand, ref, ref_fmt, ulp, rel;
} cli_worst;

typedef struct {
  unsigned long n, over, nan_mismatch, sign_flip; /* sign_flip: nonzero values of opposite sign */
  double max_ulp, max_rel;
  /* the sum of the finite ULP errors (whole numbers below 2^64), exactly:
   * sum_hi 2^32 + sum_lo, so it does not depend on the order of the rows */
  uint64_t sum_hi, sum_lo;
  int nworst;
  cli_worst worst[CLI_WORST_MAX];       /* largest ULP errors, worst first */
  double over_lo[DMC_SUITE_MAX_COLS], over_hi[DMC_SUITE_MAX_COLS]; /* inputs of over-budget rows */
  double over_ref_lo, over_ref_hi;      /* and their reference values (NaN ignored, -0 < +0) */
  unsigned long dec_n[CLI_DEC_N], dec_over[CLI_DEC_N];
  double dec_max[CLI_DEC_N];            /* rows, rows over budget, max ULP per decade */
} cli_out_stats;

/* The result of a verification (dmcverify.h's dmv_result). */
struct dmv_result {
  const dmc_suite *suite;
  const cli_format *fmt;
  char candidate[1024];
  char source[4200];                    /* where the reference values came from */
  const char *row_word;                 /* "line" (files) or "row" (arrays) */
  double budget;                        /* the default budget */
  double budgets[DMC_SUITE_MAX_COLS];   /* each output's */
  double abs_tol;
  int worst_k;
  int nexcl;
  struct { size_t lo, hi; unsigned long n; char reason[200]; } excl[DMV_EXCLUDE_MAX];
  FILE *rows_out;
  /* how the run goes (defaults from cli_verify_setup; `dmcheck verify` sets them) */
  size_t max_bytes;                     /* candidate file cap (0: CSV_STREAM_MAX_BYTES) */
  int keep_rows;                        /* keep every row's ULP error (baselines, plots) */
  unsigned threads;                     /* live evaluation threads (0: every online CPU) */
  unsigned shard, nshards;              /* this run's rows: row % nshards == shard */
  unsigned long rows, live, unproved;
  int present[DMC_SUITE_MAX_COLS];
  cli_out_stats out[DMC_SUITE_MAX_COLS];
  /* with keep_rows, every row's ULP error and CLI_ROW_* flags per present
   * output (row-major, nseen rows x the present outputs), for baselines
   * (dmv_baseline.c) */
  double *row_ulp;
  unsigned char *row_flag;
  size_t nseen, row_cap;                /* nseen: the candidate's rows, every shard's */
  /* the rows: the sum of a hash of each row's position, id, inputs and
   * exclusion (a sum, so shards add up to the whole run's) */
  uint64_t rowset_hash;
  uint64_t vectors_hash;                /* the stored reference table used (0: none) */
};
enum { CLI_ROW_OVER = 1, CLI_ROW_NAN = 2, CLI_ROW_SIGN = 4, CLI_ROW_SKIP = 8 };
typedef struct dmv_result cli_verify_result;

/* A stream of candidate rows for the engine (dmv_verify.c): next() gives
 * 1, 0 at the end or -1 (its message in err()); fail() records a message
 * about the current row. */
typedef struct {
  void *src;
  int has_inputs;
  int (*next)(void *src, cli_cand_row *row);
  int (*skip)(void *src);               /* as next, without reading the row */
  void (*fail)(void *src, const cli_cand_row *row, const char *msg);
  const char *(*err)(void *src);
} cli_rows;
/* Runs the engine over the rows into r (suite, fmt, budgets, present,
 * worst_k and candidate set by the caller); vectors/live as dmv_options;
 * row_ulp and row_over (NULL, or room for cap rows x noutputs) receive each
 * row's ULP errors and over-budget flags. 0, or 2 / 1 with the message in err. */
int cli_verify_rows(cli_verify_result *r, const char *vectors, int live, cli_rows *rows,
                    double *row_ulp, unsigned char *row_over, size_t cap, char *err, size_t errlen);
/* The suite's rows for r (r->source says where from): the stored file in
 * vectors' directory, or (required, or no file) computed now; live: none
 * stored. path receives the file's path. 0, or 2 / 1 with the message. */
int cli_verify_table(cli_verify_result *r, const char *vectors, int live, int required, vec_table *t,
                     char *path, size_t pathlen, char *err, size_t errlen);
/* The threads a run uses (r->threads, or 0: every online CPU). */
unsigned cli_verify_threads(const cli_verify_result *r);
/* r set up from the options for suite s: 0, or 2 with a message. */
int cli_verify_setup(cli_verify_result *r, const dmc_suite *s, const dmv_options *o, char *err, size_t errlen);
/* dmv_verify_file with the run settings of `how` (max_bytes, keep_rows,
 * threads, shard, nshards; the rest of it is ignored). */
int cli_verify_file(const char *suite, const dmv_options *o, const cli_verify_result *how, const char *path,
                    dmv_result **res, char *err, size_t errlen);

/* min and max ignoring NaN, with -0 below +0: the over-budget ranges do not
 * depend on the order rows come in (shards merge to the single run's). */
double cli_lo(double a, double b);
/* Adds a finite ULP error (a whole number) to o's exact sum. */
void cli_sum_add(cli_out_stats *o, double ulp);
double cli_hi(double a, double b);
/* Keeps w among o's k worst rows (ULP error descending; the earlier row
 * first among equals). */
void cli_add_worst(cli_out_stats *o, int k, const cli_worst *w);
/* The decade bin of a correct value. */
int cli_decade_bin(double ref);
/* 1 if every present output is within the budget. */
int cli_verify_pass(const cli_verify_result *r);
void cli_report_text(FILE *f, const cli_verify_result *r);
void cli_report_json(FILE *f, const cli_verify_result *r);
void cli_report_junit(FILE *f, const cli_verify_result *r);
/* s as a JSON string (quoted, escaped; bytes that are not UTF-8 as U+FFFD). */
void cli_json_str(FILE *f, const char *s);

/* ---- shards (cli_shard.c) ---- */
/* A shard's exact state as JSON (doubles in C99 hex), for dmcheck merge. */
void cli_report_shard(FILE *f, const cli_verify_result *r);
/* The whole run's result from the n shard reports at paths (each index
 * 0..n-1 once, all of one run): 0, or 2 with "FILE...: message" in err. */
int cli_shard_merge(const char *const *paths, int n, cli_verify_result *r, char *err, size_t errlen);

#endif
