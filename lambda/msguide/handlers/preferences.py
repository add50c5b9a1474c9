"""'Speak slower', 'say that again slowly', 'just the short answer': how to be spoken to."""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name

from .. import preferences
from ..respond import current_state, say_notice, words_for

# intent -> (preference, value (None: the default), what to say)
CHANGES = {
    "SlowerIntent": ("rate", "slow", "rate_slow"),
    "FasterIntent": ("rate", "fast", "rate_fast"),
    "NormalSpeedIntent": ("rate", None, "rate_normal"),
    "ShortAnswersIntent": ("detail", None, "detail_short"),
    "DetailedAnswersIntent": ("detail", "full", "detail_full"),
}


class ChangePreference(AbstractRequestHandler):
    """From now on (remembered), confirmed already in the new way (a new speed
    is heard in the confirmation itself)."""

    def can_handle(self, handler_input):
        return getattr(getattr(handler_input.request_envelope.request, "intent", None), "name", None) in CHANGES

    def handle(self, handler_input):
        key, value, said = CHANGES[handler_input.request_envelope.request.intent.name]
        preferences.change(handler_input, **{key: value})
        return say_notice(handler_input, words_for(handler_input)[said])


class RepeatSlowly(AbstractRequestHandler):
    """'Say that again slowly': the last reply once more, slower, this time only."""

    def can_handle(self, handler_input):
        return is_intent_name("RepeatSlowlyIntent")(handler_input)

    def handle(self, handler_input):
        from .conversation import say_again
        return say_again(handler_input, current_state(handler_input).last, rate="slow")
