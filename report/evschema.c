/* evschema.c -- see evschema.h. */
#include "evschema.h"

#include <string.h>

#define EV_KIND_NAME_(id, name, level) name,
#define EV_KIND_LEVEL_(id, name, level) level,
static const char *const kind_names[EV_NKINDS] = { EVIDENCE_KINDS(EV_KIND_NAME_) };
static const ev_level kind_levels[EV_NKINDS] = { EVIDENCE_KINDS(EV_KIND_LEVEL_) };

#define EV_COL_NAME_(id, name) name,
static const char *const column_names[EV_NCOLUMNS] = { EVIDENCE_COLUMNS(EV_COL_NAME_) };
const char *ev_column_name(ev_column c) { return column_names[c]; }

int ev_kind_parse(const char *s)
{
  for (int k = 0; k < EV_NKINDS; k++)
    if (!strcmp(s, kind_names[k])) return k;
  return -1;
}

const char *ev_kind_name(ev_kind k) { return kind_names[k]; }
ev_level ev_kind_level(ev_kind k) { return kind_levels[k]; }

int claim_class_parse(const char *s)
{
  if (!strcmp(s, "math")) return CLAIM_MATH;
  if (!strcmp(s, "impl")) return CLAIM_IMPL;
  return -1;
}

const char *claim_class_name(claim_class c) { return c == CLAIM_IMPL ? "impl" : "math"; }
