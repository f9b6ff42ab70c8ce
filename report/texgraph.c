/* texgraph.c -- see texgraph.h. */
#define _POSIX_C_SOURCE 200809L
#include "texgraph.h"

#include <stdlib.h>
#include <string.h>

static const char *fill_of(const char *verdict)
{
  if (!strcmp(verdict, "holds")) return "green!20";
  if (!strcmp(verdict, "holds-after-correction")) return "blue!20";
  if (!strcmp(verdict, "approximation")) return "orange!30";
  if (!strcmp(verdict, "fails")) return "red!30";
  return "gray!20";
}

/* The position of claim k in the picture's node list, or -1. */
static int slot(const int *nodes, int n, int k)
{
  for (int j = 0; j < n; j++) if (nodes[j] == k) return j;
  return -1;
}

static void node(const ledger *L, FILE *f, int k, int name, double x, double y, double width,
                 void (*id)(FILE *, const char *))
{
  fprintf(f, "\\node[dmcnode,fill=%s%s,text width=%.2fcm] (n%d) at (%.2f,%.2f) {\\hyperlink{claim:%s}{",
          fill_of(ledger_verdict(L, k)), L->state[k].affected_by >= 0 ? ",dmcaffected" : "", width, name, x, y,
          L->claims.v[k].id);
  id(f, L->claims.v[k].id);
  fprintf(f, "}};\n");
}

/* One picture: the claims of file that use or are used by a claim, with the
 * claims of other files they use. Returns the number of edges. */
static int picture(const ledger *L, FILE *f, const char *file, int *nodes, int *layer, int *rank, double *row,
                   void (*id)(FILE *, const char *))
{
  const claim_set *s = &L->claims;
  int n = 0, edges = 0;
  for (int i = 0; i < s->n; i++) {
    int used = 0;
    for (int j = 0; j < s->n && !used; j++)
      if (!strcmp(s->v[j].file, file))
        for (int u = 0; u < s->v[j].nuses; u++) used |= s->v[j].uses[u] == i;
    if ((!strcmp(s->v[i].file, file) && (s->v[i].nuses || used)) || used) nodes[n++] = i;
  }
  if (!n) return 0;
  /* layers: the longest path from a source within the picture (acyclic) */
  for (int j = 0; j < n; j++) layer[j] = 0;
  for (int changed = 1, round = 0; changed && round <= n; round++) {
    changed = 0;
    for (int j = 0; j < n; j++) {
      const claim_def *c = &s->v[nodes[j]];
      if (strcmp(c->file, file)) continue;   /* another file's claims are sources here */
      for (int u = 0; u < c->nuses; u++) {
        int k = slot(nodes, n, c->uses[u]);
        if (k >= 0 && layer[k] + 1 > layer[j]) { layer[j] = layer[k] + 1; changed = 1; }
      }
    }
  }
  int ncols = 0;
  for (int j = 0; j < n; j++) if (layer[j] + 1 > ncols) ncols = layer[j] + 1;
  double colw = 17.0 / ncols < 4.4 ? 17.0 / ncols : 4.4;
  fprintf(f, "\\begin{center}\\begin{tikzpicture}[x=1cm,y=1cm]\n");
  for (int col = 0; col < ncols; col++) {
    /* rows: sources in file order; others by the mean row of what they use */
    int count = 0;
    for (int j = 0; j < n; j++) {
      if (layer[j] != col) continue;
      double sum = 0;
      int m = 0;
      const claim_def *c = &s->v[nodes[j]];
      for (int u = 0; col && u < c->nuses; u++) {
        int k = slot(nodes, n, c->uses[u]);
        if (k >= 0) { sum += row[k]; m++; }
      }
      row[j] = m ? sum / m + 1e-3 * count : count;
      count++;
    }
    /* spread the column: rank by the provisional row */
    for (int j = 0; j < n; j++) {
      if (layer[j] != col) continue;
      rank[j] = 0;
      for (int k = 0; k < n; k++) rank[j] += layer[k] == col && (row[k] < row[j] || (row[k] == row[j] && k < j));
    }
    /* stack the column top-down in rank order; a node's height follows the
       lines its id needs at this width (scriptsize typewriter, 0.13 cm a character) */
    double y = 0;
    for (int r = 0; r < count; r++)
      for (int j = 0; j < n; j++) {
        if (layer[j] != col || rank[j] != r) continue;
        double width = colw - 0.8;
        int lines = (int)(strlen(s->v[nodes[j]].id) * 0.13 / width) + 1;
        double h = 0.3 * lines + 0.25;
        row[j] = r;
        node(L, f, nodes[j], j, col * colw + colw / 2, y - h / 2, width, id);
        y -= h + 0.3;
      }
  }
  fprintf(f, "\\begin{pgfonlayer}{dmcbg}\n");   /* the arrows pass behind the nodes */
  for (int j = 0; j < n; j++) {
    const claim_def *c = &s->v[nodes[j]];
    if (strcmp(c->file, file)) continue;
    for (int u = 0; u < c->nuses; u++) {
      int k = slot(nodes, n, c->uses[u]);
      if (k < 0) continue;
      fprintf(f, "\\draw[dmcedge] (n%d.east) to[out=0,in=180] (n%d.west);\n", k, j);
      edges++;
    }
  }
  fprintf(f, "\\end{pgfonlayer}\n\\end{tikzpicture}\\end{center}\n");
  return edges;
}

int texgraph_write(const ledger *L, FILE *f, void (*id)(FILE *, const char *))
{
  const claim_set *s = &L->claims;
  size_t cap = (size_t)s->n + 1;
  int *nodes = malloc(cap * sizeof *nodes), *layer = malloc(cap * sizeof *layer), *rank = malloc(cap * sizeof *rank);
  double *row = malloc(cap * sizeof *row);
  int edges = 0, affected = 0;
  if (!nodes || !layer || !rank || !row) { free(nodes); free(layer); free(rank); free(row); return 0; }
  for (int i = 0; i < s->n; i++) { affected += L->state[i].affected_by >= 0; edges += s->v[i].nuses; }
  fprintf(f, "The claims declare %d uses of other claims (\\texttt{\\textbackslash uses} in the theory files). "
             "Each picture shows the claims of one section that use or are used by another claim, with the claims "
             "of other sections they use; an arrow points from a claim to a claim that uses it, and a claim's "
             "column is the length of the longest chain of uses that leads to it. %d claims are "
             "\\emph{affected}: they use, directly or through other claims, a claim that holds only after "
             "correction or fails.\n\n\\dmcgraphlegend\n", edges, affected);
  edges = 0;
  for (int t = 0; t < s->nfiles; t++) {
    const char *file = s->files[t];
    int any = 0;
    for (int i = 0; i < s->n; i++) any |= !strcmp(s->v[i].file, file) && s->v[i].nuses;
    if (!any) continue;
    char *title = claims_file_title(file);
    fprintf(f, "\\subsection{%s}\n", title ? title : file);
    free(title);
    edges += picture(L, f, file, nodes, layer, rank, row, id);
  }
  free(nodes); free(layer); free(rank); free(row);
  return edges;
}
