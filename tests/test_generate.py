"""scripts/generate and scripts/check: one loop over every generated file."""

import glob
import io
import os
import re

from conftest import ROOT
from msguide_tools import generate

# The two slow checks (about 50 s together) run in the tests that also look inside
# their files; the rest run here, through the loop itself.
CHECKED_ELSEWHERE = {"console_files.py": "test_console_files.py", "make_icons.py": "test_deploy.py"}


def test_every_tool_with_a_check_is_in_the_loop():
    """A new generator with --check that scripts/generate and scripts/check leave out fails here."""
    steps = {tool for tool, _writes, _how in generate.STEPS}
    for path in glob.glob(os.path.join(ROOT, "msguide_tools", "*.py")):
        name = os.path.basename(path)
        if name == "generate.py" or '"--check"' not in open(path, encoding="utf-8").read():
            continue
        assert name in steps or name in generate.NOT_GENERATORS, name
    assert all(how in ("write", "stale", "check") for _tool, _writes, how in generate.STEPS)


def test_the_checks_pass_on_the_tree():
    fast = [step for step in generate.STEPS if step[0] not in CHECKED_ELSEWHERE]
    out = io.StringIO()
    assert generate.check(fast, out=out) == 0, out.getvalue()
    for tool, test_file in CHECKED_ELSEWHERE.items():
        module = tool[:-3]
        text = open(os.path.join(ROOT, "tests", test_file), encoding="utf-8").read()
        assert re.search(r"%s\.main\(\[\"--check\"\]\) == 0" % module, text), (tool, test_file)


def _fake(stale, fails=()):
    calls = []

    def run(tool, args, quiet=False):
        calls.append((tool, tuple(args)))
        if tool in fails and not args:
            return 2, "boom"
        if args == ["--check"] and tool in stale:
            return 1, "stale: something (run python msguide_tools/%s)" % tool
        return 0, ""
    return run, calls


def test_check_runs_every_step_and_names_each_stale_one():
    run, calls = _fake(stale={"build_model.py", "make_icons.py"})
    out = io.StringIO()
    assert generate.check(run=run, out=out) == 1
    assert [c[0] for c in calls] == [tool for tool, _w, _h in generate.STEPS]      # not up to the first
    said = out.getvalue()
    assert "run python msguide_tools/build_model.py" in said and "make_icons.py" in said.splitlines()[-1]
    assert "console_files.py" not in said.splitlines()[-1]


def test_generate_writes_in_order_trains_only_when_stale_and_stops_at_a_failure():
    run, calls = _fake(stale=set())
    assert generate.generate(run=run, out=io.StringIO()) == 0
    written = [tool for tool, args in calls if not args]
    assert written == ["optional_brackets.py", "build_model.py", "console_files.py", "make_icons.py"]
    assert ("train_understanding.py", ("--check",)) in calls and ("lock.py", ("--check",)) in calls

    run, calls = _fake(stale={"train_understanding.py"}, fails={"build_model.py"})
    out = io.StringIO()
    assert generate.generate(run=run, out=out) == 2
    assert [tool for tool, args in calls if not args] == ["optional_brackets.py", "build_model.py"]
    assert "build_model.py failed" in out.getvalue()

    run, calls = _fake(stale={"train_understanding.py", "lock.py"})
    out = io.StringIO()
    assert generate.generate(run=run, out=out) == 1                      # the locks are never rewritten
    assert ("train_understanding.py", ()) in calls and ("lock.py", ()) not in calls


def test_the_scripts_run_the_loop():
    for name, flag in (("generate", ""), ("check", " --check")):
        text = open(os.path.join(ROOT, "scripts", name), encoding="utf-8").read()
        assert os.access(os.path.join(ROOT, "scripts", name), os.X_OK)
        assert "msguide_tools/generate.py%s" % flag in text


def test_gitattributes_mark_the_generated_files_and_only_those():
    import subprocess

    import pytest
    generated = (glob.glob("skill-package/interactionModels/custom/*.json", root_dir=ROOT)
                 + glob.glob("console/*/*", root_dir=ROOT) + glob.glob("requirements/*.lock", root_dir=ROOT)
                 + ["lambda/msguide/data/understanding.json", "lambda/requirements.txt",
                    "skill-package/assets/icon-108.png", "skill-package/assets/icon-512.png"])
    sources = ["interactionModels/model.yaml", "lambda/msguide/data/topics.json", "requirements/dev.in",
               "skill-package/skill.json", "lambda/msguide/data/wording.json", "README.md"]
    done = subprocess.run(["git", "check-attr", "linguist-generated", "diff", "--"] + generated + sources,
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip("not a git checkout: %s" % done.stderr.strip())
    attrs = {}
    for line in done.stdout.splitlines():
        path, attr, value = line.rsplit(": ", 2)
        attrs[(path, attr)] = value
    assert len(generated) > 25
    for path in generated:
        assert attrs[(path, "linguist-generated")] == "set", path
    for path in sources:
        assert attrs[(path, "linguist-generated")] == "unspecified", path
    assert attrs[("lambda/msguide/data/understanding.json", "diff")] == "unset"     # the weights
