"""The one text normaliser: every reader of words (triage, search, the classifier,
the soundalike matcher) starts from these, so they can never disagree about what
was said.

- `words(text)`: lowercase words with apostrophes kept (curly ones straightened),
  letters spelled out one by one joined up ("the a m t a" -> "the amta"); every
  other character is a space.
- `terms(text)`: `words` with contractions closed up ("didnt"), as Lunr indexes them.
- `tokens(text)`: `terms` split and stemmed by `stem`, as the classifier reads them.
"""

import re

_WORD = re.compile(r"[a-z0-9']+")
_SPELLED = re.compile(r"(?<![a-z0-9'])((?:[a-z] ){2,}[a-z])(?![a-z0-9'])")
_SUFFIXES = (("ies", "y"), ("sses", "ss"), ("ness", ""), ("ing", ""), ("edly", ""), ("ed", ""),
             ("ly", ""), ("ss", "ss"), ("us", "us"),
             ("is", "is"), ("s", ""))


def words(text):
    """Lowercase words, apostrophes kept, spelled-out letters joined up."""
    text = str(text or "").lower().replace("\u2019", "'")
    return _SPELLED.sub(lambda m: m.group(1).replace(" ", ""), " ".join(_WORD.findall(text)))


def terms(text):
    """The words with contractions closed up ("didn't" -> "didnt")."""
    return words(text).replace("'", "")


def stem(word):
    """A small suffix stripper: enough to join "massages"/"massage", "tired"/"tiring"."""
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[:-len(suffix)] + replacement
    return word


def tokens(text):
    """Stemmed words, contractions closed up: what the classifier's features are made of."""
    return [stem(w) for w in terms(text).split()]
