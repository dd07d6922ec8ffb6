#!/usr/bin/env bash
# Regenerate every cases/*.expected from CPython (3.11+) under the virtual clock.
#   ./runall.sh           rewrite every cases/*.expected
#   ./runall.sh --check   only compare; exit 1 if any expected trace differs
cd "$(dirname "$0")"
status=0
for f in cases/*.py; do
  exp="${f%.py}.expected"
  if [ "$1" = "--check" ]; then
    if ! python3 vclock.py "$f" | diff -u "$exp" - ; then echo "DIFFERS $f"; status=1; fi
  else
    python3 vclock.py "$f" > "$exp" || { echo "FAILED $f"; status=1; }
  fi
done
exit $status
