/* texout.h -- the TeX writer: the generated parts of the report, from a
 * judged ledger (ledger.h). Writes into OUT: verdicts.tex, meta.tex,
 * summary.tex, sections.tex, evidence-NAME.tex per theory file,
 * accuracy.tex (from RESULTS/accuracy/NAME.csv) and budgets.tex. */
#ifndef DMC_TEXOUT_H
#define DMC_TEXOUT_H

#include "ledger.h"

/* Returns 0, or -1 after a diag_error (a file could not be written). */
int texout_write(const ledger *L, const char *out, const char *results, const char *budgets_path,
                 const char *figures);

#endif
