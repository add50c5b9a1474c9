"""The screen that goes with a reply on devices with a display (APL).

The documents are data (data/apl/*.json); this module only chooses one
for the device's APL version and fills the "screen" datasource from what the
reply said. Devices without Alexa.Presentation.APL in supportedInterfaces get
no directive at all, and nothing here is loaded for them.

The datasource:
    {"screen": {"kind": "answer" | "prompt" | "urgent",
                "title": "...", "body": "...", "sources": "Sources: A · B" or "",
                "numbers": [{"label": "Emergency", "number": "911"}, ...],   # urgent only
                "buttons": [{"label": "Tell me more", "args": ["more"]}, ...]}}
A button's args come back as the arguments of an Alexa.Presentation.APL.UserEvent
(handlers/screen.py), which does what saying the same thing would.
"""

import json
import os

APL_DIR = os.path.join(os.path.dirname(__file__), "data", "apl")
# (minimum APL version, file), newest first: a device gets the newest its runtime supports.
DOCUMENTS = (((1, 4), "screen.json"), ((1, 0), "screen-basic.json"))
TOKEN = "msguide-screen"
EXAMPLE_TOPICS = ("fatigue", "hot-tub", "find-therapist")   # touch targets on prompt screens
MAX_BUTTONS = 3

_documents = {}


def _version_number(text):
    """'1.4' -> (1, 4), '2024.2' -> (2024, 2); None when unreadable."""
    try:
        major, minor = str(text).split(".")[:2]
        return int(major), int(minor)
    except (ValueError, TypeError):
        return None


def apl_version(request_envelope):
    """The device's APL maxVersion as (major, minor), or None for a device without a screen."""
    try:
        interfaces = request_envelope.context.system.device.supported_interfaces
    except AttributeError:
        return None
    apl = getattr(interfaces, "alexa_presentation_apl", None) if interfaces is not None else None
    if apl is None:
        return None
    runtime = getattr(apl, "runtime", None)
    found = _version_number(getattr(runtime, "max_version", None)) if runtime is not None else None
    return found if found is not None else (1, 0)       # APL without a version: the oldest


def document_for(version):
    """(file name, document) for a device's APL version, or None if it is older than all."""
    for minimum, name in DOCUMENTS:
        if version >= minimum:
            if name not in _documents:
                with open(os.path.join(APL_DIR, name), encoding="utf-8") as handle:
                    _documents[name] = json.load(handle)
            return name, _documents[name]
    return None


def _button(label, *args):
    return {"label": label, "args": list(args)}


def screen_data(say, spoken, content, words):
    """The "screen" datasource for a reply (see the module docstring)."""
    topic = say.topic
    body = spoken.screen_text or spoken.text
    if topic is not None and topic.emergency:
        numbers = [{"label": words["screen_emergency_label"], "number": words["emergency_number"]}]
        if "crisis" in spoken.card_title.lower() or words["crisis_number"] in spoken.text:
            numbers.append({"label": words["crisis_name"], "number": words["crisis_number"]})
        return {"kind": "urgent", "title": spoken.card_title, "body": body, "sources": "",
                "numbers": numbers, "buttons": []}
    buttons = []
    if topic is not None:
        if say.part == "answer":
            buttons.append(_button(words["button_more"], "more"))
        related = content.get(topic.related) if topic.related else None
        if related is not None:
            buttons.append(_button(related.title, "topic", related.id))
        buttons.append(_button(words["button_help"], "help"))
        names = spoken.sources
        sources = "%s: %s" % (words["sources_label"], " · ".join(names)) if names else ""
        return {"kind": "answer", "title": spoken.card_title, "body": body, "sources": sources,
                "numbers": [], "buttons": buttons[:MAX_BUTTONS]}
    for topic_id in EXAMPLE_TOPICS:
        example = content.get(topic_id)
        if example is not None:
            buttons.append(_button(example.title, "topic", example.id))
    if say.prompt != "help":
        buttons = buttons[:MAX_BUTTONS - 1] + [_button(words["button_help"], "help")]
    return {"kind": "prompt", "title": spoken.card_title, "body": body, "sources": "",
            "numbers": [], "buttons": buttons[:MAX_BUTTONS]}


def render_directive(version, say, spoken, content, words):
    """The RenderDocument directive for this reply on a device whose APL runtime is
    `version` (from apl_version), or None when it is older than every document."""
    chosen = document_for(version)
    if chosen is None:
        return None
    _name, document = chosen
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective
    return RenderDocumentDirective(token=TOKEN, document=document,
                                   datasources={"screen": screen_data(say, spoken, content, words)})
