/* cli_candidate.c -- reads a candidate CSV for `dmcheck verify` and maps its
 * header onto the suite's columns. Every malformation is reported as one line
 * "FILE:LINE:COL: what is wrong". */
#include "cli_verify.h"

#include <math.h>
#include <string.h>

static void list_names(char *buf, size_t len, const dmc_suite *s)
{
  int k = snprintf(buf, len, "inputs");
  for (int i = 0; i < s->ninputs && k > 0 && (size_t)k < len; i++)
    k += snprintf(buf + k, len - (size_t)k, "%s%s", i ? ", " : " ", s->input_names[i]);
  if (k > 0 && (size_t)k < len) k += snprintf(buf + k, len - (size_t)k, "; outputs");
  for (int i = 0; i < s->noutputs && k > 0 && (size_t)k < len; i++)
    snprintf(buf + k, len - (size_t)k, "%s%s", i ? ", " : " ", s->output_names[i]), k = (int)strlen(buf);
}

/* Column name of the field: 0 id, else input/output with the _hex flag. */
static int match_name(const dmc_suite *s, const csv_field *f, int *kind, int *index, int *hex)
{
  if (csv_field_is(f, "id")) { *kind = CAND_ID; *index = 0; *hex = 0; return 1; }
  for (int pass = 0; pass < 2; pass++) {
    int n = pass ? s->noutputs : s->ninputs;
    const char *const *names = pass ? s->output_names : s->input_names;
    for (int i = 0; i < n; i++) {
      size_t l = strlen(names[i]);
      if (f->len < l || memcmp(f->s, names[i], l)) continue;
      if (f->len == l || (f->len == l + 4 && !memcmp(f->s + l, "_hex", 4))) {
        *kind = pass ? CAND_OUT : CAND_IN;
        *index = i;
        *hex = f->len != l;
        return 1;
      }
    }
  }
  return 0;
}

static int fail(cli_cand *c)
{
  csv_close(&c->csv);
  return -1;
}

int cli_cand_open(cli_cand *c, const char *path, const dmc_suite *s, size_t max_bytes)
{
  memset(c, 0, sizeof *c);
  c->suite = s;
  c->suite_rows = s->count();
  c->id_col = -1;
  for (int i = 0; i < DMC_SUITE_MAX_COLS; i++) c->in_col[i] = c->out_col[i] = -1;
  if (csv_open_stream(&c->csv, path, ',', 1, max_bytes)) return -1;
  csv_reader *v = &c->csv;
  int rec = csv_next_record(v);
  if (rec < 0) return fail(c);
  if (rec == 0) {
    csv_error(v, 1, "no header line (expected column names such as id and the suite's outputs)");
    return fail(c);
  }
  c->header_line = v->line;
  csv_field f;
  int k;
  char names[512];
  while ((k = csv_next_field(v, &f)) > 0) {
    if (c->ncols == CLI_CAND_MAX_COLS) {
      csv_error(v, f.col, "more than %d columns", CLI_CAND_MAX_COLS);
      return fail(c);
    }
    int kind, index, hex;
    if (!match_name(s, &f, &kind, &index, &hex)) {
      list_names(names, sizeof names, s);
      csv_error(v, f.col, "unknown column '%.*s' (suite %s has %s)",
                    (int)(f.len > 60 ? 60 : f.len), f.s, s->name, names);
      return fail(c);
    }
    int *slot = kind == CAND_ID ? &c->id_col : kind == CAND_IN ? &c->in_col[index] : &c->out_col[index];
    int j = c->ncols++;
    c->kind[j] = kind; c->index[j] = index; c->hex[j] = hex;
    if (*slot >= 0) {
      if (kind == CAND_ID || c->hex[*slot] == hex) {
        csv_error(v, f.col, "duplicate column '%.*s'", (int)(f.len > 60 ? 60 : f.len), f.s);
        return fail(c);
      }
      /* NAME and NAME_hex both present: read the hex one */
      if (hex) { c->kind[*slot] = CAND_SKIP; *slot = j; }
      else c->kind[j] = CAND_SKIP;
    } else {
      *slot = j;
    }
  }
  if (k < 0) return fail(c);
  /* errors below are the header's (v->line stays the record's line) */
  int nin = 0;
  for (int i = 0; i < s->ninputs; i++) nin += c->in_col[i] >= 0;
  for (int i = 0; i < s->noutputs; i++) c->nout += c->out_col[i] >= 0;
  if (nin && nin < s->ninputs) {
    for (int i = 0; i < s->ninputs; i++)
      if (c->in_col[i] < 0) {
        csv_error(v, 1, "input column '%s' missing: give all of the suite's inputs or none", s->input_names[i]);
        return fail(c);
      }
  }
  c->has_inputs = nin > 0;
  if (!c->nout) {
    list_names(names, sizeof names, s);
    csv_error(v, 1, "no output column (suite %s has %s)", s->name, names);
    return fail(c);
  }
  return 0;
}

static void column_name(const cli_cand *c, int j, char *buf, size_t len)
{
  const dmc_suite *s = c->suite;
  if (c->kind[j] == CAND_ID) { snprintf(buf, len, "id"); return; }
  const char *n = c->kind[j] == CAND_SKIP ? "(skipped)" : c->kind[j] == CAND_IN ? s->input_names[c->index[j]] : s->output_names[c->index[j]];
  snprintf(buf, len, "%s%s", n, c->hex[j] ? "_hex" : "");
}

int cli_cand_next(cli_cand *c, cli_cand_row *row)
{
  return c->ahead ? cli_cand_ahead_next(c, row) : cli_cand_read_row(c, row);
}

int cli_cand_read_row(cli_cand *c, cli_cand_row *row)
{
  csv_reader *v = &c->csv;
  int rec = csv_next_record(v);
  if (rec <= 0) return rec;
  row->line = v->line;
  row->id = -1;
  csv_field f;
  int j = 0, k;
  char name[96];
  size_t nrows = c->suite_rows;
  while ((k = csv_next_field(v, &f)) > 0) {
    if (j >= c->ncols)
      return csv_error(v, f.col, "too many fields: the header has %d columns", c->ncols);
    int kind = c->kind[j];
    if (kind != CAND_SKIP) {
      double x;
      if (csv_parse_double(f.s, f.len, &x) != CSV_NUM_OK) { /* name the column only on failure */
        char what[128];
        column_name(c, j, name, sizeof name);
        snprintf(what, sizeof what, "column %s", name);
        return csv_field_double(v, &f, what, &x);
      }
      if (kind == CAND_ID) {
        /* every path checks the id against the suite's rows, stored or not */
        if (!(x >= 0 && x < (double)nrows) || x != floor(x))
          return csv_error(v, f.col, "id '%.*s' is not a row of suite %s (0 to %zu)",
                           (int)(f.len > 40 ? 40 : f.len), f.s, c->suite->name, nrows - 1);
        row->id = (long)x;
      } else if (kind == CAND_IN) {
        row->in[c->index[j]] = x;
      } else {
        row->out[c->index[j]] = x;
      }
    }
    j++;
  }
  if (k < 0) return -1;
  if (j < c->ncols) {
    column_name(c, j, name, sizeof name);
    return csv_error(v, csv_end_col(v), "missing field for column %s: the row has %d fields, the header %d",
                     name, j, c->ncols);
  }
  return 1;
}

int cli_cand_skip(cli_cand *c)
{
  cli_cand_row row;
  return c->ahead ? cli_cand_ahead_next(c, &row) : csv_next_record(&c->csv);
}

void cli_cand_close(cli_cand *c)
{
  cli_cand_ahead_free(c->ahead);
  c->ahead = NULL;
  csv_close(&c->csv);
}
