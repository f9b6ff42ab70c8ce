/* diag.h -- how the ledger tools report problems: one line per problem on
 * stderr (and in an optional log file), counted; and a directory lister
 * that reports rather than truncates. */
#ifndef DMC_DIAG_H
#define DMC_DIAG_H

#include <stddef.h>
#include <stdio.h>

typedef struct {
  const char *tool;   /* prefix of every message */
  FILE *log;          /* optional copy of every message */
  int errors;
} diag;

void diag_error(diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The files DIR/NAME ending in suffix (hidden files excluded), in natural
 * order (strverscmp: d9 before d10), as malloc'ed paths in *names (free with dir_list_free). Returns the count, or
 * -1 after a diag_error if the directory cannot be read or memory runs out. */
int dir_list(diag *d, const char *dir, const char *suffix, char ***names);
void dir_list_free(char **names, int n);

#endif
