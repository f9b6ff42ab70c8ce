/* cli.h -- the subcommands of the dmcheck command line. Each takes argc/argv
 * starting at its own name and returns the process exit status:
 * 0 success, 1 a check failed or exceeded its budget, 2 bad input. */
#ifndef DMC_CLI_H
#define DMC_CLI_H

#define DMC_CLI_VERSION "0.1.0"

#include <stddef.h>

typedef struct {
  const char *name, *summary;
  int (*run)(int argc, char **argv);
} cli_command;

/* The function registry (functions.def, registry.h). */
#include "registry.h"

/* Parses a double written in decimal or C99 hex; 0 on success. */
int cli_parse_double(const char *s, double *out);

int cli_list(int argc, char **argv);
int cli_eval(int argc, char **argv);
int cli_ref(int argc, char **argv);
int cli_verify(int argc, char **argv);

/* ---- floating-point formats of candidates (cli_float.c) ---- */
typedef struct {
  const char *name;   /* float64, float32, float16, bfloat16 */
  int prec;           /* significand bits, hidden bit included */
  int emin, emax;     /* smallest normal 2^emin, largest binade 2^emax */
} cli_format;
const cli_format *cli_format_find(const char *name);
/* x rounded to nearest-even in the format (subnormals, overflow to inf). */
double cli_format_round(const cli_format *f, double x);
/* Distance in the format's ULPs of two of its values; NaN vs NaN is 0, NaN
 * vs a number infinite. */
double cli_format_ulp_distance(const cli_format *f, double a, double b);
/* ULP error of a candidate against the correctly rounded double ref: both
 * are rounded to the format (no double rounding: when ref lies exactly
 * halfway between two values of the format, either counts as correctly
 * rounded). *ref_in_format receives the rounded reference. */
double cli_format_error(const cli_format *f, double cand, double ref, double *ref_in_format);
/* |cand - ref| / |ref| (0 for equal values, inf when ref is 0 or one is NaN). */
double cli_relative_error(double cand, double ref);

/* ---- shared by the subcommands (cli_util.c) ---- */
/* 1 if argv has --help or -h. */
int cli_wants_help(int argc, char **argv);
/* Directory of the stored vectors: $DMC_VECTORS, else the source tree's
 * reference/vectors. */
const char *cli_vectors_dir(void);
/* Writes done/total to stderr on one updating line when stderr is a
 * terminal (arg: the label); nothing otherwise. */
void cli_progress(size_t done, size_t total, void *label);

#endif
