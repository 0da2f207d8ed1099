#include "script/validate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <set>

#include "bson/bson_util.hpp"
#include "script/batching.hpp"
#include "script/names.hpp"
#include "script/placeholders.hpp"
#include "util/suggest.hpp"

namespace mongoway::script {

namespace {

using Path = std::vector<std::string>;

std::string path_text(const Path& path) {
  std::string out;
  for (const auto& part : path) {
    if (!out.empty()) out += '.';
    out += part;
  }
  return out;
}

Path child(const Path& path, std::string_view part) {
  Path out = path;
  out.emplace_back(part);
  return out;
}

bool has_placeholder(std::string_view text) {
  std::set<std::string> names;
  collect_placeholders(text, names);
  return !names.empty();
}

// " (the value comes from placeholder ${a}; …)": a rendered value's problem is
// fixed where the placeholder gets its value, not in the file.
std::string placeholder_note(const std::vector<std::string>& names) {
  if (names.empty()) return "";  // a value with only an escaped "$${"
  if (names.size() == 1) {
    return fmt::format(" (the value comes from placeholder ${{{0}}}; fix the value given with --placeholder {0}=VALUE "
                       "or placeholder.{0} in the config file)",
                       names.front());
  }
  std::string list;
  for (const auto& name : names) list += fmt::format("{}${{{}}}", list.empty() ? "" : ", ", name);
  return fmt::format(" (the value comes from placeholders {}; fix their values given with --placeholder or in the "
                     "config file)",
                     list);
}

class Reporter {
 public:
  Reporter(const CommandSite& site, std::vector<Diagnostic>& out) : m_site(site), m_out(out) {}

  // Whether the command is checked as rendered (placeholders replaced).
  bool rendered() const { return m_site.object == nullptr; }
  // As written, a value holding a placeholder waits for its rendered check.
  bool deferred(std::string_view value) const { return !rendered() && has_placeholder(value); }

  void at_value(const Path& path, const std::string& message) { at(path, false, message); }
  void at_key(const Path& path, const std::string& message) { at(path, true, message); }
  void at_command(const std::string& message) { add(command_begin(), message); }
  // A lint note (a warning) at the value, given once, as the file is read:
  // the rendered check would repeat it.
  void note(const Path& path, const std::string& message) {
    if (rendered() || !m_site.notes) return;
    add(locate(path, false), fmt::format("field \"{}\": {}", path_text(path), message), Diagnostic::Severity::warning);
  }
  // "field \"a.b\": " + message, at the value.
  void field(const Path& path, const std::string& message) {
    at_value(path, fmt::format("field \"{}\": {}", path_text(path), message));
  }

 private:
  json::Location command_begin() const { return rendered() ? m_site.begin : m_site.object->begin; }

  void at(const Path& path, bool key, const std::string& message) {
    if (!rendered()) return add(locate(path, key), message);
    const PlaceholderSite* site = placeholder_site(path);
    if (!site) return add(m_site.begin, message);
    add(json::Location{0, site->line, site->column}, message + placeholder_note(site->names));
  }

  // The written value a placeholder made into the one at `path` (or into a
  // value inside it), or nullptr.
  const PlaceholderSite* placeholder_site(const Path& path) const {
    if (!m_site.placeholders) return nullptr;
    const auto& sites = *m_site.placeholders;
    auto exact = std::find_if(sites.begin(), sites.end(), [&](const PlaceholderSite& s) { return s.path == path; });
    if (exact != sites.end()) return &*exact;
    auto inside = std::find_if(sites.begin(), sites.end(), [&](const PlaceholderSite& s) {
      return s.path.size() > path.size() && std::equal(path.begin(), path.end(), s.path.begin());
    });
    return inside != sites.end() ? &*inside : nullptr;
  }

  // The position of the value (or key) at `path`, or of the deepest part of it that exists.
  json::Location locate(const Path& path, bool key) const {
    const json::Value* value = m_site.object;
    json::Location where = value->begin;
    for (const auto& part : path) {
      if (value->kind == json::Kind::object) {
        const json::Member* member = value->find_member(part);
        if (!member) break;
        value = &member->value;
        where = key ? member->key_begin : value->begin;
      } else if (value->kind == json::Kind::array) {
        size_t index = 0;
        auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
        if (ec != std::errc() || index >= value->items.size()) break;
        value = &value->items[index];
        where = value->begin;
      } else {
        break;
      }
    }
    return where;
  }

  void add(const json::Location& where, const std::string& message,
           Diagnostic::Severity severity = Diagnostic::Severity::error) {
    Diagnostic d;
    d.severity = severity;
    d.file = std::string(m_site.file);
    d.line = where.line;
    d.column = where.column;
    d.message = fmt::format("command {} ({}): {}", m_site.index, m_site.name, message);
    m_out.push_back(std::move(d));
  }

  const CommandSite& m_site;
  std::vector<Diagnostic>& m_out;
};

unsigned type_bit(bson_type_t type) {
  if (type == BSON_TYPE_UTF8) return types::string;
  if (type == BSON_TYPE_BOOL) return types::boolean;
  if (bson::is_number(type)) return types::number;
  if (type == BSON_TYPE_DOCUMENT) return types::document;
  if (type == BSON_TYPE_ARRAY) return types::array;
  return 0;
}

// Whether a decimal128's text ("-0", "0E+3", "0.000", …) is a zero.
bool is_decimal_zero(std::string_view text) {
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  const std::string_view digits = text.substr(0, text.find_first_of("Ee"));
  return !digits.empty() && digits.find_first_not_of("0.") == std::string_view::npos;
}

// A number no index key may hold: 0 (and -0, 0.0, decimal 0E+3, …) or NaN.
// Returns how to name it in a message, or "" when the number is a valid direction.
std::string bad_index_direction(const bson_iter_t& it) {
  switch (bson_iter_type(&it)) {
    case BSON_TYPE_INT32: return bson_iter_int32(&it) == 0 ? "0" : "";
    case BSON_TYPE_INT64: return bson_iter_int64(&it) == 0 ? "0" : "";
    case BSON_TYPE_DOUBLE: {
      const double value = bson_iter_double(&it);
      if (std::isnan(value)) return "NaN";
      return value == 0 ? "0" : "";
    }
    case BSON_TYPE_DECIMAL128: {
      const std::string text = bson::number_text(it);
      if (text.find("NaN") != std::string::npos) return "NaN";
      return is_decimal_zero(text) ? "0" : "";
    }
    default: return "";
  }
}

bool is_empty_value(const bson_iter_t& it) {
  switch (bson_iter_type(&it)) {
    case BSON_TYPE_UTF8: return bson::iter_string(it).empty();
    case BSON_TYPE_DOCUMENT:
    case BSON_TYPE_ARRAY: return bson::iter_document(it).empty();
    default: return false;
  }
}

// A name in which each placeholder stands for "x": what no value of the
// placeholders can make valid is reported as the file is read; the rest once
// they are replaced.
std::string with_stand_ins(std::string_view name) {
  std::set<std::string> names;
  collect_placeholders(name, names);
  if (names.empty()) return std::string(name);
  std::map<std::string, std::string> stand_ins;
  for (const auto& n : names) stand_ins[n] = "x";
  return replace_placeholders(name, stand_ins, nullptr).value_or(std::string(name));
}

// Why no MongoDB server takes `name` as a collection (or view) name, as its
// NamespaceString does; "" when it may. `rendered`: the placeholders are
// already replaced (else they are given a stand-in value).
std::string collection_name_problem(std::string_view written, std::string_view what, bool rendered) {
  const std::string name = rendered ? std::string(written) : with_stand_ins(written);
  const std::string shown = rendered ? name : std::string(written);
  switch (collection_name_fault(name)) {
    case CollectionNameFault::none: return {};
    case CollectionNameFault::empty: return fmt::format("the {} name must not be empty", what);
    case CollectionNameFault::nul: return fmt::format("the {} name must not contain U+0000 (NUL)", what);
    case CollectionNameFault::leading_dot:
      return fmt::format("the {} name \"{}\" must not start with '.'", what, shown);
    case CollectionNameFault::dollar: return fmt::format("the {} name \"{}\" must not contain '$'", what, shown);
    // The typed commands are for the application's collections; MongoDB's own
    // (system.profile, system.js, system.views, system.buckets.*) are reached,
    // when at all, through runCommand.
    case CollectionNameFault::system_prefix:
      return fmt::format("the {} name \"{}\" starts with \"system.\", which is reserved for MongoDB's own "
                         "collections; use runCommand to work on those",
                         what, shown);
  }
  return {};
}

std::string quoted_list(const std::vector<std::string_view>& names, std::string_view last_joiner) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? last_joiner : ", ";
    out += fmt::format("\"{}\"", names[i]);
  }
  return out;
}

// The integers a ranged field takes (Check::batch_size, Check::pause_ms).
std::pair<int64_t, int64_t> integer_range(Check check) {
  return check == Check::batch_size ? std::pair{kMinBatchSize, kMaxBatchSize} : std::pair{int64_t{0}, kMaxPauseMs};
}

// What a field holds, for "expected …, got …": its types, or the integers it takes.
std::string expected_text(const FieldSpec& spec) {
  if (spec.check != Check::batch_size && spec.check != Check::pause_ms) return expected_phrase(spec.types);
  const auto [low, high] = integer_range(spec.check);
  return fmt::format("an integer from {} to {}", low, high);
}

// "a", "a and b", "a, b and c".
std::string and_list(const std::vector<std::string_view>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

class Validator {
 public:
  // `left_out`: fields the command does not take, beyond left_out_fields(), named with why.
  Validator(Reporter& reporter, const std::vector<LeftOutField>& left_out) : m_report(reporter), m_left_out(left_out) {}

  // Checks the fields of `doc` (the command itself when `path` is empty).
  void check_object(const bson::Document& doc, const std::vector<FieldSpec>& fields,
                    const std::vector<std::vector<std::string_view>>& exactly_one_of, const Path& path,
                    bool is_command) {
    bson_iter_t it;
    if (!bson_iter_init(&it, doc.get())) return;
    std::vector<std::string> seen;
    bool first = true;
    while (bson_iter_next(&it)) {
      const std::string key(bson::iter_key(it));
      const Path field_path = child(path, key);
      if (is_command && first) {
        first = false;
        continue;
      }
      seen.push_back(key);
      if (is_command && key == "comment") {
        if (bson_iter_type(&it) != BSON_TYPE_UTF8) {
          m_report.field(field_path, fmt::format("expected a string, got {}", bson::type_phrase(bson_iter_type(&it))));
        }
        continue;
      }
      auto spec = std::find_if(fields.begin(), fields.end(), [&](const FieldSpec& f) { return f.name == key; });
      if (spec == fields.end()) {
        unknown_field(fields, field_path, key, is_command);
        continue;
      }
      if (spec->types != types::any && !(spec->types & type_bit(bson_iter_type(&it)))) {
        m_report.field(field_path, fmt::format("expected {}, got {}", expected_text(*spec),
                                               bson::type_phrase(bson_iter_type(&it))));
        continue;
      }
      if (!spec->note.empty()) m_report.note(field_path, std::string(spec->note));
      check_shape(*spec, it, field_path, doc);
    }
    const auto present = [&](std::string_view name) { return std::find(seen.begin(), seen.end(), name) != seen.end(); };
    for (const auto& spec : fields) {
      if (spec.required && !present(spec.name))
        missing(path, fmt::format("missing required field \"{}\"", path_text(child(path, spec.name))));
    }
    for (const auto& group : exactly_one_of) {
      std::vector<std::string_view> given;
      for (auto name : group) {
        if (present(name)) given.push_back(name);
      }
      if (given.empty()) {
        missing(path, fmt::format("{}one of the fields {} is required",
                                  path.empty() ? "" : fmt::format("field \"{}\": ", path_text(path)),
                                  quoted_list(group, " or ")));
      } else if (given.size() > 1) {
        m_report.at_key(child(path, given[1]),
                        fmt::format("{}fields {} cannot be used together; give only one",
                                    path.empty() ? "" : fmt::format("field \"{}\": ", path_text(path)),
                                    quoted_list(given, " and ")));
      }
    }
  }

 private:
  void missing(const Path& path, const std::string& message) {
    if (path.empty()) {
      m_report.at_command(message);
    } else {
      m_report.at_value(path, message);
    }
  }

  // Why a field MongoDB documents is not taken, or nullptr: a field of the
  // command, or an option of an index specification.
  const LeftOutField* left_out(std::string_view key, const std::vector<FieldSpec>& fields, bool is_command) const {
    std::vector<const std::vector<LeftOutField>*> lists;
    if (is_command) lists = {&m_left_out, &left_out_fields()};
    if (&fields == &index_fields()) lists = {&index_left_out_fields()};
    for (const auto* list : lists) {
      auto it = std::find_if(list->begin(), list->end(), [&](const LeftOutField& f) { return f.name == key; });
      if (it != list->end()) return &*it;
    }
    return nullptr;
  }

  void unknown_field(const std::vector<FieldSpec>& fields, const Path& path, const std::string& key, bool is_command) {
    if (const LeftOutField* why = left_out(key, fields, is_command)) {
      m_report.at_key(path, fmt::format("field \"{}\" is not taken: {}", path_text(path), why->reason));
      return;
    }
    if (const auto others = is_command ? commands_naming(key) : std::vector<std::string_view>{}; !others.empty()) {
      m_report.at_key(path,
                      fmt::format("unknown field \"{}\"; it is accepted by {}", path_text(path), and_list(others)));
      return;
    }
    std::vector<std::string> names;
    names.reserve(fields.size() + 1);
    for (const auto& f : fields) names.emplace_back(f.name);
    if (is_command) names.emplace_back("comment");
    std::string hint = util::did_you_mean(key, names);
    if (hint.empty()) {
      if (fields.empty()) {
        hint = is_command ? "; this command takes no fields but \"comment\"" : "; no fields are allowed here";
      } else {
        std::vector<std::string_view> views(names.begin(), names.end());
        hint = "; allowed fields: " + quoted_list(views, ", ");
      }
    }
    m_report.at_key(path, fmt::format("unknown field \"{}\"{}", path_text(path), hint));
  }

  // `object`: the document holding the field, for the checks that read its siblings.
  void check_shape(const FieldSpec& spec, const bson_iter_t& it, const Path& path, const bson::Document& object) {
    switch (spec.check) {
      case Check::none: return;
      case Check::non_empty:
      case Check::documents_file:
      case Check::command_document:
        if (is_empty_value(it)) m_report.field(path, "must not be empty");
        return;
      case Check::one_of_values: return check_one_of(spec, it, path);
      case Check::collection_name: return check_name(it, path, "collection");
      case Check::index_key: return check_index_key(it, path);
      case Check::index_specs: return check_index_specs(it, path);
      case Check::collmod_index:
        return check_object(bson::iter_document(it), collmod_index_fields(), {{"name", "keyPattern"}}, path, false);
      case Check::pipeline: return check_pipeline(it, path);
      case Check::update: return check_update(it, path);
      case Check::replacement: return check_replacement(it, path);
      case Check::documents: return check_documents(it, path);
      case Check::write_concern: return check_write_concern(it, path);
      case Check::read_concern: return check_object(bson::iter_document(it), read_concern_fields(), {}, path, false);
      case Check::index_names: return check_index_names(it, path);
      case Check::auto_index_id: return check_auto_index_id(it, path);
      case Check::batch_size: return check_batch_size(spec, it, path, object);
      case Check::pause_ms: return check_pause(spec, it, path, object);
    }
  }

  // Whether the number at `it` is an integer within `spec`'s range (else reported).
  bool check_range(const FieldSpec& spec, const bson_iter_t& it, const Path& path) {
    const auto [low, high] = integer_range(spec.check);
    const std::optional<int64_t> value = integer_value(it);
    if (value && *value >= low && *value <= high) return true;
    m_report.field(path, fmt::format("expected {}, got {}", expected_text(spec), bson::number_text(it)));
    return false;
  }

  // A batch is read by _id among the documents that exist: an upsert, which
  // inserts when nothing matches, has nothing to insert into a batch.
  void check_batch_size(const FieldSpec& spec, const bson_iter_t& it, const Path& path, const bson::Document& object) {
    if (!check_range(spec, it, path)) return;
    bson_iter_t upsert;
    if (!bson::find_field(object, "upsert", &upsert) || !BSON_ITER_HOLDS_BOOL(&upsert) || !bson_iter_bool(&upsert)) {
      return;
    }
    m_report.field(child(Path(path.begin(), path.end() - 1), "upsert"),
                   "true cannot be used with \"batchSize\": a batched command updates, a batch at a time, only "
                   "documents that exist (it reads their _ids first), so it never inserts one; remove \"upsert\", or "
                   "\"batchSize\" to send one update that may insert");
  }

  void check_pause(const FieldSpec& spec, const bson_iter_t& it, const Path& path, const bson::Document& object) {
    if (!check_range(spec, it, path)) return;
    bson_iter_t batch_size;
    if (bson::find_field(object, "batchSize", &batch_size)) return;
    m_report.field(path, "needs \"batchSize\": it is the pause between two batches, and the command is not "
                         "batched; add \"batchSize\", or remove \"pauseMs\"");
  }

  void check_write_concern(const bson_iter_t& it, const Path& path) {
    check_object(bson::iter_document(it), write_concern_fields(), {}, path, false);
    bson_iter_t w;
    if (!bson_iter_recurse(&it, &w) || !bson_iter_find(&w, "w")) return;
    const bson_type_t type = bson_iter_type(&w);
    const bool zero = type == BSON_TYPE_DECIMAL128 ? is_decimal_zero(bson::number_text(w))
                                                   : bson::is_number(type) && bson_iter_as_double(&w) == 0;
    if (!zero) return;
    m_report.field(child(path, "w"), "w: 0 asks for unacknowledged writes: mongoway must know that each write "
                                     "landed before it records the version; remove it, or use 1 or \"majority\"");
  }

  // A name, "*" (every index but _id's), or a non-empty array of names.
  void check_index_names(const bson_iter_t& it, const Path& path) {
    if (bson_iter_type(&it) == BSON_TYPE_UTF8) {
      if (is_empty_value(it)) m_report.field(path, "must not be empty");
      return;
    }
    bson_iter_t name;
    if (!bson_iter_recurse(&it, &name)) return;
    bool any = false;
    while (bson_iter_next(&name)) {
      any = true;
      const Path element = child(path, bson::iter_key(name));
      if (bson_iter_type(&name) != BSON_TYPE_UTF8) {
        m_report.field(element, fmt::format("expected a string (an index name), got {}",
                                            bson::type_phrase(bson_iter_type(&name))));
      } else if (is_empty_value(name)) {
        m_report.field(element, "must not be empty");
      }
    }
    if (!any) m_report.field(path, "must not be empty");
  }

  void check_auto_index_id(const bson_iter_t& it, const Path& path) {
    if (!bson_iter_bool(&it)) {
      m_report.field(path, "false is refused by MongoDB since 4.0 outside the local database (every collection "
                           "has its _id index); remove the field");
      return;
    }
    m_report.note(path, "deprecated since MongoDB 3.2, and true is what every collection gets anyway; it is sent "
                        "as written, and can be removed");
  }

  void check_one_of(const FieldSpec& spec, const bson_iter_t& it, const Path& path) {
    const std::string value = bson::iter_string(it);
    if (m_report.deferred(value)) return;  // its placeholders' values decide
    if (std::find(spec.values.begin(), spec.values.end(), value) != spec.values.end()) return;
    m_report.field(path, fmt::format("expected one of {}, got \"{}\"", quoted_list(spec.values, " or "), value));
  }

  void check_name(const bson_iter_t& it, const Path& path, std::string_view what) {
    if (auto problem = collection_name_problem(bson::iter_string(it), what, m_report.rendered()); !problem.empty()) {
      m_report.field(path, problem);
    }
  }

  void check_index_key(const bson_iter_t& it, const Path& path) {
    bson_iter_t child_it;
    if (!bson_iter_recurse(&it, &child_it)) return;
    bool any = false;
    while (bson_iter_next(&child_it)) {
      any = true;
      const bson_type_t type = bson_iter_type(&child_it);
      const Path element = child(path, bson::iter_key(child_it));
      const std::string bad_number = bson::is_number(type) ? bad_index_direction(child_it) : "";
      if (bson::is_number(type) && bad_number.empty()) continue;
      if (type == BSON_TYPE_UTF8 && !bson::iter_string(child_it).empty()) continue;
      const std::string got = bson::is_number(type) ? bad_number : std::string(bson::type_phrase(type));
      m_report.field(element, fmt::format("expected 1, -1 or an index type such as \"text\", got {}", got));
    }
    if (!any) m_report.field(path, "the index key must name at least one field");
  }

  void check_index_specs(const bson_iter_t& it, const Path& path) {
    bson_iter_t child_it;
    if (!bson_iter_recurse(&it, &child_it)) return;
    bool any = false;
    while (bson_iter_next(&child_it)) {
      any = true;
      const Path element = child(path, bson::iter_key(child_it));
      if (bson_iter_type(&child_it) != BSON_TYPE_DOCUMENT) {
        m_report.field(element, fmt::format("expected a document (an index specification), got {}",
                                            bson::type_phrase(bson_iter_type(&child_it))));
        continue;
      }
      check_object(bson::iter_document(child_it), index_fields(), {}, element, false);
    }
    if (!any) m_report.field(path, "must not be empty");
  }

  void check_pipeline(const bson_iter_t& it, const Path& path) {
    bson_iter_t stage;
    if (!bson_iter_recurse(&it, &stage)) return;
    while (bson_iter_next(&stage)) {
      const Path element = child(path, bson::iter_key(stage));
      if (bson_iter_type(&stage) != BSON_TYPE_DOCUMENT) {
        m_report.field(element, fmt::format("expected a document (a pipeline stage), got {}",
                                            bson::type_phrase(bson_iter_type(&stage))));
        continue;
      }
      const bson::Document doc = bson::iter_document(stage);
      bson_iter_t key;
      const bool one_key = bson_iter_init(&key, doc.get()) && bson_iter_next(&key) &&
                           bson::iter_key(key).starts_with("$") && !bson_iter_next(&key);
      if (!one_key) {
        m_report.field(element, "a pipeline stage is a document with one key naming the stage, such as \"$match\"");
      }
    }
  }

  void check_update(const bson_iter_t& it, const Path& path) {
    if (bson_iter_type(&it) == BSON_TYPE_ARRAY) {
      if (is_empty_value(it)) m_report.field(path, "must not be empty");
      return check_pipeline(it, path);
    }
    bson_iter_t op;
    if (!bson_iter_recurse(&it, &op)) return;
    bool any = false;
    while (bson_iter_next(&op)) {
      any = true;
      const std::string_view key = bson::iter_key(op);
      if (key.starts_with("$")) continue;
      m_report.at_key(child(path, key),
                      fmt::format("field \"{}\": \"{}\" is not an update operator; use {{\"$set\": {{...}}}} to "
                                  "change fields, or replaceOne to replace whole documents",
                                  path_text(path), key));
      return;
    }
    if (!any) m_report.field(path, "must not be empty; use update operators such as {\"$set\": {...}}");
  }

  void check_replacement(const bson_iter_t& it, const Path& path) {
    bson_iter_t field;
    if (!bson_iter_recurse(&it, &field)) return;
    while (bson_iter_next(&field)) {
      const std::string_view key = bson::iter_key(field);
      if (!key.starts_with("$")) continue;
      m_report.at_key(child(path, key),
                      fmt::format("field \"{}\": \"{}\" is an update operator; a replacement is a whole document "
                                  "(use updateOne or updateMany for operators)",
                                  path_text(path), key));
      return;
    }
  }

  void check_documents(const bson_iter_t& it, const Path& path) {
    bson_iter_t element;
    if (!bson_iter_recurse(&it, &element)) return;
    bool any = false;
    while (bson_iter_next(&element)) {
      any = true;
      if (bson_iter_type(&element) == BSON_TYPE_DOCUMENT) continue;
      m_report.field(child(path, bson::iter_key(element)),
                     fmt::format("expected a document, got {}", bson::type_phrase(bson_iter_type(&element))));
    }
    if (!any) m_report.field(path, "must not be empty");
  }

  Reporter& m_report;
  const std::vector<LeftOutField>& m_left_out;
};

void check_target(const CommandSpec& spec, const bson::Document& command, Reporter& report) {
  bson_iter_t it;
  if (!bson_iter_init(&it, command.get()) || !bson_iter_next(&it)) return;
  const Path path{std::string(spec.name)};
  const bson_type_t type = bson_iter_type(&it);
  if (spec.target == "command") {
    if (type != BSON_TYPE_DOCUMENT) {
      report.field(path, fmt::format("expected a document (the command to run, e.g. {{\"ping\": 1}}), got {}",
                                     bson::type_phrase(type)));
    } else if (is_empty_value(it)) {
      report.field(path, "the command document must not be empty");
    }
    return;
  }
  if (type != BSON_TYPE_UTF8) {
    report.field(path, fmt::format("expected a string (the {} name), got {}", spec.target, bson::type_phrase(type)));
  } else if (auto problem = collection_name_problem(bson::iter_string(it), spec.target, report.rendered());
             !problem.empty()) {
    report.field(path, problem);
  }
}

}  // namespace

void validate_command(const CommandSpec& spec, const bson::Document& command, const CommandSite& site,
                      std::vector<Diagnostic>& out) {
  Reporter report(site, out);
  check_target(spec, command, report);
  Validator validator(report, spec.left_out);
  validator.check_object(command, spec.fields, spec.exactly_one_of, {}, true);
  if (spec.needs_a_field) {
    bson_iter_t it;
    int options = 0;
    if (bson_iter_init(&it, command.get()) && bson_iter_next(&it)) {
      while (bson_iter_next(&it)) {
        if (!is_sending_option(bson::iter_key(it))) ++options;
      }
    }
    if (options == 0) {
      report.at_command(fmt::format("no options given; {} needs at least one field such as \"{}\"", spec.name,
                                    spec.fields.empty() ? "" : spec.fields.front().name));
    }
  }
}

}  // namespace mongoway::script
