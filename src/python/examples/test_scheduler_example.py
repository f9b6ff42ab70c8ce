"""Worked example (README): checking a numpy scheduler with dmcheck.

Run from the build tree:
  PYTHONPATH=src/python DMCHECK_LIB=build/lib/libdmcverify.so python3 -m pytest -q src/python/examples
The cancellation-free scheduler passes; the textbook one fails, and each
test asserts both (a check that cannot fail proves nothing)."""
import os
import sys

import numpy as np
import pytest

import dmcheck
from dmcheck.testing import assert_verified

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scheduler import Fixed, Textbook, linear_betas  # noqa: E402

# ULP budgets in float64. cumprod over T <= 1000 factors accumulates rounding
# (observed 17 ULP); everything else is a handful of roundings.
SCHED_BUDGET = {"beta": 1, "alphabar": 32, "one_minus_alphabar": 16}
POST_BUDGET = {"coef_x0": 16, "coef_xt": 16, "var": 16}
DDIM_BUDGET = 4


def schedule_columns(impl, T, t):
    """The implementation's schedule at the suite's rows (T, t from 1)."""
    cols = {}
    for TT in np.unique(T):
        b = linear_betas(int(TT))
        s = impl.schedule(b)
        s["beta"] = b
        rows = t[T == TT].astype(int) - 1
        for k, v in s.items():
            cols.setdefault(k, np.empty(T.size))[T == TT] = v[rows]
    return cols


def test_schedule():
    r = dmcheck.ref("sched_linear")
    sel = r["T"] <= 1000
    T, t = r["T"][sel], r["t"][sel]
    assert_verified("sched_linear", budget_ulp=SCHED_BUDGET, T=T, t=t, **schedule_columns(Fixed, T, t))
    bad = dmcheck.verify("sched_linear", budget_ulp=SCHED_BUDGET, T=T, t=t, **schedule_columns(Textbook, T, t))
    assert not bad.ok and bad.max_ulp["one_minus_alphabar"] > 100 and len(bad.over["alphabar"]) == 0


def posterior_columns(impl, T, t):
    out = {}
    for TT in np.unique(T):
        b = linear_betas(int(TT))
        s = impl.schedule(b)
        ab, om = s["alphabar"], s["one_minus_alphabar"]
        ab_prev, om_prev = np.concatenate([[1.0], ab[:-1]]), np.concatenate([[0.0], om[:-1]])
        p = Fixed.posterior(b, ab, ab_prev, om, om_prev) if impl is Fixed else Textbook.posterior(b, ab, ab_prev)
        rows = t[T == TT].astype(int) - 1
        for k, v in p.items():
            out.setdefault(k, np.empty(T.size))[T == TT] = v[rows]
    return out


def test_posterior():
    r = dmcheck.ref("ddpm_posterior")
    sel = r["schedule"] == 0  # the linear schedule
    cols = {k: r[k][sel] for k in ("schedule", "T", "t", "frac")}
    assert_verified("ddpm_posterior", budget_ulp=POST_BUDGET, **cols, **posterior_columns(Fixed, cols["T"], cols["t"]))
    bad = dmcheck.verify("ddpm_posterior", budget_ulp=POST_BUDGET, **cols,
                         **posterior_columns(Textbook, cols["T"], cols["t"]))
    assert not bad.ok and bad.max_ulp["var"] > 100


def test_ddim_step():
    r = dmcheck.ref("ddim_coeffs")
    ins = {k: r[k] for k in ("alphabar_t", "alphabar_prev", "eta")}
    assert_verified("ddim_coeffs", budget_ulp=DDIM_BUDGET, **ins,
                    **Fixed.ddim(r["alphabar_t"], r["alphabar_prev"], r["eta"]))
    with np.errstate(all="ignore"):
        text = Textbook.ddim(r["alphabar_t"], r["alphabar_prev"], r["eta"])
    with pytest.raises(AssertionError, match="worst rows"):
        assert_verified("ddim_coeffs", budget_ulp=DDIM_BUDGET, **ins, **text)
    bad = dmcheck.verify("ddim_coeffs", budget_ulp=DDIM_BUDGET, **ins, **text)
    assert bad.max_ulp["sigma"] > 100 and bad.max_ulp["coef_eps"] > 100


def test_float32_is_judged_in_float32_ulps():
    """The same fixed schedule in float32 arithmetic, judged in float32 ULPs."""
    r = dmcheck.ref("sched_linear")
    sel = r["T"] == 1000
    b = linear_betas(1000).astype(np.float32)
    s = Fixed.schedule(b)
    res = dmcheck.verify("sched_linear", dtype="float32", budget_ulp={"one_minus_alphabar": 16, "alphabar": 32},
                         T=r["T"][sel], t=r["t"][sel], one_minus_alphabar=s["one_minus_alphabar"],
                         alphabar=s["alphabar"])
    assert res.ok, res
    text = Textbook.schedule(b)
    bad = dmcheck.verify("sched_linear", dtype="float32", budget_ulp={"one_minus_alphabar": 16},
                         T=r["T"][sel], t=r["t"][sel], one_minus_alphabar=text["one_minus_alphabar"])
    assert not bad.ok
