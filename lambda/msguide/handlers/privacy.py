"""'Forget me': erase what the skill remembers about the speaker, after a yes."""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name

from ..memory import memory
from ..respond import say_notice, words_for
from ..state import session_state
from .conversation import offer_answer


class ForgetMe(AbstractRequestHandler):
    """ForgetMeIntent ("forget me", "delete what you remember"): ask first."""

    def can_handle(self, handler_input):
        return is_intent_name("ForgetMeIntent")(handler_input)

    def handle(self, handler_input):
        words = words_for(handler_input)
        if not memory(handler_input).available:
            return say_notice(handler_input, words["forget_nothing"])
        return say_notice(handler_input, words["forget_confirm"], offer={"kind": "forget"})


@offer_answer("forget")
def answer_forget_offer(handler_input, offer, yes):
    """'Yes' to "shall I erase it?" erases the speaker's record on the store now; 'no' keeps it."""
    words = words_for(handler_input)
    if not yes:
        return say_notice(handler_input, words["forget_kept"])
    memory(handler_input).forget()
    state = session_state(handler_input)
    state.opened = False          # nothing of this session is kept at its end either
    state.pref = {}               # the speech speed and answer length go now, not at the session's end
    return say_notice(handler_input, words["forget_done"])
