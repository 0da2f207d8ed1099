#include "script/server_profile.hpp"

#include <fmt/format.h>

#include <charconv>

namespace mongoway::script {
namespace {

// The FerretDB version whose column the table holds.
constexpr ServerVersion kFerretDbKnown{1, 24};

std::string version_text(const ServerVersion& v) { return fmt::format("{}.{}", v.major, v.minor); }

// "7.0" → {7, 0}: two whole numbers and one dot, nothing else.
std::optional<ServerVersion> parse_version(std::string_view text) {
  const auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  ServerVersion v;
  const std::string_view major = text.substr(0, dot), minor = text.substr(dot + 1);
  const auto a = std::from_chars(major.data(), major.data() + major.size(), v.major);
  const auto b = std::from_chars(minor.data(), minor.data() + minor.size(), v.minor);
  if (major.empty() || minor.empty() || a.ec != std::errc() || a.ptr != major.data() + major.size() ||
      b.ec != std::errc() || b.ptr != minor.data() + minor.size()) {
    return std::nullopt;
  }
  return v;
}

Support unsupported(std::string reason) { return Support{Verdict::unsupported, std::move(reason), {}}; }
Support unknown(std::string reason) { return Support{Verdict::unknown, std::move(reason), {}}; }

// The first MongoDB version with transactions on a sharded cluster (RN 4.2).
constexpr ServerVersion kShardedTransactions{4, 2};

// Transactions on a MongoDB whose version has them: by its topology, when known.
Support mongodb_transactions(const ServerProfile& profile) {
  Support out;
  if (!profile.topology) {
    out.note = "transactions need a replica set, or a sharded cluster from MongoDB 4.2 on: a profile cannot tell";
  } else if (*profile.topology == Topology::standalone) {
    out = unsupported(fmt::format("MongoDB {} on a standalone server has no transactions (they need a replica set "
                                  "or a sharded cluster)",
                                  version_text(profile.version)));
  } else if (*profile.topology == Topology::sharded && profile.version < kShardedTransactions) {
    out = unsupported(fmt::format("MongoDB {} has no transactions on a sharded cluster (needs MongoDB {} or later)",
                                  version_text(profile.version), version_text(kShardedTransactions)));
  }
  return out;
}

Support mongodb_support(const ServerProfile& profile, const FeatureRow* row, std::string_view feature) {
  if (row == nullptr) {
    return unknown(fmt::format("mongoway's table of server features does not know \"{}\"", feature));
  }
  if (profile.version < row->mongodb) {
    return unsupported(fmt::format("MongoDB {} has no {} (needs MongoDB {} or later)", version_text(profile.version),
                                   row->what, version_text(row->mongodb)));
  }
  if (feature == "transaction") return mongodb_transactions(profile);
  return {};
}

// A service the table has no column for: every feature is unknown, but
// transactions, which no standalone server has.
Support other_support(const ServerProfile& profile, const FeatureRow* row, std::string_view feature) {
  if (feature == "transaction" && profile.topology == Topology::standalone) {
    return unsupported("a standalone server has no transactions (they need a replica set or a sharded cluster)");
  }
  const std::string what = row != nullptr ? std::string(row->what) : fmt::format("\"{}\"", feature);
  switch (profile.kind) {
    case ServerKind::documentdb:
    case ServerKind::cosmosdb:
      return unknown(fmt::format(
          "mongoway's table of server features has no column for {}: whether it has {} is "
          "not known",
          profile.kind == ServerKind::documentdb ? "Amazon DocumentDB" : "Azure Cosmos DB's MongoDB API", what));
    default: return unknown(fmt::format("the server could not be told apart: whether it has {} is not known", what));
  }
}

Support ferretdb_support(const ServerProfile& profile, const FeatureRow* row, std::string_view feature) {
  const std::string server = "FerretDB " + version_text(profile.version);
  if (row == nullptr) {
    // The stages FerretDB 1.24 has are all in the table.
    if (feature.starts_with('$') && profile.version == kFerretDbKnown) {
      return unsupported(fmt::format("{} has no {} stage", server, feature));
    }
    return unknown(fmt::format("mongoway's table of server features does not know \"{}\"", feature));
  }
  if (profile.version != kFerretDbKnown) {
    return unknown(fmt::format("mongoway's table of server features knows FerretDB {} only: whether {} has {} is "
                               "not known",
                               version_text(kFerretDbKnown), server, row->what));
  }
  switch (row->ferretdb_1_24) {
    case FerretDb::has: return {};
    case FerretDb::not_known: return unknown(fmt::format("whether {} has {} is not known", server, row->what));
    case FerretDb::lacks: break;
  }
  if (row->ferretdb_detail.empty()) return unsupported(fmt::format("{} has no {}", server, row->what));
  return unsupported(fmt::format("{} has no {}: {}", server, row->what, row->ferretdb_detail));
}

Diagnostic diagnostic_for(const Script& script, const Need& need, Diagnostic::Severity severity,
                          const std::string& reason) {
  std::string message;
  if (need.command_index == 0) {
    message = fmt::format("\"transaction\": true: {}", reason);
  } else {
    message = fmt::format("command {} ({}): {}{}", need.command_index, need.command,
                          need.where.empty() ? "" : fmt::format("field \"{}\": ", need.where), reason);
  }
  return Diagnostic{severity, script.file.path, need.line, need.column, std::move(message)};
}

// Adds the diagnostic for `need` on `profile`, if any.
void judge(const Script& script, const Need& need, const ServerProfile& profile, std::vector<Diagnostic>& out) {
  const Support verdict = support(profile, need.feature);
  if (verdict.verdict == Verdict::unsupported) {
    out.push_back(diagnostic_for(script, need, Diagnostic::Severity::error, verdict.reason));
  } else if (verdict.verdict == Verdict::unknown) {
    out.push_back(diagnostic_for(script, need, Diagnostic::Severity::warning, verdict.reason));
  } else if (!verdict.note.empty()) {
    out.push_back(diagnostic_for(script, need, Diagnostic::Severity::warning, verdict.note));
  }
}

}  // namespace

std::string ServerProfile::name() const {
  switch (kind) {
    case ServerKind::mongodb: return "mongodb-" + version_text(version);
    case ServerKind::ferretdb: return "ferretdb-" + version_text(version);
    case ServerKind::documentdb: return "documentdb-" + version_text(version);
    case ServerKind::cosmosdb: return "cosmosdb-" + version_text(version);
    case ServerKind::unknown: break;
  }
  return "unknown";
}

std::optional<ServerProfile> parse_server_profile(std::string_view text, std::string* err) {
  ServerProfile profile;
  std::string_view version;
  if (text.starts_with("mongodb-")) {
    profile.kind = ServerKind::mongodb;
    version = text.substr(8);
  } else if (text.starts_with("ferretdb-")) {
    profile.kind = ServerKind::ferretdb;
    version = text.substr(9);
  } else {
    *err = fmt::format("unknown server profile \"{}\"; expected {}", text, kProfileForms);
    return std::nullopt;
  }
  const auto parsed = parse_version(version);
  if (!parsed) {
    *err = fmt::format("server profile \"{}\": expected a version MAJOR.MINOR after \"{}\", as in {}", text,
                       text.substr(0, text.size() - version.size()), kProfileForms);
    return std::nullopt;
  }
  profile.version = *parsed;
  return profile;
}

const FeatureRow* find_feature(std::string_view feature) {
  for (const auto& row : feature_table()) {
    if (row.feature == feature) return &row;
  }
  return nullptr;
}

Support support(const ServerProfile& profile, std::string_view feature) {
  const FeatureRow* row = find_feature(feature);
  switch (profile.kind) {
    case ServerKind::mongodb: return mongodb_support(profile, row, feature);
    case ServerKind::ferretdb: return ferretdb_support(profile, row, feature);
    default: return other_support(profile, row, feature);
  }
}

std::vector<Diagnostic> check_against_profile(const Script& script, const ServerProfile& profile) {
  std::vector<Diagnostic> out;
  for (const auto& need : needs_of(script)) judge(script, need, profile, out);
  if (support(profile, feature::decimal128).verdict == Verdict::supported) return out;
  for (const auto& command : script.commands) {
    std::optional<Need> found;
    std::string err;
    if (!decimal_in_documents_file(command, &found, &err)) {
      // The file was read once already, when loaded: it changed since.
      out.push_back(Diagnostic{Diagnostic::Severity::error, script.file.path, command.line, command.column,
                               fmt::format("command {} ({}): {}", command.index, command.name, err)});
    } else if (found) {
      judge(script, *found, profile, out);
    }
  }
  return out;
}

}  // namespace mongoway::script
