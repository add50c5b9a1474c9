"""The voice model: built from one source, fresh, and valid the way the ASK console checks it."""

import collections
import glob
import json
import os
import re

import pytest
import yaml

from conftest import LOCALES, ROOT
from msguide.content import default_content
from msguide.handlers.answers import SLOT_INTENTS
from msguide_tools import build_model

REQUIRED_BUILTINS = {"AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent",
                     "AMAZON.FallbackIntent", "AMAZON.NavigateHomeIntent"}
HANDLED_ELSEWHERE = {"ResearchIntent", "SearchIntent", "MassageQuestionIntent", "SetReminderIntent", "ListRemindersIntent",
                     "CancelReminderIntent", "ForgetMeIntent",
                     "SpeechRateIntent", "AnswerLengthIntent"}


def load(locale):
    path = os.path.join(ROOT, "skill-package", "interactionModels", "custom", locale + ".json")
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)["interactionModel"]["languageModel"]


MODEL = load("en-US")
INTENTS = {i["name"]: i for i in MODEL["intents"]}
TYPES = {t["name"]: t for t in MODEL.get("types", [])}


def test_built_files_are_fresh():
    stale = build_model.stale_files(build_model.build_all())
    assert not stale, "run python msguide_tools/build_model.py; stale: %s" % stale


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


def test_the_locales_are_one_list(monkeypatch, capsys):
    """model.yaml's locales are the skill's: its wording (which Lambda reads without
    model.yaml) and the manifest must agree, or the build refuses to run."""
    from msguide import wording
    assert build_model.locale_problems() == []
    assert build_model.main(["--check"]) == 0
    monkeypatch.setattr(wording, "LOCALES", ("en-US", "en-GB"))
    assert build_model.main(["--check"]) == 1
    assert "msguide/wording.py LOCALES is en-US, en-GB" in capsys.readouterr().out
    source = dict(build_model.load_source(), locales=["en-US", "en-GB"])
    assert any("skill.json publishes" in p for p in build_model.locale_problems(source))


def test_every_table_kept_per_locale_covers_the_locales():
    """Tables that hold a value per locale (not lists of locales) have one for each."""
    from msguide_sim.chat import LOCALE_TIME_ZONES
    from msguide_tools import eval_sets
    for table in (LOCALE_TIME_ZONES, eval_sets.EMERGENCY_NUMBER, eval_sets.CRISIS_LINE):
        assert sorted(table) == sorted(LOCALES)


def test_square_brackets_are_optional_words():
    """hassil's notation: [x] may be left out, [a|b] is a choice that may be."""
    assert build_model.expand("[my] [ms] {symptom}") == ["ms {symptom}", "my ms {symptom}",
                                                         "my {symptom}", "{symptom}"]
    assert build_model.expand("what [kind of|type of] massage") == [
        "what kind of massage", "what massage", "what type of massage"]
    assert build_model.expand("a [(b|c) d] e") == ["a b d e", "a c d e", "a e"]
    assert build_model.expand("massage[s] for <x>", {"x": "[me|ms]"}) == [
        "massage for", "massage for me", "massage for ms", "massages for", "massages for me", "massages for ms"]
    # the older way still means the same
    assert build_model.expand("(my |)(ms |){symptom}") == build_model.expand("[my] [ms] {symptom}")


@pytest.mark.parametrize("pattern", ["[my {symptom}", "(my|your {symptom}", "my] {symptom}", "(a|[b)]"])
def test_an_unbalanced_bracket_is_refused_at_build(pattern):
    with pytest.raises(build_model.ModelSourceError, match="unbalanced"):
        build_model.expand(pattern)


def test_the_voice_model_has_no_empty_choice_left():
    from msguide_tools import optional_brackets
    assert optional_brackets.main(["--check"]) == 0, "run python msguide_tools/optional_brackets.py"


def test_the_bracket_rewrite_keeps_every_sample_and_the_file():
    from msguide_tools import optional_brackets
    text = ("# a comment (keep |) me\n"
            "vocab:\n"
            "  who: (my wife |my son |)\n"
            "intents:\n"
            "  AIntent:\n"
            "    samples:\n"
            "      - (and |)what about (my |)(ms |){symptom}   \n"
            "      - \"{symptom} (please|)\"\n"
            "      - is it (safe|ok) (for me|)\n"
            "      - massage(s|) for <who>me\n"
            "      - foo(bar |)baz\n"
            "      - tell me (| please| now)\n")
    new, changed = optional_brackets.rewrite(text)
    assert new.splitlines() == [
        "# a comment (keep |) me",
        "vocab:",
        '  who: "[my wife |my son ]"',         # "<who>me": moving the space out would join words
        "intents:",
        "  AIntent:",
        "    samples:",
        '      - "[and] what about [my] [ms] {symptom}"',
        '      - "{symptom} [please]"',
        "      - is it (safe|ok) [for me]",
        "      - massage[s] for <who>me",
        "      - foo[bar ]baz",                # the space stays inside: "foobaz" is a sample
        "      - tell me [please|now]"]
    assert changed == 7
    assert optional_brackets.leftovers(text) == [(3, "(my wife |my son |)"), (7, "(and |)what about (my |)(ms |){symptom}"),
                                                 (8, "{symptom} (please|)"), (9, "is it (safe|ok) (for me|)"),
                                                 (10, "massage(s|) for <who>me"), (11, "foo(bar |)baz"),
                                                 (12, "tell me (| please| now)")]
    assert optional_brackets.leftovers(new) == []
    assert optional_brackets.rewrite(new) == (new, 0)                    # safe to run again
    before, after = yaml.safe_load(text), yaml.safe_load(new)
    for old, converted in zip(before["intents"]["AIntent"]["samples"], after["intents"]["AIntent"]["samples"]):
        assert build_model.expand(old, before["vocab"]) == build_model.expand(converted, after["vocab"])


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
    ("cold makes my legs worse too is that a thing", "StartsWith_cold", "Cold"),
    # a start no carrier knows (a misheard name): the ending carries the words
    ("alexandar method what is it", "EndsWith_what_is_it", "Alexander"),
    ("lava stones on my back is it safe with ms", "EndsWith_ms", "heat"),
    # a body word said with its "'s", a calling on God: the start is kept, the words arrive
    ("vision's gone dark in one eye and her face is drooping", "StartsWith_eyesight", "Emergency"),
    ("good lord she's fallen off the commode and can't get up", "StartsWith_lord", "Emergency"),
    ("fractured her ankle in june can they still massage her legs", "StartsWith_broke", "Broken bones"),
    # words a safety rule begins with, kept since the six voice intents became two
    ("kind of wish i could just go to sleep for good", "StartsWith_kind", "988"),
    ("wee one's swallowed a button battery", "StartsWith_wee", "Emergency"),
    ("talking to dad and his speech has gone all slurred and his mouth is drooping", "StartsWith_talking", "Emergency"),
    ("nae reason to keep going i've sorted when i'll do it", "StartsWith_nae", "988"),
    ("opened my arm on the fence and it's pouring blood", "StartsWith_cut", "Emergency"),
    ("miss ruby's gone grey and she isn't breathing right", "StartsWith_miss", "Emergency"),
    ("him can't breathe him choking on a bone", "StartsWith_him", "Emergency"),
    ("cracked her wrist last week can they still do her back", "StartsWith_broke", "Broken bones"),
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


@pytest.mark.parametrize("said, heard", [
    ("gord's shaking all over on the kitchen floor and jerking", "Emergency"),    # a name first
    ("wile sore back on me these days", "pain"),                             # a regional opener
    ("yaar his legs are so stiff all the time", "spasticity"),
    ("ought i to ask my neurologist before i go get one", "doctor"),                   # a regional opener
    ("doris's legs are so stiff of a morning", "spasticity"),                   # an older name
    ("pappou's clutching his chest and he's gone grey", "Emergency"),        # Greek kin said as a name
    ("frankly i'd sooner not wake up tomorrow", "988"),                      # a frank opener
    ("rang my sister today to say goodbye properly", "988"),                 # a verb of contact
    ("maisie's slipped in the tub and can't get herself out", "Emergency"),  # an outport name
    ("tibby's knocked me over and i can't get up off the floor", "Emergency"),   # a pet
    ("chapati bit lodged in his throat and he can't breathe", "Emergency"),   # a food the choking begins with
    ("lambing's nearly done and me back's stiff as a board", "spasticity"),   # the farm year
    ("aai's legs go stiff every morning and it hurts", "spasticity"),          # Marathi kin
    # round seventeen: kin said as names, each with its "'s"
    ("ma's fallen in the tub and can't get herself out", "Emergency"),
    ("teta's lips have gone blue and she isn't breathing", "Emergency"),
    ("kokum's legs are so stiff of a morning", "spasticity"),
    ("tutu's collapsed in the kitchen and won't wake up", "Emergency"),
    ("abbu's face is drooping on one side and his speech is slurred", "Emergency"),
])
def test_a_start_no_written_carrier_names_reaches_the_skill_not_fallback(said, heard):
    """Open starts: names, regional openers and the words people use in the
    content's questions are SearchIntent carriers, so the rest of the words arrive."""
    import os
    os.environ.setdefault("MSGUIDE_PERSISTENCE", "none")
    import lambda_function
    from msguide_sim.envelopes import SimulatedUser
    from msguide_sim.nlu import VoiceModel
    model = VoiceModel.for_locale("en-US")
    match = model.map(said, threshold=101)
    assert match.intent == "SearchIntent", match.intent
    response = lambda_function.handler(SimulatedUser(locale="en-US").intent_for(model, match), None)
    assert heard.lower() in response["response"]["card"]["title"].lower()


def test_no_word_the_safety_rules_read_is_a_carrier_that_drops_it():
    """A carrier's word is not sent: a word in triage.json's patterns must never be
    an open start ("overdosed {query}" would send only "on his pills")."""
    source = build_model.load_source()
    model = build_model.build_language_model(source, default_content())
    search = next(i for i in model["intents"] if i["name"] == "SearchIntent")
    starts = {s.split(" ", 1)[0] for s in search["samples"] if s.endswith(" {query}") and s.count(" ") == 1}
    opened = set(build_model.open_start_words(source, default_content(), set()))
    assert {"gord's", "yaar", "currently", "visible"} <= opened & starts
    for word in ("overdosed", "fell", "pills", "piece", "suicidal", "collapsed", "choking"):
        assert word not in starts
    # what a user would notice: for every phrasing of the safety and outsider sets that
    # starts with an open start, triage says the same with that word dropped
    from msguide.understanding.triage import default_triage
    from msguide_tools import eval_sets, outsider
    triage = default_triage()
    checked = 0
    for case in eval_sets.safety_cases() + outsider.all_cases():
        said = " ".join(triage.plain(case["say"]).split()) if triage.plain(case["say"]) else case["say"]
        first, _, rest = said.partition(" ")
        if first in opened and rest:
            checked += 1
            assert triage.check(rest) == triage.check(said), case["say"]
    assert checked > 100

