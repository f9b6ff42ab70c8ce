#!/usr/bin/env python3
"""coverage_table.py -- line and branch coverage per directory from gcovr's
JSON summary (make coverage).
Usage: coverage_table.py [--tex OUT.tex] SUMMARY.json DIR...
Prints one row per directory (files directly in it, headers included) and
the files below 95% of lines, and exits 0.  With --tex, also writes the
per-directory table as a LaTeX tabular for the report (the same numbers)."""
import json
import os
import sys


def main():
    args = sys.argv[1:]
    tex = None
    if args[:1] == ["--tex"]:
        tex, args = args[1], args[2:]
    data = json.load(open(args[0]))
    dirs = args[1:]
    files = data["files"]
    rows = []
    print(f"{'directory':<12} {'lines':>15} {'line %':>7} {'branches':>15} {'branch %':>8}")
    weak = []
    for d in dirs:
        lt = lc = bt = bc = 0
        for f in files:
            if os.path.dirname(f["filename"]) + "/" != d:
                continue
            lt += f["line_total"]; lc += f["line_covered"]
            bt += f["branch_total"]; bc += f["branch_covered"]
            if f["line_total"] and f["line_covered"] < 0.95 * f["line_total"]:
                weak.append((f["filename"], f["line_covered"], f["line_total"], f["branch_covered"], f["branch_total"]))
        lp = 100.0 * lc / lt if lt else 100.0
        bp = 100.0 * bc / bt if bt else 100.0
        print(f"{d:<12} {lc:>7}/{lt:<7} {lp:>6.1f}% {bc:>7}/{bt:<7} {bp:>7.1f}%")
        rows.append((d, lc, lt, lp, bc, bt, bp))
    if weak:
        print("\nfiles below 95% of lines:")
        for name, lc, lt, bc, bt in sorted(weak):
            print(f"  {name:<32} lines {lc}/{lt} ({100.0 * lc / lt:.1f}%), branches {bc}/{bt}"
                  f" ({100.0 * bc / bt if bt else 100.0:.1f}%)")
    if tex:
        write_tex(tex, rows)


def write_tex(path, rows):
    """The report's table; written to PATH.tmp, then renamed (never partial)."""
    with open(path + ".tmp", "w") as f:
        f.write("\\begin{center}\\begin{tabular}{@{}lrrrr@{}}\\toprule\n"
                "directory & lines run & \\% & branches taken & \\% \\\\\\midrule\n")
        for d, lc, lt, lp, bc, bt, bp in rows:
            f.write(f"\\texttt{{{d}}} & {lc} of {lt} & {lp:.1f}\\,\\% & {bc} of {bt} & {bp:.1f}\\,\\% \\\\\n")
        f.write("\\bottomrule\\end{tabular}\\end{center}\n")
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
