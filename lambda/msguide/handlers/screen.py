"""Touches on the screen: an APL UserEvent does what saying the same thing would."""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.utils import is_request_type

from ..content import default_content
from ..respond import say_prompt, say_topic
from .conversation import GiveMore


class TouchScreen(AbstractRequestHandler):
    """Alexa.Presentation.APL.UserEvent from a button of msguide/screens.py.

    ["more"] is "tell me more", ["help"] is "help", ["topic", id] asks about
    that topic; anything else (another document's event, a stale token, a
    tampered id) gets the help prompt, never an error.
    """

    def can_handle(self, handler_input):
        return is_request_type("Alexa.Presentation.APL.UserEvent")(handler_input)

    def handle(self, handler_input):
        args = getattr(handler_input.request_envelope.request, "arguments", None) or []
        what = args[0] if args and isinstance(args[0], str) else None
        if what == "more":
            return GiveMore().handle(handler_input)
        if what == "topic" and len(args) == 2 and isinstance(args[1], str):
            topic = default_content().get(args[1])
            if topic is not None and not topic.emergency:
                return say_topic(handler_input, topic)
        return say_prompt(handler_input, "help")
