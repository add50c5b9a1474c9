#!/usr/bin/env python3
"""Certification self-check: what a certification tester would try, offline.

    python msguide_tools/certcheck.py            # table of checks; exit 1 if any fails
    python msguide_tools/certcheck.py --failures # only the failed rows (and the totals)

It sends real request envelopes through the real skill (msguide.skill, with a
throw-away SQLite memory) in every locale, and reads the built interaction
models and skill-package/skill.json. Checks:

  conversation  launch and help answer and keep the session open with a
                reprompt; every intent of the built model answers with speech,
                and with a reprompt whenever the session stays open (no dead
                ends); stop and cancel end the session; "no" to an offer asks
                what else, "no" to "anything else?" says goodbye; emergency and
                crisis replies end the session; SessionEndedRequest gets no speech;
                a one-shot question is answered; every response within Alexa's
                response limits and its SSML well-formed.
  model         each locale's interaction model within Amazon's published
                limits (LIMITS below), and the invocation name within the rules.
  manifest      health-skill wording in every description; example phrases
                that exist verbatim in the model; placeholder URLs reported.

Amazon's limits, as published (checked 2026-11):
  * Response (Request and Response JSON Reference, "Response format",
    https://developer.amazon.com/docs/custom-skills/request-and-response-json-reference.html):
    outputSpeech at most 8,000 characters; all card text at most 8,000
    characters; the whole response at most 24 kilobytes.
  * Interaction model ("Interaction model limits" in Create the Interaction
    Model for Your Skill, https://developer.amazon.com/docs/alexa/custom-skills/
    create-the-interaction-model-for-your-skill.html#limits): model size at
    most 1.5 MB; at most 250 intents; at most 350 intents and slot types
    together; slot values and synonyms at most 140 characters each. The table
    sets no separate count of sample utterances: they count through the model
    size ("the total number ... depends on the overall size of your
    interaction model", Best Practices for Sample Utterances and Custom Slot
    Type Values), so samples are reported, and bounded by the size check.
  * Invocation name (Choose the Invocation Name for a Custom Skill): two or
    more words, lower-case letters, spaces, apostrophes for possessives and
    periods only after single letters of an initialism ("m. s."), and none of
    the launch words or wake words.
"""

import argparse
import datetime
import json
import os
import re
import sys
import tempfile
import xml.etree.ElementTree as ET

from msguide_tools import build_model

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOCALES = build_model.locales()

LIMITS = {
    "speech_characters": 8000,
    "card_characters": 8000,
    "response_bytes": 24 * 1024,
    "model_bytes": int(1.5 * 1024 * 1024),
    "intents": 250,
    "intents_and_slot_types": 350,
    "slot_value_characters": 140,
}
FORBIDDEN_INVOCATION_WORDS = frozenset((
    "alexa", "amazon", "echo", "computer", "skill", "app", "launch", "ask", "tell",
    "open", "load", "begin", "enable", "start", "resume", "run", "use"))
ENDS_SESSION = frozenset(("EmergencyIntent", "CrisisIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent"))
# What a health skill's description must say plainly (certification, health category).
HEALTH_WORDING = (
    ("not a substitute for professional medical advice", r"not a substitute for professional medical advice"),
    ("talk to a doctor", r"\b(doctor|physician)\b"),
    ("local emergency number", r"emergency number"),
)
PLACEHOLDER_HOST = re.compile(r"^https://([a-z0-9-]+\.)*example\.(org|com|net)(/|$)")
BUILTIN_VALUES = {
    "AMAZON.SearchQuery": "is massage safe with ms",
    "AMAZON.TIME": "10:00",
    "AMAZON.DURATION": "PT2H",
}


class Result:
    __slots__ = ("area", "locale", "check", "ok", "detail")

    def __init__(self, area, locale, check, ok, detail=""):
        self.area, self.locale, self.check, self.ok, self.detail = area, locale, check, ok, detail


def _load(*parts):
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as handle:
        return json.load(handle)


def model_path(locale):
    return os.path.join(ROOT, "skill-package", "interactionModels", "custom", locale + ".json")


def invocation_problems(name):
    """Why an invocation name breaks Amazon's rules (empty when it does not)."""
    problems = []
    tokens = name.split(" ")
    if len(tokens) < 2:
        problems.append("needs at least two words")
    for token in tokens:
        if not re.fullmatch(r"[a-z]\.|[a-z]+('s)?", token):
            problems.append("%r: only lower-case words, or single letters with a period" % token)
        if token in FORBIDDEN_INVOCATION_WORDS:
            problems.append("%r is a launch or wake word" % token)
    return problems


def example_phrase_problem(phrase, model):
    """None when `phrase` opens the skill or is an exact sample of a real intent."""
    text = phrase.lower().rstrip(".")
    opened = re.fullmatch(r"alexa, (open|launch|start) (.+)", text)
    if opened:
        return None if opened.group(2) == model.invocation else "names another invocation"
    asked = re.fullmatch(r"alexa, (ask|tell) %s,? (.+)" % re.escape(model.invocation), text)
    if not asked:
        return "not 'Alexa, open/ask <invocation name> ...'"
    match = model.map(asked.group(2), threshold=101)
    if match is None or match.method != "exact":
        return "not a sample of the model, word for word"
    if match.intent in ("SearchIntent", "MassageQuestionIntent", "AMAZON.FallbackIntent"):
        return "reaches %s, not an intent of its own" % match.intent
    return None


# ---------------------------------------------------------------- conversation

def skill_sender(skill=None):
    """envelope -> response dict, through a real skill (memory in a temporary file)."""
    if skill is None:
        from msguide.persistence import SQLiteAdapter
        from msguide.skill import build_skill
        folder = tempfile.mkdtemp(prefix="certcheck-")
        skill = build_skill(persistence_adapter=SQLiteAdapter(os.path.join(folder, "memory.sqlite3")))

    def send(envelope):
        from ask_sdk_model import RequestEnvelope
        request = skill.serializer.deserialize(json.dumps(envelope), RequestEnvelope)
        return skill.serializer.serialize(skill.invoke(request_envelope=request, context=None))
    return send


def _speech(response):
    speech = ((response or {}).get("response") or {}).get("outputSpeech") or {}
    return speech.get("ssml") or speech.get("text") or ""


def _plain(ssml):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", ssml)).strip()


def _reprompt(response):
    reprompt = ((response or {}).get("response") or {}).get("reprompt") or {}
    speech = reprompt.get("outputSpeech") or {}
    return speech.get("ssml") or speech.get("text") or ""


def _ends(response):
    return bool(((response or {}).get("response") or {}).get("shouldEndSession"))


def _hands_over(response):
    """A directive that gives the turn to Alexa (permission request): no reprompt then."""
    return any(d.get("type") == "Connections.SendRequest"
               for d in ((response or {}).get("response") or {}).get("directives") or [])


def response_problems(response, speaks=True):
    """Limits and form of one response (empty list when it is fine)."""
    problems = []
    if not isinstance(response, dict) or "response" not in response:
        return ["no response object"]
    size = len(json.dumps(response, separators=(",", ":")).encode("utf-8"))
    if size > LIMITS["response_bytes"]:
        problems.append("response is %d bytes (limit %d)" % (size, LIMITS["response_bytes"]))
    ssml = _speech(response)
    if speaks and not _plain(ssml):
        problems.append("no speech")
    if len(ssml) > LIMITS["speech_characters"]:
        problems.append("speech is %d characters (limit %d)" % (len(ssml), LIMITS["speech_characters"]))
    for text in (ssml, _reprompt(response)):
        if text.startswith("<speak>"):
            try:
                ET.fromstring(text)
            except ET.ParseError as exc:
                problems.append("SSML not well-formed: %s" % exc)
    card = response["response"].get("card") or {}
    card_chars = sum(len(str(card.get(k) or "")) for k in ("title", "content", "text"))
    if card_chars > LIMITS["card_characters"]:
        problems.append("card is %d characters (limit %d)" % (card_chars, LIMITS["card_characters"]))
    if speaks and not _ends(response) and not _reprompt(response) and not _hands_over(response):
        problems.append("session stays open without a reprompt (a dead end)")
    return problems


def _urgent_card(response, locale):
    from msguide.wording import for_locale
    words = for_locale(locale)
    title = ((response.get("response") or {}).get("card") or {}).get("title")
    return title in (words["emergency_card_title"], words["crisis_card_title"])


def slots_for(intent, types, skill_id):
    from msguide_sim.envelopes import slot
    slots = {}
    for entry in intent.get("slots", []):
        type_name = entry["type"]
        if type_name in types:
            value = types[type_name]["values"][0]["name"]["value"]
            slots[entry["name"]] = slot(entry["name"], value, value, type_name, skill_id)
        elif type_name == "AMAZON.DATE":
            tomorrow = datetime.date.today() + datetime.timedelta(days=1)
            slots[entry["name"]] = slot(entry["name"], tomorrow.isoformat())
        elif type_name in BUILTIN_VALUES:
            slots[entry["name"]] = slot(entry["name"], BUILTIN_VALUES[type_name])
        else:
            slots[entry["name"]] = slot(entry["name"])
    return slots


def conversation_checks(send, locale):
    from msguide_sim.envelopes import SimulatedUser
    language = _load("skill-package", "interactionModels", "custom", locale + ".json")
    language = language["interactionModel"]["languageModel"]
    types = {t["name"]: t for t in language.get("types", [])}
    results = []

    def check(name, ok, detail=""):
        results.append(Result("conversation", locale, name, ok, detail))

    def turn(user, envelope):
        response = send(envelope)
        user.absorb(response)
        return response

    def opened():
        user = SimulatedUser(locale=locale)
        return user, turn(user, user.launch())

    user, launch = opened()
    problems = response_problems(launch)
    check("launch answers and asks", not problems and not _ends(launch), "; ".join(problems))
    helped = turn(user, user.intent_with_slots("AMAZON.HelpIntent", {}))
    problems = response_problems(helped)
    check("help answers and asks", not problems and not _ends(helped) and bool(_reprompt(helped)),
          "; ".join(problems) or ("ends the session" if _ends(helped) else ""))

    failures = []
    for intent in language["intents"]:
        name = intent["name"]
        user, _ = opened()
        response = turn(user, user.intent_with_slots(name, slots_for(intent, types, user.skill_id)))
        problems = response_problems(response)
        if name in ("EmergencyIntent", "CrisisIntent") and not _ends(response):
            problems.append("an emergency reply must end the session")
        # a start that keeps its word ("collapsed ...") answers as its words say: an
        # emergency or crisis reply ends the session, as it must
        from msguide.understanding.carriers import KEPT_PREFIXES
        urgent_start = name.startswith(KEPT_PREFIXES) and _urgent_card(response, locale)
        if _ends(response) and name not in ENDS_SESSION and name != "AMAZON.NoIntent" and not urgent_start:
            problems.append("ends the session")
        if problems:
            failures.append("%s: %s" % (name, "; ".join(problems)))
    check("every intent answers (%d)" % len(language["intents"]), not failures, " | ".join(failures))

    for name in ("AMAZON.StopIntent", "AMAZON.CancelIntent"):
        user, _ = opened()
        response = turn(user, user.intent_with_slots(name, {}))
        check("%s ends the session" % name.split(".")[1], _ends(response) and not response_problems(response))

    user, _ = opened()
    slots = slots_for({"slots": [{"name": "symptom", "type": "SYMPTOM"}]}, types, user.skill_id)
    answer = turn(user, user.intent_with_slots("SymptomIntent", slots))
    offered = _plain(_speech(answer)).endswith("?")
    declined = turn(user, user.intent_with_slots("AMAZON.NoIntent", {}))
    check("'no' to an offer asks what else", offered and not _ends(declined)
          and not response_problems(declined), _plain(_speech(declined))[-80:])
    bye = turn(user, user.intent_with_slots("AMAZON.NoIntent", {}))
    check("'no' to 'anything else?' says goodbye", _ends(bye) and bool(_plain(_speech(bye))))

    user, _ = opened()
    ended = send(user.session_ended())
    check("session end gets no speech", not _speech(ended) and not response_problems(ended, speaks=False))

    user = SimulatedUser(locale=locale)
    slots = slots_for({"slots": [{"name": "heat", "type": "HEAT"}]}, types, user.skill_id)
    one_shot = turn(user, user.intent_with_slots("HeatIntent", slots))
    problems = response_problems(one_shot)
    check("one-shot question answered", not problems, "; ".join(problems))
    return results


# ---------------------------------------------------------------- model

def model_checks(locale):
    results = []
    path = model_path(locale)
    size = os.path.getsize(path)
    language = _load(path)["interactionModel"]["languageModel"]
    intents, types = language["intents"], language.get("types", [])
    samples = sum(len(i.get("samples", [])) for i in intents)

    def check(name, ok, detail=""):
        results.append(Result("model", locale, name, ok, detail))

    check("size %d KB of %d KB (%d samples)" % (size // 1024, LIMITS["model_bytes"] // 1024, samples),
          size <= LIMITS["model_bytes"])
    check("%d intents of %d" % (len(intents), LIMITS["intents"]), len(intents) <= LIMITS["intents"])
    check("%d intents and slot types of %d" % (len(intents) + len(types), LIMITS["intents_and_slot_types"]),
          len(intents) + len(types) <= LIMITS["intents_and_slot_types"])
    long_values = [p for t in types for v in t["values"]
                   for p in [v["name"]["value"]] + v["name"].get("synonyms", [])
                   if len(p) > LIMITS["slot_value_characters"]]
    check("slot values and synonyms within %d characters" % LIMITS["slot_value_characters"],
          not long_values, ", ".join(long_values[:3]))
    problems = invocation_problems(language["invocationName"])
    check("invocation name %r" % language["invocationName"], not problems, "; ".join(problems))
    return results


# ---------------------------------------------------------------- manifest

def manifest_checks(manifest=None):
    from msguide_sim.nlu import VoiceModel
    manifest = manifest or _load("skill-package", "skill.json")["manifest"]
    results = []
    locales = manifest["publishingInformation"]["locales"]
    for locale in LOCALES:
        entry = locales.get(locale, {})
        description = entry.get("description", "")
        missing = [label for label, pattern in HEALTH_WORDING if not re.search(pattern, description, re.I)]
        results.append(Result("manifest", locale, "description says what a health skill must",
                              not missing, "missing: " + ", ".join(missing) if missing else ""))
        model = VoiceModel.for_locale(locale)
        bad = ["%r %s" % (phrase, problem) for phrase in entry.get("examplePhrases", [])
               for problem in [example_phrase_problem(phrase, model)] if problem]
        results.append(Result("manifest", locale, "example phrases are samples of the model",
                              not bad and bool(entry.get("examplePhrases")), "; ".join(bad)))
    urls = [entry.get(key) for entry in locales.values() for key in ("smallIconUri", "largeIconUri")]
    urls += [entry.get(key) for entry in manifest["privacyAndCompliance"]["locales"].values()
             for key in ("privacyPolicyUrl", "termsOfUseUrl")]
    placeholders = sorted(set(u for u in urls if u and PLACEHOLDER_HOST.match(u)))
    results.append(Result("manifest", "all", "privacy, terms and icon URLs", True,
                          ("placeholder (example.org) until you publish: run "
                           "`python msguide_tools/publish_urls.py https://<your host>`") if placeholders else ""))
    return results


def run(send=None, locales=LOCALES):
    send = send or skill_sender()
    results = []
    for locale in locales:
        results += conversation_checks(send, locale)
        results += model_checks(locale)
    results += manifest_checks()
    return results


def table(results, only_failures=False):
    rows = [r for r in results if not (only_failures and r.ok)]
    width = max([len(r.check) for r in rows] + [10])
    lines = ["%-4s  %-12s  %-6s  %-*s  %s" % ("", "area", "locale", width, "check", "detail")]
    for r in rows:
        lines.append("%-4s  %-12s  %-6s  %-*s  %s" % ("ok" if r.ok else "FAIL", r.area, r.locale,
                                                      width, r.check, r.detail))
    failed = sum(1 for r in results if not r.ok)
    lines.append("%d checks, %d failed" % (len(results), failed))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--failures", action="store_true", help="print only the failed checks")
    args = parser.parse_args(argv)
    import logging
    logging.disable(logging.CRITICAL)         # the skill's own logs are not the report
    results = run()
    print(table(results, args.failures))
    return 1 if any(not r.ok for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
