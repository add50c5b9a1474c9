"""Bounded load test: signed requests against the real server on 127.0.0.1.

    .venv/bin/python bench/load.py [--requests 2000] [--concurrency 16] [--json out.json]

Starts bench/signed_server.py (waitress, verification on, a local test CA),
sends a realistic mix of signed envelopes from N client threads over
keep-alive connections, and prints req/s, latency percentiles and errors.
The loop is bounded by --requests and --max-seconds, and only 127.0.0.1 is used.
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, "tests")]

import certs  # noqa: E402  (test CA helpers)
from alexa import SKILL_ID, Session  # noqa: E402

PHRASES = [
    ("SymptomIntent", {"symptom": ("fatigue", "fatigue")}),
    ("HeatIntent", {"heat": ("hot tub", "hot tub")}),
    ("ConditionIntent", {"condition": ("relapse", "relapse")}),
    ("SearchIntent", {"query": "my legs are so stiff would massage help"}),
    ("FindTherapistIntent", {}),
    ("AMAZON.HelpIntent", {}),
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def envelopes(count):
    result = []
    for i in range(count):
        session = Session(skill_id=SKILL_ID)
        if i % len(PHRASES) == 0:
            result.append(session.launch())
        else:
            name, slots = PHRASES[i % len(PHRASES)]
            result.append(session.intent(name, **slots))
    return result


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def run(requests, concurrency, max_seconds):
    authority = certs.Authority()
    key, leaf = authority.leaf()
    folder = tempfile.mkdtemp()
    root_pem = os.path.join(folder, "root.pem")
    chain_pem = os.path.join(folder, "chain.pem")
    from cryptography.hazmat.primitives import serialization
    open(root_pem, "wb").write(authority.root.public_bytes(serialization.Encoding.PEM))
    open(chain_pem, "wb").write(authority.chain_pem(leaf))
    port = free_port()
    server = subprocess.Popen([sys.executable, os.path.join(ROOT, "bench", "signed_server.py"),
                               "--port", str(port), "--root", root_pem, "--chain", chain_pem,
                               "--skill-id", SKILL_ID], cwd=ROOT)
    try:
        deadline = time.time() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise SystemExit("server did not start")
                time.sleep(0.1)
        bodies = [json.dumps(e).encode() for e in envelopes(requests)]
        signed = [(b, certs.sign(key, b)) for b in bodies]
        latencies, errors, lock = [], [], threading.Lock()
        cursor = iter(range(requests))
        stop_at = time.time() + max_seconds

        def worker():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            while time.time() < stop_at:
                with lock:
                    index = next(cursor, None)
                if index is None:
                    break
                body, signature = signed[index]
                started = time.perf_counter()
                try:
                    conn.request("POST", "/", body=body, headers={
                        "Content-Type": "application/json", "Signature-256": signature,
                        "SignatureCertChainUrl": certs.CHAIN_URL})
                    reply = conn.getresponse()
                    data = reply.read()
                    ok = (reply.status == 200 and b"outputSpeech" in data
                          and b"went wrong" not in data)
                except OSError as exc:
                    ok, data = False, str(exc).encode()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if not ok:
                        errors.append(data[:200])

        threads = [threading.Thread(target=worker) for _ in range(concurrency)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {
        "requests": len(latencies), "concurrency": concurrency, "errors": len(errors),
        "seconds": round(wall, 2), "requests_per_second": round(len(latencies) / wall, 1),
        "latency_ms": {"p50": round(statistics.median(latencies) * 1000, 1),
                       "p95": round(percentile(latencies, 0.95) * 1000, 1),
                       "p99": round(percentile(latencies, 0.99) * 1000, 1)},
        "first_errors": [e.decode("utf-8", "replace") for e in errors[:3]],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument("--json")
    args = parser.parse_args()
    result = run(args.requests, args.concurrency, args.max_seconds)
    print(json.dumps(result, indent=2))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(result, handle, indent=2)
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
