#include "exec/preflight.hpp"

#include <fmt/format.h>

#include <charconv>
#include <optional>

#include "exec/engine.hpp"

namespace mongoway::exec {
namespace {

// "7.0.14" or "1.24.2" → {7, 0}, {1, 24}: the first two numbers; nullopt
// when the text does not start with them.
std::optional<script::ServerVersion> major_minor(const std::string& text) {
  script::ServerVersion v;
  const char* end = text.data() + text.size();
  auto major = std::from_chars(text.data(), end, v.major);
  if (major.ec != std::errc() || major.ptr == end || *major.ptr != '.') return std::nullopt;
  auto minor = std::from_chars(major.ptr + 1, end, v.minor);
  if (minor.ec != std::errc()) return std::nullopt;
  return v;
}

script::ServerKind kind_of(port::ServerKind kind) {
  switch (kind) {
    case port::ServerKind::mongodb: return script::ServerKind::mongodb;
    case port::ServerKind::ferretdb: return script::ServerKind::ferretdb;
    case port::ServerKind::documentdb: return script::ServerKind::documentdb;
    case port::ServerKind::cosmosdb: return script::ServerKind::cosmosdb;
    case port::ServerKind::unknown: break;
  }
  return script::ServerKind::unknown;
}

script::Topology topology_of(port::Topology topology) {
  switch (topology) {
    case port::Topology::standalone: return script::Topology::standalone;
    case port::Topology::replica_set: return script::Topology::replica_set;
    case port::Topology::sharded: return script::Topology::sharded;
  }
  return script::Topology::standalone;
}

const char* topology_text(port::Topology topology) {
  switch (topology) {
    case port::Topology::standalone: return "standalone";
    case port::Topology::replica_set: return "replica set";
    case port::Topology::sharded: return "sharded cluster";
  }
  return "";
}

// Every need `file` has that the server lacks (errors) or may lack
// (warnings), each placed at its command and naming the version and the server.
std::vector<Diagnostic> judge(const PlannedFile& file, const script::ServerProfile& profile,
                              const std::string& server) {
  auto found = script::check_against_profile(*file.script, profile);
  for (auto& d : found) d.message = fmt::format("version {}: {} (the server: {})", file.version, d.message, server);
  return found;
}

// Every diagnostic is shown on a line of its own: the message only counts them.
Error refusal(const std::vector<Diagnostic>& refused, const std::string& server) {
  return Error(ExitCode::invalid,
               fmt::format("pre-flight check: the server ({}) lacks {} thing{} the plan needs; nothing was written "
                           "(--preflight off skips the check)",
                           server, refused.size(), refused.size() == 1 ? "" : "s"),
               refused);
}

// One warning listing every need whose support is not known.
Diagnostic unknown_needs(const std::vector<Diagnostic>& unknown, const std::string& server) {
  std::string list;
  for (const auto& d : unknown) list += fmt::format("{}{}", list.empty() ? "" : "; ", d.located_message());
  return Diagnostic{Diagnostic::Severity::warning, "", 0, 0,
                    fmt::format("pre-flight check: whether the server ({}) has {} thing{} the plan needs is not "
                                "known, going on (--preflight strict refuses): {}",
                                server, unknown.size(), unknown.size() == 1 ? "" : "s", list)};
}

}  // namespace

script::ServerProfile profile_of(const port::ServerFacts& facts) {
  script::ServerProfile profile;
  profile.kind = kind_of(facts.kind);
  profile.topology = topology_of(facts.topology);
  const auto version = major_minor(facts.kind == port::ServerKind::ferretdb ? facts.kind_version : facts.version);
  if (version) {
    profile.version = *version;
  } else {
    profile.kind = script::ServerKind::unknown;
  }
  return profile;
}

std::string describe_server(const port::ServerFacts& facts) {
  std::string kind;
  switch (facts.kind) {
    case port::ServerKind::mongodb: kind = "MongoDB " + facts.version; break;
    case port::ServerKind::ferretdb: kind = "FerretDB " + facts.kind_version; break;
    case port::ServerKind::documentdb: kind = "Amazon DocumentDB, answering as MongoDB " + facts.version; break;
    case port::ServerKind::cosmosdb:
      kind = "Azure Cosmos DB's MongoDB API, answering as MongoDB " + facts.version;
      break;
    case port::ServerKind::unknown:
      kind = fmt::format("a server of unknown kind, version \"{}\"", facts.version);
      break;
  }
  return fmt::format("{}, {}", kind, topology_text(facts.topology));
}

std::vector<Diagnostic> preflight(const std::vector<PlannedFile>& files, const port::ServerFacts& facts,
                                  PreflightMode mode) {
  if (mode == PreflightMode::off) {
    return {Diagnostic{Diagnostic::Severity::warning, "", 0, 0,
                       "pre-flight check skipped (--preflight off): what the plan needs was not checked against "
                       "the server"}};
  }
  const auto profile = profile_of(facts);
  const std::string server = describe_server(facts);
  std::vector<Diagnostic> refused, unknown;
  for (const auto& file : files) {
    for (auto& d : judge(file, profile, server)) {
      if (!d.is_error() && mode == PreflightMode::strict) d.severity = Diagnostic::Severity::error;
      (d.is_error() ? refused : unknown).push_back(std::move(d));
    }
  }
  if (!refused.empty()) throw refusal(refused, server);
  if (unknown.empty()) return {};
  return {unknown_needs(unknown, server)};
}

std::vector<Diagnostic> preflight(Engine& engine, const std::vector<PlannedFile>& files) {
  if (engine.config.preflight == PreflightMode::off) return preflight(files, port::ServerFacts{}, PreflightMode::off);
  if (files.empty()) return {};
  return preflight(files, engine.server().facts(), engine.config.preflight);
}

void tell_warnings(const Engine& engine, const std::vector<Diagnostic>& warnings) {
  if (!engine.listener.warning) return;
  for (const auto& w : warnings) engine.listener.warning(w);
}

std::vector<Diagnostic> preflight(Engine& engine, const plan::Plan& plan) {
  if (plan.versions.empty()) return {};
  std::vector<PlannedFile> files;
  for (int64_t version : plan.versions) {
    const script::Migration* m = engine.find_migration(version);
    if (m == nullptr) continue;  // refused when its steps are built
    const script::Script* file = plan.direction == Direction::migrate ? &m->up : m->undo ? &*m->undo : nullptr;
    if (file != nullptr) files.push_back({version, file});
  }
  return preflight(engine, files);
}

}  // namespace mongoway::exec
