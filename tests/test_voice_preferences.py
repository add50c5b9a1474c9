"""A slower (or faster) voice and shorter or fuller answers, on request and remembered.

Through the real skill with real envelopes and a real store (an SQLite file,
and DynamoDB under moto); the SSML is parsed as XML every time.
"""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from alexa import Session, sender, speech_text, turn
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
    confirmed = turn(send, user, user.intent("SlowerIntent"))
    assert ssml(confirmed).startswith("<speak>" + SLOW) and "more slowly" in speech_text(confirmed)
    assert '<break time="400ms"/>' in ssml(confirmed)               # pauses between sentences
    answer = turn(send, user, user.intent("SymptomIntent", symptom=("tired", "fatigue")))
    assert SLOW in ssml(answer) and SLOW in answer["response"]["reprompt"]["outputSpeech"]["ssml"]
    turn(send, user, user.intent("AMAZON.StopIntent"))
    assert SLOW in ssml(opened(send, user))                         # a new session remembers
    back = turn(send, user, user.intent("NormalSpeedIntent"))
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
    turn(send, user, user.intent("SlowerIntent"))
    turn(send, user, user.intent("AMAZON.StopIntent"))
    asker = one_shot_for(user)
    answer = turn(send, asker, asker.intent("HeatIntent", heat=("hot tub", "hot tub")))
    assert "hot tub" in speech_text(answer).lower()
    assert SLOW in ssml(answer) and SLOW in answer["response"]["reprompt"]["outputSpeech"]["ssml"]
    assert SLOW in ssml(turn(send, asker, asker.intent("AMAZON.YesIntent")))      # and the rest of it
    never_asked = Session()                                            # someone else: normal speed
    assert "prosody" not in ssml(turn(send, never_asked, never_asked.intent("HeatIntent", heat=("sauna", "sauna"))))
    turn(send, user, user.intent("NormalSpeedIntent"))                 # said in the first session, still open
    again = one_shot_for(user)
    assert "prosody" not in ssml(turn(send, again, again.intent("HeatIntent", heat=("sauna", "sauna"))))


def test_give_me_the_details_then_a_one_shot_question_in_a_new_session_gets_the_details(send):
    fatigue = default_content().get("fatigue")
    user = Session()
    opened(send, user)
    turn(send, user, user.intent("DetailedAnswersIntent"))
    turn(send, user, user.intent("AMAZON.StopIntent"))
    asker = one_shot_for(user)
    full = speech_text(turn(send, asker, asker.intent("SymptomIntent", symptom=("tired", "fatigue"))))
    assert fatigue.answer[:40] in full and fatigue.more[:40] in full
    assert "hear more about massage and fatigue" not in full
    asker = one_shot_for(user)                                         # and "keep it short", said in a one-shot
    turn(send, asker, asker.intent("ShortAnswersIntent"))
    later = one_shot_for(user)
    short = speech_text(turn(send, later, later.intent("SymptomIntent", symptom=("tired", "fatigue"))))
    assert fatigue.more[:40] not in short and short.endswith("hear more about massage and fatigue?")


def test_speak_faster_but_never_an_emergency_or_a_crisis(send):
    user = Session()
    opened(send, user)
    assert ssml(turn(send, user, user.intent("FasterIntent"))).startswith("<speak>" + FAST)
    assert FAST in ssml(turn(send, user, user.intent("CureIntent")))
    crisis = turn(send, user, user.intent("SearchIntent", query="i don't want to be here anymore"))
    assert FAST not in ssml(crisis) and '<prosody rate="90%">' in ssml(crisis)


def test_say_that_again_slowly_repeats_the_last_answer_slower_this_once(send):
    user = Session()
    opened(send, user)
    answer = turn(send, user, user.intent("HeatIntent", heat=("hot tub", "hot tub")))
    again = turn(send, user, user.intent("RepeatSlowlyIntent"))
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
    assert "details" in speech_text(turn(send, user, user.intent("DetailedAnswersIntent")))
    full = speech_text(turn(send, user, user.intent("SymptomIntent", symptom=("tired", "fatigue"))))
    assert fatigue.answer[:40] in full and fatigue.more[:40] in full
    assert "hear more about massage and fatigue" not in full                # no "more?" offer
    more = turn(send, user, user.intent("AMAZON.YesIntent"))                 # yes: the related topic
    assert default_content().get(fatigue.related).answer[:30] in speech_text(more)
    turn(send, user, user.intent("AMAZON.StopIntent"))
    opened(send, user)
    again = speech_text(turn(send, user, user.intent("SymptomIntent", symptom=("tired", "fatigue"))))
    assert fatigue.more[:40] in again                                        # remembered
    turn(send, user, user.intent("ShortAnswersIntent"))
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
    model = VoiceModel.for_locale("en-AU")
    cases = {"speak slower": "SlowerIntent", "slow down": "SlowerIntent", "you're talking too fast": "SlowerIntent",
             "speak faster": "FasterIntent", "normal speed": "NormalSpeedIntent",
             "say that again slowly": "RepeatSlowlyIntent", "just the short answer": "ShortAnswersIntent",
             "give me the details": "DetailedAnswersIntent", "keep it short": "ShortAnswersIntent"}
    for words, intent in cases.items():
        assert model.map(words, threshold=101).intent == intent, words


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
