/* cli_eval.c -- `dmcheck eval FUNCTION ARGS...`: the correctly rounded value
 * from the MPFR reference, beside libdmcheck's value and their ULP distance. */
#include "cli.h"
#include "dmcheck.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int cli_eval(int argc, char **argv)
{
  if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
    printf("usage: dmcheck eval FUNCTION ARGS...\n"
           "Prints the correctly rounded double of FUNCTION at ARGS (decimal or hex\n"
           "floats), as %%a and with 17 significant digits, and libdmcheck's value.\n"
           "'dmcheck list' shows the functions and their arguments.\n");
    return 0;
  }
  if (argc < 2) { fprintf(stderr, "dmcheck eval: missing FUNCTION (try --help)\n"); return 2; }
  const cli_function *fn = cli_find_function(argv[1]);
  if (!fn) { fprintf(stderr, "dmcheck eval: unknown function '%s' (see 'dmcheck list')\n", argv[1]); return 2; }
  if (argc - 2 != fn->nargs) {
    fprintf(stderr, "dmcheck eval: %s takes %d arguments (%s), got %d\n", fn->name, fn->nargs, fn->args, argc - 2);
    return 2;
  }
  double a[16];
  for (int i = 0; i < fn->nargs; i++)
    if (cli_parse_double(argv[2 + i], &a[i])) {
      fprintf(stderr, "dmcheck eval: argument %d ('%s') is not a number\n", i + 1, argv[2 + i]);
      return 2;
    }
  double ref = NAN, lib = NAN;
  int rs = fn->ref(a, &ref);
  if (rs == 1) { fprintf(stderr, "dmcheck eval: %s: arguments outside the domain\n", fn->name); return 2; }
  if (rs == 2) { fprintf(stderr, "dmcheck eval: %s: rounding could not be proved\n", fn->name); return 1; }
  printf("%s = %a  (%.17g)  correctly rounded\n", fn->name, ref, ref);
  if (fn->lib) {
    fn->lib(a, &lib);
    printf("libdmcheck      %a  (%.17g)  %.0f ULP\n", lib, lib, dmc_ulp_distance(lib, ref));
  }
  return 0;
}
