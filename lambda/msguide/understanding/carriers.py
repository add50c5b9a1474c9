"""Which intents carry free-form words, and the words as they were said.

Alexa sends only a carrier's slot ("can massage {query}" sends {query}), so the
words a carrier phrase took away are put back before anything reads them. A start
that carries meaning ("fell {query}", "dying {query}", "shiatsu {query}") is an
intent of its own, StartsWith_<word>, built from model.yaml's kept_carriers: the
intent's name says which word to put back.
"""

MASSAGE_CARRIER_INTENT = "MassageQuestionIntent"
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
