/* covmap.c -- checks the seed coverage map (theory/seed_coverage.tex).
 *
 * usage: covmap THEORY_DIR
 * Reads every .tex file of THEORY_DIR, collects the claim ids (\claim{id} or
 * \claim[class]{id}, outside comments) and checks each row
 *   \coverrow{document}{section}{statement}{claim ids}{reason}
 * of THEORY_DIR/seed_coverage.tex: the document is 000, 001 or 002; section
 * and statement are not empty; every listed claim is defined; a row names a
 * claim or gives a reason, and a reason reads "not a mathematical statement"
 * or "not checked: <why>" ("not a mathematical statement" with a claim is a
 * contradiction); every document has rows. Prints one line per problem as
 * FILE:LINE:COL: message and a summary; exits 1 on any problem, 2 if a file
 * cannot be read. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_IDS 4096
#define ID_LEN 128

typedef struct { char (*id)[ID_LEN]; size_t n; } idset;

static char *read_all(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *s = malloc(cap);
  for (size_t got; s && (got = fread(s + n, 1, cap - n - 1, f)) > 0;) {
    n += got;
    if (n + 1 == cap) { char *t = realloc(s, cap *= 2); if (!t) { free(s); s = NULL; } else s = t; }
  }
  if (s) s[n] = '\0';
  if (ferror(f)) { free(s); s = NULL; }
  fclose(f);
  return s;
}

/* Blank out comments (an unescaped % to the end of the line), keeping line
 * and column positions. */
static void strip_comments(char *s)
{
  for (char *p = s; *p; p++) {
    if (*p == '\\' && p[1]) { p++; continue; }
    if (*p == '%') while (*p && *p != '\n') *p++ = ' ';
    if (!*p) break;
  }
}

static void where(const char *text, const char *p, int *line, int *col)
{
  *line = 1; *col = 1;
  for (const char *q = text; q < p; q++) { if (*q == '\n') { (*line)++; *col = 1; } else (*col)++; }
}

/* A balanced {...} group at *p (after blanks): copies its content to out
 * (truncated to len) and advances *p past it; -1 if there is none. */
static int group(const char **p, char *out, size_t len)
{
  const char *q = *p;
  while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') q++;
  if (*q != '{') return -1;
  int depth = 0;
  size_t n = 0;
  for (const char *r = q; *r; r++) {
    if (*r == '\\' && r[1]) { if (n + 2 < len) { out[n++] = r[0]; out[n++] = r[1]; } r++; continue; }
    if (*r == '{' && depth++ == 0) continue;
    if (*r == '}' && --depth == 0) { out[n < len ? n : len - 1] = '\0'; *p = r + 1; return 0; }
    if (n + 1 < len) out[n++] = *r;
  }
  return -1;
}

static void trim(char *s)
{
  size_t a = strspn(s, " \t\n\r"), n = strlen(s);
  while (n > a && strchr(" \t\n\r", s[n - 1])) n--;
  memmove(s, s + a, n - a);
  s[n - a] = '\0';
}

static int known(const idset *ids, const char *id)
{
  for (size_t i = 0; i < ids->n; i++)
    if (!strcmp(ids->id[i], id)) return 1;
  return 0;
}

static int collect_ids(const char *dir, idset *ids)
{
  DIR *d = opendir(dir);
  if (!d) { fprintf(stderr, "covmap: cannot open %s\n", dir); return -1; }
  struct dirent *e;
  int status = 0;
  while ((e = readdir(d))) {
    size_t n = strlen(e->d_name);
    if (n < 5 || strcmp(e->d_name + n - 4, ".tex")) continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    char *text = read_all(path);
    if (!text) { fprintf(stderr, "covmap: cannot read %s\n", path); status = -1; continue; }
    strip_comments(text);
    for (const char *p = text; (p = strstr(p, "\\claim")); ) {
      p += 6;
      if (*p == '[') { const char *q = strchr(p, ']'); if (!q) break; p = q + 1; }
      char id[ID_LEN];
      if (*p != '{' || group(&p, id, sizeof id)) continue;
      trim(id);
      if (ids->n < MAX_IDS && !known(ids, id)) snprintf(ids->id[ids->n++], ID_LEN, "%s", id);
    }
    free(text);
  }
  closedir(d);
  return status;
}

int main(int argc, char **argv)
{
  if (argc != 2) { fprintf(stderr, "usage: covmap THEORY_DIR\n"); return 2; }
  idset ids = { calloc(MAX_IDS, ID_LEN), 0 };
  if (!ids.id || collect_ids(argv[1], &ids)) { free(ids.id); return 2; }
  char path[4096];
  snprintf(path, sizeof path, "%s/seed_coverage.tex", argv[1]);
  char *text = read_all(path);
  if (!text) { fprintf(stderr, "covmap: cannot read %s\n", path); free(ids.id); return 2; }
  strip_comments(text);
  static const char *const docs[] = { "000", "001", "002" };
  int rows[3] = { 0 }, claimed[3] = { 0 }, reasoned[3] = { 0 }, problems = 0;
  static char doc[64], sec[1024], stmt[4096], claims[4096], reason[1024];
  for (const char *p = text; (p = strstr(p, "\\coverrow")); ) {
    const char *at = p;
    p += 9;
    if (at > text && at[-1] == '{') continue;            /* the \providecommand{\coverrow} */
    int line, col;
    where(text, at, &line, &col);
#define PROBLEM(...) do { fprintf(stderr, "%s:%d:%d: ", path, line, col); fprintf(stderr, __VA_ARGS__); \
                          fputc('\n', stderr); problems++; } while (0)
    if (group(&p, doc, sizeof doc) || group(&p, sec, sizeof sec) || group(&p, stmt, sizeof stmt) ||
        group(&p, claims, sizeof claims) || group(&p, reason, sizeof reason)) {
      PROBLEM("\\coverrow needs {document}{section}{statement}{claims}{reason}");
      continue;
    }
    trim(doc); trim(sec); trim(stmt); trim(claims); trim(reason);
    int k = -1;
    for (int i = 0; i < 3; i++) if (!strcmp(doc, docs[i])) k = i;
    if (k < 0) PROBLEM("unknown seed document '%s' (000, 001 or 002)", doc);
    if (!sec[0] || !stmt[0]) PROBLEM("empty section or statement");
    int nclaims = 0;
    for (char *c = strtok(claims, ","); c; c = strtok(NULL, ",")) {
      trim(c);
      if (!c[0]) continue;
      nclaims++;
      if (!known(&ids, c)) PROBLEM("unknown claim '%s' (define it in theory/ or give a reason)", c);
    }
    int nonmath = !strcmp(reason, "not a mathematical statement");
    int unchecked = !strncmp(reason, "not checked: ", 13) && reason[13];
    if (!nclaims && !reason[0]) PROBLEM("row names neither a claim nor a reason");
    else if (reason[0] && !nonmath && !unchecked)
      PROBLEM("reason must read \"not a mathematical statement\" or \"not checked: <why>\", not \"%s\"", reason);
    else if (nonmath && nclaims) PROBLEM("row names claims but says \"not a mathematical statement\"");
    if (k >= 0) { rows[k]++; claimed[k] += nclaims > 0; reasoned[k] += nclaims == 0; }
  }
  for (int i = 0; i < 3; i++)
    if (!rows[i]) { fprintf(stderr, "%s: seed document %s has no rows\n", path, docs[i]); problems++; }
  for (int i = 0; i < 3; i++)
    printf("covmap: seed %s: %d rows, %d checked by claims, %d with a reason\n", docs[i], rows[i], claimed[i], reasoned[i]);
  printf("covmap: %zu claims defined in %s; %d problem%s\n", ids.n, argv[1], problems, problems == 1 ? "" : "s");
  free(text);
  free(ids.id);
  return problems ? 1 : 0;
}
