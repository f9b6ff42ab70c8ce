/* bench_ref.c -- per-row cost of the certified references (what `dmcheck
 * ref` does for a suite: every output correctly rounded with a proof) beside
 * mpmath at 200 bits on the same rows (tests/bench/ref_mpmath.py, Debian's
 * python3-mpmath; skipped with a message when it is missing). Runs are
 * interleaved (C, mpmath, C, mpmath, ...); prints the median ratio with its
 * range, and how many of mpmath's doubles equal the stored vectors. Each run
 * of either side repeats the whole table until it has taken MIN_SECONDS
 * (C) or ref_mpmath.py's minimum (0.1 s), so a small suite is timed in steady
 * state on both sides, not by one pass through cold caches. */
#define _POSIX_C_SOURCE 200809L
#include "bench.h"
#include "suites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAIRS 5
#define MP_BITS 200
#define MIN_SECONDS 0.05

/* Seconds per row of the whole table through dmc_suite_rows (passes repeated
 * until MIN_SECONDS); -1 on failure. */
static double time_c(const dmc_suite *s)
{
  size_t n = s->count(), rows = 0;
  enum { CHUNK = 256 };
  double *in = malloc(CHUNK * DMC_SUITE_MAX_COLS * sizeof *in), *out = malloc(CHUNK * DMC_SUITE_MAX_COLS * sizeof *out);
  int st[CHUNK], bad = !in || !out;
  double t0 = bench_now(), t = 0;
  while (!bad && (rows == 0 || t < MIN_SECONDS)) {
    for (size_t r = 0; r < n && !bad; r += CHUNK) {
      size_t m = n - r < CHUNK ? n - r : CHUNK;
      bad = dmc_suite_rows(s, 0, r, m, in, out, st) != 0;
      for (size_t j = 0; j < m && !bad; j++) bad = st[j] == 2;
    }
    rows += n;
    t = bench_now() - t0;
  }
  free(in);
  free(out);
  return bad ? -1 : t / (double)rows;
}

/* Seconds per row of mpmath; -1 on failure, -2 when mpmath is missing. */
static double time_mpmath(const char *suite, char *agree, size_t len)
{
  char cmd[4096], line[512];
  snprintf(cmd, sizeof cmd, "/usr/bin/python3 -c 'import mpmath' 2>/dev/null && /usr/bin/python3 "
           "'%s/tests/bench/ref_mpmath.py' %s '%s/reference/vectors/%s.csv' %d || echo mpmath_missing",
           DMC_SOURCE_DIR, suite, DMC_SOURCE_DIR, suite, MP_BITS);
  FILE *f = popen(cmd, "r");
  double us = -1;
  int a = 0, n = 0;
  if (!f) return -1;
  while (fgets(line, sizeof line, f)) {
    if (!strncmp(line, "mpmath_missing", 14)) us = -2;
    else if (sscanf(line, "mpmath_us_per_row %lf rows %*d agree %d of %d", &us, &a, &n) == 3)
      snprintf(agree, len, "%d of %d", a, n);
  }
  pclose(f);
  return us > 0 ? us * 1e-6 : us;
}

int main(void)
{
  static const char *const suites[] = { "sched_cosine", "gauss_score", "gauss_kl", "tweedie", "edm_precond" };
  for (size_t i = 0; i < sizeof suites / sizeof *suites; i++) {
    const dmc_suite *s = dmc_suite_find(suites[i]);
    if (!s) { fprintf(stderr, "bench_ref: no suite %s\n", suites[i]); return 1; }
    double c[PAIRS], m[PAIRS], ratio[PAIRS];
    char agree[64] = "?";
    int have_mp = 1;
    for (int k = 0; k < PAIRS; k++) {
      c[k] = time_c(s);
      if (c[k] < 0) { fprintf(stderr, "bench_ref: %s: a rounding was not proved\n", s->name); return 1; }
      if (have_mp) {
        m[k] = time_mpmath(s->name, agree, sizeof agree);
        if (m[k] < 0) {
          have_mp = 0;
          printf("bench_ref: %s; the mpmath column is skipped\n",
                 m[k] == -2 ? "python3-mpmath is not installed (Debian: apt-get install python3-mpmath)" : "the mpmath run failed");
        }
      }
      if (have_mp) ratio[k] = m[k] / c[k];
    }
    double cm = bench_median(c, PAIRS);
    if (!have_mp) { printf("ref %s: %.1f us per row (certified)\n", s->name, 1e6 * cm); continue; }
    double mm = bench_median(m, PAIRS), rm = bench_median(ratio, PAIRS);
    printf("ref %s: %.1f us per row (certified) vs mpmath %d bits %.1f us per row: %.1fx mpmath (range %.1f-%.1f over "
           "%d pairs); mpmath's doubles equal the stored vectors in %s outputs\n",
           s->name, 1e6 * cm, MP_BITS, 1e6 * mm, rm, ratio[0], ratio[PAIRS - 1], PAIRS, agree);
  }
  bench_print_load("bench_ref");
  return 0;
}
