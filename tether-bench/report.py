#!/usr/bin/env python3
"""Writes docs/benchmarks.md from one run of tether-bench/run.

Inputs: JMH's JSON result file (-rf json), the text output of `go test -bench` (optional) and a
small JSON file of facts about the run (machine, JDK, command, ...) that the run script collects.
Output: Markdown on stdout. Nothing here measures anything; every figure comes from the inputs.

The scenarios below say which benchmarks are Tether's and which are its peers, and what the
target is. A figure that a run did not produce is shown as "not run", never guessed.
"""

import argparse
import json
import statistics
import sys

LOWER = "lower"  # time per unit: lower is better
HIGHER = "higher"  # throughput: higher is better

# One entry per table. rows: (benchmark name without the io.tether.bench. prefix, params or None,
# label, is_tether). target: (tether row label, peer row label or None, max ratio or max value,
# text). For HIGHER scenarios the target is a minimum ratio.
SCENARIOS = [
    {
        "id": "spawn-batch",
        "title": "Spawn + join, batches of 10,000 empty tasks",
        "unit": "ns per task",
        "better": LOWER,
        "rows": [
            ("ScopeSpawnBench.batch10k_rawVirtualThread", None, "raw virtual thread (floor)", False),
            ("ScopeSpawnBench.batch10k_vtExecutor", None, "virtual-thread executor", False),
            ("ScopeSpawnBenchSts.batch10k_sts", None, "StructuredTaskScope (JDK 25 preview)", False),
            ("ScopeSpawnBenchJox.batch10k_joxSupervised", None, "jox structured 0.5.0 supervised", False),
            ("ScopeSpawnBench.batch10k_tetherSitesCaller", None, "Tether Scope (spawn sites: caller, the default)", True),
            ("ScopeSpawnBench.batch10k_tetherSitesOff", None, "Tether Scope (spawn sites: off)", True),
        ],
        "targets": [
            # The floor is the faster of the two ways to start and join a bare virtual thread: on
            # this machine either can sit at a slow level for a whole run, which would flatter Tether.
            ("Tether Scope (spawn sites: caller, the default)",
             ("raw virtual thread (floor)", "virtual-thread executor"), 1.10,
             "spawn+join <= 1.10 x raw virtual thread (batched)"),
        ],
        "go": ("SpawnBatch10k", "goroutine + WaitGroup"),
    },
    {
        "id": "spawn-single",
        "title": "One task: open, spawn, join, close",
        "unit": "ns per operation",
        "better": LOWER,
        "rows": [
            ("ScopeSpawnBench.single_rawVirtualThread", None, "raw virtual thread (floor)", False),
            ("ScopeSpawnBenchSts.single_sts", None, "StructuredTaskScope (JDK 25 preview)", False),
            ("ScopeSpawnBenchJox.single_joxSupervised", None, "jox structured 0.5.0 supervised", False),
            ("ScopeSpawnBench.single_tetherSitesCaller", None, "Tether Scope (spawn sites: caller)", True),
            ("ScopeSpawnBench.single_tetherSitesOff", None, "Tether Scope (spawn sites: off)", True),
            ("ScopeSpawnBench.single_tetherSitesFull", None, "Tether Scope (spawn sites: full)", True),
        ],
        "targets": [],
        "go": ("SpawnSingle", "one goroutine + WaitGroup"),
    },
    {
        "id": "cancel-10k",
        "title": "Cancel 10,000 parked tasks, until all have exited",
        "unit": "ms per 10,000",
        "better": LOWER,
        "rows": [
            ("ScopeCancelBench.cancel_rawPark", {"tasks": "10000"}, "raw: unpark a flag-parked thread (floor)", False),
            ("ScopeCancelBench.cancel_rawSleep", {"tasks": "10000"}, "raw: interrupt a sleeping thread", False),
            ("ScopeCancelBenchSts.cancel_stsSleep", {"tasks": "10000"}, "StructuredTaskScope shutdown, sleeping subtasks", False),
            ("ScopeCancelBench.cancel_tetherAwait", {"tasks": "10000"}, "Tether cancel, tasks in ctx.await()", True),
            ("ScopeCancelBench.cancel_tetherSleep", {"tasks": "10000"}, "Tether cancel, tasks in Thread.sleep", True),
        ],
        "targets": [
            ("Tether cancel, tasks in ctx.await()", None, 4.0, "cancel 10k parked tasks <= 4 ms"),
        ],
    },
    {
        "id": "cancel-100k",
        "title": "Cancel 100,000 parked tasks, until all have exited",
        "unit": "ms per 100,000",
        "better": LOWER,
        "rows": [
            ("ScopeCancelBench.cancel_rawPark", {"tasks": "100000"}, "raw: unpark a flag-parked thread (floor)", False),
            ("ScopeCancelBench.cancel_rawSleep", {"tasks": "100000"}, "raw: interrupt a sleeping thread", False),
            ("ScopeCancelBenchSts.cancel_stsSleep", {"tasks": "100000"}, "StructuredTaskScope shutdown, sleeping subtasks", False),
            ("ScopeCancelBench.cancel_tetherAwait", {"tasks": "100000"}, "Tether cancel, tasks in ctx.await()", True),
            ("ScopeCancelBench.cancel_tetherSleep", {"tasks": "100000"}, "Tether cancel, tasks in Thread.sleep", True),
        ],
        "targets": [],
    },
    {
        "id": "pingpong",
        "title": "Channels: unbuffered ping-pong",
        "unit": "ns per round trip",
        "better": LOWER,
        "rows": [
            ("ChannelPingPongBench.pingPong_synchronousQueue", None, "SynchronousQueue", False),
            ("ChannelPingPongBench.pingPong_linkedTransferQueue", None, "LinkedTransferQueue (transfer)", False),
            ("ChannelPingPongBench.pingPong_jox", None, "jox channels 1.0.1, rendezvous", False),
            ("ChannelPingPongBench.pingPong_tether", None, "Tether Channel.unbuffered()", True),
        ],
        "targets": [
            ("Tether Channel.unbuffered()", "SynchronousQueue", 1.0, "ping-pong <= SynchronousQueue"),
        ],
        "go": ("PingPong", "unbuffered chan"),
    },
    {
        "id": "spsc16",
        "title": "Channels: buffered SPSC, capacity 16",
        "unit": "M values/s",
        "better": HIGHER,
        "rows": [
            ("ChannelSpscBench.spsc_arrayBlockingQueue", {"capacity": "16"}, "ArrayBlockingQueue", False),
            ("ChannelSpscBench.spsc_linkedTransferQueueUnbounded", {"capacity": "16"}, "LinkedTransferQueue (unbounded)", False),
            ("ChannelSpscBench.spsc_jox", {"capacity": "16"}, "jox channels 1.0.1", False),
            ("ChannelSpscBench.spsc_tether", {"capacity": "16"}, "Tether Channel.buffered(16)", True),
        ],
        "targets": [
            ("Tether Channel.buffered(16)", "ArrayBlockingQueue", 1.0, "buffered SPSC, cap 16 >= ArrayBlockingQueue"),
        ],
        "go": ("Spsc16", "chan, cap 16"),
    },
    {
        "id": "spsc1024",
        "title": "Channels: buffered SPSC, capacity 1024",
        "unit": "M values/s",
        "better": HIGHER,
        "rows": [
            ("ChannelSpscBench.spsc_arrayBlockingQueue", {"capacity": "1024"}, "ArrayBlockingQueue", False),
            ("ChannelSpscBench.spsc_linkedTransferQueueUnbounded", {"capacity": "1024"}, "LinkedTransferQueue (unbounded)", False),
            ("ChannelSpscBench.spsc_jox", {"capacity": "1024"}, "jox channels 1.0.1", False),
            ("ChannelSpscBench.spsc_tether", {"capacity": "1024"}, "Tether Channel.buffered(1024)", True),
        ],
        "targets": [
            ("Tether Channel.buffered(1024)", "ArrayBlockingQueue", 1.0, "buffered SPSC, cap 1024 >= ArrayBlockingQueue"),
        ],
        "go": ("Spsc1024", "chan, cap 1024"),
    },
    {
        "id": "mpmc",
        "title": "Channels: 4 producers x 4 consumers, capacity 64",
        "unit": "M values/s",
        "better": HIGHER,
        "rows": [
            ("ChannelMpmcBench.mpmc4x4_arrayBlockingQueue", None, "ArrayBlockingQueue", False),
            ("ChannelMpmcBench.mpmc4x4_jox", None, "jox channels 1.0.1", False),
            ("ChannelMpmcBench.mpmc4x4_tether", None, "Tether Channel.buffered(64)", True),
        ],
        "targets": [
            ("Tether Channel.buffered(64)", "ArrayBlockingQueue", 1.0, "MPMC 4x4, cap 64 >= ArrayBlockingQueue"),
        ],
        "go": ("Mpmc4x4", "chan, cap 64"),
    },
    {
        "id": "select",
        "title": "Channels: select over 2 buffered channels (capacity 16)",
        "unit": "ns per value",
        "better": LOWER,
        "rows": [
            ("ChannelSelectBench.select2_jox", None, "jox Select.select", False),
            ("ChannelSelectBench.select2_tether", None, "Tether Select.select", True),
        ],
        "targets": [],
        "go": ("Select2", "select over 2 chans"),
    },
    {
        "id": "ctx-root",
        "title": "Context: create and cancel a child of the root",
        "unit": "ns per operation",
        "better": LOWER,
        "rows": [
            ("ContextBench.rootChild_grpc", None, "io.grpc.Context 1.85.1", False),
            ("ContextBench.rootChild_tether", None, "Tether Context", True),
        ],
        "targets": [],
    },
    {
        "id": "ctx-live",
        "title": "Context: create and cancel a child of a live parent",
        "unit": "ns per operation",
        "better": LOWER,
        "rows": [
            ("ContextBench.liveParentChild_grpc", None, "io.grpc.Context 1.85.1", False),
            ("ContextBench.liveParentChild_tether", None, "Tether Context", True),
        ],
        "targets": [],
    },
    {
        "id": "ctx-cancel10k",
        "title": "Context: cancel a parent of 10,000 live children",
        "unit": "us per cancel",
        "better": LOWER,
        "rows": [
            ("ContextBench.cancel10k_grpcAttached", None, "io.grpc.Context, children with a listener (attached)", False),
            ("ContextBench.cancel10k_grpcLazy", None, "io.grpc.Context, no listener (lazy: not a like-for-like peer)", False),
            ("ContextBench.cancel10k_tether", None, "Tether Context", True),
        ],
        "compare_only": ["io.grpc.Context, children with a listener (attached)"],
        "targets": [],
    },
    {
        "id": "grpc-unary",
        "title": "gRPC: one unary call over loopback, with a deadline (tether-grpc's interceptors)",
        "unit": "us per call",
        "better": LOWER,
        "rows": [
            ("GrpcUnaryBench.unary_plain", None, "grpc-java 1.85.1, no interceptors", False),
            ("GrpcUnaryBench.unary_tetherServer", None, "Tether ServerContexts on the server", True),
            ("GrpcUnaryBench.unary_tetherBoth", None, "Tether on both sides (ClientContexts.under)", True),
        ],
        "targets": [],
    },
    {
        "id": "obs-sites",
        "title": "Observability: spawn-site capture cost (batch of 10,000, ns per task)",
        "unit": "ns per task",
        "better": LOWER,
        "rows": [
            ("ScopeSpawnBench.batch10k_tetherSitesOff", None, "Tether, capture off", False),
            ("ScopeSpawnBench.batch10k_tetherSitesCaller", None, "Tether, capture caller (default)", True),
            ("ScopeSpawnBench.batch10k_tetherSitesFull", None, "Tether, capture full stack", True),
        ],
        "targets": [
            ("Tether, capture caller (default)", "Tether, capture off", 1.10,
             "registry capture <= 10% of spawn+join"),
        ],
    },
    {
        "id": "obs-dump",
        "title": "Observability: dump of 100,000 live tasks",
        "unit": "ms per dump",
        "better": LOWER,
        "rows": [
            ("TaskDumpBench.dump100k_jdkThreadDumpJson", None, "JDK HotSpotDiagnosticMXBean.dumpThreads JSON, 100k raw virtual threads", False),
            ("TaskDumpBench.dump100k_tetherGrouped", None, "Tether Tasks.dump(GROUPED), 100k tasks", True),
            ("TaskDumpBench.dump100k_tetherJson", None, "Tether Tasks.dump(JSON), 100k tasks", True),
        ],
        "targets": [
            ("Tether Tasks.dump(GROUPED), 100k tasks", None, 200.0, "grouped dump of 100k tasks < 200 ms"),
        ],
    },
]

UNIT_SCALE = {  # JMH unit -> (scale to the scenario's unit)
    ("ns/op", "ns per task"): 1.0,
    ("ns/op", "ns per operation"): 1.0,
    ("ns/op", "ns per round trip"): 1.0,
    ("ns/op", "ns per value"): 1.0,
    ("ms/op", "ms per 10,000"): 1.0,
    ("ms/op", "ms per 100,000"): 1.0,
    ("ms/op", "ms per dump"): 1.0,
    ("us/op", "us per cancel"): 1.0,
    ("us/op", "us per call"): 1.0,
    ("ops/us", "M values/s"): 1.0,
}


def fmt(x):
    if x is None:
        return "-"
    a = abs(x)
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 100:
        return f"{x:.0f}"
    if a >= 10:
        return f"{x:.1f}"
    if a >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def number(x):
    """JMH writes "NaN" (a string) for an error it cannot compute: None then."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if v != v else v


def load_jmh(path):
    with open(path) as f:
        results = json.load(f)
    by_key = {}
    for r in results:
        name = r["benchmark"].removeprefix("io.tether.bench.")
        params = r.get("params") or {}
        m = r["primaryMetric"]
        raw = [x for fork in m.get("rawData", []) for x in fork]
        by_key.setdefault(name, []).append(
            {
                "params": params,
                "score": m["score"],
                "error": number(m.get("scoreError")),
                "unit": m["scoreUnit"],
                "median": statistics.median(raw) if raw else None,
                "min": min(raw) if raw else None,
                "max": max(raw) if raw else None,
                "forks": len(m.get("rawData", [])),
                "samples": len(raw),
            }
        )
    return results, by_key


def find(by_key, name, params):
    for r in by_key.get(name, []):
        if params is None or all(r["params"].get(k) == v for k, v in params.items()):
            return r
    return None


def load_go(path):
    """Parses `go test -bench` output: per benchmark, the list of ns/op over -count runs."""
    out = {}
    if not path:
        return out
    try:
        lines = open(path).read().splitlines()
    except OSError:
        return out
    for line in lines:
        parts = line.split()
        if len(parts) >= 4 and parts[0].startswith("Benchmark") and parts[3] == "ns/op":
            name = parts[0].removeprefix("Benchmark").rsplit("-", 1)[0]
            out.setdefault(name, []).append(float(parts[2]))
    return out


def ratio(tether, peer, better):
    """Tether relative to peer, as 'times slower' (>1 = Tether behind) for both kinds."""
    if tether is None or peer is None or not peer or not tether:
        return None
    return tether / peer if better == LOWER else peer / tether


def overlap(a, b):
    """Whether the error intervals of two results overlap (false if either has no error)."""
    if a["error"] is None or b["error"] is None:
        return False
    return a["score"] - a["error"] <= b["score"] + b["error"] and b["score"] - b["error"] <= a["score"] + a["error"]


def verdict(mean_ratio, median_ratio, limit):
    """Met only if both the ratio of means and of medians are within the limit."""
    if mean_ratio is None or median_ratio is None:
        return "not run"
    ok_mean, ok_median = mean_ratio <= limit, median_ratio <= limit
    if ok_mean and ok_median:
        return "met"
    if not ok_mean and not ok_median:
        return "**MISSED**"
    return "**unclear** (mean and median disagree)"


def scenario_table(sc, by_key, out, target_rows):
    better = sc["better"]
    rows = []
    for name, params, label, is_tether in sc["rows"]:
        rows.append((label, is_tether, find(by_key, name, params), name))
    if all(r[2] is None for r in rows):
        return False
    out.append(f"### {sc['title']}\n")
    arrow = "lower is better" if better == LOWER else "higher is better"
    out.append(f"Unit: {sc['unit']} ({arrow}).\n")
    peers = [r for r in rows if not r[1] and r[2] is not None]
    if "compare_only" in sc:
        peers = [r for r in peers if r[0] in sc["compare_only"]]
    best_mean = best_median = best_label = None
    if peers:
        pick = min if better == LOWER else max
        best = pick(peers, key=lambda r: r[2]["score"])
        best_label, best_mean = best[0], best[2]["score"]
        best_median = pick(r[2]["median"] for r in peers)
    out.append("| | Score ± error (99.9 %) | Median | Range | Samples | Tether / best peer (means, medians) |")
    out.append("|---|---|---|---|---|---|")
    for label, is_tether, r, name in rows:
        who = f"**{label}**" if is_tether else label
        if r is None:
            out.append(f"| {who} | not run | | | | |")
            continue
        err = fmt(r["error"]) if r["error"] is not None else "n/a"
        rr = ""
        if is_tether and best_mean is not None:
            rm, rd = ratio(r["score"], best_mean, better), ratio(r["median"], best_median, better)
            mark = " (behind)" if rm > 1 and rd > 1 else ""
            rr = f"{rm:.2f} x, {rd:.2f} x{mark}"
        out.append(
            f"| {who} | {fmt(r['score'])} ± {err} | {fmt(r['median'])} | "
            f"{fmt(r['min'])} – {fmt(r['max'])} | {r['forks']} × {r['samples'] // max(r['forks'], 1)} | {rr} |"
        )
    out.append("")
    if best_label:
        out.append(
            f"Best peer by mean: {best_label}. Ratios are in \"times slower\": above 1.00 Tether is "
            "behind (for throughput, peer / Tether).\n"
        )
    for tlabel, plabel, limit, text in sc["targets"]:
        t = next((r[2] for r in rows if r[0] == tlabel), None)
        if plabel is None:
            if t is None:
                target_rows.append((text, "not run", "not run"))
                continue
            v = verdict(t["score"] / limit, t["median"] / limit, 1.0)
            err = t["error"]
            if err is not None and (t["score"] - err <= limit) != (t["score"] + err <= limit):
                v += "; the error interval straddles the limit"
            target_rows.append(
                (text, f"{fmt(t['score'])} ± {fmt(t['error'])}, median {fmt(t['median'])} {sc['unit']}", v)
            )
        else:
            plabels = plabel if isinstance(plabel, tuple) else (plabel,)
            ps = [r[2] for r in rows if r[0] in plabels]
            if t is None or not ps:
                target_rows.append((text, "not run", "not run"))
                continue
            pick = min if better == LOWER else max
            p = pick(ps, key=lambda r: r["median"])
            p_score = pick(r["score"] for r in ps)
            if len(plabels) > 1:
                plabel = "the faster of " + " and ".join(plabels)
            rm = ratio(t["score"], p_score, better)
            rd = ratio(t["median"], p["median"], better)
            if better == HIGHER:
                shown = f"{1 / rm:.2f} x of {plabel} (means), {1 / rd:.2f} x (medians)"
            else:
                shown = f"{rm:.2f} x {plabel} (means), {rd:.2f} x (medians)"
            v = verdict(rm, rd, limit)
            if overlap(t, p):
                v += "; the error intervals overlap"
            target_rows.append((text, shown, v))
    return True


def go_table(go, by_key, out):
    out.append("## Go reference\n")
    if not go:
        out.append("Not run: `go` was not found, or `--no-go` was given. See the notes for how to install it.\n")
        return
    out.append(
        "`go test -bench` in `tether-bench/go`, same machine, right after the JMH run (not "
        "interleaved with it). Go figures: median and range over the `-count` runs. Tether: the "
        "JMH score of the same scenario above (mean). Ratio in \"times slower\" (above 1.00 Tether "
        "is behind Go).\n"
    )
    out.append("| Scenario | Go median (range) | Tether (JMH mean) | Tether / Go |")
    out.append("|---|---|---|---|")
    for sc in SCENARIOS:
        if "go" not in sc:
            continue
        gname, gdesc = sc["go"]
        vals = go.get(gname)
        tether_row = next((r for r in sc["rows"] if r[3]), None)
        t = find(by_key, tether_row[0], tether_row[1]) if tether_row else None
        if not vals:
            out.append(f"| {sc['title']} ({gdesc}) | not run | | |")
            continue
        med = statistics.median(vals)
        lo, hi = min(vals), max(vals)
        if sc["better"] == HIGHER:  # Go gives ns per value; show M values/s
            med, lo, hi = 1000 / med, 1000 / max(vals), 1000 / min(vals)
        tv = t["score"] if t else None
        r = ratio(tv, med, sc["better"]) if tv else None
        out.append(
            f"| {sc['title']} ({gdesc}), {sc['unit']} | {fmt(med)} ({fmt(lo)} – {fmt(hi)}) | "
            f"{fmt(tv)} | {'-' if r is None else f'{r:.2f} x'} |"
        )
    out.append("")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jmh", required=True, help="JMH result file (-rf json)")
    ap.add_argument("--go", help="output of go test -bench")
    ap.add_argument("--meta", required=True, help="facts about the run (JSON)")
    a = ap.parse_args()
    meta = json.load(open(a.meta))
    results, by_key = load_jmh(a.jmh)
    go = load_go(a.go)

    out = ["# Benchmarks\n"]
    out.append(
        "Generated by `tether-bench/run` from one run; do not edit by hand. How the benchmarks "
        "work, what each scenario measures, the noise on the recording machine, profiles and "
        "the history of changes are in [benchmarks-notes.md](benchmarks-notes.md). The run's raw "
        "results are in [benchmarks-data/](benchmarks-data/) (JMH JSON, Go output, run facts); "
        "`python3 tether-bench/report.py --jmh docs/benchmarks-data/jmh.json --go "
        "docs/benchmarks-data/go.txt --meta docs/benchmarks-data/meta.json` rebuilds this page "
        "from them.\n"
    )
    if meta.get("mode") == "short":
        out.append(
            "> **Short run** (`--short`): 1 fork and short iterations per benchmark. A quick look, "
            "not a record: the errors are wide or missing, and single forks on this machine can "
            "sit in a slow or a fast mode.\n"
        )
    out.append("## Run\n")
    for k, label in [
        ("date", "Date (UTC)"),
        ("command", "Command"),
        ("mode", "Mode"),
        ("commit", "Code"),
        ("machine", "Machine"),
        ("cpu", "CPU"),
        ("memory", "Memory"),
        ("jdk", "JDK"),
        ("go", "Go"),
        ("jmh_args", "JMH options"),
        ("duration", "Duration"),
        ("load", "Other load"),
    ]:
        if meta.get(k):
            v = meta[k]
            if k in ("command", "jmh_args"):
                v = f"`{v}`"
            out.append(f"- {label}: {v}")
    jvm_args = sorted({" ".join(r.get("jvmArgs", [])) for r in results})
    if results:
        out.append(
            f"- JMH {results[0].get('jmhVersion', '?')}, {results[0].get('vmName', '')} "
            f"{results[0].get('vmVersion', '')}; fork JVM options seen: "
            + "; ".join(f"`{j}`" for j in jvm_args)
        )
    out.append(
        "- Errors are JMH's 99.9 % confidence intervals (n/a with one sample per fork and one "
        "fork). Median and range are over every measured iteration of every fork. Peers ran in "
        "the same JMH invocation.\n"
    )

    out.append("## Targets\n")
    body = []
    target_rows = []
    for sc in SCENARIOS:
        scenario_table(sc, by_key, body, target_rows)
    out.append("| Target | Measured | Verdict |")
    out.append("|---|---|---|")
    for text, shown, v in target_rows:
        out.append(f"| {text} | {shown} | {v} |")
    out.append("")
    out.append(
        "A target is met only if both the ratio of the means and the ratio of the medians are "
        "within it; MISSED if neither is. Where the error intervals overlap (or straddle an "
        "absolute limit), the verdict is what the means and medians say, but this run does not "
        "establish it.\n"
    )
    out.append("## Results\n")
    out.extend(body)
    go_table(go, by_key, out)
    unknown = sorted(
        {r["benchmark"].removeprefix("io.tether.bench.") for r in results}
        - {row[0] for sc in SCENARIOS for row in sc["rows"]}
    )
    if unknown:
        out.append("## Other benchmarks in this run\n")
        for name in unknown:
            for r in by_key[name]:
                p = ", ".join(f"{k}={v}" for k, v in r["params"].items())
                out.append(
                    f"- `{name}`{' (' + p + ')' if p else ''}: {fmt(r['score'])} ± {fmt(r['error'])} {r['unit']}"
                )
        out.append("")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
