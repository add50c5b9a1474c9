"""The memory store under two devices, a busy disk and a vanished file.

One account on two devices at once must lose no change either device was told
was made, and after an acknowledged "forget me" nothing the erase covered may
come back. Every test uses a real store (an SQLite file; DynamoDB under moto)
through the real skill, or the real endpoint (`python -m msguide_web`).

Two requests at once are made deterministic with `interleaved`: the store is
the real one, and right after one device's request reads the record, the other
device's whole request runs to its end, so the first one saves against a record
that changed under it (what the review saw by chance, 24 tokens in 146).
"""

import datetime
import json
import os
import sqlite3
import time
import tracemalloc
import urllib.request
import zoneinfo
from concurrent.futures import ThreadPoolExecutor

import pytest
from test_hardening import health_seconds
from test_persistence import envelope_for

from alexa import Session, sender, speech_text, turn
from msguide import persistence
from served import Served

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
BOOK = {"task": ("book a massage", "book a massage")}
TIRED = {"symptom": ("tired", "fatigue")}


def interleaved(base):
    """`base` (a real store class) whose next read first lets `meanwhile` (another
    device's whole request) run to its end, then hands back what it read."""
    class Interleaved(base):
        meanwhile = None

        def _then(self, result):
            other, self.meanwhile = self.meanwhile, None
            if other is not None:
                other()
            return result

        def read(self, request_envelope):
            return self._then(super().read(request_envelope))

        def get_attributes(self, request_envelope):
            return self._then(super().get_attributes(request_envelope))
    return Interleaved


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request, tmp_path):
    if request.param == "sqlite":
        return interleaved(persistence.SQLiteAdapter)(str(tmp_path / "memory.sqlite3"))
    request.getfixturevalue("dynamodb")                 # moto's server, emptied, with the table
    from conftest import dynamodb_environment
    from msguide.dynamodb import Client
    endpoint = request.getfixturevalue("moto_endpoint")
    return interleaved(persistence.ExpiringDynamoDbAdapter)("memory", client=Client(dynamodb_environment(endpoint)))


def two_devices(fake_api):
    """One account (and no recognised voice) on a phone and a kitchen speaker."""
    phone = Session(api=fake_api, reminders_permission="GRANTED")
    speaker = Session(api=fake_api, reminders_permission="GRANTED")
    speaker.user_id = phone.user_id
    return phone, speaker


def stored(store, user):
    return store.get_attributes(envelope_for(user.user_id))


def tomorrow():
    return (datetime.datetime.now(LA).date() + datetime.timedelta(days=1)).isoformat()


def ask_to_set(send, user):
    asked = turn(send, user, user.intent("SetReminderIntent", date=tomorrow(), **BOOK))
    assert speech_text(asked).endswith("Shall I set it?")


# ------------------------------------------------------------------ 2. lost updates

def test_a_speed_change_in_flight_keeps_the_reminder_the_other_device_set(store, fake_api):
    send = sender(store)
    phone, speaker = two_devices(fake_api)
    turn(send, speaker, speaker.launch())
    ask_to_set(send, phone)
    done = []
    store.meanwhile = lambda: done.append(speech_text(turn(send, phone, phone.intent("AMAZON.YesIntent"))))
    slower = speech_text(turn(send, speaker, speaker.intent("SpeechRateIntent", pace=("slower", "slow"))))
    assert done and done[0].startswith("Done.") and "more slowly" in slower
    record = stored(store, phone)
    assert [r["token"] for r in record.get("reminders", [])] == list(fake_api.reminders)
    assert record["pref"] == {"rate": "slow"}


def test_a_reminder_in_flight_keeps_the_speed_change_the_other_device_made(store, fake_api):
    send = sender(store)
    phone, speaker = two_devices(fake_api)
    turn(send, speaker, speaker.launch())
    ask_to_set(send, phone)
    store.meanwhile = lambda: turn(send, speaker, speaker.intent("SpeechRateIntent", pace=("slower", "slow")))
    assert speech_text(turn(send, phone, phone.intent("AMAZON.YesIntent"))).startswith("Done.")
    record = stored(store, phone)
    assert record.get("pref") == {"rate": "slow"}                     # the speaker's change stands
    assert [r["token"] for r in record["reminders"]] == list(fake_api.reminders)


def test_two_preferences_changed_at_once_on_two_devices_both_stand(store):
    send = sender(store)
    phone, speaker = two_devices(None)
    for device in (phone, speaker):
        turn(send, device, device.launch())
    store.meanwhile = lambda: turn(send, phone, phone.intent("AnswerLengthIntent", length=("the details", "full")))
    turn(send, speaker, speaker.intent("SpeechRateIntent", pace=("slower", "slow")))
    assert stored(store, phone)["pref"] == {"rate": "slow", "detail": "full"}


# ------------------------------------------------------------------ 3. "forget me" undone

def forget(send, user):
    user.new_session()
    turn(send, user, user.launch())
    asked = speech_text(turn(send, user, user.intent("ForgetMeIntent")))
    assert asked.endswith("Shall I erase it?")
    assert "erased what I remembered" in speech_text(turn(send, user, user.intent("AMAZON.YesIntent")))


def test_a_request_in_flight_during_forget_me_never_writes_the_record_back(store):
    send = sender(store)
    phone, speaker = two_devices(None)
    turn(send, phone, phone.launch())
    turn(send, phone, phone.intent("SymptomIntent", **TIRED))
    turn(send, phone, phone.intent("AMAZON.StopIntent"))
    assert stored(store, phone)["last_topic"] == "fatigue"
    phone.new_session()
    turn(send, phone, phone.launch())
    turn(send, phone, phone.intent("HeatIntent", heat=("sauna", "sauna")))
    store.meanwhile = lambda: forget(send, speaker)               # "yes, forget me" on the speaker
    turn(send, phone, phone.intent("AMAZON.StopIntent"))          # the phone's session ends meanwhile
    assert stored(store, phone) == {}
    phone.new_session()
    assert "I give general information" in speech_text(turn(send, phone, phone.launch()))   # a first visit


def test_a_first_visit_in_flight_during_forget_me_leaves_nothing_behind(store):
    send = sender(store)
    phone, speaker = two_devices(None)
    store.meanwhile = lambda: forget(send, speaker)               # the speaker makes a record and erases it
    turn(send, phone, phone.launch())                             # read before the erase, saved after it
    assert stored(store, phone) == {}


def test_after_forget_me_the_next_session_is_remembered_again(store):
    send = sender(store)
    phone, _speaker = two_devices(None)
    turn(send, phone, phone.launch())
    forget(send, phone)
    phone.new_session()
    turn(send, phone, phone.launch())
    turn(send, phone, phone.intent("SymptomIntent", **TIRED))
    turn(send, phone, phone.intent("AMAZON.StopIntent"))
    assert stored(store, phone)["last_topic"] == "fatigue"


# ------------------------------------------------------------------ 6. a held write lock

def post(url, body, timeout=60):
    started = time.perf_counter()
    request = urllib.request.Request(url, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as reply:
        return json.loads(reply.read()), time.perf_counter() - started


def records(path):
    """The records that hold something (not erase markers), by key."""
    assert os.path.exists(path), "no memory file at %s" % path
    connection = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return {key: json.loads(data) for key, data in connection.execute("SELECT id, data FROM memory")
                if json.loads(data)}
    finally:
        connection.close()


def sqlite_server(path, *args):
    return Served("--local-testing", *args, env={"MSGUIDE_PERSISTENCE": "sqlite", "MSGUIDE_DB": str(path)})


ALEXA_WAITS = 8.0          # seconds Alexa waits for an answer before it gives up


def test_a_held_write_lock_never_holds_up_an_answer_nor_health(tmp_path):
    path = tmp_path / "memory.sqlite3"
    sender(persistence.SQLiteAdapter(str(path)))(Session().launch())    # a store with one record
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")                              # another process holds the write lock
    served = sqlite_server(path)                                   # from before the server starts
    try:
        users = [Session() for _ in range(12)]                    # more than the server's 8 threads
        with ThreadPoolExecutor(len(users) + 1) as pool:
            answers = [pool.submit(post, served.url, user.launch()) for user in users]
            health_took = pool.submit(health_seconds, served.url).result()   # times out at 5 s
            replies = [answer.result() for answer in answers]
        assert all("Welcome to MS Massage Guide" in speech_text(reply) for reply, _ in replies)
        assert max(took for _, took in replies) < ALEXA_WAITS, [round(t, 1) for _, t in replies]
        assert health_took < ALEXA_WAITS / 2
        assert len(records(path)) == 1                            # nothing written while the lock is held
        holder.execute("ROLLBACK")
        holder.close()
        deadline = time.monotonic() + 60
        while len(records(path)) < 13 and time.monotonic() < deadline:   # the waiting writes land
            time.sleep(0.1)
        assert len(records(path)) == 13
    finally:
        log = served.stop()
    assert "memory write waits in the background" in log


def test_disabling_the_skill_while_the_lock_is_held_erases_once_it_is_free(tmp_path):
    path = str(tmp_path / "memory.sqlite3")
    send = sender(persistence.SQLiteAdapter(path))
    user = Session()
    turn(send, user, user.launch())
    turn(send, user, user.intent("SymptomIntent", **TIRED))
    turn(send, user, user.intent("AMAZON.StopIntent"))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    started = time.perf_counter()
    assert "outputSpeech" not in send(user.skill_disabled())["response"]
    took = time.perf_counter() - started
    assert len(records(path)) == 1                           # not yet: the lock is held
    holder.execute("ROLLBACK")
    holder.close()
    deadline = time.monotonic() + 30
    while records(path) and time.monotonic() < deadline:     # the erase waited, then happened
        time.sleep(0.05)
    assert records(path) == {} and took < ALEXA_WAITS
    from test_privacy import store_bytes, wait_until
    assert wait_until(lambda: b"fatigue" not in store_bytes(path))   # and not left in the files


# ------------------------------------------------------------------ 10. a deleted file

def test_a_deleted_memory_file_is_made_again_and_keeps_what_follows(tmp_path):
    path = tmp_path / "memory.sqlite3"
    served = sqlite_server(path)
    try:
        first = Session()
        post(served.url, first.launch())
        assert len(records(path)) == 1
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(str(path) + suffix):
                os.remove(str(path) + suffix)
        second = Session()
        second.absorb(post(served.url, second.launch())[0])
        reply, _ = post(served.url, second.intent("SpeechRateIntent", pace=("slower", "slow")))
        assert "more slowly" in speech_text(reply)
        kept = records(path)                                       # the file at the configured path
        assert [record.get("pref") for record in kept.values()] == [{"rate": "slow"}]
    finally:
        log = served.stop()
    assert "memory file was deleted" in log


def test_a_thread_first_opening_a_deleted_file_makes_it_again(tmp_path):
    """The server's threads each open their connection on first use: one that
    first opens after the file was deleted must make the table, not use an empty file."""
    from concurrent.futures import ThreadPoolExecutor as Threads
    path = str(tmp_path / "memory.sqlite3")
    send = sender(persistence.SQLiteAdapter(path))
    turn(send, Session(), Session().launch())
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    user = Session()
    with Threads(1) as thread:                            # a thread that never used the store
        thread.submit(lambda: (turn(send, user, user.launch()),
                               turn(send, user, user.intent("SpeechRateIntent", pace=("slower", "slow"))))).result()
    assert [record.get("pref") for record in records(path).values()] == [{"rate": "slow"}]


# ------------------------------------------------------------------ 7. the expiry prune

def filled(path, count):
    """The store at `path` holding `count` other users' records, written fast."""
    connection = sqlite3.connect(path)
    with connection:
        start = connection.execute("SELECT COUNT(*) FROM memory").fetchone()[0]
        connection.executemany("INSERT INTO memory (id, data, expires) VALUES (?, ?, ?)",
                               (("%064x" % n, '{"disclaimer_heard":true}', time.time() + 86400)
                                for n in range(start, count)))
    connection.close()


def steps_for_a_first_visit(send, adapter):
    """SQLite virtual-machine steps (counted in tens) one user's first visit costs:
    a measure of work that, unlike a clock, does not move with the machine's load."""
    count = [0]

    def step():
        count[0] += 1
        return 0
    connection = adapter._connection()
    connection.set_progress_handler(step, 10)
    try:
        user = Session()
        turn(send, user, user.launch())
    finally:
        connection.set_progress_handler(None, 10)
    return count[0]


def test_a_save_costs_the_same_in_a_table_twenty_times_bigger(tmp_path):
    path = str(tmp_path / "memory.sqlite3")
    adapter = persistence.SQLiteAdapter(path)
    send = sender(adapter)
    turn(send, Session(), Session().launch())
    filled(path, 1000)
    small = steps_for_a_first_visit(send, adapter)
    filled(path, 20000)
    big = steps_for_a_first_visit(send, adapter)
    assert big < 1.5 * small, (small, big)


# ------------------------------------------------------------------ 10. the per-user lock table

def save_a_reminder_for(adapter, count):
    """`count` different users each gain a reminder: the real Memory saving through the
    SDK's own HandlerInput and AttributesManager into the real store."""
    from ask_sdk_core.attributes_manager import AttributesManager
    from ask_sdk_core.handler_input import HandlerInput

    from msguide.memory import Memory
    for _ in range(count):
        envelope = envelope_for("amzn1.ask.account.%032x" % int.from_bytes(os.urandom(16), "big"))
        handler_input = HandlerInput(envelope, attributes_manager=AttributesManager(
            envelope, persistence_adapter=adapter))
        remembered = Memory(handler_input)
        remembered.add_reminder({"token": os.urandom(8).hex()})
        remembered.save()


def test_the_process_keeps_nothing_per_user_after_saving(tmp_path):
    adapter = persistence.SQLiteAdapter(str(tmp_path / "memory.sqlite3"))
    save_a_reminder_for(adapter, 200)                                      # warm: caches filled
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        save_a_reminder_for(adapter, 2000)
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    ours = [tracemalloc.Filter(True, os.path.join(os.path.dirname(persistence.__file__), "*"))]
    grown = sum(stat.size_diff for stat in after.filter_traces(ours).compare_to(
        before.filter_traces(ours), "filename"))
    assert grown < 40_000, grown                  # bytes kept by msguide for 2,000 users
