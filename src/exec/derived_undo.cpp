#include "exec/derived_undo.hpp"

#include <bson/bson.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "bson/bson_util.hpp"
#include "script/documents_file.hpp"

namespace mongoway::exec {
namespace {

using Kind = model::Creation::Kind;

Error record_mismatch(const script::Script& up, const std::string& what) {
  return Error(ExitCode::invalid, fmt::format("{}: no undo can be derived: {}; write its undo file (U{}__undo_*.json)",
                                              up.file.file_name, what, up.file.name.version));
}

// The `_id` of every document insert command `index` of the V file sends.
std::vector<bson::Document> inserted_ids(const script::Script& up, int index) {
  if (index < 1 || index > static_cast<int>(up.commands.size())) {
    throw record_mismatch(up, fmt::format("its record names command {}, which the file does not have", index));
  }
  const script::Command& command = up.commands[static_cast<size_t>(index) - 1];
  std::vector<bson::Document> ids;
  const auto keep_id = [&ids](const bson::Document& document) {
    bson_iter_t it;
    bson::Document id;
    if (bson::find_field(document, "_id", &it)) bson::append_value(id, "_id", it);
    ids.push_back(std::move(id));
  };
  if (command.documents_file) {
    script::DocumentStream stream;
    stream.open(*command.documents_file);
    bson::Document document;
    while (stream.next(document)) keep_id(document);
    return ids;
  }
  bson_iter_t it;
  if (bson::find_field(command.spec, "document", &it)) keep_id(bson::iter_document(it));
  if (bson::find_field(command.spec, "documents", &it)) {
    for (const auto& document : bson::iter_documents(it)) keep_id(document);
  }
  return ids;
}

// {"_id": {"$in": [ids…]}}
bson::Document id_filter(const std::vector<bson::Document>& ids, size_t from, size_t to) {
  bson::Document filter;
  bson_t id, in;
  BSON_APPEND_DOCUMENT_BEGIN(filter.mut(), "_id", &id);
  BSON_APPEND_ARRAY_BEGIN(&id, "$in", &in);
  char key[16];
  for (size_t i = from; i < to; ++i) {
    const char* k = nullptr;
    bson_uint32_to_string(static_cast<uint32_t>(i - from), &k, key, sizeof key);
    bson_iter_t value;
    if (bson_iter_init_find(&value, ids[i].get(), "_id")) bson_append_iter(&in, k, -1, &value);
  }
  bson_append_array_end(&id, &in);
  bson_append_document_end(filter.mut(), &id);
  return filter;
}

class Builder {
 public:
  explicit Builder(const script::Script& up) : m_up(up) {
    m_undo.script.file = up.file;
    m_undo.script.checksum = up.checksum;
    m_undo.script.transaction = false;
  }

  void undo(const model::Creation& item) {
    switch (item.kind) {
      case Kind::index: add(item, "dropIndex", item.collection, "name", item.name); break;
      case Kind::rename: add(item, "renameCollection", item.name, "to", item.collection); break;
      case Kind::documents: delete_documents(item); break;
      case Kind::view: m_undo.views.push_back(item.collection); [[fallthrough]];
      case Kind::collection: add(item, "dropCollection", item.collection, "", ""); break;
    }
  }

  DerivedUndo take() { return std::move(m_undo); }

 private:
  script::Command& add(const model::Creation& item, const char* name, const std::string& target, const char* field,
                       const std::string& value) {
    script::Command command;
    command.name = name;
    command.index = static_cast<int>(m_undo.script.commands.size()) + 1;
    if (item.command >= 1 && item.command <= static_cast<int>(m_up.commands.size())) {
      const auto& made_by = m_up.commands[static_cast<size_t>(item.command) - 1];
      command.line = made_by.line;
      command.column = made_by.column;
      command.comment = fmt::format("undoes command {} ({}) of {}", item.command, made_by.name, m_up.file.file_name);
    }
    bson::append_string(command.spec, name, target);
    if (*field != '\0') bson::append_string(command.spec, field, value);
    m_undo.script.commands.push_back(std::move(command));
    return m_undo.script.commands.back();
  }

  void delete_documents(const model::Creation& item) {
    const auto ids = inserted_ids(m_up, item.command);
    if (static_cast<int64_t>(ids.size()) != item.count) {
      throw record_mismatch(m_up, fmt::format("command {} inserted {} documents, and the file now holds {}",
                                              item.command, item.count, ids.size()));
    }
    for (size_t from = 0; from < ids.size(); from += kIdsPerDelete) {
      auto& command = add(item, "deleteMany", item.collection, "", "");
      bson::append_document(command.spec, "filter", id_filter(ids, from, std::min(ids.size(), from + kIdsPerDelete)));
    }
  }

  const script::Script& m_up;
  DerivedUndo m_undo;
};

}  // namespace

DerivedUndo derive_undo(const script::Script& up, const model::Created& created) {
  if (!created.not_derivable.empty()) throw record_mismatch(up, created.not_derivable);
  Builder builder(up);
  for (auto it = created.items.rbegin(); it != created.items.rend(); ++it) builder.undo(*it);
  return builder.take();
}

}  // namespace mongoway::exec

namespace mongoway::exec {
namespace {

int64_t count_documents(port::Server& server, const std::string& database, const std::string& collection,
                        const bson::Document* filter) {
  bson::Document command;
  bson::append_string(command, "count", collection);
  if (filter != nullptr) bson::append_document(command, "query", *filter);
  const auto reply = server.send(database, command, port::Reply::plain);
  bson_iter_t it;
  return bson::find_field(reply, "n", &it) && BSON_ITER_HOLDS_NUMBER(&it) ? bson_iter_as_int64(&it) : 0;
}

std::string first_string(const bson::Document& spec) {
  bson_iter_t it;
  return bson_iter_init(&it, spec.get()) && bson_iter_next(&it) ? bson::iter_string(it) : std::string();
}

// Follows the collections through the derived undos of an undo's steps, in
// the order they will run: each one's name now, and the deletes that will
// have run on it when it is dropped.
class DropCheck {
 public:
  DropCheck(port::Server& server, const std::string& database) : m_server(server), m_database(database) {}

  void step(const DerivedUndo& undo) {
    for (const auto& command : undo.script.commands) {
      const std::string target = first_string(command.spec);
      const std::string now = name_now(target);
      bson_iter_t it;
      if (command.name == "renameCollection" && bson::find_field(command.spec, "to", &it)) {
        m_now_of[bson::iter_string(it)] = now;
      } else if (command.name == "deleteMany" && bson::find_field(command.spec, "filter", &it)) {
        m_deletes[now].push_back(bson::iter_document(it));
      } else if (command.name == "dropCollection" &&
                 std::find(undo.views.begin(), undo.views.end(), target) == undo.views.end()) {
        check(undo, target, now);
      }
    }
  }

 private:
  std::string name_now(const std::string& name) const {
    auto it = m_now_of.find(name);
    return it == m_now_of.end() ? name : it->second;
  }

  void check(const DerivedUndo& undo, const std::string& target, const std::string& now) {
    const int64_t total = count_documents(m_server, m_database, now, nullptr);
    int64_t deleted = 0;
    for (const auto& filter : m_deletes[now]) {
      if (deleted >= total) break;
      deleted += count_documents(m_server, m_database, now, &filter);
    }
    if (total <= deleted) return;
    const auto& file = undo.script.file;
    const int64_t others = total - deleted;
    throw Error(ExitCode::invalid,
                fmt::format("cannot undo: {}: its derived undo drops collection {}, which holds {} document{} that "
                            "version {} did not insert; nothing was undone (remove {}, or write its undo file "
                            "U{}__undo_*.json)",
                            file.file_name, target, others, others == 1 ? "" : "s", file.name.version,
                            others == 1 ? "it" : "them", file.name.version),
                {Diagnostic{Diagnostic::Severity::error, file.file_name, 0, 0,
                            fmt::format("collection {} holds {} document{} the version did not insert", target, others,
                                        others == 1 ? "" : "s")}});
  }

  port::Server& m_server;
  const std::string& m_database;
  std::map<std::string, std::string> m_now_of;
  std::map<std::string, std::vector<bson::Document>> m_deletes;
};

}  // namespace

void refuse_dropping_documents(port::Server& server, const std::string& database, const std::vector<Step>& steps) {
  DropCheck check(server, database);
  for (const auto& step : steps) {
    if (step.derived) check.step(*step.derived);
  }
}

}  // namespace mongoway::exec
