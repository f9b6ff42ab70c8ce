/* verdict.h -- the one place where a claim's verdict is computed from its
 * evidence rows (see evidence.h for the kinds).
 *   - any failed exact/numeric/accuracy/statistical check:
 *       holds-after-correction if a corrected check passed and none failed,
 *       else approximation if an approx check passed and none failed
 *       (an equality as written that is only approximate), else fails;
 *   - else any failed corrected or approx check: fails;
 *   - else any approx check: approximation;
 *   - else only corrected checks: holds-after-correction
 *     (the statement as written could not be checked as such);
 *   - else: holds.
 * No evidence at all is not a verdict: the ledger refuses it. */
#ifndef DMC_VERDICT_H
#define DMC_VERDICT_H

typedef struct {
  int written_pass, written_fail;   /* exact, numeric, accuracy, statistical */
  int corrected_pass, corrected_fail;
  int approx_pass, approx_fail;
} verdict_tally;

/* Adds one evidence row; returns -1 for an unknown kind. */
int verdict_add(verdict_tally *t, const char *kind, int pass);
/* "holds", "holds-after-correction", "approximation", "fails" or "unchecked". */
const char *verdict_of(const verdict_tally *t);

#endif
