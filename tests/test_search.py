"""Finding a topic for free-form words."""

import threading

from msguide.content import default_content
from msguide.understanding.search import TopicSearch

QUESTIONS = ["my legs are so stiff would massage help", "is a sauna a good idea",
             "how big were the studies", "does insurance pay", "the weather today",
             "blorp fizzle", "i feel exhausted all the time", "can massage cause bruising"]


def test_scope_topics_are_never_search_results():
    """Emergencies, medicines and diagnosis are reached through triage only."""
    search = TopicSearch(default_content())
    for words in ("my husband collapsed and isn't breathing", "how much baclofen should i take",
                  "do i have ms"):
        topic = search.find(words)
        assert topic is None or topic.group != "scope", words


def test_a_slot_phrase_said_word_for_word_is_lexical_evidence():
    search = TopicSearch(default_content())
    assert search.best_id("is an electric blanket ok") == "heat-other"
    assert search.best_id("can i sit in the jacuzzi") == "hot-tub"
    assert search.best_id("blorp fizzle") is None


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
    assert default_content().say_for("the steam room") == "steam rooms"


def test_concurrent_first_searches_agree_with_serial_ones():
    """Lunr's stemmer is shared state: a threaded server must not corrupt it."""
    expected = {q: getattr(TopicSearch(default_content()).find(q), "id", None) for q in QUESTIONS}
    for _round in range(5):
        search = TopicSearch(default_content())           # fresh: the index builds under load
        results, errors = {}, []
        barrier = threading.Barrier(16)

        def ask(i, barrier=barrier, search=search, results=results, errors=errors):
            try:
                barrier.wait()
                for q in QUESTIONS[i % len(QUESTIONS):] + QUESTIONS[:i % len(QUESTIONS)]:
                    results.setdefault(q, set()).add(getattr(search.find(q), "id", None))
            except Exception as exc:
                errors.append(exc)
        threads = [threading.Thread(target=ask, args=(i,)) for i in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors
        assert {q: ids for q, ids in results.items()} == {q: {t} for q, t in expected.items()}
