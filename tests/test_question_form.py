"""Answer what was asked: the form of a question picks the answer, through the real
SDK with real envelopes (issue 25, item 6)."""

import pytest

from alexa import Session, speech_text
from msguide.content import default_content
from msguide.understanding.question_form import claims_heat_was_called_safe, form_of

RELAPSE = default_content().get("relapse")


def ask(handler, intent, **slots):
    session = Session()
    return session, session.absorb(handler(session.intent(intent, **slots), None))


@pytest.mark.parametrize("intent, query", [
    ("StartsWith_what_is", "a relapse"),
    ("StartsWith_what_is", "a relapse exactly"),
    ("StartsWith_what_is", "an ms relapse the nurse said it and i didn't like to ask"),
    ("SearchIntent", "what's a relapse"),          # "so {query}": Alexa sends the rest
])
def test_what_is_a_relapse_gets_the_definition_from_the_sheet(handler, intent, query):
    _session, response = ask(handler, intent, query=query)
    text = speech_text(response)
    assert text.startswith("A relapse is new MS symptoms"), text
    assert "24 hours" in text and "30 days" in text
    assert response["response"]["card"]["title"] == RELAPSE.title   # the same topic: its card, its "more"


@pytest.mark.parametrize("intent, query", [
    ("StartsWith_what_is", "the best massage during a relapse"),
    ("SearchIntent", "think i'm having a relapse"),
    ("StartsWith_what_is", "a relapse and can i still have a massage"),
])
def test_other_relapse_questions_are_not_answered_with_a_definition(handler, intent, query):
    _session, response = ask(handler, intent, query=query)
    assert not speech_text(response).startswith("A relapse is")


def test_tell_me_more_after_the_definition_goes_on_to_massage_during_a_relapse(handler):
    session, _first = ask(handler, "StartsWith_what_is", query="a relapse")
    more = speech_text(session.absorb(handler(session.intent("AMAZON.YesIntent"), None)))
    assert "Tell your therapist" in more


def test_what_kinds_are_there_lists_at_most_four_and_offers_the_rest(handler):
    session, response = ask(handler, "BestMassageIntent")
    text = speech_text(response)
    answer, _, offer = text.rpartition(". ")
    named = [k for k in ("Swedish", "reiki", "acupressure", "shiatsu", "Rolfing", "Trager",
                         "German", "Alexander", "Feldenkrais") if k in answer]
    assert 2 <= len(named) <= 4, text
    assert offer.startswith("Would you like to hear more")
    rest = speech_text(session.absorb(handler(session.intent("AMAZON.YesIntent"), None)))
    assert all(k in rest for k in ("Rolfing", "Trager", "Alexander", "Feldenkrais")), rest


@pytest.mark.parametrize("query", ["you told me saunas were fine", "said a hot tub is safe",
                                   "but you said hot stones were okay"])
def test_you_said_heat_was_safe_is_corrected_before_the_answer(handler, query):
    text = speech_text(ask(handler, "SearchIntent", query=query)[1])
    assert text.startswith("To be clear, I never call a heat treatment safe"), text
    assert "doctor" in text


def test_a_question_that_only_mentions_what_someone_said_is_not_corrected(handler):
    text = speech_text(ask(handler, "SearchIntent", query="my neurologist said a massage is fine for me")[1])
    assert "never call" not in text


@pytest.mark.parametrize("query, name", [("dry needling help spasms", "dry needling"),
                                         ("a chiropractor help my back pain with ms", "chiropractic"),
                                         ("physio wants to try dry needling on my calves", "dry needling"),
                                         ("use one of them massage guns on her calves", "massage guns")])
def test_a_named_therapy_the_sheet_does_not_cover_is_said_so_not_the_nearest_topic(handler, query, name):
    text = speech_text(ask(handler, "SearchIntent", query=query)[1])
    assert text.startswith("My sources don't cover %s" % name), text


def test_the_form_rules_read_words_not_intents():
    assert form_of("what is a flare up", RELAPSE) == "define"
    assert form_of("what is a massage during a flare up", RELAPSE) is None
    assert form_of("what is reiki", default_content().get("reiki")) is None      # no definition to give
    heat = default_content().get("hot-tub")
    assert claims_heat_was_called_safe("you said hot tubs were fine", heat)
    assert not claims_heat_was_called_safe("you said hot tubs were fine", default_content().get("fatigue"))


@pytest.mark.parametrize("query, topic", [
    ("what was that twenty twenty study on swelling and being tired", "study-2020"),
    ("tell me about that twenty sixteen study on pain and tiredness", "study-2016"),
    ("is it safe to get a message with emma's", "massage-safe"),
    ("what'd that twenty twenty study say about the swellin and the tiredness", "study-2020"),
    ("i was diagnosed in twenty sixteen can massage help my fatigue", "fatigue"),   # a year, no study
])
def test_years_said_as_words_and_misheard_massage_reach_their_topic(handler, query, topic):
    """Speech recognition writes "twenty sixteen" and "message ... emma's"; the one
    normaliser writes the year as a number, and the answer reads "massage" and "ms"."""
    response = ask(handler, "SearchIntent", query=query)[1]
    assert response["response"]["card"]["title"] == default_content().get(topic).title, speech_text(response)


def test_a_year_is_written_as_a_number_but_a_span_or_an_amount_is_not():
    from msguide.understanding.normalize import words
    assert words("the twenty twenty two study") == "the 2022 study"
    assert words("numb since nineteen ninety five") == "numb since 1995"
    assert words("is twenty thirty minutes enough") == "is twenty thirty minutes enough"
    assert words("i was twenty one") == "i was twenty one"


def test_regional_spellings_are_read_as_their_words():
    from msguide.understanding.normalize import words
    assert words("ah cannae keep goin like this") == "i can't keep going like this"
    assert words("she's shakin aw ower") == "she's shaking all over"
    assert words("my skin and the pain again") == "my skin and the pain again"     # not a dropped g
    # Hawaii Pidgin's "stay" after its subject is "is"; "stay home" keeps its meaning
    assert words("he stay shaking bad") == "he is shaking bad"
    assert words("i stay home today") == "i stay home today"
    # Norfolk "nawthen", and "nada"
    assert words("three goes and nawthen's changed") == "three goes and nothing's changed"
    assert words("nada from the last one") == "nothing from the last one"


@pytest.mark.parametrize("query, topic", [
    ("what in the world is reeky my neighbour does it", "reiki"),
    ("is reeky the best thing in the world for ms", "reiki"),
])
def test_a_common_word_beside_a_misheard_name_is_not_respelled_with_it(query, topic):
    """A run of words that starts or ends with a common word is not matched as one
    name: "the world" was heard as "the cold" and the cold answer was given. Asked as
    Alexa would send the words (the strict matcher's carrier and slot)."""
    from msguide_tools.eval_sets import Runner
    response, _intent, _confirmed = Runner(101).ask(query, "en-US")
    assert response["response"]["card"]["title"] == default_content().get(topic).title, speech_text(response)


@pytest.mark.parametrize("query, topic", [
    ("shiatsoo", "shiatsu"),
    ("rolfin", "rolfing"),
    ("sweetish massage", "swedish"),
    ("trayger", "trager"),
])
def test_a_misheard_name_the_classifier_has_met_is_still_answered_without_asking_back(handler, query, topic):
    """Outside authors wrote mishearings ("shiatsoo") into questions the classifier
    learns from; such a word is then known, and a known word is never respelled. The
    misheard words are recorded apart, so the name is still heard and answered."""
    response = ask(handler, "SearchIntent", query=query)[1]
    assert response["response"].get("card", {}).get("title") == default_content().get(topic).title, \
        speech_text(response)
