#pragma once
// Whether a batched command may safely be applied twice to the same batch:
// a run cut short resumes by repeating the batch that was in flight, so an
// update that changes a document again each time it is applied (an "$inc",
// a pipeline) would change that batch's documents twice, unless its filter
// no longer matches the documents already done. lint warns; a run does not
// check (the author decides).

#include <optional>
#include <string_view>

#include "mongoway/error.hpp"
#include "script/script.hpp"

namespace mongoway::script {

// The update operators that leave a document as it is when applied to it a
// second time.
bool is_idempotent_operator(std::string_view op);

// lint's warning on a batched updateMany whose update is not idempotent (an
// operator that is not, or a pipeline) and whose filter does not exclude the
// documents already done (it holds, at its top level or in a top-level
// "$and", {f: {"$ne": v}} for a field f the update "$set"s to v, or
// {f: {"$exists": false}} for a field the update sets); nullopt for every
// other command. `file` names the command's file.
std::optional<Diagnostic> idempotency_warning(std::string_view file, const Command& command);

}  // namespace mongoway::script
