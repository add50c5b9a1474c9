"""The layout in README.md and docs/layout.md is the tree: every path they name exists,
and every top-level entry and every entry of lambda/msguide/ is listed."""

import fnmatch
import glob
import os
import re

from conftest import ROOT

# A backticked word is a path when it has a slash or a file extension, and no space.
_PATH = re.compile(r"^(?!/)[\w.*<>-]+(/[\w.*<>-]*)*$")
# Entries that need no row: the packaging marker and the tools' own dotfiles.
UNLISTED = {".gitignore", ".dockerignore", ".gitattributes", ".git", "__init__.py"}


def _is_path(token):
    return bool(_PATH.match(token)) and ("/" in token or re.search(r"\.[a-z]+$", token) is not None
                                         or os.path.exists(os.path.join(ROOT, token)))   # `Dockerfile`


def _ignored():
    patterns = [line.strip().rstrip("/") for line in open(os.path.join(ROOT, ".gitignore"), encoding="utf-8")
                if line.strip() and not line.startswith("#")]
    return lambda name: name in UNLISTED or any(fnmatch.fnmatch(name, p) for p in patterns)


def entries(folder):
    """The tree's entries in a folder (relative to the root), without what git ignores."""
    ignored = _ignored()
    full = os.path.join(ROOT, folder)
    return sorted(os.path.join(folder, name) if folder else name
                  for name in os.listdir(full) if not ignored(name))


def _ancestors(folder):
    while folder:
        folder = os.path.dirname(folder)
        yield folder


def resolve(tokens):
    """[(token, [paths it names])]: each token tried from the root, then from every
    folder a token before it in the same row or bullet named, then from the folders
    those are in ("`lambda/msguide/understanding/` ... `data/triage.json`")."""
    bases, found = [""], []
    for token in tokens:
        pattern = re.sub(r"<[a-z_]+>", "*", token)
        hits = []
        for base in bases + sorted({a for b in bases for a in _ancestors(b)}, key=len, reverse=True):
            hits = glob.glob(os.path.join(ROOT, base, pattern))
            if hits:
                break
        hits = [os.path.relpath(h, ROOT) for h in hits]
        found.append((token, hits))
        for hit in hits:
            folder = hit if os.path.isdir(os.path.join(ROOT, hit)) else os.path.dirname(hit)
            if folder not in bases:
                bases.append(folder)
    return found


def readme_layout():
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    section = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    bullets = re.split(r"\n- ", "\n" + section.strip())
    return [[t for t in re.findall(r"`([^`]+)`", b) if _is_path(t)] for b in bullets if b.strip()]


def layout_table():
    """[(first column's paths, the whole row's paths)] of docs/layout.md's table."""
    rows = []
    for line in open(os.path.join(ROOT, "docs", "layout.md"), encoding="utf-8"):
        if not line.startswith("| `"):
            continue
        first = line.split(" | ")[0]
        rows.append(([t for t in re.findall(r"`([^`]+)`", first) if _is_path(t)],
                     [t for t in re.findall(r"`([^`]+)`", line) if _is_path(t)]))
    return rows


def test_every_path_the_layouts_name_exists():
    missing = []
    for where, groups in (("README.md", readme_layout()), ("docs/layout.md", [r[1] for r in layout_table()])):
        assert len(groups) > 10, where
        for tokens in groups:
            missing += ["%s: %s" % (where, token) for token, hits in resolve(tokens) if not hits]
    assert not missing, missing


def _listed(paths, entry):
    return any(p == entry or p.startswith(entry + os.sep) for p in paths)


def test_every_top_level_and_package_entry_is_listed():
    table = {hit for first, _row in layout_table() for _t, hits in resolve(first) for hit in hits}
    wanted = entries("") + entries(os.path.join("lambda", "msguide")) \
        + entries(os.path.join("lambda", "msguide", "data")) + entries("msguide_tools")
    assert "lambda/msguide/data/topics.json" in wanted and "msguide_tools" in wanted
    assert [e for e in wanted if not _listed(table, e)] == [], "add a row to docs/layout.md's table"
    readme = {hit for tokens in readme_layout() for _t, hits in resolve(tokens) for hit in hits}
    folders = [e for e in entries("") if os.path.isdir(os.path.join(ROOT, e))]
    assert [e for e in folders if not _listed(readme, e)] == [], "add a line to the README's Layout"


def test_the_check_notices_a_missing_path_and_an_unlisted_entry():
    assert resolve(["lambda/msguide/no_such.py"]) == [("lambda/msguide/no_such.py", [])]
    assert resolve(["lambda/msguide/", "wording.py", "data/<name>.json"])[2][1]
    assert not _listed({"lambda/msguide/data/topics.json"}, "lambda/msguide/logs.py")
    assert _listed({"lambda/msguide/data/topics.json"}, "lambda/msguide/data")
