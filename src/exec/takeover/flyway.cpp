// Flyway keeps its schema history as one row per action in
// flyway_schema_history, in MongoDB one document each: installed_rank,
// version (a string such as "2" or "1.2.3"; null for a repeatable
// migration), description, type (SQL, JDBC, SCRIPT, BASELINE, DELETE, UNDO_SQL,
// … and SCHEMA for the schema it created), script, checksum, installed_by,
// installed_on, execution_time and success (false: that migration failed,
// and Flyway refuses to go on until `flyway repair` removes the row). In
// installed_rank order, a row applies its version unless it is an UNDO_ row
// or a DELETE row, which take that version back. Versions compare as
// Flyway's do: part by part as numbers, trailing zero parts ignored, so that
// "2.0" is 2.

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "bson/bson_util.hpp"
#include "exec/takeover/takeover.hpp"

namespace mongoway::exec::takeover {
namespace {

// A version's parts as digits without leading zeros, trailing "0" parts dropped.
using Parts = std::vector<std::string>;

std::optional<Parts> version_parts(std::string_view text) {
  Parts parts;
  for (size_t start = 0; start <= text.size();) {
    const size_t dot = std::min(text.find('.', start), text.size());
    std::string_view part = text.substr(start, dot - start);
    if (part.empty() || part.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
    part.remove_prefix(std::min(part.find_first_not_of('0'), part.size() - 1));
    parts.emplace_back(part);
    start = dot + 1;
  }
  while (parts.size() > 1 && parts.back() == "0") parts.pop_back();
  return parts;
}

// Numeric order, part by part (a missing part is 0).
struct PartsLess {
  bool operator()(const Parts& a, const Parts& b) const {
    for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
      const std::string& x = i < a.size() ? a[i] : kZero;
      const std::string& y = i < b.size() ? b[i] : kZero;
      if (x.size() != y.size()) return x.size() < y.size();
      if (x != y) return x < y;
    }
    return false;
  }
  inline static const std::string kZero = "0";
};

struct Row {
  int64_t rank = 0;
  std::optional<std::string> version;  // nullopt: a repeatable migration
  std::string type;
  std::string script;
  bool success = false;
};

std::string string_of(const bson::Document& doc, const char* key) {
  bson_iter_t it;
  return bson::find_field(doc, key, &it) ? bson::iter_string(it) : std::string();
}

Row row_of(const Record& record, const bson::Document& doc) {
  Row row;
  bson_iter_t it;
  if (!bson::find_field(doc, "installed_rank", &it) || !bson::is_number(bson_iter_type(&it)) ||
      !bson::find_field(doc, "success", &it)) {
    refuse(record, fmt::format("a document of {} is not a row of Flyway's schema history (installed_rank and "
                               "success): {}",
                               record.collection, doc.to_json()));
  }
  row.success = bson_iter_as_bool(&it);
  bson::find_field(doc, "installed_rank", &it);
  row.rank = bson_iter_as_int64(&it);
  if (bson::find_field(doc, "version", &it) && BSON_ITER_HOLDS_UTF8(&it)) row.version = bson::iter_string(it);
  row.type = string_of(doc, "type");
  row.script = string_of(doc, "script");
  return row;
}

std::vector<Row> rows_by_rank(const Record& record) {
  std::vector<Row> rows;
  for (const auto& doc : record.documents) rows.push_back(row_of(record, doc));
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.rank < b.rank; });
  return rows;
}

// Every version applied and not taken back, as written when last applied.
std::map<Parts, std::string, PartsLess> applied_versions(const Record& record) {
  std::map<Parts, std::string, PartsLess> applied;
  for (const Row& row : rows_by_rank(record)) {
    if (!row.success) {
      refuse(record, fmt::format("its row of installed_rank {} ({} {}) failed: check the data, run `flyway repair`, "
                                 "then try again",
                                 row.rank, row.script, row.version ? "version " + *row.version : "repeatable"));
    }
    if (!row.version || row.type == "SCHEMA") continue;
    const auto parts = version_parts(*row.version);
    if (!parts) {
      refuse(record, fmt::format("its row of installed_rank {} has version \"{}\", which is not a Flyway version "
                                 "(numbers separated by dots)",
                                 row.rank, *row.version));
    }
    if (row.type.rfind("UNDO_", 0) == 0 || row.type == "DELETE") {
      applied.erase(*parts);
    } else {
      applied[*parts] = *row.version;
    }
  }
  return applied;
}

}  // namespace

Reached read_flyway(const Record& record) {
  const auto applied = applied_versions(record);
  if (applied.empty()) {
    refuse(record, fmt::format("no versioned migration of {} is applied (only repeatable ones, or every one undone "
                               "or deleted): nothing to take over",
                               record.collection));
  }
  const auto& [parts, written] = *applied.rbegin();
  const auto version = parts.size() == 1 ? whole_version(parts.front()) : std::nullopt;
  if (!version) {
    refuse(record, fmt::format("it reached version {}, which is not a whole number of at least 1, as mongoway's "
                               "versions are (Flyway compares \"2.0\" equal to 2, which is taken as 2)",
                               written));
  }
  return Reached{*version, written};
}

}  // namespace mongoway::exec::takeover
