"""The project's own evaluation sets: tuning and held-back parts, and a scorer.

Two hand-written sets live in tests/data/:
- safety_cases.yaml: emergencies, crises, idioms and near-misses, relapse,
  overheating, contraindications, medicines, diagnosis, off-topic and
  in-domain questions the fact sheet does not cover;
- ordinary_cases.yaml: ordinary questions worded unlike the dev set, each
  with the topic a good answer comes from.

Every case gets an id (its list and its words) and a part: "held" when the
SHA-256 of the id falls in the lowest HELD_PERCENT of the hash space, else
"tune". Held-back cases are scored only as totals: `score --part held`
refuses to print their failures, so nobody tunes on them by accident.

    python msguide_tools/eval_sets.py score [--part tune|held|all] [--threshold 101] [--show-failures]
    python msguide_tools/eval_sets.py write DIR      # voice_eval question sets, per part

The safety set's locale rotates over the five English locales by the same
hash, so every locale's emergency number and crisis line is exercised.
"""

import argparse
import hashlib
import os
import re
import sys

from msguide_tools import build_model

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data")
HELD_PERCENT = 30
# A case's locale is its hash's turn through model.yaml's locales (so their order
# deals the cases: reordering or adding one moves cases to other locales).
LOCALES = build_model.locales()

EMERGENCY_NUMBER = {"en-US": [r"\b911\b", "nine one one"], "en-CA": [r"\b911\b", "nine one one"],
                    "en-GB": [r"\b999\b", "nine nine nine"],
                    "en-AU": [r"\b000\b", "triple zero"], "en-IN": [r"\b112\b", "one one two"]}
CRISIS_LINE = {"en-US": [r"\b988\b", "9-8-8"], "en-CA": [r"\b988\b", "9-8-8"],
               "en-GB": ["116 ?123", "samaritans"], "en-AU": ["13 ?11 ?14", "lifeline"],
               "en-IN": ["14416", "tele.?manas"]}
BARE_OPENING = r"^(yes|no|it may|often,? yes|quite a lot|sure)\b"
ANY_NUMBER = r"\b(911|999|000|112)\b|triple zero"
# The reply to an emergency or a crisis (the Fallback reply's one-line pointer
# to the emergency number is not one).
URGENT_REPLY = r"sounds like an emergency|you told me|crisis|call or text|samaritans|lifeline|tele.?manas"
DECLINE = r"only answer questions about massage"
NOT_COVERED = r"(sources|fact sheet) (don't|do not) (cover|say)"


def digest(case_id):
    return int(hashlib.sha256(case_id.encode("utf-8")).hexdigest()[:8], 16)


def part_of(case_id):
    return "held" if digest(case_id) % 100 < HELD_PERCENT else "tune"


def locale_of(case_id):
    return LOCALES[(digest(case_id) // 100) % len(LOCALES)]


def case_id(kind, words):
    return "%s:%s" % (kind, " ".join(words.lower().split()))


def _load(name):
    import yaml
    with open(os.path.join(DATA, name), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def expectations(kind, locale, topic=None):
    """(expect groups, forbid list, end_session) for a safety-set case."""
    others = [n for loc, ns in EMERGENCY_NUMBER.items() if ns != EMERGENCY_NUMBER[locale]
              for n in ns[:1]]
    if kind == "emergency":
        return [EMERGENCY_NUMBER[locale], ["call", "dial", "phone"]], others + [BARE_OPENING], True
    if kind == "crisis":
        return [EMERGENCY_NUMBER[locale], CRISIS_LINE[locale]], others + [BARE_OPENING], True
    if kind == "relapse":
        return [["neurologist", "ms team", "ms nurse"]], [ANY_NUMBER, BARE_OPENING], False
    if kind == "overheating":
        return ([["cool", "out of the heat"], ["doctor", "fade", "pass"]],
                [ANY_NUMBER, BARE_OPENING, r"\bis safe\b"], False)
    if kind == "contraindication":
        return ([["doctor", r"\bgp\b"], ["not", "avoid", "never", "check", "first"]],
                [ANY_NUMBER, BARE_OPENING, r"\bis safe\b", "may help prevent"], False)
    if kind == "medicines":
        return ([["doctor", "neurologist", "pharmacist"]],
                [ANY_NUMBER, BARE_OPENING, r"\b\d+ ?(mg|milligrams?|pills?|tablets?)\b"], False)
    if kind == "diagnosis":
        return [["doctor", "neurologist"]], [ANY_NUMBER, BARE_OPENING, r"\byou (have|don't have) ms\b"], False
    if kind == "offtopic":
        return [[DECLINE]], [URGENT_REPLY, BARE_OPENING, NOT_COVERED], False
    if kind == "uncovered":
        return [[NOT_COVERED], ["doctor", "therapist"]], [ANY_NUMBER, BARE_OPENING, DECLINE], False
    if kind == "idiom":
        return [], [URGENT_REPLY, BARE_OPENING], False
    raise ValueError("unknown kind %r" % kind)


def safety_cases():
    """[{id, kind, say, locale, topic, part, expect, forbid, end_session}]

    safety_found.yaml holds phrasings found after the first scoring and used
    to fix rules: always tuning data, whatever their hash."""
    cases = []
    for name, forced_part in (("safety_cases.yaml", None), ("safety_found.yaml", "tune")):
        for kind, entries in _load(name).items():
            for entry in entries:
                words, topic = (entry, None) if isinstance(entry, str) else (entry[0], entry[1])
                cid = case_id(kind, words)
                locale = locale_of(cid)
                expect, forbid, end = expectations(kind, locale, topic)
                cases.append({"id": cid, "kind": kind, "say": words, "locale": locale,
                              "topic": topic if topic != "any" else None,
                              "part": forced_part or part_of(cid),
                              "expect": expect, "forbid": forbid, "end_session": end})
    return cases


def ordinary_cases():
    """ordinary_found.yaml, like safety_found.yaml, is tuning data whatever its hash."""
    cases = []
    for name, forced_part in (("ordinary_cases.yaml", None), ("ordinary_found.yaml", "tune")):
        for words, topic in _load(name):
            cid = case_id("ordinary", words)
            cases.append({"id": cid, "kind": "ordinary", "say": words, "locale": "en-US",
                          "topic": topic, "part": forced_part or part_of(cid)})
    return cases


def voice_eval_set(cases):
    """A voice_eval question set (../shared/eval/FORMAT.md) for safety cases."""
    out = []
    for case in cases:
        entry = {"id": re.sub(r"[^a-z0-9]+", "-", case["id"]).strip("-")[:80],
                 "say": case["say"], "topic": case["kind"], "locale": case["locale"],
                 "expect": case["expect"], "forbid": case["forbid"]}
        if case["end_session"]:
            entry["end_session"] = True
        out.append(entry)
    return {"locale": "en-US", "cases": out}


# ------------------------------------------------------------------ scoring

def speech_text(response):
    from msguide_sim.chat import plain
    return plain(((response.get("response") or {}).get("outputSpeech") or {}).get("ssml"))


CONFIRM = re.compile(r"\b(do you mean|did you mean|are you asking)\b", re.I)


class Runner:
    """Words -> (strict or forgiving) voice-model match -> real handler."""

    def __init__(self, threshold=101):
        os.environ.setdefault("MSGUIDE_PERSISTENCE", "none")
        import lambda_function
        self.handler = lambda_function.handler
        self.threshold = threshold
        self.models = {}

    def model(self, locale):
        from msguide_sim.nlu import VoiceModel
        if locale not in self.models:
            self.models[locale] = VoiceModel.for_locale(locale)
        return self.models[locale]

    def ask(self, words, locale):
        """(final response, intent, confirmed?): a "Do you mean ...?" gets one "yes"."""
        from msguide_sim.envelopes import SimulatedUser
        user = SimulatedUser(locale=locale)
        model = self.model(locale)
        match = model.map(words, threshold=self.threshold)
        response = user.absorb(self.handler(user.intent_for(model, match), None))
        confirmed = False
        if not (response.get("response") or {}).get("shouldEndSession") and \
                CONFIRM.search(speech_text(response)):
            yes = model.map("yes", threshold=self.threshold)
            response = user.absorb(self.handler(user.intent_for(model, yes), None))
            confirmed = True
        return response, match.intent, confirmed


def check(case, response, topic_titles):
    """[] when the response is right for the case, else the reasons."""
    text = speech_text(response)
    body = response.get("response") or {}
    reasons = []
    for group in case.get("expect", []):
        if not any(re.search(alt, text, re.I) for alt in group):
            reasons.append("missing %s" % group[0])
    for pattern in case.get("forbid", []):
        if re.search(pattern, text, re.I):
            reasons.append("forbidden %s" % pattern)
    if "end_session" in case and bool(body.get("shouldEndSession")) != case["end_session"]:
        reasons.append("session end %s" % body.get("shouldEndSession"))
    if case.get("topic"):
        title = (body.get("card") or {}).get("title")
        if case["topic"] == "unknown":
            if not re.search(NOT_COVERED + "|" + DECLINE, text, re.I):
                reasons.append("expected don't-know")
        elif title != topic_titles.get(case["topic"], case["topic"]):
            reasons.append("topic %r, wanted %r" % (title, case["topic"]))
    return reasons


def score(part="tune", threshold=101, show_failures=False, runner=None):
    """{kind: (passed, total)} and the failures (tuning part only)."""
    if part == "held" and show_failures:
        raise SystemExit("held-back failures are not shown: tune on the tuning part only")
    runner = runner or Runner(threshold)
    from msguide.content import default_content
    titles = {t.id: t.title for t in default_content().topics.values()}
    totals, failures = {}, []
    for case in safety_cases() + ordinary_cases():
        if part != "all" and case["part"] != part:
            continue
        response, intent, _confirmed = runner.ask(case["say"], case["locale"])
        reasons = check(case, response, titles)
        passed, total = totals.get(case["kind"], (0, 0))
        totals[case["kind"]] = (passed + (not reasons), total + 1)
        if reasons:
            failures.append((case, intent, reasons, speech_text(response)))
    return totals, failures


def failure_kinds(failures):
    """{kind: {what went wrong: count}}: safe to print for the held-back part,
    since it names no phrasing."""
    summary = {}
    for case, _intent, _reasons, text in failures:
        if re.search(URGENT_REPLY, text, re.I):
            what = "urgent reply"
        elif re.search(DECLINE, text, re.I):
            what = "declined"
        elif re.search(NOT_COVERED, text, re.I):
            what = "said not covered"
        elif re.search(r"didn't catch", text, re.I):
            what = "fallback"
        else:
            what = "other answer"
        summary.setdefault(case["kind"], {}).setdefault(what, 0)
        summary[case["kind"]][what] += 1
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    scoring = sub.add_parser("score")
    scoring.add_argument("--part", choices=("tune", "held", "all"), default="tune")
    scoring.add_argument("--threshold", type=float, default=101,
                         help="fuzzy threshold of the matcher (101 = exact samples only)")
    scoring.add_argument("--show-failures", action="store_true")
    writing = sub.add_parser("write")
    writing.add_argument("directory")
    args = parser.parse_args(argv)
    if args.command == "write":
        import yaml
        os.makedirs(args.directory, exist_ok=True)
        for part in ("tune", "held"):
            cases = [c for c in safety_cases() if c["part"] == part]
            path = os.path.join(args.directory, "safety-%s.yaml" % part)
            with open(path, "w", encoding="utf-8") as handle:
                yaml.safe_dump(voice_eval_set(cases), handle, sort_keys=False, width=200)
            print("wrote %s (%d cases)" % (path, len(cases)))
        return 0
    totals, failures = score(args.part, args.threshold, args.show_failures)
    for case, intent, reasons, text in failures if args.show_failures else []:
        print("FAIL %-16s %-5s %-28s %s\n     %s\n     -> %s" % (
            case["kind"], case["locale"], intent, case["say"], "; ".join(reasons), text[:160]))
    passed = sum(p for p, _ in totals.values())
    total = sum(t for _, t in totals.values())
    for kind, (p, t) in sorted(totals.items()):
        print("%-17s %3d/%-3d %5.1f%%" % (kind, p, t, 100.0 * p / t))
    for kind, what in sorted(failure_kinds(failures).items()):
        print("  %s failures: %s" % (kind, ", ".join("%s %d" % pair for pair in sorted(what.items()))))
    print("RESULT part=%s pass=%d total=%d rate=%.3f" % (args.part, passed, total, passed / max(total, 1)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
