#!/usr/bin/env bash
# Triage of what `make fuzz-result` found (fuzz/fuzz_result.c reads every
# input in process, without the child process the product reads in):
#
#   fuzz/triage.sh HARNESS SENDCAST DIR
#
# For each finding in DIR (crash-*, timeout-*, oom-*, leak-*): its signature,
# the first frame of the fault (a function of sendcast's, or libhdf5's) as
# the harness reports it; and whether the product contains it: `sendcast
# export` on the file must exit 0 or 2, in bounded time, printing no
# sanitizer report. A finding the product does not contain ESCAPED: a bug to
# fix. Each signature needs one regression case in fuzz/regressions-result/
# (named <signature>.h5; tests/test_fuzz_result.c replays them): the
# signatures that have none are listed. Exit 0 when nothing escaped and every
# signature has its case.
set -u
harness=$1 bin=$2 dir=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
escaped=0 missing=0 n=0
declare -A seen=()
for f in "$dir"/crash-* "$dir"/timeout-* "$dir"/oom-* "$dir"/leak-*; do
    [ -e "$f" ] || continue
    n=$((n + 1))
    kind=$(basename "$f" | cut -d- -f1)
    report=$(ASAN_OPTIONS=allocator_may_return_null=1 \
             LSAN_OPTIONS=suppressions=fuzz/lsan-result.supp:print_suppressions=0 \
             timeout -s KILL 60 "$harness" -timeout=10 -rss_limit_mb=2048 "$f" 2>&1)
    # the first frame in libhdf5 or in a source file of sendcast's (the
    # sanitizer's own interceptors, in the harness without a source line, and
    # libFuzzer's frames are passed over)
    frame=$(grep -E '^ +#[0-9]+ ' <<<"$report" | grep -E 'libhdf5|/src/|/fuzz/[a-z_]+\.c' \
            | grep -vE 'LLVMFuzzer|fuzzer::' | head -1)
    # a hang is sampled anywhere in its loop: its first named frame is its
    # signature, not an offset that changes from one finding to the next
    if [ "$kind" = timeout ]; then
        named=$(grep -E '^ +#[0-9]+ ' <<<"$report" | grep -E 'libhdf5|/src/' \
                | grep -E ' in [A-Za-z_][A-Za-z0-9_]* ' | head -1)
        [ -n "$named" ] && frame=$named
    fi
    fn=$(sed -nE 's/.* in ([A-Za-z_][A-Za-z0-9_]*) .*/\1/p' <<<"$frame")
    [ -z "$fn" ] && fn=$(sed -nE 's/.*\((.*\/)?([^/]+)\+(0x[0-9a-f]+)\).*/\2+\3/p' <<<"$frame" | tr -c 'A-Za-z0-9_+\n' _)
    if [ -z "$frame" ]; then
        sig="$kind-unreproduced"      # a fault that needed the state earlier inputs left
    else
        case "$frame" in
            *libhdf5*) sig="hdf5-$kind-$fn" ;;
            *) sig="ours-$kind-$fn" ;;
        esac
    fi
    msg=$(timeout -s KILL 300 "$bin" export "$f" --csv "$tmp/x.csv" 2>&1)
    st=$?
    rm -f "$tmp/x.csv"
    verdict=contained
    if [ "$st" -ne 0 ] && [ "$st" -ne 2 ]; then verdict="ESCAPED (exit $st)"; fi
    if grep -qE 'Sanitizer|runtime error' <<<"$msg"; then verdict="ESCAPED (sanitizer)"; fi
    [ "$verdict" = contained ] || escaped=$((escaped + 1))
    printf '%-10s %-48s %s %s\n' "$kind" "$sig" "$verdict" "$(basename "$f") ($(stat -c %s "$f") bytes)"
    seen[$sig]=1
done
for sig in "${!seen[@]}"; do
    case "$sig" in *-unreproduced) continue ;; esac
    if [ ! -e "fuzz/regressions-result/$sig.h5" ]; then
        echo "no regression case yet: fuzz/regressions-result/$sig.h5"
        missing=$((missing + 1))
    fi
done
echo "triage: $n findings, $escaped escaped the product, ${#seen[@]} signatures, $missing without a regression case"
[ "$escaped" -eq 0 ] && [ "$missing" -eq 0 ]
