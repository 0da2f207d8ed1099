#include "cli/metrics.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <optional>
#include <string_view>

namespace mongoway::cli {
namespace {

struct Family {
  std::string_view name;
  std::string_view help;
  // The sample's value as written, nullopt for none.
  std::function<std::optional<std::string>(const DatabaseMetrics&)> value;
};

std::optional<std::string> whole(const std::optional<int64_t>& n) {
  if (!n) return std::nullopt;
  return std::to_string(*n);
}

// The shortest text that reads back as the same double.
std::optional<std::string> real(const std::optional<double>& x) {
  if (!x) return std::nullopt;
  return fmt::format("{}", *x);
}

const std::vector<Family>& families() {
  static const std::vector<Family> kFamilies = {
      {"mongoway_current_version", "The database's current version after the last mongoway command.",
       [](const DatabaseMetrics& m) { return whole(m.current_version); }},
      {"mongoway_pending_versions", "Versions with a file that are not applied (state pending).",
       [](const DatabaseMetrics& m) { return whole(m.pending_versions); }},
      {"mongoway_failed_versions", "Versions whose last run failed or was cut short (state failed).",
       [](const DatabaseMetrics& m) { return whole(m.failed_versions); }},
      {"mongoway_last_run_duration_seconds", "How long the last mongoway command took.",
       [](const DatabaseMetrics& m) { return real(m.last_run_duration_seconds); }},
      {"mongoway_last_run_success", "1 when the last mongoway command succeeded (exit status 0), else 0.",
       [](const DatabaseMetrics& m) { return std::optional<std::string>(m.last_run_success ? "1" : "0"); }},
      {"mongoway_last_success_timestamp_seconds",
       "When a mongoway command last succeeded, or a version was last applied, in seconds since the Unix epoch.",
       [](const DatabaseMetrics& m) { return real(m.last_success_timestamp_seconds); }},
  };
  return kFamilies;
}

// A label value: backslash, double quote and line feed escaped.
std::string label_value(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

[[noreturn]] void cannot_write(const std::string& path, const std::string& what, int error) {
  throw Error(ExitCode::output,
              fmt::format("cannot write the metrics file {}: {}: {}", path, what, std::strerror(error)));
}

void write_all(int fd, std::string_view text, const std::string& path) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) cannot_write(path, "writing", errno);
    text.remove_prefix(static_cast<size_t>(n));
  }
}

// The text into `temporary`, on disk before it is renamed; removed on failure.
void write_temporary(const std::string& temporary, std::string_view text, const std::string& path) {
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) cannot_write(path, "creating " + temporary, errno);
  try {
    write_all(fd, text, path);
    if (::fsync(fd) != 0) cannot_write(path, "flushing " + temporary, errno);
  } catch (const Error&) {
    ::close(fd);
    ::unlink(temporary.c_str());
    throw;
  }
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    cannot_write(path, "closing " + temporary, error);
  }
}

}  // namespace

std::string prometheus_text(const std::vector<DatabaseMetrics>& metrics) {
  std::string out;
  for (const auto& family : families()) {
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", family.name, family.help, family.name);
    for (const auto& m : metrics) {
      const auto value = family.value(m);
      if (!value) continue;
      out += fmt::format("{}{{cluster=\"{}\",database=\"{}\"}} {}\n", family.name, label_value(m.cluster),
                         label_value(m.database), *value);
    }
  }
  return out;
}

void write_metrics_file(const std::string& path, const std::vector<DatabaseMetrics>& metrics) {
  const std::string temporary = fmt::format("{}.tmp.{}", path, ::getpid());
  write_temporary(temporary, prometheus_text(metrics), path);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    cannot_write(path, "renaming " + temporary + " to it", error);
  }
}

}  // namespace mongoway::cli
