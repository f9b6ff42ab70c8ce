/* vecfile.c -- writer and readers of the reference vector format (vecfile.h). */
#include "vecfile.h"

#include <errno.h>
#include <gmp.h>
#include <math.h>
#include <mpfr.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mpref.h"

/* ---- CSV tokenizer ------------------------------------------------------ */

int vec_csv_error(vec_csv *c, long col, const char *fmt, ...)
{
  char msg[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  snprintf(c->err, sizeof c->err, "%s:%ld:%ld: %s", c->path, c->line, col, msg);
  return -1;
}

void vec_csv_init_buffer(vec_csv *c, const char *name, char *buf, size_t len)
{
  memset(c, 0, sizeof *c);
  c->path = name;
  c->buf = buf;
  c->len = len;
  c->p = c->line_start = buf;
  c->line = 0;
}

int vec_csv_open(vec_csv *c, const char *path)
{
  memset(c, 0, sizeof *c);
  c->path = path;
  FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
  if (!f) {
    snprintf(c->err, sizeof c->err, "%s: cannot open: %s", path, strerror(errno));
    return -1;
  }
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (!buf) break;
    if (len + 1 >= cap) {
      char *nb = realloc(buf, cap * 2);
      if (!nb) { free(buf); buf = NULL; break; }
      buf = nb;
      cap *= 2;
    }
    size_t got = fread(buf + len, 1, cap - 1 - len, f);
    len += got;
    if (got == 0) break;
  }
  int bad = !buf ? 1 : ferror(f) ? 2 : 0;
  if (f != stdin) fclose(f);
  if (bad) {
    free(buf);
    snprintf(c->err, sizeof c->err, "%s: cannot read: %s", path, bad == 1 ? "out of memory" : "read error");
    return -1;
  }
  buf[len] = '\0';
  if (memchr(buf, '\0', len)) {
    free(buf);
    snprintf(c->err, sizeof c->err, "%s:1:1: binary file (contains a NUL byte)", path);
    return -1;
  }
  vec_csv_init_buffer(c, path, buf, len);
  if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) c->p += 3; /* UTF-8 byte order mark */
  return 0;
}

void vec_csv_close(vec_csv *c)
{
  free(c->buf);
  c->buf = NULL;
}

static const char *skip_line(const char *p)
{
  while (*p && *p != '\n') p++;
  return *p ? p + 1 : p;
}

static int blank_line(const char *p)
{
  while (*p == ' ' || *p == '\t' || *p == '\r') p++;
  return *p == '\n' || *p == '\0';
}

/* Cursor lines: c->line is the line of the current record; next_line_no is
 * computed on the fly by counting the lines we skip. */
int vec_csv_next_record(vec_csv *c)
{
  /* finish the current record if the caller did not read all its fields */
  if (c->in_record) {
    c->p = skip_line(c->p);
    c->in_record = 0;
    c->line++;
  } else if (c->line == 0) {
    c->line = 1;
  }
  while (*c->p) {
    if (*c->p == '#' || blank_line(c->p)) {
      c->p = skip_line(c->p);
      c->line++;
      continue;
    }
    c->line_start = c->p;
    c->in_record = 1;
    c->need_field = 1;
    return 1;
  }
  return 0;
}

int vec_csv_field(vec_csv *c, vec_field *f)
{
  if (!c->in_record) return 0;
  const char *p = c->p;
  if (!c->need_field) { /* at the end of the record */
    while (*p == '\r') p++;
    if (*p == '\n') p++;
    c->p = p;
    c->in_record = 0;
    c->line++;
    return 0;
  }
  f->col = (long)(p - c->line_start) + 1;
  while (*p == ' ' || *p == '\t') p++;
  if (*p == '"') {
    const char *open = p++;
    size_t n = 0;
    int escaped = 0;
    const char *start = p;
    for (;;) {
      if (*p == '\0' || *p == '\n')
        return vec_csv_error(c, (long)(open - c->line_start) + 1, "unterminated quote");
      if (*p == '"') {
        if (p[1] == '"') { escaped = 1; p += 2; n++; continue; }
        break;
      }
      p++;
      n++;
    }
    if (n + 1 >= sizeof c->scratch)
      return vec_csv_error(c, f->col, "quoted field longer than %zu bytes", sizeof c->scratch - 1);
    if (escaped) {
      size_t k = 0;
      for (const char *q = start; q < p; q++) {
        c->scratch[k++] = *q;
        if (*q == '"') q++;
      }
      c->scratch[k] = '\0';
      f->s = c->scratch;
      f->len = k;
    } else {
      f->s = start;
      f->len = n;
    }
    p++; /* closing quote */
    while (*p == ' ' || *p == '\t') p++;
    if (*p != ',' && *p != '\n' && *p != '\r' && *p != '\0')
      return vec_csv_error(c, (long)(p - c->line_start) + 1, "unexpected text after a closing quote");
  } else {
    const char *start = c->p;
    while (*p != ',' && *p != '\n' && *p != '\r' && *p != '\0') p++;
    const char *end = p;
    while (end > start && (end[-1] == ' ' || end[-1] == '\t')) end--;
    while (start < end && (*start == ' ' || *start == '\t')) start++;
    f->s = start;
    f->len = (size_t)(end - start);
  }
  c->need_field = *p == ',';
  if (*p == ',') p++;
  c->p = p;
  return 1;
}

int vec_field_is(const vec_field *f, const char *name)
{
  size_t n = strlen(name);
  return f->len == n && !memcmp(f->s, name, n);
}

int vec_parse_double(const char *s, size_t len, double *out)
{
  while (len && (*s == ' ' || *s == '\t')) { s++; len--; }
  while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
  if (!len) return -1;
  char *end;
  /* the byte after a field is never part of a number (',', a line end, a
   * quote, a blank or NUL), so strtod stops at the field's end */
  *out = strtod(s, &end);
  return end == s + len ? 0 : -1;
}

/* ---- writer ------------------------------------------------------------ */

static void put_double(FILE *f, double x, int hex)
{
  if (isnan(x)) fputs("nan", f);
  else if (isinf(x)) fputs(x < 0 ? "-inf" : "inf", f);
  else if (hex) fprintf(f, "%a", x);
  else fprintf(f, "%.17g", x);
}

static void put_exact(FILE *f, mpfr_t m, double x)
{
  if (isnan(x) || isinf(x)) { put_double(f, x, 0); return; }
  mpfr_set_d(m, x, MPFR_RNDN);
  mpfr_fprintf(f, "%.29Re", m);
}

static void write_header(FILE *f, const dmc_suite *s, size_t n)
{
  fprintf(f, "# dmcheck reference vectors: suite %s\n", s->name);
  fprintf(f, "# description: %s\n", s->description);
  fprintf(f, "# claims: %s\n", s->claims && *s->claims ? s->claims : "(none)");
  if (s->indep) fprintf(f, "# independent check: %s\n", s->indep);
  fprintf(f, "# rows: %zu\n# inputs:", n);
  for (int i = 0; i < s->ninputs; i++) fprintf(f, " %s", s->input_names[i]);
  fprintf(f, "\n# outputs:");
  for (int i = 0; i < s->noutputs; i++) fprintf(f, " %s", s->output_names[i]);
  fprintf(f, "\n"
    "# columns: id = row number from 0; each input NAME as NAME_hex (C99 %%a, the exact double)\n"
    "#   and NAME (%%.17g, the same double); each output NAME as NAME_hex (the correctly rounded\n"
    "#   binary64 value, %%a) and NAME (that double's exact decimal expansion rounded to 30\n"
    "#   significant digits, mpfr %%.29Re; it reads back to the same double)\n");
  fprintf(f, "# reference: MPFR %s, GMP %s\n", mpfr_get_version(), gmp_version);
  fprintf(f, "# precision: Ziv loop from %d bits, doubling up to %d; mpfr_can_round proves the rounding\n"
             "#   and the evaluation at doubled precision must round to the same double; one final\n"
             "#   rounding with mpfr_subnormalize in binary64's exponent range (subnormals exact)\n",
          MPREF_PREC0, MPREF_PREC_MAX);
  fprintf(f, "# seed: none (inputs are a deterministic function of the row number)\n");
  fprintf(f, "# generated by: dmcheck ref %s -o reference/vectors/%s.csv\n", s->name, s->name);
  fprintf(f, "# load: numpy.genfromtxt((l for l in open(path) if l[0] != '#'), delimiter=',', names=True)\n"
             "#   (decimal columns); hex columns: float.fromhex(row['NAME_hex']) over csv.DictReader rows\n");
  fprintf(f, "id");
  for (int i = 0; i < s->ninputs; i++) fprintf(f, ",%s_hex,%s", s->input_names[i], s->input_names[i]);
  for (int i = 0; i < s->noutputs; i++) fprintf(f, ",%s_hex,%s", s->output_names[i], s->output_names[i]);
  fputc('\n', f);
}

/* Rows r0..r0+n-1 (n <= VEC_CHUNK) through dmc_suite_rows (rows that share
 * work, e.g. one schedule's prefix product, share it); -1 with a message on
 * an unproved rounding or no memory. */
#define VEC_CHUNK 256
static int eval_rows(const dmc_suite *s, size_t r0, size_t n, double *in, double *out, char *err, size_t errlen)
{
  int st[VEC_CHUNK];
  if (dmc_suite_rows(s, 0, r0, n, in, out, st)) {
    snprintf(err, errlen, "suite %s rows %zu..%zu: out of memory", s->name, r0, r0 + n - 1);
    return -1;
  }
  for (size_t j = 0; j < n; j++) {
    if (st[j] != 2) continue;
    const double *rin = in + j * (size_t)s->ninputs;
    int k = snprintf(err, errlen, "suite %s row %zu: the rounding could not be proved at inputs", s->name, r0 + j);
    for (int i = 0; i < s->ninputs && k > 0 && (size_t)k < errlen; i++)
      k += snprintf(err + k, errlen - (size_t)k, " %s=%a", s->input_names[i], rin[i]);
    return -1;
  }
  return 0;
}

int vecfile_write(FILE *f, const dmc_suite *s, vec_progress_fn progress, void *arg,
                  char *err, size_t errlen)
{
  size_t n = s->count();
  double inb[VEC_CHUNK * DMC_SUITE_MAX_COLS], outb[VEC_CHUNK * DMC_SUITE_MAX_COLS];
  mpfr_t m;
  mpfr_init2(m, 53);
  write_header(f, s, n);
  int rc = 0;
  for (size_t r = 0; r < n && !rc; r++) {
    size_t j = r % VEC_CHUNK;
    if (j == 0) {
      if (progress) progress(r, n, arg);
      if (eval_rows(s, r, n - r < VEC_CHUNK ? n - r : VEC_CHUNK, inb, outb, err, errlen)) { rc = -1; break; }
    }
    const double *in = inb + j * (size_t)s->ninputs, *out = outb + j * (size_t)s->noutputs;
    fprintf(f, "%zu", r);
    for (int i = 0; i < s->ninputs; i++) {
      fputc(',', f); put_double(f, in[i], 1);
      fputc(',', f); put_double(f, in[i], 0);
    }
    for (int i = 0; i < s->noutputs; i++) {
      fputc(',', f); put_double(f, out[i], 1);
      fputc(',', f); put_exact(f, m, out[i]);
    }
    fputc('\n', f);
  }
  if (progress && !rc) progress(n, n, arg);
  mpfr_clear(m);
  if (!rc && (fflush(f) || ferror(f))) {
    snprintf(err, errlen, "write error: %s", strerror(errno));
    rc = -1;
  }
  return rc;
}

/* ---- readers ------------------------------------------------------------ */

static int alloc_table(const dmc_suite *s, vec_table *t, size_t n)
{
  t->suite = s;
  t->nrows = n;
  t->in = malloc((n ? n : 1) * (size_t)s->ninputs * sizeof *t->in);
  t->out = malloc((n ? n : 1) * (size_t)s->noutputs * sizeof *t->out);
  if (!t->in || !t->out) { vec_table_free(t); return -1; }
  return 0;
}

void vec_table_free(vec_table *t)
{
  free(t->in);
  free(t->out);
  t->in = t->out = NULL;
  t->nrows = 0;
}

int vecfile_compute(const dmc_suite *s, vec_table *t, vec_progress_fn progress, void *arg,
                    char *err, size_t errlen)
{
  size_t n = s->count();
  if (alloc_table(s, t, n)) { snprintf(err, errlen, "out of memory"); return -1; }
  for (size_t r = 0; r < n; r += VEC_CHUNK) {
    if (progress) progress(r, n, arg);
    if (eval_rows(s, r, n - r < VEC_CHUNK ? n - r : VEC_CHUNK, t->in + r * (size_t)s->ninputs,
                  t->out + r * (size_t)s->noutputs, err, errlen)) {
      vec_table_free(t);
      return -1;
    }
  }
  if (progress) progress(n, n, arg);
  return 0;
}

static int same_double(double a, double b)
{
  return (isnan(a) && isnan(b)) || (a == b && signbit(a) == signbit(b));
}

/* Reads a hex column and its decimal twin; both must be the same double. */
static int read_pair(vec_csv *c, const char *name, double *x)
{
  vec_field fh, fd;
  double d;
  int k = vec_csv_field(c, &fh);
  if (k < 0) return -1;
  if (k == 0) return vec_csv_error(c, (long)(c->p - c->line_start) + 1, "missing field %s_hex", name);
  if (vec_parse_double(fh.s, fh.len, x))
    return vec_csv_error(c, fh.col, "%s_hex: not a number: '%.*s'", name, (int)(fh.len > 40 ? 40 : fh.len), fh.s);
  k = vec_csv_field(c, &fd);
  if (k < 0) return -1;
  if (k == 0) return vec_csv_error(c, (long)(c->p - c->line_start) + 1, "missing field %s", name);
  if (vec_parse_double(fd.s, fd.len, &d))
    return vec_csv_error(c, fd.col, "%s: not a number: '%.*s'", name, (int)(fd.len > 40 ? 40 : fd.len), fd.s);
  if (!same_double(*x, d))
    return vec_csv_error(c, fd.col, "%s (%.*s) is not the double in %s_hex (%a)", name,
                         (int)(fd.len > 40 ? 40 : fd.len), fd.s, name, *x);
  return 0;
}

static int expect_name(vec_csv *c, const char *name, const char *suffix)
{
  vec_field f;
  char want[128];
  snprintf(want, sizeof want, "%s%s", name, suffix);
  int k = vec_csv_field(c, &f);
  if (k < 0) return -1;
  if (k == 0) return vec_csv_error(c, (long)(c->p - c->line_start) + 1, "header ends before column '%s'", want);
  if (!vec_field_is(&f, want))
    return vec_csv_error(c, f.col, "column '%.*s' where '%s' was expected (stale file? regenerate with dmcheck ref)",
                         (int)(f.len > 60 ? 60 : f.len), f.s, want);
  return 0;
}

static int load_rows(vec_csv *c, const dmc_suite *s, vec_table *t)
{
  if (!vec_csv_next_record(c)) return vec_csv_error(c, 1, "no header line");
  vec_field f;
  if (expect_name(c, "id", "")) return -1;
  for (int i = 0; i < s->ninputs; i++)
    if (expect_name(c, s->input_names[i], "_hex") || expect_name(c, s->input_names[i], "")) return -1;
  for (int i = 0; i < s->noutputs; i++)
    if (expect_name(c, s->output_names[i], "_hex") || expect_name(c, s->output_names[i], "")) return -1;
  int k = vec_csv_field(c, &f);
  if (k < 0) return -1;
  if (k > 0) return vec_csv_error(c, f.col, "extra column '%.*s'", (int)(f.len > 60 ? 60 : f.len), f.s);
  size_t r = 0;
  while (vec_csv_next_record(c)) {
    if (r >= t->nrows) return vec_csv_error(c, 1, "more rows than the suite's %zu", t->nrows);
    double id;
    if (vec_csv_field(c, &f) != 1) return -1;
    if (vec_parse_double(f.s, f.len, &id) || id != (double)r)
      return vec_csv_error(c, f.col, "id '%.*s' where %zu was expected", (int)(f.len > 40 ? 40 : f.len), f.s, r);
    for (int i = 0; i < s->ninputs; i++)
      if (read_pair(c, s->input_names[i], &t->in[r * (size_t)s->ninputs + (size_t)i])) return -1;
    for (int i = 0; i < s->noutputs; i++)
      if (read_pair(c, s->output_names[i], &t->out[r * (size_t)s->noutputs + (size_t)i])) return -1;
    k = vec_csv_field(c, &f);
    if (k < 0) return -1;
    if (k > 0) return vec_csv_error(c, f.col, "too many fields");
    r++;
  }
  if (r != t->nrows) return vec_csv_error(c, 1, "%zu rows where the suite has %zu (regenerate with dmcheck ref)", r, t->nrows);
  return 0;
}

int vecfile_load(const char *path, const dmc_suite *s, vec_table *t, char *err, size_t errlen)
{
  vec_csv c;
  memset(t, 0, sizeof *t);
  if (vec_csv_open(&c, path)) { snprintf(err, errlen, "%s", c.err); return -1; }
  int rc = alloc_table(s, t, s->count());
  if (rc) snprintf(err, errlen, "%s: out of memory", path);
  else if ((rc = load_rows(&c, s, t))) {
    snprintf(err, errlen, "%s", c.err);
    vec_table_free(t);
  }
  vec_csv_close(&c);
  return rc;
}
