/* diag.c -- see diag.h. */
#define _GNU_SOURCE /* strverscmp */
#include "diag.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void diag_error(diag *d, const char *fmt, ...)
{
  char msg[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  fprintf(stderr, "%s: %s\n", d->tool, msg);
  if (d->log) fprintf(d->log, "%s\n", msg);
  d->errors++;
}

/* Natural order, so d9_... comes before d10_... (theory files, evidence). */
static int cmp_path(const void *a, const void *b)
{
  return strverscmp(*(char *const *)a, *(char *const *)b);
}

int dir_list(diag *d, const char *dir, const char *suffix, char ***names)
{
  *names = NULL;
  DIR *dp = opendir(dir);
  if (!dp) { diag_error(d, "cannot read directory %s: %s", dir, strerror(errno)); return -1; }
  size_t ls = strlen(suffix), n = 0, cap = 0;
  char **v = NULL;
  struct dirent *e;
  while ((e = readdir(dp))) {
    size_t l = strlen(e->d_name);
    if (e->d_name[0] == '.' || l <= ls || strcmp(e->d_name + l - ls, suffix)) continue;
    if (n == cap) {
      cap = cap ? 2 * cap : 16;
      char **nv = realloc(v, cap * sizeof *v);
      if (!nv) goto oom;
      v = nv;
    }
    size_t len = strlen(dir) + 1 + l + 1;
    if (!(v[n] = malloc(len))) goto oom;
    snprintf(v[n++], len, "%s/%s", dir, e->d_name);
  }
  closedir(dp);
  if (n) qsort(v, n, sizeof *v, cmp_path); /* v is NULL for an empty listing */
  *names = v;
  return (int)n;
oom:
  closedir(dp);
  dir_list_free(v, (int)n);
  diag_error(d, "out of memory listing %s", dir);
  return -1;
}

void dir_list_free(char **names, int n)
{
  for (int i = 0; i < n; i++) free(names[i]);
  free(names);
}
