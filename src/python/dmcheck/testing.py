"""pytest helpers: assert_verified raises AssertionError with the report
(the breakdown and the worst rows) when a candidate is over budget."""
from ._api import verify


def assert_verified(suite, dtype="float64", budget_ulp=1, **kw):
    """dmcheck.verify(...) must be ok; returns the result."""
    __tracebackhide__ = True  # pytest shows the report, not this frame
    r = verify(suite, dtype=dtype, budget_ulp=budget_ulp, **kw)
    if not r.ok:
        raise AssertionError("dmcheck: %s over budget\n%s" % (suite, r))
    return r
