/* verdict.c -- see verdict.h. */
#include "verdict.h"

#include <stddef.h>

void verdict_add(verdict_tally *t, ev_kind kind, int pass)
{
  switch (kind) {
  case EV_EXACT: case EV_NUMERIC: case EV_STATISTICAL: pass ? t->written_pass++ : t->written_fail++; break;
  case EV_CORRECTED: pass ? t->corrected_pass++ : t->corrected_fail++; break;
  case EV_APPROX: pass ? t->approx_pass++ : t->approx_fail++; break;
  case EV_ACCURACY: case EV_VECTORS: case EV_BEHAVIOUR: pass ? t->impl_pass++ : t->impl_fail++; break;
  case EV_CONTROL_KIND: case EV_NKINDS: break;
  }
}

void verdict_add_controlled(verdict_tally *t, ev_kind kind)
{
  if (kind == EV_CORRECTED) t->controlled_corrected++;
  else if (kind == EV_APPROX) t->controlled_approx++;
  else if (ev_kind_level(kind) == EV_STATEMENT) t->controlled_written++;
}

const char *verdict_of(const verdict_tally *t, claim_class cls)
{
  int wpass = t->written_pass, wfail = t->written_fail;
  if (cls == CLAIM_IMPL) { wpass += t->impl_pass; wfail += t->impl_fail; }
  int corrected = t->corrected_pass + t->corrected_fail;
  int approx = t->approx_pass + t->approx_fail;
  if (wpass + wfail + corrected + approx == 0) return "unchecked";
  if (wfail) {
    if (t->corrected_pass && !t->corrected_fail) return "holds-after-correction";
    if (t->approx_pass && !t->approx_fail) return "approximation";
    return "fails";
  }
  if (t->corrected_fail || t->approx_fail) return "fails";
  if (approx) return "approximation";
  if (corrected) return "holds-after-correction";
  return "holds";
}

const char *verdict_gap(const verdict_tally *t, claim_class cls)
{
  const char *v = verdict_of(t, cls);
  if (v[0] == 'u')
    return cls == CLAIM_MATH && t->impl_pass + t->impl_fail
               ? "has only implementation-level evidence (accuracy, vectors, behaviour), which does not "
                 "evidence a mathematical statement; it needs a statement-level check with a negative control"
               : "has no evidence";
  if (cls == CLAIM_IMPL || v[0] == 'f') return NULL;
  if (v[0] == 'h' && v[5] == '\0')
    return t->controlled_written ? NULL
                                 : "holds without an exact/numeric/statistical check that carries a passing "
                                   "negative control";
  if (v[0] == 'h')
    return t->controlled_corrected ? NULL
                                   : "holds after correction without a corrected check that carries a passing "
                                     "negative control";
  if (t->controlled_approx) return NULL;
  return "is an approximation without an approx check that carries a passing negative control";
}
