#include "cli/fleet_input.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <sstream>

#include "cli/command_options.hpp"
#include "mongo/uri.hpp"
#include "util/files.hpp"
#include "util/redact.hpp"

namespace mongoway::cli {
namespace {

[[noreturn]] void usage_error(const std::string& message) { throw Error(ExitCode::usage, message); }

constexpr int64_t kMaxJobs = 64;
constexpr uint64_t kMaxListFile = 64ull * 1024 * 1024;

std::string trimmed(const std::string& text) {
  const size_t first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

std::string read_standard_input() {
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(0, buffer, sizeof buffer);
    if (n == 0) return text;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) usage_error("--databases-file -: cannot read standard input");
    text.append(buffer, static_cast<size_t>(n));
    if (text.size() > kMaxListFile) usage_error("--databases-file -: standard input is larger than 64 MiB");
  }
}

// "URI PATTERN..." lines: the URI checked as the command line checks -u.
FleetSelection cluster_line(const std::string& file, size_t number, const std::string& line,
                            const std::vector<std::string>& excludes) {
  std::istringstream words(line);
  FleetSelection selection;
  words >> selection.uri;
  for (std::string pattern; words >> pattern;) selection.patterns.push_back(pattern);
  const std::string where = fmt::format("--uris-file {}:{}", file, number);
  if (selection.patterns.empty()) {
    usage_error(fmt::format("{}: expected URI PATTERN..., got only {}", where, redact_uri(selection.uri)));
  }
  std::string why;
  if (!mongo::Uri::parse(selection.uri, &why)) {
    usage_error(redact_secrets(fmt::format("{}: invalid connection URI {}: {}", where, redact_uri(selection.uri), why),
                               uri_secrets(selection.uri)));
  }
  selection.excludes = excludes;
  return selection;
}

// undo, goto --allow-undo, repair and baseline change data without a
// forward migration: a glob could sweep in another application's databases.
void check_confirmed(const CommandLine& line, const FleetRequest& request) {
  const CommandId id = line.command->id;
  const bool risky = id == CommandId::undo || id == CommandId::repair || id == CommandId::baseline ||
                     (id == CommandId::goto_ && line.has("allow-undo"));
  if (!risky || line.has("dry-run") || !request.by_pattern || line.has("yes")) return;
  usage_error(fmt::format("{} on databases chosen by a pattern needs --yes (or name each database in "
                          "--databases-file): it changes data without a forward migration",
                          line.command->name));
}

void check_command(const CommandLine& line) {
  if (line.command->id == CommandId::diff && !line.has("against")) {
    usage_error("diff without --against replays the history on a scratch database of its own: it runs on one "
                "database; give --against FILE to compare a fleet with a snapshot");
  }
  if (line.has("uris-file") && (line.has("databases") || line.has("databases-file"))) {
    usage_error("give --uris-file, or --databases and --databases-file on the -u server, not both");
  }
}

}  // namespace

void check_single_database(const CommandLine& line) {
  for (const char* name : {"exclude", "jobs", "fail-fast", "yes"}) {
    if (std::string_view(name) == "yes" && line.command->id == CommandId::clean) continue;
    if (line.has(name)) usage_error(fmt::format("--{} goes with --databases, --databases-file or --uris-file", name));
  }
}

std::string read_text_file(const std::string& path) {
  if (path == "-") return read_standard_input();
  std::string text;
  std::string err;
  if (!util::read_file_limited(path, kMaxListFile, &text, &err)) usage_error(fmt::format("{}: {}", path, err));
  return text;
}

std::vector<std::string> list_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    out.push_back(trimmed(line.substr(0, line.find('#'))));
  }
  return out;
}

FleetRequest read_fleet_request(const CommandLine& line, const Settings& settings, const ReadText& read) {
  check_command(line);
  FleetRequest request;
  request.options.jobs = static_cast<int>(number_option(line, "jobs", 1).value_or(4));
  if (request.options.jobs > kMaxJobs)
    usage_error(fmt::format("--jobs: at most {}, got {}", kMaxJobs, request.options.jobs));
  request.options.fail_fast = line.has("fail-fast");
  const std::vector<std::string> excludes = line.all("exclude");
  if (const auto file = line.value("uris-file")) {
    const auto lines = list_lines(read(*file));
    for (size_t i = 0; i < lines.size(); ++i) {
      if (!lines[i].empty()) request.selections.push_back(cluster_line(*file, i + 1, lines[i], excludes));
    }
    if (request.selections.empty()) usage_error(fmt::format("--uris-file {}: names no cluster", *file));
    request.by_pattern = true;
  } else {
    FleetSelection selection{settings.config.uri, line.all("databases"), excludes, {}};
    if (const auto file = line.value("databases-file")) {
      for (auto& name : list_lines(read(*file))) {
        if (!name.empty()) selection.names.push_back(std::move(name));
      }
    }
    request.by_pattern = !selection.patterns.empty();
    request.selections.push_back(std::move(selection));
  }
  check_confirmed(line, request);
  return request;
}

}  // namespace mongoway::cli
