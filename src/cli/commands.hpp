#pragma once
// Runs one parsed command: builds the Migrator (or the offline script tools),
// calls it and hands the result to the Reporter. Returns the exit code;
// throws mongoway::Error.

#include "cli/arguments.hpp"
#include "cli/console.hpp"
#include "cli/reporter.hpp"
#include "cli/settings.hpp"

namespace mongoway::cli {

int run_command(const CommandLine& line, const Settings& settings, Reporter& reporter, Console& console);

}  // namespace mongoway::cli
