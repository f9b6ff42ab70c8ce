/* bench_sde.c -- throughput of the D6 samplers (dmc_sde_sample): reverse
 * Euler-Maruyama and probability-flow Heun with the exact mixture score, on
 * 1 and 2 threads. Prints the median of REPS runs in path-steps per second. */
#define _POSIX_C_SOURCE 200809L
#include "dmcheck.h"
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PATHS 16384
#define STEPS 200
#define REPS 3

int main(void)
{
  static const double w[2] = { 0.3, 0.7 }, mu[2] = { -2.0, 1.5 }, var[2] = { 0.25, 0.5 };
  const dmc_sde vp = { DMC_SDE_VP, 0.1, 20.0, 0.0 };
  dmc_mixture_at init = { vp, { 2, w, mu, var }, 1.0 };
  dmc_exact_score sc = { vp, { 2, w, mu, var } };
  double *x = malloc(PATHS * sizeof *x), *y = malloc(PATHS * sizeof *y);
  if (!x || !y) { fprintf(stderr, "bench_sde: out of memory\n"); return 1; }
  const int methods[2] = { DMC_EM_REVERSE, DMC_HEUN_FLOW };
  const char *names[2] = { "reverse EM", "flow Heun" };
  for (int m = 0; m < 2; m++) {
    double med[2];
    for (unsigned th = 1; th <= 2; th++) {
      dmc_sampler s = { &vp, methods[m], 1.0, 0.0, STEPS, dmc_exact_score_fn, &sc, dmc_mixture_init_fn, &init };
      double t[REPS];
      for (int r = 0; r < REPS; r++) {
        double t0 = bench_now();
        int st = dmc_sde_sample(&s, PATHS, th, 20261125u, th == 1 ? x : y);
        t[r] = bench_now() - t0;
        if (st != DMC_OK) { fprintf(stderr, "bench_sde: dmc_sde_sample: %s\n", dmc_strerror(st)); return 1; }
      }
      qsort(t, REPS, sizeof *t, bench_cmp_double);
      med[th - 1] = t[REPS / 2];
    }
    int same = !memcmp(x, y, PATHS * sizeof *x);
    printf("bench_sde: %s, VP, 2-component mixture score, %d paths x %d steps: median %.3f s (1 thread, %.2e steps/s), "
           "%.3f s (2 threads, %.2e steps/s), speed-up %.2f, outputs %s\n",
           names[m], PATHS, STEPS, med[0], PATHS * (double)STEPS / med[0], med[1], PATHS * (double)STEPS / med[1],
           med[0] / med[1], same ? "bit-identical" : "DIFFER");
    if (!same) return 1;
  }
  free(x); free(y);
  return 0;
}
