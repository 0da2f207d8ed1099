#pragma once
// A scratch database: a database of its own, on the target's server or
// another, where the migrations run without touching the target database
// (`verify`, and a replay of the history). Named mongoway_scratch_<random>
// unless a name is given (it must start with mongoway_scratch_); one that
// exists and is not empty is refused, since it may be someone's data. Once
// checked it belongs to this run, and is dropped when the ScratchDatabase
// ends — after success, a failure or a stop (an exception on its way out).
// Being this run's alone, its history log is read from the server once and
// then kept in memory, and its run records are kept in memory only
// (exec/remembered_history.hpp).

#include <functional>
#include <string>

#include "exec/engine.hpp"

namespace mongoway::exec {

inline constexpr std::string_view kScratchPrefix = "mongoway_scratch_";

struct ScratchOptions {
  std::string uri;       // empty: the target's
  std::string database;  // empty: kScratchPrefix + 12 random hex digits
};

class ScratchDatabase {
 public:
  // Checks the name (Error(usage)), reaches the server and refuses a
  // database that exists and is not empty (Error(usage)). Nothing is
  // written yet. `check`, when given, runs on the scratch engine before the
  // database becomes this run's: one it refuses (by throwing) is never
  // dropped, as nothing was written to it (verify's pre-flight check).
  ScratchDatabase(const Engine& target, const ScratchOptions& options, const std::function<void(Engine&)>& check = {});
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  // The engine whose database is the scratch one (its history and lock
  // collections live there too). It runs the target's files as the target
  // last loaded them, never reading them again.
  Engine& engine() { return m_engine; }
  const std::string& name() const { return m_engine.config.database; }
  std::string shown_uri() const;  // password masked

  // Drops it now (once): whether the drop went through. The destructor
  // drops it otherwise, its failure only shown with -v.
  bool drop();

 private:
  Engine m_engine;
  bool m_owned = false;  // checked empty: this run's to drop
};

// Why `name` cannot be a scratch database for the target `target`, or empty.
std::string scratch_name_problem(const std::string& name, const std::string& target);

}  // namespace mongoway::exec
