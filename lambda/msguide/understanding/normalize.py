"""The one text normaliser: every reader of words (triage, search, the classifier,
the soundalike matcher) starts from these, so they can never disagree about what
was said.

- `words(text)`: lowercase words with apostrophes kept (curly ones straightened),
  letters spelled out one by one joined up ("the a m t a" -> "the amta", "m s" ->
  "ms", "a d v t" -> "a dvt"), a year said as words written as a number ("twenty sixteen" -> "2016");
  every other character is a space.
- `terms(text)`: `words` with contractions closed up ("didnt"), as Lunr indexes them,
  and "expecting" said of a person read as "pregnant".
- `tokens(text)`: `terms` split and stemmed by `stem`, as the classifier reads them.
"""

import re

_WORD = re.compile(r"[a-z0-9']+")
_SPELLED = re.compile(r"(?<![a-z0-9'])((?:[a-z] ){2,}[a-z])(?![a-z0-9'])")
# spelled names that begin with the letter "a" or "i"; any other run that begins with
# one reads it as the word ("got a d v t" -> "got a dvt", "is a c b d oil ok")
_SPELLED_WITH_A_OR_I = frozenset(("amta", "abmp", "aota", "icu", "ibs", "iv", "ivig", "amt", "aaa"))
_MS = re.compile(r"(?<![a-z0-9'])m s(?=(?:'s)?(?![a-z0-9']))")
_SUFFIXES = (("ies", "y"), ("sses", "ss"), ("ness", ""), ("ing", ""), ("edly", ""), ("ed", ""),
             ("ly", ""), ("ss", "ss"), ("us", "us"),
             ("is", "is"), ("s", ""))


_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_CENTURY = {"nineteen": 1900, "twenty": 2000}
# a year as speech recognition writes it: "twenty sixteen", "twenty twenty two",
# "nineteen ninety", "twenty oh five", "two thousand and nine"; never a span or an
# amount ("twenty thirty minutes", "twenty twenty pounds")
_YEAR = re.compile(
    r"\b(?:(nineteen|twenty) (?:(oh|o) (%(units)s)|(%(teens)s)|(%(tens)s)(?: (%(units)s))?)"
    r"|two thousand (?:and )?(?:(%(teens)s)|(%(units)s)|(twenty)(?: (%(units)s))?))\b"
    r"(?! (?:minutes?|mins?|hours?|seconds?|pounds?|dollars?|bucks|quid|rupees|percent|per cent|years? old|kilos?|times))"
    % {"units": "|".join(_UNITS), "teens": "|".join(_TEENS), "tens": "|".join(_TENS)})


# "the twenty twenty one about swelling" is the 2020 one, not 2021: "one" followed
# by what it is about or where it came from is the study ("2020 study"), not 2021
_YEAR_ONE = re.compile(r"\b((?:nineteen|twenty) (?:%(tens)s)) one(?= (?:about|on|that|which|where|with|from|for|in|was|is|what|they|you|again)\b)"
                       % {"tens": "|".join(_TENS)})


def _year(match):
    (century, _oh, oh_unit, teen, tens, unit, k_teen, k_unit, k_twenty, k_twenty_unit) = match.groups()
    if century:
        base = _CENTURY[century]
        if oh_unit:
            return str(base + _UNITS[oh_unit])
        if teen:
            return str(base + _TEENS[teen])
        return str(base + _TENS[tens] + (_UNITS[unit] if unit else 0))
    if k_teen:
        return str(2000 + _TEENS[k_teen])
    if k_unit:
        return str(2000 + _UNITS[k_unit])
    return str(2020 + (_UNITS[k_twenty_unit] if k_twenty_unit else 0))


# regional spellings speech recognition writes as said (Scots, and the dropped g of
# "shakin", "goin"), read as the words they are, so the rules and the classifier know them
_REGIONAL = {"ah": "i", "ah've": "i've", "ah'm": "i'm", "ah'd": "i'd", "ah'll": "i'll", "ahve": "i've", "aw": "all", "ower": "over", "heid": "head", "doon": "down", "oor": "our",
             "hame": "home", "fae": "from", "tae": "to", "aboot": "about", "wi": "with", "oot": "out",
             "aff": "off", "efter": "after", "gonnae": "gonna", "cannae": "can't", "cannae'": "can't",
             "dinnae": "don't", "wouldnae": "wouldn't", "couldnae": "couldn't", "isnae": "isn't",
             "wasnae": "wasn't", "didnae": "didn't", "willnae": "won't", "shouldnae": "shouldn't",
             "havnae": "haven't", "hasnae": "hasn't", "awfy": "awful", "wean": "child", "weans": "children",
             "greetin": "crying", "tatties": "potatoes", "ken": "know", "aye": "yes", "naw": "no",
             "wummin": "woman", "ye're": "you're", "yous're": "you're", "oan": "on", "ae": "of", "o": "of", "ye": "you", "yer": "your",
             "whit": "what", "whit's": "what's", "dae": "do", "disnae": "doesn't", "doesnae": "doesn't",
             "wisnae": "wasn't", "naebody": "nobody", "nae": "no", "mair": "more", "afore": "before",
             "guid": "good", "kens": "knows", "kent": "knew", "auld": "old", "wan": "one", "wis": "was",
             "hud": "had", "jist": "just", "ony": "any", "sair": "sore", "gie": "give", "gied": "gave",
             "gien": "given", "telt": "told", "bairn": "child", "bairns": "children", "grandweans": "grandchildren",
             "noo": "now", "richt": "right", "gaun": "going", "wabbit": "exhausted", "puggled": "exhausted",
             "een": "eyes", "whaur": "where", "mah": "my", "masel": "myself", "hissel": "himself",
             "hersel": "herself", "thegither": "together",
             # Jamaican and other Caribbean English as speech recognition writes it ("cyaan get
             # no air", "done wid dis life"); "mi" is read as "me", which also stands for "my"
             "mi": "me", "dem": "them", "dis": "this", "dat": "that", "wid": "with", "tek": "take",
             "teking": "taking", "everyting": "everything", "nutting": "nothing", "nuttin": "nothing",
             "ting": "thing", "tings": "things", "cyaan": "can't", "cyan": "can't", "kyaan": "can't",
             "pon": "on", "fi": "for", "di": "the", "yuh": "you", "unu": "you", "inna": "in",
             "bredda": "brother", "breddah": "brother", "pickney": "child",
             # northern English and everyday words for nothing and ill
             "nowt": "nothing", "owt": "anything", "zilch": "nothing", "poorly": "ill",
             # Norfolk and London: "nawthen's changed", "suffin's wrong"
             "nawthen": "nothing", "nawthen's": "nothing's", "nuffin": "nothing", "nuffin's": "nothing's",
             "noffin": "nothing", "suffin": "something", "suffin's": "something's", "nada": "nothing",
             # "till" and "'til" are "until" ("how long till i notice")
             "till": "until", "til": "until", "'til": "until", "'till": "until",
             # Canada's registered massage therapist
             "rmt": "massage therapist", "rmts": "massage therapists",
             # Quebec's word for a massage therapist and the therapy
             "massotherapist": "massage therapist", "massotherapists": "massage therapists",
             "massotherapy": "massage therapy", "massotherapie": "massage therapy",
             "massotherapeute": "massage therapist"}
_DROPPED_G = ("expecting shaking going pouring looking thinking saving crying bleeding breathing choking burning "
              "coming falling feeling getting hurting killing living losing making moving nothing planning "
              "puking pushing running saying seeing sitting sleeping starting struggling swelling taking "
              "talking telling trying waking wanting wondering working doing something anything everything "
              "being having frothing fitting jerking drooping slurring vomiting spinning stopping collapsing "
              "fainting screaming shouting threatening stabbing crushing squeezing drinking swallowing "
              "stockpiling hoarding counting ending wishing hoping praying giving leaving writing cutting "
              "scratching picking biting punching hitting smoking leaking boiling roasting sweating "
              "needling rubbing kneading massaging aching itching tingling throbbing pounding racing "
              "walking standing lifting booking helping resting relaxing stretching wobbling cramping "
              "spasming seizing shivering freezing dragging limping tripping slipping sliding "
              "lying laying waiting paying asking bruising healing "
              "swimming soaking bathing showering cooking cleaning caring nursing coping managing "
              "breaking fixing sorting throwing grabbing clutching holding clawing drowning gasping "
              "wheezing turning stumbling staggering banging knocking passing dropping crashing driving "
              "speeding jumping hanging staring locking sticking wandering mumbling drooling "
              "dribbling peeing wetting bothering calling phoning texting ringing "
              # the other -ing words of the frequency list (interactionModels/common_starts.txt)
              # whose dropped-g form is not a word of that list ("mornin", "causin", "checkin")
              "during including following playing morning building according training meeting reading amazing "
              "missing watching beginning interesting leading winning growing opening fighting learning spring "
              "speaking showing meaning evening putting eating finding wearing keeping wedding acting hearing "
              "understanding becoming selling engineering happening marketing shooting housing setting changing "
              "knowing buying existing operating providing teaching willing bringing flying spending supporting "
              "dating creating increasing shopping adding regarding testing developing listening sharing "
              "considering funding remaining trading allowing serving voting carrying laughing sending dealing "
              "offering painting receiving singing warning drawing seeking depending manufacturing mining "
              "performing staying advertising exciting reporting causing letting suffering rising shipping "
              "recording dancing facing outstanding returning riding surrounding continuing heading involving "
              "resulting clothing fishing joining loving parking rolling closing processing reaching covering "
              "featuring producing rating visiting beating boring checking containing raising enjoying entering "
              "hunting studying annoying landing signing string handling posting improving programming "
              "publishing gaming reducing representing scoring searching banking pulling referring monitoring "
              "upcoming claiming crossing defending preparing hiding listing ongoing attending concerning "
              "failing finishing protecting accounting attacking coaching lighting ruling timing feeding "
              "printing promoting surprising attempting challenging editing firing stunning traveling treating "
              "choosing removing arguing focusing gathering maintaining suggesting tracking applying assuming "
              "backing describing discussing disgusting earning explaining hiring stealing bearing competing "
              "lightning streaming touching heating").split()
_REGIONAL.update((word[:-1], word) for word in _DROPPED_G)


# places whose names hold a word the rules read ("a therapist near medicine hat")
_PLACES = re.compile(r"\bmedicine (?:hat|lodge|bow)\b")


# Hawaii Pidgin's "stay" after its subject is "is" or "am" ("i stay so tired", "he stay
# shaking"); "i stay home", "stay with me", "stay cool" keep their own meaning
_STAY = re.compile(r"\b(i|he|she|it|we|they|you) stay (?!(?:at|in|on|home|with|up|over|here|there|the|awake|"
                   r"out|away|inside|outside|overnight|for|till|until|a|an|and|to|longer|put|safe|cool|warm|"
                   r"calm|still|hydrated|active|positive|strong|by)\b)")
_BE = {"i": "i am", "he": "he is", "she": "she is", "it": "it is", "we": "we are", "they": "they are",
       "you": "you are"}


def _join_spelled(match):
    joined = match.group(1).replace(" ", "")
    if joined[0] in "ai" and len(joined) >= 4 and joined not in _SPELLED_WITH_A_OR_I:
        return joined[0] + " " + joined[1:]
    return joined


def words(text):
    """Lowercase words, apostrophes kept, spelled-out letters joined up, regional
    spellings read as their words ("cannae" -> "can't", "shakin" -> "shaking"), years
    said as words written as numbers ("twenty sixteen" -> "2016")."""
    text = str(text or "").lower().replace("\u2019", "'")
    said = _SPELLED.sub(_join_spelled, " ".join(_REGIONAL.get(w, w) for w in _WORD.findall(text)))
    if "medicine " in said:    # a place named with a word of the content is only a place
        said = _PLACES.sub(lambda m: m.group().replace(" ", ""), said)
    if " stay " in said:
        said = _STAY.sub(lambda m: _BE[m.group(1)] + " ", said)
    if "m s" in said:    # two letters are too few for _SPELLED; "m s" is only ever MS here
        said = _MS.sub("ms", said)
    if not ("twenty" in said or "nineteen" in said or "thousand" in said):
        return said
    return _YEAR.sub(_year, _YEAR_ONE.sub(lambda m: m.group(1) + " study", said))


# "expecting" said of a person with nothing expected after it is a pregnancy ("when
# she's expecting"); "what should i expect", "expecting results" are not
_EXPECTING = re.compile(r"^expecting$|\bexpecting(?= (?:a baby|twins|again)\b)|"
                        r"\b(?:[a-z]+s|im|were|theyre|when|while|now|and|if|am|are|been|still)"
                        r" expecting\b(?! (?:to|a massage|massage|results|much|it|that|this|too|any|the|more|from|"
                        r"an?\b(?! baby)|some|something|anything|miracles|relief|help|her|him|me|you|us|them)\b)")


# the kind of MS someone has ("relapsing ms", "relapsing remitting") is not a relapse
_MS_KIND = re.compile(r"\brelapsing(?: and)?(?: remitting)?(?= (?:ms|m s|emmas|multiple sclerosis|form|type|kind)\b)"
                      r"|\brelapsing(?: and)? remitting\b")


def terms(text):
    """The words with contractions closed up ("didn't" -> "didnt"); "expecting" said
    of a person ("when she's expecting") read as "pregnant"; the kind of MS named
    ("relapsing ms") left out, since it is not a relapse."""
    said = words(text).replace("'", "")
    if "expecting" in said:
        said = _EXPECTING.sub(lambda m: m.group()[:-len("expecting")] + "pregnant", said)
    if "relapsing" in said:
        said = " ".join(_MS_KIND.sub("", said).split())
    return said


def stem(word):
    """A small suffix stripper: enough to join "massages"/"massage", "tired"/"tiring"."""
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[:-len(suffix)] + replacement
    return word


def tokens(text):
    """Stemmed words, contractions closed up: what the classifier's features are made of."""
    return [stem(w) for w in terms(text).split()]
