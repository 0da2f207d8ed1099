#pragma once
// What a fleet run shows: in text, a line per database as it ends (its
// versions from -> to and what happened, or its state for `info`), the live
// table on a terminal, then the counts and every failed database with its
// error; with --output json, one document whose "databases" hold, for each
// database, the document its single-database command gives.

#include <memory>
#include <string>
#include <vector>

#include "cli/console.hpp"
#include "cli/fleet_table.hpp"
#include "cli/reporter.hpp"
#include "cli/settings.hpp"
#include "mongoway/fleet.hpp"

namespace mongoway::cli {

// migrated: the command changed the database; up_to_date: it succeeded
// without changing it (and every succeeded read); failed; skipped.
struct FleetCounts {
  int64_t migrated = 0;
  int64_t up_to_date = 0;
  int64_t failed = 0;
  int64_t skipped = 0;
};
FleetCounts count_fleet(const std::vector<FleetResult>& results);

// What one database's line says after its name: "0 -> 3  migrated 3 versions",
// "version 3  pending 1  failed 0", "failed (exit 1): ...".
std::string fleet_line(const FleetResult& result);

class FleetReport {
 public:
  FleetReport(Console& console, std::string command, const std::vector<FleetTarget>& targets, bool json,
              const Settings& settings);
  // The fleet's listener: each database's Migrator events, its start and end.
  FleetListener listener();
  // The summary (text) or the document (JSON); returns the fleet's exit code.
  int finish(const std::vector<FleetResult>& results);

 private:
  Listener listener_for(size_t index);
  void ended(size_t index, const FleetResult& result);
  void write_document(const std::vector<FleetResult>& results, const FleetCounts& counts, int exit_code);
  void write_summary(const std::vector<FleetResult>& results, const FleetCounts& counts);

  Console& m_console;
  std::string m_command;
  std::vector<FleetTarget> m_targets;
  bool m_json;
  bool m_quiet;
  bool m_verbose;
  bool m_several_clusters = false;
  size_t m_name_width = 0;
  std::vector<std::unique_ptr<Reporter>> m_reporters;  // JSON: each database's own, into m_documents
  std::vector<std::string> m_documents;
  FleetTable m_table;
};

}  // namespace mongoway::cli
