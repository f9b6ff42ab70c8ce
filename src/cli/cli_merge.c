/* cli_merge.c -- `dmcheck merge SHARD...`: the report of a whole verify run
 * from the shard reports of `dmcheck verify --shard I/N` (cli_shard.c), in
 * any report format, byte for byte what the single run prints; or the suite
 * file of `dmcheck ref` from the files of `dmcheck ref --shard I/N`
 * (cli_ref_merge.c). */
#define _POSIX_C_SOURCE 200809L
#include "cli_verify.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MERGE_MAX_BYTES ((off_t)64 << 20) /* a shard report is a few kB */

static void usage(FILE *f)
{
  fprintf(f,
    "usage: dmcheck merge SHARD... [--format text|json|junit] [-o OUT]\n"
    "Combines the N shard reports of one run of\n"
    "  dmcheck verify SUITE CANDIDATE --shard I/N --format json -o SHARD.json\n"
    "(I = 0..N-1, each given once, any order) into the report the run without\n"
    "--shard gives, in the chosen format (default text). Any batch system can\n"
    "run the shards (a Slurm array, a CI matrix); each reads the whole candidate\n"
    "but parses and verifies only its rows (row mod N = I).\n"
    "Given the N files of 'dmcheck ref SUITE --shard I/N', writes the suite file\n"
    "'dmcheck ref SUITE' writes (no --format).\n"
    "  --format F  text (default), json or junit\n"
    "  -o REPORT   write the report to REPORT (replaced when complete) instead of stdout\n"
    "Exit status: 0 within budget, 1 over budget, 2 bad input (a missing,\n"
    "malformed or foreign shard, a shard missing or given twice).\n");
}

/* Regular files of sane size only: a FIFO would block, a device never end. */
static int check_input(const char *path)
{
  struct stat st;
  if (stat(path, &st)) { fprintf(stderr, "dmcheck merge: %s: cannot open\n", path); return -1; }
  if (!S_ISREG(st.st_mode)) { fprintf(stderr, "dmcheck merge: %s: not a regular file\n", path); return -1; }
  if (st.st_size > MERGE_MAX_BYTES) { fprintf(stderr, "dmcheck merge: %s: larger than a shard report can be\n", path); return -1; }
  return 0;
}

static int is_ref_shard(const char *path)
{
  char head[sizeof CLI_REF_SHARD_MARK] = "";
  FILE *f = fopen(path, "r");
  size_t got = f ? fread(head, 1, sizeof head - 1, f) : 0;
  if (f) fclose(f);
  head[got] = '\0';
  return !strcmp(head, CLI_REF_SHARD_MARK);
}

int cli_merge(int argc, char **argv)
{
  if (cli_wants_help(argc, argv)) { usage(stdout); return 0; }
  const char *format = "text", *output = NULL;
  const char **paths = calloc((size_t)argc, sizeof *paths);
  if (!paths) { fprintf(stderr, "dmcheck merge: out of memory\n"); return 1; }
  int n = 0, st = 0, format_given = 0;
  for (int i = 1; i < argc && !st; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--format") || !strcmp(a, "-o") || !strcmp(a, "--output")) {
      if (++i >= argc) { fprintf(stderr, "dmcheck merge: %s needs a value\n", a); st = 2; break; }
      if (!strcmp(a, "--format")) format = argv[i], format_given = 1; else output = argv[i];
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "dmcheck merge: unknown option '%s' (try --help)\n", a);
      st = 2;
    } else if (check_input(a)) st = 2;
    else paths[n++] = a;
  }
  if (!st && !n) { fprintf(stderr, "dmcheck merge: no shard reports given (try --help)\n"); st = 2; }
  if (!st && strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "junit")) {
    fprintf(stderr, "dmcheck merge: unknown --format '%s' (text, json or junit)\n", format);
    st = 2;
  }
  if (!st && is_ref_shard(paths[0])) { /* ref shards: a suite file */
    cli_output w;
    char err[2048];
    if (format_given) { fprintf(stderr, "dmcheck merge: --format is for verify shards, not ref shards\n"); st = 2; }
    else if (!(st = cli_output_open(&w, "dmcheck merge", output, paths, n))) {
      if ((st = cli_ref_merge(paths, n, w.f, err, sizeof err))) {
        fprintf(stderr, "dmcheck merge: %s\n", err);
        cli_output_abort(&w);
      } else st = cli_output_commit(&w, "dmcheck merge") ? 1 : 0;
    }
    free(paths);
    return st;
  }
  cli_verify_result *r = st ? NULL : calloc(1, sizeof *r);
  if (!st && !r) { fprintf(stderr, "dmcheck merge: out of memory\n"); st = 1; }
  char err[2048];
  if (!st && (st = cli_shard_merge(paths, n, r, err, sizeof err))) fprintf(stderr, "dmcheck merge: %s\n", err);
  cli_output w;
  if (!st && !(st = cli_output_open(&w, "dmcheck merge", output, paths, n))) {
    if (!strcmp(format, "json")) cli_report_json(w.f, r);
    else if (!strcmp(format, "junit")) cli_report_junit(w.f, r);
    else cli_report_text(w.f, r);
    st = cli_output_commit(&w, "dmcheck merge") ? 2 : cli_verify_pass(r) ? 0 : 1;
  }
  free(r);
  free(paths);
  return st;
}
