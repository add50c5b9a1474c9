"""Which intents carry free-form words, and the words as they were said.

Alexa sends only a carrier's slot ("can massage {query}" sends {query}), so the
words a carrier phrase took away are put back before anything reads them. A start
that carries meaning ("fell {query}", "dying {query}", "shiatsu {query}") is an
intent of its own, StartsWith_<word>, built from model.yaml's kept_carriers: the
intent's name says which word to put back. An ending that carries meaning ("... with
ms", "... is it safe", "... what is it") is one too, EndsWith_<words>, built from
model.yaml's kept_endings: its samples are "{query} <ending>" for each way of saying
it, and the canonical ending goes back at the end.
"""

MASSAGE_CARRIER_INTENT = "MassageQuestionIntent"
KEPT_CARRIER_PREFIX = "StartsWith_"
KEPT_ENDING_PREFIX = "EndsWith_"
KEPT_PREFIXES = (KEPT_CARRIER_PREFIX, KEPT_ENDING_PREFIX)


def is_free_form(intent_name):
    return bool(intent_name) and (intent_name in ("SearchIntent", MASSAGE_CARRIER_INTENT)
                                  or intent_name.startswith(KEPT_PREFIXES))


def as_asked(intent_name, words):
    """The words as the classifier should read them, given the intent that carried them."""
    if intent_name == MASSAGE_CARRIER_INTENT:
        return "massage " + words
    if intent_name and intent_name.startswith(KEPT_CARRIER_PREFIX):
        return intent_name[len(KEPT_CARRIER_PREFIX):].replace("_", " ") + " " + words
    if intent_name and intent_name.startswith(KEPT_ENDING_PREFIX):
        return words + " " + intent_name[len(KEPT_ENDING_PREFIX):].replace("_", " ")
    return words
