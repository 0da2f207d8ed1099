"""Small pymongo helpers for bench/run, run with the harness's own virtualenv.

  pyhelper.py serverinfo URI              -> JSON: buildInfo version, ferretdbVersion
  pyhelper.py count URI DB COLL [FILTER]  -> JSON: {"count": N} (FILTER: JSON, default {})
  pyhelper.py dropdb URI DB [DB...]       -> drops the databases
  pyhelper.py dropprefix URI PREFIX       -> drops every database whose name starts with PREFIX
  pyhelper.py fleetcheck URI PREFIX EXPECT
      -> JSON {"databases", "complete", "first_bad"}: of the databases named
      PREFIX*, how many hold what EXPECT ({collection: {"count", "indexes"}})
      says a complete one holds
  pyhelper.py ingest URI DB COLL FILE     -> the seed-load reference: reads the
      NDJSON (Extended JSON) file into memory, then times one insert_many of all
      of it; prints JSON {"docs", "insert_many_s", "read_s"}
  pyhelper.py backfillseed URI DB COLL N  -> inserts N small documents, _id 0..N-1
  pyhelper.py backfillstats URI DB COLL FIELD BATCH
      -> JSON: how many documents have FIELD true, how many have times 1, 2 or
         anything else, and over how many batches of BATCH (_id // BATCH) the
         documents with times 2 spread
  pyhelper.py killat URI DB COLL FIELD N MONGOWAY_ARGS...
      -> runs mongoway with MONGOWAY_ARGS, polls the count of documents with
         FIELD true every 20 ms and sends SIGKILL once it is at least N;
         prints JSON {"count_at_kill", "seconds", "rc"}
"""
import collections
import json
import os
import signal
import subprocess
import sys
import time

from bson import json_util
from pymongo import MongoClient


def client(uri):
    return MongoClient(uri, directConnection=True, serverSelectionTimeoutMS=10000)


def fleet_check(c, prefix, expect):
    dbs = sorted(db for db in c.list_database_names() if db.startswith(prefix))
    complete, first_bad = 0, None
    for db in dbs:
        got = {coll: {"count": c[db][coll].count_documents({}), "indexes": len(list(c[db][coll].list_indexes()))}
               for coll in expect}
        if got == expect:
            complete += 1
        elif first_bad is None:
            first_bad = {"database": db, "found": got}
    return {"databases": len(dbs), "complete": complete, "first_bad": first_bad}


def main(argv):
    cmd = argv[1]
    if cmd == "serverinfo":
        info = client(argv[2]).admin.command("buildInfo")
        print(json.dumps({"version": info.get("version"), "ferretdbVersion": info.get("ferretdbVersion")}))
    elif cmd == "count":
        n = client(argv[2])[argv[3]][argv[4]].count_documents(json.loads(argv[5]) if len(argv) > 5 else {})
        print(json.dumps({"count": n}))
    elif cmd == "dropdb":
        c = client(argv[2])
        for db in argv[3:]:
            c.drop_database(db)
    elif cmd == "dropprefix":
        c = client(argv[2])
        for db in c.list_database_names():
            if db.startswith(argv[3]):
                c.drop_database(db)
    elif cmd == "fleetcheck":
        print(json.dumps(fleet_check(client(argv[2]), argv[3], json.loads(argv[4]))))
    elif cmd == "ingest":
        uri, db, coll, path = argv[2:6]
        t0 = time.perf_counter()
        opts = json_util.JSONOptions(json_mode=json_util.JSONMode.CANONICAL)
        with open(path, encoding="utf-8") as f:
            docs = [json_util.loads(line, json_options=opts) for line in f if line.strip()]
        t1 = time.perf_counter()
        c = client(uri)
        c.admin.command("ping")
        t2 = time.perf_counter()
        c[db][coll].insert_many(docs, ordered=True)
        t3 = time.perf_counter()
        print(json.dumps({"docs": len(docs), "read_s": t1 - t0, "insert_many_s": t3 - t2}))
    elif cmd == "backfillseed":
        uri, db, coll, n = argv[2], argv[3], argv[4], int(argv[5])
        docs = ({"_id": i, "sku": f"SKU-{i:08d}", "qty": i % 97, "price": (i % 1000) * 1.25, "pad": "x" * 100}
                for i in range(n))
        c = client(uri)[db][coll]
        batch = []
        for d in docs:
            batch.append(d)
            if len(batch) == 10000:
                c.insert_many(batch, ordered=False)
                batch = []
        if batch:
            c.insert_many(batch, ordered=False)
    elif cmd == "backfillstats":
        uri, db, coll, field, size = argv[2], argv[3], argv[4], argv[5], int(argv[6])
        stats = collections.Counter()
        repeated = set()
        for d in client(uri)[db][coll].find({}, {"_id": 1, field: 1, "times": 1}):
            stats["docs"] += 1
            stats["set"] += d.get(field) is True
            times = d.get("times")
            stats["times_1" if times == 1 else "times_2" if times == 2 else "times_other"] += 1
            if times == 2:
                repeated.add(d["_id"] // size)
        print(json.dumps(dict(stats, repeated_batches=len(repeated))))
    elif cmd == "killat":
        uri, db, coll, field, n = argv[2], argv[3], argv[4], argv[5], int(argv[6])
        c = client(uri)[db][coll]
        t0 = time.perf_counter()
        p = subprocess.Popen(argv[7:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             start_new_session=True)
        count = 0
        while p.poll() is None:
            count = c.count_documents({field: True})
            if count >= n:
                os.killpg(p.pid, signal.SIGKILL)
                break
            time.sleep(0.02)
        err = p.communicate()[1].decode("utf-8", "replace")
        print(json.dumps({"count_at_kill": count, "seconds": time.perf_counter() - t0, "rc": p.returncode,
                          "stderr": err[-2000:]}))
    else:
        print(f"unknown command {cmd}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
