"""The content: validated at load, in our own words, and safe to speak."""

import copy
import glob
import json
import os
import re

import pytest

from conftest import LOCALES, ROOT, SHARED
from msguide import content as content_module
from msguide.content import MAX_ANSWER_WORDS, ContentError, word_count

CONTENT = content_module.load()
TOPICS = list(CONTENT.topics.values())
WORDING = json.load(open(os.path.join(ROOT, "lambda", "msguide", "data", "wording.json")))


def spoken_texts():
    """Every string the skill may speak, with where it comes from."""
    for topic in TOPICS:
        for field in ("answer", "more", "label"):
            yield "%s.%s" % (topic.id, field), getattr(topic, field)
    for name, text in CONTENT.safety_reminders.items():
        yield "safety_reminders.%s" % name, text
    for locale, table in WORDING.items():
        if isinstance(table, dict):
            for key, text in table.items():
                if isinstance(text, str):
                    yield "wording.%s.%s" % (locale, key), text
    for topic in TOPICS:
        for field, text in (topic.outside_us or {}).items():
            yield "%s.outside_us.%s" % (topic.id, field), text


def said(text, facts=("symptoms-1",)):
    """A spoken part of one sentence resting on `facts`."""
    return [{"say": text, "facts": list(facts)}]


def raw_data():
    with open(content_module.CONTENT_FILE, encoding="utf-8") as handle:
        return json.load(handle)


def words(text):
    return re.findall(r"[a-z0-9]+", text.lower().replace("'", "").replace("\u2019", ""))


# ------------------------------------------------------------- validation

@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["topics"][3].pop("answer"), "topic 'varies': missing field 'answer'"),
    (lambda d: d["facts"].update({"pain-1": ["nobody"]}), "facts: fact 'pain-1': unknown source tag 'nobody'"),
    (lambda d: d["topics"][6].update(answer=said("word " * 40 + "end.")), "at most %d" % MAX_ANSWER_WORDS),
    (lambda d: d["topics"][6].update(related="nowhere"), "unknown topic 'nowhere'"),
    (lambda d: d["topics"][6].update(answer=said("About {thing}.")), "not a template"),
    (lambda d: d["topics"][7]["slots"][0].update(value="fatigue"), "already used"),
    (lambda d: d["topics"][7].update(colour="red"), "unknown field(s) colour"),
    (lambda d: d["topics"][7].update(answer=said("Yes, it does.")), "opens with a bare 'Yes'"),
    (lambda d: d["topics"][7].update(answer=said("It may. Ask your doctor.")), "opens with a bare 'It may'"),
    # every spoken sentence names the facts it rests on, in one shape
    (lambda d: d["topics"][6].update(answer="Massage may help with fatigue."), "field 'answer' must be a non-empty list of sentences"),
    (lambda d: d["topics"][6].update(answer=[]), "field 'answer' must be a non-empty list of sentences"),
    (lambda d: d["topics"][6]["answer"][0].pop("facts"), "field 'answer' sentence 1 must be {\"say\""),
    (lambda d: d["topics"][6]["more"][1].update(facts=["heat-99"]), "field 'more' sentence 2 names unknown fact 'heat-99'"),
    (lambda d: d["topics"][6]["more"][0].update(facts="research-1"), "'facts' must be a list of fact ids"),
    (lambda d: d["topics"][6]["answer"][0].update(say=" Massage may help."), "'say' must be text without leading"),
    (lambda d: d["topics"][6].update(answer=said("My sources don't cover that.", []),
                                     more=said("I can't say more.", [])),
     "no sentence rests on a sourced fact"),
    (lambda d: d["safety_reminders"].update(heat="Heat can make MS worse."), "safety reminder 'heat'"),
    (lambda d: d["sources"].update(crisis={"en-US": "988"}), "a name per locale must name every locale"),
    (lambda d: d["topics"][7].update(pace="fast"), "field 'pace' must be one of slow"),
    (lambda d: d["topics"][7]["slots"][0].update(type="MOOD"), "unknown slot type"),
    (lambda d: d["topics"].append(copy.deepcopy(d["topics"][0])), "duplicate id"),
])
def test_a_bad_edit_fails_at_load_naming_file_topic_and_field(mutate, message):
    data = raw_data()
    mutate(data)
    with pytest.raises(ContentError) as caught:
        content_module.parse(data, "topics.json")
    assert message in str(caught.value)
    assert str(caught.value).startswith("topics.json: ")


def test_unreadable_files_fail_clearly(tmp_path):
    bad = tmp_path / "topics.json"
    bad.write_text("{not json")
    with pytest.raises(ContentError, match="not valid JSON"):
        content_module.load(str(bad))
    with pytest.raises(ContentError, match="cannot read"):
        content_module.load(str(tmp_path / "missing.json"))


# ------------------------------------------------------------- validated once, at build time

def _same_content(a, b):
    """Two Contents hold the same topics, indexes and tables."""
    assert set(vars(a)) == set(vars(b))
    for name, value in vars(a).items():
        other = getattr(b, name)
        if name == "path":
            continue
        if name == "topics":
            assert list(value) == list(other)
            for topic_id, topic in value.items():
                for slot in type(topic).__slots__:
                    assert getattr(topic, slot) == getattr(other[topic_id], slot), (topic_id, slot)
        elif name in ("slot_topics", "reminder_topics", "intent_topics"):
            assert {k: t.id for k, t in value.items()} == {k: t.id for k, t in other.items()}, name
            assert all(other[k] is b.topics[t.id] for k, t in value.items()), name
        else:
            assert value == other, name


def test_the_shipped_pack_is_fresh():
    assert content_module.pack_is_fresh(), "run python tools/build_model.py (topics.packed is stale)"


def test_the_pack_loads_exactly_what_full_validation_gives(monkeypatch):
    checked = content_module.parse(raw_data(), content_module.CONTENT_FILE)
    monkeypatch.setattr(content_module, "parse", lambda *a: pytest.fail("validated again at load"))
    _same_content(checked, content_module.load())


def _copy_with_pack(tmp_path):
    target = tmp_path / "topics.json"
    target.write_bytes(open(content_module.CONTENT_FILE, "rb").read())
    (tmp_path / "topics.packed").write_bytes(open(content_module.packed_path(content_module.CONTENT_FILE), "rb").read())
    return target


def test_a_bad_edit_after_the_pack_was_made_still_fails_at_load(tmp_path):
    target = _copy_with_pack(tmp_path)
    data = raw_data()
    data["topics"][7].update(answer=said("Yes, it does."))
    target.write_text(json.dumps(data))
    with pytest.raises(ContentError, match="opens with a bare 'Yes'"):
        content_module.load(str(target))


def test_a_good_edit_after_the_pack_was_made_is_what_the_skill_says(tmp_path):
    target = _copy_with_pack(tmp_path)
    data = raw_data()
    data["topics"][7].update(answer=said("Massage after a cool shower may ease tight muscles."))
    target.write_text(json.dumps(data))
    loaded = content_module.load(str(target))
    assert loaded.topics[data["topics"][7]["id"]].answer == "Massage after a cool shower may ease tight muscles."
    # one changed byte is enough: the pack is used only for exactly the bytes it was made from
    raw = open(content_module.CONTENT_FILE, "rb").read()
    target.write_bytes(raw.replace(b"Massage", b"massage", 1))
    seen = []
    real_parse = content_module.parse
    content_module.parse = lambda data, path: seen.append(path) or real_parse(data, path)
    try:
        content_module.load(str(target))
    finally:
        content_module.parse = real_parse
    assert seen == [str(target)]


@pytest.mark.parametrize("damage", [
    lambda blob: blob[:len(blob) // 2],
    lambda blob: b"not a pack",
    lambda blob: b"",
    lambda blob: __import__("marshal").dumps({"format": 0}),
], ids=["truncated", "junk", "empty", "another format"])
def test_a_damaged_or_foreign_pack_is_not_used(tmp_path, monkeypatch, damage):
    target = _copy_with_pack(tmp_path)
    packed = tmp_path / "topics.packed"
    packed.write_bytes(damage(packed.read_bytes()))
    seen = []
    real_parse = content_module.parse
    monkeypatch.setattr(content_module, "parse", lambda data, path: seen.append(path) or real_parse(data, path))
    _same_content(CONTENT, content_module.load(str(target)))
    assert seen == [str(target)]


def test_write_pack_refuses_content_that_breaks_a_rule(tmp_path):
    target = tmp_path / "topics.json"
    data = raw_data()
    data["topics"][6].update(related="nowhere")
    target.write_text(json.dumps(data))
    with pytest.raises(ContentError, match="unknown topic 'nowhere'"):
        content_module.write_pack(str(target))
    assert not (tmp_path / "topics.packed").exists()


def test_every_answer_fits_one_breath():
    for topic in TOPICS:
        assert word_count(topic.answer) <= MAX_ANSWER_WORDS, topic.id


# ------------------------------------------------------------- own words

def seed_texts():
    return [open(p, encoding="utf-8").read() for p in glob.glob(os.path.join(SHARED, "seed", "*"))]


@pytest.mark.skipif(not seed_texts(), reason="../shared/seed not present")
def test_no_spoken_text_shares_eight_words_in_a_row_with_the_seed():
    grams = set()
    for text in seed_texts():
        tokens = words(text)
        grams.update(tuple(tokens[i:i + 8]) for i in range(len(tokens) - 7))
    for where, text in spoken_texts():
        tokens = words(text)
        for i in range(len(tokens) - 7):
            assert tuple(tokens[i:i + 8]) not in grams, "%s copies the seed: %s" % (
                where, " ".join(tokens[i:i + 8]))


# ------------------------------------------------------------- safety

HEAT_SAFE = re.compile(r"\b(is|are|it's|it is|they're|they are) (perfectly |completely |totally |usually |generally )?safe\b", re.I)
CURE_CLAIM = re.compile(r"\b(can|will|could|may|might) (cure|reverse|slow)\b|\bis a cure\b|\bcures (ms|multiple sclerosis)\b", re.I)
DOSE = re.compile(r"\b\d+\s*(mg|milligrams?|mcg|iu|units?|ml|pills?|tablets?)\b", re.I)


def test_no_heat_topic_calls_anything_safe():
    for topic in TOPICS:
        if topic.group == "heat" or topic.safety == "heat":
            for text in (topic.answer, topic.more, topic.label):
                assert not HEAT_SAFE.search(text), topic.id


def test_nothing_claims_a_cure_or_gives_a_dose():
    for where, text in spoken_texts():
        assert not CURE_CLAIM.search(text), where
        assert not DOSE.search(text), where


def test_source_tags_are_never_in_spoken_text():
    tags = set(CONTENT.sources)
    for where, text in spoken_texts():
        assert not re.search(r"\[[a-z-]+\]", text), where
        for tag in tags - {"seed"}:
            assert not re.search(r"\b%s\b" % re.escape(tag), text), (where, tag)


def test_every_emergency_number_is_in_the_wording():
    numbers = {"en-US": "911", "en-CA": "911", "en-GB": "999", "en-AU": "000", "en-IN": "112"}
    from msguide import wording
    for locale, number in numbers.items():
        assert wording.for_locale(locale)["emergency_number"] == number


# ------------------------------------------------------------- coverage

SECTION_GROUPS = {
    "What massage is, and what it is not": {"general"},
    "Symptoms that may improve": {"symptoms"},
    "The research": {"research"},
    "Kinds of massage and bodywork": {"techniques"},
    "Heat and cold": {"heat"},
    "Safety and when to ask a doctor first": {"safety"},
    "Relapses": {"relapse"},
    "Finding a qualified therapist": {"therapist"},
    "Before booking: what to discuss": {"discuss"},
    "Expectations": {"expectations"},
    "Outside this sheet: emergencies and crises": {"scope"},
}


def test_every_fact_sheet_section_is_answered_by_an_intent():
    facts = os.path.join(SHARED, "content", "facts.md")
    if os.path.exists(facts):
        headings = re.findall(r"^## (.+)$", open(facts, encoding="utf-8").read(), re.M)
        assert set(headings) == set(SECTION_GROUPS), "fact sheet sections changed"
    model = json.load(open(os.path.join(ROOT, "skill-package", "interactionModels", "custom", "en-US.json")))
    intents = {i["name"] for i in model["interactionModel"]["languageModel"]["intents"]}
    slot_intents = {"SYMPTOM": "SymptomIntent", "MASSAGE_TYPE": "MassageTypeIntent",
                    "HEAT": "HeatIntent", "CONDITION": "ConditionIntent"}
    for section, groups in SECTION_GROUPS.items():
        reachable = [t for t in TOPICS if t.group in groups and (
            (t.intent and t.intent in intents)
            or any(slot_intents[s["type"]] in intents for s in t.slots)
            or t.id.startswith("study-"))]
        assert reachable, section


# ------------------------------------------------------------- speech that stands alone

def test_no_answer_opens_with_a_bare_yes_no_or_maybe():
    """The first sentence names its subject, so a wrong landing can't answer a different question."""
    from msguide.content import BARE_OPENING
    for topic in TOPICS:
        for where, text in [("answer", topic.answer)] + [
                ("outside_us." + k, v) for k, v in (topic.outside_us or {}).items() if k == "answer"]:
            assert not BARE_OPENING.match(text), "%s.%s: %s" % (topic.id, where, text)


def list_items(sentence):
    """How many items a spoken list in the sentence has ("a, b, c and d" is 4)."""
    best = 0
    for clause in re.split(r"[:;]", sentence):
        commas = clause.count(",")
        if commas >= 2:
            best = max(best, commas + 1)
    return best


def test_no_spoken_list_is_longer_than_four_items():
    for where, text in spoken_texts():
        for sentence in re.split(r"(?<=[.?!])\s+", text):
            assert list_items(sentence) <= 4, "%s: %s" % (where, sentence)


def test_a_short_answer_cites_at_most_one_study():
    for topic in TOPICS:
        years = set(re.findall(r"\b(?:19|20)\d\d\b", topic.answer))
        assert len(years) <= 1, (topic.id, topic.answer)


def test_spoken_text_says_u_s_not_us_and_no_jargon():
    for where, text in spoken_texts():
        assert not re.search(r"\bUS\b", text), where
        assert not re.search(r"effleurage|petrissage|tapotement|Uhthoff", text, re.I), where


def test_us_only_advice_is_spoken_only_in_en_us():
    us_only = re.compile(r"state's licensing board|American Massage Therapy Association|Associated Bodywork", re.I)
    for topic in TOPICS:
        for part in ("answer", "more"):
            for locale in set(LOCALES) - {"en-US"}:
                assert not us_only.search(CONTENT.text(topic, part, locale)), (topic.id, part, locale)
