#!/usr/bin/env bash
# The same run with 1, 2 and 3 MPI ranks (and with 1 and 2 threads a rank)
# gives bit-identical HDF5 files (tests/h5_same.py), and a rank count that
# does not divide the trajectories evenly changes nothing; so does a back-test,
# and so do a calibration, a sweep, a goal seek and an attribution.
# Prints the usual
# closing line "N passed, N failed".
set -u
bin=${1:-build/mpi/sendcast}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# Root in a container: Open MPI needs both variables to agree to run; shared
# memory only (no network here), without the ptrace-based single copy.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpi=(mpirun --oversubscribe --mca btl self,vader --mca btl_vader_single_copy_mechanism none)
sc=scenarios/kirklees-clusters-v1.yaml
n=1001
pass=0 fail=0

run() {   # ranks threads output
    "${mpi[@]}" -np "$1" "$bin" run "$sc" -n "$n" -t "$2" -o "$3" --quiet
}

check() {  # what, command...
    local what=$1; shift
    if "$@"; then pass=$((pass + 1)); echo "ok: $what"; else fail=$((fail + 1)); echo "FAILED: $what"; fi
}

check "1 rank runs" run 1 2 "$dir/r1.h5"
check "2 ranks run" run 2 1 "$dir/r2.h5"
check "3 ranks run" run 3 1 "$dir/r3.h5"
check "1 rank, 1 thread runs" run 1 1 "$dir/r1t1.h5"
check "2 ranks = 1 rank" /usr/bin/python3 tests/h5_same.py "$dir/r1.h5" "$dir/r2.h5"
check "3 ranks = 1 rank" /usr/bin/python3 tests/h5_same.py "$dir/r1.h5" "$dir/r3.h5"
check "1 thread = 2 threads" /usr/bin/python3 tests/h5_same.py "$dir/r1.h5" "$dir/r1t1.h5"
# Bounded-memory summaries (exact: three passes, --memory 1) across ranks: the same
# file for 1, 2 and 3 ranks. 3001 trajectories: a pilot of 1024, chunks of 64
# split unevenly among ranks.
brun() {  # ranks output
    "${mpi[@]}" -np "$1" "$bin" run "$sc" -n 3001 -t 1 -o "$2" --quiet --memory 1
}
check "bounded, 1 rank runs" brun 1 "$dir/b1.h5"
check "bounded, 2 ranks run" brun 2 "$dir/b2.h5"
check "bounded, 3 ranks run" brun 3 "$dir/b3.h5"
check "bounded: 2 ranks = 1 rank" /usr/bin/python3 tests/h5_same.py "$dir/b1.h5" "$dir/b2.h5"
check "bounded: 3 ranks = 1 rank" /usr/bin/python3 tests/h5_same.py "$dir/b1.h5" "$dir/b3.h5"
# Bounded, one pass (--rank-error 0.01: 30 ranks of 3001 allow split bins):
# the pass-2 decision is every rank's alike, and the file the same.
orun() {  # ranks output
    "${mpi[@]}" -np "$1" "$bin" run "$sc" -n 3001 -t 1 -o "$2" --quiet --memory 1 --rank-error 0.01
}
one_pass() {  # file: its percentiles came from one pass
    /usr/bin/python3 -c 'import h5py, sys; sys.exit(not h5py.File(sys.argv[1])["/"].attrs["percentile_rank_error"] > 0)' "$1"
}
check "one pass, 1 rank runs" orun 1 "$dir/o1.h5"
check "one pass, 3 ranks run" orun 3 "$dir/o3.h5"
check "one pass taken" one_pass "$dir/o3.h5"
check "one pass: 3 ranks = 1 rank" /usr/bin/python3 tests/h5_same.py "$dir/o1.h5" "$dir/o3.h5"

# A back-test goes through the same engine: the same file on 1 and 3 ranks, in
# bounded memory too (the scored cells kept trajectory by trajectory).
bt() {  # ranks output [options]
    local r=$1 o=$2; shift 2
    "${mpi[@]}" -np "$r" "$bin" backtest "$sc" --until 2020 -n 1001 -t 1 -o "$o" --quiet "$@"
}
check "back-test, 1 rank runs" bt 1 "$dir/t1.h5"
check "back-test, 3 ranks run" bt 3 "$dir/t3.h5"
check "back-test: 3 ranks = 1 rank" /usr/bin/python3 tests/h5_same.py "$dir/t1.h5" "$dir/t3.h5"
check "back-test, bounded, 3 ranks run" bt 3 "$dir/tb3.h5" --memory 1
check "back-test: bounded = every record" /usr/bin/python3 tests/h5_same.py "$dir/t1.h5" "$dir/tb3.h5"

# Sweeps, goal seeks and attributions run every point on every rank (the
# engine shares each run's trajectories): the same files on 1 and 3 ranks; a
# goal seek's next value is rank 0's (broadcast), so every rank searches alike.
sw() {  # ranks output
    "${mpi[@]}" -np "$1" "$bin" sweep "$sc" --set parameters.cluster_effect.mean=0.1,0.3 \
        --set 'levers={arp: {changes: placement_mix, from: special, to: arp, start: 2026, effect: 0.2}}' \
        -n 1001 -t 1 -o "$2" --quiet
}
check "sweep, 1 rank runs" sw 1 "$dir/sw1.h5"
check "sweep, 3 ranks run" sw 3 "$dir/sw3.h5"
check "sweep: 3 ranks = 1 rank" /usr/bin/python3 tests/h5_same.py "$dir/sw1.h5" "$dir/sw3.h5"
gs() {  # ranks output
    "${mpi[@]}" -np "$1" "$bin" goalseek "$sc" --vary parameters.cluster_effect.mean --range 0.05,0.9 \
        --target 'p_met[2025/26] >= 0.5' -n 1001 -t 1 -o "$2" --quiet
}
check "goal seek, 1 rank runs" gs 1 "$dir/gs1.h5"
check "goal seek, 3 ranks run" gs 3 "$dir/gs3.h5"
check "goal seek: 3 ranks = 1 rank" /usr/bin/python3 tests/h5_same.py "$dir/gs1.h5" "$dir/gs3.h5"
at() {  # ranks output
    "${mpi[@]}" -np "$1" "$bin" attribute "$sc" scenarios/kirklees-clusters.yaml -n 1001 -t 1 \
        -o "$2" --quiet
}
check "attribution, 1 rank runs" at 1 "$dir/at1.h5"
check "attribution, 3 ranks run" at 3 "$dir/at3.h5"
check "attribution: 3 ranks = 1 rank" /usr/bin/python3 tests/h5_same.py "$dir/at1.h5" "$dir/at3.h5"

# And the same as the plain (non-MPI) build, where there is one.
if [ -x build/sendcast ]; then
    check "plain build runs" build/sendcast run "$sc" -n "$n" -o "$dir/plain.h5" --quiet
    check "3 ranks = plain build" /usr/bin/python3 tests/h5_same.py "$dir/plain.h5" "$dir/r3.h5"
    check "plain build, bounded, runs" build/sendcast run "$sc" -n 3001 -o "$dir/pb.h5" --quiet --memory 1
    check "bounded: 3 ranks = plain build" /usr/bin/python3 tests/h5_same.py "$dir/pb.h5" "$dir/b3.h5"
fi
# The calibration spreads its forecasts over ranks: the same scores and cases on 1 and 3
# ranks (on the synthetic releases, two origins, small runs).
cal() {  # ranks output
    "${mpi[@]}" -np "$1" "$bin" calibrate --sen2 tests/data/sen2/r2022.zip \
        --sen2 tests/data/sen2/r2025.zip --origins 2020-2021 --horizon 2 -n 200 -t 1 -o "$2" --quiet
}
check "calibrate, 1 rank runs" cal 1 "$dir/c1.h5"
check "calibrate, 3 ranks run" cal 3 "$dir/c3.h5"
check "calibrate: 3 ranks = 1 rank" /usr/bin/python3 tests/h5_same.py "$dir/c1.h5" "$dir/c3.h5"

# The comparison can fail: another seed gives another file.
differs() { ! /usr/bin/python3 tests/h5_same.py "$1" "$2" >/dev/null; }
check "seed 7 runs on 2 ranks" "${mpi[@]}" -np 2 "$bin" run "$sc" -n "$n" -s 7 -o "$dir/s7.h5" --quiet
check "another seed differs" differs "$dir/r1.h5" "$dir/s7.h5"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
