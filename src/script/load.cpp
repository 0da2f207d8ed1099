#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <system_error>

#include "bson/bson_util.hpp"
#include "json/documents_stream.hpp"
#include "json/extjson.hpp"
#include "json/json.hpp"
#include "script/checksum.hpp"
#include "script/commands.hpp"
#include "script/idempotency.hpp"
#include "script/new_migration.hpp"
#include "script/placeholders.hpp"
#include "script/render.hpp"
#include "script/script.hpp"
#include "script/validate.hpp"
#include "util/files.hpp"
#include "util/parallel.hpp"
#include "util/suggest.hpp"

namespace mongoway::script {

namespace fs = std::filesystem;

namespace {

// Whether `spec` takes a field named `field`. A documentsFile holds any number
// of documents, which is insertMany's; insertOne takes one only from a file
// that holds exactly one, so it is not the command to suggest for one.
bool takes_field(const CommandSpec& spec, std::string_view field) {
  if (spec.name == "insertOne" && field == "documentsFile") return false;
  return std::any_of(spec.fields.begin(), spec.fields.end(), [&](const FieldSpec& f) { return f.name == field; });
}

// "; did you mean …?" for an unknown command name: among the commands that
// take every other field of the object (`insert` with "documents" is
// insertMany, with "document" insertOne), those close to the name and those
// whose name starts with it. Empty when none is.
std::string command_hint(const json::Value& item) {
  const std::string& word = item.members.front().key;
  std::vector<std::string> fitting;
  for (const auto& spec : command_specs()) {
    const bool takes_all = std::all_of(item.members.begin() + 1, item.members.end(), [&](const json::Member& m) {
      return m.key == "comment" || takes_field(spec, m.key);
    });
    if (takes_all) fitting.emplace_back(spec.name);
  }
  const auto close = util::suggest(word, fitting);
  std::vector<std::string> named;
  for (const auto& name : fitting) {
    if (name == close || (word.size() >= 3 && name.starts_with(word))) named.push_back(fmt::format("\"{}\"", name));
  }
  if (named.empty()) return {};
  return fmt::format("; did you mean {}?", fmt::join(named, " or "));
}

size_t count_errors(const std::vector<Diagnostic>& diagnostics) {
  return static_cast<size_t>(
      std::count_if(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& d) { return d.is_error(); }));
}

// Appends a site for every string in `value` (at `path`) that uses a
// placeholder or holds an escaped "$${".
void collect_placeholder_sites(const json::Value& value, std::vector<std::string>& path,
                               std::vector<PlaceholderSite>& out) {
  switch (value.kind) {
    case json::Kind::string: {
      std::set<std::string> names;
      bool escaped = false;
      collect_placeholders(value.text, names, &escaped);
      // A string with only an escaped "$${" is a site too: it must be rendered.
      if (!names.empty() || escaped) {
        out.push_back({path, value.begin.line, value.begin.column, {names.begin(), names.end()}});
      }
      return;
    }
    case json::Kind::object:
      for (const auto& member : value.members) {
        path.push_back(member.key);
        collect_placeholder_sites(member.value, path, out);
        path.pop_back();
      }
      return;
    case json::Kind::array:
      for (size_t i = 0; i < value.items.size(); ++i) {
        path.push_back(std::to_string(i));
        collect_placeholder_sites(value.items[i], path, out);
        path.pop_back();
      }
      return;
    default: return;
  }
}

// Whether any string in `value` holds "${": a walk without allocations,
// since most commands have no placeholder.
bool mentions_placeholder(const json::Value& value) {
  switch (value.kind) {
    case json::Kind::string: return value.text.find("${") != std::string::npos;
    case json::Kind::object:
      return std::any_of(value.members.begin(), value.members.end(),
                         [](const auto& member) { return mentions_placeholder(member.value); });
    case json::Kind::array: return std::any_of(value.items.begin(), value.items.end(), mentions_placeholder);
    default: return false;
  }
}

// The placeholder sites of a command object ("comment" is never rendered).
std::vector<PlaceholderSite> placeholder_sites(const json::Value& command) {
  std::vector<PlaceholderSite> out;
  if (!mentions_placeholder(command)) return out;
  std::vector<std::string> path;
  for (const auto& member : command.members) {
    if (member.key == "comment") continue;
    path.assign(1, member.key);
    collect_placeholder_sites(member.value, path, out);
  }
  return out;
}

// lint with placeholders: each command as migrate would render it. False
// when one has an error.
bool check_rendered(const Script& script, const std::map<std::string, std::string>& values,
                    std::vector<Diagnostic>& diagnostics) {
  const RenderContext context{"", values};
  bool ok = true;
  for (const auto& command : script.commands) {
    // Without a placeholder a command renders as written, and was validated
    // as read: most commands, and walking each one's BSON again was most of
    // lint's cost of this check.
    if (command.placeholder_sites.empty()) continue;
    for (auto& d : check_render(script, command, context, Diagnostic::Severity::warning)) {
      ok = ok && !d.is_error();
      diagnostics.push_back(std::move(d));
    }
  }
  return ok;
}

// A valid command object `item` (`doc`, its BSON) as the file's command `index`.
Command command_of(const json::Value& item, int index, const bson::Document& doc) {
  Command command;
  command.name = item.members.front().key;
  command.index = index;
  command.line = item.begin.line;
  command.column = item.begin.column;
  command.placeholder_sites = placeholder_sites(item);
  bson_iter_t it;
  bson_iter_init(&it, doc.get());
  while (bson_iter_next(&it)) {
    if (bson::iter_key(it) == "comment") {
      command.comment = bson::iter_string(it);
    } else {
      bson::append_value(command.spec, bson::iter_key(it), it);
    }
  }
  return command;
}

class FileParser {
 public:
  FileParser(std::string_view content, const DiscoveredFile& file, std::vector<Diagnostic>& diagnostics, bool notes)
      : m_content(content), m_file(file), m_diagnostics(diagnostics), m_notes(notes) {}

  std::optional<Script> run() {
    const size_t errors_before = count_errors(m_diagnostics);
    m_checksum.add(m_content);
    if (m_content.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      add(json::Location{}, "the file is empty; expected an array of commands or an object with \"commands\"");
      return std::nullopt;
    }
    json::ParseError error;
    auto root = json::parse(m_content, &error);
    if (!root) {
      add(error.where, error.message);
      return std::nullopt;
    }
    m_script.file = m_file;
    const json::Value* commands = top_level(*root);
    if (commands) {
      if (commands->items.empty()) add(commands->begin, "no commands: a migration file needs at least one command");
      int index = 0;
      for (const auto& item : commands->items) parse_command(item, ++index);
    }
    m_script.checksum = m_checksum.finish();
    if (count_errors(m_diagnostics) > errors_before) return std::nullopt;
    return std::move(m_script);
  }

 private:
  void add(const json::Location& where, const std::string& message) {
    Diagnostic d;
    d.file = m_file.path;
    d.line = where.line;
    d.column = where.column;
    d.message = message;
    m_diagnostics.push_back(std::move(d));
  }

  // The command list of the file, or nullptr (with diagnostics).
  const json::Value* top_level(const json::Value& root) {
    if (root.kind == json::Kind::array) return &root;
    if (root.kind != json::Kind::object) {
      add(root.begin, fmt::format("expected an array of commands or an object with \"commands\", got {}",
                                  json::kind_name(root.kind)));
      return nullptr;
    }
    const json::Value* commands = nullptr;
    static const std::vector<std::string> keys = {"commands", "transaction", "comment"};
    for (const auto& member : root.members) {
      const json::Value& value = member.value;
      if (member.key == "commands") {
        if (value.kind == json::Kind::array) {
          commands = &value;
        } else {
          add(value.begin,
              fmt::format("field \"commands\": expected an array of commands, got {}", json::kind_name(value.kind)));
        }
      } else if (member.key == "transaction") {
        if (value.kind == json::Kind::boolean) {
          m_script.transaction = value.boolean;
        } else {
          add(value.begin,
              fmt::format("field \"transaction\": expected a boolean, got {}", json::kind_name(value.kind)));
        }
      } else if (member.key == "comment") {
        if (value.kind != json::Kind::string) {
          add(value.begin, fmt::format("field \"comment\": expected a string, got {}", json::kind_name(value.kind)));
        }
      } else {
        std::string hint = util::did_you_mean(member.key, keys);
        if (hint.empty()) hint = "; allowed: \"commands\", \"transaction\", \"comment\"";
        add(member.key_begin, fmt::format("unknown top-level field \"{}\"{}", member.key, hint));
      }
    }
    if (!root.find("commands")) {
      add(root.begin, "missing field \"commands\": a migration file is an array of commands or an object "
                      "{\"commands\": [...]}");
    }
    return commands;
  }

  void parse_command(const json::Value& item, int index) {
    if (item.kind != json::Kind::object) {
      add(item.begin, fmt::format("command {}: expected an object whose first key names the command, got {}", index,
                                  json::kind_name(item.kind)));
      return;
    }
    if (item.members.empty()) {
      add(item.begin, fmt::format("command {}: empty object; its first key must name the command (e.g. "
                                  "\"createIndex\")",
                                  index));
      return;
    }
    const json::Member& first = item.members.front();
    if (first.key == "comment") {
      add(first.key_begin, fmt::format("command {}: the first key must name the command, not \"comment\"; move "
                                       "\"comment\" after it",
                                       index));
      return;
    }
    const CommandSpec* spec = find_command(first.key);
    if (!spec) {
      std::string hint = command_hint(item);
      if (hint.empty()) hint = "; known commands: " + fmt::format("{}", fmt::join(command_names(), ", "));
      add(first.key_begin, fmt::format("command {}: unknown command \"{}\"{}", index, first.key, hint));
      return;
    }
    json::ConversionError conversion;
    auto doc = json::convert_object(m_content, item, &conversion);
    if (!doc) {
      add(conversion.where, fmt::format("command {} ({}): {}", index, first.key, conversion.message));
      return;
    }
    const size_t errors_before = count_errors(m_diagnostics);
    CommandSite site{m_file.path, &item, index, spec->name};
    site.notes = m_notes;
    validate_command(*spec, *doc, site, m_diagnostics);
    if (count_errors(m_diagnostics) > errors_before) return;
    if (!check_in_transaction(item, index, first.key)) return;
    if (!check_size(*doc, item, index, first.key)) return;
    if (!check_edited(item, index, first.key)) return;

    Command command = command_of(item, index, *doc);
    if (const json::Value* file_value = item.find("documentsFile")) {
      if (!read_documents_file(command, *file_value)) return;
    }
    if (m_notes) {
      if (auto warning = idempotency_warning(m_file.path, command)) m_diagnostics.push_back(std::move(*warning));
    }
    m_script.commands.push_back(std::move(command));
  }

  // A command of a file that runs in a transaction ("transaction": true)
  // takes the transaction's write and read concerns: the server refuses its
  // own. And it cannot be batched: each batch is a write of its own, so the
  // version could not be one atomic change.
  bool check_in_transaction(const json::Value& item, int index, const std::string& name) {
    if (!m_script.transaction.value_or(false)) return true;
    bool ok = true;
    if (const json::Member* batch_size = item.find_member("batchSize")) {
      add(batch_size->key_begin,
          fmt::format("command {} ({}): field \"batchSize\": the file runs in a transaction (\"transaction\": true), "
                      "and a batched command cannot: each batch is written on its own (a run cut short resumes "
                      "after the last batch done), so the version could not be atomic; remove \"batchSize\", or set "
                      "\"transaction\": false",
                      index, name));
      ok = false;
    }
    for (const char* field : {"writeConcern", "readConcern"}) {
      const json::Member* member = item.find_member(field);
      if (!member) continue;
      add(member->key_begin,
          fmt::format("command {} ({}): field \"{}\": the file runs in a transaction (\"transaction\": true), whose "
                      "commands MongoDB runs with the transaction's own {}; remove the field, or set "
                      "\"transaction\": false",
                      index, name, field,
                      field == std::string_view("writeConcern") ? "write concern" : "read concern"));
      ok = false;
    }
    return ok;
  }

  // A command `new` wrote (its comment is still the template's) must have its
  // placeholder value replaced before it can run.
  bool check_edited(const json::Value& item, int index, const std::string& name) {
    const json::Value* comment = item.find("comment");
    if (comment == nullptr || comment->kind != json::Kind::string || !is_template_comment(comment->text)) return true;
    bool edited = true;
    for (const auto& member : item.members) {
      if (member.value.kind != json::Kind::string || member.value.text != kTemplatePlaceholder) continue;
      add(member.value.begin, fmt::format("command {} ({}): \"{}\" is the placeholder of the template that "
                                          "mongoway new wrote; edit the file: replace the example with your changes",
                                          index, name, kTemplatePlaceholder));
      edited = false;
    }
    return edited;
  }

  // No document may exceed the server's 16 MiB: a command's documents one by
  // one (insertMany sends them in batches), any other command as a whole.
  bool check_size(const bson::Document& doc, const json::Value& item, int index, const std::string& name) {
    constexpr size_t limit = json::DocumentStream::kMaxDocumentBson;
    auto too_big = [&](size_t size, const json::Location& where, const std::string& what) {
      add(where, fmt::format("command {} ({}): {} is {} of BSON, over the server's limit of {} per document", index,
                             name, what, util::human_size(size), util::human_size(limit)));
      return false;
    };
    bson_iter_t it;
    if (name == "insertMany" && bson_iter_init_find(&it, doc.get(), "documents") && BSON_ITER_HOLDS_ARRAY(&it)) {
      const json::Value* documents = item.find("documents");
      bson_iter_t child;
      bson_iter_recurse(&it, &child);
      for (size_t i = 0; bson_iter_next(&child); ++i) {
        uint32_t length = 0;
        const uint8_t* data = nullptr;
        if (BSON_ITER_HOLDS_DOCUMENT(&child)) bson_iter_document(&child, &length, &data);
        if (length > limit) {
          const auto& where = documents && i < documents->items.size() ? documents->items[i].begin : item.begin;
          return too_big(length, where, fmt::format("document {}", i + 1));
        }
      }
      return true;
    }
    if (doc.size_bytes() > limit) return too_big(doc.size_bytes(), item.begin, "the command");
    return true;
  }

  void add_field_error(const Command& command, const json::Location& where, const std::string& message) {
    add(where, fmt::format("command {} ({}): field \"documentsFile\": {}", command.index, command.name, message));
  }

  // The documentsFile's path joined to the migration file's directory, once
  // it is known to be a regular file inside the location; nullopt, with the
  // problem added to the diagnostics, when it is not.
  std::optional<fs::path> resolve_documents_file(const Command& command, const json::Value& value) {
    const std::string& relative = value.text;
    const fs::path directory = fs::path(m_file.path).parent_path().empty() ? fs::path(".")
                                                                           : fs::path(m_file.path).parent_path();
    const fs::path location = m_file.location.empty() ? directory : fs::path(m_file.location);
    if (fs::path(relative).is_absolute()) {
      add_field_error(command, value.begin, "must be a path relative to the migration file's directory");
      return std::nullopt;
    }
    const fs::path joined = (directory / relative).lexically_normal();
    if (fs::path(relative).lexically_normal().begin()->string() == "..") {
      add_field_error(command, value.begin,
                      fmt::format("\"{}\" is outside the migration location; keep seed files in the location or "
                                  "below it",
                                  relative));
      return std::nullopt;
    }
    if (!util::is_within(directory / relative, location)) {
      std::error_code ec;
      const fs::path target = fs::weakly_canonical(directory / relative, ec);
      add_field_error(command, value.begin,
                      fmt::format("\"{}\" resolves to {}, outside the migration location {} (through a symlink); "
                                  "keep seed files in the location or below it",
                                  relative, target.string(), location.string()));
      return std::nullopt;
    }
    std::error_code ec;
    if (!fs::exists(joined, ec)) {
      add_field_error(command, value.begin,
                      fmt::format("file {} not found{}", joined.string(),
                                  relative.find("${") != std::string::npos
                                      ? " (placeholders are not replaced in a documentsFile path: the file is part "
                                        "of the version's checksum, which must be the same in every environment)"
                                      : ""));
      return std::nullopt;
    }
    if (!fs::is_regular_file(joined, ec)) {
      add_field_error(command, value.begin, fmt::format("{} is not a regular file", joined.string()));
      return std::nullopt;
    }
    return joined;
  }

  // Resolves, checks and reads the documentsFile of `command` once (count and checksum).
  bool read_documents_file(Command& command, const json::Value& value) {
    const std::optional<fs::path> path = resolve_documents_file(command, value);
    if (!path) return false;
    const fs::path& joined = *path;
    m_checksum.start_part(value.text);
    json::DocumentStream stream;
    stream.set_byte_observer([this](std::string_view bytes) { m_checksum.add(bytes); });
    if (Diagnostic problem; !stream.open(joined.string(), &problem) || !stream.check_all(&problem)) {
      m_diagnostics.push_back(std::move(problem));
      return false;
    }
    if (stream.count() == 0) {
      add_field_error(command, value.begin, fmt::format("{} holds no documents", joined.string()));
      return false;
    }
    if (command.name == "insertOne" && stream.count() != 1) {
      add_field_error(command, value.begin,
                      fmt::format("insertOne takes one document, but {} holds {}; use insertMany", joined.string(),
                                  stream.count()));
      return false;
    }
    command.documents_file = joined.string();
    command.documents_count = stream.count();
    command.documents_first_without_id = stream.first_without_id();
    return true;
  }

  std::string_view m_content;
  const DiscoveredFile& m_file;
  std::vector<Diagnostic>& m_diagnostics;
  bool m_notes;
  ChecksumBuilder m_checksum;
  Script m_script;
};

}  // namespace

std::optional<Script> parse_script(std::string_view content, const DiscoveredFile& file,
                                   std::vector<Diagnostic>& diagnostics, bool notes) {
  return FileParser(content, file, diagnostics, notes).run();
}

std::optional<Script> load_script(const DiscoveredFile& file, const LoadOptions& options,
                                  std::vector<Diagnostic>& diagnostics) {
  const auto fail = [&](const std::string& message) {
    Diagnostic d;
    d.file = file.path;
    d.message = message;
    diagnostics.push_back(std::move(d));
    return std::nullopt;
  };
  std::error_code ec;
  if (file.maybe_symlink && fs::is_symlink(file.path, ec)) {
    const fs::path location = file.location.empty() ? fs::path(file.path).parent_path() : fs::path(file.location);
    if (!util::is_within(file.path, location.empty() ? fs::path(".") : location)) {
      return fail(fmt::format("the migration file is a symlink to {}, outside its location; copy the file into "
                              "the location instead",
                              fs::weakly_canonical(file.path, ec).string()));
    }
  }
  std::string content;
  if (std::string error; !util::read_file_limited(file.path, options.max_file_size, &content, &error)) {
    return fail(error);
  }
  auto script = parse_script(content, file, diagnostics, options.notes);
  if (script && options.placeholders && !check_rendered(*script, *options.placeholders, diagnostics)) {
    return std::nullopt;
  }
  return script;
}

namespace {

// The first error about `path` among `diagnostics`, or nullptr.
const Diagnostic* first_error_of(const std::string& path, const std::vector<Diagnostic>& diagnostics) {
  const auto it = std::find_if(diagnostics.begin(), diagnostics.end(),
                               [&](const Diagnostic& d) { return d.is_error() && d.file == path; });
  return it == diagnostics.end() ? nullptr : &*it;
}

// Each file with an error: the first of its own (it has a line and a
// column), else its discovery's (defined twice, an unpaired undo file).
std::vector<InvalidFile> invalid_files_of(const std::vector<DiscoveredFile>& files,
                                          const std::vector<Diagnostic>& discovery,
                                          const std::vector<std::vector<Diagnostic>>& problems) {
  std::vector<InvalidFile> out;
  for (size_t i = 0; i < files.size(); ++i) {
    const Diagnostic* first = first_error_of(files[i].path, problems[i]);
    if (first == nullptr) first = first_error_of(files[i].path, discovery);
    if (first != nullptr) out.push_back(InvalidFile{files[i], *first});
  }
  return out;
}

}  // namespace

bool LoadResult::has_errors() const {
  return std::any_of(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& d) { return d.is_error(); });
}

LoadResult load_all(const std::vector<std::string>& locations, const LoadOptions& options) {
  LoadResult result;
  Discovery discovery = discover(locations);
  result.diagnostics = std::move(discovery.diagnostics);
  result.files_read = discovery.files.size();
  result.migrations_found = static_cast<size_t>(
      std::count_if(discovery.files.begin(), discovery.files.end(),
                    [](const DiscoveredFile& f) { return f.name.kind == FileKind::migrate; }));
  // Files are independent: they are read and checked on several threads (one
  // per core, at most 8, at least 64 files each), and their results gathered
  // in discovery order, so the output is the same as one thread's.
  const auto& files = discovery.files;
  std::vector<std::optional<Script>> scripts(files.size());
  std::vector<std::vector<Diagnostic>> problems(files.size());
  constexpr size_t kFilesPerThread = 64;  // below that, starting a thread costs more than it saves
  util::parallel_for(files.size(), std::min(util::threads_for(8), std::max<size_t>(1, files.size() / kFilesPerThread)),
                     [&](size_t i) { scripts[i] = load_script(files[i], options, problems[i]); });
  result.invalid_files = invalid_files_of(files, result.diagnostics, problems);
  std::map<int64_t, Script> ups;
  std::map<int64_t, Script> undos;
  for (size_t i = 0; i < files.size(); ++i) {
    result.diagnostics.insert(result.diagnostics.end(), std::make_move_iterator(problems[i].begin()),
                              std::make_move_iterator(problems[i].end()));
    if (!scripts[i]) continue;
    auto& target = files[i].name.kind == FileKind::migrate ? ups : undos;
    target.emplace(files[i].name.version, std::move(*scripts[i]));
  }
  for (auto& [version, up] : ups) {
    Migration migration{std::move(up), std::nullopt};
    if (auto undo = undos.find(version); undo != undos.end()) migration.undo = std::move(undo->second);
    result.migrations.push_back(std::move(migration));
  }
  return result;
}

}  // namespace mongoway::script
