#pragma once
// The difference between two schema fingerprints: what one has that the
// other lacks, and every option that changed, field by field. Pure: `diff`
// compares a database with a snapshot file, and a check that an undo
// restores its version's schema compares two readings of one database.

#include <optional>
#include <string>
#include <vector>

#include "exec/fingerprint.hpp"
#include "mongoway/migrator.hpp"

namespace mongoway::exec {

struct SchemaDifference {
  enum class Kind {
    missing_collection,  // expected, not there
    extra_collection,    // there, not expected
    changed_collection,  // its type or an option: `field`
    missing_index,
    extra_index,
    changed_index,  // an option of the index: `field`
    changed_data,   // the digest of its documents: `field` is count or sha256
  };
  Kind kind = Kind::missing_collection;
  std::string collection;
  std::string index;  // the index's name, for the *_index kinds
  // A changed field, as a dotted path ("options.validator.$jsonSchema.required",
  // "type", "expireAfterSeconds", "key"); empty for the other kinds.
  std::string field;
  // The values in relaxed Extended JSON; nullopt where the field is absent.
  std::optional<std::string> expected;
  std::optional<std::string> actual;
};

// "missing_collection", "extra_index", … as the JSON output writes it.
const char* to_string(SchemaDifference::Kind kind);

// Every difference between `expected` and `actual`, ordered by collection,
// then collection-level before index-level, then field. Collections whose
// name matches one of `ignore` (globs: * ? [...]) are left out; data digests
// are compared only where both sides have one.
std::vector<SchemaDifference> compare_fingerprints(const Fingerprint& expected, const Fingerprint& actual,
                                                   const std::vector<std::string>& ignore = {});

// One readable line: "index users.email_1 is missing",
// "collection users: options.validationLevel is \"moderate\", expected \"strict\"".
std::string describe(const SchemaDifference& difference);

// The differences as the public API gives them (`diff` and `verify`), each
// with its readable line.
std::vector<mongoway::SchemaDifference> public_differences(const std::vector<SchemaDifference>& differences);

// Whether a collection name matches one of the globs.
bool matches_any(const std::string& name, const std::vector<std::string>& globs);

}  // namespace mongoway::exec
