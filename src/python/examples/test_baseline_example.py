"""Worked example (README "Baselines"): a schedule's accuracy pinned by a
baseline, from Python and from the CLI. The textbook 1 - alphabar is over
budget but pinned; the log-space "refactor" is caught as a regression; the
fix is reported as an improvement and ratcheted in, after which the textbook
version is itself a regression."""
import os
import subprocess
import sys

import pytest

import dmcheck
from dmcheck.testing import assert_no_regression

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baseline_example import BUDGET, SUITE, columns, main  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
CLI = os.path.join(ROOT, os.environ.get("DMCHECK_MAKE_B", "build"), "bin", "dmcheck")


def test_ratchet_from_python(tmp_path):
    pin = str(tmp_path / "one_minus_alphabar.baseline")
    with pytest.warns(UserWarning, match="created from this run"):
        r = assert_no_regression(SUITE, pin, budget_ulp=BUDGET, **columns("textbook"))
    assert not r.ok and r.max_ulp["one_minus_alphabar"] > 1000  # over budget, yet pinned
    assert_no_regression(SUITE, pin, budget_ulp=BUDGET, **columns("textbook"))
    with pytest.raises(AssertionError, match="above the baseline's max"):
        assert_no_regression(SUITE, pin, budget_ulp=BUDGET, **columns("logspace"))
    r = dmcheck.verify(SUITE, budget_ulp=BUDGET, baseline=pin, update_baseline=True, **columns("fixed"))
    assert r.ok and r.improved and not r.regression and "now within budget" in r.baseline_report
    with pytest.raises(AssertionError, match="newly over budget"):
        assert_no_regression(SUITE, pin, budget_ulp=BUDGET, **columns("textbook"))


def verify(*args):
    return subprocess.run([CLI, "verify", SUITE, *map(str, args), "--budget-ulp", str(BUDGET)],
                          capture_output=True, text=True)


def test_ratchet_from_the_cli(tmp_path):
    main(tmp_path)
    pin = tmp_path / "pin.baseline"
    p = verify(tmp_path / "textbook.npz", "--save-baseline", pin)
    assert p.returncode == 1 and pin.exists()  # over budget: the file is written all the same
    p = verify(tmp_path / "textbook.npz", "--baseline", pin)
    assert p.returncode == 0 and "unchanged" in p.stdout
    p = verify(tmp_path / "logspace.npz", "--baseline", pin, "--update-baseline")
    assert p.returncode == 1 and "REGRESSION one_minus_alphabar" in p.stdout and "not updated" in p.stderr
    p = verify(tmp_path / "fixed.npz", "--baseline", pin, "--update-baseline")
    assert p.returncode == 0 and "improved" in p.stdout and "updated" in p.stderr
    assert "output one_minus_alphabar budget 16 max 8 over 0 nan 0 sign 0" in pin.read_text()
    assert verify(tmp_path / "textbook.npz", "--baseline", pin).returncode == 1
