/* mkreport.c -- joins the claims of theory/ with the evidence rows of proofs/
 * and tests/, computes each verdict (verdict.c), and writes
 *   <results>/claims.csv        the ledger, one row per claim
 *   <out>/NAME.tex              the generated parts of the report
 * It fails (exit 1) when a claim has no evidence, when evidence names a claim
 * that theory/ does not define, or when a claim id is defined twice.
 *
 * usage: mkreport --theory DIR --results DIR --budgets FILE --out DIR
 *                 [--figures DIR] */
#define _XOPEN_SOURCE 700
#include "budgets.h"
#include "csvread.h"
#include "evidence.h"
#include "verdict.h"

/* Paths are bounded by PATH_MAX; a truncated one fails visibly at open. */
#if defined(__GNUC__) && !defined(__clang__) /* clang has no such warning */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
  char id[128], source[512], file[PATH_MAX];
  char *statement;
  int line, nrows;
  verdict_tally tally;
  char counterexample[1536];
} claim;

typedef struct {
  char claim[128], kind[32], check[256], program[128], detail[1536];
  int pass, line;
  unsigned long n, seed;
} evrow;

typedef struct {
  claim *claims; int nclaims, capclaims;
  evrow *rows; int nrows, caprows;
  char theory_files[64][PATH_MAX]; int nfiles;
  int errors;
  FILE *errlog;
} ledger;

static void problem(ledger *L, const char *fmt, const char *a, const char *b, int line)
{
  char msg[2048];
  snprintf(msg, sizeof msg, fmt, a, b, line);
  fprintf(stderr, "mkreport: %s\n", msg);
  if (L->errlog) fprintf(L->errlog, "%s\n", msg);
  L->errors++;
}

static int cmp_str(const void *a, const void *b) { return strcmp(a, b); }

/* Lists the files DIR/NAME ending in SUFFIX, sorted,, into names (each PATH_MAX). Returns the count. */
static int list_dir(const char *dir, const char *suffix, char (*names)[PATH_MAX], int max)
{
  DIR *d = opendir(dir);
  if (!d) return 0;
  int n = 0;
  struct dirent *e;
  size_t ls = strlen(suffix);
  while ((e = readdir(d)) && n < max) {
    size_t l = strlen(e->d_name);
    if (l > ls && !strcmp(e->d_name + l - ls, suffix) && e->d_name[0] != '.')
      snprintf(names[n++], PATH_MAX, "%s/%s", dir, e->d_name);
  }
  closedir(d);
  qsort(names, (size_t)n, PATH_MAX, cmp_str);
  return n;
}

static char *read_all(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
    len += got;
    if (cap - len < 2) { char *nb = realloc(buf, cap *= 2); if (!nb) { free(buf); buf = NULL; } else buf = nb; }
  }
  fclose(f);
  if (buf) buf[len] = '\0';
  return buf;
}

/* Copies the brace group starting at *p (which must be '{') and advances. */
static char *brace_group(const char **p)
{
  if (**p != '{') return NULL;
  const char *s = *p + 1;
  int depth = 1;
  const char *q = s;
  for (; *q && depth; q++) {
    if (*q == '\\' && q[1]) { q++; continue; }
    if (*q == '{') depth++;
    else if (*q == '}') depth--;
  }
  if (depth) return NULL;
  size_t len = (size_t)(q - 1 - s);
  char *out = malloc(len + 1);
  memcpy(out, s, len);
  out[len] = '\0';
  *p = q;
  while (**p == ' ' || **p == '\n' || **p == '\t' || **p == '%') {
    if (**p == '%') while (**p && **p != '\n') (*p)++;
    else (*p)++;
  }
  return out;
}

static void add_claim(ledger *L, const char *id, const char *source, char *statement,
                      const char *file, int line)
{
  for (int i = 0; i < L->nclaims; i++)
    if (!strcmp(L->claims[i].id, id)) {
      char where[PATH_MAX + 32];
      snprintf(where, sizeof where, "%s:%d", L->claims[i].file, L->claims[i].line);
      problem(L, "claim %s is defined twice (first at %s), again at line %d", id, where, line);
      free(statement);
      return;
    }
  if (L->nclaims == L->capclaims) {
    L->capclaims = L->capclaims ? 2 * L->capclaims : 64;
    L->claims = realloc(L->claims, (size_t)L->capclaims * sizeof *L->claims);
  }
  claim *c = &L->claims[L->nclaims++];
  memset(c, 0, sizeof *c);
  snprintf(c->id, sizeof c->id, "%s", id);
  snprintf(c->source, sizeof c->source, "%s", source);
  snprintf(c->file, sizeof c->file, "%s", file);
  c->statement = statement;
  c->line = line;
}

static void read_theory(ledger *L, const char *dir)
{
  L->nfiles = list_dir(dir, ".tex", L->theory_files, 64);
  if (!L->nfiles) problem(L, "no theory files in %s%s (line %d)", dir, "", 0);
  for (int f = 0; f < L->nfiles; f++) {
    char *text = read_all(L->theory_files[f]);
    if (!text) { problem(L, "cannot read %s%s (line %d)", L->theory_files[f], "", 0); continue; }
    int line = 1;
    for (const char *p = text; *p; p++) {
      if (*p == '\n') { line++; continue; }
      if (*p == '%' && (p == text || p[-1] != '\\')) { while (p[1] && p[1] != '\n') p++; continue; }
      if (strncmp(p, "\\claim{", 7)) continue;
      const char *q = p + 6;
      char *id = brace_group(&q), *src = id ? brace_group(&q) : NULL, *st = src ? brace_group(&q) : NULL;
      if (!st) {
        problem(L, "%s:%s%d: \\claim needs {id}{source}{statement}", L->theory_files[f], "", line);
        free(id); free(src);
        continue;
      }
      add_claim(L, id, src, st, L->theory_files[f], line);
      for (const char *r = p; r < q; r++) if (*r == '\n') line++;
      p = q - 1;
      free(id); free(src);
    }
    free(text);
  }
}

static claim *find_claim(ledger *L, const char *id)
{
  for (int i = 0; i < L->nclaims; i++) if (!strcmp(L->claims[i].id, id)) return &L->claims[i];
  return NULL;
}

static void read_evidence(ledger *L, const char *results)
{
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s/evidence", results);
  static char files[256][PATH_MAX];
  int nf = list_dir(dir, ".csv", files, 256);
  for (int f = 0; f < nf; f++) {
    FILE *in = fopen(files[f], "r");
    if (!in) continue;
    const char *base = strrchr(files[f], '/') + 1;
    csv_record rec = { 0 };
    int line = 0, st;
    while ((st = csv_next(in, &rec, &line)) != 0) {
      if (st < 0) { problem(L, "%s:%s%d: malformed CSV record", files[f], "", line); break; }
      if (rec.line == 1) continue; /* header */
      if (rec.nfields != 7) { problem(L, "%s:%s%d: expected 7 fields", files[f], "", rec.line); continue; }
      claim *c = find_claim(L, rec.field[0]);
      if (!c) {
        char where[PATH_MAX + 32];
        snprintf(where, sizeof where, "%s:%d", files[f], rec.line);
        problem(L, "evidence names unknown claim %s (%s%d); define it in theory/", rec.field[0], where, 0);
        continue;
      }
      if (L->nrows == L->caprows) {
        L->caprows = L->caprows ? 2 * L->caprows : 256;
        L->rows = realloc(L->rows, (size_t)L->caprows * sizeof *L->rows);
      }
      evrow *r = &L->rows[L->nrows++];
      snprintf(r->claim, sizeof r->claim, "%s", rec.field[0]);
      snprintf(r->kind, sizeof r->kind, "%s", rec.field[1]);
      snprintf(r->check, sizeof r->check, "%s", rec.field[2]);
      r->pass = atoi(rec.field[3]) == 1;
      r->n = strtoul(rec.field[4], NULL, 10);
      r->seed = strtoul(rec.field[5], NULL, 10);
      snprintf(r->detail, sizeof r->detail, "%s", rec.field[6]);
      snprintf(r->program, sizeof r->program, "%.*s", (int)(strlen(base) - 4), base);
      r->line = rec.line;
      if (verdict_add(&c->tally, r->kind, r->pass) < 0) {
        problem(L, "%s: unknown evidence kind %s (line %d)", files[f], r->kind, rec.line);
        L->nrows--;
        continue;
      }
      c->nrows++;
      if (!r->pass && !c->counterexample[0]) snprintf(c->counterexample, sizeof c->counterexample, "%s", r->detail);
    }
    csv_free(&rec);
    fclose(in);
  }
}

static void tex(FILE *f, const char *s)
{
  for (; *s; s++) {
    switch (*s) {
    case '\\': fputs("\\textbackslash{}", f); break;
    case '{': case '}': case '$': case '&': case '#': case '_': case '%':
      fputc('\\', f); fputc(*s, f); break;
    case '^': fputs("\\^{}", f); break;
    case '~': fputs("\\~{}", f); break;
    case '<': fputs("\\textless{}", f); break;
    case '>': fputs("\\textgreater{}", f); break;
    case '|': fputs("\\textbar{}", f); break;
    default: fputc(*s, f);
    }
  }
}

static FILE *out_file(const char *dir, const char *name)
{
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (!f) { fprintf(stderr, "mkreport: cannot write %s: %s\n", path, strerror(errno)); exit(1); }
  return f;
}

static void stem(const char *path, char *out, size_t len)
{
  const char *b = strrchr(path, '/');
  b = b ? b + 1 : path;
  snprintf(out, len, "%.*s", (int)(strcspn(b, ".")), b);
}

static void write_ledger(ledger *L, const char *results)
{
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/claims.csv", results);
  FILE *f = fopen(path, "w");
  if (!f) { fprintf(stderr, "mkreport: cannot write %s\n", path); exit(1); }
  fprintf(f, "claim,source,verdict,evidence,checks,failed,counterexample\n");
  for (int i = 0; i < L->nclaims; i++) {
    claim *c = &L->claims[i];
    char ev[4096] = "";
    size_t used = 0;
    int failed = 0;
    for (int r = 0; r < L->nrows; r++) {
      evrow *e = &L->rows[r];
      if (strcmp(e->claim, c->id)) continue;
      failed += !e->pass;
      used += (size_t)snprintf(ev + used, used < sizeof ev ? sizeof ev - used : 0, "%s%s %s [%s]: %s",
                               used ? "; " : "", e->kind, e->pass ? "pass" : "FAIL", e->program, e->check);
      if (used >= sizeof ev) used = sizeof ev - 1;
    }
    evidence_csv_field(f, c->id); fputc(',', f);
    evidence_csv_field(f, c->source); fputc(',', f);
    fprintf(f, "%s,", verdict_of(&c->tally));
    evidence_csv_field(f, ev);
    fprintf(f, ",%d,%d,", c->nrows, failed);
    evidence_csv_field(f, c->counterexample);
    fputc('\n', f);
  }
  fclose(f);
}

static const char *verdict_macro(const char *v)
{
  if (!strcmp(v, "holds")) return "\\vHolds";
  if (!strcmp(v, "holds-after-correction")) return "\\vCorrected";
  if (!strcmp(v, "approximation")) return "\\vApprox";
  if (!strcmp(v, "fails")) return "\\vFails";
  return "\\vUnchecked";
}

static void write_tex(ledger *L, const char *out, const char *results, const char *budgets_path,
                      const char *figures)
{
  FILE *f = out_file(out, "verdicts.tex");
  for (int i = 0; i < L->nclaims; i++)
    fprintf(f, "\\expandafter\\def\\csname dmcv@%s\\endcsname{%s}\n", L->claims[i].id,
            verdict_macro(verdict_of(&L->claims[i].tally)));
  fclose(f);

  f = out_file(out, "meta.tex");
  fprintf(f, "\\def\\dmcresults{%s}\n", results);
  unsigned long seed = L->nrows ? L->rows[0].seed : 0;
  fprintf(f, "\\def\\dmcseed{%lu}\n\\def\\dmcnclaims{%d}\n\\def\\dmcnrows{%d}\n", seed, L->nclaims, L->nrows);
  fclose(f);

  /* summary table of all claims */
  f = out_file(out, "summary.tex");
  const char *names[] = { "holds", "holds-after-correction", "approximation", "fails", "unchecked" };
  fprintf(f, "\\begin{tabular}{lr}\\toprule verdict & claims\\\\\\midrule\n");
  for (int v = 0; v < 5; v++) {
    int n = 0;
    for (int i = 0; i < L->nclaims; i++) n += !strcmp(verdict_of(&L->claims[i].tally), names[v]);
    fprintf(f, "%s & %d\\\\\n", verdict_macro(names[v]), n);
  }
  fprintf(f, "\\bottomrule\\end{tabular}\n\n");
  fprintf(f, "\\begin{longtable}{@{}p{0.27\\textwidth}p{0.43\\textwidth}p{0.22\\textwidth}@{}}\\toprule\n"
             "claim & source & verdict\\\\\\midrule\\endhead\n");
  for (int i = 0; i < L->nclaims; i++) {
    claim *c = &L->claims[i];
    fprintf(f, "\\hyperlink{claim:%s}{\\texttt{", c->id); tex(f, c->id); fprintf(f, "}} & ");
    tex(f, c->source);
    fprintf(f, " & %s\\\\\n", verdict_macro(verdict_of(&c->tally)));
  }
  fprintf(f, "\\bottomrule\\end{longtable}\n");
  fclose(f);

  /* one section per theory file: the text, then its evidence, then figures */
  f = out_file(out, "sections.tex");
  for (int t = 0; t < L->nfiles; t++) {
    char name[256], evname[300];
    stem(L->theory_files[t], name, sizeof name);
    snprintf(evname, sizeof evname, "evidence-%s.tex", name);
    char abs[PATH_MAX];
    if (!realpath(L->theory_files[t], abs)) snprintf(abs, sizeof abs, "%s", L->theory_files[t]);
    fprintf(f, "\\input{%s}\n\\dmcevidence{%s}\n", abs, name);
    if (figures) {
      char fig[PATH_MAX], figabs[PATH_MAX];
      snprintf(fig, sizeof fig, "%s/%s.tex", figures, name);
      if (realpath(fig, figabs)) fprintf(f, "\\input{%s}\n", figabs);
    }
    fprintf(f, "\\clearpage\n");
    FILE *g = out_file(out, evname);
    fprintf(g, "\\begin{longtable}{@{}p{0.2\\textwidth}p{0.09\\textwidth}p{0.06\\textwidth}p{0.57\\textwidth}@{}}\\toprule\n"
               "claim & kind & result & check and evidence\\\\\\midrule\\endhead\n");
    for (int i = 0; i < L->nclaims; i++) {
      claim *c = &L->claims[i];
      if (strcmp(c->file, L->theory_files[t])) continue;
      for (int r = 0; r < L->nrows; r++) {
        evrow *e = &L->rows[r];
        if (strcmp(e->claim, c->id)) continue;
        fprintf(g, "\\texttt{"); tex(g, c->id); fprintf(g, "} & %s & %s & \\textbf{", e->kind,
                e->pass ? "pass" : "\\textcolor{red}{FAIL}");
        tex(g, e->check); fprintf(g, "} (\\texttt{"); tex(g, e->program);
        fprintf(g, "}, N=%lu, seed %lu): ", e->n, e->seed);
        tex(g, e->detail);
        fprintf(g, "\\\\\n");
      }
    }
    fprintf(g, "\\bottomrule\\end{longtable}\n");
    fclose(g);
  }
  fclose(f);

  /* accuracy table: one row per tested function */
  f = out_file(out, "accuracy.tex");
  fprintf(f, "\\begin{longtable}{@{}p{0.22\\textwidth}rrrp{0.42\\textwidth}@{}}\\toprule\n"
             "function & N points & budget & max observed & worst input (\\%%a)\\\\\\midrule\\endhead\n");
  char accdir[PATH_MAX];
  snprintf(accdir, sizeof accdir, "%s/accuracy", results);
  static char accfiles[256][PATH_MAX];
  int na = list_dir(accdir, ".csv", accfiles, 256);
  for (int a = 0; a < na; a++) {
    FILE *in = fopen(accfiles[a], "r");
    if (!in) continue;
    csv_record rec = { 0 };
    int line = 0;
    while (csv_next(in, &rec, &line) > 0) {
      if (rec.line == 1 || rec.nfields < 10) continue;
      fprintf(f, "\\texttt{"); tex(f, rec.field[0]); fprintf(f, "} & %s & %s & %s%s%s & \\texttt{\\footnotesize ",
              rec.field[2], rec.field[3], strtod(rec.field[4], NULL) > strtod(rec.field[3], NULL) ? "\\textcolor{red}{" : "",
              rec.field[4], strtod(rec.field[4], NULL) > strtod(rec.field[3], NULL) ? "}" : "");
      if (strtod(rec.field[4], NULL) == 0) fprintf(f, "(every point correctly rounded)");
      else tex(f, rec.field[6]);
      fprintf(f, "}\\\\\n");
    }
    csv_free(&rec);
    fclose(in);
  }
  fprintf(f, "\\bottomrule\\end{longtable}\n");
  fclose(f);

  f = out_file(out, "budgets.tex");
  budget_row *rows = malloc(512 * sizeof *rows);
  char err[512];
  int nb = rows ? budgets_load(budgets_path, rows, 512, err, sizeof err) : -1;
  if (nb < 0) { fprintf(stderr, "mkreport: %s\n", rows ? err : "out of memory"); exit(1); }
  fprintf(f, "\\begin{longtable}{@{}p{0.26\\textwidth}rp{0.6\\textwidth}@{}}\\toprule\n"
             "function & budget (ULP) & reason\\\\\\midrule\\endhead\n");
  for (int i = 0; i < nb; i++) {
    fprintf(f, "\\texttt{"); tex(f, rows[i].function); fprintf(f, "} & %g & ", rows[i].budget);
    tex(f, rows[i].reason); fprintf(f, "\\\\\n");
  }
  fprintf(f, "\\bottomrule\\end{longtable}\n");
  free(rows);
  fclose(f);
}

int main(int argc, char **argv)
{
  const char *theory = "theory", *results = NULL, *budgets = NULL, *out = NULL, *figures = NULL;
  for (int i = 1; i < argc; i++) {
    const char **slot = !strcmp(argv[i], "--theory") ? &theory : !strcmp(argv[i], "--results") ? &results
                      : !strcmp(argv[i], "--budgets") ? &budgets : !strcmp(argv[i], "--out") ? &out
                      : !strcmp(argv[i], "--figures") ? &figures : NULL;
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      printf("usage: mkreport --theory DIR --results DIR --budgets FILE --out DIR [--figures DIR]\n"
             "Joins theory claims with evidence, writes RESULTS/claims.csv and OUT/*.tex.\n"
             "Exit 1 if a claim lacks evidence or evidence names an unknown claim.\n");
      return 0;
    }
    if (!slot || i + 1 >= argc) { fprintf(stderr, "mkreport: bad argument '%s' (try --help)\n", argv[i]); return 2; }
    *slot = argv[++i];
  }
  if (!results || !budgets || !out) { fprintf(stderr, "mkreport: --results, --budgets and --out are required\n"); return 2; }
  mkdir(out, 0777);
  char errpath[PATH_MAX];
  snprintf(errpath, sizeof errpath, "%s/ledger-errors.txt", results);
  ledger L = { 0 };
  L.errlog = fopen(errpath, "w");
  read_theory(&L, theory);
  read_evidence(&L, results);
  for (int i = 0; i < L.nclaims; i++)
    if (L.claims[i].nrows == 0)
      problem(&L, "claim %s (%s) has no evidence: no proof or test checks it (line %d)", L.claims[i].id,
              L.claims[i].file, L.claims[i].line);
  write_ledger(&L, results);
  char absres[PATH_MAX];
  if (!realpath(results, absres)) snprintf(absres, sizeof absres, "%s", results);
  write_tex(&L, out, absres, budgets, figures);
  int counts[5] = { 0 };
  const char *names[] = { "holds", "holds-after-correction", "approximation", "fails", "unchecked" };
  for (int i = 0; i < L.nclaims; i++)
    for (int v = 0; v < 5; v++) counts[v] += !strcmp(verdict_of(&L.claims[i].tally), names[v]);
  printf("ledger: %d claims (%d holds, %d holds-after-correction, %d approximation, %d fails), %d evidence rows -> %s/claims.csv\n",
         L.nclaims, counts[0], counts[1], counts[2], counts[3], L.nrows, results);
  if (L.errlog) fclose(L.errlog);
  for (int i = 0; i < L.nclaims; i++) free(L.claims[i].statement);
  free(L.claims);
  free(L.rows);
  if (L.errors) { fprintf(stderr, "mkreport: %d ledger problem(s); the build fails until they are fixed\n", L.errors); return 1; }
  remove(errpath);
  return 0;
}
