#pragma once
// The few things the command line needs to know about a MongoDB URI.

#include <optional>
#include <string>
#include <string_view>

namespace mongoway::cli {

// The database named in the URI's path (mongodb://host/NAME?opts), decoded;
// nullopt when there is none.
std::optional<std::string> database_from_uri(std::string_view uri);

// The URI with `password` (percent-encoded) in its userinfo, replacing any
// password already there. Throws mongoway::Error (usage) when the URI names no user.
std::string uri_with_password(std::string_view uri, std::string_view password);

}  // namespace mongoway::cli
