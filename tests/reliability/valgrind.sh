#!/usr/bin/env bash
# valgrind memcheck over a full migrate/undo cycle of migrations/ (and the
# read-only commands), against a running server. Fails on any invalid access,
# use of uninitialised memory, or leak (definite, indirect or possible).
#
# Usage: tests/reliability/valgrind.sh MONGOWAY_BINARY URI [DATABASE]
# Prints one line: `valgrind: trials N, failures F, ...`, and the valgrind
# report of every failing run. Run by the full reliability suite.
set -euo pipefail

[[ $# -ge 2 ]] || {
  echo "usage: $0 MONGOWAY_BINARY URI [DATABASE]" >&2
  exit 2
}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mongoway=$1
uri=$2
db=${3:-mongoway_valgrind_$$}
command -v valgrind >/dev/null || {
  echo "valgrind: not installed" >&2
  exit 77
}

logs=$(mktemp -d "${TMPDIR:-/tmp}/mongoway-valgrind.XXXXXX")
trap 'rm -rf -- "$logs"' EXIT

trials=0
failures=0
errors_total=0
definitely=0
run() { # expected-exit command...
  local expected=$1 rc=0 log
  shift
  trials=$((trials + 1))
  log="$logs/run$trials.log"
  MONGOWAY_CLEAN_ENABLED=true NO_COLOR=1 valgrind --tool=memcheck --leak-check=full \
    --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible \
    --track-origins=yes --error-exitcode=99 --log-file="$log" \
    "$mongoway" -u "$uri" -d "$db" -l "$ROOT/migrations" --lock-ttl 30 "$@" >"$logs/out" 2>&1 || rc=$?
  local errors
  errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$log" | tail -n 1)
  errors_total=$((errors_total + ${errors:-0}))
  local lost
  lost=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tr -d , | tail -n 1)
  definitely=$((definitely + ${lost:-0}))
  if [[ $rc != "$expected" || ${errors:-missing} != 0 ]]; then
    failures=$((failures + 1))
    echo "--- mongoway $* (exit $rc, expected $expected; $errors errors)" >&2
    cat "$logs/out" >&2
    cat "$log" >&2
  fi
}

run 0 migrate
run 0 info
run 0 --output json history
run 0 validate
run 0 undo --target 0
run 0 migrate --target 3
run 0 undo --steps 1
run 0 migrate
run 0 --verbose migrate --dry-run
run 0 unlock
run 0 lint
run 0 clean --yes

echo "valgrind: trials $trials, failures $failures, memcheck over migrate, undo to 0, migrate to 3, undo, migrate, info, history, validate, dry run, unlock, lint and clean of migrations/: $errors_total errors, $definitely bytes definitely lost"
[[ $failures == 0 ]]
