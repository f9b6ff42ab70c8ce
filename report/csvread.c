/* csvread.c -- see csvread.h. */
#include "csvread.h"
#include "csvnum.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int csv_error(csv_reader *c, long col, const char *fmt, ...)
{
  char msg[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  snprintf(c->err, sizeof c->err, "%s:%ld:%ld: %s", c->path, c->line ? c->line : 1, col, msg);
  return -1;
}

void csv_init_buffer(csv_reader *c, const char *name, char *buf, size_t len, char sep, int quotes)
{
  memset(c, 0, sizeof *c);
  c->path = name;
  c->buf = buf;
  c->len = len;
  c->sep = sep;
  c->quotes = quotes;
  c->p = c->line_start = buf;
  c->line = c->cur_line = 1;
  if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) c->p += 3; /* UTF-8 byte order mark */
}

/* Line and column of byte offset off in buf. */
static void position(const char *buf, size_t off, long *line, long *col)
{
  long l = 1;
  size_t start = 0;
  for (size_t i = 0; i < off; i++)
    if (buf[i] == '\n') { l++; start = i + 1; }
  *line = l;
  *col = (long)(off - start) + 1;
}

static int open_error(csv_reader *c, char *buf, long line, long col, const char *msg)
{
  free(buf);
  snprintf(c->err, sizeof c->err, "%s:%ld:%ld: %s", c->path, line, col, msg);
  return -1;
}

int csv_open(csv_reader *c, const char *path, char sep, int quotes, size_t max_bytes)
{
  memset(c, 0, sizeof *c);
  c->path = path;
  if (!max_bytes || max_bytes > CSV_MAX_BYTES) max_bytes = CSV_MAX_BYTES;
  FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
  if (!f) {
    snprintf(c->err, sizeof c->err, "%s: cannot open: %s", path, strerror(errno));
    return -1;
  }
  size_t cap = 0, len = 0;
  char *buf = NULL;
  const char *problem = NULL;
  for (;;) {
    if (len == cap) {
      if (cap > max_bytes) { problem = "too large"; break; }
      size_t ncap = cap ? 2 * cap : (size_t)1 << 16;
      if (ncap > max_bytes + 1) ncap = max_bytes + 1; /* one byte past the cap tells "too large" */
      char *nb = realloc(buf, ncap + 1);
      if (!nb) { problem = "out of memory"; break; }
      buf = nb;
      cap = ncap;
    }
    size_t got = fread(buf + len, 1, cap - len, f);
    if (memchr(buf + len, '\0', got)) {
      len += got;
      break; /* reported below with its position */
    }
    len += got;
    if (got == 0) break;
  }
  int read_err = !problem && ferror(f);
  if (f != stdin) fclose(f);
  else clearerr(f);
  if (problem && !strcmp(problem, "out of memory")) return open_error(c, buf, 1, 1, "cannot read: out of memory");
  if (read_err) return open_error(c, buf, 1, 1, "cannot read: read error");
  if (len > max_bytes || problem) {
    char msg[128];
    snprintf(msg, sizeof msg, "file larger than %zu bytes (the reader's cap)", max_bytes);
    long line, col;
    position(buf, max_bytes, &line, &col);
    return open_error(c, buf, line, col, msg);
  }
  const char *nul = len ? memchr(buf, '\0', len) : NULL;
  if (nul) {
    long line, col;
    position(buf, (size_t)(nul - buf), &line, &col);
    return open_error(c, buf, line, col, "binary file (contains a NUL byte)");
  }
  if (!buf) {
    buf = malloc(1);
    if (!buf) return open_error(c, buf, 1, 1, "cannot read: out of memory");
  }
  buf[len] = '\0';
  csv_init_buffer(c, path, buf, len, sep, quotes);
  c->owned = 1;
  return 0;
}

void csv_close(csv_reader *c)
{
  if (c->owned) free(c->buf);
  if (c->stream && c->stream != stdin) fclose(c->stream);
  else if (c->stream) clearerr(stdin);
  c->buf = c->p = c->line_start = NULL;
  c->stream = NULL;
  c->owned = 0;
}

/* ---- streaming ----------------------------------------------------------- */
enum { CSV_CHUNK = 1 << 20 };

/* The error at buf offset off of the window (a NUL byte, the size cap):
 * its line and column counted from the cursor's line. */
static int stream_error(csv_reader *c, size_t off, const char *msg)
{
  long line = c->cur_line;
  const char *start = c->line_start;
  for (const char *q = c->p; q < c->buf + off; q++)
    if (*q == '\n') { line++; start = q + 1; }
  snprintf(c->err, sizeof c->err, "%s:%ld:%ld: %s", c->path, line, (long)(c->buf + off - start) + 1, msg);
  return -1;
}

/* Moves the current line to the front of the window and reads more after
 * it: 0, or -1 with c->err set. */
static int refill(csv_reader *c)
{
  size_t keep = (size_t)(c->line_start - c->buf), have = c->len - keep;
  memmove(c->buf, c->line_start, have);
  c->p -= keep;
  c->last_nl = NULL;
  c->line_start = c->buf;
  c->rec_start = c->rec_start && c->rec_start >= c->buf + keep ? c->rec_start - keep : c->buf;
  c->base += keep;
  c->len = have;
  if (c->cap - c->len < CSV_CHUNK) {
    size_t ncap = c->cap + CSV_CHUNK > 2 * c->cap ? c->cap + CSV_CHUNK : 2 * c->cap;
    char *nb = realloc(c->buf, ncap + 1);
    if (!nb) { snprintf(c->err, sizeof c->err, "%s:%ld:1: cannot read: out of memory", c->path, c->cur_line); return -1; }
    c->p = nb + (c->p - c->buf);
    c->line_start = c->rec_start = nb;
    c->buf = nb;
    c->cap = ncap;
  }
  size_t want = c->cap - c->len, room = c->max_bytes + 1 - (c->base + c->len); /* one byte past the cap tells */
  if (want > room) want = room;
  size_t got = fread(c->buf + c->len, 1, want, c->stream);
  char *nul = got ? memchr(c->buf + c->len, '\0', got) : NULL;
  c->len += got;
  c->buf[c->len] = '\0';
  if (nul) return stream_error(c, (size_t)(nul - c->buf), "binary file (contains a NUL byte)");
  c->last_nl = NULL;
  for (const char *q = c->buf + c->len; q > c->buf;)
    if (*--q == '\n') { c->last_nl = q; break; }
  if (c->base + c->len > c->max_bytes) {
    char msg[128];
    snprintf(msg, sizeof msg, "file larger than %zu bytes (the reader's cap)", c->max_bytes);
    return stream_error(c, c->max_bytes - c->base, msg);
  }
  if (got < want) {
    if (ferror(c->stream)) { snprintf(c->err, sizeof c->err, "%s:%ld:1: cannot read: read error", c->path, c->cur_line); return -1; }
    c->eof = 1;
  }
  return 0;
}

/* Makes the line at the cursor whole in the window (or the file's rest). */
static int whole_line(csv_reader *c)
{
  if (c->p <= c->last_nl) return 0;
  while (!c->eof && !memchr(c->p, '\n', c->len - (size_t)(c->p - c->buf))) {
    if (c->len - (size_t)(c->p - c->buf) > CSV_MAX_LINE) {
      c->line = c->cur_line;
      return csv_error(c, (long)CSV_MAX_LINE + 1, "line longer than %zu bytes", CSV_MAX_LINE);
    }
    if (refill(c)) return -1;
  }
  return 0;
}

int csv_open_stream(csv_reader *c, const char *path, char sep, int quotes, size_t max_bytes)
{
  memset(c, 0, sizeof *c);
  c->path = path;
  FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
  if (!f) {
    snprintf(c->err, sizeof c->err, "%s: cannot open: %s", path, strerror(errno));
    return -1;
  }
  char *buf = malloc(CSV_CHUNK + 1);
  if (!buf) {
    if (f != stdin) fclose(f);
    snprintf(c->err, sizeof c->err, "%s:1:1: cannot read: out of memory", path);
    return -1;
  }
  buf[0] = '\0';
  csv_init_buffer(c, path, buf, 0, sep, quotes);
  c->owned = 1;
  c->stream = f;
  c->cap = CSV_CHUNK;
  c->max_bytes = max_bytes && max_bytes < SIZE_MAX / 2 ? max_bytes : max_bytes ? SIZE_MAX / 2 : CSV_STREAM_MAX_BYTES;
  if (refill(c)) { csv_close(c); return -1; } /* c->err stays */
  if (c->len >= 3 && !memcmp(c->buf, "\xef\xbb\xbf", 3)) c->p += 3; /* UTF-8 byte order mark */
  return 0;
}

/* Past the end of the line at p (after its LF, or at the NUL). */
static char *skip_line(char *p)
{
  char *e = strchr(p, '\n');
  return e ? e + 1 : p + strlen(p);
}

static int blank_line(const char *p)
{
  while (*p == ' ' || *p == '\t') p++;
  if (*p == '\r' && p[1] == '\n') p++;
  return *p == '\n' || *p == '\0';
}

/* Moves past the line at c->p, counting it. */
static void next_line(csv_reader *c)
{
  char *q = skip_line(c->p);
  if (q > c->p && q[-1] == '\n') {
    c->cur_line++;
    c->line_start = q;
  }
  c->p = q;
}

int csv_take_lines(csv_reader *c, size_t max_bytes, size_t max_lines, const char **text, size_t *len,
                   long *first_line, size_t *nlines)
{
  if (c->in_record) { /* the caller did not read all the fields */
    c->in_record = 0;
    next_line(c);
  }
  if (c->stream && whole_line(c)) return -1;
  if (!*c->p) return 0;
  char *start = c->p, *end = c->buf + c->len, *q = start;
  size_t n = 0;
  if (c->last_nl && start <= c->last_nl) { /* whole lines up to last_nl (and no further) */
    const char *stop = (size_t)(c->last_nl - start) < max_bytes ? c->last_nl : start + max_bytes;
    do {
      q = (char *)memchr(q, '\n', (size_t)(c->last_nl - q) + 1) + 1;
      n++;
    } while (q <= stop && n < max_lines);
  } else if (!c->stream) { /* a caller's buffer holds the whole file */
    for (; q < end && n < max_lines && (size_t)(q - start) < max_bytes; n++) {
      char *e = memchr(q, '\n', (size_t)(end - q));
      q = e ? e + 1 : end;
    }
  } else {
    q = end; /* the file's last line, without a line feed */
    n = 1;
  }
  *text = start;
  *len = (size_t)(q - start);
  *first_line = c->cur_line;
  *nlines = n;
  /* the cursor's state after those lines, as next_line leaves it */
  c->p = q;
  if (q[-1] == '\n') {
    c->cur_line += (long)n;
    c->line_start = q;
  } else {
    c->cur_line += (long)n - 1;
    for (c->line_start = q; c->line_start > start && c->line_start[-1] != '\n'; c->line_start--) {}
  }
  return 1;
}

void csv_init_span(csv_reader *c, const char *name, char *buf, size_t len, char sep, int quotes, long line)
{
  csv_init_buffer(c, name, buf, len, sep, quotes);
  c->p = buf; /* a byte order mark counts only at the file's start */
  c->line = c->cur_line = line;
}

int csv_next_record(csv_reader *c)
{
  if (c->in_record) { /* the caller did not read all the fields */
    c->in_record = 0;
    next_line(c);
  }
  for (;;) {
    if (c->stream && whole_line(c)) return -1;
    if (!*c->p) break;
    if (*c->p == '#' || blank_line(c->p)) {
      next_line(c);
      continue;
    }
    c->line_start = c->rec_start = c->p;
    c->line = c->cur_line;
    if (c->len - (size_t)(c->p - c->buf) > CSV_MAX_LINE) { /* else no line here can be that long */
      const char *e = strchr(c->p, '\n');
      size_t n = e ? (size_t)(e - c->p) : strlen(c->p);
      if (n > CSV_MAX_LINE) return csv_error(c, (long)CSV_MAX_LINE + 1, "line longer than %zu bytes", CSV_MAX_LINE);
    }
    c->in_record = 1;
    c->need_field = 1;
    return 1;
  }
  /* end of file: name the last line, not the one after it */
  c->line = c->cur_line;
  /* (the cursor is at a line's start past line 1 only after a line feed) */
  if (c->line > 1 && c->p == c->line_start) c->line--;
  return 0;
}

static int line_end(const char *p)
{
  return *p == '\n' || *p == '\0' || (*p == '\r' && p[1] == '\n');
}

static int lone_cr(csv_reader *c, const char *p)
{
  return csv_error(c, (long)(p - c->line_start) + 1,
                   "carriage return not followed by a line feed (lone CR: use LF or CRLF line ends)");
}

int csv_next_field(csv_reader *c, csv_field *f)
{
  if (!c->in_record) return 0;
  char *p = c->p;
  if (!c->need_field) { /* at the end of the record */
    if (*p == '\r') p++;
    c->p = p;
    c->in_record = 0;
    next_line(c);
    return 0;
  }
  f->col = (long)(p - c->line_start) + 1;
  while (*p == ' ' || (*p == '\t' && c->sep != '\t')) p++;
  if (c->quotes && *p == '"') {
    const char *open = p++;
    char *start = p, *w = p;
    for (;;) {
      if (*p == '\0' || *p == '\n')
        return csv_error(c, (long)(open - c->line_start) + 1, "unterminated quote");
      if (*p == '"') {
        if (p[1] != '"') break;
        p++;
      }
      *w++ = *p++; /* unescape in place: w never passes p */
    }
    f->s = start;
    f->len = (size_t)(w - start);
    p++; /* closing quote */
    while (*p == ' ' || (*p == '\t' && c->sep != '\t')) p++;
    if (*p != c->sep && !line_end(p)) {
      if (*p == '\r') return lone_cr(c, p);
      return csv_error(c, (long)(p - c->line_start) + 1, "unexpected text after a closing quote");
    }
  } else {
    char *start = p;
    for (;;) { /* the common bytes (above CR, not the separator) with one test each */
      while ((unsigned char)*p > '\r' && *p != c->sep) p++;
      if (*p == c->sep || *p == '\n' || *p == '\0' || *p == '\r') break;
      p++;
    }
    if (*p == '\r' && p[1] != '\n') return lone_cr(c, p);
    char *end = p;
    while (end > start && (end[-1] == ' ' || (end[-1] == '\t' && c->sep != '\t'))) end--;
    f->s = start;
    f->len = (size_t)(end - start);
  }
  c->need_field = *p == c->sep;
  if (*p == c->sep) p++;
  c->p = p;
  return 1;
}

long csv_end_col(const csv_reader *c)
{
  const char *p = c->rec_start ? c->rec_start : c->line_start;
  size_t n = strcspn(p, "\n");
  if (n && p[n - 1] == '\r') n--;
  return (long)n + 1;
}

int csv_field_is(const csv_field *f, const char *name)
{
  size_t n = strlen(name);
  return f->len == n && !memcmp(f->s, name, n);
}

/* ---- numbers ------------------------------------------------------------- */

/* A byte a number (or nan, inf) may start with. */
static int number_start(char c)
{
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || (c | 0x20) == 'i' || (c | 0x20) == 'n';
}

int csv_parse_double(const char *s, size_t len, double *out)
{
  while (len && (*s == ' ' || *s == '\t')) { s++; len--; }
  while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
  *out = NAN;
  if (!len || !number_start(*s)) return CSV_NUM_BAD;
  int fast = csvnum_parse(s, len, out);
  if (fast == CSVNUM_DONE) return CSV_NUM_OK;
  if (fast == CSVNUM_OVERFLOW) return CSV_NUM_OVERFLOW;
  /* the rest (nan, inf, more digits than decide, subnormal or overflowing
   * decimals): strtod */
  char small[128], *copy = len < sizeof small ? small : malloc(len + 1);
  if (!copy) return CSV_NUM_BAD;
  memcpy(copy, s, len);
  copy[len] = '\0';
  char *end;
  errno = 0;
  double x = strtod(copy, &end);
  int st = end != copy + len ? CSV_NUM_BAD : errno == ERANGE && isinf(x) ? CSV_NUM_OVERFLOW : CSV_NUM_OK;
  if (copy != small) free(copy);
  if (st == CSV_NUM_OK) *out = x;
  return st;
}

const char *csv_number_error(int status)
{
  return status == CSV_NUM_OVERFLOW ? "number overflows binary64 (magnitude above DBL_MAX)" : "not a number";
}

int csv_field_double(csv_reader *c, const csv_field *f, const char *what, double *out)
{
  int st = csv_parse_double(f->s, f->len, out);
  if (st == CSV_NUM_OK) return 0;
  return csv_error(c, f->col, "%s: %s: '%.*s%s'", what, csv_number_error(st),
                   (int)(f->len > 40 ? 40 : f->len), f->s, f->len > 40 ? "..." : "");
}

/* ---- records one line at a time ----------------------------------------- */

int csv_next(FILE *f, csv_record *r, int *line)
{
  for (;;) {
    size_t len = 0;
    int ch;
    while ((ch = fgetc(f)) != EOF && ch != '\n') {
      if (len + 1 >= r->cap) {
        if (r->cap > CSV_MAX_LINE) return -1;
        size_t cap = r->cap ? 2 * r->cap : 256;
        char *b = realloc(r->buf, cap);
        if (!b) return -1;
        r->buf = b;
        r->cap = cap;
      }
      if (ch == '\0') return -1;
      r->buf[len++] = (char)ch;
    }
    if (ch == EOF && len == 0) return 0;
    if (!r->buf) { /* an empty line first */
      r->buf = malloc(r->cap = 256);
      if (!r->buf) return -1;
    }
    if (len && r->buf[len - 1] == '\r') len--; /* CRLF */
    r->buf[len] = '\0';
    r->line = ++*line;
    csv_reader c;
    csv_init_buffer(&c, "", r->buf, len, ',', 1);
    int k = csv_next_record(&c);
    if (k == 0) continue; /* blank or comment line */
    if (k < 0) return -1;
    csv_field fld;
    int nf = 0;
    while ((k = csv_next_field(&c, &fld)) > 0) {
      if (nf == CSV_MAX_FIELDS) return -1;
      r->field[nf++] = (char *)fld.s;
      ((char *)fld.s)[fld.len] = '\0'; /* the tokenizer is past this byte */
    }
    if (k < 0) return -1;
    r->nfields = nf;
    return 1;
  }
}

void csv_free(csv_record *r)
{
  free(r->buf);
  r->buf = NULL;
  r->cap = 0;
}
