/* budgets.h -- reader of tests/budgets.tsv, the one table of ULP budgets.
 * Format: one row per function, tab-separated: function, budget_ulp, reason.
 * Lines starting with '#' and blank lines are ignored. The tests enforce the
 * budgets and the report prints the same table. */
#ifndef DMC_BUDGETS_H
#define DMC_BUDGETS_H

#include <stddef.h>

#ifndef DMC_BUDGETS_FILE
#define DMC_BUDGETS_FILE "tests/budgets.tsv"
#endif

typedef struct {
  char function[96];
  double budget;
  char reason[400];
} budget_row;

/* Reads the whole table (path NULL: $DMC_BUDGETS or DMC_BUDGETS_FILE).
 * Returns the row count, or -1 with a file:line message in err. */
int budgets_load(const char *path, budget_row *rows, int max_rows, char *err, size_t errlen);

/* Budget of one function; -1 and a message in err if absent or unreadable. */
double budgets_lookup(const char *function, char *err, size_t errlen);

#endif
