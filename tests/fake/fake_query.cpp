#include "fake_query.hpp"

#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "bson/bson_util.hpp"

namespace mongoway::testing {
namespace {

// MongoDB's order of BSON types for comparing and sorting.
int type_rank(bson_type_t type) {
  switch (type) {
    case BSON_TYPE_MINKEY: return 0;
    case BSON_TYPE_NULL:
    case BSON_TYPE_UNDEFINED: return 1;
    case BSON_TYPE_INT32:
    case BSON_TYPE_INT64:
    case BSON_TYPE_DOUBLE:
    case BSON_TYPE_DECIMAL128: return 2;
    case BSON_TYPE_UTF8:
    case BSON_TYPE_SYMBOL: return 3;
    case BSON_TYPE_DOCUMENT: return 4;
    case BSON_TYPE_ARRAY: return 5;
    case BSON_TYPE_BINARY: return 6;
    case BSON_TYPE_OID: return 7;
    case BSON_TYPE_BOOL: return 8;
    case BSON_TYPE_DATE_TIME: return 9;
    case BSON_TYPE_TIMESTAMP: return 10;
    case BSON_TYPE_REGEX: return 11;
    case BSON_TYPE_MAXKEY: return 13;
    default: return 12;
  }
}

template <typename T>
int three_way(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

// Values of one bracket: numbers as numbers, strings and ObjectIds by their
// bytes, booleans, dates and timestamps by value, the rest by their text.
int compare_in_bracket(const bson_iter_t& a, const bson_iter_t& b, int rank) {
  switch (rank) {
    case 2: return three_way(bson_iter_as_double(&a), bson_iter_as_double(&b));
    case 3: return three_way(bson::iter_string(a), bson::iter_string(b));
    case 7: return bson_oid_compare(bson_iter_oid(&a), bson_iter_oid(&b));
    case 8: return three_way(bson_iter_bool(&a), bson_iter_bool(&b));
    case 9: return three_way(bson_iter_date_time(&a), bson_iter_date_time(&b));
    default: break;
  }
  bson::Document x, y;
  bson::append_value(x, "v", a);
  bson::append_value(y, "v", b);
  return three_way(x.to_json(bson::JsonMode::canonical), y.to_json(bson::JsonMode::canonical));
}

bool has_type(bson_type_t type, std::string_view alias) {
  static const std::map<std::string_view, std::vector<bson_type_t>> aliases = {
      {"double", {BSON_TYPE_DOUBLE}},
      {"string", {BSON_TYPE_UTF8}},
      {"object", {BSON_TYPE_DOCUMENT}},
      {"array", {BSON_TYPE_ARRAY}},
      {"binData", {BSON_TYPE_BINARY}},
      {"objectId", {BSON_TYPE_OID}},
      {"bool", {BSON_TYPE_BOOL}},
      {"date", {BSON_TYPE_DATE_TIME}},
      {"null", {BSON_TYPE_NULL}},
      {"regex", {BSON_TYPE_REGEX}},
      {"int", {BSON_TYPE_INT32}},
      {"timestamp", {BSON_TYPE_TIMESTAMP}},
      {"long", {BSON_TYPE_INT64}},
      {"decimal", {BSON_TYPE_DECIMAL128}},
      {"minKey", {BSON_TYPE_MINKEY}},
      {"maxKey", {BSON_TYPE_MAXKEY}},
      {"symbol", {BSON_TYPE_SYMBOL}},
      {"javascript", {BSON_TYPE_CODE}},
      {"dbPointer", {BSON_TYPE_DBPOINTER}},
      {"javascriptWithScope", {BSON_TYPE_CODEWSCOPE}},
      {"number", {BSON_TYPE_DOUBLE, BSON_TYPE_INT32, BSON_TYPE_INT64, BSON_TYPE_DECIMAL128}},
  };
  const auto it = aliases.find(alias);
  if (it == aliases.end()) return false;
  for (auto t : it->second) {
    if (t == type) return true;
  }
  return false;
}

std::optional<bool> matches_type(const bson_iter_t* value, const bson_iter_t& spec) {
  if (value == nullptr) return false;
  if (BSON_ITER_HOLDS_UTF8(&spec)) return has_type(bson_iter_type(value), bson::iter_string(spec));
  if (!BSON_ITER_HOLDS_ARRAY(&spec)) return std::nullopt;
  bson_iter_t each;
  bson_iter_recurse(&spec, &each);
  while (bson_iter_next(&each)) {
    if (BSON_ITER_HOLDS_UTF8(&each) && has_type(bson_iter_type(value), bson::iter_string(each))) return true;
  }
  return false;
}

bool equal(const bson_iter_t* value, const bson_iter_t& wanted) {
  if (value == nullptr) return BSON_ITER_HOLDS_NULL(&wanted);
  const int rank = type_rank(bson_iter_type(value));
  return rank == type_rank(bson_iter_type(&wanted)) && compare_in_bracket(*value, wanted, rank) == 0;
}

bool in_list(const bson_iter_t* value, const bson_iter_t& list) {
  bson_iter_t each;
  if (!bson_iter_recurse(&list, &each)) return false;
  while (bson_iter_next(&each)) {
    if (equal(value, each)) return true;
  }
  return false;
}

// $gt and its kin compare within one bracket only, as MongoDB does.
std::optional<bool> ordered(const bson_iter_t* value, const bson_iter_t& bound, std::string_view op) {
  if (value == nullptr || type_rank(bson_iter_type(value)) != type_rank(bson_iter_type(&bound))) return false;
  const int c = compare_in_bracket(*value, bound, type_rank(bson_iter_type(value)));
  if (op == "$gt") return c > 0;
  if (op == "$gte") return c >= 0;
  if (op == "$lt") return c < 0;
  return c <= 0;
}

std::optional<bool> apply_operator(const bson_iter_t* value, std::string_view op, const bson_iter_t& arg) {
  if (op == "$eq") return equal(value, arg);
  if (op == "$ne") return !equal(value, arg);
  if (op == "$in") return in_list(value, arg);
  if (op == "$nin") return !in_list(value, arg);
  if (op == "$exists") return (value != nullptr) == bson_iter_as_bool(&arg);
  if (op == "$type") return matches_type(value, arg);
  if (op == "$gt" || op == "$gte" || op == "$lt" || op == "$lte") return ordered(value, arg, op);
  return std::nullopt;
}

// {field: condition}: a value, or a document of operators.
std::optional<bool> matches_field(const bson::Document& doc, std::string_view field, const bson_iter_t& condition) {
  bson_iter_t found;
  const bool present = bson::find_field(doc, field, &found);
  const bson_iter_t* value = present ? &found : nullptr;
  bson_iter_t ops;
  if (!BSON_ITER_HOLDS_DOCUMENT(&condition) || !bson_iter_recurse(&condition, &ops) || !bson_iter_next(&ops) ||
      bson::iter_key(ops).substr(0, 1) != "$") {
    return equal(value, condition);
  }
  bson_iter_recurse(&condition, &ops);
  while (bson_iter_next(&ops)) {
    const auto result = apply_operator(value, bson::iter_key(ops), ops);
    if (!result || !*result) return result;
  }
  return true;
}

// $and, $or, $nor over an array of filters.
std::optional<bool> matches_logical(const bson::Document& doc, std::string_view op, const bson_iter_t& list) {
  bool any = false, all = true;
  for (const auto& each : bson::iter_documents(list)) {
    const auto result = matches(doc, each);
    if (!result) return std::nullopt;
    any = any || *result;
    all = all && *result;
  }
  if (op == "$and") return all;
  if (op == "$or") return any;
  return !any;
}

}  // namespace

int compare_values(const bson_iter_t& a, const bson_iter_t& b) {
  const int ra = type_rank(bson_iter_type(&a)), rb = type_rank(bson_iter_type(&b));
  if (ra != rb) return three_way(ra, rb);
  return compare_in_bracket(a, b, ra);
}

std::optional<bool> matches(const bson::Document& doc, const bson::Document& filter) {
  bson_iter_t it;
  if (!bson_iter_init(&it, filter.get())) return std::nullopt;
  while (bson_iter_next(&it)) {
    const std::string_view key = bson::iter_key(it);
    std::optional<bool> result;
    if (key == "$and" || key == "$or" || key == "$nor") {
      result = matches_logical(doc, key, it);
    } else if (key.substr(0, 1) == "$" || key.find('.') != std::string_view::npos) {
      return std::nullopt;
    } else {
      result = matches_field(doc, key, it);
    }
    if (!result || !*result) return result;
  }
  return true;
}

bson::Document with_field(const bson::Document& doc, std::string_view key, const bson_iter_t& value) {
  bson::Document out;
  bool replaced = false;
  bson_iter_t it;
  if (bson_iter_init(&it, doc.get())) {
    while (bson_iter_next(&it)) {
      if (bson::iter_key(it) == key) {
        bson::append_value(out, key, value);
        replaced = true;
      } else {
        bson::append_value(out, bson::iter_key(it), it);
      }
    }
  }
  if (!replaced) bson::append_value(out, key, value);
  return out;
}

bson::Document without_field(const bson::Document& doc, std::string_view key) {
  bson::Document out;
  bson_iter_t it;
  if (bson_iter_init(&it, doc.get())) {
    while (bson_iter_next(&it)) {
      if (bson::iter_key(it) != key) bson::append_value(out, bson::iter_key(it), it);
    }
  }
  return out;
}

std::optional<bson::Document> updated(const bson::Document& doc, const bson::Document& update) {
  bson_iter_t op, field;
  if (!bson_iter_init(&op, update.get())) return std::nullopt;
  bson::Document out = doc;
  while (bson_iter_next(&op)) {
    const std::string_view name = bson::iter_key(op);
    if ((name != "$set" && name != "$unset" && name != "$inc") || !bson_iter_recurse(&op, &field)) return std::nullopt;
    while (bson_iter_next(&field)) {
      const std::string_view key = bson::iter_key(field);
      if (name == "$unset") {
        out = without_field(out, key);
      } else if (name == "$set") {
        out = with_field(out, key, field);
      } else {
        bson_iter_t now, sum;
        const int64_t before = bson::find_field(out, key, &now) ? bson_iter_as_int64(&now) : 0;
        bson::Document total;
        BSON_APPEND_INT64(total.mut(), "v", before + bson_iter_as_int64(&field));
        bson_iter_init_find(&sum, total.get(), "v");
        out = with_field(out, key, sum);
      }
    }
  }
  return out;
}

}  // namespace mongoway::testing
