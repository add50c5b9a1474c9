"""Launch, help, yes/no, more, repeat, start over, stop and fallback."""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_intent_name, is_request_type

from ..memory import memory
from ..render import Say
from ..respond import (content, current_state, goodbye, reply, say_prompt, say_topic,
                       set_state)


def _any_intent(handler_input, *names):
    return any(is_intent_name(name)(handler_input) for name in names)


def say_again(handler_input, last, rate=None):
    """Say again what `last` (from the session state) refers to (at `rate`, this time).
    A notice that asked its own question ("shall I set it?") asks it again, and
    the offer waiting for the answer still waits."""
    if last and "prompt" in last:        # may also carry a topic: welcome_back's offer
        offer = current_state(handler_input).offer
        response = reply(handler_input, Say(prompt=last["prompt"], text=last.get("text"), rate=rate,
                                            resume=content().get(last.get("topic", ""))))
        if last["prompt"] == "notice" and last.get("text", "").endswith("?") and offer:
            state = current_state(handler_input)
            state.offer = offer
            set_state(handler_input, state.to_attributes())
        return response
    if last and "topic" in last:
        return reply(handler_input, Say(topic=content().get(last["topic"]), part=last["part"],
                                        thing=last.get("thing"), rate=rate))
    return reply(handler_input, Say(prompt="nothing_to_repeat", rate=rate))


class LaunchSkill(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input):
        remembered = memory(handler_input)
        last_topic = content().get(remembered.get("last_topic", ""))
        if remembered.get("disclaimer_heard") and last_topic is not None:
            return reply(handler_input, Say(prompt="welcome_back", resume=last_topic))
        return say_prompt(handler_input, "launch")


class GiveHelp(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name("AMAZON.HelpIntent")(handler_input)

    def handle(self, handler_input):
        return say_prompt(handler_input, "help")


class HandleYes(AbstractRequestHandler):
    """'Yes' accepts the last offer: more on the topic, or a related topic."""

    def can_handle(self, handler_input):
        return is_intent_name("AMAZON.YesIntent")(handler_input)

    def handle(self, handler_input):
        state = current_state(handler_input)
        offer = state.offer or {}
        if offer.get("kind") == "more":
            last = state.last or {}
            thing = last.get("thing") if last.get("topic") == offer["topic"] else None
            return say_topic(handler_input, content().get(offer["topic"]),
                             part="more", thing=thing)
        if offer.get("kind") == "topic":
            return say_topic(handler_input, content().get(offer["topic"]))
        if offer.get("kind") == "reminder_time":
            from .reminders import answer_am_or_pm
            return answer_am_or_pm(handler_input, offer, yes=True)
        if offer.get("kind") == "reminder_confirm":
            from .reminders import set_reminder
            from ..reminders_model import plan_from_pending
            return set_reminder(handler_input, plan_from_pending(offer["plan"]))
        if offer.get("kind") == "forget":
            from .privacy import answer_forget
            return answer_forget(handler_input, yes=True)
        if offer.get("kind") == "reminder_cancel":
            from .reminders import answer_cancel
            return answer_cancel(handler_input, offer, yes=True)
        if offer.get("kind") == "reminder":
            from .reminders import confirm_reminder
            from ..reminders_model import Plan
            return confirm_reminder(handler_input, Plan(offer["task"]))
        return say_prompt(handler_input, "what_next", lead="ok")


class HandleNo(AbstractRequestHandler):
    """'No' to an offer asks what else; 'no' to 'anything else?' says goodbye."""

    def can_handle(self, handler_input):
        return is_intent_name("AMAZON.NoIntent")(handler_input)

    def handle(self, handler_input):
        offer = current_state(handler_input).offer or {}
        if offer.get("kind") == "anything_else":
            return goodbye(handler_input)
        if offer.get("kind") == "reminder_time":
            from .reminders import answer_am_or_pm
            return answer_am_or_pm(handler_input, offer, yes=False)
        if offer.get("kind") == "reminder_confirm":
            from .reminders import change_reminder
            return change_reminder(handler_input, offer)
        if offer.get("kind") == "forget":
            from .privacy import answer_forget
            return answer_forget(handler_input, yes=False)
        if offer.get("kind") == "reminder_cancel":
            from .reminders import answer_cancel
            return answer_cancel(handler_input, offer, yes=False)
        return say_prompt(handler_input, "anything_else", lead="ok")


class GiveMore(AbstractRequestHandler):
    """'Tell me more': the longer answer of the last topic, then its related one."""

    def can_handle(self, handler_input):
        return is_intent_name("AMAZON.MoreIntent")(handler_input)

    def handle(self, handler_input):
        state = current_state(handler_input)
        last = state.last or {}
        if "topic" not in last:
            return say_prompt(handler_input, "help")
        topic = content().get(last["topic"])
        if last["part"] == "answer":
            return say_topic(handler_input, topic, part="more", thing=last.get("thing"))
        related = content().get(topic.related) if topic.related else None
        if related is None:
            return say_prompt(handler_input, "anything_else")
        return say_topic(handler_input, related)


class RepeatLast(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return is_intent_name("AMAZON.RepeatIntent")(handler_input)

    def handle(self, handler_input):
        return say_again(handler_input, current_state(handler_input).last)


class GoBack(AbstractRequestHandler):
    """AMAZON.PreviousIntent ("go back"): the topic before the current one."""

    def can_handle(self, handler_input):
        return is_intent_name("AMAZON.PreviousIntent")(handler_input)

    def handle(self, handler_input):
        state = current_state(handler_input)
        last = state.last or {}
        here = None if "prompt" in last else {k: last[k] for k in ("topic", "thing") if k in last}
        while state.back and state.back[-1] == here:      # never the topic just said, again
            state.back.pop()
        if not state.back:
            set_state(handler_input, state.to_attributes())
            return say_prompt(handler_input, "nothing_to_go_back_to")
        place = state.back.pop()
        set_state(handler_input, state.to_attributes())
        return reply(handler_input, Say(topic=content().get(place["topic"]),
                                        thing=place.get("thing"), going_back=True))


class StartOver(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return _any_intent(handler_input, "AMAZON.StartOverIntent",
                           "AMAZON.NavigateHomeIntent")

    def handle(self, handler_input):
        opened = current_state(handler_input).opened
        set_state(handler_input, {"opened": True} if opened else {})
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
