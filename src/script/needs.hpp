#pragma once
// What a migration file needs of its server: the commands, options, stages,
// value types and transactions that not every server has, each with where it
// is. Pure: read from the file as written (placeholders not replaced), the
// documents of runCommand and adminCommand by the same rules as the native
// commands (their first key is the command).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "script/script.hpp"

namespace mongoway::script {

// The features a need names: rows of the table in server_features.cpp. An
// aggregation stage is named by itself ("$lookup").
namespace feature {
inline constexpr std::string_view coll_mod = "collMod";
inline constexpr std::string_view view = "view";
inline constexpr std::string_view cross_database_rename = "crossDatabaseRename";
inline constexpr std::string_view drop_target = "dropTarget";
inline constexpr std::string_view validator = "validator";
inline constexpr std::string_view ttl_index = "ttlIndex";
inline constexpr std::string_view partial_index = "partialIndex";
inline constexpr std::string_view unique_index = "uniqueIndex";
inline constexpr std::string_view sparse_index = "sparseIndex";
inline constexpr std::string_view hidden_index = "hiddenIndex";
inline constexpr std::string_view wildcard_index = "wildcardIndex";
inline constexpr std::string_view text_index = "textIndex";
inline constexpr std::string_view geo_2dsphere_index = "2dsphereIndex";
inline constexpr std::string_view geo_2d_index = "2dIndex";
inline constexpr std::string_view hashed_index = "hashedIndex";
inline constexpr std::string_view index_version = "indexVersion";
inline constexpr std::string_view index_storage_engine = "indexStorageEngine";
inline constexpr std::string_view collation = "collation";
inline constexpr std::string_view timeseries = "timeseries";
inline constexpr std::string_view clustered = "clusteredCollection";
inline constexpr std::string_view pre_and_post_images = "changeStreamPreAndPostImages";
inline constexpr std::string_view array_filters = "arrayFilters";
inline constexpr std::string_view pipeline_update = "pipelineUpdate";
inline constexpr std::string_view let_variables = "let";
inline constexpr std::string_view update_constants = "updateConstants";
inline constexpr std::string_view update_sort = "updateSort";
inline constexpr std::string_view decimal128 = "decimal128";
inline constexpr std::string_view transaction = "transaction";
}  // namespace feature

struct Need {
  std::string feature;    // a feature:: name, or an aggregation stage ("$lookup")
  int command_index = 0;  // 1-based; 0: the file itself ("transaction": true)
  int line = 0;           // where the command starts (the file's first line for the file itself)
  int column = 0;
  std::string command;  // the command's name as written: "collMod", "runCommand"; "" for the file
  // The field, stage or value that makes it, as a path from the command
  // object ("indexes.0.partialFilterExpression", "runCommand.pipeline.1.$out");
  // empty when it is the command itself (collMod).
  std::string where;
};

// Every need of `script`, in the order of its commands; a Decimal128 value
// once per command (the first, by its path). The documents of a
// documentsFile are not read: see decimal_in_documents_file.
std::vector<Need> needs_of(const Script& script);

// The first Decimal128 value among the documents of `command`'s
// documentsFile, read one at a time: a need whose `where` says which
// document ("documentsFile.17.price"); nullopt when none has one. False, with
// why in `err`, when the file cannot be read as it was when loaded.
bool decimal_in_documents_file(const Command& command, std::optional<Need>* found, std::string* err);

}  // namespace mongoway::script
