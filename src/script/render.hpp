#pragma once
// Turns a validated Command into the exact server command document(s).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bson/document.hpp"
#include "script/script.hpp"

namespace mongoway::script {

struct RenderContext {
  std::string database;                             // the target database
  std::map<std::string, std::string> placeholders;  // ${name} -> value in string values
};

// How the executor runs a ServerCommand and reads its reply.
enum class ReplyKind {
  plain,      // run, check ok
  write,      // insert/update/delete: check writeErrors and writeConcernError, read counts
  aggregate,  // run, then drain the cursor
};

// An updateMany or deleteMany with "batchSize": sent batch by batch
// (exec/batched_walk.hpp), never whole. The command's one statement is sent
// with its filter narrowed to each batch's `_id`s.
struct Batching {
  int batch_size = 0;
  int64_t pause_ms = 0;
  std::string collection;
  std::string statements;  // the command's array of statements: "updates" or "deletes"
  bson::Document filter;   // the statement's filter, as rendered
};

struct ServerCommand {
  std::string database;    // where to run it: the target database, or "admin"
  bson::Document command;  // the complete command document sent to the server
  ReplyKind reply = ReplyKind::plain;
  // Inserts: the documents are not in `command` but sent by the executor in
  // batches (maxWriteBatchSize and at most 8 MiB each): inline documents
  // here, or streamed from `documents_file`.
  bool is_insert = false;
  std::vector<bson::Document> documents;
  std::optional<std::string> documents_file;
  std::optional<Batching> batching;
};

// Throws mongoway::Error(ExitCode::invalid), its message "file:line:column:
// command N (name): …", when a ${name} is not defined or when a value a
// placeholder gave is one the file could not hold (an empty or invalid
// collection name, an unknown validationLevel, …): the command is validated
// again once its placeholders are replaced.
std::vector<ServerCommand> render(const Script& script, const Command& command, const RenderContext& context);

// The first field of `command` that MongoDB refuses on a command inside a
// transaction ("writeConcern", "readConcern": the transaction's own apply), or "".
std::string_view field_refused_in_transaction(const Command& command);

// Every problem render() would throw for, without throwing: each placeholder
// without a value (as a `missing` diagnostic: lint only warns), else each
// problem of the rendered command.
std::vector<Diagnostic> check_render(const Script& script, const Command& command, const RenderContext& context,
                                     Diagnostic::Severity missing = Diagnostic::Severity::error);

}  // namespace mongoway::script
