/* test_cli_io.c -- the dmcheck CLI on hostile input and hostile output paths
 * (issue 12): every case below once lost a file, replaced a special file or
 * gave a wrong answer. Each runs the built CLI (tests/cli_run.h) and asserts
 * its exit status, its one-line message with FILE:LINE:COL, and the state of
 * every file involved. Also the plain paths of eval, list and the options,
 * with values checked against MPFR here. Evidence: vectors.format.roundtrip
 * (a failed or refused write leaves the target unchanged) and
 * vectors.verify.malformed (bad input: exit 2, one line at the fault). */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <mpfr.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "budgets.h"
#include "cli_run.h"
#include "dmcheck.h"
#include "csvread.h"
#include "prop.h"
#include "suites.h"
#include "vecfile.h"

#define PROGRAM "test_cli_io"
#define SUITE "gauss_score"

typedef struct {
  unsigned long seed;
  dmc_evidence *ev;
  cli_runner r;
  char vectors[PATH_MAX + 16], stored[PATH_MAX + 64];
} fixture;

static int setup(void **state)
{
  fixture *fx = calloc(1, sizeof *fx);
  if (!fx) return -1;
  fx->seed = prop_seed(PROGRAM);
  fx->ev = evidence_open(PROGRAM);
  if (!fx->ev || cli_runner_open(&fx->r, PROGRAM)) return -1;
  cli_path(&fx->r, "vectors", fx->vectors, sizeof fx->vectors);
  if (mkdir(fx->vectors, 0755)) return -1;
  snprintf(fx->stored, sizeof fx->stored, "%s/%s.csv", fx->vectors, SUITE);
  if (fx->r.cli[0] && cli_run(&fx->r, NULL, "ref", SUITE, "-o", fx->stored, (char *)NULL) != 0) return -1;
  *state = fx;
  return 0;
}

static int teardown(void **state)
{
  fixture *fx = *state;
  if (!fx) return 0;
  cli_runner_close(&fx->r);
  int status = evidence_close(fx->ev);
  free(fx);
  return status ? -1 : 0;
}

#define NEED_CLI(fx) do { if (!(fx)->r.cli[0]) fail_msg("the dmcheck CLI is not built (make)"); } while (0)

/* stderr is exactly one line starting with prefix and containing what, after
 * any "dmcheck verify: note:" lines (which are not errors). */
static int one_line(const fixture *fx, const char *prefix, const char *what)
{
  const char *e = fx->r.err;
  while (!strncmp(e, "dmcheck verify: note: ", 22) && strchr(e, '\n')) e = strchr(e, '\n') + 1;
  const char *nl = strchr(e, '\n');
  return nl && nl[1] == '\0' && !strncmp(e, prefix, strlen(prefix)) && strstr(e, what);
}

static int same_bytes(const char *path, const char *text)
{
  static char buf[CLI_RUN_OUTBUF];
  cli_read_file(path, buf, sizeof buf);
  return !strcmp(buf, text);
}

/* Number of entries of the scratch directory whose name starts with prefix
 * (. and .. not counted). */
static int count_prefixed(const fixture *fx, const char *prefix)
{
  DIR *d = opendir(fx->r.dir);
  int n = 0;
  struct dirent *e;
  while (d && (e = readdir(d)))
    n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && !strncmp(e->d_name, prefix, strlen(prefix));
  if (d) closedir(d);
  return n;
}

/* ---- outputs: nothing lost, nothing special replaced -------------------- */

static void test_output_refusals(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  char cand[PATH_MAX + 64], victim[PATH_MAX + 64], link[PATH_MAX + 64], fifo[PATH_MAX + 64], dev[PATH_MAX + 64],
       dir[PATH_MAX + 64];
  const char *ctext = "id,score\n0,1\n";
  cli_write_file(&fx->r, "c.csv", ctext, strlen(ctext), cand, sizeof cand);
  cli_write_file(&fx->r, "victim", "victim\n", 7, victim, sizeof victim);
  int ok = 1, n = 0;
  char fails[1024] = "";
#define CASE(cond, name) do { n++; if (!(cond)) { ok = 0; snprintf(fails + strlen(fails), sizeof fails - strlen(fails), "[%s: exit %d, %.100s] ", name, st, fx->r.err); } } while (0)

  /* the report over its own candidate, or over the stored vectors */
  int st = cli_run(&fx->r, NULL, "verify", SUITE, cand, "--vectors", fx->vectors, "-o", cand, (char *)NULL);
  CASE(st == 2 && one_line(fx, "dmcheck verify: refusing", "input") && same_bytes(cand, ctext), "-o CANDIDATE");
  char before[PATH_MAX + 64];
  cli_path(&fx->r, "stored-copy.csv", before, sizeof before);
  cli_run(&fx->r, NULL, "ref", SUITE, "-o", before, (char *)NULL);
  st = cli_run(&fx->r, NULL, "verify", SUITE, cand, "--vectors", fx->vectors, "-o", fx->stored, (char *)NULL);
  CASE(st == 2 && cli_files_equal(before, fx->stored), "-o STORED-VECTORS");

  /* a symlink (to a file we must not touch) */
  cli_path(&fx->r, "link.csv", link, sizeof link);
  int made = symlink(victim, link) == 0;
  st = cli_run(&fx->r, NULL, "ref", SUITE, "-o", link, (char *)NULL);
  struct stat sb;
  CASE(made && st == 2 && one_line(fx, "dmcheck ref: refusing", "symbolic link") && same_bytes(victim, "victim\n") &&
       !lstat(link, &sb) && S_ISLNK(sb.st_mode), "-o SYMLINK");

  /* a FIFO (opening it would block) and a directory */
  cli_path(&fx->r, "fifo", fifo, sizeof fifo);
  made = mkfifo(fifo, 0600) == 0;
  st = cli_run(&fx->r, NULL, "ref", SUITE, "-o", fifo, (char *)NULL);
  CASE(made && st == 2 && one_line(fx, "dmcheck ref: refusing", "not a regular file") && !stat(fifo, &sb) &&
       S_ISFIFO(sb.st_mode), "-o FIFO");
  cli_path(&fx->r, "adir", dir, sizeof dir);
  mkdir(dir, 0755);
  st = cli_run(&fx->r, NULL, "ref", SUITE, "-o", dir, (char *)NULL);
  CASE(st == 2 && !stat(dir, &sb) && S_ISDIR(sb.st_mode), "-o DIRECTORY");

  /* a device node: our own copy of /dev/null's numbers (needs root), never
   * the system's node */
  cli_path(&fx->r, "devnull", dev, sizeof dev);
  struct stat sn;
  if (!stat("/dev/null", &sn) && mknod(dev, S_IFCHR | 0666, sn.st_rdev) == 0) {
    st = cli_run(&fx->r, NULL, "ref", SUITE, "-o", dev, (char *)NULL);
    CASE(st == 2 && !stat(dev, &sb) && S_ISCHR(sb.st_mode), "-o DEVICE");
  }

  /* the old predictable FILE.tmp: a symlink there is never followed */
  char out[PATH_MAX + 64], tmplink[PATH_MAX + 80];
  cli_path(&fx->r, "out.csv", out, sizeof out);
  snprintf(tmplink, sizeof tmplink, "%s.tmp", out);
  made = symlink(victim, tmplink) == 0;
  st = cli_run(&fx->r, NULL, "ref", SUITE, "-o", out, (char *)NULL);
  CASE(made && st == 0 && same_bytes(victim, "victim\n") && !lstat(out, &sb) && S_ISREG(sb.st_mode) &&
       cli_files_equal(out, fx->stored), "FILE.tmp symlink");

  /* "-" and /dev/stdout write to stdout */
  st = cli_run(&fx->r, NULL, "ref", SUITE, "-o", "/dev/stdout", (char *)NULL);
  CASE(st == 0 && !strncmp(fx->r.out, "# dmcheck reference vectors: suite " SUITE, 35), "-o /dev/stdout");
  st = cli_run(&fx->r, NULL, "verify", SUITE, cand, "--vectors", fx->vectors, "-o", "-", "--format", "json", (char *)NULL);
  CASE(st == 1 && fx->r.out[0] == '{', "verify -o -");

  /* no temporary file is left behind by any of these */
  int left = count_prefixed(fx, ".");
  n++;
  if (left) { ok = 0; snprintf(fails + strlen(fails), sizeof fails - strlen(fails), "[%d temporary files left] ", left); }
#undef CASE
  evidence_row(fx->ev, "vectors.format.roundtrip", "behaviour", ok,
               "dmcheck -o refuses its inputs, symlinks, FIFOs, devices and directories and never follows FILE.tmp",
               (unsigned long)n, fx->seed, "%d cases%s%s", n, *fails ? ": " : "", fails);
  PROP_CHECK(ok, "output refusals: %s", fails);
}

/* SIGINT or SIGTERM while `ref -o FILE` writes: FILE keeps its old bytes and
 * the temporary file is removed. The signal is sent once the temporary file
 * exists (polled); a run that finishes first is retried with the next
 * signal attempt. */
static void test_output_signals(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  static const int sigs[] = { SIGINT, SIGTERM };
  const char *suite = "sched_cosine"; /* about a second to write */
  int ok = 1, tried = 0;
  char msg[512] = "";
  for (int k = 0; k < 2; k++) {
    char out[PATH_MAX + 64];
    cli_write_file(&fx->r, "sig.csv", "old\n", 4, out, sizeof out);
    int caught = 0;
    for (int attempt = 0; attempt < 5 && !caught; attempt++) {
      const char *argv[] = { "ref", suite, "-o", out, NULL };
      pid_t pid = cli_start(&fx->r, argv);
      struct timespec ms = { 0, 1000000 };
      for (int w = 0; w < 20000 && !count_prefixed(fx, ".sig.csv."); w++) nanosleep(&ms, NULL);
      if (count_prefixed(fx, ".sig.csv.")) kill(pid, sigs[k]);
      int st = cli_wait(&fx->r, pid);
      if (st == 128 + sigs[k]) {
        caught = 1;
        tried++;
        int kept = same_bytes(out, "old\n"), clean = count_prefixed(fx, ".sig.csv.") == 0;
        if (!kept || !clean) {
          ok = 0;
          snprintf(msg + strlen(msg), sizeof msg - strlen(msg), "[signal %d: target %s, temporary %s] ", sigs[k],
                   kept ? "kept" : "changed", clean ? "removed" : "left");
        }
      }
    }
    if (!caught) {
      ok = 0;
      snprintf(msg + strlen(msg), sizeof msg - strlen(msg), "[signal %d never arrived while writing] ", sigs[k]);
    }
  }
  evidence_row(fx->ev, "vectors.format.roundtrip", "behaviour", ok,
               "SIGINT/SIGTERM during dmcheck ref -o FILE: FILE unchanged, no temporary file left", (unsigned long)tried,
               fx->seed, "%d signals delivered while writing %s%s%s", tried, suite, *msg ? ": " : "", msg);
  PROP_CHECK(ok, "signals: %s", msg);
}

/* verify -o REPORT --rows-out ROWS holds two temporary files at once: a
 * signal must remove both (the writer once kept one slot, so the report's
 * temporary was left behind and the saved handlers were lost). */
static void test_output_signals_two_outputs(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  size_t nrows = 200000, cap = nrows * 12 + 16, len = 0;
  char *cand = malloc(cap);
  assert_non_null(cand);
  len += (size_t)snprintf(cand, cap, "id,score\n");
  for (size_t i = 0; i < nrows; i++) len += (size_t)snprintf(cand + len, cap - len, "%zu,0\n", i % 100);
  char cpath[PATH_MAX + 64], rep[PATH_MAX + 64], rows[PATH_MAX + 64];
  cli_write_file(&fx->r, "two.csv", cand, len, cpath, sizeof cpath);
  free(cand);
  int ok = 0, caught = 0;
  char msg[256] = "the signal never arrived while both files were open";
  for (int attempt = 0; attempt < 5 && !caught; attempt++) {
    cli_write_file(&fx->r, "two_rep.txt", "old\n", 4, rep, sizeof rep);
    cli_write_file(&fx->r, "two_rows.csv", "old\n", 4, rows, sizeof rows);
    const char *argv[] = { "verify", SUITE, cpath, "-o", rep, "--rows-out", rows, NULL };
    pid_t pid = cli_start(&fx->r, argv);
    struct timespec ms = { 0, 1000000 };
    int both = 0;
    for (int w = 0; w < 20000 && !both; w++) {
      both = count_prefixed(fx, ".two_rep.txt.") && count_prefixed(fx, ".two_rows.csv.");
      if (!both) nanosleep(&ms, NULL);
    }
    if (both) kill(pid, SIGINT);
    if (cli_wait(&fx->r, pid) == 128 + SIGINT) {
      caught = 1;
      int left = count_prefixed(fx, ".two_rep.txt.") + count_prefixed(fx, ".two_rows.csv.");
      int kept = same_bytes(rep, "old\n") && same_bytes(rows, "old\n");
      ok = !left && kept;
      snprintf(msg, sizeof msg, "%d temporary file(s) left, targets %s", left, kept ? "kept" : "changed");
    }
  }
  evidence_row(fx->ev, "vectors.format.roundtrip", "behaviour", ok,
               "SIGINT during dmcheck verify -o REPORT --rows-out ROWS: both targets unchanged, both temporaries removed",
               (unsigned long)caught, fx->seed, "%s", msg);
  PROP_CHECK(ok, "two outputs: %s", msg);
}

/* ---- inputs: exit 2 with FILE:LINE:COL ----------------------------------- */

typedef struct {
  const char *what, *content, *pos, *message;
  const char *opt;   /* NULL, "--live", "--vectors-empty", or the suite to use */
} bad_input;

static const bad_input bad[] = {
  { "1e999999", "id,score\n0,1e999999\n", "2:3", "overflows binary64", NULL },
  { "0x1p99999", "id,score\n0,0x1p99999\n", "2:3", "overflows binary64", NULL },
  { "-1e400 with inputs", "x,mu,sigma,score\n1,0,-1e400,1\n", "2:5", "overflows binary64", "--live" },
  { "id 1e300 --live", "id,score\n1e300,1\n", "2:1", "is not a row of suite", "--live" },
  { "id 1e300 no stored vectors", "id,score\n1e300,1\n", "2:1", "is not a row of suite", "--vectors-empty" },
  { "id 1e300 with inputs --live", "x,mu,sigma,id,score\n1,0,1,1e300,1\n", "2:7", "is not a row of suite", "--live" },
  { "id -1", "id,score\n-1,1\n", "2:1", "is not a row of suite", NULL },
  { "id 0.5", "id,score\n0.5,1\n", "2:1", "is not a row of suite", NULL },
  { "lone CR", "id,score\r0,1\n", "1:9", "lone CR", NULL },
  { "lone CR in a field", "id,score\n0,1\r2\n", "2:4", "lone CR", NULL },
  { "comments only", "# a\n# b\n# c\n", "3:1", "no header line", NULL },
  { "comments only, no final LF", "# a\n# b", "2:1", "no header line", NULL },
  { "header then comments", "id,score\n# nothing\n", "2:1", "no data rows", NULL },
  { "NUL byte", "id,score\n0,1\0\n", "2:4", "NUL byte", NULL },
  { "T beyond the cost bound", "T,t,alphabar\n1000000,1000000,0\n", "2:1", "live-evaluation domain", "sched_linear" },
  { "x beyond the cost bound", "x,phi\n0,0.5\n200,1\n", "3:1", "live-evaluation domain", "normal_cdf" },
  { "vertical tab", "id,score\n0,\v1\n", "2:3", "not a number", NULL },
  { "blank id", "id,score\n ,1\n", "2:1", "not a number", NULL },
  { "missing field", "id,score,logpdf\n0,1\n", "2:4", "missing field", NULL },
};

static void test_bad_inputs(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  char path[PATH_MAX + 64], want[PATH_MAX + 96], empty[PATH_MAX + 64], fails[4096] = "";
  cli_path(&fx->r, "empty-vectors", empty, sizeof empty);
  mkdir(empty, 0755);
  size_t nb = sizeof bad / sizeof *bad, good = 0;
  for (size_t k = 0; k < nb; k++) {
    const bad_input *b = &bad[k];
    size_t len = strlen(b->content);
    if (!strcmp(b->what, "NUL byte")) len += 2; /* the NUL and the LF after it */
    cli_write_file(&fx->r, "bad.csv", b->content, len, path, sizeof path);
    const char *suite = b->opt && strncmp(b->opt, "--", 2) ? b->opt : SUITE; /* opt may name the suite */
    const char *opt = b->opt && !strcmp(b->opt, "--live") ? "--live" : "--vectors";
    const char *dir = b->opt && !strcmp(b->opt, "--vectors-empty") ? empty : fx->vectors;
    int st = !strcmp(opt, "--live") ? cli_run(&fx->r, NULL, "verify", suite, path, "--live", (char *)NULL)
                                    : cli_run(&fx->r, NULL, "verify", suite, path, "--vectors", dir, (char *)NULL);
    snprintf(want, sizeof want, "%s:%s: ", path, b->pos);
    int ok = st == 2 && one_line(fx, want, b->message);
    good += ok;
    if (!ok && strlen(fails) < sizeof fails - 300)
      snprintf(fails + strlen(fails), sizeof fails - strlen(fails), "[%s: exit %d, stderr '%.160s'] ", b->what, st, fx->r.err);
  }

  /* a million 9s: the same parser, the same message */
  size_t big = 1000000;
  char *nines = malloc(big + 32);
  PROP_CHECK(nines != NULL, "out of memory");
  memcpy(nines, "id,score\n0,", 11);
  memset(nines + 11, '9', big);
  memcpy(nines + 11 + big, "\n", 2);
  cli_write_file(&fx->r, "nines.csv", nines, strlen(nines), path, sizeof path);
  free(nines);
  int st = cli_run(&fx->r, NULL, "verify", SUITE, path, "--vectors", fx->vectors, (char *)NULL);
  snprintf(want, sizeof want, "%s:2:3: ", path);
  int m9 = st == 2 && one_line(fx, want, "overflows binary64");
  /* options: the same parser and message */
  const char *cand = "id,score\n0,1\n";
  cli_write_file(&fx->r, "good.csv", cand, strlen(cand), path, sizeof path);
  st = cli_run(&fx->r, NULL, "verify", SUITE, path, "--budget-ulp", "1e999", (char *)NULL);
  int opt = st == 2 && one_line(fx, "dmcheck verify: --budget-ulp: ", "overflows binary64");
  st = cli_run(&fx->r, NULL, "eval", "gauss_score", "0x1p99999", "0", "1", (char *)NULL);
  opt &= st == 2 && one_line(fx, "dmcheck eval: ", "overflows binary64");
  st = cli_run(&fx->r, NULL, "eval", "sched_linear", "1000000", "5", (char *)NULL);
  opt &= st == 2 && one_line(fx, "dmcheck eval: ", "live-evaluation domain");

  /* endless input: /dev/zero, and a pipe that never ends (the size cap) */
  st = cli_run(&fx->r, NULL, "verify", SUITE, "/dev/zero", (char *)NULL);
  int zero = st == 2 && one_line(fx, "/dev/zero:1:1: ", "NUL byte");
  char fifo[PATH_MAX + 64];
  cli_path(&fx->r, "endless", fifo, sizeof fifo);
  int endless = 0;
  if (mkfifo(fifo, 0600) == 0) {
    pid_t writer = fork();
    if (writer == 0) {
      signal(SIGPIPE, SIG_DFL);
      FILE *f = fopen(fifo, "w");
      static const char chunk[] = "0,1.5\n0,1.5\n0,1.5\n0,1.5\n0,1.5\n0,1.5\n0,1.5\n0,1.5\n";
      if (f && fputs("id,score\n", f) >= 0)
        while (fwrite(chunk, 1, sizeof chunk - 1, f) == sizeof chunk - 1) {}
      _exit(0);
    }
    /* the candidate is streamed: --max-bytes is the cap (default 2^40) */
    st = cli_run(&fx->r, fifo, "verify", SUITE, "-", "--vectors", fx->vectors, "--max-bytes", "1000000", (char *)NULL);
    kill(writer, SIGKILL);
    waitpid(writer, NULL, 0);
    snprintf(want, sizeof want, "-:%ld:", (1000000L - 9) / 6 + 2);
    endless = st == 2 && one_line(fx, want, "larger than");
  }
  int ok = good == nb && m9 && opt && zero && endless;
  evidence_row(fx->ev, "vectors.verify.malformed", "behaviour", ok,
               "hostile candidates (overflowing numbers, bad ids on every path, lone CR, comments only, NUL, endless "
               "input, rows beyond the cost bound): exit 2, one line FILE:LINE:COL",
               (unsigned long)(nb + 6), fx->seed, "%zu of %zu files at the right line:column; a million 9s %s; "
               "options %s; /dev/zero %s; endless pipe %s%s%s", good, nb, m9 ? "ok" : "WRONG", opt ? "ok" : "WRONG",
               zero ? "ok" : "WRONG", endless ? "ok" : "WRONG", *fails ? "; " : "", fails);
  PROP_CHECK(ok, "bad inputs: %zu of %zu, nines %d, options %d, zero %d, endless %d (%s): %s", good, nb, m9, opt, zero,
             endless, fx->r.err, fails);
}

/* ---- reports parse as XML and JSON whatever the file name --------------- */

static int python_parses(fixture *fx, const char *report, const char *how)
{
  char prog[PATH_MAX + 64], code[2048];
  snprintf(code, sizeof code,
           "import sys, json, xml.etree.ElementTree as E\n"
           "p = sys.argv[1]\n"
           "%s\n", how);
  cli_write_file(&fx->r, "parse.py", code, strlen(code), prog, sizeof prog);
  pid_t pid = fork();
  if (pid == 0) {
    execl("/usr/bin/python3", "python3", prog, report, (char *)NULL); /* Debian's, as make check uses */
    _exit(127);
  }
  int st;
  return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void test_report_names(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  const char *names[] = { "ctl\x01\x1b\x7f name.csv", "bad\xff\xfe utf8 & <x>.csv", "quote\"tab\tnl\n.csv",
                          "ok \xc3\xa9\xe2\x82\xac.csv" };
  int n = (int)(sizeof names / sizeof *names), good = 0;
  char fails[1024] = "";
  const char *cand = "id,score\n0,1\n";
  for (int i = 0; i < n; i++) {
    char path[PATH_MAX + 64], xml[PATH_MAX + 64], json[PATH_MAX + 64];
    cli_write_file(&fx->r, names[i], cand, strlen(cand), path, sizeof path);
    cli_path(&fx->r, "report.xml", xml, sizeof xml);
    cli_path(&fx->r, "report.json", json, sizeof json);
    int sx = cli_run(&fx->r, NULL, "verify", SUITE, path, "--vectors", fx->vectors, "--format", "junit", "-o", xml,
                     (char *)NULL);
    int sj = cli_run(&fx->r, NULL, "verify", SUITE, path, "--vectors", fx->vectors, "--format", "json", "-o", json,
                     (char *)NULL);
    int px = python_parses(fx, xml, "t = E.parse(p); assert t.getroot()[0][0].get('name').startswith('score (')");
    int pj = python_parses(fx, json, "d = json.load(open(p, encoding='utf-8')); assert d['rows'] == 1 and not d['pass']");
    int ok = sx == 1 && sj == 1 && px && pj;
    good += ok;
    if (!ok) snprintf(fails + strlen(fails), sizeof fails - strlen(fails), "[name %d: exits %d %d, xml %s, json %s] ", i,
                      sx, sj, px ? "parses" : "INVALID", pj ? "parses" : "INVALID");
  }
  evidence_row(fx->ev, "vectors.verify.malformed", "behaviour", good == n,
               "JUnit and JSON reports parse (python3) when the candidate's name has control characters or is not UTF-8",
               (unsigned long)n, fx->seed, "%d of %d names%s%s", good, n, *fails ? ": " : "", fails);
  PROP_CHECK(good == n, "report names: %s", fails);
}

/* ---- the reports' accounting ------------------------------------------- */

/* A candidate built from the stored rows with known faults: row A exact, B
 * one ULP off (within the default budget), C three ULPs off, D NaN, E of the
 * wrong sign. Every report format must count the same: 5 rows, 3 over the
 * budget, 1 NaN mismatch, 1 sign error, max ULP infinite (NaN). */
/* The suite's committed vectors (the tests' known values). */
static const dmc_suite *load_stored(fixture *fx, vec_table *t)
{
  char err[1200];
  const dmc_suite *s = dmc_suite_find(SUITE);
  PROP_CHECK(s && vecfile_load(fx->stored, s, t, err, sizeof err) == 0, "load %s: %s", fx->stored, err);
  return s;
}

/* The magnitude breakdown files each output's rows by that output's own
 * correct value: a candidate of the second output (logpdf) only, on stored
 * rows whose |score| and |logpdf| lie in different decades, each moved 16
 * ULPs; every row must appear under its |logpdf| decade. */
static void test_report_decades(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  vec_table t;
  const dmc_suite *s = load_stored(fx, &t);
  const int no = s->noutputs;
  char text[1024] = "id,logpdf\n", path[PATH_MAX + 64], want[4][64];
  int k = 0;
  for (size_t r = 0; r < t.nrows && k < 4; r++) {
    double sc = t.out[r * (size_t)no], lp = t.out[r * (size_t)no + 1];
    if (!(isfinite(sc) && isfinite(lp) && fabs(sc) > 1e-300 && fabs(lp) > 1e-300)) continue;
    int ds = (int)floor(log10(fabs(sc))), dl = (int)floor(log10(fabs(lp)));
    if (ds == dl) continue;
    double c = lp;
    for (int u = 0; u < 16; u++) c = nextafter(c, INFINITY);
    snprintf(text + strlen(text), sizeof text - strlen(text), "%zu,%a\n", r, c);
    snprintf(want[k++], sizeof want[0], "[1e%d, 1e%d)", dl, dl + 1);
  }
  vec_table_free(&t);
  PROP_CHECK(k == 4, "four stored rows with |score| and |logpdf| in different decades");
  cli_write_file(&fx->r, "decades.csv", text, strlen(text), path, sizeof path);
  int st = cli_run(&fx->r, NULL, "verify", SUITE, path, "--vectors", fx->vectors, (char *)NULL);
  const char *b = strstr(fx->r.out, "by decade of the correct |logpdf|");
  int found = 0;
  for (int i = 0; i < k; i++) found += b && strstr(b, want[i]) != NULL;
  PROP_CHECK(st == 1 && found == k, "exit %d; %d of %d rows under their |logpdf| decade (first: %s); output:\n%s", st,
             found, k, want[0], fx->r.out);
}

static void test_report_accounting(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  vec_table t;
  const dmc_suite *s = load_stored(fx, &t);
  size_t ids[5], k = 0;
  for (size_t r = 0; r < t.nrows && k < 5; r++) {
    double v = t.out[r * (size_t)s->noutputs];
    if (isfinite(v) && v != 0 && fabs(v) > 0x1p-1000 && fabs(v) < 0x1p1000) ids[k++] = r;
  }
  PROP_CHECK(k == 5, "five finite score rows");
  char text[1024] = "id,score\n", path[PATH_MAX + 64];
  for (int i = 0; i < 5; i++) {
    double v = t.out[ids[i] * (size_t)s->noutputs];
    double c = i == 1 ? nextafter(v, INFINITY) : i == 2 ? nextafter(nextafter(nextafter(v, 0), 0), 0) : i == 3 ? NAN : i == 4 ? -v : v;
    snprintf(text + strlen(text), sizeof text - strlen(text), "%zu,%a\n", ids[i], c);
  }
  vec_table_free(&t);
  cli_write_file(&fx->r, "acct.csv", text, strlen(text), path, sizeof path);
  int st = cli_run(&fx->r, NULL, "verify", SUITE, path, "--vectors", fx->vectors, "--worst", "4", (char *)NULL);
  /* the text table: output rows max_ulp mean_ulp over_budget max_rel_err nan_mism sign_err */
  const char *row = strstr(fx->r.out, "\nscore ");
  unsigned long rows = 0, over = 0, nanm = 0, sign = 0;
  char maxu[32] = "", mean[32] = "", rel[32] = "";
  int parsed = row && sscanf(row, " score %lu %31s %31s %lu %31s %lu %lu", &rows, maxu, mean, &over, rel, &nanm, &sign) == 7;
  int txt = st == 1 && parsed && rows == 5 && over == 3 && nanm == 1 && sign == 1 && !strcmp(maxu, "inf") &&
            strstr(fx->r.out, "by decade of the correct |score|") && strstr(fx->r.out, "3 of 5 rows over 1 ULP") &&
            strstr(fx->r.out, "FAIL: outputs over the budget");
  /* the worst rows: NaN first (infinite), then the sign error, then 3 ULP */
  const char *w = strstr(fx->r.out, "worst rows by ULP error");
  char l4[32], l5[32], l3[32];
  snprintf(l4, sizeof l4, "line 5 (id %zu)", ids[3]);
  snprintf(l5, sizeof l5, "line 6 (id %zu)", ids[4]);
  snprintf(l3, sizeof l3, "line 4 (id %zu)", ids[2]);
  const char *p4 = w ? strstr(w, l4) : NULL, *p5 = w ? strstr(w, l5) : NULL, *p3 = w ? strstr(w, l3) : NULL;
  int order = p4 && p5 && p3 && p4 < p5 && p5 < p3 && strstr(p3, "error 3 ULP");
  int sj = cli_run(&fx->r, NULL, "verify", SUITE, path, "--vectors", fx->vectors, "--format", "json", (char *)NULL);
  int json = sj == 1 && strstr(fx->r.out, "\"rows\": 5, \"max_ulp\": null") && strstr(fx->r.out, "\"over_budget\": 3, "
             "\"nan_mismatch\": 1, \"sign_errors\": 1") && strstr(fx->r.out, "\"over_budget_inputs\"");
  int sx = cli_run(&fx->r, NULL, "verify", SUITE, path, "--vectors", fx->vectors, "--format", "junit", (char *)NULL);
  int xml = sx == 1 && strstr(fx->r.out, "tests=\"1\" failures=\"1\"") && strstr(fx->r.out, "3 of 5 rows over 1 ULP");
  /* in float16 every finite score here rounds to itself or overflows: the
   * report still counts 5 rows; with --worst 0 it lists none */
  int sh = cli_run(&fx->r, NULL, "verify", SUITE, path, "--vectors", fx->vectors, "--dtype", "float16", "--worst", "0",
                   "--budget-ulp", "1e300", (char *)NULL);
  int f16 = sh == 1 && strstr(fx->r.out, "dtype float16") && !strstr(fx->r.out, "    line ");
  PROP_CHECK(txt && order && json && xml && f16, "reports: text %d (exit %d, %lu rows, %lu over, %lu nan, %lu sign, max %s), "
             "order %d, json %d, junit %d, float16 %d\n%s", txt, st, rows, over, nanm, sign, maxu, order, json, xml, f16,
             fx->r.out);
}

/* Stored vector files that do not match their suite: exit 2 at the fault. */
static void test_corrupt_vectors(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  static char orig[2 * 1024 * 1024];
  cli_read_file(fx->stored, orig, sizeof orig);
  size_t h = strstr(orig, "\nid,") ? (size_t)(strstr(orig, "\nid,") - orig) + 1 : 0;
  PROP_CHECK(h > 0, "stored header");
  char *hdr = orig + h;
  size_t r0 = h + strcspn(hdr, "\n") + 1;
  char *row0 = orig + r0, *row1 = row0 + strcspn(row0, "\n") + 1;
  char *last_comma = row1 - 1;
  while (last_comma > row0 && *last_comma != ',') last_comma--;
  long hline = 1;
  for (const char *p = orig; p < hdr; p++) hline += *p == '\n';
  char dir[PATH_MAX + 64], file[PATH_MAX + 96], cand[PATH_MAX + 64];
  cli_path(&fx->r, "corrupt", dir, sizeof dir);
  mkdir(dir, 0755);
  snprintf(file, sizeof file, "%s/%s.csv", dir, SUITE);
  cli_write_file(&fx->r, "c0.csv", "id,score\n0,1\n", 13, cand, sizeof cand);
  struct { const char *what; const char *from; size_t cut; const char *insert; long line; long col; const char *msg; } cases[] = {
    { "renamed column", hdr, 2, "ID", hline, 1, "where 'id' was expected" },
    { "extra column", row0 - 1, 0, ",more", hline, 0, "extra column" },
    { "header cut short", hdr + 2, (size_t)(row0 - 1 - hdr - 2), "", hline, 3, "header ends before" },
    { "wrong id", row1, 1, "7", hline + 2, 1, "where 1 was expected" },
    { "decimal differs from hex", row0 + strcspn(row0, ",") + 1 + strcspn(row0 + strcspn(row0, ",") + 1, ",") + 1, 1, "9", hline + 1, 0, "is not the double in" },
    { "extra field", row1 - 1, 0, ",1", hline + 1, 0, "too many fields" },
    { "missing field", last_comma, (size_t)(row1 - 1 - last_comma), "", hline + 1, 0, "missing field logpdf" },
    { "rows missing", row1, strlen(row1), "", hline + 1, 1, "rows where the suite has" },
    { "bad hex", row0 + 2, 1, "z", hline + 1, 3, "x_hex: not a number" },
  };
  int n = (int)(sizeof cases / sizeof *cases), good = 0;
  char fails[2048] = "";
  static char buf[2 * 1024 * 1024 + 64];
  for (int i = 0; i < n; i++) {
    size_t at = (size_t)(cases[i].from - orig);
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)at, orig, cases[i].insert, orig + at + cases[i].cut);
    FILE *f = fopen(file, "w");
    PROP_CHECK(f && fputs(buf, f) >= 0 && !fclose(f), "write %s", file);
    int st = cli_run(&fx->r, NULL, "verify", SUITE, cand, "--vectors", dir, (char *)NULL);
    char want[PATH_MAX + 140];
    if (cases[i].col) snprintf(want, sizeof want, "%s:%ld:%ld: ", file, cases[i].line, cases[i].col);
    else snprintf(want, sizeof want, "%s:%ld:", file, cases[i].line);
    int ok = st == 2 && one_line(fx, want, cases[i].msg);
    good += ok;
    if (!ok && strlen(fails) < sizeof fails - 250)
      snprintf(fails + strlen(fails), sizeof fails - strlen(fails), "[%s: exit %d, want %s, got %.150s] ", cases[i].what,
               st, want + strlen(dir), fx->r.err);
  }
  evidence_row(fx->ev, "vectors.verify.malformed", "behaviour", good == n,
               "stored vector files that do not match their suite are rejected with exit 2 at FILE:LINE:COL",
               (unsigned long)n, fx->seed, "%d of %d corruptions at the right place%s%s", good, n, *fails ? ": " : "", fails);
  PROP_CHECK(good == n, "corrupt vectors: %d of %d: %s", good, n, fails);
}

/* Output paths beyond refusal: a full device as stdout, a path too long, a
 * name that is a directory. */
static void test_output_errors(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  fx->r.stdout_to = "/dev/full";
  int s1 = cli_run(&fx->r, NULL, "ref", "dsm_optimum", (char *)NULL);
  int full = s1 == 1 && strstr(fx->r.err, "write error");
  char cand[PATH_MAX + 64];
  cli_write_file(&fx->r, "e.csv", "id,score\n0,1\n", 13, cand, sizeof cand);
  int s2 = cli_run(&fx->r, NULL, "verify", SUITE, cand, "--vectors", fx->vectors, (char *)NULL);
  full &= s2 == 2 && one_line(fx, "dmcheck verify: ", "write error on stdout");
  fx->r.stdout_to = NULL;
  static char longpath[PATH_MAX + 64];
  memset(longpath, 'a', PATH_MAX + 8);
  longpath[0] = '/';
  longpath[PATH_MAX + 8] = '\0';
  int s3 = cli_run(&fx->r, NULL, "ref", "dsm_optimum", "-o", longpath, (char *)NULL);
  int too_long = s3 == 2 && one_line(fx, "dmcheck ref: ", "too long");
  char nodir[PATH_MAX + 64];
  cli_path(&fx->r, "no-such-dir/", nodir, sizeof nodir);
  int s4 = cli_run(&fx->r, NULL, "ref", "dsm_optimum", "-o", nodir, (char *)NULL);
  int dirname_only = s4 == 2 && one_line(fx, "dmcheck ref: refusing", "names a directory");
  /* a write that fails half-way (the file size limit): the target keeps its
   * bytes, the temporary file is removed */
  char target[PATH_MAX + 64];
  cli_write_file(&fx->r, "limited.csv", "old\n", 4, target, sizeof target);
  fx->r.fsize_limit = 256 * 1024; /* below the suite's file, above a coverage build's own data files */
  int s5 = cli_run(&fx->r, NULL, "ref", SUITE, "-o", target, (char *)NULL);
  fx->r.fsize_limit = 0;
  int partial = s5 == 1 && !strncmp(fx->r.err, "dmcheck ref: ", 13) && strstr(fx->r.err, "left unchanged") &&
                same_bytes(target, "old\n") &&
                count_prefixed(fx, ".limited.csv.") == 0;
  PROP_CHECK(partial, "a failed write: exit %d, target %s, %d temporary files: %s", s5,
             same_bytes(target, "old\n") ? "kept" : "CHANGED", count_prefixed(fx, ".limited.csv."), fx->r.err);
  PROP_CHECK(full && too_long && dirname_only, "output errors: /dev/full %d (exits %d %d), long path %d (exit %d), "
             "directory name %d (exit %d): %s", full, s1, s2, too_long, s3, dirname_only, s4, fx->r.err);
}

/* Progress lines go to stderr only when it is a terminal (a pseudo-terminal
 * here): `ref` counts rows up to "N/N rows (100%)", N the suite's row count. */
static void test_progress(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  int m = posix_openpt(O_RDWR | O_NOCTTY);
  PROP_CHECK(m >= 0 && grantpt(m) == 0 && unlockpt(m) == 0 && ptsname(m), "no pseudo-terminal");
  char slave[128], out[PATH_MAX + 64];
  snprintf(slave, sizeof slave, "%s", ptsname(m));
  cli_path(&fx->r, "progress.csv", out, sizeof out);
  fx->r.stderr_to = slave;
  int st = cli_run(&fx->r, NULL, "ref", "dsm_optimum", "-o", out, (char *)NULL);
  fx->r.stderr_to = NULL;
  char buf[4096] = "";
  size_t got = 0;
  struct pollfd p = { m, POLLIN, 0 };
  while (got < sizeof buf - 1 && poll(&p, 1, 200) > 0 && (p.revents & POLLIN)) {
    ssize_t k = read(m, buf + got, sizeof buf - 1 - got);
    if (k <= 0) break;
    got += (size_t)k;
  }
  buf[got] = '\0';
  close(m);
  const dmc_suite *s = dmc_suite_find("dsm_optimum");
  char want[96];
  snprintf(want, sizeof want, "dmcheck ref dsm_optimum: %zu/%zu rows (100%%)", s ? s->count() : 0, s ? s->count() : 0);
  int ok = s && st == 0 && strstr(buf, want);
  PROP_CHECK(ok, "progress on a terminal: exit %d, output '%s'", st, buf);
}

/* ---- the plain paths: eval, list, options ------------------------------- */

/* The value after "NAME = " or at the start of the line "NAME ": the %a field. */
static double printed_value(const char *out, const char *name)
{
  char pat[96];
  snprintf(pat, sizeof pat, "%s ", name);
  for (const char *line = out; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
    if (!strncmp(line, pat, strlen(pat))) {
      const char *v = line + strlen(pat);
      while (*v == ' ' || *v == '=') v++;
      return strtod(v, NULL);
    }
  return NAN;
}

/* x correctly rounded from 200 bits (double rounding needs a tie within
 * 2^-147 relative: none of the values below is that close to one) */
static double rn(mpfr_t x) { return mpfr_get_d(x, MPFR_RNDN); }

static void test_eval(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  /* gauss_score(x = 1.25, mu = 0.5, sigma = 3) = -0.75/9, its log-density
   * -log(18 pi)/2 - 1/32, and the DSM optimum at mu = 0.5, sigma = 3,
   * sigma_eps = 1.25: w = -1/v, b = mu/v, loss_constant = 9/(1.5625 v),
   * v = 10.5625; all with MPFR at 200 bits here */
  mpfr_t a, b;
  mpfr_inits2(200, a, b, (mpfr_ptr)0);
  double want[5];
  mpfr_set_d(a, -0.75, MPFR_RNDN); mpfr_div_ui(a, a, 9, MPFR_RNDN); want[0] = rn(a);
  mpfr_const_pi(b, MPFR_RNDN); mpfr_mul_ui(b, b, 18, MPFR_RNDN); mpfr_log(b, b, MPFR_RNDN);
  mpfr_div_si(b, b, -2, MPFR_RNDN); mpfr_sub_d(b, b, 0.03125, MPFR_RNDN); want[1] = rn(b);
  mpfr_set_si(a, -1, MPFR_RNDN); mpfr_div_d(a, a, 10.5625, MPFR_RNDN); want[2] = rn(a);
  mpfr_set_d(a, 0.5, MPFR_RNDN); mpfr_div_d(a, a, 10.5625, MPFR_RNDN); want[3] = rn(a);
  mpfr_set_ui(a, 9, MPFR_RNDN); mpfr_div_d(a, a, 1.5625 * 10.5625, MPFR_RNDN); want[4] = rn(a);
  mpfr_clears(a, b, (mpfr_ptr)0);

  double got[5];
  int st1 = cli_run(&fx->r, NULL, "eval", "gauss_score", "1.25", "0x1p-1", "3", (char *)NULL);
  got[0] = printed_value(fx->r.out, "gauss_score");
  int lib = strstr(fx->r.out, "libdmcheck") != NULL;
  int st2 = cli_run(&fx->r, NULL, "eval", "gauss_logpdf", " 1.25", "0.5 ", "3e0", (char *)NULL);
  got[1] = printed_value(fx->r.out, "gauss_logpdf");
  int st3 = cli_run(&fx->r, NULL, "eval", "dsm_optimum", "0.5", "3", "1.25", (char *)NULL); /* a suite: every output */
  got[2] = printed_value(fx->r.out, "w");
  got[3] = printed_value(fx->r.out, "b");
  got[4] = printed_value(fx->r.out, "loss_constant");
  int values = st1 == 0 && st2 == 0 && st3 == 0 && lib;
  for (int i = 0; i < 5; i++) values &= got[i] == want[i];

  struct { const char *a[6]; const char *msg; } bad[] = {
    { { "eval", NULL }, "missing FUNCTION" },
    { { "eval", "no_such", "1", NULL }, "unknown function or suite" },
    { { "eval", "gauss_score", "1", "2", NULL }, "takes 3 arguments" },
    { { "eval", "dsm_optimum", "1", NULL }, "takes 3 inputs" },
    { { "eval", "gauss_score", "1", "x", "1", NULL }, "not a number" },
    { { "eval", "dsm_optimum", "1", "0", "nan(", NULL }, "not a number" },
    { { "eval", "dsm_optimum", "1", "-1", "1", NULL }, "outside the domain" },
    { { "eval", "gauss_score", "0", "0", "-1", NULL }, "outside the domain" },
  };
  int nbad = (int)(sizeof bad / sizeof *bad), good = 0;
  char fails[1024] = "";
  for (int i = 0; i < nbad; i++) {
    const char *const *v = bad[i].a;
    int st = cli_run(&fx->r, NULL, v[0], v[1], v[2], v[3], v[4], (char *)NULL);
    int ok = st == 2 && one_line(fx, "dmcheck eval: ", bad[i].msg);
    good += ok;
    if (!ok) snprintf(fails + strlen(fails), sizeof fails - strlen(fails), "[%s: exit %d, %.80s] ", bad[i].msg, st, fx->r.err);
  }
  int sh = cli_run(&fx->r, NULL, "eval", "--help", (char *)NULL);
  int help = sh == 0 && strstr(fx->r.out, "usage: dmcheck eval");
  PROP_CHECK(values && good == nbad && help,
             "eval: values %d (got %a %a %a %a %a, want %a %a %a %a %a), errors %d of %d %s, help %d", values, got[0],
             got[1], got[2], got[3], got[4], want[0], want[1], want[2], want[3], want[4], good, nbad, fails, help);
}

/* Every function of `dmcheck list --functions` at one point of its domain
 * (arg_values by argument name, else its first row of tests/bad_cases.tsv):
 * the CLI's ULP figure is the library's distance between the two values it
 * prints, and it is within the largest budget of tests/budgets.tsv (an
 * adapter that passed its arguments in another order would be far off). */
static const struct { const char *name; double v; } arg_values[] = {
  { "x", 1 }, { "mu", 0.25 }, { "sigma", 1.5 }, { "x_t", 0.3 }, { "mu_t", 0.8 }, { "sigma_t", 0.6 },
  { "score", -0.4 }, { "dscore", -0.5 }, { "w0", 0.3 }, { "m0", -1 }, { "s0", 0.5 }, { "w1", 0.7 }, { "m1", 1 },
  { "s1", 2 }, { "a", -1 }, { "b", 2 }, { "sigma_eps", 0.7 }, { "w", -0.5 }, { "kind", 2 }, { "p0", 0.1 },
  { "p1", 20 }, { "p2", 0 }, { "t", 0.5 }, { "mu1", 0.1 }, { "logvar1", -0.3 }, { "mu2", 0.2 },
  { "logvar2", 0.4 }, { "mean", 0.1 }, { "logvar", -0.2 }, { "log_scale", -2 }, { "alphabar", 0.7 },
  { "one_minus", 0.3 }, { "from", 0 }, { "to", 1 }, { "u", 0.2 },
};

/* The arguments of NAME's first row in tests/bad_cases.tsv (hex literals,
 * space-separated), for functions whose argument names arg_values lacks;
 * the count, or -1 without a row. */
static int bad_case_args(const char *name, char args[12][40])
{
  csv_reader r;
  if (csv_open(&r, DMC_SOURCE_DIR "/tests/bad_cases.tsv", '\t', 0, 0)) return -1;
  int n = -1;
  csv_field ff, fa;
  while (n < 0 && csv_next_record(&r) > 0)
    if (csv_next_field(&r, &ff) > 0 && csv_field_is(&ff, name) && csv_next_field(&r, &fa) > 0) {
      n = 0;
      for (size_t i = 0; i < fa.len && n < 12;) {
        size_t l = strcspn(fa.s + i, " \t");
        if (l > fa.len - i) l = fa.len - i;
        snprintf(args[n++], 40, "%.*s", (int)l, fa.s + i);
        i += l;
        while (i < fa.len && fa.s[i] == ' ') i++;
      }
    }
  csv_close(&r);
  return n;
}

static void test_eval_functions(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  budget_row *rows = malloc(512 * sizeof *rows);
  char err[1200];
  int nb = rows ? budgets_load(NULL, rows, 512, err, sizeof err) : -1;
  double maxb = 0;
  for (int i = 0; i < nb; i++) maxb = rows[i].budget > maxb ? rows[i].budget : maxb;
  free(rows);
  PROP_CHECK(nb > 0, "budget table: %s", err);
  int sl = cli_run(&fx->r, NULL, "list", "--functions", (char *)NULL);
  PROP_CHECK(sl == 0, "list --functions: exit %d", sl);
  static char list[CLI_RUN_OUTBUF];
  snprintf(list, sizeof list, "%s", fx->r.out);
  int n = 0, good = 0;
  char fails[2048] = "";
  for (char *line = strchr(list, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
    char name[64], argv_s[12][40], *a[16];
    const char *p = line + 1;
    if (sscanf(p, "%63s", name) != 1) continue;
    p = strstr(p, name) + strlen(name);
    int na = 0, known = 1;
    char word[64];
    int used;
    while (na < 12 && sscanf(p, "%63s%n", word, &used) == 1 && strcmp(word, "claim")) {
      p += used;
      size_t k = 0;
      while (k < sizeof arg_values / sizeof *arg_values && strcmp(arg_values[k].name, word)) k++;
      if (k == sizeof arg_values / sizeof *arg_values) { known = 0; break; }

      snprintf(argv_s[na], sizeof argv_s[na], "%a", arg_values[k].v);
      na++;
    }
    if (!known) { /* an argument name without a value here: the registry's own hard input */
      na = bad_case_args(name, argv_s);
      known = na >= 0;
    }
    n++;
    a[0] = "eval"; a[1] = name;
    for (int i = 0; i < na; i++) a[2 + i] = argv_s[i];
    for (int i = 2 + na; i < 16; i++) a[i] = NULL;
    int st = known ? cli_run(&fx->r, NULL, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11],
                             (char *)NULL)
                   : -2;
    double ref = printed_value(fx->r.out, name), lib = NAN, ulp = NAN;
    const char *l = strstr(fx->r.out, "\nlibdmcheck ");
    if (l) {
      char *end;
      lib = strtod(l + 12, &end);
      const char *u = strstr(end, ")  ");
      if (u) ulp = strtod(u + 3, NULL);
    }
    int ok = st == 0 && !isnan(ref) && ulp == dmc_ulp_distance(lib, ref) && ulp <= maxb;
    good += ok;
    if (!ok && strlen(fails) < sizeof fails - 200)
      snprintf(fails + strlen(fails), sizeof fails - strlen(fails), "[%s: exit %d, ref %a lib %a ulp %g %.60s] ", name,
               st, ref, lib, ulp, fx->r.err);
  }
  PROP_CHECK(n > 0 && good == n, "eval of every function: %d of %d (largest budget %g ULP): %s", good, n, maxb, fails);
}

static void test_list_and_usage(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  int st = cli_run(&fx->r, NULL, "list", "--suites", (char *)NULL);
  int suites = st == 0;
  size_t lines = 0;
  for (const char *p = fx->r.out; (p = strchr(p, '\n')); p++) lines++;
  for (size_t i = 0; i < dmc_nsuites; i++) {
    char want[96];
    snprintf(want, sizeof want, "%s\n", dmc_suites[i]->name);
    suites &= strstr(fx->r.out, want) != NULL;
  }
  suites &= lines == dmc_nsuites;
  int sa = cli_run(&fx->r, NULL, "list", (char *)NULL);
  int all = sa == 0 && strstr(fx->r.out, "suites (dmcheck ref") && strstr(fx->r.out, "functions (dmcheck eval)");
  int sf = cli_run(&fx->r, NULL, "list", "--functions", (char *)NULL);
  int fns = sf == 0 && strstr(fx->r.out, "gauss_score") && !strstr(fx->r.out, "suites (");
  int sc = cli_run(&fx->r, NULL, "list", "--claims", (char *)NULL);
  int claims = sc == 0 && strstr(fx->r.out, "gauss.score.toy");
  int e1 = cli_run(&fx->r, NULL, "list", "--bogus", (char *)NULL) == 2 && one_line(fx, "dmcheck list: ", "unknown option");
  int e2 = cli_run(&fx->r, NULL, "list", "--suites", "--claims", (char *)NULL) == 2 && one_line(fx, "dmcheck list: ", "one option");
  int h1 = cli_run(&fx->r, NULL, "list", "--help", (char *)NULL) == 0 && strstr(fx->r.out, "usage: dmcheck list");
  /* --json: every function once, each budget the budget table's row of its
   * libdmcheck entry (checked by python3's json module) */
  size_t nfn = 0;
  cli_run(&fx->r, NULL, "list", "--functions", (char *)NULL);
  for (const char *p = strchr(fx->r.out, '\n'); p && p[1]; p = strchr(p + 1, '\n')) nfn++;
  char jpath[PATH_MAX + 64], how[1024];
  int sj = cli_run(&fx->r, NULL, "list", "--json", (char *)NULL);
  cli_write_file(&fx->r, "list.json", fx->r.out, strlen(fx->r.out), jpath, sizeof jpath);
  snprintf(how, sizeof how,
           "d = json.load(open(p))\n"
           "b = {l.split('\\t')[0]: float(l.split('\\t')[1]) for l in open('%s') if l.strip() and l[0] != '#'}\n"
           "assert len(d) == %zu and len({e['name'] for e in d}) == len(d)\n"
           "assert all(e['budget_ulp'] == b[e['lib']] and e['args'] and e['outputs'] for e in d)",
           DMC_BUDGETS_FILE, nfn);
  int json = sj == 0 && nfn > 0 && python_parses(fx, jpath, how);
  /* the top level */
  int m1 = cli_run(&fx->r, NULL, (char *)NULL) == 2 && strstr(fx->r.err, "usage: dmcheck COMMAND");
  int m2 = cli_run(&fx->r, NULL, "--help", (char *)NULL) == 0 && strstr(fx->r.out, "verify");
  int m3 = cli_run(&fx->r, NULL, "--version", (char *)NULL) == 0 && !strncmp(fx->r.out, "dmcheck ", 8);
  int m4 = cli_run(&fx->r, NULL, "frobnicate", (char *)NULL) == 2 && one_line(fx, "dmcheck: ", "unknown command");
  PROP_CHECK(suites && all && fns && claims && json && e1 && e2 && h1 && m1 && m2 && m3 && m4,
             "list: suites %d all %d functions %d claims %d json %d errors %d %d help %d; main %d %d %d %d", suites, all,
             fns, claims, json, e1, e2, h1, m1, m2, m3, m4);
}

static void test_options(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  char cand[PATH_MAX + 64];
  const char *text = "id,score\n0,1\n";
  cli_write_file(&fx->r, "opt.csv", text, strlen(text), cand, sizeof cand);
  struct { const char *a[6]; const char *prefix, *msg; } cases[] = {
    { { "verify", SUITE, cand, "--dtype", NULL }, "dmcheck verify: ", "needs a value" },
    { { "verify", SUITE, cand, "--worst", "101", NULL }, "dmcheck verify: ", "bad value" },
    { { "verify", SUITE, cand, "--worst", "1.5", NULL }, "dmcheck verify: ", "bad value" },
    { { "verify", SUITE, cand, "--budget-ulp", "-1", NULL }, "dmcheck verify: ", "bad value" },
    { { "verify", SUITE, cand, "--budget-ulp", "nan", NULL }, "dmcheck verify: ", "bad value" },
    { { "verify", SUITE, cand, "--format", "xml", NULL }, "dmcheck verify: ", "unknown --format" },
    { { "verify", SUITE, cand, "--dtype", "float8", NULL }, "dmcheck verify: ", "unknown --dtype" },
    { { "verify", SUITE, cand, "--frobnicate", NULL }, "dmcheck verify: ", "unknown option" },
    { { "verify", SUITE, cand, cand, NULL }, "dmcheck verify: ", "unexpected argument" },
    { { "verify", SUITE, NULL }, "dmcheck verify: ", "need SUITE and CANDIDATE" },
    { { "verify", "no_such", cand, NULL }, "dmcheck verify: ", "unknown suite" },
    { { "verify", SUITE, "/nonexistent/c.csv", NULL }, "/nonexistent/c.csv: ", "cannot open" },
    { { "ref", NULL }, "dmcheck ref: ", "missing SUITE" },
    { { "ref", "no_such", NULL }, "dmcheck ref: ", "unknown suite" },
    { { "ref", SUITE, "-o", NULL }, "dmcheck ref: ", "needs a FILE" },
    { { "ref", SUITE, "--frobnicate", NULL }, "dmcheck ref: ", "unknown option" },
    { { "ref", SUITE, SUITE, NULL }, "dmcheck ref: ", "unexpected argument" },
    { { "ref", SUITE, "-o", "/nonexistent/x.csv", NULL }, "dmcheck ref: ", "cannot create" },
  };
  int n = (int)(sizeof cases / sizeof *cases), good = 0;
  char fails[2048] = "";
  for (int i = 0; i < n; i++) {
    const char *const *v = cases[i].a;
    int st = cli_run(&fx->r, NULL, v[0], v[1], v[2], v[3], v[4], v[5], (char *)NULL);
    int want = !strcmp(cases[i].msg, "cannot create") ? 1 : 2;
    int ok = st == want && one_line(fx, cases[i].prefix, cases[i].msg);
    good += ok;
    if (!ok && strlen(fails) < sizeof fails - 200)
      snprintf(fails + strlen(fails), sizeof fails - strlen(fails), "[%s: exit %d, %.80s] ", cases[i].msg, st, fx->r.err);
  }
  int h1 = cli_run(&fx->r, NULL, "verify", "--help", (char *)NULL) == 0 && strstr(fx->r.out, "usage: dmcheck verify");
  int h2 = cli_run(&fx->r, NULL, "ref", "-h", (char *)NULL) == 0 && strstr(fx->r.out, "usage: dmcheck ref");
  /* the candidate from stdin, a report file, and the PASS line */
  char good_cand[PATH_MAX + 64], rep[PATH_MAX + 64];
  cli_read_file(fx->stored, fx->r.out, sizeof fx->r.out); /* row 0 of the stored suite, as a candidate */
  const char *row0 = strstr(fx->r.out, "\n0,");
  char line[512] = "";
  if (row0) {
    const char *f = row0 + 1;
    for (int c = 0; c < 7 && f; c++) f = strchr(f, ',') ? strchr(f, ',') + 1 : NULL; /* id + 3 inputs x 2 */
    if (f) snprintf(line, sizeof line, "id,score_hex\n0,%.*s\n", (int)strcspn(f, ","), f);
  }
  cli_write_file(&fx->r, "pass.csv", line, strlen(line), good_cand, sizeof good_cand);
  cli_path(&fx->r, "pass.txt", rep, sizeof rep);
  int sp = cli_run(&fx->r, good_cand, "verify", SUITE, "-", "--vectors", fx->vectors, "-o", rep, (char *)NULL);
  int pass = *line && sp == 0 && one_line(fx, "dmcheck verify: PASS", "report: ");
  cli_read_file(rep, fx->r.out, sizeof fx->r.out);
  pass &= strstr(fx->r.out, "PASS: every output within the budget") != NULL;
  PROP_CHECK(good == n && h1 && h2 && pass, "options: %d of %d %s; help %d %d; stdin candidate %d (%s)", good, n, fails,
             h1, h2, pass, fx->r.err);
}

/* --rows-out with an excluded row: the excluded row keeps its inputs and
 * candidate, leaves the reference columns empty and carries the reason
 * (quotes doubled); a candidate without ids or inputs longer than the suite
 * is bad input at the first row past the end. */
static void test_rows_out_exclusions(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  char cand[PATH_MAX + 64], rows[PATH_MAX + 64], want[PATH_MAX + 96];
  const char *text = "x,mu,sigma,score\n1,0,1,-1\n2,0,1,-2\n-3,0,2,0.75\n";
  cli_write_file(&fx->r, "ex.csv", text, strlen(text), cand, sizeof cand);
  cli_path(&fx->r, "ex_rows.csv", rows, sizeof rows);
  int st = cli_run(&fx->r, NULL, "verify", SUITE, cand, "--live", "--exclude", "1:why \"quoted\"", "--rows-out", rows,
                   "-o", "-", (char *)NULL);
  static char got[CLI_RUN_OUTBUF];
  cli_read_file(rows, got, sizeof got);
  int ok = st == 0 && !strncmp(got, "row,id,x,mu,sigma,score,score_ref,score_ulp,score_over,excluded\n", 64) &&
           strstr(got, "\n0,,1,0,1,-1,-1,0,0,\"\"\n") && strstr(got, "\n1,,2,0,1,-2,,,,\"why \"\"quoted\"\"\"\n") &&
           strstr(got, "\n2,,-3,0,2,0.75,0.75,0,0,\"\"\n") && strstr(fx->r.out, "why \"quoted\"") &&
           strstr(fx->r.out, "; 2 rows evaluated live with MPFR");
  /* the JSON report lists the exclusion (reason escaped), the JUnit report too */
  int sj = cli_run(&fx->r, NULL, "verify", SUITE, cand, "--live", "--exclude", "1:why \"quoted\"", "--format", "json",
                   (char *)NULL);
  int json = sj == 0 && strstr(fx->r.out, "\"excluded\": [{\"first\": 1, \"last\": 1, \"rows\": 1, \"reason\": "
                                          "\"why \\\"quoted\\\"\"}]") && strstr(fx->r.out, "\"live_rows\": 2");
  /* DMC_VECTORS names the stored vectors when --vectors does not; a missing one is bad input */
  setenv("DMC_VECTORS", "/nonexistent/vectors", 1);
  int se = cli_run(&fx->r, NULL, "verify", SUITE, cand, (char *)NULL);
  int env_bad = se == 2 && one_line(fx, "dmcheck verify: DMC_VECTORS=/nonexistent/vectors: ", "vectors directory not found");
  setenv("DMC_VECTORS", fx->vectors, 1);
  se = cli_run(&fx->r, NULL, "verify", SUITE, cand, "--exclude", "1:x", (char *)NULL);
  char src[PATH_MAX + 96];
  snprintf(src, sizeof src, "stored vectors %s/%s.csv", fx->vectors, SUITE);
  int env_ok = se == 0 && strstr(fx->r.out, src);
  unsetenv("DMC_VECTORS");
  /* one row more than dsm_optimum has, no id column, no inputs */
  const dmc_suite *s = dmc_suite_find("dsm_optimum");
  PROP_CHECK(s != NULL, "suite dsm_optimum");
  size_t n = s->count() + 1;
  char *big = malloc(16 + 2 * n);
  PROP_CHECK(big != NULL, "out of memory");
  strcpy(big, "w\n");
  for (size_t i = 0; i < n; i++) strcat(big, "0\n");
  cli_write_file(&fx->r, "long.csv", big, strlen(big), cand, sizeof cand);
  free(big);
  int sl = cli_run(&fx->r, NULL, "verify", "dsm_optimum", cand, "--vectors", fx->vectors, (char *)NULL);
  char msg[128];
  snprintf(msg, sizeof msg, "data row %zu is beyond the suite's %zu rows", n, n - 1);
  snprintf(want, sizeof want, "%s:", cand);
  int beyond = sl == 2 && one_line(fx, want, msg);
  PROP_CHECK(ok && json && env_bad && env_ok && beyond,
             "rows-out with an exclusion: exit %d, rows file '%.300s'; json %d; DMC_VECTORS %d %d; beyond: exit %d %s",
             st, got, json, env_bad, env_ok, sl, fx->r.err);
}

/* Which value is judged: a column given both as NAME and NAME_hex is judged
 * by its hex twin (in either order); a reference exactly halfway between two
 * float16 values accepts either neighbour (score = -x at x = 1 + 2^-11, the
 * tie between -1 and -(1 + 2^-10)) and nothing further. Values are exact
 * here, so the expected ULP errors are known. */
static void test_column_choices(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  char path[PATH_MAX + 64];
  struct { const char *text, *dtype; int exit; const char *max_ulp; } cases[] = {
    { "x,mu,sigma,score,score_hex\n2,0,1,999,-0x1p+1\n", "float64", 0, "\"max_ulp\": 0," },
    { "x,mu,sigma,score_hex,score\n2,0,1,-0x1p+1,999\n", "float64", 0, "\"max_ulp\": 0," },
    { "x,mu,sigma,score_hex,score\n2,0,1,-0x1.0000000000002p+1,-2\n", "float64", 1, "\"max_ulp\": 2," },
    { "x,mu,sigma,score\n0x1.002p+0,0,1,-0x1p+0\n", "float16", 0, "\"max_ulp\": 0," },
    { "x,mu,sigma,score\n0x1.002p+0,0,1,-0x1.004p+0\n", "float16", 0, "\"max_ulp\": 0," },
    { "x,mu,sigma,score\n0x1.002p+0,0,1,-0x1.008p+0\n", "float16", 0, "\"max_ulp\": 1," },
    { "x,mu,sigma,score\n0x1.002p+0,0,1,-0x1.00cp+0\n", "float16", 1, "\"max_ulp\": 2," },
  };
  int n = (int)(sizeof cases / sizeof *cases), good = 0;
  char fails[2048] = "";
  for (int i = 0; i < n; i++) {
    cli_write_file(&fx->r, "choice.csv", cases[i].text, strlen(cases[i].text), path, sizeof path);
    int st = cli_run(&fx->r, NULL, "verify", SUITE, path, "--live", "--dtype", cases[i].dtype, "--format", "json",
                     (char *)NULL);
    int ok = st == cases[i].exit && strstr(fx->r.out, cases[i].max_ulp);
    good += ok;
    if (!ok && strlen(fails) < sizeof fails - 300)
      snprintf(fails + strlen(fails), sizeof fails - strlen(fails), "[case %d: exit %d, %.200s %.100s] ", i, st,
               strstr(fx->r.out, "\"max_ulp\"") ? strstr(fx->r.out, "\"max_ulp\"") : fx->r.out, fx->r.err);
  }
  PROP_CHECK(good == n, "column choices: %d of %d %s", good, n, fails);
}

/* The rest of the command line: `dmcheck help COMMAND`, verify's option
 * conflicts and --exclude specs, sampler-check's options and inputs. Each
 * case: its exit status and its one line on stderr. */
static void test_more_options(void **state)
{
  fixture *fx = *state;
  NEED_CLI(fx);
  char cand[PATH_MAX + 64], rows[PATH_MAX + 64], mix[PATH_MAX + 64], s1[PATH_MAX + 64], s2[PATH_MAX + 64],
       bad2[PATH_MAX + 64], e1[PATH_MAX + 96], e2[PATH_MAX + 96], n1[PATH_MAX + 96], z1[PATH_MAX + 96],
       m2[PATH_MAX + 64], inf[PATH_MAX + 64], extra[PATH_MAX + 64], few[PATH_MAX + 64], hdr[PATH_MAX + 64],
       empty[PATH_MAX + 64], onlyh[PATH_MAX + 64];
  const char *text = "id,score\n0,1\n1,1\n";
  cli_write_file(&fx->r, "more.csv", text, strlen(text), cand, sizeof cand);
  cli_path(&fx->r, "more_rows.csv", rows, sizeof rows);
  const char *mtext = "w,m0,v0\n0.5,-1,0.25\n0.5,1,0.25\n";
  cli_write_file(&fx->r, "mix.csv", mtext, strlen(mtext), mix, sizeof mix);
  const char *stext = "x\n0.1\n-0.9\n1.2\n-1.1\n0.8\n-1.0\n0.95\n-0.7\n1.05\n-1.3\n";
  cli_write_file(&fx->r, "set10.csv", stext, strlen(stext), s1, sizeof s1);
  cli_write_file(&fx->r, "set20.csv", stext, strlen(stext), s2, sizeof s2);
  cli_write_file(&fx->r, "mix2.csv", "w,m0\n1,0\n", 9, bad2, sizeof bad2);
  cli_write_file(&fx->r, "mixinf.csv", "w,m0,v0\n1,inf,1\n", 17, inf, sizeof inf);
  cli_write_file(&fx->r, "extra.csv", "x\n1,2\n", 6, extra, sizeof extra);
  cli_write_file(&fx->r, "few.csv", "a,b,c\n1,2\n", 10, few, sizeof few);
  cli_write_file(&fx->r, "hdr.csv", "a,b\n1,2\n", 8, hdr, sizeof hdr);
  cli_write_file(&fx->r, "empty.csv", "", 0, empty, sizeof empty);
  cli_write_file(&fx->r, "onlyh.csv", "x\n", 2, onlyh, sizeof onlyh);
  snprintf(e1, sizeof e1, "10=%s", s1);
  snprintf(e2, sizeof e2, "20=%s", s2);
  snprintf(n1, sizeof n1, "x=%s", s1);
  snprintf(z1, sizeof z1, "0=%s", s1);
  snprintf(m2, sizeof m2, "%s", mix);
  char want_cols[PATH_MAX + 96], want_inf[PATH_MAX + 96], want_extra[PATH_MAX + 96], want_few[PATH_MAX + 96],
       want_hdr[PATH_MAX + 96], want_empty[PATH_MAX + 96], want_onlyh[PATH_MAX + 96];
  snprintf(want_cols, sizeof want_cols, "%s:1:1: ", bad2);
  snprintf(want_inf, sizeof want_inf, "%s:2:3: ", inf);
  snprintf(want_extra, sizeof want_extra, "%s:2:3: ", extra);
  snprintf(want_few, sizeof want_few, "%s:2:", few);
  snprintf(want_hdr, sizeof want_hdr, "%s:1:1: ", hdr);
  snprintf(want_empty, sizeof want_empty, "%s:1:1: ", empty);
  snprintf(want_onlyh, sizeof want_onlyh, "%s:", onlyh);
  const char *V = "verify", *S = "sampler-check";
  struct { const char *a[12]; int exit; const char *prefix, *msg; } cases[] = {
    { { "help", "frobnicate" }, 2, "dmcheck: ", "unknown command 'frobnicate'" },
    { { V, SUITE, cand, "--rows-out", rows, "--output", rows }, 2, "dmcheck verify: ", "name the same file" },
    { { V, SUITE, cand, "--rows-out", "-" }, 2, "dmcheck verify: ", "needs the report elsewhere" },
    { { V, SUITE, cand, "--rows-out", "-", "-o", "-" }, 2, "dmcheck verify: ", "name the same file" },
    { { V, SUITE, cand, "--plot", "err.png" }, 2, "dmcheck verify: --plot 'err.png'", "draws SVG" },
    { { V, SUITE, cand, "--plot", ".svg" }, 2, "dmcheck verify: --plot '.svg'", "draws SVG" },
    { { V, SUITE, cand, "--update-baseline" }, 2, "dmcheck verify: ", "need --baseline FILE" },
    { { V, SUITE, cand, "--exclude" }, 2, "dmcheck verify: ", "--exclude needs ROWS:REASON" },
    { { V, SUITE, cand, "--abs-tol", "tiny" }, 2, "dmcheck verify: --abs-tol: ", "not a number" },
    { { V, SUITE, cand, "--abs-tol", "-1" }, 2, "dmcheck verify: ", "bad value '-1' for --abs-tol" },
    { { V, SUITE, cand, "--budget-ulp", "nosuch=2" }, 2, "dmcheck verify: --budget-ulp: ", "no output 'nosuch'" },
    { { V, SUITE, cand, "--budget-ulp", "score=-2" }, 2, "dmcheck verify: ", "bad value '-2' for --budget-ulp" },
    { { V, SUITE, cand, "--exclude", "1" }, 2, "dmcheck verify: ", "need ROWS:REASON" },
    { { V, SUITE, cand, "--exclude", "1:" }, 2, "dmcheck verify: ", "need ROWS:REASON" },
    { { V, SUITE, cand, "--exclude", "a:why" }, 2, "dmcheck verify: ", "ROWS must be a data row" },
    { { V, SUITE, cand, "--exclude", "-1:why" }, 2, "dmcheck verify: ", "ROWS must be a data row" },
    { { V, SUITE, cand, "--exclude", "+1:why" }, 2, "dmcheck verify: ", "ROWS must be a data row" },
    { { V, SUITE, cand, "--exclude", " 1:why" }, 2, "dmcheck verify: ", "ROWS must be a data row" },
    { { V, SUITE, cand, "--exclude", "3-1:why" }, 2, "dmcheck verify: ", "ROWS must be a data row" },
    { { V, SUITE, cand, "--exclude", "1-:why" }, 2, "dmcheck verify: ", "ROWS must be a data row" },
    { { V, SUITE, cand, "--exclude", "1x:why" }, 2, "dmcheck verify: ", "ROWS must be a data row" },
    { { V, SUITE, cand, "--exclude", "99999999999999999999999:why" }, 2, "dmcheck verify: ", "ROWS must be a data row" },
    { { V, SUITE, cand, "--exclude", "0-1:all of them" }, 2, "", "no data rows left after the exclusions" },
    { { S, "--target", mix, "--order", "1", e1 }, 2, "dmcheck sampler-check: ", "at least two N=FILE" },
    { { S, "--target", mix, e1, e2 }, 2, "dmcheck sampler-check: ", "needs --target, --order" },
    { { S, "--order", "1", e1, e2 }, 2, "dmcheck sampler-check: ", "needs --target, --order" },
    { { S, "--target", mix, "--order", "one", e1, e2 }, 2, "dmcheck sampler-check: ", "bad --order 'one'" },
    { { S, "--target", mix, "--order", "1", "--t", "soon", e1, e2 }, 2, "dmcheck sampler-check: ", "bad --t 'soon'" },
    { { S, "--target", mix, "--order", "1", "--alpha", "x", e1, e2 }, 2, "dmcheck sampler-check: ", "bad --alpha 'x'" },
    { { S, "--target", mix, "--order", "1", "--process", "vp", e1, e2 }, 2, "dmcheck sampler-check: ", "bad --process 'vp'" },
    { { S, "--target", mix, "--order", "1", "--process", "ve:1", e1, e2 }, 2, "dmcheck sampler-check: ", "bad --process 've:1'" },
    { { S, "--target", mix, "--order", "1", "--process", "vp:a,2", e1, e2 }, 2, "dmcheck sampler-check: ", "bad --process" },
    { { S, "--target", mix, "--order", "1", "--process", "ve:1,b", e1, e2 }, 2, "dmcheck sampler-check: ", "bad --process" },
    { { S, "--target", mix, "--order", "1", "--process", "sub:1,2", e1, e2 }, 2, "dmcheck sampler-check: ", "bad --process" },
    { { S, "--target", mix, "--order", "1", "--alpha", "0.5", e1, e2 }, 2, "dmcheck sampler-check: ", "--alpha <= 1e-6" },
    { { S, "--target", mix, "--order", "1", n1, e2 }, 2, "dmcheck sampler-check: ", "is not N=FILE" },
    { { S, "--target", mix, "--order", "1", z1, e2 }, 2, "dmcheck sampler-check: ", "is not N=FILE" },
    { { S, "--target", mix, "--order", "1", s1, e2 }, 2, "dmcheck sampler-check: ", "is not N=FILE" },
    { { S, "--target", bad2, "--order", "1", e1, e2 }, 2, want_cols, "2 columns; expected 1 + 2d" },
    { { S, "--target", inf, "--order", "1", e1, e2 }, 2, want_inf, "not a finite number" },
    { { S, "--target", empty, "--order", "1", e1, e2 }, 2, want_empty, "empty file" },
    { { S, "--target", onlyh, "--order", "1", e1, e2 }, 2, want_onlyh, "no data rows" },
    { { S, "--target", few, "--order", "1", e1, e2 }, 2, want_few, "2 fields, the header has 3" },
    { { S, "--target", mix, "--order", "1", "--process", "edm", "10=/nonexistent/s.csv", e2 }, 2, "/nonexistent/s.csv", "cannot open" },
  };
  /* the mixture's sample files: an extra field, too few fields, the wrong width */
  char x1[PATH_MAX + 96], x3[PATH_MAX + 96];
  snprintf(x1, sizeof x1, "10=%s", extra);
  snprintf(x3, sizeof x3, "10=%s", hdr);
  struct { const char *set; const char *prefix, *msg; } sets[] = {
    { x1, want_extra, "extra field" }, { x3, want_hdr, "2 columns in the header, expected 1" },
  };
  int n = (int)(sizeof cases / sizeof *cases), good = 0, total = n + 2 + 4;
  char fails[4096] = "";
  for (int i = 0; i < n; i++) {
    const char *const *v = cases[i].a;
    int st = cli_run(&fx->r, NULL, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11],
                     (char *)NULL);
    int ok = st == cases[i].exit && one_line(fx, cases[i].prefix, cases[i].msg);
    good += ok;
    if (!ok && strlen(fails) < sizeof fails - 200)
      snprintf(fails + strlen(fails), sizeof fails - strlen(fails), "[%d %s: exit %d, %.120s] ", i, cases[i].msg, st,
               fx->r.err);
  }
  for (int i = 0; i < 2; i++) {
    int st = cli_run(&fx->r, NULL, S, "--target", mix, "--order", "1", sets[i].set, e2, (char *)NULL);
    int ok = st == 2 && one_line(fx, sets[i].prefix, sets[i].msg);
    good += ok;
    if (!ok) snprintf(fails + strlen(fails), sizeof fails - strlen(fails), "[set %s: exit %d, %.120s] ", sets[i].msg, st, fx->r.err);
  }
  /* 33 sets: one more than DMC_SAMPLER_SETS_MAX */
  {
    const char *a[40] = { S, "--target", mix, "--order", "1" };
    char many[33][24];
    for (int i = 0; i < 33; i++) { snprintf(many[i], sizeof many[i], "%d=x.csv", i + 1); a[5 + i] = many[i]; }
    pid_t pid = cli_start(&fx->r, a); /* NULL-terminated by the initialiser */
    int st = cli_wait(&fx->r, pid);
    char err[512];
    char errpath[PATH_MAX + 64];
    cli_path(&fx->r, "async.err", errpath, sizeof errpath);
    cli_read_file(errpath, err, sizeof err);
    int ok = st == 2 && strstr(err, "at most 32 sample sets");
    good += ok;
    if (!ok) snprintf(fails + strlen(fails), sizeof fails - strlen(fails), "[33 sets: exit %d, %.120s] ", st, err);
  }
  /* help: `dmcheck help CMD`, -h, and sampler-check's own; an unknown sampler option */
  int h1 = cli_run(&fx->r, NULL, "help", "sampler-check", (char *)NULL) == 0 &&
           strstr(fx->r.out, "usage: dmcheck sampler-check") && !fx->r.err[0];
  int h2 = cli_run(&fx->r, NULL, "-h", (char *)NULL) == 0 && strstr(fx->r.out, "usage: dmcheck COMMAND");
  int h3 = cli_run(&fx->r, NULL, "help", (char *)NULL) == 0 && strstr(fx->r.out, "usage: dmcheck COMMAND");
  int h4 = cli_run(&fx->r, NULL, S, "--bogus", (char *)NULL) == 2 && strstr(fx->r.err, "usage: dmcheck sampler-check");
  good += h1 + h2 + h3 + h4;
  if (!(h1 && h2 && h3 && h4))
    snprintf(fails + strlen(fails), sizeof fails - strlen(fails), "[help %d %d %d %d] ", h1, h2, h3, h4);
  evidence_row(fx->ev, "vectors.verify.malformed", "behaviour", good == total,
               "dmcheck help, verify's option conflicts and --exclude specs, sampler-check's options, mixture and "
               "sample files: exit 2, one line naming the fault", (unsigned long)total, fx->seed, "%d of %d cases%s%s",
               good, total, *fails ? ": " : "", fails);
  PROP_CHECK(good == total, "more options: %d of %d: %s", good, total, fails);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_output_refusals),
    cmocka_unit_test(test_output_signals),
    cmocka_unit_test(test_output_signals_two_outputs),
    cmocka_unit_test(test_bad_inputs),
    cmocka_unit_test(test_report_names),
    cmocka_unit_test(test_report_accounting),
    cmocka_unit_test(test_report_decades),
    cmocka_unit_test(test_corrupt_vectors),
    cmocka_unit_test(test_output_errors),
    cmocka_unit_test(test_progress),
    cmocka_unit_test(test_eval),
    cmocka_unit_test(test_eval_functions),
    cmocka_unit_test(test_list_and_usage),
    cmocka_unit_test(test_options),
    cmocka_unit_test(test_more_options),
    cmocka_unit_test(test_rows_out_exclusions),
    cmocka_unit_test(test_column_choices),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
