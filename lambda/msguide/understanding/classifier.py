"""The classifier: which topic some free-form words are about, and how sure.

A linear classifier (multinomial logistic regression) trained at build time by
msguide_tools/train_understanding.py on every voice-model sample, each topic's
questions and keywords, and written examples of off-topic and uncovered
questions. Its weights ship as data (data/understanding.json) and are
scored here in plain Python: no NumPy or scikit-learn at run time.

Emergencies and crises are classes too, a second net behind the triage
rules, and a separate learned urgent detector (`Detector`) is trained for that
one question, tuned for recall. What the skill does with a ranking is the
decision policy's (policy.py), not this module's. The features are computed by
`features()`, shared with the trainer so the two can never disagree.
"""

import functools
import json
import math
import os

from .normalize import tokens
from .policy import URGENT, Evidence, Policy, read_policy

UNDERSTANDING_FILE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data",
                                  "understanding.json")
CACHE_SIZE = 4096
STOP = frozenset("a an the to of and is are am i my me it its it's that this for with do does "
                 "be so um uh er erm hmm like just please okay ok well you your can could would "
                 "will".split())


# hesitations and intensifiers, stemmed: they say how something is asked, never what,
# so they make neither unigrams nor bigrams ("is massage actually safe" reads as
# "massage safe", not as "what does massage actually do")
FILLER = frozenset("um umm uh uhh er erm hmm actual real honest genuine basical literal tru kinda sorta".split())
AT_WORK, JOB = frozenset(("after", "at", "from", "off")), "job"


def features(text):
    """Unigrams (less stop words) and bigrams of stemmed words, fillers left out."""
    words = [w for w in tokens(text) if w not in FILLER]
    # "work" the place ("after work", "off work") is not "work" the verb ("didn't work")
    words = [JOB if w == "work" and i and words[i - 1] in AT_WORK else w for i, w in enumerate(words)]
    found = {"u:" + w for w in words if w not in STOP}
    found.update("b:%s_%s" % pair for pair in zip(words, words[1:]))
    return found


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

    def support(self, text, label, at):
        """How many of the words (unigram features) add at least `at` to the class's
        score above their average over all classes: the words that point to it."""
        index = self.classes.index(label)
        count = 0
        for feature in features(text):
            if not feature.startswith("u:"):
                continue
            found = self.weights(feature)
            if found:
                mean = sum(w for _i, w in found) / len(self.classes)
                if dict(found).get(index, 0.0) - mean >= at:
                    count += 1
        return count

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
    """The learned urgent detector (crisis / emergency / calm). Its probabilities are
    cached per text, so `urgent` and `crisis` on the same words score them once."""

    def __init__(self, data):
        super().__init__(data)
        self.probabilities = functools.lru_cache(maxsize=CACHE_SIZE)(super().probabilities)

    def crisis(self, text):
        """The probability that the words speak of self-harm."""
        return self.probabilities(text).get("crisis", 0.0)

    def urgent(self, text):
        """(the likelier urgent class, crisis + emergency probability)."""
        found = self.probabilities(text)
        label = max(URGENT, key=lambda c: found.get(c, 0.0))
        return label, sum(found.get(c, 0.0) for c in URGENT)


class Understanding:
    """The classifier, the urgent detector and the policy over one trained file."""

    def __init__(self, data, policy=None):
        self.model = Linear(data)
        self.classes = self.model.classes
        self.weights = self.model.weights
        self.policy = Policy(policy or read_policy())
        self.detector = Detector(data["urgent_detector"])
        # a reading depends only on the words (and the fixed lexical search)
        self.read = functools.lru_cache(maxsize=CACHE_SIZE)(self._read)
        self.asks_for_research = functools.lru_cache(maxsize=CACHE_SIZE)(self._asks_for_research)
        self.domain = frozenset(data["domain_words"])
        self.research = frozenset(data.get("research_words", ()))
        # stems learned only from outside authors' misheard names (soundalike.py)
        self.misheard = frozenset(data.get("misheard_words", ()))

    def urgent(self, text):
        """The detector's (likelier urgent class, urgent probability); it caches per text."""
        return self.detector.urgent(text)

    def crisis(self, text):
        """The detector's self-harm probability for the words."""
        return self.detector.crisis(text)

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

    def _read(self, text, lexical=None, calm=False, named=None):
        """A Reading of the words. `lexical(text)` may name the topic a lexical
        search (search.py) ranks first; `named(topic_id, text)` says whether the words
        name the topic; `calm`: triage judged the words past or long-standing."""
        evidence = Evidence(self.in_domain(text),
                            lexical=(lambda: lexical(text)) if lexical else None,
                            urgent=lambda: self.urgent(text)[1], calm=calm,
                            support=lambda label, at: self.model.support(text, label, at),
                            named=(lambda topic_id: named(topic_id, text)) if named else None)
        return self.policy.decide(self.probabilities(text), evidence)


def load(path=UNDERSTANDING_FILE):
    with open(path, encoding="utf-8") as handle:
        return Understanding(json.load(handle))


_CACHE = {}


def default_understanding():
    """Loaded on first use (a free-form question), not at start-up."""
    if "understanding" not in _CACHE:
        _CACHE["understanding"] = load()
    return _CACHE["understanding"]
