#pragma once
// The history's documents: an entry of the history collection (_id = its
// rank), and a run record of the lock collection (_id = minus its lease).

#include "bson/document.hpp"
#include "model/history.hpp"

namespace mongoway::mongo {

bson::Document entry_to_document(const model::HistoryEntry& entry);
model::HistoryEntry entry_from_document(const bson::Document& doc);
bson::Document run_to_document(const model::RunRecord& run);
model::RunRecord run_from_document(const bson::Document& doc);
// {checkpoint: {...}}, or {checkpoint: null} to clear it: what a run record's
// checkpoint is set to.
bson::Document checkpoint_field(const std::optional<model::Checkpoint>& checkpoint);

}  // namespace mongoway::mongo
