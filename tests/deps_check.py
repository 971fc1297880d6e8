#!/usr/bin/python3
"""deps_check.py BUILD_DIR [-v]: no dependency circle between files.

From the symbols each object of BUILD_DIR/src defines and uses (nm), the
file-level call graph: a file depends on another when it calls a function or
reads an object the other defines. Exit 1 when some files call each other,
directly or round a circle (each circle printed with its edges). Prints the
stage-level graph (folder -> folders it calls) for docs/architecture.md; -v
prints every file's edges. Run from the repository root (make test does)."""
import subprocess, sys, glob, os, collections
build = sys.argv[1]
objs = sorted(o for o in glob.glob(build + "/src/**/*.o", recursive=True)
              if os.path.exists("src/" + os.path.relpath(o, build + "/src")[:-2] + ".c"))
defs, undefs = {}, {}
for o in objs:
    name = os.path.relpath(o, build + "/src")[:-2] + ".c"
    out = subprocess.run(["nm", o], capture_output=True, text=True).stdout
    d, u = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBRC": d.add(parts[2])
        elif len(parts) == 2 and parts[0] == "U": u.add(parts[1])
    defs[name], undefs[name] = d, u
owner = {s: f for f, d in defs.items() for s in d}
g = collections.defaultdict(set)
for f, u in undefs.items():
    for s in u:
        if s in owner and owner[s] != f: g[f].add(owner[s])
# Tarjan
index, low, st, on, sccs, i = {}, {}, [], set(), [], [0]
def visit(v):
    index[v] = low[v] = i[0]; i[0] += 1; st.append(v); on.add(v)
    for w in g[v]:
        if w not in index: visit(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        c = []
        while True:
            w = st.pop(); on.discard(w); c.append(w)
            if w == v: break
        if len(c) > 1: sccs.append(sorted(c))
sys.setrecursionlimit(10000)
for v in list(defs):
    if v not in index: visit(v)
print("file circles: %d (%d files)" % (len(sccs), len(defs)))
for c in sccs:
    print("  ", c)
    for a in c:
        for b in sorted(g[a]):
            if b in c: print("      %s -> %s" % (a, b))
fg = collections.defaultdict(set)
for a, bs in g.items():
    for b in bs:
        fa, fb = a.split("/")[0], b.split("/")[0]
        if fa != fb: fg[fa].add(fb)
print("folder deps:")
for a in sorted(fg): print("   %s -> %s" % (a, " ".join(sorted(fg[a]))))
if "-v" in sys.argv:
    for a in sorted(g): print(a, "->", " ".join(sorted(g[a])))
sys.exit(1 if sccs else 0)
