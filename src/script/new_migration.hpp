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

// `text` made fit for the description part of a file name, as `new` wants
// it: in NFC, each run of characters `new` refuses (and of spaces and
// underscores) written as one '_', none at either end; "" when nothing is left.
std::string description_for_file_name(const std::string& text);

// Writes `content` to `path`, which must not exist yet; false, with the
// reason in `err`, when it cannot.
bool write_new_file(const std::string& path, const std::string& content, std::string* err);

// The highest version named by the migration files of `locations` (0 when none).
int64_t highest_version(const std::vector<std::string>& locations);

}  // namespace mongoway::script
