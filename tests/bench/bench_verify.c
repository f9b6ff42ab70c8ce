/* bench_verify.c -- throughput and memory of `dmcheck verify` against the
 * stored vectors of gauss_score, beside a numpy peer doing the same job.
 * - 10^6-row candidates (id + both outputs, decimal %.17g and hex %a): the
 *   CLI and the numpy peer (Debian's /usr/bin/python3 running
 *   tests/bench/verify_numpy.py: loadtxt of the candidate, the stored
 *   correctly rounded outputs, the ULP difference and its maximum per output)
 *   run interleaved (C, numpy; C, numpy; ...), so a change in the machine's
 *   load hits both sides of a pair; each pair gives one ratio (numpy's time,
 *   measured inside the script without the interpreter's start-up and
 *   `import numpy`, over the CLI's wall time with its start-up), and the
 *   program prints the median ratio with its range over the pairs. The peer
 *   must find the same maximum ULP as dmcheck (0: the candidate is exact).
 * - a candidate bringing its own inputs, which dmcheck evaluates live with
 *   MPFR (measured on LIVE_ROWS rows and extrapolated to 10^6).
 * - a 10^7-row decimal candidate (about 400 MB in the temporary directory,
 *   deleted afterwards): one run of the CLI and one of the numpy peer, each
 *   with its peak RSS (ru_maxrss of the child from wait4; MB = 2^20 bytes).
 * Runs the built CLI (../bin/dmcheck beside this program's directory, or
 * $DMC_CLI) as a user would: the CLI's times include process start-up and
 * loading the stored vectors. Rows/s are given by wall time and by the CPU
 * time of the dmcheck process (less sensitive to a loaded machine). */
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dmcheck.h"
#include "bench.h"
#include "suites.h"
#include "vecfile.h"

#define PROGRAM "bench_verify"
#define SUITE "gauss_score"
#define ROWS 1000000
#define BIG_ROWS 10000000
#define LIVE_ROWS 20000
#define PAIRS 5
#define REPS 3 /* live runs (median) */
#define RSS_GOAL_MB 64
#define RATE_GOAL 5e6  /* rows/s, and the ratio to numpy (issue #13) */
#define RATIO_GOAL 3.0
#define PYTHON "/usr/bin/python3"
#define PEER DMC_SOURCE_DIR "/tests/bench/verify_numpy.py"

typedef struct { double wall, cpu, rss_mb; int status; } child_run; /* status: exit code, -1 if killed */

/* Runs argv[0] with stdout (and stderr, if err is not NULL) redirected to
 * the files out and err (NULL out: /dev/null); 0, or -1 if it could not be
 * started. */
static int run_child(char *const argv[], const char *out, const char *err, child_run *r)
{
  double t0 = bench_now();
  pid_t pid = fork();
  if (pid == 0) {
    int fo = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fo >= 0) dup2(fo, 1);
    if (err) {
      int fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fe >= 0) dup2(fe, 2);
    }
    execv(argv[0], argv);
    _exit(127);
  }
  int st;
  struct rusage ru;
  if (pid < 0 || wait4(pid, &st, 0, &ru) < 0) return -1;
  r->wall = bench_now() - t0;
  r->cpu = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec
         + (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
  r->rss_mb = (double)ru.ru_maxrss / 1024; /* Linux: kilobytes */
  r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return 0;
}

/* `dmcheck verify SUITE file --vectors dir`; 0, or -1 on a failure to
 * start. Exit status 0 or 1 is a verdict; others are the caller's to judge. */
static int run_cli(const char *cli, const char *file, const char *vectors, const char *err, child_run *r)
{
  char *argv[] = { (char *)cli, "verify", SUITE, (char *)file, "--vectors", (char *)vectors, NULL };
  return run_child(argv, NULL, err, r);
}

/* One run of the numpy peer; its in-script time in *t. 1 when numpy is
 * missing, 0 when it ran and found max ULP 0 on every output, -1 otherwise. */
static int run_peer(const char *file, const char *vecfile, const char *kind, const char *out, child_run *r,
                    double *t)
{
  char *argv[] = { PYTHON, PEER, (char *)file, (char *)vecfile, (char *)kind, NULL };
  char line[512], *save;
  if (run_child(argv, out, NULL, r) || r->status != 0) return -1;
  FILE *f = fopen(out, "r");
  int got = f && fgets(line, sizeof line, f) != NULL;
  if (f) fclose(f);
  if (!got) return -1;
  if (!strncmp(line, "numpy_missing", 13)) return 1;
  if (sscanf(line, "numpy_verify_s %lf", t) != 1 || !strstr(line, " max_ulp ")) return -1;
  strtok_r(strstr(line, " max_ulp ") + 9, " \n", &save); /* "OUT ULP ..." pairs */
  int outputs = 0;
  for (char *ulp; (ulp = strtok_r(NULL, " \n", &save)); outputs++) {
    if (strcmp(ulp, "0")) return -1;
    strtok_r(NULL, " \n", &save);
  }
  return outputs ? 0 : -1;
}

/* Writes header and rows lines, line i being lines[i % n]; 0 or -1. */
static int write_cycle(const char *path, const char *header, char **lines, size_t n, size_t rows)
{
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  fputs(header, f);
  for (size_t i = 0; i < rows; i++) fputs(lines[i % n], f);
  return fclose(f) ? -1 : 0;
}

static void free_rows(char **lines, size_t n)
{
  for (size_t r = 0; lines && r < n; r++) free(lines[r]);
  free(lines);
}

/* Each stored row as a candidate line "id,score,logpdf\n" (fmt: "%.17g" or
 * "%a"); NULL if out of memory. */
static char **format_rows(const vec_table *t, const char *fmt)
{
  char **lines = calloc(t->nrows, sizeof *lines), line[128], spec[32];
  snprintf(spec, sizeof spec, "%%zu,%s,%s\n", fmt, fmt);
  for (size_t r = 0; lines && r < t->nrows; r++) {
    snprintf(line, sizeof line, spec, r, t->out[2 * r], t->out[2 * r + 1]);
    if (!(lines[r] = strdup(line))) {
      free_rows(lines, r);
      return NULL;
    }
  }
  return lines;
}

typedef struct {
  double wall[PAIRS], cpu[PAIRS], ratio[PAIRS], peer[PAIRS], peer_wall[PAIRS];
  int have_numpy;
} paired;

/* PAIRS interleaved runs of the CLI and the numpy peer on one candidate; 0 or -1. */
static int run_pairs(const char *cli, const char *file, const char *kind, const char *vectors,
                     const char *vecfile, const char *out, paired *p)
{
  p->have_numpy = 1;
  for (int k = 0; k < PAIRS; k++) {
    child_run c = { 0, 0, 0, -1 }, n;
    if (run_cli(cli, file, vectors, NULL, &c) || c.status < 0 || c.status > 1) {
      fprintf(stderr, "%s: dmcheck verify failed on %s (exit status %d)\n", PROGRAM, file, c.status);
      return -1;
    }
    p->wall[k] = c.wall;
    p->cpu[k] = c.cpu;
    if (!p->have_numpy) continue;
    int s = run_peer(file, vecfile, kind, out, &n, &p->peer[k]);
    if (s < 0) { fprintf(stderr, "%s: the numpy peer failed on %s\n", PROGRAM, file); return -1; }
    if (s == 1) {
      printf("%s: numpy is not installed (Debian: apt-get install python3-numpy); the numpy ratios are skipped\n",
             PROGRAM);
      p->have_numpy = 0;
      continue;
    }
    p->peer_wall[k] = n.wall;
    p->ratio[k] = p->peer[k] / c.wall;
  }
  return 0;
}

/* "  verify N rows (label): R rows/s, X.XXx numpy ... (range a-b over K pairs)" and a line of
 * details; returns the median wall time of the CLI. */
static double print_pairs(const char *label, const char *peer, paired *p)
{
  double w = bench_median(p->wall, PAIRS), c = bench_median(p->cpu, PAIRS); /* sort */
  printf("  verify %d rows (%s): %.3g rows/s", ROWS, label, ROWS / w);
  if (p->have_numpy) {
    double r = bench_median(p->ratio, PAIRS);
    printf(", %.2fx %s + ULP diff (range %.2f-%.2f over %d pairs)", r, peer, p->ratio[0], p->ratio[PAIRS - 1],
           PAIRS);
  }
  printf("\n    dmcheck wall %.3f s [%.3f-%.3f], cpu %.3f s (%.3g rows/s by cpu)", w, p->wall[0],
         p->wall[PAIRS - 1], c, ROWS / c);
  if (p->have_numpy)
    printf("; numpy %.3f s in-script, %.3f s with start-up", bench_median(p->peer, PAIRS),
           bench_median(p->peer_wall, PAIRS));
  printf("\n");
  return w;
}

/* First line of a file (a child's stderr) into buf, without its newline. */
static const char *first_line(const char *path, char *buf, size_t len)
{
  FILE *f = fopen(path, "r");
  buf[0] = '\0';
  if (f) {
    if (fgets(buf, (int)len, f)) buf[strcspn(buf, "\n")] = '\0';
    fclose(f);
  }
  return buf;
}

int main(void)
{
  char self[PATH_MAX - 64], cli[PATH_MAX], dir[] = "/tmp/dmc_bench_verify_XXXXXX";
  const char *env = getenv("DMC_CLI");
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) { fprintf(stderr, "%s: cannot find myself\n", PROGRAM); return 1; }
  self[n] = '\0';
  *strrchr(self, '/') = '\0';
  snprintf(cli, sizeof cli, "%s", env && *env ? env : strcat(self, "/../bin/dmcheck"));
  if (access(cli, X_OK)) { fprintf(stderr, "%s: %s missing; build the CLI first (make)\n", PROGRAM, cli); return 1; }
  const dmc_suite *s = dmc_suite_find(SUITE);
  if (!s || !mkdtemp(dir)) { fprintf(stderr, "%s: no suite %s or no temporary directory\n", PROGRAM, SUITE); return 1; }

  char vectors[64], path[128], dec[128], hex[128], live[128], big[128], out[128], err[1200], msg[512];
  snprintf(vectors, sizeof vectors, "%s/vectors", dir);
  snprintf(path, sizeof path, "%s/%s.csv", vectors, SUITE);
  snprintf(dec, sizeof dec, "%s/dec.csv", dir);
  snprintf(hex, sizeof hex, "%s/hex.csv", dir);
  snprintf(live, sizeof live, "%s/live.csv", dir);
  snprintf(big, sizeof big, "%s/big.csv", dir);
  snprintf(out, sizeof out, "%s/out.txt", dir);
  mkdir(vectors, 0755);
  FILE *f = fopen(path, "w");
  vec_table t;
  if (!f || vecfile_write(f, s, NULL, NULL, err, sizeof err) || fclose(f) ||
      vecfile_compute(s, &t, NULL, NULL, err, sizeof err)) {
    fprintf(stderr, "%s: cannot write the vectors: %s\n", PROGRAM, err);
    return 1;
  }

  /* candidates: id + both outputs, values as numpy prints them (%.17g) or hex */
  const char *header = "id,score,logpdf\n";
  char **ldec = format_rows(&t, "%.17g"), **lhex = format_rows(&t, "%a");
  FILE *fl = fopen(live, "w");
  if (!ldec || !lhex || !fl || write_cycle(dec, header, ldec, t.nrows, ROWS) ||
      write_cycle(hex, header, lhex, t.nrows, ROWS)) {
    fprintf(stderr, "%s: cannot write candidates in %s\n", PROGRAM, dir);
    return 1;
  }
  /* own inputs (x moved one ULP, so no stored row matches): live MPFR */
  fprintf(fl, "x,mu,sigma,score,logpdf\n");
  for (size_t i = 0; i < LIVE_ROWS; i++) {
    const double *in = t.in + 3 * (i % t.nrows);
    double x = nextafter(in[0], INFINITY), sc, lp;
    dmc_gauss_score(x, in[1], in[2], &sc);
    dmc_gauss_logpdf(x, in[1], in[2], &lp);
    fprintf(fl, "%a,%a,%a,%.17g,%.17g\n", x, in[1], in[2], sc, lp);
  }
  fclose(fl);

  paired pd, ph;
  double lw[REPS], lc[REPS];
  int bad = run_pairs(cli, dec, "dec", vectors, path, out, &pd) || run_pairs(cli, hex, "hex", vectors, path, out, &ph);
  for (int r = 0; r < REPS && !bad; r++) {
    child_run c = { 0, 0, 0, -1 };
    bad = run_cli(cli, live, vectors, NULL, &c) || c.status < 0 || c.status > 1;
    lw[r] = c.wall;
    lc[r] = c.cpu;
  }
  unlink(dec); unlink(hex); unlink(live);

  /* 10^7 rows: one run each, with the peak RSS */
  child_run bc = { 0, 0, 0, -1 }, bn = { 0, 0, 0, -1 };
  double bt = -1, self_mb = 0;
  int big_ok = !bad && !write_cycle(big, header, ldec, t.nrows, BIG_ROWS), peer_s = -1;
  if (big_ok) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    self_mb = (double)ru.ru_maxrss / 1024;
    snprintf(err, sizeof err, "%s/cli.err", dir);
    big_ok = !run_cli(cli, big, vectors, err, &bc) && bc.status >= 0;
    first_line(err, msg, sizeof msg);
    unlink(err);
    if (pd.have_numpy) peer_s = run_peer(big, path, "dec", out, &bn, &bt);
  }
  unlink(big); unlink(out); unlink(path);
  rmdir(vectors); rmdir(dir);
  free_rows(ldec, t.nrows);
  free_rows(lhex, t.nrows);
  vec_table_free(&t);
  if (bad || !big_ok) {
    fprintf(stderr, "%s: dmcheck verify failed (a crash or an unexpected exit status), or the 10^7-row candidate"
            " could not be written\n", PROGRAM);
    return 1;
  }

  printf("%s: %s vs its stored vectors; CLI and numpy interleaved over %d pairs, medians [range];"
         " rows/s by wall time (by CPU time of the dmcheck process)\n", PROGRAM, SUITE, PAIRS);
  double wd = print_pairs("decimal %.17g", "numpy loadtxt", &pd);
  double wh = print_pairs("hex %a", "numpy loadtxt(float.fromhex)", &ph);
  double l = bench_median(lw, REPS), lcpu = bench_median(lc, REPS);
  printf("  live MPFR evaluation (gauss_score), %d rows: %.3g rows/s (%.3g by cpu); wall %.3f s [%.3f-%.3f], "
         "cpu %.3f s (medians of %d); extrapolated to %d rows: %.0f s\n", LIVE_ROWS, LIVE_ROWS / l,
         LIVE_ROWS / lcpu, l, lw[0], lw[REPS - 1], lcpu, REPS, ROWS, l * ROWS / LIVE_ROWS);
  if (bc.status <= 1)
    printf("  verify 10^7 rows: peak RSS %.0f MB (goal <= %d MB: %s), %.3g rows/s (%.3g by cpu); wall %.2f s\n",
           bc.rss_mb, RSS_GOAL_MB, bc.rss_mb <= RSS_GOAL_MB ? "met" : "NOT met", BIG_ROWS / bc.wall,
           BIG_ROWS / bc.cpu, bc.wall);
  else
    printf("  verify 10^7 rows: refused by the CLI (exit status %d: %s) after %.2f s; peak RSS %.0f MB"
           " (goal <= %d MB: NOT met)\n", bc.status, msg, bc.wall, bc.rss_mb, RSS_GOAL_MB);
  printf("    (that peak includes up to %.0f MB of this process, copied at the fork)\n", self_mb);
  if (peer_s == 0)
    printf("    numpy peer on the same file: peak RSS %.0f MB, %.3g rows/s in-script (%.2f s; %.2f s with start-up)\n",
           bn.rss_mb, BIG_ROWS / bt, bt, bn.wall);
  else if (pd.have_numpy)
    printf("    numpy peer on the same file: failed (exit status %d; out of memory?)\n", bn.status);
  double rd = pd.have_numpy ? bench_median(pd.ratio, PAIRS) : 0, rh = ph.have_numpy ? bench_median(ph.ratio, PAIRS) : 0;
  printf("  goal >= %.0e rows/s against stored vectors (wall time, 10^6 rows) and >= %.0fx numpy: decimal %s, hex %s\n",
         RATE_GOAL, RATIO_GOAL, ROWS / wd >= RATE_GOAL && rd >= RATIO_GOAL ? "met" : "NOT met",
         ROWS / wh >= RATE_GOAL && rh >= RATIO_GOAL ? "met" : "NOT met");
  if (ROWS / wd < RATE_GOAL || ROWS / wh < RATE_GOAL)
    printf("    (on a loaded machine compare the CPU-time rates)\n");
  bench_print_load(PROGRAM);
  return 0;
}
