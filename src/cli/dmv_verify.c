/* dmv_verify.c -- the entry points of libdmcverify's verification
 * (dmcverify.h): the stored vectors' directory and table, the options, the
 * candidate as arrays or as a file (CSV, NumPy), and the result's accessors.
 * The engine that measures the rows is dmv_engine.c. `dmcheck verify` and the
 * Python package call these. */
#define _GNU_SOURCE
#include "alloc.h"
#include "cli_verify.h"
#include "dmcverify.h"
#include "dmv_npy.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int is_dir(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int dmv_vectors_dir(const char *vectors, char *dir, size_t dirlen, char *err, size_t errlen)
{
  const char *env = getenv("DMC_VECTORS");
  const char *pick = vectors ? vectors : env && *env ? env : NULL;
  if (pick) {
    if (!is_dir(pick)) {
      snprintf(err, errlen, "%s%s: vectors directory not found%s", vectors ? "" : "DMC_VECTORS=", pick,
               vectors ? "" : " (unset DMC_VECTORS for the installed vectors)");
      return 2;
    }
    snprintf(dir, dirlen, "%s", pick);
    return 0;
  }
  /* beside the library or program holding this code: PREFIX/{lib,bin}/.. */
  char self[PATH_MAX], real[PATH_MAX];
  Dl_info info;
  const char *file = dladdr((void *)&dmv_vectors_dir, &info) && info.dli_fname && strchr(info.dli_fname, '/')
                     ? info.dli_fname : "/proc/self/exe";
  snprintf(self, sizeof self, "%s", file);
  if (realpath(self, real)) {
    char *slash = strrchr(real, '/');
    if (slash) {
      *slash = 0;
      char cand[PATH_MAX + 40];
      snprintf(cand, sizeof cand, "%s/../share/dmcheck/vectors", real);
      if (is_dir(cand)) { snprintf(dir, dirlen, "%s", cand); return 0; }
      size_t bl = strlen(DMC_BUILD_DIR);
      if (!strncmp(real, DMC_BUILD_DIR, bl) && (real[bl] == '/' || !real[bl])) {
        snprintf(dir, dirlen, "%s", DMC_SOURCE_DIR "/reference/vectors");
        return 0;
      }
      snprintf(err, errlen, "%s: vectors directory not found (set DMC_VECTORS or reinstall)", cand);
      return 2;
    }
  }
  snprintf(err, errlen, "cannot locate the dmcheck library (%s); set DMC_VECTORS", file);
  return 2;
}

int cli_verify_table(cli_verify_result *r, const char *vectors, int live, int required, vec_table *t,
                     char *path, size_t pathlen, char *err, size_t errlen)
{
  const dmc_suite *s = r->suite;
  char dir[PATH_MAX];
  path[0] = 0;
  if (!live) {
    int st = dmv_vectors_dir(vectors, dir, sizeof dir, err, errlen);
    if (st) return st;
    snprintf(path, pathlen, "%s/%s.csv", dir, s->name);
    struct stat sb;
    if (stat(path, &sb) == 0) {
      if (vecfile_load(path, s, t, err, errlen)) return 2;
      snprintf(r->source, sizeof r->source, "stored vectors %s", path);
      return 0;
    }
  }
  if (!required) {
    snprintf(r->source, sizeof r->source, "the candidate's inputs evaluated with MPFR%s",
             live ? " (--live)" : " (no stored file)");
    return 0;
  }
  char label[128];
  snprintf(label, sizeof label, "dmcheck verify: computing %s", s->name);
  if (vecfile_compute(s, t, cli_progress, label, err, errlen)) return 1;
  snprintf(r->source, sizeof r->source, "suite rows computed now with MPFR (%s)",
           live ? "--live" : "no stored file");
  return 0;
}

static int parse_exclude(cli_verify_result *r, const char *spec, char *err, size_t errlen)
{
  const char *colon = strchr(spec, ':');
  char *e;
  if (r->nexcl == DMV_EXCLUDE_MAX) { snprintf(err, errlen, "more than %d exclusions", DMV_EXCLUDE_MAX); return 2; }
  if (!colon || !colon[1]) {
    snprintf(err, errlen, "exclude '%s': need ROWS:REASON (a row or range A-B, and why)", spec);
    return 2;
  }
  errno = 0;
  unsigned long long lo = strtoull(spec, &e, 10), hi = lo;
  if (e != spec && *e == '-') { const char *b = e + 1; hi = strtoull(b, &e, 10); if (e == b) e = (char *)spec; }
  if (e == spec || e != colon || errno || hi < lo || spec[0] == '-' || spec[0] == '+' || spec[0] == ' ') {
    snprintf(err, errlen, "exclude '%s': ROWS must be a data row (from 0) or a range A-B", spec);
    return 2;
  }
  r->excl[r->nexcl].lo = (size_t)lo;
  r->excl[r->nexcl].hi = (size_t)hi;
  r->excl[r->nexcl].n = 0;
  snprintf(r->excl[r->nexcl].reason, sizeof r->excl[r->nexcl].reason, "%s", colon + 1);
  r->nexcl++;
  return 0;
}

/* ---- options and results ---- */
void dmv_options_init(dmv_options *o)
{
  *o = (dmv_options){ NULL, 1.0, NULL, 0.0, 5, NULL, 0, NULL, NULL, 0, NULL, NULL };
}

int cli_verify_setup(cli_verify_result *r, const dmc_suite *s, const dmv_options *o, char *err, size_t errlen)
{
  r->suite = s;
  r->fmt = cli_format_find(o->dtype ? o->dtype : "float64");
  if (!r->fmt) {
    snprintf(err, errlen, "unknown dtype '%s' (float64, float32, float16 or bfloat16)", o->dtype);
    return 2;
  }
  if (!(o->budget_ulp >= 0) || !(o->abs_tol >= 0) || o->worst < 0 || o->worst > DMV_WORST_MAX) {
    snprintf(err, errlen, "bad options: budget_ulp and abs_tol must be >= 0, worst in 0..%d", DMV_WORST_MAX);
    return 2;
  }
  r->budget = o->budget_ulp;
  for (int i = 0; i < s->noutputs; i++) {
    double b = o->budgets && !isnan(o->budgets[i]) ? o->budgets[i] : o->budget_ulp;
    if (!(b >= 0)) { snprintf(err, errlen, "bad budget %g for output %s", b, s->output_names[i]); return 2; }
    r->budgets[i] = b;
  }
  r->abs_tol = o->abs_tol;
  r->worst_k = o->worst;
  r->row_word = "line";
  r->rows_out = o->rows_out;
  r->keep_rows = 1;
  r->nshards = 1;
  if (o->nexclude < 0 || (o->nexclude && !o->exclude)) { snprintf(err, errlen, "bad exclude list"); return 2; }
  for (int e = 0; e < o->nexclude; e++)
    if (parse_exclude(r, o->exclude[e], err, errlen)) return 2;
  snprintf(r->candidate, sizeof r->candidate, "%s", o->name ? o->name : "arrays");
  return 0;
}

static const dmc_suite *find_suite(const char *name, char *err, size_t errlen)
{
  const dmc_suite *s = name ? dmc_suite_find(name) : NULL;
  if (!s) snprintf(err, errlen, "unknown suite '%s' (see 'dmcheck list --suites')", name ? name : "(null)");
  return s;
}

/* ---- arrays ---- */
typedef struct {
  const dmc_suite *s;
  size_t n, k;
  const long *labels;
  const double *ids;
  const double *const *in, *const *out;
  char err[512];
} array_rows;

/* row->line is the row's label; -1: where the reading stopped */
static void array_fail(void *src, const cli_cand_row *row, const char *msg)
{
  array_rows *a = src;
  size_t k = a->k ? a->k - 1 : 0;
  long at = row->line >= 0 ? row->line : a->labels ? a->labels[k] : (long)k;
  snprintf(a->err, sizeof a->err, "row %ld: %s", at, msg);
}

static int array_skip(void *src)
{
  array_rows *a = src;
  return a->k < a->n ? (a->k++, 1) : 0;
}

static const char *array_err(void *src) { return ((array_rows *)src)->err; }

static int array_next(void *src, cli_cand_row *row)
{
  array_rows *a = src;
  if (a->k >= a->n) return 0;
  size_t k = a->k++;
  row->line = a->labels ? a->labels[k] : (long)k;
  row->id = -1;
  if (a->ids) {
    double id = a->ids[k];
    if (!(id >= 0 && id < (double)a->s->count() && id == floor(id))) {
      array_fail(a, row, "id is not a row number of the suite (0 to count - 1)");
      return -1;
    }
    row->id = (long)id;
  }
  if (a->in) for (int i = 0; i < a->s->ninputs; i++) row->in[i] = a->in[i][k];
  for (int i = 0; i < a->s->noutputs; i++) row->out[i] = a->out[i] ? a->out[i][k] : NAN;
  return 1;
}

static int verify_columns(const char *suite, const dmv_options *o, const char *name, size_t n, const double *ids,
                          const double *const *in, const double *const *out, double *row_ulp,
                          unsigned char *row_over, dmv_result **res, char *err, size_t errlen);

int dmv_verify_columns(const char *suite, const dmv_options *o, size_t n, const double *ids,
                       const double *const *in, const double *const *out, double *row_ulp,
                       unsigned char *row_over, dmv_result **res, char *err, size_t errlen)
{
  return verify_columns(suite, o, NULL, n, ids, in, out, row_ulp, row_over, res, err, errlen);
}

static int verify_columns(const char *suite, const dmv_options *o, const char *name, size_t n, const double *ids,
                          const double *const *in, const double *const *out, double *row_ulp,
                          unsigned char *row_over, dmv_result **res, char *err, size_t errlen)
{
  *res = NULL;
  const dmc_suite *s = find_suite(suite, err, errlen);
  if (!s) return 2;
  dmv_options def;
  if (!o) { dmv_options_init(&def); o = &def; }
  if (!out || !n) { snprintf(err, errlen, "no rows or no output columns"); return 2; }
  int any = 0;
  for (int i = 0; i < s->noutputs; i++) any |= out[i] != NULL;
  if (in) for (int i = 0; i < s->ninputs; i++)
    if (!in[i]) { snprintf(err, errlen, "input %s missing (give every input or none)", s->input_names[i]); return 2; }
  if (!any) { snprintf(err, errlen, "no output of suite %s given", s->name); return 2; }
  cli_verify_result *r = calloc(1, sizeof *r);
  if (!r) { snprintf(err, errlen, "out of memory"); return 1; }
  int st = cli_verify_setup(r, s, o, err, errlen);
  if (st) { free(r); return st; }
  r->row_word = "row";
  if (name) snprintf(r->candidate, sizeof r->candidate, "%s", name);
  for (int i = 0; i < s->noutputs; i++) r->present[i] = out[i] != NULL;
  array_rows a = { s, n, 0, o->row_labels, ids, in, out, "" };
  cli_rows rows = { &a, in != NULL, array_next, array_skip, array_fail, array_err };
  st = cli_verify_rows(r, o->vectors, o->live, &rows, row_ulp, row_over, n, err, errlen);
  if (st) { dmv_result_free(r); return st; }
  *res = r;
  return 0;
}

/* ---- files ---- */
/* A NumPy file's named columns onto the suite's id, inputs and outputs. */
static int verify_numpy(const dmc_suite *s, const dmv_options *o, const char *path, dmv_result **res,
                        char *err, size_t errlen)
{
  npy_table *t = malloc(sizeof *t);
  if (!t) { snprintf(err, errlen, "out of memory"); return 1; }
  if (npy_load(path, t, err, errlen)) { free(t); return 2; }
  const double *in[DMC_SUITE_MAX_COLS] = { 0 }, *out[DMC_SUITE_MAX_COLS] = { 0 }, *ids = NULL;
  int nin = 0, st = 0;
  for (int c = 0; c < t->ncols && !st; c++) {
    const char *nm = t->col[c].name;
    int hit = 0;
    if (!strcmp(nm, "id")) { ids = t->col[c].v; hit = 1; }
    for (int i = 0; i < s->ninputs; i++) if (!strcmp(nm, s->input_names[i])) { in[i] = t->col[c].v; nin++; hit = 1; }
    for (int i = 0; i < s->noutputs; i++) if (!strcmp(nm, s->output_names[i])) { out[i] = t->col[c].v; hit = 1; }
    if (!hit) {
      snprintf(err, errlen, "%s: column '%s' is not id, an input or an output of suite %s", path, nm, s->name);
      st = 2;
    }
  }
  if (!st && nin && nin != s->ninputs) {
    snprintf(err, errlen, "%s: give every input of suite %s or none", path, s->name);
    st = 2;
  }
  if (!st) {
    st = verify_columns(s->name, o, path, t->col[0].n, ids, nin ? in : NULL, out, NULL, NULL, res, err, errlen);
    if (st == 2 && !strncmp(err, "row ", 4)) {  /* FILE:ROW (0-based) as the CSV's FILE:LINE */
      char tmp[1024];
      snprintf(tmp, sizeof tmp, "%s", err + 4);
      snprintf(err, errlen, "%s:row %s", path, tmp);
    } else if (st == 2 && strncmp(err, path, strlen(path))) {
      char tmp[1024];
      snprintf(tmp, sizeof tmp, "%s", err);
      snprintf(err, errlen, "%s: %s", path, tmp);
    }
  }
  npy_free(t);
  free(t);
  return st;
}

/* row->line is the row's line; -1: where the reading stopped */
static void cand_fail(void *src, const cli_cand_row *row, const char *msg)
{
  cli_cand *c = src;
  cli_cand_ahead_stop(c); /* c->csv is this thread's again */
  if (row->line >= 0) c->csv.line = row->line;
  csv_error(&c->csv, 1, "%s", msg);
}
static const char *cand_err(void *src) { return ((cli_cand *)src)->csv.err; }
static int cand_next(void *src, cli_cand_row *row) { return cli_cand_next(src, row); }
static int cand_skip(void *src) { return cli_cand_skip(src); }

int dmv_verify_file(const char *suite, const dmv_options *o, const char *path, dmv_result **res,
                    char *err, size_t errlen)
{
  cli_verify_result how = { 0 };
  how.keep_rows = 1;
  how.nshards = 1;
  return cli_verify_file(suite, o, &how, path, res, err, errlen);
}

int cli_verify_file(const char *suite, const dmv_options *o, const cli_verify_result *how, const char *path,
                    dmv_result **res, char *err, size_t errlen)
{
  *res = NULL;
  const dmc_suite *s = find_suite(suite, err, errlen);
  if (!s) return 2;
  dmv_options def;
  if (!o) { dmv_options_init(&def); o = &def; }
  if (npy_is_numpy(path)) {
    if (how->nshards > 1) { snprintf(err, errlen, "%s: --shard needs a CSV candidate", path); return 2; }
    return verify_numpy(s, o, path, res, err, errlen);
  }
  cli_verify_result *r = calloc(1, sizeof *r);
  cli_cand *cand = malloc(sizeof *cand);
  if (!r || !cand) { free(r); free(cand); snprintf(err, errlen, "out of memory"); return 1; }
  int st = cli_verify_setup(r, s, o, err, errlen);
  r->max_bytes = how->max_bytes;
  r->keep_rows = how->keep_rows;
  r->threads = how->threads;
  r->shard = how->shard;
  r->nshards = how->nshards ? how->nshards : 1;
  if (!st && cli_cand_open(cand, path, s, r->max_bytes)) { snprintf(err, errlen, "%s", cand->csv.err); st = 2; }
  else if (!st) {
    /* parsing on every thread (a shard skips other rows unread: one thread) */
    if (r->nshards <= 1) cli_cand_parallel(cand, cli_verify_threads(r), 0); /* out of memory: one thread */
    snprintf(r->candidate, sizeof r->candidate, "%s", path);
    for (int i = 0; i < s->noutputs; i++) r->present[i] = cand->out_col[i] >= 0;
    cli_rows rows = { cand, cand->has_inputs, cand_next, cand_skip, cand_fail, cand_err };
    st = cli_verify_rows(r, o->vectors, o->live, &rows, NULL, NULL, 0, err, errlen);
    cli_cand_close(cand);
  }
  free(cand);
  if (st) { dmv_result_free(r); return st; }
  *res = r;
  return 0;
}

int dmv_result_ok(const dmv_result *r) { return cli_verify_pass(r); }
size_t dmv_result_rows(const dmv_result *r) { return r->rows; }

static const cli_out_stats *stats(const dmv_result *r, int i)
{
  return i >= 0 && i < r->suite->noutputs && r->present[i] ? &r->out[i] : NULL;
}

int dmv_result_present(const dmv_result *r, int i) { return stats(r, i) != NULL; }
double dmv_result_max_ulp(const dmv_result *r, int i) { return stats(r, i) ? r->out[i].max_ulp : NAN; }
double dmv_result_budget(const dmv_result *r, int i) { return stats(r, i) ? r->budgets[i] : NAN; }
size_t dmv_result_over(const dmv_result *r, int i) { return stats(r, i) ? r->out[i].over : 0; }
int dmv_result_nworst(const dmv_result *r, int i) { return stats(r, i) ? r->out[i].nworst : 0; }

int dmv_result_worst(const dmv_result *r, int i, int k, long *row, long *id, double *cand, double *ref,
                     double *ulp, double *inputs)
{
  const cli_out_stats *o = stats(r, i);
  if (!o || k < 0 || k >= o->nworst) return 2;
  const cli_worst *w = &o->worst[k];
  *row = w->line; *id = w->id; *cand = w->cand; *ref = w->ref; *ulp = w->ulp;
  if (inputs) memcpy(inputs, w->in, (size_t)r->suite->ninputs * sizeof *inputs);
  return 0;
}

char *dmv_result_report(const dmv_result *r, const char *format)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return NULL;
  if (format && !strcmp(format, "json")) cli_report_json(f, r);
  else if (format && !strcmp(format, "junit")) cli_report_junit(f, r);
  else if (!format || !strcmp(format, "text")) cli_report_text(f, r);
  else { fclose(f); free(buf); return NULL; }
  if (fclose(f)) { free(buf); return NULL; }
  return buf;
}

void dmv_result_free(dmv_result *r)
{
  if (!r) return;
  free(r->row_ulp);
  free(r->row_flag);
  free(r);
}
void dmv_free(void *p) { free(p); }
