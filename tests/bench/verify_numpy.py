"""The numpy peer of `dmcheck verify SUITE CANDIDATE --vectors DIR` (the
reference for bench_verify): numpy.loadtxt of the candidate (columns id and
the suite's outputs, decimal or C99 hex; hex through float.fromhex converters),
the stored vector file's correctly rounded outputs (the *_hex columns through
float.fromhex), the ULP difference of every value (int64 views of the
doubles, mapped to one ordered integer line) and its maximum per output.
Usage: verify_numpy.py CANDIDATE VECTORS_CSV dec|hex; prints one line
  numpy_verify_s <seconds> rows <N> max_ulp <OUT> <ULP> [<OUT> <ULP> ...]
(the seconds exclude the interpreter's start-up and `import numpy`), or, when
numpy is not installed, one line starting with "numpy_missing".
"""
import csv
import sys
import time

try:
    import numpy as np
except ImportError:
    print("numpy_missing")
    sys.exit(0)


def stored_outputs(path, names):
    """The correctly rounded outputs of a vector file, one float64 array per name."""
    with open(path) as f:
        rows = list(csv.DictReader(line for line in f if line[0] != '#'))
    return [np.array([float.fromhex(r[n + "_hex"]) for r in rows]) for n in names]


def ordered(a):
    """Doubles as int64 in the order of the reals: the gap between two keys is
    their distance in ULP (-0 and +0 share the key 0)."""
    i = a.view(np.int64)
    mag = i & np.int64(0x7FFFFFFFFFFFFFFF)
    return np.where(i < 0, -mag, mag)


def ulp_diff(cand, ref):
    """Per-value ULP distance as uint64; NaN against NaN is 0, NaN against a
    number the largest uint64."""
    oc, orf = ordered(cand), ordered(ref)
    kc, kr = oc.view(np.uint64), orf.view(np.uint64)
    d = np.where(oc >= orf, kc - kr, kr - kc)  # modulo 2^64: exact
    nc, nr = np.isnan(cand), np.isnan(ref)
    d[nc & nr] = 0
    d[nc ^ nr] = np.iinfo(np.uint64).max
    return d


def main():
    cand_path, vec_path, kind = sys.argv[1], sys.argv[2], sys.argv[3]
    t0 = time.perf_counter()
    with open(cand_path) as f:
        names = f.readline().strip().split(',')[1:]
    if kind == "hex":  # converters receive str (not bytes) given an encoding
        cand = np.loadtxt(cand_path, delimiter=',', skiprows=1, encoding='ascii',
                          converters={k + 1: float.fromhex for k in range(len(names))})
    else:
        cand = np.loadtxt(cand_path, delimiter=',', skiprows=1)
    ids = cand[:, 0].astype(np.int64)
    refs = stored_outputs(vec_path, names)
    worst = [int(ulp_diff(cand[:, k + 1], ref[ids]).max()) for k, ref in enumerate(refs)]
    t = time.perf_counter() - t0
    print("numpy_verify_s %.6f rows %d max_ulp %s" % (t, cand.shape[0], " ".join(
        "%s %d" % nw for nw in zip(names, worst))))


if __name__ == "__main__":
    main()
