"""The Lambda zip: small, complete, and answering on its own."""

import json
import os
import subprocess
import sys
import zipfile

import pytest

from alexa import Session
from msguide_tools import package_lambda


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    out = tmp_path_factory.mktemp("build") / "lambda.zip"
    size = package_lambda.build(str(out))
    return out, size


def test_zip_is_at_most_5_mb_and_holds_only_what_lambda_needs(package):
    out, size = package
    assert size <= 5 * 1024 * 1024
    names = zipfile.ZipFile(out).namelist()
    tops = {n.split("/")[0] for n in names}
    assert {"lambda_function.py", "msguide", "ask_sdk_core", "ask_sdk_model", "lunr"} <= tops
    for unwanted in ("flask", "flask_ask_sdk", "werkzeug", "waitress", "msguide_web", "msguide_sim",
                     "pytest", "yaml", "cryptography", "tests", "tools", "msguide_tools"):
        assert unwanted not in tops, unwanted
    for data in ("topics.json", "triage.json", "understanding.json"):
        assert "msguide/data/" + data in names
    if package_lambda.runtime_python():          # bytecode for the runtime's Python (3.12)
        tag = "cpython-%s" % package_lambda.RUNTIME_PYTHON.replace(".", "")
        assert any(n.startswith("msguide/__pycache__/") and n.endswith(tag + ".pyc") for n in names)


@pytest.fixture(scope="module")
def native_package(tmp_path_factory):
    """The same zip built for this machine, so its compiled wheels (jellyfish) load here."""
    out = tmp_path_factory.mktemp("native") / "lambda.zip"
    package_lambda.build(str(out), platform="")
    return out


def test_the_zip_ships_the_phonetic_keys_for_the_runtime(package):
    out, _size = package
    names = zipfile.ZipFile(out).namelist()
    assert any(n.startswith("jellyfish/") and "aarch64" in n and n.endswith(".so") for n in names), \
        [n for n in names if n.startswith("jellyfish")]


def test_unpacked_zip_answers_in_a_fresh_interpreter_with_nothing_else(native_package, tmp_path):
    out = native_package
    folder = tmp_path / "function"
    folder.mkdir()
    zipfile.ZipFile(out).extractall(folder)
    session = Session()
    requests = [session.launch(), session.intent("HeatIntent", heat=("sauna", "sauna")),
                session.intent("SearchIntent", query="my legs are so stiff"),
                session.intent("SearchIntent", query="i don't want to be here anymore"),
                session.intent("SearchIntent", query="shiatsoo")]
    script = (
        "import json, sys\n"
        "import lambda_function\n"
        "for body in json.loads(sys.stdin.read()):\n"
        "    print(json.dumps(lambda_function.handler(body, None)))\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n")
    # As on Lambda: the function's folder first, no site-packages (-S), no PYTHON* variables.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    result = subprocess.run([sys.executable, "-S", "-c", script], input=json.dumps(requests), env=env,
                            capture_output=True, text=True, cwd=str(folder), timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    replies = [json.loads(line) for line in lines[:5]]
    assert "Welcome" in replies[0]["response"]["outputSpeech"]["ssml"]
    assert "sauna" in replies[1]["response"]["outputSpeech"]["ssml"]
    assert "spasticity" in replies[2]["response"]["outputSpeech"]["ssml"]
    assert "988" in replies[3]["response"]["outputSpeech"]["ssml"]
    assert "Shiatsu" in replies[4]["response"]["outputSpeech"]["ssml"]     # misheard, matched by sound
    modules = json.loads(lines[5])
    for heavy in ("flask", "numpy", "sklearn", "scipy"):
        assert heavy not in modules, heavy
