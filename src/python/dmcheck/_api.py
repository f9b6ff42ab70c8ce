"""dmcheck's Python API over libdmcverify (see dmcverify.h)."""
import ctypes
import os
import stat
import tempfile

import numpy as np

from ._lib import Options, c_double_p, lib

_ERRLEN = 2048


class DmcheckError(ValueError):
    """Bad input: unknown suite or function, a column that does not fit, a row
    outside the suite's domain (the message names the row)."""


def _b(s):
    return None if s is None else s.encode()


def _err_buf():
    return ctypes.create_string_buffer(_ERRLEN)


def _raise(status, err):
    msg = "dmcheck: " + err.value.decode(errors="replace")
    raise DmcheckError(msg) if status == 2 else RuntimeError(msg)


def suites():
    """The names of the suites."""
    return [lib.dmv_suite_name(i).decode() for i in range(lib.dmv_nsuites())]


def suite_columns(suite):
    """(input names, output names) of a suite."""
    ni, no = ctypes.c_int(), ctypes.c_int()
    if lib.dmv_suite_shape(_b(suite), ctypes.byref(ni), ctypes.byref(no)):
        raise DmcheckError("dmcheck: unknown suite '%s' (see dmcheck.suites())" % suite)
    return ([lib.dmv_suite_input(_b(suite), i).decode() for i in range(ni.value)],
            [lib.dmv_suite_output(_b(suite), i).decode() for i in range(no.value)])


def functions():
    """{name: argument names} of the function registry (dmcheck list)."""
    return {lib.dmv_function_name(i).decode(): lib.dmv_function_args(i).decode().split()
            for i in range(lib.dmv_nfunctions())}


def ref(suite, vectors=None):
    """The suite's rows as {column: float64 array} (inputs and correctly
    rounded outputs), from the stored vectors."""
    ins, outs = suite_columns(suite)
    n = ctypes.c_size_t()
    pin, pout = c_double_p(), c_double_p()
    err = _err_buf()
    st = lib.dmv_ref(_b(suite), _b(vectors), ctypes.byref(n), ctypes.byref(pin), ctypes.byref(pout), err, _ERRLEN)
    if st:
        _raise(st, err)
    try:
        a = np.ctypeslib.as_array(pin, shape=(n.value, len(ins))).copy() if n.value else np.zeros((0, len(ins)))
        b = np.ctypeslib.as_array(pout, shape=(n.value, len(outs))).copy() if n.value else np.zeros((0, len(outs)))
    finally:
        lib.dmv_free(pin)
        lib.dmv_free(pout)
    cols = {name: np.ascontiguousarray(a[:, i]) for i, name in enumerate(ins)}
    cols.update({name: np.ascontiguousarray(b[:, i]) for i, name in enumerate(outs)})
    return cols


def eval(name, *args):  # noqa: A001 (the CLI's name)
    """The correctly rounded double of registry function NAME at ARGS."""
    a = (ctypes.c_double * max(len(args), 1))(*[float(x) for x in args])
    out = ctypes.c_double()
    err = _err_buf()
    st = lib.dmv_eval(_b(name), a, len(args), ctypes.byref(out), err, _ERRLEN)
    if st:
        _raise(st, err)
    return out.value


def _column(name, x, n=None):
    a = np.asarray(x)
    if a.ndim == 0:
        a = a.reshape(1)
    if a.ndim != 1:
        raise DmcheckError("dmcheck: column %s must be one-dimensional (shape %s)" % (name, a.shape))
    if n is not None and a.shape[0] != n:
        raise DmcheckError("dmcheck: column %s has %d rows, %s has %d" % (name, a.shape[0], n[1] if isinstance(n, tuple) else "the first", n))
    if not (np.issubdtype(a.dtype, np.floating) or np.issubdtype(a.dtype, np.integer) or a.dtype == np.bool_):
        raise DmcheckError("dmcheck: column %s: dtype %s is not numeric" % (name, a.dtype))
    return np.ascontiguousarray(a, dtype=np.float64)


class Row(dict):
    """One of the worst rows: row (the caller's index), id, inputs {name: value},
    candidate (rounded to the dtype), reference (correctly rounded double), ulp."""


class Result:
    """The outcome of dmcheck.verify: .ok, .max_ulp {output: ULP}, .budget
    {output: ULP}, .worst {output: [Row]}, .over {output: row indices over
    budget}, .ulp {output: per-row ULP array}, .excluded [(rows, reason)],
    .rows; str() is the text report. Judged against a baseline (verify's
    baseline=): .regression (True: exit 1 of the CLI), .improved, and
    .baseline_report (the rows that regressed or improved; also in str())."""

    def __init__(self, suite, handle, inputs, outputs, n, row_ulp, row_over, excluded, keep):
        self.suite = suite
        self.rows = n
        self.ok = bool(lib.dmv_result_ok(handle))
        self.max_ulp, self.budget, self.worst, self.over, self.ulp = {}, {}, {}, {}, {}
        j = -1
        for i, name in enumerate(outputs):
            if not lib.dmv_result_present(handle, i):
                continue
            j += 1
            self.max_ulp[name] = lib.dmv_result_max_ulp(handle, i)
            self.budget[name] = lib.dmv_result_budget(handle, i)
            self.ulp[name] = row_ulp[:, j]
            self.over[name] = keep[np.flatnonzero(row_over[:, j])]
            rows = []
            for k in range(lib.dmv_result_nworst(handle, i)):
                r, d = ctypes.c_long(), ctypes.c_long()
                c, f, u = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
                x = (ctypes.c_double * max(len(inputs), 1))()
                lib.dmv_result_worst(handle, i, k, ctypes.byref(r), ctypes.byref(d), ctypes.byref(c),
                                     ctypes.byref(f), ctypes.byref(u), x)
                rows.append(Row(row=r.value, id=None if d.value < 0 else d.value,
                                inputs=dict(zip(inputs, x[:len(inputs)])),
                                candidate=c.value, reference=f.value, ulp=u.value))
            self.worst[name] = rows
        p = lib.dmv_result_report(handle, b"text")
        try:
            self._text = ctypes.string_at(p).decode() if p else "(no report: out of memory)"
        finally:
            lib.dmv_free(p)
        self.excluded = excluded
        self.inputs = {}
        self.regression = self.improved = None
        self.baseline_report = None
        self.baseline_path = None
        if excluded:
            self._text += "\nexcluded rows (not verified):\n" + "".join(
                "  %d rows (%s): %s\n" % (len(r), _rows_text(r), why) for r, why in excluded)

    def __bool__(self):
        return self.ok

    def baseline_ulp(self, output):
        """The baseline's per-row ULP errors of output (verify's baseline=), or None."""
        if self.baseline_path is None:
            return None
        u = np.empty(self.rows)
        err = _err_buf()
        st = lib.dmv_baseline_ulps(_b(self.baseline_path), _b(output), self.rows, u.ctypes.data_as(c_double_p),
                                   err, _ERRLEN)
        if st:
            _raise(st, err)
        return u

    def plot(self, path=None, x=None):
        """A picture of the error (matplotlib): per output, each row's ULP
        error in the candidate's dtype against x (None: the row, as the
        caller numbers it; or an input's name, e.g. "t"), rows over budget in
        red, the budget as a dashed line, NaN/Inf mismatches on the top edge,
        and the baseline's errors in grey when verify had baseline=. Saves to
        path (format by extension: .svg, .pdf, .png) when given; returns the
        figure. ImportError when matplotlib is missing (Debian:
        python3-matplotlib)."""
        import matplotlib
        if path is not None:
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        if x is not None and x not in self.inputs:
            raise DmcheckError("dmcheck: plot: x=%r is not an input given to verify (%s)"
                               % (x, ", ".join(self.inputs) or "none"))
        xs = self.inputs[x] if x is not None else self.keep
        fig, axes = plt.subplots(len(self.ulp), 1, figsize=(8, 3 * len(self.ulp)), squeeze=False)
        for ax, (name, u) in zip(axes[:, 0], self.ulp.items()):
            top = max([self.budget[name], 1.0] + [float(v) for v in u[np.isfinite(u)]])
            base = self.baseline_ulp(name)
            if base is not None:
                ok = np.isfinite(base)
                ax.scatter(xs[ok], base[ok], s=14, color="#aaaaaa", label="baseline")
                top = max([top] + [float(v) for v in base[ok]])
            over = np.zeros(u.size, dtype=bool)
            over[np.searchsorted(self.keep, self.over[name])] = True
            fin = np.isfinite(u)
            ax.scatter(xs[fin & ~over], u[fin & ~over], s=5, color="#1f77b4", label="within budget")
            ax.scatter(xs[fin & over], u[fin & over], s=5, color="#d62728", label="over budget")
            nan = np.isinf(u)
            if nan.any():
                ax.scatter(xs[nan], np.full(nan.sum(), top * 2), marker="x", color="#d62728", label="NaN/Inf mismatch")
            ax.axhline(self.budget[name], color="#ff7f0e", linestyle="--", label="budget %g" % self.budget[name])
            ax.set_yscale("symlog", linthresh=1)
            ax.set_ylim(-0.2, top * 4)
            ax.set_ylabel("ULP error (%s)" % self.dtype)
            ax.set_xlabel(x if x is not None else "row")
            ax.set_title("%s %s: max %g ULP, %d of %d rows over budget"
                         % (self.suite, name, self.max_ulp[name], len(self.over[name]), self.rows), fontsize=10)
            ax.legend(fontsize=8, loc="best")
        fig.tight_layout()
        if path is not None:
            fig.savefig(os.fspath(path))
            plt.close(fig)
        return fig

    def __str__(self):
        return self._text

    def __repr__(self):
        return "<dmcheck.Result %s %s max_ulp=%s>" % (self.suite, "ok" if self.ok else "FAIL", self.max_ulp)


def _write_atomically(path, text):
    """Writes text to path through a temporary file renamed over it; refuses
    a symlink or a non-regular file (as the CLI's output writer does)."""
    try:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode):
            raise DmcheckError("dmcheck: %s: not a regular file (refusing to replace it)" % path)
    except FileNotFoundError:
        pass
    fd, tmp = tempfile.mkstemp(prefix=".dmcheck-", dir=os.path.dirname(os.path.abspath(path)))
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _baseline(res, handle, baseline, strict, save_baseline, update_baseline):
    """Judges the result against a baseline and saves / tightens files."""
    if baseline is not None:
        rep, improved = ctypes.c_void_p(), ctypes.c_int()
        err = _err_buf()
        st = lib.dmv_baseline_check(handle, _b(os.fspath(baseline)), float("nan") if strict is None else float(strict),
                                    ctypes.byref(rep), ctypes.byref(improved), err, _ERRLEN)
        if st == 2 or not rep.value:
            _raise(2 if st == 2 else 1, err if st == 2 else ctypes.create_string_buffer(b"out of memory"))
        try:
            res.baseline_report = ctypes.string_at(rep.value).decode()
        finally:
            lib.dmv_free(rep.value)
        res.regression, res.improved = bool(st), bool(improved.value)
        res.baseline_path = os.fspath(baseline)
        res._text += res.baseline_report
    targets = [save_baseline] if save_baseline is not None else []
    if update_baseline and res.improved:
        targets.append(baseline)
    if targets:
        p = lib.dmv_baseline_text(handle)
        if not p:
            raise RuntimeError("dmcheck: out of memory")
        try:
            text = ctypes.string_at(p).decode()
        finally:
            lib.dmv_free(p)
        for t in targets:
            _write_atomically(os.fspath(t), text)


def _rows_text(r):
    s = ", ".join(str(int(x)) for x in r[:8])
    return s + (", ..." if len(r) > 8 else "")


def verify(suite, dtype="float64", budget_ulp=1, abs_tol=0.0, exclude=None, worst=5, vectors=None,
           live=False, baseline=None, baseline_strict=None, save_baseline=None, update_baseline=False,
           **columns):
    """Verifies candidate columns against the suite's correctly rounded values.

    columns: the suite's outputs (any subset) and either `id` (suite row
    numbers), every input, or neither (row k is suite row k); arrays or
    anything with __array__ (e.g. CPU torch tensors), converted to float64
    exactly. dtype: the format the candidate computed in (float64, float32,
    float16, bfloat16): errors are ULPs of that format against the correctly
    rounded value. budget_ulp: a number, or {output: ULP} (others: 1).
    abs_tol: a row also passes when |candidate - reference| <= abs_tol.
    exclude: [(rows, reason)], rows (indices or a boolean mask) left out of the
    verification with a stated reason (shown in str() and .excluded).
    baseline: a baseline file (README "Baselines") to judge the result
    against (.regression, .improved, .baseline_report); a baseline from
    another suite, vectors, dtype, budget or row set raises DmcheckError.
    baseline_strict: a margin M: a row whose ULP error grows by more than M
    is also a regression. save_baseline: write this result as a baseline
    file. update_baseline: rewrite `baseline` when the result improved on it
    (never when it regressed).
    """
    if (update_baseline or baseline_strict is not None) and baseline is None:
        raise DmcheckError("dmcheck: update_baseline and baseline_strict need baseline=PATH")
    ins, outs = suite_columns(suite)
    unknown = set(columns) - set(ins) - set(outs) - {"id"}
    if unknown:
        raise DmcheckError("dmcheck: suite %s has no column %s (inputs %s, outputs %s)"
                           % (suite, ", ".join(sorted(unknown)), " ".join(ins), " ".join(outs)))
    given_in = [c for c in ins if c in columns]
    if given_in and len(given_in) != len(ins):
        raise DmcheckError("dmcheck: suite %s: give every input (%s) or none; missing %s"
                           % (suite, " ".join(ins), " ".join(c for c in ins if c not in columns)))
    if not any(c in columns for c in outs):
        raise DmcheckError("dmcheck: suite %s: no output column given (outputs %s)" % (suite, " ".join(outs)))
    cols, n = {}, None
    for name, x in columns.items():
        cols[name] = _column(name, x, n)
        n = cols[name].shape[0] if n is None else n
    keep = np.arange(n)
    excluded = []
    if exclude:
        mask = np.ones(n, dtype=bool)
        for rows, why in exclude:
            if not why or not str(why).strip():
                raise DmcheckError("dmcheck: every excluded set of rows needs a reason")
            r = np.asarray(rows)
            idx = np.flatnonzero(r) if r.dtype == np.bool_ else r.astype(np.int64).reshape(-1)
            if idx.size and (idx.min() < 0 or idx.max() >= n):
                raise DmcheckError("dmcheck: exclude: row out of range 0..%d" % (n - 1))
            mask[idx] = False
            excluded.append((idx, str(why)))
        keep = np.flatnonzero(mask)
        cols = {k: np.ascontiguousarray(v[keep]) for k, v in cols.items()}
        n = keep.size
        if n == 0:
            raise DmcheckError("dmcheck: every row is excluded")
    opt = Options()
    lib.dmv_options_init(ctypes.byref(opt))
    opt.dtype = _b(dtype)
    budgets = None
    if isinstance(budget_ulp, dict):
        bad = set(budget_ulp) - set(outs)
        if bad:
            raise DmcheckError("dmcheck: budget_ulp: suite %s has no output %s" % (suite, ", ".join(sorted(bad))))
        budgets = (ctypes.c_double * len(outs))(*[float(budget_ulp.get(o, np.nan)) for o in outs])
        opt.budgets = ctypes.cast(budgets, c_double_p)
    else:
        opt.budget_ulp = float(budget_ulp)
    opt.abs_tol = float(abs_tol)
    opt.worst = int(worst)
    opt.vectors = _b(vectors)
    opt.live = int(bool(live))
    labels = None
    if exclude:  # report and error rows by the caller's indices
        labels = np.ascontiguousarray(keep, dtype=np.dtype(ctypes.c_long))
        opt.row_labels = labels.ctypes.data_as(ctypes.POINTER(ctypes.c_long))
    ptr = lambda a: a.ctypes.data_as(c_double_p)  # noqa: E731
    pin = (c_double_p * len(ins))(*[ptr(cols[c]) for c in ins]) if given_in else None
    pout = (c_double_p * len(outs))(*[ptr(cols[c]) if c in cols else None for c in outs])
    ids = ptr(cols["id"]) if "id" in cols else None
    npres = sum(c in cols for c in outs)
    row_ulp = np.empty((n, npres))
    row_over = np.zeros((n, npres), dtype=np.uint8)
    handle = ctypes.c_void_p()
    err = _err_buf()
    st = lib.dmv_verify_columns(_b(suite), ctypes.byref(opt), n, ids, pin, pout, ptr(row_ulp),
                                row_over.ctypes.data_as(ctypes.POINTER(ctypes.c_ubyte)), ctypes.byref(handle),
                                err, _ERRLEN)
    if st:
        msg = err.value.decode(errors="replace")
        raise (DmcheckError if st == 2 else RuntimeError)("dmcheck: " + msg)
    try:
        res = Result(suite, handle, ins, outs, n, row_ulp, row_over, excluded, keep)
        res.inputs = {c: cols[c] for c in ins + ["id"] if c in cols}
        res.dtype = dtype
        res.keep = keep
        _baseline(res, handle, baseline, baseline_strict, save_baseline, update_baseline)
        return res
    finally:
        lib.dmv_result_free(handle)
