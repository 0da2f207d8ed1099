#include "script/new_migration.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>

#include "mongoway/error.hpp"
#include "script/script.hpp"

namespace mongoway::script {

namespace fs = std::filesystem;

namespace {

std::string file_safe_description(const std::string& description) {
  std::string out;
  for (char c : description) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == ' ';
    if (!ok) {
      throw Error(ExitCode::usage,
                  fmt::format("invalid description \"{}\": use only letters, digits, '_', '-' and spaces (they "
                              "become part of the file name)",
                              description));
    }
    out += c == ' ' ? '_' : c;
  }
  const size_t first = out.find_first_not_of('_');
  if (first == std::string::npos) {
    throw Error(ExitCode::usage, "empty description: say what the migration does, e.g. mongoway new \"add users\"");
  }
  return out.substr(first, out.find_last_not_of('_') - first + 1);
}

std::string version_template(int64_t version, const std::string& description) {
  return fmt::format(R"([
  {{
    "createCollection": "change_me",
    "comment": "Version {0} ({1}): replace this example with your changes. Each command is an object whose first key names it: createCollection, createIndex, insertMany, updateMany, renameCollection, runCommand... A \"comment\" like this one is shown in plans and logs and never sent to the server. Check the file with: mongoway lint"
  }}
]
)",
                     version, description);
}

std::string undo_template(int64_t version, const std::string& file_name) {
  return fmt::format(R"([
  {{
    "dropCollection": "change_me",
    "comment": "Undo of version {0}: reverse every command of {1}, in reverse order, so that mongoway undo brings the database back to version {2}."
  }}
]
)",
                     version, file_name, version - 1);
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

void write_new_file(const fs::path& path, const std::string& content) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "wx"));
  if (!file) {
    if (errno == EEXIST) {
      throw Error(ExitCode::invalid, fmt::format("{} already exists; not overwriting it", path.string()));
    }
    throw Error(ExitCode::invalid, fmt::format("cannot create {}: {}", path.string(), std::strerror(errno)));
  }
  if (std::fwrite(content.data(), 1, content.size(), file.get()) != content.size() ||
      std::fflush(file.get()) != 0) {
    throw Error(ExitCode::invalid, fmt::format("cannot write {}: {}", path.string(), std::strerror(errno)));
  }
}

}  // namespace

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

std::vector<std::string> create_new_migration(const std::string& location,
                                              const std::vector<std::string>& all_locations,
                                              const std::string& description, bool with_undo) {
  const std::string safe = file_safe_description(description);
  std::vector<std::string> locations = all_locations;
  locations.push_back(location);
  const int64_t version = highest_version(locations) + 1;
  std::error_code ec;
  fs::create_directories(location, ec);
  if (ec) throw Error(ExitCode::invalid, fmt::format("cannot create {}: {}", location, ec.message()));

  const std::string v_name = fmt::format("V{}__{}.json", version, safe);
  const std::string u_name = fmt::format("U{}__undo_{}.json", version, safe);
  const fs::path v_path = fs::path(location) / v_name;
  const fs::path u_path = fs::path(location) / u_name;
  if (with_undo && fs::exists(u_path, ec)) {
    throw Error(ExitCode::invalid, fmt::format("{} already exists; not overwriting it", u_path.string()));
  }
  std::string shown = safe;  // as `info` shows it: underscores as spaces
  std::replace(shown.begin(), shown.end(), '_', ' ');
  write_new_file(v_path, version_template(version, shown));
  std::vector<std::string> written{v_path.string()};
  if (with_undo) {
    write_new_file(u_path, undo_template(version, v_name));
    written.push_back(u_path.string());
  }
  return written;
}

}  // namespace mongoway::script
