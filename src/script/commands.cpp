#include "script/commands.hpp"

#include "script/builders.hpp"

namespace mongoway::script {

std::string expected_phrase(unsigned type_set) {
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

std::vector<CommandSpec> make_specs() {
  const std::vector<FieldSpec>& create_index_fields = index_fields();
  // A table: one command a row, its fields wrapped as they read best.
  // clang-format off
  std::vector<CommandSpec> specs = {
      {"createCollection", "collection",
       {{"capped", boolean}, {"size", number}, {"max", number}, {"validator", document}, validation_level_field(),
        validation_action_field(), collation_field(), {"timeseries", document}, {"expireAfterSeconds", number},
        {"clusteredIndex", document}, {"changeStreamPreAndPostImages", document}},
       {}, false, builders::create_collection},
      {"dropCollection", "collection", {}, {}, false, builders::drop_collection},
      {"renameCollection", "collection",
       {{"to", string, true, Check::collection_name}, {"dropTarget", boolean}}, {}, false, builders::rename_collection},
      {"createIndex", "collection", create_index_fields, {}, false, builders::create_index},
      {"createIndexes", "collection", {{"indexes", array, true, Check::index_specs}}, {}, false,
       builders::create_indexes},
      {"dropIndex", "collection",
       {{"name", string, false, Check::non_empty}, {"key", document, false, Check::index_key}},
       {{"name", "key"}}, false, builders::drop_index},
      {"collMod", "collection",
       {{"validator", document}, validation_level_field(), validation_action_field(),
        {"index", document, false, Check::collmod_index}, {"expireAfterSeconds", number | string},
        {"changeStreamPreAndPostImages", document}, {"timeseries", document}, {"viewOn", string, false,
        Check::collection_name}, {"pipeline", array, false, Check::pipeline}, {"cappedSize", number},
        {"cappedMax", number}},
       {}, true, builders::coll_mod},
      {"createView", "view",
       {{"viewOn", string, true, Check::collection_name}, {"pipeline", array, true, Check::pipeline}, collation_field()}, {},
       false, builders::create_view},
      {"insertOne", "collection",
       {{"document", document}, {"documentsFile", string, false, Check::documents_file}},
       {{"document", "documentsFile"}}, false, builders::insert},
      {"insertMany", "collection",
       {{"documents", array, false, Check::documents}, {"documentsFile", string, false, Check::documents_file}},
       {{"documents", "documentsFile"}}, false, builders::insert},
      {"updateOne", "collection",
       {filter_field(), {"update", document | array, true, Check::update}, {"upsert", boolean},
        {"arrayFilters", array, false, Check::documents}, collation_field(), hint_field()},
       {}, false, builders::update},
      {"updateMany", "collection",
       {filter_field(), {"update", document | array, true, Check::update}, {"upsert", boolean},
        {"arrayFilters", array, false, Check::documents}, collation_field(), hint_field()},
       {}, false, builders::update},
      {"replaceOne", "collection",
       {filter_field(), {"replacement", document, true, Check::replacement}, {"upsert", boolean}, collation_field(), hint_field()}, {},
       false, builders::replace_one},
      {"deleteOne", "collection", {filter_field(), collation_field(), hint_field()}, {}, false, builders::remove},
      {"deleteMany", "collection", {filter_field(), collation_field(), hint_field()}, {}, false, builders::remove},
      {"aggregate", "collection",
       {{"pipeline", array, true, Check::pipeline}, collation_field(), hint_field(), {"let", document},
        {"allowDiskUse", boolean}},
       {}, false, builders::aggregate},
      {"runCommand", "command", {}, {}, false, builders::run_command},
      {"adminCommand", "command", {}, {}, false, builders::admin_command},
  };
  // clang-format on
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
