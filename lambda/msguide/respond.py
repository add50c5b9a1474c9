"""Build the Alexa response for a Say, and keep the session state in step.

reply() changes the request's State (msguide.state.session_state); the
SaveState interceptor writes it back after the handler.
"""

import os

from ask_sdk_model import Response
from ask_sdk_model.ui import Card, Image, StandardCard

from .content import default_content
from .memory import memory
from .preferences import current as preferences
from .render import TOPIC_PROMPTS, Say, escape, render
from .request import is_launch, locale as request_locale
from .screens import apl_version, render_directive
from .state import session_state
from .wording import for_locale


def words_for(handler_input):
    """The shared wording (msguide/data/wording.json) for the request's locale."""
    return for_locale(request_locale(handler_input))


def remember_last_topic(handler_input):
    """At the end of a session, keep its last topic for "last time we talked about".

    Written once per session, not per answer: the session state already
    carries it while the conversation lasts. Only for sessions the user opened
    (a LaunchRequest): a one-shot question ("ask m. s. massage guide is a hot
    tub safe") reads the speaker's voice and detail (msguide.preferences) but
    leaves no "last time" behind.
    A sensitive topic (pregnancy, relapse...) is never kept: the next launch
    may be heard by anyone in the room.
    """
    state = session_state(handler_input)
    if not state.opened:
        return
    last = state.last or {}
    topic = default_content().get(last.get("topic", "")) if "topic" in last else None
    if topic is not None:            # an older topic is not "last time" any more
        memory(handler_input).set("last_topic", None if topic.sensitive else topic.id)


def reply(handler_input, say: Say, card: Card | None = None) -> Response:
    """Speak `say`, remember it for repeat/more/yes, and return the Response
    (with `card` in place of the reply's own, when given)."""
    first_launch = True
    if say.prompt == "launch":
        remembered = memory(handler_input)
        first_launch = not remembered.get("disclaimer_heard")
        remembered.set("disclaimer_heard", True)
        if not remembered.get("hint_heard"):          # once per user: "say speak slower"
            say.text = "speed_hint"
            remembered.set("hint_heard", True)
    state = session_state(handler_input)
    pref = preferences(handler_input, state)
    if say.topic is not None and say.part == "answer" and pref.get("detail") == "full" \
            and not say.topic.emergency:
        say.part = "full"                             # straight on to the details
    lean = handler_input.attributes_manager.request_attributes.get("urgent_lean")
    if lean and not (say.topic is not None and say.topic.emergency):
        # unsure whether the words are urgent: lead with the number, then go on
        say.lead = "crisis_lead" if lean == "crisis" else "danger_lead"
    locale = request_locale(handler_input)
    data = default_content()
    spoken = render(say, data, locale, first_launch, pref.get("rate"))
    if say.prompt in ("launch", "welcome_back") and is_launch(handler_input):
        state.opened = True
    if say.topic is not None:
        if not say.going_back:
            state.moving_to(say.topic.id)
        state.last = {"topic": say.topic.id, "part": "more" if say.part == "full" else say.part}
        if say.thing:
            state.last["thing"] = say.thing
    elif say.prompt not in ("nothing_to_repeat", "nothing_to_go_back_to", "error"):
        state.keep_place()
        state.last = {"prompt": say.prompt}
        if say.prompt in TOPIC_PROMPTS:
            state.last["topic"] = say.resume.id
        elif say.prompt == "notice":
            state.last["text"] = say.text
    state.offer = spoken.offer

    builder = handler_input.response_builder
    builder.speak(spoken.ssml)
    builder.set_card(card or standard_card(spoken.card_title, spoken.card_text))
    version = apl_version(handler_input.request_envelope)
    screen = render_directive(version, say, spoken, data, for_locale(locale)) if version else None
    if screen is not None:                                           # a device with a display
        builder.add_directive(screen)
    if spoken.end_session:
        builder.set_should_end_session(True)
    else:
        builder.ask(spoken.reprompt_ssml)
    return builder.response


def standard_card(title, text) -> StandardCard:
    """A Standard card: the reply's words, with the skill's icons when they are hosted.

    MSGUIDE_PUBLIC_URL is the https base that msguide_tools/publish_urls.py wrote into
    skill.json (it serves /icon-108.png and /icon-512.png); without it the card
    has no image rather than a broken one.
    """
    base = os.environ.get("MSGUIDE_PUBLIC_URL", "").rstrip("/")
    image = None
    if base.startswith("https://"):
        image = Image(small_image_url=base + "/icon-108.png", large_image_url=base + "/icon-512.png")
    return StandardCard(title=title, text=text, image=image)


def say_topic(handler_input, topic, part="answer", thing=None, lead=None) -> Response:
    return reply(handler_input, Say(topic=topic, part=part, thing=thing, lead=lead))


def say_prompt(handler_input, name, lead=None) -> Response:
    return reply(handler_input, Say(prompt=name, lead=lead))


def say_notice(handler_input, text, card=None, offer=None) -> Response:
    """A one-off spoken message (e.g. a reminder confirmation), then "anything else?";
    or, for a notice that asks its own question ("... Shall I set it?"), the
    `offer` that a "yes" or "no" answers."""
    return reply(handler_input, Say(prompt="notice", text=text, offer=offer), card=card)


def goodbye(handler_input) -> Response:
    remember_last_topic(handler_input)
    text = words_for(handler_input)["goodbye"]
    session_state(handler_input).reset()
    return (handler_input.response_builder
            .speak(escape(text))
            .set_should_end_session(True)
            .response)
