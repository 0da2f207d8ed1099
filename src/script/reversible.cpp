#include "script/reversible.hpp"

#include <fmt/format.h>

#include "bson/bson_util.hpp"

namespace mongoway::script {
namespace {

// A placeholder inside a document's `_id` (path "document._id…" or
// "documents.N._id…"): the `_id` sent is known only once rendered, and the
// undo reads the `_id`s back from the file.
bool placeholder_in_id(const Command& command) {
  for (const auto& site : command.placeholder_sites) {
    const auto& p = site.path;
    if (p.size() >= 2 && p[0] == "document" && p[1] == "_id") return true;
    if (p.size() >= 3 && p[0] == "documents" && p[2] == "_id") return true;
  }
  return false;
}

bool has_id(const bson::Document& document) {
  bson_iter_t it;
  return bson::find_field(document, "_id", &it);
}

std::string no_id_in_documents_file(uint64_t number) {
  return fmt::format("document {} of its documentsFile has no _id, so the documents it inserts cannot be told apart "
                     "from others",
                     number);
}

bool insert_is_reversible(const Command& command, std::string* why) {
  if (placeholder_in_id(command)) {
    *why = "a placeholder gives an _id, so the _ids it inserts are not in the file";
    return false;
  }
  if (command.documents_file) {
    // Known from the loader's check of the file, which is not read again.
    if (!command.documents_first_without_id) {
      *why = "its documentsFile's _ids were not checked when it was loaded";
      return false;
    }
    if (*command.documents_first_without_id == 0) return true;
    *why = no_id_in_documents_file(*command.documents_first_without_id);
    return false;
  }
  bson_iter_t it;
  std::vector<bson::Document> documents;
  if (bson::find_field(command.spec, "document", &it)) documents.push_back(bson::iter_document(it));
  if (bson::find_field(command.spec, "documents", &it)) documents = bson::iter_documents(it);
  for (size_t i = 0; i < documents.size(); ++i) {
    if (!has_id(documents[i])) {
      *why = fmt::format("document {} has no _id, so the documents it inserts cannot be told apart from others", i + 1);
      return false;
    }
  }
  return true;
}

bool rename_is_reversible(const Command& command, std::string* why) {
  bson_iter_t it;
  if (bson::find_field(command.spec, "dropTarget", &it) && bson_iter_as_bool(&it)) {
    *why = "dropTarget drops the collection it replaces, which no undo can bring back";
    return false;
  }
  return true;
}

}  // namespace

bool is_reversible(const Command& command, std::string* why) {
  const std::string& name = command.name;
  if (name == "createCollection" || name == "createView" || name == "createIndex" || name == "createIndexes") {
    return true;
  }
  if (name == "renameCollection") return rename_is_reversible(command, why);
  if (name == "insertOne" || name == "insertMany") return insert_is_reversible(command, why);
  if (name == "runCommand" || name == "adminCommand") {
    *why = fmt::format("{} may do anything, so what it did cannot be known", name);
  } else if (name.rfind("drop", 0) == 0) {
    *why = fmt::format("{} removes what no undo can bring back", name);
  } else if (name.rfind("delete", 0) == 0) {
    *why = fmt::format("{} removes documents no undo can bring back", name);
  } else if (name.rfind("update", 0) == 0 || name == "replaceOne") {
    *why = fmt::format("{} changes documents in place, and what they held is not kept", name);
  } else if (name == "collMod") {
    *why = "collMod changes options, and what they were is not kept";
  } else {
    *why = fmt::format("{} is not one of the commands an undo can be derived for (createCollection, createView, "
                       "createIndex, createIndexes, renameCollection, insertOne and insertMany with every _id given)",
                       name);
  }
  return false;
}

std::optional<Irreversible> first_irreversible(const Script& script) {
  for (const auto& command : script.commands) {
    std::string why;
    if (!is_reversible(command, &why)) {
      return Irreversible{command.index, command.line, command.column, command.name, std::move(why)};
    }
  }
  return std::nullopt;
}

std::string describe(const Script& script, const Irreversible& irreversible) {
  return fmt::format("{}:{}:{}: command {} ({}) is not reversible: {}", script.file.file_name, irreversible.line,
                     irreversible.column, irreversible.index, irreversible.name, irreversible.reason);
}

}  // namespace mongoway::script
