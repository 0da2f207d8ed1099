#pragma once
// Runs the server commands of a step and reads their counts.

#include <functional>
#include <optional>

#include "mongoway/migrator.hpp"
#include "port/server.hpp"
#include "script/render.hpp"

namespace mongoway::exec {

using Progress = std::function<void(uint64_t done, std::optional<uint64_t> total)>;
// Called before every request the command sends (each insert batch too);
// throws to stop before it is sent (the migrator checks its lease there).
using BeforeSend = std::function<void()>;

// Runs one server command; inserts go in batches within the server's
// maxWriteBatchSize and at most 8 MiB each. Throws port::ServerError or Error.
// `reply`, when given, receives the reply of a command that is not an insert
// (what it created: see creation_recorder.hpp).
WriteCounts run_server_command(port::Server& server, const script::ServerCommand& command,
                               std::optional<uint64_t> documents_total, const Progress& progress,
                               const BeforeSend& before_send = {}, bson::Document* reply = nullptr);

// Counts of a write command's reply.
WriteCounts counts_of_reply(const std::string& command_name, const bson::Document& reply);

// The command as the dry run and the logs show it.
PlannedCommand describe(const script::Command& command, const script::ServerCommand& server);

}  // namespace mongoway::exec
