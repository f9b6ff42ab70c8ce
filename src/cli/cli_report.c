/* cli_report.c -- the reports of `dmcheck verify`: text, JSON and JUnit XML. */
#include "cli_verify.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int cli_decade_bin(double ref)
{
  if (ref == 0) return 0;
  if (!isfinite(ref)) return CLI_DEC_N - 1;
  int k = (int)floor(log10(fabs(ref))) + CLI_DEC_OFF;
  return k < 1 ? 1 : k > CLI_DEC_N - 2 ? CLI_DEC_N - 2 : k;
}

static void put_decade_line(FILE *f, int lo, int hi, unsigned long n, unsigned long over, double mx)
{
  char range[64];
  if (lo == 0) snprintf(range, sizeof range, "0");
  else if (lo == CLI_DEC_N - 1) snprintf(range, sizeof range, "inf or nan");
  else snprintf(range, sizeof range, "[1e%d, 1e%d)", lo - CLI_DEC_OFF, hi + 1 - CLI_DEC_OFF);
  fprintf(f, "    %-24s %7lu %6lu %9.4g\n", range, n, over, mx);
}

/* Rows, rows over budget and max ULP by decade of |correct value|. Decades
 * with rows over budget get a line each (grouped when there are more than
 * 24 of them); the decades between them are merged into one line. */
static void put_decades(FILE *f, const cli_verify_result *r, int i)
{
  const cli_out_stats *o = &r->out[i];
  int failing = 0;
  for (int k = 1; k < CLI_DEC_N - 1; k++) failing += o->dec_over[k] > 0;
  int width = failing > 24 ? (failing + 23) / 24 : 1;
  fprintf(f, "  by decade of the correct |%s|:\n    %-24s %7s %6s %9s\n", r->suite->output_names[i],
          "range", "rows", "over", "max_ulp");
  if (o->dec_n[0]) put_decade_line(f, 0, 0, o->dec_n[0], o->dec_over[0], o->dec_max[0]);
  int lo = -1, hi = -1, in_group = 0, group_fail = 0;
  unsigned long n = 0, over = 0;
  double mx = 0;
  for (int k = 1; k < CLI_DEC_N - 1; k++) {
    if (!o->dec_n[k]) continue;
    int fails = o->dec_over[k] > 0;
    /* close the current line when a passing run meets a failing decade, or
     * a failing group is full or meets a passing decade */
    if (lo >= 0 && (fails != group_fail || (fails && in_group == width))) {
      put_decade_line(f, lo, hi, n, over, mx);
      lo = -1;
    }
    if (lo < 0) { lo = k; n = over = 0; mx = 0; in_group = 0; group_fail = fails; }
    hi = k;
    n += o->dec_n[k];
    over += o->dec_over[k];
    if (o->dec_max[k] > mx) mx = o->dec_max[k];
    in_group += fails;
  }
  if (lo >= 0) put_decade_line(f, lo, hi, n, over, mx);
  if (o->dec_n[CLI_DEC_N - 1])
    put_decade_line(f, CLI_DEC_N - 1, CLI_DEC_N - 1, o->dec_n[CLI_DEC_N - 1], o->dec_over[CLI_DEC_N - 1],
                    o->dec_max[CLI_DEC_N - 1]);
}

int cli_verify_pass(const cli_verify_result *r)
{
  for (int i = 0; i < r->suite->noutputs; i++)
    if (r->present[i] && r->out[i].over) return 0;
  return 1;
}

static double mean_ulp(const cli_out_stats *o)
{
  unsigned long finite = o->n - o->nan_mismatch;
  return finite ? (ldexp((double)o->sum_hi, 32) + (double)o->sum_lo) / (double)finite : 0.0;
}

/* %a, but nan/inf spelled the same on every libc */
static void put_hex(FILE *f, double x)
{
  if (isnan(x)) fputs("nan", f);
  else if (isinf(x)) fputs(x < 0 ? "-inf" : "inf", f);
  else fprintf(f, "%a", x);
}

static void put_num(FILE *f, double x, const char *fmt)
{
  if (isnan(x)) fputs("nan", f);
  else if (isinf(x)) fputs(x < 0 ? "-inf" : "inf", f);
  else fprintf(f, fmt, x);
}

static void put_inputs(FILE *f, const cli_verify_result *r, const cli_worst *w)
{
  for (int i = 0; i < r->suite->ninputs; i++) {
    fprintf(f, "%s%s=", i ? " " : "", r->suite->input_names[i]);
    put_num(f, w->in[i], "%.17g");
  }
}

static void put_row_text(FILE *f, const cli_verify_result *r, const cli_worst *w)
{
  fprintf(f, "    %s %ld", r->row_word, w->line);
  if (w->id >= 0) fprintf(f, " (id %ld)", w->id);
  fputs(": ", f);
  put_inputs(f, r, w);
  fputs("\n      candidate ", f);
  put_num(f, w->cand, "%.9g");
  fputs(" (", f); put_hex(f, w->cand);
  fprintf(f, "), correctly rounded %s ", r->fmt->name);
  put_num(f, w->ref_fmt, "%.9g");
  fputs(" (", f); put_hex(f, w->ref_fmt);
  fputs("), error ", f);
  put_num(f, w->ulp, "%.0f");
  fputs(" ULP, relative ", f);
  put_num(f, w->rel, "%.3g");
  fputc('\n', f);
}

void cli_report_text(FILE *f, const cli_verify_result *r)
{
  const dmc_suite *s = r->suite;
  fprintf(f, "dmcheck verify: suite %s, candidate %s, %lu rows, dtype %s, budget %g ULP\n",
          s->name, r->candidate, r->rows, r->fmt->name, r->budget);
  for (int i = 0; i < s->noutputs; i++)
    if (r->present[i] && r->budgets[i] != r->budget) fprintf(f, "budget of %s: %g ULP\n", s->output_names[i], r->budgets[i]);
  for (int e = 0; e < r->nexcl; e++)
    fprintf(f, "excluded: data rows %zu-%zu (from 0; %lu rows, not verified): %s\n", r->excl[e].lo, r->excl[e].hi,
            r->excl[e].n, r->excl[e].reason);
  if (r->abs_tol > 0) fprintf(f, "absolute tolerance: a row within %g of the reference passes at any ULP error\n", r->abs_tol);
  fprintf(f, "reference: %s", r->source);
  if (r->live) fprintf(f, "; %lu rows evaluated live with MPFR", r->live);
  if (r->unproved) fprintf(f, "; %lu rows skipped (rounding not proved)", r->unproved);
  int w = 6;
  for (int i = 0; i < s->noutputs; i++)
    if (r->present[i] && (int)strlen(s->output_names[i]) > w) w = (int)strlen(s->output_names[i]);
  fprintf(f, "\n\n%-*s %9s %12s %10s %11s %12s %8s %8s\n", w, "output", "rows", "max_ulp", "mean_ulp",
          "over_budget", "max_rel_err", "nan_mism", "sign_err");
  for (int i = 0; i < s->noutputs; i++) {
    if (!r->present[i]) continue;
    const cli_out_stats *o = &r->out[i];
    fprintf(f, "%-*s %9lu %12.4g %10.3g %11lu %12.3g %8lu %8lu\n", w, s->output_names[i], o->n,
            o->max_ulp, mean_ulp(o), o->over, o->max_rel, o->nan_mismatch, o->sign_flip);
  }
  for (int i = 0; i < s->noutputs; i++) {
    if (!r->present[i] || r->out[i].max_ulp == 0) continue;
    const cli_out_stats *o = &r->out[i];
    fprintf(f, "\n%s: worst rows by ULP error (%s)\n", s->output_names[i], r->fmt->name);
    for (int w = 0; w < o->nworst && w < r->worst_k; w++) put_row_text(f, r, &o->worst[w]);
    if (o->over) {
      fprintf(f, "  %lu of %lu rows over %g ULP; their inputs span:", o->over, o->n, r->budgets[i]);
      for (int k = 0; k < s->ninputs; k++) {
        fprintf(f, " %s in [", s->input_names[k]);
        put_num(f, o->over_lo[k], "%.6g");
        fputs(", ", f);
        put_num(f, o->over_hi[k], "%.6g");
        fputc(']', f);
      }
      fprintf(f, "; the correct %s in [", s->output_names[i]);
      put_num(f, o->over_ref_lo, "%.6g");
      fputs(", ", f);
      put_num(f, o->over_ref_hi, "%.6g");
      fputs("]\n", f);
      put_decades(f, r, i);
    }
  }
  fprintf(f, "\n%s\n", cli_verify_pass(r) ? "PASS: every output within the budget"
                                           : "FAIL: outputs over the budget (exit status 1)");
}

static void json_num(FILE *f, double x)
{
  if (isfinite(x)) fprintf(f, "%.17g", x);
  else fputs("null", f);
}

static void json_str_hex(FILE *f, double x)
{
  fputc('"', f); put_hex(f, x); fputc('"', f);
}

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 if the bytes there
 * are not one (overlong, surrogate, beyond U+10FFFF, truncated). */
static int utf8_len(const unsigned char *s)
{
  unsigned c = s[0];
  int n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
  if (n <= 1) return n;
  unsigned cp = c & (0x7fu >> n);
  for (int i = 1; i < n; i++) {
    if ((s[i] & 0xc0) != 0x80) return 0;
    cp = cp << 6 | (s[i] & 0x3fu);
  }
  static const unsigned min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
  if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

/* Text from outside (file names) as a JSON string body or XML attribute
 * text: valid UTF-8 passes through; control characters are escaped (JSON)
 * or written as character references where XML 1.0 allows them and as
 * U+FFFD where it does not; bytes that are not UTF-8 become U+FFFD. */
static void put_escaped(FILE *f, const char *text, int xml)
{
  for (const unsigned char *s = (const unsigned char *)text; *s;) {
    unsigned ch = *s;
    int n = utf8_len(s);
    if (!n) { fputs("\xef\xbf\xbd", f); s++; continue; }
    if (n > 1) { fwrite(s, 1, (size_t)n, f); s += n; continue; }
    s++;
    if (xml) {
      if (ch == '<') fputs("&lt;", f);
      else if (ch == '>') fputs("&gt;", f);
      else if (ch == '&') fputs("&amp;", f);
      else if (ch == '"') fputs("&quot;", f);
      else if (ch == '\t' || ch == '\n' || ch == '\r') fprintf(f, "&#%u;", ch);
      else if (ch < 0x20) fputs("\xef\xbf\xbd", f);
      else fputc((int)ch, f);
    } else {
      if (ch == '"' || ch == '\\') fprintf(f, "\\%c", ch);
      else if (ch < 0x20 || ch == 0x7f) fprintf(f, "\\u%04x", ch);
      else fputc((int)ch, f);
    }
  }
}

void cli_json_str(FILE *f, const char *s)
{
  fputc('"', f);
  put_escaped(f, s, 0);
  fputc('"', f);
}

void cli_report_json(FILE *f, const cli_verify_result *r)
{
  const dmc_suite *s = r->suite;
  fputs("{\"suite\": ", f); cli_json_str(f, s->name);
  fputs(", \"candidate\": ", f); cli_json_str(f, r->candidate);
  fputs(", \"reference_source\": ", f); cli_json_str(f, r->source);
  fprintf(f, ", \"dtype\": \"%s\", \"budget_ulp\": ", r->fmt->name);
  json_num(f, r->budget);
  fputs(", \"excluded\": [", f);
  for (int e = 0; e < r->nexcl; e++) {
    fprintf(f, "%s{\"first\": %zu, \"last\": %zu, \"rows\": %lu, \"reason\": ", e ? ", " : "", r->excl[e].lo,
            r->excl[e].hi, r->excl[e].n);
    cli_json_str(f, r->excl[e].reason);
    fputc('}', f);
  }
  fputs("], \"abs_tol\": ", f); json_num(f, r->abs_tol);
  fprintf(f, ", \"rows\": %lu, \"live_rows\": %lu, \"unproved_rows\": %lu, \"pass\": %s,\n \"outputs\": [",
          r->rows, r->live, r->unproved, cli_verify_pass(r) ? "true" : "false");
  int first = 1;
  for (int i = 0; i < s->noutputs; i++) {
    if (!r->present[i]) continue;
    const cli_out_stats *o = &r->out[i];
    fprintf(f, "%s\n  {\"name\": \"%s\", \"rows\": %lu, \"max_ulp\": ", first ? "" : ",", s->output_names[i], o->n);
    first = 0;
    json_num(f, o->max_ulp);
    fputs(", \"budget_ulp\": ", f); json_num(f, r->budgets[i]);
    fputs(", \"mean_ulp\": ", f); json_num(f, mean_ulp(o));
    fprintf(f, ", \"over_budget\": %lu, \"nan_mismatch\": %lu, \"sign_errors\": %lu, \"max_rel_err\": ",
            o->over, o->nan_mismatch, o->sign_flip);
    json_num(f, o->max_rel);
    fputs(", \"worst\": [", f);
    for (int w = 0; w < o->nworst && w < r->worst_k; w++) {
      const cli_worst *x = &o->worst[w];
      fprintf(f, "%s\n    {\"line\": %ld, \"id\": ", w ? "," : "", x->line);
      if (x->id >= 0) fprintf(f, "%ld", x->id); else fputs("null", f);
      fputs(", \"inputs\": {", f);
      for (int k = 0; k < s->ninputs; k++) {
        fprintf(f, "%s\"%s\": ", k ? ", " : "", s->input_names[k]);
        json_str_hex(f, x->in[k]);
      }
      fputs("}, \"candidate\": ", f); json_str_hex(f, x->cand);
      fputs(", \"reference\": ", f); json_str_hex(f, x->ref);
      fputs(", \"reference_in_dtype\": ", f); json_str_hex(f, x->ref_fmt);
      fputs(", \"ulp\": ", f); json_num(f, x->ulp);
      fputs(", \"rel_err\": ", f); json_num(f, x->rel);
      fputc('}', f);
    }
    fputs("]", f);
    if (o->over) {
      fputs(",\n   \"over_budget_inputs\": {", f);
      for (int k = 0; k < s->ninputs; k++) {
        fprintf(f, "%s\"%s\": [", k ? ", " : "", s->input_names[k]);
        json_str_hex(f, o->over_lo[k]);
        fputs(", ", f);
        json_str_hex(f, o->over_hi[k]);
        fputc(']', f);
      }
      fputs("}, \"over_budget_reference\": [", f);
      json_str_hex(f, o->over_ref_lo);
      fputs(", ", f);
      json_str_hex(f, o->over_ref_hi);
      fputc(']', f);
    }
    fputs(",\n   \"by_decade\": [", f);
    int first_bin = 1;
    for (int k = 0; k < CLI_DEC_N; k++) {
      if (!o->dec_n[k]) continue;
      fprintf(f, "%s{\"decade\": ", first_bin ? "" : ", ");
      first_bin = 0;
      if (k == 0) fputs("\"zero\"", f);
      else if (k == CLI_DEC_N - 1) fputs("\"nonfinite\"", f);
      else fprintf(f, "%d", k - CLI_DEC_OFF);
      fprintf(f, ", \"rows\": %lu, \"over\": %lu, \"max_ulp\": ", o->dec_n[k], o->dec_over[k]);
      json_num(f, o->dec_max[k]);
      fputc('}', f);
    }
    fputs("]}", f);
  }
  fputs("\n ]}\n", f);
}

void cli_report_junit(FILE *f, const cli_verify_result *r)
{
  const dmc_suite *s = r->suite;
  int tests = 0, failures = 0;
  for (int i = 0; i < s->noutputs; i++)
    if (r->present[i]) { tests++; failures += r->out[i].over > 0; }
  fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
             "<testsuite name=\"dmcheck verify %s\" tests=\"%d\" failures=\"%d\" errors=\"0\">\n",
          s->name, tests, failures);
  for (int i = 0; i < s->noutputs; i++) {
    if (!r->present[i]) continue;
    const cli_out_stats *o = &r->out[i];
    fprintf(f, "  <testcase classname=\"dmcheck.verify.%s\" name=\"%s (", s->name, s->output_names[i]);
    put_escaped(f, r->candidate, 1);
    fprintf(f, ", %s, budget %g ULP)\">\n", r->fmt->name, r->budgets[i]);
    if (o->over) {
      fprintf(f, "    <failure message=\"%lu of %lu rows over %g ULP; max %.0f ULP, max relative error %.3g\">",
              o->over, o->n, r->budgets[i], o->max_ulp, o->max_rel);
      for (int w = 0; w < o->nworst && w < r->worst_k; w++) {
        const cli_worst *x = &o->worst[w];
        fprintf(f, "\n%s %ld:", r->row_word, x->line);
        for (int k = 0; k < s->ninputs; k++) fprintf(f, " %s=%.17g", s->input_names[k], x->in[k]);
        fprintf(f, " candidate %.9g reference %.9g: %.0f ULP", x->cand, x->ref_fmt, x->ulp);
      }
      fputs("\n    </failure>\n", f);
    }
    fputs("  </testcase>\n", f);
  }
  fputs("</testsuite>\n</testsuites>\n", f);
}
