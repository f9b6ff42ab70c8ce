/* dmv_verify.c -- the verification engine of libdmcverify (dmcverify.h):
 * measures candidate rows (from a file or from arrays) against a suite's
 * correctly rounded values, in ULPs of the candidate's floating-point format
 * and as relative errors. `dmcheck verify` and the Python package call it. */
#define _GNU_SOURCE
#include "alloc.h"
#include "cli_verify.h"
#include "dmcverify.h"
#include "dmv_npy.h"

#include <dlfcn.h>
#include <mpfr.h>
#include <pthread.h>
#include <unistd.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void cli_sum_add(cli_out_stats *o, double ulp)
{
  if (ulp < 0x1p63) { /* the usual case: one exact conversion */
    uint64_t u = (uint64_t)ulp;
    o->sum_hi += u >> 32;
    o->sum_lo += u & 0xffffffffu;
  } else {
    double hi = floor(ldexp(ulp, -32));
    o->sum_hi += (uint64_t)hi;
    o->sum_lo += (uint64_t)(ulp - ldexp(hi, 32));
  }
  o->sum_hi += o->sum_lo >> 32;
  o->sum_lo &= 0xffffffffu;
}

double cli_lo(double a, double b)
{
  if (isnan(a) || isnan(b)) return isnan(a) ? b : a;
  return a < b || (a == b && signbit(a)) ? a : b;
}

double cli_hi(double a, double b)
{
  if (isnan(a) || isnan(b)) return isnan(a) ? b : a;
  return a > b || (a == b && !signbit(a)) ? a : b;
}

void cli_add_worst(cli_out_stats *o, int k, const cli_worst *w)
{
  if (o->nworst == k && !(w->ulp > o->worst[k - 1].ulp)) return;
  int i = o->nworst < k ? o->nworst++ : k - 1;
  while (i > 0 && w->ulp > o->worst[i - 1].ulp) { o->worst[i] = o->worst[i - 1]; i--; }
  o->worst[i] = *w;
}

/* Accounts output i of a row: its ULP error; *flags gets its CLI_ROW_* flags. */
static double account(cli_verify_result *r, int i, const cli_cand_row *row, const double *in, double ref,
                      int bin, int *flags)
{
  cli_out_stats *o = &r->out[i];
  cli_worst w;
  double cand = cli_format_round(r->fmt, row->out[i]);
  w.ulp = cli_format_error(r->fmt, cand, ref, &w.ref_fmt);
  w.rel = cand == w.ref_fmt || (isnan(cand) && isnan(w.ref_fmt)) ? 0.0 : cli_relative_error(cand, ref);
  o->n++;
  *flags = 0;
  if (isinf(w.ulp)) { o->nan_mismatch++; *flags |= CLI_ROW_NAN; }
  else cli_sum_add(o, w.ulp);
  if (w.ulp > o->max_ulp) o->max_ulp = w.ulp;
  if (w.rel > o->max_rel || (isnan(w.rel) && !isnan(o->max_rel))) o->max_rel = w.rel;
  int ni = r->suite->ninputs;
  o->dec_n[bin]++;
  int over = w.ulp > r->budgets[i] && !(fabs(cand - ref) <= r->abs_tol);
  if (over) { o->dec_over[bin]++; *flags |= CLI_ROW_OVER; }
  if (w.ulp > o->dec_max[bin]) o->dec_max[bin] = w.ulp;
  if (cand != 0 && ref != 0 && !isnan(cand) && !isnan(ref) && signbit(cand) != signbit(ref)) {
    o->sign_flip++;
    *flags |= CLI_ROW_SIGN;
  }
  if (over) {
    for (int k = 0; k < ni; k++) {
      o->over_lo[k] = o->over ? cli_lo(o->over_lo[k], in[k]) : in[k];
      o->over_hi[k] = o->over ? cli_hi(o->over_hi[k], in[k]) : in[k];
    }
    o->over_ref_lo = o->over ? cli_lo(o->over_ref_lo, ref) : ref;
    o->over_ref_hi = o->over ? cli_hi(o->over_ref_hi, ref) : ref;
    o->over++;
  }
  if (w.ulp > 0 && r->worst_k > 0) {
    w.line = row->line;
    w.id = row->id;
    memcpy(w.in, in, (size_t)ni * sizeof *in);
    w.cand = cand;
    w.ref = ref;
    cli_add_worst(o, r->worst_k, &w);
  }
  return w.ulp;
}

static int same_inputs(const double *a, const double *b, int n)
{
  for (int i = 0; i < n; i++)
    if (memcmp(&a[i], &b[i], sizeof *a) && !(isnan(a[i]) && isnan(b[i]))) return 0;
  return 1;
}

/* Stored rows by their inputs' bit patterns (open addressing), so a
 * candidate bringing its own inputs in any order or subset still uses the
 * stored values where its inputs are the suite's. */
typedef struct { size_t mask; size_t *slot; } input_index; /* slot: row + 1, 0 empty */

static size_t hash_inputs(const double *in, int n)
{
  uint64_t h = 0x9e3779b97f4a7c15u;
  for (int i = 0; i < n; i++) {
    uint64_t b;
    memcpy(&b, &in[i], sizeof b);
    h = (h ^ b) * 0xbf58476d1ce4e5b9u;
    h ^= h >> 29;
  }
  return (size_t)h;
}

static int index_build(input_index *x, const vec_table *t)
{
  size_t cap = 16;
  while (cap < 2 * t->nrows) cap *= 2;
  x->slot = calloc(cap, sizeof *x->slot);
  if (!x->slot) return -1;
  x->mask = cap - 1;
  int ni = t->suite->ninputs;
  for (size_t r = 0; r < t->nrows; r++) {
    const double *in = t->in + r * (size_t)ni;
    size_t h = hash_inputs(in, ni) & x->mask;
    while (x->slot[h] && !same_inputs(t->in + (x->slot[h] - 1) * (size_t)ni, in, ni)) h = (h + 1) & x->mask;
    if (!x->slot[h]) x->slot[h] = r + 1;
  }
  return 0;
}

/* Row with exactly these inputs, or (size_t)-1. */
static size_t index_find(const input_index *x, const vec_table *t, const double *in)
{
  int ni = t->suite->ninputs;
  for (size_t h = hash_inputs(in, ni) & x->mask; x->slot[h]; h = (h + 1) & x->mask)
    if (same_inputs(t->in + (x->slot[h] - 1) * (size_t)ni, in, ni)) return x->slot[h] - 1;
  return (size_t)-1;
}

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

/* The suite's rows: the stored file, or computed now when there is none. */
static int get_table(cli_verify_result *r, const char *vectors, int live, int required, vec_table *t,
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

static int excluded(const cli_verify_result *r, size_t seen)
{
  for (int e = 0; e < r->nexcl; e++)
    if (seen >= r->excl[e].lo && seen <= r->excl[e].hi) {
      ((cli_verify_result *)r)->excl[e].n++;
      return e;
    }
  return -1;
}

static void put_csv_num(FILE *f, double x)
{
  if (isnan(x)) fputs(",nan", f);
  else if (isinf(x)) fputs(x < 0 ? ",-inf" : ",inf", f);
  else fprintf(f, ",%.17g", x);
}

static void put_rows_header(const cli_verify_result *r)
{
  const dmc_suite *s = r->suite;
  fputs("row,id", r->rows_out);
  for (int i = 0; i < s->ninputs; i++) fprintf(r->rows_out, ",%s", s->input_names[i]);
  for (int i = 0; i < s->noutputs; i++)
    if (r->present[i]) {
      const char *n = s->output_names[i];
      fprintf(r->rows_out, ",%s,%s_ref,%s_ulp,%s_over", n, n, n, n);
    }
  fputs(",excluded\n", r->rows_out);
}

/* One row of the rows export; ref NULL: not verified (why says so). */
static void put_row(const cli_verify_result *r, size_t seen, const cli_cand_row *row, const double *in,
                    const double *ref, const double *ulps, const int *overs, const char *why)
{
  const dmc_suite *s = r->suite;
  FILE *f = r->rows_out;
  fprintf(f, "%zu,", seen);
  if (row->id >= 0) fprintf(f, "%ld", row->id);
  for (int i = 0; i < s->ninputs; i++) if (in) put_csv_num(f, in[i]); else fputc(',', f);
  for (int i = 0; i < s->noutputs; i++) {
    if (!r->present[i]) continue;
    put_csv_num(f, cli_format_round(r->fmt, row->out[i]));
    if (ref) {
      double rf;
      cli_format_error(r->fmt, 0, ref[i], &rf);
      put_csv_num(f, rf);
      put_csv_num(f, ulps[i]);
      fprintf(f, ",%d", overs[i]);
    } else fputs(",,,", f);
  }
  fputs(",\"", f);
  for (const char *c = why; *c; c++) { if (*c == '"') fputc('"', f); fputc(*c, f); }
  fputs("\"\n", f);
}

/* "ROWS:REASON" into r->excl; 0 or 2 with a message. */
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

static uint64_t mix(uint64_t h, uint64_t v)
{
  h = (h ^ v) * 0xbf58476d1ce4e5b9u;
  return h ^ (h >> 29);
}

static uint64_t mix_doubles(uint64_t h, const double *x, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    uint64_t b;
    memcpy(&b, &x[i], sizeof b);
    h = mix(h, isnan(x[i]) ? 0x7ff8000000000000u : b);
  }
  return h;
}

/* Adds row `seen` (its id, inputs (NULL: none) and whether it was verified)
 * to the row-set hash and, with keep_rows, keeps its ULP errors and flags
 * (np present outputs; ulps NULL: not verified). 0, or -1 out of memory. */
static int record_row(cli_verify_result *r, size_t seen, int np, const int *pres, const double *ulps,
                      const int *flags, long id, const double *in)
{
  uint64_t h = mix(mix(mix(0x9e3779b97f4a7c15u, (uint64_t)seen), (uint64_t)(id + 1)), ulps ? 1 : 2);
  r->rowset_hash += in ? mix_doubles(h, in, (size_t)r->suite->ninputs) : mix(h, 0x5ca1ab1eu);
  if (!r->keep_rows) return 0;
  if (seen >= r->row_cap) {
    size_t cap = r->row_cap ? 2 * r->row_cap : 1024;
    while (cap <= seen) cap *= 2;
    if (cap > SIZE_MAX / sizeof(double) / DMC_SUITE_MAX_COLS) return -1;
    double *u = realloc(r->row_ulp, cap * (size_t)np * sizeof *u);
    if (!u) return -1;
    r->row_ulp = u;
    unsigned char *f = realloc(r->row_flag, cap * (size_t)np);
    if (!f) return -1;
    r->row_flag = f;
    r->row_cap = cap;
  }
  for (int j = 0; j < np; j++) {
    r->row_ulp[seen * (size_t)np + (size_t)j] = ulps ? ulps[pres[j]] : NAN;
    r->row_flag[seen * (size_t)np + (size_t)j] = (unsigned char)(ulps ? flags[pres[j]] : CLI_ROW_SKIP);
  }
  return 0;
}

/* ---- the engine: rows in batches; live rows evaluated on every thread ---- */
enum { BATCH = 1024, LIVE_BLOCK = 16 };

typedef struct {
  cli_cand_row row;
  size_t seen;                          /* the row's position in the candidate */
  const double *in, *ref;               /* ref NULL: evaluated live into live[] */
  int est;                              /* the live evaluation's status */
  double live[DMC_SUITE_MAX_COLS];
} batch_row;

typedef struct {
  const dmc_suite *s;
  batch_row *b;
  const size_t *idx;                    /* the live rows of the batch */
  size_t n, nblocks;
  unsigned nthreads;
  pthread_t caller;
} live_job;

static int live_block(void *ctx, size_t block, gsl_rng *unused)
{
  const live_job *j = ctx;
  (void)unused;
  for (size_t k = block * LIVE_BLOCK; k < j->n && k < (block + 1) * LIVE_BLOCK; k++) {
    batch_row *b = &j->b[j->idx[k]];
    b->est = j->s->eval(b->in, b->live);
  }
  /* a worker thread's MPFR constant caches die with it: freed after its
   * last block (dmc_run_blocks gives thread t the blocks t, t + nthreads, ...) */
  if (block + j->nthreads >= j->nblocks && !pthread_equal(pthread_self(), j->caller))
    mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE);
  return DMC_OK;
}

static unsigned live_threads(const cli_verify_result *r)
{
  if (r->threads) return r->threads;
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > DMC_MAX_THREADS ? DMC_MAX_THREADS : (unsigned)n;
}

typedef struct {
  cli_verify_result *r;
  const vec_table *t;
  const uint16_t *tbin;                 /* decade of every stored value (NULL: per row) */
  input_index index;
  int np, pres[DMC_SUITE_MAX_COLS];
  double *row_ulp;                      /* dmv_verify_columns' per-row outputs (cap rows) */
  unsigned char *row_over;
  size_t cap;
  char label[128];
} engine;

static void put_unverified(engine *e, size_t seen)
{
  for (int i = 0; seen < e->cap && i < e->np; i++) {
    if (e->row_ulp) e->row_ulp[seen * (size_t)e->np + (size_t)i] = NAN;
    if (e->row_over) e->row_over[seen * (size_t)e->np + (size_t)i] = 0;
  }
}

/* Accounts one resolved row; 0, 1 (its message in msg) or -1 out of memory. */
static int account_row(engine *e, cli_rows *rows, batch_row *b, char *msg, size_t msglen)
{
  cli_verify_result *r = e->r;
  const cli_cand_row *row = &b->row;
  const double *ref = b->ref ? b->ref : b->live;
  if (!b->ref) {
    r->live++;
    if (r->live % 1024 == 0) cli_progress(r->live, 0, e->label);
    if (b->est == 1) { snprintf(msg, msglen, "inputs outside the suite's domain (bad input; see 'dmcheck list --suites')"); return 1; }
    if (b->est == 2) {
      put_unverified(e, b->seen);
      if (r->rows_out) put_row(r, b->seen, row, b->in, NULL, NULL, NULL, "rounding not proved");
      if (record_row(r, b->seen, e->np, e->pres, NULL, NULL, row->id, b->in)) return -1;
      r->unproved++;
      r->rows++;
      return 0;
    }
  }
  double ulps[DMC_SUITE_MAX_COLS];
  int overs[DMC_SUITE_MAX_COLS], flags[DMC_SUITE_MAX_COLS];
  for (int j = 0; j < e->np; j++) {
    int i = e->pres[j];
    int bin = e->tbin && b->ref ? e->tbin[(size_t)(ref - e->t->out) + (size_t)i] : cli_decade_bin(ref[i]);
    ulps[i] = account(r, i, row, b->in, ref[i], bin, &flags[i]);
    overs[i] = (flags[i] & CLI_ROW_OVER) != 0;
    if (e->row_ulp && b->seen < e->cap) e->row_ulp[b->seen * (size_t)e->np + (size_t)j] = ulps[i];
    if (e->row_over && b->seen < e->cap) e->row_over[b->seen * (size_t)e->np + (size_t)j] = (unsigned char)overs[i];
  }
  if (r->rows_out) put_row(r, b->seen, row, b->in, ref, ulps, overs, "");
  if (record_row(r, b->seen, e->np, e->pres, ulps, flags, row->id, b->in)) return -1;
  r->rows++;
  (void)rows;
  return 0;
}

/* Finds each row's reference (stored, or live after a domain check) and
 * accounts excluded rows. Returns the number of rows ready (the rest from the
 * first bad row on is not), with the bad row's message in msg. */
static size_t resolve(engine *e, cli_rows *rows, batch_row *batch, size_t n, size_t *live_idx, size_t *nlive,
                      char *msg, size_t msglen, int *oom)
{
  cli_verify_result *r = e->r;
  const vec_table *t = e->t;
  const dmc_suite *s = r->suite;
  int ni = s->ninputs, no = s->noutputs;
  *nlive = 0;
  for (size_t k = 0; k < n; k++) {
    batch_row *b = &batch[k];
    size_t idx = b->row.id >= 0 ? (size_t)b->row.id : b->seen;
    b->ref = NULL;
    if (rows->has_inputs) {
      b->in = b->row.in;
      if (t->in && !(idx < t->nrows && same_inputs(b->in, t->in + idx * (size_t)ni, ni))) {
        if (!e->index.slot && index_build(&e->index, t)) { *oom = 1; return k; }
        idx = index_find(&e->index, t, b->in);
      }
      if (t->in && idx < t->nrows) b->ref = t->out + idx * (size_t)no;
      else if (cli_live_domain(s, b->in, msg, msglen) >= 0) return k;
      else live_idx[(*nlive)++] = k;
    } else {
      if (idx >= t->nrows) {
        snprintf(msg, msglen, "data row %zu is beyond the suite's %zu rows (add an id column or the inputs)",
                 idx + 1, t->nrows);
        return k;
      }
      b->in = t->in + idx * (size_t)ni;
      b->ref = t->out + idx * (size_t)no;
    }
  }
  return n;
}

/* Reads up to BATCH rows of this shard into batch (excluded rows are
 * accounted on the way); 1 more may follow, 0 at the end, -1 reader error. */
static int read_batch(engine *e, cli_rows *rows, batch_row *batch, size_t *n, size_t *seen, int *oom)
{
  cli_verify_result *r = e->r;
  *n = 0;
  while (*n < BATCH) {
    if (r->nshards > 1 && *seen % r->nshards != r->shard) {
      int k = rows->skip(rows->src);
      if (k <= 0) return k;
      ++*seen;
      continue;
    }
    batch_row *b = &batch[*n];
    int k = rows->next(rows->src, &b->row);
    if (k <= 0) return k;
    b->seen = (*seen)++;
    r->nseen = *seen;
    int ex = excluded(r, b->seen);
    if (ex < 0) { ++*n; continue; }
    put_unverified(e, b->seen);
    const double *in = rows->has_inputs ? b->row.in : NULL;
    if (r->rows_out) put_row(r, b->seen, &b->row, in, NULL, NULL, NULL, r->excl[ex].reason);
    if (record_row(r, b->seen, e->np, e->pres, NULL, NULL, b->row.id, in)) { *oom = 1; return -1; }
  }
  return 1;
}

int cli_verify_rows(cli_verify_result *r, const char *vectors, int live, cli_rows *rows,
                    double *row_ulp, unsigned char *row_over, size_t cap, char *err, size_t errlen)
{
  const dmc_suite *s = r->suite;
  int ni = s->ninputs, no = s->noutputs;
  vec_table tab = { 0 };
  char path[PATH_MAX + 64];
  int st = get_table(r, vectors, live, !rows->has_inputs, &tab, path, sizeof path, err, errlen);
  if (st) return st;
  if (r->nshards > 1) r->keep_rows = 0;  /* the caller refuses baselines of a shard */
  engine e = { r, &tab, NULL, { 0, NULL }, 0, { 0 }, row_ulp, row_over, cap, "" };
  /* the magnitude breakdown's decade of every stored value, once per table
   * (not a log10 per candidate row); NULL (out of memory): per row */
  _Static_assert(CLI_DEC_N <= UINT16_MAX, "decade bins fit in 16 bits");
  uint16_t *tbin = tab.out ? alloc_array(tab.nrows * (size_t)no, sizeof *tbin) : NULL;
  if (tbin)
    for (size_t j = 0; j < tab.nrows * (size_t)no; j++) tbin[j] = (uint16_t)cli_decade_bin(tab.out[j]);
  e.tbin = tbin;
  if (tab.in) {
    uint64_t h = mix(0x243f6a8885a308d3u, (uint64_t)tab.nrows);
    h = mix_doubles(h, tab.in, tab.nrows * (size_t)ni);
    r->vectors_hash = mix_doubles(h, tab.out, tab.nrows * (size_t)no) | 1;
  }
  snprintf(e.label, sizeof e.label, "dmcheck verify %s", s->name);
  for (int i = 0; i < no; i++) if (r->present[i]) e.pres[e.np++] = i;
  if (r->rows_out) put_rows_header(r);
  batch_row *batch = alloc_array(BATCH, sizeof *batch);
  size_t *live_idx = alloc_array(BATCH, sizeof *live_idx);
  unsigned nthreads = live_threads(r);
  size_t seen = 0;
  unsigned long next_progress = 1ul << 18;
  int k = 1, oom = !batch || !live_idx;
  char msg[512] = "";
  const batch_row *bad = NULL;          /* the row msg is about */
  while (!oom && !bad && k > 0) {
    size_t n, nlive;
    k = read_batch(&e, rows, batch, &n, &seen, &oom);
    size_t ready = resolve(&e, rows, batch, n, live_idx, &nlive, msg, sizeof msg, &oom);
    if (ready < n && !oom) bad = &batch[ready];
    if (nlive) {
      size_t nblocks = (nlive + LIVE_BLOCK - 1) / LIVE_BLOCK;
      live_job job = { s, batch, live_idx, nlive, nblocks, nthreads < nblocks ? nthreads : (unsigned)nblocks,
                       pthread_self() };
      if (dmc_run_blocks(nblocks, nthreads, 0, live_block, &job) != DMC_OK) oom = 1;
    }
    for (size_t j = 0; j < ready && !oom && !bad; j++) {
      int a = account_row(&e, rows, &batch[j], msg, sizeof msg);
      if (a < 0) oom = 1;
      else if (a > 0) bad = &batch[j];
    }
    if (r->rows >= next_progress) { cli_progress(r->rows, 0, e.label); next_progress += 1ul << 18; }
  }
  r->nseen = seen;
  if (oom) snprintf(err, errlen, "out of memory");
  else if (bad) { rows->fail(rows->src, &bad->row, msg); snprintf(err, errlen, "%s", rows->err(rows->src)); }
  else if (k < 0) snprintf(err, errlen, "%s", rows->err(rows->src));
  else if (r->rows == 0 && r->nshards <= 1) {
    snprintf(err, errlen, "%s", r->nexcl ? "no data rows left after the exclusions" : "no data rows");
    cli_cand_row last = { 0 };
    last.line = -1;
    rows->fail(rows->src, &last, err);
    snprintf(err, errlen, "%s", rows->err(rows->src));
    k = -1;
  }
  free(e.index.slot);
  vec_table_free(&tab);
  free(tbin);
  free(batch);
  free(live_idx);
  if (r->live) mpfr_free_cache2(MPFR_FREE_LOCAL_CACHE); /* the caller's share of the live rows */
  if (oom) return 1;
  if (bad || k < 0) return 2;
  if (r->live) cli_progress(r->live, r->live, "dmcheck verify: live rows");
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
