#include "mongo/lease_codec.hpp"

#include <bson/bson.h>

namespace mongoway::mongo {

bson::Document lease_to_document(const port::Lease& lease) {
  return bson::Document::adopt(BCON_NEW("_id", BCON_INT64(lease.id), "owner", BCON_UTF8(lease.owner.c_str()), "token",
                                        BCON_UTF8(lease.token.c_str()), "acquired_at",
                                        BCON_DATE_TIME(lease.acquired_ms), "expires_at",
                                        BCON_DATE_TIME(lease.expires_ms), "released", BCON_BOOL(lease.released)));
}

port::Lease lease_from_document(const bson::Document& doc) {
  port::Lease lease;
  bson_iter_t it;
  if (!bson_iter_init(&it, doc.get())) return lease;
  while (bson_iter_next(&it)) {
    std::string_view key = bson_iter_key(&it);
    if (key == "_id") lease.id = bson_iter_as_int64(&it);
    else if (key == "owner" && BSON_ITER_HOLDS_UTF8(&it)) lease.owner = bson_iter_utf8(&it, nullptr);
    else if (key == "token" && BSON_ITER_HOLDS_UTF8(&it)) lease.token = bson_iter_utf8(&it, nullptr);
    else if (key == "acquired_at" && BSON_ITER_HOLDS_DATE_TIME(&it)) lease.acquired_ms = bson_iter_date_time(&it);
    else if (key == "expires_at" && BSON_ITER_HOLDS_DATE_TIME(&it)) lease.expires_ms = bson_iter_date_time(&it);
    else if (key == "released") lease.released = bson_iter_as_bool(&it);
  }
  return lease;
}

}  // namespace mongoway::mongo
