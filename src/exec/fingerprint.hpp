#pragma once
// The schema fingerprint: a canonical description of a database's schema,
// made from what the server says of it (listCollections, listIndexes) and,
// with data, a digest of each collection's documents. Pure over BSON: the
// reading through the port is exec/schema_reader.hpp.
//
// Canonical means byte-identical for the same schema whatever order the
// server lists things in and whatever the field order of the options:
// collections sorted by name, indexes by name, the keys of every document
// sorted except where order has a meaning (an index's `key`, a view's
// `pipeline`, kept as they are), integral numbers held as int32 (int64 when
// larger) whatever numeric type the server used. Left out, because they
// differ between runs and servers: a collection's `info` (its uuid) and
// `idIndex`, an index's `v` and `ns`.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bson/document.hpp"

namespace mongoway::exec {

// The version of the fingerprint's file format ("format").
inline constexpr int kFingerprintFormat = 1;

// A collection's documents: how many, and a digest of them (see DataDigester).
struct DataDigest {
  int64_t count = 0;
  std::string sha256;  // lower-case hex
  bool operator==(const DataDigest&) const = default;
};

// One collection, view or time-series collection.
struct CollectionPrint {
  std::string name;
  std::string type;                     // collection, view, timeseries (as the server says)
  bson::Document options;               // canonical
  std::vector<bson::Document> indexes;  // canonical, sorted by name (none for a view)
  std::optional<DataDigest> data;       // with data only
};

struct Fingerprint {
  // Where and when it was read; never compared.
  std::string database;
  int64_t version = 0;                       // the history's current version
  std::vector<CollectionPrint> collections;  // sorted by name
};

// The canonical form of a collection's options, of an index as listIndexes
// gives it (name and key first, then its options sorted; v and ns left out).
bson::Document canonical_options(const bson::Document& options);
bson::Document canonical_index(const bson::Document& spec);

// One collection from its listCollections document and its listIndexes
// documents (in any order).
CollectionPrint collection_print(const bson::Document& list_collections_entry,
                                 const std::vector<bson::Document>& index_specs);
// The name in a listCollections document.
std::string collection_name(const bson::Document& list_collections_entry);
// Whether the view has no indexes to ask for (a view).
bool is_view(const bson::Document& list_collections_entry);

// The collections a fingerprint leaves out: the server's own (system.*) and
// mongoway's history and lock collections.
bool left_out_of_fingerprint(std::string_view name, std::string_view history_collection);

// Sorts the collections by name (and each one's indexes): the fingerprint
// from replies given in any order.
void sort_fingerprint(Fingerprint& fingerprint);

// The file: JSON text, one collection after another, each index on a line of
// its own, values in canonical Extended JSON; ends with a newline.
std::string fingerprint_text(const Fingerprint& fingerprint);
// Reads a file written by fingerprint_text (or edited by hand: it is made
// canonical again). nullopt with the reason in `err` when the text is not a
// fingerprint of format kFingerprintFormat.
std::optional<Fingerprint> parse_fingerprint(std::string_view text, std::string* err);

// The digest of a collection's documents. ObjectIds that no migration file
// names are each replaced by one fixed marker (ObjectId 000000000000000000000000)
// before hashing, since a re-applied insert creates new ones; each document's
// canonical Extended JSON is hashed, and the digest is the SHA-256 of those
// hashes sorted, so documents whose _ids the server generated compare equal
// whatever order those _ids put them in.
class DataDigester {
 public:
  explicit DataDigester(const std::set<std::string>& named_object_ids) : m_named(named_object_ids) {}
  void add(const bson::Document& document);
  DataDigest finish();

 private:
  const std::set<std::string>& m_named;  // ObjectIds as 24 lower-case hex digits
  std::vector<std::string> m_hashes;
};

// Every ObjectId in `document`, at any depth, as 24 lower-case hex digits.
void collect_object_ids(const bson::Document& document, std::set<std::string>& out);

}  // namespace mongoway::exec
