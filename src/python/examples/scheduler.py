"""A typical DDPM/DDIM scheduler in numpy (float64), twice: the textbook
formulas, and a cancellation-free version of the same quantities.

The textbook version subtracts nearly equal numbers: 1 - alphabar when
alphabar is close to 1 (the first steps), 1 - ab_t/ab_prev when two
alphabars are close, and coef_dir - sqrt(ab_prev (1 - ab_t)/ab_t) in DDIM.
The fixed version computes the same real numbers from sums of nonnegative
terms and exact (Sterbenz) differences only.
"""
import numpy as np


def linear_betas(T):
    return np.linspace(1e-4, 0.02, T)


class Textbook:
    @staticmethod
    def schedule(betas):
        ab = np.cumprod(1 - betas)
        return {"alphabar": ab, "one_minus_alphabar": 1 - ab}

    @staticmethod
    def posterior(beta, ab, ab_prev):
        coef_x0 = beta * np.sqrt(ab_prev) / (1 - ab)
        coef_xt = np.sqrt(1 - beta) * (1 - ab_prev) / (1 - ab)
        var = beta * (1 - ab_prev) / (1 - ab)
        return {"coef_x0": coef_x0, "coef_xt": coef_xt, "var": var}

    @staticmethod
    def ddim(at, ap, eta):
        sigma = eta * np.sqrt((1 - ap) / (1 - at)) * np.sqrt(1 - at / ap)
        coef_dir = np.sqrt(np.maximum(1 - ap - sigma ** 2, 0))
        return {"sigma": sigma, "coef_dir": coef_dir, "coef_xt": np.sqrt(ap / at),
                "coef_eps": coef_dir - np.sqrt(ap * (1 - at) / at)}


class Fixed:
    @staticmethod
    def schedule(betas):
        ab = np.cumprod(1 - betas)
        # 1 - ab_t = (1 - ab_{t-1}) + ab_{t-1} beta_t: a sum of nonnegative terms
        om = np.empty_like(ab)
        prev_om, prev_ab = betas.dtype.type(0), betas.dtype.type(1)  # in the betas' precision
        for t, b in enumerate(betas):
            prev_om = prev_om + prev_ab * b
            prev_ab = ab[t]
            om[t] = prev_om
        return {"alphabar": ab, "one_minus_alphabar": om}

    @staticmethod
    def posterior(beta, ab, ab_prev, om, om_prev):
        """om, om_prev: 1 - ab and 1 - ab_prev from schedule(), not 1 - ab."""
        return {"coef_x0": beta * np.sqrt(ab_prev) / om,
                "coef_xt": np.sqrt(1 - beta) * om_prev / om,
                "var": beta * om_prev / om}

    @staticmethod
    def ddim(at, ap, eta):
        d = ap - at                      # exact when ap/2 <= at (Sterbenz); no 1 - at/ap
        sigma2 = eta ** 2 * (1 - ap) * d / (ap * (1 - at))
        sigma = eta * np.sqrt((1 - ap) / (1 - at)) * np.sqrt(d / ap)
        # 1 - ap - sigma^2 = (1 - ap)((1 - eta^2) ap (1 - at) + eta^2 at (1 - ap)) / (ap (1 - at))
        n = (1 - eta ** 2) * ap * (1 - at) + eta ** 2 * at * (1 - ap)
        coef_dir = np.sqrt((1 - ap) * n / (ap * (1 - at)))
        x = ap * (1 - at) / at
        # coef_dir - sqrt(x) = (dir^2 - x)/(dir + sqrt x), dir^2 - x = -(d/at + sigma^2)
        coef_eps = -(d / at + sigma2) / (coef_dir + np.sqrt(x))
        return {"sigma": sigma, "coef_dir": coef_dir, "coef_xt": np.sqrt(ap / at), "coef_eps": coef_eps}
