"""Privacy on a shared speaker: whose memory, what is never kept, and "forget me".

Every test goes through the real skill with real envelopes and a real store
(an SQLite file, or DynamoDB under moto), and looks at the store itself.
"""

import json
import re
import sqlite3
import time
from pathlib import Path

import pytest

from alexa import Session, confirmed, sender, speech_text, turn
from conftest import LOCALES
from msguide import persistence
from msguide.content import default_content

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def sqlite_store(tmp_path):
    path = str(tmp_path / "memory.sqlite3")
    adapter = persistence.SQLiteAdapter(path)
    return sender(adapter), adapter, path


@pytest.fixture
def dynamodb_store(dynamodb, dynamodb_adapter):
    return sender(dynamodb_adapter), dynamodb_adapter, dynamodb


def rows(path):
    return sqlite3.connect(path).execute("SELECT id, data, expires FROM memory").fetchall()


def held(path):
    """The rows that hold anything: an erase leaves only a marker, '{}' under the key,
    for persistence.ERASE_MARKER_SECONDS (a stale save from another device cannot pass it)."""
    return [row for row in rows(path) if row[1] != "{}"]


def items_held(dynamodb):
    return [item for item in dynamodb.Table("memory").scan()["Items"] if item.get("attributes")]


def a_session_about(send, user, intent, **slots):
    """Open the skill, ask one thing, say stop (the session's last topic is kept then)."""
    user.new_session()
    turn(send, user, user.launch())
    answer = speech_text(turn(send, user, user.intent(intent, **slots)))
    turn(send, user, user.intent("AMAZON.StopIntent"))
    return answer


def greeting(send, user):
    user.new_session()
    text = speech_text(turn(send, user, user.launch()))
    turn(send, user, user.intent("AMAZON.StopIntent"))
    return text


PREGNANT = {"condition": ("pregnant", "pregnancy")}
TIRED = {"symptom": ("tired", "fatigue")}


def test_a_sensitive_topic_never_reaches_the_store_nor_the_greeting(sqlite_store):
    send, _adapter, path = sqlite_store
    user = Session()
    answer = a_session_about(send, user, "ConditionIntent", **PREGNANT)
    assert "pregnan" in answer.lower()                 # it was answered...
    assert "pregnan" not in json.dumps(rows(path))     # ...and not kept
    text = greeting(send, user)
    assert "Welcome" in text and "pregnan" not in text.lower() and "Last time" not in text


def test_an_older_topic_is_not_recalled_after_a_sensitive_session(sqlite_store):
    send, _adapter, path = sqlite_store
    user = Session()
    a_session_about(send, user, "SymptomIntent", **TIRED)
    assert "Last time we talked about massage and fatigue" in greeting(send, user)
    a_session_about(send, user, "ConditionIntent", **PREGNANT)
    text = greeting(send, user)
    assert "Last time" not in text and "Welcome back" not in text
    assert "fatigue" not in json.dumps(rows(path))


def test_every_sensitive_topic_named_by_the_issue_is_marked():
    content = default_content()
    for topic_id in ("pregnancy", "relapse", "medication", "diagnosis", "bleeding",
                     "blood-thinners", "emergency", "crisis"):
        assert content.get(topic_id).sensitive, topic_id
    assert not content.get("fatigue").sensitive          # ordinary topics are still recalled


def test_a_stored_sensitive_topic_from_an_older_record_is_never_said(sqlite_store):
    send, adapter, _path = sqlite_store
    user = Session()
    user.absorb(send(user.launch()))                   # makes the record (disclaimer heard)
    from test_persistence import envelope_for
    adapter.save_attributes(envelope_for(user.user_id),
                            {"disclaimer_heard": True, "last_topic": "relapse"})
    text = greeting(send, user)
    assert "relapse" not in text.lower() and "Last time" not in text


def test_two_recognised_people_on_one_account_keep_separate_memories(sqlite_store):
    send, _adapter, path = sqlite_store
    alice, bob = Session(), Session()
    bob.user_id = alice.user_id                        # one household account, one speaker
    bob.device_id = alice.device_id
    alice.person_id = "amzn1.ask.person.ALICE"
    bob.person_id = "amzn1.ask.person.BOB"
    a_session_about(send, alice, "SymptomIntent", **TIRED)
    a_session_about(send, bob, "HeatIntent", heat=("sauna", "sauna"))

    assert "fatigue" in greeting(send, alice) and "heat" not in greeting(send, alice)
    bob_hears = greeting(send, bob)
    assert "heat and MS" in bob_hears and "fatigue" not in bob_hears
    guest = Session()                                  # voice not recognised: the account's own record
    guest.user_id = alice.user_id
    assert "I give general information" in greeting(send, guest)        # a first visit
    ids = [row[0] for row in rows(path)]
    assert len(ids) == 3 and len(set(i.split(".")[0] for i in ids)) == 1   # one account prefix
    assert not any("ALICE" in i or "BOB" in i for i in ids)              # hashed, never raw


def remembered_then_opened(send, user):
    """A user with a remembered topic, in a new session they opened."""
    a_session_about(send, user, "SymptomIntent", **TIRED)
    user.new_session()
    turn(send, user, user.launch())


def forget_me(send, user, answer):
    asked = speech_text(turn(send, user, user.intent("ForgetMeIntent")))
    assert asked.endswith("Shall I erase it?") and "last topic" in asked
    return speech_text(turn(send, user, user.intent(answer)))


def test_forget_me_asks_first_and_no_keeps_the_record(sqlite_store):
    send, _adapter, path = sqlite_store
    user = Session()
    remembered_then_opened(send, user)
    kept = forget_me(send, user, "AMAZON.NoIntent")
    assert "haven't erased anything" in kept and kept.endswith("?")     # never a dead end
    assert "fatigue" in json.dumps(rows(path))


def test_forget_me_erases_the_record_on_sqlite(sqlite_store):
    send, _adapter, path = sqlite_store
    user = Session()
    remembered_then_opened(send, user)
    done = forget_me(send, user, "AMAZON.YesIntent")
    assert "erased what I remembered" in done
    turn(send, user, user.intent("AMAZON.StopIntent"))   # the ending session writes nothing back
    assert held(path) == []
    assert "I give general information" in greeting(send, user)    # a first visit again


def test_forget_me_erases_only_the_speakers_record(sqlite_store):
    send, _adapter, path = sqlite_store
    alice, bob = Session(), Session()
    bob.user_id = alice.user_id
    alice.person_id, bob.person_id = "amzn1.ask.person.A", "amzn1.ask.person.B"
    a_session_about(send, alice, "SymptomIntent", **TIRED)
    a_session_about(send, bob, "HeatIntent", heat=("sauna", "sauna"))
    alice.new_session()
    forget_me(send, alice, "AMAZON.YesIntent")
    assert len(held(path)) == 1 and "heat and MS" in greeting(send, bob)


def test_forget_me_erases_the_record_on_dynamodb(dynamodb_store):
    send, adapter, dynamodb = dynamodb_store
    user = Session()
    a_session_about(send, user, "SymptomIntent", **TIRED)
    assert len(items_held(dynamodb)) == 1
    user.new_session()
    assert "erased what I remembered" in forget_me(send, user, "AMAZON.YesIntent")
    turn(send, user, user.intent("AMAZON.StopIntent"))
    assert items_held(dynamodb) == []


def test_disabling_the_skill_erases_every_record_of_the_account(sqlite_store, dynamodb_store):
    for send, count in ((sqlite_store[0], lambda: len(held(sqlite_store[2]))),
                        (dynamodb_store[0], lambda: len(items_held(dynamodb_store[2])))):
        alice, bob, stranger = Session(), Session(), Session()
        bob.user_id = alice.user_id
        alice.person_id, bob.person_id = "amzn1.ask.person.A", "amzn1.ask.person.B"
        for user in (alice, bob, stranger):
            a_session_about(send, user, "SymptomIntent", **TIRED)
        account = Session()
        account.user_id = alice.user_id
        a_session_about(send, account, "CureIntent")
        assert count() == 4
        send(account.skill_disabled())
        assert count() == 1                              # only the other account's record is left
        assert "fatigue" in greeting(send, stranger)


def test_forget_me_without_a_store_says_there_is_nothing_to_erase():
    send = sender(None)
    user = Session()
    turn(send, user, user.launch())
    text = speech_text(turn(send, user, user.intent("ForgetMeIntent")))
    assert "nothing to erase" in text and text.endswith("?")


def test_records_expire_after_the_stated_retention(sqlite_store):
    send, _adapter, path = sqlite_store
    user = Session()
    a_session_about(send, user, "SymptomIntent", **TIRED)
    [(_id, _data, expires)] = rows(path)
    days = (expires - time.time()) / 86400
    assert persistence.RETENTION_DAYS - 0.01 < days <= persistence.RETENTION_DAYS
    assert 7 <= persistence.RETENTION_DAYS <= 60          # days to weeks, not a year
    policy = (ROOT / "PRIVACY.md").read_text()
    assert re.search(r"\b%d days\b" % persistence.RETENTION_DAYS, policy)
    assert "forget me" in policy


def test_forget_me_phrasings_reach_the_intent_in_the_built_model():
    from msguide_sim.nlu import VoiceModel
    model = VoiceModel.for_locale("en-GB")
    for words in ("forget me", "delete what you remember about me", "erase my data",
                  "please forget everything about me"):
        match = model.map(words, threshold=101)
        assert match and match.intent == "ForgetMeIntent", (words, match)


# What "forget me" says it erases is exactly what the record can hold: each field
# memory.clean keeps, and the words of the prompt that name it.
FORGET_NAMES = {
    "disclaimer_heard": "my full medical disclaimer",
    "hint_heard": "my tip about speaking slower",
    "pref": "your speech speed and answer length",
    "last_topic": "the last topic we talked about",
    "reminders": "the reminders I set",
    "pending_reminder": "any I'm waiting to set",
}


# a stored record with every field memory.clean keeps
FULL_RECORD = {"disclaimer_heard": True, "hint_heard": True, "pref": {"rate": "slow", "detail": "full"},
               "last_topic": "fatigue",
               "pending_reminder": {"task": "book a massage", "repeat": None, "weekday": None,
                                    "date": None, "time": None, "after": None},
               "reminders": [{"token": "a.b", "task": "book a massage"}]}


def test_the_forget_me_prompt_names_plainly_everything_the_record_holds():
    from msguide.memory import clean
    from msguide.wording import for_locale
    everything = clean(FULL_RECORD)
    assert set(everything) == set(FORGET_NAMES)           # a new field needs its words here and in the prompt
    for locale in LOCALES:
        asked = for_locale(locale)["forget_confirm"]
        for field, words in FORGET_NAMES.items():
            assert words in asked, (locale, field)
        assert "full reminder" not in asked


def test_forget_me_erases_the_speech_speed_and_answer_length_at_once_and_for_later(sqlite_store):
    send, _adapter, path = sqlite_store
    user = Session()
    user.new_session()
    turn(send, user, user.launch())
    turn(send, user, user.intent("SpeechRateIntent", pace=("slower", "slow")))
    turn(send, user, user.intent("AnswerLengthIntent", length=("the details", "full")))
    assert "slow" in json.dumps(rows(path)) and "full" in json.dumps(rows(path))
    asked = turn(send, user, user.intent("ForgetMeIntent"))
    assert "speech speed and answer length" in speech_text(asked)
    done = turn(send, user, user.intent("AMAZON.YesIntent"))
    assert "prosody" not in done["response"]["outputSpeech"]["ssml"]        # normal speed from now on
    answer = turn(send, user, user.intent("SymptomIntent", **TIRED))
    assert "prosody" not in answer["response"]["outputSpeech"]["ssml"]
    assert speech_text(answer).endswith("Would you like to hear more about massage and fatigue?")   # short again
    turn(send, user, user.intent("AMAZON.StopIntent"))
    assert held(path) == []
    user.new_session()
    again = turn(send, user, user.launch())
    assert "prosody" not in again["response"]["outputSpeech"]["ssml"]


# what PRIVACY.md must say for each field memory.clean keeps
POLICY_NAMES = {"disclaimer_heard": "not medical advice\" reminder", "hint_heard": "speak slower",
                "pref": "speech speed", "last_topic": "the last topic", "pending_reminder": "what that reminder was to be",
                "reminders": "identifiers of the reminders"}


def test_the_privacy_policy_names_every_field_the_record_holds():
    """The policy is true: each field a stored record can hold is named in PRIVACY.md."""
    from msguide.memory import clean
    everything = clean(FULL_RECORD)
    assert set(everything) == set(POLICY_NAMES)
    policy = " ".join((ROOT / "PRIVACY.md").read_text(encoding="utf-8").split())
    for field, words in POLICY_NAMES.items():
        assert words in policy, field
    assert "answer length" in policy


# ------------------------------------------------------------------ what is at rest, byte for byte

def store_bytes(path):
    """Every byte of the store's files: the database, its write-ahead log, its index."""
    return b"".join(Path(path + suffix).read_bytes() for suffix in ("", "-wal", "-shm")
                    if Path(path + suffix).exists())


OWN_WORDS = {"task": ("call my therapist about my bladder", None)}
OTHER_OWN_WORDS = {"task": ("ring the neurologist about the bladder", None)}
FRIDAYS = {"weekly_on": ("friday", "friday")}


def test_a_reminder_in_the_users_own_words_leaves_no_words_in_the_store(sqlite_store, fake_api):
    send, _adapter, path = sqlite_store
    user = Session(api=fake_api, reminders_permission="GRANTED")
    done = speech_text(confirmed(send, user, user.intent("SetReminderIntent", **FRIDAYS, **OWN_WORDS)))
    assert "to call your therapist about your bladder" in done
    fake_api.granted = False                       # and one waiting for the permission
    asking = Session(api=fake_api)
    asking.user_id = user.user_id
    asked = confirmed(send, asking, asking.intent("SetReminderIntent", **FRIDAYS, **OTHER_OWN_WORDS))
    (directive,) = asked["response"]["directives"]
    at_rest = store_bytes(path)
    for word in (b"therapist", b"neurologist", b"bladder"):
        assert word not in at_rest, word
    assert len(held(path)) == 1 and '"reminders"' in held(path)[0][1]        # the identifier is kept
    fake_api.granted = True                        # the token carried the waiting one through consent
    asking.reminders_permission = "GRANTED"
    accepted = speech_text(turn(send, asking, asking.permission_answer("ACCEPTED", token=directive["token"])))
    assert "to ring the neurologist about the bladder" in accepted
    listed = speech_text(turn(send, user, user.intent("ListRemindersIntent")))     # from the API
    assert "to call your therapist about your bladder" in listed and "neurologist" in listed
    cancelled = speech_text(turn(send, user, user.intent("CancelReminderIntent", **OWN_WORDS)))
    assert "cancelled one reminder" in cancelled and len(fake_api.reminders) == 1
    for word in (b"therapist", b"neurologist", b"bladder"):
        assert word not in store_bytes(path), word


def wait_until(condition, seconds=30):
    """Poll `condition` until it holds (or the time is up); its last value."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


@pytest.mark.parametrize("erase", ["forget me", "skill disabled"])
def test_erased_data_is_in_none_of_the_stores_files(tmp_path, erase):
    path = str(tmp_path / "memory.sqlite3")
    adapter = persistence.SQLiteAdapter(path)
    adapter.erase_marker_seconds = 1               # the marker's 10 minutes, shortened
    send = sender(adapter)
    user = Session()
    a_session_about(send, user, "SymptomIntent", **TIRED)
    from test_persistence import envelope_for
    key = persistence.user_key(envelope_for(user.user_id)).encode()
    assert b"fatigue" in store_bytes(path) and key in store_bytes(path)
    if erase == "forget me":
        user.new_session()
        forget_me(send, user, "AMAZON.YesIntent")
    else:
        send(user.skill_disabled())
    at_rest = store_bytes(path)
    for content in (b"fatigue", b"disclaimer_heard", b"hint_heard"):
        assert content not in at_rest, content
    assert wait_until(lambda: key not in store_bytes(path))     # then the marker goes too


# the only names an item of the DynamoDB table has: the key, the record, and what PRIVACY.md
# calls its expiry time and change counter (two: the last change's and the last erase's)
ITEM_NAMES = {"id", "attributes", "ttl", "version", "erased"}
SCHEMA = re.compile(rb"CREATE (TABLE|INDEX)[^\x00-\x1f]*|SQLite format 3|memory_expires|"
                    rb"sqlite_autoindex_memory_1|(index|table)memory(_expires)?memory")
KEY = re.compile(rb"[0-9a-f]{64}(\.[0-9a-f]{64})?")


def records_in(text):
    """The JSON objects in a run of printable bytes, and what is left beside them."""
    decoder, found, left, at = json.JSONDecoder(), [], [], 0
    while at < len(text):
        start = text.find("{", at)
        if start < 0:
            left.append(text[at:])
            break
        left.append(text[at:start])
        try:
            record, end = decoder.raw_decode(text, start)
        except ValueError:
            left.append("{")
            at = start + 1
            continue
        found.append(record)
        at = end
    return found, "".join(left)


def every_record_at_rest(at_rest):
    """Each record found in the bytes; fails on any text longer than a few
    characters that is neither a record, a key hash nor SQLite's own schema."""
    found = []
    for run in re.findall(rb"[\x20-\x7e]{8,}", at_rest):
        records, left = records_in(KEY.sub(b" ", SCHEMA.sub(b" ", run)).decode("ascii"))
        found += records
        assert all(len(piece) < 8 for piece in left.split()), run
    return found


def test_the_privacy_policy_is_true_of_every_byte_the_store_holds(sqlite_store, dynamodb_store, fake_api):
    """Everything the skill can remember, through the real skill on both stores;
    then every byte at rest is a key hash, the schema or a record holding only
    fields PRIVACY.md names, and no identifier or word of the user's is there."""
    from msguide.memory import clean
    for send, scan in ((sqlite_store[0], lambda: every_record_at_rest(store_bytes(sqlite_store[2]))),
                       (dynamodb_store[0], lambda: dynamodb_records(dynamodb_store[2]))):
        fake_api.granted = True
        user = Session(api=fake_api, reminders_permission="GRANTED")
        user.person_id = "amzn1.ask.person.RECOGNISED"
        turn(send, user, user.launch())
        turn(send, user, user.intent("SpeechRateIntent", pace=("slower", "slow")))
        turn(send, user, user.intent("AnswerLengthIntent", length=("the details", "full")))
        turn(send, user, user.intent("SearchIntent", query="my legs feel like lead weights"))
        confirmed(send, user, user.intent("SetReminderIntent", **FRIDAYS, **OWN_WORDS))
        confirmed(send, user, user.intent("SetReminderIntent", **FRIDAYS, **BOOK_A_MASSAGE))
        turn(send, user, user.intent("SymptomIntent", **TIRED))
        turn(send, user, user.intent("AMAZON.StopIntent"))
        fake_api.granted = False                           # two waiting for the permission, one each session
        for task in (OTHER_OWN_WORDS, BOOK_A_MASSAGE):
            user.new_session()
            asked = confirmed(send, user, user.intent("SetReminderIntent", weekly_on=("tuesday", "tuesday"), **task))
            assert asked["response"].get("directives", [{}])[0].get("name") == "AskFor", (task, speech_text(asked))
        gone = Session()                                   # another account, erased
        a_session_about(send, gone, "SymptomIntent", **TIRED)
        gone.new_session()
        forget_me(send, gone, "AMAZON.YesIntent")
        records = scan()
        assert {field for record in records for field in record} == set(POLICY_NAMES)
        for record in records:
            assert clean(record) == record, record     # only what memory keeps, as it keeps it
        said = json.dumps(records)
        for word in ("amzn1", "therapist", "neurologist", "bladder", "legs", "lead", "RECOGNISED"):
            assert word not in said, word
    raw = store_bytes(sqlite_store[2])
    for word in (b"amzn1", b"therapist", b"neurologist", b"bladder", b"legs", b"lead weights"):
        assert word not in raw, word
    policy = " ".join((ROOT / "PRIVACY.md").read_text(encoding="utf-8").split())
    assert re.search(r"\b%d minutes\b" % persistence.ERASE_MARKER_MINUTES, policy)
    for words in ("change counter", "marker", "nothing of what they say"):
        assert words in policy, words


BOOK_A_MASSAGE = {"task": ("book a massage", "book a massage")}


def dynamodb_records(dynamodb):
    items = dynamodb.Table("memory").scan()["Items"]
    for item in items:
        assert set(item) <= ITEM_NAMES, item
        assert KEY.fullmatch(item["id"].encode()), item["id"]
    from msguide.memory import plain_numbers
    return [plain_numbers(item["attributes"]) for item in items]
