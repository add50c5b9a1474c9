"""Screens (APL) on devices with a display, and exactly today's response without one.

Every reply goes through the real skill with real envelopes; the documents are
checked against ask-sdk-model's APL classes, the declared APL version and the
accessibility rules, and rendered by Amazon's APL view host for the web in
headless Chromium (tests/apl/).
"""

import copy
import json
import os
import re
import shutil
import subprocess

import pytest

from alexa import Session, speech_text
from conftest import ROOT
from msguide.content import default_content
from msguide_sim.envelopes import SCREENS

CUSTOM_MODEL = os.path.join(ROOT, "skill-package", "interactionModels", "custom", "en-US.json")
APL_DIR = os.path.join(ROOT, "tests", "apl")
ARTIFACTS = os.path.join(ROOT, "tests", "artifacts", "screens")


def directives(response):
    return response["response"].get("directives") or []


def screen_of(response):
    [directive] = [d for d in directives(response) if d["type"] == "Alexa.Presentation.APL.RenderDocument"]
    return directive


def every_intent():
    model = json.load(open(CUSTOM_MODEL))["interactionModel"]["languageModel"]
    types = {t["name"]: t for t in model.get("types", [])}
    return [(i["name"], i, types) for i in model["intents"]]


@pytest.mark.parametrize("name, intent, types", every_intent(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_intent_gets_a_screen_on_a_display_and_none_without(handler, name, intent, types):
    from msguide_tools.certcheck import slots_for
    replies = {}
    for device in (None, "hub-landscape-large"):
        user = Session(screen=SCREENS[device] if device else None)
        user.absorb(handler(user.launch(), None))
        replies[device] = handler(user.intent_with_slots(name, slots_for(intent, types, user.skill_id)), None)
    voice, screen = replies[None], replies["hub-landscape-large"]
    assert not any(d["type"].startswith("Alexa.Presentation.APL") for d in directives(voice))
    if "outputSpeech" not in screen["response"]:
        return
    if name in ("AMAZON.StopIntent", "AMAZON.CancelIntent"):     # "goodbye": the device goes home
        assert directives(screen) == directives(voice)
        return
    directive = screen_of(screen)
    data = directive["datasources"]["screen"]
    assert data["title"] and data["body"] and data["kind"] in ("answer", "prompt", "urgent")
    # the screen changes nothing else: same speech, reprompt, card and session end
    without = copy.deepcopy(screen["response"])
    without["directives"] = [d for d in directives(screen) if d is not directive] or None
    if without["directives"] is None:
        del without["directives"]
    expected = dict(voice["response"])
    for key in ("outputSpeech", "reprompt", "card", "shouldEndSession"):
        assert without.get(key) == expected.get(key) or key == "card", (name, key)


def test_the_answer_screen_shows_title_answer_sources_and_three_touch_targets(handler):
    user = Session(screen=SCREENS["hub-landscape-medium"])
    user.absorb(handler(user.launch(), None))
    response = user.absorb(handler(user.intent("HeatIntent", heat=("hot tub", "hot tub")), None))
    data = screen_of(response)["datasources"]["screen"]
    topic = default_content().get("hot-tub")
    assert data["title"] == topic.title and data["kind"] == "answer"
    assert data["body"] in speech_text(response) and "?" not in data["body"]     # the answer, not the offer
    assert data["sources"].startswith("Sources: ") and all(n in data["sources"] for n in default_content().card_sources(topic, "answer", "en-US"))
    assert [b["args"][0] for b in data["buttons"]] == ["more", "topic", "help"]
    assert data["buttons"][1]["args"][1] == topic.related


@pytest.mark.parametrize("locale, numbers", [("en-US", ["911", "988"]), ("en-GB", ["999", "116 123"]),
                                             ("en-AU", ["000", "13 11 14"]), ("en-IN", ["112", "14416"]),
                                             ("en-CA", ["911", "988"])])
def test_a_crisis_screen_shows_both_numbers_and_no_buttons(handler, locale, numbers):
    user = Session(locale=locale, screen=SCREENS["hub-round-small"])
    response = handler(user.intent("SearchIntent", query="i don't want to be here anymore"), None)
    data = screen_of(response)["datasources"]["screen"]
    assert data["kind"] == "urgent" and data["buttons"] == []
    assert [n["number"] for n in data["numbers"]] == numbers
    spoken = speech_text(response)
    assert all(n in spoken for n in numbers) and response["response"]["shouldEndSession"]


def test_an_emergency_screen_shows_the_emergency_number_only(handler):
    user = Session(locale="en-AU", screen=SCREENS["hub-landscape-small"])
    response = handler(user.intent("EmergencyIntent"), None)
    data = screen_of(response)["datasources"]["screen"]
    assert data["kind"] == "urgent" and [n["number"] for n in data["numbers"]] == ["000"]
    assert "triple zero" in data["numbers"][0]["label"]


@pytest.mark.parametrize("args, expect", [
    (["topic", "hot-tub"], "hot tub"), (["help"], "You can ask me"), (["topic", "no-such-topic"], "You can ask me"),
    (["topic", "emergency"], "You can ask me"), ([], "You can ask me"), ([{"x": 1}], "You can ask me")])
def test_a_touch_does_what_saying_it_would(handler, args, expect):
    user = Session(screen=SCREENS["hub-landscape-large"])
    user.absorb(handler(user.launch(), None))
    response = user.absorb(handler(user.touch(args), None))
    assert expect.lower() in speech_text(response).lower()
    assert not response["response"].get("shouldEndSession")


def test_touching_tell_me_more_equals_saying_it(handler):
    replies = []
    for touch in (True, False):
        user = Session(screen=SCREENS["hub-landscape-large"])
        user.absorb(handler(user.launch(), None))
        user.absorb(handler(user.intent("SymptomIntent", symptom=("tired", "fatigue")), None))
        envelope = user.touch(["more"]) if touch else user.intent("AMAZON.MoreIntent")
        replies.append(user.absorb(handler(envelope, None)))
    assert speech_text(replies[0]) == speech_text(replies[1]) and "2016" not in speech_text(replies[0])[:5]
    assert screen_of(replies[0])["datasources"] == screen_of(replies[1])["datasources"]


@pytest.mark.parametrize("reported, document", [("1.4", "screen.json"), ("2024.2", "screen.json"),
                                                ("1.3", "screen-basic.json"), ("1.0", "screen-basic.json")])
def test_an_older_apl_runtime_gets_a_document_it_supports(handler, reported, document):
    device = dict(SCREENS["hub-landscape-medium"], apl=reported)
    user = Session(screen=device)
    sent = screen_of(handler(user.intent("AMAZON.HelpIntent"), None))["document"]
    expected = json.load(open(os.path.join(ROOT, "lambda", "msguide", "data", "apl", document)))
    assert sent == expected
    version = tuple(int(p) for p in sent["version"].split("."))
    assert version <= tuple(int(p) for p in reported.split("."))


def test_documents_and_directives_round_trip_through_the_sdk_apl_classes(handler):
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective
    serializer = DefaultSerializer()
    user = Session(screen=SCREENS["hub-round-small"])
    for envelope in (user.launch(), user.intent("HeatIntent", heat=("sauna", "sauna")), user.intent("EmergencyIntent")):
        sent = screen_of(handler(envelope, None))
        back = serializer.deserialize(json.dumps(sent), RenderDocumentDirective)
        assert isinstance(back, RenderDocumentDirective)
        assert serializer.serialize(back) == sent


def _colour(hex_colour):
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b):
    high, low = sorted((_colour(a), _colour(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("name", ["screen.json", "screen-basic.json"])
def test_documents_are_large_high_contrast_and_without_images(name):
    document = json.load(open(os.path.join(ROOT, "lambda", "msguide", "data", "apl", name)))
    base = document["resources"][0]
    colours = base["colors"]
    pairs = [("ink", "paper"), ("quiet", "paper"), ("ink", "urgentPaper")]
    if "buttonInk" in colours:
        pairs.append(("buttonInk", "buttonFill"))
    for fg, bg in pairs:
        assert contrast(colours[fg], colours[bg]) >= 7, (fg, bg)
    sizes = [base["dimensions"]] + [r.get("dimensions", {}) for r in document["resources"][1:]]
    for dims in sizes:                                       # every viewport's body size
        if "bodySize" in dims:
            assert int(dims["bodySize"].rstrip("dp")) >= 40
    assert '"Image"' not in json.dumps(document) and '"VectorGraphic"' not in json.dumps(document)
    assert document["version"] in ("1.0", "1.4")


def test_the_manifest_declares_apl_for_the_viewports_the_documents_serve():
    manifest = json.load(open(os.path.join(ROOT, "skill-package", "skill.json")))["manifest"]
    [apl] = [i for i in manifest["apis"]["custom"]["interfaces"] if i["type"] == "ALEXA_PRESENTATION_APL"]
    shapes = {(v["mode"], v["shape"]) for v in apl["supportedViewports"]}
    assert shapes == {("HUB", "ROUND"), ("HUB", "RECTANGLE"), ("TV", "RECTANGLE")}
    for profile in SCREENS.values():
        assert any(v["mode"] == profile["mode"] and v["shape"] == profile["shape"]
                   and v["minWidth"] <= profile["width"] <= v["maxWidth"]
                   and v["minHeight"] <= profile["height"] <= v["maxHeight"]
                   for v in apl["supportedViewports"]), profile


# ---------------------------------------------------------------- rendered by Amazon's view host

def renderer_missing():
    if shutil.which("node") is None:
        return "node is not installed"
    if not os.path.exists(os.environ.get("CHROMIUM", "/usr/bin/chromium")):
        return "chromium is not installed (.ci/run installs it)"
    if not os.path.isdir(os.path.join(APL_DIR, "node_modules", "apl-viewhost-web")):
        return "run: npm ci --prefix tests/apl"
    return None


RENDERED = [  # (name, device, how to get there, text that must be on the screen, button to touch, its args)
    ("answer-round", "hub-round-small", ("HeatIntent", {"heat": ("hot tub", "hot tub")}), None, None, None),
    ("answer-large", "hub-landscape-large", ("HeatIntent", {"heat": ("hot tub", "hot tub")}), None, "Tell me more", ["more"]),
    ("answer-medium", "hub-landscape-medium", ("SymptomIntent", {"symptom": ("tired", "fatigue")}), None, "Help", ["help"]),
    ("answer-small", "hub-landscape-small", ("FrequencyIntent", {}), None, None, None),
    ("answer-tv", "tv-landscape-xlarge", ("FindTherapistIntent", {}), None, None, None),
    ("emergency-round", "hub-round-small", ("EmergencyIntent", {}), "911", None, None),
    ("emergency-large", "hub-landscape-large", ("EmergencyIntent", {}), "911", None, None),
    ("crisis-large", "hub-landscape-large", ("SearchIntent", {"query": "i want to end it all"}), "988", None, None),
    ("help-round", "hub-round-small", ("AMAZON.HelpIntent", {}), None, None, None),
    ("help-large", "hub-landscape-large", ("AMAZON.HelpIntent", {}), None, "Massage and MS fatigue", ["topic", "fatigue"]),
    # an APL 1.2 runtime gets screen-basic.json (APL 1.0): rendered too
    ("basic-answer-medium", "apl-1.2-landscape-medium", ("HeatIntent", {"heat": ("sauna", "sauna")}), None, None, None),
    ("basic-emergency-round", "apl-1.2-round-small", ("EmergencyIntent", {}), "911", None, None),
]
DEVICES = dict(SCREENS, **{"apl-1.2-landscape-medium": dict(SCREENS["hub-landscape-medium"], apl="1.2"),
                           "apl-1.2-round-small": dict(SCREENS["hub-round-small"], apl="1.2")})


@pytest.fixture(scope="module")
def rendered(handler):
    missing = renderer_missing()
    if missing:
        pytest.skip("APL rendering: " + missing)
    jobs, expected = [], {}
    for name, device, (intent, slots), must, touch, args in RENDERED:
        user = Session(screen=DEVICES[device])
        if intent != "EmergencyIntent" and intent != "SearchIntent":
            user.absorb(handler(user.launch(), None))
        response = handler(user.intent(intent, **slots), None)
        directive = screen_of(response)
        jobs.append({"name": name, "document": directive["document"], "datasources": directive["datasources"],
                     "viewport": DEVICES[device], "touch": touch})
        expected[name] = (directive["datasources"]["screen"], must, args, directive["document"]["version"])
    os.makedirs(ARTIFACTS, exist_ok=True)
    jobs_file = os.path.join(ARTIFACTS, "jobs.json")
    with open(jobs_file, "w") as handle:
        json.dump(jobs, handle)
    done = subprocess.run(["node", os.path.join(APL_DIR, "render.mjs"), jobs_file, ARTIFACTS],
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    results = {r["name"]: r for r in json.load(open(os.path.join(ARTIFACTS, "results.json")))}
    return results, expected


def _words(text):
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("name", [r[0] for r in RENDERED])
def test_the_view_host_renders_the_screen_without_errors_and_with_the_answer(rendered, name):
    results, expected = rendered
    result, (data, must, args, version) = results[name], expected[name]
    assert version == ("1.0" if name.startswith("basic-") else "1.4")
    assert result["errors"] == [] and result["consoleErrors"] == [], result
    # the only thing the page tried to fetch is the view host's own font CDN, never our document
    assert all(re.search(r"\.(woff2?|ttf|otf|css)(\?|$)|font", url, re.I) for url in result["external"]), \
        result["external"]
    on_screen = _words(result["text"])
    assert _words(data["body"]) in on_screen and _words(data["title"]) in on_screen
    for button in data["buttons"] if version != "1.0" else []:      # the basic document has no touch
        assert button["label"] in on_screen
    if must:
        assert must in on_screen
    if args:
        assert result["touched"] == [args]
    assert os.path.getsize(result["png"]) > 2000


def test_cards_carry_the_icons_only_when_they_are_hosted(handler, monkeypatch):
    user = Session()
    plain = handler(user.intent("CureIntent"), None)["response"]["card"]
    assert plain["type"] == "Standard" and "image" not in plain
    monkeypatch.setenv("MSGUIDE_PUBLIC_URL", "https://skill.example.net/")
    card = handler(user.intent("CureIntent"), None)["response"]["card"]
    assert card["image"] == {"smallImageUrl": "https://skill.example.net/icon-108.png",
                             "largeImageUrl": "https://skill.example.net/icon-512.png"}
    monkeypatch.setenv("MSGUIDE_PUBLIC_URL", "http://not-secure.example.net")
    assert "image" not in handler(user.intent("CureIntent"), None)["response"]["card"]


APL_1_0_COMPONENTS = {"Container", "Frame", "Image", "Pager", "ScrollView", "Sequence", "Text",
                      "TouchWrapper", "VectorGraphic", "Video"}


def test_the_basic_document_uses_only_what_apl_1_0_has():
    document = json.load(open(os.path.join(ROOT, "lambda", "msguide", "data", "apl", "screen-basic.json")))
    types = set(re.findall(r'"type": "([A-Za-z]+)"', json.dumps(document)))
    assert types - {"APL"} <= APL_1_0_COMPONENTS and "layouts" not in document
    full = json.load(open(os.path.join(ROOT, "lambda", "msguide", "data", "apl", "screen.json")))
    used = set(re.findall(r'"type": "([A-Za-z]+)"', json.dumps(full))) - {"APL", "SendEvent"}
    assert used <= APL_1_0_COMPONENTS | set(full["layouts"])
