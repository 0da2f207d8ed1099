#include "util/redact.hpp"

#include <algorithm>
#include <cctype>

namespace mongoway {
namespace {

constexpr std::string_view kMask = "****";

// The userinfo of "scheme://userinfo@hosts/..." as [begin, end) offsets.
bool find_userinfo(std::string_view uri, size_t& begin, size_t& end) {
  auto scheme = uri.find("://");
  if (scheme == std::string_view::npos) return false;
  begin = scheme + 3;
  // The userinfo ends at the last '@' before the path ('/' or '?').
  auto path = uri.find_first_of("/?", begin);
  auto authority = uri.substr(begin, path == std::string_view::npos ? uri.npos : path - begin);
  auto at = authority.rfind('@');
  if (at == std::string_view::npos) return false;
  end = begin + at;
  return true;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() &&
        std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

bool is_secret_option(std::string_view key) {
  std::string lower(key);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("password") != std::string::npos || lower.find("secret") != std::string::npos ||
         lower.find("token") != std::string::npos;
}

}  // namespace

std::string redact_uri(std::string_view uri) {
  std::string out(uri);
  size_t begin = 0, end = 0;
  if (find_userinfo(out, begin, end)) {
    auto colon = out.find(':', begin);
    if (colon != std::string::npos && colon < end) out.replace(colon + 1, end - colon - 1, kMask);
  }
  // Options: ?a=b&c=d
  auto q = out.find('?');
  if (q != std::string::npos) {
    size_t pos = q + 1;
    while (pos < out.size()) {
      auto amp = out.find_first_of("&;", pos);
      if (amp == std::string::npos) amp = out.size();
      auto eq = out.find('=', pos);
      if (eq != std::string::npos && eq < amp && is_secret_option(std::string_view(out).substr(pos, eq - pos))) {
        out.replace(eq + 1, amp - eq - 1, kMask);
        amp = eq + 1 + kMask.size();
      }
      pos = amp + 1;
    }
  }
  return out;
}

std::vector<std::string> uri_secrets(std::string_view uri) {
  std::vector<std::string> secrets;
  size_t begin = 0, end = 0;
  if (find_userinfo(uri, begin, end)) {
    auto info = uri.substr(begin, end - begin);
    auto colon = info.find(':');
    if (colon != std::string_view::npos && colon + 1 < info.size()) {
      auto raw = std::string(info.substr(colon + 1));
      secrets.push_back(raw);
      auto decoded = percent_decode(raw);
      if (decoded != raw) secrets.push_back(decoded);
      // An unescaped '@' in the password: the driver takes what follows the
      // first '@' for a host name and may print it, so each part is a secret too.
      for (size_t start = 0, at; (at = raw.find('@', start)) != std::string::npos; start = at + 1) {
        secrets.push_back(raw.substr(start, at - start));
        if (raw.find('@', at + 1) == std::string::npos) secrets.push_back(raw.substr(at + 1));
      }
    }
  }
  auto q = uri.find('?');
  if (q != std::string_view::npos) {
    size_t pos = q + 1;
    while (pos < uri.size()) {
      auto amp = uri.find_first_of("&;", pos);
      if (amp == std::string_view::npos) amp = uri.size();
      auto eq = uri.find('=', pos);
      if (eq != std::string_view::npos && eq < amp && is_secret_option(uri.substr(pos, eq - pos)) &&
          amp > eq + 1) {
        secrets.emplace_back(uri.substr(eq + 1, amp - eq - 1));
      }
      pos = amp + 1;
    }
  }
  return secrets;
}

std::string redact_secrets(std::string_view text, const std::vector<std::string>& secrets) {
  std::string out(text);
  for (const auto& secret : secrets) {
    // Very short secrets would mask unrelated text; they are masked only in URIs.
    if (secret.size() < 3) continue;
    size_t pos = 0;
    while ((pos = out.find(secret, pos)) != std::string::npos) {
      out.replace(pos, secret.size(), kMask);
      pos += kMask.size();
    }
  }
  return out;
}

}  // namespace mongoway
