#!/usr/bin/python3
"""Trajectories a second of a vectorised NumPy implementation of MODEL.md, on one core.

The implementation is the independent one the tests check the engine against
(tests/model_check.py: arrays over trajectories, NumPy's Generator for every
draw), i.e. what an analyst would write instead of the engine. `make bench`
runs this first and hands the rate to build/bench/bench, which prints the
engine's one-thread rate beside it. Prints the rate alone on stdout.

    bench/numpy_rate.py BIN SCENARIO [-n N] [--repeat R]
"""
import argparse
import os
import sys
import tempfile
import time

# One core: NumPy's generators and element-wise operations are single-threaded;
# pin any BLAS a reduction might reach.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
import model_check as mc  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("bin")
    ap.add_argument("scenario")
    ap.add_argument("-n", type=int, default=20000, help="trajectories a batch (default 20000)")
    ap.add_argument("--repeat", type=int, default=3, help="batches; the fastest counts (default 3)")
    args = ap.parse_args()

    import h5py
    import numpy as np

    sc = mc.load_scenario(args.scenario)
    with tempfile.TemporaryDirectory(prefix="numpy_rate.") as tmp:
        h5 = os.path.join(tmp, "fit.h5")
        mc.run_engine(args.bin, args.scenario, 100, 1, h5)   # the fitted parameters
        with h5py.File(h5, "r") as f:
            mc.take_fitted(sc, f)
    best = float("inf")
    for r in range(args.repeat):
        t0 = time.perf_counter()
        mc.simulate(sc, args.n, np.random.default_rng(r))
        best = min(best, time.perf_counter() - t0)
    print(f"numpy: {args.n} trajectories in {best:.2f} s (fastest of {args.repeat})", file=sys.stderr)
    print(f"{args.n / best:.1f}")


if __name__ == "__main__":
    main()
