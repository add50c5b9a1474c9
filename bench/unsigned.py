"""What unsigned junk costs the endpoint (verification on), against a baseline checkout.

    .venv/bin/python bench/unsigned.py [--baseline DIR] [--rounds 3] [--requests 200]
                                       [--junk-threads 4] [--json out.json]

Against bench/signed_server.py (the server and settings of `python -m
msguide_web`, verification on, a local test CA):
  refuse_large  ms to refuse an unsigned 176 KB envelope (no signature headers)
  refuse_small  ms to refuse an unsigned 1 KB envelope
  signed_alone  ms per signed request, one client, nothing else running
  signed_junk   ms per signed request while --junk-threads clients stream the
                176 KB junk as fast as they are answered
(medians and p95 over --requests each). --baseline DIR (e.g. `git worktree add
/tmp/base main`) runs the same against another checkout, alternating rounds.
Only 127.0.0.1 is used; every loop is bounded by --requests.
"""

import argparse
import http.client
import json
import statistics
import sys
import threading
import time

import http_load  # bench/http_load.py, beside this file
import load  # bench/load.py: the signed server and the test CA

LARGE_BYTES = 176 * 1024


def unsigned(size):
    envelope = load.Session(skill_id=load.SKILL_ID).launch()
    envelope["padding"] = []
    body = json.dumps(envelope).encode()
    while len(body) < size:
        envelope["padding"].extend({"k": i, "v": [i, str(i)]} for i in range(200))
        body = json.dumps(envelope).encode()
    return body, {"Content-Type": "application/json"}


def timed(port, items, count):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    times = []
    for index in range(count):
        body, headers = items[index % len(items)]
        started = time.perf_counter()
        conn.request("POST", "/", body=body, headers=headers)
        reply = conn.getresponse()
        reply.read()
        times.append(time.perf_counter() - started)
        if reply.getheader("Connection", "").lower() == "close":
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    return {"p50_ms": round(statistics.median(times) * 1000, 2),
            "p95_ms": round(http_load.percentile(times, 0.95) * 1000, 2)}


def run(tree, requests, junk_threads):
    large, small = unsigned(LARGE_BYTES), unsigned(1024)
    with load.signed_server(tree) as (port, key):
        items = [load.signed(key, e) for e in load.envelopes(60)]
        timed(port, items, 30)                         # warm: content, certificate, first answers
        result = {"server": tree or "this checkout",
                  "refuse_large": timed(port, [large], requests),
                  "refuse_small": timed(port, [small], requests),
                  "signed_alone": timed(port, items, requests)}
        stop = threading.Event()

        def junk():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            for _ in range(requests * 20):
                if stop.is_set():
                    return
                try:
                    conn.request("POST", "/", body=large[0], headers=large[1])
                    conn.getresponse().read()
                except OSError:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        streams = [threading.Thread(target=junk, daemon=True) for _ in range(junk_threads)]
        for stream in streams:
            stream.start()
        result["signed_junk"] = timed(port, items, requests)
        stop.set()
        for stream in streams:
            stream.join(timeout=30)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", metavar="DIR")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--junk-threads", type=int, default=4)
    parser.add_argument("--json")
    args = parser.parse_args()
    runs = []
    for _ in range(args.rounds):
        for tree in ([args.baseline] if args.baseline else []) + [None]:
            runs.append(run(tree, args.requests, args.junk_threads))
            print(json.dumps(runs[-1]), flush=True)
    summary = {}
    for name in sorted({r["server"] for r in runs}):
        mine = [r for r in runs if r["server"] == name]
        summary[name] = {key: round(statistics.median(r[key]["p50_ms"] for r in mine), 2)
                         for key in ("refuse_large", "refuse_small", "signed_alone", "signed_junk")}
        summary[name]["signed_junk_p95"] = round(statistics.median(r["signed_junk"]["p95_ms"] for r in mine), 2)
    print(json.dumps(summary, indent=2))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"date": time.strftime("%Y-%m-%d"), "large_bytes": LARGE_BYTES,
                       "summary": summary, "runs": runs}, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
