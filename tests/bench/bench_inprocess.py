"""make bench: in-process verification of 10^6 float32 values from numpy
against stored rows (dmcheck.verify with an id column), beside
numpy.testing.assert_array_max_ulp on the same arrays, in the same run.
Target: >= 5e6 rows/s. Prints the load (os.getloadavg) beside the figures."""
import os
import sys
import time

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "src", "python"))
import dmcheck  # noqa: E402

N = 10 ** 6
REPEATS = 5
SUITE, OUT = "sched_linear", "alphabar"


def best(f):
    ts = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t0)
    return min(ts)


def main():
    r = dmcheck.ref(SUITE)
    rng = np.random.default_rng(int(os.environ.get("DMC_SEED", "1")))
    print("bench_inprocess: seed %s" % os.environ.get("DMC_SEED", "1"))
    ids = rng.integers(0, r[OUT].size, N)
    ref32 = r[OUT][ids].astype(np.float32)
    cand = ref32.copy()
    k = rng.integers(0, N, N // 100)          # 1% of the values 1 ULP off
    cand[k] = np.nextafter(cand[k], np.float32(2))
    res = dmcheck.verify(SUITE, dtype="float32", id=ids, **{OUT: cand})
    assert res.max_ulp[OUT] >= 1 and res.rows == N
    t_dmc = best(lambda: dmcheck.verify(SUITE, dtype="float32", id=ids, **{OUT: cand}))
    t_np = best(lambda: np.testing.assert_array_max_ulp(cand, ref32, maxulp=2, dtype=np.float32))
    load = os.getloadavg()
    print("bench_inprocess: %d float32 values of %s.%s against stored rows (best of %d)" % (N, SUITE, OUT, REPEATS))
    print("  dmcheck.verify (correctly rounded reference, report)  %.3f s  %.2e rows/s" % (t_dmc, N / t_dmc))
    print("  numpy.testing.assert_array_max_ulp (float32 vs float32) %.3f s  %.2e rows/s" % (t_np, N / t_np))
    print("  load average %.2f %.2f %.2f on %d CPUs" % (load + (os.cpu_count(),)))
    ok = N / t_dmc >= 5e6
    print("bench_inprocess: %s (target 5e6 rows/s)" % ("met" if ok else "NOT met"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
