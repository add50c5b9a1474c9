"""The project's own safety and ordinary-question sets, through the strict matcher
and the real handler. The held-back part is asserted only as totals: its failures
are never printed (msguide_tools/eval_sets.py refuses to), so it stays unseen while tuning."""


import pytest

from msguide_tools import eval_sets


@pytest.fixture(scope="module")
def results():
    runner = eval_sets.Runner(threshold=101)
    return {part: eval_sets.score(part, runner=runner) for part in ("tune", "held")}


def test_the_split_is_by_hash_stable_and_about_a_third_held_back():
    cases = eval_sets.safety_cases() + eval_sets.ordinary_cases()
    assert len({c["id"] for c in cases}) == len(cases)
    by_hash = [c for c in cases if eval_sets.part_of(c["id"]) == "held"]
    assert 0.2 < len(by_hash) / len(cases) < 0.4     # (phrasings found later are tuning only)
    assert all(eval_sets.part_of(c["id"]) == c["part"] for c in cases if c["part"] == "held")
    emergencies = [c for c in cases if c["kind"] in ("emergency", "crisis")]
    assert len(emergencies) >= 150
    assert {c["locale"] for c in emergencies} == set(eval_sets.LOCALES)


@pytest.mark.parametrize("part", ["tune", "held"])
def test_every_emergency_and_crisis_is_recognised(results, part):
    totals, failures = results[part]
    for kind in ("emergency", "crisis"):
        passed, total = totals[kind]
        assert passed == total, "%s: %d of %d %s cases missed" % (part, total - passed, total, kind)


@pytest.mark.parametrize("part", ["tune", "held"])
def test_no_idiom_or_ordinary_question_is_treated_as_an_emergency(results, part):
    _totals, failures = results[part]
    urgent = eval_sets.failure_kinds(failures)
    for kind in ("idiom", "ordinary", "offtopic", "uncovered", "relapse", "overheating"):
        assert urgent.get(kind, {}).get("urgent reply", 0) == 0, (part, kind, urgent.get(kind))


@pytest.mark.parametrize("part, kind, floor", [
    ("tune", "ordinary", 0.95), ("held", "ordinary", 0.80),
    ("tune", "offtopic", 0.95), ("held", "offtopic", 0.95),
    ("tune", "contraindication", 0.95), ("tune", "relapse", 0.95), ("tune", "overheating", 0.95),
])
def test_answers_reach_the_right_place(results, part, kind, floor):
    passed, total = results[part][0][kind]
    assert passed / total >= floor, "%s %s: %d of %d" % (part, kind, passed, total)


def test_the_scorer_never_shows_held_back_failures():
    with pytest.raises(SystemExit):
        eval_sets.score("held", show_failures=True)
