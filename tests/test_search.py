"""Finding a topic for free-form words."""

import threading

import pytest

from msguide.content import default_content
from msguide.search import TopicSearch

QUESTIONS = ["my legs are so stiff would massage help", "is a sauna a good idea",
             "how big were the studies", "does insurance pay", "the weather today",
             "blorp fizzle", "i feel exhausted all the time", "can massage cause bruising"]


@pytest.mark.parametrize("words, topic", [
    ("my husband collapsed and isn't breathing", "emergency"),
    ("she is having a seizure", "emergency"),
    ("how much baclofen should i take", "medication"),
    ("my hands keep tingling do i have ms", "diagnosis"),
])
def test_safety_gate(words, topic):
    assert TopicSearch(default_content()).find(words).id == topic


@pytest.mark.parametrize("words, topic", [
    ("my husband has been down since his diagnosis", "depression"),   # not a diagnosis question
    ("how many massages a week should i have", "frequency"),          # not a dose question
])
def test_near_misses_pass_the_gate(words, topic):
    search = TopicSearch(default_content())
    assert search.gate(words) is None
    assert search.find(words).id == topic


def test_off_topic_and_generic_words_find_nothing():
    search = TopicSearch(default_content())
    assert search.find("the weather today") is None
    assert search.find("massage ms help") is None
    assert search.find("") is None


def test_template_topics_name_what_was_said():
    search = TopicSearch(default_content())
    topic = search.find("is the steam room at my gym a good idea")
    assert topic.id == "heat-other"
    assert search.thing_in(topic, "is the steam room at my gym a good idea") == "the steam room"


def test_concurrent_first_searches_agree_with_serial_ones():
    """Lunr's stemmer is shared state: a threaded server must not corrupt it."""
    expected = {q: getattr(TopicSearch(default_content()).find(q), "id", None) for q in QUESTIONS}
    for _round in range(5):
        search = TopicSearch(default_content())           # fresh: the index builds under load
        results, errors = {}, []
        barrier = threading.Barrier(16)

        def ask(i):
            try:
                barrier.wait()
                for q in QUESTIONS[i % len(QUESTIONS):] + QUESTIONS[:i % len(QUESTIONS)]:
                    results.setdefault(q, set()).add(getattr(search.find(q), "id", None))
            except Exception as exc:                       # noqa: BLE001 - the test reports it
                errors.append(exc)
        threads = [threading.Thread(target=ask, args=(i,)) for i in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors
        assert {q: ids for q, ids in results.items()} == {q: {t} for q, t in expected.items()}
