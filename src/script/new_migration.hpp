#pragma once
// `mongoway new`: the next migration file (and its undo) from a template.

#include <string>
#include <vector>

namespace mongoway::script {

// Creates V<next>__<description>.json (and U<next>__undo_<description>.json
// when `with_undo`) in `location` (created if missing), where next = the
// highest version found in `all_locations` + 1. Spaces in the description
// become underscores; only letters, digits, '_', '-' and spaces are allowed.
// Returns the paths written. Throws mongoway::Error: ExitCode::usage for a bad
// description, ExitCode::invalid when a file exists or cannot be written.
std::vector<std::string> create_new_migration(const std::string& location,
                                              const std::vector<std::string>& all_locations,
                                              const std::string& description, bool with_undo);

// The highest version named by the migration files of `locations` (0 when none).
int64_t highest_version(const std::vector<std::string>& locations);

}  // namespace mongoway::script
