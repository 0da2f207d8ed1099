"""The fleet workload of bench/run: many tenant databases migrated as one job.

Every database of the fleet gets the same versions (each a createIndex or an
insertOne), from empty to the latest; then the same job runs again over the
same fleet, with nothing to do (the no-op run). The columns:

  mongoway --jobs 1 / --jobs 4  one process over the fleet (--databases-file)
  mongoway loop                 a shell loop of `mongoway migrate`, one process per database
  golang-migrate loop           a shell loop of `migrate ... up`, one process per database
  migrate-mongo loop            a shell loop of `migrate-mongo up`, one process per database
  floor, 1 / 4 threads          bench/floor.c in its fleet mode: one process, the same
                                commands and one history write per version, one
                                connection per thread

Then mongoway and the floor again at a quarter and half of the fleet, and at
--jobs 2 and 8 (one run each), with the server's own CPU time per run, and the
no-op run's round trips through the counting proxy.

`bench` is the harness module (bench/run): its process timer, the renderers
of the other workloads and the proxy are reused as they are.
"""
import json
import os
import shutil

W = "fleet"
NOOP = "fleet_noop"
SCALE = "fleet_scale"
TITLE = "7 a fleet of databases"

# column -> (kind, parameter, short name used in database prefixes)
COLUMNS = {
    "mongoway --jobs 1": ("mongoway", 1, "mwj1"),
    "mongoway --jobs 4": ("mongoway", 4, "mwj4"),
    "mongoway loop": ("mongoway-loop", None, "mwl"),
    "golang-migrate loop": ("golang-migrate-loop", None, "gml"),
    "migrate-mongo loop": ("migrate-mongo-loop", None, "mml"),
    "floor, 1 thread": ("floor", 1, "fl1"),
    "floor, 4 threads": ("floor", 4, "fl4"),
}
LOOP_TOOL = {"mongoway-loop": "mongoway", "golang-migrate-loop": "golang-migrate", "migrate-mongo-loop": "migrate-mongo"}

# The loops as their users write them: one process per database, carrying on past a failure.
LOOPS = {
    "mongoway-loop": '"$MONGOWAY" -u "$URI" -d "$db" -l "$LOC/mongoway" migrate',
    "golang-migrate-loop": '"$GM" -path "$LOC/golang-migrate" -database "$BASE/$db?x-transaction-mode=false" up',
    "migrate-mongo-loop": 'MM_DB="$db" "$NODE" "$MM" up -f "$MM_CONFIG"',
}


def names(prefix, n):
    return [f"{prefix}{i:03d}" for i in range(1, n + 1)]


def columns(bench, T, tools):
    """The columns this run can measure, and why the others are left out."""
    out, notes = [], []
    fleet_ok = "mongoway" in tools and supports_fleet(bench, T)
    if "mongoway" in tools and not fleet_ok:
        notes.append(f"{T.mongoway} has no --databases-file: the mongoway fleet columns were not run")
    for col, (kind, _, _) in COLUMNS.items():
        if kind == "mongoway" and not fleet_ok:
            continue
        if kind in LOOP_TOOL and LOOP_TOOL[kind] not in tools:
            continue
        out.append(col)
    return out, notes


def supports_fleet(bench, T):
    r = bench.run_timed([T.mongoway, "migrate", "--help"], env=T.env, timeout=60)
    return "--databases-file" in r.stdout + r.stderr


class Fleet:
    """One fleet's files: its migration set in each tool's format, name lists, loop scripts, floor replays."""

    def __init__(self, bench, T, work, versions):
        self.bench, self.T, self.versions = bench, T, versions
        self.dir = os.path.join(work, W)
        shutil.rmtree(self.dir, ignore_errors=True)
        bench.render_mongoway(versions, os.path.join(self.dir, "mongoway"))
        bench.render_migrate_mongo(versions, os.path.join(self.dir, "migrate-mongo"))
        bench.render_golang_migrate(versions, os.path.join(self.dir, "golang-migrate"))
        for kind, line in LOOPS.items():
            bench.write(os.path.join(self.dir, f"{kind}.sh"),
                        "#!/bin/sh\n# One process per database, as users loop over their tenants.\nrc=0\n"
                        f"while read -r db; do\n  {line} || rc=1\ndone < \"$LIST\"\nexit $rc\n")
        # What a complete database holds: the inserted documents and the indexes, by collection.
        self.expect = {}
        for _, _, up, _ in versions:
            for cmd in up:
                if "insertOne" in cmd:
                    e = self.expect.setdefault(cmd["insertOne"], {"count": 0, "indexes": 1})
                    e["count"] += 1
                elif "createIndex" in cmd:
                    e = self.expect.setdefault(cmd["createIndex"], {"count": 0, "indexes": 1})
                    e["indexes"] += 1

    def list_file(self, prefix, n):
        path = os.path.join(self.dir, f"{prefix}n{n}.list")
        self.bench.write(path, "".join(x + "\n" for x in names(prefix, n)))
        return path

    def replay(self, prefix, n, action):
        path = os.path.join(self.dir, f"{prefix}n{n}.{action}.replay")
        cmds = []
        with open(path, "w", encoding="utf-8") as f:
            for db in names(prefix, n):
                cmds = self.bench.floor_apply(self.versions) if action == "up" else [self.bench.history_find()]
                for c in cmds:
                    f.write(f"{db}\t{json.dumps(c)}\n")
        return path

    def run(self, kind, param, prefix, n, action, uri=None):
        """One timed run of a column over prefix001..prefixN; action is up or noop (the same command again)."""
        T, b = self.T, self.bench
        uri = uri or T.uri
        if kind == "mongoway":
            return b.run_timed([T.mongoway, "-u", uri, "-l", os.path.join(self.dir, "mongoway"), "migrate",
                                "--databases-file", self.list_file(prefix, n), "--jobs", str(param),
                                "--output", "json"], env=T.env)
        if kind == "floor":
            r = b.run_timed([T.floor_bin, uri, self.replay(prefix, n, action), str(param)], env=T.env)
            if r.rc == 0:
                r.inner = json.loads(r.stdout.strip().splitlines()[-1])
            return r
        env = dict(T.env, LIST=self.list_file(prefix, n), URI=uri, BASE=uri.rstrip("/"), LOC=self.dir,
                   MONGOWAY=T.mongoway, GM=T.gm_bin, NODE=T.node or "node", MM=T.mm_bin, MM_CONFIG=T.mm_config,
                   MM_URL=uri, MM_DIR=os.path.join(self.dir, "migrate-mongo"))
        return b.run_timed(["/bin/sh", os.path.join(self.dir, f"{kind}.sh")], cwd=T.work, env=env)

    def check(self, r, kind, prefix, n, action):
        """Turns a run that left the fleet incomplete, or a mongoway summary that disagrees, into a failure."""
        if r.rc != 0:
            return
        got = self.T.helper("fleetcheck", self.T.uri, prefix, json.dumps(self.expect))
        problems = []
        if got["databases"] != n or got["complete"] != n:
            problems.append(f"{got['complete']} of {n} databases complete ({got['databases']} found); "
                            f"first incomplete: {got.get('first_bad')}")
        if kind == "mongoway":
            summary = parse_summary(r.stdout)
            want = "migrated" if action == "up" else "up_to_date"
            if summary is None:
                problems.append("no JSON summary on stdout")
            elif summary.get(want) != n or summary.get("failed", 0) != 0:
                problems.append(f"summary {json.dumps(summary)}: expected {want} = {n}")
        if problems:
            r.rc = 99
            r.stderr += "\nbench: " + "; ".join(problems)

    def drop(self, prefix):
        self.T.helper("dropprefix", self.T.uri, prefix)


def parse_summary(stdout):
    try:
        return json.loads(stdout).get("summary")
    except (ValueError, AttributeError):
        return None


def server_cpu(T):
    """The server process's CPU seconds so far (user + system), or None."""
    try:
        with open(f"/proc/{T.server_pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def machine_ticks():
    """(busy, iowait, total) clock ticks of all CPUs so far, from /proc/stat."""
    with open("/proc/stat") as f:
        user, nice, system, idle, iowait, irq, softirq, steal = (int(x) for x in f.readline().split()[1:9])
    return user + nice + system + irq + softirq + steal, iowait, user + nice + system + idle + iowait + irq + softirq + steal


def timed(F, kind, param, prefix, n, action):
    """A run, with the server's CPU time during it and how busy the whole machine was."""
    before, m0 = server_cpu(F.T), machine_ticks()
    r = F.run(kind, param, prefix, n, action)
    after, m1 = server_cpu(F.T), machine_ticks()
    r.server_cpu = after - before if before is not None and after is not None else None
    total = max(1, m1[2] - m0[2])
    r.machine_busy, r.machine_iowait = (m1[0] - m0[0]) / total, (m1[1] - m0[1]) / total
    F.check(r, kind, prefix, n, action)
    return r


def extra(r):
    more = {"server_cpu_s": r.server_cpu, "machine_busy": r.machine_busy, "machine_iowait": r.machine_iowait}
    inner = getattr(r, "inner", None)
    if inner:
        more.update(inner_ms=inner["ms"], floor_round_trips=inner["round_trips"])
    return more


def run_fleet(bench, T, res, sizes, tools, work):
    n, reps = sizes["fleet"], sizes["fleet_reps"]
    F = Fleet(bench, T, work, [bench.mixed_version(i) for i in range(1, sizes["fleet_versions"] + 1)])
    cols, notes = columns(bench, T, tools)
    res.extra[W] = dict(databases=n, versions=sizes["fleet_versions"], columns=cols, notes=notes)
    for note in notes:
        bench.log(f"  {note}")
    for rep in range(reps):
        order = bench.rotated(cols, rep)
        bench.log(f"workload fleet: repetition {rep + 1}/{reps}, {n} databases ({', '.join(order)})")
        for col in order:
            kind, param, short = COLUMNS[col]
            prefix = f"f{rep}{short}_"
            F.drop(prefix)
            up = timed(F, kind, param, prefix, n, "up")
            res.add(W, col, up, **extra(up))
            noop = timed(F, kind, param, prefix, n, "noop")
            res.add(NOOP, col, noop, **extra(noop))
            bench.log(f"  {col}: {up.wall:.1f} s from empty, {noop.wall:.1f} s with nothing to do")
            F.drop(prefix)
    scale(bench, T, F, res, n, cols)


def scale(bench, T, F, res, n, cols):
    """mongoway and the floor at a quarter and half of the fleet, and with 2 and 8 jobs; round trips of the no-op."""
    runs = []
    for label, kind in (("mongoway", "mongoway"), ("floor", "floor")):
        if not any(COLUMNS[c][0] == kind for c in cols):
            continue
        runs += [(label, kind, 4, max(1, n // 4)), (label, kind, 4, max(1, n // 2))]
        runs += [(label, kind, j, n) for j in (2, 8)]
    for label, kind, jobs, size in runs:
        prefix = f"s{jobs}{kind[:2]}{size}_"
        F.drop(prefix)
        r = timed(F, kind, jobs, prefix, size, "up")
        key = f"{label} n={size} jobs={jobs}"
        res.add(SCALE, key, r, databases=size, jobs=jobs, column=label, **extra(r))
        bench.log(f"  scaling: {key}: {r.wall:.1f} s")
        if kind == "mongoway" and jobs == 4 and r.rc == 0:
            count_noop(bench, T, F, res, prefix, size)
        if kind == "mongoway" and jobs == 2 and size == n and r.rc == 0:
            count_noop(bench, T, F, res, prefix, size)
            count_single(bench, T, F, res, prefix)
        F.drop(prefix)


def count_noop(bench, T, F, res, prefix, size):
    """The no-op fleet run at --jobs 4 through the counting proxy."""
    def fn(uri):
        r = F.run("mongoway", 4, prefix, size, "noop", uri=uri)
        F.check(r, "mongoway", prefix, size, "noop")
        return r
    bench.count_rt(T, res, NOOP, "mongoway --jobs 4", fn, own=0, versions=size, key=f"n{size}")


def count_single(bench, T, F, res, prefix):
    """A single-database no-op `mongoway migrate` on one database of the fleet, through the proxy."""
    db = names(prefix, 1)[0]
    bench.count_rt(T, res, NOOP, "mongoway (one database)",
                   lambda uri: T.mw(db, os.path.join(F.dir, "mongoway"), "migrate", uri=uri), own=0, versions=1)


# --------------------------------------------------------------------------- report


def noop_reads(rt):
    """(round trips per database, constant per run, the single run's, by command per database) or None."""
    fleet, single = rt.get("mongoway --jobs 4", {}), rt.get("mongoway (one database)")
    sizes = sorted((v["versions"], v) for k, v in fleet.items() if k.startswith("n"))
    if len(sizes) < 2 or not single:
        return None
    (n1, a), (n2, b) = sizes[0], sizes[-1]
    if n2 == n1:
        return None
    per = (b["total"] - a["total"]) / (n2 - n1)
    by = {k: (b["by_command"].get(k, 0) - a["by_command"].get(k, 0)) / (n2 - n1)
          for k in set(a["by_command"]) | set(b["by_command"])}
    return per, a["total"] - per * n1, single, {k: v for k, v in sorted(by.items()) if abs(v) >= 0.005}, n1, n2


def report(bench, res, sizes, p):
    info = res.extra.get(W)
    if not info:
        return
    fmt_time, fmt_ratio, fmt_rss = bench.fmt_time, bench.fmt_ratio, bench.fmt_rss
    n = info["databases"]
    p(f"## Fleet: {n} databases × {info['versions']} versions (median of {sizes['fleet_reps']})")
    p("")
    for note in info["notes"]:
        p(f"- {note}")
    if info["notes"]:
        p("")
    floor4 = res.median(W, "floor, 4 threads")
    p("| column | from empty | nothing to do | per database (from empty) | peak RSS | CPU (tool) | CPU (server) | "
      "vs floor, 4 threads |")
    p("|---|---|---|---|---|---|---|---|")
    for col in info["columns"]:
        up, noop = res.median(W, col), res.median(NOOP, col)
        cpu = res.median(W, col, "user_s"), res.median(W, col, "sys_s")
        srv = median_of(res, W, col, "server_cpu_s")
        p(f"| {col} | {fmt_time(up)} | {fmt_time(noop)} | {fmt_time(up / n if up else None)} | "
          f"{fmt_rss(res.median(W, col, 'maxrss_kb'))} | "
          f"{fmt_time(cpu[0] + cpu[1]) if None not in cpu else '—'} | {fmt_time(srv)} | {fmt_ratio(up, floor4)} |")
    p("")
    p("Peak RSS of a loop is its largest single process. CPU (tool) is the user + system time of the process and "
      "everything it started; CPU (server) is the server process's own, read from /proc before and after the run.")
    p("")
    rt = res.extra.get("round_trips", {}).get(NOOP, {})
    reads = noop_reads(rt)
    if reads:
        per, const, single, by, n1, n2 = reads
        p(f"No-op round trips (counting proxy): a single-database no-op `mongoway migrate` makes {single['total']} "
          f"({bench.fmt_counter(single['by_command'])}); the no-op fleet run at --jobs 4 makes "
          f"{fleet_total(rt, n1)} over {n1} databases and {fleet_total(rt, n2)} over {n2}: {per:.2f} per database "
          f"plus {const:.0f} per run. Per database: "
          + ", ".join(f"{k} {v:.2f}" for k, v in by.items()) + ".")
        p("")
    scale_rows = res.runs.get(SCALE, {})
    if scale_rows:
        p("### Scaling (one run each; at the full size, --jobs 1 and 4 have a row for each repetition above)")
        p("")
        p("| tool | databases | jobs / threads | wall | per database | CPU (tool) | CPU (server) | "
          "cores busy (tool + server CPU / wall) | machine busy / iowait |")
        p("|---|---|---|---|---|---|---|---|---|")
        rows = []
        for key, runs in scale_rows.items():
            for r in runs:
                if r["rc"] == 0:
                    rows.append((r["column"], r["databases"], r["jobs"], r))
        for col, tool, jobs in (("mongoway --jobs 1", "mongoway", 1), ("mongoway --jobs 4", "mongoway", 4),
                                ("floor, 1 thread", "floor", 1), ("floor, 4 threads", "floor", 4)):
            rows += [(tool, n, jobs, r) for r in res.runs.get(W, {}).get(col, []) if r["rc"] == 0]
        for tool, size, jobs, r in sorted(rows, key=lambda x: (x[0] != "mongoway", x[1], x[2])):
            cpu = r["user_s"] + r["sys_s"]
            srv = r.get("server_cpu_s")
            busy = f"{(cpu + srv) / r['wall_s']:.2f}" if srv is not None and r["wall_s"] else "—"
            machine = f"{r['machine_busy'] * 100:.0f}% / {r['machine_iowait'] * 100:.0f}%" \
                if r.get("machine_busy") is not None else "—"
            p(f"| {tool} | {size} | {jobs} | {fmt_time(r['wall_s'])} | {fmt_time(r['wall_s'] / size)} | "
              f"{fmt_time(cpu)} | {fmt_time(srv)} | {busy} | {machine} |")
        p("")
        p("Cores busy: the tool's and the server's CPU time over the wall time (2.00 would be both cores, only "
          "theirs). Machine busy / iowait: the share of both cores' time, from /proc/stat over the run, spent "
          "running anything (other processes included) / idle waiting for the disk.")
        p("")


def fleet_total(rt, size):
    r = rt.get("mongoway --jobs 4", {}).get(f"n{size}")
    return r["total"] if r else "—"


def median_of(res, w, col, key):
    vals = [x[key] for x in res.runs.get(w, {}).get(col, []) if x["rc"] == 0 and x.get(key) is not None]
    vals.sort()
    return vals[len(vals) // 2] if vals else None


def targets(bench, res):
    out = []
    if W not in res.extra:
        return out

    def verdict(ok):
        return "PASS" if ok else "FAIL"

    mw = res.median(W, "mongoway --jobs 4")
    if mw is None:
        return ["fleet: no mongoway fleet run — the targets were not measured"]
    for ref, at_least in (("golang-migrate loop", 3), ("mongoway loop", 2)):
        x = res.median(W, ref)
        if x:
            reps = bench.spread(bench.rep_ratios(res, W, ref, "mongoway --jobs 4"), at_least=at_least)
            out.append(f"fleet: --jobs 4 ≥{at_least}× faster than the {ref} ({x / mw:.2f}×{reps}) — "
                       f"{verdict(x / mw >= at_least)}")
    fl = res.median(W, "floor, 4 threads")
    if fl:
        reps = bench.spread(bench.rep_ratios(res, W, "mongoway --jobs 4", "floor, 4 threads"), at_most=1.5)
        out.append(f"fleet: --jobs 4 within 1.5× of the floor at 4 threads ({mw / fl:.2f}×{reps}) — "
                   f"{verdict(mw / fl <= 1.5)}")
    reads = noop_reads(res.extra.get("round_trips", {}).get(NOOP, {}))
    if reads:
        per, const, single = reads[:3]
        out.append(f"fleet: the no-op run's round trips per database at most a single no-op run's ({per:.2f} per "
                   f"database + {const:.0f} per run, against {single['total']}) — {verdict(per <= single['total'])}")
    rss = max((x["maxrss_kb"] for w in (W, NOOP) for x in res.runs.get(w, {}).get("mongoway --jobs 4", [])
               if x["rc"] == 0), default=None)
    if rss:
        out.append(f"fleet: peak RSS at --jobs 4 < 64 MB (largest of every run: {rss / 1024:.1f} MiB) — "
                   f"{verdict(rss < 64 * 1024)}")
    return out
