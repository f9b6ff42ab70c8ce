/* ledger.c -- see ledger.h. */
#define _POSIX_C_SOURCE 200809L
#include "ledger.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "evidence.h"

void ledger_init(ledger *L, diag *d)
{
  memset(L, 0, sizeof *L);
  L->d = d;
}

int ledger_read_theory(ledger *L, const char *dir) { return claims_read_dir(&L->claims, dir, L->d); }

static const char *base_name(const char *path)
{
  const char *b = strrchr(path, '/');
  return b ? b + 1 : path;
}

static int add_row(ledger *L, const csv_record *rec, int claim, ev_kind kind, const char *path)
{
  if (L->nrows == L->caprows) {
    int cap = L->caprows ? 2 * L->caprows : 256;
    ledger_row *v = realloc(L->rows, (size_t)cap * sizeof *v);
    if (!v) { diag_error(L->d, "%s:%d: out of memory", path, rec->line); return 1; }
    L->rows = v;
    L->caprows = cap;
  }
  ledger_row *r = &L->rows[L->nrows];
  memset(r, 0, sizeof *r);
  r->claim = claim;
  r->kind = kind;
  r->pass = rec->field[EV_COL_PASS][0] == '1';
  r->line = rec->line;
  r->n = strtoul(rec->field[EV_COL_N], NULL, 10);
  r->seed = strtoul(rec->field[EV_COL_SEED], NULL, 10);
  const char *base = base_name(path);
  size_t blen = strlen(base);
  r->check = strdup(rec->field[EV_COL_CHECK]);
  r->detail = strdup(rec->field[EV_COL_DETAIL]);
  r->file = strdup(path);
  r->program = blen > 4 ? strndup(base, blen - 4) : strdup(base);
  if (!r->check || !r->detail || !r->file || !r->program) {
    free(r->check); free(r->detail); free(r->file); free(r->program);
    diag_error(L->d, "%s:%d: out of memory", path, rec->line);
    return 1;
  }
  L->nrows++;
  return 0;
}

static int bad_number(const char *s)
{
  if (!*s) return 1;
  for (; *s; s++) if (*s < '0' || *s > '9') return 1;
  return 0;
}

int ledger_read_evidence_file(ledger *L, const char *path)
{
  FILE *in = fopen(path, "r");
  if (!in) { diag_error(L->d, "cannot read %s: %s", path, strerror(errno)); return 1; }
  csv_record rec = { 0 };
  int line = 0, st, problems = 0, first = 1;
  while ((st = csv_next(in, &rec, &line)) != 0) {
    if (st < 0) { diag_error(L->d, "%s:%d: malformed CSV record", path, line); problems++; break; }
    if (first) { /* the header must be the schema's, or nothing in the file can be read */
      first = 0;
      int ok = rec.nfields == EV_NCOLUMNS;
      for (int c = 0; ok && c < EV_NCOLUMNS; c++) ok = !strcmp(rec.field[c], ev_column_name((ev_column)c));
      if (ok) continue;
      diag_error(L->d, "%s:%d: the header is not the evidence schema's (claim,kind,check,pass,n,seed,detail in "
                 "report/evschema.h)", path, rec.line);
      problems++;
      break;
    }
    if (rec.nfields != EV_NCOLUMNS) {
      diag_error(L->d, "%s:%d: %d fields, the evidence schema has %d", path, rec.line, rec.nfields, EV_NCOLUMNS);
      problems++;
      continue;
    }
    int claim = claims_index(&L->claims, rec.field[EV_COL_CLAIM]);
    int kind = ev_kind_parse(rec.field[EV_COL_KIND]);
    const char *pass = rec.field[EV_COL_PASS];
    if (claim < 0)
      diag_error(L->d, "%s:%d: evidence names unknown claim %s; define it in theory/", path, rec.line,
                 rec.field[EV_COL_CLAIM]);
    else if (kind < 0)
      diag_error(L->d, "%s:%d: unknown evidence kind '%s' (report/evschema.h lists the kinds)", path, rec.line,
                 rec.field[EV_COL_KIND]);
    else if ((strcmp(pass, "0") && strcmp(pass, "1")) || bad_number(rec.field[EV_COL_N]) ||
             bad_number(rec.field[EV_COL_SEED]))
      diag_error(L->d, "%s:%d: pass must be 0 or 1, and n and seed unsigned integers", path, rec.line);
    else {
      problems += add_row(L, &rec, claim, (ev_kind)kind, path);
      continue;
    }
    problems++;
  }
  if (ferror(in)) { diag_error(L->d, "%s: read error", path); problems++; }
  csv_free(&rec);
  fclose(in);
  return problems;
}

int ledger_read_evidence(ledger *L, const char *results_dir)
{
  size_t len = strlen(results_dir) + sizeof "/evidence";
  char *dir = malloc(len);
  if (!dir) { diag_error(L->d, "out of memory"); return 1; }
  snprintf(dir, len, "%s/evidence", results_dir);
  char **files;
  int nf = dir_list(L->d, dir, ".csv", &files), problems = nf < 0;
  free(dir);
  for (int f = 0; f < nf; f++) problems += ledger_read_evidence_file(L, files[f]);
  if (nf > 0) dir_list_free(files, nf);
  return problems;
}

/* Pairs every control with the statement-level rows it names. */
static int pair_controls(ledger *L)
{
  int problems = 0;
  for (int i = 0; i < L->nrows; i++) {
    ledger_row *c = &L->rows[i];
    if (c->kind != EV_CONTROL_KIND) continue;
    const char *id = L->claims.v[c->claim].id;
    int found = 0;
    for (int j = 0; j < L->nrows; j++) {
      ledger_row *r = &L->rows[j];
      if (r->kind == EV_CONTROL_KIND || r->claim != c->claim || strcmp(r->program, c->program) ||
          strcmp(r->check, c->check))
        continue;
      found++;
      if (c->pass) r->controlled = 1;
    }
    if (!found) {
      diag_error(L->d, "%s:%d: the control of claim %s names check '%s', which is no check of that claim in %s",
                 c->file, c->line, id, c->check, c->program);
      problems++;
    }
    if (!c->pass) {
      diag_error(L->d, "%s:%d: the negative control of claim %s was not rejected: check '%s' cannot tell the "
                 "statement from a perturbed one (%s)", c->file, c->line, id, c->check, c->detail);
      problems++;
    }
  }
  return problems;
}

static int is_wrong(const ledger *L, int claim)
{
  const char *v = ledger_verdict(L, claim);
  return !strcmp(v, "holds-after-correction") || !strcmp(v, "fails");
}

/* Propagates along \uses until nothing changes (n rounds suffice). */
static void mark_affected(ledger *L)
{
  for (int i = 0; i < L->claims.n; i++) L->state[i].affected_by = -1;
  for (int changed = 1, round = 0; changed && round <= L->claims.n; round++) {
    changed = 0;
    for (int i = 0; i < L->claims.n; i++) {
      const claim_def *c = &L->claims.v[i];
      for (int u = 0; u < c->nuses && L->state[i].affected_by < 0; u++) {
        int k = c->uses[u];
        int by = is_wrong(L, k) ? k : L->state[k].affected_by;
        if (by >= 0) { L->state[i].affected_by = by; changed = 1; }
      }
    }
  }
}

/* For each claim, the number of other claims that use it, directly or
 * through \uses (the graph is acyclic: claims_read_dir refuses a cycle).
 * reach[] marks the users of claim k found so far; n rounds suffice. */
static int count_downstream(ledger *L)
{
  int n = L->claims.n;
  char *reach = calloc((size_t)(n ? n : 1), 1);
  if (!reach) { diag_error(L->d, "out of memory"); return 1; }
  for (int k = 0; k < n; k++) {
    memset(reach, 0, (size_t)n);
    reach[k] = 1;
    for (int changed = 1, round = 0; changed && round <= n; round++) {
      changed = 0;
      for (int i = 0; i < n; i++) {
        const claim_def *c = &L->claims.v[i];
        for (int u = 0; u < c->nuses && !reach[i]; u++)
          if (reach[c->uses[u]]) { reach[i] = 1; changed = 1; }
      }
    }
    int count = 0;
    for (int i = 0; i < n; i++) count += reach[i] && i != k;
    L->state[k].downstream = count;
  }
  free(reach);
  return 0;
}

int ledger_judge(ledger *L)
{
  free(L->state);
  L->state = calloc((size_t)(L->claims.n ? L->claims.n : 1), sizeof *L->state);
  if (!L->state) { diag_error(L->d, "out of memory"); return 1; }
  int problems = pair_controls(L);
  for (int i = 0; i < L->nrows; i++) {
    ledger_row *r = &L->rows[i];
    ledger_claim *s = &L->state[r->claim];
    if (r->kind == EV_CONTROL_KIND) { s->ncontrols++; continue; }
    s->nrows++;
    verdict_add(&s->tally, r->kind, r->pass);
    if (r->pass && r->controlled) verdict_add_controlled(&s->tally, r->kind);
    if (!r->pass) {
      s->failed++;
      if (!s->counterexample) s->counterexample = r->detail;
    }
  }
  mark_affected(L);
  problems += count_downstream(L);
  for (int i = 0; i < L->claims.n; i++) {
    const claim_def *c = &L->claims.v[i];
    const char *gap = verdict_gap(&L->state[i].tally, c->cls);
    if (!gap) continue;
    diag_error(L->d, "%s:%d: %s claim %s %s", c->file, c->line, claim_class_name(c->cls), c->id, gap);
    problems++;
  }
  return problems;
}

const char *ledger_verdict(const ledger *L, int claim)
{
  return verdict_of(&L->state[claim].tally, L->claims.v[claim].cls);
}

typedef struct { char *s; size_t len, cap; int bad; } strbuf;

static void sb_add(strbuf *b, const char *s)
{
  size_t l = strlen(s);
  if (b->bad) return;
  if (b->len + l + 1 > b->cap) {
    size_t cap = (b->len + l + 1) * 2;
    char *n = realloc(b->s, cap);
    if (!n) { b->bad = 1; return; }
    b->s = n;
    b->cap = cap;
  }
  memcpy(b->s + b->len, s, l + 1);
  b->len += l;
}

int ledger_write_csv(const ledger *L, const char *path)
{
  FILE *f = fopen(path, "w");
  if (!f) { diag_error(L->d, "cannot write %s: %s", path, strerror(errno)); return -1; }
  fprintf(f, "claim,class,source,verdict,evidence,checks,controls,failed,counterexample,affected_by\n");
  int bad = 0;
  for (int i = 0; i < L->claims.n; i++) {
    const claim_def *c = &L->claims.v[i];
    const ledger_claim *s = &L->state[i];
    strbuf ev = { 0 };
    sb_add(&ev, "");
    for (int r = 0; r < L->nrows; r++) {
      const ledger_row *e = &L->rows[r];
      if (e->claim != i) continue;
      if (ev.len) sb_add(&ev, "; ");
      sb_add(&ev, ev_kind_name(e->kind));
      sb_add(&ev, e->kind == EV_CONTROL_KIND ? (e->pass ? " rejected [" : " NOT-REJECTED [")
                                             : (e->pass ? " pass [" : " FAIL ["));
      sb_add(&ev, e->program);
      sb_add(&ev, "]: ");
      sb_add(&ev, e->check);
    }
    bad |= ev.bad;
    evidence_csv_field(f, c->id);
    fprintf(f, ",%s,", claim_class_name(c->cls));
    evidence_csv_field(f, c->source);
    fprintf(f, ",%s,", ledger_verdict(L, i));
    evidence_csv_field(f, ev.bad ? "" : ev.s);
    fprintf(f, ",%d,%d,%d,", s->nrows, s->ncontrols, s->failed);
    evidence_csv_field(f, s->counterexample ? s->counterexample : "");
    fputc(',', f);
    evidence_csv_field(f, s->affected_by >= 0 ? L->claims.v[s->affected_by].id : "");
    fputc('\n', f);
    free(ev.s);
  }
  bad |= ferror(f) != 0;
  bad |= fclose(f) != 0;
  if (bad) { diag_error(L->d, "cannot write %s (write error or out of memory)", path); return -1; }
  return 0;
}

void ledger_free(ledger *L)
{
  for (int i = 0; i < L->nrows; i++) {
    free(L->rows[i].check); free(L->rows[i].detail); free(L->rows[i].file); free(L->rows[i].program);
  }
  free(L->rows);
  free(L->state);
  claims_free(&L->claims);
  L->rows = NULL;
  L->state = NULL;
  L->nrows = L->caprows = 0;
}
