"""The project as a Python project: installable, locked, and honest on first run."""

import json
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
    assert os.path.dirname(msguide_tools.build_model.__file__) == os.path.join(ROOT, "msguide_tools")
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


def _tiny_project(tmp_path):
    (tmp_path / "scripts").mkdir()
    (tmp_path / "requirements").mkdir()
    shutil.copy(os.path.join(ROOT, "scripts", "_venv.sh"), tmp_path / "scripts")
    shutil.copy(os.path.join(ROOT, "requirements", "bootstrap.lock"), tmp_path / "requirements")
    (tmp_path / "tiny.lock").write_text(_locked("six", "setuptools"))
    (tmp_path / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "tiny"\nversion = "0"\n[tool.setuptools]\npy-modules = []\n')


def _bootstrap_pip_version():
    text = open(os.path.join(ROOT, "requirements", "bootstrap.lock"), encoding="utf-8").read()
    return re.search(r"^pip==(\S+)", text, re.M).group(1)


def test_first_run_of_the_scripts_says_what_it_is_doing(tmp_path):
    _tiny_project(tmp_path)
    # a first run that failed half way left a .venv/ behind: it must not be trusted
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").write_text("#!/bin/sh\nexit 1\n")
    (tmp_path / ".venv" / "bin" / "python").chmod(0o755)
    run = ["bash", "-c", '. scripts/_venv.sh tiny.lock && echo ready']
    env = dict(os.environ, PYTHON=sys.executable)
    # scripts/serve and scripts/test started together: one installs, the other waits
    both = [subprocess.Popen(run, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env) for _ in range(2)]
    results = [(p.wait(timeout=600), p.stdout.read(), p.stderr.read()) for p in both]
    for code, out, err in results:
        assert code == 0 and out.strip() == "ready", err
    first = "".join(err for _code, _out, err in results)
    for said in ("removing an unfinished .venv/", "creating a virtual environment",
                 "installing 2 locked packages from tiny.lock", "installing this project", "installed in"):
        assert said in first, first
    assert re.search(r"(Collecting|Processing) six", first), first
    # the pinned pip of requirements/bootstrap.lock, not the interpreter's bundled one, installs
    used = subprocess.run([str(tmp_path / ".venv" / "bin" / "python"), "-m", "pip", "--version"],
                          capture_output=True, text=True, check=True).stdout
    assert used.startswith("pip %s " % _bootstrap_pip_version()), used
    assert "with pip %s" % _bootstrap_pip_version() in first, first
    (tmp_path / "broken.lock").write_text("idna==3.20 --hash=sha256:" + "0" * 64 + "\n")
    broken = subprocess.run(["bash", "-c", ". scripts/_venv.sh broken.lock"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300, env=env)
    assert broken.returncode != 0 and "pip failed installing broken.lock" in broken.stderr
    # pip's own error lines, in full, naming the package
    assert "ERROR" in broken.stderr and "idna" in broken.stderr.split("what it said:")[1], broken.stderr
    again = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    assert again.stdout.strip() == "ready" and again.stderr == ""


def test_an_old_python_is_refused_before_anything_is_made(tmp_path):
    _tiny_project(tmp_path)
    old = tmp_path / "python3.10"
    old.write_text('#!/bin/sh\n[ "$1" = --version ] && echo "Python 3.10.12" && exit 0\nexit 1\n')
    old.chmod(0o755)
    run = subprocess.run(["bash", "-c", ". scripts/_venv.sh tiny.lock"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=60, env=dict(os.environ, PYTHON=str(old)))
    assert run.returncode == 1
    assert "needs Python 3.11 or newer" in run.stderr and "Python 3.10.12" in run.stderr, run.stderr
    assert not (tmp_path / ".venv").exists()
    assert pyproject()["project"]["requires-python"] == ">=3.11"


def test_the_bootstrap_pip_installs_the_development_lock_in_hash_mode(tmp_path):
    """The whole dev lock, resolved and hash-checked by the pinned pip in a throwaway
    venv (a dry run: nothing is installed; downloads come from pip's cache when warm)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "--require-hashes", "--no-deps", "-r",
                    os.path.join(ROOT, "requirements", "bootstrap.lock")], check=True)
    report = tmp_path / "report.json"
    run = subprocess.run([python, "-m", "pip", "install", "--dry-run", "--quiet", "--disable-pip-version-check",
                          "--require-hashes", "--progress-bar", "off", "--report", str(report),
                          "-r", os.path.join(ROOT, "requirements", "dev.lock")],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    from msguide_tools import lock
    locked, _unhashed = lock.pins(os.path.join(ROOT, "requirements", "dev.lock"))
    chosen = {lock.canonical(item["metadata"]["name"]): item["metadata"]["version"]
              for item in json.load(open(report))["install"]}
    assert chosen == locked


def test_a_test_run_leaves_no_folder_of_its_own_in_the_temp_folder(tmp_path):
    temp = tmp_path / "temp"
    temp.mkdir()
    env = dict(os.environ, TMPDIR=str(temp))
    env.pop("MSGUIDE_DB", None)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/test_conversation.py::test_go_back_at_the_start_says_so_and_asks"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.name for p in temp.iterdir() if p.name.startswith("msguide")) == []
