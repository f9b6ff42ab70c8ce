/* cli_functions.c -- the table of scalar functions the CLI can evaluate.
 * Add a row here to make a function available to list and eval. */
#include "cli.h"
#include "dmcheck.h"
#include "dmcref.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int ref_score(const double *a, double *o) { return ref_gauss_score(a[0], a[1], a[2], o); }
static int lib_score(const double *a, double *o) { return dmc_gauss_score(a[0], a[1], a[2], o); }
static int ref_logpdf(const double *a, double *o) { return ref_gauss_logpdf(a[0], a[1], a[2], o); }
static int lib_logpdf(const double *a, double *o) { return dmc_gauss_logpdf(a[0], a[1], a[2], o); }

const cli_function cli_functions[] = {
  { "gauss_score", 3, "x mu sigma", "gauss.score.toy", ref_score, lib_score },
  { "gauss_logpdf", 3, "x mu sigma", "gauss.pdf.toy", ref_logpdf, lib_logpdf },
  /* D2 */
  /* D4 */
  /* D6 */
  /* D7 */
  /* schedules */
};
const int cli_nfunctions = (int)(sizeof cli_functions / sizeof *cli_functions);

const cli_function *cli_find_function(const char *name)
{
  for (int i = 0; i < cli_nfunctions; i++)
    if (!strcmp(cli_functions[i].name, name)) return &cli_functions[i];
  return NULL;
}

int cli_parse_double(const char *s, double *out)
{
  char *end;
  errno = 0;
  *out = strtod(s, &end);
  return (end == s || *end != '\0' || (errno == ERANGE && isinf(*out))) ? -1 : 0;
}
