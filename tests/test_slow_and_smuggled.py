"""The endpoint against slow clients, smuggling and odd bytes, over real sockets.

Each test meets `python -m msguide_web` in a subprocess, the way scripts/serve
starts it, with a small connection limit and request timeout so the attack
runs in seconds (bench/trickle.py runs it at full size).
"""

import importlib.util
import json
import os
import socket
import sys
import time
import types
import urllib.request

import pytest

from alexa import Session, speech_text
from conftest import ROOT
from served import Served

LIMIT, DEADLINE = 20, 2


@pytest.fixture(scope="module")
def guarded():
    # A long channel timeout: only the request deadline can close a trickler.
    served = Served("--local-testing", "--connection-limit", str(LIMIT), "--channel-timeout", "30",
                    env={"MSGUIDE_REQUEST_TIMEOUT": str(DEADLINE)})
    yield served
    served.stop()


def exchange(port, data, seconds=8):
    """Send bytes on a fresh connection; read until the server closes it or
    `seconds` pass. Returns (everything read, whether the server closed)."""
    with socket.create_connection(("127.0.0.1", port), timeout=seconds) as sock:
        sock.sendall(data)
        reply, closed = b"", False
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            sock.settimeout(max(0.05, end - time.monotonic()))
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            reply += chunk
    return reply, closed


def json_reply(raw):
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split()[1])
    headers = dict(line.split(b": ", 1) for line in head.split(b"\r\n")[1:])
    return status, headers, json.loads(body)


def launch_bytes():
    body = json.dumps(Session().launch()).encode()
    head = (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body))
    return head, body


def _bench(name):
    """bench/<name>.py, loaded by path (its Attack is the attack bench/trickle.py runs)."""
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, "bench", name + ".py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


STARTS = {
    "headers": (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n", b"X"),
    "body": (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n{", b" "),
    "blank lines": (b"\r\n", b"\r\n"),
}


def Tricklers(port, count, kind):
    """`count` connections that send a byte every 0.4 s and never finish a request."""
    start, drip = STARTS[kind]
    _bench("http_load")                       # what bench/trickle.py imports beside it
    return _bench("trickle").Attack(port, count, 0.4, start=start, drip=drip)


def health_ok(url, timeout=5):
    """Answered at all (the timeout is generous: the machine is shared; a server
    that stopped accepting never answers)."""
    try:
        with urllib.request.urlopen(url + "health", timeout=timeout) as reply:
            return reply.status == 200
    except OSError:
        return False


# ------------------------------------------------------------------ 1. slow clients

def probe_health_while(attack, url, seconds):
    probes = []
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        probes.append(health_ok(url))
        attack.stop.wait(0.25)
    return probes


@pytest.mark.parametrize("kind", ["headers", "body"])
def test_more_tricklers_than_the_connection_limit_do_not_take_the_endpoint_down(guarded, kind):
    with Tricklers(guarded.port, LIMIT + 10, kind) as attack:
        probes = probe_health_while(attack, guarded.url, 2 * DEADLINE)
        head, body = launch_bytes()
        answered, _ = exchange(guarded.port, head + body, seconds=5)
    assert probes and all(probes), "/health answered %d of %d probes" % (sum(probes), len(probes))
    status, _, reply = json_reply(answered)
    assert status == 200 and "Welcome" in speech_text(reply)
    assert attack.lifetimes and max(attack.lifetimes) < DEADLINE + 4


@pytest.mark.parametrize("kind", sorted(STARTS))
def test_a_request_still_trickling_at_the_deadline_is_told_408_and_closed(guarded, kind):
    with Tricklers(guarded.port, 5, kind) as attack:
        probe_health_while(attack, guarded.url, DEADLINE + 2.5)
    assert len(attack.lifetimes) >= 5, attack.lifetimes
    assert all(DEADLINE - 0.5 < life < DEADLINE + 4 for life in attack.lifetimes), attack.lifetimes
    assert len(attack.replies) >= 5
    for raw in attack.replies:
        status, headers, reply = json_reply(raw)
        assert (status, reply) == (408, {"error": "request not complete in time", "status": 408})


def test_a_slow_request_that_arrives_within_the_deadline_is_answered(guarded):
    head, body = launch_bytes()
    with socket.create_connection(("127.0.0.1", guarded.port), timeout=10) as sock:
        pieces = [head[:20], head[20:], body[:50], body[50:]]
        for piece in pieces:
            sock.sendall(piece)
            time.sleep(DEADLINE / 10)          # pacing a slow client, not a timing check
        reply = b""
        while b"\r\n\r\n" not in reply or len(reply.partition(b"\r\n\r\n")[2]) < 20:
            reply += sock.recv(65536)
        status_line = reply.split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.1 200")


# ------------------------------------------------------------------ 9. request smuggling

@pytest.mark.parametrize("version", [b"1.1", b"1.0"])
def test_content_length_with_transfer_encoding_is_refused_and_the_connection_closed(guarded, version):
    smuggled = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    body = b"0\r\n\r\n" + smuggled
    head = (b"POST / HTTP/" + version + b"\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Connection: keep-alive\r\nContent-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n" % len(body))
    reply, closed = exchange(guarded.port, head + body, seconds=4)
    assert reply.count(b"HTTP/1.") == 1, reply          # the smuggled GET is never answered
    status, _, refusal = json_reply(reply)
    assert status == 400 and refusal["status"] == 400
    assert closed


# ------------------------------------------------------------------ 10. waitress's own refusals

SECRET = b"SeCrEt-token-4321"
REFUSED = {
    413: b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 500000000\r\n\r\n",
    431: b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + SECRET + b"x" * 70000 + b"\r\n\r\n",
    400: b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header " + SECRET + b"\r\n\r\n",
    501: b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: gzip\r\n\r\n",
}


@pytest.mark.parametrize("status", sorted(REFUSED))
def test_the_servers_own_refusals_are_the_documented_json_and_echo_nothing(guarded, status):
    reply, _ = exchange(guarded.port, REFUSED[status], seconds=4)
    got, headers, body = json_reply(reply)
    assert got == status
    assert headers[b"Content-Type"].startswith(b"application/json")
    assert set(body) == {"error", "status"} and body["status"] == status
    assert SECRET.lower() not in reply.lower()


# ------------------------------------------------------------------ 4. one send per response

class _Channel:
    """What a waitress task needs of its channel: the buffers it is handed, in order."""

    def __init__(self):
        self.handed = []
        self.server = types.SimpleNamespace(adj=types.SimpleNamespace(ident="msguide"))

    def write_soon(self, data):
        self.handed.append(bytes(data))


def _written(task_class, status, headers, pieces, version="1.1"):
    request = types.SimpleNamespace(version=version, headers={}, command="POST")
    channel = _Channel()
    task = task_class(channel, request)
    task.complete, task.status, task.response_headers = True, status, list(headers)
    for name, value in headers:
        if name.lower() == "content-length":
            task.content_length = int(value)
    for piece in pieces:
        task.write(piece)
    task.finish()
    return channel.handed, task


@pytest.mark.parametrize("status, headers, pieces, version, sends", [
    ("200 OK", [("Content-Type", "application/json"), ("Content-Length", "11")], [b'{"a": "bc"}'], "1.1", 1),
    ("200 OK", [("Content-Length", "11")], [b'{"a": "bc"}'], "1.0", 1),
    ("200 OK", [("Content-Length", "6")], [b"abc", b"def"], "1.1", 2),
    ("200 OK", [("Content-Length", "3")], [b"abcdef"], "1.1", 2),            # too long: waitress trims it
    ("200 OK", [("Content-Type", "text/plain")], [b"abc", b"def"], "1.1", 4),  # chunked, as waitress
    ("204 No Content", [], [b""], "1.1", 1),
])
def test_a_response_is_the_same_bytes_as_waitress_sends_with_its_head_in_the_first_send(
        status, headers, pieces, version, sends):
    from waitress.task import WSGITask

    from msguide_web.server import OneSendTask
    theirs, their_task = _written(WSGITask, status, headers, pieces, version)
    ours, our_task = _written(OneSendTask, status, headers, pieces, version)
    assert b"".join(ours) == b"".join(theirs)
    assert len(ours) == sends
    assert (our_task.content_bytes_written, our_task.close_on_finish, our_task.chunked_response) == (
        their_task.content_bytes_written, their_task.close_on_finish, their_task.chunked_response)
