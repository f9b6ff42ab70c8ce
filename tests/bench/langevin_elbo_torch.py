"""Document 001's Langevin demo in PyTorch (CPU, float64), the same loop as
langevin_elbo_numpy.py with torch tensors, for bench_langevin_elbo.
Usage: langevin_elbo_torch.py TRIALS STEPS REPS THREADS; prints one line
  torch_median_s <median seconds> reps <REPS> mean_elbo <value>
or, when torch is not installed, one line starting with "torch_missing".
"""
import sys

try:
    import torch
except ImportError:
    print("torch_missing")
    sys.exit(0)

from langevin_elbo_numpy import PARAMS, time_runs


def run(num_trials, num_steps, p):
    mu, sigma, tau, dt = p['mu'], p['sigma'], p['tau'], p['dt']
    x = torch.zeros((num_steps + 1, num_trials), dtype=torch.float64)
    elbo = torch.zeros((num_steps + 1, num_trials), dtype=torch.float64)
    trans_var = 2 * dt / tau
    for it in range(num_steps):
        xi = x[it]
        dx = sigma**-2 * (mu - xi) / tau * dt \
            + (2 / tau * dt) ** 0.5 * torch.randn(num_trials, dtype=torch.float64)
        x[it + 1] = xi + dx
        xn = x[it + 1]
        mean_f = xi + (mu - xi) / tau / sigma**2 * dt
        score = (mean_f - xn) / trans_var
        mean_b = mean_f - trans_var * score * dt
        elbo[it + 1] = elbo[it] - (xn - mean_b)**2 / (2 * trans_var) + (xn - mean_f)**2 / (2 * trans_var)
    return x, elbo


def main():
    trials, steps, reps, threads = (int(a) for a in sys.argv[1:5])
    torch.set_num_threads(threads)
    torch.manual_seed(20261125)
    time_runs(run, "torch_median_s", trials, steps, reps, PARAMS)


if __name__ == "__main__":
    main()
