"""Launch, help, yes/no, more, repeat, start over, stop and fallback.

"Yes" and "no" to an offer are answered by the feature that made the offer:
each has an OfferAnswer handler for its kind (@offer_answer, in reminders.py,
privacy.py, and the topic offers here), tried before the generic HandleYes
and HandleNo.
"""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response

from ..content import default_content
from ..memory import memory
from ..render import Say
from ..request import intent_name
from ..respond import goodbye, reply, say_prompt, say_topic
from ..state import session_state

YES, NO = "AMAZON.YesIntent", "AMAZON.NoIntent"


def _any_intent(handler_input, *names):
    return any(is_intent_name(name)(handler_input) for name in names)


class OfferAnswer(AbstractRequestHandler):
    """'Yes' or 'no' (those of `intents`) to the offer of `kind` the last reply made,
    answered by `answer(handler_input, offer, yes)`.

    One instance per offer kind, made with @offer_answer (an instance, not a
    subclass each: a handler class costs about 0.15 M instructions of cold start)."""

    def __init__(self, kind: str, answer, intents=(YES, NO)):
        self.kind, self.answer, self.intents = kind, answer, intents
        self.__name__ = answer.__name__

    def can_handle(self, handler_input):
        return intent_name(handler_input) in self.intents and session_state(handler_input).offer_kind == self.kind

    def handle(self, handler_input) -> Response:
        offer = session_state(handler_input).offer
        return self.answer(handler_input, offer, intent_name(handler_input) == YES)

    def __repr__(self):
        return "OfferAnswer(%r, %s)" % (self.kind, self.__name__)


def offer_answer(kind: str, intents=(YES, NO)):
    """@offer_answer("forget"): the function answers "yes" and "no" (`intents`) to that offer kind."""
    return lambda answer: OfferAnswer(kind, answer, intents)


def say_again(handler_input, last, rate=None):
    """Say again what `last` (from the session state) refers to (at `rate`, this time).
    A notice that asked its own question ("shall I set it?") asks it again, and
    the offer waiting for the answer still waits."""
    if last and "prompt" in last:        # may also carry a topic: welcome_back's offer
        offer = session_state(handler_input).offer
        asks = last["prompt"] == "notice" and last.get("text", "").endswith("?")
        return reply(handler_input, Say(prompt=last["prompt"], text=last.get("text"), rate=rate,
                                        resume=default_content().get(last.get("topic", "")),
                                        offer=offer if asks else None))
    if last and "topic" in last:
        return reply(handler_input, Say(topic=default_content().get(last["topic"]), part=last["part"],
                                        thing=last.get("thing"), rate=rate))
    return reply(handler_input, Say(prompt="nothing_to_repeat", rate=rate))


class LaunchSkill(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input):
        remembered = memory(handler_input)
        last_topic = default_content().get(remembered.get("last_topic", ""))
        if remembered.get("disclaimer_heard") and last_topic is not None:
            return reply(handler_input, Say(prompt="welcome_back", resume=last_topic))
        return say_prompt(handler_input, "launch")


class GiveHelp(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name("AMAZON.HelpIntent")(handler_input)

    def handle(self, handler_input):
        return say_prompt(handler_input, "help")


@offer_answer("more", intents=(YES,))
def accept_more_offer(handler_input, offer, yes):
    """'Yes' to "would you like to hear more?": the longer answer."""
    last = session_state(handler_input).last or {}
    thing = last.get("thing") if last.get("topic") == offer["topic"] else None
    return say_topic(handler_input, default_content().get(offer["topic"]), part="more", thing=thing)


@offer_answer("topic", intents=(YES,))
def accept_topic_offer(handler_input, offer, yes):
    """'Yes' to a related topic ("shall I tell you about ...?"), welcome back's or confirm's."""
    return say_topic(handler_input, default_content().get(offer["topic"]))


@offer_answer("anything_else", intents=(NO,))
def decline_anything_else(handler_input, offer, yes):
    """'No' to "anything else?": goodbye."""
    return goodbye(handler_input)


class HandleYes(AbstractRequestHandler):
    """'Yes' to no offer a feature answers: ask what next."""

    def can_handle(self, handler_input):
        return is_intent_name(YES)(handler_input)

    def handle(self, handler_input):
        return say_prompt(handler_input, "what_next", lead="ok")


class HandleNo(AbstractRequestHandler):
    """'No' to an offer no feature answers otherwise: ask what else."""

    def can_handle(self, handler_input):
        return is_intent_name(NO)(handler_input)

    def handle(self, handler_input):
        return say_prompt(handler_input, "anything_else", lead="ok")


class GiveMore(AbstractRequestHandler):
    """'Tell me more': the longer answer of the last topic, then its related one."""

    def can_handle(self, handler_input):
        return is_intent_name("AMAZON.MoreIntent")(handler_input)

    def handle(self, handler_input):
        last = session_state(handler_input).last or {}
        if "topic" not in last:
            return say_prompt(handler_input, "help")
        data = default_content()
        topic = data.get(last["topic"])
        if last["part"] == "answer":
            return say_topic(handler_input, topic, part="more", thing=last.get("thing"))
        related = data.get(topic.related) if topic.related else None
        if related is None:
            return say_prompt(handler_input, "anything_else")
        return say_topic(handler_input, related)


class RepeatLast(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name("AMAZON.RepeatIntent")(handler_input)

    def handle(self, handler_input):
        return say_again(handler_input, session_state(handler_input).last)


class GoBack(AbstractRequestHandler):
    """AMAZON.PreviousIntent ("go back"): the topic before the current one."""

    def can_handle(self, handler_input):
        return is_intent_name("AMAZON.PreviousIntent")(handler_input)

    def handle(self, handler_input):
        state = session_state(handler_input)
        last = state.last or {}
        here = None if "prompt" in last else {k: last[k] for k in ("topic", "thing") if k in last}
        while state.back and state.back[-1] == here:      # never the topic just said, again
            state.back.pop()
        if not state.back:
            return say_prompt(handler_input, "nothing_to_go_back_to")
        place = state.back.pop()
        return reply(handler_input, Say(topic=default_content().get(place["topic"]),
                                        thing=place.get("thing"), going_back=True))


class StartOver(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return _any_intent(handler_input, "AMAZON.StartOverIntent",
                           "AMAZON.NavigateHomeIntent")

    def handle(self, handler_input):
        state = session_state(handler_input)
        state.reset(opened=state.opened)
        return say_prompt(handler_input, "launch")


class CloseSkill(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return _any_intent(handler_input, "AMAZON.StopIntent", "AMAZON.CancelIntent")

    def handle(self, handler_input):
        return goodbye(handler_input)


class HandleFallback(AbstractRequestHandler):
    """Words that fit nothing, and any intent this code does not know."""

    def can_handle(self, handler_input):
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input):
        return say_prompt(handler_input, "fallback")
