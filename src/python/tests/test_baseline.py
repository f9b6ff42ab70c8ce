"""Baselines and the ratchet (README "Baselines"): `dmcheck verify
--save-baseline / --baseline / --baseline-strict / --update-baseline` and the
same from Python. The candidates are the suite's correctly rounded values
moved by known numbers of ULPs, so every verdict below is known exactly."""
import os
import shutil
import subprocess

import numpy as np
import pytest

import dmcheck
from dmcheck.testing import assert_no_regression
from conftest import CLI, ROOT


def run(*args):
    return subprocess.run([CLI, "verify", "sched_linear", *map(str, args)], capture_output=True, text=True)


@pytest.fixture(scope="module")
def exact():
    return dmcheck.ref("sched_linear")["alphabar"]


def moved(exact, **ulps):
    """The exact values with row r moved up by ulps["r<row>"] ULPs (nan: NaN)."""
    a = exact.copy()
    for key, k in ulps.items():
        r = int(key[1:])
        if np.isnan(k):
            a[r] = np.nan
        for _ in range(int(k) if not np.isnan(k) else 0):
            a[r] = np.nextafter(a[r], np.inf)
    return a


def npz(path, values):
    np.savez(path, id=np.arange(values.size), alphabar=values)
    return path


@pytest.fixture
def saved(tmp_path, exact):
    """A baseline of a candidate with rows 3 (2 ULP) and 7 (4 ULP) over budget 1."""
    cand = npz(tmp_path / "cand.npz", moved(exact, r3=2, r7=4))
    base = tmp_path / "base.txt"
    p = run(cand, "--save-baseline", base)
    assert p.returncode == 1, p.stderr  # over budget: the usual verdict, and the file is written
    return cand, base


def test_save_baseline_format(saved, exact):
    _, base = saved
    lines = base.read_text().splitlines()
    assert lines[:2] == ["dmcheck-baseline 1", "suite sched_linear"]
    assert lines[3] == "dtype float64" and lines[4] == "rows %d" % exact.size
    assert lines[6] == "output alphabar budget 1 max 4 over 2 nan 0 sign 0"
    assert lines[7] == "row\talphabar_ulp\talphabar_flags"
    assert lines[8 + 3] == "3\t2\to" and lines[8 + 7] == "7\t4\to" and lines[8 + 5] == "5\t0\t-"
    assert len(lines) == 8 + exact.size


def test_unchanged_passes(saved):
    cand, base = saved
    p = run(cand, "--baseline", base)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "max 4 -> 4 ULP, over budget 2 -> 2: unchanged" in p.stdout and "baseline: no regression\n" in p.stdout


def test_worse_fails_naming_rows(tmp_path, saved, exact):
    _, base = saved
    # row 10 newly over budget (within the old max), row 12 a new NaN
    p = run(npz(tmp_path / "w.npz", moved(exact, r3=2, r7=4, r10=3, r12=np.nan)), "--baseline", base)
    assert p.returncode == 1, p.stdout
    assert "newly over budget: row 10 (0 -> 3 ULP), row 12 (0 -> inf ULP)" in p.stdout
    assert "1 row with a new NaN/Inf mismatch: row 12" in p.stdout and "baseline: REGRESSION" in p.stdout
    # the max grows on a row already over budget
    p = run(npz(tmp_path / "m.npz", moved(exact, r3=5, r7=4)), "--baseline", base)
    assert p.returncode == 1 and "1 row above the baseline's max: row 3 (2 -> 5 ULP)" in p.stdout


def test_improved_passes_and_strict_mode(tmp_path, saved, exact):
    cand, base = saved
    # row 7 fixed and the max cut from 4 to 2; row 20 moves 0 -> 1 ULP, within the budget
    better = npz(tmp_path / "b.npz", moved(exact, r3=2, r20=1))
    p = run(better, "--baseline", base)
    assert p.returncode == 0, p.stdout
    assert "max 4 -> 2 ULP, over budget 2 -> 1: improved" in p.stdout
    assert "1 row now within budget: row 7 (4 -> 0 ULP)" in p.stdout and "no regression, improved" in p.stdout
    p = run(better, "--baseline", base, "--baseline-strict", 0)
    assert p.returncode == 1 and "grown by more than the strict margin: row 20 (0 -> 1 ULP)" in p.stdout
    assert run(better, "--baseline", base, "--baseline-strict", 1).returncode == 0


def test_update_tightens_and_never_loosens(tmp_path, saved, exact):
    cand, base = saved
    before = base.read_bytes()
    worse = npz(tmp_path / "w.npz", moved(exact, r3=2, r7=4, r10=3))
    p = run(worse, "--baseline", base, "--update-baseline")
    assert p.returncode == 1 and "not updated" in p.stderr and base.read_bytes() == before
    p = run(cand, "--baseline", base, "--update-baseline")
    assert p.returncode == 0 and "unchanged (nothing improved)" in p.stderr and base.read_bytes() == before
    better = npz(tmp_path / "b.npz", moved(exact, r3=2))
    p = run(better, "--baseline", base, "--update-baseline")
    assert p.returncode == 0 and "updated" in p.stderr
    assert "output alphabar budget 1 max 2 over 1 nan 0 sign 0" in base.read_text()
    # ratcheted: the old candidate is now a regression
    p = run(cand, "--baseline", base)
    assert p.returncode == 1 and "row 7 (0 -> 4 ULP)" in p.stdout


def test_mismatched_baseline_is_bad_input(tmp_path, saved, exact):
    cand, base = saved
    p = run(cand, "--baseline", base, "--dtype", "float32")
    assert p.returncode == 2 and "baseline taken with dtype float64, this run has dtype float32" in p.stderr
    p = run(npz(tmp_path / "few.npz", exact[:100]), "--baseline", base)
    assert p.returncode == 2 and "baseline taken with rows %d, this run has rows 100" % exact.size in p.stderr
    shuffled = tmp_path / "s.npz"
    np.savez(shuffled, id=np.arange(exact.size)[::-1], alphabar=exact[::-1])
    p = run(shuffled, "--baseline", base)
    assert p.returncode == 2 and "row set" in p.stderr
    p = run(cand, "--baseline", base, "--budget-ulp", 2)
    assert p.returncode == 2 and "budget 1 for alphabar, this run has budget 2" in p.stderr
    # other reference vectors: one stored value moved
    vec = tmp_path / "vec"
    vec.mkdir()
    src = os.path.join(ROOT, "reference", "vectors", "sched_linear.csv")
    shutil.copy(src, vec / "sched_linear.csv")
    text = (vec / "sched_linear.csv").read_text()
    old = ",0x1.26ba4a018ebaep+3,9.21024036697584946864481025841e+00"  # a log_snr (not the candidate's output)
    assert old in text
    new = ",0x1.26ba4a018ebafp+3,%.29e" % float.fromhex("0x1.26ba4a018ebafp+3")
    (vec / "sched_linear.csv").write_text(text.replace(old, new, 1))
    p = run(cand, "--vectors", vec, "--baseline", base)
    assert p.returncode == 2 and "baseline taken with reference vectors" in p.stderr, p.stderr
    p = run(cand, "--baseline", tmp_path / "missing.txt")
    assert p.returncode == 2 and "missing.txt: cannot read the baseline" in p.stderr
    bad = tmp_path / "bad.txt"
    bad.write_text(base.read_text().replace("\n5\t0\t-\n", "\n5\tzero\t-\n"))
    p = run(cand, "--baseline", bad)
    assert p.returncode == 2 and "bad.txt:14:3: bad ULP value" in p.stderr
    bad.write_text("\n".join(base.read_text().splitlines()[:20]) + "\n")
    p = run(cand, "--baseline", bad)
    assert p.returncode == 2 and "truncated baseline" in p.stderr


def test_save_baseline_never_over_an_input(saved):
    cand, base = saved
    before = base.read_bytes()
    p = run(cand, "--baseline", base, "--save-baseline", base)
    assert p.returncode == 2 and base.read_bytes() == before


def test_python_baseline(tmp_path, exact):
    base = tmp_path / "py.txt"
    r = dmcheck.verify("sched_linear", id=np.arange(exact.size), alphabar=moved(exact, r3=2), save_baseline=base)
    assert not r.ok and base.read_text().startswith("dmcheck-baseline 1\n")
    r = dmcheck.verify("sched_linear", id=np.arange(exact.size), alphabar=moved(exact, r3=2, r9=3), baseline=base)
    assert r.regression and not r.improved and "row 9 (0 -> 3 ULP)" in r.baseline_report and "row 9" in str(r)
    r = dmcheck.verify("sched_linear", id=np.arange(exact.size), alphabar=exact, baseline=base)
    assert not r.regression and r.improved and "row 3 (2 -> 0 ULP)" in r.baseline_report
    with pytest.raises(dmcheck.DmcheckError, match="dtype float64, this run has dtype float32"):
        dmcheck.verify("sched_linear", dtype="float32", id=np.arange(exact.size), alphabar=exact, baseline=base)


def test_assert_no_regression(tmp_path, exact):
    base = str(tmp_path / "pin.txt")
    ids = np.arange(exact.size)
    with pytest.warns(UserWarning, match="created from this run"):
        assert_no_regression("sched_linear", base, id=ids, alphabar=moved(exact, r3=2))
    assert_no_regression("sched_linear", base, id=ids, alphabar=moved(exact, r3=2))
    with pytest.raises(AssertionError, match=r"row 4 \(0 -> 2 ULP\)"):
        assert_no_regression("sched_linear", base, id=ids, alphabar=moved(exact, r3=2, r4=2))


# A damaged copy of the saved baseline: (line index, new text or None to drop
# it, or "+" to append a line), the FILE:LINE:COL and message it must give.
DAMAGE = [
    ("magic", 0, "dmcheck-baseline 2", "1:1", "not a dmcheck baseline"),
    ("suite key", 1, "suites sched_linear", "2:1", "expected 'suite VALUE'"),
    ("suite empty", 1, "suite ", "2:1", "expected 'suite VALUE'"),
    ("rows text", 4, "rows many", "5:6", "bad row count"),
    ("rows negative", 4, "rows -3", "5:6", "bad row count"),
    ("rows zero", 4, "rows 0", "5:6", "bad row count"),
    ("rows trailing", 4, "rows 1091x", "5:6", "bad row count"),
    ("rowset", 5, "rowset xyz", "6:8", "bad rowset hash"),
    ("output no fields", 6, "output alphabar", "7:8", "bad output line"),
    ("output budget", 6, "output alphabar budget x max 4 over 2 nan 0 sign 0", "7:17", "expected 'budget B'"),
    ("output max", 6, "output alphabar budget 1 maximum 4 over 2 nan 0 sign 0", "7:25", "expected ' max M'"),
    ("output max overflow", 6, "output alphabar budget 1 max 1e999 over 2 nan 0 sign 0", "7:25", "expected ' max M'"),
    ("output counts", 6, "output alphabar budget 1 max 4 over -2 nan 0 sign 0", "7:31", "expected ' over N nan N sign N'"),
    ("output sign missing", 6, "output alphabar budget 1 max 4 over 2 nan 0", "7:31", "expected ' over N nan N sign N'"),
    ("stray line", 6, "outputs alphabar", "7:1", "expected an 'output' line or the 'row' table header"),
    ("no output", 6, None, "7:1", "the baseline names no output"),
    ("other output", 6, "output beta budget 1 max 4 over 2 nan 0 sign 0", "", "other outputs than this run"),
    ("row number", 8 + 3, "4\t2\to", "12:1", "expected the next row number"),
    ("row ULP negative", 8 + 3, "3\t-2\to", "12:3", "bad ULP value"),
    ("row ULP missing", 8 + 3, "3", "12:2", "bad ULP value"),
    ("row flags", 8 + 3, "3\t2\tq", "12:5", "bad flags"),
    ("row flags missing", 8 + 3, "3\t2", "12:4", "bad flags"),
    ("row extra", 8 + 3, "3\t2\to\tmore", "12:6", "extra text after the row"),
    ("extra line", "+", "1091\t0\t-", "1100:1", "extra line after the rows"),
    ("rows overflow", 4, "rows 99999999999999999999999", "5:6", "bad row count"),
    ("rowset overflow", 5, "rowset 123456789abcdef0123", "6:8", "bad rowset hash"),
    ("output name too long", 6, "output %s budget 1 max 4 over 2 nan 0 sign 0" % ("a" * 80), "7:8", "bad output line"),
    ("no row table", 7, "output alphabar budget 1 max 4 over 2 nan 0 sign 0", "", "truncated baseline (no row table)"),
    ("other suite", 1, "suite gauss_score", "", "baseline taken with suite gauss_score"),
]


@pytest.mark.parametrize("what, k, text, pos, msg", DAMAGE, ids=[d[0] for d in DAMAGE])
def test_damaged_baseline_is_bad_input_at_its_line(tmp_path, saved, what, k, text, pos, msg):
    cand, base = saved
    lines = base.read_text().splitlines()
    if k == "+":
        lines.append(text)
    elif what == "no row table":  # the header lines only
        lines = lines[:7]
    elif text is None:
        del lines[k]
    else:
        lines[k] = text
    bad = tmp_path / "damaged.txt"
    bad.write_text("\n".join(lines) + "\n")
    p = run(cand, "--baseline", bad)
    err = p.stderr.strip().splitlines()
    assert p.returncode == 2 and len(err) == 1 and "%s:%s" % (bad, pos + ": " if pos else "") in err[0], err
    assert msg in err[0], err


def test_baseline_flags_and_empty_file(tmp_path, saved, exact):
    cand, base = saved
    # every flag letter and a NaN ULP are read back: row 3 marked n s x compares as skipped
    lines = base.read_text().splitlines()
    lines[8 + 3] = "3\tnan\tonsx"
    (tmp_path / "flags.txt").write_text("\n".join(lines) + "\n")
    p = run(cand, "--baseline", tmp_path / "flags.txt")
    assert p.returncode == 0, p.stdout + p.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    p = run(cand, "--baseline", empty)
    assert p.returncode == 2 and p.stderr.startswith("dmcheck verify: %s:1:1: not a dmcheck baseline" % empty), p.stderr
    # --baseline-strict needs --baseline; a negative margin is refused
    p = run(cand, "--baseline-strict", 1)
    assert p.returncode == 2 and "need --baseline FILE" in p.stderr
    p = run(cand, "--baseline", base, "--baseline-strict", -1)
    assert p.returncode == 2 and "bad value '-1' for --baseline-strict" in p.stderr
    p = run(cand, "--baseline", base, "--baseline-strict")
    assert p.returncode == 2 and "--baseline-strict needs a value" in p.stderr


def test_baseline_header_only_crlf_and_live(tmp_path, saved, exact):
    cand, base = saved
    head = tmp_path / "head.txt"
    head.write_text("dmcheck-baseline 1\nsuite sched_linear\n")
    p = run(cand, "--baseline", head)
    assert p.returncode == 2 and "head.txt:3:1: truncated baseline (header)" in p.stderr, p.stderr
    # CRLF line ends and a bare "row" table header read the same
    crlf = tmp_path / "crlf.txt"
    lines = base.read_text().splitlines()
    lines[7] = "row"
    crlf.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    p = run(cand, "--baseline", crlf)
    assert p.returncode == 0 and "baseline: no regression" in p.stdout, p.stdout + p.stderr
    # a live run (the candidate's inputs, no stored vectors) is stamped "vectors none"
    r = dmcheck.ref("sched_linear")
    live = tmp_path / "live.npz"
    np.savez(live, T=r["T"][:20], t=r["t"][:20], alphabar=moved(exact, r3=2)[:20])
    lb = tmp_path / "live.txt"
    assert run(live, "--live", "--save-baseline", lb).returncode == 1
    assert lb.read_text().splitlines()[2] == "vectors none"
    assert run(live, "--live", "--baseline", lb).returncode == 0
    p = run(live, "--baseline", lb)
    assert p.returncode == 2 and "reference vectors none, this run has reference vectors" in p.stderr, p.stderr
    with pytest.raises(dmcheck.DmcheckError, match="bad strict margin"):
        dmcheck.verify("sched_linear", id=np.arange(exact.size), alphabar=exact, baseline=base, baseline_strict=-1)
