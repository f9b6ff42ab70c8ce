/* claims.c -- see claims.h. */
#define _POSIX_C_SOURCE 200809L
#include "claims.h"

#include <stdlib.h>
#include <string.h>

static char *dup_range(const char *s, size_t len)
{
  char *out = malloc(len + 1);
  if (out) { memcpy(out, s, len); out[len] = '\0'; }
  return out;
}

/* The group delimited by open/close at *p: its contents (malloc'ed), and *p
 * moves past it and past following blanks and comments. Counts newlines in
 * *line. NULL if *p is not at open or the group is unterminated. */
static char *group(const char **p, char open, char close, int *line)
{
  if (**p != open) return NULL;
  const char *s = *p + 1, *q = s;
  int depth = 1;
  for (; *q && depth; q++) {
    if (*q == '\\' && q[1]) { q++; if (*q == '\n') (*line)++; continue; }
    if (*q == '\n') (*line)++;
    if (*q == open) depth++;
    else if (*q == close) depth--;
  }
  if (depth) return NULL;
  char *out = dup_range(s, (size_t)(q - 1 - s));
  *p = q;
  while (**p == ' ' || **p == '\n' || **p == '\t' || **p == '%') {
    if (**p == '%') while (**p && **p != '\n') (*p)++;
    else { if (**p == '\n') (*line)++; (*p)++; }
  }
  return out;
}

int claims_index(const claim_set *s, const char *id)
{
  for (int i = 0; i < s->n; i++) if (!strcmp(s->v[i].id, id)) return i;
  return -1;
}

const claim_def *claims_find(const claim_set *s, const char *id)
{
  int i = claims_index(s, id);
  return i < 0 ? NULL : &s->v[i];
}

static int add(claim_set *s, claim_def *c, diag *d)
{
  int prev = claims_index(s, c->id);
  if (prev >= 0) {
    diag_error(d, "%s:%d: claim %s is defined twice (first at %s:%d)", c->file, c->line, c->id,
               s->v[prev].file, s->v[prev].line);
    return 1;
  }
  if (s->n == s->cap) {
    int cap = s->cap ? 2 * s->cap : 64;
    claim_def *v = realloc(s->v, (size_t)cap * sizeof *v);
    if (!v) { diag_error(d, "%s:%d: out of memory", c->file, c->line); return 1; }
    s->v = v;
    s->cap = cap;
  }
  s->v[s->n++] = *c;
  return 0;
}

/* Advances *p to the next \NAME (outside comments) that is followed by { or
 * [, counting newlines in *line; 0 at the end of the text. */
static int next_macro(const char **p, int *line, const char *name)
{
  size_t len = strlen(name);
  for (const char *q = *p; *q; q++) {
    if (*q == '\n') { (*line)++; continue; }
    if (*q == '%') { while (q[1] && q[1] != '\n') q++; continue; }
    if (*q != '\\' || !q[1]) continue;
    if (!strncmp(q + 1, name, len) && (q[len + 1] == '{' || q[len + 1] == '[')) { *p = q; return 1; }
    (*line) += q[1] == '\n';
    q++;
  }
  return 0;
}

int claims_parse(claim_set *s, const char *text, const char *file, diag *d)
{
  int problems = 0, line = 1;
  for (const char *p = text; next_macro(&p, &line, "claim");) {
    int start = line;
    const char *q = p + 6;
    claim_def c = { 0 };
    c.cls = CLAIM_MATH;
    c.line = start;
    char *opt = NULL;
    if (*q == '[') {
      opt = group(&q, '[', ']', &line);
      int cls = opt ? claim_class_parse(opt) : -1;
      if (cls < 0) {
        diag_error(d, "%s:%d: \\claim[%s]: the class must be math or impl", file, start, opt ? opt : "");
        free(opt);
        problems++;
        p = q;
        if (!*p) break;
        continue;
      }
      c.cls = (claim_class)cls;
      free(opt);
    }
    c.id = group(&q, '{', '}', &line);
    c.source = c.id ? group(&q, '{', '}', &line) : NULL;
    c.statement = c.source ? group(&q, '{', '}', &line) : NULL;
    c.file = strdup(file);
    if (!c.statement || !c.file || !c.id[0]) {
      diag_error(d, "%s:%d: \\claim needs {id}{source}{statement}", file, start);
      free(c.id); free(c.source); free(c.statement); free(c.file);
      problems++;
      if (!c.statement) break; /* unterminated: nothing after it can be trusted */
      p = q;
      continue;
    }
    if (add(s, &c, d)) { free(c.id); free(c.source); free(c.statement); free(c.file); problems++; }
    p = q;
  }
  return problems;
}

/* \correction{id}{statement}: attached to its claim, which must be defined. */
static int corrections_parse(claim_set *s, const char *text, const char *file, diag *d)
{
  int problems = 0, line = 1;
  for (const char *p = text; next_macro(&p, &line, "correction");) {
    int start = line;
    const char *q = p + 11;
    char *id = group(&q, '{', '}', &line);
    char *stmt = id ? group(&q, '{', '}', &line) : NULL;
    int k = stmt ? claims_index(s, id) : -1;
    if (!stmt) diag_error(d, "%s:%d: \\correction needs {id}{statement}", file, start);
    else if (k < 0) diag_error(d, "%s:%d: \\correction of an unknown claim %s", file, start, id);
    else if (s->v[k].correction) diag_error(d, "%s:%d: claim %s has two corrections", file, start, id);
    else { s->v[k].correction = stmt; stmt = NULL; k = -2; }
    problems += k != -2;
    free(id);
    free(stmt);
    if (!*q) break;
    p = q;
  }
  return problems;
}

/* \uses{ids}: attached to the last \claim before it in the same file. */
static int uses_parse(claim_set *s, const char *text, const char *file, diag *d)
{
  int problems = 0, line = 1;
  for (const char *p = text; next_macro(&p, &line, "uses");) {
    int start = line, k = -1;
    const char *q = p + 5;
    char *ids = group(&q, '{', '}', &line);
    for (int i = 0; i < s->n; i++)
      if (!strcmp(s->v[i].file, file) && s->v[i].line <= start) k = i;
    if (!ids) diag_error(d, "%s:%d: \\uses needs {id,id,...}", file, start);
    else if (k < 0) diag_error(d, "%s:%d: \\uses before any \\claim of this file", file, start);
    else if (s->v[k].uses_text) diag_error(d, "%s:%d: claim %s has two \\uses (first at line %d)", file, start,
                                           s->v[k].id, s->v[k].uses_line);
    else { s->v[k].uses_text = ids; s->v[k].uses_line = start; ids = NULL; k = -2; }
    problems += k != -2;
    free(ids);
    if (!*q) break;
    p = q;
  }
  return problems;
}

/* Resolves the ids of each \uses into indices. */
static int uses_resolve(claim_set *s, diag *d)
{
  int problems = 0;
  for (int i = 0; i < s->n; i++) {
    claim_def *c = &s->v[i];
    if (!c->uses_text) continue;
    size_t cap = 1;
    for (const char *t = c->uses_text; *t; t++) cap += *t == ',';
    c->uses = malloc(cap * sizeof *c->uses);
    if (!c->uses) { diag_error(d, "%s:%d: out of memory", c->file, c->uses_line); problems++; continue; }
    for (const char *t = c->uses_text; ; t++) {
      t += strspn(t, " \t\n");
      size_t len = strcspn(t, ",");
      while (len && strchr(" \t\n", t[len - 1])) len--;
      char *id = dup_range(t, len);
      int k = id && len ? claims_index(s, id) : -1;
      if (k < 0) {
        diag_error(d, "%s:%d: \\uses of claim %s names unknown claim '%s'", c->file, c->uses_line, c->id,
                   id ? id : "");
        problems++;
      } else c->uses[c->nuses++] = k;
      free(id);
      t += strcspn(t, ",");
      if (!*t) break;
    }
  }
  return problems;
}

/* Depth-first search; state 1 = on the path, 2 = done. Reports each cycle
 * once, at the \uses that closes it. */
static int uses_visit(claim_set *s, int i, char *state, int *path, int depth, diag *d)
{
  int problems = 0;
  state[i] = 1;
  path[depth] = i;
  const claim_def *c = &s->v[i];
  for (int u = 0; u < c->nuses; u++) {
    int k = c->uses[u];
    if (state[k] == 1) {
      int from = depth;
      while (path[from] != k) from--;
      size_t len = 1;
      for (int j = from; j <= depth; j++) len += strlen(s->v[path[j]].id) + 6;
      char *cycle = malloc(len + strlen(s->v[k].id));
      if (cycle) {
        cycle[0] = '\0';
        for (int j = from; j <= depth; j++) { strcat(cycle, s->v[path[j]].id); strcat(cycle, " uses "); }
        strcat(cycle, s->v[k].id);
      }
      diag_error(d, "%s:%d: \\uses of claim %s closes a cycle: %s", c->file, c->uses_line, c->id,
                 cycle ? cycle : "(out of memory)");
      free(cycle);
      problems++;
    } else if (!state[k]) problems += uses_visit(s, k, state, path, depth + 1, d);
  }
  state[i] = 2;
  return problems;
}

static int uses_acyclic(claim_set *s, diag *d)
{
  char *state = calloc((size_t)s->n + 1, 1);
  int *path = malloc(((size_t)s->n + 1) * sizeof *path), problems = 0;
  if (!state || !path) { free(state); free(path); diag_error(d, "out of memory"); return 1; }
  for (int i = 0; i < s->n; i++)
    if (!state[i]) problems += uses_visit(s, i, state, path, 0, d);
  free(state);
  free(path);
  return problems;
}

static char *read_all(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, len = 0, got;
  char *buf = malloc(cap);
  while (buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
    len += got;
    if (cap - len < 2) {
      char *nb = realloc(buf, cap *= 2);
      if (!nb) { free(buf); buf = NULL; } else buf = nb;
    }
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) { free(buf); return NULL; }
  if (buf) buf[len] = '\0';
  return buf;
}

int claims_read_dir(claim_set *s, const char *dir, diag *d)
{
  s->nfiles = dir_list(d, dir, ".tex", &s->files);
  if (s->nfiles < 0) { s->nfiles = 0; return 1; }
  if (!s->nfiles) { diag_error(d, "no theory files (*.tex) in %s", dir); return 1; }
  int problems = 0;
  for (int f = 0; f < s->nfiles; f++) {
    char *text = read_all(s->files[f]);
    if (!text) { diag_error(d, "cannot read %s", s->files[f]); problems++; continue; }
    problems += claims_parse(s, text, s->files[f], d);
    free(text);
  }
  for (int f = 0; f < s->nfiles; f++) {
    char *text = read_all(s->files[f]);
    if (!text) continue;
    problems += corrections_parse(s, text, s->files[f], d);
    problems += uses_parse(s, text, s->files[f], d);
    free(text);
  }
  problems += uses_resolve(s, d);
  return problems + uses_acyclic(s, d);
}

char *claims_file_title(const char *path)
{
  char *text = read_all(path), *title = NULL;
  int line = 1;
  const char *p = text;
  if (text && next_macro(&p, &line, "section")) { p += 8; title = group(&p, '{', '}', &line); }
  free(text);
  return title;
}

void claims_free(claim_set *s)
{
  for (int i = 0; i < s->n; i++) {
    free(s->v[i].id); free(s->v[i].source); free(s->v[i].statement); free(s->v[i].file);
    free(s->v[i].correction); free(s->v[i].uses_text); free(s->v[i].uses);
  }
  free(s->v);
  dir_list_free(s->files, s->nfiles);
  memset(s, 0, sizeof *s);
}
