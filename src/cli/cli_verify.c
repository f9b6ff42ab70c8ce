/* cli_verify.c -- `dmcheck verify SUITE CANDIDATE.csv`: measures a candidate's
 * outputs against a suite's correctly rounded values, in ULPs of the
 * candidate's own floating-point format and as relative errors. */
#define _POSIX_C_SOURCE 200809L
#include "cli_verify.h"
#include "dmcverify.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *f)
{
  fprintf(f,
    "usage: dmcheck verify SUITE CANDIDATE.csv [--dtype float64|float32|float16|bfloat16]\n"
    "                      [--budget-ulp N|OUT=N,...] [--abs-tol A] [--format text|json|junit]\n"
    "                      [-o REPORT]\n"
    "                      [--worst K] [--vectors DIR] [--live]\n"
    "                      [--save-baseline FILE] [--baseline FILE [--baseline-strict M]\n"
    "                      [--update-baseline]] [--plot FILE.svg]\n"
    "                      [--threads N] [--shard I/N] [--max-bytes N]\n"
    "Compares the candidate's output columns with the suite's correctly rounded values.\n"
    "The candidate is a CSV with a header line ('#' comment lines allowed). Columns:\n"
    "  id                  suite row numbers (from 0), or\n"
    "  the suite's inputs  (NAME or NAME_hex): evaluated live with MPFR unless they\n"
    "                      equal the stored row's inputs, or\n"
    "  neither             data row k is suite row k;\n"
    "  outputs             any subset of the suite's outputs (NAME or NAME_hex).\n"
    "CANDIDATE may also be a NumPy file: FILE.npz (numpy.savez of named 1-D arrays)\n"
    "or FILE.npy (a 1-D structured array, one field per column); little-endian\n"
    "float, int, uint and bool; compressed .npz is refused.\n"
    "Numbers in decimal or C99 hex; nan and inf allowed (overflowing literals are\n"
    "errors). CANDIDATE '-' is stdin. A CSV is read a window at a time: memory\n"
    "does not grow with its length. Live rows must lie in the cost-bounded\n"
    "domain (T <= %d for the schedule suites, |x| <= 40 for normal_cdf; README).\n"
    "Errors are in ULPs of --dtype (default float64): the candidate's value and the\n"
    "correctly rounded reference are both rounded to that format (a reference that\n"
    "lies exactly halfway accepts either neighbour), and relative to the reference.\n"
    "  --budget-ulp N   largest acceptable ULP error (default 1: faithful rounding);\n"
    "                   OUT=N,OUT=N,... sets it per output (a bare N: the others')\n"
    "  --abs-tol A      a row also passes when |candidate - reference| <= A, whatever\n"
    "                   its ULP error (for values near zero; default 0: none)\n"
    "  --format F       report as text (default), json or junit XML\n"
    "  -o REPORT        write the report to REPORT (replaced when complete; not an\n"
    "                   input, a symlink or a special file) instead of stdout\n"
    "  --exclude ROWS:REASON  leave out data row ROWS (from 0) or rows A-B, for the\n"
    "                   stated reason (repeatable; the report lists them)\n"
    "  --rows-out FILE  write every row's error as CSV (row, id, inputs, then per\n"
    "                   output OUT, OUT_ref, OUT_ulp, OUT_over; excluded)\n"
    "  --worst K        rows to show per output (default 5, at most %d)\n"
    "  --vectors DIR    stored vectors (default $DMC_VECTORS, else PREFIX/share/dmcheck/\n"
    "                   vectors of the installed program, else the source tree's);\n"
    "                   a missing DIR is an error, a missing file is computed now\n"
    "  --live           ignore stored vectors: compute every reference value now\n"
    "  --save-baseline FILE  write every row's ULP error, stamped with the suite,\n"
    "                   vectors, dtype and rows, as a baseline (README \"Baselines\")\n"
    "  --baseline FILE  judge against a baseline instead of the budget: exit 1 only\n"
    "                   on a regression (an output's max ULP grows; a row goes over\n"
    "                   budget or gets a new NaN/Inf mismatch or sign error)\n"
    "  --baseline-strict M  also a regression: a row's ULP error grows by more than M\n"
    "  --update-baseline  rewrite the --baseline FILE when this run improved on it\n"
    "                   (never when it regressed)\n"
    "  --plot FILE.svg  draw each output's per-row ULP error, the budget line and\n"
    "                   the --baseline's errors as SVG (PDF: Python's result.plot)\n"
    "                   (the baseline options and --plot keep every row's error in\n"
    "                   memory: 9 bytes per row and output)\n"
    "  --threads N      threads that parse the candidate and evaluate live rows\n"
    "                   (default: every online CPU; the report is the same for every N)\n"
    "  --shard I/N      verify only the data rows r with r mod N = I (0 <= I < N) and\n"
    "                   write a shard report (with --format json); 'dmcheck merge' of\n"
    "                   the N shard reports is the report of the whole run\n"
    "  --max-bytes N    refuse a candidate CSV longer than N bytes (default 2^40)\n"
    "Exit status: 0 within budget (with --baseline: no regression), 1 over budget\n"
    "(regression), 2 bad input (one line FILE:LINE:COL: message on stderr).\n", CLI_LIVE_T_MAX, CLI_WORST_MAX);
}

typedef struct {
  const char *suite, *candidate, *format, *output, *rows_out, *save_baseline, *baseline, *plot;
  double strict;                        /* --baseline-strict margin, NaN: off */
  int update_baseline;
  dmv_options v;
  cli_verify_result how;                /* threads, shard, nshards, max_bytes, keep_rows */
  int sharded;                          /* --shard given */
  double budgets[DMC_SUITE_MAX_COLS];
  const char *budget_spec;
  const char *exclude[DMV_EXCLUDE_MAX];
} options;

/* --budget-ulp N or NAME=N,NAME=N,... (other outputs: 1, or a bare N in the list) */
static int parse_budgets(options *o, const dmc_suite *s)
{
  for (int i = 0; i < DMC_SUITE_MAX_COLS; i++) o->budgets[i] = NAN;
  if (!o->budget_spec) return 0;
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", o->budget_spec);
  char *save = NULL;
  for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(item, '=');
    const char *num = eq ? eq + 1 : item;
    double v;
    if (cli_parse_option("dmcheck verify", "--budget-ulp", num, &v)) return -1;
    if (!(v >= 0)) { fprintf(stderr, "dmcheck verify: bad value '%s' for --budget-ulp\n", num); return -1; }
    if (!eq) { o->v.budget_ulp = v; continue; }
    *eq = 0;
    int k = -1;
    for (int i = 0; i < s->noutputs; i++) if (!strcmp(item, s->output_names[i])) k = i;
    if (k < 0) { fprintf(stderr, "dmcheck verify: --budget-ulp: suite %s has no output '%s'\n", s->name, item); return -1; }
    o->budgets[k] = v;
  }
  o->v.budgets = o->budgets;
  return 0;
}

/* a whole number from 1 to max for --threads or --max-bytes */
static int parse_count(const char *opt, const char *v, double max, double *out)
{
  if (cli_parse_option("dmcheck verify", opt, v, out)) return -1;
  if (!(*out >= 1 && *out <= max && *out == floor(*out))) {
    fprintf(stderr, "dmcheck verify: bad value '%s' for %s (a whole number from 1 to %.0f)\n", v, opt, max);
    return -1;
  }
  return 0;
}

static int parse_options(int argc, char **argv, options *o)
{
  memset(o, 0, sizeof *o);
  o->strict = NAN;
  o->how.nshards = 1;
  dmv_options_init(&o->v);
  o->format = "text";
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char **slot = !strcmp(a, "--dtype") ? &o->v.dtype : !strcmp(a, "--format") ? &o->format
                      : !strcmp(a, "-o") || !strcmp(a, "--output") ? &o->output
                      : !strcmp(a, "--vectors") ? &o->v.vectors : !strcmp(a, "--budget-ulp") ? &o->budget_spec
                      : !strcmp(a, "--rows-out") ? &o->rows_out : !strcmp(a, "--save-baseline") ? &o->save_baseline
                      : !strcmp(a, "--baseline") ? &o->baseline : !strcmp(a, "--plot") ? &o->plot : NULL;
    if (!strcmp(a, "--shard") || !strcmp(a, "--threads") || !strcmp(a, "--max-bytes")) {
      if (++i >= argc) { fprintf(stderr, "dmcheck verify: %s needs a value\n", a); return -1; }
      double v;
      int threads = !strcmp(a, "--threads");
      if (!strcmp(a, "--shard")) {
        if (cli_parse_shard("dmcheck verify", argv[i], &o->how.shard, &o->how.nshards)) return -1;
        o->sharded = 1;
      }
      else if (parse_count(a, argv[i], threads ? DMC_MAX_THREADS : 0x1p62, &v)) return -1;
      else if (threads) o->how.threads = (unsigned)v;
      else o->how.max_bytes = (size_t)v;
      continue;
    }
    if (!strcmp(a, "--baseline-strict")) {
      if (++i >= argc) { fprintf(stderr, "dmcheck verify: %s needs a value\n", a); return -1; }
      if (cli_parse_option("dmcheck verify", a, argv[i], &o->strict)) return -1;
      if (!(o->strict >= 0)) { fprintf(stderr, "dmcheck verify: bad value '%s' for %s\n", argv[i], a); return -1; }
      continue;
    }
    if (slot || !strcmp(a, "--abs-tol") || !strcmp(a, "--worst")) {
      if (++i >= argc) { fprintf(stderr, "dmcheck verify: %s needs a value\n", a); return -1; }
      if (slot) { *slot = argv[i]; continue; }
      double v;
      if (cli_parse_option("dmcheck verify", a, argv[i], &v)) return -1;
      if (!(v >= 0) || (!strcmp(a, "--worst") && (v != floor(v) || v > CLI_WORST_MAX))) {
        fprintf(stderr, "dmcheck verify: bad value '%s' for %s\n", argv[i], a);
        return -1;
      }
      if (!strcmp(a, "--worst")) o->v.worst = (int)v; else o->v.abs_tol = v;
    } else if (!strcmp(a, "--exclude")) {
      if (++i >= argc) { fprintf(stderr, "dmcheck verify: --exclude needs ROWS:REASON\n"); return -1; }
      if (o->v.nexclude == DMV_EXCLUDE_MAX) { fprintf(stderr, "dmcheck verify: more than %d --exclude\n", DMV_EXCLUDE_MAX); return -1; }
      o->exclude[o->v.nexclude++] = argv[i];
      o->v.exclude = o->exclude;
    } else if (!strcmp(a, "--live")) {
      o->v.live = 1;
    } else if (!strcmp(a, "--update-baseline")) {
      o->update_baseline = 1;
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "dmcheck verify: unknown option '%s' (try --help)\n", a);
      return -1;
    } else if (!o->suite) o->suite = a;
    else if (!o->candidate) o->candidate = a;
    else { fprintf(stderr, "dmcheck verify: unexpected argument '%s'\n", a); return -1; }
  }
  if (!o->suite || !o->candidate) {
    fprintf(stderr, "dmcheck verify: need SUITE and CANDIDATE.csv (try --help)\n");
    return -1;
  }
  if ((o->update_baseline || !isnan(o->strict)) && !o->baseline) {
    fprintf(stderr, "dmcheck verify: --update-baseline and --baseline-strict need --baseline FILE\n");
    return -1;
  }
  size_t pl = o->plot ? strlen(o->plot) : 0;
  if (o->plot && (pl < 5 || strcmp(o->plot + pl - 4, ".svg"))) {
    fprintf(stderr, "dmcheck verify: --plot '%s': the CLI draws SVG (FILE.svg); for PDF or PNG use Python's "
                    "dmcheck.verify(...).plot(FILE)\n", o->plot);
    return -1;
  }
  if (strcmp(o->format, "text") && strcmp(o->format, "json") && strcmp(o->format, "junit")) {
    fprintf(stderr, "dmcheck verify: unknown --format '%s' (text, json or junit)\n", o->format);
    return -1;
  }
  o->how.keep_rows = o->save_baseline || o->baseline || o->plot;
  if (o->sharded && (o->how.keep_rows || o->rows_out)) {
    fprintf(stderr, "dmcheck verify: --shard: baselines, --plot and --rows-out need the whole run (verify without "
                    "--shard)\n");
    return -1;
  }
  if (o->sharded && strcmp(o->format, "json")) {
    fprintf(stderr, "dmcheck verify: --shard writes a shard report for 'dmcheck merge': add --format json\n");
    return -1;
  }
  return 0;
}

/* text (malloc'd, freed here; NULL: out of memory) written to path through the one output writer. */
static int write_text(char *text, const char *path, const char *const *inputs, int ninputs)
{
  if (!text) { fprintf(stderr, "dmcheck verify: out of memory\n"); return 1; }
  cli_output w;
  int st = cli_output_open(&w, "dmcheck verify", path, inputs, ninputs);
  if (!st) {
    fputs(text, w.f);
    st = cli_output_commit(&w, "dmcheck verify");
  }
  dmv_free(text);
  return st;
}

static int save_baseline(const dmv_result *r, const char *path, const char *const *inputs, int ninputs)
{
  return write_text(dmv_baseline_text(r), path, inputs, ninputs);
}

/* The picture of the error (dmv_result_svg) at path. */
static int save_plot(const dmv_result *r, const char *path, const char *baseline, const char *const *inputs,
                     int ninputs)
{
  char err[1024];
  char *svg = dmv_result_svg(r, baseline, err, sizeof err);
  if (!svg) { fprintf(stderr, "dmcheck verify: --plot: %s\n", err); return 2; }
  return write_text(svg, path, inputs, ninputs);
}

int cli_verify(int argc, char **argv)
{
  if (cli_wants_help(argc, argv)) { usage(stdout); return 0; }
  options o;
  if (parse_options(argc, argv, &o)) return 2;
  const dmc_suite *s = dmc_suite_find(o.suite);
  if (!s) { fprintf(stderr, "dmcheck verify: unknown suite '%s' (see 'dmcheck list --suites')\n", o.suite); return 2; }
  if (o.v.dtype && !cli_format_find(o.v.dtype)) {
    fprintf(stderr, "dmcheck verify: unknown --dtype '%s' (float64, float32, float16 or bfloat16)\n", o.v.dtype);
    return 2;
  }
  if (parse_budgets(&o, s)) return 2;
  /* the --exclude specs (and the other options) are checked before the run,
   * so their messages name the program like every other option's */
  cli_verify_result *chk = calloc(1, sizeof *chk);
  if (!chk) { fprintf(stderr, "dmcheck verify: out of memory\n"); return 1; }
  char cerr[1024];
  int bad = cli_verify_setup(chk, s, &o.v, cerr, sizeof cerr);
  free(chk);
  if (bad) { fprintf(stderr, "dmcheck verify: %s\n", cerr); return 2; }
  /* the report target is checked before the (possibly long) run */
  char err[2048], dir[4096], vecpath[4200];
  if (!o.v.live && dmv_vectors_dir(o.v.vectors, dir, sizeof dir, err, sizeof err)) {
    fprintf(stderr, "dmcheck verify: %s\n", err);
    return 2;
  }
  snprintf(vecpath, sizeof vecpath, "%s/%s.csv", o.v.live ? "." : dir, s->name);
  const char *inputs[3] = { o.candidate, o.v.live ? NULL : vecpath, o.output };
  cli_output w, rw;
  if (o.rows_out && o.output && !strcmp(o.rows_out, o.output)) {
    fprintf(stderr, "dmcheck verify: --rows-out and -o name the same file\n");
    return 2;
  }
  if (cli_output_open(&w, "dmcheck verify", o.output, inputs, 2)) return 2;
  if (o.rows_out) {
    if (!strcmp(o.rows_out, "-") && (!o.output || !strcmp(o.output, "-"))) {
      cli_output_abort(&w);
      fprintf(stderr, "dmcheck verify: --rows-out - needs the report elsewhere (-o REPORT)\n");
      return 2;
    }
    if (cli_output_open(&rw, "dmcheck verify", o.rows_out, inputs, 3)) { cli_output_abort(&w); return 2; }
    o.v.rows_out = rw.f;
  }
  dmv_result *r;
  int st = cli_verify_file(o.suite, &o.v, &o.how, o.candidate, &r, err, sizeof err);
  if (st) {
    cli_output_abort(&w);
    if (o.rows_out) cli_output_abort(&rw);
    fprintf(stderr, "%s%s\n", strchr(err, ':') ? "" : "dmcheck verify: ", err);
    return st == 1 ? 1 : 2;
  }
  char *cmp = NULL;
  int improved = 0, regressed = 0;
  if (o.baseline) {
    regressed = dmv_baseline_check(r, o.baseline, o.strict, &cmp, &improved, err, sizeof err);
    if (regressed == 2 || !cmp) {
      cli_output_abort(&w);
      if (o.rows_out) cli_output_abort(&rw);
      fprintf(stderr, "dmcheck verify: %s\n", cmp ? err : regressed == 2 ? err : "out of memory");
      dmv_result_free(r);
      return regressed == 2 ? 2 : 1;
    }
  }
  if (o.sharded) cli_report_shard(w.f, r);
  else if (!strcmp(o.format, "json")) cli_report_json(w.f, r);
  else if (!strcmp(o.format, "junit")) cli_report_junit(w.f, r);
  else cli_report_text(w.f, r);
  if (cmp) {
    FILE *cf = strcmp(o.format, "text") ? stderr : w.f;
    fputs(cmp, cf);
    fprintf(cf, "exit status %d: judged against the baseline, not the budget\n", regressed);
  }
  int to_file = w.tmp != NULL;
  int status = 2;
  if (o.rows_out && cli_output_commit(&rw, "dmcheck verify")) cli_output_abort(&w);
  else if (!cli_output_commit(&w, "dmcheck verify")) {
    status = o.baseline ? regressed : dmv_result_ok(r) ? 0 : 1;
    if (to_file)
      fprintf(stderr, "dmcheck verify: %s (report: %s)\n",
              o.baseline ? (status ? "REGRESSION" : "no regression") : status ? "FAIL" : "PASS", o.output);
    const char *ins[5] = { o.candidate, o.v.live ? NULL : vecpath, o.output, o.rows_out, o.baseline };
    if (o.save_baseline && save_baseline(r, o.save_baseline, ins, 5)) status = 2;
    if (o.plot && status != 2 && save_plot(r, o.plot, o.baseline, ins, 5)) status = 2;
    if (o.update_baseline && status != 2) {
      if (regressed)
        fprintf(stderr, "dmcheck verify: %s not updated: this run regressed (updating would loosen it)\n", o.baseline);
      else if (!improved)
        fprintf(stderr, "dmcheck verify: %s unchanged (nothing improved)\n", o.baseline);
      else if (save_baseline(r, o.baseline, ins, 4)) status = 2;
      else fprintf(stderr, "dmcheck verify: %s updated (tightened to this run)\n", o.baseline);
    }
  }
  dmv_free(cmp);
  dmv_result_free(r);
  return status;
}
