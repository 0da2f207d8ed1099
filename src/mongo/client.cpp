#include "mongo/client.hpp"

#include <fmt/format.h>
#include <mongoc/mongoc.h>

#include <algorithm>
#include <cctype>

#include "mongo/driver_log.hpp"
#include "mongo/uri.hpp"
#include "util/redact.hpp"

namespace mongoway::mongo {
namespace {

// mongoc_init once per process, mongoc_cleanup at exit.
struct Driver {
  Driver() {
    install_driver_log();
    mongoc_init();
  }
  ~Driver() { mongoc_cleanup(); }
};

void ensure_driver() { static Driver driver; }

bool is_connection_error(const bson_error_t& e) {
  switch (e.domain) {
    case MONGOC_ERROR_STREAM:
    case MONGOC_ERROR_SERVER_SELECTION:
    case MONGOC_ERROR_SASL: return true;
    case MONGOC_ERROR_CLIENT:
      return e.code == MONGOC_ERROR_CLIENT_AUTHENTICATE || e.code == MONGOC_ERROR_CLIENT_NO_ACCEPTABLE_PEER;
    default: return false;
  }
}

// libmongoc reports a failed TLS handshake inside its server-selection
// error's text, with no code of its own.
bool is_tls_failure(const std::string& message) {
  for (const char* word : {"TLS", "SSL", "certificate"}) {
    if (message.find(word) != std::string::npos) return true;
  }
  return false;
}

bool is_auth_error(const bson_error_t& e) {
  return (e.domain == MONGOC_ERROR_CLIENT && e.code == MONGOC_ERROR_CLIENT_AUTHENTICATE) ||
         e.domain == MONGOC_ERROR_SASL || (e.domain == MONGOC_ERROR_SERVER && e.code == 18);
}

int32_t get_int32(const bson_t* doc, const char* key, int32_t fallback) {
  bson_iter_t it;
  if (bson_iter_init_find(&it, doc, key) && BSON_ITER_HOLDS_NUMBER(&it)) {
    return static_cast<int32_t>(bson_iter_as_int64(&it));
  }
  return fallback;
}

std::string get_utf8(const bson_t* doc, const char* key) {
  bson_iter_t it;
  if (bson_iter_init_find(&it, doc, key) && BSON_ITER_HOLDS_UTF8(&it)) return bson_iter_utf8(&it, nullptr);
  return {};
}

// Which server answered buildInfo, from its reply and the URI's host: the
// marks MongoDB's own tools go by (mongodb-build-info, the drivers' host
// name checks). Amazon DocumentDB's buildInfo looks like MongoDB's.
void identify(const bson::Document& build_info, const std::string& host, ServerInfo& info) {
  bson_iter_t it;
  info.kind_version = info.version;
  if (info.ferretdb) {
    info.kind = port::ServerKind::ferretdb;
    info.kind_version = get_utf8(build_info.get(), "ferretdbVersion");
    if (info.kind_version.starts_with('v')) info.kind_version.erase(0, 1);
  } else if (bson_iter_init_find(&it, build_info.get(), "_t") || host.ends_with(".cosmos.azure.com")) {
    info.kind = port::ServerKind::cosmosdb;
  } else if (host.ends_with(".docdb.amazonaws.com") || host.ends_with(".docdb-elastic.amazonaws.com")) {
    info.kind = port::ServerKind::documentdb;
  } else if (info.version.empty()) {
    info.kind = port::ServerKind::unknown;
  }
}

}  // namespace

std::string driver_version() { return mongoc_get_version(); }

std::string fit_app_name(std::string_view name) {
  constexpr size_t kMax = MONGOC_HANDSHAKE_APPNAME_MAX;
  if (name.size() <= kMax) return std::string(name);
  const size_t colon = name.rfind(':');
  const std::string_view tail = colon == std::string_view::npos || name.size() - colon > kMax / 2 ? std::string_view()
                                                                                                  : name.substr(colon);
  size_t keep = kMax - tail.size();
  // Back to the first byte of a character: a continuation byte is 10xxxxxx.
  while (keep > 0 && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80) --keep;
  return std::string(name.substr(0, keep)) + std::string(tail);
}

std::string Client::app_name() const {
  const char* name = mongoc_uri_get_appname(m_uri.get());
  return name != nullptr ? name : "";
}

void Client::UriDeleter::operator()(mongoc_uri_t* p) const { mongoc_uri_destroy(p); }
void Client::ClientDeleter::operator()(mongoc_client_t* p) const {
  if (pool != nullptr) mongoc_client_pool_push(pool, p);
  else mongoc_client_destroy(p);
}

Client::UriPtr Client::prepared_uri(const ClientOptions& options) {
  ensure_driver();
  const std::string redacted = redact_uri(options.uri);
  auto masked = [&options](const std::string& text) { return redact_secrets(text, uri_secrets(options.uri)); };
  // Read first as the command line reads it: a warning of the driver about
  // the URI (an unknown option) is an error here too.
  std::string problem;
  if (!Uri::parse(options.uri, &problem)) {
    throw Error(ExitCode::usage, masked(fmt::format("invalid connection URI {}: {}", redacted, problem)));
  }
  bson_error_t error;
  UriPtr uri(mongoc_uri_new_with_error(options.uri.c_str(), &error));
  if (!uri) throw Error(ExitCode::usage, fmt::format("invalid connection URI {}: {}", redacted, masked(error.message)));
  auto set_default = [&](const char* option, int32_t value) {
    if (!mongoc_uri_has_option(uri.get(), option)) mongoc_uri_set_option_as_int32(uri.get(), option, value);
  };
  set_default(MONGOC_URI_SERVERSELECTIONTIMEOUTMS, static_cast<int32_t>(options.server_selection_timeout.count()));
  set_default(MONGOC_URI_CONNECTTIMEOUTMS, static_cast<int32_t>(options.server_selection_timeout.count()));
  // No limit (0): a reply is awaited as long as the command runs on the
  // server (an index build can take hours); the driver reads 0 as its own
  // default of five minutes, so "no limit" is the largest value it takes.
  const auto socket_timeout = options.socket_timeout.count();
  set_default(MONGOC_URI_SOCKETTIMEOUTMS,
              socket_timeout <= 0 || socket_timeout > INT32_MAX ? INT32_MAX : static_cast<int32_t>(socket_timeout));
  if (!mongoc_uri_has_option(uri.get(), MONGOC_URI_APPNAME)) {
    mongoc_uri_set_appname(uri.get(), fit_app_name(options.app_name).c_str());
  }
  if (const mongoc_write_concern_t* wc = mongoc_uri_get_write_concern(uri.get());
      wc != nullptr && !mongoc_write_concern_is_acknowledged(wc)) {
    throw Error(ExitCode::usage, fmt::format("the connection URI {} asks for unacknowledged writes (w=0): mongoway "
                                             "must know that each write landed before it records it; remove w=0",
                                             redacted));
  }
  return uri;
}

Client::Client(const ClientOptions& options)
    : m_uri(prepared_uri(options)),
      m_client(nullptr, ClientDeleter{}),
      m_redacted_uri(redact_uri(options.uri)),
      m_secrets(uri_secrets(options.uri)) {
  m_secrets.insert(m_secrets.end(), options.secrets.begin(), options.secrets.end());
  bson_error_t error;
  m_client.reset(mongoc_client_new_from_uri_with_error(m_uri.get(), &error));
  if (!m_client) {
    throw Error(ExitCode::usage,
                fmt::format("cannot use connection URI {}: {}", m_redacted_uri, redact(error.message)));
  }
  mongoc_client_set_error_api(m_client.get(), MONGOC_ERROR_API_VERSION_2);
}

// The pool's clients already speak the error API version 2 (set on the pool).
Client::Client(const ClientOptions& options, mongoc_client_pool_t* pool)
    : m_uri(prepared_uri(options)),
      m_client(mongoc_client_pool_pop(pool), ClientDeleter{pool}),
      m_redacted_uri(redact_uri(options.uri)),
      m_secrets(uri_secrets(options.uri)) {
  m_secrets.insert(m_secrets.end(), options.secrets.begin(), options.secrets.end());
}

struct ClientApm {
  static void started(const mongoc_apm_command_started_t* event) {
    auto* self = static_cast<Client*>(mongoc_apm_command_started_get_context(event));
    if (self && self->m_observer) {
      self->m_observer(mongoc_apm_command_started_get_command_name(event),
                       mongoc_apm_command_started_get_database_name(event));
    }
    if (self && self->m_sent_observer) {
      self->m_sent_observer(bson::Document::copy_of(mongoc_apm_command_started_get_command(event)));
    }
  }
};

namespace {
struct ApmDeleter {
  void operator()(mongoc_apm_callbacks_t* p) const { mongoc_apm_callbacks_destroy(p); }
};
}  // namespace

void Client::set_command_observer(std::function<void(const std::string&, const std::string&)> observer) {
  m_observer = std::move(observer);
  monitor_commands();
}

void Client::set_sent_command_observer(std::function<void(const bson::Document&)> observer) {
  m_sent_observer = std::move(observer);
  monitor_commands();
}

void Client::monitor_commands() {
  std::unique_ptr<mongoc_apm_callbacks_t, ApmDeleter> callbacks(mongoc_apm_callbacks_new());
  mongoc_apm_set_command_started_cb(callbacks.get(), &ClientApm::started);
  mongoc_client_set_apm_callbacks(m_client.get(), callbacks.get(), this);
}

Client::~Client() {
  // The driver sends endSessions while it is destroyed: stop observing first.
  if (m_client && (m_observer || m_sent_observer)) mongoc_client_set_apm_callbacks(m_client.get(), nullptr, nullptr);
  m_client.reset();
}

std::string Client::redact(const std::string& text) const { return redact_secrets(text, m_secrets); }

void Client::fail(const char* what, const bson_error_t& error, const bson::Document* reply) {
  std::string message = redact(error.message);
  // Before the connection errors: a server's AuthenticationFailed (18) is a
  // command error in the driver's eyes, but the credentials are what failed.
  if (is_auth_error(error)) {
    throw Error(ExitCode::connection,
                fmt::format("cannot authenticate to {}: {}; check the user name, password, authSource and "
                            "authMechanism",
                            m_redacted_uri, message));
  }
  if (is_connection_error(error)) connection_failed(message);
  // A server that needs credentials and got none (code 13, Unauthorized): an
  // authentication problem, not a failed command.
  if (error.domain == MONGOC_ERROR_SERVER && error.code == 13 &&
      message.find("requires authentication") != std::string::npos) {
    throw Error(ExitCode::connection,
                fmt::format("cannot authenticate to {}: {}; the server requires a user name and password (in the URI, "
                            "with --password-file or MONGOWAY_PASSWORD)",
                            m_redacted_uri, message));
  }
  int code = static_cast<int>(error.code);
  if (reply && error.domain == MONGOC_ERROR_SERVER) {
    code = get_int32(reply->get(), "code", code);
  }
  throw port::ServerError(code, fmt::format("{} failed: {} (code {})", what, message, code));
}

// A server that answered once and no longer does was lost, and the advice to
// check the URI would mislead. One never reached is retried by the engine
// (--connect-retries) unless something did answer: a TLS handshake or a
// certificate that failed.
void Client::connection_failed(const std::string& message) const {
  if (m_reached) {
    throw Error(ExitCode::connection,
                fmt::format("lost the connection to the server at {}: {}", m_redacted_uri, message));
  }
  const std::string advice = fmt::format("cannot reach the server at {}: {}; check that it is running and that the "
                                         "URI's host, port and TLS options are right",
                                         m_redacted_uri, message);
  if (is_tls_failure(message)) throw Error(ExitCode::connection, advice);
  throw port::ServerUnreachable(advice);
}

bson::Document Client::write_options(const bson::Document& command) {
  bson::Document opts;
  if (m_session) return opts;  // run_raw attaches the session
  const mongoc_write_concern_t* wc = mongoc_client_get_write_concern(m_client.get());
  if (wc == nullptr || mongoc_write_concern_is_default(wc) || bson_has_field(command.get(), "writeConcern"))
    return opts;
  std::unique_ptr<mongoc_write_concern_t, void (*)(mongoc_write_concern_t*)> copy(mongoc_write_concern_copy(wc),
                                                                                  mongoc_write_concern_destroy);
  mongoc_write_concern_append(copy.get(), opts.mut());
  return opts;
}

bson::Document Client::run_raw(const std::string& database, const bson::Document& command, bool write) {
  bson::Document opts = write ? write_options(command) : bson::Document{};
  bson_error_t error;
  if (m_session && !mongoc_client_session_append(m_session, opts.mut(), &error)) {
    fail("attaching the transaction", error, nullptr);
  }
  bson::Document reply;
  bson_destroy(reply.mut());  // mongoc_client_command_with_opts initialises the reply itself
  const auto sent = std::chrono::steady_clock::now();
  bool ok = mongoc_client_command_with_opts(m_client.get(), database.c_str(), command.get(), nullptr, opts.get(),
                                            reply.mut(), &error);
  if (!ok) {
    const char* name = "command";
    bson_iter_t it;
    if (bson_iter_init(&it, command.get()) && bson_iter_next(&it)) name = bson_iter_key(&it);
    if (m_session) m_transaction_error_reply = bson::Document::copy_of(reply.get());
    if (error.domain == MONGOC_ERROR_STREAM && answers_ping()) {
      lost_reply(name, std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - sent));
    }
    fail(name, error, &reply);
  }
  m_reached = true;
  return reply;
}

// {name: 1} on admin, without the session (this may run inside a
// transaction's body) and without classifying a failure: nullopt.
std::optional<bson::Document> Client::ask_admin(const char* name) {
  bson::Document command;
  BSON_APPEND_INT32(command.mut(), name, 1);
  bson::Document reply;
  bson_destroy(reply.mut());  // mongoc_client_command_simple initialises the reply itself
  bson_error_t error;
  if (!mongoc_client_command_simple(m_client.get(), "admin", command.get(), nullptr, reply.mut(), &error)) {
    return std::nullopt;
  }
  return reply;
}

bool Client::answers_ping() { return ask_admin("ping").has_value(); }

// A command's connection failed while the server, asked again, answers: the
// command was sent, and whether it ran is unknown — unless the server is
// FerretDB and the connection closed at once, which is how FerretDB refuses a
// BSON type it cannot store (Decimal128) without running anything.
void Client::lost_reply(const char* name, std::chrono::milliseconds waited) {
  const int32_t timeout_ms = mongoc_uri_get_option_as_int32(m_uri.get(), MONGOC_URI_SOCKETTIMEOUTMS,
                                                            MONGOC_DEFAULT_SOCKETTIMEOUTMS);
  const bool timed_out = waited.count() >= timeout_ms - timeout_ms / 10;
  if (!timed_out && is_ferretdb()) {
    throw port::ServerError(0, fmt::format("{} failed: the server closed the connection while running it "
                                           "(it may not support a value or option in the command)",
                                           name));
  }
  const std::string how = timed_out ? fmt::format("no reply within socketTimeoutMS={} ms", timeout_ms)
                                    : fmt::format("the connection closed after {} ms", waited.count());
  throw Error(ExitCode::connection,
              fmt::format("lost the reply to {} ({}): the server may still be running it, or have applied it in "
                          "part or in full; its outcome is unknown",
                          name, how));
}

bool Client::is_ferretdb() {
  if (m_info) return m_info->ferretdb;
  auto reply = ask_admin("buildInfo");
  bson_iter_t it;
  return reply && bson_iter_init_find(&it, reply->get(), "ferretdbVersion");
}

bson::Document Client::run(const std::string& database, const bson::Document& command) {
  bson::Document reply = run_raw(database, command);
  check_write_reply(command, reply);
  return reply;
}

bson::Document Client::run_write(const std::string& database, const bson::Document& command) {
  bson::Document reply = run_raw(database, command, /*write=*/true);
  check_write_reply(command, reply);
  return reply;
}

void Client::check_write_reply(const bson::Document& command, const bson::Document& reply) const {
  bson_iter_t it, child;
  const char* name = "command";
  if (bson_iter_init(&it, command.get()) && bson_iter_next(&it)) name = bson_iter_key(&it);
  if (bson_iter_init_find(&it, reply.get(), "writeErrors") && BSON_ITER_HOLDS_ARRAY(&it) &&
      bson_iter_recurse(&it, &child) && bson_iter_next(&child) && BSON_ITER_HOLDS_DOCUMENT(&child)) {
    uint32_t len = 0;
    const uint8_t* data = nullptr;
    bson_iter_document(&child, &len, &data);
    auto err = bson::Document::from_data(data, len);
    bson_iter_t f;
    int code = get_int32(err.get(), "code", 0);
    std::string msg = bson_iter_init_find(&f, err.get(), "errmsg") && BSON_ITER_HOLDS_UTF8(&f)
                          ? bson_iter_utf8(&f, nullptr)
                          : "write error";
    int index = get_int32(err.get(), "index", 0);
    throw port::ServerError(code, fmt::format("{} failed: {} (code {}, at write {})", name, redact(msg), code, index));
  }
  if (bson_iter_init_find(&it, reply.get(), "writeConcernError") && BSON_ITER_HOLDS_DOCUMENT(&it)) {
    uint32_t len = 0;
    const uint8_t* data = nullptr;
    bson_iter_document(&it, &len, &data);
    auto err = bson::Document::from_data(data, len);
    bson_iter_t f;
    int code = get_int32(err.get(), "code", 0);
    std::string msg = bson_iter_init_find(&f, err.get(), "errmsg") && BSON_ITER_HOLDS_UTF8(&f)
                          ? bson_iter_utf8(&f, nullptr)
                          : "write concern error";
    throw port::ServerError(code, fmt::format("{} failed: write concern error: {} (code {})", name, redact(msg), code));
  }
}

std::vector<bson::Document> Client::run_cursor(const std::string& database, const bson::Document& command) {
  std::vector<bson::Document> out;
  for_each_in_cursor(database, command, [&](const bson::Document& doc) { out.push_back(doc); });
  return out;
}

namespace {

// A cursor the server keeps open until it is read to its end: killed when
// its reading stops early (a throw), best-effort, rather than left holding
// the server's resources until it times out (ten minutes on MongoDB).
struct OpenCursor {
  OpenCursor(Client& c, const std::string& db) : client(c), database(db) {}
  Client& client;
  const std::string& database;
  int64_t id = 0;
  std::string collection;
  OpenCursor(const OpenCursor&) = delete;
  OpenCursor& operator=(const OpenCursor&) = delete;
  ~OpenCursor() {
    if (id == 0) return;
    try {
      bson::Document kill;
      BSON_APPEND_UTF8(kill.mut(), "killCursors", collection.c_str());
      bson_t ids;
      BSON_APPEND_ARRAY_BEGIN(kill.mut(), "cursors", &ids);
      BSON_APPEND_INT64(&ids, "0", id);
      bson_append_array_end(kill.mut(), &ids);
      client.run(database, kill);
    } catch (...) {  // NOLINT(bugprone-empty-catch): the server times it out anyway
    }
  }
};

}  // namespace

void Client::for_each_in_cursor(const std::string& database, const bson::Document& command,
                                const std::function<void(const bson::Document&)>& each) {
  bson::Document reply = run(database, command);
  const char* batch_key = "firstBatch";
  OpenCursor open{*this, database};
  for (;;) {
    bson_iter_t it, cursor, field, batch;
    if (!bson_iter_init_find(&it, reply.get(), "cursor") || !BSON_ITER_HOLDS_DOCUMENT(&it) ||
        !bson_iter_recurse(&it, &cursor)) {
      throw port::ServerError(0, "the server's reply has no cursor");
    }
    // The id and the namespace before the batch, whatever their order: a
    // batch whose reading throws leaves a cursor to kill.
    bson_iter_t at = cursor;
    open.id = bson_iter_find(&at, "id") ? bson_iter_as_int64(&at) : 0;
    at = cursor;
    const std::string ns = bson_iter_find(&at, "ns") && BSON_ITER_HOLDS_UTF8(&at) ? bson_iter_utf8(&at, nullptr) : "";
    const auto dot = ns.find('.');
    open.collection = dot == std::string::npos ? ns : ns.substr(dot + 1);
    field = cursor;
    if (bson_iter_find(&field, batch_key) && BSON_ITER_HOLDS_ARRAY(&field) && bson_iter_recurse(&field, &batch)) {
      while (bson_iter_next(&batch)) {
        if (!BSON_ITER_HOLDS_DOCUMENT(&batch)) continue;
        uint32_t len = 0;
        const uint8_t* data = nullptr;
        bson_iter_document(&batch, &len, &data);
        each(bson::Document::from_data(data, len));
      }
    }
    if (open.id == 0) break;
    bson::Document more;
    BSON_APPEND_INT64(more.mut(), "getMore", open.id);
    BSON_APPEND_UTF8(more.mut(), "collection", open.collection.c_str());
    reply = run_raw(database, more);
    batch_key = "nextBatch";
  }
}

const ServerInfo& Client::server_info() {
  if (m_info) return *m_info;
  auto info = std::make_unique<ServerInfo>();
  bson::Document hello;
  BSON_APPEND_INT32(hello.mut(), "hello", 1);
  auto reply = run("admin", hello);
  bson_iter_t it;
  const bool replica_set = bson_iter_init_find(&it, reply.get(), "setName");
  const bool mongos = bson_iter_init_find(&it, reply.get(), "msg") && BSON_ITER_HOLDS_UTF8(&it) &&
                      strcmp(bson_iter_utf8(&it, nullptr), "isdbgrid") == 0;
  info->max_write_batch_size = get_int32(reply.get(), "maxWriteBatchSize", info->max_write_batch_size);
  info->max_bson_object_size = get_int32(reply.get(), "maxBsonObjectSize", info->max_bson_object_size);
  info->max_message_size = get_int32(reply.get(), "maxMessageSizeBytes", info->max_message_size);
  bson::Document build;
  BSON_APPEND_INT32(build.mut(), "buildInfo", 1);
  auto build_reply = run("admin", build);
  info->ferretdb = bson_iter_init_find(&it, build_reply.get(), "ferretdbVersion");
  info->version = get_utf8(build_reply.get(), "version");
  info->topology = mongos        ? port::Topology::sharded
                   : replica_set ? port::Topology::replica_set
                                 : port::Topology::standalone;
  identify(build_reply, first_host(), *info);
  info->supports_transactions = (replica_set || mongos) && !info->ferretdb;
  m_info = std::move(info);
  return *m_info;
}

// The first host of the URI, or the name an SRV URI looks up, in lower case.
std::string Client::first_host() const {
  std::string host;
  if (const mongoc_host_list_t* hosts = mongoc_uri_get_hosts(m_uri.get()); hosts != nullptr) {
    host = hosts->host;
  } else if (const char* srv = mongoc_uri_get_srv_hostname(m_uri.get()); srv != nullptr) {
    host = srv;
  }
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return host;
}

int64_t Client::server_time_ms() {
  bson::Document hello;
  BSON_APPEND_INT32(hello.mut(), "hello", 1);
  auto reply = run("admin", hello);
  bson_iter_t it;
  if (bson_iter_init_find(&it, reply.get(), "localTime") && BSON_ITER_HOLDS_DATE_TIME(&it)) {
    return bson_iter_date_time(&it);
  }
  throw port::ServerError(0, "the server's hello reply has no localTime");
}

namespace {
struct TransactionContext {
  const std::function<void()>* body;
  std::optional<bson::Document>* error_reply;  // the reply of the command that failed in this attempt
  std::exception_ptr failure;
};

// One attempt of the body. libmongoc runs it again only when the reply it is
// handed back carries the TransientTransactionError label (a primary stepped
// down, a write conflict): so the failed command's reply goes back to it, and
// each attempt starts with no failure of its own.
bool transaction_callback(mongoc_client_session_t*, void* ctx, bson_t** reply, bson_error_t* error) {
  auto* context = static_cast<TransactionContext*>(ctx);
  context->failure = nullptr;
  context->error_reply->reset();
  try {
    (*context->body)();
    return true;
  } catch (...) {
    context->failure = std::current_exception();
    if (reply && *context->error_reply) *reply = bson_copy((*context->error_reply)->get());
    bson_set_error(error, MONGOC_ERROR_TRANSACTION, MONGOC_ERROR_TRANSACTION_INVALID_STATE,
                   "a command of the transaction failed");
    return false;
  }
}

struct SessionDeleter {
  void operator()(mongoc_client_session_t* p) const { mongoc_client_session_destroy(p); }
};
}  // namespace

void Client::with_transaction(const std::function<void()>& body) {
  if (!server_info().supports_transactions) {
    throw Error(ExitCode::usage, "the server does not support transactions (it needs a replica set or a "
                                 "sharded cluster)");
  }
  bson_error_t error;
  std::unique_ptr<mongoc_client_session_t, SessionDeleter> session(
      mongoc_client_start_session(m_client.get(), nullptr, &error));
  if (!session) fail("starting a session", error, nullptr);
  TransactionContext context{&body, &m_transaction_error_reply, nullptr};
  m_session = session.get();
  bool ok = mongoc_client_session_with_transaction(session.get(), transaction_callback, nullptr, &context, nullptr,
                                                   &error);
  m_session = nullptr;
  if (context.failure) std::rethrow_exception(context.failure);
  if (!ok) fail("transaction", error, nullptr);
}

}  // namespace mongoway::mongo
