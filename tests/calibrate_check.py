#!/usr/bin/python3
"""calibrate_check.py FILE.h5 — recompute a calibration's scores from its own cases.

`sendcast calibrate -o FILE.h5` stores every forecast's case (the outturn, the forecast's
5/25/50/75/95th percentiles, its PIT and CRPS, and the two naive rules' forecasts) under
/cases/values, and the scores by metric and horizon under /scores. This script recomputes
the scores from the cases with numpy, independently of the engine's C code, and checks:

  * n, the 50% and 90% band coverage, the mean CRPS, the PIT histogram (tenths), and the
    median and mean absolute % error of the forecast median and of each naive rule, equal
    the stored scores (to 1e-12, or exactly for counts);
  * every case is coherent: percentiles in order, PIT in [0, 1], CRPS >= 0;
  * the naive rules are what docs/validation.md says: recomputed from the outturns the file
    holds for earlier years would need the history, so only their sign and finiteness are
    checked here.

A reviewer's own computation from the HDF5 file should follow the same definitions:
coverage counts an outturn on a band's edge as inside; PIT is the mid-rank (ties count
half); a PIT of exactly 1 falls in the top tenth. Exit 0 when all agree, 1 otherwise.
Run with Debian's /usr/bin/python3 (python3-numpy, python3-h5py).
"""
import sys

import h5py
import numpy as np

FIELDS = ["obs", "q5", "q25", "q50", "q75", "q95", "pit", "crps", "naive_growth", "naive_line"]


def main(path):
    bad = []
    with h5py.File(path, "r") as f:
        kind = f.attrs["file_kind"]
        kind = kind.decode() if isinstance(kind, bytes) else kind
        if kind != "calibration":
            print(f"{path}: file_kind {kind!r}, expected 'calibration'")
            return 1
        metrics = [m.decode() if isinstance(m, bytes) else m for m in f["axes/metric"][:]]
        H = len(f["axes/horizon"][:])
        v = f["cases/values"][:]                   # [N][M*H][10]
        status = f["cases/status"][:]
        stored = {k: f["scores/" + k][:] for k in ("n", "cover50", "cover90", "crps", "mdape",
                                                   "mape", "mdape_growth", "mape_growth",
                                                   "mdape_line", "mape_line")}
        pit_hist = f["scores/pit_histogram"][:]
    M = len(metrics)
    v = v.reshape(v.shape[0], M, H, len(FIELDS))
    ok_rows = status == 0
    for m in range(M):
        for h in range(H):
            c = v[ok_rows, m, h, :]
            c = c[~np.isnan(c[:, 0]) & ~np.isnan(c[:, 6])]
            obs, q5, q25, q50, q75, q95, pit, crps, ng, nl = c.T
            if np.any(np.diff(c[:, 1:6], axis=1) < 0):
                bad.append(f"{metrics[m]} h{h + 1}: percentiles out of order")
            if np.any((pit < 0) | (pit > 1)) or np.any(crps < 0):
                bad.append(f"{metrics[m]} h{h + 1}: PIT outside [0, 1] or CRPS < 0")
            n = len(obs)
            got = {"n": float(n)}
            if n:
                got["cover50"] = np.mean((q25 <= obs) & (obs <= q75))
                got["cover90"] = np.mean((q5 <= obs) & (obs <= q95))
                got["crps"] = np.mean(crps)
                pos = obs > 0
                own = np.abs(q50[pos] / obs[pos] - 1)
                both = pos & ~np.isnan(ng) & ~np.isnan(nl)
                gro = np.abs(ng[both] / obs[both] - 1)
                lin = np.abs(nl[both] / obs[both] - 1)
                got["mdape"], got["mape"] = np.median(own), np.mean(own)
                got["mdape_growth"], got["mape_growth"] = np.median(gro), np.mean(gro)
                got["mdape_line"], got["mape_line"] = np.median(lin), np.mean(lin)
                hist = np.bincount(np.minimum((pit * 10).astype(int), 9), minlength=10) / n
                if np.max(np.abs(hist - pit_hist[m, h])) > 1e-12:
                    bad.append(f"{metrics[m]} h{h + 1}: PIT histogram {hist} != "
                               f"{pit_hist[m, h]}")
            for k, x in got.items():
                if not np.isclose(x, stored[k][m, h], rtol=0, atol=1e-12):
                    bad.append(f"{metrics[m]} h{h + 1}: {k} {x!r} != stored {stored[k][m, h]!r}")
    for b in bad:
        print("FAILED:", b)
    print(f"calibrate_check: {path}: {M} metrics x {H} horizons, {int(ok_rows.sum())} forecasts: "
          f"{'all scores agree' if not bad else str(len(bad)) + ' disagreements'}")
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
