#pragma once
// Runs one parsed command: builds the Migrator (or the offline script tools),
// calls it and hands the result to the Reporter. Returns the exit code;
// throws mongoway::Error.

#include <string>
#include <vector>

#include "cli/arguments.hpp"
#include "cli/console.hpp"
#include "cli/reporter.hpp"
#include "cli/settings.hpp"
#include "mongoway/migrator.hpp"

namespace mongoway::cli {

int run_command(const CommandLine& line, const Settings& settings, Reporter& reporter, Console& console);

// --metrics-file, after the command's own output, also when it failed: a
// file not written is exit 6, as lost output is, unless the command failed
// already (`code`); its error goes to stderr in both output formats. Returns
// the exit code. Nothing is written without a path or metrics.
int write_metrics(const std::string& path, const std::vector<DatabaseMetrics>& metrics, int code, Console& console);

}  // namespace mongoway::cli
