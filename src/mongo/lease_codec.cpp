#include "mongo/lease_codec.hpp"

#include <bson/bson.h>

namespace mongoway::mongo {
namespace {

void append_process(bson_t* doc, const port::ProcessIdentity& p) {
  bson_t child;
  bson_append_document_begin(doc, "process", -1, &child);
  BSON_APPEND_UTF8(&child, "boot_id", p.boot_id.c_str());
  BSON_APPEND_INT64(&child, "pid_namespace", static_cast<int64_t>(p.pid_namespace));
  BSON_APPEND_INT64(&child, "pid", p.pid);
  BSON_APPEND_INT64(&child, "start_time", static_cast<int64_t>(p.start_time));
  bson_append_document_end(doc, &child);
}

port::ProcessIdentity process_from(const bson_iter_t& field) {
  port::ProcessIdentity p;
  bson_iter_t it;
  if (!BSON_ITER_HOLDS_DOCUMENT(&field) || !bson_iter_recurse(&field, &it)) return p;
  while (bson_iter_next(&it)) {
    std::string_view key = bson_iter_key(&it);
    if (key == "boot_id" && BSON_ITER_HOLDS_UTF8(&it)) p.boot_id = bson_iter_utf8(&it, nullptr);
    else if (key == "pid_namespace" && BSON_ITER_HOLDS_NUMBER(&it))
      p.pid_namespace = static_cast<uint64_t>(bson_iter_as_int64(&it));
    else if (key == "pid" && BSON_ITER_HOLDS_NUMBER(&it)) p.pid = bson_iter_as_int64(&it);
    else if (key == "start_time" && BSON_ITER_HOLDS_NUMBER(&it))
      p.start_time = static_cast<uint64_t>(bson_iter_as_int64(&it));
  }
  return p;
}

}  // namespace

bson::Document lease_to_document(const port::Lease& lease) {
  auto doc = bson::Document::adopt(BCON_NEW("_id", BCON_INT64(lease.id), "owner", BCON_UTF8(lease.owner.c_str()),
                                            "token", BCON_UTF8(lease.token.c_str()), "acquired_at",
                                            BCON_DATE_TIME(lease.acquired_ms), "expires_at",
                                            BCON_DATE_TIME(lease.expires_ms), "released", BCON_BOOL(lease.released)));
  if (lease.process.known()) append_process(doc.mut(), lease.process);
  if (lease.revoked_ms != 0) BSON_APPEND_DATE_TIME(doc.mut(), "revoked_at", lease.revoked_ms);
  return doc;
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
    else if (key == "process") lease.process = process_from(it);
    else if (key == "revoked_at" && BSON_ITER_HOLDS_DATE_TIME(&it)) lease.revoked_ms = bson_iter_date_time(&it);
  }
  return lease;
}

}  // namespace mongoway::mongo
