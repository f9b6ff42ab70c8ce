/* test_csvread.c -- the one CSV reader and number parser (report/csvread.h),
 * in process: fields, quoting, positions of every error, the size and line
 * caps, the number parser's accept/reject table against strtod's own reading,
 * the record reader of the ledger (csv_next) and the budget table reader.
 * Evidence: vectors.verify.malformed (the reader behind every candidate). */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "budgets.h"
#include "csvread.h"
#include "prop.h"

#define PROGRAM "test_csvread"
PROP_FIXTURE(PROGRAM)

/* Reads every field of text as "f1|f2;f1;..." (records joined by ';') into
 * out, or the error message; returns 0 or -1. */
static int tokenize(const char *text, char sep, int quotes, char *out, size_t len)
{
  char *buf = strdup(text);
  csv_reader c;
  csv_init_buffer(&c, "T", buf, strlen(buf), sep, quotes);
  out[0] = '\0';
  int k, rc = 0;
  while ((k = csv_next_record(&c)) > 0) {
    csv_field f;
    int first = 1;
    snprintf(out + strlen(out), len - strlen(out), "%s%ld:", out[0] ? ";" : "", c.line);
    while ((k = csv_next_field(&c, &f)) > 0) {
      snprintf(out + strlen(out), len - strlen(out), "%s%.*s", first ? "" : "|", (int)f.len, f.s);
      first = 0;
    }
    if (k < 0) break;
  }
  if (k < 0) { snprintf(out, len, "%.*s", (int)(len - 1), c.err); rc = -1; }
  else snprintf(out + strlen(out), len - strlen(out), "/eof%ld", c.line);
  csv_close(&c);
  free(buf);
  return rc;
}

static void test_tokenizer(void **state)
{
  prop_fixture *fx = *state;
  static const struct { const char *in; char sep; int quotes; const char *want; } cases[] = {
    { "a,b\n1,2\n", ',', 1, "1:a|b;2:1|2/eof2" },
    { "a,b\r\n1,2\r\n", ',', 1, "1:a|b;2:1|2/eof2" },
    { "\xef\xbb\xbf" "a\n", ',', 1, "1:a/eof1" },
    { "# c\n\n  \t\r\na , b \n", ',', 1, "4:a|b/eof4" },
    { "a,,\n", ',', 1, "1:a||/eof1" },
    { "\"x,y\",\"q\"\"q\"\n", ',', 1, "1:x,y|q\"q/eof1" },
    { " \"a\" ,b\n", ',', 1, "1:a|b/eof1" },
    { "\"a\"\r\n", ',', 1, "1:a/eof1" },
    { "\"lone\rcr\"\n", ',', 1, "1:lone\rcr/eof1" },   /* quoted content, not a line break */
    { "a\"b\n", ',', 0, "1:a\"b/eof1" },              /* quotes off: literal */
    { "f\t1.5\ta reason, \"quoted\"\n", '\t', 0, "1:f|1.5|a reason, \"quoted\"/eof1" },
    { "a\n#x", ',', 1, "1:a/eof2" },
    { "", ',', 1, "/eof1" },
    { "# only\n# comments\n", ',', 1, "/eof2" },
    { "a,b\nc", ',', 1, "1:a|b;2:c/eof2" },
    { "a\rb\n", ',', 1, "T:1:2: carriage return not followed by a line feed (lone CR: use LF or CRLF line ends)" },
    { "a\n\"b\r\n", ',', 1, "T:2:1: unterminated quote" },
    { "\"b\"x\n", ',', 1, "T:1:4: unexpected text after a closing quote" },
    { "\"b\"\rx\n", ',', 1, "T:1:4: carriage return not followed by a line feed (lone CR: use LF or CRLF line ends)" },
    { "x\n\"b", ',', 1, "T:2:1: unterminated quote" },
  };
  int n = (int)(sizeof cases / sizeof *cases), good = 0;
  char out[512], fails[2048] = "";
  for (int i = 0; i < n; i++) {
    tokenize(cases[i].in, cases[i].sep, cases[i].quotes, out, sizeof out);
    int ok = !strcmp(out, cases[i].want);
    good += ok;
    if (!ok) snprintf(fails + strlen(fails), sizeof fails - strlen(fails), "[case %d: got '%s'] ", i, out);
  }
  evidence_row(fx->ev, "vectors.verify.malformed", "behaviour", good == n,
               "CSV reader: fields, quotes, CRLF, comments; lone CR and quote errors at FILE:LINE:COL; EOF names the last line",
               (unsigned long)n, fx->seed, "%d of %d inputs tokenized as expected%s%s", good, n, *fails ? ": " : "", fails);
  PROP_CHECK(good == n, "%s", fails);
}

static void write_file(const char *path, const char *text, size_t len)
{
  FILE *f = fopen(path, "wb");
  PROP_CHECK(f && fwrite(text, 1, len, f) == len && !fclose(f), "cannot write %s", path);
}

static void test_open_limits(void **state)
{
  prop_fixture *fx = *state;
  char path[] = "/tmp/dmc_test_csvread_XXXXXX";
  int fd = mkstemp(path);
  PROP_CHECK(fd >= 0, "mkstemp");
  close(fd);
  csv_reader c;
  /* the byte cap: exactly at the cap reads, one byte more is an error at the
   * position of the first byte beyond it */
  write_file(path, "ab\ncd\n", 6);
  int at = csv_open(&c, path, ',', 1, 6) == 0;
  if (at) csv_close(&c);
  int over = csv_open(&c, path, ',', 1, 5) < 0 && strstr(c.err, ":2:3: file larger than 5 bytes");
  /* a NUL byte, at its line and column */
  write_file(path, "a,b\nc\0d\n", 8);
  int nul = csv_open(&c, path, ',', 1, 0) < 0 && strstr(c.err, ":2:2: binary file (contains a NUL byte)");
  /* a missing file */
  int missing = csv_open(&c, "/nonexistent/x.csv", ',', 1, 0) < 0 && strstr(c.err, "/nonexistent/x.csv: cannot open");
  /* a line longer than the line cap */
  size_t big = CSV_MAX_LINE + 2;
  char *text = malloc(big + 1);
  PROP_CHECK(text != NULL, "out of memory");
  memset(text, 'x', big);
  text[big - 1] = '\n';
  text[big] = '\0';
  write_file(path, text, big);
  int longline = 0;
  if (csv_open(&c, path, ',', 1, 0) == 0) {
    longline = csv_next_record(&c) < 0 && strstr(c.err, "line longer than");
    csv_close(&c);
  }
  /* the record reader's line cap and NUL check */
  FILE *f = fmemopen(text, big, "rb");
  csv_record rec = { 0 };
  int line = 0;
  int rlong = f && csv_next(f, &rec, &line) < 0;
  if (f) fclose(f);
  free(text);
  csv_free(&rec);
  f = fmemopen("a\0b\n", 4, "rb");
  int rnul = f && csv_next(f, &rec, &line) < 0;
  if (f) fclose(f);
  csv_free(&rec);
  unlink(path);
  int ok = at && over && nul && missing && longline && rlong && rnul;
  evidence_row(fx->ev, "vectors.verify.malformed", "behaviour", ok,
               "CSV reader capacities are errors: the byte cap, the line cap, NUL bytes, each at FILE:LINE:COL", 7,
               fx->seed, "at cap %d, over cap %d, NUL %d, missing %d, long line %d, record long line %d, record NUL %d",
               at, over, nul, missing, longline, rlong, rnul);
  PROP_CHECK(ok, "limits: at %d over %d nul %d missing %d long %d rlong %d rnul %d (%s)", at, over, nul, missing,
             longline, rlong, rnul, c.err);
}

/* The number parser: what it accepts is exactly what strtod reads in full
 * without overflow; the rest is CSV_NUM_BAD or CSV_NUM_OVERFLOW. */
static void test_numbers(void **state)
{
  prop_fixture *fx = *state;
  static const struct { const char *s; int st; double x; } cases[] = {
    { "1.5", CSV_NUM_OK, 1.5 }, { " -0x1.8p+1 ", CSV_NUM_OK, -3.0 }, { "\t2e3\t", CSV_NUM_OK, 2000.0 },
    { "inf", CSV_NUM_OK, INFINITY }, { "-Infinity", CSV_NUM_OK, -INFINITY }, { ".5", CSV_NUM_OK, 0.5 },
    { "+7", CSV_NUM_OK, 7.0 }, { "1e-400", CSV_NUM_OK, 0.0 }, { "0x1p-1074", CSV_NUM_OK, 0x1p-1074 },
    { "1.7976931348623157e308", CSV_NUM_OK, DBL_MAX }, { "-0", CSV_NUM_OK, -0.0 },
    { "1e999999", CSV_NUM_OVERFLOW, 0 }, { "-1e309", CSV_NUM_OVERFLOW, 0 }, { "0x1p99999", CSV_NUM_OVERFLOW, 0 },
    { "1.7976931348623159e308", CSV_NUM_OVERFLOW, 0 },
    { "", CSV_NUM_BAD, 0 }, { "  ", CSV_NUM_BAD, 0 }, { "1.5e", CSV_NUM_BAD, 0 }, { "1,5", CSV_NUM_BAD, 0 },
    { "\v1", CSV_NUM_BAD, 0 }, { "x", CSV_NUM_BAD, 0 }, { "nan(", CSV_NUM_BAD, 0 }, { "1 2", CSV_NUM_BAD, 0 },
    { "0x", CSV_NUM_BAD, 0 },
  };
  int n = (int)(sizeof cases / sizeof *cases), good = 0;
  char fails[1024] = "";
  for (int i = 0; i < n; i++) {
    double x;
    int st = csv_parse_double(cases[i].s, strlen(cases[i].s), &x);
    int ok = st == cases[i].st && (st != CSV_NUM_OK ? isnan(x)
                                                    : (x == cases[i].x && signbit(x) == signbit(cases[i].x)));
    good += ok;
    if (!ok) snprintf(fails + strlen(fails), sizeof fails - strlen(fails), "['%s': status %d, %a] ", cases[i].s, st, x);
  }
  /* a million digits, and "nan" (accepted, NaN) */
  size_t big = 1000000;
  char *nines = malloc(big);
  PROP_CHECK(nines != NULL, "out of memory");
  memset(nines, '9', big);
  double x;
  int m9 = csv_parse_double(nines, big, &x) == CSV_NUM_OVERFLOW;
  nines[0] = '0'; nines[1] = '.';
  m9 &= csv_parse_double(nines, big, &x) == CSV_NUM_OK && x == 1.0; /* 0.999... rounds to 1 */
  free(nines);
  int nan_ok = csv_parse_double("nan", 3, &x) == CSV_NUM_OK && isnan(x);
  int msgs = strstr(csv_number_error(CSV_NUM_OVERFLOW), "overflows") && !strcmp(csv_number_error(CSV_NUM_BAD), "not a number");
  int ok = good == n && m9 && nan_ok && msgs;
  evidence_row(fx->ev, "vectors.verify.malformed", "behaviour", ok,
               "one number parser: decimal and hex read as strtod does; overflowing literals and partial numbers rejected",
               (unsigned long)n + 3, fx->seed, "%d of %d literals, a million digits %s, nan %s%s%s", good, n,
               m9 ? "ok" : "WRONG", nan_ok ? "ok" : "WRONG", *fails ? ": " : "", fails);
  PROP_CHECK(ok, "numbers: %d of %d, m9 %d, nan %d, msgs %d: %s", good, n, m9, nan_ok, msgs, fails);
}

/* csv_next: the ledger's record reader on the same tokenizer. */
static void test_records(void **state)
{
  (void)state;
  const char text[] = "claim,kind,pass\r\n\n# c\nx.y,\"exact, \"\"q\"\"\",1\nlast,no,lf";
  FILE *f = fmemopen((void *)text, sizeof text - 1, "rb");
  PROP_CHECK(f != NULL, "fmemopen");
  csv_record rec = { 0 };
  int line = 0, n = 0, k;
  char got[512] = "";
  while ((k = csv_next(f, &rec, &line)) > 0) {
    snprintf(got + strlen(got), sizeof got - strlen(got), "%s%d:", n++ ? ";" : "", rec.line);
    for (int i = 0; i < rec.nfields; i++)
      snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", i ? "|" : "", rec.field[i]);
  }
  fclose(f);
  const char bad[] = "a,\"b\n";
  f = fmemopen((void *)bad, sizeof bad - 1, "rb");
  int badq = f && csv_next(f, &rec, &line) < 0;
  if (f) fclose(f);
  char many[400] = "";
  for (int i = 0; i <= CSV_MAX_FIELDS; i++) strcat(many, "a,");
  f = fmemopen(many, strlen(many), "rb");
  int toomany = f && csv_next(f, &rec, &line) < 0;
  if (f) fclose(f);
  csv_free(&rec);
  const char *want = "1:claim|kind|pass;4:x.y|exact, \"q\"|1;5:last|no|lf";
  PROP_CHECK(k == 0 && !strcmp(got, want) && badq && toomany, "records: got '%s' want '%s', bad quote %d, too many %d",
             got, want, badq, toomany);
}

static void test_budgets(void **state)
{
  (void)state;
  char path[] = "/tmp/dmc_test_budgets_XXXXXX";
  int fd = mkstemp(path);
  PROP_CHECK(fd >= 0, "mkstemp");
  close(fd);
  budget_row rows[2];
  char err[1200];
  static const struct { const char *text, *err; int n; } cases[] = {
    { "# h\ndmc_a\t0\tok\r\n\ndmc_b\t1.5\twith, comma\n", NULL, 2 },
    { "dmc_a\t0\n", ":1:8: expected function<TAB>budget<TAB>reason", -1 },
    { "dmc_a\n", ":1:6: expected function<TAB>budget<TAB>reason", -1 },
    { "dmc_a\tx\tr\n", ":1:7: budget: not a number: 'x'", -1 },
    { "dmc_a\t1e999\tr\n", ":1:7: budget: number overflows binary64", -1 },
    { "dmc_a\t-1\tr\n", ":1:7: budget '-1' is not a non-negative number", -1 },
    { "dmc_a\t1\tr\tx\n", ":1:11: more than three tab-separated fields", -1 },
    { "\t1\tr\n", ":1:1: empty function name", -1 },
    { "a\t1\tr\nb\t1\tr\nc\t1\tr\n", ":3:1: more than 2 rows", -1 },
    { "dmc_a\t1\tr\rx\n", ":1:10: carriage return", -1 },
  };
  int n = (int)(sizeof cases / sizeof *cases), good = 0;
  char fails[2048] = "";
  for (int i = 0; i < n; i++) {
    write_file(path, cases[i].text, strlen(cases[i].text));
    int got = budgets_load(path, rows, 2, err, sizeof err);
    int ok = got == cases[i].n && (cases[i].err ? strstr(err, cases[i].err) && !strncmp(err, path, strlen(path))
                                                : !strcmp(rows[0].function, "dmc_a") && rows[1].budget == 1.5 &&
                                                  !strcmp(rows[1].reason, "with, comma"));
    good += ok;
    if (!ok) snprintf(fails + strlen(fails), sizeof fails - strlen(fails), "[case %d: %d, '%s'] ", i, got, err);
  }
  /* a reason and a function name beyond their fields are errors, not cuts */
  char longer[1024];
  snprintf(longer, sizeof longer, "dmc_a\t1\t%0*d\n", (int)sizeof rows[0].reason, 0);
  write_file(path, longer, strlen(longer));
  int reason = budgets_load(path, rows, 2, err, sizeof err) < 0 && strstr(err, ":1:9: reason longer than");
  snprintf(longer, sizeof longer, "%0*d\t1\tr\n", (int)sizeof rows[0].function, 0);
  write_file(path, longer, strlen(longer));
  int name = budgets_load(path, rows, 2, err, sizeof err) < 0 && strstr(err, ":1:1: function name longer than");
  unlink(path);
  /* the project's own table, and a function it names */
  double b = budgets_lookup("dmc_gauss_score", err, sizeof err);
  double none = budgets_lookup("no_such_function", err, sizeof err);
  int lookup = b >= 0 && none < 0 && strstr(err, "no row in the budget table");
  PROP_CHECK(good == n && reason && name && lookup, "budgets: %d of %d %s; long reason %d, long name %d, lookup %d (%s)",
             good, n, fails, reason, name, lookup, err);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_tokenizer),
    cmocka_unit_test(test_open_limits),
    cmocka_unit_test(test_numbers),
    cmocka_unit_test(test_records),
    cmocka_unit_test(test_budgets),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
