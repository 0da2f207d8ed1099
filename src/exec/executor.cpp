#include "exec/executor.hpp"

#include <bson/bson.h>

#include <future>

#include "exec/stop.hpp"
#include "script/documents_file.hpp"

namespace mongoway::exec {
namespace {

constexpr uint32_t kMaxBatchBytes = 8u * 1024 * 1024;

std::string first_key(const bson::Document& doc) {
  bson_iter_t it;
  if (bson_iter_init(&it, doc.get()) && bson_iter_next(&it)) return bson_iter_key(&it);
  return {};
}

int64_t get_int(const bson_t* doc, const char* key) {
  bson_iter_t it;
  return bson_iter_init_find(&it, doc, key) && BSON_ITER_HOLDS_NUMBER(&it) ? bson_iter_as_int64(&it) : 0;
}

// Builds {insert: coll, ordered: true, documents: [...]} batches and sends
// them, one at a time and in order, from a second thread: the next batch is
// read and converted while the server inserts the current one. The server is
// only ever used by one thread at a time (the caller uses it again only after
// finish()).
class InsertBatcher {
 public:
  InsertBatcher(port::Server& server, const script::ServerCommand& command, std::optional<uint64_t> total,
                const Progress& progress, const BeforeSend& before_send)
      : m_server(server), m_command(command), m_total(total), m_progress(progress), m_before_send(before_send) {
    const auto& info = server.facts();
    m_max_count = static_cast<uint32_t>(std::max(1, info.max_write_batch_size));
    m_max_bytes = std::min<uint32_t>(kMaxBatchBytes, static_cast<uint32_t>(info.max_bson_object_size));
  }
  ~InsertBatcher() {
    // Unwinding: the batch in flight still ends before the server is used again.
    if (m_in_flight.valid()) m_in_flight.wait();
  }
  InsertBatcher(const InsertBatcher&) = delete;
  InsertBatcher& operator=(const InsertBatcher&) = delete;

  void add(const bson_t* doc) {
    if (m_count > 0 && (m_count >= m_max_count || m_bytes + doc->len + 16 > m_max_bytes)) flush();
    if (m_count == 0) {
      if (m_sent > 0 && stop_requested()) {
        // A long seed stops between batches, once the one in flight has ended.
        collect();
        throw_if_stopped();
      }
      begin();
    }
    char key[16];
    const char* key_ptr = nullptr;
    size_t key_len = bson_uint32_to_string(m_count, &key_ptr, key, sizeof key);
    bson_append_document(&m_array, key_ptr, static_cast<int>(key_len), doc);
    m_bytes += doc->len + 16;
    ++m_count;
  }

  WriteCounts finish() {
    if (m_count > 0) flush();
    collect();
    return m_counts;
  }

 private:
  void begin() {
    m_batch = bson::Document::copy_of(m_command.command.get());
    bson_append_array_begin(m_batch.mut(), "documents", -1, &m_array);
    m_bytes = m_batch.size_bytes();
  }

  void flush() {
    bson_append_array_end(m_batch.mut(), &m_array);
    collect();  // one batch in flight at a time, in order
    // The check runs on the thread that sends, right before the send: a
    // process paused between the two (SIGSTOP, a frozen VM) would otherwise
    // send after its lease could have been taken over.
    m_in_flight = std::async(std::launch::async, [this, batch = std::move(m_batch)] {
      if (m_before_send) m_before_send();
      return get_int(m_server.send(m_command.database, batch, port::Reply::write).get(), "n");
    });
    m_in_flight_count = m_count;
    m_sent += m_count;
    m_count = 0;
  }

  // Waits for the batch in flight, if any; rethrows its error.
  void collect() {
    if (!m_in_flight.valid()) return;
    m_counts.inserted += m_in_flight.get();
    m_done += m_in_flight_count;
    if (m_progress) m_progress(m_done, m_total);
  }

  port::Server& m_server;
  const script::ServerCommand& m_command;
  std::optional<uint64_t> m_total;
  const Progress& m_progress;
  const BeforeSend& m_before_send;
  uint32_t m_max_count = 100000;
  uint32_t m_max_bytes = kMaxBatchBytes;
  bson::Document m_batch;
  bson_t m_array;  // child of m_batch while a batch is open (not owned)
  uint32_t m_count = 0;
  uint32_t m_bytes = 0;
  uint64_t m_sent = 0;  // documents handed to the server
  uint64_t m_done = 0;  // documents whose insert has returned
  std::future<int64_t> m_in_flight;
  uint32_t m_in_flight_count = 0;
  WriteCounts m_counts;
};

}  // namespace

WriteCounts counts_of_reply(const std::string& name, const bson::Document& reply) {
  WriteCounts c;
  const bson_t* r = reply.get();
  if (name == "insert") {
    c.inserted = get_int(r, "n");
  } else if (name == "update") {
    bson_iter_t it;
    int64_t upserted = 0;
    if (bson_iter_init_find(&it, r, "upserted") && BSON_ITER_HOLDS_ARRAY(&it)) {
      bson_iter_t child;
      if (bson_iter_recurse(&it, &child)) {
        while (bson_iter_next(&child)) ++upserted;
      }
    }
    c.upserted = upserted;
    c.matched = get_int(r, "n") - upserted;
    c.modified = get_int(r, "nModified");
  } else if (name == "delete") {
    c.deleted = get_int(r, "n");
  }
  return c;
}

WriteCounts run_server_command(port::Server& server, const script::ServerCommand& command,
                               std::optional<uint64_t> documents_total, const Progress& progress,
                               const BeforeSend& before_send, bson::Document* reply) {
  if (command.is_insert) {
    InsertBatcher batcher(server, command, documents_total, progress, before_send);
    if (command.documents_file) {
      script::DocumentStream stream;
      stream.open(*command.documents_file);
      bson::Document doc;
      while (stream.next(doc)) batcher.add(doc.get());
    } else {
      for (const auto& doc : command.documents) batcher.add(doc.get());
    }
    return batcher.finish();
  }
  if (before_send) before_send();
  bson::Document got;
  WriteCounts counts;
  switch (command.reply) {
    case script::ReplyKind::write:
      got = server.send(command.database, command.command, port::Reply::write);
      counts = counts_of_reply(first_key(command.command), got);
      break;
    case script::ReplyKind::aggregate: got = server.send(command.database, command.command, port::Reply::cursor); break;
    case script::ReplyKind::plain: got = server.send(command.database, command.command, port::Reply::plain); break;
  }
  if (reply != nullptr) *reply = std::move(got);
  return counts;
}

PlannedCommand describe(const script::Command& command, const script::ServerCommand& server) {
  PlannedCommand p;
  p.index = command.index;
  p.name = command.name;
  p.comment = command.comment;
  p.database = server.database;
  if (server.is_insert && !server.documents_file) {
    auto full = bson::Document::copy_of(server.command.get());
    bson_t array;
    bson_append_array_begin(full.mut(), "documents", -1, &array);
    for (uint32_t i = 0; i < server.documents.size(); ++i) {
      bson_append_document(&array, std::to_string(i).c_str(), -1, server.documents[i].get());
    }
    bson_append_array_end(full.mut(), &array);
    p.command_json = full.to_json(bson::JsonMode::canonical);
    p.documents = server.documents.size();
  } else {
    p.command_json = server.command.to_json(bson::JsonMode::canonical);
  }
  if (server.documents_file) {
    p.documents_file = server.documents_file;
    p.documents = command.documents_count;
  }
  if (server.batching) {
    p.batch_size = server.batching->batch_size;
    p.pause_ms = server.batching->pause_ms;
  }
  return p;
}

}  // namespace mongoway::exec
