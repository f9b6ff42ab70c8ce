/* cli_util.c -- small helpers shared by the subcommands. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"
#include "csvread.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_wants_help(int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return 1;
  return 0;
}

void cli_progress(size_t done, size_t total, void *label)
{
  if (!isatty(STDERR_FILENO)) return;
  if (total) fprintf(stderr, "\r%s: %zu/%zu rows (%d%%)", (const char *)label, done, total,
                     (int)(100.0 * (double)done / (double)total));
  else fprintf(stderr, "\r%s: %zu rows", (const char *)label, done);
  if (total && done >= total) fputs("\n", stderr);
  fflush(stderr);
}

int cli_parse_double(const char *s, double *out)
{
  return csv_parse_double(s, strlen(s), out);
}

int cli_parse_shard(const char *prog, const char *spec, unsigned *shard, unsigned *nshards)
{
  unsigned long i = 0, n = 0;
  char *e = NULL;
  int ok = spec[0] >= '0' && spec[0] <= '9';
  if (ok) { i = strtoul(spec, &e, 10); ok = *e == '/' && e[1] >= '0' && e[1] <= '9'; }
  if (ok) { n = strtoul(e + 1, &e, 10); ok = !*e && n >= 1 && n <= CLI_SHARDS_MAX && i < n; }
  if (!ok) {
    fprintf(stderr, "%s: bad --shard '%s' (I/N with 0 <= I < N <= %d)\n", prog, spec, CLI_SHARDS_MAX);
    return -1;
  }
  *shard = (unsigned)i;
  *nshards = (unsigned)n;
  return 0;
}

int cli_parse_option(const char *prog, const char *what, const char *s, double *out)
{
  int st = cli_parse_double(s, out);
  if (st == CSV_NUM_OK) return 0;
  fprintf(stderr, "%s: %s: %s: '%.60s%s'\n", prog, what, csv_number_error(st), s, strlen(s) > 60 ? "..." : "");
  return -1;
}

/* Where a live row's cost grows without bound: an input named T is a
 * schedule's step count (a prefix product over T steps per row); normal_cdf's
 * tanh_error at |x| > 40 is a difference below 2^-1074 whose rounding needs
 * tens of thousands of bits of erfc (Phi(-40) is already below the smallest
 * subnormal). suite NULL: every suite with that input. */
static const struct {
  const char *suite, *input;
  double max_abs;
  const char *why;
} live_domains[] = {
  { NULL, "T", CLI_LIVE_T_MAX, "a row costs O(T) MPFR products" },
  { "normal_cdf", "x", 40, "beyond it the rounding of tanh_error needs tens of thousands of bits" },
};

int cli_live_domain(const dmc_suite *s, const double *in, char *why, size_t len)
{
  int bad = dmc_suite_domain(s, in, why, len);
  if (bad >= 0) return bad;
  for (size_t d = 0; d < sizeof live_domains / sizeof *live_domains; d++) {
    if (live_domains[d].suite && strcmp(live_domains[d].suite, s->name)) continue;
    for (int i = 0; i < s->ninputs; i++)
      if (!strcmp(s->input_names[i], live_domains[d].input) && fabs(in[i]) > live_domains[d].max_abs) {
        snprintf(why, len, "%s = %.17g is outside the live-evaluation domain of suite %s (|%s| <= %g: %s)",
                 live_domains[d].input, in[i], s->name, live_domains[d].input, live_domains[d].max_abs,
                 live_domains[d].why);
        return i;
      }
  }
  return -1;
}
