"""Every request Alexa can send gets a response valid for its type.

Alexa sends more than questions: skill events (permission accepted, skill
disabled), reminder status events and session ends arrive with no `session`,
and a hand-made or damaged envelope may lack `context`. `SafeSkill` is the
SDK's CustomSkill with three promises kept around every call:

* a missing `context` (or its `system`) is supplied, empty, so the skill
  answers without a user's memory rather than crashing;
* any error the handlers' own safety net did not catch becomes the spoken
  apology (for requests that may speak) or an empty response;
* a request type that may not speak (SessionEndedRequest, every event) gets
  a response with no speech, card, reprompt or directive, whatever else is
  wrong with the request.
"""

from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import Context, Response, ResponseEnvelope
from ask_sdk_model.interfaces.system import SystemState
from ask_sdk_model.ui import SsmlOutputSpeech

from .logs import logger
from .wire import Serializer

# Request types after which Alexa lets the skill speak.
SPEAKING_REQUESTS = frozenset({
    "LaunchRequest", "IntentRequest", "Connections.Response",
    "Alexa.Presentation.APL.UserEvent", "Display.ElementSelected",
})
APOLOGY = "<speak>Sorry, that request didn't make sense to me.</speak>"


MAX_DEPTH = 64          # real envelopes nest about a dozen levels


def too_deep(value, limit=MAX_DEPTH):
    """True when a JSON value nests deeper than `limit` (checked without recursion,
    one level at a time)."""
    containers = (dict, list)
    level = [value] if type(value) in containers else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        below = []
        for item in level:
            for child in (item.values() if type(item) is dict else item):
                if type(child) in containers:
                    below.append(child)
        level = below
    return False


def may_speak(request_type):
    return isinstance(request_type, str) and request_type in SPEAKING_REQUESTS


def silent_response():
    return {"version": "1.0", "response": {}}


def apology_response():
    return {"version": "1.0",
            "response": {"outputSpeech": {"type": "SSML", "ssml": APOLOGY},
                         "shouldEndSession": True}}


def refusal_for(event):
    """The response to an envelope that cannot be read: silent for a request
    type that may not speak (a session end, an event), else a spoken apology."""
    request = event.get("request") if isinstance(event, dict) else None
    kind = request.get("type") if isinstance(request, dict) else None
    if isinstance(kind, str) and not may_speak(kind):
        return silent_response()
    return apology_response()


def supply_context(envelope):
    """Fill in a missing context/system from the session, so nothing reads None."""
    session = envelope.session
    if envelope.context is None:
        envelope.context = Context()
    if envelope.context.system is None:
        envelope.context.system = SystemState(
            application=getattr(session, "application", None),
            user=getattr(session, "user", None))


class SafeSkill(CustomSkill):
    """CustomSkill whose invoke never raises and never speaks out of turn, with
    the faster serializer of msguide.wire (both doors read envelopes through it)."""

    def __init__(self, skill_configuration):
        super().__init__(skill_configuration)
        self.serializer = Serializer()

    def invoke(self, request_envelope, context):
        kind = getattr(request_envelope.request, "object_type", None)
        try:
            supply_context(request_envelope)
            envelope = super().invoke(request_envelope, context)
        except Exception as exc:
            logger().error("request failed outside the handlers: %s", type(exc).__name__)
            envelope = ResponseEnvelope(version="1.0", response=Response())
            if may_speak(kind):
                envelope.response.output_speech = SsmlOutputSpeech(ssml=APOLOGY)
                envelope.response.should_end_session = True
        if not may_speak(kind):
            envelope.response = Response()
            envelope.session_attributes = None
        return envelope
