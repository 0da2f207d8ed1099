#include "script/import_golang_migrate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <optional>
#include <tuple>

#include "bson/bson_util.hpp"
#include "json/extjson.hpp"
#include "json/json.hpp"
#include "script/commands.hpp"
#include "script/file_text.hpp"
#include "script/new_migration.hpp"
#include "script/render.hpp"
#include "util/files.hpp"

namespace mongoway::script {

namespace fs = std::filesystem;

namespace {

// The database the commands are rendered for: a command that mongoway would
// send elsewhere (renameCollection goes to admin) is not the same command.
constexpr std::string_view kDatabase = "imported";
constexpr uint64_t kMaxFileSize = 64ull * 1024 * 1024;

// A native command and the server command it must render to.
struct Candidate {
  bson::Document spec;
  bson::Document expected;
};

// The native commands for a server command, or why there are none.
struct Mapped {
  std::vector<Candidate> candidates;
  std::string reason;
};

Mapped refuse(std::string reason) { return Mapped{{}, std::move(reason)}; }

std::string first_key(const bson::Document& doc) {
  bson_iter_t it;
  if (!bson_iter_init(&it, doc.get()) || !bson_iter_next(&it)) return {};
  return std::string(bson::iter_key(it));
}

bool has(const bson::Document& doc, std::string_view key) {
  bson_iter_t it;
  return bson::find_field(doc, key, &it);
}

// The names under which the server takes a native command's fields: its
// table's, "serverComment" being the server's "comment".
std::vector<std::string> server_names(const std::vector<FieldSpec>& fields) {
  std::vector<std::string> out;
  out.reserve(fields.size());
  for (const auto& field : fields) out.emplace_back(field.name == kServerComment ? "comment" : field.name);
  return out;
}

// The first field of `doc` (after its first key when `skip_first`) that is
// not in `allowed`: why it has no native form, or "".
std::string first_unmapped(const bson::Document& doc, const std::vector<std::string>& allowed, std::string_view what,
                           bool skip_first = true) {
  bson_iter_t it;
  if (!bson_iter_init(&it, doc.get())) return {};
  bool first = skip_first;
  while (bson_iter_next(&it)) {
    if (std::exchange(first, false)) continue;
    const std::string_view key = bson::iter_key(it);
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return fmt::format("field \"{}\" has no counterpart in {}", key, what);
    }
  }
  return {};
}

// Appends the fields of `from` after its first, "comment" as "serverComment",
// except those in `skip`.
void copy_fields(const bson::Document& from, bson::Document& to, const std::vector<std::string_view>& skip = {}) {
  bson_iter_t it;
  if (!bson_iter_init(&it, from.get()) || !bson_iter_next(&it)) return;
  while (bson_iter_next(&it)) {
    const std::string_view key = bson::iter_key(it);
    if (std::find(skip.begin(), skip.end(), key) != skip.end()) continue;
    bson::append_value(to, key == "comment" ? kServerComment : key, it);
  }
}

bson::Document named(std::string_view native, std::string_view target) {
  bson::Document spec;
  bson::append_string(spec, native, target);
  return spec;
}

// Commands whose fields are the server's own, under the same names.
Mapped same_fields(const bson::Document& command, std::string_view native, std::string_view target) {
  const CommandSpec* spec = find_command(native);
  const std::string why = first_unmapped(command, server_names(spec->fields), native);
  if (!why.empty()) return refuse(why);
  bson::Document out = named(native, target);
  copy_fields(command, out);
  return Mapped{{Candidate{std::move(out), command}}, {}};
}

Mapped map_create_indexes(const bson::Document& command, std::string_view target) {
  bson_iter_t indexes;
  if (bson::find_field(command, "indexes", &indexes) && bson_iter_type(&indexes) == BSON_TYPE_ARRAY) {
    std::vector<std::string> allowed = server_names(index_fields());
    int n = 0;
    for (const auto& index : bson::iter_documents(indexes)) {
      ++n;
      const std::string why = first_unmapped(index, allowed, "mongoway's index options", false);
      if (!why.empty()) return refuse(fmt::format("index {}: {}", n, why));
      // mongoway names an index without a name; the server refuses it.
      if (!has(index, "name")) return refuse(fmt::format("index {} has no \"name\"", n));
    }
  }
  return same_fields(command, "createIndexes", target);
}

Mapped map_drop_indexes(const bson::Document& command, std::string_view target) {
  const std::string why = first_unmapped(command, {"index", "writeConcern", "comment"}, "dropIndex");
  if (!why.empty()) return refuse(why);
  bson_iter_t index;
  if (!bson::find_field(command, "index", &index)) return refuse("it has no \"index\"");
  const bson_type_t type = bson_iter_type(&index);
  if (type != BSON_TYPE_UTF8 && type != BSON_TYPE_ARRAY && type != BSON_TYPE_DOCUMENT) {
    return refuse(fmt::format("its \"index\" is {}", bson::type_phrase(type)));
  }
  bson::Document out = named("dropIndex", target);
  bson::append_value(out, type == BSON_TYPE_DOCUMENT ? "key" : "name", index);
  copy_fields(command, out, {"index"});
  return Mapped{{Candidate{std::move(out), command}}, {}};
}

Mapped map_insert(const bson::Document& command, std::string_view target) {
  const std::string why = first_unmapped(
      command, {"documents", "ordered", "bypassDocumentValidation", "maxTimeMS", "writeConcern", "comment"},
      "insertMany");
  if (!why.empty()) return refuse(why);
  if (!has(command, "documents")) return refuse("it has no \"documents\"");
  bson::Document out = named("insertMany", target);
  copy_fields(command, out);
  return Mapped{{Candidate{std::move(out), command}}, {}};
}

// The server command with its statements (`list`) replaced by `statement`
// alone: what each native command of a split update or delete must send.
bson::Document with_one_statement(const bson::Document& command, std::string_view list,
                                  const bson::Document& statement) {
  bson::Document out;
  bson_iter_t it;
  if (!bson_iter_init(&it, command.get())) return out;
  while (bson_iter_next(&it)) {
    if (bson::iter_key(it) == list) {
      bson::append_array(out, list, {statement});
    } else {
      bson::append_value(out, bson::iter_key(it), it);
    }
  }
  return out;
}

// The statements of an update or delete, or why they cannot be split.
std::optional<std::vector<bson::Document>> statements_of(const bson::Document& command, std::string_view list,
                                                         std::string* why) {
  bson_iter_t it;
  if (!bson::find_field(command, list, &it) || bson_iter_type(&it) != BSON_TYPE_ARRAY) {
    *why = fmt::format("it has no \"{}\" array", list);
    return std::nullopt;
  }
  bson_iter_t element;
  if (bson_iter_recurse(&it, &element)) {
    while (bson_iter_next(&element)) {
      if (bson_iter_type(&element) == BSON_TYPE_DOCUMENT) continue;
      *why = fmt::format("its \"{}\" holds {}", list, bson::type_phrase(bson_iter_type(&element)));
      return std::nullopt;
    }
  }
  std::vector<bson::Document> statements = bson::iter_documents(it);
  if (statements.empty()) *why = fmt::format("its \"{}\" is empty", list);
  bson_iter_t ordered;
  if (statements.size() > 1 && bson::find_field(command, "ordered", &ordered) &&
      !(bson_iter_type(&ordered) == BSON_TYPE_BOOL && bson_iter_bool(&ordered))) {
    *why = "\"ordered\" is not true: the server goes on after a failed statement, where mongoway stops the version";
  }
  if (!why->empty()) return std::nullopt;
  return statements;
}

// The command-wide fields of an update or delete, as each native command takes them.
void copy_write_options(const bson::Document& command, bson::Document& out, std::string_view list) {
  copy_fields(command, out, {list, "ordered"});
}

// One statement of an update: updateOne, updateMany or replaceOne.
std::optional<bson::Document> update_statement(const bson::Document& command, const bson::Document& statement, int n,
                                               std::string_view target, std::string* why) {
  *why = first_unmapped(statement, {"q", "u", "upsert", "multi", "arrayFilters", "collation", "hint", "c", "sort"},
                        "mongoway's update commands", false);
  bson_iter_t q, u, multi;
  if (why->empty() && !bson::find_field(statement, "q", &q)) *why = "it has no \"q\"";
  if (why->empty() && !bson::find_field(statement, "u", &u)) *why = "it has no \"u\"";
  bool many = false;
  if (why->empty() && bson::find_field(statement, "multi", &multi)) {
    if (bson_iter_type(&multi) != BSON_TYPE_BOOL) *why = "its \"multi\" is not a boolean";
    else many = bson_iter_bool(&multi);
  }
  if (!why->empty()) {
    *why = fmt::format("statement {}: {}", n, *why);
    return std::nullopt;
  }
  // The server's rule: a document whose first field is not an operator replaces.
  const bool replacement = bson_iter_type(&u) == BSON_TYPE_DOCUMENT &&
                           !first_key(bson::iter_document(u)).starts_with('$');
  if (replacement && many) {
    *why = fmt::format("statement {}: a replacement with \"multi\": true, which the server refuses", n);
    return std::nullopt;
  }
  bson::Document out = named(replacement ? "replaceOne" : (many ? "updateMany" : "updateOne"), target);
  bson::append_value(out, "filter", q);
  bson::append_value(out, replacement ? "replacement" : "update", u);
  bson_iter_t it;
  bson_iter_init(&it, statement.get());
  while (bson_iter_next(&it)) {
    const std::string_view key = bson::iter_key(it);
    if (key != "q" && key != "u" && key != "multi") bson::append_value(out, key, it);
  }
  copy_write_options(command, out, "updates");
  return out;
}

Mapped map_update(const bson::Document& command, std::string_view target) {
  std::string why = first_unmapped(
      command, {"updates", "ordered", "let", "maxTimeMS", "writeConcern", "bypassDocumentValidation", "comment"},
      "mongoway's update commands");
  if (!why.empty()) return refuse(why);
  const auto statements = statements_of(command, "updates", &why);
  if (!statements) return refuse(why);
  Mapped out;
  int n = 0;
  for (const auto& statement : *statements) {
    auto spec = update_statement(command, statement, ++n, target, &why);
    if (!spec) return refuse(why);
    out.candidates.push_back(Candidate{std::move(*spec), with_one_statement(command, "updates", statement)});
  }
  return out;
}

std::optional<bson::Document> delete_statement(const bson::Document& command, const bson::Document& statement, int n,
                                               std::string_view target, std::string* why) {
  *why = first_unmapped(statement, {"q", "limit", "collation", "hint"}, "mongoway's delete commands", false);
  bson_iter_t q, limit;
  if (why->empty() && !bson::find_field(statement, "q", &q)) *why = "it has no \"q\"";
  if (why->empty() && !bson::find_field(statement, "limit", &limit)) *why = "it has no \"limit\"";
  if (why->empty() && !(bson::is_number(bson_iter_type(&limit)) &&
                        (bson_iter_as_double(&limit) == 0 || bson_iter_as_double(&limit) == 1))) {
    *why = "its \"limit\" is neither 0 nor 1";
  }
  if (!why->empty()) {
    *why = fmt::format("statement {}: {}", n, *why);
    return std::nullopt;
  }
  bson::Document out = named(bson_iter_as_double(&limit) == 1 ? "deleteOne" : "deleteMany", target);
  bson::append_value(out, "filter", q);
  bson_iter_t it;
  bson_iter_init(&it, statement.get());
  while (bson_iter_next(&it)) {
    const std::string_view key = bson::iter_key(it);
    if (key != "q" && key != "limit") bson::append_value(out, key, it);
  }
  copy_write_options(command, out, "deletes");
  return out;
}

Mapped map_delete(const bson::Document& command, std::string_view target) {
  std::string why = first_unmapped(command, {"deletes", "ordered", "let", "maxTimeMS", "writeConcern", "comment"},
                                   "mongoway's delete commands");
  if (!why.empty()) return refuse(why);
  const auto statements = statements_of(command, "deletes", &why);
  if (!statements) return refuse(why);
  Mapped out;
  int n = 0;
  for (const auto& statement : *statements) {
    auto spec = delete_statement(command, statement, ++n, target, &why);
    if (!spec) return refuse(why);
    out.candidates.push_back(Candidate{std::move(*spec), with_one_statement(command, "deletes", statement)});
  }
  return out;
}

Mapped map_command(const bson::Document& command) {
  bson_iter_t it;
  if (!bson_iter_init(&it, command.get()) || !bson_iter_next(&it)) return refuse("it is empty");
  const std::string name(bson::iter_key(it));
  static const std::vector<std::string_view> mapped = {"create", "drop",   "collMod", "createIndexes", "dropIndexes",
                                                       "insert", "update", "delete",  "aggregate"};
  if (name == "renameCollection") {
    return refuse("mongoway's renameCollection runs on the admin database; golang-migrate sent it as written to the "
                  "URI's database");
  }
  if (std::find(mapped.begin(), mapped.end(), name) == mapped.end()) {
    return refuse(fmt::format("mongoway has no native command for \"{}\"", name));
  }
  if (bson_iter_type(&it) != BSON_TYPE_UTF8) {
    return refuse(fmt::format("its \"{}\" is {}, not a collection name", name, bson::type_phrase(bson_iter_type(&it))));
  }
  const std::string target = bson::iter_string(it);
  if (name == "create") {
    return same_fields(command, has(command, "viewOn") || has(command, "pipeline") ? "createView" : "createCollection",
                       target);
  }
  if (name == "drop") return same_fields(command, "dropCollection", target);
  if (name == "collMod") return same_fields(command, "collMod", target);
  if (name == "createIndexes") return map_create_indexes(command, target);
  if (name == "dropIndexes") return map_drop_indexes(command, target);
  if (name == "insert") return map_insert(command, target);
  if (name == "update") return map_update(command, target);
  if (name == "delete") return map_delete(command, target);
  // aggregate: mongoway adds an empty cursor; without one the server refuses the command.
  if (!has(command, "cursor")) return refuse("it has no \"cursor\"");
  return same_fields(command, "aggregate", target);
}

}  // namespace

namespace {

// Where two server commands differ, at three levels: the command, a
// statement of an update or delete, an index of createIndexes. Fields are
// compared whatever their order at these levels (the renderer writes them in
// an order of its own), and exactly, type included, below them.
enum class Level { command, statement, index };

bool same_value(const bson_iter_t& a, const bson_iter_t& b) {
  bson::Document left, right;
  bson::append_value(left, "v", a);
  bson::append_value(right, "v", b);
  return left == right;
}

size_t array_length(const bson_iter_t& it) {
  bson_iter_t child;
  size_t n = 0;
  if (bson_iter_type(&it) == BSON_TYPE_ARRAY && bson_iter_recurse(&it, &child)) {
    while (bson_iter_next(&child)) ++n;
  }
  return n;
}

bool is_true(const bson_iter_t* it) { return it && bson_iter_type(it) == BSON_TYPE_BOOL && bson_iter_bool(it); }
bool is_false(const bson_iter_t* it) { return it && bson_iter_type(it) == BSON_TYPE_BOOL && !bson_iter_bool(it); }

// A difference that changes nothing the server does: mongoway sends
// "ordered": true where the command left it out (the server's default) or
// had one statement (which "ordered" does not change); it leaves out
// "multi": false (the default); a delete's limit of 1.0 is sent as 1.
bool same_meaning(Level level, const std::string& key, const bson_iter_t* expected, const bson_iter_t* rendered,
                  const std::map<std::string, bson_iter_t>& expected_fields) {
  if (level == Level::command && key == "ordered" && is_true(rendered)) {
    if (!expected) return true;
    for (const char* list : {"updates", "deletes"}) {
      const auto it = expected_fields.find(list);
      if (it != expected_fields.end() && array_length(it->second) == 1) return true;
    }
  }
  if (level == Level::statement && key == "multi" && !rendered && is_false(expected)) return true;
  if (level == Level::statement && key == "limit" && expected && rendered &&
      bson::is_number(bson_iter_type(expected)) && bson::is_number(bson_iter_type(rendered))) {
    return bson_iter_as_double(expected) == bson_iter_as_double(rendered);
  }
  return false;
}

bool same_command(const bson::Document& expected, const bson::Document& rendered, Level level, std::string* where);

bool same_elements(const bson_iter_t& expected, const bson_iter_t& rendered, Level level, std::string* where) {
  if (bson_iter_type(&expected) != BSON_TYPE_ARRAY || bson_iter_type(&rendered) != BSON_TYPE_ARRAY) {
    return same_value(expected, rendered);
  }
  const auto left = bson::iter_documents(expected);
  const auto right = bson::iter_documents(rendered);
  if (left.size() != right.size() || left.size() != array_length(expected)) return same_value(expected, rendered);
  for (size_t i = 0; i < left.size(); ++i) {
    if (!same_command(left[i], right[i], level, where)) return false;
  }
  return true;
}

bool same_command(const bson::Document& expected, const bson::Document& rendered, Level level, std::string* where) {
  const auto left = bson::fields_by_key(expected);
  const auto right = bson::fields_by_key(rendered);
  std::vector<std::string> keys;
  keys.reserve(left.size() + right.size());
  for (const auto& [key, it] : left) keys.push_back(key);
  for (const auto& [key, it] : right) {
    if (!left.contains(key)) keys.push_back(key);
  }
  for (const auto& key : keys) {
    const auto l = left.find(key);
    const auto r = right.find(key);
    const bson_iter_t* e = l == left.end() ? nullptr : &l->second;
    const bson_iter_t* g = r == right.end() ? nullptr : &r->second;
    bool same = false;
    if (same_meaning(level, key, e, g, left)) {
      same = true;
    } else if (e && g && level == Level::command && (key == "updates" || key == "deletes" || key == "indexes")) {
      same = same_elements(*e, *g, key == "indexes" ? Level::index : Level::statement, where);
      if (!same) return false;
    } else if (e && g) {
      same = same_value(*e, *g);
    }
    if (!same) {
      *where = fmt::format("field \"{}\" {}", key, !e ? "is added" : !g ? "is left out" : "differs");
      return false;
    }
  }
  return true;
}

// The message of a problem without its "command N (name): " prefix.
std::string bare_message(const Diagnostic& d) {
  const size_t colon = d.message.find("): ");
  return d.message.starts_with("command ") && colon != std::string::npos ? d.message.substr(colon + 3) : d.message;
}

// The server commands that mongoway sends for the commands of `text` (a
// file's content), the documents of an insert in its "documents"; false with
// why when mongoway would refuse the text or send a command elsewhere.
bool render_text(const std::string& text, std::vector<bson::Document>* out, std::string* why) {
  DiscoveredFile file;
  file.path = file.file_name = "V1__imported.json";
  file.name.version = 1;
  std::vector<Diagnostic> diagnostics;
  const auto script = parse_script(text, file, diagnostics, false);
  if (!script) {
    const auto error = std::find_if(diagnostics.begin(), diagnostics.end(),
                                    [](const Diagnostic& d) { return d.is_error(); });
    *why = error == diagnostics.end() ? "mongoway cannot read it" : bare_message(*error);
    return false;
  }
  const RenderContext context{std::string(kDatabase), {}};
  try {
    for (const auto& command : script->commands) {
      for (auto& sent : render(*script, command, context)) {
        if (sent.database != kDatabase) {
          *why = fmt::format("mongoway sends it to the {} database", sent.database);
          return false;
        }
        if (sent.is_insert) bson::append_array(sent.command, "documents", sent.documents);
        out->push_back(std::move(sent.command));
      }
    }
  } catch (const Error& e) {
    *why = e.what();
    return false;
  }
  return true;
}

// True when `specs`, written into a file, make mongoway send exactly `expected`.
bool renders_as(const std::vector<bson::Document>& specs, const std::vector<bson::Document>& expected,
                std::string* why) {
  std::vector<std::string> texts;
  texts.reserve(specs.size());
  for (const auto& spec : specs) texts.push_back(command_text(spec));
  std::vector<bson::Document> sent;
  if (!render_text(file_text(texts), &sent, why)) return false;
  if (sent.size() != expected.size()) {
    *why = fmt::format("mongoway would send {} commands instead of {}", sent.size(), expected.size());
    return false;
  }
  for (size_t i = 0; i < sent.size(); ++i) {
    if (!same_command(expected[i], sent[i], Level::command, why)) return false;
  }
  return true;
}

}  // namespace

ConvertedCommand convert_server_command(const bson::Document& server_command) {
  Mapped mapped = map_command(server_command);
  std::string why = mapped.reason;
  if (why.empty()) {
    std::vector<bson::Document> specs, expected;
    for (auto& candidate : mapped.candidates) {
      specs.push_back(std::move(candidate.spec));
      expected.push_back(std::move(candidate.expected));
    }
    if (renders_as(specs, expected, &why)) return ConvertedCommand{std::move(specs), {}};
  }
  bson::Document kept;
  bson::append_document(kept, "runCommand", server_command);
  return ConvertedCommand{{std::move(kept)}, why};
}

bool parse_golang_migrate_name(std::string_view file_name, GolangMigrateName* out) {
  const size_t digits = file_name.find_first_not_of("0123456789");
  if (digits == 0 || digits == std::string_view::npos || file_name[digits] != '_') return false;
  // The name is greedy: the direction is the last ".up." or ".down." in the name.
  for (size_t dot = file_name.size(); dot-- > digits + 1;) {
    const std::string_view rest = file_name.substr(dot);
    const bool up = rest.starts_with(".up.");
    if (!up && !rest.starts_with(".down.")) continue;
    out->digits = std::string(file_name.substr(0, digits));
    out->name = std::string(file_name.substr(digits + 1, dot - digits - 1));
    out->up = up;
    return true;
  }
  return false;
}

namespace {

Diagnostic problem_at(const std::string& file, const json::Location& where, std::string message) {
  Diagnostic d;
  d.file = file;
  d.line = where.line;
  d.column = where.column;
  d.message = std::move(message);
  return d;
}

}  // namespace

bool convert_golang_migrate_text(std::string_view text, const std::string& file, ImportedFile* out, Diagnostic* err) {
  json::ParseError parse_error;
  const auto root = json::parse(text, &parse_error);
  if (!root) {
    *err = problem_at(file, parse_error.where, "invalid JSON: " + parse_error.message);
    return false;
  }
  if (root->kind != json::Kind::array) {
    *err = problem_at(file, root->begin,
                      fmt::format("expected a JSON array of server commands, got {}", json::kind_name(root->kind)));
    return false;
  }
  if (root->items.empty()) {
    *err = problem_at(file, root->begin,
                      "no commands: a mongoway file needs at least one command (add one, or delete the file)");
    return false;
  }
  std::vector<std::string> texts;
  for (size_t i = 0; i < root->items.size(); ++i) {
    const json::Value& item = root->items[i];
    const int index = static_cast<int>(i) + 1;
    if (item.kind != json::Kind::object || item.members.empty()) {
      *err = problem_at(file, item.begin,
                        fmt::format("command {}: expected a non-empty object (a server command), got {}", index,
                                    item.kind == json::Kind::object ? "an empty object" : json::kind_name(item.kind)));
      return false;
    }
    json::ConversionError conversion;
    const auto command = json::convert_object(text, item, &conversion);
    if (!command) {
      *err = problem_at(file, conversion.where, fmt::format("command {}: {}", index, conversion.message));
      return false;
    }
    ConvertedCommand converted = convert_server_command(*command);
    std::string why;
    if (!converted.kept_reason.empty() && !renders_as(converted.commands, {*command}, &why)) {
      *err = problem_at(file, item.begin,
                        fmt::format("command {}: mongoway cannot send it exactly as written: {}", index, why));
      return false;
    }
    if (!converted.kept_reason.empty())
      out->kept.push_back(KeptCommand{index, item.members.front().key, converted.kept_reason});
    for (const auto& spec : converted.commands) texts.push_back(command_text(spec));
  }
  out->source = file;
  out->source_commands = static_cast<int>(root->items.size());
  out->commands = static_cast<int>(texts.size());
  out->content = file_text(texts);
  return true;
}

namespace {

[[noreturn]] void fail(const std::string& message, std::vector<Diagnostic> diagnostics = {}) {
  throw Error(ExitCode::invalid, message, std::move(diagnostics));
}

// A golang-migrate version: the up file and the down file.
struct SourceVersion {
  std::optional<fs::path> up;
  std::optional<fs::path> down;
  std::string name;  // the up file's identifier
};

int64_t version_of(const GolangMigrateName& name, const fs::path& path) {
  const size_t first = name.digits.find_first_not_of('0');
  if (first == std::string::npos) fail(fmt::format("{}: version 0: mongoway's versions start at 1", path.string()));
  int64_t version = 0;
  const std::string_view digits = std::string_view(name.digits).substr(first);
  if (std::from_chars(digits.data(), digits.data() + digits.size(), version).ec != std::errc()) {
    fail(fmt::format("{}: version {} is too large for mongoway (at most 9223372036854775807)", path.string(), digits));
  }
  return version;
}

std::map<int64_t, SourceVersion> read_directory(const std::string& directory) {
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) fail(fmt::format("{}: not a directory", directory));
  std::vector<fs::path> paths;
  for (fs::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (!it->is_directory(type_ec)) paths.push_back(it->path());
  }
  if (ec) fail(fmt::format("cannot read {}: {}", directory, ec.message()));
  std::sort(paths.begin(), paths.end());
  std::map<int64_t, SourceVersion> versions;
  for (const auto& path : paths) {
    GolangMigrateName name;
    if (!parse_golang_migrate_name(path.filename().string(), &name)) continue;
    SourceVersion& version = versions[version_of(name, path)];
    std::optional<fs::path>& slot = name.up ? version.up : version.down;
    if (slot) {
      fail(fmt::format("{} and {} are both the {} file of one version; golang-migrate refuses this too", slot->string(),
                       path.string(), name.up ? "up" : "down"));
    }
    slot = path;
    if (name.up) version.name = name.name;
  }
  if (versions.empty()) {
    fail(fmt::format("no golang-migrate migration files in {} (names such as 1_create_users.up.json)", directory));
  }
  for (const auto& [number, version] : versions) {
    if (!version.up)
      fail(fmt::format("{}: a down file without its up file (version {})", version.down->string(), number));
  }
  return versions;
}

// Refuses when a location holds a file of a version to import: the lowest
// such version, its V file first, so that the message is the same from run to run.
void check_versions_free(const std::map<int64_t, SourceVersion>& versions, const std::vector<std::string>& locations) {
  for (const auto& location : locations) {
    std::error_code ec;
    std::optional<std::tuple<int64_t, FileKind, std::string>> first;
    for (fs::directory_iterator it(location, ec), end; !ec && it != end; it.increment(ec)) {
      const auto name = parse_file_name(it->path().filename().string(), nullptr, nullptr);
      if (!name || !versions.contains(name->version)) continue;
      const std::tuple<int64_t, FileKind, std::string> found{name->version, name->kind, it->path().string()};
      if (!first || found < *first) first = found;
    }
    if (!first) continue;
    fail(fmt::format("version {} exists already: {}; import into an empty location, or remove that version",
                     std::get<0>(*first), std::get<2>(*first)));
  }
}

ImportedFile import_file(const fs::path& source, const fs::path& target, FileKind kind, int64_t version,
                         const std::string& description) {
  if (std::error_code ec; fs::exists(target, ec)) {
    fail(fmt::format("{} already exists; not overwriting it", target.string()));
  }
  std::string text, error;
  if (!util::read_file_limited(source.string(), kMaxFileSize, &text, &error)) fail(error);
  ImportedFile file;
  Diagnostic problem;
  if (!convert_golang_migrate_text(text, source.string(), &file, &problem)) {
    fail(problem.located_message(), {problem});
  }
  file.path = target.string();
  file.kind = kind;
  file.version = version;
  file.description = description;
  std::replace(file.description.begin(), file.description.end(), '_', ' ');
  return file;
}

}  // namespace

std::vector<ImportedFile> plan_golang_migrate_import(const std::string& directory, const std::string& location,
                                                     const std::vector<std::string>& all_locations) {
  const auto versions = read_directory(directory);
  std::vector<std::string> locations = all_locations;
  locations.push_back(location);
  check_versions_free(versions, locations);
  std::vector<ImportedFile> files;
  for (const auto& [number, version] : versions) {
    std::string description = description_for_file_name(version.name);
    if (description.empty()) description = "migration";
    const fs::path v_path = fs::path(location) / fmt::format("V{}__{}.json", number, description);
    files.push_back(import_file(*version.up, v_path, FileKind::migrate, number, description));
    if (!version.down) continue;
    const fs::path u_path = fs::path(location) / fmt::format("U{}__undo_{}.json", number, description);
    files.push_back(import_file(*version.down, u_path, FileKind::undo, number, description));
  }
  return files;
}

void write_imported_files(const std::string& location, const std::vector<ImportedFile>& files) {
  std::error_code ec;
  fs::create_directories(location, ec);
  if (ec) fail(fmt::format("cannot create {}: {}", location, ec.message()));
  std::vector<std::string> written;
  for (const auto& file : files) {
    std::string error;
    if (!write_new_file(file.path, file.content, &error)) {
      for (const auto& path : written) fs::remove(path, ec);
      fail(error + (written.empty() ? "" : "; removed the files this import had written"));
    }
    written.push_back(file.path);
  }
}

}  // namespace mongoway::script
