#!/usr/bin/env bash
# The catalogue of bad inputs: every tests/bad/*.yaml is wrong in one way.
# Each must make `sendcast run` exit with status 2, without a crash or a
# result file, and say what was expected: the file's header gives the words
# the message must contain (# expect:) and where it must point (# at:
# FILE:LINE, relative to tests/bad/). Files without a header (empty, binary
# junk) must still be refused with their name in the message.
set -u
bin=${1:-build/sendcast}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pass=0 fail=0
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
    if [ -z "$why" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        printf 'FAILED %s: %s\n  message: %s\n' "$f" "$why" "$(head -c 400 <<<"$msg")"
    fi
done
echo "bad-inputs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
