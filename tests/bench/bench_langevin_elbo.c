/* bench_langevin_elbo.c -- times document 001's Langevin demo (5000 trials x
 * 1000 Euler-Maruyama steps with the per-step ELBO accumulation) in
 * libdmcheck (2 threads and 1 thread) against numpy (Debian's /usr/bin/python3
 * running tests/bench/langevin_elbo_numpy.py) and, when python3-torch is
 * installed, PyTorch on 2 threads. The runs are interleaved (C, C, numpy,
 * torch; C, C, numpy, torch; ...), so a change in the machine's load hits
 * both sides of a pair; each pair gives one ratio, and the program prints the
 * median ratio with its range over the pairs. */
#define _POSIX_C_SOURCE 200809L
#include "dmcheck.h"
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TRIALS 5000
#define STEPS 1000
#define PAIRS 11
#define C_REPS 3 /* C runs per pair (median): a C run is short */

/* One python run of the demo; returns its time in seconds (-1 on failure,
 * -2 when the script says its module is missing). */
static double time_python(const char *script, const char *key, const char *extra, double *mean)
{
  char cmd[4096], line[512], fmt[64];
  snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s/tests/bench/%s' %d %d 1 %s 2>&1", DMC_SOURCE_DIR, script, TRIALS,
           STEPS, extra);
  snprintf(fmt, sizeof fmt, "%s %%lf reps %%*d mean_elbo %%lf", key);
  FILE *f = popen(cmd, "r");
  double t = -1;
  if (!f) return -1;
  while (fgets(line, sizeof line, f)) {
    if (!strncmp(line, "torch_missing", 13)) t = -2;
    else if (!strncmp(line, key, strlen(key)) && sscanf(line, fmt, &t, mean) != 2) t = -1;
  }
  return pclose(f) == 0 ? t : -1;
}

static double time_c(const dmc_langevin *p, unsigned threads, uint64_t seed, double *elbo)
{
  double t[C_REPS];
  for (int r = 0; r < C_REPS; r++) {
    double t0 = bench_now();
    int s = dmc_langevin_run(p, 0.0, TRIALS, STEPS, seed, threads, NULL, elbo);
    t[r] = bench_now() - t0;
    if (s != DMC_OK) return -1;
  }
  return bench_median(t, C_REPS);
}

/* "NN.Nx <peer> (range a-b over K pairs)" from per-pair ratios. */
static void print_ratio(const char *label, const char *peer, double *ratio, int n)
{
  double med = bench_median(ratio, (size_t)n); /* sorts */
  printf("%s: %.1fx %s (range %.1f-%.1f over %d pairs)\n", label, med, peer, ratio[0], ratio[n - 1], n);
}

int main(void)
{
  const dmc_langevin p = { 0.0, 1.0, 1.0, 0.01 }; /* the demo's mu, sigma, tau, dt */
  double *elbo = malloc(TRIALS * sizeof *elbo);
  if (!elbo) { fprintf(stderr, "bench_langevin_elbo: out of memory\n"); return 1; }
  double r2[PAIRS], r1[PAIRS], rt[PAIRS], c2[PAIRS], c1[PAIRS], np[PAIRS], tt[PAIRS];
  double mean_c = 0, mean_np = 0, mean_t = 0;
  int have_torch = 1;
  for (int k = 0; k < PAIRS; k++) {
    c2[k] = time_c(&p, 2, 20261125u + (uint64_t)k, elbo);
    c1[k] = time_c(&p, 1, 20261125u + (uint64_t)k, elbo);
    np[k] = time_python("langevin_elbo_numpy.py", "numpy_median_s", "", &mean_np);
    if (c2[k] <= 0 || c1[k] <= 0 || np[k] <= 0) {
      fprintf(stderr, "bench_langevin_elbo: a run failed (C %g s / %g s, numpy %g s)\n", c2[k], c1[k], np[k]);
      free(elbo);
      return 1;
    }
    if (have_torch) {
      tt[k] = time_python("langevin_elbo_torch.py", "torch_median_s", "2", &mean_t);
      if (tt[k] <= 0) {
        have_torch = 0;
        printf("torch: %s; the torch line is skipped\n", tt[k] == -2 ? "python3-torch is not installed (Debian: apt-get install "
               "python3-torch)" : "the torch run failed");
      }
    }
    r2[k] = np[k] / c2[k];
    r1[k] = np[k] / c1[k];
    if (have_torch) rt[k] = tt[k] / c2[k];
  }
  for (int i = 0; i < TRIALS; i++) mean_c += elbo[i] / TRIALS;
  free(elbo);
  double mc2 = bench_median(c2, PAIRS), mc1 = bench_median(c1, PAIRS), mnp = bench_median(np, PAIRS);
  print_ratio("langevin+elbo 5000x1000", "numpy", r2, PAIRS);
  print_ratio("langevin+elbo 5000x1000, 1 thread", "numpy", r1, PAIRS);
  if (have_torch) print_ratio("langevin+elbo 5000x1000", "torch (2 threads)", rt, PAIRS);
  printf("  medians: libdmcheck %.4f s on 2 threads (%.2f ns per trial-step per thread), %.4f s on 1 thread "
         "(%.2f ns), AVX2 path %s; numpy %.4f s", mc2, mc2 * 2e9 / ((double)TRIALS * STEPS), mc1,
         mc1 * 1e9 / ((double)TRIALS * STEPS), dmc_simd_available(DMC_SIMD_AVX2) ? "on" : "off (portable)", mnp);
  if (have_torch) printf("; torch %.4f s", bench_median(tt, PAIRS));
  printf("\n  mean final ELBO %.4f (C) %.4f (numpy)", mean_c, mean_np);
  if (have_torch) printf(" %.4f (torch)", mean_t);
  printf(", exact %.4f\n", STEPS * p.dt * (1 - p.dt / 2));
  bench_print_load("bench_langevin_elbo");
  return 0;
}
