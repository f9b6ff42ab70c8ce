/* dmv_suites.c -- libdmcverify's suites, reference rows and function
 * registry (dmcverify.h). */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"
#include "dmcverify.h"
#include "suites.h"
#include "vecfile.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int dmv_nsuites(void) { return (int)dmc_nsuites; }

const char *dmv_suite_name(int i) { return i >= 0 && (size_t)i < dmc_nsuites ? dmc_suites[i]->name : NULL; }

int dmv_suite_shape(const char *suite, int *ninputs, int *noutputs)
{
  const dmc_suite *s = suite ? dmc_suite_find(suite) : NULL;
  if (!s) return 2;
  *ninputs = s->ninputs;
  *noutputs = s->noutputs;
  return 0;
}

const char *dmv_suite_input(const char *suite, int i)
{
  const dmc_suite *s = suite ? dmc_suite_find(suite) : NULL;
  return s && i >= 0 && i < s->ninputs ? s->input_names[i] : NULL;
}

const char *dmv_suite_output(const char *suite, int i)
{
  const dmc_suite *s = suite ? dmc_suite_find(suite) : NULL;
  return s && i >= 0 && i < s->noutputs ? s->output_names[i] : NULL;
}

const char *dmv_suite_description(const char *suite)
{
  const dmc_suite *s = suite ? dmc_suite_find(suite) : NULL;
  return s ? s->description : NULL;
}

int dmv_ref(const char *suite, const char *vectors, size_t *nrows, double **in, double **out,
            char *err, size_t errlen)
{
  *in = *out = NULL;
  *nrows = 0;
  const dmc_suite *s = suite ? dmc_suite_find(suite) : NULL;
  if (!s) { snprintf(err, errlen, "unknown suite '%s' (see 'dmcheck list --suites')", suite ? suite : "(null)"); return 2; }
  char dir[PATH_MAX], path[PATH_MAX + 64];
  int st = dmv_vectors_dir(vectors, dir, sizeof dir, err, errlen);
  if (st) return st;
  snprintf(path, sizeof path, "%s/%s.csv", dir, s->name);
  vec_table t = { 0 };
  struct stat sb;
  if (stat(path, &sb) == 0 ? vecfile_load(path, s, &t, err, errlen) != 0
                           : vecfile_compute(s, &t, NULL, NULL, err, errlen) != 0) return 1;
  *nrows = t.nrows;
  *in = t.in;
  *out = t.out;
  return 0;
}

int dmv_nfunctions(void) { return cli_nfunctions; }
const char *dmv_function_name(int i) { return i >= 0 && i < cli_nfunctions ? cli_functions[i].name : NULL; }
const char *dmv_function_args(int i) { return i >= 0 && i < cli_nfunctions ? cli_functions[i].args : NULL; }

int dmv_eval(const char *name, const double *args, int nargs, double *out, char *err, size_t errlen)
{
  *out = NAN;
  const cli_function *fn = name ? cli_find_function(name) : NULL;
  if (!fn) { snprintf(err, errlen, "unknown function '%s' (see 'dmcheck list')", name ? name : "(null)"); return 2; }
  if (nargs != fn->nargs) {
    snprintf(err, errlen, "%s takes %d arguments (%s), got %d", fn->name, fn->nargs, fn->args, nargs);
    return 2;
  }
  int rs = cli_function_ref(fn, args, out);
  if (rs == 0) return 0;
  snprintf(err, errlen, "%s: %s", fn->name, rs == 1 ? "arguments outside the domain"
                                          : rs == 2 ? "rounding could not be proved" : "out of memory");
  *out = NAN;
  return rs == 1 ? 2 : 1;
}
