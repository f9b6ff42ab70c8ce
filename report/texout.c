/* texout.c -- see texout.h. */
#define _XOPEN_SOURCE 700
#include "texout.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "budgets.h"
#include "csvread.h"
#include "texgraph.h"

/* Paths are bounded by PATH_MAX; a truncated one fails visibly at open. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

static void tex(FILE *f, const char *s)
{
  int digits = 0;
  for (; *s; s++) {
    /* long numbers and rationals may wrap (the evidence CSV has them whole) */
    digits = *s >= '0' && *s <= '9' ? digits + 1 : 0;
    if (digits > 1 && digits % 12 == 1) fputs("\\allowbreak{}", f);
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
    if ((*s == '/' || *s == '=' || *s == ',') && s[1] && s[1] != ' ') fputs("\\allowbreak{}", f);
  }
}

/* Plain text with its ASCII mathematics typeset as mathematics: Greek
 * letter names (sigma, eps, ...) with a subscript, powers such as 2^-104 or
 * sigma^2, <=, >=, +- and ~ before a number. Anything else goes to tex(). */
static const char *greek(const char *w, size_t n)
{
  static const char *const names[][2] = {
    { "alpha", "\\alpha" }, { "beta", "\\beta" }, { "gamma", "\\gamma" }, { "delta", "\\delta" },
    { "eps", "\\varepsilon" }, { "epsilon", "\\varepsilon" }, { "eta", "\\eta" }, { "theta", "\\theta" },
    { "lambda", "\\lambda" }, { "mu", "\\mu" }, { "pi", "\\pi" }, { "rho", "\\rho" },
    { "sigma", "\\sigma" }, { "tau", "\\tau" }, { "phi", "\\phi" }, { "Phi", "\\Phi" },
    { "Sigma", "\\Sigma" }, { "Gamma", "\\Gamma" }, { "Lambda", "\\Lambda" } };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strlen(names[i][0]) == n && !strncmp(w, names[i][0], n)) return names[i][1];
  return NULL;
}

static int is_word(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

/* A math atom at s: a Greek name, a single letter or a number, as TeX in
 * out; its length, or 0. */
static size_t atom(const char *s, char *out, size_t len, int allow_letter)
{
  size_t n = 0;
  if (*s >= '0' && *s <= '9') {
    while ((s[n] >= '0' && s[n] <= '9') || (s[n] == '.' && s[n + 1] >= '0' && s[n + 1] <= '9')) n++;
    snprintf(out, len, "%.*s", (int)n, s);
    return n;
  }
  while (is_word(s[n])) n++;
  const char *g = greek(s, n);
  if (g) { snprintf(out, len, "%s", g); return n; }
  if (allow_letter && n == 1) { snprintf(out, len, "%c", *s); return 1; }
  return 0;
}

static void tex_math(FILE *f, const char *s)
{
  for (const char *p = s; *p;) {
    int start = p == s || !(is_word(p[-1]) || p[-1] == '_' || p[-1] == '.');
    static const char *const ops[][2] = { { "<=", "\\le" }, { ">=", "\\ge" }, { "+-", "\\pm" }, { "-+", "\\mp" } };
    int done = 0;
    for (int i = 0; i < 4 && !done; i++)
      if (!strncmp(p, ops[i][0], 2)) { fprintf(f, "$%s$", ops[i][1]); p += 2; done = 1; }
    if (done) continue;
    if (*p == '~' && p[1] >= '0' && p[1] <= '9') { fputs("$\\approx$", f); p++; continue; }
    char base[32], sub[32] = "", sup[40] = "";
    size_t n = start ? atom(p, base, sizeof base, 1) : 0;
    if (n) {
      const char *q = p + n;
      int is_greek = !(*p >= '0' && *p <= '9') && greek(p, n);
      size_t m;
      int letter = n == 1 && !(*p >= '0' && *p <= '9');
      if ((is_greek || letter) && *q == '_' && (m = atom(q + 1, sub, sizeof sub, 1)) && !is_word(q[1 + m]) && q[1 + m] != '_')
        q += 1 + m;
      else sub[0] = '\0';
      if (*q == '^') {
        int neg = q[1] == '-';
        char e[32];
        if ((m = atom(q + 1 + neg, e, sizeof e, 1)) && !is_word(q[1 + neg + m])) {
          snprintf(sup, sizeof sup, "%s%s", neg ? "-" : "", e);
          q += 1 + neg + m;
        }
      }
      if (is_greek || sup[0] || sub[0]) {
        if (q == p + n && (is_word(*q) || *q == '_')) { /* part of a longer identifier */ }
        else {
          fprintf(f, "$%s%s%s%s%s%s%s$", base, sub[0] ? "_{" : "", sub, sub[0] ? "}" : "",
                  sup[0] ? "^{" : "", sup, sup[0] ? "}" : "");
          p = q;
          continue;
        }
      }
    }
    /* not mathematics: the whole identifier as text */
    const char *q = p;
    if (is_word(*q) || *q == '_') while (is_word(*q) || *q == '_') q++;
    else q++;
    char chunk[256];
    while (p < q) {
      size_t k = (size_t)(q - p) < sizeof chunk - 1 ? (size_t)(q - p) : sizeof chunk - 1;
      memcpy(chunk, p, k); chunk[k] = '\0';
      tex(f, chunk);
      p += k;
    }
    if (q - p == 0 && (q[-1] == '/' || q[-1] == '=' || q[-1] == ',') && *q && *q != ' ') fputs("\\allowbreak{}", f);
  }
}

/* A claim id in typewriter type that may break after its dots, dashes and
 * underscores. */
static void tex_id(FILE *f, const char *id)
{
  fputs("\\texttt{", f);
  for (const char *s = id; *s; s++) {
    char one[2] = { *s, 0 };
    tex(f, one);
    if ((*s == '.' || *s == '_' || *s == '-') && s[1]) fputs("\\allowbreak{}", f);
  }
  fputs("}", f);
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

/* The seed document a claim comes from: 0, 1, 2 for 000, 001, 002 (its
 * source starts with the document's number), 3 for first principles and
 * other sources. */
enum { NDOCS = 4 };
static const char *const doc_names[NDOCS] = { "Document 000", "Document 001", "Document 002",
                                              "First principles and other sources" };
static int claim_doc(const claim_def *c)
{
  const char *s = c->source;
  if (s[0] == '0' && s[1] == '0' && s[2] >= '0' && s[2] <= '2' && (s[3] == ' ' || s[3] == ',' || !s[3]))
    return s[2] - '0';
  return 3;
}

static void write_summary(const ledger *L, FILE *f)
{
  fprintf(f, "Claims by source document and verdict (mathematical + implementation claims; "
             "the implementation claims are counted in parentheses).\n\n"
             "\\begin{center}\\begin{tabular}{@{}lrrrrrr@{}}\\toprule document");
  for (int v = 0; v < 5; v++) fprintf(f, " & %s", verdict_macro(verdict_names[v]));
  fprintf(f, " & total\\\\\\midrule\n");
  for (int d = 0; d <= NDOCS; d++) {
    int n[6][2] = { { 0 } };
    for (int i = 0; i < L->claims.n; i++) {
      const claim_def *c = &L->claims.v[i];
      if (d < NDOCS && claim_doc(c) != d) continue;
      for (int v = 0; v < 5; v++)
        if (!strcmp(ledger_verdict(L, i), verdict_names[v])) { n[v][c->cls]++; n[5][c->cls]++; }
    }
    static const char *const short_names[NDOCS] = { "000", "001", "002", "first principles" };
    if (d == NDOCS) fprintf(f, "\\midrule total");
    else fprintf(f, "%s", short_names[d]);
    for (int v = 0; v < 6; v++) {
      fprintf(f, " & %d", n[v][0] + n[v][1]);
      if (n[v][1]) fprintf(f, " (%d)", n[v][1]);
    }
    fprintf(f, "\\\\\n");
  }
  fprintf(f, "\\bottomrule\\end{tabular}\\end{center}\n\n"
             "The full list of claims, with their sources and verdicts, is in Appendix~\\ref{app:index}.\n");
}

static void write_index(const ledger *L, FILE *f)
{
  fprintf(f, "\\begin{longtable}{@{}>{\\raggedright}p{0.3\\textwidth}p{0.06\\textwidth}"
             ">{\\raggedright}p{0.36\\textwidth}p{0.2\\textwidth}@{}}"
             "\\toprule claim & class & source & verdict\\tabularnewline\\midrule\\endhead\n");
  for (int i = 0; i < L->claims.n; i++) {
    const claim_def *c = &L->claims.v[i];
    fprintf(f, "\\hyperlink{claim:%s}{", c->id); tex_id(f, c->id);
    fprintf(f, "} & %s & ", claim_class_name(c->cls));
    tex(f, c->source);
    fprintf(f, " & %s%s\\tabularnewline\n", verdict_macro(ledger_verdict(L, i)),
            L->state[i].affected_by >= 0 ? "\\newline\\dmcaffectedmark" : "");
  }
  fprintf(f, "\\bottomrule\\end{longtable}\n");
}

/* An erratum's head: id, source, verdict, weight, the statement as written and
 * its correction (no_correction if it has none; NULL: then nothing). */
static void erratum_head(FILE *f, const ledger *L, int i, const char *no_correction)
{
  const claim_def *c = &L->claims.v[i];
  int n = L->state[i].downstream;
  fprintf(f, "\\dmcerratum{%s}{", c->id); tex_id(f, c->id);
  fprintf(f, "}{"); tex(f, c->source);
  fprintf(f, "}{%s}{%d claim%s downstream}\n", verdict_macro(ledger_verdict(L, i)), n, n == 1 ? "" : "s");
  fprintf(f, "\\dmcasswritten{%s}\n", c->statement);
  if (c->correction || no_correction) fprintf(f, "\\dmccorrected{%s}\n", c->correction ? c->correction : no_correction);
}

/* The order of the errata within a document: by the number of claims
 * downstream (more first), then failing before corrected, then theory order. */
typedef struct { int claim, downstream, fails; } erratum_key;
static int erratum_cmp(const void *a, const void *b)
{
  const erratum_key *x = a, *y = b;
  if (x->downstream != y->downstream) return x->downstream > y->downstream ? -1 : 1;
  if (x->fails != y->fails) return x->fails ? -1 : 1;
  return (x->claim > y->claim) - (x->claim < y->claim);
}

/* The claims of document d whose verdict is one of verdicts[0..nv), in
 * erratum order; the count, or -1 if out of memory. Free *out. */
static int errata_of(const ledger *L, int d, const char *const *verdicts, int nv, erratum_key **out)
{
  erratum_key *k = malloc(sizeof *k * (size_t)(L->claims.n ? L->claims.n : 1));
  *out = k;
  if (!k) return -1;
  int n = 0;
  for (int i = 0; i < L->claims.n; i++) {
    const char *v = ledger_verdict(L, i);
    int match = 0;
    for (int j = 0; j < nv; j++) match |= !strcmp(v, verdicts[j]);
    if (claim_doc(&L->claims.v[i]) != d || !match) continue;
    k[n++] = (erratum_key){ i, L->state[i].downstream, !strcmp(v, "fails") };
  }
  qsort(k, (size_t)n, sizeof *k, erratum_cmp);
  return n;
}

/* The errata: for each document, every statement that fails as written (those
 * that fail, and those that hold after correction), with its correction and
 * counterexample; then the approximations with their error terms (the approx
 * evidence). Both lists in erratum order (erratum_cmp), explained in the text. */
static int write_errata(const ledger *L, FILE *f)
{
  static const char *const wrong[] = { "fails", "holds-after-correction" }, *const approx[] = { "approximation" };
  fprintf(f, "Within each document the entries are ordered by how much they matter, computed from the "
             "ledger and not typed: first by the number of claims \\emph{downstream} of the entry, that is, "
             "the claims that use it in their derivation, directly or through other claims "
             "(\\texttt{\\textbackslash uses} in the theory files, Section~\\ref{sec:graph}); an error "
             "that more of the mathematics rests on comes first. Ties go to a statement that fails outright "
             "before one that holds after a correction, then to the order of the theory files. Each entry "
             "states its count.\n");
  for (int d = 0; d < NDOCS; d++) {
    erratum_key *err, *app;
    int nerr = errata_of(L, d, wrong, 2, &err), napp = errata_of(L, d, approx, 1, &app);
    if (nerr < 0 || napp < 0) { free(err); free(app); return -1; }
    if (nerr + napp) fprintf(f, "\\subsection{%s}\n", doc_names[d]);
    if (nerr) fprintf(f, "\\subsubsection*{Errors}\n");
    for (int e = 0; e < nerr; e++) {
      int i = err[e].claim;
      erratum_head(f, L, i, "\\emph{(no correction stated)}");
      fprintf(f, "\\dmccounter{");
      if (L->state[i].counterexample) tex_math(f, L->state[i].counterexample);
      else fprintf(f, "\\emph{(none recorded)}");
      fprintf(f, "}\n");
    }
    if (napp) fprintf(f, "\\subsubsection*{Approximations}\n");
    for (int e = 0; e < napp; e++) {
      int i = app[e].claim;
      erratum_head(f, L, i, NULL);
      for (int r = 0; r < L->nrows; r++) {
        const ledger_row *row = &L->rows[r];
        if (row->claim != i || row->kind != EV_APPROX) continue;
        fprintf(f, "\\dmcerrterm{");
        tex_math(f, row->check); fprintf(f, ": "); tex_math(f, row->detail);
        fprintf(f, "}\n");
      }
    }
    free(err);
    free(app);
  }
  return 0;
}

/* The base seed of the run: the seed of most rows (a derived seed is the
 * base seed + k, k > 0, modulo 2^64 in the programs; see the evidence
 * appendix). Quadratic in the rows, so computed once per output file. */
static unsigned long base_seed(const ledger *L)
{
  unsigned long b = L->nrows ? L->rows[0].seed : 0UL;
  int best = 0;
  for (int r = 0; r < L->nrows; r++) {
    int n = 0;
    for (int q = 0; q < L->nrows; q++) n += L->rows[q].seed == L->rows[r].seed;
    if (n > best) { best = n; b = L->rows[r].seed; }
  }
  return b;
}

/* The kind column: the kind and its level; the result column: what pass or
 * failure means for that kind. */
static void evidence_row(const ledger *L, FILE *g, const ledger_row *e, int first, unsigned long base)
{
  const claim_def *c = &L->claims.v[e->claim];
  int control = e->kind == EV_CONTROL_KIND;
  ev_level lv = ev_kind_level(e->kind);
  if (first) fprintf(g, "\\hypertarget{ev:%s}{}", c->id);
  fprintf(g, "\\hyperlink{claim:%s}{", c->id); tex_id(g, c->id);
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
  tex_math(g, e->check); fprintf(g, "} (\\texttt{"); tex(g, e->program);
  if (e->seed == base) fprintf(g, "}, $N=%lu$, seed %lu, \\dmcseedbase): ", e->n, e->seed);
  else fprintf(g, "}, $N=%lu$, seed %lu, \\dmcseedderived{%lu}): ", e->n, e->seed, e->seed - base);
  tex_math(g, e->detail);
  fprintf(g, "\\\\\n");
}

/* sections.tex: each theory file with its figures; evidence.tex (the
 * appendix): one evidence table per theory file. */
static void write_sections(const ledger *L, outdir *o, const char *figures)
{
  FILE *f = out_open(o, "sections.tex");
  if (!f) return;
  FILE *ev = out_open(o, "evidence.tex");
  const unsigned long base = base_seed(L);
  for (int t = 0; t < L->claims.nfiles; t++) {
    const char *file = L->claims.files[t];
    char name[256], evname[300], abs[PATH_MAX];
    stem(file, name, sizeof name);
    snprintf(evname, sizeof evname, "evidence-%s.tex", name);
    if (!realpath(file, abs)) snprintf(abs, sizeof abs, "%s", file);
    if (figures) {   /* input by the frame right after the file's \section, so they float through it */
      char fig[PATH_MAX], figabs[PATH_MAX];
      snprintf(fig, sizeof fig, "%s/%s.tex", figures, name);
      if (realpath(fig, figabs)) fprintf(f, "\\dmcsectionfigures{%s}\n", figabs);
    }
    fprintf(f, "\\input{%s}\n", abs);
    fprintf(f, "\\clearpage\n");
    int nrows = 0;
    for (int r = 0; r < L->nrows; r++) nrows += !strcmp(L->claims.v[L->rows[r].claim].file, file);
    if (!nrows || !ev) continue;
    char *title = claims_file_title(file);
    fprintf(ev, "\\dmcneedspace{0.3\\textheight}\\subsection{%s}\n\\input{gen/%s}\n", title ? title : name, evname);
    free(title);
    FILE *g = out_open(o, evname);
    if (!g) continue;
    fprintf(g, "\\begin{longtable}{@{}>{\\raggedright}p{0.2\\textwidth}p{0.12\\textwidth}p{0.1\\textwidth}"
               ">{\\raggedright\\arraybackslash}p{0.5\\textwidth}@{}}"
               "\\toprule claim & kind & result & check and evidence\\\\\\midrule\\endhead\n");
    for (int i = 0; i < L->claims.n; i++) {
      if (strcmp(L->claims.v[i].file, file)) continue;
      int first = 1;
      for (int r = 0; r < L->nrows; r++)
        if (L->rows[r].claim == i) { evidence_row(L, g, &L->rows[r], first, base); first = 0; }
    }
    fprintf(g, "\\bottomrule\\end{longtable}\n");
    out_close(o, g);
  }
  if (ev) out_close(o, ev);
  out_close(o, f);
}

/* One library function in the accuracy figure: its points, budget and the
 * largest ULP error observed, over every program that measured it. */
typedef struct { char *name; unsigned long n; double budget, max; } acc_fn;

static int acc_add(acc_fn **fns, int *n, const char *name, unsigned long points, double budget, double max)
{
  for (int i = 0; i < *n; i++)
    if (!strcmp((*fns)[i].name, name)) {
      acc_fn *a = &(*fns)[i];
      a->n += points;
      if (budget > a->budget) a->budget = budget;
      if (max > a->max) a->max = max;
      return 0;
    }
  acc_fn *v = realloc(*fns, (size_t)(*n + 1) * sizeof *v);
  if (!v) return -1;
  *fns = v;
  v[*n] = (acc_fn){ strdup(name), points, budget, max };
  if (!v[*n].name) return -1;
  (*n)++;
  return 0;
}

/* The accuracy table as a picture: per function, the largest ULP error
 * observed (a bar) against its budget (a red tick). */
static void acc_figure(FILE *f, const acc_fn *fns, int n)
{
  if (!n) return;
  double top = 1;
  for (int i = 0; i < n; i++) top = fns[i].budget > top ? fns[i].budget : top;
  fprintf(f, "\\begin{figure}[htbp]\\centering\n\\begin{tikzpicture}\n"
             "\\begin{axis}[xbar, width=0.6\\linewidth, height=%.1fcm, xmin=0, xmax=%g, enlarge y limits=0.02,\n"
             "  bar width=5pt, y dir=reverse, ytick={0,...,%d}, yticklabel style={font=\\scriptsize},\n"
             "  xlabel={ULP error against the correctly rounded double}, xmajorgrids,\n"
             "  legend style={font=\\footnotesize, at={(0.5,1.01)}, anchor=south}, legend columns=2,\n"
             "  yticklabels={", 0.38 * n + 2.0, top + 1, n - 1);
  for (int i = 0; i < n; i++) { fputs(i ? ",{" : "{", f); tex_id(f, fns[i].name); fputs("}", f); }
  fprintf(f, "}]\n\\addplot[fill=blue!40, draw=blue!70!black] coordinates {");
  for (int i = 0; i < n; i++) fprintf(f, "(%g,%d)", fns[i].max, i);
  fprintf(f, "};\n\\addlegendentry{max observed}\n"
             "\\addplot[only marks, mark=|, mark size=4pt, red!80!black, very thick] coordinates {");
  for (int i = 0; i < n; i++) fprintf(f, "(%g,%d)", fns[i].budget, i);
  fprintf(f, "};\n\\addlegendentry{budget (tests/budgets.tsv)}\n\\end{axis}\n\\end{tikzpicture}\n"
             "\\caption{The largest ULP error observed for each function of the library, over all the points "
             "of Table~\\ref{tab:accuracy} (every program that measured it), against its budget. A bar past its "
             "red tick would be a budget violation.}\\label{fig:accuracy}\n\\end{figure}\n");
}

static void write_accuracy(outdir *o, const char *results)
{
  FILE *f = out_open(o, "accuracy.tex");
  if (!f) return;
  const char *head = "\\toprule function & N points & budget & max observed & worst input (\\%a)\\\\\\midrule";
  fprintf(f, "\\begin{longtable}{@{}p{0.24\\textwidth}rrrp{0.38\\textwidth}@{}}\\caption{ULP error of "
             "the library against the correctly rounded double.}\\label{tab:accuracy}\\\\\n"
             "%s\\endfirsthead\n%s\\endhead\n", head, head);
  char accdir[PATH_MAX];
  snprintf(accdir, sizeof accdir, "%s/accuracy", results);
  char **files;
  int na = dir_list(o->d, accdir, ".csv", &files);
  acc_fn *fns = NULL;
  int nfns = 0;
  if (na < 0) o->bad = 1;
  for (int a = 0; a < na; a++) {
    FILE *in = fopen(files[a], "r");
    if (!in) { diag_error(o->d, "cannot read %s: %s", files[a], strerror(errno)); o->bad = 1; continue; }
    csv_record rec = { 0 };
    int line = 0;
    while (csv_next(in, &rec, &line) > 0) {
      if (rec.line == 1 || rec.nfields < 10) continue;
      int over = strtod(rec.field[4], NULL) > strtod(rec.field[3], NULL);
      tex_id(f, rec.field[0]);
      fprintf(f, " & %s & %s & %s%s%s & \\texttt{\\footnotesize ", rec.field[2], rec.field[3],
              over ? "\\textcolor{red}{" : "", rec.field[4], over ? "}" : "");
      if (acc_add(&fns, &nfns, rec.field[0], strtoul(rec.field[2], NULL, 10), strtod(rec.field[3], NULL),
                  strtod(rec.field[4], NULL))) { diag_error(o->d, "out of memory"); o->bad = 1; }
      if (strtod(rec.field[4], NULL) == 0) fprintf(f, "(every point correctly rounded)");
      else tex(f, rec.field[6]);
      fprintf(f, "}\\\\\n");
    }
    csv_free(&rec);
    fclose(in);
  }
  if (na > 0) dir_list_free(files, na);
  fprintf(f, "\\bottomrule\\end{longtable}\n");
  /* the figure in its own file, input before the table: a float defined after
   * the long table would wait for the end of the section */
  FILE *g = out_open(o, "accuracy-figure.tex");
  if (g) { acc_figure(g, fns, nfns); out_close(o, g); }
  for (int i = 0; i < nfns; i++) free(fns[i].name);
  free(fns);
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
  fprintf(f, "\\begin{longtable}{@{}p{0.26\\textwidth}r>{\\raggedright\\arraybackslash}p{0.56\\textwidth}@{}}\\toprule\n"
             "function & budget (ULP) & reason\\\\\\midrule\\endhead\n");
  for (int i = 0; i < nb; i++) {
    tex_id(f, rows[i].function); fprintf(f, " & %g & ", rows[i].budget);
    tex_math(f, rows[i].reason); fprintf(f, "\\\\\n");
  }
  fprintf(f, "\\bottomrule\\end{longtable}\n");
  free(rows);
  out_close(o, f);
}

/* The reproducibility appendix: RESULTS/buildinfo.tsv (written by make) and
 * the wall time of every program (RESULTS/status/NAME.time). */
static void write_repro(const ledger *L, outdir *o, const char *results)
{
  char path[PATH_MAX], line[2048];
  snprintf(path, sizeof path, "%s/buildinfo.tsv", results);
  FILE *in = fopen(path, "r");
  if (!in) {   /* a ledger run outside make: no appendix */
    snprintf(path, sizeof path, "%s/repro.tex", o->dir);
    remove(path);
    return;
  }
  FILE *f = out_open(o, "repro.tex");
  if (!f) { fclose(in); return; }
  fprintf(f, "\\begin{longtable}{@{}l>{\\raggedright\\arraybackslash}p{0.72\\textwidth}@{}}\\toprule\n");
  while (fgets(line, sizeof line, in)) {
    line[strcspn(line, "\r\n")] = '\0';
    char *tab = strchr(line, '\t');
    if (!tab) continue;
    *tab = '\0';
    tex(f, line); fprintf(f, " & "); tex(f, tab + 1); fprintf(f, "\\\\\n");
  }
  fclose(in);
  unsigned long base = base_seed(L);
  int nderived = 0;
  for (int r = 0; r < L->nrows; r++) nderived += L->rows[r].seed != base;
  fprintf(f, "base seed & %lu (\\texttt{DMC\\_SEED}; the default is 20261125)\\\\\n"
             "derived seeds & %d of the %d evidence rows ran on a derived seed (base $+\\,k$); the "
             "rule is in Appendix~\\ref{app:evidence}, \\hyperlink{seeds}{Seeds}\\\\\n", base, nderived, L->nrows);
  fprintf(f, "\\bottomrule\\end{longtable}\n\n"
             "\\paragraph{Wall time per program} (seconds, as run by \\texttt{make check}).\n\n");
  char dir[PATH_MAX], **files;
  snprintf(dir, sizeof dir, "%s/status", results);
  int n = dir_list(o->d, dir, ".time", &files);
  if (n > 0) {
    fprintf(f, "\\begin{longtable}{@{}lr@{\\quad}lr@{\\quad}lr@{}}\\toprule "
               "program & s & program & s & program & s\\\\\\midrule\\endhead\n");
    for (int i = 0; i < n; i++) {
      FILE *t = fopen(files[i], "r");
      double secs = -1;
      if (t) { if (fscanf(t, "%lf", &secs) != 1) secs = -1; fclose(t); }
      char name[256];
      stem(files[i], name, sizeof name);
      fprintf(f, "\\texttt{"); tex(f, name);
      if (secs >= 0) fprintf(f, "} & %.1f", secs); else fprintf(f, "} & ?");
      fprintf(f, "%s", i % 3 == 2 || i == n - 1 ? "\\\\\n" : " & ");
    }
    fprintf(f, "\\bottomrule\\end{longtable}\n");
    dir_list_free(files, n);
  }
  out_close(o, f);
}

int texout_write(const ledger *L, const char *out, const char *results, const char *budgets_path,
                 const char *figures)
{
  outdir o = { out, L->d, 0 };
  FILE *f = out_open(&o, "verdicts.tex");
  if (f) {
    for (int i = 0; i < L->claims.n; i++)
    {
      const claim_def *c = &L->claims.v[i];
      fprintf(f, "\\expandafter\\def\\csname dmcv@%s\\endcsname{%s}\n", c->id,
              verdict_macro(ledger_verdict(L, i)));
      if (!c->nuses) continue;
      fprintf(f, "\\expandafter\\def\\csname dmcu@%s\\endcsname{", c->id);
      for (int u = 0; u < c->nuses; u++) {
        fprintf(f, "%s\\hyperlink{claim:%s}{", u ? ", " : "", L->claims.v[c->uses[u]].id);
        tex_id(f, L->claims.v[c->uses[u]].id);
        fprintf(f, "}");
      }
      fprintf(f, "}\n");
      int by = L->state[i].affected_by;
      if (by < 0) continue;
      fprintf(f, "\\expandafter\\def\\csname dmca@%s\\endcsname{\\hyperlink{claim:%s}{", c->id,
              L->claims.v[by].id);
      tex_id(f, L->claims.v[by].id);
      fprintf(f, "}}\n");
    }
    out_close(&o, f);
  }
  if ((f = out_open(&o, "meta.tex"))) {
    int ncontrols = 0;
    for (int r = 0; r < L->nrows; r++) ncontrols += L->rows[r].kind == EV_CONTROL_KIND;
    fprintf(f, "\\def\\dmcresults{%s}\n", results);
    fprintf(f, "\\def\\dmcseed{%lu}\n\\def\\dmcnclaims{%d}\n\\def\\dmcnrows{%d}\n\\def\\dmcncontrols{%d}\n",
            base_seed(L), L->claims.n, L->nrows, ncontrols);
    out_close(&o, f);
  }
  if ((f = out_open(&o, "summary.tex"))) { write_summary(L, f); out_close(&o, f); }
  if ((f = out_open(&o, "index.tex"))) { write_index(L, f); out_close(&o, f); }
  if ((f = out_open(&o, "errata.tex"))) {
    if (write_errata(L, f)) { diag_error(o.d, "out of memory"); o.bad = 1; }
    out_close(&o, f);
  }
  if ((f = out_open(&o, "graph.tex"))) { texgraph_write(L, f, tex_id); out_close(&o, f); }
  write_sections(L, &o, figures);
  write_accuracy(&o, results);
  write_budgets(&o, budgets_path);
  write_repro(L, &o, results);
  return o.bad ? -1 : 0;
}
