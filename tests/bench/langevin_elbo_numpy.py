"""Document 001's Langevin demo in numpy (the reference for bench_langevin_elbo).

The loop is the demo's: (num_steps + 1, num_trials) arrays for x and the ELBO,
np.random.normal noise, and per step ELBO += logProbBackward - logProbForward.
(The demo's two diagnostic arrays logProb_Back_array / logProb_Forward_array
are left out: they are plotting aids, not part of the chain or the ELBO.)
Usage: langevin_elbo_numpy.py TRIALS STEPS REPS; prints one line
  numpy_median_s <median seconds> reps <REPS> mean_elbo <value>
"""
import sys
import time

import numpy as np


def log_prob_forward(x1, x2, p):
    diffusion_term = (p['mu'] - x1) / p['tau'] / p['sigma']**2
    trans_mean = x1 + diffusion_term * p['dt']
    trans_var = 2 * p['dt'] / p['tau']
    return -(x2 - trans_mean)**2 / (2 * trans_var)


def log_prob_backward(x1, x2, p):
    diffusion_term = (p['mu'] - x1) / p['tau'] / p['sigma']**2
    trans_mean_forward = x1 + diffusion_term * p['dt']
    trans_var = 2 * p['dt'] / p['tau']
    score_approx = (trans_mean_forward - x2) / trans_var
    trans_mean_backward = trans_mean_forward - trans_var * score_approx * p['dt']
    return -(x2 - trans_mean_backward)**2 / (2 * trans_var)


def run(num_trials, num_steps, p):
    mu, sigma, tau, dt = p['mu'], p['sigma'], p['tau'], p['dt']
    x = np.zeros((num_steps + 1, num_trials))
    elbo = np.zeros((num_steps + 1, num_trials))
    for it in range(num_steps):
        dx = sigma**-2 * (mu - x[it, :]) / tau * dt \
            + np.sqrt(2 / tau * dt) * np.random.normal(0, 1, (1, num_trials))
        x[it + 1, :] = x[it, :] + dx
        elbo[it + 1, :] = elbo[it, :] + log_prob_backward(x[it, :], x[it + 1, :], p) \
            - log_prob_forward(x[it, :], x[it + 1, :], p)
    return x, elbo


def time_runs(run, key, trials, steps, reps, p):
    """Times reps runs of run(trials, steps, p) and prints the result line
    (shared with langevin_elbo_torch.py)."""
    times = []
    mean_elbo = 0.0
    for _ in range(reps):
        t0 = time.perf_counter()
        _, elbo = run(trials, steps, p)
        times.append(time.perf_counter() - t0)
        mean_elbo = float(elbo[-1].mean())
    times.sort()
    print("%s %.6f reps %d mean_elbo %.6f" % (key, times[len(times) // 2], reps, mean_elbo))


PARAMS = {'mu': 0.0, 'sigma': 1.0, 'tau': 1.0, 'dt': 0.01}


def main():
    trials, steps, reps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    np.random.seed(20261125)
    time_runs(run, "numpy_median_s", trials, steps, reps, PARAMS)


if __name__ == "__main__":
    main()
