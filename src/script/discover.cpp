#include <dirent.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <system_error>

#include "script/script.hpp"

namespace mongoway::script {

namespace fs = std::filesystem;

namespace {

Diagnostic make_diagnostic(Diagnostic::Severity severity, std::string file, std::string message) {
  Diagnostic d;
  d.severity = severity;
  d.file = std::move(file);
  d.message = std::move(message);
  return d;
}

// location/name, as std::filesystem::path's operator/ joins them (`name`, from
// a directory listing, is never absolute).
std::string join_path(const std::string& location, const std::string& name) {
  if (location.empty()) return name;
  return location.back() == '/' ? location + name : location + '/' + name;
}

// Whether `name` has the extension ".json" in std::filesystem's sense (a name
// that starts with its only dot has none).
bool has_json_extension(std::string_view name) {
  const size_t dot = name.rfind('.');
  return dot != std::string_view::npos && dot != 0 && name.substr(dot) == ".json";
}

struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};

struct ListedName {
  std::string name;
  bool symlink;  // from the directory entry's type: no lstat per file
  bool operator<(const ListedName& other) const { return name < other.name; }
};

// File names of one location, sorted; a diagnostic when it cannot be read.
bool list_location(const std::string& location, std::vector<ListedName>& names, std::vector<Diagnostic>& out) {
  std::error_code ec;
  const fs::file_status status = fs::status(location, ec);
  if (!fs::exists(status)) {
    out.push_back(make_diagnostic(Diagnostic::Severity::error, location,
                                  "migration location not found; create it or pass --location DIR"));
    return false;
  }
  if (!fs::is_directory(status)) {
    out.push_back(make_diagnostic(Diagnostic::Severity::error, location, "migration location is not a directory"));
    return false;
  }
  // readdir rather than std::filesystem::directory_iterator, which builds a
  // path object per entry (a third of discovering 10,000 files). The entry's
  // type comes from the listing; a file system that does not give it (or a
  // symlink, whose target decides) costs a stat.
  std::unique_ptr<DIR, DirCloser> dir(::opendir(location.c_str()));
  if (!dir) {
    out.push_back(make_diagnostic(Diagnostic::Severity::error, location,
                                  std::string("cannot read migration location: ") + std::strerror(errno)));
    return false;
  }
  const auto is_directory = [&](const std::string& name) {  // following a symlink
    struct stat st {};
    return ::stat(join_path(location, name).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  };
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(dir.get());
    if (!entry) break;
    const std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    bool symlink = entry->d_type == DT_LNK;
    if (entry->d_type == DT_UNKNOWN) {
      struct stat st {};
      symlink = ::lstat(join_path(location, name).c_str(), &st) != 0 || S_ISLNK(st.st_mode);
    }
    const bool directory = entry->d_type == DT_DIR || ((symlink || entry->d_type == DT_UNKNOWN) && is_directory(name));
    // Subdirectories (e.g. of seed files) are not scanned; one named like a
    // migration file is listed, so that reading it reports the mistake.
    if (directory && !has_json_extension(name)) continue;
    names.push_back(ListedName{name, symlink});
  }
  if (errno != 0) {
    out.push_back(make_diagnostic(Diagnostic::Severity::error, location,
                                  std::string("cannot read migration location: ") + std::strerror(errno)));
    return false;
  }
  std::sort(names.begin(), names.end());
  return true;
}

}  // namespace

namespace {

// The files of one location whose names are migration names, each name's
// warning or error reported.
void discover_location(const std::string& location, Discovery& result) {
  std::vector<ListedName> names;
  if (!list_location(location, names, result.diagnostics)) return;
  for (const auto& [name, symlink] : names) {
    std::string warning;
    std::string error;
    auto parsed = parse_file_name(name, &warning, &error);
    const std::string path = join_path(location, name);
    if (!warning.empty()) {
      result.diagnostics.push_back(make_diagnostic(Diagnostic::Severity::warning, path, warning));
    }
    if (!error.empty()) {
      result.diagnostics.push_back(make_diagnostic(Diagnostic::Severity::error, path, error));
    }
    if (!parsed) continue;
    result.files.push_back(DiscoveredFile{path, location, name, *parsed, symlink});
  }
}

std::pair<int64_t, FileKind> version_and_kind(const DiscoveredFile& f) {
  return std::make_pair(f.name.version, f.name.kind);
}

// Sorted by (version, kind), V before U, in discovery order otherwise: the
// permutation is sorted, not the files, which are large to move.
void sort_by_version(std::vector<DiscoveredFile>& files) {
  std::vector<size_t> order(files.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return version_and_kind(files[a]) < version_and_kind(files[b]); });
  std::vector<DiscoveredFile> sorted;
  sorted.reserve(order.size());
  for (const size_t i : order) sorted.push_back(std::move(files[i]));
  files = std::move(sorted);
}

// Duplicates (also across locations) are neighbours once sorted: each is
// reported against the first of its run.
void report_duplicates(const std::vector<DiscoveredFile>& files, std::vector<Diagnostic>& out) {
  for (size_t first = 0, i = 1; i < files.size(); ++i) {
    if (version_and_kind(files[i]) != version_and_kind(files[first])) {
      first = i;
      continue;
    }
    out.push_back(make_diagnostic(Diagnostic::Severity::error, files[i].path,
                                  fmt::format("{} {} is defined twice: {} and {}; give one of them another version",
                                              files[i].name.kind == FileKind::migrate ? "version" : "undo of version",
                                              files[i].name.version, files[first].path, files[i].path)));
  }
}

// U files without their V, which sorts just before them.
void report_orphan_undos(const std::vector<DiscoveredFile>& files, std::vector<Diagnostic>& out) {
  std::optional<int64_t> last_migration;
  for (const auto& file : files) {
    if (file.name.kind == FileKind::migrate) {
      last_migration = file.name.version;
    } else if (file.name.kind == FileKind::undo && last_migration != file.name.version) {
      out.push_back(make_diagnostic(Diagnostic::Severity::error, file.path,
                                    fmt::format("undo file of version {} has no migration V{}__<description>.json",
                                                file.name.version, file.name.version)));
    }
  }
}

}  // namespace

Discovery discover(const std::vector<std::string>& locations) {
  Discovery result;
  std::set<std::string> seen_locations;
  for (const auto& location : locations) {
    std::error_code ec;
    const std::string key = fs::weakly_canonical(location, ec).string();
    if (!seen_locations.insert(ec ? location : key).second) continue;  // the same directory twice
    discover_location(location, result);
  }
  sort_by_version(result.files);
  report_duplicates(result.files, result.diagnostics);
  report_orphan_undos(result.files, result.diagnostics);
  return result;
}

}  // namespace mongoway::script
