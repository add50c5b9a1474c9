"""The voice model: built from one source, fresh, and valid the way the ASK console checks it."""

import collections
import glob
import json
import os
import re

import pytest

from conftest import ROOT
from msguide.content import default_content
from msguide.handlers.answers import SLOT_INTENTS
from msguide_tools import build_model

LOCALES = ["en-US", "en-GB", "en-CA", "en-AU", "en-IN"]
REQUIRED_BUILTINS = {"AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent",
                     "AMAZON.FallbackIntent", "AMAZON.NavigateHomeIntent"}
HANDLED_ELSEWHERE = {"ResearchIntent", "SearchIntent", "MassageQuestionIntent", "SetReminderIntent", "ListRemindersIntent",
                     "CancelReminderIntent", "ForgetMeIntent",
                     "SlowerIntent", "FasterIntent", "NormalSpeedIntent", "RepeatSlowlyIntent",
                     "ShortAnswersIntent", "DetailedAnswersIntent"}


def load(locale):
    path = os.path.join(ROOT, "skill-package", "interactionModels", "custom", locale + ".json")
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)["interactionModel"]["languageModel"]


MODEL = load("en-US")
INTENTS = {i["name"]: i for i in MODEL["intents"]}
TYPES = {t["name"]: t for t in MODEL.get("types", [])}


def test_built_files_are_fresh():
    stale = build_model.stale_files(build_model.build_all())
    assert not stale, "run python tools/build_model.py; stale: %s" % stale


def test_staleness_check_notices_a_change(tmp_path):
    models = build_model.build_all()
    for locale, model in models.items():
        (tmp_path / (locale + ".json")).write_text(build_model.serialize(model))
    assert build_model.stale_files(models, str(tmp_path)) == []
    (tmp_path / "en-GB.json").write_text("{}")
    assert build_model.stale_files(models, str(tmp_path)) == [str(tmp_path / "en-GB.json")]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_locale_has_a_model(locale):
    assert load(locale)["invocationName"] == MODEL["invocationName"]


def test_invocation_name_follows_amazons_rules():
    from msguide_tools.certcheck import invocation_problems
    assert invocation_problems(MODEL["invocationName"]) == []


def test_required_builtin_intents_are_present():
    assert REQUIRED_BUILTINS <= set(INTENTS)


def test_intent_and_slot_names_are_valid():
    for name, intent in INTENTS.items():
        assert re.fullmatch(r"(AMAZON\.)?[A-Za-z_]+", name), name
        for slot in intent.get("slots", []):
            assert re.fullmatch(r"[A-Za-z_]+", slot["name"]), slot


def test_custom_intents_have_dozens_of_varied_samples():
    from msguide.understanding.carriers import KEPT_PREFIXES
    for name, intent in INTENTS.items():
        if name.startswith(("AMAZON.",) + KEPT_PREFIXES):     # a kept carrier is one start or ending
            continue
        samples = intent["samples"]
        assert len(samples) >= 20, (name, len(samples))
        openings = {" ".join(s.split()[:2]) for s in samples}
        assert len(openings) >= 3, (name, openings)


def test_samples_use_only_allowed_characters_and_declared_slots():
    for name, intent in INTENTS.items():
        declared = {s["name"] for s in intent.get("slots", [])}
        used = set()
        for sample in intent["samples"]:
            assert len(sample) <= 200, sample
            plain = re.sub(r"\{[A-Za-z_]+\}", "", sample)
            assert re.fullmatch(r"[a-z' .]*", plain), (name, sample)
            assert not re.search(r"\}\{|\w\{|\}\w", sample), (name, sample)
            slots = re.findall(r"\{([A-Za-z_]+)\}", sample)
            assert len(slots) == len(set(slots)), sample
            for slot in slots:
                assert slot in declared, (name, sample, slot)
            used.update(slots)
        assert used == declared, (name, declared - used)


def test_no_sample_belongs_to_two_intents_or_repeats():
    owner = {}
    for name, intent in INTENTS.items():
        assert len(intent["samples"]) == len(set(intent["samples"])), name
        for sample in intent["samples"]:
            assert sample not in owner, "%r in %s and %s" % (sample, owner[sample], name)
            owner[sample] = name


def test_search_query_slots_follow_the_carrier_phrase_rule():
    for name, intent in INTENTS.items():
        types = {s["name"]: s["type"] for s in intent.get("slots", [])}
        search_slots = [s for s, t in types.items() if t == "AMAZON.SearchQuery"]
        if not search_slots:
            continue
        assert len(types) == 1, name           # a SearchQuery slot stands alone
        for sample in intent["samples"]:
            assert re.sub(r"\{[A-Za-z_]+\}", "", sample).strip(), (name, sample)


def test_slot_types_are_declared_and_come_from_the_content():
    content = default_content()
    for intent in INTENTS.values():
        for slot in intent.get("slots", []):
            if not slot["type"].startswith("AMAZON."):
                assert slot["type"] in TYPES, slot
    for name, slot_type in TYPES.items():
        ids = [v["id"] for v in slot_type["values"]]
        assert len(ids) == len(set(ids)), name
        phrases = collections.Counter(p.lower() for v in slot_type["values"]
                                      for p in [v["name"]["value"]] + v["name"].get("synonyms", []))
        assert not [p for p, n in phrases.items() if n > 1], name
        built = [(v["name"]["value"], v["name"].get("synonyms", [])) for v in slot_type["values"]]
        source = build_model.load_source()
        if name in source["content_slot_types"]:
            assert built == [(v, syn) for v, syn in content.slot_values(name)], name
        else:
            assert built == [(v, list(syn)) for v, syn in source["types"][name].items()], name


def synonyms_of(type_name, value):
    for entry in TYPES[type_name]["values"]:
        if entry["name"]["value"] == value:
            return set(entry["name"].get("synonyms", []))
    raise AssertionError(value)


def test_everyday_words_are_synonyms_of_the_right_values():
    assert {"jacuzzi", "spa", "hot bath"} <= synonyms_of("HEAT", "hot tub")
    assert {"stiffness", "spasms"} <= synonyms_of("SYMPTOM", "spasticity")
    assert "cramps" not in synonyms_of("SYMPTOM", "spasticity")      # cramps are not spasticity on the sheet
    assert {"cramp", "cramping"} <= synonyms_of("SYMPTOM", "cramps")
    assert {"tired", "exhausted"} <= synonyms_of("SYMPTOM", "fatigue")
    assert {"flare up", "exacerbation"} <= synonyms_of("CONDITION", "relapse")
    assert {"swelling", "oedema"} <= synonyms_of("CONDITION", "edema")
    assert {"my massage", "go for my massage"} <= synonyms_of("REMINDER_TASK", "go to my massage")


def test_every_custom_intent_has_a_handler_and_every_content_intent_exists():
    content = default_content()
    handled = set(content.intent_topics) | set(SLOT_INTENTS) | HANDLED_ELSEWHERE
    from msguide.understanding.carriers import KEPT_PREFIXES, is_free_form
    custom = {n for n in INTENTS if not n.startswith("AMAZON.")}
    kept = {n for n in custom if n.startswith(KEPT_PREFIXES)}
    assert kept and all(is_free_form(n) for n in kept)        # answered as free-form words
    assert custom - kept == handled


def test_sample_pattern_expansion():
    assert build_model.expand("(a|b) c (d |)e") == ["a c d e", "a c e", "b c d e", "b c e"]
    assert build_model.expand("<x> y", {"x": "(p|q)"}) == ["p y", "q y"]
    with pytest.raises(build_model.ModelSourceError):
        build_model.expand("<nope> y", {})


def test_a_sample_in_two_intents_is_refused_at_build():
    source = {"invocation": "m. s. massage guide", "locales": ["en-US"],
              "intents": {"AIntent": {"samples": ["is it (ok|fine)"]},
                          "BIntent": {"samples": ["is it ok"]}}}
    with pytest.raises(build_model.ModelSourceError, match="in both AIntent and BIntent"):
        build_model.build_language_model(source, default_content())


def test_each_built_model_fits_the_interaction_model_size_limit():
    """SMAPI refuses a modelDefinition over 1,000,000 characters; keep a margin."""
    for path in glob.glob(os.path.join(ROOT, "skill-package", "interactionModels", "custom", "*.json")):
        model = json.load(open(path, encoding="utf-8"))
        assert len(json.dumps(model, separators=(",", ":"))) < 900000, path


@pytest.mark.parametrize("said, intent, heard", [
    ("fell in the shower and can't get up", "StartsWith_fell", "Emergency"),
    ("shiatsu for my mum", "StartsWith_shiatsu", "Shiatsu"),
    # a start no carrier knows (a misheard name): the ending carries the words
    ("alexandar method what is it", "EndsWith_what_is_it", "Alexander"),
    ("hot stones on my back is it safe with ms", "EndsWith_ms", "Heat"),
])
def test_a_start_that_carries_meaning_keeps_its_word(said, intent, heard):
    """Alexa sends only the SearchQuery slot: a kept carrier's intent (a start or an
    ending) puts its words back."""
    import os
    os.environ.setdefault("MSGUIDE_PERSISTENCE", "none")
    import lambda_function
    from msguide_sim.envelopes import SimulatedUser
    from msguide_sim.nlu import VoiceModel
    model = VoiceModel.for_locale("en-US")
    match = model.map(said, threshold=101)
    assert match.intent == intent
    user = SimulatedUser(locale="en-US")
    response = lambda_function.handler(user.intent_for(model, match), None)
    assert heard in response["response"]["card"]["title"]
