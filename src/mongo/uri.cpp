#include "mongo/uri.hpp"

#include <mongoc/mongoc.h>

#include <cctype>
#include <memory>
#include <mutex>

namespace mongoway::mongo {
namespace {

struct UriDeleter {
  void operator()(mongoc_uri_t* uri) const { mongoc_uri_destroy(uri); }
};

void drop_driver_message(mongoc_log_level_t, const char*, const char*, void*) {}

// The driver prints its warnings about a URI ("Unsupported URI option") on
// stderr unless a handler takes them. The command line reads its URI before
// any Client installs the handler that masks and routes them (and which then
// replaces this one), so until then they are dropped: the Client reads the
// same URI again and reports them its own way.
void keep_driver_quiet() {
  static std::once_flag once;
  std::call_once(once, [] { mongoc_log_set_handler(drop_driver_message, nullptr); });
}

std::optional<std::string> text_or_none(const char* text) {
  if (text == nullptr) return std::nullopt;
  return std::string(text);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  return std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string percent_encode(std::string_view s) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 15]);
    }
  }
  return out;
}

}  // namespace

std::optional<Uri> Uri::parse(std::string_view text, std::string* error) {
  keep_driver_quiet();
  const std::string owned(text);
  bson_error_t driver_error{};
  std::unique_ptr<mongoc_uri_t, UriDeleter> handle(mongoc_uri_new_with_error(owned.c_str(), &driver_error));
  if (!handle) {
    if (error != nullptr) *error = driver_error.message;
    return std::nullopt;
  }
  Uri uri;
  uri.m_text = owned;
  uri.m_database = text_or_none(mongoc_uri_get_database(handle.get()));
  uri.m_username = text_or_none(mongoc_uri_get_username(handle.get()));
  uri.m_password = text_or_none(mongoc_uri_get_password(handle.get()));
  return uri;
}

std::optional<std::string> Uri::with_password(std::string_view password) const {
  if (!m_username || m_username->empty()) return std::nullopt;
  // Well formed, with a user: "scheme://user[:password]@hosts[/...]". The
  // userinfo ends at the last '@' before the hosts end, so a password with
  // an unencoded '@' (which the driver reads as part of the hosts) is
  // replaced whole.
  const size_t userinfo = m_text.find("://") + 3;
  const size_t hosts_end = std::min(m_text.find_first_of("/?", userinfo), m_text.size());
  const size_t at = m_text.rfind('@', hosts_end - 1);
  if (at == std::string::npos || at < userinfo) return std::nullopt;
  const std::string_view user = std::string_view(m_text).substr(userinfo, at - userinfo);
  std::string out = m_text.substr(0, userinfo);
  out += user.substr(0, user.find(':'));
  out += ':';
  out += percent_encode(password);
  out += m_text.substr(at);
  return out;
}

std::optional<std::string> database_in_uri(std::string_view text) {
  if (auto uri = Uri::parse(text)) return uri->database();
  const size_t scheme = text.find("://");
  if (scheme == std::string_view::npos) return std::nullopt;
  const size_t path = text.find_first_of("/?", scheme + 3);
  if (path == std::string_view::npos || text[path] != '/') return std::nullopt;
  const auto rest = text.substr(path + 1);
  const auto name = rest.substr(0, rest.find('?'));
  if (name.empty()) return std::nullopt;
  return percent_decode(name);
}

}  // namespace mongoway::mongo
