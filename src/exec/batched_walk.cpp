#include "exec/batched_walk.hpp"

#include <bson/bson.h>

#include <array>
#include <string_view>
#include <vector>

#include "bson/bson_util.hpp"

namespace mongoway::exec {
namespace {

// MongoDB's order of BSON types for comparing and sorting, one bracket per
// row (the types of a bracket compare by value: 1 < 1.5 < 2L). The `$type`
// aliases FerretDB 1.24 does not know are types it cannot store either.
struct Bracket {
  std::array<bson_type_t, 4> types;
  std::array<std::string_view, 4> aliases;
  std::array<bool, 4> on_ferretdb;
};

constexpr bson_type_t kNone = BSON_TYPE_EOD;

const std::vector<Bracket>& brackets() {
  static const std::vector<Bracket> rows = {
      {{BSON_TYPE_MINKEY}, {"minKey"}, {false}},
      {{BSON_TYPE_NULL, BSON_TYPE_UNDEFINED}, {"null"}, {true}},
      {{BSON_TYPE_DOUBLE, BSON_TYPE_INT32, BSON_TYPE_INT64, BSON_TYPE_DECIMAL128},
       {"double", "int", "long", "decimal"},
       {true, true, true, false}},
      {{BSON_TYPE_UTF8, BSON_TYPE_SYMBOL}, {"string", "symbol"}, {true, false}},
      {{BSON_TYPE_DOCUMENT}, {"object"}, {true}},
      {{BSON_TYPE_ARRAY}, {"array"}, {true}},
      {{BSON_TYPE_BINARY}, {"binData"}, {true}},
      {{BSON_TYPE_OID}, {"objectId"}, {true}},
      {{BSON_TYPE_BOOL}, {"bool"}, {true}},
      {{BSON_TYPE_DATE_TIME}, {"date"}, {true}},
      {{BSON_TYPE_TIMESTAMP}, {"timestamp"}, {true}},
      {{BSON_TYPE_REGEX}, {"regex"}, {true}},
      {{BSON_TYPE_DBPOINTER}, {"dbPointer"}, {false}},
      {{BSON_TYPE_CODE}, {"javascript"}, {false}},
      {{BSON_TYPE_CODEWSCOPE}, {"javascriptWithScope"}, {false}},
      {{BSON_TYPE_MAXKEY}, {"maxKey"}, {false}},
  };
  return rows;
}

size_t bracket_of(bson_type_t type) {
  const auto& rows = brackets();
  for (size_t i = 0; i < rows.size(); ++i) {
    for (const auto t : rows[i].types) {
      if (t == type && t != kNone) return i;
    }
  }
  return rows.size();
}

// The `$type` aliases of every bracket after `type`'s.
std::vector<std::string_view> later_aliases(bson_type_t type, bool ferretdb) {
  std::vector<std::string_view> out;
  const auto& rows = brackets();
  for (size_t i = bracket_of(type) + 1; i < rows.size(); ++i) {
    for (size_t k = 0; k < rows[i].aliases.size(); ++k) {
      if (rows[i].aliases[k].empty() || (ferretdb && !rows[i].on_ferretdb[k])) continue;
      out.push_back(rows[i].aliases[k]);
    }
  }
  return out;
}

}  // namespace

bson::Document ids_after(const bson::Document& last_id, bool ferretdb) {
  bson_iter_t id;
  bson::Document out;
  if (!bson::find_field(last_id, "_id", &id)) return out;
  bson_t list, greater, typed, field, op, names;
  BSON_APPEND_ARRAY_BEGIN(out.mut(), "$or", &list);
  BSON_APPEND_DOCUMENT_BEGIN(&list, "0", &greater);
  BSON_APPEND_DOCUMENT_BEGIN(&greater, "_id", &op);
  bson_append_iter(&op, "$gt", -1, &id);
  bson_append_document_end(&greater, &op);
  bson_append_document_end(&list, &greater);
  const auto aliases = later_aliases(bson_iter_type(&id), ferretdb);
  if (!aliases.empty()) {
    BSON_APPEND_DOCUMENT_BEGIN(&list, "1", &typed);
    BSON_APPEND_DOCUMENT_BEGIN(&typed, "_id", &field);
    BSON_APPEND_ARRAY_BEGIN(&field, "$type", &names);
    for (size_t i = 0; i < aliases.size(); ++i) {
      bson_append_utf8(&names, std::to_string(i).c_str(), -1, aliases[i].data(), static_cast<int>(aliases[i].size()));
    }
    bson_append_array_end(&field, &names);
    bson_append_document_end(&typed, &field);
    bson_append_document_end(&list, &typed);
  }
  bson_append_array_end(out.mut(), &list);
  return out;
}

namespace {

// {$and: [a, b]}
bson::Document both(const bson::Document& a, const bson::Document& b) {
  bson::Document out;
  bson::append_array(out, "$and", {a, b});
  return out;
}

// {_id: {$in: ids}}
bson::Document id_in(const std::vector<bson::Document>& ids) {
  bson::Document out;
  bson_t field, list;
  BSON_APPEND_DOCUMENT_BEGIN(out.mut(), "_id", &field);
  BSON_APPEND_ARRAY_BEGIN(&field, "$in", &list);
  for (size_t i = 0; i < ids.size(); ++i) {
    bson_iter_t id;
    if (bson_iter_init_find(&id, ids[i].get(), "_id")) bson_append_iter(&list, std::to_string(i).c_str(), -1, &id);
  }
  bson_append_array_end(&field, &list);
  bson_append_document_end(out.mut(), &field);
  return out;
}

// The command with its one statement's filter ("q") replaced by `filter`.
bson::Document with_filter(const bson::Document& command, const std::string& statements, const bson::Document& q) {
  bson::Document out;
  bson_iter_t it;
  if (!bson_iter_init(&it, command.get())) return out;
  while (bson_iter_next(&it)) {
    if (bson::iter_key(it) != statements || !BSON_ITER_HOLDS_ARRAY(&it)) {
      bson::append_value(out, bson::iter_key(it), it);
      continue;
    }
    std::vector<bson::Document> rewritten;
    for (const auto& statement : bson::iter_documents(it)) {
      bson::Document s;
      bson::append_document(s, "q", q);
      bson_iter_t field;
      if (bson_iter_init(&field, statement.get())) {
        while (bson_iter_next(&field)) {
          if (bson::iter_key(field) != "q") bson::append_value(s, bson::iter_key(field), field);
        }
      }
      rewritten.push_back(std::move(s));
    }
    bson::append_array(out, statements, rewritten);
  }
  return out;
}

// A field of the command's one statement ("collation"), if it has one.
bool statement_field(const script::ServerCommand& command, const char* key, bson_iter_t* out) {
  bson_iter_t list, first;
  if (!bson::find_field(command.command, command.batching->statements, &list) || !BSON_ITER_HOLDS_ARRAY(&list) ||
      !bson_iter_recurse(&list, &first) || !bson_iter_next(&first) || !BSON_ITER_HOLDS_DOCUMENT(&first)) {
    return false;
  }
  bson_iter_t fields;
  return bson_iter_recurse(&first, &fields) && bson_iter_find(&fields, key) && (*out = fields, true);
}

int64_t int_of(const bson::Document& doc, const char* key) {
  bson_iter_t it;
  return bson::find_field(doc, key, &it) && BSON_ITER_HOLDS_NUMBER(&it) ? bson_iter_as_int64(&it) : 0;
}

// The `_id`s of a cursor reply's batch, and whether the cursor goes on.
struct IdBatch {
  std::vector<bson::Document> ids;
  int64_t cursor = 0;
};

IdBatch read_batch(const bson::Document& reply) {
  IdBatch out;
  bson_iter_t cursor, field;
  if (!bson::find_field(reply, "cursor", &cursor) || !bson_iter_recurse(&cursor, &field)) return out;
  while (bson_iter_next(&field)) {
    const auto key = bson::iter_key(field);
    if (key == "id") out.cursor = bson_iter_as_int64(&field);
    if ((key == "firstBatch" || key == "nextBatch") && BSON_ITER_HOLDS_ARRAY(&field)) {
      out.ids = bson::iter_documents(field);
    }
  }
  return out;
}

// One walk: the cursor of `_id`s it reads, and what it has done.
class Walker {
 public:
  explicit Walker(BatchedWalk& walk)
      : m_walk(walk),
        m_command(walk.command),
        m_batching(*walk.command.batching),
        m_ferretdb(walk.server.facts().kind == port::ServerKind::ferretdb) {}
  Walker(const Walker&) = delete;
  Walker& operator=(const Walker&) = delete;

  WriteCounts run() {
    model::Checkpoint& cp = m_walk.checkpoint;
    m_filter = cp.has_last_id() ? both(m_batching.filter, ids_after(cp.last_id, m_ferretdb)) : m_batching.filter;
    cp.total = cp.done + count_left();
    m_walk.save(cp);
    try {
      walk_batches();
    } catch (const Error& e) {
      close_cursor(e);
      throw;
    }
    return counts();
  }

 private:
  void walk_batches() {
    IdBatch batch = read_batch(send(find_command()));
    m_cursor = batch.cursor;
    while (!batch.ids.empty()) {
      write_batch(batch.ids);
      if (m_cursor == 0) return;
      if (m_walk.between_batches) m_walk.between_batches();
      if (m_batching.pause_ms > 0) m_walk.clock.sleep_for(std::chrono::milliseconds(m_batching.pause_ms));
      batch = read_batch(send(get_more_command()));
      m_cursor = batch.cursor;
    }
  }

  void write_batch(const std::vector<bson::Document>& ids) {
    const auto command = with_filter(m_command.command, m_batching.statements, both(m_batching.filter, id_in(ids)));
    if (m_walk.before_send) m_walk.before_send();
    const int64_t started = m_walk.clock.now_ns();
    const bson::Document reply = m_walk.server.send(m_command.database, command, port::Reply::write);
    const int64_t write_ms = (m_walk.clock.now_ns() - started) / 1'000'000;
    const WriteCounts got = counts_of_reply(m_batching.statements == "updates" ? "update" : "delete", reply);
    model::Checkpoint& cp = m_walk.checkpoint;
    cp.matched += got.matched;
    cp.modified += got.modified;
    cp.deleted += got.deleted;
    cp.done += static_cast<int64_t>(ids.size());
    cp.batches += 1;
    cp.last_id = ids.back();
    m_walk.save(cp);
    if (m_walk.batch_done) m_walk.batch_done(BatchDone{cp, static_cast<int64_t>(ids.size()), write_ms});
  }

  bson::Document send(const bson::Document& command) {
    if (m_walk.before_send) m_walk.before_send();
    return m_walk.server.send(m_command.database, command, port::Reply::plain);
  }

  // An estimate: documents may come and go while the walk runs. A filter
  // with `let` variables cannot be counted (count has no `let`).
  int64_t count_left() {
    if (bson_iter_t let; bson::find_field(m_command.command, "let", &let)) return 0;
    bson::Document count;
    bson::append_string(count, "count", m_batching.collection);
    bson::append_document(count, "query", m_filter);
    if (bson_iter_t collation; statement_field(m_command, "collation", &collation)) {
      bson::append_value(count, "collation", collation);
    }
    return int_of(send(count), "n");
  }

  bson::Document find_command() const {
    bson::Document find;
    bson::append_string(find, "find", m_batching.collection);
    bson::append_document(find, "filter", m_filter);
    bson::Document id_only;
    bson::append_int32(id_only, "_id", 1);
    bson::append_document(find, "projection", id_only);
    bson::append_document(find, "sort", id_only);
    bson::append_int32(find, "batchSize", m_batching.batch_size);
    if (bson_iter_t collation; statement_field(m_command, "collation", &collation)) {
      bson::append_value(find, "collation", collation);
    }
    if (bson_iter_t let; bson::find_field(m_command.command, "let", &let)) bson::append_value(find, "let", let);
    return find;
  }

  bson::Document get_more_command() const {
    bson::Document more;
    BSON_APPEND_INT64(more.mut(), "getMore", m_cursor);
    bson::append_string(more, "collection", m_batching.collection);
    bson::append_int32(more, "batchSize", m_batching.batch_size);
    return more;
  }

  // A walk that stops early (a stop request, a refused batch) closes its
  // cursor rather than leave it open on the server until it times out; a
  // lost lease or connection sends nothing more.
  void close_cursor(const Error& e) noexcept {
    if (m_cursor == 0 || e.code() == ExitCode::lock || e.code() == ExitCode::connection) return;
    try {
      bson::Document kill;
      bson::append_string(kill, "killCursors", m_batching.collection);
      bson_t list;
      BSON_APPEND_ARRAY_BEGIN(kill.mut(), "cursors", &list);
      BSON_APPEND_INT64(&list, "0", m_cursor);
      bson_append_array_end(kill.mut(), &list);
      m_walk.server.send(m_command.database, kill, port::Reply::plain);
    } catch (...) {
    }
  }

  WriteCounts counts() const {
    WriteCounts c;
    c.matched = m_walk.checkpoint.matched;
    c.modified = m_walk.checkpoint.modified;
    c.deleted = m_walk.checkpoint.deleted;
    return c;
  }

  BatchedWalk& m_walk;
  const script::ServerCommand& m_command;
  const script::Batching& m_batching;
  const bool m_ferretdb;
  bson::Document m_filter;  // the user's filter, after the checkpoint when resuming
  int64_t m_cursor = 0;
};

}  // namespace

WriteCounts run_batched(BatchedWalk& walk) {
  Walker walker(walk);
  return walker.run();
}

}  // namespace mongoway::exec
