/* bench.h -- timing helpers shared by the benchmarks (header only: each
 * file in tests/bench/ is its own program). Needs _POSIX_C_SOURCE >= 199309L. */
#ifndef DMC_BENCH_H
#define DMC_BENCH_H

#include <stdlib.h>
#include <time.h>

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

#endif
