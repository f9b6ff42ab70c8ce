/* cli_run.h -- runs the built dmcheck CLI from a test program: finds it
 * ($DMC_CLI, else ../bin/dmcheck beside the test's directory), gives each test
 * program a private scratch directory, and captures stdout and stderr. */
#ifndef DMC_CLI_RUN_H
#define DMC_CLI_RUN_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#define CLI_RUN_OUTBUF 65536

typedef struct {
  char cli[PATH_MAX];      /* "" when the CLI is not built */
  char dir[PATH_MAX];      /* scratch directory, removed by cli_runner_close */
  char out[CLI_RUN_OUTBUF], err[CLI_RUN_OUTBUF];
  const char *stdout_to;   /* if set, cli_run sends stdout there (out stays "") */
  const char *stderr_to;   /* the same for stderr (a terminal, say) */
  long fsize_limit;        /* if > 0: RLIMIT_FSIZE of the run, SIGXFSZ ignored (writes fail) */
} cli_runner;

/* Finds the CLI and creates /tmp/dmc_PROGRAM_XXXXXX. 0, or -1 (no directory). */
int cli_runner_open(cli_runner *r, const char *program);
void cli_runner_close(cli_runner *r);
/* DIR/name into buf. */
void cli_path(const cli_runner *r, const char *name, char *buf, size_t len);
/* Writes text to DIR/name (binary-safe: len bytes); returns the path in buf. */
void cli_write_file(const cli_runner *r, const char *name, const char *text, size_t len, char *buf, size_t buflen);
/* The file's first len - 1 bytes into buf, NUL-terminated ("" if unreadable). */
void cli_read_file(const char *path, char *buf, size_t len);
/* 1 if both files exist and have the same bytes. */
int cli_files_equal(const char *a, const char *b);

/* Runs dmcheck with the NULL-terminated arguments, stdin from in_path (NULL:
 * /dev/null); stdout and stderr land in r->out and r->err. Returns the exit
 * status, 128 + N if signal N ended it, -1 if it could not run. */
int cli_run(cli_runner *r, const char *in_path, ...);
/* Starts dmcheck without waiting (stdout, stderr to DIR/async.out, .err). */
pid_t cli_start(cli_runner *r, const char *const *argv);
/* Waits for a started run: the status as cli_run gives it. */
int cli_wait(cli_runner *r, pid_t pid);

#endif
