#!/usr/bin/python3
"""TEST FIXTURE (not part of libdmcheck): numpy reference samplers for the
sampler check (tests/test_samplers_numpy.c, issue #15), each run with the
exact denoiser of a Gaussian mixture as its model, and an injected-bug twin
of each. Usage: ref_samplers.py OUTDIR SEED [N ...]

Writes OUTDIR/target.csv (the mixture, dmcheck sampler-check --target format)
and OUTDIR/<sampler>_<N>.csv, one sample set per step count (header x0,x1),
and for every twin OUTDIR/indep/<twin>_<N>.csv, the same twin run again on
independent random streams (the test's estimate of the twin's effect).
ODE samplers start every step count from the same initial draws (paired).
The samplers keep their samples as one coordinate per row, shape (d, n).
Samplers: VP (beta_min 0.1, beta_max 20, t from 1 to 0 on a uniform grid):
DDPM ancestral, DDIM eta = 0, 1 and 0.5; EDM (Karras sigmas, rho 7, 80 to
0.002, then 0): Euler, Heun, Euler ancestral, DPM-Solver-2."""
import os
import sys

import numpy as np

W = np.array([0.3, 0.7])
M = np.array([[-2.0, 0.5], [1.5, -1.0]])
S = np.array([[0.25, 0.5], [0.5, 0.3]])
BMIN, BMAX = 0.1, 20.0
N_SAMPLES = 6000
INDEP = 0x1de9                  # the stream tag of the independent twin runs


def vp(t):
    b = BMIN * t + (BMAX - BMIN) * t * t / 2
    return np.exp(-b / 2), np.sqrt(-np.expm1(-b))


def denoise(x, alpha, sigma):
    """E[x_0 | x_t = x] for x_t = alpha x_0 + sigma eps (exact; log-sum-exp over
    the components). x holds one coordinate per row: shape (d, n)."""
    v = alpha ** 2 * S + sigma ** 2                              # (k, d)
    logit = [np.log(W[k]) - 0.5 * sum(np.log(v[k, i]) + (x[i] - alpha * M[k, i]) ** 2 / v[k, i]
                                      for i in range(x.shape[0])) for k in range(len(W))]
    top = np.maximum.reduce(logit)
    r = [np.exp(lk - top) for lk in logit]
    total = sum(r)
    return np.array([sum(r[k] * ((sigma ** 2 * M[k, i] + alpha * S[k, i] * x[i]) / v[k, i])
                         for k in range(len(W))) / total for i in range(x.shape[0])])


def draw(rng, n, alpha, sigma):
    """n exact draws from the marginal at (alpha, sigma), shape (d, n)."""
    k = rng.choice(len(W), size=n, p=W)
    z = rng.standard_normal((M.shape[1], n))
    return alpha * M[k].T + np.sqrt(alpha ** 2 * S[k].T + sigma ** 2) * z


# ---- VP samplers: x_s from x_t on t_i = 1 - i/N -----------------------------

def ddim(x, n_steps, rng, eta, bug=None):
    ts = np.linspace(1.0, 0.0, n_steps + 1)
    for i in range(n_steps):
        (at, st), (as_, ss) = vp(ts[i]), vp(ts[i + 1])
        x0 = denoise(x, at, st)
        eps = (x - at * x0) / (st ** 2 if bug == 'sigma_for_sigma2' else st)
        c = eta * np.sqrt((ss ** 2 / st ** 2) * (1 - at ** 2 / as_ ** 2))
        noise = eta * c if bug == 'eta_twice' else c
        x = as_ * x0 + np.sqrt(np.maximum(ss ** 2 - c ** 2, 0)) * eps
        if eta > 0:
            x = x + noise * rng.standard_normal(x.shape)
    return x


def ddpm(x, n_steps, rng, bug=None):
    ts = np.linspace(1.0, 0.0, n_steps + 1)
    for i in range(n_steps):
        (at, st), (as_, ss) = vp(ts[i]), vp(ts[i + 1])
        beta = 1 - at ** 2 / as_ ** 2
        eps = (x - at * denoise(x, at, st)) / st
        x = (x - beta / st * eps) / np.sqrt(1 - beta)
        var = ss ** 2 / st ** 2 * beta                          # posterior variance
        x = x + (var if bug == 'dropped_sqrt' else np.sqrt(var)) * rng.standard_normal(x.shape)
    return x


# ---- EDM samplers on Karras sigmas ------------------------------------------

def karras(n_steps, smin=0.002, smax=80.0, rho=7.0):
    i = np.arange(n_steps)
    s = (smax ** (1 / rho) + i / (n_steps - 1) * (smin ** (1 / rho) - smax ** (1 / rho))) ** rho
    return np.append(s, 0.0)


def d_of(x, sigma):
    return (x - denoise(x, 1.0, sigma)) / sigma


def euler(x, n_steps, rng, bug=None):
    s = karras(n_steps)
    for i in range(n_steps):
        model_sigma = s[i] ** 2 if bug == 'wrong_t' else s[i]   # the model gets sigma^2 for sigma
        x = x + (s[i + 1] - s[i]) * (x - denoise(x, 1.0, model_sigma)) / s[i]
    return x


def heun(x, n_steps, rng, bug=None):
    s = karras(n_steps)
    for i in range(n_steps):
        d = d_of(x, s[i])
        x1 = x + (s[i + 1] - s[i]) * d
        if s[i + 1] > 0:
            t2 = s[i] if bug == 'sigma_late' else s[i + 1]      # the corrector's sigma one step late
            d2 = (x1 - denoise(x1, 1.0, t2)) / s[i + 1]
            x1 = x + (s[i + 1] - s[i]) * (d + d2) / 2
        x = x1
    return x


def euler_ancestral(x, n_steps, rng, bug=None):
    s = karras(n_steps)
    for i in range(n_steps):
        sig, nxt = s[i], s[i + 1]
        up = min(nxt, np.sqrt(nxt ** 2 * (sig ** 2 - nxt ** 2) / sig ** 2))
        down2 = max(nxt ** 2 - up ** 2, 0.0)
        down = down2 if bug == 'dropped_sqrt' else np.sqrt(down2)
        x = x + d_of(x, sig) * (down - sig)
        if nxt > 0:
            x = x + up * rng.standard_normal(x.shape)
    return x


def dpm2(x, n_steps, rng, bug=None):
    s = karras(n_steps)
    for i in range(n_steps):
        sig, nxt = s[i], s[i + 1]
        d = d_of(x, sig)
        if nxt == 0:
            x = x + d * (nxt - sig)
            continue
        mid = np.exp((np.log(sig) + np.log(nxt)) / 2)
        x2 = x + d * (mid - sig)
        model_sigma = nxt if bug == 'sigma_late' else mid
        d2 = (x2 - denoise(x2, 1.0, model_sigma)) / mid
        x = x + d2 * (nxt - sig)
    return x


# name: (function, keyword arguments, process, paired)
SAMPLERS = {
    'ddpm': (ddpm, {}, 'vp', False),
    'ddpm_bug_dropped_sqrt': (ddpm, {'bug': 'dropped_sqrt'}, 'vp', False),
    'ddim0': (ddim, {'eta': 0.0}, 'vp', True),
    'ddim0_bug_sigma_for_sigma2': (ddim, {'eta': 0.0, 'bug': 'sigma_for_sigma2'}, 'vp', True),
    'ddim1': (ddim, {'eta': 1.0}, 'vp', False),
    'ddim_half': (ddim, {'eta': 0.5}, 'vp', False),
    'ddim_half_bug_eta_twice': (ddim, {'eta': 0.5, 'bug': 'eta_twice'}, 'vp', False),
    'euler': (euler, {}, 'edm', True),
    'euler_bug_wrong_t': (euler, {'bug': 'wrong_t'}, 'edm', True),
    'heun': (heun, {}, 'edm', True),
    'heun_bug_sigma_late': (heun, {'bug': 'sigma_late'}, 'edm', True),
    'euler_ancestral': (euler_ancestral, {}, 'edm', False),
    'euler_ancestral_bug_dropped_sqrt': (euler_ancestral, {'bug': 'dropped_sqrt'}, 'edm', False),
    'dpm2': (dpm2, {}, 'edm', True),
    'dpm2_bug_sigma_late': (dpm2, {'bug': 'sigma_late'}, 'edm', True),
}


def write_set(path, x):
    """x (d, n) as CSV, one sample per row, shortest round-trip decimals."""
    with open(path, 'w') as f:
        f.write(','.join('x%d' % i for i in range(x.shape[0])) + '\n')
        f.write(''.join(','.join(map(repr, row)) + '\n' for row in x.T.tolist()))


def main():
    out, seed = sys.argv[1], int(sys.argv[2], 0)
    steps = [int(a) for a in sys.argv[3:]] or [10, 20, 40, 80, 160]
    os.makedirs(os.path.join(out, 'indep'), exist_ok=True)
    with open(os.path.join(out, 'target.csv'), 'w') as f:
        f.write('w,m0,m1,v0,v1\n')
        for k in range(len(W)):
            f.write('%r,%r,%r,%r,%r\n' % (W[k], M[k, 0], M[k, 1], S[k, 0], S[k, 1]))
    for j, (name, (fn, kw, proc, paired)) in enumerate(SAMPLERS.items()):
        # every twin also gets an independent run (its own streams, tag INDEP)
        # in OUTDIR/indep: the test estimates the twin's effect from it
        for stream in (0, INDEP) if '_bug_' in name else (0,):
            for n_steps in steps:
                # paired samplers share the initial draws across step counts
                key = [seed, j, 0 if paired else n_steps] + ([stream] if stream else [])
                rng = np.random.default_rng(key)
                x = draw(rng, N_SAMPLES, *(vp(1.0) if proc == 'vp' else (1.0, 80.0)))
                with np.errstate(over='ignore', invalid='ignore'):   # the diverging twins
                    x = fn(x, n_steps, rng, **kw)
                write_set(os.path.join(out, 'indep' if stream else '', '%s_%d.csv' % (name, n_steps)), x)


if __name__ == '__main__':
    main()
