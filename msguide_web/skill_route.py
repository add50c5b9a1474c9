"""The skill blueprint: POST / (an Alexa request envelope in, the response out).

With verification on, the signature is checked on the raw body before any
JSON is parsed (an unsigned request costs a header check); then the body must
be a JSON object no deeper than the envelope allows, with a request in it;
then flask-ask-sdk's SkillAdapter checks the timestamp and skill id and runs
the skill. Its state (the adapter, the signature verifier, the recorder) is
the app's, in app.extensions["msguide"] (see app.create_app).
"""

import json

from ask_sdk_webservice_support.verifier import AbstractVerifier, VerificationException
from flask import Blueprint, current_app, g, request
from werkzeug.exceptions import HTTPException

from msguide.envelope import MAX_DEPTH, too_deep

from .refusals import error
from .verifier import SkillIdMismatch

bp = Blueprint("skill", __name__)


class Recorded(AbstractVerifier):
    """Remember which verifier refused a request, to pick the HTTP status."""

    def __init__(self, inner):
        self.inner = inner

    def verify(self, headers, serialized_request_env, deserialized_request_env):
        try:
            self.inner.verify(headers, serialized_request_env, deserialized_request_env)
        except VerificationException as exc:
            g.refusal = exc
            raise


def summary(envelope):
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


@bp.post("/")
def skill_endpoint():
    state = current_app.extensions["msguide"]
    raw = request.get_data(cache=True)
    if state["signature"] is not None:
        try:
            state["signature"].verify(request.headers, raw, None)
        except VerificationException as exc:
            return error(400, "request verification failed: %s" % exc)
    try:
        envelope = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return error(400, "body is not JSON")
    if not isinstance(envelope, dict):
        return error(400, "body is not a JSON object")
    # A body with at most MAX_DEPTH opening brackets (real envelopes have 12 to 30)
    # cannot nest deeper than that: counting them is cheaper than walking the tree.
    if raw.count(b"{") + raw.count(b"[") > MAX_DEPTH and too_deep(envelope):
        return error(400, "body is nested too deeply")
    if not isinstance(envelope.get("request"), dict):
        return error(400, "not a valid Alexa request envelope")
    g.summary = summary(envelope)
    try:
        response = state["adapter"].dispatch_request()
        if state["recorder"] is not None:
            state["recorder"].save(envelope, response.get_json())
        return response
    except HTTPException:
        refusal = g.get("refusal")
        if isinstance(refusal, SkillIdMismatch):
            return error(403, str(refusal))
        if refusal is not None:
            return error(400, "request verification failed: %s" % refusal)
        return error(400, "not a valid Alexa request envelope")
