/* fuzz_util.h -- shared by the libFuzzer harnesses of tests/fuzz/ (make fuzz).
 * Each harness is one fuzz_*.c with LLVMFuzzerTestOneInput; the readers under
 * test take paths, so the input is written to a per-process scratch file. */
#ifndef DMC_FUZZ_UTIL_H
#define DMC_FUZZ_UTIL_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <dirent.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A scratch directory of this process (created once, removed at exit). */
static char fuzz_dir_path[64]; /* in /dev/shm when there is one: rewriting a file on disk costs ms */

static inline void fuzz_cleanup(void)
{
  char cmd[96];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", fuzz_dir_path);
  if (fuzz_dir_path[0] && system(cmd) != 0) fprintf(stderr, "fuzz: could not remove %s\n", fuzz_dir_path);
}

/* Creates the scratch directory and points stdin at /dev/null, so nothing a
 * harness runs can wait on the terminal. */
static inline const char *fuzz_dir(void)
{
  if (!fuzz_dir_path[0]) {
    snprintf(fuzz_dir_path, sizeof fuzz_dir_path, "%s/dmc_fuzz_XXXXXX", access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
    if (!mkdtemp(fuzz_dir_path)) abort();
    atexit(fuzz_cleanup);
    int fd = open("/dev/null", O_RDONLY);
    if (fd < 0 || dup2(fd, 0) < 0) abort();
    close(fd);
  }
  return fuzz_dir_path;
}

/* Empties the scratch directory, so that no input sees files an earlier
 * input wrote (each finding then reproduces from its own input alone). */
static inline void fuzz_scratch_clear(void)
{
  DIR *d = opendir(fuzz_dir());
  if (!d) abort();
  struct dirent *e;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && unlinkat(dirfd(d), e->d_name, 0)) abort();
  closedir(d);
}

/* Writes data to NAME in the scratch directory; returns its path. */
static inline const char *fuzz_file(const char *name, const uint8_t *data, size_t size)
{
  static char path[128];
  snprintf(path, sizeof path, "%s/%s", fuzz_dir(), name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, size, f) != size || fclose(f)) abort();
  return path;
}

#endif
