#include "cli/commands.hpp"

#include <fmt/format.h>

#include <charconv>

#include "cli/format.hpp"
#include "cli/init.hpp"
#include "cli/progress.hpp"
#include "cli/signals.hpp"
#include "mongo/uri.hpp"
#include "script/import_golang_migrate.hpp"
#include "script/names.hpp"
#include "script/new_migration.hpp"
#include "script/reversible.hpp"
#include "script/script.hpp"
#include "script/server_profile.hpp"
#include "util/iso8601.hpp"
#include "util/redact.hpp"

namespace mongoway::cli {
namespace {

[[noreturn]] void usage_error(const std::string& message) { throw Error(ExitCode::usage, message); }

// `what` names the option or argument in the message: "--target", "goto's version".
int64_t whole_number(std::string_view what, std::string_view text, int64_t min) {
  int64_t value = 0;
  const auto parsed = std::from_chars(text.begin(), text.end(), value);
  if (parsed.ec != std::errc() || parsed.ptr != text.end() || value < min) {
    usage_error(fmt::format("{}: expected a whole number of at least {}, got \"{}\"", what, min, text));
  }
  return value;
}

std::optional<int64_t> number_option(const CommandLine& line, std::string_view name, int64_t min) {
  const std::optional<std::string> given = line.value(name);
  if (!given) return std::nullopt;
  return whole_number(fmt::format("--{}", name), *given, min);
}

// An ISO 8601 date or date-time: --since from the first moment it names,
// --until to the last (a date alone takes in its whole day).
std::optional<std::chrono::system_clock::time_point> time_option(const CommandLine& line, std::string_view name) {
  const std::optional<std::string> given = line.value(name);
  if (!given) return std::nullopt;
  std::string err;
  const auto parsed = util::parse_iso8601(*given, &err);
  if (!parsed) usage_error(fmt::format("--{}: {}, got \"{}\"", name, err, *given));
  return name == "until" ? parsed->last : parsed->first;
}

void check_no_arguments(const CommandLine& line) {
  if (line.arguments.empty()) return;
  const std::string& first = line.arguments.front();
  std::string hint;
  if ((line.command->id == CommandId::migrate || line.command->id == CommandId::undo) &&
      first.find_first_not_of("0123456789") == std::string::npos) {
    hint = fmt::format("; did you mean --target {}?", first);
  }
  usage_error(fmt::format("{} takes no arguments, got \"{}\"{}", line.command->name, first, hint));
}

// goto's one argument: 0 or a version.
int64_t goto_target(const CommandLine& line) {
  if (line.arguments.size() != 1) {
    usage_error(line.arguments.empty()
                    ? "goto needs a version, e.g. mongoway goto 5 (0 undoes everything)"
                    : fmt::format("goto takes one version, got {} arguments", line.arguments.size()));
  }
  return whole_number("goto's version", line.arguments.front(), 0);
}

// `history --version N`: --version is also the global flag that prints
// mongoway's version, read as a flag before the command is known, so N
// comes as history's one argument (or as the flag's value: --version=N).
std::optional<int64_t> history_version(const CommandLine& line) {
  const std::optional<std::string> given = line.value("version");
  if (!given || *given != "true") check_no_arguments(line);
  if (!given) return std::nullopt;
  if (*given != "true") return whole_number("--version", *given, 0);
  if (line.arguments.size() != 1) usage_error("--version: history needs one version number, e.g. --version 3");
  return whole_number("--version", line.arguments.front(), 0);
}

HistoryOptions read_history_options(const CommandLine& line) {
  HistoryOptions o;
  o.limit = number_option(line, "limit", 1);
  o.since = time_option(line, "since");
  o.until = time_option(line, "until");
  o.ascending = line.has("ascending");
  o.types = line.all("type");
  o.version = history_version(line);
  return o;
}

void check_target_or_steps(const CommandLine& line) {
  if (line.has("target") && line.has("steps")) usage_error("give --target or --steps, not both");
}

// --server-profile: a usage error when it is not a profile.
std::optional<script::ServerProfile> server_profile_option(const CommandLine& line) {
  const std::optional<std::string> given = line.value("server-profile");
  if (!given) return std::nullopt;
  std::string err;
  auto profile = script::parse_server_profile(*given, &err);
  if (!profile) usage_error("--server-profile: " + err);
  return profile;
}

// Every need of every file the profile lacks, after the files' own problems.
void check_profile(script::LoadResult& result, const script::ServerProfile& profile) {
  for (const auto& migration : result.migrations) {
    for (const script::Script* file : {&migration.up, migration.undo ? &*migration.undo : nullptr}) {
      if (file == nullptr) continue;
      auto found = script::check_against_profile(*file, profile);
      result.diagnostics.insert(result.diagnostics.end(), found.begin(), found.end());
    }
  }
}

// --require-undo: each version with neither an undo file nor only reversible
// commands is an error at its first command that is not reversible.
void check_undo(script::LoadResult& result) {
  for (const auto& migration : result.migrations) {
    if (migration.undo) continue;
    const auto first = script::first_irreversible(migration.up);
    if (!first) continue;
    result.diagnostics.push_back(Diagnostic{
        Diagnostic::Severity::error, migration.up.file.path, first->line, first->column,
        fmt::format("version {} has no undo file and no derived undo: command {} ({}) is not reversible: {}; "
                    "write its undo file (U{}__undo_*.json)",
                    migration.version(), first->index, first->name, first->reason, migration.version())});
  }
}

int run_lint(const CommandLine& line, const Settings& settings, Reporter& reporter) {
  const auto profile = server_profile_option(line);
  script::LoadOptions options;
  options.max_file_size = settings.config.max_file_size;
  // Each command is also checked as rendered with the placeholders given.
  options.placeholders = settings.config.placeholders;
  options.notes = true;
  auto result = script::load_all(settings.config.locations, options);
  if (profile) check_profile(result, *profile);
  if (line.has("require-undo") || settings.require_undo) check_undo(result);
  reporter.lint(settings.config.locations, result, profile ? profile->name() : std::string());
  return result.has_errors() ? static_cast<int>(ExitCode::invalid) : 0;
}

int run_new(const CommandLine& line, const Settings& settings, Reporter& reporter) {
  if (line.arguments.empty()) usage_error("new needs a description, e.g. mongoway new \"add status field\"");
  std::string description;
  for (const auto& word : line.arguments) description += (description.empty() ? "" : "_") + word;
  for (char& c : description) {
    if (c == ' ') c = '_';
  }
  const auto& locations = settings.config.locations;
  auto paths = script::create_new_migration(locations.front(), locations, description, !line.has("no-undo"));
  reporter.created(paths);
  return 0;
}

// `import golang-migrate DIR`: the tool is the first argument, so that other
// tools' formats can follow.
int run_import(const CommandLine& line, const Settings& settings, Reporter& reporter) {
  const auto& arguments = line.arguments;
  if (arguments.empty()) usage_error("import needs a tool and a directory, e.g. mongoway import golang-migrate DIR");
  if (arguments.front() != "golang-migrate") {
    usage_error(fmt::format("import: unknown tool \"{}\"; mongoway imports golang-migrate's files: mongoway import "
                            "golang-migrate DIR",
                            arguments.front()));
  }
  if (arguments.size() != 2) {
    usage_error(fmt::format("import golang-migrate takes one directory, got {}", arguments.size() - 1));
  }
  const auto& locations = settings.config.locations;
  const ImportSummary summary{arguments[0], arguments[1], locations.front(), line.has("dry-run")};
  const auto files = script::plan_golang_migrate_import(summary.source, summary.location, locations);
  if (!summary.dry_run) script::write_imported_files(summary.location, files);
  reporter.imported(summary, files);
  return 0;
}

// The Listener that feeds the progress line, the per-version lines and -v details.
Listener make_listener(Progress& progress, Reporter& reporter, Console& console, const Settings& settings,
                       bool dry_run) {
  Listener listener;
  listener.step_started = [&progress](const StepResult& step, size_t index, size_t total) {
    progress.step_started(step_label(step) + " " + step.description, index, total);
  };
  listener.step_finished = [&reporter, dry_run](const StepResult& step, size_t, size_t) {
    if (!dry_run) reporter.step_finished(step);
  };
  listener.command_started = [&progress](const PlannedCommand& command) { progress.command_started(command.name); };
  listener.documents_progress = [&progress](uint64_t done, std::optional<uint64_t> total) {
    progress.documents(done, total);
  };
  listener.batch_done = [&reporter](const BatchProgress& batch) { reporter.batch_done(batch); };
  const bool quiet = settings.quiet;
  listener.waiting = [&console, quiet](const std::string& message) {
    if (!quiet) console.err("mongoway: " + message + "\n");
  };
  listener.scratch_chosen = [&console, quiet](const std::string& uri, const std::string& scratch) {
    if (!quiet) console.err(fmt::format("mongoway: verifying on the scratch database {} on {}\n", scratch, uri));
  };
  listener.replaying = [&console, quiet](const std::string& uri, const std::string& scratch, int64_t version) {
    if (!quiet) {
      console.err(fmt::format("mongoway: replaying the history to version {} on the scratch database {} on {}\n",
                              version, scratch, uri));
    }
  };
  listener.verifying = [&progress](int64_t version, size_t index, size_t total) {
    progress.step_started(fmt::format("verifying version {}", version), index, total);
  };
  listener.warning = [&reporter](const Diagnostic& warning) { reporter.warnings({warning}); };
  listener.repair_planned = [&reporter, &settings](const std::vector<std::string>& changes) {
    reporter.repair_planned(settings.config.database, changes);
  };
  // Only with -v: the engine then shows every command as it is sent.
  if (settings.verbose) {
    listener.debug = [&console](const std::string& message) { console.err("mongoway: " + message + "\n"); };
  }
  return listener;
}

int exit_code_of(const RunResult& result) {
  for (const auto& step : result.steps) {
    if (!step.success) return static_cast<int>(ExitCode::migration_failed);
  }
  return 0;
}

// The options of the commands that run through the Migrator, read (and
// their usage errors raised) before anything else happens.
struct MigratorOptions {
  MigrateOptions migrate;
  UndoOptions undo;
  GotoOptions go_to;
  BaselineOptions baseline;
  HistoryOptions history;
  RemoveOptions remove;
  SnapshotOptions snapshot;
  DiffOptions diff;
  VerifyOptions verify;
};

// verify's and diff's --scratch-uri, checked before anything is reached.
std::string read_scratch_uri(const CommandLine& line) {
  std::string uri = line.value("scratch-uri").value_or("");
  if (!uri.empty()) {
    std::string why;
    if (!mongo::Uri::parse(uri, &why)) {
      usage_error(redact_secrets(fmt::format("--scratch-uri: invalid connection URI {}: {}", redact_uri(uri), why),
                                 uri_secrets(uri)));
    }
  }
  return uri;
}

VerifyOptions read_verify_options(const CommandLine& line) {
  VerifyOptions o;
  if (line.has("target")) o.target = number_option(line, "target", 0);
  o.data = line.has("data");
  o.require_undo = line.has("require-undo");
  o.scratch_uri = read_scratch_uri(line);
  o.scratch_database = line.value("scratch-database").value_or("");
  return o;
}

// Without --against, diff replays the history on a scratch database.
DiffOptions read_diff_options(const CommandLine& line) {
  DiffOptions o;
  o.against = line.value("against").value_or("");
  if (line.has("against") && o.against.empty()) usage_error("--against needs a snapshot file");
  o.ignore = line.all("ignore");
  o.data = line.has("data");
  o.scratch_uri = read_scratch_uri(line);
  o.scratch_database = line.value("scratch-database").value_or("");
  return o;
}

// remove's one argument, the version, or --all-pending instead of it.
RemoveOptions read_remove_options(const CommandLine& line, bool dry_run) {
  RemoveOptions o;
  o.dry_run = dry_run;
  const bool all = line.has("all-pending");
  if (line.arguments.size() > 1) usage_error(fmt::format("remove takes one version, got {}", line.arguments.size()));
  if (all && !line.arguments.empty()) usage_error("give a version or --all-pending, not both");
  if (all) return o;
  if (line.arguments.empty()) usage_error("remove needs a version, e.g. mongoway remove 7, or --all-pending");
  const std::string& text = line.arguments.front();
  int64_t version = 0;
  const auto parsed = std::from_chars(text.data(), text.data() + text.size(), version);
  if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size() || version < 1) {
    usage_error(fmt::format("remove: expected a version (a whole number of at least 1), got \"{}\"", text));
  }
  o.version = version;
  return o;
}

std::optional<OtherTool> other_tool(std::string_view name) {
  if (name == "golang-migrate") return OtherTool::golang_migrate;
  if (name == "migrate-mongo") return OtherTool::migrate_mongo;
  if (name == "flyway") return OtherTool::flyway;
  return std::nullopt;
}

// --from TOOL with its collections; names are checked by MongoDB's rules.
TakeOverFrom read_take_over(const CommandLine& line, const std::string& tool_name) {
  const auto tool = other_tool(tool_name);
  if (!tool)
    usage_error(fmt::format("--from: expected golang-migrate, migrate-mongo or flyway, got \"{}\"", tool_name));
  TakeOverFrom from{*tool, line.value("from-collection").value_or(""), line.value("from-lock-collection").value_or("")};
  if (*tool == OtherTool::flyway && line.has("from-lock-collection")) {
    usage_error("--from-lock-collection: Flyway keeps no lock collection in the database");
  }
  for (const auto* name : {"from-collection", "from-lock-collection"}) {
    const auto given = line.value(name);
    if (!given) continue;
    if (const auto problem = script::collection_name_problem(*given))
      usage_error(fmt::format("--{}: {}", name, *problem));
  }
  return from;
}

// --baseline-version N, or --from TOOL (the version that tool reached): one of the two.
BaselineOptions read_baseline_options(const CommandLine& line) {
  BaselineOptions o;
  o.description = line.value("description").value_or("");
  const auto from = line.value("from");
  if (from && line.has("baseline-version")) {
    usage_error("give --baseline-version or --from, not both: --from records the version the other tool reached");
  }
  if (!from) {
    for (const auto* name : {"from-collection", "from-lock-collection"}) {
      if (line.has(name)) usage_error(fmt::format("--{} goes with --from TOOL", name));
    }
    const auto version = number_option(line, "baseline-version", 1);
    if (!version)
      usage_error("baseline needs --baseline-version N, or --from TOOL to take over another tool's version");
    o.version = *version;
    return o;
  }
  o.from = read_take_over(line, *from);
  return o;
}

MigratorOptions read_migrator_options(const CommandLine& line, CommandId id, bool dry_run) {
  MigratorOptions o;
  if (id == CommandId::migrate) {
    check_target_or_steps(line);
    if (line.value("target") != "latest") o.migrate.target = number_option(line, "target", 0);
    o.migrate.steps = number_option(line, "steps", 1);
    o.migrate.dry_run = dry_run;
    o.migrate.out_of_order = line.has("out-of-order");
    o.migrate.validate = !line.has("no-validate");
  } else if (id == CommandId::undo) {
    check_target_or_steps(line);
    o.undo.target = number_option(line, "target", 0);
    o.undo.steps = number_option(line, "steps", 1);
    o.undo.dry_run = dry_run;
  } else if (id == CommandId::goto_) {
    o.go_to.target = goto_target(line);
    o.go_to.allow_undo = line.has("allow-undo");
    o.go_to.dry_run = dry_run;
  } else if (id == CommandId::baseline) {
    o.baseline = read_baseline_options(line);
  } else if (id == CommandId::history) {
    o.history = read_history_options(line);
  } else if (id == CommandId::remove) {
    o.remove = read_remove_options(line, dry_run);
  } else if (id == CommandId::snapshot) {
    o.snapshot = SnapshotOptions{line.value("output-file").value_or(""), line.has("data")};
  } else if (id == CommandId::diff) {
    o.diff = read_diff_options(line);
  } else if (id == CommandId::verify) {
    o.verify = read_verify_options(line);
  }
  return o;
}

bool writes(CommandId id) {
  return id == CommandId::migrate || id == CommandId::undo || id == CommandId::goto_ || id == CommandId::baseline ||
         id == CommandId::repair || id == CommandId::clean;
}

RunResult run_step_command(Migrator& migrator, const CommandLine& line, const MigratorOptions& o) {
  switch (line.command->id) {
    case CommandId::migrate: return migrator.migrate(o.migrate);
    case CommandId::undo: return migrator.undo(o.undo);
    case CommandId::goto_: return migrator.go_to(o.go_to);
    default: return migrator.baseline(o.baseline);
  }
}

// The scratch server's secrets are masked as the target's are.
void mask_scratch_secrets(const std::string& scratch_uri, const Settings& settings, Console& console) {
  if (scratch_uri.empty()) return;
  auto secrets = settings.secrets;
  for (auto& s : uri_secrets(scratch_uri)) secrets.push_back(std::move(s));
  console.set_secrets(std::move(secrets));
}

// Drift is exit 3, as a failed validation is.
int run_diff(Migrator& migrator, const DiffOptions& options, const Settings& settings, Console& console,
             Reporter& reporter) {
  mask_scratch_secrets(options.scratch_uri, settings, console);
  const DiffResult result = migrator.diff(options);
  reporter.diff(result);
  return result.differences.empty() ? 0 : static_cast<int>(ExitCode::invalid);
}

// An undo that does not restore its schema is exit 3, as drift is.
int run_verify(Migrator& migrator, const VerifyOptions& options, const Settings& settings, Console& console,
               Reporter& reporter, Progress& progress) {
  mask_scratch_secrets(options.scratch_uri, settings, console);
  const VerifyResult result = migrator.verify(options);
  progress.finish();
  reporter.verify(result);
  return result.passed ? 0 : static_cast<int>(ExitCode::invalid);
}

int run_with_migrator(const CommandLine& line, const Settings& settings, Reporter& reporter, Console& console) {
  const CommandId id = line.command->id;
  const std::string& database = settings.config.database;
  const bool dry_run = line.has("dry-run");
  MigratorOptions options = read_migrator_options(line, id, dry_run);
  if (settings.require_undo) options.verify.require_undo = true;  // require_undo = true in the config

  Migrator migrator(settings.config);
  Progress progress(console);
  migrator.set_listener(make_listener(progress, reporter, console, settings, dry_run));
  // Commands that write stop politely on SIGINT/SIGTERM; reads and dry runs
  // keep the default action and end at once.
  std::optional<StopSignals> signals;
  // verify, and diff without a snapshot, write only to a scratch database,
  // dropped after a stop.
  const bool scratch = id == CommandId::verify || (id == CommandId::diff && options.diff.against.empty());
  if ((writes(id) && !dry_run) || scratch) {
    const bool at_safe_point = id == CommandId::migrate || id == CommandId::undo || scratch;
    signals.emplace(console, at_safe_point ? StopSignals::Stops::at_safe_point : StopSignals::Stops::after_the_work);
  }

  switch (id) {
    case CommandId::migrate:
    case CommandId::undo:
    case CommandId::goto_:
    case CommandId::baseline: {
      RunResult result = run_step_command(migrator, line, options);
      progress.finish();
      reporter.warnings(result.warnings);
      reporter.run(std::string(line.command->name), database, result);
      return exit_code_of(result);
    }
    case CommandId::info: {
      auto result = migrator.info();
      reporter.warnings(result.diagnostics);
      reporter.info(result);
      return result.valid() ? 0 : static_cast<int>(ExitCode::invalid);
    }
    case CommandId::validate: {
      auto result = migrator.validate();
      reporter.validate(database, result);
      return result.ok ? 0 : static_cast<int>(ExitCode::invalid);
    }
    case CommandId::repair: {
      auto result = migrator.repair(RepairOptions{dry_run, line.has("mark-deleted")});
      reporter.warnings(result.warnings);
      reporter.repair(database, result);
      return 0;
    }
    case CommandId::remove: reporter.remove(database, migrator.remove(options.remove)); return 0;
    case CommandId::clean: reporter.clean(database, migrator.clean(line.has("yes"))); return 0;
    case CommandId::unlock: reporter.unlock(database, migrator.unlock(UnlockOptions{line.has("force")})); return 0;
    case CommandId::history: reporter.history(database, migrator.history(options.history)); return 0;
    case CommandId::snapshot: reporter.snapshot(migrator.snapshot(options.snapshot)); return 0;
    case CommandId::diff: return run_diff(migrator, options.diff, settings, console, reporter);
    case CommandId::verify: return run_verify(migrator, options.verify, settings, console, reporter, progress);
    default: return 0;
  }
}

}  // namespace

int run_command(const CommandLine& line, const Settings& settings, Reporter& reporter, Console& console) {
  // new, import, goto, remove and history (for --version) read their own arguments.
  const CommandId id = line.command->id;
  if (id != CommandId::new_ && id != CommandId::import_ && id != CommandId::goto_ && id != CommandId::history &&
      id != CommandId::remove) {
    check_no_arguments(line);
  }
  switch (id) {
    case CommandId::lint: return run_lint(line, settings, reporter);
    case CommandId::new_: return run_new(line, settings, reporter);
    case CommandId::import_: return run_import(line, settings, reporter);
    case CommandId::init: return run_init(settings, reporter);
    default: return run_with_migrator(line, settings, reporter, console);
  }
}

}  // namespace mongoway::cli
