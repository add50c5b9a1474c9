"""The decision policy: from a classifier's ranking to what the skill does.

Apart from scoring, so it can be read and tested with hand-made rankings. The
thresholds are data (data/policy.json), checked at load; nothing here is
trained. Four outcomes:
- "answer": confident, say the topic (an urgent class is answered at once);
- "confirm": unsure, ask "Are you asking about ...?" (yes answers it);
- "not_covered": about massage or MS but nothing the fact sheet covers;
- "decline": not about massage or MS at all (said with examples).

One word is not evidence: a topic is answered only when more than one word of the
question points to it, or when the question names it (search.names: a slot phrase,
a keyword phrase or a title word said). Otherwise it is asked back about, however
sure the classifier is: "what should I expect at my appointment" rests on "expect"
alone and is not answered as pregnancy.
"""

import json
import os

from ..content import ContentError

POLICY_FILE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "policy.json")
POLICY_KEYS = ("answer", "confirm", "answer_outside_domain", "lexical_confirm", "urgent", "urgent_sure",
               "urgent_lean", "urgent_unanswered", "urgent_idiom", "crisis_over_emergency",
               "crisis_line_with_emergency")
# not a probability: how much a word must add to a class's score (above its average
# over the classes) to count as evidence for it
WEIGHT_KEYS = ("evidence_weight",)
OFFTOPIC = "offtopic"
UNCOVERED = "uncovered"
# classes that are a second safety net behind triage's rules: never confirmed,
# answered whenever they are likely enough
URGENT = ("crisis", "emergency")


class Reading:
    """What the understanding made of some words."""

    __slots__ = ("outcome", "topic_id", "confidence", "ranked")

    def __init__(self, outcome: str, topic_id: str | None, confidence: float, ranked: list):
        self.outcome = outcome
        self.topic_id = topic_id
        self.confidence = confidence
        self.ranked = ranked

    def __repr__(self):
        return "Reading(%s, %s, %.2f)" % (self.outcome, self.topic_id, self.confidence)


def read_policy(path=POLICY_FILE):
    """The thresholds, checked: each present, a number between 0 and 1."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    for key in POLICY_KEYS:
        value = data.get(key)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1:
            raise ContentError("%s: %r must be a number from 0 to 1" % (path, key))
    for key in WEIGHT_KEYS:
        value = data.get(key)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 < value <= 10:
            raise ContentError("%s: %r must be a number above 0, at most 10" % (path, key))
    for key in ("urgent_lean", "urgent_unanswered"):
        if data[key] > data["urgent_sure"]:
            raise ContentError("%s: %s must not be above urgent_sure" % (path, key))
    if data["urgent_idiom"] < data["urgent_lean"]:
        raise ContentError("%s: urgent_idiom must not be below urgent_lean" % path)
    return data


class Evidence:
    """What the policy is told about some words besides the ranking."""

    __slots__ = ("in_domain", "lexical", "urgent", "calm", "support", "named")

    def __init__(self, in_domain, lexical=None, urgent=None, calm=False, support=None, named=None):
        self.in_domain = in_domain      # a massage or MS word is among them
        # callables, asked only when the policy needs them:
        self.lexical = lexical          # the lexical search's topic id, or None
        self.urgent = urgent            # the urgent detector's crisis + emergency probability
        self.calm = calm                # triage judged them past or long-standing
        self.support = support          # (class, weight) -> how many words point to the class
        self.named = named              # topic id -> True when one of its phrases is said


class Policy:
    def __init__(self, thresholds):
        self.urgent_at = thresholds["urgent"]
        self.urgent_sure_at = thresholds["urgent_sure"]
        self.urgent_lean_at = thresholds["urgent_lean"]
        # perhaps urgent, and no topic answers the words: the urgent reply in full
        self.urgent_unanswered_at = thresholds["urgent_unanswered"]
        # words holding an idiom the rules read by its plain meaning ("the death of me"):
        # the detector acts on them only when at least this sure, and then in full
        self.urgent_idiom_at = thresholds["urgent_idiom"]
        # words the emergency rules caught that the detector reads as self-harm at least
        # this likely get the crisis reply (the emergency number and the crisis line)
        self.crisis_over_emergency_at = thresholds["crisis_over_emergency"]
        # an emergency reply whose words the detector reads as self-harm at least this
        # likely (its crisis share alone) also names the crisis line, as the overdose
        # reply does: unsure which kind of urgent it is, the reply gives both
        self.crisis_line_with_emergency_at = thresholds["crisis_line_with_emergency"]
        self.answer_at = thresholds["answer"]
        self.confirm_at = thresholds["confirm"]
        # without a single massage or MS word, only a very sure reading answers
        self.answer_outside_domain_at = thresholds["answer_outside_domain"]
        # a lexical match the classifier ranks near the top, at least this sure, is worth asking about
        self.lexical_confirm_at = thresholds["lexical_confirm"]
        self.evidence_weight = thresholds["evidence_weight"]

    def perhaps_urgent(self, probability):
        """The urgent detector's reading is worth acting on: lower than sure."""
        return probability >= min(self.urgent_lean_at, self.urgent_unanswered_at)

    def leads_with_number(self, probability):
        """Perhaps urgent: the reply leads with the emergency number, then goes on."""
        return probability >= self.urgent_lean_at

    def urgent_when_unanswered(self, probability, outcome):
        """Perhaps urgent, and the understanding found no topic to answer (it would
        ask back, say it cannot cover it, or decline): when unsure, lean toward help
        and give the urgent reply in full, not a question about massage."""
        return probability >= self.urgent_unanswered_at and outcome != "answer"

    def one_word(self, topic_id, evidence):
        """True when a single word is all that points to the topic, and the topic is
        not named: not evidence enough to answer."""
        if evidence.support is None:
            return False
        if evidence.support(topic_id, self.evidence_weight) > 1:
            return False
        return not (evidence.named and evidence.named(topic_id))

    def decide(self, ranked, evidence) -> Reading:
        """A Reading from [(class, probability)] best first and the Evidence."""
        for label, probability in ranked:
            # `calm`: the words mark a past or long-standing event ("a seizure when I
            # was a kid"); the triage rules judged them, so the net does not overrule;
            # and the urgent detector, trained for this one question, must lean the same way
            if label in URGENT and probability >= self.urgent_at \
                    and not (evidence.calm and label == "emergency") \
                    and evidence.urgent is not None and evidence.urgent() >= self.urgent_sure_at:
                return Reading("answer", label, probability, ranked)
        ranked = [(c, p) for c, p in ranked if c not in URGENT]
        best, confidence = ranked[0]
        is_topic = best not in (OFFTOPIC, UNCOVERED)
        in_domain = evidence.in_domain
        weak = is_topic and self.one_word(best, evidence)
        if is_topic and confidence >= (self.answer_at if in_domain else self.answer_outside_domain_at):
            # one word is not evidence: sure as the classifier is, ask back
            return Reading("confirm" if weak else "answer", best, confidence, ranked)
        lexical_id = evidence.lexical() if evidence.lexical and (in_domain or is_topic) else None
        if is_topic and not weak and in_domain and lexical_id == best and confidence >= self.lexical_confirm_at:
            return Reading("answer", best, confidence, ranked)
        if best == UNCOVERED and in_domain:
            return Reading("not_covered", None, confidence, ranked)
        if best == OFFTOPIC and confidence >= self.answer_at:   # "book me a taxi": one domain word is not enough
            return Reading("decline", None, confidence, ranked)
        near = {c: p for c, p in ranked[:3] if p >= self.lexical_confirm_at}
        if lexical_id in near and in_domain:
            return Reading("confirm", lexical_id, near[lexical_id], ranked)
        if is_topic and confidence >= self.confirm_at and in_domain:
            return Reading("confirm", best, confidence, ranked)
        if in_domain:
            return Reading("not_covered", None, confidence, ranked)
        return Reading("decline", None, confidence, ranked)
