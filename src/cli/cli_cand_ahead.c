/* cli_cand_ahead.c -- a candidate's rows parsed ahead on several threads.
 * Parsing (tokenizing and reading the numbers) is most of what verify does
 * with a stored table, so it runs beside the accounting. The file goes in
 * blocks of whole lines (csv_take_lines), numbered in file order; a ring of
 * slots holds the blocks taken and not yet given out. Whoever is free takes
 * the next block: a worker thread, or the caller when the block it needs next
 * is not taken yet (so a busy machine that gives the workers no CPU costs
 * nothing but the hand-over). Each block is copied and parsed by a reader of
 * its own (csv_init_span numbers its lines as the file does), and the caller
 * gives the rows out in file order. A block stops at its first error: its
 * rows come out, then the error, as one thread meets it; the blocks after it
 * are never given out. Everything shared is under one mutex; a block's text
 * and rows belong to whoever took it until it is marked ready. */
#include "alloc.h"
#include "cli_verify.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* lines per block (about 1 MB of parsed rows); bytes: more than one line may need */
enum { BLOCK_LINES = 4096, BLOCK_BYTES = 1 << 18 };
enum { SLOT_EMPTY, SLOT_TAKEN, SLOT_READY };

typedef struct {
  int state;
  char *text;                           /* the block's lines, copied, NUL-terminated */
  size_t len, cap;
  long first_line;
  size_t nlines;
  /* parsed rows, packed (a row's line, id and the values of its columns:
   * another thread reads them, so no more bytes than the file has) */
  long *lines, *ids;
  double *vals;                         /* nvals per row */
  size_t nrows, rcap;
  int failed;                           /* an error follows the rows (its message in err, */
  long err_line;                        /* the reader's line then) */
  char err[sizeof ((csv_reader *)0)->err];
} block;

struct cli_cand_ahead {
  cli_cand *c;                          /* its reader: under the mutex, until stopped */
  cli_cand proto;                       /* c's column map, for the parsers (read only) */
  size_t block_lines;
  int nvals, col[2 * DMC_SUITE_MAX_COLS]; /* packed value v: input col[v], or output col[v] - MAX_COLS */
  unsigned nslots, nworkers;
  pthread_t tid[DMC_MAX_THREADS];
  pthread_mutex_t mu;
  pthread_cond_t cv;
  size_t taken;                         /* blocks taken from the reader */
  size_t cur, row;                      /* the block being given out; its next row */
  block *out;                           /* that block once ready, or NULL */
  int reader_end;                       /* 0; 1 end of file; -1 reader error (in c->csv.err) */
  int quit, stopped;
  int final;                            /* after stopping: what next() returns (0 or -1) */
  block b[];
};

/* Copies the lines into the block; 0, or -1 out of memory. */
static int keep_text(block *k, const char *text, size_t len)
{
  if (len >= k->cap) { /* geometric: blocks vary a little in length */
    size_t cap = k->cap ? k->cap : (size_t)BLOCK_BYTES;
    while (cap <= len && cap <= SIZE_MAX / 2) cap *= 2;
    if (cap <= len) return -1;
    char *t = realloc(k->text, cap);
    if (!t) return -1;
    k->text = t;
    k->cap = cap;
  }
  memcpy(k->text, text, len);
  k->text[len] = '\0';
  k->len = len;
  return 0;
}

static int can_take(const struct cli_cand_ahead *a)
{
  return !a->reader_end && a->taken < a->cur + a->nslots;
}

/* Under the mutex, with can_take: the next block from the reader, marked
 * taken; NULL when the reader is at its end or failed (reader_end says). */
static block *take(struct cli_cand_ahead *a)
{
  csv_reader *v = &a->c->csv;
  block *k = &a->b[a->taken % a->nslots];
  const char *text;
  size_t len;
  int st = csv_take_lines(v, BLOCK_BYTES, a->block_lines, &text, &len, &k->first_line, &k->nlines);
  if (st > 0 && keep_text(k, text, len)) {
    snprintf(v->err, sizeof v->err, "%s:%ld:1: cannot read: out of memory", v->path, k->first_line);
    st = -1;
  }
  if (st <= 0) {
    a->reader_end = st < 0 ? -1 : 1;
    pthread_cond_broadcast(&a->cv);
    return NULL;
  }
  k->state = SLOT_TAKEN;
  a->taken++;
  return k;
}

/* Parses a taken block with a reader of its own (at most one row per line). */
static void parse(const struct cli_cand_ahead *a, block *k)
{
  k->nrows = 0;
  k->failed = 0;
  if (!k->lines) {
    k->lines = alloc_array(a->block_lines, sizeof *k->lines);
    k->ids = alloc_array(a->block_lines, sizeof *k->ids);
    k->vals = alloc_array(a->block_lines, (size_t)(a->nvals ? a->nvals : 1) * sizeof *k->vals);
    if (!k->lines || !k->ids || !k->vals) {
      free(k->lines);
      free(k->ids);
      free(k->vals);
      k->lines = k->ids = NULL;
      k->vals = NULL;
      k->failed = 1;
      k->err_line = k->first_line;
      snprintf(k->err, sizeof k->err, "%s:%ld:1: cannot read: out of memory", a->proto.csv.path, k->first_line);
      return;
    }
    k->rcap = a->block_lines;
  }
  cli_cand sub = a->proto;
  csv_init_span(&sub.csv, a->proto.csv.path, k->text, k->len, a->proto.csv.sep, a->proto.csv.quotes, k->first_line);
  int st = 0;
  cli_cand_row row;
  while (k->nrows < k->rcap && (st = cli_cand_read_row(&sub, &row)) > 0) {
    double *v = k->vals + k->nrows * (size_t)a->nvals;
    for (int i = 0; i < a->nvals; i++)
      v[i] = a->col[i] < DMC_SUITE_MAX_COLS ? row.in[a->col[i]] : row.out[a->col[i] - DMC_SUITE_MAX_COLS];
    k->lines[k->nrows] = row.line;
    k->ids[k->nrows++] = row.id;
  }
  if (st < 0) {
    k->failed = 1;
    k->err_line = sub.csv.line;
    memcpy(k->err, sub.csv.err, sizeof k->err);
  }
}

/* Takes and parses blocks while the ring has room, until told to quit. */
static void *work(void *arg)
{
  struct cli_cand_ahead *a = arg;
  pthread_mutex_lock(&a->mu);
  for (;;) {
    while (!a->quit && !can_take(a)) pthread_cond_wait(&a->cv, &a->mu);
    if (a->quit) break;
    block *k = take(a);
    if (!k) continue;
    pthread_mutex_unlock(&a->mu);
    parse(a, k);
    pthread_mutex_lock(&a->mu);
    k->state = SLOT_READY;
    pthread_cond_broadcast(&a->cv);
  }
  pthread_mutex_unlock(&a->mu);
  return NULL;
}

/* Ends the workers (after which the caller owns c->csv again). */
static void stop(struct cli_cand_ahead *a)
{
  if (a->stopped) return;
  pthread_mutex_lock(&a->mu);
  a->quit = 1;
  pthread_cond_broadcast(&a->cv);
  pthread_mutex_unlock(&a->mu);
  for (unsigned t = 0; t < a->nworkers; t++) pthread_join(a->tid[t], NULL);
  a->stopped = 1;
}

int cli_cand_parallel(cli_cand *c, unsigned nthreads, size_t block_lines)
{
  if (nthreads < 2 || nthreads > DMC_MAX_THREADS || c->ahead) return 0;
  unsigned nslots = 2 * nthreads;
  struct cli_cand_ahead *a = calloc(1, sizeof *a + nslots * sizeof a->b[0]);
  if (!a) return -1;
  a->c = c;
  a->proto = *c;
  a->proto.ahead = NULL;
  a->block_lines = block_lines && block_lines < BLOCK_LINES ? block_lines : BLOCK_LINES;
  for (int i = 0; i < c->suite->ninputs; i++) if (c->in_col[i] >= 0) a->col[a->nvals++] = i;
  for (int i = 0; i < c->suite->noutputs; i++) if (c->out_col[i] >= 0) a->col[a->nvals++] = DMC_SUITE_MAX_COLS + i;
  a->nslots = nslots;
  if (pthread_mutex_init(&a->mu, NULL)) { free(a); return -1; }
  if (pthread_cond_init(&a->cv, NULL)) { pthread_mutex_destroy(&a->mu); free(a); return -1; }
  for (unsigned t = 0; t + 1 < nthreads; t++) { /* the caller is the last thread */
    if (pthread_create(&a->tid[t], NULL, work, a)) break; /* fewer workers: the caller does more */
    a->nworkers++;
  }
  c->ahead = a;
  return 0;
}

void cli_cand_ahead_free(struct cli_cand_ahead *a)
{
  if (!a) return;
  stop(a);
  pthread_cond_destroy(&a->cv);
  pthread_mutex_destroy(&a->mu);
  for (unsigned t = 0; t < a->nslots; t++) {
    free(a->b[t].text);
    free(a->b[t].lines);
    free(a->b[t].ids);
    free(a->b[t].vals);
  }
  free(a);
}

void cli_cand_ahead_stop(cli_cand *c)
{
  struct cli_cand_ahead *a = c->ahead;
  if (!a || a->stopped) return;
  stop(a);
  a->final = -1; /* stopped before the end: no more rows */
}

/* The end of the rows: the workers stopped, c->csv the caller's again. */
static int finish(cli_cand *c, struct cli_cand_ahead *a, const block *failed)
{
  stop(a);
  if (failed) {
    memcpy(c->csv.err, failed->err, sizeof c->csv.err);
    c->csv.line = failed->err_line;
  }
  /* at the end of the file the reader's own last record (0) names its last line */
  a->final = failed || a->reader_end < 0 ? -1 : csv_next_record(&c->csv);
  return a->final;
}

/* Under the mutex: block cur once ready (taking and parsing it here when no
 * one has, or another block while a worker parses it); NULL at the end. */
static block *next_block(struct cli_cand_ahead *a)
{
  for (;;) {
    if (a->cur < a->taken) {
      block *k = &a->b[a->cur % a->nslots];
      if (k->state == SLOT_READY) return k;
    } else if (a->reader_end) {
      return NULL;
    }
    block *k = can_take(a) ? take(a) : NULL;
    if (k) {
      pthread_mutex_unlock(&a->mu);
      parse(a, k);
      pthread_mutex_lock(&a->mu);
      k->state = SLOT_READY;
      pthread_cond_broadcast(&a->cv);
    } else if (a->cur < a->taken || !a->reader_end) {
      pthread_cond_wait(&a->cv, &a->mu); /* a worker has block cur, or the ring is full */
    }
  }
}

int cli_cand_ahead_next(cli_cand *c, cli_cand_row *row)
{
  struct cli_cand_ahead *a = c->ahead;
  if (a->stopped) return a->final;
  for (;;) {
    block *k = a->out;
    if (k && a->row < k->nrows) {
      const double *v = k->vals + a->row * (size_t)a->nvals;
      for (int i = 0; i < a->nvals; i++) {
        if (a->col[i] < DMC_SUITE_MAX_COLS) row->in[a->col[i]] = v[i];
        else row->out[a->col[i] - DMC_SUITE_MAX_COLS] = v[i];
      }
      row->line = k->lines[a->row];
      row->id = k->ids[a->row++];
      return 1;
    }
    if (k && k->failed) return finish(c, a, k);
    pthread_mutex_lock(&a->mu);
    if (k) { /* used up: its slot takes a later block */
      k->state = SLOT_EMPTY;
      a->cur++;
      pthread_cond_broadcast(&a->cv);
    }
    a->out = next_block(a);
    a->row = 0;
    pthread_mutex_unlock(&a->mu);
    if (!a->out) return finish(c, a, NULL);
  }
}
