/* cli_list.c -- `dmcheck list`: the vector suites, the evaluable functions and
 * the claim ids they exercise. */
#define _POSIX_C_SOURCE 200809L
#include "budgets.h"
#include "cli.h"
#include "suites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
  fprintf(f,
    "usage: dmcheck list [--suites|--functions|--claims|--json]\n"
    "Without an option: the suites (name, rows, description), the functions 'dmcheck\n"
    "eval' knows (arguments, claim) and the claims they exercise.\n"
    "  --suites     one suite name per line (for scripts)\n"
    "  --functions  the functions with their arguments and claim ids\n"
    "  --claims     each claim id with the suites and functions that exercise it\n"
    "  --json       the function registry as JSON (for bindings): name, arguments,\n"
    "               outputs, claim, C symbols, C parameter list, output index,\n"
    "               ULP budget (tests/budgets.tsv)\n");
}

static void list_suites(int verbose)
{
  if (verbose) printf("suites (dmcheck ref / dmcheck verify):\n");
  for (size_t i = 0; i < dmc_nsuites; i++) {
    const dmc_suite *s = dmc_suites[i];
    if (verbose) printf("  %-22s %7zu rows  %s\n", s->name, s->count(), s->description);
    else printf("%s\n", s->name);
  }
}

static void list_functions(void)
{
  printf("functions (dmcheck eval):\n");
  for (int i = 0; i < cli_nfunctions; i++)
    printf("  %-22s %-28s claim %s\n", cli_functions[i].name, cli_functions[i].args, cli_functions[i].claim);
}

/* A space-separated list as a JSON array of strings (names are identifiers). */
static void json_words(const char *key, const char *words)
{
  printf("\"%s\": [", key);
  for (const char *p = words; *p;) {
    size_t l = strcspn(p, " ");
    if (l) printf("%s\"%.*s\"", p == words ? "" : ", ", (int)l, p);
    p += l;
    p += strspn(p, " ");
  }
  printf("]");
}

/* One object per registry row; the budget is looked up in the one budget
 * table (null when it has no row). */
static void list_json(void)
{
  printf("[\n");
  for (int i = 0; i < cli_nfunctions; i++) {
    const cli_function *f = &cli_functions[i];
    char err[256];
    double budget = budgets_lookup(f->lib_name, err, sizeof err);
    printf("  {\"name\": \"%s\", ", f->name);
    json_words("args", f->args);
    printf(", ");
    json_words("outputs", f->outputs);
    printf(", ");
    json_words("claims", f->claim);
    printf(", \"lib\": \"%s\", \"ref\": \"%s\", \"shape\": \"%s\", \"signature\": \"%s\", \"output_index\": %d, ",
           f->lib_name, f->ref_name, f->shape, f->signature, f->sel);
    if (budget >= 0) printf("\"budget_ulp\": %.17g}", budget);
    else printf("\"budget_ulp\": null}");
    printf("%s\n", i + 1 < cli_nfunctions ? "," : "");
  }
  printf("]\n");
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Claim ids named by the suites (space separated) and the functions. */
static void list_claims(void)
{
  size_t cap = 64, n = 0;
  char **ids = malloc(cap * sizeof *ids);
  if (!ids) return;
  for (size_t i = 0; i <= dmc_nsuites; i++) {
    const char *src = i < dmc_nsuites ? dmc_suites[i]->claims : NULL;
    for (int f = 0; i == dmc_nsuites && f < cli_nfunctions; f++) {
      if (n == cap) { char **m = realloc(ids, 2 * cap * sizeof *ids); if (!m) goto out; ids = m; cap *= 2; }
      if (cli_functions[f].claim && *cli_functions[f].claim && (ids[n] = strdup(cli_functions[f].claim))) n++;
    }
    if (!src) continue;
    for (const char *p = src; *p;) {
      size_t l = strcspn(p, " \t");
      if (l) {
        if (n == cap) { char **m = realloc(ids, 2 * cap * sizeof *ids); if (!m) goto out; ids = m; cap *= 2; }
        if ((ids[n] = malloc(l + 1))) { memcpy(ids[n], p, l); ids[n][l] = '\0'; n++; }
      }
      p += l;
      p += strspn(p, " \t");
    }
  }
  qsort(ids, n, sizeof *ids, cmp_str);
  printf("claims (exercised by suites / functions):\n");
  for (size_t i = 0; i < n; i++) {
    if (i && !strcmp(ids[i], ids[i - 1])) continue;
    printf("  %-28s", ids[i]);
    for (size_t s = 0; s < dmc_nsuites; s++) {
      const char *c = dmc_suites[s]->claims, *hit = c ? strstr(c, ids[i]) : NULL;
      size_t l = strlen(ids[i]);
      while (hit && !((hit == c || hit[-1] == ' ') && (hit[l] == '\0' || hit[l] == ' ')))
        hit = strstr(hit + 1, ids[i]);
      if (hit) printf(" suite:%s", dmc_suites[s]->name);
    }
    for (int f = 0; f < cli_nfunctions; f++)
      if (cli_functions[f].claim && !strcmp(cli_functions[f].claim, ids[i])) printf(" fn:%s", cli_functions[f].name);
    putchar('\n');
  }
out:
  for (size_t i = 0; i < n; i++) free(ids[i]);
  free(ids);
}

int cli_list(int argc, char **argv)
{
  if (cli_wants_help(argc, argv)) { usage(stdout); return 0; }
  if (argc > 2) { fprintf(stderr, "dmcheck list: one option at most (try --help)\n"); return 2; }
  if (argc == 2) {
    if (!strcmp(argv[1], "--suites")) list_suites(0);
    else if (!strcmp(argv[1], "--functions")) list_functions();
    else if (!strcmp(argv[1], "--claims")) list_claims();
    else if (!strcmp(argv[1], "--json")) list_json();
    else { fprintf(stderr, "dmcheck list: unknown option '%s' (try --help)\n", argv[1]); return 2; }
    return 0;
  }
  list_suites(1);
  putchar('\n');
  list_functions();
  putchar('\n');
  list_claims();
  return 0;
}
