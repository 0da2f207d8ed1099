#pragma once
// A command on a fleet of databases (--databases, --databases-file,
// --uris-file): the databases selected and printed before anything runs, the
// run through the library's Fleet, a line per database as it ends (and the
// live table on a terminal), then the counts and the failed databases; with
// --output json, one document holding each database's own.

#include "cli/arguments.hpp"
#include "cli/console.hpp"
#include "cli/settings.hpp"

namespace mongoway::cli {

// Returns the worst exit code of the databases; throws mongoway::Error
// (usage, connection) when the fleet cannot be selected.
int run_fleet_command(const CommandLine& line, const Settings& settings, Console& console);

}  // namespace mongoway::cli
