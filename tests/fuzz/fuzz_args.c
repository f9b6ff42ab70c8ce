/* fuzz_args.c -- the command line: the input is split at NUL bytes into
 * argv and run through dmcheck's main (src/cli/main.c, included with main
 * renamed). `ref` of an existing suite, and `verify` with --live or
 * --vectors, compute every row of a suite, which is not argument parsing:
 * those cases are skipped. Files the command writes (-o, --rows-out, ...)
 * are removed after each input, so no input depends on an earlier one. */
#include "fuzz_util.h"
#include <sys/stat.h>
#include "suites.h"
#define main dmcheck_main
#include "../../src/cli/main.c"
#undef main

/* Reading a terminal, the console, /proc/kmsg or an inherited pipe waits
 * for data that never comes, as `cat` would: such paths test the machine,
 * not the command line. Any argument (or its VALUE after '=') naming one is
 * skipped; /dev/null, /dev/zero and /dev/full stay in. */
static int may_block(const char *arg)
{
  const char *eq = strchr(arg, '=');
  const char *paths[2] = { arg, eq ? eq + 1 : NULL };
  for (int k = 0; k < 2 && paths[k]; k++) {
    const char *p = paths[k];
    if (!strncmp(p, "/proc", 5) || !strncmp(p, "/sys", 4)) return 1;
    struct stat st;
    if (stat(p, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && strcmp(p, "/dev/null") &&
        strcmp(p, "/dev/zero") && strcmp(p, "/dev/full"))
      return 1;
  }
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size > 4096) return 0;
  static int moved;
  if (!moved) { /* relative -o targets land in the scratch directory (so give
                 * libFuzzer absolute corpus paths, as make fuzz does) */
    if (chdir(fuzz_dir())) abort();
    moved = 1;
  }
  char *buf = malloc(size + 1);
  if (!buf) return 0;
  memcpy(buf, data, size);
  buf[size] = '\0';
  char *argv[34] = { "dmcheck" };
  int argc = 1;
  for (char *p = buf; p < buf + size && argc < 33; p += strlen(p) + 1) argv[argc++] = p;
  argv[argc] = NULL;
  int skip = 0;
  for (int i = 2; i < argc && argc > 1 && !strcmp(argv[1], "ref"); i++) skip |= dmc_suite_find(argv[i]) != NULL;
  for (int i = 2; i < argc && argc > 1 && !strcmp(argv[1], "verify"); i++)
    skip |= !strcmp(argv[i], "--live") || !strcmp(argv[i], "--vectors"); /* would compute whole suites */
  for (int i = 1; i < argc; i++) skip |= may_block(argv[i]);
  if (!skip) {
    int st = dmcheck_main(argc, argv);
    if (st < 0 || st > 2) abort();
  }
  free(buf);
  fuzz_scratch_clear();
  return 0;
}
