"""Whole conversations through the real Lambda handler and the real SDK."""

import re

import pytest

from alexa import Session, ends_session, reprompt_text, speech_text, turn as ask

SAFE_CLAIM = re.compile(r"\b(is|are|it's|it is) (perfectly |completely |totally )?safe\b", re.I)


def test_launch_greets_says_what_it_answers_and_disclaims(handler, session):
    response = ask(handler, session, session.launch())
    text = speech_text(response)
    assert "massage" in text.lower()
    assert "not medical advice" in text
    assert text.endswith("?")
    assert not ends_session(response)
    assert reprompt_text(response)


@pytest.mark.parametrize("spoken, canonical, expect", [
    ("tired", "fatigue", "fatigue"),
    ("spasms", "spasticity", "spastic"),
    ("low mood", "depression", "depression"),
    ("bed sores", "pressure sores", "pressure sores"),
])
def test_symptom_answers_are_short_and_offer_more(handler, session, spoken, canonical, expect):
    response = ask(handler, session, session.intent("SymptomIntent", symptom=(spoken, canonical)))
    text = speech_text(response)
    assert expect in text.lower()
    assert "Would you like to hear more" in text
    answer = text.split("Would you like")[0]
    assert len(answer.split()) <= 36
    assert not ends_session(response)
    assert "Would you like to hear more" in reprompt_text(response)


def test_yes_after_an_answer_gives_the_longer_answer_then_offers_a_related_topic(handler, session):
    first = speech_text(ask(handler, session, session.intent("SymptomIntent", symptom=("fatigue", "fatigue"))))
    more = speech_text(ask(handler, session, session.intent("AMAZON.YesIntent")))
    assert more != first
    assert "six weeks" in more
    assert "Would you like to hear about" in more
    assert "how strong the research is" in more
    related = speech_text(ask(handler, session, session.intent("AMAZON.YesIntent")))
    assert "larger, long-term research" in related


def test_tell_me_more_and_repeat(handler, session):
    answer = speech_text(ask(handler, session, session.intent("MassageTypeIntent",
                                                             massage_type=("shiatsu", "shiatsu"))))
    again = speech_text(ask(handler, session, session.intent("AMAZON.RepeatIntent")))
    assert again == answer
    more = speech_text(ask(handler, session, session.intent("AMAZON.MoreIntent")))
    assert "acupressure" in more.lower()
    assert speech_text(ask(handler, session, session.intent("AMAZON.RepeatIntent"))) == more


def test_no_asks_what_else_then_closes_politely(handler, session):
    ask(handler, session, session.intent("CureIntent"))
    response = ask(handler, session, session.intent("AMAZON.NoIntent"))
    assert "anything else" in speech_text(response).lower()
    assert not ends_session(response)
    response = ask(handler, session, session.intent("AMAZON.NoIntent"))
    assert "goodbye" in speech_text(response).lower()
    assert ends_session(response)


def test_help_works_mid_conversation_and_keeps_the_session(handler, session):
    ask(handler, session, session.intent("HeatIntent", heat=("sauna", "sauna")))
    response = ask(handler, session, session.intent("AMAZON.HelpIntent"))
    assert "repeat" in speech_text(response).lower()
    assert not ends_session(response)


@pytest.mark.parametrize("intent", ["AMAZON.StopIntent", "AMAZON.CancelIntent"])
def test_stop_and_cancel_end_the_session(handler, session, intent):
    response = ask(handler, session, session.intent(intent))
    assert ends_session(response)
    assert speech_text(response)


def test_fallback_recovers_with_examples(handler, session):
    response = ask(handler, session, session.intent("AMAZON.FallbackIntent"))
    text = speech_text(response)
    assert "didn't catch" in text
    assert "What would you like to know?" in text
    # Fallback carries no words to triage, so it always says where urgent help is.
    assert text.startswith("If you need urgent help, call 911. ")
    assert not ends_session(response)


@pytest.mark.parametrize("spoken, canonical", [
    ("hot tub", "hot tub"), ("jacuzzi", "hot tub"), ("sauna", "sauna"),
    ("steam room", "steam room"), ("hot stones", "hot stone massage"),
    ("heating pad", "heat pack"), ("lava lamp", None), (None, None)])
def test_heat_is_never_called_safe(handler, session, spoken, canonical):
    slots = {"heat": (spoken, canonical) if spoken else None}
    response = ask(handler, session, session.intent("HeatIntent", **slots))
    text = speech_text(response)
    assert not SAFE_CLAIM.search(text)
    assert re.search(r"heat|hot", text, re.I)
    ask(handler, session, session.intent("AMAZON.YesIntent"))
    assert not SAFE_CLAIM.search(speech_text(session.absorb(handler(
        session.intent("AMAZON.RepeatIntent"), None))))


def test_template_topic_names_the_thing_asked_about(handler, session):
    response = ask(handler, session, session.intent("HeatIntent", heat=("a steam room", "steam room")))
    assert "don't cover steam rooms directly" in speech_text(response)
    response = ask(handler, session, session.intent("SymptomIntent", symptom=("numb", "numbness")))
    assert "helps with numbness" in speech_text(response)


def test_unknown_symptom_value_is_an_honest_dont_know_that_points_to_a_doctor(handler, session):
    response = ask(handler, session, session.intent("SymptomIntent", symptom=("hiccups", None)))
    text = speech_text(response)
    assert "don't say whether massage helps with hiccups" in text
    assert "doctor" in text
    assert not ends_session(response)


def test_missing_slot_gets_a_useful_general_answer(handler, session):
    response = ask(handler, session, session.intent("ConditionIntent", condition=None))
    assert "usually safe" in speech_text(response)


@pytest.mark.parametrize("locale, number", [
    ("en-US", "911"), ("en-CA", "911"), ("en-GB", "999"), ("en-AU", "000"), ("en-IN", "112"),
    ("fr-FR", "911")])
def test_emergency_gives_the_local_number_and_ends_the_session(handler, locale, number):
    session = Session(locale=locale)
    response = handler(session.intent("SearchIntent", query="my husband collapsed and is not breathing"), None)
    text = speech_text(response)
    assert number in text
    assert "call" in text.lower()
    assert ends_session(response)
    assert number in response["response"]["card"]["title"]


def test_emergency_through_its_own_intent(handler, session):
    response = handler(session.intent("EmergencyIntent"), None)
    assert "911" in speech_text(response) and ends_session(response)


@pytest.mark.parametrize("query", ["how much baclofen should i take",
                                   "what dose of vitamin d should my wife take"])
def test_medication_questions_go_to_the_doctor_without_a_dose(handler, session, query):
    text = speech_text(handler(session.intent("SearchIntent", query=query), None))
    assert "doctor" in text
    assert not re.search(r"\d+\s*(mg|iu|units)", text, re.I)


def test_free_form_question_is_answered_from_the_content(handler, session):
    text = speech_text(handler(session.intent(
        "SearchIntent", query="my legs are so stiff would massage help"), None))
    assert "spasticity" in text.lower()


def test_off_topic_question_says_what_it_can_do(handler, session):
    response = handler(session.intent("SearchIntent", query="the weather today"), None)
    text = speech_text(response)
    assert "only answer questions about massage" in text
    assert not ends_session(response)


def test_ampersand_and_markup_in_a_slot_never_break_the_ssml(handler, session):
    response = handler(session.intent("SymptomIntent", symptom=("aches & <pains>", None)), None)
    speech_text(response)                       # parses as XML or fails
    response = handler(session.intent("SearchIntent", query="R&D <b> & stuff"), None)
    speech_text(response)


def test_card_names_sources_but_speech_never_reads_tags(handler, session):
    response = handler(session.intent("SymptomIntent", symptom=("pain", "pain")), None)
    card = response["response"]["card"]
    assert card["type"] == "Standard" and "image" not in card     # no hosted icons configured
    lines = card["text"].split("\n")
    sources = lines[lines.index("Sources:") + 1:]
    assert sources[0].startswith("- ") and any("National MS Society" in line for line in sources)
    disclaimer = [line for line in lines if "not medical advice" in line]
    assert disclaimer and not any("not medical advice" in line for line in sources if line.startswith("- "))
    text = speech_text(response)
    assert "[" not in text and "hl-rev" not in text and "nmss" not in text


@pytest.mark.parametrize("attributes", [
    {"last": "garbage", "offer": 7},
    {"last": {"topic": "no-such-topic", "part": "answer"}, "offer": {"kind": "more", "topic": "nope"}},
    {"last": {"topic": "fatigue", "part": "sideways", "thing": "<x>" * 99}},
    {"last": {"prompt": "rm -rf"}, "offer": {"kind": "topic"}},
    {"offer": {"kind": "more", "topic": ["fatigue"]}},
])
@pytest.mark.parametrize("intent", ["AMAZON.YesIntent", "AMAZON.MoreIntent", "AMAZON.RepeatIntent",
                                    "AMAZON.NoIntent"])
def test_garbage_session_attributes_never_crash_a_handler(handler, attributes, intent):
    session = Session()
    session.attributes = attributes
    response = handler(session.intent(intent), None)
    assert speech_text(response)
    assert "went wrong" not in speech_text(response)


def test_session_ended_request_gets_no_speech(handler, session):
    response = handler(session.session_ended(), None)
    assert "outputSpeech" not in response["response"]


def test_exception_encountered_gets_an_empty_valid_response(handler, session):
    request = session.base("System.ExceptionEncountered",
                           error={"type": "INVALID_RESPONSE", "message": "bad"},
                           cause={"requestId": "amzn1.echo-api.request.x"})
    response = handler(session.envelope(request), None)
    assert response["version"] == "1.0"
    assert "outputSpeech" not in response["response"]


def test_an_unknown_intent_name_is_handled_by_the_fallback(handler, session):
    response = handler(session.intent("SomethingNewIntent"), None)
    assert "didn't catch" in speech_text(response)


@pytest.mark.parametrize("event", [None, "text", [], {}, {"request": "x"},
                                   {"version": "1.0", "request": {"type": 5}}])
def test_malformed_events_get_a_spoken_error_not_an_exception(handler, event):
    response = handler(event, None)
    assert response["response"]["shouldEndSession"] is True
    assert "didn't make sense" in speech_text(response)


def test_every_open_response_asks_something(handler, session):
    envelopes = [session.launch(), session.intent("AMAZON.HelpIntent"),
                 session.intent("FindTherapistIntent"), session.intent("AMAZON.YesIntent"),
                 session.intent("AMAZON.YesIntent"), session.intent("AMAZON.FallbackIntent"),
                 session.intent("SearchIntent", query="blorp")]
    for envelope in envelopes:
        response = ask(handler, session, envelope)
        if not ends_session(response):
            text = speech_text(response)
            asked = text.endswith("?") or re.search(r"\? If you need urgent help, call 911\.$", text)
            assert asked, text
            assert reprompt_text(response).endswith("?") or "say stop" in reprompt_text(response)


def test_go_back_returns_to_the_previous_topics_in_turn(handler, session):
    first = speech_text(ask(handler, session, session.intent("SymptomIntent", symptom=("fatigue", "fatigue"))))
    second = speech_text(ask(handler, session, session.intent("HeatIntent", heat=("sauna", "sauna"))))
    ask(handler, session, session.intent("FindTherapistIntent"))
    back = speech_text(ask(handler, session, session.intent("AMAZON.PreviousIntent")))
    assert back == second and "sauna" in back.lower()          # the template's words come back too
    assert speech_text(ask(handler, session, session.intent("AMAZON.PreviousIntent"))) == first
    nothing = ask(handler, session, session.intent("AMAZON.PreviousIntent"))
    assert "no earlier topic" in speech_text(nothing) and not ends_session(nothing)


@pytest.mark.parametrize("between, heard", [
    ("can my husband massage me with oil at home", "not_covered"),      # "my sources don't cover that"
    ("who won the game last night", "decline"),                         # off-topic
    (None, "help"),
])
def test_go_back_returns_to_the_topic_before_a_reply_that_was_no_topic(handler, session, between, heard):
    from msguide.wording import for_locale
    words = for_locale("en-US")
    first = speech_text(ask(handler, session, session.intent("SymptomIntent", symptom=("fatigue", "fatigue"))))
    middle = ask(handler, session, session.intent("SearchIntent", query=between) if between
                 else session.intent("AMAZON.HelpIntent"))
    assert words[heard] in speech_text(middle)
    ask(handler, session, session.intent("HeatIntent", heat=("sauna", "sauna")))
    assert speech_text(ask(handler, session, session.intent("AMAZON.PreviousIntent"))) == first
    nothing = ask(handler, session, session.intent("AMAZON.PreviousIntent"))
    assert "no earlier topic" in speech_text(nothing)


def test_go_back_right_after_a_reply_that_was_no_topic_is_the_topic_before_it(handler, session):
    first = speech_text(ask(handler, session, session.intent("SymptomIntent", symptom=("fatigue", "fatigue"))))
    ask(handler, session, session.intent("SearchIntent", query="who won the game last night"))
    assert speech_text(ask(handler, session, session.intent("AMAZON.PreviousIntent"))) == first


def test_go_back_never_says_the_topic_just_said_again(handler, session):
    ask(handler, session, session.intent("SymptomIntent", symptom=("fatigue", "fatigue")))
    ask(handler, session, session.intent("AMAZON.HelpIntent"))
    ask(handler, session, session.intent("SymptomIntent", symptom=("fatigue", "fatigue")))
    assert "no earlier topic" in speech_text(ask(handler, session, session.intent("AMAZON.PreviousIntent")))


def test_go_back_at_the_start_says_so_and_asks(handler, session):
    response = ask(handler, session, session.intent("AMAZON.PreviousIntent"))
    assert "no earlier topic" in speech_text(response)
    assert reprompt_text(response) and not ends_session(response)


def test_go_back_is_in_the_voice_model_and_understood(handler):
    from msguide_sim.nlu import VoiceModel
    model = VoiceModel.for_locale("en-GB")
    for said in ("go back", "take me back", "the previous one"):
        assert model.map(said).intent == "AMAZON.PreviousIntent", said
