#!/bin/bash
# check-seeds.sh OUTDIR "SEEDS" PROGRAM... -- `make check-seeds`: runs every
# program under every seed at DMC_POINTS_SCALE=0.1, two at a time, each with
# its own results directory OUTDIR/<seed>. Names every failing seed and
# program (with its log), prints "check-seeds: F failures in S seeds x P
# programs" last, and exits 1 if F > 0.
set -u
out=$1 seeds=$2
shift 2
rm -rf "$out" && mkdir -p "$out" || exit 2
export CHECK_SEEDS_OUT=$out
run_one() {
  local seed=$1 prog=$2 dir="$CHECK_SEEDS_OUT/$1" log
  case $prog in /*) ;; *) prog=./$prog ;; esac
  mkdir -p "$dir"
  log="$dir/$(basename "$prog").log"
  if DMC_SEED=$seed DMC_POINTS_SCALE=0.1 DMC_RESULTS="$dir" "$prog" > "$log" 2>&1; then
    rm -f "$log"
  else
    echo "check-seeds: FAIL seed $seed $prog (exit $?; log: $log)"
    echo "$seed $prog" >> "$dir/failed"
  fi
}
export -f run_one
for s in $seeds; do for p in "$@"; do echo "$s $p"; done; done | xargs -P 2 -n 2 bash -c 'run_one "$0" "$1"'
nseeds=$(echo $seeds | wc -w)
failures=$(cat "$out"/*/failed 2>/dev/null | wc -l)
echo "check-seeds: $failures failures in $nseeds seeds x $# programs"
[ "$failures" -eq 0 ]
