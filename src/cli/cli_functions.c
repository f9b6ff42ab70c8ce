/* cli_functions.c -- the registry's table, generated from functions.def, and
 * the calls of each shape (registry.h). */
#include "cli.h"
#include "dmcheck.h"
#include "dmcref.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- one call per shape: the command-line doubles into the C arguments -- */
static int call_x2(reg_impl f, int sel, const double *a, double *o)
{
  (void)sel;
  return f.x2(a[0], a[1], o);
}
static int call_x3(reg_impl f, int sel, const double *a, double *o)
{
  (void)sel;
  return f.x3(a[0], a[1], a[2], o);
}
static int call_x4(reg_impl f, int sel, const double *a, double *o)
{
  (void)sel;
  return f.x4(a[0], a[1], a[2], a[3], o);
}
static int call_x5(reg_impl f, int sel, const double *a, double *o)
{
  (void)sel;
  return f.x5(a[0], a[1], a[2], a[3], a[4], o);
}
static int call_x8(reg_impl f, int sel, const double *a, double *o)
{
  (void)sel;
  return f.x8(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], o);
}
static int call_x3o2(reg_impl f, int sel, const double *a, double *o)
{
  double out[2];
  int st = f.x3o2(a[0], a[1], a[2], &out[0], &out[1]);
  *o = out[sel];
  return st;
}
/* kind p0 p1 p2 as dmc_sde; a kind that is not a small integer becomes 0,
 * which no SDE has (converting it to int directly would be undefined). */
static dmc_sde sde_of(const double *a)
{
  int kind = a[0] >= -1000 && a[0] <= 1000 && a[0] == floor(a[0]) ? (int)a[0] : 0;
  dmc_sde s = { kind, a[1], a[2], a[3] };
  return s;
}
static int call_sde_tx(reg_impl f, int sel, const double *a, double *o)
{
  (void)sel;
  dmc_sde s = sde_of(a);
  return f.sde_tx(&s, a[4], a[5], o);
}
static int call_sde_t(reg_impl f, int sel, const double *a, double *o)
{
  (void)sel;
  dmc_sde s = sde_of(a);
  return f.sde_t(&s, a[4], o);
}
static int call_sde_t3(reg_impl f, int sel, const double *a, double *o)
{
  dmc_sde s = sde_of(a);
  double out[3];
  int st = f.sde_t3(&s, a[4], &out[0], &out[1], &out[2]);
  *o = out[sel];
  return st;
}
/* x_t mu_t sigma_t, then (w, m, s) per component, linear weights */
static int call_gmix2(reg_impl f, int sel, const double *a, double *o)
{
  (void)sel;
  const double w[2] = { a[3], a[6] }, m[2] = { a[4], a[7] }, s[2] = { a[5], a[8] };
  return f.gmix2(a[0], a[1], a[2], 2, w, m, s, DMC_WEIGHTS_LINEAR, o);
}
/* from, to: DMC_PARAM_* */
static int param_kind_ok(double k) { return k >= DMC_PARAM_EPS && k <= DMC_PARAM_SCORE && k == floor(k); }
static int call_convert(reg_impl f, int sel, const double *a, double *o)
{
  (void)sel;
  if (!param_kind_ok(a[0]) || !param_kind_ok(a[1])) { *o = NAN; return 1; }
  return f.convert((int)a[0], (int)a[1], a[2], a[3], a[4], o);
}

/* x_t alpha s, then the two data points */
static int call_emp2(reg_impl f, int sel, const double *a, double *o)
{
  (void)sel;
  const double x0[2] = { a[3], a[4] };
  return f.emp2(a[0], a[1], a[2], 2, x0, o);
}

/* ---- the table ---------------------------------------------------------- */
#define REG_NARGS(shape, nargs, params) enum { reg_nargs_##shape = nargs };
REG_SHAPES(REG_NARGS)
#undef REG_NARGS
#define REG_SIGNATURE(shape, nargs, params) static const char reg_signature_##shape[] = "int " #params;
REG_SHAPES(REG_SIGNATURE)
#undef REG_SIGNATURE

#define FN(name, shape, sel, lib, ref, args, outputs, claims) \
  { #name, reg_nargs_##shape, args, outputs, claims, #lib, #ref, #shape, reg_signature_##shape, sel, \
    call_##shape, { .shape = lib }, { .shape = ref } },
const cli_function cli_functions[] = {
#include "functions.def"
};
#undef FN
const int cli_nfunctions = (int)(sizeof cli_functions / sizeof *cli_functions);

const cli_function *cli_find_function(const char *name)
{
  for (int i = 0; i < cli_nfunctions; i++)
    if (!strcmp(cli_functions[i].name, name)) return &cli_functions[i];
  return NULL;
}

int cli_function_ref(const cli_function *fn, const double *args, double *out)
{
  return fn->call(fn->ref, fn->sel, args, out);
}

int cli_function_lib(const cli_function *fn, const double *args, double *out)
{
  return fn->call(fn->lib, fn->sel, args, out);
}
