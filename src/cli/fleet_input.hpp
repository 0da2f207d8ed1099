#pragma once
// What the command line asks of a fleet, read and checked before anything is
// reached: which databases (--databases and --exclude on the -u server,
// --databases-file, --uris-file), how many at a time, and whether a command
// that changes data without a forward migration may sweep a pattern's
// databases (--yes).

#include <functional>
#include <string>
#include <vector>

#include "cli/arguments.hpp"
#include "cli/settings.hpp"
#include "mongoway/fleet.hpp"

namespace mongoway::cli {

struct FleetRequest {
  std::vector<FleetSelection> selections;  // one per cluster
  FleetOptions options;
  bool by_pattern = false;  // some databases are chosen by a glob
};

// Reads "-" (standard input) or a file, whole; throws Error(usage) naming it.
using ReadText = std::function<std::string(const std::string& path)>;
std::string read_text_file(const std::string& path);

// Throws Error(usage): a file that cannot be read, a line that is not
// `URI PATTERN...`, an invalid URI (its password masked), a reserved name
// in --databases-file, --jobs out of 1..64, --yes missing where it is needed,
// a command or form that stays single-database (diff without --against).
FleetRequest read_fleet_request(const CommandLine& line, const Settings& settings,
                                const ReadText& read = read_text_file);

// Without a fleet: its options alone are a usage error (clean's --yes aside).
void check_single_database(const CommandLine& line);

// The lines of a list file: comments (from #) and blanks left out, each trimmed.
std::vector<std::string> list_lines(const std::string& text);

}  // namespace mongoway::cli
