/* cli_ref.c -- `dmcheck ref SUITE [-o FILE]`: writes a reference vector suite
 * (format: reference/vecfile.h) through the CLI's output writer (cli_output.c):
 * a failure or a signal never truncates an existing FILE. */
#include "cli.h"
#include "suites.h"
#include "vecfile.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
  fprintf(f,
    "usage: dmcheck ref SUITE [-o FILE] [--shard I/N]\n"
    "Writes the suite's reference vectors (inputs and correctly rounded outputs,\n"
    "with a provenance header) to FILE, or to stdout ('-'). FILE is replaced only\n"
    "when complete (a temporary file beside it, then rename); a symlink, FIFO,\n"
    "device or directory at FILE is refused. 'dmcheck list --suites' names the\n"
    "suites; the stored copies are reference/vectors/SUITE.csv (make reference).\n"
    "  --shard I/N  write only the I-th of N consecutive blocks of rows (0 <= I < N),\n"
    "               marked as a shard on its first line; 'dmcheck merge' of the N\n"
    "               shards is the file a run without --shard writes, byte for byte\n"
    "Exit status: 0 written, 1 a row could not be computed or written, 2 bad usage\n"
    "or a refused FILE.\n");
}

int cli_ref(int argc, char **argv)
{
  if (cli_wants_help(argc, argv)) { usage(stdout); return 0; }
  const char *name = NULL, *out = NULL;
  unsigned shard = 0, nshards = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--shard")) {
      if (++i >= argc) { fprintf(stderr, "dmcheck ref: --shard needs I/N\n"); return 2; }
      if (cli_parse_shard("dmcheck ref", argv[i], &shard, &nshards)) return 2;
    } else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
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
  cli_output w;
  int rc = cli_output_open(&w, "dmcheck ref", out, NULL, 0);
  if (rc) return rc;
  size_t n = s->count(), first = 0, end = n;
  if (nshards) {
    first = (size_t)shard * n / nshards;
    end = (size_t)(shard + 1) * n / nshards;
    fprintf(w.f, CLI_REF_SHARD_MARK "%u/%u rows %zu to %zu of %zu (dmcheck merge joins the shards)\n", shard, nshards,
            first, end, n);
  }
  if (vecfile_write_rows(w.f, s, first, end, cli_progress, label, err, sizeof err)) {
    fprintf(stderr, "dmcheck ref: %s%s%s%s\n", err, w.tmp ? " (" : "", w.tmp ? out : "", w.tmp ? " left unchanged)" : "");
    cli_output_abort(&w);
    return 1;
  }
  return cli_output_commit(&w, "dmcheck ref");
}
