"""'Speak slower', 'say that again slowly', 'just the short answer': how to be spoken to.

Two intents, each sample with one slot that says what was asked: SpeechRateIntent
({pace} asked for, {too} complained of, {lost} "i can't keep up", {reset} "reset the
speed"; {once}: the last reply once more at that pace) and AnswerLengthIntent
({length} asked for, {less} wanted less of, {unasked} wanted without being asked).
The voice model's slot types say what each wording means."""

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from .. import preferences
from ..request import intent_name, resolved_slot
from ..respond import say_notice, words_for
from ..state import session_state
from .conversation import say_again

# intent -> (preference, {slot: {resolved value: preference value (None: the default)}},
#            what to ask when no slot came with a value the model knows)
READINGS = {
    "SpeechRateIntent": ("rate", {"pace": {"slow": "slow", "fast": "fast", "normal": None},
                                  "too": {"fast": "slow", "slow": "fast"},
                                  "lost": {"lost": "slow"}, "reset": {"rate": None},
                                  "once": {"slow": "slow", "fast": "fast", "normal": None}}, "rate_which"),
    "AnswerLengthIntent": ("detail", {"length": {"short": None, "full": "full"},
                                      "less": {"detail": None}, "unasked": {"detail": "full"}}, "detail_which"),
}
# (preference, value) -> what to say
SAID = {("rate", "slow"): "rate_slow", ("rate", "fast"): "rate_fast", ("rate", None): "rate_normal",
        ("detail", None): "detail_short", ("detail", "full"): "detail_full"}


def wanted(handler_input):
    """(preference, value, the slot that said it) the request asks for; the value is
    ... when it is unclear."""
    key, by_slot, _ = READINGS[intent_name(handler_input)]
    for slot, meanings in by_slot.items():
        value, _spoken = resolved_slot(handler_input, slot)
        if value in meanings:
            return key, meanings[value], slot
    return key, ..., None


class ChangePreference(AbstractRequestHandler):
    """From now on (remembered), confirmed already in the new way (a new speed
    is heard in the confirmation itself). "Say that again slowly" is the last reply
    once more at that pace, this time only. Words Alexa could not resolve get a
    question, never a guess."""

    def can_handle(self, handler_input):
        return intent_name(handler_input) in READINGS

    def handle(self, handler_input):
        key, value, slot = wanted(handler_input)
        words = words_for(handler_input)
        if value is ...:
            return say_notice(handler_input, words[READINGS[intent_name(handler_input)][2]])
        if slot == "once":
            return say_again(handler_input, session_state(handler_input).last, rate=value)
        preferences.change(handler_input, **{key: value})
        return say_notice(handler_input, words[SAID[key, value]])
