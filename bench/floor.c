/*
 * The floor of the mongoway benchmark: a bare libmongoc loop over one
 * connection that replays a workload's strictly necessary commands and
 * nothing else (no files to read, no checksums, no lock, no validation).
 *
 *   floor URI REPLAY_FILE [THREADS]
 *   floor URI --backfill DB COLLECTION BATCH_SIZE FILTER_JSON UPDATE_JSON
 *
 * REPLAY_FILE has one command per line: the database name, a TAB, and the
 * command document as (canonical or relaxed) Extended JSON. A reply that
 * opens a cursor is drained with getMore. A command that fails, or a write
 * that reports writeErrors or a writeConcernError, stops the run with exit 1.
 *
 * Without THREADS, one client (one connection) replays every line in order.
 * With THREADS (the fleet workload), the consecutive lines of one database
 * form a unit; THREADS threads, each with its own client from one pool (one
 * connection each, plus the pool's monitoring connection), take the units in
 * file order, so each database's commands still run in order.
 *
 * --backfill (the backfill workload, one client) sends what a batched
 * updateMany strictly needs: a count of the matching documents and one
 * checkpoint write when it starts, then one cursor over the matching _ids
 * (projected to _id, sorted by _id, BATCH_SIZE per batch) and per batch: the
 * read of its _ids (the find, then one getMore each), the update with
 * {$and: [FILTER, {_id: {$in: <the _ids>}}]}, and one checkpoint write (an
 * update of one document of floor_checkpoint, the way a run record is
 * updated).
 *
 * Prints one line to stdout: {"commands": N, "round_trips": R, "ms": T,
 * "batches": B, "max_ms": M, "max_command": "..."} (with THREADS also
 * "databases" and "threads") where T covers connecting (the driver's hello)
 * and every command, but not reading REPLAY_FILE; B is 0 but with
 * --backfill; M is the longest single round trip (the server's operation
 * plus the loopback), timed around each request, over every thread. The
 * harness times the whole process as well.
 *
 * Compiled by bench/run:  cc -O2 floor.c $(pkg-config --cflags --libs libmongoc-1.0) -lpthread
 */
#include <mongoc/mongoc.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
  char *db;
  bson_t *cmd;
} entry_t;

/* One client (one connection) and what its requests took: their number and the longest. */
typedef struct {
  mongoc_client_t *client;
  long round_trips;
  double max_ms;
  char max_command[64];
} conn_t;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void fail(const char *what, const bson_error_t *err, const bson_t *reply) {
  fprintf(stderr, "floor: %s: %s\n", what, err ? err->message : "");
  if (reply) {
    char *s = bson_as_relaxed_extended_json(reply, NULL);
    fprintf(stderr, "floor: reply: %s\n", s);
    bson_free(s);
  }
  exit(1);
}

/* Runs one command on c, timed; fails on an error or a write error in the reply. */
static void run(conn_t *c, const char *db, const bson_t *cmd, bson_t *reply) {
  bson_error_t err;
  const double t0 = now_ms();
  const bool ok = mongoc_client_command_simple(c->client, db, cmd, NULL, reply, &err);
  const double took = now_ms() - t0;
  c->round_trips++;
  if (took > c->max_ms) {
    bson_iter_t first;
    c->max_ms = took;
    snprintf(c->max_command, sizeof c->max_command, "%s",
             bson_iter_init(&first, cmd) && bson_iter_next(&first) ? bson_iter_key(&first) : "?");
  }
  if (!ok) fail("command failed", &err, reply);
  bson_iter_t it;
  if (bson_iter_init_find(&it, reply, "writeErrors") || bson_iter_init_find(&it, reply, "writeConcernError"))
    fail("write error", NULL, reply);
}

/* Adds what one connection's requests took to a total (the fleet mode's threads). */
static void add_timing(conn_t *total, const conn_t *c) {
  total->round_trips += c->round_trips;
  if (c->max_ms > total->max_ms) {
    total->max_ms = c->max_ms;
    snprintf(total->max_command, sizeof total->max_command, "%s", c->max_command);
  }
}

static bson_t *parse_json(const char *what, const char *text) {
  bson_error_t err;
  bson_t *doc = bson_new_from_json((const uint8_t *)text, -1, &err);
  if (!doc) {
    fprintf(stderr, "floor: %s: %s\n", what, err.message);
    exit(2);
  }
  return doc;
}

/* Reads REPLAY_FILE into entries; returns their number. */
static size_t read_replay(const char *path, entry_t **out) {
  FILE *f = fopen(path, "r");
  if (!f) {
    perror(path);
    exit(2);
  }
  size_t n = 0, cap = 64;
  entry_t *entries = malloc(cap * sizeof *entries);
  char *line = NULL;
  size_t line_cap = 0;
  ssize_t len;
  while ((len = getline(&line, &line_cap, f)) > 0) {
    if (line[len - 1] == '\n') line[--len] = '\0';
    if (len == 0) continue;
    char *tab = strchr(line, '\t');
    if (!tab) {
      fprintf(stderr, "floor: line %zu has no TAB\n", n + 1);
      exit(2);
    }
    *tab = '\0';
    if (n == cap) entries = realloc(entries, (cap *= 2) * sizeof *entries);
    entries[n].db = strdup(line);
    entries[n].cmd = parse_json("a line of the replay file", tab + 1);
    n++;
  }
  free(line);
  fclose(f);
  *out = entries;
  return n;
}

/* The cursor a reply opened: its id, its collection and the array of documents it carries. */
static int64_t cursor_of(const bson_t *reply, char *coll, size_t coll_size, bson_iter_t *batch) {
  bson_iter_t it, cur;
  int64_t cursor_id = 0;
  if (!bson_iter_init_find(&it, reply, "cursor") || !BSON_ITER_HOLDS_DOCUMENT(&it) || !bson_iter_recurse(&it, &cur))
    return 0;
  while (bson_iter_next(&cur)) {
    const char *key = bson_iter_key(&cur);
    if (strcmp(key, "id") == 0) cursor_id = bson_iter_as_int64(&cur);
    if (coll && strcmp(key, "ns") == 0 && BSON_ITER_HOLDS_UTF8(&cur)) {
      const char *ns = bson_iter_utf8(&cur, NULL);
      const char *dot = strchr(ns, '.');
      snprintf(coll, coll_size, "%s", dot ? dot + 1 : ns);
    }
    if (batch && (strcmp(key, "firstBatch") == 0 || strcmp(key, "nextBatch") == 0) && BSON_ITER_HOLDS_ARRAY(&cur))
      bson_iter_recurse(&cur, batch);
  }
  return cursor_id;
}

/* Replays entries [from, to) on one connection. */
static void replay(conn_t *c, const entry_t *entries, size_t from, size_t to) {
  for (size_t i = from; i < to; i++) {
    bson_t reply;
    run(c, entries[i].db, entries[i].cmd, &reply);
    /* Drain a cursor the command opened. */
    char coll[256] = "";
    int64_t cursor_id = cursor_of(&reply, coll, sizeof coll, NULL);
    bson_destroy(&reply);
    while (cursor_id != 0) {
      bson_t get_more = BSON_INITIALIZER, more;
      BSON_APPEND_INT64(&get_more, "getMore", cursor_id);
      BSON_APPEND_UTF8(&get_more, "collection", coll);
      BSON_APPEND_INT32(&get_more, "batchSize", 100000);
      run(c, entries[i].db, &get_more, &more);
      cursor_id = cursor_of(&more, NULL, 0, NULL);
      bson_destroy(&get_more);
      bson_destroy(&more);
    }
  }
}

/* The fleet mode: units of consecutive lines for one database, taken in order by the threads. */
typedef struct {
  mongoc_client_pool_t *pool;
  const entry_t *entries;
  size_t *unit_start; /* unit k is entries [unit_start[k], unit_start[k + 1]) */
  size_t units;
  atomic_size_t next;
  pthread_mutex_t lock; /* guards total */
  conn_t total;         /* every thread's requests */
} fleet_t;

static void *fleet_worker(void *arg) {
  fleet_t *f = arg;
  conn_t c = {.client = mongoc_client_pool_pop(f->pool)};
  for (size_t k; (k = atomic_fetch_add(&f->next, 1)) < f->units;)
    replay(&c, f->entries, f->unit_start[k], f->unit_start[k + 1]);
  mongoc_client_pool_push(f->pool, c.client);
  pthread_mutex_lock(&f->lock);
  add_timing(&f->total, &c);
  pthread_mutex_unlock(&f->lock);
  return NULL;
}

/* Replays entries over THREADS clients of one pool; sets *total to their requests, returns the databases. */
static size_t replay_fleet(mongoc_uri_t *uri, const entry_t *entries, size_t n, int threads, conn_t *total) {
  fleet_t f = {.entries = entries};
  f.unit_start = malloc((n + 1) * sizeof *f.unit_start);
  for (size_t i = 0; i < n; i++)
    if (i == 0 || strcmp(entries[i].db, entries[i - 1].db) != 0) f.unit_start[f.units++] = i;
  f.unit_start[f.units] = n;
  atomic_init(&f.next, 0);
  pthread_mutex_init(&f.lock, NULL);
  f.pool = mongoc_client_pool_new(uri);
  if (!f.pool) fail("cannot create the client pool", NULL, NULL);
  mongoc_client_pool_set_appname(f.pool, "mongoway-bench-floor");
  mongoc_client_pool_max_size(f.pool, (uint32_t)threads);
  pthread_t *tids = malloc((size_t)threads * sizeof *tids);
  for (int t = 0; t < threads; t++) pthread_create(&tids[t], NULL, fleet_worker, &f);
  for (int t = 0; t < threads; t++) pthread_join(tids[t], NULL);
  mongoc_client_pool_destroy(f.pool);
  pthread_mutex_destroy(&f.lock);
  free(tids);
  free(f.unit_start);
  *total = f.total;
  return f.units;
}

typedef struct {
  const char *db, *coll;
  int32_t batch_size;
  const bson_t *filter, *update;
} backfill_t;

/* One write to floor_checkpoint's document: the last _id done (when there is one) and the count so far. */
static void checkpoint(conn_t *c, const backfill_t *b, const bson_iter_t *last_id, int64_t done) {
  bson_t cmd = BSON_INITIALIZER, updates, one, q, u, set, reply;
  BSON_APPEND_UTF8(&cmd, "update", "floor_checkpoint");
  BSON_APPEND_ARRAY_BEGIN(&cmd, "updates", &updates);
  BSON_APPEND_DOCUMENT_BEGIN(&updates, "0", &one);
  BSON_APPEND_DOCUMENT_BEGIN(&one, "q", &q);
  BSON_APPEND_INT32(&q, "_id", 1);
  bson_append_document_end(&one, &q);
  BSON_APPEND_DOCUMENT_BEGIN(&one, "u", &u);
  BSON_APPEND_DOCUMENT_BEGIN(&u, "$set", &set);
  if (last_id)
    bson_append_iter(&set, "checkpoint.last_id", -1, last_id);
  else
    BSON_APPEND_NULL(&set, "checkpoint.last_id");
  BSON_APPEND_INT64(&set, "checkpoint.done", done);
  bson_append_document_end(&u, &set);
  bson_append_document_end(&one, &u);
  BSON_APPEND_BOOL(&one, "upsert", true);
  bson_append_document_end(&updates, &one);
  bson_append_array_end(&cmd, &updates);
  run(c, b->db, &cmd, &reply);
  bson_destroy(&reply);
  bson_destroy(&cmd);
}

/* The update of one batch: {$and: [filter, {_id: {$in: ids}}]}; sets *last to the batch's last _id. */
static int64_t update_batch(conn_t *c, const backfill_t *b, bson_iter_t *docs, bson_t *last) {
  bson_t cmd = BSON_INITIALIZER, updates, one, q, and, by_id, id_cond, in, reply;
  BSON_APPEND_UTF8(&cmd, "update", b->coll);
  BSON_APPEND_ARRAY_BEGIN(&cmd, "updates", &updates);
  BSON_APPEND_DOCUMENT_BEGIN(&updates, "0", &one);
  BSON_APPEND_DOCUMENT_BEGIN(&one, "q", &q);
  BSON_APPEND_ARRAY_BEGIN(&q, "$and", &and);
  BSON_APPEND_DOCUMENT(&and, "0", b->filter);
  BSON_APPEND_DOCUMENT_BEGIN(&and, "1", &by_id);
  BSON_APPEND_DOCUMENT_BEGIN(&by_id, "_id", &id_cond);
  BSON_APPEND_ARRAY_BEGIN(&id_cond, "$in", &in);
  int64_t count = 0;
  while (bson_iter_next(docs)) {
    bson_iter_t doc, id;
    if (!BSON_ITER_HOLDS_DOCUMENT(docs) || !bson_iter_recurse(docs, &doc) || !bson_iter_find(&doc, "_id")) continue;
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)count++);
    bson_append_iter(&in, key, -1, &doc);
    id = doc;
    bson_reinit(last);
    bson_append_iter(last, "_id", -1, &id);
  }
  bson_append_array_end(&id_cond, &in);
  bson_append_document_end(&by_id, &id_cond);
  bson_append_document_end(&and, &by_id);
  bson_append_array_end(&q, &and);
  bson_append_document_end(&one, &q);
  BSON_APPEND_DOCUMENT(&one, "u", b->update);
  BSON_APPEND_BOOL(&one, "multi", true);
  bson_append_document_end(&updates, &one);
  bson_append_array_end(&cmd, &updates);
  if (count > 0) {
    run(c, b->db, &cmd, &reply);
    bson_destroy(&reply);
  }
  bson_destroy(&cmd);
  return count;
}

/* Returns the number of batches. */
static long backfill(conn_t *c, const backfill_t *b) {
  bson_t reply, *cmd = BCON_NEW("count", BCON_UTF8(b->coll), "query", BCON_DOCUMENT(b->filter));
  run(c, b->db, cmd, &reply);
  bson_destroy(&reply);
  bson_destroy(cmd);
  checkpoint(c, b, NULL, 0);
  cmd = BCON_NEW("find", BCON_UTF8(b->coll), "filter", BCON_DOCUMENT(b->filter), "projection", "{", "_id",
                 BCON_INT32(1), "}", "sort", "{", "_id", BCON_INT32(1), "}", "batchSize", BCON_INT32(b->batch_size));
  run(c, b->db, cmd, &reply);
  bson_destroy(cmd);
  long batches = 0;
  int64_t done = 0;
  for (;;) {
    bson_iter_t docs, last_id;
    bson_t last = BSON_INITIALIZER;
    int64_t cursor_id = cursor_of(&reply, NULL, 0, &docs);
    const int64_t n = update_batch(c, b, &docs, &last);
    bson_destroy(&reply);
    if (n > 0) {
      batches++;
      done += n;
      bson_iter_init_find(&last_id, &last, "_id");
      checkpoint(c, b, &last_id, done);
    }
    bson_destroy(&last);
    if (cursor_id == 0 || n == 0) break;
    cmd = BCON_NEW("getMore", BCON_INT64(cursor_id), "collection", BCON_UTF8(b->coll), "batchSize",
                   BCON_INT32(b->batch_size));
    run(c, b->db, cmd, &reply);
    bson_destroy(cmd);
  }
  return batches;
}

int main(int argc, char **argv) {
  const bool batched = argc > 2 && strcmp(argv[2], "--backfill") == 0;
  if (batched ? argc != 8 : argc != 3 && argc != 4) {
    fprintf(stderr, "usage: floor URI REPLAY_FILE [THREADS]\n"
                    "       floor URI --backfill DB COLLECTION BATCH_SIZE FILTER_JSON UPDATE_JSON\n");
    return 2;
  }
  const int threads = !batched && argc == 4 ? atoi(argv[3]) : 0;
  if (!batched && argc == 4 && threads < 1) {
    fprintf(stderr, "floor: THREADS must be a positive number\n");
    return 2;
  }
  entry_t *entries = NULL;
  size_t n = 0;
  backfill_t b = {0};
  if (batched) {
    b.db = argv[3];
    b.coll = argv[4];
    b.batch_size = atoi(argv[5]);
    b.filter = parse_json("FILTER_JSON", argv[6]);
    b.update = parse_json("UPDATE_JSON", argv[7]);
    if (b.batch_size < 1) {
      fprintf(stderr, "floor: BATCH_SIZE must be at least 1\n");
      return 2;
    }
  } else {
    n = read_replay(argv[2], &entries);
  }

  mongoc_init();
  const double t0 = now_ms();
  bson_error_t err;
  mongoc_uri_t *uri = mongoc_uri_new_with_error(argv[1], &err);
  if (!uri) fail("bad URI", &err, NULL);
  conn_t c = {0};
  long batches = 0;
  size_t databases = 0;
  if (threads > 0) {
    databases = replay_fleet(uri, entries, n, threads, &c);
  } else {
    c.client = mongoc_client_new_from_uri(uri); /* single-threaded: one connection */
    if (!c.client) fail("cannot create the client", NULL, NULL);
    mongoc_client_set_appname(c.client, "mongoway-bench-floor");
    if (batched)
      batches = backfill(&c, &b);
    else
      replay(&c, entries, 0, n);
  }
  const double t1 = now_ms();
  printf("{\"commands\": %zu, \"round_trips\": %ld, \"ms\": %.3f, \"batches\": %ld, \"max_ms\": %.3f, "
         "\"max_command\": \"%s\"",
         batched ? (size_t)c.round_trips : n, c.round_trips, t1 - t0, batches, c.max_ms, c.max_command);
  if (threads > 0) printf(", \"databases\": %zu, \"threads\": %d", databases, threads);
  printf("}\n");

  if (c.client) mongoc_client_destroy(c.client);
  mongoc_uri_destroy(uri);
  for (size_t i = 0; i < n; i++) {
    free(entries[i].db);
    bson_destroy(entries[i].cmd);
  }
  free(entries);
  if (batched) {
    bson_destroy((bson_t *)b.filter);
    bson_destroy((bson_t *)b.update);
  }
  mongoc_cleanup();
  return 0;
}
