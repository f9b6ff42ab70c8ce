"""pytest helpers: assert_verified raises AssertionError with the report
(the breakdown and the worst rows) when a candidate is over budget;
assert_no_regression pins a candidate's accuracy to a baseline file."""
import os
import warnings

from ._api import verify


def assert_verified(suite, dtype="float64", budget_ulp=1, **kw):
    """dmcheck.verify(...) must be ok; returns the result."""
    __tracebackhide__ = True  # pytest shows the report, not this frame
    r = verify(suite, dtype=dtype, budget_ulp=budget_ulp, **kw)
    if not r.ok:
        raise AssertionError("dmcheck: %s over budget\n%s" % (suite, r))
    return r


def assert_no_regression(suite, baseline, dtype="float64", budget_ulp=1, strict=None, **kw):
    """The candidate must not regress against the baseline file (README
    "Baselines"): AssertionError naming the rows otherwise; returns the result.
    A missing file is created from this run (with a warning: commit it).
    DMCHECK_UPDATE_BASELINES=1 rewrites the file when the run improved on it
    (never when it regressed)."""
    __tracebackhide__ = True
    if not os.path.exists(baseline):
        r = verify(suite, dtype=dtype, budget_ulp=budget_ulp, save_baseline=baseline, **kw)
        warnings.warn("dmcheck: baseline %s created from this run (max ULP %s): commit it" % (baseline, r.max_ulp))
        return r
    update = os.environ.get("DMCHECK_UPDATE_BASELINES") == "1"
    r = verify(suite, dtype=dtype, budget_ulp=budget_ulp, baseline=baseline, baseline_strict=strict,
               update_baseline=update, **kw)
    if r.regression:
        raise AssertionError("dmcheck: %s regressed against %s\n%s" % (suite, baseline, r.baseline_report))
    return r
