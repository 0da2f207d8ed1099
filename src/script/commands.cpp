#include "script/commands.hpp"

#include <algorithm>
#include <initializer_list>

#include "script/builders.hpp"

namespace mongoway::script {

std::string expected_phrase(unsigned type_set) {
  if (type_set == types::any) return "any value";
  static const std::pair<unsigned, const char*> names[] = {
      {types::string, "a string"},     {types::boolean, "a boolean"}, {types::number, "a number"},
      {types::document, "a document"}, {types::array, "an array"},
  };
  std::string out;
  for (const auto& [bit, name] : names) {
    if (!(type_set & bit)) continue;
    if (!out.empty()) out += " or ";
    out += name;
  }
  return out;
}

namespace {

using namespace types;

FieldSpec collation_field() { return FieldSpec{"collation", document}; }
FieldSpec hint_field() { return FieldSpec{"hint", string | document}; }
FieldSpec validation_level_field() {
  return FieldSpec{"validationLevel", string, false, Check::one_of_values, {"off", "strict", "moderate"}};
}
FieldSpec validation_action_field() {
  return FieldSpec{"validationAction", string, false, Check::one_of_values, {"error", "warn"}};
}
FieldSpec filter_field() { return FieldSpec{"filter", document, true}; }
FieldSpec write_concern_field() { return FieldSpec{"writeConcern", document, false, Check::write_concern}; }
FieldSpec server_comment_field() { return FieldSpec{kServerComment, any}; }
FieldSpec max_time_field() { return FieldSpec{"maxTimeMS", number}; }
FieldSpec bypass_validation_field() { return FieldSpec{"bypassDocumentValidation", boolean}; }
FieldSpec let_field() { return FieldSpec{"let", document}; }
FieldSpec commit_quorum_field() { return FieldSpec{"commitQuorum", number | string}; }

FieldSpec noted(FieldSpec spec, std::string_view note) {
  spec.note = note;
  return spec;
}

// `fields` followed by `more`.
std::vector<FieldSpec> with(std::vector<FieldSpec> fields, const std::vector<FieldSpec>& more) {
  fields.insert(fields.end(), more.begin(), more.end());
  return fields;
}

// The fields of the update and delete commands that are not the statement's.
std::vector<FieldSpec> write_command_fields(bool bypass_validation) {
  std::vector<FieldSpec> out = {let_field(), max_time_field(), write_concern_field(), server_comment_field()};
  if (bypass_validation) out.push_back(bypass_validation_field());
  return out;
}

// updateOne, updateMany, replaceOne: the statement's fields, then the command's.
std::vector<FieldSpec> update_command_fields(bool replacement, bool one) {
  std::vector<FieldSpec> out = {filter_field()};
  if (replacement) {
    out.emplace_back("replacement", document, true, Check::replacement);
  } else {
    out.insert(out.end(), {{"update", document | array, true, Check::update},
                           {"arrayFilters", array, false, Check::documents},
                           {"c", document}});
  }
  out.insert(out.end(), {{"upsert", boolean}, collation_field(), hint_field()});
  if (one) out.emplace_back("sort", document);
  out = with(out, write_command_fields(true));
  return one ? out : with(out, {{"batchSize", number}, {"pauseMs", number}});
}

std::vector<FieldSpec> delete_command_fields() {
  return with({filter_field(), collation_field(), hint_field()}, write_command_fields(false));
}

std::vector<FieldSpec> insert_command_fields(std::string_view documents, Check documents_check, bool ordered) {
  std::vector<FieldSpec> out = {
      {documents, static_cast<unsigned>(documents == "document" ? document : array), false, documents_check},
      {"documentsFile", string, false, Check::documents_file}};
  if (ordered) out.emplace_back("ordered", boolean);
  return with(out, {bypass_validation_field(), max_time_field(), write_concern_field(), server_comment_field()});
}

const LeftOutField kOrderedOneStatement{
    "ordered", "this command sends one statement (one document), which \"ordered\" does not change"};
const LeftOutField kViewOn{"viewOn", "a view is made with createView"};
const LeftOutField kPipeline{"pipeline", "a view is made with createView"};

// The commands that change collections, indexes and views.
std::vector<CommandSpec> schema_specs() {
  // A table: one command a row, its fields wrapped as they read best.
  // clang-format off
  std::vector<CommandSpec> specs = {
      {"createCollection", "collection",
       {{"capped", boolean}, {"size", number}, {"max", number}, {"validator", document}, validation_level_field(),
        validation_action_field(), collation_field(), {"timeseries", document}, {"expireAfterSeconds", number},
        {"clusteredIndex", document}, {"changeStreamPreAndPostImages", document}, {"storageEngine", document},
        {"indexOptionDefaults", document}, {"encryptedFields", document},
        {"autoIndexId", boolean, false, Check::auto_index_id}, write_concern_field(), server_comment_field()},
       {}, false, builders::create_collection, {kViewOn, kPipeline}},
      {"dropCollection", "collection", {write_concern_field(), server_comment_field()}, {}, false,
       builders::drop_collection},
      {"renameCollection", "collection",
       {{"to", string, true, Check::collection_name}, {"dropTarget", boolean}, write_concern_field(),
        server_comment_field()},
       {}, false, builders::rename_collection},
      {"createIndex", "collection",
       with(index_fields(), {write_concern_field(), commit_quorum_field(), server_comment_field()}), {}, false,
       builders::create_index, index_left_out_fields()},
      {"createIndexes", "collection",
       {{"indexes", array, true, Check::index_specs}, write_concern_field(), commit_quorum_field(),
        server_comment_field()},
       {}, false, builders::create_indexes},
      {"dropIndex", "collection",
       {{"name", string | array, false, Check::index_names}, {"key", document, false, Check::index_key},
        write_concern_field(), server_comment_field()},
       {{"name", "key"}}, false, builders::drop_index, {{"index", "give the index by its \"name\" or its \"key\""}}},
      {"collMod", "collection",
       {{"validator", document}, validation_level_field(), validation_action_field(),
        {"index", document, false, Check::collmod_index}, {"expireAfterSeconds", number | string},
        {"changeStreamPreAndPostImages", document}, {"timeseries", document}, {"viewOn", string, false,
        Check::collection_name}, {"pipeline", array, false, Check::pipeline}, {"cappedSize", number},
        {"cappedMax", number}, {"dryRun", boolean}, write_concern_field(), server_comment_field()},
       {}, true, builders::coll_mod},
      {"createView", "view",
       {{"viewOn", string, true, Check::collection_name}, {"pipeline", array, true, Check::pipeline}, collation_field(),
        write_concern_field(), server_comment_field()},
       {}, false, builders::create_view},
  };
  // clang-format on
  return specs;
}

// The commands that change documents, and the raw ones.
std::vector<CommandSpec> data_specs() {
  // clang-format off
  std::vector<CommandSpec> specs = {
      {"insertOne", "collection", insert_command_fields("document", Check::none, false),
       {{"document", "documentsFile"}}, false, builders::insert, {kOrderedOneStatement}},
      {"insertMany", "collection", insert_command_fields("documents", Check::documents, true),
       {{"documents", "documentsFile"}}, false, builders::insert},
      {"updateOne", "collection", update_command_fields(false, true), {}, false, builders::update,
       {kOrderedOneStatement}},
      {"updateMany", "collection", update_command_fields(false, false), {}, false, builders::update,
       {kOrderedOneStatement, {"sort", "sort picks the document updateOne changes; updateMany changes them all"}}},
      {"replaceOne", "collection", update_command_fields(true, true), {}, false, builders::replace_one,
       {kOrderedOneStatement}},
      {"deleteOne", "collection", delete_command_fields(), {}, false, builders::remove, {kOrderedOneStatement}},
      {"deleteMany", "collection", with(delete_command_fields(), {{"batchSize", number}, {"pauseMs", number}}), {}, false,
       builders::remove, {kOrderedOneStatement}},
      {"aggregate", "collection",
       {{"pipeline", array, true, Check::pipeline}, collation_field(), hint_field(), {"let", document},
        {"allowDiskUse", boolean}, {"cursor", document}, max_time_field(), bypass_validation_field(),
        {"readConcern", document, false, Check::read_concern}, write_concern_field(), server_comment_field()},
       {}, false, builders::aggregate,
       {{"explain", "explain returns the plan instead of running the pipeline, so the version would change nothing"}}},
      {"runCommand", "command", {}, {}, false, builders::run_command},
      {"adminCommand", "command", {}, {}, false, builders::admin_command},
  };
  // clang-format on
  return specs;
}

std::vector<CommandSpec> make_specs() {
  std::vector<CommandSpec> specs = schema_specs();
  for (auto& spec : data_specs()) specs.push_back(std::move(spec));
  return specs;
}

}  // namespace

const std::vector<FieldSpec>& index_fields() {
  static const std::vector<FieldSpec> fields = {
      {"key", document, true, Check::index_key},
      {"name", string, false, Check::non_empty},
      {"unique", boolean},
      {"sparse", boolean},
      {"partialFilterExpression", document},
      {"expireAfterSeconds", number},
      {"hidden", boolean},
      collation_field(),
      {"weights", document},
      {"default_language", string},
      {"language_override", string},
      {"wildcardProjection", document},
      {"2dsphereIndexVersion", number},
      {"textIndexVersion", number},
      {"bits", number},
      {"min", number},
      {"max", number},
      {"storageEngine", document},
      {"v", number},
      noted({"background", boolean}, "MongoDB ignores \"background\" since 4.2 (every index build holds the same "
                                     "brief locks); it is sent as written, and can be removed"),
      noted({"dropDups", boolean}, "MongoDB ignores \"dropDups\" since 3.0 (a unique index build fails on duplicates "
                                   "rather than deleting them); it is sent as written, and can be removed"),
  };
  return fields;
}

const std::vector<LeftOutField>& index_left_out_fields() {
  static const std::vector<LeftOutField> fields = {
      {"ns", "an index is on its command's collection; MongoDB checks a given \"ns\" against it and drops it"},
      {"bucketSize", "it is for geoHaystack indexes, which MongoDB removed in 5.0"},
  };
  return fields;
}

const std::vector<FieldSpec>& collmod_index_fields() {
  static const std::vector<FieldSpec> fields = {
      {"name", string, false, Check::non_empty},
      {"keyPattern", document, false, Check::index_key},
      {"hidden", boolean},
      {"expireAfterSeconds", number},
      {"unique", boolean},
      {"prepareUnique", boolean},
  };
  return fields;
}

const std::vector<FieldSpec>& write_concern_fields() {
  static const std::vector<FieldSpec> fields = {{"w", number | string}, {"j", boolean}, {"wtimeout", number}};
  return fields;
}

const std::vector<FieldSpec>& read_concern_fields() {
  static const std::vector<FieldSpec> fields = {
      {"level", string, false, Check::one_of_values, {"local", "available", "majority", "linearizable", "snapshot"}}};
  return fields;
}

const std::vector<LeftOutField>& left_out_fields() {
  static const std::vector<LeftOutField> fields = {
      {"lsid", "mongoway runs each command in its own session, or in the file's transaction"},
      {"txnNumber", "mongoway runs each command in its own session, or in the file's transaction"},
      {"autocommit", "transactions are set per file, with \"transaction\": true"},
      {"startTransaction", "transactions are set per file, with \"transaction\": true"},
      {"apiVersion", "the Stable API is a setting of the connection, not of one command"},
      {"apiStrict", "the Stable API is a setting of the connection, not of one command"},
      {"apiDeprecationErrors", "the Stable API is a setting of the connection, not of one command"},
  };
  return fields;
}

bool is_sending_option(std::string_view field) {
  return field == "comment" || field == kServerComment || field == "writeConcern" || field == "dryRun";
}

const std::vector<CommandSpec>& command_specs() {
  static const std::vector<CommandSpec> specs = make_specs();
  return specs;
}

const CommandSpec* find_command(std::string_view name) {
  for (const auto& spec : command_specs()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::vector<std::string> command_names() {
  std::vector<std::string> names;
  for (const auto& spec : command_specs()) names.emplace_back(spec.name);
  return names;
}

}  // namespace mongoway::script
