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
  // password, if any; nullopt when it names no user.
  std::optional<std::string> with_password(std::string_view password) const;

 private:
  Uri() = default;

  std::string m_text;
  std::optional<std::string> m_database;
  std::optional<std::string> m_username;
  std::optional<std::string> m_password;
};

// For a URI the driver refuses (the connection then fails, saying why), these
// read it as written, as mongoway always did, so that what is shown of it
// until then (--verbose, the error) stays the same.

// The database a URI names, decoded: libmongoc's reading, else the text
// between the hosts' '/' and the options' '?'.
std::optional<std::string> database_in_uri(std::string_view text);

// The URI with `password` (percent-encoded) in place of its password, if any;
// nullopt when it names no user (by libmongoc's reading, else by the text: an
// '@' before the hosts end).
std::optional<std::string> uri_with_password(std::string_view text, std::string_view password);

}  // namespace mongoway::mongo
