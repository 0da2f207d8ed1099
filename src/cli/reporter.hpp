#pragma once
// How results reach the user: text for people, or one JSON document for programs.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/console.hpp"
#include "cli/settings.hpp"
#include "mongoway/migrator.hpp"
#include "script/import_golang_migrate.hpp"
#include "script/script.hpp"

namespace mongoway::cli {

// What `import` read and where it wrote.
struct ImportSummary {
  std::string tool;  // "golang-migrate"
  std::string source;
  std::string location;
  bool dry_run = false;
};

class Reporter {
 public:
  virtual ~Reporter() = default;

  // Live events of migrate/undo (the Listener forwards them).
  virtual void step_finished(const StepResult& step) = 0;
  // After each batch of a batched command (JSON: one event line on stderr;
  // text: the progress line shows it).
  virtual void batch_done(const BatchProgress& /*batch*/) {}

  virtual void run(const std::string& command, const std::string& database, const RunResult& result) = 0;
  virtual void info(const InfoResult& result) = 0;
  virtual void validate(const std::string& database, const ValidateResult& result) = 0;
  virtual void history(const std::string& database, const std::vector<HistoryRecord>& records) = 0;
  // Before repair's first write: every change it is about to make.
  virtual void repair_planned(const std::string& database, const std::vector<std::string>& changes) = 0;
  virtual void repair(const std::string& database, const RepairResult& result) = 0;
  virtual void remove(const std::string& database, const RemoveResult& result) = 0;
  virtual void clean(const std::string& database, const std::vector<std::string>& dropped) = 0;
  virtual void unlock(const std::string& database, const UnlockResult& result) = 0;
  virtual void snapshot(const SnapshotResult& result) = 0;
  virtual void diff(const DiffResult& result) = 0;
  virtual void verify(const VerifyResult& result) = 0;
  // `server_profile`: the profile the files were also checked against ("" for none).
  virtual void lint(const std::vector<std::string>& locations, const script::LoadResult& result,
                    const std::string& server_profile) = 0;
  virtual void created(const std::vector<std::string>& paths) = 0;
  // `import`: the files written (or, with --dry-run, that would be).
  virtual void imported(const ImportSummary& summary, const std::vector<script::ImportedFile>& files) = 0;
  virtual void error(const Error& error) = 0;

  // Warnings that come with a result; on stderr in both formats.
  void warnings(const std::vector<Diagnostic>& diagnostics);
  // `--verbose`: where each setting came from (stderr).
  void settings(const Settings& settings);

 protected:
  explicit Reporter(Console& console) : m_console(console) {}
  Console& m_console;
};

std::unique_ptr<Reporter> make_text_reporter(Console& console, bool quiet);
// `command`: the command's name in every document ("command"), nullopt when
// the command line named none.
std::unique_ptr<Reporter> make_json_reporter(Console& console, std::optional<std::string> command);

}  // namespace mongoway::cli
