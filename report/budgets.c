/* budgets.c -- reader of the ULP budget table (see budgets.h). */
#include "budgets.h"
#include "csvread.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BUDGET_ROWS 512

/* Copies the field into dst[size]; -1 if it does not fit. */
static int copy_field(char *dst, size_t size, const csv_field *f)
{
  if (f->len >= size) return -1;
  memcpy(dst, f->s, f->len);
  dst[f->len] = '\0';
  return 0;
}

static const char *default_path(void)
{
  const char *p = getenv("DMC_BUDGETS");
  return p && *p ? p : DMC_BUDGETS_FILE;
}

static int load_rows(csv_reader *c, budget_row *rows, int max_rows)
{
  int count = 0, k;
  while ((k = csv_next_record(c)) > 0) {
    csv_field fn, fb, fr, extra;
    if (count >= max_rows) return csv_error(c, 1, "more than %d rows (the reader's capacity)", max_rows);
    budget_row *row = &rows[count];
    if (csv_next_field(c, &fn) < 0) return -1;
    if ((k = csv_next_field(c, &fb)) <= 0 || (k = csv_next_field(c, &fr)) <= 0)
      return k < 0 ? -1 : csv_error(c, csv_end_col(c), "expected function<TAB>budget<TAB>reason");
    if ((k = csv_next_field(c, &extra)) != 0)
      return k < 0 ? -1 : csv_error(c, extra.col, "more than three tab-separated fields");
    if (!fn.len) return csv_error(c, fn.col, "empty function name");
    if (copy_field(row->function, sizeof row->function, &fn))
      return csv_error(c, fn.col, "function name longer than %zu bytes", sizeof row->function - 1);
    if (csv_field_double(c, &fb, "budget", &row->budget)) return -1;
    if (!(row->budget >= 0))
      return csv_error(c, fb.col, "budget '%.*s' is not a non-negative number", (int)(fb.len > 40 ? 40 : fb.len), fb.s);
    if (copy_field(row->reason, sizeof row->reason, &fr))
      return csv_error(c, fr.col, "reason longer than %zu bytes", sizeof row->reason - 1);
    count++;
  }
  return k < 0 ? -1 : count;
}

int budgets_load(const char *path, budget_row *rows, int max_rows, char *err, size_t errlen)
{
  if (!path) path = default_path();
  csv_reader c;
  if (csv_open(&c, path, '\t', 0, 0)) { snprintf(err, errlen, "%s", c.err); return -1; }
  int n = load_rows(&c, rows, max_rows);
  if (n < 0) snprintf(err, errlen, "%s", c.err);
  csv_close(&c);
  return n;
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
