#!/usr/bin/python3
"""run.py -- `make mutants`: mutation testing of dmcheck's checks.

Reads the catalogue (tests/mutants/catalogue.txt, format in its header),
applies each mutant to a scratch copy of the tree (never to the real
sources), rebuilds incrementally, runs the programs the row names and
reports killed / survived / stillborn per mutant.  The last line of the
output is `mutants: K killed of N`.  Writes a CSV (id,file,section,status,
killer,seconds) for the report.

A mutant is killed when a named program exits non-zero or times out, when
its evidence rows (claim, kind, check, pass) differ from the unmutated run
(a verdict would change), or, for drift:SUITE, when `dmcheck ref SUITE`
fails or its output differs from reference/vectors/SUITE.csv.  Programs run
first with DMC_POINTS_SCALE=0.1 and, if the mutant survives, again at full
scale.  A mutant whose build fails is stillborn (not killed).
"""
import argparse
import collections
import csv
import os
import queue
import shutil
import subprocess
import sys
import threading
import time

KEYS = ("id", "section", "file", "find", "replace", "kill", "why", "equiv", "pending")
REQUIRED = ("id", "section", "file", "find", "replace", "kill", "why")
SECTIONS = ("D1 gauss", "D2 tweedie", "D3 dps", "D4 dsm", "D6 sde", "D7 elbo", "D8 schedules", "vectors")
QUICK_SCALE = "0.1"
TIMEOUT = 600


def die(msg):
    sys.stderr.write("mutants: %s\n" % msg)
    sys.exit(2)


def parse_catalogue(path):
    """Records separated by blank lines; `key: value` lines; `#` comments."""
    recs, cur, errors = [], {}, []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for no, line in enumerate(lines + [""], 1):
        if line.startswith("#"):
            continue
        if not line.strip():
            if cur:
                recs.append(cur)
                cur = {}
            continue
        key, sep, val = line.partition(":")
        key = key.strip()
        if not sep or key not in KEYS:
            errors.append("%s:%d:1: expected one of %s followed by ':'" % (path, no, ", ".join(KEYS)))
            continue
        if key in cur:
            errors.append("%s:%d:1: %s given twice in one mutant" % (path, no, key))
        if not cur:
            cur["line"] = no
        cur[key] = val.strip()
    for r in recs:
        for k in REQUIRED:
            if not r.get(k):
                errors.append("%s:%d:1: mutant %s has no %s" % (path, r["line"], r.get("id", "?"), k))
    return recs, errors


def kill_targets(r):
    """(kind, name) pairs: ('prog', 'tests/test_x' | 'proofs/x') or ('drift', suite)."""
    out = []
    for tok in r["kill"].split():
        if tok.startswith("drift:"):
            out.append(("drift", tok[len("drift:"):]))
        else:
            out.append(("prog", tok))
    return out


def validate(recs, errors, root, catalogue):
    seen = {}
    for r in recs:
        where = "%s:%d:1: mutant %s" % (catalogue, r["line"], r.get("id", "?"))
        if not all(r.get(k) for k in REQUIRED):
            continue
        if r["id"] in seen:
            errors.append("%s: id also used at line %d" % (where, seen[r["id"]]))
        seen[r["id"]] = r["line"]
        if r["section"] not in SECTIONS:
            errors.append("%s: section '%s' is not one of %s" % (where, r["section"], ", ".join(SECTIONS)))
        if r["find"] == r["replace"]:
            errors.append("%s: find and replace are the same" % where)
        path = os.path.join(root, r["file"])
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except OSError as e:
            errors.append("%s: cannot read %s: %s" % (where, r["file"], e.strerror))
            continue
        n = text.count(r["find"])
        r["absent"] = n == 0 and bool(r.get("pending"))
        if n != 1 and not r["absent"]:
            errors.append("%s: search string occurs %d times in %s (must be exactly once): %s"
                          % (where, n, r["file"], r["find"]))
        for kind, name in kill_targets(r):
            if kind == "prog":
                src = name + ".c"
                if not (name.startswith("tests/test_") or name.startswith("proofs/")) \
                        or not os.path.isfile(os.path.join(root, src)):
                    errors.append("%s: kill target %s is not a program (no %s)" % (where, name, src))
            elif not os.path.isfile(os.path.join(root, "reference", "vectors", name + ".csv")):
                errors.append("%s: drift:%s names no committed suite file" % (where, name))
    return errors


def source_files(root):
    out = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                         check=True, stdout=subprocess.PIPE).stdout.decode()
    return [p for p in out.split("\0") if p and os.path.isfile(os.path.join(root, p))]


def sync_tree(root, work, files):
    """Copies changed files only, so the scratch build stays incremental."""
    os.makedirs(work, exist_ok=True)
    keep = set(files)
    for p in files:
        src, dst = os.path.join(root, p), os.path.join(work, p)
        with open(src, "rb") as f:
            data = f.read()
        try:
            with open(dst, "rb") as f:
                if f.read() == data:
                    continue
        except OSError:
            pass
        os.makedirs(os.path.dirname(dst) or ".", exist_ok=True)
        with open(dst, "wb") as f:
            f.write(data)
        shutil.copymode(src, dst)
    for d, dirs, fs in os.walk(work):
        rel = os.path.relpath(d, work)
        if rel == "build" or rel.startswith("build" + os.sep):
            dirs[:] = []
            continue
        dirs[:] = [x for x in dirs if not (rel == "." and x == "build")]
        for x in fs:
            p = os.path.normpath(os.path.join(rel, x))
            if p not in keep:
                os.remove(os.path.join(d, x))


def make(work, targets, log):
    os.makedirs(os.path.dirname(log), exist_ok=True)
    with open(log, "w") as lf:
        return subprocess.run(["make", "--no-print-directory", "-s", "-C", work] + targets,
                              stdout=lf, stderr=subprocess.STDOUT).returncode


def read_evidence(d):
    rows = collections.Counter()
    if os.path.isdir(d):
        for name in sorted(os.listdir(d)):
            with open(os.path.join(d, name), newline="", encoding="utf-8", errors="replace") as f:
                rd = csv.reader(f)
                for i, row in enumerate(rd):
                    if i and len(row) >= 4:
                        rows[(row[0], row[1], row[2], row[3])] += 1
    return rows


class Worker:
    def __init__(self, root, work):
        self.root, self.work = root, work
        self.res = os.path.join(work, "build", "mutres")
        self.log = os.path.join(work, "build", "mutants.log")

    def save_objects(self, src):
        """Copies the unmutated object of a .c file aside (None for a header)."""
        if not src.endswith(".c"):
            return None
        obj = os.path.join(self.work, "build", "obj", src[:-2] + ".o")
        keep = os.path.join(self.work, "build", "mutobj", src[:-2] + ".o")
        if not os.path.isfile(obj):
            return None
        os.makedirs(os.path.dirname(keep), exist_ok=True)
        shutil.copyfile(obj, keep)
        return obj, keep

    def restore_objects(self, saved):
        """Puts the unmutated object back, newer than the restored source, so
        the next build relinks without recompiling; without one the restored
        source's fresh mtime makes make recompile it."""
        if saved:
            obj, keep = saved
            shutil.copyfile(keep, obj)
            os.utime(obj, None)

    def run_prog(self, prog, scale):
        """(exit status or 'timeout', evidence counter, output tail)."""
        shutil.rmtree(self.res, ignore_errors=True)
        os.makedirs(self.res)
        env = dict(os.environ, DMC_RESULTS=self.res)
        env.pop("DMC_SEED", None)
        if scale:
            env["DMC_POINTS_SCALE"] = scale
        else:
            env.pop("DMC_POINTS_SCALE", None)
        try:
            p = subprocess.run([os.path.join("build", prog)], cwd=self.work, env=env, timeout=TIMEOUT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            status, out = p.returncode, p.stdout.decode(errors="replace")
        except subprocess.TimeoutExpired:
            status, out = "timeout", ""
        return status, read_evidence(os.path.join(self.res, "evidence")), out

    def drift(self, suite):
        tmp = os.path.join(self.work, "build", "mutdrift.csv")
        p = subprocess.run([os.path.join("build", "bin", "dmcheck"), "ref", suite, "-o", tmp], cwd=self.work,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=TIMEOUT)
        if p.returncode:
            return "dmcheck ref %s failed (exit %d)" % (suite, p.returncode)
        with open(tmp, "rb") as a, open(os.path.join(self.work, "reference", "vectors", suite + ".csv"), "rb") as b:
            if a.read() != b.read():
                return "regenerated %s.csv differs from the committed file" % suite
        return None


def runs_cli(name):
    """A test that includes tests/cli_run.h, or names the CLI's path itself
    (test_samplers_numpy), runs the built CLI: rebuild it too."""
    try:
        with open(name + ".c", encoding="utf-8") as f:
            src = f.read()
            return '#include "cli_run.h"' in src or '/bin/dmcheck"' in src
    except OSError:
        return False


def build_targets(targets):
    out = set()
    for kind, name in targets:
        out.add("build/" + name if kind == "prog" else "build/bin/dmcheck")
        if kind == "prog" and runs_cli(name):
            out.add("build/bin/dmcheck")
    return sorted(out)


def evidence_diff(base, got):
    missing = base - got
    extra = got - base
    for k in list(missing) + list(extra):
        sign = "-" if k in missing else "+"
        return "evidence %s%s %s '%s' pass=%s" % (sign, k[0], k[1], k[2], k[3])
    return None


def try_kill(w, targets, scale, baseline):
    """The killer's description, or None. baseline(name) gives the unmutated
    evidence of a program at this scale."""
    for kind, name in targets:
        if kind == "drift":
            if scale != QUICK_SCALE:
                continue  # dmcheck ref does not depend on the scale
            why = w.drift(name)
            if why:
                return "drift:%s: %s" % (name, why)
            continue
        status, ev, out = w.run_prog(name, scale)
        tag = "%s%s" % (name, "" if scale is None else " (scale %s)" % scale)
        if status == "timeout":
            return "%s: timeout after %d s" % (tag, TIMEOUT)
        if status != 0:
            return "%s: exit %d" % (tag, status)
        d = evidence_diff(baseline(name), ev)
        if d:
            return "%s: %s" % (tag, d)
    return None


def tex(s):
    out = []
    for c in s:
        if c == "\\":
            out.append("\\textbackslash{}")
        elif c in "{}$&#_%":
            out.append("\\" + c)
        elif c in "^~":
            out.append("\\%s{}" % c)
        elif c in "<>|":
            out.append({"<": "\\textless{}", ">": "\\textgreater{}", "|": "\\textbar{}"}[c])
        else:
            out.append(c)
    return "".join(out)


def write_tex(path, recs, results):
    """The report's table: the mutation score per section, then every mutant
    that was not killed with its reason."""
    cols = ("killed", "equivalent", "survived", "stillborn", "pending")
    rows = collections.OrderedDict((s, collections.Counter()) for s in SECTIONS)
    for r in recs:
        rows[r["section"]][results[r["id"]][0]] += 1
        rows[r["section"]]["n"] += 1
    total = collections.Counter()
    for c in rows.values():
        total.update(c)
    lines = ["% written by tests/mutants/run.py (make mutants); do not edit",
             "Each mutant is a small wrong edit to one source file (\\texttt{tests/mutants/catalogue.txt});",
             "it is killed when a check it names fails. Score = killed / (mutants $-$ equivalent).",
             "\\par\\medskip\\noindent\\begin{tabular}{lrrrrrrr}\\toprule",
             "section & mutants & killed & equivalent & survived & stillborn & pending & score\\\\\\midrule"]

    def row(name, c):
        live = c["n"] - c["equivalent"]
        score = "%.1f\\,\\%%" % (100.0 * c["killed"] / live) if live else "--"
        return "%s & %d & %s & %s\\\\" % (name, c["n"], " & ".join(str(c[k]) for k in cols), score)
    for name, c in rows.items():
        if c["n"]:
            lines.append(row(tex(name), c))
    lines.append("\\midrule")
    lines.append(row("all", total))
    lines.append("\\bottomrule\\end{tabular}\\par\\medskip")
    rest = [r for r in recs if results[r["id"]][0] != "killed"]
    if rest:
        lines.append("\\noindent Mutants not killed:\\begin{itemize}")
        for r in rest:
            s, why, _ = results[r["id"]]
            why = why if s != "survived" else "no check caught it: " + r["why"]
            lines.append("\\item \\texttt{%s} (%s, \\texttt{%s}): %s" % (tex(r["id"]), s, tex(r["file"]), tex(why)))
        lines.append("\\end{itemize}")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser(description="make mutants")
    ap.add_argument("--catalogue", required=True)
    ap.add_argument("--work", required=True, help="scratch directory (build/mutants)")
    ap.add_argument("--csv", required=True)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", default="", help="comma-separated id prefixes (for iterating)")
    a = ap.parse_args()
    t0 = time.time()
    root = os.path.abspath(".")
    recs, errors = parse_catalogue(a.catalogue)
    errors = validate(recs, errors, root, a.catalogue)
    if errors:
        for e in errors:
            sys.stderr.write(e + "\n")
        die("%d catalogue error(s); the catalogue is out of step with the code" % len(errors))
    allrecs, kept = recs, {}
    if a.only:  # rerun a subset; the other rows of an existing CSV are kept
        pre = a.only.split(",")
        recs = [r for r in recs if any(r["id"].startswith(p) for p in pre)]
        if os.path.isfile(a.csv):
            with open(a.csv, newline="") as f:
                for row in csv.DictReader(f):
                    kept[row["id"]] = (row["status"], row["killer"], float(row["seconds"]))
    if not recs:
        die("no mutants selected")
    files = source_files(root)
    workers = [Worker(root, os.path.abspath(os.path.join(a.work, "work%d" % (i + 1)))) for i in range(a.jobs)]
    targets = {r["id"]: kill_targets(r) for r in recs}
    alltargets = sorted({t for ts in targets.values() for t in ts})
    need = build_targets(alltargets)

    unbuilt = []

    def prepare(w):
        sync_tree(root, w.work, files)
        if make(w.work, need, w.log):
            unbuilt.append(w.log)
    ths = [threading.Thread(target=prepare, args=(w,)) for w in workers]
    [t.start() for t in ths]
    [t.join() for t in ths]
    if unbuilt:
        die("the unmutated tree does not build (log: %s)" % ", ".join(unbuilt))
    sys.stderr.write("mutants: scratch trees built (%.0f s); baselines...\n" % (time.time() - t0))

    # Baselines: every program at both scales, and every suite clean.
    baselines, lock = {}, threading.Lock()
    jobs = queue.Queue()
    for kind, name in alltargets:  # full-scale baselines are taken when first needed
        if kind == "prog":
            jobs.put(("prog", name, QUICK_SCALE))
        else:
            jobs.put(("drift", name, None))
    bad = []

    def base_worker(w):
        while True:
            try:
                kind, name, scale = jobs.get_nowait()
            except queue.Empty:
                return
            if kind == "drift":
                why = w.drift(name)
                if why:
                    bad.append("unmutated: " + why)
                continue
            status, ev, out = w.run_prog(name, scale)
            if status != 0:
                bad.append("unmutated %s fails (scale %s, exit %s):\n%s" % (name, scale or 1, status, out[-2000:]))
            with lock:
                baselines[(name, scale)] = ev
    ths = [threading.Thread(target=base_worker, args=(w,)) for w in workers]
    [t.start() for t in ths]
    [t.join() for t in ths]
    if bad:
        for b in bad:
            sys.stderr.write(b + "\n")
        die("the unmutated tree fails its own checks; fix that first")
    sys.stderr.write("mutants: baselines done (%.0f s); %d mutants\n" % (time.time() - t0, len(recs)))

    results = {}
    todo = queue.Queue()
    for r in recs:
        todo.put(r)

    def mut_worker(w):
        while True:
            try:
                r = todo.get_nowait()
            except queue.Empty:
                return
            t1 = time.time()
            if r["absent"]:
                with lock:
                    results[r["id"]] = ("pending", r["pending"], 0.0)
                continue
            path = os.path.join(w.work, r["file"])
            with open(path, encoding="utf-8") as f:
                orig = f.read()
            saved = w.save_objects(r["file"])
            try:
                mutated = orig.replace(r["find"], r["replace"], 1)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(mutated)
                if make(w.work, build_targets(targets[r["id"]]), w.log):
                    with open(w.log, errors="replace") as lf:
                        first = next((l.strip() for l in lf if "error" in l), "build failed")
                    status, killer = "stillborn", first
                else:
                    killer = try_kill(w, targets[r["id"]], QUICK_SCALE,
                                      lambda name: baselines[(name, QUICK_SCALE)])
                    if not killer:  # survived the quick run: again with every point
                        with open(path, "w", encoding="utf-8") as f:
                            f.write(orig)
                        w.restore_objects(saved)
                        progs = [t for t in targets[r["id"]] if t[0] == "prog"]
                        missing = [n for k, n in progs if (n, None) not in baselines]
                        if missing and make(w.work, build_targets(progs), w.log) == 0:
                            for n in missing:
                                st, ev, out = w.run_prog(n, None)
                                with lock:
                                    baselines[(n, None)] = ev if st == 0 else None
                        saved = w.save_objects(r["file"])
                        with open(path, "w", encoding="utf-8") as f:
                            f.write(mutated)
                        broken = [n for k, n in progs if baselines.get((n, None)) is None]
                        if broken:
                            killer = "unmutated %s fails or does not build at full scale" % " ".join(broken)
                        elif make(w.work, build_targets(targets[r["id"]]), w.log) == 0:
                            killer = try_kill(w, progs, None, lambda name: baselines[(name, None)])
                    status = "killed" if killer else ("equivalent" if r.get("equiv") else "survived")
                    if killer and killer.startswith("unmutated "):
                        status = "error"
                    elif killer and r.get("equiv"):
                        status = "killed-but-marked-equivalent"
            finally:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(orig)
                w.restore_objects(saved)
            secs = time.time() - t1
            with lock:
                results[r["id"]] = (status, killer or r.get("equiv") or "", secs)
                sys.stderr.write("  [%d/%d] %-10s %s (%.0f s)\n" % (len(results), len(recs), status, r["id"], secs))
    ths = [threading.Thread(target=mut_worker, args=(w,)) for w in workers]
    [t.start() for t in ths]
    [t.join() for t in ths]

    ran = len(recs)
    for r in allrecs:
        if r["id"] not in results:
            results[r["id"]] = kept.get(r["id"], ("not run", "", 0.0))
    recs = allrecs
    os.makedirs(os.path.dirname(os.path.abspath(a.csv)), exist_ok=True)
    tmp = a.csv + ".tmp"
    with open(tmp, "w", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(["id", "file", "section", "status", "killer", "seconds"])
        for r in recs:
            s, k, secs = results[r["id"]]
            wr.writerow([r["id"], r["file"], r["section"], s, k, "%.1f" % secs])
    os.replace(tmp, a.csv)
    write_tex(os.path.splitext(a.csv)[0] + ".tex", recs, results)
    count = collections.Counter(results[r["id"]][0] for r in recs)
    for r in recs:
        s, k, secs = results[r["id"]]
        print("%-10s %-34s %-26s %s" % (s, r["id"], r["file"], k))
    bysec = collections.OrderedDict((s, [0, 0]) for s in SECTIONS)
    for r in recs:
        bysec[r["section"]][1] += 1
        bysec[r["section"]][0] += results[r["id"]][0] == "killed"
    print("by section: " + ", ".join("%s %d/%d" % (s, k, n) for s, (k, n) in bysec.items() if n))
    print("stillborn %d, survived %d, equivalent %d, pending %d, errors %d, not run %d; %d run now, %.0f s wall; "
          "results: %s" % (count["stillborn"], count["survived"], count["equivalent"], count["pending"],
                           count["error"] + count["killed-but-marked-equivalent"], count["not run"], ran,
                           time.time() - t0, a.csv))
    print("mutants: %d killed of %d" % (count["killed"], len(recs)))
    ok = count["killed"] + count["equivalent"] == len(recs)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
