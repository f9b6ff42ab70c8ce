"""Worked example (README "Baselines"): the accuracy of a numpy schedule's
1 - alphabar, pinned by a baseline. Three versions of the same quantity:

  textbook  1 - cumprod(1 - beta): cancels where alphabar is close to 1
            (float64: 1845 ULP, 125 of 1060 rows over a 16 ULP budget);
  logspace  a "refactor" into log space, 1 - exp(cumsum(log(1 - beta))):
            the same cancellation plus the error of exp and log (worse);
  fixed     scheduler.Fixed: the running sum (1 - ab_{t-1}) + ab_{t-1} beta_t.

    python3 baseline_example.py DIR   writes DIR/{textbook,logspace,fixed}.npz
                                      (T, t, one_minus_alphabar) for dmcheck verify.
"""
import os
import sys

import numpy as np

import dmcheck

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scheduler import Fixed, Textbook, linear_betas  # noqa: E402

SUITE = "sched_linear"
BUDGET = 16  # float64 ULP of one_minus_alphabar: rounding accumulated over T <= 1000 steps


def log_space(betas):
    return 1 - np.exp(np.cumsum(np.log(1 - betas)))


VERSIONS = {
    "textbook": lambda b: Textbook.schedule(b)["one_minus_alphabar"],
    "logspace": log_space,
    "fixed": lambda b: Fixed.schedule(b)["one_minus_alphabar"],
}


def columns(version):
    """The version's 1 - alphabar at the suite's stored rows with T <= 1000."""
    r = dmcheck.ref(SUITE)
    sel = r["T"] <= 1000
    T, t = r["T"][sel], r["t"][sel]
    om = np.empty(T.size)
    for TT in np.unique(T):
        om[T == TT] = VERSIONS[version](linear_betas(int(TT)))[t[T == TT].astype(int) - 1]
    return {"T": T, "t": t, "one_minus_alphabar": om}


def main(outdir):
    os.makedirs(outdir, exist_ok=True)
    for v in VERSIONS:
        np.savez(os.path.join(outdir, v + ".npz"), **columns(v))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: baseline_example.py DIR")
    main(sys.argv[1])
