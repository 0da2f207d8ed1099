#include "script/idempotency.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "bson/bson_util.hpp"
#include "script/batching.hpp"

namespace mongoway::script {

namespace {

constexpr std::array<std::string_view, 9> kIdempotentOperators = {
    "$set", "$unset", "$min", "$max", "$setOnInsert", "$pull", "$pullAll", "$addToSet", "$rename"};

// The operators that give each field they name a value, creating it when it
// is missing ($rename gives one to the field it names as its value).
constexpr std::array<std::string_view, 9> kSettingOperators = {"$set",  "$inc",      "$mul",         "$min", "$max",
                                                               "$push", "$addToSet", "$currentDate", "$bit"};

bool is_one_of(std::string_view name, const auto& names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// One value alone in a document, so that two values compare as BSON.
bson::Document value_of(const bson_iter_t& it) {
  bson::Document out;
  bson::append_value(out, "v", it);
  return out;
}

// What an update does, as far as its idempotency goes.
struct UpdateEffects {
  std::vector<std::string> not_idempotent;       // its operators that are not, or "a pipeline"
  std::map<std::string, bson::Document> set_to;  // the fields "$set" to a value, and the value
  std::set<std::string> set_fields;              // every field it gives a value
};

// An update document: its operators, and the fields they set.
void read_operators(const bson::Document& update, UpdateEffects& out) {
  bson_iter_t op;
  if (!bson_iter_init(&op, update.get())) return;
  while (bson_iter_next(&op)) {
    const std::string name(bson::iter_key(op));
    if (!is_idempotent_operator(name)) out.not_idempotent.push_back(name);
    bson_iter_t field;
    if (!BSON_ITER_HOLDS_DOCUMENT(&op) || !bson_iter_recurse(&op, &field)) continue;
    while (bson_iter_next(&field)) {
      const std::string key(bson::iter_key(field));
      if (name == "$rename" && BSON_ITER_HOLDS_UTF8(&field)) out.set_fields.insert(bson::iter_string(field));
      if (!is_one_of(name, kSettingOperators)) continue;
      out.set_fields.insert(key);
      if (name == "$set") out.set_to.emplace(key, value_of(field));
    }
  }
}

// A value of a pipeline's "$set" that is itself, not an expression: a
// number, a boolean, a string not starting with '$', …
bool is_literal(const bson_iter_t& it) {
  const bson_type_t type = bson_iter_type(&it);
  if (type == BSON_TYPE_DOCUMENT || type == BSON_TYPE_ARRAY) return false;
  return type != BSON_TYPE_UTF8 || !bson::iter_string(it).starts_with("$");
}

// A pipeline: never idempotent as such. Its fields are known only when every
// stage is a "$set" or an "$addFields" (no later stage removes them).
void read_pipeline(const bson_iter_t& pipeline, UpdateEffects& out) {
  out.not_idempotent.emplace_back("a pipeline");
  UpdateEffects fields;
  for (const auto& stage : bson::iter_documents(pipeline)) {
    bson_iter_t it;
    if (!bson_iter_init(&it, stage.get()) || !bson_iter_next(&it)) return;
    const std::string_view name = bson::iter_key(it);
    bson_iter_t field;
    if ((name != "$set" && name != "$addFields") || !bson_iter_recurse(&it, &field)) return;
    while (bson_iter_next(&field)) {
      const std::string key(bson::iter_key(field));
      fields.set_fields.insert(key);
      if (is_literal(field)) fields.set_to.insert_or_assign(key, value_of(field));
    }
  }
  out.set_fields = std::move(fields.set_fields);
  out.set_to = std::move(fields.set_to);
}

UpdateEffects effects_of(const Command& command) {
  UpdateEffects out;
  bson_iter_t update;
  if (!bson::find_field(command.spec, "update", &update)) return out;
  if (BSON_ITER_HOLDS_ARRAY(&update)) {
    read_pipeline(update, out);
  } else {
    read_operators(bson::iter_document(update), out);
  }
  return out;
}

// Whether the conditions of one field of a filter exclude a document the
// update has already changed: {"$ne": v} for v the value the update sets the
// field to, {"$exists": false} for a field the update sets.
bool excludes_done(std::string_view field, const bson_iter_t& condition, const UpdateEffects& effects) {
  bson_iter_t op;
  if (!BSON_ITER_HOLDS_DOCUMENT(&condition) || !bson_iter_recurse(&condition, &op)) return false;
  const std::string key(field);
  while (bson_iter_next(&op)) {
    const std::string_view name = bson::iter_key(op);
    if (name == "$ne") {
      const auto set = effects.set_to.find(key);
      if (set != effects.set_to.end() && set->second == value_of(op)) return true;
    } else if (name == "$exists" && !bson_iter_as_bool(&op)) {
      if (effects.set_fields.count(key)) return true;
    }
  }
  return false;
}

// Whether `filter` (its top level, and the documents of a top-level "$and")
// excludes the documents the update has already changed.
bool filter_excludes_done(const bson::Document& filter, const UpdateEffects& effects) {
  bson_iter_t it;
  if (!bson_iter_init(&it, filter.get())) return false;
  while (bson_iter_next(&it)) {
    const std::string_view key = bson::iter_key(it);
    if (key == "$and" && BSON_ITER_HOLDS_ARRAY(&it)) {
      for (const auto& clause : bson::iter_documents(it)) {
        if (filter_excludes_done(clause, effects)) return true;
      }
    } else if (!key.starts_with("$") && excludes_done(key, it, effects)) {
      return true;
    }
  }
  return false;
}

// The filter to suggest: on a field the update "$set"s, when it has one.
std::string example_filter(const UpdateEffects& effects) {
  if (effects.set_to.empty()) return "{\"f\": {\"$ne\": v}} for a field f that the update sets to v with \"$set\"";
  const auto& [field, value] = *effects.set_to.begin();
  std::string text = value.to_json(bson::JsonMode::relaxed);  // { "v" : VALUE }
  const std::string_view prefix = "{ \"v\" : ";
  const std::string_view suffix = " }";
  if (text.starts_with(prefix) && text.ends_with(suffix)) {
    text = text.substr(prefix.size(), text.size() - prefix.size() - suffix.size());
  }
  return fmt::format("{{\"{}\": {{\"$ne\": {}}}}}", field, text);
}

std::string what_is_not_idempotent(const std::vector<std::string>& names) {
  if (names.front() == "a pipeline") return "an update pipeline, which is not idempotent";
  std::string list;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) list += i + 1 == names.size() ? " and " : ", ";
    list += fmt::format("\"{}\"", names[i]);
  }
  return fmt::format("{}, which {} not idempotent", list, names.size() == 1 ? "is" : "are");
}

}  // namespace

bool is_idempotent_operator(std::string_view op) { return is_one_of(op, kIdempotentOperators); }

std::optional<Diagnostic> idempotency_warning(std::string_view file, const Command& command) {
  if (command.name != "updateMany" || !batching_of(command)) return std::nullopt;
  const UpdateEffects effects = effects_of(command);
  if (effects.not_idempotent.empty()) return std::nullopt;
  bson_iter_t filter;
  if (bson::find_field(command.spec, "filter", &filter) && filter_excludes_done(bson::iter_document(filter), effects)) {
    return std::nullopt;
  }
  Diagnostic d;
  d.severity = Diagnostic::Severity::warning;
  d.file = std::string(file);
  d.line = command.line;
  d.column = command.column;
  d.message = fmt::format(
      "command {} ({}): batched with {}: a run cut short resumes by repeating the batch that was in flight, whose "
      "documents would then be changed twice; make the filter exclude the documents already done (e.g. {}), or use "
      "only idempotent operators ($set, $unset, $min, $max, $setOnInsert, $pull, $pullAll, $addToSet, $rename)",
      command.index, command.name, what_is_not_idempotent(effects.not_idempotent), example_filter(effects));
  return d;
}

}  // namespace mongoway::script
