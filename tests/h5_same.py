#!/usr/bin/python3
"""Exit 0 when two sendcast result files hold bit-identical datasets and attributes.

Attributes that describe the run rather than its results (when, how many threads,
the command line, the wall time) are allowed to differ. Used by tests/test_cli.c to
show that thread count does not change results.
"""
import sys

import h5py
import numpy as np

RUN_ATTRS = {"created_utc", "threads", "command_line", "wall_seconds", "scenario_path"}


def items(f):
    out = {}

    def visit(name, obj):
        out[name] = obj
    f.visititems(visit)
    return out


def same_array(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind == "f":
        return a.tobytes() == b.tobytes()
    return np.array_equal(a, b)


def main(pa, pb):
    bad = []
    with h5py.File(pa, "r") as fa, h5py.File(pb, "r") as fb:
        ia, ib = items(fa), items(fb)
        if set(ia) != set(ib):
            bad.append("different objects: %s" % sorted(set(ia) ^ set(ib))[:10])
        ndata = 0
        for name in sorted(set(ia) & set(ib)):
            oa, ob = ia[name], ib[name]
            if isinstance(oa, h5py.Dataset):
                ndata += 1
                if not same_array(oa[()], ob[()]):
                    bad.append("dataset differs: " + name)
        for name, oa, ob in [("/", fa, fb)] + [(n, ia[n], ib[n]) for n in sorted(set(ia) & set(ib))]:
            for k in set(oa.attrs) | set(ob.attrs):
                if k in RUN_ATTRS:
                    continue
                if k not in oa.attrs or k not in ob.attrs or not same_array(oa.attrs[k], ob.attrs[k]):
                    bad.append("attribute differs: %s @%s" % (name, k))
    for b in bad[:20]:
        print(b)
    print("%d datasets compared, %d differences" % (ndata, len(bad)))
    return 1 if bad or ndata == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
