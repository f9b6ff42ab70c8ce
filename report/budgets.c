/* budgets.c -- reader of the ULP budget table (see budgets.h). */
#include "budgets.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BUDGET_ROWS 512

/* Copies src into dst[size], truncating; returns 0 if it fitted. */
static int copy_field(char *dst, size_t size, const char *src)
{
  size_t len = strlen(src);
  int fits = len < size;
  if (!fits) len = size - 1;
  memcpy(dst, src, len);
  dst[len] = '\0';
  return fits ? 0 : -1;
}

static const char *default_path(void)
{
  const char *p = getenv("DMC_BUDGETS");
  return p && *p ? p : DMC_BUDGETS_FILE;
}

int budgets_load(const char *path, budget_row *rows, int max_rows, char *err, size_t errlen)
{
  if (!path) path = default_path();
  FILE *f = fopen(path, "r");
  if (!f) { snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno)); return -1; }
  char line[1024];
  int count = 0, lineno = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    line[strcspn(line, "\r\n")] = '\0';
    if (line[0] == '#' || line[0] == '\0') continue;
    char *tab1 = strchr(line, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
    if (!tab1 || !tab2) {
      snprintf(err, errlen, "%s:%d:%d: expected function<TAB>budget<TAB>reason", path, lineno,
               tab1 ? (int)(tab1 - line) + 2 : (int)strlen(line) + 1);
      fclose(f);
      return -1;
    }
    *tab1 = *tab2 = '\0';
    char *end;
    double b = strtod(tab1 + 1, &end);
    if (end == tab1 + 1 || *end != '\0' || !(b >= 0)) {
      snprintf(err, errlen, "%s:%d:%d: budget '%s' is not a non-negative number", path, lineno,
               (int)(tab1 - line) + 2, tab1 + 1);
      fclose(f);
      return -1;
    }
    if (count >= max_rows) { snprintf(err, errlen, "%s: more than %d rows", path, max_rows); fclose(f); return -1; }
    if (copy_field(rows[count].function, sizeof rows[count].function, line)) {
      snprintf(err, errlen, "%s:%d:1: function name longer than %zu characters", path, lineno,
               sizeof rows[count].function - 1);
      fclose(f);
      return -1;
    }
    rows[count].budget = b;
    copy_field(rows[count].reason, sizeof rows[count].reason, tab2 + 1);
    count++;
  }
  fclose(f);
  return count;
}

double budgets_lookup(const char *function, char *err, size_t errlen)
{
  budget_row *rows = malloc(MAX_BUDGET_ROWS * sizeof *rows);
  if (!rows) { snprintf(err, errlen, "out of memory"); return -1; }
  int n = budgets_load(NULL, rows, MAX_BUDGET_ROWS, err, errlen);
  double b = -1;
  for (int i = 0; i < n; i++)
    if (strcmp(rows[i].function, function) == 0) b = rows[i].budget;
  if (n >= 0 && b < 0) snprintf(err, errlen, "%s has no row in the budget table %s", function, default_path());
  free(rows);
  return b;
}
