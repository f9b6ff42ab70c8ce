/* test_ledger.c -- the ledger's rules on small fixtures (tests/ledger/):
 * the claims parser, a theory + evidence set that must be accepted, one that
 * must be rejected claim by claim, and malformed evidence files. */
#define _XOPEN_SOURCE 700
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "claims.h"
#include "ledger.h"

#ifndef DMC_SOURCE_DIR
#define DMC_SOURCE_DIR "."
#endif
#define FIXTURES DMC_SOURCE_DIR "/tests/ledger"

/* Runs the ledger on a fixture directory; the messages go to *log. */
static int judge(ledger *L, diag *d, const char *dir, char **log, size_t *loglen)
{
  char theory[1024];
  snprintf(theory, sizeof theory, "%s/theory", dir);
  d->tool = "test_ledger";
  d->log = open_memstream(log, loglen);
  d->errors = 0;
  assert_non_null(d->log);
  ledger_init(L, d);
  int problems = ledger_read_theory(L, theory);
  problems += ledger_read_evidence(L, dir);
  problems += ledger_judge(L);
  fclose(d->log);
  d->log = NULL;
  assert_int_equal(problems, d->errors);
  return problems;
}

static const char *verdict_of_id(const ledger *L, const char *id)
{
  int i = claims_index(&L->claims, id);
  assert_true(i >= 0);
  return ledger_verdict(L, i);
}

static void test_parser(void **state)
{
  (void)state;
  claim_set s = { 0 };
  diag d = { "test_ledger", NULL, 0 };
  const char *text = "% \\claim{commented}{x}{y}\n"
                     "\\claim{m.one}{src}{a $\\{x\\}$ {nested {braces}}}\n"
                     "100\\% \\claim[impl]{i.one}{src}%\n  {over two lines}\n"
                     "\\claim[math]{m.two}{src}{z}\n";
  assert_int_equal(claims_parse(&s, text, "t.tex", &d), 0);
  assert_int_equal(s.n, 3);
  assert_string_equal(s.v[0].id, "m.one");
  assert_int_equal(s.v[0].cls, CLAIM_MATH);
  assert_string_equal(s.v[0].statement, "a $\\{x\\}$ {nested {braces}}");
  assert_string_equal(s.v[1].id, "i.one");
  assert_int_equal(s.v[1].cls, CLAIM_IMPL);
  assert_int_equal(s.v[1].line, 3);
  assert_string_equal(s.v[1].statement, "over two lines");
  assert_int_equal(s.v[2].cls, CLAIM_MATH);
  assert_int_equal(s.v[2].line, 5);
  /* an unknown class, a duplicate id and a missing group are each one problem */
  assert_int_equal(claims_parse(&s, "\\claim[proof]{x}{s}{t}\n\\claim{m.one}{s}{t}\n\\claim{y}{s}\n", "u.tex", &d), 3);
  assert_int_equal(d.errors, 3);
  assert_int_equal(s.n, 3);
  claims_free(&s);
}

static void test_accepts(void **state)
{
  (void)state;
  ledger L;
  diag d;
  char *log = NULL;
  size_t len = 0;
  int problems = judge(&L, &d, FIXTURES "/accept", &log, &len);
  if (problems) fail_msg("the accept fixture was rejected:\n%s", log);
  assert_string_equal(verdict_of_id(&L, "ok.exact"), "holds");
  assert_string_equal(verdict_of_id(&L, "ok.corrected"), "holds-after-correction");
  assert_string_equal(verdict_of_id(&L, "ok.approx"), "approximation");
  assert_string_equal(verdict_of_id(&L, "ok.impl"), "holds");
  assert_string_equal(verdict_of_id(&L, "ok.fails"), "fails");
  assert_string_equal(verdict_of_id(&L, "ok.mixed"), "holds");
  /* \uses: ok.exact uses the corrected ok.corrected, ok.mixed uses ok.exact */
  int exact = claims_index(&L.claims, "ok.exact"), mixed = claims_index(&L.claims, "ok.mixed");
  int corrected = claims_index(&L.claims, "ok.corrected"), impl = claims_index(&L.claims, "ok.impl");
  assert_int_equal(L.claims.v[exact].nuses, 1);
  assert_int_equal(L.claims.v[exact].uses[0], corrected);
  assert_int_equal(L.claims.v[mixed].nuses, 2);
  assert_int_equal(L.state[exact].affected_by, corrected);
  assert_int_equal(L.state[mixed].affected_by, corrected);
  assert_int_equal(L.state[corrected].affected_by, -1);
  assert_int_equal(L.state[impl].affected_by, -1);
  ledger_free(&L);
  free(log);
}

static void test_rejects(void **state)
{
  (void)state;
  static const char *const bad[] = { "bad.nocontrol", "bad.implonly", "bad.controlaccepted", "bad.wrongcheck",
                                     "bad.otherprogram", "bad.corrected", "bad.controlofimpl", "bad.approx",
                                     "bad.noevidence" };
  ledger L;
  diag d;
  char *log = NULL;
  size_t len = 0;
  int problems = judge(&L, &d, FIXTURES "/reject", &log, &len);
  printf("%s", log);
  assert_true(problems >= (int)(sizeof bad / sizeof *bad));
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char needle[128];
    snprintf(needle, sizeof needle, " %s ", bad[i]);
    if (!strstr(log, needle)) fail_msg("the ledger accepted %s:\n%s", bad[i], log);
  }
  if (strstr(log, "good.one")) fail_msg("the ledger rejected good.one:\n%s", log);
  /* the verdicts are still computed; only their backing is refused */
  assert_string_equal(verdict_of_id(&L, "bad.nocontrol"), "holds");
  assert_string_equal(verdict_of_id(&L, "bad.implonly"), "unchecked");
  ledger_free(&L);
  free(log);
}

/* One malformed evidence file per case, each one problem. */
/* An unknown id in a \uses and a cycle of \uses are each refused at the
 * FILE:LINE of the \uses. */
static void test_uses(void **state)
{
  (void)state;
  static const struct { const char *dir, *needle; int problems; } cases[] = {
    { "/uses_unknown/theory", "uses_unknown/theory/fixture.tex:4: \\uses of claim u.two names unknown claim 'u.missing'", 1 },
    { "/uses_cycle/theory", "uses_cycle/theory/fixture.tex:5: \\uses of claim c.two closes a cycle: c.one uses c.three "
                            "uses c.two uses c.one", 1 },
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char *log = NULL;
    size_t len = 0;
    diag d = { "test_ledger", open_memstream(&log, &len), 0 };
    assert_non_null(d.log);
    ledger L;
    ledger_init(&L, &d);
    char dir[1024];
    snprintf(dir, sizeof dir, "%s%s", FIXTURES, cases[i].dir);
    int problems = ledger_read_theory(&L, dir);
    fclose(d.log);
    printf("%s", log);
    assert_int_equal(problems, cases[i].problems);
    if (!strstr(log, cases[i].needle)) fail_msg("expected '%s' in:\n%s", cases[i].needle, log);
    ledger_free(&L);
    free(log);
  }
}

static void test_malformed(void **state)
{
  (void)state;
  static const char *const cases[][2] = {
    { "claim,kind,check,pass,n,seed,detail\nok.exact,exakt,lhs = rhs,1,1,1,typo in the kind\n", "unknown evidence kind" },
    { "claim,kind,check,pass,n,seed,detail\nno.such,exact,lhs = rhs,1,1,1,x\n", "unknown claim" },
    { "claim,kind,check,pass,n,seed,detail\nok.exact,exact,lhs = rhs,yes,1,1,x\n", "pass must be 0 or 1" },
    { "claim,kind,check,pass,n,seed\nok.exact,exact,lhs = rhs,1,1,1\n", "header is not the evidence schema" },
    { "claim,type,check,pass,n,seed,detail\nok.exact,exact,lhs = rhs,1,1,1,x\n", "header is not the evidence schema" },
    { "claim,kind,check,pass,n,seed,detail\nok.exact,exact,lhs = rhs,1,1,1\n", "6 fields" },
  };
  char dir[] = "/tmp/test_ledger.XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[256];
  snprintf(path, sizeof path, "%s/bad.csv", dir);
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(cases[i][0], f);
    fclose(f);
    ledger L;
    char *log = NULL;
    size_t len = 0;
    diag d = { "test_ledger", open_memstream(&log, &len), 0 };
    ledger_init(&L, &d);
    assert_int_equal(ledger_read_theory(&L, FIXTURES "/accept/theory"), 0);
    int problems = ledger_read_evidence_file(&L, path);
    fclose(d.log);
    assert_int_equal(problems, 1);
    if (!strstr(log, cases[i][1])) fail_msg("case %zu: expected '%s' in:\n%s", i, cases[i][1], log);
    ledger_free(&L);
    free(log);
  }
  remove(path);
  rmdir(dir);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_parser),
    cmocka_unit_test(test_accepts),
    cmocka_unit_test(test_rejects),
    cmocka_unit_test(test_uses),
    cmocka_unit_test(test_malformed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
