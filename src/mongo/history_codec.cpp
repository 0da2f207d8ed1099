#include "mongo/history_codec.hpp"

#include <bson/bson.h>

namespace mongoway::mongo {
namespace {

int64_t to_ms(model::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string get_string(const bson_iter_t& it) {
  return BSON_ITER_HOLDS_UTF8(&it) ? std::string(bson_iter_utf8(&it, nullptr)) : std::string();
}

model::TimePoint from_ms(int64_t ms) { return model::TimePoint(std::chrono::milliseconds(ms)); }

// {how, at, later_lease, later_owner, adopted_lease, adopted_by, adopted_on}
void append_cut(bson_t* b, const model::Cut& cut) {
  bson_t c;
  BSON_APPEND_DOCUMENT_BEGIN(b, "cut", &c);
  BSON_APPEND_UTF8(&c, "how", model::to_string(cut.how));
  BSON_APPEND_DATE_TIME(&c, "at", to_ms(cut.at));
  if (cut.later_lease != 0) {
    BSON_APPEND_INT64(&c, "later_lease", cut.later_lease);
    BSON_APPEND_UTF8(&c, "later_owner", cut.later_owner.c_str());
  }
  BSON_APPEND_INT64(&c, "adopted_lease", cut.adopted_lease);
  BSON_APPEND_UTF8(&c, "adopted_by", cut.adopted_by.c_str());
  BSON_APPEND_DATE_TIME(&c, "adopted_on", to_ms(cut.adopted_on));
  bson_append_document_end(b, &c);
}

model::Cut cut_from(const bson_iter_t& parent) {
  model::Cut cut;
  bson_iter_t it;
  if (!bson_iter_recurse(&parent, &it)) return cut;
  while (bson_iter_next(&it)) {
    std::string_view key = bson_iter_key(&it);
    if (key == "how") cut.how = model::cut_how_from_string(get_string(it)).value_or(model::Cut::How::not_recorded);
    else if (key == "at" && BSON_ITER_HOLDS_DATE_TIME(&it)) cut.at = from_ms(bson_iter_date_time(&it));
    else if (key == "later_lease") cut.later_lease = bson_iter_as_int64(&it);
    else if (key == "later_owner") cut.later_owner = get_string(it);
    else if (key == "adopted_lease") cut.adopted_lease = bson_iter_as_int64(&it);
    else if (key == "adopted_by") cut.adopted_by = get_string(it);
    else if (key == "adopted_on" && BSON_ITER_HOLDS_DATE_TIME(&it)) cut.adopted_on = from_ms(bson_iter_date_time(&it));
  }
  return cut;
}

// {tool, collection, version}
void append_from(bson_t* b, const model::TakenFrom& from) {
  bson_t f;
  BSON_APPEND_DOCUMENT_BEGIN(b, "from", &f);
  BSON_APPEND_UTF8(&f, "tool", from.tool.c_str());
  BSON_APPEND_UTF8(&f, "collection", from.collection.c_str());
  BSON_APPEND_UTF8(&f, "version", from.version.c_str());
  bson_append_document_end(b, &f);
}

model::TakenFrom from_from(const bson_iter_t& parent) {
  model::TakenFrom from;
  bson_iter_t it;
  if (!bson_iter_recurse(&parent, &it)) return from;
  while (bson_iter_next(&it)) {
    std::string_view key = bson_iter_key(&it);
    if (key == "tool") from.tool = get_string(it);
    else if (key == "collection") from.collection = get_string(it);
    else if (key == "version") from.version = get_string(it);
  }
  return from;
}

// {items: [{kind, command, collection, name?, count?}], not_derivable?}
void append_created(bson_t* b, const model::Created& created) {
  bson_t c, items, item;
  BSON_APPEND_DOCUMENT_BEGIN(b, "created", &c);
  BSON_APPEND_ARRAY_BEGIN(&c, "items", &items);
  char key[16];
  for (size_t i = 0; i < created.items.size(); ++i) {
    const char* k = nullptr;
    bson_uint32_to_string(static_cast<uint32_t>(i), &k, key, sizeof key);
    const auto& each = created.items[i];
    bson_append_document_begin(&items, k, -1, &item);
    BSON_APPEND_UTF8(&item, "kind", model::to_string(each.kind));
    BSON_APPEND_INT32(&item, "command", each.command);
    BSON_APPEND_UTF8(&item, "collection", each.collection.c_str());
    if (!each.name.empty()) BSON_APPEND_UTF8(&item, "name", each.name.c_str());
    if (each.kind == model::Creation::Kind::documents) BSON_APPEND_INT64(&item, "count", each.count);
    bson_append_document_end(&items, &item);
  }
  bson_append_array_end(&c, &items);
  if (!created.not_derivable.empty()) BSON_APPEND_UTF8(&c, "not_derivable", created.not_derivable.c_str());
  bson_append_document_end(b, &c);
}

// An item of a kind this reader does not know makes the record not derivable.
std::optional<model::Creation> creation_from(bson_iter_t* field) {
  model::Creation each;
  bool known = false;
  while (bson_iter_next(field)) {
    std::string_view k = bson_iter_key(field);
    if (k == "kind") {
      auto kind = model::creation_kind_from_string(get_string(*field));
      known = kind.has_value();
      if (kind) each.kind = *kind;
    } else if (k == "command") {
      each.command = static_cast<int>(bson_iter_as_int64(field));
    } else if (k == "collection") {
      each.collection = get_string(*field);
    } else if (k == "name") {
      each.name = get_string(*field);
    } else if (k == "count") {
      each.count = bson_iter_as_int64(field);
    }
  }
  if (!known) return std::nullopt;
  return each;
}

model::Created created_from(const bson_iter_t& parent) {
  model::Created created;
  bson_iter_t it, items, field;
  if (!bson_iter_recurse(&parent, &it)) return created;
  while (bson_iter_next(&it)) {
    std::string_view key = bson_iter_key(&it);
    if (key == "not_derivable") {
      created.not_derivable = get_string(it);
    } else if (key == "items" && BSON_ITER_HOLDS_ARRAY(&it) && bson_iter_recurse(&it, &items)) {
      while (bson_iter_next(&items)) {
        if (!BSON_ITER_HOLDS_DOCUMENT(&items) || !bson_iter_recurse(&items, &field)) continue;
        if (auto each = creation_from(&field)) {
          created.items.push_back(std::move(*each));
        } else if (created.not_derivable.empty()) {
          created.not_derivable = "its record names a kind of change this mongoway does not know";
        }
      }
    }
  }
  return created;
}

// {rank, version, command, last_id: <the _id itself>, done, total, batches, matched, modified, deleted}
void append_checkpoint(bson_t* b, const model::Checkpoint& cp) {
  bson_t c;
  BSON_APPEND_DOCUMENT_BEGIN(b, "checkpoint", &c);
  BSON_APPEND_INT64(&c, "rank", cp.rank);
  BSON_APPEND_INT64(&c, "version", cp.version);
  BSON_APPEND_INT32(&c, "command", cp.command);
  if (bson_iter_t id; cp.has_last_id() && bson_iter_init_find(&id, cp.last_id.get(), "_id")) {
    bson_append_iter(&c, "last_id", -1, &id);
  }
  BSON_APPEND_INT64(&c, "done", cp.done);
  BSON_APPEND_INT64(&c, "total", cp.total);
  BSON_APPEND_INT64(&c, "batches", cp.batches);
  BSON_APPEND_INT64(&c, "matched", cp.matched);
  BSON_APPEND_INT64(&c, "modified", cp.modified);
  BSON_APPEND_INT64(&c, "deleted", cp.deleted);
  bson_append_document_end(b, &c);
}

model::Checkpoint checkpoint_from(const bson_iter_t& parent) {
  model::Checkpoint cp;
  bson_iter_t it;
  if (!bson_iter_recurse(&parent, &it)) return cp;
  while (bson_iter_next(&it)) {
    const std::string_view key = bson_iter_key(&it);
    if (key == "last_id") {
      bson_append_iter(cp.last_id.mut(), "_id", -1, &it);
      continue;
    }
    if (!BSON_ITER_HOLDS_NUMBER(&it)) continue;
    const int64_t n = bson_iter_as_int64(&it);
    if (key == "rank") cp.rank = n;
    else if (key == "version") cp.version = n;
    else if (key == "command") cp.command = static_cast<int>(n);
    else if (key == "done") cp.done = n;
    else if (key == "total") cp.total = n;
    else if (key == "batches") cp.batches = n;
    else if (key == "matched") cp.matched = n;
    else if (key == "modified") cp.modified = n;
    else if (key == "deleted") cp.deleted = n;
  }
  return cp;
}

}  // namespace

bson::Document entry_to_document(const model::HistoryEntry& e) {
  bson::Document d;
  bson_t* b = d.mut();
  BSON_APPEND_INT64(b, "_id", e.rank);
  BSON_APPEND_INT64(b, "version", e.version);
  BSON_APPEND_UTF8(b, "description", e.description.c_str());
  BSON_APPEND_UTF8(b, "script", e.script.c_str());
  BSON_APPEND_UTF8(b, "type", model::to_string(e.type));
  BSON_APPEND_UTF8(b, "checksum", e.checksum.c_str());
  BSON_APPEND_UTF8(b, "installed_by", e.installed_by.c_str());
  BSON_APPEND_DATE_TIME(b, "installed_on", to_ms(e.installed_on));
  BSON_APPEND_INT64(b, "execution_time_ms", e.execution_time_ms);
  BSON_APPEND_BOOL(b, "success", e.success);
  BSON_APPEND_BOOL(b, "finished", e.finished);
  BSON_APPEND_INT64(b, "lease", e.lease);
  if (e.repaired) BSON_APPEND_BOOL(b, "repaired", true);
  if (!e.error.empty()) BSON_APPEND_UTF8(b, "error", e.error.c_str());
  if (e.cut) append_cut(b, *e.cut);
  if (e.from) append_from(b, *e.from);
  if (e.created) append_created(b, *e.created);
  if (e.derived) BSON_APPEND_BOOL(b, "derived", true);
  if (e.checkpoint) append_checkpoint(b, *e.checkpoint);
  return d;
}

model::HistoryEntry entry_from_document(const bson::Document& doc) {
  model::HistoryEntry e;
  bson_iter_t it;
  if (!bson_iter_init(&it, doc.get())) return e;
  while (bson_iter_next(&it)) {
    std::string_view key = bson_iter_key(&it);
    if (key == "_id") e.rank = bson_iter_as_int64(&it);
    else if (key == "version") e.version = bson_iter_as_int64(&it);
    else if (key == "description") e.description = get_string(it);
    else if (key == "script") e.script = get_string(it);
    else if (key == "type") e.type = model::entry_type_from_string(get_string(it)).value_or(model::EntryType::migrate);
    else if (key == "checksum") e.checksum = get_string(it);
    else if (key == "installed_by") e.installed_by = get_string(it);
    else if (key == "installed_on" && BSON_ITER_HOLDS_DATE_TIME(&it))
      e.installed_on = model::TimePoint(std::chrono::milliseconds(bson_iter_date_time(&it)));
    else if (key == "execution_time_ms") e.execution_time_ms = bson_iter_as_int64(&it);
    else if (key == "success") e.success = bson_iter_as_bool(&it);
    else if (key == "finished") e.finished = bson_iter_as_bool(&it);
    else if (key == "repaired") e.repaired = bson_iter_as_bool(&it);
    else if (key == "lease") e.lease = bson_iter_as_int64(&it);
    else if (key == "error") e.error = get_string(it);
    else if (key == "cut" && BSON_ITER_HOLDS_DOCUMENT(&it)) e.cut = cut_from(it);
    else if (key == "from" && BSON_ITER_HOLDS_DOCUMENT(&it)) e.from = from_from(it);
    else if (key == "created" && BSON_ITER_HOLDS_DOCUMENT(&it)) e.created = created_from(it);
    else if (key == "derived") e.derived = bson_iter_as_bool(&it);
    else if (key == "checkpoint" && BSON_ITER_HOLDS_DOCUMENT(&it)) e.checkpoint = checkpoint_from(it);
  }
  return e;
}

// A run record's _id is minus its lease: lease documents have positive _ids,
// and every lease query filters on them.
bson::Document run_to_document(const model::RunRecord& run) {
  bson::Document d;
  bson_t* b = d.mut();
  BSON_APPEND_INT64(b, "_id", -run.lease);
  BSON_APPEND_INT64(b, "lease", run.lease);
  BSON_APPEND_INT64(b, "first_rank", run.first_rank);
  BSON_APPEND_UTF8(b, "type", model::to_string(run.type));
  BSON_APPEND_UTF8(b, "installed_by", run.installed_by.c_str());
  BSON_APPEND_DATE_TIME(b, "started", to_ms(run.started));
  bson_t steps, step;
  BSON_APPEND_ARRAY_BEGIN(b, "steps", &steps);
  char key[16];
  for (size_t i = 0; i < run.steps.size(); ++i) {
    const char* k = nullptr;
    bson_uint32_to_string(static_cast<uint32_t>(i), &k, key, sizeof key);
    const auto& s = run.steps[i];
    bson_append_document_begin(&steps, k, -1, &step);
    BSON_APPEND_INT64(&step, "version", s.version);
    BSON_APPEND_UTF8(&step, "description", s.description.c_str());
    BSON_APPEND_UTF8(&step, "script", s.script.c_str());
    BSON_APPEND_UTF8(&step, "checksum", s.checksum.c_str());
    bson_append_document_end(&steps, &step);
  }
  bson_append_array_end(b, &steps);
  if (run.checkpoint) append_checkpoint(b, *run.checkpoint);
  return d;
}

bson::Document checkpoint_field(const std::optional<model::Checkpoint>& checkpoint) {
  bson::Document d;
  if (checkpoint) {
    append_checkpoint(d.mut(), *checkpoint);
  } else {
    BSON_APPEND_NULL(d.mut(), "checkpoint");
  }
  return d;
}

model::RunRecord run_from_document(const bson::Document& doc) {
  model::RunRecord run;
  bson_iter_t it;
  if (!bson_iter_init(&it, doc.get())) return run;
  while (bson_iter_next(&it)) {
    std::string_view key = bson_iter_key(&it);
    if (key == "lease") run.lease = bson_iter_as_int64(&it);
    else if (key == "first_rank") run.first_rank = bson_iter_as_int64(&it);
    else if (key == "type")
      run.type = model::entry_type_from_string(get_string(it)).value_or(model::EntryType::migrate);
    else if (key == "installed_by") run.installed_by = get_string(it);
    else if (key == "started" && BSON_ITER_HOLDS_DATE_TIME(&it))
      run.started = model::TimePoint(std::chrono::milliseconds(bson_iter_date_time(&it)));
    else if (key == "steps" && BSON_ITER_HOLDS_ARRAY(&it)) {
      bson_iter_t steps, field;
      bson_iter_recurse(&it, &steps);
      while (bson_iter_next(&steps)) {
        if (!BSON_ITER_HOLDS_DOCUMENT(&steps) || !bson_iter_recurse(&steps, &field)) continue;
        model::RunRecord::Step step;
        while (bson_iter_next(&field)) {
          std::string_view k = bson_iter_key(&field);
          if (k == "version") step.version = bson_iter_as_int64(&field);
          else if (k == "description") step.description = get_string(field);
          else if (k == "script") step.script = get_string(field);
          else if (k == "checksum") step.checksum = get_string(field);
        }
        run.steps.push_back(std::move(step));
      }
    } else if (key == "checkpoint" && BSON_ITER_HOLDS_DOCUMENT(&it)) {
      run.checkpoint = checkpoint_from(it);
    }
  }
  return run;
}

}  // namespace mongoway::mongo
