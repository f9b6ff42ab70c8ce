/* main.c -- the dmcheck command line: dispatch to subcommands. No numerics
 * here; each subcommand lives in its own file (cli_*.c). */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const cli_command commands[] = {
  { "list", "list suites, functions and claims", cli_list },
  { "eval", "print one correctly rounded value", cli_eval },
  { "ref", "write a suite's reference vectors", cli_ref },
  { "verify", "measure a candidate CSV against a suite, in ULPs", cli_verify },
  { "merge", "combine the shard reports of verify --shard into one report", cli_merge },
  { "sampler-check", "test a sampler's sample sets against an exact mixture", cli_sampler },
};

static void usage(FILE *f)
{
  fprintf(f, "usage: dmcheck COMMAND [ARGS...]\n\ncommands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].summary);
  fprintf(f, "\nRun 'dmcheck help COMMAND' or 'dmcheck COMMAND --help' for a command's options.\n"
             "Exit status: 0 success, 1 check failed / over budget, 2 bad input.\n");
}

int main(int argc, char **argv)
{
  if (argc < 2) { usage(stderr); return 2; }
  if (!strcmp(argv[1], "help") && argc == 3) { /* `dmcheck help COMMAND`: that command's usage */
    char help[] = "--help";
    char *sub[] = { argv[2], help, NULL };
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
      if (!strcmp(argv[2], commands[i].name)) return commands[i].run(2, sub);
    fprintf(stderr, "dmcheck: unknown command '%s' (try 'dmcheck --help')\n", argv[2]);
    return 2;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) { usage(stdout); return 0; }
  if (!strcmp(argv[1], "--version")) { printf("dmcheck %s\n", DMC_CLI_VERSION); return 0; }
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "dmcheck: unknown command '%s' (try 'dmcheck --help')\n", argv[1]);
  return 2;
}
