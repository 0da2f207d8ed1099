#pragma once
// A lease's document in the lock collection: _id = its number (> 0); its
// holder's process identity under `process` (absent in leases of older
// versions), `revoked_at` once `unlock --force` released it while live.

#include "bson/document.hpp"
#include "port/server.hpp"

namespace mongoway::mongo {

bson::Document lease_to_document(const port::Lease& lease);
port::Lease lease_from_document(const bson::Document& doc);

}  // namespace mongoway::mongo
