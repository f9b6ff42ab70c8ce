/* cli_output.c -- the one output writer of the dmcheck CLI (cli.h).
 *
 * A file is written to a fresh mkstemp file in the target's directory and
 * renamed over the target only when complete, so a failure or a signal never
 * leaves a partial or truncated target. The target must be a regular file or
 * not exist: a symlink, FIFO, device or directory is refused, as is a target
 * that is one of the command's own inputs. "-" (or a path that is stdout's own
 * file, such as /dev/stdout) writes to stdout.
 *
 * Process state, CLI only: while temporary files exist their paths are kept
 * in static slots (at most CLI_OUTPUTS_MAX outputs open at once, as verify's
 * report beside its --rows-out), and SIGINT/SIGTERM/SIGHUP handlers unlink
 * them before the signal's default action proceeds. The handlers in place
 * before the first output opened are restored when the last one closes. The
 * library itself has no such state. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CLI_OUTPUTS_MAX 4
static char pending_tmp[CLI_OUTPUTS_MAX][PATH_MAX];
static volatile sig_atomic_t pending[CLI_OUTPUTS_MAX];
static int open_outputs; /* guarded slots in use; handlers installed while > 0 */
static const int cleanup_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define NSIG_CLEANUP (int)(sizeof cleanup_signals / sizeof *cleanup_signals)
static struct sigaction saved[NSIG_CLEANUP];

/* Tested by test_cli_io (test_output_signals*), but never counted by make
 * coverage: the process ends by the re-raised signal, so its gcov counters are
 * never written. */
/* GCOVR_EXCL_START */
static void on_signal(int sig)
{
  for (int i = 0; i < CLI_OUTPUTS_MAX; i++)
    if (pending[i]) unlink(pending_tmp[i]); /* async-signal-safe */
  for (int i = 0; i < CLI_OUTPUTS_MAX; i++) pending[i] = 0;
  signal(sig, SIG_DFL);
  raise(sig);
}
/* GCOVR_EXCL_STOP */

/* Called with the cleanup signals blocked; the slot index, or -1 when all are taken. */
static int guard(const char *tmp)
{
  int k = 0;
  while (k < CLI_OUTPUTS_MAX && pending[k]) k++;
  if (k == CLI_OUTPUTS_MAX) return -1;
  snprintf(pending_tmp[k], sizeof pending_tmp[k], "%s", tmp);
  pending[k] = 1;
  if (open_outputs++ == 0) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < NSIG_CLEANUP; i++) sigaction(cleanup_signals[i], &sa, &saved[i]);
  }
  return k;
}

static void unguard(int k)
{
  if (k < 0 || !pending[k]) return;
  pending[k] = 0;
  if (--open_outputs == 0)
    for (int i = 0; i < NSIG_CLEANUP; i++) sigaction(cleanup_signals[i], &saved[i], NULL);
}

static int same_file(const struct stat *a, const struct stat *b)
{
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

int cli_output_open(cli_output *o, const char *prog, const char *target, const char *const *inputs,
                    int ninputs)
{
  memset(o, 0, sizeof *o);
  o->f = stdout;
  struct stat st, so;
  if (!target || !strcmp(target, "-")) return 0;
  if (stat(target, &st) == 0 && fstat(STDOUT_FILENO, &so) == 0 && same_file(&st, &so)) return 0;
  for (int i = 0; i < ninputs; i++) {
    struct stat si;
    if (!inputs[i]) continue;
    int ok = strcmp(inputs[i], "-") ? stat(inputs[i], &si) : fstat(STDIN_FILENO, &si);
    if (ok == 0 && stat(target, &st) == 0 && same_file(&si, &st)) {
      fprintf(stderr, "%s: refusing to write over the input %s (-o %s)\n", prog, inputs[i], target);
      return 2;
    }
  }
  if (lstat(target, &st) == 0) {
    if (S_ISLNK(st.st_mode)) {
      fprintf(stderr, "%s: refusing to write to %s: it is a symbolic link (give the file itself)\n", prog, target);
      return 2;
    }
    if (!S_ISREG(st.st_mode)) {
      fprintf(stderr, "%s: refusing to write to %s: not a regular file (use -o - for stdout)\n", prog, target);
      return 2;
    }
  }
  const char *slash = strrchr(target, '/');
  size_t dirlen = slash ? (size_t)(slash - target) + 1 : 0;
  const char *base = slash ? slash + 1 : target;
  if (!*base) {
    fprintf(stderr, "%s: refusing to write to %s: it names a directory\n", prog, target);
    return 2;
  }
  size_t n = dirlen + strlen(base) + sizeof "..XXXXXX";
  if (n > sizeof pending_tmp[0]) {
    fprintf(stderr, "%s: output path too long: %s\n", prog, target);
    return 2;
  }
  o->tmp = malloc(n);
  if (!o->tmp) { fprintf(stderr, "%s: out of memory\n", prog); return 1; }
  snprintf(o->tmp, n, "%.*s.%s.XXXXXX", (int)dirlen, target, base);
  sigset_t block, old;
  sigemptyset(&block);
  for (int i = 0; i < NSIG_CLEANUP; i++) sigaddset(&block, cleanup_signals[i]);
  sigprocmask(SIG_BLOCK, &block, &old); /* no signal between creating and guarding */
  int fd = mkstemp(o->tmp);
  o->slot = fd >= 0 ? guard(o->tmp) : -1;
  if (fd >= 0 && o->slot < 0) {
    unlink(o->tmp);
    close(fd);
    fd = -1;
    errno = EMFILE;
  }
  sigprocmask(SIG_SETMASK, &old, NULL);
  if (fd < 0) {
    fprintf(stderr, "%s: cannot create a file beside %s: %s\n", prog, target, strerror(errno));
    free(o->tmp);
    o->tmp = NULL;
    return 1;
  }
  mode_t mask = umask(0);
  umask(mask);
  if (fchmod(fd, 0666 & ~mask) || !(o->f = fdopen(fd, "w"))) {
    fprintf(stderr, "%s: cannot write %s: %s\n", prog, o->tmp, strerror(errno));
    close(fd);
    o->f = NULL;
    cli_output_abort(o);
    return 1;
  }
  o->target = target;
  return 0;
}

int cli_output_commit(cli_output *o, const char *prog)
{
  if (!o->tmp) {
    if (fflush(o->f) || ferror(o->f)) {
      fprintf(stderr, "%s: write error on stdout\n", prog);
      return 1;
    }
    return 0;
  }
  int werr = ferror(o->f);
  if (fclose(o->f)) werr = 1;
  o->f = NULL;
  if (werr) {
    fprintf(stderr, "%s: write error on %s (%s left unchanged)\n", prog, o->tmp, o->target);
    cli_output_abort(o);
    return 1;
  }
  if (rename(o->tmp, o->target)) {
    fprintf(stderr, "%s: cannot rename %s to %s: %s (%s left unchanged)\n", prog, o->tmp, o->target,
            strerror(errno), o->target);
    cli_output_abort(o);
    return 1;
  }
  unguard(o->slot);
  free(o->tmp);
  o->tmp = NULL;
  return 0;
}

void cli_output_abort(cli_output *o)
{
  if (o->f && o->tmp) fclose(o->f);
  o->f = NULL;
  if (o->tmp) {
    unlink(o->tmp);
    unguard(o->slot);
    free(o->tmp);
    o->tmp = NULL;
  }
}
