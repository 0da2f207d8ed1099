#pragma once
// `mongoway new`: the next migration file (and its undo) from a template.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mongoway::script {

// What `new`'s templates hold where the user's names go. A command whose
// comment is still a template's (is_template_comment) and that holds this
// value is an unedited template: an error, which lint reports.
inline constexpr std::string_view kTemplatePlaceholder = "change_me";
bool is_template_comment(std::string_view comment);

// Creates V<next>__<description>.json (and U<next>__undo_<description>.json
// when `with_undo`) in `location` (created if missing), where next = the
// highest version found in `all_locations` + 1. The description is written in
// Unicode NFC, its spaces as underscores; only letters and digits (of any
// script), '_', '-' and spaces are allowed.
// Returns the paths written. Throws mongoway::Error: ExitCode::usage for a bad
// description, ExitCode::invalid when a file exists or cannot be written.
std::vector<std::string> create_new_migration(const std::string& location,
                                              const std::vector<std::string>& all_locations,
                                              const std::string& description, bool with_undo);

// The highest version named by the migration files of `locations` (0 when none).
int64_t highest_version(const std::vector<std::string>& locations);

}  // namespace mongoway::script
