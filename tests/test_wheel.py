"""The installed package ships whole (issue 20, item 2), and a missing part of it
still gets the user a spoken apology rather than silence.

The wheel is built from a copy of the source tree (so the checkout stays as it
was), installed with --no-deps into a new, empty virtual environment, and asked
a screen request and a voice-only request by that environment's interpreter in
isolated mode (-I: no PYTHON* variables, no current folder on the path). The
dependencies come from the test environment's site-packages, added as a plain
path line in a .pth file: a path line does not run that folder's own .pth
files, so the editable install of this checkout (a finder hooked in by
__editable__.msguide-1.0.0.pth) stays out, and the test checks that nothing
was imported from the checkout.
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig

import pytest

from alexa import Session, ends_session, reprompt_text, speech_text
from conftest import ROOT
from msguide_sim.envelopes import SCREENS

RENDER = "Alexa.Presentation.APL.RenderDocument"
APOLOGY_OF_LAST_RESORT = "Sorry, that request didn't make sense to me."   # msguide.envelope.APOLOGY


# The test environment's site-packages (inside the checkout when it is .venv/).
DEPENDENCIES = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})


def directive_types(response):
    return [d["type"] for d in response["response"].get("directives") or []]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The interpreter of a new virtual environment holding only the built wheel."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "node_modules", "build", "dist", "*.egg-info", "__pycache__",
        "tests", ".venv.install-lock"))
    wheels = base / "wheels"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                            "--disable-pip-version-check", "-q", "-w", str(wheels), str(source)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    [wheel] = list(wheels.glob("msguide-*.whl"))
    venv = base / "venv"
    made = subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)],
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                           "--disable-pip-version-check", "-q", str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    site = subprocess.run([str(python), "-I", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    with open(os.path.join(site, "dependencies-of-the-test-environment.pth"), "w", encoding="utf-8") as handle:
        handle.write("".join(path + "\n" for path in DEPENDENCIES))
    return python, base


ANSWER_FROM_THE_INSTALLED_COPY = (
    "import json, sys\n"
    "import lambda_function, msguide\n"
    "root, deps = sys.argv[1] + '/', tuple(p + '/' for p in sys.argv[2:])\n"
    "for body in json.loads(sys.stdin.read()):\n"
    "    print(json.dumps(lambda_function.handler(body, None)))\n"
    "print(json.dumps({'msguide': msguide.__file__, 'from_checkout': sorted(\n"
    "    name for name, module in list(sys.modules.items())\n"
    "    if (getattr(module, '__file__', None) or '').startswith(root)\n"
    "    and not module.__file__.startswith(deps))}))\n")


def ask_installed(installed, requests):
    python, base = installed
    env = dict(os.environ, MSGUIDE_PERSISTENCE="sqlite", MSGUIDE_DB=str(base / "memory.sqlite3"))
    result = subprocess.run([str(python), "-I", "-c", ANSWER_FROM_THE_INSTALLED_COPY, ROOT, *DEPENDENCIES],
                            input=json.dumps(requests), env=env, capture_output=True, text=True,
                            cwd=str(base), timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    where = json.loads(lines[-1])
    assert where["msguide"].startswith(str(base / "venv")), where
    assert where["from_checkout"] == [], where
    return [json.loads(line) for line in lines[:-1]]


def test_the_installed_wheel_answers_a_screen_device_with_speech_and_a_screen(installed):
    user = Session(screen=SCREENS["hub-landscape-large"])
    launch, answer = ask_installed(installed, [user.launch(), user.intent("HeatIntent", heat=("hot tub", "hot tub"))])
    for response in (launch, answer):
        assert RENDER in directive_types(response), response
        assert APOLOGY_OF_LAST_RESORT not in speech_text(response)
        assert not ends_session(response)
    assert "Welcome" in speech_text(launch)
    assert "hot tub" in speech_text(answer).lower() and len(speech_text(answer)) > 100
    assert answer["response"]["directives"][0]["document"]["mainTemplate"]


def test_the_installed_wheel_answers_a_voice_only_device_without_a_screen(installed):
    user = Session()
    launch, answer = ask_installed(installed, [user.launch(), user.intent("HeatIntent", heat=("sauna", "sauna"))])
    for response in (launch, answer):
        assert directive_types(response) == []
        assert not ends_session(response)
    assert "Welcome" in speech_text(launch)
    assert "sauna" in speech_text(answer).lower() and len(speech_text(answer)) > 100


@pytest.fixture
def no_screen_documents(monkeypatch, tmp_path):
    """The APL documents gone (as from a package that left them out)."""
    from msguide import screens
    monkeypatch.setattr(screens, "APL_DIR", str(tmp_path / "missing"))
    monkeypatch.setattr(screens, "_documents", {})


def test_a_broken_screen_still_gets_a_spoken_apology_and_the_session_goes_on(handler, no_screen_documents):
    from msguide.wording import for_locale
    words = for_locale("en-US")
    user = Session(screen=SCREENS["hub-landscape-large"])
    user.absorb(handler(user.launch(), None))
    before = dict(user.attributes)
    response = user.absorb(handler(user.intent("HeatIntent", heat=("hot tub", "hot tub")), None))
    assert speech_text(response) == "%s %s" % (words["error"], words["reprompt"])
    assert reprompt_text(response) == words["reprompt"]
    assert not ends_session(response)
    assert RENDER not in directive_types(response)
    assert user.attributes.get("last") == before.get("last")      # "repeat" says what was heard
