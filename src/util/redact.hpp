#pragma once
// Keeps passwords out of every message mongoway prints or stores.

#include <string>
#include <string_view>
#include <vector>

namespace mongoway {

// mongodb://user:secret@host/db -> mongodb://user:****@host/db. Also masks
// password-like URI options (e.g. tlsCertificateKeyFilePassword=...).
std::string redact_uri(std::string_view uri);

// The password of a URI (percent-decoded and as written), empty if none.
std::vector<std::string> uri_secrets(std::string_view uri);

// Replaces every occurrence of each secret (non-empty) in `text` by ****.
std::string redact_secrets(std::string_view text, const std::vector<std::string>& secrets);

}  // namespace mongoway
