/* vecfile.h -- the reference vector file format, its writer and its readers.
 *
 * A suite (suites.h) is stored as reference/vectors/<suite>.csv:
 *
 *   # ...provenance header: every line starts with '#'...
 *   id,NAME_hex,NAME,...,OUT_hex,OUT,...
 *   0,0x1.8p+0,1.5,...
 *
 * Header comment lines (no timestamps, so a file regenerates byte-identically):
 * the suite's name, description and claims, its independent check, the row count, the input and
 * output names, what every column holds, the MPFR and GMP versions, the
 * precision policy of mpref.h, the seed ("none": a suite's inputs are a
 * deterministic function of the row number), the generating command and a
 * one-line numpy load.
 *
 * Columns, in this order:
 *   id          the row number, 0-based (candidates may refer to it)
 *   NAME_hex    each input as C99 hex (%a): the exact double
 *   NAME        the same input as %.17g (reads back to the same double)
 *   OUT_hex     each output's correctly rounded binary64 value, %a
 *   OUT         that double's exact decimal expansion rounded to 30
 *               significant digits (mpfr_sprintf "%.29Re" of the double);
 *               it reads back to the same double. The suite interface
 *               returns doubles, so these digits are the correctly rounded
 *               double, not further digits of the real value.
 * NaN is written "nan", infinities "inf" / "-inf" in both columns.
 *
 * Loading without dmcheck (decimal columns; hex columns via float.fromhex):
 *   numpy.genfromtxt((l for l in open(path) if l[0] != '#'), delimiter=',', names=True)
 * (genfromtxt's own comments='#' does not skip the provenance lines before
 * the names line, hence the generator).
 *
 * Vector and candidate files (dmcheck verify) are read by the one CSV reader,
 * report/csvread.h: '#' comment lines anywhere, fields separated by ',',
 * optionally quoted with '"', LF or CRLF line ends, numbers in decimal or C99
 * hex (nan and inf allowed, overflowing literals rejected), FILE:LINE:COL
 * errors, a size cap. */
#ifndef DMC_VECFILE_H
#define DMC_VECFILE_H

#include <stddef.h>
#include <stdio.h>
#include "suites.h"

/* ---- stored vectors ---------------------------------------------------- */

typedef struct {
  const dmc_suite *suite;
  size_t nrows;
  double *in;   /* nrows x ninputs, row-major */
  double *out;  /* nrows x noutputs */
} vec_table;

typedef void (*vec_progress_fn)(size_t done, size_t total, void *arg);

/* Writes the suite in the format above; progress (may be NULL) is called
 * now and then. 0, or -1 with a one-line message in err (a row whose
 * rounding could not be proved, a write error). */
int vecfile_write(FILE *f, const dmc_suite *s, vec_progress_fn progress, void *arg,
                  char *err, size_t errlen);

/* The same header, then only rows first to end - 1 (a shard of the file). */
int vecfile_write_rows(FILE *f, const dmc_suite *s, size_t first, size_t end, vec_progress_fn progress, void *arg,
                       char *err, size_t errlen);

/* Reads reference/vectors/<suite>.csv; checks the header against the suite,
 * the ids, and that each decimal column reads back to its hex column.
 * 0, or -1 with "FILE:LINE:COL: message" in err. */
int vecfile_load(const char *path, const dmc_suite *s, vec_table *t, char *err, size_t errlen);

/* The suite's rows computed now (inputs() and eval()), as vecfile_write
 * would write them. 0, or -1 with a message in err. */
int vecfile_compute(const dmc_suite *s, vec_table *t, vec_progress_fn progress, void *arg,
                    char *err, size_t errlen);

void vec_table_free(vec_table *t);

#endif
