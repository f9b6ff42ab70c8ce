/* cli_ref.c -- `dmcheck ref SUITE [-o FILE]`: writes a reference vector suite
 * (format: reference/vecfile.h). A file is written atomically: FILE.tmp, then
 * rename, so a failure never truncates an existing FILE. */
#include "cli.h"
#include "suites.h"
#include "vecfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
  fprintf(f,
    "usage: dmcheck ref SUITE [-o FILE]\n"
    "Writes the suite's reference vectors (inputs and correctly rounded outputs,\n"
    "with a provenance header) to FILE, or to stdout. FILE is replaced atomically\n"
    "(FILE.tmp, then rename). 'dmcheck list --suites' names the suites; the stored\n"
    "copies are reference/vectors/SUITE.csv (make reference regenerates them).\n"
    "Exit status: 0 written, 1 a row could not be computed or written, 2 bad usage.\n");
}

int cli_ref(int argc, char **argv)
{
  if (cli_wants_help(argc, argv)) { usage(stdout); return 0; }
  const char *name = NULL, *out = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
      if (++i >= argc) { fprintf(stderr, "dmcheck ref: -o needs a FILE\n"); return 2; }
      out = argv[i];
    } else if (argv[i][0] == '-' && argv[i][1]) {
      fprintf(stderr, "dmcheck ref: unknown option '%s' (try --help)\n", argv[i]);
      return 2;
    } else if (!name) {
      name = argv[i];
    } else {
      fprintf(stderr, "dmcheck ref: unexpected argument '%s'\n", argv[i]);
      return 2;
    }
  }
  if (!name) { fprintf(stderr, "dmcheck ref: missing SUITE (see 'dmcheck list --suites')\n"); return 2; }
  const dmc_suite *s = dmc_suite_find(name);
  if (!s) { fprintf(stderr, "dmcheck ref: unknown suite '%s' (see 'dmcheck list --suites')\n", name); return 2; }

  char err[1024], label[128];
  snprintf(label, sizeof label, "dmcheck ref %s", s->name);
  if (!out || !strcmp(out, "-")) {
    if (vecfile_write(stdout, s, cli_progress, label, err, sizeof err)) {
      fprintf(stderr, "dmcheck ref: %s\n", err);
      return 1;
    }
    return 0;
  }
  size_t n = strlen(out) + 5;
  char *tmp = malloc(n);
  if (!tmp) { fprintf(stderr, "dmcheck ref: out of memory\n"); return 1; }
  snprintf(tmp, n, "%s.tmp", out);
  FILE *f = fopen(tmp, "w");
  if (!f) {
    fprintf(stderr, "dmcheck ref: cannot write %s: %s\n", tmp, strerror(errno));
    free(tmp);
    return 1;
  }
  int rc = vecfile_write(f, s, cli_progress, label, err, sizeof err);
  if (fclose(f) && !rc) { snprintf(err, sizeof err, "write error: %s", strerror(errno)); rc = -1; }
  if (!rc && rename(tmp, out)) { snprintf(err, sizeof err, "cannot rename %s to %s: %s", tmp, out, strerror(errno)); rc = -1; }
  if (rc) {
    remove(tmp);
    fprintf(stderr, "dmcheck ref: %s (%s left unchanged)\n", err, out);
  }
  free(tmp);
  return rc ? 1 : 0;
}
