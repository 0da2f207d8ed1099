#pragma once
// A lease's document in the lock collection: _id = its number (> 0).

#include "bson/document.hpp"
#include "port/server.hpp"

namespace mongoway::mongo {

bson::Document lease_to_document(const port::Lease& lease);
port::Lease lease_from_document(const bson::Document& doc);

}  // namespace mongoway::mongo
