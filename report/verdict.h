/* verdict.h -- the one place where a claim's verdict is computed from its
 * evidence rows (the kinds and levels are in evschema.h).
 *
 * Which rows count: for a math claim, only statement-level rows; for an impl
 * claim, statement- and implementation-level rows. Controls never count
 * themselves; they qualify the check they control. From the counted rows:
 *   - any failed exact/numeric/statistical (or, impl: accuracy/vectors/
 *     behaviour) check:
 *       holds-after-correction if a corrected check passed and none failed,
 *       else approximation if an approx check passed and none failed
 *       (an equality as written that is only approximate), else fails;
 *   - else any failed corrected or approx check: fails;
 *   - else any approx check: approximation;
 *   - else only corrected checks: holds-after-correction
 *     (the statement as written could not be checked as such);
 *   - else: holds.
 * No counted row is not a verdict ("unchecked"): the ledger refuses it.
 *
 * A math claim's holds (resp. holds-after-correction, approximation) must be
 * backed by a passing exact/numeric/statistical (resp. corrected, approx)
 * check that carries a passing negative control; verdict_gap says when not. */
#ifndef DMC_VERDICT_H
#define DMC_VERDICT_H

#include "evschema.h"

typedef struct {
  int written_pass, written_fail;   /* exact, numeric, statistical */
  int corrected_pass, corrected_fail;
  int approx_pass, approx_fail;
  int impl_pass, impl_fail;         /* accuracy, vectors, behaviour */
  /* passing statement-level checks whose negative control passed */
  int controlled_written, controlled_corrected, controlled_approx;
} verdict_tally;

/* Adds one non-control row. */
void verdict_add(verdict_tally *t, ev_kind kind, int pass);
/* Marks one passing statement-level check of this kind as controlled. */
void verdict_add_controlled(verdict_tally *t, ev_kind kind);
/* "holds", "holds-after-correction", "approximation", "fails" or "unchecked". */
const char *verdict_of(const verdict_tally *t, claim_class cls);
/* NULL if the verdict is backed as the rules require, else the reason. */
const char *verdict_gap(const verdict_tally *t, claim_class cls);

#endif
