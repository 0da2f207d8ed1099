#include "util/redact.hpp"

#include <algorithm>
#include <cctype>

namespace mongoway {
namespace {

constexpr std::string_view kMask = "****";

bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_scheme_char(char c) { return is_alnum(c) || c == '+' || c == '.' || c == '-'; }

std::string lowercase(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

// Where the userinfo may start: after "scheme://", also after a mistyped
// "mongodb:/" or "mongodb:" (the driver refuses those, and its message or ours
// echoes the URI), and at 0 when there is no scheme ("user:pass@host"), where a
// leading "word:" is the user, not a scheme.
size_t userinfo_begin(std::string_view uri) {
  size_t colon = 0;
  if (uri.empty() || !is_alpha(uri[0])) return 0;
  while (colon < uri.size() && is_scheme_char(uri[colon])) ++colon;
  if (colon == uri.size() || uri[colon] != ':') return 0;
  size_t after = colon + 1;
  while (after < uri.size() && uri[after] == '/') ++after;
  if (after > colon + 1) return after;
  const std::string scheme = lowercase(uri.substr(0, colon));
  return scheme == "mongodb" || scheme == "mongodb+srv" ? after : 0;
}

// The first '?' from `from` that starts the options: followed by "name=".
size_t options_begin(std::string_view uri, size_t from) {
  for (size_t q = uri.find('?', from); q != std::string_view::npos; q = uri.find('?', q + 1)) {
    size_t name_end = q + 1;
    while (name_end < uri.size() && (is_alnum(uri[name_end]) || uri[name_end] == '_')) ++name_end;
    if (name_end > q + 1 && name_end < uri.size() && uri[name_end] == '=') return q;
  }
  return std::string_view::npos;
}

// The userinfo of "scheme://userinfo@hosts/..." as [begin, end) offsets. It
// ends at the LAST '@' before the options, not at the first '/' or '?': an
// unencoded '@', '/', '?' or ':' in a password is a mistake, but the password
// must still be masked whole. Without an '@' before the options (a password
// holding "?name="), the last '@' at all: a URI without credentials but with an
// '@' in an option value then shows more masked than needed, never less.
bool find_userinfo(std::string_view uri, size_t& begin, size_t& end) {
  begin = userinfo_begin(uri);
  auto options = options_begin(uri, begin);
  auto at = uri.substr(0, options).rfind('@');
  if (at == std::string_view::npos || at < begin) at = uri.rfind('@');
  if (at == std::string_view::npos || at < begin) return false;
  end = at;
  return true;
}

// The password inside the userinfo [begin, end): after its first ':'.
bool find_password(std::string_view uri, size_t begin, size_t end, size_t& password) {
  auto colon = uri.substr(0, end).find(':', begin);
  if (colon == std::string_view::npos) return false;
  password = colon + 1;
  return true;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

// A name that holds a credential: *password*, *secret*, *token*, *credential*,
// and *key* unless it names a file (tlsCertificateKeyFile, sslPEMKeyFile are paths).
bool is_secret_name(std::string_view name) {
  const std::string lower = lowercase(name);
  auto has = [&](std::string_view part) { return lower.find(part) != std::string::npos; };
  if (has("password") || has("secret") || has("token") || has("credential")) return true;
  return has("key") && !(lower.size() >= 4 && lower.compare(lower.size() - 4, 4, "file") == 0);
}

// authMechanismProperties holds AWS_SESSION_TOKEN:... among harmless ones; its
// whole value is masked rather than parsed.
bool is_secret_option(std::string_view key) {
  return lowercase(key) == "authmechanismproperties" || is_secret_name(key);
}

// The "a=b&c=d" options after `from`: f(name, value offset, value length).
template <typename F>
void for_each_option(std::string_view uri, size_t from, F f) {
  auto q = uri.find('?', from);
  if (q == std::string_view::npos) return;
  for (size_t pos = q + 1; pos < uri.size();) {
    auto amp = uri.find_first_of("&;", pos);
    if (amp == std::string_view::npos) amp = uri.size();
    auto eq = uri.find('=', pos);
    if (eq != std::string_view::npos && eq < amp) f(uri.substr(pos, eq - pos), eq + 1, amp - eq - 1);
    pos = amp + 1;
  }
}

void add_secret(std::vector<std::string>& secrets, std::string_view secret) {
  if (secret.empty()) return;
  secrets.emplace_back(secret);
  auto decoded = percent_decode(secret);
  if (decoded != secret) secrets.push_back(decoded);
}

// A password with an unencoded delimiter is read differently by each parser:
// the driver takes what follows an '@' for a host, a path or options reader
// what follows '/' or '?' ("database = ss@host/db" for "user:pa/ss@host/db").
// So every part is a secret too, and the last part with the hosts after it
// (masked even when the part alone is too short to mask).
void add_password_parts(std::vector<std::string>& secrets, std::string_view uri, size_t password, size_t at) {
  constexpr std::string_view kDelimiters = "@/?#:";
  auto raw = uri.substr(password, at - password);
  if (raw.find_first_of(kDelimiters) == std::string_view::npos) return;
  size_t start = 0;
  for (size_t cut; (cut = raw.find_first_of(kDelimiters, start)) != std::string_view::npos; start = cut + 1) {
    add_secret(secrets, raw.substr(start, cut - start));
  }
  if (start == raw.size()) return;  // the password ends with the delimiter
  add_secret(secrets, raw.substr(start));
  auto hosts_end = std::min(uri.find_first_of("/?", at), uri.size());
  add_secret(secrets, uri.substr(password + start, hosts_end - (password + start)));
}

}  // namespace

std::string redact_uri(std::string_view uri) {
  std::string out(uri);
  size_t begin = 0, end = 0, password = 0;
  // The options follow the password; without one, a '?' in a user name is no matter.
  size_t options_from = 0;
  if (find_userinfo(out, begin, end) && find_password(out, begin, end, password)) {
    out.replace(password, end - password, kMask);
    options_from = password + kMask.size();
  }
  // Back to front, so that the offsets found stay valid while values are replaced.
  std::vector<std::pair<size_t, size_t>> values;
  for_each_option(out, options_from, [&](std::string_view name, size_t value, size_t length) {
    if (is_secret_option(name)) values.emplace_back(value, length);
  });
  for (auto it = values.rbegin(); it != values.rend(); ++it) out.replace(it->first, it->second, kMask);
  return out;
}

// After the last '@' before the options (an '@' in an option's value is no
// userinfo); masked all the same, for a password that holds "?name=".
std::string uri_hosts(std::string_view uri) {
  size_t hosts = userinfo_begin(uri);
  const auto at = uri.substr(0, options_begin(uri, hosts)).rfind('@');
  if (at != std::string_view::npos && at >= hosts) hosts = at + 1;
  const size_t hosts_end = std::min(uri.find_first_of("/?", hosts), uri.size());
  return redact_secrets(uri.substr(hosts, hosts_end - hosts), uri_secrets(uri));
}

std::vector<std::string> uri_secrets(std::string_view uri) {
  std::vector<std::string> secrets;
  size_t begin = 0, end = 0, password = 0;
  size_t options_from = 0;
  if (find_userinfo(uri, begin, end) && find_password(uri, begin, end, password)) {
    add_secret(secrets, uri.substr(password, end - password));
    add_password_parts(secrets, uri, password, end);
    options_from = end;
  }
  for_each_option(uri, options_from, [&](std::string_view name, size_t value, size_t length) {
    if (!is_secret_option(name) || length == 0) return;
    auto text = uri.substr(value, length);
    add_secret(secrets, text);
    // authMechanismProperties=NAME:value,...: a driver message may name one value alone.
    auto decoded = percent_decode(text);
    std::string_view properties = decoded;
    for (size_t pos = 0; pos < properties.size();) {
      auto comma = std::min(properties.find(',', pos), properties.size());
      auto item = properties.substr(pos, comma - pos);
      auto colon = item.find(':');
      if (colon != std::string_view::npos && is_secret_name(item.substr(0, colon))) {
        add_secret(secrets, item.substr(colon + 1));
      }
      pos = comma + 1;
    }
  });
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

namespace {

// Words of free text are split at blanks only: a quote may be part of a
// password (in JSON output as \"), and uri_start finds the URI after the
// quote or bracket a message puts around what it echoes.
bool ends_word(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// Where a URI starts in a word holding "user:password@": at its "scheme:/"
// ("uri=mongodb://...", "\"mongodb:/..."), else at its first letter or digit
// ("(mongodb:u:p@h)"; "uri=mongodb:u:p@h" is then read without a scheme, which
// masks "u:p" whole). Only a scheme before the first '@' counts.
size_t uri_start(std::string_view word) {
  auto head = word.substr(0, word.find('@'));
  auto colon = head.find(":/");
  if (colon != std::string_view::npos) {
    size_t start = colon;
    while (start > 0 && is_scheme_char(word[start - 1])) --start;
    while (start < colon && !is_alpha(word[start])) ++start;
    if (start < colon) return start;
  }
  size_t start = 0;
  while (start < head.find(':') && !is_alnum(word[start])) ++start;
  return start;
}

}  // namespace

std::string redact_uris_in_text(std::string_view text) {
  if (text.find('@') == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (ends_word(text[i])) {
      out.push_back(text[i++]);
      continue;
    }
    size_t j = i;
    while (j < text.size() && !ends_word(text[j])) ++j;
    auto word = text.substr(i, j - i);
    auto at = word.rfind('@');
    auto colon = word.find(':');
    if (at != std::string_view::npos && colon != std::string_view::npos && colon < at) {
      auto start = uri_start(word);
      out.append(word.substr(0, start));
      out += redact_uri(word.substr(start));
    } else {
      out.append(word);
    }
    i = j;
  }
  return out;
}

}  // namespace mongoway
