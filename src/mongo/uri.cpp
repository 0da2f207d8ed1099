#include "mongo/uri.hpp"

#include <fmt/format.h>
#include <mongoc/mongoc.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <vector>

#include "mongo/driver_log.hpp"
#include "util/redact.hpp"
#include "util/suggest.hpp"

namespace mongoway::mongo {
namespace {

struct UriDeleter {
  void operator()(mongoc_uri_t* uri) const { mongoc_uri_destroy(uri); }
};

// The URI options the driver knows, as its MONGOC_URI_* constants spell them
// (in lower case: the driver reads option names in any case).
const std::vector<std::string>& driver_uri_options() {
  static const std::vector<std::string> names = {
#include "mongoc_uri_options.inc"
  };
  return names;
}

// The first name the driver quotes in a warning ("…option \"tsl\"",
// "…value for 'w'"), or empty.
std::string quoted_name(std::string_view warning) {
  const auto open = warning.find_first_of("\"'");
  if (open == std::string_view::npos) return {};
  const auto close = warning.find(warning[open], open + 1);
  if (close == std::string_view::npos) return {};
  return std::string(warning.substr(open + 1, close - open - 1));
}

// One warning of the driver about a URI, as mongoway reports it: an unknown
// option with the closest the driver knows, any other warning as the driver
// wrote it, with the URI's secrets (its password, credential options) masked.
std::string uri_problem(std::string_view warning, std::string_view uri_text) {
  const auto secrets = uri_secrets(uri_text);
  if (warning.starts_with("Unsupported URI option")) {
    const std::string name = quoted_name(warning);
    std::string out = fmt::format("unknown option \"{}\"", redact_secrets(name, secrets));
    if (auto close = util::suggest(name, driver_uri_options())) out += fmt::format(" (did you mean \"{}\"?)", *close);
    return out;
  }
  return redact_secrets(warning, secrets);
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

// "scheme://" and the hosts, up to the first of `hosts_end` ("/?": as
// mongoway has always split a URI as written; "/": as libmongoc splits one it
// reads). For the edit libmongoc cannot make (it sets a password but never
// writes the URI back out) and for URIs it refuses.
struct Split {
  size_t userinfo = 0;   // after "scheme://"
  size_t hosts_end = 0;  // the first of `hosts_end` after it, or the end
};

std::optional<Split> split_as_written(std::string_view text, std::string_view hosts_end) {
  auto scheme = text.find("://");
  if (scheme == std::string_view::npos) return std::nullopt;
  Split parts;
  parts.userinfo = scheme + 3;
  parts.hosts_end = std::min(text.find_first_of(hosts_end, parts.userinfo), text.size());
  return parts;
}

// `text` with `password` (percent-encoded) in its userinfo, in place of the
// password there if any; nullopt when the text shows no user. The userinfo
// ends at the last '@' before the hosts end, so a password with an unencoded
// '@' (which the driver reads as part of the hosts) is replaced whole.
std::optional<std::string> password_spliced_in(std::string_view text, std::string_view password,
                                               std::string_view hosts_end) {
  auto parts = split_as_written(text, hosts_end);
  if (!parts) return std::nullopt;
  const auto authority = text.substr(parts->userinfo, parts->hosts_end - parts->userinfo);
  const auto at = authority.rfind('@');
  if (at == std::string_view::npos || at == 0 || authority[0] == ':') return std::nullopt;
  const auto userinfo = authority.substr(0, at);
  std::string out(text.substr(0, parts->userinfo));
  out += userinfo.substr(0, userinfo.find(':'));
  out += ':';
  out += percent_encode(password);
  out += text.substr(parts->userinfo + at);
  return out;
}

}  // namespace

std::optional<Uri> Uri::parse(std::string_view text, std::string* error) {
  const std::string owned(text);
  bson_error_t driver_error{};
  DriverLogCapture log;
  std::unique_ptr<mongoc_uri_t, UriDeleter> handle(mongoc_uri_new_with_error(owned.c_str(), &driver_error));
  if (!handle) {
    if (error != nullptr) *error = redact_secrets(driver_error.message, uri_secrets(text));
    return std::nullopt;
  }
  // Every warning is an error: the driver goes on without an option it does
  // not know, and a connection without the TLS that `tsl=true` meant to ask
  // for must not go ahead.
  if (!log.warnings().empty()) {
    if (error != nullptr) {
      std::vector<std::string> problems;
      for (const auto& warning : log.warnings()) problems.push_back(uri_problem(warning, text));
      *error = fmt::format("{}", fmt::join(problems, "; "));
    }
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
  return password_spliced_in(m_text, password, "/");
}

std::optional<std::string> uri_with_password(std::string_view text, std::string_view password) {
  if (auto uri = Uri::parse(text)) return uri->with_password(password);
  return password_spliced_in(text, password, "/?");
}

std::optional<std::string> database_in_uri(std::string_view text) {
  if (auto uri = Uri::parse(text)) return uri->database();
  auto parts = split_as_written(text, "/?");
  if (!parts || parts->hosts_end >= text.size() || text[parts->hosts_end] != '/') return std::nullopt;
  const auto rest = text.substr(parts->hosts_end + 1);
  const auto name = rest.substr(0, rest.find('?'));
  if (name.empty()) return std::nullopt;
  return percent_decode(name);
}

}  // namespace mongoway::mongo
