/* csvread.h -- a small RFC 4180 reader for the ledger and evidence files. */
#ifndef DMC_CSVREAD_H
#define DMC_CSVREAD_H

#include <stdio.h>

#define CSV_MAX_FIELDS 64

typedef struct {
  int nfields;
  char *field[CSV_MAX_FIELDS]; /* point into the record's own buffer */
  char *buf;
  size_t cap;
  int line;                    /* line where the record started */
} csv_record;

/* Reads the next record; returns 1, 0 at end of file, -1 on a malformed
 * record (unterminated quote, too many fields). */
int csv_next(FILE *f, csv_record *r, int *line);
void csv_free(csv_record *r);

#endif
