"""Requests that are not questions: session end, errors, events."""

from ask_sdk_core.dispatch_components import (
    AbstractExceptionHandler,
    AbstractRequestHandler,
    AbstractResponseInterceptor,
)
from ask_sdk_core.utils import is_request_type

from ..logs import logger, printable, where
from ..memory import memory
from ..render import escape
from ..request import locale, request_type
from ..respond import remember_last_topic
from ..state import save_state
from ..wording import for_locale


class EndSession(AbstractRequestHandler):
    """SessionEndedRequest: Alexa allows no speech here, only an empty reply."""

    def can_handle(self, handler_input):
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input):
        remember_last_topic(handler_input)
        request = handler_input.request_envelope.request
        reason = getattr(getattr(request, "reason", None), "value", None)
        if reason == "ERROR":
            error = getattr(request, "error", None)
            logger().warning("session ended with error: %s", printable(
                getattr(getattr(error, "object_type", None), "value", error)))
        return handler_input.response_builder.response


class LogSkillError(AbstractRequestHandler):
    """System.ExceptionEncountered: a directive we sent failed; log, say nothing."""

    def can_handle(self, handler_input):
        return is_request_type("System.ExceptionEncountered")(handler_input)

    def handle(self, handler_input):
        error = getattr(handler_input.request_envelope.request, "error", None)
        logger().warning("Alexa reported an exception: %s", printable(getattr(error, "message", error)))
        return handler_input.response_builder.response


class ForgetDisabledUser(AbstractRequestHandler):
    """AlexaSkillEvent.SkillDisabled: the account removed the skill; delete its
    record and every recognised person's."""

    def can_handle(self, handler_input):
        return is_request_type("AlexaSkillEvent.SkillDisabled")(handler_input)

    def handle(self, handler_input):
        memory(handler_input).forget(whole_account=True)
        return handler_input.response_builder.response


class SaveState(AbstractResponseInterceptor):
    """After every request, carry the session State the handler changed into
    the next turn (msguide.state.session_state)."""

    def process(self, handler_input, response):
        save_state(handler_input)


class SaveMemory(AbstractResponseInterceptor):
    """After every request, write what the user's memory gained (if anything)."""

    def process(self, handler_input, response):
        remembered = handler_input.attributes_manager.request_attributes.get("memory")
        if remembered is None:
            return
        try:
            remembered.save()
        except Exception as exc:          # the answer stands; the memory waits
            logger().error("could not save memory: %s", type(exc).__name__)


class AcknowledgeEvent(AbstractRequestHandler):
    """Any other request type (skill events, Connections.Response...): no speech."""

    def can_handle(self, handler_input):
        return True

    def handle(self, handler_input):
        return handler_input.response_builder.response


class ApologiseForError(AbstractExceptionHandler):
    """Any error inside a handler becomes a spoken apology, never a crash.

    The apology is plain speech built here, not a reply through respond.py: the
    error may have come from that path (a screen document missing from the
    package, memory that cannot be read), and the apology must not fail the
    same way. No screen, no card, no memory, no preferences; the session goes
    on with what it carried into this turn (the failed turn was never heard),
    less any offer a "yes" would accept.
    """

    def can_handle(self, handler_input, exception):
        return True

    def handle(self, handler_input, exception):
        logger().error("handler error: %s", where(exception))
        if request_type(handler_input) not in ("LaunchRequest", "IntentRequest"):
            return handler_input.response_builder.response
        return plain_apology(handler_input)


def plain_apology(handler_input):
    from ask_sdk_model import Response
    from ask_sdk_model.ui import Reprompt, SsmlOutputSpeech
    words = for_locale(locale(handler_input))
    session = handler_input.request_envelope.session
    if session is not None:
        carried = session.attributes if isinstance(session.attributes, dict) else {}
        handler_input.attributes_manager.session_attributes = {
            key: value for key, value in carried.items() if key != "offer"}
    return Response(
        output_speech=SsmlOutputSpeech(ssml="<speak>%s %s</speak>" % (escape(words["error"]),
                                                                      escape(words["reprompt"]))),
        reprompt=Reprompt(output_speech=SsmlOutputSpeech(ssml="<speak>%s</speak>" % escape(words["reprompt"]))),
        should_end_session=False)
