#pragma once
// Taking over another migration tool's history (`baseline --from`): the
// version that tool reached, judged from the documents of its record. Pure
// over documents: the baseline command reads the collections through the
// port, and these functions judge them, so that each tool's format is tested
// without a server. Every refusal is Error(ExitCode::invalid) with its reason:
// the record missing, dirty, failed or locked, a version mongoway cannot
// record, or one above the files.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bson/document.hpp"
#include "mongoway/error.hpp"
#include "mongoway/migrator.hpp"
#include "script/script.hpp"

namespace mongoway::exec::takeover {

// What was read of the other tool's collections.
struct Record {
  OtherTool tool = OtherTool::golang_migrate;
  std::string database;
  std::string collection;
  bool exists = false;  // the collection is in the database
  std::vector<bson::Document> documents;
  std::string lock_collection;  // empty: the tool keeps no lock in the database
  std::vector<bson::Document> locks;
};

// The version the other tool reached.
struct Reached {
  int64_t version = 0;
  std::string written;  // as that tool wrote it: "20240131120000", "3-add-index.js", "2.0"
};

// "golang-migrate", "migrate-mongo", "flyway": as --from and the JSON output name it.
const char* tool_name(OtherTool tool);
// As messages name it: "golang-migrate", "migrate-mongo", "Flyway".
const char* display_name(OtherTool tool);
// schema_migrations, changelog, flyway_schema_history.
std::string default_collection(OtherTool tool);
// migrate_advisory_lock, changelog_lock; empty for Flyway.
std::string default_lock_collection(OtherTool tool);

// The version record.tool reached: its lock free, its record there, then the
// tool's own reader.
Reached read_record(const Record& record);

// Each tool's reader, given a record that is there, not empty and not locked.
Reached read_golang_migrate(const Record& record);
Reached read_migrate_mongo(const Record& record);
Reached read_flyway(const Record& record);

// Refuses a version above the highest file version; a warning naming the
// nearest files when no file has exactly that version.
std::vector<Diagnostic> check_against_files(const Record& record, const Reached& reached,
                                            const std::vector<script::Migration>& migrations);

// Error(invalid): "cannot take over TOOL's history: REASON".
[[noreturn]] void refuse(const Record& record, const std::string& reason);

// A version written as digits alone ("0042"): at least 1 and within int64;
// nullopt otherwise.
std::optional<int64_t> whole_version(std::string_view digits);

}  // namespace mongoway::exec::takeover
