/* cli_verify.c -- `dmcheck verify SUITE CANDIDATE.csv`: measures a candidate's
 * outputs against a suite's correctly rounded values, in ULPs of the
 * candidate's own floating-point format and as relative errors. */
#define _POSIX_C_SOURCE 200809L
#include "cli_verify.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *f)
{
  fprintf(f,
    "usage: dmcheck verify SUITE CANDIDATE.csv [--dtype float64|float32|float16|bfloat16]\n"
    "                      [--budget-ulp N] [--format text|json|junit] [-o REPORT]\n"
    "                      [--worst K] [--vectors DIR] [--live]\n"
    "Compares the candidate's output columns with the suite's correctly rounded values.\n"
    "The candidate is a CSV with a header line ('#' comment lines allowed). Columns:\n"
    "  id                  suite row numbers (from 0), or\n"
    "  the suite's inputs  (NAME or NAME_hex): evaluated live with MPFR unless they\n"
    "                      equal the stored row's inputs, or\n"
    "  neither             data row k is suite row k;\n"
    "  outputs             any subset of the suite's outputs (NAME or NAME_hex).\n"
    "Numbers in decimal or C99 hex; nan and inf allowed (overflowing literals are\n"
    "errors). CANDIDATE '-' is stdin; files over 256 MiB are refused. Live rows\n"
    "must lie in the cost-bounded domain (T <= %d for the schedule suites,\n"
    "|x| <= 40 for normal_cdf; README).\n"
    "Errors are in ULPs of --dtype (default float64): the candidate's value and the\n"
    "correctly rounded reference are both rounded to that format (a reference that\n"
    "lies exactly halfway accepts either neighbour), and relative to the reference.\n"
    "  --budget-ulp N   largest acceptable ULP error (default 1: faithful rounding)\n"
    "  --format F       report as text (default), json or junit XML\n"
    "  -o REPORT        write the report to REPORT (replaced when complete; not an\n"
    "                   input, a symlink or a special file) instead of stdout\n"
    "  --worst K        rows to show per output (default 5, at most %d)\n"
    "  --vectors DIR    stored vectors (default $DMC_VECTORS or the source tree's\n"
    "                   reference/vectors); a missing file is computed now\n"
    "  --live           ignore stored vectors: compute every reference value now\n"
    "Exit status: 0 within budget, 1 over budget, 2 bad input (one line\n"
    "FILE:LINE:COL: message on stderr).\n", CLI_LIVE_T_MAX, CLI_WORST_MAX);
}

typedef struct {
  const char *suite, *candidate, *dtype, *format, *output, *vectors;
  double budget;
  int worst, live;
} options;

static int parse_options(int argc, char **argv, options *o)
{
  *o = (options){ NULL, NULL, "float64", "text", NULL, NULL, 1.0, 5, 0 };
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char **slot = !strcmp(a, "--dtype") ? &o->dtype : !strcmp(a, "--format") ? &o->format
                      : !strcmp(a, "-o") || !strcmp(a, "--output") ? &o->output
                      : !strcmp(a, "--vectors") ? &o->vectors : NULL;
    if (slot || !strcmp(a, "--budget-ulp") || !strcmp(a, "--worst")) {
      if (++i >= argc) { fprintf(stderr, "dmcheck verify: %s needs a value\n", a); return -1; }
      if (slot) { *slot = argv[i]; continue; }
      double v;
      if (cli_parse_option("dmcheck verify", a, argv[i], &v)) return -1;
      if (!(v >= 0) || (!strcmp(a, "--worst") && (v != floor(v) || v > CLI_WORST_MAX))) {
        fprintf(stderr, "dmcheck verify: bad value '%s' for %s\n", argv[i], a);
        return -1;
      }
      if (!strcmp(a, "--worst")) o->worst = (int)v; else o->budget = v;
    } else if (!strcmp(a, "--live")) {
      o->live = 1;
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "dmcheck verify: unknown option '%s' (try --help)\n", a);
      return -1;
    } else if (!o->suite) o->suite = a;
    else if (!o->candidate) o->candidate = a;
    else { fprintf(stderr, "dmcheck verify: unexpected argument '%s'\n", a); return -1; }
  }
  if (!o->suite || !o->candidate) {
    fprintf(stderr, "dmcheck verify: need SUITE and CANDIDATE.csv (try --help)\n");
    return -1;
  }
  if (strcmp(o->format, "text") && strcmp(o->format, "json") && strcmp(o->format, "junit")) {
    fprintf(stderr, "dmcheck verify: unknown --format '%s' (text, json or junit)\n", o->format);
    return -1;
  }
  return 0;
}

static void add_worst(cli_out_stats *o, int k, const cli_worst *w)
{
  if (o->nworst == k && !(w->ulp > o->worst[k - 1].ulp)) return;
  int i = o->nworst < k ? o->nworst++ : k - 1;
  while (i > 0 && w->ulp > o->worst[i - 1].ulp) { o->worst[i] = o->worst[i - 1]; i--; }
  o->worst[i] = *w;
}

static void account(cli_verify_result *r, int i, const cli_cand_row *row, const double *in, double ref)
{
  cli_out_stats *o = &r->out[i];
  cli_worst w;
  double cand = cli_format_round(r->fmt, row->out[i]);
  w.ulp = cli_format_error(r->fmt, cand, ref, &w.ref_fmt);
  w.rel = cand == w.ref_fmt || (isnan(cand) && isnan(w.ref_fmt)) ? 0.0 : cli_relative_error(cand, ref);
  o->n++;
  if (isinf(w.ulp)) o->nan_mismatch++;
  else o->sum_ulp += w.ulp;
  if (w.ulp > o->max_ulp) o->max_ulp = w.ulp;
  if (w.rel > o->max_rel || (isnan(w.rel) && !isnan(o->max_rel))) o->max_rel = w.rel;
  int ni = r->suite->ninputs;
  int bin = cli_decade_bin(ref);
  o->dec_n[bin]++;
  if (w.ulp > r->budget) o->dec_over[bin]++;
  if (w.ulp > o->dec_max[bin]) o->dec_max[bin] = w.ulp;
  if (cand != 0 && ref != 0 && !isnan(cand) && !isnan(ref) && signbit(cand) != signbit(ref)) o->sign_flip++;
  if (w.ulp > r->budget) {
    for (int k = 0; k < ni; k++) {
      if (!o->over || in[k] < o->over_lo[k]) o->over_lo[k] = in[k];
      if (!o->over || in[k] > o->over_hi[k]) o->over_hi[k] = in[k];
    }
    if (!o->over || ref < o->over_ref_lo) o->over_ref_lo = ref;
    if (!o->over || ref > o->over_ref_hi) o->over_ref_hi = ref;
    o->over++;
  }
  if (w.ulp > 0 && r->worst_k > 0) {
    w.line = row->line;
    w.id = row->id;
    memcpy(w.in, in, (size_t)ni * sizeof *in);
    w.cand = cand;
    w.ref = ref;
    add_worst(o, r->worst_k, &w);
  }
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

/* The suite's rows: the stored file, or computed now when there is none. */
static int get_table(const options *o, const dmc_suite *s, int required, vec_table *t,
                     char *source, size_t srclen, char *path, size_t pathlen)
{
  char err[1200];
  snprintf(path, pathlen, "%s/%s.csv", o->vectors ? o->vectors : cli_vectors_dir(), s->name);
  struct stat st;
  if (!o->live && stat(path, &st) == 0) {
    if (vecfile_load(path, s, t, err, sizeof err)) {
      fprintf(stderr, "%s\n", err);
      return -1;
    }
    snprintf(source, srclen, "stored vectors %s", path);
    return 0;
  }
  if (!required) {
    snprintf(source, srclen, "the candidate's inputs evaluated with MPFR");
    return 0;
  }
  if (!o->live)
    fprintf(stderr, "dmcheck verify: note: %s not found; computing the suite's rows now\n", path);
  char label[128];
  snprintf(label, sizeof label, "dmcheck verify: computing %s", s->name);
  if (vecfile_compute(s, t, cli_progress, label, err, sizeof err)) {
    fprintf(stderr, "dmcheck verify: %s\n", err);
    return -1;
  }
  snprintf(source, srclen, "suite rows computed now with MPFR (%s)", o->live ? "--live" : "no stored file");
  return 0;
}

static int run(const options *o, cli_verify_result *r, cli_cand *cand, vec_table *t)
{
  const dmc_suite *s = r->suite;
  int ni = s->ninputs, no = s->noutputs;
  cli_cand_row row;
  double live_out[DMC_SUITE_MAX_COLS];
  char label[128];
  snprintf(label, sizeof label, "dmcheck verify %s", s->name);
  (void)o;
  input_index index = { 0, NULL };
  int k;
  while ((k = cli_cand_next(cand, &row)) > 0) {
    size_t idx = row.id >= 0 ? (size_t)row.id : r->rows;
    const double *in, *ref;
    if (cand->has_inputs) {
      in = row.in;
      if (t->in && !(idx < t->nrows && same_inputs(in, t->in + idx * (size_t)ni, ni))) {
        if (!index.slot && index_build(&index, t)) {
          csv_error(&cand->csv, 1, "out of memory");
          return -1;
        }
        idx = index_find(&index, t, in);
      }
      if (t->in && idx < t->nrows) {
        ref = t->out + idx * (size_t)no;
      } else {
        char why[256];
        int bad = cli_live_domain(s, in, why, sizeof why);
        if (bad >= 0) {
          csv_error(&cand->csv, 1, "%s", why);
          free(index.slot);
          return -1;
        }
        int st = s->eval(in, live_out);
        r->live++;
        if (r->live % 1024 == 0) cli_progress(r->live, 0, label);
        if (st == 2) { r->unproved++; r->rows++; continue; }
        ref = live_out;
      }
    } else {
      if (idx >= t->nrows) {
        csv_error(&cand->csv, 1, "data row %zu is beyond the suite's %zu rows (add an id column or the inputs)",
                      idx + 1, t->nrows);
        free(index.slot);
        return -1;
      }
      in = t->in + idx * (size_t)ni;
      ref = t->out + idx * (size_t)no;
    }
    for (int i = 0; i < no; i++)
      if (r->present[i]) account(r, i, &row, in, ref[i]);
    r->rows++;
    if (r->rows % (1u << 18) == 0) cli_progress(r->rows, 0, label);
  }
  free(index.slot);
  if (k < 0) return -1;
  if (r->rows == 0) {
    csv_error(&cand->csv, 1, "no data rows after the header");
    return -1;
  }
  return 0;
}

int cli_verify(int argc, char **argv)
{
  if (cli_wants_help(argc, argv)) { usage(stdout); return 0; }
  options o;
  if (parse_options(argc, argv, &o)) return 2;
  const dmc_suite *s = dmc_suite_find(o.suite);
  if (!s) { fprintf(stderr, "dmcheck verify: unknown suite '%s' (see 'dmcheck list --suites')\n", o.suite); return 2; }
  const cli_format *fmt = cli_format_find(o.dtype);
  if (!fmt) { fprintf(stderr, "dmcheck verify: unknown --dtype '%s' (float64, float32, float16 or bfloat16)\n", o.dtype); return 2; }

  cli_cand *cand = malloc(sizeof *cand);
  cli_verify_result *r = calloc(1, sizeof *r);
  if (!cand || !r) { free(cand); free(r); fprintf(stderr, "dmcheck verify: out of memory\n"); return 2; }
  int status = 2;
  vec_table t = { 0 };
  char source[4200], vecpath[4096];
  if (cli_cand_open(cand, o.candidate, s)) {
    fprintf(stderr, "%s\n", cand->csv.err);
    goto done;
  }
  int required = !cand->has_inputs;
  if (get_table(&o, s, required, &t, source, sizeof source, vecpath, sizeof vecpath)) { cli_cand_close(cand); goto done; }
  const char *inputs[2] = { o.candidate, vecpath };
  cli_output w;
  if (cli_output_open(&w, "dmcheck verify", o.output, inputs, 2)) { cli_cand_close(cand); goto done; }
  r->suite = s;
  r->fmt = fmt;
  r->candidate = o.candidate;
  r->source = source;
  r->budget = o.budget;
  r->worst_k = o.worst;
  for (int i = 0; i < s->noutputs; i++) r->present[i] = cand->out_col[i] >= 0;
  if (run(&o, r, cand, &t)) {
    fprintf(stderr, "%s\n", cand->csv.err);
    cli_cand_close(cand);
    cli_output_abort(&w);
    goto done;
  }
  cli_cand_close(cand);
  if (r->live) cli_progress(r->live, r->live, "dmcheck verify: live rows");
  if (!strcmp(o.format, "json")) cli_report_json(w.f, r);
  else if (!strcmp(o.format, "junit")) cli_report_junit(w.f, r);
  else cli_report_text(w.f, r);
  int to_file = w.tmp != NULL;
  if (cli_output_commit(&w, "dmcheck verify")) goto done;
  status = cli_verify_pass(r) ? 0 : 1;
  if (to_file) fprintf(stderr, "dmcheck verify: %s (report: %s)\n", status ? "FAIL" : "PASS", o.output);
done:
  vec_table_free(&t);
  free(cand);
  free(r);
  return status;
}
