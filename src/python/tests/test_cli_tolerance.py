"""The tolerance model on the CLI: per-output budgets, --abs-tol, --exclude,
out-of-domain rows as bad input, --rows-out."""
import csv
import os
import subprocess

import numpy as np
import pytest

import dmcheck
from conftest import ROOT

CLI = os.path.join(ROOT, os.environ.get("DMCHECK_MAKE_B", "build"), "bin", "dmcheck")
AB32 = np.cumprod(1 - np.linspace(1e-4, 0.02, 1000, dtype=np.float32))


def run(*args):
    return subprocess.run([CLI, "verify", "sched_linear", *map(str, args)], capture_output=True, text=True)


@pytest.fixture
def cand(tmp_path):
    f = tmp_path / "c.npz"
    np.savez(f, T=np.full(1000, 1000.0), t=np.arange(1, 1001), alphabar=AB32)
    return f


def max_ulp(f, *args):
    return dmcheck.verify("sched_linear", dtype="float32", T=np.full(1000, 1000.0), t=np.arange(1, 1001),
                          alphabar=AB32).max_ulp["alphabar"]


def test_per_output_budget(cand):
    m = max_ulp(cand)
    assert run(cand, "--dtype", "float32", "--budget-ulp", "alphabar=%g" % m).returncode == 0
    p = run(cand, "--dtype", "float32", "--budget-ulp", "alphabar=%g,beta=2" % (m - 1))
    assert p.returncode == 1 and "budget of alphabar: %g ULP" % (m - 1) in p.stdout
    p = run(cand, "--budget-ulp", "zeta=1")
    assert p.returncode == 2 and "no output 'zeta'" in p.stderr


def test_abs_tol(cand):
    assert run(cand, "--dtype", "float32", "--abs-tol", "1e-6").returncode == 0
    assert run(cand, "--dtype", "float32", "--abs-tol", "1e-12").returncode == 1
    assert run(cand, "--abs-tol", "-1").returncode == 2


def test_exclude_is_reported_and_needs_a_reason(cand, tmp_path):
    r = dmcheck.ref("sched_linear")
    ab = r["alphabar"].copy()
    ab[3] *= 2
    f = tmp_path / "x.npz"
    np.savez(f, id=np.arange(ab.size), alphabar=ab)
    assert run(f).returncode == 1
    p = run(f, "--exclude", "3:clamped on purpose")
    assert p.returncode == 0 and "excluded: data rows 3-3" in p.stdout and "clamped on purpose" in p.stdout
    assert str(ab.size - 1) + " rows" in p.stdout.splitlines()[0]
    assert run(f, "--exclude", "3").returncode == 2
    assert run(f, "--exclude", "x-3:why").returncode == 2


def test_out_of_domain_row_is_bad_input_with_line(tmp_path):
    f = tmp_path / "c.csv"
    f.write_text("T,t,alphabar\n1000,1,0.9999\n1000,0,1\n")
    p = run(f)
    assert p.returncode == 2 and p.stderr.startswith("%s:3:" % f) and "outside the suite's domain" in p.stderr


def test_rows_out_has_every_row(cand, tmp_path):
    out = tmp_path / "rows.csv"
    p = run(cand, "--dtype", "float32", "--rows-out", out, "--exclude", "0-9:warm-up")
    assert p.returncode == 1
    rows = list(csv.DictReader(open(out)))
    assert len(rows) == 1000 and rows[0]["excluded"] == "warm-up" and rows[0]["alphabar_ulp"] == ""
    ulps = np.array([float(x["alphabar_ulp"]) for x in rows[10:]])
    assert ulps.max() == max_ulp(cand) and sum(int(x["alphabar_over"]) for x in rows[10:]) == (ulps > 1).sum()
    assert run(cand, "--rows-out", cand).returncode == 2  # never overwrite the candidate
