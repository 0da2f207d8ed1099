#include "script/builders.hpp"

#include <algorithm>
#include <vector>

#include "bson/bson_util.hpp"

namespace mongoway::script::builders {

namespace {

constexpr std::string_view kAdmin = "admin";

std::string first_string(const bson::Document& spec) {
  bson_iter_t it;
  if (!bson_iter_init(&it, spec.get()) || !bson_iter_next(&it)) return {};
  return bson::iter_string(it);
}

// The name a field is sent under: mongoway's "serverComment" is the server's
// "comment" (mongoway's own "comment" is never sent).
std::string_view sent_name(std::string_view key) { return key == kServerComment ? "comment" : key; }

// Appends the fields of `from` to `to`, except its first key and `skip`.
void copy_options(const bson::Document& from, bson::Document& to, const std::vector<std::string_view>& skip,
                  bool skip_first = true) {
  bson_iter_t it;
  if (!bson_iter_init(&it, from.get())) return;
  bool first = skip_first;
  while (bson_iter_next(&it)) {
    if (first) {
      first = false;
      continue;
    }
    const std::string_view key = bson::iter_key(it);
    if (std::find(skip.begin(), skip.end(), key) != skip.end()) continue;
    bson::append_value(to, sent_name(key), it);
  }
}

// Appends the fields of `from` named in `only`, in the order written.
void copy_listed(const bson::Document& from, bson::Document& to, const std::vector<std::string_view>& only) {
  bson_iter_t it;
  if (!bson_iter_init(&it, from.get())) return;
  while (bson_iter_next(&it)) {
    const std::string_view key = bson::iter_key(it);
    if (std::find(only.begin(), only.end(), key) != only.end()) bson::append_value(to, sent_name(key), it);
  }
}

// The fields every command but runCommand's may add to what it sends.
const std::vector<std::string_view> kSendingOptions = {"writeConcern", kServerComment};
// The fields of createIndex that go to the command, not to the index.
const std::vector<std::string_view> kCreateIndexesOptions = {"writeConcern", "commitQuorum", kServerComment};
// The fields of the update and delete commands that are not the statement's.
const std::vector<std::string_view> kWriteOptions = {"let", "maxTimeMS", "writeConcern", "bypassDocumentValidation",
                                                     kServerComment};

// Appends the field `key` of `from` when present.
void copy_field(const bson::Document& from, bson::Document& to, std::string_view key, std::string_view as = {}) {
  if (bson_iter_t it; bson::find_field(from, key, &it)) bson::append_value(to, as.empty() ? key : as, it);
}

ServerCommand make(const std::string& database, bson::Document command, ReplyKind reply = ReplyKind::plain) {
  ServerCommand out;
  out.database = database;
  out.command = std::move(command);
  out.reply = reply;
  return out;
}

std::vector<ServerCommand> one(ServerCommand command) {
  std::vector<ServerCommand> out;
  out.push_back(std::move(command));
  return out;
}

// key first, then name (MongoDB's default when not given), then the other options as written.
bson::Document index_spec(const bson::Document& given) {
  bson::Document spec;
  bson::Document key;
  if (bson_iter_t it; bson::find_field(given, "key", &it)) {
    key = bson::iter_document(it);
    bson::append_document(spec, "key", key);
  }
  if (bson_iter_t it; bson::find_field(given, "name", &it)) {
    bson::append_value(spec, "name", it);
  } else {
    bson::append_string(spec, "name", default_index_name(key));
  }
  copy_options(given, spec, {"key", "name"}, false);
  return spec;
}

bson::Document create_indexes_command(const BuildInput& in, const std::vector<bson::Document>& indexes) {
  bson::Document command;
  bson::append_string(command, "createIndexes", first_string(in.spec));
  bson::append_array(command, "indexes", indexes);
  copy_listed(in.spec, command, kCreateIndexesOptions);
  return command;
}

// The single statement of an update command.
// "batchSize" (validated: updateMany and deleteMany only) makes the command
// batched; neither it nor "pauseMs" is sent.
ServerCommand batched_if_asked(const BuildInput& in, ServerCommand out, const char* statements) {
  bson_iter_t size;
  if (!bson::find_field(in.spec, "batchSize", &size) || !BSON_ITER_HOLDS_NUMBER(&size)) return out;
  Batching batching;
  batching.batch_size = static_cast<int>(bson_iter_as_int64(&size));
  if (bson_iter_t pause; bson::find_field(in.spec, "pauseMs", &pause) && BSON_ITER_HOLDS_NUMBER(&pause)) {
    batching.pause_ms = bson_iter_as_int64(&pause);
  }
  batching.collection = first_string(in.spec);
  batching.statements = statements;
  if (bson_iter_t filter; bson::find_field(in.spec, "filter", &filter)) batching.filter = bson::iter_document(filter);
  out.batching = std::move(batching);
  return out;
}

std::vector<ServerCommand> update_command(const BuildInput& in, std::string_view u_field, bool multi) {
  bson::Document statement;
  copy_field(in.spec, statement, "filter", "q");
  copy_field(in.spec, statement, u_field, "u");
  copy_field(in.spec, statement, "upsert");
  if (multi) bson::append_bool(statement, "multi", true);
  copy_field(in.spec, statement, "arrayFilters");
  copy_field(in.spec, statement, "collation");
  copy_field(in.spec, statement, "hint");
  copy_field(in.spec, statement, "c");
  copy_field(in.spec, statement, "sort");
  bson::Document command;
  bson::append_string(command, "update", first_string(in.spec));
  bson::append_array(command, "updates", {statement});
  bson::append_bool(command, "ordered", true);
  copy_listed(in.spec, command, kWriteOptions);
  return one(batched_if_asked(in, make(in.context.database, std::move(command), ReplyKind::write), "updates"));
}

}  // namespace

std::string default_index_name(const bson::Document& key) {
  std::string name;
  bson_iter_t it;
  if (!bson_iter_init(&it, key.get())) return name;
  while (bson_iter_next(&it)) {
    if (!name.empty()) name += '_';
    name += bson::iter_key(it);
    name += '_';
    name += bson_iter_type(&it) == BSON_TYPE_UTF8 ? bson::iter_string(it) : bson::number_text(it);
  }
  return name;
}

std::vector<ServerCommand> create_collection(const BuildInput& in) {
  bson::Document command;
  bson::append_string(command, "create", first_string(in.spec));
  copy_options(in.spec, command, {});
  return one(make(in.context.database, std::move(command)));
}

std::vector<ServerCommand> drop_collection(const BuildInput& in) {
  bson::Document command;
  bson::append_string(command, "drop", first_string(in.spec));
  copy_listed(in.spec, command, kSendingOptions);
  return one(make(in.context.database, std::move(command)));
}

std::vector<ServerCommand> rename_collection(const BuildInput& in) {
  bson::Document command;
  bson::append_string(command, "renameCollection", in.context.database + "." + first_string(in.spec));
  if (bson_iter_t to; bson::find_field(in.spec, "to", &to))
    bson::append_string(command, "to", in.context.database + "." + bson::iter_string(to));
  copy_field(in.spec, command, "dropTarget");
  copy_listed(in.spec, command, kSendingOptions);
  return one(make(std::string(kAdmin), std::move(command)));
}

std::vector<ServerCommand> create_index(const BuildInput& in) {
  bson::Document given;
  copy_options(in.spec, given, kCreateIndexesOptions);
  return one(make(in.context.database, create_indexes_command(in, {index_spec(given)})));
}

std::vector<ServerCommand> create_indexes(const BuildInput& in) {
  std::vector<bson::Document> indexes;
  if (bson_iter_t it; bson::find_field(in.spec, "indexes", &it)) {
    for (const auto& given : bson::iter_documents(it)) indexes.push_back(index_spec(given));
  }
  return one(make(in.context.database, create_indexes_command(in, indexes)));
}

std::vector<ServerCommand> drop_index(const BuildInput& in) {
  bson::Document command;
  bson::append_string(command, "dropIndexes", first_string(in.spec));
  copy_field(in.spec, command, "name", "index");
  copy_field(in.spec, command, "key", "index");
  copy_listed(in.spec, command, kSendingOptions);
  return one(make(in.context.database, std::move(command)));
}

std::vector<ServerCommand> coll_mod(const BuildInput& in) {
  bson::Document command;
  bson::append_string(command, "collMod", first_string(in.spec));
  copy_options(in.spec, command, {});
  return one(make(in.context.database, std::move(command)));
}

std::vector<ServerCommand> create_view(const BuildInput& in) {
  bson::Document command;
  bson::append_string(command, "create", first_string(in.spec));
  copy_field(in.spec, command, "viewOn");
  copy_field(in.spec, command, "pipeline");
  copy_field(in.spec, command, "collation");
  copy_listed(in.spec, command, kSendingOptions);
  return one(make(in.context.database, std::move(command)));
}

// The documents are added by the executor, in batches, after these fields.
std::vector<ServerCommand> insert(const BuildInput& in) {
  bson::Document command;
  bson::append_string(command, "insert", first_string(in.spec));
  if (bson_iter_t ordered; bson::find_field(in.spec, "ordered", &ordered)) {
    bson::append_value(command, "ordered", ordered);
  } else {
    bson::append_bool(command, "ordered", true);
  }
  copy_listed(in.spec, command, {"bypassDocumentValidation", "maxTimeMS", "writeConcern", kServerComment});
  ServerCommand out = make(in.context.database, std::move(command), ReplyKind::write);
  out.is_insert = true;
  if (bson_iter_t doc; bson::find_field(in.spec, "document", &doc)) out.documents.push_back(bson::iter_document(doc));
  if (bson_iter_t docs; bson::find_field(in.spec, "documents", &docs)) out.documents = bson::iter_documents(docs);
  out.documents_file = in.command.documents_file;
  return one(std::move(out));
}

std::vector<ServerCommand> update(const BuildInput& in) {
  return update_command(in, "update", in.command.name == "updateMany");
}

std::vector<ServerCommand> replace_one(const BuildInput& in) { return update_command(in, "replacement", false); }

std::vector<ServerCommand> remove(const BuildInput& in) {
  bson::Document statement;
  copy_field(in.spec, statement, "filter", "q");
  bson::append_int32(statement, "limit", in.command.name == "deleteOne" ? 1 : 0);
  copy_field(in.spec, statement, "collation");
  copy_field(in.spec, statement, "hint");
  bson::Document command;
  bson::append_string(command, "delete", first_string(in.spec));
  bson::append_array(command, "deletes", {statement});
  bson::append_bool(command, "ordered", true);
  copy_listed(in.spec, command, kWriteOptions);
  return one(batched_if_asked(in, make(in.context.database, std::move(command), ReplyKind::write), "deletes"));
}

std::vector<ServerCommand> aggregate(const BuildInput& in) {
  bson::Document command;
  bson::append_string(command, "aggregate", first_string(in.spec));
  copy_field(in.spec, command, "pipeline");
  // The cursor's options as given (a batchSize), else the server's defaults.
  if (bson_iter_t cursor; bson::find_field(in.spec, "cursor", &cursor)) {
    bson::append_value(command, "cursor", cursor);
  } else {
    bson::append_document(command, "cursor", bson::Document{});
  }
  copy_options(in.spec, command, {"pipeline", "cursor"});
  return one(make(in.context.database, std::move(command), ReplyKind::aggregate));
}

namespace {
std::vector<ServerCommand> given_command(const BuildInput& in, const std::string& database) {
  bson_iter_t it;
  bson::Document command;
  if (bson_iter_init(&it, in.spec.get()) && bson_iter_next(&it)) command = bson::iter_document(it);
  return one(make(database, std::move(command)));
}
}  // namespace

std::vector<ServerCommand> run_command(const BuildInput& in) { return given_command(in, in.context.database); }

std::vector<ServerCommand> admin_command(const BuildInput& in) { return given_command(in, std::string(kAdmin)); }

}  // namespace mongoway::script::builders
