"""The endpoint under hostile or odd input, started the way the README starts it.

Each test here stands for one numbered item of the hardening issue: limits
refused before reading, half-open connections, start-up refusals, deep JSON,
the certificate cache, record-mode redaction, and every request type Alexa can
send (out of session, without context, session ends with odd locales).
"""

import copy
import datetime
import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

import certs
from alexa import SKILL_ID, Session, speech_text
from conftest import ROOT, free_port
from served import CLEAN_ENV, Served


@pytest.fixture(scope="module")
def server():
    served = Served("--local-testing", "--channel-timeout", "3")
    yield served
    served.stop()


def raw_request(port, head, body=b"", timeout=10):
    """Send bytes on a fresh connection; return the status line's code (or None on close)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head + body)
        reply = b""
        try:
            while b"\r\n" not in reply:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                reply += chunk
        except socket.timeout:
            return None
    return int(reply.split()[1]) if reply.startswith(b"HTTP/") else None


def post_json(url, body):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def health_seconds(url):
    started = time.perf_counter()
    with urllib.request.urlopen(url + "health", timeout=5) as reply:
        assert reply.status == 200
    return time.perf_counter() - started


# ------------------------------------------------------------------ 1. limits before reading

def test_a_huge_declared_body_is_refused_at_once_without_sending_it(server):
    head = (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 500000000\r\n\r\n")
    started = time.perf_counter()
    assert raw_request(server.port, head, timeout=5) == 413
    assert time.perf_counter() - started < 5


def test_a_chunked_upload_past_the_limit_is_refused(server):
    head = (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")
    chunk = b"x" * 65536
    body = (b"%x\r\n" % len(chunk) + chunk + b"\r\n") * 5 + b"0\r\n\r\n"
    assert raw_request(server.port, head, body) == 413


def test_the_flask_limit_stands_behind_the_server_limit():
    from msguide_web.app import create_app
    client = create_app(verify=False, max_body=1024).test_client()
    assert client.post("/", data=b"{" + b" " * 2048 + b"}").status_code == 413


# ------------------------------------------------------------------ 2. half-open connections

def test_health_and_answers_keep_coming_while_150_connections_hang(server):
    held = []
    try:
        for _ in range(150):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            sock.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{")
            held.append(sock)
        for _ in range(5):
            assert health_seconds(server.url) < 2
        status, body = post_json(server.url, Session().launch())
        assert status == 200 and "Welcome" in speech_text(body)
    finally:
        for sock in held:
            sock.close()


def test_a_stalled_connection_is_closed_after_the_channel_timeout(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\n{")
        started = time.perf_counter()
        leftover = sock.recv(4096)          # blocks until the server closes the connection
        assert time.perf_counter() - started < 15
        assert not leftover.startswith(b"HTTP/1.1 200")


def test_the_server_settings_are_deliberate():
    from msguide_web.__main__ import parse_args, server_settings
    settings = server_settings(parse_args(["--local-testing"], environ={}))
    assert settings["max_request_body_size"] == 256 * 1024
    assert 500 <= settings["connection_limit"] <= 900 and not settings["asyncore_use_poll"]
    with pytest.raises(SystemExit):       # select() cannot watch descriptors past 1023
        parse_args(["--local-testing", "--connection-limit", "2000"], environ={})
    assert settings["channel_timeout"] <= 30 and settings["threads"] >= 4


# ------------------------------------------------------------------ 3. skill id required

def run_main(*args, env=None):
    return subprocess.run([sys.executable, "-m", "msguide_web", "--port", str(free_port())] + list(args),
                          cwd=ROOT, env=dict(CLEAN_ENV, **(env or {})), capture_output=True,
                          text=True, timeout=60)


def test_verification_without_a_skill_id_refuses_to_start_naming_the_setting():
    result = run_main()
    assert result.returncode != 0
    assert "MSGUIDE_SKILL_ID" in result.stderr and "--any-skill" in result.stderr


def test_any_skill_must_be_said_and_then_warns_on_start():
    served = Served(env={"MSGUIDE_ANY_SKILL": "1"})
    status, body = post_json(served.url, Session().launch())      # unsigned: still refused
    log = served.stop()
    assert status == 400 and "verification" in body["error"]
    assert "ANY SKILL ID ACCEPTED" in log


def test_create_app_refuses_the_same_configuration():
    from msguide_web.app import ConfigurationError, create_app
    with pytest.raises(ConfigurationError, match="MSGUIDE_SKILL_ID"):
        create_app(verify=True)


def test_a_skill_id_with_verification_starts_and_says_which():
    served = Served("--skill-id", SKILL_ID)
    log = served.stop()
    assert "verification on, skill id %s" % SKILL_ID in log


@pytest.mark.parametrize("args", [["--local-testing"], ["--skill-id", SKILL_ID]], ids=["local", "verified"])
def test_a_busy_port_is_one_line_naming_the_port_option_not_a_traceback(args):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "msguide_web", "--port", str(port)] + args,
                                cwd=ROOT, env=CLEAN_ENV, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "--port" in lines[0] and str(port) in lines[0] and "in use" in lines[0]
    assert "serving on" not in result.stderr.lower()


# ------------------------------------------------------------------ 4. deep JSON

@pytest.mark.parametrize("body", [b"[" * 100000, b"{\"a\":" * 50000,
                                  json.dumps({"request": {"type": "LaunchRequest"},
                                              "x": json.loads("[" * 500 + "]" * 500)}).encode()])
def test_deeply_nested_json_is_a_400_like_any_bad_json(server, body):
    status, reply = post_json(server.url, body)
    assert status == 400 and reply["status"] == 400


@pytest.mark.parametrize("extra, status", [("wide", 200), ("at the limit", 200), ("one past it", 400)])
def test_nesting_up_to_the_limit_is_answered_however_many_brackets(server, extra, status):
    from msguide.envelope import MAX_DEPTH
    event = Session().launch()
    levels = {"at the limit": MAX_DEPTH - 2, "one past it": MAX_DEPTH - 1}.get(extra)
    # the envelope and its context are two levels; "x" adds its own
    event["context"]["x"] = [[] for _ in range(200)] if levels is None else json.loads("[" * levels + "]" * levels)
    got, reply = post_json(server.url, json.dumps(event).encode())
    assert got == status, reply


def test_deeply_nested_events_get_an_apology_from_lambda(handler):
    deep = []
    for _ in range(100000):
        deep = [deep]
    event = Session().launch()
    event["context"]["x"] = deep
    assert "didn't make sense" in speech_text(handler(event, None))


# ------------------------------------------------------------------ 5. local testing is loopback only

@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10"])
def test_local_testing_refuses_a_public_host(host):
    result = run_main("--local-testing", "--host", host)
    assert result.returncode != 0 and "loopback" in result.stderr


# ------------------------------------------------------------------ 6. certificate cache

def _verifier(authority, fetched, clock):
    from msguide_web.verifier import AlexaSignatureVerifier
    key, cert = authority.leaf()

    def fetcher(url):
        fetched.append(url)
        return authority.chain_pem(cert)
    return AlexaSignatureVerifier(trust_store=authority.store(), fetcher=fetcher, clock=clock), key


def _signed(key):
    body = json.dumps(Session().launch())
    return body, certs.sign(key, body.encode())


def test_equivalent_urls_share_one_cached_chain():
    authority, fetched = certs.Authority(), []
    verifier, key = _verifier(authority, fetched, lambda: certs.NOW)
    body, signature = _signed(key)
    for url in (certs.CHAIN_URL, certs.CHAIN_URL.replace("s3.amazonaws.com", "S3.AmazonAWS.com:443"),
                certs.CHAIN_URL.replace("/echo.api/", "/echo.api/../echo.api/"),
                certs.CHAIN_URL.replace("cert", "%63ert")):
        verifier.verify({"SignatureCertChainUrl": url, "Signature-256": signature}, body, None)
    assert len(fetched) == 1


def test_the_cache_is_bounded_and_drops_the_least_recently_used():
    from msguide_web.verifier import CACHE_SIZE
    authority, fetched = certs.Authority(), []
    verifier, key = _verifier(authority, fetched, lambda: certs.NOW)
    body, signature = _signed(key)
    urls = ["https://s3.amazonaws.com/echo.api/cert-%d.pem" % i for i in range(CACHE_SIZE + 10)]
    for url in urls:
        verifier.verify({"SignatureCertChainUrl": url, "Signature-256": signature}, body, None)
    assert len(verifier._cache) == CACHE_SIZE
    verifier.verify({"SignatureCertChainUrl": urls[-1], "Signature-256": signature}, body, None)
    assert len(fetched) == len(urls)             # the newest is still cached
    verifier.verify({"SignatureCertChainUrl": urls[0], "Signature-256": signature}, body, None)
    assert len(fetched) == len(urls) + 1         # the oldest was dropped and is fetched again


def test_a_cached_chain_is_not_trusted_once_its_intermediate_expires():
    from ask_sdk_webservice_support.verifier import VerificationException
    mid_expires = certs.NOW + datetime.timedelta(days=2)
    authority, fetched = certs.Authority(mid_not_after=mid_expires), []
    now = [certs.NOW]
    verifier, key = _verifier(authority, fetched, lambda: now[0])
    body, signature = _signed(key)
    headers = {"SignatureCertChainUrl": certs.CHAIN_URL, "Signature-256": signature}
    verifier.verify(headers, body, None)
    now[0] = mid_expires + datetime.timedelta(hours=1)   # the leaf (30 days) is still valid
    with pytest.raises(VerificationException, match="certificate"):
        verifier.verify(headers, body, None)
    assert len(fetched) == 2


def test_a_failed_chain_is_refused_without_a_fetch_for_a_while_then_fetched_again():
    from ask_sdk_webservice_support.verifier import VerificationException

    from msguide_web.verifier import FAILURE_SECONDS, AlexaSignatureVerifier
    authority, fetched, now = certs.Authority(), [], [certs.NOW]

    def fetcher(url):
        fetched.append(url)
        return b"not a certificate"
    verifier = AlexaSignatureVerifier(trust_store=authority.store(), fetcher=fetcher, clock=lambda: now[0])
    body, signature = _signed(certs._key())
    headers = {"SignatureCertChainUrl": certs.CHAIN_URL, "Signature-256": signature}
    for seconds in (0, 1, FAILURE_SECONDS - 1):
        now[0] = certs.NOW + datetime.timedelta(seconds=seconds)
        with pytest.raises(VerificationException, match="certificate chain"):
            verifier.verify(headers, body, None)
    assert len(fetched) == 1
    now[0] = certs.NOW + datetime.timedelta(seconds=FAILURE_SECONDS + 1)
    with pytest.raises(VerificationException, match="certificate chain"):
        verifier.verify(headers, body, None)
    assert len(fetched) == 2


# ------------------------------------------------------------------ 7. record mode redaction

def test_recording_redacts_every_identifier_the_envelope_defines(live_server, tmp_path):
    from msguide_web.app import create_app
    server = live_server(create_app(verify=False, record_dir=str(tmp_path)))
    session = Session()
    envelope = session.launch()
    system = envelope["context"]["System"]
    secrets = {"ADVERTISING-1234", "UNIT-5678", "PUNIT-9012", "PERSON-3456", "ENDPOINT-7890",
               "47.6205", "-122.3493", "consent-abc", session.session_id, session.user_id,
               session.device_id}
    system["unit"] = {"unitId": "UNIT-5678", "persistentUnitId": "PUNIT-9012"}
    system["person"] = {"personId": "PERSON-3456", "accessToken": "person-token"}
    system["device"]["persistentEndpointId"] = "ENDPOINT-7890"
    system["user"]["permissions"] = {"consentToken": "consent-abc"}
    envelope["context"]["Advertising"] = {"advertisingId": "ADVERTISING-1234", "limitAdTracking": False}
    envelope["context"]["Geolocation"] = {"coordinate": {"latitudeInDegrees": 47.6205,
                                                         "longitudeInDegrees": -122.3493}}
    status, _ = post_json(server.url, envelope)
    assert status == 200
    (recorded,) = list(tmp_path.iterdir())
    text = recorded.read_text()
    for secret in secrets | {"person-token"}:
        assert secret not in text, secret
    assert json.loads(text)["request"]["context"]["Advertising"]["limitAdTracking"] is False


# ------------------------------------------------------------------ 8-10. every request Alexa sends

def out_of_session_event(request_type, **body):
    session = Session()
    event = session.envelope(session.request(request_type, **body))
    del event["session"]
    return event


EVENTS = [
    ("AlexaSkillEvent.SkillPermissionAccepted",
     {"body": {"acceptedPermissions": [{"scope": "alexa::alerts:reminders:skill:readwrite"}]}}),
    ("AlexaSkillEvent.SkillPermissionChanged", {"body": {"acceptedPermissions": []}}),
    ("AlexaSkillEvent.SkillEnabled", {}),
    ("AlexaSkillEvent.SkillAccountLinked", {"body": {"accessToken": "t"}}),
    ("Reminders.ReminderCreated", {"body": {"alertToken": "a1"}}),
    ("Reminders.ReminderStarted", {"body": {"alertToken": "a1"}}),
    ("Reminders.ReminderStatusChanged", {"body": {"alertToken": "a1", "status": "COMPLETED"}}),
    ("Reminders.ReminderDeleted", {"body": {"alertTokens": ["a1"]}}),
    ("Messaging.MessageReceived", {"message": {"x": 1}}),
]


@pytest.mark.parametrize("request_type,body", EVENTS, ids=[e[0] for e in EVENTS])
def test_out_of_session_events_get_an_empty_response(handler, server, request_type, body):
    event = out_of_session_event(request_type, **body)
    for response in (handler(copy.deepcopy(event), None), post_json(server.url, event)[1]):
        assert response["response"] == {}, response


def test_an_out_of_session_question_is_still_answered(handler):
    event = Session().intent("HeatIntent", heat=("hot tub", "hot tub"))
    del event["session"]
    response = handler(event, None)
    assert "heat" in speech_text(response).lower() and "sessionAttributes" not in response


def test_an_envelope_without_context_is_answered_not_crashed(handler, server):
    event = Session().intent("HeatIntent", heat=("hot tub", "hot tub"))
    del event["context"]
    for response in (handler(copy.deepcopy(event), None), post_json(server.url, event)[1]):
        assert "heat" in speech_text(response).lower()


@pytest.mark.parametrize("locale", ["", "xx", "en-NZ", None, 42, "e" * 5000])
@pytest.mark.parametrize("damage", ["none", "no session", "no context", "bad reason", "bad error"])
def test_a_session_end_always_gets_an_empty_response(handler, locale, damage):
    event = Session().session_ended()
    event["request"]["locale"] = locale
    if damage == "no session":
        del event["session"]
    elif damage == "no context":
        del event["context"]
    elif damage == "bad reason":
        event["request"]["reason"] = ["not", "a", "reason"]
    elif damage == "bad error":
        event["request"].update(reason="ERROR", error={"type": 7, "message": {"x": None}})
    response = handler(event, None)
    assert response["response"] == {}, response


def test_the_readme_curl_example_gets_an_answer(server):
    import shutil as _shutil
    if not _shutil.which("curl"):
        pytest.skip("curl is not installed on this machine")
    result = subprocess.run(["curl", "-s", server.url, "-H", "Content-Type: application/json",
                             "--data", "@tests/data/curl-hot-tub.json"], cwd=ROOT,
                            capture_output=True, text=True, timeout=30)
    reply = json.loads(result.stdout)
    assert "hot tub" in speech_text(reply).lower()


def test_local_testing_server_sets_reminders_against_its_own_fake_alexa_api(server):
    session = Session()                       # envelopes point at api.amazonalexa.com
    status, asked = post_json(server.url, session.intent(
        "SetReminderIntent", task=("book a massage", "book a massage"), recurrence=("every day", "daily"),
        time="09:00"))
    session.absorb(asked)
    status, reply = post_json(server.url, session.intent("AMAZON.YesIntent"))
    assert status == 200 and "Done. I'll remind you every day at 9 AM to book a massage" in speech_text(reply)
    status, listed = post_json(server.url, session.intent("ListRemindersIntent"))
    assert "to book a massage" in speech_text(listed)
