"""Memory across sessions: a real SQLite file, DynamoDB under moto, and the user's view."""

import hashlib
import json
import sqlite3
import threading

import pytest

from alexa import Session, sender, speech_text
from msguide import persistence
from msguide.skill import build_skill


def envelope_for(user_id):
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope
    session = Session()
    session.user_id = user_id
    return DefaultSerializer().deserialize(json.dumps(session.launch()), RequestEnvelope)


def test_sqlite_round_trip_in_a_real_file(tmp_path):
    path = str(tmp_path / "memory.sqlite3")
    adapter = persistence.SQLiteAdapter(path)
    request = envelope_for("amzn1.ask.account.ALICE")
    assert adapter.get_attributes(request) == {}
    adapter.save_attributes(request, {"last_topic": "fatigue", "disclaimer_heard": True})
    assert persistence.SQLiteAdapter(path).get_attributes(request) == {
        "last_topic": "fatigue", "disclaimer_heard": True}
    raw = sqlite3.connect(path).execute("SELECT id, data FROM memory").fetchall()
    assert raw[0][0] == hashlib.sha256(b"amzn1.ask.account.ALICE").hexdigest()
    assert "ALICE" not in json.dumps(raw)                  # the user id itself is not stored
    adapter.delete_attributes(request)
    assert adapter.get_attributes(request) == {}


def test_two_threads_writing_for_the_same_user_never_corrupt_the_store(tmp_path):
    path = str(tmp_path / "memory.sqlite3")
    adapter = persistence.SQLiteAdapter(path)
    request = envelope_for("amzn1.ask.account.BOB")
    errors = []

    def write(topic):
        try:
            for i in range(150):
                adapter.save_attributes(request, {"last_topic": topic, "n": i})
                assert adapter.get_attributes(request)["last_topic"] in ("pain", "stress")
        except Exception as exc:
            errors.append(exc)
    threads = [threading.Thread(target=write, args=(t,)) for t in ("pain", "stress")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert connection.execute("SELECT COUNT(*) FROM memory").fetchone()[0] == 1
    final = adapter.get_attributes(request)
    assert final["last_topic"] in ("pain", "stress") and final["n"] == 149


def test_dynamodb_adapter_against_moto(dynamodb, dynamodb_adapter):
    adapter = dynamodb_adapter
    request = envelope_for("amzn1.ask.account.CAROL")
    assert adapter.get_attributes(request) == {}
    adapter.save_attributes(request, {"last_topic": "pain"})
    assert adapter.get_attributes(request) == {"last_topic": "pain"}
    item = dynamodb.Table("memory").get_item(Key={"id": persistence.user_key(request)})["Item"]
    assert int(item["ttl"]) > 0 and "CAROL" not in json.dumps(item, default=str)
    adapter.delete_attributes(request)
    assert adapter.get_attributes(request) == {}


def test_configuration_chooses_the_adapter(tmp_path):
    assert isinstance(persistence.from_environment({"MSGUIDE_DB": str(tmp_path / "x")}),
                      persistence.SQLiteAdapter)
    assert persistence.from_environment({"MSGUIDE_PERSISTENCE": "none"}) is None
    with pytest.raises(ValueError, match="MSGUIDE_TABLE"):
        persistence.from_environment({"MSGUIDE_PERSISTENCE": "dynamodb"})
    with pytest.raises(ValueError, match="sqlite, dynamodb or none"):
        persistence.from_environment({"MSGUIDE_PERSISTENCE": "redis"})


@pytest.fixture
def skill_with_file(tmp_path):
    adapter = persistence.SQLiteAdapter(str(tmp_path / "memory.sqlite3"))
    return sender(adapter), adapter


def test_returning_user_hears_the_short_disclaimer_and_the_last_topic(skill_with_file):
    send, _adapter = skill_with_file
    first = Session()
    text = speech_text(first.absorb(send(first.launch())))
    assert "I give general information, not medical advice" in text
    first.absorb(send(first.intent("SymptomIntent", symptom=("tired", "fatigue"))))
    send(first.session_ended())

    second = Session()
    second.user_id = first.user_id                          # same person, new session
    welcome = second.absorb(send(second.launch()))
    text = speech_text(welcome)
    assert "Welcome back" in text and "general information, not medical advice" in text
    assert "I give general information" not in text         # the short form
    assert "Last time we talked about massage and fatigue" in text
    assert speech_text(second.absorb(send(second.intent("AMAZON.RepeatIntent")))) == text
    resumed = speech_text(second.absorb(send(second.intent("AMAZON.YesIntent"))))
    assert "fatigue" in resumed and "2016" in resumed


def test_skill_disabled_deletes_the_users_data(skill_with_file):
    send, adapter = skill_with_file
    user = Session()
    user.absorb(send(user.launch()))
    user.absorb(send(user.intent("CureIntent")))
    send(user.session_ended())                     # the last topic is kept when the session ends
    key_request = envelope_for(user.user_id)
    assert adapter.get_attributes(key_request)["last_topic"] == "cure"
    response = send(user.skill_disabled())
    assert "outputSpeech" not in response["response"]
    assert adapter.get_attributes(key_request) == {}


def test_stop_keeps_the_last_topic_too(skill_with_file):
    send, adapter = skill_with_file
    user = Session()
    user.absorb(send(user.launch()))
    user.absorb(send(user.intent("HeatIntent", heat=("sauna", "sauna"))))
    assert "last_topic" not in adapter.get_attributes(envelope_for(user.user_id))   # not per answer
    user.absorb(send(user.intent("AMAZON.StopIntent")))
    assert adapter.get_attributes(envelope_for(user.user_id))["last_topic"] == "heat-other"


def test_a_one_shot_session_leaves_memory_alone(skill_with_file):
    send, adapter = skill_with_file
    user = Session()
    user.absorb(send(user.intent("HeatIntent", heat=("sauna", "sauna"))))
    user.absorb(send(user.intent("AMAZON.StopIntent")))
    assert adapter.get_attributes(envelope_for(user.user_id)) == {}


def test_garbage_in_the_store_is_ignored_not_trusted(skill_with_file):
    send, adapter = skill_with_file
    user = Session()
    adapter.save_attributes(envelope_for(user.user_id), {
        "disclaimer_heard": "yes", "last_topic": "<script>", "reminders": [{"token": 5}],
        "pending_reminder": {"task": "rob a bank"}})
    text = speech_text(send(user.launch()))
    assert "I give general information, not medical advice" in text     # treated as a first visit


def test_a_broken_store_never_breaks_the_answer(tmp_path):
    class Broken(persistence.SQLiteAdapter):
        def get_attributes(self, request_envelope):
            raise RuntimeError("disk on fire")

        def save_attributes(self, request_envelope, attributes):
            raise RuntimeError("disk on fire")
    skill = build_skill(persistence_adapter=Broken(str(tmp_path / "m.sqlite3")))
    from ask_sdk_model import RequestEnvelope
    user = Session()
    request = skill.serializer.deserialize(json.dumps(user.launch()), RequestEnvelope)
    response = skill.serializer.serialize(skill.invoke(request_envelope=request, context=None))
    assert "Welcome to MS Massage Guide" in speech_text(response)
