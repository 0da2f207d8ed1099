#pragma once
// A MongoDB connection string as libmongoc reads it: what the command line
// needs to know of a URI (its database, its user) and the one edit it makes
// (the password given apart, by --password-file or MONGOWAY_PASSWORD). The
// driver's headers stay in uri.cpp. Masking secrets for output is
// util/redact's: it must also mask URIs the driver refuses.

#include <optional>
#include <string>
#include <string_view>

namespace mongoway::mongo {

class Uri {
 public:
  // nullopt when libmongoc refuses the text; *error (when given) then says why.
  static std::optional<Uri> parse(std::string_view text, std::string* error = nullptr);

  const std::string& text() const { return m_text; }  // as written
  // Decoded; nullopt when the URI names none.
  const std::optional<std::string>& database() const { return m_database; }
  const std::optional<std::string>& username() const { return m_username; }
  const std::optional<std::string>& password() const { return m_password; }

  // The text of this URI with `password` (percent-encoded) in place of its
  // password, if any; nullopt when it names no user. libmongoc can set a
  // password but not write the URI back out, so the text is edited here,
  // knowing from the driver that it is well formed.
  std::optional<std::string> with_password(std::string_view password) const;

 private:
  Uri() = default;

  std::string m_text;
  std::optional<std::string> m_database;
  std::optional<std::string> m_username;
  std::optional<std::string> m_password;
};

// The database a URI names: libmongoc's reading. For a URI the driver refuses
// (the connection then fails, saying why), the text between the hosts' '/'
// and the options' '?', decoded, as mongoway always read it, so that
// `--verbose` still shows what was given (masked like the rest).
std::optional<std::string> database_in_uri(std::string_view text);

}  // namespace mongoway::mongo
