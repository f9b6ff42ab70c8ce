"""The peer of bench_ref: five reference suites evaluated with mpmath at a
fixed working precision (Debian's python3-mpmath), on the inputs stored in
reference/vectors/<suite>.csv. The schedule makes one pass per T (the
prefix product once), like dmcheck ref. mpmath does not prove its roundings:
float() of a 200-bit value is the correctly rounded double unless the value
lies within 2^-147 (relative) of a rounding boundary.
Usage: ref_mpmath.py SUITE CSV BITS [MIN_SECONDS]; repeats the whole table
until MIN_SECONDS (default 0.1) have passed (steady state, as bench_ref
times the C side) and prints one line
  mpmath_us_per_row <microseconds> rows <n> agree <outputs equal to the file> of <outputs>
"""
import csv
import sys
import time

from mpmath import mp, mpf, exp, log, sqrt, cos, pi


def rows_of(path):
    with open(path) as f:
        return list(csv.DictReader(line for line in f if line[0] != '#'))


def val(row, name):
    return float.fromhex(row[name + '_hex'])


def gauss_score(rows):
    out = []
    for r in rows:
        x, mu, s = mpf(val(r, 'x')), mpf(val(r, 'mu')), mpf(val(r, 'sigma'))
        d = x - mu
        out.append([float((mu - x) / (s * s)), float(-d * d / (2 * s * s) - log(s) - log(2 * pi) / 2)])
    return out, ['score', 'logpdf']


def gauss_kl(rows):
    out = []
    for r in rows:
        m1, l1, m2, l2 = (mpf(val(r, k)) for k in ('mu1', 'logvar1', 'mu2', 'logvar2'))
        d = l1 - l2
        out.append([float((exp(d) - 1 - d + (m1 - m2) ** 2 * exp(-l2)) / 2)])
    return out, ['kl']


def tweedie(rows):
    out = []
    for r in rows:
        x, mu, s, sc, ds = (mpf(val(r, k)) for k in ('x_t', 'mu_t', 'sigma_t', 'score', 'dscore'))
        s2 = s * s
        out.append([float((x + s2 * sc) / mu), float(s2 / (mu * mu) * (1 + s2 * ds))])
    return out, ['mean', 'var']


def edm_precond(rows):
    out = []
    for r in rows:
        s, sd = mpf(val(r, 'sigma')), mpf(val(r, 'sigma_data'))
        q = s * s + sd * sd
        out.append([float(sd * sd / q), float(s * sd / sqrt(q)), float(1 / sqrt(q)), float(log(s) / 4)])
    return out, ['c_skip', 'c_out', 'c_in', 'c_noise']


def sched_cosine(rows):
    s, cap = mpf(8) / 1000, mpf(999) / 1000
    byT = {}
    for i, r in enumerate(rows):
        byT.setdefault(int(val(r, 'T')), []).append((int(val(r, 't')), i))
    out = [None] * len(rows)
    for T, want in byT.items():
        f = [cos((mpf(k) / T + s) / (1 + s) * pi / 2) ** 2 for k in range(0, max(t for t, _ in want) + 1)]
        need = dict(want)
        prod = mpf(1)
        for t in range(1, max(need) + 1):
            b = 1 - f[t] / f[t - 1]
            clipped = b > cap or t == T
            beta = float(cap if clipped else b)
            prod *= 1 - mpf(beta)
            if t in need:
                om = 1 - prod
                out[need[t]] = [beta, float(1 if clipped else 0), float(prod), float(om), float(sqrt(prod)),
                                float(sqrt(om)), float(log(om)) if om > 0 else float('-inf'),
                                float(log(prod / om)) if om > 0 and prod > 0 else float('nan')]
    return out, ['beta', 'clipped', 'alphabar', 'one_minus_alphabar', 'sqrt_alphabar', 'sqrt_one_minus_alphabar',
                 'log_one_minus_alphabar', 'log_snr']


def main():
    suite, path, bits = sys.argv[1], sys.argv[2], int(sys.argv[3])
    mp.prec = bits
    rows = rows_of(path)
    fn = {'gauss_score': gauss_score, 'gauss_kl': gauss_kl, 'sched_cosine': sched_cosine, 'tweedie': tweedie,
          'edm_precond': edm_precond}[suite]
    least = float(sys.argv[4]) if len(sys.argv) > 4 else 0.1
    t0 = time.perf_counter()
    passes = 0
    while True:
        out, names = fn(rows)
        passes += 1
        t = time.perf_counter() - t0
        if t >= least:
            break
    agree = total = 0
    for r, o in zip(rows, out):
        for name, v in zip(names, o):
            want = val(r, name)
            total += 1
            agree += v == want or (v != v and want != want)
    print("mpmath_us_per_row %.3f rows %d agree %d of %d" % (1e6 * t / (passes * len(rows)), len(rows), agree, total))


if __name__ == "__main__":
    main()
