#include "exec/commands/target_schema.hpp"

#include "exec/schema_reader.hpp"

namespace mongoway::exec {

Fingerprint read_target_fingerprint(Engine& engine, bool data) {
  engine.read_files();
  if (data) engine.refuse_invalid_files();
  const ReadOptions options = fingerprint_options(engine, data);
  // The version first: a migration that ends between the two readings makes
  // the schema newer than its version, never older.
  const int64_t version = engine.read_status().current_version;
  Fingerprint out = read_fingerprint(engine.server(), engine.config.database, options);
  out.version = version;
  return out;
}

ReadOptions fingerprint_options(const Engine& engine, bool data) {
  ReadOptions options;
  options.history_collection = engine.config.history_collection;
  options.data = data;
  if (data) options.named_object_ids = object_ids_named_by(engine.files);
  return options;
}

}  // namespace mongoway::exec
