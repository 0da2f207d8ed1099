#include "cli/init.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

namespace mongoway::cli {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void refuse(const std::string& message) {
  throw Error(ExitCode::invalid, message + "; nothing was created");
}

bool already_there(const fs::path& path) {
  std::error_code ec;
  return fs::symlink_status(path, ec).type() != fs::file_type::not_found;
}

// The folder the written file names: a default location, as the file says it,
// relative to the file's folder; one given on the command line or in the
// environment, as given.
fs::path migrations_folder(const Settings& settings) {
  fs::path first = settings.config.locations.front();
  for (const auto& shown : settings.shown) {
    if (shown.key == "locations" && shown.origin == "default" && first.is_relative()) {
      return (fs::path(settings.config_file).parent_path() / first).lexically_normal();
    }
  }
  return first;
}

// Exclusive creation: a file that appeared since the check is not overwritten.
void write_new_file(const fs::path& path, const std::string& text) {
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  const std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "wx"), &std::fclose);
  if (!file) refuse(fmt::format("cannot create {}: {}", path.string(), std::strerror(errno)));
  if (std::fwrite(text.data(), 1, text.size(), file.get()) != text.size() || std::fflush(file.get()) != 0) {
    const std::string reason = std::strerror(errno);
    fs::remove(path, ec);
    refuse(fmt::format("cannot write {}: {}", path.string(), reason));
  }
}

}  // namespace

int run_init(const Settings& settings, Reporter& reporter) {
  const fs::path config = settings.config_file;
  const fs::path folder = migrations_folder(settings);
  for (const auto& path : {config, folder}) {
    if (already_there(path)) refuse(fmt::format("cannot init: {} already exists", path.string()));
  }
  write_new_file(config, default_config_text());
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) {
    const std::string reason = ec.message();
    fs::remove(config, ec);
    refuse(fmt::format("cannot create {}: {}", folder.string(), reason));
  }
  reporter.created({folder.string(), config.string()});
  return 0;
}

}  // namespace mongoway::cli
