#!/usr/bin/python3
"""model_check.py — an independent statistical check of the sendcast engine.

This script reads a scenario YAML by itself (docs/scenario.md), simulates the
generative model of MODEL.md sections 3.1-3.3 with numpy (vectorised over
trajectories), runs the engine on the same scenario, and compares the two
independent Monte Carlo samples of the same distribution:

  * means of every district metric both sides compute, every year, and of the
    cluster / area metrics (requests, new_plans, topup_spend, budget_gap,
    contingency_used, ...): |m_e - m_py| <= Z sqrt(mcse_e^2 + mcse_py^2);
  * standard deviations of the district metrics (delta-method sd of a sample sd);
  * district 5th, 50th and 95th percentiles of topup_spend, hnb_spend and
    plans_total, with the asymptotic sd of a sample quantile
    sqrt(p(1-p)/n)/f(x_p) (f from order-statistic spacings, Hall-Sheather
    bandwidth) combined over both samples;
  * P(Safety Valve target met) per year within Z sqrt(p(1-p)(1/n_e + 1/n_py));
  * structure: CONTRACT.md layout (root attributes, /scenario, /axes, the
    /parameters groups, /targets/safety_valve_balance), shapes, mcse = sd/sqrt(n),
    every percentile row non-decreasing, the scenario as read by the engine
    (parameter numbers, targets, axes) equal to our own reading.

Nothing here calls into the engine except its command line; the scenario is
re-read from YAML and CSV independently.

Two models are implemented, chosen by the scenario's top-level `model:` key:
absent or 1, model v1 (docs/model-v1.md, which docs/model.md calls
docs/model-v1.md); 2, model v2 (docs/model.md sections 2-3: the parameter layer
and the year step, with v1's money unchanged). Both share one scenario reader,
one year step for the flows they have in common (diversion, issue, placement,
ceasing, escalation, step-up) and one money implementation; v2 adds only its
parameter layer, its district factors of the year, its requests and assessment
rate, and the stock's net flow. The v2 scenario syntax this check assumes is
written down at the top of the v2 code (the block "Model v2 ...: the scenario
syntax" below the constants), for the engine to match.

Run with Debian's /usr/bin/python3 (python3-numpy, python3-h5py, python3-yaml):

    tests/model_check.py [--bin build/sendcast] [--scenario FILE ...] [-n N] [--keep]
    tests/model_check.py --self-test   # numpy model only (no engine)

The default list checks both models: the Kirklees scenarios and small.yaml (v1),
small_v2.yaml and demand_v2.yaml (v2), and levers.yaml / levers_v2.yaml, which add
one lever of every kind to small.yaml and small_v2.yaml (docs/model.md, "Levers":
implemented here from that text, in the section "Levers" below).
--self-test checks the numpy model alone against hand calculations and, for v2,
against closed forms (section "Self-test of model v2").
"""

import argparse
import csv
import hashlib
import math
import os
import subprocess
import sys
import tempfile
import time
import zlib
from statistics import NormalDist

import numpy as np
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Z = 4.5. Each scenario makes several hundred comparisons (district x years,
# clusters x years, quantiles, probabilities), and all of them use fixed seeds,
# so the outcome is deterministic: a false alarm would recur on every run until
# the seed changes. We therefore want the family-wise false-alarm probability
# small, not 5%. The two-sided normal tail beyond 4.5 sigma is 6.8e-6; the three
# default scenarios make about 3,400 comparisons of random cells (constant cells
# are compared exactly and cannot raise a false alarm), so the chance of any
# false alarm is at most about 2% (Bonferroni bound, printed at the end of each
# run; the comparisons are strongly positively correlated, so the real rate is
# lower; the two model v2 scenarios that --v2 adds make about 950 more, 3% in
# all), while a bias of about 1% in district requests, or a step done in the
# wrong order (step-up drawn band after band, post-16 drawn before escalation,
# ceasing applied to escalated plans, spend on closing instead of average stock),
# is still detected at n = 20,000.
Z = 4.5
TAIL = 2.0 * (1.0 - NormalDist().cdf(Z))

PLACEMENTS = ["mainstream", "arp", "special", "independent", "post16", "other"]
OTHERS = PLACEMENTS[1:]
PARAMS = ["conversion", "dispersion", "damping", "p_assess", "p_issue", "placement_mix",
          "band_mix", "cease_mainstream", "cease_arp", "cease_special", "cease_independent",
          "cease_post16", "cease_other", "step_up", "escalation", "post16_transfer",
          "cluster_effect", "heterogeneity_cv", "inflation", "send_support_drift"]
# Defaults of docs/scenario.md for parameters that may be left out.
PARAM_DEFAULTS = {"dispersion": ("poisson",), "damping": ("fixed", 1.0),
                  "cluster_effect": ("fixed", 0.0), "heterogeneity_cv": ("fixed", 0.0),
                  "send_support_drift": ("fixed", 0.0)}

# ---------------------------------------------------------------------------
# Model v2 (docs/model.md 2-3): the scenario syntax this check assumes
# ---------------------------------------------------------------------------
#
#   model: 2                      # top level; absent or 1: model v1, unchanged
#   parameters:
#     conversion: {dist: bivariate_normal, mean: [l0, b0], cov: [[..,..],[..,..]]}
#                                 # (level l0 = log requests per SEND-support pupil in
#                                 #  the base year, trend deviation b0); or fixed [l0, b0]
#     national_trend: {dist: normal, mean: 0.116, sd: 0.042}          # beta
#     national_shock: {dist: scaled_inv_chi2, nu: 9, s2: 0.0107}      # sigma_delta^2,
#                                 #  a VARIANCE: draw = nu s2 / X, X ~ chi2(nu)
#     damping: {dist: beta, mean: 0.3, sd: 0.12}                      # phi
#     shock_sd: {dist: fixed, value: 0.123}                           # sigma (an sd)
#     shock_persistence: {dist: beta, mean: 0.85, sd: 0.08}           # pi
#     p_assess: {dist: beta, mean: .., sd: ..}    # the council's level of the rate
#     p_issue: {dist: beta, mean: .., sd: ..}
#     assess_deviation: {dist: normal, mean: 0.0, sd: 0.1}            # u_0
#     assess_persistence: {dist: fixed, value: 0.27}                  # rho_u
#     assess_sd: {dist: fixed, value: 0.166}      # sigma_u, the STATIONARY sd of u
#     national_assess_sd: {dist: fixed, value: 0.089}                 # sigma_psi
#     assess_response: {dist: fixed, value: 0.30}                     # kappa
#     net_transfer: {dist: normal, mean: 0.02, sd: 0.01}              # tau-bar
#     transfer_persistence: {dist: fixed, value: 0.0}                 # rho_w
#     transfer_sd: {dist: fixed, value: 0.033}    # sigma_w, the STATIONARY sd of w
#     national_transfer_sd: {dist: fixed, value: 0.015}               # sigma_chi
#     # and v1's placement_mix, band_mix, cease_<placement>, step_up, escalation,
#     # post16_transfer, cluster_effect, heterogeneity_cv, inflation,
#     # send_support_drift, unchanged. v1's `dispersion` is refused under model 2.
#
# Any one-number parameter may take any of v1's one-number forms (a plain number,
# fixed, normal, beta, gamma) or the new `scaled_inv_chi2` (keys `nu`, `s2`, both
# > 0); its draws must lie in the domain below, so the check refuses a
# distribution whose support leaves it (a normal for a probability, say). The
# result file's /parameters/<name> groups are named as these keys;
# scaled_inv_chi2 keeps its numbers as datasets `nu` and `s2`.
#
# docs/model.md names no defaults for v2. This check requires every parameter that
# v1 requires plus the five of the request level (conversion .. shock_persistence);
# the others, when left out, switch their mechanism off (damping 1 as in v1, every
# other v2 number 0), which is what a scenario written before v2 would mean.
PARAMS_V2 = ["conversion", "national_trend", "national_shock", "damping", "shock_sd",
             "shock_persistence", "p_assess", "p_issue", "assess_deviation",
             "assess_persistence", "assess_sd", "national_assess_sd", "assess_response",
             "placement_mix", "band_mix", "cease_mainstream", "cease_arp", "cease_special",
             "cease_independent", "cease_post16", "cease_other", "net_transfer",
             "transfer_persistence", "transfer_sd", "national_transfer_sd", "step_up",
             "escalation", "post16_transfer", "cluster_effect", "heterogeneity_cv",
             "inflation", "send_support_drift"]
PARAM_DEFAULTS_V2 = dict({k: v for k, v in PARAM_DEFAULTS.items() if k != "dispersion"},
                         **{k: ("fixed", 0.0) for k in [
                             "assess_deviation", "assess_persistence", "assess_sd",
                             "national_assess_sd", "assess_response", "net_transfer",
                             "transfer_persistence", "transfer_sd", "national_transfer_sd"]})
# Domains of v2's one-number parameters (closed intervals; docs/model.md gives
# none): variances and sds >= 0, shares and probabilities in [0, 1], damping in
# (0, 1] as v1, AR(1) coefficients in [-1, 1] (sqrt(1 - rho^2) must be real).
# Parameters not listed (national_trend, assess_deviation, assess_response,
# net_transfer and v1's) take any real draw here, as v1's reading did.
INF = float("inf")
DOMAINS_V2 = {"national_shock": (0.0, INF), "damping": (0.0, 1.0), "shock_sd": (0.0, INF),
              "shock_persistence": (0.0, 1.0), "p_assess": (0.0, 1.0), "p_issue": (0.0, 1.0),
              "assess_persistence": (-1.0, 1.0), "assess_sd": (0.0, INF),
              "national_assess_sd": (0.0, INF), "transfer_persistence": (-1.0, 1.0),
              "transfer_sd": (0.0, INF), "national_transfer_sd": (0.0, INF)}
DEFAULT_PERCENTILES = [5, 10, 25, 50, 75, 90, 95]
DEFAULT_SCENARIOS = ["scenarios/kirklees-clusters-v1.yaml", "scenarios/kirklees-no-change-v1.yaml",
                     "tests/data/model_check/small.yaml", "tests/data/model_check/small_v2.yaml",
                     "tests/data/model_check/demand_v2.yaml", "scenarios/kirklees-clusters.yaml",
                     "tests/data/model_check/levers.yaml", "tests/data/model_check/levers_v2.yaml"]

# Metrics the brief requires the engine to write (CONTRACT.md plus the check's list).
REQUIRED = {
    "district": ["requests", "diverted", "assessments", "new_plans", "plans_total",
                 "plans_mainstream", "plans_arp", "plans_special", "plans_independent",
                 "plans_post16", "plans_other", "topup_spend", "early_support_spend",
                 "hnb_spend", "hnb_balance", "cumulative_deficit", "contingency_used",
                 "uncovered_overspend"],
    "cluster": ["requests", "new_plans", "topup_spend", "budget_gap"],
    "area": ["contingency_used"],
}
QUANTILE_METRICS = ["topup_spend", "hnb_spend", "plans_total"]
# v2 moves the request level every year (a random walk with a heavy-tailed national
# shock), so the shape of the request and new-plan distributions is what v2 changes
# most: their quantiles are compared as well.
QUANTILE_METRICS_V2 = QUANTILE_METRICS + ["requests", "new_plans"]
QUANTILE_PS = [5.0, 50.0, 95.0]


class ScenarioError(Exception):
    pass


# ---------------------------------------------------------------------------
# 1. Reading a scenario (docs/scenario.md), independently of the engine
# ---------------------------------------------------------------------------

class Reader:
    def __init__(self, path):
        self.path = os.path.abspath(path)
        self.dir = os.path.dirname(self.path)
        self._csv = {}
        with open(self.path, "rb") as f:
            self.raw = f.read()
        self.doc = yaml.safe_load(self.raw.decode("utf-8"))

    def csv_rows(self, rel):
        p = os.path.normpath(os.path.join(self.dir, rel))
        if p not in self._csv:
            with open(p, newline="", encoding="utf-8") as f:
                rows = [{(k or "").strip(): (v or "").strip() for k, v in r.items()}
                        for r in csv.DictReader(f)]
            self._csv[p] = rows
        return self._csv[p]

    def number(self, v, what="number"):
        """A number in any of the three forms: plain, {value: ...}, {csv, item[, year]}."""
        if isinstance(v, bool):
            raise ScenarioError(f"{what}: boolean where a number is expected")
        if isinstance(v, (int, float)):
            x = float(v)
        elif isinstance(v, str):
            x = float(v)          # PyYAML (YAML 1.1) reads 1e-3 as a string
        elif isinstance(v, dict) and "value" in v:
            return self.number(v["value"], what)
        elif isinstance(v, dict) and "csv" in v:
            rows = [r for r in self.csv_rows(v["csv"]) if r.get("item") == v["item"]]
            if "year" in v:
                rows = [r for r in rows if r.get("year", "") != "" and int(r["year"]) == int(v["year"])]
            if len(rows) != 1:
                raise ScenarioError(f"{what}: {len(rows)} rows for item {v['item']} in {v['csv']}")
            x = float(rows[0]["value"])
        else:
            raise ScenarioError(f"{what}: cannot read {v!r} as a number")
        if not math.isfinite(x):
            raise ScenarioError(f"{what}: not finite")
        return x

    def year_table(self, v, what="year table"):
        """{year: number} or {csv, item}: every row of that item with a year."""
        if v is None:
            return {}
        if isinstance(v, dict) and "csv" in v and "item" in v:
            out = {}
            for r in self.csv_rows(v["csv"]):
                if r.get("item") == v["item"] and r.get("year", "") != "":
                    out[int(r["year"])] = float(r["value"])
            return out
        if isinstance(v, dict):
            return {int(k): self.number(x, f"{what}[{k}]") for k, x in v.items()}
        raise ScenarioError(f"{what}: expected a mapping year -> number or a csv reference")

    def units(self, spec):
        """Areas or clusters: a list of mappings, or {csv, columns}."""
        if isinstance(spec, list):
            return [dict(x) for x in spec]
        rows = self.csv_rows(spec["csv"])
        cols = spec["columns"]
        out = []
        for r in rows:
            u = {}
            for key, col in cols.items():
                if isinstance(col, list):
                    u[key] = [r[c] for c in col]
                else:
                    u[key] = r[col]
            out.append(u)
        return out


def largest_remainder(total, weights):
    """Whole shares of `total` in proportion to integer weights; ties by order."""
    total = int(total)
    weights = [int(w) for w in weights]
    W = sum(weights)
    if W == 0:
        raise ScenarioError("cannot share a placement stock: no mainstream plans")
    base = [total * w // W for w in weights]
    rem = [total * w % W for w in weights]
    left = total - sum(base)
    order = sorted(range(len(weights)), key=lambda i: (-rem[i], i))
    for i in order[:left]:
        base[i] += 1
    return base


def read_param(rd, name, v, B):
    """One parameter of MODEL.md 3.1 as a tuple (kind, numbers...)."""
    if v is None:
        if name in PARAM_DEFAULTS:
            return PARAM_DEFAULTS[name]
        raise ScenarioError(f"parameters.{name}: required")
    if not isinstance(v, dict):
        if isinstance(v, list):
            return ("fixed", np.array([rd.number(x) for x in v]))
        return ("fixed", rd.number(v, name))
    if "dist" not in v:            # {value: ..., status: ...}
        return ("fixed", rd.number(v, name))
    d = v["dist"]
    num = lambda k: rd.number(v[k], f"parameters.{name}.{k}")
    if d == "fixed":
        val = v["value"]
        if isinstance(val, list):
            return ("fixed", np.array([rd.number(x) for x in val]))
        if isinstance(val, dict) and set(val) <= set(PLACEMENTS) and len(val) == 6:
            return ("fixed", np.array([rd.number(val[p]) for p in PLACEMENTS]))
        return ("fixed", num("value"))
    if d == "beta":
        if "a" in v:
            return ("beta", num("a"), num("b"))
        m, s = num("mean"), num("sd")
        if not (0 < m < 1) or s <= 0 or s * s >= m * (1 - m):
            raise ScenarioError(f"parameters.{name}: no Beta has mean {m} and sd {s}")
        n = m * (1 - m) / (s * s) - 1
        return ("beta", m * n, (1 - m) * n)
    if d == "normal":
        return ("normal", num("mean"), num("sd"))
    if d == "uniform":              # levers only (docs/scenario.md, "Levers")
        return ("uniform", num("min"), num("max"))
    if d == "gamma":
        if "shape" in v:
            return ("gamma", num("shape"), num("scale"))
        m, s = num("mean"), num("sd")
        return ("gamma", (m / s) ** 2, s * s / m)
    if d == "dirichlet":
        a = v["alpha"]
        if isinstance(a, dict):
            a = [a[p] for p in PLACEMENTS]
        return ("dirichlet", np.array([rd.number(x) for x in a]))
    if d == "bivariate_normal":
        mean = np.array([rd.number(x) for x in v["mean"]])
        cov = np.array([[rd.number(x) for x in row] for row in v["cov"]])
        return ("bvn", mean, cov)
    if d == "poisson":
        return ("poisson",)
    if d == "scaled_inv_chi2":
        # Model v2's national shock variance: nu s2 / X, X ~ chi2(nu) (docs/model.md 2).
        nu, s2 = num("nu"), num("s2")
        if nu <= 0 or s2 <= 0:
            raise ScenarioError(f"parameters.{name}: scaled_inv_chi2 needs nu > 0 and s2 > 0")
        return ("sichi2", nu, s2)
    if d == "fit":
        # Fitted from history by the engine (MODEL.md 5, checked by tests/test_fit.c
        # against tests/fit_check.py); this check of MODEL.md 3 takes the fitted
        # distribution from the engine's result file: see take_fitted().
        return ("fit",)
    raise ScenarioError(f"parameters.{name}: distribution {d!r} not supported by the check")


def check_support_v2(name, spec):
    """Refuse a v2 parameter whose distribution can draw outside its domain
    (DOMAINS_V2): the year step would otherwise take the square root of a negative
    number or a probability above 1 with no rule for it in docs/model.md."""
    if name not in DOMAINS_V2 or spec[0] == "fit":
        return
    lo, hi = DOMAINS_V2[name]
    kind = spec[0]
    if kind == "fixed":
        sup = (float(spec[1]), float(spec[1]))
    elif kind == "normal":
        sup = (spec[1], spec[1]) if spec[2] == 0 else (-INF, INF)
    elif kind == "beta":
        sup = (0.0, 1.0)
    elif kind in ("gamma", "sichi2"):
        sup = (0.0, INF)
    else:
        raise ScenarioError(f"parameters.{name}: a one-number parameter, not {kind}")
    if sup[0] < lo or sup[1] > hi:
        raise ScenarioError(f"parameters.{name}: draws must lie in [{lo}, {hi}], "
                            f"a {kind} can give {sup}")


def load_scenario(path):
    rd = Reader(path)
    y = rd.doc
    sc = {"path": rd.path, "raw": rd.raw, "name": y["name"]}
    Y0 = int(y["base_year"])
    H = int(y["horizon"])
    sc["base_year"], sc["H"] = Y0, H
    sc["percentiles"] = [float(p) for p in y.get("percentiles", DEFAULT_PERCENTILES)]

    # Areas and clusters.
    areas = rd.units(y["areas"])
    sc["areas"] = [str(a["id"]) for a in areas]
    aidx = {a: i for i, a in enumerate(sc["areas"])}
    cl = rd.units(y["clusters"])
    C = len(cl)
    B = len(y["bands"]["topup"])
    sc["topup"] = np.array([rd.number(x, "bands.topup") for x in y["bands"]["topup"]])
    pop = y["population"]
    g_pop = rd.number(pop["pupil_growth"], "population.pupil_growth")
    ss_default = rd.number(pop["send_support_share"]) if "send_support_share" in pop else None
    sc["clusters"] = [str(c["id"]) for c in cl]
    sc["area_of"] = np.array([aidx[str(c["area"])] for c in cl])
    sc["N0"] = np.array([rd.number(c["pupils"]) for c in cl])
    sc["w"] = np.array([rd.number(c["need_index"]) for c in cl])
    sc["s"] = np.array([rd.number(c["send_support_share"]) if c.get("send_support_share") not in (None, "")
                        else ss_default for c in cl], dtype=float)
    bands0 = np.array([[int(round(rd.number(x))) for x in c["bands"]] for c in cl], dtype=np.int64)
    if bands0.shape != (C, B):
        raise ScenarioError("a cluster does not give exactly B band counts")
    sc["bands0"] = bands0
    sc["g_pop"] = g_pop

    # Other placements: unit costs, stock per cluster (own, else shared by largest remainder).
    pl = y["placements"]
    sc["unit_cost"] = np.array([rd.number(pl[p]["unit_cost"], f"placements.{p}.unit_cost") for p in OTHERS])
    other0 = np.zeros((C, 5), dtype=np.int64)
    mainstream = bands0.sum(axis=1)
    for j, p in enumerate(OTHERS):
        own = [c.get(p) not in (None, "") for c in cl]
        if all(own):
            other0[:, j] = [int(round(rd.number(c[p]))) for c in cl]
        elif not any(own):
            total = int(round(rd.number(pl[p]["stock"], f"placements.{p}.stock")))
            other0[:, j] = largest_remainder(total, mainstream)
        else:
            # docs/scenario.md does not say how the rest is shared; the check refuses to guess.
            raise ScenarioError(f"placements.{p}: some clusters give their own stock, others not")
    sc["other0"] = other0

    # Parameters: model v1's list, or v2's (docs/model.md 2).
    model = y.get("model", 1)
    if isinstance(model, bool) or model not in (1, 2):
        raise ScenarioError(f"model: {model!r}, expected 1 or 2")
    sc["model"] = model
    P = y["parameters"]
    if model == 1:
        sc["params"] = {name: read_param(rd, name, P.get(name), B) for name in PARAMS}
    else:
        unknown = sorted(set(P) - set(PARAMS_V2))
        if unknown:
            # `dispersion` above all: v2's dispersion is the transient share of the
            # yearly shock (shock_persistence), not a parameter of its own.
            raise ScenarioError(f"parameters: {', '.join(unknown)} not model 2 parameter(s)")
        sc["params"] = {}
        for name in PARAMS_V2:
            v = P.get(name)
            sc["params"][name] = (PARAM_DEFAULTS_V2[name] if v is None and name in PARAM_DEFAULTS_V2
                                  else read_param(rd, name, v, B))
            check_support_v2(name, sc["params"][name])

    # Years: index t = 0..H, label Y0 + t.
    years = [Y0 + t for t in range(H + 1)]

    # The `targets:` section (docs/scenario.md, "Targets"): each target's [H+1]
    # values by year (NaN: none) and whether it is met at most or at least.
    sc["xtargets"] = []
    for tname, spec in (y.get("targets") or {}).items():
        at_least = "at_least" in spec
        tab = rd.year_table(spec["at_least" if at_least else "at_most"], f"targets.{tname}")
        sc["xtargets"].append((str(tname), str(spec["metric"]), at_least,
                               np.array([tab.get(yr, np.nan) for yr in years], dtype=float)))

    def by_year(tab, missing):
        return np.array([tab.get(yr, missing) for yr in years], dtype=float)

    cw = y["cluster_working"]
    ramp_tab = rd.year_table(cw.get("ramp", {}), "cluster_working.ramp")
    ramp = np.zeros(H + 1)
    if ramp_tab:
        ks = sorted(ramp_tab)
        for t, yr in enumerate(years):
            if yr < ks[0]:
                ramp[t] = 0.0
            elif yr in ramp_tab:
                ramp[t] = ramp_tab[yr]
            elif yr > ks[-1]:
                ramp[t] = ramp_tab[ks[-1]]
            else:
                raise ScenarioError(f"cluster_working.ramp: no value for {yr} between given years")
    sc["ramp"] = ramp
    sc["levers"] = read_levers(rd, y.get("levers") or {}, Y0, H, B)

    # Early-support allowance: own, else early_support_total shared by pupils.
    es_total = rd.number(cw["early_support_total"]) if "early_support_total" in cw else 0.0
    own_es = [c.get("early_support") not in (None, "") for c in cl]
    if any(own_es) and not all(own_es):
        raise ScenarioError("early_support given for some clusters only: sharing rule not fixed by docs")
    if all(own_es) and C > 0:
        allow = np.array([rd.number(c["early_support"]) for c in cl])
    else:
        allow = es_total * sc["N0"] / sc["N0"].sum()
    sc["allowance"] = allow

    # Budgets (nominal), t = 0..H: part by total / uplift / table + allowance x r_t.
    base_topup = bands0 @ sc["topup"]                      # [C] base-year top-up spend
    sc["base_topup"] = base_topup
    bud = cw["budgets"]
    part = np.full((H + 1, C), np.nan)
    if "total" in bud:
        tv = bud["total"]
        if isinstance(tv, dict) and ("csv" in tv or (tv and all(isinstance(k, int) for k in tv))):
            tot = rd.year_table(tv, "budgets.total")
        else:
            tot = {yr: rd.number(tv, "budgets.total") for yr in years}
        share = base_topup / base_topup.sum()
        for t, yr in enumerate(years):
            if yr in tot:
                part[t] = tot[yr] * share
    elif "uplift" in bud:
        u = rd.number(bud["uplift"], "budgets.uplift")
        for t in range(H + 1):
            part[t] = base_topup * (1 + u) ** t
    elif "table" in bud:
        rows = rd.csv_rows(bud["table"]["csv"])
        cix = {c: i for i, c in enumerate(sc["clusters"])}
        for r in rows:
            yr = int(r["year"])
            if Y0 <= yr <= Y0 + H:
                part[yr - Y0, cix[r["cluster"]]] = float(r["budget"])
    else:
        raise ScenarioError("cluster_working.budgets: one of total, uplift, table")
    if np.isnan(part[1:]).any():
        raise ScenarioError("cluster budgets: a simulated year without a budget")
    sc["budget"] = part + allow[None, :] * ramp[:, None]              # [H+1, C]
    kshare = rd.number(cw.get("contingency_share", 0.0))
    K = np.zeros((H + 1, len(sc["areas"])))
    for c in range(C):
        K[:, sc["area_of"][c]] += kshare * sc["budget"][:, c]
    sc["contingency"] = K

    # Finance.
    fin = y["finance"]
    sc["F0"] = rd.number(fin["fixed_lines"], "finance.fixed_lines")
    sc["Def0"] = rd.number(fin["opening_deficit"], "finance.opening_deficit")
    gr = fin["grant"]
    gtab = rd.year_table(gr["table"], "finance.grant.table")
    growth = rd.number(gr["growth"]) if "growth" in gr else 0.0
    if Y0 not in gtab:
        raise ScenarioError("finance.grant.table must include the base year")
    grant = np.zeros(H + 1)
    last = max(k for k in gtab if k <= Y0 + H) if any(k <= Y0 + H for k in gtab) else Y0
    for t, yr in enumerate(years):
        if yr in gtab:
            grant[t] = gtab[yr]
        elif yr > last:
            grant[t] = gtab[last] * (1 + growth) ** (yr - last)
        else:
            raise ScenarioError(f"finance.grant: no grant for {yr} inside the table")
    sc["grant"] = grant
    sc["transfers"] = by_year(rd.year_table(fin.get("transfers"), "finance.transfers"), 0.0)
    sv = fin.get("safety_valve") or {}        # may be left out (docs/scenario.md)
    sc["sv"] = by_year(rd.year_table(sv.get("payments"), "safety_valve.payments"), 0.0)
    sc["target"] = by_year(rd.year_table(sv.get("targets"), "safety_valve.targets"), np.nan)
    sc["conditional"] = bool(sv.get("conditional", False))
    if sc["conditional"] and not np.isnan(sc["target"][0]):
        # Year 1's payment would depend on the base year's balance, which the model
        # does not simulate; the check cannot reproduce that reading.
        raise ScenarioError("conditional payments with a base-year target: not covered by the check")
    return sc


# ---------------------------------------------------------------------------
# Levers (docs/model.md, "Levers"; docs/scenario.md, "Levers")
# ---------------------------------------------------------------------------
#
# A lever changes one number of the year step from its start year t0, by its
# effect e (drawn once a trajectory) times its ramp r_t (0 before t0):
#   requests          D_k ~ Binomial(R0 - D_before, e r_t) more requests averted,
#                     after cluster working's own diversion, lever by lever;
#   assessment, issue, ceasing (a setting or all), escalation, post16_transfer,
#   step_up           the rate x (1 + e r_t), capped at 1 (model 2: p_assess,t);
#   placement_mix     X ~ Binomial(new `from` plans, e r_t) placed in `to` instead,
#                     before the band draw of new mainstream plans;
#   unit_cost, topup  the cost x (1 + e r_t);
#   capacity          after every cluster's step: the capped setting holds at most
#                     floor(places_t (1 + e)); its year's entrants (new plans and
#                     moves into it) beyond that go to `overflow`, which clusters'
#                     by a multivariate hypergeometric draw over the clusters.
# Shares (requests, placement_mix) are clipped to [0, 1], changes to >= -1.

LEVER_RATES = ("assessment", "issue", "ceasing", "escalation", "post16_transfer", "step_up")


def read_levers(rd, spec, Y0, H, B):
    out = []
    for name, v in spec.items():
        on = v["changes"]
        t0 = int(v["start"]) - Y0
        if not 1 <= t0 <= H:
            raise ScenarioError(f"levers.{name}.start: outside the simulated years")
        ramp = np.zeros(H + 1)
        rv = v.get("ramp")
        if on == "capacity" or rv is None:
            ramp[t0:] = 1.0
        elif isinstance(rv, (int, float)) and not isinstance(rv, bool):
            for t in range(t0, H + 1):
                ramp[t] = min(1.0, (t - t0 + 1) / float(rv))
        else:
            tab = rd.year_table(rv, f"levers.{name}.ramp")
            last = 0.0
            for t in range(H + 1):
                last = tab.get(Y0 + t, last)
                ramp[t] = last if t >= t0 else 0.0
        places = np.full(H + 1, np.nan)
        if on == "capacity":
            pv = v["places"]
            if isinstance(pv, dict) and "csv" not in pv and "value" not in pv:
                tab = rd.year_table(pv, f"levers.{name}.places")
            else:
                tab = {Y0 + t0: rd.number(pv)}
            last = np.nan
            for t in range(t0, H + 1):
                last = tab.get(Y0 + t, last)
                places[t] = last
        eff = read_param(rd, f"levers.{name}.effect", v["effect"], B) if "effect" in v \
            else ("fixed", 0.0)
        share = on in ("requests", "placement_mix")
        bands = np.ones(B, dtype=bool)
        if on == "topup" and "bands" in v:
            bands[:] = False
            bands[[int(b) - 1 for b in v["bands"]]] = True
        setting = v.get("setting", v.get("from"))
        out.append(dict(name=name, on=on, t0=t0, ramp=ramp, places=places, effect=eff,
                        lo=0.0 if share else -1.0, hi=1.0 if share else INF,
                        setting=setting if setting != "all" else None,
                        to=v.get("to", v.get("overflow")), bands=bands))
    return out


def lever_multipliers(levers, eff, t, n, B):
    """The year's multipliers of the rates ([n] each; cease [n, 6]) and costs
    (unit_cost [n, 5] over OTHERS, topup [n, B])."""
    m = {k: np.ones(n) for k in LEVER_RATES if k != "ceasing"}
    m["ceasing"] = np.ones((n, 6))
    m["unit_cost"] = np.ones((n, 5))
    m["topup"] = np.ones((n, B))
    for L, e in zip(levers, eff):
        r = L["ramp"][t]
        if r <= 0 or L["on"] in ("requests", "placement_mix", "capacity"):
            continue
        f = 1.0 + e * r
        if L["on"] == "ceasing":
            cols = range(6) if L["setting"] is None else [PLACEMENTS.index(L["setting"])]
            for j in cols:
                m["ceasing"][:, j] *= f
        elif L["on"] == "unit_cost":
            m["unit_cost"][:, OTHERS.index(L["setting"])] *= f
        elif L["on"] == "topup":
            m["topup"][:, L["bands"]] *= f[:, None]
        else:
            m[L["on"]] *= f
    return m


def capacity_caps(rng, levers, eff, t, oth, ent):
    """The capacity levers of year t on the other placements' stock oth [n, C, 5],
    with the year's entrants ent [n, C, 5]; both changed in place."""
    for L, e in zip(levers, eff):
        if L["on"] != "capacity" or t < L["t0"] or np.isnan(L["places"][t]):
            continue
        j, jo = OTHERS.index(L["setting"]), OTHERS.index(L["to"])
        cap = np.floor(L["places"][t] * (1.0 + e))
        S = oth[..., j].sum(1)
        E = ent[..., j].sum(1)
        move = np.minimum(np.maximum(S - cap, 0), E).astype(np.int64)
        for i in np.nonzero(move > 0)[0]:
            x = rng.multivariate_hypergeometric(ent[i, :, j], int(move[i]))
            oth[i, :, j] -= x
            oth[i, :, jo] += x
            ent[i, :, j] -= x
            ent[i, :, jo] += x


# ---------------------------------------------------------------------------
# 2. The model of MODEL.md 3.1-3.3 in numpy
# ---------------------------------------------------------------------------

def draw(rng, spec, n, dim=None):
    kind = spec[0]
    if kind == "fixed":
        v = spec[1]
        if np.ndim(v) == 0:
            return np.full(n, float(v))
        return np.broadcast_to(np.asarray(v, float), (n, len(v))).copy()
    if kind == "beta":
        return rng.beta(spec[1], spec[2], size=n)
    if kind == "normal":
        return rng.normal(spec[1], spec[2], size=n) if spec[2] > 0 else np.full(n, spec[1])
    if kind == "uniform":
        return rng.uniform(spec[1], spec[2], size=n)
    if kind == "gamma":
        return rng.gamma(spec[1], spec[2], size=n)
    if kind == "dirichlet":
        return rng.dirichlet(spec[1], size=n)
    if kind == "bvn":
        return rng.multivariate_normal(spec[1], spec[2], size=n, method="cholesky")
    if kind == "poisson":
        return np.full(n, np.inf)
    if kind == "sichi2":
        return spec[1] * spec[2] / rng.chisquare(spec[1], size=n)
    raise ValueError(kind)


def multinomial(rng, N, p):
    """Multinomial(N, p) as a chain of conditional binomials (same joint law).
    N: int array [...]; p: array broadcastable to [..., K]. Returns [..., K]."""
    K = p.shape[-1]
    p = np.broadcast_to(p, N.shape + (K,))
    out = np.empty(N.shape + (K,), dtype=np.int64)
    rem = N.astype(np.int64).copy()
    tail = p[..., ::-1].cumsum(axis=-1)[..., ::-1]       # sum_{i>=j} p_i
    for j in range(K - 1):
        with np.errstate(divide="ignore", invalid="ignore"):
            q = np.where(tail[..., j] > 0, p[..., j] / tail[..., j], 0.0)
        x = rng.binomial(rem, np.clip(q, 0.0, 1.0))
        out[..., j] = x
        rem -= x
    out[..., K - 1] = rem
    return out


def draw_common(rng, pr, n, C, H):
    """The parameters v1 and v2 share (MODEL.md 3.1 rows 5-13; docs/model.md 2 rows 14,
    15 and 20), in v1's order. Returns a dict."""
    pi = draw(rng, pr["placement_mix"], n)                 # [n, 6]
    bmix = draw(rng, pr["band_mix"], n)                    # [n, B]
    pi = pi / pi.sum(axis=1, keepdims=True)
    bmix = bmix / bmix.sum(axis=1, keepdims=True)
    cease = np.stack([draw(rng, pr["cease_" + p], n) for p in PLACEMENTS], axis=1)   # [n, 6]
    p_up = draw(rng, pr["step_up"], n)
    p_esc = draw(rng, pr["escalation"], n)
    p_16 = draw(rng, pr["post16_transfer"], n)
    E = draw(rng, pr["cluster_effect"], n)
    cv = draw(rng, pr["heterogeneity_cv"], n)
    h = np.ones((n, C))
    pos = cv > 0
    if pos.any():
        shape = 1.0 / cv[pos] ** 2
        h[pos] = rng.gamma(shape[:, None], (cv[pos] ** 2)[:, None], size=(int(pos.sum()), C))
    Ec = np.minimum(E[:, None] * h, 0.95)                  # [n, C]
    infl = np.stack([draw(rng, pr["inflation"], n) for _ in range(H)], axis=1)   # [n, H]
    d = draw(rng, pr["send_support_drift"], n)
    return dict(pi=pi, bmix=bmix, cease=cease, p_up=p_up, p_esc=p_esc, p_16=p_16, Ec=Ec,
                infl=infl, d=d)


def draw_params_v2(rng, pr, n, C, H):
    """docs/model.md 2: model v2's parameter layer, once per trajectory. Returns a
    dict with v2's own numbers (l0, b0, beta, sd2_delta, phi, sigma, share, p_assess,
    p_issue, u0, rho_u, sigma_u, sigma_psi, kappa, tau_bar, rho_w, sigma_w,
    sigma_chi) and the shared ones of draw_common. The draws are independent, so
    their order here (the shared ones before net_transfer) does not change their
    joint law; the engine draws in docs/model.md's order from its own streams."""
    th = {}
    lb = draw(rng, pr["conversion"], n)                    # [n, 2]: (l0, b0)
    th["l0"], th["b0"] = lb[:, 0].copy(), lb[:, 1].copy()
    th["beta"] = draw(rng, pr["national_trend"], n)
    th["sd2_delta"] = draw(rng, pr["national_shock"], n)   # a variance
    th["phi"] = draw(rng, pr["damping"], n)
    th["sigma"] = draw(rng, pr["shock_sd"], n)
    th["share"] = draw(rng, pr["shock_persistence"], n)
    th["p_assess"] = draw(rng, pr["p_assess"], n)
    th["p_issue"] = draw(rng, pr["p_issue"], n)
    th["u0"] = draw(rng, pr["assess_deviation"], n)
    th["rho_u"] = draw(rng, pr["assess_persistence"], n)
    th["sigma_u"] = draw(rng, pr["assess_sd"], n)
    th["sigma_psi"] = draw(rng, pr["national_assess_sd"], n)
    th["kappa"] = draw(rng, pr["assess_response"], n)
    th.update(draw_common(rng, pr, n, C, H))
    th["tau_bar"] = draw(rng, pr["net_transfer"], n)
    th["rho_w"] = draw(rng, pr["transfer_persistence"], n)
    th["sigma_w"] = draw(rng, pr["transfer_sd"], n)
    th["sigma_chi"] = draw(rng, pr["national_transfer_sd"], n)
    return th


def gamma_mean1(rng, var):
    """G ~ Gamma(shape k, scale 1/k), k = 1/var (mean 1, variance var), per
    trajectory; G = 1 where var = 0 (docs/model.md 3 step 3)."""
    pos = var > 0
    k = 1.0 / np.where(pos, var, 1.0)
    return np.where(pos, rng.gamma(k, 1.0 / k), 1.0)


def net_flow(rng, cnt, tau):
    """docs/model.md 3 step 10(d) on an array of counts: n + Poisson(tau n) where
    tau >= 0, n - Binomial(n, min(1, -tau)) otherwise. tau broadcasts against cnt.
    Both draws are made for every count, one of them with a zero rate, which is 0
    without changing the law of the other."""
    pos = tau >= 0
    add = rng.poisson(np.where(pos, tau, 0.0) * cnt)
    rem = rng.binomial(cnt, np.where(pos, 0.0, np.minimum(1.0, -tau)))
    return cnt + add - rem


def simulate(sc, n, rng):
    """n trajectories of the model (v1, or v2 where the scenario says `model: 2`).
    Returns dict level -> metric -> array [n, H] (district), [n, H, A] (area),
    [n, H, C] (cluster), plus 'met' [n, H]; under v2 also 'v2': the trajectory's
    parameters and district factors of each year, for the self-test's closed forms."""
    H, C, A = sc["H"], len(sc["clusters"]), len(sc["areas"])
    B = len(sc["topup"])
    pr = sc["params"]
    v2 = sc.get("model", 1) == 2

    if not v2:
        # MODEL.md 3.1 parameters, once per trajectory.
        ab = draw(rng, pr["conversion"], n)
        alpha, beta = ab[:, 0], ab[:, 1]
        k = draw(rng, pr["dispersion"], n)
        phi = draw(rng, pr["damping"], n)
        p_assess = draw(rng, pr["p_assess"], n)
        p_issue = draw(rng, pr["p_issue"], n)
        th = draw_common(rng, pr, n, C, H)
    else:
        th = draw_params_v2(rng, pr, n, C, H)
        p_issue = th["p_issue"]
        ell, b = th["l0"].copy(), th["b0"].copy()          # l_0, b_0
        sd_delta = np.sqrt(th["sd2_delta"])
        sd_eta = th["sigma"] * np.sqrt(th["share"])         # persistent part: pi sigma^2
        var_g = (1.0 - th["share"]) * th["sigma"] ** 2       # transient part: 1/k
        G_prev = gamma_mean1(rng, var_g)                    # G_0 (step 3)
        u, w = th["u0"].copy(), np.zeros(n)                 # u_0; w_0 = 0 (step 6)
        f2 = {m: np.zeros((n, H)) for m in [
            "ell", "G", "omega", "dl", "eta", "u", "w", "pa", "tau", "mu_R0"]}
        f2["G0"] = G_prev
    pi, bmix, cease = th["pi"], th["bmix"], th["cease"]
    p_up, p_esc, p_16 = th["p_up"], th["p_esc"], th["p_16"]
    Ec, infl, d = th["Ec"], th["infl"], th["d"]
    levers = sc.get("levers", [])
    eff = [np.clip(draw(rng, L["effect"], n), L["lo"], L["hi"]) for L in levers]

    # State: stock at the end of the base year.
    mst = np.broadcast_to(sc["bands0"], (n, C, B)).astype(np.int64).copy()
    oth = np.broadcast_to(sc["other0"], (n, C, 5)).astype(np.int64).copy()
    SPEC, P16 = OTHERS.index("special"), OTHERS.index("post16")

    dist = {m: np.zeros((n, H)) for m in [
        "requests", "diverted", "assessments", "new_plans", "plans_total", "plans_mainstream",
        "plans_arp", "plans_special", "plans_independent", "plans_post16", "plans_other",
        "topup_spend", "early_support_spend", "cluster_spend", "placement_spend", "fixed_spend",
        "hnb_spend", "income", "sv_payment", "hnb_balance", "cumulative_deficit", "budget_gap",
        "contingency_used", "uncovered_overspend"]}
    clus = {m: np.zeros((n, H, C)) for m in [
        "requests", "diverted", "assessments", "new_plans", "plans_mainstream", "plans_total",
        "topup_spend", "early_support_spend", "cluster_spend", "budget", "budget_gap", "overspend"]}
    area = {m: np.zeros((n, H, A)) for m in [
        "requests", "diverted", "new_plans", "plans_mainstream", "topup_spend", "cluster_spend",
        "budget", "overspend", "contingency", "contingency_used", "uncovered_overspend"]}
    met = np.full((n, H), np.nan)
    # Area membership matrix [C, A] to sum clusters into areas.
    M = np.zeros((C, A))
    M[np.arange(C), sc["area_of"]] = 1.0

    P = np.ones(n)
    Def = np.full(n, sc["Def0"])
    gsum = np.zeros(n)
    prev_met = None
    if not v2:
        poisson = np.isinf(k)
    for t in range(1, H + 1):
        y = t - 1
        r = sc["ramp"][t]
        lm = lever_multipliers(levers, eff, t, n, B)
        P = P * (1.0 + infl[:, t - 1])
        Np = sc["N0"] * (1.0 + sc["g_pop"]) ** t           # [C]
        SS = Np[None, :] * sc["s"][None, :] * np.exp(d * t)[:, None]          # [n, C]
        if not v2:
            # MODEL.md 3.2 year step.
            gsum = 1.0 + phi * gsum                        # g_t = 1 + phi + ... + phi^(t-1)
            q0 = sc["w"][None, :] * np.exp(alpha + beta * gsum)[:, None]
            mu = SS * q0
            R0 = np.empty((n, C), dtype=np.int64)
            if poisson.any():
                R0[poisson] = rng.poisson(mu[poisson])
            if (~poisson).any():
                kk = k[~poisson][:, None]
                L = rng.gamma(kk, mu[~poisson] / kk)
                R0[~poisson] = rng.poisson(L)
            pa = np.minimum(1.0, p_assess * lm["assessment"])
        else:
            # docs/model.md 3 steps 1-6: the district's factors of the year.
            delta = sd_delta * rng.standard_normal(n)       # 1. national shock
            eta = sd_eta * rng.standard_normal(n)           #    the council's persistent shock
            dl = delta + eta
            ell = ell + th["beta"] + b + dl                 # 2. level, then trend deviation
            b = th["phi"] * b
            G = gamma_mean1(rng, var_g)                     # 3. transient multiplier
            with np.errstate(divide="ignore"):
                omega = dl + np.log(G) - np.log(G_prev)     # 4. the year's request surprise
            G_prev = G
            u = th["rho_u"] * u + th["sigma_u"] * np.sqrt(1.0 - th["rho_u"] ** 2) * rng.standard_normal(n)
            psi = th["sigma_psi"] * rng.standard_normal(n)
            with np.errstate(over="ignore"):                # 5. plans per request
                pa = np.minimum(1.0, th["p_assess"] * np.exp(u + psi - th["kappa"] * omega))
            pa = np.minimum(1.0, pa * lm["assessment"])     # a lever on assessment
            w = th["rho_w"] * w + th["sigma_w"] * np.sqrt(1.0 - th["rho_w"] ** 2) * rng.standard_normal(n)
            chi = th["sigma_chi"] * rng.standard_normal(n)
            tau = th["tau_bar"] - w - chi                   # 6. net flow
            # 8. would-be requests: Poisson with the district multiplier G_t.
            mu = SS * sc["w"][None, :] * (np.exp(ell) * G)[:, None]
            R0 = rng.poisson(mu)
            for key, val in [("ell", ell), ("G", G), ("omega", omega), ("dl", dl), ("eta", eta), ("u", u),
                             ("w", w), ("pa", pa), ("tau", tau), ("mu_R0", mu.sum(1))]:
                f2[key][:, y] = val
        D = rng.binomial(R0, Ec * r)                        # diversion, as v1
        for L, e in zip(levers, eff):                       # then the levers on requests
            if L["on"] == "requests" and L["ramp"][t] > 0:
                D = D + rng.binomial(R0 - D, (e * L["ramp"][t])[:, None])
        R = R0 - D
        Aa = rng.binomial(R, pa[:, None])
        I = rng.binomial(Aa, np.minimum(1.0, p_issue * lm["issue"])[:, None])
        newp = multinomial(rng, I, pi[:, None, :])                  # [n, C, 6]
        for L, e in zip(levers, eff):                               # placement shifts
            if L["on"] == "placement_mix" and L["ramp"][t] > 0:
                jf, jt = PLACEMENTS.index(L["setting"]), PLACEMENTS.index(L["to"])
                x = rng.binomial(newp[..., jf], (e * L["ramp"][t])[:, None])
                newp[..., jf] -= x
                newp[..., jt] += x
        newb = multinomial(rng, newp[..., 0], bmix[:, None, :])     # [n, C, B]

        cease_t = np.minimum(1.0, cease * lm["ceasing"])
        p_esc_t = np.minimum(1.0, p_esc * lm["escalation"])
        p_16_t = np.minimum(1.0, p_16 * lm["post16_transfer"])
        p_up_t = np.minimum(1.0, p_up * lm["step_up"])
        open_m, open_o = mst, oth
        m = mst - rng.binomial(mst, cease_t[:, 0][:, None, None])   # a. ceasing
        o = oth - rng.binomial(oth, cease_t[:, 1:][:, None, :])
        esc = rng.binomial(m, p_esc_t[:, None, None])               # b. escalation
        m = m - esc
        v = rng.binomial(m, p_16_t[:, None, None])                  #    then post-16
        m = m - v
        if B > 1:                                                   # c. step-up
            up = rng.binomial(m[..., :B - 1], p_up_t[:, None, None])
            m = m.copy()
            m[..., :B - 1] -= up
            m[..., 1:] += up
        o = o.copy()
        o[..., SPEC] += esc.sum(axis=-1)
        o[..., P16] += v.sum(axis=-1)
        if v2:
            # d. net flow (docs/model.md 3 step 10): every mainstream band count and
            # every other placement's count, per cluster, after a-c (so escalated and
            # post-16 moves are in the count they moved to). The mainstream placement
            # count is the sum of its bands and is not drawn again.
            m = net_flow(rng, m, tau[:, None, None])
            o = net_flow(rng, o, tau[:, None, None])
        mst = m + newb                                              # 9. stock end of t
        oth = o + newp[..., 1:]
        if any(L["on"] == "capacity" for L in levers):              # capacity caps
            ent = newp[..., 1:].copy()
            ent[..., SPEC] += esc.sum(axis=-1)
            ent[..., P16] += v.sum(axis=-1)
            capacity_caps(rng, levers, eff, t, oth, ent)

        # 3.3 money (tariffs and unit costs x the year's lever multipliers).
        topup_c = ((0.5 * (open_m + mst)) * (sc["topup"][None, :] * lm["topup"])[:, None, :]).sum(-1) \
            * P[:, None]                                                        # [n, C]
        place_c = ((0.5 * (open_o + oth)) * (sc["unit_cost"][None, :] * lm["unit_cost"])[:, None, :]).sum(-1) \
            * P[:, None]                                                        # [n, C]
        es_c = sc["allowance"][None, :] * r * P[:, None]
        spend_c = topup_c + es_c
        bud_c = np.broadcast_to(sc["budget"][t], (n, C))
        gap_c = spend_c - bud_c
        O_c = np.maximum(0.0, gap_c)
        O_a = O_c @ M
        K_a = np.broadcast_to(sc["contingency"][t], (n, A))
        used_a = np.minimum(K_a, O_a)
        unc_a = O_a - used_a
        F = sc["F0"] * P
        T = spend_c.sum(axis=1) + place_c.sum(axis=1) + F
        if sc["conditional"]:
            if t == 1 or np.isnan(sc["target"][t - 1]):
                paid = np.ones(n)       # no target the year before: paid (docs/scenario.md)
            else:
                paid = prev_met
        else:
            paid = np.ones(n)
        V = sc["sv"][t] * paid
        income = sc["grant"][t] + sc["transfers"][t]
        Bal = income + V - T
        Def = Def - Bal
        if not np.isnan(sc["target"][t]):
            mt = (Bal >= sc["target"][t]).astype(float)
            met[:, y] = mt
            prev_met = mt
        else:
            prev_met = None

        # Records.
        dist["requests"][:, y] = R.sum(1)
        dist["diverted"][:, y] = D.sum(1)
        dist["assessments"][:, y] = Aa.sum(1)
        dist["new_plans"][:, y] = I.sum(1)
        pm = mst.sum(axis=-1)                                       # [n, C]
        dist["plans_mainstream"][:, y] = pm.sum(1)
        for j, p in enumerate(OTHERS):
            dist["plans_" + p][:, y] = oth[..., j].sum(1)
        ptot_c = pm + oth.sum(axis=-1)
        dist["plans_total"][:, y] = ptot_c.sum(1)
        dist["topup_spend"][:, y] = topup_c.sum(1)
        dist["early_support_spend"][:, y] = es_c.sum(1)
        dist["cluster_spend"][:, y] = spend_c.sum(1)
        dist["placement_spend"][:, y] = place_c.sum(1)
        dist["fixed_spend"][:, y] = F
        dist["hnb_spend"][:, y] = T
        dist["income"][:, y] = income
        dist["sv_payment"][:, y] = V
        dist["hnb_balance"][:, y] = Bal
        dist["cumulative_deficit"][:, y] = Def
        dist["budget_gap"][:, y] = gap_c.sum(1)
        dist["contingency_used"][:, y] = used_a.sum(1)
        dist["uncovered_overspend"][:, y] = unc_a.sum(1)

        clus["requests"][:, y] = R
        clus["diverted"][:, y] = D
        clus["assessments"][:, y] = Aa
        clus["new_plans"][:, y] = I
        clus["plans_mainstream"][:, y] = pm
        clus["plans_total"][:, y] = ptot_c
        clus["topup_spend"][:, y] = topup_c
        clus["early_support_spend"][:, y] = es_c
        clus["cluster_spend"][:, y] = spend_c
        clus["budget"][:, y] = bud_c
        clus["budget_gap"][:, y] = gap_c
        clus["overspend"][:, y] = O_c

        area["requests"][:, y] = R @ M
        area["diverted"][:, y] = D @ M
        area["new_plans"][:, y] = I @ M
        area["plans_mainstream"][:, y] = pm @ M
        area["topup_spend"][:, y] = topup_c @ M
        area["cluster_spend"][:, y] = spend_c @ M
        area["budget"][:, y] = bud_c @ M
        area["overspend"][:, y] = O_a
        area["contingency"][:, y] = K_a
        area["contingency_used"][:, y] = used_a
        area["uncovered_overspend"][:, y] = unc_a
    out = {"district": dist, "area": area, "cluster": clus, "met": met}
    if v2:
        out["v2"] = dict(f2, theta=th)
    return out


# ---------------------------------------------------------------------------
# 3. Comparison with the engine
# ---------------------------------------------------------------------------

def hall_sheather(n, p):
    """Bandwidth (in probability) for the spacing estimate of 1/f at quantile p."""
    nd = NormalDist()
    x = nd.inv_cdf(p)
    za = nd.inv_cdf(0.975)
    h = n ** (-1 / 3) * za ** (2 / 3) * (1.5 * nd.pdf(x) ** 2 / (2 * x * x + 1)) ** (1 / 3)
    return min(h, p * 0.9, (1 - p) * 0.9)


def quantile_sd_unit(x, p):
    """sqrt(p(1-p))/f(x_p): the sd of a sample quantile times sqrt(n), f from the
    spacing of order statistics around x_p (Siddiqui / Hall-Sheather)."""
    n = len(x)
    h = hall_sheather(n, p)
    lo, hi = np.percentile(x, [100 * (p - h), 100 * (p + h)])
    inv_f = (hi - lo) / (2 * h)
    return math.sqrt(p * (1 - p)) * inv_f


class Tally:
    def __init__(self):
        self.rows = []          # (group, where, z, ok, detail)
        self.failures = []

    def add(self, group, where, z, ok, detail=""):
        self.rows.append((group, where, z, ok, detail))
        if not ok:
            self.failures.append((group, where, z, detail))

    def fail(self, group, where, detail):
        self.add(group, where, float("inf"), False, detail)


class Z_(float):
    """A |z| that remembers whether the cell was a constant (compared exactly)."""
    constant = False


def zscore(diff, se, scale):
    tiny = 1e-9 * max(1.0, abs(scale))
    if se > tiny:
        return Z_(abs(diff) / se)
    # A constant cell (its sd is rounding noise on either side): equal up to rounding.
    z = Z_(0.0 if abs(diff) <= tiny else float("inf"))
    z.constant = True
    return z


def compare_means(tally, level, metric, eng, mine, units, years):
    """eng: h5 group of the metric; mine: array [n, H] or [n, H, U]."""
    n = mine.shape[0]
    m_py = mine.mean(axis=0)
    se_py = mine.std(axis=0, ddof=1) / math.sqrt(n)
    m_e = np.asarray(eng["mean"][()])
    se_e = np.asarray(eng["mcse"][()])
    if m_e.shape != m_py.shape:
        tally.fail("structure", f"{level}/{metric}/mean", f"shape {m_e.shape}, expected {m_py.shape}")
        return
    it = np.ndindex(m_py.shape)
    for idx in it:
        diff = m_e[idx] - m_py[idx]
        se = math.sqrt(se_e[idx] ** 2 + se_py[idx] ** 2)
        z = zscore(diff, se, m_py[idx])
        where = f"{level}/{metric} {years[idx[0]]}" + (f" {units[idx[1]]}" if len(idx) > 1 else "")
        tally.add(f"mean:{level}", where, z, z <= Z,
                  f"engine {m_e[idx]:.6g} +- {se_e[idx]:.3g}, numpy {m_py[idx]:.6g} +- {se_py[idx]:.3g}")


def compare_sd(tally, level, metric, eng, mine, n_e, years):
    """Sample sd: var(s) ~ (kurtosis - 1) sigma^2 / (4n), kurtosis from our sample."""
    n = mine.shape[0]
    s_py = mine.std(axis=0, ddof=1)
    s_e = np.asarray(eng["sd"][()])
    c = mine - mine.mean(axis=0)
    m2 = (c ** 2).mean(axis=0)
    m4 = (c ** 4).mean(axis=0)
    mean = mine.mean(axis=0)
    for y in range(mine.shape[1]):
        x = mine[:, y]
        _, counts = np.unique(x, return_counts=True)
        if counts.max() > 0.1 * n:
            # Mostly one value (e.g. contingency used = the cap in nearly every
            # trajectory, or a constant): the sd then rests on a handful of rare
            # trajectories and the delta method does not hold. The mean comparison
            # still covers the cell (a constant exactly).
            continue
        if m2[y] > 0:
            kurt = m4[y] / m2[y] ** 2
            se = math.sqrt(max(kurt - 1, 0.0) * m2[y] / 4 * (1 / n_e + 1 / n))
        else:
            se = 0.0
        z = zscore(s_e[y] - s_py[y], se, max(abs(mean[y]), s_py[y]))
        tally.add("sd:district", f"district/{metric} {years[y]}", z, z <= Z,
                  f"engine sd {s_e[y]:.6g}, numpy sd {s_py[y]:.6g}")


def compare_quantiles(tally, metric, eng, mine, pct_axis, n_e, years):
    pcts = np.asarray(eng["percentiles"][()])
    for pp in QUANTILE_PS:
        j = np.where(np.isclose(pct_axis, pp))[0]
        if len(j) == 0:
            continue
        j = j[0]
        p = pp / 100.0
        lattice = bool(np.all(mine == np.round(mine)))
        for y in range(mine.shape[1]):
            x = mine[:, y]
            q_py = np.percentile(x, pp)
            unit = quantile_sd_unit(x, p)
            se = unit * math.sqrt(1 / n_e + 1 / len(x))
            diff = pcts[y, j] - q_py
            if lattice:
                # A count has a lattice distribution: both sample quantiles converge to
                # lattice points and, where F(k) is close to p, fall on k or k + 1
                # independently. One lattice step of difference is therefore allowed
                # on top of the sampling tolerance.
                diff = math.copysign(max(0.0, abs(diff) - 1.0), diff)
            z = zscore(diff, se, q_py)
            tally.add("quantile:district", f"district/{metric} p{pp:g} {years[y]}", z, z <= Z,
                      f"engine {pcts[y, j]:.6g}, numpy {q_py:.6g}, sd {se:.3g}")


def compare_pmet(tally, grp, met, n_e, years, target, name="safety_valve_balance"):
    p_e = np.asarray(grp["p_met"][()])
    for y in range(met.shape[1]):
        if np.isnan(target[y]):
            if not np.isnan(p_e[y]):
                tally.fail("p_met", f"target {years[y]}", f"engine p_met {p_e[y]} where no target")
            continue
        p_py = met[:, y].mean()
        n = met.shape[0]
        pool = (p_e[y] * n_e + p_py * n) / (n_e + n)
        se = math.sqrt(pool * (1 - pool) * (1 / n_e + 1 / n))
        z = zscore(p_e[y] - p_py, se, 1.0)
        tally.add("p_met", f"{name} {years[y]}", z, z <= Z,
                  f"engine {p_e[y]:.4f}, numpy {p_py:.4f}")


def check_structure(tally, f, sc, n, seed):
    import h5py
    years = [sc["base_year"] + t for t in range(1, sc["H"] + 1)]
    for a in ["format_version", "engine_version", "model_version", "scenario_name",
              "scenario_sha256", "seed", "trajectories", "base_year", "horizon", "created_utc"]:
        if a not in f.attrs:
            tally.fail("structure", f"/ attr {a}", "missing")

    def attr(a):
        v = f.attrs.get(a)
        return v.decode() if isinstance(v, bytes) else v

    checks = [("seed", seed), ("trajectories", n), ("base_year", sc["base_year"]),
              ("horizon", sc["H"]), ("scenario_name", sc["name"]),
              ("scenario_sha256", hashlib.sha256(sc["raw"]).hexdigest())]
    for a, want in checks:
        if a in f.attrs:
            got = attr(a)
            if isinstance(want, str):
                ok = str(got).lower() == want.lower()
            else:
                ok = int(got) == int(want)
            tally.add("structure", f"/ attr {a}", 0.0 if ok else float("inf"), ok, f"{got!r} vs {want!r}")
    # /scenario text.
    text = None
    if "scenario" in f:
        obj = f["scenario"]
        if isinstance(obj, h5py.Dataset):
            text = obj[()]
        elif "text" in obj.attrs:
            text = obj.attrs["text"]
        elif "text" in obj:
            text = obj["text"][()]
    if text is None:
        tally.fail("structure", "/scenario", "no `text`")
    else:
        if isinstance(text, np.ndarray):
            text = text.tobytes() if text.dtype.kind in "SV" else text.item()
        if isinstance(text, str):
            text = text.encode()
        ok = bytes(text).rstrip(b"\0") == sc["raw"]
        tally.add("structure", "/scenario text", 0.0 if ok else float("inf"), ok, "scenario verbatim")
    # Axes.
    def strings(ds):
        return [x.decode() if isinstance(x, bytes) else str(x) for x in ds[()]]
    for ax in ["year", "cluster", "area", "percentile"]:
        if "axes" not in f or ax not in f["axes"]:
            tally.fail("structure", f"/axes/{ax}", "missing")
    if "axes" in f:
        ax = f["axes"]
        if "year" in ax:
            ok = list(np.asarray(ax["year"][()]).astype(int)) == years
            tally.add("structure", "/axes/year", 0 if ok else float("inf"), ok, str(ax["year"][()]))
        if "cluster" in ax:
            ok = strings(ax["cluster"]) == sc["clusters"]
            tally.add("structure", "/axes/cluster", 0 if ok else float("inf"), ok, str(strings(ax["cluster"])))
        if "area" in ax:
            ok = strings(ax["area"]) == sc["areas"]
            tally.add("structure", "/axes/area", 0 if ok else float("inf"), ok, str(strings(ax["area"])))
        if "percentile" in ax:
            ok = np.allclose(ax["percentile"][()], sc["percentiles"])
            tally.add("structure", "/axes/percentile", 0 if ok else float("inf"), ok, str(ax["percentile"][()]))
    # Parameters: groups, `distribution`, numbers as we read them.
    kinds = {"beta": "beta", "normal": "normal", "gamma": "gamma", "dirichlet": "dirichlet",
             "bvn": "bivariate_normal", "fixed": "fixed", "poisson": "poisson",
             "sichi2": "scaled_inv_chi2"}
    if sc["model"] == 2 and "model_version" in f.attrs:
        # A v2 run must say so; a v1 run's model_version is left as it was (not checked).
        got = str(attr("model_version")).strip()
        ok = got in ("2", "v2")
        tally.add("structure", "/ attr model_version", 0.0 if ok else float("inf"), ok,
                  f"{got!r} vs '2' (scenario says model: 2)")
    for name in (PARAMS if sc["model"] == 1 else PARAMS_V2):
        path = f"/parameters/{name}"
        if path not in f:
            tally.fail("structure", path, "missing")
            continue
        g = f[path]
        dist = g.attrs.get("distribution")
        dist = dist.decode() if isinstance(dist, bytes) else dist
        if dist is None:
            tally.fail("structure", path, "no attribute `distribution`")
            continue
        spec = sc["params"][name]
        want = kinds[spec[0]]
        if spec[0] == "poisson" and dist != "poisson":
            continue            # CONTRACT.md does not name how k = infinity is written
        if dist != want:
            tally.fail("structure", path, f"distribution {dist!r}, scenario says {want!r}")
            continue
        fields = {"beta": [("a", spec[1:2]), ("b", spec[2:3])],
                  "normal": [("mean", spec[1:2]), ("sd", spec[2:3])],
                  # CONTRACT.md does not name gamma's numbers: checked when written as shape, scale.
                  "gamma": [(k, spec[i:i + 1]) for i, k in [(1, "shape"), (2, "scale")] if k in g],
                  "dirichlet": [("alpha", spec[1:2])],
                  "bvn": [("mean", spec[1:2]), ("cov", spec[2:3])],
                  "fixed": [("value", spec[1:2])],
                  "sichi2": [("nu", spec[1:2]), ("s2", spec[2:3])],
                  "poisson": []}[spec[0]]
        for key, val in fields:
            if key not in g:
                tally.fail("structure", f"{path}/{key}", "missing")
                continue
            got = np.asarray(g[key][()], float).ravel()
            exp = np.asarray(val[0], float).ravel()
            ok = got.shape == exp.shape and np.allclose(got, exp, rtol=1e-9, atol=1e-12)
            tally.add("structure", f"{path}/{key}", 0 if ok else float("inf"), ok, f"{got} vs {exp}")
    # Targets.
    tp = "/targets/safety_valve_balance"
    for k in ["target", "p_met", "p_met_mcse"]:
        if tp + "/" + k not in f:
            tally.fail("structure", f"{tp}/{k}", "missing")
    if tp + "/target" in f:
        got = np.asarray(f[tp + "/target"][()], float)
        exp = sc["target"][1:]
        ok = got.shape == exp.shape and np.array_equal(np.isnan(got), np.isnan(exp)) \
            and np.allclose(got[~np.isnan(got)], exp[~np.isnan(exp)])
        tally.add("structure", f"{tp}/target", 0 if ok else float("inf"), ok, f"{got} vs {exp}")
    # Every metric: shapes, mcse = sd/sqrt(n), percentiles non-decreasing.
    U = {"district": None, "area": len(sc["areas"]), "cluster": len(sc["clusters"])}
    P = len(sc["percentiles"])
    H = sc["H"]
    for level in ["district", "area", "cluster"]:
        if level not in f:
            tally.fail("structure", f"/{level}", "missing")
            continue
        for metric in REQUIRED[level]:
            if metric not in f[level]:
                tally.fail("structure", f"/{level}/{metric}", "missing (required)")
        for metric, g in f[level].items():
            shp = (H,) if U[level] is None else (H, U[level])
            for k in ["mean", "sd", "mcse", "percentiles"]:
                if k not in g:
                    tally.fail("structure", f"/{level}/{metric}/{k}", "missing")
            if not all(k in g for k in ["mean", "sd", "mcse", "percentiles"]):
                continue
            bad = [k for k in ["mean", "sd", "mcse"] if g[k].shape != shp]
            if g["percentiles"].shape != shp + (P,):
                bad.append("percentiles")
            if bad:
                tally.fail("structure", f"/{level}/{metric}", f"shape of {bad}")
                continue
            sd, mc = g["sd"][()], g["mcse"][()]
            ok = np.allclose(mc, sd / math.sqrt(n), rtol=1e-6, atol=1e-12)
            tally.add("structure", f"/{level}/{metric} mcse", 0 if ok else float("inf"), ok,
                      "mcse = sd/sqrt(n)")
            q = g["percentiles"][()]
            # Type 7 percentiles are non-decreasing, exactly: the engine interpolates
            # as a + w (b - a) clamped to [a, b], so not even an ulp may go back.
            ok = bool(np.all(np.diff(q, axis=-1) >= 0)) and not np.isnan(q).any()
            tally.add("structure", f"/{level}/{metric} percentiles", 0 if ok else float("inf"), ok,
                      "non-decreasing rows, no NaN")


def take_fitted(sc, f):
    """Replace each ("fit",) parameter by the distribution the engine fitted,
    as written in /parameters/<name> of its result file."""
    for name, p in sc["params"].items():
        if p[0] != "fit":
            continue
        g = f["parameters"][name]
        kind = g.attrs["distribution"]
        kind = kind.decode() if isinstance(kind, bytes) else kind
        if kind == "beta":
            sc["params"][name] = ("beta", float(g["a"][()]), float(g["b"][()]))
        elif kind == "bivariate_normal":
            sc["params"][name] = ("bvn", np.array(g["mean"][()]), np.array(g["cov"][()]))
        elif kind == "dirichlet":
            sc["params"][name] = ("dirichlet", np.array(g["alpha"][()]))
        elif kind == "normal":
            sc["params"][name] = ("normal", float(g["mean"][()]), float(g["sd"][()]))
        elif kind == "scaled_inv_chi2":
            sc["params"][name] = ("sichi2", float(g["nu"][()]), float(g["s2"][()]))
        elif kind == "fixed" and math.isinf(float(np.ravel(g["value"][()])[0])):
            sc["params"][name] = ("poisson",)
        elif kind == "fixed":
            v = np.array(g["value"][()])
            sc["params"][name] = ("fixed", float(v) if v.ndim == 0 else v)
        else:
            raise ScenarioError(f"parameters.{name}: fitted as {kind!r}, not read by the check")


def run_engine(binary, path, n, seed, out):
    # --sample 0: no layered fan (its process-only run would double the time); the
    # model's outputs, which this check compares, are the same either way.
    cmd = [binary, "run", path, "-n", str(n), "-s", str(seed), "-o", out, "--force", "--quiet",
           "--sample", "0"]
    t0 = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True)
    dt = time.time() - t0
    if p.returncode != 0:
        raise RuntimeError(f"engine exit {p.returncode}: {' '.join(cmd)}\n{p.stderr.strip()}")
    return dt


def check_scenario(path, args):
    import h5py
    t0 = time.time()
    sc = load_scenario(path)
    years = [sc["base_year"] + t for t in range(1, sc["H"] + 1)]
    seed_py = zlib.crc32(sc["name"].encode()) ^ 0x5EED
    seed_e = 20240709 + zlib.crc32(sc["name"].encode()) % 1000
    tally = Tally()
    tmpdir = tempfile.mkdtemp(prefix="model_check.")
    h5path = os.path.join(tmpdir, sc["name"] + ".h5")
    try:
        t_e = run_engine(args.bin, path, args.n_engine, seed_e, h5path)
    except Exception as e:   # noqa: BLE001
        print(f"[{sc['name']}] FAIL: {e}")
        if os.path.exists(h5path):
            os.remove(h5path)
        os.rmdir(tmpdir)
        return False, 0
    with h5py.File(h5path, "r") as f:
        take_fitted(sc, f)
    t1 = time.time()
    sim = simulate(sc, args.n, np.random.default_rng(seed_py))
    t_py = time.time() - t1
    with h5py.File(h5path, "r") as f:
        check_structure(tally, f, sc, args.n_engine, seed_e)
        n_e = args.n_engine
        extra = []
        for level in ["district", "area", "cluster"]:
            if level not in f:
                continue
            units = None if level == "district" else (sc["areas"] if level == "area" else sc["clusters"])
            for metric in f[level]:
                if metric not in sim[level]:
                    extra.append(f"{level}/{metric}")
                    continue
                g = f[level][metric]
                if "mean" not in g or "mcse" not in g:
                    continue
                compare_means(tally, level, metric, g, sim[level][metric], units, years)
                if level == "district" and "sd" in g:
                    compare_sd(tally, level, metric, g, sim[level][metric], n_e, years)
        pct_axis = np.asarray(f["axes/percentile"][()]) if "axes/percentile" in f else np.array([])
        for metric in (QUANTILE_METRICS if sc["model"] == 1 else QUANTILE_METRICS_V2):
            if f"district/{metric}/percentiles" in f:
                compare_quantiles(tally, metric, f["district"][metric], sim["district"][metric],
                                  pct_axis, n_e, years)
        # The other targets, scored here from our own trajectories of their metric.
        for tname, metric, at_least, tv in sc["xtargets"]:
            x = sim["district"][metric]
            with np.errstate(invalid="ignore"):
                xmet = (x >= tv[1:]) if at_least else (x <= tv[1:])
            compare_pmet(tally, f["targets"][tname], xmet.astype(float), n_e, years, tv[1:],
                         tname)
        if "targets/safety_valve_balance/p_met" in f:
            compare_pmet(tally, f["targets/safety_valve_balance"], sim["met"], n_e, years,
                         sc["target"][1:])
    if args.keep:
        print(f"[{sc['name']}] kept {h5path}")
    else:
        os.remove(h5path)
        os.rmdir(tmpdir)
    stat = [r for r in tally.rows if r[0] != "structure"]
    finite = [r for r in stat if math.isfinite(r[2]) and not getattr(r[2], "constant", False)]
    nconst = sum(1 for r in stat if getattr(r[2], "constant", False))
    nstat = len(stat) - nconst         # random cells: the ones that can raise a false alarm
    worst = max(stat, key=lambda r: r[2]) if stat else None
    ok = not tally.failures
    groups = {}
    for r in tally.rows:
        groups.setdefault(r[0], [0, 0])
        groups[r[0]][0 if r[3] else 1] += 1
    print(f"[{sc['name']}] {'PASS' if ok else 'FAIL'}: engine n={n_e} ({t_e:.1f} s), numpy n={args.n} "
          f"({t_py:.1f} s); {len(stat)} statistical comparisons at Z={Z}, "
          f"{sum(1 for r in tally.rows if r[0] == 'structure')} structure checks")
    print("    groups: " + ", ".join(f"{g} {v[0]}/{v[0] + v[1]}" for g, v in sorted(groups.items())))
    if worst:
        print(f"    worst |z| = {worst[2]:.2f} at {worst[1]} ({worst[4]})")
    if finite:
        zs = np.array([r[2] for r in finite])
        print(f"    {len(zs)} random cells ({nconst} constant cells compared exactly): "
              f"|z| > 2: {int((zs > 2).sum())} (about {0.0455 * len(zs):.0f} if independent), "
              f"|z| > 3: {int((zs > 3).sum())} (about {0.0027 * len(zs):.1f})")
    if extra:
        print(f"    engine metrics not computed here: {', '.join(extra)}")
    for g, where, z, detail in tally.failures[:40]:
        print(f"    FAIL {g} {where}: z={z:.2f} {detail}")
    if len(tally.failures) > 40:
        print(f"    ... and {len(tally.failures) - 40} more failures")
    print(f"    time {time.time() - t0:.1f} s")
    return ok, nstat


# ---------------------------------------------------------------------------
# Self-test of model v2: closed forms and conditional identities
# ---------------------------------------------------------------------------
#
# v2 has few closed forms for its counts (the level is a random walk on the log
# scale with a heavy-tailed shock, the assessment rate is capped), so the numpy
# model is checked piece by piece, each against an exact expectation:
#   * the samplers v2 adds: the scaled inverse chi-square's mean nu s2/(nu - 2),
#     Gamma(k, 1/k)'s mean 1 and variance 1/k, the net flow's n (1 + max(tau, -1));
#   * the district factors of each year in the scenario as written: E[G_t] = 1,
#     Var G_t = E[(1 - pi) sigma^2]; the level's increments of variance
#     E[sigma_delta^2] + E[pi] sigma^2; the level path l_t = l0 + t beta + b0 (1 +
#     phi + .. + phi^(t-1)) + the sum of increments, exactly; the AR(1) moments of
#     u_t and w_t; the mean and variance of tau_t;
#   * the flows, conditionally on the year's factors, which is exact for any
#     parameter distribution: E[R0 | l_t, G_t] = SS w exp(l_t) G_t (Poisson, so the
#     standardised residual has variance 1), E[A | R, p_assess,t] = p_assess,t R,
#     E[I | A] = p_issue A, and the stock identity E[S_t | past, tau_t] =
#     (1 + max(tau_t, -1)) sum_p (1 - cease_p) S_p,t-1 + I_t (ceasing, then the
#     moves between placements that keep the total, then the net flow);
#   * two variants of the scenario with closed-form request means: every shock 0
#     and every parameter fixed (the mean path is SS w exp(l0 + t beta + b0 g_t)
#     exactly), and the shocks on with fixed variances (each year adds
#     (sigma_delta^2 + pi sigma^2)/2 to the log mean, the transient part adds
#     nothing because E[G] = 1). The national shock's variance is fixed there at
#     its mean because with a scaled-inverse-chi-square variance the shock is a
#     Student t, whose exponential has no finite mean: E[requests] is infinite
#     under v2 as written (docs/model.md 3 step 1), though far in the tail.
# Each statistical check is a z-score against its Monte Carlo standard error,
# passed at |z| < Z (the same 4.5 as the engine comparison: a few hundred checks on
# fixed seeds, family-wise false alarm below 0.2%). Identities that hold draw by
# draw are checked to 1e-9.

def spec_moments(spec):
    """Mean and variance of a one-number parameter's distribution (None: unknown)."""
    kind = spec[0]
    if kind == "fixed":
        return float(spec[1]), 0.0
    if kind == "normal":
        return spec[1], spec[2] ** 2
    if kind == "beta":
        a, b = spec[1], spec[2]
        return a / (a + b), a * b / ((a + b) ** 2 * (a + b + 1))
    if kind == "gamma":
        return spec[1] * spec[2], spec[1] * spec[2] ** 2
    if kind == "sichi2":
        nu, s2 = spec[1], spec[2]
        m = nu * s2 / (nu - 2) if nu > 2 else INF
        v = 2 * m * m / (nu - 4) if nu > 4 else INF
        return m, v
    return None, None


class SelfTally:
    """Self-test results: z-scores against Z and exact identities."""
    def __init__(self):
        self.n = self.bad = 0
        self.worst = (0.0, "")

    def z(self, what, est, exp, se):
        z = abs(est - exp) / se if se > 0 else (0.0 if abs(est - exp) <= 1e-9 * max(1, abs(exp)) else INF)
        self.n += 1
        if z >= Z:
            self.bad += 1
            print(f"   FAIL {what}: {est:.6g} vs {exp:.6g} (se {se:.3g}, z = {z:.2f})")
        if z > self.worst[0]:
            self.worst = (z, what)
        return z

    def zmean(self, what, x, exp=0.0):
        """Mean of a sample x against exp, se = sd/sqrt(n)."""
        return self.z(what, float(x.mean()), exp, float(x.std(ddof=1)) / math.sqrt(len(x)))

    def zvar(self, what, x, exp_mean, exp_var):
        """Variance about a known mean against exp_var: the mean of (x - m)^2, whose
        se is the sd of (x - m)^2 over sqrt(n) (needs a finite 4th moment)."""
        return self.zmean(what, (x - exp_mean) ** 2, exp_var)

    def exact(self, what, err, tol=1e-9):
        self.n += 1
        if not err <= tol:
            self.bad += 1
            print(f"   FAIL {what}: max error {err:.3g} (exact identity)")


def v2_stock_by_placement(sc, sim):
    """District stock by placement [n, H+1, 6] (year 0 from the scenario)."""
    n, H = sim["district"]["requests"].shape
    S = np.zeros((n, H + 1, 6))
    S[:, 0, 0] = sc["bands0"].sum()
    S[:, 0, 1:] = sc["other0"].sum(0)
    S[:, 1:, 0] = sim["district"]["plans_mainstream"]
    for j, p in enumerate(OTHERS):
        S[:, 1:, j + 1] = sim["district"]["plans_" + p]
    return S


def self_test_v2_samplers(st, n, rng):
    """The samplers v2 adds, against their closed-form moments."""
    for nu, s2 in [(9.0, 0.0107), (12.7, 0.0418)]:
        x = draw(rng, ("sichi2", nu, s2), 4 * n)
        m, _ = spec_moments(("sichi2", nu, s2))
        z = st.zmean(f"scaled_inv_chi2({nu}, {s2}) mean", x, m)
        print(f"   scaled_inv_chi2(nu {nu}, s2 {s2}): mean {x.mean():.6f}, nu s2/(nu-2) = {m:.6f} "
              f"(z = {z:.2f})")
    for var in [0.0023, 0.0417, 0.6]:
        g = gamma_mean1(rng, np.full(4 * n, var))
        z1 = st.zmean(f"Gamma(k, 1/k) mean, 1/k = {var}", g, 1.0)
        z2 = st.zvar(f"Gamma(k, 1/k) variance, 1/k = {var}", g, 1.0, var)
        print(f"   Gamma(k = {1 / var:.4g}, scale 1/k): mean {g.mean():.5f} (z = {z1:.2f}), "
              f"variance {((g - 1) ** 2).mean():.5f} vs 1/k = {var} (z = {z2:.2f})")
    g = gamma_mean1(rng, np.zeros(10))
    st.exact("Gamma with (1 - pi) sigma^2 = 0 is 1", float(np.abs(g - 1).max()))
    cnt = np.full(4 * n, 2385, dtype=np.int64)
    for tau in [0.0213, -0.0371, -1.25]:
        x = net_flow(rng, cnt, np.full(4 * n, tau))
        exp = 2385 * (1 + max(tau, -1.0))
        var = 2385 * tau if tau >= 0 else 2385 * min(1, -tau) * (1 - min(1, -tau))
        z1 = st.zmean(f"net flow mean, tau = {tau}", x, exp)
        if var > 0:
            z2 = st.zvar(f"net flow variance, tau = {tau}", x, exp, var)
        else:
            st.exact(f"net flow, tau = {tau} <= -1, is 0", float(np.abs(x).max()))
            z2 = 0.0
        print(f"   net flow on n = 2385, tau = {tau}: mean {x.mean():.3f} vs {exp:.3f} (z = {z1:.2f}), "
              f"variance {x.var():.3f} vs {var:.3f} (z = {z2:.2f})")


def self_test_v2_factors(st, sc, sim):
    """The district factors of each year against their closed-form moments, and
    the flows conditionally on them."""
    f2, th = sim["v2"], sim["v2"]["theta"]
    pr = sc["params"]
    n, H = f2["ell"].shape
    zs = []
    # G_t: mean 1; variance E[(1 - pi) sigma^2] (sigma and pi independent draws).
    m_pi, v_pi = spec_moments(pr["shock_persistence"])
    m_s, v_s = spec_moments(pr["shock_sd"])
    var_g = (1 - m_pi) * (m_s ** 2 + v_s)
    m_d, _ = spec_moments(pr["national_shock"])
    var_dl = m_d + m_pi * (m_s ** 2 + v_s)
    for t in range(H + 1):
        g = f2["G0"] if t == 0 else f2["G"][:, t - 1]
        zs.append(st.zmean(f"E[G_{t}] = 1", g, 1.0))
        zs.append(st.zvar(f"Var G_{t}", g, 1.0, var_g))
    # The level's increments delta + eta: mean 0, variance E[sigma_delta^2] + E[pi] sigma^2.
    for t in range(H):
        zs.append(st.zmean(f"E[delta + eta], year {t + 1}", f2["dl"][:, t], 0.0))
        zs.append(st.zvar(f"Var(delta + eta), year {t + 1}", f2["dl"][:, t], 0.0, var_dl))
    # Level path, draw by draw: l_t = l0 + t beta + b0 g_t + cumulated increments.
    gsum = np.zeros(n)
    err = 0.0
    for t in range(1, H + 1):
        gsum = 1.0 + th["phi"] * gsum
        path = th["l0"] + t * th["beta"] + th["b0"] * gsum + f2["dl"][:, :t].sum(1)
        err = max(err, float(np.abs(f2["ell"][:, t - 1] - path).max()))
    st.exact("l_t = l0 + t beta + b0 (1 + phi + .. + phi^(t-1)) + sum of increments", err)
    # omega_t = delta + eta + ln G_t - ln G_{t-1}, draw by draw.
    Gs = np.concatenate([f2["G0"][:, None], f2["G"]], axis=1)
    st.exact("omega_t = delta_t + eta_t + ln G_t - ln G_t-1",
             float(np.abs(f2["omega"] - f2["dl"] - np.diff(np.log(Gs), axis=1)).max()))
    # AR(1) deviations, when their coefficients are fixed (as the fit gives them).
    fixed = lambda *names: all(pr[k][0] == "fixed" for k in names)
    if fixed("assess_persistence", "assess_sd"):
        rho, su = float(pr["assess_persistence"][1]), float(pr["assess_sd"][1])
        m0, v0 = spec_moments(pr["assess_deviation"])
        for t in range(1, H + 1):
            em, ev = rho ** t * m0, rho ** (2 * t) * v0 + su * su * (1 - rho ** (2 * t))
            zs.append(st.zmean(f"E[u_{t}]", f2["u"][:, t - 1], em))
            zs.append(st.zvar(f"Var u_{t}", f2["u"][:, t - 1], em, ev))
    if fixed("transfer_persistence", "transfer_sd", "national_transfer_sd"):
        rho, sw = float(pr["transfer_persistence"][1]), float(pr["transfer_sd"][1])
        sx = float(pr["national_transfer_sd"][1])
        m_tb, v_tb = spec_moments(pr["net_transfer"])
        for t in range(1, H + 1):
            vw = sw * sw * (1 - rho ** (2 * t))
            zs.append(st.zvar(f"Var w_{t} (w_0 = 0)", f2["w"][:, t - 1], 0.0, vw))
            zs.append(st.zmean(f"E[tau_{t}]", f2["tau"][:, t - 1], m_tb))
            zs.append(st.zvar(f"Var tau_{t}", f2["tau"][:, t - 1], m_tb, v_tb + vw + sx * sx))
    zs = np.array(zs + v2_flow_identities(st, sc, sim, ""))
    print(f"   factors and conditional flows: {len(zs)} z-scores, max |z| = {zs.max():.2f}, "
          f"|z| > 2: {int((zs > 2).sum())} (about {0.0455 * len(zs):.1f} expected), "
          f"|z| > 3: {int((zs > 3).sum())}")
    print(f"   v2 mechanisms: p_assess,t capped at 1 in {(f2['pa'] == 1).mean():.1%} of "
          f"trajectory-years; tau_t mean {f2['tau'].mean():.4f}, < 0 in {(f2['tau'] < 0).mean():.1%}; "
          f"E[phi] {th['phi'].mean():.3f}; E[b0] {th['b0'].mean():.4f}; E[kappa] {th['kappa'].mean():.3f}")


def v2_flow_identities(st, sc, sim, label):
    """The flows of each year conditionally on the year's factors (exact for any
    parameter distribution): requests, assessments, new plans and the stock
    identity. Returns the z-scores."""
    f2, th = sim["v2"], sim["v2"]["theta"]
    dist = sim["district"]
    R0 = dist["requests"] + dist["diverted"]
    A, I, R = dist["assessments"], dist["new_plans"], dist["requests"]
    S = v2_stock_by_placement(sc, sim)
    keep = (1.0 - th["cease"])                                    # [n, 6]
    zs = []
    for t in range(f2["ell"].shape[1]):
        mu = f2["mu_R0"][:, t]
        e = (R0[:, t] - mu) / np.sqrt(mu)
        zs.append(st.zmean(f"{label}E[R0 - SS w exp(l) G], year {t + 1}", R0[:, t] - mu, 0.0))
        zs.append(st.zvar(f"{label}Var of the Poisson residual / sqrt(mean), year {t + 1}", e, 0.0, 1.0))
        zs.append(st.zmean(f"{label}E[A - p_assess,t R], year {t + 1}", A[:, t] - f2["pa"][:, t] * R[:, t]))
        zs.append(st.zmean(f"{label}E[I - p_issue A], year {t + 1}", I[:, t] - th["p_issue"] * A[:, t]))
        carried = (1.0 + np.maximum(f2["tau"][:, t], -1.0)) * (keep * S[:, t, :]).sum(1)
        zs.append(st.zmean(f"{label}stock identity, year {t + 1}", S[:, t + 1].sum(1) - carried - I[:, t]))
    return zs


def v2_variant(sc, fixed_shocks_zero):
    """A copy of scenario sc with closed-form request means (see the section's
    header). fixed_shocks_zero: every shock 0, every parameter of the request level
    and of the rates fixed at its mean; else the shocks on with the national shock's
    variance, the shock's split and the damping fixed at their means."""
    v = dict(sc)
    p = dict(sc["params"])
    mean = lambda k: ("fixed", spec_moments(p[k])[0])
    p["national_shock"] = ("fixed", 0.0) if fixed_shocks_zero else mean("national_shock")
    p["shock_persistence"] = mean("shock_persistence")
    p["damping"] = mean("damping")
    if fixed_shocks_zero:
        p["conversion"] = ("fixed", np.asarray(p["conversion"][1], float))   # bvn or fixed: its mean
        for k in ["national_trend", "shock_sd", "p_assess", "p_issue", "assess_deviation",
                  "assess_persistence", "assess_response", "net_transfer", "transfer_persistence",
                  "send_support_drift"]:
            p[k] = mean(k)
        p["shock_sd"] = ("fixed", 0.0)
        for k in ["assess_sd", "national_assess_sd", "transfer_sd", "national_transfer_sd"]:
            p[k] = ("fixed", 0.0)
    v["params"] = p
    return v


def self_test_v2_paths(st, sc, n, rng):
    """Request means of the two closed-form variants of sc, year by year."""
    H = sc["H"]
    Cfac = sc["N0"] * sc["s"] * sc["w"]                           # [C]
    for zero in [True, False]:
        v = v2_variant(sc, zero)
        sim = simulate(v, n, rng)
        pr = v["params"]
        phi = float(pr["damping"][1])
        R0 = sim["district"]["requests"] + sim["district"]["diverted"]
        line = []
        gsum = 0.0
        for t in range(1, H + 1):
            gsum = 1.0 + phi * gsum
            SSw = float((Cfac * (1 + sc["g_pop"]) ** t).sum())
            if zero:
                l0, b0 = (float(x) for x in pr["conversion"][1])
                beta = float(pr["national_trend"][1])
                d = float(pr["send_support_drift"][1])
                ell = l0 + t * beta + b0 * gsum
                exp = SSw * math.exp(d * t) * math.exp(ell)
                err = float(np.abs(sim["v2"]["ell"][:, t - 1] - ell).max())
                st.exact(f"{sc['name']} no shocks: l_{t} = l0 + t beta + b0 g_t", err)
                pa = min(1.0, float(pr["p_assess"][1]) * math.exp(
                    float(pr["assess_persistence"][1]) ** t * float(pr["assess_deviation"][1])))
                st.exact(f"{sc['name']} no shocks: p_assess,{t} = min(1, p_assess e^(rho^t u0))",
                         float(np.abs(sim["v2"]["pa"][:, t - 1] - pa).max()))
                st.exact(f"{sc['name']} no shocks: tau_{t} = tau-bar",
                         float(np.abs(sim["v2"]["tau"][:, t - 1] - float(pr["net_transfer"][1])).max()))
            else:
                if pr["conversion"][0] == "bvn":
                    m, P = pr["conversion"][1], pr["conversion"][2]
                    a = np.array([1.0, gsum])
                    conv = math.exp(float(a @ m) + float(a @ P @ a) / 2)
                else:
                    conv = math.exp(float(np.array([1.0, gsum]) @ pr["conversion"][1]))
                mb, vb = spec_moments(pr["national_trend"])
                md, vd = spec_moments(pr["send_support_drift"])
                sigma = float(pr["shock_sd"][1]) if pr["shock_sd"][0] == "fixed" else None
                if sigma is None or pr["send_support_drift"][0] not in ("fixed", "normal") \
                        or pr["national_trend"][0] not in ("fixed", "normal"):
                    print("   (shocks-on variant skipped: shock_sd, trend or drift not normal/fixed)")
                    break
                var_step = float(pr["national_shock"][1]) + float(pr["shock_persistence"][1]) * sigma ** 2
                exp = (SSw * conv * math.exp(t * mb + t * t * vb / 2) * math.exp(t * md + t * t * vd / 2)
                       * math.exp(t * var_step / 2))
            z = st.zmean(f"{sc['name']} {'no shocks' if zero else 'fixed variances'}: E[R0_{t}]",
                         R0[:, t - 1], exp)
            line.append(f"{R0[:, t - 1].mean():.2f}/{exp:.2f} (z {z:.2f})")
        label = "no shocks, fixed parameters" if zero else "shocks on, fixed variances"
        print(f"   E[would-be requests], {label}: simulated/closed form " + "; ".join(line))
        if zero:
            # tau_t = tau-bar every year: the stock identity in expectation, with the
            # other flows, on this variant too.
            zs = np.array(v2_flow_identities(st, v, sim, f"{sc['name']} no shocks: "))
            print(f"   flows and stock identity with tau_t = tau-bar fixed: {len(zs)} z-scores, "
                  f"max |z| = {zs.max():.2f}")


# ---------------------------------------------------------------------------
# Self-test: the numpy model alone, with hand calculations
# ---------------------------------------------------------------------------

def self_test(paths, n):
    ok = True
    samplers_done = False
    for path in paths:
        t0 = time.time()
        sc = load_scenario(path)
        if any(p[0] == "fit" for p in sc["params"].values()):
            # The fitted distributions come from the engine's result file (take_fitted).
            print(f"== {sc['name']}: skipped (a parameter is `dist: fit`, which needs the engine)")
            continue
        sim = simulate(sc, n, np.random.default_rng(zlib.crc32(sc["name"].encode())))
        dt = time.time() - t0
        years = [sc["base_year"] + t for t in range(1, sc["H"] + 1)]
        print(f"== {sc['name']} (n={n}, {dt:.1f} s)")
        print(f"   base-year top-up spend {sc['base_topup'].sum():,.0f}; other stock by placement "
              f"{dict(zip(OTHERS, sc['other0'].sum(0).tolist()))}")
        print(f"   budgets t=1: {sc['budget'][1].sum():,.0f}; contingency t=1 by area "
              f"{np.round(sc['contingency'][1]).tolist()}; grant {np.round(sc['grant'][1:]).tolist()}")
        print(f"   ramp {sc['ramp'].tolist()}; targets {sc['target'][1:].tolist()}")
        pr = sc["params"]
        if sc["model"] == 2:
            st = SelfTally()
            if not samplers_done:
                self_test_v2_samplers(st, n, np.random.default_rng(2385))
                samplers_done = True
            self_test_v2_factors(st, sc, sim)
            self_test_v2_paths(st, sc, n, np.random.default_rng(zlib.crc32(sc["name"].encode()) + 1))
            print(f"   v2 closed forms: {st.n} checks, {st.bad} failed; worst |z| = {st.worst[0]:.2f} "
                  f"({st.worst[1]})")
            ok &= st.bad == 0
        else:
            # Hand check (v1): E[R0] in year 1 = sum_c N_c1 s_c w_c E[exp(alpha+beta)] E[exp(d)].
            if pr["conversion"][0] == "bvn":
                mu, cov = pr["conversion"][1], pr["conversion"][2]
                econv = math.exp(mu.sum() + (cov.sum()) / 2)
            else:
                econv = math.exp(sum(pr["conversion"][1]))
            dd = pr["send_support_drift"]
            ed = math.exp(dd[1] + dd[2] ** 2 / 2) if dd[0] == "normal" else math.exp(dd[1])
            er0 = float((sc["N0"] * (1 + sc["g_pop"]) * sc["s"] * sc["w"]).sum()) * econv * ed
            r0 = sim["district"]["requests"][:, 0] + sim["district"]["diverted"][:, 0]
            z = (r0.mean() - er0) / (r0.std() / math.sqrt(n))
            print(f"   year-1 would-be requests: simulated {r0.mean():.1f}, hand {er0:.1f} (z = {z:.2f})")
            ok &= abs(z) < Z
        if sc["ramp"][1] == 0:
            ok &= bool((sim["district"]["diverted"][:, 0] == 0).all())
        width = max(len(m) for m in sim["district"])
        print("   " + " " * width + "".join(f"{yr:>14d}" for yr in years))
        for m, a in sim["district"].items():
            print(f"   {m:<{width}}" + "".join(f"{v:>14.6g}" for v in a.mean(0)))
        met = sim["met"]
        if not np.isnan(met).all():
            with np.errstate(invalid="ignore"):
                pm = np.nanmean(met, 0)
            print(f"   {'P(target met)':<{width}}" + "".join(f"{v:>14.4f}" for v in pm))
    print(f"self-test {'passed' if ok else 'FAILED'}")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "sendcast"))
    ap.add_argument("--scenario", action="append", help="scenario YAML (repeatable; replaces the defaults)")
    ap.add_argument("-n", type=int, default=20000, help="trajectories, engine and numpy (default 20000)")
    ap.add_argument("--keep", action="store_true", help="keep the engine's HDF5 files")
    ap.add_argument("--self-test", action="store_true", help="numpy model only, no engine")
    args = ap.parse_args()
    args.n_engine = args.n
    paths = args.scenario or [os.path.join(ROOT, p) for p in DEFAULT_SCENARIOS]
    t0 = time.time()
    if args.self_test:
        sys.exit(0 if self_test(paths, args.n) else 1)
    if not os.access(args.bin, os.X_OK):
        print(f"model_check: engine {args.bin} not found or not executable", file=sys.stderr)
        sys.exit(1)
    passed = failed = 0
    ncomp = 0
    for p in paths:
        try:
            ok, k = check_scenario(p, args)
        except ScenarioError as e:
            print(f"[{p}] FAIL: scenario not readable by the check: {e}")
            ok, k = False, 0
        ncomp += k
        passed += ok
        failed += not ok
    print(f"{ncomp} comparisons of random cells at Z = {Z}: family-wise false-alarm rate about "
          f"{ncomp} x {TAIL:.2g} = {ncomp * TAIL:.2g}; total time {time.time() - t0:.1f} s")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
