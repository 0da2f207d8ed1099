#pragma once
// The driver side: the only place (with the other files of src/mongo) that
// includes <mongoc/mongoc.h>. Owns every mongoc handle through RAII.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bson/document.hpp"
#include "mongo/driver_log.hpp"  // set_driver_log_sink
#include "mongoway/error.hpp"
#include "port/server.hpp"

// libmongoc's own declarations of its handles, repeated so that this header
// need not include the driver.
// NOLINTBEGIN(bugprone-reserved-identifier,modernize-use-using): the driver's names, spelt as it spells them
typedef struct _mongoc_client_t mongoc_client_t;
typedef struct _mongoc_client_pool_t mongoc_client_pool_t;
typedef struct _mongoc_uri_t mongoc_uri_t;
typedef struct _mongoc_client_session_t mongoc_client_session_t;
// NOLINTEND(bugprone-reserved-identifier,modernize-use-using)

namespace mongoway::mongo {

struct ClientOptions {
  std::string uri;
  std::chrono::milliseconds server_selection_timeout{5000};
  std::chrono::milliseconds socket_timeout{0};  // 0: no limit; the URI's socketTimeoutMS wins
  std::vector<std::string> secrets;             // more text to mask in messages (secret placeholder values)
  // The name the server lists the connection under (db.currentOp()'s
  // appName), cut to the driver's 128 bytes; the URI's appName wins.
  std::string app_name = "mongoway";
};

// `name` as the handshake takes it: at most 128 bytes, on a character
// boundary, keeping its end from the last ':' (a process id) when cut.
std::string fit_app_name(std::string_view name);

// What `hello` and `buildInfo` say about the server, read once per client.
struct ServerInfo {
  bool ferretdb = false;
  bool supports_transactions = false;  // replica set or sharded cluster, and not FerretDB
  std::string version;
  port::ServerKind kind = port::ServerKind::mongodb;
  std::string kind_version;  // FerretDB's own version; else `version`
  port::Topology topology = port::Topology::standalone;
  int max_write_batch_size = 100000;
  int max_bson_object_size = 16 * 1024 * 1024;
  int max_message_size = 48000000;
};

// The version of the MongoDB C driver in use (for `mongoway --version`).
std::string driver_version();

class Client {
 public:
  struct UriDeleter {
    void operator()(mongoc_uri_t* p) const;
  };
  using UriPtr = std::unique_ptr<mongoc_uri_t, UriDeleter>;
  // The URI as every client of mongoway reads it: the options' timeouts and
  // appName where it sets none; a bad URI, or w=0, is a usage error with the
  // password masked.
  static UriPtr prepared_uri(const ClientOptions& options);

  // Parses the URI (no I/O). A bad URI is a usage error with the password masked.
  explicit Client(const ClientOptions& options);
  // A client taken from `pool` (made from the same options), given back to
  // it when destroyed: a fleet's databases share their cluster's connections.
  Client(const ClientOptions& options, mongoc_client_pool_t* pool);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Runs a command and returns the server's reply. Throws port::ServerError when the
  // server refuses it (ok:0, and also writeErrors or a writeConcernError in an
  // ok:1 reply, whatever the command), Error(connection) when the server cannot
  // be reached.
  bson::Document run(const std::string& database, const bson::Document& command);
  // Runs a command that answers with a cursor and returns every document.
  std::vector<bson::Document> run_cursor(const std::string& database, const bson::Document& command);
  // The same, handing each document to `each` as its batch arrives: only one
  // batch is held at a time (a collection's documents, for a digest).
  void for_each_in_cursor(const std::string& database, const bson::Document& command,
                          const std::function<void(const bson::Document&)>& each);
  // The same as run() for an insert, update or delete, sent with the URI's
  // write concern (w, wtimeoutMS, journal) when it gives one and `command`
  // has none of its own: the driver applies the client's write concern to
  // its helpers only, not to commands.
  bson::Document run_write(const std::string& database, const bson::Document& command);
  // The options a write is sent with: the transaction's session inside one
  // (which carries the transaction's write concern), else the URI's write
  // concern, else none.
  bson::Document write_options(const bson::Document& command);

  const ServerInfo& server_info();
  // The server's clock, from `hello`'s localTime (milliseconds since the epoch).
  int64_t server_time_ms();

  const std::string& redacted_uri() const { return m_redacted_uri; }
  // The appName the connection announces to the server.
  std::string app_name() const;
  const std::vector<std::string>& secrets() const { return m_secrets; }
  // Removes the URI's secrets from a message.
  std::string redact(const std::string& text) const;

  // Called with the name and database of every command sent to the server
  // (the driver's command monitoring): `-v` shows them, benchmarks count them.
  void set_command_observer(std::function<void(const std::string& name, const std::string& database)> observer);
  // Called with every command as it is sent, whole (writeConcern, lsid and
  // all): what a write carries, which a server may ignore (FerretDB ignores
  // writeConcern), can be checked only here.
  void set_sent_command_observer(std::function<void(const bson::Document& command)> observer);

  // Transactions: `with_transaction` runs `body` inside one transaction
  // (retrying on transient errors); commands run by `body` go through
  // run/run_write, which attach the session while it is active.
  void with_transaction(const std::function<void()>& body);

 private:
  bson::Document run_raw(const std::string& database, const bson::Document& command, bool write = false);
  void check_write_reply(const bson::Document& command, const bson::Document& reply) const;
  [[noreturn]] void fail(const char* what, const struct _bson_error_t& error, const bson::Document* reply);
  std::optional<bson::Document> ask_admin(const char* name);
  bool answers_ping();
  [[noreturn]] void connection_failed(const std::string& message) const;
  [[noreturn]] void lost_reply(const char* name, std::chrono::milliseconds waited);
  bool is_ferretdb();
  std::string first_host() const;
  void monitor_commands();

  struct ClientDeleter {
    mongoc_client_pool_t* pool = nullptr;  // pushed back there rather than destroyed
    void operator()(mongoc_client_t* p) const;
  };
  UriPtr m_uri;
  std::unique_ptr<mongoc_client_t, ClientDeleter> m_client;
  std::string m_redacted_uri;
  std::vector<std::string> m_secrets;
  std::unique_ptr<ServerInfo> m_info;
  bool m_reached = false;  // a request was answered: a connection error from now on means it was lost
  mongoc_client_session_t* m_session = nullptr;             // borrowed during with_transaction
  std::optional<bson::Document> m_transaction_error_reply;  // of the command that failed inside it
  std::function<void(const std::string&, const std::string&)> m_observer;
  std::function<void(const bson::Document&)> m_sent_observer;

  friend struct ClientApm;
};

}  // namespace mongoway::mongo
