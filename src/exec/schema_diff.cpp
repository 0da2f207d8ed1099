#include "exec/schema_diff.hpp"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <map>
#include <set>

#include "bson/bson_util.hpp"

namespace mongoway::exec {
namespace {

using Kind = SchemaDifference::Kind;

// A value as relaxed Extended JSON: {"v": value} written, then unwrapped.
std::string value_text(const bson_iter_t& value) {
  bson::Document wrapper;
  bson::append_value(wrapper, "v", value);
  std::string json = wrapper.to_json(bson::JsonMode::relaxed);
  const std::string_view open = "{ \"v\" : ", close = " }";
  if (json.size() < open.size() + close.size()) return json;
  return json.substr(open.size(), json.size() - open.size() - close.size());
}

bool same_value(const bson_iter_t& a, const bson_iter_t& b) {
  bson::Document x, y;
  bson::append_value(x, "v", a);
  bson::append_value(y, "v", b);
  return x == y;
}

struct FieldChange {
  std::string field;
  std::optional<std::string> expected, actual;
};

// Documents are compared key by key, down to the values that differ; an
// index's key and a pipeline, whose order matters, as one value each.
void compare_fields(const bson::Document& expected, const bson::Document& actual, const std::string& prefix,
                    std::vector<FieldChange>& out) {
  const auto want = bson::fields_by_key(expected), got = bson::fields_by_key(actual);
  std::set<std::string> keys;
  for (const auto& [key, value] : want) keys.insert(key);
  for (const auto& [key, value] : got) keys.insert(key);
  for (const auto& key : keys) {
    std::string path = prefix;
    if (!path.empty()) path += '.';
    path += key;
    const auto w = want.find(key), g = got.find(key);
    if (w == want.end() || g == got.end()) {
      out.push_back({path, w == want.end() ? std::nullopt : std::optional(value_text(w->second)),
                     g == got.end() ? std::nullopt : std::optional(value_text(g->second))});
      continue;
    }
    const bool both_documents = BSON_ITER_HOLDS_DOCUMENT(&w->second) && BSON_ITER_HOLDS_DOCUMENT(&g->second);
    if (both_documents && key != "key" && key != "pipeline") {
      compare_fields(bson::iter_document(w->second), bson::iter_document(g->second), path, out);
    } else if (!same_value(w->second, g->second)) {
      out.push_back({path, value_text(w->second), value_text(g->second)});
    }
  }
}

std::string index_name(const bson::Document& index) {
  bson_iter_t it;
  return bson::find_field(index, "name", &it) ? bson::iter_string(it) : std::string();
}

SchemaDifference difference(Kind kind, const std::string& collection, std::string index = {}) {
  SchemaDifference d;
  d.kind = kind;
  d.collection = collection;
  d.index = std::move(index);
  return d;
}

void add_changes(Kind kind, const std::string& collection, const std::string& index,
                 const std::vector<FieldChange>& changes, std::vector<SchemaDifference>& out) {
  for (const auto& change : changes) {
    SchemaDifference d = difference(kind, collection, index);
    d.field = change.field;
    d.expected = change.expected;
    d.actual = change.actual;
    out.push_back(std::move(d));
  }
}

void compare_indexes(const CollectionPrint& expected, const CollectionPrint& actual,
                     std::vector<SchemaDifference>& out) {
  std::map<std::string, const bson::Document*> want, got;
  for (const auto& index : expected.indexes) want.emplace(index_name(index), &index);
  for (const auto& index : actual.indexes) got.emplace(index_name(index), &index);
  std::set<std::string> names;
  for (const auto& [name, index] : want) names.insert(name);
  for (const auto& [name, index] : got) names.insert(name);
  for (const auto& name : names) {
    const auto w = want.find(name), g = got.find(name);
    if (g == got.end()) {
      out.push_back(difference(Kind::missing_index, expected.name, name));
    } else if (w == want.end()) {
      out.push_back(difference(Kind::extra_index, expected.name, name));
    } else {
      std::vector<FieldChange> changes;
      compare_fields(*w->second, *g->second, "", changes);
      add_changes(Kind::changed_index, expected.name, name, changes, out);
    }
  }
}

void compare_data(const CollectionPrint& expected, const CollectionPrint& actual, std::vector<SchemaDifference>& out) {
  if (!expected.data || !actual.data) return;
  std::vector<FieldChange> changes;
  if (expected.data->count != actual.data->count) {
    changes.push_back({"count", std::to_string(expected.data->count), std::to_string(actual.data->count)});
  }
  if (expected.data->sha256 != actual.data->sha256) {
    changes.push_back({"sha256", "\"" + expected.data->sha256 + "\"", "\"" + actual.data->sha256 + "\""});
  }
  add_changes(Kind::changed_data, expected.name, {}, changes, out);
}

void compare_collection(const CollectionPrint& expected, const CollectionPrint& actual,
                        std::vector<SchemaDifference>& out) {
  std::vector<FieldChange> changes;
  if (expected.type != actual.type) {
    changes.push_back({"type", "\"" + expected.type + "\"", "\"" + actual.type + "\""});
  }
  compare_fields(expected.options, actual.options, "options", changes);
  add_changes(Kind::changed_collection, expected.name, {}, changes, out);
  compare_indexes(expected, actual, out);
  compare_data(expected, actual, out);
}

std::string shown(const std::optional<std::string>& value) { return value ? *value : "absent"; }

}  // namespace

const char* to_string(Kind kind) {
  switch (kind) {
    case Kind::missing_collection: return "missing_collection";
    case Kind::extra_collection: return "extra_collection";
    case Kind::changed_collection: return "changed_collection";
    case Kind::missing_index: return "missing_index";
    case Kind::extra_index: return "extra_index";
    case Kind::changed_index: return "changed_index";
    case Kind::changed_data: return "changed_data";
  }
  return "unknown";
}

bool matches_any(const std::string& name, const std::vector<std::string>& globs) {
  return std::any_of(globs.begin(), globs.end(),
                     [&](const std::string& glob) { return fnmatch(glob.c_str(), name.c_str(), 0) == 0; });
}

std::vector<SchemaDifference> compare_fingerprints(const Fingerprint& expected, const Fingerprint& actual,
                                                   const std::vector<std::string>& ignore) {
  std::map<std::string, const CollectionPrint*> want, got;
  for (const auto& c : expected.collections) want.emplace(c.name, &c);
  for (const auto& c : actual.collections) got.emplace(c.name, &c);
  std::set<std::string> names;
  for (const auto& [name, c] : want) names.insert(name);
  for (const auto& [name, c] : got) names.insert(name);
  std::vector<SchemaDifference> out;
  for (const auto& name : names) {
    if (matches_any(name, ignore)) continue;
    const auto w = want.find(name), g = got.find(name);
    if (g == got.end()) {
      out.push_back(difference(Kind::missing_collection, name));
    } else if (w == want.end()) {
      out.push_back(difference(Kind::extra_collection, name));
    } else {
      compare_collection(*w->second, *g->second, out);
    }
  }
  return out;
}

std::string describe(const SchemaDifference& d) {
  switch (d.kind) {
    case Kind::missing_collection: return fmt::format("missing collection {}", d.collection);
    case Kind::extra_collection: return fmt::format("extra collection {}", d.collection);
    case Kind::missing_index: return fmt::format("missing index {} on {}", d.index, d.collection);
    case Kind::extra_index: return fmt::format("extra index {} on {}", d.index, d.collection);
    case Kind::changed_collection:
      return fmt::format("collection {}: {} is {}, expected {}", d.collection, d.field, shown(d.actual),
                         shown(d.expected));
    case Kind::changed_index:
      return fmt::format("index {} on {}: {} is {}, expected {}", d.index, d.collection, d.field, shown(d.actual),
                         shown(d.expected));
    case Kind::changed_data:
      return fmt::format("data of {}: {} is {}, expected {}", d.collection, d.field, shown(d.actual),
                         shown(d.expected));
  }
  return {};
}

std::vector<mongoway::SchemaDifference> public_differences(const std::vector<SchemaDifference>& differences) {
  std::vector<mongoway::SchemaDifference> out;
  out.reserve(differences.size());
  for (const auto& d : differences) {
    mongoway::SchemaDifference p;
    p.kind = to_string(d.kind);
    p.collection = d.collection;
    p.index = d.index;
    p.field = d.field;
    p.expected = d.expected;
    p.actual = d.actual;
    p.message = describe(d);
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace mongoway::exec
