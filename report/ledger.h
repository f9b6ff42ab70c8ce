/* ledger.h -- joins the claims of theory/ with the evidence rows of proofs/
 * and tests/, pairs each negative control with the check it controls,
 * computes each verdict (verdict.c) and finds what the rules refuse:
 *   - evidence that names a claim theory/ does not define;
 *   - a malformed evidence file (header, field count, kind, pass);
 *   - a control row whose check is no check of the same claim in the same
 *     program, or a control that was not rejected;
 *   - a claim with no evidence, and a math claim whose verdict is not
 *     backed by a statement-level check with a passing control
 *     (verdict_gap in verdict.h).
 * A claim is affected when it uses (\uses in theory/, transitively) a claim
 * that holds only after correction or fails.
 * A control row names its check by the key (claim, program, check): the
 * control's check column is the controlled row's check column, verbatim.
 * Any check may carry a control; only a controlled statement-level check
 * backs the verdict of a math claim. */
#ifndef DMC_LEDGER_H
#define DMC_LEDGER_H

#include "claims.h"
#include "diag.h"
#include "evschema.h"
#include "verdict.h"

typedef struct {
  int claim;               /* index into the claim set */
  ev_kind kind;
  int pass, line;
  int controlled;          /* statement row: a passing control names it */
  unsigned long n, seed;
  char *check, *program, *detail, *file;
} ledger_row;

typedef struct {
  verdict_tally tally;
  int nrows, ncontrols, failed;
  const char *counterexample;   /* detail of the first failed non-control row */
  int affected_by;   /* a corrected or failing claim it uses, directly or through \uses, or -1 */
  int downstream;    /* the number of claims that use it, directly or through \uses */
} ledger_claim;

typedef struct {
  claim_set claims;
  ledger_claim *state;     /* one per claim, after ledger_judge */
  ledger_row *rows;
  int nrows, caprows;
  diag *d;
} ledger;

void ledger_init(ledger *L, diag *d);
/* Each returns the number of problems it found (also counted in d). */
int ledger_read_theory(ledger *L, const char *dir);
int ledger_read_evidence_file(ledger *L, const char *path);
int ledger_read_evidence(ledger *L, const char *results_dir);   /* RESULTS/evidence/NAME.csv */
int ledger_judge(ledger *L);
const char *ledger_verdict(const ledger *L, int claim);
/* Writes the ledger CSV (one row per claim); 0, or -1 after a diag_error. */
int ledger_write_csv(const ledger *L, const char *path);
void ledger_free(ledger *L);

#endif
