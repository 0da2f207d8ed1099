#include "script/needs.hpp"

#include <bson/bson.h>

#include <string>

#include "bson/bson_util.hpp"
#include "json/documents_stream.hpp"

namespace mongoway::script {
namespace {

std::string child(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

bool holds_true(const bson_iter_t& it) { return BSON_ITER_HOLDS_BOOL(&it) && bson_iter_bool(&it); }

// The path of the first Decimal128 value inside the document or array at
// `it`, below `path`; "" when there is none.
std::string first_decimal(bson_iter_t* it, const std::string& path) {
  while (bson_iter_next(it)) {
    std::string here = child(path, bson::iter_key(*it));
    if (BSON_ITER_HOLDS_DECIMAL128(it)) return here;
    bson_iter_t inner;
    if ((BSON_ITER_HOLDS_DOCUMENT(it) || BSON_ITER_HOLDS_ARRAY(it)) && bson_iter_recurse(it, &inner)) {
      if (auto found = first_decimal(&inner, here); !found.empty()) return found;
    }
  }
  return {};
}

// The needs of one command, found by walking its document: a native
// command by its name, the document of runCommand and adminCommand by its
// first key, as the server reads it.
class CommandScan {
 public:
  CommandScan(const Command& command, std::vector<Need>& out) : m_command(command), m_out(out) {}

  void scan() {
    bson_iter_t it;
    if (!bson_iter_init(&it, m_command.spec.get()) || !bson_iter_next(&it)) return;
    if (m_command.name == "runCommand" || m_command.name == "adminCommand") {
      bson_iter_t inner;
      if (BSON_ITER_HOLDS_DOCUMENT(&it) && bson_iter_recurse(&it, &inner)) server_command(inner, m_command.name);
    } else {
      native(it);
    }
    decimal();
  }

 private:
  void add(std::string_view feature, std::string where) {
    m_out.push_back(Need{std::string(feature), m_command.index, m_command.line, m_command.column, m_command.name,
                         std::move(where)});
  }

  void native(const bson_iter_t& first) {
    const std::string& name = m_command.name;
    if (name == "createIndex") return index_spec(first, "");
    if (name == "createIndexes") return each_document(first, "indexes", "", &CommandScan::index_spec);
    if (name == "createCollection") return collection_options(first, "");
    if (name == "collMod") return coll_mod(first, "");
    if (name == "createView") return view(first, "", "");
    if (name == "renameCollection") return options_of(first, "", {{"dropTarget", feature::drop_target}});
    if (name == "aggregate") return aggregate(first, "");
    if (name == "updateOne" || name == "updateMany" || name == "replaceOne") return update_statement(first, "");
    if (name == "deleteOne" || name == "deleteMany") return options_of(first, "", kStatementOptions);
  }

  // A server command: `it` at its first key, `path` the runCommand field.
  void server_command(const bson_iter_t& it, const std::string& path) {
    bson_iter_t first = it;
    if (!bson_iter_next(&first)) return;
    const std::string_view name = bson::iter_key(first);
    if (name == "createIndexes") return each_document(first, "indexes", path, &CommandScan::index_spec);
    if (name == "create") {
      if (find(first, "viewOn")) return view(first, path, child(path, "viewOn"));
      return collection_options(first, path);
    }
    if (name == "collMod") return coll_mod(first, path);
    if (name == "renameCollection") return rename(first, path);
    if (name == "aggregate") return aggregate(first, path);
    if (name == "update") {
      options_of(first, path, {{"let", feature::let_variables}});
      return each_document(first, "updates", path, &CommandScan::server_update_statement);
    }
    if (name == "delete") {
      options_of(first, path, {{"let", feature::let_variables}});
      return each_document(first, "deletes", path, &CommandScan::statement_options);
    }
    if (name == "findAndModify") return find_and_modify(first, path);
  }

  using Options = std::vector<std::pair<std::string_view, std::string_view>>;  // field, feature
  inline static const Options kStatementOptions = {{"collation", feature::collation}, {"let", feature::let_variables}};

  // A need for each field of `options` present in the document `it` is in.
  void options_of(const bson_iter_t& it, const std::string& path, const Options& options) {
    for (const auto& [field, need] : options) {
      if (find(it, field)) add(need, child(path, field));
    }
  }

  // `it` at any field of a document: finds `field` in the same document
  // (an iterator's `raw` and `len` are its whole document).
  static bool find(const bson_iter_t& it, std::string_view field, bson_iter_t* out = nullptr) {
    bson_iter_t start;
    if (!bson_iter_init_from_data(&start, it.raw, it.len)) return false;
    if (!bson_iter_find_w_len(&start, field.data(), static_cast<int>(field.size()))) return false;
    if (out) *out = start;
    return true;
  }

  using Scan = void (CommandScan::*)(const bson_iter_t& first, const std::string& path);
  // For every document in the array `field`: `scan` with `it` at its first key.
  void each_document(const bson_iter_t& it, std::string_view field, const std::string& path, Scan scan) {
    bson_iter_t array, element, inner;
    if (!find(it, field, &array) || !BSON_ITER_HOLDS_ARRAY(&array) || !bson_iter_recurse(&array, &element)) return;
    while (bson_iter_next(&element)) {
      if (!BSON_ITER_HOLDS_DOCUMENT(&element) || !bson_iter_recurse(&element, &inner) || !bson_iter_next(&inner)) {
        continue;
      }
      (this->*scan)(inner, child(child(path, field), bson::iter_key(element)));
    }
  }

  void index_spec(const bson_iter_t& it, const std::string& path) {
    bson_iter_t key, field;
    if (find(it, "key", &key) && BSON_ITER_HOLDS_DOCUMENT(&key) && bson_iter_recurse(&key, &field)) {
      while (bson_iter_next(&field)) index_key(field, child(path, "key"));
    }
    for (const auto& [option, need] : {std::pair{"unique", feature::unique_index},
                                       {"sparse", feature::sparse_index},
                                       {"hidden", feature::hidden_index}}) {
      if (bson_iter_t value; find(it, option, &value) && holds_true(value)) add(need, child(path, option));
    }
    options_of(it, path,
               {{"partialFilterExpression", feature::partial_index},
                {"expireAfterSeconds", feature::ttl_index},
                {"collation", feature::collation},
                {"wildcardProjection", feature::wildcard_index},
                {"v", feature::index_version},
                {"storageEngine", feature::index_storage_engine}});
  }

  // One field of an index key: its type ("text", "2dsphere", …) or a wildcard.
  void index_key(const bson_iter_t& field, const std::string& path) {
    const std::string_view name = bson::iter_key(field);
    const std::string here = child(path, name);
    if (name == "$**" || name.ends_with(".$**")) add(feature::wildcard_index, here);
    if (!BSON_ITER_HOLDS_UTF8(&field)) return;
    const std::string type = bson::iter_string(field);
    if (type == "text") add(feature::text_index, here);
    if (type == "2dsphere") add(feature::geo_2dsphere_index, here);
    if (type == "2d") add(feature::geo_2d_index, here);
    if (type == "hashed") add(feature::hashed_index, here);
  }

  void collection_options(const bson_iter_t& it, const std::string& path) {
    options_of(it, path,
               {{"validator", feature::validator},
                {"validationLevel", feature::validator},
                {"validationAction", feature::validator},
                {"timeseries", feature::timeseries},
                {"expireAfterSeconds", feature::ttl_index},
                {"clusteredIndex", feature::clustered},
                {"changeStreamPreAndPostImages", feature::pre_and_post_images},
                {"collation", feature::collation}});
  }

  void coll_mod(const bson_iter_t& it, const std::string& path) {
    add(feature::coll_mod, path);
    collection_options(it, path);
    if (bson_iter_t index, first; find(it, "index", &index) && BSON_ITER_HOLDS_DOCUMENT(&index) &&
                                  bson_iter_recurse(&index, &first) && bson_iter_next(&first)) {
      if (bson_iter_t hidden; find(first, "hidden", &hidden) && holds_true(hidden)) {
        add(feature::hidden_index, child(path, "index.hidden"));
      }
    }
    pipeline(it, path);
  }

  void view(const bson_iter_t& it, const std::string& path, std::string where) {
    add(feature::view, std::move(where));
    options_of(it, path, {{"collation", feature::collation}});
    pipeline(it, path);
  }

  // adminCommand {renameCollection: "a.x", to: "b.y"}: across databases
  // when the names' databases differ.
  void rename(const bson_iter_t& first, const std::string& path) {
    options_of(first, path, {{"dropTarget", feature::drop_target}});
    bson_iter_t to;
    if (!BSON_ITER_HOLDS_UTF8(&first) || !find(first, "to", &to) || !BSON_ITER_HOLDS_UTF8(&to)) return;
    const std::string from_name = bson::iter_string(first), to_name = bson::iter_string(to);
    if (from_name.substr(0, from_name.find('.')) != to_name.substr(0, to_name.find('.'))) {
      add(feature::cross_database_rename, child(path, "to"));
    }
  }

  void aggregate(const bson_iter_t& it, const std::string& path) {
    options_of(it, path, kStatementOptions);
    pipeline(it, path);
  }

  // The stages of the array `pipeline` of the document `it` is in.
  void pipeline(const bson_iter_t& it, const std::string& path) {
    bson_iter_t array;
    if (find(it, "pipeline", &array)) stages(array, child(path, "pipeline"));
  }

  void stages(const bson_iter_t& array, const std::string& path) {
    bson_iter_t element, stage;
    if (!BSON_ITER_HOLDS_ARRAY(&array) || !bson_iter_recurse(&array, &element)) return;
    while (bson_iter_next(&element)) {
      if (!BSON_ITER_HOLDS_DOCUMENT(&element) || !bson_iter_recurse(&element, &stage) || !bson_iter_next(&stage)) {
        continue;
      }
      const std::string name(bson::iter_key(stage));
      const std::string here = child(child(path, bson::iter_key(element)), name);
      add(name, here);
      sub_pipelines(stage, name, here);
    }
  }

  // $lookup's and $unionWith's "pipeline", each of $facet's pipelines.
  void sub_pipelines(const bson_iter_t& stage, const std::string& name, const std::string& path) {
    bson_iter_t inner;
    if (!BSON_ITER_HOLDS_DOCUMENT(&stage) || !bson_iter_recurse(&stage, &inner)) return;
    while (bson_iter_next(&inner)) {
      const std::string_view key = bson::iter_key(inner);
      if (name == "$facet" || key == "pipeline") stages(inner, child(path, key));
    }
  }

  // updateOne, updateMany, replaceOne; a statement of the server's update.
  void update_statement(const bson_iter_t& it, const std::string& path) { update_fields(it, path, "update"); }
  void server_update_statement(const bson_iter_t& it, const std::string& path) { update_fields(it, path, "u"); }

  void update_fields(const bson_iter_t& it, const std::string& path, std::string_view update) {
    if (bson_iter_t value; find(it, update, &value) && BSON_ITER_HOLDS_ARRAY(&value)) {
      add(feature::pipeline_update, child(path, update));
    }
    options_of(it, path,
               {{"arrayFilters", feature::array_filters},
                {"c", feature::update_constants},
                {"sort", feature::update_sort},
                {"collation", feature::collation},
                {"let", feature::let_variables}});
  }

  void statement_options(const bson_iter_t& it, const std::string& path) { options_of(it, path, kStatementOptions); }

  void find_and_modify(const bson_iter_t& it, const std::string& path) {
    if (bson_iter_t value; find(it, "update", &value) && BSON_ITER_HOLDS_ARRAY(&value)) {
      add(feature::pipeline_update, child(path, "update"));
    }
    options_of(
        it, path,
        {{"arrayFilters", feature::array_filters}, {"collation", feature::collation}, {"let", feature::let_variables}});
  }

  void decimal() {
    bson_iter_t it;
    if (!bson_iter_init(&it, m_command.spec.get())) return;
    if (auto where = first_decimal(&it, ""); !where.empty()) add(feature::decimal128, where);
  }

  const Command& m_command;
  std::vector<Need>& m_out;
};

}  // namespace

std::vector<Need> needs_of(const Script& script) {
  std::vector<Need> out;
  if (script.transaction.value_or(false)) out.push_back(Need{std::string(feature::transaction), 0, 1, 1, "", ""});
  for (const auto& command : script.commands) CommandScan(command, out).scan();
  return out;
}

bool decimal_in_documents_file(const Command& command, std::optional<Need>* found, std::string* err) {
  *found = std::nullopt;
  if (!command.documents_file) return true;
  json::DocumentStream stream;
  Diagnostic problem;
  if (!stream.open(*command.documents_file, &problem)) {
    *err = problem.located_message();
    return false;
  }
  bson::Document document;
  for (uint64_t index = 0;; ++index) {
    bool more = false;
    if (!stream.next(document, &more, &problem)) {
      *err = problem.located_message();
      return false;
    }
    if (!more) return true;
    bson_iter_t it;
    if (!bson_iter_init(&it, document.get())) continue;
    if (auto where = first_decimal(&it, "documentsFile." + std::to_string(index)); !where.empty()) {
      *found = Need{std::string(feature::decimal128), command.index, command.line, command.column, command.name, where};
      return true;
    }
  }
}

}  // namespace mongoway::script
