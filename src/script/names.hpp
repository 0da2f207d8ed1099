#pragma once
// MongoDB's rules for the names of databases and collections, as its
// reference states them ("Naming Restrictions" of "MongoDB Limits and
// Thresholds") and its servers enforce them: what a server would refuse is
// refused before anything is sent.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mongoway::script {

// A database name is at most this many bytes (MongoDB: fewer than 64).
inline constexpr size_t kMaxDatabaseNameBytes = 63;
// A namespace, "<database>.<collection>", is at most this many bytes
// (MongoDB 4.4 and later, unsharded collections and views; a sharded
// collection takes 235).
inline constexpr size_t kMaxNamespaceBytes = 255;

// Why MongoDB refuses `name` for a database ("must not contain '.'"), or
// nullopt when it takes it: not empty, fewer than 64 bytes, none of
// / \ . space " $ and no NUL (the rules for Linux and macOS servers).
std::optional<std::string> database_name_problem(std::string_view name);

// What MongoDB refuses in the name of a collection of the application: the
// rule once, for the settings' names here and for the command files'
// validation, which words its messages its own way.
enum class CollectionNameFault { none, empty, nul, leading_dot, dollar, system_prefix };
CollectionNameFault collection_name_fault(std::string_view name);

// Why MongoDB refuses `name` for a collection of the application, or nullopt:
// not empty, no NUL, no '$', not starting with '.' or "system." (reserved
// for MongoDB's own collections).
std::optional<std::string> collection_name_problem(std::string_view name);

// Why the namespace of `collection` in `database` is too long, or nullopt.
std::optional<std::string> namespace_problem(std::string_view database, std::string_view collection);

}  // namespace mongoway::script
