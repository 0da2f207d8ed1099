#pragma once
// The documents of a documentsFile as the engine reads them (json/documents_stream.hpp).

#include "json/documents_stream.hpp"

namespace mongoway::script {

using DocumentStream = json::DocumentStream;

}  // namespace mongoway::script
