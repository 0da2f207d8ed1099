#pragma once
// Reading and building BSON documents through bson::Document (no raw bson_t
// ownership outside src/bson): field access, appends, type names.

#include <bson/bson.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bson/document.hpp"

namespace mongoway::bson {

// Points `out` at the top-level field `key` of `doc`; false when absent.
// (An out-parameter: bson_iter_t is over-aligned, which std::optional ignores.)
bool find_field(const bson::Document& doc, std::string_view key, bson_iter_t* out);

std::string_view iter_key(const bson_iter_t& it);
std::string iter_string(const bson_iter_t& it);  // UTF-8 value ("" for other types)
bool is_number(bson_type_t type);
// A copy of the embedded document or array at `it` (empty for other types).
bson::Document iter_document(const bson_iter_t& it);

// "a string", "a boolean", "a number", "a date", … as used in messages.
std::string_view type_phrase(bson_type_t type);

void append_value(bson::Document& to, std::string_view key, const bson_iter_t& value);
void append_document(bson::Document& to, std::string_view key, const bson::Document& value);
// Appends `items` (documents) as an array.
void append_array(bson::Document& to, std::string_view key, const std::vector<bson::Document>& items);
// Appends an array given as a Document whose keys are "0", "1", ….
void append_array_document(bson::Document& to, std::string_view key, const bson::Document& array);
void append_string(bson::Document& to, std::string_view key, std::string_view value);
void append_bool(bson::Document& to, std::string_view key, bool value);
void append_int32(bson::Document& to, std::string_view key, int32_t value);

// The elements of the array or document at `it`, each copied as a Document
// (only elements that are documents).
std::vector<bson::Document> iter_documents(const bson_iter_t& it);

// The top-level fields of `doc` by key (a duplicate key: its first value).
std::map<std::string, bson_iter_t> fields_by_key(const bson::Document& doc);

// The value of `doc`'s field `key` as relaxed Extended JSON ("" when absent):
// 42, "a", {"$oid": "…"}.
std::string value_json(const bson::Document& doc, std::string_view key);

// Canonical number text for index names: 1, -1, 0.5.
std::string number_text(const bson_iter_t& it);

}  // namespace mongoway::bson
