#!/usr/bin/env bash
# The catalogue of bad inputs: every tests/bad/*.yaml is wrong in one way.
# Each must make `sendcast run` exit with status 2, without a crash or a
# result file, and say what was expected (tests/bad/init/*.args: the same
# for `sendcast init`, and tests/bad/sensitivity/*.args for `sensitivity`,
# `budgets` and the report's budgets, below): the file's header gives the words
# the message must contain (# expect:) and where it must point (# at:
# FILE:LINE, relative to tests/bad/). Files without a header (empty, binary
# junk) must still be refused with their name in the message.
set -u
bin=${1:-build/sendcast}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pass=0 fail=0
# Count the case in $f as passed, or failed for $why (showing $msg).
tally() {
    if [ -z "$why" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        printf 'FAILED %s: %s\n  message: %s\n' "$f" "$why" "$(head -c 400 <<<"$msg")"
    fi
}
for f in tests/bad/*.yaml; do
    expect=$(sed -n 's/^# expect: //p' "$f" | head -1)
    at=$(sed -n 's/^# at: //p' "$f" | head -1)
    msg=$(timeout 60 "$bin" run "$f" -n 10 -o "$out/r.h5" --quiet 2>&1)
    st=$?
    why=""
    [ "$st" -eq 2 ] || why="exit $st, expected 2"
    [ -z "$why" ] && [ -e "$out/r.h5" ] && why="a result file was written"
    [ -z "$why" ] && ! grep -qF -- "$(basename "$f")" <<<"$msg" && why="message does not name the file"
    [ -z "$why" ] && [ -n "$expect" ] && ! grep -qF -- "$expect" <<<"$msg" && why="message lacks \"$expect\""
    [ -z "$why" ] && [ -n "$at" ] && [ "$at" != "-" ] && ! grep -qF -- "tests/bad/$at:" <<<"$msg" \
        && why="message does not point at $at"
    tally
done
# The init catalogue: every tests/bad/init/*.args holds the arguments of a
# `sendcast init` that must be refused with status 2, without a crash, a
# scenario or a temporary file left behind, with a message that holds the
# words of `# expect:` and names what `# names:` gives (the file, with its
# line where there is one, or the council).
for f in tests/bad/init/*.args; do
    expect=$(sed -n 's/^# expect: //p' "$f" | head -1)
    names=$(sed -n 's/^# names: //p' "$f" | head -1)
    args=$(grep -v '^#' "$f")
    msg=$(eval "timeout 60 \"$bin\" init $args -o \"$out/init.yaml\" --quiet" 2>&1)
    st=$?
    why=""
    [ "$st" -eq 2 ] || why="exit $st, expected 2"
    [ -z "$why" ] && [ -e "$out/init.yaml" ] && why="a scenario was written"
    [ -z "$why" ] && ls "$out" | grep -q tmp && why="a temporary file was left"
    [ -z "$why" ] && ! grep -qF -- "$expect" <<<"$msg" && why="message lacks \"$expect\""
    [ -z "$why" ] && ! grep -qF -- "$names" <<<"$msg" && why="message does not name \"$names\""
    tally
done
# The sensitivity catalogue: every tests/bad/sensitivity/*.args holds the
# arguments of a `sendcast sensitivity`, `budgets`, `report` or `distribution` that must be
# refused with status 2, a message that holds the words of `# expect:` and of
# `# names:`, and nothing written (sensitivity and budgets are also asked for
# a CSV in $OUT, which must stay empty). They read results made here: $R
# (minimal.yaml, 500 trajectories), $R0 (a bounded run of 3,000 with --sample 0: no
# parameter draws), $RS (100 trajectories: too few for the estimators) and
# $RD (a demand-only scenario: no money, no cluster working).
R=$out/minimal.h5 R0=$out/nodraws.h5 RS=$out/small.h5 RD=$out/demand.h5 OUT=$out/o
mkdir -p "$OUT"
if ! { "$bin" run tests/data/scenario/minimal.yaml -n 500 -o "$R" --quiet &&
       "$bin" run tests/data/scenario/minimal.yaml -n 3000 --memory 1 --sample 0 -o "$R0" --quiet &&
       "$bin" run tests/data/scenario/minimal.yaml -n 100 -o "$RS" --quiet &&
       "$bin" run tests/data/scenario/demand.yaml -n 500 -o "$RD" --quiet; }; then
    fail=$((fail + 1))
    echo "FAILED making the results the sensitivity catalogue reads"
fi
for f in tests/bad/sensitivity/*.args; do
    expect=$(sed -n 's/^# expect: //p' "$f" | head -1)
    names=$(sed -n 's/^# names: //p' "$f" | head -1)
    args=$(grep -v '^#' "$f")
    case "$args" in sensitivity*|budgets*) args="$args --csv \"\$OUT/x.csv\"";; esac
    msg=$(eval "timeout 60 \"$bin\" $args" 2>&1)
    st=$?
    why=""
    [ "$st" -eq 2 ] || why="exit $st, expected 2"
    [ -z "$why" ] && [ -n "$(ls -A "$OUT")" ] && why="a file was written: $(ls -A "$OUT")"
    [ -z "$why" ] && ! grep -qF -- "$expect" <<<"$msg" && why="message lacks \"$expect\""
    [ -z "$why" ] && ! grep -qF -- "$names" <<<"$msg" && why="message does not name \"$names\""
    tally
    rm -rf "${OUT:?}"/*
done
# The command-line catalogue: every tests/bad/cli/*.args holds a command and
# its arguments (a --set, a goal seek's expression or range, a sweep's value,
# an output) that must be refused with status 2, no file written, and a message
# holding the words of `# expect:` (which name the option and what was expected).
for f in tests/bad/cli/*.args; do
    expect=$(sed -n 's/^# expect: //p' "$f" | head -1)
    args=$(grep -v '^#' "$f")
    msg=$(eval "timeout 60 \"$bin\" $args -o \"$out/cli.h5\" --quiet" 2>&1)
    st=$?
    why=""
    [ "$st" -eq 2 ] || why="exit $st, expected 2"
    [ -z "$why" ] && [ -e "$out/cli.h5" ] && why="a file was written"
    [ -z "$why" ] && ! grep -qF -- "$expect" <<<"$msg" && why="message lacks \"$expect\""
    if [ -z "$why" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        printf 'FAILED %s: %s\n  message: %s\n' "$f" "$why" "$(head -c 400 <<<"$msg")"
    fi
done
echo "bad-inputs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
