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
inline constexpr unsigned any = ~0u;  // any BSON value (the server's "comment")
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
  write_concern,     // {w, j, wtimeout}; w: 0 (unacknowledged) refused
  read_concern,      // {level}
  index_names,       // dropIndex's name: a name, "*", or a non-empty array of names
  auto_index_id,     // createCollection's autoIndexId: false refused, true noted
  batch_size,        // an integer from kMinBatchSize to kMaxBatchSize; no "upsert": true beside it
  pause_ms,          // an integer from 0 to kMaxPauseMs, given with "batchSize"
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
  // A lint note (a warning) whenever the field is given: the field is
  // accepted and sent, but the server does nothing with it.
  std::string_view note;
  // Given to a command that does not take it, the error names the commands
  // that do (a field of mongoway's own, which no other command has a near
  // name for).
  bool named_elsewhere = false;
};

// A field MongoDB documents for a command that mongoway does not take, and why.
struct LeftOutField {
  std::string_view name;
  std::string_view reason;
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
  std::vector<LeftOutField> left_out{};  // beyond left_out_fields(), which every command shares
};

const std::vector<CommandSpec>& command_specs();
const CommandSpec* find_command(std::string_view name);
std::vector<std::string> command_names();
// The commands that take `field`, when it is a field named_elsewhere, in
// table order; else none.
std::vector<std::string_view> commands_naming(std::string_view field);

// Options of one index (createIndex fields, elements of createIndexes' "indexes").
const std::vector<FieldSpec>& index_fields();
// Index options MongoDB documents that mongoway does not take, and why.
const std::vector<LeftOutField>& index_left_out_fields();
// Fields of collMod's "index" document.
const std::vector<FieldSpec>& collmod_index_fields();
// Fields of a "writeConcern" document.
const std::vector<FieldSpec>& write_concern_fields();
// Fields of a "readConcern" document.
const std::vector<FieldSpec>& read_concern_fields();

// Fields of MongoDB's commands that no mongoway command takes, and why
// (sessions, transactions, the Stable API): named in the error for them.
const std::vector<LeftOutField>& left_out_fields();

// mongoway's "serverComment" is sent as the server's "comment" (mongoway's
// own "comment" is never sent).
inline constexpr std::string_view kServerComment = "serverComment";
// Fields that change how a command is sent, not what it changes: collMod
// needs a field beyond them.
bool is_sending_option(std::string_view field);

}  // namespace mongoway::script
