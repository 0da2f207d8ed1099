#include "mongo/client_pool.hpp"

#include <fmt/format.h>
#include <mongoc/mongoc.h>

#include "util/redact.hpp"

namespace mongoway::mongo {

void ClientPool::PoolDeleter::operator()(mongoc_client_pool_t* p) const { mongoc_client_pool_destroy(p); }

ClientPool::ClientPool(ClientOptions options, size_t clients) : m_options(std::move(options)), m_clients(clients) {
  Client::prepared_uri(m_options);  // a bad URI is refused now, before any database is started
}

// Every Client taken was given back: a MongoServer never outlives the fleet run.
ClientPool::~ClientPool() = default;

mongoc_client_pool_t* ClientPool::pool_for(const ClientOptions& options) {
  std::lock_guard lock(m_mutex);
  auto& pool = m_pools[options.socket_timeout.count()];
  if (pool) return pool.get();
  Client::UriPtr uri = Client::prepared_uri(options);
  mongoc_uri_set_option_as_int32(uri.get(), MONGOC_URI_MAXPOOLSIZE, static_cast<int32_t>(m_clients));
  bson_error_t error;
  pool.reset(mongoc_client_pool_new_with_error(uri.get(), &error));
  if (!pool) {
    throw Error(ExitCode::usage,
                redact_secrets(fmt::format("cannot use connection URI {}: {}", redact_uri(options.uri), error.message),
                               uri_secrets(options.uri)));
  }
  mongoc_client_pool_set_error_api(pool.get(), MONGOC_ERROR_API_VERSION_2);
  return pool.get();
}

std::unique_ptr<Client> ClientPool::take(std::chrono::milliseconds reply_timeout) {
  ClientOptions options = m_options;
  if (reply_timeout.count() > 0) options.socket_timeout = reply_timeout;
  return std::make_unique<Client>(options, pool_for(options));
}

std::unique_ptr<MongoServer> ClientPool::server(const std::string& database, const std::string& history_collection) {
  return std::make_unique<MongoServer>(shared_from_this(), database, history_collection);
}

}  // namespace mongoway::mongo
