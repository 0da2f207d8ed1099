#pragma once
// The command table: every command a migration file may use, its fields with
// their expected BSON types, and the builder of its server command.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "script/render.hpp"

namespace mongoway::script {

// Sets of accepted BSON types (bit flags).
namespace types {
inline constexpr unsigned string = 1;
inline constexpr unsigned boolean = 2;
inline constexpr unsigned number = 4;  // int32, int64, double, decimal128
inline constexpr unsigned document = 8;
inline constexpr unsigned array = 16;
}  // namespace types

// "a boolean", "a string or a document", … for messages.
std::string expected_phrase(unsigned type_set);

// A shape check beyond the BSON type.
enum class Check {
  none,
  non_empty,         // non-empty string, document or array
  collection_name,   // a name a server takes for a collection: not empty, no NUL or '$', not "system."
  one_of_values,     // a string from FieldSpec::values
  index_key,         // {field: 1|-1|"text"|…}, at least one field
  index_specs,       // createIndexes: non-empty array of index specifications
  collmod_index,     // collMod's "index": {name|keyPattern, hidden, expireAfterSeconds, …}
  pipeline,          // array of stages, each {"$stage": …}
  update,            // update operators document, or a pipeline
  replacement,       // a document without update operators
  documents,         // non-empty array of documents
  documents_file,    // a relative path, resolved and read by the loader
  command_document,  // runCommand / adminCommand: a non-empty document
};

struct FieldSpec {
  FieldSpec(std::string_view name_, unsigned types_, bool required_ = false, Check check_ = Check::none,
            std::vector<std::string_view> values_ = {})
      : name(name_), types(types_), required(required_), check(check_), values(std::move(values_)) {}

  std::string_view name;
  unsigned types = 0;
  bool required = false;
  Check check = Check::none;
  std::vector<std::string_view> values;  // Check::one_of_values
};

struct BuildInput {
  const Command& command;
  const bson::Document& spec;  // placeholders already replaced
  const RenderContext& context;
};
using Builder = std::vector<ServerCommand> (*)(const BuildInput& input);

struct CommandSpec {
  std::string_view name;
  // What the first key's value is: "collection" or "view" (a non-empty name),
  // or "command" (a command document).
  std::string_view target;
  std::vector<FieldSpec> fields;
  std::vector<std::vector<std::string_view>> exactly_one_of;  // e.g. {"name", "key"}
  bool needs_a_field = false;                                 // collMod: at least one option
  Builder build = nullptr;
};

const std::vector<CommandSpec>& command_specs();
const CommandSpec* find_command(std::string_view name);
std::vector<std::string> command_names();

// Options of one index (createIndex fields, elements of createIndexes' "indexes").
const std::vector<FieldSpec>& index_fields();
// Fields of collMod's "index" document.
const std::vector<FieldSpec>& collmod_index_fields();

}  // namespace mongoway::script
