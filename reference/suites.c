/* suites.c -- the registry of reference vector suites (see suites.h).
 * Each suite is defined in its own reference/suite_<name>.c; list it here. */
#include "suites.h"

#include <string.h>

/* extern const dmc_suite dmc_suite_xxx;  -- one line per suite */

const dmc_suite *const dmc_suites[] = {
  NULL /* registry sentinel; suites go before it */
};
const size_t dmc_nsuites = sizeof dmc_suites / sizeof *dmc_suites - 1;

const dmc_suite *dmc_suite_find(const char *name)
{
  for (size_t i = 0; i < dmc_nsuites; i++)
    if (!strcmp(dmc_suites[i]->name, name)) return dmc_suites[i];
  return NULL;
}
