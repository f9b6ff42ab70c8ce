/* bench_langevin_elbo.c -- times document 001's Langevin demo (5000 trials x
 * 1000 Euler-Maruyama steps with the per-step ELBO accumulation) in
 * libdmcheck on 2 threads and in numpy (Debian's /usr/bin/python3 running
 * tests/bench/langevin_elbo_numpy.py), and prints the ratio of the medians. */
#define _POSIX_C_SOURCE 200809L
#include "dmcheck.h"
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TRIALS 5000
#define STEPS 1000
#define REPS_C 7
#define REPS_NUMPY 3

int main(void)
{
  const dmc_langevin p = { 0.0, 1.0, 1.0, 0.01 }; /* the demo's mu, sigma, tau, dt */
  double *x = malloc(TRIALS * sizeof *x), *elbo = malloc(TRIALS * sizeof *elbo);
  if (!x || !elbo) { fprintf(stderr, "bench_langevin_elbo: out of memory\n"); return 1; }
  double t[REPS_C], mean = 0;
  for (int r = 0; r < REPS_C; r++) {
    double t0 = bench_now();
    int s = dmc_langevin_run(&p, 0.0, TRIALS, STEPS, 20261125u + (unsigned)r, 2, x, elbo);
    t[r] = bench_now() - t0;
    if (s != DMC_OK) { fprintf(stderr, "bench_langevin_elbo: dmc_langevin_run: %s\n", dmc_strerror(s)); return 1; }
  }
  for (int i = 0; i < TRIALS; i++) mean += elbo[i] / TRIALS;
  qsort(t, REPS_C, sizeof *t, bench_cmp_double);
  double c_median = t[REPS_C / 2];

  char cmd[4096];
  snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s/tests/bench/langevin_elbo_numpy.py' %d %d %d",
           DMC_SOURCE_DIR, TRIALS, STEPS, REPS_NUMPY);
  FILE *f = popen(cmd, "r");
  double np_median = -1, np_mean = 0;
  char line[512];
  if (f) {
    while (fgets(line, sizeof line, f))
      if (!strncmp(line, "numpy_median_s", 14)) sscanf(line, "numpy_median_s %lf reps %*d mean_elbo %lf", &np_median, &np_mean);
    pclose(f);
  }
  free(x);
  free(elbo);
  if (!(np_median > 0)) {
    fprintf(stderr, "bench_langevin_elbo: could not time numpy (%s)\n", cmd);
    return 1;
  }
  printf("langevin+elbo %dx%d: %.1fx numpy\n", TRIALS, STEPS, np_median / c_median);
  printf("  medians: libdmcheck %.4f s (2 threads, %d reps), numpy %.4f s (%d reps); "
         "mean final ELBO %.4f (C) %.4f (numpy), exact %.4f\n",
         c_median, REPS_C, np_median, REPS_NUMPY, mean, np_mean, STEPS * p.dt * (1 - p.dt / 2));
  return 0;
}
