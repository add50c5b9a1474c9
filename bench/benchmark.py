"""MS Massage Guide against a bare ask-sdk-core hello world, in one interleaved run.

    .venv/bin/python bench/benchmark.py [--cold-runs 15] [--warm 300] [--http-requests 1500]
                                        [--json bench/results.json]

Measures, for the skill ("target") and bench/baseline ("baseline"):
  cold   fresh Python processes: import of lambda_function plus the first
         answered LaunchRequest (median of --cold-runs, target and baseline
         alternating); wall clock (the target) and the process's CPU time
         (steadier on a shared machine: it leaves out time spent waiting for a core)
  warm   per-request time over a realistic mix of envelopes, in-process
         through `handler` (median and p95); each envelope of a session
         carries the session attributes the skill returned before it, as
         Alexa's do (conversation())
  memory peak resident set size of the cold+warm process (median)
  http   requests per second of the endpoint under waitress at concurrency
         16, both served by flask-ask-sdk's SkillAdapter (median of rounds),
         counted from the server's first answer (python -m msguide_web binds
         its port before it builds and warms the skill), and the server's CPU
         milliseconds per request
With --dynamodb it measures the Lambda path instead (bench/cold_dynamodb.py:
DynamoDB memory against moto in server mode, two baselines).
It prints ratios target/baseline against the targets and how long it took
(about 2 minutes with the defaults); it writes the JSON only when asked
(--json FILE; the README's numbers come from bench/results.json).
"""

import time

_STARTED = time.perf_counter()

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import http_load  # noqa: E402  (bench/http_load.py, beside this file)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SKILLS = {
    "target": os.path.join(ROOT, "lambda"),
    "target-no-memory": os.path.join(ROOT, "lambda"),
    "baseline": os.path.join(ROOT, "bench", "baseline"),
}
# "target" runs as configured by default (memory in an SQLite file);
# "target-no-memory" shows what remembering users costs.
ENVIRONMENTS = {
    "target": {"MSGUIDE_PERSISTENCE": "sqlite"},
    "target-no-memory": {"MSGUIDE_PERSISTENCE": "none"},
    "baseline": {},
}
TARGETS = {"cold": 1.15, "warm": 1.3, "http": 0.8}


def mix(kind):
    """A realistic list of request envelopes for one skill."""
    from msguide_sim.envelopes import SimulatedUser
    from msguide_sim.nlu import Match
    user = SimulatedUser()

    class Model:   # the slots each intent declares, enough to build envelopes
        slot_types = {"SymptomIntent": {"symptom": "SYMPTOM"}, "HeatIntent": {"heat": "HEAT"},
                      "SearchIntent": {"query": "AMAZON.SearchQuery"}}

        @staticmethod
        def resolve(intent, slot, spoken):
            return {"fatigue": ("fatigue", "FATIGUE"), "hot tub": ("hot tub", "HOT_TUB")}.get(spoken)

    def intent(name, **slots):
        return user.intent_for(Model, Match(name, slots, "exact", 100))

    if kind.startswith("target"):
        return [user.launch(), intent("SymptomIntent", symptom="fatigue"),
                intent("HeatIntent", heat="hot tub"),
                intent("SearchIntent", query="my legs are so stiff would massage help"),
                intent("AMAZON.YesIntent"), intent("AMAZON.HelpIntent"),
                intent("FindTherapistIntent"), user.session_ended()]
    return [user.launch(), intent("HelloWorldIntent"), intent("AMAZON.HelpIntent"),
            intent("HelloWorldIntent"), intent("AMAZON.StopIntent"), user.session_ended()]


CARRY = r"""
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("lambda_function", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
envelopes, carried = json.load(sys.stdin), {}
for envelope in envelopes:
    if not envelope["session"]["new"]:
        envelope["session"]["attributes"] = carried
    carried = module.handler(json.loads(json.dumps(envelope)), None).get("sessionAttributes") or {}
print(json.dumps(envelopes))
"""


def conversation(kind):
    """The mix as Alexa would send it: each envelope of a session carries the
    session attributes the skill returned for the one before (the skill keeps its
    conversation state, and the preferences it read once, there). One run of the
    skill itself, in a separate process, fills them in."""
    env = environment(kind)
    env["MSGUIDE_DB"] = os.path.join(ROOT, "build", "bench-conversation.sqlite3")
    out = subprocess.run([sys.executable, "-c", CARRY, os.path.join(SKILLS[kind], "lambda_function.py")],
                         input=json.dumps(mix(kind)), capture_output=True, text=True, check=True, cwd=ROOT,
                         env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ worker

def worker(kind, warm, envelopes_file):
    """Runs in a fresh process: cold start, warm requests, peak memory."""
    with open(envelopes_file, encoding="utf-8") as handle:
        envelopes = json.load(handle)
    launch = json.loads(json.dumps(envelopes[0]))
    begin, begin_cpu = time.perf_counter(), time.process_time()
    import importlib.util  # this kind's lambda_function.py, by path, as Lambda loads it
    spec = importlib.util.spec_from_file_location(
        "lambda_function", os.path.join(SKILLS[kind], "lambda_function.py"))
    lambda_function = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lambda_function)
    response = lambda_function.handler(launch, None)
    cold, cold_cpu = time.perf_counter() - begin, time.process_time() - begin_cpu
    assert response["response"]["outputSpeech"], response
    times = []
    for i in range(warm):
        envelope = json.loads(json.dumps(envelopes[i % len(envelopes)]))
        started = time.perf_counter()
        lambda_function.handler(envelope, None)
        times.append(time.perf_counter() - started)
    import resource
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"cold": cold, "cold_cpu": cold_cpu, "warm": times, "peak_kib": peak_kib}))


def environment(kind):
    env = dict(os.environ, **ENVIRONMENTS[kind])
    env["MSGUIDE_DB"] = os.path.join(ROOT, "build", "bench-memory.sqlite3")
    return env


def run_worker(kind, warm, envelopes_file):
    out = subprocess.run([sys.executable, __file__, "--worker", kind, "--warm", str(warm),
                          "--envelopes", envelopes_file],
                         capture_output=True, text=True, check=True, cwd=ROOT, env=environment(kind))
    return json.loads(out.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ http

def start_server(kind, port, first):
    """The server, once it has answered `first` (its mix's first request).

    Ready means answering, not listening: `python -m msguide_web` binds its port
    before it builds and warms the skill (so a busy port is said at once), and a
    request sent then waits in the backlog; the baseline binds only when it is
    built. Counting from the first answer keeps both servers' start-up out of
    the throughput, as a load balancer's health check would."""
    if kind.startswith("target"):
        command = [sys.executable, "-m", "msguide_web", "--local-testing", "--port", str(port)]
    else:
        command = [sys.executable, os.path.join(ROOT, "bench", "baseline", "serve.py"), "--port", str(port)]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env=environment(kind))
    try:
        http_load.wait_for_port(port)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("POST", "/", body=first[0], headers=first[1])
        reply = connection.getresponse()
        reply.read()
        connection.close()
        if reply.status != 200:
            raise SystemExit("%s: the first request was answered %d" % (kind, reply.status))
    except (SystemExit, OSError):
        server.kill()
        raise
    return server


def cpu_seconds(pid):
    """User + system CPU time a process has used so far (Linux /proc), or None."""
    try:
        with open("/proc/%d/stat" % pid) as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def http_rate(kind, requests, envelopes, concurrency=16):
    """(requests per second, the server's CPU milliseconds per request or None)."""
    port = http_load.free_port()
    items = [(json.dumps(e).encode(), {"Content-Type": "application/json"}) for e in envelopes]
    server = start_server(kind, port, items[0])
    try:
        cpu_before = cpu_seconds(server.pid)
        latencies, failures, elapsed = http_load.run(   # the mix includes SessionEnded: no speech
            port, http_load.Requests(items, requests), concurrency,
            check=lambda status, body: status == 200)
        cpu_after = cpu_seconds(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=10)
    if failures:
        raise SystemExit("%s: %d failed requests" % (kind, len(failures)))
    cpu_ms = None if cpu_before is None else (cpu_after - cpu_before) * 1000 / len(latencies)
    return len(latencies) / elapsed, cpu_ms


def rotated(turn):
    """The kinds in the order of this turn: each goes first as often as the others.
    The first process of a turn runs slower on this machine (the same skill measured
    58.0 ms to import when first of three and 52.2 ms when third, 15 turns each), so a
    fixed order would charge that to whichever kind always came first."""
    kinds = list(SKILLS)
    shift = turn % len(kinds)
    return kinds[shift:] + kinds[:shift]


# ------------------------------------------------------------------ report

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", choices=sorted(SKILLS))
    parser.add_argument("--envelopes", help=argparse.SUPPRESS)
    parser.add_argument("--warm", type=int, default=300)
    parser.add_argument("--cold-runs", type=int, default=15)
    parser.add_argument("--http-requests", type=int, default=1500)
    parser.add_argument("--http-rounds", type=int, default=3)
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    parser.add_argument("--dynamodb", action="store_true",
                        help="measure the Lambda path instead: DynamoDB memory against moto's server, "
                             "LaunchRequest and one-shot question, two baselines (bench/cold_dynamodb.py)")
    args = parser.parse_args()
    if args.dynamodb:
        import cold_dynamodb
        return cold_dynamodb.main(["--runs", str(args.cold_runs)] + (["--json", args.json] if args.json else []))
    if args.worker:
        return worker(args.worker, args.warm, args.envelopes)

    os.makedirs(os.path.join(ROOT, "build"), exist_ok=True)
    # Both skills start from compiled bytecode, as a Lambda package built by
    # msguide_tools/package_lambda.py does (Lambda's file system is read-only, so
    # bytecode that is not shipped is recompiled on every cold start).
    import compileall
    for folder in SKILLS.values():
        compileall.compile_dir(folder, quiet=1)
    conversations, files = {}, {}
    for kind in SKILLS:
        conversations[kind] = conversation(kind)
        files[kind] = os.path.join(ROOT, "build", "bench-envelopes-%s.json" % kind)
        with open(files[kind], "w", encoding="utf-8") as handle:
            json.dump(conversations[kind], handle)
    runs = {kind: [] for kind in SKILLS}
    for turn in range(args.cold_runs):
        for kind in rotated(turn):                # interleaved, each kind first in turn
            runs[kind].append(run_worker(kind, args.warm, files[kind]))
    rates, cpus = {kind: [] for kind in SKILLS}, {kind: [] for kind in SKILLS}
    for turn in range(args.http_rounds):
        for kind in rotated(turn):
            rate, cpu_ms = http_rate(kind, args.http_requests, conversations[kind])
            rates[kind].append(rate)
            if cpu_ms is not None:
                cpus[kind].append(cpu_ms)

    summary = {}
    for kind in SKILLS:
        warm = [t for run in runs[kind] for t in run["warm"]]
        summary[kind] = {
            "cold_ms": round(statistics.median(r["cold"] for r in runs[kind]) * 1000, 1),
            "warm_median_ms": round(statistics.median(warm) * 1000, 3),
            "warm_p95_ms": round(http_load.percentile(warm, 0.95) * 1000, 3),
            "peak_rss_mib": round(statistics.median(r["peak_kib"] for r in runs[kind]) / 1024, 1),
            "http_rps": round(statistics.median(rates[kind]), 1),
            "http_rps_rounds": [round(r, 1) for r in rates[kind]],
            "http_cpu_ms_per_request": round(statistics.median(cpus[kind]), 3) if cpus[kind] else None,
            "cold_ms_runs": [round(r["cold"] * 1000, 1) for r in runs[kind]],
            "cold_cpu_ms": round(statistics.median(r["cold_cpu"] for r in runs[kind]) * 1000, 1),
        }
    b = summary["baseline"]
    all_ratios, all_verdicts = {}, {}
    for kind in ("target", "target-no-memory"):
        t = summary[kind]
        ratios = {
            "cold": round(t["cold_ms"] / b["cold_ms"], 3),
            "cold_cpu": round(t["cold_cpu_ms"] / b["cold_cpu_ms"], 3),
            "warm": round(t["warm_median_ms"] / b["warm_median_ms"], 3),
            "warm_p95": round(t["warm_p95_ms"] / b["warm_p95_ms"], 3),
            "memory": round(t["peak_rss_mib"] / b["peak_rss_mib"], 3),
            "http": round(t["http_rps"] / b["http_rps"], 3),
            "http_cpu_per_request": (round(t["http_cpu_ms_per_request"] / b["http_cpu_ms_per_request"], 3)
                                     if t["http_cpu_ms_per_request"] and b["http_cpu_ms_per_request"] else None),
        }
        all_ratios[kind] = ratios
        all_verdicts[kind] = {
            "cold": ratios["cold"] <= TARGETS["cold"],
            "warm": ratios["warm"] <= TARGETS["warm"],
            "http": ratios["http"] >= TARGETS["http"],
        }
    result = {"date": time.strftime("%Y-%m-%d"), "machine": {
        "platform": platform.platform(), "python": platform.python_version(),
        "cpus": os.cpu_count()}, "settings": vars(args), "summary": summary,
        "ratios": all_ratios, "targets": TARGETS, "met": all_verdicts}
    print("%-17s %9s %12s %10s %9s %9s %13s" % ("", "cold ms", "warm med ms", "warm p95", "RSS MiB", "HTTP r/s",
                                                "HTTP CPU ms/r"))
    for kind in SKILLS:
        s = summary[kind]
        print("%-17s %9.1f %12.3f %10.3f %9.1f %9.1f %13s" % (
            kind, s["cold_ms"], s["warm_median_ms"], s["warm_p95_ms"], s["peak_rss_mib"], s["http_rps"],
            "%.3f" % s["http_cpu_ms_per_request"] if s["http_cpu_ms_per_request"] else "-"))
    for kind, ratios in all_ratios.items():
        verdict = all_verdicts[kind]
        print("%s/baseline: cold %.2f (<= %.2f %s; CPU time %.2f), warm %.2f (<= %.2f %s), "
              "warm p95 %.2f, memory %.2f, http %.2f (>= %.2f %s)" % (
                  kind, ratios["cold"], TARGETS["cold"], "ok" if verdict["cold"] else "MISSED", ratios["cold_cpu"],
                  ratios["warm"], TARGETS["warm"], "ok" if verdict["warm"] else "MISSED",
                  ratios["warm_p95"], ratios["memory"],
                  ratios["http"], TARGETS["http"], "ok" if verdict["http"] else "MISSED")
              + (", server CPU per HTTP request %.2f" % ratios["http_cpu_per_request"]
                 if ratios["http_cpu_per_request"] else ""))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(result, handle, indent=2)
        print("wrote", args.json)
    print("took %.0f s" % (time.perf_counter() - _STARTED))
    return 0


if __name__ == "__main__":
    sys.exit(main())
