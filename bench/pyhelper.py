"""Small pymongo helpers for bench/run, run with the harness's own virtualenv.

  pyhelper.py serverinfo URI              -> JSON: buildInfo version, ferretdbVersion
  pyhelper.py count URI DB COLL           -> JSON: {"count": N}
  pyhelper.py dropdb URI DB [DB...]       -> drops the databases
  pyhelper.py dropprefix URI PREFIX       -> drops every database whose name starts with PREFIX
  pyhelper.py fleetcheck URI PREFIX EXPECT
      -> JSON {"databases", "complete", "first_bad"}: of the databases named
      PREFIX*, how many hold what EXPECT ({collection: {"count", "indexes"}})
      says a complete one holds
  pyhelper.py ingest URI DB COLL FILE     -> the seed-load reference: reads the
      NDJSON (Extended JSON) file into memory, then times one insert_many of all
      of it; prints JSON {"docs", "insert_many_s", "read_s"}
"""
import json
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
        n = client(argv[2])[argv[3]][argv[4]].count_documents({})
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
    else:
        print(f"unknown command {cmd}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
