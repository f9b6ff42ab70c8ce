/* cli_list.c -- `dmcheck list`: the evaluable functions and their claims. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

int cli_list(int argc, char **argv)
{
  if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
    printf("usage: dmcheck list\nLists the functions 'dmcheck eval' knows, with their arguments and claim ids.\n");
    return 0;
  }
  if (argc > 1) { fprintf(stderr, "dmcheck list: unexpected argument '%s'\n", argv[1]); return 2; }
  printf("functions:\n");
  for (int i = 0; i < cli_nfunctions; i++)
    printf("  %-22s %-28s claim %s\n", cli_functions[i].name, cli_functions[i].args, cli_functions[i].claim);
  return 0;
}
