"""'Speak slower', 'say that again slowly', 'just the short answer': how to be spoken to."""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name

from .. import preferences
from ..respond import current_state, request_locale, say_notice
from ..wording import for_locale

RATE_INTENTS = {"SlowerIntent": "slow", "FasterIntent": "fast", "NormalSpeedIntent": None}
LENGTH_INTENTS = {"ShortAnswersIntent": None, "DetailedAnswersIntent": "full"}


class ChangeSpeechRate(AbstractRequestHandler):
    """From now on (remembered), confirmed at the new speed."""

    def can_handle(self, handler_input):
        return any(is_intent_name(name)(handler_input) for name in RATE_INTENTS)

    def handle(self, handler_input):
        rate = RATE_INTENTS[handler_input.request_envelope.request.intent.name]
        preferences.change(handler_input, rate=rate)
        words = for_locale(request_locale(handler_input))
        return say_notice(handler_input, words["rate_" + (rate or "normal")])


class ChangeAnswerLength(AbstractRequestHandler):
    """Short answers first (the default), or straight on to the details; remembered."""

    def can_handle(self, handler_input):
        return any(is_intent_name(name)(handler_input) for name in LENGTH_INTENTS)

    def handle(self, handler_input):
        detail = LENGTH_INTENTS[handler_input.request_envelope.request.intent.name]
        preferences.change(handler_input, detail=detail)
        words = for_locale(request_locale(handler_input))
        return say_notice(handler_input, words["detail_" + (detail or "short")])


class RepeatSlowly(AbstractRequestHandler):
    """'Say that again slowly': the last reply once more, slower, this time only."""

    def can_handle(self, handler_input):
        return is_intent_name("RepeatSlowlyIntent")(handler_input)

    def handle(self, handler_input):
        from .conversation import say_again
        return say_again(handler_input, current_state(handler_input).last, rate="slow")
