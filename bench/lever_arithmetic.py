#!/usr/bin/python3
"""The unit-cost arithmetic of a placement_mix lever, against the simulation.

    bench/lever_arithmetic.py BASE.h5 ATTRIBUTION.h5 [--share 0.2 --start 2026]

BASE.h5 is `sendcast run` of the scenario without the lever (kirklees-clusters.yaml),
ATTRIBUTION.h5 `sendcast attribute` of it against the one with the lever
(kirklees-arp-places.yaml) with --stat mean. The arithmetic (docs/whatif.md) needs
only the unit costs, cease rates and mix of the scenario and the base run's mean new
plans, price index and net flow: e of the new plans that special schools would get
go to ARP from the start year; each such cohort then ceases at ARP's rate instead of
special's, both stocks take the year's net flow, and money is charged on the year's
average stock at the year's prices (docs/model-v1.md 3.3):

    dT_t = P_t (c_arp avgA_t - c_special avgS_t)

with A the moved plans in ARP and S the same plans had they stayed. It prints the
arithmetic beside the simulated change (the attribution's lever step, with its
Monte Carlo standard error) for every year.
"""
import argparse

import h5py
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("base")
ap.add_argument("attribution")
ap.add_argument("--share", type=float, default=0.2)
ap.add_argument("--start", type=int, default=2026)
ap.add_argument("--from-setting", default="special")
ap.add_argument("--to-setting", default="arp")
a = ap.parse_args()

# The scenario's numbers (kirklees-clusters.yaml, scenarios/data/kirklees/base_year.csv).
COST = {"special": 26000.0, "arp": 18000.0}
CEASE = {"special": 0.04, "arp": 0.05}
ALPHA = {"mainstream": 392.5, "arp": 47.5, "special": 59.5, "independent": 18.5,
         "post16": 36.5, "other": 41.5}
STOCK0 = 4125.0          # plans in place at January 2024 (the six settings)
FIXED0 = 11256000.0      # fixed HNB lines, base-year pounds: F_t = F_0 P_t

with h5py.File(a.base) as f:
    years = f["axes/year"][:]
    d = lambda k: f["district/" + k + "/mean"][:]
    new, total, ceased = d("new_plans"), d("plans_total"), d("ceased")
    P = d("fixed_spend") / FIXED0   # E[P_t]; inflation is drawn apart from the plans
share = ALPHA[a.from_setting] / sum(ALPHA.values())

# Net flow of the year (model 2 step 10d), from the means: what the stock gained beyond
# new plans less ceased, over the stock after ceasing.
prev = np.concatenate([[STOCK0], total[:-1]])
tau = (total - prev + ceased - new) / (prev - ceased)

fr, to = a.from_setting, a.to_setting
A = S = 0.0               # the moved plans at the end of the year, in ARP / had they stayed
arith = []
for k, y in enumerate(years):
    openA, openS = A, S
    A = openA * (1 - CEASE[to]) * (1 + tau[k])
    S = openS * (1 - CEASE[fr]) * (1 + tau[k])
    moved = a.share * share * new[k] if y >= a.start else 0.0
    A, S = A + moved, S + moved
    avgA, avgS = (openA + A) / 2, (openS + S) / 2
    arith.append((moved, avgA, P[k] * (COST[to] * avgA - COST[fr] * avgS)))

with h5py.File(a.attribution) as f:
    out = [x.decode() if isinstance(x, bytes) else x for x in f["attribution/output"][:]]
    kinds = [x.decode() if isinstance(x, bytes) else x for x in f["attribution/step_kind"][:]]
    ay = f["attribution/year"][:]
    change, se = f["attribution/change"][:], f["attribution/se"][:]
    total_change = f["attribution/new"][:] - f["attribution/old"][:]
o = out.index("hnb_spend")
s = kinds.index("changed levers")

print(f"{'year':>7} {'moved':>6} {'avg moved':>9} {'arithmetic':>12} {'simulated':>12} "
      f"{'MC se':>9} {'(sim-arith)/se':>14}")
for k, y in enumerate(years):
    j = list(ay).index(y)
    sim, e = change[s, o, j], se[s, o, j]    # [step][output][year]
    moved, avg, dt = arith[k]
    z = (sim - dt) / e if e > 0 else 0.0
    print(f"{y}/{(y + 1) % 100:02d} {moved:6.1f} {avg:9.1f} {dt:12.0f} {sim:12.0f} {e:9.0f} "
          f"{z:14.2f}")
print("(total change NEW - OLD in the last year:", f"{total_change[o, -1]:.0f})")
