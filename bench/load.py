"""Bounded load test: signed requests against the real server on 127.0.0.1.

    .venv/bin/python bench/load.py [--requests 2000] [--concurrency 16] [--half-open 150] [--json out.json]

Starts bench/signed_server.py (waitress with the settings of `python -m
msguide_web`, verification on, a local test CA), holds --half-open
connections that send their headers and part of a body and then stall (each
one the server closes is opened again, so the number held stays up), probes
`GET /health` four times a second, and meanwhile sends a realistic mix of
signed envelopes from N client threads over keep-alive connections. Prints
req/s, latency percentiles, errors, and the health probes' answers and
latency. Bounded by --requests and --max-seconds; only 127.0.0.1 is used.
"""

import argparse
import contextlib
import importlib.util
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading

import http_load  # bench/http_load.py, beside this file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _test_helper(name):
    """tests/<name>.py (the test CA, the envelope builder), loaded by path."""
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, "tests", name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


certs = _test_helper("certs")
alexa = _test_helper("alexa")
SKILL_ID, Session = alexa.SKILL_ID, alexa.Session

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


class HalfOpen:
    """Holds `count` connections that sent headers and part of a body, then stall."""

    HEAD = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{"

    def __init__(self, port, count):
        self.port, self.count = port, count
        self.sockets, self.opened, self.lowest = [], 0, None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def _open(self):
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        sock.sendall(self.HEAD)
        sock.setblocking(False)
        self.opened += 1
        return sock

    def _alive(self, sock):
        try:
            return sock.recv(1) != b""           # b"": the server closed it
        except BlockingIOError:
            return True
        except OSError:
            return False

    def _hold(self):
        while not self.stop.is_set():
            kept = [s for s in self.sockets if self._alive(s) or s.close()]
            while len(kept) < self.count and not self.stop.is_set():
                kept.append(self._open())
            self.sockets = kept
            self.lowest = len(kept) if self.lowest is None else min(self.lowest, len(kept))
            self.stop.wait(0.5)

    def __enter__(self):
        if self.count:
            self.sockets = [self._open() for _ in range(self.count)]
            self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        if self.thread.is_alive():
            self.thread.join(timeout=10)
        for sock in self.sockets:
            sock.close()


@contextlib.contextmanager
def signed_server(tree=None, threads=8):
    """bench/signed_server.py (of this checkout, or of `tree`) on a free port,
    trusting a fresh test CA: yields (port, the leaf's private key)."""
    authority = certs.Authority()
    key, leaf = authority.leaf()
    folder = tempfile.mkdtemp()
    root_pem = os.path.join(folder, "root.pem")
    chain_pem = os.path.join(folder, "chain.pem")
    from cryptography.hazmat.primitives import serialization
    open(root_pem, "wb").write(authority.root.public_bytes(serialization.Encoding.PEM))
    open(chain_pem, "wb").write(authority.chain_pem(leaf))
    port = http_load.free_port()
    home = os.path.abspath(tree) if tree else ROOT
    server = subprocess.Popen([sys.executable, os.path.join(home, "bench", "signed_server.py"),
                               "--port", str(port), "--root", root_pem, "--chain", chain_pem,
                               "--skill-id", SKILL_ID, "--threads", str(threads)],
                              cwd=home, env=http_load.checkout_env(tree))
    try:
        http_load.wait_for_port(port)
        yield port, key
    finally:
        server.terminate()
        server.wait(timeout=10)


def signed(key, envelope):
    """(body, headers) of an envelope signed as Alexa signs it."""
    body = json.dumps(envelope).encode()
    return body, {"Content-Type": "application/json", "Signature-256": certs.sign(key, body),
                  "SignatureCertChainUrl": certs.CHAIN_URL}


def run(requests, concurrency, max_seconds, half_open=150):
    with signed_server() as (port, key):
        items = [signed(key, envelope) for envelope in envelopes(requests)]
        with HalfOpen(port, half_open) as held, http_load.Probe(lambda: http_load.health(port), 0.25) as health:
            latencies, errors, wall = http_load.run(port, http_load.Requests(items, requests),
                                                    concurrency, max_seconds)
    return {
        "requests": len(latencies), "concurrency": concurrency, "errors": len(errors),
        "seconds": round(wall, 2), "requests_per_second": round(len(latencies) / wall, 1),
        "latency_ms": {"p50": round(statistics.median(latencies) * 1000, 1),
                       "p95": round(http_load.percentile(latencies, 0.95) * 1000, 1),
                       "p99": round(http_load.percentile(latencies, 0.99) * 1000, 1)},
        "first_errors": [e.decode("utf-8", "replace") for e in errors[:3]],
        "half_open": {"held": half_open, "lowest_held": held.lowest if half_open else 0,
                      "opened_in_all": held.opened},
        "health": health.summary(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument("--half-open", type=int, default=150,
                        help="stalled connections held during the run (default 150)")
    parser.add_argument("--json")
    args = parser.parse_args()
    result = run(args.requests, args.concurrency, args.max_seconds, args.half_open)
    print(json.dumps(result, indent=2))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(result, handle, indent=2)
    return 1 if result["errors"] or result["health"]["answered"] < result["health"]["sent"] else 0


if __name__ == "__main__":
    sys.exit(main())
