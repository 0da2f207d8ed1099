#include "exec/fingerprint.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "bson/bson_util.hpp"
#include "util/sha256.hpp"

namespace mongoway::exec {
namespace {

// Where the order of a document's keys has a meaning, and is kept: an
// index's key pattern and an aggregation pipeline (and all below them).
bool order_matters(std::string_view key) { return key == "key" || key == "pipeline"; }

void append_canonical(bson::Document& to, std::string_view key, const bson_iter_t& value, bool sort_keys);

// The elements of the document or array at `it`, keys sorted when asked.
std::vector<std::pair<std::string, bson_iter_t>> children(const bson_iter_t& it, bool sort_keys) {
  std::vector<std::pair<std::string, bson_iter_t>> out;
  bson_iter_t child;
  if (!bson_iter_recurse(&it, &child)) return out;
  while (bson_iter_next(&child)) out.emplace_back(std::string(bson::iter_key(child)), child);
  if (sort_keys) {
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  return out;
}

bson::Document canonical_children(const bson_iter_t& it, bool sort_keys, bool is_array) {
  bson::Document out;
  size_t index = 0;
  // An array's elements stay in their order; their documents are made canonical.
  for (const auto& [key, child] : children(it, sort_keys && !is_array)) {
    append_canonical(out, is_array ? std::to_string(index++) : key, child, sort_keys);
  }
  return out;
}

// Integral numbers as int32 (int64 when larger), whatever type the server
// used for them; other numbers as they are.
void append_number(bson::Document& to, std::string_view key, const bson_iter_t& value) {
  const bson_type_t type = bson_iter_type(&value);
  if (type == BSON_TYPE_DOUBLE) {
    const double d = bson_iter_double(&value);
    const bool integral = std::isfinite(d) && std::trunc(d) == d && std::fabs(d) < 9.0e18;
    if (!integral) {
      bson::append_value(to, key, value);
      return;
    }
  }
  const int64_t n = bson_iter_as_int64(&value);
  if (n >= std::numeric_limits<int32_t>::min() && n <= std::numeric_limits<int32_t>::max()) {
    bson::append_int32(to, key, static_cast<int32_t>(n));
  } else {
    bson_append_int64(to.mut(), key.data(), static_cast<int>(key.size()), n);
  }
}

void append_canonical(bson::Document& to, std::string_view key, const bson_iter_t& value, bool sort_keys) {
  switch (bson_iter_type(&value)) {
    case BSON_TYPE_DOCUMENT:
      bson::append_document(to, key, canonical_children(value, sort_keys && !order_matters(key), false));
      return;
    case BSON_TYPE_ARRAY:
      bson::append_array_document(to, key, canonical_children(value, sort_keys && !order_matters(key), true));
      return;
    case BSON_TYPE_INT32:
    case BSON_TYPE_INT64:
    case BSON_TYPE_DOUBLE: append_number(to, key, value); return;
    default: bson::append_value(to, key, value); return;
  }
}

// The document's fields in canonical form, keys sorted, but for `skip`.
bson::Document canonical_without(const bson::Document& doc, const std::vector<std::string_view>& skip) {
  bson::Document out;
  bson_iter_t it;
  if (!bson_iter_init(&it, doc.get())) return out;
  std::vector<std::pair<std::string, bson_iter_t>> fields;
  while (bson_iter_next(&it)) {
    const std::string_view key = bson::iter_key(it);
    if (std::find(skip.begin(), skip.end(), key) == skip.end()) fields.emplace_back(std::string(key), it);
  }
  std::stable_sort(fields.begin(), fields.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [key, value] : fields) append_canonical(out, key, value, true);
  return out;
}

std::string string_field(const bson::Document& doc, std::string_view key) {
  bson_iter_t it;
  return bson::find_field(doc, key, &it) && BSON_ITER_HOLDS_UTF8(&it) ? bson::iter_string(it) : std::string();
}

bson::Document document_field(const bson::Document& doc, std::string_view key) {
  bson_iter_t it;
  return bson::find_field(doc, key, &it) && BSON_ITER_HOLDS_DOCUMENT(&it) ? bson::iter_document(it) : bson::Document{};
}

// A JSON string literal (the names are UTF-8, as the server keeps them).
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string collection_text(const CollectionPrint& c) {
  std::string out = fmt::format("    {{\n      \"name\" : {},\n      \"type\" : {},\n      \"options\" : {},\n",
                                quoted(c.name), quoted(c.type), c.options.to_json(bson::JsonMode::canonical));
  out += "      \"indexes\" : [";
  for (size_t i = 0; i < c.indexes.size(); ++i) {
    out += fmt::format("{}\n        {}", i == 0 ? "" : ",", c.indexes[i].to_json(bson::JsonMode::canonical));
  }
  out += c.indexes.empty() ? "]" : "\n      ]";
  if (c.data) {
    out += fmt::format(",\n      \"data\" : {{ \"count\" : {}, \"sha256\" : {} }}", c.data->count,
                       quoted(c.data->sha256));
  }
  return out + "\n    }";
}

// --- reading a file back

std::optional<int64_t> integer_field(const bson::Document& doc, std::string_view key) {
  bson_iter_t it;
  if (!bson::find_field(doc, key, &it) || !bson::is_number(bson_iter_type(&it))) return std::nullopt;
  return bson_iter_as_int64(&it);
}

bool read_data(const bson::Document& doc, CollectionPrint& c, std::string* err) {
  bson_iter_t it;
  if (!bson::find_field(doc, "data", &it)) return true;
  const bson::Document data = bson::iter_document(it);
  const auto count = integer_field(data, "count");
  const std::string sha = string_field(data, "sha256");
  if (!BSON_ITER_HOLDS_DOCUMENT(&it) || !count || sha.empty()) {
    *err = fmt::format("collection \"{}\": \"data\" must be {{\"count\": N, \"sha256\": \"...\"}}", c.name);
    return false;
  }
  c.data = DataDigest{*count, sha};
  return true;
}

std::optional<CollectionPrint> read_collection(const bson::Document& doc, std::string* err) {
  CollectionPrint c;
  c.name = string_field(doc, "name");
  if (c.name.empty()) {
    *err = "a collection without a \"name\"";
    return std::nullopt;
  }
  c.type = string_field(doc, "type");
  if (c.type.empty()) c.type = "collection";
  c.options = canonical_options(document_field(doc, "options"));
  bson_iter_t it;
  if (bson::find_field(doc, "indexes", &it)) {
    if (!BSON_ITER_HOLDS_ARRAY(&it)) {
      *err = fmt::format("collection \"{}\": \"indexes\" must be an array", c.name);
      return std::nullopt;
    }
    for (const auto& index : bson::iter_documents(it)) c.indexes.push_back(canonical_index(index));
  }
  if (!read_data(doc, c, err)) return std::nullopt;
  return c;
}

bool check_format(const bson::Document& doc, std::string* err) {
  bson_iter_t it;
  if (!bson::find_field(doc, "format", &it) || !bson::find_field(doc, "collections", &it)) {
    *err = "not a mongoway schema snapshot (it has no \"format\" and \"collections\"); write one with "
           "`mongoway snapshot`";
    return false;
  }
  const auto format = integer_field(doc, "format");
  if (format != kFingerprintFormat) {
    *err = fmt::format("a snapshot of format {}, and this mongoway reads format {}; write it again with "
                       "`mongoway snapshot`",
                       format ? std::to_string(*format) : std::string("(not a number)"), kFingerprintFormat);
    return false;
  }
  if (!BSON_ITER_HOLDS_ARRAY(&it)) {
    *err = "\"collections\" must be an array";
    return false;
  }
  return true;
}

// A copy of `value` with every ObjectId that `named` does not hold replaced
// by the zero ObjectId; field order kept (it is part of the data).
void append_data_value(bson::Document& to, std::string_view key, const bson_iter_t& value,
                       const std::set<std::string>& named);

bson::Document data_children(const bson_iter_t& it, const std::set<std::string>& named) {
  bson::Document out;
  bson_iter_t child;
  if (!bson_iter_recurse(&it, &child)) return out;
  while (bson_iter_next(&child)) append_data_value(out, bson::iter_key(child), child, named);
  return out;
}

void append_data_value(bson::Document& to, std::string_view key, const bson_iter_t& value,
                       const std::set<std::string>& named) {
  switch (bson_iter_type(&value)) {
    case BSON_TYPE_DOCUMENT: bson::append_document(to, key, data_children(value, named)); return;
    case BSON_TYPE_ARRAY: bson::append_array_document(to, key, data_children(value, named)); return;
    case BSON_TYPE_OID: {
      char hex[25];
      bson_oid_to_string(bson_iter_oid(&value), hex);
      if (named.count(hex) > 0) break;
      bson_oid_t zero{};
      bson_append_oid(to.mut(), key.data(), static_cast<int>(key.size()), &zero);
      return;
    }
    default: break;
  }
  bson::append_value(to, key, value);
}

}  // namespace

bson::Document canonical_options(const bson::Document& options) {
  bson::Document out = canonical_without(options, {});
  // A clustered collection's index carries the index format's version too.
  bson_iter_t it;
  if (!bson::find_field(out, "clusteredIndex", &it) || !BSON_ITER_HOLDS_DOCUMENT(&it)) return out;
  bson::Document without_version;
  bson_iter_t field;
  bson_iter_init(&field, out.get());
  while (bson_iter_next(&field)) {
    if (bson::iter_key(field) == "clusteredIndex") {
      bson::append_document(without_version, "clusteredIndex", canonical_without(bson::iter_document(field), {"v"}));
    } else {
      bson::append_value(without_version, bson::iter_key(field), field);
    }
  }
  return without_version;
}

bson::Document canonical_index(const bson::Document& spec) {
  bson::Document out;
  bson::append_string(out, "name", string_field(spec, "name"));
  bson_iter_t key;
  if (bson::find_field(spec, "key", &key)) append_canonical(out, "key", key, false);
  bson_iter_t it;
  const bson::Document rest = canonical_without(spec, {"name", "key", "v", "ns"});
  if (bson_iter_init(&it, rest.get())) {
    while (bson_iter_next(&it)) bson::append_value(out, bson::iter_key(it), it);
  }
  return out;
}

std::string collection_name(const bson::Document& entry) { return string_field(entry, "name"); }

bool is_view(const bson::Document& entry) { return string_field(entry, "type") == "view"; }

CollectionPrint collection_print(const bson::Document& entry, const std::vector<bson::Document>& index_specs) {
  CollectionPrint c;
  c.name = collection_name(entry);
  c.type = string_field(entry, "type");
  if (c.type.empty()) c.type = "collection";
  c.options = canonical_options(document_field(entry, "options"));
  for (const auto& spec : index_specs) c.indexes.push_back(canonical_index(spec));
  std::sort(c.indexes.begin(), c.indexes.end(), [](const bson::Document& a, const bson::Document& b) {
    return string_field(a, "name") < string_field(b, "name");
  });
  return c;
}

bool left_out_of_fingerprint(std::string_view name, std::string_view history_collection) {
  if (name.starts_with("system.")) return true;
  return name == history_collection || name == std::string(history_collection) + "_lock";
}

void sort_fingerprint(Fingerprint& fingerprint) {
  auto& collections = fingerprint.collections;
  std::sort(collections.begin(), collections.end(),
            [](const CollectionPrint& a, const CollectionPrint& b) { return a.name < b.name; });
  for (auto& c : collections) {
    std::sort(c.indexes.begin(), c.indexes.end(), [](const bson::Document& a, const bson::Document& b) {
      return string_field(a, "name") < string_field(b, "name");
    });
  }
}

std::string fingerprint_text(const Fingerprint& fingerprint) {
  std::string out = fmt::format("{{\n  \"format\" : {},\n  \"database\" : {},\n  \"version\" : {},\n",
                                kFingerprintFormat, quoted(fingerprint.database), fingerprint.version);
  out += "  \"collections\" : [";
  for (size_t i = 0; i < fingerprint.collections.size(); ++i) {
    out += (i == 0 ? "\n" : ",\n") + collection_text(fingerprint.collections[i]);
  }
  out += fingerprint.collections.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

std::optional<Fingerprint> parse_fingerprint(std::string_view text, std::string* err) {
  std::string json_error;
  const auto doc = bson::Document::from_json(text, &json_error);
  if (!doc) {
    *err = "not a mongoway schema snapshot: " + json_error;
    return std::nullopt;
  }
  if (!check_format(*doc, err)) return std::nullopt;
  Fingerprint out;
  out.database = string_field(*doc, "database");
  out.version = integer_field(*doc, "version").value_or(0);
  bson_iter_t it;
  bson::find_field(*doc, "collections", &it);
  for (const auto& entry : bson::iter_documents(it)) {
    auto c = read_collection(entry, err);
    if (!c) return std::nullopt;
    out.collections.push_back(std::move(*c));
  }
  sort_fingerprint(out);
  return out;
}

void DataDigester::add(const bson::Document& document) {
  bson::Document data;
  bson_iter_t it;
  if (bson_iter_init(&it, document.get())) {
    while (bson_iter_next(&it)) append_data_value(data, bson::iter_key(it), it, m_named);
  }
  m_hashes.push_back(util::sha256_hex(data.to_json(bson::JsonMode::canonical)));
}

DataDigest DataDigester::finish() {
  std::sort(m_hashes.begin(), m_hashes.end());
  util::Sha256 all;
  for (const auto& hash : m_hashes) {
    all.update(hash);
    all.update("\n");
  }
  return DataDigest{static_cast<int64_t>(m_hashes.size()), all.hex_digest()};
}

void collect_object_ids(const bson::Document& document, std::set<std::string>& out) {
  bson_iter_t it;
  if (!bson_iter_init(&it, document.get())) return;
  while (bson_iter_next(&it)) {
    if (BSON_ITER_HOLDS_OID(&it)) {
      char hex[25];
      bson_oid_to_string(bson_iter_oid(&it), hex);
      out.insert(hex);
    } else if (BSON_ITER_HOLDS_DOCUMENT(&it) || BSON_ITER_HOLDS_ARRAY(&it)) {
      collect_object_ids(bson::iter_document(it), out);
    }
  }
}

}  // namespace mongoway::exec
