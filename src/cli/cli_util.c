/* cli_util.c -- small helpers shared by the subcommands. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_wants_help(int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return 1;
  return 0;
}

const char *cli_vectors_dir(void)
{
  const char *d = getenv("DMC_VECTORS");
  return d && *d ? d : DMC_SOURCE_DIR "/reference/vectors";
}

void cli_progress(size_t done, size_t total, void *label)
{
  if (!isatty(STDERR_FILENO)) return;
  if (total) fprintf(stderr, "\r%s: %zu/%zu rows (%d%%)", (const char *)label, done, total,
                     (int)(100.0 * (double)done / (double)total));
  else fprintf(stderr, "\r%s: %zu rows", (const char *)label, done);
  if (total && done >= total) fputs("\n", stderr);
  fflush(stderr);
}
