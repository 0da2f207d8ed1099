#!/usr/bin/env bash
# The command-line transcript: a fixed script of mongoway runs (every command,
# text and JSON output, success and failure) whose command lines, exit codes,
# standard output and standard error are printed with what varies from run to
# run normalised, so that a change of the program's behaviour shows as a diff
# against tests/cli/transcript/expected.txt.
#
# Usage:
#   tests/cli/transcript/run.sh BINARY           print the transcript on stdout
#   tests/cli/transcript/run.sh --check BINARY   compare it with expected.txt;
#                                                print the diff and exit 1 if it differs
#   tests/cli/transcript/run.sh --update BINARY  rewrite expected.txt on purpose
#                                                (review the diff before committing it)
#
# The server is MONGOWAY_TEST_URI (scripts/run-tests sets it); without it the
# script exits 77, which ctest reports as skipped. Every run uses databases of
# its own, named PREFIX_<case> with a prefix unique to the run, and drops their
# collections at the end. expected.txt is the transcript against the test server,
# FerretDB 1.24: another server words some errors and warnings differently.
#
# Normalised (and nothing else): the server URI and its port (<URI>, <PORT>);
# the run's database prefix (<DB>); its scratch directory (<TMP>); the
# user@host:pid of this machine's processes in lease owners and the history
# (<USER>@<HOST>:<PID>) and their process identity (pid, boot id, pid
# namespace, start time); dates and times of the day of the run (<DATE>,
# <TIME>); durations as printed ("42 ms", "1.5 s", "2 min 5 s": <DURATION>)
# and the JSON fields execution_time_ms, total_time_ms and duration_ms (<N>); inside the
# info and history tables, whose column widths follow those durations and
# owners, runs of blanks (made two) and trailing blanks; and the git revision
# and driver version of --version. Dates the script writes itself (the lease
# it plants, the data's) are of other days and stay as they are.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
EXPECTED="$HERE/expected.txt"

mode=print
case ${1:-} in
  --check) mode=check; shift ;;
  --update) mode=update; shift ;;
esac
if [[ $# -ne 1 ]]; then
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
fi
BINARY=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[[ -x $BINARY ]] || { echo "transcript: $1 is not an executable" >&2; exit 2; }

if [[ $mode != print ]]; then
  out=$(mktemp)
  trap 'rm -f -- "$out"' EXIT
  "${BASH_SOURCE[0]}" "$BINARY" >"$out"
  if [[ $mode == update ]]; then
    cp -- "$out" "$EXPECTED"
    echo "transcript: wrote $EXPECTED ($(grep -c '^\[exit ' "$EXPECTED") runs)" >&2
    exit 0
  fi
  if diff -u --label expected.txt --label actual "$EXPECTED" "$out"; then
    echo "transcript: $(grep -c '^\[exit ' "$EXPECTED") runs as expected" >&2
    exit 0
  fi
  echo "transcript: the output differs from $EXPECTED (above: - expected, + actual)." >&2
  echo "If the change is meant, regenerate it: tests/cli/transcript/run.sh --update BINARY" >&2
  exit 1
fi

URI=${MONGOWAY_TEST_URI:-}
if [[ -z $URI ]]; then
  echo "transcript: MONGOWAY_TEST_URI is not set (scripts/run-tests sets it); skipped" >&2
  exit 77
fi

# Nothing from the caller's environment changes what mongoway prints.
while IFS= read -r name; do unset "$name"; done < <(env | sed -n 's/^\(MONGOWAY_[A-Za-z0-9_]*\)=.*/\1/p')
unset NO_COLOR TERM
export LC_ALL=C TZ=UTC MONGOC_DISABLE_SHM=1

TMP=$(mktemp -d)
TMP=$(cd "$TMP" && pwd -P)
PREFIX="tr$(date +%s%N | tail -c 7)$$"
DAY1=$(date -u +%Y-%m-%d)
cleanup() {
  local name
  for name in main failing baseline takeover takeover_json lock config placeholders goto deleted imported schema \
    fleet_a fleet_b fleet_c; do
    MONGOWAY_CLEAN_ENABLED=true "$BINARY" -u "$URI" -d "${PREFIX}_$name" -l "$TMP/empty" \
      --quiet clean --yes >/dev/null 2>&1 || true
  done
  rm -rf -- "$TMP"
}
trap cleanup EXIT
cd "$TMP"

HOST=$(hostname)
USER_NAME=$(id -un)
URI_NOSLASH=${URI%/}
PORT=$(sed -E 's|^mongodb://[^/]*:([0-9]+).*|\1|' <<<"$URI")

normalise() {
  local day2
  day2=$(date -u +%Y-%m-%d)
  TR_URI="$URI" TR_URI2="$URI_NOSLASH" TR_PORT="$PORT" TR_TMP="$TMP" TR_PREFIX="$PREFIX" \
    TR_HOST="$HOST" TR_USER="$USER_NAME" TR_DAY1="$DAY1" TR_DAY2="$day2" perl -pe '
    BEGIN {
      for my $k (qw(URI URI2 PORT TMP PREFIX HOST USER DAY1 DAY2)) { $v{$k} = quotemeta $ENV{"TR_$k"}; }
    }
    s/$v{TMP}/<TMP>/g;
    s/$v{URI}/<URI>/g;
    s/$v{URI2}/<URI>/g;
    s/127\.0\.0\.1:$v{PORT}\b/127.0.0.1:<PORT>/g;
    s/$v{PREFIX}/<DB>/g;
    s/$v{USER}\@$v{HOST}:\d+/<USER>\@<HOST>:<PID>/g;
    # The process identity of lease holders of this machine, in text and JSON.
    s/\(pid \d+, boot [0-9a-f]{8}, pid namespace \d+\)/(pid <PID>, boot <BOOT>, pid namespace <NS>)/g;
    s/("boot_id": )"[^"]*"/$1"<BOOT>"/g;
    s/("(?:pid_namespace|pid|start_time)": )\d+/$1<N>/g;
    # ISO dates and times of the day of the run, in any of the forms printed.
    s/(?:$v{DAY1}|$v{DAY2})([T ])\d\d:\d\d(?::\d\d(?:\.\d+)?)?(Z|[+-]\d\d:?\d\d| UTC)?/<DATE>$1<TIME>$2/g;
    s/(?:$v{DAY1}|$v{DAY2})/<DATE>/g;
    # Durations (format_duration: "42 ms", "1.5 s", "2 min 5 s"), in text and JSON.
    s/\b(?:\d+ ms|\d+\.\d s|\d+ min \d+ s)\b/<DURATION>/g;
    s/("(?:execution_time_ms|total_time_ms|duration_ms)": )\d+/$1<N>/g;
    # Tables (info, history): their column widths follow the widths of the
    # durations and owners above, so runs of blanks become two and trailing
    # blanks go, from the header line to the blank line after the table.
    $table = 1 if /^(?:\e\[1m)?(?:Version|Rank)(?:\e\[0m)?  +\S/;
    $table = 0 if /^$|^--- std(?:out|err)$/;
    if ($table) { s/ {2,}/  /g; s/ +$//; }
    # --version: the git revision and the driver it was built with.
    s/\(revision [^,()]+, mongo-c-driver [0-9.]+\)/(revision <REV>, mongo-c-driver <VERSION>)/;
  '
}

# t [NAME=VALUE...] mongoway ARGS...: runs mongoway with ARGS (and the
# environment variables given) and prints the run.
t() {
  local -a envs=()
  while [[ $1 == *=* ]]; do envs+=("$1"); shift; done
  [[ $1 == mongoway ]] || { echo "transcript: t needs 'mongoway' first" >&2; exit 2; }
  shift
  local line="" word rc=0
  for word in "${envs[@]}" mongoway "$@"; do
    if [[ $word =~ ^[A-Za-z0-9_./:=@,%+-]+$ ]]; then line+=" $word"; else line+=" $(printf '%q' "$word")"; fi
  done
  env "${envs[@]}" "$BINARY" "$@" >"$TMP/.out" 2>"$TMP/.err" </dev/null || rc=$?
  {
    echo
    echo "\$${line}"
    echo "[exit $rc]"
    if [[ -s $TMP/.out ]]; then echo "--- stdout"; cat "$TMP/.out"; fi
    if [[ -s $TMP/.err ]]; then echo "--- stderr"; cat "$TMP/.err"; fi
  } | normalise
}

# section TITLE: a heading in the transcript.
section() { printf '\n### %s\n' "$*"; }

# use NAME: later runs use the database PREFIX_NAME of the test server.
use() {
  export MONGOWAY_URI="$URI" MONGOWAY_DATABASE="${PREFIX}_$1"
  printf '\n# MONGOWAY_URI=%s MONGOWAY_DATABASE=%s\n' "$URI" "$MONGOWAY_DATABASE" | normalise
}

# show FILE...: prints files the script wrote or mongoway created.
show() {
  local f
  for f in "$@"; do
    printf '\n# %s\n' "$f"
    cat -- "$f"
  done | normalise
}

write() { mkdir -p "$(dirname "$1")"; cat >"$1"; }

# ---------------------------------------------------------------- the files
write migrations/V1__create_users.json <<'EOF'
[
  {"createCollection": "users", "comment": "accounts"},
  {"createIndex": "users", "key": {"email": 1}, "unique": true}
]
EOF
write migrations/U1__undo_create_users.json <<'EOF'
[
  {"dropCollection": "users"}
]
EOF
write migrations/V2__seed_users.json <<'EOF'
{
  "comment": "the first users",
  "commands": [
    {"insertMany": "users", "documents": [
      {"_id": 1, "email": "ada@example.com", "signed_up": {"$date": "2024-01-20T10:00:00Z"}},
      {"_id": 2, "email": "linus@example.com", "signed_up": {"$date": "2024-02-03T16:45:00Z"}}
    ]}
  ]
}
EOF
write migrations/U2__undo_seed_users.json <<'EOF'
[
  {"deleteMany": "users", "filter": {"_id": {"$in": [1, 2]}}}
]
EOF
write migrations/V3__add_status.json <<'EOF'
[
  {"updateMany": "users", "filter": {}, "update": {"$set": {"status": "active"}}}
]
EOF
write migrations/U3__undo_add_status.json <<'EOF'
[
  {"updateMany": "users", "filter": {}, "update": {"$unset": {"status": ""}}}
]
EOF
write migrations/V4__seed_countries.json <<'EOF'
[
  {"createIndex": "countries", "key": {"code": 1}, "unique": true},
  {"insertMany": "countries", "documentsFile": "data/countries.ndjson"}
]
EOF
write migrations/data/countries.ndjson <<'EOF'
{"code": "FR", "name": "France"}
{"code": "DE", "name": "Germany"}
{"code": "JP", "name": "Japan"}
EOF
write migrations/U4__undo_seed_countries.json <<'EOF'
[
  {"dropCollection": "countries"}
]
EOF

# V1 edited after it was applied: a checksum that no longer matches.
mkdir -p edited
cp -r migrations/. edited/
write edited/V1__create_users.json <<'EOF'
[
  {"createCollection": "users", "comment": "accounts of the shop"},
  {"createIndex": "users", "key": {"email": 1}, "unique": true}
]
EOF

# V2 refused by the server: the same _id twice.
write failing/V1__create_items.json <<'EOF'
[
  {"createCollection": "items"}
]
EOF
write failing/V2__duplicate_item.json <<'EOF'
[
  {"insertOne": "items", "document": {"_id": 1, "name": "first"}},
  {"insertOne": "items", "document": {"_id": 1, "name": "again"}}
]
EOF
mkdir -p fixed
cp failing/V1__create_items.json fixed/
write fixed/V2__duplicate_item.json <<'EOF'
[
  {"insertOne": "items", "document": {"_id": 2, "name": "second"}},
  {"insertOne": "items", "document": {"_id": 3, "name": "third"}}
]
EOF

# Problems found before anything is sent: the lint errors, with positions.
write invalid/V1__syntax.json <<'EOF'
[
  {"dropCollection" "users"}
]
EOF
write invalid/V2__unknown_command.json <<'EOF'
[
  {"dropColection": "users"}
]
EOF
write invalid/V3__missing_field.json <<'EOF'
[
  {"renameCollection": "users"},
  {"insertMany": "users", "documents": []}
]
EOF
write invalid/V3__duplicate_version.json <<'EOF'
[
  {"dropCollection": "users"}
]
EOF
write invalid/notes.txt <<'EOF'
not a migration file
EOF
write invalid/V4__trailing_comma.json <<'EOF'
[
  {"createCollection": "a"},
]
EOF

# What a server has: collMod and a view (FerretDB 1.24 has neither), a time
# series collection (MongoDB 5.0 and later).
write needs/V1__users.json <<'EOF'
[
  {"createCollection": "users"}
]
EOF
write needs/V2__strict.json <<'EOF'
[
  {"collMod": "users", "validationLevel": "strict"}
]
EOF
write needs/V3__recent.json <<'EOF'
[
  {"createView": "recent", "viewOn": "users", "pipeline": [{"$match": {}}]},
  {"runCommand": {"create": "metrics", "timeseries": {"timeField": "at"}}}
]
EOF

# Batched updates: an $inc a resumed run could apply twice (a lint warning),
# and a backfill whose filter excludes the documents already done.
write batched/V1__count_visits.json <<'EOF'
[
  {"updateMany": "users", "filter": {"active": true}, "update": {"$inc": {"visits": 1}}, "batchSize": 100}
]
EOF
write batched/V2__backfill_plan.json <<'EOF'
[
  {"updateMany": "users", "filter": {"plan": {"$exists": false}}, "update": {"$set": {"plan": "free"}},
   "batchSize": 100, "pauseMs": 10}
]
EOF

# A lease of another process (a far future expiry), planted in the lock
# collection by a migration of its own history collection.
write plant-lease/V1__plant_lease.json <<'EOF'
[
  {"insertOne": "mongoway_history_lock", "document": {
    "_id": {"$numberLong": "1000"}, "owner": "deploy@ci-runner-7:4242", "token": "planted",
    "acquired_at": {"$date": "2001-02-03T04:05:06Z"},
    "expires_at": {"$date": "2099-01-01T00:00:00Z"}, "released": false}}
]
EOF

# ${NAME} placeholders, one named like a secret.
write placeholders/V1__settings.json <<'EOF'
[
  {"insertOne": "settings", "document": {"env": "${env}", "db_password": "${db_password}", "literal": "$${env}"}}
]
EOF

write bad.conf <<'EOF'
# a key mongoway does not know
colour = always
EOF

write clean.conf <<'EOF'
# clean is allowed on this database
clean_enabled = true
output = json
EOF

mkdir -p empty newdir

echo "mongoway command-line transcript (tests/cli/transcript/run.sh)"
show migrations/V1__create_users.json failing/V2__duplicate_item.json invalid/V1__syntax.json

# ---------------------------------------------------------------- no server
# A golang-migrate set: server commands, as `import golang-migrate` reads them.
write golang/000001_create_users.up.json <<'EOF'
[
  {"create": "users", "comment": "accounts"},
  {"createIndexes": "users", "indexes": [{"key": {"email": 1}, "name": "email_1", "unique": true}],
   "writeConcern": {"w": "majority"}},
  {"insert": "users", "documents": [{"email": "a@example.com", "visits": {"$numberLong": "1"},
                                     "since": {"$date": "2024-01-31T12:00:00Z"}}]}
]
EOF
write golang/000001_create_users.down.json <<'EOF'
[{"drop": "users"}]
EOF
write golang/20240131120000_tidy.up.json <<'EOF'
[
  {"update": "users", "updates": [{"q": {}, "u": {"$inc": {"visits": 1}}, "multi": true},
                                  {"q": {"email": "a@example.com"}, "u": {"$set": {"vip": true}}}]},
  {"delete": "users", "deletes": [{"q": {"vip": false}, "limit": 0}]},
  {"validate": "users"}
]
EOF
write golang-broken/1_broken.up.json <<'EOF'
[
  {"create": "x"},
  {"insert": "x", "documents": [{"n": {"$numberLong": 1}}]}
]
EOF

section "usage and version"
t mongoway --version
t mongoway --version --output json
t mongoway
t mongoway --help
t mongoway help
t mongoway help migrate
t mongoway undo --help
t mongoway help status
t mongoway help lint
t mongoway help nosuch
t mongoway --output json help nosuch
t mongoway migrat
t mongoway --output json migrat

section "usage errors (exit 2)"
t mongoway migrate --targte 3
t mongoway --output json migrate --targte 3
t mongoway --databse x info
t mongoway -d db migrate --target abc
t mongoway -d db --output json migrate --target -1
t mongoway -d db undo --steps 0
t mongoway -d db undo --target latest
t mongoway -d db history --limit x
t mongoway -d db migrate --target
t mongoway -d db --lock-ttl 1 info
t mongoway -d db --lock-timeout 100000 info
t mongoway -d db --output xml info
t mongoway -d db --transaction sometimes info
t mongoway --color rainbow lint
t mongoway -d db --placeholder novalue info
t mongoway -d db baseline
t mongoway -d db --output json baseline --baseline-version abc
t mongoway -d db repair --yes
t mongoway new
t mongoway -d db info extra
t mongoway info
t mongoway --output json info
t mongoway --config missing.conf info
t MONGOWAY_OUTPUT=json mongoway --config missing.conf info
t MONGOWAY_LOCK_TTL=abc mongoway -d db info
t mongoway -c clean.conf --lock-ttl 2 info
t mongoway -c bad.conf info
t mongoway -u not-a-uri -d db info
t mongoway -u mongodb://127.0.0.1:1/?w=0 -d db info

section "lint (never connects)"
t mongoway lint -l migrations
t mongoway --output json lint -l migrations
t mongoway lint -l invalid
t mongoway --output json lint -l invalid
t mongoway lint -l no-such-dir
t mongoway lint -l empty
t mongoway --output json lint -l empty
t mongoway lint -l needs --server-profile ferretdb-1.24
t mongoway --output json lint -l needs --server-profile mongodb-4.4
t mongoway lint -l needs --server-profile mongodb-7.0
t mongoway lint -l needs --server-profile mongodb-7
t mongoway lint -l batched
t mongoway --output json lint -l batched

section "new (never connects)"
t mongoway new "create users" -l newdir
t mongoway new "add status field" -l newdir
t mongoway --output json new seed_data --no-undo -l newdir
t mongoway new "bad/name" -l newdir
show newdir/V1__create_users.json newdir/U1__undo_create_users.json
t mongoway lint -l newdir

section "import golang-migrate (never connects)"
t mongoway import golang-migrate golang -l imported --dry-run
t mongoway import golang-migrate golang -l imported
t mongoway --output json import golang-migrate golang -l imported-json
t mongoway import golang-migrate golang -l imported
t mongoway import golang-migrate golang-broken -l imported-broken
t mongoway import flyway golang
t mongoway import golang-migrate no-such-dir
show imported/V20240131120000__tidy.json
t mongoway lint -l imported

section "init (never connects)"
t mongoway init --config initdir/app.conf
t mongoway --output json init --config initdir/app.conf
show initdir/app.conf

section "unreachable server (exit 5)"
t mongoway -u 'mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300&connectTimeoutMS=300' -d db -l migrations info
t mongoway -u 'mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300&connectTimeoutMS=300' -d db -l migrations --output json migrate
t mongoway -u 'mongodb://u:secret@127.0.0.1:1/?serverSelectionTimeoutMS=300&connectTimeoutMS=300' -d db -l migrations history

# ---------------------------------------------------------------- a server
section "migrate, info, history, validate, undo"
use main
t mongoway -l migrations info
t mongoway -l migrations --output json info
t mongoway -l migrations validate
t mongoway -l migrations history
t mongoway -l migrations undo
t mongoway -l migrations migrate --dry-run
t mongoway -l migrations --output json migrate --dry-run --target 2
t mongoway -l migrations migrate --target 2
t mongoway -l migrations status
t mongoway -l migrations migrate --target 1
t mongoway -l migrations --output json migrate --steps 1
t mongoway -l migrations migrate --target 9
t mongoway -l migrations --output json migrate
t mongoway -l migrations migrate
t mongoway -l migrations info
t mongoway -l migrations --output json info
t mongoway -l migrations validate
t mongoway -l migrations --output json validate
t mongoway -l migrations history
t mongoway -l migrations --output json history --limit 2
t mongoway -l migrations history --limit 1
t mongoway -l migrations undo --dry-run
t mongoway -l migrations --output json undo --dry-run --target 2
t mongoway -l migrations undo
t mongoway -l migrations --output json undo --target 1
t mongoway -l migrations info
t mongoway -l migrations --verbose info
t mongoway -l migrations --verbose --lock-ttl 600 migrate
t mongoway -l migrations --quiet undo --steps 2
t mongoway -l migrations --output json migrate --target 2
t mongoway -l migrations -l empty info
t mongoway -l invalid info
t mongoway -l migrations --color always info
t mongoway --color always lint -l invalid
t mongoway -l invalid --output json migrate

section "placeholders"
use placeholders
t mongoway -l placeholders migrate --dry-run
t mongoway -l placeholders --output json migrate --dry-run
t mongoway -l placeholders --placeholder env=production --placeholder db_password=hunter2 migrate --dry-run
t MONGOWAY_PLACEHOLDER_env=staging MONGOWAY_PLACEHOLDER_db_password=s3cret mongoway -l placeholders --output json migrate
t MONGOWAY_PLACEHOLDER_env=staging MONGOWAY_PLACEHOLDER_db_password=s3cret mongoway -l placeholders history
use main

section "a changed file: validate fails, repair realigns"
t mongoway -l edited validate
t mongoway -l edited --output json validate
t mongoway -l edited migrate
t mongoway -l edited repair --dry-run
t mongoway -l edited --output json repair --dry-run
t mongoway -l edited repair
t mongoway -l edited validate
t mongoway -l edited history --limit 2
t mongoway -l migrations migrate --no-validate
t mongoway -l edited repair --output json

section "a command the server refuses (exit 1), repair"
use failing
t mongoway -l failing migrate
t mongoway -l failing info
# --metrics-file, as node_exporter's textfile collector reads it (the duration
# and the time of the last success vary from run to run).
t mongoway -l failing info --metrics-file failing.prom
sed -E 's/^(mongoway_last_(run_duration|success_timestamp)_seconds\{[^}]*\}) .*/\1 <N>/' failing.prom >failing.prom.shown
show failing.prom.shown
t mongoway -l failing --output json migrate
t mongoway -l failing validate
t mongoway -l failing --output json info
t mongoway -l failing history
t mongoway -l failing repair --dry-run
t mongoway -l failing --output json repair
t mongoway -l failing info
t mongoway -l failing repair
t mongoway -l failing --output json migrate
t mongoway -l failing --quiet repair
t mongoway -l fixed migrate
t mongoway -l fixed --output json history

section "baseline"
use baseline
t mongoway -l migrations baseline --baseline-version 2 --description "existing schema"
t mongoway -l migrations --output json baseline --baseline-version 3
t mongoway -l migrations info
t mongoway -l migrations --output json migrate
t mongoway -l migrations history
t mongoway -l migrations undo --target 0
t mongoway -l migrations --output json undo --target 2

section "baseline --from: another tool's history taken over"
# setup DIR: runs DIR's files, which write another tool's record, with a
# history collection of their own (not shown: the record is what matters).
setup() { "$BINARY" -l "$1" --history-collection setup_history --quiet migrate >/dev/null; }
use takeover
write golang/V1__record.json <<'EOF'
[{"insertMany": "schema_migrations", "documents": [{"version": 3, "dirty": true}]}]
EOF
setup golang
t mongoway -l migrations baseline --from golang-migrate
t mongoway -l migrations baseline --from flyway
t mongoway -l migrations baseline --from golang-migrate --baseline-version 3
t mongoway -l migrations baseline --from liquibase
write golang/V2__clean.json <<'EOF'
[{"updateMany": "schema_migrations", "filter": {}, "update": {"$set": {"dirty": false}}}]
EOF
setup golang
t mongoway -l migrations baseline --from golang-migrate
t mongoway -l migrations info
use takeover_json
write changelog/V1__record.json <<'EOF'
[{"insertMany": "changelog", "documents": [
  {"fileName": "1-users.js", "appliedAt": {"$date": "2024-01-20T10:00:00Z"}, "migrationBlock": 1705744800000},
  {"fileName": "2-seed.js", "appliedAt": {"$date": "2024-01-20T10:00:01Z"}, "migrationBlock": 1705744800000}
]}]
EOF
setup changelog
t mongoway -l migrations --output json baseline --from migrate-mongo

section "goto, history's audit options"
use goto
t mongoway -l migrations goto 2
t mongoway -l migrations goto 0
t mongoway -l migrations --output json goto 0 --allow-undo --dry-run
t mongoway -l migrations goto 1 --allow-undo
t mongoway -l migrations --output json goto 9
t mongoway -l migrations history --type migrate,undo --ascending
t mongoway -l migrations --output json history --version 2
t mongoway -l migrations history --since yesterday
t mongoway -l migrations history --until 2000-01-01 --type migrat
section "an imported golang-migrate set"
use imported
t mongoway -l imported migrate
t mongoway -l imported validate

section "a deleted file: repair --mark-deleted; remove"
use deleted
mkdir -p gone
cp -r migrations/. gone/
t mongoway -l migrations --quiet migrate --target 2
rm gone/V1__create_users.json gone/U1__undo_create_users.json
t mongoway -l gone validate
t mongoway -l gone repair --dry-run
t mongoway -l gone repair --dry-run --mark-deleted
t mongoway -l gone --output json repair --mark-deleted
t mongoway -l gone info
t mongoway -l gone history --limit 1
t mongoway -l gone validate
t mongoway -l gone undo --target 0
t mongoway -l gone remove 2
t mongoway -l gone remove --all-pending --dry-run
t mongoway -l gone --output json remove 4 --dry-run
t mongoway -l gone remove --all-pending
t mongoway -l gone remove --all-pending
t mongoway -l migrations info

section "snapshot and diff"
use schema
SCRATCH="mongoway_scratch_${PREFIX}"
t mongoway -l migrations --quiet migrate --target 3
t mongoway -l migrations snapshot --output-file schema.json
show schema.json
t mongoway -l migrations diff --against schema.json
t mongoway -l migrations --output json snapshot --output-file schema2.json
t mongoway -l migrations diff --scratch-database "$SCRATCH"
t mongoway -l migrations diff --against migrations/V1__create_users.json
t mongoway -l migrations --quiet migrate --target 4
t mongoway -l migrations diff --against schema.json
t mongoway -l migrations --output json diff --against schema.json
t mongoway -l migrations diff --against schema.json --ignore 'count*'
# Without --against: the history replayed on a scratch database, and drift made by hand.
write by_hand/V1__by_hand.json <<'EOF'
[{"dropIndex": "users", "name": "email_1"}, {"createCollection": "notes"}]
EOF
t mongoway -l by_hand --history-collection by_hand_history --quiet migrate
t mongoway -l migrations diff --ignore 'by_hand*' --scratch-database "$SCRATCH"
t mongoway -l migrations --output json diff --ignore 'by_hand*' --scratch-database "$SCRATCH"
t mongoway -l migrations diff --scratch-database "$MONGOWAY_DATABASE"
# A file changed since it was applied: the history cannot be replayed.
cp -r migrations/. changed/
write changed/V2__seed_users.json <<'EOF'
[{"insertOne": "users", "document": {"_id": 1, "email": "ada@example.com"}}]
EOF
t mongoway -l changed diff --scratch-database "$SCRATCH"
t mongoway -l changed --output json diff

section "verify"
use verify
write bad_undo/V1__create_tags.json <<'EOF'
[{"createCollection": "tags"}]
EOF
write bad_undo/U1__undo_create_tags.json <<'EOF'
[{"dropCollection": "tags"}]
EOF
write bad_undo/V2__index_tags.json <<'EOF'
[{"createIndex": "tags", "key": {"name": 1}}]
EOF
write bad_undo/U2__undo_index_tags.json <<'EOF'
[{"createCollection": "tmp"}, {"dropCollection": "tmp"}]
EOF
write no_undo/V1__create_tags.json <<'EOF'
[{"createCollection": "tags"}, {"updateMany": "tags", "filter": {}, "update": {"$set": {"a": 1}}}]
EOF
SCRATCH="mongoway_scratch_${PREFIX}"
t mongoway -l migrations verify --scratch-database "$SCRATCH"
t mongoway -l migrations --output json verify --target 2 --data --scratch-database "$SCRATCH"
t mongoway -l bad_undo verify --scratch-database "$SCRATCH"
t mongoway -l bad_undo --output json verify --scratch-database "$SCRATCH"
t mongoway -l no_undo verify --scratch-database "$SCRATCH"
t mongoway -l no_undo verify --require-undo --scratch-database "$SCRATCH"
t mongoway -l migrations verify --scratch-database "$MONGOWAY_DATABASE"
t mongoway -l migrations verify --target 9 --scratch-database "$SCRATCH"
t mongoway -l migrations info

section "derived undo: versions without U files"
use derived
write derived/V1__create_users.json <<'EOF'
[{"createCollection": "users"}, {"createIndex": "users", "key": {"email": 1}, "unique": true}]
EOF
write derived/V2__seed_users.json <<'EOF'
[{"insertMany": "users", "documents": [{"_id": 1, "email": "a@example.com"}, {"_id": 2, "email": "b@example.com"}]}]
EOF
write derived/V3__rename_users.json <<'EOF'
[{"renameCollection": "users", "to": "people"}]
EOF
write derived/V4__backfill.json <<'EOF'
[{"insertOne": "people", "document": {"_id": 3}},
 {"updateMany": "people", "filter": {}, "update": {"$set": {"active": true}}}]
EOF
t mongoway -l derived lint --require-undo
t mongoway -l derived --output json lint --require-undo
t mongoway -l derived migrate --target 3
t mongoway -l derived info
t mongoway -l derived --output json info
t mongoway -l derived undo --target 0 --dry-run
t mongoway -l derived undo --target 0
t mongoway -l derived migrate
t mongoway -l derived info
t mongoway -l derived undo
t mongoway -l derived history --type undo

section "pre-flight check"
use preflight
t mongoway -l needs migrate
t mongoway -l needs --output json migrate --dry-run
t mongoway -l needs migrate --preflight strict --target 1
t mongoway -l needs migrate --preflight off

section "a fleet"
write fleet/V1__people.json <<'EOF'
[{"createCollection": "people"}]
EOF
write fleet/V2__email.json <<'EOF'
[{"createIndex": "people", "key": {"email": 1}, "name": "email_1", "unique": true}]
EOF
write fleet-dups/V1__dups.json <<'EOF'
[{"insertMany": "people", "documents": [{"email": "a"}, {"email": "a"}]}]
EOF
use fleet_a
for tenant in a b c; do t mongoway -d "${PREFIX}_fleet_$tenant" -l fleet --quiet migrate --target 1; done
t mongoway -d "${PREFIX}_fleet_b" -l fleet-dups --history-collection setup --quiet migrate
t mongoway -l fleet info --databases "${PREFIX}_fleet_*" --jobs 1
t mongoway -l fleet migrate --databases "${PREFIX}_fleet_*" --jobs 1
t mongoway -l fleet migrate --databases "${PREFIX}_fleet_*" --exclude '*_b' --jobs 1
t mongoway -l fleet --output json info --databases "${PREFIX}_fleet_*" --exclude '*_c' --jobs 1
t mongoway -l fleet undo --databases "${PREFIX}_fleet_*"
t mongoway -l fleet validate --databases "${PREFIX}_fleet_*" --jobs 1 --fail-fast
t mongoway -l fleet verify --databases "${PREFIX}_fleet_*"

section "the lock"
use lock
t mongoway -l migrations unlock
t mongoway -l migrations --output json unlock
t mongoway -l plant-lease --history-collection planter --quiet migrate
t mongoway -l migrations --lock-timeout 1 migrate
t mongoway -l migrations --lock-timeout 1 --output json migrate --target 1
t mongoway -l migrations info
t mongoway -l migrations unlock
t mongoway -l migrations unlock --force
t mongoway -l migrations --output json info
t mongoway -l migrations --lock-timeout 1 --output json migrate --target 1
t mongoway -l migrations unlock

section "clean"
use main
t mongoway -l migrations clean
t mongoway -l migrations clean --yes
t mongoway -l migrations --output json clean --yes
t MONGOWAY_CLEAN_ENABLED=true mongoway -l migrations clean
t MONGOWAY_CLEAN_ENABLED=true mongoway -l migrations clean --yes
t mongoway -l migrations info
use config
t mongoway -l migrations --quiet migrate --target 1
t mongoway -l migrations -c clean.conf clean --yes
t mongoway -l migrations -c clean.conf info
t MONGOWAY_CLEAN_ENABLED=yes mongoway -l migrations clean --yes
