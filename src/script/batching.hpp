#pragma once
// Batched commands, the file side: an updateMany or a deleteMany with
// "batchSize" works through its documents that many at a time, optionally
// pausing "pauseMs" between batches. The engine runs the batches; here are
// the limits the loader checks and how a command's batching is read.

#include <bson/bson.h>

#include <cstdint>
#include <optional>
#include <string>

#include "script/script.hpp"

namespace mongoway::script {

inline constexpr int64_t kMinBatchSize = 1;
inline constexpr int64_t kMaxBatchSize = 10'000;
inline constexpr int64_t kMaxPauseMs = 600'000;  // ten minutes

struct Batching {
  int64_t batch_size = 0;
  int64_t pause_ms = 0;  // between two batches
};

// The integer a number holds: an int32, an int64, or a double or decimal128
// with an integral value; nullopt for a fraction, NaN, an infinity, a value
// outside int64 and any other type.
std::optional<int64_t> integer_value(const bson_iter_t& it);

// A command's batching, nullopt when it is not batched (no "batchSize").
// The loader has checked the values: a loaded command's are in range.
std::optional<Batching> batching_of(const Command& command);

// Where the first batched command of `script` is,
// "file:line:col: command N (updateMany) is batched", or "" when none is: a
// version holding one cannot run in a transaction, whose batches would not
// be one atomic change.
std::string batched_command_in(const Script& script);

}  // namespace mongoway::script
