/* cli_ref_merge.c -- `dmcheck merge` of the files of `dmcheck ref --shard
 * I/N`: each is a marker line, the suite file's header and a block of rows;
 * the merge checks that the N shards are one suite's (the same header), each
 * given once, with their rows' ids running on without a gap, and writes the
 * header once and the rows in order: the file of `dmcheck ref SUITE`. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <stdlib.h>
#include <string.h>

typedef struct { unsigned shard, nshards; size_t first, end, total; } mark;

static int read_mark(const char *line, mark *m)
{
  int used = 0;
  return sscanf(line, CLI_REF_SHARD_MARK "%u/%u rows %zu to %zu of %zu %n", &m->shard, &m->nshards, &m->first,
                &m->end, &m->total, &used) == 5 && used > 0 && m->shard < m->nshards && m->first <= m->end &&
         m->end <= m->total;
}

typedef struct {
  FILE *f;
  mark m;
  char *header;                         /* the lines up to the column names */
  size_t header_len;
} shard_file;

/* Opens a shard, reads its marker and header; 0 or 2 with err set. */
static int open_shard(const char *path, shard_file *s, char *err, size_t errlen)
{
  char *line = NULL;
  size_t cap = 0;
  long no = 0;
  FILE *hdr = NULL;
  s->f = fopen(path, "r");
  s->header = NULL;
  if (!s->f) { snprintf(err, errlen, "%s: cannot open", path); return 2; }
  int st = 2;
  if (getline(&line, &cap, s->f) < 0 || (no = 1, !read_mark(line, &s->m))) {
    snprintf(err, errlen, "%s:1:1: not a shard of dmcheck ref --shard (no '" CLI_REF_SHARD_MARK "I/N ...' line)", path);
    goto done;
  }
  hdr = open_memstream(&s->header, &s->header_len);
  if (!hdr) { snprintf(err, errlen, "out of memory"); goto done; }
  ssize_t k;
  while ((k = getline(&line, &cap, s->f)) > 0) {
    no++;
    fputs(line, hdr);
    if (line[0] != '#') break;          /* the column names end the header */
  }
  if (k <= 0) { snprintf(err, errlen, "%s:%ld:1: the header ends without the column names", path, no); goto done; }
  st = 0;
done:
  if (hdr && fclose(hdr)) st = 2;
  free(line);
  return st;
}

int cli_ref_merge(const char *const *paths, int n, FILE *out, char *err, size_t errlen)
{
  shard_file *sh = calloc((size_t)n, sizeof *sh);
  if (!sh) { snprintf(err, errlen, "out of memory"); return 1; }
  int st = 0, first = -1;
  for (int i = 0; i < n && !st; i++) {
    if ((st = open_shard(paths[i], &sh[i], err, errlen))) break;
    if (sh[i].m.nshards != (unsigned)n) {
      snprintf(err, errlen, "%s:1:1: shard %u of %u, but %d shards given (give all %u)", paths[i], sh[i].m.shard,
               sh[i].m.nshards, n, sh[i].m.nshards);
      st = 2;
    } else if (i && (sh[i].m.total != sh[0].m.total || sh[i].header_len != sh[0].header_len ||
                     memcmp(sh[i].header, sh[0].header, sh[0].header_len))) {
      snprintf(err, errlen, "%s: not a shard of the suite file of %s (another suite, header or row count)", paths[i],
               paths[0]);
      st = 2;
    }
    for (int j = 0; j < i && !st; j++)
      if (sh[j].m.shard == sh[i].m.shard) { snprintf(err, errlen, "%s:1:1: shard %u given twice", paths[i], sh[i].m.shard); st = 2; }
    if (!st && sh[i].m.shard == 0) first = i;
  }
  if (!st) fwrite(sh[first].header, 1, sh[first].header_len, out);
  char *line = NULL;
  size_t cap = 0, want = 0;
  for (unsigned k = 0; k < (unsigned)n && !st; k++) {
    int i = 0;
    while (sh[i].m.shard != k) i++;     /* every index is there: n distinct values below n */
    if (sh[i].m.first != want) {
      snprintf(err, errlen, "%s:1:1: shard %u starts at row %zu, not %zu", paths[i], k, sh[i].m.first, want);
      st = 2;
      break;
    }
    long no = 1;                        /* the line number: the marker and the header */
    for (const char *c = sh[i].header; *c; c++) no += *c == '\n';
    ssize_t len;
    while (!st && (len = getline(&line, &cap, sh[i].f)) > 0) {
      no++;
      char *e;
      unsigned long long id = strtoull(line, &e, 10);
      if (e == line || *e != ',' || id != want || want >= sh[i].m.end || (size_t)len != strlen(line) ||
          line[len - 1] != '\n') {
        snprintf(err, errlen, "%s:%ld:1: row %zu expected here (a shard must hold rows %zu to %zu, whole lines)",
                 paths[i], no, want, sh[i].m.first, sh[i].m.end);
        st = 2;
        break;
      }
      fwrite(line, 1, (size_t)len, out);
      want++;
    }
    if (!st && want != sh[i].m.end) {
      snprintf(err, errlen, "%s:%ld:1: the shard ends at row %zu, not %zu", paths[i], no, want, sh[i].m.end);
      st = 2;
    }
  }
  if (!st && want != sh[0].m.total) { snprintf(err, errlen, "the shards hold %zu of %zu rows", want, sh[0].m.total); st = 2; }
  free(line);
  for (int i = 0; i < n; i++) {
    if (sh[i].f) fclose(sh[i].f);
    free(sh[i].header);
  }
  free(sh);
  return st;
}
