"""Turn what the skill decided to say into speech, reprompt and card.

This module knows nothing about how a topic was found; handlers pass it a
Say (a topic part or a named prompt) and get back a Spoken with SSML-safe
speech, the reprompt, the card and the offer that "yes" will accept.
"""


from . import wording
from .content import LazyPattern, Topic

TOPIC_PARTS = ("answer", "more")      # and "full" (both at once: the "details" preference)
PROSODY_RATES = {"slow": "80%", "fast": "115%"}     # a speech rate -> its SSML prosody rate
_TAG = LazyPattern(r"(<[^>]+>)")
PROMPTS = ("launch", "welcome_back", "help", "fallback", "unknown", "anything_else",
           "what_next", "nothing_to_repeat", "nothing_to_go_back_to", "error", "notice", "confirm", "not_covered",
           "decline")
TOPIC_PROMPTS = ("welcome_back", "confirm")      # prompts that offer a topic ("yes" says it)
_PLACEHOLDER = LazyPattern(r"\{(thing|emergency_number|crisis_line|primary_doctor|pharmacist|health_cover)\}")
_NUMBERS = ("emergency_number", "crisis_line")     # said clearly, digit by digit
_DIGITS = LazyPattern(r"\d+(?: \d+)*")
_SENTENCE_END = LazyPattern(r"(?<=[.;]) ")


class Say:
    """What to say: a part of a topic, or one of the named prompts.

    (A plain class, not a dataclass: @dataclass(slots=True) costs about 1 ms of
    cold start per class, measured with bench/instructions.py.)"""

    __slots__ = ("topic", "part", "thing", "prompt", "lead", "text", "resume", "going_back", "rate", "offer")

    def __init__(self, topic: Topic | None = None, part: str = "answer", thing: str | None = None,
                 prompt: str | None = None, lead: str | None = None, text: str | None = None,
                 resume: Topic | None = None, going_back: bool = False, rate: str | None = None,
                 offer: dict | None = None):
        self.topic = topic          # the topic said, or None for a prompt
        self.part = part            # "answer" | "more" | "full" (both at once)
        self.thing = thing          # spoken slot value for template topics
        self.prompt = prompt        # name from PROMPTS when topic is None
        self.lead = lead            # wording key said first ("ok")
        self.text = text            # plain text of a "notice" prompt
        self.resume = resume        # Topic a "welcome_back" or "confirm" prompt offers
        self.going_back = going_back   # said by "go back": not itself a place to go back to
        self.rate = rate            # this turn only ("say that again slowly"); else the user's
        self.offer = offer          # what a notice's own question offers ("shall I set it?"),
                                    # in place of "anything else?"


class Spoken:
    """A rendered reply."""

    __slots__ = ("ssml", "text", "reprompt_ssml", "card_title", "card_text",
                 "offer", "end_session", "screen_text", "sources")

    def __init__(self, ssml: str, text: str, reprompt_ssml: str | None, card_title: str, card_text: str,
                 offer: dict | None, end_session: bool, screen_text: str = "", sources=()):
        self.ssml = ssml
        self.text = text
        self.reprompt_ssml = reprompt_ssml
        self.card_title = card_title
        self.card_text = card_text
        self.offer = offer                 # what "yes" (or "no") will answer next turn
        self.end_session = end_session
        self.screen_text = screen_text     # what a screen shows: the reply without its question
        self.sources = list(sources)       # names of the sources the card lists


def escape(text):
    """Escape text for SSML (xml.sax.saxutils would pull in urllib at start-up)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fill_plain(text, words, thing):
    def sub(match):
        if match.group(1) == "thing":
            return thing or "that"
        return words[match.group(1)]
    return _PLACEHOLDER.sub(sub, text)


def _numbers_ssml(text, words):
    """Escape text with phone numbers in it: a `pronounce` entry becomes an
    SSML sub ("000" -> "triple zero"), any other number is read digit by digit."""
    pronounce = words.get("pronounce", {})
    out, last = [], 0
    for match in _DIGITS.finditer(text):
        out.append(escape(text[last:match.start()]))
        number = match.group(0)
        if number in pronounce:
            out.append('<sub alias="%s">%s</sub>' % (escape(pronounce[number]), escape(number)))
        else:
            out.append('<say-as interpret-as="digits">%s</say-as>' % escape(number))
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def _fill_ssml(text, words, thing):
    """Escape text for SSML and fill placeholders (phone numbers said clearly)."""
    out, last = [], 0
    for match in _PLACEHOLDER.finditer(text):
        out.append(escape(text[last:match.start()]))
        if match.group(1) == "thing":
            out.append(escape(thing or "that"))
        elif match.group(1) in _NUMBERS:
            out.append(_numbers_ssml(words[match.group(1)], words))
        else:
            out.append(escape(words[match.group(1)]))
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def _unhurried(ssml):
    """A slower voice with a pause after each sentence (crisis support)."""
    return '<prosody rate="90%%">%s</prosody>' % _SENTENCE_END.sub('<break time="500ms"/> ', ssml)


def _speak(*parts):
    return "<speak>%s</speak>" % " ".join(p for p in parts if p)


def with_rate(ssml, rate):
    """The same speech at a user's rate: "slow" also pauses after each sentence.

    Pauses go only into text between tags, never inside a tag or an escape,
    so the SSML stays what it was apart from the added elements."""
    if rate not in PROSODY_RATES or not ssml:
        return ssml
    inner = ssml[len("<speak>"):-len("</speak>")]
    if rate == "slow":
        inner = "".join(part if part.startswith("<") else _SENTENCE_END.sub('<break time="400ms"/> ', part)
                        for part in _TAG.split(inner))
    return '<speak><prosody rate="%s">%s</prosody></speak>' % (PROSODY_RATES[rate], inner)


def _prompt_text(name, words, first_launch=True, say=None):
    if name == "welcome_back":
        body = "%s %s" % (words["welcome_back"], words["disclaimer_short"])
        return body, words["pick_up"].format(label=say.resume.label)
    if name == "notice":
        if say.text.endswith("?"):          # a notice that asks its own question
            body, _, question = say.text.rpartition(". ")
            return (body + ".", question) if body else ("", say.text)
        return say.text, words["anything_else"]
    if name == "launch":
        extra = words["disclaimer"] if first_launch else words["disclaimer_short"]
        hint = " " + words["speed_hint"] if say is not None and say.text == "speed_hint" else ""
        return "%s %s%s" % (words["welcome"], extra, hint), words["what_next"]
    if name == "help":
        return words["help"], words["what_next"]
    if name == "fallback":
        return "%s %s" % (words["not_understood"], words["examples"]), words["what_next"]
    if name == "unknown":
        return "%s %s" % (words["unknown"], words["examples"]), words["what_next"]
    if name == "decline":
        return "%s %s" % (words["decline"], words["examples"]), words["what_next"]
    if name == "not_covered":
        return words["not_covered"], words["anything_else"]
    if name == "confirm":
        return "", words["confirm"].format(label=say.resume.label)
    if name in ("nothing_to_repeat", "nothing_to_go_back_to"):
        return words[name], words["what_next"]
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


def _card_text(say, content, words, body, names):
    topic = say.topic
    lines = [body]
    if topic.safety:
        lines.append(content.safety_reminders[topic.safety])
    if names:             # each source on its own line, never run into the disclaimer
        lines.append("%s:\n%s" % (words["sources_label"], "\n".join("- " + name for name in names)))
    lines.append(words["card_disclaimer"])
    return "\n\n".join(lines)


def render(say, content, locale, first_launch=True, rate=None):
    """Render a Say for a locale into a Spoken, at `rate` ("slow", "fast" or None;
    a Say's own rate wins). Emergency and crisis replies are never sped up."""
    spoken = _render(say, content, locale, first_launch)
    rate = say.rate or rate
    if rate == "fast" and say.topic is not None and say.topic.emergency:
        rate = None
    if rate:
        spoken.ssml = with_rate(spoken.ssml, rate)
        spoken.reprompt_ssml = with_rate(spoken.reprompt_ssml, rate)
    return spoken


def _render(say, content, locale, first_launch=True):
    words = wording.for_locale(locale)
    lead = _fill_plain(words[say.lead], words, None) if say.lead else ""
    lead_ssml = _fill_ssml(words[say.lead], words, None) if say.lead else ""
    if say.topic is None:
        body, question = _prompt_text(say.prompt, words, first_launch, say)
        offer = None
        if say.offer is not None:
            offer = say.offer
        elif say.prompt in ("anything_else", "notice", "not_covered"):
            offer = {"kind": "anything_else"}
        elif say.prompt in TOPIC_PROMPTS:
            offer = {"kind": "topic", "topic": say.resume.id}
        # Fallback carries no words, so it cannot be triaged: its first sentence
        # says where urgent help is, briefly, before anything else.
        pointer = _fill_plain(words["urgent_pointer"], words, None) if say.prompt == "fallback" else ""
        text = " ".join(p for p in (pointer, lead, body, question) if p)
        ssml = " ".join(p for p in (_fill_ssml(words["urgent_pointer"], words, None) if pointer else "",
                                    lead_ssml, escape(body), escape(question)) if p)
        return Spoken(_speak(ssml), text, _speak(escape(question)),
                      words["skill_name"], text, offer, False, body or question)

    topic = say.topic
    locale = wording.supported_locale(locale)
    if say.part == "full":
        raw = " ".join(content.text(topic, part, locale) for part in TOPIC_PARTS)
    else:
        raw = content.text(topic, say.part, locale)
    sources = content.card_sources(topic, say.part, locale)
    reminder = content.safety_reminders[topic.safety] if say.part != "answer" and topic.safety else ""
    offer, question = _offer_for(say, content, words)
    plain = _fill_plain(raw, words, say.thing)
    text = " ".join(p for p in (lead, plain, reminder, question) if p)
    body = _fill_ssml(raw, words, say.thing)
    if topic.pace == "slow":
        body = _unhurried(body)
    ssml = _speak(lead_ssml, body, escape(reminder), escape(question))
    screen_text = " ".join(p for p in (plain, reminder) if p)
    if topic.emergency:
        title = words["crisis_card_title"] if "{crisis_line}" in raw else words["emergency_card_title"]
        return Spoken(ssml, text, None, title,
                      _card_text(say, content, words, plain, sources), None, True, screen_text, sources)
    reprompt = _speak(escape(question or words["reprompt"]))
    return Spoken(ssml, text, reprompt, topic.title,
                  _card_text(say, content, words, plain, sources), offer, False, screen_text, sources)
