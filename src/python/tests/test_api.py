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


def test_c_api_argument_checks():
    """libdmcverify's own checks (dmcverify.h), below the Python layer's:
    out-of-range indices give NULL/NaN/0, bad options and columns give 2 and
    a message, a result answers only for its present outputs."""
    import ctypes
    from dmcheck._lib import Options, c_double_p, lib

    n = lib.dmv_nsuites()
    assert n > 0 and lib.dmv_suite_name(-1) is None and lib.dmv_suite_name(n) is None
    assert lib.dmv_suite_input(b"sched_linear", 2) is None and lib.dmv_suite_output(b"sched_linear", -1) is None
    assert lib.dmv_suite_input(None, 0) is None
    lib.dmv_suite_description.restype = ctypes.c_char_p
    lib.dmv_suite_description.argtypes = [ctypes.c_char_p]
    assert b"schedule" in lib.dmv_suite_description(b"sched_linear").lower()
    assert lib.dmv_suite_description(b"nope") is None and lib.dmv_suite_description(None) is None
    nf = lib.dmv_nfunctions()
    assert lib.dmv_function_name(nf) is None and lib.dmv_function_args(-1) is None
    with pytest.raises(dmcheck.DmcheckError, match="arguments outside the domain"):
        dmcheck.eval("gauss_logpdf", 0.0, 0.0, -1.0)
    with pytest.raises(dmcheck.DmcheckError, match="unknown suite"):
        dmcheck.ref("nope")
    with pytest.raises(dmcheck.DmcheckError, match="vectors directory not found"):
        dmcheck.ref("sched_linear", vectors="/nonexistent/dir")

    r = dmcheck.ref("sched_linear")
    ab = np.ascontiguousarray(r["alphabar"][:4])
    ins, outs = dmcheck.suite_columns("sched_linear")
    k = outs.index("alphabar")

    def call(opt=None, n=4, ids=None, with_inputs=None, outputs=True):
        err = ctypes.create_string_buffer(1024)
        handle = ctypes.c_void_p()
        pout = (c_double_p * len(outs))(*[ab.ctypes.data_as(c_double_p) if outputs and j == k else None
                                          for j in range(len(outs))])
        pin = None
        if with_inputs is not None:
            pin = (c_double_p * len(ins))(*[a.ctypes.data_as(c_double_p) if a is not None else None
                                            for a in with_inputs])
        pid = ids.ctypes.data_as(c_double_p) if ids is not None else None
        st = lib.dmv_verify_columns(b"sched_linear", ctypes.byref(opt) if opt else None, n, pid, pin, pout, None,
                                    None, ctypes.byref(handle), err, 1024)
        return st, err.value.decode(), handle

    def opts(**kw):
        o = Options()
        lib.dmv_options_init(ctypes.byref(o))
        for key, v in kw.items():
            setattr(o, key, v)
        return o

    assert call(n=0)[:2] == (2, "no rows or no output columns")
    assert call(outputs=False)[:2] == (2, "no output of suite sched_linear given")
    T = np.ascontiguousarray(r["T"][:4])
    assert call(with_inputs=[T, None])[:2] == (2, "input t missing (give every input or none)")
    assert call(ids=np.array([0.0, 1.0, 2.5, 3.0]))[:2] == (2, "row 2: id is not a row number of the suite (0 to count - 1)")
    assert call(ids=np.array([0.0, -1.0, 2.0, 3.0]))[1].startswith("row 1: id is not")
    for bad in (dict(budget_ulp=-1.0), dict(abs_tol=float("nan")), dict(worst=-1), dict(worst=10 ** 6)):
        st, msg, _ = call(opts(**bad))
        assert st == 2 and msg.startswith("bad options"), (bad, msg)
    st, msg, _ = call(opts(dtype=b"float8"))
    assert st == 2 and "unknown dtype 'float8'" in msg
    st, msg, _ = call(opts(nexclude=1))
    assert (st, msg) == (2, "bad exclude list")
    budgets = (ctypes.c_double * len(outs))(*[-1.0] * len(outs))
    st, msg, _ = call(opts(budgets=ctypes.cast(budgets, c_double_p)))
    assert st == 2 and msg.startswith("bad budget -1 for output")

    # a result: outputs it does not have answer NaN / 0 / 2; an unknown report format gives NULL
    ab[1] = np.nextafter(np.nextafter(ab[1], 2), 2)
    st, msg, h = call()  # no options: the defaults
    try:
        assert st == 0 and lib.dmv_result_rows(h) == 4 and not lib.dmv_result_ok(h)
        assert lib.dmv_result_over(h, k) == 1 and lib.dmv_result_over(h, (k + 1) % len(outs)) == 0
        assert np.isnan(lib.dmv_result_max_ulp(h, -1)) and np.isnan(lib.dmv_result_budget(h, len(outs)))
        assert lib.dmv_result_nworst(h, len(outs)) == 0 and lib.dmv_result_nworst(h, k) == 1
        row, rid, c, ref, u = ctypes.c_long(), ctypes.c_long(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
        args = [ctypes.byref(x) for x in (row, rid, c, ref, u)]
        assert lib.dmv_result_worst(h, k, 1, *args, None) == 2 and lib.dmv_result_worst(h, k, -1, *args, None) == 2
        assert lib.dmv_result_worst(h, k, 0, *args, None) == 0 and row.value == 1 and u.value == 2
        assert lib.dmv_result_report(h, b"xml") is None
        for fmt, start in ((b"json", b"{"), (b"junit", b"<?xml"), (None, b"dmcheck verify: suite sched_linear")):
            p = lib.dmv_result_report(h, fmt)
            assert ctypes.string_at(p).startswith(start), fmt
            lib.dmv_free(p)
    finally:
        lib.dmv_result_free(h)
    lib.dmv_result_free(None)
