"""Writes interactionModels/common_starts.txt: the most common English words, as
open starts for the voice model (msguide_tools/build_model.py reads the file).

Alexa needs a carrier phrase before a SearchQuery slot, and a question whose first
word no sample starts with goes to AMAZON.FallbackIntent, its words lost. Written
carriers grew start by start ("thatha ...", "piece of ...", "thank you for ...") as
outsider batches showed them; a frequency list covers the class instead of the
cases seen. The words come from wordfreq's English list (a maintained package; not
a dependency of the skill or its tests: install it in a scratch environment to
re-run this), most common first. build_model.py still drops any word of the content
or of the safety rules, and any word a written sample starts with, since a carrier's
word is not sent to the skill.

    pip install wordfreq==3.1.1   # in a scratch environment
    python msguide_tools/common_starts.py [--top 5000]
"""

import argparse
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "interactionModels", "common_starts.txt")
WORD = re.compile(r"^[a-z]{2,}(?:'[a-z]+)?$")
# never a sample word (certification), whatever the list says
RUDE = frozenset("fuck fucking fucked shit shitty bitch bitches cunt dick dicks cock pussy whore slut "
                 "nigga nigger fag faggot porn sex sexy nude naked rape".split())


def words(top):
    import wordfreq

    return [w for w in wordfreq.top_n_list("en", top) if WORD.match(w) and w not in RUDE]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--top", type=int, default=5000)
    args = parser.parse_args(argv)
    from importlib.metadata import version

    found = words(args.top)
    with open(OUT, "w", encoding="utf-8") as handle:
        handle.write("# Written by msguide_tools/common_starts.py from wordfreq %s, top_n_list('en', %d),\n"
                     "# letters and one apostrophe only, rude words left out: %d words, most common first.\n"
                     "# Do not edit by hand; re-run the tool.\n" % (version("wordfreq"), args.top, len(found)))
        handle.write("\n".join(found) + "\n")
    print("wrote %s: %d words" % (os.path.relpath(OUT, ROOT), len(found)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
