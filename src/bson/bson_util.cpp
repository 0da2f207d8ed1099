#include "bson/bson_util.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>

namespace mongoway::bson {

bool find_field(const bson::Document& doc, std::string_view key, bson_iter_t* out) {
  if (!bson_iter_init(out, doc.get())) return false;
  while (bson_iter_next(out)) {
    if (iter_key(*out) == key) return true;
  }
  return false;
}

std::string_view iter_key(const bson_iter_t& it) {
  return std::string_view(bson_iter_key(&it), bson_iter_key_len(&it));
}

std::string iter_string(const bson_iter_t& it) {
  if (bson_iter_type(&it) != BSON_TYPE_UTF8) return {};
  uint32_t length = 0;
  const char* s = bson_iter_utf8(&it, &length);
  return std::string(s, length);
}

bool is_number(bson_type_t type) {
  return type == BSON_TYPE_INT32 || type == BSON_TYPE_INT64 || type == BSON_TYPE_DOUBLE || type == BSON_TYPE_DECIMAL128;
}

bson::Document iter_document(const bson_iter_t& it) {
  const uint8_t* data = nullptr;
  uint32_t length = 0;
  if (bson_iter_type(&it) == BSON_TYPE_DOCUMENT) {
    bson_iter_document(&it, &length, &data);
  } else if (bson_iter_type(&it) == BSON_TYPE_ARRAY) {
    bson_iter_array(&it, &length, &data);
  }
  if (!data) return bson::Document{};
  return bson::Document::from_data(data, length);
}

std::string_view type_phrase(bson_type_t type) {
  switch (type) {
    case BSON_TYPE_UTF8: return "a string";
    case BSON_TYPE_BOOL: return "a boolean";
    case BSON_TYPE_INT32:
    case BSON_TYPE_INT64:
    case BSON_TYPE_DOUBLE:
    case BSON_TYPE_DECIMAL128: return "a number";
    case BSON_TYPE_DOCUMENT: return "a document";
    case BSON_TYPE_ARRAY: return "an array";
    case BSON_TYPE_NULL: return "null";
    case BSON_TYPE_DATE_TIME: return "a date";
    case BSON_TYPE_OID: return "an ObjectId";
    case BSON_TYPE_BINARY: return "binary data";
    case BSON_TYPE_REGEX: return "a regular expression";
    case BSON_TYPE_TIMESTAMP: return "a timestamp";
    case BSON_TYPE_MINKEY: return "MinKey";
    case BSON_TYPE_MAXKEY: return "MaxKey";
    case BSON_TYPE_CODE:
    case BSON_TYPE_CODEWSCOPE: return "JavaScript code";
    case BSON_TYPE_UNDEFINED: return "undefined";
    default: return "a deprecated BSON type";
  }
}

namespace {
int key_length(std::string_view key) { return static_cast<int>(key.size()); }
}  // namespace

void append_value(bson::Document& to, std::string_view key, const bson_iter_t& value) {
  bson_append_iter(to.mut(), key.data(), key_length(key), &value);
}

void append_document(bson::Document& to, std::string_view key, const bson::Document& value) {
  bson_append_document(to.mut(), key.data(), key_length(key), value.get());
}

void append_array(bson::Document& to, std::string_view key, const std::vector<bson::Document>& items) {
  bson::Document array;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string index = std::to_string(i);
    append_document(array, index, items[i]);
  }
  append_array_document(to, key, array);
}

void append_array_document(bson::Document& to, std::string_view key, const bson::Document& array) {
  bson_append_array(to.mut(), key.data(), key_length(key), array.get());
}

void append_string(bson::Document& to, std::string_view key, std::string_view value) {
  bson_append_utf8(to.mut(), key.data(), key_length(key), value.data(), static_cast<int>(value.size()));
}

void append_bool(bson::Document& to, std::string_view key, bool value) {
  bson_append_bool(to.mut(), key.data(), key_length(key), value);
}

void append_int32(bson::Document& to, std::string_view key, int32_t value) {
  bson_append_int32(to.mut(), key.data(), key_length(key), value);
}

std::map<std::string, bson_iter_t> fields_by_key(const bson::Document& doc) {
  std::map<std::string, bson_iter_t> out;
  bson_iter_t it;
  if (!bson_iter_init(&it, doc.get())) return out;
  while (bson_iter_next(&it)) out.emplace(std::string(iter_key(it)), it);
  return out;
}

std::vector<bson::Document> iter_documents(const bson_iter_t& it) {
  std::vector<bson::Document> out;
  bson_iter_t child;
  if (!bson_iter_recurse(&it, &child)) return out;
  while (bson_iter_next(&child)) {
    if (bson_iter_type(&child) == BSON_TYPE_DOCUMENT) out.push_back(iter_document(child));
  }
  return out;
}

std::string number_text(const bson_iter_t& it) {
  switch (bson_iter_type(&it)) {
    case BSON_TYPE_INT32: return std::to_string(bson_iter_int32(&it));
    case BSON_TYPE_INT64: return std::to_string(bson_iter_int64(&it));
    case BSON_TYPE_DOUBLE: {
      const double d = bson_iter_double(&it);
      if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 1e15) {
        return std::to_string(static_cast<int64_t>(d));
      }
      return fmt::format("{}", d);
    }
    case BSON_TYPE_DECIMAL128: {
      bson_decimal128_t value;
      bson_iter_decimal128(&it, &value);
      char text[BSON_DECIMAL128_STRING];
      bson_decimal128_to_string(&value, text);
      return text;
    }
    default: return {};
  }
}

std::string value_json(const bson::Document& doc, std::string_view key) {
  bson_iter_t it;
  if (!find_field(doc, key, &it)) return {};
  bson::Document one;
  append_value(one, "v", it);
  // libbson writes { "v" : <value> }: the value is what lies between.
  const std::string json = one.to_json(JsonMode::relaxed);
  const std::string_view prefix = "{ \"v\" : ";
  if (json.size() < prefix.size() + 2 || json.compare(0, prefix.size(), prefix) != 0) return json;
  return json.substr(prefix.size(), json.size() - prefix.size() - 2);
}

}  // namespace mongoway::bson
