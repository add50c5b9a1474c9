"""Turn what the skill decided to say into speech, reprompt and card.

This module knows nothing about how a topic was found; handlers pass it a
Say (a topic part or a named prompt) and get back a Spoken with SSML-safe
speech, the reprompt, the card and the offer that "yes" will accept.
"""

import re
from . import wording

TOPIC_PARTS = ("answer", "more")
PROMPTS = ("launch", "welcome_back", "help", "fallback", "unknown", "anything_else",
           "what_next", "nothing_to_repeat", "error", "notice")
_PLACEHOLDER = re.compile(r"\{(thing|emergency_number)\}")


class Say:
    """What to say: a part of a topic, or one of the named prompts."""

    __slots__ = ("topic", "part", "thing", "prompt", "lead", "text", "resume")

    def __init__(self, topic=None, part="answer", thing=None, prompt=None,
                 lead=None, text=None, resume=None):
        self.topic = topic          # Topic or None
        self.part = part            # "answer" | "more"
        self.thing = thing          # spoken slot value for template topics
        self.prompt = prompt        # name from PROMPTS when topic is None
        self.lead = lead            # wording key said first ("ok")
        self.text = text            # plain text of a "notice" prompt
        self.resume = resume        # Topic offered by the "welcome_back" prompt


class Spoken:
    """A rendered reply."""

    __slots__ = ("ssml", "text", "reprompt_ssml", "card_title", "card_text",
                 "offer", "end_session")

    def __init__(self, ssml, text, reprompt_ssml, card_title, card_text,
                 offer, end_session):
        self.ssml = ssml
        self.text = text
        self.reprompt_ssml = reprompt_ssml
        self.card_title = card_title
        self.card_text = card_text
        self.offer = offer
        self.end_session = end_session


def escape(text):
    """Escape text for SSML (xml.sax.saxutils would pull in urllib at start-up)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fill_plain(text, words, thing):
    def sub(match):
        if match.group(1) == "thing":
            return thing or "that"
        return words["emergency_number"]
    return _PLACEHOLDER.sub(sub, text)


def _fill_ssml(text, words, thing):
    """Escape text for SSML and fill placeholders (numbers read as digits)."""
    out, last = [], 0
    for match in _PLACEHOLDER.finditer(text):
        out.append(escape(text[last:match.start()]))
        if match.group(1) == "thing":
            out.append(escape(thing or "that"))
        else:
            out.append('<say-as interpret-as="digits">%s</say-as>'
                       % escape(words["emergency_number"]))
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def _speak(*parts):
    return "<speak>%s</speak>" % " ".join(p for p in parts if p)


def _prompt_text(name, words, first_launch=True, say=None):
    if name == "welcome_back":
        body = "%s %s" % (words["welcome_back"], words["disclaimer_short"])
        return body, words["pick_up"].format(label=say.resume.label)
    if name == "notice":
        return say.text, words["anything_else"]
    if name == "launch":
        extra = words["disclaimer"] if first_launch else words["disclaimer_short"]
        return "%s %s" % (words["welcome"], extra), words["what_next"]
    if name == "help":
        return words["help"], words["what_next"]
    if name == "fallback":
        return "%s %s" % (words["not_understood"], words["examples"]), words["what_next"]
    if name == "unknown":
        return "%s %s" % (words["unknown"], words["examples"]), words["what_next"]
    if name == "nothing_to_repeat":
        return words["nothing_to_repeat"], words["what_next"]
    if name == "error":
        return words["error"], words["reprompt"]
    if name == "what_next":
        return "", words["what_next"]
    return "", words["anything_else"]


def _offer_for(say, content, words):
    """(offer dict, question) that follows a topic part."""
    topic = say.topic
    if topic.emergency:
        return None, ""
    if say.part == "answer":
        return ({"kind": "more", "topic": topic.id},
                words["offer_more"].format(label=topic.label))
    if topic.reminder:
        return ({"kind": "reminder", "task": topic.reminder["task"]},
                words["offer_reminder"].format(say=topic.reminder["say"]))
    related = content.get(topic.related) if topic.related else None
    if related is not None:
        return ({"kind": "topic", "topic": related.id},
                words["offer_topic"].format(label=related.label))
    return {"kind": "anything_else"}, words["anything_else"]


def _card_text(say, content, words, body):
    topic = say.topic
    lines = [body]
    if topic.safety:
        lines.append(content.safety_reminders[topic.safety])
    names = content.source_names(topic)
    if names:
        lines.append("%s: %s" % (words["sources_label"], "; ".join(names)))
    lines.append(words["card_disclaimer"])
    return "\n\n".join(lines)


def render(say, content, locale, first_launch=True):
    """Render a Say for a locale into a Spoken."""
    words = wording.for_locale(locale)
    lead = words[say.lead] if say.lead else ""
    if say.topic is None:
        body, question = _prompt_text(say.prompt, words, first_launch, say)
        offer = None
        if say.prompt in ("anything_else", "notice"):
            offer = {"kind": "anything_else"}
        elif say.prompt == "welcome_back":
            offer = {"kind": "topic", "topic": say.resume.id}
        text = " ".join(p for p in (lead, body, question) if p)
        return Spoken(_speak(escape(text)), text, _speak(escape(question)),
                      words["skill_name"], text, offer, False)

    topic = say.topic
    raw = topic.answer if say.part == "answer" else topic.more
    reminder = content.safety_reminders[topic.safety] if say.part == "more" and topic.safety else ""
    offer, question = _offer_for(say, content, words)
    plain = _fill_plain(raw, words, say.thing)
    text = " ".join(p for p in (lead, plain, reminder, question) if p)
    ssml = _speak(escape(lead), _fill_ssml(raw, words, say.thing), escape(reminder),
                  escape(question))
    if topic.emergency:
        return Spoken(ssml, text, None, words["emergency_card_title"],
                      _card_text(say, content, words, plain), None, True)
    reprompt = _speak(escape(question or words["reprompt"]))
    return Spoken(ssml, text, reprompt, topic.title,
                  _card_text(say, content, words, plain), offer, False)
