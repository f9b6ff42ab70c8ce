/* dmv_plot.c -- a picture of a verification's error as SVG (dmcverify.h's
 * dmv_result_svg; `dmcheck verify --plot FILE.svg`): per output, each row's
 * ULP error against its row number, the budget line and the baseline. */
#define _GNU_SOURCE
#include "cli_verify.h"
#include "dmcverify.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define W 820.0
#define PANEL_H 280.0
#define LEFT 70.0
#define RIGHT 20.0
#define TOP 40.0     /* of each panel: title and the NaN band */
#define BOTTOM 40.0

/* The vertical position of an error: log10(1 + ulp) scaled to the panel. */
typedef struct { double y0, h, decades; } yscale;

static double ypos(const yscale *s, double ulp)
{
  if (isinf(ulp)) return s->y0 + TOP - 14;
  return s->y0 + TOP + s->h - s->h * log10(1 + ulp) / s->decades;
}

static double xpos(size_t k, size_t n)
{
  return LEFT + (W - LEFT - RIGHT) * (n > 1 ? (double)k / (double)(n - 1) : 0.5);
}

static void axes(FILE *f, const yscale *s, size_t n, const char *title)
{
  double bottom = s->y0 + TOP + s->h;
  fprintf(f, "<text x=\"%g\" y=\"%g\" font-size=\"13\">%s</text>\n", LEFT, s->y0 + 16, title);
  fprintf(f, "<text x=\"%g\" y=\"%g\" font-size=\"10\" text-anchor=\"end\">NaN/Inf</text>\n", LEFT - 6,
          s->y0 + TOP - 11);
  fprintf(f, "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"none\" stroke=\"#444\"/>\n", LEFT,
          s->y0 + TOP, W - LEFT - RIGHT, s->h);
  for (int d = 0; d <= (int)s->decades; d++) {  /* gridlines at 0, 10, 100, ... ULP */
    double u = d ? pow(10, d) : 0, y = ypos(s, u);
    fprintf(f, "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", LEFT, y, W - RIGHT, y);
    fprintf(f, "<text x=\"%g\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%g</text>\n", LEFT - 6, y + 3, u);
  }
  for (int i = 0; i <= 4; i++) {
    size_t k = n > 1 ? (size_t)((double)(n - 1) * i / 4) : 0;
    fprintf(f, "<text x=\"%g\" y=\"%g\" font-size=\"10\" text-anchor=\"middle\">%zu</text>\n", xpos(k, n),
            bottom + 14, k);
  }
  fprintf(f, "<text x=\"%g\" y=\"%g\" font-size=\"11\" text-anchor=\"middle\">row</text>\n", (LEFT + W - RIGHT) / 2,
          bottom + 30);
  fprintf(f, "<text x=\"14\" y=\"%g\" font-size=\"11\" transform=\"rotate(-90 14 %g)\" text-anchor=\"middle\">"
             "ULP error</text>\n", s->y0 + TOP + s->h / 2, s->y0 + TOP + s->h / 2);
}

static void points(FILE *f, const yscale *s, const double *ulp, size_t stride, size_t n, const unsigned char *flag,
                   const char *fill, const char *over_fill, double radius)
{
  for (size_t k = 0; k < n; k++) {
    double u = ulp[k * stride];
    if (isnan(u)) continue;
    int over = flag && (flag[k * stride] & CLI_ROW_OVER);
    fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%g\" fill=\"%s\"/>\n", xpos(k, n), ypos(s, u), radius,
            over ? over_fill : fill);
  }
}

char *dmv_result_svg(const dmv_result *r, const char *baseline, char *err, size_t errlen)
{
  int pres[DMC_SUITE_MAX_COLS], np = 0;
  for (int i = 0; i < r->suite->noutputs; i++) if (r->present[i]) pres[np++] = i;
  size_t n = r->nseen;
  double *base = NULL;
  if (baseline && !(base = malloc((n ? n : 1) * (size_t)np * sizeof *base))) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  for (int j = 0; baseline && j < np; j++)
    if (dmv_baseline_ulps(baseline, r->suite->output_names[pres[j]], n, base + (size_t)j * n, err, errlen)) {
      free(base);
      return NULL;
    }
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) { free(base); snprintf(err, errlen, "out of memory"); return NULL; }
  fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" font-family=\"sans-serif\">\n"
             "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", W, PANEL_H * np + 20);
  for (int j = 0; j < np; j++) {
    int i = pres[j];
    const cli_out_stats *o = &r->out[i];
    double top = r->budgets[i];
    for (size_t k = 0; k < n; k++) {
      double u = r->row_ulp[k * (size_t)np + (size_t)j];
      if (u > top && !isinf(u)) top = u;
      if (base && base[(size_t)j * n + k] > top && !isinf(base[(size_t)j * n + k])) top = base[(size_t)j * n + k];
    }
    yscale s = { PANEL_H * j, PANEL_H - TOP - BOTTOM, fmax(1, ceil(log10(1 + top))) + 0.01 };
    char title[512];
    snprintf(title, sizeof title, "%s %s: ULP error in %s, max %g, %lu of %zu rows over budget %g%s", r->suite->name,
             r->suite->output_names[i], r->fmt->name, o->max_ulp, o->over, n, r->budgets[i],
             base ? " (grey: baseline)" : "");
    axes(f, &s, n, title);
    if (base) points(f, &s, base + (size_t)j * n, 1, n, NULL, "#aaaaaa", "#aaaaaa", 2.5);
    points(f, &s, r->row_ulp + j, (size_t)np, n, r->row_flag + j, "#1f77b4", "#d62728", 1.6);
    double yb = ypos(&s, r->budgets[i]);
    fprintf(f, "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"#ff7f0e\" stroke-dasharray=\"6 4\"/>\n"
               "<text x=\"%g\" y=\"%.1f\" font-size=\"10\" fill=\"#ff7f0e\" text-anchor=\"end\">budget %g</text>\n",
            LEFT, yb, W - RIGHT, yb, W - RIGHT - 4, yb - 4, r->budgets[i]);
  }
  fputs("</svg>\n", f);
  free(base);
  if (fclose(f)) { free(buf); snprintf(err, errlen, "out of memory"); return NULL; }
  return buf;
}
