/* cli.h -- the subcommands of the dmcheck command line. Each takes argc/argv
 * starting at its own name and returns the process exit status:
 * 0 success, 1 a check failed or exceeded its budget, 2 bad input. */
#ifndef DMC_CLI_H
#define DMC_CLI_H

#define DMC_CLI_VERSION "0.1.0"

#include <stddef.h>
#include <stdio.h>
#include "suites.h"

typedef struct {
  const char *name, *summary;
  int (*run)(int argc, char **argv);
} cli_command;

/* The function registry (functions.def, registry.h). */
#include "registry.h"

/* Parses an option's number with the data files' parser (csvread.h):
 * CSV_NUM_OK, CSV_NUM_BAD or CSV_NUM_OVERFLOW. */
int cli_parse_double(const char *s, double *out);
/* The same, printing "PROG: WHAT: <reason>: 'S'" on failure; 0 or -1. */
int cli_parse_option(const char *prog, const char *what, const char *s, double *out);
/* --shard I/N: 0 <= I < N <= CLI_SHARDS_MAX; 0, or -1 with "PROG: bad --shard ..." printed. */
#define CLI_SHARDS_MAX 1000000
/* The first line of a `dmcheck ref --shard` file starts so (cli_ref_merge.c). */
#define CLI_REF_SHARD_MARK "# dmcheck ref shard "
/* dmcheck merge of ref shards: the whole suite file from the n shards at
 * paths to out. 0, or 2 with "FILE:LINE:COL: message" in err. */
int cli_ref_merge(const char *const *paths, int n, FILE *out, char *err, size_t errlen);
int cli_parse_shard(const char *prog, const char *spec, unsigned *shard, unsigned *nshards);

int cli_list(int argc, char **argv);
int cli_eval(int argc, char **argv);
int cli_ref(int argc, char **argv);
int cli_verify(int argc, char **argv);
int cli_merge(int argc, char **argv);
int cli_sampler(int argc, char **argv);

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
/* The cost bound of one live evaluation: rows evaluated live must lie in the
 * documented domain of cli_live_domains (cli_util.c; README "The domain of
 * live rows"), where one row costs at most about a second of MPFR. Returns
 * the index of the offending input with a message in why, or -1 when the
 * row is within the domain. */
#define CLI_LIVE_T_MAX 10000
int cli_live_domain(const dmc_suite *s, const double *in, char *why, size_t len);
/* 1 if argv has --help or -h. */
int cli_wants_help(int argc, char **argv);
/* Writes done/total to stderr on one updating line when stderr is a
 * terminal (arg: the label); nothing otherwise. */
void cli_progress(size_t done, size_t total, void *label);


/* ---- the one output writer (cli_output.c) ---- */
typedef struct {
  FILE *f;              /* write here */
  const char *target;   /* NULL: stdout */
  char *tmp;            /* the temporary file beside the target */
  int slot;             /* its signal-cleanup slot (cli_output.c) */
} cli_output;
/* Opens TARGET for writing (NULL or "-": stdout). Refuses, with exit status
 * 2 and a message, a symlink, a non-regular file or one of inputs[] (NULL
 * entries are skipped; "-" is stdin); otherwise writes to a mkstemp file in
 * the target's directory. Returns 0, 2 refused, 1 I/O error. */
int cli_output_open(cli_output *o, const char *prog, const char *target, const char *const *inputs,
                    int ninputs);
/* Completes the output: the temporary file replaces the target. 0, or 1 with
 * a message (the target is then unchanged and the temporary removed). */
int cli_output_commit(cli_output *o, const char *prog);
/* Abandons the output: the temporary file is removed, the target unchanged. */
void cli_output_abort(cli_output *o);

#endif
