"""The Flask app: flask-ask-sdk's SkillAdapter over the shared skill.

Routes
    POST /        the skill endpoint (Alexa request envelope in, response out)
    GET  /health  {"status": "ok"} for load balancers
    GET  /privacy, /terms  PRIVACY.md and TERMS.md as pages, for self-hosters
    GET  /icon-108.png, /icon-512.png  the skill's icons (skill-package/assets), for the
                  manifest's icon URLs (tools/publish_urls.py writes all four URLs)

Every refusal is a small JSON body {"error": "...", "status": N}:
    400 body not JSON / not an object / not UTF-8 / nested too deeply, missing or bad signature
        headers, bad certificate URL or chain, bad signature, stale timestamp
    403 request for another skill id
    405 wrong method
    413 body larger than MAX_BODY_BYTES (refused from Content-Length, unread)
Errors inside the skill are spoken apologies from the skill itself (200).
"""

import json
import logging
import os
import time
import uuid

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from ask_sdk_webservice_support.verifier import AbstractVerifier, VerificationException
from flask_ask_sdk.skill_adapter import (
    VERIFY_SIGNATURE_APP_CONFIG, VERIFY_TIMESTAMP_APP_CONFIG, SkillAdapter)

from msguide.envelope import too_deep

from .verifier import AlexaSignatureVerifier, AwareTimestamp, SkillIdMismatch, SkillIdVerifier

log = logging.getLogger("msguide.web")
MAX_BODY_BYTES = 256 * 1024
LOCAL_SKILL_ID = "local-testing"


class ConfigurationError(ValueError):
    """The app was asked to run in an unsafe configuration."""


def _without_details(record):
    """Keep log lines to their message: no tracebacks that might quote a request."""
    record.exc_info = None
    record.exc_text = None
    return True


class _Recorded(AbstractVerifier):
    """Remember which verifier refused a request, to pick the HTTP status."""

    def __init__(self, inner):
        self.inner = inner

    def verify(self, headers, serialized_request_env, deserialized_request_env):
        try:
            self.inner.verify(headers, serialized_request_env, deserialized_request_env)
        except VerificationException as exc:
            g.refusal = exc
            raise


def error(status, message):
    body = json.dumps({"error": message, "status": status})
    return Response(body, status=status, mimetype="application/json")


# The project root (PRIVACY.md, TERMS.md, skill-package/assets); MSGUIDE_HOME
# names it when the package is installed elsewhere (the Docker image: /app).
PAGES_DIR = os.environ.get("MSGUIDE_HOME") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _page(name):
    """PRIVACY.md / TERMS.md as a plain, readable HTML page (headings, lists, paragraphs)."""
    import html
    import re
    path = os.path.join(PAGES_DIR, name.upper() + ".md")
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError:
        return "<!doctype html><title>%s</title><p>Not available.</p>" % name
    parts, items, para = [], [], []

    def flush():
        if para:
            parts.append("<p>%s</p>" % " ".join(para))
            para.clear()
        if items:
            parts.append("<ul>%s</ul>" % "".join("<li>%s</li>" % i for i in items))
            items.clear()
    for line in text.splitlines():
        line = html.escape(line.rstrip())
        heading = re.match(r"^(#+) (.*)$", line)
        if heading:
            flush()
            level = min(len(heading.group(1)), 3)
            parts.append("<h%d>%s</h%d>" % (level, heading.group(2), level))
        elif line.startswith("- "):
            if para:
                flush()
            items.append(line[2:])
        elif line.startswith("  ") and items:
            items[-1] += " " + line.strip()
        elif not line.strip():
            flush()
        else:
            if items:
                flush()
            para.append(line.strip())
    flush()
    title = re.sub(r"<[^>]+>", "", parts[0]) if parts else name
    return ("<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>%s</title>"
            "<meta name=\"viewport\" content=\"width=device-width\">"
            "<body style=\"max-width:42em;margin:2em auto;font:1.2em/1.5 sans-serif\">%s</body></html>"
            % (title, "".join(parts)))


def _summary(envelope):
    """Request id, type and intent name: the only request details we log."""
    request_part = envelope.get("request") if isinstance(envelope, dict) else None
    if not isinstance(request_part, dict):
        return {}
    intent = request_part.get("intent")
    return {
        "request_id": str(request_part.get("requestId", ""))[:100],
        "request_type": str(request_part.get("type", ""))[:60],
        "intent": str(intent.get("name", ""))[:80] if isinstance(intent, dict) else "",
    }


def create_app(skill=None, skill_id=None, verify=True, trust_store=None,
               fetcher=None, max_body=MAX_BODY_BYTES, record_dir=None, any_skill=False):
    """Build the Flask app. `verify=False` and `record_dir` are for local testing only.

    With verification on, a skill id is required: without one, any correctly
    signed request for any skill would be answered. `any_skill=True` allows
    that explicitly, and warns.
    """
    if verify and not skill_id and not any_skill:
        raise ConfigurationError(
            "request verification is on but no skill id is set: set MSGUIDE_SKILL_ID "
            "(or --skill-id), or --any-skill / MSGUIDE_ANY_SKILL=1 to accept any skill")
    if skill is None:
        from msguide.skill import build_skill
        skill = build_skill()
    app = Flask("msguide_web")
    app.logger.addFilter(_without_details)
    app.config["MAX_CONTENT_LENGTH"] = max_body
    # The SDK's own signature check needs certvalidator (see sdk_compat);
    # AlexaSignatureVerifier does that job, on the raw body before any JSON is
    # parsed (an unsigned request costs a header check). The SDK's timestamp
    # check is kept (AwareTimestamp), run after the signature.
    app.config[VERIFY_SIGNATURE_APP_CONFIG] = False
    app.config[VERIFY_TIMESTAMP_APP_CONFIG] = False
    verifiers, signature = [], None
    if verify:
        kwargs = {"trust_store": trust_store}
        if fetcher is not None:
            kwargs["fetcher"] = fetcher
        signature = AlexaSignatureVerifier(**kwargs)
        verifiers.append(AwareTimestamp())
    else:
        log.warning("REQUEST VERIFICATION IS OFF: local testing only; never expose "
                    "this endpoint to the internet in this mode")
    if skill_id:
        verifiers.append(SkillIdVerifier(skill_id))
    elif verify:
        log.warning("ANY SKILL ID ACCEPTED: requests signed by Alexa for any skill are "
                    "answered; set MSGUIDE_SKILL_ID to accept only yours")
    adapter = SkillAdapter(skill=skill, skill_id=skill_id or LOCAL_SKILL_ID,
                           verifiers=[_Recorded(v) for v in verifiers], app=app)
    app.extensions["msguide"] = {"verify": verify, "skill_id": skill_id}
    recorder = None
    if record_dir:
        from .recorder import Recorder
        recorder = Recorder(record_dir)
        log.warning("RECORDING requests (ids redacted) into %s: development only", record_dir)

    @app.before_request
    def start_clock():
        g.started = time.perf_counter()
        g.summary = {}

    @app.after_request
    def log_request(response):
        if request.path != "/health" and log.isEnabledFor(logging.INFO):
            summary = g.get("summary") or {}
            started = g.get("started", time.perf_counter())
            log.info(json.dumps({
                "request_id": summary.get("request_id", ""),
                "request_type": summary.get("request_type", ""),
                "intent": summary.get("intent", ""),
                "status": response.status_code,
                "latency_ms": round((time.perf_counter() - started) * 1000, 1)}))
        return response

    @app.route("/health", methods=["GET"])
    def health():
        return Response('{"status": "ok"}', mimetype="application/json")

    pages = {name: _page(name) for name in ("privacy", "terms")}

    @app.route("/privacy", methods=["GET"])
    def privacy():
        return Response(pages["privacy"], mimetype="text/html")

    @app.route("/terms", methods=["GET"])
    def terms():
        return Response(pages["terms"], mimetype="text/html")

    icons = {}
    for size in ("108", "512"):
        try:
            with open(os.path.join(PAGES_DIR, "skill-package", "assets", "icon-%s.png" % size), "rb") as handle:
                icons[size] = handle.read()
        except OSError:
            pass                       # answered with a 404 below

    @app.route("/icon-<size>.png", methods=["GET"])
    def icon(size):
        if size not in icons:
            return error(404, "no such icon")
        return Response(icons[size], mimetype="image/png")

    @app.route("/", methods=["POST"])
    def skill_endpoint():
        raw = request.get_data(cache=True)
        if signature is not None:
            try:
                signature.verify(request.headers, raw, None)
            except VerificationException as exc:
                return error(400, "request verification failed: %s" % exc)
        try:
            envelope = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return error(400, "body is not JSON")
        if not isinstance(envelope, dict):
            return error(400, "body is not a JSON object")
        if too_deep(envelope):
            return error(400, "body is nested too deeply")
        if not isinstance(envelope.get("request"), dict):
            return error(400, "not a valid Alexa request envelope")
        g.summary = _summary(envelope)
        try:
            response = adapter.dispatch_request()
            if recorder is not None:
                recorder.save(envelope, response.get_json())
            return response
        except HTTPException:
            refusal = g.get("refusal")
            if isinstance(refusal, SkillIdMismatch):
                return error(403, str(refusal))
            if refusal is not None:
                return error(400, "request verification failed: %s" % refusal)
            return error(400, "not a valid Alexa request envelope")

    @app.errorhandler(HTTPException)
    def http_error(exc):
        return error(exc.code or 500, exc.name.lower())

    @app.errorhandler(Exception)
    def unexpected(exc):   # never a bare 500 page
        log.error("unexpected error: %s", type(exc).__name__)
        return error(500, "internal error")

    return app
