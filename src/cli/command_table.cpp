#include "cli/command_table.hpp"

#include <algorithm>

namespace mongoway::cli {

std::string OptionSpec::synopsis() const {
  std::string out;
  if (short_name != 0) {
    out += '-';
    out += short_name;
    out += ", ";
  }
  out += "--";
  out += name;
  if (takes_value()) {
    out += ' ';
    out += value_name;
  }
  return out;
}

const std::vector<OptionSpec>& global_options() {
  static const std::vector<OptionSpec> options = {
      {"uri", 'u', "URI", "MongoDB connection string (env MONGOWAY_URI; default mongodb://127.0.0.1:27017)"},
      {"database", 'd', "NAME", "database to migrate (env MONGOWAY_DATABASE; default: the database in the URI)"},
      {"location", 'l', "DIR",
       "directory of migration files; repeatable (env MONGOWAY_LOCATIONS, colon-separated; "
       "default ./migrations)",
       true},
      {"history-collection", 0, "NAME", "collection holding the history (default mongoway_history)"},
      {"lock-timeout", 0, "SECONDS", "how long to wait for the lock (default 90, at most 86400)"},
      {"lock-ttl", 0, "SECONDS", "lifetime of the lock lease between renewals (default 60, 3 to 86400)"},
      {"connect-retries", 0, "N",
       "try a server not reached N more times, for one still starting; never after a TLS or authentication "
       "failure (env MONGOWAY_CONNECT_RETRIES; default 0, at most 1000)"},
      {"connect-retry-interval", 0, "SECONDS",
       "wait between two attempts to connect (env MONGOWAY_CONNECT_RETRY_INTERVAL; default 5, at most 3600)"},
      {"connect-timeout", 0, "SECONDS",
       "how long one attempt to reach the server waits (env MONGOWAY_CONNECT_TIMEOUT; default 5, 1 to 3600; the "
       "URI's serverSelectionTimeoutMS and connectTimeoutMS win)"},
      {"transaction", 0, "MODE", "auto, always or never: transactions for files that do not say (default never)"},
      {"placeholder", 0, "NAME=VALUE",
       "value of ${NAME} in migration files ($${ is a literal ${); repeatable (env MONGOWAY_PLACEHOLDER_NAME)", true},
      {"config", 'c', "FILE", "configuration file (default ./mongoway.conf when present)"},
      {"password-file", 0, "FILE",
       "read the URI's password from FILE (env MONGOWAY_PASSWORD_FILE; MONGOWAY_PASSWORD gives the "
       "password itself)"},
      {"output", 0, "FORMAT", "text or json (one JSON document on stdout)"},
      {"color", 0, "WHEN", "auto, always or never (NO_COLOR is honoured)"},
      {"quiet", 'q', "", "print only errors and results, no progress"},
      {"verbose", 'v', "",
       "print settings with their origin, and each command as sent (secrets masked, long documents cut)"},
      {"help", 'h', "", "print usage and exit"},
      {"version", 0, "", "print the version, git revision and mongo-c-driver version"},
  };
  return options;
}

namespace {

// migrate, undo, goto and verify check what their files need against the server first.
const OptionSpec kPreflight{"preflight", 0, "MODE",
                            "auto, strict or off: check what the files need against the server before the first "
                            "write (default auto; strict also refuses where support is not known)"};

// A fleet: the same command on many databases (see FLEETS in mongoway(1)).
CommandSpec fleet(CommandSpec spec) {
  static const std::vector<OptionSpec> options = {
      {"databases", 0, "PATTERN",
       "run on every database of the server whose name matches the glob PATTERN (* ? [...]); repeatable; admin, "
       "local, config and mongoway_scratch_* never match",
       true},
      {"exclude", 0, "PATTERN", "leave out the databases whose name matches the glob PATTERN; repeatable", true},
      {"databases-file", 0, "FILE", "run on the databases named in FILE, one a line (- for standard input)"},
      {"uris-file", 0, "FILE",
       "run on several clusters: FILE has one line per cluster, URI PATTERN... (# starts a comment)"},
      {"jobs", 0, "N", "with a fleet: how many databases run at a time (default 4, at most 64)"},
      {"fail-fast", 0, "", "with a fleet: after the first database that fails, start no other"},
      {"yes", 0, "",
       "with a fleet chosen by a pattern: confirm undo, goto --allow-undo, repair or baseline on every database "
       "it selects"},
  };
  spec.options.insert(spec.options.end(), options.begin(), options.end());
  return spec;
}

// One entry of the command table per command: its words, options and examples.

CommandSpec migrate_command() {
  return CommandSpec{CommandId::migrate,
                     "migrate",
                     {},
                     "",
                     "apply pending migrations up to a target version",
                     "Applies every pending V file in version order, up to the target version (the latest by "
                     "default), under the lock, recording each version in the history collection.",
                     {{"target", 0, "N|latest", "migrate up to version N (default latest)"},
                      {"steps", 0, "K", "apply at most K versions"},
                      {"dry-run", 0, "", "print every version and server command it would run; change nothing"},
                      {"out-of-order", 0, "", "also apply pending versions below the current version"},
                      {"no-validate", 0, "", "skip validation of applied versions: checksums and missing files"},
                      kPreflight},
                     {"mongoway migrate --target 5", "mongoway migrate --dry-run --output json"}};
}

CommandSpec undo_command() {
  return CommandSpec{CommandId::undo,
                     "undo",
                     {},
                     "",
                     "undo applied migrations down to a target version",
                     "Runs the U files of applied versions, newest first, down to the target version (one "
                     "version by default); version 0 undoes everything. A version without a U file whose every "
                     "command is reversible is undone by the undo mongoway derives from what the version recorded "
                     "it created (see DERIVED UNDO in mongoway(1)); any other version refuses the whole undo "
                     "before anything runs (exit 3).",
                     {{"target", 0, "N", "undo every version above N"},
                      {"steps", 0, "K", "undo the K newest versions"},
                      {"dry-run", 0, "", "print every version and server command it would run; change nothing"},
                      kPreflight},
                     {"mongoway undo --target 3", "mongoway undo --steps 2 --dry-run"}};
}

CommandSpec goto_command() {
  return CommandSpec{CommandId::goto_,
                     "goto",
                     {},
                     "<version>",
                     "migrate or undo to exactly a version",
                     "Applies pending versions or undoes applied ones, whichever leaves the database at exactly "
                     "<version>: 0, or a version with a file or a history entry (0 undoes everything). Going "
                     "down runs the U files newest first and needs --allow-undo (exit 2 without it, naming the "
                     "versions it would undo); every version on the way must have its undo file or a derived undo, "
                     "or nothing runs "
                     "(exit 3). Going up validates as migrate does; migrate --target never goes down.",
                     {{"allow-undo", 0, "", "allow going down: undo every applied version above <version>"},
                      {"dry-run", 0, "", "print every version and server command it would run; change nothing"},
                      kPreflight},
                     {"mongoway goto 5", "mongoway goto 2 --allow-undo --dry-run"}};
}

CommandSpec info_command() {
  return CommandSpec{
      CommandId::info,
      "info",
      {"status"},
      "",
      "show every version and its state",
      "Prints every version found in the files or the history with its state (pending, applied, "
      "running, failed, undone, missing, deleted, baseline, ignored, future, invalid) and the current version. "
      "A file that does not parse is a version in state invalid with its first error, and the exit "
      "status is then 3; a failed version shows when it ran and its error, or how it was cut short.",
      {},
      {"mongoway info", "mongoway --verbose info"}};
}

CommandSpec validate_command() {
  return CommandSpec{CommandId::validate,
                     "validate",
                     {},
                     "",
                     "check the files against the history",
                     "Checks the migration files and compares them with the history: checksum drift, missing "
                     "files, running and failed versions and out-of-order versions. Exits 3 when there is a "
                     "problem.",
                     {},
                     {"mongoway validate"}};
}

CommandSpec baseline_command() {
  return CommandSpec{
      CommandId::baseline,
      "baseline",
      {},
      "",
      "mark an existing database as being at a version",
      "Records version N as applied without running anything; refuses when the history already has entries. "
      "With --from, the version is the one another tool's record in the same database reached (golang-migrate, "
      "migrate-mongo or Flyway), read and never changed; refused (exit 3, with the reason) when that record is "
      "missing, dirty, failed or locked, or above the highest file version.",
      {{"baseline-version", 0, "N", "the version to record (required without --from)"},
       {"description", 0, "TEXT", "description of the baseline entry"},
       {"from", 0, "TOOL", "take over the version that golang-migrate, migrate-mongo or flyway reached"},
       {"from-collection", 0, "NAME",
        "the collection of that tool's record (default schema_migrations, changelog or flyway_schema_history)"},
       {"from-lock-collection", 0, "NAME",
        "that tool's lock collection (default migrate_advisory_lock or changelog_lock; Flyway has none)"}},
      {"mongoway baseline --baseline-version 4 --description \"existing schema\"",
       "mongoway baseline --from golang-migrate"}};
}

CommandSpec repair_command() {
  return CommandSpec{
      CommandId::repair,
      "repair",
      {},
      "",
      "clear failed versions and realign checksums",
      "Marks the entries of failed actions as repaired and realigns recorded checksums with the "
      "files, printing every change before it makes any. Check the data of a failed version "
      "before you run it. With --mark-deleted, also records each applied version whose V file "
      "is missing from the locations as deleted: it stays applied, is never run again nor "
      "undone, and validation passes over it.",
      {{"dry-run", 0, "", "print the changes it would make; change nothing and take no lock"},
       {"mark-deleted", 0, "", "record applied versions whose V file is missing as deleted (check --location first)"}},
      {"mongoway repair --dry-run --mark-deleted", "mongoway repair"}};
}

CommandSpec remove_command() {
  return CommandSpec{CommandId::remove,
                     "remove",
                     {},
                     "<version>",
                     "delete the files of a version that never ran",
                     "Deletes the V and U files of a version that has no entry in the history and lies above "
                     "every version that has one; refuses any other version with the reason (exit 3). Reads the "
                     "history without the lock and never writes to the database.",
                     {{"all-pending", 0, "", "remove every such version, highest first"},
                      {"dry-run", 0, "", "print the files it would delete; delete nothing"}},
                     {"mongoway remove 7 --dry-run", "mongoway remove --all-pending"}};
}

CommandSpec clean_command() {
  return CommandSpec{CommandId::clean,
                     "clean",
                     {},
                     "",
                     "drop every collection of the database",
                     "Drops every collection of the target database, the history included. Refuses unless "
                     "--yes is given and clean_enabled is true (config file or MONGOWAY_CLEAN_ENABLED).",
                     {{"yes", 0, "", "confirm that every collection may be dropped"}},
                     {"MONGOWAY_CLEAN_ENABLED=true mongoway clean --yes"}};
}

CommandSpec unlock_command() {
  return CommandSpec{CommandId::unlock,
                     "unlock",
                     {},
                     "",
                     "release a lock left by a dead process",
                     "Releases the lock once its lease keeps no one out: expired, or its holder's process gone "
                     "from this machine, and shows who held it. A live lease (renewed within its TTL) is refused "
                     "with exit status 4, naming its holder, unless --force is given.",
                     {{"force", 0, "",
                       "also release a live lease: its holder sends no request later than a third of its TTL plus "
                       "one round trip, and other processes wait for its expiry"}},
                     {"mongoway unlock", "mongoway unlock --force"}};
}

CommandSpec history_command() {
  return CommandSpec{CommandId::history,
                     "history",
                     {},
                     "",
                     "print the history log, newest first",
                     "Prints every entry of the history collection (migrate, undo, baseline, repair and deleted "
                     "actions), newest first, or only those an audit asks for. Times are ISO 8601 dates "
                     "(2026-01-31) or date-times (2026-01-31T18:30:00), UTC unless they give a zone (Z, "
                     "+02:00); --until takes in the whole of its last unit (a date its day, 18:30 its minute). "
                     "A value that is none of these, or "
                     "an unknown type, is exit 2.",
                     {{"limit", 0, "N", "print only the first N entries (the newest; the oldest with --ascending)"},
                      {"since", 0, "TIME", "only entries installed at or after TIME"},
                      {"until", 0, "TIME", "only entries installed at or before TIME"},
                      {"ascending", 0, "", "oldest first"},
                      {"type", 0, "TYPE",
                       "only entries of TYPE: migrate, undo, baseline, repair or deleted; "
                       "repeatable, or a comma-separated list",
                       true},
                      {"version", 0, "N", "only the entries of version N"}},
                     {"mongoway history --limit 10", "mongoway history --since 2026-01-01 --type migrate,undo",
                      "mongoway history --version 3 --ascending --output json"}};
}

CommandSpec snapshot_command() {
  return CommandSpec{
      CommandId::snapshot,
      "snapshot",
      {},
      "",
      "write the database's schema fingerprint to a file",
      "Writes the schema fingerprint of the database (every collection and view with its options, "
      "every index with its options, canonical and sorted; see SCHEMA FINGERPRINT in the man page), "
      "with the current version of its history, to --output-file: schema.json in the first "
      "location by default, which discovery never takes for a migration file. Commit it beside "
      "the migrations, so that a review shows each change of schema. The same database gives a "
      "byte-identical file. Reads without the lock; never writes to the database.",
      {{"output-file", 0, "FILE", "where to write the fingerprint (default schema.json in the first location)"},
       {"data", 0, "",
        "also a digest of each collection's documents (count and SHA-256; ObjectIds no migration "
        "file names compare equal)"}},
      {"mongoway snapshot", "mongoway snapshot --output-file db/schema.json --data"}};
}

CommandSpec diff_command() {
  return CommandSpec{
      CommandId::diff,
      "diff",
      {},
      "",
      "compare the database's schema with its history or a snapshot",
      "Compares the schema fingerprint of the database with what it should be and prints the drift: "
      "collections, views and indexes missing or extra, options changed field by field. By default "
      "what it should be is what its history says: its applied versions replayed from their files on a "
      "scratch database (--scratch-uri, default the -u server; named mongoway_scratch_<random> unless "
      "--scratch-database is given), dropped at the end. A history the files cannot replay faithfully (a "
      "baseline, a failure repaired, a version deleted, missing, changed since it ran or applied out of "
      "order) is refused (exit 2): compare with a snapshot file written by snapshot instead (--against). "
      "Exits 3 when there is drift, 0 when there is none; a file that is not a snapshot, or of another "
      "format, is exit 3. Never writes to the database.",
      {{"against", 0, "FILE", "compare with this snapshot file instead of the replayed history"},
       {"ignore", 0, "PATTERN", "leave out collections whose name matches the glob PATTERN (* ? [...]); repeatable",
        true},
       {"data", 0, "", "also compare the digests of the documents (a snapshot must have been written with --data)"},
       {"scratch-uri", 0, "URI", "without --against: the server of the scratch database (default the -u server)"},
       {"scratch-database", 0, "NAME",
        "without --against: the scratch database's name; must start with mongoway_scratch_, and be missing or "
        "empty"}},
      {"mongoway diff", "mongoway diff --ignore 'tmp_*' --output json",
       "mongoway diff --against migrations/schema.json"}};
}

CommandSpec verify_command() {
  return CommandSpec{
      CommandId::verify,
      "verify",
      {},
      "",
      "check on a scratch database that every undo restores its version's schema",
      "Checks that every undo (its file, or the undo mongoway derives) restores the schema its "
      "version changed, never touching the "
      "database: on a scratch database (--scratch-uri, default the -u server; "
      "named mongoway_scratch_<random> unless --scratch-database is given), migrates from 0 to the "
      "target one version at a time, and at every version applies it, runs its undo file and applies "
      "it again, comparing schema fingerprints: after the undo with before the version, and after the "
      "second apply with after the first. Reports the first version whose undo does not restore the "
      "schema with the differences (exit 3), and every version without an undo. The scratch "
      "database is dropped at the end, also after a failure or a first Ctrl-C. Meant for CI on every "
      "pull request.",
      {{"target", 0, "N", "verify up to version N (default the latest)"},
       {"data", 0, "", "also compare the digests of the documents"},
       {"require-undo", 0, "", "a version with neither an undo file nor a derived undo fails the run (exit 3)"},
       {"scratch-uri", 0, "URI", "the server of the scratch database (default the -u server)"},
       {"scratch-database", 0, "NAME",
        "the scratch database's name; must start with mongoway_scratch_, and be missing or empty"},
       kPreflight},
      {"mongoway verify", "mongoway verify --require-undo --output json",
       "mongoway verify --scratch-uri mongodb://ci-db:27017 --target 12"}};
}

CommandSpec lint_command() {
  return CommandSpec{
      CommandId::lint,
      "lint",
      {},
      "",
      "check the migration files without a server",
      "Parses and validates every migration file and prints every problem. Exits 3 when there "
      "is an error; warnings alone exit 0. Never connects. With --server-profile, also checks what "
      "the files need of their server (commands, options, aggregation stages, Decimal128 values, "
      "transactions) against what that server has: each need it lacks is an error. With --require-undo "
      "(or require_undo = true in the configuration file), each version with neither an undo file nor "
      "only reversible commands (whose undo mongoway derives) is an error at its first command that is "
      "not reversible.",
      {{"server-profile", 0, "PROFILE",
        "check the files against a server: mongodb-MAJOR.MINOR (e.g. mongodb-7.0) or ferretdb-1.24"},
       {"require-undo", 0, "",
        "a version with neither an undo file nor a derived undo is an error, at its command that is not reversible"}},
      {"mongoway lint", "mongoway lint -l db/migrations -l db/seeds", "mongoway lint --server-profile ferretdb-1.24",
       "mongoway lint --require-undo"},
      false};
}

CommandSpec new_command() {
  return CommandSpec{CommandId::new_,
                     "new",
                     {},
                     "<description>",
                     "create the next migration file and its undo file",
                     "Creates V<next>__<description>.json and U<next>__undo_<description>.json in the first "
                     "location, next being the highest existing version plus one. Spaces in the description "
                     "become underscores. Never connects.",
                     {{"no-undo", 0, "", "do not create the U file"}},
                     {"mongoway new \"add status field\"", "mongoway new add_orders --no-undo"},
                     false};
}

CommandSpec import_command() {
  return CommandSpec{
      CommandId::import_,
      "import",
      {},
      "golang-migrate <dir>",
      "write golang-migrate's migration files as mongoway's",
      "Reads a golang-migrate MongoDB directory (N_name.up.json and N_name.down.json, each a JSON array of "
      "server commands) and writes each version N as VN__name.json and, when it has a down file, "
      "UN__undo_name.json in the first location. Each command becomes mongoway's native command when every "
      "field maps onto it with the same meaning, else runCommand with the command exactly as written; an update "
      "or delete of several statements becomes one command per statement. Prints each file written and why each "
      "runCommand was kept. Writes nothing, exit 3, when an input file is invalid, a version exists already or a "
      "file would be overwritten. Never connects.",
      {{"dry-run", 0, "", "print the files it would write; write nothing"}},
      {"mongoway import golang-migrate db/migrations --dry-run", "mongoway import golang-migrate db/migrations"},
      false};
}

CommandSpec init_command() {
  return CommandSpec{CommandId::init,
                     "init",
                     {},
                     "",
                     "create the migrations folder and a commented mongoway.conf",
                     "Creates the first location (default ./migrations) and a configuration file (mongoway.conf, "
                     "or the --config file) listing every key at its default, each with a comment. Refuses, "
                     "creating nothing, when either already exists (exit 3). Never connects.",
                     {},
                     {"mongoway init", "mongoway init --location db/migrations --config db/mongoway.conf"},
                     false};
}

CommandSpec help_command() {
  return CommandSpec{CommandId::help,
                     "help",
                     {},
                     "[command]",
                     "print usage of mongoway or of one command",
                     "Prints the usage of mongoway, or of one command with its options and an example.",
                     {},
                     {"mongoway help migrate"},
                     false};
}

}  // namespace

const std::vector<CommandSpec>& commands() {
  static const std::vector<CommandSpec> table = {fleet(migrate_command()),
                                                 fleet(undo_command()),
                                                 fleet(goto_command()),
                                                 fleet(info_command()),
                                                 fleet(validate_command()),
                                                 fleet(baseline_command()),
                                                 fleet(repair_command()),
                                                 remove_command(),
                                                 clean_command(),
                                                 unlock_command(),
                                                 fleet(history_command()),
                                                 fleet(snapshot_command()),
                                                 fleet(diff_command()),
                                                 verify_command(),
                                                 lint_command(),
                                                 new_command(),
                                                 import_command(),
                                                 init_command(),
                                                 help_command()};
  return table;
}

const CommandSpec& command(CommandId id) {
  for (const auto& spec : commands()) {
    if (spec.id == id) return spec;
  }
  return commands().front();
}

const CommandSpec* find_command(std::string_view name) {
  for (const auto& spec : commands()) {
    if (spec.name == name) return &spec;
    if (std::find(spec.aliases.begin(), spec.aliases.end(), name) != spec.aliases.end()) return &spec;
  }
  return nullptr;
}

std::vector<std::string> command_names() {
  std::vector<std::string> names;
  for (const auto& spec : commands()) {
    names.emplace_back(spec.name);
    for (auto alias : spec.aliases) names.emplace_back(alias);
  }
  return names;
}

namespace {

const OptionSpec* find_in(const std::vector<OptionSpec>& options, std::string_view long_name, char short_name) {
  for (const auto& option : options) {
    if (!long_name.empty() && option.name == long_name) return &option;
    if (short_name != 0 && option.short_name == short_name) return &option;
  }
  return nullptr;
}

}  // namespace

const OptionSpec* find_option(const CommandSpec* command, std::string_view long_name) {
  if (const auto* option = find_in(global_options(), long_name, 0)) return option;
  return command != nullptr ? find_in(command->options, long_name, 0) : nullptr;
}

const OptionSpec* find_short_option(const CommandSpec* command, char short_name) {
  if (const auto* option = find_in(global_options(), {}, short_name)) return option;
  return command != nullptr ? find_in(command->options, {}, short_name) : nullptr;
}

const OptionSpec* find_option_anywhere(std::string_view long_name) {
  if (const auto* option = find_in(global_options(), long_name, 0)) return option;
  for (const auto& spec : commands()) {
    if (const auto* option = find_in(spec.options, long_name, 0)) return option;
  }
  return nullptr;
}

const OptionSpec* find_short_option_anywhere(char short_name) {
  if (const auto* option = find_in(global_options(), {}, short_name)) return option;
  for (const auto& spec : commands()) {
    if (const auto* option = find_in(spec.options, {}, short_name)) return option;
  }
  return nullptr;
}

std::vector<std::string> commands_with_option(std::string_view long_name) {
  std::vector<std::string> names;
  for (const auto& spec : commands()) {
    if (find_in(spec.options, long_name, 0) != nullptr) names.emplace_back(spec.name);
  }
  return names;
}

}  // namespace mongoway::cli
