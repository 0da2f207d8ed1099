/*
 * The floor of the mongoway benchmark: a bare libmongoc loop over one
 * connection that replays a workload's strictly necessary commands and
 * nothing else (no files to read, no checksums, no lock, no validation).
 *
 *   floor URI REPLAY_FILE
 *
 * REPLAY_FILE has one command per line: the database name, a TAB, and the
 * command document as (canonical or relaxed) Extended JSON. A reply that
 * opens a cursor is drained with getMore. A command that fails, or a write
 * that reports writeErrors or a writeConcernError, stops the run with exit 1.
 *
 * Prints one line to stdout: {"commands": N, "round_trips": R, "ms": T}
 * where T covers connecting (the driver's hello) and every command, but not
 * reading REPLAY_FILE. The harness times the whole process as well.
 *
 * Compiled by bench/run:  cc -O2 floor.c $(pkg-config --cflags --libs libmongoc-1.0)
 */
#include <mongoc/mongoc.h>

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

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: floor URI REPLAY_FILE\n");
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
  mongoc_client_t *client = mongoc_client_new_from_uri(uri); /* single-threaded: one connection */
  if (!client) fail("cannot create the client", NULL, NULL);
  mongoc_client_set_appname(client, "mongoway-bench-floor");

  long round_trips = 0;
  for (size_t i = 0; i < n; i++) {
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
  const double t1 = now_ms();
  printf("{\"commands\": %zu, \"round_trips\": %ld, \"ms\": %.3f}\n", n, round_trips, t1 - t0);

  mongoc_client_destroy(client);
  mongoc_uri_destroy(uri);
  for (size_t i = 0; i < n; i++) {
    free(entries[i].db);
    bson_destroy(entries[i].cmd);
  }
  free(entries);
  mongoc_cleanup();
  return 0;
}
