/* bench_verify.c -- throughput of `dmcheck verify` in rows per second: a
 * 10^6-row candidate against the stored vectors of gauss_score (decimal and
 * hex values), and a candidate bringing its own inputs, which dmcheck
 * evaluates live with MPFR (measured on LIVE_ROWS rows and extrapolated to
 * 10^6). Runs the built CLI (../bin/dmcheck beside this program's directory,
 * or $DMC_CLI) as a user would: the times include process start-up and
 * loading the stored vectors. Prints the median of REPS runs, as wall time
 * and as the CPU time of the dmcheck process (less sensitive to a loaded
 * machine). */
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
#define LIVE_ROWS 20000
#define REPS 3

/* Wall time of one `dmcheck verify SUITE file --vectors dir`; -1 on failure
 * (exit status other than 0 or 1). *cpu receives the child's user + system
 * time. */
static double time_verify(const char *cli, const char *file, const char *vectors, double *cpu)
{
  double t0 = bench_now();
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, 1);
    execl(cli, cli, "verify", SUITE, file, "--vectors", vectors, (char *)NULL);
    _exit(127);
  }
  int st;
  struct rusage ru;
  if (pid < 0 || wait4(pid, &st, 0, &ru) < 0) return -1;
  double t = bench_now() - t0;
  *cpu = (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec
       + (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
  return WIFEXITED(st) && WEXITSTATUS(st) <= 1 ? t : -1;
}

typedef struct { double wall, lo, hi, cpu; } timing; /* medians of REPS runs, wall range */

static int median_of(const char *cli, const char *file, const char *vectors, timing *m)
{
  double t[REPS], c[REPS];
  for (int r = 0; r < REPS; r++)
    if ((t[r] = time_verify(cli, file, vectors, &c[r])) < 0) return -1;
  qsort(t, REPS, sizeof *t, bench_cmp_double);
  qsort(c, REPS, sizeof *c, bench_cmp_double);
  m->wall = t[REPS / 2];
  m->lo = t[0];
  m->hi = t[REPS - 1];
  m->cpu = c[REPS / 2];
  return 0;
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

  char vectors[64], path[128], dec[128], hex[128], live[128], err[1200];
  snprintf(vectors, sizeof vectors, "%s/vectors", dir);
  snprintf(path, sizeof path, "%s/%s.csv", vectors, SUITE);
  snprintf(dec, sizeof dec, "%s/dec.csv", dir);
  snprintf(hex, sizeof hex, "%s/hex.csv", dir);
  snprintf(live, sizeof live, "%s/live.csv", dir);
  mkdir(vectors, 0755);
  FILE *f = fopen(path, "w");
  vec_table t;
  if (!f || vecfile_write(f, s, NULL, NULL, err, sizeof err) || fclose(f) ||
      vecfile_compute(s, &t, NULL, NULL, err, sizeof err)) {
    fprintf(stderr, "%s: cannot write the vectors: %s\n", PROGRAM, err);
    return 1;
  }

  /* candidates: id + both outputs, values as numpy prints them (%.17g) or hex */
  FILE *fd = fopen(dec, "w"), *fh = fopen(hex, "w"), *fl = fopen(live, "w");
  if (!fd || !fh || !fl) { fprintf(stderr, "%s: cannot write candidates in %s\n", PROGRAM, dir); return 1; }
  fprintf(fd, "id,score,logpdf\n");
  fprintf(fh, "id,score,logpdf\n");
  for (size_t i = 0; i < ROWS; i++) {
    size_t r = i % t.nrows;
    const double *o = t.out + 2 * r;
    fprintf(fd, "%zu,%.17g,%.17g\n", r, o[0], o[1]);
    fprintf(fh, "%zu,%a,%a\n", r, o[0], o[1]);
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
  fclose(fd); fclose(fh); fclose(fl);
  vec_table_free(&t);

  timing d, h, l;
  int bad = median_of(cli, dec, vectors, &d) || median_of(cli, hex, vectors, &h) || median_of(cli, live, vectors, &l);
  unlink(path); unlink(dec); unlink(hex); unlink(live);
  rmdir(vectors); rmdir(dir);
  if (bad) { fprintf(stderr, "%s: dmcheck verify failed (exit status 2 or a crash)\n", PROGRAM); return 1; }
  printf("%s: medians of %d runs; rows/s by wall time (by CPU time of the dmcheck process)\n", PROGRAM, REPS);
  printf("  %d rows vs stored vectors, decimal %%.17g: %.3g rows/s (%.3g); wall %.3f s [%.3f-%.3f], cpu %.3f s\n",
         ROWS, ROWS / d.wall, ROWS / d.cpu, d.wall, d.lo, d.hi, d.cpu);
  printf("  %d rows vs stored vectors, hex %%a:        %.3g rows/s (%.3g); wall %.3f s [%.3f-%.3f], cpu %.3f s\n",
         ROWS, ROWS / h.wall, ROWS / h.cpu, h.wall, h.lo, h.hi, h.cpu);
  printf("  live MPFR evaluation (gauss_score), %d rows: %.3g rows/s (%.3g); wall %.3f s [%.3f-%.3f], cpu %.3f s;"
         " extrapolated to %d rows: %.0f s\n",
         LIVE_ROWS, LIVE_ROWS / l.wall, LIVE_ROWS / l.cpu, l.wall, l.lo, l.hi, l.cpu, ROWS, l.wall * ROWS / LIVE_ROWS);
  printf("  goal >= 1e6 rows/s against stored vectors (wall time): %s\n",
         ROWS / d.wall >= 1e6 && ROWS / h.wall >= 1e6 ? "met" : "NOT met (compare the CPU-time rates on a loaded machine)");
  return 0;
}
