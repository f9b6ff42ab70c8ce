#!/usr/bin/python3
"""numpy_kl_alphabar.py -- the worked example of `dmcheck verify` (README,
"Reference vectors and dmcheck verify").

Computes two textbook quantities the way numpy code usually does, in float32
and in float64, and writes candidate CSVs for dmcheck:

  alphabar_<dtype>.csv  DDPM's linear schedule, T = 1000:
                        beta = linspace(1e-4, 0.02, T); alphabar = cumprod(1 - beta);
                        sqrt(1 - alphabar)                 -> suite sched_linear
  kl_<dtype>.csv        KL(N(mu1, e^logvar1) || N(mu2, e^logvar2)) by the textbook
                        formula 0.5*(logvar2 - logvar1 + (e^logvar1 + (mu1-mu2)^2)/e^logvar2 - 1),
                        on pairs from ordinary to nearly coinciding     -> suite gauss_kl

Each file carries the suite's input columns, so dmcheck matches the stored rows
(alphabar) or evaluates the candidate's own inputs with MPFR (KL). Values are
written with repr(), which reads back to exactly the float32/float64 value.

usage: /usr/bin/python3 reference/examples/numpy_kl_alphabar.py [OUTDIR]
(Debian's /usr/bin/python3 has numpy.)
"""
import os
import sys

import numpy as np


def write(path, header, rows, comment):
    with open(path, "w") as f:
        f.write("# %s\n" % comment)
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(repr(float(v)) for v in r) + "\n")


def alphabar(dtype, T=1000):
    beta = np.linspace(1e-4, 0.02, T, dtype=dtype)
    abar = np.cumprod(dtype(1) - beta, dtype=dtype)
    return abar, np.sqrt(dtype(1) - abar)


def kl_inputs():
    """(mu1, logvar1, mu2, logvar2): ordinary pairs, then pairs whose means
    and log-variances differ by 10^-1 ... 10^-12 (KL down to ~1e-25)."""
    rng = np.random.default_rng(20261125)
    rows = []
    for _ in range(200):
        mu1, mu2 = rng.uniform(-3, 3, 2)
        lv1, lv2 = rng.uniform(-4, 4, 2)
        rows.append((mu1, lv1, mu2, lv2))
    for k in range(1, 13):
        d = 10.0 ** -k
        for _ in range(25):
            mu1, lv1 = rng.uniform(-3, 3), rng.uniform(-4, 4)
            rows.append((mu1, lv1, mu1 + d * rng.uniform(-1, 1), lv1 + d * rng.uniform(-1, 1)))
    return np.array(rows)


def kl(x, dtype):
    mu1, lv1, mu2, lv2 = (x[:, i].astype(dtype) for i in range(4))
    half, one = dtype(0.5), dtype(1)
    return mu1, lv1, mu2, lv2, half * (lv2 - lv1 + (np.exp(lv1) + (mu1 - mu2) ** 2) / np.exp(lv2) - one)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    T = 1000
    x = kl_inputs()
    for name, dtype in (("float32", np.float32), ("float64", np.float64)):
        abar, s = alphabar(dtype, T)
        t = np.arange(1, T + 1)
        write(os.path.join(out, "alphabar_%s.csv" % name), ["T", "t", "alphabar", "sqrt_one_minus_alphabar"],
              zip(np.full(T, T), t, abar, s), "numpy %s: linspace betas, cumprod, sqrt(1 - alphabar)" % name)
        mu1, lv1, mu2, lv2, k = kl(x, dtype)
        write(os.path.join(out, "kl_%s.csv" % name), ["mu1", "logvar1", "mu2", "logvar2", "kl"],
              zip(mu1, lv1, mu2, lv2, k), "numpy %s: textbook Gaussian KL" % name)
    print("wrote alphabar_float32.csv alphabar_float64.csv kl_float32.csv kl_float64.csv in %s" % out)


if __name__ == "__main__":
    main()
