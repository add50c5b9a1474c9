"""The documentation: a README that fits the first ten minutes, a page per topic in
docs/, and no relative link (or image, or #anchor) that leads nowhere."""

import glob
import os
import re

import pytest

from conftest import ROOT

README_MAX_LINES = 200
TOPIC_PAGES = ["safety-triage", "understanding", "voice-model", "conversation", "screens-and-voice",
               "memory-and-reminders", "web-endpoint", "deploying", "console-and-certification",
               "performance", "dependencies", "content", "adding-phrasings"]

_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'(][^)]*)?\)")
_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


def documents():
    names = ["README.md", "CONTRIBUTING.md", "CHANGELOG.md"] + sorted(
        os.path.relpath(path, ROOT) for path in glob.glob(os.path.join(ROOT, "docs", "*.md")))
    return [name for name in names if os.path.exists(os.path.join(ROOT, name))]


def prose_lines(text, keep_code=False):
    """(line number, line) outside fenced code blocks, with inline code removed
    unless keep_code (a heading's anchor keeps the words of its code)."""
    fenced = False
    for number, line in enumerate(text.splitlines(), 1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield number, line if keep_code else _INLINE_CODE.sub("", line)


def slug(heading):
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)      # a link's text only
    text = re.sub(r"[*`]", "", text).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path):
    """Every anchor the headings of a markdown file make (repeats get -1, -2 ...)."""
    seen, found = {}, set()
    with open(path, encoding="utf-8") as handle:
        for _number, line in prose_lines(handle.read(), keep_code=True):
            match = _HEADING.match(line)
            if match:
                base = slug(match.group(2))
                count = seen.get(base, 0)
                seen[base] = count + 1
                found.add(base if count == 0 else "%s-%d" % (base, count))
    return found


def links(path):
    """(line number, target) of every link, image and link definition in a file."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    for number, line in prose_lines(text):
        for match in _LINK.finditer(line):
            yield number, match.group(1)
        match = _DEFINITION.match(line)
        if match:
            yield number, match.group(1)


def broken_links(path, root=ROOT):
    """Problems with the relative links of one markdown file, as readable lines."""
    problems = []
    where = os.path.relpath(path, root)
    for number, target in links(path):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("//"):
            continue                                      # https:, mailto: ... not ours to check
        file_part, _, anchor = target.partition("#")
        resolved = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
        if not os.path.abspath(resolved).startswith(os.path.abspath(root) + os.sep):
            problems.append("%s:%d: %s leaves the repository" % (where, number, target))
        elif not os.path.exists(resolved):
            problems.append("%s:%d: %s does not exist" % (where, number, target))
        elif anchor and resolved.endswith(".md") and anchor not in anchors(resolved):
            problems.append("%s:%d: %s has no heading #%s" % (where, number, target, anchor))
    return problems


@pytest.mark.parametrize("name", documents())
def test_every_relative_link_and_image_resolves(name):
    assert broken_links(os.path.join(ROOT, name)) == []


def test_the_link_check_notices_a_missing_file_image_or_heading(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "page.md").write_text("# A page\n\n## The project's own sets\n")
    (tmp_path / "README.md").write_text(
        "# Title\n\n[fine](docs/page.md#the-projects-own-sets) [self](#title) [web](https://example.org/x)\n"
        "[gone](docs/missing.md) ![picture](docs/shot.png) [no heading](docs/page.md#nowhere)\n"
        "`[code](not/checked.md)`\n\n```\n[fenced](not/checked.md)\n```\n")
    problems = broken_links(str(tmp_path / "README.md"), root=str(tmp_path))
    assert problems == ["README.md:4: docs/missing.md does not exist",
                        "README.md:4: docs/shot.png does not exist",
                        "README.md:4: docs/page.md#nowhere has no heading #nowhere"]


def test_anchors_are_the_ones_github_makes():
    assert slug("Performance (`bench/`)") == "performance-bench"
    assert slug("The project's own sets") == "the-projects-own-sets"
    assert slug("The shared sets (voice_eval)") == "the-shared-sets-voice_eval"
    assert slug("Console to your machine, without deploying code: ask-sdk-local-debug") == \
        "console-to-your-machine-without-deploying-code-ask-sdk-local-debug"


def test_the_readme_fits_the_first_ten_minutes():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        text = handle.read()
    assert len(text.splitlines()) <= README_MAX_LINES
    for said in ("scripts/serve --local-testing", "scripts/test",                       # the two commands
                 "msguide-sim", "--data @tests/data/curl-hot-tub.json", "script demo.txt"):  # try it
        assert said in text, said


def test_every_topic_has_a_page_and_the_readme_leads_to_it():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    for page in TOPIC_PAGES:
        assert os.path.exists(os.path.join(ROOT, "docs", page + ".md")), page
        assert "(docs/%s.md" % page in readme, "README does not link docs/%s.md" % page
    for name in ("CONTRIBUTING.md", "CHANGELOG.md"):
        assert "(%s)" % name in readme, name


def test_contributing_and_the_voice_model_page_say_where_a_phrasing_goes():
    with open(os.path.join(ROOT, "CONTRIBUTING.md"), encoding="utf-8") as handle:
        assert "docs/adding-phrasings.md" in handle.read()
    with open(os.path.join(ROOT, "docs", "adding-phrasings.md"), encoding="utf-8") as handle:
        page = handle.read()
    for source, command in [("topics.json", "msguide_tools/train_understanding.py"),
                            ("triage.json", "msguide_tools/eval_sets.py score"),
                            ("tests/data/safety_cases.yaml", "msguide_tools/console_files.py"),
                            ("interactionModels/understanding.yaml", "msguide_tools/train_understanding.py"),
                            ("interactionModels/model.yaml", "msguide_tools/build_model.py")]:
        assert source in page and command in page, (source, command)


def test_every_command_the_phrasing_page_names_exists():
    with open(os.path.join(ROOT, "docs", "adding-phrasings.md"), encoding="utf-8") as handle:
        page = handle.read()
    for tool in set(re.findall(r"msguide_tools/([a-z_]+\.py)", page)):
        assert os.path.exists(os.path.join(ROOT, "msguide_tools", tool)), tool
    for test_file in set(re.findall(r"tests/(test_[a-z_]+\.py)", page)):
        assert os.path.exists(os.path.join(ROOT, "tests", test_file)), test_file
    for name in set(re.findall(r"`(test_[a-z_]+)`", page)):     # tests the page says to extend
        assert any(re.search(r"def %s\(" % name, open(path, encoding="utf-8").read())
                   for path in glob.glob(os.path.join(ROOT, "tests", "test_*.py"))), name
