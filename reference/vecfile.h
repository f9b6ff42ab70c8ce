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
 * Candidate files (dmcheck verify) use the same CSV dialect: a header line,
 * '#' comment lines anywhere, fields separated by ',', optionally quoted with
 * '"' ("" inside quotes is a quote), CRLF or LF line ends, numbers in decimal
 * or C99 hex, nan and inf allowed. */
#ifndef DMC_VECFILE_H
#define DMC_VECFILE_H

#include <stddef.h>
#include <stdio.h>
#include "suites.h"

/* ---- CSV tokenizer with positions ------------------------------------- */

typedef struct {
  const char *s;   /* field text (unquoted, unescaped); not NUL-terminated */
  size_t len;
  long col;        /* 1-based byte column where the field starts */
} vec_field;

typedef struct {
  const char *path;
  char *buf;             /* the whole file, NUL-terminated */
  size_t len;
  const char *p;         /* cursor */
  const char *line_start;
  long line;             /* line of the current record, 1-based */
  int in_record;         /* 1 while fields of the current record remain */
  int need_field;        /* a field follows (record start, after a comma) */
  char scratch[1024];    /* unescaped text of a quoted field with "" */
  char err[1024];        /* "FILE:LINE:COL: message" after an error */
} vec_csv;

/* Reads the whole file (path "-" is stdin). 0, or -1 with c->err set. */
int vec_csv_open(vec_csv *c, const char *path);
/* Tokenizes a caller's NUL-terminated buffer (not freed by close). */
void vec_csv_init_buffer(vec_csv *c, const char *name, char *buf, size_t len);
void vec_csv_close(vec_csv *c);
/* Moves to the next record, skipping '#' comment lines and blank lines:
 * 1 a record begins, 0 end of file. */
int vec_csv_next_record(vec_csv *c);
/* Next field of the current record: 1 read, 0 end of the record, -1 error
 * (unterminated quote, text after a closing quote, field too long). */
int vec_csv_field(vec_csv *c, vec_field *f);
/* Formats c->err as "FILE:LINE:COL: message"; returns -1. */
int vec_csv_error(vec_csv *c, long col, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

/* Parses a whole field as a double (decimal or C99 hex, nan, inf, surrounding
 * blanks allowed): 0 ok, -1 not a number. */
int vec_parse_double(const char *s, size_t len, double *out);
/* 1 if the field equals the NUL-terminated name. */
int vec_field_is(const vec_field *f, const char *name);

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
