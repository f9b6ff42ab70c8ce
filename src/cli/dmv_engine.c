/* dmv_engine.c -- the engine of dmcheck verify: measures a stream of
 * candidate rows (cli_rows: a CSV read a window at a time, or arrays)
 * against the suite's correctly rounded values, in ULPs of the candidate's
 * format and as relative errors. Rows go in batches: each batch's reference
 * values are found (stored rows by their id or inputs; the rest evaluated
 * live with MPFR on every thread), then the rows are accounted in order, so
 * the report does not depend on the thread count; with --shard only the
 * shard's rows are read. */
#define _GNU_SOURCE /* PATH_MAX under -std=c11 */
#include "alloc.h"
#include "cli_verify.h"

#include <limits.h>
#include <math.h>
#include <mpfr.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

unsigned cli_verify_threads(const cli_verify_result *r)
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
  int st = cli_verify_table(r, vectors, live, !rows->has_inputs, &tab, path, sizeof path, err, errlen);
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
  unsigned nthreads = cli_verify_threads(r);
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

