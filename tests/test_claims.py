"""Every claim as strong as its source, in every country's words.

Each spoken sentence of the content names the facts of ../shared/content/facts.md
it rests on (topics.json: {"say": ..., "facts": [...]}). These tests hold the words
to those facts: hedged where the facts hedge, with their caveats, with the sources
of exactly those facts on the card, and in the words each country uses. The tests
that read the sheet run where ../shared is (as on CI); the rest always run.
"""

import re

import pytest

import facts_sheet
from alexa import Session, card_text, speech_text
from msguide import content as content_module, render, screens, wording
from msguide.render import Say

CONTENT = content_module.load()
TOPICS = list(CONTENT.topics.values())
SHEET = facts_sheet.load() if facts_sheet.present() else None
needs_sheet = pytest.mark.skipif(SHEET is None, reason="../shared/content/facts.md not present")
PARTS = ("answer", "more", "full")
THING = "saunas"          # what a template topic is asked about, in these tests

# A sentence that names no fact is the skill speaking of itself, or saying what its
# sources don't cover (the sheet: "where this sheet is silent, the skill says it does
# not know and points to a doctor").
SKILL_VOICE = re.compile(r"^(I\b|I'm\b|My sources\b|What my sources\b|Ask me\b|For example, you could ask\b|"
                         r"Your doctor or neurologist is the best person to ask\b)")
SOURCES_SILENT = re.compile(r"\bsources (don't|do not)\b", re.I)
POINTS_TO_SOMEONE = re.compile(r"\b(doctor|GP|neurologist|therapist|practitioner)\b")


def sentences():
    """(where, say, fact ids) of every sentence a topic or a safety reminder speaks."""
    for topic in TOPICS:
        for part, said in topic.sentences.items():
            for index, (say, facts) in enumerate(said):
                yield "%s.%s[%d]" % (topic.id, part, index + 1), say, facts
    for name, said in CONTENT.safety_sentences.items():
        for index, (say, facts) in enumerate(said):
            yield "safety_reminders.%s[%d]" % (name, index + 1), say, facts


def replies():
    """(where, topic, part, locale, Spoken) for every topic part in every locale."""
    for topic in TOPICS:
        for part in PARTS:
            for locale in wording.LOCALES:
                spoken = render.render(Say(topic=topic, part=part, thing=THING if topic.template else None),
                                       CONTENT, locale)
                yield "%s.%s (%s)" % (topic.id, part, locale), topic, part, locale, spoken


REPLIES = list(replies())


def said_text(spoken):
    """What a reply says, without the question it ends on."""
    return spoken.screen_text


def cited(topic, part, locale):
    return {fact for _say, facts in CONTENT.sentences(topic, part, locale) for fact in facts}


# ------------------------------------------------------------- every sentence names its facts

@needs_sheet
def test_every_spoken_sentence_names_facts_the_sheet_has():
    for where, say, facts in sentences():
        for fact in facts:
            assert fact in SHEET, "%s names %r, which the fact sheet does not have: %s" % (where, fact, say)
    for key, facts in wording.facts().items():
        for fact in facts:
            assert fact in SHEET, "wording %r names %r, which the fact sheet does not have" % (key, fact)


def test_a_sentence_naming_no_fact_is_the_skill_speaking_of_itself_or_its_sources():
    for where, say, facts in sentences():
        if not facts:
            assert SKILL_VOICE.match(say), (
                "%s names no fact, so it must only speak of the skill or say what its sources "
                "don't cover; name the facts it rests on: %s" % (where, say))


def test_a_reply_that_says_the_sources_are_silent_points_to_someone_who_knows():
    for where, _topic, _part, _locale, spoken in REPLIES:
        if SOURCES_SILENT.search(said_text(spoken)):
            assert POINTS_TO_SOMEONE.search(said_text(spoken)), (where, said_text(spoken))


@needs_sheet
def test_the_facts_table_gives_each_fact_the_sheets_sources():
    for fact, tags in CONTENT.facts.items():
        assert fact in SHEET, "topics.json's facts table has %r, the sheet does not" % fact
        assert tags == SHEET[fact].tags, "fact %r: the sheet's sources are %s, topics.json says %s" % (
            fact, SHEET[fact].tags, tags)


@needs_sheet
def test_every_caveat_in_the_sheet_is_one_these_tests_know():
    for fact in SHEET.values():
        assert fact.unrecognised_caveat() is None, (
            "fact %s points to a doctor in a way facts_sheet.CAVEATS does not know: teach it: %s"
            % (fact.id, fact.text))


# ------------------------------------------------------------- as strong as the facts, no stronger

STRONG = re.compile(r"\b(does|do|did|helps|help|helped|makes|make|improves|improve|eases|ease|reduces|reduce|"
                    r"relieves|relieve|prevents|prevent|works|work|will|safe|treats|cures)\b", re.I)
CLAUSE = re.compile(r", (?:and|but|so|which|because) |; |: ")
CONDITION = re.compile(r"^(even )?(if|whether)\b[^,]*(, |$)", re.I)


def claims(say):
    """The clauses of a sentence that claim something: a condition ("if it does
    nothing more than help you relax, ...") claims nothing."""
    return [CONDITION.sub("", clause) for clause in CLAUSE.split(say)]


def unhedged(say):
    """The strong words of a sentence ("helps", "makes", "safe") that no hedge
    ("may", "can", "usually") comes before in their clause."""
    found = []
    for clause in claims(say):
        for word in STRONG.finditer(clause):
            if not facts_sheet.HEDGE.search(clause[:word.start()]):
                found.append(word.group(0))
    return found


@needs_sheet
def test_a_sentence_resting_only_on_may_facts_keeps_the_hedge():
    for where, say, facts in sentences():
        if facts and all(SHEET[f].hedged for f in facts):
            assert not unhedged(say), "%s rests only on hedged facts (%s) but says %s without the hedge: %s" % (
                where, ", ".join(facts), unhedged(say), say)


def test_the_hedge_check_knows_a_claim_from_a_hedge():
    assert unhedged("For some people with MS, massage makes certain symptoms easier to live with.") == ["makes"]
    assert unhedged("Massage is safe for people with MS.") == ["safe"]
    assert not unhedged("Massage can help improve circulation, and poor circulation is one it may ease.")
    assert not unhedged("Even if all it does is help you relax, that may be worth it.")


QUANTIFIERS = re.compile(r"\b(many|most|all|every|each|always|never|none|several|no single)\b", re.I)
SAME_QUANTIFIER = {"every": "each|every", "each": "each|every"}


@needs_sheet
def test_a_sentence_says_how_many_only_as_its_facts_do():
    """"many people with MS", "many therapists", "one of several", "no single best":
    a quantifier is spoken only when a fact it rests on uses it."""
    for where, say, facts in sentences():
        if not facts:
            continue
        for word in QUANTIFIERS.findall(" ".join(claims(say))):
            word = word.lower()
            pattern = r"\b(%s)\b" % SAME_QUANTIFIER.get(word, word)
            assert any(re.search(pattern, SHEET[f].text, re.I) for f in facts), (
                "%s says %r, which none of its facts (%s) says: %s" % (where, word, ", ".join(facts), say))


@needs_sheet
def test_a_sentence_resting_on_a_fact_with_a_caveat_keeps_the_caveat_in_the_same_reply():
    """"If it doesn't ease after cooling, call the doctor", "ask your doctor first":
    wherever a fact is spoken, its caveat is spoken in the same reply."""
    for where, topic, part, locale, spoken in REPLIES:
        for fact in sorted(cited(topic, part, locale)):
            for name, reply in SHEET[fact].caveats:
                assert reply.search(said_text(spoken)), "%s rests on %s but drops its caveat (%s): %s" % (
                    where, fact, name, said_text(spoken))


# ------------------------------------------------------------- what the studies were and found

YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def sheet_years(pattern):
    return {fact.text[:4] for fact in SHEET.values() if YEAR.match(fact.text) and re.search(pattern, fact.text)}


def claims_about_studies(text, claim, allowed, or_count=None):
    """[sentence] of a reply that makes `claim` of studies the sheet does not: a
    sentence naming its studies' years names only `allowed` ones; one that names
    none refers back, so every year said before it in the reply must be allowed
    (or it says how many, when `or_count` is given)."""
    wrong, before = [], set()
    for sentence in re.split(r"(?<=[.?!])\s+", text):
        years = set(YEAR.findall(sentence))
        if claim.search(sentence):
            if years:
                bad = bool(years - allowed)
            elif or_count and re.search(r"\b%s\b" % or_count, sentence, re.I):
                bad = False
            else:
                bad = not before <= allowed or (or_count is not None and not before)
            if bad:
                wrong.append(sentence)
        before |= years
    return wrong


@needs_sheet
def test_only_the_studies_the_sheet_calls_small_are_called_small():
    small = sheet_years(r"^\d{4}, small study")
    assert small == {"2013", "2014", "2016"}
    claim = re.compile(r"\bsmall\b")
    for where, _topic, _part, _locale, spoken in REPLIES:
        assert not claims_about_studies(said_text(spoken), claim, small), (where, said_text(spoken))


@needs_sheet
def test_only_the_studies_that_found_massage_safe_are_said_to_have():
    safe = sheet_years(r"\bwas safe\b")
    assert safe == {"2014", "2016"}
    claim = re.compile(r"\b(found|find|finds)\b[^.;]*\bsafe\b|\bwas safe\b", re.I)
    for where, _topic, _part, _locale, spoken in REPLIES:
        assert not claims_about_studies(said_text(spoken), claim, safe, or_count="two"), (
            where, said_text(spoken))


def test_the_study_checks_catch_what_the_review_found():
    claim = re.compile(r"\bsmall\b")
    said = "A small 2013 study found less pain. A 2022 study also did. All of these studies were small."
    assert claims_about_studies(said, claim, {"2013", "2014", "2016"}) == ["All of these studies were small."]
    safe = re.compile(r"\bwas safe\b")
    said = "Massage has been studied in small trials. They found it was safe."
    assert claims_about_studies(said, safe, {"2014", "2016"}, or_count="two") == ["They found it was safe."]


# ------------------------------------------------------------- the review's findings, as classes

def all_spoken():
    """(where, text) of every reply, sentence by sentence."""
    for where, _topic, _part, _locale, spoken in REPLIES:
        for sentence in re.split(r"(?<=[.?!])\s+", said_text(spoken)):
            yield where, sentence


@needs_sheet
def test_never_massage_over_names_only_what_the_sheet_names():
    """Only sores, wounds, burns and broken bones are never massaged over; a deep
    vein thrombosis is a reason to check first, not a place to massage around."""
    never = re.search(r"Never massage over ([^;.]+)", SHEET["safety-7"].text).group(1)
    allowed = {w.rstrip("s") for w in re.findall(r"[a-z]+", never.lower())} | {"a", "an", "any", "the", "or"}
    for where, sentence in all_spoken():
        for over in re.findall(r"\bover (?:a|an|any|the) ([^.;]+)", sentence):
            words = {w.rstrip("s") for w in re.findall(r"[a-z]+", over.lower().split(" so ")[0])}
            assert words <= allowed, "%s: massage 'over' %s: %s" % (where, sorted(words - allowed), sentence)


def test_the_safety_details_name_every_reason_to_check_first():
    full = CONTENT.text(CONTENT.get("massage-safe"), "answer", "en-US") + " " + \
        CONTENT.text(CONTENT.get("massage-safe"), "more", "en-US")
    for said in (r"pregnan", r"relapse", r"surgery", r"injur", r"bleeding disorder", r"platelets",
                 r"blood.thinn", r"\bill\b", r"deep vein thrombosis", r"fracture", r"osteoporosis",
                 r"burn", r"wound", r"cancer", r"pain with no known cause", r"swelling"):
        assert re.search(said, full), "is massage safe, in detail, leaves out %s: %s" % (said, full)


def test_preventing_pressure_sores_is_said_of_skin_that_is_still_whole():
    for where, sentence in all_spoken():
        if re.search(r"\bprevent\w*\b[^.]*\b(pressure|bed) sores\b", sentence, re.I):
            assert re.search(r"still whole|unbroken|intact", sentence), (where, sentence)


REASSURANCE = re.compile(r"lasting damage|usually fades?|fades? once|fades? as", re.I)
CALL_IF_NOT_EASING = dict((name, reply) for name, _said, reply in facts_sheet.CAVEATS)[
    "call the doctor if it does not ease"]


def test_heat_reassurance_always_comes_with_call_the_doctor_if_it_does_not_ease():
    for where, _topic, _part, _locale, spoken in REPLIES:
        if REASSURANCE.search(said_text(spoken)):
            assert CALL_IF_NOT_EASING.search(said_text(spoken)), (where, said_text(spoken))


def test_overheating_is_never_called_a_flare_or_a_relapse():
    for where, topic, _part, _locale, spoken in REPLIES:
        if topic.group == "heat" or topic.safety == "heat":
            text = said_text(spoken)
            assert not re.search(r"\bflare", text, re.I), (where, text)
            assert not re.search(r"(?<!true )\brelapse", text), (where, text)


def test_check_first_is_for_a_relapse_now_and_surgery_or_injury_recently():
    for where, sentence in all_spoken():
        assert not re.search(r"\bafter a relapse\b", sentence), (where, sentence)
        if re.search(r"\b(check|doctor)\b", sentence) and re.search(r"\b(had|have|after)\b[^.]*\b(surgery|injur)", sentence):
            assert re.search(r"\brecent", sentence), (where, sentence)


# ------------------------------------------------------------- what the user said, and only that

SLOT_INTENTS = {"SYMPTOM": ("SymptomIntent", "symptom"), "MASSAGE_TYPE": ("MassageTypeIntent", "massage_type"),
                "HEAT": ("HeatIntent", "heat"), "CONDITION": ("ConditionIntent", "condition")}
ARTICLES = {"a", "an", "the", "my", "some", "and", "of", "for"}


def test_a_not_covered_reply_names_what_the_user_said(handler):
    """A plain foot or head massage is not renamed "reflexology" or "ayurvedic
    massage": every word the user said is in what the reply names."""
    checked = 0
    for topic in TOPICS:
        if not topic.template:
            continue
        for slot in topic.slots:
            intent, name = SLOT_INTENTS[slot["type"]]
            for phrase in content_module.slot_phrases(slot):
                response = handler(Session().intent(intent, **{name: (phrase, slot["value"])}), None)
                if (response["response"].get("card") or {}).get("title") != topic.title:
                    continue          # triage answered it first (an urgent word)
                first = re.split(r"(?<=[.;])\s", speech_text(response))[0].lower()
                for word in re.findall(r"[a-z']+", phrase):
                    if word not in ARTICLES:
                        assert word[:5] in first, "%r is called something else: %s" % (phrase, first)
                checked += 1
    assert checked > 100


@pytest.mark.parametrize("intent, slots", [
    ("MassageTypeIntent", {"massage_type": ("acupuncture", "acupuncture")}),
    ("SearchIntent", {"query": "does acupuncture help ms"}),
])
def test_acupuncture_hears_first_that_the_sources_do_not_cover_it(handler, intent, slots):
    said = speech_text(handler(Session().intent(intent, **slots), None))
    assert said.startswith("My sources don't cover acupuncture"), said


@pytest.mark.parametrize("phrase, value, topic", [
    ("cramps", "cramps", "symptom-not-covered"), ("leg cramps", "cramps", "symptom-not-covered"),
    ("cold hands", "cold hands", "symptom-not-covered"), ("cold feet", "cold hands", "symptom-not-covered"),
])
def test_cramps_are_not_spasticity_and_cold_hands_are_not_poor_circulation(handler, phrase, value, topic):
    response = handler(Session().intent("SymptomIntent", symptom=(phrase, value)), None)
    assert response["response"]["card"]["title"] == CONTENT.get(topic).title
    assert "spasticity" not in speech_text(response).split(".")[0]
    for slot in CONTENT.get("spasticity").slots + CONTENT.get("circulation").slots:
        assert not re.search(r"cramp|cold", " ".join(content_module.slot_phrases(slot)))


# ------------------------------------------------------------- cards cite what was said

def card_names(card):
    found = re.search(r"\nSources:\n((?:- .*(?:\n|$))+)", card)
    return [line[2:] for line in found.group(1).strip().split("\n")] if found else []


def tags_for(names, locale):
    by_name = {CONTENT.source_name(tag, locale): tag for tag in CONTENT.sources}
    return {by_name[name] for name in names}


def on_card(topic, card, locale):
    """The fact ids of the topic's sentences (any part, any variant, its safety
    reminder) whose words are on the card."""
    words = dict(wording.for_locale(locale), thing=THING)
    body = card.split("\nSources:\n")[0]
    said = [s for part in topic.sentences.values() for s in part]
    if topic.safety:
        said += CONTENT.safety_sentences[topic.safety]
    return {fact for say, facts in said if re.sub(r"\{(\w+)\}", lambda m: words[m.group(1)], say) in body
            for fact in facts}


@needs_sheet
def test_a_card_names_exactly_the_sources_of_the_facts_its_sentences_rest_on():
    for where, topic, part, locale, spoken in REPLIES:
        names = card_names(spoken.card_text)
        expected = {tag for fact in on_card(topic, spoken.card_text, locale) for tag in SHEET[fact].tags}
        assert tags_for(names, locale) == expected, "%s card names %s; its sentences rest on %s" % (
            where, names, sorted(expected))
        screen = screens.screen_data(Say(topic=topic, part=part), spoken, CONTENT, wording.for_locale(locale))
        assert screen["kind"] == "urgent" or screen["sources"] == (
            "Sources: " + " · ".join(names) if names else ""), where


@pytest.mark.parametrize("words", ["my chest hurts and it's spreading to my arm",
                                   "his throat is swelling after a bee sting", "she's having a seizure",
                                   "he fell and can't get up"])
@pytest.mark.parametrize("locale", ["en-US", "en-GB"])
def test_an_emergency_card_names_no_source(handler, words, locale):
    """The sheet's emergency section is outside its sources: no stroke-sign source
    on a card for chest pain, an overdose, an allergic reaction, a seizure or a fall."""
    response = handler(Session(locale=locale).intent("SearchIntent", query=words), None)
    assert response["response"]["shouldEndSession"] is True
    card = card_text(response)
    assert "Sources" not in card and "Stroke" not in card, card


@pytest.mark.parametrize("locale", ["en-US", "en-GB"])
def test_an_overdose_card_names_only_the_crisis_line_it_speaks_of(handler, locale):
    """The overdose reply names the local crisis line, so its card says whose line it
    is, and nothing else: no stroke-sign source."""
    response = handler(Session(locale=locale).intent("SearchIntent", query="she took too many pills"), None)
    assert response["response"]["shouldEndSession"] is True
    card = card_text(response)
    assert "Stroke" not in card and card.count("\n- ") == 1 and CONTENT.sources["crisis"][locale] in card, card


CRISIS_SERVICES = {"en-US": "988 Suicide", "en-CA": "9-8-8 Suicide Crisis", "en-GB": "Samaritans",
                   "en-AU": "Lifeline Australia", "en-IN": "Tele-MANAS"}


@pytest.mark.parametrize("locale", sorted(CRISIS_SERVICES))
def test_a_crisis_card_names_only_the_service_it_spoke(handler, locale):
    response = handler(Session(locale=locale).intent("SearchIntent", query="i want to end my life"), None)
    names = card_names(card_text(response))
    assert len(names) == 1 and names[0].startswith(CRISIS_SERVICES[locale]), names
    for other, service in CRISIS_SERVICES.items():
        if service != CRISIS_SERVICES[locale]:
            assert service not in card_text(response), (locale, other)


@needs_sheet
@pytest.mark.parametrize("locale, country", [("en-US", "US"), ("en-CA", "Canada"), ("en-GB", "UK"),
                                             ("en-AU", "Australia"), ("en-IN", "India")])
def test_each_countrys_numbers_are_the_sheets(locale, country):
    words = wording.for_locale(locale)
    assert re.search(r"%s in (the )?(US and )?%s\b" % (re.escape(words["emergency_number"]), country),
                     SHEET["urgent-1"].text), (locale, words["emergency_number"])
    assert re.search(r"in (the )?[^;]*\b%s\b[^;]*\b%s\b" % (country, re.escape(words["crisis_number"])),
                     SHEET["urgent-3"].text), (locale, words["crisis_number"])


# ------------------------------------------------------------- each country's words

LOCAL_WORDS = ("primary_doctor", "pharmacist", "health_cover")


@pytest.mark.parametrize("locale", wording.LOCALES)
def test_each_country_hears_its_own_words_for_doctors_chemists_and_cover(locale):
    """"GP" not "primary care doctor" in en-GB, en-AU and en-IN, "chemist" there,
    and no word another country uses for the same thing."""
    mine = wording.for_locale(locale)
    others = {wording.for_locale(other)[key] for other in wording.LOCALES for key in LOCAL_WORDS} - \
        {mine[key] for key in LOCAL_WORDS}
    for where, _topic, _part, spoken_locale, spoken in REPLIES:
        if spoken_locale != locale:
            continue
        for word in others:
            assert not re.search(r"\b%s\b" % re.escape(word), spoken.text), (where, word, spoken.text)
    therapist_ms = render.render(Say(topic=CONTENT.get("therapist-ms")), CONTENT, locale).text
    expected = {"en-US": "primary care doctor", "en-CA": "family doctor"}.get(locale, "GP")
    assert re.search(r"\b%s\b" % expected, therapist_ms), therapist_ms


def test_insurance_is_spoken_the_us_way_only_in_the_us_and_no_scheme_is_named():
    """Outside the U.S. the skill says only what the sheet supports: ask whether
    your health cover pays, and ask about the cost; never what the NHS, Medicare
    or any scheme does."""
    for where, _topic, _part, locale, spoken in REPLIES:
        assert not re.search(r"\b(NHS|Medicare|Medicaid)\b", spoken.text, re.I), (where, spoken.text)
        if locale != "en-US":
            assert not re.search(r"\binsur|\byour plan\b", spoken.text, re.I), (where, spoken.text)
    for locale in ("en-GB", "en-AU", "en-IN", "en-CA"):
        said = render.render(Say(topic=CONTENT.get("insurance")), CONTENT, locale).text
        assert re.search(r"whether your health cover(age)? pays", said) and "cost" in said, said


# Questions naming the NHS, Medicare, a GP or a chemist, each with the topic it is
# about (none of them is a question in topics.json).
LOCAL_QUESTIONS = [
    ("en-GB", "can i get massage treatment on the nhs", "insurance"),
    ("en-GB", "is massage therapy free on the nhs", "insurance"),
    ("en-GB", "does the nhs fund massage for ms", "insurance"),
    ("en-GB", "can i have massage on the nhs for my ms", "insurance"),
    ("en-AU", "does medicare cover massage for ms", "insurance"),
    ("en-AU", "is remedial massage covered by my health fund", "insurance"),
    ("en-GB", "should i speak to my gp before a massage", "check-doctor"),
    ("en-IN", "should i ask my gp before booking a massage", "check-doctor"),
    ("en-AU", "can my gp recommend a good massage therapist", "find-therapist"),
    ("en-GB", "does my gp know about massage therapists for ms", "therapist-ms"),
    ("en-GB", "my gp wants me to try massage for my ms is it safe", "massage-safe"),
    ("en-GB", "can i ask the chemist which tablets are ok before a massage", "medication"),
    ("en-IN", "can the chemist tell me what dose to take before massage", "medication"),
]


@pytest.fixture(scope="module")
def runner():
    from msguide_tools.eval_sets import Runner
    return Runner(101)


@pytest.mark.parametrize("locale, words, topic", LOCAL_QUESTIONS)
def test_a_question_naming_a_local_service_reaches_the_topic_it_is_about(runner, locale, words, topic):
    response, _intent, _confirmed = runner.ask(words, locale)
    assert (response["response"].get("card") or {}).get("title") == CONTENT.get(topic).title, speech_text(response)
