#!/usr/bin/env bash
# Instruction counts per event on the bench's quick set, one workload and one side at a
# time, under callgrind (counts instructions, so the figure does not depend on the load of
# the machine). Usage: scripts/callgrind.sh [bench binary] [side]
#   default binary: target/release/simloop-bench (build it with
#   `cargo build --release -p simloop-bench`), default side: simloop-off (untraced).
# Prints "W<n> <instructions per event>" for W1..W5: the whole process's count, minus that
# of the same binary with no workload run, divided by the workload's events.
set -euo pipefail
cd "$(dirname "$0")/../../.."
bin="${1:-target/release/simloop-bench}"
side="${2:-simloop-off}"
count() {
    local out
    out=$(mktemp)
    valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" --quick --rounds 1 "$@" \
        >/dev/null 2>&1
    callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'
    rm -f "$out"
}
base=$(count --only none --side "$side")
# events of each workload in the quick set (see quick_set in src/main.rs)
declare -A events=(
    [W1]=$((1000 * 10 + 10000 * 10))
    [W2]=100000
    [W3]=$((100000 + 10000))
    [W4]=$((8 + 64 + 512 + 4096 + 1))
    [W5]=1000
)
for w in W1 W2 W3 W4 W5; do
    total=$(count --only "$w" --side "$side")
    echo "$w $(( (total - base) / ${events[$w]} ))"
done
