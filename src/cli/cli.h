/* cli.h -- the subcommands of the dmcheck command line. Each takes argc/argv
 * starting at its own name and returns the process exit status:
 * 0 success, 1 a check failed or exceeded its budget, 2 bad input. */
#ifndef DMC_CLI_H
#define DMC_CLI_H

#define DMC_CLI_VERSION "0.1.0"

typedef struct {
  const char *name, *summary;
  int (*run)(int argc, char **argv);
} cli_command;

/* One evaluable function: name, argument names, and its reference and
 * library implementations (either may be NULL). */
typedef struct {
  const char *name;
  int nargs;
  const char *args;          /* e.g. "x mu sigma" */
  const char *claim;
  int (*ref)(const double *args, double *out);
  int (*lib)(const double *args, double *out);
} cli_function;

/* The table of evaluable functions (cli_functions.c). */
extern const cli_function cli_functions[];
extern const int cli_nfunctions;
const cli_function *cli_find_function(const char *name);

/* Parses a double written in decimal or C99 hex; 0 on success. */
int cli_parse_double(const char *s, double *out);

int cli_list(int argc, char **argv);
int cli_eval(int argc, char **argv);

#endif
