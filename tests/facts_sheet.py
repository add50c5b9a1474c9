"""The fact sheet (../shared/content/facts.md) read as data, for the content tests.

Each fact is a bullet that ends with its stable id, `{#heat-4}`, and carries its
source tags in brackets (`[seed]`, `[nmss, via medicalnewstoday]`; a fact outside
the sources, like the emergency section, has none). What a fact claims is read
from its own words: a "may" fact hedges every claim it makes, and a fact with a
caveat tells the reader to check with, ask or call a doctor (or their neurologist
or MS team), or says what is not recommended.
"""

import os
import re

from conftest import SHARED

SHEET = os.path.join(SHARED, "content", "facts.md")
_ID = re.compile(r"\{#([a-z]+-\d+)\}\s*$")
_TAGS = re.compile(r"\[([^\]]+)\]")
HEDGE = re.compile(r"\b(may|might|can|could|usually)\b", re.I)
# A clause that tells the reader what to do makes no claim of its own.
_ADVICE = re.compile(r"^\s*(avoid|check|ask|talk|tell|make sure|think|say|never|don't|if you|someone who|"
                     r"anyone with|also check|for saunas|the seed names)\b|\bshould\b", re.I)

# What a caveat is, found in a fact's words, and what keeps it in a reply. Each is
# (name, how the sheet says it, how a reply says it).
CAVEATS = (
    ("call the doctor if it does not ease",
     re.compile(r"if the symptoms do not ease[^.;]*call the doctor", re.I),
     re.compile(r"\bif\b[^.;]*\b(don't|doesn't|do not|does not)\b[^.;]*\b(ease|fade|pass|settle)\b[^.]*"
                r"\b(call|contact)\b[^.]*\b(doctor|GP)\b", re.I)),
    ("ask a doctor first",
     re.compile(r"\b(check with your doctor|ask (your|a) doctor first|talk it over with your doctor|"
                r"advise asking a doctor)", re.I),
     re.compile(r"\b(check|ask|talk)\b[^.]*\b(doctor|GP|neurologist)\b|\b(doctor|GP)\b[^.]*\b(first|before)\b",
                re.I)),
    ("contact the neurologist or MS team",
     re.compile(r"contact their neurologist or MS team", re.I),
     re.compile(r"\b(contact|call|see|tell)\b[^.]*\bneurologist or MS team\b", re.I)),
    ("point to the doctor",
     re.compile(r"point to the user's doctor or neurologist", re.I),
     re.compile(r"\b(doctor|GP|neurologist)\b", re.I)),
    ("not recommended with heat sensitivity",
     re.compile(r"not recommended for people with MS who are heat sensitive", re.I),
     re.compile(r"\b(aren't|are not|isn't|is not|not) recommended\b[^.]*\bheat\b|\bavoid\b[^.]*\bheat\b", re.I)),
)
# Words a fact may use to point at a doctor without it being a caveat of its own:
# ways to find a therapist ("ask your primary care doctor").
_NOT_A_CAVEAT = re.compile(r"ask your primary care doctor|ask your neurologist for therapists", re.I)


class Fact:
    def __init__(self, fact_id, section, text, tags):
        self.id, self.section, self.text, self.tags = fact_id, section, text, tags

    def __repr__(self):
        return "Fact(%r)" % self.id

    def claims(self):
        """The fact's clauses that claim something (advice to the reader is none)."""
        # sentences and clauses; a colon starts a claim of its own only before a pronoun
        # ("Avoid hot tubs: they can make symptoms worse"), not after a label ("Reiki: a light touch")
        clauses = re.split(r"[.;](?:\s+|$)|:\s+(?=(?:they|it|this|these)\b)", re.sub(r"\([^)]*\)", "", self.text))
        return [c for c in clauses if re.search(r"[a-z]", c) and not _ADVICE.search(c)]

    @property
    def hedged(self):
        """True when every claim the fact makes is hedged ("may", "can", "usually")."""
        claims = self.claims()
        return bool(claims) and all(HEDGE.search(c) for c in claims)

    @property
    def caveats(self):
        """[(name, reply pattern)] of the caveats the fact carries."""
        return [(name, reply) for name, said, reply in CAVEATS if said.search(self.text)]

    def unrecognised_caveat(self):
        """A pointer to a doctor that none of CAVEATS recognises, or None."""
        text = _NOT_A_CAVEAT.sub("", self.text)
        if re.search(r"\b(doctor|neurologist|not recommended)\b", text, re.I) and not self.caveats:
            return text
        return None


def present():
    return os.path.exists(SHEET)


def tags_of(bracket):
    """'nmss, via medicalnewstoday' -> ['nmss', 'medicalnewstoday']"""
    return [re.sub(r"^via\s+", "", tag.strip()) for tag in bracket.split(",") if tag.strip()]


def load(path=SHEET):
    """{id: Fact} for every fact of the sheet, in order."""
    facts, section, bullet = {}, None, None
    lines = open(path, encoding="utf-8").read().splitlines() + [""]
    for line in lines:
        if bullet is not None and line.startswith("  ") and line.strip():
            bullet += " " + line.strip()
            continue
        if bullet is not None:
            found = _ID.search(bullet)
            if found and section is not None:
                body = bullet[:found.start()].strip()
                tags = [t for bracket in _TAGS.findall(body) for t in tags_of(bracket)]
                text = " ".join(_TAGS.sub("", body).split())
                facts[found.group(1)] = Fact(found.group(1), section, text, list(dict.fromkeys(tags)))
            bullet = None
        if line.startswith("## "):
            section = line[3:].strip()
        elif line.startswith("- "):
            bullet = line[2:].strip()
    return facts
