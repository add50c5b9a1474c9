"""The project as a Python project: installable, locked, and honest on first run."""

import os
import re
import shutil
import subprocess
import sys
import tomllib

import pytest

from conftest import ROOT

SYS_PATH_EDIT = re.compile(r"sys\.path\s*(\.insert|\.append|\.extend|\[|\+=|=)|syspath_prepend")


def tracked_python_files():
    out = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        pytest.skip("not a git checkout: %s" % out.stderr.strip())
    return [os.path.join(ROOT, name) for name in out.stdout.split()]


def test_no_file_edits_sys_path():
    offenders = []
    for path in tracked_python_files():
        if os.path.abspath(path) == os.path.abspath(__file__):
            continue                      # this test's own pattern
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if SYS_PATH_EDIT.search(line):
                    offenders.append("%s:%d: %s" % (os.path.relpath(path, ROOT), number, line.strip()))
    assert not offenders, "\n".join(offenders)


def pyproject():
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as handle:
        return tomllib.load(handle)


def test_every_console_script_points_at_a_real_function():
    import importlib
    scripts = pyproject()["project"]["scripts"]
    assert set(scripts) == {"msguide-serve", "msguide-sim", "msguide-build-model"}
    for name, target in scripts.items():
        module, function = target.split(":")
        assert callable(getattr(importlib.import_module(module), function)), name
        assert shutil.which(name, path=os.path.dirname(sys.executable)), "%s is not installed" % name


def test_the_packages_are_installed_from_where_they_live():
    import lambda_function
    import msguide
    import msguide_tools.build_model
    import msguide_web
    assert os.path.dirname(lambda_function.__file__) == os.path.join(ROOT, "lambda")
    assert os.path.dirname(msguide.__file__) == os.path.join(ROOT, "lambda", "msguide")
    assert os.path.dirname(msguide_tools.build_model.__file__) == os.path.join(ROOT, "tools")
    assert os.path.dirname(msguide_web.__file__) == os.path.join(ROOT, "msguide_web")


def test_the_dependency_inputs_are_the_ones_the_project_declares():
    dynamic = pyproject()["tool"]["setuptools"]["dynamic"]
    assert dynamic["dependencies"]["file"] == ["requirements/lambda.in"]
    extras = dynamic["optional-dependencies"]
    assert extras["web"]["file"] == ["requirements/web.in"]
    assert extras["dev"]["file"] == ["requirements/web.in", "requirements/dev.in"]


def test_the_locks_match_their_inputs_and_each_other_with_hashes():
    from msguide_tools import lock
    assert lock.problems() == []


def test_a_lock_that_drifts_from_its_input_is_caught(tmp_path, monkeypatch):
    from msguide_tools import lock
    drifted = tmp_path / "requirements.txt"
    text = open(os.path.join(ROOT, "lambda", "requirements.txt"), encoding="utf-8").read()
    drifted.write_text(text.replace("lunr==0.8.0", "lunr==0.7.0", 1))
    monkeypatch.setattr(lock, "LOCKS", [(str(drifted), ["lambda.in"])] + lock.LOCKS[:2])
    found = lock.problems()
    assert any("lunr 0.7.0" in problem for problem in found), found


def test_everything_installs_from_a_lock_with_hashes():
    venv = open(os.path.join(ROOT, "scripts", "_venv.sh"), encoding="utf-8").read()
    assert "--require-hashes" in venv and "-e ." in venv
    assert "requirements/web.lock" in open(os.path.join(ROOT, "scripts", "serve")).read()
    assert "requirements/dev.lock" in open(os.path.join(ROOT, "scripts", "test")).read()
    assert "requirements/web.lock" in open(os.path.join(ROOT, "Dockerfile")).read()
    from msguide_tools import package_lambda
    assert "lambda/requirements.txt" in package_lambda.__doc__
    assert "--hash=sha256:" in open(os.path.join(ROOT, "lambda", "requirements.txt")).read()


def _locked(*names):
    """The web lock's entries for `names`, hashes and all."""
    text = open(os.path.join(ROOT, "requirements", "web.lock"), encoding="utf-8").read()
    blocks = [re.search(r"^%s==[^\n]*(?:\n    --hash=[^\n]*)+" % name, text, re.M).group(0)
              for name in names]
    return "\n".join(block.rstrip(" \\") for block in blocks) + "\n"


def test_first_run_of_the_scripts_says_what_it_is_doing(tmp_path):
    (tmp_path / "scripts").mkdir()
    shutil.copy(os.path.join(ROOT, "scripts", "_venv.sh"), tmp_path / "scripts")
    (tmp_path / "tiny.lock").write_text(_locked("six", "setuptools"))
    (tmp_path / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "tiny"\nversion = "0"\n[tool.setuptools]\npy-modules = []\n')
    run = ["bash", "-c", '. scripts/_venv.sh tiny.lock && echo ready']
    env = dict(os.environ, PYTHON=sys.executable)
    first = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True, timeout=600, env=env)
    assert first.returncode == 0, first.stderr
    for said in ("creating a virtual environment", "installing 2 locked packages from tiny.lock",
                 "installing this project", "installed in"):
        assert said in first.stderr, first.stderr
    assert re.search(r"(Collecting|Processing) six", first.stderr), first.stderr
    (tmp_path / "broken.lock").write_text("idna==3.20 --hash=sha256:" + "0" * 64 + "\n")
    broken = subprocess.run(["bash", "-c", ". scripts/_venv.sh broken.lock"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300, env=env)
    assert broken.returncode != 0 and "pip failed installing broken.lock" in broken.stderr
    again = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    assert again.stdout.strip() == "ready" and again.stderr == ""
