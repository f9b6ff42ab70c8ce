/* claims.h -- the claims parser: reads the \claim definitions of theory/.
 *
 *   \claim{id}{source}{statement}          a mathematical claim (class math)
 *   \claim[impl]{id}{source}{statement}    a claim about our implementation
 *   \claim[math]{id}{source}{statement}    the same as no option
 *
 *   \uses{id1,id2}                         the claims the preceding \claim
 *                                          of the same file uses (blanks
 *                                          around the ids are ignored)
 *
 * Brace groups nest and may span lines; a backslash escapes the next
 * character; % starts a comment outside the groups. An unknown id in a
 * \uses, or a cycle of \uses, is a problem (FILE:LINE of the \uses). */
#ifndef DMC_CLAIMS_H
#define DMC_CLAIMS_H

#include "diag.h"
#include "evschema.h"

typedef struct {
  char *id, *source, *statement, *file;
  char *correction;   /* the \correction{id}{...} of theory/, or NULL */
  char *uses_text;    /* the argument of its \uses, or NULL */
  int *uses, nuses;   /* the claims it uses (indices), after claims_read_dir */
  int line, uses_line;
  claim_class cls;
} claim_def;

typedef struct {
  claim_def *v;
  int n, cap;
  char **files;   /* the theory files, sorted */
  int nfiles;
} claim_set;

/* Parses the claims of text (named file in messages) into s. Problems (a
 * malformed \claim, an unknown class, an id defined twice) go to d as
 * FILE:LINE: messages. Returns the number of problems found. */
int claims_parse(claim_set *s, const char *text, const char *file, diag *d);
/* Reads every DIR/NAME.tex. Returns the number of problems found. */
int claims_read_dir(claim_set *s, const char *dir, diag *d);
/* The claim with this id, or NULL. */
const claim_def *claims_find(const claim_set *s, const char *id);
int claims_index(const claim_set *s, const char *id);
/* The title of the first \\section of a theory file (malloc'ed), or NULL. */
char *claims_file_title(const char *path);
void claims_free(claim_set *s);

#endif
