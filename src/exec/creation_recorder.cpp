#include "exec/creation_recorder.hpp"

#include <bson/bson.h>
#include <fmt/format.h>

#include <optional>

#include "bson/bson_util.hpp"

namespace mongoway::exec {
namespace {

using Kind = model::Creation::Kind;

std::string first_key(const bson::Document& doc) {
  bson_iter_t it;
  if (bson_iter_init(&it, doc.get()) && bson_iter_next(&it)) return bson_iter_key(&it);
  return {};
}

std::string string_of(const bson::Document& doc, const char* key) {
  bson_iter_t it;
  return bson::find_field(doc, key, &it) ? bson::iter_string(it) : std::string();
}

std::optional<int64_t> number_of(const bson::Document& doc, const char* key) {
  bson_iter_t it;
  if (!bson::find_field(doc, key, &it) || !BSON_ITER_HOLDS_NUMBER(&it)) return std::nullopt;
  return bson_iter_as_int64(&it);
}

// The names of the indexes a createIndexes sends (mongoway always sends one).
std::vector<std::string> index_names(const bson::Document& command) {
  std::vector<std::string> names;
  bson_iter_t it;
  if (!bson::find_field(command, "indexes", &it)) return names;
  for (const auto& spec : bson::iter_documents(it)) names.push_back(string_of(spec, "name"));
  return names;
}

// "db.name" -> "name"
std::string without_database(const std::string& ns, const std::string& database) {
  const std::string prefix = database + ".";
  return ns.rfind(prefix, 0) == 0 ? ns.substr(prefix.size()) : ns;
}

}  // namespace

CreationRecorder::CreationRecorder(std::string database, std::set<std::string> known)
    : m_database(std::move(database)), m_known(std::move(known)) {}

void CreationRecorder::before(port::Server& server, const script::ServerCommand& sent) {
  m_read_indexes = false;
  m_indexes_before.clear();
  if (first_key(sent.command) != "createIndexes") return;
  const std::string collection = string_of(sent.command, "createIndexes");
  if (index_names(sent.command).size() < 2 || m_known.count(collection) == 0) return;
  for (const auto& index : server.list_indexes(m_database, collection)) {
    m_indexes_before.insert(string_of(index, "name"));
  }
  m_read_indexes = true;
}

void CreationRecorder::after(const script::Command& command, const script::ServerCommand& sent,
                             const bson::Document& reply, const WriteCounts& counts) {
  const std::string name = first_key(sent.command);
  if (sent.is_insert) {
    documents_inserted(command, sent, counts);
  } else if (name == "create") {
    bson_iter_t it;
    collection_made(command.index, string_of(sent.command, "create"),
                    bson::find_field(sent.command, "viewOn", &it) ? Kind::view : Kind::collection);
  } else if (name == "createIndexes") {
    indexes_made(command, sent, reply);
  } else if (name == "renameCollection") {
    const std::string from = without_database(string_of(sent.command, "renameCollection"), m_database);
    const std::string to = without_database(string_of(sent.command, "to"), m_database);
    m_created.items.push_back({Kind::rename, command.index, from, to, 0});
    m_known.erase(from);
    m_known.insert(to);
  } else {
    not_derivable(fmt::format("command {} ({}) is not reversible", command.index, command.name));
  }
}

// A collection (or view) is the version's own only when it was not there before.
void CreationRecorder::collection_made(int command, const std::string& name, Kind kind) {
  if (!m_known.insert(name).second) return;
  m_created.items.push_back({kind, command, name, "", 0});
}

// Which of the indexes sent were made: all of them on a collection the
// command created; else the reply's counts say so when they are all or
// none; else the indexes read before the command do.
void CreationRecorder::indexes_made(const script::Command& command, const script::ServerCommand& sent,
                                    const bson::Document& reply) {
  const std::string collection = string_of(sent.command, "createIndexes");
  const std::vector<std::string> names = index_names(sent.command);
  bson_iter_t it;
  const bool created_collection = bson::find_field(reply, "createdCollectionAutomatically", &it)
                                      ? bson_iter_as_bool(&it)
                                      : m_known.count(collection) == 0;
  if (created_collection) collection_made(command.index, collection, Kind::collection);
  m_known.insert(collection);
  const auto before = number_of(reply, "numIndexesBefore");
  const auto after = number_of(reply, "numIndexesAfter");
  for (const auto& index : names) {
    bool made = false;
    if (created_collection) {
      made = true;
    } else if (m_read_indexes) {
      made = m_indexes_before.count(index) == 0;
    } else if (before && after && (*after - *before == 0 || *after - *before == static_cast<int64_t>(names.size()))) {
      made = *after > *before;
    } else {
      not_derivable(fmt::format("the server's reply to command {} ({}) does not say which indexes it created",
                                command.index, command.name));
      return;
    }
    if (made) m_created.items.push_back({Kind::index, command.index, collection, index, 0});
  }
}

// Every document sent must have been inserted, so that the `_id`s read back
// from the file are exactly those in the database.
void CreationRecorder::documents_inserted(const script::Command& command, const script::ServerCommand& sent,
                                          const WriteCounts& counts) {
  const std::string collection = string_of(sent.command, "insert");
  collection_made(command.index, collection, Kind::collection);
  const auto sent_count = static_cast<int64_t>(sent.documents_file ? command.documents_count.value_or(0)
                                                                   : sent.documents.size());
  if (counts.inserted != sent_count) {
    not_derivable(fmt::format("command {} ({}) inserted {} of the {} documents it sent", command.index, command.name,
                              counts.inserted, sent_count));
    return;
  }
  m_created.items.push_back({Kind::documents, command.index, collection, "", counts.inserted});
}

void CreationRecorder::not_derivable(std::string why) {
  if (m_created.not_derivable.empty()) m_created.not_derivable = std::move(why);
}

}  // namespace mongoway::exec
