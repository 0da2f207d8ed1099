// snapshot: writes the target database's schema fingerprint, with the version
// it belongs to, to a file meant to be committed beside the migrations.

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "exec/commands.hpp"
#include "exec/commands/target_schema.hpp"

namespace mongoway::exec {
namespace {

std::string output_path(const Config& config, const std::string& given) {
  if (!given.empty()) return given;
  const std::string& first = config.locations.empty() ? std::string(".") : config.locations.front();
  return (std::filesystem::path(first) / "schema.json").string();
}

// Written beside its destination, then renamed over it: a reader never sees
// half a file, and a failed write leaves the old one.
void write_file(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (out) out << text;
    if (!out || !out.flush()) {
      const std::string reason = std::strerror(errno);
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      throw Error(ExitCode::usage, fmt::format("cannot write the snapshot to {}: {}", path, reason));
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::filesystem::remove(temporary, ec);
    throw Error(ExitCode::usage, fmt::format("cannot write the snapshot to {}: {}", path, ec.message()));
  }
}

}  // namespace

SnapshotResult snapshot(Engine& engine, const SnapshotOptions& options) {
  engine.check_config();
  const Fingerprint fingerprint = read_target_fingerprint(engine, options.data);
  SnapshotResult out;
  out.file = output_path(engine.config, options.output_file);
  write_file(out.file, fingerprint_text(fingerprint));
  out.database = fingerprint.database;
  out.version = fingerprint.version;
  out.data = options.data;
  out.collections = static_cast<int64_t>(fingerprint.collections.size());
  for (const auto& c : fingerprint.collections) out.indexes += static_cast<int64_t>(c.indexes.size());
  return out;
}

}  // namespace mongoway::exec
