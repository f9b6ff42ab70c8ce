/* cli_run.c -- see cli_run.h. */
#define _POSIX_C_SOURCE 200809L
#include "cli_run.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int find_cli(cli_runner *r)
{
  const char *env = getenv("DMC_CLI");
  if (env && *env) { snprintf(r->cli, sizeof r->cli, "%s", env); return access(r->cli, X_OK); }
  char self[PATH_MAX - 32];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return -1;
  self[n] = '\0';
  char *slash = strrchr(self, '/');
  if (!slash) return -1;
  *slash = '\0';
  snprintf(r->cli, sizeof r->cli, "%s/../bin/dmcheck", self);
  return access(r->cli, X_OK);
}

int cli_runner_open(cli_runner *r, const char *program)
{
  memset(r, 0, sizeof *r);
  snprintf(r->dir, sizeof r->dir, "/tmp/dmc_%s_XXXXXX", program);
  if (!mkdtemp(r->dir)) return -1;
  if (find_cli(r)) {
    fprintf(stderr, "%s: the CLI %s is missing; build it first (make)\n", program, r->cli);
    r->cli[0] = '\0';
  }
  return 0;
}

static void remove_tree(const char *dir)
{
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  char p[PATH_MAX + 260];
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    struct stat st;
    if (!lstat(p, &st) && S_ISDIR(st.st_mode)) remove_tree(p);
    else unlink(p);
  }
  closedir(d);
  rmdir(dir);
}

void cli_runner_close(cli_runner *r)
{
  if (r->dir[0]) remove_tree(r->dir);
  r->dir[0] = '\0';
}

void cli_path(const cli_runner *r, const char *name, char *buf, size_t len)
{
  snprintf(buf, len, "%s/%s", r->dir, name);
}

void cli_write_file(const cli_runner *r, const char *name, const char *text, size_t len, char *buf, size_t buflen)
{
  cli_path(r, name, buf, buflen);
  FILE *f = fopen(buf, "wb");
  if (f) {
    fwrite(text, 1, len, f);
    fclose(f);
  }
}

void cli_read_file(const char *path, char *buf, size_t len)
{
  buf[0] = '\0';
  FILE *f = fopen(path, "r");
  if (!f) return;
  size_t n = fread(buf, 1, len - 1, f);
  buf[n] = '\0';
  fclose(f);
}

static pid_t spawn(cli_runner *r, const char *in_path, char *const *argv, const char *po, const char *pe)
{
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    int fi = open(in_path ? in_path : "/dev/null", O_RDONLY);
    int fo = strncmp(po, "/dev/", 5) ? open(po, O_WRONLY | O_CREAT | O_TRUNC, 0644) : open(po, O_WRONLY);
    int fe = strncmp(pe, "/dev/", 5) ? open(pe, O_WRONLY | O_CREAT | O_TRUNC, 0644) : open(pe, O_WRONLY);
    if (fi < 0 || fo < 0 || fe < 0) _exit(126);
    dup2(fi, 0);
    dup2(fo, 1);
    dup2(fe, 2);
    if (r->fsize_limit > 0) {
      struct rlimit rl = { (rlim_t)r->fsize_limit, (rlim_t)r->fsize_limit };
      signal(SIGXFSZ, SIG_IGN);
      if (setrlimit(RLIMIT_FSIZE, &rl)) _exit(125);
    }
    execv(r->cli, argv);
    _exit(127);
  }
  return pid;
}

static int status_of(int st)
{
  return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
}

int cli_run(cli_runner *r, const char *in_path, ...)
{
  char *argv[40];
  int argc = 0;
  argv[argc++] = r->cli;
  va_list ap;
  va_start(ap, in_path);
  char *a;
  while ((a = va_arg(ap, char *)) && argc < 39) argv[argc++] = a;
  va_end(ap);
  argv[argc] = NULL;
  char po[PATH_MAX + 16], pe[PATH_MAX + 16];
  cli_path(r, "stdout.txt", po, sizeof po);
  cli_path(r, "stderr.txt", pe, sizeof pe);
  if (r->stdout_to) unlink(po);
  if (r->stderr_to) unlink(pe);
  pid_t pid = spawn(r, in_path, argv, r->stdout_to ? r->stdout_to : po, r->stderr_to ? r->stderr_to : pe);
  int st;
  if (pid < 0 || waitpid(pid, &st, 0) < 0) return -1;
  cli_read_file(po, r->out, sizeof r->out);
  cli_read_file(pe, r->err, sizeof r->err);
  return status_of(st);
}

pid_t cli_start(cli_runner *r, const char *const *argv)
{
  char *v[40];
  int n = 0;
  v[n++] = r->cli;
  for (int i = 0; argv[i] && n < 39; i++) v[n++] = (char *)argv[i];
  v[n] = NULL;
  char po[PATH_MAX + 16], pe[PATH_MAX + 16];
  cli_path(r, "async.out", po, sizeof po);
  cli_path(r, "async.err", pe, sizeof pe);
  return spawn(r, NULL, v, po, pe);
}

int cli_wait(cli_runner *r, pid_t pid)
{
  int st;
  if (pid < 0 || waitpid(pid, &st, 0) < 0) return -1;
  char pe[PATH_MAX + 16];
  cli_path(r, "async.err", pe, sizeof pe);
  cli_read_file(pe, r->err, sizeof r->err);
  return status_of(st);
}

int cli_files_equal(const char *a, const char *b)
{
  FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
  int eq = fa && fb;
  while (eq) {
    int ca = getc(fa), cb = getc(fb);
    if (ca != cb) eq = 0;
    if (ca == EOF || cb == EOF) break;
  }
  if (fa) fclose(fa);
  if (fb) fclose(fb);
  return eq;
}
