#include "script/new_migration.hpp"

#include <fmt/format.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <system_error>

#include "mongoway/error.hpp"
#include "script/script.hpp"
#include "util/utf8.hpp"

namespace mongoway::script {

namespace fs = std::filesystem;

namespace {

// The text in Unicode NFC, the form in which most systems write and compare
// file names; nullopt when ICU cannot normalise it.
std::optional<std::string> nfc(const std::string& text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return std::nullopt;
  const icu::UnicodeString decoded = icu::UnicodeString::fromUTF8(text);
  std::string out;
  normalizer->normalize(decoded, status).toUTF8String(out);
  if (U_FAILURE(status)) return std::nullopt;
  return out;
}

// A letter or mark of any script (the vowel signs of Devanagari are marks), or
// a decimal digit of any script.
bool is_word_character(UChar32 c) { return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_M_MASK | U_GC_ND_MASK)) != 0; }

// The description as it goes into a file name (in NFC, spaces as
// underscores, none at either end); nullopt, with the reason in `err`, when
// it cannot go there.
std::optional<std::string> file_safe_description(const std::string& description, std::string* err) {
  const auto refuse = [&] {
    *err = fmt::format("invalid description \"{}\": use only letters and digits (of any language), '_', '-' "
                       "and spaces (they become part of the file name)",
                       description);
    return std::nullopt;
  };
  // Bytes that are not UTF-8 are read as U+FFFD, a symbol: refused below.
  const std::optional<std::string> normalized = nfc(description);
  if (!normalized) return refuse();
  std::string out;
  for (size_t pos = 0; pos < normalized->size();) {
    uint32_t code_point = 0;
    const size_t length = util::utf8_sequence(*normalized, pos, &code_point);
    const auto c = static_cast<UChar32>(code_point);
    if (length == 0 || !(is_word_character(c) || c == '_' || c == '-' || c == ' ')) return refuse();
    if (c == ' ') out += '_';
    else out.append(*normalized, pos, length);
    pos += length;
  }
  const size_t first = out.find_first_not_of('_');
  if (first == std::string::npos) {
    *err = "empty description: say what the migration does, e.g. mongoway new \"add users\"";
    return std::nullopt;
  }
  return out.substr(first, out.find_last_not_of('_') - first + 1);
}

// The sentences by which a template's comments are known (is_template_comment).
constexpr std::string_view kVersionTemplateSentence = "replace this example with your changes.";
constexpr std::string_view kUndoTemplateSentence = "reverse every command of ";

std::string version_template(int64_t version, const std::string& description) {
  return fmt::format(R"([
  {{
    "createCollection": "{3}",
    "comment": "Version {0} ({1}): {2} Each command is an object whose first key names it: createCollection, createIndex, insertMany, updateMany, renameCollection, runCommand... A \"comment\" like this one is shown in plans and logs and never sent to the server. Check the file with: mongoway lint"
  }}
]
)",
                     version, description, kVersionTemplateSentence, kTemplatePlaceholder);
}

std::string undo_template(int64_t version, const std::string& file_name) {
  return fmt::format(R"([
  {{
    "dropCollection": "{4}",
    "comment": "Undo of version {0}: {3}{1}, in reverse order, so that mongoway undo brings the database back to version {2}."
  }}
]
)",
                     version, file_name, version - 1, kUndoTemplateSentence, kTemplatePlaceholder);
}

}  // namespace

std::string description_for_file_name(const std::string& text) {
  const std::string normalized = nfc(text).value_or(text);
  std::string out;
  for (size_t pos = 0; pos < normalized.size();) {
    uint32_t code_point = 0;
    const size_t length = util::utf8_sequence(normalized, pos, &code_point);
    const auto c = static_cast<UChar32>(code_point);
    if (length != 0 && (is_word_character(c) || c == '-')) {
      out.append(normalized, pos, length);
    } else if (!out.empty() && out.back() != '_') {
      out += '_';
    }
    pos += length == 0 ? 1 : length;
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

bool is_template_comment(std::string_view comment) {
  return (comment.starts_with("Version ") && comment.find(kVersionTemplateSentence) != std::string_view::npos) ||
         (comment.starts_with("Undo of version ") && comment.find(kUndoTemplateSentence) != std::string_view::npos);
}

namespace {

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

bool write_new_file(const std::string& path, const std::string& content, std::string* err) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "wx"));
  if (!file) {
    *err = errno == EEXIST ? fmt::format("{} already exists; not overwriting it", path)
                           : fmt::format("cannot create {}: {}", path, std::strerror(errno));
    return false;
  }
  if (std::fwrite(content.data(), 1, content.size(), file.get()) != content.size() || std::fflush(file.get()) != 0) {
    *err = fmt::format("cannot write {}: {}", path, std::strerror(errno));
    return false;
  }
  return true;
}

int64_t highest_version(const std::vector<std::string>& locations) {
  int64_t highest = 0;
  for (const auto& location : locations) {
    std::error_code ec;
    fs::directory_iterator it(location, ec);
    if (ec) continue;
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) break;
      std::error_code type_ec;
      if (it->is_directory(type_ec)) continue;  // as in discovery
      auto name = parse_file_name(it->path().filename().string(), nullptr, nullptr);
      if (name && name->version > highest) highest = name->version;
    }
  }
  return highest;
}

namespace {

// create_new_migration's work: the paths written, or nullopt with the reason
// in `err` (a file problem; the description was checked before).
std::optional<std::vector<std::string>> write_migration_files(const std::string& location,
                                                              const std::vector<std::string>& all_locations,
                                                              const std::string& safe, bool with_undo,
                                                              std::string* err) {
  std::vector<std::string> locations = all_locations;
  locations.push_back(location);
  const int64_t version = highest_version(locations) + 1;
  std::error_code ec;
  fs::create_directories(location, ec);
  if (ec) {
    *err = fmt::format("cannot create {}: {}", location, ec.message());
    return std::nullopt;
  }
  const std::string v_name = fmt::format("V{}__{}.json", version, safe);
  const std::string u_name = fmt::format("U{}__undo_{}.json", version, safe);
  const fs::path v_path = fs::path(location) / v_name;
  const fs::path u_path = fs::path(location) / u_name;
  if (with_undo && fs::exists(u_path, ec)) {
    *err = fmt::format("{} already exists; not overwriting it", u_path.string());
    return std::nullopt;
  }
  std::string shown = safe;  // as `info` shows it: underscores as spaces
  std::replace(shown.begin(), shown.end(), '_', ' ');
  if (!write_new_file(v_path.string(), version_template(version, shown), err)) return std::nullopt;
  std::vector<std::string> written{v_path.string()};
  if (with_undo) {
    if (!write_new_file(u_path.string(), undo_template(version, v_name), err)) return std::nullopt;
    written.push_back(u_path.string());
  }
  return written;
}

}  // namespace

// The layer's boundary for `mongoway new`: mongoway::Error is raised here.
std::vector<std::string> create_new_migration(const std::string& location,
                                              const std::vector<std::string>& all_locations,
                                              const std::string& description, bool with_undo) {
  std::string err;
  const std::optional<std::string> safe = file_safe_description(description, &err);
  if (!safe) throw Error(ExitCode::usage, err);
  auto written = write_migration_files(location, all_locations, *safe, with_undo, &err);
  if (!written) throw Error(ExitCode::invalid, err);
  return std::move(*written);
}

}  // namespace mongoway::script
