/* fuzz_merge.c -- the shard report reader of dmcheck merge (cli_shard.c):
 * the input is one shard report; a malformed one is refused with a message
 * naming the file, an accepted one merges into a result with sane counts. */
#include "fuzz_util.h"
#include "cli_verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_scratch_clear();
  const char *path = fuzz_file("shard.json", data, size);
  cli_verify_result *r = calloc(1, sizeof *r);
  if (!r) abort();
  char err[2048];
  const char *paths[1] = { path };
  int st = cli_shard_merge(paths, 1, r, err, sizeof err);
  if (st == 2 && strncmp(err, path, strlen(path)) && !strstr(err, "no data rows")) abort();
  if (st == 0) {
    for (int i = 0; i < r->suite->noutputs; i++)
      if (r->out[i].nworst > r->worst_k || r->out[i].nworst < 0) abort();
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) abort();
    cli_report_text(f, r);
    cli_report_json(f, r);
    fclose(f);
    free(buf);
  }
  free(r);
  return 0;
}
