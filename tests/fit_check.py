#!/usr/bin/python3
"""fit_check.py -- an independent maximum-likelihood fit of the Kirklees trend.

The engine fits (alpha, beta, log k) with GSL's Nelder-Mead simplex and a
finite-difference Hessian. This script does the same MLE by a different
method, with NumPy only: for each k, Newton-Raphson (Fisher scoring) on
(alpha, beta) with the analytic score and Hessian of the negative-binomial
log-likelihood; then a golden-section search on log k of that profile; the
observed information in (alpha, beta, log k) from the analytic second
derivatives. Its output is pasted into tests/test_fit.c
(test_kirklees_against_independent_fit), so the C test needs no Python.

    /usr/bin/python3 tests/fit_check.py
"""
import math
import numpy as np

years = np.arange(2016, 2024)
y = np.array([261, 436, 387, 517, 560, 709, 981, 1037], dtype=float)
t = (years - 2023).astype(float)
# The base year's SEND-support pupils, every year: the scenario's clusters
# (clusters.csv est_pupils sum to 60,999) x 0.150. The interim priors used
# 61,000 x 0.150; the difference moves alpha by 1.6e-5.
ss = 60999 * 0.150

lgamma = np.vectorize(math.lgamma)
digamma_h = 1e-6


def loglik(a, b, k):
    mu = ss * np.exp(a + b * t)
    return float(np.sum(lgamma(y + k) - lgamma(k) - lgamma(y + 1)
                        + k * np.log(k / (k + mu)) + y * np.log(mu / (k + mu))))


def newton_ab(k, a=-2.0, b=0.1):
    X = np.column_stack([np.ones_like(t), t])
    for _ in range(100):
        mu = ss * np.exp(a + b * t)
        w = k * mu / (k + mu)                  # -d2l/deta2 for the log link
        score = X.T @ (k * (y - mu) / (k + mu))
        # exact second derivative: -k mu (k + y) / (k + mu)^2
        h = X.T @ (X * (k * mu * (k + y) / (k + mu) ** 2)[:, None])
        step = np.linalg.solve(h, score)
        a, b = a + step[0], b + step[1]
        if np.max(np.abs(step)) < 1e-13:
            break
    return a, b


def profile(logk):
    a, b = newton_ab(math.exp(logk))
    return loglik(a, b, math.exp(logk)), a, b


def golden(lo, hi):
    g = (math.sqrt(5) - 1) / 2
    c, d = hi - g * (hi - lo), lo + g * (hi - lo)
    for _ in range(200):
        if profile(c)[0] > profile(d)[0]:
            hi = d
        else:
            lo = c
        c, d = hi - g * (hi - lo), lo + g * (hi - lo)
    return (lo + hi) / 2


logk = golden(0.0, 15.0)
ll, a, b = profile(logk)
k = math.exp(logk)

# Observed information: second derivatives of -l in (a, b, log k), by
# Richardson-extrapolated central differences of the analytic score.


def dl_dlogk(a_, b_, lk):
    k_ = math.exp(lk)
    mu = ss * np.exp(a_ + b_ * t)
    # d/dk of lgamma(y+k) - lgamma(k) by differences of lgamma (no SciPy)
    h = 1e-5 * k_
    dg = (lgamma(y + k_ + h) - lgamma(k_ + h) - lgamma(y + k_ - h) + lgamma(k_ - h)) / (2 * h)
    dk = np.sum(dg + np.log(k_ / (k_ + mu)) + 1 - (k_ + y) / (k_ + mu))
    return dk * k_


def grad(p):
    a_, b_, lk = p
    k_ = math.exp(lk)
    mu = ss * np.exp(a_ + b_ * t)
    r = k_ * (y - mu) / (k_ + mu)
    return np.array([np.sum(r), np.sum(r * t), dl_dlogk(a_, b_, lk)])


p0 = np.array([a, b, logk])
H = np.zeros((3, 3))
for j in range(3):
    def d(hh):
        e = np.zeros(3)
        e[j] = hh
        return (grad(p0 + e) - grad(p0 - e)) / (2 * hh)
    h = 1e-3
    H[:, j] = -(4 * d(h / 2) - d(h)) / 3
H = (H + H.T) / 2
cov = np.linalg.inv(H)
print("alpha %.7f beta %.7f k %.4f loglik %.7f" % (a, b, k, ll))
print("cov(alpha,beta) %.7g %.7g %.7g  se(log k) %.5f" % (cov[0, 0], cov[0, 1], cov[1, 1],
                                                        math.sqrt(cov[2, 2])))
