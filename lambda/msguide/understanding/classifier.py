"""Understand free-form words: which topic, and how sure.

A linear classifier (multinomial logistic regression) trained at build time by
tools/train_understanding.py on every voice-model sample, each topic's
questions and keywords, and written examples of off-topic and uncovered
questions. Its weights ship as data (content/understanding.json) and are
scored here in plain Python: no NumPy or scikit-learn at run time.

Emergencies and crises are classes too, a second net behind the triage
rules: when either is likely enough it is answered at once, never confirmed.
Otherwise the probability of the best class, and whether a lexical search
agrees, give one of four outcomes:
- "answer": confident, say the topic;
- "confirm": unsure, ask "Are you asking about ...?" (yes answers it);
- "not_covered": about massage or MS but nothing the fact sheet covers;
- "decline": not about massage or MS at all (said with examples).
The features are computed by `features()`, shared with the trainer so the two
can never disagree.
"""

import functools
import json
import math
import os
import re

UNDERSTANDING_FILE = os.path.join(os.path.dirname(__file__), "content", "understanding.json")
POLICY_FILE = os.path.join(os.path.dirname(__file__), "content", "policy.json")
POLICY_KEYS = ("answer", "confirm", "answer_outside_domain", "lexical_confirm", "urgent", "urgent_sure",
               "urgent_lean")
OFFTOPIC = "offtopic"
UNCOVERED = "uncovered"
# classes that are a second safety net behind triage's rules: never confirmed,
# answered whenever they are likely enough
URGENT = ("crisis", "emergency")
CACHE_SIZE = 4096
_WORD = re.compile(r"[a-z0-9']+")
STOP = frozenset("a an the to of and is are am i my me it its it's that this for with do does "
                 "be so um uh er erm hmm like just please okay ok well you your can could would "
                 "will".split())
_SUFFIXES = (("ies", "y"), ("sses", "ss"), ("ness", ""), ("ing", ""), ("edly", ""), ("ed", ""),
             ("ly", ""), ("ss", "ss"), ("us", "us"),
             ("is", "is"), ("s", ""))


def stem(word):
    """A small suffix stripper: enough to join "massages"/"massage", "tired"/"tiring"."""
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[:-len(suffix)] + replacement
    return word


# Free-form words that came in a carrier naming massage ("can massage {query}"):
# Alexa sends only the slot, so the skill puts the carrier's subject back.
MASSAGE_CARRIER_INTENT = "MassageQuestionIntent"


# A start that carries meaning ("fell {query}", "dying {query}", "shiatsu {query}") is
# an intent of its own, StartsWith_<word>, built from model.yaml's kept_carriers: Alexa
# sends only the slot, and the intent's name says which word to put back.
KEPT_CARRIER_PREFIX = "StartsWith_"


def is_free_form(intent_name):
    return bool(intent_name) and (intent_name in ("SearchIntent", MASSAGE_CARRIER_INTENT)
                                  or intent_name.startswith(KEPT_CARRIER_PREFIX))


def as_asked(intent_name, words):
    """The words as the classifier should read them, given the intent that carried them."""
    if intent_name == MASSAGE_CARRIER_INTENT:
        return "massage " + words
    if intent_name and intent_name.startswith(KEPT_CARRIER_PREFIX):
        return intent_name[len(KEPT_CARRIER_PREFIX):].replace("_", " ") + " " + words
    return words


def tokens(text):
    text = str(text or "").lower().replace("\u2019", "'")
    return [stem(w.replace("'", "")) for w in _WORD.findall(text)]


def features(text):
    """Unigrams (less filler words) and bigrams of stemmed words."""
    words = tokens(text)
    found = {"u:" + w for w in words if w not in STOP}
    found.update("b:%s_%s" % pair for pair in zip(words, words[1:]))
    return found


class Reading:
    """What the classifier made of some words."""

    __slots__ = ("outcome", "topic_id", "confidence", "ranked")

    def __init__(self, outcome, topic_id, confidence, ranked):
        self.outcome = outcome
        self.topic_id = topic_id
        self.confidence = confidence
        self.ranked = ranked

    def __repr__(self):
        return "Reading(%s, %s, %.2f)" % (self.outcome, self.topic_id, self.confidence)


class Linear:
    """A linear model shipped as data: classes, intercepts and weights packed one string
    per feature ("class:weight class:weight ..."), parsed on first use so loading
    stays fast. Scored in plain Python: softmax over the summed weights."""

    def __init__(self, data):
        self.classes = data["classes"]
        self.intercepts = data["intercepts"]
        self._packed = data["weights"]
        self._parsed = {}

    def weights(self, feature):
        """[(class index, weight)] of one feature; [] for a feature never seen."""
        found = self._parsed.get(feature)
        if found is None:
            packed = self._packed.get(feature, "")
            found = [(int(i), float(w)) for i, w in (pair.split(":") for pair in packed.split())]
            self._parsed[feature] = found
        return found

    def words_seen(self):
        """The stemmed words (unigram features) the model was trained on."""
        return {feature[2:] for feature in self._packed if feature.startswith("u:")}

    def probabilities(self, text):
        """{class: probability} in class order."""
        scores = list(self.intercepts)
        for feature in features(text):
            for index, weight in self.weights(feature):
                scores[index] += weight
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps)}


class Detector(Linear):
    """The learned urgent detector (crisis / emergency / calm)."""

    def urgent(self, text):
        """(the likelier urgent class, crisis + emergency probability)."""
        found = self.probabilities(text)
        label = max(URGENT, key=lambda c: found.get(c, 0.0))
        return label, sum(found.get(c, 0.0) for c in URGENT)


def read_policy(path=POLICY_FILE):
    """The thresholds, checked: each present, a number between 0 and 1."""
    from .content import ContentError
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    for key in POLICY_KEYS:
        value = data.get(key)
        if not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ContentError("%s: %r must be a number from 0 to 1" % (path, key))
    if data["urgent_lean"] > data["urgent_sure"]:
        raise ContentError("%s: urgent_lean must not be above urgent_sure" % path)
    return data


class Understanding:
    def __init__(self, data, policy=None):
        self.model = Linear(data)
        self.classes = self.model.classes
        self.weights = self.model.weights
        # a reading depends only on the words (and the fixed lexical search)
        self.read = functools.lru_cache(maxsize=CACHE_SIZE)(self._read)
        self.asks_for_research = functools.lru_cache(maxsize=CACHE_SIZE)(self._asks_for_research)
        thresholds = policy or read_policy()
        self.detector = Detector(data["urgent_detector"])
        self.urgent = functools.lru_cache(maxsize=CACHE_SIZE)(self.detector.urgent)
        self.urgent_sure_at = thresholds["urgent_sure"]
        self.urgent_lean_at = thresholds["urgent_lean"]
        self.answer_at = thresholds["answer"]
        self.confirm_at = thresholds["confirm"]
        # without a single massage or MS word, only a very sure reading answers
        self.answer_outside_domain_at = thresholds["answer_outside_domain"]
        # a lexical match the classifier ranks near the top, at least this sure, is worth asking about
        self.lexical_confirm_at = thresholds["lexical_confirm"]
        self.urgent_at = thresholds["urgent"]
        self.domain = frozenset(data["domain_words"])
        self.research = frozenset(data.get("research_words", ()))

    def probabilities(self, text):
        """[(class, probability)] best first."""
        return sorted(self.model.probabilities(text).items(), key=lambda pair: -pair[1])

    def known_words(self):
        """The stemmed words the classifier met in training."""
        return self.model.words_seen()

    def in_domain(self, text):
        return bool(set(tokens(text)) & self.domain)

    def _asks_for_research(self, text):
        """True when the words ask what the research says ("according to studies")."""
        return bool(set(tokens(text)) & self.research)

    def _read(self, text, lexical=None, calm=False):
        """A Reading of the words. `lexical(text)` may name the topic a
        lexical search (msguide.search) ranks first; agreement between the
        two raises confidence, and a lexical hit the classifier also ranks
        near the top is worth a confirming question."""
        ranked = self.probabilities(text)
        for label, probability in ranked:
            # `calm`: the words mark a past or long-standing event ("a seizure when I
            # was a kid"); the triage rules judged them, so the net does not overrule.
            # and the urgent detector, trained for this one question, leans the same way
            if label in URGENT and probability >= self.urgent_at and not (calm and label == "emergency") \
                    and self.urgent(text)[1] >= self.urgent_sure_at:
                return Reading("answer", label, probability, ranked)
        ranked = [(c, p) for c, p in ranked if c not in URGENT]
        best, confidence = ranked[0]
        is_topic = best not in (OFFTOPIC, UNCOVERED)
        in_domain = self.in_domain(text)
        if is_topic and confidence >= (self.answer_at if in_domain else self.answer_outside_domain_at):
            return Reading("answer", best, confidence, ranked)
        lexical_id = lexical(text) if lexical and (in_domain or is_topic) else None
        if is_topic and in_domain and lexical_id == best and confidence >= self.lexical_confirm_at:
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


def load(path=UNDERSTANDING_FILE):
    with open(path, encoding="utf-8") as handle:
        return Understanding(json.load(handle))


_CACHE = {}


def default_understanding():
    """Loaded on first use (a free-form question), not at start-up."""
    if "understanding" not in _CACHE:
        _CACHE["understanding"] = load()
    return _CACHE["understanding"]
