#pragma once
// The part of MongoDB's query language the fake server evaluates: enough for
// the engine's batched commands (a user's filter, narrowed by `_id` $in, or
// walked on from a checkpoint by $gt and $type) and their updates. Top-level
// fields only. An operator it does not know gives nullopt, never a guess.

#include <bson/bson.h>

#include <optional>
#include <string_view>

#include "bson/document.hpp"

namespace mongoway::testing {

// a against b in MongoDB's order: the brackets of BSON types (numbers
// together, strings and symbols together, …), then the values. -1, 0 or 1.
int compare_values(const bson_iter_t& a, const bson_iter_t& b);

// Whether `doc` matches `filter`: equality, $eq, $ne, $gt, $gte, $lt, $lte
// (within one bracket, as MongoDB), $in, $nin, $exists, $type (aliases and
// "number"), $and, $or, $nor.
std::optional<bool> matches(const bson::Document& doc, const bson::Document& filter);

// `doc` with `key` set to the value at `value`, in its place (added last
// when absent); `doc` without `key`.
bson::Document with_field(const bson::Document& doc, std::string_view key, const bson_iter_t& value);
bson::Document without_field(const bson::Document& doc, std::string_view key);

// `doc` after an update document of $set, $unset and $inc; nullopt for any
// other operator, a replacement or a pipeline.
std::optional<bson::Document> updated(const bson::Document& doc, const bson::Document& update);

}  // namespace mongoway::testing
