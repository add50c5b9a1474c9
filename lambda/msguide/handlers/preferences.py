"""'Speak slower', 'say that again slowly', 'just the short answer': how to be spoken to."""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name

from .. import preferences
from ..request import intent_name
from ..respond import say_notice, words_for
from ..state import session_state
from .conversation import say_again

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
        return intent_name(handler_input) in CHANGES

    def handle(self, handler_input):
        key, value, said = CHANGES[intent_name(handler_input)]
        preferences.change(handler_input, **{key: value})
        return say_notice(handler_input, words_for(handler_input)[said])


class RepeatSlowly(AbstractRequestHandler):
    """'Say that again slowly': the last reply once more, slower, this time only."""

    def can_handle(self, handler_input):
        return is_intent_name("RepeatSlowlyIntent")(handler_input)

    def handle(self, handler_input):
        return say_again(handler_input, session_state(handler_input).last, rate="slow")
