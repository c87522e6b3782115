"""Tests of report.py (stdlib unittest; not run by the build or by .ci/run):

    python3 tether-bench/test_report.py

testdata/jmh-fixture.json is a merged result (as `report.py merge` writes it) built so that each
verdict of the rule appears once; the expected verdicts are worked out by hand in the comments.
"""

import contextlib
import io
import json
import os
import re
import tempfile
import unittest

import report

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "testdata", "jmh-fixture.json")
META = os.path.join(HERE, "testdata", "meta-fixture.json")
SOURCES = os.path.join(HERE, "src", "main", "java", "io", "tether", "bench")


def read_json(path):
    with open(path) as f:
        return json.load(f)


def write_json(value, path):
    with open(path, "w") as f:
        json.dump(value, f)


def render(jmh=FIXTURE):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        report.main(["--jmh", jmh, "--meta", META])
    return buf.getvalue()


def line_with(page, *parts):
    """The one table row that contains every part."""
    hits = [l for l in page.splitlines() if l.startswith("|") and all(p in l for p in parts)]
    assert len(hits) == 1, (parts, hits)
    return hits[0]


def benchmark_methods():
    """({class: its own @Benchmark method names}, {class: the class it extends}) from the sources."""
    methods, parent = {}, {}
    for f in sorted(os.listdir(SOURCES)):
        with open(os.path.join(SOURCES, f)) as src:
            text = src.read()
        cls = f.removesuffix(".java")
        methods[cls] = [m.group(1) for m in re.finditer(
            r"@Benchmark\b(?:\s*@\w+(?:\([^)]*\))?)*\s*public\s+[\w.<>\[\], ]+?\s+(\w+)\s*\(", text)]
        m = re.search(rf"\bclass\s+{cls}\s+extends\s+(\w+)", text)
        if m:
            parent[cls] = m.group(1)
    return methods, parent


class Coverage(unittest.TestCase):
    def test_every_benchmark_method_has_a_row(self):
        """A benchmark added to tether-bench without a row would be dropped from benchmarks.md.
        JMH also runs a class's inherited @Benchmark methods under the subclass's name
        (ChannelPingPongOneCarrierBench): those need rows too."""
        known = {row[0] for sc in report.SCENARIOS for row in sc["rows"]}
        methods, parent = benchmark_methods()
        missing = []
        for cls in sorted(methods):
            own, c = [], cls
            while c in methods:
                own += methods[c]
                c = parent.get(c)
            missing += [f"{cls}.{m}" for m in own if f"{cls}.{m}" not in known]
        self.assertEqual([], missing)

    def test_inherited_benchmarks_are_seen(self):
        methods, parent = benchmark_methods()
        self.assertEqual("ChannelPingPongBench", parent["ChannelPingPongOneCarrierBench"])
        self.assertEqual([], methods["ChannelPingPongOneCarrierBench"])
        self.assertIn("stream_tether", methods["ChannelPingPongBench"])

    def test_every_main_class_is_known(self):
        for cls in report.MAIN_CLASSES:
            self.assertTrue(os.path.exists(os.path.join(SOURCES, cls + ".java")), cls)

    def test_targets_name_rows_of_their_table_and_groups_have_forks(self):
        for sc in report.SCENARIOS:
            self.assertIn(sc["group"], report.GROUP_FORKS, sc["id"])
            labels = {row[2] for row in sc["rows"]}
            for tg in sc["targets"]:
                self.assertIn(tg["tether"], labels, tg["text"])
                others = tg.get("other")
                for o in others if isinstance(others, tuple) else ((others,) if others else ()):
                    self.assertIn(o, labels, tg["text"])


class Verdicts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.page = render()

    def test_row_shows_median_and_range_of_fork_scores(self):
        # Tether ping-pong forks: medians 510, 800 and 480 (the 1,900 iteration is outvoted).
        row = line_with(self.page, "**Tether Channel.unbuffered()** |")
        self.assertIn("| 510 | 480 – 800 | 510, 800, 480 | 3 × 3 |", row)

    def test_disjoint_ranges_decide(self):
        # SynchronousQueue 205 – 410 against Tether 480 – 800: the peer, whatever the pairing.
        row = line_with(self.page, "unbuffered() vs SynchronousQueue |")
        self.assertIn("**peer ahead**", row)
        self.assertIn("issue 16 #2", row)
        row = line_with(self.page, "unbuffered() vs jox channels 1.0.1, rendezvous |")
        self.assertIn("**Tether ahead**", row)

    def test_overlapping_ranges_are_not_established(self):
        # LinkedTransferQueue 305 – 940: overlaps; paired 1.67, 0.85, 1.50.
        row = line_with(self.page, "unbuffered() vs LinkedTransferQueue (transfer) |")
        self.assertIn("not established (ranges overlap)", row)
        self.assertIn("0.85 – 1.67 (Tether ahead in 1 of 3)", row)

    def test_fewer_than_three_forks_decide_nothing(self):
        row = line_with(self.page, "Tether Context vs io.grpc.Context 1.85.1 |")
        self.assertIn("not established (2 forks; 3 needed)", row)

    def test_ratio_target_missed_when_even_the_best_pairing_misses(self):
        # Best pairing: Tether's 480 against SynchronousQueue's 410 = 1.17 > 1.
        row = line_with(self.page, "| 16 #2 | ping-pong <= SynchronousQueue (2 carriers)")
        self.assertIn("ranges allow 1.17 – 3.90", row)
        self.assertTrue(row.endswith("| **MISSED** |"), row)

    def test_every_fork_target_counts_rounds_for_throughput(self):
        # Higher is better, against the better of ABQ (10, 12, 10) and LBQ (11.5, 9, 9) per round:
        # 11.5, 12, 10. Ratios to Tether (11, 11, 13): 1.05, 1.09, 0.77: rounds 1 and 2 miss
        # (against ABQ alone only round 2 would).
        row = line_with(self.page, "| 16 #4 | buffered SPSC, cap 16")
        self.assertIn("**MISSED** in 2 of 3 rounds", row)
        self.assertIn("paired 0.77 – 1.09 over 3 rounds", row)
        row = line_with(self.page, "Tether Channel.buffered(16) vs ArrayBlockingQueue |")
        self.assertIn("not established (ranges overlap)", row)
        self.assertIn("issue 16 #4", row)
        row = line_with(self.page, "Tether Channel.buffered(16) vs LinkedBlockingQueue |")
        self.assertIn("not established (ranges overlap)", row)
        self.assertIn("issue 16 #4", row)

    def test_better_of_two_peers_needs_both(self):
        # Without the LBQ rows the target says "not run", not a verdict against ABQ alone.
        one = [r for r in read_json(FIXTURE) if not r["benchmark"].endswith("spsc_linkedBlockingQueue")]
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "no-lbq.json")
            write_json(one, path)
            page = render(path)
        row = line_with(page, "| 16 #4 | buffered SPSC, cap 16")
        self.assertTrue(row.endswith("| not run | not run |"), row)

    def test_absolute_limit_met_by_every_fork(self):
        row = line_with(self.page, "grouped dump of 100k tasks < 200 ms")
        self.assertIn("median 40.0, forks 38.0 – 60.0", row)
        self.assertTrue(row.endswith("| met |"), row)

    def test_within_noise_target(self):
        row = line_with(self.page, "debug server running = without it")
        self.assertIn("met (within noise: ranges overlap)", row)

    def test_each_table_lists_the_targets_it_checks(self):
        section = self.page.split("### Channels: unbuffered ping-pong")[1].split("###")[0]
        self.assertIn("- issue 16 #2: ping-pong <= SynchronousQueue", section)
        self.assertIn("**Verdict: MISSED**", section)

    def test_rows_not_in_the_file_are_not_run(self):
        row = line_with(self.page, "watchdog scan of 100k tasks < 50 ms")
        self.assertTrue(row.endswith("| not run | not run |"), row)


class FasterOfTwoFloors(unittest.TestCase):
    def test_the_faster_floor_is_taken_per_round(self):
        # Raw threads are slow in round 2 and the executor in round 1: the floor is 100, 110, 105.
        raw = {"median": 110, "min": 100, "max": 300, "n": 3, "by_round": {1: 100, 2: 300, 3: 105}}
        ex = {"median": 120, "min": 110, "max": 400, "n": 3, "by_round": {1: 400, 2: 110, 3: 120}}
        floor = report.best_of([raw, ex], report.LOWER)
        self.assertEqual({1: 100, 2: 110, 3: 105}, floor["by_round"])
        t = {"median": 108, "min": 106, "max": 115, "n": 3, "by_round": {1: 106, 2: 115, 3: 108}}
        # Worst pairing 115 / 100 = 1.15, best 106 / 110 = 0.96.
        for limit, verdict in [(1.20, "met"), (1.10, "not established (ranges straddle the limit)"), (0.95, "**MISSED**")]:
            shown, v = report.target_verdict({"kind": "ratio", "limit": limit}, t, floor, report.LOWER)
            self.assertEqual(verdict, v, (limit, shown))


class OneCarrier(unittest.TestCase):
    """Issue 16 #2 on one carrier: ChannelPingPongOneCarrierBench's rows, in their own tables."""

    def test_one_carrier_rows_have_their_own_tables_and_targets(self):
        # The fixture's ping-pong results, as if they came from the one-carrier class only.
        one = [r for r in read_json(FIXTURE) if ".ChannelPingPongBench.pingPong_" in r["benchmark"]]
        for r in one:
            r["benchmark"] = r["benchmark"].replace(".ChannelPingPongBench.", ".ChannelPingPongOneCarrierBench.")
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "one-carrier.json")
            write_json(one, path)
            page = render(path)
        self.assertNotIn("Other benchmarks in this run", page)
        section = page.split("### Channels: unbuffered ping-pong, 1 carrier\n")[1].split("###")[0]
        self.assertIn("Run group `pingpong-1carrier`", section)
        self.assertIn("| **Tether Channel.unbuffered()** | 510 | 480 – 800 |", section)
        self.assertIn("**peer ahead**", line_with(section, "unbuffered() vs SynchronousQueue |"))
        row = line_with(page, "| 16 #2 | ping-pong <= SynchronousQueue (1 carrier)")
        self.assertIn("ranges allow 1.17 – 3.90", row)
        self.assertTrue(row.endswith("| **MISSED** |"), row)
        # Nothing leaks into the two-carrier tables, nor into the one-carrier stream.
        for text in ("ping-pong <= SynchronousQueue (2 carriers)", "one-way stream <= SynchronousQueue (1 carrier)"):
            self.assertTrue(line_with(page, f"| 16 #2 | {text}").endswith("| not run | not run |"), text)

    def test_planned_in_their_own_group_with_five_rounds(self):
        steps = report.plan("full", only="ChannelPingPongOneCarrierBench")
        self.assertEqual({"pingpong-1carrier"}, {s[2] for s in steps})
        self.assertEqual(5, max(s[1] for s in steps))
        self.assertEqual(8 * 5, len(steps))
        # The two-carrier class's name is not a prefix match of the one-carrier class's.
        self.assertEqual({"pingpong"}, {s[2] for s in report.plan("full", only="ChannelPingPongBench")})


class BetterOfTwoQueues(unittest.TestCase):
    """Issue 16 #4: the buffered channels against the better of ArrayBlockingQueue and
    LinkedBlockingQueue, per round; higher is better (M values/s)."""

    def test_targets_name_both_queues(self):
        for sid in ("spsc16", "spsc1024", "mpmc"):
            sc = next(s for s in report.SCENARIOS if s["id"] == sid)
            tg = next(t for t in sc["targets"] if t["issue"] == "16 #4")
            self.assertEqual(("ArrayBlockingQueue", "LinkedBlockingQueue"), tg["other"], sid)
            self.assertTrue(tg["every_fork"], sid)

    def test_the_faster_queue_is_taken_per_round(self):
        abq = {"median": 12, "min": 10, "max": 14, "n": 3, "by_round": {1: 14, 2: 10, 3: 12}}
        lbq = {"median": 11, "min": 9, "max": 13, "n": 3, "by_round": {1: 9, 2: 13, 3: 11}}
        best = report.best_of([abq, lbq], report.HIGHER)
        self.assertEqual({1: 14, 2: 13, 3: 12}, best["by_round"])
        self.assertEqual((13, 12, 14), (best["median"], best["min"], best["max"]))
        # Tether beats each queue's median, and each queue in some rounds, but not the better one
        # in round 1.
        t = {"median": 13.5, "min": 13, "max": 15, "n": 3, "by_round": {1: 13, 2: 15, 3: 13.5}}
        tg = {"kind": "ratio", "limit": 1.0, "every_fork": True}
        self.assertEqual("**MISSED** in 1 of 3 rounds", report.target_verdict(tg, t, best, report.HIGHER)[1])
        t["by_round"][1] = 14
        self.assertEqual("met (every round)", report.target_verdict(tg, t, best, report.HIGHER)[1])

    def test_only_rounds_in_which_both_ran_count(self):
        abq = {"median": 12, "min": 10, "max": 14, "n": 3, "by_round": {1: 14, 2: 10, 3: 12}}
        lbq = {"median": 11, "min": 9, "max": 13, "n": 2, "by_round": {1: 9, 3: 11}}
        self.assertEqual({1: 14, 3: 12}, report.best_of([abq, lbq], report.HIGHER)["by_round"])
        self.assertIsNone(report.best_of([abq, {**lbq, "by_round": {4: 9}}], report.HIGHER))


class PlanAndMerge(unittest.TestCase):
    def test_order_alternates_between_rounds(self):
        steps = report.plan("full", only="ChannelPingPongBench")
        rounds = {}
        for kind, k, group, regex, _ in steps:
            rounds.setdefault(k, []).append(regex)
        self.assertEqual(report.GROUP_FORKS["pingpong"], len(rounds))
        self.assertEqual(rounds[1], list(reversed(rounds[2])))
        self.assertEqual(rounds[1], rounds[3])
        self.assertTrue(all(r.startswith("^io\\.tether\\.bench\\.") and r.endswith("$") for r in rounds[1]))

    def test_params_become_jmh_options_and_forks_override(self):
        steps = report.plan("short", only="ChannelCancelBench.cancel_tetherReceive", forks=2)
        self.assertEqual([(1, "-p channels=shared"), (1, "-p channels=each"),
                          (2, "-p channels=each"), (2, "-p channels=shared")],
                         [(s[1], s[4]) for s in steps])

    def test_main_class_planned_once(self):
        steps = report.plan("full", only="TelemetryCost")
        self.assertEqual([("main", 1, "telemetry", "io.tether.bench.TelemetryCost", "15")], steps)

    def test_merge_keeps_each_fork_with_its_round(self):
        one = read_json(FIXTURE)
        with tempfile.TemporaryDirectory() as d:
            manifest = os.path.join(d, "manifest.tsv")
            with open(manifest, "w") as m:
                # Two single-fork files per round, written in alternating order, as run does.
                for k in (1, 2, 3):
                    for name in ("ChannelPingPongBench.pingPong_tether", "ChannelPingPongBench.pingPong_synchronousQueue"):
                        r = json.loads(json.dumps(next(x for x in one if x["benchmark"].endswith(name))))
                        r["primaryMetric"]["rawData"] = [r["primaryMetric"]["rawData"][k - 1]]
                        r.pop("tetherRounds")
                        path = os.path.join(d, f"{k}-{name}.json")
                        write_json([r], path)
                        m.write(f"{k}\t{path}\n")
                m.write(f"4\t{os.path.join(d, 'missing.json')}\n")  # a failed step: skipped
            out = os.path.join(d, "jmh.json")
            report.merge(manifest, out)
            merged = read_json(out)
            self.assertEqual(2, len(merged))
            t = next(x for x in merged if x["benchmark"].endswith("pingPong_tether"))
            self.assertEqual([1, 2, 3], t["tetherRounds"])
            self.assertEqual([[500, 520, 510], [800, 790, 810], [480, 470, 1900]], t["primaryMetric"]["rawData"])
            page = render(out)
            self.assertIn("**peer ahead**", line_with(page, "unbuffered() vs SynchronousQueue |"))

    def test_plain_jmh_file_is_read_and_flagged_not_interleaved(self):
        one = read_json(FIXTURE)
        for r in one:
            r.pop("tetherRounds", None)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "plain.json")
            write_json(one, path)
            page = render(path)
        self.assertIn("Not interleaved", page)
        self.assertIn("**peer ahead**", line_with(page, "unbuffered() vs SynchronousQueue |"))


if __name__ == "__main__":
    unittest.main()
