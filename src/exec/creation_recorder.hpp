#pragma once
// What a migrate version creates, read from the server's replies as its
// commands run (model::Created), for the undo derived from it. Which
// collections exist is known without a request per command: the run reads
// the database's list once and follows its own commands (create, an index
// or an insert into a new collection, a rename); a version that is not
// reversible may change anything, so the list is read again after it.

#include <set>
#include <string>

#include "model/history.hpp"
#include "mongoway/migrator.hpp"
#include "port/server.hpp"
#include "script/render.hpp"

namespace mongoway::exec {

class CreationRecorder {
 public:
  // `known`: the database's collections and views before the version.
  CreationRecorder(std::string database, std::set<std::string> known);

  // Before `sent` goes: a createIndexes of several indexes on a collection
  // that exists reads its indexes (one listIndexes), since the reply's counts
  // cannot say which of them were there already.
  void before(port::Server& server, const script::ServerCommand& sent);
  // After `sent` succeeded: what its reply (or, for an insert, its counts) shows it made.
  void after(const script::Command& command, const script::ServerCommand& sent, const bson::Document& reply,
             const WriteCounts& counts);

  const model::Created& created() const { return m_created; }
  // The collections and views once the version's commands have run.
  const std::set<std::string>& known() const { return m_known; }

 private:
  void collection_made(int command, const std::string& name, model::Creation::Kind kind);
  void indexes_made(const script::Command& command, const script::ServerCommand& sent, const bson::Document& reply);
  void documents_inserted(const script::Command& command, const script::ServerCommand& sent, const WriteCounts& counts);
  void not_derivable(std::string why);

  std::string m_database;
  std::set<std::string> m_known;
  std::set<std::string> m_indexes_before;  // of the next createIndexes, when read
  bool m_read_indexes = false;
  model::Created m_created;
};

}  // namespace mongoway::exec
