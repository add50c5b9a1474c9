"""The Flask app: flask-ask-sdk's SkillAdapter over the shared skill.

`create_app` configures verification and registers two blueprints, the way
Flask's tutorial app is laid out:
    skill_route  POST /   the skill endpoint (Alexa request envelope in, response out)
    pages        GET /privacy, /terms, /icon-108.png, /icon-512.png, for self-hosters
and itself answers GET /health ({"status": "ok"}, for load balancers), logs
one line per request and turns every error into the JSON below.

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
import time

from flask import Flask, Response, g, request
from flask_ask_sdk.skill_adapter import VERIFY_SIGNATURE_APP_CONFIG, VERIFY_TIMESTAMP_APP_CONFIG, SkillAdapter
from werkzeug.exceptions import HTTPException

from . import pages, skill_route
from .refusals import error
from .verifier import AlexaSignatureVerifier, AwareTimestamp, SkillIdVerifier

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


def create_app(skill=None, skill_id=None, verify=True, trust_store=None,
               fetcher=None, max_body=MAX_BODY_BYTES, record_dir=None, any_skill=False,
               access_log=None):
    """Build the Flask app. `verify=False` and `record_dir` are for local testing only.

    `access_log` is called with each request's log line (default: logged at INFO
    on "msguide.web" by the request's own thread; `python -m msguide_web` passes
    an access_log.BackgroundLog, which writes the same lines off the request threads).

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
                           verifiers=[skill_route.Recorded(v) for v in verifiers], app=app)
    recorder = None
    if record_dir:
        from .recorder import Recorder
        recorder = Recorder(record_dir)
        log.warning("RECORDING requests (ids redacted) into %s: development only", record_dir)
    app.extensions["msguide"] = {"verify": verify, "skill_id": skill_id, "adapter": adapter,
                                 "signature": signature, "recorder": recorder}
    app.register_blueprint(skill_route.bp)
    app.register_blueprint(pages.bp)

    @app.before_request
    def start_clock():
        g.started = time.perf_counter()
        g.summary = {}

    write_line = access_log or log.info

    @app.after_request
    def log_request(response):
        if request.path != "/health" and log.isEnabledFor(logging.INFO):
            summary = g.get("summary") or {}
            started = g.get("started", time.perf_counter())
            write_line(json.dumps({
                "request_id": summary.get("request_id", ""),
                "request_type": summary.get("request_type", ""),
                "intent": summary.get("intent", ""),
                "status": response.status_code,
                "latency_ms": round((time.perf_counter() - started) * 1000, 1)}))
        return response

    @app.get("/health")
    def health():
        return Response('{"status": "ok"}', mimetype="application/json")

    @app.errorhandler(HTTPException)
    def http_error(exc):
        return error(exc.code or 500, exc.name.lower())

    @app.errorhandler(Exception)
    def unexpected(exc):   # never a bare 500 page
        log.error("unexpected error: %s", type(exc).__name__)
        return error(500, "internal error")

    return app
