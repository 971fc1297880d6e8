#!/usr/bin/python3
"""Crafted and corrupted result files, for tests/test_untrusted.c.

Result files are mailed between councils: export, compare and report must treat
them as untrusted input. Each case below is a copy of a real result (SOURCE.h5)
changed in one way an attacker or an unlucky disk could change it, or a small
result built from nothing. Every case must be refused with exit status 2 naming
the file; none may crash, hang, read a byte from outside the file or write an
output.

    craft_results.py SOURCE.h5 OUTDIR FIFO    every case as OUTDIR/<case>.h5;
                                              FIFO: a named pipe the test made
    craft_results.py --minimal OUT.h5 [YEARS] a small valid result from nothing
    craft_results.py --flips SOURCE.h5 OUTDIR N SEED [--unsigned]
                                              N copies with one random bit flipped
    craft_results.py --unsign PATH            zero the user block's checksum
    craft_results.py --sign PATH              (re)write the user block's checksum

When the source carries sendcast's checksum (a SHA-256 of the file after its
512-byte user block, written at the start of the user block), each case is
signed again after it is changed, as an attacker would: the checksum guards
against corruption, not against a crafted file, so the reader's checks must
hold on their own.
"""
import hashlib
import os
import random
import shutil
import sys

import h5py
import numpy as np

MAGIC = b"sendcast-sha256 "
UB = 512


def has_userblock(path):
    with h5py.File(path, "r") as f:
        return f.userblock_size >= UB


def sign(path):
    """Write the checksum as sendcast does, when the file has a user block."""
    if not has_userblock(path):
        return
    with open(path, "r+b") as fh:
        fh.seek(UB)
        digest = hashlib.sha256(fh.read()).hexdigest().encode()
        block = MAGIC + digest + b"\n"
        fh.seek(0)
        fh.write(block + b"\0" * (UB - len(block)))


def unsign(path):
    with open(path, "r+b") as fh:
        head = fh.read(len(MAGIC))
        if head == MAGIC:
            fh.seek(0)
            fh.write(b"\0" * UB)


# ---- a small valid result from nothing -------------------------------------

def minimal(path, years=4, ntraj=1, trajectories=None):
    """A valid result: three district metrics, no areas or clusters, one
    stored trajectory per metric (written without a user block, as h5py
    writes files: a file from another program)."""
    pct = np.array([5.0, 20, 35, 50, 65, 80, 95])
    with h5py.File(path, "w") as f:
        a = f.attrs
        a["file_kind"] = "result"
        a["format_version"] = np.int32(1)
        a["engine_version"] = "0.2.0"
        a["model_version"] = "1"
        a["scenario_name"] = "crafted"
        a["scenario_sha256"] = "0" * 64
        a["seed"] = np.uint64(1)
        a["trajectories"] = np.int64(trajectories if trajectories is not None else ntraj)
        a["base_year"] = np.int32(2023)
        a["horizon"] = np.int32(years)
        a["created_utc"] = "2024-01-01T00:00:00Z"
        f["/axes/year"] = np.arange(2024, 2024 + years, dtype=np.int32)
        f["/axes/percentile"] = pct
        f.create_dataset("/axes/area", (0,), dtype=h5py.string_dtype())
        f.create_dataset("/axes/cluster", (0,), dtype=h5py.string_dtype())
        for m in ("requests", "new_plans", "plans_total"):
            g = f.create_group("/district/" + m)
            g.attrs["unit"] = "requests" if m == "requests" else "plans"
            g["mean"] = np.full(years, 100.0)
            g["sd"] = np.full(years, 10.0)
            g["mcse"] = np.full(years, 1.0)
            g["percentiles"] = np.tile(np.linspace(80, 120, len(pct)), (years, 1))
            f["/trajectories/district/" + m] = np.full((ntraj, years), 100.0)


# ---- the cases ---------------------------------------------------------------

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def replace(f, path, **kw):
    old = f[path]
    shape, dtype = old.shape, old.dtype
    del f[path]
    return f.create_dataset(path, shape=shape, dtype=dtype, **kw)


@case
def attr_format_version_array(f, ctx):
    del f.attrs["format_version"]
    f.attrs["format_version"] = np.arange(10000, dtype=np.int32)


@case
def attr_scenario_name_list(f, ctx):
    f.attrs["scenario_name"] = ["x" * 40] * 1000


@case
def attr_seed_array(f, ctx):
    f.attrs["seed"] = np.arange(4096, dtype=np.uint64)


@case
def attr_trajectories_string(f, ctx):
    f.attrs["trajectories"] = "many"


@case
def attr_base_year_float_nan(f, ctx):
    f.attrs["base_year"] = np.float64("nan")


@case
def attr_horizon_huge(f, ctx):
    f.attrs["horizon"] = np.int64(1 << 40)


@case
def attr_scenario_name_huge(f, ctx):
    f.attrs["scenario_name"] = "A" * (1 << 20)


@case
def attr_scenario_name_not_utf8(f, ctx):
    f.attrs["scenario_name"] = np.array(b"Bront\xeb", dtype="S6")


@case
def attr_scenario_name_nul(f, ctx):
    f.attrs["scenario_name"] = np.array(b"ok\0<script>alert(1)</script>", dtype="S30")


@case
def attr_kind_compound(f, ctx):
    del f.attrs["file_kind"]
    f.attrs["file_kind"] = np.zeros(3, dtype=[("a", "i4"), ("b", "f8")])


@case
def year_axis_nan(f, ctx):
    y = f["/axes/year"]
    n = y.shape[0]
    del f["/axes/year"]
    f["/axes/year"] = np.full(n, np.nan)


@case
def year_axis_huge(f, ctx):
    n = f["/axes/year"].shape[0]
    del f["/axes/year"]
    f["/axes/year"] = np.arange(n, dtype=np.float64) + 2147483647.0


@case
def year_base_overflow(f, ctx):
    f.attrs["base_year"] = np.int32(2147483647)
    n = f["/axes/year"].shape[0]
    del f["/axes/year"]
    f["/axes/year"] = np.full(n, 2147483647, dtype=np.int32)


@case
def year_axis_not_base_plus(f, ctx):
    y = f["/axes/year"][()]
    del f["/axes/year"]
    f["/axes/year"] = y[::-1].copy()


@case
def percentile_nan(f, ctx):
    p = f["/axes/percentile"][()]
    p[0] = np.nan
    f["/axes/percentile"][...] = p


@case
def percentile_out_of_range(f, ctx):
    p = f["/axes/percentile"][()]
    p[-1] = 250
    f["/axes/percentile"][...] = p


@case
def percentile_unsorted(f, ctx):
    p = f["/axes/percentile"][()]
    f["/axes/percentile"][...] = p[::-1].copy()


@case
def trajectories_wrap(f, ctx):
    """4 years and 2^62 + 1 trajectories claimed, one stored: cells x N wraps
    round to 4 values in 64 bits."""
    ctx["rebuild"] = lambda p: minimal(p, years=4, ntraj=1, trajectories=(1 << 62) + 1)


@case
def trajectories_huge_fill(f, ctx):
    """2^33 trajectories claimed, and a chunked dataset of that shape with no
    chunk written: tiny on disk, 256 GiB to read."""
    def build(p):
        minimal(p, years=4, ntraj=1, trajectories=1 << 33)
        with h5py.File(p, "r+") as g:
            for m in ("requests", "new_plans", "plans_total"):
                del g["/trajectories/district/" + m]
                g.create_dataset("/trajectories/district/" + m, shape=(1 << 33, 4),
                                 dtype="f8", chunks=(1024, 4), compression="gzip")
    ctx["rebuild"] = build


@case
def external_storage_passwd(f, ctx):
    n = f["/district/requests/mean"].shape
    del f["/district/requests/mean"]
    f.create_dataset("/district/requests/mean", shape=n, dtype="f8",
                     external=[("/etc/passwd", 0, 8 * int(np.prod(n)))])


@case
def external_storage_fifo(f, ctx):
    n = f["/district/requests/sd"].shape
    del f["/district/requests/sd"]
    f.create_dataset("/district/requests/sd", shape=n, dtype="f8",
                     external=[(ctx["fifo"], 0, 8 * int(np.prod(n)))])


@case
def external_link(f, ctx):
    del f["/district/requests"]
    f["/district/requests"] = h5py.ExternalLink(ctx["source"], "/district/requests")


@case
def external_link_fifo(f, ctx):
    del f["/district/new_plans"]
    f["/district/new_plans"] = h5py.ExternalLink(ctx["fifo"], "/district/new_plans")


@case
def soft_link(f, ctx):
    del f["/district/requests"]
    f["/district/requests"] = h5py.SoftLink("/district/new_plans")


@case
def soft_link_loop(f, ctx):
    del f["/district/requests"]
    f["/district/requests"] = h5py.SoftLink("/district/requests")


@case
def soft_link_to_external(f, ctx):
    del f["/district/plans_total"]
    f["/elsewhere"] = h5py.ExternalLink(ctx["source"], "/district/plans_total")
    f["/district/plans_total"] = h5py.SoftLink("/elsewhere")


@case
def dataset_strings_for_numbers(f, ctx):
    n = f["/district/requests/mean"].shape[0]
    del f["/district/requests/mean"]
    f["/district/requests/mean"] = np.array(["x"] * n, dtype=h5py.string_dtype())


@case
def dataset_compound_for_numbers(f, ctx):
    n = f["/district/requests/mean"].shape[0]
    del f["/district/requests/mean"]
    f["/district/requests/mean"] = np.zeros(n, dtype=[("a", "f8"), ("b", "f8")])


@case
def dataset_vlen_for_numbers(f, ctx):
    n = f["/district/requests/mean"].shape[0]
    del f["/district/requests/mean"]
    d = f.create_dataset("/district/requests/mean", (n,), dtype=h5py.vlen_dtype("f8"))
    for k in range(n):
        d[k] = np.arange(3.0)


@case
def dataset_numbers_for_strings(f, ctx):
    n = f["/axes/cluster"].shape[0]
    del f["/axes/cluster"]
    f["/axes/cluster"] = np.arange(n, dtype=np.float64)


@case
def strings_not_utf8(f, ctx):
    c = f["/axes/cluster"][()]
    del f["/axes/cluster"]
    c = [b"Bront\xeb%d" % k for k in range(len(c))]
    f["/axes/cluster"] = np.array(c, dtype="S12")


@case
def strings_not_utf8_vlen(f, ctx):
    n = f["/axes/area"].shape[0]
    del f["/axes/area"]
    d = f.create_dataset("/axes/area", (n,), dtype=h5py.string_dtype(encoding="ascii"))
    for k in range(n):
        d[k] = b"Bront\xeb%d" % k


@case
def attr_unit_not_utf8_vlen(f, ctx):
    g = f["/district/requests"]
    del g.attrs["unit"]
    g.attrs.create("unit", b"\xff\xfe", dtype=h5py.string_dtype(encoding="ascii"))


@case
def strings_control_characters(f, ctx):
    ids = list(f["/axes/cluster"].asstr()[()])
    ids[0] = "a\x1b[31mred"
    del f["/axes/cluster"]
    f["/axes/cluster"] = np.array(ids, dtype=h5py.string_dtype())


@case
def clusters_duplicate(f, ctx):
    ids = list(f["/axes/cluster"].asstr()[()])
    ids[1] = ids[0]
    del f["/axes/cluster"]
    f["/axes/cluster"] = np.array(ids, dtype=h5py.string_dtype())


@case
def clusters_and_areas_many(f, ctx):
    """100,001 areas and clusters, every cluster in an area: more than any
    scenario may have."""
    def build(p):
        minimal(p, years=4, ntraj=1)
        with h5py.File(p, "r+") as g:
            n = 100001
            ids = np.array(["a%d" % k for k in range(n)], dtype=h5py.string_dtype())
            for ax in ("area", "cluster", "cluster_area"):
                if ax in g["/axes"]:
                    del g["/axes/" + ax]
                g["/axes/" + ax] = ids
    ctx["rebuild"] = build


@case
def metric_wrong_shape(f, ctx):
    n = f["/district/requests/mean"].shape[0]
    del f["/district/requests/mean"]
    f["/district/requests/mean"] = np.zeros(n + 1)


@case
def metric_rank_5(f, ctx):
    n = f["/district/requests/mean"].shape[0]
    del f["/district/requests/mean"]
    f["/district/requests/mean"] = np.zeros((n, 1, 1, 1, 1))


@case
def inputs_year_huge(f, ctx):
    y = f["/inputs/year"][()]
    del f["/inputs/year"]
    f["/inputs/year"] = np.full(len(y), 1e300)


@case
def inputs_length_mismatch(f, ctx):
    v = f["/inputs/value"][()]
    del f["/inputs/value"]
    f["/inputs/value"] = v[:-1].copy()


@case
def param_unknown_distribution(f, ctx):
    g = f["/parameters"]
    name = sorted(g)[0]
    g[name].attrs["distribution"] = "cauchy"


@case
def param_distribution_missing_number(f, ctx):
    for name in f["/parameters"]:
        g = f["/parameters/" + name]
        if g.attrs.get("distribution") in ("beta", b"beta"):
            del g["a"]
            return
    raise SystemExit("no beta parameter in the source")


@case
def param_number_nan(f, ctx):
    for name in f["/parameters"]:
        g = f["/parameters/" + name]
        if g.attrs.get("distribution") in ("beta", b"beta"):
            g["b"][()] = np.nan
            return
    raise SystemExit("no beta parameter in the source")


@case
def param_scaled_inv_chi2_negative(f, ctx):
    for name in f["/parameters"]:
        g = f["/parameters/" + name]
        if g.attrs.get("distribution") in ("scaled_inv_chi2", b"scaled_inv_chi2"):
            g["nu"][()] = -3.0
            return
    g = f.create_group("/parameters/national_shock_crafted")
    g.attrs["distribution"] = "scaled_inv_chi2"
    g["nu"] = -3.0
    g["s2"] = 0.01


@case
def param_huge_vector(f, ctx):
    for name in f["/parameters"]:
        g = f["/parameters/" + name]
        if g.attrs.get("distribution") in ("dirichlet", b"dirichlet"):
            del g["alpha"]
            g["alpha"] = np.ones(1 << 20)
            return
    raise SystemExit("no dirichlet parameter in the source")


@case
def group_where_dataset(f, ctx):
    del f["/district/requests/mean"]
    f.create_group("/district/requests/mean")


@case
def history_releases_mismatch(f, ctx):
    f["/history/releases/path"] = np.array(["a.zip", "b.zip"], dtype=h5py.string_dtype())
    f["/history/releases/sha256"] = np.array(["0" * 64], dtype=h5py.string_dtype())


def outturn_set(f, metric, **cols):
    """Replace /outturn/<metric>'s datasets (year, value, status) given."""
    for k, v in cols.items():
        path = "/outturn/%s/%s" % (metric, k)
        if path in f:
            del f[path]
        f[path] = v


@case
def outturn_year_after_base(f, ctx):
    base = int(f.attrs["base_year"])
    y = f["/outturn/topup_spend/year"][()].copy()
    y[-1] = base + 1
    outturn_set(f, "topup_spend", year=y)


@case
def outturn_years_unsorted(f, ctx):
    outturn_set(f, "topup_spend", year=f["/outturn/topup_spend/year"][()][::-1].copy())


@case
def outturn_value_inf(f, ctx):
    v = f["/outturn/topup_spend/value"][()].copy()
    v[0] = np.inf
    outturn_set(f, "topup_spend", value=v)


@case
def outturn_length_mismatch(f, ctx):
    outturn_set(f, "topup_spend", value=f["/outturn/topup_spend/value"][()][:-1].copy())


@case
def outturn_unknown_metric(f, ctx):
    f.copy(f["/outturn/topup_spend"], "/outturn/bogus_metric")


@case
def outturn_too_long(f, ctx):
    n = 1000
    outturn_set(f, "topup_spend", year=np.arange(1000, 1000 + n, dtype=np.int32),
                value=np.zeros(n), status=np.array(["x"] * n, dtype=h5py.string_dtype()))


@case
def outturn_status_missing(f, ctx):
    del f["/outturn/topup_spend/status"]


def craft(source, outdir, fifo):
    os.makedirs(outdir, exist_ok=True)
    signed = has_userblock(source)
    ctx0 = {"source": os.path.abspath(source), "fifo": os.path.abspath(fifo)}
    for fn in CASES:
        out = os.path.join(outdir, fn.__name__ + ".h5")
        shutil.copyfile(source, out)
        ctx = dict(ctx0)
        with h5py.File(out, "r+") as f:
            fn(f, ctx)
        if "rebuild" in ctx:
            os.unlink(out)
            ctx["rebuild"](out)
        elif signed:
            sign(out)
    print("craft_results: %d cases in %s" % (len(CASES), outdir))


def flips(source, outdir, n, seed, unsigned):
    os.makedirs(outdir, exist_ok=True)
    data = open(source, "rb").read()
    rng = random.Random(seed)
    start = UB if unsigned and data[:len(MAGIC)] == MAGIC else 0
    for k in range(n):
        b = bytearray(data)
        if unsigned:
            b[:start] = b"\0" * start
        at = rng.randrange(start, len(b))
        b[at] ^= 1 << rng.randrange(8)
        with open(os.path.join(outdir, "flip%03d.h5" % k), "wb") as fh:
            fh.write(b)
    print("craft_results: %d flipped copies in %s" % (n, outdir))


def main(argv):
    if len(argv) >= 3 and argv[1] == "--minimal":
        minimal(argv[2], years=int(argv[3]) if len(argv) > 3 else 4)
    elif len(argv) >= 6 and argv[1] == "--flips":
        flips(argv[2], argv[3], int(argv[4]), int(argv[5]), "--unsigned" in argv)
    elif len(argv) == 3 and argv[1] == "--unsign":
        unsign(argv[2])
    elif len(argv) == 3 and argv[1] == "--sign":
        sign(argv[2])
    elif len(argv) == 4:
        craft(argv[1], argv[2], argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
