"""The slow-client (trickle) attack against the real server on 127.0.0.1.

    .venv/bin/python bench/trickle.py [--connections 905] [--seconds 40] [--drip 2.5]
                                      [--baseline DIR] [--rounds 1] [--json out.json]

Starts `python -m msguide_web --local-testing` with its defaults (900
connections, 10 s channel and request timeouts) and opens --connections
sockets that each send the start of a request (headers declaring a 100,000-byte
body, then "{") and one more byte every --drip seconds, never finishing; each
one the server closes is opened again at once, as an attacker would. Meanwhile
`GET /health` is probed twice a second and a LaunchRequest is sent once a
second (2 s timeout each). Prints, per run: probes and requests answered, their
latency, how many attack sockets the server closed and what it said to them.

--baseline DIR runs the same attack against the server of another checkout
(`git worktree add /tmp/base main`), alternating with this one for --rounds.
Bounded by --seconds; only 127.0.0.1 is used.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import http_load  # bench/http_load.py, beside this file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
START = b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"


class Attack:
    """`count` sockets that each send `start`, then `drip` every `every` seconds,
    never finishing a request; each one the server closes is opened again at
    once. Records what the server told them and how long each lived from its
    first byte (tests/test_slow_and_smuggled.py uses it too, at a small size)."""

    def __init__(self, port, count, every, start=START, drip=b" "):
        self.port, self.count, self.every = port, count, every
        self.start, self.drip = start, drip
        self.sockets = {}                       # socket -> [when it sends next, when START went]
        self.opened = self.closed = self.bytes_sent = 0
        self.told, self.replies, self.lifetimes = {}, [], []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _open(self):
        sock = socket.socket()
        sock.setblocking(False)
        sock.connect_ex(("127.0.0.1", self.port))   # accepted, or waiting in the backlog
        self.sockets[sock] = [0, None]
        self.opened += 1

    def _send(self, sock, state, now):
        try:
            self.bytes_sent += sock.send(self.drip if state[1] is not None else self.start)
            if state[1] is None:
                state[1] = now
        except OSError:                         # not connected yet, or buffers full
            pass
        state[0] = now + self.every

    def _gone(self, sock):
        try:
            data = sock.recv(4096)
        except BlockingIOError:
            return False
        except OSError:
            return True
        if data:
            self.replies.append(data)
            line = data.split(b"\r\n", 1)[0].decode("latin-1")[:40]
            self.told[line] = self.told.get(line, 0) + 1
            return False
        return True

    def _run(self):
        while not self.stop.is_set():
            now = time.monotonic()
            for sock, state in list(self.sockets.items()):
                if state[1] is not None and self._gone(sock):
                    del self.sockets[sock]
                    sock.close()
                    self.closed += 1
                    self.lifetimes.append(time.monotonic() - state[1])
                elif state[0] <= now:
                    self._send(sock, state, now)
            while len(self.sockets) < self.count:
                self._open()
            self.stop.wait(0.1)

    def __enter__(self):
        for _ in range(self.count):
            self._open()
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=10)
        for sock in self.sockets:
            sock.close()


def launch(port):
    from msguide_sim.envelopes import SimulatedUser
    body = json.dumps(SimulatedUser().launch()).encode()
    request = urllib.request.Request("http://127.0.0.1:%d/" % port, data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=2) as reply:
        return reply.status == 200 and b"outputSpeech" in reply.read()


def run(tree, connections, seconds, drip):
    port = http_load.free_port()
    env = {k: v for k, v in http_load.checkout_env(tree).items() if not k.startswith("MSGUIDE_")}
    env.update(MSGUIDE_PERSISTENCE="none")
    server = subprocess.Popen([sys.executable, "-m", "msguide_web", "--local-testing", "--port", str(port)],
                              cwd=tree or ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        http_load.wait_for_port(port)
        for _ in range(3):                       # warm: the first answer loads the content
            launch(port)
        with Attack(port, connections, drip) as attack:
            attack.stop.wait(1)                  # the attack takes its sockets first
            probes = [http_load.Probe(lambda: http_load.health(port), 0.5),
                      http_load.Probe(lambda: launch(port), 1.0)]
            for probe in probes:
                probe.thread.start()
            attack.stop.wait(seconds)
            for probe in probes:
                probe.stop.set()
            for probe in probes:
                probe.thread.join(timeout=5)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {"server": os.path.abspath(tree) if tree else "this checkout", "connections": connections,
            "drip_seconds": drip, "seconds": seconds,
            "attack_bytes_per_second": round(attack.bytes_sent / (seconds + 1), 1),
            "attack_sockets_opened": attack.opened, "attack_sockets_closed_by_server": attack.closed,
            "server_told_attack": attack.told,
            "health": probes[0].summary(), "launch": probes[1].summary()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=905)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--drip", type=float, default=2.5, help="seconds between an attack socket's bytes")
    parser.add_argument("--baseline", metavar="DIR", help="another checkout to attack too, alternating")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--json")
    args = parser.parse_args()
    results = []
    for _ in range(args.rounds):
        for tree in ([args.baseline] if args.baseline else []) + [None]:
            result = run(tree, args.connections, args.seconds, args.drip)
            print(json.dumps(result), flush=True)
            results.append(result)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"date": time.strftime("%Y-%m-%d"), "runs": results}, handle, indent=2)
    mine = [r for r in results if r["server"] == "this checkout"]
    return 0 if all(r["health"]["answered"] == r["health"]["sent"] for r in mine) else 1


if __name__ == "__main__":
    sys.exit(main())
