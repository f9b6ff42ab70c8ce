/* cli_eval.c -- `dmcheck eval FUNCTION ARGS...`: the correctly rounded value
 * from the MPFR reference, beside libdmcheck's value and their ULP distance. */
#include "cli.h"
#include "dmcheck.h"
#include "suites.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* `dmcheck eval SUITE INPUTS...`: every output of a suite's row at these
 * inputs, correctly rounded. */
static int eval_suite(const dmc_suite *s, int argc, char **argv)
{
  if (argc - 2 != s->ninputs) {
    fprintf(stderr, "dmcheck eval: suite %s takes %d inputs (", s->name, s->ninputs);
    for (int i = 0; i < s->ninputs; i++) fprintf(stderr, "%s%s", i ? " " : "", s->input_names[i]);
    fprintf(stderr, "), got %d\n", argc - 2);
    return 2;
  }
  double in[DMC_SUITE_MAX_COLS], out[DMC_SUITE_MAX_COLS];
  for (int i = 0; i < s->ninputs; i++)
    if (cli_parse_option("dmcheck eval", s->input_names[i], argv[2 + i], &in[i])) return 2;
  char why[256];
  if (cli_live_domain(s, in, why, sizeof why) >= 0) { fprintf(stderr, "dmcheck eval: %s\n", why); return 2; }
  int st = s->eval(in, out);
  if (st == 1) { fprintf(stderr, "dmcheck eval: %s: inputs outside the domain\n", s->name); return 2; }
  if (st == 2) { fprintf(stderr, "dmcheck eval: %s: rounding could not be proved\n", s->name); return 1; }
  for (int i = 0; i < s->noutputs; i++)
    printf("%-24s %a  (%.17g)  correctly rounded\n", s->output_names[i], out[i], out[i]);
  return 0;
}

int cli_eval(int argc, char **argv)
{
  if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
    printf("usage: dmcheck eval FUNCTION ARGS...   or   dmcheck eval SUITE INPUTS...\n"
           "Prints the correctly rounded double of FUNCTION at ARGS (decimal or hex\n"
           "floats), as %%a and with 17 significant digits, and libdmcheck's value.\n"
           "'dmcheck list' shows the functions and their arguments.\n"
           "With a suite's name: every output of the suite at these inputs.\n");
    return 0;
  }
  if (argc < 2) { fprintf(stderr, "dmcheck eval: missing FUNCTION (try --help)\n"); return 2; }
  const cli_function *fn = cli_find_function(argv[1]);
  if (!fn) {
    const dmc_suite *s = dmc_suite_find(argv[1]);
    if (s) return eval_suite(s, argc, argv);
    fprintf(stderr, "dmcheck eval: unknown function or suite '%s' (see 'dmcheck list')\n", argv[1]);
    return 2;
  }
  if (argc - 2 != fn->nargs) {
    fprintf(stderr, "dmcheck eval: %s takes %d arguments (%s), got %d\n", fn->name, fn->nargs, fn->args, argc - 2);
    return 2;
  }
  double a[16];
  for (int i = 0; i < fn->nargs; i++)
    if (cli_parse_option("dmcheck eval", fn->name, argv[2 + i], &a[i])) return 2;
  double ref = NAN, lib = NAN;
  int rs = cli_function_ref(fn, a, &ref);
  if (rs == 1) { fprintf(stderr, "dmcheck eval: %s: arguments outside the domain\n", fn->name); return 2; }
  if (rs == 2) { fprintf(stderr, "dmcheck eval: %s: rounding could not be proved\n", fn->name); return 1; }
  if (rs == 3) { fprintf(stderr, "dmcheck eval: %s: out of memory\n", fn->name); return 1; }
  printf("%s = %a  (%.17g)  correctly rounded\n", fn->name, ref, ref);
  {
    cli_function_lib(fn, a, &lib);
    printf("libdmcheck      %a  (%.17g)  %.0f ULP\n", lib, lib, dmc_ulp_distance(lib, ref));
  }
  return 0;
}
