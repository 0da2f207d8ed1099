/*
 * The floor of the mongoway benchmark: a bare libmongoc loop over one
 * connection that replays a workload's strictly necessary commands and
 * nothing else (no files to read, no checksums, no lock, no validation).
 *
 *   floor URI REPLAY_FILE [THREADS]
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
 * Prints one line to stdout: {"commands": N, "round_trips": R, "ms": T}
 * (with THREADS also "databases" and "threads") where T covers connecting
 * (the driver's hello) and every command, but not reading REPLAY_FILE. The
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

/* Runs one command; fails on an error or a write error in the reply. */
static void run(mongoc_client_t *client, const char *db, const bson_t *cmd, bson_t *reply) {
  bson_error_t err;
  if (!mongoc_client_command_simple(client, db, cmd, NULL, reply, &err)) fail("command failed", &err, reply);
  bson_iter_t it;
  if (bson_iter_init_find(&it, reply, "writeErrors") || bson_iter_init_find(&it, reply, "writeConcernError"))
    fail("write error", NULL, reply);
}

/* Replays entries [from, to) on one client; returns the round trips it made. */
static long replay(mongoc_client_t *client, entry_t *entries, size_t from, size_t to) {
  long round_trips = 0;
  for (size_t i = from; i < to; i++) {
    bson_t reply;
    run(client, entries[i].db, entries[i].cmd, &reply);
    round_trips++;
    /* Drain a cursor the command opened. */
    bson_iter_t it, cur;
    int64_t cursor_id = 0;
    char coll[256] = "";
    if (bson_iter_init_find(&it, &reply, "cursor") && BSON_ITER_HOLDS_DOCUMENT(&it) && bson_iter_recurse(&it, &cur)) {
      while (bson_iter_next(&cur)) {
        if (strcmp(bson_iter_key(&cur), "id") == 0) cursor_id = bson_iter_as_int64(&cur);
        if (strcmp(bson_iter_key(&cur), "ns") == 0 && BSON_ITER_HOLDS_UTF8(&cur)) {
          const char *ns = bson_iter_utf8(&cur, NULL);
          const char *dot = strchr(ns, '.');
          snprintf(coll, sizeof coll, "%s", dot ? dot + 1 : ns);
        }
      }
    }
    bson_destroy(&reply);
    while (cursor_id != 0) {
      bson_t get_more = BSON_INITIALIZER, more;
      BSON_APPEND_INT64(&get_more, "getMore", cursor_id);
      BSON_APPEND_UTF8(&get_more, "collection", coll);
      BSON_APPEND_INT32(&get_more, "batchSize", 100000);
      run(client, entries[i].db, &get_more, &more);
      round_trips++;
      cursor_id = 0;
      if (bson_iter_init_find(&it, &more, "cursor") && BSON_ITER_HOLDS_DOCUMENT(&it) && bson_iter_recurse(&it, &cur) &&
          bson_iter_find(&cur, "id"))
        cursor_id = bson_iter_as_int64(&cur);
      bson_destroy(&get_more);
      bson_destroy(&more);
    }
  }
  return round_trips;
}

/* The fleet mode: units of consecutive lines for one database, taken in order by the threads. */
typedef struct {
  mongoc_client_pool_t *pool;
  entry_t *entries;
  size_t *unit_start; /* unit k is entries [unit_start[k], unit_start[k + 1]) */
  size_t units;
  atomic_size_t next;
  atomic_long round_trips;
} fleet_t;

static void *fleet_worker(void *arg) {
  fleet_t *f = arg;
  mongoc_client_t *client = mongoc_client_pool_pop(f->pool);
  long mine = 0;
  for (size_t k; (k = atomic_fetch_add(&f->next, 1)) < f->units;)
    mine += replay(client, f->entries, f->unit_start[k], f->unit_start[k + 1]);
  mongoc_client_pool_push(f->pool, client);
  atomic_fetch_add(&f->round_trips, mine);
  return NULL;
}

static long replay_fleet(mongoc_uri_t *uri, entry_t *entries, size_t n, int threads, size_t *databases) {
  fleet_t f = {.entries = entries};
  f.unit_start = malloc((n + 1) * sizeof *f.unit_start);
  for (size_t i = 0; i < n; i++)
    if (i == 0 || strcmp(entries[i].db, entries[i - 1].db) != 0) f.unit_start[f.units++] = i;
  f.unit_start[f.units] = n;
  *databases = f.units;
  atomic_init(&f.next, 0);
  atomic_init(&f.round_trips, 0);
  f.pool = mongoc_client_pool_new(uri);
  if (!f.pool) fail("cannot create the client pool", NULL, NULL);
  mongoc_client_pool_set_appname(f.pool, "mongoway-bench-floor");
  mongoc_client_pool_max_size(f.pool, (uint32_t)threads);
  pthread_t *tids = malloc((size_t)threads * sizeof *tids);
  for (int t = 0; t < threads; t++) pthread_create(&tids[t], NULL, fleet_worker, &f);
  for (int t = 0; t < threads; t++) pthread_join(tids[t], NULL);
  mongoc_client_pool_destroy(f.pool);
  free(tids);
  free(f.unit_start);
  return atomic_load(&f.round_trips);
}

int main(int argc, char **argv) {
  if (argc != 3 && argc != 4) {
    fprintf(stderr, "usage: floor URI REPLAY_FILE [THREADS]\n");
    return 2;
  }
  const int threads = argc == 4 ? atoi(argv[3]) : 0;
  if (argc == 4 && threads < 1) {
    fprintf(stderr, "floor: THREADS must be a positive number\n");
    return 2;
  }
  FILE *f = fopen(argv[2], "r");
  if (!f) {
    perror(argv[2]);
    return 2;
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
      return 2;
    }
    *tab = '\0';
    bson_error_t err;
    bson_t *cmd = bson_new_from_json((const uint8_t *)(tab + 1), -1, &err);
    if (!cmd) {
      fprintf(stderr, "floor: line %zu: %s\n", n + 1, err.message);
      return 2;
    }
    if (n == cap) entries = realloc(entries, (cap *= 2) * sizeof *entries);
    entries[n].db = strdup(line);
    entries[n].cmd = cmd;
    n++;
  }
  free(line);
  fclose(f);

  mongoc_init();
  const double t0 = now_ms();
  bson_error_t err;
  mongoc_uri_t *uri = mongoc_uri_new_with_error(argv[1], &err);
  if (!uri) fail("bad URI", &err, NULL);
  if (threads > 0) {
    size_t databases = 0;
    const long round_trips = replay_fleet(uri, entries, n, threads, &databases);
    const double t1 = now_ms();
    printf("{\"commands\": %zu, \"round_trips\": %ld, \"ms\": %.3f, \"databases\": %zu, \"threads\": %d}\n", n,
           round_trips, t1 - t0, databases, threads);
  } else {
    mongoc_client_t *client = mongoc_client_new_from_uri(uri); /* single-threaded: one connection */
    if (!client) fail("cannot create the client", NULL, NULL);
    mongoc_client_set_appname(client, "mongoway-bench-floor");
    const long round_trips = replay(client, entries, 0, n);
    const double t1 = now_ms();
    printf("{\"commands\": %zu, \"round_trips\": %ld, \"ms\": %.3f}\n", n, round_trips, t1 - t0);
    mongoc_client_destroy(client);
  }
  mongoc_uri_destroy(uri);
  for (size_t i = 0; i < n; i++) {
    free(entries[i].db);
    bson_destroy(entries[i].cmd);
  }
  free(entries);
  mongoc_cleanup();
  return 0;
}
