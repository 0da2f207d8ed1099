#pragma once
// Keeps passwords out of every message mongoway prints or stores.

#include <string>
#include <string_view>
#include <vector>

namespace mongoway {

// mongodb://user:secret@host/db -> mongodb://user:****@host/db. The password
// runs to the last '@' before the hosts, so an unencoded '@', '/', '?' or ':'
// in it is masked too, and a mistyped scheme ("mongodb:/", none at all) is
// read as well. Also masks credential URI options (authMechanismProperties,
// tlsCertificateKeyFilePassword, names with password/secret/token/key).
std::string redact_uri(std::string_view uri);

// The password of a URI (as written and percent-decoded; for a password with
// an unencoded delimiter, also its parts) and the values of credential
// options: what must never appear in any output. Empty if none.
std::vector<std::string> uri_secrets(std::string_view uri);

// `text` with redact_uri applied to every word that looks like a URI with a
// password ("scheme:...user:password@host"), for messages that echo what the
// user typed. Returns the text as is, quickly, when it holds no '@'.
std::string redact_uris_in_text(std::string_view text);

// The hosts of a connection string as it lists them, without its scheme,
// credentials, database or options: "h1:27017,h2:27017" for
// mongodb://user:pw@h1:27017,h2:27017/db?replicaSet=rs.
std::string uri_hosts(std::string_view uri);

// Replaces every occurrence of each secret (non-empty) in `text` by ****.
std::string redact_secrets(std::string_view text, const std::vector<std::string>& secrets);

}  // namespace mongoway
