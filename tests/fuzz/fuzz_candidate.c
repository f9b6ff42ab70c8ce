/* fuzz_candidate.c -- the candidate parser of dmcheck verify (cli_candidate.c):
 * byte 0 picks the suite, the rest is the CSV. The file is read on one thread
 * and again parsed ahead on 2 or 3 threads in blocks of 1 to 3 lines
 * (cli_cand_ahead.c): both readings must give the same rows and the same end
 * or error. */
#include "fuzz_util.h"
#include "cli_verify.h"

typedef struct { uint64_t hash; size_t rows; int status; char err[1024]; } reading;

static uint64_t mix(uint64_t h, uint64_t v)
{
  h = (h ^ v) * 0xbf58476d1ce4e5b9u;
  return h ^ (h >> 29);
}

static void read_all(cli_cand *c, reading *r)
{
  const dmc_suite *s = c->suite;
  cli_cand_row row;
  uint64_t h = 1, b;
  int k;
  while ((k = cli_cand_next(c, &row)) > 0) {
    if (row.id >= 0 && (size_t)row.id >= s->count()) abort(); /* ids are rows of the suite */
    h = mix(mix(h, (uint64_t)row.line), (uint64_t)row.id);
    for (int i = 0; i < s->ninputs; i++) if (c->in_col[i] >= 0) { memcpy(&b, &row.in[i], 8); h = mix(h, b); }
    for (int i = 0; i < s->noutputs; i++) if (c->out_col[i] >= 0) { memcpy(&b, &row.out[i], 8); h = mix(h, b); }
    r->rows++;
  }
  r->hash = h;
  r->status = k;
  snprintf(r->err, sizeof r->err, "%s", k < 0 ? c->csv.err : "");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1) return 0;
  const dmc_suite *s = dmc_suites[data[0] % dmc_nsuites];
  const char *path = fuzz_file("cand.csv", data + 1, size - 1);
  cli_cand c;
  if (cli_cand_open(&c, path, s, 0)) {
    if (strncmp(c.csv.err, path, strlen(path))) abort(); /* errors name the file */
    return 0;
  }
  reading one = { 0 }, many = { 0 };
  read_all(&c, &one);
  if (one.status < 0 && strncmp(one.err, path, strlen(path))) abort();
  cli_cand_close(&c);
  if (cli_cand_open(&c, path, s, 0) || cli_cand_parallel(&c, 2 + data[0] % 2, 1 + data[0] / 2 % 3)) abort();
  read_all(&c, &many);
  cli_cand_close(&c);
  if (one.hash != many.hash || one.rows != many.rows || one.status != many.status || strcmp(one.err, many.err))
    abort(); /* parsing ahead must not change what is read */
  return 0;
}
