"""Requests that are not questions: session end, errors, events."""

from ask_sdk_core.dispatch_components import (AbstractExceptionHandler,
                                              AbstractRequestHandler,
                                              AbstractResponseInterceptor)
from ask_sdk_core.utils import is_request_type

from ..logs import logger
from ..respond import say_prompt


class EndSession(AbstractRequestHandler):
    """SessionEndedRequest: Alexa allows no speech here, only an empty reply."""

    def can_handle(self, handler_input):
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input):
        from ..respond import remember_last_topic
        remember_last_topic(handler_input)
        request = handler_input.request_envelope.request
        reason = getattr(getattr(request, "reason", None), "value", None)
        if reason == "ERROR":
            error = getattr(request, "error", None)
            logger().warning("session ended with error: %s",
                        getattr(getattr(error, "object_type", None), "value", error))
        return handler_input.response_builder.response


class LogSkillError(AbstractRequestHandler):
    """System.ExceptionEncountered: a directive we sent failed; log, say nothing."""

    def can_handle(self, handler_input):
        return is_request_type("System.ExceptionEncountered")(handler_input)

    def handle(self, handler_input):
        error = getattr(handler_input.request_envelope.request, "error", None)
        logger().warning("Alexa reported an exception: %s", getattr(error, "message", error))
        return handler_input.response_builder.response


class ForgetDisabledUser(AbstractRequestHandler):
    """AlexaSkillEvent.SkillDisabled: the account removed the skill; delete its
    record and every recognised person's."""

    def can_handle(self, handler_input):
        return is_request_type("AlexaSkillEvent.SkillDisabled")(handler_input)

    def handle(self, handler_input):
        from ..memory import memory
        memory(handler_input).forget(whole_account=True)
        return handler_input.response_builder.response


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
    """Any error inside a handler becomes a spoken apology, never a crash."""

    def can_handle(self, handler_input, exception):
        return True

    def handle(self, handler_input, exception):
        logger().error("handler error: %s", type(exception).__name__, exc_info=exception)
        request = getattr(handler_input.request_envelope, "request", None)
        if getattr(request, "object_type", None) not in ("LaunchRequest", "IntentRequest"):
            return handler_input.response_builder.response
        return say_prompt(handler_input, "error")
