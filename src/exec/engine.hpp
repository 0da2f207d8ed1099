#pragma once
// What every command of the engine shares: the configuration, the listener,
// the server (through the port, connected on first use), the injected clock,
// the files as last loaded, and the steps common to several commands (load,
// read the status, validate, plan, render, take the lock). Each command lives
// in a file of its own under src/exec/commands/ (Flyway's one class per
// command); migrate and undo share the step runner (step_runner.hpp).

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exec/lease_lock.hpp"
#include "model/history.hpp"
#include "mongoway/migrator.hpp"
#include "plan/plan.hpp"
#include "port/server.hpp"
#include "script/render.hpp"
#include "script/script.hpp"

namespace mongoway::exec {

struct DerivedUndo;  // exec/derived_undo.hpp

// One version to run: its script and the commands rendered for the server.
struct Step {
  const script::Migration* migration = nullptr;
  const script::Script* script = nullptr;  // the V or U file that runs, or the derived undo's commands
  std::vector<std::pair<const script::Command*, std::vector<script::ServerCommand>>> commands;
  bool transaction = false;
  // A migrate: why the V file is not reversible ("" when it is, and what it
  // creates is recorded in its entry).
  std::string irreversible;
  // An undo without a U file: the undo derived from what the version created.
  std::shared_ptr<const DerivedUndo> derived;
  // A version cut inside its batched command: where it goes on from (the
  // commands before that one are not run again).
  std::optional<model::Checkpoint> resume;
  // The first of its commands that is batched (script::Batching), if any.
  const script::Command* batched = nullptr;
};

class Engine {
 public:
  // Opens the server the engine talks to (the libmongoc adapter in the
  // library, the fake in tests), given the engine's settings and listener.
  using Connect = std::function<std::unique_ptr<port::Server>(const Engine&)>;
  // Wraps the server an engine opens (exec/remembered_history.hpp).
  using Decorate = std::function<std::unique_ptr<port::Server>(std::unique_ptr<port::Server>)>;

  Engine(Config config, Connect connect, port::Clock& clock = port::steady_clock(),
         port::Processes& processes = port::local_processes());
  // An engine on other settings (another database, another server), reaching
  // its server the same way, on the same clock, with the same listener's
  // debug lines and secrets: verify's scratch database. `decorate`, when
  // given, wraps the server it opens.
  Engine sibling(Config other, const Decorate& decorate = {}) const;

  Config config;
  Listener listener;
  std::vector<std::string> secrets;  // the secret placeholders' values, masked in what is shown
  script::LoadResult files;
  port::Clock& clock;
  port::Processes& processes;  // who holds a lease, and whether it still runs
  // false (tests on the fake): the lease is renewed from ensure_held() when due.
  bool heartbeat_thread = true;
  // true: `files` stays as given and is never read again (verify's scratch
  // engine runs one reading of the files many times over).
  bool keep_files = false;
  // Set by a command that holds the lock across many runs on a database of
  // its own (verify's scratch database): migrate and undo run under it,
  // planning only under it and neither taking nor releasing a lock.
  LeaseLock* held_lock = nullptr;

  port::Server& server();
  void debug(const std::string& message) const;
  void check_config() const;

  // Loads and validates every file (again for every operation, so that a
  // long-lived Migrator sees edits); errors stop here, before any I/O with the server.
  const script::LoadResult& load_files();
  // The same, keeping the errors as data (`info` shows the database whatever the files).
  const script::LoadResult& read_files();
  // Throws Error(invalid) naming the files' first error, if they have one.
  void refuse_invalid_files() const;
  std::vector<Diagnostic> file_warnings() const;
  std::vector<plan::FileVersion> file_versions() const;
  // Why the V file `up` is not reversible (script/reversible.hpp), "" when it
  // is; read once per file and checksum (a documentsFile is streamed).
  const std::string& irreversible(const script::Script& up) const;
  const script::Migration* find_migration(int64_t version) const;

  // Without the lock, reads (and tells how each run cut short is known to be
  // over); with the lock just taken, also writes into the history what runs
  // cut short left unfinished.
  plan::Status read_status();
  plan::Status read_status(const LeaseLock& lock);
  // Without the lock, for a reader that shows the lock too (`info`): the
  // status and the newest lease, read once, after the history, so that the
  // lease is at least as new as any run the history shows.
  std::pair<plan::Status, NewestLease> read_status_and_lease();
  void validate_or_throw(const plan::Status& status, bool out_of_order = false) const;

  // Renders every command of every step up front: unknown placeholders and
  // unsupported transactions are refused before anything runs. An undo's
  // version without a U file gets the undo derived from what it created
  // (plan.derived), and a collection such an undo would drop that holds
  // other documents refuses the undo here (derived_undo.hpp: it reads counts).
  std::vector<Step> build_steps(const plan::Plan& plan, Direction direction);
  std::unique_ptr<LeaseLock> take_lock();
  // The newest lease, judged by the server's clock (one request for each).
  NewestLease newest_lease();
  // For a reader without the lock: the lease of the live holder when an
  // unfinished entry is its run's (that version is running), and the cut of
  // every other unfinished entry that has none yet.
  // `history` may be read again (settled_lease).
  std::optional<int64_t> explain_unfinished(std::vector<model::HistoryEntry>& history);
  std::optional<int64_t> explain_unfinished(std::vector<model::HistoryEntry>& history, const NewestLease& newest);

  // A command as the dry run and the listener show it: secret placeholder values masked.
  PlannedCommand shown(const script::Command& command, const script::ServerCommand& server) const;
  model::HistoryEntry new_entry(int64_t rank, const script::Script& script, model::EntryType type, int64_t lease) const;
  int64_t elapsed_ms(int64_t since_ns) const;

 private:
  NewestLease settled_lease(std::vector<model::HistoryEntry>& history);
  std::unique_ptr<port::Server> connect_with_retries();
  void wait_before_retry();
  bool wants_transaction(const Step& step);
  static std::optional<model::Checkpoint> resume_of(const plan::Plan& plan, const script::Script& script,
                                                    int64_t version);
  const script::Script* script_to_run(const plan::Plan& plan, Step& step, Direction direction) const;

  Connect m_connect;
  std::unique_ptr<port::Server> m_server;
  mutable std::map<std::string, std::string> m_irreversible;  // by file name and checksum
};

}  // namespace mongoway::exec
