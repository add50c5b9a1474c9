"""The HTTP client side shared by bench/load.py, benchmark.py, trickle.py and unsigned.py.

N threads, each with a keep-alive connection to 127.0.0.1, send a bounded
number of requests (and stop at a deadline), recording latency and failures.
"""

import http.client
import os
import socket
import statistics
import threading
import time
import urllib.request


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, seconds=30):
    deadline = time.time() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.time() > deadline:
                raise SystemExit("server on port %d did not start" % port) from None
            time.sleep(0.1)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def good_answer(status, data):
    """A 200 with speech that is not the skill's error apology."""
    return status == 200 and b"outputSpeech" in data and b"went wrong" not in data


def run(port, requests, concurrency, max_seconds=300, check=good_answer):
    """Send `requests` POSTs, each built by requests(index) -> (body, headers);
    check(status, body) says whether an answer counts as good.

    Returns (latencies in seconds, failures as short byte strings, wall seconds).
    """
    count = requests.count
    cursor, lock = iter(range(count)), threading.Lock()
    latencies, failures = [], []
    stop_at = time.time() + max_seconds

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.time() < stop_at:
            with lock:
                index = next(cursor, None)
            if index is None:
                return
            body, headers = requests(index)
            started = time.perf_counter()
            try:
                conn.request("POST", "/", body=body, headers=headers)
                reply = conn.getresponse()
                data = reply.read()
                ok = check(reply.status, data)
            except OSError as exc:
                ok, data = False, str(exc).encode()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if not ok:
                    failures.append(data[:200])

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, failures, time.perf_counter() - began


class Requests:
    """A fixed list of (body, headers), cycled over `count` requests."""

    def __init__(self, items, count):
        self.items, self.count = items, count

    def __call__(self, index):
        return self.items[index % len(self.items)]


def checkout_env(tree, base=None):
    """Environment to run the project's modules from another checkout `tree`
    (e.g. `git worktree add /tmp/base main`, the baseline), or this one if None."""
    env = dict(os.environ if base is None else base)
    if tree:
        tree = os.path.abspath(tree)
        env["PYTHONPATH"] = os.pathsep.join([tree, os.path.join(tree, "lambda")])
    return env


class Probe:
    """Every `every` seconds, one call of `send()` with a 2 s timeout: answered or not, how fast."""

    def __init__(self, send, every):
        self.send, self.every = send, every
        self.latencies, self.failures = [], 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self.stop.is_set():
            started = time.perf_counter()
            try:
                ok = self.send()
            except OSError:
                ok = False
            if ok:
                self.latencies.append(time.perf_counter() - started)
            else:
                self.failures += 1
            self.stop.wait(max(0.0, self.every - (time.perf_counter() - started)))

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=5)

    def summary(self):
        answered = len(self.latencies)
        return {"sent": answered + self.failures, "answered": answered,
                "p50_ms": round(statistics.median(self.latencies) * 1000, 1) if answered else None,
                "max_ms": round(max(self.latencies) * 1000, 1) if answered else None}


def health(port, timeout=2):
    with urllib.request.urlopen("http://127.0.0.1:%d/health" % port, timeout=timeout) as reply:
        reply.read()
        return reply.status == 200
