#pragma once
// The pre-flight check: before the first write of migrate, undo, goto and
// verify, what the files of the plan need (script/needs.hpp) is judged
// against what the server is (port::ServerFacts, read once), through the
// table of server features (script/server_profile.hpp). Every need the
// server lacks is listed at once, and the run is refused before anything is
// written and before the lock is taken.

#include <cstdint>
#include <string>
#include <vector>

#include "mongoway/error.hpp"
#include "mongoway/migrator.hpp"
#include "plan/plan.hpp"
#include "port/server.hpp"
#include "script/server_profile.hpp"

namespace mongoway::exec {

class Engine;

// The server as a profile of the table: its kind, the version the table
// reads for it (FerretDB's own, else the MongoDB version it answers as) and
// its topology. A version that is no MAJOR.MINOR makes the kind unknown.
script::ServerProfile profile_of(const port::ServerFacts& facts);
// How messages name the server: "FerretDB 1.24.2, standalone".
std::string describe_server(const port::ServerFacts& facts);

// One file a plan runs, with its version.
struct PlannedFile {
  int64_t version = 0;
  const script::Script* script = nullptr;
};

// Judges every need of `files` on the server `facts` describes, as `mode`
// says. Throws Error(ExitCode::invalid) with one diagnostic per need the
// server lacks (and, strict, per need whose support is not known); returns
// the warnings: one listing the needs whose support is not known (auto), or
// one saying the check was skipped (off).
std::vector<Diagnostic> preflight(const std::vector<PlannedFile>& files, const port::ServerFacts& facts,
                                  PreflightMode mode);

// The same on the engine's server, as its settings say.
std::vector<Diagnostic> preflight(Engine& engine, const std::vector<PlannedFile>& files);

// Gives each warning to the engine's listener.
void tell_warnings(const Engine& engine, const std::vector<Diagnostic>& warnings);

// The same for the files `plan` runs (its V files when it migrates, its U
// files when it undoes), on the engine's server, as its settings say.
std::vector<Diagnostic> preflight(Engine& engine, const plan::Plan& plan);

}  // namespace mongoway::exec
