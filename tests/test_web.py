"""The web door over real HTTP: verification, refusals, logs."""

import json
import logging
import sys
import urllib.error
import urllib.request

import pytest
from cryptography.hazmat.primitives import hashes

import certs
from alexa import SKILL_ID, Session, now_iso, speech_text
from msguide_web.app import create_app


def post(url, body, headers=None, method="POST"):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method,
                                     headers=dict({"Content-Type": "application/json"}, **(headers or {})))
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.fixture(scope="module")
def authority():
    return certs.Authority()


@pytest.fixture(scope="module")
def skill():
    from msguide.skill import build_skill
    return build_skill()


class SignedClient:
    """Signs envelopes like Alexa does, against a server with verification on."""

    def __init__(self, authority, server, key, fetches):
        self.authority, self.server, self.key, self.fetches = authority, server, key, fetches

    def send(self, envelope, url=certs.CHAIN_URL, key=None, tamper=False, headers=None):
        body = json.dumps(envelope).encode()
        signature = certs.sign(key or self.key, body)
        if tamper:
            body = body.replace(b"LaunchRequest", b"IntentRequest", 1)
        sent = {"SignatureCertChainUrl": url, "Signature-256": signature}
        sent.update(headers or {})
        sent = {k: v for k, v in sent.items() if v is not None}
        return post(self.server.url, body, sent)


def make_signed(authority, live_server, skill, leaf=None, store=None, skill_id=SKILL_ID):
    key, cert = leaf or authority.leaf()
    pem = authority.chain_pem(cert)
    fetches = []

    def fetcher(url):
        fetches.append(url)
        return pem
    app = create_app(skill=skill, skill_id=skill_id, verify=True,
                     trust_store=store or authority.store(), fetcher=fetcher)
    return SignedClient(authority, live_server(app), key, fetches)


@pytest.fixture
def signed(authority, live_server, skill):
    return make_signed(authority, live_server, skill)


# ---------------------------------------------------------------- happy paths

def test_a_correctly_signed_request_is_answered(signed):
    status, body = signed.send(Session().launch())
    assert status == 200
    assert "Welcome" in speech_text(body)


def test_the_certificate_chain_is_fetched_once_and_cached(signed):
    for _ in range(3):
        assert signed.send(Session().launch())[0] == 200
    assert signed.fetches == [certs.CHAIN_URL]


def test_local_testing_mode_answers_unsigned_requests_and_warns(live_server, skill, caplog):
    with caplog.at_level(logging.WARNING, logger="msguide.web"):
        server = live_server(create_app(skill=skill, verify=False))
    assert "VERIFICATION IS OFF" in caplog.text
    session = Session()
    status, body = post(server.url, session.launch())
    session.absorb(body)
    assert status == 200
    status, body = post(server.url, session.intent("HeatIntent", heat=("hot tub", "hot tub")))
    assert status == 200 and "heat" in speech_text(body).lower()


def test_verification_is_on_by_default(live_server, skill):
    server = live_server(create_app(skill=skill, any_skill=True))
    status, body = post(server.url, Session().launch())
    assert status == 400 and "verification" in body["error"]


def test_health_endpoint(live_server, skill):
    server = live_server(create_app(skill=skill, any_skill=True))
    with urllib.request.urlopen(server.url + "health", timeout=5) as reply:
        assert reply.status == 200 and json.loads(reply.read()) == {"status": "ok"}


# ---------------------------------------------------------------- refusals

def test_tampered_body_is_refused(signed):
    assert signed.send(Session().launch(), tamper=True)[0] == 400


def test_signature_by_another_key_is_refused(signed):
    assert signed.send(Session().launch(), key=certs._key())[0] == 400


def test_sha1_only_signature_header_is_refused(signed):
    envelope = Session().launch()
    body = json.dumps(envelope).encode()
    headers = {"SignatureCertChainUrl": certs.CHAIN_URL,
               "Signature": certs.sign(signed.key, body, hashes.SHA1())}
    status, reply = post(signed.server.url, body, headers)
    assert status == 400 and "Signature-256" in reply["error"]


@pytest.mark.parametrize("variant", ["expired", "not yet valid", "wrong SAN", "untrusted root"])
def test_bad_certificates_are_refused(authority, live_server, skill, variant):
    day = certs.datetime.timedelta(days=1)
    store = None
    if variant == "expired":
        leaf = authority.leaf(not_before=certs.NOW - 30 * day, not_after=certs.NOW - day)
    elif variant == "not yet valid":
        leaf = authority.leaf(not_before=certs.NOW + day, not_after=certs.NOW + 30 * day)
    elif variant == "wrong SAN":
        leaf = authority.leaf(san=("echo-api.example.com",))
    else:
        leaf = authority.leaf()
        store = certs.Authority().store()
    client = make_signed(authority, live_server, skill, leaf=leaf, store=store)
    status, body = client.send(Session().launch())
    assert status == 400 and "certificate" in body["error"]


@pytest.mark.parametrize("url", [
    "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://notamazon.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../x/echo-api-cert.pem",
    "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
])
def test_bad_certificate_urls_are_refused_before_any_fetch(signed, url):
    status, body = signed.send(Session().launch(), url=url)
    assert status == 400 and "certificate URL" in body["error"]
    assert signed.fetches == []


@pytest.mark.parametrize("url", [
    "https://S3.AMAZONAWS.COM/echo.api/echo-api-cert-test.pem",
    "https://s3.amazonaws.com:443/echo.api/echo-api-cert-test.pem",
    "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert-test.pem",
])
def test_equivalent_certificate_url_forms_are_accepted(signed, url):
    assert signed.send(Session().launch(), url=url)[0] == 200


@pytest.mark.parametrize("missing", ["SignatureCertChainUrl", "Signature-256"])
def test_missing_headers_are_refused(signed, missing):
    assert signed.send(Session().launch(), headers={missing: None})[0] == 400


@pytest.mark.parametrize("offset", [-151, 151])
def test_stale_or_future_timestamps_are_refused(signed, offset):
    envelope = Session().launch()
    envelope["request"]["timestamp"] = now_iso(offset)
    assert signed.send(envelope)[0] == 400


def test_a_timestamp_inside_the_window_is_accepted(signed):
    envelope = Session().launch()
    envelope["request"]["timestamp"] = now_iso(-100)
    assert signed.send(envelope)[0] == 200


def test_wrong_skill_id_is_forbidden(signed):
    status, body = signed.send(Session(skill_id="amzn1.ask.skill.someone-else").launch())
    assert status == 403 and body["status"] == 403


def test_a_timestamp_without_a_time_zone_is_a_400_not_a_500(signed):
    envelope = Session().launch()
    envelope["request"]["timestamp"] = now_iso()[:19]          # 2026-12-01T10:00:00, no Z
    status, body = signed.send(envelope)
    assert status == 400 and "time zone" in body["error"]


@pytest.mark.parametrize("junk", [b"{" * 100000, b"\xff" * 1000, b'{"request": ' + b"[" * 5000])
def test_an_unsigned_body_is_refused_for_its_headers_before_it_is_parsed(signed, junk):
    status, body = post(signed.server.url, junk)
    assert status == 400 and "Signature-256" in body["error"]     # not "body is not JSON"


def test_a_failed_certificate_fetch_is_not_repeated_for_every_request(authority, live_server, skill):
    fetches = []

    def unreachable(url):
        fetches.append(url)
        raise OSError("no route to host")
    app = create_app(skill=skill, skill_id=SKILL_ID, verify=True, trust_store=authority.store(),
                     fetcher=unreachable)
    server = live_server(app)
    body = json.dumps(Session().launch()).encode()
    headers = {"SignatureCertChainUrl": certs.CHAIN_URL, "Signature-256": certs.sign(certs._key(), body)}
    replies = [post(server.url, body, headers) for _ in range(20)]
    assert all(status == 400 and "certificate chain unavailable" in reply["error"]
               for status, reply in replies)
    assert fetches == [certs.CHAIN_URL]


def test_oversized_body_is_refused_unread(signed):
    status, body = post(signed.server.url, b"{" + b" " * (300 * 1024) + b"}")
    assert status == 413


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"\xff\xfe", b"", b"null"])
def test_malformed_bodies_are_refused(signed, body):
    status, reply = post(signed.server.url, body)
    assert status == 400 and set(reply) == {"error", "status"}


def test_wrong_method_is_405(signed):
    status, _ = post(signed.server.url, b"", method="GET")
    assert status == 405


# ---------------------------------------------------------------- privacy

def test_request_logs_carry_no_user_device_or_utterance(live_server, skill, caplog):
    server = live_server(create_app(skill=skill, verify=False))
    session = Session()
    with caplog.at_level(logging.DEBUG):
        post(server.url, session.intent("SearchIntent", query="my secret knee surgery question"))
        post(server.url, session.intent("SymptomIntent", symptom=("crampy toes", None)))
    lines = [r.getMessage() for r in caplog.records if r.name == "msguide.web"]
    assert any('"intent": "SearchIntent"' in line for line in lines)
    assert any('"latency_ms"' in line and '"status": 200' in line for line in lines)
    text = caplog.text
    for secret in (session.user_id, session.device_id, "secret knee", "crampy toes", "test-token"):
        assert secret not in text


# ---------------------------------------------------------------- robustness

def test_random_bodies_headers_and_envelopes_never_produce_a_500(skill):
    from hypothesis import HealthCheck, given, settings, strategies as st

    app = create_app(skill=skill, verify=False)
    client = app.test_client()
    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
        max_leaves=20)
    session = Session()
    envelope = st.fixed_dictionaries({
        "version": st.sampled_from(["1.0", 1, None]),
        "session": st.one_of(st.none(), st.just(session.launch()["session"]), json_values),
        "context": st.one_of(st.none(), json_values),
        "request": st.one_of(json_values, st.fixed_dictionaries({
            "type": st.sampled_from(["LaunchRequest", "IntentRequest", "SessionEndedRequest",
                                     "System.ExceptionEncountered", "Nonsense"]),
            "requestId": st.text(max_size=10), "timestamp": st.text(max_size=25),
            "locale": st.sampled_from(["en-US", "en-GB", "xx", ""]),
            "intent": json_values})),
    })
    bodies = st.one_of(st.binary(max_size=200), json_values.map(lambda v: json.dumps(v).encode()),
                       envelope.map(lambda v: json.dumps(v).encode()))
    headers = st.dictionaries(st.sampled_from(["SignatureCertChainUrl", "Signature-256", "Signature",
                                               "Content-Type", "X-Other"]),
                              st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
                              max_size=3)

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(body=bodies, headers=headers)
    def check(body, headers):
        reply = client.post("/", data=body, headers=headers)
        assert reply.status_code in (200, 400, 403, 413), (reply.status_code, body)
        assert reply.is_json

    check()
    verified = create_app(skill=skill, verify=True, any_skill=True, trust_store=certs.Authority().store(),
                          fetcher=lambda url: b"garbage").test_client()

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(body=bodies, headers=headers)
    def check_verified(body, headers):
        assert verified.post("/", data=body, headers=headers).status_code in (400, 403, 413)

    check_verified()


def test_flask_ask_sdk_imports_here_and_the_stand_in_refuses_use():
    import flask_ask_sdk.skill_adapter  # noqa: F401  (fails on OpenSSL >= 3.0.10 without sdk_compat)
    certvalidator = sys.modules["certvalidator"]
    if hasattr(certvalidator, "__stand_in__"):
        with pytest.raises(RuntimeError, match="AlexaSignatureVerifier"):
            certvalidator.CertificateValidator(None)


@pytest.mark.parametrize("page, words", [("privacy", ["hash", "Disabling the skill", "not medical advice"]),
                                         ("terms", ["not medical advice", "emergency number"])])
def test_privacy_and_terms_pages_are_served_for_self_hosters(live_server, skill, page, words):
    server = live_server(create_app(skill=skill, any_skill=True))
    with urllib.request.urlopen(server.url + page, timeout=5) as reply:
        assert reply.status == 200 and reply.headers.get_content_type() == "text/html"
        body = reply.read().decode()
    assert body.startswith("<!doctype html>") and "<h1>" in body
    for word in words:
        assert word in body


def test_the_icons_are_served_where_publish_urls_points_the_manifest(live_server, skill, tmp_path):
    import os
    import shutil
    import subprocess
    import sys

    from conftest import ROOT
    server = live_server(create_app(skill=skill, any_skill=True))
    for size in (108, 512):
        with urllib.request.urlopen(server.url + "icon-%d.png" % size, timeout=5) as reply:
            assert reply.headers.get_content_type() == "image/png"
            assert reply.read() == open(os.path.join(ROOT, "skill-package", "assets",
                                                     "icon-%d.png" % size), "rb").read()
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(server.url + "icon-64.png", timeout=5)
    assert missing.value.code == 404
    # publish_urls writes exactly the four paths this server answers, in a copy of the project
    copy = tmp_path / "project"
    shutil.copytree(os.path.join(ROOT, "skill-package"), copy / "skill-package")
    shutil.copytree(os.path.join(ROOT, "msguide_tools"), copy / "msguide_tools")
    done = subprocess.run([sys.executable, "msguide_tools/publish_urls.py", "https://skill.example.net/"],
                          cwd=copy, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    manifest = json.load(open(copy / "skill-package" / "skill.json"))["manifest"]
    for entry in manifest["publishingInformation"]["locales"].values():
        assert entry["smallIconUri"] == "https://skill.example.net/icon-108.png"
        assert entry["largeIconUri"] == "https://skill.example.net/icon-512.png"
    for entry in manifest["privacyAndCompliance"]["locales"].values():
        assert (entry["privacyPolicyUrl"], entry["termsOfUseUrl"]) == (
            "https://skill.example.net/privacy", "https://skill.example.net/terms")
    refused = subprocess.run([sys.executable, "msguide_tools/publish_urls.py", "http://plain.example.net"],
                             cwd=copy, capture_output=True, text=True)
    assert refused.returncode == 2 and "https://" in refused.stderr


def test_testing_instructions_tell_the_truth_about_what_is_stored():
    import os

    from conftest import ROOT
    manifest = json.load(open(os.path.join(ROOT, "skill-package", "skill.json")))["manifest"]
    text = manifest["publishingInformation"]["testingInstructions"]
    assert "stores no personal data" not in text
    for topic in ("Memory", "Reminders", "Emergencies", "Disabling the skill erases", "forget me",
                  "30 days", "never a sensitive one"):
        assert topic in text
    privacy = open(os.path.join(ROOT, "PRIVACY.md")).read()
    assert "SHA-256" in privacy and "Disabling the skill" in privacy
