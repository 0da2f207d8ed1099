// migrate-mongo keeps one document per applied file in its changelog
// (changelogCollectionName): {fileName, appliedAt, migrationBlock}, with
// fileHash when useFileHash is set. `up` inserts it once the file has run,
// `down` deletes it, and a failed file leaves none: there is no dirty or
// failed record, only the lock (lockCollectionName, changelog_lock) that a
// run holds while it goes on. Its file names start with a timestamp
// (20240131120000-add-index.js), which is the version.

#include <fmt/format.h>

#include "bson/bson_util.hpp"
#include "exec/takeover/takeover.hpp"

namespace mongoway::exec::takeover {
namespace {

std::string file_name(const Record& record, const bson::Document& doc) {
  bson_iter_t it;
  if (!bson::find_field(doc, "fileName", &it) || !BSON_ITER_HOLDS_UTF8(&it)) {
    refuse(record, fmt::format("a document of {} has no fileName string: {}", record.collection, doc.to_json()));
  }
  return bson::iter_string(it);
}

int64_t version_of(const Record& record, const std::string& name) {
  const size_t digits = name.find_first_not_of("0123456789");
  const auto version = whole_version(std::string_view(name).substr(0, digits));
  if (!version) {
    refuse(record, fmt::format("the applied file \"{}\" has no numeric prefix (at least 1) to be its version: "
                               "give the version with `baseline --baseline-version N` instead",
                               name));
  }
  return *version;
}

}  // namespace

Reached read_migrate_mongo(const Record& record) {
  Reached out;
  for (const auto& doc : record.documents) {
    const std::string name = file_name(record, doc);
    const int64_t version = version_of(record, name);
    if (version > out.version) out = Reached{version, name};
  }
  return out;
}

}  // namespace mongoway::exec::takeover
