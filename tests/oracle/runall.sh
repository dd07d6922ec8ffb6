#!/usr/bin/env bash
# Regenerate every cases/*.expected from CPython (3.11+) under the virtual clock.
#   ./runall.sh           rewrite every cases/X.expected (vclock.py), and cases/X.batch.expected
#                         (vclock_batch.py) for the cases whose trace differs under one-batch-
#                         per-instant timer firing (see FINDINGS.md, "timer batches")
#   ./runall.sh --check   only compare; exit 1 if any expected trace differs
cd "$(dirname "$0")"
status=0
for f in cases/*.py; do
  exp="${f%.py}.expected"; bexp="${f%.py}.batch.expected"
  out=$(python3 vclock.py "$f") || { echo "FAILED $f"; status=1; continue; }
  bout=$(python3 vclock_batch.py "$f") || { echo "FAILED (batch) $f"; status=1; continue; }
  if [ "$1" = "--check" ]; then
    diff -u "$exp" <(echo "$out") || { echo "DIFFERS $f"; status=1; }
    if [ "$out" != "$bout" ]; then
      diff -u "$bexp" <(echo "$bout") || { echo "DIFFERS (batch) $f"; status=1; }
    elif [ -e "$bexp" ]; then echo "STALE $bexp"; status=1; fi
  else
    echo "$out" > "$exp"
    if [ "$out" != "$bout" ]; then echo "$bout" > "$bexp"; else rm -f "$bexp"; fi
  fi
done
exit $status
