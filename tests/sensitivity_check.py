#!/usr/bin/python3
"""sensitivity_check.py [--bin BIN] [-n N]: the checks of docs/sensitivity.md, made
outside the C code wherever they can be, on the Kirklees model 2 scenario.

1. One input dominates. With inflation's sd ten times larger (0.01 -> 0.1), HNB spend
   is P_t R_t: the price index P_t = prod_{s<=t} (1 + i_s) times the real spend R_t,
   which no inflation draw touches. The first-order share of the price index is then
   S = E[R]^2 Var(P) / (E[P^2] E[R^2] - E[P]^2 E[R]^2), with E[P] = (1 + mu)^t and
   E[P^2] = ((1 + mu)^2 + sigma^2)^t exactly, and E[R], E[R^2] from the run (R = Y / P,
   trajectory by trajectory; their Monte Carlo error by batch means). The tornado must
   put inflation first and its share within 4 combined Monte Carlo errors of S. The
   rank estimator is also recomputed here in NumPy from the file: it must equal the
   C one to rounding.
2. The layered fan's inner band equals a run of a scenario whose every parameter is
   written `dist: fixed` at the central value the run used (read back from
   /parameters): the same seed and trajectories, so the percentiles must agree within
   their Monte Carlo error (they are in fact identical: the same draws).
3. Risk-equalised budgets: sized on one run (seed s), applied to an independent run
   (seed s + 1), every cluster's P(overspend) must equal the common probability within
   4 of sqrt(2 q (1 - q) / N) (the new run's binomial error plus the budgets' own).
4. Threads: the result files of -t 1 and -t 2 hold the same /draws and /layers, and
   `sendcast sensitivity` writes the same CSV from them.
Prints the numbers; exit 1 when a check fails.
"""
import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIO = os.path.join(ROOT, "scenarios", "kirklees-clusters.yaml")
B = 20
failures = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)


def run(binary, *args):
    p = subprocess.run([binary, *args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{' '.join([binary, *args])}: exit {p.returncode}\n{p.stderr}")
    return p.stdout


def scenario_copy(tmp, name, text):
    """A copy of the Kirklees scenario in tmp, its data/ reached through a link."""
    if not os.path.exists(os.path.join(tmp, "data")):
        os.symlink(os.path.join(ROOT, "scenarios", "data"), os.path.join(tmp, "data"))
    path = os.path.join(tmp, name + ".yaml")
    with open(path, "w") as f:
        f.write(re.sub(r"^name: .*$", "name: " + name, text, count=1, flags=re.M))
    return path


def batch_se(values):
    values = np.asarray(values)
    return values.std(ddof=1) / np.sqrt(len(values))


def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(f))


# ---- 1. one input dominates ---------------------------------------------------------

def rank_share(x, y):
    n = len(x)
    order = np.lexsort((np.arange(n), x))
    m = y.mean()
    num = ((y[order[:-1]] - m) * (y[order[1:]] - m)).sum() / (n - 1)
    return num / ((y - m) ** 2).mean()


def dominance(binary, tmp, n, text):
    mu, sd = 0.025, 0.1
    pattern = r"inflation: \{dist: normal, mean: 0\.025, sd: 0\.01,"
    if not re.search(pattern, text):
        sys.exit("the Kirklees scenario's inflation line is not as this check expects")
    path = scenario_copy(tmp, "kc-inflation", re.sub(pattern, "inflation: {dist: normal, "
                                                     "mean: 0.025, sd: 0.1,", text))
    h5 = os.path.join(tmp, "inflation.h5")
    out = os.path.join(tmp, "inflation.csv")
    run(binary, "run", path, "-n", str(n), "-o", h5, "--quiet", "--force")
    run(binary, "sensitivity", h5, "--csv", out, "--quiet")
    rows = [r for r in read_csv(out) if r["section"] == "sensitivity"]
    with h5py.File(h5) as f:
        names = [v.decode() if isinstance(v, bytes) else v for v in f["draws/name"][:]]
        draws = f["draws/values"][:]
        years = list(f["axes/year"][:])
        spend = f["trajectories/district/hnb_spend"][:]
    infl = [j for j, c in enumerate(names) if c.startswith("inflation.")]
    logp = np.cumsum(np.log1p(draws[:, infl]), axis=1)   # [n][Y]: log P_t
    print(f"1. inflation sd 0.1, {n} trajectories: share of HNB spend's variance")
    print("   year     estimate     ±   rank   analytic     ±    NumPy rank estimator")
    for t, year in enumerate(years):
        se = {r["input"]: float(r["value"]) for r in rows if r["output"] == "hnb_spend"
              and int(r["year"]) == year and r["statistic"] == "share_mcse"}
        share = {r["input"]: float(r["value"]) for r in rows if r["output"] == "hnb_spend"
                 and int(r["year"]) == year and r["statistic"] == "share"}
        first = max(share, key=lambda k: share[k])
        p = np.exp(logp[:, t])
        r_ = spend[:, t] / p
        ep, ep2 = (1 + mu) ** (t + 1), ((1 + mu) ** 2 + sd ** 2) ** (t + 1)

        def analytic(r):
            er, er2 = r.mean(), (r ** 2).mean()
            return er ** 2 * (ep2 - ep ** 2) / (ep2 * er2 - ep ** 2 * er ** 2)
        s_an = analytic(r_)
        s_an_se = batch_se([analytic(b) for b in np.array_split(r_, B)])
        mine = rank_share(logp[:, t], spend[:, t])
        print(f"   {year}   {share['inflation']:8.4f} {se['inflation']:6.4f}   {first == 'inflation'!s:5}"
              f"  {s_an:8.4f} {s_an_se:6.4f}   {mine:.10f}")
        check(abs(mine - share["inflation"]) < 1e-9,
              f"{year}: the NumPy rank estimator equals the C one ({mine:.12f})")
        if t == len(years) - 1:
            check(first == "inflation", f"{year}: the tornado puts inflation first")
            tol = 4 * np.hypot(se["inflation"], s_an_se)
            check(abs(share["inflation"] - s_an) < tol,
                  f"{year}: inflation's share {share['inflation']:.4f} ± {se['inflation']:.4f} "
                  f"is its analytic share {s_an:.4f} ± {s_an_se:.4f} within {tol:.4f}")


# ---- 2. the layered fan against a run with the parameters fixed --------------------

PLACEMENTS = ["mainstream", "arp", "special", "independent", "post16", "other"]


def central(name, g):
    """The central value sc_sens_central_params gives, as YAML."""
    kind = g.attrs["distribution"]
    kind = kind.decode() if isinstance(kind, bytes) else kind
    num = lambda k: float(g[k][()])
    if name == "heterogeneity_cv":
        v = 0.0
    elif kind == "beta":
        v = num("a") / (num("a") + num("b"))
    elif kind == "normal":
        v = num("mean")
    elif kind == "gamma":
        v = num("shape") * num("scale")
    elif kind == "scaled_inv_chi2":
        nu, s2 = num("nu"), num("s2")
        v = nu * s2 / (nu - 2) if nu > 2 else s2
    elif kind == "bivariate_normal":
        v = [float(x) for x in g["mean"][:]]
    elif kind == "dirichlet":
        a = [float(x) for x in g["alpha"][:]]
        s = 0.0
        for x in a:
            s += x
        v = [x / s for x in a]
    elif kind == "fixed":
        v = g["value"][()]
        v = [float(x) for x in v] if np.ndim(v) else float(v)
    else:
        sys.exit(f"parameter {name}: distribution {kind} not known to this check")
    if isinstance(v, list):
        if name == "placement_mix":
            return "{dist: fixed, value: {" + ", ".join(f"{p}: {x!r}" for p, x in
                                                        zip(PLACEMENTS, v)) + "}}"
        return "{dist: fixed, value: [" + ", ".join(repr(x) for x in v) + "]}"
    return "{dist: fixed, value: " + repr(v) + "}"


def layers(binary, tmp, n, text, h5):
    with h5py.File(h5) as f:
        params = {k: central(k, f["parameters"][k]) for k in f["parameters"]}
        inner = f["layers/district/hnb_spend/inner"][:]
        inner_plans = f["layers/district/plans_total/inner"][:]
        q = f["layers/percentile"][:]
        seed = int(f.attrs["seed"])
    block = "parameters:\n" + "".join(f"  {k}: {v}\n" for k, v in params.items())
    fixed = re.sub(r"^parameters:\n.*?(?=^cluster_working:)", block + "\n", text,
                   flags=re.M | re.S)
    path = scenario_copy(tmp, "kc-fixed", fixed)
    out = os.path.join(tmp, "fixed.h5")
    run(binary, "run", path, "-n", str(n), "-s", str(seed), "-o", out, "--quiet", "--force",
        "--sample", "0")
    with h5py.File(out) as f:
        spend = f["trajectories/district/hnb_spend"][:]
        plans = f["trajectories/district/plans_total"][:]
    print(f"2. layered fan against a run with every parameter fixed at its central value "
          f"({n} trajectories, seed {seed})")
    print("   year    inner p5    fixed p5    inner p95   fixed p95   MC error of p95")
    worst = 0.0
    for t in range(spend.shape[1]):
        mine = np.percentile(spend[:, t], q)   # numpy's default is type 7
        err = batch_se([np.percentile(b, 95) for b in np.array_split(spend[:, t], B)])
        print(f"   {t}   {inner[t, 0] / 1e6:10.4f}  {mine[0] / 1e6:10.4f}  {inner[t, 6] / 1e6:10.4f}"
              f"  {mine[6] / 1e6:10.4f}  {err / 1e6:10.4f}")
        worst = max(worst, np.max(np.abs(mine - inner[t]) / err))
        worst = max(worst, np.max(np.abs(np.percentile(plans[:, t], q) - inner_plans[t]) /
                                  batch_se([np.percentile(b, 95) for b in
                                            np.array_split(plans[:, t], B)])))
    check(worst < 4, f"the inner band is the fixed run's within its MC error (largest "
                     f"difference {worst:.3g} MC errors)")


# ---- 3. budgets out of sample ------------------------------------------------------

def budgets(binary, tmp, n, h5a, h5b):
    out = os.path.join(tmp, "budgets.csv")
    run(binary, "budgets", h5a, "--total", "19.5m", "--csv", out, "--quiet")
    rows = read_csv(out)
    settings = {r["statistic"]: float(r["value"]) for r in rows if r["section"] == "settings"}
    q = settings["p_over_common"]
    equal = {r["unit"]: float(r["value"]) for r in rows
             if r["section"] == "cluster" and r["statistic"] == "budget_equalised"}
    statuses = {r["status"] for r in rows if r["statistic"] == "budget_today"}
    with h5py.File(h5b) as f:
        clusters = [c.decode() if isinstance(c, bytes) else c for c in f["axes/cluster"][:]]
        spend = f["trajectories/cluster/cluster_spend"][:, 0, :]
    tol = np.sqrt(2 * q * (1 - q) / n)
    z = [(np.mean(spend[:, c] > equal[name]) - q) / tol for c, name in enumerate(clusters)]
    print(f"3. risk-equalised budgets of £19.5m in {int(settings['year'])}: common P(overspend) "
          f"{q:.4f}; on an independent run, by cluster (z = difference / {tol:.4f}):")
    print("   " + " ".join(f"{v:+.1f}" for v in z))
    check(max(abs(v) for v in z) < 4, f"every cluster's P(overspend) on the other run is "
                                      f"{q:.4f} within 4 Monte Carlo errors "
                                      f"(largest |z| {max(abs(v) for v in z):.2f})")
    check(statuses == {"illustrative"}, "today's budgets keep their label (illustrative) in "
                                        "the CSV")
    # a total of one's own is not the scenario's: its split carries no label; the
    # scenario's own total (£17.6m, illustrative) passes its label on
    check({r["status"] for r in rows if r["statistic"] == "budget_equalised"} == {""},
          "a total given on its own: the risk-equalised split is not labelled")
    run(binary, "budgets", h5a, "--total", "17.6m", "--csv", out, "--quiet", "--force")
    check({r["status"] for r in read_csv(out) if r["statistic"] in
           ("budget_equalised", "contingency_needed", "total")} == {"illustrative"},
          "the scenario's own total (illustrative): its risk-equalised split, contingency and "
          "total keep the label in the CSV")


# ---- 4. threads -------------------------------------------------------------------

def threads(binary, tmp):
    files = []
    for t in (1, 2):
        h5 = os.path.join(tmp, f"t{t}.h5")
        run(binary, "run", SCENARIO, "-n", "2000", "-t", str(t), "-o", h5, "--quiet", "--force")
        out = os.path.join(tmp, f"t{t}.csv")
        run(binary, "sensitivity", h5, "-t", str(t), "--csv", out, "--quiet")
        files.append((h5, out))
    same = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "h5_same.py"),
                           files[0][0], files[1][0]], capture_output=True, text=True)
    check(same.returncode == 0, "1 and 2 threads: identical result files, /draws and /layers "
                                "included")
    with open(files[0][1]) as a, open(files[1][1]) as b:
        check(a.read() == b.read(), "1 and 2 threads: identical sensitivity CSVs")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "sendcast"))
    ap.add_argument("-n", type=int, default=10000)
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    with open(SCENARIO) as f:
        text = f.read()
    with tempfile.TemporaryDirectory() as tmp:
        dominance(binary, tmp, a.n, text)
        h5a, h5b = os.path.join(tmp, "a.h5"), os.path.join(tmp, "b.h5")
        run(binary, "run", SCENARIO, "-n", str(a.n), "-o", h5a, "--quiet", "--force")
        run(binary, "run", SCENARIO, "-n", str(a.n), "-s", "20240710", "-o", h5b, "--quiet",
            "--force")
        layers(binary, tmp, a.n, text, h5a)
        budgets(binary, tmp, a.n, h5a, h5b)
        threads(binary, tmp)
    print(f"sensitivity check: {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
