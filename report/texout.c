/* texout.c -- see texout.h. */
#define _XOPEN_SOURCE 700
#include "texout.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "budgets.h"
#include "csvread.h"

/* Paths are bounded by PATH_MAX; a truncated one fails visibly at open. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

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

typedef struct { const char *dir; diag *d; int bad; } outdir;

static FILE *out_open(outdir *o, const char *name)
{
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", o->dir, name);
  FILE *f = fopen(path, "w");
  if (!f) { diag_error(o->d, "cannot write %s: %s", path, strerror(errno)); o->bad = 1; }
  return f;
}

static void out_close(outdir *o, FILE *f)
{
  if (ferror(f) | (fclose(f) != 0)) { diag_error(o->d, "write error in %s", o->dir); o->bad = 1; }
}

static void stem(const char *path, char *out, size_t len)
{
  const char *b = strrchr(path, '/');
  b = b ? b + 1 : path;
  snprintf(out, len, "%.*s", (int)(strcspn(b, ".")), b);
}

static const char *verdict_macro(const char *v)
{
  if (!strcmp(v, "holds")) return "\\vHolds";
  if (!strcmp(v, "holds-after-correction")) return "\\vCorrected";
  if (!strcmp(v, "approximation")) return "\\vApprox";
  if (!strcmp(v, "fails")) return "\\vFails";
  return "\\vUnchecked";
}

static const char *const verdict_names[] = { "holds", "holds-after-correction", "approximation", "fails",
                                             "unchecked" };

static void write_summary(const ledger *L, FILE *f)
{
  fprintf(f, "\\begin{tabular}{lrr}\\toprule verdict & mathematical & implementation\\\\\\midrule\n");
  for (int v = 0; v < 5; v++) {
    int n[2] = { 0, 0 };
    for (int i = 0; i < L->claims.n; i++)
      n[L->claims.v[i].cls] += !strcmp(ledger_verdict(L, i), verdict_names[v]);
    fprintf(f, "%s & %d & %d\\\\\n", verdict_macro(verdict_names[v]), n[CLAIM_MATH], n[CLAIM_IMPL]);
  }
  fprintf(f, "\\bottomrule\\end{tabular}\n\n");
  fprintf(f, "\\begin{longtable}{@{}p{0.27\\textwidth}p{0.06\\textwidth}p{0.37\\textwidth}p{0.22\\textwidth}@{}}"
             "\\toprule claim & class & source & verdict\\\\\\midrule\\endhead\n");
  for (int i = 0; i < L->claims.n; i++) {
    const claim_def *c = &L->claims.v[i];
    fprintf(f, "\\hyperlink{claim:%s}{\\texttt{", c->id); tex(f, c->id);
    fprintf(f, "}} & %s & ", claim_class_name(c->cls));
    tex(f, c->source);
    fprintf(f, " & %s\\\\\n", verdict_macro(ledger_verdict(L, i)));
  }
  fprintf(f, "\\bottomrule\\end{longtable}\n");
}

/* The kind column: the kind and its level; the result column: what pass or
 * failure means for that kind. */
static void evidence_row(const ledger *L, FILE *g, const ledger_row *e)
{
  const claim_def *c = &L->claims.v[e->claim];
  int control = e->kind == EV_CONTROL_KIND;
  ev_level lv = ev_kind_level(e->kind);
  fprintf(g, "\\texttt{"); tex(g, c->id);
  fprintf(g, "} & %s\\newline{\\footnotesize %s} & ", ev_kind_name(e->kind),
          control ? "negative control" : lv == EV_STATEMENT ? "statement" : "implementation");
  if (control)
    fprintf(g, "%s", e->pass ? "\\dmcrejected" : "\\textcolor{red}{\\textbf{accepted}}");
  else if (e->pass)
    fprintf(g, "pass");
  else {
    const char *v = ledger_verdict(L, e->claim);
    int finding = lv == EV_STATEMENT && (!strcmp(v, "holds-after-correction") || !strcmp(v, "approximation"));
    fprintf(g, "\\textcolor{red}{FAIL}%s", finding ? "\\newline{\\footnotesize(the statement as written: the finding)}" : "");
  }
  fprintf(g, " & ");
  if (control)
    fprintf(g, "\\emph{Negative control of} \\textbf{");
  else
    fprintf(g, "\\textbf{");
  tex(g, e->check); fprintf(g, "} (\\texttt{"); tex(g, e->program);
  fprintf(g, "}, N=%lu, seed %lu): ", e->n, e->seed);
  tex(g, e->detail);
  fprintf(g, "\\\\\n");
}

static void write_sections(const ledger *L, outdir *o, const char *figures)
{
  FILE *f = out_open(o, "sections.tex");
  if (!f) return;
  for (int t = 0; t < L->claims.nfiles; t++) {
    const char *file = L->claims.files[t];
    char name[256], evname[300], abs[PATH_MAX];
    stem(file, name, sizeof name);
    snprintf(evname, sizeof evname, "evidence-%s.tex", name);
    if (!realpath(file, abs)) snprintf(abs, sizeof abs, "%s", file);
    fprintf(f, "\\input{%s}\n\\dmcevidence{%s}\n", abs, name);
    if (figures) {
      char fig[PATH_MAX], figabs[PATH_MAX];
      snprintf(fig, sizeof fig, "%s/%s.tex", figures, name);
      if (realpath(fig, figabs)) fprintf(f, "\\input{%s}\n", figabs);
    }
    fprintf(f, "\\clearpage\n");
    FILE *g = out_open(o, evname);
    if (!g) continue;
    fprintf(g, "\\begin{longtable}{@{}p{0.2\\textwidth}p{0.12\\textwidth}p{0.08\\textwidth}p{0.52\\textwidth}@{}}"
               "\\toprule claim & kind & result & check and evidence\\\\\\midrule\\endhead\n");
    for (int i = 0; i < L->claims.n; i++) {
      if (strcmp(L->claims.v[i].file, file)) continue;
      for (int r = 0; r < L->nrows; r++)
        if (L->rows[r].claim == i) evidence_row(L, g, &L->rows[r]);
    }
    fprintf(g, "\\bottomrule\\end{longtable}\n");
    out_close(o, g);
  }
  out_close(o, f);
}

static void write_accuracy(outdir *o, const char *results)
{
  FILE *f = out_open(o, "accuracy.tex");
  if (!f) return;
  fprintf(f, "\\begin{longtable}{@{}p{0.22\\textwidth}rrrp{0.42\\textwidth}@{}}\\toprule\n"
             "function & N points & budget & max observed & worst input (\\%%a)\\\\\\midrule\\endhead\n");
  char accdir[PATH_MAX];
  snprintf(accdir, sizeof accdir, "%s/accuracy", results);
  char **files;
  int na = dir_list(o->d, accdir, ".csv", &files);
  if (na < 0) o->bad = 1;
  for (int a = 0; a < na; a++) {
    FILE *in = fopen(files[a], "r");
    if (!in) { diag_error(o->d, "cannot read %s: %s", files[a], strerror(errno)); o->bad = 1; continue; }
    csv_record rec = { 0 };
    int line = 0;
    while (csv_next(in, &rec, &line) > 0) {
      if (rec.line == 1 || rec.nfields < 10) continue;
      int over = strtod(rec.field[4], NULL) > strtod(rec.field[3], NULL);
      fprintf(f, "\\texttt{"); tex(f, rec.field[0]);
      fprintf(f, "} & %s & %s & %s%s%s & \\texttt{\\footnotesize ", rec.field[2], rec.field[3],
              over ? "\\textcolor{red}{" : "", rec.field[4], over ? "}" : "");
      if (strtod(rec.field[4], NULL) == 0) fprintf(f, "(every point correctly rounded)");
      else tex(f, rec.field[6]);
      fprintf(f, "}\\\\\n");
    }
    csv_free(&rec);
    fclose(in);
  }
  if (na > 0) dir_list_free(files, na);
  fprintf(f, "\\bottomrule\\end{longtable}\n");
  out_close(o, f);
}

static void write_budgets(outdir *o, const char *budgets_path)
{
  FILE *f = out_open(o, "budgets.tex");
  if (!f) return;
  budget_row *rows = malloc(512 * sizeof *rows);
  char err[512];
  int nb = rows ? budgets_load(budgets_path, rows, 512, err, sizeof err) : -1;
  if (nb < 0) { diag_error(o->d, "%s", rows ? err : "out of memory"); o->bad = 1; nb = 0; }
  fprintf(f, "\\begin{longtable}{@{}p{0.26\\textwidth}rp{0.6\\textwidth}@{}}\\toprule\n"
             "function & budget (ULP) & reason\\\\\\midrule\\endhead\n");
  for (int i = 0; i < nb; i++) {
    fprintf(f, "\\texttt{"); tex(f, rows[i].function); fprintf(f, "} & %g & ", rows[i].budget);
    tex(f, rows[i].reason); fprintf(f, "\\\\\n");
  }
  fprintf(f, "\\bottomrule\\end{longtable}\n");
  free(rows);
  out_close(o, f);
}

int texout_write(const ledger *L, const char *out, const char *results, const char *budgets_path,
                 const char *figures)
{
  outdir o = { out, L->d, 0 };
  FILE *f = out_open(&o, "verdicts.tex");
  if (f) {
    for (int i = 0; i < L->claims.n; i++)
      fprintf(f, "\\expandafter\\def\\csname dmcv@%s\\endcsname{%s}\n", L->claims.v[i].id,
              verdict_macro(ledger_verdict(L, i)));
    out_close(&o, f);
  }
  if ((f = out_open(&o, "meta.tex"))) {
    int ncontrols = 0;
    for (int r = 0; r < L->nrows; r++) ncontrols += L->rows[r].kind == EV_CONTROL_KIND;
    fprintf(f, "\\def\\dmcresults{%s}\n", results);
    fprintf(f, "\\def\\dmcseed{%lu}\n\\def\\dmcnclaims{%d}\n\\def\\dmcnrows{%d}\n\\def\\dmcncontrols{%d}\n",
            L->nrows ? L->rows[0].seed : 0UL, L->claims.n, L->nrows, ncontrols);
    out_close(&o, f);
  }
  if ((f = out_open(&o, "summary.tex"))) { write_summary(L, f); out_close(&o, f); }
  write_sections(L, &o, figures);
  write_accuracy(&o, results);
  write_budgets(&o, budgets_path);
  return o.bad ? -1 : 0;
}
