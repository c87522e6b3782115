#!/usr/bin/env python3
"""Writes docs/benchmarks.md from one run of tether-bench/run; also plans and merges that run.

    report.py --jmh jmh.json --meta meta.json [--go go.txt] [--telemetry-cost tc.txt] > benchmarks.md
    report.py plan --mode full|short [--only REGEX] [--forks N]   # the run's steps, one a line (TSV)
    report.py merge --manifest manifest.tsv --out jmh.json        # single-fork JSON files -> one

Inputs of the report: JMH's JSON result (-rf json; the merged file of an interleaved run, or any
plain JMH result), the text output of `go test -bench` and of `TelemetryCost` (both optional),
and a small JSON file of facts about the run (machine, JDK, command, ...) that the run script
collects. Output: Markdown on stdout. Nothing here measures anything; every figure comes from the
inputs, and a figure that a run did not produce is shown as "not run", never guessed.

SCENARIOS below says, for every benchmark in tether-bench, which rows are Tether's and which are
its peers or floors, which run group (interleaving unit, fork count) it belongs to, and which
targets of which issue each row checks.

The verdict rule (also written into the report, see VERDICT_RULE): every row is summarised by its
per-fork scores (a fork's score is the median of its measured iterations); a comparison is
decided only when there are at least MIN_FORKS forks on each side and the two sides' per-fork
ranges (min - max) do not overlap; otherwise it is "not established". A ratio target is met when
even the least favourable pairing of the ranges meets it, missed when even the most favourable
one misses it, and not established in between.
"""

import argparse
import json
import re
import statistics
import sys

LOWER = "lower"  # time per unit: lower is better
HIGHER = "higher"  # throughput: higher is better
MIN_FORKS = 3  # forks per side below which no comparison or target is decided

# Forks (rounds) per run group in full mode. Each round runs every benchmark of the group once,
# in one JVM fork, the order alternating between rounds (see plan()). The classes' @Fork values
# are set to the same numbers, for whoever runs JMH directly.
GROUP_FORKS = {
    "spawn": 3,
    "cancel": 3,
    "channel-cancel": 5,
    "pingpong": 5,
    "pingpong-1carrier": 5,
    "spsc": 5,
    "mpmc": 5,
    "select": 5,
    "context": 3,
    "grpc": 3,
    "dump": 3,
    "debug-serve": 3,
    "debug-idle": 3,
    "telemetry": 3,
    "watchdog": 3,
}

# Seconds of warmup + measurement per fork, per class (the classes' @Warmup/@Measurement), for
# the run-time estimate of plan(); methods with their own settings are listed by full name.
STEP_SECONDS = {"GrpcUnaryBench": 16, "ContextBench.cancel10k": 10}
DEFAULT_STEP_SECONDS = 8
SHORT_STEP_SECONDS = 2.5  # -wi 2 -i 3 -w 500ms -r 500ms
OVERHEAD_SECONDS = 4  # JMH's own JVM, the fork's JVM start and the benchmark's setup (estimate)

T, P, F = "tether", "peer", "floor"

# Issue 16 #4 compares the buffered channels with the better of the JDK's two usual bounded
# queues, in each round (the row labels of the SPSC and MPMC tables).
BOUNDED_QUEUES = ("ArrayBlockingQueue", "LinkedBlockingQueue")

# One entry per table. rows: (benchmark name without the io.tether.bench. prefix, params or None,
# label, role). Every Tether row is compared with every peer and floor row of its table, except
# rows not in compare_only when that is given, and only the (tether, other) pairs when that is.
# targets: dicts with
#   issue, text: where the target comes from, and what it says;
#   kind: "ratio" (Tether / other <= limit, in "times slower"; other may be a tuple: the better of
#         them in each round), "abs" (Tether's score <= limit, in the table's unit), "noise"
#         (Tether within noise of, or better than, other), "report" (no limit: the figure only);
#   tether, other: row labels; limit; every_fork: the ratio must hold in every paired round.
SCENARIOS = [
    {
        "id": "spawn-batch",
        "group": "spawn",
        "title": "Spawn + join, batches of 10,000 empty tasks",
        "unit": "ns per task",
        "better": LOWER,
        "rows": [
            ("ScopeSpawnBench.batch10k_rawVirtualThread", None, "raw virtual thread (floor)", F),
            ("ScopeSpawnBench.batch10k_vtExecutor", None, "virtual-thread executor", F),
            ("ScopeSpawnBenchSts.batch10k_sts", None, "StructuredTaskScope (JDK 25 preview)", P),
            ("ScopeSpawnBenchJox.batch10k_joxSupervised", None, "jox structured 0.5.0 supervised", P),
            ("ScopeSpawnBench.batch10k_tetherSitesCaller", None, "Tether Scope (spawn sites: caller, the default)", T),
            ("ScopeSpawnBench.batch10k_tetherSitesOff", None, "Tether Scope (spawn sites: off)", T),
        ],
        "targets": [
            # The floor is the faster of the two ways to start and join a bare virtual thread, per
            # round: either can sit at a slow level for a whole fork, which would flatter Tether.
            {"issue": "7", "text": "spawn+join <= 1.10 x raw virtual thread (batched)", "kind": "ratio",
             "tether": "Tether Scope (spawn sites: caller, the default)",
             "other": ("raw virtual thread (floor)", "virtual-thread executor"), "limit": 1.10},
            {"issue": "16 #5", "text": "spawn+join stays <= StructuredTaskScope", "kind": "ratio",
             "tether": "Tether Scope (spawn sites: caller, the default)",
             "other": "StructuredTaskScope (JDK 25 preview)", "limit": 1.0},
        ],
        "go": ("SpawnBatch10k", "goroutine + WaitGroup"),
    },
    {
        "id": "spawn-single",
        "group": "spawn",
        "title": "One task: open, spawn, join, close",
        "unit": "ns per operation",
        "better": LOWER,
        "rows": [
            ("ScopeSpawnBench.single_rawVirtualThread", None, "raw virtual thread (floor)", F),
            ("ScopeSpawnBenchSts.single_sts", None, "StructuredTaskScope (JDK 25 preview)", P),
            ("ScopeSpawnBenchJox.single_joxSupervised", None, "jox structured 0.5.0 supervised", P),
            ("ScopeSpawnBench.single_tetherSitesCaller", None, "Tether Scope (spawn sites: caller)", T),
            ("ScopeSpawnBench.single_tetherSitesOff", None, "Tether Scope (spawn sites: off)", T),
            ("ScopeSpawnBench.single_tetherSitesFull", None, "Tether Scope (spawn sites: full)", T),
        ],
        "targets": [
            {"issue": "16 #3", "text": "one-task scope <= StructuredTaskScope", "kind": "ratio",
             "tether": "Tether Scope (spawn sites: caller)",
             "other": "StructuredTaskScope (JDK 25 preview)", "limit": 1.0},
        ],
        "go": ("SpawnSingle", "one goroutine + WaitGroup"),
    },
    {
        "id": "spawn-empty",
        "group": "spawn",
        "title": "No task: open, join, close (the owner's own bookkeeping)",
        "unit": "ns per operation",
        "better": LOWER,
        "rows": [
            ("ScopeSpawnBenchSts.empty_sts", None, "StructuredTaskScope (JDK 25 preview)", P),
            ("ScopeSpawnBench.empty_tether", None, "Tether Scope", T),
        ],
        "targets": [],
    },
    {
        "id": "cancel-10k",
        "group": "cancel",
        "title": "Cancel 10,000 parked tasks, until all have exited",
        "unit": "ms per 10,000",
        "better": LOWER,
        "rows": [
            ("ScopeCancelBench.cancel_rawPark", {"tasks": "10000"}, "raw: unpark a flag-parked thread (floor)", F),
            ("ScopeCancelBench.cancel_rawSleep", {"tasks": "10000"}, "raw: interrupt a sleeping thread", F),
            ("ScopeCancelBenchSts.cancel_stsSleep", {"tasks": "10000"}, "StructuredTaskScope shutdown, sleeping subtasks", P),
            ("ScopeCancelBench.cancel_tetherAwait", {"tasks": "10000"}, "Tether cancel, tasks in ctx.await()", T),
            ("ScopeCancelBench.cancel_tetherSleep", {"tasks": "10000"}, "Tether cancel, tasks in Thread.sleep", T),
        ],
        "targets": [
            {"issue": "7", "text": "cancel 10k tasks parked in ctx.await() <= 4 ms", "kind": "abs",
             "tether": "Tether cancel, tasks in ctx.await()", "limit": 4.0},
        ],
    },
    {
        "id": "cancel-100k",
        "group": "cancel",
        "title": "Cancel 100,000 parked tasks, until all have exited",
        "unit": "ms per 100,000",
        "better": LOWER,
        "rows": [
            ("ScopeCancelBench.cancel_rawPark", {"tasks": "100000"}, "raw: unpark a flag-parked thread (floor)", F),
            ("ScopeCancelBench.cancel_rawSleep", {"tasks": "100000"}, "raw: interrupt a sleeping thread", F),
            ("ScopeCancelBenchSts.cancel_stsSleep", {"tasks": "100000"}, "StructuredTaskScope shutdown, sleeping subtasks", P),
            ("ScopeCancelBench.cancel_tetherAwait", {"tasks": "100000"}, "Tether cancel, tasks in ctx.await()", T),
            ("ScopeCancelBench.cancel_tetherSleep", {"tasks": "100000"}, "Tether cancel, tasks in Thread.sleep", T),
        ],
        "targets": [],
    },
    {
        "id": "channel-cancel",
        "group": "channel-cancel",
        "title": "Cancel 10,000 tasks parked in a channel receive, until all have exited",
        "unit": "ms per 10,000",
        "better": LOWER,
        "rows": [
            ("ChannelCancelBench.cancel_rawPark", None, "raw: unpark a flag-parked thread (floor)", F),
            ("ChannelCancelBench.cancel_joxDone", None, "jox done() on a shared channel", P),
            ("ChannelCancelBench.cancel_tetherReceive", {"channels": "shared"}, "Tether receive(ctx), one shared channel", T),
            ("ChannelCancelBench.cancel_tetherReceive", {"channels": "each"}, "Tether receive(ctx), a channel each", T),
        ],
        "targets": [
            {"issue": "16 #1", "text": "cancel 10k in receive(ctx), shared channel <= 1.3 x flag+unpark", "kind": "ratio",
             "tether": "Tether receive(ctx), one shared channel",
             "other": "raw: unpark a flag-parked thread (floor)", "limit": 1.3},
            {"issue": "16 #1", "text": "cancel 10k in receive(ctx), a channel each <= 1.3 x flag+unpark", "kind": "ratio",
             "tether": "Tether receive(ctx), a channel each",
             "other": "raw: unpark a flag-parked thread (floor)", "limit": 1.3},
            {"issue": "16 #1", "text": "cancel 10k in receive(ctx), shared channel <= jox done()", "kind": "ratio",
             "tether": "Tether receive(ctx), one shared channel", "other": "jox done() on a shared channel", "limit": 1.0},
            {"issue": "16 #1", "text": "cancel 10k in receive(ctx), a channel each <= jox done()", "kind": "ratio",
             "tether": "Tether receive(ctx), a channel each", "other": "jox done() on a shared channel", "limit": 1.0},
        ],
    },
    {
        "id": "pingpong",
        "group": "pingpong",
        "title": "Channels: unbuffered ping-pong",
        "unit": "ns per round trip",
        "better": LOWER,
        "rows": [
            ("ChannelPingPongBench.pingPong_synchronousQueue", None, "SynchronousQueue", P),
            ("ChannelPingPongBench.pingPong_linkedTransferQueue", None, "LinkedTransferQueue (transfer)", P),
            ("ChannelPingPongBench.pingPong_jox", None, "jox channels 1.0.1, rendezvous", P),
            ("ChannelPingPongBench.pingPong_tether", None, "Tether Channel.unbuffered()", T),
        ],
        "targets": [
            {"issue": "16 #2", "text": "ping-pong <= SynchronousQueue (2 carriers)", "kind": "ratio",
             "tether": "Tether Channel.unbuffered()", "other": "SynchronousQueue", "limit": 1.0},
        ],
        "go": ("PingPong", "unbuffered chan"),
    },
    {
        "id": "stream",
        "group": "pingpong",
        "title": "Channels: one-way unbuffered stream",
        "unit": "ns per value",
        "better": LOWER,
        "rows": [
            ("ChannelPingPongBench.stream_synchronousQueue", None, "SynchronousQueue", P),
            ("ChannelPingPongBench.stream_linkedTransferQueue", None, "LinkedTransferQueue (transfer)", P),
            ("ChannelPingPongBench.stream_jox", None, "jox channels 1.0.1, rendezvous", P),
            ("ChannelPingPongBench.stream_tether", None, "Tether Channel.unbuffered()", T),
        ],
        "targets": [
            {"issue": "16 #2", "text": "one-way stream <= SynchronousQueue (2 carriers)", "kind": "ratio",
             "tether": "Tether Channel.unbuffered()", "other": "SynchronousQueue", "limit": 1.0},
        ],
    },
    # The same benchmarks on one carrier (-Djdk.virtualThreadScheduler.parallelism=1): no spin can
    # help, every hand-off yields or parks (see ChannelPingPongOneCarrierBench). No Go reference.
    {
        "id": "pingpong-1carrier",
        "group": "pingpong-1carrier",
        "title": "Channels: unbuffered ping-pong, 1 carrier",
        "unit": "ns per round trip",
        "better": LOWER,
        "rows": [
            ("ChannelPingPongOneCarrierBench.pingPong_synchronousQueue", None, "SynchronousQueue", P),
            ("ChannelPingPongOneCarrierBench.pingPong_linkedTransferQueue", None, "LinkedTransferQueue (transfer)", P),
            ("ChannelPingPongOneCarrierBench.pingPong_jox", None, "jox channels 1.0.1, rendezvous", P),
            ("ChannelPingPongOneCarrierBench.pingPong_tether", None, "Tether Channel.unbuffered()", T),
        ],
        "targets": [
            {"issue": "16 #2", "text": "ping-pong <= SynchronousQueue (1 carrier)", "kind": "ratio",
             "tether": "Tether Channel.unbuffered()", "other": "SynchronousQueue", "limit": 1.0},
        ],
    },
    {
        "id": "stream-1carrier",
        "group": "pingpong-1carrier",
        "title": "Channels: one-way unbuffered stream, 1 carrier",
        "unit": "ns per value",
        "better": LOWER,
        "rows": [
            ("ChannelPingPongOneCarrierBench.stream_synchronousQueue", None, "SynchronousQueue", P),
            ("ChannelPingPongOneCarrierBench.stream_linkedTransferQueue", None, "LinkedTransferQueue (transfer)", P),
            ("ChannelPingPongOneCarrierBench.stream_jox", None, "jox channels 1.0.1, rendezvous", P),
            ("ChannelPingPongOneCarrierBench.stream_tether", None, "Tether Channel.unbuffered()", T),
        ],
        "targets": [
            {"issue": "16 #2", "text": "one-way stream <= SynchronousQueue (1 carrier)", "kind": "ratio",
             "tether": "Tether Channel.unbuffered()", "other": "SynchronousQueue", "limit": 1.0},
        ],
    },
    {
        "id": "spsc16",
        "group": "spsc",
        "title": "Channels: buffered SPSC, capacity 16",
        "unit": "M values/s",
        "better": HIGHER,
        "rows": [
            ("ChannelSpscBench.spsc_arrayBlockingQueue", {"capacity": "16"}, "ArrayBlockingQueue", P),
            ("ChannelSpscBench.spsc_linkedBlockingQueue", {"capacity": "16"}, "LinkedBlockingQueue", P),
            ("ChannelSpscBench.spsc_linkedTransferQueueUnbounded", {"capacity": "16"}, "LinkedTransferQueue (unbounded)", P),
            ("ChannelSpscBench.spsc_jox", {"capacity": "16"}, "jox channels 1.0.1", P),
            ("ChannelSpscBench.spsc_tether", {"capacity": "16"}, "Tether Channel.buffered(16)", T),
        ],
        "targets": [
            {"issue": "16 #4", "text": "buffered SPSC, cap 16 >= the better of ArrayBlockingQueue and "
             "LinkedBlockingQueue in every fork", "kind": "ratio", "every_fork": True,
             "tether": "Tether Channel.buffered(16)", "other": BOUNDED_QUEUES, "limit": 1.0},
        ],
        "go": ("Spsc16", "chan, cap 16"),
    },
    {
        "id": "spsc1024",
        "group": "spsc",
        "title": "Channels: buffered SPSC, capacity 1024",
        "unit": "M values/s",
        "better": HIGHER,
        "rows": [
            ("ChannelSpscBench.spsc_arrayBlockingQueue", {"capacity": "1024"}, "ArrayBlockingQueue", P),
            ("ChannelSpscBench.spsc_linkedBlockingQueue", {"capacity": "1024"}, "LinkedBlockingQueue", P),
            ("ChannelSpscBench.spsc_linkedTransferQueueUnbounded", {"capacity": "1024"}, "LinkedTransferQueue (unbounded)", P),
            ("ChannelSpscBench.spsc_jox", {"capacity": "1024"}, "jox channels 1.0.1", P),
            ("ChannelSpscBench.spsc_tether", {"capacity": "1024"}, "Tether Channel.buffered(1024)", T),
        ],
        "targets": [
            {"issue": "16 #4", "text": "buffered SPSC, cap 1024 >= the better of ArrayBlockingQueue and "
             "LinkedBlockingQueue in every fork", "kind": "ratio", "every_fork": True,
             "tether": "Tether Channel.buffered(1024)", "other": BOUNDED_QUEUES, "limit": 1.0},
        ],
        "go": ("Spsc1024", "chan, cap 1024"),
    },
    {
        "id": "mpmc",
        "group": "mpmc",
        "title": "Channels: 4 producers x 4 consumers, capacity 64",
        "unit": "M values/s",
        "better": HIGHER,
        "rows": [
            ("ChannelMpmcBench.mpmc4x4_arrayBlockingQueue", None, "ArrayBlockingQueue", P),
            ("ChannelMpmcBench.mpmc4x4_linkedBlockingQueue", None, "LinkedBlockingQueue", P),
            ("ChannelMpmcBench.mpmc4x4_jox", None, "jox channels 1.0.1", P),
            ("ChannelMpmcBench.mpmc4x4_tether", None, "Tether Channel.buffered(64)", T),
        ],
        "targets": [
            {"issue": "16 #4", "text": "MPMC 4x4, cap 64 >= the better of ArrayBlockingQueue and "
             "LinkedBlockingQueue in every fork", "kind": "ratio", "every_fork": True,
             "tether": "Tether Channel.buffered(64)", "other": BOUNDED_QUEUES, "limit": 1.0},
        ],
        "go": ("Mpmc4x4", "chan, cap 64"),
    },
    {
        "id": "select",
        "group": "select",
        "title": "Channels: select over 2 buffered channels (capacity 16)",
        "unit": "ns per value",
        "better": LOWER,
        "rows": [
            ("ChannelSelectBench.select2_jox", None, "jox Select.select", P),
            ("ChannelSelectBench.select2_tether", None, "Tether Select.select", T),
        ],
        "targets": [],
        "go": ("Select2", "select over 2 chans"),
    },
    {
        "id": "ctx-root",
        "group": "context",
        "title": "Context: create and cancel a child of the root",
        "unit": "ns per operation",
        "better": LOWER,
        "rows": [
            ("ContextBench.rootChild_grpc", None, "io.grpc.Context 1.85.1", P),
            ("ContextBench.rootChild_tether", None, "Tether Context", T),
        ],
        "targets": [],
    },
    {
        "id": "ctx-live",
        "group": "context",
        "title": "Context: create and cancel a child of a live parent",
        "unit": "ns per operation",
        "better": LOWER,
        "rows": [
            ("ContextBench.liveParentChild_grpc", None, "io.grpc.Context 1.85.1", P),
            ("ContextBench.liveParentChild_tether", None, "Tether Context", T),
        ],
        "targets": [],
    },
    {
        "id": "ctx-cancel10k",
        "group": "context",
        "title": "Context: cancel a parent of 10,000 live children",
        "unit": "us per cancel",
        "better": LOWER,
        "rows": [
            ("ContextBench.cancel10k_grpcAttached", None, "io.grpc.Context, children with a listener (attached)", P),
            ("ContextBench.cancel10k_grpcLazy", None, "io.grpc.Context, no listener (lazy: not a like-for-like peer)", P),
            ("ContextBench.cancel10k_tether", None, "Tether Context", T),
        ],
        "compare_only": ["io.grpc.Context, children with a listener (attached)"],
        "targets": [],
    },
    {
        "id": "grpc-unary",
        "group": "grpc",
        "title": "gRPC: one unary call over loopback, with a deadline (tether-grpc's interceptors)",
        "unit": "us per call",
        "better": LOWER,
        "rows": [
            ("GrpcUnaryBench.unary_plain", None, "grpc-java 1.85.1, no interceptors", F),
            ("GrpcUnaryBench.unary_tetherServer", None, "Tether ServerContexts on the server", T),
            ("GrpcUnaryBench.unary_tetherBoth", None, "Tether on both sides (ClientContexts.under)", T),
        ],
        "targets": [
            {"issue": "17", "text": "per-call overhead of the interceptors (server side), recorded", "kind": "report",
             "tether": "Tether ServerContexts on the server", "other": "grpc-java 1.85.1, no interceptors"},
            {"issue": "17", "text": "per-call overhead of the interceptors (both sides), recorded", "kind": "report",
             "tether": "Tether on both sides (ClientContexts.under)", "other": "grpc-java 1.85.1, no interceptors"},
        ],
    },
    {
        "id": "obs-sites",
        "group": "spawn",
        "title": "Observability: spawn-site capture cost (batch of 10,000, ns per task)",
        "unit": "ns per task",
        "better": LOWER,
        "rows": [
            ("ScopeSpawnBench.batch10k_tetherSitesOff", None, "Tether, capture off", F),
            ("ScopeSpawnBench.batch10k_tetherSitesCaller", None, "Tether, capture caller (default)", T),
            ("ScopeSpawnBench.batch10k_tetherSitesFull", None, "Tether, capture full stack", T),
        ],
        "targets": [
            {"issue": "7", "text": "registry capture <= 10% of spawn+join", "kind": "ratio",
             "tether": "Tether, capture caller (default)", "other": "Tether, capture off", "limit": 1.10},
        ],
    },
    {
        "id": "obs-dump",
        "group": "dump",
        "title": "Observability: dump of 100,000 live tasks",
        "unit": "ms per dump",
        "better": LOWER,
        "rows": [
            ("TaskDumpBench.dump100k_jdkThreadDumpJson", None, "JDK HotSpotDiagnosticMXBean.dumpThreads JSON, 100k raw virtual threads", P),
            ("TaskDumpBench.dump100k_tetherGrouped", None, "Tether Tasks.dump(GROUPED), 100k tasks", T),
            ("TaskDumpBench.dump100k_tetherJson", None, "Tether Tasks.dump(JSON), 100k tasks", T),
        ],
        "targets": [
            {"issue": "7", "text": "grouped dump of 100k tasks < 200 ms", "kind": "abs",
             "tether": "Tether Tasks.dump(GROUPED), 100k tasks", "limit": 200.0},
        ],
    },
    {
        "id": "debug-serve",
        "group": "debug-serve",
        "title": "Debug server: serve /debug/tether/tasks for 100,000 live tasks (one HTTP request over loopback)",
        "unit": "ms per request",
        "better": LOWER,
        "rows": [
            ("DebugServerServeBench.dumpGrouped", None, "Tasks.dump(GROUPED) in memory (floor)", F),
            ("DebugServerServeBench.dumpJson", None, "Tasks.dump(JSON) in memory (floor)", F),
            ("DebugServerServeBench.serveGrouped", None, "served, format=grouped", T),
            ("DebugServerServeBench.serveJson", None, "served, format=json (about 38 MB)", T),
        ],
        "pairs": [("served, format=grouped", "Tasks.dump(GROUPED) in memory (floor)"),
                  ("served, format=json (about 38 MB)", "Tasks.dump(JSON) in memory (floor)")],
        "targets": [
            {"issue": "14", "text": "serve format=grouped for 100k tasks < 200 ms", "kind": "abs",
             "tether": "served, format=grouped", "limit": 200.0},
            {"issue": "14", "text": "serve format=json for 100k tasks < 200 ms", "kind": "abs",
             "tether": "served, format=json (about 38 MB)", "limit": 200.0},
        ],
    },
    {
        "id": "debug-idle",
        "group": "debug-idle",
        "title": "Debug server: what an application pays while nobody looks (spawn + join, batches of 10,000)",
        "unit": "ns per task",
        "better": LOWER,
        "rows": [
            ("DebugServerIdleCostBench.batch10k_tether", {"server": "off"}, "no debug server", F),
            ("DebugServerIdleCostBench.batch10k_tether", {"server": "on"}, "debug server running, no requests", T),
        ],
        "targets": [
            {"issue": "14", "text": "spawn+join with the debug server running = without it (within noise)", "kind": "noise",
             "tether": "debug server running, no requests", "other": "no debug server"},
        ],
    },
    {
        "id": "telemetry",
        "group": "telemetry",
        "title": "Telemetry: spawn + join (batches of 10,000) with each consumer of the hook off and on",
        "unit": "ns per task",
        "better": LOWER,
        "rows": [
            ("TelemetryBench.batch10k_rawVirtualThread", None, "raw virtual thread (floor)", F),
            ("TelemetryBench.batch10k_off", None, "telemetry off (nobody listens)", F),
            ("TelemetryBench.batch10k_traceOn", None, "trace recording on", T),
            ("TelemetryBench.batch10k_jfrRunningTetherEventsOff", None, "JFR recording, Tether events off", T),
            ("TelemetryBench.batch10k_jfrTetherEventsOn", None, "JFR, every Tether event on (incl. per-task start/end)", T),
            ("TelemetryBench.batch10k_listenerCounters", None, "counting listener (what TetherMetrics does)", T),
        ],
        "compare_only": ["telemetry off (nobody listens)"],
        "targets": [
            {"issue": "15", "text": "trace recording on <= 1.5 x spawn+join (off)", "kind": "ratio",
             "tether": "trace recording on", "other": "telemetry off (nobody listens)", "limit": 1.5},
            {"issue": "15", "text": "JFR running, Tether events disabled: within noise of off", "kind": "noise",
             "tether": "JFR recording, Tether events off", "other": "telemetry off (nobody listens)"},
            {"issue": "15", "text": "JFR, Tether events enabled: cost recorded", "kind": "report",
             "tether": "JFR, every Tether event on (incl. per-task start/end)", "other": "telemetry off (nobody listens)"},
            {"issue": "15", "text": "metrics (counting listener): cost recorded", "kind": "report",
             "tether": "counting listener (what TetherMetrics does)", "other": "telemetry off (nobody listens)"},
        ],
    },
    {
        "id": "watchdog",
        "group": "watchdog",
        "title": "Leak watchdog: one look at 100,000 live tasks",
        "unit": "ms per look",
        "better": LOWER,
        "rows": [
            ("LeakWatchdogScanBench.look100k_snapshotFloor", None, "Tasks.snapshot() of 100k tasks (floor)", F),
            ("LeakWatchdogScanBench.look100k_watchdog", None, "LeakWatchdog.look(), 100k tasks", T),
        ],
        "targets": [
            {"issue": "15", "text": "watchdog scan of 100k tasks < 50 ms", "kind": "abs",
             "tether": "LeakWatchdog.look(), 100k tasks", "limit": 50.0},
        ],
    },
]

# Not JMH: TelemetryCost alternates every telemetry mode per round inside one JVM and prints
# medians (see its javadoc). The run script runs it once, after the JMH rounds.
MAIN_CLASSES = {"TelemetryCost": {"group": "telemetry", "args_full": "15", "args_short": "3"}}

VERDICT_RULE = (
    "A fork's score is the median of its measured iterations; a row shows the median of its forks' "
    "scores and their range (min - max). Tether and its peers ran interleaved: in each round, one "
    "fork of every benchmark of the group, the order reversed every other round, so a change of "
    f"the machine's mode hits both sides. A comparison is decided (\"Tether ahead\", \"peer "
    f"ahead\", \"floor ahead\") only with at least {MIN_FORKS} forks on each side and per-fork "
    "ranges that do not overlap; otherwise it is **not established**, however far apart the "
    "medians are. \"Paired\" gives the range of the per-round ratios Tether / other (rounds in "
    "which both ran), and in how many rounds Tether was ahead: it shows the pairing, it does not "
    "decide. A ratio target is **met** when even the least favourable pairing of the two ranges "
    "meets it (Tether's worst fork against the other's best), **missed** when even the most "
    "favourable pairing misses it, and not established in between; an absolute limit is met when "
    "every fork meets it and missed when none does; \"in every fork\" targets are met when every "
    "paired round meets the ratio, and missed otherwise; \"within noise\" targets are met when the "
    "ranges overlap or Tether is ahead, missed when Tether is behind with disjoint ranges. A target "
    "against \"the better of\" two rows (or a floor that is the faster of two) takes, in each round, "
    "the better of their forks in that round."
)


# ---------------------------------------------------------------- formatting

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


def read_json(path):
    with open(path) as f:
        return json.load(f)


def read_lines(path):
    with open(path) as f:
        return f.read().splitlines()


def number(x):
    """JMH writes "NaN" (a string) for an error it cannot compute: None then."""
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if v != v else v


def params_text(params):
    return ", ".join(f"{k}={v}" for k, v in sorted((params or {}).items()))


# ---------------------------------------------------------------- loading

def load_jmh(path):
    """JMH's JSON -> (raw results, {name: [row]}). A row has its forks' iteration lists and the
    round of each fork: from "tetherRounds" in a merged file, else 1, 2, ... (one JMH invocation,
    forks in sequence: not interleaved with the peers)."""
    results = read_json(path)
    by_key = {}
    for r in results:
        name = r["benchmark"].removeprefix("io.tether.bench.")
        m = r["primaryMetric"]
        forks = [list(map(float, fork)) for fork in m.get("rawData", []) if fork]
        rounds = r.get("tetherRounds") or list(range(1, len(forks) + 1))
        by_key.setdefault(name, []).append(
            {
                "params": r.get("params") or {},
                "unit": m["scoreUnit"],
                "forks": forks,
                "rounds": rounds[: len(forks)],
                "interleaved": "tetherRounds" in r,
                "iterations": r.get("measurementIterations"),
            }
        )
    return results, by_key


def find(by_key, name, params):
    for r in by_key.get(name, []):
        if params is None or all(r["params"].get(k) == v for k, v in params.items()):
            return r
    return None


def fork_scores(row):
    """Per fork, the median of its measured iterations."""
    return [statistics.median(f) for f in row["forks"]]


def summary(row):
    s = fork_scores(row)
    return {"median": statistics.median(s), "min": min(s), "max": max(s), "n": len(s),
            "by_round": dict(zip(row["rounds"], s))}


def load_go(path):
    """Parses `go test -bench` output: per benchmark, the list of ns/op over -count runs."""
    out = {}
    if not path:
        return out
    try:
        lines = read_lines(path)
    except OSError:
        return out
    for line in lines:
        parts = line.split()
        if len(parts) >= 4 and parts[0].startswith("Benchmark") and parts[3] == "ns/op":
            name = parts[0].removeprefix("Benchmark").rsplit("-", 1)[0]
            out.setdefault(name, []).append(float(parts[2]))
    return out


def load_telemetry_cost(path):
    """Parses TelemetryCost's table: mode -> (wall ns/task, cpu ns/task, wall/off, cpu/off)."""
    out = {}
    if not path:
        return out
    try:
        lines = read_lines(path)
    except OSError:
        return out
    for line in lines:
        parts = line.split()
        if len(parts) == 5 and parts[0] != "mode":
            try:
                out[parts[0]] = tuple(float(x) for x in parts[1:])
            except ValueError:
                pass
    return out


# ---------------------------------------------------------------- verdicts

def ratio(tether, other, better):
    """Tether relative to other, as 'times slower' (>1 = Tether behind) for both kinds."""
    if not tether or not other:
        return None
    return tether / other if better == LOWER else other / tether


def ratio_bounds(t, o, better):
    """(most favourable, least favourable) ratio over the two per-fork ranges."""
    if better == LOWER:
        return t["min"] / o["max"], t["max"] / o["min"]
    return o["min"] / t["max"], o["max"] / t["min"]


def paired(t, o, better):
    """Per-round ratios Tether / other, over the rounds in which both ran."""
    common = sorted(set(t["by_round"]) & set(o["by_round"]))
    return [ratio(t["by_round"][k], o["by_round"][k], better) for k in common]


def compare(t, o, better, other_role):
    """Verdict of one comparison row."""
    n = min(t["n"], o["n"])
    if n < MIN_FORKS:
        return f"not established ({n} fork{'s' if n != 1 else ''}; {MIN_FORKS} needed)"
    lo, hi = ratio_bounds(t, o, better)
    if hi < 1:
        return "**Tether ahead**"
    if lo > 1:
        return f"**{other_role} ahead**"
    return "not established (ranges overlap)"


def target_others(tg):
    """The labels a target compares Tether with: one row, or ("the better of") several."""
    other = tg.get("other")
    return other if isinstance(other, tuple) else (other,)


def best_of(summaries, better):
    """The better of several rows, per round (rounds in which all ran): a synthetic summary."""
    common = set.intersection(*(set(s["by_round"]) for s in summaries))
    pick = min if better == LOWER else max
    by_round = {k: pick(s["by_round"][k] for s in summaries) for k in sorted(common)}
    if not by_round:
        return None
    v = list(by_round.values())
    return {"median": statistics.median(v), "min": min(v), "max": max(v), "n": len(v), "by_round": by_round}


def target_verdict(tg, t, o, better):
    """(measured text, verdict) of one target; t and o are summaries (o None for "abs")."""
    kind = tg["kind"]
    n = t["n"] if o is None else min(t["n"], o["n"])
    few = n < MIN_FORKS
    if kind == "abs":
        shown = f"median {fmt(t['median'])}, forks {fmt(t['min'])} – {fmt(t['max'])}"
        if few:
            return shown, f"not established ({n} fork{'s' if n != 1 else ''})"
        lim = tg["limit"]
        if better == LOWER:
            v = "met" if t["max"] <= lim else "**MISSED**" if t["min"] > lim else "not established (the forks straddle the limit)"
        else:
            v = "met" if t["min"] >= lim else "**MISSED**" if t["max"] < lim else "not established (the forks straddle the limit)"
        return shown, v
    r = ratio(t["median"], o["median"], better)
    lo, hi = ratio_bounds(t, o, better)
    pr = paired(t, o, better)
    shown = f"{r:.2f} x (medians); ranges allow {lo:.2f} – {hi:.2f}"
    if pr:
        shown += f"; paired {min(pr):.2f} – {max(pr):.2f} over {len(pr)} round{'s' if len(pr) != 1 else ''}"
    if kind == "report":
        return shown, "recorded"
    if few:
        return shown, f"not established ({n} fork{'s' if n != 1 else ''})"
    if kind == "noise":
        if hi < 1:
            return shown, "met (ahead)"
        if lo > 1:
            return shown, "**MISSED** (behind, ranges disjoint)"
        return shown, "met (within noise: ranges overlap)"
    lim = tg["limit"]
    if tg.get("every_fork"):
        if len(pr) < MIN_FORKS:
            return shown, f"not established ({len(pr)} paired rounds)"
        ok = sum(1 for x in pr if x <= lim)
        return shown, "met (every round)" if ok == len(pr) else f"**MISSED** in {len(pr) - ok} of {len(pr)} rounds"
    if hi <= lim:
        return shown, "met"
    if lo > lim:
        return shown, "**MISSED**"
    return shown, "not established (ranges straddle the limit)"


# ---------------------------------------------------------------- the page

def scenario_table(sc, by_key, out, target_rows):
    better = sc["better"]
    rows = []
    for name, params, label, role in sc["rows"]:
        r = find(by_key, name, params)
        rows.append((label, role, r, summary(r) if r and r["forks"] else None))
    if all(r[3] is None for r in rows):
        for tg in sc["targets"]:
            target_rows.append((tg, "not run", "not run"))
        return False
    out.append(f"### {sc['title']}\n")
    arrow = "lower is better" if better == LOWER else "higher is better"
    out.append(f"Unit: {sc['unit']} ({arrow}). Run group `{sc['group']}`.\n")
    out.append("| | Median of forks | Forks: min – max | Per fork, by round | Forks × iterations |")
    out.append("|---|---|---|---|---|")
    for label, role, r, s in rows:
        who = f"**{label}**" if role == T else f"{label}"
        if s is None:
            out.append(f"| {who} | not run | | | |")
            continue
        per = ", ".join(f"{fmt(s['by_round'][k])}" for k in sorted(s["by_round"]))
        iters = "/".join(sorted({str(len(f)) for f in r["forks"]}))
        out.append(f"| {who} | {fmt(s['median'])} | {fmt(s['min'])} – {fmt(s['max'])} | {per} | {s['n']} × {iters} |")
    out.append("")
    if any(r[2] is not None and not r[2]["interleaved"] for r in rows):
        out.append("Not interleaved: this file's forks come from one JMH invocation, benchmark after "
                   "benchmark; rounds are fork numbers, not shared time slots.\n")

    # Which targets each comparison checks.
    checks = {}
    for tg in sc["targets"]:
        for o in target_others(tg):
            checks.setdefault((tg["tether"], o), []).append(f"issue {tg['issue']}")
        if tg["kind"] == "abs":
            checks.setdefault((tg["tether"], None), []).append(f"issue {tg['issue']}")
    comps = []
    for label, role, r, s in rows:
        if role != T or s is None:
            continue
        for olabel, orole, orow, os_ in rows:
            if orole == T or os_ is None:
                continue
            if "compare_only" in sc and olabel not in sc["compare_only"]:
                continue
            if "pairs" in sc and (label, olabel) not in sc["pairs"]:
                continue
            rr = ratio(s["median"], os_["median"], better)
            pr = paired(s, os_, better)
            ptxt = "-"
            if pr:
                ahead = sum(1 for x in pr if x < 1)
                ptxt = f"{min(pr):.2f} – {max(pr):.2f} (Tether ahead in {ahead} of {len(pr)})"
            verdict = compare(s, os_, better, orole)
            chk = ", ".join(checks.get((label, olabel), [])) or ""
            comps.append(f"| {label} vs {olabel} | {rr:.2f} x | {ptxt} | {verdict} | {chk} |")
    if comps:
        out.append("| Comparison | Tether / other (medians) | Paired, per round | Verdict | Target checked |")
        out.append("|---|---|---|---|---|")
        out.extend(comps)
        out.append("")
        out.append("Ratios in \"times slower\": above 1.00 Tether is behind (for throughput: other / Tether).\n")

    summaries = {label: s for label, _, _, s in rows}
    first = len(target_rows)
    for tg in sc["targets"]:
        t = summaries.get(tg["tether"])
        if tg["kind"] == "abs":
            if t is None:
                target_rows.append((tg, "not run", "not run"))
                continue
            shown, v = target_verdict(tg, t, None, better)
            target_rows.append((tg, f"{shown} {sc['unit']}", v))
            continue
        os_ = [summaries.get(o) for o in target_others(tg)]
        if t is None or any(o is None for o in os_):
            target_rows.append((tg, "not run", "not run"))
            continue
        o = os_[0] if len(os_) == 1 else best_of(os_, better)
        if o is None:
            target_rows.append((tg, "no round in which all ran", "not established"))
            continue
        shown, v = target_verdict(tg, t, o, better)
        target_rows.append((tg, shown, v))
    if len(target_rows) > first:
        out.append("Targets checked by this table:\n")
        for tg, shown, v in target_rows[first:]:
            out.append(f"- issue {tg['issue']}: {tg['text']}: {shown}. **Verdict: {v.replace('**', '')}**")
        out.append("")
    return True


def telemetry_cost_table(tc, out):
    if not tc:
        return
    out.append("### Telemetry, in one JVM (`TelemetryCost`: every mode in turn per round)\n")
    out.append("Medians over the rounds of wall time and of process CPU time per task (spawn + join, "
               "batches of 10,000); the CPU time is what other processes' load disturbs least. No "
               "spread is printed by the program, so no verdict is drawn from it.\n")
    out.append("| mode | wall ns/task | CPU ns/task | wall / off | CPU / off |")
    out.append("|---|---|---|---|---|")
    for mode, (wall, cpu, rw, rc) in tc.items():
        out.append(f"| {mode} | {fmt(wall)} | {fmt(cpu)} | {rw:.2f} x | {rc:.2f} x |")
    out.append("")


def go_table(go, by_key, out):
    out.append("## Go reference\n")
    if not go:
        out.append("Not run: `go` was not found, or `--no-go` was given. See the notes for how to install it.\n")
        return
    out.append(
        "`go test -bench` in `tether-bench/go`, same machine, right after the JMH rounds (not "
        "interleaved with them). Go figures: median and range over the `-count` runs. Tether: "
        "the median of forks of the same scenario above. Ratio in \"times slower\" (above 1.00 "
        "Tether is behind Go).\n"
    )
    out.append("| Scenario | Go median (range) | Tether (median of forks) | Tether / Go |")
    out.append("|---|---|---|---|")
    for sc in SCENARIOS:
        if "go" not in sc:
            continue
        gname, gdesc = sc["go"]
        vals = go.get(gname)
        tether_row = next((r for r in sc["rows"] if r[3] == T), None)
        t = find(by_key, tether_row[0], tether_row[1]) if tether_row else None
        if not vals:
            out.append(f"| {sc['title']} ({gdesc}) | not run | | |")
            continue
        med = statistics.median(vals)
        lo, hi = min(vals), max(vals)
        if sc["better"] == HIGHER:  # Go gives ns per value; show M values/s
            med, lo, hi = 1000 / med, 1000 / max(vals), 1000 / min(vals)
        tv = summary(t)["median"] if t and t["forks"] else None
        r = ratio(tv, med, sc["better"]) if tv else None
        out.append(
            f"| {sc['title']} ({gdesc}), {sc['unit']} | {fmt(med)} ({fmt(lo)} – {fmt(hi)}) | "
            f"{fmt(tv)} | {'-' if r is None else f'{r:.2f} x'} |"
        )
    out.append("")


def report(a):
    meta = read_json(a.meta)
    results, by_key = load_jmh(a.jmh)
    go = load_go(a.go)
    tc = load_telemetry_cost(a.telemetry_cost)

    out = ["# Benchmarks\n"]
    out.append(
        "Generated by `tether-bench/run` from one run; do not edit by hand. How the benchmarks "
        "work, what each scenario measures, the noise on the recording machine, profiles and "
        "the history of changes are in [benchmarks-notes.md](benchmarks-notes.md). The run's raw "
        "results are in [benchmarks-data/](benchmarks-data/) (JMH JSON merged over the rounds, "
        "Go and TelemetryCost output, run facts); `python3 tether-bench/report.py --jmh "
        "docs/benchmarks-data/jmh.json --go docs/benchmarks-data/go.txt --telemetry-cost "
        "docs/benchmarks-data/telemetry-cost.txt --meta docs/benchmarks-data/meta.json` rebuilds "
        "this page from them.\n"
    )
    if meta.get("mode") == "short":
        out.append(
            "> **Short run** (`--short`): short iterations and few forks per benchmark. A quick "
            "look, not a record: with fewer than "
            f"{MIN_FORKS} forks a side no comparison is decided.\n"
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
        ("rounds", "Rounds"),
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
    out.append("")
    out.append("## How to read the verdicts\n")
    out.append(VERDICT_RULE + "\n")

    body = []
    target_rows = []
    for sc in SCENARIOS:
        scenario_table(sc, by_key, body, target_rows)
    telemetry_cost_table(tc, body)
    out.append("## Targets\n")
    out.append("| Issue | Target | Measured | Verdict |")
    out.append("|---|---|---|---|")
    for tg, shown, v in target_rows:
        out.append(f"| {tg['issue']} | {tg['text']} | {shown} | {v} |")
    out.append("")
    out.append("## Results\n")
    out.extend(body)
    go_table(go, by_key, out)
    unknown = sorted(
        {r["benchmark"].removeprefix("io.tether.bench.") for r in results}
        - {row[0] for sc in SCENARIOS for row in sc["rows"]}
    )
    if unknown:
        out.append("## Other benchmarks in this run\n")
        out.append("Not in report.py's scenarios yet: add them there.\n")
        for name in unknown:
            for r in by_key[name]:
                p = params_text(r["params"])
                s = summary(r) if r["forks"] else None
                shown = f"median of forks {fmt(s['median'])} ({fmt(s['min'])} – {fmt(s['max'])})" if s else "no data"
                out.append(f"- `{name}`{' (' + p + ')' if p else ''}: {shown} {r['unit']}")
        out.append("")
    sys.stdout.write("\n".join(out) + "\n")


# ---------------------------------------------------------------- plan and merge

def steps_by_group():
    """{group: [(benchmark name, params or None)]}, each benchmark once, in table order."""
    groups = {}
    for sc in SCENARIOS:
        steps = groups.setdefault(sc["group"], [])
        for name, params, _, _ in sc["rows"]:
            if (name, params) not in steps:
                steps.append((name, params))
    return groups


def step_seconds(name, mode):
    if mode == "short":
        return SHORT_STEP_SECONDS + OVERHEAD_SECONDS
    for key, s in STEP_SECONDS.items():
        if name.startswith(key):
            return s + OVERHEAD_SECONDS
    return DEFAULT_STEP_SECONDS + OVERHEAD_SECONDS


def plan(mode, only=None, forks=None):
    """The run's steps: (kind, round, group, JMH include regex or class, params).

    Rounds are the outer loop, so a group's forks are spread over the whole run; inside a round,
    a group's benchmarks run one after the other, one fork each, in table order in odd rounds
    and in reverse order in even rounds, so that no side always runs first (warmer machine,
    emptier page cache, the other side's garbage still being collected) and a change of the
    machine's mode lands between paired forks at most once per round."""
    pat = re.compile(only) if only else None
    groups = {}
    for g, steps in steps_by_group().items():
        keep = [s for s in steps if pat is None or pat.search("io.tether.bench." + s[0])]
        if keep:
            groups[g] = keep
    rounds = {g: forks or (GROUP_FORKS[g] if mode == "full" else 1) for g in groups}
    out = []
    for k in range(1, max(rounds.values(), default=0) + 1):
        for g, steps in groups.items():
            if k > rounds[g]:
                continue
            for name, params in steps if k % 2 else list(reversed(steps)):
                regex = "^" + re.escape("io.tether.bench." + name) + "$"
                out.append(("jmh", k, g, regex, " ".join(f"-p {p}" for p in params_text(params).split(", ") if p)))
    for cls, spec in MAIN_CLASSES.items():
        if pat is None or pat.search("io.tether.bench." + cls):
            out.append(("main", 1, spec["group"], "io.tether.bench." + cls, spec["args_" + mode]))
    return out


def plan_seconds(steps, mode):
    total = 0.0
    for kind, _, _, regex, _ in steps:
        if kind == "jmh":
            total += step_seconds(regex.strip("^$").replace("\\", "").removeprefix("io.tether.bench."), mode)
        else:
            total += 60 if mode == "full" else 15
    return total


def merge(manifest, out_path):
    """Single-fork JMH result files (manifest lines: round TAB file) -> one JMH JSON list, each
    result's rawData holding its forks in round order and "tetherRounds" the round of each."""
    merged = {}
    order = []
    for line in read_lines(manifest):
        if not line.strip():
            continue
        rnd, path = line.rstrip("\n").split("\t", 1)
        try:
            results = read_json(path)
        except (OSError, ValueError):
            continue  # a failed step: its rows show fewer forks
        for r in results:
            key = (r["benchmark"], tuple(sorted((r.get("params") or {}).items())))
            if key not in merged:
                base = json.loads(json.dumps(r))
                base["forks"] = 0
                base["primaryMetric"]["rawData"] = []
                base["tetherRounds"] = []
                base.pop("secondaryMetrics", None)
                merged[key] = base
                order.append(key)
            m = merged[key]
            for fork in r["primaryMetric"].get("rawData", []):
                m["primaryMetric"]["rawData"].append(fork)
                m["tetherRounds"].append(int(rnd))
                m["forks"] += 1
    for key in order:
        m = merged[key]
        flat = [x for f in m["primaryMetric"]["rawData"] for x in f]
        m["primaryMetric"]["score"] = statistics.mean(flat) if flat else "NaN"
        m["primaryMetric"]["scoreError"] = "NaN"  # not recomputed: report.py uses the forks
        m["primaryMetric"]["scoreConfidence"] = ["NaN", "NaN"]
        m["primaryMetric"].pop("scorePercentiles", None)
    with open(out_path, "w") as f:
        json.dump([merged[k] for k in order], f, indent=1)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "plan":
        ap = argparse.ArgumentParser(prog="report.py plan", description="print the run's steps (TSV)")
        ap.add_argument("--mode", choices=["full", "short"], default="full")
        ap.add_argument("--only", help="only the benchmarks whose full name matches this regex")
        ap.add_argument("--forks", type=int, help="rounds per group (default: GROUP_FORKS; short: 1)")
        a = ap.parse_args(argv[1:])
        steps = plan(a.mode, a.only, a.forks)
        for s in steps:
            print("\t".join(str(x) for x in s))
        sys.stderr.write(f"report.py plan: {len(steps)} steps, about {plan_seconds(steps, a.mode) / 60:.0f} min\n")
        return
    if argv and argv[0] == "merge":
        ap = argparse.ArgumentParser(prog="report.py merge", description="merge single-fork JMH results")
        ap.add_argument("--manifest", required=True, help="lines: round TAB result file")
        ap.add_argument("--out", required=True)
        a = ap.parse_args(argv[1:])
        merge(a.manifest, a.out)
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jmh", required=True, help="JMH result file (-rf json), merged or plain")
    ap.add_argument("--go", help="output of go test -bench")
    ap.add_argument("--telemetry-cost", help="output of io.tether.bench.TelemetryCost")
    ap.add_argument("--meta", required=True, help="facts about the run (JSON)")
    report(ap.parse_args(argv))


if __name__ == "__main__":
    main()
