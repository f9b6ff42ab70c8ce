/* evidence.h -- how proofs/ and tests/ record what they checked.
 *
 * Each program writes its own file <results>/evidence/<program>.csv (so
 * parallel runs never share a file) with the columns of evschema.h. The
 * verdict of a claim is not written here: the ledger computes it from all
 * rows of the claim. The columns and the kinds are defined in evschema.h.
 * pass = 1 means the check succeeded (for a control: the perturbed statement
 * was rejected); for a failed check, detail carries the counterexample. */
#ifndef DMC_EVIDENCE_H
#define DMC_EVIDENCE_H

#include <stdarg.h>
#include <stdio.h>
#include "evschema.h"

typedef struct dmc_evidence dmc_evidence;

/* The run's seed: $DMC_SEED if set (decimal or 0x hex), else 20261125.
 * Printed once per program as "<program>: DMC_SEED=<n>". A malformed
 * DMC_SEED is reported and the program exits with status 2. */
unsigned long evidence_seed(const char *program);

/* <results> is $DMC_RESULTS if set, else the build's default directory. */
const char *evidence_results_dir(void);

/* Opens (truncating) <results>/evidence/<program>.csv; NULL with a message on
 * stderr if that fails. */
dmc_evidence *evidence_open(const char *program);

/* Appends one row; detail is printf-style. Returns pass, so a caller can
 * write `ok &= evidence_row(...)`. kind must be a name of evschema.h: an
 * unknown kind is reported on stderr and returns 0 (the check fails). */
int evidence_row(dmc_evidence *ev, const char *claim, const char *kind, int pass,
                 const char *check, unsigned long n, unsigned long seed,
                 const char *fmt, ...) __attribute__((format(printf, 8, 9)));

/* Opens <results>/<subdir>/<name> for writing, creating the directories. */
FILE *evidence_data_file(const char *subdir, const char *name);

/* vsnprintf into a malloc'ed string of the length needed (no truncation);
 * NULL if out of memory. */
char *evidence_vformat(const char *fmt, va_list ap);

/* Writes s as one CSV field (quoted when needed). */
void evidence_csv_field(FILE *f, const char *s);

/* Flushes and closes; returns 0, or -1 if any write failed. */
int evidence_close(dmc_evidence *ev);

#endif
