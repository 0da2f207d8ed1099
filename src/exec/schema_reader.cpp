#include "exec/schema_reader.hpp"

namespace mongoway::exec {

namespace {

// One collection or view from its listCollections document: its indexes and,
// with data, its documents read.
CollectionPrint read_collection(port::Server& server, const std::string& database, const bson::Document& entry,
                                const ReadOptions& options) {
  const std::string name = collection_name(entry);
  const bool view = is_view(entry);
  CollectionPrint c = collection_print(entry,
                                       view ? std::vector<bson::Document>{} : server.list_indexes(database, name));
  if (options.data && !view) {
    DataDigester digester(options.named_object_ids);
    server.read_documents_by_id(database, name, [&](const bson::Document& doc) { digester.add(doc); });
    c.data = digester.finish();
  }
  return c;
}

}  // namespace

// A reader that has read nothing yet reads everything.
Fingerprint read_fingerprint(port::Server& server, const std::string& database, const ReadOptions& options) {
  return FingerprintReader(server, database, options).read();
}

FingerprintReader::FingerprintReader(port::Server& server, std::string database, ReadOptions options)
    : m_server(server), m_database(std::move(database)), m_options(std::move(options)) {}

Fingerprint FingerprintReader::read(const std::optional<std::set<std::string>>& changed) {
  std::map<std::string, Known> now;
  Fingerprint out;
  out.database = m_database;
  for (auto& entry : m_server.list_collection_specs(m_database)) {
    const std::string name = collection_name(entry);
    if (left_out_of_fingerprint(name, m_options.history_collection)) continue;
    auto known = m_known.find(name);
    const bool unchanged = changed && changed->count(name) == 0 && known != m_known.end() &&
                           known->second.entry == entry;
    CollectionPrint print = unchanged ? std::move(known->second.print)
                                      : read_collection(m_server, m_database, entry, m_options);
    out.collections.push_back(print);
    now.emplace(name, Known{std::move(entry), std::move(print)});
  }
  m_known = std::move(now);
  sort_fingerprint(out);
  return out;
}

std::set<std::string> object_ids_named_by(const script::LoadResult& files) {
  std::set<std::string> out;
  for (const auto& migration : files.migrations) {
    for (const auto& command : migration.up.commands) collect_object_ids(command.spec, out);
    if (!migration.undo) continue;
    for (const auto& command : migration.undo->commands) collect_object_ids(command.spec, out);
  }
  return out;
}

}  // namespace mongoway::exec
