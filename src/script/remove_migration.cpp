#include "script/remove_migration.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "mongoway/error.hpp"

namespace mongoway::script {

std::vector<std::string> files_of_version(const Discovery& discovery, int64_t version) {
  std::vector<std::string> out;
  for (const auto& file : discovery.files) {
    if (file.name.version == version) out.push_back(file.path);
  }
  return out;
}

void delete_migration_files(const std::vector<std::string>& paths) {
  for (const auto& path : paths) {
    std::error_code ec;
    if (!std::filesystem::remove(path, ec) || ec) {
      const std::string reason = ec ? ec.message() : "it no longer exists";
      throw Error(ExitCode::invalid, fmt::format("cannot delete {}: {}", path, reason));
    }
  }
}

}  // namespace mongoway::script
