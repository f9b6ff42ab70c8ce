/* csvread.h -- the one reader of dmcheck's delimited text files: reference
 * vectors, candidates (dmcheck verify), the budget table, evidence. It also
 * holds the one number parser, shared by data fields and command-line
 * options.
 *
 * Dialect: records of fields separated by `sep` (',' or '\t'); lines starting
 * with '#' and blank lines are skipped; with quotes on, a field may be quoted
 * with '"' ("" inside quotes is a quote); LF or CRLF line ends. A record is
 * one line. A UTF-8 byte order mark at the start is skipped.
 *
 * Positions: every error reads "FILE:LINE:COL: message", LINE counting LF
 * line ends from 1 and COL bytes from 1. A carriage return that is not part
 * of CRLF is an error (it would be a line break to some tools and not to
 * others), as is a NUL byte.
 *
 * Capacities are errors, never silent stops: a file larger than the reader's
 * byte cap (CSV_MAX_BYTES unless the caller lowers it) or a line longer than
 * CSV_MAX_LINE fails with its position. Endless inputs (/dev/zero, a pipe
 * that never ends) therefore stop at the cap with an error. */
#ifndef DMC_CSVREAD_H
#define DMC_CSVREAD_H

#include <stddef.h>

#define CSV_MAX_BYTES ((size_t)256 << 20) /* 256 MiB per file */
#define CSV_MAX_LINE ((size_t)4 << 20)    /* 4 MiB per line */

typedef struct {
  const char *s;   /* field text (unquoted, unescaped); not NUL-terminated */
  size_t len;
  long col;        /* 1-based byte column where the field starts */
} csv_field;

typedef struct {
  const char *path;
  char *buf;             /* the whole file (or, streaming, a window of it), NUL-terminated */
  size_t len;
  int owned;             /* buf is freed by csv_close */
  /* streaming (csv_open_stream): the window holds whole lines */
  void *stream;          /* FILE *, NULL when buf holds the whole file */
  size_t cap, base;      /* buf's size; the file offset of buf[0] */
  size_t max_bytes;
  const char *last_nl;   /* the window's last line feed: lines before it are whole */
  int eof;
  char sep;              /* ',' or '\t' */
  int quotes;            /* '"' quoting on */
  char *p;               /* cursor */
  char *line_start;      /* start of the current line */
  char *rec_start;       /* start of the current record's line */
  long line;             /* line of the current record (kept until the next one) */
  long cur_line;         /* line of the cursor */
  int in_record;         /* 1 while fields of the current record remain */
  int need_field;        /* a field follows (record start, after a separator) */
  char err[1024];        /* "FILE:LINE:COL: message" after an error */
} csv_reader;

/* Reads the whole file (path "-" is stdin) of at most max_bytes (0:
 * CSV_MAX_BYTES). 0, or -1 with c->err set (cannot open, read error, too
 * large, NUL byte, out of memory). */
int csv_open(csv_reader *c, const char *path, char sep, int quotes, size_t max_bytes);
/* Reads the file (path "-" is stdin) a window at a time, so memory does not
 * grow with the file: a record's fields stay valid until the next
 * csv_next_record. Errors the whole-file reader reports at open (too large,
 * NUL byte, read error) are reported by csv_next_record when reached, with
 * their position; max_bytes 0 is CSV_STREAM_MAX_BYTES. 0, or -1 with c->err
 * set (cannot open, out of memory, an error in the first window). */
int csv_open_stream(csv_reader *c, const char *path, char sep, int quotes, size_t max_bytes);
#define CSV_STREAM_MAX_BYTES ((size_t)1 << 40) /* 1 TiB */
/* Tokenizes a caller's NUL-terminated buffer of len bytes (modified in place
 * by quoted fields; not freed by close). */
void csv_init_buffer(csv_reader *c, const char *name, char *buf, size_t len, char sep, int quotes);
void csv_close(csv_reader *c);
/* Streaming, between records: hands over the whole lines at the cursor, at
 * least one, then more while fewer than max_bytes bytes and max_lines lines
 * are taken (the window's whole lines at most), as *text and *len (in the window: valid until the next
 * call on c), the line number of their first line in *first_line and their
 * count in *nlines, and moves the cursor past them. Another reader
 * (csv_init_span) then tokenizes them as c would have. 1, 0 at the end of the
 * file, -1 with c->err (as csv_next_record). */
int csv_take_lines(csv_reader *c, size_t max_bytes, size_t max_lines, const char **text, size_t *len,
                   long *first_line, size_t *nlines);
/* A reader over a copy of lines from csv_take_lines (buf NUL-terminated at
 * len; modified in place by quoted fields), its first line numbered line and
 * named name in errors. */
void csv_init_span(csv_reader *c, const char *name, char *buf, size_t len, char sep, int quotes, long line);

/* Moves to the next record, skipping comment and blank lines: 1 a record
 * begins, 0 end of file (c->line is then the file's last line), -1 error
 * (line too long). */
int csv_next_record(csv_reader *c);
/* Next field of the current record: 1 read, 0 end of the record, -1 error
 * (unterminated quote, text after a closing quote, lone CR). */
int csv_next_field(csv_reader *c, csv_field *f);
/* Column just after the current record's last byte (for "missing field"). */
long csv_end_col(const csv_reader *c);
/* Formats c->err as "FILE:LINE:COL: message"; returns -1. */
int csv_error(csv_reader *c, long col, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
/* 1 if the field equals the NUL-terminated name. */
int csv_field_is(const csv_field *f, const char *name);

/* ---- numbers -------------------------------------------------------------
 * A double in decimal or C99 hex, "nan", "inf", "-inf" (as strtod reads
 * them), with surrounding blanks. A finite literal whose value overflows
 * binary64 (1e999999, a million 9s, 0x1p99999) is rejected: it is not the
 * infinity it would round to. Underflow rounds (to a subnormal or zero). */
enum { CSV_NUM_OK = 0, CSV_NUM_BAD = -1, CSV_NUM_OVERFLOW = -2 };
int csv_parse_double(const char *s, size_t len, double *out);
/* The message for a csv_parse_double status ("not a number", ...). */
const char *csv_number_error(int status);
/* Parses a field; on failure formats "FILE:LINE:COL: WHAT: <reason>: 'text'"
 * and returns -1. */
int csv_field_double(csv_reader *c, const csv_field *f, const char *what, double *out);


/* ---- records as NUL-terminated strings, one line at a time ---------------
 * For callers that read a stream record by record (the ledger's evidence and
 * accuracy files). The same dialect (',' and quotes), tokenized by the reader
 * above; blank and '#' lines are skipped. */
#include <stdio.h>
#define CSV_MAX_FIELDS 64

typedef struct {
  int nfields;
  char *field[CSV_MAX_FIELDS]; /* point into the record's own buffer */
  char *buf;
  size_t cap;
  int line;                    /* line of the record */
} csv_record;

/* Reads the next record; *line counts the lines read. Returns 1, 0 at end of
 * file, -1 on a malformed record (unterminated quote, lone CR, NUL byte, a
 * line longer than CSV_MAX_LINE, more than CSV_MAX_FIELDS fields). */
int csv_next(FILE *f, csv_record *r, int *line);
void csv_free(csv_record *r);

#endif
