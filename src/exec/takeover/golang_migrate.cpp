// golang-migrate's MongoDB driver keeps one document {version, dirty} in
// schema_migrations (x-migrations-collection), rewritten after every step:
// dirty while a migration runs, and left dirty when it fails or is cut.
// `version` is a Go int, which its BSON encoder writes as an int32 when it
// fits and an int64 otherwise; -1 (NilVersion) once everything is undone.

#include <fmt/format.h>

#include <cmath>

#include "bson/bson_util.hpp"
#include "exec/takeover/takeover.hpp"

namespace mongoway::exec::takeover {
namespace {

int64_t version_field(const Record& record, const bson::Document& doc) {
  bson_iter_t it;
  if (!bson::find_field(doc, "version", &it)) {
    refuse(record, fmt::format("its document in {} has no version: {}", record.collection, doc.to_json()));
  }
  if (BSON_ITER_HOLDS_INT32(&it) || BSON_ITER_HOLDS_INT64(&it)) return bson_iter_as_int64(&it);
  // Go's decoder reads a whole double into an int too (a document written by hand).
  if (BSON_ITER_HOLDS_DOUBLE(&it) && std::trunc(bson_iter_double(&it)) == bson_iter_double(&it) &&
      std::abs(bson_iter_double(&it)) < 9.0e15) {
    return static_cast<int64_t>(bson_iter_double(&it));
  }
  refuse(record, fmt::format("its version in {} is {}, where golang-migrate writes a whole number: {}",
                             record.collection, bson::type_phrase(bson_iter_type(&it)), doc.to_json()));
}

bool dirty_field(const Record& record, const bson::Document& doc) {
  bson_iter_t it;
  if (!bson::find_field(doc, "dirty", &it)) return false;  // Go's zero value
  if (!BSON_ITER_HOLDS_BOOL(&it)) {
    refuse(record, fmt::format("its dirty flag in {} is {}, where golang-migrate writes a boolean: {}",
                               record.collection, bson::type_phrase(bson_iter_type(&it)), doc.to_json()));
  }
  return bson_iter_bool(&it);
}

}  // namespace

Reached read_golang_migrate(const Record& record) {
  if (record.documents.size() > 1) {
    refuse(record, fmt::format("{} in database {} holds {} documents, where golang-migrate keeps one "
                               "{{version, dirty}}: leave only the true one there, then try again",
                               record.collection, record.database, record.documents.size()));
  }
  const bson::Document& doc = record.documents.front();
  const int64_t version = version_field(record, doc);
  if (dirty_field(record, doc)) {
    refuse(record, fmt::format("version {} is dirty: a migration failed or was cut short; check the data, run "
                               "golang-migrate's `force` with the last version whose changes are all in place, "
                               "then try again",
                               version));
  }
  if (version == -1) {
    refuse(record, "its version is -1: every migration was undone, so there is nothing to take over");
  }
  if (version < 1) {
    refuse(record, fmt::format("its version is {}, and mongoway's versions start at 1", version));
  }
  return Reached{version, std::to_string(version)};
}

}  // namespace mongoway::exec::takeover
