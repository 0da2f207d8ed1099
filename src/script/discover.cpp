#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
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

std::string join_path(const std::string& location, const std::string& name) {
  return (fs::path(location) / name).string();
}

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
  fs::directory_iterator it(location, ec);
  if (ec) {
    out.push_back(make_diagnostic(Diagnostic::Severity::error, location,
                                  "cannot read migration location: " + ec.message()));
    return false;
  }
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) break;
    std::error_code type_ec;
    // Subdirectories (e.g. of seed files) are not scanned; one named like a
    // migration file is listed, so that reading it reports the mistake.
    if (it->is_directory(type_ec) && it->path().extension() != ".json") continue;
    names.push_back(ListedName{it->path().filename().string(), it->is_symlink(type_ec) || type_ec});
  }
  if (ec) {
    out.push_back(make_diagnostic(Diagnostic::Severity::error, location,
                                  "cannot read migration location: " + ec.message()));
    return false;
  }
  std::sort(names.begin(), names.end());
  return true;
}

}  // namespace

Discovery discover(const std::vector<std::string>& locations) {
  Discovery result;
  std::set<std::string> seen_locations;
  for (const auto& location : locations) {
    std::error_code ec;
    const std::string key = fs::weakly_canonical(location, ec).string();
    if (!seen_locations.insert(ec ? location : key).second) continue;  // the same directory twice
    std::vector<ListedName> names;
    if (!list_location(location, names, result.diagnostics)) continue;
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
  std::stable_sort(result.files.begin(), result.files.end(), [](const DiscoveredFile& a, const DiscoveredFile& b) {
    if (a.name.version != b.name.version) return a.name.version < b.name.version;
    return a.name.kind < b.name.kind;
  });
  // Duplicates (also across locations), and U files without their V.
  std::map<std::pair<int64_t, FileKind>, const DiscoveredFile*> first;
  std::set<int64_t> versions;
  for (const auto& file : result.files) {
    if (file.name.kind == FileKind::migrate) versions.insert(file.name.version);
    auto [it, inserted] = first.emplace(std::make_pair(file.name.version, file.name.kind), &file);
    if (!inserted) {
      result.diagnostics.push_back(make_diagnostic(
          Diagnostic::Severity::error, file.path,
          fmt::format("{} {} is defined twice: {} and {}; give one of them another version",
                      file.name.kind == FileKind::migrate ? "version" : "undo of version", file.name.version,
                      it->second->path, file.path)));
    }
  }
  for (const auto& file : result.files) {
    if (file.name.kind == FileKind::undo && !versions.count(file.name.version)) {
      result.diagnostics.push_back(
          make_diagnostic(Diagnostic::Severity::error, file.path,
                          fmt::format("undo file of version {} has no migration V{}__<description>.json",
                                      file.name.version, file.name.version)));
    }
  }
  return result;
}

}  // namespace mongoway::script
