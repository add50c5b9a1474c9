"""A slower (or faster) voice and shorter or fuller answers, on request and remembered.

Through the real skill with real envelopes and a real store (an SQLite file,
and DynamoDB under moto); the SSML is parsed as XML every time.
"""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from alexa import Session, ends_session, sender, speech_text, turn
from msguide import persistence
from msguide.content import default_content
from msguide.render import Say, render
from msguide_sim.nlu import VoiceModel

SLOW = '<prosody rate="80%">'
FAST = '<prosody rate="115%">'


def ssml(response):
    text = response["response"]["outputSpeech"]["ssml"]
    ET.fromstring(text)                                   # well-formed, or the test fails here
    return text


@pytest.fixture(params=["sqlite", "dynamodb"])
def send(request, tmp_path):
    if request.param == "sqlite":
        return sender(persistence.SQLiteAdapter(str(tmp_path / "memory.sqlite3")))
    return sender(request.getfixturevalue("dynamodb_adapter"))


def opened(send, user):
    user.new_session()
    return turn(send, user, user.launch())


def test_speak_slower_is_confirmed_slowly_and_kept_across_sessions(send):
    user = Session()
    opened(send, user)
    confirmed = turn(send, user, user.intent("SpeechRateIntent", pace=("slower", "slow")))
    assert ssml(confirmed).startswith("<speak>" + SLOW) and "more slowly" in speech_text(confirmed)
    assert '<break time="400ms"/>' in ssml(confirmed)               # pauses between sentences
    answer = turn(send, user, user.intent("SymptomIntent", symptom=("tired", "fatigue")))
    assert SLOW in ssml(answer) and SLOW in answer["response"]["reprompt"]["outputSpeech"]["ssml"]
    turn(send, user, user.intent("AMAZON.StopIntent"))
    assert SLOW in ssml(opened(send, user))                         # a new session remembers
    back = turn(send, user, user.intent("SpeechRateIntent", pace=("normal speed", "normal")))
    assert "prosody" not in ssml(back) and "normal speed" in speech_text(back)
    assert "prosody" not in ssml(opened(send, user))


def one_shot_for(user):
    """The same speaker, in a new session that opens with a question
    ("Alexa, ask m. s. massage guide is a hot tub safe"): no LaunchRequest."""
    asker = Session()
    asker.user_id = user.user_id
    return asker


def test_speak_slower_then_a_one_shot_question_in_a_new_session_is_spoken_slower(send):
    user = Session()
    opened(send, user)
    turn(send, user, user.intent("SpeechRateIntent", pace=("slower", "slow")))
    turn(send, user, user.intent("AMAZON.StopIntent"))
    asker = one_shot_for(user)
    answer = turn(send, asker, asker.intent("HeatIntent", heat=("hot tub", "hot tub")))
    assert "hot tub" in speech_text(answer).lower()
    assert SLOW in ssml(answer) and SLOW in answer["response"]["reprompt"]["outputSpeech"]["ssml"]
    assert SLOW in ssml(turn(send, asker, asker.intent("AMAZON.YesIntent")))      # and the rest of it
    never_asked = Session()                                            # someone else: normal speed
    assert "prosody" not in ssml(turn(send, never_asked, never_asked.intent("HeatIntent", heat=("sauna", "sauna"))))
    turn(send, user, user.intent("SpeechRateIntent", pace=("normal speed", "normal")))                 # said in the first session, still open
    again = one_shot_for(user)
    assert "prosody" not in ssml(turn(send, again, again.intent("HeatIntent", heat=("sauna", "sauna"))))


def test_give_me_the_details_then_a_one_shot_question_in_a_new_session_gets_the_details(send):
    fatigue = default_content().get("fatigue")
    user = Session()
    opened(send, user)
    turn(send, user, user.intent("AnswerLengthIntent", length=("the details", "full")))
    turn(send, user, user.intent("AMAZON.StopIntent"))
    asker = one_shot_for(user)
    full = speech_text(turn(send, asker, asker.intent("SymptomIntent", symptom=("tired", "fatigue"))))
    assert fatigue.answer[:40] in full and fatigue.more[:40] in full
    assert "hear more about massage and fatigue" not in full
    asker = one_shot_for(user)                                         # and "keep it short", said in a one-shot
    turn(send, asker, asker.intent("AnswerLengthIntent", length=("short", "short")))
    later = one_shot_for(user)
    short = speech_text(turn(send, later, later.intent("SymptomIntent", symptom=("tired", "fatigue"))))
    assert fatigue.more[:40] not in short and short.endswith("hear more about massage and fatigue?")


def test_speak_faster_but_never_an_emergency_or_a_crisis(send):
    user = Session()
    opened(send, user)
    assert ssml(turn(send, user, user.intent("SpeechRateIntent", pace=("faster", "fast")))).startswith("<speak>" + FAST)
    assert FAST in ssml(turn(send, user, user.intent("CureIntent")))
    crisis = turn(send, user, user.intent("SearchIntent", query="i don't want to be here anymore"))
    assert FAST not in ssml(crisis) and '<prosody rate="90%">' in ssml(crisis)


def test_say_that_again_slowly_repeats_the_last_answer_slower_this_once(send):
    user = Session()
    opened(send, user)
    answer = turn(send, user, user.intent("HeatIntent", heat=("hot tub", "hot tub")))
    again = turn(send, user, user.intent("SpeechRateIntent", once=("slowly", "slow")))
    assert speech_text(again) == speech_text(answer) and SLOW in ssml(again) and SLOW not in ssml(answer)
    after = turn(send, user, user.intent("AMAZON.RepeatIntent"))
    assert SLOW not in ssml(after)                                   # not remembered


def test_a_new_user_hears_once_that_they_can_ask_for_a_slower_voice(send):
    user = Session()
    first = speech_text(opened(send, user))
    assert "speak slower" in first
    turn(send, user, user.intent("AMAZON.StopIntent"))
    assert "speak slower" not in speech_text(opened(send, user))


def test_give_me_the_details_goes_straight_on_and_short_answer_goes_back(send):
    fatigue = default_content().get("fatigue")
    user = Session()
    opened(send, user)
    assert "details" in speech_text(turn(send, user, user.intent("AnswerLengthIntent", length=("the details", "full"))))
    full = speech_text(turn(send, user, user.intent("SymptomIntent", symptom=("tired", "fatigue"))))
    assert fatigue.answer[:40] in full and fatigue.more[:40] in full
    assert "hear more about massage and fatigue" not in full                # no "more?" offer
    more = turn(send, user, user.intent("AMAZON.YesIntent"))                 # yes: the related topic
    assert default_content().get(fatigue.related).answer[:30] in speech_text(more)
    turn(send, user, user.intent("AMAZON.StopIntent"))
    opened(send, user)
    again = speech_text(turn(send, user, user.intent("SymptomIntent", symptom=("tired", "fatigue"))))
    assert fatigue.more[:40] in again                                        # remembered
    turn(send, user, user.intent("AnswerLengthIntent", length=("short", "short")))
    short = speech_text(turn(send, user, user.intent("SymptomIntent", symptom=("tired", "fatigue"))))
    assert fatigue.more[:40] not in short and short.endswith("hear more about massage and fatigue?")


@pytest.mark.parametrize("rate", ["slow", "fast"])
def test_a_rate_never_breaks_the_ssml_of_any_answer(rate):
    content = default_content()
    for topic in content.topics.values():
        for part in ("answer", "more", "full"):
            for locale in ("en-US", "en-GB", "en-AU"):
                spoken = render(Say(topic=topic, part=part, thing="r&d <b> \"x\" it's"), content, locale, rate=rate)
                root = ET.fromstring(spoken.ssml)
                assert root.tag == "speak"
                plain = re.sub(r"\s+", " ", "".join(root.itertext())).strip()
                unpaced = render(Say(topic=topic, part=part, thing="r&d <b> \"x\" it's"), content, locale)
                assert plain == re.sub(r"\s+", " ", "".join(ET.fromstring(unpaced.ssml).itertext())).strip()


def test_the_phrasings_reach_their_intents_in_the_built_model():
    """Words through the built model (the strict matcher) and the real skill: the reply
    says the change each wording asks for ("too fast" asks for slower)."""
    model, send = VoiceModel.for_locale("en-AU"), sender(None)
    cases = {"speak slower": "more slowly", "slow down": "more slowly", "you're talking too fast": "more slowly",
             "i can't keep up": "more slowly", "speak faster": "a little faster", "you're too slow": "a little faster",
             "speed it up please": "a little faster", "normal speed": "normal speed",
             "go back to your usual pace": "normal speed", "reset the speed": "normal speed",
             "just the short answer": "the short answer first", "keep it short": "the short answer first",
             "too much detail": "the short answer first", "give me the details": "straight on to the details",
             "don't ask if i want more": "straight on to the details"}
    for words, said in cases.items():
        user = Session(locale="en-AU")
        match = model.map(words, threshold=101)
        assert match.intent in ("SpeechRateIntent", "AnswerLengthIntent"), words
        assert said in speech_text(turn(send, user, user.intent_for(model, match))), words
    for words in ("say that again slowly", "once more but slower", "repeat it slower please"):
        user = Session(locale="en-AU")
        turn(send, user, user.intent("HeatIntent", heat=("hot tub", "hot tub")))
        again = turn(send, user, user.intent_for(model, model.map(words, threshold=101)))
        assert "hot tub" in speech_text(again).lower() and SLOW in ssml(again), words


def test_say_that_again_faster_repeats_the_last_answer_faster_this_once(send):
    user = Session()
    opened(send, user)
    answer = turn(send, user, user.intent("HeatIntent", heat=("hot tub", "hot tub")))
    again = turn(send, user, user.intent("SpeechRateIntent", once=("faster", "fast")))
    assert speech_text(again) == speech_text(answer) and FAST in ssml(again)
    assert FAST not in ssml(turn(send, user, user.intent("AMAZON.RepeatIntent")))      # not remembered


@pytest.mark.parametrize("intent, slot, retry, value", [("SpeechRateIntent", "pace", "slower", "slow"),
                                                         ("AnswerLengthIntent", "length", "the details", "full")])
def test_a_preference_alexa_could_not_resolve_is_asked_for_not_guessed(send, intent, slot, retry, value):
    user = Session()
    opened(send, user)
    asked = turn(send, user, user.intent(intent, **{slot: ("middling", None)}))
    assert speech_text(asked).endswith("Which would you like?") and not ends_session(asked)
    assert "prosody" not in ssml(asked) and "Okay" not in speech_text(asked)       # nothing changed
    done = turn(send, user, user.intent(intent, **{slot: (retry, value)}))
    assert speech_text(done).startswith("Okay")


def test_preferences_in_the_store_are_validated(tmp_path):
    adapter = persistence.SQLiteAdapter(str(tmp_path / "m.sqlite3"))
    send = sender(adapter)
    user = Session()
    opened(send, user)
    from test_persistence import envelope_for
    adapter.save_attributes(envelope_for(user.user_id), {"disclaimer_heard": True, "hint_heard": True,
                                                         "pref": {"rate": "<x>", "detail": 7}})
    text = ssml(opened(send, user))
    assert "prosody" not in text and json.dumps(adapter.get_attributes(envelope_for(user.user_id)))
