/* bench.h -- timing helpers shared by the benchmarks (header only: each
 * file in tests/bench/ is its own program). Needs _POSIX_C_SOURCE >= 200809L. */
#ifndef DMC_BENCH_H
#define DMC_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* Monotonic wall-clock time in seconds. */
static inline double bench_now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Sorts t[0..n-1] in place and returns its median (upper median for even n). */
static inline double bench_median(double *t, size_t n)
{
  qsort(t, n, sizeof *t, bench_cmp_double);
  return t[n / 2];
}

/* The machine's load while a benchmark ran: the 1-minute load average and
 * the number of online cores (figures from a loaded machine say so). */
static inline void bench_print_load(const char *program)
{
  double load = -1;
  FILE *f = fopen("/proc/loadavg", "r");
  if (f) {
    if (fscanf(f, "%lf", &load) != 1) load = -1;
    fclose(f);
  }
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  if (load >= 0) printf("%s: load average %.2f on %ld cores while it ran\n", program, load, cores);
}

#endif
