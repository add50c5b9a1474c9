"""Build the Alexa response for a Say, and keep the session state in step."""

from ask_sdk_core.utils import get_locale
from ask_sdk_model.ui import SimpleCard

from .content import default_content
from .render import Say, escape, render
from .state import read_state
from .wording import for_locale


def content():
    return default_content()


def current_state(handler_input):
    attributes = handler_input.attributes_manager.session_attributes
    return read_state(attributes, content())


def request_locale(handler_input):
    try:
        return get_locale(handler_input) or ""
    except Exception:
        return ""


def reply(handler_input, say):
    """Speak `say`, remember it for repeat/more/yes, and return the Response."""
    spoken = render(say, content(), request_locale(handler_input))
    state = current_state(handler_input)
    if say.topic is not None:
        state.last = {"topic": say.topic.id, "part": say.part}
        if say.thing:
            state.last["thing"] = say.thing
    elif say.prompt not in ("nothing_to_repeat", "error"):
        state.last = {"prompt": say.prompt}
    state.offer = spoken.offer
    handler_input.attributes_manager.session_attributes = state.to_attributes()

    builder = handler_input.response_builder
    builder.speak(spoken.ssml)
    builder.set_card(SimpleCard(title=spoken.card_title, content=spoken.card_text))
    if spoken.end_session:
        builder.set_should_end_session(True)
    else:
        builder.ask(spoken.reprompt_ssml)
    return builder.response


def say_topic(handler_input, topic, part="answer", thing=None, lead=None):
    return reply(handler_input, Say(topic=topic, part=part, thing=thing, lead=lead))


def say_prompt(handler_input, name, lead=None):
    return reply(handler_input, Say(prompt=name, lead=lead))


def goodbye(handler_input):
    text = for_locale(request_locale(handler_input))["goodbye"]
    handler_input.attributes_manager.session_attributes = {}
    return (handler_input.response_builder
            .speak(escape(text))
            .set_should_end_session(True)
            .response)
