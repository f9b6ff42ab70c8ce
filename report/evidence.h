/* evidence.h -- how proofs/ and tests/ record what they checked.
 *
 * Each program writes its own file <results>/evidence/<program>.csv (so
 * parallel runs never share a file) with the columns EVIDENCE_HEADER. The
 * verdict of a claim is not written here: report/verdict.c computes it from
 * all rows of the claim. Kinds:
 *   exact        identity checked exactly (GMP rationals, Schwartz-Zippel)
 *   numeric      identity checked in MPFR at >= 200 bits
 *   accuracy     src/ against the correctly rounded reference, ULP budget
 *   statistical  Monte Carlo test with a stated false-alarm rate
 *   corrected    the corrected statement checked (detail says the correction)
 *   approx       a measured approximation error checked against its bound
 * pass = 1 means the check succeeded; for a failed check, detail carries the
 * counterexample. */
#ifndef DMC_EVIDENCE_H
#define DMC_EVIDENCE_H

#include <stdio.h>

#define EVIDENCE_HEADER "claim,kind,check,pass,n,seed,detail"

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
 * write `ok &= evidence_row(...)`. */
int evidence_row(dmc_evidence *ev, const char *claim, const char *kind, int pass,
                 const char *check, unsigned long n, unsigned long seed,
                 const char *fmt, ...) __attribute__((format(printf, 8, 9)));

/* Opens <results>/<subdir>/<name> for writing, creating the directories. */
FILE *evidence_data_file(const char *subdir, const char *name);

/* Writes s as one CSV field (quoted when needed). */
void evidence_csv_field(FILE *f, const char *s);

/* Flushes and closes; returns 0, or -1 if any write failed. */
int evidence_close(dmc_evidence *ev);

#endif
