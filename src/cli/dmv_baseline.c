/* dmv_baseline.c -- baselines and the ratchet (dmcverify.h, README
 * "Baselines"): a verification's per-row ULP errors saved as text, and a later
 * verification judged against them for regressions. */
#define _GNU_SOURCE
#include "cli_verify.h"
#include "dmcverify.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BASELINE_MAGIC "dmcheck-baseline 1"
#define LIST_MAX 8 /* rows named per finding */

static int npresent(const dmv_result *r, int *pres)
{
  int np = 0;
  for (int i = 0; i < r->suite->noutputs; i++) if (r->present[i]) pres[np++] = i;
  return np;
}

static void put_num(FILE *f, double x)
{
  if (isnan(x)) fputs("nan", f);
  else if (isinf(x)) fputs(x < 0 ? "-inf" : "inf", f);
  else fprintf(f, "%.17g", x);
}

static void put_flags(FILE *f, int fl)
{
  if (!fl) { fputc('-', f); return; }
  if (fl & CLI_ROW_OVER) fputc('o', f);
  if (fl & CLI_ROW_NAN) fputc('n', f);
  if (fl & CLI_ROW_SIGN) fputc('s', f);
  if (fl & CLI_ROW_SKIP) fputc('x', f);
}

char *dmv_baseline_text(const dmv_result *r)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return NULL;
  int pres[DMC_SUITE_MAX_COLS], np = npresent(r, pres);
  const dmc_suite *s = r->suite;
  fprintf(f, "%s\nsuite %s\n", BASELINE_MAGIC, s->name);
  if (r->vectors_hash) fprintf(f, "vectors %016" PRIx64 "\n", r->vectors_hash);
  else fputs("vectors none\n", f);
  fprintf(f, "dtype %s\nrows %zu\nrowset %016" PRIx64 "\n", r->fmt->name, r->nseen, r->rowset_hash);
  for (int j = 0; j < np; j++) {
    const cli_out_stats *o = &r->out[pres[j]];
    fprintf(f, "output %s budget ", s->output_names[pres[j]]);
    put_num(f, r->budgets[pres[j]]);
    fputs(" max ", f);
    put_num(f, o->max_ulp);
    fprintf(f, " over %lu nan %lu sign %lu\n", o->over, o->nan_mismatch, o->sign_flip);
  }
  fputs("row", f);
  for (int j = 0; j < np; j++) fprintf(f, "\t%s_ulp\t%s_flags", s->output_names[pres[j]], s->output_names[pres[j]]);
  fputc('\n', f);
  for (size_t k = 0; k < r->nseen; k++) {
    fprintf(f, "%zu", k);
    for (int j = 0; j < np; j++) {
      fputc('\t', f);
      put_num(f, r->row_ulp[k * (size_t)np + (size_t)j]);
      fputc('\t', f);
      put_flags(f, r->row_flag[k * (size_t)np + (size_t)j]);
    }
    fputc('\n', f);
  }
  if (fclose(f)) { free(buf); return NULL; }
  return buf;
}

/* ---- reading ---- */
typedef struct {
  char vectors[32], dtype[32], suite[128];
  size_t rows;
  uint64_t rowset;
  int nout;
  char out_name[DMC_SUITE_MAX_COLS][64];
  double budget[DMC_SUITE_MAX_COLS], max[DMC_SUITE_MAX_COLS];
  unsigned long over[DMC_SUITE_MAX_COLS];
  double *ulp;           /* rows x nout */
  unsigned char *flag;
} baseline;

typedef struct {
  FILE *f;
  const char *path;
  char *line;
  size_t cap;
  long lineno;
  char *err;
  size_t errlen;
} reader;

static int bad(reader *rd, const char *at, const char *msg)
{
  long col = at && rd->line ? (long)(at - rd->line) + 1 : 1;
  snprintf(rd->err, rd->errlen, "%s:%ld:%ld: %s", rd->path, rd->lineno, col, msg);
  return 2;
}

static int next_line(reader *rd)
{
  ssize_t n = getline(&rd->line, &rd->cap, rd->f);
  if (n < 0) return 0;
  rd->lineno++;
  while (n > 0 && (rd->line[n - 1] == '\n' || rd->line[n - 1] == '\r')) rd->line[--n] = 0;
  return 1;
}

static int parse_num(const char *s, char **end, double *v)
{
  errno = 0;
  *v = strtod(s, end);
  return *end != s && !(errno == ERANGE && isinf(*v));
}

/* "KEY VALUE" header line into value (the rest of the line). */
static int header(reader *rd, const char *key, const char **value)
{
  size_t kl = strlen(key);
  if (!next_line(rd)) { rd->lineno++; return bad(rd, NULL, "truncated baseline (header)"); }
  if (strncmp(rd->line, key, kl) || rd->line[kl] != ' ' || !rd->line[kl + 1]) {
    char msg[128];
    snprintf(msg, sizeof msg, "expected '%s VALUE'", key);
    return bad(rd, rd->line, msg);
  }
  *value = rd->line + kl + 1;
  return 0;
}

static int parse_output(reader *rd, baseline *b)
{
  char *p = rd->line + 7, *e;
  char *sp = strchr(p, ' ');
  if (!sp || (size_t)(sp - p) >= sizeof b->out_name[0] || b->nout == DMC_SUITE_MAX_COLS)
    return bad(rd, p, "bad output line (expected 'output NAME budget B max M over N nan N sign N')");
  int j = b->nout;
  memcpy(b->out_name[j], p, (size_t)(sp - p));
  b->out_name[j][sp - p] = 0;
  p = sp + 1;
  if (strncmp(p, "budget ", 7) || !parse_num(p + 7, &e, &b->budget[j])) return bad(rd, p, "expected 'budget B'");
  p = e;
  if (strncmp(p, " max ", 5) || !parse_num(p + 5, &e, &b->max[j])) return bad(rd, p, "expected ' max M'");
  p = e;
  unsigned long n[3];
  if (sscanf(p, " over %lu nan %lu sign %lu", &n[0], &n[1], &n[2]) != 3 || strchr(p, '-'))
    return bad(rd, p, "expected ' over N nan N sign N'");
  b->over[j] = n[0];
  b->nout++;
  return 0;
}

static int parse_flags(const char *s, char **end, unsigned char *fl)
{
  *fl = 0;
  const char *p = s;
  if (*p == '-') { *end = (char *)p + 1; return 1; }
  for (; *p && *p != '\t'; p++) {
    const char *c = strchr("onsx", *p);
    if (!c) return 0;
    *fl |= (unsigned char)(1 << (c - "onsx"));
  }
  *end = (char *)p;
  return p != s;
}

/* Reads the baseline; its rows only when there are expect_rows of them (else
 * b->ulp is NULL and the caller reports the mismatch from the header). */
static int read_baseline(const char *path, baseline *b, size_t expect_rows, char *err, size_t errlen)
{
  memset(b, 0, sizeof *b);
  reader rd = { fopen(path, "r"), path, NULL, 0, 0, err, errlen };
  if (!rd.f) { snprintf(err, errlen, "%s: cannot read the baseline: %s", path, strerror(errno)); return 2; }
  int st = 0;
  const char *v;
  char *e;
  if (!next_line(&rd) || strcmp(rd.line, BASELINE_MAGIC)) {
    if (!rd.lineno) rd.lineno = 1;
    st = bad(&rd, rd.line, "not a dmcheck baseline (first line must be '" BASELINE_MAGIC "')");
  }
  if (!st && !(st = header(&rd, "suite", &v))) snprintf(b->suite, sizeof b->suite, "%s", v);
  if (!st && !(st = header(&rd, "vectors", &v))) snprintf(b->vectors, sizeof b->vectors, "%s", v);
  if (!st && !(st = header(&rd, "dtype", &v))) snprintf(b->dtype, sizeof b->dtype, "%s", v);
  if (!st && !(st = header(&rd, "rows", &v))) {
    errno = 0;
    unsigned long long n = strtoull(v, &e, 10);
    if (e == v || *e || errno || *v == '-' || n == 0 || n > SIZE_MAX / sizeof(double) / DMC_SUITE_MAX_COLS)
      st = bad(&rd, v, "bad row count");
    b->rows = (size_t)n;
  }
  if (!st && !(st = header(&rd, "rowset", &v))) {
    errno = 0;
    b->rowset = strtoull(v, &e, 16);
    if (e == v || *e || errno) st = bad(&rd, v, "bad rowset hash");
  }
  while (!st) {
    if (!next_line(&rd)) { rd.lineno++; st = bad(&rd, NULL, "truncated baseline (no row table)"); break; }
    if (!strncmp(rd.line, "output ", 7)) st = parse_output(&rd, b);
    else if (!strncmp(rd.line, "row\t", 4) || !strcmp(rd.line, "row")) break;
    else st = bad(&rd, rd.line, "expected an 'output' line or the 'row' table header");
  }
  if (!st && !b->nout) st = bad(&rd, rd.line, "the baseline names no output");
  if (!st && b->rows != expect_rows) {
    free(rd.line);
    fclose(rd.f);
    return 0;
  }
  if (!st) {
    b->ulp = malloc(b->rows * (size_t)b->nout * sizeof *b->ulp);
    b->flag = malloc(b->rows * (size_t)b->nout);
    if (!b->ulp || !b->flag) { snprintf(err, errlen, "out of memory"); st = 1; }
  }
  for (size_t k = 0; !st && k < b->rows; k++) {
    if (!next_line(&rd)) { rd.lineno++; st = bad(&rd, NULL, "truncated baseline (fewer rows than 'rows')"); break; }
    errno = 0;
    unsigned long long id = strtoull(rd.line, &e, 10);
    if (e == rd.line || id != k || errno) { st = bad(&rd, rd.line, "expected the next row number"); break; }
    for (int j = 0; !st && j < b->nout; j++) {
      char *p = e;
      double u;
      /* the column of the fault: the missing tab, else the value after it */
      if (*p != '\t' || !parse_num(p + 1, &e, &u) || !(u >= 0 || isnan(u))) {
        st = bad(&rd, *p != '\t' ? p : p + 1, "bad ULP value");
        break;
      }
      p = e;
      if (*p != '\t' || !parse_flags(p + 1, &e, &b->flag[k * (size_t)b->nout + (size_t)j])) {
        st = bad(&rd, *p != '\t' ? p : p + 1, "bad flags (- or letters o n s x)");
        break;
      }
      b->ulp[k * (size_t)b->nout + (size_t)j] = u;
    }
    if (!st && *e) st = bad(&rd, e, "extra text after the row");
  }
  if (!st && next_line(&rd)) st = bad(&rd, rd.line, "extra line after the rows");
  free(rd.line);
  fclose(rd.f);
  if (st) { free(b->ulp); free(b->flag); b->ulp = NULL; b->flag = NULL; }
  return st;
}

/* ---- comparing ---- */
typedef struct {
  const char *what;
  size_t n;
  size_t row[LIST_MAX];
  double from[LIST_MAX], to[LIST_MAX];
} finding;

static void note(finding *x, size_t row, double from, double to)
{
  if (x->n < LIST_MAX) { x->row[x->n] = row; x->from[x->n] = from; x->to[x->n] = to; }
  x->n++;
}

static void put_finding(FILE *f, const char *out, const char *kind, const finding *x)
{
  if (!x->n) return;
  fprintf(f, "  %s %s: %zu row%s %s:", kind, out, x->n, x->n == 1 ? "" : "s", x->what);
  for (size_t i = 0; i < x->n && i < LIST_MAX; i++) {
    fprintf(f, "%s row %zu (", i ? "," : "", x->row[i]);
    put_num(f, x->from[i]);
    fputs(" -> ", f);
    put_num(f, x->to[i]);
    fputs(" ULP)", f);
  }
  if (x->n > LIST_MAX) fprintf(f, ", ... and %zu more", x->n - LIST_MAX);
  fputc('\n', f);
}

static int mismatch(char *err, size_t errlen, const char *path, const char *what, const char *was, const char *now)
{
  snprintf(err, errlen, "%s: baseline taken with %s %s, this run has %s %s (save a new baseline)", path, what, was,
           what, now);
  return 2;
}

/* The baseline's stamps must be this run's: 0, or 2 with the message. */
static int same_run(const dmv_result *r, const baseline *b, const char *path, char *err, size_t errlen)
{
  char now[128];
  int pres[DMC_SUITE_MAX_COLS], np = npresent(r, pres);
  if (strcmp(b->suite, r->suite->name)) return mismatch(err, errlen, path, "suite", b->suite, r->suite->name);
  if (r->vectors_hash) snprintf(now, sizeof now, "%016" PRIx64, r->vectors_hash);
  else snprintf(now, sizeof now, "none");
  if (strcmp(b->vectors, now)) return mismatch(err, errlen, path, "reference vectors", b->vectors, now);
  if (strcmp(b->dtype, r->fmt->name)) return mismatch(err, errlen, path, "dtype", b->dtype, r->fmt->name);
  char was[128]; /* room for "%g for " and a 63-byte output name */
  snprintf(was, sizeof was, "%zu", b->rows);
  snprintf(now, sizeof now, "%zu", r->nseen);
  if (b->rows != r->nseen) return mismatch(err, errlen, path, "rows", was, now);
  if (b->rowset != r->rowset_hash) {
    snprintf(was, sizeof was, "%016" PRIx64, b->rowset);
    snprintf(now, sizeof now, "%016" PRIx64 " (other ids, inputs or exclusions)", r->rowset_hash);
    return mismatch(err, errlen, path, "row set", was, now);
  }
  int same = b->nout == np;
  for (int j = 0; same && j < np; j++) same = !strcmp(b->out_name[j], r->suite->output_names[pres[j]]);
  if (!same) {
    snprintf(err, errlen, "%s: baseline has other outputs than this run (save a new baseline)", path);
    return 2;
  }
  for (int j = 0; j < np; j++)
    if (b->budget[j] != r->budgets[pres[j]]) {
      snprintf(was, sizeof was, "%g for %s", b->budget[j], b->out_name[j]);
      snprintf(now, sizeof now, "%g", r->budgets[pres[j]]);
      return mismatch(err, errlen, path, "budget", was, now);
    }
  return 0;
}

int dmv_baseline_check(const dmv_result *r, const char *path, double margin, char **report, int *improved,
                       char *err, size_t errlen)
{
  *report = NULL;
  *improved = 0;
  if (!r || !path) { snprintf(err, errlen, "no result or no baseline path"); return 2; }
  if (!(margin >= 0) && !isnan(margin)) { snprintf(err, errlen, "bad strict margin %g (>= 0)", margin); return 2; }
  baseline b;
  int st = read_baseline(path, &b, r->nseen, err, errlen);
  if (st) return st;
  st = same_run(r, &b, path, err, errlen);
  if (st) { free(b.ulp); free(b.flag); return st; }
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) { free(b.ulp); free(b.flag); snprintf(err, errlen, "out of memory"); return 1; }
  int pres[DMC_SUITE_MAX_COLS], np = npresent(r, pres);
  int regressed = 0;
  fprintf(f, "baseline %s (%zu rows):\n", path, b.rows);
  for (int j = 0; j < np; j++) {
    const char *name = b.out_name[j];
    finding worse_max = { .what = "above the baseline's max" }, over = { .what = "newly over budget" },
            nan = { .what = "with a new NaN/Inf mismatch" }, sign = { .what = "with a new sign error" },
            grew = { .what = "grown by more than the strict margin" }, fixed = { .what = "now within budget" },
            nanfix = { .what = "NaN/Inf mismatch fixed" }, signfix = { .what = "sign error fixed" };
    for (size_t k = 0; k < b.rows; k++) {
      size_t x = k * (size_t)np + (size_t)j;
      double u0 = b.ulp[x], u1 = r->row_ulp[x];
      int f0 = b.flag[x], f1 = r->row_flag[x];
      if ((f0 | f1) & CLI_ROW_SKIP) continue;
      if (u1 > b.max[j]) note(&worse_max, k, u0, u1);
      if ((f1 & CLI_ROW_OVER) && !(f0 & CLI_ROW_OVER)) note(&over, k, u0, u1);
      if ((f1 & CLI_ROW_NAN) && !(f0 & CLI_ROW_NAN)) note(&nan, k, u0, u1);
      if ((f1 & CLI_ROW_SIGN) && !(f0 & CLI_ROW_SIGN)) note(&sign, k, u0, u1);
      if (margin >= 0 && u1 > u0 + margin) note(&grew, k, u0, u1);
      if ((f0 & CLI_ROW_OVER) && !(f1 & CLI_ROW_OVER)) note(&fixed, k, u0, u1);
      if ((f0 & CLI_ROW_NAN) && !(f1 & CLI_ROW_NAN)) note(&nanfix, k, u0, u1);
      if ((f0 & CLI_ROW_SIGN) && !(f1 & CLI_ROW_SIGN)) note(&signfix, k, u0, u1);
    }
    double m0 = b.max[j], m1 = r->out[pres[j]].max_ulp;
    int bad_here = worse_max.n || over.n || nan.n || sign.n || grew.n;
    int better = m1 < m0 || fixed.n || nanfix.n || signfix.n;
    regressed |= bad_here;
    *improved |= better && !bad_here;
    fprintf(f, "  %s: max ", name);
    put_num(f, m0);
    fputs(" -> ", f);
    put_num(f, m1);
    fprintf(f, " ULP, over budget %lu -> %lu: %s\n", b.over[j],
            r->out[pres[j]].over, bad_here ? "REGRESSION" : better ? "improved" : "unchanged");
    put_finding(f, name, "REGRESSION", &worse_max);
    put_finding(f, name, "REGRESSION", &over);
    put_finding(f, name, "REGRESSION", &nan);
    put_finding(f, name, "REGRESSION", &sign);
    put_finding(f, name, "REGRESSION", &grew);
    put_finding(f, name, "improved", &fixed);
    put_finding(f, name, "improved", &nanfix);
    put_finding(f, name, "improved", &signfix);
  }
  fprintf(f, "baseline: %s\n", regressed ? "REGRESSION" : *improved ? "no regression, improved" : "no regression");
  free(b.ulp);
  free(b.flag);
  if (fclose(f)) { free(buf); snprintf(err, errlen, "out of memory"); return 1; }
  *report = buf;
  if (regressed) *improved = 0;
  return regressed;
}

int dmv_baseline_ulps(const char *path, const char *output, size_t n, double *ulp, char *err, size_t errlen)
{
  baseline b;
  int st = read_baseline(path, &b, n, err, errlen);
  if (st) return st;
  int j = -1;
  for (int i = 0; i < b.nout; i++) if (!strcmp(b.out_name[i], output)) j = i;
  if (j < 0) { snprintf(err, errlen, "%s: the baseline has no output '%s'", path, output); st = 2; }
  else if (b.rows != n) { snprintf(err, errlen, "%s: the baseline has %zu rows, not %zu", path, b.rows, n); st = 2; }
  else
    for (size_t k = 0; k < n; k++) {
      size_t x = k * (size_t)b.nout + (size_t)j;
      ulp[k] = b.flag[x] & CLI_ROW_SKIP ? NAN : b.ulp[x];
    }
  free(b.ulp);
  free(b.flag);
  return st;
}
