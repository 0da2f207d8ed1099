// MongoDB's rules for database and collection names, checked before anything
// is sent.

#include <gtest/gtest.h>

#include <string>

#include "script/names.hpp"

namespace mongoway::script {
namespace {

TEST(ScriptNames, DatabaseNamesFollowMongoDbsRules) {
  for (const char* good : {"shop", "shop-test_2", "Prüfung", "日本", "a"}) {
    EXPECT_EQ(database_name_problem(good), std::nullopt) << good;
  }
  EXPECT_EQ(database_name_problem(""), "a database name must not be empty");
  EXPECT_EQ(database_name_problem("a.b"),
            "a database name must not contain '.' (MongoDB refuses / \\ . space \" $ and NUL in one)");
  for (const char* bad : {"a/b", "a\\b", "a b", "a\"b", "a$b"}) {
    EXPECT_NE(database_name_problem(bad), std::nullopt) << bad;
  }
  EXPECT_NE(database_name_problem(std::string("a\0b", 3)), std::nullopt);
  EXPECT_EQ(database_name_problem(std::string(63, 'd')), std::nullopt);
  EXPECT_EQ(database_name_problem(std::string(64, 'd')),
            "a database name must be shorter than 64 bytes; this one has 64");
}

TEST(ScriptNames, CollectionNamesFollowMongoDbsRules) {
  for (const char* good : {"mongoway_history", "orders.archive", "_x", "日本語"}) {
    EXPECT_EQ(collection_name_problem(good), std::nullopt) << good;
  }
  EXPECT_EQ(collection_name_problem(""), "a collection name must not be empty");
  EXPECT_EQ(collection_name_problem("a$b"), "a collection name must not contain '$'");
  EXPECT_EQ(collection_name_problem(std::string("a\0b", 3)), "a collection name must not contain NUL (U+0000)");
  EXPECT_EQ(collection_name_problem(".hidden"), "a collection name must not start with '.'");
  EXPECT_EQ(collection_name_problem("system.history"),
            "a collection name must not start with \"system.\", which is reserved for MongoDB's own collections");
}

TEST(ScriptNames, ANamespaceIsAtMost255Bytes) {
  const std::string database(63, 'd');
  EXPECT_EQ(namespace_problem(database, std::string(255 - 64, 'c')), std::nullopt);
  EXPECT_EQ(namespace_problem(database, std::string(255 - 63, 'c')),
            "the namespace \"" + database + "." + std::string(192, 'c') +
                "\" is 256 bytes; MongoDB takes at most 255 (the database name, a dot and the collection name)");
}

}  // namespace
}  // namespace mongoway::script
