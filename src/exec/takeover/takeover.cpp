#include "exec/takeover/takeover.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace mongoway::exec::takeover {

const char* tool_name(OtherTool tool) {
  switch (tool) {
    case OtherTool::golang_migrate: return "golang-migrate";
    case OtherTool::migrate_mongo: return "migrate-mongo";
    case OtherTool::flyway: return "flyway";
  }
  return "";
}

const char* display_name(OtherTool tool) { return tool == OtherTool::flyway ? "Flyway" : tool_name(tool); }

std::string default_collection(OtherTool tool) {
  switch (tool) {
    case OtherTool::golang_migrate: return "schema_migrations";
    case OtherTool::migrate_mongo: return "changelog";
    case OtherTool::flyway: return "flyway_schema_history";
  }
  return "";
}

// golang-migrate's advisory lock (x-advisory-lock-collection) and
// migrate-mongo's lockCollectionName; Flyway keeps no lock in the database.
std::string default_lock_collection(OtherTool tool) {
  switch (tool) {
    case OtherTool::golang_migrate: return "migrate_advisory_lock";
    case OtherTool::migrate_mongo: return "changelog_lock";
    case OtherTool::flyway: return "";
  }
  return "";
}

void refuse(const Record& record, const std::string& reason) {
  throw Error(ExitCode::invalid, fmt::format("cannot take over {}'s history: {}", display_name(record.tool), reason));
}

std::optional<int64_t> whole_version(std::string_view digits) {
  int64_t value = 0;
  const auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || digits.front() == '-' || parsed.ec != std::errc() ||
      parsed.ptr != digits.data() + digits.size() || value < 1) {
    return std::nullopt;
  }
  return value;
}

namespace {

// A document in the lock collection is a run in progress, or one that was
// killed: either way the record may not say yet what that run did.
void refuse_locked(const Record& record) {
  if (record.lock_collection.empty() || record.locks.empty()) return;
  refuse(record, fmt::format("it holds its lock: {} in database {} has {} document(s) (a run in progress, or one "
                             "that was killed); let the run end, or, if none is running, check the data and delete "
                             "the lock's documents, then try again",
                             record.lock_collection, record.database, record.locks.size()));
}

void refuse_missing(const Record& record) {
  if (!record.exists) {
    refuse(record, fmt::format("database {} has no collection {}: nothing to take over (if {} keeps its record "
                               "under another name, give it with --from-collection)",
                               record.database, record.collection, display_name(record.tool)));
  }
  if (record.documents.empty()) {
    refuse(record, fmt::format("{} in database {} is empty: {} has applied nothing, so there is nothing to take over",
                               record.collection, record.database, display_name(record.tool)));
  }
}

const script::Migration* nearest_below(const std::vector<script::Migration>& migrations, int64_t version) {
  const script::Migration* out = nullptr;
  for (const auto& m : migrations) {
    if (m.version() < version) out = &m;
  }
  return out;
}

const script::Migration* nearest_above(const std::vector<script::Migration>& migrations, int64_t version) {
  for (const auto& m : migrations) {
    if (m.version() > version) return &m;
  }
  return nullptr;
}

}  // namespace

Reached read_record(const Record& record) {
  refuse_locked(record);
  refuse_missing(record);
  switch (record.tool) {
    case OtherTool::golang_migrate: return read_golang_migrate(record);
    case OtherTool::migrate_mongo: return read_migrate_mongo(record);
    case OtherTool::flyway: return read_flyway(record);
  }
  return {};
}

std::vector<Diagnostic> check_against_files(const Record& record, const Reached& reached,
                                            const std::vector<script::Migration>& migrations) {
  const int64_t highest = migrations.empty() ? 0 : migrations.back().version();
  if (reached.version > highest) {
    refuse(record,
           fmt::format("it reached version {}, above the highest migration file's ({}): add the files up to "
                       "version {} to the locations first",
                       reached.version, highest == 0 ? "there is none" : std::to_string(highest), reached.version));
  }
  const auto exact = std::find_if(migrations.begin(), migrations.end(),
                                  [&](const script::Migration& m) { return m.version() == reached.version; });
  if (exact != migrations.end()) return {};
  const auto* below = nearest_below(migrations, reached.version);
  const auto* above = nearest_above(migrations, reached.version);
  return {Diagnostic{
      Diagnostic::Severity::warning, above->up.file.path, 0, 0,
      fmt::format("no migration file has version {}, which {} reached: the baseline covers {}, and "
                  "{} is the first version left pending; check that this is where the files and {} "
                  "agree",
                  reached.version, display_name(record.tool),
                  below ? fmt::format("every file up to {}", below->up.file.file_name) : std::string("no file"),
                  above->up.file.file_name, display_name(record.tool))}};
}

}  // namespace mongoway::exec::takeover
