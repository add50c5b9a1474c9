#!/usr/bin/env python3
"""Write the voice model's optional words in hassil's notation: "(x |)" becomes "[x]".

    python msguide_tools/optional_brackets.py           # rewrite interactionModels/model.yaml in place
    python msguide_tools/optional_brackets.py --check   # exit 1, naming each line, if an "(x |)" is left
    python msguide_tools/optional_brackets.py FILE ...  # the same for other files

A choice with an empty option, "(my |)" or "(a |the |)", is an optional choice:
"[my]", "[a|the]". The space that separated the words moves out of the brackets
("(my |)(ms |){symptom}" becomes "[my] [ms] {symptom}"); where moving it would
join or split words, the space stays inside ("[my ]"). Only the sample patterns
and the vocabulary entries change, line by line, so comments and layout stay as
they were; a pattern is rewritten only when it expands to exactly the samples it
did (msguide_tools/build_model.py's expand), and the file is written only when it loads
to the same model with every pattern so rewritten. Safe to run again: a file
with nothing left to convert is left alone.
"""

import argparse
import json
import os
import re
import sys

import yaml

from msguide_tools.build_model import SOURCE, expand

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_CLOSE = {"(": ")", "[": "]"}


class Group:
    def __init__(self, kind, alternatives):
        self.kind = kind                    # "(" or "["
        self.alternatives = alternatives    # [[str | Group, ...], ...]


def parse(text):
    """A pattern as a list of strings and Groups; ValueError when unbalanced."""
    items, end = _sequence(text, 0, top=True)
    if end != len(text):
        raise ValueError("unbalanced %r" % text)
    return items


def _sequence(text, i, top=False):
    items, literal = [], ""
    while i < len(text):
        char = text[i]
        if char in _CLOSE:
            if literal:
                items.append(literal)
                literal = ""
            group, i = _group(text, i)
            items.append(group)
            continue
        if char in ")]" or (char == "|" and not top):
            break
        literal += char
        i += 1
    if literal:
        items.append(literal)
    return items, i


def _group(text, i):
    kind, alternatives = text[i], []
    i += 1
    while True:
        alternative, i = _sequence(text, i)
        alternatives.append(alternative)
        if i >= len(text):
            raise ValueError("unbalanced %r" % text)
        if text[i] == "|":
            i += 1
            continue
        if text[i] != _CLOSE[kind]:
            raise ValueError("unbalanced %r" % text)
        return Group(kind, alternatives), i + 1


def render(items):
    out = []
    for item in items:
        if isinstance(item, Group):
            out.append(item.kind + "|".join(render(a) for a in item.alternatives) + _CLOSE[item.kind])
        else:
            out.append(item)
    return "".join(out)


def has_empty_choice(items):
    """True when a "(...)" group in the pattern has an empty option."""
    for item in items:
        if isinstance(item, Group):
            if item.kind == "(" and any(render(a) == "" for a in item.alternatives):
                return True
            if any(has_empty_choice(a) for a in item.alternatives):
                return True
    return False


def convert(items, tidy=True, top=True):
    """The pattern with each "(... |)" written "[...]". With tidy, a space that every
    option ends (or starts) with moves outside the brackets."""
    out = []
    for index, item in enumerate(items):
        if not isinstance(item, Group):
            out.append(item)
            continue
        alternatives = [convert(a, tidy, top=False) for a in item.alternatives]
        filled = [a for a in alternatives if render(a) != ""]
        if item.kind != "(" or len(filled) == len(alternatives) or not filled:
            out.append(Group(item.kind, alternatives))
            continue
        texts = [render(a) for a in filled]
        last = index == len(items) - 1
        if tidy and all(isinstance(a[-1], str) and t.endswith(" ") and t.strip() for a, t in zip(filled, texts)):
            for a in filled:
                a[-1] = a[-1].rstrip(" ")
                if not a[-1]:
                    a.pop()
            out.append(Group("[", filled))
            following = items[index + 1] if not last else None
            if not (isinstance(following, str) and following[:1].isspace()) and not (last and top):
                out.append(" ")
        elif tidy and all(isinstance(a[0], str) and t.startswith(" ") and t.strip() for a, t in zip(filled, texts)):
            for a in filled:
                a[0] = a[0].lstrip(" ")
                if not a[0]:
                    a.pop(0)
            before = render(out)
            if before and not before[-1].isspace():
                out.append(" ")
            elif not before and not top:
                out.append(" ")
            out.append(Group("[", filled))
        else:
            out.append(Group("[", filled))
    return _merge(out)


def _merge(items):
    """Adjacent strings joined, so an item list stays one string between groups."""
    merged = []
    for item in items:
        if isinstance(item, str) and merged and isinstance(merged[-1], str):
            merged[-1] += item
        elif item != "":
            merged.append(item)
    return merged


def converted(pattern, vocab, new_vocab=None):
    """The pattern in bracket notation, expanding (with new_vocab) to exactly the
    samples it did (with vocab)."""
    items = parse(pattern)
    if not has_empty_choice(items) and new_vocab is None:
        return pattern
    before = expand(pattern, vocab)
    for tidy in (True, False):
        candidate = render(convert(parse(pattern), tidy))
        if expand(candidate, vocab if new_vocab is None else new_vocab) == before:
            return candidate
    raise ValueError("cannot convert %r" % pattern)      # not reached: the untidy form is exact


def converted_vocab(vocab, samples):
    """Each vocabulary entry converted, tidy only where every sample using it still
    expands the same (a space moved out of an entry lands in its samples)."""
    new_vocab = dict(vocab)
    for name, value in vocab.items():
        if not isinstance(value, str) or not has_empty_choice(parse(value)):
            continue
        users = [s for s in samples if "<%s>" % name in s]
        for tidy in (True, False):
            trial = dict(new_vocab, **{name: render(convert(parse(value), tidy))})
            if all(expand(s, vocab) == expand(s, trial) for s in users):
                new_vocab = trial
                break
    return new_vocab


def patterns(source):
    """Every sample pattern and vocabulary entry of a loaded model.yaml."""
    found = [value for value in (source.get("vocab") or {}).values() if isinstance(value, str)]
    for spec in (source.get("intents") or {}).values():
        found.extend(s for s in ((spec or {}).get("samples") or []) if isinstance(s, str))
    return found


_LINE = re.compile(r"^(\s*(?:- |[A-Za-z_][\w.]*: ))(.+?)\s*$")


def _scalar(text):
    try:
        value = yaml.safe_load("k: " + text)["k"]
    except (yaml.YAMLError, TypeError):
        return None
    return value if isinstance(value, str) else None


def _written(value, was_quoted):
    if not was_quoted and _scalar(value) == value:
        return value
    return json.dumps(value, ensure_ascii=False)        # a JSON string is a YAML double-quoted scalar


def rewrite(text):
    """(new text, number of patterns changed)."""
    source = yaml.safe_load(text)
    vocab = source.get("vocab") or {}
    samples = [p for p in patterns(source) if p not in vocab.values()]
    new_vocab = converted_vocab(vocab, samples)
    mapping = {value: new_vocab[name] for name, value in vocab.items()}
    for sample in samples:
        mapping[sample] = converted(sample, vocab, new_vocab)
    lines, changed = [], 0
    for line in text.splitlines(keepends=True):
        match = _LINE.match(line.rstrip("\n"))
        value = _scalar(match.group(2)) if match and not line.lstrip().startswith("#") else None
        if value is None or mapping.get(value, value) == value:
            lines.append(line)
            continue
        changed += 1
        ending = line[len(line.rstrip("\n")):]
        lines.append(match.group(1) + _written(mapping[value], match.group(2)[:1] in "\"'") + ending)
    result = "".join(lines)
    _same_model(source, yaml.safe_load(result), mapping)
    return result, changed


def _same_model(before, after, mapping):
    """The rewritten file must be the same model with each pattern converted."""
    def mapped(node):
        if isinstance(node, dict):
            return {k: mapped(v) for k, v in node.items()}
        if isinstance(node, list):
            return [mapped(v) for v in node]
        return mapping.get(node, node) if isinstance(node, str) else node
    if mapped(before) != after:
        raise ValueError("the rewritten file does not load to the same model")


def leftovers(text):
    """[(line number, pattern)] for each pattern that still has an "(x |)"."""
    source = yaml.safe_load(text)
    wanted = set(patterns(source))
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        match = _LINE.match(line)
        if not match or line.lstrip().startswith("#"):
            continue
        value = _scalar(match.group(2))
        if value in wanted:
            try:
                if has_empty_choice(parse(value)):
                    found.append((number, value))
            except ValueError:
                pass
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", default=[SOURCE])
    parser.add_argument("--check", action="store_true",
                        help="only report patterns still written (x |) (exit 1 if any)")
    args = parser.parse_args(argv)
    status = 0
    for path in args.files:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        shown = os.path.relpath(path, ROOT)
        if args.check:
            for number, pattern in leftovers(text):
                print("%s:%d: %s (run python msguide_tools/optional_brackets.py)" % (shown, number, pattern))
                status = 1
            continue
        new, changed = rewrite(text)
        if new != text:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(new)
        print("%s: %d patterns rewritten" % (shown, changed))
    return status


if __name__ == "__main__":
    sys.exit(main())
