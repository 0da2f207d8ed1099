// baseline: marks a database mongoway has never migrated as being at a
// version, given or taken over from another tool's record (--from).

#include <fmt/format.h>

#include <algorithm>

#include "exec/commands.hpp"
#include "exec/history.hpp"
#include "exec/takeover/takeover.hpp"

namespace mongoway::exec {
namespace {

// What a baseline records: its version and, when taken over, where from.
struct Baseline {
  int64_t version = 0;
  std::string description;
  std::optional<model::TakenFrom> from;
};

model::HistoryEntry baseline_entry(const Engine& engine, const Baseline& baseline, int64_t lease) {
  model::HistoryEntry e;
  e.rank = 1;
  e.version = baseline.version;
  e.description = baseline.description.empty() ? "baseline" : baseline.description;
  e.script = "<baseline>";
  e.type = model::EntryType::baseline;
  if (const auto* m = engine.find_migration(baseline.version)) e.checksum = m->up.checksum;
  e.installed_by = process_owner();
  e.installed_on = std::chrono::system_clock::now();
  e.success = true;
  e.finished = true;
  e.lease = lease;
  e.from = baseline.from;
  return e;
}

std::vector<bson::Document> every_document(port::Server& server, const std::string& database,
                                           const std::string& collection) {
  std::vector<bson::Document> out;
  server.read_documents_by_id(database, collection, [&](const bson::Document& doc) { out.push_back(doc); });
  return out;
}

// The other tool's collections, only ever read.
takeover::Record read_other_record(Engine& engine, const TakeOverFrom& from) {
  auto& server = engine.server();
  takeover::Record record;
  record.tool = from.tool;
  record.database = engine.config.database;
  record.collection = from.collection.empty() ? takeover::default_collection(from.tool) : from.collection;
  record.lock_collection = from.lock_collection.empty() ? takeover::default_lock_collection(from.tool)
                                                        : from.lock_collection;
  const auto names = server.list_collections();
  record.exists = std::find(names.begin(), names.end(), record.collection) != names.end();
  if (record.exists) record.documents = every_document(server, record.database, record.collection);
  if (!record.lock_collection.empty()) record.locks = every_document(server, record.database, record.lock_collection);
  return record;
}

// The version the other tool reached, checked against the files.
Baseline take_over(Engine& engine, const BaselineOptions& options, RunResult& result) {
  const auto record = read_other_record(engine, *options.from);
  const auto reached = takeover::read_record(record);
  result.warnings = takeover::check_against_files(record, reached, engine.files.migrations);
  const std::string tool = takeover::tool_name(record.tool);
  result.taken_over = TakenOver{tool, record.collection, reached.written};
  Baseline out{reached.version, options.description, model::TakenFrom{tool, record.collection, reached.written}};
  if (out.description.empty()) {
    out.description = fmt::format("taken over from {} at {}", takeover::display_name(record.tool), reached.written);
  }
  return out;
}

void refuse_migrated(const Engine& engine, const std::vector<model::HistoryEntry>& history) {
  if (history.empty()) return;
  throw Error(ExitCode::invalid,
              fmt::format("cannot baseline: database {} already has a history ({} entries); baseline is for a "
                          "database that mongoway has never migrated",
                          engine.config.database, history.size()));
}

}  // namespace

RunResult baseline(Engine& engine, const BaselineOptions& options) {
  engine.check_config();
  if (!options.from && options.version <= 0) {
    throw Error(ExitCode::usage, "--baseline-version must be a positive version number");
  }
  engine.load_files();
  auto lock = engine.take_lock();
  auto& server = engine.server();
  refuse_migrated(engine, read_and_adopt(server, Adopter{lock->lease(), lock->previous()}));
  RunResult r;
  const Baseline baseline = options.from ? take_over(engine, options, r)
                                         : Baseline{options.version, options.description, std::nullopt};
  server.ensure_history_indexes();
  const auto entry = baseline_entry(engine, baseline, lock->lease_id());
  lock->ensure_held();
  server.append(entry);
  lock->release();
  r.to_version = baseline.version;
  r.message = fmt::format("baselined {} at version {}", engine.config.database, baseline.version);
  if (r.taken_over) {
    r.message += fmt::format(", taken over from {} ({} at {})", r.taken_over->tool, r.taken_over->collection,
                             r.taken_over->version);
  }
  return r;
}

}  // namespace mongoway::exec
