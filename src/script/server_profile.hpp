#pragma once
// What a server can do: a profile (a server kind and version, "mongodb-7.0",
// "ferretdb-1.24"), the table of features with the first MongoDB version
// that has each and whether FerretDB 1.24 has it (server_features.cpp, the
// table as data), and support(): whether a profile has a feature a file needs.
// Pure: offline, for `lint --server-profile`, and for a check against a live
// server once its kind and version are known.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mongoway/error.hpp"
#include "script/needs.hpp"
#include "script/script.hpp"

namespace mongoway::script {

struct ServerVersion {
  int major = 0;
  int minor = 0;
  friend bool operator==(const ServerVersion& a, const ServerVersion& b) = default;
  friend bool operator<(const ServerVersion& a, const ServerVersion& b) {
    return a.major != b.major ? a.major < b.major : a.minor < b.minor;
  }
};

// The servers a profile names. The table knows MongoDB and FerretDB 1.24;
// for the other services (Amazon DocumentDB, Azure Cosmos DB's MongoDB API)
// and a server that could not be told apart, every feature is unknown.
enum class ServerKind { mongodb, ferretdb, documentdb, cosmosdb, unknown };

// How a live server is deployed: what transactions need.
enum class Topology { standalone, replica_set, sharded };

struct ServerProfile {
  ServerKind kind = ServerKind::mongodb;
  ServerVersion version;
  // A live server's; none in a profile written by hand (`lint`), which
  // cannot tell whether transactions are there.
  std::optional<Topology> topology;
  std::string name() const;  // "mongodb-7.0"
};

// The forms a profile is written in, for messages.
inline constexpr std::string_view kProfileForms =
    "mongodb-MAJOR.MINOR (e.g. mongodb-4.4, mongodb-7.0) or ferretdb-1.24";

// "mongodb-7.0" or "ferretdb-1.24"; nullopt, with why in `err`, for another
// kind or a malformed text. A FerretDB version the table does not know is a
// profile: its features are unknown.
std::optional<ServerProfile> parse_server_profile(std::string_view text, std::string* err);

// Whether FerretDB 1.24 has a feature, as FERRETDB.md reads its source.
enum class FerretDb { has, lacks, not_known };

// One row of the table: a feature, how messages name it, the first MongoDB
// version that has it ({0, 0}: every version), and FerretDB 1.24.
struct FeatureRow {
  std::string_view feature;  // a Need's feature: "collMod", "$lookup", "ttlIndex", …
  std::string_view what;     // "collMod", "the $lookup stage", "TTL indexes"
  ServerVersion mongodb;
  FerretDb ferretdb_1_24 = FerretDb::lacks;
  std::string_view ferretdb_detail = {};  // how FerretDB 1.24 answers, when it does not refuse outright
};

// The table (server_features.cpp).
std::span<const FeatureRow> feature_table();
const FeatureRow* find_feature(std::string_view feature);

enum class Verdict { supported, unsupported, unknown };

struct Support {
  Verdict verdict = Verdict::supported;
  std::string reason;  // why not: "FerretDB 1.24 has no collMod", "MongoDB 4.4 has no … (needs MongoDB 5.0 or later)"
  // Said even when supported: what the profile cannot tell (transactions
  // need a replica set or a sharded cluster, a topology no profile names).
  std::string note;
};

Support support(const ServerProfile& profile, std::string_view feature);

// Every need of `script` the profile does not have: an error diagnostic for
// an unsupported one, a warning for an unknown one or a note, at the
// command's file:line:column ("command 2 (collMod): FerretDB 1.24 has no
// collMod"). When the profile has no Decimal128 values, the documents of
// each documentsFile are read for them too (streamed, one at a time).
std::vector<Diagnostic> check_against_profile(const Script& script, const ServerProfile& profile);

}  // namespace mongoway::script
