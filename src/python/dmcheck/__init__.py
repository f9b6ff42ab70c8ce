"""dmcheck: verify numpy (or torch, anything with __array__) diffusion code
against correctly rounded MPFR references, in-process through libdmcverify.

    import dmcheck
    r = dmcheck.verify("sched_linear", dtype="float32", T=T, t=t, alphabar=ab)
    assert r.ok, r

The build tree: PYTHONPATH=src/python DMCHECK_LIB=build/lib/libdmcverify.so
"""
from ._api import DmcheckError, Result, eval, functions, ref, suite_columns, suites, verify  # noqa: F401
from . import testing  # noqa: F401

__all__ = ["DmcheckError", "Result", "eval", "functions", "ref", "suite_columns", "suites", "verify", "testing"]
