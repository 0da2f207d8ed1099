#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "script/script.hpp"

namespace mongoway::script {

namespace {

bool ends_with_ignoring_case(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  return std::equal(suffix.begin(), suffix.end(), s.end() - static_cast<long>(suffix.size()),
                    [](char lower, char c) { return std::tolower(static_cast<unsigned char>(c)) == lower; });
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<FileName> parse_file_name(const std::string& file_name, std::string* warning, std::string* error) {
  const auto warn = [&](const std::string& message) {
    if (warning) *warning = message;
    return std::nullopt;
  };
  const auto fail = [&](const std::string& message) {
    if (error) *error = message;
    return std::nullopt;
  };
  if (file_name.size() < 2) return std::nullopt;
  const char prefix = file_name[0];
  if (prefix != 'V' && prefix != 'U' && prefix != 'v' && prefix != 'u') return std::nullopt;
  const std::string_view rest = std::string_view(file_name).substr(1);
  const size_t separator = rest.find("__");
  if (!is_digit(rest[0]) && separator == std::string_view::npos) return std::nullopt;

  if (prefix == 'v' || prefix == 'u') {
    return warn(fmt::format("ignored: looks like a migration file, but the prefix must be an upper-case '{}' (e.g. "
                            "{}1__name.json)",
                            static_cast<char>(std::toupper(prefix)), static_cast<char>(std::toupper(prefix))));
  }
  if (!file_name.ends_with(".json")) {
    if (ends_with_ignoring_case(file_name, ".json")) {
      return warn("ignored: looks like a migration file, but the extension must be \".json\" in lower case");
    }
    return warn("ignored: looks like a migration file, but only names ending in \".json\" are read");
  }
  if (separator == std::string_view::npos) {
    return warn(fmt::format("ignored: looks like a migration file, but the version and the description must be "
                            "separated by two underscores (e.g. {}1__name.json)",
                            prefix));
  }
  const std::string_view version_text = rest.substr(0, separator);
  std::string_view description = rest.substr(separator + 2);
  description.remove_suffix(5);  // ".json"
  if (version_text.empty() || !std::all_of(version_text.begin(), version_text.end(), is_digit)) {
    return fail(fmt::format("invalid version \"{}\": a version is a positive integer (e.g. {}3__name.json)",
                            version_text, prefix));
  }
  const size_t first_nonzero = version_text.find_first_not_of('0');
  if (first_nonzero == std::string_view::npos) return fail("invalid version 0: versions start at 1");
  int64_t version = 0;
  const std::string_view digits = version_text.substr(first_nonzero);
  if (std::from_chars(digits.data(), digits.data() + digits.size(), version).ec != std::errc()) {
    return fail(fmt::format("invalid version {}: too large (at most 9223372036854775807)", digits));
  }
  if (description.empty()) {
    return fail(fmt::format("missing description after \"__\" (e.g. {}{}__add_users.json)", prefix, digits));
  }
  if (prefix == 'U' && !description.starts_with("undo_") && warning) {
    *warning = fmt::format("undo file names are written U{}__undo_<description>.json", digits);
  }
  FileName name;
  name.kind = prefix == 'V' ? FileKind::migrate : FileKind::undo;
  name.version = version;
  name.description = std::string(description);
  std::replace(name.description.begin(), name.description.end(), '_', ' ');
  return name;
}

}  // namespace mongoway::script
