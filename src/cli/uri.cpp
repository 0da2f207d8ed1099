#include "cli/uri.hpp"

#include <cctype>

#include "mongoway/error.hpp"

namespace mongoway::cli {
namespace {

struct Parts {
  size_t authority_begin = 0;  // after "scheme://"
  size_t path_begin = 0;       // index of '/' or '?' or end
};

std::optional<Parts> split(std::string_view uri) {
  auto scheme = uri.find("://");
  if (scheme == std::string_view::npos) return std::nullopt;
  Parts parts;
  parts.authority_begin = scheme + 3;
  auto path = uri.find_first_of("/?", parts.authority_begin);
  parts.path_begin = path == std::string_view::npos ? uri.size() : path;
  return parts;
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

std::optional<std::string> database_from_uri(std::string_view uri) {
  auto parts = split(uri);
  if (!parts || parts->path_begin >= uri.size() || uri[parts->path_begin] != '/') return std::nullopt;
  auto rest = uri.substr(parts->path_begin + 1);
  auto name = rest.substr(0, rest.find('?'));
  if (name.empty()) return std::nullopt;
  return percent_decode(name);
}

std::string uri_with_password(std::string_view uri, std::string_view password) {
  auto parts = split(uri);
  std::string_view authority;
  if (parts) authority = uri.substr(parts->authority_begin, parts->path_begin - parts->authority_begin);
  auto at = authority.rfind('@');
  if (!parts || at == std::string_view::npos || at == 0 || authority[0] == ':') {
    throw Error(ExitCode::usage,
                "a password was given (MONGOWAY_PASSWORD or --password-file) but the URI names no user; "
                "write the user in the URI: mongodb://USER@host/");
  }
  auto userinfo = authority.substr(0, at);
  auto user = userinfo.substr(0, userinfo.find(':'));
  std::string out(uri.substr(0, parts->authority_begin));
  out += user;
  out += ':';
  out += percent_encode(password);
  out += uri.substr(parts->authority_begin + at);
  return out;
}

}  // namespace mongoway::cli
