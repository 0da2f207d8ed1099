#include "script/names.hpp"

#include <fmt/format.h>

namespace mongoway::script {
namespace {

// A character as a message shows it.
std::string shown(char c) {
  switch (c) {
    case '\0': return "NUL (U+0000)";
    case ' ': return "a space";
    case '"': return "'\"'";
    default: return fmt::format("'{}'", c);
  }
}

}  // namespace

std::optional<std::string> database_name_problem(std::string_view name) {
  if (name.empty()) return "a database name must not be empty";
  constexpr std::string_view forbidden("/\\. \"$\0", 7);
  if (const auto at = name.find_first_of(forbidden); at != std::string_view::npos) {
    return fmt::format("a database name must not contain {} (MongoDB refuses / \\ . space \" $ and NUL in one)",
                       shown(name[at]));
  }
  if (name.size() > kMaxDatabaseNameBytes) {
    return fmt::format("a database name must be shorter than 64 bytes; this one has {}", name.size());
  }
  return std::nullopt;
}

CollectionNameFault collection_name_fault(std::string_view name) {
  if (name.empty()) return CollectionNameFault::empty;
  if (name.find('\0') != std::string_view::npos) return CollectionNameFault::nul;
  if (name.front() == '.') return CollectionNameFault::leading_dot;
  if (name.find('$') != std::string_view::npos) return CollectionNameFault::dollar;
  if (name.starts_with("system.")) return CollectionNameFault::system_prefix;
  return CollectionNameFault::none;
}

std::optional<std::string> collection_name_problem(std::string_view name) {
  switch (collection_name_fault(name)) {
    case CollectionNameFault::none: return std::nullopt;
    case CollectionNameFault::empty: return "a collection name must not be empty";
    case CollectionNameFault::nul: return "a collection name must not contain NUL (U+0000)";
    case CollectionNameFault::leading_dot: return "a collection name must not start with '.'";
    case CollectionNameFault::dollar: return "a collection name must not contain '$'";
    case CollectionNameFault::system_prefix:
      return "a collection name must not start with \"system.\", which is reserved for MongoDB's own collections";
  }
  return std::nullopt;
}

std::optional<std::string> namespace_problem(std::string_view database, std::string_view collection) {
  const size_t size = database.size() + 1 + collection.size();
  if (size <= kMaxNamespaceBytes) return std::nullopt;
  return fmt::format("the namespace \"{}.{}\" is {} bytes; MongoDB takes at most {} (the database name, a dot and "
                     "the collection name)",
                     database, collection, size, kMaxNamespaceBytes);
}

}  // namespace mongoway::script
