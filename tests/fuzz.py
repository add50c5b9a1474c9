"""A seeded fuzzer over real request envelopes, and the rules a response must keep.

`cases(seed, n)` starts from envelopes of every kind the Alexa service sends
(launch, questions, yes/more/repeat, session ends, permission answers, skill
and reminder events, recorded conversations) and applies one to three
mutations each: drop a field, give it the wrong type, make a string huge or
strange, give an odd locale, swap the request type. `problems(event, reply)`
lists every way a reply is not valid for the request it answers.
"""

import copy
import glob
import json
import os
import random
import xml.etree.ElementTree as ET

from alexa import Session, slot

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MUST_SPEAK = {"LaunchRequest", "IntentRequest"}      # a person just said something
SPEAKING = MUST_SPEAK | {"Connections.Response", "Alexa.Presentation.APL.UserEvent",
                         "Display.ElementSelected"}
REQUEST_TYPES = sorted(SPEAKING | {
    "SessionEndedRequest", "System.ExceptionEncountered", "AlexaSkillEvent.SkillDisabled",
    "AlexaSkillEvent.SkillPermissionAccepted", "Reminders.ReminderCreated",
    "CanFulfillIntentRequest", "Nonsense", ""})
LOCALES = ["en-US", "en-GB", "en-AU", "en-CA", "en-IN", "", "xx", "en-NZ", "fr-FR", "EN-us",
           "en_US", "en-US-x-private", "\u0000", "e" * 300]
WORDS = ["is a hot tub safe", "I don't want to live anymore", "my chest hurts", "hot tub",
         "massage", "", " ", "\u202e\u0000<speak>&amp;</speak>", "ünïcödé 🙂", "a" * 2000,
         "{thing}", "%s %d", "'; drop table", "<audio src='x'/>"]


def base_envelopes():
    user = Session()
    found = [user.launch(),
             user.intent("SearchIntent", query="is massage good for spasticity"),
             user.intent("HeatIntent", heat=("hot tub", "hot tub")),
             user.intent("SymptomIntent", symptom=("fatigue", "fatigue")),
             user.intent("AMAZON.YesIntent"), user.intent("AMAZON.MoreIntent"),
             user.intent("AMAZON.RepeatIntent"), user.intent("AMAZON.HelpIntent"),
             user.intent("AMAZON.FallbackIntent"), user.intent("AMAZON.StopIntent"),
             user.intent("SetReminderIntent", date="2026-12-01", time="10:00"),
             user.intent("CrisisIntent"), user.intent("SearchIntent", query="I want to end it all"),
             user.session_ended(), user.permission_answer("ACCEPTED"), user.skill_disabled()]
    for kind in ("AlexaSkillEvent.SkillPermissionAccepted", "Reminders.ReminderStatusChanged",
                 "System.ExceptionEncountered"):
        event = user.envelope(user.request(kind, body={"alertToken": "a"}))
        del event["session"]
        found.append(event)
    found[1]["request"]["intent"]["slots"]["extra"] = slot("extra", "fatigue", "fatigue", "SymptomType")
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "recordings", "*.json"))):
        with open(path, encoding="utf-8") as handle:
            found.append(json.load(handle)["request"])
    return found


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, prefix + (index,))


def _strange(rng):
    return rng.choice([
        None, True, 0, -1, 2 ** 70, 1.5e308, "", [], {}, [None], {"": ""},
        rng.choice(WORDS), "x" * rng.choice([10_000, 60_000]), rng.choice(LOCALES),
        "".join(chr(rng.randrange(0, 0x2FFF)) for _ in range(rng.randrange(1, 40)))])


def mutate(envelope, rng):
    paths = [p for p in _paths(envelope) if p]
    path = rng.choice(paths)
    parent = envelope
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    action = rng.randrange(6)
    if action == 0 and isinstance(parent, dict):
        del parent[last]
    elif action == 1 and isinstance(envelope.get("request"), dict):
        envelope["request"]["locale"] = rng.choice(LOCALES + [None, 3, ["en-US"]])
    elif action == 2 and isinstance(envelope.get("request"), dict):
        envelope["request"]["type"] = rng.choice(REQUEST_TYPES)
    elif action == 3:
        parent[last] = rng.choice(WORDS) if isinstance(parent[last], str) else _strange(rng)
    else:
        parent[last] = _strange(rng)
    return envelope


def cases(seed, count):
    rng = random.Random(seed)
    bases = base_envelopes()
    for _ in range(count):
        envelope = copy.deepcopy(rng.choice(bases))
        for _ in range(rng.choice((1, 1, 2, 3))):
            envelope = mutate(envelope, rng)
        yield envelope


def request_type(event):
    request = event.get("request") if isinstance(event, dict) else None
    kind = request.get("type") if isinstance(request, dict) else None
    return kind if isinstance(kind, str) else None


def _ssml_problem(ssml):
    if not isinstance(ssml, str):
        return "SSML is not a string"
    if len(ssml) > 8000:
        return "SSML longer than Alexa's 8000 characters"
    try:
        root = ET.fromstring(ssml)
    except ET.ParseError as exc:
        return "SSML is not well-formed: %s" % exc
    return None if root.tag == "speak" else "SSML root is not <speak>"


def problems(event, reply):
    """Every way `reply` is not a valid response to `event` (empty list: valid)."""
    found = []
    try:
        if len(json.dumps(reply)) > 120_000:
            found.append("response larger than 120 KB")
    except (TypeError, ValueError) as exc:
        return ["response is not JSON: %s" % exc]
    if not isinstance(reply, dict) or reply.get("version") != "1.0":
        return ["no version 1.0 envelope"]
    response = reply.get("response")
    if not isinstance(response, dict):
        return ["no response object"]
    attributes = reply.get("sessionAttributes")
    if attributes is not None and not isinstance(attributes, dict):
        found.append("sessionAttributes is not an object")
    if request_type(event) is not None and request_type(event) not in SPEAKING:
        for field in ("outputSpeech", "reprompt", "card", "directives"):
            if field in response:
                found.append("%s in a response to %r" % (field, request_type(event)))
        return found
    speech = response.get("outputSpeech")
    if speech is None and request_type(event) not in MUST_SPEAK:   # may speak, and didn't
        return found
    if not isinstance(speech, dict) or speech.get("type") != "SSML":
        return found + ["no SSML speech for %r" % request_type(event)]
    problem = _ssml_problem(speech.get("ssml"))
    if problem:
        found.append(problem)
    ends = response.get("shouldEndSession")
    if ends is not None and not isinstance(ends, bool):
        found.append("shouldEndSession is not a boolean")
    if not ends:
        reprompt = (response.get("reprompt") or {}).get("outputSpeech") or {}
        problem = _ssml_problem(reprompt.get("ssml"))
        if problem:
            found.append("open session without a good reprompt: %s" % problem)
    card = response.get("card")
    if card is not None and not (isinstance(card, dict) and isinstance(card.get("type"), str)):
        found.append("card without a type")
    return found
