"""dmcheck's Python API against the stored suites (build tree)."""
import numpy as np
import pytest

import dmcheck
from dmcheck.testing import assert_verified


def linear_alphabar32(T=1000):
    return np.cumprod(1 - np.linspace(1e-4, 0.02, T, dtype=np.float32))


def test_ref_columns_are_float64():
    r = dmcheck.ref("sched_linear")
    ins, outs = dmcheck.suite_columns("sched_linear")
    assert set(r) == set(ins) | set(outs)
    assert all(v.dtype == np.float64 and v.shape == r["t"].shape for v in r.values())
    assert r["t"].size > 0


def test_stored_values_verify_exactly_and_a_perturbed_one_does_not():
    r = dmcheck.ref("sched_linear")
    ok = dmcheck.verify("sched_linear", T=r["T"], t=r["t"], alphabar=r["alphabar"])
    assert ok.ok and ok.max_ulp == {"alphabar": 0.0} and ok.rows == r["t"].size
    ab = r["alphabar"].copy()
    ab[7] = np.nextafter(np.nextafter(ab[7], 2), 2)  # 2 ULP off
    bad = dmcheck.verify("sched_linear", T=r["T"], t=r["t"], alphabar=ab)
    assert not bad.ok and bad.max_ulp["alphabar"] == 2
    assert list(bad.over["alphabar"]) == [7] and bad.worst["alphabar"][0]["row"] == 7
    assert "row 7" in str(bad) and "FAIL" in str(bad)


def test_id_column_and_row_order():
    r = dmcheck.ref("sched_linear")
    ids = np.arange(r["t"].size)[::-1]
    res = dmcheck.verify("sched_linear", id=ids, alphabar=r["alphabar"][ids])
    assert res.ok and res.max_ulp["alphabar"] == 0


def test_float32_textbook_schedule_fails_with_breakdown():
    t = np.arange(1, 1001)
    bad = dmcheck.verify("sched_linear", dtype="float32", T=np.full(1000, 1000.0), t=t, alphabar=linear_alphabar32())
    assert not bad.ok and bad.max_ulp["alphabar"] > 1
    assert len(bad.over["alphabar"]) > 0 and bad.worst["alphabar"][0]["ulp"] == bad.max_ulp["alphabar"]


def test_per_output_budget_and_abs_tol():
    t = np.arange(1, 1001)
    kw = dict(dtype="float32", T=np.full(1000, 1000.0), t=t, alphabar=linear_alphabar32())
    m = dmcheck.verify("sched_linear", **kw).max_ulp["alphabar"]
    assert dmcheck.verify("sched_linear", budget_ulp={"alphabar": m}, **kw).ok
    assert not dmcheck.verify("sched_linear", budget_ulp={"alphabar": m - 1}, **kw).ok
    assert dmcheck.verify("sched_linear", abs_tol=1e-6, **kw).ok      # every error is below 1e-6
    assert not dmcheck.verify("sched_linear", abs_tol=1e-12, **kw).ok
    with pytest.raises(dmcheck.DmcheckError, match="no output"):
        dmcheck.verify("sched_linear", budget_ulp={"nope": 1}, **kw)


def test_exclude_is_reported():
    r = dmcheck.ref("sched_linear")
    ab = r["alphabar"].copy()
    ab[3] *= 1.5
    res = dmcheck.verify("sched_linear", T=r["T"], t=r["t"], alphabar=ab, exclude=[([3], "known clamp")])
    assert res.ok and res.rows == ab.size - 1
    assert "known clamp" in str(res) and res.excluded[0][1] == "known clamp"
    with pytest.raises(dmcheck.DmcheckError, match="reason"):
        dmcheck.verify("sched_linear", T=r["T"], t=r["t"], alphabar=ab, exclude=[([3], "")])
    ab[20] = np.nextafter(np.nextafter(ab[20], 2), 2)  # rows are still named by the caller's index
    res = dmcheck.verify("sched_linear", T=r["T"], t=r["t"], alphabar=ab, exclude=[(np.arange(10), "warm-up")])
    assert res.worst["alphabar"][0]["row"] == 20 and list(res.over["alphabar"]) == [20] and "row 20:" in str(res)
    assert res.worst["alphabar"][0]["inputs"] == {"T": r["T"][20], "t": r["t"][20]}
    t = r["t"].copy()
    t[15] = 0
    with pytest.raises(dmcheck.DmcheckError, match="row 15:"):
        dmcheck.verify("sched_linear", T=r["T"], t=t, alphabar=ab, exclude=[(np.arange(10), "warm-up")])


def test_out_of_domain_row_is_bad_input_naming_the_row():
    r = dmcheck.ref("sched_linear")
    t = r["t"].copy()
    t[5] = 0  # t counts from 1
    with pytest.raises(dmcheck.DmcheckError, match="row 5"):
        dmcheck.verify("sched_linear", T=r["T"], t=t, alphabar=r["alphabar"])


def test_array_like_inputs():
    class Tensor:  # what a CPU torch tensor offers
        def __init__(self, a):
            self.a = a

        def __array__(self, dtype=None):
            return self.a if dtype is None else self.a.astype(dtype)

    r = dmcheck.ref("sched_linear")
    assert dmcheck.verify("sched_linear", T=Tensor(r["T"]), t=Tensor(r["t"]), alphabar=Tensor(r["alphabar"])).ok


def test_eval_matches_the_registry():
    fns = dmcheck.functions()
    assert "gauss_logpdf" in fns and fns["gauss_logpdf"] == ["x", "mu", "sigma"]
    v = dmcheck.eval("gauss_logpdf", 0.0, 0.0, 1.0)
    assert abs(v + 0.91893853320467274178) <= np.spacing(0.92)  # -log(2 pi)/2, within 1 ULP
    with pytest.raises(dmcheck.DmcheckError, match="takes 3"):
        dmcheck.eval("gauss_logpdf", 0.0)
    with pytest.raises(dmcheck.DmcheckError, match="unknown"):
        dmcheck.eval("nope")


def test_bad_columns():
    with pytest.raises(dmcheck.DmcheckError, match="unknown suite"):
        dmcheck.verify("nope", x=[1.0])
    with pytest.raises(dmcheck.DmcheckError, match="no column"):
        dmcheck.verify("sched_linear", alphabar=[1.0], bogus=[1.0])
    with pytest.raises(dmcheck.DmcheckError, match="every input"):
        dmcheck.verify("sched_linear", t=[1.0], alphabar=[1.0])
    with pytest.raises(dmcheck.DmcheckError, match="rows"):
        dmcheck.verify("sched_linear", T=[10.0, 10.0], t=[1.0], alphabar=[1.0])


def test_assert_verified_message_shows_worst_rows():
    t = np.arange(1, 1001)
    with pytest.raises(AssertionError) as e:
        assert_verified("sched_linear", dtype="float32", T=np.full(1000, 1000.0), t=t, alphabar=linear_alphabar32())
    msg = str(e.value)
    assert "worst rows" in msg and "row 979" in msg and "over 1 ULP" in msg
    r = dmcheck.ref("sched_linear")
    assert assert_verified("sched_linear", T=r["T"], t=r["t"], alphabar=r["alphabar"]).ok
