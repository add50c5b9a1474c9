"""Test helpers over msguide_sim.envelopes: short slot syntax and speech readers."""

import re
import xml.etree.ElementTree as ET

from msguide_sim.envelopes import SimulatedUser, slot, timestamp

SKILL_ID = "amzn1.ask.skill.11111111-2222-4333-8444-555555555555"
now_iso = timestamp


class Session(SimulatedUser):
    """A simulated user; `api` points the envelopes at a FakeAlexaApi."""

    def __init__(self, locale="en-US", skill_id=SKILL_ID, api=None, reminders_permission=None, screen=None):
        super().__init__(locale, skill_id,
                         api_endpoint=api.url if api else "https://api.amazonalexa.com",
                         api_token="fake-api-access-token" if api else "test-token",
                         reminders_permission=reminders_permission, screen=screen)

    def base(self, request_type, **extra):
        return self.request(request_type, **extra)

    def intent(self, name, **slots):
        """slots: name=(spoken, canonical or None) for a custom type (with entity
        resolution), name="words" for a built-in type, name=None for an empty slot."""
        built = {}
        for slot_name, value in slots.items():
            if isinstance(value, tuple):
                built[slot_name] = slot(slot_name, value[0], value[1], "CUSTOM", self.skill_id)
            else:
                built[slot_name] = slot(slot_name, value)
        return self.intent_with_slots(name, built)

    def absorb(self, response):
        self.attributes = dict(response.get("sessionAttributes") or {})
        return response


def sender(adapter):
    """envelope -> response through the real skill with `adapter` as its memory
    (None: no memory), serialised both ways as the Lambda door does."""
    from msguide.skill import build_skill
    from msguide_tools.certcheck import skill_sender
    return skill_sender(build_skill(persistence_adapter=adapter))


def speech_text(response):
    """Plain text of the output speech (and proof that the SSML is well-formed)."""
    speech = response["response"].get("outputSpeech")
    if not speech:
        return ""
    root = ET.fromstring(speech["ssml"])
    assert root.tag == "speak"
    return re.sub(r"\s+", " ", "".join(root.itertext())).strip()


def card_text(response):
    """The text of the response's card ("" without one)."""
    card = response["response"].get("card") or {}
    return card.get("content") or card.get("text") or ""


def reprompt_text(response):
    reprompt = response["response"].get("reprompt")
    if not reprompt:
        return ""
    return re.sub(r"<[^>]+>", "", reprompt["outputSpeech"]["ssml"]).strip()


def ends_session(response):
    return bool(response["response"].get("shouldEndSession"))


def turn(send, session, envelope):
    """One turn: send (the handler, or any envelope -> response function), carry the state."""
    return session.absorb(send(envelope))


def confirmed(send, session, envelope):
    """Send a SetReminderIntent, check the one confirmation turn, and say yes to it."""
    asked = turn(send, session, envelope)
    assert speech_text(asked).endswith("Shall I set it?"), speech_text(asked)
    return turn(send, session, session.intent("AMAZON.YesIntent"))
