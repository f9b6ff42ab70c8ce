/* csvread.c -- see csvread.h. */
#include "csvread.h"

#include <stdlib.h>
#include <string.h>

static int push(csv_record *r, size_t *len, char c)
{
  if (*len + 1 >= r->cap) {
    size_t cap = r->cap ? 2 * r->cap : 256;
    char *b = realloc(r->buf, cap);
    if (!b) return -1;
    r->buf = b;
    r->cap = cap;
  }
  r->buf[(*len)++] = c;
  return 0;
}

int csv_next(FILE *f, csv_record *r, int *line)
{
  size_t len = 0, starts[CSV_MAX_FIELDS];
  int c, quoted = 0, nf = 0, any = 0;
  r->line = *line + 1;
  starts[nf++] = 0;
  while ((c = fgetc(f)) != EOF) {
    any = 1;
    if (quoted) {
      if (c == '"') {
        int d = fgetc(f);
        if (d == '"') { if (push(r, &len, '"')) return -1; continue; }
        quoted = 0;
        if (d == EOF) break;
        c = d;
      } else {
        if (c == '\n') (*line)++;
        if (push(r, &len, (char)c)) return -1;
        continue;
      }
    }
    if (c == '"') { quoted = 1; continue; }
    if (c == '\r') continue;
    if (c == '\n') { (*line)++; break; }
    if (c == ',') {
      if (push(r, &len, '\0')) return -1;
      if (nf >= CSV_MAX_FIELDS) return -1;
      starts[nf++] = len;
      continue;
    }
    if (push(r, &len, (char)c)) return -1;
  }
  if (!any) return 0;
  if (quoted) return -1;
  if (c == EOF) (*line)++;
  if (push(r, &len, '\0')) return -1;
  r->nfields = nf;
  for (int i = 0; i < nf; i++) r->field[i] = r->buf + starts[i];
  return 1;
}

void csv_free(csv_record *r)
{
  free(r->buf);
  r->buf = NULL;
  r->cap = 0;
}
