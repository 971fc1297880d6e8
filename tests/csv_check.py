"""Pivot a `sendcast export --csv` file back to the HDF5 result it came from.

argv: RESULT.h5 EXPORT.csv. Every row must equal the stored double exactly
(17 significant digits round-trip), NaN as an empty field, and every stored
statistic must appear once. Reads the HDF5 with h5py, independently of the
engine's own reader. Exit 0 and "csv_check: N rows match" on success.
"""
import csv, math, sys
import h5py, numpy as np

h5, path = sys.argv[1], sys.argv[2]
f = h5py.File(h5, "r")
years = [int(y) for y in f["/axes/year"][()]]
pcts = list(f["/axes/percentile"][()])
ids = {"area": [x.decode() for x in f["/axes/area"][()]],
       "cluster": [x.decode() for x in f["/axes/cluster"][()]]}
seen = set()
n = 0
with open(path, newline="") as fh:
    rows = csv.DictReader(fh)
    assert rows.fieldnames == ["metric", "level", "unit", "measure", "year", "financial_year",
                               "statistic", "value"], rows.fieldnames
    for r in rows:
        n += 1
        lv, m, st = r["level"], r["metric"], r["statistic"]
        if st == "outturn":     # /outturn/<metric>: year and value [n]
            assert lv == "district" and r["unit"] == "district", r
            g = f["/outturn/" + m]
            oy = [int(y) for y in g["year"][()]]
            want = float(g["value"][()][oy.index(int(r["year"]))])
        elif lv == "target":
            g = f["/targets/" + m]
            ds = g[st][()]
            want = float(ds) if r["year"] == "all" else float(ds[years.index(int(r["year"]))])
        else:
            g = f["/%s/%s" % (lv, m)]
            assert g.attrs["unit"] in (r["measure"], r["measure"].encode()), (m, r["measure"])
            t = years.index(int(r["year"]))
            u = 0 if lv == "district" else ids[lv].index(r["unit"])
            if st.startswith("p"):
                k = [i for i, p in enumerate(pcts) if "p%g" % p == st][0]
                ds = g["percentiles"][()]
                want = ds[t, k] if lv == "district" else ds[t, u, k]
            else:
                ds = g[st][()]
                want = ds[t] if lv == "district" else ds[t, u]
        got = float("nan") if r["value"] == "" else float(r["value"])
        if not (got == want or (math.isnan(got) and math.isnan(want))):
            sys.exit("csv_check: %s %s %s %s %s: csv %r, hdf5 %r" % (m, lv, r["unit"], r["year"], st, got, want))
        key = (m, lv, r["unit"], r["year"], st)
        assert key not in seen, key
        seen.add(key)
# every stored cell appears: count what the file holds
expect = 0
for lv in ("district", "area", "cluster"):
    for m in f[lv]:
        units = 1 if lv == "district" else len(ids[lv])
        expect += len(years) * units * (3 + len(pcts))
for m in (f["outturn"] if "outturn" in f else []):
    expect += len(f["/outturn/%s/year" % m][()])
if "targets" in f:      # a demand-only result has none
    tg = f["/targets/safety_valve_balance"]
    expect += len(years) * sum(k in tg for k in ("target", "p_met", "p_met_mcse", "p_first_breach"))
    expect += sum(k in tg for k in ("p_all_met", "p_all_met_mcse"))
if n != expect:
    sys.exit("csv_check: %d rows, the HDF5 file holds %d numbers" % (n, expect))
print("csv_check: %d rows match" % n)
