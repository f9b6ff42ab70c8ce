/* test_report_units.c -- the report's building blocks on malformed and
 * boundary input: the \claim parser (escapes, nesting, comments, line
 * numbers, unterminated groups, duplicates, growth past the first capacity),
 * the theory reader (missing, empty and unreadable inputs), and the evidence
 * writer (DMC_SEED parsing, CSV quoting, unknown kinds, nested result
 * directories, a failing disk). Each expectation is the one documented in
 * report/claims.h, report/diag.h and report/evidence.h. */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "claims.h"
#include "diag.h"
#include "evidence.h"
#include "budgets.h"
#include "verdict.h"
#include "ledger.h"
#include "texout.h"

typedef struct { diag d; char *log; size_t len; } logged;

static void log_open(logged *g)
{
  g->d.tool = "test_report_units";
  g->d.errors = 0;
  g->log = NULL;
  g->d.log = open_memstream(&g->log, &g->len);
  assert_non_null(g->d.log);
}
/* Closes the log; the caller frees g->log. */
static void log_close(logged *g) { fclose(g->d.log); g->d.log = NULL; }

static int parse(claim_set *s, const char *text, logged *g)
{
  memset(s, 0, sizeof *s);
  log_open(g);
  int problems = claims_parse(s, text, "t.tex", &g->d);
  log_close(g);
  assert_int_equal(problems, g->d.errors);
  return problems;
}

/* ---- the \claim parser ----------------------------------------------------- */
static void test_claims_groups(void **state)
{
  (void)state;
  claim_set s;
  logged g;
  const char *text =
    "% \\claim{hidden}{s}{commented out}\n"
    "\\claim{a.nest}{src}{a {nested {deep}} group}\n"
    "\\claim{a.esc}{src}{x \\} y \\{ z}\n"           /* escaped braces do not count */
    "\\claim{a.lines}{src} % a comment between groups\n"
    "  {spans\n two lines}\n"
    "\\claim[impl]{a.impl}{src}{ours}\n"
    "\\claim[math]{a.math}{src}{theirs}\n"
    "\\claimx{not}{a}{claim} \\% \\claims{no}\n"
    "\\claim{a.last}{src}{end}";
  assert_int_equal(parse(&s, text, &g), 0);
  free(g.log);
  assert_int_equal(s.n, 6);
  assert_null(claims_find(&s, "hidden"));
  assert_null(claims_find(&s, "not"));
  assert_string_equal(claims_find(&s, "a.nest")->statement, "a {nested {deep}} group");
  assert_string_equal(claims_find(&s, "a.esc")->statement, "x \\} y \\{ z");
  const claim_def *c = claims_find(&s, "a.lines");
  assert_string_equal(c->statement, "spans\n two lines");
  assert_int_equal(c->line, 4);
  assert_int_equal(claims_find(&s, "a.impl")->cls, CLAIM_IMPL);
  assert_int_equal(claims_find(&s, "a.math")->cls, CLAIM_MATH);
  c = claims_find(&s, "a.last");
  assert_int_equal(c->line, 10);                /* the two-line group was counted */
  assert_string_equal(c->file, "t.tex");
  assert_int_equal(claims_index(&s, "a.last"), 5);
  claims_free(&s);
  assert_int_equal(s.n, 0);
}

static void test_claims_malformed(void **state)
{
  (void)state;
  claim_set s;
  logged g;
  /* empty id, unknown class, empty class, duplicate: each a problem at its line, parsing goes on */
  const char *text = "\\claim{}{s}{t}\n"
                     "\\claim[proof]{p}{s}{t}\n"
                     "\\claim[]{q}{s}{t}\n"
                     "\\claim{dup}{s}{t}\n"
                     "\n"
                     "\\claim{dup}{s2}{t2}\n"
                     "\\claim{ok}{s}{t}\n";
  assert_int_equal(parse(&s, text, &g), 4);
  assert_non_null(strstr(g.log, "t.tex:1: \\claim needs {id}{source}{statement}"));
  assert_non_null(strstr(g.log, "t.tex:2: \\claim[proof]: the class must be math or impl"));
  assert_non_null(strstr(g.log, "t.tex:3: \\claim[]: the class must be math or impl"));
  assert_non_null(strstr(g.log, "t.tex:6: claim dup is defined twice (first at t.tex:4)"));
  free(g.log);
  assert_int_equal(s.n, 2);
  assert_string_equal(claims_find(&s, "dup")->source, "s");  /* the first definition stays */
  assert_non_null(claims_find(&s, "ok"));
  claims_free(&s);

  /* an unterminated group: one problem, and nothing after it is trusted */
  assert_int_equal(parse(&s, "\\claim{a}{s}{t}\n\\claim{b}{s}{never closed\n\\claim{c}{s}{t}\n", &g), 1);
  assert_non_null(strstr(g.log, "t.tex:2: \\claim needs"));
  free(g.log);
  assert_int_equal(s.n, 1);
  claims_free(&s);
  /* an unterminated class option */
  assert_int_equal(parse(&s, "\\claim[impl{a}{s}{t}", &g), 1);
  free(g.log);
  assert_int_equal(s.n, 0);
  claims_free(&s);
  /* a missing group */
  assert_int_equal(parse(&s, "\\claim{a}{s} and text", &g), 1);
  free(g.log);
  claims_free(&s);
}

/* 200 claims: past the set's first capacity (64), all kept in order. */
static void test_claims_growth(void **state)
{
  (void)state;
  size_t cap = 200 * 48, len = 0;
  char *text = malloc(cap);
  assert_non_null(text);
  for (int i = 0; i < 200; i++) len += (size_t)snprintf(text + len, cap - len, "\\claim{g.%03d}{s}{statement %d}\n", i, i);
  claim_set s;
  logged g;
  assert_int_equal(parse(&s, text, &g), 0);
  free(g.log);
  free(text);
  assert_int_equal(s.n, 200);
  for (int i = 0; i < 200; i += 37) {
    char id[16];
    snprintf(id, sizeof id, "g.%03d", i);
    assert_int_equal(claims_index(&s, id), i);
    assert_int_equal(claims_find(&s, id)->line, i + 1);
  }
  claims_free(&s);
}

/* ---- the theory reader and the directory lister ------------------------------ */
static char tmp_root[256];

static void write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  assert_int_equal(fclose(f), 0);
}

/* claims_read_dir of dir: asserts its problem count and that the log holds
 * `message`; s keeps the claims (claims_free by the caller). */
static void read_dir_expect(claim_set *s, const char *dir, int problems, const char *message)
{
  logged g;
  memset(s, 0, sizeof *s);
  log_open(&g);
  assert_int_equal(claims_read_dir(s, dir, &g.d), problems);
  log_close(&g);
  if (!strstr(g.log, message)) fail_msg("claims_read_dir(%s): no '%s' in: %s", dir, message, g.log);
  free(g.log);
}

static void test_claims_read_dir(void **state)
{
  (void)state;
  claim_set s;
  char dir[512], path[600];
  /* a directory that does not exist */
  snprintf(dir, sizeof dir, "%s/absent", tmp_root);
  read_dir_expect(&s, dir, 1, "cannot read directory");
  claims_free(&s);
  /* a directory with no .tex file (hidden and other files do not count) */
  snprintf(dir, sizeof dir, "%s/theory", tmp_root);
  assert_int_equal(mkdir(dir, 0700), 0);
  snprintf(path, sizeof path, "%s/.hidden.tex", dir);
  write_file(path, "\\claim{h}{s}{t}\n");
  snprintf(path, sizeof path, "%s/notes.txt", dir);
  write_file(path, "\\claim{n}{s}{t}\n");
  read_dir_expect(&s, dir, 1, "no theory files (*.tex) in");
  claims_free(&s);
  /* files read in natural order; a large one (past the reader's first 64 KiB);
   * an unreadable "file" (a directory named x.tex) is a problem, the rest are read */
  snprintf(path, sizeof path, "%s/b.tex", dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  for (int i = 0; i < 3000; i++) fprintf(f, "%% padding line %d of a large theory file\n", i);
  fputs("\\claim{b.big}{s}{after the padding}\n", f);
  assert_int_equal(fclose(f), 0);
  snprintf(path, sizeof path, "%s/a.tex", dir);
  write_file(path, "\\claim{a.one}{s}{t}\n");
  /* natural order: a9 before a10 (as d9_vectors before d10_samplers) */
  snprintf(path, sizeof path, "%s/a10.tex", dir);
  write_file(path, "\\claim{a.ten}{s}{t}\n");
  snprintf(path, sizeof path, "%s/a9.tex", dir);
  write_file(path, "\\claim{a.nine}{s}{t}\n");
  snprintf(path, sizeof path, "%s/c.tex", dir);
  assert_int_equal(mkdir(path, 0700), 0);
  read_dir_expect(&s, dir, 1, "/c.tex");   /* "cannot read DIR/c.tex" */
  assert_int_equal(s.nfiles, 5);
  assert_int_equal(s.n, 4);
  assert_string_equal(s.v[0].id, "a.one");
  assert_string_equal(s.v[1].id, "a.nine");
  assert_string_equal(s.v[2].id, "a.ten");
  assert_string_equal(s.v[3].id, "b.big");
  assert_int_equal(s.v[3].line, 3001);
  claims_free(&s);
}

/* ---- the evidence writer ------------------------------------------------------ */
static char *slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  static char buf[8192];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  return buf;
}

/* evidence_seed in a child: its exit status (or 0) and the seed it returned
 * (low byte, through a pipe-free trick: the exit code 100 + seed % 100). */
static int seed_status(const char *value)
{
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(99);
    if (value) setenv("DMC_SEED", value, 1); else unsetenv("DMC_SEED");
    unsigned long seed = evidence_seed("t");
    _exit(100 + (int)(seed % 100));
  }
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  assert_true(WIFEXITED(st));
  return WEXITSTATUS(st);
}

static void test_evidence_seed(void **state)
{
  (void)state;
  assert_int_equal(seed_status(NULL), 100 + 20261125 % 100);  /* the documented default */
  assert_int_equal(seed_status(""), 100 + 20261125 % 100);
  assert_int_equal(seed_status("1234"), 134);
  assert_int_equal(seed_status("0x1F"), 131);                 /* 31 */
  assert_int_equal(seed_status("12abc"), 2);                  /* malformed: exit 2 */
  assert_int_equal(seed_status("-5"), 2);
  assert_int_equal(seed_status("99999999999999999999999"), 2); /* out of range */
}

static void test_evidence_rows(void **state)
{
  (void)state;
  char res[512], path[700];
  snprintf(res, sizeof res, "%s/results/deep/er", tmp_root);   /* created level by level */
  setenv("DMC_RESULTS", res, 1);
  assert_string_equal(evidence_results_dir(), res);
  dmc_evidence *ev = evidence_open("units");
  assert_non_null(ev);
  assert_int_equal(evidence_row(ev, "c.one", "exact", 1, "plain", 3, 7, "n=%d", 5), 1);
  assert_int_equal(evidence_row(ev, "c.two", "control", 0, "a, \"quoted\" check", 0, 0, "line\nbreak, %s", "x"), 0);
  assert_int_equal(evidence_row(ev, "c.three", "no-such-kind", 1, "k", 1, 1, "d"), 0); /* refused: no row */
  assert_int_equal(evidence_close(ev), 0);
  snprintf(path, sizeof path, "%s/evidence/units.csv", res);
  char header[512] = "";
  for (int c = 0; c < EV_NCOLUMNS; c++) {
    strcat(header, c ? "," : "");
    strcat(header, ev_column_name((ev_column)c));
  }
  char want[1024];
  snprintf(want, sizeof want, "%s\nc.one,exact,plain,1,3,7,n=5\n"
           "c.two,control,\"a, \"\"quoted\"\" check\",0,0,0,\"line break, x\"\n", header);
  assert_string_equal(slurp(path), want);
  /* without an open file a row still reports its verdict; closing nothing is fine */
  assert_int_equal(evidence_row(NULL, "c.one", "exact", 1, "k", 1, 1, "d"), 1);
  assert_int_equal(evidence_row(NULL, "c.one", "exact", 0, "k", 1, 1, "d"), 0);
  assert_int_equal(evidence_close(NULL), 0);
  /* an empty DMC_RESULTS means the build's default */
  setenv("DMC_RESULTS", "", 1);
  assert_true(strlen(evidence_results_dir()) > 0);
  assert_string_not_equal(evidence_results_dir(), "");
}

static void test_evidence_failures(void **state)
{
  (void)state;
  char res[512], path[700];
  /* a results "directory" that is a regular file: nothing can be created under it */
  snprintf(res, sizeof res, "%s/plainfile", tmp_root);
  write_file(res, "x");
  setenv("DMC_RESULTS", res, 1);
  assert_null(evidence_open("units"));
  assert_null(evidence_data_file("sub", "f.csv"));
  /* a path longer than the writer's buffer is refused, not truncated (a
   * truncated path of short components would name other directories) */
  char longp[5000];
  size_t len = (size_t)snprintf(longp, sizeof longp, "%s/long", tmp_root);
  while (len + 2 < sizeof longp) { longp[len++] = '/'; longp[len++] = 'd'; }
  longp[len] = '\0';
  setenv("DMC_RESULTS", longp, 1);
  assert_null(evidence_data_file("sub", "f.csv"));
  snprintf(path, sizeof path, "%s/long", tmp_root);
  struct stat st;
  assert_int_equal(stat(path, &st), -1);     /* nothing was created */
  /* a full disk: the rows are lost, and evidence_close says so */
  snprintf(res, sizeof res, "%s/full", tmp_root);
  snprintf(path, sizeof path, "%s/evidence", res);
  assert_int_equal(mkdir(res, 0700), 0);
  assert_int_equal(mkdir(path, 0700), 0);
  snprintf(path, sizeof path, "%s/evidence/units.csv", res);
  if (symlink("/dev/full", path) != 0) { skip(); return; }
  setenv("DMC_RESULTS", res, 1);
  dmc_evidence *ev = evidence_open("units");
  if (!ev) { skip(); return; }    /* no /dev/full here */
  evidence_row(ev, "c.one", "exact", 1, "k", 1, 1, "d");
  assert_int_equal(evidence_close(ev), -1);
  unsetenv("DMC_RESULTS");
}

/* ---- verdicts (report/verdict.h: the rules, case by case) -------------------- */
typedef struct { ev_kind kind; int pass; } row;

static verdict_tally tally_of(const row *rows, int n)
{
  verdict_tally t;
  memset(&t, 0, sizeof t);
  for (int i = 0; i < n; i++) verdict_add(&t, rows[i].kind, rows[i].pass);
  return t;
}

static void test_verdicts(void **state)
{
  (void)state;
  static const struct { row rows[3]; int n; claim_class cls; const char *want; } cases[] = {
    { { { EV_EXACT, 1 } }, 1, CLAIM_MATH, "holds" },
    { { { EV_NUMERIC, 1 }, { EV_STATISTICAL, 1 } }, 2, CLAIM_MATH, "holds" },
    { { { EV_EXACT, 0 } }, 1, CLAIM_MATH, "fails" },
    { { { EV_EXACT, 0 }, { EV_CORRECTED, 1 } }, 2, CLAIM_MATH, "holds-after-correction" },
    { { { EV_EXACT, 0 }, { EV_CORRECTED, 1 }, { EV_CORRECTED, 0 } }, 3, CLAIM_MATH, "fails" },
    { { { EV_EXACT, 0 }, { EV_APPROX, 1 } }, 2, CLAIM_MATH, "approximation" },
    { { { EV_EXACT, 0 }, { EV_APPROX, 1 }, { EV_APPROX, 0 } }, 3, CLAIM_MATH, "fails" },
    { { { EV_EXACT, 1 }, { EV_CORRECTED, 0 } }, 2, CLAIM_MATH, "fails" },
    { { { EV_EXACT, 1 }, { EV_APPROX, 0 } }, 2, CLAIM_MATH, "fails" },
    { { { EV_EXACT, 1 }, { EV_APPROX, 1 } }, 2, CLAIM_MATH, "approximation" },
    { { { EV_CORRECTED, 1 } }, 1, CLAIM_MATH, "holds-after-correction" },
    { { { EV_ACCURACY, 1 } }, 1, CLAIM_MATH, "unchecked" },     /* impl rows do not count for math */
    { { { EV_ACCURACY, 1 }, { EV_VECTORS, 1 } }, 2, CLAIM_IMPL, "holds" },
    { { { EV_BEHAVIOUR, 0 } }, 1, CLAIM_IMPL, "fails" },
    { { { EV_CONTROL_KIND, 1 } }, 1, CLAIM_MATH, "unchecked" }, /* controls never count themselves */
    { { { EV_EXACT, 1 } }, 0, CLAIM_IMPL, "unchecked" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    verdict_tally t = tally_of(cases[i].rows, cases[i].n);
    const char *v = verdict_of(&t, cases[i].cls);
    if (strcmp(v, cases[i].want)) fail_msg("case %zu: verdict %s, want %s", i, v, cases[i].want);
  }
}

static void test_verdict_gaps(void **state)
{
  (void)state;
  verdict_tally t;
  /* no evidence / only implementation-level evidence for a math claim */
  memset(&t, 0, sizeof t);
  assert_non_null(strstr(verdict_gap(&t, CLAIM_MATH), "has no evidence"));
  assert_non_null(strstr(verdict_gap(&t, CLAIM_IMPL), "has no evidence"));
  verdict_add(&t, EV_ACCURACY, 1);
  assert_non_null(strstr(verdict_gap(&t, CLAIM_MATH), "only implementation-level evidence"));
  assert_null(verdict_gap(&t, CLAIM_IMPL));
  /* each verdict needs a passing control of its own kind: the gap before the
   * control, none after it */
  static const struct { ev_kind kind; const char *gap; } own[] = {
    { EV_NUMERIC, "holds without" },
    { EV_CORRECTED, "holds after correction without" },
    { EV_APPROX, "is an approximation without" },
  };
  for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
    memset(&t, 0, sizeof t);
    verdict_add(&t, own[i].kind, 1);
    const char *gap = verdict_gap(&t, CLAIM_MATH);
    if (!gap || !strstr(gap, own[i].gap)) fail_msg("kind %d: gap '%s', want '%s'", (int)own[i].kind, gap, own[i].gap);
    verdict_add_controlled(&t, own[i].kind);
    assert_null(verdict_gap(&t, CLAIM_MATH));
  }
  /* a control of another kind does not back it */
  memset(&t, 0, sizeof t);
  verdict_add(&t, EV_EXACT, 1);
  verdict_add_controlled(&t, EV_CORRECTED);
  verdict_add_controlled(&t, EV_APPROX);
  verdict_add_controlled(&t, EV_ACCURACY);       /* implementation level: not a statement control */
  assert_non_null(verdict_gap(&t, CLAIM_MATH));
  /* a failing claim has no gap: the failure is the finding */
  memset(&t, 0, sizeof t);
  verdict_add(&t, EV_EXACT, 0);
  assert_null(verdict_gap(&t, CLAIM_MATH));
}

/* ---- the budget table (report/budgets.h) ------------------------------------- */
static void budgets_expect(const char *text, int want, const char *what)
{
  char p[512], err[512];
  snprintf(p, sizeof p, "%s/budgets.tsv", tmp_root);
  write_file(p, text);
  budget_row rows[2];
  int n = budgets_load(p, rows, 2, err, sizeof err);
  if (n != want || (want < 0 && !strstr(err, what)))
    fail_msg("budgets_load(%s): %d (%s); want %d and '%s'", text, n, n < 0 ? err : "", want, what);
  if (want > 0) assert_string_equal(rows[0].function, "dmc_f");
}

static void test_budgets(void **state)
{
  (void)state;
  budgets_expect("# comment\n\ndmc_f\t1.5\tone reason\n", 1, "");
  budgets_expect("dmc_f\t1\n", -1, ":1:");                                  /* two fields */
  budgets_expect("dmc_f\t1\tr\textra\n", -1, "more than three tab-separated fields");
  budgets_expect("\t1\tr\n", -1, "empty function name");
  budgets_expect("dmc_f\t-1\tr\n", -1, "is not a non-negative number");
  budgets_expect("dmc_f\tnan\tr\n", -1, "is not a non-negative number");
  budgets_expect("dmc_f\tmany\tr\n", -1, "budget");
  budgets_expect("dmc_f\t1\tr\ndmc_g\t1\tr\ndmc_h\t1\tr\n", -1, "more than 2 rows");
  char longname[200];
  memset(longname, 'f', sizeof longname);
  snprintf(longname + 120, sizeof longname - 120, "\t1\tr\n");
  budgets_expect(longname, -1, "function name longer than");
  char err[512], p[512];
  budget_row rows[1];
  snprintf(p, sizeof p, "%s/no-such-budgets.tsv", tmp_root);
  assert_int_equal(budgets_load(p, rows, 1, err, sizeof err), -1);
  /* lookup through $DMC_BUDGETS */
  snprintf(p, sizeof p, "%s/budgets.tsv", tmp_root);
  write_file(p, "dmc_f\t2.5\tr\n");
  setenv("DMC_BUDGETS", p, 1);
  assert_true(budgets_lookup("dmc_f", err, sizeof err) == 2.5);
  assert_true(budgets_lookup("dmc_absent", err, sizeof err) == -1);
  assert_non_null(strstr(err, "dmc_absent has no row in the budget table"));
  unsetenv("DMC_BUDGETS");
}

/* ---- the TeX writer (report/texout.h) ----------------------------------------- */
#ifndef DMC_SOURCE_DIR
#define DMC_SOURCE_DIR "."
#endif

/* texout_write of the judged accept fixture; its status, the log in *log. */
static int texout_run(const char *out, const char *results, const char *budgets, char **log)
{
  logged g;
  ledger L;
  log_open(&g);
  ledger_init(&L, &g.d);
  int problems = ledger_read_theory(&L, DMC_SOURCE_DIR "/tests/ledger/accept/theory");
  problems += ledger_read_evidence(&L, DMC_SOURCE_DIR "/tests/ledger/accept");
  problems += ledger_judge(&L);
  assert_int_equal(problems, 0);
  int rc = texout_write(&L, out, results, budgets, NULL);
  ledger_free(&L);
  log_close(&g);
  *log = g.log;
  return rc;
}

static void test_texout(void **state)
{
  (void)state;
  char out[512], res[512], acc[600], bud[512], p[700], *log;
  snprintf(out, sizeof out, "%s/tex", tmp_root);
  snprintf(res, sizeof res, "%s/texres", tmp_root);
  snprintf(acc, sizeof acc, "%s/accuracy", res);
  snprintf(bud, sizeof bud, "%s/tex-budgets.tsv", tmp_root);
  assert_int_equal(mkdir(out, 0700), 0);
  assert_int_equal(mkdir(res, 0700), 0);
  assert_int_equal(mkdir(acc, 0700), 0);
  write_file(bud, "dmc_f\t1\tone_reason & more\n");
  snprintf(p, sizeof p, "%s/f.csv", acc);
  write_file(p, "function,claim,n,budget,max,mean,worst,a,b,c\n"
                "short,row\n"
                "dmc_exact,c,100,1,0,0,x,a,b,c\n"
                "dmc_over,c,100,1,3.5,1,0x1p-3,a,b,c\n");
  assert_int_equal(texout_run(out, res, bud, &log), 0);
  free(log);
  snprintf(p, sizeof p, "%s/accuracy.tex", out);
  char *text = slurp(p);
  assert_non_null(strstr(text, "(every point correctly rounded)"));
  assert_non_null(strstr(text, "\\textcolor{red}{3.5}"));       /* over its budget */
  assert_null(strstr(text, "short"));                            /* a short row is skipped */
  snprintf(p, sizeof p, "%s/budgets.tex", out);
  assert_non_null(strstr(slurp(p), "one\\_reason \\& more"));     /* TeX-escaped */
  snprintf(p, sizeof p, "%s/verdicts.tex", out);
  assert_non_null(strstr(slurp(p), "\\csname dmcv@"));
  /* the errata in order of the claims downstream: ok.corrected (used by ok.exact
   * and, through it, ok.mixed) before ok.fails (used by none), though it fails */
  snprintf(p, sizeof p, "%s/errata.tex", out);
  text = slurp(p);
  const char *cor = strstr(text, "\\dmcerratum{ok.corrected}"), *fails = strstr(text, "\\dmcerratum{ok.fails}");
  assert_non_null(cor);
  assert_non_null(fails);
  assert_true(cor < fails);
  assert_non_null(strstr(cor, "{2 claims downstream}"));
  assert_non_null(strstr(fails, "{0 claims downstream}"));
  /* every evidence row says what its seed is (all rows of the fixture: the base seed 7) */
  snprintf(p, sizeof p, "%s/evidence-fixture.tex", out);
  assert_non_null(strstr(slurp(p), "seed 7, \\dmcseedbase)"));
  /* failures: each is reported and the result is -1 */
  snprintf(p, sizeof p, "%s/absent", tmp_root);
  assert_int_equal(texout_run(p, res, bud, &log), -1);            /* no output directory */
  assert_non_null(strstr(log, "cannot write"));
  free(log);
  assert_int_equal(texout_run(out, tmp_root, bud, &log), -1);     /* no accuracy directory */
  assert_non_null(strstr(log, "cannot read directory"));
  free(log);
  snprintf(p, sizeof p, "%s/absent.tsv", tmp_root);
  assert_int_equal(texout_run(out, res, p, &log), -1);            /* no budget table */
  free(log);
  snprintf(p, sizeof p, "%s/meta.tex", out);
  unlink(p);
  if (symlink("/dev/full", p) == 0) {                             /* a full disk */
    assert_int_equal(texout_run(out, res, bud, &log), -1);
    assert_non_null(strstr(log, "write error"));
    free(log);
  }
}

static int setup(void **state)
{
  (void)state;
  snprintf(tmp_root, sizeof tmp_root, "/tmp/test_report_units.XXXXXX");
  return mkdtemp(tmp_root) ? 0 : -1;
}

static int teardown(void **state)
{
  (void)state;
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_root);
  return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_claims_groups),
    cmocka_unit_test(test_claims_malformed),
    cmocka_unit_test(test_claims_growth),
    cmocka_unit_test(test_claims_read_dir),
    cmocka_unit_test(test_evidence_seed),
    cmocka_unit_test(test_evidence_rows),
    cmocka_unit_test(test_evidence_failures),
    cmocka_unit_test(test_verdicts),
    cmocka_unit_test(test_verdict_gaps),
    cmocka_unit_test(test_budgets),
    cmocka_unit_test(test_texout),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
