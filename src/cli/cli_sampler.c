/* cli_sampler.c -- `dmcheck sampler-check`: reads a mixture and sample sets,
 * calls dmc_sampler_check (the library does the statistics) and prints the
 * verdict. */
#include "cli.h"
#include "dmcheck.h"
#include "csvread.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
  fprintf(f,
    "usage: dmcheck sampler-check --target MIX.csv --order P [--process vp:BMIN,BMAX|ve:SMIN,SMAX|edm]\n"
    "                             [--t T] [--paired] [--alpha A] N=SAMPLES.csv N=SAMPLES.csv ...\n"
    "\n"
    "Tests sample sets that a candidate sampler produced with the exact oracle of\n"
    "the Gaussian mixture MIX as its model, one set per step count N (at least 2),\n"
    "against the exact law p_T of the mixture under the forward process (T: the\n"
    "sampler's end time, default 0 = the data).\n"
    "\n"
    "  --target MIX.csv  the data: a header line (w,m0..m{d-1},v0..v{d-1}), then one\n"
    "                    row per component: weight, d means, d variances (> 0)\n"
    "  --process P       vp:0.1,20 (default), ve:0.01,50 or edm\n"
    "  --t T             end time of the sampler (default 0)\n"
    "  --order P         the method's theoretical weak order (e.g. 1 Euler/DDIM, 2 Heun)\n"
    "  --paired          row i of every set started from the same initial draw\n"
    "  --alpha A         total false-alarm rate of the distribution tests (default 1e-6, at most 1e-6)\n"
    "  N=FILE            a sample set made with N steps: a header line (d column names),\n"
    "                    then one row per sample with d numbers (decimal or C99 hex)\n"
    "\n"
    "Prints each set's statistics (KS, moment z-scores, MMD^2, E|x|^2/d, its difference\n"
    "to the next set and that difference's z) with their thresholds, the fitted weak\n"
    "order and its interval (or that it diverges: the whole interval below 0, or a\n"
    "fit that overflows), the Richardson limit, and\n"
    "the verdict. Exit status: 0 consistent, 1 inconsistent, 2 bad input.\n");
}

/* A numeric table with a header line: rows x cols into *data (malloc'd). */
static int read_table(const char *path, size_t want_cols, size_t *rows, size_t *cols, double **data)
{
  csv_reader c;
  *data = NULL;
  if (csv_open(&c, path, ',', 1, 0)) { fprintf(stderr, "%s\n", c.err); return -1; }
  int rc = -1, k = csv_next_record(&c);
  csv_field f;
  size_t nc = 0, cap = 0, n = 0;
  if (k <= 0) {
    if (k == 0) csv_error(&c, 1, "empty file: no header line");
    goto out;
  }
  while ((k = csv_next_field(&c, &f)) > 0) nc++;
  if (k < 0) goto out;
  if (nc > 4096) { csv_error(&c, 1, "header line with %zu columns", nc); goto out; }
  if (want_cols && nc != want_cols) {
    csv_error(&c, 1, "%zu columns in the header, expected %zu", nc, want_cols);
    goto out;
  }
  while ((k = csv_next_record(&c)) > 0) {
    if (n * nc + nc > cap) {
      cap = cap ? 2 * cap : 1024 * nc;
      double *p = realloc(*data, cap * sizeof **data);
      if (!p) { csv_error(&c, 1, "out of memory"); goto out; }
      *data = p;
    }
    size_t j = 0;
    while ((k = csv_next_field(&c, &f)) > 0) {
      if (j == nc) { csv_error(&c, f.col, "extra field (the header has %zu columns)", nc); goto out; }
      double v;
      if (csv_field_double(&c, &f, "sample", &v)) goto out;
      if (!isfinite(v)) { csv_error(&c, f.col, "not a finite number: '%.*s'", (int)(f.len < 40 ? f.len : 40), f.s); goto out; }
      (*data)[n * nc + j++] = v;
    }
    if (k < 0) goto out;
    if (j < nc) { csv_error(&c, csv_end_col(&c), "%zu fields, the header has %zu", j, nc); goto out; }
    n++;
  }
  if (k < 0) goto out;
  if (n == 0) { csv_error(&c, 1, "no data rows after the header"); goto out; }
  *rows = n; *cols = nc;
  rc = 0;
out:
  if (rc) { fprintf(stderr, "%s\n", c.err); free(*data); *data = NULL; }
  csv_close(&c);
  return rc;
}

static int parse_process(const char *s, dmc_proc *p)
{
  if (!strcmp(s, "edm")) { p->kind = DMC_PROC_EDM; p->p0 = p->p1 = 0; return 0; }
  int kind = !strncmp(s, "vp:", 3) ? DMC_PROC_VP : !strncmp(s, "ve:", 3) ? DMC_PROC_VE : 0;
  if (!kind) return -1;
  char buf[128];
  snprintf(buf, sizeof buf, "%s", s + 3);
  char *comma = strchr(buf, ',');
  if (!comma) return -1;
  *comma = 0;
  p->kind = kind;
  return cli_parse_double(buf, &p->p0) || cli_parse_double(comma + 1, &p->p1) ? -1 : 0;
}

typedef struct {
  size_t nsets, d;
  size_t steps[DMC_SAMPLER_SETS_MAX], n[DMC_SAMPLER_SETS_MAX];
  double *x[DMC_SAMPLER_SETS_MAX];
  double *mix;
} inputs;

static void inputs_free(inputs *in)
{
  for (size_t s = 0; s < in->nsets; s++) free(in->x[s]);
  free(in->mix);
}

/* v in a field of `width`: fixed with `prec` decimals while it fits, else
 * in e-notation (a diverging sampler's statistics). */
static const char *num(char *buf, size_t len, int width, int prec, int sign, double v)
{
  if (isfinite(v) && fabs(v) < 1e6) snprintf(buf, len, sign ? "%+*.*f" : "%*.*f", width, prec, v);
  else snprintf(buf, len, sign ? "%+*.*e" : "%*.*e", width, width > 10 ? 4 : 2, v);
  return buf;
}

static void print_report(const dmc_sampler_report *r, size_t nsets, double order, size_t d)
{
  printf("exact E|x|^2/d = %.9g; tests per set: %zu KS, %zu mean, %zu second-moment, 1 MMD at alpha %.3g/%zu each\n",
         r->f_exact, d, d, d, r->alpha, 3 * d + 1);
  printf("%8s %9s %9s %9s %9s %9s %8s %11s %11s %12s %10s %11s %9s %s\n", "N", "n", "KS", "KS_thr", "z_mean",
         "z_m2", "z_thr", "MMD2", "MMD2_thr", "E|x|^2/d", "se", "D_next", "z_D", "tests");
  for (size_t s = 0; s < nsets; s++) {
    const dmc_sampler_set *t = &r->set[s];
    char zm[32], z2[32], fm[32], dn[32], zd[32];
    printf("%8zu %9zu %9.5f %9.5f %s %s %8.3f %+11.3e %11.3e %s %10.2e %s %s %s\n", t->nsteps, t->n, t->ks,
           t->ks_thr, num(zm, sizeof zm, 9, 3, 1, t->mean_z), num(z2, sizeof z2, 9, 3, 1, t->m2_z), t->z_thr,
           t->mmd2, t->mmd2_thr, num(fm, sizeof fm, 12, 7, 0, t->f_mean), t->f_se,
           s + 1 < nsets ? (snprintf(dn, sizeof dn, "%+11.4e", t->diff), dn) : "          -",
           s + 1 < nsets ? num(zd, sizeof zd, 9, 2, 1, t->diff / t->diff_se) : "        -",
           t->pass ? "pass" : "FAIL");
  }
  if (r->order_resolved && !(isfinite(r->order) && isfinite(r->order_lo) && isfinite(r->order_hi)))
    printf("weak order: diverges (E|x|^2/d grows until it overflows; the fit is not finite); theory %g: OUT\n",
           order);
  else if (r->order_resolved && r->order_hi < 0.0)   /* the whole interval below 0 */
    printf("weak order: diverges (the differences grow with N: slope %.3f, interval [%.3f, %.3f]); theory %g: OUT\n",
           r->order, r->order_lo, r->order_hi, order);
  else if (r->order_resolved)
    printf("weak order: %.3f, interval [%.3f, %.3f] from %zu significant differences (z = 5, +-0.25); theory %g: %s\n",
           r->order, r->order_lo, r->order_hi, r->nsig, order, r->order_ok ? "ok" : "OUT");
  else
    printf("weak order: not resolved (%zu significant difference%s; the weak error is below the noise)\n", r->nsig,
           r->nsig == 1 ? "" : "s");
  printf("Richardson limit of E|x|^2/d: %.7g +- %.2g (exact %.7g): %s\n", r->limit, r->limit_se, r->f_exact,
         r->limit_ok ? "ok" : "OFF");
  printf("last set (N = %zu): %s\n", r->set[nsets - 1].nsteps,
         r->set[nsets - 1].pass ? "passes every distribution test" : "FAILS a distribution test");
  printf("verdict: %s\n", r->consistent ? "consistent with a correct order-p sampler" : "inconsistent");
}

int cli_sampler(int argc, char **argv)
{
  static const struct option opts[] = {
    { "target", required_argument, 0, 'm' }, { "process", required_argument, 0, 'p' },
    { "t", required_argument, 0, 't' }, { "order", required_argument, 0, 'o' },
    { "paired", no_argument, 0, 'P' }, { "alpha", required_argument, 0, 'a' },
    { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
  const char *target = NULL;
  dmc_proc proc = { DMC_PROC_VP, 0.1, 20.0 };
  double t = 0.0, order = NAN, alpha = 1e-6;
  int paired = 0, c;
  optind = 0; /* glibc: 0 also resets the scan state a previous call may have left (CLI tests, fuzz_args) */
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (c) {
    case 'm': target = optarg; break;
    case 'p': if (parse_process(optarg, &proc)) { fprintf(stderr, "dmcheck sampler-check: bad --process '%s'\n", optarg); return 2; } break;
    case 't': if (cli_parse_double(optarg, &t)) { fprintf(stderr, "dmcheck sampler-check: bad --t '%s'\n", optarg); return 2; } break;
    case 'o': if (cli_parse_double(optarg, &order)) { fprintf(stderr, "dmcheck sampler-check: bad --order '%s'\n", optarg); return 2; } break;
    case 'a': if (cli_parse_double(optarg, &alpha)) { fprintf(stderr, "dmcheck sampler-check: bad --alpha '%s'\n", optarg); return 2; } break;
    case 'P': paired = 1; break;
    case 'h': usage(stdout); return 0;
    default: usage(stderr); return 2;
    }
  }
  if (!target || isnan(order) || argc - optind < 2) {
    fprintf(stderr, "dmcheck sampler-check: needs --target, --order and at least two N=FILE sets (see --help)\n");
    return 2;
  }
  if (argc - optind > DMC_SAMPLER_SETS_MAX) {
    fprintf(stderr, "dmcheck sampler-check: at most %d sample sets\n", DMC_SAMPLER_SETS_MAX);
    return 2;
  }
  inputs in;
  memset(&in, 0, sizeof in);
  size_t k, cols;
  if (read_table(target, 0, &k, &cols, &in.mix)) return 2;
  if (cols < 3 || cols % 2 == 0 || (cols - 1) / 2 > DMC_GMM_D_MAX) {
    fprintf(stderr, "%s:1:1: %zu columns; expected 1 + 2d (w, d means, d variances), d <= %d\n", target, cols,
            DMC_GMM_D_MAX);
    inputs_free(&in);
    return 2;
  }
  in.d = (cols - 1) / 2;
  double *w = malloc(k * sizeof *w), *m = malloc(k * in.d * sizeof *m), *v = malloc(k * in.d * sizeof *v);
  int rc = 2;
  if (!w || !m || !v) { fprintf(stderr, "dmcheck sampler-check: out of memory\n"); goto done; }
  for (size_t j = 0; j < k; j++) {
    w[j] = in.mix[j * cols];
    for (size_t i = 0; i < in.d; i++) { m[j * in.d + i] = in.mix[j * cols + 1 + i]; v[j * in.d + i] = in.mix[j * cols + 1 + in.d + i]; }
  }
  dmc_gmm g = { k, in.d, w, m, v, DMC_GMM_DIAG, DMC_WEIGHTS_LINEAR };
  for (int a = optind; a < argc; a++) {
    char *eq = strchr(argv[a], '=');
    char *end;
    unsigned long long steps = eq ? strtoull(argv[a], &end, 10) : 0;
    if (!eq || end != eq || steps == 0) {
      fprintf(stderr, "dmcheck sampler-check: '%s' is not N=FILE with N >= 1 steps\n", argv[a]);
      goto done;
    }
    size_t rows, nc;
    if (read_table(eq + 1, in.d, &rows, &nc, &in.x[in.nsets])) goto done;
    in.steps[in.nsets] = (size_t)steps;
    in.n[in.nsets++] = rows;
  }
  dmc_sampler_report rep;
  int st = dmc_sampler_check(&proc, &g, t, in.nsets, in.steps, in.n, (const double *const *)in.x, paired,
                             order, alpha, &rep);
  if (st != DMC_OK) {
    fprintf(stderr, "dmcheck sampler-check: %s (check the mixture, --process/--t, --order > 0, --alpha <= 1e-6, "
            "distinct step counts, at least 10 rows per set)\n", dmc_strerror(st));
    goto done;
  }
  print_report(&rep, in.nsets, order, in.d);
  rc = rep.consistent ? 0 : 1;
done:
  free(w); free(m); free(v);
  inputs_free(&in);
  return rc;
}
