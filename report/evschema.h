/* evschema.h -- the evidence schema: the columns of an evidence file and the
 * kinds of evidence, in one place. The writer (evidence.c), the ledger
 * (ledger.c) and the report (texout.c) all take them from here.
 *
 * Two levels of evidence, and the negative control:
 *   statement level       the mathematical statement itself is checked:
 *     exact        identity checked exactly (GMP rationals, Schwartz-Zippel)
 *     numeric      identity checked in MPFR at >= 200 bits (or quadrature)
 *     statistical  Monte Carlo test with a stated false-alarm rate and power
 *     corrected    the corrected statement checked (detail says the correction)
 *     approx       a measured approximation error checked against its bound
 *   implementation level  our code agrees with our reference; says nothing
 *                         about whether the mathematics is true:
 *     accuracy     src/ against the correctly rounded reference, ULP budget
 *     vectors      stored reference vectors against the evaluators
 *     behaviour    error convention, reproducibility, tool behaviour
 *   control       a negative control: the SAME check run on a perturbed
 *                 statement. Its check column is the check column of the
 *                 row it controls (same claim, same program); only controls
 *                 of statement-level rows count for a math claim's verdict;
 *                 pass = 1 means the perturbed statement was rejected, as it
 *                 must be. The detail says what was perturbed. */
#ifndef DMC_EVSCHEMA_H
#define DMC_EVSCHEMA_H

/* The columns, in file order. */
#define EVIDENCE_COLUMNS(X) X(EV_COL_CLAIM, "claim") X(EV_COL_KIND, "kind") X(EV_COL_CHECK, "check") \
  X(EV_COL_PASS, "pass") X(EV_COL_N, "n") X(EV_COL_SEED, "seed") X(EV_COL_DETAIL, "detail")

#define EV_COL_ENUM_(id, name) id,
typedef enum { EVIDENCE_COLUMNS(EV_COL_ENUM_) EV_NCOLUMNS } ev_column;
#undef EV_COL_ENUM_
const char *ev_column_name(ev_column c);

typedef enum { EV_STATEMENT, EV_IMPLEMENTATION, EV_CONTROL } ev_level;

/* The kinds: enum, name in the file, level. */
#define EVIDENCE_KINDS(X)                                   \
  X(EV_EXACT, "exact", EV_STATEMENT)                        \
  X(EV_NUMERIC, "numeric", EV_STATEMENT)                    \
  X(EV_STATISTICAL, "statistical", EV_STATEMENT)            \
  X(EV_CORRECTED, "corrected", EV_STATEMENT)                \
  X(EV_APPROX, "approx", EV_STATEMENT)                      \
  X(EV_ACCURACY, "accuracy", EV_IMPLEMENTATION)             \
  X(EV_VECTORS, "vectors", EV_IMPLEMENTATION)               \
  X(EV_BEHAVIOUR, "behaviour", EV_IMPLEMENTATION)           \
  X(EV_CONTROL_KIND, "control", EV_CONTROL)

#define EV_KIND_ENUM_(id, name, level) id,
typedef enum { EVIDENCE_KINDS(EV_KIND_ENUM_) EV_NKINDS } ev_kind;
#undef EV_KIND_ENUM_

/* The kind named s; -1 if s names none. */
int ev_kind_parse(const char *s);
const char *ev_kind_name(ev_kind k);
ev_level ev_kind_level(ev_kind k);

/* Claim classes (the optional argument of \claim in theory/):
 *   math  a mathematical statement: its verdict rests on statement-level
 *         checks only, and holds / holds-after-correction / approximation
 *         needs one such check with a passing negative control;
 *   impl  a statement about our implementation (accuracy, formats, error
 *         convention): implementation-level evidence is legitimate. */
typedef enum { CLAIM_MATH, CLAIM_IMPL } claim_class;
/* "math" or "impl" -> class; -1 otherwise. */
int claim_class_parse(const char *s);
const char *claim_class_name(claim_class c);

#endif
