/* texgraph.h -- the claim dependency graph of the report (the \uses of
 * theory/): one TikZ picture per theory file, in a layered layout computed
 * here (pdflatex has no graph drawing): a claim's column is the longest
 * \uses path to it from a source, its row within the column follows the mean
 * row of what it uses. Nodes are coloured by verdict and link to their claim;
 * an affected claim (ledger.h) has a dashed red border. */
#ifndef DMC_TEXGRAPH_H
#define DMC_TEXGRAPH_H

#include <stdio.h>

#include "ledger.h"

/* Writes the body of the graph section into f; id typesets a claim id. Returns the
 * number of edges drawn. */
int texgraph_write(const ledger *L, FILE *f, void (*id)(FILE *, const char *));

#endif
