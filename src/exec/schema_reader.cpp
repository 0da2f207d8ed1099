#include "exec/schema_reader.hpp"

namespace mongoway::exec {

Fingerprint read_fingerprint(port::Server& server, const std::string& database, const ReadOptions& options) {
  Fingerprint out;
  out.database = database;
  for (const auto& entry : server.list_collection_specs(database)) {
    const std::string name = collection_name(entry);
    if (left_out_of_fingerprint(name, options.history_collection)) continue;
    const bool view = is_view(entry);
    CollectionPrint c = collection_print(entry,
                                         view ? std::vector<bson::Document>{} : server.list_indexes(database, name));
    if (options.data && !view) {
      DataDigester digester(options.named_object_ids);
      server.read_documents_by_id(database, name, [&](const bson::Document& doc) { digester.add(doc); });
      c.data = digester.finish();
    }
    out.collections.push_back(std::move(c));
  }
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
