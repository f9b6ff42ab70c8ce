/* cli_shard.c -- the shard report of `dmcheck verify --shard I/N` and its
 * merge (`dmcheck merge`): a shard writes its exact state (every count,
 * every double in C99 hex), and the merge adds the states up into the result
 * a single run over all rows gives, so every report format of the merge is
 * byte for byte the single run's. What makes the sum exact: counts add; the
 * maxima and the over-budget ranges are order-free (cli_lo, cli_hi); the
 * worst rows are the first K by (ULP error descending, line ascending), as
 * cli_add_worst keeps them; the row-set hash and the sum of the ULP errors
 * are exact integer sums. */
#include "cli_verify.h"

#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SHARD_FORMAT 1

static void put_x(FILE *f, double x)
{
  if (isnan(x)) fputs("\"nan\"", f);
  else if (isinf(x)) fputs(x < 0 ? "\"-inf\"" : "\"inf\"", f);
  else fprintf(f, "\"%a\"", x);
}

static void put_xs(FILE *f, const double *x, int n)
{
  fputc('[', f);
  for (int k = 0; k < n; k++) { if (k) fputs(", ", f); put_x(f, x[k]); }
  fputc(']', f);
}

void cli_report_shard(FILE *f, const cli_verify_result *r)
{
  const dmc_suite *s = r->suite;
  int ni = s->ninputs;
  fprintf(f, "{\"dmcheck_verify_shard\": %d, \"shard\": %u, \"shards\": %u, \"suite\": ", SHARD_FORMAT, r->shard,
          r->nshards);
  cli_json_str(f, s->name);
  fputs(", \"candidate\": ", f); cli_json_str(f, r->candidate);
  fputs(", \"reference_source\": ", f); cli_json_str(f, r->source);
  fprintf(f, ", \"dtype\": \"%s\", \"row_word\": \"%s\", \"budget_ulp\": ", r->fmt->name, r->row_word);
  put_x(f, r->budget);
  fputs(", \"abs_tol\": ", f); put_x(f, r->abs_tol);
  fprintf(f, ", \"worst_k\": %d,\n \"excluded\": [", r->worst_k);
  for (int e = 0; e < r->nexcl; e++) {
    fprintf(f, "%s{\"first\": %zu, \"last\": %zu, \"rows\": %lu, \"reason\": ", e ? ", " : "", r->excl[e].lo,
            r->excl[e].hi, r->excl[e].n);
    cli_json_str(f, r->excl[e].reason);
    fputc('}', f);
  }
  fprintf(f, "],\n \"rows\": %lu, \"live_rows\": %lu, \"unproved_rows\": %lu, \"rows_seen\": %zu, "
             "\"rowset_hash\": \"%016" PRIx64 "\", \"vectors_hash\": \"%016" PRIx64 "\",\n \"outputs\": [",
          r->rows, r->live, r->unproved, r->nseen, r->rowset_hash, r->vectors_hash);
  for (int i = 0; i < s->noutputs; i++) {
    const cli_out_stats *o = &r->out[i];
    fprintf(f, "%s\n  {\"name\": \"%s\", \"present\": %s, \"budget_ulp\": ", i ? "," : "", s->output_names[i],
            r->present[i] ? "true" : "false");
    put_x(f, r->budgets[i]);
    fprintf(f, ", \"rows\": %lu, \"over_budget\": %lu, \"nan_mismatch\": %lu, \"sign_errors\": %lu, \"max_ulp\": ",
            o->n, o->over, o->nan_mismatch, o->sign_flip);
    put_x(f, o->max_ulp);
    fprintf(f, ", \"sum_ulp_hi32\": %" PRIu64 ", \"sum_ulp_lo32\": %" PRIu64, o->sum_hi, o->sum_lo);
    fputs(", \"max_rel_err\": ", f); put_x(f, o->max_rel);
    fputs(",\n   \"over_lo\": ", f); put_xs(f, o->over_lo, ni);
    fputs(", \"over_hi\": ", f); put_xs(f, o->over_hi, ni);
    fputs(", \"over_ref\": ", f);
    double ref_range[2] = { o->over_ref_lo, o->over_ref_hi };
    put_xs(f, ref_range, 2);
    fputs(",\n   \"worst\": [", f);
    for (int w = 0; w < o->nworst; w++) {
      const cli_worst *x = &o->worst[w];
      fprintf(f, "%s\n    {\"line\": %ld, \"id\": %ld, \"inputs\": ", w ? "," : "", x->line, x->id);
      put_xs(f, x->in, ni);
      double v[5] = { x->cand, x->ref, x->ref_fmt, x->ulp, x->rel };
      fputs(", \"cand_ref_reffmt_ulp_rel\": ", f);
      put_xs(f, v, 5);
      fputc('}', f);
    }
    fputs("],\n   \"decades\": [", f);
    int first = 1;
    for (int k = 0; k < CLI_DEC_N; k++) {
      if (!o->dec_n[k]) continue;
      fprintf(f, "%s[%d, %lu, %lu, ", first ? "" : ", ", k, o->dec_n[k], o->dec_over[k]);
      put_x(f, o->dec_max[k]);
      fputc(']', f);
      first = 0;
    }
    fputs("]}", f);
  }
  fputs("\n ]}\n", f);
}

/* ---- reading ------------------------------------------------------------- */
typedef struct {
  const char *path;
  char *err;
  size_t errlen;
  int bad;
} rd;

static int fail(rd *d, const char *where, const char *what)
{
  if (!d->bad) snprintf(d->err, d->errlen, "%s: %s: %s (not a dmcheck verify --shard report?)", d->path, where, what);
  d->bad = 1;
  return -1;
}

static json_t *member(rd *d, json_t *o, const char *key)
{
  json_t *v = json_is_object(o) ? json_object_get(o, key) : NULL;
  if (!v) fail(d, key, "missing");
  return v;
}

static unsigned long long get_count(rd *d, json_t *o, const char *key)
{
  json_t *v = member(d, o, key);
  if (v && (!json_is_integer(v) || json_integer_value(v) < 0)) { fail(d, key, "not a count"); return 0; }
  return v ? (unsigned long long)json_integer_value(v) : 0;
}

static double as_double(rd *d, json_t *v, const char *where)
{
  double x = NAN;
  const char *s = json_is_string(v) ? json_string_value(v) : NULL;
  if (!s || csv_parse_double(s, strlen(s), &x) != CSV_NUM_OK) fail(d, where, "not a number in C99 hex");
  return x;
}

static double get_double(rd *d, json_t *o, const char *key)
{
  json_t *v = member(d, o, key);
  return v ? as_double(d, v, key) : NAN;
}

static void get_doubles(rd *d, json_t *o, const char *key, double *x, int n)
{
  json_t *a = member(d, o, key);
  if (a && (!json_is_array(a) || json_array_size(a) != (size_t)n)) { fail(d, key, "wrong length"); return; }
  for (int k = 0; a && k < n && !d->bad; k++) x[k] = as_double(d, json_array_get(a, (size_t)k), key);
}

static const char *get_string(rd *d, json_t *o, const char *key)
{
  json_t *v = member(d, o, key);
  if (v && !json_is_string(v)) { fail(d, key, "not a string"); return ""; }
  return v ? json_string_value(v) : "";
}

/* One output's state from its JSON object into o. */
static void read_output(rd *d, json_t *j, const cli_verify_result *r, cli_out_stats *o)
{
  int ni = r->suite->ninputs;
  o->n = (unsigned long)get_count(d, j, "rows");
  o->over = (unsigned long)get_count(d, j, "over_budget");
  o->nan_mismatch = (unsigned long)get_count(d, j, "nan_mismatch");
  o->sign_flip = (unsigned long)get_count(d, j, "sign_errors");
  o->max_ulp = get_double(d, j, "max_ulp");
  o->sum_hi = get_count(d, j, "sum_ulp_hi32");
  o->sum_lo = get_count(d, j, "sum_ulp_lo32");
  if (o->sum_lo >> 32) fail(d, "sum_ulp_lo32", "not below 2^32");
  o->max_rel = get_double(d, j, "max_rel_err");
  get_doubles(d, j, "over_lo", o->over_lo, ni);
  get_doubles(d, j, "over_hi", o->over_hi, ni);
  double ref_range[2] = { 0, 0 };
  get_doubles(d, j, "over_ref", ref_range, 2);
  o->over_ref_lo = ref_range[0];
  o->over_ref_hi = ref_range[1];
  json_t *w = member(d, j, "worst");
  if (w && (!json_is_array(w) || json_array_size(w) > (size_t)r->worst_k)) fail(d, "worst", "not a list of worst_k rows");
  for (size_t k = 0; w && !d->bad && k < json_array_size(w); k++) {
    json_t *x = json_array_get(w, k);
    cli_worst *c = &o->worst[o->nworst++];
    json_t *line = member(d, x, "line"), *id = member(d, x, "id");
    if (!d->bad && (!json_is_integer(line) || !json_is_integer(id))) fail(d, "worst", "line or id not an integer");
    if (d->bad) break;
    c->line = (long)json_integer_value(line);
    c->id = (long)json_integer_value(id);
    get_doubles(d, x, "inputs", c->in, ni);
    double v[5] = { 0 };
    get_doubles(d, x, "cand_ref_reffmt_ulp_rel", v, 5);
    c->cand = v[0]; c->ref = v[1]; c->ref_fmt = v[2]; c->ulp = v[3]; c->rel = v[4];
  }
  json_t *dec = member(d, j, "decades");
  if (dec && !json_is_array(dec)) fail(d, "decades", "not a list");
  for (size_t k = 0; dec && !d->bad && k < json_array_size(dec); k++) {
    json_t *b = json_array_get(dec, k);
    json_t *kb = json_array_get(b, 0), *nb = json_array_get(b, 1), *ob = json_array_get(b, 2);
    if (json_array_size(b) != 4 || !json_is_integer(kb) || !json_is_integer(nb) || !json_is_integer(ob) ||
        json_integer_value(kb) < 0 || json_integer_value(kb) >= CLI_DEC_N || json_integer_value(nb) < 0 ||
        json_integer_value(ob) < 0) {
      fail(d, "decades", "not [bin, rows, over, max_ulp]");
      break;
    }
    int bin = (int)json_integer_value(kb);
    o->dec_n[bin] = (unsigned long)json_integer_value(nb);
    o->dec_over[bin] = (unsigned long)json_integer_value(ob);
    o->dec_max[bin] = as_double(d, json_array_get(b, 3), "decades");
  }
}

/* One shard report into r (zeroed by the caller); its index in *shard and
 * the shard count in *nshards. 0 or -1. */
static int read_shard(rd *d, cli_verify_result *r, unsigned *shard, unsigned *nshards)
{
  json_error_t je;
  json_t *j = json_load_file(d->path, JSON_REJECT_DUPLICATES, &je);
  if (!j) {
    snprintf(d->err, d->errlen, "%s:%d:%d: %s", d->path, je.line > 0 ? je.line : 1, je.column > 0 ? je.column : 1,
             je.text);
    return -1;
  }
  json_t *fmt = member(d, j, "dmcheck_verify_shard");
  if (fmt && (!json_is_integer(fmt) || json_integer_value(fmt) != SHARD_FORMAT)) fail(d, "dmcheck_verify_shard", "unknown format");
  *shard = (unsigned)get_count(d, j, "shard");
  *nshards = (unsigned)get_count(d, j, "shards");
  const char *suite = get_string(d, j, "suite"), *dtype = get_string(d, j, "dtype");
  if (!d->bad && !(r->suite = dmc_suite_find(suite))) fail(d, "suite", "unknown suite");
  if (!d->bad && !(r->fmt = cli_format_find(dtype))) fail(d, "dtype", "unknown dtype");
  if (!d->bad && (*nshards < 1 || *shard >= *nshards)) fail(d, "shard", "not an index below shards");
  if (d->bad) { json_decref(j); return -1; }
  const dmc_suite *s = r->suite;
  snprintf(r->candidate, sizeof r->candidate, "%s", get_string(d, j, "candidate"));
  snprintf(r->source, sizeof r->source, "%s", get_string(d, j, "reference_source"));
  const char *word = get_string(d, j, "row_word");
  r->row_word = !strcmp(word, "row") ? "row" : "line";
  r->budget = get_double(d, j, "budget_ulp");
  r->abs_tol = get_double(d, j, "abs_tol");
  unsigned long long wk = get_count(d, j, "worst_k");
  if (wk > DMV_WORST_MAX) fail(d, "worst_k", "above the maximum");
  r->worst_k = (int)wk;
  json_t *ex = member(d, j, "excluded");
  if (ex && (!json_is_array(ex) || json_array_size(ex) > DMV_EXCLUDE_MAX)) fail(d, "excluded", "not a list of exclusions");
  for (size_t e = 0; ex && !d->bad && e < json_array_size(ex); e++) {
    json_t *x = json_array_get(ex, e);
    r->excl[e].lo = (size_t)get_count(d, x, "first");
    r->excl[e].hi = (size_t)get_count(d, x, "last");
    r->excl[e].n = (unsigned long)get_count(d, x, "rows");
    snprintf(r->excl[e].reason, sizeof r->excl[e].reason, "%s", get_string(d, x, "reason"));
    r->nexcl = (int)e + 1;
  }
  r->rows = (unsigned long)get_count(d, j, "rows");
  r->live = (unsigned long)get_count(d, j, "live_rows");
  r->unproved = (unsigned long)get_count(d, j, "unproved_rows");
  r->nseen = (size_t)get_count(d, j, "rows_seen");
  const char *rh = get_string(d, j, "rowset_hash"), *vh = get_string(d, j, "vectors_hash");
  char *e1, *e2;
  r->rowset_hash = strtoull(rh, &e1, 16);
  r->vectors_hash = strtoull(vh, &e2, 16);
  if (!d->bad && (*e1 || *e2 || strlen(rh) != 16 || strlen(vh) != 16)) fail(d, "rowset_hash", "not 16 hex digits");
  json_t *outs = member(d, j, "outputs");
  if (outs && (!json_is_array(outs) || json_array_size(outs) != (size_t)s->noutputs)) fail(d, "outputs", "not one per output");
  for (int i = 0; outs && !d->bad && i < s->noutputs; i++) {
    json_t *o = json_array_get(outs, (size_t)i);
    if (strcmp(get_string(d, o, "name"), s->output_names[i])) { fail(d, "outputs", "names out of order"); break; }
    json_t *p = member(d, o, "present");
    r->present[i] = json_is_true(p);
    r->budgets[i] = get_double(d, o, "budget_ulp");
    read_output(d, o, r, &r->out[i]);
  }
  json_decref(j);
  return d->bad ? -1 : 0;
}

/* ---- merging ------------------------------------------------------------- */
/* 1 if a and b come from one run (all but the counts agree). */
static int same_run(const cli_verify_result *a, const cli_verify_result *b)
{
  int ok = a->suite == b->suite && a->fmt == b->fmt && !strcmp(a->candidate, b->candidate) &&
           !strcmp(a->source, b->source) && a->row_word == b->row_word && a->worst_k == b->worst_k &&
           a->nexcl == b->nexcl && a->nseen == b->nseen && a->vectors_hash == b->vectors_hash &&
           !memcmp(&a->budget, &b->budget, sizeof a->budget) && !memcmp(&a->abs_tol, &b->abs_tol, sizeof a->abs_tol);
  for (int e = 0; ok && e < a->nexcl; e++)
    ok = a->excl[e].lo == b->excl[e].lo && a->excl[e].hi == b->excl[e].hi && !strcmp(a->excl[e].reason, b->excl[e].reason);
  for (int i = 0; ok && i < a->suite->noutputs; i++)
    ok = a->present[i] == b->present[i] && !memcmp(&a->budgets[i], &b->budgets[i], sizeof(double));
  return ok;
}

static int worst_order(const void *pa, const void *pb)
{
  const cli_worst *a = pa, *b = pb;
  if (a->ulp != b->ulp) return a->ulp > b->ulp ? -1 : 1;
  return (a->line > b->line) - (a->line < b->line);
}

static void merge_output(cli_out_stats *m, const cli_out_stats *o, int ni, int k)
{
  if (o->over) {
    for (int j = 0; j < ni; j++) {
      m->over_lo[j] = m->over ? cli_lo(m->over_lo[j], o->over_lo[j]) : o->over_lo[j];
      m->over_hi[j] = m->over ? cli_hi(m->over_hi[j], o->over_hi[j]) : o->over_hi[j];
    }
    m->over_ref_lo = m->over ? cli_lo(m->over_ref_lo, o->over_ref_lo) : o->over_ref_lo;
    m->over_ref_hi = m->over ? cli_hi(m->over_ref_hi, o->over_ref_hi) : o->over_ref_hi;
  }
  m->n += o->n;
  m->over += o->over;
  m->nan_mismatch += o->nan_mismatch;
  m->sign_flip += o->sign_flip;
  m->sum_hi += o->sum_hi + ((m->sum_lo + o->sum_lo) >> 32);
  m->sum_lo = (m->sum_lo + o->sum_lo) & 0xffffffffu;
  if (o->max_ulp > m->max_ulp) m->max_ulp = o->max_ulp;
  if (o->max_rel > m->max_rel || (isnan(o->max_rel) && !isnan(m->max_rel))) m->max_rel = o->max_rel;
  for (int b = 0; b < CLI_DEC_N; b++) {
    m->dec_n[b] += o->dec_n[b];
    m->dec_over[b] += o->dec_over[b];
    if (o->dec_max[b] > m->dec_max[b]) m->dec_max[b] = o->dec_max[b];
  }
  cli_worst all[2 * CLI_WORST_MAX];
  int n = 0;
  for (int w = 0; w < m->nworst; w++) all[n++] = m->worst[w];
  for (int w = 0; w < o->nworst; w++) all[n++] = o->worst[w];
  qsort(all, (size_t)n, sizeof *all, worst_order);
  m->nworst = n < k ? n : k;
  memcpy(m->worst, all, (size_t)m->nworst * sizeof *all);
}

int cli_shard_merge(const char *const *paths, int n, cli_verify_result *r, char *err, size_t errlen)
{
  cli_verify_result *one = malloc(sizeof *one);
  unsigned char *have = NULL;
  int st = 0;
  if (!one) { snprintf(err, errlen, "out of memory"); return 1; }
  for (int f = 0; f < n && !st; f++) {
    memset(one, 0, sizeof *one);
    rd d = { paths[f], err, errlen, 0 };
    unsigned shard, nshards;
    if (read_shard(&d, one, &shard, &nshards)) { st = 2; break; }
    if (f == 0) {
      if (nshards != (unsigned)n) {
        snprintf(err, errlen, "%s: shard %u of %u, but %d shard reports given (give all %u)", paths[f], shard, nshards,
                 n, nshards);
        st = 2;
        break;
      }
      have = calloc((size_t)n, 1);
      if (!have) { snprintf(err, errlen, "out of memory"); st = 1; break; }
      *r = *one;
      memset(r->out, 0, sizeof r->out);
      r->rows = r->live = r->unproved = 0;
      r->rowset_hash = 0;
      for (int e = 0; e < r->nexcl; e++) r->excl[e].n = 0;
    } else if (nshards != (unsigned)n || !same_run(r, one)) {
      snprintf(err, errlen, "%s: not a shard of the run of %s (another suite, candidate, reference, dtype, budget, "
                            "exclusions or shard count)", paths[f], paths[0]);
      st = 2;
      break;
    }
    if (have[shard]) {
      snprintf(err, errlen, "%s: shard %u given twice", paths[f], shard);
      st = 2;
      break;
    }
    have[shard] = 1;
    r->rows += one->rows;
    r->live += one->live;
    r->unproved += one->unproved;
    r->rowset_hash += one->rowset_hash;
    for (int e = 0; e < r->nexcl; e++) r->excl[e].n += one->excl[e].n;
    for (int i = 0; i < r->suite->noutputs; i++)
      if (r->present[i]) merge_output(&r->out[i], &one->out[i], r->suite->ninputs, r->worst_k);
  }
  if (!st && r->rows == 0) {
    snprintf(err, errlen, "%s: no data rows%s in the shards", r->candidate, r->nexcl ? " left after the exclusions" : "");
    st = 2;
  }
  r->shard = 0;
  r->nshards = 1;
  free(have);
  free(one);
  return st;
}
