/* evidence.c -- the evidence writer (see evidence.h). */
#define _POSIX_C_SOURCE 200809L
#include "evidence.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef DMC_RESULTS_DEFAULT
#define DMC_RESULTS_DEFAULT "build/results"
#endif

#define DEFAULT_SEED 20261125UL

struct dmc_evidence { FILE *f; };

unsigned long evidence_seed(const char *program)
{
  const char *s = getenv("DMC_SEED");
  unsigned long seed = DEFAULT_SEED;
  if (s && *s) {
    char *end;
    errno = 0;
    seed = strtoul(s, &end, 0);
    if (errno || *end != '\0' || s[0] == '-') {
      fprintf(stderr, "%s: DMC_SEED='%s' is not an unsigned integer\n", program, s);
      exit(2);
    }
  }
  printf("%s: DMC_SEED=%lu (set DMC_SEED to override)\n", program, seed);
  fflush(stdout);
  return seed;
}

const char *evidence_results_dir(void)
{
  const char *d = getenv("DMC_RESULTS");
  return d && *d ? d : DMC_RESULTS_DEFAULT;
}

static int make_dirs(const char *path)
{
  char buf[4096];
  size_t len = strlen(path);
  if (len >= sizeof buf) return -1;
  memcpy(buf, path, len + 1);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) return -1;
    *p = '/';
  }
  return (mkdir(buf, 0777) != 0 && errno != EEXIST) ? -1 : 0;
}

FILE *evidence_data_file(const char *subdir, const char *name)
{
  char dir[4096], path[4200];
  int len = snprintf(dir, sizeof dir, "%s/%s", evidence_results_dir(), subdir);
  if (len < 0 || (size_t)len >= sizeof dir || strlen(name) + 1 + (size_t)len >= sizeof path) {
    fprintf(stderr, "dmcheck: the path %s/%s/%s is too long\n", evidence_results_dir(), subdir, name);
    return NULL; /* never a truncated path, which would name another directory */
  }
  if (make_dirs(dir) != 0) {
    fprintf(stderr, "dmcheck: cannot create directory %s: %s\n", dir, strerror(errno));
    return NULL;
  }
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (!f) fprintf(stderr, "dmcheck: cannot write %s: %s\n", path, strerror(errno));
  return f;
}

dmc_evidence *evidence_open(const char *program)
{
  char name[512];
  snprintf(name, sizeof name, "%s.csv", program);
  FILE *f = evidence_data_file("evidence", name);
  if (!f) return NULL;
  dmc_evidence *ev = malloc(sizeof *ev);
  if (!ev) { fclose(f); return NULL; }
  ev->f = f;
  for (int c = 0; c < EV_NCOLUMNS; c++) fprintf(f, "%s%s", c ? "," : "", ev_column_name((ev_column)c));
  fputc('\n', f);
  return ev;
}

void evidence_csv_field(FILE *f, const char *s)
{
  if (!strpbrk(s, ",\"\n\r")) { fputs(s, f); return; }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
  }
  fputc('"', f);
}

char *evidence_vformat(const char *fmt, va_list ap)
{
  va_list ap2;
  va_copy(ap2, ap);
  int len = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  char *s = len >= 0 ? malloc((size_t)len + 1) : NULL;
  if (s) vsnprintf(s, (size_t)len + 1, fmt, ap);
  return s;
}

int evidence_row(dmc_evidence *ev, const char *claim, const char *kind, int pass,
                 const char *check, unsigned long n, unsigned long seed, const char *fmt, ...)
{
  if (ev_kind_parse(kind) < 0) {
    fprintf(stderr, "evidence: unknown evidence kind '%s' for claim %s (see report/evschema.h)\n", kind, claim);
    return 0;
  }
  if (!ev) return pass;
  va_list ap;
  va_start(ap, fmt);
  char *detail = evidence_vformat(fmt, ap);
  va_end(ap);
  if (!detail) { fprintf(stderr, "evidence: out of memory writing claim %s\n", claim); return 0; }
  evidence_csv_field(ev->f, claim);
  fprintf(ev->f, ",%s,", kind);
  evidence_csv_field(ev->f, check);
  fprintf(ev->f, ",%d,%lu,%lu,", pass ? 1 : 0, n, seed);
  evidence_csv_field(ev->f, detail);
  free(detail);
  fputc('\n', ev->f);
  fflush(ev->f);
  return pass;
}

int evidence_close(dmc_evidence *ev)
{
  if (!ev) return 0;
  int bad = ferror(ev->f) != 0;
  bad |= fclose(ev->f) != 0;
  free(ev);
  return bad ? -1 : 0;
}
