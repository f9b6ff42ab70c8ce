/* registry.h -- the function registry (functions.def) as a table: what
 * `dmcheck eval` evaluates, `dmcheck list` lists (--json for bindings) and
 * the bad-cases test checks. */
#ifndef DMC_CLI_REGISTRY_H
#define DMC_CLI_REGISTRY_H

#include <stddef.h>
#include "dmcheck.h"

/* The shapes: the C type a row's lib and ref share and how many doubles the
 * command line gives it. X(shape, nargs, parameter list); every function
 * returns int. */
#define REG_SHAPES(X) \
  X(x2, 2, (double, double, double *)) \
  X(x3, 3, (double, double, double, double *)) \
  X(x4, 4, (double, double, double, double, double *)) \
  X(x5, 5, (double, double, double, double, double, double *)) \
  X(x8, 8, (double, double, double, double, double, double, double, double, double *)) \
  X(x3o2, 3, (double, double, double, double *, double *)) \
  X(sde_tx, 6, (const dmc_sde *, double, double, double *)) \
  X(sde_t, 5, (const dmc_sde *, double, double *)) \
  X(sde_t3, 5, (const dmc_sde *, double, double *, double *, double *)) \
  X(gmix2, 9, (double, double, double, size_t, const double *, const double *, const double *, dmc_weights, double *)) \
  X(convert, 5, (int, int, double, double, double, double *)) \
  X(emp2, 5, (double, double, double, size_t, const double *, double *))

#define REG_TYPE(shape, nargs, params) typedef int reg_fn_##shape params;
REG_SHAPES(REG_TYPE)
#undef REG_TYPE
#define REG_MEMBER(shape, nargs, params) reg_fn_##shape *shape;
typedef union { REG_SHAPES(REG_MEMBER) } reg_impl;
#undef REG_MEMBER

typedef struct {
  const char *name;
  int nargs;
  const char *args, *outputs, *claim;  /* space-separated names; claim ids */
  const char *lib_name, *ref_name;     /* C symbols; lib_name keys tests/budgets.tsv */
  const char *shape, *signature;       /* the shape and its C type, for bindings */
  int sel;                             /* which output */
  int (*call)(reg_impl f, int sel, const double *args, double *out);
  reg_impl lib, ref;
} cli_function;

extern const cli_function cli_functions[];
extern const int cli_nfunctions;
const cli_function *cli_find_function(const char *name);

/* The reference's correctly rounded value (status 0 ok, 1 domain error,
 * 2 rounding not proved, 3 out of memory; dmcref.h) and libdmcheck's value
 * (DMC_OK or an error code) at args[0..nargs-1]. Arguments that do not fit
 * the shape's integer parameters are a domain error (NaN). */
int cli_function_ref(const cli_function *fn, const double *args, double *out);
int cli_function_lib(const cli_function *fn, const double *args, double *out);

#endif
