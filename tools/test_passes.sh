#!/usr/bin/env bash
# The suite's passes: SQLite always, PostgreSQL when LMS_TEST_DATABASE_URL is set. With both,
# they run at the same time (each in its own temporary folder; the SQLite pass on the Redis
# database below the PostgreSQL pass's), because most of a pass waits on a browser, a server or
# a database rather than on a core; their output is printed one pass after the other.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
read -r -a args <<<"${PYTEST_ARGS:-}"

run_pass() {  # run_pass NAME LOG [VAR=VALUE ...]: one pytest run; its status in LOG.status
  local name="$1" log="$2"
  shift 2
  env "$@" "$BIN/pytest" -p no:cacheprovider --basetemp="$work/$name" "${args[@]}" >"$log" 2>&1
  echo $? >"$log.status"
}

status_of() {  # 0 passed; pytest's 5 (nothing collected) is a failure too
  local rc
  rc="$(cat "$1.status")"
  [ "$rc" -eq 5 ] && echo "pytest collected no tests" >>"$1"
  [ "$rc" -eq 0 ]
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ -z "${LMS_TEST_DATABASE_URL:-}" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "CI=true but LMS_TEST_DATABASE_URL is not set"
    exit 1
  fi
  echo "PostgreSQL pass skipped: set LMS_TEST_DATABASE_URL to run the suite on PostgreSQL"
  "$BIN/pytest" -p no:cacheprovider --basetemp="$work/sqlite" "${args[@]}"
  rc=$?
  [ $rc -eq 5 ] && echo "pytest collected no tests" && exit 1
  exit $rc
fi

sqlite_redis="${LMS_TEST_REDIS_URL:-}"
if [[ "$sqlite_redis" =~ ^(.*/)([0-9]+)$ ]] && [ "${BASH_REMATCH[2]}" -gt 0 ]; then
  sqlite_redis="${BASH_REMATCH[1]}$((BASH_REMATCH[2] - 1))"
fi
echo "Running the SQLite and PostgreSQL passes at the same time (output follows each pass)"
start=$SECONDS
run_pass sqlite "$work/sqlite.log" LMS_TEST_BACKEND=sqlite LMS_TEST_REDIS_URL="$sqlite_redis" &
sqlite_job=$!
run_pass postgresql "$work/postgresql.log" LMS_TEST_BACKEND=postgresql &
postgresql_job=$!
while kill -0 "$sqlite_job" 2>/dev/null || kill -0 "$postgresql_job" 2>/dev/null; do
  sleep 30
  printf '  %3d s  sqlite: %s | postgresql: %s\n' "$((SECONDS - start))" \
    "$(tail -c 300 "$work/sqlite.log" | tr -d '\r' | tail -n 1 | cut -c1-40)" \
    "$(tail -c 300 "$work/postgresql.log" | tr -d '\r' | tail -n 1 | cut -c1-40)"
done
wait "$sqlite_job" "$postgresql_job"

failed=0
for name in sqlite postgresql; do
  echo
  echo "================================ $name pass ================================"
  cat "$work/$name.log"
  status_of "$work/$name.log" || failed=1
done
exit $failed
