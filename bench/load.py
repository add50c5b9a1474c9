"""Bounded load test: signed requests against the real server on 127.0.0.1.

    .venv/bin/python bench/load.py [--requests 2000] [--concurrency 16] [--json out.json]

Starts bench/signed_server.py (waitress, verification on, a local test CA),
sends a realistic mix of signed envelopes from N client threads over
keep-alive connections, and prints req/s, latency percentiles and errors.
The loop is bounded by --requests and --max-seconds, and only 127.0.0.1 is used.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, "tests"), os.path.dirname(os.path.abspath(__file__))]

import certs  # noqa: E402  (test CA helpers)
import http_load  # noqa: E402
from alexa import SKILL_ID, Session  # noqa: E402

PHRASES = [
    ("SymptomIntent", {"symptom": ("fatigue", "fatigue")}),
    ("HeatIntent", {"heat": ("hot tub", "hot tub")}),
    ("ConditionIntent", {"condition": ("relapse", "relapse")}),
    ("SearchIntent", {"query": "my legs are so stiff would massage help"}),
    ("FindTherapistIntent", {}),
    ("AMAZON.HelpIntent", {}),
]


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


def run(requests, concurrency, max_seconds):
    authority = certs.Authority()
    key, leaf = authority.leaf()
    folder = tempfile.mkdtemp()
    root_pem = os.path.join(folder, "root.pem")
    chain_pem = os.path.join(folder, "chain.pem")
    from cryptography.hazmat.primitives import serialization
    open(root_pem, "wb").write(authority.root.public_bytes(serialization.Encoding.PEM))
    open(chain_pem, "wb").write(authority.chain_pem(leaf))
    port = http_load.free_port()
    server = subprocess.Popen([sys.executable, os.path.join(ROOT, "bench", "signed_server.py"),
                               "--port", str(port), "--root", root_pem, "--chain", chain_pem,
                               "--skill-id", SKILL_ID], cwd=ROOT)
    try:
        http_load.wait_for_port(port)
        items = []
        for envelope in envelopes(requests):
            body = json.dumps(envelope).encode()
            items.append((body, {"Content-Type": "application/json", "Signature-256": certs.sign(key, body),
                                 "SignatureCertChainUrl": certs.CHAIN_URL}))
        latencies, errors, wall = http_load.run(port, http_load.Requests(items, requests),
                                                concurrency, max_seconds)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {
        "requests": len(latencies), "concurrency": concurrency, "errors": len(errors),
        "seconds": round(wall, 2), "requests_per_second": round(len(latencies) / wall, 1),
        "latency_ms": {"p50": round(statistics.median(latencies) * 1000, 1),
                       "p95": round(http_load.percentile(latencies, 0.95) * 1000, 1),
                       "p99": round(http_load.percentile(latencies, 0.99) * 1000, 1)},
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
