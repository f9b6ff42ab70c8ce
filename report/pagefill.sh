#!/bin/sh
# pagefill.sh PDF TOC -- fails (exit 1) if a page of the report is more than
# half empty and is neither the last page nor the last page of a section.
#
# A page's fill is the height from its highest to its lowest word (pdftotext
# -bbox: figures carry their tick labels and captions, so they count) over the
# text height, estimated as the same span over all pages. The page number in
# the footer is left out. A page ends a section when the next page starts a
# section (the page numbers of the \section entries in TOC, the .toc file).
set -eu
pdf=$1 toc=$2
starts=$(sed -n 's/^\\contentsline {section}.*}{\([0-9][0-9]*\)}{[^{}]*}%*$/\1/p' "$toc" | tr '\n' ' ')
pdftotext -bbox "$pdf" - | awk -v starts="$starts" '
function attr(name,   m) {
  if (!match($0, name "=\"[-0-9.]+\"")) return 0;
  m = substr($0, RSTART + length(name) + 2, RLENGTH - length(name) - 3);
  return m + 0;
}
BEGIN { n = split(starts, s, " "); for (i = 1; i <= n; i++) start[s[i] + 0] = 1 }
/<page / { p++; h = attr("height"); top[p] = 1e9; bot[p] = -1 }
/<word / {
  w = $0; sub(/.*">/, "", w); sub(/<\/word>.*/, "", w);
  y0 = attr("yMin"); y1 = attr("yMax");
  if (w == p "" && y0 > 0.9 * h) next;   # the page number
  if (y0 < top[p]) top[p] = y0;
  if (y1 > bot[p]) bot[p] = y1;
}
END {
  T = 1e9; B = -1;
  for (i = 1; i <= p; i++) if (bot[i] >= 0) { if (top[i] < T) T = top[i]; if (bot[i] > B) B = bot[i]; }
  bad = 0;
  for (i = 1; i < p; i++) {
    fill = bot[i] >= 0 ? (bot[i] - top[i]) / (B - T) : 0;
    if (fill >= 0.5 || start[i + 1]) continue;
    printf "page %d is %.0f%% filled and does not end a section\n", i, 100 * fill;
    bad++;
  }
  printf "make report: page fill: %d pages, %d more than half empty outside a section end\n", p, bad;
  exit bad > 0;
}'
