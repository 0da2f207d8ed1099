#pragma once
// A batched updateMany or deleteMany (script::Batching): the matching
// documents walked in `_id` order, `batchSize` at a time, each batch sent as
// the command with its filter narrowed to the batch's `_id`s ({$in}, never a
// range: a range compares one BSON type only and would pass over `_id`s of
// the others), and a checkpoint written after each batch.
//
// Requests: a `count` of the documents left (the estimate) and the first
// checkpoint when the command starts; then for each batch at most three —
// the next `_id`s (the `find` that opens one cursor, then its `getMore`s), the
// update or delete, the checkpoint. A walk resumed from a checkpoint goes on
// after its last `_id` in MongoDB's order of BSON types: the `_id`s greater
// within its type's bracket, then every `_id` of a later bracket.

#include <cstdint>
#include <functional>

#include "exec/executor.hpp"
#include "model/history.hpp"
#include "port/server.hpp"
#include "script/render.hpp"

namespace mongoway::exec {

// One batch done: the checkpoint as written, and how long the batch's update
// or delete took on the server (its round trip).
struct BatchDone {
  const model::Checkpoint& checkpoint;
  int64_t batch_documents = 0;
  int64_t write_ms = 0;
};

struct BatchedWalk {
  port::Server& server;
  port::Clock& clock;
  const script::ServerCommand& command;  // command.batching is set
  // Where it starts: rank, version and command set; when resuming, the
  // checkpoint it goes on from (its counts are carried on).
  model::Checkpoint checkpoint;
  BeforeSend before_send;  // before every request of the command (the lease check)
  // Writes the checkpoint into the run's record (one request); throws to stop.
  std::function<void(const model::Checkpoint&)> save;
  std::function<void(const BatchDone&)> batch_done;
  // Between batches: throws to stop there (a stop request), the checkpoint of
  // the last batch written.
  std::function<void()> between_batches;
};

// Runs the walk to its end; returns the command's counts, those of the run
// it resumed included. Throws port::ServerError or Error as any command.
WriteCounts run_batched(BatchedWalk& walk);

// The filter of the `_id`s after `last_id` (a document {"_id": value}) in
// MongoDB's order of BSON types: {$or: [{_id: {$gt: v}}, {_id: {$type: [later
// types]}}]}; on FerretDB, which refuses the aliases of the types it cannot
// store, only those it knows.
bson::Document ids_after(const bson::Document& last_id, bool ferretdb);

}  // namespace mongoway::exec
