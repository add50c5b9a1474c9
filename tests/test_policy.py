"""The decision policy on its own, with hand-made rankings (understanding/policy.py),
and the one-word rule as a user meets it."""

import pytest

from msguide.understanding.policy import Evidence, Policy, read_policy
from tests.alexa import speech_text

THRESHOLDS = {"answer": 0.5, "confirm": 0.12, "answer_outside_domain": 0.6, "lexical_confirm": 0.1,
              "urgent": 0.35, "urgent_sure": 0.8, "urgent_lean": 0.6, "urgent_unanswered": 0.5, "urgent_idiom": 0.8, "crisis_over_emergency": 0.4, "crisis_line_with_emergency": 0.2, "evidence_weight": 1.0}
POLICY = Policy(THRESHOLDS)


def evidence(words_for_topic, named=False, in_domain=True, urgent=0.0):
    return Evidence(in_domain, urgent=lambda: urgent, support=lambda label, at: words_for_topic,
                    named=lambda topic_id: named)


def test_a_sure_reading_resting_on_two_words_is_answered():
    reading = POLICY.decide([("pregnancy", 0.9), ("offtopic", 0.1)], evidence(2))
    assert (reading.outcome, reading.topic_id) == ("answer", "pregnancy")


def test_a_sure_reading_resting_on_one_common_word_is_asked_back_about():
    reading = POLICY.decide([("pregnancy", 0.9), ("offtopic", 0.1)], evidence(1))
    assert (reading.outcome, reading.topic_id) == ("confirm", "pregnancy")


def test_one_word_that_names_the_topic_is_enough():
    reading = POLICY.decide([("insurance", 0.9), ("offtopic", 0.1)], evidence(1, named=True))
    assert reading.outcome == "answer"


def test_one_word_outside_massage_and_ms_is_asked_back_about_not_declined():
    reading = POLICY.decide([("therapist-preferences", 0.93), ("offtopic", 0.05)], evidence(1, in_domain=False))
    assert (reading.outcome, reading.topic_id) == ("confirm", "therapist-preferences")


def test_an_urgent_class_needs_the_detector_to_agree():
    ranked = [("emergency", 0.7), ("fatigue", 0.3)]
    assert POLICY.decide(ranked, evidence(3, urgent=0.9)).topic_id == "emergency"
    assert POLICY.decide(ranked, evidence(3, urgent=0.2)).topic_id == "fatigue"


def test_perhaps_urgent_words_no_topic_answers_get_the_urgent_reply_in_full():
    # between "perhaps" and "surely" urgent: a question back or a decline would leave
    # someone who may be in danger with a question about massage
    for outcome in ("confirm", "not_covered", "decline"):
        assert POLICY.urgent_when_unanswered(0.75, outcome)
    assert not POLICY.urgent_when_unanswered(0.75, "answer")       # lead with the number, then answer
    assert not POLICY.urgent_when_unanswered(0.45, "decline")      # not urgent enough to act on alone
    assert POLICY.leads_with_number(0.65) and not POLICY.leads_with_number(0.45)


def test_a_threshold_above_sure_is_refused(tmp_path):
    bad = tmp_path / "policy.json"
    data = dict(THRESHOLDS, urgent_unanswered=0.9)
    import json
    bad.write_text(json.dumps(data))
    from msguide.content import ContentError
    with pytest.raises(ContentError, match="urgent_unanswered"):
        read_policy(str(bad))


def test_the_shipped_thresholds_are_read_and_checked(tmp_path):
    assert read_policy()["evidence_weight"] > 0
    bad = tmp_path / "policy.json"
    bad.write_text('{"answer": 0.5, "confirm": 0.1, "answer_outside_domain": 0.6, "lexical_confirm": 0.1, '
                   '"urgent": 0.3, "urgent_sure": 0.8, "urgent_lean": 0.6, "urgent_unanswered": 0.5, "urgent_idiom": 0.8, "crisis_over_emergency": 0.4, "crisis_line_with_emergency": 0.2, '
                   '"evidence_weight": 0}')
    from msguide.content import ContentError
    with pytest.raises(ContentError, match="evidence_weight"):
        read_policy(str(bad))


def ask_one_shot_words(said, locale="en-US"):
    """The words through the built voice model (strict) and the real skill."""
    import os
    os.environ.setdefault("MSGUIDE_PERSISTENCE", "none")
    import lambda_function
    from msguide_sim.envelopes import SimulatedUser
    from msguide_sim.nlu import VoiceModel
    model = VoiceModel.for_locale(locale)
    user = SimulatedUser(locale=locale)
    return speech_text(lambda_function.handler(user.intent_for(model, model.map(said, threshold=101)), None))


@pytest.mark.parametrize("said, not_about", [
    ("what should i expect at my neurologist appointment", "pregnan"),
    ("when can i expect results from a massage", "pregnan"),
])
def test_a_common_word_does_not_pull_an_unrelated_answer(said, not_about):
    speech = ask_one_shot_words(said)
    # asked back about in plain words, or answered otherwise: never answered as pregnancy
    assert not_about not in speech.lower() or speech.startswith("Are you asking about massage during")


def test_an_unsure_self_harm_reading_names_the_crisis_line_only_when_the_classifier_agrees():
    """The lean leads with the crisis line where the words point to self-harm: the
    urgent detector's unsure "crisis" and the topic classifier's ranking must agree;
    otherwise the lead is the emergency number alone."""
    from msguide.handlers.answers import crisis_agreed

    class Ranked:
        def __init__(self, ranking):
            self.ranking = ranking

        def probabilities(self, _text):
            return self.ranking

    agrees = Ranked([("pain", 0.5), ("crisis", 0.2), ("fatigue", 0.1), ("stress", 0.1)])
    differs = Ranked([("pain", 0.5), ("fatigue", 0.2), ("stress", 0.1), ("crisis", 0.1)])
    assert crisis_agreed(agrees, ["some words"])
    assert not crisis_agreed(differs, ["some words"])
    assert crisis_agreed(differs, []) is False


def test_an_idiom_is_not_led_with_the_number_on_an_unsure_reading(monkeypatch):
    """Words holding an idiom the rules read by its meaning ("the death of me") get the
    number first only when the detector is at least urgent_idiom sure; the same unsure
    reading of words without one still leads with it."""
    from types import SimpleNamespace

    from msguide.handlers import answers
    from msguide.understanding.triage import default_triage

    class Unsure:
        policy = POLICY

        def urgent(self, _text):
            return "crisis", 0.7       # above urgent_lean, below urgent_sure and urgent_idiom

        def probabilities(self, _text):
            return [("crisis", 0.5), ("pain", 0.2)]

    monkeypatch.setattr(answers, "default_understanding", lambda: Unsure())

    def lean(words):
        attributes = {}
        handler_input = SimpleNamespace(attributes_manager=SimpleNamespace(request_attributes=attributes))
        answers.urgent_check(handler_input, default_triage(), [words], None)
        return attributes.get("urgent_lean")

    assert default_triage().has_idiom("this stupid ramp is going to be the death of me")
    assert lean("this stupid ramp is going to be the death of me") is None
    assert lean("this stupid ramp is broken again and i can't take it") == "crisis"
